/*
 * ofp-util — the functions of ofp-types.h (matches, action lists, flow-mods, the field table
 * shared by matches and actions) and the OpenFlow 1.3 encoding of matches (OXM, OpenFlow 1.3.5
 * §7.2.3) declared in ofp-msgs.h. Instructions and actions are in ofp-actions.c.
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
#include "ofproto/ofp-actions.h"
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

struct ofpact *
ofpacts_put(struct ofpacts *a, enum ofpact_type type)
{
    a->acts = xrealloc(a->acts, (a->n + 1) * sizeof *a->acts);
    struct ofpact *act = &a->acts[a->n++];
    memset(act, 0, sizeof *act);
    act->type = type;
    act->field = act->src_field = -1;
    return act;
}

void
ofpacts_add_output(struct ofpacts *a, uint32_t port, uint16_t max_len)
{
    struct ofpact *act = ofpacts_put(a, OFPACT_OUTPUT);
    act->port = port;
    act->max_len = port == OFPP_CONTROLLER ? max_len : 0;
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
    return a->n == b->n && (!a->n || !memcmp(a->acts, b->acts, a->n * sizeof *a->acts));
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

int
ofpacts_goto_table(const struct ofpacts *a)
{
    for (size_t i = 0; i < a->n; i++) {
        if (a->acts[i].type == OFPACT_GOTO_TABLE) {
            return a->acts[i].table;
        }
    }
    return -1;
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

/* Internal field ids: indexes into ofp_fields[]. */
enum oxm_id {
    OXM_IN_PORT, OXM_METADATA, OXM_ETH_DST, OXM_ETH_SRC,
    OXM_ETH_TYPE, OXM_VLAN_VID, OXM_VLAN_PCP, OXM_IP_DSCP, OXM_IP_ECN,
    OXM_IP_PROTO, OXM_IPV4_SRC, OXM_IPV4_DST, OXM_TCP_SRC, OXM_TCP_DST,
    OXM_UDP_SRC, OXM_UDP_DST, OXM_SCTP_SRC, OXM_SCTP_DST,
    OXM_ICMPV4_TYPE, OXM_ICMPV4_CODE, OXM_ARP_OP, OXM_ARP_SPA,
    OXM_ARP_TPA, OXM_ARP_SHA, OXM_ARP_THA, OXM_IPV6_SRC, OXM_IPV6_DST,
    OXM_IPV6_FLABEL, OXM_ICMPV6_TYPE, OXM_ICMPV6_CODE, OXM_IPV6_ND_TARGET,
    OXM_IPV6_ND_SLL, OXM_IPV6_ND_TLL, OXM_TUNNEL_ID,
    OXM_NX_IP_TTL, OXM_NX_TUN_IPV4_SRC, OXM_NX_TUN_IPV4_DST, OXM_NX_TUN_IPV6_SRC,
    OXM_NX_TUN_IPV6_DST,
    OXM_NX_REG0,
    OXM_NX_REG15 = OXM_NX_REG0 + 15,
    /* Nicira-only forms (not in OXM matches): 16-bit in_port, whole TCI, whole TOS byte. */
    OXM_NX_IN_PORT16, OXM_NX_VLAN_TCI, OXM_NX_IP_TOS,
    OXM_N_FIELDS
};

#define B OFPXMC_OPENFLOW_BASIC
#define F(ID, NAME, NXM, CLS, FLD, NCLS, NFLD, LEN, BITS, MASKABLE, IN_MATCH, WRITABLE, PRQ) \
    [ID] = { ID, NAME, NXM, CLS, FLD, NCLS, NFLD, LEN, BITS, MASKABLE, IN_MATCH, WRITABLE, PRQ }
#define REG(N) F(OXM_NX_REG0 + N, "reg" #N, "NXM_NX_REG" #N, 1, N, 1, N, 4, 32, true, true, true, \
                 OFP_PRQ_NONE)

/* In OXM number order, so encoding a match puts prerequisites first. Masks on transport ports,
 * IPv6 ND fields and the flow label are accepted as Open vSwitch does. */
