/*
 * flow — packet parser (flow_extract), mask/hash helpers and the text format of a flow key.
 *
 * See pmd/flow.h for the key layout and the parse contract. Parsing rules, layer by layer:
 *
 *   - A layer's fields are filled only when its fixed header is complete and sane, so a packet cut
 *     or damaged in layer N keeps layers < N exact and layers > N zero.
 *   - "Cut short" is FLOW_F_TRUNCATED when the header runs past the captured bytes while the
 *     enclosing IP length says more bytes should be there (a snap-length capture, a runt), and
 *     FLOW_F_MALFORMED when it runs past the IP packet's own declared length (an impossible packet).
 *   - An IPv4 total length / IPv6 payload length larger than the captured data sets FLOW_F_TRUNCATED
 *     but does not stop parsing: the L3 header is complete, and L4 is parsed from what was captured.
 *     Ethernet padding past the IP length is ignored.
 *
 * The hot path is one memset of the key plus straight-line header reads; there is no allocation.
 */
#include "pmd/flow.h"

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* ---------------------------------------------------------------------------------------------- */
/* Constants.                                                                                      */

#define ETH_HEADER_LEN 14
#define VLAN_HEADER_LEN 4
#define LLC_SNAP_HEADER_LEN 8
#define ETH_TYPE_MIN 0x600

#define ARP_HEADER_LEN 8                /* Fixed part: htype, ptype, hlen, plen, op. */
#define ARP_ETH_IPV4_LEN 28

#define IPV4_HEADER_LEN 20
#define IPV4_MF 0x2000
#define IPV4_FRAG_OFF_MASK 0x1fff

#define IPV6_HEADER_LEN 40
#define IPV6_FRAG_HEADER_LEN 8
#define IPV6_FRAG_OFF_MASK 0xfff8

#define IPPROTO_HOPOPTS_ 0
#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ROUTING_ 43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_AH_ 51
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_DSTOPTS_ 60
#define IPPROTO_SCTP_ 132

#define TCP_HEADER_LEN 20
#define UDP_HEADER_LEN 8
#define SCTP_HEADER_LEN 12
#define ICMP_HEADER_LEN 8
#define ICMPV6_HEADER_LEN 8             /* Type, code, checksum and the 4-byte message word. */
#define ND_MSG_LEN 24                   /* ICMPv6 header + 16-byte target. */
#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT 136
#define ND_OPT_SOURCE_LINKADDR 1
#define ND_OPT_TARGET_LINKADDR 2

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* ---------------------------------------------------------------------------------------------- */
/* Unaligned reads (values stay in network order).                                                 */

static inline uint16_t
get_be16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline uint32_t
get_be32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* ---------------------------------------------------------------------------------------------- */
/* L4.                                                                                             */

/* The flag for a header that does not fit: see the file comment. */
static inline int
short_flag(bool cut)
{
    return cut ? FLOW_F_TRUNCATED : FLOW_F_MALFORMED;
}

/* Neighbor Discovery: target and link-layer address options (RFC 4861 §4.3, §4.4, §4.6.1). On a
 * bad option the ND fields are cleared again, like OVS. */
static int
parse_nd(const uint8_t *p, size_t size, bool cut, struct flow *flow)
{
    if (size < ND_MSG_LEN) {
        return short_flag(cut);
    }
    memcpy(flow->nd_target, p + 8, 16);
    p += ND_MSG_LEN;
    size -= ND_MSG_LEN;

    bool have_sll = false, have_tll = false;
    while (size >= 2) {
        uint8_t type = p[0];
        size_t opt_len = (size_t) p[1] * 8;
        int err = 0;

        if (opt_len == 0) {
            err = FLOW_F_MALFORMED;
        } else if (opt_len > size) {
            err = short_flag(cut);
        } else if (type == ND_OPT_SOURCE_LINKADDR && opt_len == 8) {
            if (have_sll) {
                err = FLOW_F_MALFORMED;
            } else {
                memcpy(flow->arp_sha.ea, p + 2, ETH_ADDR_LEN);
                have_sll = true;
            }
        } else if (type == ND_OPT_TARGET_LINKADDR && opt_len == 8) {
            if (have_tll) {
                err = FLOW_F_MALFORMED;
            } else {
                memcpy(flow->arp_tha.ea, p + 2, ETH_ADDR_LEN);
                have_tll = true;
            }
        }
        if (err) {
            memset(flow->nd_target, 0, sizeof flow->nd_target);
            memset(&flow->arp_sha, 0, sizeof flow->arp_sha);
            memset(&flow->arp_tha, 0, sizeof flow->arp_tha);
            return err;
        }
        p += opt_len;
        size -= opt_len;
    }
    return 0;
}

