/*
 * dpif-netdev — the userspace datapath: ports, PMD threads and the flow caches.
 *
 * Packet path (one batch of up to 32 mbufs at a time, on a PMD thread):
 *   rx burst -> flow_extract -> EMC lookup -> megaflow (dpcls) lookup -> upcall on miss
 *   -> execute datapath actions -> per-port output batches -> tx flush at the end of the burst.
 *
 * An upcall calls the callback installed with dp_netdev_set_upcall() on the PMD thread itself (the
 * OpenFlow pipeline runs in-process); it returns the datapath actions and the wildcard mask of every
 * field it consulted, from which the PMD installs a megaflow in its own classifier and EMC.
 *
 * Cache coherence, two ways:
 *   - Revalidation (flow-mods, group-mods, port-mods, rule timeouts, MAC learning):
 *     dp_netdev_revalidate() bumps reval_seq.
 *     Each PMD then re-translates each of its megaflows older than that with the side-effect-free
 *     callback installed with dp_netdev_set_revalidate_cb(), REVAL_SLICE megaflows per loop
 *     iteration between rx batches (forwarding goes on meanwhile), and keeps the megaflow if the
 *     fresh translation has the same actions and consulted no bit outside its mask, rewrites its
 *     actions in place if only they changed, and removes it otherwise (dp_flow_revalidate()). A
 *     PMD holding more than REVAL_FLUSH_ABOVE megaflows flushes instead (measured cheaper there).
 *   - Flush (anything else: ports, VLAN settings, fdb/flush, flow-restore-wait):
 *     dp_netdev_flush_caches() bumps a generation counter; every PMD compares it between batches
 *     and, when it moved, credits the counters of its megaflows to their rules and frees them all.
 * The pipeline calls either under its own lock whenever a change could alter a translation;
 * dp_netdev_sync_caches() then waits until every PMD has finished acting on both (before a
 * barrier reply).
 * Each PMD also ages out megaflows idle for max-idle and enforces flow-limit (see below).
 *
 * Actions: megaflows whose actions are all DP_ACTION_OUTPUT take a fast path; the others run
 * through the general executor (pmd/dp-execute.h for rewrites; userspace, meter and recirculation
 * here). dp_netdev_execute() runs the same executor on the main thread for packet-out.
 *
 * Files: dpif-netdev.c (threads, packet path, configuration), dpif-netdev-exec.c (the action
 * executor and packet-in delivery), dpif-netdev-rxq.c (rx queue placement), dpif-netdev-reval.c
 * (revalidator), dpif-netdev-show.c (statistics, dumps, the dpctl/ and memory/ commands),
 * dpif-netdev-private.h (the types they share, and the output fast path as inline functions).
 *
 * Rule counters: each megaflow remembers the rule id its actions came from. PMDs push per-megaflow
 * counter deltas into a per-PMD ring (every 250 ms and before a flush); dp_netdev_run() on the main
 * thread drains the rings into the callback installed with dp_netdev_set_stats_cb().
 *
 * Threads: one PMD thread per CPU of pmd-cpu-mask, pinned, each polling a share of the rx queues,
 * placed by pmd-rxq-assign and pmd-rxq-affinity (dp_netdev_set_rxq_assign(),
 * dp_netdev_port_set_config()) and placed again whenever ports, PMDs or those options change.
 * Port add/delete and PMD changes are made by the main thread, which publishes a new poll list and
 * waits for every PMD to acknowledge it (the PMD checks between batches) before closing a device.
 *
 * Thread-safety: all dp_netdev_* functions are for the main thread.
 */
#ifndef UVS_DPIF_NETDEV_H
#define UVS_DPIF_NETDEV_H 1

#include <stdbool.h>
#include <stdint.h>

#include "lib/util.h"
#include "pmd/dp-flow.h"
#include "pmd/flow.h"

struct dp_netdev;

#define DP_MAX_PORTS 1024
#define DP_PORT_NONE UINT32_MAX

/* What an upcall returns. */
struct dp_upcall_result {
    struct flow wc;              /* Consulted bits (in: all zero). */
    struct dp_actions actions;   /* Datapath actions (in: empty). */
    uint64_t rule_id;            /* Rule to credit, 0 for none. */
};

