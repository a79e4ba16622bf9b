/*
 * flow-ref — a slow, deliberately plain reference parser for the flow key, used by fuzz-flow to
 * check flow_extract() field by field on every input.
 *
 * It implements the contract written in pmd/flow.h and the file comment of pmd/flow.c, but in a
 * different shape: one cursor over the frame, every read goes through a bounds-checked accessor
 * that reads byte by byte and assembles numbers arithmetically (no memcpy of headers, no pointer
 * arithmetic, no unaligned loads), one function per protocol, no shortcuts. Speed does not matter;
 * readability against the RFCs does:
 *   Ethernet II / 802.3 LLC-SNAP (RFC 1042), 802.1Q/802.1ad tags, ARP (RFC 826), IPv4 (RFC 791),
 *   IPv6 and its extension headers (RFC 8200 §4; AH is RFC 4302 §2.2), TCP (RFC 9293), UDP
 *   (RFC 768), SCTP (RFC 9260), ICMP (RFC 792), ICMPv6 (RFC 4443) and Neighbor Discovery
 *   (RFC 4861 §4.3, §4.4, §4.6.1).
 */
#include "flow-ref.h"

#include <stdbool.h>
#include <string.h>

/* A view of bytes [start, end) of the frame. */
struct view {
    const uint8_t *frame;
    size_t start;
    size_t end;
};

static size_t
avail(const struct view *v)
{
    return v->end - v->start;
}

/* Byte I of the view; callers check avail() first. */
static unsigned
byte_at(const struct view *v, size_t i)
{
    return v->frame[v->start + i];
}

static unsigned
u16_at(const struct view *v, size_t i)
{
    return byte_at(v, i) * 256u + byte_at(v, i + 1);
}

static unsigned long
u32_at(const struct view *v, size_t i)
{
    return (unsigned long) u16_at(v, i) * 65536ul + u16_at(v, i + 2);
}

/* Stores the host number X into a network-order field of 2 or 4 bytes, byte by byte. */
static void
store_be(void *field, size_t n, unsigned long x)
{
    uint8_t *b = field;
    for (size_t i = n; i-- > 0;) {
        b[i] = (uint8_t) (x & 0xff);
        x >>= 8;
    }
}

static void
copy_bytes(uint8_t *dst, const struct view *v, size_t at, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        dst[i] = (uint8_t) byte_at(v, at + i);
    }
}

static void
advance(struct view *v, size_t n)
{
    v->start += n;
}

/* What to report when a header does not fit: a cut capture (the IP length promised more than was
 * captured) is "truncated"; a header longer than the packet's own declared length is "malformed". */
static int
does_not_fit(bool cut)
{
    return cut ? FLOW_F_TRUNCATED : FLOW_F_MALFORMED;
}

/* ---- L4 ---------------------------------------------------------------------------------- */

static void
clear_nd(struct flow *f)
{
    memset(f->nd_target, 0, sizeof f->nd_target);
    memset(&f->arp_sha, 0, sizeof f->arp_sha);
    memset(&f->arp_tha, 0, sizeof f->arp_tha);
}

/* RFC 4861: NS/NA = 4 bytes of ICMPv6 header + 4 reserved/flags + 16 target, then options of
 * (type, length in units of 8 bytes). */
static int
ref_nd(struct view v, bool cut, struct flow *f)
{
    if (avail(&v) < 24) {
        return does_not_fit(cut);
    }
    copy_bytes(f->nd_target, &v, 8, 16);
    advance(&v, 24);
    int seen_sll = 0, seen_tll = 0;
    while (avail(&v) >= 2) {
        unsigned type = byte_at(&v, 0);
        size_t len = byte_at(&v, 1) * 8u;
        if (len == 0) {
            clear_nd(f);
            return FLOW_F_MALFORMED;
        }
        if (len > avail(&v)) {
            clear_nd(f);
            return does_not_fit(cut);
        }
        if (type == 1 && len == 8) {
            if (seen_sll++) {
                clear_nd(f);
                return FLOW_F_MALFORMED;
            }
            copy_bytes(f->arp_sha.ea, &v, 2, 6);
        } else if (type == 2 && len == 8) {
            if (seen_tll++) {
                clear_nd(f);
                return FLOW_F_MALFORMED;
            }
            copy_bytes(f->arp_tha.ea, &v, 2, 6);
        }
        advance(&v, len);
    }
    return 0;
}

