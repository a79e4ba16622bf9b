/*
 * uvsdb-tool — offline operations on uvsdb database files (the counterpart of OVS's ovsdb-tool):
 *
 *   uvsdb-tool create [DB [SCHEMA]]     create DB holding only SCHEMA
 *   uvsdb-tool db-version DB            print DB's schema version
 *   uvsdb-tool db-name DB               print DB's schema name
 *   uvsdb-tool schema-version SCHEMA    print SCHEMA's version
 *   uvsdb-tool schema-name SCHEMA       print SCHEMA's name
 *   uvsdb-tool show-log [-m]... DB      print DB's records (-m: changes, -mm: values too)
 *   uvsdb-tool query DB TRANSACTION     run a read-only RFC 7047 transaction, print the result
 *   uvsdb-tool transact DB TRANSACTION  run a transaction and commit it to DB (server stopped)
 *   uvsdb-tool compact DB               rewrite DB as a single snapshot record
 *   uvsdb-tool needs-conversion DB SCHEMA  print "yes" if DB's schema differs from SCHEMA, else "no"
 *   uvsdb-tool convert DB SCHEMA [TARGET]  upgrade DB's data to SCHEMA (in place, atomically, or
 *                                       into a new file TARGET)
 *
 * DB defaults to DBDIR/conf.db ($UVS_DBDIR, /etc/uvs); SCHEMA to PKGDATADIR/vswitch.ovsschema.
 * Exit status 0 on success, 1 on any error (printed to stderr naming the file and the reason).
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/util.h"
#include "lib/vlog.h"
#include "ovsdb/ovsdb-error.h"
#include "ovsdb/ovsdb-execute.h"
#include "ovsdb/ovsdb-file.h"
#include "ovsdb/ovsdb-log.h"
#include "ovsdb/ovsdb.h"
#include "uvs-config.h"

static int show_log_verbosity;

/* Prints ERROR's details (the file and the reason) and exits 1. */
static void __attribute__((noreturn))
fail_error(struct ovsdb_error *error)
{
    if (error->details && !strcmp(error->tag, "I/O error")) {
        fprintf(stderr, "%s: %s\n", program_name(), error->details);
    } else {
        char *msg = ovsdb_error_to_string(error);
        fprintf(stderr, "%s: %s\n", program_name(), msg);
        free(msg);
    }
    exit(1);
}

static void
check(struct ovsdb_error *error)
{
    if (error) {
        fail_error(error);
    }
}

static char *
default_db(void)
{
    return xasprintf("%s/conf.db", uvs_dbdir());
}

static char *
default_schema(void)
{
    return xasprintf("%s/vswitch.ovsschema", uvs_pkgdatadir());
}

static void
usage(void)
{
    printf("%s: uvs database management utility\n"
           "usage: %s [OPTIONS] COMMAND [ARG...]\n"
           "  create [DB [SCHEMA]]    create DB with the given SCHEMA\n"
           "  db-version [DB]         report version of schema used by DB\n"
           "  db-name [DB]            report name of schema used by DB\n"
           "  schema-version [SCHEMA] report SCHEMA's schema version\n"
           "  schema-name [SCHEMA]    report SCHEMA's name\n"
           "  show-log [-m]... [DB]   print DB's log entries (-m, -mm: more detail)\n"
           "  query [DB] TRNS         execute read-only transaction on DB\n"
           "  transact [DB] TRNS      execute read/write transaction on DB\n"
           "  compact [DB]            compact DB in place\n"
           "  needs-conversion [DB [SCHEMA]]  does DB need conversion to SCHEMA? (yes/no)\n"
           "  convert [DB [SCHEMA [TARGET]]]  convert DB's data to SCHEMA (into TARGET)\n"
           "The default DB is %s.\n"
           "The default SCHEMA is %s.\n"
           "Options:\n"
           "  -m, --more              increase show-log verbosity\n"
           "  -h, --help              display this help message\n"
           "  -V, --version           display version information\n",
           program_name(), program_name(), default_db(), default_schema());
}

/* ---- Commands ---- */

