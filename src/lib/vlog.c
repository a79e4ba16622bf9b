/*
 * vlog — OVS-format logging to the console (stderr) and a log file. See vlog.h for the contract.
 *
 * State: a singly linked list of modules (registered by constructors before main(), appended under
 * 'vlog_mutex'), the log file descriptor and path, the console switch, and the sequence number.
 * 'vlog_mutex' protects all of it except the per-module level bytes, which are read without the lock
 * on the hot path (a torn read is impossible for an int and a stale level is harmless).
 */
#include "lib/vlog.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "lib/unixctl.h"
#include "lib/util.h"

/* ---- Types and state ---- */

static const char *const level_names[VLL_N_LEVELS] = {
    [VLL_OFF] = "OFF", [VLL_EMER] = "EMER", [VLL_ERR] = "ERR",
    [VLL_WARN] = "WARN", [VLL_INFO] = "INFO", [VLL_DBG] = "DBG",
};
static const char *const dest_names[VLF_N_DESTINATIONS] = {
    [VLF_CONSOLE] = "console", [VLF_FILE] = "file",
};

static pthread_mutex_t vlog_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct vlog_module *modules;     /* list head, in registration order reversed */
static unsigned int msg_seq;            /* sequence number of the last message */
static int log_fd = -1;                 /* log file, or -1 */
static char *log_path;                  /* malloc'd path of the log file, or NULL */
static bool console_enabled = true;

/* ---- Private prototypes ---- */

static int level_from_name(const char *);
static int dest_from_name(const char *);
static void format_message(char *buf, size_t size, const struct vlog_module *, enum vlog_level,
                           unsigned int seq, const char *fmt, va_list);

/* ---- Registration and queries ---- */

void
vlog_module_register(struct vlog_module *module)
{
    pthread_mutex_lock(&vlog_mutex);
    for (struct vlog_module *m = modules; m; m = m->next) {
        if (m == module) {
            pthread_mutex_unlock(&vlog_mutex);
            return;
        }
    }
    module->next = modules;
    modules = module;
    pthread_mutex_unlock(&vlog_mutex);
}

static struct vlog_module *
module_from_name(const char *name)
{
    for (struct vlog_module *m = modules; m; m = m->next) {
        if (!strcasecmp(m->name, name)) {
            return m;
        }
    }
    return NULL;
}

bool
vlog_is_enabled(const struct vlog_module *module, enum vlog_level level)
{
    if (level <= VLL_OFF || level >= VLL_N_LEVELS) {
        return false;
    }
    return (console_enabled && level <= module->levels[VLF_CONSOLE])
           || (log_fd >= 0 && level <= module->levels[VLF_FILE]);
}

/* ---- Emitting ---- */

/* Formats "TIME|SEQ|MODULE|LEVEL|message\n" into BUF (truncating long messages, always ending with a
 * newline). */
static void
format_message(char *buf, size_t size, const struct vlog_module *module, enum vlog_level level,
               unsigned int seq, const char *fmt, va_list args)
{
    long long now = time_wall_msec();
    time_t secs = now / 1000;
    struct tm tm;
    gmtime_r(&secs, &tm);
    int n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ|%05u|%s|%s|",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, (int) (now % 1000), seq, module->name, level_names[level]);
    if (n < 0 || (size_t) n >= size - 1) {
        n = 0;
    }
    int m = vsnprintf(buf + n, size - (size_t) n - 1, fmt, args);
    size_t len = (size_t) n + (m < 0 ? 0 : UVS_MIN((size_t) m, size - (size_t) n - 2));
    /* One message is one line: strip trailing newlines given by careless callers. */
    while (len > (size_t) n && buf[len - 1] == '\n') {
        len--;
    }
    buf[len++] = '\n';
    buf[len] = '\0';
}

static void
write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return;
        }
        buf += n;
        len -= (size_t) n;
    }
}

void
vlog_valist(const struct vlog_module *module, enum vlog_level level, const char *fmt, va_list args)
{
    if (!vlog_is_enabled(module, level)) {
        return;
    }
    char buf[4096];
    pthread_mutex_lock(&vlog_mutex);
    unsigned int seq = ++msg_seq;
    bool to_console = console_enabled && level <= module->levels[VLF_CONSOLE];
    int fd = level <= module->levels[VLF_FILE] ? log_fd : -1;
    format_message(buf, sizeof buf, module, level, seq, fmt, args);
    size_t len = strlen(buf);
    if (to_console) {
        write_all(STDERR_FILENO, buf, len);
    }
    if (fd >= 0) {
        write_all(fd, buf, len);
    }
    pthread_mutex_unlock(&vlog_mutex);
}

