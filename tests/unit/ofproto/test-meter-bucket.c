/*
 * test-meter-bucket — the token bucket arithmetic of ofproto-meter (see ofproto-meter.h for the
 * units): capacity from burst_size or one second of the rate, refill in proportion to the
 * elapsed ticks, the cap, packet costs in pktps and kbps, and no overflow at extreme rates; and
 * meter domains: the datapath's meter argument names the bridge whose meter table applies.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-meter.h"
#include "ofproto/ofproto-meter.h"
#include "ofproto/ofproto-provider.h"
#include "pmd/dp-flow.h"

#define HZ 1000000000ull       /* A 1 GHz clock: ticks are nanoseconds. */

/* Sends packets of LEN bytes until one does not fit; returns how many passed. */
static unsigned int
drain(struct meter_bucket *b, uint16_t flags, uint32_t len)
{
    unsigned int n = 0;
    uint64_t cost = meter_packet_cost(flags, len);
    while (b->tokens >= cost && n < 1000000) {
        b->tokens -= cost;
        n++;
    }
    return n;
}

static void
test_pktps(void **state)
{
    (void) state;
    const uint16_t flags = OFPMF_PKTPS | OFPMF_BURST;
    struct meter_bucket b;

    meter_bucket_init(&b, flags, 10, 20);
    assert_int_equal(b.capacity, 20 * 1000);
    assert_int_equal(drain(&b, flags, 64), 20);          /* Starts full: the burst passes. */
    meter_bucket_refill(&b, HZ / 2, HZ);                 /* Half a second at 10 pps. */
    assert_int_equal(drain(&b, flags, 1500), 5);         /* The size does not matter. */
    meter_bucket_refill(&b, 99 * (HZ / 1000), HZ);       /* 99 ms: 0.99 packet. */
    assert_int_equal(drain(&b, flags, 64), 0);
    meter_bucket_refill(&b, HZ / 1000, HZ);              /* ... and 1 ms more: one. */
    assert_int_equal(drain(&b, flags, 64), 1);
    meter_bucket_refill(&b, 3600 * HZ, HZ);              /* An hour idle: capped at the burst. */
    assert_int_equal(b.tokens, b.capacity);
    assert_int_equal(drain(&b, flags, 64), 20);

    /* Without the burst flag (or with burst_size 0) the bucket holds one second of the rate. */
    meter_bucket_init(&b, OFPMF_PKTPS, 10, 0);
    assert_int_equal(drain(&b, OFPMF_PKTPS, 64), 10);
    meter_bucket_init(&b, OFPMF_PKTPS | OFPMF_BURST, 10, 0);
    assert_int_equal(drain(&b, OFPMF_PKTPS, 64), 10);
}

static void
test_kbps(void **state)
{
    (void) state;
    const uint16_t flags = OFPMF_KBPS | OFPMF_BURST;
    struct meter_bucket b;

    assert_int_equal(meter_packet_cost(OFPMF_KBPS, 1500), 12000);
    /* 1000 kbit/s with a 120 kbit burst: ten 1500-byte frames. */
    meter_bucket_init(&b, flags, 1000, 120);
    assert_int_equal(drain(&b, flags, 1500), 10);
    meter_bucket_refill(&b, HZ / 100, HZ);               /* 10 ms: 10 kbit, not one frame. */
    assert_int_equal(drain(&b, flags, 1500), 0);
    meter_bucket_refill(&b, 2 * HZ / 1000, HZ);          /* 12 ms in all: 12 kbit = one. */
    assert_int_equal(drain(&b, flags, 1500), 1);
    /* Small frames: 64 bytes = 512 bits; 10 ms at 1 Mbit/s = 19 of them. */
    meter_bucket_refill(&b, HZ / 100, HZ);
    assert_int_equal(drain(&b, flags, 64), 19);
}

static void
test_no_overflow(void **state)
{
    (void) state;
    struct meter_bucket b;

    /* The highest rate and a long idle time: elapsed x rate is past 2^64. */
    meter_bucket_init(&b, OFPMF_KBPS, UINT32_MAX, 0);
    b.tokens = 0;
    meter_bucket_refill(&b, UINT64_MAX / 2, 3000000000ull);
    assert_int_equal(b.tokens, b.capacity);
    /* No clock (hz 0) or no time: nothing changes. */
    b.tokens = 5;
    meter_bucket_refill(&b, 1000, 0);
    meter_bucket_refill(&b, 0, HZ);
    assert_int_equal(b.tokens, 5);
}

/* Two bridges, each with a meter 1: the argument DP_METER_ARG(domain, 1) picks the bridge's own
 * table whatever the ingress port (a packet that crossed a patch port, or a decapsulated one whose
 * ingress has no bridge); domain 0 falls back to the ingress port's bridge; a destroyed bridge's
 * domain matches nothing (its packets pass). */
static void
test_domains(void **state)
{
    (void) state;
    struct ofproto a = { .name = (char *) "a" }, b = { .name = (char *) "b" };
    struct ofport in_b = { .ofproto = &b };
    struct ofp_meter_mod mm = {
        .command = OFPMC_ADD, .flags = OFPMF_PKTPS | OFPMF_BURST, .meter_id = 1, .n_bands = 1,
        .bands = { { OFPMBT_DROP, 1, 1 } },            /* One packet, then nothing. */
    };
    struct ofperr err;

    pthread_mutex_init(&a.mutex, NULL);
    pthread_mutex_init(&b.mutex, NULL);
    assert_int_equal(ofproto_handle_meter_mod(&a, &mm, &err), 0);
    mm.bands[0].rate = mm.bands[0].burst_size = 1000000;
    assert_int_equal(ofproto_handle_meter_mod(&b, &mm, &err), 0);
    assert_true(a.meter_domain && b.meter_domain && a.meter_domain != b.meter_domain);

    /* Bridge a's meter 1 drops the second packet, although the ingress port is b's. */
    uint32_t arg_a = DP_METER_ARG(a.meter_domain, 1), arg_b = DP_METER_ARG(b.meter_domain, 1);
    assert_true(ofproto_meter_cb(&in_b, arg_a, 64, 1000));
    assert_false(ofproto_meter_cb(&in_b, arg_a, 64, 1000));
    assert_false(ofproto_meter_cb(NULL, arg_a, 64, 1000));    /* No ingress port (vport). */
    /* Bridge b's meter passes, through its domain or (domain 0) its ingress port. */
    for (int i = 0; i < 100; i++) {
        assert_true(ofproto_meter_cb(NULL, arg_b, 64, 1000));
        assert_true(ofproto_meter_cb(&in_b, DP_METER_ARG(0, 1), 64, 1000));
    }
    assert_int_equal(DP_METER_ID(arg_a), 1);

    /* A destroyed bridge's meters are gone: stale arguments pass. */
    ofproto_meters_destroy(&a);
    assert_int_equal(a.meter_domain, 0);
    assert_true(ofproto_meter_cb(&in_b, arg_a, 64, 1000));
    ofproto_meters_destroy(&b);
    pthread_mutex_destroy(&a.mutex);
    pthread_mutex_destroy(&b.mutex);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pktps),
        cmocka_unit_test(test_kbps),
        cmocka_unit_test(test_no_overflow),
        cmocka_unit_test(test_domains),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