static int
ref_l4(struct view v, bool cut, unsigned proto, bool ipv6, struct flow *f)
{
    if (proto == 6) {                                   /* TCP */
        if (avail(&v) < 20) {
            return does_not_fit(cut);
        }
        size_t data_offset = (byte_at(&v, 12) >> 4) * 4u;
        if (data_offset < 20) {
            return FLOW_F_MALFORMED;
        }
        if (data_offset > avail(&v)) {
            return does_not_fit(cut);
        }
        store_be(&f->tp_src_be, 2, u16_at(&v, 0));
        store_be(&f->tp_dst_be, 2, u16_at(&v, 2));
        store_be(&f->tcp_flags_be, 2, u16_at(&v, 12) % 4096);
    } else if (proto == 17 || proto == 132) {           /* UDP, SCTP */
        if (avail(&v) < (proto == 17 ? 8u : 12u)) {
            return does_not_fit(cut);
        }
        store_be(&f->tp_src_be, 2, u16_at(&v, 0));
        store_be(&f->tp_dst_be, 2, u16_at(&v, 2));
    } else if ((proto == 1 && !ipv6) || (proto == 58 && ipv6)) {   /* ICMP, ICMPv6 */
        if (avail(&v) < 8) {
            return does_not_fit(cut);
        }
        unsigned type = byte_at(&v, 0), code = byte_at(&v, 1);
        store_be(&f->tp_src_be, 2, type);
        store_be(&f->tp_dst_be, 2, code);
        if (ipv6 && (type == 135 || type == 136) && code == 0) {
            return ref_nd(v, cut, f);
        }
    }
    return 0;
}

/* ---- L3 ---------------------------------------------------------------------------------- */

static int
ref_ipv4(struct view v, struct flow *f)
{
    if (avail(&v) < 20) {
        return FLOW_F_TRUNCATED;
    }
    unsigned version = byte_at(&v, 0) >> 4;
    size_t header_len = (byte_at(&v, 0) & 15) * 4u;
    if (version != 4 || header_len < 20) {
        return FLOW_F_MALFORMED;
    }
    if (header_len > avail(&v)) {
        return FLOW_F_TRUNCATED;
    }
    size_t total_len = u16_at(&v, 2);
    if (total_len < header_len) {
        return FLOW_F_MALFORMED;
    }
    int flags = 0;
    bool cut = total_len > avail(&v);
    if (cut) {
        flags = FLOW_F_TRUNCATED;
    } else {
        v.end = v.start + total_len;                    /* Ignore Ethernet padding. */
    }
    store_be(&f->nw_src_be, 4, u32_at(&v, 12));
    store_be(&f->nw_dst_be, 4, u32_at(&v, 16));
    f->nw_tos = (uint8_t) byte_at(&v, 1);
    f->nw_ttl = (uint8_t) byte_at(&v, 8);
    f->nw_proto = (uint8_t) byte_at(&v, 9);

    unsigned more_fragments = (u16_at(&v, 6) >> 13) & 1;
    unsigned fragment_offset = u16_at(&v, 6) % 8192;
    if (more_fragments || fragment_offset) {
        f->nw_frag = FLOW_NW_FRAG_ANY;
    }
    if (fragment_offset) {
        f->nw_frag |= FLOW_NW_FRAG_LATER;
        return flags;                                   /* No L4 header in a later fragment. */
    }
    unsigned proto = byte_at(&v, 9);
    advance(&v, header_len);
    return flags | ref_l4(v, cut, proto, false, f);
}

