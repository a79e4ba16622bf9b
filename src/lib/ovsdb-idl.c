/*
 * ovsdb-idl — client replica of an OVSDB database over RFC 7047 "monitor". See ovsdb-idl.h.
 *
 * Connection state machine (ovsdb_idl_run()):
 *
 *   BACKOFF --(time)--> open stream, send get_schema --> SCHEMA_REQUESTED
 *   SCHEMA_REQUESTED --(schema reply)--> send monitor --> MONITOR_REQUESTED
 *   MONITOR_REQUESTED --(monitor reply = initial contents)--> MONITORING  (replica replaced)
 *   MONITORING --("update" notifications)--> MONITORING                (replica patched)
 *   any state --(connection error, error reply, "monitor_canceled")--> BACKOFF
 *
 * The backoff starts at 1 s and doubles up to 8 s; it resets once a replica arrives. The first attempt
 * is immediate. Pending transactions whose connection is lost get their callback with an error.
 *
 * Replica invariant: 'data' maps each monitored table name to an object (possibly empty) of row UUID
 * -> row object; each row has every monitored column (columns the server omits are filled with the
 * column type's default from the schema, RFC 7047 §5.1). 'seqno' increases on every replica change.
 */
#include "lib/ovsdb-idl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "lib/jsonrpc.h"
#include "lib/poll-loop.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(ovsdb_idl);

#define IDL_MONITOR_ID "uvs-idl"
#define IDL_BACKOFF_MIN_MS 1000
#define IDL_BACKOFF_MAX_MS 8000
#define IDL_MAX_MSGS_PER_RUN 50   /* bound the work one ovsdb_idl_run() does */

enum idl_state {
    IDL_S_BACKOFF,            /* not connected; next attempt at 'next_attempt' */
    IDL_S_SCHEMA_REQUESTED,   /* connected (or connecting); get_schema sent */
    IDL_S_MONITOR_REQUESTED,  /* monitor sent, waiting for initial contents */
    IDL_S_MONITORING,         /* replica current */
};

struct idl_txn {
    TAILQ_ENTRY(idl_txn) node;
    json_t *id;
    ovsdb_idl_txn_cb *cb;
    void *aux;
};

struct ovsdb_idl {
    char *remote;
    char *db_name;
    json_t *monitor_requests;   /* NULL: monitor everything in the schema */
    json_t *schema;             /* last schema received, or NULL */
    json_t *data;               /* table -> {uuid -> row} */
    unsigned int seqno;

    enum idl_state state;
    struct jsonrpc *rpc;        /* non-NULL unless BACKOFF */
    json_t *request_id;         /* outstanding get_schema / monitor request */
    long long next_attempt;     /* msec, BACKOFF only */
    int backoff_ms;
    int last_error;             /* negative errno of the last failure, 0 if none */
    char *last_error_msg;       /* explanation of the last failure, or NULL */

    TAILQ_HEAD(idl_txn_list, idl_txn) txns; /* transactions awaiting replies */
};

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);

/* ---- Private prototypes ---- */

static void idl_disconnect(struct ovsdb_idl *, int error, const char *why);
static void idl_apply_updates(struct ovsdb_idl *, const json_t *updates);

/* ---- Lifecycle ---- */

struct ovsdb_idl *
ovsdb_idl_create(const char *remote, const char *db_name, json_t *monitor_requests)
{
    struct ovsdb_idl *idl = xzalloc(sizeof *idl);
    idl->remote = xstrdup(remote);
    idl->db_name = xstrdup(db_name);
    idl->monitor_requests = monitor_requests;
    idl->data = json_object();
    idl->state = IDL_S_BACKOFF;
    idl->next_attempt = 0;   /* first attempt immediately */
    idl->backoff_ms = IDL_BACKOFF_MIN_MS;
    TAILQ_INIT(&idl->txns);
    return idl;
}

