/*
 * ofp-match10 — OpenFlow 1.0's fixed struct ofp_match and its flat action list (OpenFlow 1.0.0
 * §5.2.3 and §5.2.4), converted from and to the version-independent struct match and struct
 * ofpacts. See ofp-compat.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-compat.h"

/* struct ofp10_match wildcard bits (OpenFlow 1.0.0 §5.2.3, enum ofp_flow_wildcards). */
#define OFPFW10_IN_PORT (1u << 0)
#define OFPFW10_DL_VLAN (1u << 1)
#define OFPFW10_DL_SRC (1u << 2)
#define OFPFW10_DL_DST (1u << 3)
#define OFPFW10_DL_TYPE (1u << 4)
#define OFPFW10_NW_PROTO (1u << 5)
#define OFPFW10_TP_SRC (1u << 6)
#define OFPFW10_TP_DST (1u << 7)
#define OFPFW10_NW_SRC_SHIFT 8
#define OFPFW10_NW_DST_SHIFT 14
#define OFPFW10_NW_MASK_BITS 0x3fu    /* Number of wildcarded low bits, >= 32 means all. */
#define OFPFW10_DL_VLAN_PCP (1u << 20)
#define OFPFW10_NW_TOS (1u << 21)
#define OFPFW10_ALL ((1u << 22) - 1)

/* Action types (OpenFlow 1.0.0 §5.2.4, enum ofp_action_type). */
#define OFPAT10_OUTPUT 0
#define OFPAT10_SET_VLAN_VID 1
#define OFPAT10_SET_VLAN_PCP 2
#define OFPAT10_STRIP_VLAN 3
#define OFPAT10_SET_DL_SRC 4
#define OFPAT10_SET_DL_DST 5
#define OFPAT10_SET_NW_SRC 6
#define OFPAT10_SET_NW_DST 7
#define OFPAT10_SET_NW_TOS 8
#define OFPAT10_SET_TP_SRC 9
#define OFPAT10_SET_TP_DST 10
#define OFPAT10_ENQUEUE 11
#define OFPAT10_VENDOR 0xffff

#define ETH_TYPE_ARP_ 0x0806
#define ETH_TYPE_IPV4_ 0x0800

uint16_t
ofp10_port_from_32(uint32_t port)
{
    /* Reserved ports keep their low 16 bits (0xfffffffd CONTROLLER -> 0xfffd); OFPP_ANY becomes
     * OFPP10_NONE (0xffff). Physical ports above 0xfeff have no 1.0 number: uvs never uses them. */
    return port >= OFPP_MAX ? (uint16_t) port : port > 0xfeff ? 0xffff : (uint16_t) port;
}

uint32_t
ofp10_port_to_32(uint16_t port)
{
    return port >= 0xff00 ? 0xffff0000u | port : port;
}

/* ---------------------------------------------------------------------------------------------
 * Match.
 * ------------------------------------------------------------------------------------------- */

/* Number of wildcarded low-order bits of the IPv4 mask MASK (network order): 32 - prefix length,
 * or 32 when MASK is not a prefix (1.0 cannot express it: match the whole field loosely). */
static uint32_t
nw_wild_bits(uint32_t mask_be)
{
    uint32_t mask = ntohl(mask_be);
    uint32_t inv = ~mask;
    if (inv & (inv + 1)) {
        return 32;
    }
    return mask ? (uint32_t) __builtin_ctz(mask) : 32;
}

static uint32_t
nw_mask_from_wild(uint32_t wild)
{
    return wild >= 32 ? 0 : htonl(UINT32_MAX << wild);
}

