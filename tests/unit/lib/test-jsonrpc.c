/* Unit tests for lib/jsonrpc: framing of concatenated JSON objects (RFC 7047 §4), message
 * conversion, errors, and the blocking helpers. The peer is a raw unix socket so the test controls
 * exactly which bytes arrive when. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/jsonrpc.h"
#include "lib/stream.h"
#include "lib/util.h"

struct pair {
    char dir[64];
    struct pstream *listener;
    struct stream *client;      /* raw side, written with write(2) */
    struct jsonrpc *server;     /* jsonrpc side under test */
};

static int
setup(void **state)
{
    struct pair *p = xzalloc(sizeof *p);
    strcpy(p->dir, "/tmp/uvs-test-jsonrpc-XXXXXX");
    assert_non_null(mkdtemp(p->dir));
    char *pname = xasprintf("punix:%s/s.sock", p->dir);
    char *aname = xasprintf("unix:%s/s.sock", p->dir);
    assert_int_equal(pstream_open(pname, &p->listener), 0);
    assert_int_equal(stream_open_block(aname, 5000, &p->client), 0);
    struct stream *s = NULL;
    for (int i = 0; i < 100 && pstream_accept(p->listener, &s) == -EAGAIN; i++) {
        usleep(1000);
    }
    assert_non_null(s);
    p->server = jsonrpc_open(s);
    free(pname);
    free(aname);
    *state = p;
    return 0;
}

static int
teardown(void **state)
{
    struct pair *p = *state;
    jsonrpc_close(p->server);
    stream_close(p->client);
    pstream_close(p->listener);
    rmdir(p->dir);
    free(p);
    return 0;
}

static void
raw_write(struct pair *p, const char *bytes, size_t n)
{
    assert_int_equal(write(stream_get_fd(p->client), bytes, n), (ssize_t) n);
}

static void
test_several_in_one_buffer(void **state)
{
    struct pair *p = *state;
    const char *buf = "{\"method\":\"echo\",\"params\":[],\"id\":1}"
                      "{\"id\":2,\"result\":[1,2],\"error\":null}\n  "
                      "{\"method\":\"update\",\"params\":[\"a\",{}],\"id\":null}"
                      "{\"id\":\"x\",\"result\":null,\"error\":\"boom\"}";
    raw_write(p, buf, strlen(buf));
    struct jsonrpc_msg *m;

    assert_int_equal(jsonrpc_recv(p->server, &m), 0);
    assert_int_equal(m->type, JSONRPC_REQUEST);
    assert_string_equal(m->method, "echo");
    assert_int_equal(json_integer_value(m->id), 1);
    assert_int_equal(json_array_size(m->params), 0);
    jsonrpc_msg_destroy(m);

    assert_int_equal(jsonrpc_recv(p->server, &m), 0);
    assert_int_equal(m->type, JSONRPC_REPLY);
    assert_int_equal(json_integer_value(m->id), 2);
    assert_int_equal(json_array_size(m->result), 2);
    jsonrpc_msg_destroy(m);

    assert_int_equal(jsonrpc_recv(p->server, &m), 0);
    assert_int_equal(m->type, JSONRPC_NOTIFY);
    assert_string_equal(m->method, "update");
    assert_string_equal(json_string_value(json_array_get(m->params, 0)), "a");
    jsonrpc_msg_destroy(m);

    assert_int_equal(jsonrpc_recv(p->server, &m), 0);
    assert_int_equal(m->type, JSONRPC_ERROR);
    assert_string_equal(json_string_value(m->error), "boom");
    assert_string_equal(json_string_value(m->id), "x");
    jsonrpc_msg_destroy(m);

    assert_int_equal(jsonrpc_recv(p->server, &m), -EAGAIN);
    assert_null(m);
    assert_int_equal(jsonrpc_get_status(p->server), 0);
}

static void
test_split_byte_by_byte(void **state)
{
    struct pair *p = *state;
    /* Two messages, the second with nested objects/arrays and a string holding braces. */
    const char *buf = "{\"method\":\"transact\",\"params\":[\"Open_vSwitch\",{\"op\":\"select\","
                      "\"table\":\"Bridge\",\"where\":[[\"name\",\"==\",\"br{0}\"]]}],\"id\":7}"
                      "{\"id\":8,\"result\":{\"a\":[{},[]]},\"error\":null}";
    size_t len = strlen(buf);
    const char *first_end = strstr(buf, "\"id\":7}") + strlen("\"id\":7}");
    struct jsonrpc_msg *m = NULL;
    int n_msgs = 0;
    for (size_t i = 0; i < len; i++) {
        raw_write(p, buf + i, 1);
        int error = jsonrpc_recv(p->server, &m);
        if (buf + i + 1 == first_end || i + 1 == len) {
            assert_int_equal(error, 0);
            n_msgs++;
            if (n_msgs == 1) {
                assert_string_equal(m->method, "transact");
                json_t *op = json_array_get(m->params, 1);
                json_t *where = json_array_get(json_object_get(op, "where"), 0);
                assert_string_equal(json_string_value(json_array_get(where, 2)), "br{0}");
            } else {
                assert_int_equal(m->type, JSONRPC_REPLY);
                assert_int_equal(json_integer_value(m->id), 8);
            }
            jsonrpc_msg_destroy(m);
        } else {
            assert_int_equal(error, -EAGAIN);
        }
    }
    assert_int_equal(n_msgs, 2);
}

