/*
 * test-ofp-meter — OpenFlow meters: the ovs-ofctl text (add-meter syntax) parsed and printed as
 * ovs-ofctl 3.1 prints dump-meters / meter-stats / meter-features (checked against Debian's
 * ovs-ofctl on the fake switch), the wire layout of OpenFlow 1.3.5 §7.3.4.4 and the multipart
 * bodies, round trips, the meter-mod errors, and the meter instruction in flows.
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
#include "ofproto/ofp-meter.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-parse.h"
#include "ofproto/ofp-print.h"

/* Field-by-field comparisons (the structs have padding). */
static void
assert_mm_equal(const struct ofp_meter_mod *a, const struct ofp_meter_mod *b)
{
    assert_int_equal(a->command, b->command);
    assert_int_equal(a->flags, b->flags);
    assert_int_equal(a->meter_id, b->meter_id);
    assert_int_equal(a->n_bands, b->n_bands);
    for (size_t i = 0; i < a->n_bands; i++) {
        assert_int_equal(a->bands[i].type, b->bands[i].type);
        assert_int_equal(a->bands[i].rate, b->bands[i].rate);
        assert_int_equal(a->bands[i].burst_size, b->bands[i].burst_size);
    }
}

static void
assert_ms_equal(const struct ofp_meter_stats *a, const struct ofp_meter_stats *b)
{
    assert_int_equal(a->meter_id, b->meter_id);
    assert_int_equal(a->flow_count, b->flow_count);
    assert_int_equal(a->packet_in_count, b->packet_in_count);
    assert_int_equal(a->byte_in_count, b->byte_in_count);
    assert_int_equal(a->duration_sec, b->duration_sec);
    assert_int_equal(a->duration_nsec, b->duration_nsec);
    assert_int_equal(a->n_bands, b->n_bands);
    for (size_t i = 0; i < a->n_bands; i++) {
        assert_int_equal(a->bands[i].packet_count, b->bands[i].packet_count);
        assert_int_equal(a->bands[i].byte_count, b->bands[i].byte_count);
    }
}

static struct ofp_meter_mod
parse_ok(const char *s, uint16_t command)
{
    struct ofp_meter_mod mm;
    char *error = ofp_parse_meter_mod(s, command, &mm);
    if (error) {
        fail_msg("\"%s\": %s", s, error);
    }
    return mm;
}

static void
parse_fails(const char *s, uint16_t command, const char *expected)
{
    struct ofp_meter_mod mm;
    char *error = ofp_parse_meter_mod(s, command, &mm);
    if (!error || !strstr(error, expected)) {
        fail_msg("\"%s\": expected an error with \"%s\", got %s", s, expected,
                 error ? error : "none");
    }
    free(error);
}

static void
test_parse_and_print(void **state)
{
    (void) state;
    struct ds s = DS_EMPTY_INITIALIZER;

    struct ofp_meter_mod mm = parse_ok("meter=1,pktps,burst,stats,band=type=drop,rate=10,"
                                       "burst_size=10", OFPMC_ADD);
    assert_int_equal(mm.meter_id, 1);
    assert_int_equal(mm.flags, OFPMF_PKTPS | OFPMF_BURST | OFPMF_STATS);
    assert_int_equal(mm.n_bands, 1);
    assert_int_equal(mm.bands[0].type, OFPMBT_DROP);
    assert_int_equal(mm.bands[0].rate, 10);
    assert_int_equal(mm.bands[0].burst_size, 10);
    ofp_format_meter_config(&s, &mm);
    assert_string_equal(ds_cstr(&s), "meter=1 pktps burst stats bands=\n"
                                     "type=drop rate=10 burst_size=10");

    /* kbps is the default (as ovs-ofctl); burst_size is printed only with the burst flag. */
    mm = parse_ok("meter=2,band=type=drop,rate=1000,band=type=drop,rate=2000", OFPMC_ADD);
    assert_int_equal(mm.flags, OFPMF_KBPS);
    assert_int_equal(mm.n_bands, 2);
    ds_clear(&s);
    ofp_format_meter_config(&s, &mm);
    assert_string_equal(ds_cstr(&s), "meter=2 kbps bands=\ntype=drop rate=1000\n"
                                     "type=drop rate=2000");

    /* del-meters / dump-meters selectors. */
    assert_int_equal(parse_ok("", OFPMC_DELETE).meter_id, OFPM_ALL);
    assert_int_equal(parse_ok("meter=all", OFPMC_DELETE).meter_id, OFPM_ALL);
    assert_int_equal(parse_ok("meter=7", OFPMC_DELETE).meter_id, 7);

    parse_fails("meter=1,kbps,pktps,band=type=drop,rate=1", OFPMC_ADD, "exclusive");
    parse_fails("meter=1,band=type=dscp_remark,rate=1", OFPMC_ADD, "not supported");
    parse_fails("meter=1,band=rate=1", OFPMC_ADD, "must specify a type");
    parse_fails("meter=1,band=type=drop", OFPMC_ADD, "must specify a rate");
    parse_fails("meter=1,kbps", OFPMC_ADD, "at least one band");
    parse_fails("pktps,band=type=drop,rate=1", OFPMC_ADD, "meter id");
    parse_fails("meter=1,colour=red,band=type=drop,rate=1", OFPMC_ADD, "unknown meter keyword");
    parse_fails("meter=1,band=type=drop,rate=1", OFPMC_DELETE, "not allowed");
    ds_destroy(&s);
}

