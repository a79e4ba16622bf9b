/* Unit tests for lib/ovsdb-idl.
 *
 * Most tests run the idl against Debian's real ovsdb-server (openvswitch-common) with the small
 * schema idl-test.ovsschema, so the RFC 7047 monitor/transact exchange is checked against the
 * reference implementation. They are skipped, saying why, when ovsdb-server/ovsdb-tool are missing.
 * One test plays the server itself, to check "echo" answering and update handling byte for byte.
 *
 * usage: test-ovsdb-idl [SCHEMA_PATH]   (default: the source tree's idl-test.ovsschema) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/jsonrpc.h"
#include "lib/ovsdb-idl.h"
#include "lib/poll-loop.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "uvs-config.h"

#define OVSDB_SERVER "/usr/sbin/ovsdb-server"
#define OVSDB_TOOL "/usr/bin/ovsdb-tool"

static const char *schema_path;
static char dir[] = "/tmp/uvs-test-idl-XXXXXX";
static char *db_path, *sock_path, *remote;
static pid_t server_pid = -1;
static bool have_server;

/* ---- ovsdb-server management ---- */

static bool
start_server(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        char *unixctl = xasprintf("--unixctl=%s/ovsdb-server.ctl", dir);
        char *rem = xasprintf("--remote=punix:%s", sock_path);
        char *log = xasprintf("--log-file=%s/ovsdb-server.log", dir);
        execl(OVSDB_SERVER, OVSDB_SERVER, db_path, rem, unixctl, log, "--no-chdir",
              "-vconsole:off", (char *) NULL);
        _exit(127);
    }
    server_pid = pid;
    for (int i = 0; i < 500; i++) {
        if (access(sock_path, F_OK) == 0) {
            return true;
        }
        if (waitpid(pid, NULL, WNOHANG) == pid) {
            server_pid = -1;
            return false;
        }
        usleep(10000);
    }
    return false;
}

static void
stop_server(void)
{
    if (server_pid > 0) {
        kill(server_pid, SIGTERM);
        waitpid(server_pid, NULL, 0);
        server_pid = -1;
    }
}

static int
group_setup(void **state)
{
    if (access(OVSDB_SERVER, X_OK) || access(OVSDB_TOOL, X_OK)) {
        have_server = false;
        return 0;
    }
    assert_non_null(mkdtemp(dir));
    db_path = xasprintf("%s/idl.db", dir);
    sock_path = xasprintf("%s/db.sock", dir);
    remote = xasprintf("unix:%s", sock_path);
    char *cmd = xasprintf("%s create %s %s", OVSDB_TOOL, db_path, schema_path);
    int rc = system(cmd);
    free(cmd);
    assert_int_equal(rc, 0);
    have_server = start_server();
    assert_true(have_server);
    return 0;
}

static int
group_teardown(void **state)
{
    stop_server();
    if (db_path) {
        char *cmd = xasprintf("rm -rf %s", dir);
        int rc = system(cmd);
        (void) rc;
        free(cmd);
    }
    return 0;
}

static void
require_server(void)
{
    if (!have_server) {
        fprintf(stderr, "SKIP: %s or %s not found (install Debian's openvswitch-common to run "
                "the idl tests against the reference ovsdb-server)\n", OVSDB_SERVER, OVSDB_TOOL);
        skip();
    }
}

/* Runs the idl until its seqno moves past SEQNO or 5 s pass. */
static bool
run_until_change(struct ovsdb_idl *idl, unsigned int seqno)
{
    long long deadline = time_msec() + 5000;
    while (ovsdb_idl_get_seqno(idl) == seqno && time_msec() < deadline) {
        ovsdb_idl_run(idl);
        if (ovsdb_idl_get_seqno(idl) != seqno) {
            break;
        }
        ovsdb_idl_wait(idl);
        poll_timer_wait(100);
        poll_block();
    }
    return ovsdb_idl_get_seqno(idl) != seqno;
}

