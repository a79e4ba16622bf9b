/*
 * uvs-ofctl — administer a uvs bridge over OpenFlow 1.3, with ovs-ofctl's commands, flow syntax
 * and output layouts:
 *
 *     uvs-ofctl [OPTIONS] COMMAND SWITCH [ARG...]
 *
 * SWITCH is a bridge name (connects to unix:RUNDIR/BRIDGE.mgmt) or an active stream name
 * ("unix:PATH", "tcp:IP:PORT"). Every command opens its own connection(s), as ovs-ofctl does:
 * port names are fetched over a separate connection when needed, so message xids in the output
 * match ovs-ofctl's.
 *
 * Flow-mods are followed by a barrier; an OpenFlow error from the switch is reported as
 *     uvs-ofctl: br0: OFPT_ERROR: OFPET_BAD_MATCH OFPBMC_BAD_PREREQ (flow-mod rejected: ...)
 * and the exit status is 1.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib/stream.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-parse.h"
#include "ofproto/ofp-print.h"
#include "uvs-config.h"

/* ---------------------------------------------------------------------------------------------
 * Options.
 * ------------------------------------------------------------------------------------------- */

static int use_names = -1;          /* --names (1), --no-names (0), default: if stdout is a tty */
static bool strict;                 /* --strict */
static int timeout_ms = -1;         /* --timeout, -1 = wait forever */
static uint32_t allowed_versions = OFP_SUPPORTED_VERSIONS;

static bool
should_show_names(void)
{
    return use_names > 0 || (use_names < 0 && isatty(STDOUT_FILENO));
}

/* ---------------------------------------------------------------------------------------------
 * A blocking OpenFlow connection.
 * ------------------------------------------------------------------------------------------- */

struct vconn {
    const char *target;        /* SWITCH as the user wrote it, for messages. */
    char *name;                /* Stream name. */
    struct stream *stream;
    struct ofpbuf rx;
    uint8_t version;
};

/* One counter for all connections, as ovs-ofctl (each HELLO takes one). */
static uint32_t xid_seq;

static uint32_t
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

static void
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

/* Receives one message into MSG (cleared first). Answers echo requests by itself. */
static void
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
static void __attribute__((noreturn))
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

static void
vconn_open(const char *target, struct vconn *vc)
{
    struct ofpbuf b;
    uint32_t peer_versions;
    struct ofperr err;

    memset(vc, 0, sizeof *vc);
    vc->target = target;
    vc->name = switch_stream_name(target);
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
    ofp_encode_hello(&b, allowed_versions, alloc_xid());
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
    vc->version = ofp_negotiate_version(allowed_versions, peer_versions);
    if (!vc->version) {
        uvs_fatal(0, "%s: version negotiation failed: the switch supports none of the versions "
                  "given with -O", target);
    }
    ofpbuf_uninit(&b);
}

static void
vconn_close(struct vconn *vc)
{
    stream_close(vc->stream);
    ofpbuf_uninit(&vc->rx);
    free(vc->name);
}

/* Receives the reply with XID (skipping others), reporting an error reply for WHAT. */
static void
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

/* Sends the multipart REQUEST (whose xid is XID) and calls CB for each reply message until the
 * last one. */
typedef void multipart_cb(struct vconn *, const struct ofpbuf *msg, const struct ofp_multipart *,
                          void *aux);

static void
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

