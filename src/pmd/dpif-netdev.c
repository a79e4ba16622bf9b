/* dpif-netdev — the userspace datapath. See dpif-netdev.h for the design. */
#include "pmd/dpif-netdev.h"

#include <errno.h>
#include <inttypes.h>
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

#include "lib/poll-loop.h"
#include "lib/vlog.h"
#include "pmd/dpcls.h"
#include "pmd/emc.h"
#include "pmd/netdev-dpdk.h"

VLOG_DEFINE_THIS_MODULE(dpif_netdev);

#define PMD_BURST 32
#define PMD_MAX 64
#define STATS_RING_SIZE 65536
#define STATS_PUSH_MSEC 250
#define DEFAULT_FLOW_LIMIT 200000
#define DEFAULT_EMC_INV_PROB 100
#define RELOAD_TIMEOUT_MSEC 5000

/* ---- Types. ---- */

/* A port. Written by the main thread; PMDs read 'dev', 'dp_port' and the atomic drop counters.
 * A port pointer stays valid until every PMD acknowledged the reload that stopped using it. */
struct dp_port {
    uint32_t dp_port;
    char *name;
    void *aux;                      /* Upcall context (the bridge's port). */
    struct netdev_dpdk *dev;
    bool link_up;                   /* __atomic: refreshed by the main thread every second. */
    uint64_t drops[DP_N_DROP_REASONS];  /* __atomic relaxed adds from PMDs. */
};

/* One rx queue in a PMD's poll list. */
struct pmd_rxq {
    struct dp_port *port;
    uint16_t qid;
};

/* Per-PMD counters. Written by the PMD with relaxed stores, read by the main thread. */
enum pmd_stat {
    PMD_STAT_RX,
    PMD_STAT_EMC_HIT,
    PMD_STAT_MEGAFLOW_HIT,
    PMD_STAT_MISS,
    PMD_STAT_UPCALL_OK,
    PMD_STAT_UPCALL_FAIL,
    PMD_STAT_NOT_INSTALLED,
    PMD_STAT_TX_BATCHES,
    PMD_STAT_TX_PACKETS,
    PMD_STAT_CYCLES_IDLE,
    PMD_STAT_CYCLES_BUSY,
    PMD_STAT_FLUSHES,
    PMD_N_STATS
};

/* Output batch for one port. */
struct pmd_txbuf {
    uint16_t n;
    struct rte_mbuf *pkts[PMD_BURST];
};

struct stats_entry {
    uint64_t rule_id;
    uint64_t packets;
    uint64_t bytes;
    int64_t used;
};

struct pmd_thread {
    struct dp_netdev *dp;
    unsigned core_id;
    unsigned index;                 /* Tx queue id. */
    pthread_t thread;
    bool exit_requested;            /* __atomic. */

    /* Poll list handed over by the main thread under 'mutex'. */
    pthread_mutex_t mutex;
    struct pmd_rxq *pending_rxqs;
    unsigned n_pending_rxqs;
    uint64_t reload_done;           /* __atomic: last reload_seq acted on. */

    /* Private to the PMD thread. */
    struct pmd_rxq *rxqs;
    unsigned n_rxqs;
    uint64_t reload_seen;
    uint64_t cache_gen;
    struct emc_cache *emc;
    struct dpcls *cls;
    struct pmd_txbuf *txbufs;       /* [DP_MAX_PORTS] */
    uint32_t *touched;              /* Ports with pending output. */
    unsigned n_touched;
    uint64_t next_push_tsc;
    long long now;                  /* time_msec(), refreshed every few iterations. */

    struct rte_ring *stats_ring;    /* PMD -> main: rule counter deltas. */
    uint64_t stats_ring_full;

    /* Dump request from the main thread: 'dump_req' set by main, cleared by PMD when done. */
    struct ds *dump_req;            /* __atomic. */
    struct ds *dump_ds;             /* PMD-private: the dump in progress. */

    uint64_t stats[PMD_N_STATS];
    uint64_t stats_base[PMD_N_STATS];  /* Main thread: values at the last pmd-stats-clear. */
};

