/*
 * ofp-msgs10 — OpenFlow 1.0 (wire version 0x01) messages: type numbers, error codes, the encoders
 * of the messages whose layout differs from OpenFlow 1.3, and ofp10_upgrade(), which turns a
 * received 1.0 message into the 1.3 message it means. Layouts: OpenFlow 1.0.0 §5. See
 * ofp-compat.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-compat.h"

/* Message types that differ from 1.3 (OpenFlow 1.0.0 §5.1, enum ofp_type). */
#define OFPT10_PORT_MOD 15
#define OFPT10_STATS_REQUEST 16
#define OFPT10_STATS_REPLY 17
#define OFPT10_BARRIER_REQUEST 18
#define OFPT10_BARRIER_REPLY 19
#define OFPT10_QUEUE_GET_CONFIG_REQUEST 20
#define OFPT10_QUEUE_GET_CONFIG_REPLY 21

/* Error types that differ (OpenFlow 1.0.0 §5.4.4, enum ofp_error_type). */
#define OFPET10_FLOW_MOD_FAILED 3
#define OFPET10_PORT_MOD_FAILED 4
#define OFPET10_QUEUE_OP_FAILED 5
#define OFPET13_QUEUE_OP_FAILED 9
#define OFPFMFC10_ALL_TABLES_FULL 0
#define OFPFMFC10_OVERLAP 1
#define OFPFMFC10_EPERM 2
#define OFPFMFC10_BAD_COMMAND 4
#define OFPFMFC10_UNSUPPORTED 5

/* Open vSwitch's 1.0 extension: port descriptions as a stats request, as in 1.3. */
#define OFPST10_PORT_DESC 13
#define OFPST10_VENDOR 0xffff

#define OFPFF10_EMERG 4u

#define OFP10_FLOW_MOD_FIXED_LEN 72
#define OFP10_FLOW_STATS_FIXED_LEN 88
#define OFP10_TABLE_STATS_LEN 64
#define OFP10_PORT_STATS_LEN 104
#define OFP10_FLOW_REMOVED_LEN 88
#define OFP10_PORT_MOD_LEN 32

static int
err10(struct ofperr *err, uint16_t type, uint16_t code)
{
    err->type = type;
    err->code = code;
    return -EPROTO;
}

/* ---------------------------------------------------------------------------------------------
 * Type numbers and errors.
 * ------------------------------------------------------------------------------------------- */

uint8_t
ofp10_type_from_13(uint8_t type)
{
    switch (type) {
    case OFPT_PORT_MOD: return OFPT10_PORT_MOD;
    case OFPT_MULTIPART_REQUEST: return OFPT10_STATS_REQUEST;
    case OFPT_MULTIPART_REPLY: return OFPT10_STATS_REPLY;
    case OFPT_BARRIER_REQUEST: return OFPT10_BARRIER_REQUEST;
    case OFPT_BARRIER_REPLY: return OFPT10_BARRIER_REPLY;
    case OFPT_QUEUE_GET_CONFIG_REQUEST: return OFPT10_QUEUE_GET_CONFIG_REQUEST;
    case OFPT_QUEUE_GET_CONFIG_REPLY: return OFPT10_QUEUE_GET_CONFIG_REPLY;
    default: return type <= OFPT_FLOW_MOD ? type : 0xff;
    }
}

uint8_t
ofp10_type_to_13(uint8_t type10)
{
    static const uint8_t map[] = {
        [OFPT10_PORT_MOD] = OFPT_PORT_MOD,
        [OFPT10_STATS_REQUEST] = OFPT_MULTIPART_REQUEST,
        [OFPT10_STATS_REPLY] = OFPT_MULTIPART_REPLY,
        [OFPT10_BARRIER_REQUEST] = OFPT_BARRIER_REQUEST,
        [OFPT10_BARRIER_REPLY] = OFPT_BARRIER_REPLY,
        [OFPT10_QUEUE_GET_CONFIG_REQUEST] = OFPT_QUEUE_GET_CONFIG_REQUEST,
        [OFPT10_QUEUE_GET_CONFIG_REPLY] = OFPT_QUEUE_GET_CONFIG_REPLY,
    };
    if (type10 <= OFPT_FLOW_MOD) {
        return type10;
    }
    return type10 < sizeof map ? map[type10] : 0xff;
}

