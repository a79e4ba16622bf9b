/*
 * connmgr — the switch side of a bridge's OpenFlow channels (see connmgr.h).
 */
#include "ofproto/connmgr.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "lib/poll-loop.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofproto/ofp-group.h"
#include "ofproto/ofp-meter.h"
#include "ofproto/ofproto-meter.h"
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
/* Number of tables (ids 0..253). */
#define CONNMGR_N_TABLES 254
#define DEFAULT_MISS_SEND_LEN 128

enum ofconn_type {
    OFCONN_SERVICE,     /* Accepted on the management socket (uvs-ofctl, ovs-ofctl). */
    OFCONN_PRIMARY,     /* A controller from the Controller table (active or accepted). */
};

/* A Controller table entry: an active target we connect to (with backoff) or a passive one we
 * listen on. Invariants: exactly one of 'listener' (passive) or the active fields is in use;
 * 'conn' is the active target's current connection (NULL while connecting or backing off). */
struct ofcontroller {
    TAILQ_ENTRY(ofcontroller) node;
    struct connmgr *mgr;
    char *target;
    bool passive;
    bool seen;                  /* For reconfiguration. */
    struct pstream *listener;   /* Passive. */
    struct stream *connecting;  /* Active: connect() in progress. */
    struct ofconn *conn;        /* Active: the connection. */
    int n_conns;                /* Connections of this controller (passive: accepted ones). */
    int max_backoff_ms;
    int probe_ms;               /* 0 = no inactivity probe. */
    int backoff_ms;             /* Current backoff. */
    long long next_connect;     /* Active: time_msec() of the next attempt. */
    long long connected_at;     /* Last connection, or 0. */
    long long disconnected_at;  /* Last disconnection, or 0. */
    char *last_error;
    /* Packet-in rate limit: a token bucket of 'burst' packet-ins refilled at 'rate' per second
     * (Controller.controller_rate_limit/controller_burst_limit), so a flood of table misses
     * cannot swamp the channel. */
    int rate, burst;
    double tokens;
    long long refilled_at;
    uint64_t n_pi_dropped;
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
    struct ofcontroller *ctrl;  /* PRIMARY: its Controller entry. */
    uint32_t role;              /* OFPCR_ROLE_EQUAL/MASTER/SLAVE. */
    long long last_rx;          /* time_msec() of the last bytes received. */
    long long probe_sent_at;    /* Echo request sent for inactivity, or 0. */
    struct ofp_async_config async;
};

struct connmgr {
    struct ofproto *ofproto;
    char *bridge;
    struct pstream *listener;   /* The management socket. */
    TAILQ_HEAD(, ofconn) conns;
    size_t n_conns;
    uint16_t frag_flags;        /* OFPC_FRAG_*, switch-wide (SET_CONFIG). */
    TAILQ_HEAD(, ofcontroller) ctrls;
    size_t n_ctrls;
    uint64_t generation_id;     /* Last master/slave role request's (OpenFlow 1.3.5 §6.3.6). */
    bool generation_valid;
    bool status_changed;        /* Controller status to write back. */
    uint32_t allowed_versions;  /* Bridge.protocols (a version bitmap). */
};

/* ---------------------------------------------------------------------------------------------
 * Private prototypes.
 * ------------------------------------------------------------------------------------------- */

