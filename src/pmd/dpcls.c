/*
 * dpcls — megaflow classifier (tuple space search over rte_hash subtables). See pmd/dpcls.h for the
 * design, capacity rules and threading rules.
 */
#include "pmd/dpcls.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_hash.h>
#include <rte_malloc.h>

/* ---------------------------------------------------------------------------------------------- */
/* Types.                                                                                          */

#define DPCLS_PREFIX_MAX 10   /* "prefix_xxxxxxxx" + rte_hash's "HT_EXT_" fits RTE_RING_NAMESIZE. */

/* Compact keys: a subtable's rte_hash key is not the whole masked struct flow (136 bytes) but only
 * the words of it where the mask is nonzero, ANDed with the mask, packed, zero-padded to a multiple
 * of 16 bytes (so rte_hash uses its vector compare for 16..128-byte keys). A megaflow that matches
 * in_port only has a 16-byte key; an exact L3/L4 one 48 bytes. The hash is dp_hash_u64() over the
 * packed words. Measured: see docs/performance.md. */
#define DPCLS_KEY_U64S (FLOW_U64S + (FLOW_U64S & 1))

#define DPCLS_SMALL_FLOWS 4           /* Subtables this small skip rte_hash on lookup (below). */

/* One mask's flows. Invariants: n_flows == rte_hash_count(hash) <= capacity; n_flows > 0 except
 * transiently inside dpcls_insert(); every key in 'hash' is the compact form (above) of a flow's
 * key & mask; words[0..n_words-1] are the indexes of the nonzero words of 'mask', ascending. */
struct dpcls_subtable {
    uint8_t n_words;                  /* Nonzero mask words. */
    uint8_t key_u64s;                 /* Compact key length in words (even, >= 2). */
    uint8_t words[FLOW_U64S];         /* Their indexes in struct flow. */
    uint64_t mwords[FLOW_U64S];       /* The mask's value at each of them. */
    struct flow mask;                 /* Bits significant for every flow of this subtable. */
    struct rte_hash *hash;            /* Compact masked key -> struct dp_flow *. */
    uint32_t n_flows;
    uint32_t capacity;                /* Entries 'hash' was created with. */
    uint64_t hits;                    /* Lookups matched since the last dpcls_sort_subtables(). */
    /* While the subtable holds at most DPCLS_SMALL_FLOWS flows (small_ok), a copy of its
     * entries that a lookup compares directly instead of calling rte_hash, whose bulk lookup
     * costs about 20 cycles per packet even on a table of one (docs/performance.md). */
    bool small_ok;                    /* small_*[0..n_flows-1] are exactly 'hash''s entries. */
    uint32_t small_hash[DPCLS_SMALL_FLOWS];
    struct dp_flow *small_flow[DPCLS_SMALL_FLOWS];
    uint64_t small_key[DPCLS_SMALL_FLOWS][DPCLS_KEY_U64S];
};

/* Invariants: subtables[0..n_subtables-1] are distinct masks, in rank order; n_flows is the sum of
 * their n_flows. */
struct dpcls {
    struct dpcls_subtable **subtables;
    size_t n_subtables;
    size_t allocated;
    size_t n_flows;
    uint64_t hit_probes;              /* Subtables probed for the hits (see dpcls_take_hit_probes). */
    int socket_id;
    char prefix[DPCLS_PREFIX_MAX + 1];
};

/* rte_hash names are global to the process: every table gets a fresh number. */
static atomic_uint dpcls_hash_counter;

/* ---------------------------------------------------------------------------------------------- */
/* Private helpers.                                                                                */

/* Hash of a compact key of N words. */
static inline uint32_t
dpcls_hash_words(const uint64_t *w, unsigned n)
{
    uint32_t a = 0, b = 0x9e3779b9u;
    unsigned i = 0;
    for (; i + 1 < n; i += 2) {
        a = dp_hash_u64(a, w[i]);
        b = dp_hash_u64(b, w[i + 1]);
    }
    if (i < n) {
        a = dp_hash_u64(a, w[i]);
    }
    return dp_hash_finish(a ^ (b * 0x9e3779b1u));
}

