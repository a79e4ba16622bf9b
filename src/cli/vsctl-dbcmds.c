/*
 * vsctl-dbcmds — uvs-vsctl's generic database commands (get, set, add, remove, clear, list, find,
 * create, destroy, wait-until) and `show`, with ovs-vsctl's syntax and output. list and find print
 * through vsctl-output.h. See vsctl-cmds.h and ovs-vsctl(8) "Database Commands".
 */
#include "cli/vsctl-cmds.h"
#include "cli/vsctl-output.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct vsctl_table *
match_table(const struct vsctl_context *ctx, const char *name)
{
    const struct vsctl_table *table;
    char *error = vsctl_schema_match_table(ctx->schema, name, &table);
    if (error) {
        vsctl_fatal("%s", error);
    }
    return table;
}

/* The record argv[2] of table argv[1]; NULL only with --if-exists. */
static struct vsctl_row *
get_record(const struct vsctl_context *ctx, const struct vsctl_table **tablep)
{
    const struct vsctl_table *table = match_table(ctx, ctx->argv[1]);
    struct vsctl_row *row;
    char *error = vsctl_db_find_record(ctx->db, table, ctx->argv[2],
                                       !vsctl_has_option(ctx, "--if-exists"), &row);
    if (error) {
        vsctl_fatal("%s", error);
    }
    *tablep = table;
    return row;
}

static const struct vsctl_column *
match_column(const struct vsctl_table *table, const char *name)
{
    const struct vsctl_column *column;
    char *error = vsctl_table_match_column(table, name, &column);
    if (error) {
        vsctl_fatal("%s", error);
    }
    return column;
}

static void
check_mutable(const struct vsctl_row *row, const struct vsctl_column *column)
{
    if (!column->mutable_ && !row->inserted) {
        vsctl_fatal("cannot modify read-only column %s in table %s", column->name,
                    row->table->name);
    }
}

/* ---- get ---- */

static void
cmd_get(struct vsctl_context *ctx)
{
    bool if_exists = vsctl_has_option(ctx, "--if-exists");
    const struct vsctl_table *table;
    struct vsctl_row *row = get_record(ctx, &table);

    if (!row) {
        return;
    }
    const char *id = vsctl_option_value(ctx, "--id");
    if (id) {
        bool is_new;
        if (id[0] != '@' || !id[1]) {
            vsctl_fatal("row id \"%s\" does not begin with \"@\"", id);
        }
        struct vsctl_symbol *symbol = vsctl_symbol_get(id, &is_new);
        if (!is_new) {
            vsctl_fatal("row id \"%s\" specified on \"get\" command was used before it was "
                        "defined", id);
        }
        free(symbol->uuid);
        symbol->uuid = xstrdup(row->uuid);
        symbol->created = true;
    }
    for (int i = 3; i < ctx->argc; i++) {
        const struct vsctl_column *column;
        char *key_string;

        if (!strcmp(ctx->argv[i], "_uuid")) {
            ds_put_format(ctx->output, "%s\n", row->uuid);
            continue;
        }
        char *error = vsctl_parse_column_key_value(ctx->argv[i], table, &column, &key_string,
                                                   NULL);
        if (error) {
            vsctl_fatal("%s", error);
        }
        vsctl_row_verify(row, column);
        const struct vsctl_datum *datum = vsctl_row_read(row, column);

        if (key_string) {
            union vsctl_atom key;
            if (!vsctl_type_is_map(&column->type)) {
                vsctl_fatal("%s column %s is not a map: cannot get key \"%s\" of it",
                            vsctl_row_label(row), column->name, key_string);
            }
            error = vsctl_atom_from_string(&key, &column->type.key, key_string);
            if (error) {
                vsctl_fatal("%s column %s: %s", vsctl_row_label(row), column->name, error);
            }
            long idx = vsctl_datum_find_key(datum, &key, &column->type);
            vsctl_atom_destroy(&key, column->type.key.type);
            if (idx < 0) {
                if (if_exists) {
                    /* ovs-vsctl prints an empty line for it. */
                    ds_put_char(ctx->output, '\n');
                    free(key_string);
                    continue;
                }
                vsctl_fatal("no key \"%s\" in %s record \"%s\" column %s", key_string,
                            table->name, ctx->argv[2], column->name);
            }
            vsctl_atom_to_string(&datum->values[idx], column->type.value.type, ctx->output);
            free(key_string);
        } else {
            vsctl_datum_to_string(datum, &column->type, ctx->output);
        }
        ds_put_char(ctx->output, '\n');
    }
}

