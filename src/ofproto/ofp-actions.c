/* ofp-actions — instructions and actions: wire codec (1.3, and the 1.5 forms) and text parser;
 * the printer is in ofp-print.c. See ofp-actions.h. */
#include "ofproto/ofp-actions.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofproto/ofp-compat.h"
#include "ofproto/ofp-msgs.h"

/* Nicira action subtypes (Open vSwitch's nx-match extensions). */
#define NXAST_RESUBMIT 1
#define NXAST_REG_MOVE 6
#define NXAST_REG_LOAD 7
#define NXAST_NOTE 8
#define NXAST_RESUBMIT_TABLE 14
#define NXAST_REG_LOAD2 33

/* OpenFlow 1.5 actions (OpenFlow 1.5.1 §7.2.5): copy_field, and meter, which replaced the
 * OFPIT_METER instruction. Accepted in every version; encoded for 1.5 only. */
#define OFPAT15_COPY_FIELD 28
#define OFPAT15_METER 29

/* ---------------------------------------------------------------------------------------------
 * Helpers.
 * ------------------------------------------------------------------------------------------- */

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
    case OFPP_CONTROLLER: case OFPP_LOCAL: case OFPP_TABLE:
        return true;
    default:
        return false;
    }
}

/* The all-ones mask of F's significant bits. */
static void
field_full_mask(const struct ofp_field *f, uint8_t *buf)
{
    memset(buf, 0, f->len);
    for (int bit = 0; bit < f->bits; bit++) {
        ofp_bits_set(buf, f->len, bit, true);
    }
}

static uint32_t
nxm_header(const struct ofp_field *f)
{
    return ((uint32_t) f->nxm_class << 16) | ((uint32_t) f->nxm_field << 9) | f->len;
}

static const struct ofp_field *
field_from_nxm_header(uint32_t h)
{
    const struct ofp_field *f = ofp_field_by_header(h >> 16, (h >> 9) & 0x7f);
    return f && ((h >> 8) & 1) == 0 && (h & 0xff) == f->len ? f : NULL;
}

/* Sets the 'load' range [ofs, ofs + n_bits) of A from its mask (must be contiguous). */
static bool
load_range_from_mask(struct ofpact *a, const struct ofp_field *f)
{
    int lo = -1, hi = -1;
    for (int bit = 0; bit < f->len * 8; bit++) {
        if (ofp_bits_get(a->mask, f->len, bit)) {
            if (lo < 0) {
                lo = bit;
            } else if (hi != bit - 1) {
                return false;
            }
            hi = bit;
        }
    }
    if (lo < 0) {
        return false;
    }
    a->ofs = lo;
    a->n_bits = hi - lo + 1;
    return true;
}

/* ---------------------------------------------------------------------------------------------
 * Encoding.
 * ------------------------------------------------------------------------------------------- */

static size_t
nx_action_start(struct ofpbuf *out, uint16_t subtype)
{
    size_t ofs = out->size;
    ofpbuf_put_be16(out, OFPAT_EXPERIMENTER);
    ofpbuf_put_be16(out, 0);
    ofpbuf_put_be32(out, NX_VENDOR_ID);
    ofpbuf_put_be16(out, subtype);
    return ofs;
}

/* Pads the action started at OFS to a multiple of 8 bytes and sets its length. */
static void
action_finish(struct ofpbuf *out, size_t ofs)
{
    size_t len = out->size - ofs;
    ofpbuf_put_zeros(out, (len + 7) / 8 * 8 - len);
    ofp_set_be16(out->data + ofs + 2, out->size - ofs);
}

/* OpenFlow 1.5 forms: a load becomes a masked set_field and a move a copy_field (Open vSwitch
 * rejects the Nicira reg_load and reg_move in 1.5). Returns false for other actions. */
static bool
put_action15(struct ofpbuf *out, const struct ofpact *a)
{
    const struct ofp_field *f = ofp_field_by_id(a->field);
    size_t ofs = out->size;

    if (a->type == OFPACT_SET_FIELD && a->load) {
        ofpbuf_put_be16(out, OFPAT_SET_FIELD);
        ofpbuf_put_be16(out, 0);
        ofpbuf_put_be16(out, f->oxm_class);
        ofpbuf_put_u8(out, (f->oxm_field << 1) | 1);
        ofpbuf_put_u8(out, f->len * 2);
        ofpbuf_put(out, a->value, f->len);
        ofpbuf_put(out, a->mask, f->len);
        action_finish(out, ofs);
        return true;
    } else if (a->type == OFPACT_REG_MOVE) {
        const struct ofp_field *src = ofp_field_by_id(a->src_field);
        ofpbuf_put_be16(out, OFPAT15_COPY_FIELD);
        ofpbuf_put_be16(out, 0);
        ofpbuf_put_be16(out, a->n_bits);
        ofpbuf_put_be16(out, a->src_ofs);
        ofpbuf_put_be16(out, a->ofs);
        ofpbuf_put_zeros(out, 2);
        ofpbuf_put_be32(out, (uint32_t) src->oxm_class << 16 | src->oxm_field << 9 | src->len);
        ofpbuf_put_be32(out, (uint32_t) f->oxm_class << 16 | f->oxm_field << 9 | f->len);
        action_finish(out, ofs);
        return true;
    }
    return false;
}