static struct ofconn *ofconn_create(struct connmgr *, struct stream *, enum ofconn_type);
static void controller_destroy(struct ofcontroller *);
static void controllers_run(struct connmgr *);
static void controllers_wait(struct connmgr *);
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
    TAILQ_INIT(&mgr->ctrls);
    mgr->allowed_versions = OFP_SUPPORTED_VERSIONS;
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
    while (!TAILQ_EMPTY(&mgr->ctrls)) {
        controller_destroy(TAILQ_FIRST(&mgr->ctrls));
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
    controllers_run(mgr);

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
    controllers_wait(mgr);
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

static struct ofconn *
ofconn_create(struct connmgr *mgr, struct stream *stream, enum ofconn_type type)
{
    struct ofconn *ofconn = xzalloc(sizeof *ofconn);
    const char *sname = stream_get_name(stream);

    ofconn->mgr = mgr;
    ofconn->type = type;
    ofconn->stream = stream;
    ofconn->name = xasprintf("%s<->%s", mgr->bridge, sname);   /* "br0<->unix#3" */
    /* As in Open vSwitch: controllers get packet-ins (128 bytes) by default, service
     * connections (ovs-ofctl monitor) only after asking with SET_CONFIG. */
    ofconn->miss_send_len = type == OFCONN_PRIMARY ? DEFAULT_MISS_SEND_LEN : 0;
    ofconn->role = OFPCR_ROLE_EQUAL;
    ofconn->last_rx = time_msec();
    /* OpenFlow 1.3.5 §7.3.10 defaults: master/equal get every packet-in and flow-removed
     * reason, slaves none; everyone gets port status. */
    ofconn->async = (struct ofp_async_config) {
        .packet_in_mask = { 0x7, 0 },
        .port_status_mask = { 0x7, 0x7 },
        .flow_removed_mask = { 0xf, 0 },
    };
    ofpbuf_init(&ofconn->rx, 4096);
    ofpbuf_init(&ofconn->tx, 4096);
    TAILQ_INSERT_TAIL(&mgr->conns, ofconn, node);
    mgr->n_conns++;
    VLOG_DBG("%s: connection accepted", ofconn->name);

    /* OpenFlow 1.3.5 §6.3.1: send HELLO immediately upon connection. */
    ofp_encode_hello(&ofconn->tx, mgr->allowed_versions, 0);
    ofconn_flush(ofconn);
    return ofconn;
}

static void
ofconn_destroy(struct ofconn *ofconn)
{
    struct connmgr *mgr = ofconn->mgr;
    struct ofcontroller *ctrl = ofconn->ctrl;

    VLOG_DBG("%s: connection closed", ofconn->name);
    if (ctrl) {
        ctrl->n_conns--;
        ctrl->disconnected_at = time_msec();
        if (ctrl->conn == ofconn) {
            ctrl->conn = NULL;
            ctrl->backoff_ms = 1000;
            ctrl->next_connect = time_msec() + ctrl->backoff_ms;
            VLOG_INFO("bridge %s: controller %s: connection closed; reconnecting in %d s",
                      mgr->bridge, ctrl->target, ctrl->backoff_ms / 1000);
        }
        mgr->status_changed = true;
    }
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
            ofconn->last_rx = time_msec();
            ofconn->probe_sent_at = 0;
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
            /* A length field below the header's own 8 bytes cannot frame a message. Answer
             * BAD_REQUEST/BAD_LEN for the header and resume after it (the peer most likely sent
             * just a header) rather than drop the connection. */
            VLOG_WARN_RL(&rl, "%s: received a message with length below 8; replying BAD_LEN "
                         "and skipping its 8-byte header", ofconn->name);
            ofp_encode_error(&ofconn->tx, ofconn->version ? ofconn->version : OFP13_VERSION,
                             ofp_get_be32(ofconn->rx.data + ofs + 4),
                             (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BAD_LEN },
                             ofconn->rx.data + ofs, OFP_HEADER_LEN);
            ofs += OFP_HEADER_LEN;
            continue;
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
    uint8_t version = ofp_negotiate_version(ofconn->mgr->allowed_versions, versions);
    if (!version) {
        char *text = xasprintf("We support versions 0x%02x and 0x%02x, you support no common "
                               "version (peer's HELLO version 0x%02x)", OFP13_VERSION,
                               OFP14_VERSION, msg[0]);
        struct ofperr e = { OFPET_HELLO_FAILED, OFPHFC_INCOMPATIBLE };
        VLOG_INFO_RL(&rl, "%s: version negotiation failed: peer offers version 0x%02x, we "
                     "support OpenFlow 1.3 (0x04) and 1.4 (0x05)%s", ofconn->name, msg[0],
                     ofconn->mgr->allowed_versions & OFP_SUPPORTED_VERSIONS ? ""
                     : " and Bridge.protocols excludes it");
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

/* OpenFlow 1.3.5 §6.3.6: a slave may not change the switch. */
static bool
ofconn_is_slave(const struct ofconn *ofconn, struct ofperr *err)
{
    if (ofconn->role == OFPCR_ROLE_SLAVE) {
        *err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_IS_SLAVE };
        return true;
    }
    return false;
}

static int
handle_role_request(struct ofconn *ofconn, const struct ofp_msg_header *h, const uint8_t *msg,
                    size_t len, struct ofperr *err)
{
    struct connmgr *mgr = ofconn->mgr;
    uint32_t role;
    uint64_t gen;
    int error = ofp_decode_role(msg, len, &role, &gen, err);

    if (error) {
        return error;
    }
    if (role > OFPCR_ROLE_SLAVE) {
        *err = (struct ofperr) { OFPET_ROLE_REQUEST_FAILED, OFPRRFC_BAD_ROLE };
        return -EPROTO;
    }
    if (role == OFPCR_ROLE_MASTER || role == OFPCR_ROLE_SLAVE) {
        if (mgr->generation_valid && (int64_t) (gen - mgr->generation_id) < 0) {
            *err = (struct ofperr) { OFPET_ROLE_REQUEST_FAILED, OFPRRFC_STALE };
            return -EPROTO;
        }
        mgr->generation_id = gen;
        mgr->generation_valid = true;
    }
    if (role != OFPCR_ROLE_NOCHANGE) {
        if (role == OFPCR_ROLE_MASTER) {
            struct ofconn *other;
            TAILQ_FOREACH(other, &mgr->conns, node) {
                if (other != ofconn && other->role == OFPCR_ROLE_MASTER) {
                    other->role = OFPCR_ROLE_SLAVE;
                }
            }
        }
        if (ofconn->role != role) {
            VLOG_INFO("%s: role is now %s", ofconn->name, role == OFPCR_ROLE_MASTER ? "master"
                      : role == OFPCR_ROLE_SLAVE ? "slave" : "equal");
        }
        ofconn->role = role;
        mgr->status_changed = true;
    }
    ofp_encode_role(&ofconn->tx, ofconn->version, OFPT_ROLE_REPLY, h->xid, ofconn->role,
                    mgr->generation_valid ? mgr->generation_id : 0);
    return 0;
}

static int
handle_packet_out(struct ofconn *ofconn, const uint8_t *msg, size_t len, struct ofperr *err)
{
    struct ofp_packet_out po;
    int error = ofp_decode_packet_out(msg, len, &po, err);

    if (!error && po.buffer_id != OFP_NO_BUFFER) {
        *err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BUFFER_UNKNOWN };
        error = -EPROTO;
    }
    if (!error) {
        error = ofproto_packet_out(ofconn->mgr->ofproto, po.data, po.data_len, po.in_port,
                                   &po.ofpacts, err) ? -EPROTO : 0;
    }
    ofpacts_destroy(&po.ofpacts);
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

static void
group_desc_cb(void *w, const struct ofp_group_mod *gm)
{
    ofp_mp_put_group_desc(w, gm);
}

static void
meter_config_cb(void *w, const struct ofp_meter_mod *mm)
{
    ofp_mp_put_meter_config(w, mm);
}

static void
meter_stats_cb(void *w, const struct ofp_meter_stats *ms)
{
    ofp_mp_put_meter_stats(w, ms);
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
        ofp_mp_reply_start(&w, &ofconn->tx, ofconn->version, mp.type, h->xid);
        for (int i = 0; i < CONNMGR_N_TABLES; i++) {
            ts.table_id = i;
            ofproto_get_table_stats(ofproto, i, &ts.active_count, &ts.lookup_count,
                                    &ts.matched_count);
            ofp_mp_put_table_stats(&w, &ts);
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
                .table_id = i, .metadata_match = UINT64_MAX, .metadata_write = UINT64_MAX,
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

    case OFPMP_METER:
    case OFPMP_METER_CONFIG: {
        /* OpenFlow 1.3.5 §7.3.5.12-13: one meter, or all (OFPM_ALL); an unknown one: none. */
        uint32_t meter_id;
        if (ofp_decode_meter_request(mp.body, mp.body_len, &meter_id, err)) {
            return -EPROTO;
        }
        ofp_mp_reply_start(&w, &ofconn->tx, ofconn->version, mp.type, h->xid);
        if (mp.type == OFPMP_METER) {
            ofproto_collect_meter_stats(ofproto, meter_id, meter_stats_cb, &w);
        } else {
            ofproto_collect_meter_configs(ofproto, meter_id, meter_config_cb, &w);
        }
        ofp_mp_reply_finish(&w);
        return 0;
    }

    case OFPMP_METER_FEATURES: {
        struct ofp_meter_features mf;
        if (mp.body_len) {
            goto bad_len;
        }
        ofproto_get_meter_features(&mf);
        ofp_mp_reply_start(&w, &ofconn->tx, ofconn->version, mp.type, h->xid);
        ofp_mp_put_meter_features(&w, &mf);
        ofp_mp_reply_finish(&w);
        return 0;
    }

    case OFPMP_GROUP_DESC:
        if (mp.body_len) {
            goto bad_len;
        }
        ofp_mp_reply_start(&w, &ofconn->tx, ofconn->version, mp.type, h->xid);
        ofproto_collect_groups(ofproto, group_desc_cb, &w);
        ofp_mp_reply_finish(&w);
        return 0;

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
            /* Processing is synchronous: everything before the barrier is done, once the PMDs
             * dropped every cached translation older than it (OpenFlow 1.3.5 §6.2). */
            ofproto_sync(ofconn->mgr->ofproto);
            ofp_encode_simple(&ofconn->tx, ofconn->version, OFPT_BARRIER_REPLY, h.xid);
        }
        break;

    case OFPT_ROLE_REQUEST:
        error = handle_role_request(ofconn, &h, msg, len, &err);
        break;

    case OFPT_GET_ASYNC_REQUEST:
        if (ofconn->version >= OFP14_VERSION) {
            /* OpenFlow 1.4 async configuration uses properties: not supported yet. */
            err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BAD_TYPE };
            error = -EPROTO;
        } else if (len != OFP_HEADER_LEN) {
            err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BAD_LEN };
            error = -EPROTO;
        } else {
            ofp_encode_async_config(&ofconn->tx, ofconn->version, OFPT_GET_ASYNC_REPLY, h.xid,
                                    &ofconn->async);
        }
        break;

    case OFPT_SET_ASYNC:
        if (ofconn->version >= OFP14_VERSION) {
            err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BAD_TYPE };
            error = -EPROTO;
        } else {
            error = ofp_decode_async_config(msg, len, &ofconn->async, &err);
        }
        break;

    case OFPT_GROUP_MOD:
        if (!ofconn_is_slave(ofconn, &err)) {
            struct ofp_group_mod gm;
            error = ofp_decode_group_mod(msg, len, &gm, &err);
            if (!error) {
                error = ofproto_handle_group_mod(ofconn->mgr->ofproto, &gm, &err) ? -EPROTO : 0;
            }
            ofp_group_mod_destroy(&gm);
        } else {
            error = -EPROTO;
        }
        break;

    case OFPT_METER_MOD:
        if (!ofconn_is_slave(ofconn, &err)) {
            struct ofp_meter_mod mm;
            error = ofp_decode_meter_mod(msg, len, &mm, &err);
            if (!error) {
                error = ofproto_handle_meter_mod(ofconn->mgr->ofproto, &mm, &err) ? -EPROTO : 0;
            }
        } else {
            error = -EPROTO;
        }
        break;

    case OFPT_PORT_MOD:
        if (!ofconn_is_slave(ofconn, &err)) {
            struct ofp_port_mod pm;
            error = ofp_decode_port_mod(msg, len, &pm, &err);
            if (!error) {
                error = ofproto_port_mod(ofconn->mgr->ofproto, pm.port_no, pm.config, pm.mask,
                                         &err) ? -EPROTO : 0;
            }
        } else {
            error = -EPROTO;
        }
        break;

    case OFPT_PACKET_OUT:
        error = ofconn_is_slave(ofconn, &err) ? -EPROTO : handle_packet_out(ofconn, msg, len, &err);
        break;

    case OFPT_SET_CONFIG:
        error = handle_set_config(ofconn, msg, len, &err);
        break;

    case OFPT_FLOW_MOD:
        error = ofconn_is_slave(ofconn, &err) ? -EPROTO : handle_flow_mod(ofconn, msg, len, &err);
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

