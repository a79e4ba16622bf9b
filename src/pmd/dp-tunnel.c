/* dp-tunnel — tunnel header build, push and pop, interned headers and tunnel vports. See
 * pmd/dp-tunnel.h. */
#include "pmd/dp-tunnel.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "lib/util.h"
#include "pmd/dpif-netdev-private.h"

#define ETH_HLEN_ 14
#define IPV4_HLEN_ 20
#define IPV6_HLEN_ 40
#define UDP_HLEN_ 8
#define VXLAN_HLEN_ 8
#define GENEVE_HLEN_ 8
#define IPPROTO_UDP_ 17
#define IPPROTO_GRE_ 47
#define ETH_TYPE_TEB 0x6558          /* Transparent Ethernet Bridging (GRE, Geneve). */
#define GRE_F_CSUM 0x8000
#define GRE_F_KEY 0x2000
#define GRE_F_SEQ 0x1000
#define VXLAN_F_VNI 0x08000000       /* The "I" flag (RFC 7348 §5). */

static inline void
wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t) (v >> 8);
    p[1] = (uint8_t) v;
}

static inline void
wr32(uint8_t *p, uint32_t v)
{
    wr16(p, (uint16_t) (v >> 16));
    wr16(p + 2, (uint16_t) v);
}

static inline uint16_t
rd16(const uint8_t *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}

static inline uint32_t
rd32(const uint8_t *p)
{
    return (uint32_t) rd16(p) << 16 | rd16(p + 2);
}

/* ---- Header build. ---- */

int
dp_tnl_header_build(const struct dp_tnl_header_cfg *cfg, struct dp_tnl_header *h)
{
    uint8_t *d = h->data;
    size_t off;

    memset(h, 0, sizeof *h);
    memcpy(d, cfg->eth_dst.ea, 6);
    memcpy(d + 6, cfg->eth_src.ea, 6);
    off = ETH_HLEN_;
    if (cfg->ipv6) {
        /* IPv6 (RFC 8200): the payload length is filled per packet. */
        wr16(d + 12, 0x86dd);
        wr32(d + off, 0x60000000 | (uint32_t) cfg->tos << 20);
        d[off + 6] = cfg->type == DP_TNL_GRE ? IPPROTO_GRE_ : IPPROTO_UDP_;
        d[off + 7] = cfg->ttl ? cfg->ttl : 64;
        memcpy(d + off + 8, cfg->ip6_src, 16);
        memcpy(d + off + 24, cfg->ip6_dst, 16);
        off += IPV6_HLEN_;
        h->ipv6 = 1;
    } else {
        /* IPv4 (RFC 791): lengths, id and checksum are filled per packet. */
        wr16(d + 12, 0x0800);
        d[off] = 0x45;
        d[off + 1] = cfg->tos;
        wr16(d + off + 6, cfg->df ? 0x4000 : 0);
        d[off + 8] = cfg->ttl ? cfg->ttl : 64;
        d[off + 9] = cfg->type == DP_TNL_GRE ? IPPROTO_GRE_ : IPPROTO_UDP_;
        memcpy(d + off + 12, &cfg->ip_src_be, 4);
        memcpy(d + off + 16, &cfg->ip_dst_be, 4);
        off += IPV4_HLEN_;
    }
    h->l4_ofs = (uint8_t) off;
    h->csum = cfg->csum;

    switch (cfg->type) {
    case DP_TNL_VXLAN:
    case DP_TNL_GENEVE: {
        uint16_t port = cfg->dst_port ? cfg->dst_port
                        : cfg->type == DP_TNL_VXLAN ? DP_TNL_VXLAN_PORT : DP_TNL_GENEVE_PORT;
        wr16(d + off + 2, port);
        off += UDP_HLEN_;
        if (cfg->type == DP_TNL_VXLAN) {
            wr32(d + off, VXLAN_F_VNI);                         /* RFC 7348 §5. */
        } else {
            wr16(d + off, 0);                                   /* Ver 0, no options. */
            wr16(d + off + 2, ETH_TYPE_TEB);                    /* RFC 8926 §3.4. */
        }
        wr32(d + off + 4, (cfg->key & 0xffffff) << 8);
        off += 8;
        break;
    }
    case DP_TNL_GRE: {
        uint16_t flags = (cfg->csum ? GRE_F_CSUM : 0) | (cfg->has_key ? GRE_F_KEY : 0);
        wr16(d + off, flags);                                   /* RFC 2784 §2, RFC 2890. */
        wr16(d + off + 2, ETH_TYPE_TEB);
        off += 4;
        if (cfg->csum) {
            off += 4;                                           /* Checksum + reserved1. */
        }
        if (cfg->has_key) {
            wr32(d + off, cfg->key);
            off += 4;
        }
        break;
    }
    default:
        return -EINVAL;
    }
    h->type = (uint8_t) cfg->type;
    h->len = (uint8_t) off;
    return 0;
}