static void
put_action(struct ofpbuf *out, const struct ofpact *a)
{
    const struct ofp_field *f = ofp_field_by_id(a->field);
    size_t ofs = out->size;

    switch ((enum ofpact_type) a->type) {
    case OFPACT_OUTPUT:
        ofpbuf_put_be16(out, OFPAT_OUTPUT);
        ofpbuf_put_be16(out, 16);
        ofpbuf_put_be32(out, a->port);
        ofpbuf_put_be16(out, a->port == OFPP_CONTROLLER ? a->max_len : 0);
        ofpbuf_put_zeros(out, 6);
        break;
    case OFPACT_PUSH_VLAN:
        ofpbuf_put_be16(out, OFPAT_PUSH_VLAN);
        ofpbuf_put_be16(out, 8);
        ofpbuf_put_be16(out, a->ethertype);
        ofpbuf_put_zeros(out, 2);
        break;
    case OFPACT_POP_VLAN:
    case OFPACT_DEC_TTL:
        ofpbuf_put_be16(out, a->type == OFPACT_POP_VLAN ? OFPAT_POP_VLAN : OFPAT_DEC_NW_TTL);
        ofpbuf_put_be16(out, 8);
        ofpbuf_put_zeros(out, 4);
        break;
    case OFPACT_SET_NW_TTL:
        ofpbuf_put_be16(out, OFPAT_SET_NW_TTL);
        ofpbuf_put_be16(out, 8);
        ofpbuf_put_u8(out, a->ttl);
        ofpbuf_put_zeros(out, 3);
        break;
    case OFPACT_SET_FIELD:
        if (!a->load && f->oxm_class == 0x8000) {
            ofpbuf_put_be16(out, OFPAT_SET_FIELD);
            ofpbuf_put_be16(out, 0);
            ofpbuf_put_be16(out, f->oxm_class);
            ofpbuf_put_u8(out, f->oxm_field << 1);
            ofpbuf_put_u8(out, f->len);
            ofpbuf_put(out, a->value, f->len);
            action_finish(out, ofs);
        } else if (a->load || f->len <= 8) {
            /* NXAST_REG_LOAD: ofs_nbits, dst, 64-bit value. */
            uint64_t v = 0;
            uint8_t shifted[16] = { 0 };
            unsigned int lofs = a->load ? a->ofs : 0, nbits = a->load ? a->n_bits : f->bits;
            ofp_bits_copy(a->value, f->len, lofs, shifted, 16, 0, nbits);
            for (int i = 8; i < 16; i++) {
                v = (v << 8) | shifted[i];
            }
            ofs = nx_action_start(out, NXAST_REG_LOAD);
            ofpbuf_put_be16(out, (lofs << 6) | (nbits - 1));
            ofpbuf_put_be32(out, nxm_header(f));
            ofpbuf_put_be64(out, v);
            action_finish(out, ofs);
        } else {
            /* NXAST_REG_LOAD2: one OXM TLV with a mask. */
            ofs = nx_action_start(out, NXAST_REG_LOAD2);
            ofpbuf_put_be16(out, f->oxm_class);
            ofpbuf_put_u8(out, (f->oxm_field << 1) | 1);
            ofpbuf_put_u8(out, f->len * 2);
            ofpbuf_put(out, a->value, f->len);
            ofpbuf_put(out, a->mask, f->len);
            action_finish(out, ofs);
        }
        break;
    case OFPACT_REG_MOVE:
        ofs = nx_action_start(out, NXAST_REG_MOVE);
        ofpbuf_put_be16(out, a->n_bits);
        ofpbuf_put_be16(out, a->src_ofs);
        ofpbuf_put_be16(out, a->ofs);
        ofpbuf_put_be32(out, nxm_header(ofp_field_by_id(a->src_field)));
        ofpbuf_put_be32(out, nxm_header(f));
        action_finish(out, ofs);
        break;
    case OFPACT_RESUBMIT:
        ofs = nx_action_start(out, a->table == 255 ? NXAST_RESUBMIT : NXAST_RESUBMIT_TABLE);
        ofpbuf_put_be16(out, (uint16_t) a->port);   /* Reserved ports keep their low 16 bits. */
        ofpbuf_put_u8(out, a->table);
        action_finish(out, ofs);
        break;
    case OFPACT_NOTE:
        ofs = nx_action_start(out, NXAST_NOTE);
        ofpbuf_put(out, a->value, a->note_len < 16 ? a->note_len : 16);
        if (a->note_len > 16) {
            ofpbuf_put(out, a->mask, a->note_len - 16);
        }
        if (out->size - ofs < 16) {
            ofpbuf_put_zeros(out, 16 - (out->size - ofs));
        }
        action_finish(out, ofs);
        break;
    case OFPACT_GROUP:
        ofpbuf_put_be16(out, OFPAT_GROUP);
        ofpbuf_put_be16(out, 8);
        ofpbuf_put_be32(out, a->port);
        break;
    case OFPACT_CLEAR_ACTIONS:
    case OFPACT_WRITE_METADATA:
    case OFPACT_GOTO_TABLE:
    case OFPACT_METER:
        break;
    }
}

void
ofp_put_action(struct ofpbuf *out, const struct ofpact *a)
{
    put_action(out, a);
}

static void
put_action_version(struct ofpbuf *out, uint8_t version, const struct ofpact *a)
{
    if (version < OFP15_VERSION || !put_action15(out, a)) {
        put_action(out, a);
    }
}

void
ofp_put_actions(struct ofpbuf *out, const struct ofpacts *acts)
{
    ofp_put_actions_version(out, OFP13_VERSION, acts);
}

void
ofp_put_actions_version(struct ofpbuf *out, uint8_t version, const struct ofpacts *acts)
{
    for (size_t i = 0; i < acts->n; i++) {
        if (!acts->acts[i].write && acts->acts[i].type < OFPACT_CLEAR_ACTIONS) {
            put_action_version(out, version, &acts->acts[i]);
        }
    }
}

static size_t
inst_start(struct ofpbuf *out, uint16_t type)
{
    size_t ofs = out->size;
    ofpbuf_put_be16(out, type);
    ofpbuf_put_be16(out, 8);
    ofpbuf_put_zeros(out, 4);
    return ofs;
}

static void
inst_finish(struct ofpbuf *out, size_t ofs)
{
    ofp_set_be16(out->data + ofs + 2, out->size - ofs);
}

void
ofp_put_instructions(struct ofpbuf *out, const struct ofpacts *acts)
{
    ofp_put_instructions_version(out, OFP13_VERSION, acts);
}