static void
test_meter_mod_wire(void **state)
{
    (void) state;
    struct ofp_meter_mod mm = parse_ok("meter=5,pktps,burst,band=type=drop,rate=100,"
                                       "burst_size=20", OFPMC_MODIFY), back;
    struct ofpbuf b;
    struct ofperr err;

    ofpbuf_init(&b, 64);
    ofp_encode_meter_mod(&b, OFP13_VERSION, 0x42, &mm);
    /* OpenFlow 1.3.5 §7.3.4.4: header, command, flags, meter_id, then 16-byte drop bands. */
    static const uint8_t expected[] = {
        0x04, 29, 0x00, 0x20, 0x00, 0x00, 0x00, 0x42,
        0x00, 0x01, 0x00, 0x06, 0x00, 0x00, 0x00, 0x05,
        0x00, 0x01, 0x00, 0x10, 0x00, 0x00, 0x00, 100, 0x00, 0x00, 0x00, 20, 0, 0, 0, 0,
    };
    assert_int_equal(b.size, sizeof expected);
    assert_memory_equal(b.data, expected, sizeof expected);
    assert_int_equal(ofp_decode_meter_mod(b.data, b.size, &back, &err), 0);
    assert_mm_equal(&back, &mm);

    /* A DSCP remark band: BAD_BAND. */
    uint8_t bad[sizeof expected];
    memcpy(bad, expected, sizeof bad);
    bad[17] = OFPMBT_DSCP_REMARK;
    assert_int_equal(ofp_decode_meter_mod(bad, sizeof bad, &back, &err), -EPROTO);
    assert_int_equal(err.type, OFPET_METER_MOD_FAILED);
    assert_int_equal(err.code, OFPMMFC_BAD_BAND);
    /* A band length past the message: BAD_LEN. */
    memcpy(bad, expected, sizeof bad);
    bad[19] = 0x18;
    assert_int_equal(ofp_decode_meter_mod(bad, sizeof bad, &back, &err), -EPROTO);
    assert_int_equal(err.type, OFPET_BAD_REQUEST);
    assert_int_equal(err.code, OFPBRC_BAD_LEN);
    /* Truncated. */
    assert_int_equal(ofp_decode_meter_mod(expected, 12, &back, &err), -EPROTO);
    assert_int_equal(err.code, OFPBRC_BAD_LEN);
    /* Unknown command. */
    memcpy(bad, expected, sizeof bad);
    bad[9] = 3;
    assert_int_equal(ofp_decode_meter_mod(bad, sizeof bad, &back, &err), -EPROTO);
    assert_int_equal(err.code, OFPMMFC_BAD_COMMAND);
    ofpbuf_uninit(&b);
}

static void
check_rejects(const struct ofp_meter_mod *mm, uint16_t code)
{
    struct ofperr err = { 0, 0 };
    assert_int_equal(ofp_meter_mod_check(mm, &err), -EINVAL);
    assert_int_equal(err.type, OFPET_METER_MOD_FAILED);
    assert_int_equal(err.code, code);
}

