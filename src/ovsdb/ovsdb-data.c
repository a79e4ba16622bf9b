/* ovsdb-data — atoms and datums, RFC 7047 §5.1; see ovsdb-data.h. */
#include "ovsdb/ovsdb-data.h"

#include <ctype.h>
#include <float.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ovsdb/ovsdb-error.h"

/* ---- Symbol table ---- */

struct ovsdb_symtab *
ovsdb_symtab_create(void)
{
    return xzalloc(sizeof(struct ovsdb_symtab));
}

void
ovsdb_symtab_destroy(struct ovsdb_symtab *st)
{
    if (st) {
        for (size_t i = 0; i < st->n; i++) {
            free(st->symbols[i]->name);
            free(st->symbols[i]);
        }
        free(st->symbols);
        free(st);
    }
}

struct ovsdb_symbol *
ovsdb_symtab_get(const struct ovsdb_symtab *st, const char *name)
{
    for (size_t i = 0; i < st->n; i++) {
        if (!strcmp(st->symbols[i]->name, name)) {
            return st->symbols[i];
        }
    }
    return NULL;
}

struct ovsdb_symbol *
ovsdb_symtab_insert(struct ovsdb_symtab *st, const char *name)
{
    struct ovsdb_symbol *sym = ovsdb_symtab_get(st, name);
    if (!sym) {
        if (st->n >= st->allocated) {
            st->allocated = st->allocated ? st->allocated * 2 : 8;
            st->symbols = xrealloc(st->symbols, st->allocated * sizeof *st->symbols);
        }
        sym = xzalloc(sizeof *sym);
        sym->name = xstrdup(name);
        uuid_generate(&sym->uuid);
        st->symbols[st->n++] = sym;
    }
    return sym;
}

/* ---- Atoms ---- */

void
ovsdb_atom_init_default(union ovsdb_atom *atom, enum ovsdb_atomic_type type)
{
    memset(atom, 0, sizeof *atom);
    if (type == OVSDB_TYPE_STRING) {
        atom->string = xstrdup("");
    }
}

bool
ovsdb_atom_is_default(const union ovsdb_atom *atom, enum ovsdb_atomic_type type)
{
    switch (type) {
    case OVSDB_TYPE_INTEGER: return atom->integer == 0;
    case OVSDB_TYPE_REAL: return atom->real == 0.0;
    case OVSDB_TYPE_BOOLEAN: return !atom->boolean;
    case OVSDB_TYPE_STRING: return atom->string[0] == '\0';
    case OVSDB_TYPE_UUID: return uuid_is_zero(&atom->uuid);
    default: return true;
    }
}

void
ovsdb_atom_clone(union ovsdb_atom *dst, const union ovsdb_atom *src, enum ovsdb_atomic_type type)
{
    if (type == OVSDB_TYPE_STRING) {
        dst->string = xstrdup(src->string);
    } else {
        *dst = *src;
    }
}

void
ovsdb_atom_destroy(union ovsdb_atom *atom, enum ovsdb_atomic_type type)
{
    if (type == OVSDB_TYPE_STRING) {
        free(atom->string);
        atom->string = NULL;
    }
}

int
ovsdb_atom_compare(const union ovsdb_atom *a, const union ovsdb_atom *b,
                   enum ovsdb_atomic_type type)
{
    switch (type) {
    case OVSDB_TYPE_INTEGER:
        return a->integer < b->integer ? -1 : a->integer > b->integer;
    case OVSDB_TYPE_REAL:
        return a->real < b->real ? -1 : a->real > b->real;
    case OVSDB_TYPE_BOOLEAN:
        return (int) a->boolean - (int) b->boolean;
    case OVSDB_TYPE_STRING:
        return strcmp(a->string, b->string);
    case OVSDB_TYPE_UUID:
        return uuid_compare(&a->uuid, &b->uuid);
    default:
        return 0;
    }
}

/* Number of Unicode code points in UTF-8 string S. */
static size_t
utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        if (((unsigned char) *s & 0xc0) != 0x80) {
            n++;
        }
    }
    return n;
}

