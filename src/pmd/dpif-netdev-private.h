/*
 * dpif-netdev-private — the datapath's internal types, shared by dpif-netdev.c (threads, packet
 * path, configuration), dpif-netdev-exec.c (the action executor), dpif-netdev-rxq.c (rx queue
 * placement), dpif-netdev-reval.c (revalidator) and dpif-netdev-show.c (statistics and flow
 * dumps), and the output and execute fast path as static inline functions. Not for other modules:
 * the public interface is pmd/dpif-netdev.h.
 *
 * Thread-safety of each struct is stated at the struct; in short: the main thread owns struct
 * dp_netdev and the port table (under dp->mutex); each PMD owns its struct pmd_thread's private
 * part, its EMC and its classifier; counters are relaxed atomics written by one thread.
 */
#ifndef UVS_DPIF_NETDEV_PRIVATE_H
#define UVS_DPIF_NETDEV_PRIVATE_H 1

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "lib/util.h"
#include "pmd/dp-flow.h"
#include "pmd/dpcls.h"
#include "pmd/dpif-netdev.h"
#include "pmd/emc.h"
#include "pmd/netdev-dpdk.h"

#define PMD_BURST 32
#define PMD_MAX 64
#define STATS_RING_SIZE 65536
#define STATS_PUSH_MSEC 250
#define DEFAULT_FLOW_LIMIT 200000
#define DEFAULT_EMC_INV_PROB 100
#define RELOAD_TIMEOUT_MSEC 5000
#define SYNC_TIMEOUT_MSEC 2000
#define DEFAULT_MAX_IDLE_MSEC 10000
#define OVER_LIMIT_MAX_IDLE_MSEC 100
#define AGE_INTERVAL_MSEC 500     /* How often a PMD looks for idle megaflows (a full walk). */
#define AGE_MAX_PER_PASS 4096     /* Megaflows removed per aging pass, at most (bounded work). */
#define PUSH_SLICE 2048           /* Megaflows whose counters are pushed per control check. */
#define PI_RING_SIZE 1024         /* Packet-ins queued per PMD. */
#define MAIN_PI_MAX 256           /* Packet-ins queued by dp_netdev_execute(). */
#define RECIRC_MAX_DEPTH 6
#define EMC_WINDOW 65536          /* Adaptive EMC: lookups per probe window. */
#define EMC_MIN_HIT_INV 4         /* Bypass the EMC when fewer than 1 in 4 lookups hit... */
#define EMC_BYPASS_BATCHES 65536  /* ...for this many batches (about 2M packets). */
#define SYSCALL_RXQ_EVERY 32      /* Poll tap (system call) queues once per this many loops. */
#define OFPR_INVALID_TTL_ 2       /* OpenFlow 1.3.5 §7.4.1 ofp_packet_in_reason. */
#define REVAL_SLICE 32            /* Megaflows re-translated per PMD loop iteration, at most:
                                     ~80 us at ~2.5 us each, less than a 2048-descriptor rx
                                     ring takes to fill at 14.88 Mpps (~140 us). */
#define REVAL_FLUSH_ABOVE 200000  /* A PMD holding more megaflows flushes instead (see
                                     docs/performance.md, "Revalidation"). */
#define DEFAULT_UPCALL_RATE 200000 /* Upcalls per second per PMD (other_config:upcall-rate). */
#define UPCALL_BURST_MSEC 10      /* Token bucket depth: this many ms of upcall-rate. */
#define UPCALLS_PER_BATCH PMD_BURST /* Upcalls per rx batch, at most (misses past it drop). */

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

    /* Rx queue placement (main thread only, under dp->mutex). */
    int rxq_affinity[NETDEV_MAX_RXQ];   /* pmd-rxq-affinity: core of each queue, -1 = none. */
    char *affinity_spec;                /* The pmd-rxq-affinity string applied, or NULL. */
    uint64_t rxq_cycles[NETDEV_MAX_RXQ];/* Busy cycles per second measured per queue when the
                                           queues were last reassigned (pmd-rxq-assign=cycles). */
};

/* other_config:pmd-rxq-assign. */
enum rxq_assign {
    RXQ_ASSIGN_CYCLES,          /* Busiest queues first, spread over the PMDs in a zig-zag. */
    RXQ_ASSIGN_ROUNDROBIN,      /* In port order, one queue per PMD in turn. */
    RXQ_ASSIGN_GROUP,           /* Busiest first, each to the least loaded PMD so far. */
};

