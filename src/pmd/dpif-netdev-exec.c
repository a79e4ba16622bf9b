/*
 * dpif-netdev-exec — the userspace datapath's action executor: runs a megaflow's (or a
 * packet-out's) datapath actions on a packet. Output goes into the PMD's per-port output batches
 * (flushed by pmd_tx_flush() in dpif-netdev.c at the end of each rx burst) or, on the main thread,
 * straight to the port's main-thread tx queue; userspace actions queue packet-ins (a per-PMD ring,
 * or the main thread's own array) that dp_deliver_packet_ins() hands to the pipeline; meter,
 * recirculation (re-lookup with a recirc_id), clone, tunnel pop (re-injection on the tunnel
 * vport) and the translation's explicit drop are here too; header rewrites are pmd/dp-execute.c.
 * The output-only fast path (pmd_execute(), pmd_output(), pmd_output_bulk()) is static inline in
 * dpif-netdev-private.h, since the rx batch loop in dpif-netdev.c calls it per packet.
 *
 * Thread-safety: every function runs either on a PMD thread (exec_ctx.pmd != NULL: it touches
 * only that PMD's private state, its tx queue and its packet-in ring, single producer) or on the
 * main thread (exec_ctx.pmd == NULL: dp_netdev_execute() for packet-out, using tx queue n_pmds
 * and dp->main_pi, both main-thread only). dp_deliver_packet_ins() is main thread only (the
 * consumer of every packet-in ring). Port pointers are read with atomic loads and stay valid
 * until every PMD acknowledged the reload that stopped using them (dpif-netdev-private.h).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "pmd/dp-execute.h"
#include "pmd/dp-tunnel.h"
#include "pmd/dpcls.h"
#include "pmd/dpif-netdev-private.h"
#include "pmd/netdev-dpdk.h"

/* A packet sent to userspace: the header and the bytes, in one malloc'd block. */
struct dp_pi_msg {
    struct dp_packet_in pi;
    uint8_t data[];
};

static void pmd_recirc(struct pmd_thread *, struct rte_mbuf *, struct dp_port *in_port,
                       uint32_t recirc_id, unsigned depth);
static void exec_tnl_pop(const struct exec_ctx *, struct rte_mbuf *, uint32_t vport,
                         unsigned depth);
static void main_recirc(const struct exec_ctx *, struct rte_mbuf *, uint32_t recirc_id,
                        unsigned depth);

static void
dp_pi_wake(struct dp_netdev *dp)
{
    if (!__atomic_exchange_n(&dp->pi_wake, true, __ATOMIC_ACQ_REL) && dp->pi_pipe[1] >= 0) {
        char c = 0;
        ssize_t r = write(dp->pi_pipe[1], &c, 1);
        (void) r;           /* A full pipe already wakes the main thread. */
    }
}

/* Queues a packet-in of M as it is now (M is not consumed). */
static void
exec_userspace(const struct exec_ctx *ctx, struct rte_mbuf *m, const struct dp_action *a,
               uint8_t reason)
{
    struct dp_netdev *dp = ctx->dp;
    uint32_t len = rte_pktmbuf_pkt_len(m);
    struct dp_pi_msg *msg = malloc(sizeof *msg + len);

    if (!msg) {
        port_drop(ctx->in_port, DP_DROP_PACKET_IN_QUEUE, 1);
        coverage_inc(COVERAGE_packet_in_drop);
        return;
    }
    memset(&msg->pi, 0, sizeof msg->pi);
    /* rte_pktmbuf_read() copies only when the data is not contiguous; otherwise it returns a
     * pointer into the mbuf. */
    const void *bytes = rte_pktmbuf_read(m, 0, len, msg->data);
    if (bytes && bytes != msg->data) {
        memcpy(msg->data, bytes, len);
    }
    msg->pi.port_aux = ctx->in_port ? ctx->in_port->aux : NULL;
    msg->pi.in_dp_port = ctx->in_dp_port;
    msg->pi.reason = reason;
    if (a) {
        msg->pi.table_id = a->u.userspace.table_id;
        msg->pi.max_len = a->u.userspace.max_len;
        msg->pi.cookie_be = a->u.userspace.cookie;
        msg->pi.in_uid = a->u.userspace.in_uid;
    } else {
        msg->pi.max_len = UINT16_MAX;
    }
    flow_extract(msg->data, len, ctx->in_dp_port, &msg->pi.flow);
    if (ctx->tnl) {
        flow_tnl_copy(&msg->pi.flow, ctx->tnl);
    }
    msg->pi.packet = msg->data;
    msg->pi.len = len;
    if (ctx->pmd) {
        if (rte_ring_sp_enqueue(ctx->pmd->pi_ring, msg)) {
            port_drop(ctx->in_port, DP_DROP_PACKET_IN_QUEUE, 1);
            coverage_inc(COVERAGE_packet_in_drop);
            free(msg);
            return;
        }
        dp_pi_wake(dp);
    } else if (dp->n_main_pi < MAIN_PI_MAX) {
        dp->main_pi[dp->n_main_pi++] = msg;
    } else {
        port_drop(ctx->in_port, DP_DROP_PACKET_IN_QUEUE, 1);
        coverage_inc(COVERAGE_packet_in_drop);
        free(msg);
    }
}

