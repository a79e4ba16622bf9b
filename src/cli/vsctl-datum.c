/*
 * vsctl-datum — OVSDB schema, atoms and datums for uvs-vsctl. See vsctl-datum.h for the contract.
 */
#include "cli/vsctl-datum.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ======================================================================================== */
/* Schema                                                                                   */
/* ======================================================================================== */

static const char *const atomic_type_names[] = {
    [VSCTL_VOID] = "void",
    [VSCTL_INTEGER] = "integer",
    [VSCTL_REAL] = "real",
    [VSCTL_BOOLEAN] = "boolean",
    [VSCTL_STRING] = "string",
    [VSCTL_UUID] = "uuid",
};

static bool
atomic_type_from_name(const char *name, enum vsctl_atomic_type *type)
{
    for (size_t i = VSCTL_INTEGER; i < ARRAY_SIZE(atomic_type_names); i++) {
        if (!strcmp(name, atomic_type_names[i])) {
            *type = i;
            return true;
        }
    }
    return false;
}

static void
base_type_init(struct vsctl_base_type *base, enum vsctl_atomic_type type)
{
    memset(base, 0, sizeof *base);
    base->type = type;
    base->min_integer = INT64_MIN;
    base->max_integer = INT64_MAX;
    base->min_real = -DBL_MAX;
    base->max_real = DBL_MAX;
}

static void
base_type_destroy(struct vsctl_base_type *base)
{
    free(base->ref_table);
    json_decref(base->enum_values);
    base->ref_table = NULL;
    base->enum_values = NULL;
}

/* <base-type> (RFC 7047 §3.2): "integer" or {"type": "integer", "minInteger": 0, ...}. */
static char *
base_type_from_json(struct vsctl_base_type *base, const json_t *json)
{
    const char *name;

    if (json_is_string(json)) {
        name = json_string_value(json);
    } else if (json_is_object(json) && json_is_string(json_object_get(json, "type"))) {
        name = json_string_value(json_object_get(json, "type"));
    } else {
        return xstrdup("base type is neither a string nor an object with a \"type\"");
    }

    enum vsctl_atomic_type type;
    if (!atomic_type_from_name(name, &type)) {
        return xasprintf("unknown atomic type \"%s\"", name);
    }
    base_type_init(base, type);
    if (!json_is_object(json)) {
        return NULL;
    }

    const json_t *v;
    if ((v = json_object_get(json, "minInteger")) && json_is_integer(v)) {
        base->min_integer = json_integer_value(v);
    }
    if ((v = json_object_get(json, "maxInteger")) && json_is_integer(v)) {
        base->max_integer = json_integer_value(v);
    }
    if ((v = json_object_get(json, "minReal")) && json_is_number(v)) {
        base->min_real = json_number_value(v);
    }
    if ((v = json_object_get(json, "maxReal")) && json_is_number(v)) {
        base->max_real = json_number_value(v);
    }
    if ((v = json_object_get(json, "refTable")) && json_is_string(v)) {
        base->ref_table = xstrdup(json_string_value(v));
        const json_t *rt = json_object_get(json, "refType");
        base->ref_weak = rt && json_is_string(rt) && !strcmp(json_string_value(rt), "weak");
    }
    if ((v = json_object_get(json, "enum"))) {
        /* <set> notation: a single atom or ["set", [...]]. */
        if (json_is_array(v) && json_array_size(v) == 2
            && json_is_string(json_array_get(v, 0))
            && !strcmp(json_string_value(json_array_get(v, 0)), "set")
            && json_is_array(json_array_get(v, 1))) {
            base->enum_values = json_incref(json_array_get(v, 1));
        } else {
            base->enum_values = json_array();
            json_array_append(base->enum_values, (json_t *) v);
        }
    }
    return NULL;
}

/* <type> (RFC 7047 §3.2). */
static char *
type_from_json(struct vsctl_type *type, const json_t *json)
{
    char *error;

    memset(type, 0, sizeof *type);
    base_type_init(&type->value, VSCTL_VOID);
    type->n_min = type->n_max = 1;

    if (json_is_string(json)) {
        return base_type_from_json(&type->key, json);
    }
    if (!json_is_object(json)) {
        return xstrdup("column type is neither a string nor an object");
    }

    error = base_type_from_json(&type->key, json_object_get(json, "key"));
    if (error) {
        return error;
    }
    const json_t *value = json_object_get(json, "value");
    if (value) {
        error = base_type_from_json(&type->value, value);
        if (error) {
            return error;
        }
    }
    const json_t *min = json_object_get(json, "min");
    if (min && json_is_integer(min)) {
        type->n_min = (unsigned int) json_integer_value(min);
    }
    const json_t *max = json_object_get(json, "max");
    if (max && json_is_integer(max)) {
        type->n_max = (unsigned int) json_integer_value(max);
    } else if (max && json_is_string(max) && !strcmp(json_string_value(max), "unlimited")) {
        type->n_max = UINT_MAX;
    }
    if (type->n_min > 1 || type->n_max < 1 || type->n_min > type->n_max) {
        return xstrdup("column type has an invalid \"min\"/\"max\"");
    }
    return NULL;
}

static int
compare_columns(const void *a_, const void *b_)
{
    const struct vsctl_column *a = a_, *b = b_;
    return strcmp(a->name, b->name);
}

