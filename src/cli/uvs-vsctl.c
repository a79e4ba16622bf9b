/*
 * uvs-vsctl — configure uvs through its database, with ovs-vsctl's command line.
 *
 *   uvs-vsctl [OPTIONS] [--] [CMD-OPTIONS] COMMAND [ARG...] [-- [CMD-OPTIONS] COMMAND [ARG...]]...
 *
 * One invocation is one database transaction (RFC 7047 §4.1.3 "transact"):
 *
 *   1. "get_schema" and one "transact" of "select" operations read every table (vsctl-db.h);
 *   2. the commands run in order against that snapshot (vsctl-cmds.h);
 *   3. if anything changed, one "transact" commits: "wait" operations on everything the commands
 *      based their decisions on, the changes, and (unless --no-wait) "mutate" next_cfg += 1 plus a
 *      "select" that reads the new next_cfg back. If a "wait" fails because another client changed
 *      the database meanwhile, everything is re-read and the commands run again;
 *   4. command output is printed only after the commit succeeded;
 *   5. unless --no-wait, uvs-vsctl "monitor"s Open_vSwitch and waits until uvs-vswitchd has
 *      applied the change (cur_cfg >= next_cfg), as ovs-vsctl does; then it reads back the
 *      interfaces the transaction created or changed and warns on stderr about each one
 *      uvs-vswitchd could not set up ("Error detected while setting up 'p0': ...") — the exit
 *      status stays 0, as in ovs-vsctl, because the configuration itself was applied.
 *
 * wait-until: if its condition does not hold, nothing is committed; uvs-vsctl monitors the
 * database and runs all commands again after each change, until the condition holds.
 * --retry: keep trying to connect while the server is not there (bounded by --timeout).
 *
 * --timeout=SECS bounds the whole run with SIGALRM; on expiry uvs-vsctl says what it was waiting
 * for and exits 142 (128 + SIGALRM), the status ovs-vsctl's alarm gives.
 * Exit status: 0 on success, 1 on any error, 2 from br-exists for a missing bridge, 142 on timeout.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/vsctl-cmds.h"
#include "cli/vsctl-db.h"
#include "cli/vsctl-output.h"
#include "lib/jsonrpc.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "uvs-config.h"

VLOG_DEFINE_THIS_MODULE(vsctl);

#define DB_NAME "Open_vSwitch"
#define MAX_ATTEMPTS 100

/* Command line. */
static const char *db_remote;
static bool no_wait;
static bool dry_run;
static bool oneline;
static unsigned int timeout_secs;
static bool retry;

/* Interfaces the committed transaction inserted or changed: checked for errors after uvs-vswitchd
 * applied the change. */
struct checked_iface {
    char *uuid;
    char *name;
    char *old_error;              /* changed interface: its error before (NULL if none) */
    bool inserted;
};
static struct checked_iface *checked_ifaces;
static size_t n_checked_ifaces;

/* run_once() results. */
enum run_result {
    RUN_DONE,                     /* committed, or nothing to commit */
    RUN_CONFLICT,                 /* another client changed what we read: run again */
    RUN_WAIT,                     /* wait-until not satisfied: wait for a change, run again */
};

struct command {
    const struct vsctl_command_syntax *syntax;
    int argc;
    char **argv;
    char **options;
    size_t n_options;
    struct ds output;
    struct vsctl_row *created;    /* set by "create": print its UUID after the commit */
};

/* ======================================================================================== */
/* Timeout                                                                                  */
/* ======================================================================================== */

/* What to print if the alarm fires now; written with SIGALRM blocked, read by the handler. */
static char timeout_msg[512];

