/* dpif-netdev — the userspace datapath. See dpif-netdev.h for the design. */
#include "pmd/dpif-netdev.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "lib/coverage.h"
#include "lib/poll-loop.h"
#include "lib/vlog.h"
#include "pmd/dp-execute.h"
#include "pmd/dp-tunnel.h"
#include "pmd/dpcls.h"
#include "pmd/emc.h"
#include "pmd/netdev-dpdk.h"

VLOG_DEFINE_THIS_MODULE(dpif_netdev);

/* Types, constants and the inline helpers shared with dpif-netdev-show.c. */
#include "pmd/dpif-netdev-private.h"

static const char *const drop_reason_strings[] = {
#define DP_DROP(ENUM, STR) STR,
    DP_DROP_REASONS
#undef DP_DROP
};

const char *
dp_drop_reason_string(enum dp_drop_reason r)
{
    return r < DP_N_DROP_REASONS ? drop_reason_strings[r] : "unknown";
}

/* ---- PMD thread: helpers. ---- */
void
pmd_push_flow_stats(struct dp_flow *flow, void *pmd_)
{
    struct pmd_thread *pmd = pmd_;
    uint64_t dp = flow->n_packets - flow->pushed_packets;

    if (!dp || !flow->rule_id) {
        return;
    }
    struct stats_entry e = {
        .rule_id = flow->rule_id,
        .packets = dp,
        .bytes = flow->n_bytes - flow->pushed_bytes,
        .used = flow->used,
    };
    if (rte_ring_sp_enqueue_elem(pmd->stats_ring, &e, sizeof e)) {
        pmd->stats_ring_full++;
        return;         /* Try again next time. */
    }
    flow->pushed_packets = flow->n_packets;
    flow->pushed_bytes = flow->n_bytes;
}

void
pmd_free_flow(struct dp_flow *flow, void *pmd_)
{
    pmd_push_flow_stats(flow, pmd_);
    rte_free(flow);
}

void
pmd_remove_flow(struct pmd_thread *pmd, struct dp_flow *flow)
{
    dpcls_remove(pmd->cls, flow);
    struct dp_flow *last = pmd->flows[--pmd->n_flows];
    pmd->flows[flow->pmd_idx] = last;       /* A push in progress may skip LAST once. */
    last->pmd_idx = flow->pmd_idx;
}

/* Adds FLOW to the classifier and the dense array. Returns 0 or -errno (FLOW not added). */
static int
pmd_add_flow(struct pmd_thread *pmd, struct dp_flow *flow)
{
    if (pmd->n_flows == pmd->alloc_flows) {
        size_t n = pmd->alloc_flows ? 2 * pmd->alloc_flows : 1024;
        struct dp_flow **p = realloc(pmd->flows, n * sizeof *p);
        if (!p) {
            return -ENOMEM;
        }
        pmd->flows = p;
        pmd->alloc_flows = n;
    }
    int err = dpcls_insert(pmd->cls, flow);
    if (!err) {
        flow->pmd_idx = (uint32_t) pmd->n_flows;
        pmd->flows[pmd->n_flows++] = flow;
    }
    return err;
}

/* Pushes the counters of up to PUSH_SLICE megaflows of the round in progress (bounded work). */
static void
pmd_push_stats_slice(struct pmd_thread *pmd)
{
    size_t end = RTE_MIN(pmd->push_pos + PUSH_SLICE, pmd->n_flows);
    for (size_t i = pmd->push_pos; i < end; i++) {
        pmd_push_flow_stats(pmd->flows[i], pmd);
    }
    pmd->push_pos = end;
    pmd->push_active = end < pmd->n_flows;
}

/* Removes every megaflow (after crediting its counters). */
void
pmd_flush_flows(struct pmd_thread *pmd)
{
    pmd_reval_abort(pmd);
    emc_flush(pmd->emc);
    dpcls_flush(pmd->cls, pmd_free_flow, pmd);
    pmd->n_flows = 0;
    pmd->push_active = false;
    pmd_stat_add(pmd, PMD_STAT_FLUSHES, 1);
    coverage_inc(COVERAGE_pmd_cache_flush);
}

static void
pmd_tx_flush(struct pmd_thread *pmd)
{
    struct dp_netdev *dp = pmd->dp;

    for (unsigned i = 0; i < pmd->n_touched; i++) {
        uint32_t p = pmd->touched[i];
        struct pmd_txbuf *tb = &pmd->txbufs[p];
        struct dp_port *port = __atomic_load_n(&dp->ports[p], __ATOMIC_ACQUIRE);
        uint16_t n = tb->n;

        tb->n = 0;
        if (!n) {
            continue;
        }
        if (!port) {
            rte_pktmbuf_free_bulk(tb->pkts, n);
            continue;
        }
        uint16_t sent = netdev_dpdk_send(port->dev, pmd->index, tb->pkts, n);
        if (sent < n) {
            port_drop(port, DP_DROP_TX_FAILED, n - sent);
        }
        pmd_stat_add(pmd, PMD_STAT_TX_BATCHES, 1);
        pmd_stat_add(pmd, PMD_STAT_TX_PACKETS, n);
    }
    pmd->n_touched = 0;
}

/* Whether one more upcall fits the per-batch bound and the upcall-rate token bucket. */
static inline bool
pmd_upcall_allowed(struct pmd_thread *pmd)
{
    if (pmd->batch_upcalls >= UPCALLS_PER_BATCH) {
        return false;
    }
    uint64_t rate = __atomic_load_n(&pmd->dp->upcall_rate, __ATOMIC_RELAXED);
    if (rate) {
        uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz();
        uint64_t elapsed = RTE_MIN(now - pmd->upcall_refill_tsc, hz);
        /* rate/100 tokens (x1000), at least one. */
        uint64_t cap = RTE_MAX(rate * UPCALL_BURST_MSEC, (uint64_t) 1000);
        pmd->upcall_refill_tsc = now;
        pmd->upcall_tokens_milli += elapsed * rate / (hz / 1000);
        if (pmd->upcall_tokens_milli > cap) {
            pmd->upcall_tokens_milli = cap;
        }
        if (pmd->upcall_tokens_milli < 1000) {
            return false;
        }
        pmd->upcall_tokens_milli -= 1000;
    }
    pmd->batch_upcalls++;
    return true;
}

/* Handles a packet that missed both caches: upcall, install, execute (consumes M). */
void
pmd_handle_miss(struct pmd_thread *pmd, struct rte_mbuf *m, const struct flow *key,
                struct dp_port *in_port, unsigned depth)
{
    struct dp_netdev *dp = pmd->dp;
    struct dp_flow *flow = NULL;
    const struct flow *keys[1] = { key };

