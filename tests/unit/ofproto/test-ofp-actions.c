/*
 * test-ofp-actions — instructions and actions: the ovs-ofctl text each parses to and prints back,
 * the OpenFlow 1.3 wire round trip, and the errors for bad input (text and wire).
 *
 * Canonical forms are what Debian's ovs-ofctl 3.1 prints for the same input
 * (`ovs-ofctl -O OpenFlow13 parse-flow`, and after a round trip through a switch, where a
 * set_field on a register comes back as a Nicira load).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/util.h"
#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-group.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-parse.h"
#include "ofproto/ofp-print.h"

/* Parses IN, checks it prints as PRINTED, then encodes it as instructions, decodes them, and
 * checks the result prints as WIRE (the form after a round trip). */
static void
check_actions(const char *in, const char *printed, const char *wire)
{
    struct ofpacts acts, back;
    struct ds s = DS_EMPTY_INITIALIZER;
    struct ofpbuf b;
    struct ofperr err;

    char *error = ofp_parse_actions(in, NULL, NULL, &acts);
    if (error) {
        fail_msg("\"%s\" failed to parse: %s", in, error);
    }
    ofp_format_actions(&s, &acts, NULL);
    if (strcmp(ds_cstr(&s), printed)) {
        fail_msg("\"%s\"\n  printed:  %s\n  expected: %s", in, ds_cstr(&s), printed);
    }
    ofpbuf_init(&b, 64);
    ofp_put_instructions(&b, &acts);
    assert_int_equal(b.size % 8, 0);
    if (ofp_decode_instructions(b.data, b.size, &back, &err)) {
        fail_msg("\"%s\": decoding its own encoding failed: %s %s", in,
                 ofperr_type_name(err.type), ofperr_code_name(err));
    }
    ds_clear(&s);
    ofp_format_actions(&s, &back, NULL);
    if (strcmp(ds_cstr(&s), wire)) {
        fail_msg("\"%s\" after the wire\n  printed:  %s\n  expected: %s", in, ds_cstr(&s), wire);
    }
    ofpacts_destroy(&acts);
    ofpacts_destroy(&back);
    ofpbuf_uninit(&b);
    ds_destroy(&s);
}

static void
check_error(const char *in, const char *expect)
{
    struct ofpacts acts;
    char *error = ofp_parse_actions(in, NULL, NULL, &acts);
    if (!error) {
        fail_msg("\"%s\" parsed but should fail with: %s", in, expect);
    }
    if (strcmp(error, expect)) {
        fail_msg("\"%s\"\n  error:    %s\n  expected: %s", in, error, expect);
    }
    free(error);
    ofpacts_destroy(&acts);
}