static json_t *
transact_ok(struct ovsdb_idl *idl, const char *ops_text)
{
    json_error_t jerr;
    json_t *ops = json_loads(ops_text, 0, &jerr);
    assert_non_null(ops);
    json_t *result = NULL;
    char *error = NULL;
    int rc = ovsdb_idl_transact_block(idl, ops, 5000, &result, &error);
    if (rc) {
        fail_msg("transaction failed: %s", error);
    }
    assert_true(json_is_array(result));
    return result;
}

/* Finds the Item row named NAME; returns its UUID or NULL. */
static const char *
find_item(struct ovsdb_idl *idl, const char *name)
{
    const char *uuid;
    json_t *row;
    json_object_foreach((json_t *) ovsdb_idl_table(idl, "Item"), uuid, row) {
        const char *n = ovsdb_datum_string(json_object_get(row, "name"));
        if (n && !strcmp(n, name)) {
            return uuid;
        }
    }
    return NULL;
}

/* ---- Tests against ovsdb-server ---- */

static void
test_monitor_all_and_transact(void **state)
{
    require_server();
    struct ovsdb_idl *idl = ovsdb_idl_create(remote, "IdlTest", NULL);
    unsigned int seqno0 = ovsdb_idl_get_seqno(idl);
    assert_int_equal(ovsdb_idl_wait_for_replica(idl, 5000, false), 0);
    assert_true(ovsdb_idl_is_connected(idl));
    assert_int_not_equal(ovsdb_idl_get_seqno(idl), seqno0);
    const json_t *schema = ovsdb_idl_get_schema(idl);
    assert_non_null(schema);
    assert_string_equal(json_string_value(json_object_get(schema, "name")), "IdlTest");
    /* Every table of the schema is monitored; both start empty. */
    assert_non_null(ovsdb_idl_table(idl, "Root"));
    assert_non_null(ovsdb_idl_table(idl, "Item"));
    assert_int_equal(json_object_size(ovsdb_idl_table(idl, "Root")), 0);
    assert_null(ovsdb_idl_first_row(idl, "Root", NULL));

    unsigned int seqno = ovsdb_idl_get_seqno(idl);
    json_t *result = transact_ok(idl,
        "[{\"op\":\"insert\",\"table\":\"Item\",\"row\":{\"name\":\"a\",\"tag\":7},"
        "  \"uuid-name\":\"ia\"},"
        " {\"op\":\"insert\",\"table\":\"Item\",\"row\":{\"name\":\"b\"},\"uuid-name\":\"ib\"},"
        " {\"op\":\"insert\",\"table\":\"Root\",\"row\":{\"name\":\"root\",\"count\":5,"
        "  \"items\":[\"set\",[[\"named-uuid\",\"ia\"],[\"named-uuid\",\"ib\"]]],"
        "  \"other_config\":[\"map\",[[\"k\",\"v\"],[\"x\",\"y\"]]]}}]");
    assert_int_equal(json_array_size(result), 3);
    const char *ia = ovsdb_atom_uuid(json_object_get(json_array_get(result, 0), "uuid"));
    const char *ib = ovsdb_atom_uuid(json_object_get(json_array_get(result, 1), "uuid"));
    const char *root_uuid = ovsdb_atom_uuid(json_object_get(json_array_get(result, 2), "uuid"));
    assert_non_null(ia);
    assert_non_null(ib);
    assert_non_null(root_uuid);

    /* The server's "update" notification brings the rows into the replica. */
    if (!ovsdb_idl_row(idl, "Root", root_uuid)) {
        assert_true(run_until_change(idl, seqno));
    }
    const char *uuid;
    const json_t *root = ovsdb_idl_first_row(idl, "Root", &uuid);
    assert_non_null(root);
    assert_string_equal(uuid, root_uuid);
    assert_ptr_equal(ovsdb_idl_row(idl, "Root", root_uuid), root);
    assert_string_equal(ovsdb_datum_string(json_object_get(root, "name")), "root");
    assert_int_equal(ovsdb_datum_integer(json_object_get(root, "count"), -1), 5);
    assert_string_equal(ovsdb_datum_map_get_string(json_object_get(root, "other_config"), "k"), "v");
    assert_string_equal(ovsdb_datum_map_get_string(json_object_get(root, "other_config"), "x"), "y");
    assert_null(ovsdb_datum_map_get_string(json_object_get(root, "other_config"), "z"));
    const json_t *items = json_object_get(root, "items");
    assert_int_equal(ovsdb_datum_n(items), 2);
    const char *e0 = ovsdb_atom_uuid(ovsdb_datum_set_elem(items, 0));
    const char *e1 = ovsdb_atom_uuid(ovsdb_datum_set_elem(items, 1));
    assert_true((!strcmp(e0, ia) && !strcmp(e1, ib)) || (!strcmp(e0, ib) && !strcmp(e1, ia)));
    assert_null(ovsdb_datum_set_elem(items, 2));

    /* Every column is present in every row, even one never set ("tag" of item b). */
    const json_t *b = ovsdb_idl_row(idl, "Item", ib);
    assert_non_null(b);
    assert_non_null(json_object_get(b, "tag"));
    assert_int_equal(ovsdb_datum_n(json_object_get(b, "tag")), 0);
    assert_int_equal(ovsdb_datum_integer(json_object_get(b, "tag"), -1), -1);
    assert_int_equal(ovsdb_datum_integer(json_object_get(ovsdb_idl_row(idl, "Item", ia), "tag"),
                                         -1), 7);
    assert_null(json_object_get(b, "_uuid"));
    assert_null(json_object_get(b, "_version"));
    json_decref(result);

    /* A modification and a deletion show up too. */
    seqno = ovsdb_idl_get_seqno(idl);
    result = transact_ok(idl,
        "[{\"op\":\"mutate\",\"table\":\"Root\",\"where\":[],"
        "  \"mutations\":[[\"count\",\"+=\",10]]},"
        " {\"op\":\"update\",\"table\":\"Root\",\"where\":[],"
        "  \"row\":{\"items\":[\"set\",[]]}}]");
    json_decref(result);
    result = transact_ok(idl,
        "[{\"op\":\"delete\",\"table\":\"Item\",\"where\":[[\"name\",\"==\",\"b\"]]}]");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(result, 0), "count")), 1);
    json_decref(result);
    long long deadline = time_msec() + 5000;
    while ((find_item(idl, "b") || ovsdb_datum_integer(json_object_get(
                ovsdb_idl_first_row(idl, "Root", NULL), "count"), 0) != 15)
           && time_msec() < deadline) {
        run_until_change(idl, ovsdb_idl_get_seqno(idl));
    }
    assert_true(ovsdb_idl_get_seqno(idl) != seqno);
    assert_null(find_item(idl, "b"));
    assert_non_null(find_item(idl, "a"));
    root = ovsdb_idl_first_row(idl, "Root", NULL);
    assert_int_equal(ovsdb_datum_integer(json_object_get(root, "count"), 0), 15);
    assert_int_equal(ovsdb_datum_n(json_object_get(root, "items")), 0);
    /* The untouched map survived the modification. */
    assert_string_equal(ovsdb_datum_map_get_string(json_object_get(root, "other_config"), "k"), "v");

    /* Clean up for the next tests. */
    json_decref(transact_ok(idl, "[{\"op\":\"delete\",\"table\":\"Item\",\"where\":[]},"
                                 " {\"op\":\"delete\",\"table\":\"Root\",\"where\":[]}]"));
    ovsdb_idl_destroy(idl);
}

