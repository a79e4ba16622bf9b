/*
 * test-emc — the exact match cache: insert/lookup, replacement, two-way collisions and eviction,
 * removal by flow, flush, probabilistic insertion, keys with tunnel metadata never cached. Needs a DPDK EAL (started without hugepages);
 * if the EAL cannot start, the program exits 77 (meson: SKIP) and says why.
 */
#include <endian.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <rte_memory.h>

#include "eal-test.h"
#include "pmd/emc.h"

struct fixture {
    struct emc_cache *cache;
    struct dp_flow *flows;     /* N_FLOWS fake megaflows (only their addresses matter). */
};

#define N_FLOWS 16

static int
setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    fx->cache = emc_create(SOCKET_ID_ANY);
    assert_non_null(fx->cache);
    emc_init(fx->cache, 12345);     /* Deterministic eviction choices. */
    /* struct dp_flow is cache-line aligned (_Alignas(64)): calloc() does not promise that. */
    fx->flows = aligned_alloc(_Alignof(struct dp_flow), N_FLOWS * sizeof *fx->flows);
    if (fx->flows) {
        memset(fx->flows, 0, N_FLOWS * sizeof *fx->flows);
    }
    *state = fx;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *fx = *state;
    if (fx) {
        emc_destroy(fx->cache);
        free(fx->flows);
        free(fx);
    }
    return 0;
}

static struct fixture *
get_fixture(void **state)
{
    return *state;
}

/* A plausible packet key: IPv4/UDP with source address and port from I. */
static void
make_key(struct flow *key, uint32_t i)
{
    memset(key, 0, sizeof *key);
    key->in_port = 1;
    key->dl_type_be = htons(ETH_TYPE_IP);
    key->nw_src_be = htonl(0x0a000000 + i);
    key->nw_dst_be = htonl(0xc0a80001);
    key->nw_proto = 17;
    key->nw_ttl = 64;
    key->tp_src_be = htons(1024 + (i & 0x7fff));
    key->tp_dst_be = htons(5001);
}

static void
test_empty_cache_misses(void **state)
{
    struct fixture *fx = get_fixture(state);
    struct flow key;
    make_key(&key, 1);
    assert_null(emc_lookup(fx->cache, &key, flow_hash(&key, 0)));
    assert_int_equal(emc_n_entries(fx->cache), 0);
}

static void
test_insert_lookup(void **state)
{
    struct fixture *fx = get_fixture(state);
    enum { N = 2000 };
    struct flow key;
    for (uint32_t i = 0; i < N; i++) {
        make_key(&key, i);
        emc_insert(fx->cache, &key, flow_hash(&key, 0), &fx->flows[i % N_FLOWS]);
    }
    /* 2000 keys in 8192 two-way slots: almost all survive (an insert only evicts when both of
     * its slots are taken). */
    unsigned found = 0;
    for (uint32_t i = 0; i < N; i++) {
        make_key(&key, i);
        struct dp_flow *f = emc_lookup(fx->cache, &key, flow_hash(&key, 0));
        if (f) {
            assert_ptr_equal(f, &fx->flows[i % N_FLOWS]);
            found++;
        }
    }
    assert_true(found >= N * 98 / 100);
    assert_int_equal(emc_n_entries(fx->cache), found);

    /* Keys never inserted miss. */
    for (uint32_t i = N; i < N + 100; i++) {
        make_key(&key, i);
        assert_null(emc_lookup(fx->cache, &key, flow_hash(&key, 0)));
    }
    /* The key is compared, not only the hash: a different key under an inserted key's hash. */
    make_key(&key, 7);
    uint32_t h7 = flow_hash(&key, 0);
    assert_non_null(emc_lookup(fx->cache, &key, h7));
    key.nw_tos = 4;
    assert_null(emc_lookup(fx->cache, &key, h7));
}

/* Keys with tunnel metadata are never cached (the datapath caches received packets only, whose
 * tunnel words are zero, and the key compare skips those words): an insert does nothing and a
 * lookup misses, also under the hash of a cached key without tunnel metadata. */
