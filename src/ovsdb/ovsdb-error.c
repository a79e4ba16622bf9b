/* ovsdb-error — RFC 7047 error objects; see ovsdb-error.h. */
#include "ovsdb/ovsdb-error.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

static struct ovsdb_error *
error_create(const char *tag, const char *fmt, va_list args)
{
    struct ovsdb_error *e = xzalloc(sizeof *e);
    e->tag = xstrdup(tag);
    e->details = fmt ? xvasprintf(fmt, args) : NULL;
    return e;
}

struct ovsdb_error *
ovsdb_error(const char *tag, const char *details_fmt, ...)
{
    va_list args;
    va_start(args, details_fmt);
    struct ovsdb_error *e = error_create(tag, details_fmt, args);
    va_end(args);
    return e;
}

struct ovsdb_error *
ovsdb_syntax_error(const json_t *syntax, const char *tag, const char *details_fmt, ...)
{
    va_list args;
    va_start(args, details_fmt);
    struct ovsdb_error *e = error_create(tag ? tag : "syntax error", details_fmt, args);
    va_end(args);
    if (syntax) {
        e->syntax = json_deep_copy(syntax);
    }
    return e;
}

struct ovsdb_error *
ovsdb_io_error(int errno_, const char *details_fmt, ...)
{
    va_list args;
    va_start(args, details_fmt);
    char *msg = xvasprintf(details_fmt, args);
    va_end(args);
    struct ovsdb_error *e = ovsdb_error("I/O error", "%s%s%s", msg, errno_ ? ": " : "",
                                        errno_ ? strerror(errno_) : "");
    e->errno_ = errno_;
    free(msg);
    return e;
}

struct ovsdb_error *
ovsdb_error_prefix(struct ovsdb_error *error, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *prefix = xvasprintf(fmt, args);
    va_end(args);
    char *details = xasprintf("%s%s%s", prefix, error->details ? ": " : "",
                              error->details ? error->details : "");
    free(prefix);
    free(error->details);
    error->details = details;
    return error;
}

struct ovsdb_error *
ovsdb_error_clone(const struct ovsdb_error *error)
{
    struct ovsdb_error *e = xzalloc(sizeof *e);
    e->tag = xstrdup(error->tag);
    e->details = error->details ? xstrdup(error->details) : NULL;
    e->syntax = error->syntax ? json_incref(error->syntax) : NULL;
    e->errno_ = error->errno_;
    return e;
}

void
ovsdb_error_destroy(struct ovsdb_error *error)
{
    if (error) {
        free(error->tag);
        free(error->details);
        json_decref(error->syntax);
        free(error);
    }
}

json_t *
ovsdb_error_to_json(const struct ovsdb_error *error)
{
    json_t *j = json_object();
    json_object_set_new(j, "error", json_string(error->tag));
    if (error->details) {
        json_object_set_new(j, "details", json_string(error->details));
    }
    if (error->syntax) {
        char *s = json_dumps(error->syntax, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
        if (s) {
            json_object_set_new(j, "syntax", json_string(s));
            free(s);
        }
    }
    return j;
}

json_t *
ovsdb_error_to_json_free(struct ovsdb_error *error)
{
    json_t *j = ovsdb_error_to_json(error);
    ovsdb_error_destroy(error);
    return j;
}

char *
ovsdb_error_to_string(const struct ovsdb_error *error)
{
    if (error->details) {
        return xasprintf("%s: %s", error->tag, error->details);
    }
    return xstrdup(error->tag);
}

const char *
ovsdb_error_get_tag(const struct ovsdb_error *error)
{
    return error->tag;
}
