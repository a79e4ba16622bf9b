/* dpif-netdev-show — statistics and flow dumps of the userspace datapath (pmd-stats-show,
 * pmd-stats-clear, dump-flows). See dpif-netdev.h. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mempool.h>

#include "lib/unixctl.h"
#include "lib/vlog.h"
#include "pmd/dpif-netdev-private.h"
#include "pmd/dp-tunnel.h"

VLOG_DEFINE_THIS_MODULE(dpif_netdev_show);

/* Formats datapath actions like ovs-dpctl: "2,3", "push_vlan(tpid=0x8100,tci=0x1005),2",
 * "drop". */
void
dp_format_actions(struct ds *ds, const struct dp_action *a, uint32_t n)
{
    if (!n) {
        ds_put_cstr(ds, "drop");
    }
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *b;
        if (i) {
            ds_put_char(ds, ',');
        }
        switch ((enum dp_action_type) a[i].type) {
        case DP_ACTION_OUTPUT:
            ds_put_format(ds, "%" PRIu32, a[i].port);
            break;
        case DP_ACTION_USERSPACE:
            ds_put_format(ds, "userspace(reason=%" PRIu32 ",table=%u,max_len=%u)", a[i].port,
                          a[i].u.userspace.table_id, a[i].u.userspace.max_len);
            break;
        case DP_ACTION_PUSH_VLAN:
            ds_put_format(ds, "push_vlan(tpid=0x%04x,tci=0x%04x)", ntohs(a[i].u.vlan.tpid),
                          ntohs(a[i].u.vlan.tci));
            break;
        case DP_ACTION_POP_VLAN:
            ds_put_cstr(ds, "pop_vlan");
            break;
        case DP_ACTION_SET_ETH_SRC:
        case DP_ACTION_SET_ETH_DST:
            b = a[i].u.mac;
            ds_put_format(ds, "set(eth(%s=%02x:%02x:%02x:%02x:%02x:%02x))",
                          a[i].type == DP_ACTION_SET_ETH_SRC ? "src" : "dst",
                          b[0], b[1], b[2], b[3], b[4], b[5]);
            break;
        case DP_ACTION_SET_VLAN_TCI:
            ds_put_format(ds, "set(vlan(tci=0x%04x/0x%04x))", ntohs(a[i].u.vlan.tci),
                          ntohs(a[i].u.vlan.tci_mask));
            break;
        case DP_ACTION_SET_IPV4_SRC:
        case DP_ACTION_SET_IPV4_DST:
            b = (const uint8_t *) &a[i].u.be32;
            ds_put_format(ds, "set(ipv4(%s=%u.%u.%u.%u))",
                          a[i].type == DP_ACTION_SET_IPV4_SRC ? "src" : "dst",
                          b[0], b[1], b[2], b[3]);
            break;
        case DP_ACTION_SET_IPV6_SRC:
        case DP_ACTION_SET_IPV6_DST:
            b = a[i].u.ip6;
            ds_put_format(ds, "set(ipv6(%s=", a[i].type == DP_ACTION_SET_IPV6_SRC ? "src" : "dst");
            for (int k = 0; k < 16; k += 2) {
                ds_put_format(ds, "%s%x", k ? ":" : "", b[k] << 8 | b[k + 1]);
            }
            ds_put_cstr(ds, "))");
            break;
        case DP_ACTION_SET_IP_DSCP:
            ds_put_format(ds, "set(ip(dscp=%u))", a[i].u.u8);
            break;
        case DP_ACTION_SET_IP_ECN:
            ds_put_format(ds, "set(ip(ecn=%u))", a[i].u.u8);
            break;
        case DP_ACTION_SET_IP_TTL:
            ds_put_format(ds, "set(ip(ttl=%u))", a[i].u.u8);
            break;
        case DP_ACTION_DEC_TTL:
            ds_put_cstr(ds, "dec_ttl");
            break;
        case DP_ACTION_SET_L4_SRC:
        case DP_ACTION_SET_L4_DST:
            ds_put_format(ds, "set(l4(%s=%u))", a[i].type == DP_ACTION_SET_L4_SRC ? "src" : "dst",
                          ntohs(a[i].u.be16));
            break;
        case DP_ACTION_METER:
            ds_put_format(ds, "meter(%" PRIu32 ")", DP_METER_ID(a[i].port));
            break;
        case DP_ACTION_RECIRC:
            ds_put_format(ds, "recirc(0x%" PRIx32 ")", a[i].port);
            break;
        case DP_ACTION_CLONE: {     /* Tunnels (pmd/dp-tunnel.h). */
            uint32_t body = a[i].port < n - i - 1 ? a[i].port : n - i - 1;
            ds_put_cstr(ds, "clone(");
            dp_format_actions(ds, &a[i + 1], body);
            ds_put_char(ds, ')');
            i += body;
            break;
        }
        case DP_ACTION_TNL_PUSH:
            dp_tnl_header_format(ds, a[i].port);
            break;
        case DP_ACTION_TNL_POP:
            ds_put_format(ds, "tnl_pop(%" PRIu32 ")", a[i].port);
            break;
        case DP_ACTION_DROP:
            ds_put_format(ds, "drop(%s)", dp_drop_reason_string((enum dp_drop_reason) a[i].port));
            break;
        default:
            ds_put_format(ds, "unknown(%u)", a[i].type);
            break;
        }
    }
}

