/*
 * emc — the exact match cache: a per-PMD-thread cache from a packet's full flow key to the megaflow
 * (struct dp_flow) that matched it, consulted before the megaflow classifier (pmd/dpcls.h).
 *
 * Design (as in OVS's dpif-netdev EMC): EMC_ENTRIES slots, two-way associative. A key with 32-bit
 * hash H may live in slot (H & EMC_MASK) or slot ((H >> EMC_SHIFT) & EMC_MASK); a lookup compares
 * at most two entries (hash first, then the key). An insert reuses the entry that already holds
 * the key, else an empty candidate, else evicts one of the two candidates (chosen by the cache's
 * PRNG). The cache never allocates after creation and has no lock.
 *
 * Hashes: callers pass the same H for lookup and insert of a key; the datapath uses emc_hash(),
 * a CRC32-C of the words that vary between flows (ingress port, addresses, ports, Ethertype):
 * four instructions instead of hashing all FLOW_U64S words, measured at about a third of the
 * cycles of an EMC hit (docs/performance.md). Keys that differ only elsewhere share a hash and are
 * told apart by the key compare. The cache stores H and the key by value, so the caller's key buffer
 * may be reused as soon as a call returns.
 *
 * Keys: only received packets' keys are cached (emc_key_ok(): metadata, registers and tunnel
 * metadata zero), so an entry stores the 14 other words of the key below the registers (112 of
 * its 232 bytes) and fits two cache lines; a lookup compares those 14 words with SSE4.1 (seven
 * 16-byte compares). The datapath calls the inline emc_lookup_rx() on keys fresh from
 * flow_extract(); emc_lookup() checks emc_key_ok() first.
 *
 * Invariants: an entry with flow == NULL is empty. A non-empty entry's key is exactly the packet key
 * it was inserted with; its flow pointer is valid until the owning PMD removes that flow from this
 * cache (emc_remove_flow() or emc_flush()) — do that before freeing a dp_flow.
 *
 * Bounded work: lookup and insert touch two entries; emc_remove_flow() and emc_flush() walk all
 * EMC_ENTRIES (about 8k pointer checks) and are for the slow path only.
 *
 * Thread-safety: none. A cache belongs to one PMD thread, which is the only caller of every
 * function here (emc_n_entries() may be read racily by others for statistics).
 */
#ifndef UVS_EMC_H
#define UVS_EMC_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __SSE4_1__
#include <smmintrin.h>
#endif

#include <rte_branch_prediction.h>
#include <rte_prefetch.h>

#include "pmd/dp-flow.h"
#include "pmd/flow.h"

#define EMC_ENTRIES 8192u              /* Power of 2. */
#define EMC_MASK (EMC_ENTRIES - 1)
#define EMC_SHIFT 13                   /* log2(EMC_ENTRIES): second way uses the next hash bits. */

/* The key words an entry stores: the key up to the pipeline registers, without the metadata word
 * (w[1]). The words left out -- metadata, regs[] and the tunnel metadata -- are zero in every key
 * the cache holds (emc_key_ok()), so two such keys are equal when these words are. */
#define EMC_KEY_END_U64 (offsetof(struct flow, regs) / 8)     /* First word not stored (15). */
#define EMC_KEY_U64S (EMC_KEY_END_U64 - 1)                     /* Words stored (14). */

/* One entry: two cache lines, the hash and flow pointer in the first (a lookup rejects on the
 * hash without reading on) and 112 bytes of key after them. */
struct emc_entry {
    struct dp_flow *flow;              /* NULL: empty. */
    uint32_t hash;                     /* Caller's hash of the key. */
    uint32_t pad;
    uint64_t key[EMC_KEY_U64S];        /* Key words 2 .. EMC_KEY_END_U64 - 1 at their own offsets
                                          in the key (16 ..), then word 0. */
} __attribute__((aligned(64)));
_Static_assert(sizeof(struct emc_entry) == 128, "an EMC entry is two cache lines");

/* The cache. Public so a PMD can embed it; zeroed memory followed by emc_init() is a valid, empty
 * cache. About 1 MB: allocate from the PMD's NUMA socket (emc_create() does). */
struct emc_cache {
    struct emc_entry entries[EMC_ENTRIES];
    uint32_t n_entries;                /* Non-empty entries. */
    uint32_t prng;                     /* xorshift32 state, never 0. */
};

/* Allocates a zeroed, initialized cache on NUMA socket SOCKET_ID (SOCKET_ID_ANY allowed) with
 * rte_zmalloc_socket(). Requires an initialized EAL. Returns NULL and sets errno = ENOMEM on failure.
 * Free with emc_destroy(). */
struct emc_cache *emc_create(int socket_id);

/* Frees a cache from emc_create() (NULL is a no-op). Does not touch the cached dp_flows. */
void emc_destroy(struct emc_cache *);

/* Initializes a caller-allocated, zeroed cache: seeds its PRNG from SEED (any value). */
void emc_init(struct emc_cache *, uint32_t seed);

/* Whether the cache can hold KEY: its metadata, registers and tunnel metadata are zero, as in
 * every key flow_extract() gives (a received packet's). Others -- recirculated, decapsulated or
 * pipeline keys -- are never cached. */
bool emc_key_ok(const struct flow *key);

/* Returns the flow cached for KEY (whose hash is HASH), or NULL. A key that emc_key_ok() refuses
 * always misses. */