/* One rx queue in a PMD's poll list. */
struct pmd_rxq {
    struct dp_port *port;
    uint16_t qid;
    uint16_t stat_idx;              /* Index in pmd_thread.rxq_stats. */
};

/* Per-rxq processing cycles, published by the PMD for pmd-rxq-show: entries [0, n_rxq_stats) are
 * rewritten by the PMD when it takes a new poll list; 'cycles' is a relaxed atomic counter. */
#define PMD_MAX_RXQ_STATS 64
struct pmd_rxq_stat {
    uint32_t dp_port;
    uint16_t qid;
    uint64_t cycles;                /* __atomic: rte_rdtsc() cycles spent on its bursts. */
    uint64_t since_tsc;             /* When the PMD took the queue. */
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
    PMD_STAT_AGED,
    PMD_STAT_EMC_BYPASSES,
    PMD_STAT_SUBTABLE_PROBES,
    PMD_STAT_ITERATIONS,            /* Poll loop iterations. */
    PMD_STAT_BUSY_ITERATIONS,       /* Iterations that received packets. */
    PMD_STAT_RX_BATCHES,            /* Non-empty rx bursts. */
    PMD_STAT_REVAL_CHECKED,         /* Megaflows re-translated by the revalidator. */
    PMD_STAT_REVAL_UPDATED,         /* ...whose actions were rewritten in place. */
    PMD_STAT_REVAL_DELETED,         /* ...that were removed (mask or translation changed). */
    PMD_STAT_REVAL_PASSES,          /* Revalidation passes completed. */
    PMD_STAT_UPCALL_LIMITED,        /* Misses dropped by the upcall rate/batch bound. */
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
    bool isolated;                  /* __atomic: polls only queues pinned to it (affinity). */
    pthread_t thread;
    bool exit_requested;            /* __atomic. */

    /* Poll list handed over by the main thread under 'mutex'. */
    pthread_mutex_t mutex;
    struct pmd_rxq *pending_rxqs;
    unsigned n_pending_rxqs;
    uint64_t reload_done;           /* __atomic: last reload_seq acted on. */
    uint64_t gen_done;              /* __atomic: last cache_gen fully applied (sync_caches). */
    uint64_t reval_done;            /* __atomic: last dp->reval_seq fully revalidated. */

    /* Private to the PMD thread. */
    struct pmd_rxq *rxqs;
    unsigned n_rxqs;
    uint64_t reload_seen;
    uint64_t cache_gen;
    struct emc_cache *emc;
    struct dpcls *cls;
    /* Every megaflow in 'cls', densely (dp_flow.pmd_idx is its index): walked in bounded slices
     * for counters, aging and revalidation instead of iterating the classifier's hash tables. */
    struct dp_flow **flows;
    size_t n_flows, alloc_flows;
    size_t push_pos;                /* Next megaflow of the counter push in progress. */
    bool push_active;
    struct pmd_txbuf *txbufs;       /* [DP_MAX_PORTS] */
    uint32_t *touched;              /* Ports with pending output. */
    unsigned n_touched;
    uint64_t next_push_tsc;
    long long now;                  /* time_msec(), refreshed every few iterations. */

    struct rte_ring *stats_ring;    /* PMD -> main: rule counter deltas. */
    struct rte_ring *pi_ring;       /* PMD -> main: struct dp_pi_msg * (packet-ins). */
    long long next_age;             /* time_msec() of the next aging pass. */
    uint32_t emc_bypass;            /* Batches left to skip the EMC (adaptive EMC). */
    uint64_t emc_win_lookups;       /* EMC lookups / hits in the current probe window. */
    uint64_t emc_win_hits;
    uint64_t stats_ring_full;

    /* Dump request from the main thread: 'dump_req' set by main, cleared by PMD when done. */
    struct ds *dump_req;            /* __atomic. */
    struct ds *dump_ds;             /* PMD-private: the dump in progress. */

    struct pmd_rxq_stat rxq_stats[PMD_MAX_RXQ_STATS];
    unsigned n_rxq_stats;           /* __atomic. */