/* Transmits M on datapath port P from the main thread (its own tx queue, index n_pmds). */
static void
main_output(struct dp_netdev *dp, uint32_t p, struct rte_mbuf *m, struct dp_port *in_port)
{
    struct dp_port *out = p < DP_MAX_PORTS ? dp->ports[p] : NULL;
    if (!out) {
        port_drop(in_port, DP_DROP_NO_PORT, 1);
        rte_pktmbuf_free(m);
        return;
    }
    if (!__atomic_load_n(&out->link_up, __ATOMIC_RELAXED)) {
        port_drop(out, DP_DROP_LINK_DOWN, 1);
        rte_pktmbuf_free(m);
        return;
    }
    if (netdev_dpdk_send(out->dev, dp->n_pmds, &m, 1) < 1) {
        port_drop(out, DP_DROP_TX_FAILED, 1);
    }
}

static inline void
exec_output(const struct exec_ctx *ctx, uint32_t p, struct rte_mbuf *m)
{
    if (ctx->pmd) {
        pmd_output(ctx->pmd, p, m, ctx->in_port);
    } else {
        main_output(ctx->dp, p, m, ctx->in_port);
    }
}

/* The general executor: any action list, in order (consumes M). An OUTPUT that is followed by a
 * rewrite sends a copy; the last action that needs the packet gets M itself. */
void
exec_actions(const struct exec_ctx *ctx, struct rte_mbuf *m, const struct dp_action *actions,
             uint32_t n, unsigned depth)
{
    bool delivered = false;

    for (uint32_t i = 0; i < n; i++) {
        const struct dp_action *a = &actions[i];
        switch ((enum dp_action_type) a->type) {
        case DP_ACTION_OUTPUT: {
            bool later_use = false;     /* Does a later action still need the packet? */
            for (uint32_t j = i + 1; j < n && !later_use; j++) {
                later_use = actions[j].type != DP_ACTION_METER;
            }
            if (!later_use) {
                exec_output(ctx, a->port, m);
                return;
            }
            struct rte_mbuf *c = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
            if (!c) {
                port_drop(ctx->in_port, DP_DROP_NO_MEMORY, 1);
            } else {
                exec_output(ctx, a->port, c);
            }
            delivered = true;
            break;
        }
        case DP_ACTION_USERSPACE:
            exec_userspace(ctx, m, a, (uint8_t) a->port);
            delivered = true;
            break;
        case DP_ACTION_METER:
            if (ctx->dp->meter_cb
                && !ctx->dp->meter_cb(ctx->in_port ? ctx->in_port->aux : NULL, a->port,
                                      rte_pktmbuf_pkt_len(m), rte_rdtsc())) {
                port_drop(ctx->in_port, DP_DROP_METER, 1);
                rte_pktmbuf_free(m);
                return;
            }
            break;
        case DP_ACTION_RECIRC:
            if (depth >= RECIRC_MAX_DEPTH) {
                port_drop(ctx->in_port, DP_DROP_RECIRC_DEPTH, 1);
                rte_pktmbuf_free(m);
            } else if (ctx->pmd) {
                pmd_recirc(ctx->pmd, m, ctx->in_port, a->port, depth + 1);
            } else {
                main_recirc(ctx, m, a->port, depth + 1);
            }
            return;     /* Recirculation ends the action list, as in OVS. */
        case DP_ACTION_DROP:
            /* The translation gave up on this packet (dp-flow.h): its own reason. */
            port_drop(ctx->in_port, a->port < DP_N_DROP_REASONS ? (enum dp_drop_reason) a->port
                                                                : DP_DROP_ACTION_DROP, 1);
            rte_pktmbuf_free(m);
            return;
        case DP_ACTION_CLONE:
        case DP_ACTION_TNL_POP: {
            /* CLONE: the next a->port actions run on a copy (on M itself when nothing follows).
             * TNL_POP: the inner packet is re-injected (pmd/dp-tunnel.h); actions after it still
             * get the packet, so then a copy is popped. */
            uint32_t body = a->type == DP_ACTION_TNL_POP ? 0
                            : a->port < n - i - 1 ? a->port : n - i - 1;
            if (i + 1 + body >= n) {
                if (a->type == DP_ACTION_TNL_POP) {
                    exec_tnl_pop(ctx, m, a->port, depth + 1);
                } else {
                    exec_actions(ctx, m, &actions[i + 1], body, depth);
                }
                return;
            }
            /* A nested upcall may reuse the PMD's scratch result, which may hold this very
             * action list (a megaflow that could not be installed): keep the rest on the stack. */
            struct dp_action rest[DP_MAX_ACTIONS];
            uint32_t n_rest = n - i - 1 - body;
            memcpy(rest, &actions[i + 1 + body], n_rest * sizeof rest[0]);
            struct rte_mbuf *c = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
            if (!c) {
                port_drop(ctx->in_port, DP_DROP_NO_MEMORY, 1);
            } else if (a->type == DP_ACTION_TNL_POP) {
                exec_tnl_pop(ctx, c, a->port, depth + 1);
            } else {
                exec_actions(ctx, c, &actions[i + 1], body, depth);
            }
            exec_actions(ctx, m, rest, n_rest, depth);
            return;
        }
        default: {
            enum dp_execute_result r = dp_execute_modify(m, a);
            if (r == DP_EXEC_TTL_EXPIRED) {
                if (a->port) {
                    exec_userspace(ctx, m, NULL, OFPR_INVALID_TTL_);
                } else {
                    port_drop(ctx->in_port, DP_DROP_TTL_EXPIRED, 1);
                }
                rte_pktmbuf_free(m);
                return;
            } else if (r == DP_EXEC_NO_ROOM) {
                port_drop(ctx->in_port, DP_DROP_NO_ROOM, 1);
                rte_pktmbuf_free(m);
                return;
            }
            break;
        }
        }
    }
    if (!delivered) {
        port_drop(ctx->in_port, DP_DROP_ACTION_DROP, 1);
    }
    rte_pktmbuf_free(m);
}

