/*
 * ovsdb-file — a database backed by a log file (ovsdb-log.h): creating it, loading it by replaying
 * its records, appending each committed transaction, and compacting it.
 *
 * Record contents (compatible with OVS standalone databases):
 *   record 0: the schema (RFC 7047 §3.2 JSON);
 *   record N: {"<table>": {"<uuid>": <row> | null, ...}, ..., "_date": <ms since the epoch>,
 *              "_comment": "<text>" (optional)}
 * where <row> holds, for an inserted row, every persistent column whose value is not the default,
 * and for a modified row every persistent column that changed (new values); null deletes the row.
 * When loading, OVS's diff records ("_is_diff": true: sets and maps give the elements to toggle)
 * are also understood. Ephemeral columns and _version are never written.
 *
 * Durability: every commit is written (write(2)) before the transaction's reply is sent, so a
 * crash of the server process loses nothing acknowledged; commits with "durable": true are also
 * fsync(2)ed first, so they survive a crash of the machine.
 *
 * Loading replays each record as a transaction (with the usual integrity checks). A damaged tail
 * (torn write, checksum mismatch) ends the replay: the records before it are kept, a warning is
 * logged through vlog, and in read-write mode the tail is truncated before the next append.
 *
 * Thread-safety: as ovsdb.h.
 */
#ifndef UVS_OVSDB_FILE_H
#define UVS_OVSDB_FILE_H 1

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

struct ovsdb;
struct ovsdb_error;
struct ovsdb_file;
struct ovsdb_schema;
struct ovsdb_txn;

/* Creates FILE_NAME holding only SCHEMA (which stays the caller's). Fails if the file exists. */
struct ovsdb_error *ovsdb_file_create(const char *file_name, const struct ovsdb_schema *schema);
/* Reads only the schema (record 0) of FILE_NAME. */
struct ovsdb_error *ovsdb_file_read_schema(const char *file_name, struct ovsdb_schema **schemap);

/* Loads FILE_NAME into a new database. Unless READ_ONLY, the file stays open and locked, and a
 * replica appends every later commit to it; *FILEP (may be NULL) then receives the handle, owned by
 * the database (freed by ovsdb_destroy()). */
struct ovsdb_error *ovsdb_file_open(const char *file_name, bool read_only, struct ovsdb **dbp,
                                    struct ovsdb_file **filep);

/* Rewrites the file as the schema plus one record holding every row. */
struct ovsdb_error *ovsdb_file_compact(struct ovsdb_file *);
/* True when the file has grown enough since the last compaction (>= 10 MiB and 4 times its size
 * after that compaction or load) that compacting is worthwhile. */
bool ovsdb_file_should_compact(const struct ovsdb_file *);
off_t ovsdb_file_get_size(const struct ovsdb_file *);
const char *ovsdb_file_get_name(const struct ovsdb_file *);

/* The transaction record for TXN (during commit), or NULL if nothing persistent changed. */
json_t *ovsdb_file_txn_to_json(const struct ovsdb_txn *txn);
/* Replays one transaction record into DB (RFC 7047 semantics checks included). */
struct ovsdb_error *ovsdb_file_txn_from_json(struct ovsdb *db, const json_t *record);

#endif
