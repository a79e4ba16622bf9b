/*
 * ofp-util — the functions of ofp-types.h (matches, action lists, flow-mods) and the OpenFlow 1.3
 * encoding of matches (OXM, OpenFlow 1.3.5 §7.2.3) and instructions (§7.2.4, §7.2.5) declared in
 * ofp-msgs.h.
 *
 * The OXM codec is table driven: each field knows how to read its wire bytes out of a struct flow
 * (used for both the value and the mask, which is also a struct flow) and write them back, its
 * width in bits, whether it may be masked and its prerequisite. Encoding walks the table in OXM
 * number order, which puts every prerequisite before the fields that need it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-types.h"

/* ---------------------------------------------------------------------------------------------
 * Matches.
 * ------------------------------------------------------------------------------------------- */

void
match_init_catchall(struct match *m)
{
    memset(m, 0, sizeof *m);
}

void
match_normalize(struct match *m)
{
    uint64_t *v = (uint64_t *) &m->flow;
    const uint64_t *w = (const uint64_t *) &m->wc;

    for (size_t i = 0; i < FLOW_U64S; i++) {
        v[i] &= w[i];
    }
}

bool
match_matches_flow(const struct match *m, const struct flow *flow)
{
    const uint64_t *v = flow_u64(&m->flow);
    const uint64_t *w = flow_u64(&m->wc);
    const uint64_t *f = flow_u64(flow);

    for (size_t i = 0; i < FLOW_U64S; i++) {
        if ((f[i] & w[i]) != (v[i] & w[i])) {
            return false;
        }
    }
    return true;
}

bool
match_equal(const struct match *a, const struct match *b)
{
    const uint64_t *av = flow_u64(&a->flow), *aw = flow_u64(&a->wc);
    const uint64_t *bv = flow_u64(&b->flow), *bw = flow_u64(&b->wc);

    for (size_t i = 0; i < FLOW_U64S; i++) {
        if (aw[i] != bw[i] || (av[i] & aw[i]) != (bv[i] & bw[i])) {
            return false;
        }
    }
    return true;
}

/* ---------------------------------------------------------------------------------------------
 * Action lists.
 * ------------------------------------------------------------------------------------------- */

void
ofpacts_init(struct ofpacts *a)
{
    a->n = 0;
    a->acts = NULL;
}

void
ofpacts_add_output(struct ofpacts *a, uint32_t port, uint16_t max_len)
{
    a->acts = xrealloc(a->acts, (a->n + 1) * sizeof *a->acts);
    a->acts[a->n++] = (struct ofpact) {
        .type = OFPACT_OUTPUT,
        .port = port,
        .max_len = port == OFPP_CONTROLLER ? max_len : 0,
    };
}

void
ofpacts_copy(struct ofpacts *dst, const struct ofpacts *src)
{
    dst->n = src->n;
    dst->acts = NULL;
    if (src->n) {
        dst->acts = xmalloc(src->n * sizeof *dst->acts);
        memcpy(dst->acts, src->acts, src->n * sizeof *dst->acts);
    }
}

bool
ofpacts_equal(const struct ofpacts *a, const struct ofpacts *b)
{
    if (a->n != b->n) {
        return false;
    }
    for (size_t i = 0; i < a->n; i++) {
        if (a->acts[i].type != b->acts[i].type || a->acts[i].port != b->acts[i].port
            || a->acts[i].max_len != b->acts[i].max_len) {
            return false;
        }
    }
    return true;
}

bool
ofpacts_output_to_port(const struct ofpacts *a, uint32_t port)
{
    for (size_t i = 0; i < a->n; i++) {
        if (a->acts[i].type == OFPACT_OUTPUT && a->acts[i].port == port) {
            return true;
        }
    }
    return false;
}

void
ofpacts_destroy(struct ofpacts *a)
{
    free(a->acts);
    a->acts = NULL;
    a->n = 0;
}

/* ---------------------------------------------------------------------------------------------
 * Flow-mods.
 * ------------------------------------------------------------------------------------------- */

void
ofp_flow_mod_init(struct ofp_flow_mod *fm)
{
    memset(fm, 0, sizeof *fm);
    fm->command = OFPFC_ADD;
    fm->priority = OFP_DEFAULT_PRIORITY;
    fm->buffer_id = OFP_NO_BUFFER;
    fm->out_port = OFPP_ANY;
    fm->out_group = OFPG_ANY;
    match_init_catchall(&fm->match);
    ofpacts_init(&fm->ofpacts);
}

void
ofp_flow_mod_destroy(struct ofp_flow_mod *fm)
{
    ofpacts_destroy(&fm->ofpacts);
}

