/* ovsdb-txn — transactions, integrity checks and garbage collection; see ovsdb-txn.h. */
#include "ovsdb/ovsdb-txn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ovsdb/ovsdb-error.h"

/* ---- Types ---- */

struct ovsdb_txn_row {
    TAILQ_ENTRY(ovsdb_txn_row) node;
    struct ovsdb_table *table;
    struct ovsdb_row *row;          /* In the tree: the committed row or the inserted row. */
    struct ovsdb_row *new;          /* Current content: NULL if deleted; == row when unmodified or
                                     * inserted; otherwise a private copy. */
    bool inserted;
    const struct ovsdb_row *counted;   /* Content whose strong refs n_refs reflects. */
    size_t n_refs;                  /* Working strong-reference count. */
    bool *changed;                  /* Per column; set by precommit. */
    bool any_change;                /* Set by precommit. */
};

struct ovsdb_txn {
    struct ovsdb *db;
    TAILQ_HEAD(, ovsdb_txn_row) rows;
    struct ds comment;
};

/* ---- Private prototypes ---- */

static struct ovsdb_txn_row *txn_row_for(struct ovsdb_txn *, struct ovsdb_row *tree_row);
static struct ovsdb_row *tree_row_of(const struct ovsdb_row *view);
static void txn_row_free(struct ovsdb_txn_row *);

/* ---- Opening and reading ---- */

struct ovsdb_txn *
ovsdb_txn_create(struct ovsdb *db)
{
    struct ovsdb_txn *txn = xzalloc(sizeof *txn);
    txn->db = db;
    TAILQ_INIT(&txn->rows);
    ds_init(&txn->comment);
    db->txn = txn;
    return txn;
}

struct ovsdb *
ovsdb_txn_get_db(const struct ovsdb_txn *txn)
{
    return txn->db;
}

/* The current view of TREE_ROW, or NULL if deleted. */
static const struct ovsdb_row *
view_of(const struct ovsdb_row *tree_row)
{
    return tree_row->txn_row ? tree_row->txn_row->new : tree_row;
}

const struct ovsdb_row *
ovsdb_txn_get_row(const struct ovsdb_txn *txn, const struct ovsdb_table *table,
                  const struct uuid *uuid)
{
    (void) txn;
    const struct ovsdb_row *row = ovsdb_table_get_row(table, uuid);
    return row ? view_of(row) : NULL;
}

size_t
ovsdb_txn_table_snapshot(const struct ovsdb_txn *txn, const struct ovsdb_table *table,
                         const struct ovsdb_row ***rowsp)
{
    (void) txn;
    size_t n = 0, allocated = table->n_rows + 8;
    const struct ovsdb_row **rows = xmalloc(allocated * sizeof *rows);
    struct ovsdb_row *row;
    RB_FOREACH(row, ovsdb_row_tree, (struct ovsdb_row_tree *) &table->rows) {
        const struct ovsdb_row *v = view_of(row);
        if (v) {
            if (n >= allocated) {
                allocated *= 2;
                rows = xrealloc(rows, allocated * sizeof *rows);
            }
            rows[n++] = v;
        }
    }
    *rowsp = rows;
    return n;
}

/* ---- Changing ---- */

static struct ovsdb_row *
tree_row_of(const struct ovsdb_row *view)
{
    return view->txn_row ? view->txn_row->row : (struct ovsdb_row *) view;
}

static struct ovsdb_txn_row *
txn_row_for(struct ovsdb_txn *txn, struct ovsdb_row *tree_row)
{
    if (!tree_row->txn_row) {
        struct ovsdb_txn_row *tr = xzalloc(sizeof *tr);
        tr->table = tree_row->table;
        tr->row = tree_row;
        tr->new = tree_row;
        tr->counted = tree_row;
        tr->n_refs = tree_row->n_refs;
        tree_row->txn_row = tr;
        TAILQ_INSERT_TAIL(&txn->rows, tr, node);
    }
    return tree_row->txn_row;
}

