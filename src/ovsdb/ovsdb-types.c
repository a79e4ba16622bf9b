/* ovsdb-types — UUIDs and RFC 7047 §3.2 types; see ovsdb-types.h. */
#include "ovsdb/ovsdb-types.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "lib/util.h"
#include "ovsdb/ovsdb-data.h"
#include "ovsdb/ovsdb-error.h"

/* ---- UUIDs ---- */

void
uuid_generate(struct uuid *uuid)
{
    size_t got = 0;
    while (got < sizeof uuid->b) {
        ssize_t n = getrandom(uuid->b + got, sizeof uuid->b - got, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            uvs_fatal(errno, "getrandom failed");
        }
        got += n;
    }
    uuid->b[6] = (uuid->b[6] & 0x0f) | 0x40;   /* Version 4. */
    uuid->b[8] = (uuid->b[8] & 0x3f) | 0x80;   /* RFC 4122 variant. */
}

static int
hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

bool
uuid_from_string(struct uuid *uuid, const char *s)
{
    memset(uuid, 0, sizeof *uuid);
    if (strlen(s) != UUID_LEN) {
        return false;
    }
    int nibble = 0;
    for (int i = 0; i < UUID_LEN; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') {
                goto bad;
            }
            continue;
        }
        int v = hexval((unsigned char) s[i]);
        if (v < 0) {
            goto bad;
        }
        uuid->b[nibble / 2] |= nibble % 2 ? v : v << 4;
        nibble++;
    }
    return true;
bad:
    memset(uuid, 0, sizeof *uuid);
    return false;
}

char *
uuid_to_string(const struct uuid *uuid, char buf[UUID_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    char *p = buf;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            *p++ = '-';
        }
        *p++ = hex[uuid->b[i] >> 4];
        *p++ = hex[uuid->b[i] & 15];
    }
    *p = '\0';
    return buf;
}

int
uuid_compare(const struct uuid *a, const struct uuid *b)
{
    return memcmp(a->b, b->b, sizeof a->b);
}

bool
uuid_equals(const struct uuid *a, const struct uuid *b)
{
    return !uuid_compare(a, b);
}

bool
uuid_is_zero(const struct uuid *uuid)
{
    static const struct uuid zero;
    return uuid_equals(uuid, &zero);
}

bool
uuid_is_string(const char *s)
{
    struct uuid u;
    return uuid_from_string(&u, s);
}

/* ---- Atomic types ---- */

static const char *const atomic_names[OVSDB_N_TYPES] = {
    [OVSDB_TYPE_VOID] = "void",
    [OVSDB_TYPE_INTEGER] = "integer",
    [OVSDB_TYPE_REAL] = "real",
    [OVSDB_TYPE_BOOLEAN] = "boolean",
    [OVSDB_TYPE_STRING] = "string",
    [OVSDB_TYPE_UUID] = "uuid",
};

const char *
ovsdb_atomic_type_to_string(enum ovsdb_atomic_type type)
{
    return type < OVSDB_N_TYPES ? atomic_names[type] : "<invalid>";
}

bool
ovsdb_atomic_type_from_string(const char *name, enum ovsdb_atomic_type *type)
{
    for (int t = OVSDB_TYPE_INTEGER; t < OVSDB_N_TYPES; t++) {
        if (!strcmp(name, atomic_names[t])) {
            *type = t;
            return true;
        }
    }
    return false;
}

/* ---- Base types ---- */

void
ovsdb_base_type_init(struct ovsdb_base_type *base, enum ovsdb_atomic_type type)
{
    memset(base, 0, sizeof *base);
    base->type = type;
    switch (type) {
    case OVSDB_TYPE_INTEGER:
        base->u.integer.min = INT64_MIN;
        base->u.integer.max = INT64_MAX;
        break;
    case OVSDB_TYPE_REAL:
        base->u.real.min = -DBL_MAX;
        base->u.real.max = DBL_MAX;
        break;
    case OVSDB_TYPE_STRING:
        base->u.string.min_len = 0;
        base->u.string.max_len = UINT_MAX;
        break;
    case OVSDB_TYPE_UUID:
        base->u.uuid.ref_type = OVSDB_REF_STRONG;
        break;
    default:
        break;
    }
}

void
ovsdb_base_type_clone(struct ovsdb_base_type *dst, const struct ovsdb_base_type *src)
{
    *dst = *src;
    if (src->enum_) {
        struct ovsdb_type etype = { .n_min = 0, .n_max = OVSDB_UNLIMITED };
        ovsdb_base_type_init(&etype.key, src->type);
        ovsdb_base_type_init(&etype.value, OVSDB_TYPE_VOID);
        dst->enum_ = xmalloc(sizeof *dst->enum_);
        ovsdb_datum_clone(dst->enum_, src->enum_, &etype);
    }
    if (src->type == OVSDB_TYPE_UUID && src->u.uuid.ref_table_name) {
        dst->u.uuid.ref_table_name = xstrdup(src->u.uuid.ref_table_name);
    }
}