/* ---------------------------------------------------------------------------------------------
 * OXM fields (OpenFlow 1.3.5 §7.2.3.7, Table 12).
 * ------------------------------------------------------------------------------------------- */

#define OFPXMC_NXM_1 0x0001
#define OFPXMC_OPENFLOW_BASIC 0x8000
#define OFPMT_OXM 1

/* Prerequisites (OpenFlow 1.3.5 §7.2.3.8). */
enum oxm_prereq {
    PRQ_NONE,
    PRQ_VLAN,          /* VLAN_VID != NONE */
    PRQ_IP_ANY,        /* ETH_TYPE 0x0800 or 0x86dd */
    PRQ_IPV4,
    PRQ_IPV6,
    PRQ_ARP,
    PRQ_TCP,           /* IP_ANY and IP_PROTO 6 */
    PRQ_UDP,
    PRQ_SCTP,
    PRQ_ICMPV4,        /* IPV4 and IP_PROTO 1 */
    PRQ_ICMPV6,        /* IPV6 and IP_PROTO 58 */
    PRQ_ND,            /* ICMPV6 and ICMPV6_TYPE 135 or 136 */
    PRQ_ND_SLL,        /* ICMPV6_TYPE 135 */
    PRQ_ND_TLL,        /* ICMPV6_TYPE 136 */
};

/* Internal field ids: the OXM_OF_* numbers, and NX_IP_TTL after them. */
enum oxm_id {
    OXM_IN_PORT = 0, OXM_IN_PHY_PORT = 1, OXM_METADATA = 2, OXM_ETH_DST = 3, OXM_ETH_SRC = 4,
    OXM_ETH_TYPE = 5, OXM_VLAN_VID = 6, OXM_VLAN_PCP = 7, OXM_IP_DSCP = 8, OXM_IP_ECN = 9,
    OXM_IP_PROTO = 10, OXM_IPV4_SRC = 11, OXM_IPV4_DST = 12, OXM_TCP_SRC = 13, OXM_TCP_DST = 14,
    OXM_UDP_SRC = 15, OXM_UDP_DST = 16, OXM_SCTP_SRC = 17, OXM_SCTP_DST = 18,
    OXM_ICMPV4_TYPE = 19, OXM_ICMPV4_CODE = 20, OXM_ARP_OP = 21, OXM_ARP_SPA = 22,
    OXM_ARP_TPA = 23, OXM_ARP_SHA = 24, OXM_ARP_THA = 25, OXM_IPV6_SRC = 26, OXM_IPV6_DST = 27,
    OXM_IPV6_FLABEL = 28, OXM_ICMPV6_TYPE = 29, OXM_ICMPV6_CODE = 30, OXM_IPV6_ND_TARGET = 31,
    OXM_IPV6_ND_SLL = 32, OXM_IPV6_ND_TLL = 33,
    OXM_NX_IP_TTL = 40,
};

struct oxm_field {
    enum oxm_id id;
    uint16_t oxm_class;
    uint8_t oxm_field;
    uint8_t len;          /* Value length, bytes. */
    uint8_t bits;         /* Significant low-order bits of the value. */
    bool maskable;
    enum oxm_prereq prereq;
};

/* In OXM number order, so encoding puts prerequisites first. Masks on transport ports, IPv6 ND
 * fields and the flow label are accepted as Open vSwitch does. */