static void
cmd_create(int argc, char *argv[])
{
    char *db = argc > 1 ? xstrdup(argv[1]) : default_db();
    char *schema_file = argc > 2 ? xstrdup(argv[2]) : default_schema();
    struct ovsdb_schema *schema;
    struct ovsdb_error *error = ovsdb_schema_from_file(schema_file, &schema);
    if (error && argc <= 2 && error->errno_ == ENOENT) {
        char *details = xasprintf("%s (this is the default schema: name the schema file, as in "
                                  "\"create DB SCHEMA\", or set UVS_PKGDATADIR)",
                                  error->details);
        free(error->details);
        error->details = details;
    }
    check(error);

    char *dir = xstrdup(db);
    int err = uvs_mkdir_p(dirname(dir));
    if (err) {
        uvs_fatal(-err, "%s: cannot create directory for database", db);
    }
    free(dir);
    check(ovsdb_file_create(db, schema));
    ovsdb_schema_destroy(schema);
    free(db);
    free(schema_file);
}

static struct ovsdb_schema *
read_db_schema(int argc, char *argv[])
{
    char *db = argc > 1 ? xstrdup(argv[1]) : default_db();
    struct ovsdb_schema *schema;
    check(ovsdb_file_read_schema(db, &schema));
    free(db);
    return schema;
}

static struct ovsdb_schema *
read_schema_file(int argc, char *argv[])
{
    char *file = argc > 1 ? xstrdup(argv[1]) : default_schema();
    struct ovsdb_schema *schema;
    check(ovsdb_schema_from_file(file, &schema));
    free(file);
    return schema;
}

static void
cmd_db_version(int argc, char *argv[])
{
    struct ovsdb_schema *schema = read_db_schema(argc, argv);
    puts(schema->version);
    ovsdb_schema_destroy(schema);
}

static void
cmd_db_name(int argc, char *argv[])
{
    struct ovsdb_schema *schema = read_db_schema(argc, argv);
    puts(schema->name);
    ovsdb_schema_destroy(schema);
}

static void
cmd_schema_version(int argc, char *argv[])
{
    struct ovsdb_schema *schema = read_schema_file(argc, argv);
    puts(schema->version);
    ovsdb_schema_destroy(schema);
}

static void
cmd_schema_name(int argc, char *argv[])
{
    struct ovsdb_schema *schema = read_schema_file(argc, argv);
    puts(schema->name);
    ovsdb_schema_destroy(schema);
}

static void
print_date(long long msec)
{
    time_t t = msec / 1000;
    struct tm tm;
    char buf[64];
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    printf(" %s.%03lld", buf, msec % 1000);
}

/* Prints "row "NAME" (UUID8)" or "row UUID8" using NAMES (uuid -> name or null). */
static void
print_row_ref(json_t *names, const char *uuid)
{
    const char *name = json_string_value(json_object_get(names, uuid));
    if (name) {
        printf("row \"%s\" (%.8s)", name, uuid);
    } else {
        printf("row %.8s", uuid);
    }
}

static void
print_columns(const json_t *jrow, const struct ovsdb_table_schema *ts)
{
    const char *cname;
    json_t *jvalue;
    json_object_foreach((json_t *) jrow, cname, jvalue) {
        const struct ovsdb_column *c = ts ? ovsdb_table_schema_find_column(ts, cname) : NULL;
        struct ovsdb_datum d;
        struct ovsdb_error *error = c ? ovsdb_datum_from_json(&d, &c->type, jvalue, NULL)
                                      : ovsdb_error("unknown column", NULL);
        if (error) {
            char *text = json_dumps(jvalue, JSON_COMPACT | JSON_ENCODE_ANY);
            printf("    %s=%s\n", cname, text);
            free(text);
            ovsdb_error_destroy(error);
        } else {
            struct ds ds = DS_EMPTY_INITIALIZER;
            ovsdb_datum_to_string(&d, &c->type, &ds);
            printf("    %s=%s\n", cname, ds_cstr(&ds));
            ds_destroy(&ds);
            ovsdb_datum_destroy(&d, &c->type);
        }
    }
}

