/*
 * test-ofp-parse — the ovs-ofctl flow syntax: every field, shorthand, keyword and action, masks,
 * and the exact error messages users see.
 *
 * Canonical forms ("expect" strings) are what Debian's ovs-ofctl 3.1 prints for the same input
 * (`ovs-ofctl -O OpenFlow13 parse-flow`), so a parse that stored the wrong bits shows up as a
 * different string.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/util.h"
#include "ofproto/ofp-parse.h"
#include "ofproto/ofp-print.h"

static struct ofp_port_map port_map;

static int
setup(void **state)
{
    ofp_port_map_init(&port_map);
    ofp_port_map_add(&port_map, 1, "p0");
    ofp_port_map_add(&port_map, 2, "p1");
    ofp_port_map_add(&port_map, 7, "my port");
    ofp_port_map_add(&port_map, OFPP_LOCAL, "br0");
    return 0;
}

static int
teardown(void **state)
{
    ofp_port_map_destroy(&port_map);
    return 0;
}

/* Parses STR as an add and returns the flow-mod as text (caller frees), failing on errors. */
static char *
parse_add(const char *str)
{
    struct ofp_flow_mod fm;
    char *error = ofp_parse_flow_mod(str, OFPFC_ADD, ofp_port_map_lookup_cb, &port_map, &fm);
    if (error) {
        fail_msg("parsing \"%s\" failed: %s", str, error);
    }
    struct ds s = DS_EMPTY_INITIALIZER;
    ofp_format_flow_mod(&s, &fm, NULL);
    ofp_flow_mod_destroy(&fm);
    return ds_steal_cstr(&s);
}

static void
check_add(const char *str, const char *expect)
{
    char *got = parse_add(str);
    if (strcmp(got, expect)) {
        fail_msg("\"%s\"\n  parsed as: %s\n  expected:  %s", str, got, expect);
    }
    free(got);
}

/* Parses STR for COMMAND and checks the error message is exactly EXPECT. */
static void
check_error_cmd(const char *str, enum ofp_flow_mod_command command, const char *expect)
{
    struct ofp_flow_mod fm;
    char *error = ofp_parse_flow_mod(str, command, ofp_port_map_lookup_cb, &port_map, &fm);
    if (!error) {
        fail_msg("\"%s\" parsed but should fail with: %s", str, expect);
    }
    if (strcmp(error, expect)) {
        fail_msg("\"%s\"\n  error:    %s\n  expected: %s", str, error, expect);
    }
    free(error);
    ofp_flow_mod_destroy(&fm);
}

static void
check_error(const char *str, const char *expect)
{
    check_error_cmd(str, OFPFC_ADD, expect);
}

static void
test_brief_example(void **state)
{
    struct ofp_flow_mod fm;
    char *error = ofp_parse_flow_mod("priority=100,in_port=1,ip,nw_dst=10.0.0.0/8,actions=output:2",
                                     OFPFC_ADD, NULL, NULL, &fm);
    assert_null(error);
    assert_int_equal(fm.command, OFPFC_ADD);
    assert_int_equal(fm.priority, 100);
    assert_int_equal(fm.table_id, 0);
    assert_int_equal(fm.match.flow.in_port, 1);
    assert_int_equal(fm.match.wc.in_port, UINT32_MAX);
    assert_int_equal(ntohs(fm.match.flow.dl_type_be), ETH_TYPE_IP);
    assert_int_equal(fm.match.wc.dl_type_be, 0xffff);
    assert_int_equal(ntohl(fm.match.flow.nw_dst_be), 0x0a000000);
    assert_int_equal(ntohl(fm.match.wc.nw_dst_be), 0xff000000);
    assert_int_equal(fm.match.wc.nw_src_be, 0);
    assert_int_equal(fm.ofpacts.n, 1);
    assert_int_equal(fm.ofpacts.acts[0].type, OFPACT_OUTPUT);
    assert_int_equal(fm.ofpacts.acts[0].port, 2);
    assert_int_equal(fm.out_port, OFPP_ANY);
    assert_int_equal(fm.buffer_id, OFP_NO_BUFFER);
    ofp_flow_mod_destroy(&fm);
}

