#!/bin/bash
# A real VM on a vhost-user port: QEMU (Debian qemu-system-x86) boots Debian's cloud kernel with a
# busybox initramfs (tests/vm/uvs-vm-image.sh builds both from Debian packages and caches them in
# /var/cache/uvs-vm), attached to a dpdkvhostuserclient port of a uvs bridge whose internal port
# has an address. The guest pings the host and the host pings the guest, through uvs, on each of
# BOOTS boots (default 3) of the same port: uvs reconnects to every new QEMU by itself.
#
# Facts from tests/../shared/recipes/vm-vhost-user.sh, measured on these machines: KVM here cannot
# boot a stock kernel, so QEMU runs TCG (a few seconds to the first ping); QEMU 7.2 with TCG and
# vhost-user needs virtio-net-pci vectors=0 (MSI-X makes it crash); guest RAM must be shared memory
# (memfd share=on) for the vhost-user backend to map it.
. "$(dirname "$0")/common.sh"
uvs_require_root
command -v qemu-system-x86_64 >/dev/null ||
    uvs_test_skip "qemu-system-x86_64 not installed (Debian qemu-system-x86)"
uvs_test_init vhost-vm

BOOTS=${UVS_VHOST_VM_BOOTS:-3}
BR=br$UVS_SFX
SOCK=$UVS_TEST_DIR/vm.sock
NET=172.31.$((0x${UVS_SFX:0:2} % 250)).
HOST_IP=${NET}1
GUEST_IP=${NET}2

IMG=$("$UVS_SRCDIR/tests/vm/uvs-vm-image.sh" 2>"$UVS_TEST_DIR/image.err")
check "guest kernel and initramfs built from Debian packages" test -f "$IMG/vmlinuz" -a -f "$IMG/initrd.gz" ||
    { cat "$UVS_TEST_DIR/image.err"; uvs_test_finish; }

check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "add-br" uvs-vsctl --timeout=30 add-br "$BR"
check "add dpdkvhostuserclient port" uvs-vsctl --timeout=30 add-port "$BR" vhu0 -- \
    set Interface vhu0 type=dpdkvhostuserclient "options:vhost-server-path=$SOCK"
check "host address on the bridge's internal port" ip addr add "$HOST_IP/24" dev "$BR"
check "internal port up" ip link set "$BR" up

# QEMU's command line names T, so the common cleanup kills a QEMU left running.
status_is() {
    [ "$(uvs-vsctl get Interface "$1" "status:$2" 2>/dev/null | tr -d '"')" = "$3" ]
}
qemu_gone() {
    ! kill -0 "$QEMU_PID" 2>/dev/null
}

TCP_PORT=$((20000 + 0x${UVS_SFX:2:3}))
for boot in $(seq 1 "$BOOTS"); do
    LOG=$UVS_TEST_DIR/vm-boot$boot.log
    # The guest's TCP segments carry partial checksums (VIRTIO_NET_F_CSUM) that uvs completes:
    # the host's kernel accepts the connection only if they are right.
    socat -u "TCP-LISTEN:$TCP_PORT,bind=$HOST_IP,reuseaddr" "OPEN:$UVS_TEST_DIR/tcp$boot.txt,creat" \
        2>/dev/null &
    SOCAT_PID=$!
    QEMU_PID=$(
        qemu-system-x86_64 -accel tcg -m 128 -smp 1 -nographic -no-reboot \
            -kernel "$IMG/vmlinuz" -initrd "$IMG/initrd.gz" \
            -append "console=ttyS0 quiet panic=-1 uvs.ip=$GUEST_IP/24 uvs.peer=$HOST_IP uvs.hold=2 uvs.tcp=$TCP_PORT" \
            -object memory-backend-memfd,id=mem,size=128M,share=on -numa node,memdev=mem \
            -chardev "socket,id=char0,path=$SOCK,server=on,wait=off" \
            -netdev type=vhost-user,id=net0,chardev=char0,vhostforce=on \
            -device "virtio-net-pci,netdev=net0,mac=52:54:00:00:${UVS_SFX:0:2}:0$boot,vectors=0" \
            >"$LOG" 2>&1 </dev/null &
        echo $!)
    UVS_TEST_PIDS+=("$QEMU_PID")
    check "boot $boot: uvs connects to QEMU" wait_until 30 status_is vhu0 status connected
    uvs-vsctl get Interface vhu0 status:features >"$UVS_TEST_DIR/features"
    check "boot $boot: guest pings the host through uvs" \
        wait_until 90 grep -aq "GUEST: FIRST_PING_OK\|GUEST: PING_FAILED" "$LOG"
    check_grep "boot $boot: first ping answered" "GUEST: FIRST_PING_OK" cat "$LOG"
    check "boot $boot: host pings the guest through uvs" ping -c 3 -i 0.3 -W 2 "$GUEST_IP"
    check "boot $boot: guest got 5 of 5 more replies" wait_until 10 grep -aq "GUEST: PINGS 5/5" "$LOG"
    check_grep "boot $boot: guest MAC learned on vhu0" "52:54:00:00:${UVS_SFX:0:2}:0$boot" \
        uvs-appctl fdb/show "$BR"
    check "boot $boot: guest's TCP (checksum offload) reaches the host" \
        wait_until 15 grep -q "uvs-tcp-ok 52:54:00:00:${UVS_SFX:0:2}:0$boot" "$UVS_TEST_DIR/tcp$boot.txt"
    kill "$SOCAT_PID" 2>/dev/null
    wait "$SOCAT_PID" 2>/dev/null
    check "boot $boot: guest powers off" wait_until 60 qemu_gone
    QEMU_PID=
    check "boot $boot: vhu0 disconnected, link down" wait_until 10 status_is vhu0 status disconnected
done
check_grep "checksum offload (VIRTIO_NET_F_CSUM, bit 0) was negotiated" "^\"?0x[0-9a-f]*[13579bdf]\"?$" \
    cat "$UVS_TEST_DIR/features"
check_grep "vhu0 counted $BOOTS connects" "^\"?$BOOTS\"?$" uvs-vsctl get Interface vhu0 status:connects
check "uvs-vswitchd still runs" uvs-appctl version
uvs_test_finish
