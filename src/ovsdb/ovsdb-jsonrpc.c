/* ovsdb-jsonrpc — RFC 7047 §4 server: remotes, sessions, methods; see ovsdb-jsonrpc.h. */
#include "ovsdb/ovsdb-jsonrpc.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <bsd/sys/queue.h>

#include "lib/jsonrpc.h"
#include "lib/poll-loop.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ovsdb/ovsdb-error.h"
#include "ovsdb/ovsdb-execute.h"
#include "ovsdb/ovsdb-monitor.h"
#include "ovsdb/ovsdb.h"

VLOG_DEFINE_THIS_MODULE(ovsdb_jsonrpc);

#define MAX_MSGS_PER_RUN 50
#define MAX_ACCEPTS_PER_RUN 10
#define MAX_BACKLOG (4 * 1024 * 1024)

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* ---- Types ---- */

struct served_db {
    struct ovsdb *db;
};

struct remote {
    TAILQ_ENTRY(remote) node;
    char *name;
    struct pstream *pstream;
    bool dynamic;
};

struct session;

struct monitor_entry {
    TAILQ_ENTRY(monitor_entry) node;
    struct session *session;
    json_t *id;                     /* The client's <json-value>. */
    struct ovsdb_monitor *monitor;
};

struct waiting_txn {
    TAILQ_ENTRY(waiting_txn) node;
    json_t *request_id;
    json_t *params;
    struct ovsdb *db;
    long long start;                /* time_msec() of the first attempt. */
    long long deadline;             /* LLONG_MAX: none. */
    unsigned long long seen_commits;
};

struct session {
    TAILQ_ENTRY(session) node;
    struct ovsdb_jsonrpc_server *server;
    struct jsonrpc *rpc;
    TAILQ_HEAD(, monitor_entry) monitors;
    TAILQ_HEAD(, waiting_txn) waits;
};

/* A lock's queue: holders[0] owns it, the rest wait in order. */
struct lock {
    TAILQ_ENTRY(lock) node;
    char *name;
    struct session **queue;
    size_t n;
};

struct ovsdb_jsonrpc_server {
    struct served_db *dbs;
    size_t n_dbs;
    TAILQ_HEAD(, remote) remotes;
    TAILQ_HEAD(, session) sessions;
    TAILQ_HEAD(, lock) locks;
};

/* ---- Private prototypes ---- */

static void session_create(struct ovsdb_jsonrpc_server *, struct stream *);
static void session_destroy(struct session *);
static void session_run(struct session *);
static void locks_release_session(struct ovsdb_jsonrpc_server *, struct session *);
static bool session_holds_lock(void *session, const char *name);

/* ---- Server ---- */

struct ovsdb_jsonrpc_server *
ovsdb_jsonrpc_server_create(void)
{
    struct ovsdb_jsonrpc_server *server = xzalloc(sizeof *server);
    TAILQ_INIT(&server->remotes);
    TAILQ_INIT(&server->sessions);
    TAILQ_INIT(&server->locks);
    return server;
}

static void
remote_destroy(struct ovsdb_jsonrpc_server *server, struct remote *r)
{
    TAILQ_REMOVE(&server->remotes, r, node);
    pstream_close(r->pstream);
    free(r->name);
    free(r);
}

void
ovsdb_jsonrpc_server_destroy(struct ovsdb_jsonrpc_server *server)
{
    if (!server) {
        return;
    }
    struct session *s;
    while ((s = TAILQ_FIRST(&server->sessions))) {
        session_destroy(s);
    }
    struct remote *r;
    while ((r = TAILQ_FIRST(&server->remotes))) {
        remote_destroy(server, r);
    }
    free(server->dbs);
    free(server);
}

bool
ovsdb_jsonrpc_server_add_db(struct ovsdb_jsonrpc_server *server, struct ovsdb *db)
{
    if (ovsdb_jsonrpc_server_get_db(server, db->schema->name)) {
        return false;
    }
    server->dbs = xrealloc(server->dbs, (server->n_dbs + 1) * sizeof *server->dbs);
    server->dbs[server->n_dbs++].db = db;
    return true;
}