static void
test_l2_fields(void **state)
{
    check_add("in_port=1,actions=drop", "ADD in_port=1 actions=drop");
    check_add("in_port=p0,actions=drop", "ADD in_port=1 actions=drop");
    check_add("in_port=\"my port\",actions=drop", "ADD in_port=7 actions=drop");
    check_add("in_port=LOCAL,actions=drop", "ADD in_port=LOCAL actions=drop");
    check_add("in_port=local,actions=drop", "ADD in_port=LOCAL actions=drop");
    check_add("dl_src=00:11:22:33:44:55,dl_dst=aa:bb:cc:dd:ee:ff,actions=drop",
              "ADD dl_src=00:11:22:33:44:55,dl_dst=aa:bb:cc:dd:ee:ff actions=drop");
    check_add("eth_src=00:11:22:33:44:55,eth_dst=AA:BB:CC:DD:EE:FF,actions=drop",
              "ADD dl_src=00:11:22:33:44:55,dl_dst=aa:bb:cc:dd:ee:ff actions=drop");
    check_add("dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=drop",
              "ADD dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 actions=drop");
    /* Value bits outside the mask are cleared. */
    check_add("dl_src=ff:ff:ff:ff:ff:ff/ff:ff:ff:00:00:00,actions=drop",
              "ADD dl_src=ff:ff:ff:00:00:00/ff:ff:ff:00:00:00 actions=drop");
    check_add("dl_type=0x88cc,actions=drop", "ADD dl_type=0x88cc actions=drop");
    check_add("eth_type=0x0806,actions=drop", "ADD arp actions=drop");
    check_add("dl_type=2048,actions=drop", "ADD ip actions=drop");
    check_add("metadata=0x5,actions=drop", "ADD metadata=0x5 actions=drop");
    check_add("metadata=0x5/0xff,actions=drop", "ADD metadata=0x5/0xff actions=drop");
}

static void
test_vlan_fields(void **state)
{
    struct ofp_flow_mod fm;

    check_add("dl_vlan=5,actions=drop", "ADD dl_vlan=5 actions=drop");
    check_add("dl_vlan_pcp=3,actions=drop", "ADD dl_vlan_pcp=3 actions=drop");
    check_add("dl_vlan=10,dl_vlan_pcp=3,actions=drop", "ADD dl_vlan=10,dl_vlan_pcp=3 actions=drop");
    check_add("dl_vlan=0xffff,actions=drop", "ADD vlan_tci=0x0000/0x1fff actions=drop");
    check_add("vlan_tci=0,actions=drop", "ADD vlan_tci=0x0000/0x1fff actions=drop");
    check_add("vlan_tci=0x1000/0x1000,actions=drop", "ADD vlan_tci=0x1000/0x1000 actions=drop");
    check_add("vlan_tci=0x1005/0x1fff,actions=drop", "ADD dl_vlan=5 actions=drop");

    /* A present tag has VLAN_CFI set in the flow, as struct flow documents. */
    assert_null(ofp_parse_flow_mod("dl_vlan=5,actions=drop", OFPFC_ADD, NULL, NULL, &fm));
    assert_int_equal(ntohs(fm.match.flow.vlan_tci_be), VLAN_CFI | 5);
    assert_int_equal(ntohs(fm.match.wc.vlan_tci_be), VLAN_CFI | VLAN_VID_MASK);
    ofp_flow_mod_destroy(&fm);

    check_error("dl_vlan=4096,actions=drop",
                "dl_vlan: 4096 is out of range (0 to 4095, or 0xffff for no VLAN)");
    check_error("dl_vlan_pcp=8,actions=drop", "dl_vlan_pcp: 8 is out of range (0 to 7)");
    check_error("vlan_tci=0x2000/0x2000,actions=drop",
                "vlan_tci: 0x2000/0x2000: the mask must cover all or none of the PCP bits "
                "(0xe000)");
    check_error("vlan_tci=0x0005/0x0fff,actions=drop",
                "vlan_tci: 0x0005/0x0fff: a mask on the VLAN ID or PCP must include 0x1000 (the "
                "tag-present bit)");
}