/* Called on a PMD thread for a packet that missed the caches. PORT_AUX is the aux given to
 * dp_netdev_port_add() for the ingress port. Returns 0 to install the megaflow and execute its
 * actions, -EAGAIN to drop the packet because forwarding is held (flow-restore-wait; counted as
 * DP_DROP_HELD), or another -errno to drop it as a failed upcall. */
typedef int dp_upcall_cb(void *port_aux, const struct flow *flow, const void *packet, size_t len,
                         struct dp_upcall_result *result);

/* The revalidator's re-translation, called on a PMD thread for the masked key KEY of a cached
 * megaflow whose ingress port has PORT_AUX: like dp_upcall_cb (same RESULT, all zero on input) but
 * without side effects — no MAC learning, no table or group counters, no packet — so it may run
 * any number of times. Returns 0, or -errno to remove the megaflow. */
typedef int dp_revalidate_cb(void *port_aux, const struct flow *key,
                             struct dp_upcall_result *result);

/* Called on the main thread with counters to add to rule RULE_ID. */
typedef void dp_stats_cb(uint64_t rule_id, uint64_t packets, uint64_t bytes, long long used);

/* Drop reasons, counted per port (X-macro: enum and strings from one list). */
#define DP_DROP_REASONS                                                  \
    DP_DROP(ACTION_DROP, "flow actions were drop")                      \
    DP_DROP(UPCALL_FAILED, "upcall failed")                             \
    DP_DROP(FLOW_LIMIT, "flow limit reached, upcall refused")           \
    DP_DROP(TX_FAILED, "transmit queue full")                           \
    DP_DROP(NO_PORT, "output port does not exist")                      \
    DP_DROP(LINK_DOWN, "output port link is down")                      \
    DP_DROP(MALFORMED, "malformed packet")                              \
    DP_DROP(RUNT, "runt: shorter than an Ethernet header")              \
    DP_DROP(TRUNCATED, "truncated: headers run past the frame")         \
    DP_DROP(OVERSIZE, "oversize: frame longer than the port MTU")       \
    DP_DROP(TTL_EXPIRED, "TTL expired (dec_ttl)")                       \
    DP_DROP(METER, "meter band dropped the packet")                     \
    DP_DROP(NO_MEMORY, "no mbuf for a packet copy")                     \
    DP_DROP(RECIRC_DEPTH, "too many recirculations")                    \
    DP_DROP(PACKET_IN_QUEUE, "packet-in queue full")                    \
    DP_DROP(NO_ROOM, "no headroom to push a header")                              \
    DP_DROP(HELD, "held by other_config:flow-restore-wait")              \
    DP_DROP(UPCALL_LIMIT, "upcall rate limit (other_config:upcall-rate)") \
    DP_DROP(XLATE_RECURSION, "recursion too deep") /* > 64 nested tables/bridges */ \
    DP_DROP(XLATE_RESUBMITS, "too many resubmits") /* > 4096 table lookups */

enum dp_drop_reason {
#define DP_DROP(ENUM, STR) DP_DROP_##ENUM,
    DP_DROP_REASONS
#undef DP_DROP
    DP_N_DROP_REASONS
};
const char *dp_drop_reason_string(enum dp_drop_reason);

struct dp_port_stats {
    uint64_t rx_packets, rx_bytes, rx_errors, rx_missed;
    uint64_t tx_packets, tx_bytes, tx_errors;
    uint64_t drops[DP_N_DROP_REASONS];   /* Packets dropped, by reason (ingress: the port where the
                                            packet arrived; TX_FAILED/NO_PORT: egress). */
};

struct dp_netdev *dp_netdev_create(void);
void dp_netdev_destroy(struct dp_netdev *);
void dp_netdev_set_upcall(struct dp_netdev *, dp_upcall_cb *cb);
void dp_netdev_set_stats_cb(struct dp_netdev *, dp_stats_cb *cb);
/* Installs the revalidator's callback (see above). Without one, dp_netdev_revalidate() flushes. */
void dp_netdev_set_revalidate_cb(struct dp_netdev *, dp_revalidate_cb *cb);

/* Sets the PMD cores from pmd-cpu-mask (hex mask "0x2" or list "1,3-5"; NULL = core 1, or core 0
 * on a one-CPU machine). Starts/stops PMD threads as needed. Returns 0 or -EINVAL with *ERRP. */