static void
test_tunnel_keys_not_cached(void **state)
{
    struct fixture *fx = get_fixture(state);
    struct flow key, tkey;
    make_key(&key, 5);
    uint32_t h = flow_hash(&key, 0);
    tkey = key;
    tkey.tun_id_be = htobe64(100);
    tkey.tun_dst_be = htonl(0xc0000202);
    emc_insert(fx->cache, &tkey, h, &fx->flows[0]);
    assert_int_equal(emc_n_entries(fx->cache), 0);
    assert_null(emc_lookup(fx->cache, &tkey, h));
    emc_insert(fx->cache, &key, h, &fx->flows[1]);
    assert_ptr_equal(emc_lookup(fx->cache, &key, h), &fx->flows[1]);
    assert_null(emc_lookup(fx->cache, &tkey, h));
    tkey = key;
    tkey.tun_ipv6_dst[15] = 1;      /* The last word of the key. */
    assert_null(emc_lookup(fx->cache, &tkey, h));
}

/* Keys with metadata or registers set (recirculated or pipeline keys) are never cached either: an
 * entry does not store those words (emc_key_ok()), so such a key neither goes in nor hits the entry
 * of the same key without them. */
static void
test_pipeline_keys_not_cached(void **state)
{
    struct fixture *fx = get_fixture(state);
    struct flow key, pkey;
    make_key(&key, 6);
    uint32_t h = flow_hash(&key, 0);
    assert_true(emc_key_ok(&key));
    pkey = key;
    pkey.metadata = 1;
    assert_false(emc_key_ok(&pkey));
    emc_insert(fx->cache, &pkey, h, &fx->flows[0]);
    assert_int_equal(emc_n_entries(fx->cache), 0);
    emc_insert(fx->cache, &key, h, &fx->flows[1]);
    assert_ptr_equal(emc_lookup(fx->cache, &key, h), &fx->flows[1]);
    assert_ptr_equal(emc_lookup_rx(fx->cache, &key, h), &fx->flows[1]);
    assert_null(emc_lookup(fx->cache, &pkey, h));
    for (unsigned r = 0; r < 16; r++) {
        pkey = key;
        pkey.regs[r] = 1;
        assert_false(emc_key_ok(&pkey));
        assert_null(emc_lookup(fx->cache, &pkey, h));
    }
    /* Every stored word takes part in the compare: flip one bit in each. */
    for (size_t w = 0; w < EMC_KEY_END_U64; w++) {
        if (w == 1) {
            continue;                   /* metadata: not stored, see above. */
        }
        pkey = key;
        ((uint64_t *) &pkey)[w] ^= UINT64_C(1) << (w * 7 % 64);
        assert_null(emc_lookup_rx(fx->cache, &pkey, h));
    }
}

/* Re-inserting a key replaces its flow in place. */
static void
test_reinsert_replaces(void **state)
{
    struct fixture *fx = get_fixture(state);
    struct flow key;
    make_key(&key, 42);
    uint32_t h = flow_hash(&key, 0);
    emc_insert(fx->cache, &key, h, &fx->flows[0]);
    emc_insert(fx->cache, &key, h, &fx->flows[1]);
    assert_ptr_equal(emc_lookup(fx->cache, &key, h), &fx->flows[1]);
    assert_int_equal(emc_n_entries(fx->cache), 1);
}

/* Three keys whose hashes select the same two slots: two fit, the third evicts exactly one. */
static void
test_two_way_collision(void **state)
{
    struct fixture *fx = get_fixture(state);
    const uint32_t base = 5 | (9u << EMC_SHIFT);   /* slots 5 and 9 */
    struct flow k[3];
    uint32_t h[3];
    for (int i = 0; i < 3; i++) {
        make_key(&k[i], 100 + i);
        h[i] = base | ((uint32_t) (i + 1) << 28);   /* bits above the two slot indexes */
    }
    emc_insert(fx->cache, &k[0], h[0], &fx->flows[0]);
    emc_insert(fx->cache, &k[1], h[1], &fx->flows[1]);
    assert_ptr_equal(emc_lookup(fx->cache, &k[0], h[0]), &fx->flows[0]);
    assert_ptr_equal(emc_lookup(fx->cache, &k[1], h[1]), &fx->flows[1]);
    assert_int_equal(emc_n_entries(fx->cache), 2);

    emc_insert(fx->cache, &k[2], h[2], &fx->flows[2]);
    assert_ptr_equal(emc_lookup(fx->cache, &k[2], h[2]), &fx->flows[2]);
    bool has0 = emc_lookup(fx->cache, &k[0], h[0]) != NULL;
    bool has1 = emc_lookup(fx->cache, &k[1], h[1]) != NULL;
    assert_true(has0 != has1);
    assert_int_equal(emc_n_entries(fx->cache), 2);

    /* Other slots are untouched by all this. */
    struct flow other;
    make_key(&other, 999);
    emc_insert(fx->cache, &other, 77, &fx->flows[3]);
    assert_ptr_equal(emc_lookup(fx->cache, &other, 77), &fx->flows[3]);
    assert_int_equal(emc_n_entries(fx->cache), 3);
}

