/*
 * ovsdb-execute — the "transact" method's operations (RFC 7047 §4.1.3, §5.2): insert, select,
 * update, mutate, delete, wait, commit, abort, comment, assert.
 *
 * ovsdb_execute() runs every operation of one request in one transaction (ovsdb-txn.h). If an
 * operation fails, the transaction is aborted and the result array holds the results of the
 * operations before it, the error object, and null for each operation after it. If every
 * operation succeeds, the transaction is committed; a commit-time error (referential integrity,
 * constraint, I/O) is appended as one more element after the operations' results.
 *
 * "wait" operations whose condition is not yet true make ovsdb_execute() abort the transaction and
 * return NULL with *timeout_msec set to the time left: the caller re-runs the same request after the
 * database changes or when that time has elapsed (passing the elapsed time), as OVS does. A wait
 * with "timeout": 0 fails at once with "timed out".
 *
 * Extensions kept from OVS: insert's optional "uuid" member chooses the new row's UUID.
 *
 * Thread-safety: as ovsdb.h.
 */
#ifndef UVS_OVSDB_EXECUTE_H
#define UVS_OVSDB_EXECUTE_H 1

#include <jansson.h>
#include <stdbool.h>

struct ovsdb;

struct ovsdb_exec_options {
    bool read_only;         /* Refuse operations that write ("not allowed"). */
    /* Whether the client holds lock NAME, for "assert" (RFC 7047 §5.2.11). NULL: no locks held. */
    bool (*lock_held)(void *aux, const char *name);
    void *aux;
};

/* Executes the transact request PARAMS (a JSON array [db-name, operation...]) against DB.
 * ELAPSED_MSEC is how long the request has been waiting (0 the first time). Returns the result
 * array (new reference), or NULL when a "wait" must be retried: then *TIMEOUT_MSEC is the number of
 * milliseconds after which the wait times out (LLONG_MAX for never). OPTIONS may be NULL. */
json_t *ovsdb_execute(struct ovsdb *db, const json_t *params,
                      const struct ovsdb_exec_options *options, long long elapsed_msec,
                      long long *timeout_msec);

#endif