void
ofp_put_instructions_version(struct ofpbuf *out, uint8_t version, const struct ofpacts *acts)
{
    bool any_apply = false, any_write = false;
    const struct ofpact *meter = NULL;

    for (size_t i = 0; i < acts->n; i++) {
        const struct ofpact *a = &acts->acts[i];
        if (a->type == OFPACT_METER) {
            meter = a;
            if (version < OFP15_VERSION) {
                ofpbuf_put_be16(out, OFPIT_METER);
                ofpbuf_put_be16(out, 8);
                ofpbuf_put_be32(out, a->port);
            }
        }
        if (a->type < OFPACT_CLEAR_ACTIONS) {
            *(a->write ? &any_write : &any_apply) = true;
        }
    }
    if (any_apply || (meter && version >= OFP15_VERSION)) {
        size_t ofs = inst_start(out, OFPIT_APPLY_ACTIONS);
        if (meter && version >= OFP15_VERSION) {
            /* OpenFlow 1.5.1 §5.7: the meter is the first action of the apply-actions. */
            ofpbuf_put_be16(out, OFPAT15_METER);
            ofpbuf_put_be16(out, 8);
            ofpbuf_put_be32(out, meter->port);
        }
        ofp_put_actions_version(out, version, acts);
        inst_finish(out, ofs);
    }
    for (size_t i = 0; i < acts->n; i++) {
        if (acts->acts[i].type == OFPACT_CLEAR_ACTIONS) {
            inst_start(out, OFPIT_CLEAR_ACTIONS);
        }
    }
    if (any_write) {
        size_t ofs = inst_start(out, OFPIT_WRITE_ACTIONS);
        for (size_t i = 0; i < acts->n; i++) {
            if (acts->acts[i].write) {
                put_action_version(out, version, &acts->acts[i]);
            }
        }
        inst_finish(out, ofs);
    }
    for (size_t i = 0; i < acts->n; i++) {
        const struct ofpact *a = &acts->acts[i];
        if (a->type == OFPACT_WRITE_METADATA) {
            ofpbuf_put_be16(out, OFPIT_WRITE_METADATA);
            ofpbuf_put_be16(out, 24);
            ofpbuf_put_zeros(out, 4);
            ofpbuf_put_be64(out, a->metadata);
            ofpbuf_put_be64(out, a->metadata_mask);
        }
    }
    for (size_t i = 0; i < acts->n; i++) {
        const struct ofpact *a = &acts->acts[i];
        if (a->type == OFPACT_GOTO_TABLE) {
            ofpbuf_put_be16(out, OFPIT_GOTO_TABLE);
            ofpbuf_put_be16(out, 8);
            ofpbuf_put_u8(out, a->table);
            ofpbuf_put_zeros(out, 3);
        }
    }
}

/* ---------------------------------------------------------------------------------------------
 * Decoding.
 * ------------------------------------------------------------------------------------------- */

static int
bad_action(struct ofperr *err, uint16_t code)
{
    return ofp_error(err, OFPET_BAD_ACTION, code);
}

/* Whether action type T may be in an action set (write_actions). */
static bool
allowed_in_set(enum ofpact_type t)
{
    return t == OFPACT_OUTPUT || t == OFPACT_PUSH_VLAN || t == OFPACT_POP_VLAN
           || t == OFPACT_SET_FIELD || t == OFPACT_DEC_TTL || t == OFPACT_SET_NW_TTL
           || t == OFPACT_GROUP;
}

static int
decode_set_field(const uint8_t *tlv, size_t avail, bool load2, struct ofpact *a,
                 struct ofperr *err)
{
    if (avail < 4) {
        return bad_action(err, OFPBAC_BAD_LEN);
    }
    uint16_t cls = ofp_get_be16(tlv);
    bool hasmask = tlv[2] & 1;
    const struct ofp_field *f = ofp_field_by_header(cls, tlv[2] >> 1);
    size_t vlen = tlv[3];
    uint8_t full[16];

    if (!f || !f->writable) {
        return bad_action(err, OFPBAC_BAD_SET_TYPE);
    }
    /* A mask is allowed in set_field from OpenFlow 1.5 on (1.5.1 §7.2.5) and in reg_load2. */
    if (4 + vlen > avail || vlen != (size_t) f->len * (hasmask ? 2 : 1)) {
        return bad_action(err, OFPBAC_BAD_SET_LEN);
    }
    field_full_mask(f, full);
    a->field = f->id;
    memcpy(a->value, tlv + 4, f->len);
    if (hasmask) {
        memcpy(a->mask, tlv + 4 + f->len, f->len);
    } else {
        memcpy(a->mask, full, f->len);
    }
    if (f->id == ofp_field_by_name("vlan_vid")->id) {
        a->value[0] |= VLAN_CFI >> 8;      /* OFPVID_PRESENT is implied when setting a VID. */
    }
    for (size_t i = 0; i < f->len; i++) {
        if ((a->value[i] & ~full[i]) || (a->mask[i] & ~full[i])) {
            return bad_action(err, OFPBAC_BAD_SET_ARGUMENT);
        }
        a->value[i] &= a->mask[i];
    }
    if (load2 || (hasmask && memcmp(a->mask, full, f->len))) {
        a->load = true;
        if (!load_range_from_mask(a, f)) {
            return bad_action(err, OFPBAC_BAD_SET_ARGUMENT);
        }
    }
    return 0;
}

static int
decode_nx_action(const uint8_t *p, size_t alen, struct ofpacts *acts, bool write,
                 struct ofperr *err)
{
    if (alen < 16 || ofp_get_be32(p + 4) != NX_VENDOR_ID) {
        return bad_action(err, alen < 16 ? OFPBAC_BAD_LEN : OFPBAC_BAD_EXPERIMENTER);
    }
    uint16_t subtype = ofp_get_be16(p + 8);
    struct ofpact *a;

    switch (subtype) {
    case NXAST_RESUBMIT:
    case NXAST_RESUBMIT_TABLE: {
        uint16_t port = ofp_get_be16(p + 10);
        a = ofpacts_put(acts, OFPACT_RESUBMIT);
        a->port = port >= 0xff00 ? 0xffff0000u | port : port;
        a->table = subtype == NXAST_RESUBMIT ? 255 : p[12];
        break;
    }
    case NXAST_REG_MOVE: {
        if (alen != 24) {
            return bad_action(err, OFPBAC_BAD_LEN);
        }
        const struct ofp_field *src = field_from_nxm_header(ofp_get_be32(p + 16));
        const struct ofp_field *dst = field_from_nxm_header(ofp_get_be32(p + 20));
        uint16_t n_bits = ofp_get_be16(p + 10), src_ofs = ofp_get_be16(p + 12);
        uint16_t dst_ofs = ofp_get_be16(p + 14);
        if (!src || !dst || !dst->writable) {
            return bad_action(err, OFPBAC_BAD_SET_TYPE);
        }
        if (!n_bits || src_ofs + n_bits > src->bits || dst_ofs + n_bits > dst->bits) {
            return bad_action(err, OFPBAC_BAD_ARGUMENT);
        }
        a = ofpacts_put(acts, OFPACT_REG_MOVE);
        a->src_field = src->id;
        a->field = dst->id;
        a->src_ofs = src_ofs;
        a->ofs = dst_ofs;
        a->n_bits = n_bits;
        break;
    }
    case NXAST_REG_LOAD: {
        if (alen != 24) {
            return bad_action(err, OFPBAC_BAD_LEN);
        }
        uint16_t ofs_nbits = ofp_get_be16(p + 10);
        const struct ofp_field *f = field_from_nxm_header(ofp_get_be32(p + 12));
        unsigned int ofs = ofs_nbits >> 6, n_bits = (ofs_nbits & 0x3f) + 1;
        uint64_t v = ofp_get_be64(p + 16);
        uint8_t vbuf[8];
        if (!f || !f->writable) {
            return bad_action(err, OFPBAC_BAD_SET_TYPE);
        }
        if (ofs + n_bits > f->bits || (n_bits < 64 && (v >> n_bits))) {
            return bad_action(err, OFPBAC_BAD_ARGUMENT);
        }
        ofp_set_be64(vbuf, v);
        a = ofpacts_put(acts, OFPACT_SET_FIELD);
        a->load = true;
        a->field = f->id;
        a->ofs = ofs;
        a->n_bits = n_bits;
        ofp_bits_copy(vbuf, 8, 0, a->value, f->len, ofs, n_bits);
        for (unsigned int i = 0; i < n_bits; i++) {
            ofp_bits_set(a->mask, f->len, ofs + i, true);
        }
        break;
    }
    case NXAST_REG_LOAD2: {
        a = ofpacts_put(acts, OFPACT_SET_FIELD);
        int error = decode_set_field(p + 10, alen - 10, true, a, err);
        if (error) {
            return error;
        }
        break;
    }
    case NXAST_DEC_TTL:
        if (alen != 16) {
            return bad_action(err, OFPBAC_BAD_LEN);
        }
        a = ofpacts_put(acts, OFPACT_DEC_TTL);
        break;
    case NXAST_NOTE: {
        size_t n = alen - 10;
        a = ofpacts_put(acts, OFPACT_NOTE);
        a->note_len = n > OFPACT_NOTE_MAX ? OFPACT_NOTE_MAX : n;
        memcpy(a->value, p + 10, a->note_len < 16 ? a->note_len : 16);
        if (a->note_len > 16) {
            memcpy(a->mask, p + 26, a->note_len - 16);
        }
        break;
    }
    default:
        return bad_action(err, OFPBAC_BAD_EXP_TYPE);
    }
    a->write = write;
    if (write && !allowed_in_set(a->type)) {
        return bad_action(err, OFPBAC_BAD_TYPE);
    }
    return 0;
}

