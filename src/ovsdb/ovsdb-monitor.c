/* ovsdb-monitor — RFC 7047 §4.1.5 monitors; see ovsdb-monitor.h. */
#include "ovsdb/ovsdb-monitor.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ovsdb/ovsdb-error.h"
#include "ovsdb/ovsdb-query.h"
#include "ovsdb/ovsdb-txn.h"
#include "ovsdb/ovsdb.h"

enum {
    SEL_INITIAL = 1 << 0,
    SEL_INSERT = 1 << 1,
    SEL_DELETE = 1 << 2,
    SEL_MODIFY = 1 << 3,
    SEL_ALL = SEL_INITIAL | SEL_INSERT | SEL_DELETE | SEL_MODIFY
};

/* A table's condition (monitor_cond): a row is reported if it matches ANY clause. */
struct monitor_cond {
    bool all;                       /* No "where", [], or a literal true: every row. */
    struct ovsdb_condition *clauses;  /* One single-clause condition per clause. */
    size_t n;
};

struct monitor_table {
    struct ovsdb_table *table;
    unsigned int *flags;        /* Per column index: SEL_* bits; 0 = not monitored. */
    unsigned int any_flags;     /* Union over columns. */
    struct monitor_cond cond;
};

struct ovsdb_monitor {
    struct ovsdb_replica replica;
    struct ovsdb *db;
    enum ovsdb_monitor_version version;
    char *key;                      /* Version + canonical request text (see the update cache). */
    struct monitor_table *tables;   /* Parallel to db->tables (flags NULL if not monitored). */
    ovsdb_monitor_update_cb *cb;
    void *aux;
};

static const struct ovsdb_replica_class monitor_replica_class;

/* ---- Parsing ---- */

static struct ovsdb_error *
parse_select(const json_t *jselect, unsigned int *selectp)
{
    static const struct { const char *name; unsigned int bit; } members[] = {
        { "initial", SEL_INITIAL }, { "insert", SEL_INSERT },
        { "delete", SEL_DELETE }, { "modify", SEL_MODIFY },
    };
    *selectp = SEL_ALL;
    if (!jselect) {
        return NULL;
    }
    if (!json_is_object(jselect)) {
        return ovsdb_syntax_error(jselect, NULL, "\"select\" must be an object");
    }
    const char *key;
    json_t *value;
    json_object_foreach((json_t *) jselect, key, value) {
        size_t i;
        for (i = 0; i < ARRAY_SIZE(members); i++) {
            if (!strcmp(key, members[i].name)) {
                break;
            }
        }
        if (i == ARRAY_SIZE(members)) {
            return ovsdb_syntax_error(jselect, NULL, "\"select\" member '%s' is not allowed "
                                      "(expected initial, insert, delete, modify)", key);
        }
        if (!json_is_boolean(value)) {
            return ovsdb_syntax_error(jselect, NULL, "\"select\" member '%s' must be a boolean",
                                      key);
        }
        if (json_is_false(value)) {
            *selectp &= ~members[i].bit;
        }
    }
    return NULL;
}

/* Adds the clauses of JWHERE (NULL: none given) to MT's condition (ORed with what is there). */
static struct ovsdb_error *
parse_where(struct monitor_table *mt, const json_t *jwhere)
{
    struct monitor_cond *mc = &mt->cond;
    const struct ovsdb_table_schema *ts = mt->table->schema;
    if (jwhere && !json_is_array(jwhere)) {
        return ovsdb_syntax_error(jwhere, NULL, "table %s: \"where\" must be an array", ts->name);
    }
    if (!json_array_size(jwhere)) {
        mc->all = true;
        return NULL;
    }
    size_t i;
    json_t *jclause;
    json_array_foreach(jwhere, i, jclause) {
        if (json_is_boolean(jclause)) {
            mc->all = mc->all || json_is_true(jclause);
            continue;
        }
        json_t *one = json_pack("[O]", jclause);
        struct ovsdb_condition c;
        struct ovsdb_error *error = ovsdb_condition_from_json(&c, ts, one, NULL);
        json_decref(one);
        if (error) {
            return ovsdb_error_prefix(error, "table %s: \"where\" clause %zu", ts->name, i);
        }
        mc->clauses = xrealloc(mc->clauses, (mc->n + 1) * sizeof *mc->clauses);
        mc->clauses[mc->n++] = c;
    }
    return NULL;
}