    struct dp_upcall_result upcall_res;   /* PMD-private scratch for upcalls (large). */

    /* Revalidation pass in progress (PMD-private; dpif-netdev-reval.c). 'reval_flows' holds the
     * megaflows still to check, [reval_pos, n_reval); 'grave' the ones removed from the
     * classifier this pass, freed once the EMC has been swept of them at the end of the pass. */
    bool reval_active;
    uint64_t reval_target;          /* dp->reval_seq the pass brings every megaflow up to. */
    struct dp_flow **reval_flows;
    size_t n_reval, reval_pos, alloc_reval;
    struct dp_flow **grave;
    size_t n_grave, alloc_grave;

    /* Upcall token bucket (PMD-private): tokens are upcalls, refilled at dp->upcall_rate. */
    uint64_t upcall_tokens_milli;   /* Tokens x 1000. */
    uint64_t upcall_refill_tsc;     /* rte_rdtsc() of the last refill. */
    unsigned batch_upcalls;         /* Upcalls in the current rx batch. */

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
    uint32_t max_idle;              /* __atomic, msec. */
    enum rxq_assign rxq_assign;     /* Main thread, under mutex. */
    dp_upcall_cb *upcall_cb;
    dp_revalidate_cb *revalidate_cb;
    uint64_t reval_seq;             /* __atomic: moves on every dp_netdev_revalidate(). */
    uint32_t reval_defer;           /* __atomic: dp_netdev_defer_revalidation() nesting. */
    bool reval_pending;             /* __atomic: a revalidation was deferred. */
    uint32_t upcall_rate;           /* __atomic: upcalls per second per PMD, 0 = unlimited. */
    dp_stats_cb *stats_cb;
    dp_meter_cb *meter_cb;
    dp_packet_in_cb *packet_in_cb;
    int pi_pipe[2];                 /* PMD -> main wake-up for packet-ins (non-blocking). */
    bool pi_wake;                   /* __atomic: a wake-up byte is in the pipe. */
    struct dp_pi_msg *main_pi[MAIN_PI_MAX];   /* Main thread's own packet-ins (execute). */
    unsigned n_main_pi;
    unsigned n_dp_created;
    long long next_link_check;      /* msec */
};


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

/* ---- Action execution (dpif-netdev-exec.c). ---- */

/* Where actions run: PMD (batched output on its tx queues) or main thread (PMD == NULL). */
struct exec_ctx {
    struct dp_netdev *dp;
    struct pmd_thread *pmd;
    struct dp_port *in_port;        /* NULL: none (packet-out). */
    uint32_t in_dp_port;
    const struct flow *tnl;         /* A decapsulated packet's key, whose tunnel fields go into
                                       its packet-ins; NULL: no tunnel metadata. */
};

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

/* Queues the N packets PKTS for datapath port P (the fast path for a run of packets of one
 * single-output megaflow: the port is looked up once for the run). */
static inline void
pmd_output_bulk(struct pmd_thread *pmd, uint32_t p, struct rte_mbuf **pkts, unsigned n,
                struct dp_port *in_port)
{
    struct dp_port *out = p < DP_MAX_PORTS ? __atomic_load_n(&pmd->dp->ports[p], __ATOMIC_RELAXED)
                                           : NULL;
    if (unlikely(!out)) {
        port_drop(in_port, DP_DROP_NO_PORT, n);
        rte_pktmbuf_free_bulk(pkts, n);
        return;
    }
    if (unlikely(!__atomic_load_n(&out->link_up, __ATOMIC_RELAXED))) {
        port_drop(out, DP_DROP_LINK_DOWN, n);
        rte_pktmbuf_free_bulk(pkts, n);
        return;
    }
    struct pmd_txbuf *tb = &pmd->txbufs[p];
    if (!tb->n) {
        pmd->touched[pmd->n_touched++] = p;
    }
    for (unsigned i = 0; i < n; i++) {
        if (unlikely(tb->n == PMD_BURST)) {
            uint16_t sent = netdev_dpdk_send(out->dev, pmd->index, tb->pkts, tb->n);
            if (sent < tb->n) {
                port_drop(out, DP_DROP_TX_FAILED, tb->n - sent);
            }
            pmd_stat_add(pmd, PMD_STAT_TX_BATCHES, 1);
            pmd_stat_add(pmd, PMD_STAT_TX_PACKETS, tb->n);
            tb->n = 0;
        }
        tb->pkts[tb->n++] = pkts[i];
    }
}