/* Prints one transaction record's changes. NAMES tracks the rows seen so far (uuid -> name, or
 * null when the row has no "name"), so inserts can be told from modifications. */
static void
show_transaction(const json_t *record, json_t *names, const struct ovsdb_schema *schema)
{
    const char *tname;
    json_t *jtable;
    json_object_foreach((json_t *) record, tname, jtable) {
        if (tname[0] == '_' || !json_is_object(jtable)) {
            continue;
        }
        const struct ovsdb_table_schema *ts = schema ? ovsdb_schema_find_table(schema, tname)
                                                     : NULL;
        const char *uuid;
        json_t *jrow;
        json_object_foreach(jtable, uuid, jrow) {
            bool known = json_object_get(names, uuid) != NULL;
            printf("  table %s ", tname);
            if (json_is_null(jrow)) {
                print_row_ref(names, uuid);
                printf(":\n    delete row\n");
                json_object_del(names, uuid);
                continue;
            }
            json_t *jname = json_object_get(jrow, "name");
            if (json_is_string(jname)) {
                json_object_set(names, uuid, jname);
            } else if (!known) {
                json_object_set_new(names, uuid, json_null());
            }
            if (!known) {
                printf("insert ");
            }
            print_row_ref(names, uuid);
            printf(":\n");
            if (show_log_verbosity > 1) {
                print_columns(jrow, ts);
            }
        }
    }
}

static void
cmd_show_log(int argc, char *argv[])
{
    char *db = argc > 1 ? xstrdup(argv[1]) : default_db();
    struct ovsdb_log *log;
    check(ovsdb_log_open(db, OVSDB_LOG_READ_ONLY, &log));
    struct ovsdb_schema *schema = NULL;
    json_t *names = json_object();
    for (unsigned long long i = 0; ; i++) {
        json_t *record;
        struct ovsdb_error *error = ovsdb_log_read(log, &record);
        if (error) {
            char *msg = ovsdb_error_to_string(error);
            printf("%s\n", msg);
            free(msg);
            ovsdb_error_destroy(error);
            break;
        }
        if (!record) {
            break;
        }
        printf("record %llu:", i);
        if (i == 0) {
            error = ovsdb_schema_from_json(record, &schema);
            if (error) {
                json_decref(record);
                fail_error(ovsdb_error_prefix(error, "%s: record 0 is not a schema", db));
            }
            printf(" \"%s\" schema, version=\"%s\", cksum=\"%s\"\n", schema->name,
                   schema->version, schema->cksum ? schema->cksum : "");
        } else if (json_is_object(record)) {
            const json_t *jdate = json_object_get(record, "_date");
            const json_t *jcomment = json_object_get(record, "_comment");
            if (json_is_integer(jdate)) {
                print_date(json_integer_value(jdate));
            }
            if (json_is_string(jcomment)) {
                printf(" \"%s\"", json_string_value(jcomment));
            }
            putchar('\n');
            if (show_log_verbosity > 0) {
                show_transaction(record, names, schema);
            }
        } else {
            printf(" (not a JSON object)\n");
        }
        json_decref(record);
        if (i == 0 || show_log_verbosity > 0) {
            putchar('\n');
        }
    }
    json_decref(names);
    ovsdb_schema_destroy(schema);
    ovsdb_log_close(log);
    free(db);
}

static void
run_transaction(int argc, char *argv[], bool read_only)
{
    char *db_name = argc > 2 ? xstrdup(argv[1]) : default_db();
    const char *text = argv[argc - 1];
    json_error_t jerr;
    json_t *params = json_loads(text, JSON_DECODE_ANY, &jerr);
    if (!params) {
        uvs_fatal(0, "transaction is not valid JSON: %s (at character %d)", jerr.text,
                  jerr.position);
    }
    struct ovsdb *db;
    check(ovsdb_file_open(db_name, read_only, &db, NULL));
    struct ovsdb_exec_options options = { .read_only = read_only };
    long long timeout;
    json_t *result = ovsdb_execute(db, params, &options, 0, &timeout);
    if (!result) {
        uvs_fatal(0, "transaction contains a \"wait\" that cannot succeed offline");
    }
    char *s = json_dumps(result, JSON_COMPACT);
    puts(s);
    free(s);
    json_decref(result);
    json_decref(params);
    ovsdb_destroy(db);
    free(db_name);
}