static const struct oxm_field oxm_fields[] = {
    { OXM_IN_PORT, OFPXMC_OPENFLOW_BASIC, 0, 4, 32, false, PRQ_NONE },
    { OXM_METADATA, OFPXMC_OPENFLOW_BASIC, 2, 8, 64, true, PRQ_NONE },
    { OXM_ETH_DST, OFPXMC_OPENFLOW_BASIC, 3, 6, 48, true, PRQ_NONE },
    { OXM_ETH_SRC, OFPXMC_OPENFLOW_BASIC, 4, 6, 48, true, PRQ_NONE },
    { OXM_ETH_TYPE, OFPXMC_OPENFLOW_BASIC, 5, 2, 16, false, PRQ_NONE },
    { OXM_VLAN_VID, OFPXMC_OPENFLOW_BASIC, 6, 2, 13, true, PRQ_NONE },
    { OXM_VLAN_PCP, OFPXMC_OPENFLOW_BASIC, 7, 1, 3, false, PRQ_VLAN },
    { OXM_IP_DSCP, OFPXMC_OPENFLOW_BASIC, 8, 1, 6, false, PRQ_IP_ANY },
    { OXM_IP_ECN, OFPXMC_OPENFLOW_BASIC, 9, 1, 2, false, PRQ_IP_ANY },
    { OXM_IP_PROTO, OFPXMC_OPENFLOW_BASIC, 10, 1, 8, false, PRQ_IP_ANY },
    { OXM_IPV4_SRC, OFPXMC_OPENFLOW_BASIC, 11, 4, 32, true, PRQ_IPV4 },
    { OXM_IPV4_DST, OFPXMC_OPENFLOW_BASIC, 12, 4, 32, true, PRQ_IPV4 },
    { OXM_TCP_SRC, OFPXMC_OPENFLOW_BASIC, 13, 2, 16, true, PRQ_TCP },
    { OXM_TCP_DST, OFPXMC_OPENFLOW_BASIC, 14, 2, 16, true, PRQ_TCP },
    { OXM_UDP_SRC, OFPXMC_OPENFLOW_BASIC, 15, 2, 16, true, PRQ_UDP },
    { OXM_UDP_DST, OFPXMC_OPENFLOW_BASIC, 16, 2, 16, true, PRQ_UDP },
    { OXM_SCTP_SRC, OFPXMC_OPENFLOW_BASIC, 17, 2, 16, true, PRQ_SCTP },
    { OXM_SCTP_DST, OFPXMC_OPENFLOW_BASIC, 18, 2, 16, true, PRQ_SCTP },
    { OXM_ICMPV4_TYPE, OFPXMC_OPENFLOW_BASIC, 19, 1, 8, false, PRQ_ICMPV4 },
    { OXM_ICMPV4_CODE, OFPXMC_OPENFLOW_BASIC, 20, 1, 8, false, PRQ_ICMPV4 },
    { OXM_ARP_OP, OFPXMC_OPENFLOW_BASIC, 21, 2, 16, false, PRQ_ARP },
    { OXM_ARP_SPA, OFPXMC_OPENFLOW_BASIC, 22, 4, 32, true, PRQ_ARP },
    { OXM_ARP_TPA, OFPXMC_OPENFLOW_BASIC, 23, 4, 32, true, PRQ_ARP },
    { OXM_ARP_SHA, OFPXMC_OPENFLOW_BASIC, 24, 6, 48, true, PRQ_ARP },
    { OXM_ARP_THA, OFPXMC_OPENFLOW_BASIC, 25, 6, 48, true, PRQ_ARP },
    { OXM_IPV6_SRC, OFPXMC_OPENFLOW_BASIC, 26, 16, 128, true, PRQ_IPV6 },
    { OXM_IPV6_DST, OFPXMC_OPENFLOW_BASIC, 27, 16, 128, true, PRQ_IPV6 },
    { OXM_IPV6_FLABEL, OFPXMC_OPENFLOW_BASIC, 28, 4, 20, true, PRQ_IPV6 },
    { OXM_ICMPV6_TYPE, OFPXMC_OPENFLOW_BASIC, 29, 1, 8, false, PRQ_ICMPV6 },
    { OXM_ICMPV6_CODE, OFPXMC_OPENFLOW_BASIC, 30, 1, 8, false, PRQ_ICMPV6 },
    { OXM_IPV6_ND_TARGET, OFPXMC_OPENFLOW_BASIC, 31, 16, 128, true, PRQ_ND },
    { OXM_IPV6_ND_SLL, OFPXMC_OPENFLOW_BASIC, 32, 6, 48, true, PRQ_ND_SLL },
    { OXM_IPV6_ND_TLL, OFPXMC_OPENFLOW_BASIC, 33, 6, 48, true, PRQ_ND_TLL },
    { OXM_NX_IP_TTL, OFPXMC_NXM_1, 29, 1, 8, false, PRQ_IP_ANY },
};

static const struct oxm_field *
oxm_field_lookup(uint16_t oxm_class, uint8_t field)
{
    for (size_t i = 0; i < ARRAY_SIZE(oxm_fields); i++) {
        if (oxm_fields[i].oxm_class == oxm_class && oxm_fields[i].oxm_field == field) {
            return &oxm_fields[i];
        }
    }
    return NULL;
}

static bool
eth_type_is(const struct match *m, uint16_t type)
{
    return m->wc.dl_type_be == 0xffff && m->flow.dl_type_be == htons(type);
}

static bool
ip_proto_is(const struct match *m, uint8_t proto)
{
    return m->wc.nw_proto == 0xff && m->flow.nw_proto == proto;
}

static bool
icmpv6_type_is(const struct match *m, uint8_t type)
{
    return (ntohs(m->wc.tp_src_be) & 0xff) == 0xff && (ntohs(m->flow.tp_src_be) & 0xff) == type;
}

