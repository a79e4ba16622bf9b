/*
 * test-tunnel — tunnel header build, per-packet fill and parse (pmd/dp-tunnel.h): the bytes of
 * each header type against RFC 7348 (VXLAN), RFC 8926 (Geneve) and RFC 2784/2890 (GRE), valid
 * IPv4/IPv6/UDP/GRE checksums (checked with DPDK's own rte_raw_cksum/rte_ipv4_phdr_cksum), a parse of
 * what was built giving back the metadata, and refusal of truncated, corrupted, fragmented and
 * wrong-type packets. Pure functions: no EAL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <endian.h>
#include <rte_ip.h>

#include "pmd/dp-tunnel.h"

#define INNER_LEN 60

static const uint8_t mac_src[6] = { 2, 0, 0, 0, 0, 1 }, mac_dst[6] = { 2, 0, 0, 0, 0, 2 };
static const uint32_t ip_src = 0x0a000001, ip_dst = 0x0a000002;   /* host order */

/* Builds a header of TYPE (KEY, CSUM), appends a 60-byte inner frame and fills it. Returns the
 * total length; the packet is in BUF. */
static size_t
build(enum dp_tnl_type type, uint32_t key, bool has_key, bool csum, uint8_t *buf,
      struct dp_tnl_header *h)
{
    struct dp_tnl_header_cfg cfg = {
        .type = type, .ip_src_be = htonl(ip_src), .ip_dst_be = htonl(ip_dst), .tos = 0x10,
        .ttl = 32, .df = true, .csum = csum, .has_key = has_key, .key = key,
    };
    memcpy(cfg.eth_src.ea, mac_src, 6);
    memcpy(cfg.eth_dst.ea, mac_dst, 6);
    assert_int_equal(dp_tnl_header_build(&cfg, h), 0);
    memcpy(buf, h->data, h->len);
    for (size_t i = 0; i < INNER_LEN; i++) {
        buf[h->len + i] = (uint8_t) (i * 7 + 1);
    }
    buf[h->len + 12] = 0x08;                    /* Inner Ethertype IPv4 (not parsed). */
    buf[h->len + 13] = 0x00;
    dp_tnl_fill(buf, INNER_LEN, h, 40000, 7);
    return h->len + INNER_LEN;
}

static void
check_ipv4(const uint8_t *buf, size_t len, uint8_t proto)
{
    const uint8_t *ip = buf + 14;
    assert_int_equal(buf[12] << 8 | buf[13], 0x0800);
    assert_memory_equal(buf, mac_dst, 6);
    assert_memory_equal(buf + 6, mac_src, 6);
    assert_int_equal(ip[0], 0x45);
    assert_int_equal(ip[1], 0x10);
    assert_int_equal(ip[2] << 8 | ip[3], len - 14);
    assert_int_equal(ip[6] << 8 | ip[7], 0x4000);   /* DF */
    assert_int_equal(ip[8], 32);
    assert_int_equal(ip[9], proto);
    assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
}

static void
test_vxlan(void **state)
{
    uint8_t buf[256];
    struct dp_tnl_header h;
    size_t len = build(DP_TNL_VXLAN, 0x123456, true, false, buf, &h);
    struct dp_tnl_md md;

    assert_int_equal(h.len, 50);
    check_ipv4(buf, len, 17);
    const uint8_t *udp = buf + 34, *vx = udp + 8;
    assert_int_equal(udp[0] << 8 | udp[1], 40000);
    assert_int_equal(udp[2] << 8 | udp[3], 4789);
    assert_int_equal(udp[4] << 8 | udp[5], len - 34);
    assert_int_equal(udp[6] | udp[7], 0);           /* No checksum by default. */
    assert_int_equal(vx[0], 0x08);                  /* I flag. */
    assert_int_equal(vx[4] << 16 | vx[5] << 8 | vx[6], 0x123456);
    assert_int_equal(dp_tnl_parse(buf, len, DP_TNL_VXLAN, &md), 50);
    assert_int_equal(be64toh(md.tun_id_be), 0x123456);
    assert_int_equal(ntohl(md.tun_src_be), ip_src);
    assert_int_equal(ntohl(md.tun_dst_be), ip_dst);
    assert_int_equal(md.udp_dst, 4789);
    /* Not a Geneve or GRE packet. */
    assert_int_equal(dp_tnl_parse(buf, len, DP_TNL_GRE, &md), -EINVAL);
    /* Without the I flag. */
    buf[42] = 0;
    assert_int_equal(dp_tnl_parse(buf, len, DP_TNL_VXLAN, &md), -EINVAL);
}

static void
test_udp_csum(void **state)
{
    uint8_t buf[256];
    struct dp_tnl_header h;
    size_t len = build(DP_TNL_VXLAN, 5, true, true, buf, &h);
    struct dp_tnl_md md;

    const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *) (buf + 14);
    uint32_t sum = rte_ipv4_phdr_cksum(ip, 0) + rte_raw_cksum(buf + 34, len - 34);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    assert_int_equal(sum, 0xffff);
    assert_int_equal(dp_tnl_parse(buf, len, DP_TNL_VXLAN, &md), 50);
    buf[len - 1] ^= 0x40;                           /* Corrupt the inner frame. */
    assert_int_equal(dp_tnl_parse(buf, len, DP_TNL_VXLAN, &md), -EINVAL);
}

