/*
 * vlog — logging in the OVS format, so operators' log tooling keeps working:
 *
 *   2026-11-21T11:05:16.123Z|00042|bridge|INFO|bridge br0: added interface p0 on port 1
 *
 * Levels (most to least severe): EMER, ERR, WARN, INFO, DBG. Destinations: console (stderr, default
 * level WARN... INFO when not detached), file (--log-file, default level INFO). Each .c file declares its
 * module once with VLOG_DEFINE_THIS_MODULE(name) and then uses VLOG_INFO(...) etc.
 *
 * Thread-safety: every function may be called from any thread, including PMD threads (messages are
 * written with one write(2) each; a mutex protects the sequence number and destinations). PMD threads
 * must use the _RL variants on per-packet paths so logging is rate limited.
 */
#ifndef UVS_VLOG_H
#define UVS_VLOG_H 1

#include <stdbool.h>
#include <stdarg.h>

enum vlog_level { VLL_OFF, VLL_EMER, VLL_ERR, VLL_WARN, VLL_INFO, VLL_DBG, VLL_N_LEVELS };
enum vlog_destination { VLF_CONSOLE, VLF_FILE, VLF_N_DESTINATIONS };

struct vlog_module {
    const char *name;
    enum vlog_level levels[VLF_N_DESTINATIONS];
    struct vlog_module *next;
};

/* Simple token-bucket rate limiter: at most 'burst' messages, refilled at 'rate' per minute. */
struct vlog_rate_limit {
    int rate;
    int burst;
    long long last_fill;   /* msec */
    int tokens;
    int n_dropped;
};
#define VLOG_RATE_LIMIT_INIT(RATE, BURST) { RATE, BURST, 0, BURST, 0 }

void vlog_module_register(struct vlog_module *);

#define VLOG_DEFINE_THIS_MODULE(NAME)                                          \
    static struct vlog_module this_module = { #NAME, { VLL_INFO, VLL_INFO }, NULL }; \
    static void __attribute__((constructor)) vlog_module_ctor_##NAME(void)        \
    { vlog_module_register(&this_module); }

void vlog(const struct vlog_module *, enum vlog_level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void vlog_valist(const struct vlog_module *, enum vlog_level, const char *fmt, va_list);
void vlog_rate_limit(const struct vlog_module *, enum vlog_level, struct vlog_rate_limit *,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
bool vlog_is_enabled(const struct vlog_module *, enum vlog_level);

#define VLOG_EMER(...) vlog(&this_module, VLL_EMER, __VA_ARGS__)
#define VLOG_ERR(...)  vlog(&this_module, VLL_ERR, __VA_ARGS__)
#define VLOG_WARN(...) vlog(&this_module, VLL_WARN, __VA_ARGS__)
#define VLOG_INFO(...) vlog(&this_module, VLL_INFO, __VA_ARGS__)
#define VLOG_DBG(...)  vlog(&this_module, VLL_DBG, __VA_ARGS__)
#define VLOG_ERR_RL(RL, ...)  vlog_rate_limit(&this_module, VLL_ERR, RL, __VA_ARGS__)
#define VLOG_WARN_RL(RL, ...) vlog_rate_limit(&this_module, VLL_WARN, RL, __VA_ARGS__)
#define VLOG_INFO_RL(RL, ...) vlog_rate_limit(&this_module, VLL_INFO, RL, __VA_ARGS__)
#define VLOG_DBG_RL(RL, ...)  vlog_rate_limit(&this_module, VLL_DBG, RL, __VA_ARGS__)

/* Opens (append) the log file; NULL means LOGDIR/PROGRAM.log. Returns 0 or -errno. */
int vlog_set_log_file(const char *path);
/* Reopens the log file (after logrotate). Returns 0 or -errno. */
int vlog_reopen_log_file(void);
/* Parses an OVS-style -v/--verbose spec: "", "MODULE", "DEST:LEVEL", "MODULE:DEST:LEVEL", "LEVEL"
 * where DEST is console|file|any. Returns NULL or a malloc'd error message. */
char *vlog_set_levels_from_string(const char *spec);
/* Sets the console destination off (used after --detach). */
void vlog_disable_console(void);
/* Registers vlog/set, vlog/list and vlog/reopen with unixctl. */
void vlog_register_unixctl(void);

#endif