static void
test_actions_round_trip(void **state)
{
    check_actions("output:1,NORMAL", "output:1,NORMAL", "output:1,NORMAL");
    check_actions("CONTROLLER:128", "CONTROLLER:128", "CONTROLLER:128");
    check_actions("load:0x5->NXM_NX_REG0[0..7]", "load:0x5->NXM_NX_REG0[0..7]",
                  "load:0x5->NXM_NX_REG0[0..7]");
    check_actions("load:0x1->NXM_NX_REG3[5]", "load:0x1->NXM_NX_REG3[5]",
                  "load:0x1->NXM_NX_REG3[5]");
    check_actions("load:0xffffffff->NXM_NX_REG15[]", "load:0xffffffff->NXM_NX_REG15[]",
                  "load:0xffffffff->NXM_NX_REG15[]");
    check_actions("set_field:0x2->reg1", "set_field:0x2->reg1", "load:0x2->NXM_NX_REG1[]");
    check_actions("set_field:0x10/0xf0->reg2", "load:0x1->NXM_NX_REG2[4..7]",
                  "load:0x1->NXM_NX_REG2[4..7]");
    check_actions("move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]",
                  "move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]",
                  "move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]");
    check_actions("move:reg1[0..15]->reg2[16..31]", "move:NXM_NX_REG1[0..15]->NXM_NX_REG2[16..31]",
                  "move:NXM_NX_REG1[0..15]->NXM_NX_REG2[16..31]");
    check_actions("resubmit(,2)", "resubmit(,2)", "resubmit(,2)");
    check_actions("resubmit:3", "resubmit:3", "resubmit:3");
    check_actions("resubmit(1,2)", "resubmit(1,2)", "resubmit(1,2)");
    check_actions("dec_ttl,mod_nw_ttl:7", "dec_ttl,mod_nw_ttl:7", "dec_ttl,mod_nw_ttl:7");
    check_actions("note:01.02", "note:01.02.00.00.00.00", "note:01.02.00.00.00.00");
    check_actions("push_vlan:0x8100,set_field:10->vlan_vid,pop_vlan",
                  "push_vlan:0x8100,set_field:4106->vlan_vid,pop_vlan",
                  "push_vlan:0x8100,set_field:4106->vlan_vid,pop_vlan");
    check_actions("strip_vlan", "pop_vlan", "pop_vlan");
    check_actions("set_field:10.0.0.1->ip_dst", "set_field:10.0.0.1->ip_dst",
                  "set_field:10.0.0.1->ip_dst");
    check_actions("set_field:10.0.0.1->nw_src", "set_field:10.0.0.1->ip_src",
                  "set_field:10.0.0.1->ip_src");
    check_actions("set_field:fe80::1->ipv6_src", "set_field:fe80::1->ipv6_src",
                  "set_field:fe80::1->ipv6_src");
    check_actions("set_field:00:11:22:33:44:55->eth_dst",
                  "set_field:00:11:22:33:44:55->eth_dst", "set_field:00:11:22:33:44:55->eth_dst");
    check_actions("set_field:5->ip_dscp,set_field:53->udp_dst",
                  "set_field:5->ip_dscp,set_field:53->udp_dst",
                  "set_field:5->ip_dscp,set_field:53->udp_dst");
    check_actions("set_field:0x1234->metadata", "set_field:0x1234->metadata",
                  "set_field:0x1234->metadata");
    check_actions("output:1,clear_actions,write_actions(output:2),write_metadata:0x1/0xff,"
                  "goto_table:3",
                  "output:1,clear_actions,write_actions(output:2),write_metadata:0x1/0xff,"
                  "goto_table:3",
                  "output:1,clear_actions,write_actions(output:2),write_metadata:0x1/0xff,"
                  "goto_table:3");
    check_actions("write_actions(pop_vlan,set_field:10.0.0.1->ip_dst,output:2)",
                  "write_actions(pop_vlan,set_field:10.0.0.1->ip_dst,output:2)",
                  "write_actions(pop_vlan,set_field:10.0.0.1->ip_dst,output:2)");
    check_actions("write_metadata:0x1", "write_metadata:0x1", "write_metadata:0x1");
    check_actions("goto_table:253", "goto_table:253", "goto_table:253");
    check_actions("group:7,write_actions(group:8)", "group:7,write_actions(group:8)",
                  "group:7,write_actions(group:8)");
    check_actions("", "drop", "drop");
}

static void
test_action_errors(void **state)
{
    check_error("goto_table:1,output:2", "output: actions must come before the instructions "
                "(put it before goto_table, or inside write_actions(...))");
    check_error("goto_table:1,write_actions(output:1)",
                "instruction write_actions may not follow instruction goto_table (order: apply "
                "actions, clear_actions, write_actions, write_metadata, goto_table)");
    check_error("goto_table:254", "goto_table: 254 is out of range (0 to 253)");
    check_error("write_actions(resubmit(,1))", "resubmit: not allowed in write_actions (an action "
                "set holds output, group, push_vlan, pop_vlan, set_field, dec_ttl, mod_nw_ttl)");
    check_error("set_field:1->nosuch", "set_field: unknown field \"nosuch\"");
    check_error("set_field:1->eth_type", "set_field: field eth_type cannot be set");
    check_error("set_field:1.2.3.4", "set_field:1.2.3.4: missing \"->FIELD\" (use "
                "set_field:VALUE->FIELD)");
    check_error("set_field:300->ip_dscp", "ip_dscp: 300 is out of range (0 to 63)");
    check_error("load:0x100->NXM_NX_REG0[0..7]", "load: 0x100 is out of range (0 to 255)");
    check_error("load:1->NXM_NX_REG0[30..33]",
                "NXM_NX_REG0: bits 30..33 are outside the field's 32 bits");
    check_error("move:reg0[0..7]->reg1[0..3]",
                "move:reg0[0..7]->reg1[0..3]: source is 8 bits but destination is 4 bits");
    check_error("push_vlan:0x800", "push_vlan:0x800: ethertype must be 0x8100 or 0x88a8");
    check_error("resubmit", "resubmit: missing port or table (use resubmit:PORT or "
                "resubmit([PORT],[TABLE]))");
    check_error("note:zz", "note:zz: expected hex bytes (e.g. note:01.02.ab)");
    check_error("output:2,meter:1", "meter: must be the first action (meter:N,ACTIONS...)");
    check_error("set_queue:1", "set_queue: not supported by this switch yet");
}