static void
fail_txns(struct ovsdb_idl *idl, const char *error)
{
    struct idl_txn *t;
    while ((t = TAILQ_FIRST(&idl->txns)) != NULL) {
        TAILQ_REMOVE(&idl->txns, t, node);
        if (t->cb) {
            t->cb(t->aux, NULL, error);
        }
        json_decref(t->id);
        free(t);
    }
}

void
ovsdb_idl_destroy(struct ovsdb_idl *idl)
{
    if (!idl) {
        return;
    }
    fail_txns(idl, "database connection closed by the client");
    jsonrpc_close(idl->rpc);
    json_decref(idl->request_id);
    json_decref(idl->monitor_requests);
    json_decref(idl->schema);
    json_decref(idl->data);
    free(idl->last_error_msg);
    free(idl->remote);
    free(idl->db_name);
    free(idl);
}

static void
set_error(struct ovsdb_idl *idl, int error, char *msg)
{
    idl->last_error = error;
    free(idl->last_error_msg);
    idl->last_error_msg = msg;
}

const char *
ovsdb_idl_get_last_error(const struct ovsdb_idl *idl)
{
    return idl->last_error_msg;
}

/* ---- Connection ---- */

/* Formats an RFC 7047 §3.1 error object ({"error": "...", "details": "..."}) as "error (details)",
 * anything else as compact JSON. Malloc'd. */
static char *
format_error(const json_t *error)
{
    const char *e = json_string_value(json_object_get(error, "error"));
    const char *d = json_string_value(json_object_get(error, "details"));
    if (e) {
        return d ? xasprintf("%s (%s)", e, d) : xstrdup(e);
    } else if (json_is_string(error)) {
        return xstrdup(json_string_value(error));
    }
    char *s = json_dumps(error, JSON_COMPACT | JSON_ENCODE_ANY);
    return s ? s : xstrdup("unknown error");
}

static void
send_request(struct ovsdb_idl *idl, const char *method, json_t *params)
{
    json_decref(idl->request_id);
    idl->request_id = NULL;
    jsonrpc_send(idl->rpc, jsonrpc_create_request(method, params, &idl->request_id));
}

static void
idl_try_connect(struct ovsdb_idl *idl)
{
    struct stream *stream;
    int error = stream_open(idl->remote, &stream);
    if (error) {
        char *msg = xasprintf("cannot connect to %s: %s", idl->remote, strerror(-error));
        VLOG_WARN_RL(&rl, "%s (retrying in %d s)", msg, idl->backoff_ms / 1000);
        set_error(idl, error, msg);
        idl->next_attempt = time_msec() + idl->backoff_ms;
        idl->backoff_ms = UVS_MIN(idl->backoff_ms * 2, IDL_BACKOFF_MAX_MS);
        return;
    }
    idl->rpc = jsonrpc_open(stream);
    idl->state = IDL_S_SCHEMA_REQUESTED;
    send_request(idl, "get_schema", json_pack("[s]", idl->db_name));
}

static void
idl_disconnect(struct ovsdb_idl *idl, int error, const char *why)
{
    char *msg = xasprintf("%s: %s", idl->remote, why);
    if (idl->state == IDL_S_MONITORING) {
        VLOG_WARN_RL(&rl, "%s (reconnecting)", msg);
    } else {
        VLOG_DBG("%s", msg);
    }
    set_error(idl, error, msg);
    jsonrpc_close(idl->rpc);
    idl->rpc = NULL;
    json_decref(idl->request_id);
    idl->request_id = NULL;
    idl->state = IDL_S_BACKOFF;
    idl->next_attempt = time_msec() + idl->backoff_ms;
    idl->backoff_ms = UVS_MIN(idl->backoff_ms * 2, IDL_BACKOFF_MAX_MS);
    char *txn_error = xasprintf("connection to %s lost before the transaction completed (%s)",
                                idl->remote, why);
    fail_txns(idl, txn_error);
    free(txn_error);
}

