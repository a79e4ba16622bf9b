/*
 * dpcls — the megaflow classifier: a per-PMD-thread set of megaflows (struct dp_flow, each a masked
 * key plus actions), searched by tuple space search. Consulted after the EMC (pmd/emc.h) misses and
 * before an upcall to the OpenFlow pipeline.
 *
 * Design. Every distinct mask gets one subtable: an rte_hash whose keys are flow keys ANDed with
 * that mask, in compact form (only the words the mask touches, packed; see dpcls.c) and whose
 * data is the dp_flow. Looking up a packet key K means, for each subtable S in rank order, probing
 * S for K & S.mask; the first hit wins. A batch of keys is probed together per subtable (rte_hash_lookup_with_hash_bulk_data),
 * and only the keys still unmatched go on to the next subtable, so the common case — most traffic
 * in one or two subtables — costs one masked copy, one hash and one bucket probe per packet.
 * A subtable of at most four megaflows (a rule such as in_port=1,actions=output:2 makes one
 * megaflow for any number of packet flows) also keeps a copy of its entries that a lookup
 * compares directly, without rte_hash (whose bulk lookup alone cost about 20 cycles per packet
 * on a table of one entry, docs/performance.md); rte_hash stays the table of record.
 *
 * There are no priorities. That is correct because the datapath installs megaflows that never
 * overlap ambiguously: each megaflow's mask holds every bit the OpenFlow pipeline consulted when it
 * translated the packet the megaflow was made from, so any packet matching two megaflows would have
 * received the same actions from both. Subtables are ranked by hit count
 * (dpcls_sort_subtables(), called periodically) so the busiest one is probed first.
 *
 * Capacity. A subtable starts small and grows (re-created 4x larger, entries moved) when it fills,
 * up to DPCLS_SUBTABLE_MAX_FLOWS; it uses extendable buckets, so an insert fails only on real lack
 * of memory. Growth moves every flow of that subtable within the one dpcls_insert() call (as OVS's
 * cmap expansion does): a one-off pause proportional to the subtable's size, at most a few times
 * over its life (1k -> 4k -> 16k -> 64k -> 256k...). A subtable is freed when its last flow is
 * removed. Memory comes from the DPDK heap of the classifier's NUMA socket (rte_zmalloc_socket,
 * rte_hash), so the EAL must be initialized; an rte_hash costs roughly 200 bytes per slot.
 *
 * Ownership. The classifier does not own its dp_flows: it stores pointers. dp_flow.dpcls_priv and
 * dp_flow.dpcls_data are the classifier's while a flow is inserted. A flow must be removed
 * (dpcls_remove or dpcls_flush) before it is freed.
 *
 * Thread-safety: none (single writer, single reader). A classifier belongs to one PMD thread, which
 * is the only thread that may call any function here, including dpcls_foreach() and dpcls_count();
 * other threads that want a flow dump must ask that PMD (or stop it) rather than read concurrently.
 * Creation and destruction take DPDK's global memzone/tailq locks and are for the slow path.
 */
#ifndef UVS_DPCLS_H
#define UVS_DPCLS_H 1

#include <stddef.h>
#include <stdint.h>

#include "pmd/dp-flow.h"
#include "pmd/flow.h"

struct dpcls;

#define DPCLS_MAX_BATCH 32                    /* Keys per dpcls_lookup() call. */
#define DPCLS_SUBTABLE_MIN_FLOWS 1024u        /* Initial capacity of a subtable. */
#define DPCLS_SUBTABLE_MAX_FLOWS (1u << 22)   /* Largest subtable (4M flows). */

/* Creates an empty classifier whose memory lives on NUMA socket SOCKET_ID (or SOCKET_ID_ANY).
 * NAME_PREFIX (up to 10 characters are used; e.g. "pmd3") prefixes the names of its rte_hash
 * tables, which are made unique in the process with a counter. Requires an initialized EAL.
 * Returns NULL and sets errno: ENOMEM. */
struct dpcls *dpcls_create(int socket_id, const char *name_prefix);

/* Frees the classifier and its subtables (NULL is a no-op). Flows still inserted are forgotten,
 * not freed: call dpcls_flush() first to get them back. */
void dpcls_destroy(struct dpcls *);

/* Inserts FLOW, keyed by FLOW->key & FLOW->mask, into the subtable for FLOW->mask (created if
 * needed). FLOW must stay valid until removed. Returns 0, or a negative errno:
 *   -EEXIST  a flow with the same mask and masked key is already present (FLOW is not inserted);
 *   -ENOSPC  the subtable or its growth could not be allocated, or it holds
 *            DPCLS_SUBTABLE_MAX_FLOWS flows already. */
int dpcls_insert(struct dpcls *, struct dp_flow *flow);

/* Removes FLOW, which must have been inserted into this classifier (else this is a no-op). Frees
 * its subtable if it was the last flow with its mask. Does not free FLOW. */
void dpcls_remove(struct dpcls *, struct dp_flow *flow);

/* Removes every flow and hands each to FREE_CB(flow, AUX) (which may free it; FREE_CB may be
 * NULL). FREE_CB must not call back into this classifier. Frees all subtables. */
void dpcls_flush(struct dpcls *, void (*free_cb)(struct dp_flow *, void *aux), void *aux);

/* Classifies the N packet keys KEYS[0..N-1] (N <= DPCLS_MAX_BATCH; larger N is handled in chunks).
 * For each i, FLOWS[i] is set to the matching megaflow or NULL. Increments the hit counter of the
 * subtable that matched. Returns the number of keys matched. Hot path. */
unsigned dpcls_lookup(struct dpcls *, const struct flow *keys[], unsigned n,
                      struct dp_flow *flows[]);

/* Returns the number of subtables probed to find the hits of dpcls_lookup() calls since the previous
 * call (a hit in the first subtable counts 1, in the third 3) and resets it: divided by the hits,
 * OVS's "avg. subtable lookups per megaflow hit". */
uint64_t dpcls_take_hit_probes(struct dpcls *);

/* Re-ranks the subtables by hits since the previous call, most hits first, then resets the
 * counters. O(S log S) for S subtables; call it periodically (OVS: about once a second). */
void dpcls_sort_subtables(struct dpcls *);

/* Number of flows inserted. */
size_t dpcls_count(const struct dpcls *);

/* Number of subtables (distinct masks). */
size_t dpcls_n_subtables(const struct dpcls *);

/* Calls CB(flow, AUX) for every inserted flow, subtable by subtable. CB must not insert into or
 * remove from this classifier (collect the flows and remove them afterwards). */
void dpcls_foreach(struct dpcls *, void (*cb)(struct dp_flow *, void *aux), void *aux);

#endif