static int
compare_tables(const void *a_, const void *b_)
{
    const struct vsctl_table *a = a_, *b = b_;
    return strcmp(a->name, b->name);
}

static char *
table_from_json(struct vsctl_table *table, const char *name, const json_t *json)
{
    const json_t *columns = json_object_get(json, "columns");
    if (!json_is_object(columns)) {
        return xasprintf("table %s has no \"columns\" object", name);
    }

    table->name = xstrdup(name);
    table->n_columns = json_object_size(columns);
    table->columns = xcalloc(table->n_columns, sizeof *table->columns);
    table->is_root = json_is_true(json_object_get(json, "isRoot"));
    const json_t *max_rows = json_object_get(json, "maxRows");
    table->max_rows = json_is_integer(max_rows) ? (long) json_integer_value(max_rows) : -1;

    size_t i = 0;
    const char *col_name;
    json_t *col_json;
    json_object_foreach ((json_t *) columns, col_name, col_json) {
        struct vsctl_column *column = &table->columns[i++];
        column->name = xstrdup(col_name);
        char *error = type_from_json(&column->type, json_object_get(col_json, "type"));
        if (error) {
            char *msg = xasprintf("column %s.%s: %s", name, col_name, error);
            free(error);
            return msg;
        }
        const json_t *mutable_ = json_object_get(col_json, "mutable");
        column->mutable_ = !mutable_ || json_is_true(mutable_);
        column->ephemeral = json_is_true(json_object_get(col_json, "ephemeral"));
    }
    qsort(table->columns, table->n_columns, sizeof *table->columns, compare_columns);
    return NULL;
}

char *
vsctl_schema_from_json(const json_t *json, struct vsctl_schema **schemap)
{
    *schemap = NULL;
    const json_t *tables = json_object_get(json, "tables");
    if (!json_is_object(json) || !json_is_object(tables)) {
        return xstrdup("schema is not an object with \"tables\"");
    }

    struct vsctl_schema *schema = xzalloc(sizeof *schema);
    const json_t *name = json_object_get(json, "name");
    const json_t *version = json_object_get(json, "version");
    schema->name = xstrdup(json_is_string(name) ? json_string_value(name) : "");
    schema->version = xstrdup(json_is_string(version) ? json_string_value(version) : "");
    schema->n_tables = json_object_size(tables);
    schema->tables = xcalloc(schema->n_tables, sizeof *schema->tables);

    size_t i = 0;
    const char *table_name;
    json_t *table_json;
    json_object_foreach ((json_t *) tables, table_name, table_json) {
        char *error = table_from_json(&schema->tables[i++], table_name, table_json);
        if (error) {
            schema->n_tables = i;
            vsctl_schema_destroy(schema);
            return error;
        }
    }
    qsort(schema->tables, schema->n_tables, sizeof *schema->tables, compare_tables);
    *schemap = schema;
    return NULL;
}

void
vsctl_schema_destroy(struct vsctl_schema *schema)
{
    if (!schema) {
        return;
    }
    for (size_t i = 0; i < schema->n_tables; i++) {
        struct vsctl_table *table = &schema->tables[i];
        for (size_t j = 0; j < table->n_columns; j++) {
            free(table->columns[j].name);
            base_type_destroy(&table->columns[j].type.key);
            base_type_destroy(&table->columns[j].type.value);
        }
        free(table->columns);
        free(table->name);
    }
    free(schema->tables);
    free(schema->name);
    free(schema->version);
    free(schema);
}

const struct vsctl_table *
vsctl_schema_find_table(const struct vsctl_schema *schema, const char *name)
{
    struct vsctl_table key = { .name = (char *) name };
    return bsearch(&key, schema->tables, schema->n_tables, sizeof key, compare_tables);
}

const struct vsctl_column *
vsctl_table_find_column(const struct vsctl_table *table, const char *name)
{
    struct vsctl_column key = { .name = (char *) name };
    return bsearch(&key, table->columns, table->n_columns, sizeof key, compare_columns);
}

size_t
vsctl_column_index(const struct vsctl_table *table, const struct vsctl_column *column)
{
    return (size_t) (column - table->columns);
}

static int
fold_char(unsigned char c)
{
    return c == '-' ? '_' : tolower(c);
}

/* How well S names NAME: UINT_MAX for an exact match, UINT_MAX - 1 for a match that differs only
 * in case or '-' vs '_', the length of S when S abbreviates NAME, 0 otherwise. */
static unsigned int
score_match(const char *name, const char *s)
{
    if (!strcmp(name, s)) {
        return UINT_MAX;
    }
    unsigned int score = 0;
    for (;; score++, name++, s++) {
        if (fold_char(*name) != fold_char(*s)) {
            break;
        }
        if (*name == '\0') {
            return UINT_MAX - 1;
        }
    }
    return *s == '\0' ? score : 0;
}

char *
vsctl_schema_match_table(const struct vsctl_schema *schema, const char *name,
                         const struct vsctl_table **tablep)
{
    const struct vsctl_table *best = NULL;
    unsigned int best_score = 0;
    bool ambiguous = false;

    for (size_t i = 0; i < schema->n_tables; i++) {
        unsigned int score = score_match(schema->tables[i].name, name);
        if (score > best_score) {
            best = &schema->tables[i];
            best_score = score;
            ambiguous = false;
        } else if (score && score == best_score) {
            ambiguous = true;
        }
    }
    *tablep = NULL;
    if (best && !ambiguous) {
        *tablep = best;
        return NULL;
    } else if (ambiguous) {
        return xasprintf("multiple table names match \"%s\"", name);
    }
    return xasprintf("unknown table \"%s\"", name);
}

