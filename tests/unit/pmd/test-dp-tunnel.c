/*
 * test-dp-tunnel — the datapath's tunnel actions (pmd/dp-flow.h, pmd/dp-tunnel.h) exercised
 * through dp_netdev_execute() (packet-out) on a real dp_netdev:
 *   - clone(tnl_push(H), userspace), userspace: the clone's packet-in carries the outer header
 *     H followed by the inner frame, and the action after the clone still sees the inner frame;
 *   - tnl_pop(VPORT) of a packet built by dp_tnl_header_build()/dp_tnl_fill() re-injects the inner
 *     frame: the upcall gets the vport's aux, in_port = the vport and tun_id/tun_src/tun_dst from
 *     the outer headers, and its actions run on the inner frame;
 *   - tnl_pop followed by more actions pops a copy and the later actions get the packet as it was;
 *   - a corrupted tunnel packet is dropped and counted as malformed on the ingress port.
 *
 * Starts DPDK through netdev-dpdk's dpdk_init() with --no-huge; skipped (77) if it cannot start.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pkt-build.h"
#include "pmd/dp-tunnel.h"
#include "pmd/dpif-netdev.h"
#include "pmd/netdev-dpdk.h"

static struct dp_netdev *dp;
static uint32_t port;
static int vport_marker;

#define MAX_PI 8
static struct {
    size_t len;
    uint8_t data[256];
} pis[MAX_PI];
static unsigned n_pi;

static void
packet_in_cb(const struct dp_packet_in *p)
{
    if (n_pi < MAX_PI) {
        pis[n_pi].len = p->len;
        memcpy(pis[n_pi].data, p->packet, p->len < 256 ? p->len : 256);
        n_pi++;
    }
}

/* The upcall: records what it was given and sends the packet to userspace. */
static struct {
    unsigned n;
    void *aux;
    struct flow flow;
} up;

static int
upcall_cb(void *port_aux, const struct flow *flow, const void *packet, size_t len,
          struct dp_upcall_result *res)
{
    up.n++;
    up.aux = port_aux;
    up.flow = *flow;
    res->actions.n = 1;
    memset(&res->actions.a[0], 0, sizeof res->actions.a[0]);
    res->actions.a[0].type = DP_ACTION_USERSPACE;
    res->actions.a[0].port = 1;
    res->actions.a[0].u.userspace.max_len = 0xffff;
    return 0;
}

static size_t
make_inner(struct pkt *p)
{
    static const uint8_t a[6] = { 2, 0, 0, 0, 0, 1 }, b[6] = { 2, 0, 0, 0, 0, 2 };
    memset(p, 0, sizeof *p);
    pkt_put_eth(p, b, a, 0x0800);
    pkt_put_ipv4(p, 0, 8 + 18, 0, 64, 17, 0x0a000001, 0x0a000002);
    pkt_put_udp(p, 1000, 53, 18);
    pkt_put_zeros(p, 18);
    return p->len;
}

static void
make_header(struct dp_tnl_header *h, uint32_t vni)
{
    struct dp_tnl_header_cfg cfg = {
        .type = DP_TNL_VXLAN, .ip_src_be = htonl(0xac1f0001), .ip_dst_be = htonl(0xac1f0002),
        .df = true, .key = vni,
        .eth_src = { { 2, 0, 0, 0, 1, 1 } }, .eth_dst = { { 2, 0, 0, 0, 1, 2 } },
    };
    assert_int_equal(dp_tnl_header_build(&cfg, h), 0);
}

static uint64_t
drops(enum dp_drop_reason r)
{
    struct dp_port_stats s;
    dp_netdev_port_get_stats(dp, port, &s);
    return s.drops[r];
}

static void
test_clone_push(void **state)
{
    struct pkt p;
    struct dp_tnl_header h;
    size_t len = make_inner(&p);
    make_header(&h, 100);
    uint32_t id = dp_tnl_header_intern(&h);
    assert_int_not_equal(id, UINT32_MAX);

    struct dp_action acts[4];
    memset(acts, 0, sizeof acts);
    acts[0].type = DP_ACTION_CLONE;
    acts[0].port = 2;
    acts[1].type = DP_ACTION_TNL_PUSH;
    acts[1].port = id;
    acts[2].type = DP_ACTION_USERSPACE;
    acts[2].port = 1;
    acts[2].u.userspace.max_len = 0xffff;
    acts[3] = acts[2];
    n_pi = 0;
    assert_int_equal(dp_netdev_execute(dp, p.data, len, port, acts, 4), 0);
    dp_netdev_run(dp);
    assert_int_equal(n_pi, 2);
    /* The clone: header, then the inner frame untouched. */
    assert_int_equal(pis[0].len, h.len + len);
    assert_memory_equal(pis[0].data, h.data, 14);              /* Ethernet. */
    assert_memory_equal(pis[0].data + 26, h.data + 26, 8);     /* IPv4 addresses. */
    assert_int_equal(pis[0].data[16] << 8 | pis[0].data[17], h.len - 14 + len);
    assert_memory_equal(pis[0].data + h.len, p.data, len);
    const uint8_t *vx = pis[0].data + 42;
    assert_int_equal(vx[4] << 16 | vx[5] << 8 | vx[6], 100);
    /* After the clone: the original. */
    assert_int_equal(pis[1].len, len);
    assert_memory_equal(pis[1].data, p.data, len);
}

