/*
 * test-dp-netdev — the datapath contracts the OpenFlow layer codes against, exercised through
 * dp_netdev_execute() (packet-out) on a real dp_netdev with a net_null port:
 *   - OUTPUT transmits on the port (its tx counter moves);
 *   - USERSPACE queues a packet-in that dp_netdev_run() delivers to the packet-in callback with the
 *     packet bytes, reason, table, cookie and the packet's flow key;
 *   - a rewrite before USERSPACE is visible in the packet-in, and an OUTPUT before the rewrite sends
 *     the unmodified packet (a copy);
 *   - METER calls the meter hook, whose "drop" verdict is counted as a meter drop on the in_port;
 *   - DEC_TTL on TTL 1 drops (counted) or, with arg != 0, sends a packet-in with reason
 *     OFPR_INVALID_TTL (2);
 *   - USERSPACE then OUTPUT (a flow "actions=CONTROLLER:200,output:2") does both: the packet-in
 *     does not consume the packet;
 *   - DROP counts the packet under its own reason (a translation error such as a resubmit loop),
 *     not "flow actions were drop", and runs nothing after it;
 *   - dp_netdev_sync_caches() returns 0 with no PMD threads.
 * And the revalidator, on a second dp_netdev with a PMD thread, a net_ring port (loopback: what
 * is sent on it comes back on its rx queue) and a net_null sink, with a toy pipeline as upcall:
 * after a table change, dp_netdev_revalidate() and dp_netdev_sync_caches() (the barrier), an
 * unaffected megaflow survives (no new upcall), one whose actions changed is updated in place
 * (no new upcall, new actions), and one whose mask no longer suffices is gone (the next packet
 * upcalls); and other_config:upcall-rate's bound drops (and counts) misses past the rate.
 *
 * Starts DPDK through netdev-dpdk's dpdk_init() with --no-huge; skipped (77) if it cannot start.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pkt-build.h"
#include "pmd/dpif-netdev.h"
#include "pmd/netdev-dpdk.h"

static struct dp_netdev *dp;
static uint32_t port;

/* Packet-ins received. */
static struct {
    unsigned n;
    uint8_t reason, table_id;
    uint64_t cookie_be;
    uint8_t ttl;
    uint32_t nw_dst_be;
    size_t len;
    uint32_t in_dp_port;
} pi;

static void
packet_in_cb(const struct dp_packet_in *p)
{
    pi.n++;
    pi.reason = p->reason;
    pi.table_id = p->table_id;
    pi.cookie_be = p->cookie_be;
    pi.len = p->len;
    pi.ttl = ((const uint8_t *) p->packet)[14 + 8];
    pi.nw_dst_be = p->flow.nw_dst_be;
    pi.in_dp_port = p->in_dp_port;
}

static unsigned meter_calls;
static bool meter_verdict;

static bool
meter_cb(void *port_aux, uint32_t meter_id, uint32_t pkt_len, uint64_t now_tsc)
{
    (void) port_aux;
    (void) now_tsc;
    assert_int_equal(meter_id, 7);
    assert_int_equal(pkt_len, 60);
    meter_calls++;
    return meter_verdict;
}

static size_t
make_packet(struct pkt *p, uint8_t ttl)
{
    static const uint8_t a[6] = { 2, 0, 0, 0, 0, 1 }, b[6] = { 2, 0, 0, 0, 0, 2 };
    memset(p, 0, sizeof *p);
    pkt_put_eth(p, b, a, 0x0800);
    pkt_put_ipv4(p, 0, 8 + 18, 0, ttl, 17, 0x0a000001, 0x0a000002);
    pkt_put_udp(p, 1000, 53, 18);
    pkt_put_zeros(p, 18);
    return p->len;
}

static uint64_t
tx_packets(void)
{
    struct dp_port_stats s;
    dp_netdev_port_get_stats(dp, port, &s);
    return s.tx_packets;
}

static uint64_t
drops(enum dp_drop_reason r)
{
    struct dp_port_stats s;
    dp_netdev_port_get_stats(dp, port, &s);
    return s.drops[r];
}