    /* An earlier packet of this batch may have installed a matching megaflow. */
    if (dpcls_lookup(pmd->cls, keys, 1, &flow) && flow) {
        pmd_stat_add(pmd, PMD_STAT_MEGAFLOW_HIT, 1);
        pmd_stat_add(pmd, PMD_STAT_SUBTABLE_PROBES, dpcls_take_hit_probes(pmd->cls));
        goto execute;
    }

    pmd_stat_add(pmd, PMD_STAT_MISS, 1);
    if (unlikely(!pmd_upcall_allowed(pmd))) {
        pmd_stat_add(pmd, PMD_STAT_UPCALL_LIMITED, 1);
        coverage_inc(COVERAGE_upcall_limited);
        port_drop(in_port, DP_DROP_UPCALL_LIMIT, 1);
        rte_pktmbuf_free(m);
        return;
    }
    struct dp_upcall_result *res = &pmd->upcall_res;
    memset(&res->wc, 0, sizeof res->wc);
    res->actions.n = 0;
    res->rule_id = 0;
    /* Read before translating: a table change made after this makes the megaflow older than the
     * next revalidation pass, which then re-checks it. */
    uint64_t reval_seq = __atomic_load_n(&dp->reval_seq, __ATOMIC_ACQUIRE);
    int err = dp->upcall_cb
              ? dp->upcall_cb(in_port->aux, key, rte_pktmbuf_mtod(m, void *), m->data_len, res)
              : -ENOENT;
    coverage_inc(COVERAGE_upcall);
    if (err == -EAGAIN) {
        port_drop(in_port, DP_DROP_HELD, 1);    /* Forwarding is held (flow-restore-wait). */
        rte_pktmbuf_free(m);
        return;
    }
    if (err || res->actions.n > DP_MAX_ACTIONS) {
        coverage_inc(COVERAGE_upcall_failed);
        pmd_stat_add(pmd, PMD_STAT_UPCALL_FAIL, 1);
        port_drop(in_port, DP_DROP_UPCALL_FAILED, 1);
        rte_pktmbuf_free(m);
        return;
    }
    pmd_stat_add(pmd, PMD_STAT_UPCALL_OK, 1);

    /* The datapath always matches the ingress port and the recirculation id exactly. */
    res->wc.in_port = UINT32_MAX;
    res->wc.recirc_id = UINT32_MAX;
    size_t sz = sizeof *flow + res->actions.n * sizeof flow->actions[0];
    if (dpcls_count(pmd->cls) >= __atomic_load_n(&dp->flow_limit, __ATOMIC_RELAXED)
        || !(flow = rte_zmalloc_socket("dp_flow", sz, RTE_CACHE_LINE_SIZE,
                                       (int) rte_socket_id()))) {
        struct exec_ctx ctx = { dp, pmd, in_port, in_port->dp_port, key };
        coverage_inc(COVERAGE_upcall_flow_limit);
        pmd_stat_add(pmd, PMD_STAT_NOT_INSTALLED, 1);
        exec_actions(&ctx, m, res->actions.a, res->actions.n, depth);
        return;
    }
    flow->mask = res->wc;
    flow_apply_mask(&flow->key, key, &res->wc);
    flow->hash = flow_hash(&flow->key, 0);
    flow->created = pmd->now;
    flow->rule_id = res->rule_id;
    flow->n_actions = res->actions.n;
    flow->output_only = dp_actions_output_only(res->actions.a, res->actions.n);
    flow->alloc_actions = res->actions.n;
    flow->reval_seq = reval_seq;
    memcpy(flow->actions, res->actions.a, res->actions.n * sizeof flow->actions[0]);
    if (pmd_add_flow(pmd, flow)) {
        struct exec_ctx ctx = { dp, pmd, in_port, in_port->dp_port, key };
        rte_free(flow);
        pmd_stat_add(pmd, PMD_STAT_NOT_INSTALLED, 1);
        exec_actions(&ctx, m, res->actions.a, res->actions.n, depth);
        return;
    }

execute:
    flow->n_packets++;
    flow->n_bytes += m->pkt_len;
    flow->used = pmd->now;
    /* The EMC serves received packets only: not recirculated or decapsulated ones. */
    if (!key->recirc_id && key->in_port < DP_TNL_PORT_BASE && !pmd->emc_bypass) {
        emc_probabilistic_insert(pmd->emc, key, emc_hash(key), flow,
                                 __atomic_load_n(&dp->emc_inv_prob, __ATOMIC_RELAXED));
    }
    pmd_execute(pmd, m, flow, in_port, key, depth);
}

/* Adaptive EMC: when fewer than 1 in EMC_MIN_HIT_INV lookups hit (many more flows than EMC
 * entries), each lookup is two cache misses for nothing; bypass the EMC (no lookups, no inserts)
 * for EMC_BYPASS_BATCHES batches, then probe it again for a window. Measured: docs/performance.md. */
static inline void
pmd_emc_adapt(struct pmd_thread *pmd, bool used, unsigned n, uint64_t hits)
{
    if (!used) {
        if (pmd->emc_bypass && !--pmd->emc_bypass) {
            pmd->emc_win_lookups = pmd->emc_win_hits = 0;
        }
        return;
    }
    pmd->emc_win_lookups += n;
    pmd->emc_win_hits += hits;
    if (pmd->emc_win_lookups >= EMC_WINDOW) {
        if (pmd->emc_win_hits * EMC_MIN_HIT_INV < pmd->emc_win_lookups) {
            pmd->emc_bypass = EMC_BYPASS_BATCHES;
            pmd_stat_add(pmd, PMD_STAT_EMC_BYPASSES, 1);
            coverage_inc(COVERAGE_emc_bypass);
        }
        pmd->emc_win_lookups = pmd->emc_win_hits = 0;
    }
}

/* Received frames the switch refuses, each counted on IN_PORT with its reason: shorter than an
 * Ethernet header (runt), longer than the port's MTU allows (oversize), an impossible header field
 * (malformed: IPv4 IHL < 5, a TCP data offset < 5, a total length below the header, ...) or
 * headers that run past the frame (truncated: an IPv4 total length or IPv6 payload length longer
 * than the frame, an extension header chain running off its end). What a header cannot be judged
 * on (unknown protocols, TCP options) is forwarded. A multi-segment mbuf is judged only on
 * length: flow_extract() saw its first segment. Returns true if M was dropped (and freed). */
static bool
rx_drop_bad(struct dp_port *in_port, struct rte_mbuf *m, int parse_flags, uint32_t max_frame)
{
    enum dp_drop_reason r;

    if (m->pkt_len < RTE_ETHER_HDR_LEN) {
        r = DP_DROP_RUNT;
    } else if (m->pkt_len > max_frame) {
        r = DP_DROP_OVERSIZE;
    } else if (parse_flags & FLOW_F_MALFORMED) {
        r = DP_DROP_MALFORMED;
    } else if ((parse_flags & FLOW_F_TRUNCATED) && m->nb_segs == 1) {
        r = DP_DROP_TRUNCATED;
    } else {
        return false;
    }
    port_drop(in_port, r, 1);
    rte_pktmbuf_free(m);
    return true;
}