struct dp_flow *emc_lookup(const struct emc_cache *, const struct flow *key, uint32_t hash);

/* emc_lookup() for a KEY straight from flow_extract() (so emc_key_ok(KEY) holds by construction
 * and is not checked): the datapath's hot path, inline. Compares the hash, then the 14 stored key
 * words. Calling it with another key may return a wrong flow. */
static inline struct dp_flow *emc_lookup_rx(const struct emc_cache *, const struct flow *key,
                                            uint32_t hash);

/* Caches FLOW for KEY (hash HASH). FLOW must not be NULL. Replaces an existing entry for KEY,
 * else fills an empty candidate slot, else evicts one of the two candidates. Does nothing for a
 * key with tunnel metadata (the datapath caches received packets only). */
void emc_insert(struct emc_cache *, const struct flow *key, uint32_t hash, struct dp_flow *flow);

/* Calls emc_insert() with probability 1/INV_PROB (a cheap per-cache PRNG; INV_PROB 1 = always,
 * 0 = never), like OVS's emc-insert-inv-prob, so that a flood of new flows cannot thrash the cache.
 * Returns true if it inserted. */
bool emc_probabilistic_insert(struct emc_cache *, const struct flow *key, uint32_t hash,
                              struct dp_flow *flow, uint32_t inv_prob);

/* Empties every entry that points to FLOW. Returns the number of entries emptied. Slow path:
 * walks the whole cache. */
unsigned emc_remove_flow(struct emc_cache *, const struct dp_flow *flow);

/* Empties every entry whose flow has 'dead' set (see dp-flow.h). Returns the number emptied.
 * Slow path: walks the whole cache once, however many flows died. */
unsigned emc_remove_dead(struct emc_cache *);

/* Empties the whole cache. Slow path. */
void emc_flush(struct emc_cache *);

/* Number of non-empty entries. */
static inline unsigned
emc_n_entries(const struct emc_cache *cache)
{
    return cache->n_entries;
}

/* The EMC hash of KEY (see above). */
static inline uint32_t
emc_hash(const struct flow *key)
{
    const uint64_t *w = flow_u64(key);
    /* w[0] in_port|recirc_id, w[2..3] MACs|dl_type|vlan, w[4] IPv4/ARP addresses, w[5..8] IPv6
     * addresses, w[9] label|proto|tos|ttl|frag, w[10] L4 ports|TCP flags. */
    uint32_t a = dp_hash_u64((uint32_t) w[0], w[4] ^ w[9]);
    uint32_t b = dp_hash_u64((uint32_t) (w[0] >> 32), w[10] ^ w[3]);
    a = dp_hash_u64(a, w[5] ^ w[6] ^ w[2]);
    b = dp_hash_u64(b, w[7] ^ w[8]);
    return dp_hash_finish(a ^ (b * 0x9e3779b1u));
}

/* Prefetches the two candidate entries of HASH, both cache lines of each (for use a few packets
 * ahead in a batch). */
static inline void
emc_prefetch(const struct emc_cache *cache, uint32_t hash)
{
    const struct emc_entry *a = &cache->entries[hash & EMC_MASK];
    const struct emc_entry *b = &cache->entries[(hash >> EMC_SHIFT) & EMC_MASK];
    rte_prefetch0(a);
    rte_prefetch0((const char *) a + 64);
    rte_prefetch0(b);
    rte_prefetch0((const char *) b + 64);
}

/* Whether entry E holds KEY (hash HASH), for a key emc_key_ok() accepts. */
static inline bool
emc_entry_matches(const struct emc_entry *e, const struct flow *key, uint32_t hash)
{
    if (e->hash != hash || !e->flow) {
        return false;
    }
    const uint64_t *w = flow_u64(key);
#ifdef __SSE4_1__
    /* Words 2..13 sit at the same 16-byte offsets in the entry and the key: six aligned vector
     * compares, then words 14 and 0 together. */
    const __m128i *x = (const __m128i *) e->key, *y = (const __m128i *) (w + 2);
    __m128i d = _mm_xor_si128(_mm_load_si128(&x[0]), _mm_loadu_si128(&y[0]));
    for (size_t i = 1; i < (EMC_KEY_U64S - 2) / 2; i++) {
        d = _mm_or_si128(d, _mm_xor_si128(_mm_load_si128(&x[i]), _mm_loadu_si128(&y[i])));
    }
    d = _mm_or_si128(d, _mm_xor_si128(_mm_load_si128(&x[(EMC_KEY_U64S - 2) / 2]),
                                      _mm_set_epi64x((long long) w[0],
                                                     (long long) w[EMC_KEY_END_U64 - 1])));
    return _mm_testz_si128(d, d);
#else
    uint64_t diff = e->key[EMC_KEY_U64S - 1] ^ w[0];
    for (size_t i = 0; i < EMC_KEY_U64S - 1; i++) {
        diff |= e->key[i] ^ w[i + 2];
    }
    return !diff;
#endif
}

static inline struct dp_flow *
emc_lookup_rx(const struct emc_cache *cache, const struct flow *key, uint32_t hash)
{
    const struct emc_entry *e = &cache->entries[hash & EMC_MASK];
    if (likely(emc_entry_matches(e, key, hash))) {
        return e->flow;
    }
    e = &cache->entries[(hash >> EMC_SHIFT) & EMC_MASK];
    if (emc_entry_matches(e, key, hash)) {
        return e->flow;
    }
    return NULL;
}

#endif