/* ---------------------------------------------------------------------------------------------
 * Controllers.
 * ------------------------------------------------------------------------------------------- */

static void
controller_set_error(struct ofcontroller *ctrl, const char *error)
{
    free(ctrl->last_error);
    ctrl->last_error = error ? xstrdup(error) : NULL;
}

static void
controller_destroy(struct ofcontroller *ctrl)
{
    struct connmgr *mgr = ctrl->mgr;
    struct ofconn *ofconn, *next;

    for (ofconn = TAILQ_FIRST(&mgr->conns); ofconn; ofconn = next) {
        next = TAILQ_NEXT(ofconn, node);
        if (ofconn->ctrl == ctrl) {
            ofconn_destroy(ofconn);
        }
    }
    if (ctrl->connecting) {
        stream_close(ctrl->connecting);
    }
    pstream_close(ctrl->listener);
    TAILQ_REMOVE(&mgr->ctrls, ctrl, node);
    mgr->n_ctrls--;
    mgr->status_changed = true;
    free(ctrl->last_error);
    free(ctrl->target);
    free(ctrl);
}

void
connmgr_set_controllers(struct connmgr *mgr, const struct connmgr_controller_cfg *cfgs, size_t n)
{
    struct ofcontroller *ctrl, *next;

    TAILQ_FOREACH(ctrl, &mgr->ctrls, node) {
        ctrl->seen = false;
    }
    for (size_t i = 0; i < n; i++) {
        const struct connmgr_controller_cfg *c = &cfgs[i];
        TAILQ_FOREACH(ctrl, &mgr->ctrls, node) {
            if (!strcmp(ctrl->target, c->target)) {
                break;
            }
        }
        if (!ctrl) {
            bool passive = !strncmp(c->target, "ptcp:", 5) || !strncmp(c->target, "punix:", 6)
                           || !strncmp(c->target, "pssl:", 5);
            char *why = passive ? pstream_verify_name(c->target) : stream_verify_name(c->target);
            if (why) {
                VLOG_WARN("bridge %s: controller \"%s\" ignored: %s", mgr->bridge, c->target,
                          why);
                free(why);
                continue;
            }
            ctrl = xzalloc(sizeof *ctrl);
            ctrl->mgr = mgr;
            ctrl->target = xstrdup(c->target);
            ctrl->passive = passive;
            ctrl->backoff_ms = 1000;
            TAILQ_INSERT_TAIL(&mgr->ctrls, ctrl, node);
            mgr->n_ctrls++;
            mgr->status_changed = true;
            if (passive) {
                int error = pstream_open(c->target, &ctrl->listener);
                if (error) {
                    char *msg = xasprintf("cannot listen: %s", strerror(-error));
                    VLOG_WARN("bridge %s: controller %s: %s", mgr->bridge, c->target, msg);
                    controller_set_error(ctrl, msg);
                    free(msg);
                } else {
                    VLOG_INFO("bridge %s: listening for controllers on %s", mgr->bridge,
                              c->target);
                }
            } else {
                VLOG_INFO("bridge %s: connecting to controller %s", mgr->bridge, c->target);
            }
        }
        ctrl->seen = true;
        ctrl->max_backoff_ms = c->max_backoff_ms > 0 ? c->max_backoff_ms : 8000;
        ctrl->probe_ms = c->probe_ms >= 0 ? c->probe_ms : 5000;
        ctrl->rate = c->rate_limit > 0 ? UVS_MAX(c->rate_limit, 100) : 1000;
        ctrl->burst = c->burst_limit > 0 ? UVS_MAX(c->burst_limit, 25)
                      : UVS_MAX(ctrl->rate / 4, 25);
        if (!ctrl->refilled_at) {
            ctrl->tokens = ctrl->burst;
            ctrl->refilled_at = time_msec();
        }
    }
    for (ctrl = TAILQ_FIRST(&mgr->ctrls); ctrl; ctrl = next) {
        next = TAILQ_NEXT(ctrl, node);
        if (!ctrl->seen) {
            VLOG_INFO("bridge %s: controller %s removed", mgr->bridge, ctrl->target);
            controller_destroy(ctrl);
        }
    }
}

