/* classifier — tuple-space search over OpenFlow rules with staged lookup. See classifier.h. */
#include "ofproto/classifier.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "pmd/dp-flow.h"

/* ---- Types. ---- */

#define CLS_N_STAGES 4              /* Metadata, L2, L3, L4. */
#define CLS_MIN_BUCKETS 16
#define CLS_MIN_FILTER 64

/* One rule. Nodes with the same masked value in a subtable form a 'same' chain sorted by priority
 * (descending) then order (ascending); only the chain's head is in a bucket list ('next'). */
struct cls_node {
    const struct match *match;
    void *data;
    uint64_t order;
    uint16_t priority;
    uint32_t hash;                          /* Of the masked value, all stages. */
    uint32_t stage_hash[CLS_N_STAGES - 1];  /* Of the masked value up to each stage. */
    struct cls_node *next;                  /* Heads only: next head in the bucket. */
    struct cls_node *same;                  /* Next (worse) rule with the same value. */
    uint64_t values[];                      /* The masked value's words, in the subtable's
                                               words[] order: compared without touching the
                                               caller's match (one cache miss less). */
};

/* All rules with one mask. Invariants: words[0..n_words) are the indexes of the mask's nonzero
 * words, in stage order, and words[0..stage_end[k]) those of stages 0..k; filter[k][i] counts the
 * rules whose stage-k hash maps to slot i; max_priority is the highest priority held and n_max
 * the number of rules at it. */
struct cls_subtable {
    struct flow mask;
    uint8_t n_words;
    uint8_t words[FLOW_U64S];
    uint8_t stage_end[CLS_N_STAGES];
    struct cls_node **buckets;
    size_t n_buckets;                       /* Power of 2. */
    size_t n_heads;                         /* Distinct masked values. */
    size_t n_rules;
    uint32_t *filter[CLS_N_STAGES - 1];
    size_t filter_size;                     /* Power of 2. */
    uint16_t max_priority;
    size_t n_max;
};

/* Invariant: subtables[] is sorted by max_priority, highest first; none is empty. */
struct classifier {
    struct cls_subtable **subtables;
    size_t n_subtables, alloc_subtables;
    size_t n_rules;
};

/* ---- Stages. ---- */

_Static_assert(offsetof(struct flow, dl_dst) % 8 == 0, "L2 starts a word");
_Static_assert(offsetof(struct flow, nw_src_be) % 8 == 0, "L3 starts a word");
_Static_assert(offsetof(struct flow, tp_src_be) % 8 == 0, "L4 starts a word");
_Static_assert(offsetof(struct flow, arp_sha) % 8 == 0, "L4 is one word");
_Static_assert(offsetof(struct flow, regs) % 8 == 0, "metadata again from regs");

static int
word_stage(size_t w)
{
    size_t ofs = w * 8;
    if (ofs >= offsetof(struct flow, dl_dst) && ofs < offsetof(struct flow, nw_src_be)) {
        return 1;
    }
    if (ofs >= offsetof(struct flow, tp_src_be) && ofs < offsetof(struct flow, arp_sha)) {
        return 3;
    }
    if (ofs >= offsetof(struct flow, nw_src_be) && ofs < offsetof(struct flow, regs)) {
        return 2;
    }
    return 0;           /* in_port, recirc_id, metadata, registers, tunnel. */
}

/* Hashes VALUE & the subtable's mask: the full hash in *HASH and the per-stage ones in STAGES. */
static void
hash_value(const struct cls_subtable *st, const struct flow *value, uint32_t *hash,
           uint32_t stages[CLS_N_STAGES - 1])
{
    const uint64_t *v = flow_u64(value), *m = flow_u64(&st->mask);
    uint32_t h = 0;
    size_t i = 0;

    for (int k = 0; k < CLS_N_STAGES; k++) {
        for (; i < st->stage_end[k]; i++) {
            h = dp_hash_u64(h, v[st->words[i]] & m[st->words[i]]);
        }
        if (k < CLS_N_STAGES - 1) {
            stages[k] = dp_hash_finish(h ^ (uint32_t) k);
        }
    }
    *hash = dp_hash_finish(h);
}

/* Whether node N holds the (already masked) value VALUE. */
static bool
node_has_value(const struct cls_subtable *st, const struct cls_node *n, const struct flow *value)
{
    const uint64_t *v = flow_u64(value);
    for (size_t i = 0; i < st->n_words; i++) {
        if (n->values[i] != v[st->words[i]]) {
            return false;
        }
    }
    return true;
}