static void
test_remove_flow(void **state)
{
    struct fixture *fx = get_fixture(state);
    struct flow key;
    for (uint32_t i = 0; i < 10; i++) {
        make_key(&key, i);
        emc_insert(fx->cache, &key, flow_hash(&key, 0), &fx->flows[i % 2]);
    }
    assert_int_equal(emc_n_entries(fx->cache), 10);
    assert_int_equal(emc_remove_flow(fx->cache, &fx->flows[0]), 5);
    for (uint32_t i = 0; i < 10; i++) {
        make_key(&key, i);
        struct dp_flow *f = emc_lookup(fx->cache, &key, flow_hash(&key, 0));
        if (i % 2) {
            assert_ptr_equal(f, &fx->flows[1]);
        } else {
            assert_null(f);
        }
    }
    assert_int_equal(emc_n_entries(fx->cache), 5);
    assert_int_equal(emc_remove_flow(fx->cache, &fx->flows[0]), 0);
}

static void
test_flush(void **state)
{
    struct fixture *fx = get_fixture(state);
    struct flow key;
    for (uint32_t i = 0; i < 500; i++) {
        make_key(&key, i);
        emc_insert(fx->cache, &key, flow_hash(&key, 0), &fx->flows[0]);
    }
    assert_true(emc_n_entries(fx->cache) > 0);
    emc_flush(fx->cache);
    assert_int_equal(emc_n_entries(fx->cache), 0);
    for (uint32_t i = 0; i < 500; i++) {
        make_key(&key, i);
        assert_null(emc_lookup(fx->cache, &key, flow_hash(&key, 0)));
    }
    /* Usable again after a flush. */
    make_key(&key, 3);
    emc_insert(fx->cache, &key, flow_hash(&key, 0), &fx->flows[4]);
    assert_ptr_equal(emc_lookup(fx->cache, &key, flow_hash(&key, 0)), &fx->flows[4]);
}

static void
test_probabilistic_insert(void **state)
{
    struct fixture *fx = get_fixture(state);
    struct flow key;

    /* inv_prob 0: never. */
    for (uint32_t i = 0; i < 1000; i++) {
        make_key(&key, i);
        assert_false(emc_probabilistic_insert(fx->cache, &key, flow_hash(&key, 0),
                                              &fx->flows[0], 0));
    }
    assert_int_equal(emc_n_entries(fx->cache), 0);

    /* inv_prob 1: always. */
    make_key(&key, 1);
    assert_true(emc_probabilistic_insert(fx->cache, &key, flow_hash(&key, 0), &fx->flows[1], 1));
    assert_ptr_equal(emc_lookup(fx->cache, &key, flow_hash(&key, 0)), &fx->flows[1]);
    emc_flush(fx->cache);

    /* inv_prob 100 over 100000 tries: binomial, mean 1000, sd ~31; allow +-10 sd. */
    unsigned inserted = 0;
    for (uint32_t i = 0; i < 100000; i++) {
        make_key(&key, i);
        uint32_t h = flow_hash(&key, 0);
        if (emc_probabilistic_insert(fx->cache, &key, h, &fx->flows[2], 100)) {
            inserted++;
            assert_ptr_equal(emc_lookup(fx->cache, &key, h), &fx->flows[2]);
        }
    }
    assert_in_range(inserted, 690, 1310);
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
        cmocka_unit_test_setup_teardown(test_empty_cache_misses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_insert_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reinsert_replaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tunnel_keys_not_cached, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pipeline_keys_not_cached, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_way_collision, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_flow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flush, setup, teardown),
        cmocka_unit_test_setup_teardown(test_probabilistic_insert, setup, teardown),
    };
    int rc = cmocka_run_group_tests_name("emc", tests, NULL, NULL);
    rte_eal_cleanup();
    return rc;
}