/* Builds {"Table": {"columns": [...]}, ...} for every table and column in the schema. */
static json_t *
monitor_all_requests(const json_t *schema)
{
    json_t *requests = json_object();
    const char *table;
    json_t *tdef;
    json_object_foreach(json_object_get(schema, "tables"), table, tdef) {
        json_t *columns = json_array();
        const char *column;
        json_t *cdef;
        json_object_foreach(json_object_get(tdef, "columns"), column, cdef) {
            json_array_append_new(columns, json_string(column));
        }
        json_object_set_new(requests, table, json_pack("{s:o}", "columns", columns));
    }
    return requests;
}

static void
handle_schema_reply(struct ovsdb_idl *idl, struct jsonrpc_msg *msg)
{
    if (!json_is_object(msg->result) || !json_is_object(json_object_get(msg->result, "tables"))) {
        idl_disconnect(idl, -EPROTO, "get_schema reply is not a database schema");
        return;
    }
    json_decref(idl->schema);
    idl->schema = json_incref(msg->result);
    json_t *requests = idl->monitor_requests ? json_incref(idl->monitor_requests)
                                             : monitor_all_requests(idl->schema);
    idl->state = IDL_S_MONITOR_REQUESTED;
    send_request(idl, "monitor", json_pack("[s,s,o]", idl->db_name, IDL_MONITOR_ID, requests));
}

static void
handle_monitor_reply(struct ovsdb_idl *idl, struct jsonrpc_msg *msg)
{
    if (!json_is_object(msg->result)) {
        idl_disconnect(idl, -EPROTO, "monitor reply is not a <table-updates> object");
        return;
    }
    /* Replace the replica: every monitored table exists, possibly empty. */
    json_decref(idl->data);
    idl->data = json_object();
    const json_t *requests = idl->monitor_requests;
    json_t *all = NULL;
    if (!requests) {
        requests = all = monitor_all_requests(idl->schema);
    }
    const char *table;
    json_t *req;
    json_object_foreach((json_t *) requests, table, req) {
        json_object_set_new(idl->data, table, json_object());
    }
    json_decref(all);
    idl_apply_updates(idl, msg->result);
    idl->state = IDL_S_MONITORING;
    idl->backoff_ms = IDL_BACKOFF_MIN_MS;
    set_error(idl, 0, NULL);
    idl->seqno++;
    VLOG_DBG("%s: monitoring database %s", idl->remote, idl->db_name);
}

static void
handle_reply(struct ovsdb_idl *idl, struct jsonrpc_msg *msg)
{
    if (idl->request_id && json_equal(msg->id, idl->request_id)) {
        json_decref(idl->request_id);
        idl->request_id = NULL;
        if (msg->type == JSONRPC_ERROR) {
            char *err = format_error(msg->error);
            char *why = xasprintf("%s request for database \"%s\" failed: %s",
                                  idl->state == IDL_S_SCHEMA_REQUESTED ? "get_schema" : "monitor",
                                  idl->db_name, err);
            VLOG_WARN_RL(&rl, "%s: %s", idl->remote, why);
            idl_disconnect(idl, idl->state == IDL_S_SCHEMA_REQUESTED ? -ENOENT : -EPROTO, why);
            free(why);
            free(err);
        } else if (idl->state == IDL_S_SCHEMA_REQUESTED) {
            handle_schema_reply(idl, msg);
        } else if (idl->state == IDL_S_MONITOR_REQUESTED) {
            handle_monitor_reply(idl, msg);
        }
        return;
    }
    struct idl_txn *t;
    TAILQ_FOREACH(t, &idl->txns, node) {
        if (json_equal(t->id, msg->id)) {
            TAILQ_REMOVE(&idl->txns, t, node);
            if (t->cb) {
                if (msg->type == JSONRPC_REPLY) {
                    t->cb(t->aux, msg->result, NULL);
                } else {
                    char *err = format_error(msg->error);
                    t->cb(t->aux, NULL, err);
                    free(err);
                }
            }
            json_decref(t->id);
            free(t);
            return;
        }
    }
    VLOG_DBG("%s: reply to unknown request ignored", idl->remote);
}

