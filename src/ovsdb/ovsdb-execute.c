/* ovsdb-execute — RFC 7047 §5.2 operations; see ovsdb-execute.h. */
#include "ovsdb/ovsdb-execute.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ovsdb/ovsdb-error.h"
#include "ovsdb/ovsdb-query.h"
#include "ovsdb/ovsdb-txn.h"
#include "ovsdb/ovsdb.h"

/* ---- Types ---- */

struct exec_ctx {
    struct ovsdb *db;
    struct ovsdb_txn *txn;
    struct ovsdb_symtab *symtab;
    const struct ovsdb_exec_options *options;
    bool durable;
    long long elapsed_msec;
    long long timeout_msec;     /* For "not yet": time left until the wait times out. */
};

/* Internal tag: a "wait" must be retried later. */
#define NOT_YET "not yet"

typedef struct ovsdb_error *op_func(struct exec_ctx *, const json_t *op, json_t *result);

/* ---- Private helpers ---- */

/* Checks that OP has only the members in ALLOWED (NULL-terminated; "op" is implicit). */
static struct ovsdb_error *
check_op_members(const json_t *op, const char *const *allowed)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *) op, key, value) {
        if (!strcmp(key, "op")) {
            continue;
        }
        const char *const *a;
        for (a = allowed; *a && strcmp(*a, key); a++) {
            continue;
        }
        if (!*a) {
            return ovsdb_syntax_error(op, NULL, "Member '%s' is present but not allowed here.",
                                      key);
        }
    }
    (void) value;
    return NULL;
}

/* Returns OP's member NAME, or NULL with *ERRORP set when it is required but missing or not of the
 * expected JSON type (TYPE: 's' string, 'a' array, 'o' object, 'b' boolean, 'i' integer). */
static const json_t *
get_member(const json_t *op, const char *name, char type, bool required,
           struct ovsdb_error **errorp)
{
    const json_t *j = json_object_get(op, name);
    if (!j) {
        if (required && !*errorp) {
            *errorp = ovsdb_syntax_error(op, NULL, "Required '%s' member is missing.", name);
        }
        return NULL;
    }
    bool ok = (type == 's' && json_is_string(j)) || (type == 'a' && json_is_array(j))
              || (type == 'o' && json_is_object(j)) || (type == 'b' && json_is_boolean(j))
              || (type == 'i' && json_is_integer(j));
    if (!ok) {
        static const char *const names[] = { ['s'] = "a string", ['a'] = "an array",
                                             ['o'] = "an object", ['b'] = "a boolean",
                                             ['i'] = "an integer" };
        if (!*errorp) {
            *errorp = ovsdb_syntax_error(op, NULL, "Type mismatch for member '%s': expected %s.",
                                         name, names[(unsigned char) type]);
        }
        return NULL;
    }
    return j;
}

static struct ovsdb_table *
get_table(struct exec_ctx *ctx, const json_t *op, struct ovsdb_error **errorp)
{
    const json_t *jtable = get_member(op, "table", 's', true, errorp);
    if (!jtable) {
        return NULL;
    }
    struct ovsdb_table *table = ovsdb_get_table(ctx->db, json_string_value(jtable));
    if (!table) {
        *errorp = ovsdb_syntax_error(op, NULL, "No table named %s.", json_string_value(jtable));
    }
    return table;
}

/* Collects the rows of TABLE matching COND in the transaction's view; returns their number. */
static size_t
query(struct exec_ctx *ctx, struct ovsdb_table *table, const struct ovsdb_condition *cond,
      const struct ovsdb_row ***rowsp)
{
    const struct uuid *uuid = ovsdb_condition_get_uuid(cond);
    const struct ovsdb_row **rows;
    size_t n = 0;
    if (uuid) {
        rows = xmalloc(sizeof *rows);
        const struct ovsdb_row *row = ovsdb_txn_get_row(ctx->txn, table, uuid);
        if (row && ovsdb_condition_match(cond, row)) {
            rows[n++] = row;
        }
    } else {
        size_t n_all = ovsdb_txn_table_snapshot(ctx->txn, table, &rows);
        for (size_t i = 0; i < n_all; i++) {
            if (ovsdb_condition_match(cond, rows[i])) {
                rows[n++] = rows[i];
            }
        }
    }
    *rowsp = rows;
    return n;
}