static void
test_output_and_userspace(void **state)
{
    (void) state;
    struct pkt p;
    make_packet(&p, 64);
    struct dp_action acts[3];
    memset(acts, 0, sizeof acts);
    acts[0].type = DP_ACTION_OUTPUT;
    acts[0].port = port;
    acts[1].type = DP_ACTION_SET_IPV4_DST;
    acts[1].u.be32 = htonl(0xc0a80001);
    acts[2].type = DP_ACTION_USERSPACE;
    acts[2].port = 1;                               /* OFPR_ACTION */
    acts[2].u.userspace.table_id = 3;
    acts[2].u.userspace.max_len = 0xffff;
    acts[2].u.userspace.cookie = 0x1122334455667788ULL;

    uint64_t tx0 = tx_packets();
    memset(&pi, 0, sizeof pi);
    assert_int_equal(dp_netdev_execute(dp, p.data, p.len, port, acts, 3), 0);
    assert_int_equal(tx_packets(), tx0 + 1);
    assert_int_equal(pi.n, 0);                      /* Delivered by dp_netdev_run() only. */
    dp_netdev_run(dp);
    assert_int_equal(pi.n, 1);
    assert_int_equal(pi.reason, 1);
    assert_int_equal(pi.table_id, 3);
    assert_true(pi.cookie_be == 0x1122334455667788ULL);
    assert_int_equal(pi.len, p.len);
    assert_int_equal(pi.in_dp_port, port);
    assert_int_equal(ntohl(pi.nw_dst_be), 0xc0a80001);   /* The rewrite happened before. */
}

static void
test_meter(void **state)
{
    (void) state;
    struct pkt p;
    make_packet(&p, 64);
    struct dp_action acts[2];
    memset(acts, 0, sizeof acts);
    acts[0].type = DP_ACTION_METER;
    acts[0].port = 7;
    acts[1].type = DP_ACTION_OUTPUT;
    acts[1].port = port;

    dp_netdev_set_meter_cb(dp, meter_cb);
    uint64_t tx0 = tx_packets(), d0 = drops(DP_DROP_METER);
    meter_verdict = true;
    assert_int_equal(dp_netdev_execute(dp, p.data, p.len, port, acts, 2), 0);
    assert_int_equal(tx_packets(), tx0 + 1);
    meter_verdict = false;
    assert_int_equal(dp_netdev_execute(dp, p.data, p.len, port, acts, 2), 0);
    assert_int_equal(tx_packets(), tx0 + 1);
    assert_int_equal(drops(DP_DROP_METER), d0 + 1);
    assert_int_equal(meter_calls, 2);
    dp_netdev_set_meter_cb(dp, NULL);
}

static void
test_dec_ttl(void **state)
{
    (void) state;
    struct pkt p;
    make_packet(&p, 1);
    struct dp_action acts[2];
    memset(acts, 0, sizeof acts);
    acts[0].type = DP_ACTION_DEC_TTL;
    acts[1].type = DP_ACTION_OUTPUT;
    acts[1].port = port;

    uint64_t tx0 = tx_packets(), d0 = drops(DP_DROP_TTL_EXPIRED);
    assert_int_equal(dp_netdev_execute(dp, p.data, p.len, port, acts, 2), 0);
    assert_int_equal(tx_packets(), tx0);
    assert_int_equal(drops(DP_DROP_TTL_EXPIRED), d0 + 1);

    acts[0].port = 1;                               /* Send to the controller instead. */
    memset(&pi, 0, sizeof pi);
    assert_int_equal(dp_netdev_execute(dp, p.data, p.len, port, acts, 2), 0);
    dp_netdev_run(dp);
    assert_int_equal(pi.n, 1);
    assert_int_equal(pi.reason, 2);                 /* OFPR_INVALID_TTL */
    assert_int_equal(pi.ttl, 1);

    make_packet(&p, 64);
    assert_int_equal(dp_netdev_execute(dp, p.data, p.len, port, acts, 2), 0);
    assert_int_equal(tx_packets(), tx0 + 1);
}