static void
test_l3_fields(void **state)
{
    check_add("ip,nw_src=10.0.0.1,nw_dst=10.1.0.0/16,actions=drop",
              "ADD ip,nw_src=10.0.0.1,nw_dst=10.1.0.0/16 actions=drop");
    check_add("ip,nw_src=10.0.0.0/255.0.0.0,nw_dst=1.2.3.4/255.0.255.0,actions=drop",
              "ADD ip,nw_src=10.0.0.0/8,nw_dst=1.0.3.0/255.0.255.0 actions=drop");
    check_add("ip,ip_src=10.0.0.0/0,actions=drop", "ADD ip actions=drop");
    check_add("ip,nw_proto=47,actions=drop", "ADD ip,nw_proto=47 actions=drop");
    check_add("ipv6,ip_proto=47,actions=drop", "ADD ipv6,nw_proto=47 actions=drop");
    check_add("ip,nw_tos=8,actions=drop", "ADD ip,nw_tos=8 actions=drop");
    check_add("ip,ip_dscp=10,actions=drop", "ADD ip,nw_tos=40 actions=drop");
    check_add("ip,nw_ecn=1,actions=drop", "ADD ip,nw_ecn=1 actions=drop");
    check_add("ip,ip_ecn=3,nw_tos=4,actions=drop", "ADD ip,nw_tos=4,nw_ecn=3 actions=drop");
    check_add("ip,nw_ttl=5,actions=drop", "ADD ip,nw_ttl=5 actions=drop");
    check_add("arp,arp_op=1,arp_spa=1.2.3.4,arp_tpa=5.6.7.0/24,actions=drop",
              "ADD arp,arp_spa=1.2.3.4,arp_tpa=5.6.7.0/24,arp_op=1 actions=drop");
    check_add("arp,arp_sha=00:11:22:33:44:55,arp_tha=00:00:00:00:00:01/ff:ff:ff:ff:ff:00,"
              "actions=drop",
              "ADD arp,arp_sha=00:11:22:33:44:55,arp_tha=00:00:00:00:00:00/ff:ff:ff:ff:ff:00 "
              "actions=drop");
    /* nw_src with arp means the ARP sender protocol address. */
    check_add("arp,nw_src=1.1.1.1,actions=drop", "ADD arp,arp_spa=1.1.1.1 actions=drop");
    check_add("ipv6,ipv6_src=2001:db8::/32,ipv6_dst=::1,ipv6_label=0x12345,actions=drop",
              "ADD ipv6,ipv6_src=2001:db8::/32,ipv6_dst=::1,ipv6_label=0x12345 actions=drop");
    check_add("ipv6,ipv6_dst=fe80::1/ffff:ffff::,actions=drop",
              "ADD ipv6,ipv6_dst=fe80::/32 actions=drop");
    check_add("ipv6,ipv6_src=::1/::ffff,actions=drop", "ADD ipv6,ipv6_src=::1/::ffff actions=drop");
    check_add("ipv6,ipv6_label=0x5/0xf,actions=drop",
              "ADD ipv6,ipv6_label=0x00005/0x0000f actions=drop");
}

