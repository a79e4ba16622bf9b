/*
 * uvsdb-client — a command-line client for OVSDB servers (uvsdb-server, or OVS's ovsdb-server),
 * the counterpart of OVS's ovsdb-client, speaking RFC 7047 JSON-RPC.
 *
 *   uvsdb-client [OPTIONS] COMMAND [SERVER] [DATABASE] [ARG...]
 *
 * SERVER is an active remote ("unix:PATH", "tcp:IP:PORT", "ssl:IP:PORT" with --private-key,
 * --certificate and --ca-cert); it defaults to uvs_default_db()
 * (unix:$UVS_RUNDIR/db.sock). An argument is taken as SERVER when it has a remote prefix. DATABASE
 * defaults to "Open_vSwitch"; an argument is taken as DATABASE when the server lists that name.
 *
 * Commands (as ovsdb-client's, same output layouts):
 *   list-dbs, get-schema, get-schema-version, list-tables, list-columns [TABLE],
 *   transact TXN, query TXN (the transaction is aborted after it runs, so nothing changes),
 *   dump [TABLE [COLUMN...]] (each table as "<Table> table", a heading line, a dashes line and
 *   one line per row: columns sorted by name with _uuid first, rows sorted by their values),
 *   monitor TABLE [COLUMN[,COLUMN]...] | ALL (prints "initial", "insert", "delete" and old/new
 *   "modify" lines as changes happen), lock LOCK, steal LOCK (print "locked", "waiting" and later
 *   "locked"/"stolen" notifications until killed), backup (writes a database file holding a
 *   snapshot of DATABASE to stdout, readable by uvsdb-tool and uvsdb-server).
 *
 * dump and monitor print exactly what OVS 3.1's ovsdb-client prints for the same contents (the
 * interop test compares them byte for byte), except that the rows of one monitor update may come
 * in another order. Output format (dump, list-tables, list-columns, monitor): --format=table
 * (default), csv or json. JSON output is one object per table: {"caption": ..., "headings": [...], "data": [[...]]}
 * with cells in RFC 7047 notation.
 *
 * Exit status: 0 on success; 1 on an error (the message names the server, the database or table,
 * and the server's error); 142 when --timeout expires.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/jsonrpc.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "ovsdb/ovsdb-data.h"
#include "ovsdb/ovsdb-error.h"
#include "ovsdb/ovsdb-log.h"
#include "ovsdb/ovsdb-schema.h"
#include "uvs-config.h"

enum format { FMT_TABLE, FMT_CSV, FMT_JSON };

static enum format format = FMT_TABLE;
static unsigned int timeout_secs;
static const char *server_name;
static struct jsonrpc *rpc;

/* ---- Helpers ---- */

static void __attribute__((format(printf, 1, 2), noreturn))
die(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    fprintf(stderr, "%s: ", program_name());
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
    va_end(args);
    exit(1);
}

static void
alarm_handler(int sig)
{
    static const char msg[] = "uvsdb-client: timed out waiting for the server\n";
    ssize_t n = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void) n;
    signal(sig, SIG_DFL);
    raise(sig);
}

static bool
looks_like_remote(const char *s)
{
    return !strncmp(s, "unix:", 5) || !strncmp(s, "tcp:", 4) || !strncmp(s, "ssl:", 4);
}

static void
connect_server(void)
{
    if (rpc) {
        return;
    }
    struct stream *stream;
    char *bad = stream_verify_name(server_name);
    if (bad) {
        die("%s", bad);
    }
    int err = stream_open_block(server_name, -1, &stream);
    if (err) {
        die("%s: cannot connect: %s%s", server_name, strerror(-err),
            err == -EPROTO ? " (SSL handshake failed: see the message above)"
                           : " (is uvsdb-server running?)");
    }
    rpc = jsonrpc_open(stream);
}

/* Sends METHOD(PARAMS) and returns the result (new reference); dies on a transport or server
 * error, naming WHAT. */
static json_t *
call(const char *method, json_t *params, const char *what)
{
    connect_server();
    struct jsonrpc_msg *reply;
    int err = jsonrpc_transact_block(rpc, jsonrpc_create_request(method, params, NULL), &reply);
    if (err) {
        die("%s: %s: %s", server_name, what, strerror(-err));
    }
    if (reply->type == JSONRPC_ERROR) {
        char *s = json_dumps(reply->error, JSON_COMPACT | JSON_SORT_KEYS);
        die("%s: %s: server error: %s", server_name, what, s);
    }
    json_t *result = json_incref(reply->result);
    jsonrpc_msg_destroy(reply);
    return result;
}

