/*
 * test-connmgr — the switch side of the OpenFlow channel, over a real unix socket, against the
 * fake ofproto (fake-ofproto.c). The client here is written from the spec with plain sockets, so
 * it shares no code with connmgr's I/O: HELLO and negotiation, features, config, flow-mods with
 * errors carrying the request's first 64 bytes, every multipart request ovs-ofctl 3.1 sends,
 * barriers, framing (messages split byte by byte and many in one write), the per-run message
 * bound, bad messages that leave the connection up, and the ones that close it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "fake-ofproto.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "ofproto/connmgr.h"
#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-parse.h"
#include "ofproto/ofp-print.h"
#include "uvs-config.h"

/* ---------------------------------------------------------------------------------------------
 * Fixture: a connmgr for bridge "br0" in a private run directory.
 * ------------------------------------------------------------------------------------------- */

struct fixture {
    char dir[64];
    char sock[128];
    struct ofproto *ofproto;
    struct connmgr *mgr;
};

static struct fixture *fx;

static int
setup(void **state)
{
    fx = xzalloc(sizeof *fx);
    strcpy(fx->dir, "/tmp/uvs-test-connmgr-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    snprintf(fx->sock, sizeof fx->sock, "%s/br0.mgmt", fx->dir);
    setenv("UVS_RUNDIR", fx->dir, 1);
    fx->ofproto = fake_ofproto_create("br0", 0x0000aa55aa550001ULL);
    fake_ofproto_add_port(fx->ofproto, 1, "p0");
    fake_ofproto_add_port(fx->ofproto, 2, "p1");
    fake_ofproto_add_port(fx->ofproto, OFPP_LOCAL, "br0");
    fx->mgr = connmgr_create(fx->ofproto, "br0");
    assert_non_null(fx->mgr);
    *state = fx;
    return 0;
}

static int
teardown(void **state)
{
    struct stat st;

    connmgr_destroy(fx->mgr);
    /* The socket file goes away with the connmgr. */
    assert_int_equal(stat(fx->sock, &st), -1);
    fake_ofproto_destroy(fx->ofproto);
    rmdir(fx->dir);
    free(fx);
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * A minimal blocking-ish client: every wait runs connmgr_run() so the single thread makes
 * progress on both ends.
 * ------------------------------------------------------------------------------------------- */

struct client {
    int fd;
    struct ofpbuf rx;
};

static void
client_connect(struct client *c)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };

    strlcpy(sun.sun_path, fx->sock, sizeof sun.sun_path);
    c->fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(c->fd >= 0);
    assert_int_equal(connect(c->fd, (struct sockaddr *) &sun, sizeof sun), 0);
    assert_int_equal(fcntl(c->fd, F_SETFL, O_NONBLOCK), 0);
    ofpbuf_init(&c->rx, 65536);
}

static void
client_close(struct client *c)
{
    close(c->fd);
    ofpbuf_uninit(&c->rx);
}

static void
client_send_raw(struct client *c, const void *data, size_t n)
{
    const uint8_t *p = data;
    for (int tries = 0; n && tries < 100000; tries++) {
        ssize_t r = send(c->fd, p, n, MSG_NOSIGNAL);
        if (r > 0) {
            p += r;
            n -= r;
        } else {
            assert_true(r < 0 && errno == EAGAIN);
            connmgr_run(fx->mgr);
        }
    }
    assert_int_equal(n, 0);
}

static void
client_send(struct client *c, const struct ofpbuf *b)
{
    client_send_raw(c, b->data, b->size);
}

/* Reads what is available without running the switch. Returns false at end of stream. */
static bool
client_read_available(struct client *c)
{
    for (;;) {
        uint8_t buf[65536];
        ssize_t r = recv(c->fd, buf, sizeof buf, 0);
        if (r > 0) {
            ofpbuf_put(&c->rx, buf, r);
        } else if (r == 0) {
            return false;
        } else {
            assert_int_equal(errno, EAGAIN);
            return true;
        }
    }
}

/* Takes one complete message from what was received so far. */
static bool
client_take(struct client *c, struct ofpbuf *msg)
{
    int len = ofp_msg_frame_len(c->rx.data, c->rx.size);
    assert_true(len >= 0);
    if (len == 0 || (size_t) len > c->rx.size) {
        return false;
    }
    ofpbuf_clear(msg);
    ofpbuf_put(msg, c->rx.data, len);
    ofpbuf_pull(&c->rx, len);
    return true;
}

/* Receives one message, running the switch while waiting. Returns false at end of stream. */
static bool
client_recv(struct client *c, struct ofpbuf *msg)
{
    for (int i = 0; i < 20000; i++) {
        if (client_take(c, msg)) {
            return true;
        }
        connmgr_run(fx->mgr);
        if (!client_read_available(c)) {
            return client_take(c, msg);
        }
        if (i > 100) {
            struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
            poll(&pfd, 1, 1);
        }
    }
    fail_msg("no message from the switch");
    return false;
}

static void
client_recv_type(struct client *c, struct ofpbuf *msg, uint8_t type, uint32_t xid)
{
    assert_true(client_recv(c, msg));
    if (msg->data[1] != type) {
        struct ofperr e = { 0, 0 };
        if (msg->data[1] == OFPT_ERROR && msg->size >= 12) {
            e.type = ofp_get_be16(msg->data + 8);
            e.code = ofp_get_be16(msg->data + 10);
        }
        fail_msg("expected %s, received %s (%s)", ofp_type_name(type), ofp_type_name(msg->data[1]),
                 ofperr_code_name(e));
    }
    assert_int_equal(msg->data[0], OFP13_VERSION);
    assert_int_equal(ofp_get_be32(msg->data + 4), xid);
}

