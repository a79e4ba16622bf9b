/*
 * vsctl-db — database snapshot and change set for uvs-vsctl. See vsctl-db.h for the contract.
 *
 * Each table keeps its rows in one array: the snapshot's rows first, sorted by UUID (binary
 * search), then rows inserted by this run in creation order (linear search; there are few).
 */
#include "cli/vsctl-db.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct db_table {
    struct vsctl_row **rows;
    size_t n_loaded;              /* rows[0..n_loaded) come from the snapshot, sorted by UUID */
    size_t n, allocated;
};

struct vsctl_db {
    const struct vsctl_schema *schema;
    struct db_table *tables;      /* parallel to schema->tables */
    unsigned int n_inserted;
};

/* ---- Construction ---- */

struct vsctl_db *
vsctl_db_create(const struct vsctl_schema *schema)
{
    struct vsctl_db *db = xzalloc(sizeof *db);
    db->schema = schema;
    db->tables = xcalloc(schema->n_tables ? schema->n_tables : 1, sizeof *db->tables);
    return db;
}

static void
row_destroy(struct vsctl_row *row)
{
    const struct vsctl_table *t = row->table;
    for (size_t i = 0; i < t->n_columns; i++) {
        if (row->old) {
            vsctl_datum_destroy(&row->old[i], &t->columns[i].type);
        }
        vsctl_datum_destroy(&row->cur[i], &t->columns[i].type);
    }
    free(row->old);
    free(row->cur);
    free(row->written);
    free(row->verified);
    free(row->uuid);
    free(row);
}

void
vsctl_db_destroy(struct vsctl_db *db)
{
    if (!db) {
        return;
    }
    for (size_t i = 0; i < db->schema->n_tables; i++) {
        for (size_t j = 0; j < db->tables[i].n; j++) {
            row_destroy(db->tables[i].rows[j]);
        }
        free(db->tables[i].rows);
    }
    free(db->tables);
    free(db);
}

static struct db_table *
db_table(const struct vsctl_db *db, const struct vsctl_table *table)
{
    return &db->tables[table - db->schema->tables];
}

static struct vsctl_row *
row_create(struct vsctl_db *db, const struct vsctl_table *table, const char *uuid)
{
    struct vsctl_row *row = xzalloc(sizeof *row);
    size_t n = table->n_columns ? table->n_columns : 1;
    row->table = table;
    row->uuid = xstrdup(uuid);
    row->cur = xcalloc(n, sizeof *row->cur);
    row->written = xcalloc(n, sizeof *row->written);
    row->verified = xcalloc(n, sizeof *row->verified);
    row->db = db;

    struct db_table *dt = db_table(db, table);
    if (dt->n >= dt->allocated) {
        dt->allocated = dt->allocated ? dt->allocated * 2 : 16;
        dt->rows = xrealloc(dt->rows, dt->allocated * sizeof *dt->rows);
    }
    row->pos = dt->n;
    dt->rows[dt->n++] = row;
    return row;
}

json_t *
vsctl_db_select_ops(const struct vsctl_schema *schema)
{
    json_t *ops = json_array();
    for (size_t i = 0; i < schema->n_tables; i++) {
        json_array_append_new(ops, json_pack("{s:s, s:s, s:[]}", "op", "select",
                                             "table", schema->tables[i].name, "where"));
    }
    return ops;
}

static int
compare_rows_by_uuid(const void *a_, const void *b_)
{
    const struct vsctl_row *const *a = a_, *const *b = b_;
    return strcmp((*a)->uuid, (*b)->uuid);
}

