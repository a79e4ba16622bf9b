/*
 * daemon — the OVS daemon options: --pidfile[=FILE], --detach, --no-chdir, --monitor (accepted,
 * no-op), --log-file[=FILE], -v/--verbose[=SPEC], --unixctl=PATH.
 *
 * daemon_parse_option() is called from a program's getopt loop for these long options (use
 * DAEMON_LONG_OPTIONS in the option table). daemonize_start() forks if --detach was given; the parent
 * waits until the child calls daemonize_complete() (the daemon is ready: sockets are listening) and
 * exits 0, or exits 1 if the child died first, so "uvsdb-server --detach" returning 0 means ready.
 * The pidfile (default RUNDIR/PROGRAM.pid) is written by daemonize_start() in the final process and
 * removed at exit.
 */
#ifndef UVS_DAEMON_H
#define UVS_DAEMON_H 1

#include <getopt.h>
#include <stdbool.h>

enum {
    OPT_DAEMON_PIDFILE = 1000,
    OPT_DAEMON_DETACH,
    OPT_DAEMON_NO_CHDIR,
    OPT_DAEMON_MONITOR,
    OPT_DAEMON_LOG_FILE,
    OPT_DAEMON_VERBOSE,
    OPT_DAEMON_UNIXCTL,
};

#define DAEMON_LONG_OPTIONS                                              \
    {"pidfile", optional_argument, NULL, OPT_DAEMON_PIDFILE},            \
    {"detach", no_argument, NULL, OPT_DAEMON_DETACH},                    \
    {"no-chdir", no_argument, NULL, OPT_DAEMON_NO_CHDIR},                \
    {"monitor", no_argument, NULL, OPT_DAEMON_MONITOR},                  \
    {"log-file", optional_argument, NULL, OPT_DAEMON_LOG_FILE},          \
    {"verbose", optional_argument, NULL, OPT_DAEMON_VERBOSE},            \
    {"unixctl", required_argument, NULL, OPT_DAEMON_UNIXCTL}

/* Handles option C (one of OPT_DAEMON_*) with ARG. Returns true if C was a daemon option. Also takes
 * 'v' (put "v::" in the short options for OVS's -v / -vSPEC). Errors in --log-file or -v are fatal
 * (uvs_fatal() with the reason). */
bool daemon_parse_option(int c, const char *arg);
/* Prints the daemon options' help text to stdout. */
void daemon_usage(void);
/* The --unixctl path, or NULL for the default. */
const char *daemon_unixctl_path(void);
bool daemon_is_detached(void);
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
