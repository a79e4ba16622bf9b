/* ovsdb-jsonrpc — RFC 7047 §4 server: remotes, sessions, methods; see ovsdb-jsonrpc.h. */
#include "ovsdb/ovsdb-jsonrpc.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
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
#define MAX_BACKLOG_HARD (16 * 1024 * 1024)    /* Queued output that disconnects a client. */

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* ---- Types ---- */

struct served_db {
    struct ovsdb *db;
    bool read_only;                 /* _Server: clients may not write. */
};

struct session;

struct remote {
    TAILQ_ENTRY(remote) node;
    char *name;
    struct pstream *pstream;        /* Passive remotes. */
    bool dynamic;
    /* Active remotes ("unix:", "tcp:", "ssl:"): the server connects out. */
    bool active;
    struct session *session;        /* The live connection, or NULL. */
    long long next_try;             /* time_msec() of the next connection attempt. */
    int backoff;                    /* ms: 1000, doubling to 8000 after each failure. */
    bool was_connected;             /* The session got at least one message. */
};

struct monitor_entry {
    TAILQ_ENTRY(monitor_entry) node;
    struct session *session;
    json_t *id;                     /* The client's <json-value>. */
    struct ovsdb_monitor *monitor;
    enum ovsdb_monitor_version version;     /* update, update2 or update3 notifications. */
    /* The notification around a <table-updates> text, serialized once at creation:
     * {"method":"update","params":[<id>,   and   ]}   (update2/update3 alike). */
    char *head;
    size_t head_len;                /* bytes */
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
    struct remote *remote;          /* The active remote this session belongs to, or NULL. */
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
    struct served_db *dbs;          /* dbs[0] is _Server. */
    size_t n_dbs;
    size_t max_msg;                 /* Largest request accepted, bytes. */
    TAILQ_HEAD(, remote) remotes;
    TAILQ_HEAD(, session) sessions;
    TAILQ_HEAD(, lock) locks;
};

/* ---- Private prototypes ---- */

static struct session *session_create(struct ovsdb_jsonrpc_server *, struct stream *);
static void session_destroy(struct session *);
static void session_run(struct session *);
static void locks_release_session(struct ovsdb_jsonrpc_server *, struct session *);
static bool session_holds_lock(void *session, const char *name);

/* ---- Server ---- */

/* The "_Server" database (OVS extension, ovsdb-server(5)): one Database row per served database.
 * OVS's client library reads it on connect (get_schema + monitor_cond of Database) to learn
 * whether the database it wants is there and connected. Our databases are all "standalone". */
static const char server_schema_json[] =
    "{\"name\": \"_Server\", \"version\": \"1.2.0\", \"tables\": {\"Database\": {"
    "\"columns\": {"
    "\"name\": {\"type\": \"string\"},"
    "\"model\": {\"type\": {\"key\": {\"type\": \"string\", \"enum\": [\"set\", "
    "[\"clustered\", \"relay\", \"standalone\"]]}}},"
    "\"connected\": {\"type\": \"boolean\"},"
    "\"leader\": {\"type\": \"boolean\"},"
    "\"schema\": {\"type\": {\"key\": \"string\", \"min\": 0}},"
    "\"cid\": {\"type\": {\"key\": \"uuid\", \"min\": 0}},"
    "\"sid\": {\"type\": {\"key\": \"uuid\", \"min\": 0}},"
    "\"index\": {\"type\": {\"key\": \"integer\", \"min\": 0}}}, "
    "\"isRoot\": true, \"indexes\": [[\"name\"]]}}}";

#define SERVER_DB_NAME "_Server"

static struct ovsdb *
server_db_create(void)
{
    json_error_t jerr;
    json_t *json = json_loads(server_schema_json, 0, &jerr);
    struct ovsdb_schema *schema;
    struct ovsdb_error *error = json ? ovsdb_schema_from_json(json, &schema)
                                     : ovsdb_error("syntax error", "%s", jerr.text);
    json_decref(json);
    if (error) {
        char *msg = ovsdb_error_to_string(error);
        uvs_fatal(0, "internal error: _Server schema: %s", msg);
    }
    return ovsdb_create(schema);
}