static int
decode_action_list(const uint8_t *p, size_t len, struct ofpacts *acts, bool write,
                   bool packet_out, struct ofperr *err)
{
    while (len) {
        if (len < 8) {
            return bad_action(err, OFPBAC_BAD_LEN);
        }
        uint16_t type = ofp_get_be16(p);
        uint16_t alen = ofp_get_be16(p + 2);
        struct ofpact *a = NULL;
        if (alen < 8 || alen % 8 || alen > len) {
            return bad_action(err, OFPBAC_BAD_LEN);
        }
        switch (type) {
        case OFPAT_OUTPUT: {
            if (alen != 16) {
                return bad_action(err, OFPBAC_BAD_LEN);
            }
            uint32_t port = ofp_get_be32(p + 4);
            if (!output_port_valid(port) || (port == OFPP_TABLE && !packet_out)) {
                return bad_action(err, OFPBAC_BAD_OUT_PORT);
            }
            ofpacts_add_output(acts, port, ofp_get_be16(p + 8));
            a = &acts->acts[acts->n - 1];
            break;
        }
        case OFPAT_PUSH_VLAN: {
            uint16_t et = ofp_get_be16(p + 4);
            if (alen != 8) {
                return bad_action(err, OFPBAC_BAD_LEN);
            }
            if (et != ETH_TYPE_VLAN_8021Q && et != ETH_TYPE_VLAN_8021AD) {
                return bad_action(err, OFPBAC_BAD_ARGUMENT);
            }
            a = ofpacts_put(acts, OFPACT_PUSH_VLAN);
            a->ethertype = et;
            break;
        }
        case OFPAT_POP_VLAN:
        case OFPAT_DEC_NW_TTL:
            if (alen != 8) {
                return bad_action(err, OFPBAC_BAD_LEN);
            }
            a = ofpacts_put(acts, type == OFPAT_POP_VLAN ? OFPACT_POP_VLAN : OFPACT_DEC_TTL);
            break;
        case OFPAT_SET_NW_TTL:
            if (alen != 8) {
                return bad_action(err, OFPBAC_BAD_LEN);
            }
            a = ofpacts_put(acts, OFPACT_SET_NW_TTL);
            a->ttl = p[4];
            break;
        case OFPAT_GROUP:
            if (alen != 8) {
                return bad_action(err, OFPBAC_BAD_LEN);
            }
            a = ofpacts_put(acts, OFPACT_GROUP);
            a->port = ofp_get_be32(p + 4);
            if (a->port > 0xffffff00u) {
                return bad_action(err, 9 /* OFPBAC_BAD_OUT_GROUP */);
            }
            break;
        case OFPAT_SET_FIELD: {
            a = ofpacts_put(acts, OFPACT_SET_FIELD);
            int error = decode_set_field(p + 4, alen - 4, false, a, err);
            if (error) {
                return error;
            }
            break;
        }
        case OFPAT_EXPERIMENTER: {
            int error = decode_nx_action(p, alen, acts, write, err);
            if (error) {
                return error;
            }
            break;
        }
        case OFPAT15_METER:
            if (alen != 8) {
                return bad_action(err, OFPBAC_BAD_LEN);
            }
            if (write || packet_out) {
                return bad_action(err, OFPBAC_BAD_TYPE);
            }
            a = ofpacts_put(acts, OFPACT_METER);
            a->port = ofp_get_be32(p + 4);
            break;
        case OFPAT15_COPY_FIELD: {
            /* n_bits, src_offset, dst_offset, pad[2], then the OXM headers of src and dst. */
            if (alen != 24) {
                return bad_action(err, OFPBAC_BAD_LEN);
            }
            uint32_t sh = ofp_get_be32(p + 12), dh = ofp_get_be32(p + 16);
            const struct ofp_field *src = ofp_field_by_header(sh >> 16, (sh >> 9) & 0x7f);
            const struct ofp_field *dst = ofp_field_by_header(dh >> 16, (dh >> 9) & 0x7f);
            uint16_t n_bits = ofp_get_be16(p + 4), src_ofs = ofp_get_be16(p + 6);
            uint16_t dst_ofs = ofp_get_be16(p + 8);
            if (!src || !dst || !dst->writable || (sh & 0x100) || (dh & 0x100)) {
                return bad_action(err, OFPBAC_BAD_SET_TYPE);
            }
            if (!n_bits || src_ofs + n_bits > src->bits || dst_ofs + n_bits > dst->bits) {
                return bad_action(err, OFPBAC_BAD_ARGUMENT);
            }
            a = ofpacts_put(acts, OFPACT_REG_MOVE);
            a->src_field = src->id;
            a->field = dst->id;
            a->src_ofs = src_ofs;
            a->ofs = dst_ofs;
            a->n_bits = n_bits;
            break;
        }
        default:
            return bad_action(err, OFPBAC_BAD_TYPE);
        }
        if (a) {
            a->write = write;
        }
        p += alen;
        len -= alen;
    }
    return 0;
}

