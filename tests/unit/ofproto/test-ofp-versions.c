/*
 * test-ofp-versions — the OpenFlow 1.0 and 1.5 forms of the codec (ofp-msgs10.c, ofp-match10.c,
 * ofp-msgs15.c): each message the switch or uvs-ofctl writes in 1.0 or 1.5 is converted back by
 * ofp_msg_upgrade() and decoded to what was encoded (round trips, compared as ovs-ofctl text),
 * known 1.0 bytes (the struct ofp10_match layout of OpenFlow 1.0.0 §5.2.3, type numbers, error
 * codes), and rejections: truncated messages, unknown 1.0 message and stats types, bad 1.0
 * actions and matches give the error a switch must send, never a crash.
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
#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-group.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-parse.h"
#include "ofproto/ofp-print.h"

/* ---------------------------------------------------------------------------------------------
 * Helpers.
 * ------------------------------------------------------------------------------------------- */

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

static char *
acts_to_string(const struct ofpacts *acts)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    ofp_format_actions(&s, acts, NULL);
    return ds_steal_cstr(&s);
}

/* Converts the single message in IN to its 1.3 form in OUT (initialized here); the message must
 * need a conversion. */
static void
upgrade(const struct ofpbuf *in, struct ofpbuf *out)
{
    struct ofperr err = { 0, 0 };

    ofpbuf_init(out, 256);
    int error = ofp_msg_upgrade(in->data, in->size, out, &err);
    if (error) {
        fail_msg("ofp_msg_upgrade: %d (%s)", error, ofperr_code_name(err));
    }
    assert_int_equal(ofp_get_be16(out->data + 2), out->size);
    assert_int_equal(out->data[0], in->data[0]);     /* The peer's version byte stays. */
}

/* Expects ofp_msg_upgrade() of the LEN bytes at MSG (copied to an exact-size heap buffer, so
 * a sanitizer catches over-reads) to fail with TYPE/CODE. */
static void
expect_upgrade_error(const void *msg, size_t len, uint16_t type, uint16_t code)
{
    uint8_t *copy = xmalloc(len);
    struct ofperr err = { 0, 0 };
    struct ofpbuf out;

    memcpy(copy, msg, len);
    ofpbuf_init(&out, 64);
    assert_int_equal(ofp_msg_upgrade(copy, len, &out, &err), -EPROTO);
    if (err.type != type || err.code != code) {
        fail_msg("error %u/%u (%s), expected %u/%u", err.type, err.code, ofperr_code_name(err),
                 type, code);
    }
    assert_int_equal(out.size, 0);
    ofpbuf_uninit(&out);
    free(copy);
}

/* Encodes FLOW in VERSION, upgrades and decodes it; returns the decoded flow-mod as text. */
static char *
flow_mod_round_trip(uint8_t version, const char *flow, enum ofp_flow_mod_command command)
{
    struct ofp_flow_mod fm = parse_fm(flow, command), back;
    struct ofpbuf b, up;
    struct ofperr err;

    ofpbuf_init(&b, 128);
    ofp_encode_flow_mod(&b, version, 7, &fm);
    assert_int_equal(b.data[0], version);
    assert_int_equal(b.data[1], OFPT_FLOW_MOD);
    if (version == OFP15_VERSION) {
        /* 1.5 flow-mods have the 1.3 layout: no conversion. */
        ofpbuf_init(&up, 0);
        assert_int_equal(ofp_msg_upgrade(b.data, b.size, &up, &err), 1);
        ofpbuf_put(&up, b.data, b.size);
    } else {
        upgrade(&b, &up);
    }
    if (ofp_decode_flow_mod(up.data, up.size, &back, &err)) {
        fail_msg("%s: decode: %s", flow, ofperr_code_name(err));
    }
    char *s = fm_to_string(&back);
    ofp_flow_mod_destroy(&fm);
    ofp_flow_mod_destroy(&back);
    ofpbuf_uninit(&b);
    ofpbuf_uninit(&up);
    return s;
}

static void
check_flow_mod(uint8_t version, const char *flow, const char *expected)
{
    char *s = flow_mod_round_trip(version, flow, OFPFC_ADD);
    if (strcmp(s, expected)) {
        fail_msg("%s in %s:\n  got      %s\n  expected %s", flow, ofp_version_to_string(version),
                 s, expected);
    }
    free(s);
}

/* ---------------------------------------------------------------------------------------------
 * OpenFlow 1.0.
 * ------------------------------------------------------------------------------------------- */

