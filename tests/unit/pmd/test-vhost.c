/*
 * test-vhost — the parts of pmd/netdev-vhost.h that need no guest: the port types, the
 * configuration string the bridge builds, and the completion of partial TCP/UDP checksums that
 * guests using checksum offload (VIRTIO_NET_F_CSUM) hand over — including packets whose headers
 * lie about their lengths, which must be left alone without reading past the frame.
 *
 * Needs an EAL (mbufs): started with --no-huge; skipped (exit 77) if it cannot start.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "eal-test.h"
#include "pkt-build.h"
#include "pmd/netdev-vhost.h"

static struct rte_mempool *pool;
static const uint8_t mac_a[6] = { 2, 0, 0, 0, 0, 1 }, mac_b[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t ip6_a[16] = { 0xfd, [15] = 1 }, ip6_b[16] = { 0xfd, [15] = 2 };

static void
test_types(void **state)
{
    (void) state;
    assert_true(netdev_vhost_is_type("dpdkvhostuser"));
    assert_true(netdev_vhost_is_type("dpdkvhostuserclient"));
    assert_false(netdev_vhost_is_type("dpdk"));
    assert_false(netdev_vhost_is_type(""));
    assert_false(netdev_vhost_is_type(NULL));
}

static void
test_config_string(void **state)
{
    (void) state;
    char *c = netdev_vhost_make_config("/run/vm/s.sock", NULL, NULL, "kvm", "0660", "4");
    assert_string_equal(c, "vhost-server-path=/run/vm/s.sock\nvhost-sock-group=kvm\n"
                           "vhost-sock-mode=0660\nvhost-max-queue-pairs=4\n");
    free(c);
    c = netdev_vhost_make_config(NULL, NULL, NULL, NULL, NULL, NULL);
    assert_string_equal(c, "");
    free(c);
}

/* Ethernet/IPvN/PROTO with 6 payload bytes; the L4 checksum field holds only the pseudo-header
 * sum, as a guest using checksum offload leaves it, and the mbuf is flagged as rte_vhost flags
 * it. *L4 gets the L4 offset. TOT_FIX, if not 0, overwrites the IPv4 total length / IPv6
 * payload length (a lying header). */
static struct rte_mbuf *
make_partial(bool v6, uint8_t proto, uint16_t len_fix, size_t *l4p)
{
    struct pkt p = { .len = 0 };
    uint16_t l4len = (proto == 6 ? 20 : 8) + 6;
    size_t ip, l4;

    pkt_put_eth(&p, mac_b, mac_a, v6 ? 0x86dd : 0x0800);
    if (v6) {
        ip = pkt_put_ipv6(&p, 0, 0, l4len, proto, 64, ip6_a, ip6_b);
    } else {
        ip = pkt_put_ipv4(&p, 0, l4len, 0, 64, proto, 0x0a000001, 0x0a000002);
        struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *) (p.data + ip);
        h->hdr_checksum = rte_ipv4_cksum(h);
    }
    l4 = proto == 6 ? pkt_put_tcp(&p, 1234, 80, 0x18, 5) : pkt_put_udp(&p, 1234, 53, 6);
    pkt_put(&p, "hello!", 6);
    uint16_t *cs = (uint16_t *) (p.data + l4 + (proto == 6 ? 16 : 6));
    *cs = v6 ? rte_ipv6_phdr_cksum((struct rte_ipv6_hdr *) (p.data + ip), 0)
             : rte_ipv4_phdr_cksum((struct rte_ipv4_hdr *) (p.data + ip), 0);
    if (len_fix) {
        pkt_set_be16(&p, ip + (v6 ? 4 : 2), len_fix);
    }
    struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
    assert_non_null(m);
    memcpy(rte_pktmbuf_append(m, (uint16_t) p.len), p.data, p.len);
    m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_NONE | RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN;
    *l4p = l4;
    return m;
}