static struct ovsdb_error *
enum_error(const union ovsdb_atom *atom, const struct ovsdb_base_type *base)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    ovsdb_atom_to_bare(atom, base->type, &ds);
    ds_put_cstr(&ds, " is not one of the allowed values ([");
    for (unsigned int i = 0; i < base->enum_->n; i++) {
        if (i) {
            ds_put_cstr(&ds, ", ");
        }
        ovsdb_atom_to_bare(&base->enum_->keys[i], base->type, &ds);
    }
    ds_put_cstr(&ds, "])");
    struct ovsdb_error *e = ovsdb_error("constraint violation", "%s", ds_cstr(&ds));
    ds_destroy(&ds);
    return e;
}

struct ovsdb_error *
ovsdb_atom_check_constraints(const union ovsdb_atom *atom, const struct ovsdb_base_type *base)
{
    if (base->enum_
        && ovsdb_datum_find_key(base->enum_, atom, base->type) == UINT_MAX) {
        return enum_error(atom, base);
    }
    switch (base->type) {
    case OVSDB_TYPE_INTEGER: {
        int64_t v = atom->integer, lo = base->u.integer.min, hi = base->u.integer.max;
        if (v >= lo && v <= hi) {
            return NULL;
        }
        if (lo != INT64_MIN && hi != INT64_MAX) {
            return ovsdb_error("constraint violation", "%"PRId64" is not in the valid range "
                               "%"PRId64" to %"PRId64" (inclusive)", v, lo, hi);
        } else if (v < lo) {
            return ovsdb_error("constraint violation", "%"PRId64" is less than minimum allowed "
                               "value %"PRId64, v, lo);
        } else {
            return ovsdb_error("constraint violation", "%"PRId64" is greater than maximum "
                               "allowed value %"PRId64, v, hi);
        }
    }
    case OVSDB_TYPE_REAL: {
        double v = atom->real, lo = base->u.real.min, hi = base->u.real.max;
        if (v >= lo && v <= hi) {
            return NULL;
        }
        if (lo != -DBL_MAX && hi != DBL_MAX) {
            return ovsdb_error("constraint violation", "%.*g is not in the valid range %.*g to "
                               "%.*g (inclusive)", DBL_DIG, v, DBL_DIG, lo, DBL_DIG, hi);
        } else if (v < lo) {
            return ovsdb_error("constraint violation", "%.*g is less than minimum allowed value "
                               "%.*g", DBL_DIG, v, DBL_DIG, lo);
        } else {
            return ovsdb_error("constraint violation", "%.*g is greater than maximum allowed "
                               "value %.*g", DBL_DIG, v, DBL_DIG, hi);
        }
    }
    case OVSDB_TYPE_STRING: {
        size_t len = utf8_length(atom->string);
        if (len < base->u.string.min_len) {
            return ovsdb_error("constraint violation", "\"%s\" length %zu is less than minimum "
                               "allowed length %u", atom->string, len, base->u.string.min_len);
        }
        if (len > base->u.string.max_len) {
            return ovsdb_error("constraint violation", "\"%s\" length %zu is greater than "
                               "maximum allowed length %u", atom->string, len,
                               base->u.string.max_len);
        }
        return NULL;
    }
    default:
        return NULL;
    }
}

struct ovsdb_error *
ovsdb_atom_from_json(union ovsdb_atom *atom, const struct ovsdb_base_type *base,
                     const json_t *json, struct ovsdb_symtab *symtab)
{
    switch (base->type) {
    case OVSDB_TYPE_INTEGER:
        if (!json_is_integer(json)) {
            return ovsdb_syntax_error(json, NULL, "expected integer");
        }
        atom->integer = json_integer_value(json);
        break;
    case OVSDB_TYPE_REAL:
        if (!json_is_number(json)) {
            return ovsdb_syntax_error(json, NULL, "expected real");
        }
        atom->real = json_number_value(json);
        break;
    case OVSDB_TYPE_BOOLEAN:
        if (!json_is_boolean(json)) {
            return ovsdb_syntax_error(json, NULL, "expected boolean");
        }
        atom->boolean = json_is_true(json);
        break;
    case OVSDB_TYPE_STRING:
        if (!json_is_string(json)) {
            return ovsdb_syntax_error(json, NULL, "expected string");
        }
        atom->string = xstrdup(json_string_value(json));
        break;
    case OVSDB_TYPE_UUID: {
        const json_t *j0 = json_array_get(json, 0), *j1 = json_array_get(json, 1);
        if (!json_is_array(json) || json_array_size(json) != 2 || !json_is_string(j0)
            || !json_is_string(j1)) {
            return ovsdb_syntax_error(json, NULL, "expected [\"uuid\", <uuid>] or "
                                      "[\"named-uuid\", <id>]");
        }
        const char *kind = json_string_value(j0), *text = json_string_value(j1);
        if (!strcmp(kind, "uuid")) {
            if (!uuid_from_string(&atom->uuid, text)) {
                return ovsdb_syntax_error(json, NULL, "\"%s\" is not a valid UUID", text);
            }
        } else if (!strcmp(kind, "named-uuid")) {
            if (!symtab) {
                return ovsdb_syntax_error(json, NULL, "named-uuid \"%s\" is not allowed here "
                                          "(only within a transaction)", text);
            }
            struct ovsdb_symbol *sym = ovsdb_symtab_insert(symtab, text);
            sym->referenced = true;
            atom->uuid = sym->uuid;
        } else {
            return ovsdb_syntax_error(json, NULL, "expected [\"uuid\", <uuid>] or "
                                      "[\"named-uuid\", <id>]");
        }
        break;
    }
    default:
        return ovsdb_syntax_error(json, NULL, "no value allowed for void type");
    }

    struct ovsdb_error *error = ovsdb_atom_check_constraints(atom, base);
    if (error) {
        ovsdb_atom_destroy(atom, base->type);
    }
    return error;
}