static void
set_timeout_msg(const char *fmt, ...)
{
    sigset_t block, old;
    va_list args;

    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigprocmask(SIG_BLOCK, &block, &old);
    int n = snprintf(timeout_msg, sizeof timeout_msg, "%s: ", program_name());
    va_start(args, fmt);
    if (n > 0 && (size_t) n < sizeof timeout_msg) {
        vsnprintf(timeout_msg + n, sizeof timeout_msg - (size_t) n - 1, fmt, args);
    }
    va_end(args);
    strlcat(timeout_msg, "\n", sizeof timeout_msg);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static void
alarm_handler(int sig)
{
    (void) sig;
    ssize_t n = write(STDERR_FILENO, timeout_msg, strlen(timeout_msg));
    (void) n;
    _exit(128 + SIGALRM);
}

/* ======================================================================================== */
/* Command line                                                                             */
/* ======================================================================================== */

static __attribute__((noreturn)) void
usage(void)
{
    printf("\
%s: uvs configuration utility\n\
usage: %s [OPTIONS] COMMAND [ARG...]\n\
  or:  %s [OPTIONS] COMMAND [ARG...] -- [OPTIONS] COMMAND [ARG...] ...\n\
\n", program_name(), program_name(), program_name());
    vsctl_commands_usage();
    printf("\n\
Options:\n\
  --db=DATABASE               connect to DATABASE\n\
                              (default: %s)\n\
  --no-wait                   do not wait for uvs-vswitchd to reconfigure\n\
  -t, --timeout=SECS          wait at most SECS seconds (0: no limit, the default)\n\
  --dry-run                   do not commit changes to database\n\
  --oneline                   print exactly one line of output per command\n\
  --retry                     keep trying to connect while the server is not there\n\
\n\
Output formatting (list, find):\n\
  -f, --format=FORMAT         list (default), table, html, csv or json\n\
  -d, --data=FORMAT           cells as string (default), bare or json\n\
  --no-headings               omit table headings\n\
  --pretty                    indent --format=json output\n\
  --bare                      --format=list --data=bare --no-headings\n\
  -v, --verbose[=SPEC]        log to the console (SPEC as for uvs-appctl vlog/set)\n\
  -h, --help                  display this help message\n\
  -V, --version               display version information\n\
\n\
Command options (before the command name, or before the first command):\n\
  --if-exists                 (del-br, del-port, get, set, list, ...) a missing record is\n\
                              not an error\n\
  --may-exist                 (add-br, add-port, add-bond) an existing bridge or port is\n\
                              not an error\n\
  --with-iface                (del-port) PORT may also name an interface\n\
  --columns=COL,...           (list, find) print only these columns\n\
  --id=@NAME                  (create, get) name the row for use in other commands\n\
  --all                       (destroy) every record of the table\n\
  --real, --fake              (list-br) only real or only fake (VLAN) bridges\n\
  --fake-iface                (add-bond) bond_fake_iface=true\n\
  --bootstrap                 (set-ssl) bootstrap_ca_cert=true\n\
\n\
Exit status: 0 success, 1 error, 2 br-exists found no bridge, 142 --timeout expired.\n",
           uvs_default_db());
    exit(0);
}

/* Accepts OPTION ("--if-exists", "--columns=a,b") for SYNTAX or fails. */
static void
check_command_option(const struct vsctl_command_syntax *syntax, const char *option)
{
    size_t len = strcspn(option, "=");
    bool has_value = option[len] == '=';
    const char *p = syntax->options;

    while (*p) {
        size_t n = strcspn(p, ",");
        size_t name_len = n && p[n - 1] == '=' ? n - 1 : n;
        bool wants_value = n && p[n - 1] == '=';
        if (name_len == len && !strncmp(p, option, len)) {
            if (wants_value && !has_value) {
                uvs_fatal(0, "missing argument to '%.*s' option on '%s' command", (int) len,
                          option, syntax->name);
            } else if (!wants_value && has_value) {
                uvs_fatal(0, "'%.*s' option on '%s' does not accept an argument", (int) len,
                          option, syntax->name);
            }
            return;
        }
        p += n + (p[n] == ',');
    }
    uvs_fatal(0, "'%s' command has no '%.*s' option", syntax->name, (int) len, option);
}

/* Parses one command: leading "--OPTION"s, the name, its arguments. */
static void
parse_command(int argc, char **argv, char **extra_options, size_t n_extra, struct command *cmd)
{
    int i = 0;

    memset(cmd, 0, sizeof *cmd);
    cmd->options = xcalloc((size_t) argc + n_extra + 1, sizeof *cmd->options);
    for (size_t j = 0; j < n_extra; j++) {
        cmd->options[cmd->n_options++] = extra_options[j];
    }
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        cmd->options[cmd->n_options++] = argv[i];
    }
    if (i == argc) {
        uvs_fatal(0, "missing command name (use --help for help)");
    }

    const struct vsctl_command_syntax *syntax = vsctl_find_command(argv[i]);
    if (!syntax) {
        uvs_fatal(0, "unknown command '%s'; use --help for help", argv[i]);
    }
    for (size_t j = 0; j < cmd->n_options; j++) {
        check_command_option(syntax, cmd->options[j]);
    }

    int n_args = argc - i - 1;
    if (n_args < syntax->min_args) {
        uvs_fatal(0, "'%s' command requires at least %d argument%s (usage: %s %s)",
                  syntax->name, syntax->min_args, syntax->min_args == 1 ? "" : "s", syntax->name,
                  syntax->arguments);
    } else if (n_args > syntax->max_args) {
        if (!syntax->max_args) {
            uvs_fatal(0, "'%s' command takes no arguments%s", syntax->name,
                      argv[i + 1][0] == '-' ? " (note that options must precede command names "
                                              "and follow a \"--\" argument)" : "");
        }
        for (int j = i + 1; j < argc; j++) {
            if (argv[j][0] == '-') {
                uvs_fatal(0, "'%s' command takes at most %d argument%s (note that options "
                          "must precede command names and follow a \"--\" argument)",
                          syntax->name, syntax->max_args, syntax->max_args == 1 ? "" : "s");
            }
        }
        uvs_fatal(0, "'%s' command takes at most %d argument%s (usage: %s %s)", syntax->name,
                  syntax->max_args, syntax->max_args == 1 ? "" : "s", syntax->name,
                  syntax->arguments);
    }
    cmd->syntax = syntax;
    cmd->argc = n_args + 1;
    cmd->argv = &argv[i];
    ds_init(&cmd->output);
}

