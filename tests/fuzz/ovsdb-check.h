/*
 * ovsdb-check — invariants of a committed OVSDB database (RFC 7047 §3.2), for the fuzz targets.
 * Thread-safety: as ovsdb.h (one thread per database).
 */
#ifndef UVS_FUZZ_OVSDB_CHECK_H
#define UVS_FUZZ_OVSDB_CHECK_H 1

#include "ovsdb/ovsdb.h"

/* Checks every invariant of DB (no transaction open): every UUID in a reference column names an
 * existing row of the referenced table; each row's n_refs equals the strong references to it;
 * every row of a non-root table is strongly referenced; every datum satisfies its column's type
 * (n_min/n_max, enum, ranges, lengths) with sorted unique keys; maxRows; no two rows equal in an
 * index; n_rows matches the tree. Aborts with a message naming the table, row and column on the
 * first violation (a libFuzzer crash). */
void ovsdb_check_invariants(struct ovsdb *db);

/* Prints "database invariant violated: ..." and aborts. */
void ovsdb_check_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