static bool
prereq_ok(const struct match *m, enum oxm_prereq p)
{
    bool ip4 = eth_type_is(m, ETH_TYPE_IP), ip6 = eth_type_is(m, ETH_TYPE_IPV6);
    bool icmp6 = ip6 && ip_proto_is(m, 58);

    switch (p) {
    case PRQ_NONE: return true;
    case PRQ_VLAN:
        return (ntohs(m->wc.vlan_tci_be) & VLAN_CFI) && (ntohs(m->flow.vlan_tci_be) & VLAN_CFI);
    case PRQ_IP_ANY: return ip4 || ip6;
    case PRQ_IPV4: return ip4;
    case PRQ_IPV6: return ip6;
    case PRQ_ARP: return eth_type_is(m, ETH_TYPE_ARP);
    case PRQ_TCP: return (ip4 || ip6) && ip_proto_is(m, 6);
    case PRQ_UDP: return (ip4 || ip6) && ip_proto_is(m, 17);
    case PRQ_SCTP: return (ip4 || ip6) && ip_proto_is(m, 132);
    case PRQ_ICMPV4: return ip4 && ip_proto_is(m, 1);
    case PRQ_ICMPV6: return icmp6;
    case PRQ_ND: return icmp6 && (icmpv6_type_is(m, 135) || icmpv6_type_is(m, 136));
    case PRQ_ND_SLL: return icmp6 && icmpv6_type_is(m, 135);
    case PRQ_ND_TLL: return icmp6 && icmpv6_type_is(m, 136);
    }
    return false;
}

/* Writes field F of FLOW (a value or, when IS_MASK, a mask) as wire bytes into BUF (f->len). */
static void
oxm_get(const struct oxm_field *f, const struct flow *flow, bool is_mask, uint8_t *buf)
{
    uint16_t tci = ntohs(flow->vlan_tci_be);

    switch (f->id) {
    case OXM_IN_PORT: ofp_set_be32(buf, flow->in_port); break;
    case OXM_METADATA: ofp_set_be64(buf, flow->metadata); break;
    case OXM_ETH_DST: memcpy(buf, flow->dl_dst.ea, 6); break;
    case OXM_ETH_SRC: memcpy(buf, flow->dl_src.ea, 6); break;
    case OXM_ETH_TYPE: memcpy(buf, &flow->dl_type_be, 2); break;
    case OXM_VLAN_VID: ofp_set_be16(buf, tci & (VLAN_CFI | VLAN_VID_MASK)); break;
    case OXM_VLAN_PCP: buf[0] = (tci & VLAN_PCP_MASK) >> VLAN_PCP_SHIFT; break;
    case OXM_IP_DSCP: buf[0] = flow->nw_tos >> 2; break;
    case OXM_IP_ECN: buf[0] = flow->nw_tos & 3; break;
    case OXM_IP_PROTO: case OXM_NX_IP_TTL:
        buf[0] = f->id == OXM_IP_PROTO ? flow->nw_proto : flow->nw_ttl;
        break;
    case OXM_IPV4_SRC: case OXM_ARP_SPA: memcpy(buf, &flow->nw_src_be, 4); break;
    case OXM_IPV4_DST: case OXM_ARP_TPA: memcpy(buf, &flow->nw_dst_be, 4); break;
    case OXM_TCP_SRC: case OXM_UDP_SRC: case OXM_SCTP_SRC: memcpy(buf, &flow->tp_src_be, 2); break;
    case OXM_TCP_DST: case OXM_UDP_DST: case OXM_SCTP_DST: memcpy(buf, &flow->tp_dst_be, 2); break;
    case OXM_ICMPV4_TYPE: case OXM_ICMPV6_TYPE: buf[0] = ntohs(flow->tp_src_be) & 0xff; break;
    case OXM_ICMPV4_CODE: case OXM_ICMPV6_CODE: buf[0] = ntohs(flow->tp_dst_be) & 0xff; break;
    case OXM_ARP_OP:
        ofp_set_be16(buf, is_mask && flow->nw_proto == 0xff ? 0xffff : flow->nw_proto);
        break;
    case OXM_ARP_SHA: case OXM_IPV6_ND_SLL: memcpy(buf, flow->arp_sha.ea, 6); break;
    case OXM_ARP_THA: case OXM_IPV6_ND_TLL: memcpy(buf, flow->arp_tha.ea, 6); break;
    case OXM_IPV6_SRC: memcpy(buf, flow->ipv6_src, 16); break;
    case OXM_IPV6_DST: memcpy(buf, flow->ipv6_dst, 16); break;
    case OXM_IPV6_FLABEL: memcpy(buf, &flow->ipv6_label_be, 4); break;
    case OXM_IPV6_ND_TARGET: memcpy(buf, flow->nd_target, 16); break;
    case OXM_IN_PHY_PORT: break;
    }
}

