/*
 * fuzz-ofp-msgs — libFuzzer target for the OpenFlow wire decoders (ofproto/ofp-msgs.c).
 *
 * Each input is a byte stream of OpenFlow messages, as a controller or switch would send it. It is
 * split with ofp_msg_frame_len() (the framing connmgr uses), and each complete message goes to
 * ofp_decode_header() and then to every decoder for its type (HELLO, ERROR, FEATURES_REPLY,
 * GET_CONFIG_REPLY/SET_CONFIG, FLOW_MOD, PACKET_IN, PACKET_OUT, ROLE_REQUEST/REPLY,
 * GET_ASYNC_REPLY/SET_ASYNC, PORT_STATUS, MULTIPART_REQUEST/REPLY) (whatever the header's version says:
 * the decoders must cope with any version byte). Multipart bodies go to every entry decoder of
 * their type. Where an encoder exists, a message that decodes is re-encoded and decoded again, and
 * both decoded forms must be equal (the round trip loses nothing the decoder accepted). Decoded
 * flow-mods and flow-stats entries are also printed (ofp-print) so the printer sees every match
 * and action list the decoder can produce.
 *
 * Each message also goes through ofp_msg_upgrade(), the first step of both receivers (connmgr and
 * uvs-ofctl): a 1.0, 1.4 or 1.5 message (version byte 0x01, 0x05, 0x06) is converted into its 1.3
 * form, which must frame exactly (each converted message's length field fits what was appended)
 * and is then decoded like any other message.
 *
 * Each message is copied into a buffer of exactly its length so ASan catches any read past it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-print.h"
#include "ofproto/ofp-types.h"

/* Re-encoding for the round trips uses OpenFlow 1.3, the wire format the decoders implement
 * (they ignore the header's version byte; some encoders switch to 1.4 layouts by version). */
#define OFP_RT_VERSION OFP13_VERSION

