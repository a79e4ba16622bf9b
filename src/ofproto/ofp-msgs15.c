/*
 * ofp-msgs15 — the OpenFlow 1.5 (wire version 0x06) forms of the messages that changed since 1.3
 * (OpenFlow 1.5.1 §7): packet-out with a match, flow descriptions, aggregate replies and
 * flow-removed with OXS statistics, group-mod and group descriptions with bucket ids and
 * properties; and ofp15_upgrade(), which also turns the 1.4/1.5 port bodies (OpenFlow 1.4.1
 * §7.2.1, §7.3.5.7) back into the 1.3 ones. See ofp-compat.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-compat.h"

/* OXS statistics fields (OpenFlow 1.5.1 §7.2.4.2), class OFPXSC_OPENFLOW_BASIC. */
#define OFPXSC_OPENFLOW_BASIC 0x8002
#define OFPXST_OFB_DURATION 0
#define OFPXST_OFB_IDLE_TIME 1
#define OFPXST_OFB_FLOW_COUNT 3
#define OFPXST_OFB_PACKET_COUNT 4
#define OFPXST_OFB_BYTE_COUNT 5

/* Group bucket properties (OpenFlow 1.5.1 §7.3.4.3). */
#define OFPGBPT15_WEIGHT 0
#define OFPGBPT15_WATCH_PORT 1
#define OFPGBPT15_WATCH_GROUP 2
#define OFPG15_BUCKET_ALL 0xffffffffu

#define OFP15_FLOW_DESC_FIXED_LEN 24
#define OFP15_FLOW_REMOVED_FIXED_LEN 24
#define OFP15_PACKET_OUT_FIXED_LEN 16
#define OFP15_GROUP_MOD_FIXED_LEN 24
#define OFP15_GROUP_DESC_FIXED_LEN 16
#define OFP15_BUCKET_FIXED_LEN 8
#define OFP14_PORT_LEN 72
#define OFP14_PORT_STATS_LEN 120

static int
err15(struct ofperr *err, uint16_t type, uint16_t code)
{
    err->type = type;
    err->code = code;
    return -EPROTO;
}

