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
 *
 * --user: become_user() uses libcap-ng (as OVS does): clear every capability, add back the ones
 * kept with daemon_keep_capabilities(), then capng_change_id() sets the group, USER's
 * supplementary groups and the user with PR_SET_KEEPCAPS, applies the kept set and clears the
 * bounding set. It runs before the program starts any thread (capabilities are per thread; threads
 * created later inherit them).
 */
#include "lib/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cap-ng.h>

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
static char *user_spec;           /* --user=USER[:GROUP] as given, or NULL */
static char *user_name;
static uid_t user_uid;
static gid_t user_gid;
static int keep_caps[16];         /* daemon_keep_capabilities() */
static size_t n_keep_caps;

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

/* --user=USER[:GROUP]: looks both up now, so a typo fails before the daemon detaches. */
static void
parse_user(const char *arg)
{
    char *spec = xstrdup(arg ? arg : "");
    char *colon = strchr(spec, ':');
    const char *group = NULL;

    if (colon) {
        *colon = '\0';
        group = colon + 1;
    }
    if (!spec[0] || (group && !group[0])) {
        uvs_fatal(0, "--user=%s: expected USER or USER:GROUP", arg ? arg : "");
    }
    errno = 0;
    struct passwd *pw = getpwnam(spec);
    if (!pw) {
        uvs_fatal(errno, "--user=%s: no such user \"%s\"", arg, spec);
    }
    user_uid = pw->pw_uid;
    user_gid = pw->pw_gid;
    if (group) {
        errno = 0;
        struct group *gr = getgrnam(group);
        if (!gr) {
            uvs_fatal(errno, "--user=%s: no such group \"%s\"", arg, group);
        }
        user_gid = gr->gr_gid;
    }
    free(user_name);
    user_name = xstrdup(spec);
    free(user_spec);
    user_spec = xstrdup(arg);
    free(spec);
}

void
daemon_keep_capabilities(const int *caps, size_t n_caps)
{
    n_keep_caps = 0;
    for (size_t i = 0; i < n_caps && n_keep_caps < ARRAY_SIZE(keep_caps); i++) {
        keep_caps[n_keep_caps++] = caps[i];
    }
}

bool
daemon_get_user(uid_t *uid, gid_t *gid)
{
    if (!user_spec) {
        return false;
    }
    if (uid) {
        *uid = user_uid;
    }
    if (gid) {
        *gid = user_gid;
    }
    return true;
}

/* Switches to --user, keeping only the capabilities asked for. Fatal on failure: a daemon told to
 * drop root must not go on as root. */
static void
become_user(void)
{
    if (!user_spec) {
        return;
    }
    if (geteuid() == user_uid && getegid() == user_gid) {
        return;                         /* Already there (started as that user). */
    }
    if (geteuid() != 0) {
        uvs_fatal(0, "--user=%s: only root can switch to another user (running as uid %ld)",
                  user_spec, (long) geteuid());
    }
    capng_clear(CAPNG_SELECT_BOTH);
    for (size_t i = 0; i < n_keep_caps; i++) {
        if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, keep_caps[i])) {
            const char *name = capng_capability_to_name((unsigned) keep_caps[i]);
            uvs_fatal(0, "--user=%s: cannot keep capability %s", user_spec, name ? name : "?");
        }
    }
    /* USER's supplementary groups (e.g. a group that may open hugepage files) plus GROUP. */
    if (initgroups(user_name, user_gid) < 0) {
        uvs_fatal(errno, "--user=%s: cannot set the supplementary groups of %s", user_spec,
                  user_name);
    }
    int ret = capng_change_id((int) user_uid, (int) user_gid, CAPNG_CLEAR_BOUNDING);
    if (ret) {
        uvs_fatal(0, "--user=%s: cannot switch to uid %ld gid %ld (libcap-ng capng_change_id "
                  "error %d)", user_spec, (long) user_uid, (long) user_gid, ret);
    }
    struct ds caps = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < n_keep_caps; i++) {
        const char *name = capng_capability_to_name((unsigned) keep_caps[i]);
        ds_put_format(&caps, "%s%s", i ? ", " : "", name ? name : "?");
    }
    VLOG_INFO("running as user %s (uid %ld, gid %ld), capabilities kept: %s", user_spec,
              (long) user_uid, (long) user_gid, caps.len ? ds_cstr(&caps) : "none");
    ds_destroy(&caps);
}

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
    case OPT_DAEMON_USER:
        parse_user(arg);
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
           "  --user=USER[:GROUP]     run as USER (and GROUP) after start-up, not as root\n"
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
    become_user();
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
