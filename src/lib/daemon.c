/*
 * daemon — OVS-style daemon options, detaching, and the pidfile. See daemon.h.
 *
 * Detaching: daemonize_start() forks; the parent blocks reading a pipe. The child calls setsid() and
 * carries on with initialisation; daemonize_complete() writes one byte to the pipe (the parent then
 * exits 0), disables console logging and points stdin/stdout/stderr at /dev/null. If the child exits
 * before that, the parent reads EOF and exits 1, so errors during start-up still reach the terminal
 * (the child's stderr is the terminal until daemonize_complete()).
 *
 * Termination: SIGTERM, SIGINT and SIGHUP are caught by a handler that only records the signal and
 * writes to a self-pipe; poll_block() (every daemon's main loop) wakes on that pipe and calls exit(),
 * so atexit handlers (pidfile, unixctl socket) run in a normal context. A second signal before that
 * happens removes the pidfile and _exit()s immediately, so a stuck daemon can still be stopped.
 */
#include "lib/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/poll-loop.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(daemon);

/* ---- Option state (main thread only) ---- */

static bool want_pidfile;
static char *pidfile_arg;         /* --pidfile=FILE, or NULL for the default */
static char *pidfile_path;        /* the pidfile written, or NULL */
static bool detach;
static bool no_chdir;
static char *unixctl_path;
static int detach_fd = -1;        /* child's write end of the readiness pipe */
static bool is_detached;

/* ---- Fatal signals ---- */

static volatile sig_atomic_t fatal_signal_received;
static int signal_pipe[2] = { -1, -1 };
static char *signal_unlink_path;  /* pidfile path, for the async-signal-safe fallback */

static void
fatal_signal_handler(int sig)
{
    if (fatal_signal_received) {
        if (signal_unlink_path) {
            unlink(signal_unlink_path);
        }
        _exit(128 + sig);
    }
    fatal_signal_received = sig;
    if (signal_pipe[1] >= 0) {
        ssize_t n = write(signal_pipe[1], "", 1);
        (void) n;
    }
}

static void
fatal_signal_init(void)
{
    if (signal_pipe[0] >= 0) {
        return;
    }
    if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
        uvs_fatal(errno, "cannot create signal pipe");
    }
    static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
    for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
        struct sigaction old;
        sigaction(sigs[i], NULL, &old);
        /* Respect a program that installed its own handler or ignores the signal. */
        if (old.sa_handler == SIG_DFL) {
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = fatal_signal_handler;
            sigemptyset(&sa.sa_mask);
            sa.sa_flags = SA_RESTART;
            sigaction(sigs[i], &sa, NULL);
        }
    }
    signal(SIGPIPE, SIG_IGN);
}

void
fatal_signal_run(void)
{
    int sig = fatal_signal_received;
    if (sig) {
        VLOG_INFO("%s (pid %ld): terminating on signal %d (%s)", program_name(), (long) getpid(),
                  sig, strsignal(sig));
        exit(0);
    }
}

void
fatal_signal_wait(void)
{
    if (signal_pipe[0] >= 0) {
        char buf[16];
        while (read(signal_pipe[0], buf, sizeof buf) > 0) {
            continue;
        }
        if (fatal_signal_received) {
            poll_immediate_wake();
        } else {
            poll_fd_wait(signal_pipe[0], POLLIN);
        }
    }
}

/* ---- Options ---- */

bool
daemon_parse_option(int c, const char *arg)
{
    switch (c) {
    case OPT_DAEMON_PIDFILE:
        want_pidfile = true;
        free(pidfile_arg);
        pidfile_arg = arg && arg[0] ? xstrdup(arg) : NULL;
        return true;
    case OPT_DAEMON_DETACH:
        detach = true;
        return true;
    case OPT_DAEMON_NO_CHDIR:
        no_chdir = true;
        return true;
    case OPT_DAEMON_MONITOR:
        /* Accepted for OVS compatibility; supervision is systemd's job. */
        return true;
    case OPT_DAEMON_LOG_FILE: {
        const char *path = arg && arg[0] ? arg : NULL;
        int error = vlog_set_log_file(path);
        if (error) {
            char *p = path ? xstrdup(path) : xasprintf("%s/%s.log", uvs_logdir(), program_name());
            uvs_fatal(-error, "cannot open log file %s (set UVS_LOGDIR or give --log-file=FILE)", p);
        }
        return true;
    }
    case 'v':
    case OPT_DAEMON_VERBOSE: {
        char *error = vlog_set_levels_from_string(arg ? arg : "");
        if (error) {
            uvs_fatal(0, "-v/--verbose: %s", error);
        }
        return true;
    }
    case OPT_DAEMON_UNIXCTL:
        free(unixctl_path);
        unixctl_path = xstrdup(arg);
        return true;
    default:
        return false;
    }
}

void
daemon_usage(void)
{
    printf("\nDaemon options:\n"
           "  --detach                run in background as daemon\n"
           "  --no-chdir              do not chdir to '/' when detaching\n"
           "  --pidfile[=FILE]        create pidfile (default: %s/%s.pid)\n"
           "  --monitor               accepted for compatibility (no effect)\n"
           "  --unixctl=SOCKET        override default control socket name\n"
           "\nLogging options:\n"
           "  -vSPEC, --verbose=SPEC  set logging levels (e.g. bridge:file:dbg, console:warn)\n"
           "  -v, --verbose           set maximum verbosity level\n"
           "  --log-file[=FILE]       enable logging to file (default: %s/%s.log)\n",
           uvs_rundir(), program_name(), uvs_logdir(), program_name());
}

