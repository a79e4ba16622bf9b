/*
 * jsonrpc — JSON-RPC 1.0 (RFC 7047 §4) over a stream. See jsonrpc.h for the contract.
 *
 * Framing: the peer sends concatenated JSON objects. The receive buffer is scanned incrementally by a
 * small state machine that counts '{'/'[' nesting outside strings (honouring backslash escapes);
 * when nesting returns to zero the bytes [start, end] are one complete value, handed to json_loadb().
 * Scanning state survives between reads, so a message split into any number of pieces costs O(bytes).
 *
 * Invariants: 'rx' holds unconsumed input from offset 'rx_start'; 'scan' is the next byte to scan;
 * 'depth', 'in_string', 'escape' describe the scanner at 'scan'. 'tx' holds output not yet sent from
 * offset 'tx_start'. Once 'status' is nonzero the connection is dead and stays dead.
 */
#include "lib/jsonrpc.h"

#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "lib/poll-loop.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(jsonrpc);

#define JSONRPC_MAX_MSG (64u * 1024 * 1024)   /* bytes */
#define JSONRPC_RX_CHUNK 4096                 /* bytes read per recv(2) */
#define JSONRPC_MAX_READS 16                  /* recv(2) calls per jsonrpc_recv() */

struct jsonrpc {
    struct stream *stream;
    char *name;
    int status;                /* 0 or negative errno */

    /* Receive side. */
    char *rx;
    size_t rx_len, rx_alloc;
    size_t rx_start;           /* first byte of the message being scanned */
    size_t scan;               /* next byte to scan */
    int depth;
    bool in_string, escape;
    bool started;              /* saw the first non-blank byte of the current message */
    size_t msg_end;            /* nonzero: a complete message lies at [rx_start, msg_end) */

    /* Send side. */
    struct ds tx;
    size_t tx_start;

    size_t max_msg;            /* bytes; a longer incoming message kills the connection */
};

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(30, 30);

/* ---- Messages ---- */

static struct jsonrpc_msg *
msg_create(enum jsonrpc_msg_type type)
{
    struct jsonrpc_msg *msg = xzalloc(sizeof *msg);
    msg->type = type;
    return msg;
}

static json_t *
params_or_empty(json_t *params)
{
    if (!params) {
        return json_array();
    }
    if (!json_is_array(params)) {
        /* JSON-RPC 1.0 params are an array; wrap anything else rather than send garbage. */
        json_t *a = json_array();
        json_array_append_new(a, params);
        return a;
    }
    return params;
}

struct jsonrpc_msg *
jsonrpc_create_request(const char *method, json_t *params, json_t **idp)
{
    static atomic_llong next_id = 0;
    struct jsonrpc_msg *msg = msg_create(JSONRPC_REQUEST);
    msg->method = xstrdup(method);
    msg->params = params_or_empty(params);
    msg->id = json_integer(atomic_fetch_add(&next_id, 1));
    if (idp) {
        *idp = json_incref(msg->id);
    }
    return msg;
}

struct jsonrpc_msg *
jsonrpc_create_notify(const char *method, json_t *params)
{
    struct jsonrpc_msg *msg = msg_create(JSONRPC_NOTIFY);
    msg->method = xstrdup(method);
    msg->params = params_or_empty(params);
    return msg;
}

struct jsonrpc_msg *
jsonrpc_create_reply(json_t *result, const json_t *id)
{
    struct jsonrpc_msg *msg = msg_create(JSONRPC_REPLY);
    msg->result = result ? result : json_null();
    msg->id = id ? json_deep_copy(id) : json_null();
    return msg;
}

struct jsonrpc_msg *
jsonrpc_create_error(json_t *error, const json_t *id)
{
    struct jsonrpc_msg *msg = msg_create(JSONRPC_ERROR);
    msg->error = error ? error : json_string("error");
    msg->id = id ? json_deep_copy(id) : json_null();
    return msg;
}

void
jsonrpc_msg_destroy(struct jsonrpc_msg *msg)
{
    if (msg) {
        free(msg->method);
        json_decref(msg->params);
        json_decref(msg->result);
        json_decref(msg->error);
        json_decref(msg->id);
        free(msg);
    }
}