static struct ovsdb_error *
parse_where(struct exec_ctx *ctx, const json_t *op, struct ovsdb_table *table,
            struct ovsdb_condition *cond)
{
    struct ovsdb_error *error = NULL;
    const json_t *jwhere = get_member(op, "where", 'a', true, &error);
    if (error) {
        return error;
    }
    return ovsdb_condition_from_json(cond, table->schema, jwhere, ctx->symtab);
}

static struct ovsdb_error *
check_writable(struct exec_ctx *ctx, const json_t *op)
{
    if (ctx->options && ctx->options->read_only) {
        return ovsdb_syntax_error(op, "not allowed", "%s operation not allowed on this "
                                  "read-only connection",
                                  json_string_value(json_object_get(op, "op")));
    }
    return NULL;
}

/* ---- Operations ---- */

static struct ovsdb_error *
op_insert(struct exec_ctx *ctx, const json_t *op, json_t *result)
{
    static const char *const allowed[] = { "table", "row", "uuid-name", "uuid", NULL };
    struct ovsdb_error *error = check_op_members(op, allowed);
    struct ovsdb_table *table = error ? NULL : get_table(ctx, op, &error);
    const json_t *jrow = get_member(op, "row", 'o', true, &error);
    const json_t *jname = get_member(op, "uuid-name", 's', false, &error);
    const json_t *juuid = get_member(op, "uuid", 's', false, &error);
    if (!error) {
        error = check_writable(ctx, op);
    }
    if (error) {
        return error;
    }

    struct uuid uuid;
    if (juuid && !uuid_from_string(&uuid, json_string_value(juuid))) {
        return ovsdb_syntax_error(juuid, NULL, "\"uuid\" is not a valid UUID.");
    }
    if (jname) {
        const char *name = json_string_value(jname);
        if (!ovsdb_is_valid_id(name)) {
            return ovsdb_syntax_error(jname, NULL, "\"uuid-name\" must be an <id> "
                                      "([A-Za-z_][A-Za-z0-9_]*).");
        }
        struct ovsdb_symbol *sym = ovsdb_symtab_get(ctx->symtab, name);
        if (sym && sym->created) {
            return ovsdb_syntax_error(jname, "duplicate uuid-name", "This \"uuid-name\" "
                                      "appeared on an earlier \"insert\" operation.");
        }
        if (juuid) {
            if (sym) {
                return ovsdb_syntax_error(op, NULL, "\"uuid-name\" %s was referenced before an "
                                          "\"insert\" that gives it an explicit \"uuid\".", name);
            }
            sym = ovsdb_symtab_insert(ctx->symtab, name);
            sym->uuid = uuid;
        } else {
            sym = ovsdb_symtab_insert(ctx->symtab, name);
            uuid = sym->uuid;
        }
        sym->created = true;
    } else if (!juuid) {
        uuid_generate(&uuid);
    }

    struct ovsdb_row *row = ovsdb_txn_insert(ctx->txn, table, &uuid);
    if (!row) {
        char buf[UUID_LEN + 1];
        return ovsdb_syntax_error(op, "duplicate uuid", "Row %s already exists in table %s (or "
                                  "was deleted within the same transaction).",
                                  uuid_to_string(&uuid, buf), table->schema->name);
    }
    error = ovsdb_row_from_json(row, jrow, ctx->symtab, NULL);
    if (error) {
        return error;
    }
    json_object_set_new(result, "uuid", ovsdb_atom_to_json(&(union ovsdb_atom) { .uuid = uuid },
                                                           OVSDB_TYPE_UUID));
    return NULL;
}

