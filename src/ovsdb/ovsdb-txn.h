/*
 * ovsdb-txn — atomic transactions on an in-memory database (RFC 7047 §4.1.3, §5.2 semantics).
 *
 * A transaction is opened on a database, reads rows through its own view (ovsdb_txn_get_row(),
 * ovsdb_txn_table_snapshot()), and changes rows with ovsdb_txn_insert/modify/delete(). Nothing is
 * visible to the rest of the database until ovsdb_txn_commit(); ovsdb_txn_abort() undoes everything.
 * The executor (ovsdb-execute.h) aborts the whole transaction when any operation fails.
 *
 * Commit runs these checks, in order, over the transaction's final view:
 *   1. strong references: every strong reference in an inserted or modified row must name an
 *      existing row ("referential integrity violation", naming table, column, row and target);
 *   2. garbage collection: rows of non-root tables left without strong references are deleted, and
 *      that repeats until nothing more is orphaned (how dropping a Port from Bridge.ports deletes
 *      the Port and then its Interfaces);
 *   3. a deleted row that still has strong references is a "referential integrity violation";
 *   4. weak references to rows that do not exist (or were deleted) are removed; a column left below
 *      its "min" is a "constraint violation";
 *   5. "maxRows" and 6. "indexes" uniqueness ("constraint violation").
 * Then each replica of the database (the log file first, then monitors) sees the changes through
 * ovsdb_txn_for_each_change(), and the changes are applied. Rows whose content did not change are
 * not reported; changed rows get a fresh "_version".
 *
 * Invariants while open: a row in a table's tree with row->txn_row set has been touched by the
 * transaction; txn_row->new is its current content (NULL when deleted). Only one transaction may be
 * open per database. Thread-safety: as ovsdb.h (one thread).
 */
#ifndef UVS_OVSDB_TXN_H
#define UVS_OVSDB_TXN_H 1

#include <stdbool.h>
#include <stddef.h>

#include "ovsdb/ovsdb.h"

struct ovsdb_txn;

/* Opens a transaction on DB (which must have none open). Never fails. */
struct ovsdb_txn *ovsdb_txn_create(struct ovsdb *db);
struct ovsdb *ovsdb_txn_get_db(const struct ovsdb_txn *txn);

/* The row with UUID in TABLE as this transaction sees it, or NULL. */
const struct ovsdb_row *ovsdb_txn_get_row(const struct ovsdb_txn *txn,
                                          const struct ovsdb_table *table,
                                          const struct uuid *uuid);
/* Stores in *ROWSP a malloc'd array of TABLE's rows as this transaction sees them (ordered by
 * UUID) and returns their number. The array stays valid until the next modify/delete of those
 * rows. */
size_t ovsdb_txn_table_snapshot(const struct ovsdb_txn *txn, const struct ovsdb_table *table,
                                const struct ovsdb_row ***rowsp);

/* Inserts a row with UUID (random if NULL) and default values; returns it for the caller to fill,
 * or NULL (errno EEXIST) if TABLE already has a row with that UUID. */
struct ovsdb_row *ovsdb_txn_insert(struct ovsdb_txn *txn, struct ovsdb_table *table,
                                   const struct uuid *uuid);
/* Returns a writable version of ROW (a row this transaction sees, not deleted). */
struct ovsdb_row *ovsdb_txn_modify(struct ovsdb_txn *txn, const struct ovsdb_row *row);
/* Deletes ROW (a row this transaction sees). */
void ovsdb_txn_delete(struct ovsdb_txn *txn, const struct ovsdb_row *row);
/* Appends a "comment" (RFC 7047 §5.2.10); comments are joined with newlines in the log. */
void ovsdb_txn_add_comment(struct ovsdb_txn *txn, const char *comment);
/* The joined comments, or NULL. */
const char *ovsdb_txn_get_comment(const struct ovsdb_txn *txn);
/* True if the transaction changed nothing so far (valid after precommit). */
bool ovsdb_txn_is_empty(const struct ovsdb_txn *txn);

/* Runs the commit checks (1-6 above) without committing; the transaction stays open. Returns NULL
 * or the first error. Exposed for tests; ovsdb_txn_commit() calls it. */
struct ovsdb_error *ovsdb_txn_precommit(struct ovsdb_txn *txn);
/* Checks, hands the changes to the replicas and applies them, then frees TXN. On error (from the
 * checks or from a replica, e.g. an "I/O error" writing the log) the transaction is aborted and
 * freed and the error returned. DURABLE asks replicas to make the change durable (fsync). */
struct ovsdb_error *ovsdb_txn_commit(struct ovsdb_txn *txn, bool durable);
/* Discards every change and frees TXN. */
void ovsdb_txn_abort(struct ovsdb_txn *txn);

/* For replicas, during commit: calls CB for each changed row with OLD (NULL if inserted), NEW
 * (NULL if deleted) and CHANGED[i] true for each column index whose value changed (every column for
 * inserts and deletes). */
typedef void ovsdb_txn_change_cb(const struct ovsdb_row *old, const struct ovsdb_row *new,
                                 const bool *changed, void *aux);
void ovsdb_txn_for_each_change(const struct ovsdb_txn *txn, ovsdb_txn_change_cb *cb, void *aux);

#endif
