/*
 * test-dpcls — the megaflow classifier: masks of several shapes, first-match semantics and
 * subtable ranking, duplicate keys, removal, flush, batched lookup with mixed hits and misses, and
 * 10,000 flows (subtable growth). Needs a DPDK EAL (started without hugepages); if the EAL cannot
 * start, the program exits 77 (meson: SKIP) and says why.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <rte_memory.h>

#include "eal-test.h"
#include "pmd/dpcls.h"

static int
setup(void **state)
{
    struct dpcls *cls = dpcls_create(SOCKET_ID_ANY, "test");
    assert_non_null(cls);
    *state = cls;
    return 0;
}

static void
free_flow_cb(struct dp_flow *flow, void *aux)
{
    (void) aux;
    free(flow);
}

static int
teardown(void **state)
{
    struct dpcls *cls = *state;
    if (cls) {
        dpcls_flush(cls, free_flow_cb, NULL);
        dpcls_destroy(cls);
    }
    return 0;
}

static struct dpcls *
get_cls(void **state)
{
    return *state;
}

/* ---------------------------------------------------------------------------------------------- */
/* Keys, masks and flows.                                                                          */

/* A packet key: IPv4/UDP from 10.0.0.0 + I, source port 1024 + I, on port IN_PORT. */
static void
make_key(struct flow *key, uint32_t in_port, uint32_t i)
{
    memset(key, 0, sizeof *key);
    key->in_port = in_port;
    static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 0x02 }, src[6] = { 0x02, 0, 0, 0, 0, 0x01 };
    memcpy(key->dl_dst.ea, dst, 6);
    memcpy(key->dl_src.ea, src, 6);
    key->dl_type_be = htons(ETH_TYPE_IP);
    key->nw_src_be = htonl(0x0a000000 + i);
    key->nw_dst_be = htonl(0xc0a80001);
    key->nw_proto = 17;
    key->nw_ttl = 64;
    key->tp_src_be = htons(1024 + (i % 60000));
    key->tp_dst_be = htons(5001);
}

enum mask_shape { M_IN_PORT, M_NW_SRC_24, M_FIVE_TUPLE, M_DL_DST_MCAST, M_TP_DST_RANGE };

static void
make_mask(struct flow *m, enum mask_shape shape)
{
    flow_wildcards_init_catchall(m);
    m->in_port = UINT32_MAX;
    switch (shape) {
    case M_IN_PORT:
        break;
    case M_NW_SRC_24:
        m->dl_type_be = 0xffff;
        m->nw_src_be = htonl(0xffffff00);
        break;
    case M_FIVE_TUPLE:
        m->dl_type_be = 0xffff;
        m->nw_src_be = m->nw_dst_be = UINT32_MAX;
        m->nw_proto = 0xff;
        m->nw_frag = 0xff;
        m->tp_src_be = m->tp_dst_be = 0xffff;
        break;
    case M_DL_DST_MCAST:
        m->dl_dst.ea[0] = 0x01;
        break;
    case M_TP_DST_RANGE:
        m->dl_type_be = 0xffff;
        m->nw_proto = 0xff;
        m->tp_dst_be = htons(0xff00);
        break;
    }
}

/* A megaflow with key KEY & MASK; 'n_actions' carries TAG so tests can tell flows apart. */
static struct dp_flow *
make_flow(const struct flow *key, const struct flow *mask, uint32_t tag)
{
    /* struct dp_flow is cache-line aligned (_Alignas(64)): calloc() does not promise that. */
    struct dp_flow *f = aligned_alloc(_Alignof(struct dp_flow), sizeof *f);
    assert_non_null(f);
    memset(f, 0, sizeof *f);
    flow_apply_mask(&f->key, key, mask);
    f->mask = *mask;
    f->hash = flow_hash(&f->key, 0);
    f->n_actions = tag;
    return f;
}