struct async_result {
    int n_calls;
    json_t *result;
    char *error;
};

static void
async_cb(void *aux, const json_t *result, const char *error)
{
    struct async_result *r = aux;
    r->n_calls++;
    r->result = result ? json_incref((json_t *) result) : NULL;
    r->error = error ? xstrdup(error) : NULL;
}

static void
test_async_transact_and_op_error(void **state)
{
    require_server();
    struct ovsdb_idl *idl = ovsdb_idl_create(remote, "IdlTest", NULL);
    assert_int_equal(ovsdb_idl_wait_for_replica(idl, 5000, false), 0);
    struct async_result r = { 0 };
    /* Operation-level errors come back inside the result array (RFC 7047 §4.1.3). */
    json_t *ops = json_loads("[{\"op\":\"insert\",\"table\":\"Item\",\"row\":{\"name\":\"c\"}},"
                             " {\"op\":\"insert\",\"table\":\"Item\",\"row\":{\"nope\":1}}]",
                             0, NULL);
    assert_int_equal(ovsdb_idl_transact(idl, ops, async_cb, &r), 0);
    long long deadline = time_msec() + 5000;
    while (!r.n_calls && time_msec() < deadline) {
        ovsdb_idl_run(idl);
        ovsdb_idl_wait(idl);
        poll_timer_wait(100);
        poll_block();
    }
    assert_int_equal(r.n_calls, 1);
    assert_null(r.error);
    assert_true(json_is_array(r.result));
    json_t *err = json_object_get(json_array_get(r.result, 1), "error");
    assert_non_null(err);
    assert_string_equal(json_string_value(err), "unknown column");
    json_decref(r.result);
    /* The failed transaction was rolled back: no item "c". */
    ovsdb_idl_run(idl);
    assert_null(find_item(idl, "c"));
    ovsdb_idl_destroy(idl);
}

