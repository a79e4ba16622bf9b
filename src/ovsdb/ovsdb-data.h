/*
 * ovsdb-data — atoms and datums (RFC 7047 §5.1): the values stored in OVSDB columns, their wire
 * notation and their constraints.
 *
 * An atom is one integer, real, boolean, string or uuid. A datum is what a column holds: a sorted
 * array of n keys and, for a map, a parallel array of n values. Scalars (min = max = 1) are datums
 * with n == 1; optional values are datums with n 0 or 1. Invariants of every datum the engine keeps:
 * keys are sorted by ovsdb_atom_compare() and unique; n satisfies the column type's [min, max]; each
 * atom satisfies its base type's constraints (range, enum, length). Strings are malloc'd and owned
 * by their datum.
 *
 * Wire notation (RFC 7047 §5.1): an atom is a JSON integer, real, boolean or string, or
 * ["uuid", "<uuid>"] / ["named-uuid", "<id>"]; a set is ["set", [atom...]] or, with exactly one
 * element, the atom itself; a map is ["map", [[key, value]...]]. Parsing checks type and constraints
 * and reports precise errors: "syntax error" for malformed JSON, "constraint violation" for values
 * outside a range, enum or length limit.
 *
 * Named UUIDs are resolved through a symbol table (struct ovsdb_symtab) shared by one transaction: a
 * name seen first in a reference is given a fresh UUID that a later "insert" with that "uuid-name"
 * adopts, so references may precede the insert (as in OVS).
 *
 * Thread-safety: none needed; datums belong to their row or to their caller.
 */
#ifndef UVS_OVSDB_DATA_H
#define UVS_OVSDB_DATA_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ovsdb/ovsdb-types.h"

struct ds;
struct ovsdb_error;

union ovsdb_atom {
    int64_t integer;
    double real;
    bool boolean;
    char *string;           /* malloc'd UTF-8 */
    struct uuid uuid;
};

/* ---- Symbol table for "named-uuid" ---- */

struct ovsdb_symbol {
    char *name;
    struct uuid uuid;
    bool created;           /* An "insert" with this "uuid-name" ran. */
    bool referenced;        /* Used in a ["named-uuid", name] atom. */
};

struct ovsdb_symtab {
    struct ovsdb_symbol **symbols;
    size_t n, allocated;
};

struct ovsdb_symtab *ovsdb_symtab_create(void);
void ovsdb_symtab_destroy(struct ovsdb_symtab *);
/* Returns NAME's symbol or NULL. */
struct ovsdb_symbol *ovsdb_symtab_get(const struct ovsdb_symtab *, const char *name);
/* Returns NAME's symbol, creating it with a fresh random UUID if needed. */
struct ovsdb_symbol *ovsdb_symtab_insert(struct ovsdb_symtab *, const char *name);

/* ---- Atoms ---- */

/* 0, 0.0, false, "" or the all-zero UUID. */
void ovsdb_atom_init_default(union ovsdb_atom *, enum ovsdb_atomic_type);
bool ovsdb_atom_is_default(const union ovsdb_atom *, enum ovsdb_atomic_type);
void ovsdb_atom_clone(union ovsdb_atom *dst, const union ovsdb_atom *src, enum ovsdb_atomic_type);
void ovsdb_atom_destroy(union ovsdb_atom *, enum ovsdb_atomic_type);
/* Three-way comparison (<0, 0, >0); strings compare bytewise (= code point order). */
int ovsdb_atom_compare(const union ovsdb_atom *a, const union ovsdb_atom *b,
                       enum ovsdb_atomic_type);
/* Parses JSON as an atom of BASE's type and checks BASE's constraints. SYMTAB resolves named-uuids
 * (NULL: named-uuid is a syntax error). On error the atom is left uninitialized. */
struct ovsdb_error *ovsdb_atom_from_json(union ovsdb_atom *, const struct ovsdb_base_type *base,
                                         const json_t *json, struct ovsdb_symtab *symtab);
json_t *ovsdb_atom_to_json(const union ovsdb_atom *, enum ovsdb_atomic_type);
/* Returns NULL or a "constraint violation" naming the value and the limit it breaks. */
struct ovsdb_error *ovsdb_atom_check_constraints(const union ovsdb_atom *,
                                                 const struct ovsdb_base_type *base);
/* Appends the ovsdb-client/ovs-vsctl display form: a string is bare when it starts with a letter or
 * '_' and holds only letters, '_', '-' and '.' (and is not "true"/"false"), else JSON-quoted;
 * uuids bare; reals as %.15g. */
void ovsdb_atom_to_string(const union ovsdb_atom *, enum ovsdb_atomic_type, struct ds *);
/* Like ovsdb_atom_to_string() but strings are never quoted (for error messages). */
void ovsdb_atom_to_bare(const union ovsdb_atom *, enum ovsdb_atomic_type, struct ds *);

