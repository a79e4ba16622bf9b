/*
 * dpif-netdev-reval — the revalidator: after an OpenFlow table change, each PMD re-checks its own
 * megaflows instead of flushing them all (see "Cache coherence" in dpif-netdev.h).
 *
 * A pass. dp_netdev_revalidate() moves dp->reval_seq. A PMD notices between batches, snapshots
 * the megaflows whose reval_seq is older (from its dense array into 'reval_flows'), then
 * re-translates at most REVAL_SLICE of them per loop iteration, forwarding in between. For each,
 * the side-effect-free callback translates the megaflow's masked key; dp_flow_revalidate()
 * compares:
 *   - the fresh translation consulted a bit outside the megaflow's mask (a new higher-priority
 *     rule overlaps it, a field now matters), or failed: the megaflow is removed;
 *   - same mask coverage, different actions or rule: the actions are rewritten in place (the
 *     counters so far are credited to the old rule first);
 *   - otherwise it is kept and stamped with the pass's sequence.
 * Removed megaflows leave the classifier at once (a later packet misses and upcalls) but stay in
 * a graveyard until the end of the pass, because EMC entries may still point at them; the pass
 * ends with one emc_remove_dead() sweep, frees the graveyard and publishes pmd->reval_done, which
 * dp_netdev_sync_caches() waits for. Megaflows installed during the pass were translated after
 * the change (they carry a reval_seq read before their upcall) and are not revisited.
 *
 * Why this is sound: a megaflow is kept only if the translation of its masked key consulted no bit
 * outside its mask. Every packet the megaflow matches agrees with the masked key on every bit the
 * translation consulted, so it would get the same actions. Fresh translations therefore never need
 * the packet, and stale megaflows can only be hit before the pass ends, i.e. before the barrier
 * reply (OpenFlow 1.3.5 §6.2 allows that).
 *
 * Bounded work: REVAL_SLICE re-translations per iteration; a PMD holding more than
 * REVAL_FLUSH_ABOVE megaflows flushes instead (a pass would then outlast the barrier's 2 s bound).
 * Aging is skipped while a pass runs (it would free megaflows the pass still holds); a flush
 * (cache generation) aborts the pass, which it makes moot.
 *
 * Thread-safety: everything here runs on the owning PMD thread, except dp_flow_revalidate(),
 * which is pure. The revalidate callback takes the pipeline's lock per call.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "lib/coverage.h"
#include "lib/vlog.h"
#include "pmd/dpcls.h"
#include "pmd/dp-tunnel.h"
#include "pmd/dpif-netdev-private.h"
#include "pmd/emc.h"

VLOG_DEFINE_THIS_MODULE(dpif_netdev_reval);

enum dp_reval_verdict
dp_flow_revalidate(const struct dp_flow *flow, dp_revalidate_cb *cb, void *port_aux,
                   struct dp_upcall_result *res)
{
    memset(&res->wc, 0, sizeof res->wc);
    res->actions.n = 0;
    res->rule_id = 0;
    if (!cb || cb(port_aux, &flow->key, res) || res->actions.n > DP_MAX_ACTIONS) {
        return DP_REVAL_DELETE;
    }
    /* As at install time: the datapath always matches these exactly. */
    res->wc.in_port = UINT32_MAX;
    res->wc.recirc_id = UINT32_MAX;

    const uint64_t *w = flow_u64(&res->wc), *m = flow_u64(&flow->mask);
    for (size_t i = 0; i < FLOW_U64S; i++) {
        if (w[i] & ~m[i]) {
            return DP_REVAL_DELETE;
        }
    }
    if (res->actions.n == flow->n_actions && res->rule_id == flow->rule_id
        && !memcmp(res->actions.a, flow->actions, res->actions.n * sizeof res->actions.a[0])) {
        return DP_REVAL_KEEP;
    }
    return DP_REVAL_UPDATE;
}

bool
dp_flow_update(struct dp_flow *flow, const struct dp_upcall_result *res)
{
    if (res->actions.n > flow->alloc_actions) {
        return false;
    }
    memcpy(flow->actions, res->actions.a, res->actions.n * sizeof flow->actions[0]);
    flow->n_actions = res->actions.n;
    flow->output_only = dp_actions_output_only(res->actions.a, res->actions.n);
    flow->rule_id = res->rule_id;
    /* A new rule starts from zero: what the old one was credited stays with it. */
    flow->pushed_packets = flow->n_packets;
    flow->pushed_bytes = flow->n_bytes;
    return true;
}

/* Grows *ARRAY (of pointers) to hold at least N entries. Returns false on lack of memory. */
static bool
reserve(struct dp_flow ***array, size_t *alloc, size_t n)
{
    if (n <= *alloc) {
        return true;
    }
    size_t want = *alloc ? *alloc : 1024;
    while (want < n) {
        want *= 2;
    }
    struct dp_flow **p = realloc(*array, want * sizeof *p);
    if (!p) {
        return false;
    }
    *array = p;
    *alloc = want;
    return true;
}

