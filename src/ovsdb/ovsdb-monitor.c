/* ovsdb-monitor — RFC 7047 §4.1.5 monitors; see ovsdb-monitor.h. */
#include "ovsdb/ovsdb-monitor.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ovsdb/ovsdb-error.h"
#include "ovsdb/ovsdb-txn.h"
#include "ovsdb/ovsdb.h"

enum {
    SEL_INITIAL = 1 << 0,
    SEL_INSERT = 1 << 1,
    SEL_DELETE = 1 << 2,
    SEL_MODIFY = 1 << 3,
    SEL_ALL = SEL_INITIAL | SEL_INSERT | SEL_DELETE | SEL_MODIFY
};

struct monitor_table {
    struct ovsdb_table *table;
    unsigned int *flags;        /* Per column index: SEL_* bits; 0 = not monitored. */
    unsigned int any_flags;     /* Union over columns. */
};

struct ovsdb_monitor {
    struct ovsdb_replica replica;
    struct ovsdb *db;
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

static struct ovsdb_error *
parse_request(struct monitor_table *mt, const json_t *jreq)
{
    const struct ovsdb_table_schema *ts = mt->table->schema;
    if (!json_is_object(jreq)) {
        return ovsdb_syntax_error(jreq, NULL, "table %s: <monitor-request> must be an object",
                                  ts->name);
    }
    const char *key;
    json_t *value;
    json_object_foreach((json_t *) jreq, key, value) {
        if (strcmp(key, "columns") && strcmp(key, "select")) {
            return ovsdb_syntax_error(jreq, NULL, "table %s: <monitor-request> member '%s' is "
                                      "not allowed (expected columns, select)", ts->name, key);
        }
    }
    unsigned int select;
    struct ovsdb_error *error = parse_select(json_object_get(jreq, "select"), &select);
    if (error) {
        return ovsdb_error_prefix(error, "table %s", ts->name);
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
    *monitorp = NULL;
    *initialp = NULL;
    if (!json_is_object(requests)) {
        return ovsdb_syntax_error(requests, NULL, "<monitor-requests> must be an object mapping "
                                  "table names to <monitor-request>s");
    }
    struct ovsdb_monitor *m = xzalloc(sizeof *m);
    m->replica.class = &monitor_replica_class;
    m->db = db;
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
                error = parse_request(mt, jreq);
                if (error) {
                    break;
                }
            }
        } else {
            error = parse_request(mt, jreqs);
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
            add_row_update(initial, row, json_pack("{so}", "new",
                                                   row_json(mt, row, SEL_INITIAL, NULL)));
        }
    }
    ovsdb_add_replica(db, &m->replica);
    *monitorp = m;
    *initialp = initial;
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

static struct ovsdb_error *
monitor_commit(struct ovsdb_replica *replica, const struct ovsdb_txn *txn, bool durable)
{
    struct ovsdb_monitor *m = CONTAINER_OF(replica, struct ovsdb_monitor, replica);
    struct change_ctx ctx = { m, json_object() };
    ovsdb_txn_for_each_change(txn, monitor_change, &ctx);
    if (json_object_size(ctx.updates)) {
        m->cb(m->aux, ctx.updates);
    } else {
        json_decref(ctx.updates);
    }
    (void) durable;
    return NULL;
}

static void
monitor_replica_destroy(struct ovsdb_replica *replica)
{
    struct ovsdb_monitor *m = CONTAINER_OF(replica, struct ovsdb_monitor, replica);
    for (size_t t = 0; t < m->db->schema->n_tables; t++) {
        free(m->tables[t].flags);
    }
    free(m->tables);
    free(m);
}

static const struct ovsdb_replica_class monitor_replica_class = {
    .commit = monitor_commit,
    .destroy = monitor_replica_destroy,
};
