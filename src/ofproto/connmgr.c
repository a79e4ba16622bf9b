/*
 * connmgr — the switch side of a bridge's OpenFlow channels (see connmgr.h).
 */
#include "ofproto/connmgr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "lib/poll-loop.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-print.h"
#include "ofproto/ofproto.h"
#include "uvs-config.h"

VLOG_DEFINE_THIS_MODULE(connmgr);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(60, 20);

/* ---------------------------------------------------------------------------------------------
 * Types.
 * ------------------------------------------------------------------------------------------- */

/* How much one connmgr_run() reads from one connection, bytes. */
#define CONNMGR_RX_CHUNK 65536
/* Number of tables we report (ids 0..253); only table 0 holds flows. */
#define CONNMGR_N_TABLES 254
#define DEFAULT_MISS_SEND_LEN 128

enum ofconn_type {
    OFCONN_SERVICE,     /* Accepted on a listener (management socket, ptcp service). */
    OFCONN_PRIMARY,     /* Active connection to a controller (later). */
};

/* One OpenFlow connection. Invariants: 'version' is 0 until the peer's HELLO negotiated one;
 * 'rx' holds bytes received but not yet processed (at most one partial message once processing
 * is caught up); 'tx' holds bytes queued but not yet sent. */
struct ofconn {
    TAILQ_ENTRY(ofconn) node;
    struct connmgr *mgr;
    enum ofconn_type type;
    struct stream *stream;
    char *name;                 /* "br0<->unix#3", for logs. */
    uint8_t version;
    bool closing;               /* Close once 'tx' is flushed (after HELLO_FAILED). */
    bool dead;                  /* Stream failed: destroy. */
    bool rx_backlog;            /* Complete messages left unprocessed (bound reached). */
    uint16_t miss_send_len;
    struct ofpbuf rx;
    struct ofpbuf tx;
};

struct connmgr {
    struct ofproto *ofproto;
    char *bridge;
    struct pstream *listener;   /* The management socket. */
    TAILQ_HEAD(, ofconn) conns;
    size_t n_conns;
    uint16_t frag_flags;        /* OFPC_FRAG_*, switch-wide (SET_CONFIG). */
};

/* ---------------------------------------------------------------------------------------------
 * Private prototypes.
 * ------------------------------------------------------------------------------------------- */

static void ofconn_create(struct connmgr *, struct stream *, enum ofconn_type);
static void ofconn_destroy(struct ofconn *);
static void ofconn_run(struct ofconn *);
static void ofconn_flush(struct ofconn *);
static void ofconn_handle_msg(struct ofconn *, const uint8_t *msg, size_t len);

/* ---------------------------------------------------------------------------------------------
 * API.
 * ------------------------------------------------------------------------------------------- */

struct connmgr *
connmgr_create_listen(struct ofproto *ofproto, const char *bridge_name, const char *listen)
{
    struct pstream *ps;
    int error = pstream_open(listen, &ps);

    if (error) {
        VLOG_ERR("bridge %s: cannot listen for OpenFlow connections on %s: %s", bridge_name,
                 listen, strerror(-error));
        errno = -error;
        return NULL;
    }
    struct connmgr *mgr = xzalloc(sizeof *mgr);
    mgr->ofproto = ofproto;
    mgr->bridge = xstrdup(bridge_name);
    mgr->listener = ps;
    TAILQ_INIT(&mgr->conns);
    VLOG_INFO("bridge %s: listening for OpenFlow connections on %s", bridge_name, listen);
    return mgr;
}

struct connmgr *
connmgr_create(struct ofproto *ofproto, const char *bridge_name)
{
    const char *rundir = uvs_rundir();
    int error = uvs_mkdir_p(rundir);

    if (error) {
        VLOG_ERR("bridge %s: cannot create run directory %s: %s", bridge_name, rundir,
                 strerror(-error));
        errno = -error;
        return NULL;
    }
    char *listen = xasprintf("punix:%s/%s.mgmt", rundir, bridge_name);
    struct connmgr *mgr = connmgr_create_listen(ofproto, bridge_name, listen);
    int saved_errno = errno;
    free(listen);
    errno = saved_errno;
    return mgr;
}