const char *
daemon_unixctl_path(void)
{
    return unixctl_path;
}

bool
daemon_is_detached(void)
{
    return is_detached;
}

/* ---- Pidfile ---- */

long
read_pidfile(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        return -errno;
    }
    char line[64];
    long pid = -EINVAL;
    if (fgets(line, sizeof line, f)) {
        char *end;
        errno = 0;
        long v = strtol(line, &end, 10);
        if (!errno && end != line && v > 0 && (*end == '\n' || *end == '\0')) {
            pid = v;
        }
    }
    fclose(f);
    if (pid > 0 && kill((pid_t) pid, 0) < 0 && errno == ESRCH) {
        return -ESRCH;
    }
    return pid;
}

void
daemon_remove_pidfile(void)
{
    if (pidfile_path) {
        /* Only remove our own pidfile (a forked child running atexit must not). */
        long pid = read_pidfile(pidfile_path);
        if (pid == (long) getpid() || pid == -ESRCH || pid == -EINVAL) {
            unlink(pidfile_path);
        }
        free(pidfile_path);
        pidfile_path = NULL;
        signal_unlink_path = NULL;
    }
}

static void
remove_pidfile_atexit(void)
{
    daemon_remove_pidfile();
}

static void
write_pidfile(void)
{
    char *path = pidfile_arg
                 ? (pidfile_arg[0] == '/' ? xstrdup(pidfile_arg)
                                          : xasprintf("%s/%s", uvs_rundir(), pidfile_arg))
                 : xasprintf("%s/%s.pid", uvs_rundir(), program_name());
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        int error = uvs_mkdir_p(dir);
        if (error) {
            uvs_fatal(-error, "cannot create directory %s for pidfile (set UVS_RUNDIR or give "
                      "--pidfile=FILE)", dir);
        }
    }
    free(dir);

    long other = read_pidfile(path);
    if (other > 0 && other != (long) getpid()) {
        uvs_fatal(0, "already running as pid %ld (pidfile %s); stop it first or use another "
                  "--pidfile", other, path);
    }

    char *tmp = xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        uvs_fatal(errno, "cannot create pidfile %s", tmp);
    }
    fprintf(f, "%ld\n", (long) getpid());
    if (fclose(f) != 0) {
        uvs_fatal(errno, "cannot write pidfile %s", tmp);
    }
    if (rename(tmp, path) < 0) {
        int error = errno;
        unlink(tmp);
        uvs_fatal(error, "cannot rename %s to %s", tmp, path);
    }
    free(tmp);
    pidfile_path = path;
    signal_unlink_path = path;
    static bool registered;
    if (!registered) {
        registered = true;
        atexit(remove_pidfile_atexit);
    }
}

/* ---- Detaching ---- */

void
daemonize_start(void)
{
    fatal_signal_init();
    if (detach) {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) < 0) {
            uvs_fatal(errno, "cannot create pipe for --detach");
        }
        fflush(stdout);
        fflush(stderr);
        pid_t pid = fork();
        if (pid < 0) {
            uvs_fatal(errno, "cannot fork for --detach");
        } else if (pid > 0) {
            /* Parent: wait until the child says it is ready, or dies. */
            close(fds[1]);
            char c;
            ssize_t n;
            do {
                n = read(fds[0], &c, 1);
            } while (n < 0 && errno == EINTR);
            if (n == 1) {
                _exit(0);
            }
            int status = 0;
            if (waitpid(pid, &status, 0) == pid && WIFSIGNALED(status)) {
                fprintf(stderr, "%s: child process (pid %ld) was killed by signal %d (%s) "
                        "before it was ready\n", program_name(), (long) pid, WTERMSIG(status),
                        strsignal(WTERMSIG(status)));
            } else {
                fprintf(stderr, "%s: child process (pid %ld) exited with status %d before it "
                        "was ready (see the messages above or the log file)\n", program_name(),
                        (long) pid, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
            }
            _exit(1);
        }
        close(fds[0]);
        detach_fd = fds[1];
        if (setsid() < 0) {
            uvs_fatal(errno, "setsid failed");
        }
        is_detached = true;
    }
    if (want_pidfile) {
        write_pidfile();
    }
}

void
daemonize_complete(void)
{
    if (detach_fd >= 0) {
        ssize_t n;
        do {
            n = write(detach_fd, "", 1);
        } while (n < 0 && errno == EINTR);
        close(detach_fd);
        detach_fd = -1;

        vlog_disable_console();
        if (!no_chdir && chdir("/") < 0) {
            VLOG_WARN("chdir(\"/\") failed: %s", strerror(errno));
        }
        int null_fd = open("/dev/null", O_RDWR);
        if (null_fd >= 0) {
            dup2(null_fd, STDIN_FILENO);
            dup2(null_fd, STDOUT_FILENO);
            dup2(null_fd, STDERR_FILENO);
            if (null_fd > STDERR_FILENO) {
                close(null_fd);
            }
        }
    }
}
