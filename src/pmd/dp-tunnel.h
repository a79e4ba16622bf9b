/*
 * dp-tunnel — userspace tunnels in the datapath, as OVS-DPDK does them: VXLAN (RFC 7348, UDP
 * 4789), Geneve (RFC 8926, UDP 6081, no options yet) and GRE (RFC 2784/2890, IP protocol 47, with
 * an optional key and checksum), over IPv4 or IPv6 (no extension headers; UDP checksums are
 * always computed over IPv6).
 *
 * Encapsulation (DP_ACTION_TNL_PUSH): the pipeline builds the whole outer header once per
 * translation (dp_tnl_header_build(): Ethernet with the next hop's MAC, IPv4, UDP/GRE, the
 * tunnel header with its key) and interns it (dp_tnl_header_intern()) to get a small id that the
 * datapath action carries. Per packet the datapath only prepends the bytes and fills what depends
 * on the packet (dp_tnl_push()): IPv4 total length, id and header checksum, UDP length, UDP source
 * port (a hash of the inner flow, for ECMP and RSS in the underlay, RFC 7348 §5) and, with
 * options:csum=true, the UDP or GRE checksum.
 *
 * Decapsulation (DP_ACTION_TNL_POP): dp_tnl_pop() validates the outer headers (IPv4 header length
 * and checksum, no fragments, UDP/GRE lengths, the tunnel header's flags and version) and strips
 * them, returning the tunnel metadata (outer addresses and key) that the datapath puts in the
 * re-injected packet's flow key. The re-injected packet arrives on a tunnel "vport": a datapath
 * port without a device, one per tunnel type and UDP port (like OVS's vxlan_sys_4789), numbered
 * from DP_TNL_PORT_BASE; its aux is what the upcall receives (the pipeline then picks the tunnel
 * port by the metadata).
 *
 * Thread-safety: header build/parse/push/pop are pure functions of their arguments. Interned
 * headers and vports are created by the main thread or an upcall (under a mutex) and never freed
 * nor changed, so PMDs read them without a lock.
 */
#ifndef UVS_DP_TUNNEL_H
#define UVS_DP_TUNNEL_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pmd/flow.h"

struct rte_mbuf;
struct dp_port;

enum dp_tnl_type {
    DP_TNL_VXLAN,
    DP_TNL_GENEVE,
    DP_TNL_GRE,
};

#define DP_TNL_VXLAN_PORT 4789
#define DP_TNL_GENEVE_PORT 6081
/* Outer Ethernet + IPv6 + UDP + Geneve/VXLAN header (70 bytes), or + GRE with checksum and key. */
#define DP_TNL_HEADER_MAX 80

/* What the pipeline knows when it builds a header. Addresses network order, others host order. */
struct dp_tnl_header_cfg {
    enum dp_tnl_type type;
    struct eth_addr eth_src;     /* The output device's MAC. */
    struct eth_addr eth_dst;     /* The next hop's MAC (neighbour table). */
    uint32_t ip_src_be;
    uint32_t ip_dst_be;
    bool ipv6;                   /* IPv6 underlay: the addresses are IP6_SRC/IP6_DST. */
    uint8_t ip6_src[16];
    uint8_t ip6_dst[16];
    uint8_t tos;                 /* Outer DSCP/ECN byte (IPv6 traffic class). */
    uint8_t ttl;                 /* 0 = 64. */
    bool df;                     /* Set IPv4 "don't fragment". */
    bool csum;                   /* UDP checksum (VXLAN, Geneve) or GRE checksum. */
    uint16_t dst_port;           /* UDP tunnels: destination port (0 = the type's default). */
    bool has_key;                /* GRE: send a key; VXLAN and Geneve always carry a VNI. */
    uint32_t key;                /* VNI (low 24 bits) or GRE key. */
};

/* A prebuilt outer header. */
struct dp_tnl_header {
    uint8_t type;                /* enum dp_tnl_type */
    uint8_t len;                 /* Bytes in 'data'. */
    uint8_t l4_ofs;              /* Offset of the UDP or GRE header. */
    uint8_t csum;                /* Fill the UDP/GRE checksum per packet. */
    uint8_t ipv6;                /* IPv6 outer header (at offset 14). */
    uint8_t data[DP_TNL_HEADER_MAX];
};