static void
test_userspace_then_output(void **state)
{
    (void) state;
    struct pkt p;
    make_packet(&p, 64);
    struct dp_action acts[2];
    memset(acts, 0, sizeof acts);
    acts[0].type = DP_ACTION_USERSPACE;
    acts[0].port = 1;                               /* OFPR_ACTION */
    acts[0].u.userspace.max_len = 200;
    acts[1].type = DP_ACTION_OUTPUT;
    acts[1].port = port;

    uint64_t tx0 = tx_packets(), d0 = drops(DP_DROP_ACTION_DROP);
    memset(&pi, 0, sizeof pi);
    assert_int_equal(dp_netdev_execute(dp, p.data, p.len, port, acts, 2), 0);
    assert_int_equal(tx_packets(), tx0 + 1);        /* Forwarded... */
    dp_netdev_run(dp);
    assert_int_equal(pi.n, 1);                      /* ...and sent to the controller. */
    assert_int_equal(pi.len, p.len);
    assert_int_equal(drops(DP_DROP_ACTION_DROP), d0);
}

static void
test_drop_reason(void **state)
{
    (void) state;
    struct pkt p;
    make_packet(&p, 64);
    struct dp_action acts[2];
    memset(acts, 0, sizeof acts);
    acts[0].type = DP_ACTION_DROP;
    acts[0].port = DP_DROP_XLATE_RECURSION;
    acts[1].type = DP_ACTION_OUTPUT;                /* Never reached. */
    acts[1].port = port;

    uint64_t tx0 = tx_packets(), generic0 = drops(DP_DROP_ACTION_DROP);
    uint64_t d0 = drops(DP_DROP_XLATE_RECURSION);
    assert_int_equal(dp_netdev_execute(dp, p.data, p.len, port, acts, 2), 0);
    assert_int_equal(drops(DP_DROP_XLATE_RECURSION), d0 + 1);
    assert_int_equal(drops(DP_DROP_ACTION_DROP), generic0);
    assert_int_equal(tx_packets(), tx0);
    assert_string_equal(dp_drop_reason_string(DP_DROP_XLATE_RECURSION), "recursion too deep");
    assert_string_equal(dp_drop_reason_string(DP_DROP_XLATE_RESUBMITS), "too many resubmits");
}

static void
test_errors_and_sync(void **state)
{
    (void) state;
    struct dp_action a = { .type = DP_ACTION_OUTPUT, .port = port };
    assert_int_equal(dp_netdev_execute(dp, "", 0, port, &a, 1), -EINVAL);
    assert_int_equal(dp_netdev_sync_caches(dp), 0);
}

/* ---- Revalidation with a PMD thread. ---- */

static struct dp_netdev *rdp;
static uint32_t ring_port, sink_port;
static int pipeline_version;            /* The toy pipeline's "flow table". */
static unsigned n_upcalls, n_revalidations;     /* __atomic */

/* Version 0: IPv4 TCP, UDP and ICMP go to the sink (consulting dl_type and nw_proto).
 * Version 1: UDP to port 53 is dropped (UDP now consults tp_dst too), ICMP is dropped (same mask,
 * new actions), TCP unchanged. */
static void
toy_xlate(const struct flow *f, struct dp_upcall_result *r)
{
    r->wc.dl_type_be = 0xffff;
    if (f->dl_type_be != htons(0x0800)) {
        return;
    }
    r->wc.nw_proto = 0xff;
    int version = __atomic_load_n(&pipeline_version, __ATOMIC_ACQUIRE);
    if (version >= 1 && f->nw_proto == 17) {
        r->wc.tp_dst_be = 0xffff;
        if (f->tp_dst_be == htons(53)) {
            return;
        }
    }
    if (version >= 1 && f->nw_proto == 1) {
        return;
    }
    r->actions.a[0].type = DP_ACTION_OUTPUT;
    r->actions.a[0].port = sink_port;
    r->actions.n = 1;
}

static int
toy_upcall(void *aux, const struct flow *f, const void *packet, size_t len,
           struct dp_upcall_result *r)
{
    (void) aux;
    (void) packet;
    (void) len;
    __atomic_add_fetch(&n_upcalls, 1, __ATOMIC_RELAXED);
    toy_xlate(f, r);
    return 0;
}

/* Revalidations still to be slowed down by 3 s each (a revalidation pass that outlasts the
 * barrier's 2 s wait). */
static int n_slow_revalidations;