static bool
cond_match(const struct monitor_table *mt, const struct ovsdb_row *row)
{
    if (mt->cond.all) {
        return true;
    }
    for (size_t i = 0; i < mt->cond.n; i++) {
        if (ovsdb_condition_match(&mt->cond.clauses[i], row)) {
            return true;
        }
    }
    return false;
}

static struct ovsdb_error *
parse_request(struct monitor_table *mt, const json_t *jreq, enum ovsdb_monitor_version version)
{
    const struct ovsdb_table_schema *ts = mt->table->schema;
    if (!json_is_object(jreq)) {
        return ovsdb_syntax_error(jreq, NULL, "table %s: <monitor-request> must be an object",
                                  ts->name);
    }
    const char *key;
    json_t *value;
    json_object_foreach((json_t *) jreq, key, value) {
        if (strcmp(key, "columns") && strcmp(key, "select")
            && (version == OVSDB_MONITOR_V1 || strcmp(key, "where"))) {
            return ovsdb_syntax_error(jreq, NULL, "table %s: <monitor-request> member '%s' is "
                                      "not allowed (expected columns, select%s)", ts->name, key,
                                      version == OVSDB_MONITOR_V1 ? "" : ", where");
        }
    }
    unsigned int select;
    struct ovsdb_error *error = parse_select(json_object_get(jreq, "select"), &select);
    if (error) {
        return ovsdb_error_prefix(error, "table %s", ts->name);
    }
    error = parse_where(mt, json_object_get(jreq, "where"));
    if (error) {
        return error;
    }
    const json_t *jcolumns = json_object_get(jreq, "columns");
    if (jcolumns) {
        struct ovsdb_column_set columns;
        error = ovsdb_column_set_from_json(&columns, ts, jcolumns, true);
        if (error) {
            return ovsdb_error_prefix(error, "table %s", ts->name);
        }
        for (size_t i = 0; i < columns.n; i++) {
            mt->flags[columns.columns[i]->index] |= select;
        }
        ovsdb_column_set_destroy(&columns);
    } else {
        for (size_t i = OVSDB_COL_VERSION; i < ts->n_columns; i++) {
            mt->flags[i] |= select;
        }
    }
    mt->any_flags |= select;
    return NULL;
}

/* ---- Row output ---- */

/* {column: datum} for each column of ROW whose flags include SEL and, if CHANGED is non-NULL, that
 * changed. */
static json_t *
row_json(const struct monitor_table *mt, const struct ovsdb_row *row, unsigned int sel,
         const bool *changed)
{
    const struct ovsdb_table_schema *ts = mt->table->schema;
    json_t *j = json_object();
    for (size_t i = 0; i < ts->n_columns; i++) {
        if ((mt->flags[i] & sel) && (!changed || changed[i])) {
            const struct ovsdb_column *c = ts->columns[i];
            json_object_set_new(j, c->name, ovsdb_datum_to_json(&row->fields[i], &c->type));
        }
    }
    return j;
}

/* update2 "initial"/"insert": the monitored columns of ROW whose value is not the default. */
static json_t *
row_json2(const struct monitor_table *mt, const struct ovsdb_row *row, unsigned int sel)
{
    const struct ovsdb_table_schema *ts = mt->table->schema;
    json_t *j = json_object();
    for (size_t i = OVSDB_N_HIDDEN_COLUMNS; i < ts->n_columns; i++) {
        const struct ovsdb_column *c = ts->columns[i];
        if ((mt->flags[i] & sel) && !ovsdb_datum_is_default(&row->fields[i], &c->type)) {
            json_object_set_new(j, c->name, ovsdb_datum_to_json(&row->fields[i], &c->type));
        }
    }
    return j;
}

/* The update2 <diff> of one column: the new value for scalars; for sets the elements to toggle;
 * for maps the pairs to remove (old pair) or to add/replace (new pair). */