struct ovsdb *
ovsdb_jsonrpc_server_get_db(const struct ovsdb_jsonrpc_server *server, const char *name)
{
    for (size_t i = 0; i < server->n_dbs; i++) {
        if (!strcmp(server->dbs[i].db->schema->name, name)) {
            return server->dbs[i].db;
        }
    }
    return NULL;
}

static struct remote *
find_remote(const struct ovsdb_jsonrpc_server *server, const char *name)
{
    struct remote *r;
    TAILQ_FOREACH(r, &server->remotes, node) {
        if (!strcmp(r->name, name)) {
            return r;
        }
    }
    return NULL;
}

int
ovsdb_jsonrpc_server_add_remote(struct ovsdb_jsonrpc_server *server, const char *name,
                                bool dynamic, char **errorp)
{
    *errorp = NULL;
    if (find_remote(server, name)) {
        return 0;
    }
    char *msg = pstream_verify_name(name);
    if (msg) {
        *errorp = xasprintf("remote \"%s\": %s", name, msg);
        free(msg);
        return -EINVAL;
    }
    struct pstream *ps;
    int err = pstream_open(name, &ps);
    if (err) {
        *errorp = xasprintf("remote \"%s\": cannot listen: %s", name, strerror(-err));
        return err;
    }
    struct remote *r = xzalloc(sizeof *r);
    r->name = xstrdup(name);
    r->pstream = ps;
    r->dynamic = dynamic;
    TAILQ_INSERT_TAIL(&server->remotes, r, node);
    VLOG_INFO("%s: listening", name);
    return 0;
}

bool
ovsdb_jsonrpc_server_remove_remote(struct ovsdb_jsonrpc_server *server, const char *name)
{
    struct remote *r = find_remote(server, name);
    if (r) {
        remote_destroy(server, r);
        return true;
    }
    return false;
}

void
ovsdb_jsonrpc_server_set_dynamic_remotes(struct ovsdb_jsonrpc_server *server,
                                         char *const *names, size_t n)
{
    struct remote *r, *next;
    TAILQ_FOREACH_SAFE(r, &server->remotes, node, next) {
        if (!r->dynamic) {
            continue;
        }
        bool keep = false;
        for (size_t i = 0; i < n && !keep; i++) {
            keep = !strcmp(names[i], r->name);
        }
        if (!keep) {
            VLOG_INFO("%s: no longer configured, closing", r->name);
            remote_destroy(server, r);
        }
    }
    for (size_t i = 0; i < n; i++) {
        char *error;
        if (ovsdb_jsonrpc_server_add_remote(server, names[i], true, &error)) {
            VLOG_WARN_RL(&rl, "%s", error);
            free(error);
        }
    }
}

static int
compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

char *
ovsdb_jsonrpc_server_list_remotes(const struct ovsdb_jsonrpc_server *server)
{
    size_t n = 0;
    struct remote *r;
    TAILQ_FOREACH(r, &server->remotes, node) {
        n++;
    }
    const char **names = xcalloc(n + 1, sizeof *names);
    n = 0;
    TAILQ_FOREACH(r, &server->remotes, node) {
        names[n++] = r->name;
    }
    qsort(names, n, sizeof *names, compare_strings);
    struct ds ds = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < n; i++) {
        ds_put_format(&ds, "%s\n", names[i]);
    }
    free(names);
    return ds_steal_cstr(&ds);
}

size_t
ovsdb_jsonrpc_server_n_sessions(const struct ovsdb_jsonrpc_server *server)
{
    size_t n = 0;
    struct session *s;
    TAILQ_FOREACH(s, &server->sessions, node) {
        n++;
    }
    return n;
}

