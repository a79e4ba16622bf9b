/*
 * flow — the flow key: every header field the datapath and the OpenFlow pipeline can match on,
 * extracted from a packet by flow_extract().
 *
 * One fixed layout serves three roles, as in OVS: a packet's key, an OpenFlow match's values, and a
 * wildcard mask (struct flow used as a mask: a 1 bit means "this bit is significant"). The size is a
 * multiple of 8 bytes so masked compares and hashes run over uint64_t words (FLOW_U64S of them).
 *
 * Byte order: fields named in network headers are kept in network byte order (the _be suffix says
 * so); in_port and metadata are host order. Absent fields are zero (e.g. tp_src for a non-first
 * IPv4 fragment; vlan_tci == 0 means no 802.1Q tag; a present tag always has VLAN_CFI set, as in OVS).
 *
 * ICMP: tp_src holds the ICMP type and tp_dst the code (network order, high byte zero), like OVS.
 * ARP: nw_src/nw_dst are SPA/TPA, nw_proto the low byte of the opcode, arp_sha/arp_tha the hardware
 * addresses. IPv6 Neighbor Discovery: nd_target holds the target address, arp_sha/arp_tha hold
 * the SLL/TLL options.
 *
 * flow_extract() is safe on any input: a truncated or malformed header stops parsing at that layer
 * (the fields of outer layers stay valid, inner ones stay zero) and sets FLOW_F_TRUNCATED or
 * FLOW_F_MALFORMED in 'parse_flags' (which is not a match field; it is counted by the datapath).
 *
 * Thread-safety: pure functions.
 */
#ifndef UVS_FLOW_H
#define UVS_FLOW_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ETH_ADDR_LEN 6
struct eth_addr {
    uint8_t ea[ETH_ADDR_LEN];
};

/* 802.1Q TCI bits (host order helpers; the field itself is network order). */
#define VLAN_VID_MASK 0x0fff
#define VLAN_CFI 0x1000
#define VLAN_PCP_MASK 0xe000
#define VLAN_PCP_SHIFT 13

/* nw_frag bits. */
#define FLOW_NW_FRAG_ANY 0x01   /* IP packet is a fragment (first or later). */
#define FLOW_NW_FRAG_LATER 0x02 /* IP packet is a non-first fragment. */

/* EtherTypes (host order). */
#define ETH_TYPE_IP 0x0800
#define ETH_TYPE_ARP 0x0806
#define ETH_TYPE_VLAN_8021Q 0x8100
#define ETH_TYPE_VLAN_8021AD 0x88a8
#define ETH_TYPE_IPV6 0x86dd
/* Frames whose length/type field is below 0x600 (802.3) get dl_type 0x05ff, as in OVS. */
#define FLOW_DL_TYPE_NONE 0x05ff

struct flow {
    /* Metadata. */
    uint32_t in_port;          /* Datapath port number the packet arrived on (host order). */
    uint32_t recirc_id;        /* Recirculation id (host order): 0 on ingress, the DP_ACTION_RECIRC
                                  argument when the datapath re-injects a packet. */
    uint64_t metadata;         /* OpenFlow metadata (host order); zero on ingress. */
    /* L2. */
    struct eth_addr dl_dst;
    struct eth_addr dl_src;
    uint16_t dl_type_be;       /* Ethertype after VLAN tags, network order. */
    uint16_t vlan_tci_be;      /* Outer 802.1Q/802.1ad TCI | VLAN_CFI, network order; 0 = none. */
    /* L3. */
    uint32_t nw_src_be;        /* IPv4 source or ARP SPA. */
    uint32_t nw_dst_be;        /* IPv4 destination or ARP TPA. */
    uint8_t ipv6_src[16];
    uint8_t ipv6_dst[16];
    uint32_t ipv6_label_be;    /* Low 20 bits. */
    uint8_t nw_proto;          /* IP protocol or low 8 bits of ARP opcode. */
    uint8_t nw_tos;            /* DSCP (high 6 bits) and ECN (low 2 bits). */
    uint8_t nw_ttl;
    uint8_t nw_frag;           /* FLOW_NW_FRAG_* */
    /* L4. */
    uint16_t tp_src_be;        /* TCP/UDP/SCTP source port, ICMP type. */
    uint16_t tp_dst_be;        /* TCP/UDP/SCTP dest port, ICMP code. */
    uint16_t tcp_flags_be;     /* Low 12 bits of the TCP flags. */
    uint16_t pad1;
    struct eth_addr arp_sha;   /* ARP SHA or ND source link-layer address. */
    struct eth_addr arp_tha;   /* ARP THA or ND target link-layer address. */
    uint32_t pad2;
    uint8_t nd_target[16];     /* IPv6 ND target address. */
    uint32_t regs[16];         /* Nicira registers reg0..reg15 (OpenFlow pipeline scratch; zero on
                                  ingress). */
    /* Tunnel metadata: zero on ingress from a device; set by the datapath's tunnel pop from the
     * outer headers of a decapsulated packet (pmd/dp-tunnel.h), and by the pipeline (set_field)
     * for output to tunnel ports with options:key=flow or remote_ip=flow. */
    uint64_t tun_id_be;        /* Tunnel key, network order: VXLAN/Geneve VNI (24 bits), GRE key
                                  (32 bits); 0 = none. */
    uint32_t tun_src_be;       /* Outer IPv4 source. */
    uint32_t tun_dst_be;       /* Outer IPv4 destination. */
    uint8_t tun_ipv6_src[16];  /* Outer IPv6 source (IPv6 underlay; then tun_src/dst are 0). */
    uint8_t tun_ipv6_dst[16];  /* Outer IPv6 destination. */
};