static void
test_of10_types_and_errors(void **state)
{
    struct ofp_msg_header h;
    struct ofperr err;
    struct ofpbuf b;

    ofpbuf_init(&b, 64);
    /* OFPT_BARRIER_REQUEST is 18 in 1.0 (20 in 1.3), OFPT_STATS_REPLY 17, OFPT_PORT_MOD 15. */
    ofp_encode_simple(&b, OFP10_VERSION, OFPT_BARRIER_REQUEST, 9);
    assert_int_equal(b.size, 8);
    assert_int_equal(b.data[1], 18);
    assert_int_equal(ofp_decode_header(b.data, b.size, &h, &err), 0);
    assert_int_equal(h.type, OFPT_BARRIER_REQUEST);
    ofpbuf_clear(&b);
    ofp_encode_simple(&b, OFP10_VERSION, OFPT_MULTIPART_REPLY, 9);
    assert_int_equal(b.data[1], 17);
    ofpbuf_clear(&b);
    ofp_encode_simple(&b, OFP10_VERSION, OFPT_PORT_MOD, 9);
    assert_int_equal(b.data[1], 15);
    /* A 1.0 type 1.3 does not know, and a 1.3 type 1.0 does not have. */
    const uint8_t t22[8] = { 1, 22, 0, 8, 0, 0, 0, 1 };
    assert_int_equal(ofp_decode_header(t22, 8, &h, &err), 0);
    assert_int_equal(h.type, 0xff);
    expect_upgrade_error(t22, 8, OFPET_BAD_REQUEST, OFPBRC_BAD_TYPE);
    ofpbuf_clear(&b);
    ofp_encode_simple(&b, OFP10_VERSION, OFPT_GROUP_MOD, 9);
    assert_int_equal(b.data[1], 0xff);

    /* Errors: 1.0 numbers on the wire (1.0.0 §5.4.4), and what the upgrade reads back. */
    const struct { struct ofperr e13, e10, back; } errors[] = {
        { { OFPET_BAD_REQUEST, OFPBRC_BAD_LEN }, { 1, 6 }, { OFPET_BAD_REQUEST, OFPBRC_BAD_LEN } },
        { { OFPET_BAD_ACTION, OFPBAC_BAD_OUT_PORT }, { 2, 4 },
          { OFPET_BAD_ACTION, OFPBAC_BAD_OUT_PORT } },
        { { OFPET_FLOW_MOD_FAILED, OFPFMFC_OVERLAP }, { 3, 1 },
          { OFPET_FLOW_MOD_FAILED, OFPFMFC_OVERLAP } },
        { { OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_COMMAND }, { 3, 4 },
          { OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_COMMAND } },
        { { OFPET_PORT_MOD_FAILED, OFPPMFC_BAD_PORT }, { 4, 0 },
          { OFPET_PORT_MOD_FAILED, OFPPMFC_BAD_PORT } },
        /* No match errors in 1.0: FLOW_MOD_FAILED/UNSUPPORTED. */
        { { OFPET_BAD_MATCH, OFPBMC_BAD_PREREQ }, { 3, 5 },
          { OFPET_FLOW_MOD_FAILED, OFPFMFC_UNKNOWN } },
        { { OFPET_BAD_INSTRUCTION, OFPBIC_UNSUP_INST }, { 2, 0 },
          { OFPET_BAD_ACTION, OFPBAC_BAD_TYPE } },
        { { OFPET_SWITCH_CONFIG_FAILED, OFPSCFC_BAD_FLAGS }, { 1, 5 },
          { OFPET_BAD_REQUEST, OFPBRC_EPERM } },
    };
    for (size_t i = 0; i < ARRAY_SIZE(errors); i++) {
        struct ofpbuf up;
        struct ofperr e;
        const uint8_t *data;
        size_t data_len;

        ofpbuf_clear(&b);
        ofp_encode_error(&b, OFP10_VERSION, 3, errors[i].e13, "abcd", 4);
        assert_int_equal(b.data[1], OFPT_ERROR);
        assert_int_equal(ofp_get_be16(b.data + 8), errors[i].e10.type);
        assert_int_equal(ofp_get_be16(b.data + 10), errors[i].e10.code);
        upgrade(&b, &up);
        assert_int_equal(ofp_decode_error(up.data, up.size, &e, &data, &data_len, &err), 0);
        assert_int_equal(e.type, errors[i].back.type);
        assert_int_equal(e.code, errors[i].back.code);
        assert_int_equal(data_len, 4);
        assert_memory_equal(data, "abcd", 4);
        ofpbuf_uninit(&up);
    }
    ofpbuf_uninit(&b);
}

static void
test_of10_match_bytes(void **state)
{
    struct ofp_flow_mod fm = parse_fm("priority=5,tcp,in_port=3,dl_vlan=10,nw_src=10.1.0.0/16,"
                                      "nw_dst=192.168.0.1,tp_dst=80,actions=output:2", OFPFC_ADD);
    struct ofpbuf b;

    ofpbuf_init(&b, 128);
    ofp_encode_flow_mod(&b, OFP10_VERSION, 1, &fm);
    /* OpenFlow 1.0.0 §5.2.3: wildcards, in_port(16), dl_src, dl_dst, dl_vlan, dl_vlan_pcp, pad,
     * dl_type, nw_tos, nw_proto, pad[2], nw_src, nw_dst, tp_src, tp_dst. Wildcarded: dl_src,
     * dl_dst, tp_src, dl_vlan_pcp, nw_tos, and the low 16 bits of nw_src. */
    const uint8_t *m = b.data + 8;
    uint32_t wc = (1u << 2) | (1u << 3) | (1u << 6) | (16u << 8) | (0u << 14) | (1u << 20)
                  | (1u << 21);
    assert_int_equal(ofp_get_be32(m), wc);
    assert_int_equal(ofp_get_be16(m + 4), 3);
    assert_int_equal(ofp_get_be16(m + 18), 10);
    assert_int_equal(ofp_get_be16(m + 22), 0x0800);
    assert_int_equal(m[25], 6);
    assert_int_equal(ofp_get_be32(m + 28), 0x0a010000);
    assert_int_equal(ofp_get_be32(m + 32), 0xc0a80001);
    assert_int_equal(ofp_get_be16(m + 38), 80);
    /* Then cookie, command (table id in the high byte, 0 here), timeouts, priority 5,
     * buffer_id, out_port OFPP_NONE, flags, and OFPAT10_OUTPUT port 2. */
    assert_int_equal(ofp_get_be16(b.data + 56), OFPFC_ADD);
    assert_int_equal(ofp_get_be16(b.data + 62), 5);
    assert_int_equal(ofp_get_be32(b.data + 64), OFP_NO_BUFFER);
    assert_int_equal(ofp_get_be16(b.data + 68), 0xffff);
    assert_int_equal(b.size, 72 + 8);
    assert_int_equal(ofp_get_be16(b.data + 72), 0);        /* OFPAT10_OUTPUT */
    assert_int_equal(ofp_get_be16(b.data + 74), 8);
    assert_int_equal(ofp_get_be16(b.data + 76), 2);
    ofp_flow_mod_destroy(&fm);
    ofpbuf_uninit(&b);
}