/* The L4 checksum is what DPDK computes from scratch. */
static void
assert_l4_csum_valid(struct rte_mbuf *m, bool v6, uint8_t proto, size_t l4)
{
    uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
    uint16_t *cs = (uint16_t *) (d + l4 + (proto == 6 ? 16 : 6));
    uint16_t got = *cs;
    *cs = 0;
    uint16_t want = v6 ? rte_ipv6_udptcp_cksum((struct rte_ipv6_hdr *) (d + 14), d + l4)
                       : rte_ipv4_udptcp_cksum((struct rte_ipv4_hdr *) (d + 14), d + l4);
    *cs = got;
    assert_int_equal(got, want);
    assert_int_equal(m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK, RTE_MBUF_F_RX_L4_CKSUM_GOOD);
}

static void
test_completes_partial_checksums(void **state)
{
    (void) state;
    for (int v6 = 0; v6 < 2; v6++) {
        for (int tcp = 0; tcp < 2; tcp++) {
            uint8_t proto = tcp ? 6 : 17;
            size_t l4;
            struct rte_mbuf *m = make_partial(v6, proto, 0, &l4);
            assert_int_equal(netdev_vhost_complete_csums(&m, 1), 1);
            assert_l4_csum_valid(m, v6, proto, l4);
            rte_pktmbuf_free(m);
        }
    }
}

static void
test_leaves_other_packets_alone(void **state)
{
    (void) state;
    size_t l4;
    struct rte_mbuf *m = make_partial(false, 6, 0, &l4);
    m->ol_flags &= ~RTE_MBUF_F_RX_L4_CKSUM_MASK;        /* Not flagged: a complete packet. */
    uint8_t before[128];
    memcpy(before, rte_pktmbuf_mtod(m, void *), m->data_len);
    netdev_vhost_complete_csums(&m, 1);
    assert_memory_equal(before, rte_pktmbuf_mtod(m, void *), m->data_len);
    rte_pktmbuf_free(m);
}

/* A guest may lie: lengths beyond the frame, shorter than the headers, a frame cut inside the
 * L4 header. Nothing is written and nothing past the frame is read (ASan would see it). */
static void
test_lying_lengths_left_alone(void **state)
{
    (void) state;
    static const struct { bool v6; uint8_t proto; uint16_t len; } cases[] = {
        { false, 6, 1000 }, { false, 17, 1000 }, { false, 6, 21 }, { false, 17, 10 },
        { false, 6, 0xffff }, { true, 6, 1000 }, { true, 17, 3 }, { true, 6, 0xffff },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t l4;
        struct rte_mbuf *m = make_partial(cases[i].v6, cases[i].proto, cases[i].len, &l4);
        uint8_t before[128];
        memcpy(before, rte_pktmbuf_mtod(m, void *), m->data_len);
        netdev_vhost_complete_csums(&m, 1);
        assert_memory_equal(before, rte_pktmbuf_mtod(m, void *), m->data_len);
        assert_int_equal(m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK, RTE_MBUF_F_RX_L4_CKSUM_NONE);
        rte_pktmbuf_free(m);
    }
    /* Cut inside the TCP header. */
    size_t l4;
    struct rte_mbuf *m = make_partial(false, 6, 0, &l4);
    rte_pktmbuf_trim(m, (uint16_t) (m->data_len - (l4 + 10)));
    netdev_vhost_complete_csums(&m, 1);
    assert_int_equal(m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK, RTE_MBUF_F_RX_L4_CKSUM_NONE);
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
    pool = rte_pktmbuf_pool_create("test_vhost", 256, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
                                   SOCKET_ID_ANY);
    if (!pool) {
        fprintf(stderr, "%s: cannot create an mbuf pool\n", argv[0]);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_config_string),
        cmocka_unit_test(test_completes_partial_checksums),
        cmocka_unit_test(test_leaves_other_packets_alone),
        cmocka_unit_test(test_lying_lengths_left_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
