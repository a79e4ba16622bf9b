/*
 * test-classifier — the tuple-space classifier (src/ofproto/classifier.c) against a linear-scan
 * reference (priority order, first inserted among equals, as ofproto's table scan was):
 *   - random rule sets over a few fields with random masks (exact, prefixes, partial) and
 *     priorities with many ties; random packets from a small space so rules overlap;
 *   - every lookup returns the reference's rule;
 *   - soundness of the wildcards: packets that agree with the looked-up one on every bit the
 *     lookup reported consulted get the same rule from the reference (the megaflow property);
 *   - rules removed in random order (duplicate values at different priorities, empty subtables);
 *   - staged lookup and max-priority early exit keep fields out of the wildcards that a simple
 *     union of masks would add.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ofproto/classifier.h"
#include "ofproto/ofp-types.h"

static uint32_t rng = 1;

static uint32_t
rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng % n;
}

struct trule {
    struct match match;
    uint16_t priority;
    uint64_t order;
    bool in;
};

#define MAX_RULES 400

static struct trule rules[MAX_RULES];
static size_t n_rules;

/* A random packet from a small space. */
static void
random_flow(struct flow *f)
{
    memset(f, 0, sizeof *f);
    f->in_port = 1 + rnd(3);
    f->dl_dst.ea[5] = (uint8_t) rnd(4);
    f->dl_type_be = htons(rnd(5) ? 0x0800 : 0x86dd);
    f->nw_src_be = htonl(0x0a000000u | rnd(4) << 8 | rnd(4));
    f->nw_dst_be = htonl(0x0a000000u | rnd(4));
    f->nw_proto = rnd(2) ? 6 : 17;
    f->tp_src_be = htons((uint16_t) (1000 + rnd(3)));
    static const uint16_t ports[] = { 53, 80, 443 };
    f->tp_dst_be = htons(ports[rnd(3)]);
    f->metadata = rnd(2);
    f->regs[3] = rnd(2);
}

/* A random match: each field present or not, some partially masked. */
static void
random_match(struct match *m)
{
    struct flow v;
    random_flow(&v);
    memset(m, 0, sizeof *m);
    m->flow = v;
    if (rnd(3) == 0) {
        m->wc.in_port = UINT32_MAX;
    }
    if (rnd(4) == 0) {
        memset(&m->wc.dl_dst, 0xff, sizeof m->wc.dl_dst);
    }
    if (rnd(2)) {
        m->wc.dl_type_be = 0xffff;
        if (rnd(2)) {
            static const uint32_t plens[] = { 0xff000000u, 0xffffff00u, 0xffffffffu,
                                              0xfffffffcu };
            m->wc.nw_src_be = htonl(plens[rnd(4)]);
        }
        if (rnd(3) == 0) {
            m->wc.nw_dst_be = UINT32_MAX;
        }
        if (rnd(2)) {
            m->wc.nw_proto = 0xff;
            if (rnd(2)) {
                m->wc.tp_dst_be = rnd(4) ? 0xffff : htons(0xff00);
            }
            if (rnd(4) == 0) {
                m->wc.tp_src_be = 0xffff;
            }
        }
    }
    if (rnd(6) == 0) {
        m->wc.metadata = 1;
    }
    if (rnd(6) == 0) {
        m->wc.regs[3] = UINT32_MAX;
    }
    match_normalize(m);
}

static const struct trule *
reference_lookup(const struct flow *f)
{
    const struct trule *best = NULL;
    for (size_t i = 0; i < n_rules; i++) {
        const struct trule *r = &rules[i];
        if (r->in && match_matches_flow(&r->match, f)
            && (!best || r->priority > best->priority
                || (r->priority == best->priority && r->order < best->order))) {
            best = r;
        }
    }
    return best;
}

/* Checks one packet: same rule as the reference, and sound wildcards. */
static void
check_flow(const struct classifier *cls, const struct flow *f)
{
    struct flow wc;
    memset(&wc, 0, sizeof wc);
    const struct trule *got = classifier_lookup(cls, f, &wc);
    const struct trule *want = reference_lookup(f);
    assert_ptr_equal(got, want);
    for (int k = 0; k < 8; k++) {
        struct flow g;
        random_flow(&g);
        uint64_t *gw = (uint64_t *) &g;
        const uint64_t *fw = flow_u64(f), *ww = flow_u64(&wc);
        for (size_t i = 0; i < FLOW_U64S; i++) {
            gw[i] = (fw[i] & ww[i]) | (gw[i] & ~ww[i]);
        }
        if (reference_lookup(&g) != want) {
            fail_msg("unsound wildcards: a packet agreeing on every consulted bit gets another "
                     "rule");
        }
    }
}