void
vlog(const struct vlog_module *module, enum vlog_level level, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vlog_valist(module, level, fmt, args);
    va_end(args);
}

void
vlog_rate_limit(const struct vlog_module *module, enum vlog_level level,
                struct vlog_rate_limit *rl, const char *fmt, ...)
{
    if (!vlog_is_enabled(module, level)) {
        return;
    }
    long long now = time_msec();
    int dropped = 0;
    bool emit = false;
    pthread_mutex_lock(&vlog_mutex);
    if (rl->rate > 0) {
        long long per_token = 60000LL / rl->rate;
        if (per_token < 1) {
            per_token = 1;
        }
        if (!rl->last_fill) {
            rl->last_fill = now;
        }
        long long gained = (now - rl->last_fill) / per_token;
        if (gained > 0) {
            rl->tokens = (int) UVS_MIN((long long) rl->burst, rl->tokens + gained);
            rl->last_fill += gained * per_token;
        }
    }
    if (rl->tokens > 0) {
        rl->tokens--;
        emit = true;
        dropped = rl->n_dropped;
        rl->n_dropped = 0;
    } else {
        rl->n_dropped++;
    }
    pthread_mutex_unlock(&vlog_mutex);
    if (!emit) {
        return;
    }
    va_list args;
    va_start(args, fmt);
    vlog_valist(module, level, fmt, args);
    va_end(args);
    if (dropped) {
        vlog(module, level, "Dropped %d log messages in last period due to excessive rate",
             dropped);
    }
}

/* ---- Log file ---- */

int
vlog_set_log_file(const char *path)
{
    char *new_path;
    if (path) {
        new_path = xstrdup(path);
    } else {
        int error = uvs_mkdir_p(uvs_logdir());
        if (error) {
            return error;
        }
        new_path = xasprintf("%s/%s.log", uvs_logdir(), program_name());
    }
    int fd = open(new_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        int error = -errno;
        free(new_path);
        return error;
    }
    pthread_mutex_lock(&vlog_mutex);
    int old_fd = log_fd;
    log_fd = fd;
    free(log_path);
    log_path = new_path;
    pthread_mutex_unlock(&vlog_mutex);
    if (old_fd >= 0) {
        close(old_fd);
    }
    return 0;
}

int
vlog_reopen_log_file(void)
{
    pthread_mutex_lock(&vlog_mutex);
    char *path = log_path ? xstrdup(log_path) : NULL;
    pthread_mutex_unlock(&vlog_mutex);
    if (!path) {
        return 0;
    }
    int error = vlog_set_log_file(path);
    free(path);
    return error;
}

void
vlog_disable_console(void)
{
    console_enabled = false;
}

/* ---- Level specs ---- */

static int
level_from_name(const char *name)
{
    for (int i = 0; i < VLL_N_LEVELS; i++) {
        if (!strcasecmp(name, level_names[i])) {
            return i;
        }
    }
    if (!strcasecmp(name, "debug")) {
        return VLL_DBG;
    }
    if (!strcasecmp(name, "error")) {
        return VLL_ERR;
    }
    if (!strcasecmp(name, "warning")) {
        return VLL_WARN;
    }
    return -1;
}

static int
dest_from_name(const char *name)
{
    for (int i = 0; i < VLF_N_DESTINATIONS; i++) {
        if (!strcasecmp(name, dest_names[i])) {
            return i;
        }
    }
    return -1;
}

/* Words are separated by ':' or white space and may come in any order, as in OVS: each is a module
 * name, a destination, a level, or "any" (all modules or all destinations). Missing parts mean "all
 * modules", "all destinations" and level DBG. */
