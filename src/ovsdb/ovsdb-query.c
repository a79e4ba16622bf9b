/* ovsdb-query — conditions and mutations (RFC 7047 §5.1); see ovsdb-query.h. */
#include "ovsdb/ovsdb-query.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ovsdb/ovsdb-error.h"

/* ---- Shared helpers ---- */

/* Copies TYPE into *DST without the constraints (range, enum, length) of its base types, so that a
 * comparison or arithmetic argument outside the column's range is still accepted. */
static void
type_unconstrained(struct ovsdb_type *dst, const struct ovsdb_type *type)
{
    ovsdb_base_type_init(&dst->key, type->key.type);
    ovsdb_base_type_init(&dst->value, type->value.type);
    dst->n_min = type->n_min;
    dst->n_max = type->n_max;
}

static const char *
column_type_name(const struct ovsdb_column *c, char **freeme)
{
    *freeme = ovsdb_type_to_english(&c->type);
    return *freeme;
}

static struct ovsdb_error *
type_mismatch(const json_t *json, const char *op, const struct ovsdb_column *c)
{
    char *english;
    struct ovsdb_error *e = ovsdb_syntax_error(json, NULL, "Type mismatch: \"%s\" operator may "
                                               "not be applied to column %s of type %s.", op,
                                               c->name, column_type_name(c, &english));
    free(english);
    return e;
}

/* ---- Conditions ---- */

static const char *const function_names[] = {
    [OVSDB_F_EQ] = "==", [OVSDB_F_NE] = "!=", [OVSDB_F_LT] = "<", [OVSDB_F_LE] = "<=",
    [OVSDB_F_GT] = ">", [OVSDB_F_GE] = ">=", [OVSDB_F_INCLUDES] = "includes",
    [OVSDB_F_EXCLUDES] = "excludes",
};

static struct ovsdb_error *
clause_from_json(struct ovsdb_clause *clause, const struct ovsdb_table_schema *ts,
                 const json_t *json, struct ovsdb_symtab *symtab)
{
    if (!json_is_array(json) || json_array_size(json) != 3
        || !json_is_string(json_array_get(json, 0))
        || !json_is_string(json_array_get(json, 1))) {
        return ovsdb_syntax_error(json, NULL, "Parse error in condition: expected [<column>, "
                                  "<function>, <value>].");
    }
    const char *name = json_string_value(json_array_get(json, 0));
    const char *fname = json_string_value(json_array_get(json, 1));
    const json_t *jarg = json_array_get(json, 2);

    const struct ovsdb_column *c = ovsdb_table_schema_find_column(ts, name);
    if (!c) {
        return ovsdb_syntax_error(json, "unknown column", "No column %s in table %s.", name,
                                  ts->name);
    }
    int f;
    for (f = 0; f < (int) ARRAY_SIZE(function_names); f++) {
        if (!strcmp(fname, function_names[f])) {
            break;
        }
    }
    if (f == (int) ARRAY_SIZE(function_names)) {
        return ovsdb_syntax_error(json, NULL, "Unknown function \"%s\" (expected ==, !=, <, <=, "
                                  ">, >=, includes or excludes).", fname);
    }
    clause->function = f;
    clause->column = c;
    type_unconstrained(&clause->arg_type, &c->type);
    switch (clause->function) {
    case OVSDB_F_LT: case OVSDB_F_LE: case OVSDB_F_GT: case OVSDB_F_GE:
        if ((c->type.key.type != OVSDB_TYPE_INTEGER && c->type.key.type != OVSDB_TYPE_REAL)
            || ovsdb_type_is_map(&c->type) || c->type.n_max != 1) {
            return type_mismatch(json, fname, c);
        }
        clause->arg_type.n_min = clause->arg_type.n_max = 1;
        break;
    case OVSDB_F_INCLUDES: case OVSDB_F_EXCLUDES:
        clause->arg_type.n_min = 0;
        break;
    default:
        break;
    }
    struct ovsdb_error *error = ovsdb_datum_from_json(&clause->arg, &clause->arg_type, jarg,
                                                      symtab);
    if (error) {
        ovsdb_type_destroy(&clause->arg_type);
    }
    return error;
}