json_t *
ovsdb_atom_to_json(const union ovsdb_atom *atom, enum ovsdb_atomic_type type)
{
    char buf[UUID_LEN + 1];
    switch (type) {
    case OVSDB_TYPE_INTEGER: return json_integer(atom->integer);
    case OVSDB_TYPE_REAL: return json_real(atom->real);
    case OVSDB_TYPE_BOOLEAN: return json_boolean(atom->boolean);
    case OVSDB_TYPE_STRING: return json_string(atom->string);
    case OVSDB_TYPE_UUID:
        return json_pack("[ss]", "uuid", uuid_to_string(&atom->uuid, buf));
    default: return json_null();
    }
}

/* The display form quotes a string unless it looks like an identifier: a letter or '_', then
 * letters, digits, '_', '-' or '.'; "true", "false" and UUID-shaped strings are quoted too, so the
 * text reads back as the same string. The rule of OVS 3.x (ovs-vsctl and ovsdb-client output):
 * br0 and eth10 are bare, "0a" and "" are quoted. */
static bool
string_needs_quotes(const char *s)
{
    const char *p = s;
    unsigned char c = *p++;
    if (!isalpha(c) && c != '_') {
        return true;
    }
    while ((c = *p++) != '\0') {
        if (!isalnum(c) && c != '_' && c != '-' && c != '.') {
            return true;
        }
    }
    return uuid_is_string(s);
}

void
ovsdb_atom_to_string(const union ovsdb_atom *atom, enum ovsdb_atomic_type type, struct ds *ds)
{
    char buf[UUID_LEN + 1];
    switch (type) {
    case OVSDB_TYPE_INTEGER:
        ds_put_format(ds, "%"PRId64, atom->integer);
        break;
    case OVSDB_TYPE_REAL:
        ds_put_format(ds, "%.*g", DBL_DIG, atom->real);
        break;
    case OVSDB_TYPE_BOOLEAN:
        ds_put_cstr(ds, atom->boolean ? "true" : "false");
        break;
    case OVSDB_TYPE_STRING:
        if (string_needs_quotes(atom->string) || !strcmp(atom->string, "true")
            || !strcmp(atom->string, "false")) {
            json_t *j = json_string(atom->string);
            char *s = json_dumps(j, JSON_ENCODE_ANY);
            ds_put_cstr(ds, s);
            free(s);
            json_decref(j);
        } else {
            ds_put_cstr(ds, atom->string);
        }
        break;
    case OVSDB_TYPE_UUID:
        ds_put_cstr(ds, uuid_to_string(&atom->uuid, buf));
        break;
    default:
        break;
    }
}

void
ovsdb_atom_to_bare(const union ovsdb_atom *atom, enum ovsdb_atomic_type type, struct ds *ds)
{
    if (type == OVSDB_TYPE_STRING) {
        ds_put_cstr(ds, atom->string);
    } else {
        ovsdb_atom_to_string(atom, type, ds);
    }
}

/* ---- Datums ---- */

void
ovsdb_datum_init_empty(struct ovsdb_datum *d)
{
    d->n = 0;
    d->keys = d->values = NULL;
}

