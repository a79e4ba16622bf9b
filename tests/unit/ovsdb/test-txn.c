/* Unit tests for the transaction engine (ovsdb-execute, ovsdb-txn, ovsdb-query) and monitors, on
 * the shipped vswitch schema: RFC 7047 §5.2 operations, atomic rollback, referential integrity,
 * garbage collection of orphaned rows, weak references, and the RFC's error strings. */
#include "ovsdb-test.h"

#include <limits.h>
#include <stdio.h>

#include "lib/util.h"
#include "ovsdb/ovsdb-execute.h"
#include "ovsdb/ovsdb-monitor.h"
#include "ovsdb/ovsdb-schema.h"
#include "ovsdb/ovsdb.h"

const char *vswitch_schema_path;

/* ---- Helpers ---- */

static int
setup_db(void **state)
{
    struct ovsdb_schema *schema;
    assert_no_ovsdb_error(ovsdb_schema_from_file(vswitch_schema_path, &schema));
    *state = ovsdb_create(schema);
    return 0;
}

static int
teardown_db(void **state)
{
    ovsdb_destroy(*state);
    return 0;
}

/* Runs the transaction TEXT (printf-style) and returns the result array. */
static json_t *
run_opts(struct ovsdb *db, const struct ovsdb_exec_options *opts, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static json_t *
run_opts(struct ovsdb *db, const struct ovsdb_exec_options *opts, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *text = xvasprintf(fmt, args);
    va_end(args);
    json_t *params = parse_json(text);
    long long timeout;
    json_t *result = ovsdb_execute(db, params, opts, 0, &timeout);
    if (!result) {
        print_error("transaction unexpectedly waits: %s\n", text);
        fail();
    }
    json_decref(params);
    free(text);
    return result;
}

#define run(DB, ...) run_opts(DB, NULL, __VA_ARGS__)

/* Asserts that RESULT has no error element and frees it. */
static void
assert_success(json_t *result)
{
    size_t i;
    json_t *r;
    json_array_foreach(result, i, r) {
        if (!json_is_object(r) || json_object_get(r, "error")) {
            char *s = json_dumps(result, JSON_ENCODE_ANY);
            print_error("transaction failed: %s\n", s);
            free(s);
            fail();
        }
    }
    json_decref(result);
}

/* Asserts that element IDX of RESULT is an error with TAG and DETAILS (substring); frees RESULT. */
static void
assert_result_error(json_t *result, size_t idx, const char *tag, const char *details)
{
    const json_t *r = json_array_get(result, idx);
    const char *t = json_string_value(json_object_get(r, "error"));
    const char *d = json_string_value(json_object_get(r, "details"));
    if (!t || strcmp(t, tag) || (details && (!d || !strstr(d, details)))) {
        char *s = json_dumps(result, JSON_ENCODE_ANY);
        print_error("expected error \"%s\" (\"%s\") at %zu, got %s\n", tag,
                    details ? details : "", idx, s);
        free(s);
        fail();
    }
    json_decref(result);
}

/* Compares J with the JSON in TEXT. */
static bool
json_equal_text(const json_t *j, const char *text)
{
    json_t *expected = parse_json(text);
    bool equal = json_equal((json_t *) j, expected);
    json_decref(expected);
    return equal;
}

static size_t
n_rows(struct ovsdb *db, const char *table)
{
    return ovsdb_get_table(db, table)->n_rows;
}

/* The UUID string returned by insert result IDX (static buffer). */
static const char *
result_uuid(const json_t *result, size_t idx)
{
    static char buf[UUID_LEN + 1];
    const json_t *u = json_object_get(json_array_get(result, idx), "uuid");
    assert_non_null(u);
    snprintf(buf, sizeof buf, "%s", json_string_value(json_array_get(u, 1)));
    return buf;
}

/* Inserts the root row, bridge br0 with port p0 and interface p0. Returns the result array. */
static json_t *
add_bridge(struct ovsdb *db)
{
    json_t *result = run(db,
        "[\"Open_vSwitch\","
        "{\"op\":\"insert\",\"table\":\"Open_vSwitch\",\"row\":{\"bridges\":[\"named-uuid\",\"b\"]}},"
        "{\"op\":\"insert\",\"table\":\"Bridge\",\"uuid-name\":\"b\",\"row\":{\"name\":\"br0\","
        "  \"ports\":[\"named-uuid\",\"p\"]}},"
        "{\"op\":\"insert\",\"table\":\"Port\",\"uuid-name\":\"p\",\"row\":{\"name\":\"p0\","
        "  \"interfaces\":[\"named-uuid\",\"i\"]}},"
        "{\"op\":\"insert\",\"table\":\"Interface\",\"uuid-name\":\"i\",\"row\":{\"name\":\"p0\","
        "  \"type\":\"internal\"}}]");
    assert_int_equal(json_array_size(result), 4);
    return result;
}

/* ---- Tests ---- */

static void
test_insert_with_named_refs(void **state)
{
    struct ovsdb *db = *state;
    json_t *ins = add_bridge(db);
    char iface_uuid[UUID_LEN + 1];
    snprintf(iface_uuid, sizeof iface_uuid, "%s", result_uuid(ins, 3));

    json_t *r = run(db, "[\"Open_vSwitch\",{\"op\":\"select\",\"table\":\"Port\",\"where\":"
                        "[[\"name\",\"==\",\"p0\"]],\"columns\":[\"interfaces\",\"tag\"]}]");
    const json_t *rows = json_object_get(json_array_get(r, 0), "rows");
    assert_int_equal(json_array_size(rows), 1);
    const json_t *ifaces = json_object_get(json_array_get(rows, 0), "interfaces");
    assert_string_equal(json_string_value(json_array_get(ifaces, 1)), iface_uuid);
    /* An empty optional column comes back as an empty set. */
    const json_t *tag = json_object_get(json_array_get(rows, 0), "tag");
    assert_true(json_equal_text(tag, "[\"set\",[]]"));
    json_decref(r);
    json_decref(ins);

    /* A forward reference to a uuid-name inserted later in the same transaction works. */
    assert_success(run(db, "[\"Open_vSwitch\","
        "{\"op\":\"mutate\",\"table\":\"Open_vSwitch\",\"where\":[],\"mutations\":"
        "  [[\"bridges\",\"insert\",[\"set\",[[\"named-uuid\",\"nb\"]]]]]},"
        "{\"op\":\"insert\",\"table\":\"Bridge\",\"uuid-name\":\"nb\",\"row\":{\"name\":\"br1\"}}]"));
    assert_int_equal(n_rows(db, "Bridge"), 2);
}

static void
test_gc_orphans(void **state)
{
    struct ovsdb *db = *state;
    json_decref(add_bridge(db));
    assert_int_equal(n_rows(db, "Port"), 1);
    assert_int_equal(n_rows(db, "Interface"), 1);

    /* Removing the port from the bridge deletes the Port, and then its Interface. */
    assert_success(run(db, "[\"Open_vSwitch\",{\"op\":\"update\",\"table\":\"Bridge\","
                           "\"where\":[[\"name\",\"==\",\"br0\"]],\"row\":{\"ports\":"
                           "[\"set\",[]]}}]"));
    assert_int_equal(n_rows(db, "Port"), 0);
    assert_int_equal(n_rows(db, "Interface"), 0);
    assert_int_equal(n_rows(db, "Bridge"), 1);

    /* A non-root row nobody references is collected at once; the insert itself succeeds. */
    json_t *r = run(db, "[\"Open_vSwitch\",{\"op\":\"insert\",\"table\":\"Bridge\","
                        "\"row\":{\"name\":\"lonely\"}}]");
    assert_non_null(json_object_get(json_array_get(r, 0), "uuid"));
    json_decref(r);
    assert_int_equal(n_rows(db, "Bridge"), 1);

    /* Root tables keep unreferenced rows (QoS is a root table). */
    assert_success(run(db, "[\"Open_vSwitch\",{\"op\":\"insert\",\"table\":\"QoS\","
                           "\"row\":{\"type\":\"linux-htb\"}}]"));
    assert_int_equal(n_rows(db, "QoS"), 1);
}

static void
test_referential_integrity(void **state)
{
    struct ovsdb *db = *state;
    json_decref(add_bridge(db));

    json_t *r = run(db, "[\"Open_vSwitch\",{\"op\":\"insert\",\"table\":\"Bridge\",\"row\":"
                        "{\"name\":\"br9\",\"ports\":[\"uuid\",\"550e8400-e29b-41d4-a716-"
                        "446655440000\"]}}]");
    assert_int_equal(json_array_size(r), 2);    /* The commit error follows the op results. */
    assert_result_error(r, 1, "referential integrity violation",
                        "column ports row");
    r = run(db, "[\"Open_vSwitch\",{\"op\":\"insert\",\"table\":\"Bridge\",\"row\":"
                "{\"name\":\"br9\",\"ports\":[\"uuid\",\"550e8400-e29b-41d4-a716-"
                "446655440000\"]}}]");
    assert_result_error(r, 1, "referential integrity violation",
                        "references nonexistent row 550e8400-e29b-41d4-a716-446655440000 in "
                        "table Port.");

    /* Port.interfaces has min 1: its default (the zero UUID) references nothing. */
    r = run(db, "[\"Open_vSwitch\",{\"op\":\"insert\",\"table\":\"Port\",\"row\":"
                "{\"name\":\"p9\"}}]");
    assert_result_error(r, 1, "referential integrity violation",
                        "references nonexistent row 00000000-0000-0000-0000-000000000000");

    /* Deleting a bridge that Open_vSwitch still references fails. */
    r = run(db, "[\"Open_vSwitch\",{\"op\":\"delete\",\"table\":\"Bridge\",\"where\":[]}]");
    assert_result_error(r, 1, "referential integrity violation",
                        "because of 1 remaining reference(s)");
    assert_int_equal(n_rows(db, "Bridge"), 1);
}

static void
test_rollback(void **state)
{
    struct ovsdb *db = *state;
    json_decref(add_bridge(db));

    /* An operation error aborts everything before it; later ops are reported as null. */
    json_t *r = run(db, "[\"Open_vSwitch\","
        "{\"op\":\"update\",\"table\":\"Bridge\",\"where\":[],\"row\":{\"stp_enable\":true}},"
        "{\"op\":\"insert\",\"table\":\"Port\",\"row\":{\"name\":\"x\",\"tag\":5000}},"
        "{\"op\":\"comment\",\"comment\":\"never\"}]");
    assert_int_equal(json_array_size(r), 3);
    assert_true(json_is_null(json_array_get(r, 2)));
    assert_int_equal(json_integer_value(json_object_get(json_array_get(r, 0), "count")), 1);
    assert_result_error(r, 1, "constraint violation",
                        "5000 is not in the valid range 0 to 4095 (inclusive)");
    r = run(db, "[\"Open_vSwitch\",{\"op\":\"select\",\"table\":\"Bridge\",\"where\":"
                "[[\"stp_enable\",\"==\",true]]}]");
    assert_int_equal(json_array_size(json_object_get(json_array_get(r, 0), "rows")), 0);
    json_decref(r);

    /* A commit-time error undoes the whole transaction too (here: maxRows of Open_vSwitch). */
    r = run(db, "[\"Open_vSwitch\","
        "{\"op\":\"update\",\"table\":\"Bridge\",\"where\":[],\"row\":{\"stp_enable\":true}},"
        "{\"op\":\"insert\",\"table\":\"Open_vSwitch\",\"row\":{}}]");
    assert_result_error(r, 2, "constraint violation",
                        "transaction causes \"Open_vSwitch\" table to contain 2 rows, greater "
                        "than the schema-defined limit of 1 row(s)");
    r = run(db, "[\"Open_vSwitch\",{\"op\":\"select\",\"table\":\"Bridge\",\"where\":"
                "[[\"stp_enable\",\"==\",true]]}]");
    assert_int_equal(json_array_size(json_object_get(json_array_get(r, 0), "rows")), 0);
    json_decref(r);

    /* "abort" aborts. */
    r = run(db, "[\"Open_vSwitch\","
        "{\"op\":\"update\",\"table\":\"Bridge\",\"where\":[],\"row\":{\"stp_enable\":true}},"
        "{\"op\":\"abort\"}]");
    assert_result_error(r, 1, "aborted", "aborted by request");
    assert_int_equal(n_rows(db, "Open_vSwitch"), 1);
}

static void
test_update_mutate_delete(void **state)
{
    struct ovsdb *db = *state;
    json_decref(add_bridge(db));
    assert_success(run(db, "[\"Open_vSwitch\","
        "{\"op\":\"mutate\",\"table\":\"Open_vSwitch\",\"where\":[],\"mutations\":"
        "  [[\"next_cfg\",\"+=\",5],[\"next_cfg\",\"*=\",3],[\"next_cfg\",\"-=\",1],"
        "   [\"next_cfg\",\"/=\",2],[\"next_cfg\",\"%%=\",4]]},"
        "{\"op\":\"mutate\",\"table\":\"Bridge\",\"where\":[],\"mutations\":"
        "  [[\"other_config\",\"insert\",[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"]]]],"
        "   [\"other_config\",\"delete\",[\"set\",[\"a\"]]],"
        "   [\"flood_vlans\",\"insert\",[\"set\",[10,20]]],[\"flood_vlans\",\"+=\",1]]},"
        "{\"op\":\"update\",\"table\":\"Port\",\"where\":[[\"name\",\"==\",\"p0\"]],"
        "  \"row\":{\"tag\":7,\"trunks\":[\"set\",[1,2,3]]}}]"));
    json_t *r = run(db, "[\"Open_vSwitch\","
        "{\"op\":\"select\",\"table\":\"Open_vSwitch\",\"where\":[],\"columns\":[\"next_cfg\"]},"
        "{\"op\":\"select\",\"table\":\"Bridge\",\"where\":[],\"columns\":[\"other_config\","
        "  \"flood_vlans\"]},"
        "{\"op\":\"select\",\"table\":\"Port\",\"where\":[[\"tag\",\">=\",7],"
        "  [\"trunks\",\"includes\",[\"set\",[1,3]]],[\"trunks\",\"excludes\",9]],"
        "  \"columns\":[\"tag\"]}]");
    json_t *expected = parse_json(
        "[{\"rows\":[{\"next_cfg\":3}]},"
        " {\"rows\":[{\"other_config\":[\"map\",[[\"b\",\"2\"]]],"
        "             \"flood_vlans\":[\"set\",[11,21]]}]},"
        " {\"rows\":[{\"tag\":7}]}]");
    if (!json_equal(r, expected)) {
        char *s = json_dumps(r, JSON_ENCODE_ANY);
        print_error("unexpected select result %s\n", s);
        free(s);
        fail();
    }
    json_decref(r);
    json_decref(expected);

    /* Mutation errors carry the RFC's error names. */
    assert_result_error(run(db, "[\"Open_vSwitch\",{\"op\":\"mutate\",\"table\":\"Open_vSwitch\","
                                "\"where\":[],\"mutations\":[[\"next_cfg\",\"/=\",0]]}]"),
                        0, "domain error", "Division by zero.");
    assert_result_error(run(db, "[\"Open_vSwitch\",{\"op\":\"mutate\",\"table\":\"Open_vSwitch\","
                                "\"where\":[],\"mutations\":[[\"next_cfg\",\"+=\","
                                "9223372036854775807]]}]"),
                        0, "range error", "Result of \"+=\" operation is out of range.");
    assert_result_error(run(db, "[\"Open_vSwitch\",{\"op\":\"mutate\",\"table\":\"Port\","
                                "\"where\":[],\"mutations\":[[\"tag\",\"+=\",5000]]}]"),
                        0, "constraint violation", "not in the valid range 0 to 4095");
    assert_result_error(run(db, "[\"Open_vSwitch\",{\"op\":\"mutate\",\"table\":\"Bridge\","
                                "\"where\":[],\"mutations\":[[\"flood_vlans\",\"*=\",0]]}]"),
                        0, "constraint violation", "contains duplicates");
    assert_result_error(run(db, "[\"Open_vSwitch\",{\"op\":\"mutate\",\"table\":\"Bridge\","
                                "\"where\":[],\"mutations\":[[\"name\",\"+=\",\"x\"]]}]"),
                        0, "constraint violation",
                        "Cannot mutate immutable column name in table Bridge.");
    assert_result_error(run(db, "[\"Open_vSwitch\",{\"op\":\"mutate\",\"table\":\"Bridge\","
                                "\"where\":[],\"mutations\":[[\"fail_mode\",\"insert\","
                                "[\"set\",[\"secure\",\"standalone\"]]]]}]"),
                        0, "constraint violation", "Attempted to store 2 elements");
    assert_result_error(run(db, "[\"Open_vSwitch\",{\"op\":\"mutate\",\"table\":\"Bridge\","
                                "\"where\":[],\"mutations\":[[\"datapath_type\",\"+=\",1]]}]"),
                        0, "syntax error", "Type mismatch: \"+=\" operator may not be applied");
    assert_result_error(run(db, "[\"Open_vSwitch\",{\"op\":\"update\",\"table\":\"Bridge\","
                                "\"where\":[],\"row\":{\"name\":\"y\"}}]"),
                        0, "constraint violation",
                        "Cannot update immutable column name in table Bridge.");
    assert_result_error(run(db, "[\"Open_vSwitch\",{\"op\":\"select\",\"table\":\"Bridge\","
                                "\"where\":[[\"name\",\"<\",\"b\"]]}]"),
                        0, "syntax error", "Type mismatch: \"<\" operator");

    /* Delete reports the count; deleting the root row frees everything below it. */
    r = run(db, "[\"Open_vSwitch\",{\"op\":\"delete\",\"table\":\"Open_vSwitch\",\"where\":[]}]");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(r, 0), "count")), 1);
    json_decref(r);
    assert_int_equal(n_rows(db, "Bridge"), 0);
    assert_int_equal(n_rows(db, "Port"), 0);
    assert_int_equal(n_rows(db, "Interface"), 0);
}

