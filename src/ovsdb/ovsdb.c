/* ovsdb — in-memory databases, tables and rows; see ovsdb.h. */
#include "ovsdb/ovsdb.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ovsdb/ovsdb-error.h"

static int
ovsdb_row_compare(const struct ovsdb_row *a, const struct ovsdb_row *b)
{
    return uuid_compare(ovsdb_row_get_uuid(a), ovsdb_row_get_uuid(b));
}

RB_GENERATE(ovsdb_row_tree, ovsdb_row, node, ovsdb_row_compare)

/* ---- Databases ---- */

struct ovsdb *
ovsdb_create(struct ovsdb_schema *schema)
{
    struct ovsdb *db = xzalloc(sizeof *db);
    db->schema = schema;
    db->tables = xcalloc(schema->n_tables ? schema->n_tables : 1, sizeof *db->tables);
    for (size_t i = 0; i < schema->n_tables; i++) {
        struct ovsdb_table *t = xzalloc(sizeof *t);
        t->schema = schema->tables[i];
        RB_INIT(&t->rows);
        db->tables[i] = t;
    }
    TAILQ_INIT(&db->replicas);
    return db;
}

void
ovsdb_destroy(struct ovsdb *db)
{
    if (!db) {
        return;
    }
    struct ovsdb_replica *r;
    while ((r = TAILQ_FIRST(&db->replicas))) {
        ovsdb_remove_replica(db, r);
    }
    for (size_t i = 0; i < db->schema->n_tables; i++) {
        struct ovsdb_table *t = db->tables[i];
        struct ovsdb_row *row, *next;
        RB_FOREACH_SAFE(row, ovsdb_row_tree, &t->rows, next) {
            RB_REMOVE(ovsdb_row_tree, &t->rows, row);
            ovsdb_row_destroy(row);
        }
        free(t);
    }
    free(db->tables);
    ovsdb_schema_destroy(db->schema);
    free(db);
}

struct ovsdb_table *
ovsdb_get_table(const struct ovsdb *db, const char *name)
{
    const struct ovsdb_table_schema *ts = ovsdb_schema_find_table(db->schema, name);
    return ts ? ovsdb_table_for_schema(db, ts) : NULL;
}

struct ovsdb_table *
ovsdb_table_for_schema(const struct ovsdb *db, const struct ovsdb_table_schema *ts)
{
    size_t i = ovsdb_schema_table_index(db->schema, ts);
    return i == SIZE_MAX ? NULL : db->tables[i];
}

void
ovsdb_add_replica(struct ovsdb *db, struct ovsdb_replica *replica)
{
    TAILQ_INSERT_TAIL(&db->replicas, replica, node);
}

void
ovsdb_remove_replica(struct ovsdb *db, struct ovsdb_replica *replica)
{
    TAILQ_REMOVE(&db->replicas, replica, node);
    replica->class->destroy(replica);
}

static void
count_refs_of_base(struct ovsdb *db, const struct ovsdb_base_type *base,
                   const union ovsdb_atom *atoms, unsigned int n)
{
    if (!atoms || !ovsdb_base_type_is_strong_ref(base)) {
        return;
    }
    struct ovsdb_table *dst = ovsdb_table_for_schema(db, base->u.uuid.ref_table);
    for (unsigned int i = 0; i < n; i++) {
        struct ovsdb_row *target = ovsdb_table_get_row(dst, &atoms[i].uuid);
        if (target) {
            target->n_refs++;
        }
    }
}

void
ovsdb_recount_refs(struct ovsdb *db)
{
    struct ovsdb_row *row;
    for (size_t i = 0; i < db->schema->n_tables; i++) {
        RB_FOREACH(row, ovsdb_row_tree, &db->tables[i]->rows) {
            row->n_refs = 0;
        }
    }
    for (size_t i = 0; i < db->schema->n_tables; i++) {
        const struct ovsdb_table_schema *ts = db->tables[i]->schema;
        RB_FOREACH(row, ovsdb_row_tree, &db->tables[i]->rows) {
            for (size_t c = OVSDB_N_HIDDEN_COLUMNS; c < ts->n_columns; c++) {
                const struct ovsdb_type *type = &ts->columns[c]->type;
                count_refs_of_base(db, &type->key, row->fields[c].keys, row->fields[c].n);
                count_refs_of_base(db, &type->value, row->fields[c].values, row->fields[c].n);
            }
        }
    }
}

/* ---- Rows ---- */

struct ovsdb_row *
ovsdb_row_create(struct ovsdb_table *table)
{
    const struct ovsdb_table_schema *ts = table->schema;
    struct ovsdb_row *row = xzalloc(sizeof *row + ts->n_columns * sizeof row->fields[0]);
    row->table = table;
    for (size_t i = 0; i < ts->n_columns; i++) {
        ovsdb_datum_init_default(&row->fields[i], &ts->columns[i]->type);
    }
    return row;
}

