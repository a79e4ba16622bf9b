/*
 * ovsdb — an in-memory OVSDB database: the tables of one schema, their rows keyed by UUID, and the
 * replicas (log file, monitors) that observe each committed transaction.
 *
 * Rows: each table keeps its rows in a red-black tree (libbsd sys/tree.h) ordered by UUID. A row is
 * an array of datums, one per column of the table schema, including "_uuid" and "_version"
 * (ovsdb-schema.h). row->n_refs counts the strong references to the row from committed rows; it is
 * maintained by ovsdb-txn at commit and used for garbage collection and referential integrity
 * (RFC 7047 §3.2 "isRoot", "refType").
 *
 * Changes happen only through a transaction (ovsdb-txn.h). While a transaction is open, committed
 * rows it touched point to it through row->txn_row, and rows it inserted are already in the tree
 * (marked the same way); readers that must see the transaction's view use ovsdb_txn_get_row() and
 * ovsdb_txn_table_snapshot(). At most one transaction is open on a database at a time.
 *
 * Replicas: ovsdb_txn_commit() calls each replica's commit() in the order they were added, after the
 * transaction passed its integrity checks and before it is applied; the first replica (the log
 * file) may refuse with an error, which aborts the transaction. Monitors come after the file.
 *
 * Thread-safety: a database belongs to one thread (uvsdb-server's main loop).
 */
#ifndef UVS_OVSDB_H
#define UVS_OVSDB_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <bsd/sys/queue.h>
#include <bsd/sys/tree.h>

#include "ovsdb/ovsdb-data.h"
#include "ovsdb/ovsdb-schema.h"

struct ovsdb;
struct ovsdb_error;
struct ovsdb_txn;
struct ovsdb_txn_row;

struct ovsdb_row {
    RB_ENTRY(ovsdb_row) node;       /* In table->rows (unless a transaction's private copy). */
    struct ovsdb_table *table;
    struct ovsdb_txn_row *txn_row;  /* Non-NULL while the open transaction touches the row. */
    size_t n_refs;                  /* Strong references from committed rows. */
    struct ovsdb_datum fields[];    /* One per column, indexed by ovsdb_column.index. */
};

RB_HEAD(ovsdb_row_tree, ovsdb_row);
RB_PROTOTYPE(ovsdb_row_tree, ovsdb_row, node, ovsdb_row_compare)

struct ovsdb_table {
    const struct ovsdb_table_schema *schema;
    struct ovsdb_row_tree rows;     /* Committed rows (and rows the open txn inserted). */
    size_t n_rows;                  /* Committed rows. */
};

struct ovsdb_replica;
struct ovsdb_replica_class {
    /* Called during ovsdb_txn_commit(), after the integrity checks. Returning an error aborts the
     * transaction (only the first replica should ever fail). */
    struct ovsdb_error *(*commit)(struct ovsdb_replica *, const struct ovsdb_txn *,
                                  bool durable);
    /* Called by ovsdb_destroy() or ovsdb_remove_replica(). */
    void (*destroy)(struct ovsdb_replica *);
};

struct ovsdb_replica {
    const struct ovsdb_replica_class *class;
    TAILQ_ENTRY(ovsdb_replica) node;
};

struct ovsdb {
    struct ovsdb_schema *schema;
    struct ovsdb_table **tables;    /* Parallel to schema->tables. */
    TAILQ_HEAD(, ovsdb_replica) replicas;
    struct ovsdb_txn *txn;          /* The open transaction, or NULL. */
    unsigned long long n_commits;   /* Committed transactions since creation. */
};

/* Creates an empty database for SCHEMA, taking ownership of SCHEMA. */
struct ovsdb *ovsdb_create(struct ovsdb_schema *schema);
/* Destroys DB, its rows and its replicas. No transaction may be open. */
void ovsdb_destroy(struct ovsdb *db);
struct ovsdb_table *ovsdb_get_table(const struct ovsdb *db, const char *name);
struct ovsdb_table *ovsdb_table_for_schema(const struct ovsdb *db,
                                           const struct ovsdb_table_schema *ts);
void ovsdb_add_replica(struct ovsdb *db, struct ovsdb_replica *replica);
/* Unlinks and destroys REPLICA. */
void ovsdb_remove_replica(struct ovsdb *db, struct ovsdb_replica *replica);
/* Recomputes every row's n_refs from scratch (after loading). */
void ovsdb_recount_refs(struct ovsdb *db);

/* ---- Rows ---- */

/* A new row of TABLE with default values and an all-zero _uuid/_version (not in the tree). */
struct ovsdb_row *ovsdb_row_create(struct ovsdb_table *table);
/* A deep copy (not in the tree; txn_row and n_refs copied). */
struct ovsdb_row *ovsdb_row_clone(const struct ovsdb_row *row);
void ovsdb_row_destroy(struct ovsdb_row *row);
const struct uuid *ovsdb_row_get_uuid(const struct ovsdb_row *row);
const struct uuid *ovsdb_row_get_version(const struct ovsdb_row *row);
void ovsdb_row_set_uuid(struct ovsdb_row *row, const struct uuid *uuid);
void ovsdb_row_set_version(struct ovsdb_row *row, const struct uuid *uuid);
/* The committed (or txn-inserted) row with UUID in TABLE's tree, or NULL. Does not apply the open
 * transaction's view; see ovsdb_txn_get_row(). */
struct ovsdb_row *ovsdb_table_get_row(const struct ovsdb_table *table, const struct uuid *uuid);
/* {column: datum...} for the columns in COLUMNS (NULL: every column including _uuid, _version). */
json_t *ovsdb_row_to_json(const struct ovsdb_row *row, const struct ovsdb_column_set *columns);
/* True if ROW's values in COLUMNS equal those of OTHER (same table). */
bool ovsdb_row_equal_columns(const struct ovsdb_row *a, const struct ovsdb_row *b,
                             const struct ovsdb_column_set *columns);
/* Parses an RFC 7047 <row> object into ROW (columns not named are left alone). Names the column in
 * errors: "unknown column", type and constraint errors; read-only columns (_uuid, _version) are
 * refused. If COLUMNS is non-NULL it receives the parsed columns. */
struct ovsdb_error *ovsdb_row_from_json(struct ovsdb_row *row, const json_t *json,
                                        struct ovsdb_symtab *symtab,
                                        struct ovsdb_column_set *columns);

#endif