static void
test_index_and_names(void **state)
{
    struct ovsdb *db = *state;
    json_decref(add_bridge(db));
    json_t *r = run(db, "[\"Open_vSwitch\","
        "{\"op\":\"insert\",\"table\":\"Bridge\",\"uuid-name\":\"nb\",\"row\":{\"name\":\"br0\"}},"
        "{\"op\":\"mutate\",\"table\":\"Open_vSwitch\",\"where\":[],\"mutations\":"
        "  [[\"bridges\",\"insert\",[\"set\",[[\"named-uuid\",\"nb\"]]]]]}]");
    assert_result_error(r, 2, "constraint violation",
                        "Transaction causes multiple rows in \"Bridge\" table to have identical "
                        "values (br0) for index on column \"name\"");

    /* Modifying an indexed column into a duplicate is caught too (Manager.target). */
    assert_success(run(db, "[\"Open_vSwitch\","
        "{\"op\":\"insert\",\"table\":\"Manager\",\"uuid-name\":\"m1\",\"row\":"
        "  {\"target\":\"ptcp:6640\"}},"
        "{\"op\":\"insert\",\"table\":\"Manager\",\"uuid-name\":\"m2\",\"row\":"
        "  {\"target\":\"ptcp:6641\"}},"
        "{\"op\":\"mutate\",\"table\":\"Open_vSwitch\",\"where\":[],\"mutations\":"
        "  [[\"manager_options\",\"insert\",[\"set\",[[\"named-uuid\",\"m1\"],"
        "    [\"named-uuid\",\"m2\"]]]]]}]"));
    r = run(db, "[\"Open_vSwitch\",{\"op\":\"update\",\"table\":\"Manager\",\"where\":"
                "[[\"target\",\"==\",\"ptcp:6641\"]],\"row\":{\"target\":\"ptcp:6640\"}}]");
    assert_result_error(r, 1, "constraint violation",
                        "identical values (ptcp:6640) for index on column \"target\"");

    r = run(db, "[\"Open_vSwitch\","
        "{\"op\":\"insert\",\"table\":\"QoS\",\"uuid-name\":\"a\",\"row\":{}},"
        "{\"op\":\"insert\",\"table\":\"QoS\",\"uuid-name\":\"a\",\"row\":{}}]");
    assert_result_error(r, 1, "duplicate uuid-name", "appeared on an earlier \"insert\"");

    assert_result_error(run(db, "[\"Open_vSwitch\",{\"op\":\"insert\",\"table\":\"Bridgex\","
                                "\"row\":{}}]"),
                        0, "syntax error", "No table named Bridgex.");
    assert_result_error(run(db, "[\"Open_vSwitch\",{\"op\":\"insert\",\"table\":\"Bridge\","
                                "\"row\":{\"namex\":\"x\"}}]"),
                        0, "unknown column", "No column namex in table Bridge.");
    assert_result_error(run(db, "[\"Open_vSwitch\",{\"op\":\"frobnicate\"}]"),
                        0, "syntax error", "No operation \"frobnicate\"");
    assert_result_error(run(db, "[\"Open_vSwitch\",{\"op\":\"select\",\"table\":\"Bridge\"}]"),
                        0, "syntax error", "Required 'where' member is missing.");
    assert_result_error(run(db, "[\"Nope\",{\"op\":\"comment\",\"comment\":\"x\"}]"),
                        0, "unknown database", "unknown database Nope");
    assert_success(run(db, "[\"Open_vSwitch\",{\"op\":\"comment\",\"comment\":\"hello\"},"
                           "{\"op\":\"commit\",\"durable\":true}]"));

    /* The OVS extension "uuid" picks the new row's UUID. */
    r = run(db, "[\"Open_vSwitch\",{\"op\":\"insert\",\"table\":\"QoS\",\"uuid\":"
                "\"11111111-2222-3333-4444-555555555555\",\"row\":{}},"
                "{\"op\":\"select\",\"table\":\"QoS\",\"where\":[[\"_uuid\",\"==\",[\"uuid\","
                "\"11111111-2222-3333-4444-555555555555\"]]],\"columns\":[\"_uuid\"]}]");
    assert_string_equal(result_uuid(r, 0), "11111111-2222-3333-4444-555555555555");
    assert_int_equal(json_array_size(json_object_get(json_array_get(r, 1), "rows")), 1);
    json_decref(r);
}

