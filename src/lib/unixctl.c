/*
 * unixctl — the daemons' control socket (server) and its client. See unixctl.h.
 *
 * Server: a punix pstream plus a list of connections. Each connection handles one request at a time:
 * while a command has not replied ('request_id' set), no further request is read from it, so a command
 * may also reply later (from another run() of its module). A connection whose peer went away is kept
 * until its pending reply is given, then freed, so a command never replies to freed memory.
 *
 * Commands live in one global table, sorted by name for "help". Registration is main-thread only.
 */
#include "lib/unixctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <unistd.h>

#include "lib/daemon.h"
#include "lib/jsonrpc.h"
#include "lib/poll-loop.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "uvs-config.h"

VLOG_DEFINE_THIS_MODULE(unixctl);

#define UNIXCTL_MAX_MSGS_PER_RUN 10   /* requests handled per connection per run() */
#define UNIXCTL_MAX_CONNS 64          /* further clients wait in the listen backlog */

/* ---- Types ---- */

struct unixctl_command {
    char *name;
    char *usage;
    int min_args, max_args;
    unixctl_cb_func *cb;
    void *aux;
};

struct unixctl_conn {
    LIST_ENTRY(unixctl_conn) node;
    struct jsonrpc *rpc;
    json_t *request_id;        /* non-NULL while a reply is owed */
};

struct unixctl_server {
    struct pstream *listener;
    char *path;
    LIST_HEAD(, unixctl_conn) conns;
    int n_conns;
};

static struct unixctl_command *commands;
static size_t n_commands, alloc_commands;

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

/* ---- Commands ---- */

static struct unixctl_command *
find_command(const char *name)
{
    for (size_t i = 0; i < n_commands; i++) {
        if (!strcmp(commands[i].name, name)) {
            return &commands[i];
        }
    }
    return NULL;
}

static int
compare_commands(const void *a_, const void *b_)
{
    const struct unixctl_command *a = a_, *b = b_;
    return strcmp(a->name, b->name);
}

void
unixctl_command_register(const char *name, const char *usage, int min_args, int max_args,
                         unixctl_cb_func *cb, void *aux)
{
    struct unixctl_command *c = find_command(name);
    if (c) {
        /* Re-registration replaces (a module re-initialised); not an error. */
        free(c->usage);
    } else {
        if (n_commands >= alloc_commands) {
            alloc_commands = alloc_commands ? alloc_commands * 2 : 32;
            commands = xrealloc(commands, alloc_commands * sizeof *commands);
        }
        c = &commands[n_commands++];
        c->name = xstrdup(name);
    }
    c->usage = xstrdup(usage ? usage : "");
    c->min_args = min_args;
    c->max_args = max_args;
    c->cb = cb;
    c->aux = aux;
    qsort(commands, n_commands, sizeof *commands, compare_commands);
}

static void
send_reply(struct unixctl_conn *conn, const char *body, bool is_error)
{
    if (!conn->request_id) {
        VLOG_WARN("%s: command replied twice (second reply dropped): %s",
                  jsonrpc_get_name(conn->rpc), body ? body : "");
        return;
    }
    json_t *text = json_string(body ? body : "");
    if (!text) {
        /* Not valid UTF-8: say so rather than drop the reply. */
        text = json_string("(reply text is not valid UTF-8)");
    }
    struct jsonrpc_msg *msg = is_error ? jsonrpc_create_error(text, conn->request_id)
                                       : jsonrpc_create_reply(text, conn->request_id);
    json_decref(conn->request_id);
    conn->request_id = NULL;
    jsonrpc_send(conn->rpc, msg);
}

void
unixctl_command_reply(struct unixctl_conn *conn, const char *body)
{
    send_reply(conn, body, false);
}

void
unixctl_command_reply_error(struct unixctl_conn *conn, const char *body)
{
    send_reply(conn, body, true);
}