static struct ovsdb_error *
op_select(struct exec_ctx *ctx, const json_t *op, json_t *result)
{
    static const char *const allowed[] = { "table", "where", "columns", NULL };
    struct ovsdb_error *error = check_op_members(op, allowed);
    struct ovsdb_table *table = error ? NULL : get_table(ctx, op, &error);
    const json_t *jcolumns = get_member(op, "columns", 'a', false, &error);
    if (error) {
        return error;
    }
    struct ovsdb_condition cond;
    error = parse_where(ctx, op, table, &cond);
    if (error) {
        return error;
    }
    struct ovsdb_column_set columns;
    error = ovsdb_column_set_from_json(&columns, table->schema, jcolumns, true);
    if (error) {
        ovsdb_condition_destroy(&cond);
        return error;
    }
    const struct ovsdb_row **rows;
    size_t n = query(ctx, table, &cond, &rows);
    json_t *jrows = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(jrows, ovsdb_row_to_json(rows[i], &columns));
    }
    json_object_set_new(result, "rows", jrows);
    free(rows);
    ovsdb_column_set_destroy(&columns);
    ovsdb_condition_destroy(&cond);
    return NULL;
}

static struct ovsdb_error *
op_update(struct exec_ctx *ctx, const json_t *op, json_t *result)
{
    static const char *const allowed[] = { "table", "where", "row", NULL };
    struct ovsdb_error *error = check_op_members(op, allowed);
    struct ovsdb_table *table = error ? NULL : get_table(ctx, op, &error);
    const json_t *jrow = get_member(op, "row", 'o', true, &error);
    if (!error) {
        error = check_writable(ctx, op);
    }
    if (error) {
        return error;
    }

    struct ovsdb_row *update = ovsdb_row_create(table);
    struct ovsdb_column_set columns;
    error = ovsdb_row_from_json(update, jrow, ctx->symtab, &columns);
    if (error) {
        ovsdb_row_destroy(update);
        return error;
    }
    for (size_t i = 0; i < columns.n; i++) {
        if (!columns.columns[i]->mutable_) {
            error = ovsdb_syntax_error(op, "constraint violation", "Cannot update immutable "
                                       "column %s in table %s.", columns.columns[i]->name,
                                       table->schema->name);
            goto out;
        }
    }

    struct ovsdb_condition cond;
    error = parse_where(ctx, op, table, &cond);
    if (error) {
        goto out;
    }
    const struct ovsdb_row **rows;
    size_t n = query(ctx, table, &cond, &rows);
    for (size_t i = 0; i < n; i++) {
        struct ovsdb_row *rw = ovsdb_txn_modify(ctx->txn, rows[i]);
        for (size_t j = 0; j < columns.n; j++) {
            const struct ovsdb_column *c = columns.columns[j];
            ovsdb_datum_destroy(&rw->fields[c->index], &c->type);
            ovsdb_datum_clone(&rw->fields[c->index], &update->fields[c->index], &c->type);
        }
    }
    json_object_set_new(result, "count", json_integer(n));
    free(rows);
    ovsdb_condition_destroy(&cond);
out:
    ovsdb_column_set_destroy(&columns);
    ovsdb_row_destroy(update);
    return error;
}

static struct ovsdb_error *
op_mutate(struct exec_ctx *ctx, const json_t *op, json_t *result)
{
    static const char *const allowed[] = { "table", "where", "mutations", NULL };
    struct ovsdb_error *error = check_op_members(op, allowed);
    struct ovsdb_table *table = error ? NULL : get_table(ctx, op, &error);
    const json_t *jmutations = get_member(op, "mutations", 'a', true, &error);
    if (!error) {
        error = check_writable(ctx, op);
    }
    if (error) {
        return error;
    }
    struct ovsdb_mutation_set mutations;
    error = ovsdb_mutation_set_from_json(&mutations, table->schema, jmutations, ctx->symtab);
    if (error) {
        return error;
    }
    struct ovsdb_condition cond;
    error = parse_where(ctx, op, table, &cond);
    if (error) {
        ovsdb_mutation_set_destroy(&mutations);
        return error;
    }
    const struct ovsdb_row **rows;
    size_t n = query(ctx, table, &cond, &rows);
    for (size_t i = 0; i < n && !error; i++) {
        error = ovsdb_mutation_set_execute(&mutations, ovsdb_txn_modify(ctx->txn, rows[i]));
    }
    if (!error) {
        json_object_set_new(result, "count", json_integer(n));
    }
    free(rows);
    ovsdb_condition_destroy(&cond);
    ovsdb_mutation_set_destroy(&mutations);
    return error;
}