static void
reval_collect(struct dp_flow *flow, void *pmd_)
{
    struct pmd_thread *pmd = pmd_;
    if ((int64_t) (flow->reval_seq - pmd->reval_target) < 0 && pmd->n_reval < pmd->alloc_reval) {
        pmd->reval_flows[pmd->n_reval++] = flow;
    }
}

/* Ends the pass: sweeps the EMC of removed megaflows, frees them, publishes the sequence. */
static void
reval_finish(struct pmd_thread *pmd)
{
    if (pmd->n_grave) {
        emc_remove_dead(pmd->emc);
        for (size_t i = 0; i < pmd->n_grave; i++) {
            pmd_free_flow(pmd->grave[i], pmd);
        }
        pmd->n_grave = 0;
    }
    pmd->n_reval = pmd->reval_pos = 0;
    pmd->reval_active = false;
    pmd_stat_add(pmd, PMD_STAT_REVAL_PASSES, 1);
    __atomic_store_n(&pmd->reval_done, pmd->reval_target, __ATOMIC_RELEASE);
}

/* Removes FLOW from the classifier now; it is freed at the end of the pass. */
static void
reval_kill(struct pmd_thread *pmd, struct dp_flow *flow)
{
    flow->dead = 1;
    pmd_remove_flow(pmd, flow);
    pmd->grave[pmd->n_grave++] = flow;      /* Room reserved at the start of the pass. */
    pmd_stat_add(pmd, PMD_STAT_REVAL_DELETED, 1);
}

void
pmd_reval_abort(struct pmd_thread *pmd)
{
    if (!pmd->reval_active) {
        return;
    }
    /* The caller empties the EMC (emc_flush()) right after: the graveyard is unreachable. */
    for (size_t i = 0; i < pmd->n_grave; i++) {
        pmd_free_flow(pmd->grave[i], pmd);
    }
    pmd->n_grave = 0;
    pmd->n_reval = pmd->reval_pos = 0;
    pmd->reval_active = false;
    /* Every megaflow older than the pass is being flushed: the target is met. */
    __atomic_store_n(&pmd->reval_done, pmd->reval_target, __ATOMIC_RELEASE);
}

/* Starts a pass towards SEQ. Returns false if it completed at once (nothing to check, or a flush
 * was cheaper). */
static bool
reval_start(struct pmd_thread *pmd, uint64_t seq)
{
    struct dp_netdev *dp = pmd->dp;
    size_t n = dpcls_count(pmd->cls);

    pmd->reval_target = seq;
    pmd->reval_active = true;
    coverage_inc(COVERAGE_revalidate_pass);
    if (!n) {
        reval_finish(pmd);
        return false;
    }
    if (!dp->revalidate_cb || n > REVAL_FLUSH_ABOVE
        || !reserve(&pmd->reval_flows, &pmd->alloc_reval, n)
        || !reserve(&pmd->grave, &pmd->alloc_grave, n)) {
        /* pmd_flush_flows() aborts the (empty) pass, publishing the target. */
        pmd->n_reval = 0;
        pmd_flush_flows(pmd);
        return false;
    }
    pmd->n_reval = pmd->reval_pos = 0;
    for (size_t i = 0; i < pmd->n_flows; i++) {
        reval_collect(pmd->flows[i], pmd);
    }
    return true;
}

void
pmd_reval_run(struct pmd_thread *pmd)
{
    struct dp_netdev *dp = pmd->dp;

    if (!pmd->reval_active) {
        uint64_t seq = __atomic_load_n(&dp->reval_seq, __ATOMIC_ACQUIRE);
        if (seq == pmd->reval_target || !reval_start(pmd, seq)) {
            return;
        }
    }
    size_t end = RTE_MIN(pmd->reval_pos + REVAL_SLICE, pmd->n_reval);
    struct dp_upcall_result *res = &pmd->upcall_res;
    for (size_t i = pmd->reval_pos; i < end; i++) {
        struct dp_flow *flow = pmd->reval_flows[i];
        uint32_t p = flow->key.in_port;
        struct dp_port *port = p < DP_MAX_PORTS
                               ? __atomic_load_n(&dp->ports[p], __ATOMIC_ACQUIRE)
                               : dp_tnl_vport_get(p);     /* Decapsulated (dp-tunnel.h). */
        enum dp_reval_verdict v = port ? dp_flow_revalidate(flow, dp->revalidate_cb, port->aux,
                                                            res)
                                       : DP_REVAL_DELETE;
        pmd_stat_add(pmd, PMD_STAT_REVAL_CHECKED, 1);
        if (v == DP_REVAL_UPDATE) {
            pmd_push_flow_stats(flow, pmd);         /* Counts so far belong to the old rule. */
            if (dp_flow_update(flow, res)) {
                pmd_stat_add(pmd, PMD_STAT_REVAL_UPDATED, 1);
            } else {
                v = DP_REVAL_DELETE;
            }
        }
        if (v == DP_REVAL_DELETE) {
            reval_kill(pmd, flow);
        } else {
            flow->reval_seq = pmd->reval_target;
        }
    }
    pmd->reval_pos = end;
    if (end == pmd->n_reval) {
        reval_finish(pmd);
    }
}