char *
vsctl_table_match_column(const struct vsctl_table *table, const char *name,
                         const struct vsctl_column **columnp)
{
    const struct vsctl_column *best = NULL;
    unsigned int best_score = 0;
    bool ambiguous = false;

    for (size_t i = 0; i < table->n_columns; i++) {
        unsigned int score = score_match(table->columns[i].name, name);
        if (score > best_score) {
            best = &table->columns[i];
            best_score = score;
            ambiguous = false;
        } else if (score && score == best_score) {
            ambiguous = true;
        }
    }
    *columnp = NULL;
    if (best && !ambiguous) {
        *columnp = best;
        return NULL;
    } else if (ambiguous) {
        return xasprintf("%s contains more than one column whose name matches \"%s\"",
                         table->name, name);
    }
    return xasprintf("%s does not contain a column whose name matches \"%s\"", table->name, name);
}

bool
vsctl_type_is_map(const struct vsctl_type *type)
{
    return type->value.type != VSCTL_VOID;
}

/* ======================================================================================== */
/* Atoms                                                                                    */
/* ======================================================================================== */

bool
vsctl_is_uuid(const char *s)
{
    static const int dashes[] = { 8, 13, 18, 23 };
    if (strlen(s) != 36) {
        return false;
    }
    for (int i = 0, d = 0; i < 36; i++) {
        if (d < 4 && i == dashes[d]) {
            if (s[i] != '-') {
                return false;
            }
            d++;
        } else if (!isxdigit((unsigned char) s[i])) {
            return false;
        }
    }
    return true;
}

void
vsctl_atom_clone(union vsctl_atom *dst, const union vsctl_atom *src, enum vsctl_atomic_type type)
{
    if (type == VSCTL_STRING || type == VSCTL_UUID) {
        dst->string = xstrdup(src->string);
    } else {
        *dst = *src;
    }
}

void
vsctl_atom_destroy(union vsctl_atom *atom, enum vsctl_atomic_type type)
{
    if (type == VSCTL_STRING || type == VSCTL_UUID) {
        free(atom->string);
        atom->string = NULL;
    }
}

int
vsctl_atom_compare(const union vsctl_atom *a, const union vsctl_atom *b,
                   enum vsctl_atomic_type type)
{
    switch (type) {
    case VSCTL_INTEGER:
        return a->integer < b->integer ? -1 : a->integer > b->integer;
    case VSCTL_REAL:
        return a->real < b->real ? -1 : a->real > b->real;
    case VSCTL_BOOLEAN:
        return (int) a->boolean - (int) b->boolean;
    case VSCTL_STRING:
    case VSCTL_UUID:
        /* Canonical UUIDs are lower case, so text order is OVSDB's UUID order. */
        return strcmp(a->string, b->string);
    case VSCTL_VOID:
    default:
        return 0;
    }
}

static char *
check_constraints(const union vsctl_atom *atom, const struct vsctl_base_type *base)
{
    if (base->enum_values) {
        size_t i;
        json_t *v;
        json_array_foreach (base->enum_values, i, v) {
            bool match = false;
            switch (base->type) {
            case VSCTL_INTEGER:
                match = json_is_integer(v) && json_integer_value(v) == atom->integer;
                break;
            case VSCTL_REAL:
                match = json_is_number(v) && json_number_value(v) == atom->real;
                break;
            case VSCTL_BOOLEAN:
                match = json_is_boolean(v) && json_is_true(v) == atom->boolean;
                break;
            case VSCTL_STRING:
                match = json_is_string(v) && !strcmp(json_string_value(v), atom->string);
                break;
            case VSCTL_UUID:
            case VSCTL_VOID:
                break;
            }
            if (match) {
                return NULL;
            }
        }

        /* Build the sorted list of allowed values, printed as a set. */
        struct vsctl_type enum_type = { .key = *base, .n_min = 0, .n_max = UINT_MAX };
        base_type_init(&enum_type.value, VSCTL_VOID);
        enum_type.key.enum_values = NULL;
        struct vsctl_datum allowed = VSCTL_DATUM_EMPTY;
        json_t *enum_json = json_pack("[sO]", "set", base->enum_values);
        char *error = vsctl_datum_from_json(&allowed, &enum_type, enum_json);
        json_decref(enum_json);
        struct ds s = DS_EMPTY_INITIALIZER;
        vsctl_atom_to_string(atom, base->type, &s);
        ds_put_cstr(&s, " is not one of the allowed values (");
        if (!error) {
            vsctl_datum_to_string(&allowed, &enum_type, &s);
        }
        ds_put_cstr(&s, ")");
        free(error);
        vsctl_datum_destroy(&allowed, &enum_type);
        return ds_steal_cstr(&s);
    }

    if (base->type == VSCTL_INTEGER) {
        int64_t x = atom->integer;
        bool has_min = base->min_integer != INT64_MIN, has_max = base->max_integer != INT64_MAX;
        if ((has_min && x < base->min_integer) || (has_max && x > base->max_integer)) {
            if (has_min && has_max) {
                return xasprintf("%"PRId64" is not in the valid range %"PRId64" to %"PRId64
                                 " (inclusive)", x, base->min_integer, base->max_integer);
            } else if (has_min) {
                return xasprintf("%"PRId64" is less than the minimum allowed value %"PRId64,
                                 x, base->min_integer);
            }
            return xasprintf("%"PRId64" is greater than the maximum allowed value %"PRId64,
                             x, base->max_integer);
        }
    } else if (base->type == VSCTL_REAL) {
        if (atom->real < base->min_real || atom->real > base->max_real) {
            return xasprintf("%.*g is not in the valid range %.*g to %.*g (inclusive)",
                             DBL_DIG, atom->real, DBL_DIG, base->min_real,
                             DBL_DIG, base->max_real);
        }
    }
    return NULL;
}