static void
test_monitor_requests_subset(void **state)
{
    require_server();
    /* Put one Item in through a full idl. */
    struct ovsdb_idl *writer = ovsdb_idl_create(remote, "IdlTest", NULL);
    assert_int_equal(ovsdb_idl_wait_for_replica(writer, 5000, false), 0);
    json_decref(transact_ok(writer, "[{\"op\":\"insert\",\"table\":\"Item\","
                                    "  \"row\":{\"name\":\"s\",\"tag\":3}}]"));

    json_t *req = json_loads("{\"Item\":{\"columns\":[\"name\"]}}", 0, NULL);
    struct ovsdb_idl *idl = ovsdb_idl_create(remote, "IdlTest", req);
    assert_int_equal(ovsdb_idl_wait_for_replica(idl, 5000, false), 0);
    assert_null(ovsdb_idl_table(idl, "Root"));   /* not monitored */
    const json_t *row = ovsdb_idl_first_row(idl, "Item", NULL);
    assert_non_null(row);
    assert_string_equal(ovsdb_datum_string(json_object_get(row, "name")), "s");
    assert_null(json_object_get(row, "tag"));    /* column not monitored */
    assert_int_equal(json_object_size(row), 1);
    json_decref(transact_ok(writer, "[{\"op\":\"delete\",\"table\":\"Item\",\"where\":[]}]"));
    ovsdb_idl_destroy(idl);
    ovsdb_idl_destroy(writer);
}

static void
test_errors(void **state)
{
    require_server();
    /* Unknown database: the server's error is reported. */
    struct ovsdb_idl *idl = ovsdb_idl_create(remote, "NoSuchDb", NULL);
    assert_int_equal(ovsdb_idl_wait_for_replica(idl, 5000, false), -ENOENT);
    assert_non_null(strstr(ovsdb_idl_get_last_error(idl), "NoSuchDb"));
    ovsdb_idl_destroy(idl);

    /* Nobody listening: -ENOENT at once without retry, with the path in the message. */
    char *bad = xasprintf("unix:%s/nothing.sock", dir);
    idl = ovsdb_idl_create(bad, "IdlTest", NULL);
    assert_int_equal(ovsdb_idl_wait_for_replica(idl, 5000, false), -ENOENT);
    assert_non_null(strstr(ovsdb_idl_get_last_error(idl), "nothing.sock"));
    assert_false(ovsdb_idl_is_connected(idl));
    json_t *result;
    char *error;
    assert_int_equal(ovsdb_idl_transact_block(idl, json_array(), 1000, &result, &error),
                     -ENOTCONN);
    assert_non_null(error);
    free(error);
    /* With retry, it keeps trying until the timeout. */
    long long start = time_msec();
    assert_int_equal(ovsdb_idl_wait_for_replica(idl, 300, true), -ETIMEDOUT);
    assert_true(time_msec() - start >= 290);
    ovsdb_idl_destroy(idl);
    free(bad);
}