/* Parses the L4 header of protocol PROTO at P (SIZE bytes of it are available). */
static inline int
parse_l4(const uint8_t *p, size_t size, bool cut, uint8_t proto, bool ipv6, struct flow *flow)
{
    switch (proto) {
    case IPPROTO_TCP_: {
        if (unlikely(size < TCP_HEADER_LEN)) {
            return short_flag(cut);
        }
        size_t doff = (size_t) (p[12] >> 4) * 4;
        if (unlikely(doff < TCP_HEADER_LEN)) {
            return FLOW_F_MALFORMED;
        }
        if (unlikely(doff > size)) {
            return short_flag(cut);
        }
        flow->tp_src_be = get_be16(p);
        flow->tp_dst_be = get_be16(p + 2);
        flow->tcp_flags_be = get_be16(p + 12) & htons(0x0fff);
        return 0;
    }
    case IPPROTO_UDP_:
        if (unlikely(size < UDP_HEADER_LEN)) {
            return short_flag(cut);
        }
        flow->tp_src_be = get_be16(p);
        flow->tp_dst_be = get_be16(p + 2);
        return 0;
    case IPPROTO_SCTP_:
        if (unlikely(size < SCTP_HEADER_LEN)) {
            return short_flag(cut);
        }
        flow->tp_src_be = get_be16(p);
        flow->tp_dst_be = get_be16(p + 2);
        return 0;
    case IPPROTO_ICMP_:
        if (ipv6) {
            return 0;
        }
        if (unlikely(size < ICMP_HEADER_LEN)) {
            return short_flag(cut);
        }
        flow->tp_src_be = htons(p[0]);
        flow->tp_dst_be = htons(p[1]);
        return 0;
    case IPPROTO_ICMPV6_:
        if (!ipv6) {
            return 0;
        }
        if (unlikely(size < ICMPV6_HEADER_LEN)) {
            return short_flag(cut);
        }
        flow->tp_src_be = htons(p[0]);
        flow->tp_dst_be = htons(p[1]);
        if ((p[0] == ND_NEIGHBOR_SOLICIT || p[0] == ND_NEIGHBOR_ADVERT) && p[1] == 0) {
            return parse_nd(p, size, cut, flow);
        }
        return 0;
    default:
        return 0;
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* L3.                                                                                             */

static inline int
parse_ipv4(const uint8_t *p, size_t size, struct flow *flow)
{
    if (unlikely(size < IPV4_HEADER_LEN)) {
        return FLOW_F_TRUNCATED;
    }
    size_t ihl = (size_t) (p[0] & 0x0f) * 4;
    if (unlikely((p[0] >> 4) != 4 || ihl < IPV4_HEADER_LEN)) {
        return FLOW_F_MALFORMED;
    }
    if (unlikely(ihl > size)) {
        return FLOW_F_TRUNCATED;
    }
    size_t tot_len = ntohs(get_be16(p + 2));
    if (unlikely(tot_len < ihl)) {
        return FLOW_F_MALFORMED;
    }
    int flags = 0;
    bool cut = false;
    if (unlikely(tot_len > size)) {
        flags = FLOW_F_TRUNCATED;
        cut = true;
    } else {
        size = tot_len;         /* Drop Ethernet padding. */
    }

    flow->nw_src_be = get_be32(p + 12);
    flow->nw_dst_be = get_be32(p + 16);
    flow->nw_tos = p[1];
    flow->nw_ttl = p[8];
    flow->nw_proto = p[9];

    uint16_t frag = ntohs(get_be16(p + 6));
    if (unlikely(frag & (IPV4_MF | IPV4_FRAG_OFF_MASK))) {
        flow->nw_frag = FLOW_NW_FRAG_ANY;
        if (frag & IPV4_FRAG_OFF_MASK) {
            flow->nw_frag |= FLOW_NW_FRAG_LATER;
            return flags;
        }
    }
    return flags | parse_l4(p + ihl, size - ihl, cut, p[9], false, flow);
}

static int
parse_ipv6(const uint8_t *p, size_t size, struct flow *flow)
{
    if (unlikely(size < IPV6_HEADER_LEN)) {
        return FLOW_F_TRUNCATED;
    }
    uint32_t vtc_flow = ntohl(get_be32(p));
    if (unlikely((vtc_flow >> 28) != 6)) {
        return FLOW_F_MALFORMED;
    }
    size_t plen = ntohs(get_be16(p + 4));
    int flags = 0;
    bool cut = false;
    size -= IPV6_HEADER_LEN;
    if (unlikely(plen > size)) {
        flags = FLOW_F_TRUNCATED;
        cut = true;
    } else {
        size = plen;
    }

    memcpy(flow->ipv6_src, p + 8, 16);
    memcpy(flow->ipv6_dst, p + 24, 16);
    flow->ipv6_label_be = htonl(vtc_flow & 0x000fffff);
    flow->nw_tos = (vtc_flow >> 20) & 0xff;
    flow->nw_ttl = p[7];

    uint8_t nh = p[6];
    p += IPV6_HEADER_LEN;
    for (;;) {
        size_t hlen;
        switch (nh) {
        case IPPROTO_HOPOPTS_:
        case IPPROTO_ROUTING_:
        case IPPROTO_DSTOPTS_:
            if (size < 2) {
                goto bad_ext;
            }
            hlen = ((size_t) p[1] + 1) * 8;
            break;
        case IPPROTO_AH_:
            if (size < 2) {
                goto bad_ext;
            }
            hlen = ((size_t) p[1] + 2) * 4;
            break;
        case IPPROTO_FRAGMENT_:
            if (size < IPV6_FRAG_HEADER_LEN) {
                goto bad_ext;
            }
            hlen = IPV6_FRAG_HEADER_LEN;
            flow->nw_frag = FLOW_NW_FRAG_ANY;
            if (ntohs(get_be16(p + 2)) & IPV6_FRAG_OFF_MASK) {
                flow->nw_frag |= FLOW_NW_FRAG_LATER;
                flow->nw_proto = p[0];
                return flags;
            }
            break;
        default:
            flow->nw_proto = nh;
            return flags | parse_l4(p, size, cut, nh, true, flow);
        }
        if (hlen > size) {
            goto bad_ext;
        }
        nh = p[0];
        p += hlen;
        size -= hlen;
    }

bad_ext:
    /* An extension header runs past the end: the L3 addresses stay, nothing after them is known. */
    flow->nw_frag = 0;
    return flags | short_flag(cut);
}

static inline int
parse_arp(const uint8_t *p, size_t size, struct flow *flow)
{
    if (size < ARP_HEADER_LEN) {
        return FLOW_F_TRUNCATED;
    }
    /* Only Ethernet/IPv4 ARP (RFC 826): htype 1, ptype 0x0800, hlen 6, plen 4. */
    if (get_be16(p) != htons(1) || get_be16(p + 2) != htons(ETH_TYPE_IP)
        || p[4] != ETH_ADDR_LEN || p[5] != 4) {
        return FLOW_F_MALFORMED;
    }
    if (size < ARP_ETH_IPV4_LEN) {
        return FLOW_F_TRUNCATED;
    }
    uint16_t op = ntohs(get_be16(p + 6));
    if (op <= 0xff) {
        flow->nw_proto = op;
    }
    memcpy(flow->arp_sha.ea, p + 8, ETH_ADDR_LEN);
    flow->nw_src_be = get_be32(p + 14);
    memcpy(flow->arp_tha.ea, p + 18, ETH_ADDR_LEN);
    flow->nw_dst_be = get_be32(p + 24);
    return 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* flow_extract.                                                                                   */

int
flow_extract(const void *data, size_t len, uint32_t in_port, struct flow *flow)
{
    const uint8_t *p = data;

    /* in_port and recirc_id in one 64-bit store: the caches read the key back as 64-bit words,
     * and a word assembled from narrower stores still in flight cannot be forwarded to the load
     * (a measured stall in the megaflow classifier's first word). */
    _Static_assert(offsetof(struct flow, in_port) == 0 && offsetof(struct flow, recirc_id) == 4,
                   "in_port and recirc_id share the key's first word");
    uint64_t w0 = (uint64_t) in_port << (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? 32 : 0);
#ifdef __SSE2__
    /* 16-byte stores: GCC turns the memset below into 'rep stos', whose start-up cost was
     * measured at two thirds of this function's cycles. */
    _Static_assert((sizeof(struct flow) - 8) % 16 == 0, "the clearing below covers struct flow");
    memcpy(flow, &w0, sizeof w0);
    __m128i zero = _mm_setzero_si128();
    for (size_t i = 0; i < (sizeof(struct flow) - 8) / 16; i++) {
        __asm__("" : "+x"(zero));     /* Opaque: keeps GCC from making this a memset again. */
        _mm_storeu_si128((__m128i *) ((uint8_t *) flow + 8 + 16 * i), zero);
    }
#else
    memcpy(flow, &w0, sizeof w0);
    memset((uint8_t *) flow + sizeof w0, 0, sizeof *flow - sizeof w0);
#endif

    if (unlikely(len < ETH_HEADER_LEN)) {
        if (len >= ETH_ADDR_LEN) {
            memcpy(flow->dl_dst.ea, p, ETH_ADDR_LEN);
        }
        if (len >= 2 * ETH_ADDR_LEN) {
            memcpy(flow->dl_src.ea, p + ETH_ADDR_LEN, ETH_ADDR_LEN);
        }
        return FLOW_F_TRUNCATED;
    }
    /* Both addresses in two stores (8 + 4 bytes: dl_dst and dl_src are adjacent in the key as in
     * the frame) instead of four: fewer narrow stores for the 64-bit reads that follow. */
    _Static_assert(offsetof(struct flow, dl_src) == offsetof(struct flow, dl_dst) + ETH_ADDR_LEN,
                   "dl_dst and dl_src are adjacent");
    uint64_t macs_lo;
    uint32_t macs_hi;
    memcpy(&macs_lo, p, sizeof macs_lo);
    memcpy(&macs_hi, p + sizeof macs_lo, sizeof macs_hi);
    uint8_t *macs = (uint8_t *) flow + offsetof(struct flow, dl_dst);
    memcpy(macs, &macs_lo, sizeof macs_lo);
    memcpy(macs + sizeof macs_lo, &macs_hi, sizeof macs_hi);

    uint16_t type_be = get_be16(p + 12);
    p += ETH_HEADER_LEN;
    len -= ETH_HEADER_LEN;

    /* 802.1Q / 802.1ad: the outermost TCI is the key's, inner tags are skipped. */
    if (unlikely(type_be == htons(ETH_TYPE_VLAN_8021Q) || type_be == htons(ETH_TYPE_VLAN_8021AD))) {
        bool outer = true;
        do {
            if (len < VLAN_HEADER_LEN) {
                return FLOW_F_TRUNCATED;
            }
            if (outer) {
                flow->vlan_tci_be = get_be16(p) | htons(VLAN_CFI);
                outer = false;
            }
            type_be = get_be16(p + 2);
            p += VLAN_HEADER_LEN;
            len -= VLAN_HEADER_LEN;
        } while (type_be == htons(ETH_TYPE_VLAN_8021Q) || type_be == htons(ETH_TYPE_VLAN_8021AD));
    }

    /* 802.3 length field: LLC/SNAP with OUI 0 carries an Ethertype (RFC 1042), else "none". */
    if (unlikely(ntohs(type_be) < ETH_TYPE_MIN)) {
        if (len >= LLC_SNAP_HEADER_LEN && p[0] == 0xaa && p[1] == 0xaa && p[2] == 0x03
            && p[3] == 0 && p[4] == 0 && p[5] == 0 && ntohs(get_be16(p + 6)) >= ETH_TYPE_MIN) {
            type_be = get_be16(p + 6);
            p += LLC_SNAP_HEADER_LEN;
            len -= LLC_SNAP_HEADER_LEN;
        } else {
            flow->dl_type_be = htons(FLOW_DL_TYPE_NONE);
            return 0;
        }
    }
    flow->dl_type_be = type_be;

    if (likely(type_be == htons(ETH_TYPE_IP))) {
        return parse_ipv4(p, len, flow);
    } else if (type_be == htons(ETH_TYPE_IPV6)) {
        return parse_ipv6(p, len, flow);
    } else if (type_be == htons(ETH_TYPE_ARP)) {
        return parse_arp(p, len, flow);
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* Masks and hashes.                                                                               */

void
flow_apply_mask(struct flow *dst, const struct flow *src, const struct flow *mask)
{
    uint64_t *d = (uint64_t *) dst;
    const uint64_t *s = flow_u64(src);
    const uint64_t *m = flow_u64(mask);
    for (size_t i = 0; i < FLOW_U64S; i++) {
        d[i] = s[i] & m[i];
    }
}

bool
flow_equal_masked(const struct flow *a, const struct flow *b, const struct flow *mask)
{
    const uint64_t *x = flow_u64(a), *y = flow_u64(b), *m = flow_u64(mask);
    uint64_t diff = 0;
    for (size_t i = 0; i < FLOW_U64S; i++) {
        diff |= (x[i] ^ y[i]) & m[i];
    }
    return !diff;
}

/* A murmur-style word hash (our own formulation of the well-known construction). Each 64-bit word is
 * multiplied by an odd constant and folded into one of four independent lanes with a rotate and a
 * multiply-add; the lanes let the multiplies overlap (one multiply per word: ~28 cycles for the
 * 17-word key on a Zen 4, half of the two-multiply murmur3 step). The lanes are then folded together
 * and go through murmur3's 64-bit finalizer so every input bit reaches the 32 output bits (measured
 * avalanche 0.48..0.52 for every key bit). */
#define HASH_C1 0x87c37b91114253d5ULL
#define HASH_LANES 4

static inline uint64_t
rotl64(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

static inline uint64_t
hash_add64(uint64_t h, uint64_t w)
{
    h ^= w * HASH_C1;
    h = rotl64(h, 27);
    return h * 5 + 0x52dce729;
}

static inline uint32_t
hash_finish64(const uint64_t lane[HASH_LANES])
{
    uint64_t h = lane[0];
    for (int i = 1; i < HASH_LANES; i++) {
        h = hash_add64(h, lane[i]);
    }
    h ^= sizeof(struct flow);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return (uint32_t) h;
}

static inline void
hash_start(uint64_t lane[HASH_LANES], uint32_t basis)
{
    for (int i = 0; i < HASH_LANES; i++) {
        lane[i] = basis + (uint64_t) i * 0x9e3779b97f4a7c15ULL;
    }
}

/* The lane loop, shared by the three hash functions: WORD(i) yields the i-th (masked) word. */
#define HASH_WORDS(LANE, WORD)                                                  \
    do {                                                                        \
        size_t i_ = 0;                                                          \
        for (; i_ + HASH_LANES <= FLOW_U64S; i_ += HASH_LANES) {                \
            LANE[0] = hash_add64(LANE[0], WORD(i_));                            \
            LANE[1] = hash_add64(LANE[1], WORD(i_ + 1));                        \
            LANE[2] = hash_add64(LANE[2], WORD(i_ + 2));                        \
            LANE[3] = hash_add64(LANE[3], WORD(i_ + 3));                        \
        }                                                                       \
        for (; i_ < FLOW_U64S; i_++) {                                          \
            LANE[i_ % HASH_LANES] = hash_add64(LANE[i_ % HASH_LANES], WORD(i_)); \
        }                                                                       \
    } while (0)

uint32_t
flow_hash(const struct flow *flow, uint32_t basis)
{
    const uint64_t *w = flow_u64(flow);
    uint64_t lane[HASH_LANES];
    hash_start(lane, basis);
#define WORD_(I) w[I]
    HASH_WORDS(lane, WORD_);
#undef WORD_
    return hash_finish64(lane);
}

uint32_t
flow_hash_masked(const struct flow *flow, const struct flow *mask, uint32_t basis)
{
    const uint64_t *w = flow_u64(flow), *m = flow_u64(mask);
    uint64_t lane[HASH_LANES];
    hash_start(lane, basis);
#define WORD_(I) (w[I] & m[I])
    HASH_WORDS(lane, WORD_);
#undef WORD_
    return hash_finish64(lane);
}

uint32_t
flow_mask_and_hash(struct flow *dst, const struct flow *src, const struct flow *mask,
                   uint32_t basis)
{
    uint64_t *d = (uint64_t *) dst;
    const uint64_t *s = flow_u64(src), *m = flow_u64(mask);
    uint64_t lane[HASH_LANES];
    hash_start(lane, basis);
#define WORD_(I) (d[I] = s[I] & m[I])
    HASH_WORDS(lane, WORD_);
#undef WORD_
    return hash_finish64(lane);
}

void
flow_wildcards_init_exact(struct flow *mask)
{
    memset(mask, 0xff, sizeof *mask);
}

void
flow_wildcards_init_catchall(struct flow *mask)
{
    memset(mask, 0, sizeof *mask);
}

bool
flow_wildcards_is_catchall(const struct flow *mask)
{
    const uint64_t *m = flow_u64(mask);
    uint64_t any = 0;
    for (size_t i = 0; i < FLOW_U64S; i++) {
        any |= m[i];
    }
    return !any;
}

void
flow_wildcards_or(struct flow *dst, const struct flow *src)
{
    uint64_t *d = (uint64_t *) dst;
    const uint64_t *s = flow_u64(src);
    for (size_t i = 0; i < FLOW_U64S; i++) {
        d[i] |= s[i];
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* flow_to_string.                                                                                 */

static bool
is_zero(const void *p_, size_t n)
{
    const uint8_t *p = p_;
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

static bool
is_ones(const void *p_, size_t n)
{
    const uint8_t *p = p_;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0xff) {
            return false;
        }
    }
    return true;
}

/* Number of leading one bits if the N-byte MASK is a CIDR prefix, else -1. */
static int
prefix_len(const uint8_t *mask, size_t n)
{
    int bits = 0;
    size_t i = 0;
    for (; i < n && mask[i] == 0xff; i++) {
        bits += 8;
    }
    if (i < n) {
        uint8_t b = mask[i];
        while (b & 0x80) {
            bits++;
            b <<= 1;
        }
        if (b) {
            return -1;
        }
        for (i++; i < n; i++) {
            if (mask[i]) {
                return -1;
            }
        }
    }
    return bits;
}

/* Output state: the stream and the mask (NULL = exact). */
struct fmt {
    FILE *s;
    const struct flow *mask;
    bool first;
};

static void
fmt_name(struct fmt *f, const char *name)
{
    fprintf(f->s, "%s%s=", f->first ? "" : ",", name);
    f->first = false;
}

/* Whether the N-byte field at OFFSET is printed: significant in the mask, or (exact) relevant. */
static bool
fmt_wanted(const struct fmt *f, size_t offset, size_t n, bool relevant)
{
    if (!f->mask) {
        return relevant;
    }
    return !is_zero((const uint8_t *) f->mask + offset, n);
}

static const uint8_t *
mask_bytes(const struct fmt *f, size_t offset)
{
    return f->mask ? (const uint8_t *) f->mask + offset : NULL;
}

static void
fmt_uint(struct fmt *f, const char *name, uint64_t value, uint64_t mask, uint64_t full, bool hex)
{
    fmt_name(f, name);
    /* Like ovs-ofctl: a partially masked value is printed in hex, as its mask is. */
    fprintf(f->s, hex || mask != full ? "0x%"PRIx64 : "%"PRIu64, value & mask);
    if (mask != full) {
        fprintf(f->s, "/0x%"PRIx64, mask);
    }
}

static void
fmt_mac(struct fmt *f, const char *name, const struct eth_addr *ea, const uint8_t *mask)
{
    fmt_name(f, name);
    uint8_t v[ETH_ADDR_LEN];
    for (int i = 0; i < ETH_ADDR_LEN; i++) {
        v[i] = ea->ea[i] & (mask ? mask[i] : 0xff);
    }
    fprintf(f->s, "%02x:%02x:%02x:%02x:%02x:%02x", v[0], v[1], v[2], v[3], v[4], v[5]);
    if (mask && !is_ones(mask, ETH_ADDR_LEN)) {
        fprintf(f->s, "/%02x:%02x:%02x:%02x:%02x:%02x",
                mask[0], mask[1], mask[2], mask[3], mask[4], mask[5]);
    }
}

static void
fmt_ipv4(struct fmt *f, const char *name, uint32_t addr_be, const uint8_t *mask)
{
    uint32_t m_be = 0xffffffff;
    if (mask) {
        memcpy(&m_be, mask, 4);
    }
    char buf[INET_ADDRSTRLEN];
    uint32_t v = addr_be & m_be;
    fmt_name(f, name);
    fputs(inet_ntop(AF_INET, &v, buf, sizeof buf), f->s);
    if (m_be != 0xffffffff) {
        int plen = prefix_len((const uint8_t *) &m_be, 4);
        if (plen >= 0) {
            fprintf(f->s, "/%d", plen);
        } else {
            fprintf(f->s, "/%s", inet_ntop(AF_INET, &m_be, buf, sizeof buf));
        }
    }
}

static void
fmt_ipv6(struct fmt *f, const char *name, const uint8_t addr[16], const uint8_t *mask)
{
    uint8_t v[16];
    char buf[INET6_ADDRSTRLEN];
    for (int i = 0; i < 16; i++) {
        v[i] = addr[i] & (mask ? mask[i] : 0xff);
    }
    fmt_name(f, name);
    fputs(inet_ntop(AF_INET6, v, buf, sizeof buf), f->s);
    if (mask && !is_ones(mask, 16)) {
        int plen = prefix_len(mask, 16);
        if (plen >= 0) {
            fprintf(f->s, "/%d", plen);
        } else {
            fprintf(f->s, "/%s", inet_ntop(AF_INET6, mask, buf, sizeof buf));
        }
    }
}

#define FIELD(MEMBER) offsetof(struct flow, MEMBER), sizeof(((struct flow *) 0)->MEMBER)

/* Integer field helper: prints MEMBER (SIZE bytes, network order if BE) when wanted. */
static void
fmt_int_field(struct fmt *f, const char *name, const struct flow *flow, size_t offset,
              size_t size, bool be, bool relevant, bool hex)
{
    if (!fmt_wanted(f, offset, size, relevant)) {
        return;
    }
    const uint8_t *vp = (const uint8_t *) flow + offset;
    const uint8_t *mp = mask_bytes(f, offset);
    uint64_t v = 0, m = 0, full = size == 8 ? UINT64_MAX : (UINT64_C(1) << (size * 8)) - 1;
    switch (size) {
    case 1:
        v = *vp;
        m = mp ? *mp : full;
        break;
    case 2: {
        uint16_t x, y = 0xffff;
        memcpy(&x, vp, 2);
        if (mp) {
            memcpy(&y, mp, 2);
        }
        v = be ? ntohs(x) : x;
        m = be ? ntohs(y) : y;
        break;
    }
    case 4: {
        uint32_t x, y = 0xffffffff;
        memcpy(&x, vp, 4);
        if (mp) {
            memcpy(&y, mp, 4);
        }
        v = be ? ntohl(x) : x;
        m = be ? ntohl(y) : y;
        break;
    }
    case 8:
        memcpy(&v, vp, 8);
        m = full;
        if (mp) {
            memcpy(&m, mp, 8);
        }
        break;
    }
    fmt_uint(f, name, v, m, full, hex);
}

static const char *
frag_string(uint8_t value, uint8_t mask)
{
    value &= mask;
    switch (mask & (FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER)) {
    case FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER:
        return value == 0 ? "no" : value == FLOW_NW_FRAG_ANY ? "first" : "later";
    case FLOW_NW_FRAG_ANY:
        return value ? "yes" : "no";
    case FLOW_NW_FRAG_LATER:
        return value ? "later" : "not_later";
    default:
        return NULL;
    }
}

char *
flow_to_string(const struct flow *flow, const struct flow *mask)
{
    char *buf = NULL;
    size_t size = 0;
    struct fmt f = { .s = open_memstream(&buf, &size), .mask = mask, .first = true };
    if (!f.s) {
        return NULL;
    }

    uint16_t dl_type = ntohs(flow->dl_type_be);
    bool is_ip = dl_type == ETH_TYPE_IP, is_ipv6 = dl_type == ETH_TYPE_IPV6;
    bool is_arp = dl_type == ETH_TYPE_ARP;
    bool is_l3 = is_ip || is_ipv6;
    bool later = (flow->nw_frag & FLOW_NW_FRAG_LATER) != 0;
    uint8_t proto = flow->nw_proto;
    bool is_icmp = (is_ip && proto == IPPROTO_ICMP_) || (is_ipv6 && proto == IPPROTO_ICMPV6_);
    bool is_ports = is_l3 && !later
                    && (proto == IPPROTO_TCP_ || proto == IPPROTO_UDP_ || proto == IPPROTO_SCTP_);
    bool is_nd = is_ipv6 && proto == IPPROTO_ICMPV6_ && !later
                 && (ntohs(flow->tp_src_be) == ND_NEIGHBOR_SOLICIT
                     || ntohs(flow->tp_src_be) == ND_NEIGHBOR_ADVERT);

    /* recirc_id only when nonzero: the datapath matches it exactly in every megaflow. */
    if (flow->recirc_id) {
        fmt_int_field(&f, "recirc_id", flow, FIELD(recirc_id), false, true, true);
    }
    if (fmt_wanted(&f, FIELD(tun_id_be), flow->tun_id_be != 0)) {
        fmt_uint(&f, "tun_id", be64toh(flow->tun_id_be),
                 mask ? be64toh(mask->tun_id_be) : UINT64_MAX, UINT64_MAX, true);
    }
    if (fmt_wanted(&f, FIELD(tun_src_be), flow->tun_src_be != 0)) {
        fmt_ipv4(&f, "tun_src", flow->tun_src_be,
                 mask_bytes(&f, offsetof(struct flow, tun_src_be)));
    }
    if (fmt_wanted(&f, FIELD(tun_dst_be), flow->tun_dst_be != 0)) {
        fmt_ipv4(&f, "tun_dst", flow->tun_dst_be,
                 mask_bytes(&f, offsetof(struct flow, tun_dst_be)));
    }
    if (fmt_wanted(&f, FIELD(tun_ipv6_src), !is_zero(flow->tun_ipv6_src, 16))) {
        fmt_ipv6(&f, "tun_ipv6_src", flow->tun_ipv6_src,
                 mask_bytes(&f, offsetof(struct flow, tun_ipv6_src)));
    }
    if (fmt_wanted(&f, FIELD(tun_ipv6_dst), !is_zero(flow->tun_ipv6_dst, 16))) {
        fmt_ipv6(&f, "tun_ipv6_dst", flow->tun_ipv6_dst,
                 mask_bytes(&f, offsetof(struct flow, tun_ipv6_dst)));
    }
    fmt_int_field(&f, "in_port", flow, FIELD(in_port), false, true, false);
    fmt_int_field(&f, "metadata", flow, FIELD(metadata), false, flow->metadata != 0, true);
    static const char *const reg_names[4] = { "reg0", "reg1", "reg2", "reg3" };
    for (int i = 0; i < 4; i++) {
        fmt_int_field(&f, reg_names[i], flow, offsetof(struct flow, regs) + i * 4, 4, false,
                      flow->regs[i] != 0, true);
    }
    if (fmt_wanted(&f, FIELD(dl_src), true)) {
        fmt_mac(&f, "dl_src", &flow->dl_src, mask_bytes(&f, offsetof(struct flow, dl_src)));
    }
    if (fmt_wanted(&f, FIELD(dl_dst), true)) {
        fmt_mac(&f, "dl_dst", &flow->dl_dst, mask_bytes(&f, offsetof(struct flow, dl_dst)));
    }
    fmt_int_field(&f, "vlan_tci", flow, FIELD(vlan_tci_be), true, flow->vlan_tci_be != 0, true);
    if (fmt_wanted(&f, FIELD(dl_type_be), true)) {
        /* Ethertypes read best as 4 hex digits. */
        uint16_t m = mask ? ntohs(mask->dl_type_be) : 0xffff;
        fmt_name(&f, "dl_type");
        fprintf(f.s, "0x%04x", dl_type & m);
        if (m != 0xffff) {
            fprintf(f.s, "/0x%04x", m);
        }
    }

    if (fmt_wanted(&f, FIELD(nw_src_be), is_ip || is_arp)) {
        fmt_ipv4(&f, is_arp ? "arp_spa" : "nw_src", flow->nw_src_be,
                 mask_bytes(&f, offsetof(struct flow, nw_src_be)));
    }
    if (fmt_wanted(&f, FIELD(nw_dst_be), is_ip || is_arp)) {
        fmt_ipv4(&f, is_arp ? "arp_tpa" : "nw_dst", flow->nw_dst_be,
                 mask_bytes(&f, offsetof(struct flow, nw_dst_be)));
    }
    if (fmt_wanted(&f, FIELD(ipv6_src), is_ipv6)) {
        fmt_ipv6(&f, "ipv6_src", flow->ipv6_src, mask_bytes(&f, offsetof(struct flow, ipv6_src)));
    }
    if (fmt_wanted(&f, FIELD(ipv6_dst), is_ipv6)) {
        fmt_ipv6(&f, "ipv6_dst", flow->ipv6_dst, mask_bytes(&f, offsetof(struct flow, ipv6_dst)));
    }
    fmt_int_field(&f, "ipv6_label", flow, FIELD(ipv6_label_be), true, is_ipv6, true);
    fmt_int_field(&f, is_arp ? "arp_op" : "nw_proto", flow, FIELD(nw_proto), false,
                  is_l3 || is_arp, false);
    /* OpenFlow splits the ToS byte: nw_tos is the DSCP bits in place, nw_ecn the low 2 bits. */
    uint8_t tos_m = mask ? mask->nw_tos : 0xff;
    if (mask ? (tos_m & 0xfc) != 0 : is_l3) {
        fmt_uint(&f, "nw_tos", flow->nw_tos & 0xfc, tos_m & 0xfc, 0xfc, false);
    }
    if (mask ? (tos_m & 0x03) != 0 : is_l3) {
        fmt_uint(&f, "nw_ecn", flow->nw_tos & 0x03, tos_m & 0x03, 0x03, false);
    }
    fmt_int_field(&f, "nw_ttl", flow, FIELD(nw_ttl), false, is_l3, false);
    if (fmt_wanted(&f, FIELD(nw_frag), is_l3)) {
        uint8_t m = mask ? mask->nw_frag : 0xff;
        const char *s = frag_string(flow->nw_frag, m);
        fmt_name(&f, "nw_frag");
        if (s) {
            fputs(s, f.s);
        } else {
            fprintf(f.s, "%#x/%#x", flow->nw_frag & m, m);
        }
    }
    fmt_int_field(&f, is_icmp ? "icmp_type" : "tp_src", flow, FIELD(tp_src_be), true,
                  is_ports || (is_icmp && !later), false);
    fmt_int_field(&f, is_icmp ? "icmp_code" : "tp_dst", flow, FIELD(tp_dst_be), true,
                  is_ports || (is_icmp && !later), false);
    fmt_int_field(&f, "tcp_flags", flow, FIELD(tcp_flags_be), true,
                  is_l3 && !later && proto == IPPROTO_TCP_, true);
    if (fmt_wanted(&f, FIELD(nd_target), is_nd)) {
        fmt_ipv6(&f, "nd_target", flow->nd_target,
                 mask_bytes(&f, offsetof(struct flow, nd_target)));
    }
    if (fmt_wanted(&f, FIELD(arp_sha), is_arp || is_nd)) {
        fmt_mac(&f, is_arp ? "arp_sha" : "nd_sll", &flow->arp_sha,
                mask_bytes(&f, offsetof(struct flow, arp_sha)));
    }
    if (fmt_wanted(&f, FIELD(arp_tha), is_arp || is_nd)) {
        fmt_mac(&f, is_arp ? "arp_tha" : "nd_tll", &flow->arp_tha,
                mask_bytes(&f, offsetof(struct flow, arp_tha)));
    }

    if (fclose(f.s)) {
        free(buf);
        return NULL;
    }
    return buf;
}