bool
dp_actions_output_only(const struct dp_action *a, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (a[i].type != DP_ACTION_OUTPUT) {
            return false;
        }
    }
    return true;
}

/* Re-injects M into the datapath with RECIRC_ID (its key is extracted afresh). */
static void
pmd_recirc(struct pmd_thread *pmd, struct rte_mbuf *m, struct dp_port *in_port,
           uint32_t recirc_id, unsigned depth)
{
    struct flow key;
    struct dp_flow *flow = NULL;
    const struct flow *keys[1] = { &key };

    flow_extract(rte_pktmbuf_mtod(m, void *), m->data_len, in_port->dp_port, &key);
    key.recirc_id = recirc_id;
    if (dpcls_lookup(pmd->cls, keys, 1, &flow) && flow) {
        pmd_stat_add(pmd, PMD_STAT_MEGAFLOW_HIT, 1);
        pmd_stat_add(pmd, PMD_STAT_SUBTABLE_PROBES, dpcls_take_hit_probes(pmd->cls));
        flow->n_packets++;
        flow->n_bytes += m->pkt_len;
        flow->used = pmd->now;
        pmd_execute(pmd, m, flow, in_port, NULL, depth);
    } else {
        pmd_handle_miss(pmd, m, &key, in_port, depth);
    }
}

/* Main-thread recirculation (packet-out): translate with the upcall, execute, install nothing. */
static void
main_recirc(const struct exec_ctx *ctx, struct rte_mbuf *m, uint32_t recirc_id, unsigned depth)
{
    struct dp_netdev *dp = ctx->dp;
    struct flow key;
    struct dp_upcall_result *res = xzalloc(sizeof *res);

    flow_extract(rte_pktmbuf_mtod(m, void *), m->data_len, ctx->in_dp_port, &key);
    key.recirc_id = recirc_id;
    if (!ctx->in_port || !dp->upcall_cb
        || dp->upcall_cb(ctx->in_port->aux, &key, rte_pktmbuf_mtod(m, void *), m->data_len, res)
        || res->actions.n > DP_MAX_ACTIONS) {
        port_drop(ctx->in_port, DP_DROP_UPCALL_FAILED, 1);
        rte_pktmbuf_free(m);
    } else {
        exec_actions(ctx, m, res->actions.a, res->actions.n, depth);
    }
    free(res);
}

/* DP_ACTION_TNL_POP: strips the tunnel headers of M and re-injects the inner packet on tunnel
 * vport VPORT with the tunnel metadata in its key (pmd/dp-tunnel.h); consumes M. */
