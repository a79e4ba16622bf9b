/*
 * daemon — the OVS daemon options: --pidfile[=FILE], --detach, --no-chdir, --monitor (accepted,
 * no-op), --log-file[=FILE], -v/--verbose[=SPEC], --unixctl=PATH, --user=USER[:GROUP].
 *
 * daemon_parse_option() is called from a program's getopt loop for these long options (use
 * DAEMON_LONG_OPTIONS in the option table). daemonize_start() forks if --detach was given; the parent
 * waits until the child calls daemonize_complete() (the daemon is ready: sockets are listening) and
 * exits 0, or exits 1 if the child died first, so "uvsdb-server --detach" returning 0 means ready.
 * The pidfile (default RUNDIR/PROGRAM.pid) is written by daemonize_start() in the final process and
 * removed at exit.
 *
 * --user=USER[:GROUP] (GROUP defaults to USER's primary group): daemonize_start() switches the
 * process to that user and group (supplementary groups: USER's, from /etc/group) right after
 * detaching, before it writes the pidfile, so every file and unix socket created afterwards
 * belongs to USER:GROUP (sockets with mode 0750: USER and GROUP may connect). Capabilities are all
 * dropped, including the bounding set, except those the program asked to keep with
 * daemon_keep_capabilities() (uvs-vswitchd keeps what DPDK's kernel-facing ports need). What was
 * opened before (the log file, uvsdb-server's database files) stays open. Needs root (or the
 * target user already); the directories the daemon writes (RUNDIR, DBDIR, LOGDIR) must be
 * writable by USER (uvs-ctl --user sees to that).
 */
#ifndef UVS_DAEMON_H
#define UVS_DAEMON_H 1

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum {
    OPT_DAEMON_PIDFILE = 1000,
    OPT_DAEMON_DETACH,
    OPT_DAEMON_NO_CHDIR,
    OPT_DAEMON_MONITOR,
    OPT_DAEMON_LOG_FILE,
    OPT_DAEMON_VERBOSE,
    OPT_DAEMON_UNIXCTL,
    OPT_DAEMON_USER,
};

#define DAEMON_LONG_OPTIONS                                              \
    {"pidfile", optional_argument, NULL, OPT_DAEMON_PIDFILE},            \
    {"detach", no_argument, NULL, OPT_DAEMON_DETACH},                    \
    {"no-chdir", no_argument, NULL, OPT_DAEMON_NO_CHDIR},                \
    {"monitor", no_argument, NULL, OPT_DAEMON_MONITOR},                  \
    {"log-file", optional_argument, NULL, OPT_DAEMON_LOG_FILE},          \
    {"verbose", optional_argument, NULL, OPT_DAEMON_VERBOSE},            \
    {"unixctl", required_argument, NULL, OPT_DAEMON_UNIXCTL},           \
    {"user", required_argument, NULL, OPT_DAEMON_USER}

/* Handles option C (one of OPT_DAEMON_*) with ARG. Returns true if C was a daemon option. Also takes
 * 'v' (put "v::" in the short options for OVS's -v / -vSPEC). Errors in --log-file, -v or --user
 * (an unknown user or group) are fatal (uvs_fatal() with the reason). */
bool daemon_parse_option(int c, const char *arg);
/* Prints the daemon options' help text to stdout. */
void daemon_usage(void);
/* The --unixctl path, or NULL for the default. */
const char *daemon_unixctl_path(void);
bool daemon_is_detached(void);
/* Capabilities (CAP_* from <linux/capability.h>) to keep when --user drops root; call before
 * daemonize_start(). Without --user it has no effect (root keeps everything). */
void daemon_keep_capabilities(const int *caps, size_t n_caps);
/* True if --user was given; then *UID and *GID (either may be NULL) are its user and group. */
bool daemon_get_user(uid_t *uid, gid_t *gid);
void daemonize_start(void);
void daemonize_complete(void);
/* Removes the pidfile (also done atexit). */
void daemon_remove_pidfile(void);

/* Reads a pidfile: returns the pid (>0) or -errno: -ENOENT (no file), -EINVAL (not a pid),
 * -ESRCH (the process it names no longer exists: a stale pidfile). */
long read_pidfile(const char *path);

/* Termination signals (SIGTERM, SIGINT, SIGHUP; installed by daemonize_start() unless the program
 * set its own handler). The handler only records the signal; poll_block() calls these two so the
 * process exit()s from the main loop and atexit cleanup (pidfile, control socket) runs normally.
 * A second signal before that exits at once. Main thread only. */
void fatal_signal_run(void);
void fatal_signal_wait(void);

#endif