/* ---- set, add, remove, clear ---- */

static void
cmd_set(struct vsctl_context *ctx)
{
    const struct vsctl_table *table;
    struct vsctl_row *row = get_record(ctx, &table);

    if (!row) {
        return;
    }
    for (int i = 3; i < ctx->argc; i++) {
        vsctl_set_column(ctx, row, ctx->argv[i]);
    }
}

/* COLUMN's type with any number of elements allowed: what "add" and "remove" arguments parse as. */
static struct vsctl_type
unbounded_type(const struct vsctl_type *type)
{
    struct vsctl_type t = *type;
    t.n_min = 0;
    t.n_max = UINT_MAX;
    return t;
}

static void
cmd_add(struct vsctl_context *ctx)
{
    const struct vsctl_table *table;
    struct vsctl_row *row = get_record(ctx, &table);

    if (!row) {
        return;
    }
    const struct vsctl_column *column = match_column(table, ctx->argv[3]);
    check_mutable(row, column);
    struct vsctl_type add_type = unbounded_type(&column->type);
    struct vsctl_datum datum;
    vsctl_datum_clone(&datum, vsctl_row_read(row, column), &column->type);

    for (int i = 4; i < ctx->argc; i++) {
        struct vsctl_datum add;
        char *error = vsctl_datum_from_string(&add, &add_type, ctx->argv[i]);
        if (error) {
            vsctl_fatal("%s column %s: %s", vsctl_row_label(row), column->name, error);
        }
        for (size_t j = 0; j < add.n; j++) {
            /* Like ovs-vsctl, "add" never replaces the value of an existing map key. */
            if (vsctl_datum_find_key(&datum, &add.keys[j], &column->type) < 0) {
                vsctl_datum_put(&datum, &add.keys[j], add.values ? &add.values[j] : NULL,
                                &column->type);
            }
        }
        vsctl_datum_destroy(&add, &add_type);
    }
    if (datum.n > column->type.n_max) {
        vsctl_fatal("\"add\" operation would put %zu values in column %s of table %s but the "
                    "maximum number is %u", datum.n, column->name, table->name,
                    column->type.n_max);
    }
    vsctl_row_write(row, column, &datum);
}

static void
cmd_remove(struct vsctl_context *ctx)
{
    const struct vsctl_table *table;
    struct vsctl_row *row = get_record(ctx, &table);

    if (!row) {
        return;
    }
    const struct vsctl_column *column = match_column(table, ctx->argv[3]);
    check_mutable(row, column);
    struct vsctl_type rm_type = unbounded_type(&column->type);
    struct vsctl_datum datum;
    vsctl_datum_clone(&datum, vsctl_row_read(row, column), &column->type);

    for (int i = 4; i < ctx->argc; i++) {
        struct vsctl_datum rm;
        char *error = vsctl_datum_from_string(&rm, &rm_type, ctx->argv[i]);
        bool keys_only = false;

        if (error && vsctl_type_is_map(&column->type)) {
            /* A map element may also be removed by key alone. */
            struct vsctl_type key_type = rm_type;
            key_type.value.type = VSCTL_VOID;
            free(error);
            error = vsctl_datum_from_string(&rm, &key_type, ctx->argv[i]);
            keys_only = true;
        }
        if (error) {
            vsctl_fatal("%s column %s: %s", vsctl_row_label(row), column->name, error);
        }
        for (size_t j = 0; j < rm.n; j++) {
            long idx = vsctl_datum_find_key(&datum, &rm.keys[j], &column->type);
            if (idx < 0) {
                continue;
            }
            if (!keys_only && rm.values
                && vsctl_atom_compare(&datum.values[idx], &rm.values[j],
                                      column->type.value.type)) {
                continue;
            }
            vsctl_datum_remove(&datum, (size_t) idx, &column->type);
        }
        if (keys_only) {
            struct vsctl_type key_type = rm_type;
            key_type.value.type = VSCTL_VOID;
            vsctl_datum_destroy(&rm, &key_type);
        } else {
            vsctl_datum_destroy(&rm, &rm_type);
        }
    }
    if (datum.n < column->type.n_min) {
        vsctl_fatal("\"remove\" operation would put %zu values in column %s of table %s but the "
                    "minimum number is %u", datum.n, column->name, table->name,
                    column->type.n_min);
    }
    vsctl_row_write(row, column, &datum);
}