static bool
server_has_db(const char *name)
{
    json_t *dbs = call("list_dbs", json_array(), "list_dbs");
    bool found = false;
    size_t i;
    json_t *d;
    json_array_foreach(dbs, i, d) {
        found = found || (json_is_string(d) && !strcmp(json_string_value(d), name));
    }
    json_decref(dbs);
    return found;
}

static struct ovsdb_schema *
fetch_schema(const char *db)
{
    char *what = xasprintf("get_schema %s", db);
    json_t *json = call("get_schema", json_pack("[s]", db), what);
    free(what);
    struct ovsdb_schema *schema;
    struct ovsdb_error *error = ovsdb_schema_from_json(json, &schema);
    json_decref(json);
    if (error) {
        die("%s: database %s: cannot parse the server's schema: %s", server_name, db,
            ovsdb_error_to_string(error));
    }
    return schema;
}

static const struct ovsdb_table_schema *
find_table(const struct ovsdb_schema *schema, const char *name)
{
    const struct ovsdb_table_schema *ts = ovsdb_schema_find_table(schema, name);
    if (!ts) {
        die("database %s has no table named %s (uvsdb-client list-tables shows them)",
            schema->name, name);
    }
    return ts;
}

/* ---- Tables of text (table / csv / json output) ---- */

struct text_table {
    char *caption;
    size_t n_cols;
    char **headings;
    size_t n_rows;
    char ***cells;          /* n_rows x n_cols strings (table/csv). */
    json_t **json_cells;    /* n_rows x n_cols JSON values (json format), or NULL. */
};

static void
tt_init(struct text_table *tt, const char *caption, size_t n_cols)
{
    memset(tt, 0, sizeof *tt);
    tt->caption = caption ? xstrdup(caption) : NULL;
    tt->n_cols = n_cols;
    tt->headings = xcalloc(n_cols, sizeof *tt->headings);
}

static void
tt_add_row(struct text_table *tt)
{
    tt->cells = xrealloc(tt->cells, (tt->n_rows + 1) * sizeof *tt->cells);
    tt->cells[tt->n_rows] = xcalloc(tt->n_cols, sizeof **tt->cells);
    tt->json_cells = xrealloc(tt->json_cells, (tt->n_rows + 1) * sizeof *tt->json_cells);
    tt->json_cells[tt->n_rows] = json_array();
    tt->n_rows++;
}

/* Sets cell COL of the last row: TEXT for table/csv, JSON (stolen, may be NULL: the text) for
 * json output. */
static void
tt_set(struct text_table *tt, size_t col, const char *text, json_t *json)
{
    tt->cells[tt->n_rows - 1][col] = xstrdup(text);
    json_array_append_new(tt->json_cells[tt->n_rows - 1], json ? json : json_string(text));
}

static void
csv_cell(const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"') {
            putchar('"');
        }
        putchar(*s);
    }
    putchar('"');
}

static void
tt_print(const struct text_table *tt)
{
    if (format == FMT_JSON) {
        json_t *headings = json_array();
        for (size_t c = 0; c < tt->n_cols; c++) {
            json_array_append_new(headings, json_string(tt->headings[c]));
        }
        json_t *data = json_array();
        for (size_t r = 0; r < tt->n_rows; r++) {
            json_array_append(data, tt->json_cells[r]);
        }
        json_t *j = json_pack("{soso}", "headings", headings, "data", data);
        if (tt->caption) {
            json_object_set_new(j, "caption", json_string(tt->caption));
        }
        char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
        puts(s);
        free(s);
        json_decref(j);
        return;
    }
    if (format == FMT_CSV) {
        if (tt->caption) {
            printf("%s\n", tt->caption);
        }
        for (size_t r = 0; r <= tt->n_rows; r++) {
            for (size_t c = 0; c < tt->n_cols; c++) {
                if (c) {
                    putchar(',');
                }
                csv_cell(r ? tt->cells[r - 1][c] : tt->headings[c]);
            }
            putchar('\n');
        }
        return;
    }
    size_t *width = xcalloc(tt->n_cols, sizeof *width);
    for (size_t c = 0; c < tt->n_cols; c++) {
        width[c] = strlen(tt->headings[c]);
        for (size_t r = 0; r < tt->n_rows; r++) {
            size_t n = strlen(tt->cells[r][c]);
            width[c] = n > width[c] ? n : width[c];
        }
    }
    if (tt->caption) {
        printf("%s\n", tt->caption);
    }
    struct ds ds = DS_EMPTY_INITIALIZER;
    for (size_t line = 0; line < tt->n_rows + 2; line++) {
        ds_clear(&ds);
        for (size_t c = 0; c < tt->n_cols; c++) {
            const char *text = line == 0 ? tt->headings[c]
                               : line == 1 ? NULL : tt->cells[line - 2][c];
            if (c) {
                ds_put_char(&ds, ' ');
            }
            if (!text) {
                for (size_t i = 0; i < width[c]; i++) {
                    ds_put_char(&ds, '-');
                }
            } else {
                ds_put_format(&ds, "%-*s", c + 1 < tt->n_cols ? (int) width[c] : 0, text);
            }
        }
        /* No trailing blanks (a row whose last cells are empty), as ovsdb-client. */
        while (ds.len && ds.s[ds.len - 1] == ' ') {
            ds.s[--ds.len] = '\0';
        }
        printf("%s\n", ds_cstr(&ds));
    }
    ds_destroy(&ds);
    free(width);
}