static void
test_meter_mod_check(void **state)
{
    (void) state;
    struct ofp_meter_mod ok = parse_ok("meter=1,pktps,band=type=drop,rate=10", OFPMC_ADD);
    struct ofperr err;
    assert_int_equal(ofp_meter_mod_check(&ok, &err), 0);

    struct ofp_meter_mod mm = ok;
    mm.meter_id = 0;
    check_rejects(&mm, OFPMMFC_INVALID_METER);
    mm.meter_id = OFP_METER_MAX + 1;
    check_rejects(&mm, OFPMMFC_INVALID_METER);
    mm = ok;
    mm.flags = OFPMF_KBPS | OFPMF_PKTPS;
    check_rejects(&mm, OFPMMFC_BAD_FLAGS);
    mm.flags = 0;
    check_rejects(&mm, OFPMMFC_BAD_FLAGS);
    mm.flags = OFPMF_PKTPS | 0x10;
    check_rejects(&mm, OFPMMFC_BAD_FLAGS);
    mm = ok;
    mm.bands[0].rate = 0;
    check_rejects(&mm, OFPMMFC_BAD_RATE);
    mm = ok;
    mm.bands[0].burst_size = 5;
    check_rejects(&mm, OFPMMFC_BAD_BURST);
    mm.flags |= OFPMF_BURST;
    assert_int_equal(ofp_meter_mod_check(&mm, &err), 0);
    mm = ok;
    mm.n_bands = 0;
    check_rejects(&mm, OFPMMFC_BAD_BAND);
}

static void
test_multipart_bodies(void **state)
{
    (void) state;
    struct ofpbuf b;
    struct ofp_mp_writer w;
    struct ofp_multipart mp;
    struct ofperr err;
    struct ds s = DS_EMPTY_INITIALIZER;

    /* Statistics: two meters, printed as ovs-ofctl meter-stats prints them. */
    struct ofp_meter_stats in[2] = {
        { .meter_id = 1, .flow_count = 1, .packet_in_count = 291, .byte_in_count = 28518,
          .duration_sec = 4, .duration_nsec = 426000000, .n_bands = 1,
          .bands = { { 241, 23618 } } },
        { .meter_id = 2, .n_bands = 2, .duration_sec = 7 },
    };
    ofpbuf_init(&b, 256);
    ofp_mp_reply_start(&w, &b, OFP13_VERSION, OFPMP_METER, 9);
    ofp_mp_put_meter_stats(&w, &in[0]);
    ofp_mp_put_meter_stats(&w, &in[1]);
    ofp_mp_reply_finish(&w);
    assert_int_equal(ofp_decode_multipart(b.data, b.size, &mp, &err), 0);
    assert_int_equal(mp.body_len, 40 + 16 + 40 + 32);
    const uint8_t *p = mp.body;
    size_t left = mp.body_len;
    for (int i = 0; i < 2; i++) {
        struct ofp_meter_stats out;
        assert_int_equal(ofp_pull_meter_stats(&p, &left, &out, &err), 0);
        assert_ms_equal(&out, &in[i]);
        if (!i) {
            ofp_format_meter_stats(&s, &out);
        }
    }
    struct ofp_meter_stats end;
    assert_int_equal(ofp_pull_meter_stats(&p, &left, &end, &err), -ENOENT);
    assert_string_equal(ds_cstr(&s), "meter:1 flow_count:1 packet_in_count:291 "
                        "byte_in_count:28518 duration:4.426s bands:\n"
                        "0: packet_count:241 byte_count:23618");

    /* Configuration round trip. */
    struct ofp_meter_mod cfg = parse_ok("meter=3,kbps,burst,band=type=drop,rate=64,burst_size=8",
                                        OFPMC_ADD), back;
    cfg.command = 0;
    ofpbuf_clear(&b);
    ofp_mp_reply_start(&w, &b, OFP13_VERSION, OFPMP_METER_CONFIG, 9);
    ofp_mp_put_meter_config(&w, &cfg);
    ofp_mp_reply_finish(&w);
    assert_int_equal(ofp_decode_multipart(b.data, b.size, &mp, &err), 0);
    p = mp.body;
    left = mp.body_len;
    assert_int_equal(ofp_pull_meter_config(&p, &left, &back, &err), 0);
    assert_mm_equal(&back, &cfg);
    assert_int_equal(ofp_pull_meter_config(&p, &left, &back, &err), -ENOENT);

    /* Features, as ovs-ofctl meter-features prints them. */
    struct ofp_meter_features mf = { OFP_METER_MAX, 1u << OFPMBT_DROP,
                                     OFPMF_KBPS | OFPMF_PKTPS | OFPMF_BURST | OFPMF_STATS,
                                     OFP_METER_MAX_BANDS, 0 }, mf2;
    ofpbuf_clear(&b);
    ofp_mp_reply_start(&w, &b, OFP13_VERSION, OFPMP_METER_FEATURES, 9);
    ofp_mp_put_meter_features(&w, &mf);
    ofp_mp_reply_finish(&w);
    assert_int_equal(ofp_decode_multipart(b.data, b.size, &mp, &err), 0);
    assert_int_equal(ofp_decode_meter_features(mp.body, mp.body_len, &mf2, &err), 0);
    assert_int_equal(mf.max_meter, mf2.max_meter);
    assert_int_equal(mf.band_types, mf2.band_types);
    assert_int_equal(mf.capabilities, mf2.capabilities);
    assert_int_equal(mf.max_bands, mf2.max_bands);
    assert_int_equal(mf.max_color, mf2.max_color);
    ds_clear(&s);
    ofp_format_meter_features(&s, &mf2);
    assert_string_equal(ds_cstr(&s), "max_meter:65535 max_bands:8 max_color:0\n"
                        "band_types: drop\ncapabilities: kbps pktps burst stats");
    assert_int_equal(ofp_decode_meter_features(mp.body, 8, &mf2, &err), -EPROTO);

    /* Request body: meter id and 4 bytes of padding. */
    ofpbuf_clear(&b);
    ofp_encode_meter_request(&b, OFP13_VERSION, 3, OFPMP_METER, OFPM_ALL);
    assert_int_equal(ofp_decode_multipart(b.data, b.size, &mp, &err), 0);
    uint32_t id;
    assert_int_equal(ofp_decode_meter_request(mp.body, mp.body_len, &id, &err), 0);
    assert_int_equal(id, OFPM_ALL);
    assert_int_equal(ofp_decode_meter_request(mp.body, 4, &id, &err), -EPROTO);
    ofpbuf_uninit(&b);
    ds_destroy(&s);
}