static void
unixctl_help(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    ds_put_cstr(&ds, "The available commands are:\n");
    for (size_t i = 0; i < n_commands; i++) {
        const struct unixctl_command *c = &commands[i];
        if (c->usage[0]) {
            ds_put_format(&ds, "  %-23s %s\n", c->name, c->usage);
        } else {
            ds_put_format(&ds, "  %s\n", c->name);
        }
    }
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

static void
unixctl_version(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    char *s = xasprintf("%s (uvs) %s\n", program_name(), UVS_VERSION);
    unixctl_command_reply(conn, s);
    free(s);
}

/* ---- Server ---- */

/* Socket paths of live servers, removed at exit() even if the server was never destroyed. */
static char **exit_paths;
static size_t n_exit_paths;

static void
unixctl_remove_sockets_atexit(void)
{
    for (size_t i = 0; i < n_exit_paths; i++) {
        if (exit_paths[i]) {
            unlink(exit_paths[i]);
        }
    }
}

static void
exit_path_add(const char *path)
{
    static bool registered;
    if (!registered) {
        registered = true;
        atexit(unixctl_remove_sockets_atexit);
    }
    exit_paths = xrealloc(exit_paths, (n_exit_paths + 1) * sizeof *exit_paths);
    exit_paths[n_exit_paths++] = xstrdup(path);
}

static void
exit_path_remove(const char *path)
{
    for (size_t i = 0; i < n_exit_paths; i++) {
        if (exit_paths[i] && !strcmp(exit_paths[i], path)) {
            free(exit_paths[i]);
            exit_paths[i] = NULL;
        }
    }
}

int
unixctl_server_create(const char *path, struct unixctl_server **serverp)
{
    *serverp = NULL;
    unixctl_command_register("help", "", 0, 0, unixctl_help, NULL);
    unixctl_command_register("list-commands", "", 0, 0, unixctl_help, NULL);
    unixctl_command_register("version", "", 0, 0, unixctl_version, NULL);
    vlog_register_unixctl();

    char *abs;
    if (!path) {
        abs = xasprintf("%s/%s.%ld.ctl", uvs_rundir(), program_name(), (long) getpid());
    } else if (path[0] != '/') {
        abs = xasprintf("%s/%s", uvs_rundir(), path);
    } else {
        abs = xstrdup(path);
    }
    char *dir = xstrdup(abs);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        int error = uvs_mkdir_p(dir);
        if (error) {
            VLOG_ERR("cannot create directory %s for control socket %s: %s", dir, abs,
                     strerror(-error));
            free(dir);
            free(abs);
            return error;
        }
    }
    free(dir);

    char *name = xasprintf("punix:%s", abs);
    struct pstream *listener;
    int error = pstream_open(name, &listener);
    free(name);
    if (error) {
        VLOG_ERR("cannot listen on control socket %s: %s", abs, strerror(-error));
        free(abs);
        return error;
    }
    struct unixctl_server *server = xzalloc(sizeof *server);
    server->listener = listener;
    server->path = abs;
    LIST_INIT(&server->conns);
    exit_path_add(abs);
    *serverp = server;
    return 0;
}

static void
conn_destroy(struct unixctl_server *server, struct unixctl_conn *conn)
{
    LIST_REMOVE(conn, node);
    server->n_conns--;
    jsonrpc_close(conn->rpc);
    json_decref(conn->request_id);
    free(conn);
}

static void
process_request(struct unixctl_conn *conn, struct jsonrpc_msg *msg)
{
    conn->request_id = json_incref(msg->id);
    const struct unixctl_command *c = find_command(msg->method);
    size_t n_params = json_array_size(msg->params);
    if (!c) {
        char *err = xasprintf("\"%s\" is not a valid command (use \"list-commands\" or \"help\" to "
                              "see the available commands)", msg->method);
        unixctl_command_reply_error(conn, err);
        free(err);
        return;
    }
    if ((int) n_params < c->min_args) {
        char *err = xasprintf("\"%s\" command requires at least %d arguments", c->name,
                              c->min_args);
        unixctl_command_reply_error(conn, err);
        free(err);
        return;
    }
    if ((int) n_params > c->max_args) {
        char *err = xasprintf("\"%s\" command takes at most %d arguments", c->name, c->max_args);
        unixctl_command_reply_error(conn, err);
        free(err);
        return;
    }
    const char **argv = xcalloc(n_params + 2, sizeof *argv);
    argv[0] = c->name;
    for (size_t i = 0; i < n_params; i++) {
        json_t *p = json_array_get(msg->params, i);
        if (!json_is_string(p)) {
            char *err = xasprintf("\"%s\" command has a non-string argument (argument %zu); "
                                  "unixctl arguments are strings", c->name, i + 1);
            unixctl_command_reply_error(conn, err);
            free(err);
            free(argv);
            return;
        }
        argv[i + 1] = json_string_value(p);
    }
    c->cb(conn, (int) n_params + 1, argv, c->aux);
    free(argv);
}

/* Handles up to UNIXCTL_MAX_MSGS_PER_RUN requests on CONN. Returns false if CONN should be freed. */
static bool
conn_run(struct unixctl_conn *conn)
{
    jsonrpc_run(conn->rpc);
    for (int i = 0; i < UNIXCTL_MAX_MSGS_PER_RUN && !conn->request_id; i++) {
        struct jsonrpc_msg *msg;
        int error = jsonrpc_recv(conn->rpc, &msg);
        if (error) {
            break;
        }
        if (msg->type == JSONRPC_REQUEST) {
            process_request(conn, msg);
        } else {
            VLOG_WARN_RL(&rl, "%s: unexpected %s message (the control protocol only takes "
                         "requests)", jsonrpc_get_name(conn->rpc),
                         msg->type == JSONRPC_NOTIFY ? "notification" : "reply");
            jsonrpc_msg_destroy(msg);
            return false;
        }
        jsonrpc_msg_destroy(msg);
        jsonrpc_run(conn->rpc);
    }
    int status = jsonrpc_get_status(conn->rpc);
    return !status || conn->request_id;
}