void
connmgr_destroy(struct connmgr *mgr)
{
    if (!mgr) {
        return;
    }
    while (!TAILQ_EMPTY(&mgr->conns)) {
        ofconn_destroy(TAILQ_FIRST(&mgr->conns));
    }
    pstream_close(mgr->listener);
    free(mgr->bridge);
    free(mgr);
}

void
connmgr_run(struct connmgr *mgr)
{
    for (int i = 0; i < CONNMGR_MAX_ACCEPTS; i++) {
        struct stream *stream;
        int error = pstream_accept(mgr->listener, &stream);
        if (error) {
            if (error != -EAGAIN) {
                VLOG_WARN_RL(&rl, "bridge %s: accept on %s failed: %s", mgr->bridge,
                             pstream_get_name(mgr->listener), strerror(-error));
            }
            break;
        }
        ofconn_create(mgr, stream, OFCONN_SERVICE);
    }

    struct ofconn *ofconn, *next;
    for (ofconn = TAILQ_FIRST(&mgr->conns); ofconn; ofconn = next) {
        next = TAILQ_NEXT(ofconn, node);
        ofconn_run(ofconn);
        if (ofconn->dead || (ofconn->closing && !ofconn->tx.size)) {
            ofconn_destroy(ofconn);
        }
    }
}

void
connmgr_wait(struct connmgr *mgr)
{
    struct ofconn *ofconn;

    pstream_wait(mgr->listener);
    TAILQ_FOREACH(ofconn, &mgr->conns, node) {
        if (ofconn->tx.size) {
            stream_send_wait(ofconn->stream);
        }
        if (ofconn->rx_backlog && ofconn->tx.size < CONNMGR_TX_HIGH_WATER) {
            poll_immediate_wake();
        } else if (!ofconn->closing && ofconn->tx.size < CONNMGR_TX_HIGH_WATER) {
            stream_recv_wait(ofconn->stream);
        }
    }
}

size_t
connmgr_n_conns(const struct connmgr *mgr)
{
    return mgr->n_conns;
}

const char *
connmgr_listen_name(const struct connmgr *mgr)
{
    return pstream_get_name(mgr->listener);
}

/* ---------------------------------------------------------------------------------------------
 * Connections: I/O.
 * ------------------------------------------------------------------------------------------- */

static void
ofconn_create(struct connmgr *mgr, struct stream *stream, enum ofconn_type type)
{
    struct ofconn *ofconn = xzalloc(sizeof *ofconn);
    const char *sname = stream_get_name(stream);

    ofconn->mgr = mgr;
    ofconn->type = type;
    ofconn->stream = stream;
    ofconn->name = xasprintf("%s<->%s", mgr->bridge, sname);   /* "br0<->unix#3" */
    ofconn->miss_send_len = DEFAULT_MISS_SEND_LEN;
    ofpbuf_init(&ofconn->rx, 4096);
    ofpbuf_init(&ofconn->tx, 4096);
    TAILQ_INSERT_TAIL(&mgr->conns, ofconn, node);
    mgr->n_conns++;
    VLOG_DBG("%s: connection accepted", ofconn->name);

    /* OpenFlow 1.3.5 §6.3.1: send HELLO immediately upon connection. */
    ofp_encode_hello(&ofconn->tx, OFP_SUPPORTED_VERSIONS, 0);
    ofconn_flush(ofconn);
}

static void
ofconn_destroy(struct ofconn *ofconn)
{
    struct connmgr *mgr = ofconn->mgr;

    VLOG_DBG("%s: connection closed", ofconn->name);
    TAILQ_REMOVE(&mgr->conns, ofconn, node);
    mgr->n_conns--;
    stream_close(ofconn->stream);
    ofpbuf_uninit(&ofconn->rx);
    ofpbuf_uninit(&ofconn->tx);
    free(ofconn->name);
    free(ofconn);
}