static void
controller_connected(struct ofcontroller *ctrl, struct stream *stream)
{
    struct ofconn *ofconn = ofconn_create(ctrl->mgr, stream, OFCONN_PRIMARY);
    ofconn->ctrl = ctrl;
    ctrl->n_conns++;
    ctrl->connected_at = time_msec();
    ctrl->mgr->status_changed = true;
    controller_set_error(ctrl, NULL);
    if (!ctrl->passive) {
        ctrl->conn = ofconn;
        ctrl->backoff_ms = 1000;
        VLOG_INFO("bridge %s: connected to controller %s", ctrl->mgr->bridge, ctrl->target);
    }
}

static void
controller_backoff(struct ofcontroller *ctrl, int error)
{
    char *msg = xasprintf("%s", strerror(-error));
    if (!ctrl->last_error || strcmp(ctrl->last_error, msg)) {
        VLOG_INFO("bridge %s: controller %s: connection failed (%s); retrying with backoff up "
                  "to %d s", ctrl->mgr->bridge, ctrl->target, msg, ctrl->max_backoff_ms / 1000);
    }
    controller_set_error(ctrl, msg);
    free(msg);
    ctrl->next_connect = time_msec() + ctrl->backoff_ms;
    ctrl->backoff_ms = UVS_MIN(ctrl->backoff_ms * 2, ctrl->max_backoff_ms);
    ctrl->mgr->status_changed = true;
}