static void
test_strings_with_braces_and_escapes(void **state)
{
    struct pair *p = *state;
    /* JSON text: params = ["}{\"\\", "[{", "\\\"}"], id = "x\"}" */
    const char *buf = "{\"method\":\"m\",\"params\":[\"}{\\\"\\\\\",\"[{\",\"\\\\\\\"}\"],"
                      "\"id\":\"x\\\"}\"}";
    /* Send it in two pieces split inside an escape sequence. */
    const char *split = strchr(buf, '\\') + 1;
    raw_write(p, buf, (size_t) (split - buf));
    struct jsonrpc_msg *m;
    assert_int_equal(jsonrpc_recv(p->server, &m), -EAGAIN);
    raw_write(p, split, strlen(split));
    assert_int_equal(jsonrpc_recv(p->server, &m), 0);
    assert_int_equal(m->type, JSONRPC_REQUEST);
    assert_int_equal(json_array_size(m->params), 3);
    assert_string_equal(json_string_value(json_array_get(m->params, 0)), "}{\"\\");
    assert_string_equal(json_string_value(json_array_get(m->params, 1)), "[{");
    assert_string_equal(json_string_value(json_array_get(m->params, 2)), "\\\"}");
    assert_string_equal(json_string_value(m->id), "x\"}");
    jsonrpc_msg_destroy(m);
}

static void
test_invalid_json(void **state)
{
    struct pair *p = *state;
    const char *buf = "{\"method\":\"m\",\"params\":[tru],\"id\":1}";
    raw_write(p, buf, strlen(buf));
    struct jsonrpc_msg *m;
    assert_int_equal(jsonrpc_recv(p->server, &m), -EPROTO);
    assert_null(m);
    assert_int_equal(jsonrpc_get_status(p->server), -EPROTO);
    /* The connection stays dead. */
    assert_int_equal(jsonrpc_recv(p->server, &m), -EPROTO);
    assert_int_equal(jsonrpc_send(p->server, jsonrpc_create_notify("x", NULL)), -EPROTO);
}

static void
test_size_limit(void **state)
{
    struct pair *p = *state;
    jsonrpc_set_max_msg_size(p->server, 1000);
    /* A 900-byte message passes, a 2000-byte one kills the connection with -EMSGSIZE. */
    char buf[2100];
    int n = snprintf(buf, sizeof buf, "{\"method\":\"m\",\"params\":[\"%0*d\"],\"id\":1}", 850, 0);
    raw_write(p, buf, (size_t) n);
    struct jsonrpc_msg *m;
    assert_int_equal(jsonrpc_recv(p->server, &m), 0);
    jsonrpc_msg_destroy(m);
    n = snprintf(buf, sizeof buf, "{\"method\":\"m\",\"params\":[\"%0*d\"],\"id\":2}", 1950, 0);
    raw_write(p, buf, (size_t) n);
    int err;
    for (int i = 0; i < 100 && (err = jsonrpc_recv(p->server, &m)) == -EAGAIN; i++) {
        usleep(1000);
    }
    assert_int_equal(err, -EMSGSIZE);
    assert_int_equal(jsonrpc_get_status(p->server), -EMSGSIZE);
}

static void
test_bad_utf8(void **state)
{
    struct pair *p = *state;
    const char *buf = "{\"method\":\"m\",\"params\":[\"\xff\xfe\"],\"id\":1}";
    raw_write(p, buf, strlen(buf));
    struct jsonrpc_msg *m;
    assert_int_equal(jsonrpc_recv(p->server, &m), -EPROTO);
}

static void
test_deep_nesting(void **state)
{
    struct pair *p = *state;
    /* Deeper than jansson's parser limit (2048): an error, not a stack overflow. */
    enum { DEPTH = 5000 };
    char *buf = xmalloc(2 * DEPTH + 64);
    int n = sprintf(buf, "{\"method\":\"m\",\"id\":1,\"params\":");
    memset(buf + n, '[', DEPTH);
    memset(buf + n + DEPTH, ']', DEPTH);
    n += 2 * DEPTH;
    buf[n++] = '}';
    raw_write(p, buf, (size_t) n);
    free(buf);
    struct jsonrpc_msg *m;
    int err;
    for (int i = 0; i < 100 && (err = jsonrpc_recv(p->server, &m)) == -EAGAIN; i++) {
        usleep(1000);
    }
    assert_int_equal(err, -EPROTO);
}

static void
test_not_an_object(void **state)
{
    struct pair *p = *state;
    raw_write(p, "  [1,2]", 7);
    struct jsonrpc_msg *m;
    assert_int_equal(jsonrpc_recv(p->server, &m), -EPROTO);
}

