/*
 * uvs-ofctl — administer a uvs bridge over OpenFlow, with ovs-ofctl's commands, flow syntax and
 * output layouts:
 *
 *     uvs-ofctl [OPTIONS] COMMAND SWITCH [ARG...]
 *
 * SWITCH is a bridge name (connects to unix:RUNDIR/BRIDGE.mgmt) or an active stream name
 * ("unix:PATH", "tcp:IP:PORT", "ssl:IP:PORT" with --private-key, --certificate, --ca-cert).
 * Unlike ovs-ofctl, the version is the highest both sides speak (-O restricts the choice; see
 * OFCTL_VERSIONS). Every command opens its own connection(s), as ovs-ofctl does:
 * port names are fetched over a separate connection when needed, so message xids in the output
 * match ovs-ofctl's.
 *
 * Flow-mods are followed by a barrier; an OpenFlow error from the switch is reported as
 *     uvs-ofctl: br0: OFPT_ERROR: OFPET_BAD_MATCH OFPBMC_BAD_PREREQ (flow-mod rejected: ...)
 * and the exit status is 1.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/stream.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-group.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-parse.h"
#include "ofproto/ofp-print.h"
#include "ofproto/ofp-table.h"
#include "uvs-config.h"
#include "ofctl.h"

/* ---------------------------------------------------------------------------------------------
 * Options.
 * ------------------------------------------------------------------------------------------- */

static int use_names = -1;          /* --names (1), --no-names (0), default: if stdout is a tty */
bool ofctl_strict;                  /* --strict */
bool ofctl_bundle;                  /* --bundle */
static int sort_dir;                /* --sort (1), --rsort (-1), none (0) */
bool ofctl_json;                    /* --format json */
static const char *sort_field;      /* --sort=FIELD: NULL or "priority" = by priority */
static int timeout_ms = -1;         /* --timeout, -1 = wait forever */
/* Unlike ovs-ofctl, uvs-ofctl offers every version the codec speaks (OFP_SUPPORTED_VERSIONS) and
 * so negotiates the highest one the switch shares; -O restricts the offer. Connections whose
 * replies carry port descriptions, port statistics or port status (show, dump-ports,
 * dump-ports-desc, monitor, the port-name fetch) offer OFCTL_PORT_VERSIONS when -O allows it (so
 * their output keeps the 1.3 form), else what -O allows. */
#define OFCTL_VERSIONS OFP_SUPPORTED_VERSIONS
#define OFCTL_PORT_VERSIONS OFP_VERSION_BIT(OFP13_VERSION)
static uint32_t allowed_versions = OFCTL_VERSIONS;

bool
should_show_names(void)
{
    return use_names > 0 || (use_names < 0 && isatty(STDOUT_FILENO));
}

/* ---------------------------------------------------------------------------------------------
 * A blocking OpenFlow connection.
 * ------------------------------------------------------------------------------------------- */

/* One counter for all connections, as ovs-ofctl (each HELLO takes one). */
static uint32_t xid_seq;

uint32_t
alloc_xid(void)
{
    return ++xid_seq;
}

static char *
switch_stream_name(const char *target)
{
    if (strchr(target, ':')) {
        return xstrdup(target);
    }
    return xasprintf("unix:%s/%s.mgmt", uvs_rundir(), target);
}

/* Waits for EVENTS on the connection's fd, honouring --timeout. */
static void
vconn_poll(struct vconn *vc, short events)
{
    struct pollfd pfd = { .fd = stream_get_fd(vc->stream), .events = events };
    int n;

    do {
        n = poll(&pfd, 1, timeout_ms);
    } while (n < 0 && errno == EINTR);
    if (n == 0) {
        uvs_fatal(0, "%s: timed out after %d ms waiting for the switch", vc->target, timeout_ms);
    }
}

void
vconn_send(struct vconn *vc, const struct ofpbuf *b)
{
    size_t sent = 0;

    while (sent < b->size) {
        ssize_t n = stream_send(vc->stream, b->data + sent, b->size - sent);
        if (n == -EAGAIN) {
            vconn_poll(vc, POLLOUT);
        } else if (n < 0) {
            uvs_fatal((int) -n, "%s: send failed", vc->target);
        } else {
            sent += n;
        }
    }
}

/* The decoders read OpenFlow 1.3: turns a 1.0, 1.4 or 1.5 message in MSG into its 1.3 form
 * (ofp_msg_upgrade()). A reply that grew into several messages leaves the others first in rx. */
static void
ofctl_upgrade(struct vconn *vc, struct ofpbuf *msg)
{
    struct ofperr err;
    struct ofpbuf up;

    ofpbuf_init(&up, 0);
    int error = ofp_msg_upgrade(msg->data, msg->size, &up, &err);
    if (error < 0) {
        uvs_fatal(0, "%s: received a malformed %s (%s %s)", vc->target, ofp_type_name(msg->data[1]),
                  ofperr_type_name(err.type), ofperr_code_name(err));
    } else if (!error) {
        size_t first = ofp_get_be16(up.data + 2);
        ofpbuf_clear(msg);
        ofpbuf_put(msg, up.data, first);
        ofpbuf_put(&up, vc->rx.data, vc->rx.size);
        ofpbuf_clear(&vc->rx);
        ofpbuf_put(&vc->rx, up.data + first, up.size - first);
    }
    ofpbuf_uninit(&up);
}

/* Receives one message into MSG (cleared first). Answers echo requests by itself. */
void
vconn_recv(struct vconn *vc, struct ofpbuf *msg)
{
    for (;;) {
        int len = ofp_msg_frame_len(vc->rx.data, vc->rx.size);
        if (len < 0) {
            uvs_fatal(0, "%s: received a malformed OpenFlow message (length below 8)",
                      vc->target);
        }
        if (len > 0 && (size_t) len <= vc->rx.size) {
            ofpbuf_clear(msg);
            ofpbuf_put(msg, vc->rx.data, len);
            ofpbuf_pull(&vc->rx, len);
            ofctl_upgrade(vc, msg);
            if (msg->data[1] == OFPT_ECHO_REQUEST && vc->version) {
                struct ofpbuf reply;
                ofpbuf_init(&reply, len);
                ofp_encode_echo(&reply, vc->version, OFPT_ECHO_REPLY, ofp_get_be32(msg->data + 4),
                                msg->data + 8, len - 8);
                vconn_send(vc, &reply);
                ofpbuf_uninit(&reply);
                continue;
            }
            return;
        }
        uint8_t *p = ofpbuf_put_uninit(&vc->rx, 65536);
        ssize_t n = stream_recv(vc->stream, p, 65536);
        vc->rx.size -= 65536 - (n > 0 ? (size_t) n : 0);
        if (n == -EAGAIN) {
            vconn_poll(vc, POLLIN);
        } else if (n == 0) {
            uvs_fatal(0, "%s: the switch closed the connection", vc->target);
        } else if (n < 0) {
            uvs_fatal((int) -n, "%s: receive failed", vc->target);
        }
    }
}