/* The general executor: runs the N ACTIONS on M in order and consumes M (dpif-netdev-exec.c).
 * DEPTH counts recirculations and tunnel pops so far (at most RECIRC_MAX_DEPTH). */
void exec_actions(const struct exec_ctx *, struct rte_mbuf *m, const struct dp_action *actions,
                  uint32_t n, unsigned depth);

/* Executes megaflow FLOW's actions on M (consumes M). The fast path (output only) shares M
 * between outputs by reference count. */
static inline void
pmd_execute(struct pmd_thread *pmd, struct rte_mbuf *m, const struct dp_flow *flow,
            struct dp_port *in_port, const struct flow *tnl, unsigned depth)
{
    uint32_t n_actions = flow->n_actions;

    if (likely(flow->output_only)) {
        if (unlikely(!n_actions)) {
            port_drop(in_port, DP_DROP_ACTION_DROP, 1);
            rte_pktmbuf_free(m);
            return;
        }
        if (n_actions > 1) {
            rte_mbuf_refcnt_update(m, (int16_t) (n_actions - 1));
        }
        for (uint32_t i = 0; i < n_actions; i++) {
            pmd_output(pmd, flow->actions[i].port, m, in_port);
        }
        return;
    }
    struct exec_ctx ctx = { pmd->dp, pmd, in_port, in_port->dp_port, tnl };
    exec_actions(&ctx, m, flow->actions, n_actions, depth);
}

/* Handles a packet that missed both caches: upcall, install, execute; consumes M
 * (dpif-netdev.c). PMD thread. */
void pmd_handle_miss(struct pmd_thread *, struct rte_mbuf *m, const struct flow *key,
                     struct dp_port *in_port, unsigned depth);
/* Hands queued packet-ins (the main thread's own, then at most 64 from each PMD's ring) to the
 * packet-in callback (dpif-netdev-exec.c). Main thread. */
void dp_deliver_packet_ins(struct dp_netdev *);

/* Places every rx queue on a PMD thread (pmd-rxq-affinity pins first, then pmd-rxq-assign),
 * publishes the poll lists and waits up to RELOAD_TIMEOUT_MSEC for every PMD to take its own
 * (dpif-netdev-rxq.c). Main thread, holding dp->mutex. */
void dp_reload_pmds(struct dp_netdev *);

/* Revalidator (dpif-netdev-reval.c), PMD thread only. pmd_reval_run() starts a pass when
 * dp->reval_seq moved, or re-translates up to REVAL_SLICE megaflows of the pass in progress, and
 * when the pass is complete publishes reval_done. pmd_reval_abort() forgets the pass (after a
 * flush: every megaflow is gone) and frees the graveyard; call it before freeing megaflows. */
void pmd_reval_run(struct pmd_thread *);
void pmd_reval_abort(struct pmd_thread *);
/* Credits every megaflow's counters, aborts a revalidation pass, empties the EMC and the
 * classifier (dpif-netdev.c). PMD thread. */
void pmd_flush_flows(struct pmd_thread *);
/* Removes FLOW from the classifier and the dense array (not from the EMC; not freed). */
void pmd_remove_flow(struct pmd_thread *, struct dp_flow *);
/* Credits FLOW's counters to its rule and frees it; it must be in neither the classifier nor
 * the EMC any more (dpif-netdev.c). PMD_ is the owning struct pmd_thread *. */
void pmd_free_flow(struct dp_flow *, void *pmd_);
/* Credits FLOW's counter deltas to its rule through the stats ring (dpif-netdev.c). */
void pmd_push_flow_stats(struct dp_flow *, void *pmd_);
/* Whether the actions in RES are all DP_ACTION_OUTPUT (the fast path). */
bool dp_actions_output_only(const struct dp_action *, uint32_t n);

/* Formats datapath actions (dpif-netdev-show.c). */
void dp_format_actions(struct ds *, const struct dp_action *, uint32_t n);
/* Appends megaflow FLOW to the dump in progress on PMD_ (a struct pmd_thread *). PMD thread. */
void pmd_dump_flow(struct dp_flow *flow, void *pmd_);

#endif