/* Whether node A ranks before B (higher priority; lower order among equals). */
static bool
node_better(const struct cls_node *a, const struct cls_node *b)
{
    return a->priority > b->priority || (a->priority == b->priority && a->order < b->order);
}

/* ---- Subtables. ---- */

static struct cls_subtable *
subtable_create(const struct flow *mask)
{
    struct cls_subtable *st = xzalloc(sizeof *st);
    const uint64_t *m = flow_u64(mask);

    st->mask = *mask;
    for (int k = 0; k < CLS_N_STAGES; k++) {
        for (size_t w = 0; w < FLOW_U64S; w++) {
            if (m[w] && word_stage(w) == k) {
                st->words[st->n_words++] = (uint8_t) w;
            }
        }
        st->stage_end[k] = st->n_words;
    }
    st->n_buckets = CLS_MIN_BUCKETS;
    st->buckets = xzalloc(st->n_buckets * sizeof *st->buckets);
    st->filter_size = CLS_MIN_FILTER;
    for (int k = 0; k < CLS_N_STAGES - 1; k++) {
        st->filter[k] = xzalloc(st->filter_size * sizeof *st->filter[k]);
    }
    return st;
}

static void
subtable_destroy(struct cls_subtable *st)
{
    for (size_t b = 0; b < st->n_buckets; b++) {
        for (struct cls_node *h = st->buckets[b], *hn; h; h = hn) {
            hn = h->next;
            for (struct cls_node *n = h, *nn; n; n = nn) {
                nn = n->same;
                free(n);
            }
        }
    }
    for (int k = 0; k < CLS_N_STAGES - 1; k++) {
        free(st->filter[k]);
    }
    free(st->buckets);
    free(st);
}

/* Calls CB(ST, node) for every rule of ST. */
static void
subtable_foreach(struct cls_subtable *st, void (*cb)(struct cls_subtable *, struct cls_node *))
{
    for (size_t b = 0; b < st->n_buckets; b++) {
        for (struct cls_node *h = st->buckets[b]; h; h = h->next) {
            for (struct cls_node *n = h; n; n = n->same) {
                cb(st, n);
            }
        }
    }
}

static void
filter_add(struct cls_subtable *st, struct cls_node *n)
{
    for (int k = 0; k < CLS_N_STAGES - 1; k++) {
        st->filter[k][n->stage_hash[k] & (st->filter_size - 1)]++;
    }
}

/* Keeps the filters at least twice as large as the rule count (few false positives). Returns
 * true if it rebuilt them (counting every rule linked in ST). */
static bool
filter_grow(struct cls_subtable *st, size_t n_rules)
{
    if (n_rules * 2 <= st->filter_size) {
        return false;
    }
    while (n_rules * 2 > st->filter_size) {
        st->filter_size *= 2;
    }
    for (int k = 0; k < CLS_N_STAGES - 1; k++) {
        free(st->filter[k]);
        st->filter[k] = xzalloc(st->filter_size * sizeof *st->filter[k]);
    }
    subtable_foreach(st, filter_add);
    return true;
}

/* Keeps at most one head per bucket on average. */
static void
buckets_grow(struct cls_subtable *st)
{
    if (st->n_heads <= st->n_buckets) {
        return;
    }
    size_t n = st->n_buckets * 2;
    struct cls_node **b = xzalloc(n * sizeof *b);
    for (size_t i = 0; i < st->n_buckets; i++) {
        for (struct cls_node *h = st->buckets[i], *hn; h; h = hn) {
            hn = h->next;
            h->next = b[h->hash & (n - 1)];
            b[h->hash & (n - 1)] = h;
        }
    }
    free(st->buckets);
    st->buckets = b;
    st->n_buckets = n;
}

/* The chain head for VALUE (hash HASH), and the link pointing at it. */
static struct cls_node *
find_head(const struct cls_subtable *st, const struct flow *value, uint32_t hash,
          struct cls_node ***linkp)
{
    struct cls_node **link = &st->buckets[hash & (st->n_buckets - 1)];
    for (; *link; link = &(*link)->next) {
        if ((*link)->hash == hash && node_has_value(st, *link, value)) {
            if (linkp) {
                *linkp = link;
            }
            return *link;
        }
    }
    return NULL;
}

/* Recomputes max_priority and n_max (after the last rule at the maximum left). */
static void
rescan_max(struct cls_subtable *st)
{
    st->max_priority = 0;
    st->n_max = 0;
    for (size_t b = 0; b < st->n_buckets; b++) {
        for (struct cls_node *h = st->buckets[b]; h; h = h->next) {
            if (!st->n_max || h->priority > st->max_priority) {     /* Heads are chain bests. */
                st->max_priority = h->priority;
                st->n_max = 0;
            }
            for (struct cls_node *n = h; n && n->priority == st->max_priority; n = n->same) {
                st->n_max++;
            }
        }
    }
}