static void
controllers_run(struct connmgr *mgr)
{
    long long now = time_msec();
    struct ofcontroller *ctrl;

    TAILQ_FOREACH(ctrl, &mgr->ctrls, node) {
        if (ctrl->passive) {
            for (int i = 0; ctrl->listener && i < CONNMGR_MAX_ACCEPTS; i++) {
                struct stream *stream;
                if (pstream_accept(ctrl->listener, &stream)) {
                    break;
                }
                controller_connected(ctrl, stream);
            }
            continue;
        }
        if (ctrl->connecting) {
            int error = stream_connect(ctrl->connecting);
            if (!error) {
                struct stream *stream = ctrl->connecting;
                ctrl->connecting = NULL;
                controller_connected(ctrl, stream);
            } else if (error != -EAGAIN) {
                stream_close(ctrl->connecting);
                ctrl->connecting = NULL;
                controller_backoff(ctrl, error);
            }
        } else if (!ctrl->conn && now >= ctrl->next_connect) {
            int error = stream_open(ctrl->target, &ctrl->connecting);
            if (error) {
                ctrl->connecting = NULL;
                controller_backoff(ctrl, error);
            }
        }
    }

    /* Inactivity probes (Controller.inactivity_probe): an echo request after PROBE ms of
     * silence, and the connection is dropped after as long again without an answer. */
    struct ofconn *ofconn;
    TAILQ_FOREACH(ofconn, &mgr->conns, node) {
        struct ofcontroller *c = ofconn->ctrl;
        if (!c || !c->probe_ms || !ofconn->version || ofconn->dead) {
            continue;
        }
        if (ofconn->probe_sent_at && now - ofconn->probe_sent_at >= c->probe_ms) {
            VLOG_WARN("%s: no response to inactivity probe after %d s: disconnecting",
                      ofconn->name, c->probe_ms / 1000);
            controller_set_error(c, "inactivity probe timed out");
            ofconn->dead = true;
        } else if (!ofconn->probe_sent_at && now - ofconn->last_rx >= c->probe_ms) {
            ofp_encode_echo(&ofconn->tx, ofconn->version, OFPT_ECHO_REQUEST, 0, NULL, 0);
            ofconn->probe_sent_at = now;
        }
    }
}