/* Re-runs or times out parked transactions of S. */
static void
session_run_waits(struct session *s)
{
    long long now = time_msec();
    struct waiting_txn *w, *next;
    TAILQ_FOREACH_SAFE(w, &s->waits, node, next) {
        if (w->db->n_commits == w->seen_commits && now < w->deadline) {
            continue;
        }
        struct ovsdb_exec_options options = { .lock_held = session_holds_lock, .aux = s };
        long long timeout;
        json_t *result = ovsdb_execute(w->db, w->params, &options, now - w->start, &timeout);
        if (!result) {
            w->seen_commits = w->db->n_commits;
            w->deadline = timeout == LLONG_MAX ? LLONG_MAX : now + timeout;
            continue;
        }
        jsonrpc_send(s->rpc, jsonrpc_create_reply(result, w->request_id));
        TAILQ_REMOVE(&s->waits, w, node);
        json_decref(w->request_id);
        json_decref(w->params);
        free(w);
    }
}

void
ovsdb_jsonrpc_server_run(struct ovsdb_jsonrpc_server *server)
{
    struct remote *r;
    TAILQ_FOREACH(r, &server->remotes, node) {
        for (int i = 0; i < MAX_ACCEPTS_PER_RUN; i++) {
            struct stream *stream;
            int err = pstream_accept(r->pstream, &stream);
            if (err == -EAGAIN) {
                break;
            } else if (err) {
                VLOG_WARN_RL(&rl, "%s: accept failed: %s", r->name, strerror(-err));
                break;
            }
            session_create(server, stream);
        }
    }
    struct session *s, *next;
    TAILQ_FOREACH_SAFE(s, &server->sessions, node, next) {
        session_run(s);
    }
    TAILQ_FOREACH_SAFE(s, &server->sessions, node, next) {
        if (!TAILQ_EMPTY(&s->waits)) {
            session_run_waits(s);
        }
        jsonrpc_run(s->rpc);
        if (jsonrpc_get_status(s->rpc)) {
            session_destroy(s);
        }
    }
}

void
ovsdb_jsonrpc_server_wait(struct ovsdb_jsonrpc_server *server)
{
    struct remote *r;
    TAILQ_FOREACH(r, &server->remotes, node) {
        pstream_wait(r->pstream);
    }
    struct session *s;
    TAILQ_FOREACH(s, &server->sessions, node) {
        jsonrpc_wait(s->rpc);
        if (jsonrpc_get_backlog(s->rpc) < MAX_BACKLOG) {
            jsonrpc_recv_wait(s->rpc);
        }
        struct waiting_txn *w;
        TAILQ_FOREACH(w, &s->waits, node) {
            if (w->db->n_commits != w->seen_commits) {
                poll_immediate_wake();
            } else if (w->deadline != LLONG_MAX) {
                poll_timer_wait_until(w->deadline);
            }
        }
    }
}

/* ---- Sessions ---- */

static void
session_create(struct ovsdb_jsonrpc_server *server, struct stream *stream)
{
    struct session *s = xzalloc(sizeof *s);
    s->server = server;
    s->rpc = jsonrpc_open(stream);
    TAILQ_INIT(&s->monitors);
    TAILQ_INIT(&s->waits);
    TAILQ_INSERT_TAIL(&server->sessions, s, node);
    VLOG_DBG("%s: new connection", jsonrpc_get_name(s->rpc));
}

static void
monitor_entry_destroy(struct monitor_entry *e)
{
    TAILQ_REMOVE(&e->session->monitors, e, node);
    ovsdb_monitor_destroy(e->monitor);
    json_decref(e->id);
    free(e);
}

static void
session_destroy(struct session *s)
{
    struct monitor_entry *e;
    while ((e = TAILQ_FIRST(&s->monitors))) {
        monitor_entry_destroy(e);
    }
    struct waiting_txn *w;
    while ((w = TAILQ_FIRST(&s->waits))) {
        TAILQ_REMOVE(&s->waits, w, node);
        json_decref(w->request_id);
        json_decref(w->params);
        free(w);
    }
    locks_release_session(s->server, s);
    VLOG_DBG("%s: connection closed", jsonrpc_get_name(s->rpc));
    TAILQ_REMOVE(&s->server->sessions, s, node);
    jsonrpc_close(s->rpc);
    free(s);
}