void
ovsdb_datum_init_default(struct ovsdb_datum *d, const struct ovsdb_type *type)
{
    ovsdb_datum_init_empty(d);
    if (type->n_min) {
        d->n = 1;
        d->keys = xmalloc(sizeof *d->keys);
        ovsdb_atom_init_default(&d->keys[0], type->key.type);
        if (type->value.type != OVSDB_TYPE_VOID) {
            d->values = xmalloc(sizeof *d->values);
            ovsdb_atom_init_default(&d->values[0], type->value.type);
        }
    }
}

bool
ovsdb_datum_is_default(const struct ovsdb_datum *d, const struct ovsdb_type *type)
{
    if (!type->n_min) {
        return d->n == 0;
    }
    return d->n == 1 && ovsdb_atom_is_default(&d->keys[0], type->key.type)
           && (type->value.type == OVSDB_TYPE_VOID
               || ovsdb_atom_is_default(&d->values[0], type->value.type));
}

void
ovsdb_datum_init_atom(struct ovsdb_datum *d, const union ovsdb_atom *key,
                      enum ovsdb_atomic_type type)
{
    d->n = 1;
    d->keys = xmalloc(sizeof *d->keys);
    ovsdb_atom_clone(&d->keys[0], key, type);
    d->values = NULL;
}

void
ovsdb_datum_clone(struct ovsdb_datum *dst, const struct ovsdb_datum *src,
                  const struct ovsdb_type *type)
{
    dst->n = src->n;
    dst->keys = src->n ? xmalloc(src->n * sizeof *dst->keys) : NULL;
    dst->values = NULL;
    for (unsigned int i = 0; i < src->n; i++) {
        ovsdb_atom_clone(&dst->keys[i], &src->keys[i], type->key.type);
    }
    if (src->values) {
        dst->values = src->n ? xmalloc(src->n * sizeof *dst->values) : NULL;
        for (unsigned int i = 0; i < src->n; i++) {
            ovsdb_atom_clone(&dst->values[i], &src->values[i], type->value.type);
        }
    }
}

void
ovsdb_datum_destroy(struct ovsdb_datum *d, const struct ovsdb_type *type)
{
    if (type->key.type == OVSDB_TYPE_STRING) {
        for (unsigned int i = 0; i < d->n; i++) {
            free(d->keys[i].string);
        }
    }
    if (d->values && type->value.type == OVSDB_TYPE_STRING) {
        for (unsigned int i = 0; i < d->n; i++) {
            free(d->values[i].string);
        }
    }
    free(d->keys);
    free(d->values);
    ovsdb_datum_init_empty(d);
}

void
ovsdb_datum_swap(struct ovsdb_datum *a, struct ovsdb_datum *b)
{
    struct ovsdb_datum tmp = *a;
    *a = *b;
    *b = tmp;
}

void
ovsdb_datum_add_unsafe(struct ovsdb_datum *d, const union ovsdb_atom *key,
                       const union ovsdb_atom *value, const struct ovsdb_type *type)
{
    d->keys = xrealloc(d->keys, (d->n + 1) * sizeof *d->keys);
    ovsdb_atom_clone(&d->keys[d->n], key, type->key.type);
    if (type->value.type != OVSDB_TYPE_VOID) {
        d->values = xrealloc(d->values, (d->n + 1) * sizeof *d->values);
        ovsdb_atom_clone(&d->values[d->n], value, type->value.type);
    }
    d->n++;
}

void
ovsdb_datum_remove(struct ovsdb_datum *d, unsigned int idx, const struct ovsdb_type *type)
{
    ovsdb_atom_destroy(&d->keys[idx], type->key.type);
    memmove(&d->keys[idx], &d->keys[idx + 1], (d->n - idx - 1) * sizeof *d->keys);
    if (d->values) {
        ovsdb_atom_destroy(&d->values[idx], type->value.type);
        memmove(&d->values[idx], &d->values[idx + 1], (d->n - idx - 1) * sizeof *d->values);
    }
    d->n--;
}

struct sort_ctx {
    const struct ovsdb_datum *d;
    enum ovsdb_atomic_type key_type;
};

static int
compare_idx(const void *a_, const void *b_, void *ctx_)
{
    const struct sort_ctx *ctx = ctx_;
    unsigned int a = *(const unsigned int *) a_, b = *(const unsigned int *) b_;
    int cmp = ovsdb_atom_compare(&ctx->d->keys[a], &ctx->d->keys[b], ctx->key_type);
    return cmp ? cmp : (a > b) - (a < b);   /* Stable: earlier duplicates first. */
}