/* ---- Classifier. ---- */

static void
sort_subtables(struct classifier *cls)
{
    for (size_t i = 1; i < cls->n_subtables; i++) {
        struct cls_subtable *st = cls->subtables[i];
        size_t j = i;
        while (j > 0 && cls->subtables[j - 1]->max_priority < st->max_priority) {
            cls->subtables[j] = cls->subtables[j - 1];
            j--;
        }
        cls->subtables[j] = st;
    }
}

static struct cls_subtable *
find_subtable(const struct classifier *cls, const struct flow *mask, size_t *idx)
{
    for (size_t i = 0; i < cls->n_subtables; i++) {
        if (!memcmp(&cls->subtables[i]->mask, mask, sizeof *mask)) {
            if (idx) {
                *idx = i;
            }
            return cls->subtables[i];
        }
    }
    return NULL;
}

struct classifier *
classifier_create(void)
{
    return xzalloc(sizeof(struct classifier));
}

void
classifier_destroy(struct classifier *cls)
{
    if (!cls) {
        return;
    }
    for (size_t i = 0; i < cls->n_subtables; i++) {
        subtable_destroy(cls->subtables[i]);
    }
    free(cls->subtables);
    free(cls);
}

int
classifier_insert(struct classifier *cls, const struct match *match, uint16_t priority,
                  uint64_t order, void *data)
{
    struct cls_subtable *st = find_subtable(cls, &match->wc, NULL);
    if (!st) {
        st = subtable_create(&match->wc);
        if (cls->n_subtables == cls->alloc_subtables) {
            cls->alloc_subtables = cls->alloc_subtables ? 2 * cls->alloc_subtables : 8;
            cls->subtables = xrealloc(cls->subtables,
                                      cls->alloc_subtables * sizeof *cls->subtables);
        }
        cls->subtables[cls->n_subtables++] = st;
    }

    struct cls_node *n = xzalloc(sizeof *n + st->n_words * sizeof n->values[0]);
    for (size_t i = 0; i < st->n_words; i++) {
        n->values[i] = flow_u64(&match->flow)[st->words[i]];
    }
    n->match = match;
    n->data = data;
    n->order = order;
    n->priority = priority;
    hash_value(st, &match->flow, &n->hash, n->stage_hash);

    struct cls_node **link;
    struct cls_node *head = find_head(st, &match->flow, n->hash, &link);
    if (head) {
        for (struct cls_node *x = head; x; x = x->same) {
            if (x->priority == priority && x->order == order) {
                free(n);
                return -EEXIST;
            }
        }
        if (node_better(n, head)) {             /* N becomes the head. */
            n->same = head;
            n->next = head->next;
            head->next = NULL;
            *link = n;
        } else {
            struct cls_node *p = head;
            while (p->same && node_better(p->same, n)) {
                p = p->same;
            }
            n->same = p->same;
            p->same = n;
        }
    } else {
        struct cls_node **b = &st->buckets[n->hash & (st->n_buckets - 1)];
        n->next = *b;
        *b = n;
        st->n_heads++;
        buckets_grow(st);
    }
    st->n_rules++;
    cls->n_rules++;
    if (!filter_grow(st, st->n_rules)) {      /* A rebuild counted N already. */
        filter_add(st, n);
    }
    if (st->n_rules == 1 || priority > st->max_priority) {
        st->max_priority = priority;
        st->n_max = 1;
        sort_subtables(cls);
    } else if (priority == st->max_priority) {
        st->n_max++;
    }
    return 0;
}