static struct dp_flow *
lookup1(struct dpcls *cls, const struct flow *key)
{
    const struct flow *keys[1] = { key };
    struct dp_flow *flows[1] = { (struct dp_flow *) 1 };
    unsigned n = dpcls_lookup(cls, keys, 1, flows);
    assert_int_equal(n, flows[0] != NULL);
    return flows[0];
}

/* ---------------------------------------------------------------------------------------------- */
/* Tests.                                                                                          */

static void
test_empty(void **state)
{
    struct dpcls *cls = get_cls(state);
    struct flow key;
    make_key(&key, 1, 1);
    assert_null(lookup1(cls, &key));
    assert_int_equal(dpcls_count(cls), 0);
    assert_int_equal(dpcls_n_subtables(cls), 0);
    dpcls_sort_subtables(cls);
}

/* One flow per mask shape, separated by in_port so none overlap. */
static void
test_mask_shapes(void **state)
{
    struct dpcls *cls = get_cls(state);
    struct flow key, mask;

    make_key(&key, 1, 0);
    make_mask(&mask, M_IN_PORT);
    struct dp_flow *f_port = make_flow(&key, &mask, 1);

    make_key(&key, 2, 0x010100);          /* 10.1.1.0/24 */
    make_mask(&mask, M_NW_SRC_24);
    struct dp_flow *f_net = make_flow(&key, &mask, 2);

    make_key(&key, 3, 77);
    make_mask(&mask, M_FIVE_TUPLE);
    struct dp_flow *f_exact = make_flow(&key, &mask, 3);

    make_key(&key, 4, 0);
    key.dl_dst.ea[0] = 0x01;
    make_mask(&mask, M_DL_DST_MCAST);
    struct dp_flow *f_mcast = make_flow(&key, &mask, 4);

    make_key(&key, 5, 0);
    key.tp_dst_be = htons(0x1300);
    make_mask(&mask, M_TP_DST_RANGE);
    struct dp_flow *f_range = make_flow(&key, &mask, 5);

    struct dp_flow *all[] = { f_port, f_net, f_exact, f_mcast, f_range };
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(dpcls_insert(cls, all[i]), 0);
    }
    assert_int_equal(dpcls_count(cls), 5);
    assert_int_equal(dpcls_n_subtables(cls), 5);

    /* in_port 1: anything. */
    make_key(&key, 1, 12345);
    key.nw_proto = 6;
    assert_ptr_equal(lookup1(cls, &key), f_port);

    /* in_port 2: inside and outside 10.1.1.0/24; other fields do not matter. */
    make_key(&key, 2, 0x0101fe);
    key.tp_dst_be = htons(9);
    assert_ptr_equal(lookup1(cls, &key), f_net);
    make_key(&key, 2, 0x010201);
    assert_null(lookup1(cls, &key));
    make_key(&key, 2, 0x010101);
    key.dl_type_be = htons(ETH_TYPE_IPV6);
    assert_null(lookup1(cls, &key));

    /* in_port 3: only the exact 5-tuple; the TTL is not in the mask. */
    make_key(&key, 3, 77);
    key.nw_ttl = 3;
    assert_ptr_equal(lookup1(cls, &key), f_exact);
    key.tp_src_be = htons(1);
    assert_null(lookup1(cls, &key));

    /* in_port 4: any multicast destination, no unicast. */
    make_key(&key, 4, 9);
    key.dl_dst.ea[0] = 0x33;
    assert_ptr_equal(lookup1(cls, &key), f_mcast);
    key.dl_dst.ea[0] = 0x02;
    assert_null(lookup1(cls, &key));

    /* in_port 5: UDP destination ports 0x1300..0x13ff. */
    make_key(&key, 5, 1);
    key.tp_dst_be = htons(0x13ab);
    assert_ptr_equal(lookup1(cls, &key), f_range);
    key.tp_dst_be = htons(0x1400);
    assert_null(lookup1(cls, &key));

    /* No flow for in_port 6. */
    make_key(&key, 6, 0);
    assert_null(lookup1(cls, &key));
}

