/*
 * test-connmgr-versions — OpenFlow 1.0 and 1.5 sessions with the switch side of the channel
 * (connmgr over the fake ofproto, a real unix socket, a client written with plain sockets): the
 * negotiation picks the version, Bridge.protocols can refuse it, requests get replies in the
 * peer's version (1.0 type numbers, features reply with ports, 1.0 flow stats; 1.5 flow
 * descriptions), and bad messages (cut short, unknown 1.0 types, unknown stats types) get an error
 * in the peer's version quoting the request, after which the connection still works.
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
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "fake-ofproto.h"
#include "lib/util.h"
#include "ofproto/connmgr.h"
#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-parse.h"
#include "ofproto/ofp-print.h"

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
    strcpy(fx->dir, "/tmp/uvs-test-connver-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    snprintf(fx->sock, sizeof fx->sock, "%s/br0.mgmt", fx->dir);
    setenv("UVS_RUNDIR", fx->dir, 1);
    fx->ofproto = fake_ofproto_create("br0", 0x0000aa55aa550001ULL);
    fake_ofproto_add_port(fx->ofproto, 1, "p0");
    fake_ofproto_add_port(fx->ofproto, OFPP_LOCAL, "br0");
    fx->mgr = connmgr_create(fx->ofproto, "br0");
    assert_non_null(fx->mgr);
    *state = fx;
    return 0;
}

static int
teardown(void **state)
{
    connmgr_destroy(fx->mgr);
    fake_ofproto_destroy(fx->ofproto);
    rmdir(fx->dir);
    free(fx);
    return 0;
}

/* A client that runs the switch while it waits (one thread for both ends). */
struct client {
    int fd;
    struct ofpbuf rx;
};

static void
client_send(struct client *c, const struct ofpbuf *b)
{
    size_t sent = 0;
    for (int tries = 0; sent < b->size && tries < 100000; tries++) {
        ssize_t r = send(c->fd, b->data + sent, b->size - sent, MSG_NOSIGNAL);
        if (r > 0) {
            sent += r;
        } else {
            assert_true(r < 0 && errno == EAGAIN);
            connmgr_run(fx->mgr);
        }
    }
    assert_int_equal(sent, b->size);
}

/* Receives one message into MSG. Returns false at end of stream. */
static bool
client_recv(struct client *c, struct ofpbuf *msg)
{
    for (int i = 0; i < 20000; i++) {
        int len = ofp_msg_frame_len(c->rx.data, c->rx.size);
        assert_true(len >= 0);
        if (len > 0 && (size_t) len <= c->rx.size) {
            ofpbuf_clear(msg);
            ofpbuf_put(msg, c->rx.data, len);
            ofpbuf_pull(&c->rx, len);
            return true;
        }
        connmgr_run(fx->mgr);
        uint8_t buf[65536];
        ssize_t r = recv(c->fd, buf, sizeof buf, 0);
        if (r > 0) {
            ofpbuf_put(&c->rx, buf, r);
        } else if (r == 0) {
            return false;
        } else {
            assert_int_equal(errno, EAGAIN);
            if (i > 100) {
                struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
                poll(&pfd, 1, 1);
            }
        }
    }
    fail_msg("no message from the switch");
    return false;
}

/* Connects and says HELLO offering VERSIONS; returns the switch's HELLO version. */
static uint8_t
client_open(struct client *c, uint32_t versions)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    struct ofpbuf msg;

    strlcpy(sun.sun_path, fx->sock, sizeof sun.sun_path);
    c->fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(c->fd >= 0);
    assert_int_equal(connect(c->fd, (struct sockaddr *) &sun, sizeof sun), 0);
    assert_int_equal(fcntl(c->fd, F_SETFL, O_NONBLOCK), 0);
    ofpbuf_init(&c->rx, 65536);
    ofpbuf_init(&msg, 64);
    assert_true(client_recv(c, &msg));
    assert_int_equal(msg.data[1], OFPT_HELLO);
    uint8_t version = msg.data[0];
    ofpbuf_clear(&msg);
    ofp_encode_hello(&msg, versions, 1);
    client_send(c, &msg);
    ofpbuf_uninit(&msg);
    return version;
}