/* ---- Interned headers (never freed: ids stay valid in megaflows). ---- */

static pthread_mutex_t tnl_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct dp_tnl_header *headers[DP_TNL_MAX_HEADERS];    /* __atomic pointer loads. */
static uint32_t n_headers;

uint32_t
dp_tnl_header_intern(const struct dp_tnl_header *h)
{
    uint32_t id = UINT32_MAX;

    pthread_mutex_lock(&tnl_mutex);
    for (uint32_t i = 0; i < n_headers; i++) {
        if (!memcmp(headers[i], h, sizeof *h)) {
            id = i;
            goto out;
        }
    }
    if (n_headers < DP_TNL_MAX_HEADERS) {
        struct dp_tnl_header *copy = xmalloc(sizeof *copy);
        *copy = *h;
        __atomic_store_n(&headers[n_headers], copy, __ATOMIC_RELEASE);
        id = n_headers++;
    }
out:
    pthread_mutex_unlock(&tnl_mutex);
    return id;
}

const struct dp_tnl_header *
dp_tnl_header_get(uint32_t id)
{
    return id < DP_TNL_MAX_HEADERS ? __atomic_load_n(&headers[id], __ATOMIC_ACQUIRE) : NULL;
}

/* ---- Vports (their table; the functions are at the end). ---- */

_Static_assert(DP_TNL_PORT_BASE >= DP_MAX_PORTS, "vport numbers must follow the device ports");

static struct dp_port *vports[DP_TNL_MAX_VPORTS];          /* __atomic pointer loads. */
static enum dp_tnl_type vport_types[DP_TNL_MAX_VPORTS];   /* Written before the pointer. */

void
dp_tnl_header_format(struct ds *s, uint32_t id)
{
    const struct dp_tnl_header *h = dp_tnl_header_get(id);
    char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];

    if (!h) {
        ds_put_format(s, "tnl_push(header=%u)", id);
        return;
    }
    const uint8_t *d = h->data, *l4 = d + h->l4_ofs, *ip = d + ETH_HLEN_;
    inet_ntop(h->ipv6 ? AF_INET6 : AF_INET, ip + (h->ipv6 ? 8 : 12), src, sizeof src);
    inet_ntop(h->ipv6 ? AF_INET6 : AF_INET, ip + (h->ipv6 ? 24 : 16), dst, sizeof dst);
    ds_put_format(s, "tnl_push(%s(src=%s,dst=%s,tos=%#x,ttl=%u,", h->type == DP_TNL_VXLAN
                  ? "vxlan" : h->type == DP_TNL_GENEVE ? "geneve" : "gre", src, dst,
                  h->ipv6 ? (unsigned) (rd16(ip) >> 4) & 0xff : ip[1], h->ipv6 ? ip[7] : ip[8]);
    if (h->type == DP_TNL_GRE) {
        uint16_t flags = rd16(l4);
        if (flags & GRE_F_KEY) {
            ds_put_format(s, "key=%u,", rd32(l4 + 4 + (flags & GRE_F_CSUM ? 4 : 0)));
        }
    } else {
        ds_put_format(s, "dst_port=%u,vni=%u,", rd16(l4 + 2), rd32(l4 + UDP_HLEN_ + 4) >> 8);
    }
    if (h->csum) {
        ds_put_cstr(s, "csum,");
    }
    ds_chomp(s, ',');
    ds_put_format(s, "),eth(src=%02x:%02x:%02x:%02x:%02x:%02x,dst=%02x:%02x:%02x:%02x:%02x:%02x))",
                  d[6], d[7], d[8], d[9], d[10], d[11], d[0], d[1], d[2], d[3], d[4], d[5]);
}

/* ---- Push. ---- */