static char *
load_table(struct vsctl_db *db, const struct vsctl_table *table, const json_t *rows)
{
    size_t i;
    json_t *row_json;

    json_array_foreach (rows, i, row_json) {
        const json_t *uuid_json = json_object_get(row_json, "_uuid");
        const char *tag = json_string_value(json_array_get(uuid_json, 0));
        const char *uuid = json_string_value(json_array_get(uuid_json, 1));
        if (!tag || strcmp(tag, "uuid") || !uuid || !vsctl_is_uuid(uuid)) {
            return xasprintf("table %s: row without a valid \"_uuid\"", table->name);
        }

        char *lower = xstrdup(uuid);
        for (char *p = lower; *p; p++) {
            *p = (char) tolower((unsigned char) *p);
        }
        struct vsctl_row *row = row_create(db, table, lower);
        free(lower);

        row->old = xcalloc(table->n_columns ? table->n_columns : 1, sizeof *row->old);
        for (size_t c = 0; c < table->n_columns; c++) {
            const struct vsctl_column *column = &table->columns[c];
            const json_t *value = json_object_get(row_json, column->name);
            if (!value) {
                /* A server with an older schema may omit a column: treat it as default. */
                vsctl_datum_init_default(&row->old[c], &column->type);
            } else {
                char *error = vsctl_datum_from_json(&row->old[c], &column->type, value);
                if (error) {
                    char *msg = xasprintf("table %s row %s column %s: %s", table->name,
                                          row->uuid, column->name, error);
                    free(error);
                    return msg;
                }
            }
            vsctl_datum_clone(&row->cur[c], &row->old[c], &column->type);
        }
    }

    struct db_table *dt = db_table(db, table);
    if (dt->n) {
        qsort(dt->rows, dt->n, sizeof *dt->rows, compare_rows_by_uuid);
    }
    for (size_t j = 0; j < dt->n; j++) {
        dt->rows[j]->pos = j;
    }
    dt->n_loaded = dt->n;
    return NULL;
}

char *
vsctl_db_load(struct vsctl_db *db, const json_t *result)
{
    if (!json_is_array(result) || json_array_size(result) < db->schema->n_tables) {
        return xstrdup("reply to the read transaction has the wrong number of results");
    }
    for (size_t i = 0; i < db->schema->n_tables; i++) {
        const json_t *r = json_array_get(result, i);
        const json_t *rows = json_object_get(r, "rows");
        if (!json_is_array(rows)) {
            const json_t *err = json_object_get(r, "error");
            const json_t *details = json_object_get(r, "details");
            return xasprintf("reading table %s failed: %s%s%s", db->schema->tables[i].name,
                             json_is_string(err) ? json_string_value(err) : "no rows in reply",
                             json_is_string(details) ? ": " : "",
                             json_is_string(details) ? json_string_value(details) : "");
        }
        char *error = load_table(db, &db->schema->tables[i], rows);
        if (error) {
            return error;
        }
    }
    return NULL;
}

/* ---- Lookup and iteration ---- */

static struct vsctl_row *
next_live(const struct db_table *dt, size_t pos)
{
    for (; pos < dt->n; pos++) {
        if (!dt->rows[pos]->deleted) {
            return dt->rows[pos];
        }
    }
    return NULL;
}

struct vsctl_row *
vsctl_db_first(const struct vsctl_db *db, const struct vsctl_table *table)
{
    return table ? next_live(db_table(db, table), 0) : NULL;
}

struct vsctl_row *
vsctl_db_next(const struct vsctl_row *row)
{
    return next_live(db_table(row->db, row->table), row->pos + 1);
}