/* Processes one received batch from IN_PORT. */
static void
pmd_process_batch(struct pmd_thread *pmd, struct dp_port *in_port, struct rte_mbuf **pkts,
                  uint16_t n)
{
    struct flow keys[PMD_BURST];
    uint32_t hashes[PMD_BURST];
    struct dp_flow *flows[PMD_BURST];
    const struct flow *miss_keys[PMD_BURST];
    struct dp_flow *miss_flows[PMD_BURST];
    uint16_t miss_idx[PMD_BURST];
    unsigned n_miss = 0;
    uint32_t inv_prob = __atomic_load_n(&pmd->dp->emc_inv_prob, __ATOMIC_RELAXED);
    uint64_t emc_hits = 0, mf_hits = 0;
    bool use_emc = inv_prob && !pmd->emc_bypass;

    pmd->batch_upcalls = 0;

    /* Pass 1: keys. Pass 2: hashes, with the EMC entries prefetched for pass 3. Hashing in its
     * own pass matters: flow_extract() writes the key in narrow stores, and reading it back as
     * 64-bit words right away stalls on store forwarding (measured: a fifth of the EMC-hit path). */
    uint32_t max_frame = __atomic_load_n(&in_port->dev->max_frame, __ATOMIC_RELAXED);
    uint16_t n_ok = 0;
    for (uint16_t i = 0; i < n; i++) {
        struct rte_mbuf *m = pkts[i];
        if (i + 1 < n) {
            rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
        }
        int pf = flow_extract(rte_pktmbuf_mtod(m, void *), m->data_len, in_port->dp_port,
                              &keys[n_ok]);
        if (unlikely(pf || m->pkt_len > max_frame) && rx_drop_bad(in_port, m, pf, max_frame)) {
            continue;
        }
        pkts[n_ok++] = m;
    }
    n = n_ok;
    for (uint16_t i = 0; use_emc && i < n; i++) {
        hashes[i] = emc_hash(&keys[i]);
        emc_prefetch(pmd->emc, hashes[i]);
    }
    for (uint16_t i = 0; i < n; i++) {
        flows[i] = use_emc ? emc_lookup_rx(pmd->emc, &keys[i], hashes[i]) : NULL;
        if (flows[i]) {
            emc_hits++;
        } else {
            miss_idx[n_miss] = i;
            miss_keys[n_miss++] = &keys[i];
        }
    }

    if (n_miss) {
        dpcls_lookup(pmd->cls, miss_keys, n_miss, miss_flows);
        pmd_stat_add(pmd, PMD_STAT_SUBTABLE_PROBES, dpcls_take_hit_probes(pmd->cls));
        for (unsigned j = 0; j < n_miss; j++) {
            uint16_t i = miss_idx[j];
            flows[i] = miss_flows[j];
            if (flows[i]) {
                mf_hits++;
                if (use_emc) {
                    emc_probabilistic_insert(pmd->emc, &keys[i], hashes[i], flows[i], inv_prob);
                }
            }
        }
    }
    pmd_emc_adapt(pmd, use_emc, n, emc_hits);
    pmd_stat_add(pmd, PMD_STAT_EMC_HIT, emc_hits);
    pmd_stat_add(pmd, PMD_STAT_MEGAFLOW_HIT, mf_hits);

    if (n_miss) {
        /* Megaflow hits: their counters and actions are likely cold (many flows). */
        for (uint16_t i = 0; i < n; i++) {
            if (flows[i]) {
                rte_prefetch0(&flows[i]->n_packets);
            }
        }
    }
    /* Counters are added once per run of packets of the same megaflow (usual in a batch), not
     * once per packet: no read-modify-write chain through the flow's cache line. */
    /* Packets of single-output megaflows are queued per run of the same output port (one port
     * lookup per run); anything else first sends the run on, so each port sees packets in order. */
    struct dp_flow *run = NULL;
    uint64_t run_packets = 0, run_bytes = 0;
    struct rte_mbuf *out_pkts[PMD_BURST];
    unsigned n_out = 0;
    uint32_t out_port = 0;
    for (uint16_t i = 0; i < n; i++) {
        struct dp_flow *flow = flows[i];
        if (likely(flow != NULL)) {
            if (flow != run) {
                if (run) {
                    run->n_packets += run_packets;
                    run->n_bytes += run_bytes;
                    run->used = pmd->now;
                }
                run = flow;
                run_packets = run_bytes = 0;
            }
            run_packets++;
            run_bytes += pkts[i]->pkt_len;
            if (likely(flow->output_only && flow->n_actions == 1)) {
                if (n_out && flow->actions[0].port != out_port) {
                    pmd_output_bulk(pmd, out_port, out_pkts, n_out, in_port);
                    n_out = 0;
                }
                out_port = flow->actions[0].port;
                out_pkts[n_out++] = pkts[i];
                continue;
            }
        }
        if (n_out) {
            pmd_output_bulk(pmd, out_port, out_pkts, n_out, in_port);
            n_out = 0;
        }
        if (flow) {
            pmd_execute(pmd, pkts[i], flow, in_port, NULL, 0);
        } else {
            pmd_handle_miss(pmd, pkts[i], &keys[i], in_port, 0);
        }
    }
    if (n_out) {
        pmd_output_bulk(pmd, out_port, out_pkts, n_out, in_port);
    }
    if (run) {
        run->n_packets += run_packets;
        run->n_bytes += run_bytes;
        run->used = pmd->now;
    }
}

struct age_ctx {
    struct pmd_thread *pmd;
    long long cutoff;                   /* Flows last used before this are idle. */
    struct dp_flow **victims;
    unsigned n;
};

static void
age_collect(struct dp_flow *flow, void *ctx_)
{
    struct age_ctx *ctx = ctx_;
    long long last = flow->used ? flow->used : flow->created;
    if (ctx->n < AGE_MAX_PER_PASS && last < ctx->cutoff) {
        flow->dead = 1;
        ctx->victims[ctx->n++] = flow;
    }
}

/* Removes megaflows idle for max-idle (100 ms while over flow-limit), at most AGE_MAX_PER_PASS per
 * call: one classifier walk, one EMC walk, then the removals. */
