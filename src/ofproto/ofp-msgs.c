/*
 * ofp-msgs — OpenFlow message encoders and decoders (see ofp-msgs.h): the 1.3 forms, the 1.4 port
 * forms, and the dispatch to the 1.0 and 1.5 forms of ofp-msgs10.c and ofp-msgs15.c. The match
 * and instruction codec lives in ofp-util.c and ofp-actions.c.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-compat.h"
#include "ofproto/ofp-msgs.h"

/* ---------------------------------------------------------------------------------------------
 * Buffer.
 * ------------------------------------------------------------------------------------------- */

void
ofpbuf_init(struct ofpbuf *b, size_t capacity)
{
    b->data = capacity ? xmalloc(capacity) : NULL;
    b->size = 0;
    b->alloc = capacity;
}

void
ofpbuf_uninit(struct ofpbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->size = b->alloc = 0;
}

void
ofpbuf_clear(struct ofpbuf *b)
{
    b->size = 0;
}

void *
ofpbuf_put_uninit(struct ofpbuf *b, size_t n)
{
    if (b->alloc - b->size < n) {
        size_t alloc = b->alloc ? b->alloc : 64;
        while (alloc - b->size < n) {
            alloc *= 2;
        }
        b->data = xrealloc(b->data, alloc);
        b->alloc = alloc;
    }
    void *p = b->data + b->size;
    b->size += n;
    return p;
}

void *
ofpbuf_put_zeros(struct ofpbuf *b, size_t n)
{
    void *p = ofpbuf_put_uninit(b, n);
    memset(p, 0, n);
    return p;
}

void *
ofpbuf_put(struct ofpbuf *b, const void *data, size_t n)
{
    void *p = ofpbuf_put_uninit(b, n);
    if (n) {
        memcpy(p, data, n);
    }
    return p;
}

void
ofpbuf_put_u8(struct ofpbuf *b, uint8_t v)
{
    *(uint8_t *) ofpbuf_put_uninit(b, 1) = v;
}

void
ofpbuf_put_be16(struct ofpbuf *b, uint16_t v)
{
    ofp_set_be16(ofpbuf_put_uninit(b, 2), v);
}

void
ofpbuf_put_be32(struct ofpbuf *b, uint32_t v)
{
    ofp_set_be32(ofpbuf_put_uninit(b, 4), v);
}

void
ofpbuf_put_be64(struct ofpbuf *b, uint64_t v)
{
    ofp_set_be64(ofpbuf_put_uninit(b, 8), v);
}

void
ofpbuf_pull(struct ofpbuf *b, size_t n)
{
    if (n >= b->size) {
        b->size = 0;
    } else {
        memmove(b->data, b->data + n, b->size - n);
        b->size -= n;
    }
}

uint16_t
ofp_get_be16(const void *p_)
{
    const uint8_t *p = p_;
    return (uint16_t) (p[0] << 8 | p[1]);
}