static void
controllers_wait(struct connmgr *mgr)
{
    struct ofcontroller *ctrl;

    TAILQ_FOREACH(ctrl, &mgr->ctrls, node) {
        if (ctrl->listener) {
            pstream_wait(ctrl->listener);
        } else if (ctrl->connecting) {
            stream_connect_wait(ctrl->connecting);
        } else if (!ctrl->conn && !ctrl->passive) {
            poll_timer_wait_until(ctrl->next_connect);
        }
    }
    struct ofconn *ofconn;
    TAILQ_FOREACH(ofconn, &mgr->conns, node) {
        if (ofconn->ctrl && ofconn->ctrl->probe_ms) {
            poll_timer_wait_until((ofconn->probe_sent_at ? ofconn->probe_sent_at
                                   : ofconn->last_rx) + ofconn->ctrl->probe_ms);
        }
    }
}

size_t
connmgr_get_controller_status(const struct connmgr *mgr, struct connmgr_controller_status **sp)
{
    struct connmgr_controller_status *s = xcalloc(mgr->n_ctrls + 1, sizeof *s);
    long long now = time_msec();
    const struct ofcontroller *ctrl;
    size_t n = 0;

    TAILQ_FOREACH(ctrl, &mgr->ctrls, node) {
        struct connmgr_controller_status *cs = &s[n++];
        const struct ofconn *ofconn;
        uint32_t role = OFPCR_ROLE_EQUAL;

        cs->target = ctrl->target;
        cs->is_connected = false;
        TAILQ_FOREACH(ofconn, &mgr->conns, node) {
            if (ofconn->ctrl == ctrl && ofconn->version) {
                cs->is_connected = true;
                role = ofconn->role;
            }
        }
        cs->role = role == OFPCR_ROLE_MASTER ? "master" : role == OFPCR_ROLE_SLAVE ? "slave"
                   : "other";
        cs->state = cs->is_connected ? "ACTIVE" : ctrl->passive ? "LISTENING"
                    : ctrl->connecting ? "CONNECTING" : "BACKOFF";
        cs->last_error = ctrl->last_error;
        cs->sec_since_connect = ctrl->connected_at ? (int) ((now - ctrl->connected_at) / 1000)
                                : -1;
        cs->sec_since_disconnect = ctrl->disconnected_at
                                   ? (int) ((now - ctrl->disconnected_at) / 1000) : -1;
    }
    *sp = s;
    return n;
}