void
ofp10_put_match(uint8_t *p, const struct match *m)
{
    const struct flow *f = &m->flow, *w = &m->wc;
    static const struct eth_addr all_ones = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
    uint32_t wc = OFPFW10_ALL;

    memset(p, 0, OFP10_MATCH_LEN);
    if (w->in_port) {
        wc &= ~OFPFW10_IN_PORT;
        ofp_set_be16(p + 4, ofp10_port_from_32(f->in_port));
    }
    if (!memcmp(&w->dl_src, &all_ones, sizeof all_ones)) {
        wc &= ~OFPFW10_DL_SRC;
        memcpy(p + 6, f->dl_src.ea, 6);
    }
    if (!memcmp(&w->dl_dst, &all_ones, sizeof all_ones)) {
        wc &= ~OFPFW10_DL_DST;
        memcpy(p + 12, f->dl_dst.ea, 6);
    }
    uint16_t tci = ntohs(f->vlan_tci_be), tci_mask = ntohs(w->vlan_tci_be);
    if (tci_mask & VLAN_CFI) {
        if (!(tci & VLAN_CFI)) {
            wc &= ~OFPFW10_DL_VLAN;
            ofp_set_be16(p + 18, OFP10_NO_VLAN);
        } else {
            if ((tci_mask & VLAN_VID_MASK) == VLAN_VID_MASK) {
                wc &= ~OFPFW10_DL_VLAN;
                ofp_set_be16(p + 18, tci & VLAN_VID_MASK);
            }
            if ((tci_mask & VLAN_PCP_MASK) == VLAN_PCP_MASK) {
                wc &= ~OFPFW10_DL_VLAN_PCP;
                p[20] = (tci & VLAN_PCP_MASK) >> VLAN_PCP_SHIFT;
            }
        }
    }
    if (w->dl_type_be) {
        uint16_t type = ntohs(f->dl_type_be);
        wc &= ~OFPFW10_DL_TYPE;
        ofp_set_be16(p + 22, type);
        if (type == ETH_TYPE_IPV4_ || type == ETH_TYPE_ARP_) {
            uint32_t src_wild = nw_wild_bits(w->nw_src_be);
            uint32_t dst_wild = nw_wild_bits(w->nw_dst_be);
            wc = (wc & ~(OFPFW10_NW_MASK_BITS << OFPFW10_NW_SRC_SHIFT)
                  & ~(OFPFW10_NW_MASK_BITS << OFPFW10_NW_DST_SHIFT))
                 | src_wild << OFPFW10_NW_SRC_SHIFT | dst_wild << OFPFW10_NW_DST_SHIFT;
            memcpy(p + 28, &f->nw_src_be, 4);
            memcpy(p + 32, &f->nw_dst_be, 4);
            if (src_wild >= 32) {
                memset(p + 28, 0, 4);
            }
            if (dst_wild >= 32) {
                memset(p + 32, 0, 4);
            }
            if (w->nw_proto) {
                wc &= ~OFPFW10_NW_PROTO;
                p[25] = f->nw_proto;
            }
        }
        if (type == ETH_TYPE_IPV4_) {
            if ((w->nw_tos & 0xfc) == 0xfc) {
                wc &= ~OFPFW10_NW_TOS;
                p[24] = f->nw_tos & 0xfc;
            }
            uint8_t proto = w->nw_proto ? f->nw_proto : 0;
            if (proto == 6 || proto == 17 || proto == 1 || proto == 132) {
                if (w->tp_src_be) {
                    wc &= ~OFPFW10_TP_SRC;
                    memcpy(p + 36, &f->tp_src_be, 2);
                }
                if (w->tp_dst_be) {
                    wc &= ~OFPFW10_TP_DST;
                    memcpy(p + 38, &f->tp_dst_be, 2);
                }
            }
        }
    }
    ofp_set_be32(p, wc);
}

static int
match10_error(struct ofperr *err, uint16_t code)
{
    err->type = OFPET_BAD_MATCH;
    err->code = code;
    return -EPROTO;
}