/* Decodes the single instruction list P (LEN bytes) and checks it fails with TYPE/CODE. */
static void
check_wire_error(const uint8_t *p, size_t len, uint16_t type, uint16_t code)
{
    struct ofpacts acts;
    struct ofperr err;
    assert_int_equal(ofp_decode_instructions(p, len, &acts, &err), -EPROTO);
    assert_int_equal(err.type, type);
    assert_int_equal(err.code, code);
    ofpacts_destroy(&acts);
}

static void
test_wire_errors(void **state)
{
    /* apply_actions { NX action with an unknown subtype } */
    uint8_t nx_bad[] = { 0, 4, 0, 24, 0, 0, 0, 0,
                         0xff, 0xff, 0, 16, 0x00, 0x00, 0x23, 0x20, 0, 99, 0, 0, 0, 0, 0, 0 };
    check_wire_error(nx_bad, sizeof nx_bad, OFPET_BAD_ACTION, OFPBAC_BAD_EXP_TYPE);
    /* ... with another vendor */
    nx_bad[15] = 0x21;
    check_wire_error(nx_bad, sizeof nx_bad, OFPET_BAD_ACTION, OFPBAC_BAD_EXPERIMENTER);
    /* reg_load whose value does not fit n_bits (ofs 0, 8 bits, value 0x100) */
    uint8_t load_bad[] = { 0, 4, 0, 32, 0, 0, 0, 0,
                           0xff, 0xff, 0, 24, 0x00, 0x00, 0x23, 0x20, 0, 7, 0, 7,
                           0x00, 0x01, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 1, 0 };
    check_wire_error(load_bad, sizeof load_bad, OFPET_BAD_ACTION, OFPBAC_BAD_ARGUMENT);
    /* set_field of eth_type (not settable) */
    uint8_t sf_bad[] = { 0, 4, 0, 24, 0, 0, 0, 0,
                         0, 25, 0, 16, 0x80, 0x00, 5 << 1, 2, 0x08, 0x00, 0, 0, 0, 0, 0, 0 };
    check_wire_error(sf_bad, sizeof sf_bad, OFPET_BAD_ACTION, OFPBAC_BAD_SET_TYPE);
    /* set_field of ip_dscp with a value above 63 */
    uint8_t sf_range[] = { 0, 4, 0, 24, 0, 0, 0, 0,
                           0, 25, 0, 16, 0x80, 0x00, 8 << 1, 1, 64, 0, 0, 0, 0, 0, 0, 0 };
    check_wire_error(sf_range, sizeof sf_range, OFPET_BAD_ACTION, OFPBAC_BAD_SET_ARGUMENT);
    /* goto_table 254 */
    uint8_t gt_bad[] = { 0, 1, 0, 8, 254, 0, 0, 0 };
    check_wire_error(gt_bad, sizeof gt_bad, OFPET_BAD_INSTRUCTION, OFPBIC_BAD_TABLE_ID);
    /* write_metadata of the wrong length */
    uint8_t wm_bad[] = { 0, 2, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    check_wire_error(wm_bad, sizeof wm_bad, OFPET_BAD_INSTRUCTION, OFPBIC_BAD_LEN);
    /* write_actions holding a resubmit (not an action-set action) */
    uint8_t wa_bad[] = { 0, 3, 0, 24, 0, 0, 0, 0,
                         0xff, 0xff, 0, 16, 0x00, 0x00, 0x23, 0x20, 0, 1, 0, 1, 0, 0, 0, 0 };
    check_wire_error(wa_bad, sizeof wa_bad, OFPET_BAD_ACTION, OFPBAC_BAD_TYPE);
}

static void
test_check_against_match(void **state)
{
    struct ofp_flow_mod fm;
    struct ofperr err;

    char *error = ofp_parse_flow_mod("table=2,actions=goto_table:2", OFPFC_ADD, NULL, NULL, &fm);
    assert_null(error);
    assert_int_equal(ofpacts_check(&fm.ofpacts, &fm.match, fm.table_id, &err), -EINVAL);
    assert_int_equal(err.type, OFPET_BAD_INSTRUCTION);
    assert_int_equal(err.code, OFPBIC_BAD_TABLE_ID);
    ofp_flow_mod_destroy(&fm);

    error = ofp_parse_flow_mod("actions=set_field:1.2.3.4->ip_dst", OFPFC_ADD, NULL, NULL, &fm);
    assert_null(error);
    assert_int_equal(ofpacts_check(&fm.ofpacts, &fm.match, 0, &err), -EINVAL);
    assert_int_equal(err.code, OFPBAC_MATCH_INCONSISTENT);
    ofp_flow_mod_destroy(&fm);

    error = ofp_parse_flow_mod("ip,actions=set_field:1.2.3.4->ip_dst,goto_table:9", OFPFC_ADD,
                               NULL, NULL, &fm);
    assert_null(error);
    assert_int_equal(ofpacts_check(&fm.ofpacts, &fm.match, 0, &err), 0);
    ofp_flow_mod_destroy(&fm);
}

static void
test_registers_in_matches(void **state)
{
    struct ofp_flow_mod fm, back;
    struct ds s = DS_EMPTY_INITIALIZER;
    struct ofpbuf b;
    struct ofperr err;

    char *error = ofp_parse_flow_mod("reg0=5,reg15=0x10/0xf0,actions=drop", OFPFC_ADD, NULL,
                                     NULL, &fm);
    assert_null(error);
    ofp_format_match(&s, &fm.match, OFP_DEFAULT_PRIORITY, NULL);
    assert_string_equal(ds_cstr(&s), "reg0=0x5,reg15=0x10/0xf0");
    ofpbuf_init(&b, 64);
    ofp_encode_flow_mod(&b, OFP13_VERSION, 1, &fm);
    assert_int_equal(ofp_decode_flow_mod(b.data, b.size, &back, &err), 0);
    assert_true(match_equal(&fm.match, &back.match));
    ofp_flow_mod_destroy(&fm);
    ofp_flow_mod_destroy(&back);
    ofpbuf_uninit(&b);
    ds_destroy(&s);
}

static void
test_packet_in_out_codec(void **state)
{
    static const uint8_t frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1,
                                       0x08, 0x06 };
    struct ofp_packet_in pi = {
        .buffer_id = OFP_NO_BUFFER, .total_len = 60, .reason = OFPR_ACTION, .table_id = 3,
        .cookie = 0x1234, .in_port = 7, .data = frame, .data_len = sizeof frame,
    }, pi2;
    struct ofpbuf b;
    struct ofperr err;

    ofpbuf_init(&b, 128);
    ofp_encode_packet_in(&b, OFP13_VERSION, 0, &pi);
    /* Header 24 bytes, the match (type, length, in_port OXM: 12 bytes padded to 16), 2 bytes
     * of padding, then the frame (OpenFlow 1.3.5 §7.4.1). */
    assert_int_equal(b.size, 24 + 16 + 2 + sizeof frame);
    assert_memory_equal(b.data + 42, frame, sizeof frame);
    assert_int_equal(ofp_decode_packet_in(b.data, b.size, &pi2, &err), 0);
    assert_int_equal(pi2.in_port, 7);
    assert_int_equal(pi2.table_id, 3);
    assert_int_equal(pi2.reason, OFPR_ACTION);
    assert_int_equal(pi2.cookie, 0x1234);
    assert_int_equal(pi2.data_len, sizeof frame);

    struct ofp_packet_out po = { .buffer_id = OFP_NO_BUFFER, .in_port = OFPP_CONTROLLER,
                                 .data = frame, .data_len = sizeof frame }, po2;
    ofpacts_init(&po.ofpacts);
    ofpacts_add_output(&po.ofpacts, OFPP_TABLE, 0);
    ofpbuf_clear(&b);
    ofp_encode_packet_out(&b, OFP13_VERSION, 9, &po);
    assert_int_equal(ofp_decode_packet_out(b.data, b.size, &po2, &err), 0);
    assert_int_equal(po2.in_port, OFPP_CONTROLLER);
    assert_int_equal(po2.ofpacts.n, 1);
    assert_int_equal(po2.ofpacts.acts[0].port, OFPP_TABLE);
    assert_int_equal(po2.data_len, sizeof frame);
    ofpacts_destroy(&po2.ofpacts);
    /* An in_port of 0 is invalid. */
    ofp_set_be32(b.data + 12, 0);
    assert_int_equal(ofp_decode_packet_out(b.data, b.size, &po2, &err), -EPROTO);
    assert_int_equal(err.code, OFPBRC_BAD_PORT);
    ofpacts_destroy(&po2.ofpacts);
    /* An actions length past the end. */
    ofp_set_be32(b.data + 12, 1);
    ofp_set_be16(b.data + 16, 200);
    assert_int_equal(ofp_decode_packet_out(b.data, b.size, &po2, &err), -EPROTO);
    assert_int_equal(err.code, OFPBRC_BAD_LEN);
    ofpacts_destroy(&po2.ofpacts);
    ofpacts_destroy(&po.ofpacts);

    uint32_t role;
    uint64_t gen;
    ofpbuf_clear(&b);
    ofp_encode_role(&b, OFP13_VERSION, OFPT_ROLE_REQUEST, 4, OFPCR_ROLE_MASTER, 77);
    assert_int_equal(ofp_decode_role(b.data, b.size, &role, &gen, &err), 0);
    assert_int_equal(role, OFPCR_ROLE_MASTER);
    assert_int_equal(gen, 77);
    assert_int_equal(ofp_decode_role(b.data, b.size - 1, &role, &gen, &err), -EPROTO);
    ofpbuf_uninit(&b);
}