struct ovsdb_row *
ovsdb_txn_insert(struct ovsdb_txn *txn, struct ovsdb_table *table, const struct uuid *uuid)
{
    struct uuid fresh;
    if (!uuid) {
        uuid_generate(&fresh);
        uuid = &fresh;
    }
    if (ovsdb_table_get_row(table, uuid)) {
        errno = EEXIST;
        return NULL;
    }
    struct ovsdb_row *row = ovsdb_row_create(table);
    struct uuid version;
    uuid_generate(&version);
    ovsdb_row_set_uuid(row, uuid);
    ovsdb_row_set_version(row, &version);
    RB_INSERT(ovsdb_row_tree, &table->rows, row);

    struct ovsdb_txn_row *tr = xzalloc(sizeof *tr);
    tr->table = table;
    tr->row = tr->new = row;
    tr->inserted = true;
    row->txn_row = tr;
    TAILQ_INSERT_TAIL(&txn->rows, tr, node);
    return row;
}

struct ovsdb_row *
ovsdb_txn_modify(struct ovsdb_txn *txn, const struct ovsdb_row *view)
{
    struct ovsdb_txn_row *tr = txn_row_for(txn, tree_row_of(view));
    if (tr->new == tr->row && !tr->inserted) {
        tr->new = ovsdb_row_clone(tr->row);
    }
    return tr->new;
}

void
ovsdb_txn_delete(struct ovsdb_txn *txn, const struct ovsdb_row *view)
{
    struct ovsdb_txn_row *tr = txn_row_for(txn, tree_row_of(view));
    if (tr->new && tr->new != tr->row) {
        ovsdb_row_destroy(tr->new);
    }
    tr->new = NULL;
}

void
ovsdb_txn_add_comment(struct ovsdb_txn *txn, const char *comment)
{
    if (txn->comment.len) {
        ds_put_char(&txn->comment, '\n');
    }
    ds_put_cstr(&txn->comment, comment);
}

const char *
ovsdb_txn_get_comment(const struct ovsdb_txn *txn)
{
    return txn->comment.len ? txn->comment.s : NULL;
}

bool
ovsdb_txn_is_empty(const struct ovsdb_txn *txn)
{
    struct ovsdb_txn_row *tr;
    TAILQ_FOREACH(tr, &txn->rows, node) {
        if (tr->any_change) {
            return false;
        }
    }
    return true;
}

/* ---- Commit checks ---- */

/* Adds DELTA (+1 or -1) to the reference count of every row that CONTENTS (a version of a row of
 * SRC's table) strongly references. Adding a reference to a row that does not exist in the
 * transaction's view is a referential integrity violation. */
static struct ovsdb_error *
adjust_refs_in(struct ovsdb_txn *txn, const struct ovsdb_row *contents,
               const struct ovsdb_column *c, const struct ovsdb_base_type *base,
               const union ovsdb_atom *atoms, unsigned int n, int delta)
{
    if (!atoms || !ovsdb_base_type_is_strong_ref(base)) {
        return NULL;
    }
    struct ovsdb_table *dst = ovsdb_table_for_schema(txn->db, base->u.uuid.ref_table);
    for (unsigned int i = 0; i < n; i++) {
        struct ovsdb_row *target = ovsdb_table_get_row(dst, &atoms[i].uuid);
        if (delta > 0 && (!target || !view_of(target))) {
            char src_uuid[UUID_LEN + 1], dst_uuid[UUID_LEN + 1];
            return ovsdb_error("referential integrity violation",
                               "Table %s column %s row %s references nonexistent row %s in "
                               "table %s.", contents->table->schema->name, c->name,
                               uuid_to_string(ovsdb_row_get_uuid(contents), src_uuid),
                               uuid_to_string(&atoms[i].uuid, dst_uuid), dst->schema->name);
        }
        if (!target) {
            continue;
        }
        struct ovsdb_txn_row *tr = txn_row_for(txn, target);
        if (delta > 0) {
            tr->n_refs++;
        } else if (tr->n_refs > 0) {
            tr->n_refs--;
        }
    }
    return NULL;
}

static struct ovsdb_error *
adjust_refs(struct ovsdb_txn *txn, const struct ovsdb_row *contents, int delta)
{
    const struct ovsdb_table_schema *ts = contents->table->schema;
    for (size_t i = OVSDB_N_HIDDEN_COLUMNS; i < ts->n_columns; i++) {
        const struct ovsdb_column *c = ts->columns[i];
        const struct ovsdb_datum *d = &contents->fields[i];
        struct ovsdb_error *error = adjust_refs_in(txn, contents, c, &c->type.key, d->keys, d->n,
                                                   delta);
        if (!error) {
            error = adjust_refs_in(txn, contents, c, &c->type.value, d->values, d->n, delta);
        }
        if (error) {
            return error;
        }
    }
    return NULL;
}

