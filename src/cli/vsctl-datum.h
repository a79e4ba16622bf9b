/*
 * vsctl-datum — the OVSDB type system as uvs-vsctl needs it: a parsed schema, atoms and datums, and
 * the three notations a datum travels in.
 *
 *   JSON wire notation (RFC 7047 §5.1): 5, "br0", ["uuid", "..."], ["set", [...]], ["map", [[k, v]]].
 *       vsctl_datum_from_json() / vsctl_datum_to_json().
 *   ovs-vsctl's command-line notation (ovs-vsctl(8) "Database Values"): 5, br0, "a b", [1,2], {k=v}.
 *       vsctl_datum_from_string() parses what users type; vsctl_datum_to_string() prints what
 *       `get`, `list` and `show` print, byte for byte as ovs-vsctl does (strings are quoted only when
 *       they are not identifier-like, see vsctl_string_needs_quotes()).
 *
 * Invariants: a datum of a set or map type is kept sorted by key and free of duplicate keys (the
 * order OVSDB uses, so printed sets come out in the same order as ovs-vsctl prints them); a datum
 * always holds between type->n_min and type->n_max elements once it passed a parser. UUID atoms are
 * strings: either a canonical 36-character UUID or, for rows inserted by the current transaction,
 * a symbolic name that vsctl_datum_to_json() encodes as ["named-uuid", name] (RFC 7047 §5.1).
 *
 * Errors: parsers return NULL on success or a malloc'd message that names the offending text and
 * what was expected, e.g. `"abc" is not a valid integer`.
 *
 * Thread-safety: none needed; uvs-vsctl is single-threaded.
 */
#ifndef UVS_CLI_VSCTL_DATUM_H
#define UVS_CLI_VSCTL_DATUM_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"

/* ---- Types (RFC 7047 §3.2) ---- */

enum vsctl_atomic_type {
    VSCTL_VOID,         /* only as the value type of a non-map column */
    VSCTL_INTEGER,
    VSCTL_REAL,
    VSCTL_BOOLEAN,
    VSCTL_STRING,
    VSCTL_UUID,
};

/* <base-type>: an atomic type with its optional constraints. */
struct vsctl_base_type {
    enum vsctl_atomic_type type;
    int64_t min_integer, max_integer;  /* INT64_MIN / INT64_MAX when unconstrained */
    double min_real, max_real;         /* -DBL_MAX / DBL_MAX when unconstrained */
    char *ref_table;                   /* UUID: referenced table name or NULL */
    bool ref_weak;                     /* UUID: "refType": "weak" */
    json_t *enum_values;               /* allowed values (JSON array of atoms) or NULL */
};

/* <type>: key, optional value (map), and the allowed number of elements. */
struct vsctl_type {
    struct vsctl_base_type key;
    struct vsctl_base_type value;      /* value.type == VSCTL_VOID unless a map */
    unsigned int n_min;                /* 0 or 1 */
    unsigned int n_max;                /* >= 1; UINT_MAX for "unlimited" */
};

struct vsctl_column {
    char *name;
    struct vsctl_type type;
    bool mutable_;                     /* false for "mutable": false columns such as Bridge.name */
    bool ephemeral;
};

struct vsctl_table {
    char *name;
    struct vsctl_column *columns;      /* sorted by name */
    size_t n_columns;
    bool is_root;
    long max_rows;                     /* -1 when unlimited */
};

struct vsctl_schema {
    char *name;
    char *version;
    struct vsctl_table *tables;        /* sorted by name */
    size_t n_tables;
};

/* Parses an RFC 7047 §3.2 <database-schema> object (as returned by "get_schema"). Returns NULL and
 * sets *SCHEMAP, or a malloc'd error. */
char *vsctl_schema_from_json(const json_t *json, struct vsctl_schema **schemap);
void vsctl_schema_destroy(struct vsctl_schema *);

/* Exact lookups; NULL when absent. */
const struct vsctl_table *vsctl_schema_find_table(const struct vsctl_schema *, const char *name);
const struct vsctl_column *vsctl_table_find_column(const struct vsctl_table *, const char *name);
/* Index of COLUMN within its table's 'columns' array. */
size_t vsctl_column_index(const struct vsctl_table *, const struct vsctl_column *);

/* ovs-vsctl's abbreviation rules: a name matches exactly, or case-insensitively with '-' and '_'
 * treated alike, or as an unambiguous prefix. Returns NULL and sets the result, or a malloc'd error
 * worded as ovs-vsctl words it ('unknown table "brdge"', 'Interface does not contain a column
 * whose name matches "tyep"', '... more than one column whose name matches ...'). */
char *vsctl_schema_match_table(const struct vsctl_schema *, const char *name,
                               const struct vsctl_table **tablep);
char *vsctl_table_match_column(const struct vsctl_table *, const char *name,
                               const struct vsctl_column **columnp);

bool vsctl_type_is_map(const struct vsctl_type *);

/* ---- Atoms and datums ---- */

union vsctl_atom {
    int64_t integer;
    double real;
    bool boolean;
    char *string;      /* VSCTL_STRING, and VSCTL_UUID (UUID text or symbolic name) */
};