/* ---- Datums ---- */

struct ovsdb_datum {
    unsigned int n;             /* Number of elements. */
    union ovsdb_atom *keys;     /* n keys, sorted, unique. */
    union ovsdb_atom *values;   /* n values for a map, else NULL. */
};

void ovsdb_datum_init_empty(struct ovsdb_datum *);
/* The default of TYPE: empty if n_min == 0, else one default key (and value). */
void ovsdb_datum_init_default(struct ovsdb_datum *, const struct ovsdb_type *);
bool ovsdb_datum_is_default(const struct ovsdb_datum *, const struct ovsdb_type *);
/* A datum holding one key atom (cloned). */
void ovsdb_datum_init_atom(struct ovsdb_datum *, const union ovsdb_atom *key,
                           enum ovsdb_atomic_type);
void ovsdb_datum_clone(struct ovsdb_datum *dst, const struct ovsdb_datum *src,
                       const struct ovsdb_type *);
void ovsdb_datum_destroy(struct ovsdb_datum *, const struct ovsdb_type *);
void ovsdb_datum_swap(struct ovsdb_datum *a, struct ovsdb_datum *b);

/* Parses RFC 7047 §5.1 <value> JSON as TYPE: checks the notation (set/map/atom), each atom's type
 * and constraints, duplicates, and the element count. */
struct ovsdb_error *ovsdb_datum_from_json(struct ovsdb_datum *, const struct ovsdb_type *,
                                          const json_t *json, struct ovsdb_symtab *symtab);
json_t *ovsdb_datum_to_json(const struct ovsdb_datum *, const struct ovsdb_type *);
/* Display form: atom; "[]" for an empty optional or set; "[a, b]"; "{k=v, k2=v2}". */
void ovsdb_datum_to_string(const struct ovsdb_datum *, const struct ovsdb_type *, struct ds *);
/* Like ovsdb_datum_to_string() with bare strings and no brackets around sets (for messages). */
void ovsdb_datum_to_bare(const struct ovsdb_datum *, const struct ovsdb_type *, struct ds *);

/* Sorts keys (and values), then: ovsdb_datum_sort() reports a duplicate key as an error;
 * ovsdb_datum_sort_unique() drops later duplicates. */
struct ovsdb_error *ovsdb_datum_sort(struct ovsdb_datum *, const struct ovsdb_type *);
void ovsdb_datum_sort_unique(struct ovsdb_datum *, const struct ovsdb_type *);
/* Checks each atom's constraints and n against [n_min, n_max]. */
struct ovsdb_error *ovsdb_datum_check_constraints(const struct ovsdb_datum *,
                                                  const struct ovsdb_type *);

int ovsdb_datum_compare_3way(const struct ovsdb_datum *, const struct ovsdb_datum *,
                             const struct ovsdb_type *);
bool ovsdb_datum_equals(const struct ovsdb_datum *, const struct ovsdb_datum *,
                        const struct ovsdb_type *);
/* Index of KEY in the (sorted) datum, or UINT_MAX. */
unsigned int ovsdb_datum_find_key(const struct ovsdb_datum *, const union ovsdb_atom *key,
                                  enum ovsdb_atomic_type key_type);
/* True if every element of A (key, and value for maps) is in B. */
bool ovsdb_datum_includes_all(const struct ovsdb_datum *a, const struct ovsdb_datum *b,
                              const struct ovsdb_type *);
/* True if no element of A is in B. */
bool ovsdb_datum_excludes_all(const struct ovsdb_datum *a, const struct ovsdb_datum *b,
                              const struct ovsdb_type *);
/* Adds to A each element of B whose key A lacks (RFC 7047 "insert" mutator). */
void ovsdb_datum_union(struct ovsdb_datum *a, const struct ovsdb_datum *b,
                       const struct ovsdb_type *);
/* Removes from A (of A_TYPE) each element of B (of B_TYPE): if B is a map, pairs matching both key
 * and value; if B is a set, elements (or map pairs) with matching keys (RFC 7047 "delete"). */
void ovsdb_datum_subtract(struct ovsdb_datum *a, const struct ovsdb_type *a_type,
                          const struct ovsdb_datum *b, const struct ovsdb_type *b_type);
/* Removes element IDX (order kept). */
void ovsdb_datum_remove(struct ovsdb_datum *, unsigned int idx, const struct ovsdb_type *);
/* Appends KEY/VALUE (cloned) without sorting; call ovsdb_datum_sort*() afterwards. */
void ovsdb_datum_add_unsafe(struct ovsdb_datum *, const union ovsdb_atom *key,
                            const union ovsdb_atom *value, const struct ovsdb_type *);

#endif