void
ovsdb_base_type_destroy(struct ovsdb_base_type *base)
{
    if (base->enum_) {
        struct ovsdb_type etype = { .n_min = 0, .n_max = OVSDB_UNLIMITED };
        ovsdb_base_type_init(&etype.key, base->type);
        ovsdb_base_type_init(&etype.value, OVSDB_TYPE_VOID);
        ovsdb_datum_destroy(base->enum_, &etype);
        free(base->enum_);
        base->enum_ = NULL;
    }
    if (base->type == OVSDB_TYPE_UUID) {
        free(base->u.uuid.ref_table_name);
        base->u.uuid.ref_table_name = NULL;
    }
}

bool
ovsdb_base_type_has_constraints(const struct ovsdb_base_type *base)
{
    if (base->enum_) {
        return true;
    }
    switch (base->type) {
    case OVSDB_TYPE_INTEGER:
        return base->u.integer.min != INT64_MIN || base->u.integer.max != INT64_MAX;
    case OVSDB_TYPE_REAL:
        return base->u.real.min != -DBL_MAX || base->u.real.max != DBL_MAX;
    case OVSDB_TYPE_STRING:
        return base->u.string.min_len != 0 || base->u.string.max_len != UINT_MAX;
    case OVSDB_TYPE_UUID:
        return base->u.uuid.ref_table_name != NULL;
    default:
        return false;
    }
}

bool
ovsdb_base_type_is_strong_ref(const struct ovsdb_base_type *base)
{
    return base->type == OVSDB_TYPE_UUID && base->u.uuid.ref_table_name
           && base->u.uuid.ref_type == OVSDB_REF_STRONG;
}

bool
ovsdb_base_type_is_weak_ref(const struct ovsdb_base_type *base)
{
    return base->type == OVSDB_TYPE_UUID && base->u.uuid.ref_table_name
           && base->u.uuid.ref_type == OVSDB_REF_WEAK;
}

static bool
json_is_int_value(const json_t *j, long long min, long long max, long long *out)
{
    if (!json_is_integer(j)) {
        return false;
    }
    long long v = json_integer_value(j);
    if (v < min || v > max) {
        return false;
    }
    *out = v;
    return true;
}

/* Checks that every member of OBJECT is in ALLOWED (NULL-terminated). */
static struct ovsdb_error *
check_members(const json_t *object, const char *what, const char *const *allowed)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *) object, key, value) {
        bool ok = false;
        for (const char *const *a = allowed; *a; a++) {
            if (!strcmp(*a, key)) {
                ok = true;
                break;
            }
        }
        if (!ok) {
            return ovsdb_syntax_error(object, NULL,
                                      "Parsing %s failed: Member '%s' is present but not allowed "
                                      "here.", what, key);
        }
    }
    (void) value;
    return NULL;
}