uint32_t
ofp_get_be32(const void *p_)
{
    const uint8_t *p = p_;
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

uint64_t
ofp_get_be64(const void *p_)
{
    const uint8_t *p = p_;
    return (uint64_t) ofp_get_be32(p) << 32 | ofp_get_be32(p + 4);
}

void
ofp_set_be16(void *p_, uint16_t v)
{
    uint8_t *p = p_;
    p[0] = v >> 8;
    p[1] = v;
}

void
ofp_set_be32(void *p_, uint32_t v)
{
    uint8_t *p = p_;
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

void
ofp_set_be64(void *p_, uint64_t v)
{
    uint8_t *p = p_;
    ofp_set_be32(p, v >> 32);
    ofp_set_be32(p + 4, (uint32_t) v);
}

/* ---------------------------------------------------------------------------------------------
 * Framing.
 * ------------------------------------------------------------------------------------------- */

static int
bad_len(struct ofperr *err)
{
    err->type = OFPET_BAD_REQUEST;
    err->code = OFPBRC_BAD_LEN;
    return -EPROTO;
}

int
ofp_msg_frame_len(const void *data, size_t size)
{
    if (size < OFP_HEADER_LEN) {
        return 0;
    }
    uint16_t len = ofp_get_be16((const uint8_t *) data + 2);
    return len < OFP_HEADER_LEN ? -EPROTO : len;
}

int
ofp_decode_header(const void *data, size_t size, struct ofp_msg_header *h, struct ofperr *err)
{
    const uint8_t *p = data;

    if (size < OFP_HEADER_LEN || ofp_get_be16(p + 2) != size) {
        return bad_len(err);
    }
    h->version = p[0];
    h->type = p[0] == OFP10_VERSION ? ofp10_type_to_13(p[1]) : p[1];
    h->length = size;
    h->xid = ofp_get_be32(p + 4);
    return 0;
}

size_t
ofp_msg_start(struct ofpbuf *out, uint8_t version, uint8_t type, uint32_t xid)
{
    size_t offset = out->size;
    ofpbuf_put_u8(out, version);
    ofpbuf_put_u8(out, version == OFP10_VERSION ? ofp10_type_from_13(type) : type);
    ofpbuf_put_be16(out, 0);
    ofpbuf_put_be32(out, xid);
    return offset;
}

void
ofp_msg_finish(struct ofpbuf *out, size_t offset)
{
    ofp_set_be16(out->data + offset + 2, out->size - offset);
}

void
ofp_encode_simple(struct ofpbuf *out, uint8_t version, uint8_t type, uint32_t xid)
{
    ofp_msg_finish(out, ofp_msg_start(out, version, type, xid));
}

int
ofp_msg_upgrade(const void *msg, size_t len, struct ofpbuf *out, struct ofperr *err)
{
    return ofp_msg_upgrade_flags(msg, len, 0, out, err);
}

int
ofp_msg_upgrade_flags(const void *msg, size_t len, unsigned int flags, struct ofpbuf *out,
                      struct ofperr *err)
{
    const uint8_t *p = msg;

    if (len < OFP_HEADER_LEN || ofp_get_be16(p + 2) != len) {
        return bad_len(err);
    }
    if (p[1] == OFPT_HELLO) {
        return 1;                 /* Same type number everywhere; negotiation reads its version. */
    }
    size_t start = out->size;
    int error = p[0] == OFP10_VERSION ? ofp10_upgrade(p, len, flags, out, err)
                : p[0] >= OFP14_VERSION ? ofp15_upgrade(p, len, out, err) : 1;
    if (error < 0) {
        out->size = start;
    } else if (!error) {
        /* Keep the peer's version byte, so printers show the version spoken. A reply may have
         * grown into several messages (each at most 64 KiB); all get it. */
        for (size_t ofs = start; ofs + OFP_HEADER_LEN <= out->size;
             ofs += ofp_get_be16(out->data + ofs + 2)) {
            out->data[ofs] = p[0];
        }
    }
    return error;
}

#define NXT_FLOW_MOD_TABLE_ID 15

int
ofp_decode_nx_flow_mod_table_id(const void *msg, size_t len, bool *enable, struct ofperr *err)
{
    const uint8_t *p = msg;

    if (len < 16 || ofp_get_be32(p + 8) != NX_VENDOR_ID
        || ofp_get_be32(p + 12) != NXT_FLOW_MOD_TABLE_ID) {
        return -ENOENT;
    }
    if (len != 24) {
        return bad_len(err);
    }
    *enable = p[16] != 0;
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * HELLO.
 * ------------------------------------------------------------------------------------------- */

#define OFPHET_VERSIONBITMAP 1

void
ofp_encode_hello(struct ofpbuf *out, uint32_t versions, uint32_t xid)
{
    uint8_t top = 0;
    for (uint8_t v = 1; v < 32; v++) {
        if (versions & OFP_VERSION_BIT(v)) {
            top = v;
        }
    }
    if (!top) {
        /* Nothing allowed (Bridge.protocols names only versions uvs lacks): an empty bitmap
         * makes the peer fail the negotiation with a reason. */
        top = OFP13_VERSION;
    }
    size_t start = ofp_msg_start(out, top, OFPT_HELLO, xid);
    /* Version bitmaps are only understood from OpenFlow 1.3 on. */
    if (top >= OFP13_VERSION) {
        ofpbuf_put_be16(out, OFPHET_VERSIONBITMAP);
        ofpbuf_put_be16(out, 8);
        ofpbuf_put_be32(out, versions);
    }
    ofp_msg_finish(out, start);
}

int
ofp_decode_hello(const void *msg, size_t len, uint32_t *versions, struct ofperr *err)
{
    const uint8_t *p = msg;
    bool have_bitmap = false;

    if (len < OFP_HEADER_LEN) {
        return bad_len(err);
    }
    uint8_t version = p[0];
    /* Without a bitmap the peer supports every version up to its header's (§6.3.1). */
    *versions = 0;
    for (uint8_t v = 1; v <= version && v < 32; v++) {
        *versions |= OFP_VERSION_BIT(v);
    }
    p += OFP_HEADER_LEN;
    len -= OFP_HEADER_LEN;
    while (len >= 4) {
        uint16_t type = ofp_get_be16(p);
        uint16_t elen = ofp_get_be16(p + 2);
        size_t padded = ((size_t) elen + 7) / 8 * 8;
        if (elen < 4 || elen > len) {
            return bad_len(err);
        }
        if (type == OFPHET_VERSIONBITMAP) {
            if ((elen - 4) % 4) {
                return bad_len(err);
            }
            if (!have_bitmap) {
                *versions = 0;
                have_bitmap = true;
            }
            /* Only the first 32-bit word matters to us (versions 0..31). */
            if (elen >= 8) {
                *versions |= ofp_get_be32(p + 4);
            }
        }
        if (padded > len) {
            padded = len;   /* Tolerate a missing final pad. */
        }
        p += padded;
        len -= padded;
    }
    return 0;
}

uint8_t
ofp_negotiate_version(uint32_t ours, uint32_t theirs)
{
    uint32_t common = ours & theirs;
    for (int v = 31; v > 0; v--) {
        if (common & OFP_VERSION_BIT(v)) {
            return v;
        }
    }
    return 0;
}

const char *
ofp_version_to_string(uint8_t version)
{
    static const char *const names[] = {
        [OFP10_VERSION] = "OF1.0", [0x02] = "OF1.1", [0x03] = "OF1.2",
        [OFP13_VERSION] = "OF1.3", [OFP14_VERSION] = "OF1.4", [OFP15_VERSION] = "OF1.5",
    };
    static _Thread_local char buf[16];

    if (version < ARRAY_SIZE(names) && names[version]) {
        return names[version];
    }
    snprintf(buf, sizeof buf, "OF0x%02x", version);
    return buf;
}

/* ---------------------------------------------------------------------------------------------
 * ERROR, ECHO, FEATURES, CONFIG.
 * ------------------------------------------------------------------------------------------- */

void
ofp_encode_error(struct ofpbuf *out, uint8_t version, uint32_t xid, struct ofperr e,
                 const void *data, size_t data_len)
{
    if (version == OFP10_VERSION) {
        e = ofp10_error_from_13(e);
    }
    size_t start = ofp_msg_start(out, version, OFPT_ERROR, xid);
    ofpbuf_put_be16(out, e.type);
    ofpbuf_put_be16(out, e.code);
    ofpbuf_put(out, data, data_len);
    ofp_msg_finish(out, start);
}

int
ofp_decode_error(const void *msg, size_t len, struct ofperr *error, const uint8_t **data,
                 size_t *data_len, struct ofperr *err)
{
    const uint8_t *p = msg;

    if (len < OFP_HEADER_LEN + 4) {
        return bad_len(err);
    }
    error->type = ofp_get_be16(p + 8);
    error->code = ofp_get_be16(p + 10);
    *data = p + 12;
    *data_len = len - 12;
    return 0;
}

void
ofp_encode_echo(struct ofpbuf *out, uint8_t version, uint8_t type, uint32_t xid,
                const void *data, size_t data_len)
{
    size_t start = ofp_msg_start(out, version, type, xid);
    ofpbuf_put(out, data, data_len);
    ofp_msg_finish(out, start);
}

#define OFP_FEATURES_REPLY_LEN 32

void
ofp_encode_features_reply(struct ofpbuf *out, uint8_t version, uint32_t xid,
                          const struct ofp_switch_features *f)
{
    if (version == OFP10_VERSION) {
        ofp10_encode_features_reply(out, xid, f);
        return;
    }
    size_t start = ofp_msg_start(out, version, OFPT_FEATURES_REPLY, xid);
    ofpbuf_put_be64(out, f->datapath_id);
    ofpbuf_put_be32(out, f->n_buffers);
    ofpbuf_put_u8(out, f->n_tables);
    ofpbuf_put_u8(out, f->auxiliary_id);
    ofpbuf_put_zeros(out, 2);
    ofpbuf_put_be32(out, f->capabilities);
    ofpbuf_put_be32(out, 0);          /* reserved */
    ofp_msg_finish(out, start);
}

int
ofp_decode_features_reply(const void *msg, size_t len, struct ofp_switch_features *f,
                          struct ofperr *err)
{
    const uint8_t *p = msg;

    if (len != OFP_FEATURES_REPLY_LEN) {
        return bad_len(err);
    }
    f->datapath_id = ofp_get_be64(p + 8);
    f->n_buffers = ofp_get_be32(p + 16);
    f->n_tables = p[20];
    f->auxiliary_id = p[21];
    f->capabilities = ofp_get_be32(p + 24);
    f->ports = NULL;            /* The 1.3 form carries none (the 1.0 ones come as port-descs). */
    f->n_ports = 0;
    return 0;
}

void
ofp_encode_switch_config(struct ofpbuf *out, uint8_t version, uint8_t type, uint32_t xid,
                         const struct ofp_switch_config *c)
{
    size_t start = ofp_msg_start(out, version, type, xid);
    ofpbuf_put_be16(out, c->flags);
    ofpbuf_put_be16(out, c->miss_send_len);
    ofp_msg_finish(out, start);
}

int
ofp_decode_switch_config(const void *msg, size_t len, struct ofp_switch_config *c,
                         struct ofperr *err)
{
    const uint8_t *p = msg;

    if (len != OFP_HEADER_LEN + 4) {
        return bad_len(err);
    }
    c->flags = ofp_get_be16(p + 8);
    c->miss_send_len = ofp_get_be16(p + 10);
    if (c->flags & ~OFPC_FRAG_MASK) {
        err->type = OFPET_SWITCH_CONFIG_FAILED;
        err->code = OFPSCFC_BAD_FLAGS;
        return -EPROTO;
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * FLOW_MOD.
 * ------------------------------------------------------------------------------------------- */

#define OFP_FLOW_MOD_FIXED_LEN 48   /* Header through pad, before the match. */

void
ofp_encode_flow_mod(struct ofpbuf *out, uint8_t version, uint32_t xid,
                    const struct ofp_flow_mod *fm)
{
    if (version == OFP10_VERSION) {
        ofp10_encode_flow_mod(out, xid, fm);
        return;
    }
    size_t start = ofp_msg_start(out, version, OFPT_FLOW_MOD, xid);
    ofpbuf_put_be64(out, fm->cookie);
    ofpbuf_put_be64(out, fm->cookie_mask);
    ofpbuf_put_u8(out, fm->table_id);
    ofpbuf_put_u8(out, fm->command);
    ofpbuf_put_be16(out, fm->idle_timeout);
    ofpbuf_put_be16(out, fm->hard_timeout);
    ofpbuf_put_be16(out, fm->priority);
    ofpbuf_put_be32(out, fm->buffer_id);
    ofpbuf_put_be32(out, fm->out_port);
    ofpbuf_put_be32(out, fm->out_group);
    ofpbuf_put_be16(out, fm->flags);
    ofpbuf_put_zeros(out, 2);
    ofp_put_match(out, &fm->match);
    ofp_put_instructions_version(out, version, &fm->ofpacts);
    ofp_msg_finish(out, start);
}

char *
ofp_flow_mod_version_problem(const struct ofp_flow_mod *fm, uint8_t version)
{
    if (version != OFP10_VERSION) {
        return NULL;
    }
    if (!ofp10_match_fits(&fm->match)) {
        return xstrdup("its match uses fields or masks OpenFlow 1.0 cannot carry (registers, "
                       "metadata, IPv6, ARP hardware addresses, non-prefix masks...)");
    }
    const char *what = ofp10_actions_problem(&fm->ofpacts);
    return what ? xasprintf("OpenFlow 1.0 has no %s", what) : NULL;
}

int
ofp_decode_flow_mod(const void *msg, size_t len, struct ofp_flow_mod *fm, struct ofperr *err)
{
    const uint8_t *p = msg;

    ofp_flow_mod_init(fm);
    if (len < OFP_FLOW_MOD_FIXED_LEN + 8) {
        return bad_len(err);
    }
    fm->cookie = ofp_get_be64(p + 8);
    fm->cookie_mask = ofp_get_be64(p + 16);
    fm->table_id = p[24];
    uint8_t command = p[25];
    fm->idle_timeout = ofp_get_be16(p + 26);
    fm->hard_timeout = ofp_get_be16(p + 28);
    fm->priority = ofp_get_be16(p + 30);
    fm->buffer_id = ofp_get_be32(p + 32);
    fm->out_port = ofp_get_be32(p + 36);
    fm->out_group = ofp_get_be32(p + 40);
    fm->flags = ofp_get_be16(p + 44);
    if (command > OFPFC_DELETE_STRICT) {
        err->type = OFPET_FLOW_MOD_FAILED;
        err->code = OFPFMFC_BAD_COMMAND;
        return -EPROTO;
    }
    fm->command = command;
    if (fm->flags & ~(OFPFF_SEND_FLOW_REM | OFPFF_CHECK_OVERLAP | OFPFF_RESET_COUNTS
                      | OFPFF_NO_PKT_COUNTS | OFPFF_NO_BYT_COUNTS)) {
        err->type = OFPET_FLOW_MOD_FAILED;
        err->code = OFPFMFC_BAD_FLAGS;
        return -EPROTO;
    }

    const uint8_t *q = p + OFP_FLOW_MOD_FIXED_LEN;
    size_t left = len - OFP_FLOW_MOD_FIXED_LEN;
    int error = ofp_pull_match(&q, &left, &fm->match, err);
    if (error) {
        return error;
    }
    if (fm->command == OFPFC_DELETE || fm->command == OFPFC_DELETE_STRICT) {
        /* Instructions of a delete are ignored (OpenFlow 1.3.5 §7.3.4.1). */
        return 0;
    }
    return ofp_decode_instructions(q, left, &fm->ofpacts, err);
}

/* ---------------------------------------------------------------------------------------------
 * MULTIPART.
 * ------------------------------------------------------------------------------------------- */

int
ofp_decode_multipart(const void *msg, size_t len, struct ofp_multipart *mp, struct ofperr *err)
{
    const uint8_t *p = msg;

    if (len < OFP_MULTIPART_HEADER_LEN) {
        return bad_len(err);
    }
    mp->type = ofp_get_be16(p + 8);
    mp->flags = ofp_get_be16(p + 10);
    mp->body = p + OFP_MULTIPART_HEADER_LEN;
    mp->body_len = len - OFP_MULTIPART_HEADER_LEN;
    return 0;
}

static size_t
mp_start(struct ofpbuf *out, uint8_t version, uint8_t type, uint32_t xid, uint16_t mp_type,
         uint16_t flags)
{
    size_t start = ofp_msg_start(out, version, type, xid);
    ofpbuf_put_be16(out, mp_type);
    ofpbuf_put_be16(out, flags);
    if (version != OFP10_VERSION) {
        ofpbuf_put_zeros(out, 4);       /* 1.0's stats header has no pad. */
    }
    return start;
}

void
ofp_encode_multipart_request(struct ofpbuf *out, uint8_t version, uint32_t xid, uint16_t type,
                             const void *body, size_t body_len)
{
    size_t start = mp_start(out, version, OFPT_MULTIPART_REQUEST, xid, type, 0);
    ofpbuf_put(out, body, body_len);
    if (version >= OFP15_VERSION && !body_len
        && (type == OFPMP_PORT_DESC || type == OFPMP_GROUP_DESC)) {
        /* OpenFlow 1.5.1 §7.3.5.8, §7.3.5.11: these requests name a port / group (all). */
        ofpbuf_put_be32(out, type == OFPMP_PORT_DESC ? OFPP_ANY : 0xfffffffcu /* OFPG_ALL */);
        ofpbuf_put_zeros(out, 4);
    }
    ofp_msg_finish(out, start);
}

#define OFP_FLOW_STATS_REQUEST_FIXED_LEN 32

void
ofp_encode_flow_stats_request(struct ofpbuf *out, uint8_t version, uint32_t xid,
                              const struct ofp_flow_stats_request *fsr)
{
    if (version == OFP10_VERSION) {
        ofp10_encode_flow_stats_request(out, xid, fsr);
        return;
    }
    size_t start = mp_start(out, version, OFPT_MULTIPART_REQUEST, xid,
                            fsr->aggregate ? OFPMP_AGGREGATE : OFPMP_FLOW, 0);
    ofpbuf_put_u8(out, fsr->table_id);
    ofpbuf_put_zeros(out, 3);
    ofpbuf_put_be32(out, fsr->out_port);
    ofpbuf_put_be32(out, fsr->out_group);
    ofpbuf_put_zeros(out, 4);
    ofpbuf_put_be64(out, fsr->cookie);
    ofpbuf_put_be64(out, fsr->cookie_mask);
    ofp_put_match(out, &fsr->match);
    ofp_msg_finish(out, start);
}

int
ofp_decode_flow_stats_request(uint16_t mp_type, const uint8_t *body, size_t len,
                              struct ofp_flow_stats_request *fsr, struct ofperr *err)
{
    memset(fsr, 0, sizeof *fsr);
    fsr->aggregate = mp_type == OFPMP_AGGREGATE;
    if (len < OFP_FLOW_STATS_REQUEST_FIXED_LEN + 8) {
        return bad_len(err);
    }
    fsr->table_id = body[0];
    fsr->out_port = ofp_get_be32(body + 4);
    fsr->out_group = ofp_get_be32(body + 8);
    fsr->cookie = ofp_get_be64(body + 16);
    fsr->cookie_mask = ofp_get_be64(body + 24);
    const uint8_t *p = body + OFP_FLOW_STATS_REQUEST_FIXED_LEN;
    size_t left = len - OFP_FLOW_STATS_REQUEST_FIXED_LEN;
    int error = ofp_pull_match(&p, &left, &fsr->match, err);
    if (!error && left) {
        return bad_len(err);
    }
    return error;
}

void
ofp_encode_port_stats_request(struct ofpbuf *out, uint8_t version, uint32_t xid,
                              uint32_t port_no)
{
    if (version == OFP10_VERSION) {
        ofp10_encode_port_stats_request(out, xid, port_no);
        return;
    }
    uint8_t body[8] = { 0 };
    ofp_set_be32(body, port_no);
    ofp_encode_multipart_request(out, version, xid, OFPMP_PORT_STATS, body, sizeof body);
}

int
ofp_decode_port_stats_request(const uint8_t *body, size_t len, uint32_t *port_no,
                              struct ofperr *err)
{
    if (len != 8) {
        return bad_len(err);
    }
    *port_no = ofp_get_be32(body);
    return 0;
}

/* Reply writer. */

void
ofp_mp_reply_start(struct ofp_mp_writer *w, struct ofpbuf *out, uint8_t version, uint16_t type,
                   uint32_t xid)
{
    w->out = out;
    /* 1.0 replies stay under 32 KiB, so their 1.3 form (ofp_msg_upgrade(); 1.3 entries are at
     * most twice as long) fits one message. */
    w->max_len = version == OFP10_VERSION ? OFP_MP_REPLY_MAX / 2 : OFP_MP_REPLY_MAX;
    w->version = version;
    w->type = type;
    w->xid = xid;
    w->start = mp_start(out, version, OFPT_MULTIPART_REPLY, xid, type, 0);
}

void *
ofp_mp_reply_reserve(struct ofp_mp_writer *w, size_t n)
{
    size_t hdr_len = w->version == OFP10_VERSION ? OFP10_STATS_HEADER_LEN
                                                 : OFP_MULTIPART_HEADER_LEN;
    if (w->out->size - w->start + n > w->max_len && w->out->size - w->start > hdr_len) {
        uint8_t *msg = w->out->data + w->start;
        ofp_set_be16(msg + 10, OFPMPF_REPLY_MORE);
        ofp_msg_finish(w->out, w->start);
        w->start = mp_start(w->out, w->version, OFPT_MULTIPART_REPLY, w->xid, w->type, 0);
    }
    return ofpbuf_put_zeros(w->out, n);
}

void
ofp_mp_reply_finish(struct ofp_mp_writer *w)
{
    ofp_msg_finish(w->out, w->start);
}

static void
put_string(uint8_t *dst, const char *src, size_t n)
{
    /* DST is zeroed; keep at least one NUL. */
    size_t len = strnlen(src, n - 1);
    memcpy(dst, src, len);
}

static void
get_string(char *dst, const uint8_t *src, size_t n)
{
    size_t len = strnlen((const char *) src, n);
    if (len > n - 1) {
        len = n - 1;
    }
    memcpy(dst, src, len);
    dst[len] = '\0';
}

#define OFP_DESC_LEN (4 * DESC_STR_LEN + SERIAL_NUM_LEN)

void
ofp_mp_put_desc(struct ofp_mp_writer *w, const struct ofp_desc *d)
{
    uint8_t *p = ofp_mp_reply_reserve(w, OFP_DESC_LEN);
    put_string(p, d->mfr_desc, DESC_STR_LEN);
    put_string(p + 256, d->hw_desc, DESC_STR_LEN);
    put_string(p + 512, d->sw_desc, DESC_STR_LEN);
    put_string(p + 768, d->serial_num, SERIAL_NUM_LEN);
    put_string(p + 800, d->dp_desc, DESC_STR_LEN);
}

int
ofp_decode_desc_reply(const uint8_t *body, size_t len, struct ofp_desc *d, struct ofperr *err)
{
    if (len != OFP_DESC_LEN) {
        return bad_len(err);
    }
    get_string(d->mfr_desc, body, DESC_STR_LEN);
    get_string(d->hw_desc, body + 256, DESC_STR_LEN);
    get_string(d->sw_desc, body + 512, DESC_STR_LEN);
    get_string(d->serial_num, body + 768, SERIAL_NUM_LEN);
    get_string(d->dp_desc, body + 800, DESC_STR_LEN);
    return 0;
}

#define OFP_FLOW_STATS_FIXED_LEN 48

void
ofp_mp_put_flow_stats(struct ofp_mp_writer *w, const struct ofp_flow_stats *fs)
{
    if (w->version == OFP10_VERSION) {
        ofp10_mp_put_flow_stats(w, fs);
        return;
    } else if (w->version >= OFP15_VERSION) {
        ofp15_mp_put_flow_stats(w, fs);
        return;
    }
    /* Encode into a scratch buffer first: the entry's length is only known afterwards. */
    struct ofpbuf e;
    ofpbuf_init(&e, 256);
    ofpbuf_put_be16(&e, 0);
    ofpbuf_put_u8(&e, fs->table_id);
    ofpbuf_put_u8(&e, 0);
    ofpbuf_put_be32(&e, fs->duration_sec);
    ofpbuf_put_be32(&e, fs->duration_nsec);
    ofpbuf_put_be16(&e, fs->priority);
    ofpbuf_put_be16(&e, fs->idle_timeout);
    ofpbuf_put_be16(&e, fs->hard_timeout);
    ofpbuf_put_be16(&e, fs->flags);
    ofpbuf_put_zeros(&e, 4);
    ofpbuf_put_be64(&e, fs->cookie);
    ofpbuf_put_be64(&e, fs->packet_count);
    ofpbuf_put_be64(&e, fs->byte_count);
    ofp_put_match(&e, &fs->match);
    ofp_put_instructions(&e, &fs->ofpacts);
    ofp_set_be16(e.data, e.size);
    memcpy(ofp_mp_reply_reserve(w, e.size), e.data, e.size);
    ofpbuf_uninit(&e);
}

int
ofp_pull_flow_stats(const uint8_t **pp, size_t *left, struct ofp_flow_stats *fs,
                    struct ofperr *err)
{
    const uint8_t *p = *pp;

    memset(fs, 0, sizeof *fs);
    ofpacts_init(&fs->ofpacts);
    if (!*left) {
        return -ENOENT;
    }
    if (*left < OFP_FLOW_STATS_FIXED_LEN + 8) {
        return bad_len(err);
    }
    size_t len = ofp_get_be16(p);
    if (len < OFP_FLOW_STATS_FIXED_LEN + 8 || len > *left || len % 8) {
        return bad_len(err);
    }
    fs->table_id = p[2];
    fs->duration_sec = ofp_get_be32(p + 4);
    fs->duration_nsec = ofp_get_be32(p + 8);
    fs->priority = ofp_get_be16(p + 12);
    fs->idle_timeout = ofp_get_be16(p + 14);
    fs->hard_timeout = ofp_get_be16(p + 16);
    fs->flags = ofp_get_be16(p + 18);
    fs->cookie = ofp_get_be64(p + 24);
    fs->packet_count = ofp_get_be64(p + 32);
    fs->byte_count = ofp_get_be64(p + 40);
    fs->idle_age = UINT32_MAX;

    const uint8_t *q = p + OFP_FLOW_STATS_FIXED_LEN;
    size_t qleft = len - OFP_FLOW_STATS_FIXED_LEN;
    int error = ofp_pull_match(&q, &qleft, &fs->match, err);
    if (!error) {
        error = ofp_decode_instructions(q, qleft, &fs->ofpacts, err);
    }
    if (error) {
        return error;
    }
    *pp += len;
    *left -= len;
    return 0;
}

#define OFP_AGGREGATE_REPLY_LEN 24

void
ofp_mp_put_aggregate(struct ofp_mp_writer *w, const struct ofp_aggregate_stats *a)
{
    if (w->version >= OFP15_VERSION) {
        ofp15_mp_put_aggregate(w, a);
        return;
    }
    uint8_t *p = ofp_mp_reply_reserve(w, OFP_AGGREGATE_REPLY_LEN);
    ofp_set_be64(p, a->packet_count);
    ofp_set_be64(p + 8, a->byte_count);
    ofp_set_be32(p + 16, a->flow_count);
}

int
ofp_decode_aggregate_reply(const uint8_t *body, size_t len, struct ofp_aggregate_stats *a,
                           struct ofperr *err)
{
    if (len != OFP_AGGREGATE_REPLY_LEN) {
        return bad_len(err);
    }
    a->packet_count = ofp_get_be64(body);
    a->byte_count = ofp_get_be64(body + 8);
    a->flow_count = ofp_get_be32(body + 16);
    return 0;
}

#define OFP_TABLE_STATS_LEN 24

void
ofp_mp_put_table_stats(struct ofp_mp_writer *w, const struct ofp_table_stats *t)
{
    if (w->version == OFP10_VERSION) {
        ofp10_mp_put_table_stats(w, t);
        return;
    }
    uint8_t *p = ofp_mp_reply_reserve(w, OFP_TABLE_STATS_LEN);
    p[0] = t->table_id;
    ofp_set_be32(p + 4, t->active_count);
    ofp_set_be64(p + 8, t->lookup_count);
    ofp_set_be64(p + 16, t->matched_count);
}

/* Common part of the fixed-size entry pullers. */
static const uint8_t *
pull_fixed(const uint8_t **pp, size_t *left, size_t n, int *error, struct ofperr *err)
{
    const uint8_t *p = *pp;

    if (!*left) {
        *error = -ENOENT;
        return NULL;
    }
    if (*left < n) {
        *error = bad_len(err);
        return NULL;
    }
    *pp += n;
    *left -= n;
    *error = 0;
    return p;
}

int
ofp_pull_table_stats(const uint8_t **pp, size_t *left, struct ofp_table_stats *t,
                     struct ofperr *err)
{
    int error;
    const uint8_t *p = pull_fixed(pp, left, OFP_TABLE_STATS_LEN, &error, err);
    if (p) {
        t->table_id = p[0];
        t->active_count = ofp_get_be32(p + 4);
        t->lookup_count = ofp_get_be64(p + 8);
        t->matched_count = ofp_get_be64(p + 16);
    }
    return error;
}

#define OFP_PORT_STATS_LEN 112
#define OFP14_PORT_STATS_LEN 120     /* 80 bytes and a 40-byte Ethernet property. */

void
ofp_mp_put_port_stats(struct ofp_mp_writer *w, const struct ofp_port_stats *s)
{
    if (w->version == OFP10_VERSION) {
        ofp10_mp_put_port_stats(w, s);
        return;
    }
    if (w->version >= OFP14_VERSION) {
        /* OpenFlow 1.4.1 §7.3.5.7: a length, the common counters, then an Ethernet property
         * (type 0, 40 bytes) with frame, overrun, CRC errors and collisions. */
        uint8_t *q = ofp_mp_reply_reserve(w, OFP14_PORT_STATS_LEN);
        const uint64_t c[8] = {
            s->rx_packets, s->tx_packets, s->rx_bytes, s->tx_bytes, s->rx_dropped,
            s->tx_dropped, s->rx_errors, s->tx_errors,
        };
        memset(q, 0, OFP14_PORT_STATS_LEN);
        ofp_set_be16(q, OFP14_PORT_STATS_LEN);
        ofp_set_be32(q + 4, s->port_no);
        ofp_set_be32(q + 8, s->duration_sec);
        ofp_set_be32(q + 12, s->duration_nsec);
        for (size_t i = 0; i < 8; i++) {
            ofp_set_be64(q + 16 + 8 * i, c[i]);
        }
        ofp_set_be16(q + 80, 0);
        ofp_set_be16(q + 82, 40);
        ofp_set_be64(q + 88, s->rx_frame_err);
        ofp_set_be64(q + 96, s->rx_over_err);
        ofp_set_be64(q + 104, s->rx_crc_err);
        ofp_set_be64(q + 112, s->collisions);
        return;
    }
    uint8_t *p = ofp_mp_reply_reserve(w, OFP_PORT_STATS_LEN);
    const uint64_t c[12] = {
        s->rx_packets, s->tx_packets, s->rx_bytes, s->tx_bytes, s->rx_dropped, s->tx_dropped,
        s->rx_errors, s->tx_errors, s->rx_frame_err, s->rx_over_err, s->rx_crc_err, s->collisions,
    };
    ofp_set_be32(p, s->port_no);
    for (size_t i = 0; i < 12; i++) {
        ofp_set_be64(p + 8 + 8 * i, c[i]);
    }
    ofp_set_be32(p + 104, s->duration_sec);
    ofp_set_be32(p + 108, s->duration_nsec);
}

int
ofp_pull_port_stats(const uint8_t **pp, size_t *left, struct ofp_port_stats *s,
                    struct ofperr *err)
{
    int error;
    const uint8_t *p = pull_fixed(pp, left, OFP_PORT_STATS_LEN, &error, err);
    if (p) {
        uint64_t *c[12] = {
            &s->rx_packets, &s->tx_packets, &s->rx_bytes, &s->tx_bytes, &s->rx_dropped,
            &s->tx_dropped, &s->rx_errors, &s->tx_errors, &s->rx_frame_err, &s->rx_over_err,
            &s->rx_crc_err, &s->collisions,
        };
        s->port_no = ofp_get_be32(p);
        for (size_t i = 0; i < 12; i++) {
            *c[i] = ofp_get_be64(p + 8 + 8 * i);
        }
        s->duration_sec = ofp_get_be32(p + 104);
        s->duration_nsec = ofp_get_be32(p + 108);
    }
    return error;
}

#define OFP_PORT_LEN 64
#define OFP14_PORT_LEN 72            /* 40 bytes and a 32-byte Ethernet property. */

/* Writes PP as an OpenFlow 1.3 struct ofp_port (OpenFlow 1.3.5 §7.2.1) at P (64 bytes, zeroed
 * by the caller so the pad bytes stay zero). Port descriptions and port-status share it. */
static void
put_port13(uint8_t *p, const struct ofp_phy_port *pp)
{
    ofp_set_be32(p, pp->port_no);
    memcpy(p + 8, pp->hw_addr.ea, ETH_ADDR_LEN);
    put_string(p + 16, pp->name, OFP_MAX_PORT_NAME_LEN);
    ofp_set_be32(p + 32, pp->config);
    ofp_set_be32(p + 36, pp->state);
    ofp_set_be32(p + 40, pp->curr);
    ofp_set_be32(p + 44, pp->advertised);
    ofp_set_be32(p + 48, pp->supported);
    ofp_set_be32(p + 52, pp->peer);
    ofp_set_be32(p + 56, pp->curr_speed);
    ofp_set_be32(p + 60, pp->max_speed);
}

/* Writes PP as an OpenFlow 1.4 struct ofp_port (OpenFlow 1.4.1 §7.2.1) at P (72 bytes). */
static void
put_port14(uint8_t *p, const struct ofp_phy_port *pp)
{
    memset(p, 0, OFP14_PORT_LEN);
    ofp_set_be32(p, pp->port_no);
    ofp_set_be16(p + 4, OFP14_PORT_LEN);
    memcpy(p + 8, pp->hw_addr.ea, ETH_ADDR_LEN);
    memcpy(p + 16, pp->name, strnlen(pp->name, OFP_MAX_PORT_NAME_LEN - 1));
    ofp_set_be32(p + 32, pp->config);
    ofp_set_be32(p + 36, pp->state);
    ofp_set_be16(p + 40, 0);            /* OFPPDPT_ETHERNET */
    ofp_set_be16(p + 42, 32);
    ofp_set_be32(p + 48, pp->curr);
    ofp_set_be32(p + 52, pp->advertised);
    ofp_set_be32(p + 56, pp->supported);
    ofp_set_be32(p + 60, pp->peer);
    ofp_set_be32(p + 64, pp->curr_speed);
    ofp_set_be32(p + 68, pp->max_speed);
}

void
ofp_mp_put_port(struct ofp_mp_writer *w, const struct ofp_phy_port *pp)
{
    if (w->version == OFP10_VERSION) {
        ofp10_mp_put_port(w, pp);
        return;
    }
    if (w->version >= OFP14_VERSION) {
        put_port14(ofp_mp_reply_reserve(w, OFP14_PORT_LEN), pp);
        return;
    }
    put_port13(ofp_mp_reply_reserve(w, OFP_PORT_LEN), pp);
}

int
ofp_pull_port(const uint8_t **pp, size_t *left, struct ofp_phy_port *port, struct ofperr *err)
{
    int error;
    const uint8_t *p = pull_fixed(pp, left, OFP_PORT_LEN, &error, err);
    if (p) {
        memset(port, 0, sizeof *port);
        port->port_no = ofp_get_be32(p);
        memcpy(port->hw_addr.ea, p + 8, ETH_ADDR_LEN);
        get_string(port->name, p + 16, OFP_MAX_PORT_NAME_LEN);
        port->config = ofp_get_be32(p + 32);
        port->state = ofp_get_be32(p + 36);
        port->curr = ofp_get_be32(p + 40);
        port->advertised = ofp_get_be32(p + 44);
        port->supported = ofp_get_be32(p + 48);
        port->peer = ofp_get_be32(p + 52);
        port->curr_speed = ofp_get_be32(p + 56);
        port->max_speed = ofp_get_be32(p + 60);
    }
    return error;
}

/* ---------------------------------------------------------------------------------------------
 * Asynchronous messages and roles.
 * ------------------------------------------------------------------------------------------- */

#define OFP_PACKET_IN_FIXED_LEN 24    /* Header through cookie, before the match. */
#define OFP_PACKET_OUT_FIXED_LEN 24

/* Puts PI's tunnel metadata into match M, each field exact and only when nonzero. */
static void
packet_in_tnl_to_match(const struct ofp_packet_in *pi, struct match *m)
{
    static const uint8_t zero16[16];

    if (pi->tun_id) {
        m->flow.tun_id_be = htobe64(pi->tun_id);
        m->wc.tun_id_be = UINT64_MAX;
    }
    if (pi->tun_src_be) {
        m->flow.tun_src_be = pi->tun_src_be;
        m->wc.tun_src_be = UINT32_MAX;
    }
    if (pi->tun_dst_be) {
        m->flow.tun_dst_be = pi->tun_dst_be;
        m->wc.tun_dst_be = UINT32_MAX;
    }
    if (memcmp(pi->tun_ipv6_src, zero16, 16)) {
        memcpy(m->flow.tun_ipv6_src, pi->tun_ipv6_src, 16);
        memset(m->wc.tun_ipv6_src, 0xff, 16);
    }
    if (memcmp(pi->tun_ipv6_dst, zero16, 16)) {
        memcpy(m->flow.tun_ipv6_dst, pi->tun_ipv6_dst, 16);
        memset(m->wc.tun_ipv6_dst, 0xff, 16);
    }
}

void
ofp_encode_packet_in(struct ofpbuf *out, uint8_t version, uint32_t xid,
                     const struct ofp_packet_in *pi)
{
    if (version == OFP10_VERSION) {
        ofp10_encode_packet_in(out, xid, pi);
        return;
    }
    size_t start = ofp_msg_start(out, version, OFPT_PACKET_IN, xid);
    struct match m;

    ofpbuf_put_be32(out, pi->buffer_id);
    ofpbuf_put_be16(out, pi->total_len);
    ofpbuf_put_u8(out, pi->reason);
    ofpbuf_put_u8(out, pi->table_id);
    ofpbuf_put_be64(out, pi->cookie);
    match_init_catchall(&m);
    m.flow.in_port = pi->in_port;
    m.wc.in_port = UINT32_MAX;
    if (pi->metadata) {
        m.flow.metadata = pi->metadata;
        m.wc.metadata = UINT64_MAX;
    }
    packet_in_tnl_to_match(pi, &m);
    ofp_put_match(out, &m);
    ofpbuf_put_zeros(out, 2);
    ofpbuf_put(out, pi->data, pi->data_len);
    ofp_msg_finish(out, start);
}

int
ofp_decode_packet_in(const void *msg, size_t len, struct ofp_packet_in *pi, struct ofperr *err)
{
    const uint8_t *p = msg;
    struct match m;

    memset(pi, 0, sizeof *pi);
    if (len < OFP_PACKET_IN_FIXED_LEN + 8) {
        return bad_len(err);
    }
    pi->buffer_id = ofp_get_be32(p + 8);
    pi->total_len = ofp_get_be16(p + 12);
    pi->reason = p[14];
    pi->table_id = p[15];
    pi->cookie = ofp_get_be64(p + 16);
    const uint8_t *q = p + OFP_PACKET_IN_FIXED_LEN;
    size_t left = len - OFP_PACKET_IN_FIXED_LEN;
    int error = ofp_pull_match(&q, &left, &m, err);
    if (error) {
        return error;
    }
    if (left < 2) {
        return bad_len(err);
    }
    pi->in_port = m.flow.in_port;
    pi->metadata = m.flow.metadata;
    pi->tun_id = be64toh(m.flow.tun_id_be);
    pi->tun_src_be = m.flow.tun_src_be;
    pi->tun_dst_be = m.flow.tun_dst_be;
    memcpy(pi->tun_ipv6_src, m.flow.tun_ipv6_src, 16);
    memcpy(pi->tun_ipv6_dst, m.flow.tun_ipv6_dst, 16);
    pi->data = q + 2;
    pi->data_len = left - 2;
    return 0;
}

void
ofp_encode_packet_out(struct ofpbuf *out, uint8_t version, uint32_t xid,
                      const struct ofp_packet_out *po)
{
    if (version == OFP10_VERSION) {
        ofp10_encode_packet_out(out, xid, po);
        return;
    } else if (version >= OFP15_VERSION) {
        ofp15_encode_packet_out(out, xid, po);
        return;
    }
    size_t start = ofp_msg_start(out, version, OFPT_PACKET_OUT, xid);

    ofpbuf_put_be32(out, po->buffer_id);
    ofpbuf_put_be32(out, po->in_port);
    size_t len_ofs = out->size;
    ofpbuf_put_be16(out, 0);
    ofpbuf_put_zeros(out, 6);
    size_t acts = out->size;
    ofp_put_actions(out, &po->ofpacts);
    ofp_set_be16(out->data + len_ofs, out->size - acts);
    ofpbuf_put(out, po->data, po->data_len);
    ofp_msg_finish(out, start);
}

int
ofp_decode_packet_out(const void *msg, size_t len, struct ofp_packet_out *po, struct ofperr *err)
{
    const uint8_t *p = msg;

    memset(po, 0, sizeof *po);
    ofpacts_init(&po->ofpacts);
    if (len < OFP_PACKET_OUT_FIXED_LEN) {
        return bad_len(err);
    }
    po->buffer_id = ofp_get_be32(p + 8);
    po->in_port = ofp_get_be32(p + 12);
    size_t acts_len = ofp_get_be16(p + 16);
    if (acts_len > len - OFP_PACKET_OUT_FIXED_LEN || acts_len % 8) {
        return bad_len(err);
    }
    if (po->in_port == 0 || (po->in_port >= OFPP_MAX && po->in_port != OFPP_CONTROLLER
                             && po->in_port != OFPP_LOCAL && po->in_port != OFPP_ANY)) {
        err->type = OFPET_BAD_REQUEST;
        err->code = OFPBRC_BAD_PORT;
        return -EPROTO;
    }
    int error = ofp_decode_actions(p + OFP_PACKET_OUT_FIXED_LEN, acts_len, &po->ofpacts, err);
    if (error) {
        return error;
    }
    po->data = p + OFP_PACKET_OUT_FIXED_LEN + acts_len;
    po->data_len = len - OFP_PACKET_OUT_FIXED_LEN - acts_len;
    return 0;
}

void
ofp_encode_role(struct ofpbuf *out, uint8_t version, uint8_t type, uint32_t xid, uint32_t role,
                uint64_t generation_id)
{
    size_t start = ofp_msg_start(out, version, type, xid);
    ofpbuf_put_be32(out, role);
    ofpbuf_put_zeros(out, 4);
    ofpbuf_put_be64(out, generation_id);
    ofp_msg_finish(out, start);
}

int
ofp_decode_role(const void *msg, size_t len, uint32_t *role, uint64_t *generation_id,
                struct ofperr *err)
{
    const uint8_t *p = msg;
    if (len != 24) {
        return bad_len(err);
    }
    *role = ofp_get_be32(p + 8);
    *generation_id = ofp_get_be64(p + 16);
    return 0;
}

void
ofp_encode_async_config(struct ofpbuf *out, uint8_t version, uint8_t type, uint32_t xid,
                        const struct ofp_async_config *ac)
{
    size_t start = ofp_msg_start(out, version, type, xid);
    for (int i = 0; i < 2; i++) {
        ofpbuf_put_be32(out, ac->packet_in_mask[i]);
    }
    for (int i = 0; i < 2; i++) {
        ofpbuf_put_be32(out, ac->port_status_mask[i]);
    }
    for (int i = 0; i < 2; i++) {
        ofpbuf_put_be32(out, ac->flow_removed_mask[i]);
    }
    ofp_msg_finish(out, start);
}

int
ofp_decode_async_config(const void *msg, size_t len, struct ofp_async_config *ac,
                        struct ofperr *err)
{
    const uint8_t *p = msg;
    if (len != 32) {
        return bad_len(err);
    }
    for (int i = 0; i < 2; i++) {
        ac->packet_in_mask[i] = ofp_get_be32(p + 8 + 4 * i);
        ac->port_status_mask[i] = ofp_get_be32(p + 16 + 4 * i);
        ac->flow_removed_mask[i] = ofp_get_be32(p + 24 + 4 * i);
    }
    return 0;
}

void
ofp_encode_port_status(struct ofpbuf *out, uint8_t version, uint32_t xid, uint8_t reason,
                       const struct ofp_phy_port *pp)
{
    if (version == OFP10_VERSION) {
        ofp10_encode_port_status(out, xid, reason, pp);
        return;
    }
    size_t start = ofp_msg_start(out, version, OFPT_PORT_STATUS, xid);

    ofpbuf_put_u8(out, reason);
    ofpbuf_put_zeros(out, 7);
    /* The port body is the same struct ofp_port as in port descriptions. */
    if (version >= OFP14_VERSION) {
        put_port14(ofpbuf_put_zeros(out, OFP14_PORT_LEN), pp);
        ofp_msg_finish(out, start);
        return;
    }
    put_port13(ofpbuf_put_zeros(out, OFP_PORT_LEN), pp);
    ofp_msg_finish(out, start);
}

int
ofp_decode_port_status(const void *msg, size_t len, uint8_t *reason, struct ofp_phy_port *port,
                       struct ofperr *err)
{
    const uint8_t *p = msg;
    if (len != 16 + OFP_PORT_LEN) {
        return bad_len(err);
    }
    *reason = p[8];
    const uint8_t *q = p + 16;
    size_t left = OFP_PORT_LEN;
    return ofp_pull_port(&q, &left, port, err);
}

#define OFP_FLOW_REMOVED_FIXED_LEN 48   /* Header through byte_count, before the match. */

void
ofp_encode_flow_removed(struct ofpbuf *out, uint8_t version, uint32_t xid,
                        const struct ofp_flow_removed *fr)
{
    if (version == OFP10_VERSION) {
        ofp10_encode_flow_removed(out, xid, fr);
        return;
    } else if (version >= OFP15_VERSION) {
        ofp15_encode_flow_removed(out, xid, fr);
        return;
    }
    size_t start = ofp_msg_start(out, version, OFPT_FLOW_REMOVED, xid);
    ofpbuf_put_be64(out, fr->cookie);
    ofpbuf_put_be16(out, fr->priority);
    ofpbuf_put_u8(out, fr->reason);
    ofpbuf_put_u8(out, fr->table_id);
    ofpbuf_put_be32(out, fr->duration_sec);
    ofpbuf_put_be32(out, fr->duration_nsec);
    ofpbuf_put_be16(out, fr->idle_timeout);
    ofpbuf_put_be16(out, fr->hard_timeout);
    ofpbuf_put_be64(out, fr->packet_count);
    ofpbuf_put_be64(out, fr->byte_count);
    ofp_put_match(out, &fr->match);
    ofp_msg_finish(out, start);
}

int
ofp_decode_flow_removed(const void *msg, size_t len, struct ofp_flow_removed *fr,
                        struct ofperr *err)
{
    const uint8_t *p = msg;

    memset(fr, 0, sizeof *fr);
    if (len < OFP_FLOW_REMOVED_FIXED_LEN + 8) {
        return bad_len(err);
    }
    fr->cookie = ofp_get_be64(p + 8);
    fr->priority = ofp_get_be16(p + 16);
    fr->reason = p[18];
    fr->table_id = p[19];
    fr->duration_sec = ofp_get_be32(p + 20);
    fr->duration_nsec = ofp_get_be32(p + 24);
    fr->idle_timeout = ofp_get_be16(p + 28);
    fr->hard_timeout = ofp_get_be16(p + 30);
    fr->packet_count = ofp_get_be64(p + 32);
    fr->byte_count = ofp_get_be64(p + 40);
    const uint8_t *q = p + OFP_FLOW_REMOVED_FIXED_LEN;
    size_t left = len - OFP_FLOW_REMOVED_FIXED_LEN;
    return ofp_pull_match(&q, &left, &fr->match, err);
}

#define OFP_PORT_MOD_LEN 40

void
ofp_encode_port_mod(struct ofpbuf *out, uint8_t version, uint32_t xid,
                    const struct ofp_port_mod *pm)
{
    if (version == OFP10_VERSION) {
        ofp10_encode_port_mod(out, xid, pm);
        return;
    }
    size_t start = ofp_msg_start(out, version, OFPT_PORT_MOD, xid);
    ofpbuf_put_be32(out, pm->port_no);
    ofpbuf_put_zeros(out, 4);
    ofpbuf_put(out, pm->hw_addr.ea, ETH_ADDR_LEN);
    ofpbuf_put_zeros(out, 2);
    ofpbuf_put_be32(out, pm->config);
    ofpbuf_put_be32(out, pm->mask);
    if (version >= OFP14_VERSION) {
        /* OpenFlow 1.4.1 §7.3.4.3: advertise moved into an Ethernet property (type 0). */
        ofpbuf_put_be16(out, 0);
        ofpbuf_put_be16(out, 8);
    }
    ofpbuf_put_be32(out, pm->advertise);
    if (version < OFP14_VERSION) {
        ofpbuf_put_zeros(out, 4);
    }
    ofp_msg_finish(out, start);
}

int
ofp_decode_port_mod(const void *msg, size_t len, struct ofp_port_mod *pm, struct ofperr *err)
{
    const uint8_t *p = msg;
    /* OpenFlow 1.4 moved 'advertise' into an optional property: 32 bytes without it. */
    if (len != OFP_PORT_MOD_LEN && !(len >= 32 && len % 8 == 0 && p[0] >= OFP14_VERSION)) {
        return bad_len(err);
    }
    pm->advertise = 0;
    pm->port_no = ofp_get_be32(p + 8);
    memcpy(pm->hw_addr.ea, p + 16, ETH_ADDR_LEN);
    pm->config = ofp_get_be32(p + 24);
    pm->mask = ofp_get_be32(p + 28);
    if (p[0] < OFP14_VERSION) {
        pm->advertise = ofp_get_be32(p + 32);
    }
    return 0;
}
