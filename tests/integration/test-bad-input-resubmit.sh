#!/bin/bash
# Resubmit loops with real traffic. Rule sets that never end — two tables resubmitting to each
# other, a rule resubmitting to its own table twice (a lookup count that doubles per level), and
# an output followed by such a loop, a wide tree of resubmits — must be cut off by the translation
# limits (64 nested resubmits / 4096 table lookups per packet, ofproto-provider.h), the packet
# dropped and counted on its ingress port under its own reason ("recursion too deep" or "too many
# resubmits", as OVS names its translation errors, not the generic "flow actions were drop"),
# ofproto/trace and dpctl/dump-flows saying why, and the switch staying up: other traffic on the
# same bridge keeps flowing and the looping port forwards again once the loop is gone.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init bad-input-resubmit

FRAMES="python3 $(dirname "$0")/bad-frames.py"
N=20
BR=br$UVS_SFX
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a" uvs_add_ns a 10.62.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.62.0.2 || uvs_test_finish
check "namespace c" uvs_add_ns c 10.62.0.3 || uvs_test_finish
check "add-br" uvs-vsctl --timeout=30 add-br "$BR" || uvs_test_finish
for p in a:1 b:2 c:3; do
    check "add-port ${p%:*} as port ${p#*:}" uvs-vsctl --timeout=30 add-port "$BR" \
        "$(uvs_veth "${p%:*}")" -- set Interface "$(uvs_veth "${p%:*}")" ofport_request="${p#*:}"
done
VA=$(uvs_veth a)
MAC_B=$(uvs_ns_exec b cat /sys/class/net/eth0/address)
check "b pings c" wait_until 15 uvs_ns_exec b ping -c 1 -W 1 10.62.0.3

# drops PORT REASON — PORT's drop counter whose description starts with REASON.
drops() {
    uvs-appctl dpif-netdev/drop-show | awk -v p="$1 (bridge" -v r="  $2" '
        index($0, p) == 1 { f = 1; next }
        /^[^ ]/ { f = 0 }
        f && index($0, r) == 1 { sub(/.*: /, ""); print; exit }'
}
drops_are() {
    [ "$(drops "$1" "$2")" = "$3" ]
}

# loop_case NAME REASON FLOWS... — installs FLOWS after the NORMAL baseline, sends N UDP frames
# from a to b (they match in_port=1,udp), and checks: all N dropped and counted on a under the
# drop reason REASON (none under "flow actions were drop"), none at b, the trace and the megaflow
# name the limit, b and c still talk, the switch answers.
loop_case() {
    local name=$1 reason=$2 before after generic f
    shift 2
    check "$name: flows" bash -c "uvs-ofctl del-flows $BR && uvs-ofctl add-flow $BR \
        priority=0,actions=NORMAL$(for f in "$@"; do printf ' && uvs-ofctl add-flow %s %q' "$BR" "$f"; done)"
    check_grep "$name: ofproto/trace says the translation was cut off" \
        "over 64 nested resubmits or 4096 lookups: dropping" \
        bash -c "uvs-appctl ofproto/trace $BR in_port=1,udp,dl_dst=$MAC_B | tail -n 20"
    check_grep "$name: ofproto/trace: the translation failed with reason '$reason'" \
        "^Translation failed \\($reason\\), packet is dropped\\.\$" \
        bash -c "uvs-appctl ofproto/trace $BR in_port=1,udp,dl_dst=$MAC_B | tail -n 5"
    check_grep "$name: ofproto/trace: datapath actions are drop($reason)" \
        "^Datapath actions: drop\\($reason\\)\$" \
        bash -c "uvs-appctl ofproto/trace $BR in_port=1,udp,dl_dst=$MAC_B | tail -n 5"
    before=$(drops "$VA" "$reason:")
    generic=$(drops "$VA" "flow actions were drop:")
    uvs_ns_exec b $FRAMES recv eth0 6 >"$UVS_TEST_DIR/recv-$name.out" 2>&1 &
    local recv=$!
    check "$name: receiver in b listens" wait_until 10 grep -q ready "$UVS_TEST_DIR/recv-$name.out"
    check "$name: send $N UDP frames from a" uvs_ns_exec a $FRAMES send eth0 "$MAC_B" udp-ok "$N"
    after=$((before + N))
    check "$name: all $N dropped and counted on port a as '$reason'" \
        wait_until 10 drops_are "$VA" "$reason:" "$after"
    check_output "$name: none counted as 'flow actions were drop'" "$generic" \
        drops "$VA" "flow actions were drop:"
    check_grep "$name: dpctl/dump-flows shows the megaflow's drop reason" \
        "packets:[1-9][0-9]*, .*actions:drop\\($reason\\)\$" uvs-appctl dpctl/dump-flows
    check_grep "$name: dpctl/show counts the reason on port a" \
        "^    dropped \\($reason\\): [1-9]" uvs-appctl dpctl/show
    check "$name: the switch still answers" uvs-appctl -t uvs-vswitchd version
    check "$name: b and c still talk" uvs_ns_exec b ping -c 2 -i 0.2 -W 1 10.62.0.3
    wait "$recv" 2>/dev/null       # It listens for 6 s, long after the last frame was sent.
    check_output "$name: nothing reached b" "" \
        bash -c "grep -v '^ready\$' '$UVS_TEST_DIR/recv-$name.out' || true"
}