static void
tt_destroy(struct text_table *tt)
{
    for (size_t r = 0; r < tt->n_rows; r++) {
        for (size_t c = 0; c < tt->n_cols; c++) {
            free(tt->cells[r][c]);
        }
        free(tt->cells[r]);
        json_decref(tt->json_cells[r]);
    }
    for (size_t c = 0; c < tt->n_cols; c++) {
        free(tt->headings[c]);
    }
    free(tt->cells);
    free(tt->json_cells);
    free(tt->headings);
    free(tt->caption);
}

/* The display string of VALUE (RFC 7047 notation) as a column of TYPE ("" and a warning-free
 * fallback to the JSON text if the server sent something that does not parse). */
static char *
value_to_string(const json_t *value, const struct ovsdb_type *type)
{
    struct ovsdb_datum d;
    struct ovsdb_error *error = ovsdb_datum_from_json(&d, type, value, NULL);
    if (error) {
        ovsdb_error_destroy(error);
        return json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
    }
    struct ds ds = DS_EMPTY_INITIALIZER;
    ovsdb_datum_to_string(&d, type, &ds);
    ovsdb_datum_destroy(&d, type);
    return ds_steal_cstr(&ds);
}

/* ---- Commands ---- */

static void
cmd_list_dbs(int argc, char *argv[])
{
    json_t *dbs = call("list_dbs", json_array(), "list_dbs");
    size_t i;
    json_t *d;
    json_array_foreach(dbs, i, d) {
        printf("%s\n", json_string_value(d));
    }
    json_decref(dbs);
}

static void
cmd_get_schema(const char *db)
{
    json_t *json = call("get_schema", json_pack("[s]", db), "get_schema");
    char *s = json_dumps(json, JSON_COMPACT | JSON_SORT_KEYS);
    puts(s);
    free(s);
    json_decref(json);
}

static void
cmd_list_tables(const char *db)
{
    struct ovsdb_schema *schema = fetch_schema(db);
    struct text_table tt;
    tt_init(&tt, NULL, 1);
    tt.headings[0] = xstrdup("Table");
    for (size_t t = 0; t < schema->n_tables; t++) {
        tt_add_row(&tt);
        tt_set(&tt, 0, schema->tables[t]->name, NULL);
    }
    tt_print(&tt);
    tt_destroy(&tt);
    ovsdb_schema_destroy(schema);
}

static void
cmd_list_columns(const char *db, int argc, char *argv[])
{
    struct ovsdb_schema *schema = fetch_schema(db);
    const struct ovsdb_table_schema *only = argc ? find_table(schema, argv[0]) : NULL;
    struct text_table tt;
    size_t n = only ? 2 : 3, c0 = only ? 0 : 1;
    tt_init(&tt, NULL, n);
    if (!only) {
        tt.headings[0] = xstrdup("Table");
    }
    tt.headings[c0] = xstrdup("Column");
    tt.headings[c0 + 1] = xstrdup("Type");
    for (size_t t = 0; t < schema->n_tables; t++) {
        const struct ovsdb_table_schema *ts = schema->tables[t];
        if (only && ts != only) {
            continue;
        }
        for (size_t i = 0; i < ts->n_columns; i++) {
            json_t *type = ovsdb_type_to_json(&ts->columns[i]->type);
            char *text = json_dumps(type, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
            tt_add_row(&tt);
            if (!only) {
                tt_set(&tt, 0, ts->name, NULL);
            }
            tt_set(&tt, c0, ts->columns[i]->name, NULL);
            tt_set(&tt, c0 + 1, text, type);
            free(text);
        }
    }
    tt_print(&tt);
    tt_destroy(&tt);
    ovsdb_schema_destroy(schema);
}

static json_t *
parse_json_arg(const char *text)
{
    json_error_t jerr;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &jerr);
    if (!j) {
        die("invalid JSON argument: %s (line %d, column %d)", jerr.text, jerr.line, jerr.column);
    }
    return j;
}