static void
test_not_jsonrpc(void **state)
{
    struct pair *p = *state;
    const char *buf = "{\"foo\":1}";
    raw_write(p, buf, strlen(buf));
    struct jsonrpc_msg *m;
    assert_int_equal(jsonrpc_recv(p->server, &m), -EPROTO);
}

static void
test_eof(void **state)
{
    struct pair *p = *state;
    const char *buf = "{\"method\":\"a\",\"params\":[],\"id\":null}";
    raw_write(p, buf, strlen(buf));
    stream_close(p->client);
    p->client = NULL;
    struct jsonrpc_msg *m;
    assert_int_equal(jsonrpc_recv(p->server, &m), 0);   /* buffered message still delivered */
    assert_int_equal(m->type, JSONRPC_NOTIFY);
    jsonrpc_msg_destroy(m);
    assert_int_equal(jsonrpc_recv(p->server, &m), -EPIPE);
}

static void
test_msg_from_json_errors(void **state)
{
    struct jsonrpc_msg *m;
    json_t *j = json_loads("{\"result\":1,\"error\":\"x\",\"id\":1}", 0, NULL);
    char *err = jsonrpc_msg_from_json(j, &m);
    assert_non_null(err);
    assert_string_equal(err, "message has both result and error");
    assert_null(m);
    free(err);
    json_decref(j);

    j = json_loads("{\"method\":5,\"params\":[],\"id\":1}", 0, NULL);
    err = jsonrpc_msg_from_json(j, &m);
    assert_string_equal(err, "method is not a string");
    free(err);
    json_decref(j);

    /* Round trip of a request through JSON. */
    json_t *id;
    struct jsonrpc_msg *req = jsonrpc_create_request("list_dbs", NULL, &id);
    j = jsonrpc_msg_to_json(req);
    assert_null(jsonrpc_msg_from_json(j, &m));
    assert_int_equal(m->type, JSONRPC_REQUEST);
    assert_string_equal(m->method, "list_dbs");
    assert_true(json_equal(m->id, id));
    assert_true(json_is_array(m->params));
    jsonrpc_msg_destroy(m);
    json_decref(j);

    /* Two requests get different ids. */
    json_t *id2;
    struct jsonrpc_msg *req2 = jsonrpc_create_request("list_dbs", NULL, &id2);
    assert_false(json_equal(id, id2));
    jsonrpc_msg_destroy(req);
    jsonrpc_msg_destroy(req2);
    json_decref(id);
    json_decref(id2);
}

/* ---- Blocking transact against a thread that sends an echo, a notification, then the reply. ---- */

struct responder {
    struct jsonrpc *rpc;
    bool echo_answered;
};

static void *
responder_main(void *arg)
{
    struct responder *r = arg;
    struct jsonrpc_msg *req;
    if (jsonrpc_recv_block(r->rpc, &req)) {
        return NULL;
    }
    json_t *echo_id;
    jsonrpc_send_block(r->rpc, jsonrpc_create_request("echo", json_pack("[s]", "ping"), &echo_id));
    jsonrpc_send_block(r->rpc, jsonrpc_create_notify("update", json_pack("[i]", 1)));
    struct jsonrpc_msg *echo_reply;
    if (!jsonrpc_recv_block(r->rpc, &echo_reply)) {
        r->echo_answered = echo_reply->type == JSONRPC_REPLY && json_equal(echo_reply->id, echo_id)
                           && !strcmp(json_string_value(json_array_get(echo_reply->result, 0)),
                                      "ping");
        jsonrpc_msg_destroy(echo_reply);
    }
    json_decref(echo_id);
    json_t *params = json_incref(req->params);
    jsonrpc_send_block(r->rpc, jsonrpc_create_reply(params, req->id));
    jsonrpc_msg_destroy(req);
    return NULL;
}

static void
test_transact_block(void **state)
{
    struct pair *p = *state;
    struct jsonrpc *client = jsonrpc_open(p->client);
    p->client = NULL;
    struct responder r = { .rpc = p->server };
    pthread_t t;
    pthread_create(&t, NULL, responder_main, &r);
    struct jsonrpc_msg *reply;
    int error = jsonrpc_transact_block(client, jsonrpc_create_request("get", json_pack("[s]", "q"),
                                                                      NULL), &reply);
    pthread_join(t, NULL);
    assert_int_equal(error, 0);
    assert_int_equal(reply->type, JSONRPC_REPLY);
    assert_string_equal(json_string_value(json_array_get(reply->result, 0)), "q");
    assert_true(r.echo_answered);
    jsonrpc_msg_destroy(reply);
    jsonrpc_close(client);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_several_in_one_buffer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split_byte_by_byte, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strings_with_braces_and_escapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_size_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deep_nesting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_an_object, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_jsonrpc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eof, setup, teardown),
        cmocka_unit_test(test_msg_from_json_errors),
        cmocka_unit_test_setup_teardown(test_transact_block, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