static struct ovsdb_error *
op_delete(struct exec_ctx *ctx, const json_t *op, json_t *result)
{
    static const char *const allowed[] = { "table", "where", NULL };
    struct ovsdb_error *error = check_op_members(op, allowed);
    struct ovsdb_table *table = error ? NULL : get_table(ctx, op, &error);
    if (!error) {
        error = check_writable(ctx, op);
    }
    if (error) {
        return error;
    }
    struct ovsdb_condition cond;
    error = parse_where(ctx, op, table, &cond);
    if (error) {
        return error;
    }
    const struct ovsdb_row **rows;
    size_t n = query(ctx, table, &cond, &rows);
    for (size_t i = 0; i < n; i++) {
        ovsdb_txn_delete(ctx->txn, rows[i]);
    }
    json_object_set_new(result, "count", json_integer(n));
    free(rows);
    ovsdb_condition_destroy(&cond);
    return NULL;
}

/* Do the rows ACTUAL and EXPECTED match one-to-one on COLUMNS? */
static bool
rows_match(const struct ovsdb_row **actual, size_t n_actual, struct ovsdb_row **expected,
           size_t n_expected, const struct ovsdb_column_set *columns)
{
    if (n_actual != n_expected) {
        return false;
    }
    bool *used = xcalloc(n_expected + 1, sizeof *used);
    bool ok = true;
    for (size_t i = 0; i < n_actual && ok; i++) {
        ok = false;
        for (size_t j = 0; j < n_expected; j++) {
            if (!used[j] && ovsdb_row_equal_columns(actual[i], expected[j], columns)) {
                used[j] = ok = true;
                break;
            }
        }
    }
    free(used);
    return ok;
}

