/*
 * ovsdb-error — the error objects of RFC 7047 §3.1 ("error", "details", and OVS's "syntax").
 *
 * Every engine function that can fail returns a struct ovsdb_error * (NULL on success) rather than
 * an errno, because the wire protocol reports failures as JSON objects whose "error" member is one of
 * a fixed set of strings (RFC 7047 §4.1.3, §5.2): "constraint violation", "referential integrity
 * violation", "domain error", "range error", "duplicate uuid-name", "unknown database", "syntax
 * error", "not supported", "timed out", "aborted", "not owner", "I/O error", "unknown column"...
 * "details" is a human sentence that names the object and the cause; "syntax" (optional) is the
 * offending JSON text.
 *
 * Ownership: the caller owns a returned error and frees it with ovsdb_error_destroy() (or hands it on
 * to ovsdb_error_to_json_free()). Errors are plain heap objects; any thread may use its own.
 */
#ifndef UVS_OVSDB_ERROR_H
#define UVS_OVSDB_ERROR_H 1

#include <jansson.h>

struct ovsdb_error {
    char *tag;        /* RFC 7047 "error" string, e.g. "constraint violation". */
    char *details;    /* Human explanation, or NULL. */
    json_t *syntax;   /* Offending JSON (owned reference), or NULL. */
    int errno_;       /* For I/O errors: the positive errno, else 0. */
};

/* Creates an error with TAG and printf-style details (DETAILS_FMT may be NULL). */
struct ovsdb_error *ovsdb_error(const char *tag, const char *details_fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Creates an error whose "syntax" is a copy of SYNTAX (may be NULL); TAG NULL means
 * "syntax error". */
struct ovsdb_error *ovsdb_syntax_error(const json_t *syntax, const char *tag,
                                       const char *details_fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* An "I/O error" with ERRNO_ (positive) appended to the details as ": strerror". */
struct ovsdb_error *ovsdb_io_error(int errno_, const char *details_fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prefixes ERROR's details with "PREFIX: " (printf-style) and returns ERROR. */
struct ovsdb_error *ovsdb_error_prefix(struct ovsdb_error *error, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Copies ERROR. */
struct ovsdb_error *ovsdb_error_clone(const struct ovsdb_error *error);
void ovsdb_error_destroy(struct ovsdb_error *error);

/* {"error": tag, "details": details, "syntax": "<json text>"} (new reference). */
json_t *ovsdb_error_to_json(const struct ovsdb_error *error);
/* Same, then destroys ERROR. */
json_t *ovsdb_error_to_json_free(struct ovsdb_error *error);
/* "tag: details" (malloc'd), for logs and command-line tools. */
char *ovsdb_error_to_string(const struct ovsdb_error *error);
const char *ovsdb_error_get_tag(const struct ovsdb_error *error);

#endif