/* Decodes the JSON string literal S (with its quotes) into a malloc'd string. */
static char *
json_unquote(const char *s, char **outp)
{
    json_error_t jerr;
    json_t *json = json_loads(s, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    *outp = NULL;
    if (!json || !json_is_string(json)) {
        json_decref(json);
        return xasprintf("%s: %s", s, json ? "not a string" : jerr.text);
    }
    *outp = xstrdup(json_string_value(json));
    json_decref(json);
    return NULL;
}

char *
vsctl_atom_from_string(union vsctl_atom *atom, const struct vsctl_base_type *base, const char *s)
{
    char *end;

    switch (base->type) {
    case VSCTL_INTEGER: {
        errno = 0;
        long long x = strtoll(s, &end, 10);
        if (!*s || *end || errno || isspace((unsigned char) *s)) {
            return xasprintf("\"%s\" is not a valid integer", s);
        }
        atom->integer = x;
        break;
    }
    case VSCTL_REAL: {
        errno = 0;
        double x = strtod(s, &end);
        if (!*s || *end || errno || !isfinite(x)) {
            return xasprintf("\"%s\" is not a valid real number", s);
        }
        atom->real = x;
        break;
    }
    case VSCTL_BOOLEAN:
        if (!strcmp(s, "true")) {
            atom->boolean = true;
        } else if (!strcmp(s, "false")) {
            atom->boolean = false;
        } else {
            return xasprintf("\"%s\" is not a valid boolean (use \"true\" or \"false\")", s);
        }
        break;
    case VSCTL_STRING:
        if (*s == '"') {
            size_t len = strlen(s);
            if (len < 2 || s[len - 1] != '"') {
                return xasprintf("%s: missing quote at end of quoted string", s);
            }
            char *error = json_unquote(s, &atom->string);
            if (error) {
                return error;
            }
        } else {
            atom->string = xstrdup(s);
        }
        break;
    case VSCTL_UUID:
        if (s[0] == '@' && s[1]) {
            struct vsctl_symbol *symbol = vsctl_symbol_get(s, NULL);
            symbol->referenced = true;
            atom->string = xstrdup(symbol->uuid);
            return NULL;
        }
        if (!vsctl_is_uuid(s)) {
            return xasprintf("\"%s\" is not a valid UUID", s);
        }
        atom->string = xstrdup(s);
        for (char *p = atom->string; *p; p++) {
            *p = (char) tolower((unsigned char) *p);
        }
        break;
    case VSCTL_VOID:
    default:
        return xstrdup("cannot parse a value of type void");
    }

    char *error = check_constraints(atom, base);
    if (error) {
        vsctl_atom_destroy(atom, base->type);
        char *msg = xasprintf("constraint violation: %s", error);
        free(error);
        return msg;
    }
    return NULL;
}

bool
vsctl_string_needs_quotes(const char *s)
{
    const unsigned char *p = (const unsigned char *) s;

    if (!isalpha(*p) && *p != '_') {
        return true;
    }
    for (p++; *p; p++) {
        if (!isalpha(*p) && !isdigit(*p) && *p != '_' && *p != '-' && *p != '.') {
            return true;
        }
    }
    return !strcmp(s, "true") || !strcmp(s, "false") || vsctl_is_uuid(s);
}

void
vsctl_put_quoted(struct ds *out, const char *s)
{
    ds_put_char(out, '"');
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        switch (*p) {
        case '"':  ds_put_cstr(out, "\\\""); break;
        case '\\': ds_put_cstr(out, "\\\\"); break;
        case '\b': ds_put_cstr(out, "\\b"); break;
        case '\f': ds_put_cstr(out, "\\f"); break;
        case '\n': ds_put_cstr(out, "\\n"); break;
        case '\r': ds_put_cstr(out, "\\r"); break;
        case '\t': ds_put_cstr(out, "\\t"); break;
        default:
            if (*p < 0x20) {
                ds_put_format(out, "\\u%04x", *p);
            } else {
                ds_put_char(out, (char) *p);
            }
        }
    }
    ds_put_char(out, '"');
}

