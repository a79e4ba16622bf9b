/*
 * uvsdb-server — the uvs configuration database server (the counterpart of OVS's ovsdb-server).
 *
 *   uvsdb-server [DB...] [--remote=REMOTE]... [--pidfile[=FILE]] [--detach] [--no-chdir]
 *                [--log-file[=FILE]] [-v SPEC] [--unixctl=PATH]
 *
 * Serves each DB file (default DBDIR/conf.db) over RFC 7047 JSON-RPC on every REMOTE:
 * "punix:PATH", "ptcp:PORT[:IP]", or "db:DB,TABLE,COLUMN" to listen on the passive targets named in
 * that column (strings, or references to rows with a "target" column, as Open_vSwitch
 * manager_options → Manager.target), re-read after each commit. Remotes may be passive (punix:,
 * ptcp:, pssl:) or active (unix:, tcp:, ssl:: the server connects out and reconnects with backoff).
 * SSL: --private-key, --certificate and --ca-cert name PEM files, or "db:DB,TABLE,COLUMN" to take
 * the file name from the database (db:Open_vSwitch,SSL,private_key, ...); peers must present a
 * certificate signed by the CA certificate.
 *
 * Control commands (uvs-appctl -t uvsdb-server ...): exit, version, help, vlog/set, vlog/list,
 * ovsdb-server/compact [DB], ovsdb-server/list-dbs, ovsdb-server/list-remotes,
 * ovsdb-server/add-remote REMOTE, ovsdb-server/remove-remote REMOTE, memory/show.
 *
 * --max-message-size=BYTES (default 8 MiB) bounds what one client may send in one message.
 *
 * The database file grows by one record per commit; it is compacted automatically once it is both
 * >= 10 MiB and 4 times its size after the last compaction.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/daemon.h"
#include "lib/poll-loop.h"
#include "lib/stream.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ovsdb/ovsdb-error.h"
#include "ovsdb/ovsdb-file.h"
#include "ovsdb/ovsdb-jsonrpc.h"
#include "ovsdb/ovsdb.h"
#include "uvs-config.h"

VLOG_DEFINE_THIS_MODULE(uvsdb_server);

struct served {
    char *file_name;
    struct ovsdb *db;
    struct ovsdb_file *file;
};

static struct served *served;
static size_t n_served;
static struct ovsdb_jsonrpc_server *jsonrpc;
static char **db_remotes;           /* "db:DB,TABLE,COLUMN" remotes. */
static size_t n_db_remotes;
static bool exiting;
static size_t max_msg_size;         /* 0: ovsdb-jsonrpc's default. */
/* --private-key, --certificate, --ca-cert: a file name, or "db:DB,TABLE,COLUMN" to read the file
 * name from the database (e.g. db:Open_vSwitch,SSL,private_key), re-read after each commit. */
static char *ssl_specs[3];

enum {
    OPT_REMOTE = 2000,
    OPT_PRIVATE_KEY,
    OPT_CERTIFICATE,
    OPT_CA_CERT,
    OPT_SSL_IGNORED,
    OPT_VERSION,
    OPT_MAX_MSG,
};

static void
usage(void)
{
    printf("%s: uvs configuration database server\n"
           "usage: %s [OPTIONS] [DATABASE...]\n"
           "where each DATABASE is a database file (default: %s/conf.db).\n"
           "\nJSON-RPC options:\n"
           "  --remote=REMOTE         listen on REMOTE: punix:PATH, ptcp:PORT[:IP],\n"
           "                          pssl:PORT[:IP]; connect to unix:PATH, tcp:IP:PORT,\n"
           "                          ssl:IP:PORT; or db:DB,TABLE,COLUMN (stored targets)\n"
           "  --private-key=FILE|db:DB,TABLE,COLUMN  SSL private key (PEM)\n"
           "  --certificate=FILE|db:...  SSL certificate (PEM)\n"
           "  --ca-cert=FILE|db:...   CA certificate that peers' certificates must chain to\n"
           "  --max-message-size=BYTES  close clients that send a longer message (default "
           "8388608)\n", program_name(), program_name(), uvs_dbdir());
    daemon_usage();
    printf("\nOther options:\n"
           "  -h, --help              display this help message\n"
           "  -V, --version           display version information\n");
}