/* Makes TR's reference contribution match its current content. */
static struct ovsdb_error *
recount(struct ovsdb_txn *txn, struct ovsdb_txn_row *tr)
{
    if (tr->counted == tr->new) {
        return NULL;
    }
    if (tr->counted) {
        adjust_refs(txn, tr->counted, -1);
    }
    tr->counted = tr->new;
    return tr->new ? adjust_refs(txn, tr->new, +1) : NULL;
}

static struct ovsdb_error *
count_and_collect(struct ovsdb_txn *txn)
{
    struct ovsdb_txn_row *tr;
    struct ovsdb_error *error;

    /* Rows appended while iterating (reference targets) have counted == new: no-ops. */
    TAILQ_FOREACH(tr, &txn->rows, node) {
        error = recount(txn, tr);
        if (error) {
            return error;
        }
    }

    /* Garbage collection, to a fixed point. */
    bool progress;
    do {
        progress = false;
        TAILQ_FOREACH(tr, &txn->rows, node) {
            if (tr->new && !tr->table->schema->is_root && tr->n_refs == 0) {
                struct ovsdb_row *doomed = tr->new;
                tr->new = NULL;
                recount(txn, tr);
                if (doomed != tr->row) {
                    ovsdb_row_destroy(doomed);
                }
                progress = true;
            }
        }
    } while (progress);

    TAILQ_FOREACH(tr, &txn->rows, node) {
        if (!tr->new && tr->n_refs > 0) {
            char buf[UUID_LEN + 1];
            return ovsdb_error("referential integrity violation",
                               "cannot delete %s row %s because of %zu remaining reference(s)",
                               tr->table->schema->name,
                               uuid_to_string(ovsdb_row_get_uuid(tr->row), buf), tr->n_refs);
        }
    }
    return NULL;
}

static bool
table_has_weak_refs(const struct ovsdb_table_schema *ts)
{
    for (size_t i = OVSDB_N_HIDDEN_COLUMNS; i < ts->n_columns; i++) {
        const struct ovsdb_type *t = &ts->columns[i]->type;
        if (ovsdb_base_type_is_weak_ref(&t->key) || ovsdb_base_type_is_weak_ref(&t->value)) {
            return true;
        }
    }
    return false;
}

/* Does any weak reference column of TS point to a table in which rows were deleted? */
static bool
weak_targets_lost_rows(const struct ovsdb_txn *txn, const struct ovsdb_table_schema *ts,
                       const bool *lost)
{
    for (size_t i = OVSDB_N_HIDDEN_COLUMNS; i < ts->n_columns; i++) {
        const struct ovsdb_type *t = &ts->columns[i]->type;
        const struct ovsdb_base_type *bases[2] = { &t->key, &t->value };
        for (int b = 0; b < 2; b++) {
            if (ovsdb_base_type_is_weak_ref(bases[b])
                && lost[ovsdb_schema_table_index(txn->db->schema, bases[b]->u.uuid.ref_table)]) {
                return true;
            }
        }
    }
    return false;
}

static bool
weak_atom_dangles(const struct ovsdb_txn *txn, const struct ovsdb_base_type *base,
                  const union ovsdb_atom *atom)
{
    if (!ovsdb_base_type_is_weak_ref(base)) {
        return false;
    }
    struct ovsdb_table *dst = ovsdb_table_for_schema(txn->db, base->u.uuid.ref_table);
    return !ovsdb_txn_get_row(txn, dst, &atom->uuid);
}

