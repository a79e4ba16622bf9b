/*
 * test-connmgr-bundle — connmgr's OpenFlow 1.4 additions over a real unix socket, against the fake
 * ofproto (fake-ofproto.c): bundles (open/add/close/commit/discard of flow-mods and group-mods, all
 * or none, the error of the failing message then OFPBFC_MSG_FAILED, the bundle errors a controller
 * can provoke), the
 * property-based async configuration, ROLE_STATUS to the controller a new master demotes, the
 * snoop socket's copy of a controller's traffic, and the group/queue multiparts. The client is
 * plain sockets and the codec, sharing no I/O code with connmgr.
 */
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
#include "ofproto/ofp-async.h"
#include "ofproto/ofp-bundle.h"
#include "ofproto/ofp-group.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-parse.h"
#include "ofproto/ofp-print.h"

static char dir[64];
static struct ofproto *ofproto;
static struct connmgr *mgr;

static int
setup(void **state)
{
    (void) state;
    strcpy(dir, "/tmp/uvs-test-connmgr-bundle-XXXXXX");
    assert_non_null(mkdtemp(dir));
    setenv("UVS_RUNDIR", dir, 1);
    ofproto = fake_ofproto_create("br0", 1);
    fake_ofproto_add_port(ofproto, 1, "p0");
    fake_ofproto_add_port(ofproto, 2, "p1");
    mgr = connmgr_create(ofproto, "br0");
    assert_non_null(mgr);
    return 0;
}

static int
teardown(void **state)
{
    (void) state;
    connmgr_destroy(mgr);
    fake_ofproto_destroy(ofproto);
    char *ctl = xasprintf("%s/ctl.sock", dir);
    unlink(ctl);
    free(ctl);
    rmdir(dir);
    return 0;
}

/* ---- A minimal client; every wait runs connmgr_run(). ---- */

struct client {
    int fd;
    struct ofpbuf rx;
    uint8_t version;
};

static void
client_connect(struct client *c, const char *file, uint32_t versions)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    struct ofpbuf b;

    snprintf(sun.sun_path, sizeof sun.sun_path, "%s/%s", dir, file);
    c->fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(c->fd >= 0);
    assert_int_equal(connect(c->fd, (struct sockaddr *) &sun, sizeof sun), 0);
    assert_int_equal(fcntl(c->fd, F_SETFL, O_NONBLOCK), 0);
    ofpbuf_init(&c->rx, 65536);
    ofpbuf_init(&b, 64);
    ofp_encode_hello(&b, versions, 1);
    assert_int_equal(send(c->fd, b.data, b.size, 0), (ssize_t) b.size);
    ofpbuf_uninit(&b);
    c->version = 31 - __builtin_clz(versions);
}

static void
client_close(struct client *c)
{
    close(c->fd);
    ofpbuf_uninit(&c->rx);
}

static void
client_send(struct client *c, const struct ofpbuf *b)
{
    assert_int_equal(send(c->fd, b->data, b->size, MSG_NOSIGNAL), (ssize_t) b->size);
}

/* Receives the next message other than HELLO into MSG; false if none came in time. */
static bool
client_recv(struct client *c, struct ofpbuf *msg)
{
    for (int i = 0; i < 2000; i++) {
        int len = ofp_msg_frame_len(c->rx.data, c->rx.size);
        if (len > 0 && (size_t) len <= c->rx.size) {
            ofpbuf_clear(msg);
            ofpbuf_put(msg, c->rx.data, len);
            ofpbuf_pull(&c->rx, len);
            if (msg->data[1] == OFPT_HELLO) {
                continue;
            }
            return true;
        }
        connmgr_run(mgr);
        uint8_t buf[65536];
        ssize_t r = recv(c->fd, buf, sizeof buf, 0);
        if (r > 0) {
            ofpbuf_put(&c->rx, buf, r);
        } else if (i > 20) {
            struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
            poll(&pfd, 1, 1);
        }
    }
    return false;
}