static void
parse_options(int argc, char *argv[], char ***remotesp, size_t *n_remotesp)
{
    static const struct option long_options[] = {
        { "remote", required_argument, NULL, OPT_REMOTE },
        { "private-key", required_argument, NULL, OPT_PRIVATE_KEY },
        { "certificate", required_argument, NULL, OPT_CERTIFICATE },
        { "ca-cert", required_argument, NULL, OPT_CA_CERT },
        { "bootstrap-ca-cert", required_argument, NULL, OPT_SSL_IGNORED },
        { "max-message-size", required_argument, NULL, OPT_MAX_MSG },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        DAEMON_LONG_OPTIONS,
        { NULL, 0, NULL, 0 },
    };
    char **remotes = NULL;
    size_t n_remotes = 0;
    for (;;) {
        uvs_getopt_quiet();
        int c = getopt_long(argc, argv, "hVv::", long_options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case OPT_REMOTE:
            remotes = xrealloc(remotes, (n_remotes + 1) * sizeof *remotes);
            remotes[n_remotes++] = xstrdup(optarg);
            break;
        case OPT_MAX_MSG: {
            uint64_t v;
            if (!str_to_uint64(optarg, 10, 1ull << 30, &v) || v < 4096) {
                uvs_fatal(0, "--max-message-size=%s: expected a number of bytes from 4096 to "
                          "1073741824", optarg);
            }
            max_msg_size = v;
            break;
        }
        case OPT_PRIVATE_KEY:
        case OPT_CERTIFICATE:
        case OPT_CA_CERT:
            ssl_specs[c - OPT_PRIVATE_KEY] = xstrdup(optarg);
            break;
        case OPT_SSL_IGNORED:
            VLOG_WARN("--bootstrap-ca-cert is not supported (give --ca-cert); ignoring %s",
                      optarg);
            break;
        case 'h':
            usage();
            exit(0);
        case 'V':
            printf("%s (uvs) %s\n", program_name(), UVS_VERSION);
            exit(0);
        case 'v':
            daemon_parse_option(OPT_DAEMON_VERBOSE, optarg);
            break;
        case '?':
            uvs_getopt_error(argc, argv, "hVv::");
        default:
            if (!daemon_parse_option(c, optarg)) {
                abort();
            }
        }
    }
    *remotesp = remotes;
    *n_remotesp = n_remotes;
}

static void
open_databases(int argc, char *argv[])
{
    char *default_db = NULL;
    if (!argc) {
        default_db = xasprintf("%s/conf.db", uvs_dbdir());
        argv = &default_db;
        argc = 1;
    }
    served = xcalloc(argc, sizeof *served);
    for (int i = 0; i < argc; i++) {
        struct served *s = &served[n_served];
        s->file_name = xstrdup(argv[i]);
        if (access(s->file_name, F_OK) < 0 && errno == ENOENT) {
            uvs_fatal(0, "%s: database file does not exist; create it with \"uvsdb-tool create "
                      "%s %s/vswitch.ovsschema\"", s->file_name, s->file_name,
                      uvs_pkgdatadir());
        }
        struct ovsdb_error *error = ovsdb_file_open(s->file_name, false, &s->db, &s->file);
        if (error) {
            char *msg = ovsdb_error_to_string(error);
            ovsdb_error_destroy(error);
            uvs_fatal(0, "%s", msg);
        }
        if (!ovsdb_jsonrpc_server_add_db(jsonrpc, s->db)) {
            uvs_fatal(0, "%s: a database named %s is already being served", s->file_name,
                      s->db->schema->name);
        }
        VLOG_INFO("%s: serving database %s (schema version %s)", s->file_name,
                  s->db->schema->name, s->db->schema->version);
        n_served++;
    }
    free(default_db);
}

/* ---- db: remotes ---- */

static void
add_target(char ***targetsp, size_t *np, const char *target)
{
    *targetsp = xrealloc(*targetsp, (*np + 1) * sizeof **targetsp);
    (*targetsp)[(*np)++] = xstrdup(target);
}