static void
test_geneve(void **state)
{
    uint8_t buf[256];
    struct dp_tnl_header h;
    size_t len = build(DP_TNL_GENEVE, 200, true, false, buf, &h);
    struct dp_tnl_md md;

    assert_int_equal(h.len, 50);
    check_ipv4(buf, len, 17);
    const uint8_t *g = buf + 42;
    assert_int_equal(buf[36] << 8 | buf[37], 6081);
    assert_int_equal(g[0], 0);                      /* Version 0, no options. */
    assert_int_equal(g[2] << 8 | g[3], 0x6558);     /* Transparent Ethernet Bridging. */
    assert_int_equal(g[4] << 16 | g[5] << 8 | g[6], 200);
    assert_int_equal(dp_tnl_parse(buf, len, DP_TNL_GENEVE, &md), 50);
    assert_int_equal(be64toh(md.tun_id_be), 200);
    /* Options (4 bytes) are skipped. */
    uint8_t opt[256];
    memcpy(opt, buf, 50);
    memset(opt + 50, 0, 4);
    memcpy(opt + 54, buf + 50, INNER_LEN);
    opt[42] = 1;
    opt[16] = (uint8_t) ((len + 4 - 14) >> 8), opt[17] = (uint8_t) (len + 4 - 14);
    opt[38] = (uint8_t) ((len + 4 - 34) >> 8), opt[39] = (uint8_t) (len + 4 - 34);
    struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *) (opt + 14);
    ip->hdr_checksum = 0;
    ip->hdr_checksum = rte_ipv4_cksum(ip);
    assert_int_equal(dp_tnl_parse(opt, len + 4, DP_TNL_GENEVE, &md), 54);
}

static void
test_gre(void **state)
{
    uint8_t buf[256];
    struct dp_tnl_header h;
    struct dp_tnl_md md;
    size_t len = build(DP_TNL_GRE, 0xdeadbeef, true, true, buf, &h);

    assert_int_equal(h.len, 14 + 20 + 12);
    check_ipv4(buf, len, 47);
    const uint8_t *gre = buf + 34;
    assert_int_equal(gre[0] << 8 | gre[1], 0xa000);   /* C and K. */
    assert_int_equal(gre[2] << 8 | gre[3], 0x6558);
    assert_int_equal(rte_raw_cksum(gre, len - 34), 0xffff);
    assert_int_equal(dp_tnl_parse(buf, len, DP_TNL_GRE, &md), 46);
    assert_int_equal(be64toh(md.tun_id_be), 0xdeadbeef);
    buf[len - 3] ^= 1;
    assert_int_equal(dp_tnl_parse(buf, len, DP_TNL_GRE, &md), -EINVAL);

    /* No key, no checksum: the basic 4-byte header. */
    len = build(DP_TNL_GRE, 0, false, false, buf, &h);
    assert_int_equal(h.len, 38);
    assert_int_equal(dp_tnl_parse(buf, len, DP_TNL_GRE, &md), 38);
    assert_int_equal(md.tun_id_be, 0);
    assert_int_equal(dp_tnl_parse(buf, len, DP_TNL_VXLAN, &md), -EINVAL);
}

/* Every truncation, a bad IPv4 checksum and a fragment are refused. */
static void
test_refuse(void **state)
{
    uint8_t buf[256];
    struct dp_tnl_header h;
    struct dp_tnl_md md;

    for (int t = DP_TNL_VXLAN; t <= DP_TNL_GRE; t++) {
        size_t len = build(t, 9, true, false, buf, &h);
        for (size_t cut = 0; cut < (size_t) h.len + 14; cut++) {
            assert_int_equal(dp_tnl_parse(buf, cut, t, &md), -EINVAL);
        }
        assert_true(dp_tnl_parse(buf, len, t, &md) > 0);
        buf[22] ^= 1;                               /* TTL: the checksum no longer holds. */
        assert_int_equal(dp_tnl_parse(buf, len, t, &md), -EINVAL);
        buf[22] ^= 1;
        struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *) (buf + 14);
        ip->fragment_offset = htons(0x2000);        /* More fragments. */
        ip->hdr_checksum = 0;
        ip->hdr_checksum = rte_ipv4_cksum(ip);
        assert_int_equal(dp_tnl_parse(buf, len, t, &md), -EINVAL);
    }
}