static void
client_close(struct client *c)
{
    close(c->fd);
    ofpbuf_uninit(&c->rx);
}

/* Expects an ERROR in VERSION for XID with the (wire) TYPE and CODE, quoting REQUEST. */
static void
expect_error(struct client *c, uint8_t version, uint32_t xid, uint16_t type, uint16_t code,
             const struct ofpbuf *request)
{
    struct ofpbuf msg;

    ofpbuf_init(&msg, 128);
    assert_true(client_recv(c, &msg));
    assert_int_equal(msg.data[0], version);
    assert_int_equal(msg.data[1], OFPT_ERROR);
    assert_int_equal(ofp_get_be32(msg.data + 4), xid);
    if (ofp_get_be16(msg.data + 8) != type || ofp_get_be16(msg.data + 10) != code) {
        fail_msg("error %u/%u, expected %u/%u", ofp_get_be16(msg.data + 8),
                 ofp_get_be16(msg.data + 10), type, code);
    }
    size_t n = UVS_MIN(request->size, (size_t) 64);
    assert_int_equal(msg.size, 12 + n);
    assert_memory_equal(msg.data + 12, request->data, n);
    ofpbuf_uninit(&msg);
}

/* An echo round trip in VERSION: the connection is up and in sync. */
static void
check_alive(struct client *c, uint8_t version, uint32_t xid)
{
    struct ofpbuf msg;

    ofpbuf_init(&msg, 64);
    ofp_encode_echo(&msg, version, OFPT_ECHO_REQUEST, xid, "ping", 4);
    client_send(c, &msg);
    assert_true(client_recv(c, &msg));
    assert_int_equal(msg.data[0], version);
    assert_int_equal(msg.data[1], OFPT_ECHO_REPLY);
    assert_int_equal(ofp_get_be32(msg.data + 4), xid);
    assert_int_equal(msg.size, 12);
    ofpbuf_uninit(&msg);
}