static void
pmd_age_flows(struct pmd_thread *pmd)
{
    struct dp_netdev *dp = pmd->dp;
    size_t n_flows = dpcls_count(pmd->cls);
    if (!n_flows) {
        return;
    }
    long long max_idle = __atomic_load_n(&dp->max_idle, __ATOMIC_RELAXED);
    if (n_flows > __atomic_load_n(&dp->flow_limit, __ATOMIC_RELAXED)) {
        max_idle = RTE_MIN(max_idle, (long long) OVER_LIMIT_MAX_IDLE_MSEC);
    }
    struct dp_flow **victims = malloc(AGE_MAX_PER_PASS * sizeof *victims);
    if (!victims) {
        return;
    }
    struct age_ctx ctx = { pmd, pmd->now - max_idle, victims, 0 };
    for (size_t i = 0; i < pmd->n_flows && ctx.n < AGE_MAX_PER_PASS; i++) {
        age_collect(pmd->flows[i], &ctx);
    }
    if (ctx.n) {
        emc_remove_dead(pmd->emc);
        for (unsigned i = 0; i < ctx.n; i++) {
            pmd_remove_flow(pmd, victims[i]);
            pmd_free_flow(victims[i], pmd);
        }
        pmd_stat_add(pmd, PMD_STAT_AGED, ctx.n);
        coverage_add(COVERAGE_megaflow_aged, ctx.n);
    }
    free(victims);
}

/* Applies a new poll list if the main thread published one, and services dump requests. */
static void
pmd_check_control(struct pmd_thread *pmd)
{
    struct dp_netdev *dp = pmd->dp;
    uint64_t seq = __atomic_load_n(&dp->reload_seq, __ATOMIC_ACQUIRE);

    if (seq != pmd->reload_seen) {
        pmd_tx_flush(pmd);
        pthread_mutex_lock(&pmd->mutex);
        free(pmd->rxqs);
        pmd->rxqs = pmd->pending_rxqs;
        pmd->n_rxqs = pmd->n_pending_rxqs;
        pmd->pending_rxqs = NULL;
        pmd->n_pending_rxqs = 0;
        if (pmd->rxqs) {
            /* Keep our own copy: the main thread may publish again. */
            struct pmd_rxq *copy = malloc(pmd->n_rxqs * sizeof *copy);
            if (copy) {
                memcpy(copy, pmd->rxqs, pmd->n_rxqs * sizeof *copy);
            }
            free(pmd->rxqs);
            pmd->rxqs = copy;
            if (!copy) {
                pmd->n_rxqs = 0;
            }
        }
        pthread_mutex_unlock(&pmd->mutex);
        /* Publish the new queues for pmd-rxq-show (hidden while being rewritten). */
        __atomic_store_n(&pmd->n_rxq_stats, 0, __ATOMIC_RELEASE);
        uint64_t now_tsc = rte_rdtsc();
        unsigned n_st = RTE_MIN(pmd->n_rxqs, (unsigned) PMD_MAX_RXQ_STATS);
        for (unsigned i = 0; i < pmd->n_rxqs; i++) {
            struct pmd_rxq *rxq = &pmd->rxqs[i];
            rxq->stat_idx = (uint16_t) RTE_MIN(i, (unsigned) PMD_MAX_RXQ_STATS - 1);
            if (i < n_st) {
                pmd->rxq_stats[i].dp_port = rxq->port->dp_port;
                pmd->rxq_stats[i].qid = rxq->qid;
                __atomic_store_n(&pmd->rxq_stats[i].cycles, 0, __ATOMIC_RELAXED);
                pmd->rxq_stats[i].since_tsc = now_tsc;
            }
        }
        __atomic_store_n(&pmd->n_rxq_stats, n_st, __ATOMIC_RELEASE);
    }

    uint64_t gen = __atomic_load_n(&dp->cache_gen, __ATOMIC_ACQUIRE);
    if (gen != pmd->cache_gen) {
        pmd->cache_gen = gen;
        pmd_flush_flows(pmd);
    }
    /* Every batch before this point is out (pmd_tx_flush() ends each rx burst): tell
     * dp_netdev_sync_caches() that GEN is applied. */
    __atomic_store_n(&pmd->gen_done, gen, __ATOMIC_RELEASE);
    pmd_reval_run(pmd);         /* Starts a pass if the tables changed. */
    if (pmd->now >= pmd->next_age && !pmd->reval_active) {
        pmd_age_flows(pmd);
        pmd->next_age = pmd->now + AGE_INTERVAL_MSEC;
    }
    if (seq != pmd->reload_seen) {
        pmd->reload_seen = seq;
        __atomic_store_n(&pmd->reload_done, seq, __ATOMIC_RELEASE);
    }

    struct ds *req = __atomic_load_n(&pmd->dump_req, __ATOMIC_ACQUIRE);
    if (req) {
        ds_put_format(req, "pmd thread core_id %u: %zu megaflows\n", pmd->core_id,
                      dpcls_count(pmd->cls));
        pmd->dump_ds = req;
        dpcls_foreach(pmd->cls, pmd_dump_flow, pmd);
        pmd->dump_ds = NULL;
        __atomic_store_n(&pmd->dump_req, NULL, __ATOMIC_RELEASE);
    }
}

