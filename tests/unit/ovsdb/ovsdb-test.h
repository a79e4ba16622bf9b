/*
 * ovsdb-test — helpers shared by the src/ovsdb unit tests: JSON parsing that fails the test on bad
 * input, and assertions on RFC 7047 error objects (tag and details text).
 */
#ifndef UVS_TEST_OVSDB_TEST_H
#define UVS_TEST_OVSDB_TEST_H 1

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "ovsdb/ovsdb-error.h"

/* The path of src/ovsdb/vswitch.ovsschema, passed as argv[1] by meson. */
extern const char *vswitch_schema_path;

static inline json_t *
parse_json(const char *text)
{
    json_error_t jerr;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &jerr);
    if (!j) {
        print_error("bad JSON in test: %s: %s\n", text, jerr.text);
        fail();
    }
    return j;
}

/* Asserts ERROR is non-NULL with TAG and details containing DETAILS (if non-NULL); frees it. */
#define assert_ovsdb_error(ERROR, TAG, DETAILS)                                        \
    do {                                                                               \
        struct ovsdb_error *e_ = (ERROR);                                              \
        if (!e_) {                                                                     \
            print_error("expected error \"%s\" but the call succeeded\n", TAG);       \
            fail();                                                                    \
        }                                                                              \
        if (strcmp(e_->tag, TAG)                                                       \
            || ((DETAILS) && (!e_->details || !strstr(e_->details, DETAILS)))) {       \
            print_error("expected \"%s\" with details containing \"%s\", got \"%s\": "  \
                        "\"%s\"\n", TAG, (DETAILS) ? (DETAILS) : "",                   \
                        e_->tag, e_->details ? e_->details : "");                      \
            fail();                                                                    \
        }                                                                              \
        ovsdb_error_destroy(e_);                                                       \
    } while (0)

/* Asserts ERROR is NULL, printing it otherwise. */
#define assert_no_ovsdb_error(ERROR)                                                   \
    do {                                                                               \
        struct ovsdb_error *e_ = (ERROR);                                              \
        if (e_) {                                                                      \
            print_error("unexpected error: %s: %s\n", e_->tag,                        \
                        e_->details ? e_->details : "");                               \
            fail();                                                                    \
        }                                                                              \
    } while (0)

#endif