static const struct ofp_field ofp_fields[OXM_N_FIELDS] = {
    F(OXM_IN_PORT, "in_port_oxm", "OXM_OF_IN_PORT", B, 0, B, 0, 4, 32, false, true, false,
      OFP_PRQ_NONE),
    F(OXM_METADATA, "metadata", "OXM_OF_METADATA", B, 2, B, 2, 8, 64, true, true, true,
      OFP_PRQ_NONE),
    F(OXM_ETH_DST, "eth_dst", "NXM_OF_ETH_DST", B, 3, 0, 1, 6, 48, true, true, true, OFP_PRQ_NONE),
    F(OXM_ETH_SRC, "eth_src", "NXM_OF_ETH_SRC", B, 4, 0, 2, 6, 48, true, true, true, OFP_PRQ_NONE),
    F(OXM_ETH_TYPE, "eth_type", "NXM_OF_ETH_TYPE", B, 5, 0, 3, 2, 16, false, true, false,
      OFP_PRQ_NONE),
    F(OXM_VLAN_VID, "vlan_vid", "OXM_OF_VLAN_VID", B, 6, B, 6, 2, 13, true, true, true,
      OFP_PRQ_NONE),
    F(OXM_VLAN_PCP, "vlan_pcp", "OXM_OF_VLAN_PCP", B, 7, B, 7, 1, 3, false, true, true,
      OFP_PRQ_VLAN),
    F(OXM_IP_DSCP, "ip_dscp", "OXM_OF_IP_DSCP", B, 8, B, 8, 1, 6, false, true, true,
      OFP_PRQ_IP_ANY),
    F(OXM_IP_ECN, "nw_ecn", "NXM_NX_IP_ECN", B, 9, 1, 28, 1, 2, false, true, true, OFP_PRQ_IP_ANY),
    F(OXM_IP_PROTO, "nw_proto", "NXM_OF_IP_PROTO", B, 10, 0, 6, 1, 8, false, true, false,
      OFP_PRQ_IP_ANY),
    F(OXM_IPV4_SRC, "ip_src", "NXM_OF_IP_SRC", B, 11, 0, 7, 4, 32, true, true, true, OFP_PRQ_IPV4),
    F(OXM_IPV4_DST, "ip_dst", "NXM_OF_IP_DST", B, 12, 0, 8, 4, 32, true, true, true, OFP_PRQ_IPV4),
    F(OXM_TCP_SRC, "tcp_src", "NXM_OF_TCP_SRC", B, 13, 0, 9, 2, 16, true, true, true, OFP_PRQ_TCP),
    F(OXM_TCP_DST, "tcp_dst", "NXM_OF_TCP_DST", B, 14, 0, 10, 2, 16, true, true, true,
      OFP_PRQ_TCP),
    F(OXM_UDP_SRC, "udp_src", "NXM_OF_UDP_SRC", B, 15, 0, 11, 2, 16, true, true, true,
      OFP_PRQ_UDP),
    F(OXM_UDP_DST, "udp_dst", "NXM_OF_UDP_DST", B, 16, 0, 12, 2, 16, true, true, true,
      OFP_PRQ_UDP),
    F(OXM_SCTP_SRC, "sctp_src", "OXM_OF_SCTP_SRC", B, 17, B, 17, 2, 16, true, true, true,
      OFP_PRQ_SCTP),
    F(OXM_SCTP_DST, "sctp_dst", "OXM_OF_SCTP_DST", B, 18, B, 18, 2, 16, true, true, true,
      OFP_PRQ_SCTP),
    F(OXM_ICMPV4_TYPE, "icmp_type", "NXM_OF_ICMP_TYPE", B, 19, 0, 13, 1, 8, false, true, false,
      OFP_PRQ_ICMPV4),
    F(OXM_ICMPV4_CODE, "icmp_code", "NXM_OF_ICMP_CODE", B, 20, 0, 14, 1, 8, false, true, false,
      OFP_PRQ_ICMPV4),
    F(OXM_ARP_OP, "arp_op", "NXM_OF_ARP_OP", B, 21, 0, 15, 2, 16, false, true, false,
      OFP_PRQ_ARP),
    F(OXM_ARP_SPA, "arp_spa", "NXM_OF_ARP_SPA", B, 22, 0, 16, 4, 32, true, true, false,
      OFP_PRQ_ARP),
    F(OXM_ARP_TPA, "arp_tpa", "NXM_OF_ARP_TPA", B, 23, 0, 17, 4, 32, true, true, false,
      OFP_PRQ_ARP),
    F(OXM_ARP_SHA, "arp_sha", "NXM_NX_ARP_SHA", B, 24, 1, 17, 6, 48, true, true, false,
      OFP_PRQ_ARP),
    F(OXM_ARP_THA, "arp_tha", "NXM_NX_ARP_THA", B, 25, 1, 18, 6, 48, true, true, false,
      OFP_PRQ_ARP),
    F(OXM_IPV6_SRC, "ipv6_src", "NXM_NX_IPV6_SRC", B, 26, 1, 19, 16, 128, true, true, true,
      OFP_PRQ_IPV6),
    F(OXM_IPV6_DST, "ipv6_dst", "NXM_NX_IPV6_DST", B, 27, 1, 20, 16, 128, true, true, true,
      OFP_PRQ_IPV6),
    F(OXM_IPV6_FLABEL, "ipv6_label", "NXM_NX_IPV6_LABEL", B, 28, 1, 27, 4, 20, true, true, false,
      OFP_PRQ_IPV6),
    F(OXM_ICMPV6_TYPE, "icmpv6_type", "NXM_NX_ICMPV6_TYPE", B, 29, 1, 21, 1, 8, false, true,
      false, OFP_PRQ_ICMPV6),
    F(OXM_ICMPV6_CODE, "icmpv6_code", "NXM_NX_ICMPV6_CODE", B, 30, 1, 22, 1, 8, false, true,
      false, OFP_PRQ_ICMPV6),
    F(OXM_IPV6_ND_TARGET, "nd_target", "NXM_NX_ND_TARGET", B, 31, 1, 23, 16, 128, true, true,
      false, OFP_PRQ_ND),
    F(OXM_IPV6_ND_SLL, "nd_sll", "NXM_NX_ND_SLL", B, 32, 1, 24, 6, 48, true, true, false,
      OFP_PRQ_ND_SLL),
    F(OXM_IPV6_ND_TLL, "nd_tll", "NXM_NX_ND_TLL", B, 33, 1, 25, 6, 48, true, true, false,
      OFP_PRQ_ND_TLL),
    /* Tunnel metadata (ofproto-tnl.h): OXM tunnel_id, Nicira tun_src/tun_dst. */
    F(OXM_TUNNEL_ID, "tun_id", "NXM_NX_TUN_ID", B, 38, 1, 16, 8, 64, true, true, true,
      OFP_PRQ_NONE),
    F(OXM_NX_TUN_IPV4_SRC, "tun_src", "NXM_NX_TUN_IPV4_SRC", 1, 31, 1, 31, 4, 32, true, true,
      true, OFP_PRQ_NONE),
    F(OXM_NX_TUN_IPV4_DST, "tun_dst", "NXM_NX_TUN_IPV4_DST", 1, 32, 1, 32, 4, 32, true, true,
      true, OFP_PRQ_NONE),
    F(OXM_NX_TUN_IPV6_SRC, "tun_ipv6_src", "NXM_NX_TUN_IPV6_SRC", 1, 109, 1, 109, 16, 128, true,
      true, true, OFP_PRQ_NONE),
    F(OXM_NX_TUN_IPV6_DST, "tun_ipv6_dst", "NXM_NX_TUN_IPV6_DST", 1, 110, 1, 110, 16, 128, true,
      true, true, OFP_PRQ_NONE),
    F(OXM_NX_IP_TTL, "nw_ttl", "NXM_NX_IP_TTL", 1, 29, 1, 29, 1, 8, false, true, true,
      OFP_PRQ_IP_ANY),
    REG(0), REG(1), REG(2), REG(3), REG(4), REG(5), REG(6), REG(7),
    REG(8), REG(9), REG(10), REG(11), REG(12), REG(13), REG(14), REG(15),
    F(OXM_NX_IN_PORT16, "in_port", "NXM_OF_IN_PORT", 0, 0, 0, 0, 2, 16, false, false, false,
      OFP_PRQ_NONE),
    F(OXM_NX_VLAN_TCI, "vlan_tci", "NXM_OF_VLAN_TCI", 0, 4, 0, 4, 2, 16, true, false, true,
      OFP_PRQ_NONE),
    F(OXM_NX_IP_TOS, "nw_tos", "NXM_OF_IP_TOS", 0, 5, 0, 5, 1, 8, false, false, true,
      OFP_PRQ_IP_ANY),
};
#undef B
#undef F
#undef REG