loop_case "mutual loop" "recursion too deep" "table=0,priority=100,in_port=1,udp,actions=resubmit(,1)" \
    "table=1,priority=1,actions=resubmit(,2)" "table=2,priority=1,actions=resubmit(,1)"
loop_case "doubling loop" "recursion too deep" "table=0,priority=100,in_port=1,udp,actions=resubmit(,11)" \
    "table=11,priority=1,actions=resubmit(,11),resubmit(,11)"
loop_case "output then loop" "recursion too deep" \
    "table=0,priority=100,in_port=1,udp,actions=output:2,resubmit(,1)" \
    "table=1,priority=1,actions=resubmit(,1)"
loop_case "goto_table loop" "recursion too deep" "table=0,priority=100,in_port=1,udp,actions=goto_table:1" \
    "table=1,priority=1,actions=resubmit(,0)"
# No loop and only 4 tables deep, but 16 x 16 x 16 lookups in the last table: the lookup budget.
resubmit16() {
    local a= i
    for i in $(seq 16); do a+="resubmit(,$1),"; done
    echo "${a%,}"
}
loop_case "wide tree" "too many resubmits" "table=0,priority=100,in_port=1,udp,actions=resubmit(,21)" \
    "table=21,priority=1,actions=$(resubmit16 22)" "table=22,priority=1,actions=$(resubmit16 23)" \
    "table=23,priority=1,actions=$(resubmit16 24)" "table=24,priority=1,actions=drop"

# The loop gone, a's UDP reaches b again.
check "back to NORMAL" bash -c "uvs-ofctl del-flows $BR && uvs-ofctl add-flow $BR priority=0,actions=NORMAL"
uvs_ns_exec b $FRAMES recv eth0 30 >"$UVS_TEST_DIR/recv-after.out" 2>&1 &
RECV=$!
check "receiver in b listens" wait_until 10 grep -q ready "$UVS_TEST_DIR/recv-after.out"
check "send $N UDP frames and the end marker" bash -c "$(printf '%q ' ip netns exec \
    "$(uvs_ns a)") $FRAMES send eth0 $MAC_B udp-ok $N && $(printf '%q ' ip netns exec \
    "$(uvs_ns a)") $FRAMES send eth0 $MAC_B end 1"
check "receiver saw the end marker" wait_until 20 bash -c "! kill -0 $RECV 2>/dev/null"
wait "$RECV" 2>/dev/null
check_grep "a's UDP reaches b again ($N of $N)" "^udp-ok $N\$" cat "$UVS_TEST_DIR/recv-after.out"
check_grep "log: the limit was logged" "nested resubmit/goto_table .* dropping" \
    cat "$UVS_LOGDIR/uvs-vswitchd.log"

uvs_test_finish