/* Groups: text -> print, and through the wire (group-mod and group description). */
static void
check_group(const char *in, const char *expect)
{
    struct ofp_group_mod gm, back;
    struct ds s = DS_EMPTY_INITIALIZER;
    struct ofpbuf b;
    struct ofperr err;

    char *error = ofp_parse_group_mod(in, OFPGC_ADD, NULL, NULL, &gm);
    if (error) {
        fail_msg("\"%s\": %s", in, error);
    }
    ofp_format_group(&s, &gm, NULL);
    if (strcmp(ds_cstr(&s), expect)) {
        fail_msg("\"%s\"\n  printed:  %s\n  expected: %s", in, ds_cstr(&s), expect);
    }
    ofpbuf_init(&b, 256);
    ofp_encode_group_mod(&b, OFP13_VERSION, 3, &gm);
    assert_int_equal(ofp_decode_group_mod(b.data, b.size, &back, &err), 0);
    ds_clear(&s);
    ofp_format_group(&s, &back, NULL);
    assert_string_equal(ds_cstr(&s), expect);
    /* A bucket length running past the message is a bad bucket. */
    ofp_set_be16(b.data + 16, 200);
    struct ofp_group_mod bad;
    assert_int_equal(ofp_decode_group_mod(b.data, b.size, &bad, &err), -EPROTO);
    assert_int_equal(err.type, OFPET_GROUP_MOD_FAILED);
    assert_int_equal(err.code, OFPGMFC_BAD_BUCKET);
    ofp_group_mod_destroy(&bad);
    ofp_group_mod_destroy(&gm);
    ofp_group_mod_destroy(&back);
    ofpbuf_uninit(&b);
    ds_destroy(&s);
}