static void
handle_message(struct ovsdb_idl *idl, struct jsonrpc_msg *msg)
{
    switch (msg->type) {
    case JSONRPC_REQUEST:
        if (!strcmp(msg->method, "echo")) {
            jsonrpc_send(idl->rpc, jsonrpc_create_reply(json_incref(msg->params), msg->id));
        } else {
            char *e = xasprintf("unknown method \"%s\"", msg->method);
            jsonrpc_send(idl->rpc, jsonrpc_create_error(json_string(e), msg->id));
            free(e);
        }
        break;
    case JSONRPC_NOTIFY:
        if (!strcmp(msg->method, "update") && json_array_size(msg->params) == 2
            && idl->state == IDL_S_MONITORING) {
            json_t *mid = json_array_get(msg->params, 0);
            if (json_is_string(mid) && !strcmp(json_string_value(mid), IDL_MONITOR_ID)) {
                idl_apply_updates(idl, json_array_get(msg->params, 1));
                idl->seqno++;
            }
        } else if (!strcmp(msg->method, "monitor_canceled")) {
            idl_disconnect(idl, -ECONNRESET, "server canceled the monitor (database removed or "
                           "schema changed)");
            idl->next_attempt = time_msec();
        }
        break;
    case JSONRPC_REPLY:
    case JSONRPC_ERROR:
        handle_reply(idl, msg);
        break;
    }
}

void
ovsdb_idl_run(struct ovsdb_idl *idl)
{
    if (idl->state == IDL_S_BACKOFF) {
        if (time_msec() < idl->next_attempt) {
            return;
        }
        idl_try_connect(idl);
        if (!idl->rpc) {
            return;
        }
    }
    jsonrpc_run(idl->rpc);
    for (int i = 0; i < IDL_MAX_MSGS_PER_RUN && idl->rpc; i++) {
        struct jsonrpc_msg *msg;
        int error = jsonrpc_recv(idl->rpc, &msg);
        if (error == -EAGAIN) {
            break;
        } else if (error) {
            char *why = xasprintf("%s", error == -EPIPE ? "connection closed by the server"
                                                       : strerror(-error));
            idl_disconnect(idl, error, why);
            free(why);
            break;
        }
        handle_message(idl, msg);
        jsonrpc_msg_destroy(msg);
    }
    if (idl->rpc && jsonrpc_get_status(idl->rpc)) {
        int error = jsonrpc_get_status(idl->rpc);
        idl_disconnect(idl, error, strerror(-error));
    }
}

void
ovsdb_idl_wait(struct ovsdb_idl *idl)
{
    if (idl->state == IDL_S_BACKOFF) {
        poll_timer_wait_until(idl->next_attempt);
    } else {
        jsonrpc_wait(idl->rpc);
        jsonrpc_recv_wait(idl->rpc);
    }
}

int
ovsdb_idl_wait_for_replica(struct ovsdb_idl *idl, int timeout_ms, bool retry)
{
    long long deadline = timeout_ms < 0 ? -1 : time_msec() + timeout_ms;
    for (;;) {
        ovsdb_idl_run(idl);
        if (idl->state == IDL_S_MONITORING) {
            return 0;
        }
        if (!retry && idl->state == IDL_S_BACKOFF && idl->last_error) {
            return idl->last_error;
        }
        if (deadline >= 0 && time_msec() >= deadline) {
            if (!idl->last_error_msg) {
                set_error(idl, -ETIMEDOUT, xasprintf("%s: no database contents within %d ms",
                                                     idl->remote, timeout_ms));
            }
            return -ETIMEDOUT;
        }
        ovsdb_idl_wait(idl);
        if (deadline >= 0) {
            poll_timer_wait_until(deadline);
        }
        poll_block();
    }
}