/* Adds DB's row to the _Server database. */
static void
server_db_add_row(struct ovsdb_jsonrpc_server *server, const struct ovsdb *db)
{
    json_t *schema = ovsdb_schema_to_json(db->schema);
    char *text = json_dumps(schema, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(schema);
    json_t *params = json_pack("[s{sssss{sssssbsbss}}]", SERVER_DB_NAME,
                               "op", "insert", "table", "Database", "row",
                               "name", db->schema->name, "model", "standalone",
                               "connected", 1, "leader", 1, "schema", text);
    free(text);
    long long timeout;
    json_t *result = ovsdb_execute(server->dbs[0].db, params, NULL, 0, &timeout);
    json_t *last = json_array_get(result, json_array_size(result) - 1);
    if (!result || json_object_get(last, "error")) {
        char *msg = result ? json_dumps(result, JSON_COMPACT) : xstrdup("(no result)");
        VLOG_WARN("cannot add %s to the _Server database: %s", db->schema->name, msg);
        free(msg);
    }
    json_decref(result);
    json_decref(params);
}

struct ovsdb_jsonrpc_server *
ovsdb_jsonrpc_server_create(void)
{
    struct ovsdb_jsonrpc_server *server = xzalloc(sizeof *server);
    TAILQ_INIT(&server->remotes);
    TAILQ_INIT(&server->sessions);
    TAILQ_INIT(&server->locks);
    server->dbs = xzalloc(sizeof *server->dbs);
    server->dbs[0].db = server_db_create();
    server->dbs[0].read_only = true;
    server->n_dbs = 1;
    server->max_msg = OVSDB_JSONRPC_DEFAULT_MAX_MSG;
    server_db_add_row(server, server->dbs[0].db);
    return server;
}

static void
remote_destroy(struct ovsdb_jsonrpc_server *server, struct remote *r)
{
    TAILQ_REMOVE(&server->remotes, r, node);
    if (r->session) {
        session_destroy(r->session);
    }
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
    ovsdb_destroy(server->dbs[0].db);
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
    server->dbs[server->n_dbs].db = db;
    server->dbs[server->n_dbs].read_only = false;
    server->n_dbs++;
    server_db_add_row(server, db);
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
    if (!strncmp(name, "unix:", 5) || !strncmp(name, "tcp:", 4) || !strncmp(name, "ssl:", 4)) {
        char *msg = stream_verify_name(name);
        if (msg) {
            *errorp = xasprintf("remote \"%s\": %s", name, msg);
            free(msg);
            return -EINVAL;
        }
        struct remote *r = xzalloc(sizeof *r);
        r->name = xstrdup(name);
        r->dynamic = dynamic;
        r->active = true;
        r->backoff = 1000;
        TAILQ_INSERT_TAIL(&server->remotes, r, node);
        VLOG_INFO("%s: connecting (active remote)", name);
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

void
ovsdb_jsonrpc_server_set_max_msg_size(struct ovsdb_jsonrpc_server *server, size_t bytes)
{
    server->max_msg = bytes ? bytes : OVSDB_JSONRPC_DEFAULT_MAX_MSG;
}

void
ovsdb_jsonrpc_server_get_memory_usage(const struct ovsdb_jsonrpc_server *server,
                                      struct ds *ds)
{
    size_t n_sessions = 0, n_monitors = 0, n_waits = 0, backlog = 0, n_locks = 0;
    struct session *s;
    TAILQ_FOREACH(s, &server->sessions, node) {
        n_sessions++;
        backlog += jsonrpc_get_backlog(s->rpc);
        struct monitor_entry *e;
        TAILQ_FOREACH(e, &s->monitors, node) {
            n_monitors++;
        }
        struct waiting_txn *w;
        TAILQ_FOREACH(w, &s->waits, node) {
            n_waits++;
        }
    }
    struct lock *l;
    TAILQ_FOREACH(l, &server->locks, node) {
        n_locks++;
    }
    ds_put_format(ds, "backlog:%zu locks:%zu monitors:%zu sessions:%zu waiting-transactions:%zu",
                  backlog, n_locks, n_monitors, n_sessions, n_waits);
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
        struct ovsdb_exec_options options = { .lock_held = session_holds_lock, .aux = s,
                                              .read_only = w->db == s->server->dbs[0].db };
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
    long long now = time_msec();
    TAILQ_FOREACH(r, &server->remotes, node) {
        if (r->active) {
            if (!r->session && now >= r->next_try) {
                struct stream *stream;
                int err = stream_open(r->name, &stream);
                if (err) {
                    VLOG_WARN_RL(&rl, "%s: connection failed: %s", r->name, strerror(-err));
                    r->next_try = now + r->backoff;
                    r->backoff = r->backoff * 2 > 8000 ? 8000 : r->backoff * 2;
                } else {
                    r->session = session_create(server, stream);
                    r->session->remote = r;
                    r->was_connected = false;
                }
            }
            continue;
        }
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
        size_t backlog = jsonrpc_get_backlog(s->rpc);
        if (backlog > MAX_BACKLOG_HARD) {
            VLOG_WARN_RL(&rl, "%s: client is not reading its replies and updates (%zu bytes "
                         "queued, limit %d); disconnecting it", jsonrpc_get_name(s->rpc),
                         backlog, MAX_BACKLOG_HARD);
            session_destroy(s);
        } else if (jsonrpc_get_status(s->rpc)) {
            session_destroy(s);
        }
    }
}

void
ovsdb_jsonrpc_server_wait(struct ovsdb_jsonrpc_server *server)
{
    struct remote *r;
    TAILQ_FOREACH(r, &server->remotes, node) {
        if (!r->active) {
            pstream_wait(r->pstream);
        } else if (!r->session) {
            poll_timer_wait_until(r->next_try);
        }
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

static struct session *
session_create(struct ovsdb_jsonrpc_server *server, struct stream *stream)
{
    struct session *s = xzalloc(sizeof *s);
    s->server = server;
    s->rpc = jsonrpc_open(stream);
    jsonrpc_set_max_msg_size(s->rpc, server->max_msg);
    TAILQ_INIT(&s->monitors);
    TAILQ_INIT(&s->waits);
    TAILQ_INSERT_TAIL(&server->sessions, s, node);
    VLOG_DBG("%s: new connection", jsonrpc_get_name(s->rpc));
    return s;
}

static void
monitor_entry_destroy(struct monitor_entry *e)
{
    TAILQ_REMOVE(&e->session->monitors, e, node);
    ovsdb_monitor_destroy(e->monitor);
    json_decref(e->id);
    free(e->head);
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
    if (s->remote) {
        struct remote *r = s->remote;
        r->session = NULL;
        if (r->was_connected) {
            r->backoff = 1000;
        }
        r->next_try = time_msec() + r->backoff;
        r->backoff = r->backoff * 2 > 8000 ? 8000 : r->backoff * 2;
        VLOG_INFO("%s: connection closed (%s); reconnecting in %d ms", r->name,
                  jsonrpc_get_status(s->rpc) ? strerror(-jsonrpc_get_status(s->rpc))
                                             : "by us", (int) (r->next_try - time_msec()));
    }
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
    struct ovsdb_exec_options options = { .lock_held = session_holds_lock, .aux = s,
                                          .read_only = db == s->server->dbs[0].db };
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

/* monitor_cond_since's <last-txn-id>: like OVS's standalone databases we keep no transaction
 * history, so it is always the zero UUID and a reconnecting client gets the full contents. */
#define ZERO_TXN_ID "00000000-0000-0000-0000-000000000000"

/* Serializes E's notification head (see struct monitor_entry). */
static void
monitor_entry_init_head(struct monitor_entry *e)
{
    static const char *const methods[] = {
        [OVSDB_MONITOR_V1] = "update", [OVSDB_MONITOR_V2] = "update2",
        [OVSDB_MONITOR_V3] = "update3",
    };
    char *id = json_dumps(e->id, JSON_COMPACT | JSON_ENCODE_ANY);
    e->head = xasprintf("{\"method\":\"%s\",\"params\":[%s,%s", methods[e->version],
                        id ? id : "null",
                        e->version == OVSDB_MONITOR_V3 ? "\"" ZERO_TXN_ID "\"," : "");
    e->head_len = strlen(e->head);
    free(id);
}

/* Sends TABLE_UPDATES to E's client as an "update" (RFC 7047 §4.1.6), "update2" or "update3"
 * notification. A transaction's updates are shared by every monitor with the same request and
 * serialized once (ovsdb_monitor_update_text()); each client gets only its own head around those
 * bytes, queued without a per-client JSON tree, serialization or write: the session's output is
 * flushed once per poll-loop iteration (ovsdb_jsonrpc_server_run()). */
static void
send_update(void *e_, json_t *table_updates)
{
    struct monitor_entry *e = e_;
    size_t len;
    const char *text = ovsdb_monitor_update_text(table_updates, &len);
    if (text) {
        static const char tail[] = "],\"id\":null}";
        struct iovec parts[] = {
            { .iov_base = e->head, .iov_len = e->head_len },
            { .iov_base = (char *) text, .iov_len = len },
            { .iov_base = (char *) tail, .iov_len = sizeof tail - 1 },
        };
        jsonrpc_send_serialized(e->session->rpc, parts, ARRAY_SIZE(parts));
        json_decref(table_updates);
        return;
    }
    struct jsonrpc_msg *msg;
    switch (e->version) {
    case OVSDB_MONITOR_V1:
        msg = jsonrpc_create_notify("update", json_pack("[Oo]", e->id, table_updates));
        break;
    case OVSDB_MONITOR_V2:
        msg = jsonrpc_create_notify("update2", json_pack("[Oo]", e->id, table_updates));
        break;
    case OVSDB_MONITOR_V3:
    default:
        msg = jsonrpc_create_notify("update3", json_pack("[Oso]", e->id, ZERO_TXN_ID,
                                                         table_updates));
        break;
    }
    jsonrpc_send(e->session->rpc, msg);
}

/* "monitor" (RFC 7047 §4.1.5), "monitor_cond" and "monitor_cond_since" (OVS extensions,
 * ovsdb-server(7) §4.1.12 and §4.1.15). monitor_cond_since's fourth parameter, the last
 * transaction the client saw, is accepted and ignored: the reply is always
 * [false, <zero uuid>, <initial table-updates2>]. */
static void
handle_monitor(struct session *s, const struct jsonrpc_msg *msg,
               enum ovsdb_monitor_version version)
{
    size_t n_params = version == OVSDB_MONITOR_V3 ? 4 : 3;
    if (json_array_size(msg->params) != n_params
        && !(version == OVSDB_MONITOR_V3 && json_array_size(msg->params) == 3)) {
        send_error(s, msg->id, error_json("syntax error", "%s: params must be [<db-name>, "
                                          "<json-value>, <monitor-requests>%s]", msg->method,
                                          version == OVSDB_MONITOR_V3 ? ", <last-txn-id>" : ""));
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
    e->version = version;
    monitor_entry_init_head(e);
    json_t *initial;
    struct ovsdb_error *error = ovsdb_monitor_create_versioned(db, json_array_get(msg->params, 2),
                                                               version, send_update, e,
                                                               &e->monitor, &initial);
    if (error) {
        json_decref(e->id);
        free(e->head);
        free(e);
        send_error(s, msg->id, ovsdb_error_to_json_free(error));
        return;
    }
    TAILQ_INSERT_TAIL(&s->monitors, e, node);
    if (version == OVSDB_MONITOR_V3) {
        initial = json_pack("[bso]", 0, ZERO_TXN_ID, initial);
    }
    jsonrpc_send(s->rpc, jsonrpc_create_reply(initial, msg->id));
}

/* "monitor_cond_change" [<old json-value>, <new json-value>, <monitor-cond-update-requests>]:
 * replies {} and then sends the rows entering or leaving the new conditions as an update. */
static void
handle_monitor_cond_change(struct session *s, const struct jsonrpc_msg *msg)
{
    if (json_array_size(msg->params) != 3) {
        send_error(s, msg->id, error_json("syntax error", "monitor_cond_change: params must be "
                                          "[<json-value>, <new json-value>, "
                                          "<monitor-cond-update-requests>]"));
        return;
    }
    const json_t *old_id = json_array_get(msg->params, 0);
    const json_t *new_id = json_array_get(msg->params, 1);
    struct monitor_entry *e, *found = NULL;
    TAILQ_FOREACH(e, &s->monitors, node) {
        if (json_equal(e->id, (json_t *) old_id)) {
            found = e;
        } else if (json_equal(e->id, (json_t *) new_id)) {
            send_error(s, msg->id, error_json("duplicate monitor ID", "this session already has "
                                              "a monitor with the new <json-value>"));
            return;
        }
    }
    if (!found) {
        send_error(s, msg->id, error_json("unknown monitor", "no monitor with that <json-value> "
                                          "on this session"));
        return;
    }
    json_t *updates;
    struct ovsdb_error *error = ovsdb_monitor_change_cond(found->monitor,
                                                          json_array_get(msg->params, 2),
                                                          &updates);
    if (error) {
        send_error(s, msg->id, ovsdb_error_to_json_free(error));
        return;
    }
    json_decref(found->id);
    found->id = json_deep_copy(new_id);
    free(found->head);
    monitor_entry_init_head(found);
    jsonrpc_send(s->rpc, jsonrpc_create_reply(json_object(), msg->id));
    if (json_object_size(updates)) {
        send_update(found, updates);
    } else {
        json_decref(updates);
    }
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
        handle_monitor(s, msg, OVSDB_MONITOR_V1);
    } else if (!strcmp(m, "monitor_cond")) {
        handle_monitor(s, msg, OVSDB_MONITOR_V2);
    } else if (!strcmp(m, "monitor_cond_since")) {
        handle_monitor(s, msg, OVSDB_MONITOR_V3);
    } else if (!strcmp(m, "monitor_cond_change")) {
        handle_monitor_cond_change(s, msg);
    } else if (!strcmp(m, "set_db_change_aware")) {
        /* Our databases are never converted or removed while served, so there is nothing to
         * notify; accept the request as OVS does. */
        jsonrpc_send(s->rpc, jsonrpc_create_reply(json_object(), msg->id));
    } else if (!strcmp(m, "monitor_cancel")) {
        handle_monitor_cancel(s, msg);
    } else if (!strcmp(m, "list_dbs")) {
        json_t *names = json_array();
        for (size_t i = 1; i < s->server->n_dbs; i++) {
            json_array_append_new(names, json_string(s->server->dbs[i].db->schema->name));
        }
        json_array_append_new(names, json_string(SERVER_DB_NAME));
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
        if (s->remote) {
            s->remote->was_connected = true;
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