static void
test_reconnect(void **state)
{
    require_server();
    struct ovsdb_idl *idl = ovsdb_idl_create(remote, "IdlTest", NULL);
    assert_int_equal(ovsdb_idl_wait_for_replica(idl, 5000, false), 0);
    json_decref(transact_ok(idl, "[{\"op\":\"insert\",\"table\":\"Item\","
                                 "  \"row\":{\"name\":\"persist\"}}]"));
    stop_server();
    /* The idl notices the connection is gone. */
    long long deadline = time_msec() + 5000;
    while (ovsdb_idl_is_connected(idl) && time_msec() < deadline) {
        ovsdb_idl_run(idl);
        ovsdb_idl_wait(idl);
        poll_timer_wait(50);
        poll_block();
    }
    assert_false(ovsdb_idl_is_connected(idl));
    assert_true(start_server());
    unsigned int seqno = ovsdb_idl_get_seqno(idl);
    /* Within the backoff (1-2 s) it reconnects and re-monitors: a fresh replica. */
    assert_int_equal(ovsdb_idl_wait_for_replica(idl, 8000, true), 0);
    assert_true(ovsdb_idl_get_seqno(idl) != seqno);
    assert_non_null(find_item(idl, "persist"));
    json_decref(transact_ok(idl, "[{\"op\":\"delete\",\"table\":\"Item\",\"where\":[]}]"));
    ovsdb_idl_destroy(idl);
}

/* ---- A scripted server: echo and update handling ---- */

static struct jsonrpc_msg *
fake_recv(struct jsonrpc *rpc, struct ovsdb_idl *idl)
{
    long long deadline = time_msec() + 5000;
    for (;;) {
        ovsdb_idl_run(idl);
        struct jsonrpc_msg *msg;
        int error = jsonrpc_recv(rpc, &msg);
        if (!error) {
            return msg;
        }
        assert_int_equal(error, -EAGAIN);
        assert_true(time_msec() < deadline);
        ovsdb_idl_wait(idl);
        jsonrpc_recv_wait(rpc);
        poll_timer_wait(50);
        poll_block();
    }
}

