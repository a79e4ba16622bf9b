/*
 * test-ofp-msgs — the OpenFlow 1.3 codec: framing, HELLO negotiation, flow-mods (round trips and
 * bytes captured from Debian's ovs-ofctl 3.1), OXM decoding errors per OpenFlow 1.3.5 §7.2.3,
 * instructions, multipart replies and their 64 KiB split, packet-ins with tunnel metadata, and
 * robustness: every truncation and
 * thousands of corrupted messages are decoded from exact-size heap copies (so a sanitizer build
 * catches any over-read) without crashing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/util.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-parse.h"
#include "ofproto/ofp-print.h"

/* ---------------------------------------------------------------------------------------------
 * Helpers.
 * ------------------------------------------------------------------------------------------- */

static size_t
from_hex(const char *hex, uint8_t **out)
{
    size_t n = strlen(hex) / 2;
    uint8_t *p = xmalloc(n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        unsigned int b;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &b), 1);
        p[i] = b;
    }
    *out = p;
    return n;
}

static struct ofp_flow_mod
parse_fm(const char *str, enum ofp_flow_mod_command command)
{
    struct ofp_flow_mod fm;
    char *error = ofp_parse_flow_mod(str, command, NULL, NULL, &fm);
    if (error) {
        fail_msg("%s: %s", str, error);
    }
    return fm;
}

static char *
fm_to_string(const struct ofp_flow_mod *fm)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    ofp_format_flow_mod(&s, fm, NULL);
    return ds_steal_cstr(&s);
}

/* Builds a FLOW_MOD (ADD, no instructions) around the OXM fields in OXM_HEX and returns the
 * decoder's result, with *ERR set. */
static int
decode_oxm(const char *oxm_hex, struct ofperr *err)
{
    uint8_t *oxm;
    size_t oxm_len = from_hex(oxm_hex, &oxm);
    struct ofpbuf b;
    struct ofp_flow_mod fm;

    ofp_flow_mod_init(&fm);
    ofpbuf_init(&b, 128);
    size_t start = ofp_msg_start(&b, OFP13_VERSION, OFPT_FLOW_MOD, 1);
    ofpbuf_put_zeros(&b, 40);
    ofp_set_be16(b.data + start + 30, 0x8000);   /* priority */
    ofpbuf_put_be16(&b, 1);                      /* OFPMT_OXM */
    ofpbuf_put_be16(&b, 4 + oxm_len);
    ofpbuf_put(&b, oxm, oxm_len);
    ofpbuf_put_zeros(&b, (4 + oxm_len + 7) / 8 * 8 - (4 + oxm_len));
    ofp_msg_finish(&b, start);
    ofp_flow_mod_destroy(&fm);

    int error = ofp_decode_flow_mod(b.data, b.size, &fm, err);
    ofp_flow_mod_destroy(&fm);
    ofpbuf_uninit(&b);
    free(oxm);
    return error;
}

static void
check_oxm_error(const char *oxm_hex, uint16_t type, uint16_t code)
{
    struct ofperr err = { 0xffff, 0xffff };
    int error = decode_oxm(oxm_hex, &err);
    if (error != -EPROTO || err.type != type || err.code != code) {
        fail_msg("OXM %s: got %d %s/%s, expected %s/%s", oxm_hex, error,
                 ofperr_type_name(err.type), ofperr_code_name(err), ofperr_type_name(type),
                 ofperr_code_name((struct ofperr) { type, code }));
    }
}

static void
check_oxm_ok(const char *oxm_hex)
{
    struct ofperr err;
    if (decode_oxm(oxm_hex, &err)) {
        fail_msg("OXM %s rejected with %s", oxm_hex, ofperr_code_name(err));
    }
}

/* ---------------------------------------------------------------------------------------------
 * Framing, HELLO, simple messages.
 * ------------------------------------------------------------------------------------------- */

static void
test_framing(void **state)
{
    uint8_t msg[8] = { 4, OFPT_BARRIER_REQUEST, 0, 8, 0, 0, 0, 9 };
    struct ofp_msg_header h;
    struct ofperr err;

    for (size_t n = 0; n < 8; n++) {
        assert_int_equal(ofp_msg_frame_len(msg, n), 0);
    }
    assert_int_equal(ofp_msg_frame_len(msg, 8), 8);
    assert_int_equal(ofp_decode_header(msg, 8, &h, &err), 0);
    assert_int_equal(h.version, 4);
    assert_int_equal(h.type, OFPT_BARRIER_REQUEST);
    assert_int_equal(h.xid, 9);

    /* The length field disagrees with the frame. */
    assert_int_equal(ofp_decode_header(msg, 7, &h, &err), -EPROTO);
    assert_int_equal(err.type, OFPET_BAD_REQUEST);
    assert_int_equal(err.code, OFPBRC_BAD_LEN);
    msg[3] = 4;     /* below the header size: the stream cannot be resynchronized */
    assert_int_equal(ofp_msg_frame_len(msg, 8), -EPROTO);
}

static void
test_hello(void **state)
{
    struct ofpbuf b;
    uint32_t versions;
    struct ofperr err;
    uint8_t *ovs;

    ofpbuf_init(&b, 0);
    ofp_encode_hello(&b, OFP_VERSION_BIT(OFP13_VERSION), 1);
    /* Byte for byte what Debian's ovs-ofctl -O OpenFlow13 sends. */
    size_t n = from_hex("04000010000000010001000800000010", &ovs);
    assert_int_equal(b.size, n);
    assert_memory_equal(b.data, ovs, n);
    free(ovs);

    /* ovs-ofctl's default HELLO offers 1.0 to 1.5 in a bitmap. */
    n = from_hex("0600001000000001000100080000007e", &ovs);
    assert_int_equal(ofp_decode_hello(ovs, n, &versions, &err), 0);
    assert_int_equal(versions, 0x7e);
    assert_int_equal(ofp_negotiate_version(OFP_SUPPORTED_VERSIONS, versions), OFP15_VERSION);
    assert_int_equal(ofp_negotiate_version(OFP_SUPPORTED_VERSIONS, versions & 0x1e),
                     OFP13_VERSION);
    assert_int_equal(ofp_negotiate_version(OFP_SUPPORTED_VERSIONS, versions & 0x0e),
                     OFP10_VERSION);
    free(ovs);

    /* An OpenFlow 1.0 HELLO has no bitmap: the peer supports 1.0 only. */
    n = from_hex("0100000800000001", &ovs);
    assert_int_equal(ofp_decode_hello(ovs, n, &versions, &err), 0);
    assert_int_equal(versions, OFP_VERSION_BIT(OFP10_VERSION));
    assert_int_equal(ofp_negotiate_version(OFP_SUPPORTED_VERSIONS, versions), OFP10_VERSION);
    /* ... unless Bridge.protocols leaves it out. */
    assert_int_equal(ofp_negotiate_version(OFP_VERSION_BIT(OFP13_VERSION), versions), 0);
    free(ovs);

    /* No bitmap, version 1.5: everything up to 1.5. */
    n = from_hex("0600000800000001", &ovs);
    assert_int_equal(ofp_decode_hello(ovs, n, &versions, &err), 0);
    assert_int_equal(ofp_negotiate_version(OFP_SUPPORTED_VERSIONS, versions), OFP15_VERSION);
    free(ovs);

    /* Unknown element types are skipped; a bad element length is an error. */
    n = from_hex("04000018000000010007000800000000000100080000001" "0", &ovs);
    assert_int_equal(ofp_decode_hello(ovs, n, &versions, &err), 0);
    assert_int_equal(versions, 0x10);
    free(ovs);
    n = from_hex("04000010000000010001002000000010", &ovs);
    assert_int_equal(ofp_decode_hello(ovs, n, &versions, &err), -EPROTO);
    assert_int_equal(err.code, OFPBRC_BAD_LEN);
    free(ovs);
    ofpbuf_uninit(&b);

    assert_string_equal(ofp_version_to_string(OFP13_VERSION), "OF1.3");
    assert_string_equal(ofp_version_to_string(9), "OF0x09");
}