static void *
pmd_thread_main(void *pmd_)
{
    struct pmd_thread *pmd = pmd_;
    struct rte_mbuf *pkts[PMD_BURST];
    char name[16];
    cpu_set_t set;

    snprintf(name, sizeof name, "pmd-c%02u", pmd->core_id);
    pthread_setname_np(pthread_self(), name);
    CPU_ZERO(&set);
    CPU_SET(pmd->core_id, &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof set, &set)) {
        VLOG_WARN("pmd thread on core %u: cannot pin to the core", pmd->core_id);
    }
    if (rte_thread_register()) {
        VLOG_WARN("pmd thread on core %u: rte_thread_register failed: %s (mempool caches "
                  "disabled for this thread)", pmd->core_id, rte_strerror(rte_errno));
    }
    VLOG_INFO("pmd thread started on core %u", pmd->core_id);

    uint64_t push_interval = rte_get_tsc_hz() / 1000 * STATS_PUSH_MSEC;
    pmd->now = time_msec();
    pmd->next_push_tsc = rte_get_tsc_cycles() + push_interval;
    unsigned iter = 0;
    while (!__atomic_load_n(&pmd->exit_requested, __ATOMIC_RELAXED)) {
        /* TSC reads are not free (tens of cycles each: four per iteration were 4% of the
         * 1-flow profile): one read ends a busy queue's interval and starts the next queue's,
         * and ends the iteration when nothing ran after it. */
        uint64_t t0 = rte_rdtsc();
        uint64_t mark = t0;         /* The TSC now, when mark_ok (no read needed). */
        bool mark_ok = true;
        uint64_t got = 0;

        for (unsigned i = 0; i < pmd->n_rxqs; i++) {
            struct pmd_rxq *rxq = &pmd->rxqs[i];
            if (unlikely(rxq->port->dev->rx_syscall) && (iter & (SYSCALL_RXQ_EVERY - 1))) {
                continue;       /* A tap queue costs a system call per poll: 1 in 32. */
            }
            uint64_t q0 = mark_ok ? mark : rte_rdtsc();
            uint16_t n = netdev_dpdk_rx_burst(rxq->port->dev, rxq->qid, pkts, PMD_BURST);
            if (n) {
                got += n;
                pmd_stat_add(pmd, PMD_STAT_RX_BATCHES, 1);
                pmd_process_batch(pmd, rxq->port, pkts, n);
                pmd_tx_flush(pmd);
                mark = rte_rdtsc();
                mark_ok = true;
                uint64_t *c = &pmd->rxq_stats[rxq->stat_idx].cycles;
                __atomic_store_n(c, *c + (mark - q0), __ATOMIC_RELAXED);
            } else {
                mark_ok = false;
            }
        }
        if (unlikely(pmd->reval_active)) {
            pmd_reval_run(pmd);     /* One bounded slice per iteration, between bursts. */
            mark_ok = false;
        }
        uint64_t t1 = mark_ok ? mark : rte_rdtsc();
        pmd_stat_add(pmd, PMD_STAT_ITERATIONS, 1);
        if (got) {
            pmd_stat_add(pmd, PMD_STAT_RX, got);
            pmd_stat_add(pmd, PMD_STAT_CYCLES_BUSY, t1 - t0);
            pmd_stat_add(pmd, PMD_STAT_BUSY_ITERATIONS, 1);
        } else {
            pmd_stat_add(pmd, PMD_STAT_CYCLES_IDLE, t1 - t0);
        }

        if (!(++iter & 0xf)) {
            pmd->now = time_msec();
            pmd_check_control(pmd);
            if (t1 >= pmd->next_push_tsc) {
                /* A new round of counter pushes, a slice per check (PUSH_SLICE megaflows). */
                pmd->push_pos = 0;
                pmd->push_active = true;
                dpcls_sort_subtables(pmd->cls);
                pmd->next_push_tsc = t1 + push_interval;
            }
            if (pmd->push_active) {
                pmd_push_stats_slice(pmd);
            }
            if (!pmd->n_rxqs) {
                usleep(1000);   /* Nothing to poll: don't burn the core. */
            }
        }
    }
    pmd_tx_flush(pmd);
    pmd_flush_flows(pmd);
    rte_thread_unregister();
    VLOG_INFO("pmd thread on core %u exiting", pmd->core_id);
    return NULL;
}

/* ---- Main thread side. ---- */

static struct pmd_thread *
pmd_create(struct dp_netdev *dp, unsigned core_id, unsigned index, char **errp)
{
    struct pmd_thread *pmd = rte_zmalloc("pmd_thread", sizeof *pmd, RTE_CACHE_LINE_SIZE);
    char name[RTE_RING_NAMESIZE];

    if (!pmd) {
        *errp = xasprintf("pmd thread on core %u: out of DPDK memory", core_id);
        return NULL;
    }
    pmd->dp = dp;
    pmd->core_id = core_id;
    pmd->index = index;
    pthread_mutex_init(&pmd->mutex, NULL);
    pmd->cache_gen = __atomic_load_n(&dp->cache_gen, __ATOMIC_ACQUIRE);
    pmd->reload_seen = pmd->reload_done = UINT64_MAX;
    pmd->gen_done = pmd->cache_gen;
    pmd->reval_target = pmd->reval_done = __atomic_load_n(&dp->reval_seq, __ATOMIC_ACQUIRE);
    pmd->upcall_refill_tsc = rte_rdtsc();
    pmd->emc = emc_create((int) rte_socket_id());
    snprintf(name, sizeof name, "uvs_pmd%u_%u", core_id, dp->n_dp_created++);
    pmd->cls = dpcls_create((int) rte_socket_id(), name);
    pmd->txbufs = rte_zmalloc("pmd_txbufs", DP_MAX_PORTS * sizeof *pmd->txbufs,
                              RTE_CACHE_LINE_SIZE);
    pmd->touched = rte_zmalloc("pmd_touched", DP_MAX_PORTS * sizeof *pmd->touched, 0);
    snprintf(name, sizeof name, "uvs_st%u_%u", core_id, dp->n_dp_created++);
    pmd->stats_ring = rte_ring_create_elem(name, sizeof(struct stats_entry), STATS_RING_SIZE,
                                           (int) rte_socket_id(),
                                           RING_F_SP_ENQ | RING_F_SC_DEQ);
    snprintf(name, sizeof name, "uvs_pi%u_%u", core_id, dp->n_dp_created++);
    pmd->pi_ring = rte_ring_create(name, PI_RING_SIZE, (int) rte_socket_id(),
                                   RING_F_SP_ENQ | RING_F_SC_DEQ);
    if (!pmd->emc || !pmd->cls || !pmd->txbufs || !pmd->touched || !pmd->stats_ring
        || !pmd->pi_ring) {
        *errp = xasprintf("pmd thread on core %u: cannot allocate its caches from DPDK memory",
                          core_id);
        goto error;
    }
    int err = pthread_create(&pmd->thread, NULL, pmd_thread_main, pmd);
    if (err) {
        *errp = xasprintf("pmd thread on core %u: cannot create thread: %s", core_id,
                          strerror(err));
        goto error;
    }
    return pmd;

error:
    if (pmd->emc) {
        emc_destroy(pmd->emc);
    }
    if (pmd->cls) {
        dpcls_destroy(pmd->cls);
    }
    rte_free(pmd->txbufs);
    rte_free(pmd->touched);
    rte_ring_free(pmd->stats_ring);
    rte_ring_free(pmd->pi_ring);
    rte_free(pmd);
    return NULL;
}

static void dp_drain_stats(struct dp_netdev *);

static void
pmd_destroy(struct dp_netdev *dp, struct pmd_thread *pmd)
{
    __atomic_store_n(&pmd->exit_requested, true, __ATOMIC_RELEASE);
    pthread_join(pmd->thread, NULL);
    /* Credit what it pushed on exit. */
    struct stats_entry e;
    while (!rte_ring_sc_dequeue_elem(pmd->stats_ring, &e, sizeof e)) {
        if (dp->stats_cb) {
            dp->stats_cb(e.rule_id, e.packets, e.bytes, e.used);
        }
    }
    emc_destroy(pmd->emc);
    dpcls_destroy(pmd->cls);
    rte_free(pmd->txbufs);
    rte_free(pmd->touched);
    rte_ring_free(pmd->stats_ring);
    void *msg;
    while (!rte_ring_sc_dequeue(pmd->pi_ring, &msg)) {
        free(msg);
    }
    rte_ring_free(pmd->pi_ring);
    free(pmd->rxqs);
    free(pmd->pending_rxqs);
    free(pmd->reval_flows);
    free(pmd->grave);
    free(pmd->flows);
    pthread_mutex_destroy(&pmd->mutex);
    rte_free(pmd);
}