static size_t
make_tunnel_packet(uint8_t *buf, uint32_t vni, size_t *inner_len, struct pkt *inner)
{
    struct dp_tnl_header h;
    *inner_len = make_inner(inner);
    make_header(&h, vni);
    memcpy(buf, h.data, h.len);
    memcpy(buf + h.len, inner->data, *inner_len);
    dp_tnl_fill(buf, *inner_len, &h, 50000, 1);
    return h.len + *inner_len;
}

static void
test_pop(void **state)
{
    uint32_t vport;
    assert_int_equal(dp_tnl_vport_add("vxlan_sys_4789", DP_TNL_VXLAN, &vport_marker, &vport), 0);
    assert_true(vport >= DP_TNL_PORT_BASE);
    assert_non_null(dp_tnl_vport_get(vport));

    uint8_t buf[256];
    size_t inner_len;
    struct pkt inner;
    size_t len = make_tunnel_packet(buf, 0x1234, &inner_len, &inner);

    struct dp_action acts[2];
    memset(acts, 0, sizeof acts);
    acts[0].type = DP_ACTION_TNL_POP;
    acts[0].port = vport;
    memset(&up, 0, sizeof up);
    n_pi = 0;
    assert_int_equal(dp_netdev_execute(dp, buf, len, port, acts, 1), 0);
    dp_netdev_run(dp);
    assert_int_equal(up.n, 1);
    assert_ptr_equal(up.aux, &vport_marker);
    assert_int_equal(up.flow.in_port, vport);
    assert_int_equal(be64toh(up.flow.tun_id_be), 0x1234);
    assert_int_equal(ntohl(up.flow.tun_src_be), 0xac1f0001);
    assert_int_equal(ntohl(up.flow.tun_dst_be), 0xac1f0002);
    assert_int_equal(ntohl(up.flow.nw_dst_be), 0x0a000002);    /* The inner packet's key. */
    assert_int_equal(n_pi, 1);
    assert_int_equal(pis[0].len, inner_len);
    assert_memory_equal(pis[0].data, inner.data, inner_len);

    /* Not the last action: a copy is popped, the next action gets the packet as it was. */
    acts[1].type = DP_ACTION_USERSPACE;
    acts[1].port = 1;
    acts[1].u.userspace.max_len = 0xffff;
    memset(&up, 0, sizeof up);
    n_pi = 0;
    assert_int_equal(dp_netdev_execute(dp, buf, len, port, acts, 2), 0);
    dp_netdev_run(dp);
    assert_int_equal(up.n, 1);
    assert_int_equal(n_pi, 2);
    assert_int_equal(pis[0].len + pis[1].len, inner_len + len);

    /* A corrupted packet (bad IPv4 header checksum) is dropped and counted. */
    uint64_t malformed = drops(DP_DROP_MALFORMED);
    buf[14 + 8] ^= 1;
    memset(&up, 0, sizeof up);
    assert_int_equal(dp_netdev_execute(dp, buf, len, port, acts, 1), 0);
    assert_int_equal(up.n, 0);
    assert_int_equal(drops(DP_DROP_MALFORMED), malformed + 1);
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
    dp_netdev_set_upcall(dp, upcall_cb);
    char *err = NULL, devargs[64];
    snprintf(devargs, sizeof devargs, "net_null_u%ld,no-rx=1", (long) getpid() % 100000);
    if (dp_netdev_port_add(dp, "n0", "dpdk", devargs, NULL, &port, &err)) {
        fprintf(stderr, "%s: cannot add a net_null port: %s\n", argv[0], err ? err : "?");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clone_push),
        cmocka_unit_test(test_pop),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    dp_netdev_destroy(dp);
    return rc;
}