static void
cmd_query(int argc, char *argv[])
{
    run_transaction(argc, argv, true);
}

static void
cmd_transact(int argc, char *argv[])
{
    run_transaction(argc, argv, false);
}

static void
cmd_compact(int argc, char *argv[])
{
    char *db_name = argc > 1 ? xstrdup(argv[1]) : default_db();
    struct ovsdb *db;
    struct ovsdb_file *file;
    check(ovsdb_file_open(db_name, false, &db, &file));
    check(ovsdb_file_compact(file));
    ovsdb_destroy(db);
    free(db_name);
}

static void
cmd_needs_conversion(int argc, char *argv[])
{
    char *db_name = argc > 1 ? xstrdup(argv[1]) : default_db();
    char *schema_name = argc > 2 ? xstrdup(argv[2]) : default_schema();
    struct ovsdb_schema *old, *new;
    check(ovsdb_file_read_schema(db_name, &old));
    check(ovsdb_schema_from_file(schema_name, &new));
    json_t *a = ovsdb_schema_to_json(old), *b = ovsdb_schema_to_json(new);
    json_object_del(a, "cksum");
    json_object_del(b, "cksum");
    puts(json_equal(a, b) ? "no" : "yes");
    json_decref(a);
    json_decref(b);
    ovsdb_schema_destroy(old);
    ovsdb_schema_destroy(new);
    free(db_name);
    free(schema_name);
}

/* One "transact" that inserts every row of OLD into a database of schema NEW, keeping UUIDs:
 * tables and columns NEW lacks are dropped, values are re-checked against NEW's types. */
static json_t *
conversion_txn(const struct ovsdb *old, const struct ovsdb_schema *new)
{
    json_t *txn = json_pack("[s]", new->name);
    for (size_t t = 0; t < old->schema->n_tables; t++) {
        const struct ovsdb_table_schema *ots = old->schema->tables[t];
        const struct ovsdb_table_schema *nts = ovsdb_schema_find_table(new, ots->name);
        if (!nts) {
            if (old->tables[t]->n_rows) {
                fprintf(stderr, "%s: note: table %s is not in the new schema; its %zu row(s) "
                        "are dropped\n", program_name(), ots->name, old->tables[t]->n_rows);
            }
            continue;
        }
        struct ovsdb_row *row;
        RB_FOREACH(row, ovsdb_row_tree, &old->tables[t]->rows) {
            json_t *jrow = json_object();
            for (size_t i = OVSDB_N_HIDDEN_COLUMNS; i < ots->n_columns; i++) {
                const struct ovsdb_column *oc = ots->columns[i];
                const struct ovsdb_column *nc = ovsdb_table_schema_find_column(nts, oc->name);
                if (nc && nc->persistent && oc->persistent) {
                    json_object_set_new(jrow, oc->name,
                                        ovsdb_datum_to_json(&row->fields[i], &oc->type));
                }
            }
            char uuid[UUID_LEN + 1];
            json_array_append_new(txn, json_pack("{ssssssso}", "op", "insert", "table",
                                                 ots->name, "uuid",
                                                 uuid_to_string(ovsdb_row_get_uuid(row), uuid),
                                                 "row", jrow));
        }
    }
    json_array_append_new(txn, json_pack("{ssss}", "op", "comment", "comment",
                                         "converted by uvsdb-tool"));
    return txn;
}

