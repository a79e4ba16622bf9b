/*
 * ovsdb-monitor — RFC 7047 §4.1.5 "monitor": a client's standing request to be told about changes
 * to chosen columns of chosen tables.
 *
 * ovsdb_monitor_create() parses <monitor-requests> ({"<table>": <monitor-request> or an array of
 * them}, each {"columns": [...], "select": {"initial", "insert", "delete", "modify": bool}}),
 * returns the initial <table-updates> ({"<table>": {"<uuid>": {"new": <row>}}} for rows whose
 * table selects "initial"), and registers the monitor as a replica of the database. After every
 * committed transaction that touches monitored columns it calls the owner's callback with the
 * <table-updates> for that transaction:
 *   insert: {"new": <row>}; delete: {"old": <row>};
 *   modify: {"old": <changed columns' old values>, "new": <all monitored columns>}.
 * A modify that changes no monitored column is not reported. When several monitor-requests name
 * the same table, their columns are merged and each column keeps the union of its "select" flags.
 * Omitting "columns" monitors every column except "_uuid".
 *
 * Conditional monitoring (OVS's "monitor_cond" extension, ovsdb-server(7) §4.1.12): with
 * OVSDB_MONITOR_V2 each <monitor-request> may also carry "where": an array of clauses (RFC 7047
 * §5.1 <condition> clauses, or the literals true/false); a row is reported when it matches ANY
 * clause (no "where" or [] = every row). Output is then <table-updates2>:
 *   initial: {"initial": <row>}; insert: {"insert": <row>} (both omit columns holding their
 *   default value); delete: {"delete": null};
 *   modify: {"modify": {<column>: <diff>}} where <diff> is the new value of a scalar column, the
 *   elements to toggle for a set, and for a map the pairs to remove (old pair) or add/replace.
 * A modify that moves a row into the condition is reported as "insert", out of it as "delete".
 * OVSDB_MONITOR_V3 (monitor_cond_since / update3) has the same content; only the framing, done
 * by ovsdb-jsonrpc, differs.
 *
 * Thread-safety: as ovsdb.h. The callback runs inside ovsdb_txn_commit().
 */
#ifndef UVS_OVSDB_MONITOR_H
#define UVS_OVSDB_MONITOR_H 1

#include <jansson.h>

struct ovsdb;
struct ovsdb_error;
struct ovsdb_monitor;

/* Called with a <table-updates> object the callee takes ownership of. */
typedef void ovsdb_monitor_update_cb(void *aux, json_t *table_updates);

enum ovsdb_monitor_version {
    OVSDB_MONITOR_V1,       /* "monitor" / "update" (RFC 7047 §4.1.5-4.1.6). */
    OVSDB_MONITOR_V2,       /* "monitor_cond" / "update2". */
    OVSDB_MONITOR_V3,       /* "monitor_cond_since" / "update3". */
};

/* Parses REQUESTS for DB. On success registers the monitor, sets *MONITORP and *INITIALP (the
 * initial <table-updates>, possibly {}), and returns NULL. Errors are "syntax error"s naming the
 * table or column. */
struct ovsdb_error *ovsdb_monitor_create(struct ovsdb *db, const json_t *requests,
                                         ovsdb_monitor_update_cb *cb, void *aux,
                                         struct ovsdb_monitor **monitorp, json_t **initialp);
/* Like ovsdb_monitor_create() with the request syntax and <table-updates> format of VERSION. */
struct ovsdb_error *ovsdb_monitor_create_versioned(struct ovsdb *db, const json_t *requests,
                                                   enum ovsdb_monitor_version version,
                                                   ovsdb_monitor_update_cb *cb, void *aux,
                                                   struct ovsdb_monitor **monitorp,
                                                   json_t **initialp);
/* "monitor_cond_change" (OVS extension, ovsdb-server(7) §4.1.13): replaces the conditions of the
 * tables named in REQUESTS ({"<table>": [{"where": [...]}...]}; columns and selects cannot
 * change) and sets *UPDATESP to the <table-updates2> that moves the client's view from the old
 * conditions to the new ones ("insert" for rows that now match, "delete" for rows that no longer
 * do; possibly {}). On error nothing changes: "syntax error" naming the table, or "not supported"
 * for a plain (V1) monitor. */
struct ovsdb_error *ovsdb_monitor_change_cond(struct ovsdb_monitor *monitor,
                                              const json_t *requests, json_t **updatesp);
/* The compact JSON text (jansson JSON_COMPACT, not NUL-terminated; length in bytes in *LENP) of
 * TABLE_UPDATES, when TABLE_UPDATES is the <table-updates> an ovsdb_monitor_update_cb is being
 * given for a committed transaction. Monitors with the same request share one <table-updates> per
 * transaction, and this text is serialized once for all of them (the first call), so a server can
 * send it to N clients by wrapping only the per-client "update" envelope around it (RFC 7047
 * §4.1.6). Valid only until the callback returns. Returns NULL if TABLE_UPDATES is not such a
 * shared object (e.g. the one from ovsdb_monitor_change_cond()): serialize it yourself then. */
const char *ovsdb_monitor_update_text(const json_t *table_updates, size_t *lenp);
/* Unregisters and frees MONITOR. */
void ovsdb_monitor_destroy(struct ovsdb_monitor *monitor);

#endif