static void
client_expect_error(struct client *c, uint32_t xid, uint16_t type, uint16_t code,
                    const struct ofpbuf *request)
{
    struct ofpbuf msg;
    struct ofperr e, err;
    const uint8_t *data;
    size_t data_len;

    ofpbuf_init(&msg, 128);
    client_recv_type(c, &msg, OFPT_ERROR, xid);
    assert_int_equal(ofp_decode_error(msg.data, msg.size, &e, &data, &data_len, &err), 0);
    if (e.type != type || e.code != code) {
        fail_msg("error %s, expected %s", ofperr_code_name(e),
                 ofperr_code_name((struct ofperr) { type, code }));
    }
    if (request) {
        size_t n = UVS_MIN(request->size, (size_t) 64);
        assert_int_equal(data_len, n);
        assert_memory_equal(data, request->data, n);
    }
    ofpbuf_uninit(&msg);
}

/* Connects and completes the HELLO exchange, checking the switch's HELLO. */
static void
client_open(struct client *c)
{
    struct ofpbuf msg;
    uint32_t versions;
    struct ofperr err;

    client_connect(c);
    ofpbuf_init(&msg, 64);
    assert_true(client_recv(c, &msg));
    assert_int_equal(msg.data[1], OFPT_HELLO);
    assert_int_equal(msg.data[0], OFP15_VERSION);    /* The highest version offered. */
    assert_int_equal(ofp_decode_hello(msg.data, msg.size, &versions, &err), 0);
    assert_int_equal(versions, OFP_SUPPORTED_VERSIONS);
    ofpbuf_clear(&msg);
    ofp_encode_hello(&msg, 0x1e, 1);     /* 1.0 to 1.3: the client speaks 1.3 */
    client_send(c, &msg);
    ofpbuf_uninit(&msg);
}

/* Whether the echo round trip still works (the connection is up and in sync). */
static void
client_check_alive(struct client *c, uint32_t xid)
{
    struct ofpbuf b;
    ofpbuf_init(&b, 64);
    ofp_encode_echo(&b, OFP13_VERSION, OFPT_ECHO_REQUEST, xid, "ping", 4);
    client_send(c, &b);
    client_recv_type(c, &b, OFPT_ECHO_REPLY, xid);
    assert_int_equal(b.size, 12);
    assert_memory_equal(b.data + 8, "ping", 4);
    ofpbuf_uninit(&b);
}

static void
add_flow(const char *flow, struct ofpbuf *out, uint32_t xid)
{
    struct ofp_flow_mod fm;
    char *error = ofp_parse_flow_mod(flow, OFPFC_ADD, NULL, NULL, &fm);
    assert_null(error);
    ofp_encode_flow_mod(out, OFP13_VERSION, xid, &fm);
    ofp_flow_mod_destroy(&fm);
}

/* ---------------------------------------------------------------------------------------------
 * Tests.
 * ------------------------------------------------------------------------------------------- */

static void
test_features_and_config(void **state)
{
    struct client c;
    struct ofpbuf b;
    struct ofperr err;

    client_open(&c);
    ofpbuf_init(&b, 64);
    ofp_encode_simple(&b, OFP13_VERSION, OFPT_FEATURES_REQUEST, 2);
    client_send(&c, &b);
    client_recv_type(&c, &b, OFPT_FEATURES_REPLY, 2);
    struct ofp_switch_features f;
    assert_int_equal(ofp_decode_features_reply(b.data, b.size, &f, &err), 0);
    assert_int_equal(f.datapath_id, 0x0000aa55aa550001ULL);
    assert_int_equal(f.n_tables, 254);
    assert_int_equal(f.n_buffers, 0);
    assert_int_equal(f.capabilities, OFPC_FLOW_STATS | OFPC_TABLE_STATS | OFPC_PORT_STATS);

    struct ofp_switch_config cfg;
    ofpbuf_clear(&b);
    ofp_encode_simple(&b, OFP13_VERSION, OFPT_GET_CONFIG_REQUEST, 3);
    client_send(&c, &b);
    client_recv_type(&c, &b, OFPT_GET_CONFIG_REPLY, 3);
    assert_int_equal(ofp_decode_switch_config(b.data, b.size, &cfg, &err), 0);
    assert_int_equal(cfg.flags, OFPC_FRAG_NORMAL);
    /* A service connection (not a controller) gets no packet-ins until it asks, as in OVS. */
    assert_int_equal(cfg.miss_send_len, 0);

    /* SET_CONFIG has no reply; GET_CONFIG then shows it. */
    ofpbuf_clear(&b);
    cfg = (struct ofp_switch_config) { OFPC_FRAG_DROP, 256 };
    ofp_encode_switch_config(&b, OFP13_VERSION, OFPT_SET_CONFIG, 4, &cfg);
    ofp_encode_simple(&b, OFP13_VERSION, OFPT_GET_CONFIG_REQUEST, 5);
    client_send(&c, &b);
    client_recv_type(&c, &b, OFPT_GET_CONFIG_REPLY, 5);
    assert_int_equal(ofp_decode_switch_config(b.data, b.size, &cfg, &err), 0);
    assert_int_equal(cfg.flags, OFPC_FRAG_DROP);
    assert_int_equal(cfg.miss_send_len, 256);

    ofpbuf_uninit(&b);
    client_close(&c);
}

struct dump {
    size_t n_msgs;
    struct ofpbuf body;
};

/* Receives the multipart reply with XID, checking REPLY_MORE and the size limit. */
static void
recv_multipart(struct client *c, uint32_t xid, uint16_t type, struct dump *d)
{
    struct ofpbuf msg;
    struct ofp_multipart mp;
    struct ofperr err;

    ofpbuf_init(&msg, 65536);
    ofpbuf_init(&d->body, 65536);
    d->n_msgs = 0;
    do {
        client_recv_type(c, &msg, OFPT_MULTIPART_REPLY, xid);
        assert_true(msg.size <= OFP_MAX_MSG_LEN);
        assert_int_equal(ofp_decode_multipart(msg.data, msg.size, &mp, &err), 0);
        assert_int_equal(mp.type, type);
        ofpbuf_put(&d->body, mp.body, mp.body_len);
        d->n_msgs++;
    } while (mp.flags & OFPMPF_REPLY_MORE);
    ofpbuf_uninit(&msg);
}