static void
test_of10_session(void **state)
{
    struct ofpbuf req, msg, up;
    struct client c;
    struct ofperr err;

    /* The switch offers 1.0 to 1.5; a 1.0-only HELLO (no bitmap) gets 1.0. */
    assert_int_equal(client_open(&c, OFP_VERSION_BIT(OFP10_VERSION)), OFP15_VERSION);
    check_alive(&c, OFP10_VERSION, 1);
    ofpbuf_init(&req, 128);
    ofpbuf_init(&msg, 1024);

    /* The features reply lists the ports (48-byte struct ofp_phy_port each). */
    ofp_encode_simple(&req, OFP10_VERSION, OFPT_FEATURES_REQUEST, 2);
    client_send(&c, &req);
    assert_true(client_recv(&c, &msg));
    assert_int_equal(msg.data[0], OFP10_VERSION);
    assert_int_equal(msg.data[1], OFPT_FEATURES_REPLY);
    assert_int_equal(msg.size, 32 + 2 * 48);

    /* A flow-mod in 1.0, then a barrier (1.0 type 18, reply 19), then the flow read back. */
    struct ofp_flow_mod fm;
    assert_null(ofp_parse_flow_mod("table=2,priority=9,tcp,tp_dst=22,actions=output:1", OFPFC_ADD,
                                   NULL, NULL, &fm));
    ofpbuf_clear(&req);
    ofp_encode_flow_mod(&req, OFP10_VERSION, 3, &fm);
    ofp_flow_mod_destroy(&fm);
    ofp_encode_simple(&req, OFP10_VERSION, OFPT_BARRIER_REQUEST, 4);
    assert_int_equal(req.data[req.size - 8 + 1], 18);
    client_send(&c, &req);
    assert_true(client_recv(&c, &msg));
    assert_int_equal(msg.data[1], 19);
    assert_int_equal(ofp_get_be32(msg.data + 4), 4);
    assert_int_equal(fx->ofproto->n_rules, 1);
    assert_int_equal(fx->ofproto->rules[0].table_id, 2);

    struct ofp_flow_stats_request fsr = { .table_id = 0xff, .out_port = OFPP_ANY,
                                          .out_group = OFPG_ANY };
    match_init_catchall(&fsr.match);
    ofpbuf_clear(&req);
    ofp_encode_flow_stats_request(&req, OFP10_VERSION, 5, &fsr);
    client_send(&c, &req);
    assert_true(client_recv(&c, &msg));
    assert_int_equal(msg.data[1], 17);                  /* OFPT10_STATS_REPLY */
    assert_int_equal(msg.size, 12 + 88 + 8);            /* one entry, one OFPAT10_OUTPUT */
    ofpbuf_init(&up, 256);
    assert_int_equal(ofp_msg_upgrade(msg.data, msg.size, &up, &err), 0);
    struct ofp_multipart mp;
    struct ofp_flow_stats fs;
    assert_int_equal(ofp_decode_multipart(up.data, up.size, &mp, &err), 0);
    const uint8_t *p = mp.body;
    size_t left = mp.body_len;
    assert_int_equal(ofp_pull_flow_stats(&p, &left, &fs, &err), 0);
    assert_int_equal(fs.table_id, 2);
    assert_int_equal(fs.priority, 9);
    assert_int_equal(ntohs(fs.match.flow.tp_dst_be), 22);
    ofpacts_destroy(&fs.ofpacts);
    ofpbuf_uninit(&up);

    /* Bad messages: an error in 1.0, quoting the request; the connection stays up. */
    ofpbuf_clear(&req);
    ofp_encode_simple(&req, OFP10_VERSION, OFPT_FLOW_MOD, 6);        /* no body */
    client_send(&c, &req);
    expect_error(&c, OFP10_VERSION, 6, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN, &req);
    check_alive(&c, OFP10_VERSION, 7);

    const uint8_t unknown[8] = { 1, 22, 0, 8, 0, 0, 0, 8 };      /* no 1.0 type 22 */
    ofpbuf_clear(&req);
    ofpbuf_put(&req, unknown, sizeof unknown);
    client_send(&c, &req);
    expect_error(&c, OFP10_VERSION, 8, OFPET_BAD_REQUEST, OFPBRC_BAD_TYPE, &req);

    ofpbuf_clear(&req);
    ofp_encode_multipart_request(&req, OFP10_VERSION, 9, OFPMP_METER_FEATURES, NULL, 0);
    client_send(&c, &req);
    expect_error(&c, OFP10_VERSION, 9, OFPET_BAD_REQUEST, 2 /* OFPBRC_BAD_STAT */, &req);

    /* A flow-mod the pipeline rejects with a match error (1.0 has none) comes back as
     * FLOW_MOD_FAILED (1.0 type 3) / UNSUPPORTED (5). */
    fx->ofproto->fail_next = (struct ofperr) { OFPET_BAD_MATCH, OFPBMC_BAD_PREREQ };
    assert_null(ofp_parse_flow_mod("priority=3,actions=drop", OFPFC_ADD, NULL, NULL, &fm));
    ofpbuf_clear(&req);
    ofp_encode_flow_mod(&req, OFP10_VERSION, 10, &fm);
    ofp_flow_mod_destroy(&fm);
    client_send(&c, &req);
    expect_error(&c, OFP10_VERSION, 10, 3, 5, &req);

    /* A message in another version than the one negotiated. */
    ofpbuf_clear(&req);
    ofp_encode_simple(&req, OFP13_VERSION, OFPT_BARRIER_REQUEST, 11);
    client_send(&c, &req);
    expect_error(&c, OFP10_VERSION, 11, OFPET_BAD_REQUEST, OFPBRC_BAD_VERSION, &req);

    check_alive(&c, OFP10_VERSION, 12);
    ofpbuf_uninit(&req);
    ofpbuf_uninit(&msg);
    client_close(&c);
}

