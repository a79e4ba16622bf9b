/* ovsdb-file — databases backed by a log file; see ovsdb-file.h. */
#include "ovsdb/ovsdb-file.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "lib/vlog.h"
#include "ovsdb/ovsdb-error.h"
#include "ovsdb/ovsdb-log.h"
#include "ovsdb/ovsdb-txn.h"
#include "ovsdb/ovsdb.h"

VLOG_DEFINE_THIS_MODULE(ovsdb_file);

#define COMPACT_MIN_SIZE (10 * 1024 * 1024)

struct ovsdb_file {
    struct ovsdb_replica replica;
    struct ovsdb *db;
    struct ovsdb_log *log;
    off_t snapshot_size;            /* File size after the last load or compaction. */
};

static const struct ovsdb_replica_class file_replica_class;

/* ---- Records ---- */

struct record_ctx {
    json_t *record;
    bool any;
};

static json_t *
row_to_record_json(const struct ovsdb_row *old, const struct ovsdb_row *new, const bool *changed)
{
    const struct ovsdb_table_schema *ts = new->table->schema;
    json_t *jrow = json_object();
    for (size_t i = OVSDB_N_HIDDEN_COLUMNS; i < ts->n_columns; i++) {
        const struct ovsdb_column *c = ts->columns[i];
        if (!c->persistent) {
            continue;
        }
        bool include = old ? changed[i] : !ovsdb_datum_is_default(&new->fields[i], &c->type);
        if (include) {
            json_object_set_new(jrow, c->name, ovsdb_datum_to_json(&new->fields[i], &c->type));
        }
    }
    return jrow;
}

static void
add_change_to_record(const struct ovsdb_row *old, const struct ovsdb_row *new,
                     const bool *changed, void *ctx_)
{
    struct record_ctx *ctx = ctx_;
    const struct ovsdb_row *any = new ? new : old;
    const char *table = any->table->schema->name;
    char uuid[UUID_LEN + 1];
    uuid_to_string(ovsdb_row_get_uuid(any), uuid);

    json_t *jrow;
    if (!new) {
        jrow = json_null();
    } else {
        jrow = row_to_record_json(old, new, changed);
        if (old && !json_object_size(jrow)) {
            json_decref(jrow);      /* Only ephemeral columns changed. */
            return;
        }
    }
    json_t *jtable = json_object_get(ctx->record, table);
    if (!jtable) {
        jtable = json_object();
        json_object_set_new(ctx->record, table, jtable);
    }
    json_object_set_new(jtable, uuid, jrow);
    ctx->any = true;
}

json_t *
ovsdb_file_txn_to_json(const struct ovsdb_txn *txn)
{
    struct record_ctx ctx = { json_object(), false };
    ovsdb_txn_for_each_change(txn, add_change_to_record, &ctx);
    if (!ctx.any) {
        json_decref(ctx.record);
        return NULL;
    }
    const char *comment = ovsdb_txn_get_comment(txn);
    if (comment) {
        json_object_set_new(ctx.record, "_comment", json_string(comment));
    }
    json_object_set_new(ctx.record, "_date", json_integer(time_wall_msec()));
    return ctx.record;
}

/* Applies OVS diff DIFF to D (RFC-external OVS "_is_diff" record format): set elements present in
 * both are removed, others added; map keys absent are added, keys with the same value removed,
 * keys with another value replaced. */
static void
apply_diff(struct ovsdb_datum *d, const struct ovsdb_datum *diff, const struct ovsdb_type *type)
{
    bool is_map = ovsdb_type_is_map(type);
    for (unsigned int i = 0; i < diff->n; i++) {
        unsigned int j = ovsdb_datum_find_key(d, &diff->keys[i], type->key.type);
        if (j == UINT_MAX) {
            ovsdb_datum_add_unsafe(d, &diff->keys[i], is_map ? &diff->values[i] : NULL, type);
            ovsdb_datum_sort_unique(d, type);
        } else if (!is_map
                   || !ovsdb_atom_compare(&d->values[j], &diff->values[i], type->value.type)) {
            ovsdb_datum_remove(d, j, type);
        } else {
            ovsdb_atom_destroy(&d->values[j], type->value.type);
            ovsdb_atom_clone(&d->values[j], &diff->values[i], type->value.type);
        }
    }
}