void
dp_tnl_fill(uint8_t *pkt, size_t payload_len, const struct dp_tnl_header *h, uint16_t src_port,
            uint16_t ip_id)
{
    struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *) (pkt + ETH_HLEN_);
    struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *) (pkt + ETH_HLEN_);
    size_t l4_len = h->len - h->l4_ofs + payload_len;
    uint8_t *l4 = pkt + h->l4_ofs;

    if (h->ipv6) {
        ip6->payload_len = rte_cpu_to_be_16((uint16_t) l4_len);
    } else {
        ip->total_length = rte_cpu_to_be_16((uint16_t) (IPV4_HLEN_ + l4_len));
        ip->packet_id = rte_cpu_to_be_16(ip_id);
        ip->hdr_checksum = 0;
        ip->hdr_checksum = rte_ipv4_cksum(ip);
    }
    if (h->type == DP_TNL_GRE) {
        if (h->csum) {
            l4[4] = l4[5] = 0;
            uint16_t c = (uint16_t) ~rte_raw_cksum(l4, l4_len);
            memcpy(l4 + 4, &c, 2);
        }
        return;
    }
    wr16(l4, src_port);
    wr16(l4 + 4, (uint16_t) l4_len);
    l4[6] = l4[7] = 0;
    if (h->ipv6) {
        uint16_t c = rte_ipv6_udptcp_cksum(ip6, l4);    /* Always over IPv6 (RFC 8200 §8.1). */
        memcpy(l4 + 6, &c, 2);
    } else if (h->csum) {
        uint16_t c = rte_ipv4_udptcp_cksum(ip, l4);     /* 0 is sent as 0xffff (RFC 768). */
        memcpy(l4 + 6, &c, 2);
    }
}

static __thread uint16_t next_ip_id;

int
dp_tnl_push(struct rte_mbuf *m, const struct dp_tnl_header *h)
{
    uint32_t inner_len = rte_pktmbuf_pkt_len(m);
    const uint8_t *inner = rte_pktmbuf_mtod(m, const uint8_t *);
    /* Entropy for the underlay (RFC 7348 §5): a hash of the inner addresses and ports. */
    uint32_t hash = rte_hash_crc(inner, RTE_MIN(m->data_len, 54u), 0);
    uint16_t src_port = (uint16_t) (32768 + hash % (61000 - 32768));
    uint8_t *d = (uint8_t *) rte_pktmbuf_prepend(m, h->len);

    if (!d) {
        return -ENOSPC;
    }
    memcpy(d, h->data, h->len);
    dp_tnl_fill(d, inner_len, h, src_port, next_ip_id++);
    return 0;
}

/* ---- Pop. ---- */

int
dp_tnl_parse(const uint8_t *d, size_t len, enum dp_tnl_type type, struct dp_tnl_md *md)
{
    memset(md, 0, sizeof *md);
    if (len < ETH_HLEN_ + IPV4_HLEN_) {
        return -EINVAL;
    }
    const uint8_t *ip = d + ETH_HLEN_;
    size_t ihl, tot;
    uint8_t proto;
    bool v6 = rd16(d + 12) == 0x86dd;
    if (v6) {
        /* IPv6 without extension headers (tunnels never send them). */
        ihl = IPV6_HLEN_;
        if (len < ETH_HLEN_ + IPV6_HLEN_ || (ip[0] >> 4) != 6) {
            return -EINVAL;
        }
        tot = IPV6_HLEN_ + rd16(ip + 4);
        proto = ip[6];
        if (ETH_HLEN_ + tot > len) {
            return -EINVAL;
        }
        memcpy(md->tun_ipv6_src, ip + 8, 16);
        memcpy(md->tun_ipv6_dst, ip + 24, 16);
    } else {
        ihl = (ip[0] & 0xf) * 4u;
        tot = rd16(ip + 2);
        proto = ip[9];
        if (rd16(d + 12) != 0x0800 || (ip[0] >> 4) != 4 || ihl < IPV4_HLEN_ || tot < ihl
            || ETH_HLEN_ + tot > len
            || (rd16(ip + 6) & 0x3fff)                          /* A fragment. */
            || rte_raw_cksum(ip, ihl) != 0xffff) {
            return -EINVAL;
        }
        memcpy(&md->tun_src_be, ip + 12, 4);
        memcpy(&md->tun_dst_be, ip + 16, 4);
    }
    md->ip_len = (uint32_t) (ETH_HLEN_ + tot);
    const uint8_t *l4 = ip + ihl;
    size_t l4_len = tot - ihl;
    size_t hlen;

    if (type != DP_TNL_GRE && proto == IPPROTO_UDP_) {
        if (l4_len < UDP_HLEN_ + 8 || rd16(l4 + 4) < UDP_HLEN_ + 8 || rd16(l4 + 4) > l4_len) {
            return -EINVAL;
        }
        if (l4[6] || l4[7]) {
            /* The sum over the pseudo-header and the datagram, checksum included, is all ones. */
            uint32_t sum = v6 ? rte_ipv6_phdr_cksum((const struct rte_ipv6_hdr *) ip, 0)
                              : rte_ipv4_phdr_cksum((const struct rte_ipv4_hdr *) ip, 0);
            sum += rte_raw_cksum(l4, rd16(l4 + 4));
            sum = (sum & 0xffff) + (sum >> 16);
            sum = (sum & 0xffff) + (sum >> 16);
            if (sum != 0xffff) {
                return -EINVAL;
            }
        }
        const uint8_t *t = l4 + UDP_HLEN_;
        md->udp_dst = rd16(l4 + 2);
        if (type == DP_TNL_GENEVE) {
            /* Geneve: version 0, protocol TEB; options are skipped (not matchable yet). */
            size_t opt_len = (t[0] & 0x3f) * 4u;
            if ((t[0] >> 6) != 0 || rd16(t + 2) != ETH_TYPE_TEB
                || UDP_HLEN_ + GENEVE_HLEN_ + opt_len > l4_len) {
                return -EINVAL;
            }
            md->type = DP_TNL_GENEVE;
            hlen = UDP_HLEN_ + GENEVE_HLEN_ + opt_len;
        } else {
            if (!(rd32(t) & VXLAN_F_VNI)) {
                return -EINVAL;                                 /* RFC 7348 §5: I flag. */
            }
            md->type = DP_TNL_VXLAN;
            hlen = UDP_HLEN_ + VXLAN_HLEN_;
        }
        md->tun_id_be = rte_cpu_to_be_64(rd32(t + 4) >> 8);
    } else if (type == DP_TNL_GRE && proto == IPPROTO_GRE_) {
        if (l4_len < 4) {
            return -EINVAL;
        }
        uint16_t flags = rd16(l4);
        if ((flags & 0x7) || (flags & ~(GRE_F_CSUM | GRE_F_KEY | GRE_F_SEQ) & 0xfff8)
            || rd16(l4 + 2) != ETH_TYPE_TEB) {
            return -EINVAL;             /* Version 0, no routing, bridged Ethernet only. */
        }
        hlen = 4;
        if (flags & GRE_F_CSUM) {
            if (l4_len < hlen + 4 || rte_raw_cksum(l4, l4_len) != 0xffff) {
                return -EINVAL;
            }
            hlen += 4;
        }
        if (flags & GRE_F_KEY) {
            if (l4_len < hlen + 4) {
                return -EINVAL;
            }
            md->tun_id_be = rte_cpu_to_be_64(rd32(l4 + hlen));
            hlen += 4;
        }
        if (flags & GRE_F_SEQ) {
            hlen += 4;
        }
        md->type = DP_TNL_GRE;
    } else {
        return -EINVAL;
    }
    if (hlen + ETH_HLEN_ > l4_len) {
        return -EINVAL;                 /* No room for the inner Ethernet header. */
    }
    return (int) (ETH_HLEN_ + ihl + hlen);
}

