/* ovsdb-schema — RFC 7047 §3.2 schemas; see ovsdb-schema.h. */
#include "ovsdb/ovsdb-schema.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ovsdb/ovsdb-error.h"

bool
ovsdb_is_valid_id(const char *s)
{
    if (!*s || !(isalpha((unsigned char) *s) || *s == '_')) {
        return false;
    }
    for (s++; *s; s++) {
        if (!isalnum((unsigned char) *s) && *s != '_') {
            return false;
        }
    }
    return true;
}

bool
ovsdb_is_valid_version(const char *s)
{
    for (int part = 0; part < 3; part++) {
        if (!isdigit((unsigned char) *s)) {
            return false;
        }
        while (isdigit((unsigned char) *s)) {
            s++;
        }
        if (part < 2 && *s++ != '.') {
            return false;
        }
    }
    return *s == '\0';
}

/* ---- Column sets ---- */

void
ovsdb_column_set_init(struct ovsdb_column_set *set)
{
    set->columns = NULL;
    set->n = 0;
}

void
ovsdb_column_set_add(struct ovsdb_column_set *set, const struct ovsdb_column *column)
{
    set->columns = xrealloc(set->columns, (set->n + 1) * sizeof *set->columns);
    set->columns[set->n++] = column;
}

bool
ovsdb_column_set_contains(const struct ovsdb_column_set *set, unsigned int column_index)
{
    for (size_t i = 0; i < set->n; i++) {
        if (set->columns[i]->index == column_index) {
            return true;
        }
    }
    return false;
}

void
ovsdb_column_set_destroy(struct ovsdb_column_set *set)
{
    free(set->columns);
    ovsdb_column_set_init(set);
}

struct ovsdb_error *
ovsdb_column_set_from_json(struct ovsdb_column_set *set, const struct ovsdb_table_schema *ts,
                           const json_t *json, bool with_hidden)
{
    ovsdb_column_set_init(set);
    if (!json) {
        for (size_t i = with_hidden ? 0 : OVSDB_N_HIDDEN_COLUMNS; i < ts->n_columns; i++) {
            ovsdb_column_set_add(set, ts->columns[i]);
        }
        return NULL;
    }
    if (!json_is_array(json)) {
        return ovsdb_syntax_error(json, NULL, "array of column names expected");
    }
    size_t i;
    json_t *jname;
    json_array_foreach(json, i, jname) {
        if (!json_is_string(jname)) {
            ovsdb_column_set_destroy(set);
            return ovsdb_syntax_error(json, NULL, "array of column names expected");
        }
        const char *name = json_string_value(jname);
        const struct ovsdb_column *c = ovsdb_table_schema_find_column(ts, name);
        if (!c) {
            ovsdb_column_set_destroy(set);
            return ovsdb_syntax_error(json, "unknown column", "No column %s in table %s.",
                                      name, ts->name);
        }
        if (ovsdb_column_set_contains(set, c->index)) {
            ovsdb_column_set_destroy(set);
            return ovsdb_syntax_error(json, NULL, "Column %s appears more than once in the list "
                                      "of columns.", name);
        }
        ovsdb_column_set_add(set, c);
    }
    return NULL;
}

/* ---- Columns and tables ---- */

static struct ovsdb_column *
column_create(const char *name, const struct ovsdb_type *type, bool mutable_, bool persistent)
{
    struct ovsdb_column *c = xzalloc(sizeof *c);
    c->name = xstrdup(name);
    c->type = *type;
    c->mutable_ = mutable_;
    c->persistent = persistent;
    return c;
}

static void
column_destroy(struct ovsdb_column *c)
{
    if (c) {
        ovsdb_type_destroy(&c->type);
        free(c->name);
        free(c);
    }
}

static struct ovsdb_error *
column_from_json(const char *table, const char *name, const json_t *json,
                 struct ovsdb_column **columnp)
{
    *columnp = NULL;
    if (!json_is_object(json)) {
        return ovsdb_syntax_error(json, NULL, "table %s column %s: column schema must be an "
                                  "object", table, name);
    }
    const char *key;
    json_t *value;
    json_object_foreach((json_t *) json, key, value) {
        if (strcmp(key, "type") && strcmp(key, "ephemeral") && strcmp(key, "mutable")) {
            return ovsdb_syntax_error(json, NULL, "table %s column %s: member '%s' is present "
                                      "but not allowed here (allowed: type, ephemeral, mutable)",
                                      table, name, key);
        }
    }
    const json_t *jtype = json_object_get(json, "type");
    const json_t *jeph = json_object_get(json, "ephemeral");
    const json_t *jmut = json_object_get(json, "mutable");
    if (!jtype) {
        return ovsdb_syntax_error(json, NULL, "table %s column %s: required 'type' member is "
                                  "missing", table, name);
    }
    if ((jeph && !json_is_boolean(jeph)) || (jmut && !json_is_boolean(jmut))) {
        return ovsdb_syntax_error(json, NULL, "table %s column %s: \"ephemeral\" and \"mutable\" "
                                  "must be booleans", table, name);
    }
    struct ovsdb_type type;
    struct ovsdb_error *error = ovsdb_type_from_json(&type, jtype);
    if (error) {
        return ovsdb_error_prefix(error, "table %s column %s", table, name);
    }
    *columnp = column_create(name, &type, !jmut || json_is_true(jmut),
                             !(jeph && json_is_true(jeph)));
    return NULL;
}