struct vsctl_row *
vsctl_db_get_row(const struct vsctl_db *db, const struct vsctl_table *table, const char *uuid)
{
    const struct db_table *dt = db_table(db, table);
    size_t lo = 0, hi = dt->n_loaded;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(dt->rows[mid]->uuid, uuid);
        if (!cmp) {
            return dt->rows[mid]->deleted ? NULL : dt->rows[mid];
        } else if (cmp < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    for (size_t i = dt->n_loaded; i < dt->n; i++) {
        if (!strcmp(dt->rows[i]->uuid, uuid)) {
            return dt->rows[i]->deleted ? NULL : dt->rows[i];
        }
    }
    return NULL;
}

/* How a table's records may be named, besides by UUID (ovs-vsctl(8) "Database Commands"). */
struct record_id {
    const char *table;
    const char *name_table;       /* table searched by name */
    const char *name_column;      /* its name column */
    const char *ref_column;       /* NULL: the named row itself; else a column of it pointing to
                                   * the record (must hold exactly one reference) */
};

static const struct record_id record_ids[] = {
    { "Bridge", "Bridge", "name", NULL },
    { "Port", "Port", "name", NULL },
    { "Interface", "Interface", "name", NULL },
    { "Mirror", "Mirror", "name", NULL },
    { "Flow_Table", "Flow_Table", "name", NULL },
    { "Manager", "Manager", "target", NULL },
    { "Controller", "Bridge", "name", "controller" },
    { "NetFlow", "Bridge", "name", "netflow" },
    { "sFlow", "Bridge", "name", "sflow" },
    { "IPFIX", "Bridge", "name", "ipfix" },
    { "AutoAttach", "Bridge", "name", "auto_attach" },
    { "QoS", "Port", "name", "qos" },
};

static char *
find_by_name(const struct vsctl_db *db, const struct record_id *id, const char *name,
             struct vsctl_row **rowp)
{
    const struct vsctl_table *name_table = vsctl_schema_find_table(db->schema, id->name_table);
    const struct vsctl_column *name_col
        = name_table ? vsctl_table_find_column(name_table, id->name_column) : NULL;
    struct vsctl_row *found = NULL;
    struct vsctl_row *row;

    *rowp = NULL;
    if (!name_col || name_col->type.key.type != VSCTL_STRING) {
        return NULL;
    }
    VSCTL_ROW_FOR_EACH (row, db, name_table) {
        const struct vsctl_datum *d = vsctl_row_read(row, name_col);
        if (d->n == 1 && !strcmp(d->keys[0].string, name)) {
            if (found) {
                return xasprintf("multiple rows in %s match \"%s\"", name_table->name, name);
            }
            found = row;
        }
    }
    if (!found || !id->ref_column) {
        *rowp = found;
        return NULL;
    }

    const struct vsctl_column *ref_col = vsctl_table_find_column(name_table, id->ref_column);
    const struct vsctl_table *table = vsctl_schema_find_table(db->schema, id->table);
    if (!ref_col || !table || ref_col->type.key.type != VSCTL_UUID) {
        return NULL;
    }
    const struct vsctl_datum *d = vsctl_row_read(found, ref_col);
    if (d->n == 1) {
        *rowp = vsctl_db_get_row(db, table, d->keys[0].string);
    }
    return NULL;
}

static bool
is_uuid_prefix(const char *s)
{
    size_t n = 0;
    for (const char *p = s; *p; p++) {
        if (isxdigit((unsigned char) *p)) {
            n++;
        } else if (*p != '-') {
            return false;
        }
    }
    return n >= 4 && strlen(s) < 36;
}

char *
vsctl_db_find_record(const struct vsctl_db *db, const struct vsctl_table *table,
                     const char *record_id, bool must_exist, struct vsctl_row **rowp)
{
    struct vsctl_row *row = NULL;

    *rowp = NULL;
    if (vsctl_is_uuid(record_id)) {
        char *lower = xstrdup(record_id);
        for (char *p = lower; *p; p++) {
            *p = (char) tolower((unsigned char) *p);
        }
        row = vsctl_db_get_row(db, table, lower);
        free(lower);
    }
    if (!row && !strcmp(record_id, ".")) {
        row = vsctl_db_first(db, table);
        if (row && vsctl_db_next(row)) {
            row = NULL;
        }
    }
    for (size_t i = 0; !row && i < ARRAY_SIZE(record_ids); i++) {
        if (!strcmp(record_ids[i].table, table->name)) {
            char *error = find_by_name(db, &record_ids[i], record_id, &row);
            if (error) {
                return error;
            }
        }
    }
    if (!row && is_uuid_prefix(record_id)) {
        struct vsctl_row *r;
        size_t len = strlen(record_id);
        VSCTL_ROW_FOR_EACH (r, db, table) {
            if (!strncasecmp(r->uuid, record_id, len)) {
                if (row) {
                    return xasprintf("%s contains 2 or more rows whose UUIDs begin with %s: "
                                     "at least %s and %s", table->name, record_id,
                                     row->uuid, r->uuid);
                }
                row = r;
            }
        }
    }
    if (!row && must_exist) {
        return xasprintf("no row \"%s\" in table %s", record_id, table->name);
    }
    *rowp = row;
    return NULL;
}

/* ---- Changes ---- */

struct vsctl_row *
vsctl_db_insert(struct vsctl_db *db, const struct vsctl_table *table)
{
    char name[32];
    snprintf(name, sizeof name, "row%u", db->n_inserted + 1);
    return vsctl_db_insert_as(db, table, name);
}

struct vsctl_row *
vsctl_db_insert_as(struct vsctl_db *db, const struct vsctl_table *table, const char *name)
{
    struct vsctl_row *row = row_create(db, table, name);
    row->inserted = true;
    row->insert_seq = ++db->n_inserted;
    for (size_t c = 0; c < table->n_columns; c++) {
        vsctl_datum_init_default(&row->cur[c], &table->columns[c].type);
    }
    return row;
}

void
vsctl_row_delete(struct vsctl_row *row)
{
    row->deleted = true;
}

const struct vsctl_datum *
vsctl_row_read(const struct vsctl_row *row, const struct vsctl_column *column)
{
    return &row->cur[vsctl_column_index(row->table, column)];
}

void
vsctl_row_write(struct vsctl_row *row, const struct vsctl_column *column,
                struct vsctl_datum *datum)
{
    size_t i = vsctl_column_index(row->table, column);
    vsctl_datum_destroy(&row->cur[i], &column->type);
    row->cur[i] = *datum;
    datum->n = 0;
    datum->keys = datum->values = NULL;
    row->written[i] = true;
    if (!row->inserted) {
        row->verified[i] = true;
    }
}

void
vsctl_row_verify(struct vsctl_row *row, const struct vsctl_column *column)
{
    if (!row->inserted) {
        row->verified[vsctl_column_index(row->table, column)] = true;
    }
}

const struct vsctl_column *
vsctl_row_column(const struct vsctl_row *row, const char *name)
{
    return vsctl_table_find_column(row->table, name);
}

const struct vsctl_datum *
vsctl_row_get(const struct vsctl_row *row, const char *name)
{
    static const struct vsctl_datum empty = VSCTL_DATUM_EMPTY;
    const struct vsctl_column *column = vsctl_row_column(row, name);
    return column ? vsctl_row_read(row, column) : &empty;
}

void
vsctl_row_set(struct vsctl_row *row, const char *name, struct vsctl_datum *datum)
{
    const struct vsctl_column *column = vsctl_row_column(row, name);
    if (!column) {
        uvs_fatal(0, "the database schema has no column %s.%s (is the server running a "
                  "different schema?)", row->table->name, name);
    }
    vsctl_row_write(row, column, datum);
}

void
vsctl_row_verify_name(struct vsctl_row *row, const char *name)
{
    const struct vsctl_column *column = vsctl_row_column(row, name);
    if (column) {
        vsctl_row_verify(row, column);
    }
}

const char *
vsctl_row_name(const struct vsctl_row *row)
{
    const char *s = vsctl_datum_string(vsctl_row_get(row, "name"));
    return s ? s : "";
}

static bool
row_column_changed(const struct vsctl_row *row, size_t c)
{
    return row->written[c]
           && !vsctl_datum_equals(&row->old[c], &row->cur[c], &row->table->columns[c].type);
}

bool
vsctl_db_has_changes(const struct vsctl_db *db)
{
    for (size_t t = 0; t < db->schema->n_tables; t++) {
        const struct db_table *dt = &db->tables[t];
        for (size_t i = 0; i < dt->n; i++) {
            const struct vsctl_row *row = dt->rows[i];
            if (row->inserted || row->deleted) {
                if (row->inserted != row->deleted) {
                    return true;
                }
                continue;
            }
            for (size_t c = 0; c < row->table->n_columns; c++) {
                if (row_column_changed(row, c)) {
                    return true;
                }
            }
        }
    }
    return false;
}

static json_t *
where_uuid(const struct vsctl_row *row)
{
    return json_pack("[[s, s, [s, s]]]", "_uuid", "==", "uuid", row->uuid);
}

static int
compare_insert_seq(const void *a_, const void *b_)
{
    const struct vsctl_row *const *a = a_, *const *b = b_;
    return (*a)->insert_seq < (*b)->insert_seq ? -1 : (*a)->insert_seq > (*b)->insert_seq;
}

/* True if ROW has a UUID atom naming OTHER. */
static bool
row_refers_to(const struct vsctl_row *row, const struct vsctl_row *other)
{
    for (size_t c = 0; c < row->table->n_columns; c++) {
        const struct vsctl_type *type = &row->table->columns[c].type;
        const struct vsctl_datum *d = &row->cur[c];
        for (size_t i = 0; i < d->n; i++) {
            if ((type->key.type == VSCTL_UUID && !strcmp(d->keys[i].string, other->uuid))
                || (type->value.type == VSCTL_UUID
                    && !strcmp(d->values[i].string, other->uuid))) {
                return true;
            }
        }
    }
    return false;
}

/* Stable topological order of ROWS[0..N) by "refers to"; a cycle keeps creation order. */
static void
order_inserts(struct vsctl_row **rows, size_t n)
{
    struct vsctl_row **out = xcalloc(n, sizeof *out);
    bool *done = xcalloc(n, sizeof *done);
    size_t n_out = 0;

    while (n_out < n) {
        bool progress = false;
        for (size_t i = 0; i < n; i++) {
            if (done[i]) {
                continue;
            }
            bool ready = true;
            for (size_t j = 0; j < n && ready; j++) {
                if (j != i && !done[j] && row_refers_to(rows[i], rows[j])) {
                    ready = false;
                }
            }
            if (ready) {
                out[n_out++] = rows[i];
                done[i] = progress = true;
            }
        }
        if (!progress) {
            for (size_t i = 0; i < n; i++) {
                if (!done[i]) {
                    out[n_out++] = rows[i];
                    done[i] = true;
                }
            }
        }
    }
    memcpy(rows, out, n * sizeof *rows);
    free(out);
    free(done);
}

json_t *
vsctl_db_commit_ops(const struct vsctl_db *db, size_t *n_waits)
{
    json_t *waits = json_array(), *inserts = json_array(), *updates = json_array(),
           *deletes = json_array();
    struct vsctl_row **new_rows = NULL;
    size_t n_new = 0;

    for (size_t t = 0; t < db->schema->n_tables; t++) {
        const struct vsctl_table *table = &db->schema->tables[t];
        const struct db_table *dt = &db->tables[t];

        for (size_t i = 0; i < dt->n; i++) {
            struct vsctl_row *row = dt->rows[i];

            if (row->inserted) {
                if (!row->deleted) {
                    new_rows = xrealloc(new_rows, (n_new + 1) * sizeof *new_rows);
                    new_rows[n_new++] = row;
                }
                continue;
            }

            json_t *columns = json_array(), *values = json_object();
            json_t *changes = json_object();
            for (size_t c = 0; c < table->n_columns; c++) {
                const struct vsctl_column *column = &table->columns[c];
                if (row->verified[c]) {
                    json_array_append_new(columns, json_string(column->name));
                    json_object_set_new(values, column->name,
                                        vsctl_datum_to_json(&row->old[c], &column->type));
                }
                if (!row->deleted && row_column_changed(row, c)) {
                    json_object_set_new(changes, column->name,
                                        vsctl_datum_to_json(&row->cur[c], &column->type));
                }
            }
            if (json_array_size(columns)) {
                json_array_append_new(waits, json_pack(
                    "{s:s, s:i, s:s, s:o, s:o, s:s, s:[o]}", "op", "wait", "timeout", 0,
                    "table", table->name, "where", where_uuid(row), "columns", columns,
                    "until", "==", "rows", values));
            } else {
                json_decref(columns);
                json_decref(values);
            }
            if (row->deleted) {
                json_array_append_new(deletes, json_pack("{s:s, s:s, s:o}", "op", "delete",
                                                         "table", table->name,
                                                         "where", where_uuid(row)));
                json_decref(changes);
            } else if (json_object_size(changes)) {
                json_array_append_new(updates, json_pack("{s:s, s:s, s:o, s:o}", "op", "update",
                                                         "table", table->name,
                                                         "where", where_uuid(row),
                                                         "row", changes));
            } else {
                json_decref(changes);
            }
        }
    }

    /* Inserts in creation order, except that a row referring to another new row comes after it
     * (e.g. "set Bridge br0 mirrors=@m -- --id=@m create Mirror ... output-port=@p -- --id=@p
     * create Port ..."), so a server need not resolve forward references. */
    if (n_new) {
        qsort(new_rows, n_new, sizeof *new_rows, compare_insert_seq);
        order_inserts(new_rows, n_new);
    }
    for (size_t i = 0; i < n_new; i++) {
        struct vsctl_row *row = new_rows[i];
        row->commit_op = json_array_size(waits) + i;
        json_t *values = json_object();
        for (size_t c = 0; c < row->table->n_columns; c++) {
            const struct vsctl_column *column = &row->table->columns[c];
            if (!vsctl_datum_is_default(&row->cur[c], &column->type)) {
                json_object_set_new(values, column->name,
                                    vsctl_datum_to_json(&row->cur[c], &column->type));
            }
        }
        json_array_append_new(inserts, json_pack("{s:s, s:s, s:s, s:o}", "op", "insert",
                                                 "table", row->table->name,
                                                 "uuid-name", row->uuid, "row", values));
    }
    free(new_rows);

    json_t *ops = json_array();
    if (n_waits) {
        *n_waits = json_array_size(waits);
    }
    json_array_extend(ops, waits);
    json_array_extend(ops, inserts);
    json_array_extend(ops, updates);
    json_array_extend(ops, deletes);
    json_decref(waits);
    json_decref(inserts);
    json_decref(updates);
    json_decref(deletes);
    return ops;
}