struct ofperr
ofp10_error_from_13(struct ofperr e)
{
    /* Codes 1.0 has keep their numbers; the others become the nearest 1.0 code (the request in
     * the error's data tells the controller which message failed). */
    switch (e.type) {
    case OFPET_HELLO_FAILED:
        return (struct ofperr) { e.type, e.code <= OFPHFC_EPERM ? e.code : OFPHFC_EPERM };
    case OFPET_BAD_REQUEST:
        return (struct ofperr) { e.type, e.code <= OFPBRC_BUFFER_UNKNOWN ? e.code : OFPBRC_EPERM };
    case OFPET_BAD_ACTION:
        return (struct ofperr) { e.type, e.code <= 8 ? e.code : OFPBAC_BAD_ARGUMENT };
    case OFPET_BAD_INSTRUCTION:
        return (struct ofperr) { OFPET_BAD_ACTION, OFPBAC_BAD_TYPE };
    case OFPET_FLOW_MOD_FAILED:
        switch (e.code) {
        case OFPFMFC_TABLE_FULL: e.code = OFPFMFC10_ALL_TABLES_FULL; break;
        case OFPFMFC_OVERLAP: e.code = OFPFMFC10_OVERLAP; break;
        case OFPFMFC_EPERM: e.code = OFPFMFC10_EPERM; break;
        case OFPFMFC_BAD_COMMAND: e.code = OFPFMFC10_BAD_COMMAND; break;
        default: e.code = OFPFMFC10_UNSUPPORTED; break;
        }
        return (struct ofperr) { OFPET10_FLOW_MOD_FAILED, e.code };
    case OFPET_BAD_MATCH:
        /* 1.0 has no match errors: the flow-mod cannot be supported as given. */
        return (struct ofperr) { OFPET10_FLOW_MOD_FAILED, OFPFMFC10_UNSUPPORTED };
    case OFPET_PORT_MOD_FAILED:
        return (struct ofperr) { OFPET10_PORT_MOD_FAILED, e.code <= 1 ? e.code : 0 };
    case OFPET13_QUEUE_OP_FAILED:
        return (struct ofperr) { OFPET10_QUEUE_OP_FAILED, e.code };   /* Same codes. */
    default:
        return (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_EPERM };
    }
}

struct ofperr
ofp10_error_to_13(struct ofperr e)
{
    static const uint16_t fm_codes[] = {
        [OFPFMFC10_ALL_TABLES_FULL] = OFPFMFC_TABLE_FULL, [OFPFMFC10_OVERLAP] = OFPFMFC_OVERLAP,
        [OFPFMFC10_EPERM] = OFPFMFC_EPERM, [3] = OFPFMFC_BAD_TIMEOUT,
        [OFPFMFC10_BAD_COMMAND] = OFPFMFC_BAD_COMMAND, [OFPFMFC10_UNSUPPORTED] = OFPFMFC_UNKNOWN,
    };
    switch (e.type) {
    case OFPET10_FLOW_MOD_FAILED:
        return (struct ofperr) { OFPET_FLOW_MOD_FAILED,
                                 e.code < ARRAY_SIZE(fm_codes) ? fm_codes[e.code] : 0 };
    case OFPET10_PORT_MOD_FAILED:
        return (struct ofperr) { OFPET_PORT_MOD_FAILED, e.code };
    case OFPET10_QUEUE_OP_FAILED:
        return (struct ofperr) { OFPET13_QUEUE_OP_FAILED, e.code };
    default:
        return e;
    }
}

/* ---------------------------------------------------------------------------------------------
 * Encoders.
 * ------------------------------------------------------------------------------------------- */

/* 1.0 port features bits: the speeds up to 10 Gb/s are those of 1.3; copper, fiber, autoneg and
 * pause sit 4 bits lower (1.3 inserted 40G, 100G, 1T and OTHER). */
static uint32_t
features_from_13(uint32_t f)
{
    return (f & 0x7f) | ((f >> 4) & 0xf80);
}

static uint32_t
features_to_13(uint32_t f)
{
    return (f & 0x7f) | ((f & 0xf80) << 4);
}

static void
put_phy_port10(uint8_t *p, const struct ofp_phy_port *pp)
{
    memset(p, 0, OFP10_PHY_PORT_LEN);
    ofp_set_be16(p, ofp10_port_from_32(pp->port_no));
    memcpy(p + 2, pp->hw_addr.ea, ETH_ADDR_LEN);
    memcpy(p + 8, pp->name, strnlen(pp->name, OFP_MAX_PORT_NAME_LEN - 1));
    ofp_set_be32(p + 24, pp->config & 0x7f);
    ofp_set_be32(p + 28, pp->state & OFPPS_LINK_DOWN);
    ofp_set_be32(p + 32, features_from_13(pp->curr));
    ofp_set_be32(p + 36, features_from_13(pp->advertised));
    ofp_set_be32(p + 40, features_from_13(pp->supported));
    ofp_set_be32(p + 44, features_from_13(pp->peer));
}