/* Megaflows carry no priority: with two overlapping flows (which the datapath only installs when
 * their actions agree) the first subtable in rank order answers, and ranking follows hits. */
static void
test_first_match_and_ranking(void **state)
{
    struct dpcls *cls = get_cls(state);
    struct flow key, mask;

    make_key(&key, 1, 0);
    make_mask(&mask, M_IN_PORT);
    struct dp_flow *wide = make_flow(&key, &mask, 1);
    make_mask(&mask, M_FIVE_TUPLE);
    struct dp_flow *narrow = make_flow(&key, &mask, 2);
    assert_int_equal(dpcls_insert(cls, wide), 0);
    assert_int_equal(dpcls_insert(cls, narrow), 0);

    /* A key matching both: answered by one of them. */
    make_key(&key, 1, 0);
    struct dp_flow *first = lookup1(cls, &key);
    assert_true(first == wide || first == narrow);

    /* Make the wide subtable busy (keys only it matches), re-rank: it answers first. */
    dpcls_sort_subtables(cls);
    for (uint32_t i = 1; i <= 50; i++) {
        make_key(&key, 1, i);
        assert_ptr_equal(lookup1(cls, &key), wide);
    }
    dpcls_sort_subtables(cls);
    make_key(&key, 1, 0);
    assert_ptr_equal(lookup1(cls, &key), wide);

    /* Now the narrow one gets more hits since the last sort: after re-ranking it answers. */
    struct dp_flow *more[60];
    make_mask(&mask, M_FIVE_TUPLE);
    for (uint32_t i = 0; i < 60; i++) {
        make_key(&key, 2, i);
        more[i] = make_flow(&key, &mask, 100 + i);
        assert_int_equal(dpcls_insert(cls, more[i]), 0);
    }
    for (uint32_t i = 0; i < 60; i++) {
        make_key(&key, 2, i);
        assert_ptr_equal(lookup1(cls, &key), more[i]);
    }
    dpcls_sort_subtables(cls);
    make_key(&key, 1, 0);
    assert_ptr_equal(lookup1(cls, &key), narrow);
}

static void
test_duplicates(void **state)
{
    struct dpcls *cls = get_cls(state);
    struct flow key, mask;
    make_key(&key, 2, 0x0a0a00);
    make_mask(&mask, M_NW_SRC_24);
    struct dp_flow *a = make_flow(&key, &mask, 1);
    assert_int_equal(dpcls_insert(cls, a), 0);

    /* Same masked key (differs only in bits outside the mask): refused, a stays. */
    make_key(&key, 2, 0x0a0a63);
    key.tp_src_be = htons(7);
    struct dp_flow *b = make_flow(&key, &mask, 2);
    assert_int_equal(dpcls_insert(cls, b), -EEXIST);
    assert_int_equal(dpcls_count(cls), 1);
    assert_ptr_equal(lookup1(cls, &key), a);

    /* Removing the refused duplicate does not remove a. */
    dpcls_remove(cls, b);
    assert_ptr_equal(lookup1(cls, &key), a);
    assert_int_equal(dpcls_count(cls), 1);
    free(b);

    /* Same key values under a different mask: another subtable, accepted. */
    make_mask(&mask, M_IN_PORT);
    make_key(&key, 9, 0);
    struct dp_flow *c = make_flow(&key, &mask, 3);
    assert_int_equal(dpcls_insert(cls, c), 0);
    assert_int_equal(dpcls_n_subtables(cls), 2);
}

