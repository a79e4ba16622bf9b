/*
 * emc — exact match cache. See pmd/emc.h for the design and the threading rules.
 */
#include "pmd/emc.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_malloc.h>

/* emc_hash() picks words by position: keep it in step with struct flow. */
_Static_assert(EMC_KEY_END_U64 == 15 && offsetof(struct flow, metadata) == 8,
               "the EMC entry's key layout is stale");
_Static_assert(offsetof(struct flow, dl_dst) == 16 && offsetof(struct flow, nw_src_be) == 32
               && offsetof(struct flow, ipv6_src) == 40 && offsetof(struct flow, ipv6_dst) == 56
               && offsetof(struct flow, ipv6_label_be) == 72
               && offsetof(struct flow, tp_src_be) == 80, "emc_hash() word map is stale");

/* ---------------------------------------------------------------------------------------------- */
/* Private helpers.                                                                                */

static inline uint32_t
emc_random(struct emc_cache *cache)
{
    /* xorshift32 (Marsaglia 2003): period 2^32 - 1, state never 0. */
    uint32_t x = cache->prng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    cache->prng = x;
    return x;
}

/* ---------------------------------------------------------------------------------------------- */
/* API.                                                                                            */

struct emc_cache *
emc_create(int socket_id)
{
    struct emc_cache *cache = rte_zmalloc_socket("uvs_emc", sizeof *cache, RTE_CACHE_LINE_SIZE,
                                                 socket_id);
    if (!cache) {
        errno = ENOMEM;
        return NULL;
    }
    emc_init(cache, (uint32_t) rte_rdtsc() ^ (uint32_t) (uintptr_t) cache);
    return cache;
}

void
emc_destroy(struct emc_cache *cache)
{
    rte_free(cache);
}

void
emc_init(struct emc_cache *cache, uint32_t seed)
{
    cache->prng = seed ? seed : 0x9e3779b9u;
}

bool
emc_key_ok(const struct flow *key)
{
    const uint64_t *w = flow_u64(key);
    uint64_t any = w[1];
    for (size_t i = EMC_KEY_END_U64; i < FLOW_U64S; i++) {
        any |= w[i];
    }
    return !any;
}

struct dp_flow *
emc_lookup(const struct emc_cache *cache, const struct flow *key, uint32_t hash)
{
    return emc_key_ok(key) ? emc_lookup_rx(cache, key, hash) : NULL;
}

void
emc_insert(struct emc_cache *cache, const struct flow *key, uint32_t hash, struct dp_flow *flow)
{
    struct emc_entry *a = &cache->entries[hash & EMC_MASK];
    struct emc_entry *b = &cache->entries[(hash >> EMC_SHIFT) & EMC_MASK];
    struct emc_entry *victim;

    if (!emc_key_ok(key)) {
        return;             /* Never cached: the entry does not store those words. */
    }
    if (emc_entry_matches(a, key, hash)) {
        a->flow = flow;
        return;
    }
    if (emc_entry_matches(b, key, hash)) {
        b->flow = flow;
        return;
    }
    if (!a->flow) {
        victim = a;
    } else if (!b->flow) {
        victim = b;
    } else {
        victim = emc_random(cache) & 1 ? b : a;
    }
    if (!victim->flow) {
        cache->n_entries++;
    }
    victim->flow = flow;
    victim->hash = hash;
    const uint64_t *w = flow_u64(key);
    memcpy(victim->key, &w[2], (EMC_KEY_U64S - 1) * sizeof w[0]);
    victim->key[EMC_KEY_U64S - 1] = w[0];
}

bool
emc_probabilistic_insert(struct emc_cache *cache, const struct flow *key, uint32_t hash,
                         struct dp_flow *flow, uint32_t inv_prob)
{
    if (inv_prob == 0) {
        return false;
    }
    /* P(random <= UINT32_MAX / inv_prob) = (floor(UINT32_MAX / inv_prob) + 1) / 2^32 ~ 1/inv_prob;
     * inv_prob 1 always passes. */
    if (inv_prob > 1 && emc_random(cache) > UINT32_MAX / inv_prob) {
        return false;
    }
    emc_insert(cache, key, hash, flow);
    return true;
}

unsigned
emc_remove_flow(struct emc_cache *cache, const struct dp_flow *flow)
{
    unsigned n = 0;
    for (unsigned i = 0; i < EMC_ENTRIES; i++) {
        if (cache->entries[i].flow == flow && flow) {
            cache->entries[i].flow = NULL;
            n++;
        }
    }
    cache->n_entries -= n;
    return n;
}

unsigned
emc_remove_dead(struct emc_cache *cache)
{
    unsigned n = 0;
    for (unsigned i = 0; i < EMC_ENTRIES; i++) {
        if (cache->entries[i].flow && cache->entries[i].flow->dead) {
            cache->entries[i].flow = NULL;
            n++;
        }
    }
    cache->n_entries -= n;
    return n;
}

void
emc_flush(struct emc_cache *cache)
{
    for (unsigned i = 0; i < EMC_ENTRIES; i++) {
        cache->entries[i].flow = NULL;
    }
    cache->n_entries = 0;
}