/* IPv6 underlay: the outer header, the mandatory UDP checksum, and parse. */
static void
test_ipv6(void **state)
{
    static const uint8_t src6[16] = { 0xfd, [15] = 1 }, dst6[16] = { 0xfd, [15] = 2 };
    struct dp_tnl_header_cfg cfg = {
        .type = DP_TNL_VXLAN, .ipv6 = true, .tos = 0x28, .ttl = 9, .key = 77,
    };
    struct dp_tnl_header h;
    struct dp_tnl_md md;
    uint8_t buf[256];

    memcpy(cfg.ip6_src, src6, 16);
    memcpy(cfg.ip6_dst, dst6, 16);
    assert_int_equal(dp_tnl_header_build(&cfg, &h), 0);
    assert_int_equal(h.len, 70);
    memcpy(buf, h.data, h.len);
    memset(buf + h.len, 0x5a, INNER_LEN);
    dp_tnl_fill(buf, INNER_LEN, &h, 33333, 0);
    const uint8_t *ip6 = buf + 14, *udp = ip6 + 40;
    assert_int_equal(buf[12] << 8 | buf[13], 0x86dd);
    assert_int_equal(ip6[0] >> 4, 6);
    assert_int_equal((ip6[0] << 4 | ip6[1] >> 4) & 0xff, 0x28);   /* Traffic class. */
    assert_int_equal(ip6[4] << 8 | ip6[5], 8 + 8 + INNER_LEN);    /* Payload length. */
    assert_int_equal(ip6[6], 17);
    assert_int_equal(ip6[7], 9);
    assert_memory_equal(ip6 + 8, src6, 16);
    assert_memory_equal(ip6 + 24, dst6, 16);
    assert_int_not_equal(udp[6] | udp[7], 0);                    /* Always a checksum. */
    uint32_t sum = rte_ipv6_phdr_cksum((const struct rte_ipv6_hdr *) ip6, 0)
                   + rte_raw_cksum(udp, 16 + INNER_LEN);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    assert_int_equal(sum, 0xffff);
    assert_int_equal(dp_tnl_parse(buf, 70 + INNER_LEN, DP_TNL_VXLAN, &md), 70);
    assert_memory_equal(md.tun_ipv6_src, src6, 16);
    assert_memory_equal(md.tun_ipv6_dst, dst6, 16);
    assert_int_equal(md.tun_src_be, 0);
    assert_int_equal(be64toh(md.tun_id_be), 77);
    assert_int_equal(md.ip_len, 70 + INNER_LEN);
    buf[100] ^= 1;
    assert_int_equal(dp_tnl_parse(buf, 70 + INNER_LEN, DP_TNL_VXLAN, &md), -EINVAL);
    for (size_t cut = 0; cut < 70 + 14; cut++) {
        assert_int_equal(dp_tnl_parse(buf, cut, DP_TNL_VXLAN, &md), -EINVAL);
    }
}

/* GRE (with key and checksum) and Geneve over IPv6 round-trip through parse. */
static void
test_ipv6_gre_geneve(void **state)
{
    static const uint8_t src6[16] = { 0xfd, [15] = 3 }, dst6[16] = { 0xfd, [15] = 4 };
    for (int t = DP_TNL_GENEVE; t <= DP_TNL_GRE; t++) {
        struct dp_tnl_header_cfg cfg = {
            .type = t, .ipv6 = true, .key = 0xabcd, .has_key = true, .csum = true,
        };
        struct dp_tnl_header h;
        struct dp_tnl_md md;
        uint8_t buf[256];

        memcpy(cfg.ip6_src, src6, 16);
        memcpy(cfg.ip6_dst, dst6, 16);
        assert_int_equal(dp_tnl_header_build(&cfg, &h), 0);
        assert_int_equal(h.len, t == DP_TNL_GRE ? 14 + 40 + 12 : 70);
        memcpy(buf, h.data, h.len);
        memset(buf + h.len, 0x33, INNER_LEN);
        dp_tnl_fill(buf, INNER_LEN, &h, 40001, 0);
        assert_int_equal(buf[14 + 6], t == DP_TNL_GRE ? 47 : 17);
        assert_int_equal(dp_tnl_parse(buf, h.len + INNER_LEN, t, &md), h.len);
        assert_int_equal(be64toh(md.tun_id_be), 0xabcd);
        assert_memory_equal(md.tun_ipv6_dst, dst6, 16);
        buf[h.len + 5] ^= 0x80;                     /* The checksum catches it. */
        assert_int_equal(dp_tnl_parse(buf, h.len + INNER_LEN, t, &md), -EINVAL);
    }
}

static void
test_intern(void **state)
{
    uint8_t buf[256];
    struct dp_tnl_header h1, h2;

    build(DP_TNL_VXLAN, 1, true, false, buf, &h1);
    build(DP_TNL_VXLAN, 2, true, false, buf, &h2);
    uint32_t a = dp_tnl_header_intern(&h1), b = dp_tnl_header_intern(&h2);
    assert_int_not_equal(a, b);
    assert_int_equal(dp_tnl_header_intern(&h1), a);
    assert_memory_equal(dp_tnl_header_get(a), &h1, sizeof h1);
    assert_null(dp_tnl_header_get(DP_TNL_MAX_HEADERS));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vxlan),
        cmocka_unit_test(test_udp_csum),
        cmocka_unit_test(test_geneve),
        cmocka_unit_test(test_gre),
        cmocka_unit_test(test_refuse),
        cmocka_unit_test(test_ipv6),
        cmocka_unit_test(test_ipv6_gre_geneve),
        cmocka_unit_test(test_intern),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