static void
expect_type(struct client *c, struct ofpbuf *msg, uint8_t type, uint32_t xid)
{
    assert_true(client_recv(c, msg));
    if (msg->data[1] != type) {
        struct ofperr e = { 0, 0 };
        if (msg->data[1] == OFPT_ERROR) {
            e = (struct ofperr) { ofp_get_be16(msg->data + 8), ofp_get_be16(msg->data + 10) };
        }
        fail_msg("expected type %u, received %s (%s)", type, ofp_type_name(msg->data[1]),
                 ofperr_code_name(e));
    }
    assert_int_equal(msg->data[0], c->version);
    assert_int_equal(ofp_get_be32(msg->data + 4), xid);
}

static void
expect_error(struct client *c, uint32_t xid, uint16_t type, uint16_t code)
{
    struct ofpbuf msg;
    ofpbuf_init(&msg, 128);
    expect_type(c, &msg, OFPT_ERROR, xid);
    struct ofperr e = { ofp_get_be16(msg.data + 8), ofp_get_be16(msg.data + 10) };
    if (e.type != type || e.code != code) {
        fail_msg("error %s, expected %s", ofperr_code_name(e),
                 ofperr_code_name((struct ofperr) { type, code }));
    }
    ofpbuf_uninit(&msg);
}

/* Nothing more arrives (the switch runs a while first). */
static void
expect_silence(struct client *c)
{
    struct ofpbuf msg;
    ofpbuf_init(&msg, 128);
    for (int i = 0; i < 50; i++) {
        connmgr_run(mgr);
    }
    uint8_t buf[4096];
    ssize_t r = recv(c->fd, buf, sizeof buf, 0);
    if (r > 0) {
        ofpbuf_put(&c->rx, buf, r);
    }
    int len = ofp_msg_frame_len(c->rx.data, c->rx.size);
    if (len > 0 && c->rx.data[1] != OFPT_HELLO) {
        fail_msg("unexpected %s", ofp_type_name(c->rx.data[1]));
    }
    ofpbuf_uninit(&msg);
}

static void
bundle_ctrl(struct client *c, uint32_t xid, uint32_t id, uint16_t type, uint16_t flags)
{
    struct ofp_bundle_ctrl bc = { id, type, flags };
    struct ofpbuf b;
    ofpbuf_init(&b, 32);
    ofp_encode_bundle_ctrl(&b, c->version, xid, &bc);
    client_send(c, &b);
    ofpbuf_uninit(&b);
}

static void
expect_bundle_reply(struct client *c, uint32_t xid, uint32_t id, uint16_t type)
{
    struct ofpbuf msg;
    struct ofp_bundle_ctrl bc;
    struct ofperr err;
    ofpbuf_init(&msg, 64);
    expect_type(c, &msg, OFPT_BUNDLE_CONTROL, xid);
    assert_int_equal(ofp_decode_bundle_ctrl(msg.data, msg.size, &bc, &err), 0);
    assert_int_equal(bc.bundle_id, id);
    assert_int_equal(bc.type, type);
    ofpbuf_uninit(&msg);
}

/* Adds FLOW (add-flow syntax, table T) to bundle ID with XID. */
static void
bundle_add_flow(struct client *c, uint32_t xid, uint32_t id, uint16_t flags, const char *flow)
{
    struct ofp_flow_mod fm;
    struct ofpbuf inner, b;
    assert_null(ofp_parse_flow_mod(flow, OFPFC_ADD, NULL, NULL, &fm));
    ofpbuf_init(&inner, 256);
    ofpbuf_init(&b, 256);
    ofp_encode_flow_mod(&inner, c->version, xid, &fm);
    ofp_encode_bundle_add(&b, c->version, xid, id, flags, inner.data, inner.size);
    client_send(c, &b);
    ofp_flow_mod_destroy(&fm);
    ofpbuf_uninit(&inner);
    ofpbuf_uninit(&b);
}

static const uint16_t AO = OFPBF_ATOMIC | OFPBF_ORDERED;