static void
test_l4_fields(void **state)
{
    check_add("tcp,tp_src=80,tp_dst=443,actions=drop", "ADD tcp,tp_src=80,tp_dst=443 actions=drop");
    check_add("tcp,tp_src=80/0xff00,actions=drop", "ADD tcp,tp_src=0x0/0xff00 actions=drop");
    check_add("tcp,tp_dst=0x1f90/0xfff0,actions=drop",
              "ADD tcp,tp_dst=0x1f90/0xfff0 actions=drop");
    check_add("udp,tp_dst=53,actions=drop", "ADD udp,tp_dst=53 actions=drop");
    check_add("sctp,tp_dst=53,actions=drop", "ADD sctp,tp_dst=53 actions=drop");
    check_add("tcp,tcp_src=22,tcp_dst=23,actions=drop", "ADD tcp,tp_src=22,tp_dst=23 actions=drop");
    check_add("udp,udp_src=67,udp_dst=68,actions=drop", "ADD udp,tp_src=67,tp_dst=68 actions=drop");
    check_add("sctp,sctp_src=1,sctp_dst=2,actions=drop", "ADD sctp,tp_src=1,tp_dst=2 actions=drop");
    check_add("tcp6,tcp_src=22,actions=drop", "ADD tcp6,tp_src=22 actions=drop");
    check_add("udp6,tp_dst=53,actions=drop", "ADD udp6,tp_dst=53 actions=drop");
    check_add("sctp6,tp_dst=9,actions=drop", "ADD sctp6,tp_dst=9 actions=drop");
    check_add("icmp,icmp_type=8,icmp_code=0,actions=drop",
              "ADD icmp,icmp_type=8,icmp_code=0 actions=drop");
    check_add("icmp6,icmp_type=135,nd_target=fe80::1,nd_sll=00:00:00:00:00:01,actions=drop",
              "ADD icmp6,icmp_type=135,nd_target=fe80::1,nd_sll=00:00:00:00:00:01 actions=drop");
    check_add("icmp6,icmpv6_type=136,icmpv6_code=0,nd_tll=00:00:00:00:00:02,actions=drop",
              "ADD icmp6,icmp_type=136,icmp_code=0,nd_tll=00:00:00:00:00:02 actions=drop");
    /* Explicit protocol numbers meet the prerequisites too, and order does not matter. */
    check_add("tp_dst=80,nw_proto=6,dl_type=0x0800,actions=drop", "ADD tcp,tp_dst=80 actions=drop");
    check_add("nw_dst=10.0.0.1,ip,actions=drop", "ADD ip,nw_dst=10.0.0.1 actions=drop");
}

static void
test_keywords(void **state)
{
    struct ofp_flow_mod fm;

    check_add("idle_timeout=10,hard_timeout=20,send_flow_rem,cookie=0x55,actions=drop",
              "ADD cookie:0x55 idle:10 hard:20 send_flow_rem actions=drop");
    check_add("check_overlap,actions=drop", "ADD check_overlap actions=drop");
    check_add("table=3,actions=drop", "ADD table:3 actions=drop");
    check_add("priority=0,actions=drop", "ADD priority=0 actions=drop");
    check_add("priority=32768,actions=drop", "ADD actions=drop");
    check_add("priority=65535 ip actions=drop", "ADD priority=65535,ip actions=drop");
    check_add("  priority:7 , ip ,actions=drop  ", "ADD priority=7,ip actions=drop");

    assert_null(ofp_parse_flow_mod("cookie=0x10/0xf0,out_port=2", OFPFC_DELETE, NULL, NULL, &fm));
    assert_int_equal(fm.cookie, 0x10);
    assert_int_equal(fm.cookie_mask, 0xf0);
    assert_int_equal(fm.out_port, 2);
    assert_int_equal(fm.table_id, 0xff);           /* deletes default to all tables */
    ofp_flow_mod_destroy(&fm);

    assert_null(ofp_parse_flow_mod("cookie=0x10", OFPFC_DELETE, NULL, NULL, &fm));
    assert_int_equal(fm.cookie_mask, UINT64_MAX);  /* without a mask: exact */
    ofp_flow_mod_destroy(&fm);

    assert_null(ofp_parse_flow_mod("priority=5,in_port=1", OFPFC_DELETE_STRICT, NULL, NULL, &fm));
    assert_int_equal(fm.command, OFPFC_DELETE_STRICT);
    assert_int_equal(fm.priority, 5);
    ofp_flow_mod_destroy(&fm);

    assert_null(ofp_parse_flow_mod("", OFPFC_DELETE, NULL, NULL, &fm));
    struct flow zero;
    memset(&zero, 0, sizeof zero);
    assert_memory_equal(&fm.match.wc, &zero, sizeof zero);     /* deletes everything */
    ofp_flow_mod_destroy(&fm);

    assert_null(ofp_parse_flow_mod("tcp,actions=NORMAL", OFPFC_MODIFY, NULL, NULL, &fm));
    assert_int_equal(fm.ofpacts.n, 1);
    assert_int_equal(fm.ofpacts.acts[0].port, OFPP_NORMAL);
    ofp_flow_mod_destroy(&fm);
}