/* Formats one megaflow like ovs-appctl dpctl/dump-flows does. */
void
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
    dp_format_actions(ds, flow->actions, flow->n_actions);
    ds_put_char(ds, '\n');
    free(match);
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
        ds_put_format(ds, "  avg. subtable lookups per megaflow hit: %.2f\n",
                      mf ? (double) pmd_stat(pmd, PMD_STAT_SUBTABLE_PROBES) / (double) mf : 0.0);
        ds_put_format(ds, "  miss with success upcall: %" PRIu64 "\n", ok);
        ds_put_format(ds, "  miss with failed upcall: %" PRIu64 "\n", fail);
        ds_put_format(ds, "  miss not installed (flow limit or no memory): %" PRIu64 "\n",
                      pmd_stat(pmd, PMD_STAT_NOT_INSTALLED));
        ds_put_format(ds, "  miss dropped by the upcall rate limit: %" PRIu64 "\n",
                      pmd_stat(pmd, PMD_STAT_UPCALL_LIMITED));
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
        ds_put_format(ds, "  megaflows: %zu, cache flushes: %" PRIu64 ", megaflows aged out: %"
                      PRIu64 "\n", dpcls_count(pmd->cls), pmd_stat(pmd, PMD_STAT_FLUSHES),
                      pmd_stat(pmd, PMD_STAT_AGED));
        ds_put_format(ds, "  emc bypassed (hit rate below 1/%d): %" PRIu64 " times\n",
                      EMC_MIN_HIT_INV, pmd_stat(pmd, PMD_STAT_EMC_BYPASSES));
        ds_put_format(ds, "  revalidation: %" PRIu64 " passes, %" PRIu64 " megaflows checked, %"
                      PRIu64 " updated, %" PRIu64 " deleted\n",
                      pmd_stat(pmd, PMD_STAT_REVAL_PASSES), pmd_stat(pmd, PMD_STAT_REVAL_CHECKED),
                      pmd_stat(pmd, PMD_STAT_REVAL_UPDATED),
                      pmd_stat(pmd, PMD_STAT_REVAL_DELETED));
    }
    if (!dp->n_pmds) {
        ds_put_cstr(ds, "no pmd threads\n");
    }
}