static struct ovsdb_error *
apply_row_json(struct ovsdb_row *row, const json_t *jrow, bool is_diff)
{
    const struct ovsdb_table_schema *ts = row->table->schema;
    if (!json_is_object(jrow)) {
        return ovsdb_syntax_error(jrow, NULL, "row must be an object or null");
    }
    const char *name;
    json_t *jvalue;
    json_object_foreach((json_t *) jrow, name, jvalue) {
        const struct ovsdb_column *c = ovsdb_table_schema_find_column(ts, name);
        if (!c || c->index < OVSDB_N_HIDDEN_COLUMNS) {
            return ovsdb_syntax_error(jrow, "unknown column", "No column %s in table %s.", name,
                                      ts->name);
        }
        struct ovsdb_datum datum;
        struct ovsdb_error *error;
        if (is_diff && !ovsdb_type_is_scalar(&c->type)) {
            struct ovsdb_type diff_type = c->type;   /* Shallow: only the counts differ. */
            diff_type.n_min = 0;
            diff_type.n_max = OVSDB_UNLIMITED;
            error = ovsdb_datum_from_json(&datum, &diff_type, jvalue, NULL);
            if (!error) {
                apply_diff(&row->fields[c->index], &datum, &c->type);
                ovsdb_datum_destroy(&datum, &c->type);
            }
        } else {
            error = ovsdb_datum_from_json(&datum, &c->type, jvalue, NULL);
            if (!error) {
                ovsdb_datum_swap(&row->fields[c->index], &datum);
                ovsdb_datum_destroy(&datum, &c->type);
            }
        }
        if (error) {
            return ovsdb_error_prefix(error, "table %s column %s", ts->name, name);
        }
    }
    return NULL;
}

struct ovsdb_error *
ovsdb_file_txn_from_json(struct ovsdb *db, const json_t *record)
{
    if (!json_is_object(record)) {
        return ovsdb_syntax_error(record, NULL, "transaction record must be a JSON object");
    }
    bool is_diff = json_is_true(json_object_get(record, "_is_diff"));
    struct ovsdb_txn *txn = ovsdb_txn_create(db);
    struct ovsdb_error *error = NULL;
    const char *tname;
    json_t *jtable;
    json_object_foreach((json_t *) record, tname, jtable) {
        if (tname[0] == '_') {
            continue;               /* _date, _comment, _is_diff */
        }
        struct ovsdb_table *table = ovsdb_get_table(db, tname);
        if (!table) {
            error = ovsdb_syntax_error(NULL, NULL, "record names unknown table %s", tname);
            break;
        }
        if (!json_is_object(jtable)) {
            error = ovsdb_syntax_error(jtable, NULL, "table %s: expected object of rows", tname);
            break;
        }
        const char *uuid_s;
        json_t *jrow;
        json_object_foreach(jtable, uuid_s, jrow) {
            struct uuid uuid;
            if (!uuid_from_string(&uuid, uuid_s)) {
                error = ovsdb_syntax_error(NULL, NULL, "table %s: \"%s\" is not a UUID", tname,
                                           uuid_s);
                break;
            }
            const struct ovsdb_row *row = ovsdb_txn_get_row(txn, table, &uuid);
            if (json_is_null(jrow)) {
                if (!row) {
                    error = ovsdb_syntax_error(NULL, NULL, "table %s: transaction deletes "
                                               "nonexistent row %s", tname, uuid_s);
                    break;
                }
                ovsdb_txn_delete(txn, row);
            } else if (row) {
                error = apply_row_json(ovsdb_txn_modify(txn, row), jrow, is_diff);
            } else {
                struct ovsdb_row *new = ovsdb_txn_insert(txn, table, &uuid);
                error = new ? apply_row_json(new, jrow, false)
                            : ovsdb_syntax_error(NULL, NULL, "table %s: row %s inserted twice",
                                                 tname, uuid_s);
            }
            if (error) {
                break;
            }
        }
        if (error) {
            break;
        }
    }
    if (error) {
        ovsdb_txn_abort(txn);
        return error;
    }
    return ovsdb_txn_commit(txn, false);
}

/* ---- Creating and loading ---- */

struct ovsdb_error *
ovsdb_file_create(const char *file_name, const struct ovsdb_schema *schema)
{
    struct ovsdb_log *log;
    struct ovsdb_error *error = ovsdb_log_open(file_name, OVSDB_LOG_CREATE_EXCL, &log);
    if (error) {
        return error;
    }
    json_t *json = ovsdb_schema_to_json(schema);
    error = ovsdb_log_write(log, json);
    json_decref(json);
    if (!error) {
        error = ovsdb_log_commit(log);
    }
    ovsdb_log_close(log);
    if (error) {
        remove(file_name);
    }
    return error;
}

static struct ovsdb_error *
read_schema_record(struct ovsdb_log *log, struct ovsdb_schema **schemap)
{
    json_t *json;
    struct ovsdb_error *error = ovsdb_log_read(log, &json);
    if (error) {
        return error;
    }
    if (!json) {
        return ovsdb_error("syntax error", "%s: file is empty, so it is not a database (create "
                           "one with \"uvsdb-tool create\")", ovsdb_log_get_name(log));
    }
    error = ovsdb_schema_from_json(json, schemap);
    json_decref(json);
    if (error) {
        error = ovsdb_error_prefix(error, "%s: first record is not a valid schema",
                                   ovsdb_log_get_name(log));
    }
    return error;
}

struct ovsdb_error *
ovsdb_file_read_schema(const char *file_name, struct ovsdb_schema **schemap)
{
    struct ovsdb_log *log;
    *schemap = NULL;
    struct ovsdb_error *error = ovsdb_log_open(file_name, OVSDB_LOG_READ_ONLY, &log);
    if (!error) {
        error = read_schema_record(log, schemap);
        ovsdb_log_close(log);
    }
    return error;
}