static int
compare_columns_by_name(const void *a_, const void *b_)
{
    const struct ovsdb_column *const *a = a_, *const *b = b_;
    return strcmp((*a)->name, (*b)->name);
}

static void
table_schema_destroy(struct ovsdb_table_schema *ts)
{
    if (!ts) {
        return;
    }
    for (size_t i = 0; i < ts->n_columns; i++) {
        column_destroy(ts->columns[i]);
    }
    free(ts->columns);
    for (size_t i = 0; i < ts->n_indexes; i++) {
        ovsdb_column_set_destroy(&ts->indexes[i]);
    }
    free(ts->indexes);
    free(ts->name);
    free(ts);
}

static struct ovsdb_error *
table_from_json(const char *name, const json_t *json, struct ovsdb_table_schema **tsp,
                bool *root_specified)
{
    *tsp = NULL;
    if (!json_is_object(json)) {
        return ovsdb_syntax_error(json, NULL, "table %s: table schema must be an object", name);
    }
    const char *key;
    json_t *value;
    json_object_foreach((json_t *) json, key, value) {
        if (strcmp(key, "columns") && strcmp(key, "isRoot") && strcmp(key, "maxRows")
            && strcmp(key, "indexes")) {
            return ovsdb_syntax_error(json, NULL, "table %s: member '%s' is present but not "
                                      "allowed here (allowed: columns, isRoot, maxRows, indexes)",
                                      name, key);
        }
    }
    const json_t *jcolumns = json_object_get(json, "columns");
    const json_t *jroot = json_object_get(json, "isRoot");
    const json_t *jmax = json_object_get(json, "maxRows");
    const json_t *jindexes = json_object_get(json, "indexes");
    if (!json_is_object(jcolumns) || !json_object_size(jcolumns)) {
        return ovsdb_syntax_error(json, NULL, "table %s: \"columns\" must be an object with at "
                                  "least one column", name);
    }
    if (jroot && !json_is_boolean(jroot)) {
        return ovsdb_syntax_error(json, NULL, "table %s: \"isRoot\" must be a boolean", name);
    }
    if (jmax && (!json_is_integer(jmax) || json_integer_value(jmax) < 1
                 || json_integer_value(jmax) > UINT_MAX - 1)) {
        return ovsdb_syntax_error(json, NULL, "table %s: \"maxRows\" must be a positive integer",
                                  name);
    }
    if (jindexes && !json_is_array(jindexes)) {
        return ovsdb_syntax_error(json, NULL, "table %s: \"indexes\" must be an array of arrays "
                                  "of column names", name);
    }
    *root_specified = *root_specified || jroot;

    struct ovsdb_table_schema *ts = xzalloc(sizeof *ts);
    ts->name = xstrdup(name);
    ts->is_root = jroot && json_is_true(jroot);
    ts->max_rows = jmax ? json_integer_value(jmax) : UINT_MAX;
    ts->columns = xcalloc(json_object_size(jcolumns) + OVSDB_N_HIDDEN_COLUMNS,
                          sizeof *ts->columns);

    struct ovsdb_type uuid_type;
    ovsdb_type_init_scalar(&uuid_type, OVSDB_TYPE_UUID);
    ts->columns[ts->n_columns++] = column_create("_uuid", &uuid_type, false, true);
    ts->columns[ts->n_columns++] = column_create("_version", &uuid_type, false, false);

    struct ovsdb_error *error = NULL;
    json_object_foreach((json_t *) jcolumns, key, value) {
        if (key[0] == '_') {
            error = ovsdb_syntax_error(jcolumns, NULL, "table %s: names beginning with \"_\" are "
                                       "reserved (column %s)", name, key);
            goto fail;
        }
        if (!ovsdb_is_valid_id(key)) {
            error = ovsdb_syntax_error(jcolumns, NULL, "table %s: column name \"%s\" is not a "
                                       "valid identifier", name, key);
            goto fail;
        }
        struct ovsdb_column *c;
        error = column_from_json(name, key, value, &c);
        if (error) {
            goto fail;
        }
        ts->columns[ts->n_columns++] = c;
    }
    qsort(ts->columns + OVSDB_N_HIDDEN_COLUMNS, ts->n_columns - OVSDB_N_HIDDEN_COLUMNS,
          sizeof *ts->columns, compare_columns_by_name);
    for (size_t i = 0; i < ts->n_columns; i++) {
        ts->columns[i]->index = i;
    }

    if (jindexes) {
        ts->indexes = xcalloc(json_array_size(jindexes), sizeof *ts->indexes);
        size_t i;
        json_t *jindex;
        json_array_foreach(jindexes, i, jindex) {
            struct ovsdb_column_set *set = &ts->indexes[ts->n_indexes];
            if (!json_is_array(jindex) || !json_array_size(jindex)) {
                error = ovsdb_syntax_error(jindex, NULL, "table %s: each index must be a "
                                           "non-empty array of column names", name);
                goto fail;
            }
            error = ovsdb_column_set_from_json(set, ts, jindex, false);
            if (error) {
                error = ovsdb_error_prefix(error, "table %s index %zu", name, i);
                goto fail;
            }
            ts->n_indexes++;
            for (size_t j = 0; j < set->n; j++) {
                if (set->columns[j]->index == OVSDB_COL_UUID) {
                    error = ovsdb_syntax_error(jindex, NULL, "table %s: index may not include "
                                               "_uuid", name);
                    goto fail;
                }
                if (!set->columns[j]->persistent) {
                    error = ovsdb_syntax_error(jindex, NULL, "table %s: ephemeral column %s may "
                                               "not be indexed because it is not persistent",
                                               name, set->columns[j]->name);
                    goto fail;
                }
            }
        }
    }
    *tsp = ts;
    return NULL;

fail:
    table_schema_destroy(ts);
    return error;
}