/* Collects the targets that the "db:DB,TABLE,COLUMN" remote SPEC names. */
static void
query_db_remote(const char *spec, char ***targetsp, size_t *np)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
    char *copy = xstrdup(spec + 3);
    char *save = NULL;
    char *db_name = strtok_r(copy, ",", &save);
    char *table_name = strtok_r(NULL, ",", &save);
    char *column_name = strtok_r(NULL, ",", &save);
    struct ovsdb *db = db_name ? ovsdb_jsonrpc_server_get_db(jsonrpc, db_name) : NULL;
    struct ovsdb_table *table = db && table_name ? ovsdb_get_table(db, table_name) : NULL;
    const struct ovsdb_column *c = table && column_name
                                   ? ovsdb_table_schema_find_column(table->schema, column_name)
                                   : NULL;
    if (!c) {
        VLOG_WARN_RL(&rl, "remote \"%s\": no such database, table or column (expected "
                     "db:DB,TABLE,COLUMN)", spec);
        free(copy);
        return;
    }
    const struct ovsdb_base_type *key = &c->type.key;
    struct ovsdb_table *ref = key->type == OVSDB_TYPE_UUID && key->u.uuid.ref_table
                              ? ovsdb_table_for_schema(db, key->u.uuid.ref_table) : NULL;
    const struct ovsdb_column *target_col = ref
        ? ovsdb_table_schema_find_column(ref->schema, "target") : NULL;
    struct ovsdb_row *row;
    RB_FOREACH(row, ovsdb_row_tree, &table->rows) {
        const struct ovsdb_datum *d = &row->fields[c->index];
        for (unsigned int i = 0; i < d->n; i++) {
            if (key->type == OVSDB_TYPE_STRING) {
                add_target(targetsp, np, d->keys[i].string);
            } else if (target_col && target_col->type.key.type == OVSDB_TYPE_STRING) {
                const struct ovsdb_row *target = ovsdb_table_get_row(ref, &d->keys[i].uuid);
                if (target && target->fields[target_col->index].n) {
                    add_target(targetsp, np, target->fields[target_col->index].keys[0].string);
                }
            }
        }
    }
    free(copy);
}

/* The string in COLUMN of the first row of TABLE that has one, for "db:DB,TABLE,COLUMN" SPEC
 * (NULL if none; the string belongs to the database). */
static const char *
query_db_string(const char *spec)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
    char *copy = xstrdup(spec + 3);
    char *save = NULL;
    char *db_name = strtok_r(copy, ",", &save);
    char *table_name = strtok_r(NULL, ",", &save);
    char *column_name = strtok_r(NULL, ",", &save);
    struct ovsdb *db = db_name ? ovsdb_jsonrpc_server_get_db(jsonrpc, db_name) : NULL;
    struct ovsdb_table *table = db && table_name ? ovsdb_get_table(db, table_name) : NULL;
    const struct ovsdb_column *c = table && column_name
                                   ? ovsdb_table_schema_find_column(table->schema, column_name)
                                   : NULL;
    free(copy);
    if (!c || c->type.key.type != OVSDB_TYPE_STRING) {
        VLOG_WARN_RL(&rl, "\"%s\": no such database, table or string column (expected "
                     "db:DB,TABLE,COLUMN)", spec);
        return NULL;
    }
    struct ovsdb_row *row;
    RB_FOREACH(row, ovsdb_row_tree, &table->rows) {
        const struct ovsdb_datum *d = &row->fields[c->index];
        if (d->n && d->keys[0].string[0]) {
            return d->keys[0].string;
        }
    }
    return NULL;
}

/* Applies the SSL options: file names directly, db: specs looked up now. */
static void
reconfigure_ssl(void)
{
    const char *files[3] = { NULL, NULL, NULL };
    for (int i = 0; i < 3; i++) {
        if (ssl_specs[i]) {
            files[i] = !strncmp(ssl_specs[i], "db:", 3) ? query_db_string(ssl_specs[i])
                                                         : ssl_specs[i];
        }
    }
    stream_ssl_set_files(files[0], files[1], files[2]);
}

/* Commit count when the db: remotes and SSL settings were last computed (ULLONG_MAX: recompute
 * on the next main-loop pass). */
static unsigned long long last_commits = ULLONG_MAX;