/* Sends as much of 'tx' as the stream takes now. */
static void
ofconn_flush(struct ofconn *ofconn)
{
    size_t sent = 0;

    while (sent < ofconn->tx.size && !ofconn->dead) {
        ssize_t n = stream_send(ofconn->stream, ofconn->tx.data + sent, ofconn->tx.size - sent);
        if (n == -EAGAIN) {
            break;
        } else if (n < 0) {
            VLOG_DBG("%s: send failed: %s", ofconn->name, strerror((int) -n));
            ofconn->dead = true;
        } else {
            sent += n;
        }
    }
    ofpbuf_pull(&ofconn->tx, sent);
}

/* Reads up to CONNMGR_RX_CHUNK bytes. */
static void
ofconn_receive(struct ofconn *ofconn)
{
    size_t budget = CONNMGR_RX_CHUNK;

    while (budget && !ofconn->dead) {
        size_t want = UVS_MIN(budget, (size_t) 16384);
        uint8_t *p = ofpbuf_put_uninit(&ofconn->rx, want);
        ssize_t n = stream_recv(ofconn->stream, p, want);

        ofconn->rx.size -= want - (n > 0 ? (size_t) n : 0);
        if (n == -EAGAIN) {
            break;
        } else if (n == 0) {
            VLOG_DBG("%s: connection closed by peer", ofconn->name);
            ofconn->dead = true;
        } else if (n < 0) {
            VLOG_DBG("%s: receive failed: %s", ofconn->name, strerror((int) -n));
            ofconn->dead = true;
        } else {
            budget -= n;
        }
    }
}

static void
ofconn_run(struct ofconn *ofconn)
{
    ofconn_flush(ofconn);
    if (ofconn->closing || ofconn->dead || ofconn->tx.size >= CONNMGR_TX_HIGH_WATER) {
        return;
    }
    if (ofconn->rx.size < 2 * CONNMGR_RX_CHUNK) {
        /* Enough for one maximal message plus a chunk; more waits while a backlog drains. */
        ofconn_receive(ofconn);
    }

    /* Process complete messages, at most CONNMGR_MAX_MSGS. A message's bytes are consumed before
     * the next is looked at, so replies go out in request order. */
    size_t ofs = 0;
    int n_msgs = 0;
    ofconn->rx_backlog = false;
    while (!ofconn->closing) {
        int len = ofp_msg_frame_len(ofconn->rx.data + ofs, ofconn->rx.size - ofs);
        if (len < 0) {
            VLOG_WARN_RL(&rl, "%s: received a message with length below 8; closing",
                         ofconn->name);
            ofconn->dead = true;
            break;
        }
        if (len == 0 || (size_t) len > ofconn->rx.size - ofs) {
            break;
        }
        if (n_msgs++ >= CONNMGR_MAX_MSGS || ofconn->tx.size >= CONNMGR_TX_HIGH_WATER) {
            ofconn->rx_backlog = true;
            break;
        }
        ofconn_handle_msg(ofconn, ofconn->rx.data + ofs, len);
        ofs += len;
    }
    ofpbuf_pull(&ofconn->rx, ofs);
    ofconn_flush(ofconn);
}

/* ---------------------------------------------------------------------------------------------
 * Connections: requests.
 * ------------------------------------------------------------------------------------------- */

/* Queues an ERROR for the request MSG (LEN bytes) with its first 64 bytes. */
static void
send_error(struct ofconn *ofconn, const uint8_t *msg, size_t len, struct ofperr err)
{
    struct ofp_msg_header h = { .xid = len >= 8 ? ofp_get_be32(msg + 4) : 0 };

    VLOG_DBG("%s: replying %s %s to %s", ofconn->name, ofperr_type_name(err.type),
             ofperr_code_name(err), len >= 2 ? ofp_type_name(msg[1]) : "request");
    ofp_encode_error(&ofconn->tx, ofconn->version ? ofconn->version : OFP13_VERSION, h.xid, err,
                     msg, UVS_MIN(len, (size_t) OFP_ERROR_DATA_MAX));
}