/* Stores the wire bytes BUF of field F into FLOW (a value or, when IS_MASK, a mask). */
static void
oxm_set(const struct oxm_field *f, struct flow *flow, bool is_mask, const uint8_t *buf)
{
    uint16_t tci = ntohs(flow->vlan_tci_be);

    switch (f->id) {
    case OXM_IN_PORT: flow->in_port = ofp_get_be32(buf); break;
    case OXM_METADATA: flow->metadata = ofp_get_be64(buf); break;
    case OXM_ETH_DST: memcpy(flow->dl_dst.ea, buf, 6); break;
    case OXM_ETH_SRC: memcpy(flow->dl_src.ea, buf, 6); break;
    case OXM_ETH_TYPE: memcpy(&flow->dl_type_be, buf, 2); break;
    case OXM_VLAN_VID:
        tci = (tci & VLAN_PCP_MASK) | (ofp_get_be16(buf) & (VLAN_CFI | VLAN_VID_MASK));
        flow->vlan_tci_be = htons(tci);
        break;
    case OXM_VLAN_PCP:
        tci = (tci & ~VLAN_PCP_MASK) | ((buf[0] & 7) << VLAN_PCP_SHIFT);
        flow->vlan_tci_be = htons(tci);
        break;
    case OXM_IP_DSCP: flow->nw_tos = (flow->nw_tos & 3) | (buf[0] << 2); break;
    case OXM_IP_ECN: flow->nw_tos = (flow->nw_tos & 0xfc) | (buf[0] & 3); break;
    case OXM_IP_PROTO: flow->nw_proto = buf[0]; break;
    case OXM_NX_IP_TTL: flow->nw_ttl = buf[0]; break;
    case OXM_IPV4_SRC: case OXM_ARP_SPA: memcpy(&flow->nw_src_be, buf, 4); break;
    case OXM_IPV4_DST: case OXM_ARP_TPA: memcpy(&flow->nw_dst_be, buf, 4); break;
    case OXM_TCP_SRC: case OXM_UDP_SRC: case OXM_SCTP_SRC: memcpy(&flow->tp_src_be, buf, 2); break;
    case OXM_TCP_DST: case OXM_UDP_DST: case OXM_SCTP_DST: memcpy(&flow->tp_dst_be, buf, 2); break;
    case OXM_ICMPV4_TYPE: case OXM_ICMPV6_TYPE:
        flow->tp_src_be = htons(is_mask && buf[0] == 0xff ? 0xffff : buf[0]);
        break;
    case OXM_ICMPV4_CODE: case OXM_ICMPV6_CODE:
        flow->tp_dst_be = htons(is_mask && buf[0] == 0xff ? 0xffff : buf[0]);
        break;
    case OXM_ARP_OP: flow->nw_proto = ofp_get_be16(buf) & 0xff; break;
    case OXM_ARP_SHA: case OXM_IPV6_ND_SLL: memcpy(flow->arp_sha.ea, buf, 6); break;
    case OXM_ARP_THA: case OXM_IPV6_ND_TLL: memcpy(flow->arp_tha.ea, buf, 6); break;
    case OXM_IPV6_SRC: memcpy(flow->ipv6_src, buf, 16); break;
    case OXM_IPV6_DST: memcpy(flow->ipv6_dst, buf, 16); break;
    case OXM_IPV6_FLABEL: memcpy(&flow->ipv6_label_be, buf, 4); break;
    case OXM_IPV6_ND_TARGET: memcpy(flow->nd_target, buf, 16); break;
    case OXM_IN_PHY_PORT: break;
    }
}

/* The all-ones mask of F's significant bits, in wire bytes. */
static void
oxm_full_mask(const struct oxm_field *f, uint8_t *buf)
{
    memset(buf, 0, f->len);
    for (int bit = 0; bit < f->bits; bit++) {
        buf[f->len - 1 - bit / 8] |= 1u << (bit % 8);
    }
}

static bool
all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

