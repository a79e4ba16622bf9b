/* Unit tests for conditional monitors (OVS's monitor_cond / update2 extension, ovsdb-monitor.h):
 * the <table-updates2> format ("initial", "insert", "delete": null, "modify" diffs of scalars,
 * sets and maps), conditions as a disjunction of clauses with the true/false literals, rows moving
 * into and out of a condition, and "wait" without "columns" (as ovs-vsctl sends it). */
#include "ovsdb-test.h"

#include <stdio.h>

#include "lib/util.h"
#include "ovsdb/ovsdb-execute.h"
#include "ovsdb/ovsdb-monitor.h"
#include "ovsdb/ovsdb-schema.h"
#include "ovsdb/ovsdb.h"

const char *vswitch_schema_path;
static json_t *updates;         /* Every <table-updates2> the monitors produced, in order. */

static void
collect_update(void *aux, json_t *table_updates)
{
    json_array_append_new(updates, table_updates);
}

static json_t *
run(struct ovsdb *db, const char *text)
{
    json_t *params = parse_json(text);
    long long timeout;
    json_t *result = ovsdb_execute(db, params, NULL, 0, &timeout);
    assert_non_null(result);
    json_decref(params);
    size_t i;
    json_t *r;
    json_array_foreach(result, i, r) {
        if (json_object_get(r, "error")) {
            char *s = json_dumps(result, JSON_ENCODE_ANY);
            print_error("transaction failed: %s\n", s);
            fail();
        }
    }
    return result;
}

static void
run_ok(struct ovsdb *db, const char *text)
{
    json_decref(run(db, text));
}

static bool
json_equal_text(const json_t *j, const char *text)
{
    json_t *expected = parse_json(text);
    bool equal = json_equal((json_t *) j, expected);
    if (!equal) {
        char *s = j ? json_dumps(j, JSON_ENCODE_ANY | JSON_SORT_KEYS) : strdup("(null)");
        print_error("expected %s, got %s\n", text, s);
        free(s);
    }
    json_decref(expected);
    return equal;
}

/* Two bridges: br0 (flood_vlans [1,2], other_config {a=1,b=2}) and br1. Their UUIDs go to BR0 and
 * BR1. */
static char br0[UUID_LEN + 1], br1[UUID_LEN + 1];

static int
setup_db(void **state)
{
    struct ovsdb_schema *schema;
    assert_no_ovsdb_error(ovsdb_schema_from_file(vswitch_schema_path, &schema));
    struct ovsdb *db = ovsdb_create(schema);
    json_t *r = run(db, "[\"Open_vSwitch\","
                    "{\"op\":\"insert\",\"table\":\"Bridge\",\"uuid-name\":\"b0\",\"row\":"
                    "{\"name\":\"br0\",\"flood_vlans\":[\"set\",[1,2]],"
                    "\"other_config\":[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"]]]}},"
                    "{\"op\":\"insert\",\"table\":\"Bridge\",\"uuid-name\":\"b1\",\"row\":"
                    "{\"name\":\"br1\"}},"
                    "{\"op\":\"insert\",\"table\":\"Open_vSwitch\",\"row\":{\"bridges\":"
                    "[\"set\",[[\"named-uuid\",\"b0\"],[\"named-uuid\",\"b1\"]]]}}]");
    snprintf(br0, sizeof br0, "%s", json_string_value(json_array_get(
                 json_object_get(json_array_get(r, 0), "uuid"), 1)));
    snprintf(br1, sizeof br1, "%s", json_string_value(json_array_get(
                 json_object_get(json_array_get(r, 1), "uuid"), 1)));
    json_decref(r);
    updates = json_array();
    *state = db;
    return 0;
}

static int
teardown_db(void **state)
{
    ovsdb_destroy(*state);
    json_decref(updates);
    return 0;
}

static struct ovsdb_monitor *
monitor(struct ovsdb *db, const char *requests, json_t **initialp)
{
    json_t *req = parse_json(requests);
    struct ovsdb_monitor *m;
    assert_no_ovsdb_error(ovsdb_monitor_create_versioned(db, req, OVSDB_MONITOR_V2,
                                                         collect_update, NULL, &m, initialp));
    json_decref(req);
    return m;
}

/* The row update for UUID in table Bridge of update number IDX. */
static const json_t *
bridge_update(size_t idx, const char *uuid)
{
    return json_object_get(json_object_get(json_array_get(updates, idx), "Bridge"), uuid);
}