static void
test_flow_mod_and_dump(void **state)
{
    struct client c;
    struct ofpbuf b;
    struct dump d;
    struct ofperr err;

    client_open(&c);
    ofpbuf_init(&b, 256);
    /* Two flow-mods and a barrier in one write: the barrier reply comes after both are done. */
    add_flow("priority=100,in_port=1,ip,nw_dst=10.0.0.0/8,actions=output:2", &b, 10);
    add_flow("tcp,tp_dst=80,actions=NORMAL", &b, 11);
    ofp_encode_simple(&b, OFP13_VERSION, OFPT_BARRIER_REQUEST, 12);
    client_send(&c, &b);
    client_recv_type(&c, &b, OFPT_BARRIER_REPLY, 12);
    assert_int_equal(fx->ofproto->n_rules, 2);

    /* Dump with a filter: only the in_port=1 flow. */
    struct ofp_flow_stats_request fsr;
    assert_null(ofp_parse_flow_stats_request("in_port=1", false, NULL, NULL, &fsr));
    ofpbuf_clear(&b);
    ofp_encode_flow_stats_request(&b, OFP13_VERSION, 13, &fsr);
    client_send(&c, &b);
    recv_multipart(&c, 13, OFPMP_FLOW, &d);
    const uint8_t *p = d.body.data;
    size_t left = d.body.size;
    struct ofp_flow_stats fs;
    assert_int_equal(ofp_pull_flow_stats(&p, &left, &fs, &err), 0);
    struct ds s = DS_EMPTY_INITIALIZER;
    ofp_format_flow_stats(&s, &fs, NULL);
    assert_string_equal(ds_cstr(&s), " cookie=0x0, duration=12.345s, table=0, n_packets=0, "
                        "n_bytes=0, priority=100,ip,in_port=1,nw_dst=10.0.0.0/8 actions=output:2");
    ds_destroy(&s);
    ofpacts_destroy(&fs.ofpacts);
    assert_int_equal(ofp_pull_flow_stats(&p, &left, &fs, &err), -ENOENT);
    ofpbuf_uninit(&d.body);

    /* Aggregate over everything. */
    assert_null(ofp_parse_flow_stats_request(NULL, true, NULL, NULL, &fsr));
    ofpbuf_clear(&b);
    ofp_encode_flow_stats_request(&b, OFP13_VERSION, 14, &fsr);
    client_send(&c, &b);
    recv_multipart(&c, 14, OFPMP_AGGREGATE, &d);
    struct ofp_aggregate_stats agg;
    assert_int_equal(ofp_decode_aggregate_reply(d.body.data, d.body.size, &agg, &err), 0);
    assert_int_equal(agg.flow_count, 2);
    ofpbuf_uninit(&d.body);

    /* Delete everything. */
    struct ofp_flow_mod fm;
    assert_null(ofp_parse_flow_mod("", OFPFC_DELETE, NULL, NULL, &fm));
    ofpbuf_clear(&b);
    ofp_encode_flow_mod(&b, OFP13_VERSION, 15, &fm);
    ofp_flow_mod_destroy(&fm);
    ofp_encode_simple(&b, OFP13_VERSION, OFPT_BARRIER_REQUEST, 16);
    client_send(&c, &b);
    client_recv_type(&c, &b, OFPT_BARRIER_REPLY, 16);
    assert_int_equal(fx->ofproto->n_rules, 0);

    ofpbuf_uninit(&b);
    client_close(&c);
}

static void
test_flow_mod_errors(void **state)
{
    struct client c;
    struct ofpbuf b, req;

    client_open(&c);
    ofpbuf_init(&b, 256);
    ofpbuf_init(&req, 256);

    /* The ofproto's error, with the first 64 bytes of the 72-byte request. */
    fx->ofproto->fail_next = (struct ofperr) { OFPET_FLOW_MOD_FAILED, OFPFMFC_TABLE_FULL };
    add_flow("ip,nw_dst=10.0.0.1,actions=output:1", &req, 20);
    assert_true(req.size > 64);
    client_send(&c, &req);
    client_expect_error(&c, 20, OFPET_FLOW_MOD_FAILED, OFPFMFC_TABLE_FULL, &req);

    /* The codec's error: a prerequisite missing (IPV4_DST without ETH_TYPE). */
    ofpbuf_clear(&req);
    size_t start = ofp_msg_start(&req, OFP13_VERSION, OFPT_FLOW_MOD, 21);
    ofpbuf_put_zeros(&req, 40);
    ofpbuf_put_be16(&req, 1);
    ofpbuf_put_be16(&req, 12);
    ofpbuf_put_be32(&req, 0x80001804);
    ofpbuf_put_be32(&req, 0x0a000001);
    ofpbuf_put_zeros(&req, 4);
    ofp_msg_finish(&req, start);
    unsigned int n_before = fx->ofproto->n_flow_mods;
    client_send(&c, &req);
    client_expect_error(&c, 21, OFPET_BAD_MATCH, OFPBMC_BAD_PREREQ, &req);
    assert_int_equal(fx->ofproto->n_flow_mods, n_before);   /* never reached the ofproto */

    client_check_alive(&c, 22);
    ofpbuf_uninit(&b);
    ofpbuf_uninit(&req);
    client_close(&c);
}