static struct ovsdb_error *
op_wait(struct exec_ctx *ctx, const json_t *op, json_t *result)
{
    static const char *const allowed[] = { "table", "where", "columns", "until", "rows",
                                           "timeout", NULL };
    struct ovsdb_error *error = check_op_members(op, allowed);
    struct ovsdb_table *table = error ? NULL : get_table(ctx, op, &error);
    /* "columns" is optional, as in OVS (ovs-vsctl omits it in its "rows": [] preconditions):
     * without it every column except _uuid and _version is compared. */
    const json_t *jcolumns = get_member(op, "columns", 'a', false, &error);
    const json_t *juntil = get_member(op, "until", 's', true, &error);
    const json_t *jrows = get_member(op, "rows", 'a', true, &error);
    const json_t *jtimeout = get_member(op, "timeout", 'i', false, &error);
    if (error) {
        return error;
    }
    const char *until = json_string_value(juntil);
    if (strcmp(until, "==") && strcmp(until, "!=")) {
        return ovsdb_syntax_error(op, NULL, "\"until\" must be \"==\" or \"!=\".");
    }
    long long timeout = jtimeout ? json_integer_value(jtimeout) : LLONG_MAX;
    if (timeout < 0) {
        return ovsdb_syntax_error(op, NULL, "\"timeout\" must be non-negative.");
    }

    struct ovsdb_column_set columns;
    error = ovsdb_column_set_from_json(&columns, table->schema, jcolumns, jcolumns != NULL);
    if (error) {
        return error;
    }
    struct ovsdb_condition cond;
    error = parse_where(ctx, op, table, &cond);
    if (error) {
        ovsdb_column_set_destroy(&columns);
        return error;
    }

    size_t n_expected = json_array_size(jrows);
    struct ovsdb_row **expected = xcalloc(n_expected + 1, sizeof *expected);
    size_t n_parsed = 0;
    for (; n_parsed < n_expected && !error; n_parsed++) {
        struct ovsdb_column_set row_columns;
        expected[n_parsed] = ovsdb_row_create(table);
        error = ovsdb_row_from_json(expected[n_parsed], json_array_get(jrows, n_parsed),
                                    ctx->symtab, &row_columns);
        if (!error) {
            for (size_t i = 0; i < row_columns.n; i++) {
                if (!ovsdb_column_set_contains(&columns, row_columns.columns[i]->index)) {
                    error = ovsdb_syntax_error(op, NULL, "\"rows\" names column %s, which is "
                                               "not in \"columns\".",
                                               row_columns.columns[i]->name);
                    break;
                }
            }
            ovsdb_column_set_destroy(&row_columns);
        }
    }
    if (!error) {
        const struct ovsdb_row **actual;
        size_t n_actual = query(ctx, table, &cond, &actual);
        bool equal = rows_match(actual, n_actual, expected, n_expected, &columns);
        free(actual);
        if (equal != !strcmp(until, "==")) {
            if (timeout == 0 || (timeout != LLONG_MAX && ctx->elapsed_msec >= timeout)) {
                error = ovsdb_error("timed out", "\"where\" clause test failed");
            } else {
                ctx->timeout_msec = timeout == LLONG_MAX ? LLONG_MAX
                                                         : timeout - ctx->elapsed_msec;
                error = ovsdb_error(NOT_YET, NULL);
            }
        }
    }
    for (size_t i = 0; i < n_parsed; i++) {
        ovsdb_row_destroy(expected[i]);
    }
    free(expected);
    ovsdb_condition_destroy(&cond);
    ovsdb_column_set_destroy(&columns);
    (void) result;
    return error;
}

static struct ovsdb_error *
op_commit(struct exec_ctx *ctx, const json_t *op, json_t *result)
{
    static const char *const allowed[] = { "durable", NULL };
    struct ovsdb_error *error = check_op_members(op, allowed);
    const json_t *jdurable = get_member(op, "durable", 'b', true, &error);
    if (!error && json_is_true(jdurable)) {
        ctx->durable = true;
    }
    (void) result;
    return error;
}

static struct ovsdb_error *
op_abort(struct exec_ctx *ctx, const json_t *op, json_t *result)
{
    static const char *const allowed[] = { NULL };
    struct ovsdb_error *error = check_op_members(op, allowed);
    (void) ctx;
    (void) result;
    return error ? error : ovsdb_error("aborted", "aborted by request");
}

static struct ovsdb_error *
op_comment(struct exec_ctx *ctx, const json_t *op, json_t *result)
{
    static const char *const allowed[] = { "comment", NULL };
    struct ovsdb_error *error = check_op_members(op, allowed);
    const json_t *jcomment = get_member(op, "comment", 's', true, &error);
    if (!error) {
        ovsdb_txn_add_comment(ctx->txn, json_string_value(jcomment));
    }
    (void) result;
    return error;
}

static struct ovsdb_error *
op_assert(struct exec_ctx *ctx, const json_t *op, json_t *result)
{
    static const char *const allowed[] = { "lock", NULL };
    struct ovsdb_error *error = check_op_members(op, allowed);
    const json_t *jlock = get_member(op, "lock", 's', true, &error);
    if (error) {
        return error;
    }
    const char *name = json_string_value(jlock);
    const struct ovsdb_exec_options *o = ctx->options;
    if (!o || !o->lock_held || !o->lock_held(o->aux, name)) {
        return ovsdb_error("not owner", "Asserted lock %s not held.", name);
    }
    (void) result;
    return NULL;
}

static const struct {
    const char *name;
    op_func *func;
} operations[] = {
    { "insert", op_insert },
    { "select", op_select },
    { "update", op_update },
    { "mutate", op_mutate },
    { "delete", op_delete },
    { "wait", op_wait },
    { "commit", op_commit },
    { "abort", op_abort },
    { "comment", op_comment },
    { "assert", op_assert },
};