static void
pull_phy_port10(const uint8_t *p, struct ofp_phy_port *pp)
{
    memset(pp, 0, sizeof *pp);
    pp->port_no = ofp10_port_to_32(ofp_get_be16(p));
    memcpy(pp->hw_addr.ea, p + 2, ETH_ADDR_LEN);
    memcpy(pp->name, p + 8, OFP_MAX_PORT_NAME_LEN - 1);
    pp->config = ofp_get_be32(p + 24);
    pp->state = ofp_get_be32(p + 28) & OFPPS_LINK_DOWN;
    pp->curr = features_to_13(ofp_get_be32(p + 32));
    pp->advertised = features_to_13(ofp_get_be32(p + 36));
    pp->supported = features_to_13(ofp_get_be32(p + 40));
    pp->peer = features_to_13(ofp_get_be32(p + 44));
    /* 1.0 has no speed fields: derive them from the current and supported rates. */
    static const uint32_t kbps[] = { 10000, 10000, 100000, 100000, 1000000, 1000000, 10000000 };
    for (size_t i = 0; i < ARRAY_SIZE(kbps); i++) {
        if (pp->curr & (1u << i)) {
            pp->curr_speed = kbps[i];
        }
        if (pp->supported & (1u << i)) {
            pp->max_speed = kbps[i];
        }
    }
}

void
ofp10_encode_features_reply(struct ofpbuf *out, uint32_t xid, const struct ofp_switch_features *f)
{
    size_t start = ofp_msg_start(out, OFP10_VERSION, OFPT_FEATURES_REPLY, xid);
    ofpbuf_put_be64(out, f->datapath_id);
    ofpbuf_put_be32(out, f->n_buffers);
    ofpbuf_put_u8(out, f->n_tables);
    ofpbuf_put_zeros(out, 3);
    /* OFPC_FLOW/TABLE/PORT_STATS, IP_REASM and QUEUE_STATS share their 1.3 bits. */
    ofpbuf_put_be32(out, f->capabilities & (OFPC_FLOW_STATS | OFPC_TABLE_STATS | OFPC_PORT_STATS
                                            | OFPC_IP_REASM | OFPC_QUEUE_STATS));
    ofpbuf_put_be32(out, 0x7ff);   /* OFPAT10_OUTPUT .. OFPAT10_SET_TP_DST */
    for (size_t i = 0; i < f->n_ports; i++) {
        put_phy_port10(ofpbuf_put_zeros(out, OFP10_PHY_PORT_LEN), &f->ports[i]);
    }
    ofp_msg_finish(out, start);
}

/* The command field: OpenFlow 1.0's command, with Open vSwitch's NXT_FLOW_MOD_TABLE_ID extension
 * putting the table id in its high byte. uvs always reads that byte (0 = table 0 for an add,
 * every table for the other commands unless the connection enabled the extension). */
void
ofp10_encode_flow_mod(struct ofpbuf *out, uint32_t xid, const struct ofp_flow_mod *fm)
{
    size_t start = ofp_msg_start(out, OFP10_VERSION, OFPT_FLOW_MOD, xid);
    uint8_t table = fm->table_id == 0xff ? 0 : fm->table_id;

    ofp10_put_match(ofpbuf_put_uninit(out, OFP10_MATCH_LEN), &fm->match);
    ofpbuf_put_be64(out, fm->cookie);
    ofpbuf_put_be16(out, (uint16_t) table << 8 | fm->command);
    ofpbuf_put_be16(out, fm->idle_timeout);
    ofpbuf_put_be16(out, fm->hard_timeout);
    ofpbuf_put_be16(out, fm->priority);
    ofpbuf_put_be32(out, fm->buffer_id);
    ofpbuf_put_be16(out, ofp10_port_from_32(fm->out_port));
    ofpbuf_put_be16(out, fm->flags & (OFPFF_SEND_FLOW_REM | OFPFF_CHECK_OVERLAP));
    ofp10_put_actions(out, &fm->ofpacts);
    ofp_msg_finish(out, start);
}

static size_t
stats_start(struct ofpbuf *out, uint8_t type, uint32_t xid, uint16_t st_type)
{
    size_t start = ofp_msg_start(out, OFP10_VERSION, type, xid);
    ofpbuf_put_be16(out, st_type);
    ofpbuf_put_be16(out, 0);
    return start;
}