static void
test_bad_requests(void **state)
{
    struct client c;
    struct ofpbuf req;

    client_open(&c);
    ofpbuf_init(&req, 64);

    ofp_encode_simple(&req, OFP13_VERSION, OFPT_METER_MOD, 30);   /* a meter-mod with no body */
    client_send(&c, &req);
    client_expect_error(&c, 30, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN, &req);

    ofpbuf_clear(&req);
    ofp_encode_simple(&req, OFP13_VERSION, 99, 31);
    client_send(&c, &req);
    client_expect_error(&c, 31, OFPET_BAD_REQUEST, OFPBRC_BAD_TYPE, &req);

    ofpbuf_clear(&req);
    ofp_encode_echo(&req, OFP13_VERSION, OFPT_FEATURES_REQUEST, 32, "xx", 2);
    client_send(&c, &req);
    client_expect_error(&c, 32, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN, &req);

    ofpbuf_clear(&req);
    ofp_encode_multipart_request(&req, OFP13_VERSION, 33, 16, NULL, 0);   /* flow monitor */
    client_send(&c, &req);
    client_expect_error(&c, 33, OFPET_BAD_REQUEST, OFPBRC_BAD_MULTIPART, &req);

    ofpbuf_clear(&req);
    ofp_encode_multipart_request(&req, OFP13_VERSION, 34, OFPMP_PORT_STATS, "abc", 3);
    client_send(&c, &req);
    client_expect_error(&c, 34, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN, &req);

    ofpbuf_clear(&req);
    ofp_encode_simple(&req, OFP13_VERSION, OFPT_MULTIPART_REQUEST, 35);   /* no mp header */
    client_send(&c, &req);
    client_expect_error(&c, 35, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN, &req);

    ofpbuf_clear(&req);
    ofp_encode_simple(&req, OFP14_VERSION, OFPT_BARRIER_REQUEST, 36);      /* not negotiated */
    client_send(&c, &req);
    client_expect_error(&c, 36, OFPET_BAD_REQUEST, OFPBRC_BAD_VERSION, &req);

    ofpbuf_clear(&req);
    ofp_encode_simple(&req, OFP13_VERSION, OFPT_EXPERIMENTER, 37);
    client_send(&c, &req);
    client_expect_error(&c, 37, OFPET_BAD_REQUEST, OFPBRC_BAD_EXPERIMENTER, &req);

    ofpbuf_clear(&req);
    ofp_encode_multipart_request(&req, OFP13_VERSION, 38, OFPMP_TABLE_FEATURES, "12345678", 8);
    client_send(&c, &req);
    client_expect_error(&c, 38, OFPET_TABLE_FEATURES_FAILED, OFPTFFC_EPERM, &req);

    /* A peer's ERROR and ECHO_REPLY get no answer; the connection stays in sync. */
    ofpbuf_clear(&req);
    ofp_encode_error(&req, OFP13_VERSION, 39, (struct ofperr) { 1, 1 }, NULL, 0);
    ofp_encode_echo(&req, OFP13_VERSION, OFPT_ECHO_REPLY, 40, NULL, 0);
    client_send(&c, &req);
    client_check_alive(&c, 41);

    ofpbuf_uninit(&req);
    client_close(&c);
}

static void
test_multipart_stats(void **state)
{
    struct client c;
    struct ofpbuf req;
    struct dump d;
    struct ofperr err;
    const uint8_t *p;
    size_t left;

    client_open(&c);
    ofpbuf_init(&req, 64);

    ofp_encode_multipart_request(&req, OFP13_VERSION, 50, OFPMP_DESC, NULL, 0);
    client_send(&c, &req);
    recv_multipart(&c, 50, OFPMP_DESC, &d);
    struct ofp_desc desc;
    assert_int_equal(ofp_decode_desc_reply(d.body.data, d.body.size, &desc, &err), 0);
    assert_string_equal(desc.mfr_desc, "uvs");
    assert_string_equal(desc.hw_desc, "uvs userspace switch");
    assert_string_equal(desc.sw_desc, UVS_VERSION);
    assert_string_equal(desc.dp_desc, "bridge br0");
    ofpbuf_uninit(&d.body);

    ofpbuf_clear(&req);
    ofp_encode_port_stats_request(&req, OFP13_VERSION, 51, OFPP_ANY);
    client_send(&c, &req);
    recv_multipart(&c, 51, OFPMP_PORT_STATS, &d);
    assert_int_equal(d.body.size, 3 * 112);
    p = d.body.data;
    left = d.body.size;
    struct ofp_port_stats ps;
    assert_int_equal(ofp_pull_port_stats(&p, &left, &ps, &err), 0);
    assert_int_equal(ps.port_no, 1);
    assert_int_equal(ps.rx_packets, 100);
    assert_int_equal(ps.rx_frame_err, UINT64_MAX);
    ofpbuf_uninit(&d.body);

    ofpbuf_clear(&req);
    ofp_encode_port_stats_request(&req, OFP13_VERSION, 52, 2);
    client_send(&c, &req);
    recv_multipart(&c, 52, OFPMP_PORT_STATS, &d);
    assert_int_equal(d.body.size, 112);
    assert_int_equal(ofp_get_be32(d.body.data), 2);
    ofpbuf_uninit(&d.body);

    ofpbuf_clear(&req);
    ofp_encode_multipart_request(&req, OFP13_VERSION, 53, OFPMP_PORT_DESC, NULL, 0);
    client_send(&c, &req);
    recv_multipart(&c, 53, OFPMP_PORT_DESC, &d);
    p = d.body.data;
    left = d.body.size;
    struct ofp_phy_port pp;
    const char *names[] = { "p0", "p1", "br0" };
    for (int i = 0; i < 3; i++) {
        assert_int_equal(ofp_pull_port(&p, &left, &pp, &err), 0);
        assert_string_equal(pp.name, names[i]);
    }
    assert_int_equal(ofp_pull_port(&p, &left, &pp, &err), -ENOENT);
    ofpbuf_uninit(&d.body);

    fx->ofproto->lookups = 1000;
    fx->ofproto->matches = 900;
    ofpbuf_clear(&req);
    ofp_encode_multipart_request(&req, OFP13_VERSION, 54, OFPMP_TABLE, NULL, 0);
    client_send(&c, &req);
    recv_multipart(&c, 54, OFPMP_TABLE, &d);
    assert_int_equal(d.body.size, 254 * 24);
    p = d.body.data;
    left = d.body.size;
    struct ofp_table_stats ts;
    assert_int_equal(ofp_pull_table_stats(&p, &left, &ts, &err), 0);
    assert_int_equal(ts.table_id, 0);
    assert_int_equal(ts.lookup_count, 1000);
    assert_int_equal(ts.matched_count, 900);
    assert_int_equal(ofp_pull_table_stats(&p, &left, &ts, &err), 0);
    assert_int_equal(ts.table_id, 1);
    assert_int_equal(ts.lookup_count, 0);
    ofpbuf_uninit(&d.body);

    ofpbuf_clear(&req);
    ofp_encode_multipart_request(&req, OFP13_VERSION, 55, OFPMP_TABLE_FEATURES, NULL, 0);
    client_send(&c, &req);
    recv_multipart(&c, 55, OFPMP_TABLE_FEATURES, &d);
    assert_true(d.n_msgs >= 2);          /* 254 tables of properties exceed 64 KiB */
    assert_int_equal(d.body.data[2], 0);
    ofpbuf_uninit(&d.body);

    ofpbuf_uninit(&req);
    client_close(&c);
}