static void
datum_sort__(struct ovsdb_datum *d, const struct ovsdb_type *type)
{
    if (d->n < 2) {
        return;
    }
    bool sorted = true;
    for (unsigned int i = 1; i < d->n && sorted; i++) {
        sorted = ovsdb_atom_compare(&d->keys[i - 1], &d->keys[i], type->key.type) < 0;
    }
    if (sorted) {
        return;
    }
    unsigned int *idx = xmalloc(d->n * sizeof *idx);
    for (unsigned int i = 0; i < d->n; i++) {
        idx[i] = i;
    }
    struct sort_ctx ctx = { d, type->key.type };
    qsort_r(idx, d->n, sizeof *idx, compare_idx, &ctx);
    union ovsdb_atom *keys = xmalloc(d->n * sizeof *keys);
    union ovsdb_atom *values = d->values ? xmalloc(d->n * sizeof *values) : NULL;
    for (unsigned int i = 0; i < d->n; i++) {
        keys[i] = d->keys[idx[i]];
        if (values) {
            values[i] = d->values[idx[i]];
        }
    }
    free(d->keys);
    free(d->values);
    d->keys = keys;
    d->values = values;
    free(idx);
}

struct ovsdb_error *
ovsdb_datum_sort(struct ovsdb_datum *d, const struct ovsdb_type *type)
{
    datum_sort__(d, type);
    for (unsigned int i = 1; i < d->n; i++) {
        if (!ovsdb_atom_compare(&d->keys[i - 1], &d->keys[i], type->key.type)) {
            struct ds ds = DS_EMPTY_INITIALIZER;
            ovsdb_atom_to_string(&d->keys[i], type->key.type, &ds);
            struct ovsdb_error *e = ovsdb_error("syntax error", "%s contains duplicate %s %s",
                                                d->values ? "map" : "set",
                                                d->values ? "key" : "value", ds_cstr(&ds));
            ds_destroy(&ds);
            return e;
        }
    }
    return NULL;
}

void
ovsdb_datum_sort_unique(struct ovsdb_datum *d, const struct ovsdb_type *type)
{
    datum_sort__(d, type);
    unsigned int i = 1;
    while (i < d->n) {
        if (!ovsdb_atom_compare(&d->keys[i - 1], &d->keys[i], type->key.type)) {
            ovsdb_datum_remove(d, i, type);
        } else {
            i++;
        }
    }
}

static struct ovsdb_error *
count_error(const json_t *json, unsigned int n, const struct ovsdb_type *type)
{
    const char *what = ovsdb_type_is_map(type) ? "map" : "set";
    if (type->n_max == OVSDB_UNLIMITED) {
        return ovsdb_syntax_error(json, NULL, "%s must have at least %u member%s but %u %s "
                                  "present", what, type->n_min, type->n_min == 1 ? "" : "s", n,
                                  n == 1 ? "is" : "are");
    }
    return ovsdb_syntax_error(json, NULL, "%s must have %u to %u members but %u %s present",
                              what, type->n_min, type->n_max, n, n == 1 ? "is" : "are");
}

struct ovsdb_error *
ovsdb_datum_check_constraints(const struct ovsdb_datum *d, const struct ovsdb_type *type)
{
    struct ovsdb_error *error;
    if (d->n < type->n_min || d->n > type->n_max) {
        error = count_error(NULL, d->n, type);
        free(error->tag);
        error->tag = xstrdup("constraint violation");
        return error;
    }
    for (unsigned int i = 0; i < d->n; i++) {
        error = ovsdb_atom_check_constraints(&d->keys[i], &type->key);
        if (!error && d->values) {
            error = ovsdb_atom_check_constraints(&d->values[i], &type->value);
        }
        if (error) {
            return error;
        }
    }
    return NULL;
}

/* Returns true if JSON is ["TAG", <array>] and sets *ELEMSP to the array. */
static bool
is_tagged_array(const json_t *json, const char *tag, const json_t **elemsp)
{
    const json_t *j0 = json_array_get(json, 0), *j1 = json_array_get(json, 1);
    if (json_is_array(json) && json_array_size(json) == 2 && json_is_string(j0)
        && !strcmp(json_string_value(j0), tag) && json_is_array(j1)) {
        *elemsp = j1;
        return true;
    }
    return false;
}