static void
test_bundle_commit(void **state)
{
    struct client c;

    (void) state;
    client_connect(&c, "br0.mgmt", OFP_VERSION_BIT(OFP14_VERSION));
    bundle_ctrl(&c, 10, 1, OFPBCT_OPEN_REQUEST, AO);
    expect_bundle_reply(&c, 10, 1, OFPBCT_OPEN_REPLY);
    bundle_add_flow(&c, 11, 1, AO, "priority=5,in_port=1,actions=output:2");
    bundle_add_flow(&c, 12, 1, AO, "priority=5,in_port=2,actions=output:1");
    expect_silence(&c);                       /* Adds have no reply... */
    assert_int_equal(ofproto->n_rules, 0);    /* ...and change nothing yet. */
    bundle_ctrl(&c, 13, 1, OFPBCT_CLOSE_REQUEST, AO);
    expect_bundle_reply(&c, 13, 1, OFPBCT_CLOSE_REPLY);
    bundle_add_flow(&c, 14, 1, AO, "priority=6,actions=drop");
    expect_error(&c, 14, OFPET_BUNDLE_FAILED, OFPBFC_BUNDLE_CLOSED);
    bundle_ctrl(&c, 15, 1, OFPBCT_COMMIT_REQUEST, AO);
    expect_bundle_reply(&c, 15, 1, OFPBCT_COMMIT_REPLY);
    assert_int_equal(ofproto->n_rules, 2);
    /* The bundle is gone after its commit. */
    bundle_ctrl(&c, 16, 1, OFPBCT_COMMIT_REQUEST, AO);
    expect_error(&c, 16, OFPET_BUNDLE_FAILED, OFPBFC_BAD_ID);

    /* All or none: the third add fails (table 254 does not exist), nothing is applied, the
     * failing message's error comes with its xid, then MSG_FAILED for the commit. An ADD to an
     * unknown id opens the bundle. */
    bundle_add_flow(&c, 20, 2, AO, "priority=7,in_port=1,actions=drop");
    bundle_add_flow(&c, 21, 2, AO, "priority=7,in_port=2,actions=drop");
    bundle_add_flow(&c, 22, 2, AO, "table=254,priority=7,actions=drop");
    bundle_ctrl(&c, 23, 2, OFPBCT_COMMIT_REQUEST, AO);
    expect_error(&c, 22, OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_TABLE_ID);
    expect_error(&c, 23, OFPET_BUNDLE_FAILED, OFPBFC_MSG_FAILED);
    assert_int_equal(ofproto->n_rules, 2);

    /* A group-mod in a bundle goes through ofproto_bundle_commit() too (the fake switch refuses
     * every group-mod): its error, then MSG_FAILED, and the flow added before it is not kept. */
    struct ofp_group_mod gm;
    struct ofpbuf inner, b;
    assert_null(ofp_parse_group_mod("group_id=1,type=all,bucket=output:1", OFPGC_ADD, NULL, NULL,
                                    &gm));
    ofpbuf_init(&inner, 128);
    ofpbuf_init(&b, 256);
    bundle_add_flow(&c, 24, 4, AO, "priority=9,in_port=1,actions=drop");
    ofp_encode_group_mod(&inner, c.version, 25, &gm);
    ofp_encode_bundle_add(&b, c.version, 25, 4, AO, inner.data, inner.size);
    client_send(&c, &b);
    bundle_ctrl(&c, 26, 4, OFPBCT_COMMIT_REQUEST, AO);
    expect_error(&c, 25, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_COMMAND);
    expect_error(&c, 26, OFPET_BUNDLE_FAILED, OFPBFC_MSG_FAILED);
    assert_int_equal(ofproto->n_rules, 2);
    ofp_group_mod_destroy(&gm);
    ofpbuf_uninit(&inner);
    ofpbuf_uninit(&b);

    /* Discard drops a bundle unapplied. */
    bundle_add_flow(&c, 30, 3, 0, "priority=8,actions=drop");
    bundle_ctrl(&c, 31, 3, OFPBCT_DISCARD_REQUEST, 0);
    expect_bundle_reply(&c, 31, 3, OFPBCT_DISCARD_REPLY);
    assert_int_equal(ofproto->n_rules, 2);
    client_close(&c);
}