bool
connmgr_take_status_changed(struct connmgr *mgr)
{
    bool changed = mgr->status_changed;
    mgr->status_changed = false;
    return changed;
}

size_t
connmgr_n_controllers(const struct connmgr *mgr)
{
    return mgr->n_ctrls;
}

bool
connmgr_is_any_controller_connected(const struct connmgr *mgr)
{
    const struct ofconn *ofconn;
    TAILQ_FOREACH(ofconn, &mgr->conns, node) {
        if (ofconn->ctrl && ofconn->version && !ofconn->dead) {
            return true;
        }
    }
    return false;
}

int
connmgr_max_probe_ms(const struct connmgr *mgr)
{
    const struct ofcontroller *ctrl;
    int probe = 0;
    TAILQ_FOREACH(ctrl, &mgr->ctrls, node) {
        probe = UVS_MAX(probe, ctrl->probe_ms);
    }
    return probe ? probe : 5000;
}

void
connmgr_set_allowed_versions(struct connmgr *mgr, uint32_t versions)
{
    mgr->allowed_versions = versions;
}

void
connmgr_send_packet_in(struct connmgr *mgr, const struct ofp_packet_in *pi, uint16_t max_len)
{
    (void) max_len;
    struct ofconn *ofconn;

    TAILQ_FOREACH(ofconn, &mgr->conns, node) {
        bool slave = ofconn->role == OFPCR_ROLE_SLAVE;
        if (!ofconn->version || ofconn->dead || ofconn->closing
            || !(ofconn->async.packet_in_mask[slave] & (1u << pi->reason))
            || (ofconn->type == OFCONN_SERVICE && !ofconn->miss_send_len)
            || ofconn->tx.size >= CONNMGR_TX_HIGH_WATER) {
            continue;
        }
        struct ofcontroller *c = ofconn->ctrl;
        if (c) {
            long long now = time_msec();
            c->tokens = UVS_MIN((double) c->burst,
                                c->tokens + (now - c->refilled_at) * c->rate / 1000.0);
            c->refilled_at = now;
            if (c->tokens < 1.0) {
                if (c->n_pi_dropped++ % 1000 == 0) {
                    VLOG_WARN_RL(&rl, "%s: packet-in rate above %d/s (burst %d): dropping "
                                 "packet-ins (%"PRIu64" so far)", ofconn->name, c->rate,
                                 c->burst, c->n_pi_dropped);
                }
                continue;
            }
            c->tokens -= 1.0;
        }
        /* No buffering (OpenFlow 1.3.5 §7.4.1, OFP_NO_BUFFER): PI carries the frame as the
         * output action's max_len cut it (ofproto). */
        ofp_encode_packet_in(&ofconn->tx, ofconn->version, 0, pi);
        ofconn_flush(ofconn);
    }
}

void
connmgr_send_port_status(struct connmgr *mgr, uint8_t reason, const struct ofp_phy_port *pp)
{
    struct ofconn *ofconn;

    TAILQ_FOREACH(ofconn, &mgr->conns, node) {
        bool slave = ofconn->role == OFPCR_ROLE_SLAVE;
        if (!ofconn->version || ofconn->dead || ofconn->closing
            || !(ofconn->async.port_status_mask[slave] & (1u << reason))) {
            continue;
        }
        ofp_encode_port_status(&ofconn->tx, ofconn->version, 0, reason, pp);
    }
}

void
connmgr_send_flow_removed(struct connmgr *mgr, const struct ofp_flow_removed *fr)
{
    struct ofconn *ofconn;

    TAILQ_FOREACH(ofconn, &mgr->conns, node) {
        bool slave = ofconn->role == OFPCR_ROLE_SLAVE;
        if (!ofconn->version || ofconn->dead || ofconn->closing
            || !(ofconn->async.flow_removed_mask[slave] & (1u << fr->reason))
            || (ofconn->type == OFCONN_SERVICE && !ofconn->miss_send_len)) {
            continue;
        }
        ofp_encode_flow_removed(&ofconn->tx, ofconn->version, 0, fr);
    }
}