/* Other names ovs-ofctl accepts for fields. */
static const struct {
    const char *alias;
    enum oxm_id id;
} field_aliases[] = {
    { "dl_dst", OXM_ETH_DST }, { "dl_src", OXM_ETH_SRC }, { "dl_type", OXM_ETH_TYPE },
    { "nw_src", OXM_IPV4_SRC }, { "nw_dst", OXM_IPV4_DST }, { "ip_proto", OXM_IP_PROTO },
    { "ip_ecn", OXM_IP_ECN }, { "tp_src", OXM_TCP_SRC }, { "tp_dst", OXM_TCP_DST },
    { "ipv6_flabel", OXM_IPV6_FLABEL }, { "ip_ttl", OXM_NX_IP_TTL },
    { "tunnel_id", OXM_TUNNEL_ID }, { "OXM_OF_TUNNEL_ID", OXM_TUNNEL_ID },
    { "OXM_OF_ETH_DST", OXM_ETH_DST }, { "OXM_OF_ETH_SRC", OXM_ETH_SRC },
    { "OXM_OF_IPV4_SRC", OXM_IPV4_SRC }, { "OXM_OF_IPV4_DST", OXM_IPV4_DST },
    { "OXM_OF_TCP_SRC", OXM_TCP_SRC }, { "OXM_OF_TCP_DST", OXM_TCP_DST },
    { "OXM_OF_UDP_SRC", OXM_UDP_SRC }, { "OXM_OF_UDP_DST", OXM_UDP_DST },
    { "OXM_OF_IPV6_SRC", OXM_IPV6_SRC }, { "OXM_OF_IPV6_DST", OXM_IPV6_DST },
    { "OXM_OF_IP_ECN", OXM_IP_ECN },
};

