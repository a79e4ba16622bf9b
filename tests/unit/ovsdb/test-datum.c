/* Unit tests for ovsdb-data: RFC 7047 §5.1 wire notation, type checks and constraints with their
 * exact error texts, set/map operations and the display form users see in dumps. */
#include "ovsdb-test.h"

#include "lib/util.h"
#include "ovsdb/ovsdb-data.h"
#include "ovsdb/ovsdb-types.h"

static struct ovsdb_type
type_from(const char *text)
{
    json_t *json = parse_json(text);
    struct ovsdb_type type;
    assert_no_ovsdb_error(ovsdb_type_from_json(&type, json));
    json_decref(json);
    return type;
}

/* Parses VALUE as TYPE; on success returns NULL and *D is filled. */
static struct ovsdb_error *
datum_from(struct ovsdb_datum *d, const struct ovsdb_type *type, const char *value,
           struct ovsdb_symtab *symtab)
{
    json_t *json = parse_json(value);
    struct ovsdb_error *error = ovsdb_datum_from_json(d, type, json, symtab);
    json_decref(json);
    return error;
}

static struct ovsdb_error *
try_parse(const char *type_text, const char *value)
{
    struct ovsdb_type type = type_from(type_text);
    struct ovsdb_datum d;
    struct ovsdb_error *error = datum_from(&d, &type, value, NULL);
    if (!error) {
        ovsdb_datum_destroy(&d, &type);
    }
    ovsdb_type_destroy(&type);
    return error;
}

/* Parses VALUE as TYPE_TEXT and checks that it converts back to EXPECTED_JSON and displays as
 * EXPECTED_STRING. */
static void
check_round_trip(const char *type_text, const char *value, const char *expected_json,
                 const char *expected_string)
{
    struct ovsdb_type type = type_from(type_text);
    struct ovsdb_datum d;
    assert_no_ovsdb_error(datum_from(&d, &type, value, NULL));
    json_t *back = ovsdb_datum_to_json(&d, &type);
    json_t *expected = parse_json(expected_json);
    if (!json_equal(back, expected)) {
        char *s = json_dumps(back, JSON_ENCODE_ANY);
        print_error("%s as %s came back as %s, expected %s\n", value, type_text, s,
                    expected_json);
        free(s);
        fail();
    }
    struct ds ds = DS_EMPTY_INITIALIZER;
    ovsdb_datum_to_string(&d, &type, &ds);
    assert_string_equal(ds_cstr(&ds), expected_string);
    ds_destroy(&ds);
    json_decref(back);
    json_decref(expected);
    ovsdb_datum_destroy(&d, &type);
    ovsdb_type_destroy(&type);
}

static void
test_wire_notation(void **state)
{
    check_round_trip("\"integer\"", "42", "42", "42");
    check_round_trip("\"real\"", "1", "1.0", "1");
    check_round_trip("\"boolean\"", "true", "true", "true");
    check_round_trip("\"string\"", "\"br-int\"", "\"br-int\"", "br-int");
    /* Strings with digits, spaces, or that look like booleans are quoted in the display form. */
    check_round_trip("\"string\"", "\"eth1\"", "\"eth1\"", "eth1");
    check_round_trip("\"string\"", "\"1eth\"", "\"1eth\"", "\"1eth\"");
    check_round_trip("\"string\"", "\"550e8400-e29b-41d4-a716-446655440000\"",
                     "\"550e8400-e29b-41d4-a716-446655440000\"",
                     "\"550e8400-e29b-41d4-a716-446655440000\"");
    check_round_trip("\"string\"", "\"true\"", "\"true\"", "\"true\"");
    check_round_trip("\"string\"", "\"\"", "\"\"", "\"\"");
    check_round_trip("\"uuid\"", "[\"uuid\",\"550e8400-e29b-41d4-a716-446655440000\"]",
                     "[\"uuid\",\"550e8400-e29b-41d4-a716-446655440000\"]",
                     "550e8400-e29b-41d4-a716-446655440000");
    /* An optional value: empty set or the bare atom; a one-element set may be written bare. */
    check_round_trip("{\"key\":\"integer\",\"min\":0,\"max\":1}", "[\"set\",[]]",
                     "[\"set\",[]]", "[]");
    check_round_trip("{\"key\":\"integer\",\"min\":0,\"max\":1}", "[\"set\",[7]]", "7", "7");
    /* Sets come back sorted; one element is written bare. */
    check_round_trip("{\"key\":\"integer\",\"min\":0,\"max\":\"unlimited\"}", "[\"set\",[3,1,2]]",
                     "[\"set\",[1,2,3]]", "[1, 2, 3]");
    check_round_trip("{\"key\":\"integer\",\"min\":0,\"max\":\"unlimited\"}", "5", "5", "[5]");
    check_round_trip("{\"key\":\"string\",\"value\":\"string\",\"min\":0,\"max\":\"unlimited\"}",
                     "[\"map\",[[\"b\",\"2\"],[\"a\",\"x y\"]]]",
                     "[\"map\",[[\"a\",\"x y\"],[\"b\",\"2\"]]]", "{a=\"x y\", b=\"2\"}");
}

