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
#include "ofproto/connmgr-bundle.h"
#include "ofproto/connmgr-multipart.h"
#include "ofproto/ofp-async.h"
#include "ofproto/ofp-bundle.h"
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
#define DEFAULT_MISS_SEND_LEN 128

enum ofconn_type {
    OFCONN_SERVICE,     /* Accepted on the management socket (uvs-ofctl, ovs-ofctl). */
    OFCONN_PRIMARY,     /* A controller from the Controller table (active or accepted). */
    OFCONN_SNOOP,       /* Accepted on RUNDIR/BRIDGE.snoop: gets a copy of every message
                           exchanged with the controllers, sends nothing that is acted on. */
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
    bool nx_table_id;           /* NXT_FLOW_MOD_TABLE_ID enabled (OpenFlow 1.0 table ids). */
    bool dead;                  /* Stream failed: destroy. */
    bool rx_backlog;            /* Complete messages left unprocessed (bound reached). */
    uint16_t miss_send_len;
    struct ofpbuf rx;
    struct ofpbuf tx;
    struct ofcontroller *ctrl;  /* PRIMARY: its Controller entry. */
    uint32_t role;              /* OFPCR_ROLE_EQUAL/MASTER/SLAVE. */
    long long last_rx;          /* time_msec() of the last bytes received. */
    long long probe_sent_at;    /* Echo request sent for inactivity, or 0. */
    struct ofp_async_props async;   /* Which asynchronous messages it gets (ofp-async.h). */
    struct ofbundle_set *bundles;   /* OpenFlow 1.4 bundles (connmgr-bundle.h). */
    size_t snooped;             /* PRIMARY: bytes at the start of 'tx' already copied to the
                                   snoop connections. */
};

struct connmgr {
    struct ofproto *ofproto;
    char *bridge;
    struct pstream *listener;   /* The management socket. */
    struct pstream *snoop;      /* RUNDIR/BRIDGE.snoop, or NULL. */
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
    if (mgr) {
        char *snoop = xasprintf("punix:%s/%s.snoop", rundir, bridge_name);
        connmgr_set_snoop(mgr, snoop);
        free(snoop);
    }
    errno = saved_errno;
    return mgr;
}