int
ofp10_pull_match(const uint8_t *p, struct match *m, struct ofperr *err)
{
    struct flow *f = &m->flow, *w = &m->wc;
    uint32_t wc = ofp_get_be32(p);

    match_init_catchall(m);
    if (!(wc & OFPFW10_IN_PORT)) {
        f->in_port = ofp10_port_to_32(ofp_get_be16(p + 4));
        w->in_port = UINT32_MAX;
    }
    if (!(wc & OFPFW10_DL_SRC)) {
        memcpy(f->dl_src.ea, p + 6, 6);
        memset(w->dl_src.ea, 0xff, 6);
    }
    if (!(wc & OFPFW10_DL_DST)) {
        memcpy(f->dl_dst.ea, p + 12, 6);
        memset(w->dl_dst.ea, 0xff, 6);
    }
    uint16_t vid = ofp_get_be16(p + 18), tci = 0, tci_mask = 0;
    bool no_vlan = !(wc & OFPFW10_DL_VLAN) && vid == OFP10_NO_VLAN;
    if (!(wc & OFPFW10_DL_VLAN)) {
        if (no_vlan) {
            /* No tag at all (pcp is then meaningless), as OXM's vlan_vid=0 says it. */
            tci_mask = VLAN_VID_MASK | VLAN_CFI;
        } else if (vid > VLAN_VID_MASK) {
            return match10_error(err, OFPBMC_BAD_VALUE);
        } else {
            tci = vid | VLAN_CFI;
            tci_mask = VLAN_VID_MASK | VLAN_CFI;
        }
    }
    if (!(wc & OFPFW10_DL_VLAN_PCP) && !no_vlan) {
        if (p[20] > 7) {
            return match10_error(err, OFPBMC_BAD_VALUE);
        }
        tci |= (uint16_t) p[20] << VLAN_PCP_SHIFT | VLAN_CFI;
        tci_mask |= VLAN_PCP_MASK | VLAN_CFI;
    }
    f->vlan_tci_be = htons(tci);
    w->vlan_tci_be = htons(tci_mask);

    if (!(wc & OFPFW10_DL_TYPE)) {
        uint16_t type = ofp_get_be16(p + 22);
        f->dl_type_be = htons(type);
        w->dl_type_be = UINT16_MAX;
        if (type == ETH_TYPE_IPV4_ || type == ETH_TYPE_ARP_) {
            uint32_t src_wild = (wc >> OFPFW10_NW_SRC_SHIFT) & OFPFW10_NW_MASK_BITS;
            uint32_t dst_wild = (wc >> OFPFW10_NW_DST_SHIFT) & OFPFW10_NW_MASK_BITS;
            w->nw_src_be = nw_mask_from_wild(src_wild);
            w->nw_dst_be = nw_mask_from_wild(dst_wild);
            memcpy(&f->nw_src_be, p + 28, 4);
            memcpy(&f->nw_dst_be, p + 32, 4);
            if (!(wc & OFPFW10_NW_PROTO)) {
                f->nw_proto = p[25];
                w->nw_proto = UINT8_MAX;
            }
        }
        if (type == ETH_TYPE_IPV4_) {
            if (!(wc & OFPFW10_NW_TOS)) {
                f->nw_tos = p[24] & 0xfc;
                w->nw_tos = 0xfc;
            }
            uint8_t proto = w->nw_proto ? f->nw_proto : 0;
            if (proto == 6 || proto == 17 || proto == 1 || proto == 132) {
                if (!(wc & OFPFW10_TP_SRC)) {
                    memcpy(&f->tp_src_be, p + 36, 2);
                    w->tp_src_be = UINT16_MAX;
                }
                if (!(wc & OFPFW10_TP_DST)) {
                    memcpy(&f->tp_dst_be, p + 38, 2);
                    w->tp_dst_be = UINT16_MAX;
                }
                if (proto == 1) {
                    /* ICMP type and code are 8-bit values in 16-bit slots. */
                    f->tp_src_be &= htons(0xff);
                    f->tp_dst_be &= htons(0xff);
                }
            }
        }
    }
    match_normalize(m);
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Actions.
 * ------------------------------------------------------------------------------------------- */

static void
put_action_hdr(struct ofpbuf *out, uint16_t type, uint16_t len)
{
    ofpbuf_put_be16(out, type);
    ofpbuf_put_be16(out, len);
}

/* Writes set_field A natively when OpenFlow 1.0 has an action for its field; returns false
 * otherwise. */
static bool
put_set_field10(struct ofpbuf *out, const struct ofpact *a)
{
    const struct ofp_field *f = ofp_field_by_id(a->field);
    uint8_t full[16];

    if (a->load) {
        /* A partial load needs the Nicira action; a whole-field one is a set_field. */
        memset(full, 0, sizeof full);
        for (int bit = 0; bit < f->bits; bit++) {
            ofp_bits_set(full, f->len, bit, true);
        }
        if (memcmp(full, a->mask, f->len)) {
            return false;
        }
    }
    if (!strcmp(f->name, "eth_src") || !strcmp(f->name, "eth_dst")) {
        put_action_hdr(out, f->name[4] == 's' ? OFPAT10_SET_DL_SRC : OFPAT10_SET_DL_DST, 16);
        ofpbuf_put(out, a->value, 6);
        ofpbuf_put_zeros(out, 6);
    } else if (!strcmp(f->name, "ip_src") || !strcmp(f->name, "ip_dst")) {
        put_action_hdr(out, f->name[3] == 's' ? OFPAT10_SET_NW_SRC : OFPAT10_SET_NW_DST, 8);
        ofpbuf_put(out, a->value, 4);
    } else if (!strcmp(f->name, "ip_dscp")) {
        put_action_hdr(out, OFPAT10_SET_NW_TOS, 8);
        ofpbuf_put_u8(out, a->value[0] << 2);
        ofpbuf_put_zeros(out, 3);
    } else if (!strcmp(f->name, "tcp_src") || !strcmp(f->name, "udp_src")
               || !strcmp(f->name, "sctp_src")) {
        put_action_hdr(out, OFPAT10_SET_TP_SRC, 8);
        ofpbuf_put(out, a->value, 2);
        ofpbuf_put_zeros(out, 2);
    } else if (!strcmp(f->name, "tcp_dst") || !strcmp(f->name, "udp_dst")
               || !strcmp(f->name, "sctp_dst")) {
        put_action_hdr(out, OFPAT10_SET_TP_DST, 8);
        ofpbuf_put(out, a->value, 2);
        ofpbuf_put_zeros(out, 2);
    } else if (!strcmp(f->name, "vlan_vid")) {
        put_action_hdr(out, OFPAT10_SET_VLAN_VID, 8);
        ofpbuf_put_be16(out, ofp_get_be16(a->value) & VLAN_VID_MASK);
        ofpbuf_put_zeros(out, 2);
    } else if (!strcmp(f->name, "vlan_pcp")) {
        put_action_hdr(out, OFPAT10_SET_VLAN_PCP, 8);
        ofpbuf_put_u8(out, a->value[0]);
        ofpbuf_put_zeros(out, 3);
    } else {
        return false;
    }
    return true;
}

void
ofp10_put_actions(struct ofpbuf *out, const struct ofpacts *acts)
{
    for (size_t i = 0; i < acts->n; i++) {
        const struct ofpact *a = &acts->acts[i];
        if (a->write) {
            continue;
        }
        switch ((enum ofpact_type) a->type) {
        case OFPACT_OUTPUT:
            put_action_hdr(out, OFPAT10_OUTPUT, 8);
            ofpbuf_put_be16(out, ofp10_port_from_32(a->port));
            ofpbuf_put_be16(out, a->port == OFPP_CONTROLLER ? a->max_len : 0);
            break;
        case OFPACT_POP_VLAN:
            put_action_hdr(out, OFPAT10_STRIP_VLAN, 8);
            ofpbuf_put_zeros(out, 4);
            break;
        case OFPACT_SET_FIELD:
            if (!put_set_field10(out, a)) {
                ofp_put_action(out, a);
            }
            break;
        case OFPACT_SET_NW_TTL: {
            /* 1.0 has no TTL action: Open vSwitch loads NXM_NX_IP_TTL. */
            struct ofpact load = { .type = OFPACT_SET_FIELD, .load = true, .n_bits = 8 };
            load.field = ofp_field_by_name("nw_ttl")->id;
            load.value[0] = a->ttl;
            load.mask[0] = 0xff;
            ofp_put_action(out, &load);
            break;
        }
        case OFPACT_DEC_TTL:
            /* NXAST_DEC_TTL: 1.0 has no OFPAT_DEC_NW_TTL. */
            put_action_hdr(out, OFPAT10_VENDOR, 16);
            ofpbuf_put_be32(out, NX_VENDOR_ID);
            ofpbuf_put_be16(out, NXAST_DEC_TTL);
            ofpbuf_put_zeros(out, 6);
            break;
        case OFPACT_REG_MOVE:
        case OFPACT_RESUBMIT:
        case OFPACT_NOTE:
            ofp_put_action(out, a);      /* Nicira actions: the same in every version. */
            break;
        case OFPACT_PUSH_VLAN:
            /* 1.0's set_vlan_vid and set_vlan_pcp push a tag when there is none. */
        case OFPACT_GROUP:
        case OFPACT_CLEAR_ACTIONS:
        case OFPACT_WRITE_METADATA:
        case OFPACT_GOTO_TABLE:
        case OFPACT_METER:
            break;
        }
    }
}

static int
bad_action10(struct ofperr *err, uint16_t code)
{
    err->type = OFPET_BAD_ACTION;
    err->code = code;
    return -EPROTO;
}

static void
set_field10(struct ofpacts *acts, const char *name, const uint8_t *value)
{
    const struct ofp_field *f = ofp_field_by_name(name);
    struct ofpact *a = ofpacts_put(acts, OFPACT_SET_FIELD);

    a->field = f->id;
    memcpy(a->value, value, f->len);
    for (int bit = 0; bit < f->bits; bit++) {
        ofp_bits_set(a->mask, f->len, bit, true);
    }
}

/* OpenFlow 1.0's set_vlan_vid and set_vlan_pcp add a tag to an untagged packet (1.0.0
 * §5.2.4). Unless MATCH guarantees a tag, put a push_vlan before the first one (a flow whose
 * match leaves the VLAN wildcarded then tags every packet, also tagged ones). */
static void
push_vlan_if_needed(struct ofpacts *acts, const struct match *match, bool *pushed)
{
    bool tagged = match && (match->wc.vlan_tci_be & htons(VLAN_CFI))
                  && (match->flow.vlan_tci_be & htons(VLAN_CFI));
    if (!tagged && !*pushed) {
        ofpacts_put(acts, OFPACT_PUSH_VLAN)->ethertype = 0x8100;
        *pushed = true;
    }
}

int
ofp10_decode_actions(const uint8_t *p, size_t len, const struct match *match,
                     struct ofpacts *acts, struct ofperr *err)
{
    uint8_t proto = match && match->wc.nw_proto ? match->flow.nw_proto : 6;
    const char *l4 = proto == 17 ? "udp" : proto == 132 ? "sctp" : "tcp";
    char name[16];
    bool pushed = false;

    ofpacts_init(acts);
    while (len) {
        if (len < 8) {
            return bad_action10(err, OFPBAC_BAD_LEN);
        }
        uint16_t type = ofp_get_be16(p), alen = ofp_get_be16(p + 2);
        uint8_t v[8];
        if (alen < 8 || alen % 8 || alen > len) {
            return bad_action10(err, OFPBAC_BAD_LEN);
        }
        size_t want = type == OFPAT10_SET_DL_SRC || type == OFPAT10_SET_DL_DST
                      || type == OFPAT10_ENQUEUE ? 16 : 8;
        if (type != OFPAT10_VENDOR && alen != want) {
            return bad_action10(err, type > OFPAT10_ENQUEUE ? OFPBAC_BAD_TYPE : OFPBAC_BAD_LEN);
        }
        switch (type) {
        case OFPAT10_OUTPUT:
        case OFPAT10_ENQUEUE: {
            /* Queues are not modelled: an enqueue outputs to its port. */
            uint32_t port = ofp10_port_to_32(ofp_get_be16(p + 4));
            if (port == 0 || port == OFPP_ANY || (port > 0xffffff00u && port < OFPP_IN_PORT)) {
                return bad_action10(err, OFPBAC_BAD_OUT_PORT);
            }
            ofpacts_add_output(acts, port, type == OFPAT10_OUTPUT ? ofp_get_be16(p + 6) : 0);
            break;
        }
        case OFPAT10_SET_VLAN_VID:
            if (ofp_get_be16(p + 4) > VLAN_VID_MASK) {
                return bad_action10(err, OFPBAC_BAD_ARGUMENT);
            }
            push_vlan_if_needed(acts, match, &pushed);
            ofp_set_be16(v, ofp_get_be16(p + 4) | VLAN_CFI);
            set_field10(acts, "vlan_vid", v);
            break;
        case OFPAT10_SET_VLAN_PCP:
            if (p[4] > 7) {
                return bad_action10(err, OFPBAC_BAD_ARGUMENT);
            }
            push_vlan_if_needed(acts, match, &pushed);
            set_field10(acts, "vlan_pcp", p + 4);
            break;
        case OFPAT10_STRIP_VLAN:
            ofpacts_put(acts, OFPACT_POP_VLAN);
            pushed = false;
            break;
        case OFPAT10_SET_DL_SRC:
        case OFPAT10_SET_DL_DST:
            set_field10(acts, type == OFPAT10_SET_DL_SRC ? "eth_src" : "eth_dst", p + 4);
            break;
        case OFPAT10_SET_NW_SRC:
        case OFPAT10_SET_NW_DST:
            set_field10(acts, type == OFPAT10_SET_NW_SRC ? "ip_src" : "ip_dst", p + 4);
            break;
        case OFPAT10_SET_NW_TOS:
            if (p[4] & 3) {
                return bad_action10(err, OFPBAC_BAD_ARGUMENT);
            }
            v[0] = p[4] >> 2;
            set_field10(acts, "ip_dscp", v);
            break;
        case OFPAT10_SET_TP_SRC:
        case OFPAT10_SET_TP_DST:
            snprintf(name, sizeof name, "%s_%s", l4, type == OFPAT10_SET_TP_SRC ? "src" : "dst");
            set_field10(acts, name, p + 4);
            break;
        case OFPAT10_VENDOR: {
            int error = ofp_decode_nx_action(p, alen, acts, err);
            if (error) {
                return error;
            }
            break;
        }
        default:
            return bad_action10(err, OFPBAC_BAD_TYPE);
        }
        p += alen;
        len -= alen;
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * What OpenFlow 1.0 can carry.
 * ------------------------------------------------------------------------------------------- */

bool
ofp10_match_fits(const struct match *m)
{
    uint8_t wire[OFP10_MATCH_LEN];
    struct match back, norm = *m;
    struct ofperr err;

    ofp10_put_match(wire, m);
    match_normalize(&norm);
    return !ofp10_pull_match(wire, &back, &err) && match_equal(&back, &norm);
}

const char *
ofp10_actions_problem(const struct ofpacts *acts)
{
    for (size_t i = 0; i < acts->n; i++) {
        const struct ofpact *a = &acts->acts[i];
        const struct ofpact *next = i + 1 < acts->n ? &acts->acts[i + 1] : NULL;

        if (a->write) {
            return "write_actions";
        }
        switch ((enum ofpact_type) a->type) {
        case OFPACT_GROUP: return "group";
        case OFPACT_METER: return "meter";
        case OFPACT_CLEAR_ACTIONS: return "clear_actions";
        case OFPACT_WRITE_METADATA: return "write_metadata";
        case OFPACT_GOTO_TABLE: return "goto_table";
        case OFPACT_PUSH_VLAN:
            /* Only as the tag that the next set_vlan_vid / set_vlan_pcp pushes. */
            if (!next || next->type != OFPACT_SET_FIELD
                || (ofp_field_by_id(next->field)->prereq != OFP_PRQ_VLAN
                    && strcmp(ofp_field_by_id(next->field)->name, "vlan_vid"))) {
                return "push_vlan (other than before a VLAN set_field)";
            }
            break;
        default:
            break;
        }
    }
    return NULL;
}

