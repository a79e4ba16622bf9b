/*
 * ovsdb-check — the database invariants the OVSDB fuzz targets check after every transaction; see
 * ovsdb_check_invariants() in ovsdb-check.c for the list (referential integrity, reference counts,
 * garbage collection, column constraints, sorted unique sets, maxRows, indexes, row counts).
 */
#include "ovsdb-check.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "ovsdb/ovsdb-data.h"
#include "ovsdb/ovsdb-error.h"
#include "ovsdb/ovsdb-schema.h"

void
ovsdb_check_fail(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    fputs("fuzz: OVSDB invariant violated: ", stderr);
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
    va_end(args);
    abort();
}

static struct ovsdb_table *
table_of(struct ovsdb *db, const struct ovsdb_table_schema *ts)
{
    for (size_t i = 0; i < db->schema->n_tables; i++) {
        if (db->schema->tables[i] == ts) {
            return db->tables[i];
        }
    }
    ovsdb_check_fail("table %s of a reference is not in the schema", ts ? ts->name : "(null)");
}

/* Checks one reference atom; counts strong ones into the referenced row's tally. */
static void
check_ref(struct ovsdb *db, const struct ovsdb_base_type *base, const union ovsdb_atom *atom,
          const char *where, size_t **tally)
{
    if (base->type != OVSDB_TYPE_UUID || !base->u.uuid.ref_table) {
        return;
    }
    struct ovsdb_table *t = table_of(db, base->u.uuid.ref_table);
    struct ovsdb_row *row = ovsdb_table_get_row(t, &atom->uuid);
    char buf[UUID_LEN + 1];
    if (!row) {
        ovsdb_check_fail("%s refers to %s row %s, which does not exist (%s reference)", where,
                 t->schema->name, uuid_to_string(&atom->uuid, buf),
                 base->u.uuid.ref_type == OVSDB_REF_STRONG ? "strong" : "weak");
    }
    if (base->u.uuid.ref_type == OVSDB_REF_STRONG) {
        size_t ti = ovsdb_schema_table_index(db->schema, t->schema);
        size_t ri = 0;
        struct ovsdb_row *r;
        RB_FOREACH(r, ovsdb_row_tree, &t->rows) {
            if (r == row) {
                break;
            }
            ri++;
        }
        tally[ti][ri]++;
    }
}

void
ovsdb_check_invariants(struct ovsdb *db)
{
    const struct ovsdb_schema *schema = db->schema;
    size_t **tally = calloc(schema->n_tables, sizeof *tally);

    if (db->txn) {
        ovsdb_check_fail("a transaction is still open after ovsdb_execute() returned");
    }
    for (size_t ti = 0; ti < schema->n_tables; ti++) {
        struct ovsdb_table *t = db->tables[ti];
        size_t n = 0;
        struct ovsdb_row *row;
        RB_FOREACH(row, ovsdb_row_tree, &t->rows) {
            n++;
            if (row->txn_row) {
                ovsdb_check_fail("%s row still marked as touched by a transaction", t->schema->name);
            }
        }
        if (n != t->n_rows) {
            ovsdb_check_fail("table %s: n_rows %zu but %zu rows in the tree", t->schema->name, t->n_rows,
                     n);
        }
        if (t->schema->max_rows != UINT_MAX && n > t->schema->max_rows) {
            ovsdb_check_fail("table %s: %zu rows, maxRows %u", t->schema->name, n, t->schema->max_rows);
        }
        tally[ti] = calloc(n + 1, sizeof **tally);
    }

    for (size_t ti = 0; ti < schema->n_tables; ti++) {
        struct ovsdb_table *t = db->tables[ti];
        const struct ovsdb_table_schema *ts = t->schema;
        struct ovsdb_row *row;
        RB_FOREACH(row, ovsdb_row_tree, &t->rows) {
            for (size_t ci = 0; ci < ts->n_columns; ci++) {
                const struct ovsdb_column *col = ts->columns[ci];
                const struct ovsdb_datum *d = &row->fields[col->index];
                char where[256];
                snprintf(where, sizeof where, "%s.%s", ts->name, col->name);

                struct ovsdb_error *e = ovsdb_datum_check_constraints(d, &col->type);
                if (e) {
                    ovsdb_check_fail("%s: %s: %s", where, ovsdb_error_get_tag(e),
                             e->details ? e->details : "");
                }
                for (unsigned i = 1; i < d->n; i++) {
                    if (ovsdb_atom_compare(&d->keys[i - 1], &d->keys[i],
                                           col->type.key.type) >= 0) {
                        ovsdb_check_fail("%s: keys not sorted and unique", where);
                    }
                }
                for (unsigned i = 0; i < d->n; i++) {
                    check_ref(db, &col->type.key, &d->keys[i], where, tally);
                    if (d->values) {
                        check_ref(db, &col->type.value, &d->values[i], where, tally);
                    }
                }
            }
        }
    }

    for (size_t ti = 0; ti < schema->n_tables; ti++) {
        struct ovsdb_table *t = db->tables[ti];
        size_t ri = 0;
        struct ovsdb_row *row;
        RB_FOREACH(row, ovsdb_row_tree, &t->rows) {
            char buf[UUID_LEN + 1];
            if (row->n_refs != tally[ti][ri]) {
                ovsdb_check_fail("%s row %s: n_refs %zu but %zu strong references", t->schema->name,
                         uuid_to_string(ovsdb_row_get_uuid(row), buf), row->n_refs,
                         tally[ti][ri]);
            }
            if (!t->schema->is_root && !tally[ti][ri]) {
                ovsdb_check_fail("%s row %s: unreferenced row of a non-root table survived the commit",
                         t->schema->name, uuid_to_string(ovsdb_row_get_uuid(row), buf));
            }
            ri++;
        }

        /* Indexes: pairwise (tables are small here). */
        for (size_t xi = 0; xi < t->schema->n_indexes; xi++) {
            const struct ovsdb_column_set *idx = &t->schema->indexes[xi];
            struct ovsdb_row *a, *b;
            RB_FOREACH(a, ovsdb_row_tree, &t->rows) {
                for (b = RB_NEXT(ovsdb_row_tree, &t->rows, a); b;
                     b = RB_NEXT(ovsdb_row_tree, &t->rows, b)) {
                    if (ovsdb_row_equal_columns(a, b, idx)) {
                        ovsdb_check_fail("table %s: two rows equal in index %zu", t->schema->name, xi);
                    }
                }
            }
        }
        free(tally[ti]);
    }
    free(tally);
}