static json_t *
datum_diff_json(const struct ovsdb_datum *old, const struct ovsdb_datum *new,
                const struct ovsdb_type *type)
{
    if (ovsdb_type_is_scalar(type)) {
        return ovsdb_datum_to_json(new, type);
    }
    bool is_map = ovsdb_type_is_map(type);
    json_t *elems = json_array();
    unsigned int i = 0, j = 0;
    while (i < old->n || j < new->n) {
        int cmp = i >= old->n ? 1 : j >= new->n ? -1
                  : ovsdb_atom_compare(&old->keys[i], &new->keys[j], type->key.type);
        const struct ovsdb_datum *d = cmp < 0 ? old : new;
        unsigned int k = cmp < 0 ? i : j;
        bool emit = cmp != 0
                    || (is_map && ovsdb_atom_compare(&old->values[i], &new->values[j],
                                                     type->value.type));
        if (emit) {
            json_t *key = ovsdb_atom_to_json(&d->keys[k], type->key.type);
            json_array_append_new(elems, is_map
                                  ? json_pack("[oo]", key, ovsdb_atom_to_json(&d->values[k],
                                                                              type->value.type))
                                  : key);
        }
        if (cmp <= 0) {
            i++;
        }
        if (cmp >= 0) {
            j++;
        }
    }
    if (!is_map && json_array_size(elems) == 1) {
        json_t *one = json_incref(json_array_get(elems, 0));
        json_decref(elems);
        return one;
    }
    return json_pack("[so]", is_map ? "map" : "set", elems);
}

static void
add_row_update(json_t *updates, const struct ovsdb_row *row, json_t *row_update)
{
    const char *table = row->table->schema->name;
    json_t *jtable = json_object_get(updates, table);
    if (!jtable) {
        jtable = json_object();
        json_object_set_new(updates, table, jtable);
    }
    char uuid[UUID_LEN + 1];
    json_object_set_new(jtable, uuid_to_string(ovsdb_row_get_uuid(row), uuid), row_update);
}

/* ---- Lifecycle ---- */

struct ovsdb_error *
ovsdb_monitor_create(struct ovsdb *db, const json_t *requests, ovsdb_monitor_update_cb *cb,
                     void *aux, struct ovsdb_monitor **monitorp, json_t **initialp)
{
    return ovsdb_monitor_create_versioned(db, requests, OVSDB_MONITOR_V1, cb, aux, monitorp,
                                          initialp);
}

struct ovsdb_error *
ovsdb_monitor_create_versioned(struct ovsdb *db, const json_t *requests,
                               enum ovsdb_monitor_version version, ovsdb_monitor_update_cb *cb,
                               void *aux, struct ovsdb_monitor **monitorp, json_t **initialp)
{
    *monitorp = NULL;
    *initialp = NULL;
    if (!json_is_object(requests)) {
        return ovsdb_syntax_error(requests, NULL, "<monitor-requests> must be an object mapping "
                                  "table names to <monitor-request>s");
    }
    struct ovsdb_monitor *m = xzalloc(sizeof *m);
    m->replica.class = &monitor_replica_class;
    m->db = db;
    m->version = version;
    char *text = json_dumps(requests, JSON_COMPACT | JSON_SORT_KEYS);
    m->key = xasprintf("%d %s", (int) version, text ? text : "");
    free(text);
    m->cb = cb;
    m->aux = aux;
    m->tables = xcalloc(db->schema->n_tables ? db->schema->n_tables : 1, sizeof *m->tables);

    struct ovsdb_error *error = NULL;
    const char *tname;
    json_t *jreqs;
    json_object_foreach((json_t *) requests, tname, jreqs) {
        struct ovsdb_table *table = ovsdb_get_table(db, tname);
        if (!table) {
            error = ovsdb_syntax_error(requests, NULL, "no table named %s", tname);
            break;
        }
        struct monitor_table *mt = &m->tables[ovsdb_schema_table_index(db->schema,
                                                                       table->schema)];
        mt->table = table;
        if (!mt->flags) {
            mt->flags = xcalloc(table->schema->n_columns, sizeof *mt->flags);
        }
        if (json_is_array(jreqs)) {
            size_t i;
            json_t *jreq;
            json_array_foreach(jreqs, i, jreq) {
                error = parse_request(mt, jreq, version);
                if (error) {
                    break;
                }
            }
        } else {
            error = parse_request(mt, jreqs, version);
        }
        if (error) {
            break;
        }
    }
    if (error) {
        m->replica.class->destroy(&m->replica);
        return error;
    }

    json_t *initial = json_object();
    for (size_t t = 0; t < db->schema->n_tables; t++) {
        struct monitor_table *mt = &m->tables[t];
        if (!mt->flags || !(mt->any_flags & SEL_INITIAL)) {
            continue;
        }
        struct ovsdb_row *row;
        RB_FOREACH(row, ovsdb_row_tree, &mt->table->rows) {
            if (version == OVSDB_MONITOR_V1) {
                add_row_update(initial, row, json_pack("{so}", "new",
                                                       row_json(mt, row, SEL_INITIAL, NULL)));
            } else if (cond_match(mt, row)) {
                add_row_update(initial, row, json_pack("{so}", "initial",
                                                       row_json2(mt, row, SEL_INITIAL)));
            }
        }
    }
    ovsdb_add_replica(db, &m->replica);
    *monitorp = m;
    *initialp = initial;
    return NULL;
}