/* Reports the OpenFlow error in MSG, received for a request described by WHAT, and exits. */
void
report_error(const struct vconn *vc, const struct ofpbuf *msg, const char *what)
{
    struct ofperr e, err;
    const uint8_t *data;
    size_t data_len;

    if (ofp_decode_error(msg->data, msg->size, &e, &data, &data_len, &err)) {
        uvs_fatal(0, "%s: received a malformed OFPT_ERROR", vc->target);
    }
    if (e.type == OFPET_HELLO_FAILED) {
        uvs_fatal(0, "%s: OFPT_ERROR: %s %s (%s: %.*s)", vc->target, ofperr_type_name(e.type),
                  ofperr_code_name(e), what, (int) data_len, (const char *) data);
    }
    uvs_fatal(0, "%s: OFPT_ERROR: %s %s (%s rejected: %s)", vc->target,
              ofperr_type_name(e.type), ofperr_code_name(e), what, ofperr_description(e));
}

/* Connects to TARGET offering the versions in VERSIONS (restricted by -O). */
static void
vconn_open__(const char *target, uint32_t versions, struct vconn *vc)
{
    struct ofpbuf b;
    uint32_t peer_versions;
    struct ofperr err;

    memset(vc, 0, sizeof *vc);
    vc->target = target;
    vc->name = switch_stream_name(target);
    if (!strncmp(vc->name, "ssl:", 4) && !stream_ssl_is_configured()) {
        uvs_fatal(0, "%s: an ssl: target needs --private-key, --certificate and --ca-cert "
                  "(PEM files that load, the key matching the certificate)", target);
    }
    int error = stream_open_block(vc->name, timeout_ms, &vc->stream);
    if (error) {
        if (strchr(target, ':')) {
            uvs_fatal(0, "%s: cannot connect to %s: %s (is uvs-vswitchd running?)", target,
                      vc->name, strerror(-error));
        }
        uvs_fatal(0, "%s: cannot connect to %s: %s (is uvs-vswitchd running and does bridge %s "
                  "exist?)", target, vc->name, strerror(-error), target);
    }
    ofpbuf_init(&vc->rx, 65536);

    ofpbuf_init(&b, 64);
    ofp_encode_hello(&b, versions, alloc_xid());
    vconn_send(vc, &b);
    vconn_recv(vc, &b);
    if (b.data[1] == OFPT_ERROR) {
        report_error(vc, &b, "version negotiation failed");
    }
    if (b.data[1] != OFPT_HELLO) {
        uvs_fatal(0, "%s: expected HELLO from the switch, received %s", target,
                  ofp_type_name(b.data[1]));
    }
    if (ofp_decode_hello(b.data, b.size, &peer_versions, &err)) {
        uvs_fatal(0, "%s: received a malformed HELLO", target);
    }
    vc->version = ofp_negotiate_version(versions, peer_versions);
    if (!vc->version) {
        uvs_fatal(0, "%s: version negotiation failed: the switch supports none of the versions "
                  "offered (0x%x; see -O and the bridge's protocols column)", target, versions);
    }
    ofpbuf_uninit(&b);
}

void
vconn_open(const char *target, struct vconn *vc)
{
    vconn_open__(target, allowed_versions, vc);
}

void
vconn_open_ports(const char *target, struct vconn *vc)
{
    uint32_t v = allowed_versions & OFCTL_PORT_VERSIONS;
    vconn_open__(target, v ? v : allowed_versions, vc);
}

void
vconn_open_bundle(const char *target, struct vconn *vc)
{
    uint32_t versions = allowed_versions & ~(OFP_VERSION_BIT(OFP14_VERSION) - 1);
    if (!versions) {
        uvs_fatal(0, "%s: --bundle needs OpenFlow 1.4 or later, which -O excludes", target);
    }
    vconn_open__(target, versions, vc);
}

void
vconn_close(struct vconn *vc)
{
    stream_close(vc->stream);
    ofpbuf_uninit(&vc->rx);
    free(vc->name);
}

/* Receives the reply with XID (skipping others), reporting an error reply for WHAT. */
void
recv_reply(struct vconn *vc, uint32_t xid, struct ofpbuf *msg, const char *what)
{
    for (;;) {
        vconn_recv(vc, msg);
        if (ofp_get_be32(msg->data + 4) != xid) {
            continue;
        }
        if (msg->data[1] == OFPT_ERROR) {
            report_error(vc, msg, what);
        }
        return;
    }
}


void
multipart_transact(struct vconn *vc, struct ofpbuf *request, uint32_t xid, const char *what,
                   multipart_cb *cb, void *aux)
{
    struct ofpbuf msg;
    struct ofp_multipart mp;
    struct ofperr err;

    vconn_send(vc, request);
    ofpbuf_init(&msg, 65536);
    do {
        recv_reply(vc, xid, &msg, what);
        if (msg.data[1] != OFPT_MULTIPART_REPLY || ofp_decode_multipart(msg.data, msg.size, &mp,
                                                                         &err)) {
            uvs_fatal(0, "%s: unexpected reply %s to %s", vc->target, ofp_type_name(msg.data[1]),
                      what);
        }
        cb(vc, &msg, &mp, aux);
    } while (mp.flags & OFPMPF_REPLY_MORE);
    ofpbuf_uninit(&msg);
}

void
decode_failed(const struct vconn *vc, const char *what, struct ofperr err)
{
    uvs_fatal(0, "%s: could not decode the %s (%s)", vc->target, what, ofperr_code_name(err));
}

void
transact_with_barrier(struct vconn *vc, struct ofpbuf *b, const char *what)
{
    uint32_t barrier_xid = alloc_xid();

    ofp_encode_simple(b, vc->version, OFPT_BARRIER_REQUEST, barrier_xid);
    vconn_send(vc, b);
    for (;;) {
        vconn_recv(vc, b);
        if (b->data[1] == OFPT_ERROR) {
            report_error(vc, b, what);
        }
        if (b->data[1] == OFPT_BARRIER_REPLY && ofp_get_be32(b->data + 4) == barrier_xid) {
            return;
        }
    }
}