static void
test_of10_flow_mod_round_trips(void **state)
{
    check_flow_mod(OFP10_VERSION, "priority=100,in_port=1,actions=output:2",
                   "ADD priority=100,in_port=1 actions=output:2");
    check_flow_mod(OFP10_VERSION, "table=3,priority=7,tcp,tp_dst=80,actions="
                   "set_field:8080->tcp_dst,dec_ttl,load:5->NXM_NX_REG2[0..7],"
                   "move:NXM_NX_REG2[0..3]->NXM_NX_REG3[4..7],note:61.62,resubmit(,4),output:1",
                   "ADD table:3 priority=7,tcp,tp_dst=80 actions=set_field:8080->tcp_dst,dec_ttl,"
                   "load:0x5->NXM_NX_REG2[0..7],move:NXM_NX_REG2[0..3]->NXM_NX_REG3[4..7],"
                   "note:61.62.00.00.00.00,resubmit(,4),output:1");
    check_flow_mod(OFP10_VERSION, "priority=1,udp,nw_src=10.0.0.0/8,actions="
                   "set_field:10.0.0.9->ip_src,set_field:00:00:00:00:00:07->eth_dst,"
                   "set_field:2->ip_dscp,set_field:53->udp_src,pop_vlan,CONTROLLER:100",
                   "ADD priority=1,udp,nw_src=10.0.0.0/8 actions=set_field:10.0.0.9->ip_src,"
                   "set_field:00:00:00:00:00:07->eth_dst,set_field:2->ip_dscp,"
                   "set_field:53->udp_src,pop_vlan,CONTROLLER:100");
    /* mod_nw_ttl has no 1.0 action: it travels as a Nicira load of NXM_NX_IP_TTL. */
    check_flow_mod(OFP10_VERSION, "priority=1,ip,actions=mod_nw_ttl:4,output:1",
                   "ADD priority=1,ip actions=load:0x4->NXM_NX_IP_TTL[],output:1");
    /* A VLAN set on a flow that may see untagged packets pushes a tag first (1.0 semantics). */
    check_flow_mod(OFP10_VERSION, "priority=1,actions=set_field:4106->vlan_vid,output:1",
                   "ADD priority=1 actions=push_vlan:0x8100,set_field:4106->vlan_vid,output:1");
    check_flow_mod(OFP10_VERSION, "priority=1,dl_vlan=7,actions=set_field:4106->vlan_vid,output:1",
                   "ADD priority=1,dl_vlan=7 actions=set_field:4106->vlan_vid,output:1");
    /* What 1.0 cannot carry (groups, meters, goto_table, registers in the match) is left out. */
    check_flow_mod(OFP10_VERSION, "priority=1,reg0=5,ip,actions=group:3,output:1,goto_table:2",
                   "ADD priority=1,ip actions=output:1");

    /* A delete without table id (high byte 0) means every table in 1.0, ... */
    char *s = flow_mod_round_trip(OFP10_VERSION, "in_port=1", OFPFC_DELETE);
    assert_string_equal(s, "DEL table:255 in_port=1");
    free(s);

    /* ... and table 0 once the peer enabled NXT_FLOW_MOD_TABLE_ID. */
    struct ofp_flow_mod fm = parse_fm("table=0,in_port=1", OFPFC_DELETE), back;
    struct ofpbuf b, up;
    struct ofperr err;
    ofpbuf_init(&b, 128);
    ofpbuf_init(&up, 128);
    ofp_encode_flow_mod(&b, OFP10_VERSION, 7, &fm);
    assert_int_equal(ofp_msg_upgrade_flags(b.data, b.size, OFP_UPGRADE_NX_TABLE_ID, &up, &err),
                     0);
    assert_int_equal(ofp_decode_flow_mod(up.data, up.size, &back, &err), 0);
    assert_int_equal(back.table_id, 0);
    ofp_flow_mod_destroy(&fm);
    ofp_flow_mod_destroy(&back);
    ofpbuf_uninit(&b);
    ofpbuf_uninit(&up);
}

/* Writes one multipart reply in VERSION with PUT(writer), upgrades it, and returns its body. */
static void
mp_round_trip(uint8_t version, uint16_t type, void (*put)(struct ofp_mp_writer *),
              struct ofpbuf *up, struct ofp_multipart *mp)
{
    struct ofp_mp_writer w;
    struct ofperr err;
    struct ofpbuf b;

    ofpbuf_init(&b, 256);
    ofp_mp_reply_start(&w, &b, version, type, 5);
    put(&w);
    ofp_mp_reply_finish(&w);
    upgrade(&b, up);
    assert_int_equal(up->data[1], OFPT_MULTIPART_REPLY);
    assert_int_equal(ofp_decode_multipart(up->data, up->size, mp, &err), 0);
    assert_int_equal(mp->type, type);
    ofpbuf_uninit(&b);
}

static uint8_t mp_version;

static void
put_two_flows(struct ofp_mp_writer *w)
{
    const char *flows[] = {
        "table=2,priority=9,ip,nw_dst=10.0.0.0/8,actions=set_field:10.0.0.1->ip_dst,output:3",
        "priority=1,in_port=4,actions=resubmit(,2)",
    };
    for (size_t i = 0; i < ARRAY_SIZE(flows); i++) {
        struct ofp_flow_mod fm = parse_fm(flows[i], OFPFC_ADD);
        struct ofp_flow_stats fs = {
            .table_id = fm.table_id, .duration_sec = 3, .duration_nsec = 5, .priority = fm.priority,
            .idle_timeout = 10, .hard_timeout = 20, .cookie = 0x77, .packet_count = 100 + i,
            .byte_count = 1000 + i, .match = fm.match, .ofpacts = fm.ofpacts,
        };
        if (mp_version >= OFP15_VERSION) {
            fs.flags = OFPFF_SEND_FLOW_REM;
        }
        ofp_mp_put_flow_stats(w, &fs);
        ofp_flow_mod_destroy(&fm);
    }
}

static void
check_flow_stats(uint8_t version)
{
    struct ofp_multipart mp;
    struct ofp_flow_stats fs;
    struct ofperr err;
    struct ofpbuf up;

    mp_version = version;
    mp_round_trip(version, OFPMP_FLOW, put_two_flows, &up, &mp);
    const uint8_t *p = mp.body;
    size_t left = mp.body_len;
    assert_int_equal(ofp_pull_flow_stats(&p, &left, &fs, &err), 0);
    assert_int_equal(fs.table_id, 2);
    assert_int_equal(fs.priority, 9);
    assert_int_equal(fs.duration_sec, 3);
    assert_int_equal(fs.packet_count, 100);
    assert_int_equal(fs.byte_count, 1000);
    assert_int_equal(fs.cookie, 0x77);
    assert_int_equal(fs.idle_timeout, 10);
    char *s = acts_to_string(&fs.ofpacts);
    assert_string_equal(s, "set_field:10.0.0.1->ip_dst,output:3");
    free(s);
    assert_true(fs.match.wc.nw_dst_be == htonl(0xff000000));
    ofpacts_destroy(&fs.ofpacts);
    assert_int_equal(ofp_pull_flow_stats(&p, &left, &fs, &err), 0);
    assert_int_equal(fs.match.flow.in_port, 4);
    assert_int_equal(fs.packet_count, 101);
    s = acts_to_string(&fs.ofpacts);
    assert_string_equal(s, "resubmit(,2)");
    free(s);
    ofpacts_destroy(&fs.ofpacts);
    assert_int_equal(ofp_pull_flow_stats(&p, &left, &fs, &err), -ENOENT);
    ofpbuf_uninit(&up);
}