json_t *
jsonrpc_msg_to_json(const struct jsonrpc_msg *msg)
{
    json_t *j = json_object();
    switch (msg->type) {
    case JSONRPC_REQUEST:
    case JSONRPC_NOTIFY:
        json_object_set_new(j, "method", json_string(msg->method));
        json_object_set_new(j, "params", msg->params ? json_incref(msg->params) : json_array());
        json_object_set(j, "id", msg->type == JSONRPC_REQUEST && msg->id ? msg->id : json_null());
        break;
    case JSONRPC_REPLY:
        json_object_set(j, "result", msg->result ? msg->result : json_null());
        json_object_set_new(j, "error", json_null());
        json_object_set(j, "id", msg->id ? msg->id : json_null());
        break;
    case JSONRPC_ERROR:
        json_object_set_new(j, "result", json_null());
        json_object_set(j, "error", msg->error ? msg->error : json_null());
        json_object_set(j, "id", msg->id ? msg->id : json_null());
        break;
    }
    return j;
}

char *
jsonrpc_msg_from_json(const json_t *json, struct jsonrpc_msg **msgp)
{
    *msgp = NULL;
    if (!json_is_object(json)) {
        return xstrdup("message is not a JSON object");
    }
    json_t *method = json_object_get(json, "method");
    json_t *params = json_object_get(json, "params");
    json_t *result = json_object_get(json, "result");
    json_t *error = json_object_get(json, "error");
    json_t *id = json_object_get(json, "id");
    struct jsonrpc_msg *msg;

    if (method) {
        if (!json_is_string(method)) {
            return xstrdup("method is not a string");
        }
        if (result && !json_is_null(result)) {
            return xstrdup("request has a result");
        }
        if (params && !json_is_array(params)) {
            return xstrdup("\"params\" must be an array");
        }
        msg = msg_create(id && !json_is_null(id) ? JSONRPC_REQUEST : JSONRPC_NOTIFY);
        msg->method = xstrdup(json_string_value(method));
        msg->params = params ? json_deep_copy(params) : json_array();
        if (msg->type == JSONRPC_REQUEST) {
            msg->id = json_deep_copy(id);
        }
    } else if (result || error) {
        bool has_result = result && !json_is_null(result);
        bool has_error = error && !json_is_null(error);
        if (has_result && has_error) {
            return xstrdup("message has both result and error");
        }
        if (!id) {
            return xstrdup("reply has no \"id\"");
        }
        if (has_error) {
            msg = msg_create(JSONRPC_ERROR);
            msg->error = json_deep_copy(error);
        } else {
            msg = msg_create(JSONRPC_REPLY);
            msg->result = result ? json_deep_copy(result) : json_null();
        }
        msg->id = json_deep_copy(id);
    } else {
        return xstrdup("message is neither a request (no \"method\") nor a reply (no \"result\" "
                       "or \"error\")");
    }
    *msgp = msg;
    return NULL;
}

static void
put_json(struct ds *ds, const char *label, const json_t *j)
{
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    ds_put_format(ds, ", %s=%s", label, s ? s : "null");
    free(s);
}

char *
jsonrpc_msg_to_string(const struct jsonrpc_msg *msg)
{
    static const char *const names[] = { "request", "notification", "reply", "error" };
    struct ds ds = DS_EMPTY_INITIALIZER;
    ds_put_cstr(&ds, names[msg->type]);
    if (msg->method) {
        ds_put_format(&ds, ", method=\"%s\"", msg->method);
    }
    if (msg->params) {
        put_json(&ds, "params", msg->params);
    }
    if (msg->result) {
        put_json(&ds, "result", msg->result);
    }
    if (msg->error) {
        put_json(&ds, "error", msg->error);
    }
    if (msg->id) {
        put_json(&ds, "id", msg->id);
    }
    /* Keep log lines readable. */
    if (ds.len > 1024) {
        ds.len = 1024;
        ds.s[ds.len] = '\0';
        ds_put_cstr(&ds, "...");
    }
    return ds_steal_cstr(&ds);
}

/* ---- Connections ---- */

