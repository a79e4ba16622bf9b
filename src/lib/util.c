/*
 * util — allocation wrappers, program name, directories, clocks, integer parsing and struct ds.
 * See util.h for the contract.
 */
#include "lib/util.h"

#include <errno.h>
#include <getopt.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/vlog.h"
#include "uvs-config.h"

VLOG_DEFINE_THIS_MODULE(util);

/* ---- Allocation ---- */

static __attribute__((noreturn)) void
out_of_memory(void)
{
    static const char msg[] = "virtual memory exhausted\n";
    ssize_t n = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void) n;
    abort();
}

void *
xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p) {
        out_of_memory();
    }
    return p;
}

void *
xzalloc(size_t size)
{
    return xcalloc(1, size);
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        out_of_memory();
    }
    return p;
}

void *
xrealloc(void *p, size_t size)
{
    p = realloc(p, size ? size : 1);
    if (!p) {
        out_of_memory();
    }
    return p;
}

char *
xstrdup(const char *s)
{
    return xmemdup0(s, strlen(s));
}

char *
xmemdup0(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *
xvasprintf(const char *fmt, va_list args)
{
    va_list args2;
    va_copy(args2, args);
    int n = vsnprintf(NULL, 0, fmt, args2);
    va_end(args2);
    if (n < 0) {
        return xstrdup("");
    }
    char *s = xmalloc((size_t) n + 1);
    vsnprintf(s, (size_t) n + 1, fmt, args);
    return s;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *s = xvasprintf(fmt, args);
    va_end(args);
    return s;
}

/* ---- Program name and fatal errors ---- */

static char program_name_buf[64] = "uvs";

void
set_program_name(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    const char *base = slash ? slash + 1 : argv0;
    /* libtool-style "lt-" prefixes do not occur with meson; keep the basename as is. */
    strlcpy(program_name_buf, base, sizeof program_name_buf);
}

const char *
program_name(void)
{
    return program_name_buf;
}

void
uvs_fatal(int err, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *msg = xvasprintf(fmt, args);
    va_end(args);
    if (err > 0) {
        char *full = xasprintf("%s: %s", msg, strerror(err));
        free(msg);
        msg = full;
    }
    /* The log gets the message at EMER; the console line goes to stderr directly (the console
     * destination may be off after --detach, and stderr is what a user reads). */
    struct vlog_module *m = &this_module;
    enum vlog_level saved = m->levels[VLF_CONSOLE];
    m->levels[VLF_CONSOLE] = VLL_OFF;
    vlog(m, VLL_EMER, "%s", msg);
    m->levels[VLF_CONSOLE] = saved;
    fprintf(stderr, "%s: %s\n", program_name(), msg);
    free(msg);
    exit(1);
}

/* ---- Directories ---- */

static const char *
env_or(const char *var, const char *dflt)
{
    const char *v = getenv(var);
    return v && v[0] ? v : dflt;
}

const char *
uvs_rundir(void)
{
    return env_or("UVS_RUNDIR", "/var/run/uvs");
}

const char *
uvs_dbdir(void)
{
    return env_or("UVS_DBDIR", "/etc/uvs");
}

const char *
uvs_logdir(void)
{
    return env_or("UVS_LOGDIR", "/var/log/uvs");
}

const char *
uvs_pkgdatadir(void)
{
    return env_or("UVS_PKGDATADIR", UVS_PKGDATADIR);
}

static char *default_db;

static void
default_db_init(void)
{
    default_db = xasprintf("unix:%s/db.sock", uvs_rundir());
}

const char *
uvs_default_db(void)
{
    /* Computed once: the contract promises a string that lives for the process. */
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, default_db_init);
    return default_db;
}

int
uvs_mkdir_p(const char *dir)
{
    if (!dir || !dir[0]) {
        return -EINVAL;
    }
    char *path = xstrdup(dir);
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/') {
        path[--len] = '\0';
    }
    int error = 0;
    for (char *p = path + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(path, 0755) < 0 && errno != EEXIST) {
                error = -errno;
                break;
            }
            *p = saved;
            if (!saved) {
                break;
            }
        }
    }
    if (!error) {
        struct stat st;
        if (stat(path, &st) < 0) {
            error = -errno;
        } else if (!S_ISDIR(st.st_mode)) {
            error = -ENOTDIR;
        }
    }
    free(path);
    return error;
}

int
set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL, 0);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        return -errno;
    }
    return 0;
}