static void
put_port(struct ofp_mp_writer *w)
{
    struct ofp_phy_port pp = {
        .port_no = 3, .hw_addr = { { 0, 1, 2, 3, 4, 5 } }, .name = "p3",
        .config = OFPPC_NO_FLOOD, .state = OFPPS_LINK_DOWN, .curr = 0x40 | 0x800,
        .supported = 0x40, .curr_speed = 10000000, .max_speed = 10000000,
    };
    ofp_mp_put_port(w, &pp);
}

static void
put_port_stats(struct ofp_mp_writer *w)
{
    struct ofp_port_stats s = {
        .port_no = OFPP_LOCAL, .rx_packets = 1, .tx_packets = 2, .rx_bytes = 3, .tx_bytes = 4,
        .rx_dropped = 5, .tx_dropped = 6, .rx_errors = 7, .tx_errors = 8, .rx_frame_err = 9,
        .rx_over_err = 10, .rx_crc_err = 11, .collisions = 12,
    };
    ofp_mp_put_port_stats(w, &s);
}

static void
put_table_stats(struct ofp_mp_writer *w)
{
    struct ofp_table_stats t = { .table_id = 4, .active_count = 2, .lookup_count = 30,
                                 .matched_count = 20 };
    ofp_mp_put_table_stats(w, &t);
}

static void
check_ports(uint8_t version)
{
    struct ofp_multipart mp;
    struct ofp_phy_port pp;
    struct ofp_port_stats ps;
    struct ofperr err;
    struct ofpbuf up;

    mp_round_trip(version, OFPMP_PORT_DESC, put_port, &up, &mp);
    const uint8_t *p = mp.body;
    size_t left = mp.body_len;
    assert_int_equal(ofp_pull_port(&p, &left, &pp, &err), 0);
    assert_int_equal(pp.port_no, 3);
    assert_string_equal(pp.name, "p3");
    assert_int_equal(pp.config, OFPPC_NO_FLOOD);
    assert_int_equal(pp.state & OFPPS_LINK_DOWN, OFPPS_LINK_DOWN);
    assert_int_equal(pp.curr, 0x40 | 0x800);       /* 10GB_FD | COPPER, via 1.0's bits */
    assert_int_equal(pp.curr_speed, 10000000);
    assert_int_equal(left, 0);
    ofpbuf_uninit(&up);

    mp_round_trip(version, OFPMP_PORT_STATS, put_port_stats, &up, &mp);
    p = mp.body;
    left = mp.body_len;
    assert_int_equal(ofp_pull_port_stats(&p, &left, &ps, &err), 0);
    assert_int_equal(ps.port_no, OFPP_LOCAL);
    assert_int_equal(ps.rx_packets, 1);
    assert_int_equal(ps.tx_errors, 8);
    assert_int_equal(ps.collisions, 12);
    assert_int_equal(left, 0);
    ofpbuf_uninit(&up);
}

static void
test_of10_replies(void **state)
{
    struct ofp_multipart mp;
    struct ofp_table_stats t;
    struct ofperr err;
    struct ofpbuf up;

    check_flow_stats(OFP10_VERSION);
    check_ports(OFP10_VERSION);
    mp_round_trip(OFP10_VERSION, OFPMP_TABLE, put_table_stats, &up, &mp);
    assert_int_equal(mp.body_len, 24);
    const uint8_t *p = mp.body;
    size_t left = mp.body_len;
    assert_int_equal(ofp_pull_table_stats(&p, &left, &t, &err), 0);
    assert_int_equal(t.table_id, 4);
    assert_int_equal(t.active_count, 2);
    assert_int_equal(t.lookup_count, 30);
    assert_int_equal(t.matched_count, 20);
    ofpbuf_uninit(&up);
}

static void
test_of10_requests(void **state)
{
    struct ofp_flow_stats_request fsr, back;
    struct ofp_multipart mp;
    struct ofperr err;
    struct ofpbuf b, up;
    uint32_t port_no;

    char *error = ofp_parse_flow_stats_request("table=3,tcp,tp_src=22,out_port=2", false, NULL,
                                               NULL, &fsr);
    assert_null(error);
    ofpbuf_init(&b, 64);
    ofp_encode_flow_stats_request(&b, OFP10_VERSION, 2, &fsr);
    assert_int_equal(b.size, 12 + 44);        /* stats header, ofp10_match, table, pad, out_port */
    upgrade(&b, &up);
    assert_int_equal(ofp_decode_multipart(up.data, up.size, &mp, &err), 0);
    assert_int_equal(ofp_decode_flow_stats_request(mp.type, mp.body, mp.body_len, &back, &err), 0);
    assert_int_equal(back.table_id, 3);
    assert_int_equal(back.out_port, 2);
    assert_int_equal(back.out_group, OFPG_ANY);
    assert_true(match_equal(&back.match, &fsr.match));
    ofpbuf_uninit(&up);

    ofpbuf_clear(&b);
    ofp_encode_port_stats_request(&b, OFP10_VERSION, 2, OFPP_ANY);
    assert_int_equal(ofp_get_be16(b.data + 12), 0xffff);     /* OFPP_NONE */
    upgrade(&b, &up);
    assert_int_equal(ofp_decode_multipart(up.data, up.size, &mp, &err), 0);
    assert_int_equal(ofp_decode_port_stats_request(mp.body, mp.body_len, &port_no, &err), 0);
    assert_int_equal(port_no, OFPP_ANY);
    ofpbuf_uninit(&up);
    ofpbuf_uninit(&b);
}