static void
test_large_dump(void **state)
{
    struct client c;
    struct ofpbuf req;
    struct dump d;
    struct ofp_flow_stats_request fsr;
    struct ofp_flow_stats fs;
    struct ofperr err;

    fake_ofproto_add_many(fx->ofproto, 3000);
    client_open(&c);
    ofpbuf_init(&req, 64);
    assert_null(ofp_parse_flow_stats_request(NULL, false, NULL, NULL, &fsr));
    ofp_encode_flow_stats_request(&req, OFP13_VERSION, 60, &fsr);
    client_send(&c, &req);
    recv_multipart(&c, 60, OFPMP_FLOW, &d);
    assert_true(d.n_msgs >= 3);

    const uint8_t *p = d.body.data;
    size_t left = d.body.size, n = 0;
    while (!ofp_pull_flow_stats(&p, &left, &fs, &err)) {
        assert_int_equal(ntohl(fs.match.flow.nw_dst_be), 0x0a000000 + n);
        ofpacts_destroy(&fs.ofpacts);
        n++;
    }
    ofpacts_destroy(&fs.ofpacts);
    assert_int_equal(n, 3000);
    assert_int_equal(left, 0);
    ofpbuf_uninit(&d.body);

    struct ofp_flow_mod fm;
    assert_null(ofp_parse_flow_mod("", OFPFC_DELETE, NULL, NULL, &fm));
    ofpbuf_clear(&req);
    ofp_encode_flow_mod(&req, OFP13_VERSION, 61, &fm);
    ofp_flow_mod_destroy(&fm);
    ofp_encode_simple(&req, OFP13_VERSION, OFPT_BARRIER_REQUEST, 62);
    client_send(&c, &req);
    client_recv_type(&c, &req, OFPT_BARRIER_REPLY, 62);
    assert_int_equal(fx->ofproto->n_rules, 0);
    ofpbuf_uninit(&req);
    client_close(&c);
}

static void
test_framing_split_and_coalesced(void **state)
{
    struct client c;
    struct ofpbuf req, msg;

    client_open(&c);
    ofpbuf_init(&req, 256);
    ofpbuf_init(&msg, 256);
    for (uint32_t i = 0; i < 10; i++) {
        ofp_encode_echo(&req, OFP13_VERSION, OFPT_ECHO_REQUEST, 100 + i, &i, sizeof i);
    }
    add_flow("in_port=2,actions=output:1", &req, 110);
    ofp_encode_simple(&req, OFP13_VERSION, OFPT_BARRIER_REQUEST, 111);

    /* One byte per write, with the switch running between them. */
    for (size_t i = 0; i < req.size; i++) {
        client_send_raw(&c, req.data + i, 1);
        connmgr_run(fx->mgr);
    }
    for (uint32_t i = 0; i < 10; i++) {
        client_recv_type(&c, &msg, OFPT_ECHO_REPLY, 100 + i);
        assert_memory_equal(msg.data + 8, &i, sizeof i);
    }
    client_recv_type(&c, &msg, OFPT_BARRIER_REPLY, 111);

    /* All in one write. */
    client_send(&c, &req);
    for (uint32_t i = 0; i < 10; i++) {
        client_recv_type(&c, &msg, OFPT_ECHO_REPLY, 100 + i);
    }
    client_recv_type(&c, &msg, OFPT_BARRIER_REPLY, 111);

    struct ofp_flow_mod fm;
    assert_null(ofp_parse_flow_mod("", OFPFC_DELETE, NULL, NULL, &fm));
    ofpbuf_clear(&req);
    ofp_encode_flow_mod(&req, OFP13_VERSION, 112, &fm);
    ofp_flow_mod_destroy(&fm);
    client_send(&c, &req);
    client_check_alive(&c, 113);
    ofpbuf_uninit(&req);
    ofpbuf_uninit(&msg);
    client_close(&c);
}

static void
test_bounded_processing(void **state)
{
    struct client c;
    struct ofpbuf req, msg;
    const int n_requests = 3 * CONNMGR_MAX_MSGS;

    client_open(&c);
    client_check_alive(&c, 1);
    ofpbuf_init(&req, 1024);
    ofpbuf_init(&msg, 64);
    for (int i = 0; i < n_requests; i++) {
        ofp_encode_echo(&req, OFP13_VERSION, OFPT_ECHO_REQUEST, 1000 + i, NULL, 0);
    }
    assert_int_equal(send(c.fd, req.data, req.size, 0), (ssize_t) req.size);

    /* One run answers exactly CONNMGR_MAX_MSGS of them... */
    connmgr_run(fx->mgr);
    assert_true(client_read_available(&c));
    int n = 0;
    while (client_take(&c, &msg)) {
        assert_int_equal(ofp_get_be32(msg.data + 4), 1000 + n);
        n++;
    }
    assert_int_equal(n, CONNMGR_MAX_MSGS);

    /* ...and the rest follow in later runs, in order. */
    for (; n < n_requests; n++) {
        client_recv_type(&c, &msg, OFPT_ECHO_REPLY, 1000 + n);
    }
    ofpbuf_uninit(&req);
    ofpbuf_uninit(&msg);
    client_close(&c);
}