static void
cmd_transact(const char *txn_text, bool query)
{
    json_t *txn = parse_json_arg(txn_text);
    if (!json_is_array(txn) || !json_is_string(json_array_get(txn, 0))) {
        die("transaction must be a JSON array [\"DATABASE\", OPERATION...] (RFC 7047 §4.1.3)");
    }
    size_t n_ops = json_array_size(txn) - 1;
    if (query) {
        json_array_append_new(txn, json_pack("{ss}", "op", "abort"));
    }
    json_t *result = call("transact", txn, "transact");
    if (query && json_is_array(result) && json_array_size(result) > n_ops) {
        /* Drop the "aborted" error our abort caused (and anything after). */
        while (json_array_size(result) > n_ops) {
            json_array_remove(result, json_array_size(result) - 1);
        }
    }
    char *s = json_dumps(result, JSON_COMPACT | JSON_ENCODE_ANY);
    puts(s);
    free(s);
    json_decref(result);
}

/* ---- dump ---- */

struct dump_row {
    char **cells;
    struct ovsdb_datum *datums;     /* Parsed cells (n == 0 for a cell that did not parse). */
    size_t n;
    json_t *json;           /* the row object */
};

static size_t sort_n_cols;
static const struct ovsdb_column **sort_cols;

static int
compare_dump_rows(const void *a_, const void *b_)
{
    const struct dump_row *a = a_, *b = b_;
    /* By each shown column's value (numbers as numbers, sets element by element), skipping
     * columns that hold UUIDs (_uuid included), which are random, so the order is the same for
     * the same contents; then by _uuid. As ovsdb-client sorts. */
    for (size_t c = 0; c < sort_n_cols; c++) {
        const struct ovsdb_type *type = &sort_cols[c]->type;
        if (type->key.type == OVSDB_TYPE_UUID
            || (ovsdb_type_is_map(type) && type->value.type == OVSDB_TYPE_UUID)) {
            continue;
        }
        int cmp = ovsdb_datum_compare_3way(&a->datums[c], &b->datums[c], &sort_cols[c]->type);
        if (cmp) {
            return cmp;
        }
    }
    const char *ua = json_string_value(json_array_get(json_object_get(a->json, "_uuid"), 1));
    const char *ub = json_string_value(json_array_get(json_object_get(b->json, "_uuid"), 1));
    return ua && ub ? strcmp(ua, ub) : 0;
}

static int
compare_column_index(const void *a_, const void *b_)
{
    const struct ovsdb_column *const *a = a_, *const *b = b_;
    return (*a)->index < (*b)->index ? -1 : (*a)->index > (*b)->index;
}