static int
toy_revalidate(void *aux, const struct flow *key, struct dp_upcall_result *r)
{
    (void) aux;
    __atomic_add_fetch(&n_revalidations, 1, __ATOMIC_RELAXED);
    if (__atomic_load_n(&n_slow_revalidations, __ATOMIC_ACQUIRE) > 0) {
        __atomic_sub_fetch(&n_slow_revalidations, 1, __ATOMIC_ACQ_REL);
        usleep(3000000);
    }
    toy_xlate(key, r);
    return 0;
}

static uint64_t
rport_stat(uint32_t p, bool tx, int drop_reason)
{
    struct dp_port_stats s;
    dp_netdev_port_get_stats(rdp, p, &s);
    return drop_reason >= 0 ? s.drops[drop_reason] : tx ? s.tx_packets : s.rx_packets;
}

/* Waits up to 5 s for the counter to reach WANT. */
static bool
wait_stat(uint32_t p, bool tx, int drop_reason, uint64_t want)
{
    for (int i = 0; i < 500; i++) {
        if (rport_stat(p, tx, drop_reason) >= want) {
            return true;
        }
        usleep(10000);
    }
    return false;
}

/* Sends an IPv4 packet of protocol PROTO (to port DPORT) into the ring port: the PMD receives it. */
static void
inject(uint8_t proto, uint16_t dport)
{
    static const uint8_t a[6] = { 2, 0, 0, 0, 0, 1 }, b[6] = { 2, 0, 0, 0, 0, 2 };
    struct pkt p;
    memset(&p, 0, sizeof p);
    pkt_put_eth(&p, b, a, 0x0800);
    if (proto == 6) {
        pkt_put_ipv4(&p, 0, 20 + 18, 0, 64, 6, 0x0a000001, 0x0a000002);
        pkt_put_tcp(&p, 1000, dport, 0x10, 5);
    } else if (proto == 17) {
        pkt_put_ipv4(&p, 0, 8 + 18, 0, 64, 17, 0x0a000001, 0x0a000002);
        pkt_put_udp(&p, 1000, dport, 18);
    } else {
        pkt_put_ipv4(&p, 0, 8 + 18, 0, 64, proto, 0x0a000001, 0x0a000002);
        pkt_put_zeros(&p, 8);
    }
    pkt_put_zeros(&p, 18);
    struct dp_action out = { .type = DP_ACTION_OUTPUT, .port = ring_port };
    assert_int_equal(dp_netdev_execute(rdp, p.data, p.len, DP_PORT_NONE, &out, 1), 0);
}

static size_t
n_megaflows(void)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    size_t n = 0;
    dp_netdev_dump_flows(rdp, &ds);
    const char *s = strstr(ds_cstr(&ds), ": ");
    if (s) {
        n = strtoul(s + 2, NULL, 10);
    }
    ds_destroy(&ds);
    return n;
}