struct ovsdb_error *
ovsdb_condition_from_json(struct ovsdb_condition *cond, const struct ovsdb_table_schema *ts,
                          const json_t *json, struct ovsdb_symtab *symtab)
{
    cond->clauses = NULL;
    cond->n = 0;
    if (!json_is_array(json)) {
        return ovsdb_syntax_error(json, NULL, "\"where\" must be an array of conditions.");
    }
    cond->clauses = xcalloc(json_array_size(json) + 1, sizeof *cond->clauses);
    size_t i;
    json_t *jclause;
    json_array_foreach(json, i, jclause) {
        struct ovsdb_error *error = clause_from_json(&cond->clauses[cond->n], ts, jclause,
                                                     symtab);
        if (error) {
            ovsdb_condition_destroy(cond);
            return error;
        }
        cond->n++;
    }
    return NULL;
}

void
ovsdb_condition_destroy(struct ovsdb_condition *cond)
{
    for (size_t i = 0; i < cond->n; i++) {
        ovsdb_datum_destroy(&cond->clauses[i].arg, &cond->clauses[i].arg_type);
        ovsdb_type_destroy(&cond->clauses[i].arg_type);
    }
    free(cond->clauses);
    cond->clauses = NULL;
    cond->n = 0;
}

static bool
clause_match(const struct ovsdb_clause *clause, const struct ovsdb_row *row)
{
    const struct ovsdb_column *c = clause->column;
    const struct ovsdb_datum *field = &row->fields[c->index];
    const struct ovsdb_datum *arg = &clause->arg;
    int cmp;

    switch (clause->function) {
    case OVSDB_F_EQ:
        return ovsdb_datum_equals(field, arg, &c->type);
    case OVSDB_F_NE:
        return !ovsdb_datum_equals(field, arg, &c->type);
    case OVSDB_F_INCLUDES:
        return ovsdb_datum_includes_all(arg, field, &c->type);
    case OVSDB_F_EXCLUDES:
        return ovsdb_datum_excludes_all(arg, field, &c->type);
    default:
        if (!field->n || !arg->n) {
            return false;
        }
        cmp = ovsdb_atom_compare(&field->keys[0], &arg->keys[0], c->type.key.type);
        switch (clause->function) {
        case OVSDB_F_LT: return cmp < 0;
        case OVSDB_F_LE: return cmp <= 0;
        case OVSDB_F_GT: return cmp > 0;
        case OVSDB_F_GE: return cmp >= 0;
        default: return false;
        }
    }
}

bool
ovsdb_condition_match(const struct ovsdb_condition *cond, const struct ovsdb_row *row)
{
    for (size_t i = 0; i < cond->n; i++) {
        if (!clause_match(&cond->clauses[i], row)) {
            return false;
        }
    }
    return true;
}

const struct uuid *
ovsdb_condition_get_uuid(const struct ovsdb_condition *cond)
{
    for (size_t i = 0; i < cond->n; i++) {
        const struct ovsdb_clause *cl = &cond->clauses[i];
        if (cl->function == OVSDB_F_EQ && cl->column->index == OVSDB_COL_UUID
            && cl->arg.n == 1) {
            return &cl->arg.keys[0].uuid;
        }
    }
    return NULL;
}

/* ---- Mutations ---- */

static const char *const mutator_names[] = {
    [OVSDB_M_ADD] = "+=", [OVSDB_M_SUB] = "-=", [OVSDB_M_MUL] = "*=", [OVSDB_M_DIV] = "/=",
    [OVSDB_M_MOD] = "%=", [OVSDB_M_INSERT] = "insert", [OVSDB_M_DELETE] = "delete",
};