/* Appends KEY (hash HASH) -> FLOW to ST's small copy, or gives the copy up when it is full. */
static void
dpcls_small_add(struct dpcls_subtable *st, const uint64_t *key, uint32_t hash, struct dp_flow *flow)
{
    unsigned k = st->n_flows;           /* Entries before this one. */
    if (!st->small_ok || k >= DPCLS_SMALL_FLOWS) {
        st->small_ok = false;
        return;
    }
    st->small_hash[k] = hash;
    st->small_flow[k] = flow;
    memcpy(st->small_key[k], key, st->key_u64s * sizeof key[0]);
}

/* Rebuilds ST's small copy from its rte_hash, if it holds at most DPCLS_SMALL_FLOWS flows. */
static void
dpcls_small_rebuild(struct dpcls_subtable *st)
{
    st->small_ok = false;
    if (st->n_flows > DPCLS_SMALL_FLOWS) {
        return;
    }
    const void *key;
    void *data;
    uint32_t next = 0;
    unsigned k = 0;
    while (k < DPCLS_SMALL_FLOWS && rte_hash_iterate(st->hash, &key, &data, &next) >= 0) {
        struct dp_flow *flow = data;
        st->small_hash[k] = flow->dpcls_data;
        st->small_flow[k] = flow;
        memcpy(st->small_key[k], key, st->key_u64s * sizeof(uint64_t));
        k++;
    }
    st->small_ok = k == st->n_flows;
}

/* The flow of ST's small copy whose compact key is KEY (hash HASH), or NULL. */
static inline struct dp_flow *
dpcls_small_lookup(const struct dpcls_subtable *st, const uint64_t *key, uint32_t hash)
{
    for (unsigned k = 0; k < st->n_flows; k++) {
        if (st->small_hash[k] == hash) {
            uint64_t diff = 0;
            for (unsigned j = 0; j < st->key_u64s; j++) {
                diff |= st->small_key[k][j] ^ key[j];
            }
            if (!diff) {
                return st->small_flow[k];
            }
        }
    }
    return NULL;
}

/* rte_hash_function (used only by rte_hash itself: dpcls always passes precomputed hashes). */
static uint32_t
dpcls_hash_key(const void *key, uint32_t key_len, uint32_t init_val)
{
    (void) init_val;
    return dpcls_hash_words(key, key_len / 8);
}

/* Writes the compact form of FLOW & ST's mask to CK (DPCLS_KEY_U64S words) and returns its hash. */
static inline uint32_t
dpcls_compact(const struct dpcls_subtable *st, const struct flow *flow, uint64_t *ck)
{
    /* The same value as dpcls_hash_words(ck, key_u64s) (key_u64s is even), computed from the
     * registers rather than by reading CK back. */
    const uint64_t *w = flow_u64(flow);
    uint32_t a = 0, b = 0x9e3779b9u;
    for (unsigned j = 0; j < st->key_u64s; j += 2) {
        uint64_t x = j < st->n_words ? w[st->words[j]] & st->mwords[j] : 0;
        uint64_t y = j + 1 < st->n_words ? w[st->words[j + 1]] & st->mwords[j + 1] : 0;
        ck[j] = x;
        ck[j + 1] = y;
        a = dp_hash_u64(a, x);
        b = dp_hash_u64(b, y);
    }
    return dp_hash_finish(a ^ (b * 0x9e3779b1u));
}

static struct rte_hash *
dpcls_hash_create(const struct dpcls *cls, const struct dpcls_subtable *st, uint32_t entries)
{
    char name[RTE_HASH_NAMESIZE];
    snprintf(name, sizeof name, "%s_%x", cls->prefix, atomic_fetch_add(&dpcls_hash_counter, 1));
    struct rte_hash_parameters params = {
        .name = name,
        .entries = entries,
        .key_len = st->key_u64s * 8u,
        .hash_func = dpcls_hash_key,
        .hash_func_init_val = 0,
        .socket_id = cls->socket_id,
        /* Extendable buckets: an insert fails only when all 'entries' slots are used. */
        .extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
    };
    return rte_hash_create(&params);
}