static void
test_of15_session(void **state)
{
    struct ofpbuf req, msg;
    struct client c;

    client_open(&c, OFP_VERSION_BIT(OFP13_VERSION) | OFP_VERSION_BIT(OFP15_VERSION));
    check_alive(&c, OFP15_VERSION, 1);
    ofpbuf_init(&req, 128);
    ofpbuf_init(&msg, 1024);

    /* A flow-mod with the 1.5 meter action: stored as the meter instruction. */
    struct ofp_flow_mod fm;
    assert_null(ofp_parse_flow_mod("priority=9,actions=meter:2,output:1", OFPFC_ADD, NULL, NULL,
                                   &fm));
    ofp_encode_flow_mod(&req, OFP15_VERSION, 2, &fm);
    ofp_flow_mod_destroy(&fm);
    ofp_encode_simple(&req, OFP15_VERSION, OFPT_BARRIER_REQUEST, 3);
    client_send(&c, &req);
    assert_true(client_recv(&c, &msg));
    assert_int_equal(msg.data[1], OFPT_BARRIER_REPLY);
    assert_int_equal(fx->ofproto->n_rules, 1);
    assert_int_equal(fx->ofproto->rules[0].ofpacts.acts[0].type, OFPACT_METER);

    /* A 1.5 port-description request carries a port number. */
    ofpbuf_clear(&req);
    ofp_encode_multipart_request(&req, OFP15_VERSION, 4, OFPMP_PORT_DESC, NULL, 0);
    assert_int_equal(req.size, 24);
    client_send(&c, &req);
    assert_true(client_recv(&c, &msg));
    assert_int_equal(msg.data[1], OFPT_MULTIPART_REPLY);
    assert_int_equal(msg.size, 16 + 2 * 72);          /* 1.4/1.5 ports, with properties */

    /* A packet-out cut inside its match: BAD_LEN, connection up. */
    ofpbuf_clear(&req);
    struct ofp_packet_out po = { .buffer_id = OFP_NO_BUFFER, .in_port = 1 };
    ofpacts_init(&po.ofpacts);
    ofp_encode_packet_out(&req, OFP15_VERSION, 5, &po);
    req.size = 20;
    ofp_set_be16(req.data + 2, 20);
    client_send(&c, &req);
    expect_error(&c, OFP15_VERSION, 5, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN, &req);
    check_alive(&c, OFP15_VERSION, 6);

    ofpbuf_uninit(&req);
    ofpbuf_uninit(&msg);
    client_close(&c);
}

static void
test_protocols_limit(void **state)
{
    struct ofpbuf msg;
    struct client c;

    /* Bridge.protocols = OpenFlow13: the switch offers only 1.3; a 1.0 peer is refused with a
     * HELLO_FAILED in 1.0, a 1.5-capable one gets 1.3. */
    connmgr_set_allowed_versions(fx->mgr, OFP_VERSION_BIT(OFP13_VERSION));
    assert_int_equal(client_open(&c, OFP_VERSION_BIT(OFP10_VERSION)), OFP13_VERSION);
    ofpbuf_init(&msg, 256);
    assert_true(client_recv(&c, &msg));
    assert_int_equal(msg.data[0], OFP10_VERSION);
    assert_int_equal(msg.data[1], OFPT_ERROR);
    assert_int_equal(ofp_get_be16(msg.data + 8), OFPET_HELLO_FAILED);
    assert_false(client_recv(&c, &msg));
    client_close(&c);

    client_open(&c, OFP_VERSION_BIT(OFP13_VERSION) | OFP_VERSION_BIT(OFP15_VERSION));
    check_alive(&c, OFP13_VERSION, 1);
    client_close(&c);

    /* Versions the codec does not speak (1.1, 1.2) are never allowed. */
    connmgr_set_allowed_versions(fx->mgr, OFP_VERSION_BIT(0x02) | OFP_VERSION_BIT(0x03));
    assert_int_equal(client_open(&c, OFP_VERSION_BIT(0x02) | OFP_VERSION_BIT(0x03)),
                     OFP13_VERSION);          /* with an empty bitmap */
    assert_true(client_recv(&c, &msg));
    assert_int_equal(msg.data[1], OFPT_ERROR);
    assert_int_equal(ofp_get_be16(msg.data + 8), OFPET_HELLO_FAILED);
    client_close(&c);
    ofpbuf_uninit(&msg);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_of10_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_of15_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_protocols_limit, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