/* ---- Clocks ---- */

static long long
clock_msec(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long
time_msec(void)
{
    return clock_msec(CLOCK_MONOTONIC);
}

long long
time_wall_msec(void)
{
    return clock_msec(CLOCK_REALTIME);
}

/* ---- Integer parsing ---- */

bool
str_to_uint64(const char *s, int base, uint64_t max, uint64_t *value)
{
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ' || *s == '\t') {
        return false;
    }
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, base);
    if (errno || end == s || *end != '\0' || v > max) {
        return false;
    }
    *value = v;
    return true;
}

/* ---- struct ds ---- */

void
ds_init(struct ds *ds)
{
    ds->s = NULL;
    ds->len = 0;
    ds->alloc = 0;
}

/* Makes room for N more bytes plus the terminating NUL. */
static void
ds_reserve(struct ds *ds, size_t n)
{
    size_t need = ds->len + n + 1;
    if (need > ds->alloc) {
        size_t alloc = ds->alloc ? ds->alloc * 2 : 64;
        while (alloc < need) {
            alloc *= 2;
        }
        ds->s = xrealloc(ds->s, alloc);
        ds->alloc = alloc;
    }
}

void
ds_put_buffer(struct ds *ds, const char *buf, size_t n)
{
    ds_reserve(ds, n);
    if (n) {
        memcpy(ds->s + ds->len, buf, n);
    }
    ds->len += n;
    ds->s[ds->len] = '\0';
}

void
ds_put_cstr(struct ds *ds, const char *s)
{
    ds_put_buffer(ds, s, strlen(s));
}

void
ds_put_char(struct ds *ds, char c)
{
    ds_put_buffer(ds, &c, 1);
}

void
ds_put_format_valist(struct ds *ds, const char *fmt, va_list args)
{
    va_list args2;
    va_copy(args2, args);
    int n = vsnprintf(NULL, 0, fmt, args2);
    va_end(args2);
    if (n <= 0) {
        ds_reserve(ds, 0);
        ds->s[ds->len] = '\0';
        return;
    }
    ds_reserve(ds, (size_t) n);
    vsnprintf(ds->s + ds->len, (size_t) n + 1, fmt, args);
    ds->len += (size_t) n;
}

void
ds_put_format(struct ds *ds, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    ds_put_format_valist(ds, fmt, args);
    va_end(args);
}

void
ds_clear(struct ds *ds)
{
    ds->len = 0;
    if (ds->s) {
        ds->s[0] = '\0';
    }
}

void
ds_chomp(struct ds *ds, int c)
{
    if (ds->len > 0 && ds->s[ds->len - 1] == (char) c) {
        ds->s[--ds->len] = '\0';
    }
}

const char *
ds_cstr(struct ds *ds)
{
    if (!ds->s) {
        ds_reserve(ds, 0);
        ds->s[0] = '\0';
    }
    return ds->s;
}

char *
ds_steal_cstr(struct ds *ds)
{
    ds_cstr(ds);
    char *s = ds->s;
    ds_init(ds);
    return s;
}

void
ds_destroy(struct ds *ds)
{
    free(ds->s);
    ds_init(ds);
}

void
uvs_getopt_quiet(void)
{
    opterr = 0;
}

void
uvs_getopt_error(int argc, char *argv[], const char *optstring)
{
    const char *arg = optind >= 1 && optind - 1 < argc ? argv[optind - 1] : "?";
    const char *short_opt = optopt > 0 && optopt < 256 && optopt != ':'
                            ? strchr(optstring, optopt) : NULL;
    bool is_long = !strncmp(arg, "--", 2);

    if (short_opt && !is_long) {
        /* A known short option without its argument, or an unknown one. */
        fprintf(stderr, "%s: option '-%c' %s (use --help for help)\n", program_name(), optopt,
                short_opt[1] == ':' ? "requires an argument" : "is not valid here");
    } else if (!short_opt && optopt && !is_long) {
        fprintf(stderr, "%s: unrecognized option '-%c' (use --help for help)\n", program_name(),
                optopt);
    } else if (optopt) {
        /* getopt_long() sets optopt to the option's value when its argument is missing. */
        fprintf(stderr, "%s: option '%s' requires an argument (use --help for help)\n",
                program_name(), arg);
    } else {
        fprintf(stderr, "%s: unrecognized option '%s' (use --help for help)\n", program_name(),
                arg);
    }
    exit(1);
}