void *
classifier_remove(struct classifier *cls, const struct match *match, uint16_t priority,
                  uint64_t order)
{
    size_t idx;
    struct cls_subtable *st = find_subtable(cls, &match->wc, &idx);
    if (!st) {
        return NULL;
    }
    uint32_t hash, stages[CLS_N_STAGES - 1];
    hash_value(st, &match->flow, &hash, stages);
    struct cls_node **link;
    struct cls_node *head = find_head(st, &match->flow, hash, &link);
    if (!head) {
        return NULL;
    }
    struct cls_node *n = head, *prev = NULL;
    while (n && !(n->priority == priority && n->order == order)) {
        prev = n;
        n = n->same;
    }
    if (!n) {
        return NULL;
    }
    if (prev) {
        prev->same = n->same;
    } else if (n->same) {                       /* The next in the chain becomes the head. */
        n->same->next = n->next;
        *link = n->same;
    } else {
        *link = n->next;
        st->n_heads--;
    }
    for (int k = 0; k < CLS_N_STAGES - 1; k++) {
        st->filter[k][n->stage_hash[k] & (st->filter_size - 1)]--;
    }
    void *data = n->data;
    free(n);
    st->n_rules--;
    cls->n_rules--;
    if (!st->n_rules) {
        subtable_destroy(st);
        memmove(&cls->subtables[idx], &cls->subtables[idx + 1],
                (cls->n_subtables - idx - 1) * sizeof *cls->subtables);
        cls->n_subtables--;
    } else if (priority == st->max_priority && !--st->n_max) {
        rescan_max(st);
        sort_subtables(cls);
    }
    return data;
}

void *
classifier_find_exact(const struct classifier *cls, const struct match *match, uint16_t priority)
{
    const struct cls_subtable *st = find_subtable(cls, &match->wc, NULL);
    if (!st) {
        return NULL;
    }
    uint32_t hash, stages[CLS_N_STAGES - 1];
    hash_value(st, &match->flow, &hash, stages);
    for (const struct cls_node *n = find_head(st, &match->flow, hash, NULL); n; n = n->same) {
        if (n->priority == priority) {
            return n->data;
        }
    }
    return NULL;
}

/* ORs the mask words words[0..END) of ST into WC. */
static inline void
unwildcard(const struct cls_subtable *st, size_t end, struct flow *wc)
{
    uint64_t *w = (uint64_t *) wc;
    const uint64_t *m = flow_u64(&st->mask);
    for (size_t i = 0; i < end; i++) {
        w[st->words[i]] |= m[st->words[i]];
    }
}

void *
classifier_lookup(const struct classifier *cls, const struct flow *flow, struct flow *wc)
{
    const struct cls_node *best = NULL;
    const uint64_t *f = flow_u64(flow);
    struct flow scratch;

    if (!wc) {
        wc = &scratch;
    }
    for (size_t s = 0; s < cls->n_subtables; s++) {
        const struct cls_subtable *st = cls->subtables[s];
        if (best && best->priority > st->max_priority) {
            break;              /* Nothing further on can win: look no further. */
        }
        /* Hash every stage first (registers only), then touch the filters and the bucket at
         * once, so that their cache misses overlap instead of following each other. */
        const uint64_t *m = flow_u64(&st->mask);
        uint64_t key[FLOW_U64S];
        uint32_t stage_hash[CLS_N_STAGES - 1];
        uint32_t h = 0;
        size_t i = 0;
        for (int k = 0; k < CLS_N_STAGES; k++) {
            for (; i < st->stage_end[k]; i++) {
                key[i] = f[st->words[i]] & m[st->words[i]];
                h = dp_hash_u64(h, key[i]);
            }
            if (k < CLS_N_STAGES - 1) {
                stage_hash[k] = dp_hash_finish(h ^ (uint32_t) k) & (st->filter_size - 1);
                __builtin_prefetch(&st->filter[k][stage_hash[k]]);
            }
        }
        uint32_t hash = dp_hash_finish(h);
        struct cls_node *const *bucket = &st->buckets[hash & (st->n_buckets - 1)];
        __builtin_prefetch(bucket);

        int k;
        for (k = 0; k < CLS_N_STAGES - 1; k++) {
            /* A stage with no words of this mask has nothing to rule out. */
            bool empty = st->stage_end[k] == (k ? st->stage_end[k - 1] : 0);
            if (!empty && !st->filter[k][stage_hash[k]]) {
                break;          /* No rule here has this value up to stage K. */
            }
        }
        if (k < CLS_N_STAGES - 1) {
            unwildcard(st, st->stage_end[k], wc);
            continue;
        }
        unwildcard(st, st->n_words, wc);
        for (const struct cls_node *n = *bucket; n; n = n->next) {
            if (n->hash != hash) {
                continue;
            }
            size_t j;
            for (j = 0; j < st->n_words && key[j] == n->values[j]; j++) {
                continue;
            }
            if (j == st->n_words) {
                if (!best || node_better(n, best)) {
                    best = n;
                }
                break;
            }
        }
    }
    return best ? best->data : NULL;
}

size_t
classifier_count(const struct classifier *cls)
{
    return cls->n_rules;
}

size_t
classifier_n_subtables(const struct classifier *cls)
{
    return cls->n_subtables;
}