char *
vlog_set_levels_from_string(const char *spec)
{
    char *copy = xstrdup(spec ? spec : "");
    char *save = NULL;
    struct vlog_module *module = NULL;
    int dest = -1;
    int level = -1;
    char *error = NULL;

    pthread_mutex_lock(&vlog_mutex);
    for (char *word = strtok_r(copy, ": \t", &save); word; word = strtok_r(NULL, ": \t", &save)) {
        int x;
        struct vlog_module *m;
        if (!strcasecmp(word, "any")) {
            continue;
        } else if ((x = dest_from_name(word)) >= 0) {
            if (dest >= 0 && dest != x) {
                error = xasprintf("cannot specify multiple destinations (\"%s\" and \"%s\")",
                                  dest_names[dest], word);
                break;
            }
            dest = x;
        } else if ((x = level_from_name(word)) >= 0) {
            if (level >= 0 && level != x) {
                error = xasprintf("cannot specify multiple levels (\"%s\" and \"%s\")",
                                  level_names[level], word);
                break;
            }
            level = x;
        } else if ((m = module_from_name(word)) != NULL) {
            if (module && module != m) {
                error = xasprintf("cannot specify multiple modules (\"%s\" and \"%s\")",
                                  module->name, word);
                break;
            }
            module = m;
        } else if (!strcasecmp(word, "syslog")) {
            error = xstrdup("destination \"syslog\" is not supported by uvs (use \"console\" or "
                            "\"file\")");
            break;
        } else {
            error = xasprintf("no destination, level, or module \"%s\" (use \"vlog/list\" to see "
                              "the modules; levels are off, emer, err, warn, info, dbg; "
                              "destinations are console, file, any)", word);
            break;
        }
    }
    if (!error) {
        if (level < 0) {
            level = VLL_DBG;
        }
        for (struct vlog_module *m = modules; m; m = m->next) {
            if (module && m != module) {
                continue;
            }
            for (int d = 0; d < VLF_N_DESTINATIONS; d++) {
                if (dest < 0 || d == dest) {
                    m->levels[d] = level;
                }
            }
        }
    }
    pthread_mutex_unlock(&vlog_mutex);
    free(copy);
    return error;
}

/* ---- unixctl commands ---- */

static int
compare_modules(const void *a_, const void *b_)
{
    const struct vlog_module *const *a = a_;
    const struct vlog_module *const *b = b_;
    return strcmp((*a)->name, (*b)->name);
}

static char *
vlog_list_string(void)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    pthread_mutex_lock(&vlog_mutex);
    size_t n = 0;
    for (struct vlog_module *m = modules; m; m = m->next) {
        n++;
    }
    struct vlog_module **arr = xcalloc(n, sizeof *arr);
    n = 0;
    for (struct vlog_module *m = modules; m; m = m->next) {
        arr[n++] = m;
    }
    qsort(arr, n, sizeof *arr, compare_modules);
    ds_put_format(&ds, "%-20s %-8s %-8s\n", "", "console", "file");
    ds_put_format(&ds, "%-20s %-8s %-8s\n", "", "-------", "------");
    for (size_t i = 0; i < n; i++) {
        ds_put_format(&ds, "%-20s %-8s %-8s\n", arr[i]->name,
                      level_names[arr[i]->levels[VLF_CONSOLE]],
                      level_names[arr[i]->levels[VLF_FILE]]);
    }
    pthread_mutex_unlock(&vlog_mutex);
    free(arr);
    return ds_steal_cstr(&ds);
}

static void
vlog_unixctl_set(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    for (int i = 1; i < argc; i++) {
        char *error = vlog_set_levels_from_string(argv[i]);
        if (error) {
            unixctl_command_reply_error(conn, error);
            free(error);
            return;
        }
    }
    unixctl_command_reply(conn, NULL);
}

static void
vlog_unixctl_list(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    char *s = vlog_list_string();
    unixctl_command_reply(conn, s);
    free(s);
}

static void
vlog_unixctl_reopen(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    if (!log_path) {
        unixctl_command_reply_error(conn, "Logging to file not configured (start the daemon "
                                    "with --log-file)");
        return;
    }
    int error = vlog_reopen_log_file();
    if (error) {
        char *msg = xasprintf("cannot reopen log file %s: %s", log_path, strerror(-error));
        unixctl_command_reply_error(conn, msg);
        free(msg);
    } else {
        unixctl_command_reply(conn, NULL);
    }
}

static void
vlog_unixctl_close(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    pthread_mutex_lock(&vlog_mutex);
    if (log_fd >= 0) {
        close(log_fd);
        log_fd = -1;
    }
    pthread_mutex_unlock(&vlog_mutex);
    unixctl_command_reply(conn, NULL);
}

void
vlog_register_unixctl(void)
{
    unixctl_command_register("vlog/set", "[SPEC...] (e.g. module:console:dbg, file:info)", 0, 32,
                             vlog_unixctl_set, NULL);
    unixctl_command_register("vlog/list", "", 0, 0, vlog_unixctl_list, NULL);
    unixctl_command_register("vlog/reopen", "", 0, 0, vlog_unixctl_reopen, NULL);
    unixctl_command_register("vlog/close", "", 0, 0, vlog_unixctl_close, NULL);
}