static struct ovsdb_error *
mutation_from_json(struct ovsdb_mutation *m, const struct ovsdb_table_schema *ts,
                   const json_t *json, struct ovsdb_symtab *symtab)
{
    if (!json_is_array(json) || json_array_size(json) != 3
        || !json_is_string(json_array_get(json, 0))
        || !json_is_string(json_array_get(json, 1))) {
        return ovsdb_syntax_error(json, NULL, "Parse error in mutation: expected [<column>, "
                                  "<mutator>, <value>].");
    }
    const char *name = json_string_value(json_array_get(json, 0));
    const char *mname = json_string_value(json_array_get(json, 1));
    const json_t *jarg = json_array_get(json, 2);

    const struct ovsdb_column *c = ovsdb_table_schema_find_column(ts, name);
    if (!c) {
        return ovsdb_syntax_error(json, "unknown column", "No column %s in table %s.", name,
                                  ts->name);
    }
    if (c->index < OVSDB_N_HIDDEN_COLUMNS || !c->mutable_) {
        return ovsdb_syntax_error(json, "constraint violation", "Cannot mutate immutable column "
                                  "%s in table %s.", name, ts->name);
    }
    int mu;
    for (mu = 0; mu < (int) ARRAY_SIZE(mutator_names); mu++) {
        if (!strcmp(mname, mutator_names[mu])) {
            break;
        }
    }
    if (mu == (int) ARRAY_SIZE(mutator_names)) {
        return ovsdb_syntax_error(json, NULL, "Unknown mutator \"%s\" (expected +=, -=, *=, /=, "
                                  "%%=, insert or delete).", mname);
    }
    m->mutator = mu;
    m->column = c;

    switch (m->mutator) {
    case OVSDB_M_ADD: case OVSDB_M_SUB: case OVSDB_M_MUL: case OVSDB_M_DIV: case OVSDB_M_MOD:
        if ((c->type.key.type != OVSDB_TYPE_INTEGER
             && (c->type.key.type != OVSDB_TYPE_REAL || m->mutator == OVSDB_M_MOD))
            || ovsdb_type_is_map(&c->type)) {
            return type_mismatch(json, mname, c);
        }
        ovsdb_type_init_scalar(&m->arg_type, c->type.key.type);
        break;
    case OVSDB_M_INSERT:
        if (ovsdb_type_is_scalar(&c->type)) {
            return type_mismatch(json, mname, c);
        }
        ovsdb_type_clone(&m->arg_type, &c->type);
        m->arg_type.n_min = 0;
        m->arg_type.n_max = OVSDB_UNLIMITED;
        break;
    case OVSDB_M_DELETE: {
        if (ovsdb_type_is_scalar(&c->type)) {
            return type_mismatch(json, mname, c);
        }
        const json_t *j0 = json_array_get(jarg, 0);
        bool arg_is_map = json_is_string(j0) && !strcmp(json_string_value(j0), "map");
        type_unconstrained(&m->arg_type, &c->type);
        if (!(ovsdb_type_is_map(&c->type) && arg_is_map)) {
            ovsdb_base_type_init(&m->arg_type.value, OVSDB_TYPE_VOID);
        }
        m->arg_type.n_min = 0;
        m->arg_type.n_max = OVSDB_UNLIMITED;
        break;
    }
    }
    struct ovsdb_error *error = ovsdb_datum_from_json(&m->arg, &m->arg_type, jarg, symtab);
    if (error) {
        ovsdb_type_destroy(&m->arg_type);
        error = ovsdb_error_prefix(error, "table %s column %s", ts->name, name);
    }
    return error;
}

struct ovsdb_error *
ovsdb_mutation_set_from_json(struct ovsdb_mutation_set *set, const struct ovsdb_table_schema *ts,
                             const json_t *json, struct ovsdb_symtab *symtab)
{
    set->mutations = NULL;
    set->n = 0;
    if (!json_is_array(json)) {
        return ovsdb_syntax_error(json, NULL, "\"mutations\" must be an array of mutations.");
    }
    set->mutations = xcalloc(json_array_size(json) + 1, sizeof *set->mutations);
    size_t i;
    json_t *jm;
    json_array_foreach(json, i, jm) {
        struct ovsdb_error *error = mutation_from_json(&set->mutations[set->n], ts, jm, symtab);
        if (error) {
            ovsdb_mutation_set_destroy(set);
            return error;
        }
        set->n++;
    }
    return NULL;
}

void
ovsdb_mutation_set_destroy(struct ovsdb_mutation_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        ovsdb_datum_destroy(&set->mutations[i].arg, &set->mutations[i].arg_type);
        ovsdb_type_destroy(&set->mutations[i].arg_type);
    }
    free(set->mutations);
    set->mutations = NULL;
    set->n = 0;
}