void
vsctl_atom_to_string(const union vsctl_atom *atom, enum vsctl_atomic_type type, struct ds *out)
{
    switch (type) {
    case VSCTL_INTEGER:
        ds_put_format(out, "%"PRId64, atom->integer);
        break;
    case VSCTL_REAL:
        ds_put_format(out, "%.*g", DBL_DIG, atom->real);
        break;
    case VSCTL_BOOLEAN:
        ds_put_cstr(out, atom->boolean ? "true" : "false");
        break;
    case VSCTL_STRING:
        if (vsctl_string_needs_quotes(atom->string)) {
            vsctl_put_quoted(out, atom->string);
        } else {
            ds_put_cstr(out, atom->string);
        }
        break;
    case VSCTL_UUID:
        ds_put_cstr(out, atom->string);
        break;
    case VSCTL_VOID:
    default:
        break;
    }
}

json_t *
vsctl_atom_to_json(const union vsctl_atom *atom, enum vsctl_atomic_type type)
{
    switch (type) {
    case VSCTL_INTEGER:
        return json_integer(atom->integer);
    case VSCTL_REAL:
        return json_real(atom->real);
    case VSCTL_BOOLEAN:
        return json_boolean(atom->boolean);
    case VSCTL_STRING:
        return json_string(atom->string);
    case VSCTL_UUID:
        return json_pack("[ss]", vsctl_is_uuid(atom->string) ? "uuid" : "named-uuid",
                         atom->string);
    case VSCTL_VOID:
    default:
        return json_null();
    }
}

static char *
atom_from_json(union vsctl_atom *atom, const struct vsctl_base_type *base, const json_t *json)
{
    switch (base->type) {
    case VSCTL_INTEGER:
        if (!json_is_integer(json)) {
            return xstrdup("expected an integer");
        }
        atom->integer = json_integer_value(json);
        return NULL;
    case VSCTL_REAL:
        if (!json_is_number(json)) {
            return xstrdup("expected a real number");
        }
        atom->real = json_number_value(json);
        return NULL;
    case VSCTL_BOOLEAN:
        if (!json_is_boolean(json)) {
            return xstrdup("expected a boolean");
        }
        atom->boolean = json_is_true(json);
        return NULL;
    case VSCTL_STRING:
        if (!json_is_string(json)) {
            return xstrdup("expected a string");
        }
        atom->string = xstrdup(json_string_value(json));
        return NULL;
    case VSCTL_UUID: {
        const char *tag = json_is_array(json) && json_array_size(json) == 2
                          ? json_string_value(json_array_get(json, 0)) : NULL;
        const char *s = tag ? json_string_value(json_array_get(json, 1)) : NULL;
        if (!s || (strcmp(tag, "uuid") && strcmp(tag, "named-uuid"))) {
            return xstrdup("expected [\"uuid\", ...]");
        }
        atom->string = xstrdup(s);
        return NULL;
    }
    case VSCTL_VOID:
    default:
        return xstrdup("void atom");
    }
}

/* ---- Row symbols ---- */

static struct vsctl_symbol *symbols;
static size_t n_symbols;
static unsigned int symbol_seq;

void
vsctl_symbols_clear(void)
{
    for (size_t i = 0; i < n_symbols; i++) {
        free(symbols[i].name);
        free(symbols[i].uuid);
    }
    free(symbols);
    symbols = NULL;
    n_symbols = 0;
}

struct vsctl_symbol *
vsctl_symbol_get(const char *name, bool *is_new)
{
    for (size_t i = 0; i < n_symbols; i++) {
        if (!strcmp(symbols[i].name, name)) {
            if (is_new) {
                *is_new = false;
            }
            return &symbols[i];
        }
    }
    symbols = xrealloc(symbols, (n_symbols + 1) * sizeof *symbols);
    struct vsctl_symbol *symbol = &symbols[n_symbols++];
    symbol->name = xstrdup(name);
    symbol->uuid = xasprintf("sym%u", ++symbol_seq);
    symbol->created = symbol->referenced = false;
    if (is_new) {
        *is_new = true;
    }
    return symbol;
}

const struct vsctl_symbol *
vsctl_symbols_find_undefined(void)
{
    for (size_t i = 0; i < n_symbols; i++) {
        if (symbols[i].referenced && !symbols[i].created) {
            return &symbols[i];
        }
    }
    return NULL;
}

/* ======================================================================================== */
/* Datums                                                                                   */
/* ======================================================================================== */

static bool
type_has_values(const struct vsctl_type *type)
{
    return vsctl_type_is_map(type);
}

void
vsctl_datum_init_default(struct vsctl_datum *datum, const struct vsctl_type *type)
{
    datum->n = 0;
    datum->keys = NULL;
    datum->values = NULL;
    if (type->n_min == 0) {
        return;
    }
    union vsctl_atom atoms[2];
    const struct vsctl_base_type *bases[2] = { &type->key, &type->value };
    for (int i = 0; i < (type_has_values(type) ? 2 : 1); i++) {
        memset(&atoms[i], 0, sizeof atoms[i]);
        if (bases[i]->type == VSCTL_STRING) {
            atoms[i].string = "";
        } else if (bases[i]->type == VSCTL_UUID) {
            atoms[i].string = "00000000-0000-0000-0000-000000000000";
        }
    }
    vsctl_datum_put(datum, &atoms[0], type_has_values(type) ? &atoms[1] : NULL, type);
}