static void
test_meter_instruction(void **state)
{
    (void) state;
    struct ofpacts acts, back;
    struct ds s = DS_EMPTY_INITIALIZER;
    struct ofpbuf b;
    struct ofperr err;

    assert_null(ofp_parse_actions("meter:1,output:2", NULL, NULL, &acts));
    assert_int_equal(acts.acts[0].type, OFPACT_METER);
    ofp_format_actions(&s, &acts, NULL);
    assert_string_equal(ds_cstr(&s), "meter:1,output:2");
    ofpbuf_init(&b, 64);
    ofp_put_instructions(&b, &acts);
    /* OpenFlow 1.3.5 §7.2.4: the meter instruction (type 6, 8 bytes) comes first. */
    static const uint8_t meter_inst[] = { 0, 6, 0, 8, 0, 0, 0, 1 };
    assert_memory_equal(b.data, meter_inst, sizeof meter_inst);
    assert_int_equal(ofp_decode_instructions(b.data, b.size, &back, &err), 0);
    assert_true(ofpacts_equal(&acts, &back));
    ofpacts_destroy(&back);

    /* Instructions in the other order on the wire still decode with the meter first. */
    struct ofpbuf r;
    ofpbuf_init(&r, 64);
    ofpbuf_put(&r, b.data + 8, b.size - 8);
    ofpbuf_put(&r, meter_inst, sizeof meter_inst);
    assert_int_equal(ofp_decode_instructions(r.data, r.size, &back, &err), 0);
    assert_true(ofpacts_equal(&acts, &back));
    ofpacts_destroy(&back);
    /* Bad length. */
    static const uint8_t short_inst[] = { 0, 6, 0, 16, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 };
    assert_int_equal(ofp_decode_instructions(short_inst, sizeof short_inst, &back, &err),
                     -EPROTO);
    assert_int_equal(err.type, OFPET_BAD_INSTRUCTION);
    assert_int_equal(err.code, OFPBIC_BAD_LEN);
    ofpacts_destroy(&back);

    char *error = ofp_parse_actions("output:2,meter:1", NULL, NULL, &back);
    assert_non_null(error);
    assert_non_null(strstr(error, "first"));
    free(error);
    ofpacts_destroy(&back);
    error = ofp_parse_actions("meter:0,output:2", NULL, NULL, &back);
    assert_non_null(error);
    free(error);
    ofpacts_destroy(&back);

    /* Not in a group bucket: buckets hold actions only (OpenFlow 1.3.5 §7.3.4.2). */
    struct ofp_group_mod gm;
    error = ofp_parse_group_mod("group_id=1,type=all,bucket=meter:1,output:1", OFPGC_ADD, NULL,
                                NULL, &gm);
    assert_non_null(error);
    assert_non_null(strstr(error, "group bucket"));
    free(error);
    ofp_group_mod_destroy(&gm);

    ofpacts_destroy(&acts);
    ofpbuf_uninit(&b);
    ofpbuf_uninit(&r);
    ds_destroy(&s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_print),
        cmocka_unit_test(test_meter_mod_wire),
        cmocka_unit_test(test_meter_mod_check),
        cmocka_unit_test(test_multipart_bodies),
        cmocka_unit_test(test_meter_instruction),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