void
unixctl_server_run(struct unixctl_server *server)
{
    if (!server) {
        return;
    }
    for (int i = 0; i < 10 && server->n_conns < UNIXCTL_MAX_CONNS; i++) {
        struct stream *stream;
        int error = pstream_accept(server->listener, &stream);
        if (error == -EAGAIN) {
            break;
        } else if (error) {
            VLOG_WARN_RL(&rl, "%s: accept failed: %s", server->path, strerror(-error));
            break;
        }
        struct unixctl_conn *conn = xzalloc(sizeof *conn);
        conn->rpc = jsonrpc_open(stream);
        LIST_INSERT_HEAD(&server->conns, conn, node);
        server->n_conns++;
    }
    struct unixctl_conn *conn, *next;
    for (conn = LIST_FIRST(&server->conns); conn; conn = next) {
        next = LIST_NEXT(conn, node);
        if (!conn_run(conn)) {
            conn_destroy(server, conn);
        }
    }
}

void
unixctl_server_wait(struct unixctl_server *server)
{
    if (!server) {
        return;
    }
    if (server->n_conns < UNIXCTL_MAX_CONNS) {
        pstream_wait(server->listener);
    }
    struct unixctl_conn *conn;
    LIST_FOREACH(conn, &server->conns, node) {
        if (jsonrpc_get_status(conn->rpc) && conn->request_id) {
            continue;   /* peer gone; freed once the pending command replies */
        }
        jsonrpc_wait(conn->rpc);
        if (!conn->request_id) {
            jsonrpc_recv_wait(conn->rpc);
        }
    }
}

void
unixctl_server_destroy(struct unixctl_server *server)
{
    if (!server) {
        return;
    }
    while (!LIST_EMPTY(&server->conns)) {
        conn_destroy(server, LIST_FIRST(&server->conns));
    }
    pstream_close(server->listener);
    exit_path_remove(server->path);
    free(server->path);
    free(server);
}

const char *
unixctl_server_get_path(const struct unixctl_server *server)
{
    return server->path;
}

/* ---- Client ---- */

int
unixctl_client_create(const char *target, struct jsonrpc **clientp, char **errorp)
{
    *clientp = NULL;
    *errorp = NULL;
    char *path;
    char *hint;
    if (strchr(target, '/')) {
        path = xstrdup(target);
        hint = xstrdup("is the daemon that owns this socket running?");
    } else {
        char *pidfile = xasprintf("%s/%s.pid", uvs_rundir(), target);
        long pid = read_pidfile(pidfile);
        if (pid == -ESRCH) {
            *errorp = xasprintf("pidfile %s is stale: the process it names is not running (is %s "
                                "running? set UVS_RUNDIR if it runs elsewhere)", pidfile, target);
        } else if (pid == -EINVAL) {
            *errorp = xasprintf("pidfile %s does not contain a process id", pidfile);
        } else if (pid < 0) {
            *errorp = xasprintf("cannot read pidfile %s: %s (is %s running? set UVS_RUNDIR if it "
                                "runs elsewhere)", pidfile, strerror((int) -pid), target);
        }
        free(pidfile);
        if (pid < 0) {
            return (int) pid;
        }
        path = xasprintf("%s/%s.%ld.ctl", uvs_rundir(), target, pid);
        hint = xasprintf("is %s running? set UVS_RUNDIR if it runs elsewhere", target);
    }
    char *name = xasprintf("unix:%s", path);
    struct stream *stream;
    int error = stream_open_block(name, 10000, &stream);
    free(name);
    if (error) {
        *errorp = xasprintf("cannot connect to %s: %s (%s)", path, strerror(-error), hint);
        free(path);
        free(hint);
        return error;
    }
    free(path);
    free(hint);
    *clientp = jsonrpc_open(stream);
    return 0;
}

int
unixctl_client_transact(struct jsonrpc *client, const char *command, int argc, char *argv[],
                        char **resultp, char **errorp)
{
    *resultp = NULL;
    *errorp = NULL;
    json_t *params = json_array();
    for (int i = 0; i < argc; i++) {
        json_t *s = json_string(argv[i]);
        if (!s) {
            json_decref(params);
            *errorp = xasprintf("argument %d is not valid UTF-8", i + 1);
            return -EINVAL;
        }
        json_array_append_new(params, s);
    }
    struct jsonrpc_msg *reply;
    int error = jsonrpc_transact_block(client, jsonrpc_create_request(command, params, NULL),
                                       &reply);
    if (error) {
        *errorp = xasprintf("transaction with %s failed: %s", jsonrpc_get_name(client),
                            error == -EPIPE ? "connection closed by the daemon"
                                            : strerror(-error));
        return error;
    }
    int retval = 0;
    if (reply->type == JSONRPC_ERROR) {
        if (json_is_string(reply->error)) {
            *errorp = xstrdup(json_string_value(reply->error));
        } else {
            char *s = json_dumps(reply->error, JSON_COMPACT | JSON_ENCODE_ANY);
            *errorp = s ? s : xstrdup("(error)");
        }
        retval = 1;
    } else if (json_is_string(reply->result)) {
        *resultp = xstrdup(json_string_value(reply->result));
    } else {
        char *s = json_dumps(reply->result, JSON_COMPACT | JSON_ENCODE_ANY);
        *errorp = xasprintf("reply result is not a string: %s", s ? s : "?");
        free(s);
        retval = -EPROTO;
    }
    jsonrpc_msg_destroy(reply);
    return retval;
}
