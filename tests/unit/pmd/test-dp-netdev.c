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
 *   - dp_netdev_sync_caches() returns 0 with no PMD threads.
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
test_errors_and_sync(void **state)
{
    (void) state;
    struct dp_action a = { .type = DP_ACTION_OUTPUT, .port = port };
    assert_int_equal(dp_netdev_execute(dp, "", 0, port, &a, 1), -EINVAL);
    assert_int_equal(dp_netdev_sync_caches(dp), 0);
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
        cmocka_unit_test(test_errors_and_sync),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    dp_netdev_destroy(dp);
    return rc;
}