bool
vsctl_datum_is_default(const struct vsctl_datum *datum, const struct vsctl_type *type)
{
    struct vsctl_datum def;
    vsctl_datum_init_default(&def, type);
    bool eq = vsctl_datum_equals(datum, &def, type);
    vsctl_datum_destroy(&def, type);
    return eq;
}

void
vsctl_datum_clone(struct vsctl_datum *dst, const struct vsctl_datum *src,
                  const struct vsctl_type *type)
{
    dst->n = src->n;
    dst->keys = src->n ? xcalloc(src->n, sizeof *dst->keys) : NULL;
    dst->values = src->n && type_has_values(type) ? xcalloc(src->n, sizeof *dst->values) : NULL;
    for (size_t i = 0; i < src->n; i++) {
        vsctl_atom_clone(&dst->keys[i], &src->keys[i], type->key.type);
        if (dst->values) {
            vsctl_atom_clone(&dst->values[i], &src->values[i], type->value.type);
        }
    }
}

void
vsctl_datum_destroy(struct vsctl_datum *datum, const struct vsctl_type *type)
{
    for (size_t i = 0; i < datum->n; i++) {
        vsctl_atom_destroy(&datum->keys[i], type->key.type);
        if (datum->values) {
            vsctl_atom_destroy(&datum->values[i], type->value.type);
        }
    }
    free(datum->keys);
    free(datum->values);
    datum->n = 0;
    datum->keys = datum->values = NULL;
}

bool
vsctl_datum_equals(const struct vsctl_datum *a, const struct vsctl_datum *b,
                   const struct vsctl_type *type)
{
    if (a->n != b->n) {
        return false;
    }
    for (size_t i = 0; i < a->n; i++) {
        if (vsctl_atom_compare(&a->keys[i], &b->keys[i], type->key.type)) {
            return false;
        }
        if (type_has_values(type)
            && vsctl_atom_compare(&a->values[i], &b->values[i], type->value.type)) {
            return false;
        }
    }
    return true;
}

