/*
 * test-ofp-bundle — the codecs added for OpenFlow 1.4 bundles and the multiparts of issue 6:
 * BUNDLE_CONTROL and BUNDLE_ADD_MESSAGE (OpenFlow 1.4.1 §7.3.9), the 1.4 property-based async
 * configuration and ROLE_STATUS (§7.3.10, §7.4.4), group statistics and features (1.3.5
 * §7.3.5.9, §7.3.5.11) and table features as uvs-ofctl decodes them (§7.3.5.5): wire layouts from
 * the spec, round trips, and the error each malformed length gives.
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
#include "ofproto/ofp-async.h"
#include "ofproto/ofp-bundle.h"
#include "ofproto/ofp-group.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-table.h"

static void
assert_err(struct ofperr e, uint16_t type, uint16_t code)
{
    assert_int_equal(e.type, type);
    assert_int_equal(e.code, code);
}

static void
test_bundle_ctrl(void **state)
{
    struct ofp_bundle_ctrl bc = { 0x01020304, OFPBCT_COMMIT_REQUEST,
                                  OFPBF_ATOMIC | OFPBF_ORDERED }, out;
    struct ofperr err;
    struct ofpbuf b;

    (void) state;
    ofpbuf_init(&b, 64);
    ofp_encode_bundle_ctrl(&b, OFP14_VERSION, 9, &bc);
    static const uint8_t wire[] = {
        0x05, 33, 0, 16, 0, 0, 0, 9,    /* header: 1.4, BUNDLE_CONTROL, 16 bytes, xid 9 */
        1, 2, 3, 4, 0, 4, 0, 3,         /* bundle_id, type COMMIT_REQUEST, flags */
    };
    assert_int_equal(b.size, sizeof wire);
    assert_memory_equal(b.data, wire, sizeof wire);
    assert_int_equal(ofp_decode_bundle_ctrl(b.data, b.size, &out, &err), 0);
    assert_int_equal(out.bundle_id, bc.bundle_id);
    assert_int_equal(out.type, bc.type);
    assert_int_equal(out.flags, bc.flags);

    /* Truncated; a property shorter than its header; unknown type; unknown flags. */
    assert_int_equal(ofp_decode_bundle_ctrl(b.data, 15, &out, &err), -EPROTO);
    assert_err(err, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
    uint8_t prop[24];
    memcpy(prop, wire, 16);
    memset(prop + 16, 0, 8);
    ofp_set_be16(prop + 18, 2);
    assert_int_equal(ofp_decode_bundle_ctrl(prop, sizeof prop, &out, &err), -EPROTO);
    assert_err(err, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
    ofp_set_be16(prop + 16, 0xffff);
    ofp_set_be16(prop + 18, 8);          /* A well-formed experimenter property is skipped. */
    assert_int_equal(ofp_decode_bundle_ctrl(prop, sizeof prop, &out, &err), 0);
    b.data[13] = 8;
    assert_int_equal(ofp_decode_bundle_ctrl(b.data, b.size, &out, &err), -EPROTO);
    assert_err(err, OFPET_BUNDLE_FAILED, OFPBFC_BAD_TYPE);
    b.data[13] = 4;
    b.data[15] = 4;
    assert_int_equal(ofp_decode_bundle_ctrl(b.data, b.size, &out, &err), -EPROTO);
    assert_err(err, OFPET_BUNDLE_FAILED, OFPBFC_BAD_FLAGS);
    assert_string_equal(ofp_bundle_ctrl_type_name(OFPBCT_OPEN_REPLY), "OPEN_REPLY");
    assert_string_equal(ofp_bundle_ctrl_type_name(99), "UNKNOWN");
    ofpbuf_uninit(&b);
}

static void
test_bundle_add(void **state)
{
    struct ofp_bundle_add ba;
    struct ofperr err;
    struct ofpbuf inner, b;

    (void) state;
    ofpbuf_init(&inner, 64);
    ofpbuf_init(&b, 128);
    ofp_encode_simple(&inner, OFP14_VERSION, OFPT_BARRIER_REQUEST, 77);
    ofp_encode_bundle_add(&b, OFP14_VERSION, 77, 5, OFPBF_ATOMIC, inner.data, inner.size);
    assert_int_equal(b.size, 24);
    assert_int_equal(b.data[1], OFPT_BUNDLE_ADD_MESSAGE);
    assert_int_equal(ofp_get_be32(b.data + 8), 5);
    assert_int_equal(ofp_get_be16(b.data + 14), OFPBF_ATOMIC);
    assert_int_equal(ofp_decode_bundle_add(b.data, b.size, &ba, &err), 0);
    assert_int_equal(ba.bundle_id, 5);
    assert_int_equal(ba.flags, OFPBF_ATOMIC);
    assert_int_equal(ba.msg_len, 8);
    assert_memory_equal(ba.msg, inner.data, 8);

    /* Too short for an inner header. */
    assert_int_equal(ofp_decode_bundle_add(b.data, 23, &ba, &err), -EPROTO);
    assert_err(err, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
    /* Inner length below 8, and past the outer message. */
    ofp_set_be16(b.data + 18, 4);
    assert_int_equal(ofp_decode_bundle_add(b.data, b.size, &ba, &err), -EPROTO);
    assert_err(err, OFPET_BUNDLE_FAILED, OFPBFC_MSG_BAD_LEN);
    ofp_set_be16(b.data + 18, 16);
    assert_int_equal(ofp_decode_bundle_add(b.data, b.size, &ba, &err), -EPROTO);
    assert_err(err, OFPET_BUNDLE_FAILED, OFPBFC_MSG_BAD_LEN);
    ofp_set_be16(b.data + 18, 8);
    /* Inner xid must be the outer one (§7.3.9.3); same version. */
    b.data[23] = 78;
    assert_int_equal(ofp_decode_bundle_add(b.data, b.size, &ba, &err), -EPROTO);
    assert_err(err, OFPET_BUNDLE_FAILED, OFPBFC_MSG_BAD_XID);
    b.data[23] = 77;
    b.data[16] = OFP13_VERSION;
    assert_int_equal(ofp_decode_bundle_add(b.data, b.size, &ba, &err), -EPROTO);
    assert_err(err, OFPET_BAD_REQUEST, OFPBRC_BAD_VERSION);
    b.data[16] = OFP14_VERSION;
    b.data[15] = 0x10;
    assert_int_equal(ofp_decode_bundle_add(b.data, b.size, &ba, &err), -EPROTO);
    assert_err(err, OFPET_BUNDLE_FAILED, OFPBFC_BAD_FLAGS);
    ofpbuf_uninit(&inner);
    ofpbuf_uninit(&b);
}

static void
test_async_props(void **state)
{
    struct ofp_async_props p, q;
    struct ofperr err;
    struct ofpbuf b;

    (void) state;
    memset(&p, 0, sizeof p);
    for (int k = 0; k < OFP_ASYNC_N_KINDS; k++) {
        p.masks[k][0] = k == OFP_ASYNC_TABLE_STATUS ? 0x10 : 1;
        p.masks[k][1] = k == OFP_ASYNC_TABLE_STATUS ? 0x8 : 2;
    }
    ofpbuf_init(&b, 128);
    ofp_encode_async_props(&b, OFP14_VERSION, OFPT_GET_ASYNC_REPLY, 3, &p);
    assert_int_equal(b.size, 8 + 12 * 8);
    /* First property: PACKET_IN_SLAVE (type 0), length 8, the slave mask. */
    assert_int_equal(ofp_get_be16(b.data + 8), 0);
    assert_int_equal(ofp_get_be16(b.data + 10), 8);
    assert_int_equal(ofp_get_be32(b.data + 12), 2);
    assert_int_equal(ofp_get_be16(b.data + 16), 1);      /* PACKET_IN_MASTER */
    assert_int_equal(ofp_get_be32(b.data + 20), 1);
    memset(&q, 0, sizeof q);
    assert_int_equal(ofp_decode_async_props(b.data, b.size, &q, &err), 0);
    assert_memory_equal(&p, &q, sizeof p);

    /* A SET_ASYNC with one property changes only that mask. */
    ofpbuf_clear(&b);
    size_t start = ofp_msg_start(&b, OFP14_VERSION, OFPT_SET_ASYNC, 4);
    ofpbuf_put_be16(&b, 6);             /* ROLE_STATUS_SLAVE */
    ofpbuf_put_be16(&b, 8);
    ofpbuf_put_be32(&b, 0x4);
    ofp_msg_finish(&b, start);
    assert_int_equal(ofp_decode_async_props(b.data, b.size, &q, &err), 0);
    assert_int_equal(q.masks[OFP_ASYNC_ROLE_STATUS][1], 0x4);
    assert_int_equal(q.masks[OFP_ASYNC_ROLE_STATUS][0], 1);
    assert_int_equal(q.masks[OFP_ASYNC_PACKET_IN][1], 2);

    /* Errors leave the configuration unchanged. */
    struct ofp_async_props saved = q;
    ofp_set_be32(b.data + 12, 0x100);   /* Reason bit role status does not define. */
    assert_int_equal(ofp_decode_async_props(b.data, b.size, &q, &err), -EPROTO);
    assert_err(err, OFPET_ASYNC_CONFIG_FAILED, OFPACFC_INVALID);
    ofp_set_be16(b.data + 8, 40);       /* Unknown property type. */
    assert_int_equal(ofp_decode_async_props(b.data, b.size, &q, &err), -EPROTO);
    assert_err(err, OFPET_ASYNC_CONFIG_FAILED, OFPACFC_UNSUPPORTED);
    ofp_set_be16(b.data + 8, 6);
    ofp_set_be16(b.data + 10, 12);      /* Bad property length. */
    assert_int_equal(ofp_decode_async_props(b.data, b.size, &q, &err), -EPROTO);
    assert_err(err, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
    assert_int_equal(ofp_decode_async_props(b.data, 12, &q, &err), -EPROTO);
    assert_err(err, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
    assert_memory_equal(&q, &saved, sizeof q);

    /* Conversion to and from the 1.3 form. */
    struct ofp_async_config ac;
    ofp_async_props_to13(&p, &ac);
    assert_int_equal(ac.packet_in_mask[1], 2);
    memset(&q, 0, sizeof q);
    ofp_async_props_from13(&q, &ac);
    assert_int_equal(q.masks[OFP_ASYNC_FLOW_REMOVED][0], 1);
    assert_int_equal(q.masks[OFP_ASYNC_ROLE_STATUS][0], 0);
    ofpbuf_uninit(&b);
}

static void
test_role_status(void **state)
{
    struct ofp_role_status rs = { OFPCR_ROLE_SLAVE, OFPCRR_MASTER_REQUEST, 0x1122334455667788 };
    struct ofp_role_status out;
    struct ofperr err;
    struct ofpbuf b;

    (void) state;
    ofpbuf_init(&b, 64);
    ofp_encode_role_status(&b, OFP14_VERSION, 0, &rs);
    static const uint8_t wire[] = {
        0x05, 30, 0, 24, 0, 0, 0, 0,
        0, 0, 0, 3, 0, 0, 0, 0,
        0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
    };
    assert_int_equal(b.size, sizeof wire);
    assert_memory_equal(b.data, wire, sizeof wire);
    assert_int_equal(ofp_decode_role_status(b.data, b.size, &out, &err), 0);
    assert_int_equal(out.role, rs.role);
    assert_int_equal(out.reason, rs.reason);
    assert_true(out.generation_id == rs.generation_id);
    assert_int_equal(ofp_decode_role_status(b.data, 23, &out, &err), -EPROTO);
    assert_err(err, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
    ofpbuf_uninit(&b);
}

/* The body of the first multipart reply message in B. */
static void
mp_body(const struct ofpbuf *b, struct ofp_multipart *mp)
{
    struct ofperr err;
    assert_int_equal(ofp_decode_multipart(b->data, b->size, mp, &err), 0);
}

static void
test_group_stats(void **state)
{
    struct ofp_group_stats *gs = xzalloc(sizeof *gs), *out = xzalloc(sizeof *out);
    struct ofp_mp_writer w;
    struct ofp_multipart mp;
    struct ofperr err;
    struct ofpbuf b;
    uint32_t id;

    (void) state;
    ofpbuf_init(&b, 256);
    ofp_encode_group_stats_request(&b, OFP13_VERSION, 2, OFPG_ALL);
    mp_body(&b, &mp);
    assert_int_equal(mp.type, OFPMP_GROUP);
    assert_int_equal(ofp_decode_group_stats_request(mp.body, mp.body_len, &id, &err), 0);
    assert_int_equal(id, OFPG_ALL);
    assert_int_equal(ofp_decode_group_stats_request(mp.body, 4, &id, &err), -EPROTO);
    assert_err(err, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);

    *gs = (struct ofp_group_stats) { .group_id = 7, .ref_count = 1, .packet_count = 5,
                                     .byte_count = 490, .duration_sec = 3,
                                     .duration_nsec = 500000000, .n_buckets = 2 };
    gs->bucket_packets[0] = 5;
    gs->bucket_bytes[0] = 490;
    ofpbuf_clear(&b);
    ofp_mp_reply_start(&w, &b, OFP13_VERSION, OFPMP_GROUP, 2);
    ofp_mp_put_group_stats(&w, gs);
    ofp_mp_reply_finish(&w);
    mp_body(&b, &mp);
    assert_int_equal(mp.body_len, 40 + 2 * 16);
    assert_int_equal(ofp_get_be16(mp.body), 72);
    const uint8_t *p = mp.body;
    size_t left = mp.body_len;
    assert_int_equal(ofp_pull_group_stats(&p, &left, out, &err), 0);
    assert_int_equal(out->group_id, 7);
    assert_int_equal(out->n_buckets, 2);
    assert_true(out->bucket_bytes[0] == 490);
    assert_int_equal(ofp_pull_group_stats(&p, &left, out, &err), -ENOENT);

    struct ds s = DS_EMPTY_INITIALIZER;
    ofp_format_group_stats(&s, gs);
    assert_string_equal(ds_cstr(&s), " group_id=7,duration=3.500s,ref_count=1,packet_count=5,"
                        "byte_count=490,bucket0:packet_count=5,byte_count=490,"
                        "bucket1:packet_count=0,byte_count=0");
    ds_destroy(&s);

    /* An entry whose length is not 40 + 16 per bucket, or runs past the body. */
    uint8_t *e = (uint8_t *) mp.body;
    ofp_set_be16(e, 60);
    p = mp.body;
    left = mp.body_len;
    assert_int_equal(ofp_pull_group_stats(&p, &left, out, &err), -EPROTO);
    assert_err(err, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
    ofp_set_be16(e, 88);
    p = mp.body;
    left = mp.body_len;
    assert_int_equal(ofp_pull_group_stats(&p, &left, out, &err), -EPROTO);
    p = mp.body;
    left = 39;
    assert_int_equal(ofp_pull_group_stats(&p, &left, out, &err), -EPROTO);
    free(gs);
    free(out);
    ofpbuf_uninit(&b);
}

static void
test_group_features(void **state)
{
    struct ofp_group_features gf = {
        .types = 0xf, .capabilities = OFPGFC_SELECT_WEIGHT | OFPGFC_SELECT_LIVENESS,
        .max_groups = { 1, 2, 3, 4 }, .actions = { 1, 1u << 17, 1u << 22, 1u << 25 },
    }, out;
    struct ofp_mp_writer w;
    struct ofp_multipart mp;
    struct ofperr err;
    struct ofpbuf b;

    (void) state;
    ofpbuf_init(&b, 128);
    ofp_mp_reply_start(&w, &b, OFP13_VERSION, OFPMP_GROUP_FEATURES, 3);
    ofp_mp_put_group_features(&w, &gf);
    ofp_mp_reply_finish(&w);
    mp_body(&b, &mp);
    assert_int_equal(mp.body_len, 40);
    assert_int_equal(ofp_decode_group_features(mp.body, mp.body_len, &out, &err), 0);
    assert_memory_equal(&gf, &out, sizeof gf);
    assert_int_equal(ofp_decode_group_features(mp.body, 36, &out, &err), -EPROTO);
    assert_err(err, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
    struct ds s = DS_EMPTY_INITIALIZER;
    ofp_format_group_features(&s, &gf);
    assert_non_null(strstr(ds_cstr(&s), "Types:  all select indirect ff\n"));
    assert_non_null(strstr(ds_cstr(&s), "Capabilities:  select_weight select_liveness\n"));
    assert_non_null(strstr(ds_cstr(&s), "    ff group:\n       max_groups=0x4\n"
                           "       actions: set_field\n"));
    ds_destroy(&s);
    ofpbuf_uninit(&b);
}

static void
test_table_features(void **state)
{
    struct ofp_table_features tf = { .table_id = 252, .name = "acl",
                                     .metadata_match = UINT64_MAX, .metadata_write = 0xff,
                                     .max_entries = 1000 };
    struct ofp_table_features_entry *e = xmalloc(sizeof *e);
    struct ofp_mp_writer w;
    struct ofp_multipart mp;
    struct ofperr err;
    struct ofpbuf b;

    (void) state;
    ofpbuf_init(&b, 4096);
    ofp_mp_reply_start(&w, &b, OFP13_VERSION, OFPMP_TABLE_FEATURES, 3);
    ofp_mp_put_table_features(&w, &tf);
    ofp_mp_reply_finish(&w);
    mp_body(&b, &mp);
    const uint8_t *p = mp.body;
    size_t left = mp.body_len;
    assert_int_equal(ofp_pull_table_features(&p, &left, e, &err), 0);
    assert_int_equal(left, 0);
    assert_int_equal(e->tf.table_id, 252);
    assert_string_equal(e->tf.name, "acl");
    assert_true(e->tf.metadata_write == 0xff);
    assert_int_equal(e->tf.max_entries, 1000);
    assert_true(e->instructions & (1u << OFPIT_GOTO_TABLE));
    assert_true(e->apply_actions & 1u);                    /* output */
    assert_true(e->next_tables[253 / 8] & (1u << (253 % 8)));
    assert_false(e->next_tables[252 / 8] & (1u << (252 % 8)));
    const struct ofp_field *f = ofp_field_by_name("nw_dst");
    assert_true(e->match[f->id / 8] & (1u << (f->id % 8)));
    assert_int_equal(ofp_pull_table_features(&p, &left, e, &err), -ENOENT);

    struct ds s = DS_EMPTY_INITIALIZER;
    p = mp.body;
    left = mp.body_len;
    assert_int_equal(ofp_pull_table_features(&p, &left, e, &err), 0);
    ofp_format_table_features(&s, e);
    assert_non_null(strstr(ds_cstr(&s), "  table 252 (\"acl\"):\n"));
    assert_non_null(strstr(ds_cstr(&s), "    next tables: 253\n"));
    /* ovs-ofctl's layout folds fields of one prefix: ip_src and ip_dst as ip_{src,dst}. */
    assert_string_equal(f->name, "ip_dst");
    assert_non_null(strstr(ds_cstr(&s), " ip_{src,dst}"));
    ds_destroy(&s);

    /* Truncated fixed part; a property running past the entry. */
    p = mp.body;
    left = 63;
    assert_int_equal(ofp_pull_table_features(&p, &left, e, &err), -EPROTO);
    assert_err(err, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
    uint8_t *q = (uint8_t *) mp.body;
    ofp_set_be16(q + 64 + 2, 0x7fff);
    p = mp.body;
    left = mp.body_len;
    assert_int_equal(ofp_pull_table_features(&p, &left, e, &err), -EPROTO);
    assert_err(err, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
    free(e);
    ofpbuf_uninit(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bundle_ctrl),
        cmocka_unit_test(test_bundle_add),
        cmocka_unit_test(test_async_props),
        cmocka_unit_test(test_role_status),
        cmocka_unit_test(test_group_stats),
        cmocka_unit_test(test_group_features),
        cmocka_unit_test(test_table_features),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