/* ---------------------------------------------------------------------------------------------
 * Port names.
 * ------------------------------------------------------------------------------------------- */

static void
collect_ports_cb(struct vconn *vc, const struct ofpbuf *msg, const struct ofp_multipart *mp,
                 void *aux)
{
    struct ofp_port_map *map = aux;
    const uint8_t *p = mp->body;
    size_t left = mp->body_len;
    struct ofp_phy_port port;
    struct ofperr err;
    int error;

    while (!(error = ofp_pull_port(&p, &left, &port, &err))) {
        ofp_port_map_add(map, port.port_no, port.name);
    }
    if (error != -ENOENT) {
        decode_failed(vc, "port description reply", err);
    }
}

/* The switch's port names, fetched once over a separate connection (like ovs-ofctl). */
struct ofp_port_map *
get_port_map(const char *target)
{
    static struct ofp_port_map map;
    static bool fetched;

    if (!fetched) {
        struct vconn vc;
        struct ofpbuf req;

        fetched = true;
        ofp_port_map_init(&map);
        vconn_open_ports(target, &vc);
        ofpbuf_init(&req, 16);
        uint32_t xid = alloc_xid();
        ofp_encode_multipart_request(&req, vc.version, xid, OFPMP_PORT_DESC, NULL, 0);
        multipart_transact(&vc, &req, xid, "port description request", collect_ports_cb, &map);
        ofpbuf_uninit(&req);
        vconn_close(&vc);
    }
    return &map;
}

/* ofp_port_name_cb: resolves names through the switch's port list, fetched on first use. */
bool
lookup_port_name(void *aux, const char *name, uint32_t *port)
{
    struct port_lookup *pl = aux;
    return ofp_port_map_get_number(get_port_map(pl->target), name, port);
}

/* Port names for output, or NULL when names are not shown. Called when the first reply is
 * printed, so the name fetch happens after the main request, in ovs-ofctl's order. */
const struct ofp_port_map *
ports_to_show(const char *target)
{
    return should_show_names() ? get_port_map(target) : NULL;
}

/* ---------------------------------------------------------------------------------------------
 * Commands: show, dump-desc, dump-tables, dump-ports, dump-ports-desc.
 * ------------------------------------------------------------------------------------------- */

struct print_aux {
    const char *target;
    json_t *json;               /* --format json: the array to fill. */
};

static void
print_port_desc_cb(struct vconn *vc, const struct ofpbuf *msg, const struct ofp_multipart *mp,
                   void *aux)
{
    struct ofp_phy_port *ports = NULL;
    size_t n = 0;
    const uint8_t *p = mp->body;
    size_t left = mp->body_len;
    struct ofp_phy_port port;
    struct ofperr err;
    int error;

    while (!(error = ofp_pull_port(&p, &left, &port, &err))) {
        ports = xrealloc(ports, (n + 1) * sizeof *ports);
        ports[n++] = port;
    }
    if (error != -ENOENT) {
        decode_failed(vc, "port description reply", err);
    }
    if (aux) {                  /* --format json: AUX is the array to fill. */
        for (size_t i = 0; i < n; i++) {
            json_array_append_new(aux, ofctl_json_port_desc(&ports[i]));
        }
        free(ports);
        return;
    }
    struct ds s = DS_EMPTY_INITIALIZER;
    ofp_format_port_desc_reply(&s, msg->data[0], ofp_get_be32(msg->data + 4), mp->flags,
                               ports, n);
    fputs(ds_cstr(&s), stdout);
    ds_destroy(&s);
    free(ports);
}

/* Prints the port descriptions, or with JSON appends them to that array. */
static void
dump_port_desc(struct vconn *vc, json_t *json)
{
    struct ofpbuf req;
    uint32_t xid = alloc_xid();

    ofpbuf_init(&req, 16);
    ofp_encode_multipart_request(&req, vc->version, xid, OFPMP_PORT_DESC, NULL, 0);
    multipart_transact(vc, &req, xid, "port description request", print_port_desc_cb, json);
    ofpbuf_uninit(&req);
}

static void
cmd_show(int argc, char *argv[])
{
    struct vconn vc;
    struct ofpbuf b, reply;
    struct ofp_switch_features f;
    struct ofp_switch_config c;
    struct ofperr err;
    struct ds s = DS_EMPTY_INITIALIZER;

    vconn_open_ports(argv[1], &vc);
    ofpbuf_init(&b, 16);
    ofpbuf_init(&reply, 256);
    uint32_t xid = alloc_xid();
    ofp_encode_simple(&b, vc.version, OFPT_FEATURES_REQUEST, xid);
    vconn_send(&vc, &b);
    recv_reply(&vc, xid, &reply, "features request");
    if (reply.data[1] != OFPT_FEATURES_REPLY
        || ofp_decode_features_reply(reply.data, reply.size, &f, &err)) {
        uvs_fatal(0, "%s: bad reply to the features request", vc.target);
    }
    json_t *json = NULL;
    if (ofctl_json) {
        json = ofctl_json_features(reply.data[0], &f);
        for (size_t i = 0; i < f.n_ports; i++) {
            json_array_append_new(json_object_get(json, "ports"),
                                  ofctl_json_port_desc(&f.ports[i]));
        }
    } else {
        ofp_format_features_reply(&s, reply.data[0], xid, &f);
        fputs(ds_cstr(&s), stdout);
        ds_clear(&s);
    }

    /* OpenFlow 1.3 moved the ports out of the features reply. */
    if (!json) {
        dump_port_desc(&vc, NULL);
    } else if (!f.n_ports) {    /* OpenFlow 1.0 lists them in the features reply. */
        dump_port_desc(&vc, json_object_get(json, "ports"));
    }
    vconn_close(&vc);

    /* ovs-ofctl asks for the configuration over a new connection. */
    vconn_open_ports(argv[1], &vc);
    xid = alloc_xid();
    ofpbuf_clear(&b);
    ofp_encode_simple(&b, vc.version, OFPT_GET_CONFIG_REQUEST, xid);
    vconn_send(&vc, &b);
    recv_reply(&vc, xid, &reply, "get-config request");
    if (reply.data[1] != OFPT_GET_CONFIG_REPLY
        || ofp_decode_switch_config(reply.data, reply.size, &c, &err)) {
        uvs_fatal(0, "%s: bad reply to the get-config request", vc.target);
    }
    if (json) {
        ofctl_json_set_config(json, &c);
        ofctl_json_print(json);
    } else {
        ofp_format_switch_config(&s, reply.data[0], OFPT_GET_CONFIG_REPLY, xid, &c);
        fputs(ds_cstr(&s), stdout);
    }
    vconn_close(&vc);
    ds_destroy(&s);
    ofpbuf_uninit(&b);
    ofpbuf_uninit(&reply);
}