int
ofp_decode_nx_action(const uint8_t *p, size_t alen, struct ofpacts *acts, struct ofperr *err)
{
    return decode_nx_action(p, alen, acts, false, err);
}

int
ofp_decode_actions(const uint8_t *p, size_t len, struct ofpacts *acts, struct ofperr *err)
{
    ofpacts_init(acts);
    return decode_action_list(p, len, acts, false, true, err);
}

/* Moves every action of SRC to the end of DST. */
static void
ofpacts_append_all(struct ofpacts *dst, struct ofpacts *src)
{
    for (size_t i = 0; i < src->n; i++) {
        *ofpacts_put(dst, src->acts[i].type) = src->acts[i];
    }
    ofpacts_destroy(src);
}

int
ofp_decode_instructions(const uint8_t *p, size_t len, struct ofpacts *acts, struct ofperr *err)
{
    struct ofpacts apply, write;
    bool seen[8] = { false };
    bool clear = false, have_meta = false;
    int goto_table = -1;
    uint32_t meter_id = 0;
    uint64_t meta = 0, meta_mask = 0;
    int error = 0;

    ofpacts_init(acts);
    ofpacts_init(&apply);
    ofpacts_init(&write);
    while (len && !error) {
        if (len < 8) {
            error = ofp_error(err, OFPET_BAD_INSTRUCTION, OFPBIC_BAD_LEN);
            break;
        }
        uint16_t type = ofp_get_be16(p);
        uint16_t ilen = ofp_get_be16(p + 2);
        if (ilen < 8 || ilen % 8 || ilen > len) {
            error = ofp_error(err, OFPET_BAD_INSTRUCTION, OFPBIC_BAD_LEN);
            break;
        }
        if (type >= 1 && type <= 6) {
            if (seen[type]) {
                /* OpenFlow 1.3 has no DUP_INST code; a repeated instruction is unsupported. */
                error = ofp_error(err, OFPET_BAD_INSTRUCTION, OFPBIC_UNSUP_INST);
                break;
            }
            seen[type] = true;
        }
        switch (type) {
        case OFPIT_APPLY_ACTIONS:
            error = decode_action_list(p + 8, ilen - 8, &apply, false, false, err);
            break;
        case OFPIT_WRITE_ACTIONS:
            error = decode_action_list(p + 8, ilen - 8, &write, true, false, err);
            break;
        case OFPIT_CLEAR_ACTIONS:
            if (ilen != 8) {
                error = ofp_error(err, OFPET_BAD_INSTRUCTION, OFPBIC_BAD_LEN);
            }
            clear = true;
            break;
        case OFPIT_GOTO_TABLE:
            if (ilen != 8) {
                error = ofp_error(err, OFPET_BAD_INSTRUCTION, OFPBIC_BAD_LEN);
            } else if (p[4] > 253) {
                error = ofp_error(err, OFPET_BAD_INSTRUCTION, OFPBIC_BAD_TABLE_ID);
            }
            goto_table = p[4];
            break;
        case OFPIT_WRITE_METADATA:
            if (ilen != 24) {
                error = ofp_error(err, OFPET_BAD_INSTRUCTION, OFPBIC_BAD_LEN);
                break;              /* Do not read a metadata the instruction does not hold. */
            }
            have_meta = true;
            meta = ofp_get_be64(p + 8);
            meta_mask = ofp_get_be64(p + 16);
            break;
        case OFPIT_METER:
            if (ilen != 8) {
                error = ofp_error(err, OFPET_BAD_INSTRUCTION, OFPBIC_BAD_LEN);
                break;
            }
            meter_id = ofp_get_be32(p + 4);
            break;
        case OFPIT_EXPERIMENTER:
            error = ofp_error(err, OFPET_BAD_INSTRUCTION, OFPBIC_UNSUP_INST);
            break;
        default:
            error = ofp_error(err, OFPET_BAD_INSTRUCTION, OFPBIC_UNKNOWN_INST);
            break;
        }
        p += ilen;
        len -= ilen;
    }
    /* An OpenFlow 1.5 meter action (first in the apply-actions) stands for the instruction. */
    for (size_t i = 0; !error && i < apply.n; i++) {
        if (apply.acts[i].type == OFPACT_METER) {
            if (seen[OFPIT_METER] || i != 0) {
                error = ofp_error(err, OFPET_BAD_ACTION, OFPBAC_BAD_ARGUMENT);
            }
            seen[OFPIT_METER] = true;
            meter_id = apply.acts[i].port;
        }
    }
    if (!error && apply.n && apply.acts[0].type == OFPACT_METER) {
        memmove(apply.acts, apply.acts + 1, (apply.n - 1) * sizeof *apply.acts);
        apply.n--;
    }
    if (!error) {
        if (seen[OFPIT_METER]) {
            ofpacts_put(acts, OFPACT_METER)->port = meter_id;
        }
        ofpacts_append_all(acts, &apply);
        if (clear) {
            ofpacts_put(acts, OFPACT_CLEAR_ACTIONS);
        }
        ofpacts_append_all(acts, &write);
        if (have_meta) {
            struct ofpact *a = ofpacts_put(acts, OFPACT_WRITE_METADATA);
            a->metadata = meta & meta_mask;
            a->metadata_mask = meta_mask;
        }
        if (goto_table >= 0) {
            ofpacts_put(acts, OFPACT_GOTO_TABLE)->table = goto_table;
        }
    }
    ofpacts_destroy(&apply);
    ofpacts_destroy(&write);
    return error;
}

/* ---------------------------------------------------------------------------------------------
 * Checks against the rule's match.
 * ------------------------------------------------------------------------------------------- */

int
ofpacts_check(const struct ofpacts *acts, const struct match *match, uint8_t table_id,
              struct ofperr *err)
{
    bool pushed_vlan = false;     /* A push_vlan earlier in the list provides a VLAN tag. */