static void
test_initial_with_condition(void **state)
{
    struct ovsdb *db = *state;
    json_t *initial;
    struct ovsdb_monitor *m = monitor(db, "{\"Bridge\":[{\"columns\":[\"name\",\"flood_vlans\","
                                      "\"other_config\",\"fail_mode\"],"
                                      "\"where\":[[\"name\",\"==\",\"br0\"]]}]}", &initial);
    const json_t *t = json_object_get(initial, "Bridge");
    assert_int_equal(json_object_size(t), 1);           /* br1 is outside the condition. */
    /* "initial" omits columns at their default value (fail_mode is empty). */
    assert_true(json_equal_text(json_object_get(t, br0),
                                "{\"initial\":{\"name\":\"br0\",\"flood_vlans\":[\"set\",[1,2]],"
                                "\"other_config\":[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"]]]}}"));
    json_decref(initial);
    ovsdb_monitor_destroy(m);
}

static void
test_modify_diffs(void **state)
{
    struct ovsdb *db = *state;
    json_t *initial;
    struct ovsdb_monitor *m = monitor(db, "{\"Bridge\":{\"columns\":[\"name\",\"flood_vlans\","
                                      "\"other_config\",\"stp_enable\",\"fail_mode\"]}}",
                                      &initial);
    json_decref(initial);
    run_ok(db, "[\"Open_vSwitch\",{\"op\":\"update\",\"table\":\"Bridge\","
           "\"where\":[[\"name\",\"==\",\"br0\"]],\"row\":{\"flood_vlans\":[\"set\",[2,3]],"
           "\"other_config\":[\"map\",[[\"a\",\"9\"],[\"c\",\"3\"]]],\"stp_enable\":true,"
           "\"fail_mode\":\"secure\"}}]");
    assert_int_equal(json_array_size(updates), 1);
    /* Sets: the elements to toggle; maps: removed pairs (old value) and added/changed pairs (new
     * value); scalars: the new value; optional values: toggled like sets. */
    assert_true(json_equal_text(bridge_update(0, br0),
                                "{\"modify\":{\"flood_vlans\":[\"set\",[1,3]],"
                                "\"other_config\":[\"map\",[[\"a\",\"9\"],[\"b\",\"2\"],"
                                "[\"c\",\"3\"]]],\"stp_enable\":true,\"fail_mode\":\"secure\"}}"));
    /* An optional value replaced by another: both toggled. */
    run_ok(db, "[\"Open_vSwitch\",{\"op\":\"update\",\"table\":\"Bridge\","
           "\"where\":[[\"name\",\"==\",\"br0\"]],\"row\":{\"fail_mode\":\"standalone\"}}]");
    assert_true(json_equal_text(bridge_update(1, br0),
                                "{\"modify\":{\"fail_mode\":[\"set\",[\"secure\","
                                "\"standalone\"]]}}"));
    /* A change to an unmonitored column is not reported. */
    run_ok(db, "[\"Open_vSwitch\",{\"op\":\"update\",\"table\":\"Bridge\",\"where\":[],"
           "\"row\":{\"datapath_type\":\"netdev\"}}]");
    assert_int_equal(json_array_size(updates), 2);
    ovsdb_monitor_destroy(m);
}

static void
test_rows_enter_and_leave_condition(void **state)
{
    struct ovsdb *db = *state;
    json_t *initial;
    struct ovsdb_monitor *m = monitor(db, "{\"Bridge\":{\"columns\":[\"name\"],\"where\":"
                                      "[[\"fail_mode\",\"==\",\"secure\"],"
                                      "[\"name\",\"==\",\"nothing\"]]}}", &initial);
    assert_int_equal(json_object_size(initial), 0);
    json_decref(initial);
    run_ok(db, "[\"Open_vSwitch\",{\"op\":\"update\",\"table\":\"Bridge\","
           "\"where\":[[\"name\",\"==\",\"br1\"]],\"row\":{\"fail_mode\":\"secure\"}}]");
    assert_true(json_equal_text(bridge_update(0, br1), "{\"insert\":{\"name\":\"br1\"}}"));
    run_ok(db, "[\"Open_vSwitch\",{\"op\":\"update\",\"table\":\"Bridge\","
           "\"where\":[[\"name\",\"==\",\"br1\"]],\"row\":{\"fail_mode\":\"standalone\"}}]");
    assert_true(json_equal_text(bridge_update(1, br1), "{\"delete\":null}"));
    /* br0 never matched: never reported. */
    run_ok(db, "[\"Open_vSwitch\",{\"op\":\"update\",\"table\":\"Bridge\","
           "\"where\":[[\"name\",\"==\",\"br0\"]],\"row\":{\"stp_enable\":true}}]");
    assert_int_equal(json_array_size(updates), 2);
    ovsdb_monitor_destroy(m);
}