static void
cmd_convert(int argc, char *argv[])
{
    char *db_name = argc > 1 ? xstrdup(argv[1]) : default_db();
    char *schema_name = argc > 2 ? xstrdup(argv[2]) : default_schema();
    const char *target = argc > 3 ? argv[3] : NULL;
    struct ovsdb_schema *new;
    check(ovsdb_schema_from_file(schema_name, &new));

    /* Opening read-write takes the file's lock, so no server appends while we convert. */
    struct ovsdb *old;
    struct ovsdb_file *old_file;
    check(ovsdb_file_open(db_name, false, &old, &old_file));
    char *tmp = xasprintf("%s.convert-tmp", target ? target : db_name);
    remove(tmp);
    check(ovsdb_file_create(tmp, new));
    struct ovsdb *conv;
    check(ovsdb_file_open(tmp, false, &conv, NULL));
    json_t *txn = conversion_txn(old, new);
    long long timeout;
    json_t *result = ovsdb_execute(conv, txn, NULL, 0, &timeout);
    size_t i;
    json_t *r;
    json_array_foreach(result, i, r) {
        if (json_object_get(r, "error")) {
            char *msg = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS);
            json_t *op = json_array_get(txn, i + 1);
            remove(tmp);
            uvs_fatal(0, "%s: cannot convert to schema %s %s: %s%s%s", db_name, new->name,
                      new->version, msg, op ? " in row " : "",
                      op ? json_string_value(json_object_get(op, "uuid")) : "");
        }
    }
    json_decref(result);
    json_decref(txn);
    ovsdb_destroy(conv);
    /* Make the new file a single snapshot, then put it in place atomically. */
    struct ovsdb_file *conv_file;
    check(ovsdb_file_open(tmp, false, &conv, &conv_file));
    check(ovsdb_file_compact(conv_file));
    ovsdb_destroy(conv);
    if (rename(tmp, target ? target : db_name) < 0) {
        int err = errno;
        remove(tmp);
        uvs_fatal(err, "cannot rename %s to %s", tmp, target ? target : db_name);
    }
    ovsdb_destroy(old);
    ovsdb_schema_destroy(new);
    free(tmp);
    free(db_name);
    free(schema_name);
}

static const struct command {
    const char *name;
    int min_args, max_args;
    void (*func)(int argc, char *argv[]);
} commands[] = {
    { "create", 0, 2, cmd_create },
    { "db-version", 0, 1, cmd_db_version },
    { "db-name", 0, 1, cmd_db_name },
    { "schema-version", 0, 1, cmd_schema_version },
    { "schema-name", 0, 1, cmd_schema_name },
    { "show-log", 0, 1, cmd_show_log },
    { "query", 1, 2, cmd_query },
    { "transact", 1, 2, cmd_transact },
    { "compact", 0, 1, cmd_compact },
    { "needs-conversion", 0, 2, cmd_needs_conversion },
    { "convert", 0, 3, cmd_convert },
};

int
main(int argc, char *argv[])
{
    static const struct option long_options[] = {
        { "more", no_argument, NULL, 'm' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    set_program_name(argv[0]);
    for (;;) {
        uvs_getopt_quiet();
        int c = getopt_long(argc, argv, "+mhV", long_options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case 'm':
            show_log_verbosity++;
            break;
        case 'h':
            usage();
            return 0;
        case 'V':
            printf("%s (uvs) %s\n", program_name(), UVS_VERSION);
            return 0;
        default:
            uvs_getopt_error(argc, argv, "+mhV");
        }
    }
    argc -= optind;
    argv += optind;
    if (argc < 1) {
        uvs_fatal(0, "missing command name; use --help for help");
    }
    /* Accept "show-log -m DB" as well as "-m show-log DB". */
    int n = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-m") || !strcmp(argv[i], "--more")) {
            show_log_verbosity++;
        } else if (!strcmp(argv[i], "-mm")) {
            show_log_verbosity += 2;
        } else {
            argv[n++] = argv[i];
        }
    }
    argc = n;
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        const struct command *cmd = &commands[i];
        if (!strcmp(argv[0], cmd->name)) {
            if (argc - 1 < cmd->min_args || argc - 1 > cmd->max_args) {
                uvs_fatal(0, "'%s' command takes %d to %d arguments (got %d); use --help for "
                          "help", cmd->name, cmd->min_args, cmd->max_args, argc - 1);
            }
            cmd->func(argc, argv);
            return 0;
        }
    }
    uvs_fatal(0, "unknown command '%s'; use --help for help", argv[0]);
}