static void
test_of10_async_and_ports(void **state)
{
    struct ofp_phy_port ports[2] = {
        { .port_no = 1, .name = "a" }, { .port_no = OFPP_LOCAL, .name = "br0" },
    };
    struct ofp_switch_features f = { .datapath_id = 0x1234, .n_tables = 254,
                                     .capabilities = OFPC_FLOW_STATS | OFPC_PORT_STATS,
                                     .ports = ports, .n_ports = 2 }, f2;
    static const uint8_t frame[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 8, 0 };
    struct ofperr err;
    struct ofpbuf b, up;

    ofpbuf_init(&b, 256);
    ofp_encode_features_reply(&b, OFP10_VERSION, 2, &f);
    assert_int_equal(b.size, 32 + 2 * 48);
    assert_int_equal(ofp_get_be16(b.data + 32 + 48), 0xfffe);   /* LOCAL as a 16-bit port */
    upgrade(&b, &up);
    assert_int_equal(ofp_decode_features_reply(up.data, up.size, &f2, &err), 0);
    assert_int_equal(f2.datapath_id, 0x1234);
    assert_int_equal(f2.n_tables, 254);
    assert_int_equal(f2.capabilities, OFPC_FLOW_STATS | OFPC_PORT_STATS);
    ofpbuf_uninit(&up);

    /* Packet-in: 16-bit in_port, no match. */
    struct ofp_packet_in pi = { .buffer_id = OFP_NO_BUFFER, .total_len = sizeof frame,
                                .reason = OFPR_ACTION, .in_port = 7, .data = frame,
                                .data_len = sizeof frame }, pi2;
    ofpbuf_clear(&b);
    ofp_encode_packet_in(&b, OFP10_VERSION, 0, &pi);
    assert_int_equal(b.size, 18 + sizeof frame);
    upgrade(&b, &up);
    assert_int_equal(ofp_decode_packet_in(up.data, up.size, &pi2, &err), 0);
    assert_int_equal(pi2.in_port, 7);
    assert_int_equal(pi2.reason, OFPR_ACTION);
    assert_int_equal(pi2.data_len, sizeof frame);
    assert_memory_equal(pi2.data, frame, sizeof frame);
    ofpbuf_uninit(&up);

    /* Packet-out with actions and data. */
    struct ofp_packet_out po = { .buffer_id = OFP_NO_BUFFER, .in_port = OFPP_CONTROLLER,
                                 .data = frame, .data_len = sizeof frame }, po2;
    assert_null(ofp_parse_actions("output:2,NORMAL", NULL, NULL, &po.ofpacts));
    ofpbuf_clear(&b);
    ofp_encode_packet_out(&b, OFP10_VERSION, 4, &po);
    assert_int_equal(b.size, 16 + 16 + sizeof frame);
    upgrade(&b, &up);
    assert_int_equal(ofp_decode_packet_out(up.data, up.size, &po2, &err), 0);
    assert_int_equal(po2.in_port, OFPP_CONTROLLER);
    char *s = acts_to_string(&po2.ofpacts);
    assert_string_equal(s, "output:2,NORMAL");
    free(s);
    assert_memory_equal(po2.data, frame, sizeof frame);
    ofpacts_destroy(&po.ofpacts);
    ofpacts_destroy(&po2.ofpacts);
    ofpbuf_uninit(&up);

    /* Flow-removed, port-mod, port-status. */
    struct ofp_flow_removed fr = { .cookie = 9, .priority = 3, .reason = OFPRR_DELETE,
                                   .duration_sec = 4, .idle_timeout = 5, .packet_count = 6,
                                   .byte_count = 7 }, fr2;
    match_init_catchall(&fr.match);
    fr.match.flow.in_port = 2;
    fr.match.wc.in_port = UINT32_MAX;
    ofpbuf_clear(&b);
    ofp_encode_flow_removed(&b, OFP10_VERSION, 0, &fr);
    assert_int_equal(b.size, 88);
    upgrade(&b, &up);
    assert_int_equal(ofp_decode_flow_removed(up.data, up.size, &fr2, &err), 0);
    assert_int_equal(fr2.cookie, 9);
    assert_int_equal(fr2.reason, OFPRR_DELETE);
    assert_int_equal(fr2.byte_count, 7);
    assert_true(match_equal(&fr.match, &fr2.match));
    ofpbuf_uninit(&up);

    struct ofp_port_mod pm = { .port_no = 2, .config = OFPPC_NO_FLOOD, .mask = OFPPC_NO_FLOOD },
                        pm2;
    ofpbuf_clear(&b);
    ofp_encode_port_mod(&b, OFP10_VERSION, 1, &pm);
    assert_int_equal(b.size, 32);
    assert_int_equal(b.data[1], 15);
    upgrade(&b, &up);
    assert_int_equal(ofp_decode_port_mod(up.data, up.size, &pm2, &err), 0);
    assert_int_equal(pm2.port_no, 2);
    assert_int_equal(pm2.config, OFPPC_NO_FLOOD);
    assert_int_equal(pm2.mask, OFPPC_NO_FLOOD);
    ofpbuf_uninit(&up);

    uint8_t reason;
    struct ofp_phy_port pp;
    ofpbuf_clear(&b);
    ofp_encode_port_status(&b, OFP10_VERSION, 0, OFPPR_MODIFY, &ports[1]);
    assert_int_equal(b.size, 64);
    upgrade(&b, &up);
    assert_int_equal(ofp_decode_port_status(up.data, up.size, &reason, &pp, &err), 0);
    assert_int_equal(reason, OFPPR_MODIFY);
    assert_int_equal(pp.port_no, OFPP_LOCAL);
    assert_string_equal(pp.name, "br0");
    ofpbuf_uninit(&up);
    ofpbuf_uninit(&b);
}