static void
test_simple_messages(void **state)
{
    struct ofpbuf b;
    struct ofperr err, e;
    const uint8_t *data;
    size_t data_len;

    ofpbuf_init(&b, 0);
    ofp_encode_error(&b, OFP13_VERSION, 7, (struct ofperr) { OFPET_BAD_MATCH, OFPBMC_BAD_PREREQ },
                     "abcd", 4);
    assert_int_equal(b.size, 16);
    assert_int_equal(ofp_decode_error(b.data, b.size, &e, &data, &data_len, &err), 0);
    assert_int_equal(e.type, OFPET_BAD_MATCH);
    assert_int_equal(e.code, OFPBMC_BAD_PREREQ);
    assert_int_equal(data_len, 4);
    assert_memory_equal(data, "abcd", 4);
    assert_int_equal(ofp_decode_error(b.data, 11, &e, &data, &data_len, &err), -EPROTO);

    ofpbuf_clear(&b);
    struct ofp_switch_features f = { 0x0123456789abcdefULL, 0, 254, 0, 7 }, f2;
    ofp_encode_features_reply(&b, OFP13_VERSION, 2, &f);
    assert_int_equal(b.size, 32);
    memset(&f2, 0xa5, sizeof f2);    /* The decoder must set every member, ports too. */
    assert_int_equal(ofp_decode_features_reply(b.data, b.size, &f2, &err), 0);
    assert_int_equal(f2.datapath_id, f.datapath_id);
    assert_int_equal(f2.n_tables, 254);
    assert_int_equal(f2.capabilities, 7);
    assert_null(f2.ports);
    assert_int_equal(f2.n_ports, 0);
    assert_int_equal(ofp_decode_features_reply(b.data, 31, &f2, &err), -EPROTO);

    ofpbuf_clear(&b);
    struct ofp_switch_config c = { OFPC_FRAG_DROP, 128 }, c2;
    ofp_encode_switch_config(&b, OFP13_VERSION, OFPT_SET_CONFIG, 3, &c);
    assert_int_equal(ofp_decode_switch_config(b.data, b.size, &c2, &err), 0);
    assert_int_equal(c2.flags, OFPC_FRAG_DROP);
    assert_int_equal(c2.miss_send_len, 128);
    b.data[9] = 0x10;    /* unknown flag */
    assert_int_equal(ofp_decode_switch_config(b.data, b.size, &c2, &err), -EPROTO);
    assert_int_equal(err.type, OFPET_SWITCH_CONFIG_FAILED);
    assert_int_equal(err.code, OFPSCFC_BAD_FLAGS);

    ofpbuf_clear(&b);
    ofp_encode_echo(&b, OFP13_VERSION, OFPT_ECHO_REPLY, 5, "xyz", 3);
    assert_int_equal(b.size, 11);
    assert_int_equal(b.data[1], OFPT_ECHO_REPLY);
    assert_int_equal(ofp_get_be16(b.data + 2), 11);
    assert_memory_equal(b.data + 8, "xyz", 3);
    ofpbuf_uninit(&b);
}

/* A packet-in of a decapsulated packet carries the tunnel metadata in its match, as OVS sends
 * it: OXM tunnel_id, Nicira tun_src/tun_dst (class 0x0001) or tun_ipv6_src/tun_ipv6_dst; a
 * packet-in without tunnel metadata carries in_port only. */