static int
ref_ipv6(struct view v, struct flow *f)
{
    if (avail(&v) < 40) {
        return FLOW_F_TRUNCATED;
    }
    if (byte_at(&v, 0) >> 4 != 6) {
        return FLOW_F_MALFORMED;
    }
    size_t payload_len = u16_at(&v, 4);
    int flags = 0;
    bool cut = payload_len > avail(&v) - 40;
    if (cut) {
        flags = FLOW_F_TRUNCATED;
    } else {
        v.end = v.start + 40 + payload_len;
    }
    copy_bytes(f->ipv6_src, &v, 8, 16);
    copy_bytes(f->ipv6_dst, &v, 24, 16);
    store_be(&f->ipv6_label_be, 4, u32_at(&v, 0) % (1ul << 20));
    f->nw_tos = (uint8_t) ((u16_at(&v, 0) >> 4) & 0xff);      /* Traffic class. */
    f->nw_ttl = (uint8_t) byte_at(&v, 7);                     /* Hop limit. */

    unsigned next = byte_at(&v, 6);
    advance(&v, 40);
    for (;;) {
        size_t ext_len;
        if (next == 0 || next == 43 || next == 60) {    /* Hop-by-hop, routing, dest options. */
            if (avail(&v) < 2) {
                break;
            }
            ext_len = (byte_at(&v, 1) + 1u) * 8;
        } else if (next == 51) {                        /* AH: length in 4-byte units minus 2. */
            if (avail(&v) < 2) {
                break;
            }
            ext_len = (byte_at(&v, 1) + 2u) * 4;
        } else if (next == 44) {                        /* Fragment header. */
            if (avail(&v) < 8) {
                break;
            }
            ext_len = 8;
            f->nw_frag = FLOW_NW_FRAG_ANY;
            if (u16_at(&v, 2) >> 3) {
                f->nw_frag |= FLOW_NW_FRAG_LATER;
                f->nw_proto = (uint8_t) byte_at(&v, 0);
                return flags;
            }
        } else {
            f->nw_proto = (uint8_t) next;
            return flags | ref_l4(v, cut, next, true, f);
        }
        if (ext_len > avail(&v)) {
            break;
        }
        next = byte_at(&v, 0);
        advance(&v, ext_len);
    }
    /* An extension header does not fit: nothing after the addresses is known. */
    f->nw_frag = 0;
    return flags | does_not_fit(cut);
}

static int
ref_arp(struct view v, struct flow *f)
{
    if (avail(&v) < 8) {
        return FLOW_F_TRUNCATED;
    }
    if (u16_at(&v, 0) != 1 || u16_at(&v, 2) != 0x0800 || byte_at(&v, 4) != 6
        || byte_at(&v, 5) != 4) {
        return FLOW_F_MALFORMED;
    }
    if (avail(&v) < 28) {
        return FLOW_F_TRUNCATED;
    }
    unsigned op = u16_at(&v, 6);
    if (op < 256) {
        f->nw_proto = (uint8_t) op;
    }
    copy_bytes(f->arp_sha.ea, &v, 8, 6);
    store_be(&f->nw_src_be, 4, u32_at(&v, 14));
    copy_bytes(f->arp_tha.ea, &v, 18, 6);
    store_be(&f->nw_dst_be, 4, u32_at(&v, 24));
    return 0;
}

/* ---- L2 ---------------------------------------------------------------------------------- */

int
flow_ref_extract(const uint8_t *data, size_t len, uint32_t in_port, struct flow *f)
{
    struct view v = { data, 0, len };

    memset(f, 0, sizeof *f);
    f->in_port = in_port;
    if (avail(&v) >= 6) {
        copy_bytes(f->dl_dst.ea, &v, 0, 6);
    }
    if (avail(&v) >= 12) {
        copy_bytes(f->dl_src.ea, &v, 6, 6);
    }
    if (avail(&v) < 14) {
        return FLOW_F_TRUNCATED;
    }
    unsigned type = u16_at(&v, 12);
    advance(&v, 14);

    bool first_tag = true;
    while (type == 0x8100 || type == 0x88a8) {
        if (avail(&v) < 4) {
            return FLOW_F_TRUNCATED;
        }
        if (first_tag) {
            store_be(&f->vlan_tci_be, 2, u16_at(&v, 0) | VLAN_CFI);
            first_tag = false;
        }
        type = u16_at(&v, 2);
        advance(&v, 4);
    }

    if (type < 0x600) {
        /* 802.3 length: an Ethertype only with an LLC/SNAP header whose OUI is 0 (RFC 1042). */
        if (avail(&v) >= 8 && byte_at(&v, 0) == 0xaa && byte_at(&v, 1) == 0xaa
            && byte_at(&v, 2) == 0x03 && byte_at(&v, 3) == 0 && byte_at(&v, 4) == 0
            && byte_at(&v, 5) == 0 && u16_at(&v, 6) >= 0x600) {
            type = u16_at(&v, 6);
            advance(&v, 8);
        } else {
            store_be(&f->dl_type_be, 2, FLOW_DL_TYPE_NONE);
            return 0;
        }
    }
    store_be(&f->dl_type_be, 2, type);

    switch (type) {
    case 0x0800:
        return ref_ipv4(v, f);
    case 0x86dd:
        return ref_ipv6(v, f);
    case 0x0806:
        return ref_arp(v, f);
    default:
        return 0;
    }
}