int dp_netdev_set_pmd_cpus(struct dp_netdev *, const char *spec, char **errp);
/* emc-insert-inv-prob: insert into the EMC with probability 1/N (0 disables; default 100). */
void dp_netdev_set_emc_insert_inv_prob(struct dp_netdev *, uint32_t inv_prob);
/* flow-limit: maximum megaflows per PMD (default 200000). */
void dp_netdev_set_flow_limit(struct dp_netdev *, uint32_t limit);
/* upcall-rate: upcalls per second per PMD, at most (token bucket, 10 ms deep; 0 = unlimited;
 * default 200000: about half of a 2.6 GHz core at ~7,000 cycles per flow setup, the rest left for
 * established flows; docs/performance.md). A miss past the bound, or past UPCALLS_PER_BATCH (32)
 * in one rx batch, is dropped and counted as DP_DROP_UPCALL_LIMIT on its ingress port and in
 * pmd-stats-show. */
void dp_netdev_set_upcall_rate(struct dp_netdev *, uint32_t per_sec);

/* Opens the port (see netdev_dpdk_open()) and starts polling it. On success returns 0 and the
 * datapath port number in *DP_PORTP; otherwise -errno with *ERRP (malloc'd) saying why. */
int dp_netdev_port_add(struct dp_netdev *, const char *name, const char *type, const char *devargs,
                       void *port_aux, uint32_t *dp_portp, char **errp);
/* Rx queue configuration of DP_PORT, from the Interface row (strings as in the database, NULL when
 * the key is absent):
 *   N_RXQ      options:n_rxq, 1..NETDEV_MAX_RXQ rx queues (default 1), capped at what the device
 *              offers; more than one spreads packets by RSS where the driver hashes. Changing it
 *              stops the port's traffic while the device is reconfigured (other ports go on).
 *   AFFINITY   other_config:pmd-rxq-affinity "QUEUE:CORE[,QUEUE:CORE...]": pins each listed queue
 *              to the PMD on CORE; that PMD then polls only pinned queues (isolated, as in OVS).
 *              A pin to a core without a PMD is logged and the queue placed like the others.
 * Cheap when nothing changed (call it on every configuration pass); reassigns the queues when
 * something did. Bad values are logged naming the key and ignored. Returns 0, -EINVAL if a value
 * was bad, or -ENODEV if there is no such port. */
int dp_netdev_port_set_config(struct dp_netdev *, uint32_t dp_port, const char *n_rxq,
                              const char *affinity);
/* other_config:pmd-rxq-assign: "cycles" (default; the busiest queues, by busy cycles measured
 * per rxq, spread over the PMDs in a zig-zag), "roundrobin" (port order, PMDs in turn) or "group"
 * (busiest first, each to the PMD with the least load so far). NULL = cycles. A bad value is
 * logged naming the key and cycles is used: returns -EINVAL; otherwise 0. Reassigns on change. */
int dp_netdev_set_rxq_assign(struct dp_netdev *, const char *mode);

/* Stops polling DP_PORT, waits for the PMDs to let go of it, and closes it. */
void dp_netdev_port_del(struct dp_netdev *, uint32_t dp_port);
int dp_netdev_port_get_stats(struct dp_netdev *, uint32_t dp_port, struct dp_port_stats *);
/* MAC, link and MTU of the port (for port descriptions and Interface status). */
bool dp_netdev_port_get_info(struct dp_netdev *, uint32_t dp_port, struct eth_addr *mac,
                             bool *link_up, uint32_t *speed_mbps, uint16_t *mtu);

/* Packets the pipeline sent to userspace (DP_ACTION_USERSPACE), delivered on the main thread from
 * dp_netdev_run(): the packet as it was when the action ran (at most max_len bytes are guaranteed
 * meaningful to the receiver; 'len' is the full length), its ingress port and flow key. */
struct dp_packet_in {
    void *port_aux;            /* aux of the ingress port given to dp_netdev_port_add(). */
    uint32_t in_uid;           /* The USERSPACE action's in_uid (pmd/dp-flow.h), or 0. */
    uint32_t in_dp_port;
    uint8_t reason;            /* OFPR_* */
    uint8_t table_id;
    uint16_t max_len;
    uint64_t cookie_be;
    struct flow flow;          /* Key of the packet when it was sent up. */
    const void *packet;
    size_t len;
};
typedef void dp_packet_in_cb(const struct dp_packet_in *);
void dp_netdev_set_packet_in_cb(struct dp_netdev *, dp_packet_in_cb *cb);