static void
cmd_dump_ports_desc(int argc, char *argv[])
{
    struct vconn vc;

    json_t *json = ofctl_json ? json_array() : NULL;

    vconn_open_ports(argv[1], &vc);
    dump_port_desc(&vc, json);
    vconn_close(&vc);
    if (json) {
        ofctl_json_print(json);
    }
}

static void
print_desc_cb(struct vconn *vc, const struct ofpbuf *msg, const struct ofp_multipart *mp,
              void *aux)
{
    struct ofp_desc d;
    struct ofperr err;

    if (ofp_decode_desc_reply(mp->body, mp->body_len, &d, &err)) {
        decode_failed(vc, "description reply", err);
    }
    if (ofctl_json) {
        ofctl_json_print(ofctl_json_desc(&d));
        return;
    }
    struct ds s = DS_EMPTY_INITIALIZER;
    ofp_format_desc_reply(&s, msg->data[0], ofp_get_be32(msg->data + 4), mp->flags, &d);
    fputs(ds_cstr(&s), stdout);
    ds_destroy(&s);
}

static void
cmd_dump_desc(int argc, char *argv[])
{
    struct vconn vc;
    struct ofpbuf req;

    vconn_open(argv[1], &vc);
    uint32_t xid = alloc_xid();
    ofpbuf_init(&req, 16);
    ofp_encode_multipart_request(&req, vc.version, xid, OFPMP_DESC, NULL, 0);
    multipart_transact(&vc, &req, xid, "description request", print_desc_cb, NULL);
    ofpbuf_uninit(&req);
    vconn_close(&vc);
}

static void
print_tables_cb(struct vconn *vc, const struct ofpbuf *msg, const struct ofp_multipart *mp,
                void *aux)
{
    struct ofp_table_stats *ts = NULL;
    size_t n = 0;
    const uint8_t *p = mp->body;
    size_t left = mp->body_len;
    struct ofp_table_stats t;
    struct ofperr err;
    int error;

    while (!(error = ofp_pull_table_stats(&p, &left, &t, &err))) {
        ts = xrealloc(ts, (n + 1) * sizeof *ts);
        ts[n++] = t;
    }
    if (error != -ENOENT) {
        decode_failed(vc, "table statistics reply", err);
    }
    if (aux) {
        for (size_t i = 0; i < n; i++) {
            json_array_append_new(aux, ofctl_json_table_stats(&ts[i]));
        }
        free(ts);
        return;
    }
    struct ds s = DS_EMPTY_INITIALIZER;
    ofp_format_table_stats_reply(&s, msg->data[0], ofp_get_be32(msg->data + 4), mp->flags,
                                 ts, n);
    fputs(ds_cstr(&s), stdout);
    ds_destroy(&s);
    free(ts);
}

static void
cmd_dump_tables(int argc, char *argv[])
{
    json_t *json = ofctl_json ? json_array() : NULL;
    struct vconn vc;
    struct ofpbuf req;

    vconn_open(argv[1], &vc);
    uint32_t xid = alloc_xid();
    ofpbuf_init(&req, 16);
    ofp_encode_multipart_request(&req, vc.version, xid, OFPMP_TABLE, NULL, 0);
    multipart_transact(&vc, &req, xid, "table statistics request", print_tables_cb, json);
    ofpbuf_uninit(&req);
    vconn_close(&vc);
    if (json) {
        ofctl_json_print(json);
    }
}

struct table_features_aux {
    json_t *json;                        /* --format json: the array to fill. */
    struct ofp_table_features_fmt fmt;   /* Text: the folding state across replies. */
};

static void
print_table_features_cb(struct vconn *vc, const struct ofpbuf *msg,
                        const struct ofp_multipart *mp, void *aux)
{
    const uint8_t *p = mp->body;
    size_t left = mp->body_len;
    struct ofp_table_features_entry *e = xmalloc(sizeof *e);
    struct ofperr err;
    struct ds s = DS_EMPTY_INITIALIZER;
    int error;

    struct table_features_aux *tfa = aux;

    /* Like ovs-ofctl 3.1, no reply header: the tables, runs of equal ones folded. */
    tfa->fmt.version = msg->data[0];
    while (!(error = ofp_pull_table_features(&p, &left, e, &err))) {
        if (tfa->json) {
            json_array_append_new(tfa->json, ofctl_json_table_features(e));
        } else {
            ofp_table_features_fmt_add(&s, &tfa->fmt, e);
        }
    }
    fputs(ds_cstr(&s), stdout);
    ds_destroy(&s);
    free(e);
    if (error != -ENOENT) {
        decode_failed(vc, "table features reply", err);
    }
}

static void
cmd_dump_table_features(int argc, char *argv[])
{
    struct table_features_aux *tfa = xmalloc(sizeof *tfa);
    struct vconn vc;
    struct ofpbuf req;

    tfa->json = ofctl_json ? json_array() : NULL;
    ofp_table_features_fmt_init(&tfa->fmt);
    vconn_open(argv[1], &vc);
    uint32_t xid = alloc_xid();
    ofpbuf_init(&req, 16);
    ofp_encode_multipart_request(&req, vc.version, xid, OFPMP_TABLE_FEATURES, NULL, 0);
    multipart_transact(&vc, &req, xid, "table features request", print_table_features_cb,
                       tfa);
    ofpbuf_uninit(&req);
    vconn_close(&vc);
    if (tfa->json) {
        ofctl_json_print(tfa->json);
    } else {
        struct ds s = DS_EMPTY_INITIALIZER;
        ofp_table_features_fmt_finish(&s, &tfa->fmt);
        fputs(ds_cstr(&s), stdout);
        ds_destroy(&s);
    }
    free(tfa);
}