static void
handle_hello(struct ofconn *ofconn, const uint8_t *msg, size_t len)
{
    uint32_t versions;
    struct ofperr err;

    if (ofp_decode_hello(msg, len, &versions, &err)) {
        versions = 0;
    }
    uint8_t version = ofp_negotiate_version(OFP_SUPPORTED_VERSIONS, versions);
    if (!version) {
        char *text = xasprintf("We support version 0x%02x, you support no common version "
                               "(peer's HELLO version 0x%02x)", OFP13_VERSION, msg[0]);
        struct ofperr e = { OFPET_HELLO_FAILED, OFPHFC_INCOMPATIBLE };
        VLOG_INFO_RL(&rl, "%s: version negotiation failed: peer offers version 0x%02x, we "
                     "support OpenFlow 1.3 (0x04) only", ofconn->name, msg[0]);
        ofp_encode_error(&ofconn->tx, OFP13_VERSION, ofp_get_be32(msg + 4), e, text,
                         strlen(text));
        free(text);
        ofconn->closing = true;
        return;
    }
    ofconn->version = version;
    VLOG_DBG("%s: negotiated OpenFlow version 0x%02x", ofconn->name, version);
}

static void
handle_features_request(struct ofconn *ofconn, const struct ofp_msg_header *h)
{
    struct ofp_switch_features f = {
        .datapath_id = ofproto_dpid(ofconn->mgr->ofproto),
        .n_buffers = 0,
        .n_tables = CONNMGR_N_TABLES,
        .capabilities = OFPC_FLOW_STATS | OFPC_TABLE_STATS | OFPC_PORT_STATS,
    };
    ofp_encode_features_reply(&ofconn->tx, ofconn->version, h->xid, &f);
}

static int
handle_set_config(struct ofconn *ofconn, const uint8_t *msg, size_t len, struct ofperr *err)
{
    struct ofp_switch_config c;
    int error = ofp_decode_switch_config(msg, len, &c, err);

    if (!error) {
        ofconn->mgr->frag_flags = c.flags & OFPC_FRAG_MASK;
        ofconn->miss_send_len = c.miss_send_len;
    }
    return error;
}

static int
handle_flow_mod(struct ofconn *ofconn, const uint8_t *msg, size_t len, struct ofperr *err)
{
    struct ofp_flow_mod fm;
    int error = ofp_decode_flow_mod(msg, len, &fm, err);

    if (!error) {
        error = ofproto_handle_flow_mod(ofconn->mgr->ofproto, &fm, err) ? -EPROTO : 0;
    }
    ofp_flow_mod_destroy(&fm);
    return error;
}

/* Flow-stats collection callbacks. */
struct flow_stats_aux {
    struct ofp_mp_writer w;
    struct ofp_aggregate_stats agg;
};

static void
flow_stats_cb(void *aux_, const struct ofp_flow_stats *fs)
{
    struct flow_stats_aux *aux = aux_;
    ofp_mp_put_flow_stats(&aux->w, fs);
}

static void
aggregate_cb(void *aux_, const struct ofp_flow_stats *fs)
{
    struct flow_stats_aux *aux = aux_;
    aux->agg.packet_count += fs->packet_count;
    aux->agg.byte_count += fs->byte_count;
    aux->agg.flow_count++;
}

