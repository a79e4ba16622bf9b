/*
 * test-flow — flow_extract() on hand-built packets of every supported protocol (every key field
 * asserted by comparing whole keys), at every truncated length, and on malformed headers; the
 * mask/hash helpers; flow_to_string().
 *
 * Truncated copies are made in exactly-sized heap buffers so that ASan or valgrind flags any read
 * past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pmd/flow.h"
#include "pkt-build.h"

/* ---------------------------------------------------------------------------------------------- */
/* Fixtures and helpers.                                                                           */

static const uint8_t MAC_DST[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t MAC_SRC[6] = { 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb };
static const uint8_t MAC_SLL[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t MAC_TLL[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };
static const uint8_t IP6_SRC[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t IP6_DST[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
static const uint8_t IP6_TGT[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42 };

#define IN_PORT 7
#define IP_A 0x0a000001u   /* 10.0.0.1 */
#define IP_B 0xc0a80102u   /* 192.168.1.2 */

/* One test packet: the frame, the key a correct parser must produce, and the offsets at which
 * each layer becomes complete (for the truncation sweep). */
struct pcase {
    const char *name;
    struct pkt pkt;
    struct flow expect;
    size_t l2_end;    /* Ethertype (after tags) known. */
    size_t l3_end;    /* Fixed L3 header complete: its addresses are known. */
    size_t l4_end;    /* L4 header complete: tp_src/tp_dst known. */
    size_t all_end;   /* Every field known (the whole key equals 'expect'); 0 means l4_end. */
    uint16_t l2_cut_type; /* dl_type (host order) when cut between 14 and l2_end bytes. */
    bool cut_visible; /* Any truncation is detectable (an IP length or a fixed-size header). */
};

#define FLD(M) { #M, offsetof(struct flow, M), sizeof(((struct flow *) 0)->M) }
static const struct {
    const char *name;
    size_t ofs, len;
} fields[] = {
    FLD(in_port), FLD(metadata), FLD(dl_dst), FLD(dl_src), FLD(dl_type_be), FLD(vlan_tci_be),
    FLD(nw_src_be), FLD(nw_dst_be), FLD(ipv6_src), FLD(ipv6_dst), FLD(ipv6_label_be),
    FLD(nw_proto), FLD(nw_tos), FLD(nw_ttl), FLD(nw_frag), FLD(tp_src_be), FLD(tp_dst_be),
    FLD(tcp_flags_be), FLD(arp_sha), FLD(arp_tha), FLD(nd_target), FLD(regs), FLD(recirc_id),
    FLD(pad1), FLD(pad2),
};

static void
assert_flow_equal_(const struct flow *got, const struct flow *want, const char *what)
{
    if (!memcmp(got, want, sizeof *got)) {
        return;
    }
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (memcmp((const char *) got + fields[i].ofs, (const char *) want + fields[i].ofs,
                   fields[i].len)) {
            print_error("%s: field %s differs\n", what, fields[i].name);
        }
    }
    char *g = flow_to_string(got, NULL), *w = flow_to_string(want, NULL);
    print_error("  got:  %s\n  want: %s\n", g, w);
    free(g);
    free(w);
    fail_msg("%s: flow keys differ", what);
}
#define assert_flow_equal(G, W) assert_flow_equal_(G, W, __func__)

static void
set_mac(struct eth_addr *ea, const uint8_t mac[6])
{
    memcpy(ea->ea, mac, 6);
}

/* Expected key with in_port and Ethernet addresses set. */
static void
expect_eth(struct flow *f, uint16_t dl_type)
{
    memset(f, 0, sizeof *f);
    f->in_port = IN_PORT;
    set_mac(&f->dl_dst, MAC_DST);
    set_mac(&f->dl_src, MAC_SRC);
    f->dl_type_be = htons(dl_type);
}

/* Runs flow_extract on a heap copy of exactly LEN bytes of P. */
static int
extract_copy(const struct pkt *p, size_t len, struct flow *flow)
{
    uint8_t *buf = malloc(len ? len : 1);
    assert_non_null(buf);
    memcpy(buf, p->data, len);
    memset(flow, 0xa5, sizeof *flow);   /* flow_extract must overwrite all of it. */
    int flags = flow_extract(buf, len, IN_PORT, flow);
    free(buf);
    return flags;
}

/* The full packet parses to EXPECT with no flags; every shorter copy is safe, sets TRUNCATED (when
 * the cut is visible), keeps the layers it holds completely and invents nothing. */
static void
check_case(const struct pcase *c)
{
    struct flow got;
    int flags = extract_copy(&c->pkt, c->pkt.len, &got);
    if (flags) {
        fail_msg("%s: full packet gave flags %#x", c->name, flags);
    }
    assert_flow_equal_(&got, &c->expect, c->name);

    for (size_t len = 0; len < c->pkt.len; len++) {
        char what[96];
        snprintf(what, sizeof what, "%s cut to %zu of %zu bytes", c->name, len, c->pkt.len);
        flags = extract_copy(&c->pkt, len, &got);
        if (c->cut_visible && flags != FLOW_F_TRUNCATED) {
            fail_msg("%s: flags %#x, want FLOW_F_TRUNCATED", what, flags);
        }
        if (!c->cut_visible && (flags & FLOW_F_MALFORMED)) {
            fail_msg("%s: flags %#x, no MALFORMED expected", what, flags);
        }
        assert_int_equal(got.in_port, IN_PORT);
        /* Nothing invented: every byte is the full key's or zero. */
        const uint8_t *g = (const uint8_t *) &got, *w = (const uint8_t *) &c->expect;
        for (size_t i = 0; i < sizeof got; i++) {
            if (i - offsetof(struct flow, dl_type_be) < 2 && len < c->l2_end) {
                continue;       /* checked below */
            }
            if (g[i] && g[i] != w[i]) {
                fail_msg("%s: byte %zu of the key is %#x, full parse has %#x", what, i, g[i], w[i]);
            }
        }
        if (len >= 6) {
            assert_memory_equal(&got.dl_dst, &c->expect.dl_dst, 6);
        }
        if (len >= 12) {
            assert_memory_equal(&got.dl_src, &c->expect.dl_src, 6);
        }
        if (len >= c->l2_end) {
            assert_int_equal(got.dl_type_be, c->expect.dl_type_be);
            assert_int_equal(got.vlan_tci_be, c->expect.vlan_tci_be);
        } else {
            assert_int_equal(got.dl_type_be, htons(len >= 14 ? c->l2_cut_type : 0));
        }
        if (len >= c->l3_end) {
            assert_int_equal(got.nw_src_be, c->expect.nw_src_be);
            assert_int_equal(got.nw_dst_be, c->expect.nw_dst_be);
            assert_memory_equal(got.ipv6_src, c->expect.ipv6_src, 16);
            assert_memory_equal(got.ipv6_dst, c->expect.ipv6_dst, 16);
            assert_int_equal(got.nw_ttl, c->expect.nw_ttl);
            assert_int_equal(got.nw_tos, c->expect.nw_tos);
        } else {
            assert_int_equal(got.nw_src_be, 0);
            assert_int_equal(got.nw_dst_be, 0);
            assert_int_equal(got.nw_proto, 0);
        }
        if (len >= c->l4_end) {
            assert_int_equal(got.tp_src_be, c->expect.tp_src_be);
            assert_int_equal(got.tp_dst_be, c->expect.tp_dst_be);
        } else {
            assert_int_equal(got.tp_src_be, 0);
            assert_int_equal(got.tp_dst_be, 0);
        }
        if (len >= (c->all_end ? c->all_end : c->l4_end)) {
            assert_flow_equal_(&got, &c->expect, what);
        }
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* Packet builders: each fills a pcase.                                                            */

static void
build_ipv4_udp(struct pcase *c)
{
    memset(c, 0, sizeof *c);
    c->name = "eth/ipv4/udp";
    pkt_put_eth(&c->pkt, MAC_DST, MAC_SRC, ETH_TYPE_IP);
    pkt_put_ipv4(&c->pkt, 0xb9, 8 + 4, 0x4000 /* DF */, 63, 17, IP_A, IP_B);
    pkt_put_udp(&c->pkt, 1234, 53, 4);
    pkt_put_be32(&c->pkt, 0xdeadbeef);
    expect_eth(&c->expect, ETH_TYPE_IP);
    c->expect.nw_src_be = htonl(IP_A);
    c->expect.nw_dst_be = htonl(IP_B);
    c->expect.nw_proto = 17;
    c->expect.nw_tos = 0xb9;
    c->expect.nw_ttl = 63;
    c->expect.tp_src_be = htons(1234);
    c->expect.tp_dst_be = htons(53);
    c->l2_end = 14;
    c->l3_end = 34;
    c->l4_end = 42;
    c->all_end = c->pkt.len;
    c->cut_visible = true;
}

/* IPv4 with 4 bytes of options (IHL 6) and TCP with 12 bytes of options; flags include NS. */
static void
build_ipv4_tcp_options(struct pcase *c)
{
    memset(c, 0, sizeof *c);
    c->name = "eth/ipv4+opts/tcp+opts";
    pkt_put_eth(&c->pkt, MAC_DST, MAC_SRC, ETH_TYPE_IP);
    size_t ip = pkt_put_ipv4(&c->pkt, 0, 0, 0, 64, 6, IP_B, IP_A);
    c->pkt.data[ip] = 0x46;
    pkt_put_be32(&c->pkt, 0x01010100);   /* NOP NOP NOP EOL */
    pkt_put_tcp(&c->pkt, 40000, 443, 0x112 /* NS|ACK|SYN */, 8);
    pkt_set_be16(&c->pkt, ip + 2, c->pkt.len - 14);
    expect_eth(&c->expect, ETH_TYPE_IP);
    c->expect.nw_src_be = htonl(IP_B);
    c->expect.nw_dst_be = htonl(IP_A);
    c->expect.nw_proto = 6;
    c->expect.nw_ttl = 64;
    c->expect.tp_src_be = htons(40000);
    c->expect.tp_dst_be = htons(443);
    c->expect.tcp_flags_be = htons(0x112);
    c->l2_end = 14;
    c->l3_end = 38;
    c->l4_end = c->pkt.len;
    c->cut_visible = true;
}

static void
build_ipv4_sctp(struct pcase *c)
{
    memset(c, 0, sizeof *c);
    c->name = "eth/ipv4/sctp";
    pkt_put_eth(&c->pkt, MAC_DST, MAC_SRC, ETH_TYPE_IP);
    pkt_put_ipv4(&c->pkt, 0, 12, 0, 64, 132, IP_A, IP_B);
    pkt_put_be16(&c->pkt, 3868);
    pkt_put_be16(&c->pkt, 2905);
    pkt_put_be32(&c->pkt, 0x11223344);   /* verification tag */
    pkt_put_be32(&c->pkt, 0);            /* checksum */
    expect_eth(&c->expect, ETH_TYPE_IP);
    c->expect.nw_src_be = htonl(IP_A);
    c->expect.nw_dst_be = htonl(IP_B);
    c->expect.nw_proto = 132;
    c->expect.nw_ttl = 64;
    c->expect.tp_src_be = htons(3868);
    c->expect.tp_dst_be = htons(2905);
    c->l2_end = 14;
    c->l3_end = 34;
    c->l4_end = c->pkt.len;
    c->cut_visible = true;
}

/* ICMP destination unreachable (type 3), port unreachable (code 3). */
static void
build_ipv4_icmp(struct pcase *c)
{
    memset(c, 0, sizeof *c);
    c->name = "eth/ipv4/icmp";
    pkt_put_eth(&c->pkt, MAC_DST, MAC_SRC, ETH_TYPE_IP);
    pkt_put_ipv4(&c->pkt, 0, 8, 0, 255, 1, IP_A, IP_B);
    pkt_put_u8(&c->pkt, 3);
    pkt_put_u8(&c->pkt, 3);
    pkt_put_be16(&c->pkt, 0);
    pkt_put_be32(&c->pkt, 0);
    expect_eth(&c->expect, ETH_TYPE_IP);
    c->expect.nw_src_be = htonl(IP_A);
    c->expect.nw_dst_be = htonl(IP_B);
    c->expect.nw_proto = 1;
    c->expect.nw_ttl = 255;
    c->expect.tp_src_be = htons(3);
    c->expect.tp_dst_be = htons(3);
    c->l2_end = 14;
    c->l3_end = 34;
    c->l4_end = c->pkt.len;
    c->cut_visible = true;
}

/* First fragment (MF set, offset 0): L4 ports are parsed. */
static void
build_ipv4_frag_first(struct pcase *c)
{
    build_ipv4_udp(c);
    c->name = "eth/ipv4 first fragment/udp";
    pkt_set_be16(&c->pkt, 14 + 6, 0x2000);
    c->expect.nw_frag = FLOW_NW_FRAG_ANY;
}

/* Later fragment (offset 185 * 8): the bytes after the IP header are not L4. */
static void
build_ipv4_frag_later(struct pcase *c)
{
    build_ipv4_udp(c);
    c->name = "eth/ipv4 later fragment";
    pkt_set_be16(&c->pkt, 14 + 6, 185);
    c->expect.nw_frag = FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER;
    c->expect.tp_src_be = 0;
    c->expect.tp_dst_be = 0;
    c->l4_end = c->all_end = c->l3_end;
}

/* 802.1Q: VID 100, PCP 5. */
static void
build_vlan_udp(struct pcase *c)
{
    memset(c, 0, sizeof *c);
    c->name = "eth/802.1q/ipv4/udp";
    pkt_put_eth(&c->pkt, MAC_DST, MAC_SRC, ETH_TYPE_VLAN_8021Q);
    pkt_put_vlan(&c->pkt, (5 << VLAN_PCP_SHIFT) | 100, ETH_TYPE_IP);
    pkt_put_ipv4(&c->pkt, 0, 8, 0, 64, 17, IP_A, IP_B);
    pkt_put_udp(&c->pkt, 5000, 6000, 0);
    expect_eth(&c->expect, ETH_TYPE_IP);
    c->expect.vlan_tci_be = htons((5 << VLAN_PCP_SHIFT) | VLAN_CFI | 100);
    c->expect.nw_src_be = htonl(IP_A);
    c->expect.nw_dst_be = htonl(IP_B);
    c->expect.nw_proto = 17;
    c->expect.nw_ttl = 64;
    c->expect.tp_src_be = htons(5000);
    c->expect.tp_dst_be = htons(6000);
    c->l2_end = 18;
    c->l3_end = 38;
    c->l4_end = c->pkt.len;
    c->cut_visible = true;
}

/* 802.1ad outer tag (VID 300, PCP 1) over an 802.1Q inner tag (VID 42): the outer TCI is kept. */
static void
build_qinq_tcp(struct pcase *c)
{
    memset(c, 0, sizeof *c);
    c->name = "eth/802.1ad/802.1q/ipv4/tcp";
    pkt_put_eth(&c->pkt, MAC_DST, MAC_SRC, ETH_TYPE_VLAN_8021AD);
    pkt_put_vlan(&c->pkt, (1 << VLAN_PCP_SHIFT) | 300, ETH_TYPE_VLAN_8021Q);
    pkt_put_vlan(&c->pkt, 42, ETH_TYPE_IP);
    pkt_put_ipv4(&c->pkt, 0x10, 20, 0, 64, 6, IP_A, IP_B);
    pkt_put_tcp(&c->pkt, 22, 50000, 0x018 /* PSH|ACK */, 5);
    expect_eth(&c->expect, ETH_TYPE_IP);
    c->expect.vlan_tci_be = htons((1 << VLAN_PCP_SHIFT) | VLAN_CFI | 300);
    c->expect.nw_src_be = htonl(IP_A);
    c->expect.nw_dst_be = htonl(IP_B);
    c->expect.nw_proto = 6;
    c->expect.nw_tos = 0x10;
    c->expect.nw_ttl = 64;
    c->expect.tp_src_be = htons(22);
    c->expect.tp_dst_be = htons(50000);
    c->expect.tcp_flags_be = htons(0x018);
    c->l2_end = 22;
    c->l3_end = 42;
    c->l4_end = c->pkt.len;
    c->cut_visible = true;
}

static void
build_arp(struct pcase *c, uint16_t op)
{
    memset(c, 0, sizeof *c);
    c->name = op == 1 ? "eth/arp request" : "eth/arp reply";
    pkt_put_eth(&c->pkt, MAC_DST, MAC_SRC, ETH_TYPE_ARP);
    pkt_put_be16(&c->pkt, 1);
    pkt_put_be16(&c->pkt, ETH_TYPE_IP);
    pkt_put_u8(&c->pkt, 6);
    pkt_put_u8(&c->pkt, 4);
    pkt_put_be16(&c->pkt, op);
    pkt_put(&c->pkt, MAC_SLL, 6);
    pkt_put_be32(&c->pkt, IP_A);
    pkt_put(&c->pkt, MAC_TLL, 6);
    pkt_put_be32(&c->pkt, IP_B);
    expect_eth(&c->expect, ETH_TYPE_ARP);
    c->expect.nw_proto = op;
    set_mac(&c->expect.arp_sha, MAC_SLL);
    set_mac(&c->expect.arp_tha, MAC_TLL);
    c->expect.nw_src_be = htonl(IP_A);
    c->expect.nw_dst_be = htonl(IP_B);
    c->l2_end = 14;
    c->l3_end = c->pkt.len;
    c->l4_end = c->pkt.len;
    c->cut_visible = true;
}

static void
build_arp_request(struct pcase *c)
{
    build_arp(c, 1);
}

static void
build_arp_reply(struct pcase *c)
{
    build_arp(c, 2);
}

/* 802.3 length frame with an STP-style LLC header (not SNAP): dl_type 0x05ff and nothing else. */
static void
build_llc(struct pcase *c)
{
    memset(c, 0, sizeof *c);
    c->name = "802.3/llc";
    pkt_put_eth(&c->pkt, MAC_DST, MAC_SRC, 38);
    pkt_put_u8(&c->pkt, 0x42);
    pkt_put_u8(&c->pkt, 0x42);
    pkt_put_u8(&c->pkt, 0x03);
    pkt_put_zeros(&c->pkt, 35);
    expect_eth(&c->expect, FLOW_DL_TYPE_NONE);
    c->l2_end = 14;
    c->l3_end = 14;
    c->l4_end = 14;
    c->cut_visible = false;
}

/* 802.3 + LLC/SNAP with OUI 0 carrying IPv4/UDP (RFC 1042). */
static void
build_snap_udp(struct pcase *c)
{
    memset(c, 0, sizeof *c);
    c->name = "802.3/snap/ipv4/udp";
    pkt_put_eth(&c->pkt, MAC_DST, MAC_SRC, 8 + 28);
    static const uint8_t snap[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };
    pkt_put(&c->pkt, snap, 6);
    pkt_put_be16(&c->pkt, ETH_TYPE_IP);
    pkt_put_ipv4(&c->pkt, 0, 8, 0, 64, 17, IP_A, IP_B);
    pkt_put_udp(&c->pkt, 67, 68, 0);
    expect_eth(&c->expect, ETH_TYPE_IP);
    c->expect.nw_src_be = htonl(IP_A);
    c->expect.nw_dst_be = htonl(IP_B);
    c->expect.nw_proto = 17;
    c->expect.nw_ttl = 64;
    c->expect.tp_src_be = htons(67);
    c->expect.tp_dst_be = htons(68);
    c->l2_end = 22;
    c->l3_end = 42;
    c->l4_end = c->pkt.len;
    c->l2_cut_type = FLOW_DL_TYPE_NONE;
    /* A cut inside the SNAP header turns the frame into plain 802.3 (dl_type 0x05ff). */
    c->cut_visible = false;
}

static void
build_ipv6_udp(struct pcase *c)
{
    memset(c, 0, sizeof *c);
    c->name = "eth/ipv6/udp";
    pkt_put_eth(&c->pkt, MAC_DST, MAC_SRC, ETH_TYPE_IPV6);
    pkt_put_ipv6(&c->pkt, 0xa2, 0xbeef5, 8 + 2, 17, 33, IP6_SRC, IP6_DST);
    pkt_put_udp(&c->pkt, 546, 547, 2);
    pkt_put_be16(&c->pkt, 0xabcd);
    expect_eth(&c->expect, ETH_TYPE_IPV6);
    memcpy(c->expect.ipv6_src, IP6_SRC, 16);
    memcpy(c->expect.ipv6_dst, IP6_DST, 16);
    c->expect.ipv6_label_be = htonl(0xbeef5);
    c->expect.nw_tos = 0xa2;
    c->expect.nw_ttl = 33;
    c->expect.nw_proto = 17;
    c->expect.tp_src_be = htons(546);
    c->expect.tp_dst_be = htons(547);
    c->l2_end = 14;
    c->l3_end = 54;
    c->l4_end = 62;
    c->all_end = c->pkt.len;
    c->cut_visible = true;
}

/* Hop-by-hop (8 bytes), routing (16 bytes), destination options (8 bytes), then TCP. */
static void
build_ipv6_ext_tcp(struct pcase *c)
{
    memset(c, 0, sizeof *c);
    c->name = "eth/ipv6+hbh+rh+dst/tcp";
    pkt_put_eth(&c->pkt, MAC_DST, MAC_SRC, ETH_TYPE_IPV6);
    size_t ip = pkt_put_ipv6(&c->pkt, 0, 0, 0, 0 /* HBH */, 64, IP6_SRC, IP6_DST);
    pkt_put_u8(&c->pkt, 43);   /* next: routing */
    pkt_put_u8(&c->pkt, 0);
    pkt_put_zeros(&c->pkt, 6);
    pkt_put_u8(&c->pkt, 60);   /* next: destination options */
    pkt_put_u8(&c->pkt, 1);    /* 16 bytes */
    pkt_put_zeros(&c->pkt, 14);
    pkt_put_u8(&c->pkt, 6);    /* next: TCP */
    pkt_put_u8(&c->pkt, 0);
    pkt_put_zeros(&c->pkt, 6);
    pkt_put_tcp(&c->pkt, 179, 33000, 0x001 /* FIN */, 5);
    pkt_set_be16(&c->pkt, ip + 4, c->pkt.len - 54);
    expect_eth(&c->expect, ETH_TYPE_IPV6);
    memcpy(c->expect.ipv6_src, IP6_SRC, 16);
    memcpy(c->expect.ipv6_dst, IP6_DST, 16);
    c->expect.nw_ttl = 64;
    c->expect.nw_proto = 6;
    c->expect.tp_src_be = htons(179);
    c->expect.tp_dst_be = htons(33000);
    c->expect.tcp_flags_be = htons(0x001);
    c->l2_end = 14;
    c->l3_end = 54;
    c->l4_end = c->pkt.len;
    c->cut_visible = true;
}

/* IPv6 fragment header; OFFSET_M is the fragment-offset/M word (host order). */
static void
build_ipv6_frag(struct pcase *c, uint16_t offset_m)
{
    memset(c, 0, sizeof *c);
    pkt_put_eth(&c->pkt, MAC_DST, MAC_SRC, ETH_TYPE_IPV6);
    size_t ip = pkt_put_ipv6(&c->pkt, 0, 7, 0, 44, 64, IP6_SRC, IP6_DST);
    pkt_put_u8(&c->pkt, 17);
    pkt_put_u8(&c->pkt, 0);
    pkt_put_be16(&c->pkt, offset_m);
    pkt_put_be32(&c->pkt, 0xcafe);
    pkt_put_udp(&c->pkt, 9, 10, 0);
    pkt_set_be16(&c->pkt, ip + 4, c->pkt.len - 54);
    expect_eth(&c->expect, ETH_TYPE_IPV6);
    memcpy(c->expect.ipv6_src, IP6_SRC, 16);
    memcpy(c->expect.ipv6_dst, IP6_DST, 16);
    c->expect.ipv6_label_be = htonl(7);
    c->expect.nw_ttl = 64;
    c->expect.nw_proto = 17;
    c->expect.nw_frag = FLOW_NW_FRAG_ANY;
    c->l2_end = 14;
    c->l3_end = 54;
    c->l4_end = c->pkt.len;
    c->cut_visible = true;
}

static void
build_ipv6_frag_first(struct pcase *c)
{
    build_ipv6_frag(c, 0x0001 /* M */);
    c->name = "eth/ipv6 first fragment/udp";
    c->expect.tp_src_be = htons(9);
    c->expect.tp_dst_be = htons(10);
}

static void
build_ipv6_frag_later(struct pcase *c)
{
    build_ipv6_frag(c, 100 << 3);
    c->name = "eth/ipv6 later fragment";
    c->expect.nw_frag |= FLOW_NW_FRAG_LATER;
    c->l4_end = 62;
}

/* ICMPv6 echo request: type 128, code 0, no ND fields. */
static void
build_icmpv6_echo(struct pcase *c)
{
    memset(c, 0, sizeof *c);
    c->name = "eth/ipv6/icmpv6 echo";
    pkt_put_eth(&c->pkt, MAC_DST, MAC_SRC, ETH_TYPE_IPV6);
    pkt_put_ipv6(&c->pkt, 0, 0, 8, 58, 64, IP6_SRC, IP6_DST);
    pkt_put_u8(&c->pkt, 128);
    pkt_put_u8(&c->pkt, 0);
    pkt_put_be16(&c->pkt, 0);
    pkt_put_be32(&c->pkt, 0x00010002);
    expect_eth(&c->expect, ETH_TYPE_IPV6);
    memcpy(c->expect.ipv6_src, IP6_SRC, 16);
    memcpy(c->expect.ipv6_dst, IP6_DST, 16);
    c->expect.nw_ttl = 64;
    c->expect.nw_proto = 58;
    c->expect.tp_src_be = htons(128);
    c->l2_end = 14;
    c->l3_end = 54;
    c->l4_end = c->pkt.len;
    c->cut_visible = true;
}

/* Neighbor solicitation (135) or advertisement (136) with one link-layer address option, plus an
 * unknown option (type 14, nonce, 8 bytes) that must be skipped. */
static void
build_nd(struct pcase *c, uint8_t type)
{
    memset(c, 0, sizeof *c);
    c->name = type == 135 ? "eth/ipv6/nd ns+sll" : "eth/ipv6/nd na+tll";
    pkt_put_eth(&c->pkt, MAC_DST, MAC_SRC, ETH_TYPE_IPV6);
    size_t ip = pkt_put_ipv6(&c->pkt, 0, 0, 0, 58, 255, IP6_SRC, IP6_DST);
    pkt_put_u8(&c->pkt, type);
    pkt_put_u8(&c->pkt, 0);
    pkt_put_be16(&c->pkt, 0);
    pkt_put_be32(&c->pkt, type == 136 ? 0x60000000 : 0);
    pkt_put(&c->pkt, IP6_TGT, 16);
    pkt_put_u8(&c->pkt, 14);
    pkt_put_u8(&c->pkt, 1);
    pkt_put_zeros(&c->pkt, 6);
    pkt_put_u8(&c->pkt, type == 135 ? 1 : 2);
    pkt_put_u8(&c->pkt, 1);
    pkt_put(&c->pkt, type == 135 ? MAC_SLL : MAC_TLL, 6);
    pkt_set_be16(&c->pkt, ip + 4, c->pkt.len - 54);
    expect_eth(&c->expect, ETH_TYPE_IPV6);
    memcpy(c->expect.ipv6_src, IP6_SRC, 16);
    memcpy(c->expect.ipv6_dst, IP6_DST, 16);
    c->expect.nw_ttl = 255;
    c->expect.nw_proto = 58;
    c->expect.tp_src_be = htons(type);
    memcpy(c->expect.nd_target, IP6_TGT, 16);
    if (type == 135) {
        set_mac(&c->expect.arp_sha, MAC_SLL);
    } else {
        set_mac(&c->expect.arp_tha, MAC_TLL);
    }
    c->l2_end = 14;
    c->l3_end = 54;
    c->l4_end = 62;
    c->all_end = c->pkt.len;
    c->cut_visible = true;
}

static void
build_nd_ns(struct pcase *c)
{
    build_nd(c, 135);
}

static void
build_nd_na(struct pcase *c)
{
    build_nd(c, 136);
}

/* An Ethertype the parser does not know (LLDP): L2 only. */
static void
build_lldp(struct pcase *c)
{
    memset(c, 0, sizeof *c);
    c->name = "eth/lldp";
    pkt_put_eth(&c->pkt, MAC_DST, MAC_SRC, 0x88cc);
    pkt_put_zeros(&c->pkt, 46);
    expect_eth(&c->expect, 0x88cc);
    c->l2_end = 14;
    c->l3_end = 14;
    c->l4_end = 14;
    c->cut_visible = false;
}

/* IPv4 carrying GRE (47): L3 only, the L4 fields stay zero. */
static void
build_ipv4_gre(struct pcase *c)
{
    memset(c, 0, sizeof *c);
    c->name = "eth/ipv4/gre";
    pkt_put_eth(&c->pkt, MAC_DST, MAC_SRC, ETH_TYPE_IP);
    pkt_put_ipv4(&c->pkt, 0, 4, 0, 64, 47, IP_A, IP_B);
    pkt_put_be32(&c->pkt, 0x00000800);
    expect_eth(&c->expect, ETH_TYPE_IP);
    c->expect.nw_src_be = htonl(IP_A);
    c->expect.nw_dst_be = htonl(IP_B);
    c->expect.nw_proto = 47;
    c->expect.nw_ttl = 64;
    c->l2_end = 14;
    c->l3_end = 34;
    c->l4_end = 34;
    c->cut_visible = true;
}

static void (*const builders[])(struct pcase *) = {
    build_ipv4_udp, build_ipv4_tcp_options, build_ipv4_sctp, build_ipv4_icmp,
    build_ipv4_frag_first, build_ipv4_frag_later, build_vlan_udp, build_qinq_tcp,
    build_arp_request, build_arp_reply, build_llc, build_snap_udp, build_ipv6_udp,
    build_ipv6_ext_tcp, build_ipv6_frag_first, build_ipv6_frag_later, build_icmpv6_echo,
    build_nd_ns, build_nd_na, build_lldp, build_ipv4_gre,
};
#define N_BUILDERS (sizeof builders / sizeof builders[0])

/* ---------------------------------------------------------------------------------------------- */
/* Parser tests.                                                                                   */

/* Each protocol's packet, full and cut at every length. The cmocka state selects the builder. */
static void
test_packet(void **state)
{
    struct pcase c;
    builders[(uintptr_t) *state](&c);
    check_case(&c);
}

/* A 60-byte minimum frame: IPv4/UDP shorter than the frame, the padding is not a cut. */
static void
test_ethernet_padding(void **state)
{
    (void) state;
    struct pcase c;
    build_ipv4_udp(&c);
    size_t real = c.pkt.len;
    pkt_put_zeros(&c.pkt, 60 - real);
    struct flow got;
    assert_int_equal(extract_copy(&c.pkt, c.pkt.len, &got), 0);
    assert_flow_equal(&got, &c.expect);
}

/* The key is fully overwritten and in_port comes from the argument. */
static void
test_in_port_and_overwrite(void **state)
{
    (void) state;
    struct pcase c;
    build_ipv4_udp(&c);
    struct flow got;
    memset(&got, 0xff, sizeof got);
    assert_int_equal(flow_extract(c.pkt.data, c.pkt.len, 0xfffffffe, &got), 0);
    c.expect.in_port = 0xfffffffe;
    assert_flow_equal(&got, &c.expect);
}

static void
test_malformed_ipv4_ihl(void **state)
{
    (void) state;
    for (unsigned ihl = 0; ihl < 5; ihl++) {
        struct pcase c;
        build_ipv4_udp(&c);
        c.pkt.data[14] = 0x40 | ihl;
        struct flow got, want;
        assert_int_equal(extract_copy(&c.pkt, c.pkt.len, &got), FLOW_F_MALFORMED);
        expect_eth(&want, ETH_TYPE_IP);
        assert_flow_equal(&got, &want);
    }
}

static void
test_malformed_ipv4_version_and_length(void **state)
{
    (void) state;
    struct pcase c;
    struct flow got, want;
    expect_eth(&want, ETH_TYPE_IP);

    build_ipv4_udp(&c);
    c.pkt.data[14] = 0x65;                       /* version 6 in an IPv4 Ethertype */
    assert_int_equal(extract_copy(&c.pkt, c.pkt.len, &got), FLOW_F_MALFORMED);
    assert_flow_equal(&got, &want);

    build_ipv4_udp(&c);
    pkt_set_be16(&c.pkt, 14 + 2, 19);            /* total length shorter than the header */
    assert_int_equal(extract_copy(&c.pkt, c.pkt.len, &got), FLOW_F_MALFORMED);
    assert_flow_equal(&got, &want);

    /* Total length leaves 4 bytes for UDP's 8: L3 kept, L4 zero, MALFORMED (not a capture cut). */
    build_ipv4_udp(&c);
    pkt_set_be16(&c.pkt, 14 + 2, 24);
    assert_int_equal(extract_copy(&c.pkt, c.pkt.len, &got), FLOW_F_MALFORMED);
    c.expect.tp_src_be = c.expect.tp_dst_be = 0;
    assert_flow_equal(&got, &c.expect);
}

/* Total length larger than the captured frame: TRUNCATED, but L3 and L4 are still parsed. */
static void
test_ipv4_total_length_beyond_capture(void **state)
{
    (void) state;
    struct pcase c;
    build_ipv4_udp(&c);
    pkt_set_be16(&c.pkt, 14 + 2, 1500);
    struct flow got;
    assert_int_equal(extract_copy(&c.pkt, c.pkt.len, &got), FLOW_F_TRUNCATED);
    assert_flow_equal(&got, &c.expect);
}

static void
test_malformed_tcp_offset(void **state)
{
    (void) state;
    struct pcase c;
    build_ipv4_tcp_options(&c);
    c.pkt.data[38 + 12] = (4 << 4) | (c.pkt.data[38 + 12] & 0x0f);   /* data offset 16 bytes */
    struct flow got;
    assert_int_equal(extract_copy(&c.pkt, c.pkt.len, &got), FLOW_F_MALFORMED);
    c.expect.tp_src_be = c.expect.tp_dst_be = c.expect.tcp_flags_be = 0;
    assert_flow_equal(&got, &c.expect);
}

static void
test_malformed_ipv6_ext_length(void **state)
{
    (void) state;
    struct pcase c;
    struct flow got;

    /* The routing header claims 8 * (200 + 1) bytes inside a consistent payload length. */
    build_ipv6_ext_tcp(&c);
    c.pkt.data[54 + 8 + 1] = 200;
    assert_int_equal(extract_copy(&c.pkt, c.pkt.len, &got), FLOW_F_MALFORMED);
    struct flow want;
    expect_eth(&want, ETH_TYPE_IPV6);
    memcpy(want.ipv6_src, IP6_SRC, 16);
    memcpy(want.ipv6_dst, IP6_DST, 16);
    want.nw_ttl = 64;
    assert_flow_equal(&got, &want);

    /* The payload length ends in the middle of the hop-by-hop header. */
    build_ipv6_ext_tcp(&c);
    pkt_set_be16(&c.pkt, 14 + 4, 1);
    assert_int_equal(extract_copy(&c.pkt, c.pkt.len, &got), FLOW_F_MALFORMED);
    assert_flow_equal(&got, &want);

    /* Not IPv6 at all behind the IPv6 Ethertype. */
    build_ipv6_udp(&c);
    c.pkt.data[14] = 0x45;
    assert_int_equal(extract_copy(&c.pkt, c.pkt.len, &got), FLOW_F_MALFORMED);
    expect_eth(&want, ETH_TYPE_IPV6);
    assert_flow_equal(&got, &want);
}

static void
test_malformed_arp_sizes(void **state)
{
    (void) state;
    /* Byte offset in the ARP header and a wrong value: htype, ptype, hlen, plen. */
    static const struct {
        size_t ofs;
        uint8_t value;
    } bad[] = { { 1, 6 }, { 2, 0x86 }, { 4, 8 }, { 5, 16 } };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct pcase c;
        build_arp_request(&c);
        c.pkt.data[14 + bad[i].ofs] = bad[i].value;
        struct flow got, want;
        assert_int_equal(extract_copy(&c.pkt, c.pkt.len, &got), FLOW_F_MALFORMED);
        expect_eth(&want, ETH_TYPE_ARP);
        assert_flow_equal(&got, &want);
    }
}

/* An ARP opcode above 255 does not fit nw_proto: it reads as 0, the addresses are still parsed. */
static void
test_arp_large_opcode(void **state)
{
    (void) state;
    struct pcase c;
    build_arp_request(&c);
    pkt_set_be16(&c.pkt, 14 + 6, 0x0101);
    struct flow got;
    assert_int_equal(extract_copy(&c.pkt, c.pkt.len, &got), 0);
    c.expect.nw_proto = 0;
    assert_flow_equal(&got, &c.expect);
}

static void
test_malformed_nd_option(void **state)
{
    (void) state;
    struct pcase c;
    struct flow got;

    /* A zero-length option: the ND fields are dropped, ICMPv6 type/code stay. */
    build_nd_ns(&c);
    c.pkt.data[54 + 24 + 1] = 0;
    assert_int_equal(extract_copy(&c.pkt, c.pkt.len, &got), FLOW_F_MALFORMED);
    memset(c.expect.nd_target, 0, 16);
    memset(&c.expect.arp_sha, 0, 6);
    assert_flow_equal(&got, &c.expect);

    /* Two SLL options. */
    build_nd_ns(&c);
    c.pkt.data[54 + 24] = 1;
    assert_int_equal(extract_copy(&c.pkt, c.pkt.len, &got), FLOW_F_MALFORMED);
    memset(c.expect.nd_target, 0, 16);
    memset(&c.expect.arp_sha, 0, 6);
    assert_flow_equal(&got, &c.expect);

    /* ND with a nonzero code is plain ICMPv6: no ND parsing, no flag. */
    build_nd_na(&c);
    c.pkt.data[54 + 1] = 1;
    assert_int_equal(extract_copy(&c.pkt, c.pkt.len, &got), 0);
    memset(c.expect.nd_target, 0, 16);
    memset(&c.expect.arp_tha, 0, 6);
    c.expect.tp_dst_be = htons(1);
    assert_flow_equal(&got, &c.expect);
}

/* Deep tag stacks: only the outermost TCI is kept, all tags are skipped. */
static void
test_triple_vlan(void **state)
{
    (void) state;
    struct pkt p = { .len = 0 };
    pkt_put_eth(&p, MAC_DST, MAC_SRC, ETH_TYPE_VLAN_8021AD);
    pkt_put_vlan(&p, 7, ETH_TYPE_VLAN_8021Q);
    pkt_put_vlan(&p, 8, ETH_TYPE_VLAN_8021Q);
    pkt_put_vlan(&p, 9, ETH_TYPE_ARP);
    struct flow got, want;
    assert_int_equal(flow_extract(p.data, p.len, IN_PORT, &got), FLOW_F_TRUNCATED);
    expect_eth(&want, ETH_TYPE_ARP);
    want.vlan_tci_be = htons(VLAN_CFI | 7);
    assert_flow_equal(&got, &want);
}

/* ---------------------------------------------------------------------------------------------- */
/* Mask and hash helpers.                                                                          */

static void
random_flow(struct flow *f, unsigned seed)
{
    uint8_t *b = (uint8_t *) f;
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < sizeof *f; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b[i] = x;
    }
}

static void
test_mask_helpers(void **state)
{
    (void) state;
    struct flow a, b, mask, masked, exact, none;
    random_flow(&a, 1);
    random_flow(&mask, 2);

    flow_apply_mask(&masked, &a, &mask);
    const uint8_t *pa = (const uint8_t *) &a, *pm = (const uint8_t *) &mask;
    const uint8_t *px = (const uint8_t *) &masked;
    for (size_t i = 0; i < sizeof a; i++) {
        assert_int_equal(px[i], pa[i] & pm[i]);
    }

    /* b differs from a only in bits outside the mask: equal under the mask, same masked hash. */
    b = a;
    uint8_t *pb = (uint8_t *) &b;
    for (size_t i = 0; i < sizeof b; i++) {
        pb[i] ^= (uint8_t) ~pm[i];
    }
    assert_true(flow_equal_masked(&a, &b, &mask));
    assert_int_equal(flow_hash_masked(&a, &mask, 0), flow_hash_masked(&b, &mask, 0));
    assert_int_equal(flow_hash_masked(&a, &mask, 9), flow_hash(&masked, 9));

    struct flow tmp;
    assert_int_equal(flow_mask_and_hash(&tmp, &b, &mask, 5), flow_hash(&masked, 5));
    assert_memory_equal(&tmp, &masked, sizeof tmp);

    /* One significant bit flipped: not equal, and (almost surely) a different hash. */
    size_t i = 0;
    while (!pm[i]) {
        i++;
    }
    pb[i] ^= pm[i] & (uint8_t) -pm[i];     /* lowest set bit of the mask byte */
    assert_false(flow_equal_masked(&a, &b, &mask));
    assert_int_not_equal(flow_hash_masked(&a, &mask, 0), flow_hash_masked(&b, &mask, 0));

    flow_wildcards_init_exact(&exact);
    flow_wildcards_init_catchall(&none);
    assert_true(flow_wildcards_is_catchall(&none));
    assert_false(flow_wildcards_is_catchall(&exact));
    assert_true(flow_equal_masked(&a, &b, &none));
    assert_false(flow_equal_masked(&a, &b, &exact));
    assert_int_equal(flow_hash_masked(&a, &exact, 3), flow_hash(&a, 3));

    /* Union of masks. */
    struct flow m1, m2;
    flow_wildcards_init_catchall(&m1);
    flow_wildcards_init_catchall(&m2);
    m1.nw_src_be = htonl(0xffffff00);
    m2.nw_src_be = htonl(0x000000ff);
    m2.tp_dst_be = 0xffff;
    flow_wildcards_or(&m1, &m2);
    assert_int_equal(m1.nw_src_be, 0xffffffff);
    assert_int_equal(m1.tp_dst_be, 0xffff);
    assert_int_equal(m1.tp_src_be, 0);
    m1.nw_src_be = m1.tp_dst_be = 0;
    assert_true(flow_wildcards_is_catchall(&m1));
}

/* Keys that differ in one field (as in the benchmark: source address and port) spread over the
 * hash space, including its low bits (the EMC indexes with hash & 8191 and hash >> 13). */
static void
test_hash_spread(void **state)
{
    (void) state;
    enum { N = 20000, BUCKETS = 8192 };
    uint32_t *hashes = calloc(N, sizeof *hashes);
    unsigned *low = calloc(BUCKETS, sizeof *low);
    unsigned *high = calloc(BUCKETS, sizeof *high);
    struct pcase c;
    build_ipv4_udp(&c);
    for (unsigned i = 0; i < N; i++) {
        c.expect.nw_src_be = htonl(IP_A + i);
        c.expect.tp_src_be = htons(1024 + i % 50000);
        hashes[i] = flow_hash(&c.expect, 0);
        low[hashes[i] % BUCKETS]++;
        high[(hashes[i] >> 13) % BUCKETS]++;
    }
    /* Different basis: different hash. */
    assert_int_not_equal(flow_hash(&c.expect, 0), flow_hash(&c.expect, 1));

    unsigned collisions = 0;
    for (unsigned i = 0; i < N; i++) {
        for (unsigned j = i + 1; j < i + 64 && j < N; j++) {
            collisions += hashes[i] == hashes[j];
        }
    }
    assert_int_equal(collisions, 0);
    /* With 20000 keys in 8192 buckets (mean 2.4), a good hash leaves ~9% empty and none huge. */
    unsigned empty_low = 0, empty_high = 0, max_low = 0, max_high = 0;
    for (unsigned b = 0; b < BUCKETS; b++) {
        empty_low += !low[b];
        empty_high += !high[b];
        max_low = low[b] > max_low ? low[b] : max_low;
        max_high = high[b] > max_high ? high[b] : max_high;
    }
    assert_in_range(empty_low, 500, 1100);
    assert_in_range(empty_high, 500, 1100);
    assert_true(max_low < 14);
    assert_true(max_high < 14);
    free(hashes);
    free(low);
    free(high);
}

/* ---------------------------------------------------------------------------------------------- */
/* flow_to_string.                                                                                 */

static void
assert_string_and_free(char *got, const char *want)
{
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void
test_to_string_exact(void **state)
{
    (void) state;
    struct pcase c;

    build_ipv4_udp(&c);
    assert_string_and_free(flow_to_string(&c.expect, NULL),
        "in_port=7,dl_src=66:77:88:99:aa:bb,dl_dst=00:11:22:33:44:55,dl_type=0x0800,"
        "nw_src=10.0.0.1,nw_dst=192.168.1.2,nw_proto=17,nw_tos=184,nw_ecn=1,nw_ttl=63,"
        "nw_frag=no,tp_src=1234,tp_dst=53");

    build_qinq_tcp(&c);
    assert_string_and_free(flow_to_string(&c.expect, NULL),
        "in_port=7,dl_src=66:77:88:99:aa:bb,dl_dst=00:11:22:33:44:55,vlan_tci=0x312c,"
        "dl_type=0x0800,nw_src=10.0.0.1,nw_dst=192.168.1.2,nw_proto=6,nw_tos=16,nw_ecn=0,"
        "nw_ttl=64,nw_frag=no,tp_src=22,tp_dst=50000,tcp_flags=0x18");

    build_ipv4_frag_later(&c);
    assert_string_and_free(flow_to_string(&c.expect, NULL),
        "in_port=7,dl_src=66:77:88:99:aa:bb,dl_dst=00:11:22:33:44:55,dl_type=0x0800,"
        "nw_src=10.0.0.1,nw_dst=192.168.1.2,nw_proto=17,nw_tos=184,nw_ecn=1,nw_ttl=63,"
        "nw_frag=later");

    build_arp_reply(&c);
    assert_string_and_free(flow_to_string(&c.expect, NULL),
        "in_port=7,dl_src=66:77:88:99:aa:bb,dl_dst=00:11:22:33:44:55,dl_type=0x0806,"
        "arp_spa=10.0.0.1,arp_tpa=192.168.1.2,arp_op=2,arp_sha=02:00:00:00:00:0a,"
        "arp_tha=02:00:00:00:00:0b");

    build_nd_ns(&c);
    assert_string_and_free(flow_to_string(&c.expect, NULL),
        "in_port=7,dl_src=66:77:88:99:aa:bb,dl_dst=00:11:22:33:44:55,dl_type=0x86dd,"
        "ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2,ipv6_label=0x0,nw_proto=58,nw_tos=0,"
        "nw_ecn=0,nw_ttl=255,nw_frag=no,icmp_type=135,icmp_code=0,nd_target=fe80::42,"
        "nd_sll=02:00:00:00:00:0a,nd_tll=00:00:00:00:00:00");

    build_llc(&c);
    c.expect.regs[2] = 0x2a;
    c.expect.metadata = 0x1122;
    assert_string_and_free(flow_to_string(&c.expect, NULL),
        "in_port=7,metadata=0x1122,reg2=0x2a,dl_src=66:77:88:99:aa:bb,"
        "dl_dst=00:11:22:33:44:55,dl_type=0x05ff");
}

static void
test_to_string_masked(void **state)
{
    (void) state;
    struct pcase c;
    struct flow mask;
    build_ipv4_udp(&c);

    flow_wildcards_init_catchall(&mask);
    assert_string_and_free(flow_to_string(&c.expect, &mask), "");

    mask.in_port = UINT32_MAX;
    mask.dl_type_be = 0xffff;
    mask.nw_src_be = htonl(0xffffff00);
    mask.nw_dst_be = htonl(0xff00ff00);
    mask.nw_proto = 0xff;
    mask.nw_frag = 0xff;
    mask.tp_dst_be = htons(0xfff0);
    mask.dl_dst.ea[0] = 0x01;
    assert_string_and_free(flow_to_string(&c.expect, &mask),
        "in_port=7,dl_dst=00:00:00:00:00:00/01:00:00:00:00:00,dl_type=0x0800,"
        "nw_src=10.0.0.0/24,nw_dst=192.0.1.0/255.0.255.0,nw_proto=17,nw_frag=no,"
        "tp_dst=0x30/0xfff0");

    /* A mask field that the key's protocol would not show exactly is still printed. */
    flow_wildcards_init_catchall(&mask);
    mask.vlan_tci_be = htons(VLAN_CFI | VLAN_VID_MASK);
    mask.nw_tos = 0xfc;
    mask.nw_frag = FLOW_NW_FRAG_LATER;
    memset(mask.ipv6_src, 0xff, 8);
    assert_string_and_free(flow_to_string(&c.expect, &mask),
        "vlan_tci=0x0/0x1fff,ipv6_src=::/64,nw_tos=184,nw_frag=not_later");
}

int
main(void)
{
    struct CMUnitTest tests[N_BUILDERS + 16];
    size_t n = 0;
    static char names[N_BUILDERS][80];
    for (size_t i = 0; i < N_BUILDERS; i++) {
        struct pcase c;
        builders[i](&c);
        snprintf(names[i], sizeof names[i], "packet %s", c.name);
        tests[n++] = (struct CMUnitTest) {
            .name = names[i], .test_func = test_packet, .initial_state = (void *) (uintptr_t) i,
        };
    }
    const struct CMUnitTest more[] = {
        cmocka_unit_test(test_ethernet_padding),
        cmocka_unit_test(test_in_port_and_overwrite),
        cmocka_unit_test(test_malformed_ipv4_ihl),
        cmocka_unit_test(test_malformed_ipv4_version_and_length),
        cmocka_unit_test(test_ipv4_total_length_beyond_capture),
        cmocka_unit_test(test_malformed_tcp_offset),
        cmocka_unit_test(test_malformed_ipv6_ext_length),
        cmocka_unit_test(test_malformed_arp_sizes),
        cmocka_unit_test(test_arp_large_opcode),
        cmocka_unit_test(test_malformed_nd_option),
        cmocka_unit_test(test_triple_vlan),
        cmocka_unit_test(test_mask_helpers),
        cmocka_unit_test(test_hash_spread),
        cmocka_unit_test(test_to_string_exact),
        cmocka_unit_test(test_to_string_masked),
    };
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
        tests[n++] = more[i];
    }
    return _cmocka_run_group_tests("flow", tests, n, NULL, NULL);
}