static void
cmd_clear(struct vsctl_context *ctx)
{
    const struct vsctl_table *table;
    struct vsctl_row *row = get_record(ctx, &table);

    if (!row) {
        return;
    }
    for (int i = 3; i < ctx->argc; i++) {
        const struct vsctl_column *column = match_column(table, ctx->argv[i]);
        check_mutable(row, column);
        if (column->type.n_min > 0) {
            vsctl_fatal("\"clear\" operation cannot be applied to column %s of table %s, which "
                        "is not allowed to be empty", column->name, table->name);
        }
        struct vsctl_datum empty = VSCTL_DATUM_EMPTY;
        vsctl_row_write(row, column, &empty);
    }
}

/* ---- create, destroy ---- */

static void
cmd_create(struct vsctl_context *ctx)
{
    const struct vsctl_table *table = match_table(ctx, ctx->argv[1]);
    const char *id = vsctl_option_value(ctx, "--id");
    struct vsctl_row *row;

    if (id) {
        bool is_new;
        if (id[0] != '@' || !id[1]) {
            vsctl_fatal("row id \"%s\" does not begin with \"@\"", id);
        }
        struct vsctl_symbol *symbol = vsctl_symbol_get(id, &is_new);
        if (symbol->created) {
            vsctl_fatal("row id \"%s\" may only be specified on one --id option", id);
        }
        symbol->created = true;
        row = vsctl_db_insert_as(ctx->db, table, symbol->uuid);
    } else {
        row = vsctl_db_insert(ctx->db, table);
    }
    /* ovs-vsctl prints the new row's UUID, with or without --id. */
    ctx->created = row;
    for (int i = 2; i < ctx->argc; i++) {
        vsctl_set_column(ctx, row, ctx->argv[i]);
    }
}

static void
cmd_destroy(struct vsctl_context *ctx)
{
    const struct vsctl_table *table = match_table(ctx, ctx->argv[1]);
    bool must_exist = !vsctl_has_option(ctx, "--if-exists");
    struct vsctl_row *row;

    if (vsctl_has_option(ctx, "--all")) {
        if (ctx->argc > 2) {
            vsctl_fatal("--all and records argument should not be specified together");
        }
        VSCTL_ROW_FOR_EACH (row, ctx->db, table) {
            vsctl_row_delete(row);
        }
        return;
    }
    if (ctx->argc < 3) {
        vsctl_fatal("either --all or records argument should be specified");
    }
    for (int i = 2; i < ctx->argc; i++) {
        char *error = vsctl_db_find_record(ctx->db, table, ctx->argv[i], must_exist, &row);
        if (error) {
            vsctl_fatal("%s", error);
        }
        if (row) {
            vsctl_row_delete(row);
        }
    }
}

/* ---- list, find, wait-until ---- */

/* Columns to print: NULL stands for "_uuid". */
static const struct vsctl_column **
list_columns(const struct vsctl_context *ctx, const struct vsctl_table *table, size_t *np)
{
    const char *spec = vsctl_option_value(ctx, "--columns");
    const struct vsctl_column **columns;
    size_t n = 0;

    if (!spec) {
        columns = xcalloc(table->n_columns + 1, sizeof *columns);
        columns[n++] = NULL;
        for (size_t i = 0; i < table->n_columns; i++) {
            columns[n++] = &table->columns[i];
        }
    } else {
        char *copy = xstrdup(spec), *save = NULL;
        columns = xcalloc(strlen(spec) + 1, sizeof *columns);
        for (char *name = strtok_r(copy, ", ", &save); name; name = strtok_r(NULL, ", ", &save)) {
            columns[n++] = !strcasecmp(name, "_uuid") ? NULL : match_column(table, name);
        }
        free(copy);
        if (!n) {
            vsctl_fatal("--columns=%s: must specify at least one column name (e.g. "
                        "--columns=name,_uuid)", spec);
        }
    }
    *np = n;
    return columns;
}

