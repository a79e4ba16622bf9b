/*
 * ofp-bundle — OpenFlow 1.4 bundle messages (see ofp-bundle.h).
 */
#include "ofproto/ofp-bundle.h"

#include <errno.h>

#include "lib/util.h"
#include "ofproto/ofp-msgs.h"

static int
fail(struct ofperr *err, uint16_t type, uint16_t code)
{
    *err = (struct ofperr) { type, code };
    return -EPROTO;
}

/* Checks the properties (struct ofp_bundle_prop_header: type, length >= 4, padded to 8) in
 * P[0..LEN). Returns 0 or -EPROTO. */
static int
check_props(const uint8_t *p, size_t len)
{
    while (len) {
        if (len < 4) {
            return -EPROTO;
        }
        size_t plen = ofp_get_be16(p + 2);
        size_t padded = (plen + 7) & ~(size_t) 7;
        if (plen < 4 || padded > len) {
            return -EPROTO;
        }
        p += padded;
        len -= padded;
    }
    return 0;
}

void
ofp_encode_bundle_ctrl(struct ofpbuf *out, uint8_t version, uint32_t xid,
                       const struct ofp_bundle_ctrl *bc)
{
    size_t start = ofp_msg_start(out, version, OFPT_BUNDLE_CONTROL, xid);
    ofpbuf_put_be32(out, bc->bundle_id);
    ofpbuf_put_be16(out, bc->type);
    ofpbuf_put_be16(out, bc->flags);
    ofp_msg_finish(out, start);
}

int
ofp_decode_bundle_ctrl(const void *msg, size_t len, struct ofp_bundle_ctrl *bc,
                       struct ofperr *err)
{
    const uint8_t *p = msg;

    if (len < OFP_BUNDLE_CTRL_LEN || check_props(p + OFP_BUNDLE_CTRL_LEN,
                                                 len - OFP_BUNDLE_CTRL_LEN)) {
        return fail(err, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
    }
    bc->bundle_id = ofp_get_be32(p + 8);
    bc->type = ofp_get_be16(p + 12);
    bc->flags = ofp_get_be16(p + 14);
    if (bc->type > OFPBCT_DISCARD_REPLY) {
        return fail(err, OFPET_BUNDLE_FAILED, OFPBFC_BAD_TYPE);
    }
    if (bc->flags & ~(OFPBF_ATOMIC | OFPBF_ORDERED)) {
        return fail(err, OFPET_BUNDLE_FAILED, OFPBFC_BAD_FLAGS);
    }
    return 0;
}

void
ofp_encode_bundle_add(struct ofpbuf *out, uint8_t version, uint32_t xid, uint32_t bundle_id,
                      uint16_t flags, const void *inner, size_t inner_len)
{
    size_t start = ofp_msg_start(out, version, OFPT_BUNDLE_ADD_MESSAGE, xid);
    ofpbuf_put_be32(out, bundle_id);
    ofpbuf_put_zeros(out, 2);
    ofpbuf_put_be16(out, flags);
    ofpbuf_put(out, inner, inner_len);
    ofp_msg_finish(out, start);
}

int
ofp_decode_bundle_add(const void *msg, size_t len, struct ofp_bundle_add *ba,
                      struct ofperr *err)
{
    const uint8_t *p = msg;

    if (len < OFP_BUNDLE_ADD_LEN + OFP_HEADER_LEN) {
        return fail(err, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
    }
    ba->bundle_id = ofp_get_be32(p + 8);
    ba->flags = ofp_get_be16(p + 14);
    ba->msg = p + OFP_BUNDLE_ADD_LEN;
    ba->msg_len = ofp_get_be16(ba->msg + 2);
    size_t room = len - OFP_BUNDLE_ADD_LEN;
    if (ba->msg_len < OFP_HEADER_LEN || ba->msg_len > room) {
        return fail(err, OFPET_BUNDLE_FAILED, OFPBFC_MSG_BAD_LEN);
    }
    if (ba->msg_len < room) {
        /* Properties follow the inner message, which is padded to 8 bytes. */
        size_t padded = (ba->msg_len + 7) & ~(size_t) 7;
        if (padded > room || check_props(ba->msg + padded, room - padded)) {
            return fail(err, OFPET_BUNDLE_FAILED, OFPBFC_MSG_BAD_LEN);
        }
    }
    if (ba->msg[0] != p[0]) {
        return fail(err, OFPET_BAD_REQUEST, OFPBRC_BAD_VERSION);
    }
    if (ofp_get_be32(ba->msg + 4) != ofp_get_be32(p + 4)) {
        return fail(err, OFPET_BUNDLE_FAILED, OFPBFC_MSG_BAD_XID);
    }
    if (ba->flags & ~(OFPBF_ATOMIC | OFPBF_ORDERED)) {
        return fail(err, OFPET_BUNDLE_FAILED, OFPBFC_BAD_FLAGS);
    }
    return 0;
}

const char *
ofp_bundle_ctrl_type_name(uint16_t type)
{
    static const char *const names[] = {
        "OPEN_REQUEST", "OPEN_REPLY", "CLOSE_REQUEST", "CLOSE_REPLY", "COMMIT_REQUEST",
        "COMMIT_REPLY", "DISCARD_REQUEST", "DISCARD_REPLY",
    };
    return type < ARRAY_SIZE(names) ? names[type] : "UNKNOWN";
}