static bool
mask_equal(const struct flow *a, const struct flow *b)
{
    return !memcmp(a, b, sizeof *a);
}

static struct dpcls_subtable *
dpcls_find_subtable(const struct dpcls *cls, const struct flow *mask)
{
    for (size_t i = 0; i < cls->n_subtables; i++) {
        if (mask_equal(&cls->subtables[i]->mask, mask)) {
            return cls->subtables[i];
        }
    }
    return NULL;
}

static ssize_t
dpcls_subtable_index(const struct dpcls *cls, const struct dpcls_subtable *st)
{
    for (size_t i = 0; i < cls->n_subtables; i++) {
        if (cls->subtables[i] == st) {
            return i;
        }
    }
    return -1;
}

/* Creates an empty subtable for MASK and appends it (lowest rank). Returns NULL on lack of memory. */
static struct dpcls_subtable *
dpcls_create_subtable(struct dpcls *cls, const struct flow *mask)
{
    if (cls->n_subtables == cls->allocated) {
        size_t n = cls->allocated ? cls->allocated * 2 : 8;
        void *p = rte_realloc_socket(cls->subtables, n * sizeof *cls->subtables, 0, cls->socket_id);
        if (!p) {
            return NULL;
        }
        cls->subtables = p;
        cls->allocated = n;
    }
    struct dpcls_subtable *st = rte_zmalloc_socket("uvs_dpcls_subtable", sizeof *st,
                                                   RTE_CACHE_LINE_SIZE, cls->socket_id);
    if (!st) {
        return NULL;
    }
    st->mask = *mask;
    const uint64_t *mw = flow_u64(mask);
    for (unsigned i = 0; i < FLOW_U64S; i++) {
        if (mw[i]) {
            st->words[st->n_words] = (uint8_t) i;
            st->mwords[st->n_words++] = mw[i];
        }
    }
    st->key_u64s = (uint8_t) RTE_MAX(2, (st->n_words + 1) & ~1);
    st->small_ok = true;                /* Empty: the copy is exact. */
    st->capacity = DPCLS_SUBTABLE_MIN_FLOWS;
    st->hash = dpcls_hash_create(cls, st, st->capacity);
    if (!st->hash) {
        rte_free(st);
        return NULL;
    }
    cls->subtables[cls->n_subtables++] = st;
    return st;
}

/* Unlinks subtable number IDX and frees it (its flows are forgotten). */
static void
dpcls_destroy_subtable(struct dpcls *cls, size_t idx)
{
    struct dpcls_subtable *st = cls->subtables[idx];
    memmove(&cls->subtables[idx], &cls->subtables[idx + 1],
            (cls->n_subtables - idx - 1) * sizeof *cls->subtables);
    cls->n_subtables--;
    rte_hash_free(st->hash);
    rte_free(st);
}