struct jsonrpc *
jsonrpc_open(struct stream *stream)
{
    struct jsonrpc *rpc = xzalloc(sizeof *rpc);
    rpc->stream = stream;
    rpc->name = xstrdup(stream_get_name(stream));
    rpc->max_msg = JSONRPC_MAX_MSG;
    ds_init(&rpc->tx);
    return rpc;
}

void
jsonrpc_set_max_msg_size(struct jsonrpc *rpc, size_t bytes)
{
    rpc->max_msg = bytes ? bytes : JSONRPC_MAX_MSG;
}

void
jsonrpc_close(struct jsonrpc *rpc)
{
    if (rpc) {
        stream_close(rpc->stream);
        free(rpc->name);
        free(rpc->rx);
        ds_destroy(&rpc->tx);
        free(rpc);
    }
}

static void
jsonrpc_error(struct jsonrpc *rpc, int error)
{
    if (!rpc->status) {
        rpc->status = error;
    }
}

void
jsonrpc_run(struct jsonrpc *rpc)
{
    if (rpc->status) {
        return;
    }
    while (rpc->tx_start < rpc->tx.len) {
        ssize_t n = stream_send(rpc->stream, rpc->tx.s + rpc->tx_start, rpc->tx.len - rpc->tx_start);
        if (n == -EAGAIN) {
            break;
        } else if (n < 0) {
            VLOG_WARN_RL(&rl, "%s: send error: %s", rpc->name, strerror((int) -n));
            jsonrpc_error(rpc, (int) n);
            return;
        }
        rpc->tx_start += (size_t) n;
    }
    if (rpc->tx_start == rpc->tx.len) {
        ds_clear(&rpc->tx);
        rpc->tx_start = 0;
    } else if (rpc->tx_start > 65536 && rpc->tx_start > rpc->tx.len / 2) {
        memmove(rpc->tx.s, rpc->tx.s + rpc->tx_start, rpc->tx.len - rpc->tx_start);
        rpc->tx.len -= rpc->tx_start;
        rpc->tx.s[rpc->tx.len] = '\0';
        rpc->tx_start = 0;
    }
}

void
jsonrpc_wait(struct jsonrpc *rpc)
{
    if (rpc->status) {
        poll_immediate_wake();
    } else if (rpc->tx_start < rpc->tx.len) {
        stream_send_wait(rpc->stream);
    }
}

int
jsonrpc_send(struct jsonrpc *rpc, struct jsonrpc_msg *msg)
{
    if (rpc->status) {
        jsonrpc_msg_destroy(msg);
        return rpc->status;
    }
    if (vlog_is_enabled(&this_module, VLL_DBG)) {
        char *s = jsonrpc_msg_to_string(msg);
        VLOG_DBG("%s: send %s", rpc->name, s);
        free(s);
    }
    json_t *j = jsonrpc_msg_to_json(msg);
    jsonrpc_msg_destroy(msg);
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (!s) {
        return -EINVAL;
    }
    ds_put_cstr(&rpc->tx, s);
    free(s);
    jsonrpc_run(rpc);
    return rpc->status;
}

int
jsonrpc_send_serialized(struct jsonrpc *rpc, const struct iovec *parts, size_t n_parts)
{
    if (rpc->status) {
        return rpc->status;
    }
    for (size_t i = 0; i < n_parts; i++) {
        ds_put_buffer(&rpc->tx, parts[i].iov_base, parts[i].iov_len);
    }
    if (vlog_is_enabled(&this_module, VLL_DBG)) {
        size_t len = 0;
        for (size_t i = 0; i < n_parts; i++) {
            len += parts[i].iov_len;
        }
        const char *start = rpc->tx.s + rpc->tx.len - len;
        VLOG_DBG("%s: send (pre-serialized, %zu bytes) %.*s%s", rpc->name, len,
                 (int) UVS_MIN(len, 1024), start, len > 1024 ? "..." : "");
    }
    return 0;
}

/* Advances the scanner over rpc->rx. Returns true with *ENDP (one past the last byte) when a complete
 * top-level value lies at [rx_start, *endp). Returns false when more input is needed, or sets the
 * status to -EPROTO when the input cannot be JSON-RPC. */
