/*
 * classifier — the OpenFlow flow table's lookup index: a tuple-space classifier over rules with
 * arbitrary bitwise masks and priorities, which also says which bits of the packet it consulted
 * (the megaflow wildcards).
 *
 * Design (as OVS's lib/classifier.c, without its RCU and prefix tries):
 *   - One subtable per distinct mask. A subtable is a hash table of the rules' masked values; rules
 *     with the same mask and value (at different priorities) share a node chain, best first.
 *   - Subtables are kept sorted by the highest priority they hold. A lookup probes them in that
 *     order and stops as soon as the best match found so far outranks every rule of the next
 *     subtable (max-priority early exit), so a high-priority hit in the first subtable costs one
 *     probe whatever the table size.
 *   - Staged lookup. A subtable's mask words are split into four stages — metadata (in_port,
 *     metadata, registers, tunnel), L2, L3 (IPv4/IPv6/ARP/ND), L4 — and for each stage but the last
 *     the subtable keeps a counting filter of the hashes of its rules' values up to that stage.
 *     The hash is computed stage by stage; when the filter says no rule has the packet's value up
 *     to stage K, the subtable cannot match and the lookup moves on.
 *
 * Wildcards (the megaflow mask must stay sound). For every subtable probed, the lookup ORs into WC:
 *   - on a match, or a miss found only by the final hash probe: the subtable's whole mask;
 *   - on a miss found by the stage-K filter: the subtable's mask bits of stages 0..K only.
 * Either set is enough to rule the subtable's rules in or out for every packet that agrees with
 * the looked-up one on those bits (the filter's answer depends only on them; a filter false
 * positive merely goes on to consult more bits). Subtables skipped by the early exit hold only
 * rules that could not win, whatever the packet. So every packet agreeing with FLOW on WC gets the
 * same rule. This keeps a TCP megaflow from matching on tp_dst because of a "udp,tp_dst=53" rule.
 *
 * Ties: among matching rules of the same priority, the one with the lowest ORDER wins (ofproto
 * passes the rule id, which grows with insertion: the first inserted wins, as its linear scan did).
 *
 * Ownership: the classifier keeps the MATCH pointer and DATA given to classifier_insert(); both
 * must stay valid (and MATCH unchanged) until classifier_remove(). Matches must be normalized
 * (value bits outside the mask are zero: match_normalize()).
 *
 * Thread-safety: none of its own. ofproto's mutex protects every call (lookups during upcalls and
 * revalidation, changes by flow-mods).
 */
#ifndef UVS_CLASSIFIER_H
#define UVS_CLASSIFIER_H 1

#include <stddef.h>
#include <stdint.h>

#include "ofproto/ofp-types.h"
#include "pmd/flow.h"

struct classifier;

/* Returns a new, empty classifier (never NULL: aborts on lack of memory, as xmalloc does). */
struct classifier *classifier_create(void);
/* Frees the classifier (NULL is a no-op); the rules' matches and data are not touched. */
void classifier_destroy(struct classifier *);

/* Adds a rule: MATCH (normalized; kept by pointer), PRIORITY (higher wins), ORDER (tie-break
 * among equal priorities: lower wins; unique per rule) and DATA (returned by lookups). Returns 0,
 * or -EEXIST if a rule with the same MATCH, PRIORITY and ORDER is already in (nothing is added). */
int classifier_insert(struct classifier *, const struct match *match, uint16_t priority,
                      uint64_t order, void *data);
/* Removes the rule added with exactly this MATCH (equal content), PRIORITY and ORDER. Returns its
 * DATA, or NULL if there is no such rule. */
void *classifier_remove(struct classifier *, const struct match *match, uint16_t priority,
                        uint64_t order);

/* Returns the DATA of the rule with exactly MATCH (equal content) and PRIORITY (the lowest ORDER if
 * several), or NULL. Costs one subtable search and one hash probe. */
void *classifier_find_exact(const struct classifier *, const struct match *match,
                            uint16_t priority);

/* Returns the DATA of the highest-priority rule matching FLOW (lowest ORDER among equals), or
 * NULL, and ORs into *WC the bits consulted (see above). WC may be NULL. */
void *classifier_lookup(const struct classifier *, const struct flow *flow, struct flow *wc);

/* Number of rules, and of subtables (distinct masks). */
size_t classifier_count(const struct classifier *);
size_t classifier_n_subtables(const struct classifier *);

#endif