static void
test_type_errors(void **state)
{
    assert_ovsdb_error(try_parse("\"integer\"", "\"1\""), "syntax error", "expected integer");
    assert_ovsdb_error(try_parse("\"integer\"", "1.5"), "syntax error", "expected integer");
    assert_ovsdb_error(try_parse("\"boolean\"", "0"), "syntax error", "expected boolean");
    assert_ovsdb_error(try_parse("\"string\"", "1"), "syntax error", "expected string");
    assert_ovsdb_error(try_parse("\"uuid\"", "\"550e8400-e29b-41d4-a716-446655440000\""),
                       "syntax error", "expected [\"uuid\", <uuid>]");
    assert_ovsdb_error(try_parse("\"uuid\"", "[\"uuid\",\"not-a-uuid\"]"), "syntax error",
                       "\"not-a-uuid\" is not a valid UUID");
    assert_ovsdb_error(try_parse("\"uuid\"", "[\"named-uuid\",\"x\"]"), "syntax error",
                       "named-uuid \"x\" is not allowed here");
    assert_ovsdb_error(try_parse("{\"key\":\"string\",\"value\":\"string\",\"min\":0,"
                                 "\"max\":\"unlimited\"}", "[\"set\",[]]"),
                       "syntax error", "expected [\"map\"");
    assert_ovsdb_error(try_parse("{\"key\":\"string\",\"value\":\"string\",\"min\":0,"
                                 "\"max\":\"unlimited\"}", "[\"map\",[[\"a\"]]]"),
                       "syntax error", "[<key>, <value>] pair");
    /* Scalars need exactly one value. */
    assert_ovsdb_error(try_parse("\"integer\"", "[\"set\",[]]"), "syntax error",
                       "set must have 1 to 1 members but 0 are present");
}