static void
test_packet_in_tunnel(void **state)
{
    static const uint8_t frame[60] = { 0x02, 0, 0, 0, 0, 0x99 };
    static const uint8_t oxm_tunnel_id[4] = { 0x80, 0x00, 38 << 1, 8 };
    static const uint8_t nxm_tun_src[4] = { 0x00, 0x01, 31 << 1, 4 };
    static const uint8_t nxm_tun_dst[4] = { 0x00, 0x01, 32 << 1, 4 };
    static const uint8_t nxm_tun_ipv6_src[4] = { 0x00, 0x01, 109 << 1, 16 };
    struct ofp_packet_in pi = {
        .buffer_id = OFP_NO_BUFFER, .total_len = 60, .reason = OFPR_ACTION, .cookie = 7,
        .in_port = 3, .tun_id = 0x64, .tun_src_be = htonl(0xc0000201),
        .tun_dst_be = htonl(0xc0000202), .data = frame, .data_len = sizeof frame,
    }, pi2;
    struct ofperr err;
    struct ofpbuf b;
    (void) state;

    ofpbuf_init(&b, 0);
    ofp_encode_packet_in(&b, OFP13_VERSION, 0, &pi);
    assert_non_null(memmem(b.data, b.size, oxm_tunnel_id, 4));
    assert_non_null(memmem(b.data, b.size, nxm_tun_src, 4));
    assert_non_null(memmem(b.data, b.size, nxm_tun_dst, 4));
    assert_int_equal(ofp_decode_packet_in(b.data, b.size, &pi2, &err), 0);
    assert_int_equal(pi2.in_port, 3);
    assert_int_equal(pi2.tun_id, 0x64);
    assert_int_equal(pi2.tun_src_be, htonl(0xc0000201));
    assert_int_equal(pi2.tun_dst_be, htonl(0xc0000202));
    assert_int_equal(pi2.data_len, sizeof frame);
    assert_memory_equal(pi2.data, frame, sizeof frame);

    /* IPv6 underlay. */
    ofpbuf_clear(&b);
    pi.tun_src_be = pi.tun_dst_be = 0;
    memcpy(pi.tun_ipv6_src, "\xfd\x00\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
    memcpy(pi.tun_ipv6_dst, "\xfd\x00\0\0\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
    ofp_encode_packet_in(&b, OFP13_VERSION, 0, &pi);
    assert_non_null(memmem(b.data, b.size, nxm_tun_ipv6_src, 4));
    assert_null(memmem(b.data, b.size, nxm_tun_src, 4));
    assert_int_equal(ofp_decode_packet_in(b.data, b.size, &pi2, &err), 0);
    assert_memory_equal(pi2.tun_ipv6_src, pi.tun_ipv6_src, 16);
    assert_memory_equal(pi2.tun_ipv6_dst, pi.tun_ipv6_dst, 16);
    assert_int_equal(pi2.tun_src_be, 0);

    /* No tunnel: the match is in_port alone (OXM header + 4 bytes, padded to 16). */
    ofpbuf_clear(&b);
    memset(pi.tun_ipv6_src, 0, 16);
    memset(pi.tun_ipv6_dst, 0, 16);
    pi.tun_id = 0;
    ofp_encode_packet_in(&b, OFP13_VERSION, 0, &pi);
    assert_int_equal(b.size, 24 + 16 + 2 + sizeof frame);
    assert_int_equal(ofp_decode_packet_in(b.data, b.size, &pi2, &err), 0);
    assert_int_equal(pi2.tun_id, 0);
    ofpbuf_uninit(&b);
}

/* ---------------------------------------------------------------------------------------------
 * Flow-mods.
 * ------------------------------------------------------------------------------------------- */

static const char *const flow_strings[] = {
    "priority=100,in_port=1,ip,nw_dst=10.0.0.0/8,actions=output:2",
    "actions=drop",
    "tcp,tp_src=80/0xff00,dl_vlan=5,dl_vlan_pcp=2,actions=NORMAL,CONTROLLER:100",
    "udp6,ipv6_src=2001:db8::/32,ipv6_dst=::1,ipv6_label=0x12345,tp_dst=53,actions=LOCAL",
    "icmp6,icmp_type=135,icmp_code=0,nd_target=fe80::1,nd_sll=00:00:00:00:00:01,actions=IN_PORT",
    "icmp6,icmp_type=136,nd_tll=00:00:00:00:00:02,actions=FLOOD",
    "arp,arp_op=2,arp_spa=1.2.3.4,arp_tpa=5.6.0.0/16,arp_sha=00:11:22:33:44:55,"
        "arp_tha=00:00:00:00:00:00/ff:00:00:00:00:00,actions=ALL",
    "icmp,icmp_type=8,icmp_code=0,nw_tos=8,nw_ecn=1,nw_ttl=64,actions=output:1,output:2",
    "sctp,tp_src=1,tp_dst=2,metadata=0x5/0xff,dl_src=00:11:22:33:44:55,"
        "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=drop",
    "vlan_tci=0x1000/0x1000,dl_type=0x88cc,actions=drop",
    "dl_vlan=0xffff,ip,nw_src=10.0.0.0/255.0.255.0,actions=drop",
    "table=3,idle_timeout=10,hard_timeout=20,send_flow_rem,check_overlap,cookie=0xabc,"
        "priority=0,actions=controller(max_len=0)",
};

static void
test_flow_mod_round_trip(void **state)
{
    for (size_t i = 0; i < ARRAY_SIZE(flow_strings); i++) {
        struct ofp_flow_mod fm = parse_fm(flow_strings[i], OFPFC_ADD), fm2;
        struct ofpbuf b;
        struct ofperr err;

        ofpbuf_init(&b, 0);
        ofp_encode_flow_mod(&b, OFP13_VERSION, 42, &fm);
        assert_int_equal(ofp_get_be16(b.data + 2), b.size);
        assert_int_equal(b.size % 8, 0);
        if (ofp_decode_flow_mod(b.data, b.size, &fm2, &err)) {
            fail_msg("%s: decode failed with %s", flow_strings[i], ofperr_code_name(err));
        }
        assert_true(match_equal(&fm.match, &fm2.match));
        assert_true(ofpacts_equal(&fm.ofpacts, &fm2.ofpacts));
        assert_int_equal(fm.priority, fm2.priority);
        assert_int_equal(fm.cookie, fm2.cookie);
        assert_int_equal(fm.table_id, fm2.table_id);
        assert_int_equal(fm.idle_timeout, fm2.idle_timeout);
        assert_int_equal(fm.hard_timeout, fm2.hard_timeout);
        assert_int_equal(fm.flags, fm2.flags);
        assert_int_equal(fm.buffer_id, fm2.buffer_id);
        assert_int_equal(fm.out_port, fm2.out_port);
        char *s1 = fm_to_string(&fm), *s2 = fm_to_string(&fm2);
        assert_string_equal(s1, s2);
        free(s1);
        free(s2);
        ofp_flow_mod_destroy(&fm);
        ofp_flow_mod_destroy(&fm2);
        ofpbuf_uninit(&b);
    }
}

/* FLOW_MOD messages Debian's ovs-ofctl 3.1 sent (-O OpenFlow13 add-flow / --strict del-flows),
 * and how ovs-ofctl itself prints them. */
static const struct {
    const char *hex;
    const char *expect;
} ovs_flow_mods[] = {
    { "040e006800000002000000000000000000000000000000000000000000000064ffffffffffffffffffffffff"
      "000000000001001e800000040000000180000a020800800019080a000000ff000000000000040018000000"
      "0000000010000000020000000000000000",
      "ADD priority=100,ip,in_port=1,nw_dst=10.0.0.0/8 actions=output:2" },
    { "040e007800000002000000000000123400000000000000000000000a00008000ffffffffffffffffffffffff"
      "000100000001001d80000a02080080000c021005800014010680001b040000ff000000000004002800000000"
      "00000010fffffffa000000000000000000000010fffffffd0064000000000000",
      "ADD tcp,dl_vlan=5,tp_src=0x0/0xff00 cookie:0x1234 idle:10 send_flow_rem "
      "actions=NORMAL,CONTROLLER:100" },
    { "040e00a000000002000000000000000000000000000000000000000000008000ffffffffffffffffffffffff"
      "000000000001005680000a0286dd8000352020010db8000000000000000000000000ffffffff0000000000"
      "00000000000000800014013a80003a018780003e10fe800000000000000000000000000001800040060000"
      "000000010000000400180000000000000010fffffffe0000000000000000",
      "ADD icmp6,ipv6_src=2001:db8::/32,icmp_type=135,nd_target=fe80::1,"
      "nd_sll=00:00:00:00:00:01 actions=LOCAL" },
    { "040e006800000002000000000000000000000000000000000000000000008000ffffffffffffffffffffffff"
      "00000000000100328000070c01000000000001000000000080000a02080680002a02000280002c04010203"
      "0480003006001122334455000000000000",
      "ADD arp,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,arp_spa=1.2.3.4,arp_op=2,"
      "arp_sha=00:11:22:33:44:55 actions=drop" },
    { "040e00a000000002000000000000000000000000000000000000000000008000ffffffffffffffffffffffff"
      "000000000001003380000a02080080000c0200008000100102800012010100013a01058000051000000000"
      "0000000500000000000000ff0000000000000400380000000000000010fffffff800000000000000000000"
      "0010fffffffb000000000000000000000010fffffffc0000000000000000",
      "ADD ip,metadata=0x5/0xff,vlan_tci=0x0000/0x1fff,nw_tos=8,nw_ecn=1,nw_ttl=5 "
      "actions=IN_PORT,FLOOD,ALL" },
    { "040e00480000000200000000000000000000000000000000ff04000000000005ffffffffffffffffffffffff"
      "000000000001001580000a020800800014010680001c020016000000",
      "DEL_STRICT table:255 priority=5,tcp,tp_dst=22" },
};

static void
test_flow_mod_from_ovs(void **state)
{
    for (size_t i = 0; i < ARRAY_SIZE(ovs_flow_mods); i++) {
        uint8_t *msg;
        size_t n = from_hex(ovs_flow_mods[i].hex, &msg);
        struct ofp_flow_mod fm;
        struct ofperr err;

        if (ofp_decode_flow_mod(msg, n, &fm, &err)) {
            fail_msg("vector %zu: %s", i, ofperr_code_name(err));
        }
        char *s = fm_to_string(&fm);
        assert_string_equal(s, ovs_flow_mods[i].expect);
        free(s);
        ofp_flow_mod_destroy(&fm);
        free(msg);
    }
}

/* Decodes the first K bytes of MSG (with the header length set to K) from an exact-size copy. */
static int
decode_prefix(const uint8_t *msg, size_t k, struct ofp_flow_mod *fm, struct ofperr *err)
{
    uint8_t *copy = xmalloc(k ? k : 1);
    memcpy(copy, msg, k);
    if (k >= 4) {
        ofp_set_be16(copy + 2, k);
    }
    int error = ofp_decode_flow_mod(copy, k, fm, err);
    free(copy);
    return error;
}

static void
test_flow_mod_truncated(void **state)
{
    for (size_t i = 0; i < ARRAY_SIZE(flow_strings); i++) {
        struct ofp_flow_mod fm = parse_fm(flow_strings[i], OFPFC_ADD), fm2;
        struct ofpbuf b;
        struct ofperr err;

        ofpbuf_init(&b, 0);
        ofp_encode_flow_mod(&b, OFP13_VERSION, 1, &fm);
        size_t match_end = 48 + (ofp_get_be16(b.data + 50) + 7) / 8 * 8;
        for (size_t k = 0; k < b.size; k++) {
            int error = decode_prefix(b.data, k, &fm2, &err);
            /* Cutting exactly after the match leaves a valid flow-mod without instructions. */
            if (k == match_end) {
                assert_int_equal(error, 0);
                assert_int_equal(fm2.ofpacts.n, 0);
            } else if (!error) {
                fail_msg("%s: truncated to %zu of %zu bytes but decoded", flow_strings[i], k,
                         b.size);
            }
            ofp_flow_mod_destroy(&fm2);
        }
        ofpbuf_uninit(&b);
        ofp_flow_mod_destroy(&fm);
    }
}

static void
test_flow_mod_corrupted(void **state)
{
    unsigned int seed = 12345;

    for (size_t i = 0; i < ARRAY_SIZE(flow_strings); i++) {
        struct ofp_flow_mod fm = parse_fm(flow_strings[i], OFPFC_ADD), fm2;
        struct ofpbuf b;
        struct ofperr err;

        ofpbuf_init(&b, 0);
        ofp_encode_flow_mod(&b, OFP13_VERSION, 1, &fm);
        for (int round = 0; round < 500; round++) {
            uint8_t *copy = xmalloc(b.size);
            memcpy(copy, b.data, b.size);
            for (int j = 0; j < 3; j++) {
                copy[8 + rand_r(&seed) % (b.size - 8)] ^= 1u << (rand_r(&seed) % 8);
            }
            if (!ofp_decode_flow_mod(copy, b.size, &fm2, &err)) {
                /* Whatever decodes must encode again into a well-formed message. */
                struct ofpbuf b2;
                ofpbuf_init(&b2, 0);
                ofp_encode_flow_mod(&b2, OFP13_VERSION, 1, &fm2);
                assert_int_equal(ofp_get_be16(b2.data + 2), b2.size);
                ofpbuf_uninit(&b2);
            }
            ofp_flow_mod_destroy(&fm2);
            free(copy);
        }
        ofpbuf_uninit(&b);
        ofp_flow_mod_destroy(&fm);
    }
}

static void
test_flow_mod_errors(void **state)
{
    struct ofp_flow_mod fm = parse_fm("actions=output:1", OFPFC_ADD), fm2;
    struct ofpbuf b;
    struct ofperr err;

    ofpbuf_init(&b, 0);
    ofp_encode_flow_mod(&b, OFP13_VERSION, 1, &fm);

    b.data[25] = 9;     /* command */
    assert_int_equal(ofp_decode_flow_mod(b.data, b.size, &fm2, &err), -EPROTO);
    assert_int_equal(err.type, OFPET_FLOW_MOD_FAILED);
    assert_int_equal(err.code, OFPFMFC_BAD_COMMAND);
    ofp_flow_mod_destroy(&fm2);
    b.data[25] = OFPFC_ADD;

    b.data[45] = 0x40;  /* flags */
    assert_int_equal(ofp_decode_flow_mod(b.data, b.size, &fm2, &err), -EPROTO);
    assert_int_equal(err.code, OFPFMFC_BAD_FLAGS);
    ofp_flow_mod_destroy(&fm2);
    b.data[45] = 0;

    /* The output action at the end: port 0, then an unsupported action type, then a bad
     * length. */
    size_t act = b.size - 16;
    ofp_set_be32(b.data + act + 4, 0);
    assert_int_equal(ofp_decode_flow_mod(b.data, b.size, &fm2, &err), -EPROTO);
    assert_int_equal(err.type, OFPET_BAD_ACTION);
    assert_int_equal(err.code, OFPBAC_BAD_OUT_PORT);
    ofp_flow_mod_destroy(&fm2);
    ofp_set_be32(b.data + act + 4, OFPP_TABLE);    /* only valid in packet-outs */
    assert_int_equal(ofp_decode_flow_mod(b.data, b.size, &fm2, &err), -EPROTO);
    assert_int_equal(err.code, OFPBAC_BAD_OUT_PORT);
    ofp_flow_mod_destroy(&fm2);
    ofp_set_be32(b.data + act + 4, 1);
    ofp_set_be16(b.data + act, 21);                /* OFPAT_SET_QUEUE: not supported */
    assert_int_equal(ofp_decode_flow_mod(b.data, b.size, &fm2, &err), -EPROTO);
    assert_int_equal(err.type, OFPET_BAD_ACTION);
    assert_int_equal(err.code, OFPBAC_BAD_TYPE);
    ofp_flow_mod_destroy(&fm2);
    ofp_set_be16(b.data + act, 25);                /* OFPAT_SET_FIELD of NXM_OF_IN_PORT */
    assert_int_equal(ofp_decode_flow_mod(b.data, b.size, &fm2, &err), -EPROTO);
    assert_int_equal(err.type, OFPET_BAD_ACTION);
    assert_int_equal(err.code, OFPBAC_BAD_SET_TYPE);
    ofp_flow_mod_destroy(&fm2);
    ofp_set_be16(b.data + act, 0);
    ofp_set_be16(b.data + act + 2, 12);            /* not a multiple of 8 */
    assert_int_equal(ofp_decode_flow_mod(b.data, b.size, &fm2, &err), -EPROTO);
    assert_int_equal(err.code, OFPBAC_BAD_LEN);
    ofp_flow_mod_destroy(&fm2);
    ofp_set_be16(b.data + act + 2, 16);

    /* The instruction header: other instruction types. */
    size_t inst = b.size - 24;
    const struct { uint16_t type; uint16_t code; } insts[] = {
        { 1, OFPBIC_BAD_LEN },         /* goto_table is 8 bytes, not 24 */
        { 5, OFPBIC_BAD_LEN },         /* clear_actions is 8 bytes too */
        { 6, OFPBIC_BAD_LEN },         /* meter is 8 bytes too */
        { 0xffff, OFPBIC_UNSUP_INST }, /* experimenter */
        { 99, OFPBIC_UNKNOWN_INST },
    };
    for (size_t i = 0; i < ARRAY_SIZE(insts); i++) {
        ofp_set_be16(b.data + inst, insts[i].type);
        assert_int_equal(ofp_decode_flow_mod(b.data, b.size, &fm2, &err), -EPROTO);
        assert_int_equal(err.type, OFPET_BAD_INSTRUCTION);
        assert_int_equal(err.code, insts[i].code);
        ofp_flow_mod_destroy(&fm2);
    }
    ofp_set_be16(b.data + inst, 4);
    ofp_set_be16(b.data + inst + 2, 32);           /* longer than what is left */
    assert_int_equal(ofp_decode_flow_mod(b.data, b.size, &fm2, &err), -EPROTO);
    assert_int_equal(err.type, OFPET_BAD_INSTRUCTION);
    assert_int_equal(err.code, OFPBIC_BAD_LEN);
    ofp_flow_mod_destroy(&fm2);

    /* Deletes ignore instructions entirely. */
    b.data[25] = OFPFC_DELETE;
    assert_int_equal(ofp_decode_flow_mod(b.data, b.size, &fm2, &err), 0);
    ofp_flow_mod_destroy(&fm2);

    ofpbuf_uninit(&b);
    ofp_flow_mod_destroy(&fm);
}

/* ---------------------------------------------------------------------------------------------
 * OXM matches (OpenFlow 1.3.5 §7.2.3).
 * ------------------------------------------------------------------------------------------- */

static void
test_oxm_errors(void **state)
{
    /* Valid: ETH_TYPE=IPv4 then IPV4_DST. */
    check_oxm_ok("80000a02080080001804" "0a000001");
    /* Prerequisite missing, or after the field that needs it (§7.2.3.6). */
    check_oxm_error("80001804" "0a000001", OFPET_BAD_MATCH, OFPBMC_BAD_PREREQ);
    check_oxm_error("80001804" "0a000001" "80000a020800", OFPET_BAD_MATCH, OFPBMC_BAD_PREREQ);
    check_oxm_error("80000a0286dd80001804" "0a000001", OFPET_BAD_MATCH, OFPBMC_BAD_PREREQ);
    check_oxm_error("80000a02080080001a0200" "50", OFPET_BAD_MATCH, OFPBMC_BAD_PREREQ);
    check_oxm_error("80000e0103", OFPET_BAD_MATCH, OFPBMC_BAD_PREREQ);      /* VLAN_PCP alone */
    check_oxm_ok("80000c02100580000e0103");                                 /* with VID */
    check_oxm_error("80000c02000080000e0103", OFPET_BAD_MATCH, OFPBMC_BAD_PREREQ); /* VID none */
    /* ND target needs ICMPv6 type 135/136. */
    check_oxm_ok("80000a0286dd800014013a80003a018780003e10" "fe800000000000000000000000000001");
    check_oxm_error("80000a0286dd800014013a80003a018080003e10" "fe800000000000000000000000000001",
                    OFPET_BAD_MATCH, OFPBMC_BAD_PREREQ);
    /* Duplicates, unknown fields, bad lengths. */
    check_oxm_error("80000a02080080000a020800", OFPET_BAD_MATCH, OFPBMC_DUP_FIELD);
    check_oxm_error("80006404" "00000001", OFPET_BAD_MATCH, OFPBMC_BAD_FIELD);
    check_oxm_error("80000204" "00000001", OFPET_BAD_MATCH, OFPBMC_BAD_FIELD);   /* IN_PHY_PORT */
    check_oxm_error("ffff0008" "0000232000000000", OFPET_BAD_MATCH, OFPBMC_BAD_FIELD);
    check_oxm_error("80000002" "0001", OFPET_BAD_MATCH, OFPBMC_BAD_LEN);
    check_oxm_error("80000008" "00000001", OFPET_BAD_MATCH, OFPBMC_BAD_LEN);    /* past match */
    check_oxm_error("8000", OFPET_BAD_MATCH, OFPBMC_BAD_LEN);                   /* cut header */
    /* Masks: not allowed on ETH_TYPE; value bits outside the mask. */
    check_oxm_error("80000b040800ffff", OFPET_BAD_MATCH, OFPBMC_BAD_MASK);
    check_oxm_error("80000a02080080001908" "0a000001ff000000", OFPET_BAD_MATCH,
                    OFPBMC_BAD_WILDCARDS);
    check_oxm_ok("80000a02080080001908" "0a000000ff000000");
    check_oxm_error("80000d04" "1005ffff", OFPET_BAD_MATCH, OFPBMC_BAD_MASK);   /* VID mask */
    /* Values out of range. */
    check_oxm_error("80000c02" "2005", OFPET_BAD_MATCH, OFPBMC_BAD_VALUE);      /* VID > 13 bits */
    check_oxm_error("80000a020800800010" "0140", OFPET_BAD_MATCH, OFPBMC_BAD_VALUE); /* DSCP 64 */
    check_oxm_error("80000a02080680002a02" "0100", OFPET_BAD_MATCH, OFPBMC_BAD_VALUE); /* ARP op */
    check_oxm_error("80000a0286dd80003804" "00100000", OFPET_BAD_MATCH, OFPBMC_BAD_VALUE);
}

static void
test_oxm_match_type(void **state)
{
    const uint8_t std[8] = { 0, 0, 0, 4, 0, 0, 0, 0 };     /* OFPMT_STANDARD */
    const uint8_t *p = std;
    size_t left = sizeof std;
    struct match m;
    struct ofperr err;

    assert_int_equal(ofp_pull_match(&p, &left, &m, &err), -EPROTO);
    assert_int_equal(err.code, OFPBMC_BAD_TYPE);

    const uint8_t padded_past_end[4] = { 0, 1, 0, 4 };       /* needs 8 bytes with padding */
    p = padded_past_end;
    left = sizeof padded_past_end;
    assert_int_equal(ofp_pull_match(&p, &left, &m, &err), -EPROTO);
    assert_int_equal(err.code, OFPBMC_BAD_LEN);

    const uint8_t empty[8] = { 0, 1, 0, 4, 0, 0, 0, 0 };
    p = empty;
    left = sizeof empty;
    assert_int_equal(ofp_pull_match(&p, &left, &m, &err), 0);
    assert_int_equal(left, 0);
    assert_ptr_equal(p, empty + 8);
}

static void
test_oxm_vlan_semantics(void **state)
{
    struct ofpbuf b;
    struct match m, m2;
    struct ofperr err;

    /* OFPVID_NONE (exact 0) means "no tag"; OFPVID_PRESENT/OFPVID_PRESENT "any tag". */
    const struct { const char *oxm; uint16_t tci, mask; } cases[] = {
        { "80000c020000", 0x0000, 0x1fff },
        { "80000d0410001000", 0x1000, 0x1000 },
        { "80000c021064", 0x1064, 0x1fff },
        { "80000c02106480000e0105", 0xb064, 0xffff },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uint8_t *oxm;
        size_t n = from_hex(cases[i].oxm, &oxm);
        ofpbuf_init(&b, 0);
        ofpbuf_put_be16(&b, 1);
        ofpbuf_put_be16(&b, 4 + n);
        ofpbuf_put(&b, oxm, n);
        ofpbuf_put_zeros(&b, (4 + n + 7) / 8 * 8 - (4 + n));
        const uint8_t *p = b.data;
        size_t left = b.size;
        assert_int_equal(ofp_pull_match(&p, &left, &m, &err), 0);
        assert_int_equal(ntohs(m.flow.vlan_tci_be), cases[i].tci);
        assert_int_equal(ntohs(m.wc.vlan_tci_be), cases[i].mask);

        /* And back to the same bytes. */
        struct ofpbuf b2;
        ofpbuf_init(&b2, 0);
        ofp_put_match(&b2, &m);
        assert_int_equal(b2.size, b.size);
        assert_memory_equal(b2.data, b.data, b.size);
        p = b2.data;
        left = b2.size;
        assert_int_equal(ofp_pull_match(&p, &left, &m2, &err), 0);
        assert_true(match_equal(&m, &m2));
        ofpbuf_uninit(&b2);
        ofpbuf_uninit(&b);
        free(oxm);
    }
}

/* ---------------------------------------------------------------------------------------------
 * Multipart.
 * ------------------------------------------------------------------------------------------- */

static void
test_multipart_requests(void **state)
{
    struct ofpbuf b;
    struct ofp_multipart mp;
    struct ofperr err;
    struct ofp_flow_stats_request fsr, fsr2;
    uint32_t port;

    ofpbuf_init(&b, 0);
    assert_null(ofp_parse_flow_stats_request("table=0,out_port=3,cookie=0x10/0xf0,tcp,tp_dst=80",
                                             true, NULL, NULL, &fsr));
    ofp_encode_flow_stats_request(&b, OFP13_VERSION, 9, &fsr);
    assert_int_equal(ofp_decode_multipart(b.data, b.size, &mp, &err), 0);
    assert_int_equal(mp.type, OFPMP_AGGREGATE);
    assert_int_equal(mp.flags, 0);
    assert_int_equal(ofp_decode_flow_stats_request(mp.type, mp.body, mp.body_len, &fsr2, &err), 0);
    assert_true(fsr2.aggregate);
    assert_int_equal(fsr2.table_id, 0);
    assert_int_equal(fsr2.out_port, 3);
    assert_int_equal(fsr2.out_group, OFPG_ANY);
    assert_int_equal(fsr2.cookie, 0x10);
    assert_int_equal(fsr2.cookie_mask, 0xf0);
    assert_true(match_equal(&fsr.match, &fsr2.match));
    for (size_t k = 0; k < mp.body_len; k++) {
        uint8_t *copy = xmalloc(k ? k : 1);
        memcpy(copy, mp.body, k);
        assert_int_equal(ofp_decode_flow_stats_request(mp.type, copy, k, &fsr2, &err), -EPROTO);
        free(copy);
    }

    ofpbuf_clear(&b);
    ofp_encode_port_stats_request(&b, OFP13_VERSION, 3, OFPP_ANY);
    assert_int_equal(b.size, 24);
    assert_int_equal(ofp_decode_multipart(b.data, b.size, &mp, &err), 0);
    assert_int_equal(mp.type, OFPMP_PORT_STATS);
    assert_int_equal(ofp_decode_port_stats_request(mp.body, mp.body_len, &port, &err), 0);
    assert_int_equal(port, OFPP_ANY);
    assert_int_equal(ofp_decode_port_stats_request(mp.body, 4, &port, &err), -EPROTO);
    assert_int_equal(ofp_decode_multipart(b.data, 15, &mp, &err), -EPROTO);
    ofpbuf_uninit(&b);
}

/* Walks the multipart replies in B: checks framing and flags and returns the number of
 * messages; concatenates their bodies into BODY. */
static size_t
walk_replies(const struct ofpbuf *b, uint16_t type, uint32_t xid, struct ofpbuf *body)
{
    size_t n = 0, ofs = 0;

    while (ofs < b->size) {
        struct ofp_msg_header h;
        struct ofp_multipart mp;
        struct ofperr err;
        int len = ofp_msg_frame_len(b->data + ofs, b->size - ofs);

        assert_true(len >= OFP_MULTIPART_HEADER_LEN);
        assert_true((size_t) len <= b->size - ofs);
        assert_true(len <= OFP_MAX_MSG_LEN);
        assert_int_equal(ofp_decode_header(b->data + ofs, len, &h, &err), 0);
        assert_int_equal(h.type, OFPT_MULTIPART_REPLY);
        assert_int_equal(h.xid, xid);
        assert_int_equal(ofp_decode_multipart(b->data + ofs, len, &mp, &err), 0);
        assert_int_equal(mp.type, type);
        ofs += len;
        /* REPLY_MORE on every message but the last. */
        assert_int_equal(mp.flags & OFPMPF_REPLY_MORE, ofs < b->size ? OFPMPF_REPLY_MORE : 0);
        ofpbuf_put(body, mp.body, mp.body_len);
        n++;
    }
    return n;
}

static void
test_flow_stats_reply_split(void **state)
{
    struct ofpbuf b, body;
    struct ofp_mp_writer w;
    const size_t n_flows = 3000;

    ofpbuf_init(&b, 0);
    ofpbuf_init(&body, 0);
    ofp_mp_reply_start(&w, &b, OFP13_VERSION, OFPMP_FLOW, 77);
    for (size_t i = 0; i < n_flows; i++) {
        struct ofp_flow_stats fs = {
            .table_id = 0, .duration_sec = i, .priority = i, .cookie = i * 3,
            .packet_count = i * 10, .byte_count = i * 1000,
        };
        match_init_catchall(&fs.match);
        fs.match.flow.dl_type_be = htons(ETH_TYPE_IP);
        fs.match.wc.dl_type_be = 0xffff;
        fs.match.flow.nw_dst_be = htonl(0x0a000000 + i);
        fs.match.wc.nw_dst_be = 0xffffffff;
        ofpacts_init(&fs.ofpacts);
        ofpacts_add_output(&fs.ofpacts, 1 + i % 5, 0);
        ofp_mp_put_flow_stats(&w, &fs);
        ofpacts_destroy(&fs.ofpacts);
    }
    ofp_mp_reply_finish(&w);

    size_t n_msgs = walk_replies(&b, OFPMP_FLOW, 77, &body);
    assert_true(n_msgs >= 3);          /* 3000 entries of 80 bytes do not fit in 64 KiB */

    const uint8_t *p = body.data;
    size_t left = body.size;
    struct ofp_flow_stats fs;
    struct ofperr err;
    size_t i = 0;
    int error;
    while (!(error = ofp_pull_flow_stats(&p, &left, &fs, &err))) {
        assert_int_equal(fs.priority, i & 0xffff);
        assert_int_equal(fs.cookie, i * 3);
        assert_int_equal(fs.packet_count, i * 10);
        assert_int_equal(fs.byte_count, i * 1000);
        assert_int_equal(fs.idle_age, UINT32_MAX);     /* not carried by OpenFlow 1.3 */
        assert_int_equal(ntohl(fs.match.flow.nw_dst_be), 0x0a000000 + i);
        assert_int_equal(fs.ofpacts.n, 1);
        assert_int_equal(fs.ofpacts.acts[0].port, 1 + i % 5);
        ofpacts_destroy(&fs.ofpacts);
        i++;
    }
    ofpacts_destroy(&fs.ofpacts);
    assert_int_equal(error, -ENOENT);
    assert_int_equal(i, n_flows);
    ofpbuf_uninit(&b);
    ofpbuf_uninit(&body);
}

static void
test_empty_reply(void **state)
{
    struct ofpbuf b, body;
    struct ofp_mp_writer w;

    ofpbuf_init(&b, 0);
    ofpbuf_init(&body, 0);
    ofp_mp_reply_start(&w, &b, OFP13_VERSION, OFPMP_FLOW, 5);
    ofp_mp_reply_finish(&w);
    assert_int_equal(b.size, OFP_MULTIPART_HEADER_LEN);
    assert_int_equal(walk_replies(&b, OFPMP_FLOW, 5, &body), 1);
    assert_int_equal(body.size, 0);
    ofpbuf_uninit(&b);
    ofpbuf_uninit(&body);
}

static void
test_stats_replies(void **state)
{
    struct ofpbuf b, body;
    struct ofp_mp_writer w;
    struct ofperr err;
    const uint8_t *p;
    size_t left;

    /* Port statistics, with unavailable counters, split at a small threshold. */
    ofpbuf_init(&b, 0);
    ofpbuf_init(&body, 0);
    ofp_mp_reply_start(&w, &b, OFP13_VERSION, OFPMP_PORT_STATS, 2);
    w.max_len = OFP_MULTIPART_HEADER_LEN + 2 * 112;
    for (uint32_t i = 1; i <= 5; i++) {
        struct ofp_port_stats s = {
            .port_no = i, .rx_packets = i, .tx_packets = 2 * i, .rx_bytes = 3 * i,
            .tx_bytes = 4 * i, .rx_dropped = 5 * i, .tx_dropped = 6 * i, .rx_errors = 7 * i,
            .tx_errors = 8 * i, .rx_frame_err = UINT64_MAX, .rx_over_err = 9 * i,
            .rx_crc_err = 10 * i, .collisions = UINT64_MAX, .duration_sec = i,
            .duration_nsec = 1000 * i,
        };
        ofp_mp_put_port_stats(&w, &s);
    }
    ofp_mp_reply_finish(&w);
    assert_int_equal(walk_replies(&b, OFPMP_PORT_STATS, 2, &body), 3);
    p = body.data;
    left = body.size;
    for (uint32_t i = 1; i <= 5; i++) {
        struct ofp_port_stats s;
        assert_int_equal(ofp_pull_port_stats(&p, &left, &s, &err), 0);
        assert_int_equal(s.port_no, i);
        assert_int_equal(s.rx_packets, i);
        assert_int_equal(s.tx_bytes, 4 * i);
        assert_int_equal(s.rx_crc_err, 10 * i);
        assert_int_equal(s.rx_frame_err, UINT64_MAX);
        assert_int_equal(s.collisions, UINT64_MAX);
        assert_int_equal(s.duration_nsec, 1000 * i);
    }
    struct ofp_port_stats s;
    assert_int_equal(ofp_pull_port_stats(&p, &left, &s, &err), -ENOENT);
    p = body.data;
    left = 111;
    assert_int_equal(ofp_pull_port_stats(&p, &left, &s, &err), -EPROTO);

    /* Port descriptions. */
    ofpbuf_clear(&b);
    ofpbuf_clear(&body);
    ofp_mp_reply_start(&w, &b, OFP13_VERSION, OFPMP_PORT_DESC, 3);
    struct ofp_phy_port pp = {
        .port_no = OFPP_LOCAL, .hw_addr = { { 1, 2, 3, 4, 5, 6 } }, .name = "a-very-long-name",
        .config = OFPPC_PORT_DOWN, .state = OFPPS_LINK_DOWN, .curr = 0x840,
        .curr_speed = 10000000, .max_speed = 25000000,
    }, pp2;
    ofp_mp_put_port(&w, &pp);
    ofp_mp_reply_finish(&w);
    walk_replies(&b, OFPMP_PORT_DESC, 3, &body);
    assert_int_equal(body.size, 64);
    p = body.data;
    left = body.size;
    assert_int_equal(ofp_pull_port(&p, &left, &pp2, &err), 0);
    assert_int_equal(pp2.port_no, OFPP_LOCAL);
    assert_memory_equal(pp2.hw_addr.ea, pp.hw_addr.ea, 6);
    assert_string_equal(pp2.name, "a-very-long-nam");    /* 16 bytes with the NUL */
    assert_int_equal(pp2.config, OFPPC_PORT_DOWN);
    assert_int_equal(pp2.curr, 0x840);
    assert_int_equal(pp2.max_speed, 25000000);

    /* Table statistics, aggregate and description. */
    ofpbuf_clear(&b);
    ofpbuf_clear(&body);
    ofp_mp_reply_start(&w, &b, OFP13_VERSION, OFPMP_TABLE, 4);
    struct ofp_table_stats ts = { 7, 100, 2000, 1500 }, ts2;
    ofp_mp_put_table_stats(&w, &ts);
    ofp_mp_reply_finish(&w);
    walk_replies(&b, OFPMP_TABLE, 4, &body);
    p = body.data;
    left = body.size;
    assert_int_equal(ofp_pull_table_stats(&p, &left, &ts2, &err), 0);
    assert_int_equal(ts2.table_id, 7);
    assert_int_equal(ts2.active_count, 100);
    assert_int_equal(ts2.lookup_count, 2000);
    assert_int_equal(ts2.matched_count, 1500);

    ofpbuf_clear(&b);
    ofpbuf_clear(&body);
    ofp_mp_reply_start(&w, &b, OFP13_VERSION, OFPMP_AGGREGATE, 5);
    struct ofp_aggregate_stats agg = { 10, 1000, 3 }, agg2;
    ofp_mp_put_aggregate(&w, &agg);
    ofp_mp_reply_finish(&w);
    walk_replies(&b, OFPMP_AGGREGATE, 5, &body);
    assert_int_equal(ofp_decode_aggregate_reply(body.data, body.size, &agg2, &err), 0);
    assert_int_equal(agg2.packet_count, 10);
    assert_int_equal(agg2.byte_count, 1000);
    assert_int_equal(agg2.flow_count, 3);
    assert_int_equal(ofp_decode_aggregate_reply(body.data, body.size - 1, &agg2, &err), -EPROTO);

    ofpbuf_clear(&b);
    ofpbuf_clear(&body);
    ofp_mp_reply_start(&w, &b, OFP13_VERSION, OFPMP_DESC, 6);
    struct ofp_desc d = { "uvs", "hw", "0.1", "None", "bridge br0" }, d2;
    ofp_mp_put_desc(&w, &d);
    ofp_mp_reply_finish(&w);
    walk_replies(&b, OFPMP_DESC, 6, &body);
    assert_int_equal(body.size, 1056);
    assert_int_equal(ofp_decode_desc_reply(body.data, body.size, &d2, &err), 0);
    assert_string_equal(d2.mfr_desc, "uvs");
    assert_string_equal(d2.dp_desc, "bridge br0");
    assert_int_equal(ofp_decode_desc_reply(body.data, 1000, &d2, &err), -EPROTO);

    ofpbuf_uninit(&b);
    ofpbuf_uninit(&body);
}

static void
test_table_features(void **state)
{
    struct ofpbuf b, body;
    struct ofp_mp_writer w;

    ofpbuf_init(&b, 0);
    ofpbuf_init(&body, 0);
    ofp_mp_reply_start(&w, &b, OFP13_VERSION, OFPMP_TABLE_FEATURES, 8);
    for (int i = 0; i < 254; i++) {
        struct ofp_table_features tf = { .table_id = i, .metadata_match = UINT64_MAX,
                                         .max_entries = 1000 };
        ofp_mp_put_table_features(&w, &tf);
    }
    ofp_mp_reply_finish(&w);
    assert_true(walk_replies(&b, OFPMP_TABLE_FEATURES, 8, &body) >= 2);

    /* Every entry is well formed and has every non-miss property ovs-ofctl requires. */
    size_t ofs = 0;
    int n = 0;
    while (ofs < body.size) {
        const uint8_t *e = body.data + ofs;
        size_t len = ofp_get_be16(e);
        uint32_t seen = 0;
        assert_true(len >= 64 && len % 8 == 0 && ofs + len <= body.size);
        assert_int_equal(e[2], n);
        assert_int_equal(ofp_get_be32(e + 60), 1000);
        for (size_t q = 64; q < len;) {
            uint16_t type = ofp_get_be16(e + q), plen = ofp_get_be16(e + q + 2);
            assert_true(plen >= 4 && q + plen <= len);
            seen |= 1u << type;
            q += (plen + 7) / 8 * 8;
        }
        assert_int_equal(seen & 0x5555, 0x5555);   /* types 0, 2, 4, ..., 14 */
        ofs += len;
        n++;
    }
    assert_int_equal(n, 254);
    ofpbuf_uninit(&b);
    ofpbuf_uninit(&body);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_framing),
        cmocka_unit_test(test_hello),
        cmocka_unit_test(test_simple_messages),
        cmocka_unit_test(test_packet_in_tunnel),
        cmocka_unit_test(test_flow_mod_round_trip),
        cmocka_unit_test(test_flow_mod_from_ovs),
        cmocka_unit_test(test_flow_mod_truncated),
        cmocka_unit_test(test_flow_mod_corrupted),
        cmocka_unit_test(test_flow_mod_errors),
        cmocka_unit_test(test_oxm_errors),
        cmocka_unit_test(test_oxm_match_type),
        cmocka_unit_test(test_oxm_vlan_semantics),
        cmocka_unit_test(test_multipart_requests),
        cmocka_unit_test(test_flow_stats_reply_split),
        cmocka_unit_test(test_empty_reply),
        cmocka_unit_test(test_stats_replies),
        cmocka_unit_test(test_table_features),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
