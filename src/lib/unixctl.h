/*
 * unixctl — the control socket of every uvs daemon, as in OVS: JSON-RPC over a unix socket where the
 * method is the command name ("exit", "version", "dpif-netdev/pmd-stats-show") and params are its
 * string arguments. The reply's result is the command's text output; an error reply's error is a
 * string saying why the command failed.
 *
 * The server socket defaults to RUNDIR/PROGRAM.PID.ctl; uvs-appctl finds it from RUNDIR/PROGRAM.pid.
 * Built-in commands: help, version, vlog/set, vlog/list, vlog/reopen (registered by the server).
 *
 * Thread-safety: registration and the server run on the main thread only.
 */
#ifndef UVS_UNIXCTL_H
#define UVS_UNIXCTL_H 1

struct unixctl_conn;
struct unixctl_server;
struct jsonrpc;

typedef void unixctl_cb_func(struct unixctl_conn *, int argc, const char *argv[], void *aux);

/* Registers NAME taking between MIN_ARGS and MAX_ARGS arguments (argv[0] is NAME). */
void unixctl_command_register(const char *name, const char *usage, int min_args, int max_args,
                              unixctl_cb_func *cb, void *aux);
/* Exactly one reply per request. BODY may be NULL (empty). */
void unixctl_command_reply(struct unixctl_conn *, const char *body);
void unixctl_command_reply_error(struct unixctl_conn *, const char *body);

/* PATH NULL means RUNDIR/PROGRAM.PID.ctl. Returns 0 or -errno. */
int unixctl_server_create(const char *path, struct unixctl_server **serverp);
void unixctl_server_run(struct unixctl_server *);
void unixctl_server_wait(struct unixctl_server *);
void unixctl_server_destroy(struct unixctl_server *);
const char *unixctl_server_get_path(const struct unixctl_server *);

/* Client side. TARGET is a daemon name ("uvs-vswitchd", resolved through RUNDIR/NAME.pid), or a
 * path to a .ctl socket (contains '/'). Returns 0 or -errno; *errorp (malloc'd) explains failures
 * such as "cannot read pidfile /var/run/uvs/uvs-vswitchd.pid: No such file or directory (is
 * uvs-vswitchd running?)". */
int unixctl_client_create(const char *target, struct jsonrpc **clientp, char **errorp);
/* Runs COMMAND with ARGV; on success returns 0 with *resultp set (malloc'd, maybe ""), or a
 * positive value if the command replied with an error (*errorp set), or -errno on transport error. */
int unixctl_client_transact(struct jsonrpc *client, const char *command, int argc, char *argv[],
                            char **resultp, char **errorp);

#endif