void
ofp_put_match(struct ofpbuf *out, const struct match *m)
{
    size_t start = out->size;

    ofpbuf_put_be16(out, OFPMT_OXM);
    ofpbuf_put_be16(out, 0);
    for (size_t i = 0; i < ARRAY_SIZE(oxm_fields); i++) {
        const struct oxm_field *f = &oxm_fields[i];
        uint8_t value[16], mask[16], full[16];

        if (!prereq_ok(m, f->prereq)) {
            continue;
        }
        oxm_get(f, &m->wc, true, mask);
        if (all_zero(mask, f->len)) {
            continue;
        }
        oxm_get(f, &m->flow, false, value);
        oxm_full_mask(f, full);
        bool masked = memcmp(mask, full, f->len) != 0;
        for (size_t j = 0; j < f->len; j++) {
            value[j] &= mask[j];
        }
        ofpbuf_put_be16(out, f->oxm_class);
        ofpbuf_put_u8(out, (f->oxm_field << 1) | masked);
        ofpbuf_put_u8(out, f->len * (masked ? 2 : 1));
        ofpbuf_put(out, value, f->len);
        if (masked) {
            ofpbuf_put(out, mask, f->len);
        }
    }
    size_t len = out->size - start;
    ofp_set_be16(out->data + start + 2, len);
    ofpbuf_put_zeros(out, (len + 7) / 8 * 8 - len);
}

static int
match_error(struct ofperr *err, uint16_t code)
{
    err->type = OFPET_BAD_MATCH;
    err->code = code;
    return -EPROTO;
}

/* Decodes one OXM TLV (P, LEN bytes: header included) into M. SEEN tracks duplicates. */
static int
oxm_pull_one(const uint8_t *p, size_t len, struct match *m, uint64_t *seen, struct ofperr *err)
{
    uint16_t oxm_class = ofp_get_be16(p);
    uint8_t field = p[2] >> 1;
    bool hasmask = p[2] & 1;
    const struct oxm_field *f = oxm_field_lookup(oxm_class, field);
    uint8_t value[16], mask[16], full[16];

    if (!f || f->id == OXM_IN_PHY_PORT) {
        return match_error(err, OFPBMC_BAD_FIELD);
    }
    if (len - 4 != (size_t) f->len * (hasmask ? 2 : 1)) {
        return match_error(err, OFPBMC_BAD_LEN);
    }
    if (hasmask && !f->maskable) {
        return match_error(err, OFPBMC_BAD_MASK);
    }
    if (*seen & (UINT64_C(1) << f->id)) {
        return match_error(err, OFPBMC_DUP_FIELD);
    }
    *seen |= UINT64_C(1) << f->id;
    if (!prereq_ok(m, f->prereq)) {
        return match_error(err, OFPBMC_BAD_PREREQ);
    }

    oxm_full_mask(f, full);
    memcpy(value, p + 4, f->len);
    if (hasmask) {
        memcpy(mask, p + 4 + f->len, f->len);
    } else {
        memcpy(mask, full, f->len);
    }
    for (size_t i = 0; i < f->len; i++) {
        if (value[i] & ~full[i]) {
            return match_error(err, OFPBMC_BAD_VALUE);
        }
        if (mask[i] & ~full[i]) {
            return match_error(err, OFPBMC_BAD_MASK);
        }
        if (value[i] & ~mask[i]) {
            return match_error(err, OFPBMC_BAD_WILDCARDS);
        }
    }
    if (f->id == OXM_ARP_OP && value[0]) {
        /* struct flow keeps only the low 8 bits of the ARP opcode. */
        return match_error(err, OFPBMC_BAD_VALUE);
    }
    oxm_set(f, &m->flow, false, value);
    oxm_set(f, &m->wc, true, mask);
    return 0;
}