/* Registers that struct flow has room for (the table lists reg0-reg15). */
#define FLOW_N_REGS (sizeof ((struct flow *) 0)->regs / sizeof ((struct flow *) 0)->regs[0])

static bool
field_exists(size_t id)
{
    return id < OXM_N_FIELDS
           && !(id >= OXM_NX_REG0 && id <= OXM_NX_REG15 && id - OXM_NX_REG0 >= FLOW_N_REGS);
}

const struct ofp_field *
ofp_field_by_id(int id)
{
    return id >= 0 && field_exists(id) ? &ofp_fields[id] : NULL;
}

const struct ofp_field *
ofp_field_by_name(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(ofp_fields); i++) {
        if (field_exists(i)
            && (!strcmp(ofp_fields[i].name, name) || !strcmp(ofp_fields[i].nxm_name, name))) {
            return &ofp_fields[i];
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(field_aliases); i++) {
        if (!strcmp(field_aliases[i].alias, name)) {
            return &ofp_fields[field_aliases[i].id];
        }
    }
    return NULL;
}

/* Matches use only the primary headers of fields marked in_match. */
static const struct ofp_field *
oxm_field_lookup(uint16_t oxm_class, uint8_t field)
{
    for (size_t i = 0; i < ARRAY_SIZE(ofp_fields); i++) {
        if (ofp_fields[i].in_match && field_exists(i) && ofp_fields[i].oxm_class == oxm_class
            && ofp_fields[i].oxm_field == field) {
            return &ofp_fields[i];
        }
    }
    return NULL;
}