#define CHECK(COND)                                                                             \
    do {                                                                                        \
        if (!(COND)) {                                                                          \
            fprintf(stderr, "fuzz-ofp-msgs: %s:%d: round trip check failed: %s\n", __FILE__,   \
                    __LINE__, #COND);                                                           \
            abort();                                                                            \
        }                                                                                       \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether A and B do the same thing. A set_field that writes a whole field may come back from the
 * encoder as the equivalent load:V->FIELD[] (the encoder picks the Nicira form for NXM-class
 * fields), so for SET_FIELD the 'load' notation (load, ofs, n_bits) is ignored: the field, value
 * and mask must still match. */
static bool
ofpacts_same_effect(const struct ofpacts *a, const struct ofpacts *b)
{
    if (a->n != b->n) {
        return false;
    }
    for (size_t i = 0; i < a->n; i++) {
        struct ofpact x = a->acts[i], y = b->acts[i];
        if (x.type == OFPACT_SET_FIELD && y.type == OFPACT_SET_FIELD) {
            x.load = y.load = false;
            x.ofs = y.ofs = x.n_bits = y.n_bits = 0;
        }
        if (memcmp(&x, &y, sizeof x)) {
            return false;
        }
    }
    return true;
}

/* Aborts, printing both action lists, unless A and B do the same thing. */
static void
check_ofpacts_equal(const struct ofpacts *a, const struct ofpacts *b, int line)
{
    if (!ofpacts_same_effect(a, b)) {
        struct ds da = DS_EMPTY_INITIALIZER, db = DS_EMPTY_INITIALIZER;
        ofp_format_actions(&da, a, NULL);
        ofp_format_actions(&db, b, NULL);
        fprintf(stderr, "fuzz-ofp-msgs: line %d: actions changed in the round trip:\n"
                "  decoded:    %s\n  re-decoded: %s\n", line, ds_cstr(&da), ds_cstr(&db));
        abort();
    }
}

static void
check_flow_mod_equal(const struct ofp_flow_mod *a, const struct ofp_flow_mod *b)
{
    CHECK(a->command == b->command);
    CHECK(a->cookie == b->cookie);
    CHECK(a->cookie_mask == b->cookie_mask);
    CHECK(a->table_id == b->table_id);
    CHECK(a->priority == b->priority);
    CHECK(a->idle_timeout == b->idle_timeout);
    CHECK(a->hard_timeout == b->hard_timeout);
    CHECK(a->flags == b->flags);
    CHECK(a->buffer_id == b->buffer_id);
    CHECK(a->out_port == b->out_port);
    CHECK(a->out_group == b->out_group);
    CHECK(match_equal(&a->match, &b->match));
    check_ofpacts_equal(&a->ofpacts, &b->ofpacts, __LINE__);
}

static void
fuzz_flow_mod(const uint8_t *msg, size_t len, uint8_t version, uint32_t xid)
{
    struct ofp_flow_mod fm;
    struct ofperr err;
    int error = ofp_decode_flow_mod(msg, len, &fm, &err);
    if (getenv("UVS_FUZZ_VERBOSE")) {
        fprintf(stderr, "flow-mod: %s (error %u/%u)\n", error ? "rejected" : "decoded", err.type,
                err.code);
    }
    if (!error) {
        struct ds ds = DS_EMPTY_INITIALIZER;
        ofp_format_flow_mod(&ds, &fm, NULL);
        ds_destroy(&ds);

        struct ofpbuf out;
        ofpbuf_init(&out, 256);
        ofp_encode_flow_mod(&out, version, xid, &fm);
        struct ofp_flow_mod fm2;
        struct ofperr err2;
        CHECK(ofp_decode_flow_mod(out.data, out.size, &fm2, &err2) == 0);
        check_flow_mod_equal(&fm, &fm2);
        ofp_flow_mod_destroy(&fm2);
        ofpbuf_uninit(&out);
    } else {
        CHECK(error == -EPROTO);
    }
    ofp_flow_mod_destroy(&fm);
}

/* Every entry decoder of a multipart reply body, each over the whole body. */
static void
fuzz_mp_reply_body(const struct ofp_multipart *mp, uint8_t version, uint32_t xid)
{
    struct ofperr err;
    const uint8_t *p;
    size_t left;

    switch (mp->type) {
    case OFPMP_DESC: {
        struct ofp_desc desc;
        if (!ofp_decode_desc_reply(mp->body, mp->body_len, &desc, &err)) {
            struct ofpbuf out;
            struct ofp_mp_writer w;
            ofpbuf_init(&out, 1200);
            ofp_mp_reply_start(&w, &out, version, OFPMP_DESC, xid);
            ofp_mp_put_desc(&w, &desc);
            ofp_mp_reply_finish(&w);
            struct ofp_multipart mp2;
            struct ofp_desc desc2;
            CHECK(!ofp_decode_multipart(out.data, out.size, &mp2, &err));
            CHECK(!ofp_decode_desc_reply(mp2.body, mp2.body_len, &desc2, &err));
            CHECK(!memcmp(&desc, &desc2, sizeof desc));
            ofpbuf_uninit(&out);
        }
        break;
    }
    case OFPMP_FLOW:
        p = mp->body;
        left = mp->body_len;
        for (;;) {
            struct ofp_flow_stats fs;
            int error = ofp_pull_flow_stats(&p, &left, &fs, &err);
            if (!error) {
                struct ds ds = DS_EMPTY_INITIALIZER;
                ofp_format_flow_stats(&ds, &fs, NULL);
                ds_destroy(&ds);

                struct ofpbuf out;
                struct ofp_mp_writer w;
                ofpbuf_init(&out, 256);
                ofp_mp_reply_start(&w, &out, version, OFPMP_FLOW, xid);
                ofp_mp_put_flow_stats(&w, &fs);
                ofp_mp_reply_finish(&w);
                struct ofp_multipart mp2;
                struct ofp_flow_stats fs2;
                CHECK(!ofp_decode_multipart(out.data, out.size, &mp2, &err));
                const uint8_t *q = mp2.body;
                size_t qleft = mp2.body_len;
                CHECK(!ofp_pull_flow_stats(&q, &qleft, &fs2, &err));
                CHECK(qleft == 0);
                CHECK(fs.table_id == fs2.table_id && fs.priority == fs2.priority
                      && fs.cookie == fs2.cookie && fs.packet_count == fs2.packet_count
                      && fs.byte_count == fs2.byte_count && fs.duration_sec == fs2.duration_sec
                      && fs.duration_nsec == fs2.duration_nsec && fs.flags == fs2.flags
                      && fs.idle_timeout == fs2.idle_timeout
                      && fs.hard_timeout == fs2.hard_timeout);
                CHECK(match_equal(&fs.match, &fs2.match));
                check_ofpacts_equal(&fs.ofpacts, &fs2.ofpacts, __LINE__);
                ofpacts_destroy(&fs2.ofpacts);
                ofpbuf_uninit(&out);
            }
            ofpacts_destroy(&fs.ofpacts);
            if (error) {
                break;
            }
        }
        break;
    case OFPMP_AGGREGATE: {
        struct ofp_aggregate_stats ag;
        (void) ofp_decode_aggregate_reply(mp->body, mp->body_len, &ag, &err);
        break;
    }
    case OFPMP_TABLE:
        p = mp->body;
        left = mp->body_len;
        for (;;) {
            struct ofp_table_stats ts;
            if (ofp_pull_table_stats(&p, &left, &ts, &err)) {
                break;
            }
        }
        break;
    case OFPMP_PORT_STATS:
        p = mp->body;
        left = mp->body_len;
        for (;;) {
            struct ofp_port_stats ps;
            if (ofp_pull_port_stats(&p, &left, &ps, &err)) {
                break;
            }
        }
        break;
    case OFPMP_PORT_DESC:
        p = mp->body;
        left = mp->body_len;
        for (;;) {
            struct ofp_phy_port port;
            if (ofp_pull_port(&p, &left, &port, &err)) {
                break;
            }
            struct ds ds = DS_EMPTY_INITIALIZER;
            ofp_format_phy_port(&ds, &port);
            ds_destroy(&ds);
        }
        break;
    default:
        break;
    }
}

static void
fuzz_mp_request_body(const struct ofp_multipart *mp)
{
    struct ofperr err;
    switch (mp->type) {
    case OFPMP_FLOW:
    case OFPMP_AGGREGATE: {
        struct ofp_flow_stats_request fsr;
        (void) ofp_decode_flow_stats_request(mp->type, mp->body, mp->body_len, &fsr, &err);
        break;
    }
    case OFPMP_PORT_STATS: {
        uint32_t port_no;
        (void) ofp_decode_port_stats_request(mp->body, mp->body_len, &port_no, &err);
        break;
    }
    default:
        break;
    }
}

static void fuzz_one_msg(const uint8_t *msg, size_t len, bool upgraded);

/* Converts MSG (LEN bytes) with ofp_msg_upgrade() and decodes each converted message. */
static void
fuzz_upgrade(const uint8_t *msg, size_t len)
{
    struct ofperr err;
    struct ofpbuf up;

    ofpbuf_init(&up, 0);
    int error = ofp_msg_upgrade(msg, len, &up, &err);
    CHECK(error == 0 || error == 1 || error == -EPROTO);
    CHECK(error == 0 || up.size == 0);
    for (size_t ofs = 0; !error && ofs < up.size;) {
        CHECK(up.size - ofs >= OFP_HEADER_LEN);
        size_t n = ofp_get_be16(up.data + ofs + 2);
        CHECK(n >= OFP_HEADER_LEN && n <= up.size - ofs);
        uint8_t *copy = xmalloc(n);
        memcpy(copy, up.data + ofs, n);
        CHECK(copy[0] == msg[0]);
        if (copy[0] == OFP10_VERSION) {
            copy[0] = OFP13_VERSION;   /* 1.3 type numbers now: not to be translated again. */
        }
        fuzz_one_msg(copy, n, true);
        free(copy);
        ofs += n;
    }
    ofpbuf_uninit(&up);
}

/* Decodes one complete message of LEN bytes (a private copy: reads past it are ASan errors);
 * unless UPGRADED, also its ofp_msg_upgrade() conversion. */
static void
fuzz_one_msg(const uint8_t *msg, size_t len, bool upgraded)
{
    struct ofp_msg_header oh;
    struct ofperr err;
    if (ofp_decode_header(msg, len, &oh, &err)) {
        CHECK(err.type == OFPET_BAD_REQUEST && err.code == OFPBRC_BAD_LEN);
        return;
    }
    CHECK(oh.length == len);
    if (!upgraded) {
        fuzz_upgrade(msg, len);
    }
    if (getenv("UVS_FUZZ_VERBOSE")) {     /* To check what a seed exercises. */
        fprintf(stderr, "message type %u, %zu bytes\n", oh.type, len);
    }

    switch (oh.type) {
    case OFPT_HELLO: {
        uint32_t versions;
        /* Round trip only where the encoder writes a bitmap (a version >= 1.3 in the set;
         * below that the header version alone says "every version up to this one"); bit 0 is
         * no OpenFlow version and is not carried. */
        if (!ofp_decode_hello(msg, len, &versions, &err)
            && (versions & ~(OFP_VERSION_BIT(OFP13_VERSION) - 1))) {
            struct ofpbuf out;
            uint32_t versions2;
            ofpbuf_init(&out, 64);
            ofp_encode_hello(&out, versions, oh.xid);
            CHECK(!ofp_decode_hello(out.data, out.size, &versions2, &err));
            CHECK((versions & ~1u) == (versions2 & ~1u));
            ofpbuf_uninit(&out);
        }
        break;
    }
    case OFPT_ERROR: {
        struct ofperr e;
        const uint8_t *edata;
        size_t elen;
        if (!ofp_decode_error(msg, len, &e, &edata, &elen, &err)) {
            CHECK(edata >= msg && edata + elen <= msg + len);
            struct ofpbuf out;
            ofpbuf_init(&out, 64);
            ofp_encode_error(&out, OFP_RT_VERSION, oh.xid, e, edata, elen);
            struct ofperr e2;
            const uint8_t *edata2;
            size_t elen2;
            CHECK(!ofp_decode_error(out.data, out.size, &e2, &edata2, &elen2, &err));
            CHECK(e.type == e2.type && e.code == e2.code && elen == elen2);
            CHECK(!elen || !memcmp(edata, edata2, elen));
            ofpbuf_uninit(&out);
        }
        break;
    }
    case OFPT_FEATURES_REPLY: {
        struct ofp_switch_features sf;
        if (!ofp_decode_features_reply(msg, len, &sf, &err)) {
            struct ofpbuf out;
            struct ofp_switch_features sf2;
            ofpbuf_init(&out, 64);
            ofp_encode_features_reply(&out, OFP_RT_VERSION, oh.xid, &sf);
            CHECK(!ofp_decode_features_reply(out.data, out.size, &sf2, &err));
            CHECK(sf.datapath_id == sf2.datapath_id && sf.n_buffers == sf2.n_buffers
                  && sf.n_tables == sf2.n_tables && sf.auxiliary_id == sf2.auxiliary_id
                  && sf.capabilities == sf2.capabilities);
            ofpbuf_uninit(&out);
        }
        break;
    }
    case OFPT_GET_CONFIG_REPLY:
    case OFPT_SET_CONFIG: {
        struct ofp_switch_config sc;
        if (!ofp_decode_switch_config(msg, len, &sc, &err)) {
            struct ofpbuf out;
            struct ofp_switch_config sc2;
            ofpbuf_init(&out, 64);
            ofp_encode_switch_config(&out, OFP_RT_VERSION, oh.type, oh.xid, &sc);
            CHECK(!ofp_decode_switch_config(out.data, out.size, &sc2, &err));
            CHECK(sc.flags == sc2.flags && sc.miss_send_len == sc2.miss_send_len);
            ofpbuf_uninit(&out);
        }
        break;
    }
    case OFPT_FLOW_MOD:
        fuzz_flow_mod(msg, len, OFP_RT_VERSION, oh.xid);
        break;
    case OFPT_PACKET_IN: {
        struct ofp_packet_in pin;
        if (!ofp_decode_packet_in(msg, len, &pin, &err)) {
            CHECK(!pin.data_len || (pin.data >= msg && pin.data + pin.data_len <= msg + len));
            struct ofpbuf out;
            struct ofp_packet_in pin2;
            ofpbuf_init(&out, 128);
            ofp_encode_packet_in(&out, OFP_RT_VERSION, oh.xid, &pin);
            CHECK(!ofp_decode_packet_in(out.data, out.size, &pin2, &err));
            CHECK(pin.buffer_id == pin2.buffer_id && pin.total_len == pin2.total_len
                  && pin.reason == pin2.reason && pin.table_id == pin2.table_id
                  && pin.cookie == pin2.cookie && pin.in_port == pin2.in_port
                  && pin.metadata == pin2.metadata && pin.data_len == pin2.data_len);
            CHECK(!pin.data_len || !memcmp(pin.data, pin2.data, pin.data_len));
            ofpbuf_uninit(&out);
        }
        break;
    }
    case OFPT_PACKET_OUT: {
        struct ofp_packet_out po;
        if (!ofp_decode_packet_out(msg, len, &po, &err)) {
            CHECK(!po.data_len || (po.data >= msg && po.data + po.data_len <= msg + len));
            struct ds ds = DS_EMPTY_INITIALIZER;
            ofp_format_actions(&ds, &po.ofpacts, NULL);
            ds_destroy(&ds);
            struct ofpbuf out;
            struct ofp_packet_out po2;
            ofpbuf_init(&out, 128);
            ofp_encode_packet_out(&out, OFP_RT_VERSION, oh.xid, &po);
            CHECK(!ofp_decode_packet_out(out.data, out.size, &po2, &err));
            CHECK(po.buffer_id == po2.buffer_id && po.in_port == po2.in_port
                  && po.data_len == po2.data_len);
            CHECK(!po.data_len || !memcmp(po.data, po2.data, po.data_len));
            check_ofpacts_equal(&po.ofpacts, &po2.ofpacts, __LINE__);
            ofpacts_destroy(&po2.ofpacts);
            ofpbuf_uninit(&out);
        }
        ofpacts_destroy(&po.ofpacts);
        break;
    }
    case OFPT_ROLE_REQUEST:
    case OFPT_ROLE_REPLY: {
        uint32_t role, role2;
        uint64_t gen, gen2;
        if (!ofp_decode_role(msg, len, &role, &gen, &err)) {
            struct ofpbuf out;
            ofpbuf_init(&out, 32);
            ofp_encode_role(&out, OFP_RT_VERSION, oh.type, oh.xid, role, gen);
            CHECK(!ofp_decode_role(out.data, out.size, &role2, &gen2, &err));
            CHECK(role == role2 && gen == gen2);
            ofpbuf_uninit(&out);
        }
        break;
    }
    case OFPT_GET_ASYNC_REPLY:
    case OFPT_SET_ASYNC: {
        struct ofp_async_config ac, ac2;
        if (!ofp_decode_async_config(msg, len, &ac, &err)) {
            struct ofpbuf out;
            ofpbuf_init(&out, 64);
            ofp_encode_async_config(&out, OFP_RT_VERSION, oh.type, oh.xid, &ac);
            CHECK(!ofp_decode_async_config(out.data, out.size, &ac2, &err));
            CHECK(!memcmp(&ac, &ac2, sizeof ac));
            ofpbuf_uninit(&out);
        }
        break;
    }
    case OFPT_PORT_STATUS: {
        uint8_t reason, reason2;
        struct ofp_phy_port port, port2;
        if (!ofp_decode_port_status(msg, len, &reason, &port, &err)) {
            struct ofpbuf out;
            ofpbuf_init(&out, 128);
            ofp_encode_port_status(&out, OFP_RT_VERSION, oh.xid, reason, &port);
            CHECK(!ofp_decode_port_status(out.data, out.size, &reason2, &port2, &err));
            CHECK(reason == reason2 && port.port_no == port2.port_no
                  && !memcmp(&port.hw_addr, &port2.hw_addr, sizeof port.hw_addr)
                  && !strcmp(port.name, port2.name) && port.config == port2.config
                  && port.state == port2.state && port.curr == port2.curr
                  && port.curr_speed == port2.curr_speed && port.max_speed == port2.max_speed);
            ofpbuf_uninit(&out);
        }
        break;
    }
    case OFPT_MULTIPART_REQUEST:
    case OFPT_MULTIPART_REPLY: {
        struct ofp_multipart mp;
        if (!ofp_decode_multipart(msg, len, &mp, &err)) {
            CHECK(mp.body >= msg && mp.body + mp.body_len <= msg + len);
            if (oh.type == OFPT_MULTIPART_REQUEST) {
                fuzz_mp_request_body(&mp);
            } else {
                fuzz_mp_reply_body(&mp, OFP_RT_VERSION, oh.xid);
            }
        }
        break;
    }
    default:
        break;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Whole input as one message, whatever its length field says (decoders must check it). */
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy) {
        return 0;
    }
    memcpy(copy, data, size);
    fuzz_one_msg(copy, size, false);
    free(copy);

    /* Then as a stream, framed the way connmgr frames it. */
    while (size > 0) {
        int n = ofp_msg_frame_len(data, size);
        if (n <= 0 || (size_t) n > size) {
            CHECK(n == 0 || n == -EPROTO || (size_t) n > size);
            break;
        }
        CHECK(n >= OFP_HEADER_LEN);
        uint8_t *msg = malloc((size_t) n);
        if (!msg) {
            break;
        }
        memcpy(msg, data, (size_t) n);
        fuzz_one_msg(msg, (size_t) n, false);
        free(msg);
        data += n;
        size -= (size_t) n;
    }
    return 0;
}