/* Removes dangling weak references from ROW (a view). */
static struct ovsdb_error *
remove_dangling_weak_refs(struct ovsdb_txn *txn, const struct ovsdb_row *row)
{
    const struct ovsdb_table_schema *ts = row->table->schema;
    struct ovsdb_row *rw = NULL;
    for (size_t i = OVSDB_N_HIDDEN_COLUMNS; i < ts->n_columns; i++) {
        const struct ovsdb_column *c = ts->columns[i];
        if (!ovsdb_base_type_is_weak_ref(&c->type.key)
            && !ovsdb_base_type_is_weak_ref(&c->type.value)) {
            continue;
        }
        unsigned int n_removed = 0;
        for (unsigned int j = 0; j < (rw ? rw : row)->fields[i].n; ) {
            const struct ovsdb_datum *d = &(rw ? rw : row)->fields[i];
            if (weak_atom_dangles(txn, &c->type.key, &d->keys[j])
                || (d->values && weak_atom_dangles(txn, &c->type.value, &d->values[j]))) {
                if (!rw) {
                    rw = ovsdb_txn_modify(txn, row);
                }
                ovsdb_datum_remove(&rw->fields[i], j, &c->type);
                n_removed++;
            } else {
                j++;
            }
        }
        if (n_removed && rw->fields[i].n < c->type.n_min) {
            char buf[UUID_LEN + 1];
            return ovsdb_error("constraint violation",
                               "Deletion of %u weak reference(s) to deleted (or never-existing) "
                               "rows from column \"%s\" in \"%s\" row %s caused this column to "
                               "become empty, but constraints on this column disallow an empty "
                               "column.", n_removed, c->name, ts->name,
                               uuid_to_string(ovsdb_row_get_uuid(row), buf));
        }
    }
    return NULL;
}

static struct ovsdb_error *
clean_weak_refs(struct ovsdb_txn *txn)
{
    const struct ovsdb_schema *schema = txn->db->schema;
    bool *lost = xcalloc(schema->n_tables, sizeof *lost);
    struct ovsdb_txn_row *tr;
    TAILQ_FOREACH(tr, &txn->rows, node) {
        if (!tr->new) {
            lost[ovsdb_schema_table_index(schema, tr->table->schema)] = true;
        }
    }

    struct ovsdb_error *error = NULL;
    for (size_t t = 0; t < schema->n_tables && !error; t++) {
        const struct ovsdb_table_schema *ts = schema->tables[t];
        if (!table_has_weak_refs(ts)) {
            continue;
        }
        if (weak_targets_lost_rows(txn, ts, lost)) {
            /* Some target lost rows: check every row of this table. */
            const struct ovsdb_row **rows;
            size_t n = ovsdb_txn_table_snapshot(txn, txn->db->tables[t], &rows);
            for (size_t i = 0; i < n && !error; i++) {
                error = remove_dangling_weak_refs(txn, rows[i]);
            }
            free(rows);
        } else {
            /* Only rows this transaction wrote can hold new dangling references. */
            TAILQ_FOREACH(tr, &txn->rows, node) {
                if (tr->table->schema == ts && tr->new && (tr->inserted || tr->new != tr->row)) {
                    error = remove_dangling_weak_refs(txn, tr->new);
                    if (error) {
                        break;
                    }
                }
            }
        }
    }
    free(lost);
    return error;
}

static void
compute_changes(struct ovsdb_txn *txn)
{
    struct ovsdb_txn_row *tr;
    TAILQ_FOREACH(tr, &txn->rows, node) {
        const struct ovsdb_table_schema *ts = tr->table->schema;
        free(tr->changed);
        tr->changed = xcalloc(ts->n_columns, sizeof *tr->changed);
        tr->any_change = false;
        if (tr->inserted || !tr->new) {
            if (tr->inserted && !tr->new) {
                continue;           /* Inserted and deleted again: nothing happened. */
            }
            for (size_t i = 0; i < ts->n_columns; i++) {
                tr->changed[i] = true;
            }
            tr->any_change = true;
            continue;
        }
        if (tr->new == tr->row) {
            continue;               /* Only its reference count changed. */
        }
        for (size_t i = OVSDB_N_HIDDEN_COLUMNS; i < ts->n_columns; i++) {
            if (!ovsdb_datum_equals(&tr->row->fields[i], &tr->new->fields[i],
                                    &ts->columns[i]->type)) {
                tr->changed[i] = true;
                tr->any_change = true;
            }
        }
        if (tr->any_change) {
            struct uuid version;
            uuid_generate(&version);
            ovsdb_row_set_version(tr->new, &version);
            tr->changed[OVSDB_COL_VERSION] = true;
        }
    }
}