int
ofp_pull_match(const uint8_t **pp, size_t *left, struct match *m, struct ofperr *err)
{
    const uint8_t *p = *pp;
    uint64_t seen = 0;

    match_init_catchall(m);
    if (*left < 4) {
        return match_error(err, OFPBMC_BAD_LEN);
    }
    uint16_t type = ofp_get_be16(p);
    uint16_t len = ofp_get_be16(p + 2);
    size_t padded = ((size_t) len + 7) / 8 * 8;
    if (type != OFPMT_OXM) {
        return match_error(err, OFPBMC_BAD_TYPE);
    }
    if (len < 4 || padded > *left) {
        return match_error(err, OFPBMC_BAD_LEN);
    }
    for (size_t off = 4; off < len;) {
        if (len - off < 4) {
            return match_error(err, OFPBMC_BAD_LEN);
        }
        size_t tlv_len = 4 + (size_t) p[off + 3];
        if (tlv_len > len - off) {
            return match_error(err, OFPBMC_BAD_LEN);
        }
        int error = oxm_pull_one(p + off, tlv_len, m, &seen, err);
        if (error) {
            return error;
        }
        off += tlv_len;
    }
    *pp += padded;
    *left -= padded;
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Instructions and actions (OpenFlow 1.3.5 §7.2.4, §7.2.5).
 * ------------------------------------------------------------------------------------------- */

#define OFPIT_GOTO_TABLE 1
#define OFPIT_WRITE_METADATA 2
#define OFPIT_WRITE_ACTIONS 3
#define OFPIT_APPLY_ACTIONS 4
#define OFPIT_CLEAR_ACTIONS 5
#define OFPIT_METER 6
#define OFPIT_EXPERIMENTER 0xffff
#define OFPAT_OUTPUT 0
#define OFP_ACTION_OUTPUT_LEN 16

void
ofp_put_instructions(struct ofpbuf *out, const struct ofpacts *acts)
{
    if (!acts->n) {
        return;
    }
    ofpbuf_put_be16(out, OFPIT_APPLY_ACTIONS);
    ofpbuf_put_be16(out, 8 + OFP_ACTION_OUTPUT_LEN * acts->n);
    ofpbuf_put_zeros(out, 4);
    for (size_t i = 0; i < acts->n; i++) {
        const struct ofpact *a = &acts->acts[i];
        ofpbuf_put_be16(out, OFPAT_OUTPUT);
        ofpbuf_put_be16(out, OFP_ACTION_OUTPUT_LEN);
        ofpbuf_put_be32(out, a->port);
        ofpbuf_put_be16(out, a->port == OFPP_CONTROLLER ? a->max_len : 0);
        ofpbuf_put_zeros(out, 6);
    }
}

static int
ofp_error(struct ofperr *err, uint16_t type, uint16_t code)
{
    err->type = type;
    err->code = code;
    return -EPROTO;
}

static bool
output_port_valid(uint32_t port)
{
    if (port == 0) {
        return false;
    }
    if (port <= OFPP_MAX) {
        return true;
    }
    switch (port) {
    case OFPP_IN_PORT: case OFPP_NORMAL: case OFPP_FLOOD: case OFPP_ALL:
    case OFPP_CONTROLLER: case OFPP_LOCAL:
        return true;
    default:
        return false;
    }
}

static int
decode_actions(const uint8_t *p, size_t len, struct ofpacts *acts, struct ofperr *err)
{
    while (len) {
        if (len < 8) {
            return ofp_error(err, OFPET_BAD_ACTION, OFPBAC_BAD_LEN);
        }
        uint16_t type = ofp_get_be16(p);
        uint16_t alen = ofp_get_be16(p + 2);
        if (alen < 8 || alen % 8 || alen > len) {
            return ofp_error(err, OFPET_BAD_ACTION, OFPBAC_BAD_LEN);
        }
        if (type != OFPAT_OUTPUT) {
            return ofp_error(err, OFPET_BAD_ACTION, OFPBAC_BAD_TYPE);
        }
        if (alen != OFP_ACTION_OUTPUT_LEN) {
            return ofp_error(err, OFPET_BAD_ACTION, OFPBAC_BAD_LEN);
        }
        uint32_t port = ofp_get_be32(p + 4);
        if (!output_port_valid(port)) {
            return ofp_error(err, OFPET_BAD_ACTION, OFPBAC_BAD_OUT_PORT);
        }
        ofpacts_add_output(acts, port, ofp_get_be16(p + 8));
        p += alen;
        len -= alen;
    }
    return 0;
}

int
ofp_decode_instructions(const uint8_t *p, size_t len, struct ofpacts *acts, struct ofperr *err)
{
    bool have_apply = false;

    ofpacts_init(acts);
    while (len) {
        if (len < 8) {
            return ofp_error(err, OFPET_BAD_INSTRUCTION, OFPBIC_BAD_LEN);
        }
        uint16_t type = ofp_get_be16(p);
        uint16_t ilen = ofp_get_be16(p + 2);
        if (ilen < 8 || ilen % 8 || ilen > len) {
            return ofp_error(err, OFPET_BAD_INSTRUCTION, OFPBIC_BAD_LEN);
        }
        switch (type) {
        case OFPIT_APPLY_ACTIONS: {
            if (have_apply) {
                /* OpenFlow 1.3 has no DUP_INST code; a repeated instruction is unsupported. */
                return ofp_error(err, OFPET_BAD_INSTRUCTION, OFPBIC_UNSUP_INST);
            }
            have_apply = true;
            int error = decode_actions(p + 8, ilen - 8, acts, err);
            if (error) {
                return error;
            }
            break;
        }
        case OFPIT_GOTO_TABLE: case OFPIT_WRITE_METADATA: case OFPIT_WRITE_ACTIONS:
        case OFPIT_CLEAR_ACTIONS: case OFPIT_METER: case OFPIT_EXPERIMENTER:
            return ofp_error(err, OFPET_BAD_INSTRUCTION, OFPBIC_UNSUP_INST);
        default:
            return ofp_error(err, OFPET_BAD_INSTRUCTION, OFPBIC_UNKNOWN_INST);
        }
        p += ilen;
        len -= ilen;
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Table features (OpenFlow 1.3.5 §7.3.5.5).
 * ------------------------------------------------------------------------------------------- */

#define OFPTFPT_INSTRUCTIONS 0
#define OFPTFPT_NEXT_TABLES 2
#define OFPTFPT_WRITE_ACTIONS 4
#define OFPTFPT_APPLY_ACTIONS 6
#define OFPTFPT_MATCH 8
#define OFPTFPT_WILDCARDS 10
#define OFPTFPT_WRITE_SETFIELD 12
#define OFPTFPT_APPLY_SETFIELD 14
#define OFP_TABLE_FEATURES_FIXED_LEN 64

/* Starts a property; returns its offset for prop_finish(). */
static size_t
prop_start(struct ofpbuf *b, uint16_t type)
{
    size_t ofs = b->size;
    ofpbuf_put_be16(b, type);
    ofpbuf_put_be16(b, 0);
    return ofs;
}

/* Sets the property's length (without padding) and pads it to 8 bytes. */
static void
prop_finish(struct ofpbuf *b, size_t ofs)
{
    size_t len = b->size - ofs;
    ofp_set_be16(b->data + ofs + 2, len);
    ofpbuf_put_zeros(b, (len + 7) / 8 * 8 - len);
}

static void
put_oxm_ids(struct ofpbuf *b, bool masks)
{
    for (size_t i = 0; i < ARRAY_SIZE(oxm_fields); i++) {
        const struct oxm_field *f = &oxm_fields[i];
        bool hasmask = masks && f->maskable;
        if (f->oxm_class != OFPXMC_OPENFLOW_BASIC) {
            continue;     /* Experimenter ids would need the 8-byte form. */
        }
        ofpbuf_put_be16(b, f->oxm_class);
        ofpbuf_put_u8(b, (f->oxm_field << 1) | hasmask);
        ofpbuf_put_u8(b, f->len * (hasmask ? 2 : 1));
    }
}

void
ofp_mp_put_table_features(struct ofp_mp_writer *w, const struct ofp_table_features *tf)
{
    struct ofpbuf e;
    size_t ofs;

    ofpbuf_init(&e, 512);
    ofpbuf_put_be16(&e, 0);
    ofpbuf_put_u8(&e, tf->table_id);
    ofpbuf_put_zeros(&e, 5);
    char *name = ofpbuf_put_zeros(&e, OFP_MAX_TABLE_NAME_LEN);
    memcpy(name, tf->name, strnlen(tf->name, OFP_MAX_TABLE_NAME_LEN - 1));
    ofpbuf_put_be64(&e, tf->metadata_match);
    ofpbuf_put_be64(&e, tf->metadata_write);
    ofpbuf_put_be32(&e, tf->config);
    ofpbuf_put_be32(&e, tf->max_entries);

    ofs = prop_start(&e, OFPTFPT_INSTRUCTIONS);
    ofpbuf_put_be16(&e, OFPIT_APPLY_ACTIONS);
    ofpbuf_put_be16(&e, 4);
    prop_finish(&e, ofs);
    /* Every non-"miss" property must be present (ovs-ofctl rejects the reply otherwise), even
     * when empty. */
    prop_finish(&e, prop_start(&e, OFPTFPT_NEXT_TABLES));
    prop_finish(&e, prop_start(&e, OFPTFPT_WRITE_ACTIONS));
    ofs = prop_start(&e, OFPTFPT_APPLY_ACTIONS);
    ofpbuf_put_be16(&e, OFPAT_OUTPUT);
    ofpbuf_put_be16(&e, 4);
    prop_finish(&e, ofs);
    ofs = prop_start(&e, OFPTFPT_MATCH);
    put_oxm_ids(&e, true);
    prop_finish(&e, ofs);
    ofs = prop_start(&e, OFPTFPT_WILDCARDS);
    put_oxm_ids(&e, false);
    prop_finish(&e, ofs);
    prop_finish(&e, prop_start(&e, OFPTFPT_WRITE_SETFIELD));
    prop_finish(&e, prop_start(&e, OFPTFPT_APPLY_SETFIELD));

    ofp_set_be16(e.data, e.size);
    memcpy(ofp_mp_reply_reserve(w, e.size), e.data, e.size);
    ofpbuf_uninit(&e);
}