struct ovsdb_row *
ovsdb_row_clone(const struct ovsdb_row *old)
{
    const struct ovsdb_table_schema *ts = old->table->schema;
    struct ovsdb_row *row = xzalloc(sizeof *row + ts->n_columns * sizeof row->fields[0]);
    row->table = old->table;
    row->txn_row = old->txn_row;
    row->n_refs = old->n_refs;
    for (size_t i = 0; i < ts->n_columns; i++) {
        ovsdb_datum_clone(&row->fields[i], &old->fields[i], &ts->columns[i]->type);
    }
    return row;
}

void
ovsdb_row_destroy(struct ovsdb_row *row)
{
    if (row) {
        const struct ovsdb_table_schema *ts = row->table->schema;
        for (size_t i = 0; i < ts->n_columns; i++) {
            ovsdb_datum_destroy(&row->fields[i], &ts->columns[i]->type);
        }
        free(row);
    }
}

const struct uuid *
ovsdb_row_get_uuid(const struct ovsdb_row *row)
{
    return &row->fields[OVSDB_COL_UUID].keys[0].uuid;
}

const struct uuid *
ovsdb_row_get_version(const struct ovsdb_row *row)
{
    return &row->fields[OVSDB_COL_VERSION].keys[0].uuid;
}

void
ovsdb_row_set_uuid(struct ovsdb_row *row, const struct uuid *uuid)
{
    row->fields[OVSDB_COL_UUID].keys[0].uuid = *uuid;
}

void
ovsdb_row_set_version(struct ovsdb_row *row, const struct uuid *uuid)
{
    row->fields[OVSDB_COL_VERSION].keys[0].uuid = *uuid;
}

struct ovsdb_row *
ovsdb_table_get_row(const struct ovsdb_table *table, const struct uuid *uuid)
{
    /* A stack key row: only fields[OVSDB_COL_UUID] is read by the comparator. */
    union ovsdb_atom atom = { .uuid = *uuid };
    _Alignas(struct ovsdb_row) char buf[sizeof(struct ovsdb_row) + sizeof(struct ovsdb_datum)];
    struct ovsdb_row *key = (struct ovsdb_row *) buf;
    memset(buf, 0, sizeof buf);
    key->fields[0].n = 1;
    key->fields[0].keys = &atom;
    return RB_FIND(ovsdb_row_tree, (struct ovsdb_row_tree *) &table->rows, key);
}

json_t *
ovsdb_row_to_json(const struct ovsdb_row *row, const struct ovsdb_column_set *columns)
{
    const struct ovsdb_table_schema *ts = row->table->schema;
    json_t *j = json_object();
    size_t n = columns ? columns->n : ts->n_columns;
    for (size_t i = 0; i < n; i++) {
        const struct ovsdb_column *c = columns ? columns->columns[i] : ts->columns[i];
        json_object_set_new(j, c->name, ovsdb_datum_to_json(&row->fields[c->index], &c->type));
    }
    return j;
}

bool
ovsdb_row_equal_columns(const struct ovsdb_row *a, const struct ovsdb_row *b,
                        const struct ovsdb_column_set *columns)
{
    for (size_t i = 0; i < columns->n; i++) {
        const struct ovsdb_column *c = columns->columns[i];
        if (!ovsdb_datum_equals(&a->fields[c->index], &b->fields[c->index], &c->type)) {
            return false;
        }
    }
    return true;
}

struct ovsdb_error *
ovsdb_row_from_json(struct ovsdb_row *row, const json_t *json, struct ovsdb_symtab *symtab,
                    struct ovsdb_column_set *columns)
{
    const struct ovsdb_table_schema *ts = row->table->schema;
    if (columns) {
        ovsdb_column_set_init(columns);
    }
    if (!json_is_object(json)) {
        return ovsdb_syntax_error(json, NULL, "row must be a JSON object");
    }
    const char *name;
    json_t *jvalue;
    json_object_foreach((json_t *) json, name, jvalue) {
        const struct ovsdb_column *c = ovsdb_table_schema_find_column(ts, name);
        struct ovsdb_error *error;
        if (!c) {
            error = ovsdb_syntax_error(json, "unknown column", "No column %s in table %s.",
                                       name, ts->name);
        } else if (c->index < OVSDB_N_HIDDEN_COLUMNS) {
            error = ovsdb_syntax_error(json, "constraint violation", "Column %s in table %s is "
                                       "read-only.", name, ts->name);
        } else {
            struct ovsdb_datum datum;
            error = ovsdb_datum_from_json(&datum, &c->type, jvalue, symtab);
            if (!error) {
                ovsdb_datum_swap(&row->fields[c->index], &datum);
                ovsdb_datum_destroy(&datum, &c->type);
                if (columns) {
                    ovsdb_column_set_add(columns, c);
                }
                continue;
            }
            error = ovsdb_error_prefix(error, "table %s column %s", ts->name, name);
        }
        if (columns) {
            ovsdb_column_set_destroy(columns);
        }
        return error;
    }
    return NULL;
}