static int
bad_len15(struct ofperr *err)
{
    return err15(err, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

/* ---------------------------------------------------------------------------------------------
 * OXS statistics (struct ofp_stats).
 * ------------------------------------------------------------------------------------------- */

static void
put_oxs(struct ofpbuf *out, uint8_t field, uint8_t len)
{
    ofpbuf_put_be16(out, OFPXSC_OPENFLOW_BASIC);
    ofpbuf_put_u8(out, field << 1);
    ofpbuf_put_u8(out, len);
}

static void
put_stats(struct ofpbuf *out, const struct ofp15_stats *st)
{
    size_t start = out->size;

    ofpbuf_put_be16(out, 0);           /* reserved */
    ofpbuf_put_be16(out, 0);           /* length, below */
    if (st->has_duration) {
        put_oxs(out, OFPXST_OFB_DURATION, 8);
        ofpbuf_put_be32(out, st->duration_sec);
        ofpbuf_put_be32(out, st->duration_nsec);
    }
    if (st->has_flow_count) {
        put_oxs(out, OFPXST_OFB_FLOW_COUNT, 4);
        ofpbuf_put_be32(out, st->flow_count);
    }
    put_oxs(out, OFPXST_OFB_PACKET_COUNT, 8);
    ofpbuf_put_be64(out, st->packet_count);
    put_oxs(out, OFPXST_OFB_BYTE_COUNT, 8);
    ofpbuf_put_be64(out, st->byte_count);
    size_t len = out->size - start;
    ofp_set_be16(out->data + start + 2, len);
    ofpbuf_put_zeros(out, (len + 7) / 8 * 8 - len);
}

/* Reads the struct ofp_stats at *P (*LEFT bytes) and advances past it and its padding. Unknown
 * OXS fields are skipped. Returns 0 or -EPROTO (BAD_LEN). */
static int
pull_stats(const uint8_t **pp, size_t *left, struct ofp15_stats *st, struct ofperr *err)
{
    const uint8_t *p = *pp;

    memset(st, 0, sizeof *st);
    if (*left < 4) {
        return bad_len15(err);
    }
    size_t len = ofp_get_be16(p + 2), padded = (len + 7) / 8 * 8;
    if (len < 4 || padded > *left) {
        return bad_len15(err);
    }
    for (size_t off = 4; off < len;) {
        if (len - off < 4 || len - off < 4 + (size_t) p[off + 3]) {
            return bad_len15(err);
        }
        uint16_t cls = ofp_get_be16(p + off);
        uint8_t field = p[off + 2] >> 1, flen = p[off + 3];
        const uint8_t *v = p + off + 4;
        if (cls == OFPXSC_OPENFLOW_BASIC) {
            if (field == OFPXST_OFB_DURATION && flen == 8) {
                st->has_duration = true;
                st->duration_sec = ofp_get_be32(v);
                st->duration_nsec = ofp_get_be32(v + 4);
            } else if (field == OFPXST_OFB_FLOW_COUNT && flen == 4) {
                st->has_flow_count = true;
                st->flow_count = ofp_get_be32(v);
            } else if (field == OFPXST_OFB_PACKET_COUNT && flen == 8) {
                st->packet_count = ofp_get_be64(v);
            } else if (field == OFPXST_OFB_BYTE_COUNT && flen == 8) {
                st->byte_count = ofp_get_be64(v);
            }
        }
        off += 4 + flen;
    }
    *pp += padded;
    *left -= padded;
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Encoders.
 * ------------------------------------------------------------------------------------------- */

void
ofp15_encode_packet_out(struct ofpbuf *out, uint32_t xid, const struct ofp_packet_out *po)
{
    size_t start = ofp_msg_start(out, OFP15_VERSION, OFPT_PACKET_OUT, xid);
    struct match m;

    ofpbuf_put_be32(out, po->buffer_id);
    size_t len_ofs = out->size;
    ofpbuf_put_be16(out, 0);
    ofpbuf_put_zeros(out, 2);
    match_init_catchall(&m);
    m.flow.in_port = po->in_port;
    m.wc.in_port = UINT32_MAX;
    ofp_put_match(out, &m);
    size_t acts = out->size;
    ofp_put_actions_version(out, OFP15_VERSION, &po->ofpacts);
    ofp_set_be16(out->data + len_ofs, out->size - acts);
    ofpbuf_put(out, po->data, po->data_len);
    ofp_msg_finish(out, start);
}

void
ofp15_mp_put_flow_stats(struct ofp_mp_writer *w, const struct ofp_flow_stats *fs)
{
    struct ofp15_stats st = {
        .has_duration = true, .duration_sec = fs->duration_sec,
        .duration_nsec = fs->duration_nsec, .packet_count = fs->packet_count,
        .byte_count = fs->byte_count,
    };
    struct ofpbuf e;

    ofpbuf_init(&e, 256);
    ofpbuf_put_be16(&e, 0);
    ofpbuf_put_zeros(&e, 2);
    ofpbuf_put_u8(&e, fs->table_id);
    ofpbuf_put_u8(&e, 0);
    ofpbuf_put_be16(&e, fs->priority);
    ofpbuf_put_be16(&e, fs->idle_timeout);
    ofpbuf_put_be16(&e, fs->hard_timeout);
    ofpbuf_put_be16(&e, fs->flags);
    ofpbuf_put_be16(&e, 0);              /* importance */
    ofpbuf_put_be64(&e, fs->cookie);
    ofp_put_match(&e, &fs->match);
    put_stats(&e, &st);
    ofp_put_instructions_version(&e, OFP15_VERSION, &fs->ofpacts);
    ofp_set_be16(e.data, e.size);
    memcpy(ofp_mp_reply_reserve(w, e.size), e.data, e.size);
    ofpbuf_uninit(&e);
}

void
ofp15_mp_put_aggregate(struct ofp_mp_writer *w, const struct ofp_aggregate_stats *a)
{
    struct ofp15_stats st = {
        .has_flow_count = true, .flow_count = a->flow_count, .packet_count = a->packet_count,
        .byte_count = a->byte_count,
    };
    struct ofpbuf e;

    ofpbuf_init(&e, 64);
    put_stats(&e, &st);
    memcpy(ofp_mp_reply_reserve(w, e.size), e.data, e.size);
    ofpbuf_uninit(&e);
}

void
ofp15_encode_flow_removed(struct ofpbuf *out, uint32_t xid, const struct ofp_flow_removed *fr)
{
    size_t start = ofp_msg_start(out, OFP15_VERSION, OFPT_FLOW_REMOVED, xid);
    struct ofp15_stats st = {
        .has_duration = true, .duration_sec = fr->duration_sec,
        .duration_nsec = fr->duration_nsec, .packet_count = fr->packet_count,
        .byte_count = fr->byte_count,
    };

    ofpbuf_put_u8(out, fr->table_id);
    ofpbuf_put_u8(out, fr->reason);
    ofpbuf_put_be16(out, fr->priority);
    ofpbuf_put_be16(out, fr->idle_timeout);
    ofpbuf_put_be16(out, fr->hard_timeout);
    ofpbuf_put_be64(out, fr->cookie);
    ofp_put_match(out, &fr->match);
    put_stats(out, &st);
    ofp_msg_finish(out, start);
}

static void
put_bucket_prop(struct ofpbuf *out, uint16_t type, uint32_t value, bool is16)
{
    ofpbuf_put_be16(out, type);
    ofpbuf_put_be16(out, 8);
    if (is16) {
        ofpbuf_put_be16(out, value);
        ofpbuf_put_zeros(out, 2);
    } else {
        ofpbuf_put_be32(out, value);
    }
}

/* Appends GM's buckets in the 1.5 form (ids 0, 1, ...) and returns their total length. */
static size_t
put_buckets15(struct ofpbuf *out, const struct ofp_group_mod *gm)
{
    size_t all = out->size;

    for (size_t i = 0; i < gm->n_buckets; i++) {
        const struct ofp_bucket *b = &gm->buckets[i];
        size_t start = out->size;
        ofpbuf_put_be16(out, 0);
        ofpbuf_put_be16(out, 0);
        ofpbuf_put_be32(out, i);
        size_t acts = out->size;
        ofp_put_actions_version(out, OFP15_VERSION, &b->ofpacts);
        ofp_set_be16(out->data + start + 2, out->size - acts);
        if (gm->type == OFPGT_SELECT) {
            put_bucket_prop(out, OFPGBPT15_WEIGHT, b->weight, true);
        }
        if (b->watch_port != OFPP_ANY) {
            put_bucket_prop(out, OFPGBPT15_WATCH_PORT, b->watch_port, false);
        }
        if (b->watch_group != OFPG_ANY) {
            put_bucket_prop(out, OFPGBPT15_WATCH_GROUP, b->watch_group, false);
        }
        ofp_set_be16(out->data + start, out->size - start);
    }
    return out->size - all;
}

void
ofp15_encode_group_mod(struct ofpbuf *out, uint32_t xid, const struct ofp_group_mod *gm)
{
    size_t start = ofp_msg_start(out, OFP15_VERSION, OFPT_GROUP_MOD, xid);
    ofpbuf_put_be16(out, gm->command);
    ofpbuf_put_u8(out, gm->type);
    ofpbuf_put_u8(out, 0);
    ofpbuf_put_be32(out, gm->group_id);
    size_t len_ofs = out->size;
    ofpbuf_put_be16(out, 0);
    ofpbuf_put_zeros(out, 2);
    ofpbuf_put_be32(out, OFPG15_BUCKET_ALL);
    size_t n = put_buckets15(out, gm);
    ofp_set_be16(out->data + len_ofs, n);
    ofp_msg_finish(out, start);
}

void
ofp15_mp_put_group_desc(struct ofp_mp_writer *w, const struct ofp_group_mod *gm)
{
    struct ofpbuf e;

    ofpbuf_init(&e, 128);
    ofpbuf_put_be16(&e, 0);
    ofpbuf_put_u8(&e, gm->type);
    ofpbuf_put_u8(&e, 0);
    ofpbuf_put_be32(&e, gm->group_id);
    ofpbuf_put_be16(&e, 0);
    ofpbuf_put_zeros(&e, 6);
    size_t n = put_buckets15(&e, gm);
    ofp_set_be16(e.data + 8, n);
    ofp_set_be16(e.data, e.size);
    memcpy(ofp_mp_reply_reserve(w, e.size), e.data, e.size);
    ofpbuf_uninit(&e);
}

/* ---------------------------------------------------------------------------------------------
 * Upgrade: 1.4/1.5 message -> 1.3 message.
 * ------------------------------------------------------------------------------------------- */

static int
group_err15(struct ofperr *err, uint16_t code)
{
    return err15(err, OFPET_GROUP_MOD_FAILED, code);
}

/* Reads LEN bytes of 1.5 buckets into GM. */
static int
pull_buckets15(const uint8_t *p, size_t len, struct ofp_group_mod *gm, struct ofperr *err)
{
    while (len) {
        size_t blen = len >= OFP15_BUCKET_FIXED_LEN ? ofp_get_be16(p) : 0;
        size_t alen = len >= OFP15_BUCKET_FIXED_LEN ? ofp_get_be16(p + 2) : 0;
        if (blen < OFP15_BUCKET_FIXED_LEN || blen > len || blen % 8
            || alen > blen - OFP15_BUCKET_FIXED_LEN) {
            return group_err15(err, OFPGMFC_BAD_BUCKET);
        }
        gm->buckets = xrealloc(gm->buckets, (gm->n_buckets + 1) * sizeof *gm->buckets);
        struct ofp_bucket *b = &gm->buckets[gm->n_buckets++];
        memset(b, 0, sizeof *b);
        b->weight = gm->type == OFPGT_SELECT ? 1 : 0;
        b->watch_port = OFPP_ANY;
        b->watch_group = OFPG_ANY;
        int error = ofp_decode_actions(p + OFP15_BUCKET_FIXED_LEN, alen, &b->ofpacts, err);
        if (error) {
            return error;
        }
        const uint8_t *q = p + OFP15_BUCKET_FIXED_LEN + alen;
        size_t left = blen - OFP15_BUCKET_FIXED_LEN - alen;
        while (left) {
            size_t plen = left >= 4 ? ofp_get_be16(q + 2) : 0;
            if (plen < 4 || plen > left) {
                return group_err15(err, OFPGMFC_BAD_BUCKET);
            }
            uint16_t type = ofp_get_be16(q);
            if (type == OFPGBPT15_WEIGHT && plen >= 6) {
                b->weight = ofp_get_be16(q + 4);
            } else if (type == OFPGBPT15_WATCH_PORT && plen >= 8) {
                b->watch_port = ofp_get_be32(q + 4);
            } else if (type == OFPGBPT15_WATCH_GROUP && plen >= 8) {
                b->watch_group = ofp_get_be32(q + 4);
            }
            size_t padded = (plen + 7) / 8 * 8;
            padded = padded > left ? left : padded;
            q += padded;
            left -= padded;
        }
        p += blen;
        len -= blen;
    }
    return 0;
}

static int
upgrade_group_mod(const uint8_t *p, size_t len, uint32_t xid, struct ofpbuf *out,
                  struct ofperr *err)
{
    struct ofp_group_mod gm;

    ofp_group_mod_init(&gm);
    if (len < OFP15_GROUP_MOD_FIXED_LEN) {
        return bad_len15(err);
    }
    size_t blen = ofp_get_be16(p + 16);
    if (blen > len - OFP15_GROUP_MOD_FIXED_LEN) {
        return bad_len15(err);
    }
    gm.command = ofp_get_be16(p + 8);
    gm.type = p[10];
    gm.group_id = ofp_get_be32(p + 12);
    /* OFPGC15_INSERT_BUCKET (3) and REMOVE_BUCKET (4) are not supported. */
    if (gm.command > OFPGC_DELETE) {
        return group_err15(err, OFPGMFC_BAD_COMMAND);
    }
    if (gm.type > OFPGT_FF) {
        return group_err15(err, OFPGMFC_BAD_TYPE);
    }
    int error = pull_buckets15(p + OFP15_GROUP_MOD_FIXED_LEN, blen, &gm, err);
    if (!error) {
        ofp_encode_group_mod(out, OFP13_VERSION, xid, &gm);
    }
    ofp_group_mod_destroy(&gm);
    return error;
}

static int
upgrade_packet_out(const uint8_t *p, size_t len, uint32_t xid, struct ofpbuf *out,
                   struct ofperr *err)
{
    struct ofp_packet_out po;
    struct match m;

    memset(&po, 0, sizeof po);
    if (len < OFP15_PACKET_OUT_FIXED_LEN + 8) {
        return bad_len15(err);
    }
    po.buffer_id = ofp_get_be32(p + 8);
    size_t acts_len = ofp_get_be16(p + 12);
    const uint8_t *q = p + OFP15_PACKET_OUT_FIXED_LEN;
    size_t left = len - OFP15_PACKET_OUT_FIXED_LEN;
    int error = ofp_pull_match(&q, &left, &m, err);
    if (error) {
        return error;
    }
    if (acts_len > left) {
        return bad_len15(err);
    }
    /* Only in_port may be given (1.5.1 §7.3.7: other fields are for pipeline fields). */
    po.in_port = m.wc.in_port ? m.flow.in_port : OFPP_CONTROLLER;
    /* Re-encode as 1.3: fixed part, the actions as they are, the packet. */
    size_t start = ofp_msg_start(out, OFP13_VERSION, OFPT_PACKET_OUT, xid);
    ofpbuf_put_be32(out, po.buffer_id);
    ofpbuf_put_be32(out, po.in_port);
    ofpbuf_put_be16(out, acts_len);
    ofpbuf_put_zeros(out, 6);
    ofpbuf_put(out, q, left);
    ofp_msg_finish(out, start);
    return 0;
}

static int
upgrade_flow_removed(const uint8_t *p, size_t len, uint32_t xid, struct ofpbuf *out,
                     struct ofperr *err)
{
    struct ofp_flow_removed fr;
    struct ofp15_stats st;

    memset(&fr, 0, sizeof fr);
    if (len < OFP15_FLOW_REMOVED_FIXED_LEN + 8) {
        return bad_len15(err);
    }
    fr.table_id = p[8];
    fr.reason = p[9];
    fr.priority = ofp_get_be16(p + 10);
    fr.idle_timeout = ofp_get_be16(p + 12);
    fr.hard_timeout = ofp_get_be16(p + 14);
    fr.cookie = ofp_get_be64(p + 16);
    const uint8_t *q = p + OFP15_FLOW_REMOVED_FIXED_LEN;
    size_t left = len - OFP15_FLOW_REMOVED_FIXED_LEN;
    int error = ofp_pull_match(&q, &left, &fr.match, err);
    if (!error) {
        error = pull_stats(&q, &left, &st, err);
    }
    if (error) {
        return error;
    }
    fr.duration_sec = st.duration_sec;
    fr.duration_nsec = st.duration_nsec;
    fr.packet_count = st.packet_count;
    fr.byte_count = st.byte_count;
    ofp_encode_flow_removed(out, OFP13_VERSION, xid, &fr);
    return 0;
}

/* Reads a 1.4 struct ofp_port (OpenFlow 1.4.1 §7.2.1, with its Ethernet property). */
static int
pull_port14(const uint8_t *p, size_t len, struct ofp_phy_port *pp, struct ofperr *err)
{
    memset(pp, 0, sizeof *pp);
    if (len < 40) {
        return bad_len15(err);
    }
    pp->port_no = ofp_get_be32(p);
    memcpy(pp->hw_addr.ea, p + 8, ETH_ADDR_LEN);
    memcpy(pp->name, p + 16, OFP_MAX_PORT_NAME_LEN - 1);
    pp->config = ofp_get_be32(p + 32);
    pp->state = ofp_get_be32(p + 36);
    for (size_t off = 40; off + 4 <= len;) {
        size_t plen = ofp_get_be16(p + off + 2);
        if (plen < 4 || off + plen > len) {
            return bad_len15(err);
        }
        if (ofp_get_be16(p + off) == 0 && plen >= 32) {      /* OFPPDPT_ETHERNET */
            const uint8_t *q = p + off;
            pp->curr = ofp_get_be32(q + 8);
            pp->advertised = ofp_get_be32(q + 12);
            pp->supported = ofp_get_be32(q + 16);
            pp->peer = ofp_get_be32(q + 20);
            pp->curr_speed = ofp_get_be32(q + 24);
            pp->max_speed = ofp_get_be32(q + 28);
        }
        off += (plen + 7) / 8 * 8;
    }
    return 0;
}

static int
upgrade_reply(const uint8_t *p, size_t len, uint32_t xid, struct ofpbuf *out, struct ofperr *err)
{
    uint16_t type = ofp_get_be16(p + 8), flags = ofp_get_be16(p + 10);
    const uint8_t *body = p + OFP_MULTIPART_HEADER_LEN;
    size_t left = len - OFP_MULTIPART_HEADER_LEN;
    size_t start = out->size;
    struct ofp_mp_writer w;
    int error = 0;

    if (p[0] < OFP15_VERSION && type != OFPMP_PORT_DESC && type != OFPMP_PORT_STATS) {
        return 1;
    }
    if (type != OFPMP_PORT_DESC && type != OFPMP_PORT_STATS && type != OFPMP_FLOW
        && type != OFPMP_AGGREGATE && type != OFPMP_GROUP_DESC) {
        return 1;
    }
    ofp_mp_reply_start(&w, out, OFP13_VERSION, type, xid);
    while (left && !error) {
        /* Entry lengths: the first field, except in struct ofp_port (after port_no). */
        size_t elen = type == OFPMP_AGGREGATE ? left
                      : type == OFPMP_PORT_DESC ? (left >= 6 ? ofp_get_be16(body + 4) : 0)
                      : left >= 2 ? ofp_get_be16(body) : 0;
        if (type == OFPMP_FLOW && elen >= OFP15_FLOW_DESC_FIXED_LEN && elen <= left) {
            struct ofp_flow_stats fs;
            struct ofp15_stats st;
            const uint8_t *q = body + OFP15_FLOW_DESC_FIXED_LEN;
            size_t qleft = elen - OFP15_FLOW_DESC_FIXED_LEN;
            memset(&fs, 0, sizeof fs);
            ofpacts_init(&fs.ofpacts);
            fs.table_id = body[4];
            fs.priority = ofp_get_be16(body + 6);
            fs.idle_timeout = ofp_get_be16(body + 8);
            fs.hard_timeout = ofp_get_be16(body + 10);
            fs.flags = ofp_get_be16(body + 12);
            fs.cookie = ofp_get_be64(body + 16);
            error = ofp_pull_match(&q, &qleft, &fs.match, err);
            if (!error) {
                error = pull_stats(&q, &qleft, &st, err);
            }
            if (!error) {
                error = ofp_decode_instructions(q, qleft, &fs.ofpacts, err);
            }
            if (!error) {
                fs.duration_sec = st.duration_sec;
                fs.duration_nsec = st.duration_nsec;
                fs.packet_count = st.packet_count;
                fs.byte_count = st.byte_count;
                ofp_mp_put_flow_stats(&w, &fs);
            }
            ofpacts_destroy(&fs.ofpacts);
        } else if (type == OFPMP_AGGREGATE) {
            struct ofp15_stats st;
            const uint8_t *q = body;
            size_t qleft = left;
            error = pull_stats(&q, &qleft, &st, err);
            if (!error) {
                struct ofp_aggregate_stats a = {
                    .packet_count = st.packet_count, .byte_count = st.byte_count,
                    .flow_count = st.flow_count,
                };
                ofp_mp_put_aggregate(&w, &a);
            }
        } else if (type == OFPMP_GROUP_DESC && elen >= OFP15_GROUP_DESC_FIXED_LEN
                   && elen <= left && ofp_get_be16(body + 8) <= elen - 16) {
            struct ofp_group_mod gm;
            ofp_group_mod_init(&gm);
            gm.type = body[2];
            gm.group_id = ofp_get_be32(body + 4);
            error = pull_buckets15(body + OFP15_GROUP_DESC_FIXED_LEN, ofp_get_be16(body + 8),
                                   &gm, err);
            if (!error) {
                ofp_mp_put_group_desc(&w, &gm);
            }
            ofp_group_mod_destroy(&gm);
        } else if (type == OFPMP_PORT_DESC && elen >= 40 && elen <= left) {
            struct ofp_phy_port pp;
            error = pull_port14(body, elen, &pp, err);
            if (!error) {
                ofp_mp_put_port(&w, &pp);
            }
        } else if (type == OFPMP_PORT_STATS && elen >= 80 && elen <= left) {
            struct ofp_port_stats s;
            uint64_t *c[8] = {
                &s.rx_packets, &s.tx_packets, &s.rx_bytes, &s.tx_bytes, &s.rx_dropped,
                &s.tx_dropped, &s.rx_errors, &s.tx_errors,
            };
            memset(&s, 0, sizeof s);
            s.port_no = ofp_get_be32(body + 4);
            s.duration_sec = ofp_get_be32(body + 8);
            s.duration_nsec = ofp_get_be32(body + 12);
            for (size_t i = 0; i < 8; i++) {
                *c[i] = ofp_get_be64(body + 16 + 8 * i);
            }
            s.rx_frame_err = s.rx_over_err = s.rx_crc_err = s.collisions = UINT64_MAX;
            if (elen >= OFP14_PORT_STATS_LEN && ofp_get_be16(body + 80) == 0) {
                s.rx_frame_err = ofp_get_be64(body + 88);
                s.rx_over_err = ofp_get_be64(body + 96);
                s.rx_crc_err = ofp_get_be64(body + 104);
                s.collisions = ofp_get_be64(body + 112);
            }
            ofp_mp_put_port_stats(&w, &s);
        } else {
            error = bad_len15(err);
        }
        body += elen;
        left -= elen;
    }
    if (error) {
        out->size = start;
        return error;
    }
    ofp_mp_reply_finish(&w);
    /* The writer set REPLY_MORE on all messages but its last; that one keeps the peer's flag. */
    ofp_set_be16(out->data + w.start + 10, flags);
    return 0;
}

int
ofp15_upgrade(const uint8_t *p, size_t len, struct ofpbuf *out, struct ofperr *err)
{
    uint32_t xid = ofp_get_be32(p + 4);
    bool v15 = p[0] >= OFP15_VERSION;

    switch (p[1]) {
    case OFPT_PORT_STATUS: {
        struct ofp_phy_port pp;
        if (len < 16 + 40) {
            return bad_len15(err);
        }
        int error = pull_port14(p + 16, len - 16, &pp, err);
        if (!error) {
            ofp_encode_port_status(out, OFP13_VERSION, xid, p[8], &pp);
        }
        return error;
    }
    case OFPT_MULTIPART_REQUEST: {
        /* 1.5 port-description and group-description requests name a port or group (1.5.1
         * §7.3.5.8, §7.3.5.11); 1.3's have no body. uvs answers with all of them. */
        uint16_t type = len >= OFP_MULTIPART_HEADER_LEN ? ofp_get_be16(p + 8) : 0;
        if (!v15 || len != OFP_MULTIPART_HEADER_LEN + 8
            || (type != OFPMP_PORT_DESC && type != OFPMP_GROUP_DESC)) {
            return 1;
        }
        uint8_t *q = ofpbuf_put(out, p, OFP_MULTIPART_HEADER_LEN);
        ofp_set_be16(q + 2, OFP_MULTIPART_HEADER_LEN);
        return 0;
    }
    case OFPT_MULTIPART_REPLY:
        if (len < OFP_MULTIPART_HEADER_LEN) {
            return bad_len15(err);
        }
        return upgrade_reply(p, len, xid, out, err);
    case OFPT_PACKET_OUT:
        return v15 ? upgrade_packet_out(p, len, xid, out, err) : 1;
    case OFPT_GROUP_MOD:
        return v15 ? upgrade_group_mod(p, len, xid, out, err) : 1;
    case OFPT_FLOW_REMOVED:
        return v15 ? upgrade_flow_removed(p, len, xid, out, err) : 1;
    default:
        return 1;
    }
}