static struct ovsdb_error *
check_max_rows(struct ovsdb_txn *txn)
{
    const struct ovsdb_schema *schema = txn->db->schema;
    long long *delta = xcalloc(schema->n_tables, sizeof *delta);
    struct ovsdb_txn_row *tr;
    TAILQ_FOREACH(tr, &txn->rows, node) {
        size_t t = ovsdb_schema_table_index(schema, tr->table->schema);
        if (tr->inserted && tr->new) {
            delta[t]++;
        } else if (!tr->inserted && !tr->new) {
            delta[t]--;
        }
    }
    struct ovsdb_error *error = NULL;
    for (size_t t = 0; t < schema->n_tables; t++) {
        long long n = (long long) txn->db->tables[t]->n_rows + delta[t];
        if (delta[t] > 0 && n > schema->tables[t]->max_rows) {
            error = ovsdb_error("constraint violation", "transaction causes \"%s\" table to "
                                "contain %lld rows, greater than the schema-defined limit of %u "
                                "row(s)", schema->tables[t]->name, n,
                                schema->tables[t]->max_rows);
            break;
        }
    }
    free(delta);
    return error;
}

struct index_ctx {
    const struct ovsdb_column_set *index;
};

static int
compare_by_index(const void *a_, const void *b_, void *ctx_)
{
    const struct index_ctx *ctx = ctx_;
    const struct ovsdb_row *a = *(const struct ovsdb_row *const *) a_;
    const struct ovsdb_row *b = *(const struct ovsdb_row *const *) b_;
    for (size_t i = 0; i < ctx->index->n; i++) {
        const struct ovsdb_column *c = ctx->index->columns[i];
        int cmp = ovsdb_datum_compare_3way(&a->fields[c->index], &b->fields[c->index], &c->type);
        if (cmp) {
            return cmp;
        }
    }
    return 0;
}

static void
describe_row_origin(struct ds *ds, const struct ovsdb_row *row)
{
    const struct ovsdb_txn_row *tr = row->txn_row;
    if (tr && tr->inserted) {
        ds_put_cstr(ds, "was inserted by this transaction");
    } else if (tr && tr->new != tr->row) {
        ds_put_cstr(ds, "was modified by this transaction");
    } else {
        ds_put_cstr(ds, "existed in the database before this transaction and was not modified by "
                    "the transaction");
    }
}

static struct ovsdb_error *
index_error(const struct ovsdb_table_schema *ts, const struct ovsdb_column_set *index,
            const struct ovsdb_row *a, const struct ovsdb_row *b)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    char buf[UUID_LEN + 1];
    ds_put_format(&ds, "Transaction causes multiple rows in \"%s\" table to have identical "
                  "values (", ts->name);
    for (size_t i = 0; i < index->n; i++) {
        const struct ovsdb_column *c = index->columns[i];
        if (i) {
            ds_put_cstr(&ds, ", ");
        }
        ovsdb_datum_to_bare(&a->fields[c->index], &c->type, &ds);
    }
    ds_put_format(&ds, ") for index on column%s ", index->n > 1 ? "s" : "");
    for (size_t i = 0; i < index->n; i++) {
        ds_put_format(&ds, "%s\"%s\"", i ? ", " : "", index->columns[i]->name);
    }
    ds_put_format(&ds, ".  First row, with UUID %s, ",
                  uuid_to_string(ovsdb_row_get_uuid(a), buf));
    describe_row_origin(&ds, a);
    ds_put_format(&ds, ".  Second row, with UUID %s, ",
                  uuid_to_string(ovsdb_row_get_uuid(b), buf));
    describe_row_origin(&ds, b);
    ds_put_char(&ds, '.');
    struct ovsdb_error *e = ovsdb_error("constraint violation", "%s", ds_cstr(&ds));
    ds_destroy(&ds);
    return e;
}

static bool
index_columns_changed(const struct ovsdb_table_schema *ts, const bool *changed)
{
    for (size_t i = 0; i < ts->n_indexes; i++) {
        for (size_t j = 0; j < ts->indexes[i].n; j++) {
            if (changed[ts->indexes[i].columns[j]->index]) {
                return true;
            }
        }
    }
    return false;
}

static struct ovsdb_error *
check_indexes(struct ovsdb_txn *txn)
{
    const struct ovsdb_schema *schema = txn->db->schema;
    for (size_t t = 0; t < schema->n_tables; t++) {
        const struct ovsdb_table_schema *ts = schema->tables[t];
        if (!ts->n_indexes) {
            continue;
        }
        /* Only inserts and changes to indexed columns can create duplicates. */
        bool touched = false;
        struct ovsdb_txn_row *tr;
        TAILQ_FOREACH(tr, &txn->rows, node) {
            if (tr->table->schema == ts && tr->new && tr->any_change) {
                touched = tr->inserted || index_columns_changed(ts, tr->changed);
                if (touched) {
                    break;
                }
            }
        }
        if (!touched) {
            continue;
        }
        const struct ovsdb_row **rows;
        size_t n = ovsdb_txn_table_snapshot(txn, txn->db->tables[t], &rows);
        for (size_t i = 0; i < ts->n_indexes; i++) {
            struct index_ctx ctx = { &ts->indexes[i] };
            qsort_r(rows, n, sizeof *rows, compare_by_index, &ctx);
            for (size_t j = 1; j < n; j++) {
                if (!compare_by_index(&rows[j - 1], &rows[j], &ctx)) {
                    struct ovsdb_error *e = index_error(ts, &ts->indexes[i], rows[j - 1],
                                                        rows[j]);
                    free(rows);
                    return e;
                }
            }
        }
        free(rows);
    }
    return NULL;
}