int
dp_tnl_pop(struct rte_mbuf *m, uint32_t vport, struct dp_tnl_md *md)
{
    const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
    uint32_t i = vport - DP_TNL_PORT_BASE;
    if (vport < DP_TNL_PORT_BASE || i >= DP_TNL_MAX_VPORTS) {
        return -EINVAL;
    }
    int hlen = dp_tnl_parse(d, m->data_len, vport_types[i], md);

    if (hlen < 0) {
        return hlen;
    }
    /* Drop the outer headers and any Ethernet padding after the IP packet. */
    if (md->ip_len < rte_pktmbuf_pkt_len(m)) {
        rte_pktmbuf_trim(m, (uint16_t) (rte_pktmbuf_pkt_len(m) - md->ip_len));
    }
    rte_pktmbuf_adj(m, (uint16_t) hlen);
    return 0;
}

/* ---- Vports. ---- */

int
dp_tnl_vport_add(const char *name, enum dp_tnl_type type, void *aux, uint32_t *dp_portp)
{
    for (uint32_t i = 0; i < DP_TNL_MAX_VPORTS; i++) {
        if (vports[i] && !strcmp(vports[i]->name, name)) {
            *dp_portp = DP_TNL_PORT_BASE + i;
            return 0;
        }
    }
    for (uint32_t i = 0; i < DP_TNL_MAX_VPORTS; i++) {
        if (!vports[i]) {
            struct dp_port *p = xzalloc(sizeof *p);
            p->dp_port = DP_TNL_PORT_BASE + i;
            p->name = xstrdup(name);
            p->aux = aux;
            p->link_up = true;
            vport_types[i] = type;
            __atomic_store_n(&vports[i], p, __ATOMIC_RELEASE);
            *dp_portp = p->dp_port;
            return 0;
        }
    }
    return -ENOSPC;
}

struct dp_port *
dp_tnl_vport_get(uint32_t dp_port)
{
    uint32_t i = dp_port - DP_TNL_PORT_BASE;
    return dp_port >= DP_TNL_PORT_BASE && i < DP_TNL_MAX_VPORTS
           ? __atomic_load_n(&vports[i], __ATOMIC_ACQUIRE) : NULL;
}