static void
test_weak_references(void **state)
{
    struct ovsdb *db = *state;
    json_t *ins = add_bridge(db);
    char port[UUID_LEN + 1];
    snprintf(port, sizeof port, "%s", result_uuid(ins, 2));
    json_decref(ins);

    /* A mirror (kept alive by Bridge.mirrors) selecting p0, plus a weak ref to nothing. */
    assert_success(run(db, "[\"Open_vSwitch\","
        "{\"op\":\"insert\",\"table\":\"Mirror\",\"uuid-name\":\"m\",\"row\":{\"name\":\"m0\","
        "  \"select_src_port\":[\"set\",[[\"uuid\",\"%s\"],"
        "    [\"uuid\",\"550e8400-e29b-41d4-a716-446655440000\"]]]}},"
        "{\"op\":\"update\",\"table\":\"Bridge\",\"where\":[],\"row\":{\"mirrors\":"
        "  [\"named-uuid\",\"m\"]}}]", port));
    json_t *r = run(db, "[\"Open_vSwitch\",{\"op\":\"select\",\"table\":\"Mirror\",\"where\":[],"
                        "\"columns\":[\"select_src_port\"]}]");
    const json_t *got = json_object_get(json_array_get(json_object_get(json_array_get(r, 0),
                                                                       "rows"), 0),
                                        "select_src_port");
    /* The dangling weak reference was dropped; the live one kept. */
    assert_string_equal(json_string_value(json_array_get(got, 0)), "uuid");
    assert_string_equal(json_string_value(json_array_get(got, 1)), port);
    json_decref(r);

    /* Removing the port (GC) also removes it from the mirror. */
    assert_success(run(db, "[\"Open_vSwitch\",{\"op\":\"update\",\"table\":\"Bridge\","
                           "\"where\":[],\"row\":{\"ports\":[\"set\",[]]}}]"));
    r = run(db, "[\"Open_vSwitch\",{\"op\":\"select\",\"table\":\"Mirror\",\"where\":[],"
                "\"columns\":[\"select_src_port\"]}]");
    assert_true(json_equal_text(r, "[{\"rows\":[{\"select_src_port\":[\"set\",[]]}]}]"));
    json_decref(r);
}