static void
test_actions(void **state)
{
    check_add("actions=output:2", "ADD actions=output:2");
    check_add("actions=output=2", "ADD actions=output:2");
    check_add("actions=2", "ADD actions=output:2");
    check_add("actions=p1", "ADD actions=output:2");
    check_add("actions=output:p1,output:\"my port\"", "ADD actions=output:2,output:7");
    check_add("actions=NORMAL", "ADD actions=NORMAL");
    check_add("actions=normal,flood,all,local,in_port",
              "ADD actions=NORMAL,FLOOD,ALL,LOCAL,IN_PORT");
    check_add("actions=output:LOCAL", "ADD actions=LOCAL");
    check_add("actions=CONTROLLER", "ADD actions=CONTROLLER:65535");
    check_add("actions=CONTROLLER:100", "ADD actions=CONTROLLER:100");
    check_add("actions=controller(max_len=128)", "ADD actions=CONTROLLER:128");
    check_add("actions=controller(max_len=1),output:1", "ADD actions=CONTROLLER:1,output:1");
    check_add("actions=drop", "ADD actions=drop");
    check_add("actions=", "ADD actions=drop");
    check_add("actions=1, 2 ,3", "ADD actions=output:1,output:2,output:3");

    struct ofpacts acts;
    assert_null(ofp_parse_actions("output:5,CONTROLLER:7", NULL, NULL, &acts));
    assert_int_equal(acts.n, 2);
    assert_int_equal(acts.acts[0].port, 5);
    assert_int_equal(acts.acts[0].max_len, 0);
    assert_int_equal(acts.acts[1].port, OFPP_CONTROLLER);
    assert_int_equal(acts.acts[1].max_len, 7);
    ofpacts_destroy(&acts);
}