static void
test_hello_failures(void **state)
{
    struct client c;
    struct ofpbuf b;
    struct ofperr e, err;
    const uint8_t *data;
    size_t data_len;

    /* An OpenFlow 1.0-only peer while Bridge.protocols allows 1.3 and 1.4 only: HELLO_FAILED,
     * then the switch closes. */
    connmgr_set_allowed_versions(fx->mgr, OFP_VERSION_BIT(OFP13_VERSION)
                                          | OFP_VERSION_BIT(OFP14_VERSION));
    client_connect(&c);
    ofpbuf_init(&b, 64);
    assert_true(client_recv(&c, &b));
    assert_int_equal(b.data[1], OFPT_HELLO);
    ofpbuf_clear(&b);
    ofp_encode_hello(&b, OFP_VERSION_BIT(OFP10_VERSION), 1);
    assert_int_equal(b.size, 8);
    client_send(&c, &b);
    assert_true(client_recv(&c, &b));
    assert_int_equal(b.data[1], OFPT_ERROR);
    assert_int_equal(ofp_decode_error(b.data, b.size, &e, &data, &data_len, &err), 0);
    assert_int_equal(e.type, OFPET_HELLO_FAILED);
    assert_int_equal(e.code, OFPHFC_INCOMPATIBLE);
    assert_true(data_len > 0);
    assert_false(client_recv(&c, &b));        /* end of stream */
    client_close(&c);
    connmgr_set_allowed_versions(fx->mgr, OFP_SUPPORTED_VERSIONS);

    /* A request before HELLO. */
    client_connect(&c);
    assert_true(client_recv(&c, &b));
    ofpbuf_clear(&b);
    ofp_encode_simple(&b, OFP13_VERSION, OFPT_FEATURES_REQUEST, 2);
    client_send(&c, &b);
    assert_true(client_recv(&c, &b));
    assert_int_equal(b.data[1], OFPT_ERROR);
    assert_int_equal(ofp_get_be16(b.data + 8), OFPET_HELLO_FAILED);
    assert_false(client_recv(&c, &b));
    client_close(&c);

    /* A length below the header size cannot frame a message: the switch answers BAD_LEN for the
     * 8-byte header and carries on after it (an echo is still answered). */
    client_open(&c);
    const uint8_t bad[8] = { 4, OFPT_ECHO_REQUEST, 0, 4, 0, 0, 0, 1 };
    client_send_raw(&c, bad, sizeof bad);
    assert_true(client_recv(&c, &b));
    assert_int_equal(b.data[1], OFPT_ERROR);
    assert_int_equal(ofp_get_be16(b.data + 8), OFPET_BAD_REQUEST);
    assert_int_equal(ofp_get_be16(b.data + 10), OFPBRC_BAD_LEN);
    ofpbuf_clear(&b);
    ofp_encode_echo(&b, OFP13_VERSION, OFPT_ECHO_REQUEST, 2, NULL, 0);
    client_send(&c, &b);
    client_recv_type(&c, &b, OFPT_ECHO_REPLY, 2);
    client_close(&c);

    /* Every connection above is gone from the switch. */
    for (int i = 0; i < 10 && connmgr_n_conns(fx->mgr); i++) {
        connmgr_run(fx->mgr);
    }
    assert_int_equal(connmgr_n_conns(fx->mgr), 0);
    ofpbuf_uninit(&b);
}

static void
test_partial_message_waits(void **state)
{
    struct client c1, c2;
    struct ofpbuf b;

    client_open(&c1);
    client_open(&c2);
    /* c1 announces a 1000-byte echo but sends only its header: nothing is processed, and c2 is
     * served meanwhile. */
    ofpbuf_init(&b, 1024);
    ofp_encode_echo(&b, OFP13_VERSION, OFPT_ECHO_REQUEST, 70, NULL, 0);
    ofpbuf_put_zeros(&b, 992);
    ofp_msg_finish(&b, 0);
    client_send_raw(&c1, b.data, 8);
    for (int i = 0; i < 5; i++) {
        connmgr_run(fx->mgr);
    }
    assert_true(client_read_available(&c1));
    assert_int_equal(c1.rx.size, 0);
    client_check_alive(&c2, 71);
    assert_int_equal(connmgr_n_conns(fx->mgr), 2);

    client_send_raw(&c1, b.data + 8, b.size - 8);
    client_recv_type(&c1, &b, OFPT_ECHO_REPLY, 70);
    assert_int_equal(b.size, 1000);

    client_close(&c2);
    for (int i = 0; i < 10 && connmgr_n_conns(fx->mgr) != 1; i++) {
        connmgr_run(fx->mgr);
    }
    assert_int_equal(connmgr_n_conns(fx->mgr), 1);
    client_close(&c1);
    ofpbuf_uninit(&b);
}

static void
test_listen_name(void **state)
{
    char *expect = xasprintf("punix:%s", fx->sock);
    assert_string_equal(connmgr_listen_name(fx->mgr), expect);
    free(expect);

    /* A listener that cannot be created: NULL with errno. */
    struct connmgr *bad = connmgr_create_listen(fx->ofproto, "brX",
                                                "punix:/nonexistent-dir/x.mgmt");
    assert_null(bad);
    assert_int_equal(errno, ENOENT);
}