unsigned int
ovsdb_idl_get_seqno(const struct ovsdb_idl *idl)
{
    return idl->seqno;
}

bool
ovsdb_idl_is_connected(const struct ovsdb_idl *idl)
{
    return idl->rpc && !jsonrpc_get_status(idl->rpc) && idl->state != IDL_S_BACKOFF;
}

const json_t *
ovsdb_idl_get_schema(const struct ovsdb_idl *idl)
{
    return idl->schema;
}

/* ---- Replica ---- */

/* The default datum of a column type (RFC 7047 §5.1/§3.2): empty set or map when min is 0, otherwise
 * the default atom (0, 0.0, false, "", or the all-zero UUID). */
static json_t *
default_datum(const json_t *type)
{
    if (json_is_string(type)) {
        const char *t = json_string_value(type);
        if (!strcmp(t, "integer")) {
            return json_integer(0);
        } else if (!strcmp(t, "real")) {
            return json_real(0.0);
        } else if (!strcmp(t, "boolean")) {
            return json_false();
        } else if (!strcmp(t, "string")) {
            return json_string("");
        } else if (!strcmp(t, "uuid")) {
            return ovsdb_datum_uuid("00000000-0000-0000-0000-000000000000");
        }
        return json_null();
    }
    if (!json_is_object(type)) {
        return json_null();
    }
    json_t *key = json_object_get(type, "key");
    json_t *min = json_object_get(type, "min");
    bool has_value = json_object_get(type, "value") != NULL;
    if (has_value) {
        return json_pack("[s,[]]", "map");
    }
    if (min && json_is_integer(min) && json_integer_value(min) == 0) {
        return ovsdb_datum_empty_set();
    }
    json_t *base = json_is_object(key) ? json_object_get(key, "type") : key;
    return default_datum(base);
}

static void
fill_defaults(struct ovsdb_idl *idl, const char *table, json_t *row)
{
    if (!idl->schema) {
        return;
    }
    json_t *columns = json_object_get(json_object_get(json_object_get(idl->schema, "tables"),
                                                      table), "columns");
    json_t *req = idl->monitor_requests ? json_object_get(idl->monitor_requests, table) : NULL;
    json_t *wanted = json_is_object(req) ? json_object_get(req, "columns") : NULL;
    const char *column;
    json_t *cdef;
    json_object_foreach(columns, column, cdef) {
        if (json_object_get(row, column)) {
            continue;
        }
        if (json_is_array(wanted)) {
            bool monitored = false;
            size_t i;
            json_t *w;
            json_array_foreach(wanted, i, w) {
                if (json_is_string(w) && !strcmp(json_string_value(w), column)) {
                    monitored = true;
                    break;
                }
            }
            if (!monitored) {
                continue;
            }
        }
        json_object_set_new(row, column, default_datum(json_object_get(cdef, "type")));
    }
}

static void
idl_apply_updates(struct ovsdb_idl *idl, const json_t *updates)
{
    const char *table;
    json_t *rows;
    json_object_foreach((json_t *) updates, table, rows) {
        json_t *replica = json_object_get(idl->data, table);
        if (!replica) {
            replica = json_object();
            json_object_set_new(idl->data, table, replica);
        }
        const char *uuid;
        json_t *ru;
        json_object_foreach(rows, uuid, ru) {
            json_t *new = json_object_get(ru, "new");
            if (!json_is_object(new)) {
                json_object_del(replica, uuid);
                continue;
            }
            json_t *row = json_object_get(replica, uuid);
            if (!row) {
                row = json_object();
                json_object_set_new(replica, uuid, row);
            }
            /* RFC 7047 §4.1.6: "new" holds the row's new contents; merge so a server that sends
             * only modified columns still leaves a complete row. */
            const char *column;
            json_t *datum;
            json_object_foreach(new, column, datum) {
                if (strcmp(column, "_uuid") && strcmp(column, "_version")) {
                    json_object_set(row, column, datum);
                }
            }
            fill_defaults(idl, table, row);
        }
    }
}