static void
test_random_against_linear(void **state)
{
    (void) state;
    for (uint32_t seed = 1; seed <= 30; seed++) {
        rng = seed * 2654435761u;
        struct classifier *cls = classifier_create();
        n_rules = 20 + rnd(MAX_RULES - 20);
        for (size_t i = 0; i < n_rules; i++) {
            random_match(&rules[i].match);
            rules[i].priority = (uint16_t) rnd(8);
            rules[i].order = i + 1;
            rules[i].in = true;
            assert_int_equal(classifier_insert(cls, &rules[i].match, rules[i].priority,
                                               rules[i].order, &rules[i]), 0);
        }
        assert_int_equal(classifier_count(cls), n_rules);
        assert_int_equal(classifier_insert(cls, &rules[0].match, rules[0].priority,
                                           rules[0].order, &rules[0]), -EEXIST);
        for (int p = 0; p < 300; p++) {
            struct flow f;
            random_flow(&f);
            check_flow(cls, &f);
        }
        /* Remove rules in random order, checking as we go. */
        size_t left = n_rules;
        while (left) {
            size_t i = rnd((uint32_t) n_rules);
            if (!rules[i].in) {
                continue;
            }
            assert_ptr_equal(classifier_remove(cls, &rules[i].match, rules[i].priority,
                                               rules[i].order), &rules[i]);
            assert_null(classifier_remove(cls, &rules[i].match, rules[i].priority,
                                          rules[i].order));
            rules[i].in = false;
            left--;
            assert_int_equal(classifier_count(cls), left);
            for (int p = 0; p < 3; p++) {
                struct flow f;
                random_flow(&f);
                check_flow(cls, &f);
            }
        }
        assert_int_equal(classifier_n_subtables(cls), 0);
        classifier_destroy(cls);
    }
}

static void
set_rule(struct trule *r, uint16_t priority, uint64_t order)
{
    memset(r, 0, sizeof *r);
    r->priority = priority;
    r->order = order;
    r->in = true;
}

/* A TCP packet must not be matched on tp_dst because of a higher-priority UDP port rule: the
 * UDP rule is ruled out by nw_proto (stage L3), before its L4 stage. */
static void
test_staged_lookup(void **state)
{
    (void) state;
    struct classifier *cls = classifier_create();
    n_rules = 2;
    set_rule(&rules[0], 20, 1);                 /* udp,tp_dst=53 */
    rules[0].match.flow.dl_type_be = htons(0x0800);
    rules[0].match.wc.dl_type_be = 0xffff;
    rules[0].match.flow.nw_proto = 17;
    rules[0].match.wc.nw_proto = 0xff;
    rules[0].match.flow.tp_dst_be = htons(53);
    rules[0].match.wc.tp_dst_be = 0xffff;
    set_rule(&rules[1], 10, 2);                 /* tcp */
    rules[1].match.flow.dl_type_be = htons(0x0800);
    rules[1].match.wc.dl_type_be = 0xffff;
    rules[1].match.flow.nw_proto = 6;
    rules[1].match.wc.nw_proto = 0xff;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(classifier_insert(cls, &rules[i].match, rules[i].priority,
                                           rules[i].order, &rules[i]), 0);
    }
    struct flow f, wc;
    memset(&f, 0, sizeof f);
    memset(&wc, 0, sizeof wc);
    f.dl_type_be = htons(0x0800);
    f.nw_proto = 6;
    f.tp_dst_be = htons(80);
    assert_ptr_equal(classifier_lookup(cls, &f, &wc), &rules[1]);
    assert_int_equal(wc.tp_dst_be, 0);
    assert_int_equal(wc.nw_proto, 0xff);
    classifier_destroy(cls);
}

/* A hit at priority 100 ends the lookup: a priority-1 rule on tp_dst adds nothing. */
static void
test_early_exit(void **state)
{
    (void) state;
    struct classifier *cls = classifier_create();
    n_rules = 2;
    set_rule(&rules[0], 100, 1);                /* in_port=1 */
    rules[0].match.flow.in_port = 1;
    rules[0].match.wc.in_port = UINT32_MAX;
    set_rule(&rules[1], 1, 2);                  /* tp_dst=80 (no prerequisites needed here) */
    rules[1].match.flow.tp_dst_be = htons(80);
    rules[1].match.wc.tp_dst_be = 0xffff;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(classifier_insert(cls, &rules[i].match, rules[i].priority,
                                           rules[i].order, &rules[i]), 0);
    }
    struct flow f, wc;
    memset(&f, 0, sizeof f);
    memset(&wc, 0, sizeof wc);
    f.in_port = 1;
    f.tp_dst_be = htons(80);
    assert_ptr_equal(classifier_lookup(cls, &f, &wc), &rules[0]);
    assert_int_equal(wc.tp_dst_be, 0);
    assert_int_equal(wc.in_port, UINT32_MAX);
    /* Equal priorities: the first inserted wins, whatever the subtable order. */
    rules[1].priority = 100;
    classifier_remove(cls, &rules[1].match, 1, 2);
    assert_int_equal(classifier_insert(cls, &rules[1].match, 100, 2, &rules[1]), 0);
    assert_ptr_equal(classifier_lookup(cls, &f, NULL), &rules[0]);
    classifier_destroy(cls);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_against_linear),
        cmocka_unit_test(test_staged_lookup),
        cmocka_unit_test(test_early_exit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