/* Moves ST's flows into a table four times larger. Returns 0 or -ENOSPC (ST unchanged). */
static int
dpcls_grow_subtable(struct dpcls *cls, struct dpcls_subtable *st)
{
    if (st->capacity >= DPCLS_SUBTABLE_MAX_FLOWS) {
        return -ENOSPC;
    }
    uint32_t capacity = RTE_MIN(st->capacity * 4, DPCLS_SUBTABLE_MAX_FLOWS);
    struct rte_hash *h = dpcls_hash_create(cls, st, capacity);
    if (!h) {
        return -ENOSPC;
    }
    const void *key;
    void *data;
    uint32_t next = 0;
    while (rte_hash_iterate(st->hash, &key, &data, &next) >= 0) {
        const struct dp_flow *flow = data;
        if (rte_hash_add_key_with_hash_data(h, key, flow->dpcls_data, data) < 0) {
            rte_hash_free(h);
            return -ENOSPC;
        }
    }
    rte_hash_free(st->hash);
    st->hash = h;
    st->capacity = capacity;
    return 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* API.                                                                                            */

struct dpcls *
dpcls_create(int socket_id, const char *name_prefix)
{
    struct dpcls *cls = rte_zmalloc_socket("uvs_dpcls", sizeof *cls, RTE_CACHE_LINE_SIZE,
                                           socket_id);
    if (!cls) {
        errno = ENOMEM;
        return NULL;
    }
    cls->socket_id = socket_id;
    snprintf(cls->prefix, sizeof cls->prefix, "%s", name_prefix && *name_prefix ? name_prefix
                                                                                 : "dpcls");
    return cls;
}

void
dpcls_destroy(struct dpcls *cls)
{
    if (!cls) {
        return;
    }
    while (cls->n_subtables) {
        dpcls_destroy_subtable(cls, cls->n_subtables - 1);
    }
    rte_free(cls->subtables);
    rte_free(cls);
}

int
dpcls_insert(struct dpcls *cls, struct dp_flow *flow)
{
    uint64_t key[DPCLS_KEY_U64S];
    uint32_t hash;

    struct dpcls_subtable *st = dpcls_find_subtable(cls, &flow->mask);
    if (!st) {
        st = dpcls_create_subtable(cls, &flow->mask);
        if (!st) {
            return -ENOSPC;
        }
        hash = dpcls_compact(st, &flow->key, key);
    } else {
        hash = dpcls_compact(st, &flow->key, key);
        if (rte_hash_lookup_with_hash(st->hash, key, hash) >= 0) {
            return -EEXIST;
        }
    }

    int error = 0;
    if (st->n_flows >= st->capacity) {
        error = dpcls_grow_subtable(cls, st);
    }
    if (!error && rte_hash_add_key_with_hash_data(st->hash, key, hash, flow) < 0) {
        error = -ENOSPC;
    }
    if (error) {
        if (!st->n_flows) {
            dpcls_destroy_subtable(cls, dpcls_subtable_index(cls, st));
        }
        return error;
    }
    flow->dpcls_priv = st;
    flow->dpcls_data = hash;
    dpcls_small_add(st, key, hash, flow);
    st->n_flows++;
    cls->n_flows++;
    return 0;
}

void
dpcls_remove(struct dpcls *cls, struct dp_flow *flow)
{
    struct dpcls_subtable *st = flow->dpcls_priv;
    if (!st) {
        return;
    }
    ssize_t idx = dpcls_subtable_index(cls, st);
    if (idx < 0) {
        return;                 /* Not ours. */
    }

    uint64_t key[DPCLS_KEY_U64S];
    uint32_t hash = dpcls_compact(st, &flow->key, key);
    void *data;
    if (rte_hash_lookup_with_hash_data(st->hash, key, hash, &data) < 0 || data != flow) {
        return;                 /* Another flow with the same key, or not inserted. */
    }
    rte_hash_del_key_with_hash(st->hash, key, hash);
    flow->dpcls_priv = NULL;
    st->n_flows--;
    cls->n_flows--;
    if (!st->n_flows) {
        dpcls_destroy_subtable(cls, idx);
    } else if (st->small_ok) {
        for (unsigned k = 0; k <= st->n_flows; k++) {
            if (st->small_flow[k] == flow) {     /* Move the last entry into its place. */
                unsigned last = st->n_flows;
                if (k == last) {
                    break;
                }
                st->small_hash[k] = st->small_hash[last];
                st->small_flow[k] = st->small_flow[last];
                memcpy(st->small_key[k], st->small_key[last], sizeof st->small_key[k]);
                break;
            }
        }
    } else if (st->n_flows <= DPCLS_SMALL_FLOWS) {
        dpcls_small_rebuild(st);
    }
}

void
dpcls_flush(struct dpcls *cls, void (*free_cb)(struct dp_flow *, void *aux), void *aux)
{
    while (cls->n_subtables) {
        struct dpcls_subtable *st = cls->subtables[cls->n_subtables - 1];
        const void *key;
        void *data;
        uint32_t next = 0;
        while (rte_hash_iterate(st->hash, &key, &data, &next) >= 0) {
            struct dp_flow *flow = data;
            flow->dpcls_priv = NULL;
            if (free_cb) {
                free_cb(flow, aux);
            }
        }
        cls->n_flows -= st->n_flows;
        dpcls_destroy_subtable(cls, cls->n_subtables - 1);
    }
}

/* Up to DPCLS_MAX_BATCH keys. */
static unsigned
dpcls_lookup_batch(struct dpcls *cls, const struct flow *keys[], unsigned n,
                   struct dp_flow *flows[])
{
    uint64_t masked[DPCLS_MAX_BATCH][DPCLS_KEY_U64S];
    const void *key_ptrs[DPCLS_MAX_BATCH];
    hash_sig_t sigs[DPCLS_MAX_BATCH];
    void *data[DPCLS_MAX_BATCH];
    uint8_t idx[DPCLS_MAX_BATCH];
    uint32_t unmatched = n == 32 ? UINT32_MAX : (UINT32_C(1) << n) - 1;
    unsigned matched = 0;

    for (size_t s = 0; s < cls->n_subtables && unmatched; s++) {
        struct dpcls_subtable *st = cls->subtables[s];
        unsigned m = 0;
        for (uint32_t todo = unmatched; todo; todo &= todo - 1) {
            unsigned i = __builtin_ctz(todo);
            sigs[m] = dpcls_compact(st, keys[i], masked[m]);
            key_ptrs[m] = masked[m];
            idx[m] = i;
            m++;
        }
        uint64_t hits = 0;
        int n_hits = 0;
        if (st->small_ok) {
            for (unsigned j = 0; j < m; j++) {
                data[j] = dpcls_small_lookup(st, masked[j], sigs[j]);
                if (data[j]) {
                    hits |= UINT64_C(1) << j;
                    n_hits++;
                }
            }
        } else {
            n_hits = rte_hash_lookup_with_hash_bulk_data(st->hash, key_ptrs, sigs, m, &hits, data);
        }
        if (n_hits <= 0) {
            continue;
        }
        st->hits += n_hits;
        matched += n_hits;
        cls->hit_probes += (uint64_t) n_hits * (s + 1);
        for (; hits; hits &= hits - 1) {
            unsigned j = __builtin_ctzll(hits);
            flows[idx[j]] = data[j];
            unmatched &= ~(UINT32_C(1) << idx[j]);
        }
    }
    for (; unmatched; unmatched &= unmatched - 1) {
        flows[__builtin_ctz(unmatched)] = NULL;
    }
    return matched;
}

uint64_t
dpcls_take_hit_probes(struct dpcls *cls)
{
    uint64_t n = cls->hit_probes;
    cls->hit_probes = 0;
    return n;
}

unsigned
dpcls_lookup(struct dpcls *cls, const struct flow *keys[], unsigned n, struct dp_flow *flows[])
{
    unsigned matched = 0;
    for (unsigned done = 0; done < n; done += DPCLS_MAX_BATCH) {
        unsigned chunk = RTE_MIN(n - done, (unsigned) DPCLS_MAX_BATCH);
        matched += dpcls_lookup_batch(cls, keys + done, chunk, flows + done);
    }
    return matched;
}

static int
subtable_cmp_hits(const void *a_, const void *b_)
{
    const struct dpcls_subtable *a = *(const struct dpcls_subtable *const *) a_;
    const struct dpcls_subtable *b = *(const struct dpcls_subtable *const *) b_;
    return a->hits < b->hits ? 1 : a->hits > b->hits ? -1 : 0;
}

void
dpcls_sort_subtables(struct dpcls *cls)
{
    if (cls->n_subtables > 1) {
        qsort(cls->subtables, cls->n_subtables, sizeof *cls->subtables, subtable_cmp_hits);
    }
    for (size_t i = 0; i < cls->n_subtables; i++) {
        cls->subtables[i]->hits = 0;
    }
}

size_t
dpcls_count(const struct dpcls *cls)
{
    return cls->n_flows;
}

size_t
dpcls_n_subtables(const struct dpcls *cls)
{
    return cls->n_subtables;
}

void
dpcls_foreach(struct dpcls *cls, void (*cb)(struct dp_flow *, void *aux), void *aux)
{
    for (size_t s = 0; s < cls->n_subtables; s++) {
        const void *key;
        void *data;
        uint32_t next = 0;
        while (rte_hash_iterate(cls->subtables[s]->hash, &key, &data, &next) >= 0) {
            cb(data, aux);
        }
    }
}
