/*
 * ovsdb-jsonrpc — the OVSDB wire protocol server (RFC 7047 §4): listening remotes, client sessions
 * and the JSON-RPC methods list_dbs, get_schema, transact, cancel, monitor, monitor_cancel, lock,
 * steal, unlock and echo, plus the OVS extensions its client library and tools use:
 * monitor_cond (update2), monitor_cond_change, monitor_cond_since (update3), set_db_change_aware,
 * and the read-only "_Server" database with one "Database" row per served database
 * (ovsdb-server(5)).
 *
 * Incoming messages longer than the configured limit (default 8 MiB), malformed JSON, nesting
 * deeper than jansson's limit and invalid UTF-8 close that one connection (logged); nothing a
 * client sends can stop the server.
 *
 * Each session is one JSON-RPC connection (lib/jsonrpc.h) accepted on a passive remote ("punix:",
 * "ptcp:"). Requests are handled in arrival order. A "transact" whose "wait" is not yet satisfied
 * is parked on its session and re-run after each commit to that database, or answered with "timed
 * out" when its timeout passes (RFC 7047 §5.2.6); "cancel" answers it with error "canceled".
 * Monitors (ovsdb-monitor.h) queue "update" notifications from inside the commit that caused them,
 * so a client sees the update before the reply to its own transaction, as with OVS. A
 * transaction's updates are serialized once per distinct monitor request and shared by every
 * client that made it; each session's output is written once per poll-loop iteration (at the end
 * of ovsdb_jsonrpc_server_run()), so the updates of several commits leave in one write. Locks follow
 * RFC 7047 §4.1.8-4.1.10 ("locked"/"stolen" notifications). Unknown methods get the error
 * {"error": "unknown method", "details": ...}.
 *
 * Bounded work per poll iteration: at most 50 messages are read per session, at most 10 new
 * connections are accepted per remote, and a session whose unsent output exceeds 4 MiB is not read
 * from until it drains (slow consumers cannot make the server buffer without limit).
 *
 * Thread-safety: everything runs on the server's main thread (poll-loop).
 */
#ifndef UVS_OVSDB_JSONRPC_H
#define UVS_OVSDB_JSONRPC_H 1

#include <stdbool.h>
#include <stddef.h>

struct ovsdb;
struct ovsdb_jsonrpc_server;

struct ovsdb_jsonrpc_server *ovsdb_jsonrpc_server_create(void);
/* Closes every session and remote. Does not destroy the databases. */
void ovsdb_jsonrpc_server_destroy(struct ovsdb_jsonrpc_server *);

/* Serves DB (not owned) under its schema name. Returns false if a database of that name is
 * already served. */
bool ovsdb_jsonrpc_server_add_db(struct ovsdb_jsonrpc_server *, struct ovsdb *db);
/* The served database named NAME, or NULL. */
struct ovsdb *ovsdb_jsonrpc_server_get_db(const struct ovsdb_jsonrpc_server *, const char *name);

/* Starts listening on passive remote NAME ("punix:PATH", "ptcp:PORT[:IP]", "pssl:PORT[:IP]") or
 * connecting to active remote NAME ("unix:PATH", "tcp:IP:PORT", "ssl:IP:PORT"; connection failures
 * are retried, not returned). DYNAMIC marks remotes managed by ovsdb_jsonrpc_server_set_dynamic_remotes(). Returns 0 (also if already listening) or
 * -errno with *ERRORP (malloc'd) naming the remote and the cause. */
int ovsdb_jsonrpc_server_add_remote(struct ovsdb_jsonrpc_server *, const char *name, bool dynamic,
                                    char **errorp);
/* Stops listening on NAME (its sessions stay). Returns false if not listening. */
bool ovsdb_jsonrpc_server_remove_remote(struct ovsdb_jsonrpc_server *, const char *name);
/* Makes the set of dynamic remotes exactly NAMES[0..N-1]: opens new ones, closes dropped ones.
 * Failures are logged (rate-limited), not returned. */
void ovsdb_jsonrpc_server_set_dynamic_remotes(struct ovsdb_jsonrpc_server *,
                                              char *const *names, size_t n);
/* One remote name per line (malloc'd), sorted. */
char *ovsdb_jsonrpc_server_list_remotes(const struct ovsdb_jsonrpc_server *);
size_t ovsdb_jsonrpc_server_n_sessions(const struct ovsdb_jsonrpc_server *);

/* Default largest incoming message: 8 MiB (ovs-vsctl transactions are a few kB; a 4 MiB string
 * value still fits). */
#define OVSDB_JSONRPC_DEFAULT_MAX_MSG (8u * 1024 * 1024)
/* Sets the largest message (bytes) a client may send; 0 restores the default. A longer message
 * closes that client's connection (logged), never the server. Applies to new sessions. */
void ovsdb_jsonrpc_server_set_max_msg_size(struct ovsdb_jsonrpc_server *, size_t bytes);
/* Appends "backlog:N locks:N monitors:N sessions:N waiting-transactions:N" to DS. */
struct ds;
void ovsdb_jsonrpc_server_get_memory_usage(const struct ovsdb_jsonrpc_server *, struct ds *ds);

void ovsdb_jsonrpc_server_run(struct ovsdb_jsonrpc_server *);
void ovsdb_jsonrpc_server_wait(struct ovsdb_jsonrpc_server *);

#endif