static struct ovsdb_error *
range_error(enum ovsdb_mutator mu)
{
    return ovsdb_error("range error", "Result of \"%s\" operation is out of range.",
                       mutator_names[mu]);
}

static struct ovsdb_error *
mutate_integer(enum ovsdb_mutator mu, int64_t *x, int64_t y)
{
    int64_t r;
    switch (mu) {
    case OVSDB_M_ADD:
        if (__builtin_add_overflow(*x, y, &r)) {
            return range_error(mu);
        }
        break;
    case OVSDB_M_SUB:
        if (__builtin_sub_overflow(*x, y, &r)) {
            return range_error(mu);
        }
        break;
    case OVSDB_M_MUL:
        if (__builtin_mul_overflow(*x, y, &r)) {
            return range_error(mu);
        }
        break;
    case OVSDB_M_DIV:
        if (!y) {
            return ovsdb_error("domain error", "Division by zero.");
        }
        if (*x == INT64_MIN && y == -1) {
            return range_error(mu);
        }
        r = *x / y;
        break;
    case OVSDB_M_MOD:
        if (!y) {
            return ovsdb_error("domain error", "Division by zero.");
        }
        r = y == -1 ? 0 : *x % y;
        break;
    default:
        return NULL;
    }
    *x = r;
    return NULL;
}

static struct ovsdb_error *
mutate_real(enum ovsdb_mutator mu, double *x, double y)
{
    double r;
    switch (mu) {
    case OVSDB_M_ADD: r = *x + y; break;
    case OVSDB_M_SUB: r = *x - y; break;
    case OVSDB_M_MUL: r = *x * y; break;
    case OVSDB_M_DIV:
        if (y == 0.0) {
            return ovsdb_error("domain error", "Division by zero.");
        }
        r = *x / y;
        break;
    default:
        return NULL;
    }
    if (!isfinite(r)) {
        return range_error(mu);
    }
    *x = r;
    return NULL;
}

static struct ovsdb_error *
count_violation(const struct ovsdb_column *c, unsigned int n)
{
    char *english = ovsdb_type_to_english(&c->type);
    struct ovsdb_error *e = ovsdb_error("constraint violation", "Attempted to store %u "
                                        "element%s in column %s of type %s.", n,
                                        n == 1 ? "" : "s", c->name, english);
    free(english);
    return e;
}

static struct ovsdb_error *
mutation_execute(const struct ovsdb_mutation *m, struct ovsdb_row *row)
{
    const struct ovsdb_column *c = m->column;
    struct ovsdb_datum *d = &row->fields[c->index];
    struct ovsdb_error *error;

    switch (m->mutator) {
    case OVSDB_M_INSERT:
        ovsdb_datum_union(d, &m->arg, &c->type);
        break;
    case OVSDB_M_DELETE:
        ovsdb_datum_subtract(d, &c->type, &m->arg, &m->arg_type);
        break;
    default:
        for (unsigned int i = 0; i < d->n; i++) {
            error = c->type.key.type == OVSDB_TYPE_INTEGER
                    ? mutate_integer(m->mutator, &d->keys[i].integer, m->arg.keys[0].integer)
                    : mutate_real(m->mutator, &d->keys[i].real, m->arg.keys[0].real);
            if (error) {
                return error;
            }
            error = ovsdb_atom_check_constraints(&d->keys[i], &c->type.key);
            if (error) {
                return error;
            }
        }
        if (d->n > 1) {
            error = ovsdb_datum_sort(d, &c->type);
            if (error) {
                ovsdb_error_destroy(error);
                return ovsdb_error("constraint violation", "Result of \"%s\" operation "
                                   "contains duplicates.", mutator_names[m->mutator]);
            }
        }
        return NULL;
    }
    if (d->n < c->type.n_min || d->n > c->type.n_max) {
        return count_violation(c, d->n);
    }
    return NULL;
}

struct ovsdb_error *
ovsdb_mutation_set_execute(const struct ovsdb_mutation_set *set, struct ovsdb_row *row)
{
    for (size_t i = 0; i < set->n; i++) {
        struct ovsdb_error *error = mutation_execute(&set->mutations[i], row);
        if (error) {
            return error;
        }
    }
    return NULL;
}
