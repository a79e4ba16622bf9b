/*
 * jsonrpc — JSON-RPC 1.0 as RFC 7047 §4 uses it, over a stream, with jansson values.
 *
 * Messages are concatenated JSON objects with no framing; the receiver splits them by tracking
 * object nesting outside strings. A request has "method", "params", "id"; a notification has
 * "id": null; a reply has "result", "error": null, "id"; an error reply has "result": null and a
 * non-null "error".
 *
 * Ownership: every jsonrpc_create_*() takes ownership of the json_t arguments it is given (the
 * caller's reference is stolen) except 'id' arguments, which are copied. jsonrpc_send() takes
 * ownership of the message. jsonrpc_recv() hands ownership of the message to the caller.
 *
 * Thread-safety: a struct jsonrpc belongs to one thread.
 */
#ifndef UVS_JSONRPC_H
#define UVS_JSONRPC_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct stream;

enum jsonrpc_msg_type {
    JSONRPC_REQUEST,   /* method, params, id */
    JSONRPC_NOTIFY,    /* method, params, id null */
    JSONRPC_REPLY,     /* result, id */
    JSONRPC_ERROR,     /* error, id */
};

struct jsonrpc_msg {
    enum jsonrpc_msg_type type;
    char *method;      /* REQUEST, NOTIFY */
    json_t *params;    /* REQUEST, NOTIFY: always an array */
    json_t *result;    /* REPLY */
    json_t *error;     /* ERROR */
    json_t *id;        /* REQUEST, REPLY, ERROR */
};

/* Creates a request with a fresh id (a JSON integer unique in this process); if IDP is non-NULL,
 * *IDP receives a new reference to the id. */
struct jsonrpc_msg *jsonrpc_create_request(const char *method, json_t *params, json_t **idp);
struct jsonrpc_msg *jsonrpc_create_notify(const char *method, json_t *params);
struct jsonrpc_msg *jsonrpc_create_reply(json_t *result, const json_t *id);
struct jsonrpc_msg *jsonrpc_create_error(json_t *error, const json_t *id);
void jsonrpc_msg_destroy(struct jsonrpc_msg *);
/* Converts between messages and JSON. jsonrpc_msg_from_json() returns NULL or a malloc'd error
 * ("message has both result and error", "method is not a string", ...) and never takes 'json'. */
json_t *jsonrpc_msg_to_json(const struct jsonrpc_msg *);
char *jsonrpc_msg_from_json(const json_t *json, struct jsonrpc_msg **msgp);
/* Short human-readable summary for logs; malloc'd. */
char *jsonrpc_msg_to_string(const struct jsonrpc_msg *);

/* A connection. jsonrpc_open() takes ownership of STREAM. */
struct jsonrpc *jsonrpc_open(struct stream *stream);
void jsonrpc_close(struct jsonrpc *);
/* Sets the largest incoming message accepted, in bytes (0: the default, 64 MiB); a larger one
 * makes jsonrpc_recv() fail with -EMSGSIZE and kills the connection. */
void jsonrpc_set_max_msg_size(struct jsonrpc *, size_t bytes);
/* Flushes queued output as far as possible; call from the run loop. */
void jsonrpc_run(struct jsonrpc *);
/* Registers poll-loop waits for pending output. */
void jsonrpc_wait(struct jsonrpc *);
/* Queues MSG for sending. Returns 0, or -errno if the connection has failed (MSG is freed anyway). */
int jsonrpc_send(struct jsonrpc *, struct jsonrpc_msg *msg);
/* Queues one message that the caller has already serialized, as the concatenation of the N_PARTS
 * byte ranges PARTS[i] (lengths in bytes; the bytes are copied, nothing is taken). The caller
 * guarantees that together they are exactly one JSON-RPC message (RFC 7047 §4) in compact JSON.
 * This lets a sender that delivers the same payload to many connections (monitor fan-out,
 * RFC 7047 §4.1.6 "update") serialize it once and wrap only a per-connection envelope around it.
 * Unlike jsonrpc_send() it does not write at once: the message leaves with the next jsonrpc_run(),
 * so several messages queued in one poll-loop iteration go out in one write. Returns 0, or the
 * -errno that killed the connection (nothing is queued then). */
struct iovec;
int jsonrpc_send_serialized(struct jsonrpc *, const struct iovec *parts, size_t n_parts);
/* Receives one message: 0 and *msgp set, -EAGAIN when none is complete, EOF as -EPIPE, a JSON or
 * protocol error as -EPROTO (logged with what was wrong), a message larger than the limit
 * (jsonrpc_set_max_msg_size(), default 64 MiB) as -EMSGSIZE.
 * After any error other than -EAGAIN the connection is dead. */
int jsonrpc_recv(struct jsonrpc *, struct jsonrpc_msg **msgp);
void jsonrpc_recv_wait(struct jsonrpc *);
/* 0 while healthy, otherwise the negative errno that killed the connection. */
int jsonrpc_get_status(const struct jsonrpc *);
/* Bytes queued but not yet sent. */
size_t jsonrpc_get_backlog(const struct jsonrpc *);
const char *jsonrpc_get_name(const struct jsonrpc *);

/* Blocking helpers for command-line tools. */
/* Sends and waits until everything is written. */
int jsonrpc_send_block(struct jsonrpc *, struct jsonrpc_msg *msg);
/* Waits for one message, answering "echo" requests transparently. */
int jsonrpc_recv_block(struct jsonrpc *, struct jsonrpc_msg **msgp);
/* Sends REQUEST and waits for the reply or error with the same id; notifications received meanwhile
 * are discarded (use jsonrpc_recv_block() directly when they matter). Returns 0 and *replyp, or
 * -errno. */
int jsonrpc_transact_block(struct jsonrpc *, struct jsonrpc_msg *request, struct jsonrpc_msg **replyp);

#endif