/* Executes ACTIONS on a copy of the LEN-byte PACKET as if received on IN_DP_PORT (DP_PORT_NONE for
 * none) from the main thread (OpenFlow packet-out). Outputs go out at once on the main thread's own
 * tx queue of each port (queue n_pmds; shared with a lock when the device has fewer queues).
 * USERSPACE actions are delivered to the packet-in callback from the next dp_netdev_run(), never
 * from inside this call. A RECIRC action translates the recirculated packet by calling the upcall
 * callback on this thread (so the caller must not hold the pipeline's lock), executing the result
 * without installing a megaflow. Returns 0 or -errno (-ENOMEM: no mbuf, -EINVAL: LEN is 0 or
 * larger than an mbuf's data room, -ENODEV: there is no datapath port to take a buffer from). */
int dp_netdev_execute(struct dp_netdev *, const void *packet, size_t len, uint32_t in_dp_port,
                      const struct dp_action *actions, size_t n_actions);

/* The port's device (for status: driver, queues, devargs), or NULL. Main thread; valid until the port
 * is deleted. */
struct netdev_dpdk;
const struct netdev_dpdk *dp_netdev_port_get_netdev(struct dp_netdev *, uint32_t dp_port);

/* Invalidates every cached flow in every PMD (see above). Thread-safe (any thread). Returns at
 * once: the PMDs act on it before their next batch; dp_netdev_sync_caches() waits for that. */
void dp_netdev_flush_caches(struct dp_netdev *);

/* The cache generation: it moves (only forward) on every dp_netdev_flush_caches() and port change.
 * For tests and diagnostics: any thread. */
uint64_t dp_netdev_cache_gen(const struct dp_netdev *);

/* Asks every PMD to revalidate its megaflows against the current tables (see above). Thread-safe;
 * returns at once; dp_netdev_sync_caches() waits for the PMDs to finish. */
void dp_netdev_revalidate(struct dp_netdev *);
/* While DEFER (calls nest), dp_netdev_revalidate() only notes that a revalidation is due; the
 * call that ends the outermost deferral asks for it, once. For changes that must reach the PMDs
 * together (a bundle commit, ofproto-bundle.h). Thread-safe. */
void dp_netdev_defer_revalidation(struct dp_netdev *, bool defer);
/* The revalidation sequence (moves forward on every dp_netdev_revalidate()). Any thread. */
uint64_t dp_netdev_reval_seq(const struct dp_netdev *);

/* What the revalidator does with one megaflow. */
enum dp_reval_verdict {
    DP_REVAL_KEEP,          /* Same actions and rule; the fresh mask is within the old one. */
    DP_REVAL_UPDATE,        /* Mask still sound, actions or rule changed: RES holds the new ones. */
    DP_REVAL_DELETE,        /* The translation now consults bits outside the mask, or failed. */
};
/* Re-translates megaflow FLOW with CB (PORT_AUX: its ingress port's aux) into RES (any content on
 * input) and says whether it is still good. Sound by construction: a megaflow is kept only if
 * the fresh translation of its masked key consulted no bit outside its mask, so every packet it
 * matches would get the same translation. Pure: touches neither FLOW nor any cache. Any thread
 * that may call CB. */
enum dp_reval_verdict dp_flow_revalidate(const struct dp_flow *flow, dp_revalidate_cb *cb,
                                         void *port_aux, struct dp_upcall_result *res);
/* Applies an UPDATE verdict: rewrites FLOW's actions and rule id from RES in place. Returns false
 * (FLOW untouched) if RES has more actions than FLOW has room for: remove it instead. Only the
 * thread that owns FLOW's caches may call it, between batches. */
bool dp_flow_update(struct dp_flow *flow, const struct dp_upcall_result *res);

