/* Unit tests for ovsdb-schema and ovsdb-types: the shipped vswitch schema loads with the types users
 * rely on, and malformed schemas are refused with errors that say what is wrong and where. */
#include "ovsdb-test.h"

#include "lib/util.h"
#include "ovsdb/ovsdb-data.h"
#include "ovsdb/ovsdb-schema.h"
#include "ovsdb/ovsdb-types.h"

const char *vswitch_schema_path;

static struct ovsdb_schema *
load_vswitch(void)
{
    struct ovsdb_schema *schema;
    assert_no_ovsdb_error(ovsdb_schema_from_file(vswitch_schema_path, &schema));
    return schema;
}

static const struct ovsdb_column *
column(const struct ovsdb_schema *schema, const char *table, const char *name)
{
    const struct ovsdb_table_schema *ts = ovsdb_schema_find_table(schema, table);
    assert_non_null(ts);
    const struct ovsdb_column *c = ovsdb_table_schema_find_column(ts, name);
    if (!c) {
        print_error("table %s has no column %s\n", table, name);
        fail();
    }
    return c;
}

static void
test_vswitch_schema_loads(void **state)
{
    struct ovsdb_schema *schema = load_vswitch();
    assert_string_equal(schema->name, "Open_vSwitch");
    assert_true(ovsdb_is_valid_version(schema->version));

    static const char *const tables[] = {
        "Open_vSwitch", "Bridge", "Port", "Interface", "Controller", "Manager", "SSL",
        "Flow_Table", "Mirror", "QoS", "Queue", "NetFlow", "sFlow", "IPFIX",
    };
    for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
        assert_non_null(ovsdb_schema_find_table(schema, tables[i]));
    }

    const struct ovsdb_table_schema *ovs = ovsdb_schema_find_table(schema, "Open_vSwitch");
    assert_true(ovs->is_root);
    assert_int_equal(ovs->max_rows, 1);
    const struct ovsdb_table_schema *port = ovsdb_schema_find_table(schema, "Port");
    assert_false(port->is_root);
    assert_int_equal(port->n_indexes, 1);
    assert_string_equal(port->indexes[0].columns[0]->name, "name");

    /* Bridge.ports: set of strong references to Port. */
    const struct ovsdb_column *c = column(schema, "Bridge", "ports");
    assert_true(ovsdb_base_type_is_strong_ref(&c->type.key));
    assert_string_equal(c->type.key.u.uuid.ref_table->name, "Port");
    assert_int_equal(c->type.n_min, 0);
    assert_int_equal(c->type.n_max, OVSDB_UNLIMITED);

    /* Bridge.name is immutable; Port.interfaces needs at least one Interface. */
    assert_false(column(schema, "Bridge", "name")->mutable_);
    c = column(schema, "Port", "interfaces");
    assert_int_equal(c->type.n_min, 1);
    assert_string_equal(c->type.key.u.uuid.ref_table->name, "Interface");

    /* Port.tag: optional integer 0..4095; Port.trunks: up to 4096 of them. */
    c = column(schema, "Port", "tag");
    assert_true(ovsdb_type_is_optional(&c->type));
    assert_int_equal(c->type.key.u.integer.min, 0);
    assert_int_equal(c->type.key.u.integer.max, 4095);
    assert_int_equal(column(schema, "Port", "trunks")->type.n_max, 4096);

    /* Interface.ofport_request 1..65279; statistics is an ephemeral string->integer map. */
    c = column(schema, "Interface", "ofport_request");
    assert_int_equal(c->type.key.u.integer.min, 1);
    assert_int_equal(c->type.key.u.integer.max, 65279);
    c = column(schema, "Interface", "statistics");
    assert_true(ovsdb_type_is_map(&c->type));
    assert_int_equal(c->type.value.type, OVSDB_TYPE_INTEGER);
    assert_false(c->persistent);

    /* Bridge.fail_mode is an optional enum of exactly standalone and secure. */
    c = column(schema, "Bridge", "fail_mode");
    assert_non_null(c->type.key.enum_);
    assert_int_equal(c->type.key.enum_->n, 2);

    /* Mirror.select_src_port references Port weakly. */
    assert_true(ovsdb_base_type_is_weak_ref(&column(schema, "Mirror", "select_src_port")
                                            ->type.key));

    /* The hidden columns exist on every table. */
    assert_int_equal(column(schema, "Bridge", "_uuid")->index, OVSDB_COL_UUID);
    assert_int_equal(column(schema, "Bridge", "_version")->index, OVSDB_COL_VERSION);
    ovsdb_schema_destroy(schema);
}