    for (size_t i = 0; i < acts->n; i++) {
        const struct ofpact *a = &acts->acts[i];
        const struct ofp_field *f = ofp_field_by_id(a->field);
        const struct ofp_field *src = ofp_field_by_id(a->src_field);

        switch ((enum ofpact_type) a->type) {
        case OFPACT_GOTO_TABLE:
            if (a->table <= table_id || a->table > 253) {
                err->type = OFPET_BAD_INSTRUCTION;
                err->code = OFPBIC_BAD_TABLE_ID;
                return -EINVAL;
            }
            break;
        case OFPACT_PUSH_VLAN:
            pushed_vlan = true;
            break;
        case OFPACT_SET_FIELD:
        case OFPACT_REG_MOVE:
            if (pushed_vlan && f && f->prereq == OFP_PRQ_VLAN && !src) {
                break;
            }
            if ((f && !ofp_field_prereq_ok(f, match)) || (src && !ofp_field_prereq_ok(src, match))) {
                err->type = OFPET_BAD_ACTION;
                err->code = OFPBAC_MATCH_INCONSISTENT;
                return -EINVAL;
            }
            break;
        case OFPACT_OUTPUT:
            if (a->port == OFPP_ANY || a->port == OFPP_TABLE
                || (a->port >= OFPP_MAX && a->port < OFPP_IN_PORT)) {
                err->type = OFPET_BAD_ACTION;
                err->code = OFPBAC_BAD_OUT_PORT;
                return -EINVAL;
            }
            break;
        default:
            break;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Parsing.
 * ------------------------------------------------------------------------------------------- */

/* Parses the text form of a value of field F into F->len wire bytes at V. */
static char *
parse_field_value(const struct ofp_field *f, const char *s, uint8_t *v)
{
    memset(v, 0, 16);
    if (f->len == 6 && strchr(s, ':')) {
        unsigned int b[6];
        char extra;
        if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
                   &extra) != 6) {
            return xasprintf("%s: \"%s\" is not an Ethernet address (xx:xx:xx:xx:xx:xx)",
                             f->name, s);
        }
        for (int i = 0; i < 6; i++) {
            v[i] = b[i];
        }
        return NULL;
    }
    if (f->len == 16) {
        return inet_pton(AF_INET6, s, v) == 1 ? NULL
               : xasprintf("%s: \"%s\" is not an IPv6 address", f->name, s);
    }
    if (f->len == 4 && strchr(s, '.')) {
        return inet_pton(AF_INET, s, v) == 1 ? NULL
               : xasprintf("%s: \"%s\" is not an IPv4 address", f->name, s);
    }
    uint64_t x, max = f->bits >= 64 ? UINT64_MAX : (UINT64_C(1) << f->bits) - 1;
    char *error = ofp_parse_uint(f->name, s, max, &x);
    if (error) {
        return error;
    }
    for (int i = f->len - 1; i >= 0 && i >= (int) f->len - 8; i--) {
        v[i] = x & 0xff;
        x >>= 8;
    }
    return NULL;
}

/* Parses "FIELD", "FIELD[]", "FIELD[N]" or "FIELD[A..B]". */
static char *
parse_subfield(const char *s_, const struct ofp_field **fp, unsigned int *ofs,
               unsigned int *n_bits)
{
    char *s = xstrdup(s_);
    char *bracket = strchr(s, '[');
    const struct ofp_field *f;
    char *error = NULL;

    if (bracket) {
        *bracket = '\0';
    }
    f = ofp_field_by_name(s);
    if (!f) {
        error = xasprintf("%s: unknown field (e.g. reg0, NXM_NX_REG0, eth_src, ip_dst)", s);
    } else if (!bracket || !strcmp(bracket + 1, "]")) {
        *ofs = 0;
        *n_bits = f->bits;
    } else {
        unsigned int a, b;
        char close;
        if (sscanf(bracket + 1, "%u..%u%c", &a, &b, &close) == 3 && close == ']' && b >= a) {
            *ofs = a;
            *n_bits = b - a + 1;
        } else if (sscanf(bracket + 1, "%u%c", &a, &close) == 2 && close == ']') {
            *ofs = a;
            *n_bits = 1;
        } else {
            error = xasprintf("%s: bad bit range \"[%s\" (use [], [N] or [A..B])", s,
                              bracket + 1);
        }
        /* Written so that no sum can wrap: sscanf's %u gives UINT_MAX for huge numbers. */
        if (!error && (*ofs >= f->bits || *n_bits == 0 || *n_bits > f->bits - *ofs)) {
            error = xasprintf("%s: bits %u..%u are outside the field's %u bits", s, *ofs,
                              *ofs + (*n_bits ? *n_bits - 1 : 0), f->bits);
        }
    }
    *fp = f;
    free(s);
    return error;
}

static char *
parse_set_field(const char *value, struct ofpacts *acts)
{
    char *copy = xstrdup(value);
    char *arrow = strstr(copy, "->");
    char *error = NULL;

    if (!arrow) {
        free(copy);
        return xasprintf("set_field:%s: missing \"->FIELD\" (use set_field:VALUE->FIELD)", value);
    }
    *arrow = '\0';
    const struct ofp_field *f = ofp_field_by_name(arrow + 2);
    if (!f) {
        error = xasprintf("set_field: unknown field \"%s\"", arrow + 2);
    } else if (!f->writable) {
        error = xasprintf("set_field: field %s cannot be set", f->name);
    } else {
        struct ofpact *a = ofpacts_put(acts, OFPACT_SET_FIELD);
        char *slash = strchr(copy, '/');
        uint8_t full[16];
        field_full_mask(f, full);
        a->field = f->id;
        if (slash) {
            *slash = '\0';
            error = parse_field_value(f, slash + 1, a->mask);
        } else {
            memcpy(a->mask, full, f->len);
        }
        if (!error) {
            error = parse_field_value(f, copy, a->value);
        }
        if (!error && !strcmp(f->name, "vlan_vid")) {
            a->value[0] |= VLAN_CFI >> 8;
        }
        for (size_t i = 0; !error && i < f->len; i++) {
            a->value[i] &= a->mask[i];
        }
        /* A partial set_field is a load of the masked bits, as ovs-ofctl shows it. */
        if (!error && slash && memcmp(a->mask, full, f->len) && load_range_from_mask(a, f)) {
            a->load = true;
        }
    }
    free(copy);
    return error;
}

static char *
parse_load(const char *value, struct ofpacts *acts)
{
    char *copy = xstrdup(value);
    char *arrow = strstr(copy, "->");
    const struct ofp_field *f;
    unsigned int ofs, n_bits;
    char *error;
    uint64_t v;

    if (!arrow) {
        free(copy);
        return xasprintf("load:%s: missing \"->FIELD[...]\" (use load:VALUE->FIELD[A..B])",
                         value);
    }
    *arrow = '\0';
    error = parse_subfield(arrow + 2, &f, &ofs, &n_bits);
    if (!error && !f->writable) {
        error = xasprintf("load: field %s cannot be written", f->name);
    }
    if (!error) {
        error = ofp_parse_uint("load", copy, n_bits >= 64 ? UINT64_MAX
                               : (UINT64_C(1) << n_bits) - 1, &v);
    }
    if (!error) {
        struct ofpact *a = ofpacts_put(acts, OFPACT_SET_FIELD);
        uint8_t vbuf[8];
        ofp_set_be64(vbuf, v);
        a->load = true;
        a->field = f->id;
        a->ofs = ofs;
        a->n_bits = n_bits;
        /* The value has 64 bits; a wider destination (ipv6_dst) is zero-extended. */
        ofp_bits_copy(vbuf, 8, 0, a->value, f->len, ofs, n_bits < 64 ? n_bits : 64);
        for (unsigned int i = 0; i < n_bits; i++) {
            ofp_bits_set(a->mask, f->len, ofs + i, true);
        }
    }
    free(copy);
    return error;
}

static char *
parse_move(const char *value, struct ofpacts *acts)
{
    char *copy = xstrdup(value);
    char *arrow = strstr(copy, "->");
    const struct ofp_field *src, *dst;
    unsigned int src_ofs, dst_ofs, src_bits, dst_bits;
    char *error;

    if (!arrow) {
        free(copy);
        return xasprintf("move:%s: missing \"->\" (use move:SRC[A..B]->DST[C..D])", value);
    }
    *arrow = '\0';
    error = parse_subfield(copy, &src, &src_ofs, &src_bits);
    if (!error) {
        error = parse_subfield(arrow + 2, &dst, &dst_ofs, &dst_bits);
    }
    if (!error && !dst->writable) {
        error = xasprintf("move: field %s cannot be written", dst->name);
    }
    if (!error && src_bits != dst_bits) {
        error = xasprintf("move:%s: source is %u bits but destination is %u bits", value,
                          src_bits, dst_bits);
    }
    if (!error) {
        struct ofpact *a = ofpacts_put(acts, OFPACT_REG_MOVE);
        a->src_field = src->id;
        a->field = dst->id;
        a->src_ofs = src_ofs;
        a->ofs = dst_ofs;
        a->n_bits = src_bits;
    }
    free(copy);
    return error;
}

static char *
parse_resubmit(const char *key, const char *value, bool paren, ofp_port_name_cb *cb, void *aux,
               struct ofpacts *acts)
{
    char *copy = xstrdup(value);
    char *comma = paren ? strchr(copy, ',') : NULL;
    uint32_t port = OFPP_IN_PORT;
    uint64_t table = 255;
    char *error = NULL;

