/*
 * ovsdb-query — "where" conditions (RFC 7047 §5.1 <condition>) and mutations (RFC 7047 §5.1
 * <mutation>) over the rows of one table.
 *
 * A condition is a conjunction of clauses [column, function, value]. Functions: "==" and "!=" on
 * any column; "<", "<=", ">", ">=" on integer or real columns that are scalar or optional (an empty
 * optional never matches); "includes" / "excludes" (the value's elements are all / none of the
 * column's elements; for maps a pair matches when key and value are equal). An empty condition
 * matches every row.
 *
 * A mutation is [column, mutator, value]. "+=", "-=", "*=", "/=", "%=" apply to integer and real
 * columns (and sets of them, element by element; "%=" integers only); "insert" and "delete" to sets
 * and maps. Errors follow RFC 7047 §5.2.4: "domain error" (division by zero), "range error"
 * (integer overflow, non-finite real), "constraint violation" (result outside the column's range,
 * enum or size, or an immutable column), "syntax error" (type mismatch).
 *
 * Thread-safety: as ovsdb.h.
 */
#ifndef UVS_OVSDB_QUERY_H
#define UVS_OVSDB_QUERY_H 1

#include <jansson.h>
#include <stdbool.h>

#include "ovsdb/ovsdb.h"

enum ovsdb_function {
    OVSDB_F_EQ, OVSDB_F_NE, OVSDB_F_LT, OVSDB_F_LE, OVSDB_F_GT, OVSDB_F_GE,
    OVSDB_F_INCLUDES, OVSDB_F_EXCLUDES
};

struct ovsdb_clause {
    enum ovsdb_function function;
    const struct ovsdb_column *column;
    struct ovsdb_type arg_type;         /* Type ARG was parsed with. */
    struct ovsdb_datum arg;
};

struct ovsdb_condition {
    struct ovsdb_clause *clauses;
    size_t n;
};

/* Parses JSON (an array of clauses) against table schema TS. */
struct ovsdb_error *ovsdb_condition_from_json(struct ovsdb_condition *,
                                              const struct ovsdb_table_schema *ts,
                                              const json_t *json, struct ovsdb_symtab *symtab);
void ovsdb_condition_destroy(struct ovsdb_condition *);
bool ovsdb_condition_match(const struct ovsdb_condition *, const struct ovsdb_row *row);
/* If the condition contains a clause ["_uuid", "==", X], returns X (so callers can look the row up
 * directly instead of scanning), else NULL. */
const struct uuid *ovsdb_condition_get_uuid(const struct ovsdb_condition *);

enum ovsdb_mutator {
    OVSDB_M_ADD, OVSDB_M_SUB, OVSDB_M_MUL, OVSDB_M_DIV, OVSDB_M_MOD,
    OVSDB_M_INSERT, OVSDB_M_DELETE
};

struct ovsdb_mutation {
    enum ovsdb_mutator mutator;
    const struct ovsdb_column *column;
    struct ovsdb_type arg_type;
    struct ovsdb_datum arg;
};

struct ovsdb_mutation_set {
    struct ovsdb_mutation *mutations;
    size_t n;
};

struct ovsdb_error *ovsdb_mutation_set_from_json(struct ovsdb_mutation_set *,
                                                 const struct ovsdb_table_schema *ts,
                                                 const json_t *json,
                                                 struct ovsdb_symtab *symtab);
void ovsdb_mutation_set_destroy(struct ovsdb_mutation_set *);
/* Applies the mutations to ROW (writable) in order; on error ROW may be partly mutated (the caller
 * aborts the transaction). */
struct ovsdb_error *ovsdb_mutation_set_execute(const struct ovsdb_mutation_set *,
                                               struct ovsdb_row *row);

#endif