static struct vsctl_output_table *
start_output(const struct vsctl_column **columns, size_t n)
{
    struct vsctl_output_table *t = vsctl_output_table_create();
    for (size_t i = 0; i < n; i++) {
        vsctl_output_table_add_heading(t, columns[i] ? columns[i]->name : "_uuid");
    }
    return t;
}

static void
list_record(struct vsctl_row *row, const struct vsctl_column **columns, size_t n,
            struct vsctl_output_table *t)
{
    vsctl_output_table_add_row(t);
    for (size_t i = 0; i < n; i++) {
        if (!columns[i]) {
            vsctl_output_table_add_uuid(t, row->uuid);
        } else {
            vsctl_row_verify(row, columns[i]);
            vsctl_output_table_add_cell(t, vsctl_row_read(row, columns[i]), &columns[i]->type);
        }
    }
}

static void
finish_output(struct vsctl_context *ctx, struct vsctl_output_table *t)
{
    vsctl_output_table_print(t, ctx->output);
    vsctl_output_table_destroy(t);
}

static void
cmd_list(struct vsctl_context *ctx)
{
    const struct vsctl_table *table = match_table(ctx, ctx->argv[1]);
    bool must_exist = !vsctl_has_option(ctx, "--if-exists");
    size_t n_columns;
    const struct vsctl_column **columns = list_columns(ctx, table, &n_columns);
    struct vsctl_output_table *t = start_output(columns, n_columns);
    struct vsctl_row *row;

    if (ctx->argc > 2) {
        for (int i = 2; i < ctx->argc; i++) {
            char *error = vsctl_db_find_record(ctx->db, table, ctx->argv[i], must_exist, &row);
            if (error) {
                vsctl_fatal("%s", error);
            }
            if (row) {
                list_record(row, columns, n_columns, t);
            }
        }
    } else {
        VSCTL_ROW_FOR_EACH (row, ctx->db, table) {
            list_record(row, columns, n_columns, t);
        }
    }
    finish_output(ctx, t);
    free(columns);
}

/* The relational operators of find and wait-until (ovs-vsctl(8) "Database Commands"): the plain
 * ones compare whole values (a set or map first by its number of elements, then element by
 * element); the braced ones are set relations (subset, superset...). */
enum relop {
    RELOP_EQ, RELOP_NE, RELOP_LT, RELOP_GT, RELOP_LE, RELOP_GE,
    RELOP_SET_EQ, RELOP_SET_NE, RELOP_SET_LT, RELOP_SET_GT, RELOP_SET_LE, RELOP_SET_GE,
    RELOP_SET_IN, RELOP_SET_NOT_IN,
};

static const struct { const char *text; enum relop op; } relops[] = {
    /* Longest first: "<=" must win over "<". */
    { "{not-in}", RELOP_SET_NOT_IN }, { "{in}", RELOP_SET_IN },
    { "{!=}", RELOP_SET_NE }, { "{<=}", RELOP_SET_LE }, { "{>=}", RELOP_SET_GE },
    { "{=}", RELOP_SET_EQ }, { "{<}", RELOP_SET_LT }, { "{>}", RELOP_SET_GT },
    { "!=", RELOP_NE }, { "<=", RELOP_LE }, { ">=", RELOP_GE },
    { "=", RELOP_EQ }, { "<", RELOP_LT }, { ">", RELOP_GT },
};

static bool
relop_is_set(enum relop op)
{
    return op >= RELOP_SET_EQ;
}