struct dp_netdev *
dp_netdev_create(void)
{
    struct dp_netdev *dp = xzalloc(sizeof *dp);

    pthread_mutex_init(&dp->mutex, NULL);
    dp->max_idle = DEFAULT_MAX_IDLE_MSEC;
    if (pipe2(dp->pi_pipe, O_NONBLOCK | O_CLOEXEC)) {
        dp->pi_pipe[0] = dp->pi_pipe[1] = -1;
        VLOG_WARN("cannot create the packet-in wake-up pipe (%s): packet-ins are delivered "
                  "every %d ms", strerror(errno), STATS_PUSH_MSEC);
    }
    dp->emc_inv_prob = DEFAULT_EMC_INV_PROB;
    dp_netdev_register_unixctl(dp);
    dp->flow_limit = DEFAULT_FLOW_LIMIT;
    dp->upcall_rate = DEFAULT_UPCALL_RATE;
    return dp;
}

void
dp_netdev_destroy(struct dp_netdev *dp)
{
    if (!dp) {
        return;
    }
    pthread_mutex_lock(&dp->mutex);
    for (unsigned i = 0; i < dp->n_pmds; i++) {
        pmd_destroy(dp, dp->pmds[i]);
    }
    dp->n_pmds = 0;
    for (unsigned p = 0; p < DP_MAX_PORTS; p++) {
        if (dp->ports[p]) {
            netdev_dpdk_close(dp->ports[p]->dev);
            free(dp->ports[p]->affinity_spec);
            free(dp->ports[p]->name);
            free(dp->ports[p]);
            dp->ports[p] = NULL;
        }
    }
    pthread_mutex_unlock(&dp->mutex);
    for (unsigned i = 0; i < dp->n_main_pi; i++) {
        free(dp->main_pi[i]);
    }
    if (dp->pi_pipe[0] >= 0) {
        close(dp->pi_pipe[0]);
        close(dp->pi_pipe[1]);
    }
    free(dp->pmd_spec);
    free(dp);
}

void
dp_netdev_set_upcall(struct dp_netdev *dp, dp_upcall_cb *cb)
{
    dp->upcall_cb = cb;
}

void
dp_netdev_set_stats_cb(struct dp_netdev *dp, dp_stats_cb *cb)
{
    dp->stats_cb = cb;
}

void
dp_netdev_set_revalidate_cb(struct dp_netdev *dp, dp_revalidate_cb *cb)
{
    dp->revalidate_cb = cb;
}

void
dp_netdev_set_upcall_rate(struct dp_netdev *dp, uint32_t per_sec)
{
    __atomic_store_n(&dp->upcall_rate, per_sec, __ATOMIC_RELAXED);
}

/* Parses a hex mask or a CPU list into CORES (sorted). Returns the count, or -1 if invalid. */
static int
parse_cpus(const char *spec, unsigned cores[], int max)
{
    int n = 0;

    if (strchr(spec, ',') || strchr(spec, '-')) {
        goto list;
    }
    if (!strncmp(spec, "0x", 2) || !strncmp(spec, "0X", 2)) {
        uint64_t mask;
        if (!str_to_uint64(spec + 2, 16, UINT64_MAX, &mask) || !mask) {
            return -1;
        }
        for (int i = 0; i < 64 && n < max; i++) {
            if (mask & (UINT64_C(1) << i)) {
                cores[n++] = (unsigned) i;
            }
        }
        return n;
    }
    /* A bare hex mask ("2", "6") as OVS accepts. */
    {
        uint64_t mask;
        if (str_to_uint64(spec, 16, UINT64_MAX, &mask) && mask) {
            for (int i = 0; i < 64 && n < max; i++) {
                if (mask & (UINT64_C(1) << i)) {
                    cores[n++] = (unsigned) i;
                }
            }
            return n;
        }
        return -1;
    }
list:;
    char *copy = xstrdup(spec), *save = NULL;
    bool seen[1024] = { false };
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        uint64_t lo, hi;
        char *dash = strchr(tok, '-');
        if (dash) {
            *dash = '\0';
            if (!str_to_uint64(tok, 10, 1023, &lo) || !str_to_uint64(dash + 1, 10, 1023, &hi)
                || lo > hi) {
                free(copy);
                return -1;
            }
        } else if (str_to_uint64(tok, 10, 1023, &lo)) {
            hi = lo;
        } else {
            free(copy);
            return -1;
        }
        for (uint64_t c = lo; c <= hi; c++) {
            seen[c] = true;
        }
    }
    free(copy);
    for (unsigned c = 0; c < 1024 && n < max; c++) {
        if (seen[c]) {
            cores[n++] = c;
        }
    }
    return n ? n : -1;
}

int
dp_netdev_set_pmd_cpus(struct dp_netdev *dp, const char *spec, char **errp)
{
    unsigned cores[PMD_MAX];
    int n;
    long n_cpus = sysconf(_SC_NPROCESSORS_ONLN);

    *errp = NULL;
    if (spec && *spec) {
        n = parse_cpus(spec, cores, PMD_MAX);
        if (n < 0) {
            *errp = xasprintf("other_config:pmd-cpu-mask=\"%s\" is neither a hex CPU mask "
                              "(0x2) nor a CPU list (1,3-5)", spec);
            return -EINVAL;
        }
        for (int i = 0; i < n; i++) {
            if ((long) cores[i] >= n_cpus) {
                *errp = xasprintf("other_config:pmd-cpu-mask=\"%s\" names CPU %u but this "
                                  "machine has CPUs 0-%ld", spec, cores[i], n_cpus - 1);
                return -EINVAL;
            }
        }
    } else {
        cores[0] = n_cpus > 1 ? 1 : 0;
        n = 1;
    }

    /* Nothing to do if the same cores already run PMDs. */
    if (n == (int) dp->n_pmds) {
        bool same = true;
        for (int i = 0; i < n; i++) {
            same = same && dp->pmds[i]->core_id == cores[i];
        }
        if (same) {
            return 0;
        }
    }

    pthread_mutex_lock(&dp->mutex);
    for (unsigned i = 0; i < dp->n_pmds; i++) {
        pmd_destroy(dp, dp->pmds[i]);
        dp->pmds[i] = NULL;
    }
    dp->n_pmds = 0;
    /* No PMD runs now: safe to tell the ports how many threads will send. */
    for (unsigned p = 0; p < DP_MAX_PORTS; p++) {
        if (dp->ports[p]) {
            netdev_dpdk_set_n_senders(dp->ports[p]->dev, (unsigned) n + 1);
        }
    }
    int err = 0;
    for (int i = 0; i < n; i++) {
        struct pmd_thread *pmd = pmd_create(dp, cores[i], (unsigned) i, errp);
        if (!pmd) {
            err = -ENOMEM;
            break;
        }
        dp->pmds[dp->n_pmds++] = pmd;
        coverage_inc(COVERAGE_pmd_create);
    }
    dp_reload_pmds(dp);
    pthread_mutex_unlock(&dp->mutex);
    if (!err) {
        struct ds ds = DS_EMPTY_INITIALIZER;
        for (unsigned i = 0; i < dp->n_pmds; i++) {
            ds_put_format(&ds, "%s%u", i ? "," : "", dp->pmds[i]->core_id);
        }
        VLOG_INFO("%u pmd thread%s on core%s %s", dp->n_pmds, dp->n_pmds == 1 ? "" : "s",
                  dp->n_pmds == 1 ? "" : "s", ds_cstr(&ds));
        ds_destroy(&ds);
    }
    return err;
}