static int
compare_tables_by_name(const void *a_, const void *b_)
{
    const struct ovsdb_table_schema *const *a = a_, *const *b = b_;
    return strcmp((*a)->name, (*b)->name);
}

static struct ovsdb_error *
resolve_ref(struct ovsdb_schema *schema, const struct ovsdb_table_schema *ts,
            const struct ovsdb_column *c, struct ovsdb_base_type *base)
{
    if (base->type != OVSDB_TYPE_UUID || !base->u.uuid.ref_table_name) {
        return NULL;
    }
    const struct ovsdb_table_schema *ref = ovsdb_schema_find_table(schema,
                                                                   base->u.uuid.ref_table_name);
    if (!ref) {
        return ovsdb_syntax_error(NULL, NULL, "table %s column %s refers to undefined table %s",
                                  ts->name, c->name, base->u.uuid.ref_table_name);
    }
    base->u.uuid.ref_table = (struct ovsdb_table_schema *) ref;
    return NULL;
}

struct ovsdb_error *
ovsdb_schema_from_json(const json_t *json, struct ovsdb_schema **schemap)
{
    *schemap = NULL;
    if (!json_is_object(json)) {
        return ovsdb_syntax_error(json, NULL, "database schema must be a JSON object");
    }
    const char *key;
    json_t *value;
    json_object_foreach((json_t *) json, key, value) {
        if (strcmp(key, "name") && strcmp(key, "version") && strcmp(key, "cksum")
            && strcmp(key, "tables")) {
            return ovsdb_syntax_error(NULL, NULL, "database schema: member '%s' is present but "
                                      "not allowed here (allowed: name, version, cksum, tables)",
                                      key);
        }
    }
    const json_t *jname = json_object_get(json, "name");
    const json_t *jversion = json_object_get(json, "version");
    const json_t *jcksum = json_object_get(json, "cksum");
    const json_t *jtables = json_object_get(json, "tables");
    if (!json_is_string(jname) || !ovsdb_is_valid_id(json_string_value(jname))) {
        return ovsdb_syntax_error(jname, NULL, "database schema: \"name\" must be an identifier "
                                  "string");
    }
    if (!json_is_string(jversion) || !ovsdb_is_valid_version(json_string_value(jversion))) {
        return ovsdb_syntax_error(jversion, NULL, "database schema: \"version\" must be a string "
                                  "of the form x.y.z");
    }
    if (jcksum && !json_is_string(jcksum)) {
        return ovsdb_syntax_error(jcksum, NULL, "database schema: \"cksum\" must be a string");
    }
    if (!json_is_object(jtables)) {
        return ovsdb_syntax_error(NULL, NULL, "database schema: \"tables\" must be an object");
    }

    struct ovsdb_schema *schema = xzalloc(sizeof *schema);
    schema->name = xstrdup(json_string_value(jname));
    schema->version = xstrdup(json_string_value(jversion));
    schema->cksum = jcksum ? xstrdup(json_string_value(jcksum)) : NULL;
    schema->json = json_deep_copy(json);
    schema->tables = xcalloc(json_object_size(jtables) + 1, sizeof *schema->tables);

    struct ovsdb_error *error = NULL;
    bool root_specified = false;
    json_object_foreach((json_t *) jtables, key, value) {
        if (key[0] == '_') {
            error = ovsdb_syntax_error(NULL, NULL, "table name \"%s\": names beginning with "
                                       "\"_\" are reserved", key);
            goto fail;
        }
        if (!ovsdb_is_valid_id(key)) {
            error = ovsdb_syntax_error(NULL, NULL, "table name \"%s\" is not a valid identifier",
                                       key);
            goto fail;
        }
        struct ovsdb_table_schema *ts;
        error = table_from_json(key, value, &ts, &root_specified);
        if (error) {
            goto fail;
        }
        schema->tables[schema->n_tables++] = ts;
    }
    qsort(schema->tables, schema->n_tables, sizeof *schema->tables, compare_tables_by_name);
    if (!root_specified) {
        for (size_t i = 0; i < schema->n_tables; i++) {
            schema->tables[i]->is_root = true;
        }
    }
    for (size_t i = 0; i < schema->n_tables; i++) {
        struct ovsdb_table_schema *ts = schema->tables[i];
        for (size_t j = OVSDB_N_HIDDEN_COLUMNS; j < ts->n_columns; j++) {
            struct ovsdb_column *c = ts->columns[j];
            error = resolve_ref(schema, ts, c, &c->type.key);
            if (!error) {
                error = resolve_ref(schema, ts, c, &c->type.value);
            }
            if (error) {
                goto fail;
            }
        }
    }
    *schemap = schema;
    return NULL;

fail:
    ovsdb_schema_destroy(schema);
    return error;
}