    if (comma) {
        *comma = '\0';
        if (comma[1] && (error = ofp_parse_uint("resubmit table", comma + 1, 254, &table))) {
            free(copy);
            return error;
        }
    }
    if (*copy && !ofp_port_from_string(copy, cb, aux, &port)) {
        error = xasprintf("%s: unknown port \"%s\"", key, copy);
    } else if (!*copy && !comma) {
        error = xasprintf("%s: missing port or table (use resubmit:PORT or "
                          "resubmit([PORT],[TABLE]))", key);
    } else if (!comma && paren) {
        error = xasprintf("%s(%s): use resubmit(PORT,TABLE) with a comma", key, value);
    }
    if (!error) {
        struct ofpact *a = ofpacts_put(acts, OFPACT_RESUBMIT);
        a->port = port;
        a->table = table;
    }
    free(copy);
    return error;
}

static char *
parse_note(const char *value, struct ofpacts *acts)
{
    struct ofpact *a = ofpacts_put(acts, OFPACT_NOTE);
    const char *p = value;

    while (*p) {
        unsigned int byte;
        if (*p == '.') {
            p++;
            continue;
        }
        if (!isxdigit((unsigned char) p[0]) || !isxdigit((unsigned char) p[1])
            || sscanf(p, "%2x", &byte) != 1) {
            return xasprintf("note:%s: expected hex bytes (e.g. note:01.02.ab)", value);
        }
        if (a->note_len >= OFPACT_NOTE_MAX) {
            return xasprintf("note:%s: longer than %d bytes", value, OFPACT_NOTE_MAX);
        }
        if (a->note_len < 16) {
            a->value[a->note_len] = byte;
        } else {
            a->mask[a->note_len - 16] = byte;
        }
        a->note_len++;
        p += 2;
    }
    /* On the wire a note is padded to 6 + 8n bytes: keep what a round trip gives. */
    while (a->note_len < 6 || (a->note_len - 6) % 8) {
        a->note_len++;
    }
    return NULL;
}

enum { STAGE_APPLY, STAGE_CLEAR, STAGE_WRITE, STAGE_META, STAGE_GOTO };
static const char *const stage_names[] = {
    "apply_actions", "clear_actions", "write_actions", "write_metadata", "goto_table",
};

static char *parse_action_list(const char *str, bool write, ofp_port_name_cb *cb, void *aux,
                               struct ofpacts *acts);

static char *
parse_instruction(const char *key, const char *value, int *stage, ofp_port_name_cb *cb,
                  void *aux, struct ofpacts *acts, bool write)
{
    int this;
    uint64_t v;
    char *error;

    if (!strcmp(key, "clear_actions")) {
        this = STAGE_CLEAR;
    } else if (!strcmp(key, "write_actions")) {
        this = STAGE_WRITE;
    } else if (!strcmp(key, "write_metadata")) {
        this = STAGE_META;
    } else {
        this = STAGE_GOTO;
    }
    if (write) {
        return xasprintf("%s: instructions cannot be inside write_actions", key);
    }
    if (this <= *stage && *stage != STAGE_APPLY) {
        return xasprintf("instruction %s may not follow instruction %s (order: apply actions, "
                         "clear_actions, write_actions, write_metadata, goto_table)",
                         stage_names[this], stage_names[*stage]);
    }
    *stage = this;
    switch (this) {
    case STAGE_CLEAR:
        ofpacts_put(acts, OFPACT_CLEAR_ACTIONS);
        return NULL;
    case STAGE_WRITE:
        return parse_action_list(value, true, cb, aux, acts);
    case STAGE_META: {
        char *copy = xstrdup(value);
        char *slash = strchr(copy, '/');
        uint64_t m = UINT64_MAX;
        if (slash) {
            *slash = '\0';
        }
        error = ofp_parse_uint("write_metadata", copy, UINT64_MAX, &v);
        if (!error && slash) {
            error = ofp_parse_uint("write_metadata mask", slash + 1, UINT64_MAX, &m);
        }
        free(copy);
        if (!error) {
            struct ofpact *a = ofpacts_put(acts, OFPACT_WRITE_METADATA);
            a->metadata = v & m;
            a->metadata_mask = m;
        }
        return error;
    }
    default:
        error = ofp_parse_uint("goto_table", value, 253, &v);
        if (!error) {
            ofpacts_put(acts, OFPACT_GOTO_TABLE)->table = v;
        }
        return error;
    }
}

static char *
parse_action_list(const char *str, bool write, ofp_port_name_cb *cb, void *aux,
                  struct ofpacts *acts)
{
    char *copy = xstrdup(str);
    char *pos = copy, *key, *value;
    char *error = NULL;
    bool drop = false;
    size_t n_items = 0;
    int stage = STAGE_APPLY;