/* ovs-vsctl's order of values: by number of elements, then keys, then values. */
static int
datum_compare_3way(const struct vsctl_datum *a, const struct vsctl_datum *b,
                   const struct vsctl_type *type)
{
    if (a->n != b->n) {
        return a->n < b->n ? -1 : 1;
    }
    for (size_t i = 0; i < a->n; i++) {
        int c = vsctl_atom_compare(&a->keys[i], &b->keys[i], type->key.type);
        if (c) {
            return c;
        }
    }
    if (a->values && b->values) {
        for (size_t i = 0; i < a->n; i++) {
            int c = vsctl_atom_compare(&a->values[i], &b->values[i], type->value.type);
            if (c) {
                return c;
            }
        }
    }
    return 0;
}

/* True if every element (key and, for maps, value) of A is in B. */
static bool
datum_includes_all(const struct vsctl_datum *a, const struct vsctl_datum *b,
                   const struct vsctl_type *type)
{
    for (size_t i = 0; i < a->n; i++) {
        long j = vsctl_datum_find_key(b, &a->keys[i], type);
        if (j < 0) {
            return false;
        }
        if (a->values && b->values
            && vsctl_atom_compare(&a->values[i], &b->values[j], type->value.type)) {
            return false;
        }
    }
    return true;
}

static bool
evaluate_relop(const struct vsctl_datum *a, const struct vsctl_datum *b,
               const struct vsctl_type *type, enum relop op)
{
    switch (op) {
    case RELOP_EQ:
    case RELOP_SET_EQ:
        return datum_compare_3way(a, b, type) == 0;
    case RELOP_NE:
    case RELOP_SET_NE:
        return datum_compare_3way(a, b, type) != 0;
    case RELOP_LT:
        return datum_compare_3way(a, b, type) < 0;
    case RELOP_GT:
        return datum_compare_3way(a, b, type) > 0;
    case RELOP_LE:
        return datum_compare_3way(a, b, type) <= 0;
    case RELOP_GE:
        return datum_compare_3way(a, b, type) >= 0;
    case RELOP_SET_LT:
        return datum_includes_all(a, b, type) && a->n < b->n;
    case RELOP_SET_GT:
        return datum_includes_all(b, a, type) && a->n > b->n;
    case RELOP_SET_LE:
    case RELOP_SET_IN:
        return datum_includes_all(a, b, type);
    case RELOP_SET_NOT_IN:
        /* No element of A is in B. */
        for (size_t i = 0; i < a->n; i++) {
            struct vsctl_datum one = { 1, &a->keys[i], a->values ? &a->values[i] : NULL };
            if (datum_includes_all(&one, b, type)) {
                return false;
            }
        }
        return true;
    case RELOP_SET_GE:
        return datum_includes_all(b, a, type);
    }
    return false;
}

/* True if ROW satisfies the condition "COLUMN[:KEY]OP VALUE". */
static bool
row_matches(struct vsctl_row *row, const char *arg)
{
    const struct vsctl_column *column;
    const char *p = arg;
    char *name, *key_string = NULL;
    char *error = vsctl_token_parse(&p, &name);

    if (!error && !name[0]) {
        error = xasprintf("%s: missing column name", arg);
    }
    if (!error) {
        error = vsctl_table_match_column(row->table, name, &column);
    }
    free(name);
    if (!error && *p == ':') {
        p++;
        error = vsctl_token_parse(&p, &key_string);
    }
    if (error) {
        vsctl_fatal("%s", error);
    }

    size_t k;
    for (k = 0; k < ARRAY_SIZE(relops); k++) {
        if (!strncmp(p, relops[k].text, strlen(relops[k].text))) {
            break;
        }
    }
    if (k == ARRAY_SIZE(relops)) {
        vsctl_fatal("%s: missing operator and value (expected COLUMN[:KEY]OP VALUE with OP one "
                    "of = != < > <= >= {=} {!=} {<} {>} {<=} {>=} {in} {not-in})", arg);
    }
    enum relop op = relops[k].op;
    const char *value_string = p + strlen(relops[k].text);
    const struct vsctl_datum *have = vsctl_row_read(row, column);
    struct vsctl_type want_type = unbounded_type(&column->type);
    struct vsctl_datum want, have_value = VSCTL_DATUM_EMPTY;
    bool match;

    vsctl_row_verify(row, column);
    if (key_string) {
        union vsctl_atom key;
        if (!vsctl_type_is_map(&column->type)) {
            vsctl_fatal("%s: column %s of table %s is not a map: it has no key \"%s\"", arg,
                        column->name, row->table->name, key_string);
        }
        error = vsctl_atom_from_string(&key, &column->type.key, key_string);
        if (error) {
            vsctl_fatal("%s: %s", arg, error);
        }
        long idx = vsctl_datum_find_key(have, &key, &column->type);
        vsctl_atom_destroy(&key, column->type.key.type);
        free(key_string);

        /* Compare the key's value as a set of 0 or 1 element of the value type. */
        want_type.key = column->type.value;
        want_type.value.type = VSCTL_VOID;
        if (idx < 0 && !relop_is_set(op)) {
            return false;
        }
        if (idx >= 0) {
            have_value.n = 1;
            have_value.keys = &have->values[idx];
        }
        have = &have_value;
    }
    error = vsctl_datum_from_string(&want, &want_type, value_string);
    if (error) {
        vsctl_fatal("%s: column %s of table %s: %s", arg, column->name, row->table->name, error);
    }
    match = evaluate_relop(have, &want, &want_type, op);
    vsctl_datum_destroy(&want, &want_type);
    return match;
}