const json_t *
ovsdb_idl_table(const struct ovsdb_idl *idl, const char *table)
{
    return json_object_get(idl->data, table);
}

const json_t *
ovsdb_idl_row(const struct ovsdb_idl *idl, const char *table, const char *uuid)
{
    return json_object_get(ovsdb_idl_table(idl, table), uuid);
}

const json_t *
ovsdb_idl_first_row(const struct ovsdb_idl *idl, const char *table, const char **uuidp)
{
    const json_t *t = ovsdb_idl_table(idl, table);
    const char *uuid;
    json_t *row;
    json_object_foreach((json_t *) t, uuid, row) {
        if (uuidp) {
            *uuidp = uuid;
        }
        return row;
    }
    if (uuidp) {
        *uuidp = NULL;
    }
    return NULL;
}

/* ---- Transactions ---- */

int
ovsdb_idl_transact(struct ovsdb_idl *idl, json_t *ops, ovsdb_idl_txn_cb *cb, void *aux)
{
    if (!ovsdb_idl_is_connected(idl)) {
        json_decref(ops);
        return -ENOTCONN;
    }
    json_t *params = json_array();
    json_array_append_new(params, json_string(idl->db_name));
    if (json_is_array(ops)) {
        json_array_extend(params, ops);
    }
    json_decref(ops);
    struct idl_txn *t = xzalloc(sizeof *t);
    t->cb = cb;
    t->aux = aux;
    jsonrpc_send(idl->rpc, jsonrpc_create_request("transact", params, &t->id));
    TAILQ_INSERT_TAIL(&idl->txns, t, node);
    return 0;
}

struct block_txn {
    bool done;
    json_t *result;
    char *error;
};

static void
block_txn_cb(void *aux, const json_t *result, const char *error)
{
    struct block_txn *b = aux;
    b->done = true;
    b->result = result ? json_incref((json_t *) result) : NULL;
    b->error = error ? xstrdup(error) : NULL;
}

int
ovsdb_idl_transact_block(struct ovsdb_idl *idl, json_t *ops, int timeout_ms, json_t **resultp,
                         char **errorp)
{
    *resultp = NULL;
    *errorp = NULL;
    if (!ovsdb_idl_is_connected(idl)) {
        json_decref(ops);
        *errorp = xasprintf("not connected to database server %s%s%s", idl->remote,
                            idl->last_error_msg ? ": " : "",
                            idl->last_error_msg ? idl->last_error_msg : "");
        return -ENOTCONN;
    }
    struct block_txn *b = xzalloc(sizeof *b);
    ovsdb_idl_transact(idl, ops, block_txn_cb, b);
    json_t *id = json_incref(TAILQ_LAST(&idl->txns, idl_txn_list)->id);
    long long deadline = timeout_ms < 0 ? -1 : time_msec() + timeout_ms;
    for (;;) {
        ovsdb_idl_run(idl);
        if (b->done) {
            break;
        }
        if (deadline >= 0 && time_msec() >= deadline) {
            /* Forget the callback (it points at our stack-free 'b' which we free below). */
            struct idl_txn *t;
            TAILQ_FOREACH(t, &idl->txns, node) {
                if (json_equal(t->id, id)) {
                    t->cb = NULL;
                    break;
                }
            }
            json_decref(id);
            free(b);
            *errorp = xasprintf("transaction on %s timed out after %d ms", idl->remote,
                                timeout_ms);
            return -ETIMEDOUT;
        }
        ovsdb_idl_wait(idl);
        if (deadline >= 0) {
            poll_timer_wait_until(deadline);
        }
        poll_block();
    }
    json_decref(id);
    int error = 0;
    if (b->result) {
        *resultp = b->result;
    } else {
        *errorp = b->error ? b->error : xstrdup("transaction failed");
        b->error = NULL;
        error = idl->rpc ? -EPROTO : -ECONNRESET;
    }
    free(b->error);
    free(b);
    return error;
}