static void
test_fake_server(void **state)
{
    char fdir[] = "/tmp/uvs-test-idl-fake-XXXXXX";
    assert_non_null(mkdtemp(fdir));
    char *pname = xasprintf("punix:%s/s", fdir);
    struct pstream *ps;
    assert_int_equal(pstream_open(pname, &ps), 0);
    struct ovsdb_idl *idl = ovsdb_idl_create(pname + 1, "Db", NULL);

    struct stream *s = NULL;
    for (int i = 0; i < 200 && !s; i++) {
        ovsdb_idl_run(idl);
        if (pstream_accept(ps, &s)) {
            usleep(5000);
        }
    }
    assert_non_null(s);
    struct jsonrpc *rpc = jsonrpc_open(s);

    /* 1. get_schema first. */
    struct jsonrpc_msg *m = fake_recv(rpc, idl);
    assert_int_equal(m->type, JSONRPC_REQUEST);
    assert_string_equal(m->method, "get_schema");
    assert_string_equal(json_string_value(json_array_get(m->params, 0)), "Db");
    json_t *schema = json_loads("{\"name\":\"Db\",\"version\":\"1.0.0\",\"tables\":{\"T\":"
                                "{\"columns\":{\"a\":{\"type\":\"integer\"},"
                                "\"s\":{\"type\":{\"key\":\"string\",\"min\":0,\"max\":1}}}}}}",
                                0, NULL);
    jsonrpc_send(rpc, jsonrpc_create_reply(schema, m->id));
    jsonrpc_msg_destroy(m);

    /* 2. monitor of every column of every table. */
    m = fake_recv(rpc, idl);
    assert_string_equal(m->method, "monitor");
    assert_string_equal(json_string_value(json_array_get(m->params, 0)), "Db");
    json_t *mon_id = json_incref(json_array_get(m->params, 1));
    json_t *cols = json_object_get(json_object_get(json_array_get(m->params, 2), "T"), "columns");
    assert_int_equal(json_array_size(cols), 2);
    /* Initial contents omit column "s": the replica still has it (default: empty set). */
    json_t *initial = json_loads("{\"T\":{\"11111111-1111-1111-1111-111111111111\":"
                                 "{\"new\":{\"a\":1}}}}", 0, NULL);
    jsonrpc_send(rpc, jsonrpc_create_reply(initial, m->id));
    jsonrpc_msg_destroy(m);
    assert_int_equal(ovsdb_idl_wait_for_replica(idl, 5000, false), 0);
    const json_t *row = ovsdb_idl_row(idl, "T", "11111111-1111-1111-1111-111111111111");
    assert_non_null(row);
    assert_int_equal(ovsdb_datum_integer(json_object_get(row, "a"), 0), 1);
    assert_int_equal(ovsdb_datum_n(json_object_get(row, "s")), 0);

    /* 3. The server sends "echo": the idl answers with the same params and id. */
    json_t *echo_id;
    jsonrpc_send(rpc, jsonrpc_create_request("echo", json_pack("[s]", "probe"), &echo_id));
    m = fake_recv(rpc, idl);
    assert_int_equal(m->type, JSONRPC_REPLY);
    assert_true(json_equal(m->id, echo_id));
    assert_string_equal(json_string_value(json_array_get(m->result, 0)), "probe");
    jsonrpc_msg_destroy(m);
    json_decref(echo_id);

    /* 4. An update for our monitor id modifies the row and adds another; one for another id is
     * ignored. */
    unsigned int seqno = ovsdb_idl_get_seqno(idl);
    json_t *upd = json_loads("{\"T\":{\"11111111-1111-1111-1111-111111111111\":"
                             "{\"old\":{\"a\":1},\"new\":{\"a\":2,\"s\":\"x\"}},"
                             "\"22222222-2222-2222-2222-222222222222\":{\"new\":{\"a\":9}}}}",
                             0, NULL);
    jsonrpc_send(rpc, jsonrpc_create_notify("update", json_pack("[o,o]", json_string("other"),
                                                                json_deep_copy(upd))));
    jsonrpc_send(rpc, jsonrpc_create_notify("update", json_pack("[O,o]", mon_id, upd)));
    assert_true(run_until_change(idl, seqno));
    row = ovsdb_idl_row(idl, "T", "11111111-1111-1111-1111-111111111111");
    assert_int_equal(ovsdb_datum_integer(json_object_get(row, "a"), 0), 2);
    assert_string_equal(ovsdb_datum_string(json_object_get(row, "s")), "x");
    assert_int_equal(json_object_size(ovsdb_idl_table(idl, "T")), 2);

    /* 5. A pending transaction fails with an error when the connection drops. */
    struct async_result r = { 0 };
    assert_int_equal(ovsdb_idl_transact(idl, json_array(), async_cb, &r), 0);
    m = fake_recv(rpc, idl);
    assert_string_equal(m->method, "transact");
    assert_string_equal(json_string_value(json_array_get(m->params, 0)), "Db");
    jsonrpc_msg_destroy(m);
    jsonrpc_close(rpc);
    long long deadline = time_msec() + 5000;
    while (!r.n_calls && time_msec() < deadline) {
        ovsdb_idl_run(idl);
        ovsdb_idl_wait(idl);
        poll_timer_wait(50);
        poll_block();
    }
    assert_int_equal(r.n_calls, 1);
    assert_null(r.result);
    assert_non_null(r.error);
    assert_non_null(strstr(r.error, "connection"));
    free(r.error);

    json_decref(mon_id);
    ovsdb_idl_destroy(idl);
    pstream_close(ps);
    rmdir(fdir);
    free(pname);
}