static int
handle_multipart_request(struct ofconn *ofconn, const struct ofp_msg_header *h,
                         const uint8_t *msg, size_t len, struct ofperr *err)
{
    struct ofproto *ofproto = ofconn->mgr->ofproto;
    struct ofp_multipart mp;
    struct ofp_mp_writer w;
    int error = ofp_decode_multipart(msg, len, &mp, err);

    if (error) {
        return error;
    }
    if (mp.flags & OFPMPF_REQ_MORE) {
        /* None of the requests we serve needs more than one message. */
        *err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BAD_MULTIPART };
        return -EPROTO;
    }

    switch (mp.type) {
    case OFPMP_DESC: {
        struct ofp_desc d = { .mfr_desc = "uvs", .hw_desc = "uvs userspace switch",
                              .sw_desc = UVS_VERSION, .serial_num = "None" };
        if (mp.body_len) {
            goto bad_len;
        }
        snprintf(d.dp_desc, sizeof d.dp_desc, "bridge %s", ofconn->mgr->bridge);
        ofp_mp_reply_start(&w, &ofconn->tx, ofconn->version, mp.type, h->xid);
        ofp_mp_put_desc(&w, &d);
        ofp_mp_reply_finish(&w);
        return 0;
    }

    case OFPMP_FLOW:
    case OFPMP_AGGREGATE: {
        struct ofp_flow_stats_request fsr;
        struct flow_stats_aux aux;

        error = ofp_decode_flow_stats_request(mp.type, mp.body, mp.body_len, &fsr, err);
        if (error) {
            return error;
        }
        memset(&aux, 0, sizeof aux);
        if (mp.type == OFPMP_FLOW) {
            ofp_mp_reply_start(&aux.w, &ofconn->tx, ofconn->version, mp.type, h->xid);
            ofproto_collect_flow_stats(ofproto, &fsr, flow_stats_cb, &aux);
            ofp_mp_reply_finish(&aux.w);
        } else {
            ofproto_collect_flow_stats(ofproto, &fsr, aggregate_cb, &aux);
            ofp_mp_reply_start(&w, &ofconn->tx, ofconn->version, mp.type, h->xid);
            ofp_mp_put_aggregate(&w, &aux.agg);
            ofp_mp_reply_finish(&w);
        }
        return 0;
    }

    case OFPMP_TABLE: {
        struct ofp_table_stats ts = { .table_id = 0 };
        if (mp.body_len) {
            goto bad_len;
        }
        ofproto_get_table_stats(ofproto, &ts.active_count, &ts.lookup_count,
                                &ts.matched_count);
        ofp_mp_reply_start(&w, &ofconn->tx, ofconn->version, mp.type, h->xid);
        ofp_mp_put_table_stats(&w, &ts);
        for (int i = 1; i < CONNMGR_N_TABLES; i++) {
            struct ofp_table_stats empty = { .table_id = i };
            ofp_mp_put_table_stats(&w, &empty);
        }
        ofp_mp_reply_finish(&w);
        return 0;
    }

    case OFPMP_TABLE_FEATURES: {
        if (mp.body_len) {
            /* A request with a body asks to reconfigure the tables. */
            *err = (struct ofperr) { OFPET_TABLE_FEATURES_FAILED, OFPTFFC_EPERM };
            return -EPROTO;
        }
        ofp_mp_reply_start(&w, &ofconn->tx, ofconn->version, mp.type, h->xid);
        for (int i = 0; i < CONNMGR_N_TABLES; i++) {
            struct ofp_table_features tf = {
                .table_id = i, .metadata_match = UINT64_MAX, .metadata_write = 0,
                .config = 0, .max_entries = 1000000,
            };
            /* No names: ovs-ofctl would then print "table=NAME" for them. */
            ofp_mp_put_table_features(&w, &tf);
        }
        ofp_mp_reply_finish(&w);
        return 0;
    }

    case OFPMP_PORT_STATS: {
        struct ofp_port_stats *stats = NULL;
        uint32_t port_no;

        error = ofp_decode_port_stats_request(mp.body, mp.body_len, &port_no, err);
        if (error) {
            return error;
        }
        size_t n = ofproto_get_port_stats(ofproto, port_no, &stats);
        ofp_mp_reply_start(&w, &ofconn->tx, ofconn->version, mp.type, h->xid);
        for (size_t i = 0; i < n; i++) {
            ofp_mp_put_port_stats(&w, &stats[i]);
        }
        ofp_mp_reply_finish(&w);
        free(stats);
        return 0;
    }

    case OFPMP_PORT_DESC: {
        struct ofp_phy_port *ports = NULL;
        if (mp.body_len) {
            goto bad_len;
        }
        size_t n = ofproto_get_port_descs(ofproto, &ports);
        ofp_mp_reply_start(&w, &ofconn->tx, ofconn->version, mp.type, h->xid);
        for (size_t i = 0; i < n; i++) {
            ofp_mp_put_port(&w, &ports[i]);
        }
        ofp_mp_reply_finish(&w);
        free(ports);
        return 0;
    }

    default:
        *err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BAD_MULTIPART };
        return -EPROTO;
    }