static void
print_ports_cb(struct vconn *vc, const struct ofpbuf *msg, const struct ofp_multipart *mp,
               void *aux_)
{
    const struct print_aux *aux = aux_;
    struct ofp_port_stats *ps = NULL;
    size_t n = 0;
    const uint8_t *p = mp->body;
    size_t left = mp->body_len;
    struct ofp_port_stats st;
    struct ofperr err;
    int error;

    while (!(error = ofp_pull_port_stats(&p, &left, &st, &err))) {
        ps = xrealloc(ps, (n + 1) * sizeof *ps);
        ps[n++] = st;
    }
    if (error != -ENOENT) {
        decode_failed(vc, "port statistics reply", err);
    }
    if (aux->json) {
        for (size_t i = 0; i < n; i++) {
            json_array_append_new(aux->json, ofctl_json_port_stats(&ps[i],
                                                                   get_port_map(aux->target)));
        }
        free(ps);
        return;
    }
    struct ds s = DS_EMPTY_INITIALIZER;
    ofp_format_port_stats_reply(&s, msg->data[0], ofp_get_be32(msg->data + 4), mp->flags, ps, n,
                                ports_to_show(aux->target));
    fputs(ds_cstr(&s), stdout);
    ds_destroy(&s);
    free(ps);
}

static void
cmd_dump_ports(int argc, char *argv[])
{
    struct port_lookup pl = { argv[1] };
    struct print_aux aux = { argv[1], ofctl_json ? json_array() : NULL };
    uint32_t port_no = OFPP_ANY;
    struct vconn vc;
    struct ofpbuf req;

    if (argc > 2) {
        char *error = ofp_parse_port(argv[2], "dump-ports", lookup_port_name, &pl, &port_no);
        if (error) {
            const struct ofp_port_map *map = get_port_map(argv[1]);
            struct ds s = DS_EMPTY_INITIALIZER;
            for (size_t i = 0; i < map->n; i++) {
                ds_put_cstr(&s, i ? ", " : "");
                ofp_format_port(&s, map->ports[i].port, NULL);
                ds_put_format(&s, "(%s)", map->ports[i].name);
            }
            uvs_fatal(0, "%s: unknown port \"%s\" (the switch has %s)", argv[1], argv[2],
                      map->n ? ds_cstr(&s) : "no ports");
        }
    }
    vconn_open_ports(argv[1], &vc);
    uint32_t xid = alloc_xid();
    ofpbuf_init(&req, 32);
    ofp_encode_port_stats_request(&req, vc.version, xid, port_no);
    multipart_transact(&vc, &req, xid, "port statistics request", print_ports_cb, &aux);
    ofpbuf_uninit(&req);
    vconn_close(&vc);
    if (aux.json) {
        ofctl_json_print(aux.json);
    }
}

/* ---------------------------------------------------------------------------------------------
 * Commands: dump-flows, dump-aggregate.
 * ------------------------------------------------------------------------------------------- */

struct flows_aux {
    const char *target;
    bool header;          /* Print each reply's header line (ovs-ofctl does without names). */
    struct ofp_flow_stats *sorted;   /* --sort/--rsort: every entry, printed at the end. */
    size_t n_sorted;
};

/* Compares two flows for --sort/--rsort (ascending). With a field, flows that do not match on
 * it sort after those that do, whatever the direction (as ovs-ofctl does). */
static int
compare_flows(const void *a_, const void *b_)
{
    const struct ofp_flow_stats *a = a_, *b = b_;
    const struct ofp_field *f = sort_field ? ofp_field_by_name(sort_field) : NULL;
    int c = 0;

    if (f) {
        static const uint8_t zeros[16];
        uint8_t av[16], bv[16], am[16], bm[16];
        ofp_field_get(f, &a->match.wc, true, am);
        ofp_field_get(f, &b->match.wc, true, bm);
        bool ha = memcmp(am, zeros, f->len) != 0;
        bool hb = memcmp(bm, zeros, f->len) != 0;
        if (ha != hb) {
            return ha ? -1 : 1;
        }
        ofp_field_get(f, &a->match.flow, false, av);
        ofp_field_get(f, &b->match.flow, false, bv);
        c = memcmp(av, bv, f->len) * sort_dir;
    } else {
        c = ((int) a->priority - (int) b->priority) * sort_dir;
    }
    if (!c) {
        c = (int) a->table_id - (int) b->table_id;
    }
    return c;
}

static void
print_flows_cb(struct vconn *vc, const struct ofpbuf *msg, const struct ofp_multipart *mp,
               void *aux_)
{
    const struct flows_aux *aux = aux_;
    const uint8_t *p = mp->body;
    size_t left = mp->body_len;
    struct ofp_flow_stats fs;
    struct ofperr err;
    struct ds s = DS_EMPTY_INITIALIZER;
    int error;

    if (aux->header && !sort_dir && !ofctl_json) {
        ofp_format_mp_header(&s, "OFPST_FLOW reply", msg->data[0], ofp_get_be32(msg->data + 4),
                             mp->flags);
        ds_put_char(&s, '\n');
    }
    while (!(error = ofp_pull_flow_stats(&p, &left, &fs, &err))) {
        if (sort_dir || ofctl_json) {
            struct flows_aux *w = aux_;
            w->sorted = xrealloc(w->sorted, (w->n_sorted + 1) * sizeof *w->sorted);
            w->sorted[w->n_sorted++] = fs;     /* Takes over fs.ofpacts. */
            ofpacts_init(&fs.ofpacts);
            continue;
        }
        ofp_format_flow_stats(&s, &fs, ports_to_show(aux->target));
        ds_put_char(&s, '\n');
        ofpacts_destroy(&fs.ofpacts);
    }
    ofpacts_destroy(&fs.ofpacts);
    fputs(ds_cstr(&s), stdout);
    ds_destroy(&s);
    if (error != -ENOENT) {
        decode_failed(vc, "flow statistics reply", err);
    }
}

static void
print_aggregate_cb(struct vconn *vc, const struct ofpbuf *msg, const struct ofp_multipart *mp,
                   void *aux)
{
    struct ofp_aggregate_stats a;
    struct ofperr err;

    if (ofp_decode_aggregate_reply(mp->body, mp->body_len, &a, &err)) {
        decode_failed(vc, "aggregate statistics reply", err);
    }
    if (ofctl_json) {
        ofctl_json_print(ofctl_json_aggregate(&a));
        return;
    }
    struct ds s = DS_EMPTY_INITIALIZER;
    ofp_format_aggregate_reply(&s, msg->data[0], ofp_get_be32(msg->data + 4), mp->flags, &a);
    fputs(ds_cstr(&s), stdout);
    ds_destroy(&s);
}