static void
test_constraints(void **state)
{
    const char *vlan = "{\"key\":{\"type\":\"integer\",\"minInteger\":0,\"maxInteger\":4095},"
                       "\"min\":0,\"max\":1}";
    assert_no_ovsdb_error(try_parse(vlan, "4095"));
    assert_ovsdb_error(try_parse(vlan, "5000"), "constraint violation",
                       "5000 is not in the valid range 0 to 4095 (inclusive)");
    assert_ovsdb_error(try_parse(vlan, "-1"), "constraint violation",
                       "-1 is not in the valid range 0 to 4095 (inclusive)");
    assert_ovsdb_error(try_parse("{\"key\":{\"type\":\"integer\",\"minInteger\":1000}}", "999"),
                       "constraint violation", "999 is less than minimum allowed value 1000");
    assert_ovsdb_error(try_parse("{\"key\":{\"type\":\"real\",\"maxReal\":1.5}}", "2.5"),
                       "constraint violation", "2.5 is greater than maximum allowed value 1.5");
    const char *mode = "{\"key\":{\"type\":\"string\",\"enum\":[\"set\",[\"standalone\","
                       "\"secure\"]]},\"min\":0,\"max\":1}";
    assert_no_ovsdb_error(try_parse(mode, "\"secure\""));
    assert_ovsdb_error(try_parse(mode, "\"bogus\""), "constraint violation",
                       "bogus is not one of the allowed values ([secure, standalone])");
    assert_ovsdb_error(try_parse("{\"key\":{\"type\":\"string\",\"maxLength\":3}}",
                                 "\"h\\u00e9ll\""),
                       "constraint violation", "length 4 is greater than maximum allowed length 3");
    /* Three code points although five bytes: accepted. */
    assert_no_ovsdb_error(try_parse("{\"key\":{\"type\":\"string\",\"maxLength\":3}}",
                                    "\"h\\u00e9\\u00e9\""));
    const char *prefixes = "{\"key\":\"string\",\"min\":0,\"max\":3}";
    assert_ovsdb_error(try_parse(prefixes, "[\"set\",[\"a\",\"b\",\"c\",\"d\"]]"), "syntax error",
                       "set must have 0 to 3 members but 4 are present");
    assert_ovsdb_error(try_parse("{\"key\":\"integer\",\"min\":1,\"max\":\"unlimited\"}",
                                 "[\"set\",[]]"),
                       "syntax error", "set must have at least 1 member but 0 are present");
    assert_ovsdb_error(try_parse(prefixes, "[\"set\",[\"a\",\"a\"]]"), "syntax error",
                       "set contains duplicate value a");
    assert_ovsdb_error(try_parse("{\"key\":\"string\",\"value\":\"integer\",\"min\":0,"
                                 "\"max\":\"unlimited\"}", "[\"map\",[[\"k\",1],[\"k\",2]]]"),
                       "syntax error", "map contains duplicate key k");
}

static void
test_named_uuid(void **state)
{
    struct ovsdb_type type = type_from("{\"key\":\"uuid\",\"min\":0,\"max\":\"unlimited\"}");
    struct ovsdb_symtab *symtab = ovsdb_symtab_create();
    struct ovsdb_datum d;
    /* "a" twice is a duplicate once resolved. */
    assert_ovsdb_error(datum_from(&d, &type, "[\"set\",[[\"named-uuid\",\"a\"],"
                                  "[\"named-uuid\",\"a\"]]]", symtab),
                       "syntax error", "duplicate");
    assert_no_ovsdb_error(datum_from(&d, &type, "[\"set\",[[\"named-uuid\",\"a\"],"
                                     "[\"named-uuid\",\"b\"]]]", symtab));
    struct ovsdb_symbol *a = ovsdb_symtab_get(symtab, "a");
    struct ovsdb_symbol *b = ovsdb_symtab_get(symtab, "b");
    assert_non_null(a);
    assert_non_null(b);
    assert_true(a->referenced);
    assert_false(a->created);
    assert_int_equal(d.n, 2);
    assert_true(ovsdb_datum_find_key(&d, &(union ovsdb_atom) { .uuid = a->uuid },
                                     OVSDB_TYPE_UUID) != UINT_MAX);
    assert_true(ovsdb_datum_find_key(&d, &(union ovsdb_atom) { .uuid = b->uuid },
                                     OVSDB_TYPE_UUID) != UINT_MAX);
    ovsdb_datum_destroy(&d, &type);
    ovsdb_symtab_destroy(symtab);
    ovsdb_type_destroy(&type);
}