static void
cmd_find(struct vsctl_context *ctx)
{
    const struct vsctl_table *table = match_table(ctx, ctx->argv[1]);
    size_t n_columns;
    const struct vsctl_column **columns = list_columns(ctx, table, &n_columns);
    struct vsctl_output_table *t = start_output(columns, n_columns);
    struct vsctl_row *row;

    VSCTL_ROW_FOR_EACH (row, ctx->db, table) {
        bool match = true;
        for (int i = 2; match && i < ctx->argc; i++) {
            match = row_matches(row, ctx->argv[i]);
        }
        if (match) {
            list_record(row, columns, n_columns, t);
        }
    }
    finish_output(ctx, t);
    free(columns);
}

/* wait-until TABLE RECORD [CONDITION]...: done when the record exists and every condition holds;
 * otherwise asks the caller to wait for the next database change and run everything again. */
static void
cmd_wait_until(struct vsctl_context *ctx)
{
    const struct vsctl_table *table = match_table(ctx, ctx->argv[1]);
    struct vsctl_row *row;
    char *error = vsctl_db_find_record(ctx->db, table, ctx->argv[2], false, &row);

    if (error) {
        vsctl_fatal("%s", error);
    }
    if (!row) {
        ctx->try_again = true;
        return;
    }
    for (int i = 3; i < ctx->argc; i++) {
        if (!row_matches(row, ctx->argv[i])) {
            ctx->try_again = true;
            return;
        }
    }
}

/* ---- show ---- */

/* What `show` prints per table, as ovs-vsctl 3.x: the row's name (or UUID), then the listed
 * columns; a reference column recurses into the referenced rows, any other column is printed as
 * "column: value" unless it holds its default value. A table is never nested inside itself. */
struct show_table {
    const char *table;
    const char *name_column;
    const char *columns[4];
};

static const struct show_table show_tables[] = {
    { "Open_vSwitch", NULL, { "manager_options", "bridges", "ovs_version", NULL } },
    { "Bridge", "name", { "controller", "fail_mode", "datapath_type", "ports" } },
    { "Port", "name", { "tag", "trunks", "interfaces", NULL } },
    { "Interface", "name", { "type", "options", "error", "bfd_status" } },
    { "Controller", "target", { "is_connected", NULL, NULL, NULL } },
    { "Manager", "target", { "is_connected", NULL, NULL, NULL } },
};

static const struct show_table *
show_find(const char *table)
{
    for (size_t i = 0; i < ARRAY_SIZE(show_tables); i++) {
        if (!strcmp(show_tables[i].table, table)) {
            return &show_tables[i];
        }
    }
    return NULL;
}

static void
put_indent(struct ds *out, int n)
{
    for (int i = 0; i < n; i++) {
        ds_put_char(out, ' ');
    }
}