void
dp_netdev_pmd_stats_show_json(struct dp_netdev *dp, struct ds *ds)
{
    ds_put_char(ds, '[');
    for (unsigned i = 0; i < dp->n_pmds; i++) {
        struct pmd_thread *pmd = dp->pmds[i];
        uint64_t rx = pmd_stat(pmd, PMD_STAT_RX);
        uint64_t mf = pmd_stat(pmd, PMD_STAT_MEGAFLOW_HIT);
        uint64_t batches = pmd_stat(pmd, PMD_STAT_TX_BATCHES);
        uint64_t idle = pmd_stat(pmd, PMD_STAT_CYCLES_IDLE);
        uint64_t busy = pmd_stat(pmd, PMD_STAT_CYCLES_BUSY);
        ds_put_format(ds, "%s{\"core_id\":%u,\"numa_id\":%d,\"packets_received\":%" PRIu64
                      ",\"emc_hits\":%" PRIu64 ",\"megaflow_hits\":%" PRIu64
                      ",\"avg_subtable_lookups_per_megaflow_hit\":%.2f"
                      ",\"upcalls_ok\":%" PRIu64 ",\"upcalls_failed\":%" PRIu64
                      ",\"not_installed\":%" PRIu64 ",\"avg_packets_per_output_batch\":%.2f"
                      ",\"idle_cycles\":%" PRIu64 ",\"processing_cycles\":%" PRIu64
                      ",\"avg_processing_cycles_per_packet\":%.2f,\"megaflows\":%zu"
                      ",\"cache_flushes\":%" PRIu64 ",\"megaflows_aged_out\":%" PRIu64
                      ",\"emc_bypasses\":%" PRIu64 ",\"upcalls_rate_limited\":%" PRIu64
                      ",\"revalidation_passes\":%" PRIu64 ",\"megaflows_revalidated\":%" PRIu64
                      ",\"megaflows_revalidated_updated\":%" PRIu64
                      ",\"megaflows_revalidated_deleted\":%" PRIu64 "}",
                      i ? "," : "", pmd->core_id,
                      (int) rte_lcore_to_socket_id(rte_get_main_lcore()), rx,
                      pmd_stat(pmd, PMD_STAT_EMC_HIT), mf,
                      mf ? (double) pmd_stat(pmd, PMD_STAT_SUBTABLE_PROBES) / (double) mf : 0.0,
                      pmd_stat(pmd, PMD_STAT_UPCALL_OK), pmd_stat(pmd, PMD_STAT_UPCALL_FAIL),
                      pmd_stat(pmd, PMD_STAT_NOT_INSTALLED),
                      batches ? (double) pmd_stat(pmd, PMD_STAT_TX_PACKETS) / (double) batches
                              : 0.0,
                      idle, busy, rx ? (double) busy / (double) rx : 0.0, dpcls_count(pmd->cls),
                      pmd_stat(pmd, PMD_STAT_FLUSHES), pmd_stat(pmd, PMD_STAT_AGED),
                      pmd_stat(pmd, PMD_STAT_EMC_BYPASSES),
                      pmd_stat(pmd, PMD_STAT_UPCALL_LIMITED),
                      pmd_stat(pmd, PMD_STAT_REVAL_PASSES), pmd_stat(pmd, PMD_STAT_REVAL_CHECKED),
                      pmd_stat(pmd, PMD_STAT_REVAL_UPDATED),
                      pmd_stat(pmd, PMD_STAT_REVAL_DELETED));
    }
    ds_put_cstr(ds, "]\n");
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

/* ---- The dpctl unixctl commands (also behind the uvs-dpctl tool). ---- */

static void
dpctl_show(struct unixctl_conn *conn, int argc, const char *argv[], void *dp_)
{
    struct dp_netdev *dp = dp_;
    struct ds ds = DS_EMPTY_INITIALIZER;
    uint64_t hit = 0, missed = 0, lost = 0;
    size_t flows = 0;

    (void) argc;
    (void) argv;
    for (unsigned i = 0; i < dp->n_pmds; i++) {
        struct pmd_thread *pmd = dp->pmds[i];
        hit += pmd_stat(pmd, PMD_STAT_EMC_HIT) + pmd_stat(pmd, PMD_STAT_MEGAFLOW_HIT);
        missed += pmd_stat(pmd, PMD_STAT_UPCALL_OK);
        lost += pmd_stat(pmd, PMD_STAT_UPCALL_FAIL);
        flows += dpcls_count(pmd->cls);       /* Racy read of a size: a statistic. */
    }
    ds_put_cstr(&ds, "netdev@uvs-netdev:\n");
    ds_put_format(&ds, "  lookups: hit:%" PRIu64 " missed:%" PRIu64 " lost:%" PRIu64 "\n", hit,
                  missed, lost);
    ds_put_format(&ds, "  flows: %zu\n", flows);
    for (unsigned p = 0; p < DP_MAX_PORTS + DP_TNL_MAX_VPORTS; p++) {
        /* Device ports, then the tunnel vports (no device: pmd/dp-tunnel.h). */
        struct dp_port *port = p < DP_MAX_PORTS ? dp->ports[p] : dp_tnl_vport_get(p);
        if (!port) {
            continue;
        }
        ds_put_format(&ds, "  port %u: %s (%s)\n", p, port->name,
                      port->dev ? netdev_dpdk_driver_name(port->dev) : "tunnel");
        for (int r = 0; r < DP_N_DROP_REASONS; r++) {
            uint64_t n = __atomic_load_n(&port->drops[r], __ATOMIC_RELAXED);
            if (n) {
                ds_put_format(&ds, "    dropped (%s): %" PRIu64 "\n",
                              dp_drop_reason_string((enum dp_drop_reason) r), n);
            }
        }
    }
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

static void
dpctl_del_flows(struct unixctl_conn *conn, int argc, const char *argv[], void *dp_)
{
    struct dp_netdev *dp = dp_;
    (void) argc;
    (void) argv;
    dp_netdev_flush_caches(dp);
    if (dp_netdev_sync_caches(dp)) {
        unixctl_command_reply_error(conn, "a PMD thread did not drop its megaflows within 2 s "
                                    "(see the log); they will be dropped when it resumes");
        return;
    }
    unixctl_command_reply(conn, NULL);
}

/* dpif-netdev/pmd-rxq-show [--format json]: the rx queues each PMD polls and the share of the
 * PMD's cycles each took since the PMD got it (OVS's "pmd usage"). */
static void
pmd_rxq_show(struct unixctl_conn *conn, int argc, const char *argv[], void *dp_)
{
    struct dp_netdev *dp = dp_;
    bool json = argc == 3 && !strcmp(argv[1], "--format") && !strcmp(argv[2], "json");
    if (argc > 1 && !json) {
        unixctl_command_reply_error(conn, "usage: dpif-netdev/pmd-rxq-show [--format json]");
        return;
    }
    struct ds ds = DS_EMPTY_INITIALIZER;
    uint64_t now = rte_rdtsc();
    pthread_mutex_lock(&dp->mutex);
    ds_put_cstr(&ds, json ? "[" : "");
    for (unsigned i = 0; i < dp->n_pmds; i++) {
        struct pmd_thread *pmd = dp->pmds[i];
        unsigned n = __atomic_load_n(&pmd->n_rxq_stats, __ATOMIC_ACQUIRE);
        bool isolated = __atomic_load_n(&pmd->isolated, __ATOMIC_RELAXED);
        if (json) {
            ds_put_format(&ds, "%s{\"core_id\":%u,\"numa_id\":%d,\"isolated\":%s,\"rxqs\":[",
                          i ? "," : "", pmd->core_id,
                          (int) rte_lcore_to_socket_id(rte_get_main_lcore()),
                          isolated ? "true" : "false");
        } else {
            ds_put_format(&ds, "pmd thread numa_id %d core_id %u:\n  isolated : %s\n",
                          (int) rte_lcore_to_socket_id(rte_get_main_lcore()), pmd->core_id,
                          isolated ? "true" : "false");
        }
        for (unsigned k = 0; k < n; k++) {
            const struct pmd_rxq_stat *st = &pmd->rxq_stats[k];
            uint64_t cyc = __atomic_load_n(&st->cycles, __ATOMIC_RELAXED);
            double usage = now > st->since_tsc ? 100.0 * (double) cyc
                                                 / (double) (now - st->since_tsc) : 0.0;
            const struct dp_port *port = st->dp_port < DP_MAX_PORTS ? dp->ports[st->dp_port]
                                                                    : NULL;
            const char *name = port ? port->name : "(deleted)";
            if (json) {
                ds_put_format(&ds, "%s{\"port\":\"%s\",\"queue_id\":%u,\"usage_pct\":%.0f}",
                              k ? "," : "", name, st->qid, usage);
            } else {
                ds_put_format(&ds, "  port: %-16s queue-id: %2u (enabled)   pmd usage: %3.0f %%\n",
                              name, st->qid, usage);
            }
        }
        ds_put_cstr(&ds, json ? "]}" : "");
    }
    pthread_mutex_unlock(&dp->mutex);
    ds_put_cstr(&ds, json ? "]\n" : "");
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

/* dpif-netdev/pmd-perf-show [--format json]: the poll loop's shape per PMD (a subset of OVS's
 * pmd-perf-show: no histograms). */
static void
pmd_perf_show(struct unixctl_conn *conn, int argc, const char *argv[], void *dp_)
{
    struct dp_netdev *dp = dp_;
    bool json = argc == 3 && !strcmp(argv[1], "--format") && !strcmp(argv[2], "json");
    if (argc > 1 && !json) {
        unixctl_command_reply_error(conn, "usage: dpif-netdev/pmd-perf-show [--format json]");
        return;
    }
    struct ds ds = DS_EMPTY_INITIALIZER;
    double hz = (double) rte_get_tsc_hz();
    ds_put_cstr(&ds, json ? "[" : "");
    for (unsigned i = 0; i < dp->n_pmds; i++) {
        struct pmd_thread *pmd = dp->pmds[i];
        uint64_t iters = pmd_stat(pmd, PMD_STAT_ITERATIONS);
        uint64_t busy_iters = pmd_stat(pmd, PMD_STAT_BUSY_ITERATIONS);
        uint64_t rx = pmd_stat(pmd, PMD_STAT_RX);
        uint64_t batches = pmd_stat(pmd, PMD_STAT_RX_BATCHES);
        uint64_t idle = pmd_stat(pmd, PMD_STAT_CYCLES_IDLE);
        uint64_t busy = pmd_stat(pmd, PMD_STAT_CYCLES_BUSY);
        uint64_t upcalls = pmd_stat(pmd, PMD_STAT_UPCALL_OK) + pmd_stat(pmd, PMD_STAT_UPCALL_FAIL);
        double secs = (double) (idle + busy) / hz;
        if (json) {
            ds_put_format(&ds, "%s{\"core_id\":%u,\"seconds\":%.3f,\"iterations\":%" PRIu64
                          ",\"busy_iterations\":%" PRIu64 ",\"cycles_per_iteration\":%.1f"
                          ",\"packets\":%" PRIu64 ",\"packets_per_rx_batch\":%.2f"
                          ",\"mpps\":%.3f,\"upcalls\":%" PRIu64 "}", i ? "," : "",
                          pmd->core_id, secs, iters, busy_iters,
                          iters ? (double) (idle + busy) / (double) iters : 0.0, rx,
                          batches ? (double) rx / (double) batches : 0.0,
                          secs > 0 ? (double) rx / secs / 1e6 : 0.0, upcalls);
            continue;
        }
        ds_put_format(&ds, "pmd thread core_id %u:\n", pmd->core_id);
        ds_put_format(&ds, "  Time: %.3f s (since start or pmd-stats-clear)\n", secs);
        ds_put_format(&ds, "  Iterations: %" PRIu64 " (%.1f%% with packets)\n", iters,
                      iters ? 100.0 * (double) busy_iters / (double) iters : 0.0);
        ds_put_format(&ds, "  Cycles per iteration: %.1f\n",
                      iters ? (double) (idle + busy) / (double) iters : 0.0);
        ds_put_format(&ds, "  Rx packets: %" PRIu64 " (%.3f Mpps), %.2f per rx batch\n", rx,
                      secs > 0 ? (double) rx / secs / 1e6 : 0.0,
                      batches ? (double) rx / (double) batches : 0.0);
        ds_put_format(&ds, "  Upcalls: %" PRIu64 " (%.1f per second)\n", upcalls,
                      secs > 0 ? (double) upcalls / secs : 0.0);
    }
    ds_put_cstr(&ds, json ? "]\n" : "");
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

/* memory/show [--format json]: what the datapath holds (OVS's memory/show, datapath part):
 * ports, PMD threads, megaflows and EMC entries per PMD, packet buffers in use out of the pool,
 * and DPDK heap usage summed over NUMA sockets. */
static void
memory_show(struct unixctl_conn *conn, int argc, const char *argv[], void *dp_)
{
    struct dp_netdev *dp = dp_;
    bool json = argc == 3 && !strcmp(argv[1], "--format") && !strcmp(argv[2], "json");
    if (argc > 1 && !json) {
        unixctl_command_reply_error(conn, "usage: memory/show [--format json]");
        return;
    }
    struct rte_mempool *pool = netdev_dpdk_mbuf_pool();
    unsigned in_use = pool ? rte_mempool_in_use_count(pool) : 0;
    unsigned avail = pool ? rte_mempool_avail_count(pool) : 0;
    uint64_t heap_total = 0, heap_used = 0, heap_free = 0;
    for (int sock = 0; sock < RTE_MAX_NUMA_NODES; sock++) {
        struct rte_malloc_socket_stats st;
        if (!rte_malloc_get_socket_stats(sock, &st)) {
            heap_total += st.heap_totalsz_bytes;
            heap_used += st.heap_allocsz_bytes;
            heap_free += st.heap_freesz_bytes;
        }
    }

    struct ds ds = DS_EMPTY_INITIALIZER;
    pthread_mutex_lock(&dp->mutex);
    size_t megaflows = 0, emc = 0;
    for (unsigned i = 0; i < dp->n_pmds; i++) {
        megaflows += dpcls_count(dp->pmds[i]->cls);     /* Racy reads of sizes: statistics. */
        emc += emc_n_entries(dp->pmds[i]->emc);
    }
    if (json) {
        ds_put_format(&ds, "{\"ports\":%u,\"pmds\":%u,\"megaflows\":%zu,\"emc_entries\":%zu,"
                      "\"mbufs_in_use\":%u,\"mbufs_available\":%u,\"mbuf_pool_size\":%u,"
                      "\"dpdk_heap_total_bytes\":%" PRIu64 ",\"dpdk_heap_used_bytes\":%" PRIu64
                      ",\"dpdk_heap_free_bytes\":%" PRIu64 ",\"pmd_threads\":[",
                      dp->n_ports, dp->n_pmds, megaflows, emc, in_use, avail,
                      pool ? pool->size : 0, heap_total, heap_used, heap_free);
    } else {
        ds_put_format(&ds, "ports:%u pmds:%u megaflows:%zu emc_entries:%zu mbufs_in_use:%u "
                      "mbuf_pool_size:%u dpdk_heap_used:%" PRIu64 " dpdk_heap_total:%" PRIu64
                      "\n", dp->n_ports, dp->n_pmds, megaflows, emc, in_use,
                      pool ? pool->size : 0, heap_used, heap_total);
    }
    for (unsigned i = 0; i < dp->n_pmds; i++) {
        struct pmd_thread *pmd = dp->pmds[i];
        if (json) {
            ds_put_format(&ds, "%s{\"core_id\":%u,\"megaflows\":%zu,\"emc_entries\":%u,"
                          "\"emc_size\":%u}", i ? "," : "", pmd->core_id,
                          dpcls_count(pmd->cls), emc_n_entries(pmd->emc), (unsigned) EMC_ENTRIES);
        } else {
            ds_put_format(&ds, "pmd thread core_id %u: megaflows:%zu emc_entries:%u/%u\n",
                          pmd->core_id, dpcls_count(pmd->cls), emc_n_entries(pmd->emc),
                          (unsigned) EMC_ENTRIES);
        }
    }
    pthread_mutex_unlock(&dp->mutex);
    ds_put_cstr(&ds, json ? "]}\n" : "");
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

void
dp_netdev_register_unixctl(struct dp_netdev *dp)
{
    static bool registered;
    if (!registered) {
        registered = true;
        unixctl_command_register("dpif-netdev/pmd-perf-show", "[--format json]", 0, 2,
                                 pmd_perf_show, dp);
        unixctl_command_register("dpif-netdev/pmd-rxq-show", "[--format json]", 0, 2,
                                 pmd_rxq_show, dp);
        unixctl_command_register("dpctl/show", "", 0, 0, dpctl_show, dp);
        unixctl_command_register("dpctl/del-flows", "", 0, 0, dpctl_del_flows, dp);
        unixctl_command_register("memory/show", "[--format json]", 0, 2, memory_show, dp);
    }
}