struct dp_netdev {
    pthread_mutex_t mutex;          /* Protects ports[] changes and PMD list (main thread). */
    struct dp_port *ports[DP_MAX_PORTS];  /* __atomic loads by PMDs. */
    unsigned n_ports;
    struct pmd_thread *pmds[PMD_MAX];
    unsigned n_pmds;
    char *pmd_spec;
    uint64_t reload_seq;            /* __atomic. */
    uint64_t cache_gen;             /* __atomic. */
    uint32_t emc_inv_prob;          /* __atomic. */
    uint32_t flow_limit;            /* __atomic. */
    dp_upcall_cb *upcall_cb;
    dp_stats_cb *stats_cb;
    unsigned n_dp_created;
    long long next_link_check;      /* msec */
};

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

static inline void
pmd_stat_add(struct pmd_thread *pmd, enum pmd_stat s, uint64_t n)
{
    __atomic_store_n(&pmd->stats[s], pmd->stats[s] + n, __ATOMIC_RELAXED);
}

static inline void
port_drop(struct dp_port *port, enum dp_drop_reason r, uint64_t n)
{
    if (port) {
        __atomic_fetch_add(&port->drops[r], n, __ATOMIC_RELAXED);
    }
}

static void
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

static void
pmd_free_flow(struct dp_flow *flow, void *pmd_)
{
    pmd_push_flow_stats(flow, pmd_);
    rte_free(flow);
}