/* Roles (OpenFlow 1.3.5 §6.3.6), async config, packet-out and barriers. */
static void
test_roles_async_packet_out(void **state)
{
    struct client c1, c2;
    struct ofpbuf b;
    struct ofperr err;
    uint32_t role;
    uint64_t gen;

    client_open(&c1);
    client_open(&c2);
    ofpbuf_init(&b, 256);

    /* c1 becomes master with generation 5; c2 asks for slave with the same generation. */
    ofp_encode_role(&b, OFP13_VERSION, OFPT_ROLE_REQUEST, 10, OFPCR_ROLE_MASTER, 5);
    client_send(&c1, &b);
    client_recv_type(&c1, &b, OFPT_ROLE_REPLY, 10);
    assert_int_equal(ofp_decode_role(b.data, b.size, &role, &gen, &err), 0);
    assert_int_equal(role, OFPCR_ROLE_MASTER);
    assert_int_equal(gen, 5);
    ofpbuf_clear(&b);
    ofp_encode_role(&b, OFP13_VERSION, OFPT_ROLE_REQUEST, 11, OFPCR_ROLE_SLAVE, 5);
    client_send(&c2, &b);
    client_recv_type(&c2, &b, OFPT_ROLE_REPLY, 11);
    /* A stale generation id is refused. */
    ofpbuf_clear(&b);
    ofp_encode_role(&b, OFP13_VERSION, OFPT_ROLE_REQUEST, 12, OFPCR_ROLE_MASTER, 4);
    client_send(&c2, &b);
    client_expect_error(&c2, 12, OFPET_ROLE_REQUEST_FAILED, OFPRRFC_STALE, &b);

    /* A slave may not send packet-outs or flow-mods. */
    static const uint8_t frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2 };
    struct ofp_packet_out po = { .buffer_id = OFP_NO_BUFFER, .in_port = OFPP_CONTROLLER,
                                 .data = frame, .data_len = sizeof frame };
    ofpacts_init(&po.ofpacts);
    ofpacts_add_output(&po.ofpacts, 2, 0);
    ofpbuf_clear(&b);
    ofp_encode_packet_out(&b, OFP13_VERSION, 13, &po);
    client_send(&c2, &b);
    client_expect_error(&c2, 13, OFPET_BAD_REQUEST, OFPBRC_IS_SLAVE, &b);
    assert_int_equal(fx->ofproto->n_packet_outs, 0);

    /* The master's packet-out reaches the ofproto; a barrier then waits for the datapath. */
    ofpbuf_clear(&b);
    ofp_encode_packet_out(&b, OFP13_VERSION, 14, &po);
    ofp_encode_simple(&b, OFP13_VERSION, OFPT_BARRIER_REQUEST, 15);
    client_send(&c1, &b);
    client_recv_type(&c1, &b, OFPT_BARRIER_REPLY, 15);
    assert_int_equal(fx->ofproto->n_packet_outs, 1);
    assert_int_equal(fx->ofproto->packet_out_bytes, sizeof frame);
    assert_true(fx->ofproto->n_syncs >= 1);
    /* A buffered packet-out names a buffer the switch never had. */
    po.buffer_id = 7;
    ofpbuf_clear(&b);
    ofp_encode_packet_out(&b, OFP13_VERSION, 16, &po);
    client_send(&c1, &b);
    client_expect_error(&c1, 16, OFPET_BAD_REQUEST, OFPBRC_BUFFER_UNKNOWN, &b);
    ofpacts_destroy(&po.ofpacts);

    /* Async config: defaults, then set and read back. */
    struct ofp_async_config ac;
    ofpbuf_clear(&b);
    ofp_encode_simple(&b, OFP13_VERSION, OFPT_GET_ASYNC_REQUEST, 17);
    client_send(&c1, &b);
    client_recv_type(&c1, &b, OFPT_GET_ASYNC_REPLY, 17);
    assert_int_equal(ofp_decode_async_config(b.data, b.size, &ac, &err), 0);
    assert_int_equal(ac.packet_in_mask[0], 0x7);
    assert_int_equal(ac.packet_in_mask[1], 0);
    ac.packet_in_mask[1] = 0x1;
    ofpbuf_clear(&b);
    ofp_encode_async_config(&b, OFP13_VERSION, OFPT_SET_ASYNC, 18, &ac);
    ofp_encode_simple(&b, OFP13_VERSION, OFPT_GET_ASYNC_REQUEST, 19);
    client_send(&c1, &b);
    client_recv_type(&c1, &b, OFPT_GET_ASYNC_REPLY, 19);
    assert_int_equal(ofp_decode_async_config(b.data, b.size, &ac, &err), 0);
    assert_int_equal(ac.packet_in_mask[1], 0x1);

    client_close(&c1);
    client_close(&c2);
    ofpbuf_uninit(&b);
}

/* An active controller: the switch connects to a listening "controller", says HELLO, and
 * reconnects after the controller closes the connection. */