struct ovsdb_error *
ovsdb_datum_from_json(struct ovsdb_datum *d, const struct ovsdb_type *type, const json_t *json,
                      struct ovsdb_symtab *symtab)
{
    struct ovsdb_error *error;
    const json_t *elems;
    bool is_map = ovsdb_type_is_map(type);

    ovsdb_datum_init_empty(d);
    if (is_map) {
        if (!is_tagged_array(json, "map", &elems)) {
            return ovsdb_syntax_error(json, NULL, "expected [\"map\", [[<key>, <value>]...]]");
        }
    } else if (!is_tagged_array(json, "set", &elems)) {
        /* A bare atom: a set (or scalar) with one element. */
        d->keys = xmalloc(sizeof *d->keys);
        error = ovsdb_atom_from_json(&d->keys[0], &type->key, json, symtab);
        if (error) {
            free(d->keys);
            d->keys = NULL;
            return error;
        }
        d->n = 1;
        goto check_count;
    }

    size_t n = json_array_size(elems);
    d->keys = n ? xmalloc(n * sizeof *d->keys) : NULL;
    d->values = is_map && n ? xmalloc(n * sizeof *d->values) : NULL;
    for (size_t i = 0; i < n; i++) {
        const json_t *elem = json_array_get(elems, i);
        const json_t *jkey = elem, *jvalue = NULL;
        if (is_map) {
            if (!json_is_array(elem) || json_array_size(elem) != 2) {
                error = ovsdb_syntax_error(elem, NULL, "map element must be a [<key>, <value>] "
                                           "pair");
                goto fail;
            }
            jkey = json_array_get(elem, 0);
            jvalue = json_array_get(elem, 1);
        }
        error = ovsdb_atom_from_json(&d->keys[i], &type->key, jkey, symtab);
        if (error) {
            goto fail;
        }
        if (is_map) {
            error = ovsdb_atom_from_json(&d->values[i], &type->value, jvalue, symtab);
            if (error) {
                ovsdb_atom_destroy(&d->keys[i], type->key.type);
                goto fail;
            }
        }
        d->n++;
    }
    error = ovsdb_datum_sort(d, type);
    if (error) {
        ovsdb_datum_destroy(d, type);
        return error;
    }

check_count:
    if (d->n < type->n_min || d->n > type->n_max) {
        unsigned int n_found = d->n;
        ovsdb_datum_destroy(d, type);
        return count_error(json, n_found, type);
    }
    return NULL;

fail:
    ovsdb_datum_destroy(d, type);
    return error;
}

json_t *
ovsdb_datum_to_json(const struct ovsdb_datum *d, const struct ovsdb_type *type)
{
    if (ovsdb_type_is_map(type)) {
        json_t *pairs = json_array();
        for (unsigned int i = 0; i < d->n; i++) {
            json_array_append_new(pairs, json_pack("[oo]",
                                                   ovsdb_atom_to_json(&d->keys[i], type->key.type),
                                                   ovsdb_atom_to_json(&d->values[i],
                                                                      type->value.type)));
        }
        return json_pack("[so]", "map", pairs);
    }
    if (d->n == 1) {
        return ovsdb_atom_to_json(&d->keys[0], type->key.type);
    }
    json_t *elems = json_array();
    for (unsigned int i = 0; i < d->n; i++) {
        json_array_append_new(elems, ovsdb_atom_to_json(&d->keys[i], type->key.type));
    }
    return json_pack("[so]", "set", elems);
}

void
ovsdb_datum_to_string(const struct ovsdb_datum *d, const struct ovsdb_type *type, struct ds *ds)
{
    bool is_map = ovsdb_type_is_map(type);
    if (type->n_max == 1 && d->n == 1 && !is_map) {
        ovsdb_atom_to_string(&d->keys[0], type->key.type, ds);
        return;
    }
    ds_put_char(ds, is_map ? '{' : '[');
    for (unsigned int i = 0; i < d->n; i++) {
        if (i) {
            ds_put_cstr(ds, ", ");
        }
        ovsdb_atom_to_string(&d->keys[i], type->key.type, ds);
        if (is_map) {
            ds_put_char(ds, '=');
            ovsdb_atom_to_string(&d->values[i], type->value.type, ds);
        }
    }
    ds_put_char(ds, is_map ? '}' : ']');
}