static void
cond_destroy(struct monitor_cond *mc)
{
    for (size_t i = 0; i < mc->n; i++) {
        ovsdb_condition_destroy(&mc->clauses[i]);
    }
    free(mc->clauses);
    memset(mc, 0, sizeof *mc);
}

struct ovsdb_error *
ovsdb_monitor_change_cond(struct ovsdb_monitor *m, const json_t *requests, json_t **updatesp)
{
    *updatesp = NULL;
    if (m->version == OVSDB_MONITOR_V1) {
        return ovsdb_error("not supported", "monitor_cond_change: this monitor was created with "
                           "\"monitor\", which has no conditions (use monitor_cond)");
    }
    if (!json_is_object(requests)) {
        return ovsdb_syntax_error(requests, NULL, "<monitor-cond-update-requests> must be an "
                                  "object mapping table names to arrays of {\"where\": ...}");
    }
    /* Parse every new condition first, so that an error changes nothing. */
    size_t n_tables = m->db->schema->n_tables;
    struct monitor_cond *new_conds = xcalloc(n_tables ? n_tables : 1, sizeof *new_conds);
    bool *changed = xcalloc(n_tables ? n_tables : 1, sizeof *changed);
    struct ovsdb_error *error = NULL;
    const char *tname;
    json_t *jreqs;
    json_object_foreach((json_t *) requests, tname, jreqs) {
        struct ovsdb_table *table = ovsdb_get_table(m->db, tname);
        size_t t = table ? ovsdb_schema_table_index(m->db->schema, table->schema) : 0;
        if (!table || !m->tables[t].flags) {
            error = ovsdb_syntax_error(requests, NULL, "table %s is not monitored by this "
                                       "monitor", tname);
            break;
        }
        struct monitor_table tmp = m->tables[t];
        memset(&tmp.cond, 0, sizeof tmp.cond);
        size_t n = json_is_array(jreqs) ? json_array_size(jreqs) : 1;
        for (size_t i = 0; i < n && !error; i++) {
            const json_t *jreq = json_is_array(jreqs) ? json_array_get(jreqs, i) : jreqs;
            if (!json_is_object(jreq) || json_object_get(jreq, "columns")
                || json_object_get(jreq, "select")) {
                error = ovsdb_syntax_error(jreq, NULL, "table %s: a condition change may only "
                                           "give \"where\"", tname);
                break;
            }
            error = parse_where(&tmp, json_object_get(jreq, "where"));
        }
        cond_destroy(&new_conds[t]);
        new_conds[t] = tmp.cond;
        changed[t] = true;
        if (error) {
            break;
        }
    }
    json_t *updates = json_object();
    for (size_t t = 0; t < n_tables; t++) {
        struct monitor_table *mt = &m->tables[t];
        if (!changed[t]) {
            continue;
        }
        if (error) {
            cond_destroy(&new_conds[t]);
            continue;
        }
        struct monitor_cond old = mt->cond;
        struct ovsdb_row *row;
        RB_FOREACH(row, ovsdb_row_tree, &mt->table->rows) {
            mt->cond = old;
            bool was_in = cond_match(mt, row);
            mt->cond = new_conds[t];
            bool is_in = cond_match(mt, row);
            if (is_in && !was_in) {
                add_row_update(updates, row, json_pack("{so}", "insert",
                                                       row_json2(mt, row, SEL_INITIAL)));
            } else if (was_in && !is_in) {
                add_row_update(updates, row, json_pack("{sn}", "delete"));
            }
        }
        mt->cond = new_conds[t];
        cond_destroy(&old);
    }
    free(new_conds);
    free(changed);
    if (error) {
        json_decref(updates);
        return error;
    }
    /* The update cache keys on the request: this monitor's request is now a different one. */
    char *text = json_dumps(requests, JSON_COMPACT | JSON_SORT_KEYS);
    char *key = xasprintf("%s|%s", m->key, text ? text : "");
    free(text);
    free(m->key);
    m->key = key;
    *updatesp = updates;
    return NULL;
}