static void
test_bundle_errors(void **state)
{
    struct client c, c13;
    struct ofpbuf b, inner;

    (void) state;
    client_connect(&c, "br0.mgmt", OFP_VERSION_BIT(OFP14_VERSION));
    ofpbuf_init(&b, 128);
    ofpbuf_init(&inner, 64);
    bundle_ctrl(&c, 1, 9, OFPBCT_OPEN_REQUEST, OFPBF_ATOMIC);
    expect_bundle_reply(&c, 1, 9, OFPBCT_OPEN_REPLY);
    bundle_ctrl(&c, 2, 9, OFPBCT_OPEN_REQUEST, OFPBF_ATOMIC);
    expect_error(&c, 2, OFPET_BUNDLE_FAILED, OFPBFC_BUNDLE_EXIST);
    /* Flags must match the bundle's. */
    bundle_add_flow(&c, 3, 9, AO, "actions=drop");
    expect_error(&c, 3, OFPET_BUNDLE_FAILED, OFPBFC_BAD_FLAGS);
    bundle_ctrl(&c, 4, 9, OFPBCT_COMMIT_REQUEST, 0);
    expect_error(&c, 4, OFPET_BUNDLE_FAILED, OFPBFC_BAD_FLAGS);
    /* Messages that cannot be bundled; a reply type sent to the switch. */
    ofp_encode_simple(&inner, OFP14_VERSION, OFPT_BARRIER_REQUEST, 5);
    ofp_encode_bundle_add(&b, OFP14_VERSION, 5, 9, OFPBF_ATOMIC, inner.data, inner.size);
    client_send(&c, &b);
    expect_error(&c, 5, OFPET_BUNDLE_FAILED, OFPBFC_MSG_UNSUP);
    bundle_ctrl(&c, 6, 9, OFPBCT_OPEN_REPLY, OFPBF_ATOMIC);
    expect_error(&c, 6, OFPET_BUNDLE_FAILED, OFPBFC_BAD_TYPE);
    /* A malformed inner flow-mod is refused when added, with its own error. */
    ofpbuf_clear(&b);
    ofpbuf_clear(&inner);
    ofp_encode_simple(&inner, OFP14_VERSION, OFPT_FLOW_MOD, 7);
    ofp_encode_bundle_add(&b, OFP14_VERSION, 7, 9, OFPBF_ATOMIC, inner.data, inner.size);
    client_send(&c, &b);
    expect_error(&c, 7, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
    /* Out of bundles. */
    for (uint32_t id = 100; id < 100 + 15; id++) {
        bundle_ctrl(&c, id, id, OFPBCT_OPEN_REQUEST, 0);
        expect_bundle_reply(&c, id, id, OFPBCT_OPEN_REPLY);
    }
    bundle_ctrl(&c, 200, 200, OFPBCT_OPEN_REQUEST, 0);
    expect_error(&c, 200, OFPET_BUNDLE_FAILED, OFPBFC_OUT_OF_BUNDLES);
    /* Unknown ids. */
    bundle_ctrl(&c, 201, 77, OFPBCT_CLOSE_REQUEST, 0);
    expect_error(&c, 201, OFPET_BUNDLE_FAILED, OFPBFC_BAD_ID);
    bundle_ctrl(&c, 202, 77, OFPBCT_DISCARD_REQUEST, 0);
    expect_error(&c, 202, OFPET_BUNDLE_FAILED, OFPBFC_BAD_ID);

    /* OpenFlow 1.3 has no bundles (only an ONF extension uvs does not implement). */
    client_connect(&c13, "br0.mgmt", OFP_VERSION_BIT(OFP13_VERSION));
    bundle_ctrl(&c13, 3, 1, OFPBCT_OPEN_REQUEST, 0);
    expect_error(&c13, 3, OFPET_BAD_REQUEST, OFPBRC_BAD_TYPE);
    client_close(&c13);
    assert_int_equal(ofproto->n_rules, 0);
    /* The connection is still up. */
    bundle_ctrl(&c, 300, 9, OFPBCT_DISCARD_REQUEST, OFPBF_ATOMIC);
    expect_bundle_reply(&c, 300, 9, OFPBCT_DISCARD_REPLY);
    ofpbuf_uninit(&b);
    ofpbuf_uninit(&inner);
    client_close(&c);
}

static void
test_async_and_role_status(void **state)
{
    struct client m1, m2, old;
    struct ofpbuf b;
    struct ofperr err;
    struct ofp_async_props ap;

    (void) state;
    client_connect(&m1, "br0.mgmt", OFP_VERSION_BIT(OFP14_VERSION));
    client_connect(&m2, "br0.mgmt", OFP_VERSION_BIT(OFP14_VERSION));
    client_connect(&old, "br0.mgmt", OFP_VERSION_BIT(OFP13_VERSION));
    ofpbuf_init(&b, 256);

    /* 1.4 GET_ASYNC: properties with the defaults (slaves get port and role status). */
    ofp_encode_simple(&b, OFP14_VERSION, OFPT_GET_ASYNC_REQUEST, 2);
    client_send(&m1, &b);
    expect_type(&m1, &b, OFPT_GET_ASYNC_REPLY, 2);
    memset(&ap, 0, sizeof ap);
    assert_int_equal(ofp_decode_async_props(b.data, b.size, &ap, &err), 0);
    assert_int_equal(ap.masks[OFP_ASYNC_PACKET_IN][0], 0x7);
    assert_int_equal(ap.masks[OFP_ASYNC_PACKET_IN][1], 0);
    assert_int_equal(ap.masks[OFP_ASYNC_ROLE_STATUS][1], 0x7);
    /* SET_ASYNC with one property, then read back. */
    ofpbuf_clear(&b);
    size_t start = ofp_msg_start(&b, OFP14_VERSION, OFPT_SET_ASYNC, 3);
    ofpbuf_put_be16(&b, 0);             /* PACKET_IN_SLAVE */
    ofpbuf_put_be16(&b, 8);
    ofpbuf_put_be32(&b, 0x1);
    ofp_msg_finish(&b, start);
    ofp_encode_simple(&b, OFP14_VERSION, OFPT_GET_ASYNC_REQUEST, 4);
    client_send(&m1, &b);
    expect_type(&m1, &b, OFPT_GET_ASYNC_REPLY, 4);
    assert_int_equal(ofp_decode_async_props(b.data, b.size, &ap, &err), 0);
    assert_int_equal(ap.masks[OFP_ASYNC_PACKET_IN][1], 0x1);
    assert_int_equal(ap.masks[OFP_ASYNC_PACKET_IN][0], 0x7);
    /* An unknown property type is refused. */
    ofpbuf_clear(&b);
    start = ofp_msg_start(&b, OFP14_VERSION, OFPT_SET_ASYNC, 5);
    ofpbuf_put_be16(&b, 99);
    ofpbuf_put_be16(&b, 8);
    ofpbuf_put_be32(&b, 0x1);
    ofp_msg_finish(&b, start);
    client_send(&m1, &b);
    expect_error(&m1, 5, OFPET_ASYNC_CONFIG_FAILED, OFPACFC_UNSUPPORTED);

    /* m1, then old (1.3), become master; m2 takes over: m1 gets no status (it is not master any
     * more), old gets none (1.3 has no ROLE_STATUS); then m2 replaces a 1.4 master: it gets one. */
    ofpbuf_clear(&b);
    ofp_encode_role(&b, OFP13_VERSION, OFPT_ROLE_REQUEST, 6, OFPCR_ROLE_MASTER, 1);
    client_send(&old, &b);
    expect_type(&old, &b, OFPT_ROLE_REPLY, 6);
    ofpbuf_clear(&b);
    ofp_encode_role(&b, OFP14_VERSION, OFPT_ROLE_REQUEST, 7, OFPCR_ROLE_MASTER, 2);
    client_send(&m1, &b);
    expect_type(&m1, &b, OFPT_ROLE_REPLY, 7);
    expect_silence(&old);
    ofpbuf_clear(&b);
    ofp_encode_role(&b, OFP14_VERSION, OFPT_ROLE_REQUEST, 8, OFPCR_ROLE_MASTER, 3);
    client_send(&m2, &b);
    expect_type(&m2, &b, OFPT_ROLE_REPLY, 8);
    expect_silence(&m2);               /* The new master is not told about itself. */
    expect_type(&m1, &b, OFPT_ROLE_STATUS, 0);
    struct ofp_role_status rs;
    assert_int_equal(ofp_decode_role_status(b.data, b.size, &rs, &err), 0);
    assert_int_equal(rs.role, OFPCR_ROLE_SLAVE);
    assert_int_equal(rs.reason, OFPCRR_MASTER_REQUEST);
    assert_true(rs.generation_id == 3);

    /* A slave that turned role status off is not told. */
    ofpbuf_clear(&b);
    ofp_encode_role(&b, OFP14_VERSION, OFPT_ROLE_REQUEST, 9, OFPCR_ROLE_MASTER, 4);
    client_send(&m1, &b);
    expect_type(&m1, &b, OFPT_ROLE_REPLY, 9);
    expect_type(&m2, &b, OFPT_ROLE_STATUS, 0);
    ofpbuf_clear(&b);
    start = ofp_msg_start(&b, OFP14_VERSION, OFPT_SET_ASYNC, 10);
    ofpbuf_put_be16(&b, 6);             /* ROLE_STATUS_SLAVE */
    ofpbuf_put_be16(&b, 8);
    ofpbuf_put_be32(&b, 0);
    ofp_msg_finish(&b, start);
    client_send(&m1, &b);
    ofpbuf_clear(&b);
    ofp_encode_role(&b, OFP14_VERSION, OFPT_ROLE_REQUEST, 11, OFPCR_ROLE_MASTER, 5);
    client_send(&m2, &b);
    expect_type(&m2, &b, OFPT_ROLE_REPLY, 11);
    expect_silence(&m1);

    ofpbuf_uninit(&b);
    client_close(&m1);
    client_close(&m2);
    client_close(&old);
}

static void
test_snoop(void **state)
{
    struct client ctl, snoop, svc;
    struct ofpbuf b;
    struct ofperr err;
    char target[128];

    (void) state;
    /* A controller connection (punix: listener), a snooper, and a service connection. */
    snprintf(target, sizeof target, "punix:%s/ctl.sock", dir);
    struct connmgr_controller_cfg cfg = { target, 1000, 0, 100, 25 };
    connmgr_set_controllers(mgr, &cfg, 1);
    connmgr_run(mgr);
    client_connect(&snoop, "br0.snoop", OFP_SUPPORTED_VERSIONS);
    client_connect(&ctl, "ctl.sock", OFP_VERSION_BIT(OFP13_VERSION));
    client_connect(&svc, "br0.mgmt", OFP_VERSION_BIT(OFP13_VERSION));
    ofpbuf_init(&b, 256);
    for (int i = 0; i < 20; i++) {
        connmgr_run(mgr);
    }

    struct ofp_flow_mod fm;
    assert_null(ofp_parse_flow_mod("priority=9,in_port=1,actions=drop", OFPFC_ADD, NULL, NULL,
                                   &fm));
    ofp_encode_flow_mod(&b, OFP13_VERSION, 42, &fm);
    ofp_encode_simple(&b, OFP13_VERSION, OFPT_BARRIER_REQUEST, 43);
    client_send(&ctl, &b);
    expect_type(&ctl, &b, OFPT_BARRIER_REPLY, 43);
    /* The snooper sees the controller's HELLO, flow-mod and barrier, and the barrier reply
     * (after the switch's HELLO, which client_recv() skips). */
    snoop.version = OFP13_VERSION;       /* The copies are in the controller's version. */
    expect_type(&snoop, &b, OFPT_FLOW_MOD, 42);
    struct ofp_flow_mod got;
    assert_int_equal(ofp_decode_flow_mod(b.data, b.size, &got, &err), 0);
    assert_int_equal(got.priority, 9);
    ofp_flow_mod_destroy(&got);
    expect_type(&snoop, &b, OFPT_BARRIER_REQUEST, 43);
    expect_type(&snoop, &b, OFPT_BARRIER_REPLY, 43);

    /* A service connection's traffic is not copied; what a snooper sends is ignored. */
    ofpbuf_clear(&b);
    ofp_encode_flow_mod(&b, OFP13_VERSION, 50, &fm);
    client_send(&svc, &b);
    client_send(&snoop, &b);
    expect_silence(&snoop);
    ofp_flow_mod_destroy(&fm);
    assert_int_equal(ofproto->n_flow_mods, 2);

    ofpbuf_uninit(&b);
    client_close(&ctl);
    client_close(&snoop);
    client_close(&svc);
    connmgr_set_controllers(mgr, NULL, 0);
}

static void
test_group_and_queue_multiparts(void **state)
{
    struct client c;
    struct ofpbuf b;
    struct ofperr err;
    struct ofp_multipart mp;

    (void) state;
    client_connect(&c, "br0.mgmt", OFP_VERSION_BIT(OFP13_VERSION));
    ofpbuf_init(&b, 256);
    ofp_encode_multipart_request(&b, OFP13_VERSION, 2, OFPMP_GROUP_FEATURES, NULL, 0);
    client_send(&c, &b);
    expect_type(&c, &b, OFPT_MULTIPART_REPLY, 2);
    assert_int_equal(ofp_decode_multipart(b.data, b.size, &mp, &err), 0);
    struct ofp_group_features gf;
    assert_int_equal(ofp_decode_group_features(mp.body, mp.body_len, &gf, &err), 0);
    assert_int_equal(gf.types, 0xf);
    assert_true(gf.capabilities & OFPGFC_SELECT_LIVENESS);

    ofpbuf_clear(&b);
    ofp_encode_group_stats_request(&b, OFP13_VERSION, 3, OFPG_ALL);
    client_send(&c, &b);
    expect_type(&c, &b, OFPT_MULTIPART_REPLY, 3);
    assert_int_equal(ofp_decode_multipart(b.data, b.size, &mp, &err), 0);
    assert_int_equal(mp.type, OFPMP_GROUP);

    /* Queues: none configured. All queues of all ports or of port 1: empty; a queue id or an
     * unknown port: OFPET_QUEUE_OP_FAILED; a bad body length: BAD_LEN. */
    static const struct { uint32_t port, queue; int code; } qs[] = {
        { OFPP_ANY, 0xffffffff, -1 }, { 1, 0xffffffff, -1 }, { 1, 0, 1 }, { 99, 0xffffffff, 0 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(qs); i++) {
        uint8_t body[8];
        ofp_set_be32(body, qs[i].port);
        ofp_set_be32(body + 4, qs[i].queue);
        ofpbuf_clear(&b);
        ofp_encode_multipart_request(&b, OFP13_VERSION, 10 + i, OFPMP_QUEUE, body, 8);
        client_send(&c, &b);
        if (qs[i].code < 0) {
            expect_type(&c, &b, OFPT_MULTIPART_REPLY, 10 + i);
            assert_int_equal(ofp_decode_multipart(b.data, b.size, &mp, &err), 0);
            assert_int_equal(mp.body_len, 0);
        } else {
            expect_error(&c, 10 + i, 9, qs[i].code);
        }
    }
    ofpbuf_clear(&b);
    ofp_encode_multipart_request(&b, OFP13_VERSION, 20, OFPMP_QUEUE, NULL, 0);
    client_send(&c, &b);
    expect_error(&c, 20, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
    ofpbuf_uninit(&b);
    client_close(&c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bundle_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bundle_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_async_and_role_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snoop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_and_queue_multiparts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
