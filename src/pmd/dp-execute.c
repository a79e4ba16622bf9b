/*
 * dp-execute — packet-rewriting datapath actions. See pmd/dp-execute.h.
 */
#include "pmd/dp-execute.h"
#include "pmd/dp-tunnel.h"

#include <string.h>

#include <rte_byteorder.h>
#include <rte_hash_crc.h>

/* ---------------------------------------------------------------------------------------------- */
/* Header location.                                                                                */

#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_SCTP_ 132
#define IPPROTO_ICMPV6_ 58

struct pkt_layers {
    uint16_t l3;           /* Offset of the IP header, or 0 if none. */
    uint16_t l4;           /* Offset of the L4 header, or 0 if none (later fragment, unknown). */
    uint16_t dl_type;      /* Host order, after tags. */
    uint16_t vlan;         /* Offset of the outer tag's TPID, or 0 if untagged. */
    uint8_t nw_proto;
    uint8_t is_v6;
};

static inline uint16_t
rd16(const uint8_t *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}

static void
pkt_locate(const uint8_t *d, uint32_t len, struct pkt_layers *l)
{
    memset(l, 0, sizeof *l);
    if (len < 14) {
        return;
    }
    uint32_t off = 12;
    uint16_t type = rd16(d + off);
    for (int tags = 0; tags < 2 && (type == 0x8100 || type == 0x88a8); tags++) {
        if (off + 6 > len) {
            return;
        }
        if (!tags) {
            l->vlan = (uint16_t) off;
        }
        off += 4;
        type = rd16(d + off);
    }
    l->dl_type = type;
    off += 2;
    if (type == 0x0800) {
        if (off + 20 > len || (d[off] >> 4) != 4) {
            return;
        }
        uint32_t ihl = (d[off] & 0xf) * 4u;
        if (ihl < 20 || off + ihl > len) {
            return;
        }
        l->l3 = (uint16_t) off;
        l->nw_proto = d[off + 9];
        if (rd16(d + off + 6) & 0x1fff) {
            return;             /* Later fragment: no L4 header. */
        }
        l->l4 = (uint16_t) (off + ihl);
    } else if (type == 0x86dd) {
        if (off + 40 > len || (d[off] >> 4) != 6) {
            return;
        }
        l->l3 = (uint16_t) off;
        l->is_v6 = 1;
        uint8_t nh = d[off + 6];
        uint32_t p = off + 40;
        for (int i = 0; i < 8; i++) {
            if (nh == 0 || nh == 43 || nh == 60) {          /* Hop-by-hop, routing, dest opts. */
                if (p + 8 > len) {
                    return;
                }
                nh = d[p];
                p += (d[p + 1] + 1u) * 8u;
            } else if (nh == 44) {                           /* Fragment. */
                if (p + 8 > len) {
                    return;
                }
                if (rd16(d + p + 2) & 0xfff8) {
                    l->nw_proto = d[p];
                    return;                                  /* Later fragment. */
                }
                nh = d[p];
                p += 8;
            } else {
                break;
            }
        }
        if (p > len) {
            return;
        }
        l->nw_proto = nh;
        l->l4 = (uint16_t) p;
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* Checksums (one's complement, RFC 1071/1624). Values are raw 16-bit words as stored.            */

static inline uint16_t
csum_fold32(uint32_t s)
{
    s = (s & 0xffff) + (s >> 16);
    s = (s & 0xffff) + (s >> 16);
    return (uint16_t) s;
}

/* RFC 1624 eq. 3: HC' = ~(~HC + ~m + m'). */
static inline uint16_t
csum_replace16(uint16_t csum, uint16_t old, uint16_t new)
{
    uint32_t s = (uint16_t) ~csum + (uint32_t) (uint16_t) ~old + new;
    return (uint16_t) ~csum_fold32(s);
}

static inline uint16_t
csum_replace_bytes(uint16_t csum, const uint8_t *old, const uint8_t *new, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        uint16_t o, w;
        memcpy(&o, old + i, 2);
        memcpy(&w, new + i, 2);
        csum = csum_replace16(csum, o, w);
    }
    return csum;
}

/* Offset of the checksum within the L4 header that covers the IP pseudo-header, or -1. */
static int
l4_csum_offset(uint8_t proto, bool v6)
{
    switch (proto) {
    case IPPROTO_TCP_: return 16;
    case IPPROTO_UDP_: return 6;
    case IPPROTO_ICMPV6_: return v6 ? 2 : -1;
    default: return -1;
    }
}

static uint32_t
l4_min_len(uint8_t proto)
{
    return proto == IPPROTO_TCP_ ? 20 : proto == IPPROTO_SCTP_ ? 12 : 8;
}

/* Rewrites N bytes of the IP pseudo-header at D + OFF to NEW, updating the L4 checksum. */
static void
set_pseudo_bytes(uint8_t *d, uint32_t len, const struct pkt_layers *l, uint32_t off,
                 const uint8_t *new, size_t n)
{
    int co = l->l4 ? l4_csum_offset(l->nw_proto, l->is_v6) : -1;
    if (co >= 0 && l->l4 + (uint32_t) co + 2 <= len) {
        uint8_t *cp = d + l->l4 + co;
        uint16_t c;
        memcpy(&c, cp, 2);
        if (!(l->nw_proto == IPPROTO_UDP_ && !l->is_v6 && c == 0)) {
            c = csum_replace_bytes(c, d + off, new, n);
            if (l->nw_proto == IPPROTO_UDP_ && c == 0) {
                c = 0xffff;
            }
            memcpy(cp, &c, 2);
        }
    }
    if (!l->is_v6) {
        uint16_t c;
        memcpy(&c, d + l->l3 + 10, 2);
        c = csum_replace_bytes(c, d + off, new, n);
        memcpy(d + l->l3 + 10, &c, 2);
    }
    memcpy(d + off, new, n);
}

/* Rewrites the 16-bit IPv4 header word at L3 + WORD_OFF (even) to NEW (raw). */
static void
ipv4_set_word(uint8_t *d, const struct pkt_layers *l, uint32_t word_off, const uint8_t new[2])
{
    uint16_t c;
    memcpy(&c, d + l->l3 + 10, 2);
    c = csum_replace_bytes(c, d + l->l3 + word_off, new, 2);
    memcpy(d + l->l3 + 10, &c, 2);
    memcpy(d + l->l3 + word_off, new, 2);
}

static void
sctp_recompute(uint8_t *d, uint32_t len, const struct pkt_layers *l)
{
    uint8_t *s = d + l->l4;
    memset(s + 8, 0, 4);
    uint32_t crc = ~rte_hash_crc(s, len - l->l4, 0xffffffff);
    crc = rte_cpu_to_le_32(crc);
    memcpy(s + 8, &crc, 4);
}

/* Sets the L4 port at byte PORT_OFF (0 = source, 2 = destination) of a TCP/UDP/SCTP header. */
static void
set_l4_port(uint8_t *d, uint32_t len, const struct pkt_layers *l, uint32_t port_off,
            uint16_t be16)
{
    uint8_t p = l->nw_proto;
    if (!l->l4 || (p != IPPROTO_TCP_ && p != IPPROTO_UDP_ && p != IPPROTO_SCTP_)
        || l->l4 + l4_min_len(p) > len) {
        return;
    }
    uint8_t *pp = d + l->l4 + port_off;
    if (p == IPPROTO_SCTP_) {
        memcpy(pp, &be16, 2);
        sctp_recompute(d, len, l);
        return;
    }
    int co = l4_csum_offset(p, l->is_v6);
    uint16_t c;
    memcpy(&c, d + l->l4 + co, 2);
    if (!(p == IPPROTO_UDP_ && !l->is_v6 && c == 0)) {
        c = csum_replace_bytes(c, pp, (const uint8_t *) &be16, 2);
        if (p == IPPROTO_UDP_ && c == 0) {
            c = 0xffff;
        }
        memcpy(d + l->l4 + co, &c, 2);
    }
    memcpy(pp, &be16, 2);
}

/* Sets the 8-bit traffic class / TOS under MASK to VALUE (already shifted). */
static void
set_tos_bits(uint8_t *d, const struct pkt_layers *l, uint8_t mask, uint8_t value)
{
    if (!l->l3) {
        return;
    }
    uint8_t *ip = d + l->l3;
    if (l->is_v6) {
        /* Version(4) | traffic class(8) | flow label(20). */
        uint8_t tc = (uint8_t) ((ip[0] & 0x0f) << 4 | ip[1] >> 4);
        tc = (uint8_t) ((tc & ~mask) | (value & mask));
        ip[0] = (uint8_t) ((ip[0] & 0xf0) | tc >> 4);
        ip[1] = (uint8_t) ((ip[1] & 0x0f) | (uint8_t) (tc << 4));
        return;
    }
    uint8_t w[2] = { ip[0], (uint8_t) ((ip[1] & ~mask) | (value & mask)) };
    ipv4_set_word(d, l, 0, w);
}

/* ---------------------------------------------------------------------------------------------- */
/* API.                                                                                            */

enum dp_execute_result
dp_execute_modify(struct rte_mbuf *m, const struct dp_action *a)
{
    uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
    uint32_t len = m->data_len;
    struct pkt_layers l;

    switch ((enum dp_action_type) a->type) {
    case DP_ACTION_TNL_PUSH: {
        const struct dp_tnl_header *h = dp_tnl_header_get(a->port);
        if (!h) {
            return DP_EXEC_OK;
        }
        return dp_tnl_push(m, h) ? DP_EXEC_NO_ROOM : DP_EXEC_OK;
    }
    case DP_ACTION_PUSH_VLAN: {
        if (len < 12) {
            return DP_EXEC_OK;
        }
        uint8_t *n = (uint8_t *) rte_pktmbuf_prepend(m, 4);
        if (!n) {
            return DP_EXEC_NO_ROOM;
        }
        memmove(n, n + 4, 12);
        memcpy(n + 12, &a->u.vlan.tpid, 2);
        memcpy(n + 14, &a->u.vlan.tci, 2);
        return DP_EXEC_OK;
    }
    case DP_ACTION_POP_VLAN:
        pkt_locate(d, len, &l);
        if (l.vlan == 12) {
            memmove(d + 4, d, 12);
            rte_pktmbuf_adj(m, 4);
        }
        return DP_EXEC_OK;
    case DP_ACTION_SET_VLAN_TCI:
        pkt_locate(d, len, &l);
        if (l.vlan) {
            uint16_t old, v;
            memcpy(&old, d + l.vlan + 2, 2);
            v = (uint16_t) ((old & ~a->u.vlan.tci_mask) | (a->u.vlan.tci & a->u.vlan.tci_mask));
            memcpy(d + l.vlan + 2, &v, 2);
        }
        return DP_EXEC_OK;
    case DP_ACTION_SET_ETH_SRC:
        if (len >= 12) {
            memcpy(d + 6, a->u.mac, 6);
        }
        return DP_EXEC_OK;
    case DP_ACTION_SET_ETH_DST:
        if (len >= 6) {
            memcpy(d, a->u.mac, 6);
        }
        return DP_EXEC_OK;
    default:
        break;
    }

    pkt_locate(d, len, &l);
    switch ((enum dp_action_type) a->type) {
    case DP_ACTION_SET_IPV4_SRC:
    case DP_ACTION_SET_IPV4_DST:
        if (l.l3 && !l.is_v6) {
            uint32_t off = l.l3 + (a->type == DP_ACTION_SET_IPV4_SRC ? 12 : 16);
            set_pseudo_bytes(d, len, &l, off, (const uint8_t *) &a->u.be32, 4);
        }
        break;
    case DP_ACTION_SET_IPV6_SRC:
    case DP_ACTION_SET_IPV6_DST:
        if (l.l3 && l.is_v6) {
            uint32_t off = l.l3 + (a->type == DP_ACTION_SET_IPV6_SRC ? 8 : 24);
            set_pseudo_bytes(d, len, &l, off, a->u.ip6, 16);
        }
        break;
    case DP_ACTION_SET_IP_DSCP:
        set_tos_bits(d, &l, 0xfc, (uint8_t) (a->u.u8 << 2));
        break;
    case DP_ACTION_SET_IP_ECN:
        set_tos_bits(d, &l, 0x03, (uint8_t) (a->u.u8 & 3));
        break;
    case DP_ACTION_SET_IP_TTL:
    case DP_ACTION_DEC_TTL:
        if (!l.l3) {
            break;
        }
        if (l.is_v6) {
            uint8_t *hl = d + l.l3 + 7;
            if (a->type == DP_ACTION_SET_IP_TTL) {
                *hl = a->u.u8;
            } else if (*hl <= 1) {
                return DP_EXEC_TTL_EXPIRED;
            } else {
                (*hl)--;
            }
        } else {
            uint8_t *ip = d + l.l3;
            uint8_t ttl = ip[8];
            if (a->type == DP_ACTION_DEC_TTL) {
                if (ttl <= 1) {
                    return DP_EXEC_TTL_EXPIRED;
                }
                ttl--;
            } else {
                ttl = a->u.u8;
            }
            uint8_t w[2] = { ttl, ip[9] };
            ipv4_set_word(d, &l, 8, w);
        }
        break;
    case DP_ACTION_SET_L4_SRC:
        set_l4_port(d, len, &l, 0, a->u.be16);
        break;
    case DP_ACTION_SET_L4_DST:
        set_l4_port(d, len, &l, 2, a->u.be16);
        break;
    default:
        break;
    }
    return DP_EXEC_OK;
}