/* ---- Datum helpers on hand-written wire notation ---- */

static void
test_datum_helpers(void **state)
{
    json_t *d = json_loads("[\"set\",[1,2,3]]", 0, NULL);
    assert_int_equal(ovsdb_datum_n(d), 3);
    assert_int_equal(json_integer_value(ovsdb_datum_set_elem(d, 2)), 3);
    assert_int_equal(ovsdb_datum_integer(d, -1), -1);   /* not a single value */
    json_decref(d);

    d = json_loads("[\"set\",[\"only\"]]", 0, NULL);
    assert_string_equal(ovsdb_datum_string(d), "only");
    json_decref(d);

    d = json_integer(42);
    assert_int_equal(ovsdb_datum_n(d), 1);
    assert_ptr_equal(ovsdb_datum_set_elem(d, 0), d);
    assert_null(ovsdb_datum_set_elem(d, 1));
    assert_int_equal(ovsdb_datum_integer(d, 0), 42);
    assert_null(ovsdb_datum_string(d));
    json_decref(d);

    d = ovsdb_datum_uuid("8a1c7f6e-0000-4000-8000-000000000001");
    assert_int_equal(ovsdb_datum_n(d), 1);   /* a uuid atom, not a 2-element set */
    assert_string_equal(ovsdb_atom_uuid(d), "8a1c7f6e-0000-4000-8000-000000000001");
    json_decref(d);

    d = ovsdb_datum_named_uuid("row1");
    char *s = json_dumps(d, JSON_COMPACT);
    assert_string_equal(s, "[\"named-uuid\",\"row1\"]");
    assert_null(ovsdb_atom_uuid(d));
    free(s);
    json_decref(d);

    d = ovsdb_datum_empty_set();
    assert_int_equal(ovsdb_datum_n(d), 0);
    assert_null(ovsdb_datum_string(d));
    json_decref(d);

    const char *kv[] = { "dpdk-devargs", "net_pcap0", "n_rxq", "2" };
    d = ovsdb_datum_map_from_pairs(kv, 2);
    s = json_dumps(d, JSON_COMPACT);
    assert_string_equal(s, "[\"map\",[[\"dpdk-devargs\",\"net_pcap0\"],[\"n_rxq\",\"2\"]]]");
    free(s);
    assert_int_equal(ovsdb_datum_n(d), 2);
    assert_string_equal(ovsdb_datum_map_get_string(d, "n_rxq"), "2");
    assert_null(ovsdb_datum_map_get(d, "missing"));
    assert_null(ovsdb_datum_set_elem(d, 0));
    json_decref(d);
}

int
main(int argc, char *argv[])
{
    schema_path = argc > 1 ? argv[1] : UVS_SRCDIR "/tests/unit/lib/idl-test.ovsschema";
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest server_tests[] = {
        cmocka_unit_test(test_monitor_all_and_transact),
        cmocka_unit_test(test_async_transact_and_op_error),
        cmocka_unit_test(test_monitor_requests_subset),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_reconnect),
    };
    const struct CMUnitTest local_tests[] = {
        cmocka_unit_test(test_fake_server),
        cmocka_unit_test(test_datum_helpers),
    };
    int failed = cmocka_run_group_tests_name("idl-vs-ovsdb-server", server_tests, group_setup,
                                             group_teardown);
    failed += cmocka_run_group_tests_name("idl-local", local_tests, NULL, NULL);
    if (!failed && !have_server) {
        fprintf(stderr, "SKIP: the ovsdb-server tests did not run (%s not found)\n", OVSDB_SERVER);
        return 77;   /* meson: skipped */
    }
    return failed;
}