static struct ovsdb_error *
parse_schema(const char *text)
{
    json_t *json = parse_json(text);
    struct ovsdb_schema *schema;
    struct ovsdb_error *error = ovsdb_schema_from_json(json, &schema);
    json_decref(json);
    if (!error) {
        ovsdb_schema_destroy(schema);
    }
    return error;
}

#define TABLES(X) "{\"name\":\"t\",\"version\":\"1.0.0\",\"tables\":{" X "}}"

static void
test_bad_schemas(void **state)
{
    assert_ovsdb_error(parse_schema("{\"name\":\"t\",\"version\":\"1.0\",\"tables\":{}}"),
                       "syntax error", "x.y.z");
    assert_ovsdb_error(parse_schema("{\"name\":\"9t\",\"version\":\"1.0.0\",\"tables\":{}}"),
                       "syntax error", "identifier");
    assert_ovsdb_error(parse_schema(TABLES("\"T\":{\"columns\":{\"a\":{\"type\":\"int\"}}}")),
                       "syntax error", "Unknown atomic type \"int\"");
    assert_ovsdb_error(parse_schema(TABLES("\"T\":{\"columns\":{\"_a\":{\"type\":\"integer\"}}}")),
                       "syntax error", "reserved (column _a)");
    assert_ovsdb_error(parse_schema(TABLES("\"T\":{\"columns\":{\"a\":{\"type\":{\"key\":"
                                           "\"integer\",\"min\":2}}}}")),
                       "syntax error", "table T column a: \"min\" must be 0 or 1");
    assert_ovsdb_error(parse_schema(TABLES("\"T\":{\"columns\":{\"a\":{\"type\":{\"key\":"
                                           "{\"type\":\"integer\",\"minInteger\":5,"
                                           "\"maxInteger\":1}}}}}")),
                       "syntax error", "minInteger exceeds maxInteger");
    assert_ovsdb_error(parse_schema(TABLES("\"T\":{\"columns\":{\"a\":{\"type\":{\"key\":"
                                           "{\"type\":\"uuid\",\"refTable\":\"U\"}}}}}")),
                       "syntax error", "table T column a refers to undefined table U");
    assert_ovsdb_error(parse_schema(TABLES("\"T\":{\"columns\":{\"a\":{\"type\":{\"key\":"
                                           "{\"type\":\"string\",\"minInteger\":1}}}}}")),
                       "syntax error", "'minInteger' is present but not allowed");
    assert_ovsdb_error(parse_schema(TABLES("\"T\":{\"columns\":{\"a\":{\"type\":\"integer\"}},"
                                           "\"maxRows\":0}")),
                       "syntax error", "table T: \"maxRows\" must be a positive integer");
    assert_ovsdb_error(parse_schema(TABLES("\"T\":{\"columns\":{\"a\":{\"type\":\"integer\"}},"
                                           "\"indexes\":[[\"b\"]]}")),
                       "unknown column", "No column b in table T");
    assert_ovsdb_error(parse_schema(TABLES("\"T\":{\"columns\":{\"a\":{\"type\":{\"key\":"
                                           "{\"type\":\"string\",\"enum\":[\"set\",[1]]}}}}}")),
                       "syntax error", "expected string");
    assert_ovsdb_error(parse_schema(TABLES("\"T\":{\"columns\":{\"a\":{\"type\":\"integer\","
                                           "\"mutable\":\"no\"}}}")),
                       "syntax error", "must be booleans");
}

static void
test_schema_file_errors(void **state)
{
    struct ovsdb_schema *schema;
    assert_ovsdb_error(ovsdb_schema_from_file("/nonexistent/x.ovsschema", &schema),
                       "I/O error", "/nonexistent/x.ovsschema");
    assert_null(schema);
}