/* Binary search: returns the index of KEY, or -(insertion point) - 1. */
static long
datum_search(const struct vsctl_datum *datum, const union vsctl_atom *key,
             const struct vsctl_type *type)
{
    size_t lo = 0, hi = datum->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = vsctl_atom_compare(&datum->keys[mid], key, type->key.type);
        if (cmp == 0) {
            return (long) mid;
        } else if (cmp < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return -(long) lo - 1;
}

long
vsctl_datum_find_key(const struct vsctl_datum *datum, const union vsctl_atom *key,
                     const struct vsctl_type *type)
{
    long i = datum_search(datum, key, type);
    return i >= 0 ? i : -1;
}

void
vsctl_datum_put(struct vsctl_datum *datum, const union vsctl_atom *key,
                const union vsctl_atom *value, const struct vsctl_type *type)
{
    long i = datum_search(datum, key, type);
    bool map = type_has_values(type);

    if (i >= 0) {
        if (map && value) {
            vsctl_atom_destroy(&datum->values[i], type->value.type);
            vsctl_atom_clone(&datum->values[i], value, type->value.type);
        }
        return;
    }

    size_t pos = (size_t) (-i - 1);
    datum->keys = xrealloc(datum->keys, (datum->n + 1) * sizeof *datum->keys);
    memmove(&datum->keys[pos + 1], &datum->keys[pos], (datum->n - pos) * sizeof *datum->keys);
    vsctl_atom_clone(&datum->keys[pos], key, type->key.type);
    if (map) {
        datum->values = xrealloc(datum->values, (datum->n + 1) * sizeof *datum->values);
        memmove(&datum->values[pos + 1], &datum->values[pos],
                (datum->n - pos) * sizeof *datum->values);
        vsctl_atom_clone(&datum->values[pos], value, type->value.type);
    }
    datum->n++;
}

void
vsctl_datum_remove(struct vsctl_datum *datum, size_t i, const struct vsctl_type *type)
{
    if (i >= datum->n) {
        return;
    }
    vsctl_atom_destroy(&datum->keys[i], type->key.type);
    memmove(&datum->keys[i], &datum->keys[i + 1], (datum->n - i - 1) * sizeof *datum->keys);
    if (datum->values) {
        vsctl_atom_destroy(&datum->values[i], type->value.type);
        memmove(&datum->values[i], &datum->values[i + 1],
                (datum->n - i - 1) * sizeof *datum->values);
    }
    datum->n--;
}

void
vsctl_datum_set_string(struct vsctl_datum *datum, const char *s)
{
    datum->n = 1;
    datum->keys = xmalloc(sizeof *datum->keys);
    datum->keys[0].string = xstrdup(s);
    datum->values = NULL;
}

void
vsctl_datum_set_integer(struct vsctl_datum *datum, int64_t x)
{
    datum->n = 1;
    datum->keys = xmalloc(sizeof *datum->keys);
    datum->keys[0].integer = x;
    datum->values = NULL;
}

const char *
vsctl_datum_string(const struct vsctl_datum *datum)
{
    return datum && datum->n ? datum->keys[0].string : NULL;
}

/* Adds a parsed element to DATUM, taking ownership of KEY and VALUE. Returns false if the key was
 * already present (the new atoms are freed). */
static bool
datum_add_owned(struct vsctl_datum *datum, union vsctl_atom *key, union vsctl_atom *value,
                const struct vsctl_type *type)
{
    bool fresh = datum_search(datum, key, type) < 0;
    if (fresh) {
        vsctl_datum_put(datum, key, value, type);
    }
    vsctl_atom_destroy(key, type->key.type);
    if (value) {
        vsctl_atom_destroy(value, type->value.type);
    }
    return fresh;
}

static char *
check_count(const struct vsctl_datum *datum, const struct vsctl_type *type, const char *what)
{
    if (datum->n < type->n_min) {
        return xasprintf("%s: %zu values specified but the minimum number is %u",
                         what, datum->n, type->n_min);
    } else if (datum->n > type->n_max) {
        return xasprintf("%s: %zu values specified but the maximum number is %u",
                         what, datum->n, type->n_max);
    }
    return NULL;
}

char *
vsctl_datum_from_json(struct vsctl_datum *datum, const struct vsctl_type *type,
                      const json_t *json)
{
    char *error = NULL;
    bool map = type_has_values(type);

    datum->n = 0;
    datum->keys = datum->values = NULL;

    const char *tag = json_is_array(json) && json_array_size(json) == 2
                      ? json_string_value(json_array_get(json, 0)) : NULL;
    if (map) {
        const json_t *pairs = json_array_get(json, 1);
        if (!tag || strcmp(tag, "map") || !json_is_array(pairs)) {
            return xstrdup("expected [\"map\", [...]]");
        }
        size_t i;
        json_t *pair;
        json_array_foreach (pairs, i, pair) {
            union vsctl_atom k, v;
            if (!json_is_array(pair) || json_array_size(pair) != 2) {
                error = xstrdup("map element is not a [key, value] pair");
                break;
            }
            error = atom_from_json(&k, &type->key, json_array_get(pair, 0));
            if (error) {
                break;
            }
            error = atom_from_json(&v, &type->value, json_array_get(pair, 1));
            if (error) {
                vsctl_atom_destroy(&k, type->key.type);
                break;
            }
            if (!datum_add_owned(datum, &k, &v, type)) {
                error = xstrdup("map contains duplicate key");
                break;
            }
        }
    } else if (tag && !strcmp(tag, "set") && json_is_array(json_array_get(json, 1))) {
        size_t i;
        json_t *elem;
        json_array_foreach (json_array_get(json, 1), i, elem) {
            union vsctl_atom k;
            error = atom_from_json(&k, &type->key, elem);
            if (error) {
                break;
            }
            if (!datum_add_owned(datum, &k, NULL, type)) {
                error = xstrdup("set contains duplicate value");
                break;
            }
        }
    } else {
        union vsctl_atom k;
        error = atom_from_json(&k, &type->key, json);
        if (!error) {
            datum_add_owned(datum, &k, NULL, type);
        }
    }

    if (!error) {
        error = check_count(datum, type, "value");
    }
    if (error) {
        vsctl_datum_destroy(datum, type);
    }
    return error;
}

json_t *
vsctl_datum_to_json(const struct vsctl_datum *datum, const struct vsctl_type *type)
{
    if (type_has_values(type)) {
        json_t *pairs = json_array();
        for (size_t i = 0; i < datum->n; i++) {
            json_array_append_new(pairs, json_pack("[oo]",
                vsctl_atom_to_json(&datum->keys[i], type->key.type),
                vsctl_atom_to_json(&datum->values[i], type->value.type)));
        }
        return json_pack("[so]", "map", pairs);
    }
    if (datum->n == 1) {
        return vsctl_atom_to_json(&datum->keys[0], type->key.type);
    }
    json_t *elems = json_array();
    for (size_t i = 0; i < datum->n; i++) {
        json_array_append_new(elems, vsctl_atom_to_json(&datum->keys[i], type->key.type));
    }
    return json_pack("[so]", "set", elems);
}

/* ---- ovs-vsctl notation ---- */

static bool
is_token_delim(unsigned char c)
{
    return isspace(c) || strchr(",:=[]{}!<>", c) != NULL;
}

char *
vsctl_token_parse(const char **s, char **tokenp)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    bool in_quotes = false;
    const char *p;

    *tokenp = NULL;
    for (p = *s; *p; ) {
        char c = *p++;
        if (c == '\\') {
            if (in_quotes) {
                ds_put_char(&out, '\\');
            }
            if (!*p) {
                ds_destroy(&out);
                return xasprintf("%s: backslash at end of argument", *s);
            }
            ds_put_char(&out, *p++);
        } else if (!in_quotes && is_token_delim((unsigned char) c)) {
            p--;
            break;
        } else {
            ds_put_char(&out, c);
            if (c == '"') {
                in_quotes = !in_quotes;
            }
        }
    }
    if (in_quotes) {
        ds_destroy(&out);
        return xasprintf("%s: quoted string extends past end of argument", *s);
    }
    *tokenp = xstrdup(ds_cstr(&out));
    ds_destroy(&out);
    *s = p;
    return NULL;
}

static const char *
skip_spaces(const char *p)
{
    while (isspace((unsigned char) *p)) {
        p++;
    }
    return p;
}

/* Parses one atom token at *P (advancing it). */
static char *
parse_atom_token(const char **p, const struct vsctl_base_type *base, union vsctl_atom *atom,
                 const char *whole)
{
    char *token;
    char *error = vsctl_token_parse(p, &token);
    if (error) {
        return error;
    }
    if (!token[0] && **p && is_token_delim((unsigned char) **p)) {
        free(token);
        return xasprintf("%s: syntax error at \"%c\"", whole, **p);
    }
    error = vsctl_atom_from_string(atom, base, token);
    free(token);
    return error;
}