static void
decode_failed(const struct vconn *vc, const char *what, struct ofperr err)
{
    uvs_fatal(0, "%s: could not decode the %s (%s)", vc->target, what, ofperr_code_name(err));
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
static struct ofp_port_map *
get_port_map(const char *target)
{
    static struct ofp_port_map map;
    static bool fetched;

    if (!fetched) {
        struct vconn vc;
        struct ofpbuf req;

        fetched = true;
        ofp_port_map_init(&map);
        vconn_open(target, &vc);
        ofpbuf_init(&req, 16);
        uint32_t xid = alloc_xid();
        ofp_encode_multipart_request(&req, vc.version, xid, OFPMP_PORT_DESC, NULL, 0);
        multipart_transact(&vc, &req, xid, "port description request", collect_ports_cb, &map);
        ofpbuf_uninit(&req);
        vconn_close(&vc);
    }
    return &map;
}

struct port_lookup {
    const char *target;
};

/* ofp_port_name_cb: resolves names through the switch's port list, fetched on first use. */
static bool
lookup_port_name(void *aux, const char *name, uint32_t *port)
{
    struct port_lookup *pl = aux;
    return ofp_port_map_get_number(get_port_map(pl->target), name, port);
}

/* Port names for output, or NULL when names are not shown. Called when the first reply is
 * printed, so the name fetch happens after the main request, in ovs-ofctl's order. */
static const struct ofp_port_map *
ports_to_show(const char *target)
{
    return should_show_names() ? get_port_map(target) : NULL;
}

/* ---------------------------------------------------------------------------------------------
 * Commands: show, dump-desc, dump-tables, dump-ports, dump-ports-desc.
 * ------------------------------------------------------------------------------------------- */

struct print_aux {
    const char *target;
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
    struct ds s = DS_EMPTY_INITIALIZER;
    ofp_format_port_desc_reply(&s, msg->data[0], ofp_get_be32(msg->data + 4), mp->flags,
                               ports, n);
    fputs(ds_cstr(&s), stdout);
    ds_destroy(&s);
    free(ports);
}

static void
dump_port_desc(struct vconn *vc)
{
    struct ofpbuf req;
    uint32_t xid = alloc_xid();

    ofpbuf_init(&req, 16);
    ofp_encode_multipart_request(&req, vc->version, xid, OFPMP_PORT_DESC, NULL, 0);
    multipart_transact(vc, &req, xid, "port description request", print_port_desc_cb, NULL);
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

    vconn_open(argv[1], &vc);
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
    ofp_format_features_reply(&s, reply.data[0], xid, &f);
    fputs(ds_cstr(&s), stdout);
    ds_clear(&s);

    /* OpenFlow 1.3 moved the ports out of the features reply. */
    dump_port_desc(&vc);
    vconn_close(&vc);

    /* ovs-ofctl asks for the configuration over a new connection. */
    vconn_open(argv[1], &vc);
    xid = alloc_xid();
    ofpbuf_clear(&b);
    ofp_encode_simple(&b, vc.version, OFPT_GET_CONFIG_REQUEST, xid);
    vconn_send(&vc, &b);
    recv_reply(&vc, xid, &reply, "get-config request");
    if (reply.data[1] != OFPT_GET_CONFIG_REPLY
        || ofp_decode_switch_config(reply.data, reply.size, &c, &err)) {
        uvs_fatal(0, "%s: bad reply to the get-config request", vc.target);
    }
    ofp_format_switch_config(&s, reply.data[0], OFPT_GET_CONFIG_REPLY, xid, &c);
    fputs(ds_cstr(&s), stdout);
    vconn_close(&vc);
    ds_destroy(&s);
    ofpbuf_uninit(&b);
    ofpbuf_uninit(&reply);
}

static void
cmd_dump_ports_desc(int argc, char *argv[])
{
    struct vconn vc;

    vconn_open(argv[1], &vc);
    dump_port_desc(&vc);
    vconn_close(&vc);
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
    struct vconn vc;
    struct ofpbuf req;

    vconn_open(argv[1], &vc);
    uint32_t xid = alloc_xid();
    ofpbuf_init(&req, 16);
    ofp_encode_multipart_request(&req, vc.version, xid, OFPMP_TABLE, NULL, 0);
    multipart_transact(&vc, &req, xid, "table statistics request", print_tables_cb, NULL);
    ofpbuf_uninit(&req);
    vconn_close(&vc);
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
    struct print_aux aux = { argv[1] };
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
    vconn_open(argv[1], &vc);
    uint32_t xid = alloc_xid();
    ofpbuf_init(&req, 32);
    ofp_encode_port_stats_request(&req, vc.version, xid, port_no);
    multipart_transact(&vc, &req, xid, "port statistics request", print_ports_cb, &aux);
    ofpbuf_uninit(&req);
    vconn_close(&vc);
}

/* ---------------------------------------------------------------------------------------------
 * Commands: dump-flows, dump-aggregate.
 * ------------------------------------------------------------------------------------------- */

struct flows_aux {
    const char *target;
    bool header;          /* Print each reply's header line (ovs-ofctl does without names). */
};

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

    if (aux->header) {
        ofp_format_mp_header(&s, "OFPST_FLOW reply", msg->data[0], ofp_get_be32(msg->data + 4),
                             mp->flags);
        ds_put_char(&s, '\n');
    }
    while (!(error = ofp_pull_flow_stats(&p, &left, &fs, &err))) {
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
    aux.target = argv[1];
    aux.header = !should_show_names();

    vconn_open(argv[1], &vc);
    uint32_t xid = alloc_xid();
    ofpbuf_init(&req, 128);
    ofp_encode_flow_stats_request(&req, vc.version, xid, &fsr);
    multipart_transact(&vc, &req, xid, aggregate ? "aggregate statistics request"
                       : "flow statistics request",
                       aggregate ? print_aggregate_cb : print_flows_cb, &aux);
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
 * Commands: add-flow, add-flows, mod-flows, del-flows.
 * ------------------------------------------------------------------------------------------- */

/* A flow-mod sent and the text it came from, for error reports. */
struct sent_mod {
    uint32_t xid;
    char *where;             /* "flow-mod" or "flow-mod at FILE:LINE" */
};

/* Sends the flow-mods in FMS, then a barrier, and reports the first error the switch returns. */
static void
transact_flow_mods(const char *target, struct ofp_flow_mod *fms, char **wheres, size_t n)
{
    struct vconn vc;
    struct ofpbuf b;
    struct sent_mod *sent = xcalloc(n ? n : 1, sizeof *sent);

    vconn_open(target, &vc);
    ofpbuf_init(&b, 65536);
    for (size_t i = 0; i < n; i++) {
        sent[i].xid = alloc_xid();
        sent[i].where = wheres[i];
        ofp_encode_flow_mod(&b, vc.version, sent[i].xid, &fms[i]);
        if (b.size >= 60000) {
            vconn_send(&vc, &b);
            ofpbuf_clear(&b);
        }
    }
    uint32_t barrier_xid = alloc_xid();
    ofp_encode_simple(&b, vc.version, OFPT_BARRIER_REQUEST, barrier_xid);
    vconn_send(&vc, &b);

    for (;;) {
        vconn_recv(&vc, &b);
        uint32_t xid = ofp_get_be32(b.data + 4);
        if (b.data[1] == OFPT_ERROR) {
            const char *what = "request";
            for (size_t i = 0; i < n; i++) {
                if (sent[i].xid == xid) {
                    what = sent[i].where;
                }
            }
            report_error(&vc, &b, what);
        }
        if (b.data[1] == OFPT_BARRIER_REPLY && xid == barrier_xid) {
            break;
        }
    }
    ofpbuf_uninit(&b);
    free(sent);
    vconn_close(&vc);
}

static void
flow_mod_one(int argc, char *argv[], enum ofp_flow_mod_command command)
{
    struct port_lookup pl = { argv[1] };
    struct ofp_flow_mod fm;
    char *where = "flow-mod";

    char *error = ofp_parse_flow_mod(argc > 2 ? argv[2] : "", command, lookup_port_name, &pl,
                                     &fm);
    if (error) {
        uvs_fatal(0, "%s", error);
    }
    transact_flow_mods(argv[1], &fm, &where, 1);
    ofp_flow_mod_destroy(&fm);
}

static void
cmd_add_flow(int argc, char *argv[])
{
    flow_mod_one(argc, argv, OFPFC_ADD);
}

static void
cmd_mod_flows(int argc, char *argv[])
{
    flow_mod_one(argc, argv, strict ? OFPFC_MODIFY_STRICT : OFPFC_MODIFY);
}

static void
cmd_del_flows(int argc, char *argv[])
{
    flow_mod_one(argc, argv, strict ? OFPFC_DELETE_STRICT : OFPFC_DELETE);
}

static void
cmd_add_flows(int argc, char *argv[])
{
    struct port_lookup pl = { argv[1] };
    const char *file = argv[2];
    FILE *stream = !strcmp(file, "-") ? stdin : fopen(file, "r");
    struct ofp_flow_mod *fms = NULL;
    char **wheres = NULL;
    size_t n = 0;
    char *line = NULL;
    size_t line_alloc = 0;
    int line_no = 0;

    if (!stream) {
        uvs_fatal(errno, "%s: cannot open", file);
    }
    while (getline(&line, &line_alloc, stream) >= 0) {
        char *p = line + strspn(line, " \t\r\n");
        line_no++;
        if (!*p || *p == '#') {
            continue;
        }
        fms = xrealloc(fms, (n + 1) * sizeof *fms);
        wheres = xrealloc(wheres, (n + 1) * sizeof *wheres);
        char *error = ofp_parse_flow_mod(p, OFPFC_ADD, lookup_port_name, &pl, &fms[n]);
        if (error) {
            uvs_fatal(0, "%s:%d: %s", file, line_no, error);
        }
        wheres[n++] = xasprintf("flow-mod at %s:%d", file, line_no);
    }
    if (stream != stdin) {
        fclose(stream);
    }
    free(line);
    transact_flow_mods(argv[1], fms, wheres, n);
    for (size_t i = 0; i < n; i++) {
        ofp_flow_mod_destroy(&fms[i]);
        free(wheres[i]);
    }
    free(fms);
    free(wheres);
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
};

static void __attribute__((noreturn))
usage(void)
{
    printf("%s: administer a uvs bridge over OpenFlow 1.3\n"
           "usage: %s [OPTIONS] COMMAND SWITCH [ARG...]\n"
           "\nFor SWITCH give a bridge name (connects to unix:%s/BRIDGE.mgmt) or unix:PATH.\n"
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
           "\nFLOW uses the ovs-ofctl syntax, e.g. \"priority=100,in_port=1,ip,"
           "nw_dst=10.0.0.0/8,actions=output:2\".\n"
           "\nOptions:\n"
           "  -O, --protocols=OpenFlow13  OpenFlow version to use (only 1.3 is supported)\n"
           "  --strict                    match priority and fields exactly (mod/del-flows)\n"
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
            uvs_fatal(0, "-O %s: unknown OpenFlow version \"%s\" (use OpenFlow13)", s, tok);
        }
    }
    free(copy);
    if (!(versions & OFP_SUPPORTED_VERSIONS)) {
        uvs_fatal(0, "-O %s: uvs-ofctl speaks OpenFlow 1.3 only (use -O OpenFlow13)", s);
    }
    return versions & OFP_SUPPORTED_VERSIONS;
}

int
main(int argc, char *argv[])
{
    enum { OPT_NAMES = 256, OPT_NO_NAMES, OPT_STRICT };
    static const struct option long_options[] = {
        { "protocols", required_argument, NULL, 'O' },
        { "names", no_argument, NULL, OPT_NAMES },
        { "no-names", no_argument, NULL, OPT_NO_NAMES },
        { "strict", no_argument, NULL, OPT_STRICT },
        { "timeout", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };

    set_program_name(argv[0]);
    for (;;) {
        int c = getopt_long(argc, argv, "O:t:hV", long_options, NULL);
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
            strict = true;
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
                   OFP13_VERSION, OFP13_VERSION);
            return 0;
        default:
            fprintf(stderr, "Try '%s --help' for more information.\n", program_name());
            return 1;
        }
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