void
ovsdb_monitor_destroy(struct ovsdb_monitor *m)
{
    if (m) {
        ovsdb_remove_replica(m->db, &m->replica);
    }
}

/* ---- The replica ---- */

struct change_ctx {
    struct ovsdb_monitor *m;
    json_t *updates;
};

/* update2 for one changed row. With a condition, a modify that moves a row into the condition is
 * an "insert" and one that moves it out is a "delete". */
static void
monitor_change2(const struct monitor_table *mt, json_t *updates, const struct ovsdb_row *old,
                const struct ovsdb_row *new, const bool *changed)
{
    bool old_in = old && cond_match(mt, old);
    bool new_in = new && cond_match(mt, new);
    if (!old_in && new_in) {
        if (mt->any_flags & SEL_INSERT) {
            add_row_update(updates, new, json_pack("{so}", "insert",
                                                   row_json2(mt, new, SEL_INSERT)));
        }
    } else if (old_in && !new_in) {
        if (mt->any_flags & SEL_DELETE) {
            add_row_update(updates, old, json_pack("{sn}", "delete"));
        }
    } else if (old_in && new_in && (mt->any_flags & SEL_MODIFY)) {
        const struct ovsdb_table_schema *ts = mt->table->schema;
        json_t *diff = json_object();
        for (size_t i = OVSDB_N_HIDDEN_COLUMNS; i < ts->n_columns; i++) {
            if ((mt->flags[i] & SEL_MODIFY) && changed[i]) {
                const struct ovsdb_column *c = ts->columns[i];
                json_object_set_new(diff, c->name, datum_diff_json(&old->fields[i],
                                                                   &new->fields[i], &c->type));
            }
        }
        if (json_object_size(diff)) {
            add_row_update(updates, new, json_pack("{so}", "modify", diff));
        } else {
            json_decref(diff);
        }
    }
}

static void
monitor_change(const struct ovsdb_row *old, const struct ovsdb_row *new, const bool *changed,
               void *ctx_)
{
    struct change_ctx *ctx = ctx_;
    const struct ovsdb_row *any = new ? new : old;
    struct monitor_table *mt = &ctx->m->tables[ovsdb_schema_table_index(ctx->m->db->schema,
                                                                        any->table->schema)];
    if (!mt->flags) {
        return;
    }
    if (ctx->m->version != OVSDB_MONITOR_V1) {
        monitor_change2(mt, ctx->updates, old, new, changed);
        return;
    }
    if (!old) {
        if (mt->any_flags & SEL_INSERT) {
            add_row_update(ctx->updates, new,
                           json_pack("{so}", "new", row_json(mt, new, SEL_INSERT, NULL)));
        }
    } else if (!new) {
        if (mt->any_flags & SEL_DELETE) {
            add_row_update(ctx->updates, old,
                           json_pack("{so}", "old", row_json(mt, old, SEL_DELETE, NULL)));
        }
    } else if (mt->any_flags & SEL_MODIFY) {
        json_t *jold = row_json(mt, old, SEL_MODIFY, changed);
        /* _version always changes with a real change; report only if a data column did. */
        size_t n_changed = json_object_size(jold)
                           - (json_object_get(jold, "_version") ? 1 : 0);
        if (!n_changed) {
            json_decref(jold);
            return;
        }
        add_row_update(ctx->updates, new,
                       json_pack("{soso}", "old", jold, "new",
                                 row_json(mt, new, SEL_MODIFY, NULL)));
    }
}

