/*
 * fuzz-ovsdb-txn — libFuzzer target for the OVSDB transaction executor (ovsdb/ovsdb-execute.c and
 * ovsdb-txn.c) against the Open_vSwitch schema (src/ovsdb/vswitch.ovsschema).
 *
 * Each input is a sequence of JSON values; each value is one transaction's operations (an array of
 * RFC 7047 §5.2 operations; a lone object is taken as a one-operation transaction). They run in
 * order against one fresh database, as "transact" requests ["Open_vSwitch", op...]. Waits are run
 * as if their timeout had already passed. After each transaction the committed database must hold
 * the invariants RFC 7047 promises, whatever the operations were:
 *   - the reply is an array with one result per operation (plus at most one commit error), each
 *     an object or null, and a failing one carries a string "error" (RFC 7047 §4.1.3);
 *   - referential integrity: every UUID in a column that refers to a table (strong or weak) names
 *     an existing row of that table (§3.2 refTable/refType: strong references block deletion,
 *     weak ones are removed);
 *   - row->n_refs equals the number of strong references to the row from committed rows;
 *   - garbage collection: every row of a non-root table is strongly referenced (§3.2 isRoot);
 *   - constraints: every datum satisfies its column type (ovsdb_datum_check_constraints: n_min,
 *     n_max, enum, ranges, lengths) and is sorted with unique keys; maxRows holds;
 *   - indexes: no two rows have equal values in all columns of an index (§3.2 "indexes");
 *   - the table's row count matches its tree.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/vlog.h"
#include "ovsdb-check.h"
#include "ovsdb/ovsdb-data.h"
#include "ovsdb/ovsdb-error.h"
#include "ovsdb/ovsdb-execute.h"
#include "ovsdb/ovsdb-schema.h"
#include "ovsdb/ovsdb.h"
#include "uvs-config.h"

#define FUZZ_MAX_INPUT (16 * 1024)
#define MAX_TXNS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static json_t *schema_json;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc;
    (void) argv;
    free(vlog_set_levels_from_string("ANY:ANY:off"));
    const char *path = UVS_SRCDIR "/src/ovsdb/vswitch.ovsschema";
    json_error_t jerr;
    schema_json = json_load_file(path, 0, &jerr);
    if (!schema_json) {
        fprintf(stderr, "fuzz-ovsdb-txn: %s: %s\n", path, jerr.text);
        abort();
    }
    return 0;
}

static void
check_reply(const json_t *ops, const json_t *reply)
{
    if (!json_is_array(reply)) {
        ovsdb_check_fail("reply is not an array");
    }
    size_t n_ops = json_array_size(ops);
    size_t n = json_array_size(reply);
    if (n != n_ops && n != n_ops + 1) {
        ovsdb_check_fail("reply has %zu elements for %zu operations", n, n_ops);
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *r = json_array_get(reply, i);
        if (!json_is_object(r) && !json_is_null(r)) {
            ovsdb_check_fail("reply element %zu is neither an object nor null", i);
        }
        const json_t *err = json_is_object(r) ? json_object_get(r, "error") : NULL;
        if (err && !json_is_string(err)) {
            ovsdb_check_fail("reply element %zu has a non-string \"error\"", i);
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT) {
        return 0;
    }
    struct ovsdb_schema *schema;
    struct ovsdb_error *e = ovsdb_schema_from_json(schema_json, &schema);
    if (e) {
        ovsdb_check_fail("(not an invariant) the vswitch schema does not load: %s", ovsdb_error_get_tag(e));
    }
    struct ovsdb *db = ovsdb_create(schema);

    const char *p = (const char *) data;
    size_t left = size;
    for (int n_txn = 0; n_txn < MAX_TXNS && left; n_txn++) {
        json_error_t jerr;
        json_t *ops = json_loadb(p, left, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &jerr);
        if (!ops) {
            break;
        }
        size_t used = jerr.position > 0 ? (size_t) jerr.position : left;
        p += used < left ? used : left;
        left -= used < left ? used : left;
        if (!json_is_array(ops)) {
            json_t *one = json_array();
            json_array_append_new(one, ops);
            ops = one;
        }
        json_t *params = json_array();
        json_array_append_new(params, json_string("Open_vSwitch"));
        json_array_extend(params, ops);

        long long timeout = 0;
        json_t *reply = ovsdb_execute(db, params, NULL, 0, &timeout);
        if (!reply) {
            /* A wait that is not yet satisfied: run it again as if its time had run out. */
            reply = ovsdb_execute(db, params, NULL, timeout == LLONG_MAX ? 0 : timeout, &timeout);
        }
        if (reply && getenv("UVS_FUZZ_VERBOSE")) {     /* To check what a seed exercises. */
            char *text = json_dumps(reply, JSON_COMPACT);
            fprintf(stderr, "reply: %.300s\n", text);
            free(text);
        }
        if (reply) {
            check_reply(ops, reply);
            json_decref(reply);
        }
        ovsdb_check_invariants(db);
        json_decref(params);
        json_decref(ops);
    }
    ovsdb_destroy(db);
    return 0;
}