static void
test_errors(void **state)
{
    check_error("nw_dst=10.0.0.1,actions=drop",
                "nw_dst: prerequisite not met: nw_dst requires ip or arp (add \"ip,\" before it)");
    check_error("nw_dts=1,actions=drop", "unknown field \"nw_dts\"");
    check_error("ip,nw_dst=10.0.0.0/33,actions=drop",
                "10.0.0.0/33: invalid prefix length (expected 0..32)");
    check_error("ipv6,ipv6_src=::1/129,actions=drop",
                "::1/129: invalid prefix length (expected 0..128)");
    check_error("ip,nw_src=10.0.0.300,actions=drop", "10.0.0.300: invalid IPv4 address");
    check_error("ip,nw_src=10.0.0.0/abc,actions=drop",
                "10.0.0.0/abc: invalid netmask (expected a prefix length 0..32 or a dotted mask)");
    check_error("ipv6,ipv6_dst=fe80::zz,actions=drop", "fe80::zz: invalid IPv6 address");
    check_error("dl_src=zz,actions=drop",
                "zz: invalid Ethernet address (expected xx:xx:xx:xx:xx:xx)");
    check_error("dl_src=00:11:22:33:44,actions=drop",
                "00:11:22:33:44: invalid Ethernet address (expected xx:xx:xx:xx:xx:xx)");
    check_error("priority=70000,actions=drop", "priority: 70000 is out of range (0 to 65535)");
    check_error("priority=abc,actions=drop", "priority: \"abc\" is not a number");
    check_error("priority=12x,actions=drop", "priority: \"12x\" is not a number");
    check_error("tcp,tp_src=70000,actions=drop", "tp_src: 70000 is out of range (0 to 65535)");
    check_error("ip,ip_dscp=64,actions=drop", "ip_dscp: 64 is out of range (0 to 63)");
    check_error("ip,nw_ecn=4,actions=drop", "nw_ecn: 4 is out of range (0 to 3)");
    check_error("ip,nw_tos=3,actions=drop",
                "nw_tos: 3 has ECN bits set (nw_tos takes the DSCP bits, a multiple of 4; use "
                "nw_ecn for ECN)");
    check_error("ipv6,ipv6_label=0x100000,actions=drop",
                "ipv6_label: 0x100000 is out of range (0 to 1048575)");
    check_error("in_port=1", "must specify an action (e.g. \"actions=output:1\" or "
                "\"actions=drop\")");
    check_error("in_port=p9,actions=drop", "p9: invalid or unknown port for in_port");
    check_error("in_port=0,actions=drop", "0: invalid or unknown port for in_port");
    check_error("in_port,actions=drop", "in_port: missing value (use in_port=VALUE)");
    check_error("ip=5,actions=drop", "ip: protocol shorthand takes no value");
    check_error("cookie=0x5/0xff,actions=drop", "cookie: flow additions cannot use a cookie mask");
    check_error("table=255,actions=drop",
                "table: flows must be added to one table (0 to 254), not 255 (all)");
    check_error("table=256,actions=drop", "table: 256 is out of range (0 to 255)");
    check_error("out_port=1,actions=drop", "out_port is not allowed when adding flows");

    /* Prerequisites, one per kind. */
    check_error("tp_src=80,actions=drop", "tp_src: prerequisite not met: tp_src requires tcp, "
                "udp or sctp (add \"tcp,\" before it)");
    check_error("udp,tcp_dst=80,actions=drop", "tcp_dst: prerequisite not met: tcp_dst requires "
                "tcp or tcp6 (add \"tcp,\" before it)");
    check_error("tcp,udp_src=1,actions=drop", "udp_src: prerequisite not met: udp_src requires "
                "udp or udp6 (add \"udp,\" before it)");
    check_error("tcp,sctp_src=1,actions=drop", "sctp_src: prerequisite not met: sctp_src "
                "requires sctp or sctp6 (add \"sctp,\" before it)");
    check_error("nw_proto=6,actions=drop", "nw_proto: prerequisite not met: nw_proto requires ip "
                "or ipv6 (add \"ip,\" before it)");
    check_error("ip,arp_op=1,actions=drop", "arp_op: prerequisite not met: arp_op requires arp "
                "(add \"arp,\" before it)");
    check_error("ip,ipv6_src=::1,actions=drop", "ipv6_src: prerequisite not met: ipv6_src "
                "requires ipv6 (add \"ipv6,\" before it)");
    check_error("tcp,icmp_type=8,actions=drop", "icmp_type: prerequisite not met: icmp_type "
                "requires icmp or icmp6 (add \"icmp,\" before it)");
    check_error("icmp6,nd_target=fe80::1,actions=drop", "nd_target: prerequisite not met: "
                "nd_target requires icmp6 with icmp_type=135 or 136 (add "
                "\"icmp6,icmp_type=135,\" before it)");
    check_error("icmp6,icmp_type=136,nd_sll=00:00:00:00:00:01,actions=drop", "nd_sll: "
                "prerequisite not met: nd_sll requires icmp6 with icmp_type=135 (add "
                "\"icmp6,icmp_type=135,\" before it)");
    check_error("icmp6,icmp_type=135,nd_tll=00:00:00:00:00:01,actions=drop", "nd_tll: "
                "prerequisite not met: nd_tll requires icmp6 with icmp_type=136 (add "
                "\"icmp6,icmp_type=136,\" before it)");

    /* Actions. */
    check_error("actions=output:99999999999", "99999999999: output to unknown port");
    check_error("actions=output:0", "0: output to unknown port");
    check_error("actions=output:ANY", "ANY: output to unknown port");
    check_error("actions=output:p9", "p9: output to unknown port");
    check_error("actions=output", "output: missing port (use output:PORT)");
    check_error("actions=foo", "unknown action foo");
    check_error("actions=mod_vlan_vid:5", "unknown action mod_vlan_vid");
    check_error("actions=drop,output:1",
                "\"drop\" must not be accompanied by any other action");
    check_error("actions=CONTROLLER:abc", "CONTROLLER:abc: unknown controller argument \"abc\" "
                "(expected max_len=N)");
    check_error("actions=controller(max_len=70000)",
                "controller max_len: 70000 is out of range (0 to 65535)");

    /* Keywords per command. */
    check_error_cmd("in_port=1,actions=drop", OFPFC_DELETE,
                    "actions are not allowed when deleting flows");
    check_error_cmd("priority=5", OFPFC_DELETE, "priority is not allowed when deleting flows "
                    "(use --strict to match an exact priority)");
    check_error_cmd("idle_timeout=5", OFPFC_DELETE_STRICT,
                    "idle_timeout is not allowed when deleting flows strictly");
}