/* Monitors with the same version and request (e.g. 100 clients running the same "monitor")
 * produce the same <table-updates> for a transaction: the first one computes it and the others
 * share it (json_incref), so fan-out costs one change walk per distinct request, not per client;
 * its JSON text is likewise made once, on the first ovsdb_monitor_update_text() call.
 * The cache holds the updates of the transaction being committed (identified by its database and
 * db->n_commits, which changes only after every replica has seen the transaction). Callbacks must
 * not modify the <table-updates> they are given. */
struct cache_entry {
    char *key;                  /* ovsdb_monitor's 'key'. */
    json_t *updates;            /* NULL: nothing to report. */
    char *text;                 /* NULL until first asked for; then json_dumps(updates). */
    size_t text_len;            /* bytes */
};

static struct {
    const struct ovsdb *db;
    unsigned long long commit;
    struct cache_entry *entries;
    size_t n, allocated;
} cache;

static void
cache_reset(const struct ovsdb *db)
{
    for (size_t i = 0; i < cache.n; i++) {
        free(cache.entries[i].key);
        json_decref(cache.entries[i].updates);
        free(cache.entries[i].text);
    }
    cache.n = 0;
    cache.db = db;
    cache.commit = db ? db->n_commits : 0;
}

static struct ovsdb_error *
monitor_commit(struct ovsdb_replica *replica, const struct ovsdb_txn *txn, bool durable)
{
    struct ovsdb_monitor *m = CONTAINER_OF(replica, struct ovsdb_monitor, replica);
    if (cache.db != m->db || cache.commit != m->db->n_commits) {
        cache_reset(m->db);
    }
    json_t *updates = NULL;
    size_t i;
    for (i = 0; i < cache.n; i++) {
        if (!strcmp(cache.entries[i].key, m->key)) {
            updates = json_incref(cache.entries[i].updates);
            break;
        }
    }
    if (i == cache.n) {
        struct change_ctx ctx = { m, json_object() };
        ovsdb_txn_for_each_change(txn, monitor_change, &ctx);
        if (!json_object_size(ctx.updates)) {
            json_decref(ctx.updates);
            ctx.updates = NULL;
        }
        if (cache.n == cache.allocated) {
            cache.allocated = cache.allocated ? 2 * cache.allocated : 8;
            cache.entries = xrealloc(cache.entries, cache.allocated * sizeof *cache.entries);
        }
        cache.entries[cache.n] = (struct cache_entry) { .key = xstrdup(m->key),
                                                        .updates = json_incref(ctx.updates) };
        cache.n++;
        updates = ctx.updates;
    }
    if (updates) {
        m->cb(m->aux, updates);
    }
    (void) durable;
    return NULL;
}

const char *
ovsdb_monitor_update_text(const json_t *table_updates, size_t *lenp)
{
    for (size_t i = 0; i < cache.n; i++) {
        struct cache_entry *ce = &cache.entries[i];
        if (ce->updates == table_updates && table_updates) {
            if (!ce->text) {
                ce->text = json_dumps(table_updates, JSON_COMPACT);
                if (!ce->text) {
                    return NULL;
                }
                ce->text_len = strlen(ce->text);
            }
            *lenp = ce->text_len;
            return ce->text;
        }
    }
    return NULL;
}

static void
monitor_replica_destroy(struct ovsdb_replica *replica)
{
    struct ovsdb_monitor *m = CONTAINER_OF(replica, struct ovsdb_monitor, replica);
    if (cache.db == m->db) {
        cache_reset(NULL);          /* The database may be going away. */
    }
    free(m->key);
    for (size_t t = 0; t < m->db->schema->n_tables; t++) {
        free(m->tables[t].flags);
        for (size_t i = 0; i < m->tables[t].cond.n; i++) {
            ovsdb_condition_destroy(&m->tables[t].cond.clauses[i]);
        }
        free(m->tables[t].cond.clauses);
    }
    free(m->tables);
    free(m);
}

static const struct ovsdb_replica_class monitor_replica_class = {
    .commit = monitor_commit,
    .destroy = monitor_replica_destroy,
};