#define FLOW_U64S (sizeof(struct flow) / 8)
_Static_assert(sizeof(struct flow) % 8 == 0, "struct flow must be a multiple of 8 bytes");

/* Parse outcome flags (not match fields). */
enum {
    FLOW_F_TRUNCATED = 1 << 0,   /* A header was cut short. */
    FLOW_F_MALFORMED = 1 << 1,   /* A header had an impossible value (e.g. IHL < 5). */
};

/* Extracts the key of the LEN-byte Ethernet frame at DATA into *FLOW (which is fully overwritten),
 * with in_port IN_PORT. Returns FLOW_F_* flags (0 for a well-formed packet). Never reads past
 * DATA + LEN. A layer's fields are set only if its whole fixed header is present and sane. An IPv4
 * total length or IPv6 payload length beyond LEN (a cut capture) gives FLOW_F_TRUNCATED but the
 * complete headers before the cut are still parsed; a header running past the IP packet's own
 * declared length gives FLOW_F_MALFORMED. Bytes after the IP length (Ethernet padding) are ignored. */
int flow_extract(const void *data, size_t len, uint32_t in_port, struct flow *flow);

/* The tunnel metadata is the key's tail: FLOW_TNL_OFS bytes in, FLOW_TNL_U64S words long. */
#define FLOW_TNL_OFS offsetof(struct flow, tun_id_be)
#define FLOW_TNL_U64S ((sizeof(struct flow) - FLOW_TNL_OFS) / 8)
_Static_assert(FLOW_TNL_OFS % 8 == 0 && offsetof(struct flow, tun_ipv6_dst) + 16
               == sizeof(struct flow), "the tunnel fields must be the last words of struct flow");

/* Copies the tunnel metadata (tun_id through tun_ipv6_dst) of SRC into DST. */
static inline void
flow_tnl_copy(struct flow *dst, const struct flow *src)
{
    memcpy(&dst->tun_id_be, &src->tun_id_be, sizeof *dst - FLOW_TNL_OFS);
}

/* Word views. */
static inline const uint64_t *flow_u64(const struct flow *f) { return (const uint64_t *) f; }

/* *DST = *SRC & *MASK. */
void flow_apply_mask(struct flow *dst, const struct flow *src, const struct flow *mask);
/* Whether (A & MASK) == (B & MASK). */
bool flow_equal_masked(const struct flow *a, const struct flow *b, const struct flow *mask);
/* Hash of the whole key (32 bits, seeded). Not stable across versions: never persist it. */
uint32_t flow_hash(const struct flow *flow, uint32_t basis);
/* Hash of FLOW & MASK without materializing it. */
uint32_t flow_hash_masked(const struct flow *flow, const struct flow *mask, uint32_t basis);
/* *DST = *SRC & *MASK and returns flow_hash(DST, BASIS), in one pass over the words (the megaflow
 * classifier's per-subtable step). Equal to flow_apply_mask() followed by flow_hash(). */
uint32_t flow_mask_and_hash(struct flow *dst, const struct flow *src, const struct flow *mask,
                            uint32_t basis);
/* Mask with every bit set / clear. */
void flow_wildcards_init_exact(struct flow *mask);
void flow_wildcards_init_catchall(struct flow *mask);
bool flow_wildcards_is_catchall(const struct flow *mask);
/* *DST |= *SRC (union of consulted bits). */
void flow_wildcards_or(struct flow *dst, const struct flow *src);

/* Formats FLOW (with MASK, or exact when MASK is NULL) in the ovs-dpctl/ofctl field syntax, e.g.
 * "in_port=1,dl_src=..,dl_type=0x0800,nw_src=10.0.0.1,..." omitting wildcarded fields. Returns a
 * malloc'd string. Details: with MASK, exactly the fields with a nonzero mask are printed, partial
 * ones as "value/mask" (IP prefixes as "/N"); without MASK, the fields that apply to the key's
 * dl_type and nw_proto are printed (metadata, regs and vlan_tci only when nonzero). Field names are
 * ovs-ofctl's (arp_spa/arp_tpa/arp_op for ARP, icmp_type/icmp_code, nd_target/nd_sll/nd_tll,
 * nw_tos (DSCP bits) + nw_ecn, nw_frag=no|first|later), so ovs-ofctl parses the output. The order
 * is in_port, metadata, reg0-3, dl_src, dl_dst, vlan_tci, dl_type, L3, L4. Returns NULL only when out
 * of memory; a catch-all mask gives "". */
char *flow_to_string(const struct flow *flow, const struct flow *mask);

#endif