struct ovsdb_error *
ovsdb_file_open(const char *file_name, bool read_only, struct ovsdb **dbp,
                struct ovsdb_file **filep)
{
    struct ovsdb_log *log;
    struct ovsdb_schema *schema;
    *dbp = NULL;
    if (filep) {
        *filep = NULL;
    }
    struct ovsdb_error *error = ovsdb_log_open(file_name, read_only ? OVSDB_LOG_READ_ONLY
                                                                    : OVSDB_LOG_READ_WRITE, &log);
    if (error) {
        return error;
    }
    error = read_schema_record(log, &schema);
    if (error) {
        ovsdb_log_close(log);
        return error;
    }
    struct ovsdb *db = ovsdb_create(schema);
    for (;;) {
        json_t *json;
        error = ovsdb_log_read(log, &json);
        if (error) {
            if (strcmp(error->tag, "syntax error")) {
                goto fail;
            }
            VLOG_WARN("%s; %s", error->details, read_only ? "ignoring it"
                                                          : "truncating the file there");
            ovsdb_error_destroy(error);
            error = ovsdb_log_truncate_tail(log);
            if (error) {
                goto fail;
            }
            break;
        }
        if (!json) {
            break;
        }
        error = ovsdb_file_txn_from_json(db, json);
        json_decref(json);
        if (error) {
            error = ovsdb_error_prefix(error, "%s: cannot replay record %llu", file_name,
                                       ovsdb_log_get_n_records(log) - 1);
            goto fail;
        }
    }
    ovsdb_recount_refs(db);

    if (read_only) {
        ovsdb_log_close(log);
    } else {
        struct ovsdb_file *file = xzalloc(sizeof *file);
        file->replica.class = &file_replica_class;
        file->db = db;
        file->log = log;
        file->snapshot_size = ovsdb_log_get_offset(log);
        ovsdb_add_replica(db, &file->replica);
        if (filep) {
            *filep = file;
        }
    }
    *dbp = db;
    return NULL;

fail:
    ovsdb_destroy(db);
    ovsdb_log_close(log);
    return error;
}

/* ---- The replica ---- */

static struct ovsdb_error *
file_commit(struct ovsdb_replica *replica, const struct ovsdb_txn *txn, bool durable)
{
    struct ovsdb_file *file = CONTAINER_OF(replica, struct ovsdb_file, replica);
    json_t *record = ovsdb_file_txn_to_json(txn);
    if (!record) {
        return NULL;
    }
    struct ovsdb_error *error = ovsdb_log_write(file->log, record);
    json_decref(record);
    if (!error && durable) {
        /* "commit" with "durable": true (RFC 7047 §5.2.8): the reply waits for fsync(2). Other
         * commits are written to the kernel (they survive the server's own crash, SIGKILL
         * included) but not forced to disk, as OVS's ovsdb-server does. */
        error = ovsdb_log_commit(file->log);
    }
    return error;
}

static void
file_destroy(struct ovsdb_replica *replica)
{
    struct ovsdb_file *file = CONTAINER_OF(replica, struct ovsdb_file, replica);
    ovsdb_log_close(file->log);
    free(file);
}

static const struct ovsdb_replica_class file_replica_class = {
    .commit = file_commit,
    .destroy = file_destroy,
};

/* ---- Compaction ---- */

struct ovsdb_error *
ovsdb_file_compact(struct ovsdb_file *file)
{
    struct ovsdb *db = file->db;
    json_t *snapshot = json_object();
    for (size_t t = 0; t < db->schema->n_tables; t++) {
        struct ovsdb_table *table = db->tables[t];
        if (!table->n_rows) {
            continue;
        }
        json_t *jtable = json_object();
        struct ovsdb_row *row;
        RB_FOREACH(row, ovsdb_row_tree, &table->rows) {
            char uuid[UUID_LEN + 1];
            json_object_set_new(jtable, uuid_to_string(ovsdb_row_get_uuid(row), uuid),
                                row_to_record_json(NULL, row, NULL));
        }
        json_object_set_new(snapshot, table->schema->name, jtable);
    }
    json_object_set_new(snapshot, "_comment", json_string("compacting database online"));
    json_object_set_new(snapshot, "_date", json_integer(time_wall_msec()));

    json_t *records[2] = { ovsdb_schema_to_json(db->schema), snapshot };
    struct ovsdb_error *error = ovsdb_log_replace(file->log, records, 2);
    json_decref(records[0]);
    json_decref(records[1]);
    if (!error) {
        file->snapshot_size = ovsdb_log_get_offset(file->log);
        VLOG_INFO("%s: compacted to %lld bytes", ovsdb_log_get_name(file->log),
                  (long long) file->snapshot_size);
    }
    return error;
}

bool
ovsdb_file_should_compact(const struct ovsdb_file *file)
{
    off_t size = ovsdb_log_get_offset(file->log);
    return size >= COMPACT_MIN_SIZE && size >= 4 * file->snapshot_size;
}

off_t
ovsdb_file_get_size(const struct ovsdb_file *file)
{
    return ovsdb_log_get_offset(file->log);
}

const char *
ovsdb_file_get_name(const struct ovsdb_file *file)
{
    return ovsdb_log_get_name(file->log);
}