static void
test_no_port_names(void **state)
{
    struct ofp_flow_mod fm;
    char *error = ofp_parse_flow_mod("in_port=p0,actions=drop", OFPFC_ADD, NULL, NULL, &fm);
    assert_string_equal(error, "p0: invalid or unknown port for in_port (port names need the "
                        "switch's port list; use a number)");
    free(error);
    ofp_flow_mod_destroy(&fm);
}

static void
test_flow_stats_request(void **state)
{
    struct ofp_flow_stats_request fsr;

    assert_null(ofp_parse_flow_stats_request(NULL, false, NULL, NULL, &fsr));
    assert_int_equal(fsr.table_id, 0xff);
    assert_int_equal(fsr.out_port, OFPP_ANY);
    assert_int_equal(fsr.out_group, OFPG_ANY);
    assert_int_equal(fsr.cookie_mask, 0);
    assert_false(fsr.aggregate);

    assert_null(ofp_parse_flow_stats_request("table=0,out_port=p1,cookie=1/1,in_port=p0", true,
                                             ofp_port_map_lookup_cb, &port_map, &fsr));
    assert_true(fsr.aggregate);
    assert_int_equal(fsr.table_id, 0);
    assert_int_equal(fsr.out_port, 2);
    assert_int_equal(fsr.cookie, 1);
    assert_int_equal(fsr.cookie_mask, 1);
    assert_int_equal(fsr.match.flow.in_port, 1);

    char *error = ofp_parse_flow_stats_request("in_port=1,actions=drop", false, NULL, NULL, &fsr);
    assert_string_equal(error, "actions are not allowed when dumping flows");
    free(error);
    error = ofp_parse_flow_stats_request("tp_dst=80", false, NULL, NULL, &fsr);
    assert_string_equal(error, "tp_dst: prerequisite not met: tp_dst requires tcp, udp or sctp "
                        "(add \"tcp,\" before it)");
    free(error);
}

static void
test_parse_port(void **state)
{
    uint32_t port;
    char *error;

    assert_null(ofp_parse_port("5", "x", NULL, NULL, &port));
    assert_int_equal(port, 5);
    assert_null(ofp_parse_port("0xfffe", "x", NULL, NULL, &port));     /* OF1.0 LOCAL */
    assert_int_equal(port, OFPP_LOCAL);
    assert_null(ofp_parse_port("IN_PORT", "x", NULL, NULL, &port));
    assert_int_equal(port, OFPP_IN_PORT);
    assert_null(ofp_parse_port("br0", "x", ofp_port_map_lookup_cb, &port_map, &port));
    assert_int_equal(port, OFPP_LOCAL);
    error = ofp_parse_port("4294967040", "x", NULL, NULL, &port);      /* OFPP_MAX is valid */
    assert_null(error);
    error = ofp_parse_port("4294967041", "out_port", NULL, NULL, &port);
    assert_string_equal(error, "4294967041: invalid or unknown port for out_port");
    free(error);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_brief_example),
        cmocka_unit_test(test_l2_fields),
        cmocka_unit_test(test_vlan_fields),
        cmocka_unit_test(test_l3_fields),
        cmocka_unit_test(test_l4_fields),
        cmocka_unit_test(test_keywords),
        cmocka_unit_test(test_actions),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_no_port_names),
        cmocka_unit_test(test_flow_stats_request),
        cmocka_unit_test(test_parse_port),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