static json_t *
error_json(const char *tag, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static json_t *
error_json(const char *tag, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *details = xvasprintf(fmt, args);
    va_end(args);
    json_t *j = json_pack("{ssss}", "error", tag, "details", details);
    free(details);
    return j;
}

static void
send_error(struct session *s, const json_t *id, json_t *error)
{
    jsonrpc_send(s->rpc, jsonrpc_create_error(error, id));
}

/* Looks up the database named by PARAMS[0]; on failure sends an error reply and returns NULL. */
static struct ovsdb *
get_db_param(struct session *s, const struct jsonrpc_msg *msg)
{
    const json_t *jname = json_array_get(msg->params, 0);
    if (!json_is_string(jname)) {
        send_error(s, msg->id, error_json("syntax error", "%s: first parameter must be a "
                                          "database name", msg->method));
        return NULL;
    }
    struct ovsdb *db = ovsdb_jsonrpc_server_get_db(s->server, json_string_value(jname));
    if (!db) {
        send_error(s, msg->id, error_json("unknown database", "%s request specifies unknown "
                                          "database %s", msg->method,
                                          json_string_value(jname)));
    }
    return db;
}

/* ---- Locks (RFC 7047 §4.1.8-4.1.10) ---- */

static struct lock *
find_lock(struct ovsdb_jsonrpc_server *server, const char *name)
{
    struct lock *l;
    TAILQ_FOREACH(l, &server->locks, node) {
        if (!strcmp(l->name, name)) {
            return l;
        }
    }
    return NULL;
}

static bool
session_holds_lock(void *s_, const char *name)
{
    struct session *s = s_;
    struct lock *l = find_lock(s->server, name);
    return l && l->n && l->queue[0] == s;
}

static void
notify_lock(struct session *s, const char *method, const char *name)
{
    jsonrpc_send(s->rpc, jsonrpc_create_notify(method, json_pack("[s]", name)));
}

/* Removes S from L's queue; if S owned L, the next waiter gets it (and a "locked" notification). */
static void
lock_remove_session(struct ovsdb_jsonrpc_server *server, struct lock *l, struct session *s)
{
    for (size_t i = 0; i < l->n; i++) {
        if (l->queue[i] == s) {
            memmove(&l->queue[i], &l->queue[i + 1], (l->n - i - 1) * sizeof *l->queue);
            l->n--;
            if (i == 0 && l->n) {
                notify_lock(l->queue[0], "locked", l->name);
            }
            break;
        }
    }
    if (!l->n) {
        TAILQ_REMOVE(&server->locks, l, node);
        free(l->queue);
        free(l->name);
        free(l);
    }
}

static void
locks_release_session(struct ovsdb_jsonrpc_server *server, struct session *s)
{
    struct lock *l, *next;
    TAILQ_FOREACH_SAFE(l, &server->locks, node, next) {
        lock_remove_session(server, l, s);
    }
}

static void
handle_lock(struct session *s, const struct jsonrpc_msg *msg, int kind)
{
    const json_t *jname = json_array_get(msg->params, 0);
    if (json_array_size(msg->params) != 1 || !json_is_string(jname)) {
        send_error(s, msg->id, error_json("syntax error", "%s: params must be [<lock name>]",
                                          msg->method));
        return;
    }
    const char *name = json_string_value(jname);
    struct ovsdb_jsonrpc_server *server = s->server;
    struct lock *l = find_lock(server, name);
    bool queued = false;
    if (l) {
        for (size_t i = 0; i < l->n; i++) {
            queued = queued || l->queue[i] == s;
        }
    }

    if (kind == 'u') {                      /* unlock */
        if (l && queued) {
            lock_remove_session(server, l, s);
        }
        jsonrpc_send(s->rpc, jsonrpc_create_reply(json_object(), msg->id));
        return;
    }
    if (queued && kind == 'l') {
        send_error(s, msg->id, error_json("duplicate lock", "lock %s was already requested on "
                                          "this session", name));
        return;
    }
    if (!l) {
        l = xzalloc(sizeof *l);
        l->name = xstrdup(name);
        TAILQ_INSERT_TAIL(&server->locks, l, node);
    }
    if (kind == 's') {                      /* steal */
        struct session *victim = l->n ? l->queue[0] : NULL;
        if (queued) {
            for (size_t i = 0; i < l->n; i++) {
                if (l->queue[i] == s) {
                    memmove(&l->queue[i], &l->queue[i + 1], (l->n - i - 1) * sizeof *l->queue);
                    l->n--;
                    break;
                }
            }
        }
        l->queue = xrealloc(l->queue, (l->n + 1) * sizeof *l->queue);
        memmove(&l->queue[1], &l->queue[0], l->n * sizeof *l->queue);
        l->queue[0] = s;
        l->n++;
        if (victim && victim != s) {
            /* The victim loses the lock and is no longer queued for it. */
            for (size_t i = 1; i < l->n; i++) {
                if (l->queue[i] == victim) {
                    memmove(&l->queue[i], &l->queue[i + 1], (l->n - i - 1) * sizeof *l->queue);
                    l->n--;
                    break;
                }
            }
            notify_lock(victim, "stolen", name);
        }
        jsonrpc_send(s->rpc, jsonrpc_create_reply(json_pack("{sb}", "locked", 1), msg->id));
        return;
    }
    l->queue = xrealloc(l->queue, (l->n + 1) * sizeof *l->queue);
    l->queue[l->n++] = s;
    jsonrpc_send(s->rpc, jsonrpc_create_reply(json_pack("{sb}", "locked", l->n == 1),
                                              msg->id));
}

/* ---- Methods ---- */

static void
handle_transact(struct session *s, const struct jsonrpc_msg *msg)
{
    struct ovsdb *db = get_db_param(s, msg);
    if (!db) {
        return;
    }
    struct ovsdb_exec_options options = { .lock_held = session_holds_lock, .aux = s };
    long long timeout;
    json_t *result = ovsdb_execute(db, msg->params, &options, 0, &timeout);
    if (result) {
        jsonrpc_send(s->rpc, jsonrpc_create_reply(result, msg->id));
        return;
    }
    struct waiting_txn *w = xzalloc(sizeof *w);
    w->request_id = json_deep_copy(msg->id);
    w->params = json_deep_copy(msg->params);
    w->db = db;
    w->start = time_msec();
    w->deadline = timeout == LLONG_MAX ? LLONG_MAX : w->start + timeout;
    w->seen_commits = db->n_commits;
    TAILQ_INSERT_TAIL(&s->waits, w, node);
}

static void
handle_cancel(struct session *s, const struct jsonrpc_msg *msg)
{
    const json_t *id = json_array_get(msg->params, 0);
    struct waiting_txn *w;
    TAILQ_FOREACH(w, &s->waits, node) {
        if (id && json_equal(w->request_id, (json_t *) id)) {
            send_error(s, w->request_id, json_pack("{ss}", "error", "canceled"));
            TAILQ_REMOVE(&s->waits, w, node);
            json_decref(w->request_id);
            json_decref(w->params);
            free(w);
            return;
        }
    }
}

static void
send_update(void *e_, json_t *table_updates)
{
    struct monitor_entry *e = e_;
    jsonrpc_send(e->session->rpc,
                 jsonrpc_create_notify("update", json_pack("[Oo]", e->id, table_updates)));
}

static void
handle_monitor(struct session *s, const struct jsonrpc_msg *msg)
{
    if (json_array_size(msg->params) != 3) {
        send_error(s, msg->id, error_json("syntax error", "monitor: params must be [<db-name>, "
                                          "<json-value>, <monitor-requests>]"));
        return;
    }
    struct ovsdb *db = get_db_param(s, msg);
    if (!db) {
        return;
    }
    json_t *id = json_array_get(msg->params, 1);
    struct monitor_entry *e;
    TAILQ_FOREACH(e, &s->monitors, node) {
        if (json_equal(e->id, id)) {
            send_error(s, msg->id, error_json("duplicate monitor ID", "this session already has "
                                              "a monitor with that <json-value>"));
            return;
        }
    }
    e = xzalloc(sizeof *e);
    e->session = s;
    e->id = json_deep_copy(id);
    json_t *initial;
    struct ovsdb_error *error = ovsdb_monitor_create(db, json_array_get(msg->params, 2),
                                                     send_update, e, &e->monitor, &initial);
    if (error) {
        json_decref(e->id);
        free(e);
        send_error(s, msg->id, ovsdb_error_to_json_free(error));
        return;
    }
    TAILQ_INSERT_TAIL(&s->monitors, e, node);
    jsonrpc_send(s->rpc, jsonrpc_create_reply(initial, msg->id));
}

static void
handle_monitor_cancel(struct session *s, const struct jsonrpc_msg *msg)
{
    const json_t *id = json_array_get(msg->params, 0);
    struct monitor_entry *e;
    TAILQ_FOREACH(e, &s->monitors, node) {
        if (id && json_equal(e->id, (json_t *) id)) {
            monitor_entry_destroy(e);
            jsonrpc_send(s->rpc, jsonrpc_create_reply(json_object(), msg->id));
            return;
        }
    }
    send_error(s, msg->id, error_json("unknown monitor", "no monitor with that <json-value> on "
                                      "this session"));
}

static void
handle_request(struct session *s, const struct jsonrpc_msg *msg)
{
    const char *m = msg->method;
    if (!strcmp(m, "transact")) {
        handle_transact(s, msg);
    } else if (!strcmp(m, "monitor")) {
        handle_monitor(s, msg);
    } else if (!strcmp(m, "monitor_cancel")) {
        handle_monitor_cancel(s, msg);
    } else if (!strcmp(m, "list_dbs")) {
        json_t *names = json_array();
        for (size_t i = 0; i < s->server->n_dbs; i++) {
            json_array_append_new(names, json_string(s->server->dbs[i].db->schema->name));
        }
        jsonrpc_send(s->rpc, jsonrpc_create_reply(names, msg->id));
    } else if (!strcmp(m, "get_schema")) {
        struct ovsdb *db = get_db_param(s, msg);
        if (db) {
            jsonrpc_send(s->rpc, jsonrpc_create_reply(ovsdb_schema_to_json(db->schema),
                                                      msg->id));
        }
    } else if (!strcmp(m, "echo")) {
        jsonrpc_send(s->rpc, jsonrpc_create_reply(json_deep_copy(msg->params), msg->id));
    } else if (!strcmp(m, "lock")) {
        handle_lock(s, msg, 'l');
    } else if (!strcmp(m, "steal")) {
        handle_lock(s, msg, 's');
    } else if (!strcmp(m, "unlock")) {
        handle_lock(s, msg, 'u');
    } else {
        send_error(s, msg->id, error_json("unknown method", "method \"%s\" is not supported by "
                                          "this server", m));
    }
}

static void
session_run(struct session *s)
{
    jsonrpc_run(s->rpc);
    for (int i = 0; i < MAX_MSGS_PER_RUN; i++) {
        if (jsonrpc_get_backlog(s->rpc) >= MAX_BACKLOG) {
            break;
        }
        struct jsonrpc_msg *msg;
        int err = jsonrpc_recv(s->rpc, &msg);
        if (err) {
            break;          /* -EAGAIN, or the connection died (reaped by the caller). */
        }
        if (msg->type == JSONRPC_REQUEST) {
            handle_request(s, msg);
        } else if (msg->type == JSONRPC_NOTIFY && !strcmp(msg->method, "cancel")) {
            handle_cancel(s, msg);
        }
        /* Replies (to our echo probes) and other notifications need no action. */
        jsonrpc_msg_destroy(msg);
    }
}