struct ovsdb_error *
ovsdb_schema_from_file(const char *file_name, struct ovsdb_schema **schemap)
{
    *schemap = NULL;
    FILE *stream = fopen(file_name, "r");
    if (!stream) {
        return ovsdb_io_error(errno, "%s: cannot read schema", file_name);
    }
    json_error_t jerr;
    json_t *json = json_loadf(stream, JSON_DECODE_ANY, &jerr);
    fclose(stream);
    if (!json) {
        return ovsdb_error("syntax error", "%s:%d:%d: schema is not valid JSON: %s", file_name,
                           jerr.line, jerr.column, jerr.text);
    }
    struct ovsdb_error *error = ovsdb_schema_from_json(json, schemap);
    json_decref(json);
    if (error) {
        error = ovsdb_error_prefix(error, "%s: invalid schema", file_name);
    }
    return error;
}

json_t *
ovsdb_schema_to_json(const struct ovsdb_schema *schema)
{
    return json_deep_copy(schema->json);
}

void
ovsdb_schema_destroy(struct ovsdb_schema *schema)
{
    if (!schema) {
        return;
    }
    for (size_t i = 0; i < schema->n_tables; i++) {
        table_schema_destroy(schema->tables[i]);
    }
    free(schema->tables);
    free(schema->name);
    free(schema->version);
    free(schema->cksum);
    json_decref(schema->json);
    free(schema);
}

const struct ovsdb_table_schema *
ovsdb_schema_find_table(const struct ovsdb_schema *schema, const char *name)
{
    size_t lo = 0, hi = schema->n_tables;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(name, schema->tables[mid]->name);
        if (!cmp) {
            return schema->tables[mid];
        } else if (cmp < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return NULL;
}

size_t
ovsdb_schema_table_index(const struct ovsdb_schema *schema, const struct ovsdb_table_schema *ts)
{
    for (size_t i = 0; i < schema->n_tables; i++) {
        if (schema->tables[i] == ts) {
            return i;
        }
    }
    return SIZE_MAX;
}

const struct ovsdb_column *
ovsdb_table_schema_find_column(const struct ovsdb_table_schema *ts, const char *name)
{
    if (name[0] == '_') {
        for (size_t i = 0; i < OVSDB_N_HIDDEN_COLUMNS; i++) {
            if (!strcmp(ts->columns[i]->name, name)) {
                return ts->columns[i];
            }
        }
        return NULL;
    }
    size_t lo = OVSDB_N_HIDDEN_COLUMNS, hi = ts->n_columns;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(name, ts->columns[mid]->name);
        if (!cmp) {
            return ts->columns[mid];
        } else if (cmp < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return NULL;
}