static void
test_remove(void **state)
{
    struct dpcls *cls = get_cls(state);
    struct flow key, mask;
    make_mask(&mask, M_FIVE_TUPLE);
    struct dp_flow *f[3];
    for (uint32_t i = 0; i < 3; i++) {
        make_key(&key, 1, i);
        f[i] = make_flow(&key, &mask, i);
        assert_int_equal(dpcls_insert(cls, f[i]), 0);
    }
    make_mask(&mask, M_IN_PORT);
    make_key(&key, 7, 0);
    struct dp_flow *p7 = make_flow(&key, &mask, 7);
    assert_int_equal(dpcls_insert(cls, p7), 0);
    assert_int_equal(dpcls_n_subtables(cls), 2);

    dpcls_remove(cls, f[1]);
    assert_int_equal(dpcls_count(cls), 3);
    make_key(&key, 1, 1);
    assert_null(lookup1(cls, &key));
    make_key(&key, 1, 0);
    assert_ptr_equal(lookup1(cls, &key), f[0]);
    make_key(&key, 1, 2);
    assert_ptr_equal(lookup1(cls, &key), f[2]);

    /* Removing twice is harmless. */
    dpcls_remove(cls, f[1]);
    assert_int_equal(dpcls_count(cls), 3);

    /* The last flow of a mask takes its subtable with it. */
    dpcls_remove(cls, p7);
    assert_int_equal(dpcls_n_subtables(cls), 1);
    make_key(&key, 7, 0);
    assert_null(lookup1(cls, &key));

    /* Re-insert after removal. */
    assert_int_equal(dpcls_insert(cls, f[1]), 0);
    make_key(&key, 1, 1);
    assert_ptr_equal(lookup1(cls, &key), f[1]);
    free(p7);
}

/* A subtable of at most four flows is looked up without rte_hash (a copy of its entries): every
 * flow stays findable and every removed one misses while the subtable grows past four, shrinks
 * back below it and is refilled. */
static void
test_small_subtable(void **state)
{
    struct dpcls *cls = get_cls(state);
    struct flow key, mask;
    make_mask(&mask, M_FIVE_TUPLE);
    struct dp_flow *f[8];
    bool in[8];
    for (uint32_t i = 0; i < 8; i++) {
        make_key(&key, 1, i);
        f[i] = make_flow(&key, &mask, i);
        in[i] = false;
    }
    static const int steps[] = { 0, 1, 2, 3, -1, 4, 5, 6, 7, -7, -6, -5, -0, -2, 0, 5, -3, -4 };
    for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
        int v = steps[s];
        /* "-0" is 0: an insert of 0 when absent, its removal when present. */
        unsigned i = (unsigned) (v < 0 ? -v : v);
        if (v < 0 || (v == 0 && in[0])) {
            dpcls_remove(cls, f[i]);
            in[i] = false;
        } else {
            assert_int_equal(dpcls_insert(cls, f[i]), 0);
            in[i] = true;
        }
        for (uint32_t j = 0; j < 8; j++) {
            make_key(&key, 1, j);
            if (in[j]) {
                assert_ptr_equal(lookup1(cls, &key), f[j]);
            } else {
                assert_null(lookup1(cls, &key));
            }
        }
    }
    for (uint32_t i = 0; i < 8; i++) {
        if (!in[i]) {
            free(f[i]);
        }
    }
}

struct flush_state {
    unsigned calls;
    unsigned seen[200];
};

static void
flush_cb(struct dp_flow *flow, void *aux)
{
    struct flush_state *fs = aux;
    fs->calls++;
    assert_true(flow->n_actions < 200);
    fs->seen[flow->n_actions]++;
    free(flow);
}

static void
test_flush(void **state)
{
    struct dpcls *cls = get_cls(state);
    struct flow key, mask;
    for (uint32_t i = 0; i < 200; i++) {
        make_key(&key, 1 + i % 4, i);
        make_mask(&mask, (enum mask_shape) (i % 4 == 0 ? M_FIVE_TUPLE : M_NW_SRC_24));
        if (i % 4) {
            key.nw_src_be = htonl(0x0b000000 + (i << 8));   /* distinct /24s */
        }
        assert_int_equal(dpcls_insert(cls, make_flow(&key, &mask, i)), 0);
    }
    assert_int_equal(dpcls_count(cls), 200);
    assert_int_equal(dpcls_n_subtables(cls), 2);

    struct flush_state fs = { 0 };
    dpcls_flush(cls, flush_cb, &fs);
    assert_int_equal(fs.calls, 200);
    for (unsigned i = 0; i < 200; i++) {
        assert_int_equal(fs.seen[i], 1);
    }
    assert_int_equal(dpcls_count(cls), 0);
    assert_int_equal(dpcls_n_subtables(cls), 0);
    make_key(&key, 1, 0);
    assert_null(lookup1(cls, &key));
}