static void
dump_flows__(int argc, char *argv[], bool aggregate)
{
    struct port_lookup pl = { argv[1] };
    struct ofp_flow_stats_request fsr;
    struct flows_aux aux;
    struct vconn vc;
    struct ofpbuf req;

    if (argc > 2) {
        /* Like ovs-ofctl, learn the port names (and table names, which uvs does not have: skip
         * their two xids) over separate connections before parsing a filter, so that the xids
         * printed below are the ones ovs-ofctl prints. */
        get_port_map(argv[1]);
        xid_seq += 2;
    }
    char *error = ofp_parse_flow_stats_request(argc > 2 ? argv[2] : NULL, aggregate,
                                               lookup_port_name, &pl, &fsr);
    if (error) {
        uvs_fatal(0, "%s", error);
    }
    memset(&aux, 0, sizeof aux);
    aux.target = argv[1];
    aux.header = !should_show_names();
    if (sort_field && strcmp(sort_field, "priority") && !ofp_field_by_name(sort_field)) {
        uvs_fatal(0, "--sort=%s: unknown field (use priority or a match field such as "
                  "in_port, nw_dst)", sort_field);
    }

    vconn_open(argv[1], &vc);
    uint32_t xid = alloc_xid();
    ofpbuf_init(&req, 128);
    ofp_encode_flow_stats_request(&req, vc.version, xid, &fsr);
    multipart_transact(&vc, &req, xid, aggregate ? "aggregate statistics request"
                       : "flow statistics request",
                       aggregate ? print_aggregate_cb : print_flows_cb, &aux);
    if (ofctl_json && !aggregate) {
        /* Stable JSON: one object per flow, match and actions in the flow syntax. */
        if (sort_dir) {
            qsort(aux.sorted, aux.n_sorted, sizeof *aux.sorted, compare_flows);
        }
        json_t *arr = json_array();
        for (size_t i = 0; i < aux.n_sorted; i++) {
            const struct ofp_flow_stats *fs = &aux.sorted[i];
            struct ds m = DS_EMPTY_INITIALIZER, a = DS_EMPTY_INITIALIZER;
            char cookie[24];
            snprintf(cookie, sizeof cookie, "0x%"PRIx64, fs->cookie);
            ofp_format_match(&m, &fs->match, OFP_DEFAULT_PRIORITY, ports_to_show(aux.target));
            ofp_format_actions(&a, &fs->ofpacts, ports_to_show(aux.target));
            json_array_append_new(arr, json_pack(
                "{s:s, s:f, s:i, s:I, s:I, s:i, s:i, s:i, s:s, s:s}",
                "cookie", cookie,
                "duration", fs->duration_sec + fs->duration_nsec / 1e9,
                "table", fs->table_id, "n_packets", (json_int_t) fs->packet_count,
                "n_bytes", (json_int_t) fs->byte_count, "priority", fs->priority,
                "idle_timeout", fs->idle_timeout, "hard_timeout", fs->hard_timeout,
                "match", ds_cstr(&m), "actions", ds_cstr(&a)));
            ds_destroy(&m);
            ds_destroy(&a);
            ofpacts_destroy(&aux.sorted[i].ofpacts);
        }
        char *text = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        puts(text);
        free(text);
        json_decref(arr);
        free(aux.sorted);
    } else if (sort_dir && !aggregate) {
        struct ds out = DS_EMPTY_INITIALIZER;
        qsort(aux.sorted, aux.n_sorted, sizeof *aux.sorted, compare_flows);
        for (size_t i = 0; i < aux.n_sorted; i++) {
            ofp_format_flow_stats(&out, &aux.sorted[i], ports_to_show(aux.target));
            ds_put_char(&out, '\n');
            ofpacts_destroy(&aux.sorted[i].ofpacts);
        }
        fputs(ds_cstr(&out), stdout);
        ds_destroy(&out);
        free(aux.sorted);
    }
    ofpbuf_uninit(&req);
    vconn_close(&vc);
}

static void
cmd_dump_flows(int argc, char *argv[])
{
    dump_flows__(argc, argv, false);
}

static void
cmd_dump_aggregate(int argc, char *argv[])
{
    dump_flows__(argc, argv, true);
}

/* ---------------------------------------------------------------------------------------------
 * Commands: mod-port.
 * ------------------------------------------------------------------------------------------- */

/* mod-port SWITCH PORT ACTION (ovs-ofctl's: up, down, receive, no-receive, forward, no-forward,
 * flood, no-flood, packet-in, no-packet-in). */
static void
cmd_mod_port(int argc, char *argv[])
{
    static const struct {
        const char *name;
        uint32_t bit;
        bool set;
    } acts[] = {
        { "up", OFPPC_PORT_DOWN, false }, { "down", OFPPC_PORT_DOWN, true },
        { "receive", OFPPC_NO_RECV, false }, { "no-receive", OFPPC_NO_RECV, true },
        { "forward", OFPPC_NO_FWD, false }, { "no-forward", OFPPC_NO_FWD, true },
        { "flood", OFPPC_NO_FLOOD, false }, { "no-flood", OFPPC_NO_FLOOD, true },
        { "packet-in", OFPPC_NO_PACKET_IN, false },
        { "no-packet-in", OFPPC_NO_PACKET_IN, true },
    };
    struct port_lookup pl = { argv[1] };
    struct ofp_port_mod pm;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(acts); i++) {
        if (!strcasecmp(argv[3], acts[i].name)) {
            break;
        }
    }
    if (i == ARRAY_SIZE(acts)) {
        uvs_fatal(0, "mod-port: unknown action \"%s\" (use up, down, receive, no-receive, "
                  "forward, no-forward, flood, no-flood, packet-in or no-packet-in)", argv[3]);
    }
    get_port_map(argv[1]);
    memset(&pm, 0, sizeof pm);
    char *error = ofp_parse_port(argv[2], "mod-port", lookup_port_name, &pl, &pm.port_no);
    if (error) {
        uvs_fatal(0, "%s", error);
    }
    pm.mask = acts[i].bit;
    pm.config = acts[i].set ? acts[i].bit : 0;

    struct vconn vc;
    struct ofpbuf b;
    vconn_open_ports(argv[1], &vc);
    ofpbuf_init(&b, 128);
    uint32_t xid = alloc_xid();
    ofp_encode_port_mod(&b, vc.version, xid, &pm);
    transact_with_barrier(&vc, &b, "port-mod");
    ofpbuf_uninit(&b);
    vconn_close(&vc);
}

/* ---------------------------------------------------------------------------------------------
 * Main.
 * ------------------------------------------------------------------------------------------- */

struct command {
    const char *name;
    int min_args, max_args;    /* After the command name, including SWITCH. */
    void (*handler)(int argc, char *argv[]);
    const char *usage;
};