bad_len:
    *err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BAD_LEN };
    return -EPROTO;
}

static void
ofconn_handle_msg(struct ofconn *ofconn, const uint8_t *msg, size_t len)
{
    struct ofp_msg_header h;
    struct ofperr err;
    int error;

    if (ofp_decode_header(msg, len, &h, &err)) {
        send_error(ofconn, msg, len, err);
        return;
    }
    if (!ofconn->version) {
        if (h.type == OFPT_HELLO) {
            handle_hello(ofconn, msg, len);
        } else {
            /* OpenFlow 1.3.5 §6.3.1: HELLO must be the first message. */
            static const char text[] = "expected HELLO as the first message";
            struct ofperr e = { OFPET_HELLO_FAILED, OFPHFC_INCOMPATIBLE };
            VLOG_INFO_RL(&rl, "%s: received %s before HELLO; closing", ofconn->name,
                         ofp_type_name(h.type));
            ofp_encode_error(&ofconn->tx, OFP13_VERSION, h.xid, e, text, strlen(text));
            ofconn->closing = true;
        }
        return;
    }
    if (h.version != ofconn->version && h.type != OFPT_HELLO) {
        err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BAD_VERSION };
        send_error(ofconn, msg, len, err);
        return;
    }

    error = 0;
    switch ((enum ofp_type) h.type) {
    case OFPT_HELLO:
    case OFPT_ECHO_REPLY:
        break;

    case OFPT_ERROR: {
        struct ofperr peer_err;
        const uint8_t *data;
        size_t data_len;
        if (!ofp_decode_error(msg, len, &peer_err, &data, &data_len, &err)) {
            VLOG_INFO_RL(&rl, "%s: peer sent error %s %s", ofconn->name,
                         ofperr_type_name(peer_err.type), ofperr_code_name(peer_err));
        }
        break;
    }

    case OFPT_ECHO_REQUEST:
        ofp_encode_echo(&ofconn->tx, ofconn->version, OFPT_ECHO_REPLY, h.xid,
                        msg + OFP_HEADER_LEN, len - OFP_HEADER_LEN);
        break;

    case OFPT_FEATURES_REQUEST:
    case OFPT_GET_CONFIG_REQUEST:
    case OFPT_BARRIER_REQUEST:
        if (len != OFP_HEADER_LEN) {
            err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BAD_LEN };
            error = -EPROTO;
        } else if (h.type == OFPT_FEATURES_REQUEST) {
            handle_features_request(ofconn, &h);
        } else if (h.type == OFPT_GET_CONFIG_REQUEST) {
            struct ofp_switch_config c = { ofconn->mgr->frag_flags, ofconn->miss_send_len };
            ofp_encode_switch_config(&ofconn->tx, ofconn->version, OFPT_GET_CONFIG_REPLY, h.xid,
                                     &c);
        } else {
            /* Processing is synchronous: everything before the barrier is done. */
            ofp_encode_simple(&ofconn->tx, ofconn->version, OFPT_BARRIER_REPLY, h.xid);
        }
        break;

    case OFPT_SET_CONFIG:
        error = handle_set_config(ofconn, msg, len, &err);
        break;

    case OFPT_FLOW_MOD:
        error = handle_flow_mod(ofconn, msg, len, &err);
        break;

    case OFPT_MULTIPART_REQUEST:
        error = handle_multipart_request(ofconn, &h, msg, len, &err);
        break;

    case OFPT_EXPERIMENTER:
        err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BAD_EXPERIMENTER };
        error = -EPROTO;
        break;

    default:
        err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BAD_TYPE };
        error = -EPROTO;
        break;
    }
    if (error) {
        send_error(ofconn, msg, len, err);
    }
}