static void
exec_tnl_pop(const struct exec_ctx *ctx, struct rte_mbuf *m, uint32_t vport, unsigned depth)
{
    struct dp_port *in = dp_tnl_vport_get(vport);
    struct dp_tnl_md md;
    struct flow key;

    if (!in || depth > RECIRC_MAX_DEPTH) {
        port_drop(ctx->in_port, in ? DP_DROP_RECIRC_DEPTH : DP_DROP_NO_PORT, 1);
        rte_pktmbuf_free(m);
        return;
    }
    if (rte_pktmbuf_linearize(m) || dp_tnl_pop(m, vport, &md)) {
        port_drop(ctx->in_port, DP_DROP_MALFORMED, 1);
        rte_pktmbuf_free(m);
        return;
    }
    flow_extract(rte_pktmbuf_mtod(m, void *), m->data_len, vport, &key);
    key.tun_id_be = md.tun_id_be;
    key.tun_src_be = md.tun_src_be;
    key.tun_dst_be = md.tun_dst_be;
    memcpy(key.tun_ipv6_src, md.tun_ipv6_src, 16);
    memcpy(key.tun_ipv6_dst, md.tun_ipv6_dst, 16);
    if (ctx->pmd) {
        struct pmd_thread *pmd = ctx->pmd;
        struct dp_flow *flow = NULL;
        const struct flow *keys[1] = { &key };
        if (dpcls_lookup(pmd->cls, keys, 1, &flow) && flow) {
            pmd_stat_add(pmd, PMD_STAT_MEGAFLOW_HIT, 1);
            pmd_stat_add(pmd, PMD_STAT_SUBTABLE_PROBES, dpcls_take_hit_probes(pmd->cls));
            flow->n_packets++;
            flow->n_bytes += m->pkt_len;
            flow->used = pmd->now;
            pmd_execute(pmd, m, flow, in, &key, depth);
        } else {
            pmd_handle_miss(pmd, m, &key, in, depth);
        }
        return;
    }
    struct dp_netdev *dp = ctx->dp;
    struct dp_upcall_result *res = xzalloc(sizeof *res);
    struct exec_ctx sub = { dp, NULL, in, vport, &key };
    if (!dp->upcall_cb
        || dp->upcall_cb(in->aux, &key, rte_pktmbuf_mtod(m, void *), m->data_len, res)
        || res->actions.n > DP_MAX_ACTIONS) {
        port_drop(in, DP_DROP_UPCALL_FAILED, 1);
        rte_pktmbuf_free(m);
    } else {
        exec_actions(&sub, m, res->actions.a, res->actions.n, depth);
    }
    free(res);
}

int
dp_netdev_execute(struct dp_netdev *dp, const void *packet, size_t len, uint32_t in_dp_port,
                  const struct dp_action *actions, size_t n_actions)
{
    struct rte_mempool *pool = netdev_dpdk_mbuf_pool();
    coverage_inc(COVERAGE_dp_execute);
    if (!pool) {
        return -ENODEV;
    }
    if (!len || n_actions > DP_MAX_ACTIONS) {
        return -EINVAL;
    }
    struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
    if (!m) {
        return -ENOMEM;
    }
    void *d = rte_pktmbuf_append(m, (uint16_t) RTE_MIN(len, (size_t) UINT16_MAX));
    if (!d || len > UINT16_MAX) {
        rte_pktmbuf_free(m);
        return -EINVAL;
    }
    memcpy(d, packet, len);
    struct dp_port *in = in_dp_port < DP_MAX_PORTS ? dp->ports[in_dp_port] : NULL;
    struct exec_ctx ctx = { dp, NULL, in, in ? in_dp_port : DP_PORT_NONE };
    exec_actions(&ctx, m, actions, (uint32_t) n_actions, 0);
    if (dp->n_main_pi) {
        dp_pi_wake(dp);
    }
    return 0;
}

/* Delivers queued packet-ins to the callback (bounded per call). */
void
dp_deliver_packet_ins(struct dp_netdev *dp)
{
    if (dp->pi_pipe[0] >= 0) {
        char buf[64];
        while (read(dp->pi_pipe[0], buf, sizeof buf) > 0) {
            continue;
        }
    }
    /* Clear the flag before draining, so a packet-in queued from now on wakes us again. */
    __atomic_store_n(&dp->pi_wake, false, __ATOMIC_RELEASE);
    bool more = false;
    for (unsigned i = 0; i < dp->n_main_pi; i++) {
        if (dp->packet_in_cb) {
            coverage_inc(COVERAGE_packet_in);
            dp->packet_in_cb(&dp->main_pi[i]->pi);
        }
        free(dp->main_pi[i]);
    }
    dp->n_main_pi = 0;
    for (unsigned i = 0; i < dp->n_pmds; i++) {
        void *msgs[64];
        unsigned n = rte_ring_sc_dequeue_burst(dp->pmds[i]->pi_ring, msgs, 64, NULL);
        for (unsigned k = 0; k < n; k++) {
            struct dp_pi_msg *msg = msgs[k];
            if (dp->packet_in_cb) {
                coverage_inc(COVERAGE_packet_in);
                dp->packet_in_cb(&msg->pi);
            }
            free(msg);
        }
        more = more || n == 64;
    }
    if (more) {
        dp_pi_wake(dp);
    }
}