static void
test_of10_rejections(void **state)
{
    struct ofp_flow_mod fm = parse_fm("priority=5,ip,actions=output:2", OFPFC_ADD);
    struct ofpbuf b;

    ofpbuf_init(&b, 128);
    ofp_encode_flow_mod(&b, OFP10_VERSION, 1, &fm);
    /* Every truncation of the fixed part (the length field adjusted) is BAD_LEN. */
    for (size_t n = 8; n < 72; n++) {
        uint8_t *copy = xmalloc(n);
        memcpy(copy, b.data, n);
        ofp_set_be16(copy + 2, n);
        expect_upgrade_error(copy, n, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
        free(copy);
    }
    /* An action cut short, of an unknown type, to port 0, with a bad VLAN id. */
    uint8_t *p = b.data;
    ofp_set_be16(p + 74, 4);
    expect_upgrade_error(p, b.size, OFPET_BAD_ACTION, OFPBAC_BAD_LEN);
    ofp_set_be16(p + 74, 8);
    ofp_set_be16(p + 72, 20);
    expect_upgrade_error(p, b.size, OFPET_BAD_ACTION, OFPBAC_BAD_TYPE);
    ofp_set_be16(p + 72, 0);
    ofp_set_be16(p + 76, 0);
    expect_upgrade_error(p, b.size, OFPET_BAD_ACTION, OFPBAC_BAD_OUT_PORT);
    ofp_set_be16(p + 72, 1);                      /* OFPAT10_SET_VLAN_VID */
    ofp_set_be16(p + 76, 4096);
    expect_upgrade_error(p, b.size, OFPET_BAD_ACTION, OFPBAC_BAD_ARGUMENT);
    ofp_set_be16(p + 72, 0);
    ofp_set_be16(p + 76, 2);
    /* A bad command, the emergency flag, a VLAN id above 4095 in the match. */
    ofp_set_be16(p + 56, 9);
    expect_upgrade_error(p, b.size, OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_COMMAND);
    ofp_set_be16(p + 56, OFPFC_ADD);
    ofp_set_be16(p + 70, 4);
    expect_upgrade_error(p, b.size, OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_FLAGS);
    ofp_set_be16(p + 70, 0);
    ofp_set_be32(p + 8, ofp_get_be32(p + 8) & ~2u);     /* dl_vlan significant */
    ofp_set_be16(p + 8 + 18, 5000);
    expect_upgrade_error(p, b.size, OFPET_BAD_MATCH, OFPBMC_BAD_VALUE);

    /* Stats: a type 1.0 does not have (table features), a cut header, a bad flow request. */
    ofpbuf_clear(&b);
    ofp_encode_multipart_request(&b, OFP10_VERSION, 3, OFPMP_TABLE_FEATURES, NULL, 0);
    expect_upgrade_error(b.data, b.size, OFPET_BAD_REQUEST, OFPBRC_BAD_MULTIPART);
    const uint8_t short_stats[10] = { 1, 16, 0, 10, 0, 0, 0, 1, 0, 1 };
    expect_upgrade_error(short_stats, sizeof short_stats, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
    ofpbuf_clear(&b);
    ofp_encode_multipart_request(&b, OFP10_VERSION, 3, OFPMP_FLOW, "abc", 3);
    expect_upgrade_error(b.data, b.size, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
    /* A length field that disagrees with the message. */
    const uint8_t bad_len[8] = { 1, 5, 0, 9, 0, 0, 0, 1 };
    expect_upgrade_error(bad_len, sizeof bad_len, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);

    ofp_flow_mod_destroy(&fm);
    ofpbuf_uninit(&b);
}

static void
test_of10_what_fits(void **state)
{
    /* What a 1.0 client may send whole, and what it must refuse to send (uvs-ofctl -O
     * OpenFlow10 reports the reason rather than install a wider flow). */
    static const char *const fits[] = {
        "priority=5,in_port=1,actions=output:2",
        "dl_vlan=7,actions=drop",
        "vlan_tci=0,actions=drop",
        "tcp,nw_src=10.0.0.0/8,tp_dst=22,actions=output:1",
        "arp,arp_op=1,arp_spa=10.0.0.1,actions=push_vlan:0x8100,set_field:4101->vlan_vid,output:1",
        "icmp,icmp_type=8,icmp_code=0,actions=drop",
        "ip,nw_tos=8,actions=load:5->NXM_NX_REG0[0..3],resubmit(,2)",
        "ipv6,actions=drop",
    };
    static const char *const refused[] = {
        "reg0=1,actions=drop",
        "metadata=5,actions=drop",
        "ipv6,ipv6_src=::1,actions=drop",
        "ip,nw_src=10.0.0.0/255.0.255.0,actions=drop",
        "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=drop",
        "ip,actions=group:1",
        "actions=goto_table:3",
        "actions=meter:1,output:1",
        "actions=write_actions(output:1)",
        "actions=push_vlan:0x8100,output:1",
    };
    for (size_t i = 0; i < ARRAY_SIZE(fits); i++) {
        struct ofp_flow_mod fm = parse_fm(fits[i], OFPFC_ADD);
        char *why = ofp_flow_mod_version_problem(&fm, OFP10_VERSION);
        if (why) {
            fail_msg("%s: %s", fits[i], why);
        }
        ofp_flow_mod_destroy(&fm);
    }
    for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
        struct ofp_flow_mod fm = parse_fm(refused[i], OFPFC_ADD);
        char *why = ofp_flow_mod_version_problem(&fm, OFP10_VERSION);
        if (!why) {
            fail_msg("%s: accepted for OpenFlow 1.0", refused[i]);
        }
        free(why);
        assert_null(ofp_flow_mod_version_problem(&fm, OFP13_VERSION));
        ofp_flow_mod_destroy(&fm);
    }
}

static void
test_nx_flow_mod_table_id(void **state)
{
    /* What ovs-ofctl -O OpenFlow10 sends before a flow-mod with table=N. */
    const uint8_t msg[24] = {
        1, 4, 0, 24, 0, 0, 0, 3, 0, 0, 0x23, 0x20, 0, 0, 0, 15, 1, 0, 0, 0, 0, 0, 0, 0,
    };
    struct ofperr err;
    bool enable = false;

    assert_int_equal(ofp_decode_nx_flow_mod_table_id(msg, sizeof msg, &enable, &err), 0);
    assert_true(enable);
    assert_int_equal(ofp_decode_nx_flow_mod_table_id(msg, 16, &enable, &err), -EPROTO);
    uint8_t other[24];
    memcpy(other, msg, sizeof other);
    other[15] = 12;                        /* NXT_SET_FLOW_FORMAT */
    assert_int_equal(ofp_decode_nx_flow_mod_table_id(other, sizeof other, &enable, &err),
                     -ENOENT);
}

/* ---------------------------------------------------------------------------------------------
 * OpenFlow 1.5.
 * ------------------------------------------------------------------------------------------- */

static void
test_of15_flow_mods(void **state)
{
    /* The meter travels as OFPAT_METER, move as copy_field, load as a masked set_field. */
    struct ofp_flow_mod fm = parse_fm("priority=5,ip,actions=meter:3,move:NXM_NX_REG0[0..3]->"
                                      "NXM_NX_REG1[4..7],load:5->NXM_NX_REG2[0..7],group:5",
                                      OFPFC_ADD);
    struct ofpbuf b;

    ofpbuf_init(&b, 128);
    ofp_encode_flow_mod(&b, OFP15_VERSION, 1, &fm);
    const uint8_t *inst = b.data + 48 + 16;     /* fixed part, then the match (eth_type: 16) */
    assert_int_equal(ofp_get_be16(inst), OFPIT_APPLY_ACTIONS);
    assert_int_equal(ofp_get_be16(inst + 8), 29);          /* OFPAT_METER */
    assert_int_equal(ofp_get_be32(inst + 12), 3);
    assert_int_equal(ofp_get_be16(inst + 16), 28);         /* OFPAT_COPY_FIELD */
    assert_int_equal(ofp_get_be16(inst + 16 + 24), OFPAT_SET_FIELD);
    assert_int_equal(inst[16 + 24 + 6] & 1, 1);            /* has-mask */
    ofp_flow_mod_destroy(&fm);
    ofpbuf_uninit(&b);

    check_flow_mod(OFP15_VERSION, "priority=5,ip,actions=meter:3,move:NXM_NX_REG0[0..3]->"
                   "NXM_NX_REG1[4..7],load:5->NXM_NX_REG2[0..7],group:5",
                   "ADD priority=5,ip actions=meter:3,move:NXM_NX_REG0[0..3]->NXM_NX_REG1[4..7],"
                   "load:0x5->NXM_NX_REG2[0..7],group:5");
    check_flow_mod(OFP15_VERSION, "table=1,priority=5,actions=meter:7",
                   "ADD table:1 priority=5 actions=meter:7");
    check_flow_mod(OFP15_VERSION, "priority=5,actions=write_actions(output:1),goto_table:3",
                   "ADD priority=5 actions=write_actions(output:1),goto_table:3");
}

static void
test_of15_replies(void **state)
{
    struct ofp_aggregate_stats a = { .packet_count = 5, .byte_count = 600, .flow_count = 3 }, a2;
    struct ofp_multipart mp;
    struct ofp_mp_writer w;
    struct ofperr err;
    struct ofpbuf b, up;

    check_flow_stats(OFP15_VERSION);
    check_ports(OFP15_VERSION);
    check_ports(OFP14_VERSION);

    ofpbuf_init(&b, 64);
    ofp_mp_reply_start(&w, &b, OFP15_VERSION, OFPMP_AGGREGATE, 2);
    ofp_mp_put_aggregate(&w, &a);
    ofp_mp_reply_finish(&w);
    upgrade(&b, &up);
    assert_int_equal(ofp_decode_multipart(up.data, up.size, &mp, &err), 0);
    assert_int_equal(ofp_decode_aggregate_reply(mp.body, mp.body_len, &a2, &err), 0);
    assert_int_equal(a2.packet_count, 5);
    assert_int_equal(a2.byte_count, 600);
    assert_int_equal(a2.flow_count, 3);
    ofpbuf_uninit(&up);
    ofpbuf_uninit(&b);
}

static void
test_of15_groups(void **state)
{
    struct ofp_group_mod gm, gm2;
    struct ofp_multipart mp;
    struct ofp_mp_writer w;
    struct ofperr err;
    struct ofpbuf b, up;

    assert_null(ofp_parse_group_mod("group_id=5,type=select,bucket=weight:3,actions=output:1,"
                                    "bucket=weight:5,actions=load:3->NXM_NX_REG0[0..3],output:2",
                                    OFPGC_ADD, NULL, NULL, &gm));
    ofpbuf_init(&b, 256);
    ofp_encode_group_mod(&b, OFP15_VERSION, 2, &gm);
    assert_int_equal(ofp_get_be32(b.data + 20), 0xffffffff);     /* command_bucket_id ALL */
    assert_int_equal(ofp_get_be32(b.data + 24 + 4), 0);          /* first bucket id */
    upgrade(&b, &up);
    assert_int_equal(ofp_decode_group_mod(up.data, up.size, &gm2, &err), 0);
    struct ds s1 = DS_EMPTY_INITIALIZER, s2 = DS_EMPTY_INITIALIZER;
    ofp_format_group(&s1, &gm, NULL);
    ofp_format_group(&s2, &gm2, NULL);
    assert_string_equal(ds_cstr(&s1), ds_cstr(&s2));
    ofp_group_mod_destroy(&gm2);
    ofpbuf_uninit(&up);

    ofpbuf_clear(&b);
    ofp_mp_reply_start(&w, &b, OFP15_VERSION, OFPMP_GROUP_DESC, 3);
    ofp_mp_put_group_desc(&w, &gm);
    ofp_mp_reply_finish(&w);
    upgrade(&b, &up);
    assert_int_equal(ofp_decode_multipart(up.data, up.size, &mp, &err), 0);
    const uint8_t *p = mp.body;
    size_t left = mp.body_len;
    assert_int_equal(ofp_pull_group_desc(&p, &left, &gm2, &err), 0);
    ds_clear(&s2);
    gm2.command = gm.command;
    ofp_format_group(&s2, &gm2, NULL);
    assert_string_equal(ds_cstr(&s1), ds_cstr(&s2));
    ofp_group_mod_destroy(&gm2);
    ofpbuf_uninit(&up);

    /* A bucket longer than the buckets, and the bucket commands uvs does not support. */
    ofpbuf_clear(&b);
    ofp_encode_group_mod(&b, OFP15_VERSION, 2, &gm);
    ofp_set_be16(b.data + 24, 200);
    expect_upgrade_error(b.data, b.size, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_BUCKET);
    ofp_set_be16(b.data + 24, 0);
    expect_upgrade_error(b.data, b.size, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_BUCKET);
    ofpbuf_clear(&b);
    ofp_encode_group_mod(&b, OFP15_VERSION, 2, &gm);
    ofp_set_be16(b.data + 8, 3);                      /* OFPGC_INSERT_BUCKET */
    expect_upgrade_error(b.data, b.size, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_COMMAND);
    ofp_set_be16(b.data + 16, 1000);                  /* bucket_array_len beyond the message */
    expect_upgrade_error(b.data, b.size, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);

    ds_destroy(&s1);
    ds_destroy(&s2);
    ofp_group_mod_destroy(&gm);
    ofpbuf_uninit(&b);
}

static void
test_of15_packet_out_and_removed(void **state)
{
    static const uint8_t frame[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 8, 0 };
    struct ofp_packet_out po = { .buffer_id = OFP_NO_BUFFER, .in_port = 3, .data = frame,
                                 .data_len = sizeof frame }, po2;
    struct ofperr err;
    struct ofpbuf b, up;

    assert_null(ofp_parse_actions("load:1->NXM_NX_REG0[],output:2", NULL, NULL, &po.ofpacts));
    ofpbuf_init(&b, 128);
    ofp_encode_packet_out(&b, OFP15_VERSION, 4, &po);
    /* buffer_id, actions_len, pad, then a match with in_port (OXM type 1, length 12). */
    assert_int_equal(ofp_get_be16(b.data + 16), 1);
    assert_int_equal(ofp_get_be16(b.data + 18), 12);
    upgrade(&b, &up);
    assert_int_equal(ofp_decode_packet_out(up.data, up.size, &po2, &err), 0);
    assert_int_equal(po2.in_port, 3);
    /* A whole-field load travels as a set_field in 1.5 (as Open vSwitch writes it). */
    char *s = acts_to_string(&po2.ofpacts);
    assert_string_equal(s, "set_field:0x1->reg0,output:2");
    free(s);
    assert_int_equal(po2.data_len, sizeof frame);
    assert_memory_equal(po2.data, frame, sizeof frame);
    ofpacts_destroy(&po2.ofpacts);
    ofpbuf_uninit(&up);
    /* Cut inside the match, and an actions_len beyond the message. */
    for (size_t n = 8; n < 32; n++) {
        uint8_t *copy = xmalloc(n);
        memcpy(copy, b.data, n);
        ofp_set_be16(copy + 2, n);
        struct ofpbuf out;
        ofpbuf_init(&out, 64);
        assert_int_equal(ofp_msg_upgrade(copy, n, &out, &err), -EPROTO);
        ofpbuf_uninit(&out);
        free(copy);
    }
    ofp_set_be16(b.data + 12, 4000);
    expect_upgrade_error(b.data, b.size, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
    ofpacts_destroy(&po.ofpacts);

    struct ofp_flow_removed fr = { .cookie = 9, .priority = 3, .reason = OFPRR_HARD_TIMEOUT,
                                   .table_id = 4, .duration_sec = 4, .duration_nsec = 8,
                                   .hard_timeout = 5, .packet_count = 6, .byte_count = 7 }, fr2;
    match_init_catchall(&fr.match);
    ofpbuf_clear(&b);
    ofp_encode_flow_removed(&b, OFP15_VERSION, 0, &fr);
    upgrade(&b, &up);
    assert_int_equal(ofp_decode_flow_removed(up.data, up.size, &fr2, &err), 0);
    assert_int_equal(fr2.table_id, 4);
    assert_int_equal(fr2.reason, OFPRR_HARD_TIMEOUT);
    assert_int_equal(fr2.hard_timeout, 5);
    assert_int_equal(fr2.duration_nsec, 8);
    assert_int_equal(fr2.packet_count, 6);
    assert_int_equal(fr2.byte_count, 7);
    ofpbuf_uninit(&up);
    ofpbuf_uninit(&b);
}

static void
test_of15_requests(void **state)
{
    struct ofp_multipart mp;
    struct ofperr err;
    struct ofpbuf b, up;

    /* 1.5 port and group description requests carry a port / group; uvs answers all. */
    ofpbuf_init(&b, 64);
    ofp_encode_multipart_request(&b, OFP15_VERSION, 3, OFPMP_PORT_DESC, NULL, 0);
    assert_int_equal(b.size, 24);
    assert_int_equal(ofp_get_be32(b.data + 16), OFPP_ANY);
    upgrade(&b, &up);
    assert_int_equal(ofp_decode_multipart(up.data, up.size, &mp, &err), 0);
    assert_int_equal(mp.type, OFPMP_PORT_DESC);
    assert_int_equal(mp.body_len, 0);
    ofpbuf_uninit(&up);
    /* 1.3 and 1.4 requests need no conversion. */
    ofpbuf_clear(&b);
    ofp_encode_multipart_request(&b, OFP14_VERSION, 3, OFPMP_PORT_DESC, NULL, 0);
    assert_int_equal(b.size, 16);
    ofpbuf_init(&up, 0);
    assert_int_equal(ofp_msg_upgrade(b.data, b.size, &up, &err), 1);
    assert_int_equal(up.size, 0);
    ofpbuf_uninit(&up);
    ofpbuf_uninit(&b);
}

/* Thousands of corrupted 1.0 and 1.5 messages: never a crash or an over-read. */
static void
test_corrupted(void **state)
{
    struct ofpbuf msgs[4];
    struct ofp_flow_mod fm = parse_fm("table=2,priority=5,tcp,nw_dst=10.0.0.0/8,tp_dst=80,"
                                      "actions=set_field:10.0.0.1->ip_dst,resubmit(,3),output:2",
                                      OFPFC_ADD);
    struct ofp_group_mod gm;
    struct ofp_mp_writer w;

    assert_null(ofp_parse_group_mod("group_id=5,type=ff,bucket=watch_port:1,actions=output:1",
                                    OFPGC_ADD, NULL, NULL, &gm));
    for (size_t i = 0; i < ARRAY_SIZE(msgs); i++) {
        ofpbuf_init(&msgs[i], 256);
    }
    ofp_encode_flow_mod(&msgs[0], OFP10_VERSION, 1, &fm);
    ofp_encode_group_mod(&msgs[1], OFP15_VERSION, 1, &gm);
    mp_version = OFP10_VERSION;
    ofp_mp_reply_start(&w, &msgs[2], OFP10_VERSION, OFPMP_FLOW, 5);
    put_two_flows(&w);
    ofp_mp_reply_finish(&w);
    mp_version = OFP15_VERSION;
    ofp_mp_reply_start(&w, &msgs[3], OFP15_VERSION, OFPMP_FLOW, 5);
    put_two_flows(&w);
    ofp_mp_reply_finish(&w);

    srand(6);
    for (size_t i = 0; i < ARRAY_SIZE(msgs); i++) {
        for (int round = 0; round < 2000; round++) {
            size_t n = msgs[i].size;
            uint8_t *copy = xmalloc(n);
            memcpy(copy, msgs[i].data, n);
            for (int k = 0; k < 1 + rand() % 4; k++) {
                size_t at = 8 + rand() % (n - 8);
                copy[at] = rand();
            }
            struct ofpbuf out;
            struct ofperr err;
            ofpbuf_init(&out, 64);
            int error = ofp_msg_upgrade(copy, n, &out, &err);
            assert_true(error == 0 || error == 1 || error == -EPROTO);
            if (!error) {
                assert_int_equal(ofp_get_be16(out.data + 2) <= out.size, true);
            }
            ofpbuf_uninit(&out);
            free(copy);
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(msgs); i++) {
        ofpbuf_uninit(&msgs[i]);
    }
    ofp_flow_mod_destroy(&fm);
    ofp_group_mod_destroy(&gm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_of10_types_and_errors),
        cmocka_unit_test(test_of10_match_bytes),
        cmocka_unit_test(test_of10_flow_mod_round_trips),
        cmocka_unit_test(test_of10_replies),
        cmocka_unit_test(test_of10_requests),
        cmocka_unit_test(test_of10_async_and_ports),
        cmocka_unit_test(test_of10_rejections),
        cmocka_unit_test(test_of10_what_fits),
        cmocka_unit_test(test_nx_flow_mod_table_id),
        cmocka_unit_test(test_of15_flow_mods),
        cmocka_unit_test(test_of15_replies),
        cmocka_unit_test(test_of15_groups),
        cmocka_unit_test(test_of15_packet_out_and_removed),
        cmocka_unit_test(test_of15_requests),
        cmocka_unit_test(test_corrupted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