void
ovsdb_datum_to_bare(const struct ovsdb_datum *d, const struct ovsdb_type *type, struct ds *ds)
{
    for (unsigned int i = 0; i < d->n; i++) {
        if (i) {
            ds_put_cstr(ds, ", ");
        }
        ovsdb_atom_to_bare(&d->keys[i], type->key.type, ds);
        if (d->values) {
            ds_put_char(ds, '=');
            ovsdb_atom_to_bare(&d->values[i], type->value.type, ds);
        }
    }
}

int
ovsdb_datum_compare_3way(const struct ovsdb_datum *a, const struct ovsdb_datum *b,
                         const struct ovsdb_type *type)
{
    if (a->n != b->n) {
        return a->n < b->n ? -1 : 1;
    }
    for (unsigned int i = 0; i < a->n; i++) {
        int cmp = ovsdb_atom_compare(&a->keys[i], &b->keys[i], type->key.type);
        if (cmp) {
            return cmp;
        }
    }
    if (type->value.type != OVSDB_TYPE_VOID) {
        for (unsigned int i = 0; i < a->n; i++) {
            int cmp = ovsdb_atom_compare(&a->values[i], &b->values[i], type->value.type);
            if (cmp) {
                return cmp;
            }
        }
    }
    return 0;
}

bool
ovsdb_datum_equals(const struct ovsdb_datum *a, const struct ovsdb_datum *b,
                   const struct ovsdb_type *type)
{
    return !ovsdb_datum_compare_3way(a, b, type);
}

unsigned int
ovsdb_datum_find_key(const struct ovsdb_datum *d, const union ovsdb_atom *key,
                     enum ovsdb_atomic_type key_type)
{
    unsigned int lo = 0, hi = d->n;
    while (lo < hi) {
        unsigned int mid = lo + (hi - lo) / 2;
        int cmp = ovsdb_atom_compare(key, &d->keys[mid], key_type);
        if (!cmp) {
            return mid;
        } else if (cmp < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return UINT_MAX;
}

/* Is element I of A (key, and value for maps) present in B? */
static bool
element_in(const struct ovsdb_datum *a, unsigned int i, const struct ovsdb_datum *b,
           const struct ovsdb_type *type)
{
    unsigned int j = ovsdb_datum_find_key(b, &a->keys[i], type->key.type);
    if (j == UINT_MAX) {
        return false;
    }
    return type->value.type == OVSDB_TYPE_VOID
           || !ovsdb_atom_compare(&a->values[i], &b->values[j], type->value.type);
}

bool
ovsdb_datum_includes_all(const struct ovsdb_datum *a, const struct ovsdb_datum *b,
                         const struct ovsdb_type *type)
{
    for (unsigned int i = 0; i < a->n; i++) {
        if (!element_in(a, i, b, type)) {
            return false;
        }
    }
    return true;
}

bool
ovsdb_datum_excludes_all(const struct ovsdb_datum *a, const struct ovsdb_datum *b,
                         const struct ovsdb_type *type)
{
    for (unsigned int i = 0; i < a->n; i++) {
        if (element_in(a, i, b, type)) {
            return false;
        }
    }
    return true;
}

void
ovsdb_datum_union(struct ovsdb_datum *a, const struct ovsdb_datum *b,
                  const struct ovsdb_type *type)
{
    unsigned int n_old = a->n;
    bool added = false;
    for (unsigned int i = 0; i < b->n; i++) {
        struct ovsdb_datum old_part = { n_old, a->keys, a->values };
        if (ovsdb_datum_find_key(&old_part, &b->keys[i], type->key.type) == UINT_MAX) {
            ovsdb_datum_add_unsafe(a, &b->keys[i], b->values ? &b->values[i] : NULL, type);
            added = true;
        }
    }
    if (added) {
        ovsdb_datum_sort_unique(a, type);
    }
}

void
ovsdb_datum_subtract(struct ovsdb_datum *a, const struct ovsdb_type *a_type,
                     const struct ovsdb_datum *b, const struct ovsdb_type *b_type)
{
    bool match_values = b_type->value.type != OVSDB_TYPE_VOID;
    for (unsigned int i = 0; i < b->n; i++) {
        unsigned int j = ovsdb_datum_find_key(a, &b->keys[i], a_type->key.type);
        if (j == UINT_MAX) {
            continue;
        }
        if (match_values && a->values
            && ovsdb_atom_compare(&a->values[j], &b->values[i], a_type->value.type)) {
            continue;
        }
        ovsdb_datum_remove(a, j, a_type);
    }
}