const struct ofp_field *
ofp_field_by_header(uint16_t oxm_class, uint8_t field)
{
    for (size_t i = 0; i < ARRAY_SIZE(ofp_fields); i++) {
        if (field_exists(i) && ofp_fields[i].oxm_class == oxm_class
            && ofp_fields[i].oxm_field == field) {
            return &ofp_fields[i];
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(ofp_fields); i++) {
        if (field_exists(i) && ofp_fields[i].nxm_class == oxm_class
            && ofp_fields[i].nxm_field == field) {
            return &ofp_fields[i];
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
prereq_ok(const struct match *m, enum ofp_prereq p)
{
    bool ip4 = eth_type_is(m, ETH_TYPE_IP), ip6 = eth_type_is(m, ETH_TYPE_IPV6);
    bool icmp6 = ip6 && ip_proto_is(m, 58);

    switch (p) {
    case OFP_PRQ_NONE: return true;
    case OFP_PRQ_VLAN:
        return (ntohs(m->wc.vlan_tci_be) & VLAN_CFI) && (ntohs(m->flow.vlan_tci_be) & VLAN_CFI);
    case OFP_PRQ_IP_ANY: return ip4 || ip6;
    case OFP_PRQ_IPV4: return ip4;
    case OFP_PRQ_IPV6: return ip6;
    case OFP_PRQ_ARP: return eth_type_is(m, ETH_TYPE_ARP);
    case OFP_PRQ_TCP: return (ip4 || ip6) && ip_proto_is(m, 6);
    case OFP_PRQ_UDP: return (ip4 || ip6) && ip_proto_is(m, 17);
    case OFP_PRQ_SCTP: return (ip4 || ip6) && ip_proto_is(m, 132);
    case OFP_PRQ_ICMPV4: return ip4 && ip_proto_is(m, 1);
    case OFP_PRQ_ICMPV6: return icmp6;
    case OFP_PRQ_ND: return icmp6 && (icmpv6_type_is(m, 135) || icmpv6_type_is(m, 136));
    case OFP_PRQ_ND_SLL: return icmp6 && icmpv6_type_is(m, 135);
    case OFP_PRQ_ND_TLL: return icmp6 && icmpv6_type_is(m, 136);
    }
    return false;
}

bool
ofp_field_prereq_ok(const struct ofp_field *f, const struct match *m)
{
    return prereq_ok(m, f->prereq);
}

bool
ofp_field_prereq_flow(const struct ofp_field *f, const struct flow *flow)
{
    struct match m;
    m.flow = *flow;
    flow_wildcards_init_exact(&m.wc);
    return prereq_ok(&m, f->prereq);
}

/* Writes field F of FLOW (a value or, when IS_MASK, a mask) as wire bytes into BUF (f->len). */
void
ofp_field_get(const struct ofp_field *f, const struct flow *flow, bool is_mask, uint8_t *buf)
{
    uint16_t tci = ntohs(flow->vlan_tci_be);

    if (f->id >= OXM_NX_REG0 && f->id <= OXM_NX_REG15) {
        size_t r = f->id - OXM_NX_REG0;
        ofp_set_be32(buf, r < FLOW_N_REGS ? flow->regs[r] : 0);
        return;
    }
    switch ((enum oxm_id) f->id) {
    case OXM_IN_PORT: ofp_set_be32(buf, flow->in_port); break;
    case OXM_NX_IN_PORT16: ofp_set_be16(buf, (uint16_t) flow->in_port); break;
    case OXM_METADATA: ofp_set_be64(buf, flow->metadata); break;
    case OXM_TUNNEL_ID: memcpy(buf, &flow->tun_id_be, 8); break;
    case OXM_NX_TUN_IPV4_SRC: memcpy(buf, &flow->tun_src_be, 4); break;
    case OXM_NX_TUN_IPV4_DST: memcpy(buf, &flow->tun_dst_be, 4); break;
    case OXM_NX_TUN_IPV6_SRC: memcpy(buf, flow->tun_ipv6_src, 16); break;
    case OXM_NX_TUN_IPV6_DST: memcpy(buf, flow->tun_ipv6_dst, 16); break;
    case OXM_ETH_DST: memcpy(buf, flow->dl_dst.ea, 6); break;
    case OXM_ETH_SRC: memcpy(buf, flow->dl_src.ea, 6); break;
    case OXM_ETH_TYPE: memcpy(buf, &flow->dl_type_be, 2); break;
    case OXM_VLAN_VID: ofp_set_be16(buf, tci & (VLAN_CFI | VLAN_VID_MASK)); break;
    case OXM_NX_VLAN_TCI: ofp_set_be16(buf, tci); break;
    case OXM_VLAN_PCP: buf[0] = (tci & VLAN_PCP_MASK) >> VLAN_PCP_SHIFT; break;
    case OXM_IP_DSCP: buf[0] = flow->nw_tos >> 2; break;
    case OXM_NX_IP_TOS: buf[0] = flow->nw_tos & 0xfc; break;
    case OXM_IP_ECN: buf[0] = flow->nw_tos & 3; break;
    case OXM_IP_PROTO: buf[0] = flow->nw_proto; break;
    case OXM_NX_IP_TTL: buf[0] = flow->nw_ttl; break;
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
    default: memset(buf, 0, f->len); break;
    }
}

/* Stores the wire bytes BUF of field F into FLOW (a value or, when IS_MASK, a mask). */
void
ofp_field_set(const struct ofp_field *f, struct flow *flow, bool is_mask, const uint8_t *buf)
{
    uint16_t tci = ntohs(flow->vlan_tci_be);

    if (f->id >= OXM_NX_REG0 && f->id <= OXM_NX_REG15) {
        size_t r = f->id - OXM_NX_REG0;
        if (r < FLOW_N_REGS) {
            flow->regs[r] = ofp_get_be32(buf);
        }
        return;
    }
    switch ((enum oxm_id) f->id) {
    case OXM_IN_PORT: flow->in_port = ofp_get_be32(buf); break;
    case OXM_NX_IN_PORT16: flow->in_port = ofp_get_be16(buf); break;
    case OXM_METADATA: flow->metadata = ofp_get_be64(buf); break;
    case OXM_TUNNEL_ID: memcpy(&flow->tun_id_be, buf, 8); break;
    case OXM_NX_TUN_IPV4_SRC: memcpy(&flow->tun_src_be, buf, 4); break;
    case OXM_NX_TUN_IPV4_DST: memcpy(&flow->tun_dst_be, buf, 4); break;
    case OXM_NX_TUN_IPV6_SRC: memcpy(flow->tun_ipv6_src, buf, 16); break;
    case OXM_NX_TUN_IPV6_DST: memcpy(flow->tun_ipv6_dst, buf, 16); break;
    case OXM_ETH_DST: memcpy(flow->dl_dst.ea, buf, 6); break;
    case OXM_ETH_SRC: memcpy(flow->dl_src.ea, buf, 6); break;
    case OXM_ETH_TYPE: memcpy(&flow->dl_type_be, buf, 2); break;
    case OXM_VLAN_VID:
        tci = (tci & VLAN_PCP_MASK) | (ofp_get_be16(buf) & (VLAN_CFI | VLAN_VID_MASK));
        flow->vlan_tci_be = htons(tci);
        break;
    case OXM_NX_VLAN_TCI: flow->vlan_tci_be = htons(ofp_get_be16(buf)); break;
    case OXM_VLAN_PCP:
        tci = (tci & ~VLAN_PCP_MASK) | ((buf[0] & 7) << VLAN_PCP_SHIFT);
        flow->vlan_tci_be = htons(tci);
        break;
    case OXM_IP_DSCP: flow->nw_tos = (flow->nw_tos & 3) | (buf[0] << 2); break;
    case OXM_NX_IP_TOS: flow->nw_tos = (flow->nw_tos & 3) | (buf[0] & 0xfc); break;
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
    default: break;
    }
}

bool
ofp_bits_get(const uint8_t *buf, size_t len, unsigned int bit)
{
    return (buf[len - 1 - bit / 8] >> (bit % 8)) & 1;
}

void
ofp_bits_set(uint8_t *buf, size_t len, unsigned int bit, bool value)
{
    uint8_t *p = &buf[len - 1 - bit / 8];
    *p = value ? *p | (1u << (bit % 8)) : *p & ~(1u << (bit % 8));
}

void
ofp_bits_copy(const uint8_t *src, size_t src_len, unsigned int src_ofs, uint8_t *dst,
              size_t dst_len, unsigned int dst_ofs, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++) {
        ofp_bits_set(dst, dst_len, dst_ofs + i, ofp_bits_get(src, src_len, src_ofs + i));
    }
}

/* The all-ones mask of F's significant bits, in wire bytes. */
static void
oxm_full_mask(const struct ofp_field *f, uint8_t *buf)
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
    for (size_t i = 0; i < ARRAY_SIZE(ofp_fields); i++) {
        const struct ofp_field *f = &ofp_fields[i];
        uint8_t value[16], mask[16], full[16];

        if (!f->in_match || !prereq_ok(m, f->prereq)) {
            continue;
        }
        ofp_field_get(f, &m->wc, true, mask);
        if (all_zero(mask, f->len)) {
            continue;
        }
        ofp_field_get(f, &m->flow, false, value);
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
    const struct ofp_field *f = oxm_field_lookup(oxm_class, field);
    uint8_t value[16], mask[16], full[16];

    if (!f) {
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
    ofp_field_set(f, &m->flow, false, value);
    ofp_field_set(f, &m->wc, true, mask);
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
    for (size_t i = 0; i < ARRAY_SIZE(ofp_fields); i++) {
        const struct ofp_field *f = &ofp_fields[i];
        bool hasmask = masks && f->maskable;
        if (f->oxm_class != OFPXMC_OPENFLOW_BASIC || !f->in_match) {
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

    /* Instructions: goto_table only where a later table exists. */
    static const uint16_t insts[] = {
        OFPIT_GOTO_TABLE, OFPIT_WRITE_METADATA, OFPIT_WRITE_ACTIONS, OFPIT_APPLY_ACTIONS,
        OFPIT_CLEAR_ACTIONS,
    };
    ofs = prop_start(&e, OFPTFPT_INSTRUCTIONS);
    for (size_t i = 0; i < ARRAY_SIZE(insts); i++) {
        if (insts[i] != OFPIT_GOTO_TABLE || tf->table_id < 253) {
            ofpbuf_put_be16(&e, insts[i]);
            ofpbuf_put_be16(&e, 4);
        }
    }
    prop_finish(&e, ofs);
    /* Every non-"miss" property must be present (ovs-ofctl rejects the reply otherwise), even
     * when empty. */
    ofs = prop_start(&e, OFPTFPT_NEXT_TABLES);
    for (int t = tf->table_id + 1; t <= 253; t++) {
        ofpbuf_put_u8(&e, t);
    }
    prop_finish(&e, ofs);
    static const uint16_t acts[] = {
        OFPAT_OUTPUT, OFPAT_PUSH_VLAN, OFPAT_POP_VLAN, OFPAT_SET_NW_TTL, OFPAT_DEC_NW_TTL,
        OFPAT_SET_FIELD,
    };
    for (int pass = 0; pass < 2; pass++) {
        ofs = prop_start(&e, pass ? OFPTFPT_APPLY_ACTIONS : OFPTFPT_WRITE_ACTIONS);
        for (size_t i = 0; i < ARRAY_SIZE(acts); i++) {
            ofpbuf_put_be16(&e, acts[i]);
            ofpbuf_put_be16(&e, 4);
        }
        prop_finish(&e, ofs);
    }
    ofs = prop_start(&e, OFPTFPT_MATCH);
    put_oxm_ids(&e, true);
    prop_finish(&e, ofs);
    ofs = prop_start(&e, OFPTFPT_WILDCARDS);
    put_oxm_ids(&e, false);
    prop_finish(&e, ofs);
    for (int pass = 0; pass < 2; pass++) {
        ofs = prop_start(&e, pass ? OFPTFPT_APPLY_SETFIELD : OFPTFPT_WRITE_SETFIELD);
        for (size_t i = 0; i < ARRAY_SIZE(ofp_fields); i++) {
            const struct ofp_field *f = &ofp_fields[i];
            if (f->writable && f->in_match && f->oxm_class == OFPXMC_OPENFLOW_BASIC) {
                ofpbuf_put_be16(&e, f->oxm_class);
                ofpbuf_put_u8(&e, f->oxm_field << 1);
                ofpbuf_put_u8(&e, f->len);
            }
        }
        prop_finish(&e, ofs);
    }

    ofp_set_be16(e.data, e.size);
    memcpy(ofp_mp_reply_reserve(w, e.size), e.data, e.size);
    ofpbuf_uninit(&e);
}