void
dp_netdev_set_emc_insert_inv_prob(struct dp_netdev *dp, uint32_t inv_prob)
{
    __atomic_store_n(&dp->emc_inv_prob, inv_prob, __ATOMIC_RELAXED);
}

void
dp_netdev_set_flow_limit(struct dp_netdev *dp, uint32_t limit)
{
    __atomic_store_n(&dp->flow_limit, limit, __ATOMIC_RELAXED);
}

void
dp_netdev_set_max_idle(struct dp_netdev *dp, uint32_t msec)
{
    __atomic_store_n(&dp->max_idle, msec, __ATOMIC_RELAXED);
}

void
dp_netdev_set_meter_cb(struct dp_netdev *dp, dp_meter_cb *cb)
{
    dp->meter_cb = cb;
}

void
dp_netdev_set_packet_in_cb(struct dp_netdev *dp, dp_packet_in_cb *cb)
{
    dp->packet_in_cb = cb;
}

uint64_t
dp_netdev_cache_gen(const struct dp_netdev *dp)
{
    return __atomic_load_n(&dp->cache_gen, __ATOMIC_ACQUIRE);
}

void
dp_netdev_revalidate(struct dp_netdev *dp)
{
    if (__atomic_load_n(&dp->reval_defer, __ATOMIC_ACQUIRE)) {
        __atomic_store_n(&dp->reval_pending, true, __ATOMIC_RELEASE);
        return;
    }
    __atomic_add_fetch(&dp->reval_seq, 1, __ATOMIC_ACQ_REL);
    coverage_inc(COVERAGE_dpif_revalidate);
}

void
dp_netdev_defer_revalidation(struct dp_netdev *dp, bool defer)
{
    if (defer) {
        __atomic_add_fetch(&dp->reval_defer, 1, __ATOMIC_ACQ_REL);
    } else if (!__atomic_sub_fetch(&dp->reval_defer, 1, __ATOMIC_ACQ_REL)
               && __atomic_exchange_n(&dp->reval_pending, false, __ATOMIC_ACQ_REL)) {
        dp_netdev_revalidate(dp);
    }
}

uint64_t
dp_netdev_reval_seq(const struct dp_netdev *dp)
{
    return __atomic_load_n(&dp->reval_seq, __ATOMIC_ACQUIRE);
}

/* Waits until PMD has applied cache generation GEN (gen_done only moves forward to values of
 * cache_gen). Returns 0, or -ETIMEDOUT once time_msec() passes DEADLINE. */
static int
pmd_wait_gen(const struct pmd_thread *pmd, uint64_t gen, long long deadline)
{
    while ((int64_t) (__atomic_load_n(&pmd->gen_done, __ATOMIC_ACQUIRE) - gen) < 0) {
        if (time_msec() > deadline) {
            return -ETIMEDOUT;
        }
        sched_yield();
    }
    return 0;
}

int
dp_netdev_sync_caches(struct dp_netdev *dp)
{
    uint64_t gen = __atomic_load_n(&dp->cache_gen, __ATOMIC_ACQUIRE);
    uint64_t rseq = __atomic_load_n(&dp->reval_seq, __ATOMIC_ACQUIRE);
    long long deadline = time_msec() + SYNC_TIMEOUT_MSEC;
    coverage_inc(COVERAGE_dpif_sync);
    int err = 0;

    for (unsigned i = 0; i < dp->n_pmds; i++) {
        struct pmd_thread *pmd = dp->pmds[i];
        /* gen_done only moves forward to values of cache_gen: wait for it to reach GEN. */
        if (pmd_wait_gen(pmd, gen, deadline)) {
            VLOG_WARN("pmd thread on core %u did not apply a cache invalidation within %d ms",
                      pmd->core_id, SYNC_TIMEOUT_MSEC);
            err = -ETIMEDOUT;
            break;
        }
        /* reval_done only moves forward to values of reval_seq: wait for it to reach RSEQ. */
        bool reval_late = false;
        while ((int64_t) (__atomic_load_n(&pmd->reval_done, __ATOMIC_ACQUIRE) - rseq) < 0) {
            if (time_msec() > deadline) {
                reval_late = true;
                break;
            }
            sched_yield();
        }
        if (reval_late) {
            /* The barrier must not be answered while a stale megaflow may still forward: give
             * up on the pass and flush instead (a flush aborts the pass and takes a PMD
             * iteration, not a pass). */
            VLOG_WARN("pmd thread on core %u did not finish revalidating its megaflows within "
                      "%d ms: flushing its caches instead", pmd->core_id, SYNC_TIMEOUT_MSEC);
            dp_netdev_flush_caches(dp);
            gen = __atomic_load_n(&dp->cache_gen, __ATOMIC_ACQUIRE);
            if (pmd_wait_gen(pmd, gen, time_msec() + SYNC_TIMEOUT_MSEC)) {
                VLOG_WARN("pmd thread on core %u did not apply a cache flush within %d ms",
                          pmd->core_id, SYNC_TIMEOUT_MSEC);
                err = -ETIMEDOUT;
                break;
            }
        }
    }
    return err;
}