struct vsctl_datum {
    size_t n;
    union vsctl_atom *keys;
    union vsctl_atom *values;          /* NULL unless the type is a map */
};

#define VSCTL_DATUM_EMPTY { 0, NULL, NULL }

void vsctl_atom_clone(union vsctl_atom *dst, const union vsctl_atom *src, enum vsctl_atomic_type);
void vsctl_atom_destroy(union vsctl_atom *, enum vsctl_atomic_type);
int vsctl_atom_compare(const union vsctl_atom *, const union vsctl_atom *, enum vsctl_atomic_type);
/* Parses one atom from command-line text (the whole of S). Checks the base type's constraints. */
char *vsctl_atom_from_string(union vsctl_atom *, const struct vsctl_base_type *, const char *s);
void vsctl_atom_to_string(const union vsctl_atom *, enum vsctl_atomic_type, struct ds *);

/* The default value of TYPE: empty for n_min == 0, otherwise 0, 0.0, false, "" or the all-zero
 * UUID (RFC 7047 §5.2.1 "insert" defaults). */
void vsctl_datum_init_default(struct vsctl_datum *, const struct vsctl_type *);
bool vsctl_datum_is_default(const struct vsctl_datum *, const struct vsctl_type *);
void vsctl_datum_clone(struct vsctl_datum *dst, const struct vsctl_datum *src,
                       const struct vsctl_type *);
void vsctl_datum_destroy(struct vsctl_datum *, const struct vsctl_type *);
bool vsctl_datum_equals(const struct vsctl_datum *, const struct vsctl_datum *,
                        const struct vsctl_type *);
/* Index of KEY in the datum or -1. */
long vsctl_datum_find_key(const struct vsctl_datum *, const union vsctl_atom *key,
                          const struct vsctl_type *);
/* Adds KEY (and VALUE for maps; may be NULL otherwise), cloning them, keeping the datum sorted. For
 * maps an existing key's value is replaced. */
void vsctl_datum_put(struct vsctl_datum *, const union vsctl_atom *key,
                     const union vsctl_atom *value, const struct vsctl_type *);
/* Removes element I. */
void vsctl_datum_remove(struct vsctl_datum *, size_t i, const struct vsctl_type *);

/* Convenience builders for the common column shapes. */
void vsctl_datum_set_string(struct vsctl_datum *, const char *s);          /* one string atom */
void vsctl_datum_set_integer(struct vsctl_datum *, int64_t);               /* one integer atom */
/* String of a single-element string datum, or NULL when empty. */
const char *vsctl_datum_string(const struct vsctl_datum *);

/* JSON wire notation (RFC 7047 §5.1). from_json accepts a bare atom for any set type and checks the
 * element count and constraints. */
char *vsctl_datum_from_json(struct vsctl_datum *, const struct vsctl_type *, const json_t *);
json_t *vsctl_datum_to_json(const struct vsctl_datum *, const struct vsctl_type *);
json_t *vsctl_atom_to_json(const union vsctl_atom *, enum vsctl_atomic_type);

/* ovs-vsctl notation. */
char *vsctl_datum_from_string(struct vsctl_datum *, const struct vsctl_type *, const char *s);
void vsctl_datum_to_string(const struct vsctl_datum *, const struct vsctl_type *, struct ds *);

/* Splits one token off *S as ovs-vsctl does: a run of characters up to a delimiter
 * (white space , : = [ ] { } ! < >) outside double quotes; backslash escapes the next character.
 * Advances *S and returns NULL with *TOKENP malloc'd, or a malloc'd error. */
char *vsctl_token_parse(const char **s, char **tokenp);

/* True if S must be written in double quotes to read back as the same string: it is empty, does
 * not start with a letter or '_', contains anything but letters, digits, '_', '-', '.', or is
 * "true", "false" or UUID-shaped. */
bool vsctl_string_needs_quotes(const char *s);
/* Appends S as a JSON string literal with quotes. */
void vsctl_put_quoted(struct ds *, const char *s);
/* True if S is a canonical-shaped UUID (8-4-4-4-12 hex digits). */
bool vsctl_is_uuid(const char *s);

/* ---- Row symbols: ovs-vsctl's "--id=@name" ----
 *
 * A UUID value written "@name" refers to the row that "--id=@name create ..." creates or
 * "--id=@name get ..." names, in the same invocation, before or after the reference. The table is
 * process-wide (uvs-vsctl runs one invocation at a time) and is cleared before each attempt. A
 * symbol first seen in a reference gets a placeholder UUID text "symN" that the creating command
 * adopts as its row's symbolic UUID; vsctl_atom_from_string() resolves "@name" atoms through it. */
struct vsctl_symbol {
    char *name;                        /* "@name" */
    char *uuid;                        /* "symN" placeholder, or the row's UUID */
    bool created;                      /* defined by create or get --id */
    bool referenced;                   /* used in a value */
};
void vsctl_symbols_clear(void);
/* Finds or adds NAME; *IS_NEW (may be NULL) says whether it was added. */
struct vsctl_symbol *vsctl_symbol_get(const char *name, bool *is_new);
/* A symbol referenced but never defined, or NULL. */
const struct vsctl_symbol *vsctl_symbols_find_undefined(void);

#endif
