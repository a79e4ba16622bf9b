/*
 * ovsdb-schema — database schemas (RFC 7047 §3.2 <database-schema>, <table-schema>,
 * <column-schema>).
 *
 * A schema has a name, a version "x.y.z", an optional cksum and a set of tables. Each table has
 * columns, "isRoot" (rows not reachable from a root table through strong references are garbage
 * collected at commit), "maxRows" and "indexes" (sets of columns whose values must be unique across
 * rows). Each column has a type (ovsdb-types.h) and the flags "ephemeral" (not written to disk) and
 * "mutable" (false: only set at insert).
 *
 * Every table also has the two read-only columns of RFC 7047 §3.2: "_uuid" (index
 * OVSDB_COL_UUID) and "_version" (OVSDB_COL_VERSION). User columns follow at indexes >=
 * OVSDB_N_HIDDEN_COLUMNS, sorted by name, so iteration order is stable.
 *
 * Compatibility rule kept from OVS: if no table in a schema says "isRoot", every table is a root.
 *
 * Thread-safety: a schema is immutable after parsing.
 */
#ifndef UVS_OVSDB_SCHEMA_H
#define UVS_OVSDB_SCHEMA_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "ovsdb/ovsdb-types.h"

struct ovsdb_error;

enum {
    OVSDB_COL_UUID = 0,
    OVSDB_COL_VERSION = 1,
    OVSDB_N_HIDDEN_COLUMNS = 2
};

struct ovsdb_column {
    char *name;
    unsigned int index;         /* Position in the table's column array and in row->fields. */
    struct ovsdb_type type;
    bool mutable_;              /* false: may only be set by "insert". */
    bool persistent;            /* false for "ephemeral" columns. */
};

/* A set of columns of one table, e.g. an index or a "columns" list. */
struct ovsdb_column_set {
    const struct ovsdb_column **columns;
    size_t n;
};

struct ovsdb_table_schema {
    char *name;
    bool is_root;
    unsigned int max_rows;      /* UINT_MAX if unlimited. */
    struct ovsdb_column **columns;
    size_t n_columns;           /* Including the hidden _uuid and _version. */
    struct ovsdb_column_set *indexes;
    size_t n_indexes;
};

struct ovsdb_schema {
    char *name;
    char *version;              /* "x.y.z" */
    char *cksum;                /* NULL if absent. */
    struct ovsdb_table_schema **tables;
    size_t n_tables;            /* Sorted by name. */
    json_t *json;               /* The schema as given (owned reference). */
};

/* Parses JSON as a database schema, checking names, types, references between tables, indexes.
 * Errors are "syntax error"s whose details name the table and column. */
struct ovsdb_error *ovsdb_schema_from_json(const json_t *json, struct ovsdb_schema **schemap);
/* Reads and parses FILE_NAME; errors name the file. */
struct ovsdb_error *ovsdb_schema_from_file(const char *file_name, struct ovsdb_schema **schemap);
/* The schema as JSON (new reference to a copy of what was parsed). */
json_t *ovsdb_schema_to_json(const struct ovsdb_schema *);
void ovsdb_schema_destroy(struct ovsdb_schema *);

const struct ovsdb_table_schema *ovsdb_schema_find_table(const struct ovsdb_schema *,
                                                         const char *name);
const struct ovsdb_column *ovsdb_table_schema_find_column(const struct ovsdb_table_schema *,
                                                          const char *name);
/* Index of TABLE in schema->tables. */
size_t ovsdb_schema_table_index(const struct ovsdb_schema *, const struct ovsdb_table_schema *);

/* True if S is an RFC 7047 <id>: [A-Za-z_][A-Za-z0-9_]*. */
bool ovsdb_is_valid_id(const char *s);
/* True if S is "x.y.z" with decimal components. */
bool ovsdb_is_valid_version(const char *s);

void ovsdb_column_set_init(struct ovsdb_column_set *);
void ovsdb_column_set_add(struct ovsdb_column_set *, const struct ovsdb_column *);
bool ovsdb_column_set_contains(const struct ovsdb_column_set *, unsigned int column_index);
void ovsdb_column_set_destroy(struct ovsdb_column_set *);
/* Parses a JSON array of column names of TABLE (NULL JSON: all columns, hidden ones included if
 * WITH_HIDDEN). Errors: "syntax error" for non-strings or duplicates, "unknown column". */
struct ovsdb_error *ovsdb_column_set_from_json(struct ovsdb_column_set *,
                                               const struct ovsdb_table_schema *,
                                               const json_t *json, bool with_hidden);

#endif