static void
test_active_controller(void **state)
{
    struct pstream *ps;
    struct stream *s = NULL;
    char target[160];

    snprintf(target, sizeof target, "punix:%s/ctl.sock", fx->dir);
    assert_int_equal(pstream_open(target, &ps), 0);
    struct connmgr_controller_cfg cfg = { target + 1, 1000, 0, 100, 25 };
    connmgr_set_controllers(fx->mgr, &cfg, 1);
    assert_int_equal(connmgr_n_controllers(fx->mgr), 1);
    for (int i = 0; i < 200 && !s; i++) {
        connmgr_run(fx->mgr);
        if (pstream_accept(ps, &s)) {
            s = NULL;
            usleep(1000);
        }
    }
    assert_non_null(s);
    struct connmgr_controller_status *st;
    size_t n = connmgr_get_controller_status(fx->mgr, &st);
    assert_int_equal(n, 1);
    assert_string_equal(st[0].target, target + 1);
    free(st);

    /* The switch's HELLO arrives first (OpenFlow 1.3.5 §6.3.1). */
    uint8_t hello[8];
    size_t got = 0;
    for (int i = 0; i < 200 && got < sizeof hello; i++) {
        connmgr_run(fx->mgr);
        ssize_t r = stream_recv(s, hello + got, sizeof hello - got);
        if (r > 0) {
            got += r;
        } else {
            usleep(1000);
        }
    }
    assert_int_equal(got, sizeof hello);
    assert_int_equal(hello[1], OFPT_HELLO);
    struct ofpbuf b;
    ofpbuf_init(&b, 64);
    ofp_encode_hello(&b, OFP_VERSION_BIT(OFP13_VERSION), 1);
    assert_int_equal(stream_send(s, b.data, b.size), (ssize_t) b.size);
    for (int i = 0; i < 50; i++) {
        connmgr_run(fx->mgr);
    }
    assert_true(connmgr_is_any_controller_connected(fx->mgr));
    assert_true(connmgr_take_status_changed(fx->mgr));
    n = connmgr_get_controller_status(fx->mgr, &st);
    assert_true(st[0].is_connected);
    assert_string_equal(st[0].role, "other");
    assert_string_equal(st[0].state, "ACTIVE");
    free(st);

    /* Packet-ins are rate limited per controller: a burst of 100 gets the bucket's 25 (and at
     * most a couple more refilled while the loop runs, at 100 per second). */
    static const uint8_t frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2 };
    struct ofp_packet_in pi = { .buffer_id = OFP_NO_BUFFER, .total_len = 60,
                                .reason = OFPR_NO_MATCH, .in_port = 1, .data = frame,
                                .data_len = sizeof frame };
    for (int i = 0; i < 100; i++) {
        connmgr_send_packet_in(fx->mgr, &pi, OFPCML_NO_BUFFER);
    }
    for (int i = 0; i < 20; i++) {
        connmgr_run(fx->mgr);
    }
    uint8_t buf[65536];
    size_t total = 0;
    for (int i = 0; i < 50; i++) {
        ssize_t r = stream_recv(s, buf + total, sizeof buf - total);
        if (r > 0) {
            total += r;
        } else {
            connmgr_run(fx->mgr);
            usleep(1000);
        }
    }
    int n_pi = 0;
    for (size_t off = 0; off + 8 <= total; off += ofp_get_be16(buf + off + 2)) {
        n_pi += buf[off + 1] == OFPT_PACKET_IN;
        if (ofp_get_be16(buf + off + 2) < 8) {
            break;
        }
    }
    assert_in_range(n_pi, 25, 27);

    /* The controller goes away: the switch notices and backs off. */
    stream_close(s);
    for (int i = 0; i < 50 && connmgr_is_any_controller_connected(fx->mgr); i++) {
        connmgr_run(fx->mgr);
        usleep(1000);
    }
    assert_false(connmgr_is_any_controller_connected(fx->mgr));
    n = connmgr_get_controller_status(fx->mgr, &st);
    assert_false(st[0].is_connected);
    free(st);
    connmgr_set_controllers(fx->mgr, NULL, 0);
    assert_int_equal(connmgr_n_controllers(fx->mgr), 0);
    pstream_close(ps);
    ofpbuf_uninit(&b);
}

/* Meter-mod reaches the ofproto and its errors come back with the request; METER_CONFIG and
 * METER_FEATURES replies carry what the ofproto reports (OpenFlow 1.3.5 §7.3.4.4, §7.3.5.13-14). */
static void
test_meters(void **state)
{
    struct client c;
    struct ofpbuf req;
    struct dump d;
    struct ofperr err;
    struct ofp_meter_mod mm, back;

    (void) state;
    client_open(&c);
    ofpbuf_init(&req, 64);
    assert_null(ofp_parse_meter_mod("meter=4,pktps,band=type=drop,rate=10", OFPMC_ADD, &mm));
    ofp_encode_meter_mod(&req, OFP13_VERSION, 70, &mm);
    client_send(&c, &req);
    client_send(&c, &req);
    client_expect_error(&c, 70, OFPET_METER_MOD_FAILED, OFPMMFC_METER_EXISTS, &req);

    ofpbuf_clear(&req);
    mm.bands[0].rate = 0;
    mm.command = OFPMC_MODIFY;
    ofp_encode_meter_mod(&req, OFP13_VERSION, 71, &mm);
    client_send(&c, &req);
    client_expect_error(&c, 71, OFPET_METER_MOD_FAILED, OFPMMFC_BAD_RATE, &req);

    ofpbuf_clear(&req);
    ofp_encode_meter_request(&req, OFP13_VERSION, 72, OFPMP_METER_CONFIG, OFPM_ALL);
    client_send(&c, &req);
    recv_multipart(&c, 72, OFPMP_METER_CONFIG, &d);
    const uint8_t *p = d.body.data;
    size_t left = d.body.size;
    assert_int_equal(ofp_pull_meter_config(&p, &left, &back, &err), 0);
    assert_int_equal(back.meter_id, 4);
    assert_int_equal(back.flags, OFPMF_PKTPS);
    assert_int_equal(back.bands[0].rate, 10);
    assert_int_equal(ofp_pull_meter_config(&p, &left, &back, &err), -ENOENT);
    ofpbuf_uninit(&d.body);

    ofpbuf_clear(&req);
    ofp_encode_multipart_request(&req, OFP13_VERSION, 73, OFPMP_METER_FEATURES, NULL, 0);
    client_send(&c, &req);
    recv_multipart(&c, 73, OFPMP_METER_FEATURES, &d);
    struct ofp_meter_features mf;
    assert_int_equal(ofp_decode_meter_features(d.body.data, d.body.size, &mf, &err), 0);
    assert_int_equal(mf.max_meter, OFP_METER_MAX);
    assert_int_equal(mf.band_types, 1u << OFPMBT_DROP);
    ofpbuf_uninit(&d.body);

    /* A METER request with a body of the wrong size. */
    ofpbuf_clear(&req);
    ofp_encode_multipart_request(&req, OFP13_VERSION, 74, OFPMP_METER, NULL, 0);
    client_send(&c, &req);
    client_expect_error(&c, 74, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN, &req);
    ofpbuf_uninit(&req);
    client_close(&c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_features_and_config),
        cmocka_unit_test(test_meters),
        cmocka_unit_test(test_flow_mod_and_dump),
        cmocka_unit_test(test_flow_mod_errors),
        cmocka_unit_test(test_bad_requests),
        cmocka_unit_test(test_multipart_stats),
        cmocka_unit_test(test_large_dump),
        cmocka_unit_test(test_framing_split_and_coalesced),
        cmocka_unit_test(test_bounded_processing),
        cmocka_unit_test(test_hello_failures),
        cmocka_unit_test(test_partial_message_waits),
        cmocka_unit_test(test_listen_name),
        cmocka_unit_test(test_roles_async_packet_out),
        cmocka_unit_test(test_active_controller),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