int
connmgr_set_snoop(struct connmgr *mgr, const char *listen)
{
    pstream_close(mgr->snoop);
    mgr->snoop = NULL;
    int error = pstream_open(listen, &mgr->snoop);
    if (error) {
        VLOG_WARN("bridge %s: cannot listen for snoop connections on %s: %s", mgr->bridge,
                  listen, strerror(-error));
        mgr->snoop = NULL;
    }
    return error;
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
    pstream_close(mgr->snoop);
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
    for (int i = 0; mgr->snoop && i < CONNMGR_MAX_ACCEPTS; i++) {
        struct stream *stream;
        if (pstream_accept(mgr->snoop, &stream)) {
            break;
        }
        ofconn_create(mgr, stream, OFCONN_SNOOP);
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
    if (mgr->snoop) {
        pstream_wait(mgr->snoop);
    }
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
    /* OpenFlow 1.3.5 §7.3.10 / 1.4.1 §7.3.10 defaults: master/equal get every packet-in and
     * flow-removed reason, slaves none; everyone gets port status and role status. */
    ofconn->async = (struct ofp_async_props) { .masks = {
        [OFP_ASYNC_PACKET_IN] = { 0x7, 0 },
        [OFP_ASYNC_PORT_STATUS] = { 0x7, 0x7 },
        [OFP_ASYNC_FLOW_REMOVED] = { 0xf, 0 },
        [OFP_ASYNC_ROLE_STATUS] = { 0x7, 0x7 },
    } };
    ofpbuf_init(&ofconn->rx, 4096);
    ofpbuf_init(&ofconn->tx, 4096);
    ofconn->bundles = ofbundle_set_create();
    if (type == OFCONN_SNOOP) {
        memset(&ofconn->async, 0, sizeof ofconn->async);   /* No asynchronous messages. */
    }
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
    ofbundle_set_destroy(ofconn->bundles);
    ofpbuf_uninit(&ofconn->rx);
    ofpbuf_uninit(&ofconn->tx);
    free(ofconn->name);
    free(ofconn);
}

/* Appends a copy of the LEN bytes of messages at DATA to every snoop connection (bounded by
 * CONNMGR_TX_HIGH_WATER: a snooper that does not read loses messages, never the switch). */
static void
snoop_copy(struct connmgr *mgr, const uint8_t *data, size_t len)
{
    struct ofconn *s;

    TAILQ_FOREACH(s, &mgr->conns, node) {
        if (s->type == OFCONN_SNOOP && s->version && !s->dead
            && s->tx.size + len <= CONNMGR_TX_HIGH_WATER) {
            ofpbuf_put(&s->tx, data, len);
        }
    }
}

/* Sends as much of 'tx' as the stream takes now. */
static void
ofconn_flush(struct ofconn *ofconn)
{
    size_t sent = 0;

    if (ofconn->type == OFCONN_PRIMARY && ofconn->snooped < ofconn->tx.size) {
        snoop_copy(ofconn->mgr, ofconn->tx.data + ofconn->snooped,
                   ofconn->tx.size - ofconn->snooped);
        ofconn->snooped = ofconn->tx.size;
    }

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
    ofconn->snooped = ofconn->snooped > sent ? ofconn->snooped - sent : 0;
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
        char *text = xasprintf("We support versions 0x%02x, 0x%02x, 0x%02x and 0x%02x (bitmap "
                               "0x%x allowed by Bridge.protocols), you support no common "
                               "version (peer's HELLO version 0x%02x)", OFP10_VERSION,
                               OFP13_VERSION, OFP14_VERSION, OFP15_VERSION,
                               ofconn->mgr->allowed_versions, msg[0]);
        struct ofperr e = { OFPET_HELLO_FAILED, OFPHFC_INCOMPATIBLE };
        VLOG_INFO_RL(&rl, "%s: version negotiation failed: peer offers versions 0x%x (HELLO "
                     "version 0x%02x), Bridge.protocols allows 0x%x of the OpenFlow 1.0, 1.3, "
                     "1.4 and 1.5 uvs supports", ofconn->name, versions, msg[0],
                     ofconn->mgr->allowed_versions);
        ofp_encode_error(&ofconn->tx, msg[0] == OFP10_VERSION ? OFP10_VERSION : OFP13_VERSION,
                         ofp_get_be32(msg + 4), e, text, strlen(text));
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
    struct ofp_phy_port *ports = NULL;
    if (ofconn->version == OFP10_VERSION) {
        /* OpenFlow 1.0 lists the ports in the features reply (1.0.0 §5.3.1). */
        f.n_ports = ofproto_get_port_descs(ofconn->mgr->ofproto, &ports);
        f.ports = ports;
    }
    ofp_encode_features_reply(&ofconn->tx, ofconn->version, h->xid, &f);
    free(ports);
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

/* OpenFlow 1.4.1 §7.4.4: tells OFCONN (1.4 or later) its role changed for REASON, if its async
 * configuration asks for it. */
static void
send_role_status(struct ofconn *ofconn, uint8_t reason)
{
    struct connmgr *mgr = ofconn->mgr;
    bool slave = ofconn->role == OFPCR_ROLE_SLAVE;

    if (ofconn->version < OFP14_VERSION || ofconn->dead || ofconn->closing
        || !(ofconn->async.masks[OFP_ASYNC_ROLE_STATUS][slave] & (1u << reason))) {
        return;
    }
    struct ofp_role_status rs = {
        .role = ofconn->role, .reason = reason,
        .generation_id = mgr->generation_valid ? mgr->generation_id : 0,
    };
    ofp_encode_role_status(&ofconn->tx, ofconn->version, 0, &rs);
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
                    VLOG_INFO("%s: role is now slave (%s became master)", other->name,
                              ofconn->name);
                    send_role_status(other, OFPCRR_MASTER_REQUEST);
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
    if (ofconn->type == OFCONN_PRIMARY) {
        snoop_copy(ofconn->mgr, msg, len);
    } else if (ofconn->type == OFCONN_SNOOP) {
        if (h.type == OFPT_ECHO_REQUEST) {
            ofp_encode_echo(&ofconn->tx, ofconn->version, OFPT_ECHO_REPLY, h.xid,
                            msg + OFP_HEADER_LEN, len - OFP_HEADER_LEN);
        }
        return;     /* A snooper only watches. */
    }
    if (h.version != ofconn->version && h.type != OFPT_HELLO) {
        err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BAD_VERSION };
        send_error(ofconn, msg, len, err);
        return;
    }

    if (h.type == OFPT_BUNDLE_CONTROL || h.type == OFPT_BUNDLE_ADD_MESSAGE) {
        ofbundle_handle(ofconn->bundles, ofconn->mgr->ofproto,
                        ofconn->role == OFPCR_ROLE_SLAVE, ofconn->version, msg, len,
                        &ofconn->tx);
        return;
    }

    /* The decoders read OpenFlow 1.3 (ofp-msgs.h): a 1.0, 1.4 or 1.5 message is converted
     * first; an error reply still quotes what the peer sent. */
    const uint8_t *req = msg;
    size_t req_len = len;
    struct ofpbuf up;
    ofpbuf_init(&up, 0);
    error = ofp_msg_upgrade_flags(msg, len, ofconn->nx_table_id ? OFP_UPGRADE_NX_TABLE_ID : 0,
                                  &up, &err);
    if (error < 0) {
        send_error(ofconn, req, req_len, err);
        ofpbuf_uninit(&up);
        return;
    } else if (!error) {
        msg = up.data;
        len = up.size;
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
        if (len != OFP_HEADER_LEN) {
            err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BAD_LEN };
            error = -EPROTO;
        } else if (ofconn->version >= OFP14_VERSION) {
            /* OpenFlow 1.4.1 §7.3.10: a list of properties. */
            ofp_encode_async_props(&ofconn->tx, ofconn->version, OFPT_GET_ASYNC_REPLY, h.xid,
                                   &ofconn->async);
        } else {
            struct ofp_async_config ac;
            ofp_async_props_to13(&ofconn->async, &ac);
            ofp_encode_async_config(&ofconn->tx, ofconn->version, OFPT_GET_ASYNC_REPLY, h.xid,
                                    &ac);
        }
        break;

    case OFPT_SET_ASYNC:
        if (ofconn->version >= OFP14_VERSION) {
            error = ofp_decode_async_props(msg, len, &ofconn->async, &err);
        } else {
            struct ofp_async_config ac;
            error = ofp_decode_async_config(msg, len, &ac, &err);
            if (!error) {
                ofp_async_props_from13(&ofconn->async, &ac);
            }
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
        error = connmgr_handle_multipart(ofconn->mgr->ofproto, ofconn->mgr->bridge,
                                         ofconn->version, h.xid, msg, len, &ofconn->tx, &err);
        break;

    case OFPT_EXPERIMENTER: {
        bool enable;
        /* NXT_FLOW_MOD_TABLE_ID: later 1.0 flow-mods carry a table id (0 = table 0). */
        error = ofp_decode_nx_flow_mod_table_id(msg, len, &enable, &err);
        if (!error) {
            ofconn->nx_table_id = enable;
        }
        if (error == -ENOENT) {
            err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BAD_EXPERIMENTER };
            error = -EPROTO;
        }
        break;
    }

    default:
        err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BAD_TYPE };
        error = -EPROTO;
        break;
    }
    if (error) {
        send_error(ofconn, req, req_len, err);
    }
    ofpbuf_uninit(&up);
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
    mgr->allowed_versions = versions & OFP_SUPPORTED_VERSIONS;   /* Not 1.1 or 1.2. */
}

void
connmgr_send_packet_in(struct connmgr *mgr, const struct ofp_packet_in *pi, uint16_t max_len)
{
    (void) max_len;
    struct ofconn *ofconn;

    TAILQ_FOREACH(ofconn, &mgr->conns, node) {
        bool slave = ofconn->role == OFPCR_ROLE_SLAVE;
        if (!ofconn->version || ofconn->dead || ofconn->closing
            || !(ofconn->async.masks[OFP_ASYNC_PACKET_IN][slave] & (1u << pi->reason))
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
            || !(ofconn->async.masks[OFP_ASYNC_PORT_STATUS][slave] & (1u << reason))) {
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
            || !(ofconn->async.masks[OFP_ASYNC_FLOW_REMOVED][slave] & (1u << fr->reason))
            || (ofconn->type == OFCONN_SERVICE && !ofconn->miss_send_len)) {
            continue;
        }
        ofp_encode_flow_removed(&ofconn->tx, ofconn->version, 0, fr);
    }
}
