/*
 * ofp-async — OpenFlow 1.4 asynchronous configuration and role status (see ofp-async.h).
 */
#include "ofproto/ofp-async.h"

#include <errno.h>
#include <string.h>

#include "ofproto/ofp-bundle.h"

#define ASYNC_PROP_LEN 8
#define ROLE_STATUS_LEN 24

/* Reason bits each kind defines (OpenFlow 1.4.1 §7.4.1-7.4.5). */
static const uint32_t valid_reasons[OFP_ASYNC_N_KINDS] = {
    [OFP_ASYNC_PACKET_IN] = 0x3f,        /* no_match ... packet_out */
    [OFP_ASYNC_PORT_STATUS] = 0x7,       /* add, delete, modify */
    [OFP_ASYNC_FLOW_REMOVED] = 0x3f,     /* idle, hard, delete, group/meter delete, eviction */
    [OFP_ASYNC_ROLE_STATUS] = 0x7,       /* master request, config, experimenter */
    [OFP_ASYNC_TABLE_STATUS] = 0x18,     /* vacancy down (3), vacancy up (4) */
    [OFP_ASYNC_REQUESTFORWARD] = 0x3,    /* group mod, meter mod */
};

void
ofp_async_props_from13(struct ofp_async_props *p, const struct ofp_async_config *c)
{
    for (int i = 0; i < 2; i++) {
        p->masks[OFP_ASYNC_PACKET_IN][i] = c->packet_in_mask[i];
        p->masks[OFP_ASYNC_PORT_STATUS][i] = c->port_status_mask[i];
        p->masks[OFP_ASYNC_FLOW_REMOVED][i] = c->flow_removed_mask[i];
    }
}

void
ofp_async_props_to13(const struct ofp_async_props *p, struct ofp_async_config *c)
{
    for (int i = 0; i < 2; i++) {
        c->packet_in_mask[i] = p->masks[OFP_ASYNC_PACKET_IN][i];
        c->port_status_mask[i] = p->masks[OFP_ASYNC_PORT_STATUS][i];
        c->flow_removed_mask[i] = p->masks[OFP_ASYNC_FLOW_REMOVED][i];
    }
}

void
ofp_encode_async_props(struct ofpbuf *out, uint8_t version, uint8_t type, uint32_t xid,
                       const struct ofp_async_props *p)
{
    size_t start = ofp_msg_start(out, version, type, xid);
    for (int kind = 0; kind < OFP_ASYNC_N_KINDS; kind++) {
        for (int master = 0; master < 2; master++) {
            ofpbuf_put_be16(out, 2 * kind + master);
            ofpbuf_put_be16(out, ASYNC_PROP_LEN);
            ofpbuf_put_be32(out, p->masks[kind][!master]);
        }
    }
    ofp_msg_finish(out, start);
}

int
ofp_decode_async_props(const void *msg, size_t len, struct ofp_async_props *props,
                       struct ofperr *err)
{
    const uint8_t *p = msg;
    struct ofp_async_props new = *props;

    if (len < OFP_HEADER_LEN) {
        goto bad_len;
    }
    for (size_t ofs = OFP_HEADER_LEN; ofs < len; ofs += ASYNC_PROP_LEN) {
        if (len - ofs < 4) {
            goto bad_len;
        }
        uint16_t type = ofp_get_be16(p + ofs), plen = ofp_get_be16(p + ofs + 2);
        if (type >= 0xfffe) {
            /* Experimenter properties: none known; skip them whole (padded to 8). */
            size_t padded = (plen + 7u) & ~7u;
            if (plen < 4 || padded > len - ofs) {
                goto bad_len;
            }
            ofs += padded - ASYNC_PROP_LEN;
            continue;
        }
        if (plen != ASYNC_PROP_LEN || len - ofs < ASYNC_PROP_LEN) {
            goto bad_len;
        }
        if (type >= 2 * OFP_ASYNC_N_KINDS) {
            *err = (struct ofperr) { OFPET_ASYNC_CONFIG_FAILED, OFPACFC_UNSUPPORTED };
            return -EPROTO;
        }
        uint32_t mask = ofp_get_be32(p + ofs + 4);
        if (mask & ~valid_reasons[type / 2]) {
            *err = (struct ofperr) { OFPET_ASYNC_CONFIG_FAILED, OFPACFC_INVALID };
            return -EPROTO;
        }
        new.masks[type / 2][!(type & 1)] = mask;
    }
    *props = new;
    return 0;

bad_len:
    *err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BAD_LEN };
    return -EPROTO;
}

void
ofp_encode_role_status(struct ofpbuf *out, uint8_t version, uint32_t xid,
                       const struct ofp_role_status *rs)
{
    size_t start = ofp_msg_start(out, version, OFPT_ROLE_STATUS, xid);
    ofpbuf_put_be32(out, rs->role);
    ofpbuf_put_u8(out, rs->reason);
    ofpbuf_put_zeros(out, 3);
    ofpbuf_put_be64(out, rs->generation_id);
    ofp_msg_finish(out, start);
}

int
ofp_decode_role_status(const void *msg, size_t len, struct ofp_role_status *rs,
                       struct ofperr *err)
{
    const uint8_t *p = msg;

    if (len < ROLE_STATUS_LEN) {
        *err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BAD_LEN };
        return -EPROTO;
    }
    rs->role = ofp_get_be32(p + 8);
    rs->reason = p[12];
    rs->generation_id = ofp_get_be64(p + 16);
    return 0;
}