static bool
holds_lock(void *aux, const char *name)
{
    return !strcmp(name, aux);
}

static void
test_wait_and_assert(void **state)
{
    struct ovsdb *db = *state;
    json_decref(add_bridge(db));
    assert_success(run(db, "[\"Open_vSwitch\",{\"op\":\"wait\",\"table\":\"Bridge\","
                           "\"timeout\":0,\"where\":[],\"columns\":[\"name\"],\"until\":\"==\","
                           "\"rows\":[{\"name\":\"br0\"}]}]"));
    assert_result_error(run(db, "[\"Open_vSwitch\",{\"op\":\"wait\",\"table\":\"Bridge\","
                                "\"timeout\":0,\"where\":[],\"columns\":[\"name\"],"
                                "\"until\":\"==\",\"rows\":[{\"name\":\"zz\"}]}]"),
                        0, "timed out", NULL);

    /* With a timeout the request must be retried later: NULL and the time left. */
    json_t *params = parse_json("[\"Open_vSwitch\",{\"op\":\"wait\",\"table\":\"Bridge\","
                                "\"timeout\":1000,\"where\":[],\"columns\":[\"name\"],"
                                "\"until\":\"!=\",\"rows\":[{\"name\":\"br0\"}]}]");
    long long timeout;
    assert_null(ovsdb_execute(db, params, NULL, 0, &timeout));
    assert_int_equal(timeout, 1000);
    assert_null(ovsdb_execute(db, params, NULL, 400, &timeout));
    assert_int_equal(timeout, 600);
    json_t *r = ovsdb_execute(db, params, NULL, 1000, &timeout);
    assert_result_error(r, 0, "timed out", NULL);
    json_decref(params);

    assert_result_error(run(db, "[\"Open_vSwitch\",{\"op\":\"assert\",\"lock\":\"l\"}]"),
                        0, "not owner", "Asserted lock l not held.");
    struct ovsdb_exec_options opts = { .lock_held = holds_lock, .aux = "l" };
    assert_success(run_opts(db, &opts, "[\"Open_vSwitch\",{\"op\":\"assert\",\"lock\":\"l\"}]"));
    struct ovsdb_exec_options ro = { .read_only = true };
    assert_result_error(run_opts(db, &ro, "[\"Open_vSwitch\",{\"op\":\"delete\",\"table\":"
                                          "\"Bridge\",\"where\":[]}]"),
                        0, "not allowed", NULL);
}