static const struct command commands[] = {
    { "show", 1, 1, cmd_show, "SWITCH" },
    { "dump-desc", 1, 1, cmd_dump_desc, "SWITCH" },
    { "dump-tables", 1, 1, cmd_dump_tables, "SWITCH" },
    { "dump-ports", 1, 2, cmd_dump_ports, "SWITCH [PORT]" },
    { "dump-ports-desc", 1, 1, cmd_dump_ports_desc, "SWITCH" },
    { "dump-flows", 1, 2, cmd_dump_flows, "SWITCH [FLOW]" },
    { "dump-aggregate", 1, 2, cmd_dump_aggregate, "SWITCH [FLOW]" },
    { "add-flow", 2, 2, cmd_add_flow, "SWITCH FLOW" },
    { "add-flows", 2, 2, cmd_add_flows, "SWITCH FILE" },
    { "mod-flows", 2, 2, cmd_mod_flows, "SWITCH FLOW" },
    { "del-flows", 1, 2, cmd_del_flows, "SWITCH [FLOW]" },
    { "replace-flows", 2, 2, cmd_replace_flows, "SWITCH FILE" },
    { "diff-flows", 2, 2, cmd_diff_flows, "SWITCH FILE" },
    { "packet-out", 2, INT_MAX, cmd_packet_out, "SWITCH IN_PORT ACTIONS PACKET..." },
    { "monitor", 1, 2, cmd_monitor, "SWITCH [MISS_LEN]" },
    { "mod-port", 3, 3, cmd_mod_port, "SWITCH PORT up|down|no-forward|no-flood|..." },
    { "add-group", 2, 2, cmd_add_group, "SWITCH GROUP" },
    { "mod-group", 2, 2, cmd_mod_group, "SWITCH GROUP" },
    { "del-groups", 1, 2, cmd_del_groups, "SWITCH [group_id=N]" },
    { "dump-groups", 1, 1, cmd_dump_groups, "SWITCH" },
    { "add-groups", 2, 2, cmd_add_groups, "SWITCH FILE" },
    { "dump-group-stats", 1, 2, cmd_dump_group_stats, "SWITCH [group_id=N]" },
    { "dump-group-features", 1, 1, cmd_dump_group_features, "SWITCH" },
    { "dump-table-features", 1, 1, cmd_dump_table_features, "SWITCH" },
    { "snoop", 1, 1, cmd_snoop, "SWITCH" },
    { "bundle", 2, 2, cmd_bundle, "SWITCH FILE" },
    { "add-meter", 2, 2, cmd_add_meter, "SWITCH METER" },
    { "mod-meter", 2, 2, cmd_mod_meter, "SWITCH METER" },
    { "del-meters", 1, 2, cmd_del_meters, "SWITCH [meter=N]" },
    { "dump-meters", 1, 2, cmd_dump_meters, "SWITCH [meter=N]" },
    { "meter-stats", 1, 2, cmd_meter_stats, "SWITCH [meter=N]" },
    { "meter-features", 1, 1, cmd_meter_features, "SWITCH" },
};

static void __attribute__((noreturn))
usage(void)
{
    printf("%s: administer a uvs bridge over OpenFlow\n"
           "usage: %s [OPTIONS] COMMAND SWITCH [ARG...]\n"
           "\nFor SWITCH give a bridge name (connects to unix:%s/BRIDGE.mgmt), unix:PATH,\n"
           "tcp:IP:PORT or ssl:IP:PORT (a ptcp:/pssl: controller target of the bridge).\n"
           "\nCommands:\n"
           "  show SWITCH                 show switch features, ports and configuration\n"
           "  dump-desc SWITCH            print the switch description\n"
           "  dump-tables SWITCH          print table statistics\n"
           "  dump-ports SWITCH [PORT]    print port statistics\n"
           "  dump-ports-desc SWITCH      print port descriptions\n"
           "  dump-flows SWITCH [FLOW]    print the flows matching FLOW\n"
           "  dump-aggregate SWITCH [FLOW]  print aggregate statistics of matching flows\n"
           "  add-flow SWITCH FLOW        add a flow\n"
           "  add-flows SWITCH FILE       add the flows in FILE, one per line ('-' = stdin)\n"
           "  mod-flows SWITCH FLOW       change the actions of matching flows\n"
           "  del-flows SWITCH [FLOW]     delete matching flows (all without FLOW)\n"
           "  replace-flows SWITCH FILE   make the flows those of FILE (changing only what differs)\n"
           "  diff-flows SWITCH FILE      print -/+ the flows that differ from FILE (exit 2)\n"
           "  packet-out SWITCH IN_PORT ACTIONS PACKET...  send packets (hex) through ACTIONS\n"
           "  packet-out SWITCH \"in_port=P packet=HEX actions=A\"  (ovs-ofctl 3.x form)\n"
           "  monitor SWITCH [MISS_LEN]   print packet-ins, flow removals and port changes\n"
           "  add-group SWITCH GROUP      add a group (group_id=N,type=all,bucket=actions=...)\n"
           "  mod-group SWITCH GROUP      replace a group's type and buckets\n"
           "  add-groups SWITCH FILE      add the groups in FILE, one per line\n"
           "  del-groups SWITCH [group_id=N]  delete a group (all without an id)\n"
           "  dump-groups SWITCH          print the groups\n"
           "  dump-group-stats SWITCH [group_id=N]  print group statistics\n"
           "  dump-group-features SWITCH  print what groups the switch supports\n"
           "  dump-table-features SWITCH  print the tables' features\n"
           "  snoop SWITCH                print the OpenFlow traffic with the controllers\n"
           "  bundle SWITCH FILE          apply FILE's \"flow ...\" and \"group ...\" lines\n"
           "                              atomically (one OpenFlow 1.4 bundle)\n"
           "  add-meter SWITCH METER      add a meter (meter=N,pktps,burst,band=type=drop,rate=R,\n"
           "                              burst_size=B; kbps by default)\n"
           "  mod-meter SWITCH METER      replace a meter's flags and bands\n"
           "  del-meters SWITCH [meter=N]  delete a meter and its flows (all without an id)\n"
           "  dump-meters SWITCH [meter=N]  print meter configurations\n"
           "  meter-stats SWITCH [meter=N]  print meter statistics\n"
           "  meter-features SWITCH       print what meters the switch supports\n"
           "  mod-port SWITCH PORT ACTION  up, down, [no-]receive, [no-]forward, [no-]flood,\n"
           "                              [no-]packet-in\n"
           "\nFLOW uses the ovs-ofctl syntax, e.g. \"priority=100,in_port=1,ip,"
           "nw_dst=10.0.0.0/8,actions=output:2\".\n"
           "\nOptions:\n"
           "  -O, --protocols=VERSIONS    OpenFlow versions to offer (OpenFlow10,OpenFlow15,...;\n"
           "                              default: all, the highest common one is used)\n"
           "  --strict                    match priority and fields exactly (mod/del-flows)\n"
           "  --bundle                    flow and group commands in one atomic bundle (1.4+)\n"
           "  -p, --private-key=FILE      -c, --certificate=FILE  -C, --ca-cert=FILE  for ssl:\n"
           "  --sort[=FIELD], --rsort[=FIELD]  dump-flows sorted by FIELD (default: priority)\n"
           "  --format=json               dumps and show as JSON (stable keys)\n"
           "  --names, --no-names         show port names (default: when output is a terminal)\n"
           "  -t, --timeout=SECS          give up after SECS seconds\n"
           "  -h, --help                  show this help\n"
           "  -V, --version               show the version\n",
           program_name(), program_name(), uvs_rundir());
    exit(0);
}