/* A batch of 32 keys over three subtables with hits and misses interleaved; then 40 keys (handled
 * in two chunks) and an empty batch. Keys on in_port 1 hit exact flows, on in_port 2 /24 flows
 * (even keys only: odd keys are in other /24s or other 5-tuples), on in_port 3 one in_port flow. */
static void
test_batch_mixed(void **state)
{
    struct dpcls *cls = get_cls(state);
    struct flow mask_exact, mask_net, mask_port;
    make_mask(&mask_exact, M_FIVE_TUPLE);
    make_mask(&mask_net, M_NW_SRC_24);
    make_mask(&mask_port, M_IN_PORT);

    struct flow keys[40];
    const struct flow *kp[40];
    struct dp_flow *want[40];
    make_key(&keys[0], 3, 0);
    struct dp_flow *port3 = make_flow(&keys[0], &mask_port, 999);
    assert_int_equal(dpcls_insert(cls, port3), 0);

    unsigned hits32 = 0, hits40 = 0;
    for (uint32_t i = 0; i < 40; i++) {
        uint32_t port = 1 + i % 3;
        make_key(&keys[i], port, i << 8);
        kp[i] = &keys[i];
        if (port == 3) {
            want[i] = port3;
        } else if (i % 2 == 0) {
            want[i] = make_flow(&keys[i], port == 1 ? &mask_exact : &mask_net, i);
            assert_int_equal(dpcls_insert(cls, want[i]), 0);
        } else {
            want[i] = NULL;
        }
        hits32 += i < 32 && want[i];
        hits40 += want[i] != NULL;
    }
    assert_int_equal(dpcls_n_subtables(cls), 3);

    struct dp_flow *got[40];
    memset(got, 0xab, sizeof got);
    assert_int_equal(dpcls_lookup(cls, kp, 32, got), hits32);
    for (uint32_t i = 0; i < 32; i++) {
        assert_ptr_equal(got[i], want[i]);
    }
    assert_true(hits32 > 8 && hits32 < 32);

    memset(got, 0xab, sizeof got);
    assert_int_equal(dpcls_lookup(cls, kp, 40, got), hits40);
    for (uint32_t i = 0; i < 40; i++) {
        assert_ptr_equal(got[i], want[i]);
    }

    assert_int_equal(dpcls_lookup(cls, kp, 0, got), 0);
}

struct visit {
    unsigned calls;
    unsigned char *seen;
};

static void
visit_cb(struct dp_flow *flow, void *aux)
{
    struct visit *v = aux;
    v->calls++;
    v->seen[flow->n_actions]++;
}

/* 10,000 exact flows (the subtable grows from 1024 slots) plus 100 /24 flows; every flow found by
 * batched lookups; half removed; the dump visits exactly the rest. */