/* ---- Monitors ---- */

static json_t *updates;

static void
collect_update(void *aux, json_t *table_updates)
{
    json_array_append_new(updates, table_updates);
}

static void
test_monitor(void **state)
{
    struct ovsdb *db = *state;
    json_t *ins = add_bridge(db);
    char br[UUID_LEN + 1];
    snprintf(br, sizeof br, "%s", result_uuid(ins, 1));
    json_decref(ins);

    updates = json_array();
    struct ovsdb_monitor *m, *m2;
    json_t *initial, *initial2;
    json_t *req = parse_json("{\"Bridge\":{\"columns\":[\"name\",\"other_config\",\"ports\"]}}");
    assert_no_ovsdb_error(ovsdb_monitor_create(db, req, collect_update, NULL, &m, &initial));
    json_decref(req);
    /* The initial contents: the one bridge, monitored columns only. */
    const json_t *row = json_object_get(json_object_get(json_object_get(initial, "Bridge"), br),
                                        "new");
    assert_non_null(row);
    assert_int_equal(json_object_size(row), 3);
    assert_string_equal(json_string_value(json_object_get(row, "name")), "br0");
    json_decref(initial);

    /* A second monitor that does not select modifications or initial rows. */
    req = parse_json("{\"Bridge\":{\"select\":{\"initial\":false,\"modify\":false}}}");
    json_t *updates_keep = updates;
    assert_no_ovsdb_error(ovsdb_monitor_create(db, req, collect_update, NULL, &m2, &initial2));
    assert_int_equal(json_object_size(initial2), 0);
    json_decref(initial2);
    json_decref(req);

    /* Modify: "old" holds only the changed column, "new" every monitored column. */
    assert_success(run(db, "[\"Open_vSwitch\",{\"op\":\"mutate\",\"table\":\"Bridge\","
                           "\"where\":[],\"mutations\":[[\"other_config\",\"insert\","
                           "[\"map\",[[\"k\",\"v\"]]]]]}]"));
    assert_int_equal(json_array_size(updates), 1);    /* m2 ignores modifies. */
    const json_t *u = json_object_get(json_object_get(json_array_get(updates, 0), "Bridge"), br);
    assert_int_equal(json_object_size(json_object_get(u, "old")), 1);
    assert_true(json_equal_text(json_object_get(json_object_get(u, "old"), "other_config"),
                                "[\"map\",[]]"));
    assert_int_equal(json_object_size(json_object_get(u, "new")), 3);

    /* A change to an unmonitored column only is not reported by m. */
    json_array_clear(updates);
    assert_success(run(db, "[\"Open_vSwitch\",{\"op\":\"update\",\"table\":\"Bridge\","
                           "\"where\":[],\"row\":{\"stp_enable\":true}}]"));
    assert_int_equal(json_array_size(updates), 0);

    /* Deleting the bridge: both monitors see "old" with their columns. */
    assert_success(run(db, "[\"Open_vSwitch\",{\"op\":\"update\",\"table\":\"Open_vSwitch\","
                           "\"where\":[],\"row\":{\"bridges\":[\"set\",[]]}}]"));
    assert_int_equal(json_array_size(updates), 2);
    for (size_t i = 0; i < 2; i++) {
        u = json_object_get(json_object_get(json_array_get(updates, i), "Bridge"), br);
        assert_non_null(json_object_get(u, "old"));
        assert_null(json_object_get(u, "new"));
    }
    ovsdb_monitor_destroy(m);
    ovsdb_monitor_destroy(m2);
    json_decref(updates_keep);

    json_t *bad = parse_json("{\"Bridge\":{\"columns\":[\"nope\"]}}");
    assert_ovsdb_error(ovsdb_monitor_create(db, bad, collect_update, NULL, &m, &initial),
                       "unknown column", "No column nope in table Bridge.");
    json_decref(bad);
}

int
main(int argc, char *argv[])
{
    vswitch_schema_path = argc > 1 ? argv[1] : "src/ovsdb/vswitch.ovsschema";
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_insert_with_named_refs, setup_db, teardown_db),
        cmocka_unit_test_setup_teardown(test_gc_orphans, setup_db, teardown_db),
        cmocka_unit_test_setup_teardown(test_referential_integrity, setup_db, teardown_db),
        cmocka_unit_test_setup_teardown(test_rollback, setup_db, teardown_db),
        cmocka_unit_test_setup_teardown(test_update_mutate_delete, setup_db, teardown_db),
        cmocka_unit_test_setup_teardown(test_index_and_names, setup_db, teardown_db),
        cmocka_unit_test_setup_teardown(test_weak_references, setup_db, teardown_db),
        cmocka_unit_test_setup_teardown(test_wait_and_assert, setup_db, teardown_db),
        cmocka_unit_test_setup_teardown(test_monitor, setup_db, teardown_db),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