static void
reconfigure_db_remotes(void)
{
    unsigned long long commits = 0;
    for (size_t i = 0; i < n_served; i++) {
        commits += served[i].db->n_commits;
    }
    if (commits == last_commits) {
        return;
    }
    last_commits = commits;
    reconfigure_ssl();
    if (!n_db_remotes) {
        return;
    }
    char **targets = NULL;
    size_t n = 0;
    for (size_t i = 0; i < n_db_remotes; i++) {
        query_db_remote(db_remotes[i], &targets, &n);
    }
    ovsdb_jsonrpc_server_set_dynamic_remotes(jsonrpc, targets, n);
    for (size_t i = 0; i < n; i++) {
        free(targets[i]);
    }
    free(targets);
}

/* Closes the listening sockets (removing punix socket files) when the process exits, including on
 * SIGTERM, which the daemon library turns into exit() from the main loop. */
static void
close_remotes_atexit(void)
{
    ovsdb_jsonrpc_server_destroy(jsonrpc);
    jsonrpc = NULL;
}

/* ---- Control commands ---- */

static void
cmd_exit(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    exiting = true;
    unixctl_command_reply(conn, NULL);
}

static struct served *
find_served(const char *name)
{
    for (size_t i = 0; i < n_served; i++) {
        if (!name || !strcmp(served[i].db->schema->name, name)) {
            return &served[i];
        }
    }
    return NULL;
}

static void
cmd_compact(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    bool failed = false;
    for (size_t i = 0; i < n_served; i++) {
        struct served *s = &served[i];
        if (argc > 1 && strcmp(argv[1], s->db->schema->name)) {
            continue;
        }
        struct ovsdb_error *error = ovsdb_file_compact(s->file);
        if (error) {
            char *msg = ovsdb_error_to_string(error);
            ds_put_format(&ds, "%s: %s\n", s->db->schema->name, msg);
            free(msg);
            ovsdb_error_destroy(error);
            failed = true;
        }
    }
    if (argc > 1 && !find_served(argv[1])) {
        ds_put_format(&ds, "%s: no database by that name\n", argv[1]);
        failed = true;
    }
    if (failed) {
        unixctl_command_reply_error(conn, ds_cstr(&ds));
    } else {
        unixctl_command_reply(conn, NULL);
    }
    ds_destroy(&ds);
}

static void
cmd_list_dbs(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < n_served; i++) {
        ds_put_format(&ds, "%s\n", served[i].db->schema->name);
    }
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

static void
cmd_memory_show(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < n_served; i++) {
        size_t rows = 0;
        for (size_t t = 0; t < served[i].db->schema->n_tables; t++) {
            rows += served[i].db->tables[t]->n_rows;
        }
        ds_put_format(&ds, "%s: rows:%zu file-bytes:%lld\n", served[i].db->schema->name, rows,
                      (long long) ovsdb_file_get_size(served[i].file));
    }
    ovsdb_jsonrpc_server_get_memory_usage(jsonrpc, &ds);
    ds_put_char(&ds, '\n');
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

static void
cmd_list_remotes(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < n_db_remotes; i++) {
        ds_put_format(&ds, "%s\n", db_remotes[i]);
    }
    char *listening = ovsdb_jsonrpc_server_list_remotes(jsonrpc);
    ds_put_cstr(&ds, listening);
    free(listening);
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

static void
cmd_add_remote(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    char *error;
    if (!strncmp(argv[1], "db:", 3)) {
        db_remotes = xrealloc(db_remotes, (n_db_remotes + 1) * sizeof *db_remotes);
        db_remotes[n_db_remotes++] = xstrdup(argv[1]);
        last_commits = ULLONG_MAX;
        unixctl_command_reply(conn, NULL);
    } else if (ovsdb_jsonrpc_server_add_remote(jsonrpc, argv[1], false, &error)) {
        unixctl_command_reply_error(conn, error);
        free(error);
    } else {
        unixctl_command_reply(conn, NULL);
    }
}