void
ofp10_encode_flow_stats_request(struct ofpbuf *out, uint32_t xid,
                                const struct ofp_flow_stats_request *fsr)
{
    size_t start = stats_start(out, OFPT_MULTIPART_REQUEST, xid,
                               fsr->aggregate ? OFPMP_AGGREGATE : OFPMP_FLOW);
    ofp10_put_match(ofpbuf_put_uninit(out, OFP10_MATCH_LEN), &fsr->match);
    ofpbuf_put_u8(out, fsr->table_id);
    ofpbuf_put_u8(out, 0);
    ofpbuf_put_be16(out, ofp10_port_from_32(fsr->out_port));
    ofp_msg_finish(out, start);
}

void
ofp10_encode_port_stats_request(struct ofpbuf *out, uint32_t xid, uint32_t port_no)
{
    size_t start = stats_start(out, OFPT_MULTIPART_REQUEST, xid, OFPMP_PORT_STATS);
    ofpbuf_put_be16(out, ofp10_port_from_32(port_no));
    ofpbuf_put_zeros(out, 6);
    ofp_msg_finish(out, start);
}

void
ofp10_mp_put_flow_stats(struct ofp_mp_writer *w, const struct ofp_flow_stats *fs)
{
    struct ofpbuf e;
    ofpbuf_init(&e, 256);
    ofpbuf_put_be16(&e, 0);
    ofpbuf_put_u8(&e, fs->table_id);
    ofpbuf_put_u8(&e, 0);
    ofp10_put_match(ofpbuf_put_uninit(&e, OFP10_MATCH_LEN), &fs->match);
    ofpbuf_put_be32(&e, fs->duration_sec);
    ofpbuf_put_be32(&e, fs->duration_nsec);
    ofpbuf_put_be16(&e, fs->priority);
    ofpbuf_put_be16(&e, fs->idle_timeout);
    ofpbuf_put_be16(&e, fs->hard_timeout);
    ofpbuf_put_zeros(&e, 6);
    ofpbuf_put_be64(&e, fs->cookie);
    ofpbuf_put_be64(&e, fs->packet_count);
    ofpbuf_put_be64(&e, fs->byte_count);
    ofp10_put_actions(&e, &fs->ofpacts);
    ofp_set_be16(e.data, e.size);
    memcpy(ofp_mp_reply_reserve(w, e.size), e.data, e.size);
    ofpbuf_uninit(&e);
}

void
ofp10_mp_put_table_stats(struct ofp_mp_writer *w, const struct ofp_table_stats *t)
{
    uint8_t *p = ofp_mp_reply_reserve(w, OFP10_TABLE_STATS_LEN);
    p[0] = t->table_id;
    /* name[32] at 4: "table<N>" lets ovs-ofctl print something readable. */
    snprintf((char *) p + 4, 32, "table%u", t->table_id);
    ofp_set_be32(p + 36, 0x3fffff);           /* Every 1.0 wildcard is supported. */
    ofp_set_be32(p + 40, 1000000);
    ofp_set_be32(p + 44, t->active_count);
    ofp_set_be64(p + 48, t->lookup_count);
    ofp_set_be64(p + 56, t->matched_count);
}

void
ofp10_mp_put_port_stats(struct ofp_mp_writer *w, const struct ofp_port_stats *s)
{
    uint8_t *p = ofp_mp_reply_reserve(w, OFP10_PORT_STATS_LEN);
    const uint64_t c[12] = {
        s->rx_packets, s->tx_packets, s->rx_bytes, s->tx_bytes, s->rx_dropped, s->tx_dropped,
        s->rx_errors, s->tx_errors, s->rx_frame_err, s->rx_over_err, s->rx_crc_err, s->collisions,
    };
    ofp_set_be16(p, ofp10_port_from_32(s->port_no));
    for (size_t i = 0; i < 12; i++) {
        ofp_set_be64(p + 8 + 8 * i, c[i]);
    }
}

void
ofp10_mp_put_port(struct ofp_mp_writer *w, const struct ofp_phy_port *pp)
{
    put_phy_port10(ofp_mp_reply_reserve(w, OFP10_PHY_PORT_LEN), pp);
}

void
ofp10_encode_packet_in(struct ofpbuf *out, uint32_t xid, const struct ofp_packet_in *pi)
{
    size_t start = ofp_msg_start(out, OFP10_VERSION, OFPT_PACKET_IN, xid);
    ofpbuf_put_be32(out, pi->buffer_id);
    ofpbuf_put_be16(out, pi->total_len);
    ofpbuf_put_be16(out, ofp10_port_from_32(pi->in_port));
    ofpbuf_put_u8(out, pi->reason == OFPR_NO_MATCH ? OFPR_NO_MATCH : OFPR_ACTION);
    ofpbuf_put_u8(out, 0);
    ofpbuf_put(out, pi->data, pi->data_len);
    ofp_msg_finish(out, start);
}