static void
dump_table(const char *db, const struct ovsdb_table_schema *ts, char **colnames, size_t n_names)
{
    const struct ovsdb_column **cols = xcalloc(ts->n_columns, sizeof *cols);
    size_t n = 0;
    if (n_names) {
        /* Only the named columns, in the usual order (_uuid first, then by name), as
         * ovsdb-client; ts->columns is in that order, so sorting by index does it. */
        cols = xrealloc(cols, (n_names + 1) * sizeof *cols);
        for (size_t i = 0; i < n_names; i++) {
            const struct ovsdb_column *c = ovsdb_table_schema_find_column(ts, colnames[i]);
            if (!c) {
                die("table %s has no column named %s (uvsdb-client list-columns %s %s shows "
                    "them)", ts->name, colnames[i], db, ts->name);
            }
            cols[n++] = c;
        }
        qsort(cols, n, sizeof *cols, compare_column_index);
    } else {
        cols[n++] = ts->columns[OVSDB_COL_UUID];
        for (size_t i = OVSDB_N_HIDDEN_COLUMNS; i < ts->n_columns; i++) {
            cols[n++] = ts->columns[i];
        }
    }
    json_t *jcols = json_array();
    bool have_uuid = false;
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(jcols, json_string(cols[i]->name));
        have_uuid = have_uuid || cols[i]->index == OVSDB_COL_UUID;
    }
    if (!have_uuid) {
        json_array_append_new(jcols, json_string("_uuid"));     /* For a stable sort only. */
    }
    json_t *txn = json_pack("[s{sssss[]so}]", db, "op", "select", "table", ts->name,
                            "where", "columns", jcols);
    char *what = xasprintf("select from table %s", ts->name);
    json_t *result = call("transact", txn, what);
    free(what);
    json_t *rows = json_object_get(json_array_get(result, 0), "rows");
    if (!json_is_array(rows)) {
        char *s = json_dumps(result, JSON_COMPACT | JSON_ENCODE_ANY);
        die("%s: select from table %s failed: %s", server_name, ts->name, s);
    }
    size_t n_rows = json_array_size(rows);
    struct dump_row *drows = xcalloc(n_rows ? n_rows : 1, sizeof *drows);
    for (size_t r = 0; r < n_rows; r++) {
        json_t *row = json_array_get(rows, r);
        drows[r].json = row;
        drows[r].n = n;
        drows[r].cells = xcalloc(n, sizeof *drows[r].cells);
        drows[r].datums = xcalloc(n, sizeof *drows[r].datums);
        for (size_t c = 0; c < n; c++) {
            json_t *v = json_object_get(row, cols[c]->name);
            drows[r].cells[c] = v ? value_to_string(v, &cols[c]->type) : xstrdup("");
            struct ovsdb_error *e = v ? ovsdb_datum_from_json(&drows[r].datums[c],
                                                              &cols[c]->type, v, NULL)
                                      : NULL;
            if (!v || e) {
                ovsdb_error_destroy(e);
                ovsdb_datum_init_empty(&drows[r].datums[c]);
            }
        }
    }
    sort_n_cols = n;
    sort_cols = cols;
    qsort(drows, n_rows, sizeof *drows, compare_dump_rows);

    struct text_table tt;
    char *caption = xasprintf("%s table", ts->name);
    tt_init(&tt, caption, n);
    free(caption);
    for (size_t c = 0; c < n; c++) {
        tt.headings[c] = xstrdup(cols[c]->name);
    }
    for (size_t r = 0; r < n_rows; r++) {
        tt_add_row(&tt);
        for (size_t c = 0; c < n; c++) {
            json_t *v = json_object_get(drows[r].json, cols[c]->name);
            tt_set(&tt, c, drows[r].cells[c], v ? json_incref(v) : json_null());
            free(drows[r].cells[c]);
            ovsdb_datum_destroy(&drows[r].datums[c], &cols[c]->type);
        }
        free(drows[r].cells);
        free(drows[r].datums);
    }
    static bool first_table = true;
    if (format != FMT_JSON && !first_table) {
        putchar('\n');             /* ovsdb-client separates tables with a blank line. */
    }
    first_table = false;
    tt_print(&tt);
    tt_destroy(&tt);
    free(drows);
    json_decref(result);
    free(cols);
}

static void
cmd_dump(const char *db, int argc, char *argv[])
{
    struct ovsdb_schema *schema = fetch_schema(db);
    if (argc) {
        dump_table(db, find_table(schema, argv[0]), argv + 1, argc - 1);
    } else {
        for (size_t t = 0; t < schema->n_tables; t++) {
            dump_table(db, schema->tables[t], NULL, 0);
        }
    }
    ovsdb_schema_destroy(schema);
}

/* ---- monitor ---- */

struct mon_table {
    const struct ovsdb_table_schema *ts;
    const struct ovsdb_column **cols;
    size_t n_cols;
};

static void
print_updates(const struct mon_table *mts, size_t n_mts, const json_t *updates, bool initial)
{
    if (format == FMT_JSON) {
        char *s = json_dumps(updates, JSON_COMPACT | JSON_SORT_KEYS);
        puts(s);
        free(s);
        fflush(stdout);
        return;
    }
    for (size_t t = 0; t < n_mts; t++) {
        const struct mon_table *mt = &mts[t];
        const json_t *tupd = json_object_get(updates, mt->ts->name);
        if (!json_object_size(tupd)) {
            continue;
        }
        struct text_table tt;
        tt_init(&tt, n_mts > 1 ? mt->ts->name : NULL, mt->n_cols + 2);
        tt.headings[0] = xstrdup("row");
        tt.headings[1] = xstrdup("action");
        for (size_t c = 0; c < mt->n_cols; c++) {
            tt.headings[c + 2] = xstrdup(mt->cols[c]->name);
        }
        const char *uuid;
        json_t *ru;
        json_object_foreach((json_t *) tupd, uuid, ru) {
            const json_t *old = json_object_get(ru, "old");
            const json_t *new = json_object_get(ru, "new");
            const char *actions[2];
            const json_t *rows[2];
            size_t n_lines;
            if (new && !old) {
                actions[0] = initial ? "initial" : "insert";
                rows[0] = new;
                n_lines = 1;
            } else if (old && !new) {
                actions[0] = "delete";
                rows[0] = old;
                n_lines = 1;
            } else {
                actions[0] = "old";
                rows[0] = old;
                actions[1] = "new";
                rows[1] = new;
                n_lines = 2;
            }
            for (size_t l = 0; l < n_lines; l++) {
                tt_add_row(&tt);
                tt_set(&tt, 0, l ? "" : uuid, NULL);
                tt_set(&tt, 1, actions[l], NULL);
                for (size_t c = 0; c < mt->n_cols; c++) {
                    const json_t *v = json_object_get(rows[l], mt->cols[c]->name);
                    char *text = v ? value_to_string(v, &mt->cols[c]->type) : xstrdup("");
                    tt_set(&tt, c + 2, text, v ? json_incref((json_t *) v) : json_null());
                    free(text);
                }
            }
        }
        static bool first_update = true;
        if (format == FMT_TABLE && !first_update) {
            putchar('\n');         /* A blank line between updates, as ovsdb-client. */
        }
        first_update = false;
        tt_print(&tt);
        tt_destroy(&tt);
    }
    fflush(stdout);
}