static bool
is_command_option(const char *arg)
{
    static const char *const names[] = {
        "--if-exists", "--may-exist", "--with-iface", "--columns", "--real", "--fake", "--id",
        "--all", "--bootstrap", "--fake-iface",
    };
    size_t len = strcspn(arg, "=");
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (strlen(names[i]) == len && !strncmp(arg, names[i], len)) {
            return true;
        }
    }
    return false;
}

static struct command *
parse_command_line(int argc, char **argv, size_t *n_commandsp)
{
    enum {
        OPT_DB = 1000, OPT_NO_HEADINGS, OPT_PRETTY, OPT_BARE, OPT_RETRY,
    };
    static const struct option long_options[] = {
        { "db", required_argument, NULL, OPT_DB },
        { "format", required_argument, NULL, 'f' },
        { "data", required_argument, NULL, 'd' },
        { "no-headings", no_argument, NULL, OPT_NO_HEADINGS },
        { "pretty", no_argument, NULL, OPT_PRETTY },
        { "bare", no_argument, NULL, OPT_BARE },
        { "retry", no_argument, NULL, OPT_RETRY },
        { "no-wait", no_argument, NULL, 'n' },
        { "timeout", required_argument, NULL, 't' },
        { "dry-run", no_argument, NULL, 'D' },
        { "oneline", no_argument, NULL, 'o' },
        { "verbose", optional_argument, NULL, 'v' },
        { "no-syslog", no_argument, NULL, 'S' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    char **local_options = xcalloc((size_t) argc, sizeof *local_options);
    size_t n_local = 0;
    int i;

    /* Global options come first; command options given there apply to the first command. getopt
     * would reorder and would not know the command options, so the loop is by hand. */
    for (i = 1; i < argc; i++) {
        char *arg = argv[i];
        if (!strcmp(arg, "--")) {
            i++;
            break;
        }
        if (arg[0] != '-') {
            break;
        }
        if (is_command_option(arg)) {
            local_options[n_local++] = arg;
            continue;
        }

        /* One option through getopt_long. */
        char *one[3] = { argv[0], arg, i + 1 < argc ? argv[i + 1] : NULL };
        int one_argc = one[2] ? 3 : 2;
        optind = 0;     /* glibc: full re-initialisation for the new argument vector */
        opterr = 0;
        int c = getopt_long(one_argc, one, "+t:v::hVf:d:", long_options, NULL);
        if (c == '?' || c == ':' || c == -1) {
            if (optopt == 't' || optopt == 'f' || optopt == 'd'
                || (c == '?' && strchr(arg, '=') == NULL
                    && (!strncmp(arg, "--db", 4) || !strncmp(arg, "--format", 8)
                        || !strncmp(arg, "--data", 6)))) {
                uvs_fatal(0, "option '%s' requires an argument", arg);
            }
            uvs_fatal(0, "unrecognized option '%s' (use --help for help)", arg);
        }
        if (optind == 3) {
            i++;    /* consumed the next argument as the option's value */
        }
        char *error;
        switch (c) {
        case OPT_DB:
            db_remote = optarg;
            break;
        case 'f':
            error = vsctl_output_parse_format(optarg);
            if (error) {
                uvs_fatal(0, "%s", error);
            }
            break;
        case 'd':
            error = vsctl_output_parse_data(optarg);
            if (error) {
                uvs_fatal(0, "%s", error);
            }
            break;
        case OPT_NO_HEADINGS:
            vsctl_output_style.headings = false;
            break;
        case OPT_PRETTY:
            vsctl_output_style.pretty = true;
            break;
        case OPT_BARE:
            vsctl_output_style.format = VSCTL_FORMAT_LIST;
            vsctl_output_style.cell = VSCTL_CELL_BARE;
            vsctl_output_style.headings = false;
            break;
        case OPT_RETRY:
            retry = true;
            break;
        case 'n':
            no_wait = true;
            break;
        case 't': {
            uint64_t secs;
            if (!str_to_uint64(optarg, 10, UINT_MAX, &secs)) {
                uvs_fatal(0, "value %s on -t or --timeout is invalid (expected a number of "
                          "seconds)", optarg);
            }
            timeout_secs = (unsigned int) secs;
            break;
        }
        case 'D':
            dry_run = true;
            break;
        case 'o':
            oneline = true;
            break;
        case 'v':
            error = vlog_set_levels_from_string(optarg ? optarg : "console:dbg");
            if (error) {
                uvs_fatal(0, "%s", error);
            }
            break;
        case 'S':
            break;
        case 'h':
            usage();
        case 'V':
            printf("%s (uvs) %s\n", program_name(), UVS_VERSION);
            exit(0);
        }
    }

    /* Commands, separated by "--". */
    struct command *commands = NULL;
    size_t n_commands = 0;
    int start = i;
    for (; i <= argc; i++) {
        if (i == argc || !strcmp(argv[i], "--")) {
            if (i > start) {
                commands = xrealloc(commands, (n_commands + 1) * sizeof *commands);
                parse_command(i - start, &argv[start], n_commands ? NULL : local_options,
                              n_commands ? 0 : n_local, &commands[n_commands]);
                n_commands++;
            }
            start = i + 1;
        }
    }
    if (!n_commands) {
        uvs_fatal(0, "missing command name (use --help for help)");
    }
    free(local_options);
    *n_commandsp = n_commands;
    return commands;
}

/* ======================================================================================== */
/* Database conversation                                                                    */
/* ======================================================================================== */

static __attribute__((noreturn)) void
connection_failed(int error, const char *doing)
{
    if (error == -ENOENT || error == -ECONNREFUSED) {
        uvs_fatal(0, "%s: database connection failed (%s): is uvsdb-server running? (start it "
                  "with uvs-ctl start)", db_remote, strerror(-error));
    }
    uvs_fatal(0, "%s: database connection failed while %s (%s)", db_remote, doing,
              strerror(error < 0 ? -error : EIO));
}

/* Sends METHOD(PARAMS) and returns the result (new reference). Fails on a transport error or a
 * JSON-RPC error reply. */
static json_t *
rpc_call(struct jsonrpc *rpc, const char *method, json_t *params, const char *doing)
{
    struct jsonrpc_msg *request = jsonrpc_create_request(method, params, NULL);
    struct jsonrpc_msg *reply = NULL;
    int error = jsonrpc_transact_block(rpc, request, &reply);

    if (error) {
        connection_failed(error, doing);
    }
    if (reply->type == JSONRPC_ERROR || !reply->result) {
        char *s = reply->error ? json_dumps(reply->error, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
        const char *text = json_is_string(reply->error) ? json_string_value(reply->error)
                           : json_is_string(json_object_get(reply->error, "error"))
                           ? json_string_value(json_object_get(reply->error, "error")) : s;
        uvs_fatal(0, "%s: %s failed: %s", db_remote, doing, text ? text : "error reply");
    }
    json_t *result = json_incref(reply->result);
    jsonrpc_msg_destroy(reply);
    return result;
}

static json_t *
transact(struct jsonrpc *rpc, json_t *ops, const char *doing)
{
    json_t *params = json_pack("[s]", DB_NAME);
    json_array_extend(params, ops);
    json_decref(ops);
    json_t *result = rpc_call(rpc, "transact", params, doing);
    if (!json_is_array(result)) {
        uvs_fatal(0, "%s: %s: reply is not an array of results", db_remote, doing);
    }
    return result;
}

/* Index of the first result with an "error", or -1. */
static long
first_error(const json_t *result)
{
    size_t i;
    json_t *r;
    json_array_foreach (result, i, r) {
        if (json_is_object(r) && json_object_get(r, "error")) {
            return (long) i;
        }
    }
    return -1;
}

static __attribute__((noreturn)) void
transaction_error(const json_t *r)
{
    const char *error = json_string_value(json_object_get(r, "error"));
    const char *details = json_string_value(json_object_get(r, "details"));
    uvs_fatal(0, "transaction error: %s%s%s", error ? error : "unknown error",
              details ? ": " : "", details ? details : "");
}

/* ---- Waiting for uvs-vswitchd ---- */

static bool
read_cfg(const json_t *table_updates, long long *cur_cfg, long long *next_cfg)
{
    const json_t *rows = json_object_get(table_updates, DB_NAME);
    const char *uuid;
    json_t *update;
    bool found = false;

    json_object_foreach ((json_t *) rows, uuid, update) {
        const json_t *new = json_object_get(update, "new");
        if (json_is_integer(json_object_get(new, "cur_cfg"))) {
            *cur_cfg = json_integer_value(json_object_get(new, "cur_cfg"));
            found = true;
        }
        if (json_is_integer(json_object_get(new, "next_cfg"))) {
            *next_cfg = json_integer_value(json_object_get(new, "next_cfg"));
        }
    }
    return found;
}

static void
wait_for_reload(struct jsonrpc *rpc, long long target)
{
    long long cur_cfg = -1, next_cfg = target;
    json_t *params = json_pack("[s, s, {s: {s: [s, s]}}]", DB_NAME, "uvs-vsctl-wait", DB_NAME,
                               "columns", "cur_cfg", "next_cfg");
    json_t *initial = rpc_call(rpc, "monitor", params, "monitoring Open_vSwitch.cur_cfg");

    read_cfg(initial, &cur_cfg, &next_cfg);
    json_decref(initial);
    while (cur_cfg < target) {
        set_timeout_msg("timeout waiting for uvs-vswitchd to apply the change (cur_cfg=%lld, "
                        "next_cfg=%lld): is uvs-vswitchd running?", cur_cfg, next_cfg);
        VLOG_DBG("waiting for cur_cfg >= %lld (cur_cfg=%lld)", target, cur_cfg);

        struct jsonrpc_msg *msg;
        int error = jsonrpc_recv_block(rpc, &msg);
        if (error) {
            uvs_fatal(0, "%s: database connection lost while waiting for uvs-vswitchd to apply "
                      "the change (%s); the change itself was committed", db_remote,
                      strerror(-error));
        }
        if (msg->type == JSONRPC_NOTIFY && !strcmp(msg->method, "update")
            && json_array_size(msg->params) == 2) {
            read_cfg(json_array_get(msg->params, 1), &cur_cfg, &next_cfg);
        }
        jsonrpc_msg_destroy(msg);
    }
}

/* ======================================================================================== */
/* Running the commands                                                                     */
/* ======================================================================================== */

static void
print_output(struct command *commands, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct ds *out = &commands[i].output;
        if (oneline) {
            const char *s = ds_cstr(out);
            size_t len = out->len;
            if (len && s[len - 1] == '\n') {
                len--;
            }
            for (size_t j = 0; j < len; j++) {
                if (s[j] == '\n') {
                    fputs("\\n", stdout);
                } else if (s[j] == '\\') {
                    fputs("\\\\", stdout);
                } else {
                    putchar(s[j]);
                }
            }
            putchar('\n');
        } else {
            fputs(ds_cstr(out), stdout);
        }
    }
    fflush(stdout);
}

static void
forget_checked_ifaces(void)
{
    for (size_t i = 0; i < n_checked_ifaces; i++) {
        free(checked_ifaces[i].uuid);
        free(checked_ifaces[i].name);
        free(checked_ifaces[i].old_error);
    }
    free(checked_ifaces);
    checked_ifaces = NULL;
    n_checked_ifaces = 0;
}

/* Remembers the Interface rows DB inserted (with the UUIDs the server gave them in RESULT) or
 * changed (with their error before the change). */
static void
remember_checked_ifaces(const struct vsctl_db *db, const struct vsctl_schema *schema,
                        const json_t *result)
{
    const struct vsctl_table *iface_table = vsctl_schema_find_table(schema, "Interface");
    const struct vsctl_column *error_column;
    struct vsctl_row *row;

    forget_checked_ifaces();
    if (!iface_table) {
        return;
    }
    error_column = vsctl_table_find_column(iface_table, "error");
    VSCTL_ROW_FOR_EACH (row, db, iface_table) {
        const char *uuid = row->uuid, *old_error = NULL;
        if (row->inserted) {
            const json_t *id = json_array_get(json_object_get(json_array_get(
                result, row->commit_op), "uuid"), 1);
            if (!json_is_string(id)) {
                continue;
            }
            uuid = json_string_value(id);
        } else {
            bool changed = false;
            for (size_t i = 0; i < iface_table->n_columns; i++) {
                changed |= row->written[i];
            }
            if (!changed) {
                continue;
            }
            if (error_column) {
                old_error = vsctl_datum_string(
                    &row->old[vsctl_column_index(iface_table, error_column)]);
            }
        }
        checked_ifaces = xrealloc(checked_ifaces,
                                  (n_checked_ifaces + 1) * sizeof *checked_ifaces);
        checked_ifaces[n_checked_ifaces++] = (struct checked_iface) {
            .uuid = xstrdup(uuid),
            .name = xstrdup(vsctl_row_name(row)),
            .old_error = old_error ? xstrdup(old_error) : NULL,
            .inserted = row->inserted,
        };
    }
}

/* After uvs-vswitchd applied the change: warns, as ovs-vsctl 3.x does, about each interface this
 * invocation created that it could not set up (Interface.error set, or ofport -1) and, beyond
 * ovs-vsctl, about each interface it changed whose error is new. */
static void
check_ifaces(struct jsonrpc *rpc)
{
    if (!n_checked_ifaces) {
        return;
    }
    json_t *ops = json_array();
    for (size_t i = 0; i < n_checked_ifaces; i++) {
        json_array_append_new(ops, json_pack("{s:s, s:s, s:[[s, s, [s, s]]], s:[s, s]}",
                                             "op", "select", "table", "Interface",
                                             "where", "_uuid", "==", "uuid",
                                             checked_ifaces[i].uuid,
                                             "columns", "error", "ofport"));
    }
    set_timeout_msg("timeout after %u seconds reading the interfaces' status from %s",
                    timeout_secs, db_remote);
    json_t *result = transact(rpc, ops, "reading the interfaces' status");
    for (size_t i = 0; i < n_checked_ifaces; i++) {
        const struct checked_iface *ci = &checked_ifaces[i];
        const json_t *row = json_array_get(json_object_get(json_array_get(result, i), "rows"), 0);
        const json_t *error = json_object_get(row, "error");
        const json_t *ofport = json_object_get(row, "ofport");
        const char *text = json_is_string(error) ? json_string_value(error) : NULL;
        bool failed;

        if (ci->inserted) {
            failed = (text && text[0])
                     || (json_is_integer(ofport) && json_integer_value(ofport) == -1);
        } else {
            failed = text && text[0] && (!ci->old_error || strcmp(text, ci->old_error));
        }
        if (!failed) {
            continue;
        }
        if (text && text[0]) {
            fprintf(stderr, "%s: Error detected while setting up '%s': %s.  See uvs-vswitchd "
                    "log for details.\n", program_name(), ci->name, text);
        } else {
            fprintf(stderr, "%s: Error detected while setting up '%s'.  See uvs-vswitchd log "
                    "for details.\n", program_name(), ci->name);
        }
        fprintf(stderr, "%s: The default log directory is \"%s\".\n", program_name(),
                uvs_logdir());
    }
    json_decref(result);
}

/* One attempt: read, run, commit. Returns RUN_DONE when committed or nothing to commit,
 * RUN_CONFLICT if a "wait" failed, RUN_WAIT if a wait-until condition does not hold yet.
 * *NEXT_CFG receives the value to wait for, or -1 when there is nothing to wait for. */
static enum run_result
run_once(struct jsonrpc *rpc, const struct vsctl_schema *schema, struct command *commands,
         size_t n_commands, long long *next_cfg)
{
    struct vsctl_db *db = vsctl_db_create(schema);
    const struct vsctl_table *ovs_table = vsctl_schema_find_table(schema, DB_NAME);
    bool writes = false;

    *next_cfg = -1;
    if (!ovs_table) {
        uvs_fatal(0, "%s: the database has no Open_vSwitch table (is the server using the "
                  "Open_vSwitch schema?)", db_remote);
    }

    set_timeout_msg("timeout after %u seconds reading the database at %s", timeout_secs,
                    db_remote);
    json_t *result = transact(rpc, vsctl_db_select_ops(schema), "reading the database");
    char *error = vsctl_db_load(db, result);
    json_decref(result);
    if (error) {
        uvs_fatal(0, "%s: %s", db_remote, error);
    }

    vsctl_symbols_clear();
    vsctl_output_reset();
    for (size_t i = 0; i < n_commands; i++) {
        writes |= commands[i].syntax->writes;
        ds_clear(&commands[i].output);
        commands[i].created = NULL;
    }

    struct vsctl_row *ovs = vsctl_db_first(db, ovs_table);
    if (!ovs && writes) {
        /* As ovs-vsctl: the first writer creates the root row. */
        ovs = vsctl_db_insert(db, ovs_table);
    }

    for (size_t i = 0; i < n_commands; i++) {
        struct vsctl_context ctx = {
            .db = db,
            .schema = schema,
            .argc = commands[i].argc,
            .argv = commands[i].argv,
            .options = commands[i].options,
            .n_options = commands[i].n_options,
            .output = &commands[i].output,
            .ovs = ovs,
        };
        commands[i].syntax->run(&ctx);
        commands[i].created = ctx.created;
        if (ctx.try_again) {
            vsctl_db_destroy(db);
            return RUN_WAIT;
        }
    }
    const struct vsctl_symbol *undefined = vsctl_symbols_find_undefined();
    if (undefined) {
        uvs_fatal(0, "row id \"%s\" is referenced but never created (e.g. with \"-- --id=%s "
                  "create ...\")", undefined->name, undefined->name);
    }

    if (dry_run || !vsctl_db_has_changes(db)) {
        vsctl_db_destroy(db);
        return RUN_DONE;
    }

    bool increment = !no_wait && ovs;
    if (increment && ovs->inserted) {
        struct vsctl_datum one;
        vsctl_datum_set_integer(&one, 1);
        vsctl_row_set(ovs, "next_cfg", &one);
    }

    size_t n_waits;
    json_t *ops = vsctl_db_commit_ops(db, &n_waits);
    if (increment && !ovs->inserted) {
        json_array_append_new(ops, json_pack("{s:s, s:s, s:[[s, s, [s, s]]], s:[[s, s, i]]}",
                                             "op", "mutate", "table", DB_NAME,
                                             "where", "_uuid", "==", "uuid", ovs->uuid,
                                             "mutations", "next_cfg", "+=", 1));
        json_array_append_new(ops, json_pack("{s:s, s:s, s:[[s, s, [s, s]]], s:[s]}",
                                             "op", "select", "table", DB_NAME,
                                             "where", "_uuid", "==", "uuid", ovs->uuid,
                                             "columns", "next_cfg"));
    }
    size_t n_ops = json_array_size(ops);
    if (vlog_is_enabled(&this_module, VLL_DBG)) {
        char *s = json_dumps(ops, JSON_COMPACT);
        VLOG_DBG("transact: %s", s);
        free(s);
    }

    set_timeout_msg("timeout after %u seconds committing to the database at %s", timeout_secs,
                    db_remote);
    result = transact(rpc, ops, "committing the transaction");
    long bad = first_error(result);
    if (bad >= 0) {
        const json_t *r = json_array_get(result, (size_t) bad);
        const char *err = json_string_value(json_object_get(r, "error"));
        if ((size_t) bad < n_waits && err && !strcmp(err, "timed out")) {
            VLOG_DBG("database changed underneath (wait #%ld failed); trying again", bad);
            json_decref(result);
            vsctl_db_destroy(db);
            return RUN_CONFLICT;
        }
        transaction_error(r);
    }

    remember_checked_ifaces(db, schema, result);

    /* "create" prints the UUID the server gave the new row. */
    for (size_t i = 0; i < n_commands; i++) {
        const struct vsctl_row *row = commands[i].created;
        if (row && !row->deleted) {
            const json_t *uuid = json_array_get(json_object_get(json_array_get(
                result, row->commit_op), "uuid"), 1);
            ds_put_format(&commands[i].output, "%s\n",
                          json_is_string(uuid) ? json_string_value(uuid) : "");
        }
    }

    if (increment) {
        if (ovs->inserted) {
            *next_cfg = 1;
        } else {
            const json_t *sel = json_array_get(result, n_ops - 1);
            const json_t *value = json_object_get(json_array_get(json_object_get(sel, "rows"), 0),
                                                  "next_cfg");
            if (!json_is_integer(value)) {
                uvs_fatal(0, "%s: the server did not return the new next_cfg", db_remote);
            }
            *next_cfg = json_integer_value(value);
        }
    }
    json_decref(result);
    vsctl_db_destroy(db);
    return RUN_DONE;
}

/* For wait-until: the first call starts monitoring every table and returns (the condition is
 * then checked again against a fresh read, so no change in between is missed); later calls block
 * until the server reports a change. */
static void
wait_for_change(struct jsonrpc *rpc, const struct vsctl_schema *schema, bool *monitoring)
{
    set_timeout_msg("timeout after %u seconds: the wait-until condition did not become true",
                    timeout_secs);
    if (!*monitoring) {
        json_t *requests = json_object();
        for (size_t i = 0; i < schema->n_tables; i++) {
            json_object_set_new(requests, schema->tables[i].name, json_object());
        }
        json_t *initial = rpc_call(rpc, "monitor", json_pack("[s, s, o]", DB_NAME,
                                                             "uvs-vsctl-wait-until", requests),
                                   "monitoring the database for wait-until");
        json_decref(initial);
        *monitoring = true;
        return;
    }
    for (;;) {
        struct jsonrpc_msg *msg;
        int error = jsonrpc_recv_block(rpc, &msg);
        if (error) {
            uvs_fatal(0, "%s: database connection lost during wait-until (%s)", db_remote,
                      strerror(-error));
        }
        bool update = msg->type == JSONRPC_NOTIFY && !strcmp(msg->method, "update");
        jsonrpc_msg_destroy(msg);
        if (update) {
            return;
        }
    }
}

int
main(int argc, char *argv[])
{
    size_t n_commands;

    set_program_name(argv[0]);
    char *error = vlog_set_levels_from_string("console:off");
    free(error);
    db_remote = uvs_default_db();
    struct command *commands = parse_command_line(argc, argv, &n_commands);

    if (timeout_secs) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = alarm_handler;
        sigaction(SIGALRM, &sa, NULL);
        alarm(timeout_secs);
    }
    signal(SIGPIPE, SIG_IGN);

    error = stream_verify_name(db_remote);
    if (error) {
        uvs_fatal(0, "--db: %s", error);
    }
    set_timeout_msg("timeout after %u seconds connecting to the database at %s: is uvsdb-server "
                    "running?", timeout_secs, db_remote);
    struct stream *stream;
    int retval;
    for (;;) {
        retval = stream_open_block(db_remote, -1, &stream);
        if (!retval || !retry || (retval != -ENOENT && retval != -ECONNREFUSED)) {
            break;
        }
        VLOG_DBG("%s: %s; trying again (--retry)", db_remote, strerror(-retval));
        usleep(100 * 1000);
    }
    if (retval) {
        connection_failed(retval, "connecting");
    }
    struct jsonrpc *rpc = jsonrpc_open(stream);

    set_timeout_msg("timeout after %u seconds reading the schema from %s", timeout_secs,
                    db_remote);
    json_t *schema_json = rpc_call(rpc, "get_schema", json_pack("[s]", DB_NAME),
                                   "reading the schema");
    struct vsctl_schema *schema;
    error = vsctl_schema_from_json(schema_json, &schema);
    json_decref(schema_json);
    if (error) {
        uvs_fatal(0, "%s: bad schema: %s", db_remote, error);
    }

    long long next_cfg = -1;
    bool monitoring = false;
    int attempt;
    for (attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        enum run_result r = run_once(rpc, schema, commands, n_commands, &next_cfg);
        if (r == RUN_DONE) {
            break;
        } else if (r == RUN_WAIT) {
            wait_for_change(rpc, schema, &monitoring);
            attempt = -1;       /* waiting is not a conflict: the attempt count starts over */
        }
    }
    if (attempt == MAX_ATTEMPTS) {
        uvs_fatal(0, "gave up after %d attempts: other clients kept changing the database at %s",
                  MAX_ATTEMPTS, db_remote);
    }

    print_output(commands, n_commands);
    if (next_cfg >= 0) {
        wait_for_reload(rpc, next_cfg);
        check_ifaces(rpc);
    }
    forget_checked_ifaces();

    jsonrpc_close(rpc);
    vsctl_schema_destroy(schema);
    for (size_t i = 0; i < n_commands; i++) {
        ds_destroy(&commands[i].output);
        free(commands[i].options);
    }
    free(commands);
    return 0;
}
