/*
 * ovsdb-types — UUIDs and the OVSDB type system of RFC 7047 §3.2 (<atomic-type>, <base-type>,
 * <type>).
 *
 * An atomic type is one of integer (int64), real (double), boolean, string (UTF-8) or uuid. A base
 * type is an atomic type plus optional constraints: "enum" (a set of allowed atoms), "minInteger" /
 * "maxInteger", "minReal" / "maxReal", "minLength" / "maxLength" (in Unicode code points), and for
 * uuids "refTable" / "refType" ("strong" or "weak"). A full type is a key base type, an optional
 * value base type (a map when present) and the element count bounds "min" (0 or 1) and "max" (>= 1
 * or "unlimited", stored as OVSDB_UNLIMITED). A scalar column is min = max = 1 with no value type.
 *
 * Invariants after a successful *_from_json(): integer/real ranges have min <= max; n_min <= n_max;
 * n_max >= 1; an enum datum is sorted and unique and each of its atoms satisfies the other
 * constraints. uuid.ref_table is resolved by ovsdb-schema after all tables are known.
 *
 * Thread-safety: types are immutable after parsing; any thread may read them. uuid_generate() is
 * thread-safe.
 */
#ifndef UVS_OVSDB_TYPES_H
#define UVS_OVSDB_TYPES_H 1

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

struct ovsdb_datum;
struct ovsdb_error;
struct ovsdb_table_schema;

/* ---- UUIDs (RFC 4122 text form, 36 characters) ---- */

struct uuid {
    uint8_t b[16];
};
#define UUID_LEN 36

/* Fills UUID with a random (version 4) UUID. */
void uuid_generate(struct uuid *uuid);
/* Parses the 8-4-4-4-12 hex form; returns false (and zeroes UUID) if S is not one. */
bool uuid_from_string(struct uuid *uuid, const char *s);
/* Writes the 36-character lowercase form plus NUL into BUF; returns BUF. */
char *uuid_to_string(const struct uuid *uuid, char buf[UUID_LEN + 1]);
int uuid_compare(const struct uuid *a, const struct uuid *b);
bool uuid_equals(const struct uuid *a, const struct uuid *b);
bool uuid_is_zero(const struct uuid *uuid);
/* True if S looks like a UUID. */
bool uuid_is_string(const char *s);

/* ---- Types ---- */

enum ovsdb_atomic_type {
    OVSDB_TYPE_VOID = 0,        /* No value (the "value" of a set). */
    OVSDB_TYPE_INTEGER,
    OVSDB_TYPE_REAL,
    OVSDB_TYPE_BOOLEAN,
    OVSDB_TYPE_STRING,
    OVSDB_TYPE_UUID,
    OVSDB_N_TYPES
};

const char *ovsdb_atomic_type_to_string(enum ovsdb_atomic_type);
/* Returns true and sets *TYPE if NAME is "integer", "real", "boolean", "string" or "uuid". */
bool ovsdb_atomic_type_from_string(const char *name, enum ovsdb_atomic_type *type);

enum ovsdb_ref_type {
    OVSDB_REF_STRONG,
    OVSDB_REF_WEAK
};

struct ovsdb_base_type {
    enum ovsdb_atomic_type type;
    struct ovsdb_datum *enum_;          /* Allowed values (a set of 'type'), or NULL. */
    union {
        struct { int64_t min, max; } integer;
        struct { double min, max; } real;
        struct { unsigned int min_len, max_len; } string;   /* Code points. */
        struct {
            char *ref_table_name;       /* NULL if not a reference. */
            struct ovsdb_table_schema *ref_table;   /* Resolved by ovsdb-schema. */
            enum ovsdb_ref_type ref_type;
        } uuid;
    } u;
};

#define OVSDB_UNLIMITED UINT_MAX

struct ovsdb_type {
    struct ovsdb_base_type key;
    struct ovsdb_base_type value;       /* type OVSDB_TYPE_VOID for scalars and sets. */
    unsigned int n_min;                 /* 0 or 1. */
    unsigned int n_max;                 /* >= 1, or OVSDB_UNLIMITED. */
};

/* Initializes BASE as TYPE with no constraints. */
void ovsdb_base_type_init(struct ovsdb_base_type *base, enum ovsdb_atomic_type type);
void ovsdb_base_type_clone(struct ovsdb_base_type *dst, const struct ovsdb_base_type *src);
void ovsdb_base_type_destroy(struct ovsdb_base_type *base);
/* True if BASE has any constraint (enum, range, length, refTable). */
bool ovsdb_base_type_has_constraints(const struct ovsdb_base_type *base);
/* True if BASE is a uuid with a refTable and ref_type strong. */
bool ovsdb_base_type_is_strong_ref(const struct ovsdb_base_type *base);
bool ovsdb_base_type_is_weak_ref(const struct ovsdb_base_type *base);
/* Parses RFC 7047 <base-type> (a string or an object). Errors are "syntax error"s naming the
 * offending member. */
struct ovsdb_error *ovsdb_base_type_from_json(struct ovsdb_base_type *base, const json_t *json);
json_t *ovsdb_base_type_to_json(const struct ovsdb_base_type *base);

/* A scalar of atomic TYPE (min = max = 1). */
void ovsdb_type_init_scalar(struct ovsdb_type *type, enum ovsdb_atomic_type atomic);
void ovsdb_type_clone(struct ovsdb_type *dst, const struct ovsdb_type *src);
void ovsdb_type_destroy(struct ovsdb_type *type);
bool ovsdb_type_is_scalar(const struct ovsdb_type *type);
bool ovsdb_type_is_optional(const struct ovsdb_type *type);     /* min 0, max 1 */
bool ovsdb_type_is_map(const struct ovsdb_type *type);
bool ovsdb_type_is_set(const struct ovsdb_type *type);          /* not map, max > 1 */
/* Parses RFC 7047 <type>. */
struct ovsdb_error *ovsdb_type_from_json(struct ovsdb_type *type, const json_t *json);
json_t *ovsdb_type_to_json(const struct ovsdb_type *type);
/* English description for messages: "set of up to 4096 integers in range 0 to 4095", etc. */
char *ovsdb_type_to_english(const struct ovsdb_type *type);

#endif