static void
cmd_monitor(const char *db, int argc, char *argv[])
{
    if (!argc) {
        die("monitor: which table? (monitor [SERVER] [DATABASE] TABLE [COLUMN,...] or ALL)");
    }
    struct ovsdb_schema *schema = fetch_schema(db);
    struct mon_table *mts;
    size_t n_mts = 0;
    json_t *requests = json_object();
    if (!strcmp(argv[0], "ALL")) {
        mts = xcalloc(schema->n_tables, sizeof *mts);
        for (size_t t = 0; t < schema->n_tables; t++) {
            mts[n_mts++].ts = schema->tables[t];
        }
    } else {
        mts = xcalloc(1, sizeof *mts);
        mts[n_mts++].ts = find_table(schema, argv[0]);
    }
    for (size_t t = 0; t < n_mts; t++) {
        struct mon_table *mt = &mts[t];
        mt->cols = xcalloc(mt->ts->n_columns, sizeof *mt->cols);
        json_t *jcols = json_array();
        if (n_mts == 1 && argc > 1) {
            char *copy = xstrdup(argv[1]), *save = NULL;
            for (char *name = strtok_r(copy, ",", &save); name;
                 name = strtok_r(NULL, ",", &save)) {
                const struct ovsdb_column *c = ovsdb_table_schema_find_column(mt->ts, name);
                if (!c) {
                    die("table %s has no column named %s", mt->ts->name, name);
                }
                mt->cols[mt->n_cols++] = c;
                json_array_append_new(jcols, json_string(name));
            }
            free(copy);
        } else {
            /* Every column, _version last, as ovsdb-client. */
            for (size_t i = OVSDB_N_HIDDEN_COLUMNS; i <= mt->ts->n_columns; i++) {
                const struct ovsdb_column *c = i < mt->ts->n_columns
                                               ? mt->ts->columns[i]
                                               : mt->ts->columns[OVSDB_COL_VERSION];
                mt->cols[mt->n_cols++] = c;
                json_array_append_new(jcols, json_string(c->name));
            }
        }
        json_object_set_new(requests, mt->ts->name, json_pack("{so}", "columns", jcols));
    }
    json_t *initial = call("monitor", json_pack("[sso]", db, "uvsdb-client", requests),
                           "monitor");
    print_updates(mts, n_mts, initial, true);
    json_decref(initial);
    alarm(0);                   /* --timeout bounds only the set-up. */
    for (;;) {
        struct jsonrpc_msg *msg;
        int err = jsonrpc_recv_block(rpc, &msg);
        if (err) {
            die("%s: connection lost: %s", server_name, strerror(-err));
        }
        if (msg->type == JSONRPC_NOTIFY && !strcmp(msg->method, "update")) {
            print_updates(mts, n_mts, json_array_get(msg->params, 1), false);
        }
        jsonrpc_msg_destroy(msg);
    }
}

/* ---- lock / steal ---- */

static void
cmd_lock(const char *method, const char *name)
{
    json_t *result = call(method, json_pack("[s]", name), method);
    bool locked = json_is_true(json_object_get(result, "locked"));
    json_decref(result);
    printf("%s\n", locked ? "locked" : "waiting");
    fflush(stdout);
    alarm(0);
    for (;;) {
        struct jsonrpc_msg *msg;
        int err = jsonrpc_recv_block(rpc, &msg);
        if (err) {
            die("%s: connection lost: %s", server_name, strerror(-err));
        }
        if (msg->type == JSONRPC_NOTIFY
            && (!strcmp(msg->method, "locked") || !strcmp(msg->method, "stolen"))) {
            printf("%s\n", msg->method);
            fflush(stdout);
        }
        jsonrpc_msg_destroy(msg);
    }
}

/* ---- backup ---- */

