/*
 * vsctl-db — uvs-vsctl's snapshot of the database and the changes its commands make to it.
 *
 * uvs-vsctl reads every table once with one "transact" of "select" operations (RFC 7047 §5.2.2)
 * and loads the rows here. Commands then read and change rows in memory: writes replace a whole
 * column value, inserts get a symbolic UUID ("rowN", sent as ["named-uuid", "rowN"]), deletes only
 * mark the row. vsctl_db_commit_ops() turns the changes into one RFC 7047 transaction:
 *
 *   1. "wait" (timeout 0, until "==") on every column a command verified, with the value it had in
 *      the snapshot — optimistic concurrency as ovs-vsctl does it: if another client changed any of
 *      them meanwhile, the wait fails with "timed out" and the caller re-reads and re-runs;
 *   2. "insert" for new rows, in creation order (commands create referenced rows first);
 *   3. "update" for changed columns of existing rows;
 *   4. "delete" for deleted rows.
 *
 * Writing a column of an existing row verifies it automatically (the new value was computed from
 * the old one more often than not). Readers that base a decision on a column (e.g. "no bridge named
 * br0 exists" from Open_vSwitch.bridges) call vsctl_row_verify() themselves.
 *
 * Rows of a table iterate in UUID order (inserted rows last); deleted rows are skipped by every
 * lookup. All datums handed out are owned by the db and stay valid until that column is written or
 * the db is destroyed.
 *
 * Thread-safety: single-threaded (uvs-vsctl).
 */
#ifndef UVS_CLI_VSCTL_DB_H
#define UVS_CLI_VSCTL_DB_H 1

#include <jansson.h>
#include <stdbool.h>

#include "cli/vsctl-datum.h"

struct vsctl_db;

struct vsctl_row {
    const struct vsctl_table *table;
    char *uuid;                   /* canonical UUID, or "rowN" for a row inserted here */
    struct vsctl_datum *old;      /* per column: value in the snapshot (NULL if inserted) */
    struct vsctl_datum *cur;      /* per column: current value */
    bool *written;                /* per column */
    bool *verified;               /* per column */
    bool inserted;
    bool deleted;
    unsigned int insert_seq;      /* creation order of inserted rows */
    size_t commit_op;             /* inserted rows: index of their "insert" in the commit ops */
    /* Private to vsctl-db.c. */
    struct vsctl_db *db;
    size_t pos;                   /* index in its table's row array */
};

struct vsctl_db *vsctl_db_create(const struct vsctl_schema *);
void vsctl_db_destroy(struct vsctl_db *);

/* The operations that read the whole database: one "select" with an empty "where" per table, in
 * schema table order (RFC 7047 §5.2.2). New reference. */
json_t *vsctl_db_select_ops(const struct vsctl_schema *);
/* Loads the "transact" result of vsctl_db_select_ops(). Returns NULL or a malloc'd error. */
char *vsctl_db_load(struct vsctl_db *, const json_t *result);

/* Iteration in UUID order, skipping deleted rows. */
struct vsctl_row *vsctl_db_first(const struct vsctl_db *, const struct vsctl_table *);
struct vsctl_row *vsctl_db_next(const struct vsctl_row *);
#define VSCTL_ROW_FOR_EACH(ROW, DB, TABLE) \
    for ((ROW) = vsctl_db_first(DB, TABLE); (ROW); (ROW) = vsctl_db_next(ROW))

/* Row by exact UUID (or symbolic name of an inserted row), NULL if absent or deleted. */
struct vsctl_row *vsctl_db_get_row(const struct vsctl_db *, const struct vsctl_table *,
                                   const char *uuid);

/* Finds the record a user named, as ovs-vsctl does: a UUID; "." for a table holding exactly one
 * row; a name (Bridge, Port, Interface, Mirror, Flow_Table by "name", Manager by "target"); the
 * Controller/NetFlow/sFlow/IPFIX/AutoAttach of a named bridge and the QoS of a named port; or a
 * UUID prefix of at least 4 hex digits. Returns NULL with *ROWP set (NULL if not found and
 * !MUST_EXIST), or a malloc'd error: 'no row "br9" in table Bridge', 'multiple rows in Bridge match
 * "x"'. */
char *vsctl_db_find_record(const struct vsctl_db *, const struct vsctl_table *,
                           const char *record_id, bool must_exist, struct vsctl_row **rowp);

/* Inserts a row with every column at its default value. */
struct vsctl_row *vsctl_db_insert(struct vsctl_db *, const struct vsctl_table *);
/* Same, with symbolic UUID NAME (a vsctl_symbol placeholder, so earlier references match). */
struct vsctl_row *vsctl_db_insert_as(struct vsctl_db *, const struct vsctl_table *,
                                     const char *name);
void vsctl_row_delete(struct vsctl_row *);

/* Column access by column (must belong to ROW's table). */
const struct vsctl_datum *vsctl_row_read(const struct vsctl_row *, const struct vsctl_column *);
/* Replaces the column's value with *DATUM, which is moved (left empty). */
void vsctl_row_write(struct vsctl_row *, const struct vsctl_column *, struct vsctl_datum *datum);
void vsctl_row_verify(struct vsctl_row *, const struct vsctl_column *);

/* Column access by name, for the fixed columns the commands use; a name missing from the schema
 * reads as an empty datum and writing it aborts with a message naming the column. */
const struct vsctl_column *vsctl_row_column(const struct vsctl_row *, const char *name);
const struct vsctl_datum *vsctl_row_get(const struct vsctl_row *, const char *name);
void vsctl_row_set(struct vsctl_row *, const char *name, struct vsctl_datum *datum);
void vsctl_row_verify_name(struct vsctl_row *, const char *name);
/* The row's "name" string ("" when unset). */
const char *vsctl_row_name(const struct vsctl_row *);

/* True if any row was inserted, deleted, or had a column written with a different value. */
bool vsctl_db_has_changes(const struct vsctl_db *);
/* RFC 7047 operations for the changes (see the header comment); new reference. N_WAITS receives the
 * number of leading "wait" operations (may be NULL). */
json_t *vsctl_db_commit_ops(const struct vsctl_db *, size_t *n_waits);

#endif