/* ---- Datum helpers (RFC 7047 §5.1) ---- */

/* Returns "set", "map", "uuid", "named-uuid" for a 2-element tagged array, else NULL. */
static const char *
datum_tag(const json_t *datum)
{
    if (json_is_array(datum) && json_array_size(datum) == 2
        && json_is_string(json_array_get(datum, 0))) {
        return json_string_value(json_array_get(datum, 0));
    }
    return NULL;
}

static bool
is_set(const json_t *d)
{
    const char *tag = datum_tag(d);
    return tag && !strcmp(tag, "set") && json_is_array(json_array_get(d, 1));
}

static bool
is_map(const json_t *d)
{
    const char *tag = datum_tag(d);
    return tag && !strcmp(tag, "map") && json_is_array(json_array_get(d, 1));
}

size_t
ovsdb_datum_n(const json_t *datum)
{
    if (!datum) {
        return 0;
    }
    if (is_set(datum) || is_map(datum)) {
        return json_array_size(json_array_get(datum, 1));
    }
    return 1;
}

const json_t *
ovsdb_datum_set_elem(const json_t *datum, size_t i)
{
    if (!datum) {
        return NULL;
    }
    if (is_set(datum)) {
        return json_array_get(json_array_get(datum, 1), i);
    }
    return i == 0 && !is_map(datum) ? datum : NULL;
}

const json_t *
ovsdb_datum_map_get(const json_t *datum, const char *key)
{
    if (!is_map(datum)) {
        return NULL;
    }
    size_t i;
    json_t *pair;
    json_array_foreach(json_array_get(datum, 1), i, pair) {
        json_t *k = json_array_get(pair, 0);
        if (json_is_string(k) && !strcmp(json_string_value(k), key)) {
            return json_array_get(pair, 1);
        }
    }
    return NULL;
}

const char *
ovsdb_datum_map_get_string(const json_t *datum, const char *key)
{
    const json_t *v = ovsdb_datum_map_get(datum, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int64_t
ovsdb_datum_integer(const json_t *datum, int64_t default_value)
{
    const json_t *a = ovsdb_datum_n(datum) == 1 ? ovsdb_datum_set_elem(datum, 0) : NULL;
    return json_is_integer(a) ? (int64_t) json_integer_value(a) : default_value;
}

const char *
ovsdb_datum_string(const json_t *datum)
{
    const json_t *a = ovsdb_datum_n(datum) == 1 ? ovsdb_datum_set_elem(datum, 0) : NULL;
    return json_is_string(a) ? json_string_value(a) : NULL;
}

const char *
ovsdb_atom_uuid(const json_t *atom)
{
    const char *tag = datum_tag(atom);
    if (tag && !strcmp(tag, "uuid") && json_is_string(json_array_get(atom, 1))) {
        return json_string_value(json_array_get(atom, 1));
    }
    return NULL;
}

json_t *
ovsdb_datum_uuid(const char *uuid)
{
    return json_pack("[s,s]", "uuid", uuid);
}

json_t *
ovsdb_datum_named_uuid(const char *name)
{
    return json_pack("[s,s]", "named-uuid", name);
}

json_t *
ovsdb_datum_empty_set(void)
{
    return json_pack("[s,[]]", "set");
}

json_t *
ovsdb_datum_map_from_pairs(const char *const *kv, size_t n_pairs)
{
    json_t *pairs = json_array();
    for (size_t i = 0; i < n_pairs; i++) {
        json_array_append_new(pairs, json_pack("[s,s]", kv[2 * i], kv[2 * i + 1]));
    }
    return json_pack("[s,o]", "map", pairs);
}