static void
test_revalidate_pmd(void **state)
{
    (void) state;
    char *err = NULL, devargs[64];

    rdp = dp_netdev_create();
    dp_netdev_set_upcall(rdp, toy_upcall);
    dp_netdev_set_revalidate_cb(rdp, toy_revalidate);
    if (dp_netdev_set_pmd_cpus(rdp, NULL, &err)) {
        fail_msg("cannot start a PMD thread: %s", err);
    }
    snprintf(devargs, sizeof devargs, "net_ring_r%ld", (long) getpid() % 100000);
    if (dp_netdev_port_add(rdp, "ring0", "dpdk", devargs, NULL, &ring_port, &err)) {
        dp_netdev_destroy(rdp);
        skip();     /* No net_ring driver in this DPDK build. */
    }
    /* net_ring pairs tx queue N with rx queue N: the main thread sends on its own tx queue (1,
     * after the PMD's 0), so the PMD must poll rx queue 1 too. */
    assert_int_equal(dp_netdev_port_set_config(rdp, ring_port, "2", NULL), 0);
    snprintf(devargs, sizeof devargs, "net_null_s%ld,no-rx=1", (long) getpid() % 100000);
    assert_int_equal(dp_netdev_port_add(rdp, "sink0", "dpdk", devargs, NULL, &sink_port, &err),
                     0);

    /* Three megaflows: TCP, UDP and ICMP, each forwarded to the sink once. */
    inject(6, 80);
    inject(17, 53);
    inject(1, 0);
    assert_true(wait_stat(sink_port, true, -1, 3));
    assert_int_equal(__atomic_load_n(&n_upcalls, __ATOMIC_RELAXED), 3);
    assert_int_equal(n_megaflows(), 3);

    /* The table changes; the barrier waits for the revalidator. */
    __atomic_store_n(&pipeline_version, 1, __ATOMIC_RELEASE);
    dp_netdev_revalidate(rdp);
    assert_int_equal(dp_netdev_sync_caches(rdp), 0);
    assert_true(__atomic_load_n(&n_revalidations, __ATOMIC_RELAXED) >= 3);
    assert_int_equal(n_megaflows(), 2);         /* UDP's is gone before the barrier. */

    /* TCP: served by its surviving megaflow, no upcall. */
    inject(6, 80);
    assert_true(wait_stat(sink_port, true, -1, 4));
    assert_int_equal(__atomic_load_n(&n_upcalls, __ATOMIC_RELAXED), 3);
    /* ICMP: its megaflow was updated in place to drop, still no upcall. */
    uint64_t d0 = rport_stat(ring_port, false, DP_DROP_ACTION_DROP);
    inject(1, 0);
    assert_true(wait_stat(ring_port, false, DP_DROP_ACTION_DROP, d0 + 1));
    assert_int_equal(__atomic_load_n(&n_upcalls, __ATOMIC_RELAXED), 3);
    /* UDP 53: a miss (new upcall), then dropped by the new translation. */
    inject(17, 53);
    assert_true(wait_stat(ring_port, false, DP_DROP_ACTION_DROP, d0 + 2));
    assert_int_equal(__atomic_load_n(&n_upcalls, __ATOMIC_RELAXED), 4);
    assert_int_equal(rport_stat(sink_port, true, -1), 4);

    /* Upcall rate limit: at 1 upcall/s, of three new UDP flows (UDP now consults tp_dst: three
     * megaflows) at least two are dropped and counted. */
    dp_netdev_set_upcall_rate(rdp, 1);
    uint64_t l0 = rport_stat(ring_port, false, DP_DROP_UPCALL_LIMIT);
    inject(17, 54);
    inject(17, 55);
    inject(17, 56);
    assert_true(wait_stat(ring_port, false, DP_DROP_UPCALL_LIMIT, l0 + 2));
    assert_true(__atomic_load_n(&n_upcalls, __ATOMIC_RELAXED) <= 5);

    /* A revalidation pass slower than the barrier's 2 s wait: the barrier flushes the PMD's
     * caches instead of answering while megaflows that were never re-checked still forward. */
    assert_true(n_megaflows() > 0);
    __atomic_store_n(&n_slow_revalidations, 1, __ATOMIC_RELEASE);
    dp_netdev_revalidate(rdp);
    assert_int_equal(dp_netdev_sync_caches(rdp), 0);
    assert_int_equal(n_megaflows(), 0);

    dp_netdev_destroy(rdp);
}

int
main(int argc, char *argv[])
{
    (void) argc;
    struct dpdk_config cfg = {
        .lcore_mask = "0x1",
        .extra = "--no-huge --no-pci --no-telemetry --log-level=*:error",
        .n_mbufs = 4096,
    };
    if (dpdk_init(&cfg)) {
        fprintf(stderr, "%s: skipped: DPDK cannot start here\n", argv[0]);
        return 77;
    }
    dp = dp_netdev_create();
    dp_netdev_set_packet_in_cb(dp, packet_in_cb);
    char *err = NULL, devargs[64];
    snprintf(devargs, sizeof devargs, "net_null_t%ld,no-rx=1", (long) getpid() % 100000);
    if (dp_netdev_port_add(dp, "n0", "dpdk", devargs, NULL, &port, &err)) {
        fprintf(stderr, "%s: cannot add a net_null port: %s\n", argv[0], err ? err : "?");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_and_userspace),
        cmocka_unit_test(test_meter),
        cmocka_unit_test(test_dec_ttl),
        cmocka_unit_test(test_userspace_then_output),
        cmocka_unit_test(test_drop_reason),
        cmocka_unit_test(test_errors_and_sync),
        cmocka_unit_test(test_revalidate_pmd),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    dp_netdev_destroy(dp);
    return rc;
}