static void
write_record(const json_t *json)
{
    char *body = json_dumps(json, JSON_COMPACT | JSON_SORT_KEYS);
    size_t len = strlen(body);
    body = xrealloc(body, len + 2);
    body[len++] = '\n';
    body[len] = '\0';
    char sha1[41];
    ovsdb_log_sha1_hex(body, len, sha1);
    if (printf("OVSDB JSON %zu %s\n", len, sha1) < 0 || fwrite(body, 1, len, stdout) != len) {
        die("backup: write to standard output failed: %s", strerror(errno));
    }
    free(body);
}

static void
cmd_backup(const char *db)
{
    if (isatty(STDOUT_FILENO)) {
        die("backup: not writing a database file to a terminal; redirect standard output "
            "(uvsdb-client backup > backup.db)");
    }
    json_t *jschema = call("get_schema", json_pack("[s]", db), "get_schema");
    struct ovsdb_schema *schema;
    struct ovsdb_error *error = ovsdb_schema_from_json(jschema, &schema);
    if (error) {
        die("%s: database %s: cannot parse the server's schema: %s", server_name, db,
            ovsdb_error_to_string(error));
    }
    /* One transaction selects every table, so the snapshot is consistent. */
    json_t *txn = json_pack("[s]", db);
    for (size_t t = 0; t < schema->n_tables; t++) {
        const struct ovsdb_table_schema *ts = schema->tables[t];
        json_t *jcols = json_array();
        for (size_t i = 0; i < ts->n_columns; i++) {
            if (i == OVSDB_COL_UUID || (i >= OVSDB_N_HIDDEN_COLUMNS
                                        && ts->columns[i]->persistent)) {
                json_array_append_new(jcols, json_string(ts->columns[i]->name));
            }
        }
        json_array_append_new(txn, json_pack("{sssss[]so}", "op", "select", "table", ts->name,
                                             "where", "columns", jcols));
    }
    json_t *result = call("transact", txn, "select every table");
    json_t *record = json_object();
    for (size_t t = 0; t < schema->n_tables; t++) {
        const struct ovsdb_table_schema *ts = schema->tables[t];
        json_t *rows = json_object_get(json_array_get(result, t), "rows");
        if (!json_is_array(rows)) {
            die("%s: backup: select from table %s failed", server_name, ts->name);
        }
        json_t *jtable = json_object();
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row) {
            json_t *uuid = json_array_get(json_object_get(row, "_uuid"), 1);
            json_t *copy = json_deep_copy(row);
            json_object_del(copy, "_uuid");
            json_object_set_new(jtable, json_string_value(uuid), copy);
        }
        if (json_object_size(jtable)) {
            json_object_set_new(record, ts->name, jtable);
        } else {
            json_decref(jtable);
        }
    }
    json_object_set_new(record, "_comment",
                        json_sprintf("backup of %s from %s", db, server_name));
    json_object_set_new(record, "_date", json_integer(time_wall_msec()));
    write_record(jschema);
    write_record(record);
    if (fflush(stdout)) {
        die("backup: write to standard output failed: %s", strerror(errno));
    }
    json_decref(record);
    json_decref(result);
    json_decref(jschema);
    ovsdb_schema_destroy(schema);
}

/* ---- main ---- */

static void
usage(void)
{
    printf("%s: command-line client for OVSDB servers (RFC 7047)\n"
           "usage: %s [OPTIONS] COMMAND [SERVER] [DATABASE] [ARG...]\n"
           "\nCommands:\n"
           "  list-dbs [SERVER]                 list the databases\n"
           "  get-schema [SERVER] [DB]          print DB's schema (JSON)\n"
           "  get-schema-version [SERVER] [DB]  print DB's schema version\n"
           "  list-tables [SERVER] [DB]         list DB's tables\n"
           "  list-columns [SERVER] [DB] [TABLE]  list the columns and their types\n"
           "  transact [SERVER] TRANSACTION     run TRANSACTION ([\"DB\", op...]), print the "
           "result\n"
           "  query [SERVER] TRANSACTION        like transact, but nothing is changed\n"
           "  dump [SERVER] [DB] [TABLE [COLUMN...]]  print the contents\n"
           "  monitor [SERVER] [DB] TABLE [COLUMN,...] | ALL  print changes as they happen\n"
           "  lock [SERVER] LOCK / steal [SERVER] LOCK  take a lock and report its fate\n"
           "  backup [SERVER] [DB] > FILE       write a snapshot as a database file\n"
           "\nSERVER defaults to %s; DB to Open_vSwitch.\n"
           "\nOptions:\n"
           "  -f, --format=table|csv|json       output format (dump, list-*, monitor)\n"
           "  -t, --timeout=SECS                give up after SECS seconds\n"
           "  -p, --private-key=FILE, -c, --certificate=FILE, -C, --ca-cert=FILE\n"
           "                                    SSL files for ssl:IP:PORT servers (PEM)\n"
           "  -h, --help, -V, --version\n", program_name(), program_name(), uvs_default_db());
}