struct ovsdb_error *
ovsdb_base_type_from_json(struct ovsdb_base_type *base, const json_t *json)
{
    enum ovsdb_atomic_type atomic;
    ovsdb_base_type_init(base, OVSDB_TYPE_VOID);

    if (json_is_string(json)) {
        if (!ovsdb_atomic_type_from_string(json_string_value(json), &atomic)) {
            return ovsdb_syntax_error(json, NULL, "Unknown atomic type \"%s\" (expected integer, "
                                      "real, boolean, string or uuid).",
                                      json_string_value(json));
        }
        ovsdb_base_type_init(base, atomic);
        return NULL;
    }
    if (!json_is_object(json)) {
        return ovsdb_syntax_error(json, NULL, "ovsdb type must be a string or an object.");
    }
    const json_t *jtype = json_object_get(json, "type");
    if (!jtype) {
        return ovsdb_syntax_error(json, NULL, "Parsing ovsdb type failed: Required 'type' member "
                                  "is missing.");
    }
    if (!json_is_string(jtype)
        || !ovsdb_atomic_type_from_string(json_string_value(jtype), &atomic)) {
        return ovsdb_syntax_error(json, NULL, "Unknown atomic type in \"type\" (expected integer, "
                                  "real, boolean, string or uuid).");
    }
    ovsdb_base_type_init(base, atomic);

    struct ovsdb_error *error = NULL;
    long long lo, hi;
    const json_t *jmin, *jmax;
    switch (atomic) {
    case OVSDB_TYPE_INTEGER: {
        static const char *const allowed[] = { "type", "enum", "minInteger", "maxInteger", NULL };
        error = check_members(json, "integer type", allowed);
        jmin = json_object_get(json, "minInteger");
        jmax = json_object_get(json, "maxInteger");
        if (!error && jmin) {
            if (!json_is_int_value(jmin, LLONG_MIN, LLONG_MAX, &lo)) {
                error = ovsdb_syntax_error(json, NULL, "\"minInteger\" must be an integer.");
            } else {
                base->u.integer.min = lo;
            }
        }
        if (!error && jmax) {
            if (!json_is_int_value(jmax, LLONG_MIN, LLONG_MAX, &hi)) {
                error = ovsdb_syntax_error(json, NULL, "\"maxInteger\" must be an integer.");
            } else {
                base->u.integer.max = hi;
            }
        }
        if (!error && base->u.integer.min > base->u.integer.max) {
            error = ovsdb_syntax_error(json, NULL, "minInteger exceeds maxInteger");
        }
        break;
    }
    case OVSDB_TYPE_REAL: {
        static const char *const allowed[] = { "type", "enum", "minReal", "maxReal", NULL };
        error = check_members(json, "real type", allowed);
        jmin = json_object_get(json, "minReal");
        jmax = json_object_get(json, "maxReal");
        if (!error && jmin) {
            if (!json_is_number(jmin)) {
                error = ovsdb_syntax_error(json, NULL, "\"minReal\" must be a number.");
            } else {
                base->u.real.min = json_number_value(jmin);
            }
        }
        if (!error && jmax) {
            if (!json_is_number(jmax)) {
                error = ovsdb_syntax_error(json, NULL, "\"maxReal\" must be a number.");
            } else {
                base->u.real.max = json_number_value(jmax);
            }
        }
        if (!error && base->u.real.min > base->u.real.max) {
            error = ovsdb_syntax_error(json, NULL, "minReal exceeds maxReal");
        }
        break;
    }
    case OVSDB_TYPE_STRING: {
        static const char *const allowed[] = { "type", "enum", "minLength", "maxLength", NULL };
        error = check_members(json, "string type", allowed);
        jmin = json_object_get(json, "minLength");
        jmax = json_object_get(json, "maxLength");
        if (!error && jmin) {
            if (!json_is_int_value(jmin, 0, UINT_MAX, &lo)) {
                error = ovsdb_syntax_error(json, NULL, "\"minLength\" must be a non-negative "
                                           "integer.");
            } else {
                base->u.string.min_len = lo;
            }
        }
        if (!error && jmax) {
            if (!json_is_int_value(jmax, 0, UINT_MAX, &hi)) {
                error = ovsdb_syntax_error(json, NULL, "\"maxLength\" must be a non-negative "
                                           "integer.");
            } else {
                base->u.string.max_len = hi;
            }
        }
        if (!error && base->u.string.min_len > base->u.string.max_len) {
            error = ovsdb_syntax_error(json, NULL, "minLength exceeds maxLength");
        }
        break;
    }
    case OVSDB_TYPE_UUID: {
        static const char *const allowed[] = { "type", "enum", "refTable", "refType", NULL };
        error = check_members(json, "uuid type", allowed);
        const json_t *jref = json_object_get(json, "refTable");
        const json_t *jreftype = json_object_get(json, "refType");
        if (!error && jref) {
            if (!json_is_string(jref)) {
                error = ovsdb_syntax_error(json, NULL, "\"refTable\" must be a table name.");
            } else {
                base->u.uuid.ref_table_name = xstrdup(json_string_value(jref));
            }
        }
        if (!error && jreftype) {
            const char *rt = json_is_string(jreftype) ? json_string_value(jreftype) : "";
            if (!jref) {
                error = ovsdb_syntax_error(json, NULL, "\"refType\" requires \"refTable\".");
            } else if (!strcmp(rt, "strong")) {
                base->u.uuid.ref_type = OVSDB_REF_STRONG;
            } else if (!strcmp(rt, "weak")) {
                base->u.uuid.ref_type = OVSDB_REF_WEAK;
            } else {
                error = ovsdb_syntax_error(json, NULL, "refType must be \"strong\" or \"weak\" "
                                           "(not \"%s\").", rt);
            }
        }
        break;
    }
    case OVSDB_TYPE_BOOLEAN: {
        static const char *const allowed[] = { "type", "enum", NULL };
        error = check_members(json, "boolean type", allowed);
        break;
    }
    default:
        break;
    }

    const json_t *jenum = json_object_get(json, "enum");
    if (!error && jenum) {
        struct ovsdb_type etype = { .n_min = 1, .n_max = OVSDB_UNLIMITED };
        ovsdb_base_type_init(&etype.key, atomic);
        ovsdb_base_type_init(&etype.value, OVSDB_TYPE_VOID);
        base->enum_ = xmalloc(sizeof *base->enum_);
        error = ovsdb_datum_from_json(base->enum_, &etype, jenum, NULL);
        if (error) {
            free(base->enum_);
            base->enum_ = NULL;
            error = ovsdb_error_prefix(error, "\"enum\"");
        }
    }
    if (error) {
        ovsdb_base_type_destroy(base);
    }
    return error;
}