struct ovsdb_error *
ovsdb_txn_precommit(struct ovsdb_txn *txn)
{
    struct ovsdb_error *error = count_and_collect(txn);
    if (!error) {
        error = clean_weak_refs(txn);
    }
    if (!error) {
        compute_changes(txn);
        error = check_max_rows(txn);
    }
    if (!error) {
        error = check_indexes(txn);
    }
    return error;
}

/* ---- Commit and abort ---- */

void
ovsdb_txn_for_each_change(const struct ovsdb_txn *txn, ovsdb_txn_change_cb *cb, void *aux)
{
    struct ovsdb_txn_row *tr;
    TAILQ_FOREACH(tr, &txn->rows, node) {
        if (tr->any_change) {
            cb(tr->inserted ? NULL : tr->row, tr->new, tr->changed, aux);
        }
    }
}

static void
txn_row_free(struct ovsdb_txn_row *tr)
{
    free(tr->changed);
    free(tr);
}

static void
txn_apply(struct ovsdb_txn *txn)
{
    struct ovsdb_txn_row *tr;
    while ((tr = TAILQ_FIRST(&txn->rows))) {
        TAILQ_REMOVE(&txn->rows, tr, node);
        struct ovsdb_table *table = tr->table;
        struct ovsdb_row *row = tr->row;
        if (!tr->new) {
            RB_REMOVE(ovsdb_row_tree, &table->rows, row);
            ovsdb_row_destroy(row);
            if (!tr->inserted) {
                table->n_rows--;
            }
        } else if (tr->new != row) {
            RB_REMOVE(ovsdb_row_tree, &table->rows, row);
            ovsdb_row_destroy(row);
            tr->new->txn_row = NULL;
            tr->new->n_refs = tr->n_refs;
            RB_INSERT(ovsdb_row_tree, &table->rows, tr->new);
        } else {
            row->txn_row = NULL;
            row->n_refs = tr->n_refs;
            if (tr->inserted) {
                table->n_rows++;
            }
        }
        txn_row_free(tr);
    }
}

static void
txn_free(struct ovsdb_txn *txn)
{
    if (txn->db->txn == txn) {
        txn->db->txn = NULL;
    }
    ds_destroy(&txn->comment);
    free(txn);
}

void
ovsdb_txn_abort(struct ovsdb_txn *txn)
{
    struct ovsdb_txn_row *tr;
    while ((tr = TAILQ_FIRST(&txn->rows))) {
        TAILQ_REMOVE(&txn->rows, tr, node);
        if (tr->inserted) {
            RB_REMOVE(ovsdb_row_tree, &tr->table->rows, tr->row);
            ovsdb_row_destroy(tr->row);
        } else {
            if (tr->new && tr->new != tr->row) {
                ovsdb_row_destroy(tr->new);
            }
            tr->row->txn_row = NULL;
        }
        txn_row_free(tr);
    }
    txn_free(txn);
}

struct ovsdb_error *
ovsdb_txn_commit(struct ovsdb_txn *txn, bool durable)
{
    struct ovsdb_error *error = ovsdb_txn_precommit(txn);
    if (!error && !ovsdb_txn_is_empty(txn)) {
        struct ovsdb_replica *r;
        TAILQ_FOREACH(r, &txn->db->replicas, node) {
            error = r->class->commit(r, txn, durable);
            if (error) {
                break;
            }
        }
    }
    if (error) {
        ovsdb_txn_abort(txn);
        return error;
    }
    if (!ovsdb_txn_is_empty(txn)) {
        txn->db->n_commits++;
    }
    txn_apply(txn);
    txn_free(txn);
    return NULL;
}