static void
test_is_root_compat(void **state)
{
    /* No table says isRoot: every table is a root (OVS compatibility rule). */
    json_t *json = parse_json(TABLES("\"A\":{\"columns\":{\"x\":{\"type\":\"integer\"}}},"
                                     "\"B\":{\"columns\":{\"y\":{\"type\":\"integer\"}}}"));
    struct ovsdb_schema *schema;
    assert_no_ovsdb_error(ovsdb_schema_from_json(json, &schema));
    assert_true(ovsdb_schema_find_table(schema, "A")->is_root);
    assert_true(ovsdb_schema_find_table(schema, "B")->is_root);
    ovsdb_schema_destroy(schema);
    json_decref(json);

    json = parse_json(TABLES("\"A\":{\"columns\":{\"x\":{\"type\":\"integer\"}},\"isRoot\":true},"
                             "\"B\":{\"columns\":{\"y\":{\"type\":\"integer\"}}}"));
    assert_no_ovsdb_error(ovsdb_schema_from_json(json, &schema));
    assert_true(ovsdb_schema_find_table(schema, "A")->is_root);
    assert_false(ovsdb_schema_find_table(schema, "B")->is_root);
    ovsdb_schema_destroy(schema);
    json_decref(json);
}

static void
test_type_json_round_trip(void **state)
{
    /* Canonical forms: what ovsdb_type_to_json() produces (defaults such as "max": 1 omitted). */
    static const char *const types[] = {
        "\"integer\"",
        "{\"key\":{\"type\":\"integer\",\"minInteger\":0,\"maxInteger\":4095},\"min\":0,"
        "\"max\":4096}",
        "{\"key\":\"string\",\"value\":\"string\",\"min\":0,\"max\":\"unlimited\"}",
        "{\"key\":{\"type\":\"uuid\",\"refTable\":\"Port\",\"refType\":\"weak\"},\"min\":0}",
        "{\"key\":{\"type\":\"string\",\"enum\":[\"set\",[\"a\",\"b\"]]},\"min\":0}",
        "{\"key\":{\"type\":\"real\",\"minReal\":0.5}}",
    };
    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        json_t *json = parse_json(types[i]);
        struct ovsdb_type type;
        assert_no_ovsdb_error(ovsdb_type_from_json(&type, json));
        json_t *back = ovsdb_type_to_json(&type);
        if (!json_equal(json, back)) {
            char *s = json_dumps(back, JSON_SORT_KEYS);
            print_error("type %s came back as %s\n", types[i], s);
            free(s);
            fail();
        }
        json_decref(back);
        json_decref(json);
        ovsdb_type_destroy(&type);
    }
}

static void
test_uuid_text(void **state)
{
    struct uuid u, v;
    char buf[UUID_LEN + 1];
    assert_true(uuid_from_string(&u, "550e8400-e29b-41d4-a716-446655440000"));
    assert_string_equal(uuid_to_string(&u, buf), "550e8400-e29b-41d4-a716-446655440000");
    assert_false(uuid_from_string(&v, "550e8400-e29b-41d4-a716-44665544000"));
    assert_false(uuid_from_string(&v, "550e8400xe29b-41d4-a716-446655440000"));
    assert_false(uuid_from_string(&v, "550e8400-e29b-41d4-a716-44665544000g"));
    uuid_generate(&u);
    uuid_generate(&v);
    assert_false(uuid_equals(&u, &v));
    assert_int_equal(u.b[6] >> 4, 4);           /* version 4 */
    assert_true(uuid_from_string(&v, uuid_to_string(&u, buf)));
    assert_true(uuid_equals(&u, &v));
}

int
main(int argc, char *argv[])
{
    vswitch_schema_path = argc > 1 ? argv[1] : "src/ovsdb/vswitch.ovsschema";
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vswitch_schema_loads),
        cmocka_unit_test(test_bad_schemas),
        cmocka_unit_test(test_schema_file_errors),
        cmocka_unit_test(test_is_root_compat),
        cmocka_unit_test(test_type_json_round_trip),
        cmocka_unit_test(test_uuid_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