json_t *
ovsdb_base_type_to_json(const struct ovsdb_base_type *base)
{
    if (!ovsdb_base_type_has_constraints(base)) {
        return json_string(ovsdb_atomic_type_to_string(base->type));
    }
    json_t *j = json_object();
    json_object_set_new(j, "type", json_string(ovsdb_atomic_type_to_string(base->type)));
    if (base->enum_) {
        struct ovsdb_type etype = { .n_min = 0, .n_max = OVSDB_UNLIMITED };
        ovsdb_base_type_init(&etype.key, base->type);
        ovsdb_base_type_init(&etype.value, OVSDB_TYPE_VOID);
        json_object_set_new(j, "enum", ovsdb_datum_to_json(base->enum_, &etype));
    }
    switch (base->type) {
    case OVSDB_TYPE_INTEGER:
        if (base->u.integer.min != INT64_MIN) {
            json_object_set_new(j, "minInteger", json_integer(base->u.integer.min));
        }
        if (base->u.integer.max != INT64_MAX) {
            json_object_set_new(j, "maxInteger", json_integer(base->u.integer.max));
        }
        break;
    case OVSDB_TYPE_REAL:
        if (base->u.real.min != -DBL_MAX) {
            json_object_set_new(j, "minReal", json_real(base->u.real.min));
        }
        if (base->u.real.max != DBL_MAX) {
            json_object_set_new(j, "maxReal", json_real(base->u.real.max));
        }
        break;
    case OVSDB_TYPE_STRING:
        if (base->u.string.min_len) {
            json_object_set_new(j, "minLength", json_integer(base->u.string.min_len));
        }
        if (base->u.string.max_len != UINT_MAX) {
            json_object_set_new(j, "maxLength", json_integer(base->u.string.max_len));
        }
        break;
    case OVSDB_TYPE_UUID:
        if (base->u.uuid.ref_table_name) {
            json_object_set_new(j, "refTable", json_string(base->u.uuid.ref_table_name));
            if (base->u.uuid.ref_type == OVSDB_REF_WEAK) {
                json_object_set_new(j, "refType", json_string("weak"));
            }
        }
        break;
    default:
        break;
    }
    return j;
}

/* ---- Types ---- */

void
ovsdb_type_init_scalar(struct ovsdb_type *type, enum ovsdb_atomic_type atomic)
{
    ovsdb_base_type_init(&type->key, atomic);
    ovsdb_base_type_init(&type->value, OVSDB_TYPE_VOID);
    type->n_min = type->n_max = 1;
}

void
ovsdb_type_clone(struct ovsdb_type *dst, const struct ovsdb_type *src)
{
    ovsdb_base_type_clone(&dst->key, &src->key);
    ovsdb_base_type_clone(&dst->value, &src->value);
    dst->n_min = src->n_min;
    dst->n_max = src->n_max;
}

void
ovsdb_type_destroy(struct ovsdb_type *type)
{
    ovsdb_base_type_destroy(&type->key);
    ovsdb_base_type_destroy(&type->value);
}

bool
ovsdb_type_is_scalar(const struct ovsdb_type *type)
{
    return type->value.type == OVSDB_TYPE_VOID && type->n_min == 1 && type->n_max == 1;
}

bool
ovsdb_type_is_optional(const struct ovsdb_type *type)
{
    return type->n_min == 0 && type->n_max == 1;
}

bool
ovsdb_type_is_map(const struct ovsdb_type *type)
{
    return type->value.type != OVSDB_TYPE_VOID;
}

bool
ovsdb_type_is_set(const struct ovsdb_type *type)
{
    return type->value.type == OVSDB_TYPE_VOID && type->n_max > 1;
}