static void
test_literal_conditions_and_delete(void **state)
{
    struct ovsdb *db = *state;
    json_t *initial_f, *initial_t;
    struct ovsdb_monitor *mf = monitor(db, "{\"Bridge\":{\"columns\":[\"name\"],"
                                       "\"where\":[false]}}", &initial_f);
    struct ovsdb_monitor *mt = monitor(db, "{\"Bridge\":{\"columns\":[\"name\"],"
                                       "\"where\":[true]}}", &initial_t);
    assert_int_equal(json_object_size(initial_f), 0);
    assert_int_equal(json_object_size(json_object_get(initial_t, "Bridge")), 2);
    json_decref(initial_f);
    json_decref(initial_t);
    /* Dropping br1 from Open_vSwitch garbage-collects it: only the [true] monitor hears. */
    char txn[512];
    snprintf(txn, sizeof txn, "[\"Open_vSwitch\",{\"op\":\"mutate\",\"table\":\"Open_vSwitch\","
             "\"where\":[],\"mutations\":[[\"bridges\",\"delete\",[\"uuid\",\"%s\"]]]}]", br1);
    run_ok(db, txn);
    assert_int_equal(json_array_size(updates), 1);
    assert_true(json_equal_text(bridge_update(0, br1), "{\"delete\":null}"));
    ovsdb_monitor_destroy(mf);
    ovsdb_monitor_destroy(mt);
}

static void
test_condition_change(void **state)
{
    struct ovsdb *db = *state;
    json_t *initial;
    struct ovsdb_monitor *m = monitor(db, "{\"Bridge\":{\"columns\":[\"name\"],\"where\":"
                                      "[[\"name\",\"==\",\"br0\"]]}}", &initial);
    json_decref(initial);
    /* br0 -> br1: br1 enters the view, br0 leaves it. */
    json_t *req = parse_json("{\"Bridge\":[{\"where\":[[\"name\",\"==\",\"br1\"]]}]}");
    json_t *delta;
    assert_no_ovsdb_error(ovsdb_monitor_change_cond(m, req, &delta));
    json_decref(req);
    const json_t *t = json_object_get(delta, "Bridge");
    assert_int_equal(json_object_size(t), 2);
    assert_true(json_equal_text(json_object_get(t, br1), "{\"insert\":{\"name\":\"br1\"}}"));
    assert_true(json_equal_text(json_object_get(t, br0), "{\"delete\":null}"));
    json_decref(delta);
    /* Later commits follow the new condition: a change to br0 is not reported, to br1 it is. */
    run_ok(db, "[\"Open_vSwitch\",{\"op\":\"update\",\"table\":\"Bridge\",\"where\":[],"
           "\"row\":{\"external_ids\":[\"map\",[[\"x\",\"y\"]]]}}]");
    assert_int_equal(json_array_size(updates), 0);      /* external_ids is not monitored. */
    /* Errors change nothing: an unmonitored table, or "columns" in a condition change. */
    req = parse_json("{\"Port\":[{\"where\":[]}]}");
    assert_ovsdb_error(ovsdb_monitor_change_cond(m, req, &delta), "syntax error",
                       "table Port is not monitored");
    json_decref(req);
    req = parse_json("{\"Bridge\":[{\"columns\":[\"name\"],\"where\":[]}]}");
    assert_ovsdb_error(ovsdb_monitor_change_cond(m, req, &delta), "syntax error",
                       "may only give \"where\"");
    json_decref(req);
    ovsdb_monitor_destroy(m);

    /* Plain monitors have no condition to change. */
    req = parse_json("{\"Bridge\":{\"columns\":[\"name\"]}}");
    assert_no_ovsdb_error(ovsdb_monitor_create(db, req, collect_update, NULL, &m, &initial));
    json_decref(initial);
    json_decref(req);
    req = parse_json("{\"Bridge\":[{\"where\":[]}]}");
    assert_ovsdb_error(ovsdb_monitor_change_cond(m, req, &delta), "not supported",
                       "created with \"monitor\"");
    json_decref(req);
    ovsdb_monitor_destroy(m);
}