static uint32_t
parse_protocols(const char *s)
{
    static const struct { const char *name; uint8_t version; } names[] = {
        { "OpenFlow10", OFP10_VERSION }, { "OpenFlow11", 0x02 }, { "OpenFlow12", 0x03 },
        { "OpenFlow13", OFP13_VERSION }, { "OpenFlow14", OFP14_VERSION },
        { "OpenFlow15", OFP15_VERSION },
    };
    char *copy = xstrdup(s), *save = NULL;
    uint32_t versions = 0;

    for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        size_t i;
        for (i = 0; i < ARRAY_SIZE(names); i++) {
            if (!strcasecmp(tok, names[i].name)) {
                versions |= OFP_VERSION_BIT(names[i].version);
                break;
            }
        }
        if (i == ARRAY_SIZE(names)) {
            uvs_fatal(0, "-O %s: unknown OpenFlow version \"%s\" (use OpenFlow10, OpenFlow13, "
                      "OpenFlow14 or OpenFlow15)", s, tok);
        }
    }
    free(copy);
    if (!(versions & OFCTL_VERSIONS)) {
        struct ds d = DS_EMPTY_INITIALIZER;
        for (uint8_t v = 1; v < 32; v++) {
            if (OFCTL_VERSIONS & OFP_VERSION_BIT(v)) {
                ds_put_format(&d, "%s%s", d.len ? ", " : "", ofp_version_to_string(v));
            }
        }
        uvs_fatal(0, "-O %s: uvs-ofctl speaks %s only", s, ds_cstr(&d));
    }
    return versions & OFCTL_VERSIONS;
}

int
main(int argc, char *argv[])
{
    enum { OPT_NAMES = 256, OPT_NO_NAMES, OPT_STRICT, OPT_SORT, OPT_RSORT, OPT_FORMAT,
           OPT_BUNDLE };
    const char *private_key = NULL, *certificate = NULL, *ca_cert = NULL;
    static const struct option long_options[] = {
        { "protocols", required_argument, NULL, 'O' },
        { "names", no_argument, NULL, OPT_NAMES },
        { "no-names", no_argument, NULL, OPT_NO_NAMES },
        { "strict", no_argument, NULL, OPT_STRICT },
        { "bundle", no_argument, NULL, OPT_BUNDLE },
        { "private-key", required_argument, NULL, 'p' },
        { "certificate", required_argument, NULL, 'c' },
        { "ca-cert", required_argument, NULL, 'C' },
        { "sort", optional_argument, NULL, OPT_SORT },
        { "rsort", optional_argument, NULL, OPT_RSORT },
        { "format", required_argument, NULL, OPT_FORMAT },
        { "timeout", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };

    set_program_name(argv[0]);
    for (;;) {
        uvs_getopt_quiet();
        int c = getopt_long(argc, argv, "O:t:p:c:C:hV", long_options, NULL);
        uint64_t secs;
        if (c == -1) {
            break;
        }
        switch (c) {
        case 'O':
            allowed_versions = parse_protocols(optarg);
            break;
        case OPT_NAMES:
            use_names = 1;
            break;
        case OPT_NO_NAMES:
            use_names = 0;
            break;
        case OPT_STRICT:
            ofctl_strict = true;
            break;
        case OPT_BUNDLE:
            ofctl_bundle = true;
            break;
        case 'p':
            private_key = optarg;
            break;
        case 'c':
            certificate = optarg;
            break;
        case 'C':
            ca_cert = optarg;
            break;
        case OPT_FORMAT:
            if (!strcmp(optarg, "json")) {
                ofctl_json = true;
            } else if (strcmp(optarg, "text")) {
                uvs_fatal(0, "--format=%s: unknown format (use text or json)", optarg);
            }
            break;
        case OPT_SORT:
        case OPT_RSORT:
            sort_dir = c == OPT_SORT ? 1 : -1;
            sort_field = optarg;
            break;
        case 't':
            if (!str_to_uint64(optarg, 10, INT32_MAX / 1000, &secs) || !secs) {
                uvs_fatal(0, "--timeout: \"%s\" is not a positive number of seconds", optarg);
            }
            timeout_ms = secs * 1000;
            break;
        case 'h':
            usage();
        case 'V':
            printf("%s (uvs) %s\nOpenFlow versions 0x%x:0x%x\n", program_name(), UVS_VERSION,
                   __builtin_ctz(OFCTL_VERSIONS), 31 - __builtin_clz(OFCTL_VERSIONS));
            return 0;
        default:
            uvs_getopt_error(argc, argv, "O:t:p:c:C:hV");
        }
    }

    if (private_key || certificate || ca_cert) {
        stream_ssl_set_files(private_key, certificate, ca_cert);
    }

    int n_args = argc - optind;
    if (n_args < 1) {
        uvs_fatal(0, "missing command name; use --help for help");
    }
    const char *cmd_name = argv[optind];
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        const struct command *cmd = &commands[i];
        if (strcmp(cmd->name, cmd_name)) {
            continue;
        }
        if (n_args - 1 < cmd->min_args || n_args - 1 > cmd->max_args) {
            uvs_fatal(0, "%s: %s arguments (usage: %s %s %s)", cmd_name,
                      n_args - 1 < cmd->min_args ? "missing" : "too many", program_name(),
                      cmd_name, cmd->usage);
        }
        cmd->handler(n_args, argv + optind);
        return 0;
    }
    uvs_fatal(0, "unknown command '%s'; use --help for help", cmd_name);
}