/* Integer sets accept ranges, as ovs-vsctl does: "trunks=1-5,7" is [1, 2, 3, 4, 5, 7]. If the next
 * token of *P is "START-END", adds START..END to DATUM, advances *P and sets *HANDLED. */
#define MAX_RANGE 65536

static char *
parse_integer_range(const char **p, const struct vsctl_type *type, struct vsctl_datum *datum,
                    const char *whole, bool *handled)
{
    const char *q = *p;
    char *token, *error = vsctl_token_parse(&q, &token);

    *handled = false;
    if (error) {
        return error;
    }
    char *dash = token[0] ? strchr(token + 1, '-') : NULL;
    if (!dash) {
        free(token);
        return NULL;
    }
    *dash = '\0';
    union vsctl_atom start, end;
    error = vsctl_atom_from_string(&start, &type->key, token);
    if (!error) {
        error = vsctl_atom_from_string(&end, &type->key, dash + 1);
    }
    if (!error && end.integer < start.integer) {
        error = xasprintf("\"%s-%s\" is not a valid range: the end comes before the start",
                          token, dash + 1);
    } else if (!error && end.integer - start.integer >= MAX_RANGE) {
        error = xasprintf("\"%s-%s\": a range may hold at most %d values", token, dash + 1,
                          MAX_RANGE);
    }
    for (int64_t i = start.integer; !error && i <= end.integer; i++) {
        union vsctl_atom atom = { .integer = i };
        if (!datum_add_owned(datum, &atom, NULL, type)) {
            error = xasprintf("%s: set contains duplicate value", whole);
        }
    }
    free(token);
    if (!error) {
        *p = q;
        *handled = true;
    }
    return error;
}

char *
vsctl_datum_from_string(struct vsctl_datum *datum, const struct vsctl_type *type, const char *s)
{
    bool map = type_has_values(type);
    const char *p = skip_spaces(s);
    char end_delim;
    char *error = NULL;

    datum->n = 0;
    datum->keys = datum->values = NULL;

    if (*p == (map ? '{' : '[')) {
        end_delim = map ? '}' : ']';
        p = skip_spaces(p + 1);
    } else if (!*p) {
        return xstrdup(map ? "use \"{}\" to specify the empty map"
                           : "use \"[]\" to specify the empty set");
    } else {
        end_delim = '\0';
    }

    while (*p && *p != end_delim) {
        union vsctl_atom key, value;
        bool range = false;

        if (!map && type->key.type == VSCTL_INTEGER) {
            error = parse_integer_range(&p, type, datum, s, &range);
            if (error) {
                goto fail;
            }
        }
        if (range) {
            goto next;
        }
        error = parse_atom_token(&p, &type->key, &key, s);
        if (error) {
            goto fail;
        }
        if (map) {
            p = skip_spaces(p);
            if (*p != '=' && *p != ':') {
                vsctl_atom_destroy(&key, type->key.type);
                error = *p ? xasprintf("%s: syntax error at \"%c\" (expecting \"=\")", s, *p)
                           : xasprintf("%s: missing \"=\" and value after key", s);
                goto fail;
            }
            p = skip_spaces(p + 1);
            error = parse_atom_token(&p, &type->value, &value, s);
            if (error) {
                vsctl_atom_destroy(&key, type->key.type);
                goto fail;
            }
        }
        if (!datum_add_owned(datum, &key, map ? &value : NULL, type)) {
            error = xasprintf("%s: %s", s, map ? "map contains duplicate key"
                                               : "set contains duplicate value");
            goto fail;
        }
    next:
        p = skip_spaces(p);
        if (*p == ',') {
            p = skip_spaces(p + 1);
        } else if (*p && *p != end_delim) {
            error = xasprintf("%s: syntax error at \"%c\"", s, *p);
            goto fail;
        }
    }

    if (*p != end_delim) {
        error = xasprintf("%s: missing \"%c\" at end of data", s, end_delim);
        goto fail;
    }
    if (end_delim) {
        p = skip_spaces(p + 1);
        if (*p) {
            error = xasprintf("%s: trailing garbage after \"%c\"", s, end_delim);
            goto fail;
        }
    }
    error = check_count(datum, type, s);
    if (!error) {
        return NULL;
    }

fail:
    vsctl_datum_destroy(datum, type);
    return error;
}

void
vsctl_datum_to_string(const struct vsctl_datum *datum, const struct vsctl_type *type,
                      struct ds *out)
{
    bool map = type_has_values(type);
    bool brackets = type->n_max > 1 || !datum->n;

    if (brackets) {
        ds_put_char(out, map ? '{' : '[');
    }
    for (size_t i = 0; i < datum->n; i++) {
        if (i) {
            ds_put_cstr(out, ", ");
        }
        vsctl_atom_to_string(&datum->keys[i], type->key.type, out);
        if (map) {
            ds_put_char(out, '=');
            vsctl_atom_to_string(&datum->values[i], type->value.type, out);
        }
    }
    if (brackets) {
        ds_put_char(out, map ? '}' : ']');
    }
}
