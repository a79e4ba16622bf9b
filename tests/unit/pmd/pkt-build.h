/*
 * pkt-build — tiny helpers for hand-building packets in the pmd unit tests.
 *
 * A struct pkt is a fixed buffer plus a length; each pkt_put_* appends one header in wire format
 * (multi-byte arguments in host order) and returns the offset at which it was written, so tests can
 * patch fields afterwards (e.g. set IPv4 total length once the payload is known).
 */
#ifndef UVS_TEST_PKT_BUILD_H
#define UVS_TEST_PKT_BUILD_H 1

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct pkt {
    uint8_t data[512];
    size_t len;
};

static inline size_t
pkt_put(struct pkt *p, const void *bytes, size_t n)
{
    size_t ofs = p->len;
    memcpy(p->data + p->len, bytes, n);
    p->len += n;
    return ofs;
}

static inline size_t
pkt_put_u8(struct pkt *p, uint8_t v)
{
    return pkt_put(p, &v, 1);
}

static inline size_t
pkt_put_be16(struct pkt *p, uint16_t v)
{
    v = htons(v);
    return pkt_put(p, &v, 2);
}

static inline size_t
pkt_put_be32(struct pkt *p, uint32_t v)
{
    v = htonl(v);
    return pkt_put(p, &v, 4);
}

static inline size_t
pkt_put_zeros(struct pkt *p, size_t n)
{
    size_t ofs = p->len;
    memset(p->data + p->len, 0, n);
    p->len += n;
    return ofs;
}

static inline void
pkt_set_be16(struct pkt *p, size_t ofs, uint16_t v)
{
    v = htons(v);
    memcpy(p->data + ofs, &v, 2);
}

static inline size_t
pkt_put_eth(struct pkt *p, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
    size_t ofs = pkt_put(p, dst, 6);
    pkt_put(p, src, 6);
    pkt_put_be16(p, type);
    return ofs;
}

/* A VLAN tag's TCI and the Ethertype that follows it (the TPID was written by the previous header). */
static inline size_t
pkt_put_vlan(struct pkt *p, uint16_t tci, uint16_t next_type)
{
    size_t ofs = pkt_put_be16(p, tci);
    pkt_put_be16(p, next_type);
    return ofs;
}

/* IPv4 header without options; total length = 20 + PAYLOAD_LEN; checksum left 0 (not parsed). */
static inline size_t
pkt_put_ipv4(struct pkt *p, uint8_t tos, uint16_t payload_len, uint16_t frag, uint8_t ttl,
             uint8_t proto, uint32_t src, uint32_t dst)
{
    size_t ofs = pkt_put_u8(p, 0x45);
    pkt_put_u8(p, tos);
    pkt_put_be16(p, 20 + payload_len);
    pkt_put_be16(p, 0x1234);           /* id */
    pkt_put_be16(p, frag);
    pkt_put_u8(p, ttl);
    pkt_put_u8(p, proto);
    pkt_put_be16(p, 0);
    pkt_put_be32(p, src);
    pkt_put_be32(p, dst);
    return ofs;
}

static inline size_t
pkt_put_ipv6(struct pkt *p, uint8_t tclass, uint32_t label, uint16_t payload_len, uint8_t nh,
             uint8_t hlim, const uint8_t src[16], const uint8_t dst[16])
{
    size_t ofs = pkt_put_be32(p, (6u << 28) | ((uint32_t) tclass << 20) | (label & 0xfffff));
    pkt_put_be16(p, payload_len);
    pkt_put_u8(p, nh);
    pkt_put_u8(p, hlim);
    pkt_put(p, src, 16);
    pkt_put(p, dst, 16);
    return ofs;
}

static inline size_t
pkt_put_udp(struct pkt *p, uint16_t sport, uint16_t dport, uint16_t payload_len)
{
    size_t ofs = pkt_put_be16(p, sport);
    pkt_put_be16(p, dport);
    pkt_put_be16(p, 8 + payload_len);
    pkt_put_be16(p, 0);
    return ofs;
}

/* TCP header with DOFF_WORDS 32-bit words (options zero-filled). */
static inline size_t
pkt_put_tcp(struct pkt *p, uint16_t sport, uint16_t dport, uint16_t flags, unsigned doff_words)
{
    size_t ofs = pkt_put_be16(p, sport);
    pkt_put_be16(p, dport);
    pkt_put_be32(p, 1000);             /* seq */
    pkt_put_be32(p, 0);                /* ack */
    pkt_put_be16(p, (uint16_t) (doff_words << 12) | (flags & 0x0fff));
    pkt_put_be16(p, 65535);            /* window */
    pkt_put_be16(p, 0);                /* checksum */
    pkt_put_be16(p, 0);                /* urgent */
    if (doff_words > 5) {
        pkt_put_zeros(p, (doff_words - 5) * 4);
    }
    return ofs;
}

#endif
