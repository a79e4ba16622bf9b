/*
 * test-dp-execute — the packet-rewriting datapath actions (pmd/dp-execute.h): each rewrite changes
 * exactly the field it names, and the IPv4 header and TCP/UDP checksums stay valid as recomputed
 * from scratch by DPDK's own rte_ipv4_cksum()/rte_ipv4_udptcp_cksum()/rte_ipv6_udptcp_cksum().
 *
 * Needs an EAL (mbufs): started with --no-huge; skipped (exit 77) if it cannot start.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "eal-test.h"
#include "pkt-build.h"
#include "pmd/dp-execute.h"

static struct rte_mempool *pool;
static const uint8_t mac_a[6] = { 2, 0, 0, 0, 0, 1 }, mac_b[6] = { 2, 0, 0, 0, 0, 2 };

/* An Ethernet/IPv4/PROTO packet with valid checksums, in a fresh mbuf. */
static struct rte_mbuf *
make_ipv4(uint8_t proto, bool udp_csum)
{
    struct pkt p = { .len = 0 };
    pkt_put_eth(&p, mac_b, mac_a, 0x0800);
    uint16_t l4len = proto == 6 ? 20 : 8;
    size_t ip = pkt_put_ipv4(&p, 0x10, l4len + 6, 0, 64, proto, 0x0a000001, 0x0a000002);
    size_t l4 = proto == 6 ? pkt_put_tcp(&p, 1234, 80, 0x18, 5) : pkt_put_udp(&p, 1234, 53, 6);
    pkt_put(&p, "hello!", 6);
    struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *) (p.data + ip);
    h->hdr_checksum = 0;
    h->hdr_checksum = rte_ipv4_cksum(h);
    uint16_t *cs = (uint16_t *) (p.data + l4 + (proto == 6 ? 16 : 6));
    *cs = 0;
    if (proto == 6 || udp_csum) {
        *cs = rte_ipv4_udptcp_cksum(h, p.data + l4);
    }
    struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
    assert_non_null(m);
    memcpy(rte_pktmbuf_append(m, (uint16_t) p.len), p.data, p.len);
    return m;
}

static struct rte_ipv4_hdr *
ip4(struct rte_mbuf *m, size_t l2)
{
    return rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2);
}

/* Asserts that the IPv4 header and L4 checksums at L2 offset L2 are valid (verify == 0). */
static void
assert_ipv4_csums(struct rte_mbuf *m, size_t l2)
{
    struct rte_ipv4_hdr *h = ip4(m, l2);
    assert_int_equal(rte_ipv4_cksum(h), 0);
    void *l4 = (uint8_t *) h + 20;
    if (h->next_proto_id == 17 && ((struct rte_udp_hdr *) l4)->dgram_cksum == 0) {
        return;     /* "No checksum" stays valid. */
    }
    uint16_t *cs = (uint16_t *) ((uint8_t *) l4 + (h->next_proto_id == 6 ? 16 : 6));
    uint16_t got = *cs;
    *cs = 0;
    uint16_t want = rte_ipv4_udptcp_cksum(h, l4);
    *cs = got;
    assert_int_equal(got, want);
}

static void
test_set_ipv4_addresses(void **state)
{
    (void) state;
    for (int proto = 0; proto < 2; proto++) {
        struct rte_mbuf *m = make_ipv4(proto ? 6 : 17, true);
        struct dp_action a = { .type = DP_ACTION_SET_IPV4_SRC, .u.be32 = htonl(0xc0a80101) };
        assert_int_equal(dp_execute_modify(m, &a), DP_EXEC_OK);
        a.type = DP_ACTION_SET_IPV4_DST;
        a.u.be32 = htonl(0xc0a80202);
        assert_int_equal(dp_execute_modify(m, &a), DP_EXEC_OK);
        assert_int_equal(ntohl(ip4(m, 14)->src_addr), 0xc0a80101);
        assert_int_equal(ntohl(ip4(m, 14)->dst_addr), 0xc0a80202);
        assert_ipv4_csums(m, 14);
        rte_pktmbuf_free(m);
    }
    /* A UDP packet without a checksum keeps none. */
    struct rte_mbuf *m = make_ipv4(17, false);
    struct dp_action a = { .type = DP_ACTION_SET_IPV4_SRC, .u.be32 = htonl(0x01020304) };
    dp_execute_modify(m, &a);
    assert_int_equal(rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, 34)->dgram_cksum, 0);
    assert_int_equal(rte_ipv4_cksum(ip4(m, 14)), 0);
    rte_pktmbuf_free(m);
}

static void
test_set_ports_tos_ttl(void **state)
{
    (void) state;
    struct rte_mbuf *m = make_ipv4(6, true);
    struct dp_action a = { .type = DP_ACTION_SET_L4_SRC, .u.be16 = htons(4321) };
    dp_execute_modify(m, &a);
    a.type = DP_ACTION_SET_L4_DST;
    a.u.be16 = htons(8080);
    dp_execute_modify(m, &a);
    struct rte_tcp_hdr *t = rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *, 34);
    assert_int_equal(ntohs(t->src_port), 4321);
    assert_int_equal(ntohs(t->dst_port), 8080);
    a.type = DP_ACTION_SET_IP_DSCP;
    a.u.u8 = 46;
    dp_execute_modify(m, &a);
    a.type = DP_ACTION_SET_IP_ECN;
    a.u.u8 = 3;
    dp_execute_modify(m, &a);
    assert_int_equal(ip4(m, 14)->type_of_service, 46 << 2 | 3);
    a.type = DP_ACTION_DEC_TTL;
    assert_int_equal(dp_execute_modify(m, &a), DP_EXEC_OK);
    assert_int_equal(ip4(m, 14)->time_to_live, 63);
    assert_ipv4_csums(m, 14);
    a.type = DP_ACTION_SET_IP_TTL;
    a.u.u8 = 1;
    dp_execute_modify(m, &a);
    a.type = DP_ACTION_DEC_TTL;
    assert_int_equal(dp_execute_modify(m, &a), DP_EXEC_TTL_EXPIRED);
    assert_int_equal(ip4(m, 14)->time_to_live, 1);      /* Not modified. */
    assert_ipv4_csums(m, 14);
    rte_pktmbuf_free(m);
}