static void
test_groups(void **state)
{
    check_group("group_id=1,type=all,bucket=output:1,bucket=actions=output:2",
                "group_id=1,type=all,bucket=actions=output:1,bucket=actions=output:2");
    check_group("group_id=2,type=select,bucket=weight:10,actions=output:1,bucket=weight:20,"
                "output:2",
                "group_id=2,type=select,bucket=weight:10,actions=output:1,bucket=weight:20,"
                "actions=output:2");
    check_group("group_id=3,type=ff,bucket=watch_port:2,actions=output:2",
                "group_id=3,type=ff,bucket=watch_port:2,actions=output:2");
    check_group("type=indirect,group_id=4,bucket=set_field:10.0.0.1->ip_dst,output:2",
                "group_id=4,type=indirect,bucket=actions=set_field:10.0.0.1->ip_dst,output:2");

    struct ofp_group_mod gm;
    char *error = ofp_parse_group_mod("group_id=1,bucket=output:1", OFPGC_ADD, NULL, NULL, &gm);
    assert_string_equal(error, "must specify a type (all, select, indirect or ff)");
    free(error);
    ofp_group_mod_destroy(&gm);
    error = ofp_parse_group_mod("group_id=1,type=fast", OFPGC_ADD, NULL, NULL, &gm);
    assert_string_equal(error, "type: unknown group type \"fast\" (use all, select, indirect or "
                        "ff)");
    free(error);
    ofp_group_mod_destroy(&gm);
    error = ofp_parse_group_mod("", OFPGC_DELETE, NULL, NULL, &gm);
    assert_null(error);
    assert_int_equal(gm.group_id, OFPG_ALL);
    ofp_group_mod_destroy(&gm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_actions_round_trip),
        cmocka_unit_test(test_action_errors),
        cmocka_unit_test(test_wire_errors),
        cmocka_unit_test(test_check_against_match),
        cmocka_unit_test(test_registers_in_matches),
        cmocka_unit_test(test_packet_in_out_codec),
        cmocka_unit_test(test_groups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