int
dp_netdev_port_add(struct dp_netdev *dp, const char *name, const char *type, const char *devargs,
                   void *aux, uint32_t *dp_portp, char **errp)
{
    *errp = NULL;
    pthread_mutex_lock(&dp->mutex);
    uint32_t p;
    for (p = 1; p < DP_MAX_PORTS && dp->ports[p]; p++) {
        continue;
    }
    if (p >= DP_MAX_PORTS) {
        pthread_mutex_unlock(&dp->mutex);
        *errp = xasprintf("cannot add port %s: the datapath already has %d ports", name,
                          DP_MAX_PORTS - 1);
        return -ENOSPC;
    }
    /* One tx queue per PMD plus one for the main thread (packet-out). */
    unsigned n_txq = dp->n_pmds + 1;
    struct netdev_dpdk *dev = netdev_dpdk_open(name, type, devargs, n_txq, errp);
    if (!dev) {
        pthread_mutex_unlock(&dp->mutex);
        return -ENODEV;
    }
    for (unsigned q = 0; q < DP_MAX_PORTS; q++) {
        if (dp->ports[q] && dp->ports[q]->dev->port_id == dev->port_id) {
            *errp = xasprintf("cannot add port %s: its DPDK device '%s' is already used by port "
                              "%s", name, dev->devargs, dp->ports[q]->name);
            /* Not ours to close: the other port owns it. */
            free(dev->name);
            free(dev->type);
            free(dev->devargs);
            free(dev);
            pthread_mutex_unlock(&dp->mutex);
            return -EBUSY;
        }
    }
    netdev_dpdk_set_n_senders(dev, dp->n_pmds + 1);
    struct dp_port *port = xzalloc(sizeof *port);
    port->dp_port = p;
    port->name = xstrdup(name);
    port->aux = aux;
    port->dev = dev;
    port->link_up = netdev_dpdk_link_up(dev, NULL, NULL);
    for (unsigned q = 0; q < NETDEV_MAX_RXQ; q++) {
        port->rxq_affinity[q] = -1;
    }
    __atomic_store_n(&dp->ports[p], port, __ATOMIC_RELEASE);
    dp->n_ports++;
    coverage_inc(COVERAGE_port_add);
    __atomic_add_fetch(&dp->cache_gen, 1, __ATOMIC_ACQ_REL);
    dp_reload_pmds(dp);
    pthread_mutex_unlock(&dp->mutex);
    *dp_portp = p;
    return 0;
}

void
dp_netdev_port_del(struct dp_netdev *dp, uint32_t p)
{
    if (p >= DP_MAX_PORTS) {
        return;
    }
    pthread_mutex_lock(&dp->mutex);
    struct dp_port *port = dp->ports[p];
    if (port) {
        __atomic_store_n(&dp->ports[p], NULL, __ATOMIC_RELEASE);
        dp->n_ports--;
        coverage_inc(COVERAGE_port_del);
        __atomic_add_fetch(&dp->cache_gen, 1, __ATOMIC_ACQ_REL);
        dp_reload_pmds(dp);     /* After this no PMD polls or holds the port. */
        netdev_dpdk_close(port->dev);
        free(port->affinity_spec);
        free(port->name);
        free(port);
    }
    pthread_mutex_unlock(&dp->mutex);
}

int
dp_netdev_port_get_stats(struct dp_netdev *dp, uint32_t p, struct dp_port_stats *s)
{
    memset(s, 0, sizeof *s);
    if (p >= DP_MAX_PORTS || !dp->ports[p]) {
        return -ENOENT;
    }
    struct dp_port *port = dp->ports[p];
    struct netdev_stats ns;
    int err = netdev_dpdk_get_stats(port->dev, &ns);
    s->rx_packets = ns.rx_packets;
    s->rx_bytes = ns.rx_bytes;
    s->rx_errors = ns.rx_errors;
    s->rx_missed = ns.rx_missed;
    s->tx_packets = ns.tx_packets;
    s->tx_bytes = ns.tx_bytes;
    s->tx_errors = ns.tx_errors;
    for (int r = 0; r < DP_N_DROP_REASONS; r++) {
        s->drops[r] = __atomic_load_n(&port->drops[r], __ATOMIC_RELAXED);
    }
    return err;
}

bool
dp_netdev_port_get_info(struct dp_netdev *dp, uint32_t p, struct eth_addr *mac, bool *link_up,
                        uint32_t *speed_mbps, uint16_t *mtu)
{
    if (p >= DP_MAX_PORTS || !dp->ports[p]) {
        return false;
    }
    struct netdev_dpdk *dev = dp->ports[p]->dev;
    if (mac) {
        *mac = dev->mac;
    }
    bool up = netdev_dpdk_link_up(dev, speed_mbps, NULL);
    if (link_up) {
        *link_up = up;
    }
    if (mtu && netdev_dpdk_get_mtu(dev, mtu)) {
        *mtu = 1500;
    }
    return true;
}

void
dp_netdev_flush_caches(struct dp_netdev *dp)
{
    __atomic_add_fetch(&dp->cache_gen, 1, __ATOMIC_ACQ_REL);
    coverage_inc(COVERAGE_dpif_flush);
}

static void
dp_drain_stats(struct dp_netdev *dp)
{
    for (unsigned i = 0; i < dp->n_pmds; i++) {
        struct stats_entry e;
        /* Bounded per call so a flood of deltas cannot stall the main loop. */
        for (int k = 0; k < 4096; k++) {
            if (rte_ring_sc_dequeue_elem(dp->pmds[i]->stats_ring, &e, sizeof e)) {
                break;
            }
            if (dp->stats_cb) {
                dp->stats_cb(e.rule_id, e.packets, e.bytes, e.used);
            }
        }
    }
}

/* Refreshes each port's link flag, which the PMDs consult before transmitting. */
static void
dp_check_links(struct dp_netdev *dp)
{
    pthread_mutex_lock(&dp->mutex);
    for (unsigned p = 0; p < DP_MAX_PORTS; p++) {
        struct dp_port *port = dp->ports[p];
        if (port) {
            bool up = netdev_dpdk_link_up(port->dev, NULL, NULL);
            if (up != port->link_up) {
                VLOG_INFO("port %s: link is %s", port->name, up ? "up" : "down");
                __atomic_store_n(&port->link_up, up, __ATOMIC_RELAXED);
            }
        }
    }
    pthread_mutex_unlock(&dp->mutex);
}

void
dp_netdev_run(struct dp_netdev *dp)
{
    dp_drain_stats(dp);
    dp_deliver_packet_ins(dp);
    long long now = time_msec();
    coverage_run(now);
    if (now >= dp->next_link_check) {
        dp_check_links(dp);
        dp->next_link_check = now + 1000;
    }
}

void
dp_netdev_wait(struct dp_netdev *dp)
{
    /* Counters arrive every STATS_PUSH_MSEC; poll for them at that pace. */
    poll_timer_wait(STATS_PUSH_MSEC);
    if (dp->pi_pipe[0] >= 0) {
        poll_fd_wait(dp->pi_pipe[0], POLLIN);
    }
    poll_timer_wait_until(dp->next_link_check);
}

const struct netdev_dpdk *
dp_netdev_port_get_netdev(struct dp_netdev *dp, uint32_t p)
{
    return p < DP_MAX_PORTS && dp->ports[p] ? dp->ports[p]->dev : NULL;
}