void
ofp10_encode_packet_out(struct ofpbuf *out, uint32_t xid, const struct ofp_packet_out *po)
{
    size_t start = ofp_msg_start(out, OFP10_VERSION, OFPT_PACKET_OUT, xid);
    ofpbuf_put_be32(out, po->buffer_id);
    ofpbuf_put_be16(out, ofp10_port_from_32(po->in_port));
    size_t len_ofs = out->size;
    ofpbuf_put_be16(out, 0);
    size_t acts = out->size;
    ofp10_put_actions(out, &po->ofpacts);
    ofp_set_be16(out->data + len_ofs, out->size - acts);
    ofpbuf_put(out, po->data, po->data_len);
    ofp_msg_finish(out, start);
}

void
ofp10_encode_flow_removed(struct ofpbuf *out, uint32_t xid, const struct ofp_flow_removed *fr)
{
    size_t start = ofp_msg_start(out, OFP10_VERSION, OFPT_FLOW_REMOVED, xid);
    ofp10_put_match(ofpbuf_put_uninit(out, OFP10_MATCH_LEN), &fr->match);
    ofpbuf_put_be64(out, fr->cookie);
    ofpbuf_put_be16(out, fr->priority);
    ofpbuf_put_u8(out, fr->reason);
    ofpbuf_put_u8(out, 0);
    ofpbuf_put_be32(out, fr->duration_sec);
    ofpbuf_put_be32(out, fr->duration_nsec);
    ofpbuf_put_be16(out, fr->idle_timeout);
    ofpbuf_put_zeros(out, 2);
    ofpbuf_put_be64(out, fr->packet_count);
    ofpbuf_put_be64(out, fr->byte_count);
    ofp_msg_finish(out, start);
}

void
ofp10_encode_port_mod(struct ofpbuf *out, uint32_t xid, const struct ofp_port_mod *pm)
{
    size_t start = ofp_msg_start(out, OFP10_VERSION, OFPT_PORT_MOD, xid);
    ofpbuf_put_be16(out, ofp10_port_from_32(pm->port_no));
    ofpbuf_put(out, pm->hw_addr.ea, ETH_ADDR_LEN);
    ofpbuf_put_be32(out, pm->config);
    ofpbuf_put_be32(out, pm->mask);
    ofpbuf_put_be32(out, features_from_13(pm->advertise));
    ofpbuf_put_zeros(out, 4);
    ofp_msg_finish(out, start);
}

void
ofp10_encode_port_status(struct ofpbuf *out, uint32_t xid, uint8_t reason,
                         const struct ofp_phy_port *pp)
{
    size_t start = ofp_msg_start(out, OFP10_VERSION, OFPT_PORT_STATUS, xid);
    ofpbuf_put_u8(out, reason);
    ofpbuf_put_zeros(out, 7);
    put_phy_port10(ofpbuf_put_zeros(out, OFP10_PHY_PORT_LEN), pp);
    ofp_msg_finish(out, start);
}

/* ---------------------------------------------------------------------------------------------
 * Upgrade: 1.0 message -> 1.3 message.
 * ------------------------------------------------------------------------------------------- */

