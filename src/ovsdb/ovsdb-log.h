/*
 * ovsdb-log — the database file as an append-only sequence of JSON records.
 *
 * On-disk format (the same as OVS's standalone database files, so `ovsdb-tool show-log` can read
 * ours and we can read theirs). Each record is
 *
 *     "OVSDB JSON " <length> " " <sha1> "\n" <body>
 *
 * where <body> is <length> bytes: compact JSON text followed by "\n", and <sha1> is the 40-digit
 * lowercase hex SHA-1 (OpenSSL EVP) of <body>. The first record is the schema; each later record is
 * one committed transaction (see ovsdb-file.h).
 *
 * Reading stops at the first record that is incomplete (a torn write), has a bad header, a
 * checksum mismatch or invalid JSON: ovsdb_log_read() returns an error naming the file, the offset
 * and the problem. If that damaged record is the last thing in the file (a torn final write), the
 * error is a "syntax error" and, in read-write mode, the file is truncated at the end of the last
 * good record before the next write (the caller logs the warning), so a torn tail never survives.
 * If further record headers follow the damaged record, the damage is in the middle of the file:
 * the error is "corrupt database", naming the offset, and the file is never truncated (callers
 * refuse to open it; uvsdb-server will not start).
 *
 * A read-write log holds an exclusive flock(2) on the file, so two servers cannot append to one
 * database. Writes go through write(2); ovsdb_log_commit() fsyncs.
 *
 * Thread-safety: a log belongs to one thread.
 */
#ifndef UVS_OVSDB_LOG_H
#define UVS_OVSDB_LOG_H 1

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

struct ovsdb_error;
struct ovsdb_log;

enum ovsdb_log_open_mode {
    OVSDB_LOG_READ_ONLY,        /* Read; no lock. */
    OVSDB_LOG_READ_WRITE,       /* Read, then append; exclusive lock. */
    OVSDB_LOG_CREATE_EXCL,      /* Create a new empty file (fails if it exists); exclusive lock. */
};

/* Opens FILE_NAME. Errors ("I/O error") name the file and the cause, e.g. "conf.db: cannot open:
 * No such file or directory", or "conf.db: locked by another process (is uvsdb-server running?)". */
struct ovsdb_error *ovsdb_log_open(const char *file_name, enum ovsdb_log_open_mode mode,
                                   struct ovsdb_log **logp);
void ovsdb_log_close(struct ovsdb_log *);
/* The file's absolute name (relative names are resolved at open time, so a later chdir(), as daemons
 * do, does not break compaction). */
const char *ovsdb_log_get_name(const struct ovsdb_log *);

/* Reads the next record into *JSONP (new reference); at a clean end of file returns NULL with
 * *JSONP NULL. On a damaged record returns an error ("syntax error" for a bad header, checksum or
 * JSON; "I/O error" for read failures) and the log stays positioned after the last good record;
 * subsequent reads return NULL at EOF. */
struct ovsdb_error *ovsdb_log_read(struct ovsdb_log *, json_t **jsonp);
/* Appends JSON as one record (not yet fsynced). On failure the file is truncated back to where the
 * record started and an "I/O error" is returned. Read-write or create modes only. */
struct ovsdb_error *ovsdb_log_write(struct ovsdb_log *, const json_t *json);
/* If reading stopped at a damaged record, truncates the file there now (read-write mode). Returns
 * NULL or an "I/O error". */
struct ovsdb_error *ovsdb_log_truncate_tail(struct ovsdb_log *);
/* fsync(2)s the file. */
struct ovsdb_error *ovsdb_log_commit(struct ovsdb_log *);
/* Offset just past the last good record read or written (the file size after a write). */
off_t ovsdb_log_get_offset(const struct ovsdb_log *);
/* Number of records read or written so far. */
unsigned long long ovsdb_log_get_n_records(const struct ovsdb_log *);
/* Bytes discarded (or to be discarded) after the last good record, 0 if the file was clean. */
off_t ovsdb_log_get_damaged_bytes(const struct ovsdb_log *);

/* Atomically replaces the log's file with one holding RECORDS[0..N-1] (written to FILE.tmp, fsynced,
 * renamed over FILE), and keeps appending to the new file. Used for compaction. */
struct ovsdb_error *ovsdb_log_replace(struct ovsdb_log *, json_t *const *records, size_t n);

/* The SHA-1 of DATA as 40 lowercase hex digits plus NUL, in HEX. */
void ovsdb_log_sha1_hex(const void *data, size_t size, char hex[41]);

#endif