struct ovsdb_error *
ovsdb_type_from_json(struct ovsdb_type *type, const json_t *json)
{
    struct ovsdb_error *error;

    ovsdb_base_type_init(&type->value, OVSDB_TYPE_VOID);
    type->n_min = type->n_max = 1;

    if (json_is_string(json)) {
        return ovsdb_base_type_from_json(&type->key, json);
    }
    if (!json_is_object(json)) {
        return ovsdb_syntax_error(json, NULL, "ovsdb type must be a string or an object.");
    }
    static const char *const allowed[] = { "key", "value", "min", "max", NULL };
    error = check_members(json, "ovsdb type", allowed);
    if (error) {
        return error;
    }
    const json_t *jkey = json_object_get(json, "key");
    if (!jkey) {
        return ovsdb_syntax_error(json, NULL, "Parsing ovsdb type failed: Required 'key' member "
                                  "is missing.");
    }
    error = ovsdb_base_type_from_json(&type->key, jkey);
    if (error) {
        return error;
    }
    const json_t *jvalue = json_object_get(json, "value");
    if (jvalue) {
        error = ovsdb_base_type_from_json(&type->value, jvalue);
        if (error) {
            ovsdb_base_type_destroy(&type->key);
            return error;
        }
    }

    long long v;
    const json_t *jmin = json_object_get(json, "min");
    const json_t *jmax = json_object_get(json, "max");
    if (jmin) {
        if (!json_is_int_value(jmin, 0, 1, &v)) {
            error = ovsdb_syntax_error(json, NULL, "\"min\" must be 0 or 1.");
            goto fail;
        }
        type->n_min = v;
    }
    if (jmax) {
        if (json_is_string(jmax) && !strcmp(json_string_value(jmax), "unlimited")) {
            type->n_max = OVSDB_UNLIMITED;
        } else if (json_is_int_value(jmax, 1, UINT_MAX - 1, &v)) {
            type->n_max = v;
        } else {
            error = ovsdb_syntax_error(json, NULL, "\"max\" must be a positive integer or "
                                       "\"unlimited\".");
            goto fail;
        }
    }
    if (type->n_min > type->n_max) {
        error = ovsdb_syntax_error(json, NULL, "ovsdb type fails constraint checks: \"min\" "
                                   "exceeds \"max\".");
        goto fail;
    }
    return NULL;

fail:
    ovsdb_type_destroy(type);
    return error;
}

json_t *
ovsdb_type_to_json(const struct ovsdb_type *type)
{
    if (ovsdb_type_is_scalar(type) && !ovsdb_base_type_has_constraints(&type->key)) {
        return ovsdb_base_type_to_json(&type->key);
    }
    json_t *j = json_object();
    json_object_set_new(j, "key", ovsdb_base_type_to_json(&type->key));
    if (type->value.type != OVSDB_TYPE_VOID) {
        json_object_set_new(j, "value", ovsdb_base_type_to_json(&type->value));
    }
    if (type->n_min != 1) {
        json_object_set_new(j, "min", json_integer(type->n_min));
    }
    if (type->n_max == OVSDB_UNLIMITED) {
        json_object_set_new(j, "max", json_string("unlimited"));
    } else if (type->n_max != 1) {
        json_object_set_new(j, "max", json_integer(type->n_max));
    }
    return j;
}

static void
base_type_to_english(const struct ovsdb_base_type *base, struct ds *ds)
{
    if (base->type == OVSDB_TYPE_UUID && base->u.uuid.ref_table_name) {
        ds_put_format(ds, "%s %s", base->u.uuid.ref_type == OVSDB_REF_WEAK ? "weak reference to"
                                                                           : "reference to",
                      base->u.uuid.ref_table_name);
    } else {
        ds_put_cstr(ds, ovsdb_atomic_type_to_string(base->type));
    }
}

char *
ovsdb_type_to_english(const struct ovsdb_type *type)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    if (ovsdb_type_is_scalar(type)) {
        base_type_to_english(&type->key, &ds);
    } else if (ovsdb_type_is_optional(type) && !ovsdb_type_is_map(type)) {
        ds_put_cstr(&ds, "optional ");
        base_type_to_english(&type->key, &ds);
    } else {
        ds_put_cstr(&ds, ovsdb_type_is_map(type) ? "map of " : "set of ");
        if (type->n_max != OVSDB_UNLIMITED) {
            ds_put_format(&ds, "%s%u ", type->n_min ? "1 to " : "up to ", type->n_max);
        } else if (type->n_min) {
            ds_put_cstr(&ds, "1 or more ");
        }
        base_type_to_english(&type->key, &ds);
        if (ovsdb_type_is_map(type)) {
            ds_put_char(&ds, '-');
            base_type_to_english(&type->value, &ds);
            ds_put_cstr(&ds, " pairs");
        } else {
            ds_put_char(&ds, 's');
        }
    }
    return ds_steal_cstr(&ds);
}