static void
show_row(struct vsctl_context *ctx, struct vsctl_row *row, int level, bool *shown)
{
    const struct show_table *show = show_find(row->table->name);
    const struct vsctl_column *name_col = show && show->name_column
                                          ? vsctl_row_column(row, show->name_column) : NULL;
    struct ds *out = ctx->output;

    put_indent(out, level * 4);
    if (name_col) {
        ds_put_format(out, "%s ", row->table->name);
        vsctl_row_verify(row, name_col);
        vsctl_datum_to_string(vsctl_row_read(row, name_col), &name_col->type, out);
    } else {
        ds_put_cstr(out, row->uuid);
    }
    ds_put_char(out, '\n');

    size_t idx = show ? (size_t) (show - show_tables) : 0;
    if (!show || shown[idx]) {
        return;
    }
    shown[idx] = true;

    for (size_t i = 0; i < ARRAY_SIZE(show->columns) && show->columns[i]; i++) {
        const struct vsctl_column *column = vsctl_row_column(row, show->columns[i]);
        if (!column) {
            continue;
        }
        vsctl_row_verify(row, column);
        const struct vsctl_datum *datum = vsctl_row_read(row, column);
        const char *ref = column->type.key.type == VSCTL_UUID ? column->type.key.ref_table : NULL;
        const struct vsctl_table *ref_table = ref && show_find(ref)
                                              ? vsctl_schema_find_table(ctx->schema, ref) : NULL;
        if (ref_table) {
            for (size_t j = 0; j < datum->n; j++) {
                struct vsctl_row *ref_row = vsctl_db_get_row(ctx->db, ref_table,
                                                             datum->keys[j].string);
                if (ref_row) {
                    show_row(ctx, ref_row, level + 1, shown);
                }
            }
            continue;
        }
        if (!vsctl_datum_is_default(datum, &column->type)) {
            put_indent(out, (level + 1) * 4);
            ds_put_format(out, "%s: ", column->name);
            vsctl_datum_to_string(datum, &column->type, out);
            ds_put_char(out, '\n');
        }
    }
    shown[idx] = false;
}

static void
cmd_show(struct vsctl_context *ctx)
{
    const struct vsctl_table *ovs = vsctl_require_table(ctx, "Open_vSwitch");
    bool shown[ARRAY_SIZE(show_tables)] = { false };
    struct vsctl_row *row;

    VSCTL_ROW_FOR_EACH (row, ctx->db, ovs) {
        show_row(ctx, row, 0, shown);
    }
}

/* ---- Registration ---- */

const struct vsctl_command_syntax vsctl_db_commands[] = {
    { "show", 0, 0, "", cmd_show, "", false },
    { "get", 2, INT_MAX, "TABLE RECORD [COLUMN[:KEY]]...", cmd_get, "--if-exists,--id=", false },
    { "list", 1, INT_MAX, "TABLE [RECORD]...", cmd_list, "--if-exists,--columns=", false },
    { "find", 1, INT_MAX, "TABLE [COLUMN[:KEY]=VALUE]...", cmd_find, "--columns=", false },
    { "set", 3, INT_MAX, "TABLE RECORD COLUMN[:KEY]=VALUE...", cmd_set, "--if-exists", true },
    { "add", 4, INT_MAX, "TABLE RECORD COLUMN [KEY=]VALUE...", cmd_add, "--if-exists", true },
    { "remove", 4, INT_MAX, "TABLE RECORD COLUMN KEY|VALUE|KEY=VALUE...", cmd_remove,
      "--if-exists", true },
    { "clear", 3, INT_MAX, "TABLE RECORD COLUMN...", cmd_clear, "--if-exists", true },
    { "create", 1, INT_MAX, "TABLE [COLUMN[:KEY]=VALUE]...", cmd_create, "--id=", true },
    { "destroy", 1, INT_MAX, "TABLE [RECORD]...", cmd_destroy, "--if-exists,--all", true },
    { "wait-until", 2, INT_MAX, "TABLE RECORD [COLUMN[:KEY]=VALUE]...", cmd_wait_until, "",
      false },
    { NULL, 0, 0, NULL, NULL, NULL, false },
};