/* Removes every megaflow (after crediting its counters). */
static void
pmd_flush_flows(struct pmd_thread *pmd)
{
    emc_flush(pmd->emc);
    dpcls_flush(pmd->cls, pmd_free_flow, pmd);
    pmd_stat_add(pmd, PMD_STAT_FLUSHES, 1);
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

static inline void
pmd_output(struct pmd_thread *pmd, uint32_t p, struct rte_mbuf *m, struct dp_port *in_port)
{
    struct dp_port *out = p < DP_MAX_PORTS ? __atomic_load_n(&pmd->dp->ports[p], __ATOMIC_RELAXED)
                                           : NULL;
    if (unlikely(!out)) {
        port_drop(in_port, DP_DROP_NO_PORT, 1);
        rte_pktmbuf_free(m);
        return;
    }
    if (unlikely(!__atomic_load_n(&out->link_up, __ATOMIC_RELAXED))) {
        /* Like a NIC with no carrier: the packet cannot leave; count it on the egress port. */
        port_drop(out, DP_DROP_LINK_DOWN, 1);
        rte_pktmbuf_free(m);
        return;
    }
    struct pmd_txbuf *tb = &pmd->txbufs[p];
    if (!tb->n) {
        pmd->touched[pmd->n_touched++] = p;
    } else if (tb->n == PMD_BURST) {
        struct dp_port *port = __atomic_load_n(&pmd->dp->ports[p], __ATOMIC_ACQUIRE);
        uint16_t sent = netdev_dpdk_send(port->dev, pmd->index, tb->pkts, tb->n);
        if (sent < tb->n) {
            port_drop(port, DP_DROP_TX_FAILED, tb->n - sent);
        }
        pmd_stat_add(pmd, PMD_STAT_TX_BATCHES, 1);
        pmd_stat_add(pmd, PMD_STAT_TX_PACKETS, tb->n);
        tb->n = 0;
    }
    tb->pkts[tb->n++] = m;
}

/* Executes N_ACTIONS datapath ACTIONS on M (consumes M). */
static inline void
pmd_execute(struct pmd_thread *pmd, struct rte_mbuf *m, const struct dp_action *actions,
            uint32_t n_actions, struct dp_port *in_port)
{
    if (!n_actions) {
        port_drop(in_port, DP_DROP_ACTION_DROP, 1);
        rte_pktmbuf_free(m);
        return;
    }
    if (n_actions > 1) {
        rte_mbuf_refcnt_update(m, (int16_t) (n_actions - 1));
    }
    for (uint32_t i = 0; i < n_actions; i++) {
        /* DP_ACTION_OUTPUT is the only action type so far. */
        pmd_output(pmd, actions[i].port, m, in_port);
    }
}

/* Handles a packet that missed both caches: upcall, install, execute. */
static void
pmd_handle_miss(struct pmd_thread *pmd, struct rte_mbuf *m, const struct flow *key,
                struct dp_port *in_port)
{
    struct dp_netdev *dp = pmd->dp;
    struct dp_flow *flow = NULL;
    const struct flow *keys[1] = { key };

    /* An earlier packet of this batch may have installed a matching megaflow. */
    if (dpcls_lookup(pmd->cls, keys, 1, &flow) && flow) {
        pmd_stat_add(pmd, PMD_STAT_MEGAFLOW_HIT, 1);
        goto execute;
    }

    struct dp_upcall_result res;
    memset(&res.wc, 0, sizeof res.wc);
    res.actions.n = 0;
    res.rule_id = 0;
    pmd_stat_add(pmd, PMD_STAT_MISS, 1);
    int err = dp->upcall_cb
              ? dp->upcall_cb(in_port->aux, key, rte_pktmbuf_mtod(m, void *), m->data_len, &res)
              : -ENOENT;
    if (err) {
        pmd_stat_add(pmd, PMD_STAT_UPCALL_FAIL, 1);
        port_drop(in_port, err == -EAGAIN ? DP_DROP_HELD : DP_DROP_UPCALL_FAILED, 1);
        rte_pktmbuf_free(m);
        return;
    }
    pmd_stat_add(pmd, PMD_STAT_UPCALL_OK, 1);

    /* The datapath always matches the ingress port exactly. */
    res.wc.in_port = UINT32_MAX;
    if (dpcls_count(pmd->cls) >= __atomic_load_n(&dp->flow_limit, __ATOMIC_RELAXED)) {
        pmd_stat_add(pmd, PMD_STAT_NOT_INSTALLED, 1);
        pmd_execute(pmd, m, res.actions.a, res.actions.n, in_port);
        return;
    }
    size_t sz = sizeof *flow + res.actions.n * sizeof flow->actions[0];
    flow = rte_zmalloc_socket("dp_flow", sz, RTE_CACHE_LINE_SIZE, (int) rte_socket_id());
    if (!flow) {
        pmd_stat_add(pmd, PMD_STAT_NOT_INSTALLED, 1);
        pmd_execute(pmd, m, res.actions.a, res.actions.n, in_port);
        return;
    }
    flow->mask = res.wc;
    flow_apply_mask(&flow->key, key, &res.wc);
    flow->hash = flow_hash(&flow->key, 0);
    flow->created = pmd->now;
    flow->rule_id = res.rule_id;
    flow->n_actions = res.actions.n;
    memcpy(flow->actions, res.actions.a, res.actions.n * sizeof flow->actions[0]);
    if (dpcls_insert(pmd->cls, flow)) {
        rte_free(flow);
        pmd_stat_add(pmd, PMD_STAT_NOT_INSTALLED, 1);
        pmd_execute(pmd, m, res.actions.a, res.actions.n, in_port);
        return;
    }

execute:
    flow->n_packets++;
    flow->n_bytes += m->pkt_len;
    flow->used = pmd->now;
    emc_probabilistic_insert(pmd->emc, key, flow_hash(key, 0), flow,
                             __atomic_load_n(&dp->emc_inv_prob, __ATOMIC_RELAXED));
    pmd_execute(pmd, m, flow->actions, flow->n_actions, in_port);
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

    for (uint16_t i = 0; i < n; i++) {
        struct rte_mbuf *m = pkts[i];
        if (i + 1 < n) {
            rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
        }
        flow_extract(rte_pktmbuf_mtod(m, void *), m->data_len, in_port->dp_port, &keys[i]);
        hashes[i] = flow_hash(&keys[i], 0);
        flows[i] = inv_prob ? emc_lookup(pmd->emc, &keys[i], hashes[i]) : NULL;
        if (flows[i]) {
            emc_hits++;
        } else {
            miss_idx[n_miss] = i;
            miss_keys[n_miss++] = &keys[i];
        }
    }

    if (n_miss) {
        dpcls_lookup(pmd->cls, miss_keys, n_miss, miss_flows);
        for (unsigned j = 0; j < n_miss; j++) {
            uint16_t i = miss_idx[j];
            flows[i] = miss_flows[j];
            if (flows[i]) {
                mf_hits++;
                emc_probabilistic_insert(pmd->emc, &keys[i], hashes[i], flows[i], inv_prob);
            }
        }
    }
    pmd_stat_add(pmd, PMD_STAT_EMC_HIT, emc_hits);
    pmd_stat_add(pmd, PMD_STAT_MEGAFLOW_HIT, mf_hits);

    for (uint16_t i = 0; i < n; i++) {
        struct dp_flow *flow = flows[i];
        if (likely(flow != NULL)) {
            flow->n_packets++;
            flow->n_bytes += pkts[i]->pkt_len;
            flow->used = pmd->now;
            pmd_execute(pmd, pkts[i], flow->actions, flow->n_actions, in_port);
        } else {
            pmd_handle_miss(pmd, pkts[i], &keys[i], in_port);
        }
    }
}

/* Formats one megaflow like ovs-appctl dpctl/dump-flows does. */
static void
pmd_dump_flow(struct dp_flow *flow, void *pmd_)
{
    struct pmd_thread *pmd = pmd_;
    struct ds *ds = pmd->dump_ds;
    char *match = flow_to_string(&flow->key, &flow->mask);

    ds_put_format(ds, "%s, packets:%" PRIu64 ", bytes:%" PRIu64 ", used:", match,
                  flow->n_packets, flow->n_bytes);
    if (flow->used) {
        ds_put_format(ds, "%.3fs", (double) (pmd->now - flow->used) / 1000.0);
    } else {
        ds_put_cstr(ds, "never");
    }
    ds_put_cstr(ds, ", actions:");
    if (!flow->n_actions) {
        ds_put_cstr(ds, "drop");
    }
    for (uint32_t i = 0; i < flow->n_actions; i++) {
        ds_put_format(ds, "%s%" PRIu32, i ? "," : "", flow->actions[i].port);
    }
    ds_put_char(ds, '\n');
    free(match);
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
    }

    uint64_t gen = __atomic_load_n(&dp->cache_gen, __ATOMIC_ACQUIRE);
    if (gen != pmd->cache_gen) {
        pmd->cache_gen = gen;
        pmd_flush_flows(pmd);
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
        uint64_t t0 = rte_rdtsc();
        uint64_t got = 0;

        for (unsigned i = 0; i < pmd->n_rxqs; i++) {
            struct pmd_rxq *rxq = &pmd->rxqs[i];
            uint16_t n = netdev_dpdk_rx_burst(rxq->port->dev, rxq->qid, pkts, PMD_BURST);
            if (n) {
                got += n;
                pmd_process_batch(pmd, rxq->port, pkts, n);
                pmd_tx_flush(pmd);
            }
        }
        uint64_t t1 = rte_rdtsc();
        if (got) {
            pmd_stat_add(pmd, PMD_STAT_RX, got);
            pmd_stat_add(pmd, PMD_STAT_CYCLES_BUSY, t1 - t0);
        } else {
            pmd_stat_add(pmd, PMD_STAT_CYCLES_IDLE, t1 - t0);
        }

        if (!(++iter & 0xf)) {
            pmd->now = time_msec();
            pmd_check_control(pmd);
            if (t1 >= pmd->next_push_tsc) {
                dpcls_foreach(pmd->cls, pmd_push_flow_stats, pmd);
                dpcls_sort_subtables(pmd->cls);
                pmd->next_push_tsc = t1 + push_interval;
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
    if (!pmd->emc || !pmd->cls || !pmd->txbufs || !pmd->touched || !pmd->stats_ring) {
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
    free(pmd->rxqs);
    free(pmd->pending_rxqs);
    pthread_mutex_destroy(&pmd->mutex);
    rte_free(pmd);
}

/* Distributes rx queues over the PMDs round-robin, publishes, and waits for every PMD to act.
 * Caller holds dp->mutex. */
static void
dp_reload_pmds(struct dp_netdev *dp)
{
    unsigned n_rxq_total = 0;

    for (unsigned p = 0; p < DP_MAX_PORTS; p++) {
        if (dp->ports[p]) {
            n_rxq_total += dp->ports[p]->dev->n_rxq;
        }
    }
    for (unsigned i = 0; i < dp->n_pmds; i++) {
        struct pmd_thread *pmd = dp->pmds[i];
        pthread_mutex_lock(&pmd->mutex);
        free(pmd->pending_rxqs);
        pmd->pending_rxqs = xcalloc(n_rxq_total ? n_rxq_total : 1, sizeof *pmd->pending_rxqs);
        pmd->n_pending_rxqs = 0;
        pthread_mutex_unlock(&pmd->mutex);
    }
    unsigned k = 0;
    for (unsigned p = 0; p < DP_MAX_PORTS && dp->n_pmds; p++) {
        struct dp_port *port = dp->ports[p];
        if (!port) {
            continue;
        }
        for (uint16_t q = 0; q < port->dev->n_rxq; q++) {
            struct pmd_thread *pmd = dp->pmds[k++ % dp->n_pmds];
            pthread_mutex_lock(&pmd->mutex);
            pmd->pending_rxqs[pmd->n_pending_rxqs].port = port;
            pmd->pending_rxqs[pmd->n_pending_rxqs].qid = q;
            pmd->n_pending_rxqs++;
            pthread_mutex_unlock(&pmd->mutex);
        }
    }
    uint64_t seq = __atomic_add_fetch(&dp->reload_seq, 1, __ATOMIC_ACQ_REL);
    long long deadline = time_msec() + RELOAD_TIMEOUT_MSEC;
    for (unsigned i = 0; i < dp->n_pmds; i++) {
        while (__atomic_load_n(&dp->pmds[i]->reload_done, __ATOMIC_ACQUIRE) != seq) {
            if (time_msec() > deadline) {
                VLOG_ERR("pmd thread on core %u did not take its new poll list within %d ms",
                         dp->pmds[i]->core_id, RELOAD_TIMEOUT_MSEC);
                break;
            }
            usleep(100);
        }
    }
}

struct dp_netdev *
dp_netdev_create(void)
{
    struct dp_netdev *dp = xzalloc(sizeof *dp);

    pthread_mutex_init(&dp->mutex, NULL);
    dp->emc_inv_prob = DEFAULT_EMC_INV_PROB;
    dp->flow_limit = DEFAULT_FLOW_LIMIT;
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
            free(dp->ports[p]->name);
            free(dp->ports[p]);
            dp->ports[p] = NULL;
        }
    }
    pthread_mutex_unlock(&dp->mutex);
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
    int err = 0;
    for (int i = 0; i < n; i++) {
        struct pmd_thread *pmd = pmd_create(dp, cores[i], (unsigned) i, errp);
        if (!pmd) {
            err = -ENOMEM;
            break;
        }
        dp->pmds[dp->n_pmds++] = pmd;
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
    unsigned n_txq = dp->n_pmds ? dp->n_pmds : 1;
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
    struct dp_port *port = xzalloc(sizeof *port);
    port->dp_port = p;
    port->name = xstrdup(name);
    port->aux = aux;
    port->dev = dev;
    port->link_up = netdev_dpdk_link_up(dev, NULL, NULL);
    __atomic_store_n(&dp->ports[p], port, __ATOMIC_RELEASE);
    dp->n_ports++;
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
        __atomic_add_fetch(&dp->cache_gen, 1, __ATOMIC_ACQ_REL);
        dp_reload_pmds(dp);     /* After this no PMD polls or holds the port. */
        netdev_dpdk_close(port->dev);
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
    long long now = time_msec();
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
    poll_timer_wait_until(dp->next_link_check);
}

static uint64_t
pmd_stat(const struct pmd_thread *pmd, enum pmd_stat s)
{
    return __atomic_load_n(&pmd->stats[s], __ATOMIC_RELAXED) - pmd->stats_base[s];
}

void
dp_netdev_pmd_stats_show(struct dp_netdev *dp, struct ds *ds)
{
    for (unsigned i = 0; i < dp->n_pmds; i++) {
        struct pmd_thread *pmd = dp->pmds[i];
        uint64_t rx = pmd_stat(pmd, PMD_STAT_RX);
        uint64_t emc = pmd_stat(pmd, PMD_STAT_EMC_HIT);
        uint64_t mf = pmd_stat(pmd, PMD_STAT_MEGAFLOW_HIT);
        uint64_t ok = pmd_stat(pmd, PMD_STAT_UPCALL_OK);
        uint64_t fail = pmd_stat(pmd, PMD_STAT_UPCALL_FAIL);
        uint64_t batches = pmd_stat(pmd, PMD_STAT_TX_BATCHES);
        uint64_t txp = pmd_stat(pmd, PMD_STAT_TX_PACKETS);
        uint64_t idle = pmd_stat(pmd, PMD_STAT_CYCLES_IDLE);
        uint64_t busy = pmd_stat(pmd, PMD_STAT_CYCLES_BUSY);
        double total = (double) (idle + busy);

        ds_put_format(ds, "pmd thread numa_id %d core_id %u:\n",
                      (int) rte_lcore_to_socket_id(rte_get_main_lcore()), pmd->core_id);
        ds_put_format(ds, "  packets received: %" PRIu64 "\n", rx);
        ds_put_format(ds, "  emc hits: %" PRIu64 "\n", emc);
        ds_put_format(ds, "  megaflow hits: %" PRIu64 "\n", mf);
        ds_put_format(ds, "  miss with success upcall: %" PRIu64 "\n", ok);
        ds_put_format(ds, "  miss with failed upcall: %" PRIu64 "\n", fail);
        ds_put_format(ds, "  miss not installed (flow limit or no memory): %" PRIu64 "\n",
                      pmd_stat(pmd, PMD_STAT_NOT_INSTALLED));
        ds_put_format(ds, "  avg. packets per output batch: %.2f\n",
                      batches ? (double) txp / (double) batches : 0.0);
        ds_put_format(ds, "  idle cycles: %" PRIu64 " (%.2f%%)\n", idle,
                      total ? idle / total * 100 : 0.0);
        ds_put_format(ds, "  processing cycles: %" PRIu64 " (%.2f%%)\n", busy,
                      total ? busy / total * 100 : 0.0);
        if (rx) {
            ds_put_format(ds, "  avg cycles per packet: %.2f (%" PRIu64 "/%" PRIu64 ")\n",
                          total / (double) rx, (uint64_t) total, rx);
            ds_put_format(ds, "  avg processing cycles per packet: %.2f (%" PRIu64 "/%" PRIu64
                          ")\n", (double) busy / (double) rx, busy, rx);
        }
        ds_put_format(ds, "  megaflows: %zu, cache flushes: %" PRIu64 "\n",
                      dpcls_count(pmd->cls), pmd_stat(pmd, PMD_STAT_FLUSHES));
    }
    if (!dp->n_pmds) {
        ds_put_cstr(ds, "no pmd threads\n");
    }
}

void
dp_netdev_pmd_stats_clear(struct dp_netdev *dp)
{
    for (unsigned i = 0; i < dp->n_pmds; i++) {
        struct pmd_thread *pmd = dp->pmds[i];
        for (int s = 0; s < PMD_N_STATS; s++) {
            pmd->stats_base[s] = __atomic_load_n(&pmd->stats[s], __ATOMIC_RELAXED);
        }
    }
}

void
dp_netdev_dump_flows(struct dp_netdev *dp, struct ds *ds)
{
    for (unsigned i = 0; i < dp->n_pmds; i++) {
        struct pmd_thread *pmd = dp->pmds[i];
        __atomic_store_n(&pmd->dump_req, ds, __ATOMIC_RELEASE);
        long long deadline = time_msec() + 1000;
        while (__atomic_load_n(&pmd->dump_req, __ATOMIC_ACQUIRE)) {
            if (time_msec() > deadline) {
                /* The PMD owns 'ds' until it clears the request: wait, it will. */
                VLOG_WARN("pmd thread on core %u is slow to answer a flow dump", pmd->core_id);
                deadline = time_msec() + 1000;
            }
            usleep(100);
        }
    }
}

const struct netdev_dpdk *
dp_netdev_port_get_netdev(struct dp_netdev *dp, uint32_t p)
{
    return p < DP_MAX_PORTS && dp->ports[p] ? dp->ports[p]->dev : NULL;
}