static struct ovsdb_error *
execute_op(struct exec_ctx *ctx, const json_t *op, size_t idx, size_t n_ops, json_t *result)
{
    if (!json_is_object(op)) {
        return ovsdb_syntax_error(op, NULL, "Parsing ovsdb operation %zu of %zu failed: "
                                  "operation must be a JSON object.", idx, n_ops);
    }
    const json_t *jop = json_object_get(op, "op");
    if (!json_is_string(jop)) {
        return ovsdb_syntax_error(op, NULL, "Parsing ovsdb operation %zu of %zu failed: "
                                  "Required 'op' member is missing or not a string.",
                                  idx, n_ops);
    }
    const char *name = json_string_value(jop);
    for (size_t i = 0; i < ARRAY_SIZE(operations); i++) {
        if (!strcmp(name, operations[i].name)) {
            struct ovsdb_error *error = operations[i].func(ctx, op, result);
            if (error && !strcmp(error->tag, "syntax error")) {
                error = ovsdb_error_prefix(error, "Parsing ovsdb operation %zu of %zu failed",
                                           idx, n_ops);
            }
            return error;
        }
    }
    return ovsdb_syntax_error(op, NULL, "Parsing ovsdb operation %zu of %zu failed: No operation "
                              "\"%s\"", idx, n_ops, name);
}

/* ---- Entry point ---- */

json_t *
ovsdb_execute(struct ovsdb *db, const json_t *params, const struct ovsdb_exec_options *options,
              long long elapsed_msec, long long *timeout_msec)
{
    *timeout_msec = LLONG_MAX;
    const json_t *jdb = json_array_get(params, 0);
    if (!json_is_array(params) || !json_is_string(jdb)) {
        json_t *result = json_array();
        json_array_append_new(result, ovsdb_error_to_json_free(
                                  ovsdb_syntax_error(params, NULL, "transact params must be an "
                                                     "array whose first element is the database "
                                                     "name")));
        return result;
    }
    if (strcmp(json_string_value(jdb), db->schema->name)) {
        json_t *result = json_array();
        json_array_append_new(result, ovsdb_error_to_json_free(
                                  ovsdb_syntax_error(params, "unknown database",
                                                     "transact request specifies unknown "
                                                     "database %s", json_string_value(jdb))));
        return result;
    }

    struct exec_ctx ctx = {
        .db = db,
        .txn = ovsdb_txn_create(db),
        .symtab = ovsdb_symtab_create(),
        .options = options,
        .elapsed_msec = elapsed_msec,
        .timeout_msec = LLONG_MAX,
    };
    size_t n_ops = json_array_size(params) - 1;
    json_t *results = json_array();
    struct ovsdb_error *error = NULL;
    size_t i;
    for (i = 1; i <= n_ops; i++) {
        json_t *result = json_object();
        error = execute_op(&ctx, json_array_get(params, i), i, n_ops, result);
        if (error) {
            json_decref(result);
            break;
        }
        json_array_append_new(results, result);
    }

    if (error && !strcmp(error->tag, NOT_YET)) {
        ovsdb_error_destroy(error);
        ovsdb_txn_abort(ctx.txn);
        ovsdb_symtab_destroy(ctx.symtab);
        json_decref(results);
        *timeout_msec = ctx.timeout_msec;
        return NULL;
    }
    if (error) {
        ovsdb_txn_abort(ctx.txn);
        json_array_append_new(results, ovsdb_error_to_json_free(error));
        for (i++; i <= n_ops; i++) {
            json_array_append_new(results, json_null());
        }
    } else {
        error = ovsdb_txn_commit(ctx.txn, ctx.durable);
        if (error) {
            json_array_append_new(results, ovsdb_error_to_json_free(error));
        }
    }
    ovsdb_symtab_destroy(ctx.symtab);
    return results;
}