static void
test_10k_flows(void **state)
{
    struct dpcls *cls = get_cls(state);
    enum { N = 10000, NN = 100 };
    struct flow mask, key;
    struct dp_flow **flows = calloc(N + NN, sizeof *flows);

    make_mask(&mask, M_FIVE_TUPLE);
    for (uint32_t i = 0; i < N; i++) {
        make_key(&key, 1, i);
        flows[i] = make_flow(&key, &mask, i);
        assert_int_equal(dpcls_insert(cls, flows[i]), 0);
    }
    make_mask(&mask, M_NW_SRC_24);
    for (uint32_t i = 0; i < NN; i++) {
        make_key(&key, 2, i << 8);
        flows[N + i] = make_flow(&key, &mask, N + i);
        assert_int_equal(dpcls_insert(cls, flows[N + i]), 0);
    }
    assert_int_equal(dpcls_count(cls), N + NN);
    assert_int_equal(dpcls_n_subtables(cls), 2);

    struct flow keys[DPCLS_MAX_BATCH];
    const struct flow *kp[DPCLS_MAX_BATCH];
    struct dp_flow *got[DPCLS_MAX_BATCH];
    for (uint32_t base = 0; base < N; base += DPCLS_MAX_BATCH) {
        unsigned n = 0;
        for (uint32_t i = base; i < base + DPCLS_MAX_BATCH && i < N; i++, n++) {
            make_key(&keys[n], 1, i);
            kp[n] = &keys[n];
        }
        assert_int_equal(dpcls_lookup(cls, kp, n, got), n);
        for (unsigned j = 0; j < n; j++) {
            assert_ptr_equal(got[j], flows[base + j]);
        }
    }
    for (uint32_t i = 0; i < NN; i++) {
        make_key(&key, 2, (i << 8) | 0x55);
        assert_ptr_equal(lookup1(cls, &key), flows[N + i]);
    }

    /* Remove the even exact flows. */
    for (uint32_t i = 0; i < N; i += 2) {
        dpcls_remove(cls, flows[i]);
    }
    assert_int_equal(dpcls_count(cls), N / 2 + NN);
    for (uint32_t i = 0; i < N; i++) {
        make_key(&key, 1, i);
        assert_ptr_equal(lookup1(cls, &key), i % 2 ? flows[i] : NULL);
    }

    struct visit v = { 0, calloc(N + NN, 1) };
    dpcls_foreach(cls, visit_cb, &v);
    assert_int_equal(v.calls, N / 2 + NN);
    for (uint32_t i = 0; i < N + NN; i++) {
        assert_int_equal(v.seen[i], i < N && i % 2 == 0 ? 0 : 1);
    }
    free(v.seen);
    for (uint32_t i = 0; i < N; i += 2) {
        free(flows[i]);
    }
    free(flows);   /* The rest are freed by the teardown's flush. */
}

/* Two classifiers (two PMDs) coexist: their rte_hash names do not collide. */
static void
test_two_classifiers(void **state)
{
    struct dpcls *cls = get_cls(state);
    struct dpcls *other = dpcls_create(SOCKET_ID_ANY, "test");
    assert_non_null(other);
    struct flow key, mask;
    make_key(&key, 1, 1);
    make_mask(&mask, M_IN_PORT);
    struct dp_flow *a = make_flow(&key, &mask, 1), *b = make_flow(&key, &mask, 2);
    assert_int_equal(dpcls_insert(cls, a), 0);
    assert_int_equal(dpcls_insert(other, b), 0);
    assert_ptr_equal(lookup1(cls, &key), a);
    assert_ptr_equal(lookup1(other, &key), b);
    /* A flow of one classifier is not removed through the other. */
    dpcls_remove(other, a);
    assert_ptr_equal(lookup1(cls, &key), a);
    dpcls_flush(other, free_flow_cb, NULL);
    dpcls_destroy(other);
}

int
main(int argc, char *argv[])
{
    (void) argc;
    if (eal_test_init(argv[0]) < 0) {
        fprintf(stderr, "SKIP: the DPDK EAL could not start (no memory or no permission for "
                "--no-huge); the %s tests need it\n", argv[0]);
        return 77;      /* meson: skipped */
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mask_shapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_match_and_ranking, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_small_subtable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flush, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_mixed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_10k_flows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_classifiers, setup, teardown),
    };
    int rc = cmocka_run_group_tests_name("dpcls", tests, NULL, NULL);
    rte_eal_cleanup();
    return rc;
}