static int
bad_len10(struct ofperr *err)
{
    return err10(err, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

static int
upgrade_flow_mod(const uint8_t *p, size_t len, uint32_t xid, bool nx_table_id,
                 struct ofpbuf *out, struct ofperr *err)
{
    struct ofp_flow_mod fm;
    int error;

    ofp_flow_mod_init(&fm);
    if (len < OFP10_FLOW_MOD_FIXED_LEN) {
        error = bad_len10(err);
        goto out;
    }
    error = ofp10_pull_match(p + 8, &fm.match, err);
    if (error) {
        goto out;
    }
    uint16_t command = ofp_get_be16(p + 56);
    fm.cookie = ofp_get_be64(p + 48);
    fm.cookie_mask = UINT64_MAX;
    fm.command = command & 0xff;
    fm.table_id = command >> 8;
    fm.idle_timeout = ofp_get_be16(p + 58);
    fm.hard_timeout = ofp_get_be16(p + 60);
    fm.priority = ofp_get_be16(p + 62);
    fm.buffer_id = ofp_get_be32(p + 64);
    fm.out_port = ofp10_port_to_32(ofp_get_be16(p + 68));
    fm.flags = ofp_get_be16(p + 70);
    if (fm.command > OFPFC_DELETE_STRICT) {
        error = err10(err, OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_COMMAND);
        goto out;
    }
    if (fm.flags & ~(OFPFF_SEND_FLOW_REM | OFPFF_CHECK_OVERLAP)) {
        /* OFPFF10_EMERG: uvs has no emergency flow cache. */
        error = err10(err, OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_FLAGS);
        goto out;
    }
    /* 1.0 has no cookie mask: modify and delete match any cookie. Without NXT_FLOW_MOD_TABLE_ID
     * the table byte is 0 and modify and delete act on every table; with it, 0 is table 0 and
     * 0xff every table (ovs-ofctl sends 0xff for an add without a table: table 0). */
    fm.cookie_mask = 0;
    if (fm.command != OFPFC_ADD && !fm.table_id && !nx_table_id) {
        fm.table_id = 0xff;
    } else if (fm.command == OFPFC_ADD && fm.table_id == 0xff) {
        fm.table_id = 0;
    }
    if (fm.command != OFPFC_DELETE && fm.command != OFPFC_DELETE_STRICT) {
        error = ofp10_decode_actions(p + OFP10_FLOW_MOD_FIXED_LEN,
                                     len - OFP10_FLOW_MOD_FIXED_LEN, &fm.match, &fm.ofpacts, err);
        if (error) {
            goto out;
        }
    }
    ofp_encode_flow_mod(out, OFP13_VERSION, xid, &fm);
out:
    ofp_flow_mod_destroy(&fm);
    return error;
}

static int
upgrade_packet_out(const uint8_t *p, size_t len, uint32_t xid, struct ofpbuf *out,
                   struct ofperr *err)
{
    struct ofp_packet_out po;
    int error;

    memset(&po, 0, sizeof po);
    ofpacts_init(&po.ofpacts);
    if (len < 16) {
        return bad_len10(err);
    }
    size_t acts_len = ofp_get_be16(p + 14);
    if (acts_len > len - 16) {
        return bad_len10(err);
    }
    po.buffer_id = ofp_get_be32(p + 8);
    po.in_port = ofp10_port_to_32(ofp_get_be16(p + 12));
    if (po.in_port == OFPP_ANY) {
        po.in_port = OFPP_CONTROLLER;         /* OFPP10_NONE: the packet has no input port. */
    }
    error = ofp10_decode_actions(p + 16, acts_len, NULL, &po.ofpacts, err);
    if (!error) {
        po.data = p + 16 + acts_len;
        po.data_len = len - 16 - acts_len;
        ofp_encode_packet_out(out, OFP13_VERSION, xid, &po);
    }
    ofpacts_destroy(&po.ofpacts);
    return error;
}

static int
upgrade_stats(const uint8_t *p, size_t len, uint8_t type, uint32_t xid, struct ofpbuf *out,
              struct ofperr *err)
{
    if (len < OFP10_STATS_HEADER_LEN) {
        return bad_len10(err);
    }
    uint16_t st = ofp_get_be16(p + 8), flags = ofp_get_be16(p + 10);
    const uint8_t *body = p + OFP10_STATS_HEADER_LEN;
    size_t blen = len - OFP10_STATS_HEADER_LEN;
    bool request = type == OFPT_MULTIPART_REQUEST;
    struct ofp_mp_writer w;

    if (st > OFPMP_QUEUE && st != OFPST10_PORT_DESC && st != OFPST10_VENDOR) {
        return err10(err, OFPET_BAD_REQUEST, OFPBRC_BAD_MULTIPART);
    }
    if (request) {
        size_t start = out->size;
        if ((st == OFPMP_FLOW || st == OFPMP_AGGREGATE) && blen == OFP10_MATCH_LEN + 4) {
            struct ofp_flow_stats_request fsr = { .aggregate = st == OFPMP_AGGREGATE };
            int error = ofp10_pull_match(body, &fsr.match, err);
            if (error) {
                return error;
            }
            fsr.table_id = body[40];
            fsr.out_port = ofp10_port_to_32(ofp_get_be16(body + 42));
            fsr.out_group = OFPG_ANY;
            ofp_encode_flow_stats_request(out, OFP13_VERSION, xid, &fsr);
        } else if (st == OFPMP_FLOW || st == OFPMP_AGGREGATE) {
            return bad_len10(err);
        } else if (st == OFPMP_PORT_STATS) {
            if (blen != 8) {
                return bad_len10(err);
            }
            ofp_encode_port_stats_request(out, OFP13_VERSION, xid,
                                          ofp10_port_to_32(ofp_get_be16(body)));
        } else if (st == OFPMP_QUEUE) {
            /* port_no(16), pad[2], queue_id -> port_no(32), queue_id. "All ports" is
             * OFPP_ALL in 1.0 (1.0.0 §5.3.5), OFPP_ANY in 1.3. */
            uint8_t q[8];
            if (blen != 8) {
                return bad_len10(err);
            }
            uint32_t port = ofp10_port_to_32(ofp_get_be16(body));
            ofp_set_be32(q, port == OFPP_ALL ? OFPP_ANY : port);
            memcpy(q + 4, body + 4, 4);
            ofp_encode_multipart_request(out, OFP13_VERSION, xid, st, q, sizeof q);
        } else {
            ofp_encode_multipart_request(out, OFP13_VERSION, xid, st, body, blen);
        }
        ofp_set_be16(out->data + start + 10, flags);
        return 0;
    }

    /* Replies (uvs-ofctl's side): one 1.3 reply message per 1.0 one, the flags kept. */
    ofp_mp_reply_start(&w, out, OFP13_VERSION, st, xid);
    switch (st) {
    case OFPMP_FLOW:
        while (blen) {
            struct ofp_flow_stats fs;
            memset(&fs, 0, sizeof fs);
            ofpacts_init(&fs.ofpacts);
            size_t elen = blen >= 2 ? ofp_get_be16(body) : 0;
            if (elen < OFP10_FLOW_STATS_FIXED_LEN || elen > blen) {
                return bad_len10(err);
            }
            fs.table_id = body[2];
            int error = ofp10_pull_match(body + 4, &fs.match, err);
            if (!error) {
                error = ofp10_decode_actions(body + OFP10_FLOW_STATS_FIXED_LEN,
                                             elen - OFP10_FLOW_STATS_FIXED_LEN, &fs.match,
                                             &fs.ofpacts, err);
            }
            if (error) {
                ofpacts_destroy(&fs.ofpacts);
                return error;
            }
            fs.duration_sec = ofp_get_be32(body + 44);
            fs.duration_nsec = ofp_get_be32(body + 48);
            fs.priority = ofp_get_be16(body + 52);
            fs.idle_timeout = ofp_get_be16(body + 54);
            fs.hard_timeout = ofp_get_be16(body + 56);
            fs.cookie = ofp_get_be64(body + 64);
            fs.packet_count = ofp_get_be64(body + 72);
            fs.byte_count = ofp_get_be64(body + 80);
            ofp_mp_put_flow_stats(&w, &fs);
            ofpacts_destroy(&fs.ofpacts);
            body += elen;
            blen -= elen;
        }
        break;
    case OFPMP_TABLE:
        for (; blen >= OFP10_TABLE_STATS_LEN; blen -= OFP10_TABLE_STATS_LEN) {
            struct ofp_table_stats t = {
                .table_id = body[0], .active_count = ofp_get_be32(body + 44),
                .lookup_count = ofp_get_be64(body + 48), .matched_count = ofp_get_be64(body + 56),
            };
            ofp_mp_put_table_stats(&w, &t);
            body += OFP10_TABLE_STATS_LEN;
        }
        break;
    case OFPMP_PORT_STATS:
        for (; blen >= OFP10_PORT_STATS_LEN; blen -= OFP10_PORT_STATS_LEN) {
            struct ofp_port_stats s;
            uint64_t *c[12] = {
                &s.rx_packets, &s.tx_packets, &s.rx_bytes, &s.tx_bytes, &s.rx_dropped,
                &s.tx_dropped, &s.rx_errors, &s.tx_errors, &s.rx_frame_err, &s.rx_over_err,
                &s.rx_crc_err, &s.collisions,
            };
            memset(&s, 0, sizeof s);
            s.port_no = ofp10_port_to_32(ofp_get_be16(body));
            for (size_t i = 0; i < 12; i++) {
                *c[i] = ofp_get_be64(body + 8 + 8 * i);
            }
            ofp_mp_put_port_stats(&w, &s);
            body += OFP10_PORT_STATS_LEN;
        }
        break;
    case OFPST10_PORT_DESC:
        for (; blen >= OFP10_PHY_PORT_LEN; blen -= OFP10_PHY_PORT_LEN) {
            struct ofp_phy_port pp;
            pull_phy_port10(body, &pp);
            ofp_mp_put_port(&w, &pp);
            body += OFP10_PHY_PORT_LEN;
        }
        break;
    default:
        /* DESC and AGGREGATE bodies are the same in 1.0 and 1.3. */
        memcpy(ofp_mp_reply_reserve(&w, blen), body, blen);
        blen = 0;
        break;
    }
    if (blen) {
        return bad_len10(err);
    }
    ofp_mp_reply_finish(&w);
    /* The writer set REPLY_MORE on all messages but its last; that one keeps the peer's flag. */
    ofp_set_be16(out->data + w.start + 10, flags);
    return 0;
}

int
ofp10_upgrade(const uint8_t *p, size_t len, unsigned int flags, struct ofpbuf *out,
              struct ofperr *err)
{
    uint8_t type = ofp10_type_to_13(p[1]);
    uint32_t xid = ofp_get_be32(p + 4);
    size_t start = out->size;

    switch (type) {
    case OFPT_FLOW_MOD:
        return upgrade_flow_mod(p, len, xid, flags & OFP_UPGRADE_NX_TABLE_ID, out, err);
    case OFPT_PACKET_OUT:
        return upgrade_packet_out(p, len, xid, out, err);
    case OFPT_MULTIPART_REQUEST:
    case OFPT_MULTIPART_REPLY: {
        int error = upgrade_stats(p, len, type, xid, out, err);
        if (error) {
            out->size = start;
        }
        return error;
    }
    case OFPT_PORT_MOD: {
        if (len != OFP10_PORT_MOD_LEN) {
            return bad_len10(err);
        }
        struct ofp_port_mod pm = {
            .port_no = ofp10_port_to_32(ofp_get_be16(p + 8)), .config = ofp_get_be32(p + 16),
            .mask = ofp_get_be32(p + 20), .advertise = features_to_13(ofp_get_be32(p + 24)),
        };
        memcpy(pm.hw_addr.ea, p + 10, ETH_ADDR_LEN);
        ofp_encode_port_mod(out, OFP13_VERSION, xid, &pm);
        return 0;
    }
    case OFPT_PORT_STATUS: {
        struct ofp_phy_port pp;
        if (len != 16 + OFP10_PHY_PORT_LEN) {
            return bad_len10(err);
        }
        pull_phy_port10(p + 16, &pp);
        ofp_encode_port_status(out, OFP13_VERSION, xid, p[8], &pp);
        return 0;
    }
    case OFPT_PACKET_IN: {
        if (len < 18) {
            return bad_len10(err);
        }
        struct ofp_packet_in pi = {
            .buffer_id = ofp_get_be32(p + 8), .total_len = ofp_get_be16(p + 12),
            .in_port = ofp10_port_to_32(ofp_get_be16(p + 14)), .reason = p[16],
            .cookie = UINT64_MAX, .data = p + 18, .data_len = len - 18,
        };
        ofp_encode_packet_in(out, OFP13_VERSION, xid, &pi);
        return 0;
    }
    case OFPT_FLOW_REMOVED: {
        struct ofp_flow_removed fr;
        memset(&fr, 0, sizeof fr);
        if (len != OFP10_FLOW_REMOVED_LEN) {
            return bad_len10(err);
        }
        int error = ofp10_pull_match(p + 8, &fr.match, err);
        if (error) {
            return error;
        }
        fr.cookie = ofp_get_be64(p + 48);
        fr.priority = ofp_get_be16(p + 56);
        fr.reason = p[58];
        fr.duration_sec = ofp_get_be32(p + 60);
        fr.duration_nsec = ofp_get_be32(p + 64);
        fr.idle_timeout = ofp_get_be16(p + 68);
        fr.packet_count = ofp_get_be64(p + 72);
        fr.byte_count = ofp_get_be64(p + 80);
        ofp_encode_flow_removed(out, OFP13_VERSION, xid, &fr);
        return 0;
    }
    case OFPT_FEATURES_REPLY: {
        if (len < 32 || (len - 32) % OFP10_PHY_PORT_LEN) {
            return bad_len10(err);
        }
        struct ofp_switch_features f = {
            .datapath_id = ofp_get_be64(p + 8), .n_buffers = ofp_get_be32(p + 16),
            .n_tables = p[20], .capabilities = ofp_get_be32(p + 24) & 0x67,
        };
        ofp_encode_features_reply(out, OFP13_VERSION, xid, &f);
        return 0;
    }
    case OFPT_ERROR: {
        if (len < 12) {
            return bad_len10(err);
        }
        struct ofperr e = { ofp_get_be16(p + 8), ofp_get_be16(p + 10) };
        ofp_encode_error(out, OFP13_VERSION, xid, ofp10_error_to_13(e), p + 12, len - 12);
        return 0;
    }
    case 0xff:
        return err10(err, OFPET_BAD_REQUEST, OFPBRC_BAD_TYPE);
    default: {
        /* Same body in both versions: HELLO, ECHO, VENDOR (= EXPERIMENTER), the header-only
         * requests, GET_CONFIG_REPLY, SET_CONFIG, QUEUE_GET_CONFIG. */
        uint8_t *q = ofpbuf_put(out, p, len);
        q[0] = OFP13_VERSION;
        q[1] = type;
        return 0;
    }
    }
}