static bool
scan_message(struct jsonrpc *rpc, size_t *endp)
{
    if (rpc->msg_end) {
        *endp = rpc->msg_end;
        return true;
    }
    for (; rpc->scan < rpc->rx_len; rpc->scan++) {
        char c = rpc->rx[rpc->scan];
        if (rpc->started && rpc->scan - rpc->rx_start >= rpc->max_msg) {
            break;              /* Too long, complete or not: refused below. */
        }
        if (!rpc->started) {
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                rpc->rx_start = rpc->scan + 1;
                continue;
            }
            if (c != '{') {
                VLOG_WARN_RL(&rl, "%s: received '%c' (0x%02x) where a JSON-RPC message should "
                             "start; JSON-RPC messages are JSON objects", rpc->name,
                             c >= 0x20 && c < 0x7f ? c : '?', (unsigned char) c);
                jsonrpc_error(rpc, -EPROTO);
                return false;
            }
            rpc->started = true;
            rpc->rx_start = rpc->scan;
        }
        if (rpc->in_string) {
            if (rpc->escape) {
                rpc->escape = false;
            } else if (c == '\\') {
                rpc->escape = true;
            } else if (c == '"') {
                rpc->in_string = false;
            }
        } else if (c == '"') {
            rpc->in_string = true;
        } else if (c == '{' || c == '[') {
            rpc->depth++;
        } else if (c == '}' || c == ']') {
            if (--rpc->depth == 0) {
                rpc->scan++;
                *endp = rpc->msg_end = rpc->scan;
                return true;
            }
        }
    }
    if (rpc->started && rpc->scan - rpc->rx_start >= rpc->max_msg) {
        VLOG_WARN_RL(&rl, "%s: message exceeds the %zu-byte limit; closing the connection",
                     rpc->name, rpc->max_msg);
        jsonrpc_error(rpc, -EMSGSIZE);
    }
    return false;
}

/* Consumes the message at [rx_start, end) and resets the scanner. */
static int
parse_message(struct jsonrpc *rpc, size_t end, struct jsonrpc_msg **msgp)
{
    json_error_t jerr;
    json_t *j = json_loadb(rpc->rx + rpc->rx_start, end - rpc->rx_start, 0, &jerr);
    rpc->rx_start = end;
    rpc->msg_end = 0;
    rpc->started = false;
    rpc->depth = 0;
    rpc->in_string = rpc->escape = false;
    if (rpc->rx_start == rpc->rx_len) {
        rpc->rx_len = rpc->rx_start = rpc->scan = 0;
    }
    if (!j) {
        VLOG_WARN_RL(&rl, "%s: invalid JSON: %s (at byte %d of the message)", rpc->name,
                     jerr.text, jerr.position);
        jsonrpc_error(rpc, -EPROTO);
        return -EPROTO;
    }
    char *error = jsonrpc_msg_from_json(j, msgp);
    json_decref(j);
    if (error) {
        VLOG_WARN_RL(&rl, "%s: invalid JSON-RPC message: %s", rpc->name, error);
        free(error);
        jsonrpc_error(rpc, -EPROTO);
        return -EPROTO;
    }
    if (vlog_is_enabled(&this_module, VLL_DBG)) {
        char *s = jsonrpc_msg_to_string(*msgp);
        VLOG_DBG("%s: received %s", rpc->name, s);
        free(s);
    }
    return 0;
}