static void
cmd_remove_remote(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    for (size_t i = 0; i < n_db_remotes; i++) {
        if (!strcmp(db_remotes[i], argv[1])) {
            free(db_remotes[i]);
            db_remotes[i] = db_remotes[--n_db_remotes];
            ovsdb_jsonrpc_server_set_dynamic_remotes(jsonrpc, NULL, 0);
            last_commits = ULLONG_MAX;      /* The other db: remotes reopen at once. */
            unixctl_command_reply(conn, NULL);
            return;
        }
    }
    if (ovsdb_jsonrpc_server_remove_remote(jsonrpc, argv[1])) {
        unixctl_command_reply(conn, NULL);
    } else {
        char *msg = xasprintf("%s: no such remote", argv[1]);
        unixctl_command_reply_error(conn, msg);
        free(msg);
    }
}

int
main(int argc, char *argv[])
{
    set_program_name(argv[0]);
    char **remotes;
    size_t n_remotes;
    parse_options(argc, argv, &remotes, &n_remotes);

    jsonrpc = ovsdb_jsonrpc_server_create();
    ovsdb_jsonrpc_server_set_max_msg_size(jsonrpc, max_msg_size);
    atexit(close_remotes_atexit);
    open_databases(argc - optind, argv + optind);

    daemonize_start();
    reconfigure_ssl();

    for (size_t i = 0; i < n_remotes; i++) {
        if (!strncmp(remotes[i], "db:", 3)) {
            db_remotes = xrealloc(db_remotes, (n_db_remotes + 1) * sizeof *db_remotes);
            db_remotes[n_db_remotes++] = xstrdup(remotes[i]);
            continue;
        }
        char *error;
        if (ovsdb_jsonrpc_server_add_remote(jsonrpc, remotes[i], false, &error)) {
            uvs_fatal(0, "%s", error);
        }
    }
    reconfigure_db_remotes();

    struct unixctl_server *unixctl;
    int err = unixctl_server_create(daemon_unixctl_path(), &unixctl);
    if (err) {
        uvs_fatal(-err, "cannot create control socket %s",
                  daemon_unixctl_path() ? daemon_unixctl_path() : "(default)");
    }
    unixctl_command_register("exit", "", 0, 0, cmd_exit, NULL);
    unixctl_command_register("ovsdb-server/compact", "[DB]", 0, 1, cmd_compact, NULL);
    unixctl_command_register("ovsdb-server/list-dbs", "", 0, 0, cmd_list_dbs, NULL);
    unixctl_command_register("ovsdb-server/list-remotes", "", 0, 0, cmd_list_remotes, NULL);
    unixctl_command_register("memory/show", "", 0, 0, cmd_memory_show, NULL);
    unixctl_command_register("ovsdb-server/add-remote", "REMOTE", 1, 1, cmd_add_remote, NULL);
    unixctl_command_register("ovsdb-server/remove-remote", "REMOTE", 1, 1, cmd_remove_remote,
                             NULL);

    daemonize_complete();
    VLOG_INFO("%s (uvs) %s: ready", program_name(), UVS_VERSION);

    while (!exiting) {
        unixctl_server_run(unixctl);
        ovsdb_jsonrpc_server_run(jsonrpc);
        reconfigure_db_remotes();
        for (size_t i = 0; i < n_served; i++) {
            if (ovsdb_file_should_compact(served[i].file)) {
                struct ovsdb_error *error = ovsdb_file_compact(served[i].file);
                if (error) {
                    char *msg = ovsdb_error_to_string(error);
                    VLOG_WARN("%s: compaction failed: %s", served[i].file_name, msg);
                    free(msg);
                    ovsdb_error_destroy(error);
                }
            }
        }
        if (exiting) {
            break;
        }
        unixctl_server_wait(unixctl);
        ovsdb_jsonrpc_server_wait(jsonrpc);
        poll_block();
    }
    VLOG_INFO("%s: exiting", program_name());
    close_remotes_atexit();
    unixctl_server_destroy(unixctl);
    for (size_t i = 0; i < n_served; i++) {
        ovsdb_destroy(served[i].db);
        free(served[i].file_name);
    }
    free(served);
    for (size_t i = 0; i < n_remotes; i++) {
        free(remotes[i]);
    }
    free(remotes);
    for (size_t i = 0; i < n_db_remotes; i++) {
        free(db_remotes[i]);
    }
    free(db_remotes);
    return 0;
}