/* Builds the header CFG describes into *H. Returns 0, or -EINVAL for an unknown type. */
int dp_tnl_header_build(const struct dp_tnl_header_cfg *cfg, struct dp_tnl_header *h);

/* Interns *H (deduplicated by content) and returns its id for DP_ACTION_TNL_PUSH, or UINT32_MAX
 * when DP_TNL_MAX_HEADERS distinct headers exist already. Any thread. */
#define DP_TNL_MAX_HEADERS 4096
uint32_t dp_tnl_header_intern(const struct dp_tnl_header *h);
/* The header with id ID, or NULL. Any thread, lock-free. */
const struct dp_tnl_header *dp_tnl_header_get(uint32_t id);

/* Appends "tnl_push(vxlan(src=A,dst=B,dst_port=4789,vni=N),eth(src=..,dst=..))" for header ID,
 * as dpctl/dump-flows and ofproto/trace show it. */
struct ds;
void dp_tnl_header_format(struct ds *, uint32_t id);

/* Fills the per-packet fields of the header H.len bytes at PKT, followed by PAYLOAD_LEN bytes of
 * inner frame (already in place after it): lengths, IPv4 id and checksum, UDP source port
 * SRC_PORT (host order), and checksums when H asks. */
void dp_tnl_fill(uint8_t *pkt, size_t payload_len, const struct dp_tnl_header *h,
                 uint16_t src_port, uint16_t ip_id);
/* Prepends header H to the packet in M (single segment) and fills it. Returns 0, or -ENOSPC if M
 * has not enough headroom. */
int dp_tnl_push(struct rte_mbuf *m, const struct dp_tnl_header *h);

/* Tunnel metadata of a decapsulated packet (network order). */
struct dp_tnl_md {
    uint64_t tun_id_be;
    uint32_t tun_src_be;
    uint32_t tun_dst_be;
    uint8_t tun_ipv6_src[16];    /* IPv6 underlay (then tun_src/dst are 0). */
    uint8_t tun_ipv6_dst[16];
    uint8_t type;                /* enum dp_tnl_type */
    uint16_t udp_dst;            /* Host order (UDP tunnels). */
    uint32_t ip_len;             /* Bytes of Ethernet + the outer IP packet (padding follows). */
};

/* Parses the LEN-byte frame PKT as an IPv4 or IPv6 tunnel packet of TYPE: on success returns the
 * number of outer header bytes (the inner Ethernet frame starts there) and fills *MD; returns -EINVAL if
 * it is not a well-formed packet of that type (VXLAN with the I flag; Geneve version 0 carrying
 * Ethernet, options skipped; GRE version 0 carrying Ethernet, with valid checksum if present).
 * IPv4 fragments and bad IPv4/UDP checksums are refused. */
int dp_tnl_parse(const uint8_t *pkt, size_t len, enum dp_tnl_type type, struct dp_tnl_md *md);
/* dp_tnl_parse() on M's data (single segment) for vport VPORT's type, then strips the outer
 * headers. Returns 0 or -EINVAL. */
int dp_tnl_pop(struct rte_mbuf *m, uint32_t vport, struct dp_tnl_md *md);

/* Tunnel vports: datapath ports without a device that decapsulated packets arrive on. */
#define DP_TNL_PORT_BASE 1024        /* First vport number (after the device ports). */
#define DP_TNL_MAX_VPORTS 16
/* The vport named NAME ("vxlan_sys_4789") for packets of TYPE, created with AUX on first use
 * (never deleted: megaflows and packets in flight may name it). Returns 0 with its number in
 * *DP_PORTP, or -ENOSPC. Main thread. */
int dp_tnl_vport_add(const char *name, enum dp_tnl_type type, void *aux, uint32_t *dp_portp);
/* The vport numbered DP_PORT, or NULL. Any thread. */
struct dp_port *dp_tnl_vport_get(uint32_t dp_port);

#endif