int
main(int argc, char *argv[])
{
    set_program_name(argv[0]);
    static const struct option long_options[] = {
        { "format", required_argument, NULL, 'f' },
        { "timeout", required_argument, NULL, 't' },
        { "private-key", required_argument, NULL, 'p' },
        { "certificate", required_argument, NULL, 'c' },
        { "ca-cert", required_argument, NULL, 'C' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    for (;;) {
        uvs_getopt_quiet();
        int c = getopt_long(argc, argv, "f:t:p:c:C:hV", long_options, NULL);
        if (c == -1) {
            break;
        }
        uint64_t v;
        switch (c) {
        case 'f':
            if (!strcmp(optarg, "table")) {
                format = FMT_TABLE;
            } else if (!strcmp(optarg, "csv")) {
                format = FMT_CSV;
            } else if (!strcmp(optarg, "json")) {
                format = FMT_JSON;
            } else {
                die("--format=%s: unknown format (expected table, csv or json)", optarg);
            }
            break;
        case 't':
            if (!str_to_uint64(optarg, 10, 86400, &v)) {
                die("--timeout=%s: expected a number of seconds (0 to 86400)", optarg);
            }
            timeout_secs = v;
            break;
        case 'p':
            stream_ssl_set_files(optarg, NULL, NULL);
            break;
        case 'c':
            stream_ssl_set_files(NULL, optarg, NULL);
            break;
        case 'C':
            stream_ssl_set_files(NULL, NULL, optarg);
            break;
        case 'h':
            usage();
            return 0;
        case 'V':
            printf("%s (uvs) %s\n", program_name(), UVS_VERSION);
            return 0;
        default:
            uvs_getopt_error(argc, argv, "f:t:p:c:C:hV");
        }
    }
    argc -= optind;
    argv += optind;
    if (!argc) {
        die("missing command (try --help)");
    }
    if (timeout_secs) {
        signal(SIGALRM, alarm_handler);
        alarm(timeout_secs);
    }
    const char *cmd = *argv++;
    argc--;
    server_name = uvs_default_db();
    if (argc && looks_like_remote(argv[0])) {
        server_name = *argv++;
        argc--;
    }

    if (!strcmp(cmd, "list-dbs")) {
        cmd_list_dbs(argc, argv);
    } else if (!strcmp(cmd, "transact") || !strcmp(cmd, "query")) {
        if (argc != 1) {
            die("%s: expected one TRANSACTION argument", cmd);
        }
        cmd_transact(argv[0], !strcmp(cmd, "query"));
    } else if (!strcmp(cmd, "lock") || !strcmp(cmd, "steal")) {
        if (argc != 1) {
            die("%s: expected one LOCK argument", cmd);
        }
        cmd_lock(cmd, argv[0]);
    } else {
        static const char *const db_cmds[] = {
            "get-schema", "get-schema-version", "list-tables", "list-columns", "dump",
            "monitor", "backup", NULL
        };
        size_t i;
        for (i = 0; db_cmds[i] && strcmp(db_cmds[i], cmd); i++) {
            continue;
        }
        if (!db_cmds[i]) {
            die("unknown command '%s' (try --help)", cmd);
        }
        const char *db = "Open_vSwitch";
        if (argc && server_has_db(argv[0])) {
            db = *argv++;
            argc--;
        } else if (argc && !strcmp(cmd, "get-schema")) {
            die("%s: no database named %s (uvsdb-client list-dbs shows them)", server_name,
                argv[0]);
        }
        if (!strcmp(cmd, "get-schema")) {
            cmd_get_schema(db);
        } else if (!strcmp(cmd, "get-schema-version")) {
            struct ovsdb_schema *schema = fetch_schema(db);
            printf("%s\n", schema->version);
            ovsdb_schema_destroy(schema);
        } else if (!strcmp(cmd, "list-tables")) {
            cmd_list_tables(db);
        } else if (!strcmp(cmd, "list-columns")) {
            cmd_list_columns(db, argc, argv);
        } else if (!strcmp(cmd, "dump")) {
            cmd_dump(db, argc, argv);
        } else if (!strcmp(cmd, "monitor")) {
            cmd_monitor(db, argc, argv);
        } else {
            cmd_backup(db);
        }
    }
    if (rpc) {
        jsonrpc_close(rpc);
    }
    return 0;
}