int
jsonrpc_recv(struct jsonrpc *rpc, struct jsonrpc_msg **msgp)
{
    *msgp = NULL;
    for (int i = 0; !rpc->status; i++) {
        size_t end;
        if (scan_message(rpc, &end)) {
            return parse_message(rpc, end, msgp);
        }
        if (rpc->status || i >= JSONRPC_MAX_READS) {
            break;
        }
        /* Drop consumed bytes before growing. */
        if (rpc->rx_start > 0) {
            memmove(rpc->rx, rpc->rx + rpc->rx_start, rpc->rx_len - rpc->rx_start);
            rpc->rx_len -= rpc->rx_start;
            rpc->scan -= rpc->rx_start;
            rpc->rx_start = 0;
        }
        if (rpc->rx_alloc - rpc->rx_len < JSONRPC_RX_CHUNK) {
            rpc->rx_alloc = UVS_MAX(rpc->rx_alloc * 2, rpc->rx_len + JSONRPC_RX_CHUNK);
            rpc->rx = xrealloc(rpc->rx, rpc->rx_alloc);
        }
        ssize_t n = stream_recv(rpc->stream, rpc->rx + rpc->rx_len, rpc->rx_alloc - rpc->rx_len);
        if (n == -EAGAIN) {
            return -EAGAIN;
        } else if (n < 0) {
            VLOG_DBG("%s: receive error: %s", rpc->name, strerror((int) -n));
            jsonrpc_error(rpc, (int) n);
        } else if (n == 0) {
            if (rpc->started) {
                VLOG_WARN_RL(&rl, "%s: connection closed in the middle of a message", rpc->name);
            }
            jsonrpc_error(rpc, -EPIPE);
        } else {
            rpc->rx_len += (size_t) n;
        }
    }
    return rpc->status ? rpc->status : -EAGAIN;
}

void
jsonrpc_recv_wait(struct jsonrpc *rpc)
{
    size_t end;
    if (rpc->status || scan_message(rpc, &end)) {
        poll_immediate_wake();
    } else {
        stream_recv_wait(rpc->stream);
    }
}

int
jsonrpc_get_status(const struct jsonrpc *rpc)
{
    return rpc->status;
}

size_t
jsonrpc_get_backlog(const struct jsonrpc *rpc)
{
    return rpc->status ? 0 : rpc->tx.len - rpc->tx_start;
}

const char *
jsonrpc_get_name(const struct jsonrpc *rpc)
{
    return rpc->name;
}

/* ---- Blocking helpers ---- */

/* Waits (with poll(2) directly, so the caller's poll-loop registrations are untouched) until the
 * stream can make progress in direction EVENTS. */
static void
wait_stream(struct jsonrpc *rpc, short events)
{
    struct pollfd pfd = { .fd = stream_get_fd(rpc->stream), .events = events };
    if (stream_connect(rpc->stream) == -EAGAIN) {
        pfd.events = POLLOUT;
    }
    poll(&pfd, 1, 1000);
}

int
jsonrpc_send_block(struct jsonrpc *rpc, struct jsonrpc_msg *msg)
{
    int error = jsonrpc_send(rpc, msg);
    while (!error && jsonrpc_get_backlog(rpc)) {
        wait_stream(rpc, POLLOUT);
        jsonrpc_run(rpc);
        error = rpc->status;
    }
    return error;
}

int
jsonrpc_recv_block(struct jsonrpc *rpc, struct jsonrpc_msg **msgp)
{
    for (;;) {
        jsonrpc_run(rpc);
        int error = jsonrpc_recv(rpc, msgp);
        if (error == -EAGAIN) {
            wait_stream(rpc, rpc->tx_start < rpc->tx.len ? POLLIN | POLLOUT : POLLIN);
            continue;
        } else if (error) {
            return error;
        }
        struct jsonrpc_msg *msg = *msgp;
        if (msg->type == JSONRPC_REQUEST && !strcmp(msg->method, "echo")) {
            struct jsonrpc_msg *reply = jsonrpc_create_reply(json_incref(msg->params), msg->id);
            jsonrpc_msg_destroy(msg);
            *msgp = NULL;
            jsonrpc_send(rpc, reply);
            continue;
        }
        return 0;
    }
}

int
jsonrpc_transact_block(struct jsonrpc *rpc, struct jsonrpc_msg *request,
                       struct jsonrpc_msg **replyp)
{
    *replyp = NULL;
    json_t *id = request->id ? json_incref(request->id) : NULL;
    int error = jsonrpc_send_block(rpc, request);
    while (!error) {
        struct jsonrpc_msg *msg;
        error = jsonrpc_recv_block(rpc, &msg);
        if (error) {
            break;
        }
        if ((msg->type == JSONRPC_REPLY || msg->type == JSONRPC_ERROR)
            && id && json_equal(msg->id, id)) {
            *replyp = msg;
            break;
        }
        jsonrpc_msg_destroy(msg);
    }
    json_decref(id);
    return error;
}