static void
test_set_and_map_operations(void **state)
{
    struct ovsdb_type set = type_from("{\"key\":\"integer\",\"min\":0,\"max\":\"unlimited\"}");
    struct ovsdb_datum a, b;
    assert_no_ovsdb_error(datum_from(&a, &set, "[\"set\",[1,3,5]]", NULL));
    assert_no_ovsdb_error(datum_from(&b, &set, "[\"set\",[3,4]]", NULL));
    assert_false(ovsdb_datum_includes_all(&b, &a, &set));
    assert_false(ovsdb_datum_excludes_all(&b, &a, &set));
    ovsdb_datum_union(&a, &b, &set);
    struct ds ds = DS_EMPTY_INITIALIZER;
    ovsdb_datum_to_string(&a, &set, &ds);
    assert_string_equal(ds_cstr(&ds), "[1, 3, 4, 5]");
    assert_true(ovsdb_datum_includes_all(&b, &a, &set));
    ovsdb_datum_subtract(&a, &set, &b, &set);
    ds_clear(&ds);
    ovsdb_datum_to_string(&a, &set, &ds);
    assert_string_equal(ds_cstr(&ds), "[1, 5]");
    assert_true(ovsdb_datum_excludes_all(&b, &a, &set));
    ovsdb_datum_destroy(&a, &set);
    ovsdb_datum_destroy(&b, &set);

    struct ovsdb_type map = type_from("{\"key\":\"string\",\"value\":\"string\",\"min\":0,"
                                      "\"max\":\"unlimited\"}");
    struct ovsdb_type keys = type_from("{\"key\":\"string\",\"min\":0,\"max\":\"unlimited\"}");
    struct ovsdb_datum m, add, del_pairs, del_keys;
    assert_no_ovsdb_error(datum_from(&m, &map, "[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"]]]", NULL));
    /* "insert" never replaces an existing key's value. */
    assert_no_ovsdb_error(datum_from(&add, &map, "[\"map\",[[\"a\",\"9\"],[\"c\",\"3\"]]]",
                                     NULL));
    ovsdb_datum_union(&m, &add, &map);
    ds_clear(&ds);
    ovsdb_datum_to_string(&m, &map, &ds);
    assert_string_equal(ds_cstr(&ds), "{a=\"1\", b=\"2\", c=\"3\"}");
    /* Deleting by pair needs the value to match; deleting by key does not. */
    assert_no_ovsdb_error(datum_from(&del_pairs, &map, "[\"map\",[[\"a\",\"x\"],[\"b\",\"2\"]]]",
                                     NULL));
    ovsdb_datum_subtract(&m, &map, &del_pairs, &map);
    assert_no_ovsdb_error(datum_from(&del_keys, &keys, "[\"set\",[\"c\",\"zz\"]]", NULL));
    ovsdb_datum_subtract(&m, &map, &del_keys, &keys);
    ds_clear(&ds);
    ovsdb_datum_to_string(&m, &map, &ds);
    assert_string_equal(ds_cstr(&ds), "{a=\"1\"}");
    ds_destroy(&ds);
    ovsdb_datum_destroy(&m, &map);
    ovsdb_datum_destroy(&add, &map);
    ovsdb_datum_destroy(&del_pairs, &map);
    ovsdb_datum_destroy(&del_keys, &keys);
    ovsdb_type_destroy(&map);
    ovsdb_type_destroy(&keys);
    ovsdb_type_destroy(&set);
}

static void
test_defaults(void **state)
{
    struct ovsdb_type t = type_from("\"string\"");
    struct ovsdb_datum d;
    ovsdb_datum_init_default(&d, &t);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.keys[0].string, "");
    assert_true(ovsdb_datum_is_default(&d, &t));
    ovsdb_datum_destroy(&d, &t);
    ovsdb_type_destroy(&t);

    t = type_from("{\"key\":\"integer\",\"min\":0,\"max\":1}");
    ovsdb_datum_init_default(&d, &t);
    assert_int_equal(d.n, 0);
    ovsdb_datum_destroy(&d, &t);
    ovsdb_type_destroy(&t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wire_notation),
        cmocka_unit_test(test_type_errors),
        cmocka_unit_test(test_constraints),
        cmocka_unit_test(test_named_uuid),
        cmocka_unit_test(test_set_and_map_operations),
        cmocka_unit_test(test_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
