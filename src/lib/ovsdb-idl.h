/*
 * ovsdb-idl — a client-side replica of (part of) an OVSDB database, kept current with the RFC 7047
 * "monitor" method, plus transactions. Used by uvs-vswitchd (to read its configuration and write
 * status back) and by uvs-vsctl.
 *
 * The replica is plain jansson: for each monitored table a JSON object mapping row UUID strings to
 * row objects, each row mapping column names to datums in RFC 7047 §5.1 wire notation (atoms,
 * ["set", [...]], ["map", [[k, v], ...]], ["uuid", "..."]). Every monitored column is present in
 * every row (the server sends initial values for all of them). "_uuid" is not a column of the row
 * object; the key is the UUID.
 *
 * Connection handling: the idl reconnects with backoff (1 s doubling to 8 s) and, on reconnect,
 * re-issues the monitor and replaces the replica. ovsdb_idl_get_seqno() changes whenever the replica
 * changes, so callers reconfigure when it moves.
 *
 * Thread-safety: one thread (the main thread) owns an idl.
 */
#ifndef UVS_OVSDB_IDL_H
#define UVS_OVSDB_IDL_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct ovsdb_idl;

/* REMOTE is an active stream name ("unix:/var/run/uvs/db.sock"). DB_NAME is "Open_vSwitch".
 * MONITOR_REQUESTS is the RFC 7047 §4.1.5 <monitor-requests> object (stolen), e.g.
 * {"Bridge": {"columns": ["name", "ports"]}}, or NULL to monitor every column of every table in the
 * server's schema. */
struct ovsdb_idl *ovsdb_idl_create(const char *remote, const char *db_name, json_t *monitor_requests);
void ovsdb_idl_destroy(struct ovsdb_idl *);
void ovsdb_idl_run(struct ovsdb_idl *);
void ovsdb_idl_wait(struct ovsdb_idl *);
/* Blocks (running the idl) until the initial contents arrived or TIMEOUT_MS passed (negative: no
 * limit). Returns 0, -ETIMEDOUT, or the connection's -errno when it cannot connect and
 * RETRY is false. */
int ovsdb_idl_wait_for_replica(struct ovsdb_idl *, int timeout_ms, bool retry);
unsigned int ovsdb_idl_get_seqno(const struct ovsdb_idl *);
bool ovsdb_idl_is_connected(const struct ovsdb_idl *);
/* Why the last connection attempt or connection failed ("cannot connect to unix:/x: No such file or
 * directory", "get_schema request for database \"X\" failed: ..."), or NULL while healthy. For
 * tools' error messages. Borrowed; valid until the next ovsdb_idl_run(). */
const char *ovsdb_idl_get_last_error(const struct ovsdb_idl *);
/* The schema the server reported (borrowed), or NULL before the first connection. */
const json_t *ovsdb_idl_get_schema(const struct ovsdb_idl *);
/* Table replica (borrowed object uuid -> row), or NULL if not monitored. */
const json_t *ovsdb_idl_table(const struct ovsdb_idl *, const char *table);
/* One row (borrowed) or NULL. */
const json_t *ovsdb_idl_row(const struct ovsdb_idl *, const char *table, const char *uuid);
/* The first row of TABLE (for single-row tables such as Open_vSwitch), or NULL; *UUIDP (may be
 * NULL) receives its UUID (borrowed). */
const json_t *ovsdb_idl_first_row(const struct ovsdb_idl *, const char *table, const char **uuidp);

/* Transactions. OPS is an RFC 7047 §5.2 operation array (stolen). The callback, if any, runs from
 * ovsdb_idl_run() with the reply's result array (borrowed) or NULL and an error string when the
 * transaction failed at the transport level or was lost to a disconnect. Returns 0 or -ENOTCONN. */
typedef void ovsdb_idl_txn_cb(void *aux, const json_t *result, const char *error);
int ovsdb_idl_transact(struct ovsdb_idl *, json_t *ops, ovsdb_idl_txn_cb *cb, void *aux);
/* Blocking variant for tools: returns 0 with *RESULTP (new reference to the result array), or
 * -errno with *ERRORP (malloc'd) explaining. Operation-level errors are inside the result array. */
int ovsdb_idl_transact_block(struct ovsdb_idl *, json_t *ops, int timeout_ms, json_t **resultp,
                             char **errorp);

/* ---- Datum helpers (RFC 7047 §5.1 wire notation). ---- */

/* Number of elements: 1 for an atom, N for a set or map. */
size_t ovsdb_datum_n(const json_t *datum);
/* Element I of a set (or the atom itself when I == 0); borrowed; NULL if out of range. */
const json_t *ovsdb_datum_set_elem(const json_t *datum, size_t i);
/* Value for string KEY in a map datum (borrowed), or NULL. */
const json_t *ovsdb_datum_map_get(const json_t *datum, const char *key);
/* String value for KEY in a map of string->string, or NULL. */
const char *ovsdb_datum_map_get_string(const json_t *datum, const char *key);
/* Integer value of an atom or single-element set; returns DEFAULT when empty or not an integer. */
int64_t ovsdb_datum_integer(const json_t *datum, int64_t default_value);
/* String value of an atom or single-element set; NULL when empty. */
const char *ovsdb_datum_string(const json_t *datum);
/* UUID string of a ["uuid", "..."] atom, or NULL. */
const char *ovsdb_atom_uuid(const json_t *atom);
/* Builders (new references). */
json_t *ovsdb_datum_uuid(const char *uuid);           /* ["uuid", uuid] */
json_t *ovsdb_datum_named_uuid(const char *name);     /* ["named-uuid", name] */
json_t *ovsdb_datum_empty_set(void);                  /* ["set", []] */
json_t *ovsdb_datum_map_from_pairs(const char *const *kv, size_t n_pairs);

#endif