static void
test_vlan_and_macs(void **state)
{
    (void) state;
    struct rte_mbuf *m = make_ipv4(17, true);
    uint16_t len = rte_pktmbuf_pkt_len(m);
    struct dp_action a = { .type = DP_ACTION_PUSH_VLAN };
    a.u.vlan.tpid = htons(0x8100);
    a.u.vlan.tci = htons(0x1000 | 5);
    assert_int_equal(dp_execute_modify(m, &a), DP_EXEC_OK);
    uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
    assert_int_equal(rte_pktmbuf_pkt_len(m), len + 4);
    assert_memory_equal(d, mac_b, 6);
    assert_memory_equal(d + 6, mac_a, 6);
    assert_int_equal(d[12] << 8 | d[13], 0x8100);
    assert_int_equal((d[14] << 8 | d[15]) & 0xfff, 5);
    assert_int_equal(d[16] << 8 | d[17], 0x0800);
    /* Rewrite the VID only, then an IPv4 rewrite still finds the header behind the tag. */
    a.type = DP_ACTION_SET_VLAN_TCI;
    a.u.vlan.tci = htons(7);
    a.u.vlan.tci_mask = htons(0x0fff);
    dp_execute_modify(m, &a);
    assert_int_equal((d[14] << 8 | d[15]) & 0xfff, 7);
    struct dp_action s = { .type = DP_ACTION_SET_IPV4_DST, .u.be32 = htonl(0x0a0a0a0a) };
    dp_execute_modify(m, &s);
    assert_int_equal(ntohl(ip4(m, 18)->dst_addr), 0x0a0a0a0a);
    assert_ipv4_csums(m, 18);
    a.type = DP_ACTION_POP_VLAN;
    dp_execute_modify(m, &a);
    d = rte_pktmbuf_mtod(m, uint8_t *);
    assert_int_equal(rte_pktmbuf_pkt_len(m), len);
    assert_int_equal(d[12] << 8 | d[13], 0x0800);
    assert_memory_equal(d + 6, mac_a, 6);
    a.type = DP_ACTION_SET_ETH_DST;
    memcpy(a.u.mac, mac_a, 6);
    dp_execute_modify(m, &a);
    assert_memory_equal(d, mac_a, 6);
    rte_pktmbuf_free(m);
}

static void
test_set_ipv6_src(void **state)
{
    (void) state;
    struct pkt p = { .len = 0 };
    uint8_t src[16] = { 0xfe, 0x80, [15] = 1 }, dst[16] = { 0xfe, 0x80, [15] = 2 };
    pkt_put_eth(&p, mac_b, mac_a, 0x86dd);
    size_t ip = pkt_put_ipv6(&p, 0, 0, 8 + 4, 17, 64, src, dst);
    size_t l4 = pkt_put_udp(&p, 1, 2, 4);
    pkt_put(&p, "abcd", 4);
    struct rte_ipv6_hdr *h = (struct rte_ipv6_hdr *) (p.data + ip);
    struct rte_udp_hdr *u = (struct rte_udp_hdr *) (p.data + l4);
    u->dgram_cksum = 0;
    u->dgram_cksum = rte_ipv6_udptcp_cksum(h, u);
    struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
    memcpy(rte_pktmbuf_append(m, (uint16_t) p.len), p.data, p.len);

    struct dp_action a = { .type = DP_ACTION_SET_IPV6_SRC };
    memset(a.u.ip6, 0x20, 16);
    dp_execute_modify(m, &a);
    h = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, ip);
    assert_memory_equal(h->src_addr, a.u.ip6, 16);
    struct rte_udp_hdr *uh = (struct rte_udp_hdr *) ((uint8_t *) h + 40);
    uint16_t got = uh->dgram_cksum;
    uh->dgram_cksum = 0;
    assert_int_equal(got, rte_ipv6_udptcp_cksum(h, uh));
    uh->dgram_cksum = got;
    a.type = DP_ACTION_DEC_TTL;
    dp_execute_modify(m, &a);
    assert_int_equal(h->hop_limits, 63);
    rte_pktmbuf_free(m);
}

int
main(int argc, char *argv[])
{
    (void) argc;
    if (eal_test_init(argv[0])) {
        fprintf(stderr, "%s: skipped: the DPDK EAL cannot start here\n", argv[0]);
        return 77;
    }
    pool = rte_pktmbuf_pool_create("test_exec", 256, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
                                   SOCKET_ID_ANY);
    if (!pool) {
        fprintf(stderr, "%s: cannot create an mbuf pool\n", argv[0]);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_ipv4_addresses),
        cmocka_unit_test(test_set_ports_tos_ttl),
        cmocka_unit_test(test_vlan_and_macs),
        cmocka_unit_test(test_set_ipv6_src),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
