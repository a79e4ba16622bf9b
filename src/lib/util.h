/*
 * util — small helpers shared by every uvs program.
 *
 * Allocation wrappers abort with a message on out-of-memory (like OVS's xmalloc): callers never check.
 * Directory helpers return the run, db and log directories, honouring UVS_RUNDIR, UVS_DBDIR and
 * UVS_LOGDIR (defaults /var/run/uvs, /etc/uvs, /var/log/uvs), and UVS_PKGDATADIR for the schema.
 * All functions are thread-safe except where noted.
 */
#ifndef UVS_UTIL_H
#define UVS_UTIL_H 1

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bsd/string.h>   /* strlcpy, strlcat (libbsd) */

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#define UVS_MIN(a, b) ((a) < (b) ? (a) : (b))
#define UVS_MAX(a, b) ((a) > (b) ? (a) : (b))
#define CONTAINER_OF(ptr, type, member) ((type *) (void *) ((char *) (ptr) - offsetof(type, member)))

void *xmalloc(size_t size);
void *xzalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xmemdup0(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list args);

/* Prints "PROGRAM: message" (and ": strerror(err)" when err > 0) to stderr and the log, then exits 1. */
void uvs_fatal(int err, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));

/* Program name as set by set_program_name() (basename of argv[0]). */
void set_program_name(const char *argv0);
const char *program_name(void);

/* For a program's getopt_long() loop: call uvs_getopt_quiet() before it (getopt then prints
 * nothing itself), and uvs_getopt_error() when it returns '?': prints one line naming the bad
 * option, "PROGRAM: unrecognized option '--frob' (use --help for help)" or "PROGRAM: option '-t'
 * requires an argument (use --help for help)", and exits 1. OPTSTRING is the loop's short options. */
void uvs_getopt_quiet(void);
void uvs_getopt_error(int argc, char *argv[], const char *optstring)
    __attribute__((noreturn));

/* Directories; the returned strings live for the life of the process. */
const char *uvs_rundir(void);   /* $UVS_RUNDIR or /var/run/uvs */
const char *uvs_dbdir(void);    /* $UVS_DBDIR or /etc/uvs */
const char *uvs_logdir(void);   /* $UVS_LOGDIR or /var/log/uvs */
const char *uvs_pkgdatadir(void); /* $UVS_PKGDATADIR or the install's share/uvs */
/* Default database socket "unix:RUNDIR/db.sock"; static string. */
const char *uvs_default_db(void);

/* Creates DIR and its parents (mode 0755). Returns 0 or -errno. */
int uvs_mkdir_p(const char *dir);

/* Sets O_NONBLOCK on FD. Returns 0 or -errno. */
int set_nonblocking(int fd);

/* Monotonic and wall clock in milliseconds. */
long long time_msec(void);
long long time_wall_msec(void);

/* Parses a decimal/hex ("0x") unsigned integer into *value, rejecting trailing garbage and overflow
 * past MAX. Returns true on success. */
bool str_to_uint64(const char *s, int base, uint64_t max, uint64_t *value);

/* Dynamic string, like OVS's struct ds. 's' is always NUL-terminated when non-NULL. */
struct ds {
    char *s;
    size_t len;
    size_t alloc;
};
#define DS_EMPTY_INITIALIZER { NULL, 0, 0 }
void ds_init(struct ds *);
void ds_put_cstr(struct ds *, const char *);
void ds_put_char(struct ds *, char);
void ds_put_buffer(struct ds *, const char *, size_t);
void ds_put_format(struct ds *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ds_put_format_valist(struct ds *, const char *fmt, va_list);
void ds_clear(struct ds *);
void ds_chomp(struct ds *, int c);       /* removes one trailing 'c' if present */
const char *ds_cstr(struct ds *);        /* never NULL */
char *ds_steal_cstr(struct ds *);        /* caller frees; ds is reset */
void ds_destroy(struct ds *);

#endif
