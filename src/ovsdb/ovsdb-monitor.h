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
 * Extension point: conditional monitoring (OVS's monitor_cond / update2) would add a condition per
 * table and a second output format here; the request parser and change walk stay the same.
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

/* Parses REQUESTS for DB. On success registers the monitor, sets *MONITORP and *INITIALP (the
 * initial <table-updates>, possibly {}), and returns NULL. Errors are "syntax error"s naming the
 * table or column. */
struct ovsdb_error *ovsdb_monitor_create(struct ovsdb *db, const json_t *requests,
                                         ovsdb_monitor_update_cb *cb, void *aux,
                                         struct ovsdb_monitor **monitorp, json_t **initialp);
/* Unregisters and frees MONITOR. */
void ovsdb_monitor_destroy(struct ovsdb_monitor *monitor);

#endif