static void
test_shared_updates(void **state)
{
    /* Two monitors with the same request share one <table-updates> per commit; a third with a
     * different condition gets its own. */
    struct ovsdb *db = *state;
    json_t *i1, *i2, *i3;
    const char *same = "{\"Bridge\":{\"columns\":[\"name\",\"stp_enable\"]}}";
    struct ovsdb_monitor *m1 = monitor(db, same, &i1);
    struct ovsdb_monitor *m2 = monitor(db, same, &i2);
    struct ovsdb_monitor *m3 = monitor(db, "{\"Bridge\":{\"columns\":[\"name\",\"stp_enable\"],"
                                       "\"where\":[[\"name\",\"==\",\"br1\"]]}}", &i3);
    json_decref(i1);
    json_decref(i2);
    json_decref(i3);
    run_ok(db, "[\"Open_vSwitch\",{\"op\":\"update\",\"table\":\"Bridge\",\"where\":[],"
           "\"row\":{\"stp_enable\":true}}]");
    assert_int_equal(json_array_size(updates), 3);
    assert_ptr_equal(json_array_get(updates, 0), json_array_get(updates, 1));
    assert_ptr_not_equal(json_array_get(updates, 0), json_array_get(updates, 2));
    assert_int_equal(json_object_size(json_object_get(json_array_get(updates, 0), "Bridge")), 2);
    assert_int_equal(json_object_size(json_object_get(json_array_get(updates, 2), "Bridge")), 1);
    ovsdb_monitor_destroy(m1);
    ovsdb_monitor_destroy(m2);
    ovsdb_monitor_destroy(m3);
}

static void
test_syntax_errors(void **state)
{
    struct ovsdb *db = *state;
    struct ovsdb_monitor *m;
    json_t *initial;
    json_t *req = parse_json("{\"Bridge\":{\"where\":[[\"name\",\"==\",\"x\"]]}}");
    /* Plain RFC 7047 monitors have no "where". */
    assert_ovsdb_error(ovsdb_monitor_create(db, req, collect_update, NULL, &m, &initial),
                       "syntax error", "member 'where' is not allowed");
    json_decref(req);
    req = parse_json("{\"Bridge\":{\"where\":[[\"nope\",\"==\",\"x\"]]}}");
    assert_ovsdb_error(ovsdb_monitor_create_versioned(db, req, OVSDB_MONITOR_V2, collect_update,
                                                      NULL, &m, &initial),
                       "unknown column", "No column nope in table Bridge.");
    json_decref(req);
    req = parse_json("{\"Bridge\":{\"where\":{}}}");
    assert_ovsdb_error(ovsdb_monitor_create_versioned(db, req, OVSDB_MONITOR_V2, collect_update,
                                                      NULL, &m, &initial),
                       "syntax error", "\"where\" must be an array");
    json_decref(req);
}

static void
test_wait_without_columns(void **state)
{
    struct ovsdb *db = *state;
    /* ovs-vsctl's precondition: no "columns", "rows": [] on a table with rows -> not equal. */
    json_t *params = parse_json("[\"Open_vSwitch\",{\"op\":\"wait\",\"table\":\"Bridge\","
                                "\"where\":[],\"until\":\"==\",\"rows\":[],\"timeout\":0}]");
    long long timeout;
    json_t *r = ovsdb_execute(db, params, NULL, 0, &timeout);
    assert_true(json_equal_text(json_object_get(json_array_get(r, 0), "error"),
                                "\"timed out\""));
    json_decref(r);
    json_decref(params);
    params = parse_json("[\"Open_vSwitch\",{\"op\":\"wait\",\"table\":\"Bridge\","
                        "\"where\":[[\"name\",\"==\",\"none\"]],\"until\":\"==\",\"rows\":[],"
                        "\"timeout\":0}]");
    r = ovsdb_execute(db, params, NULL, 0, &timeout);
    assert_true(json_equal_text(r, "[{}]"));
    json_decref(r);
    json_decref(params);
}

int
main(int argc, char *argv[])
{
    vswitch_schema_path = argc > 1 ? argv[1] : "src/ovsdb/vswitch.ovsschema";
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_initial_with_condition, setup_db, teardown_db),
        cmocka_unit_test_setup_teardown(test_modify_diffs, setup_db, teardown_db),
        cmocka_unit_test_setup_teardown(test_rows_enter_and_leave_condition, setup_db,
                                        teardown_db),
        cmocka_unit_test_setup_teardown(test_literal_conditions_and_delete, setup_db,
                                        teardown_db),
        cmocka_unit_test_setup_teardown(test_condition_change, setup_db, teardown_db),
        cmocka_unit_test_setup_teardown(test_shared_updates, setup_db, teardown_db),
        cmocka_unit_test_setup_teardown(test_syntax_errors, setup_db, teardown_db),
        cmocka_unit_test_setup_teardown(test_wait_without_columns, setup_db, teardown_db),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