    while (!error && ofp_next_keyword(&pos, &key, &value)) {
        size_t first = acts->n;
        bool paren = str[(key - copy) + strlen(key)] == '(';
        uint32_t port;
        uint64_t v;

        n_items++;
        if (!strcmp(key, "clear_actions") || !strcmp(key, "write_actions")
            || !strcmp(key, "write_metadata") || !strcmp(key, "goto_table")) {
            error = parse_instruction(key, value, &stage, cb, aux, acts, write);
            continue;
        }
        if (stage != STAGE_APPLY) {
            error = xasprintf("%s: actions must come before the instructions (put it before "
                              "%s, or inside write_actions(...))", key, stage_names[stage]);
            break;
        }
        if (!strcasecmp(key, "drop")) {
            drop = true;
        } else if (!strcasecmp(key, "output")) {
            if (!*value) {
                error = xstrdup("output: missing port (use output:PORT)");
            } else if (!ofp_port_from_string(value, cb, aux, &port) || port == OFPP_ANY) {
                error = xasprintf("%s: output to unknown port", value);
            } else {
                ofpacts_add_output(acts, port, port == OFPP_CONTROLLER ? OFPCML_NO_BUFFER : 0);
            }
        } else if (!strcasecmp(key, "controller")) {
            const char *arg = value;
            v = OFPCML_NO_BUFFER;
            if (!strncmp(arg, "max_len=", 8)) {
                arg += 8;
            } else if (*arg && !isdigit((unsigned char) *arg)) {
                error = xasprintf("%s:%s: unknown controller argument \"%s\" (expected "
                                  "max_len=N)", key, arg, arg);
            }
            if (*arg && !error) {
                error = ofp_parse_uint("controller max_len", arg, UINT16_MAX, &v);
            }
            if (!error) {
                ofpacts_add_output(acts, OFPP_CONTROLLER, v);
            }
        } else if (!strcmp(key, "push_vlan")) {
            error = ofp_parse_uint("push_vlan", value, UINT16_MAX, &v);
            if (!error && v != ETH_TYPE_VLAN_8021Q && v != ETH_TYPE_VLAN_8021AD) {
                error = xasprintf("push_vlan:%s: ethertype must be 0x8100 or 0x88a8", value);
            }
            if (!error) {
                ofpacts_put(acts, OFPACT_PUSH_VLAN)->ethertype = v;
            }
        } else if (!strcmp(key, "pop_vlan") || !strcmp(key, "strip_vlan")) {
            ofpacts_put(acts, OFPACT_POP_VLAN);
        } else if (!strcmp(key, "dec_ttl")) {
            ofpacts_put(acts, OFPACT_DEC_TTL);
        } else if (!strcmp(key, "mod_nw_ttl") || !strcmp(key, "set_nw_ttl")) {
            error = ofp_parse_uint(key, value, 255, &v);
            if (!error) {
                ofpacts_put(acts, OFPACT_SET_NW_TTL)->ttl = v;
            }
        } else if (!strcmp(key, "set_field")) {
            error = parse_set_field(value, acts);
        } else if (!strcmp(key, "load")) {
            error = parse_load(value, acts);
        } else if (!strcmp(key, "move")) {
            error = parse_move(value, acts);
        } else if (!strcmp(key, "resubmit")) {
            error = parse_resubmit(key, value, paren, cb, aux, acts);
        } else if (!strcmp(key, "note")) {
            error = parse_note(value, acts);
        } else if (!strcmp(key, "group")) {
            error = ofp_parse_uint("group", value, 0xffffff00u, &v);
            if (!error) {
                ofpacts_put(acts, OFPACT_GROUP)->port = v;
            }
        } else if (!strcmp(key, "meter")) {
            /* The meter instruction (OpenFlow 1.3.5 §5.7) comes first, as in ovs-ofctl. */
            if (write) {
                error = xstrdup("meter: an instruction, not allowed in write_actions");
            } else if (acts->n) {
                error = xstrdup("meter: must be the first action (meter:N,ACTIONS...)");
            } else if (!(error = ofp_parse_uint("meter", value, 0xffff0000u, &v)) && !v) {
                error = xstrdup("meter: meter ids start at 1");
            }
            if (!error) {
                ofpacts_put(acts, OFPACT_METER)->port = v;
                continue;
            }
        } else if (!strcmp(key, "set_queue")) {
            error = xasprintf("%s: not supported by this switch yet", key);
        } else if (*value) {
            error = xasprintf("unknown action %s", key);
        } else if (ofp_port_from_string(key, cb, aux, &port) && port != OFPP_ANY) {
            /* TABLE is for packet-outs; a switch refuses it in a flow (OFPBAC_BAD_OUT_PORT). */
            ofpacts_add_output(acts, port, port == OFPP_CONTROLLER ? OFPCML_NO_BUFFER : 0);
        } else if (isdigit((unsigned char) key[0])) {
            error = xasprintf("%s: output to unknown port", key);
        } else {
            error = xasprintf("unknown action %s", key);
        }
        for (size_t i = first; i < acts->n; i++) {
            acts->acts[i].write = write;
            if (write && !error && !allowed_in_set(acts->acts[i].type)) {
                error = xasprintf("%s: not allowed in write_actions (an action set holds output, "
                                  "group, push_vlan, pop_vlan, set_field, dec_ttl, mod_nw_ttl)",
                                  key);
            }
        }
    }
    if (!error && drop && n_items > 1) {
        error = xstrdup("\"drop\" must not be accompanied by any other action");
    }
    free(copy);
    return error;
}

char *
ofp_parse_actions(const char *str, ofp_port_name_cb *cb, void *aux, struct ofpacts *acts)
{
    ofpacts_init(acts);
    return parse_action_list(str, false, cb, aux, acts);
}