/* Blocks until every PMD thread has applied every invalidation requested (dp_netdev_flush_caches()
 * and dp_netdev_revalidate()) before this call: after it returns, no packet is forwarded by a
 * megaflow or EMC entry made from a translation older than the last flush or whose translation
 * changed since the last revalidation request, and every batch a PMD was processing at the time
 * is out (transmitted or dropped). Call it after changing the OpenFlow tables and before sending the
 * barrier reply (OpenFlow 1.3.5 §6.2, "Barrier message").
 *
 * Bounded: waits at most 2000 ms for the revalidation passes; a PMD whose pass takes longer gets
 * its caches flushed instead (logged) and the call waits up to 2000 ms more for that flush, so a
 * slow pass never lets a stale megaflow outlive the barrier. Only a PMD that applies neither is
 * logged and makes the call return -ETIMEDOUT.
 * Must be called on the main thread WITHOUT holding any lock that the upcall callback takes (the
 * ofproto mutex): a PMD in the middle of an upcall must be able to finish it. Returns 0 at once
 * when there are no PMD threads. Returns 0 or -ETIMEDOUT. */
int dp_netdev_sync_caches(struct dp_netdev *);

/* Meter hook for DP_ACTION_METER, called on the thread executing the action (a PMD thread, or the
 * main thread inside dp_netdev_execute()): PORT_AUX is the ingress port's aux (NULL for a
 * packet-out with no in_port), METER_ID the action's argument (the OpenFlow meter id and the meter
 * domain, DP_METER_ID()/DP_METER_DOMAIN() in dp-flow.h), PKT_LEN the packet length in bytes
 * (L2 frame, no FCS), NOW_TSC rte_rdtsc() (rte_get_tsc_hz() ticks per second). Returns true to let
 * the packet continue, false to drop it (counted as DP_DROP_METER on the ingress port). Must be
 * thread-safe and lock-free enough for the packet path (OpenFlow 1.3.5 §5.7 meter bands). With no
 * hook installed, meter actions pass every packet. */
typedef bool dp_meter_cb(void *port_aux, uint32_t meter_id, uint32_t pkt_len, uint64_t now_tsc);
void dp_netdev_set_meter_cb(struct dp_netdev *, dp_meter_cb *cb);

/* max-idle: megaflows unused for MSEC milliseconds are removed (default 10000; OVS's
 * other_config:max-idle). When a PMD holds more megaflows than flow-limit, it ages them with a
 * max-idle of 100 ms until it is back under the limit. A PMD walks its megaflows for this every
 * 500 ms and removes at most 4096 per walk, so a megaflow lives up to max-idle + 500 ms idle. */
void dp_netdev_set_max_idle(struct dp_netdev *, uint32_t msec);

/* Main-thread housekeeping: drains rule counters and delivers packet-ins (dp_netdev_wait() wakes
 * the main loop when a PMD queues one). */
void dp_netdev_run(struct dp_netdev *);
void dp_netdev_wait(struct dp_netdev *);

/* Text for dpif-netdev/pmd-stats-show (OVS layout) and pmd-stats-clear. */
void dp_netdev_pmd_stats_show(struct dp_netdev *, struct ds *);
void dp_netdev_pmd_stats_clear(struct dp_netdev *);
/* pmd-stats-show --format json: an array with one object per PMD thread, the same counters as the
 * text (keys: core_id, numa_id, packets_received, emc_hits, megaflow_hits,
 * avg_subtable_lookups_per_megaflow_hit, upcalls_ok, upcalls_failed, not_installed,
 * avg_packets_per_output_batch, idle_cycles, processing_cycles, avg_processing_cycles_per_packet,
 * megaflows, cache_flushes, megaflows_aged_out, emc_bypasses, upcalls_rate_limited,
 * revalidation_passes, megaflows_revalidated, megaflows_revalidated_updated,
 * megaflows_revalidated_deleted). Stable: keys are only ever added. */
void dp_netdev_pmd_stats_show_json(struct dp_netdev *, struct ds *);
/* Registers the unixctl commands "memory/show [--format json]" (ports, PMDs, megaflows and EMC
 * entries per PMD, mbufs in use and pool size, DPDK heap usage), "dpctl/show" (lookups, flows,
 * ports with their drop counters by reason, like ovs-dpctl show) and "dpctl/del-flows" (drops every megaflow and EMC entry, waiting
 * for the PMDs as dp_netdev_sync_caches() does) for DP. Only the first call registers (one
 * datapath per process); dp_netdev_create() calls it. */
void dp_netdev_register_unixctl(struct dp_netdev *);

/* Text for dpctl/dump-flows-like output: every megaflow of every PMD. */
void dp_netdev_dump_flows(struct dp_netdev *, struct ds *);

#endif
