/* Unit tests for ovsdb-log and ovsdb-file: the on-disk record format, write and reload round trips,
 * truncation of a torn or corrupted tail, OVS diff records, compaction and file errors. */
#include "ovsdb-test.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"
#include "ovsdb/ovsdb-execute.h"
#include "ovsdb/ovsdb-file.h"
#include "ovsdb/ovsdb-log.h"
#include "ovsdb/ovsdb-schema.h"
#include "ovsdb/ovsdb.h"

const char *vswitch_schema_path;

struct fixture {
    char dir[64];
    char *db_file;
};

static int
setup(void **state)
{
    struct fixture *f = xzalloc(sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/uvs-test-log.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->db_file = xasprintf("%s/conf.db", f->dir);
    struct ovsdb_schema *schema;
    assert_no_ovsdb_error(ovsdb_schema_from_file(vswitch_schema_path, &schema));
    assert_no_ovsdb_error(ovsdb_file_create(f->db_file, schema));
    ovsdb_schema_destroy(schema);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    char *cmd = xasprintf("rm -rf '%s'", f->dir);
    if (system(cmd)) {
        /* Leftover temp files are harmless. */
    }
    free(cmd);
    free(f->db_file);
    free(f);
    return 0;
}

static struct ovsdb *
open_db(const char *file)
{
    struct ovsdb *db;
    assert_no_ovsdb_error(ovsdb_file_open(file, false, &db, NULL));
    return db;
}

static void
transact(struct ovsdb *db, const char *text)
{
    json_t *params = parse_json(text);
    long long timeout;
    json_t *result = ovsdb_execute(db, params, NULL, 0, &timeout);
    assert_non_null(result);
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
    json_decref(params);
}

/* The display form of column COLUMN of the only row of TABLE. */
static char *
only_row_value(struct ovsdb *db, const char *table, const char *column)
{
    struct ovsdb_table *t = ovsdb_get_table(db, table);
    assert_int_equal(t->n_rows, 1);
    struct ovsdb_row *row = RB_MIN(ovsdb_row_tree, &t->rows);
    const struct ovsdb_column *c = ovsdb_table_schema_find_column(t->schema, column);
    struct ds ds = DS_EMPTY_INITIALIZER;
    ovsdb_datum_to_string(&row->fields[c->index], &c->type, &ds);
    return ds_steal_cstr(&ds);
}

static off_t
file_size(const char *file)
{
    struct stat st;
    assert_int_equal(stat(file, &st), 0);
    return st.st_size;
}

static const char *const add_bridge =
    "[\"Open_vSwitch\","
    "{\"op\":\"insert\",\"table\":\"Open_vSwitch\",\"row\":{\"bridges\":[\"named-uuid\",\"b\"],"
    "  \"statistics\":[\"map\",[[\"cpu\",\"2\"]]]}},"
    "{\"op\":\"insert\",\"table\":\"Bridge\",\"uuid-name\":\"b\",\"row\":{\"name\":\"br0\","
    "  \"ports\":[\"named-uuid\",\"p\"],\"other_config\":[\"map\",[[\"a\",\"1\"]]]}},"
    "{\"op\":\"insert\",\"table\":\"Port\",\"uuid-name\":\"p\",\"row\":{\"name\":\"p0\","
    "  \"interfaces\":[\"named-uuid\",\"i\"],\"trunks\":[\"set\",[1,2]]}},"
    "{\"op\":\"insert\",\"table\":\"Interface\",\"uuid-name\":\"i\",\"row\":{\"name\":\"p0\"}},"
    "{\"op\":\"comment\",\"comment\":\"add br0\"}]";

static void
assert_value(struct ovsdb *db, const char *table, const char *column, const char *expected)
{
    char *s = only_row_value(db, table, column);
    if (strcmp(s, expected)) {
        print_error("%s.%s is %s, expected %s\n", table, column, s, expected);
        fail();
    }
    free(s);
}

/* ---- Tests ---- */

static void
test_sha1(void **state)
{
    char hex[41];
    ovsdb_log_sha1_hex("abc", 3, hex);
    assert_string_equal(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");   /* FIPS 180 vector */
}

static void
test_record_format(void **state)
{
    struct fixture *f = *state;
    struct ovsdb *db = open_db(f->db_file);
    transact(db, add_bridge);
    ovsdb_destroy(db);

    /* Every record: "OVSDB JSON <len> <sha1>\n" then <len> bytes ending in "\n". */
    FILE *stream = fopen(f->db_file, "r");
    assert_non_null(stream);
    int n_records = 0;
    char header[128];
    while (fgets(header, sizeof header, stream)) {
        size_t len;
        char sha1[41];
        assert_int_equal(sscanf(header, "OVSDB JSON %zu %40s", &len, sha1), 2);
        char *body = xmalloc(len);
        assert_int_equal(fread(body, 1, len, stream), len);
        assert_int_equal(body[len - 1], '\n');
        char actual[41];
        ovsdb_log_sha1_hex(body, len, actual);
        assert_string_equal(actual, sha1);
        json_error_t jerr;
        json_t *j = json_loadb(body, len, 0, &jerr);
        assert_non_null(j);
        if (n_records == 1) {
            /* The transaction record: tables by name, rows by UUID, date and comment. */
            assert_non_null(json_object_get(j, "Bridge"));
            assert_string_equal(json_string_value(json_object_get(j, "_comment")), "add br0");
            assert_true(json_is_integer(json_object_get(j, "_date")));
        }
        json_decref(j);
        free(body);
        n_records++;
    }
    fclose(stream);
    assert_int_equal(n_records, 2);
}

static void
test_reload_round_trip(void **state)
{
    struct fixture *f = *state;
    struct ovsdb *db = open_db(f->db_file);
    transact(db, add_bridge);
    transact(db, "[\"Open_vSwitch\",{\"op\":\"mutate\",\"table\":\"Bridge\",\"where\":[],"
                 "\"mutations\":[[\"other_config\",\"insert\",[\"map\",[[\"b\",\"2\"]]]]]},"
                 "{\"op\":\"update\",\"table\":\"Port\",\"where\":[],\"row\":{\"tag\":9}}]");
    /* Add bridge br1, then delete it again (removing it from Open_vSwitch collects it). */
    transact(db, "[\"Open_vSwitch\",{\"op\":\"insert\",\"table\":\"Bridge\",\"uuid\":"
                 "\"11111111-2222-3333-4444-555555555555\",\"row\":{\"name\":\"br1\"}},"
                 "{\"op\":\"mutate\",\"table\":\"Open_vSwitch\",\"where\":[],\"mutations\":"
                 "[[\"bridges\",\"insert\",[\"uuid\",\"11111111-2222-3333-4444-555555555555\"]]]}]");
    assert_int_equal(ovsdb_get_table(db, "Bridge")->n_rows, 2);
    transact(db, "[\"Open_vSwitch\",{\"op\":\"mutate\",\"table\":\"Open_vSwitch\","
                 "\"where\":[],\"mutations\":[[\"bridges\",\"delete\",[\"uuid\","
                 "\"11111111-2222-3333-4444-555555555555\"]]]}]");
    ovsdb_destroy(db);

    db = open_db(f->db_file);
    assert_value(db, "Bridge", "name", "br0");
    assert_value(db, "Bridge", "other_config", "{a=\"1\", b=\"2\"}");
    assert_value(db, "Port", "tag", "9");
    assert_value(db, "Port", "trunks", "[1, 2]");
    assert_value(db, "Interface", "name", "p0");
    /* Ephemeral columns are not stored. */
    assert_value(db, "Open_vSwitch", "statistics", "{}");
    /* Reference counts were rebuilt: dropping the port still collects it and its interface. */
    transact(db, "[\"Open_vSwitch\",{\"op\":\"update\",\"table\":\"Bridge\",\"where\":[],"
                 "\"row\":{\"ports\":[\"set\",[]]}}]");
    assert_int_equal(ovsdb_get_table(db, "Port")->n_rows, 0);
    assert_int_equal(ovsdb_get_table(db, "Interface")->n_rows, 0);
    ovsdb_destroy(db);

    db = open_db(f->db_file);
    assert_int_equal(ovsdb_get_table(db, "Port")->n_rows, 0);
    assert_int_equal(ovsdb_get_table(db, "Bridge")->n_rows, 1);
    ovsdb_destroy(db);
}

/* Writes two transactions, then damages the file with DAMAGE(file, good_size, full_size). */
static void
check_damaged_tail(struct fixture *f, void (*damage)(const char *, off_t, off_t))
{
    struct ovsdb *db = open_db(f->db_file);
    transact(db, add_bridge);
    ovsdb_destroy(db);
    off_t good = file_size(f->db_file);
    db = open_db(f->db_file);
    transact(db, "[\"Open_vSwitch\",{\"op\":\"update\",\"table\":\"Port\",\"where\":[],"
                 "\"row\":{\"tag\":9}}]");
    ovsdb_destroy(db);
    off_t full = file_size(f->db_file);
    assert_true(full > good);
    damage(f->db_file, good, full);

    /* Loading keeps the first transaction, drops the damaged one and truncates the file. */
    db = open_db(f->db_file);
    assert_value(db, "Bridge", "name", "br0");
    assert_value(db, "Port", "tag", "[]");
    assert_int_equal(file_size(f->db_file), good);
    /* The database keeps working and the next load is clean. */
    transact(db, "[\"Open_vSwitch\",{\"op\":\"update\",\"table\":\"Port\",\"where\":[],"
                 "\"row\":{\"tag\":10}}]");
    ovsdb_destroy(db);
    db = open_db(f->db_file);
    assert_value(db, "Port", "tag", "10");
    ovsdb_destroy(db);
}

static void
chop_in_half(const char *file, off_t good, off_t full)
{
    assert_int_equal(truncate(file, good + (full - good) / 2), 0);
}

static void
chop_header(const char *file, off_t good, off_t full)
{
    assert_int_equal(truncate(file, good + 5), 0);
}

static void
flip_byte(const char *file, off_t good, off_t full)
{
    int fd = open(file, O_RDWR);
    assert_true(fd >= 0);
    char c;
    assert_int_equal(pread(fd, &c, 1, full - 3), 1);
    c ^= 0x01;
    assert_int_equal(pwrite(fd, &c, 1, full - 3), 1);
    close(fd);
}

static void
test_torn_tail(void **state)
{
    check_damaged_tail(*state, chop_in_half);
}

static void
test_torn_header(void **state)
{
    check_damaged_tail(*state, chop_header);
}

static void
test_checksum_mismatch(void **state)
{
    check_damaged_tail(*state, flip_byte);
}

/* A flipped byte in a record that is followed by good records is corruption, not a torn write:
 * loading fails with "corrupt database" naming the record's offset, and the file is untouched. */
static void
test_corruption_mid_file(void **state)
{
    struct fixture *f = *state;
    struct ovsdb *db = open_db(f->db_file);
    transact(db, add_bridge);
    ovsdb_destroy(db);
    off_t good = file_size(f->db_file);
    db = open_db(f->db_file);
    transact(db, "[\"Open_vSwitch\",{\"op\":\"update\",\"table\":\"Port\",\"where\":[],"
                 "\"row\":{\"tag\":9}}]");
    ovsdb_destroy(db);
    off_t full = file_size(f->db_file);
    /* Damage the first transaction record (before GOOD), leaving the second one intact. */
    flip_byte(f->db_file, 0, good);
    char *before = NULL;
    size_t before_len = 0;
    FILE *fp = fopen(f->db_file, "rb");
    assert_non_null(fp);
    before = xmalloc(full);
    before_len = fread(before, 1, full, fp);
    fclose(fp);
    assert_int_equal(before_len, full);

    struct ovsdb_schema *schema;
    assert_no_ovsdb_error(ovsdb_file_read_schema(f->db_file, &schema));
    ovsdb_schema_destroy(schema);
    struct ovsdb_log *log;
    json_t *json;
    assert_no_ovsdb_error(ovsdb_log_open(f->db_file, OVSDB_LOG_READ_ONLY, &log));
    assert_no_ovsdb_error(ovsdb_log_read(log, &json));
    json_decref(json);
    char *where = xasprintf("record at offset %lld has a checksum mismatch",
                            (long long) ovsdb_log_get_offset(log));
    ovsdb_log_close(log);

    assert_ovsdb_error(ovsdb_file_open(f->db_file, false, &db, NULL), "corrupt database", where);
    assert_ovsdb_error(ovsdb_file_open(f->db_file, true, &db, NULL), "corrupt database",
                       "the file was left untouched");
    free(where);
    assert_int_equal(file_size(f->db_file), full);
    fp = fopen(f->db_file, "rb");
    char *after = xmalloc(full);
    assert_int_equal(fread(after, 1, full, fp), full);
    fclose(fp);
    assert_memory_equal(before, after, full);
    free(before);
    free(after);
}

static void
test_log_read_reports_damage(void **state)
{
    struct fixture *f = *state;
    struct ovsdb *db = open_db(f->db_file);
    transact(db, add_bridge);
    ovsdb_destroy(db);
    off_t full = file_size(f->db_file);
    flip_byte(f->db_file, 0, full);

    struct ovsdb_log *log;
    json_t *json;
    assert_no_ovsdb_error(ovsdb_log_open(f->db_file, OVSDB_LOG_READ_ONLY, &log));
    assert_no_ovsdb_error(ovsdb_log_read(log, &json));
    assert_non_null(json);                      /* The schema record is fine. */
    json_decref(json);
    assert_ovsdb_error(ovsdb_log_read(log, &json), "syntax error", "checksum mismatch");
    assert_null(json);
    assert_true(ovsdb_log_get_damaged_bytes(log) > 0);
    ovsdb_log_close(log);
    /* Read-only access never truncates. */
    assert_int_equal(file_size(f->db_file), full);
}

static void
test_ovs_diff_records(void **state)
{
    struct fixture *f = *state;
    struct ovsdb *db = open_db(f->db_file);
    transact(db, add_bridge);
    const struct ovsdb_table *bridges = ovsdb_get_table(db, "Bridge");
    char br[UUID_LEN + 1], port[UUID_LEN + 1];
    uuid_to_string(ovsdb_row_get_uuid(RB_MIN(ovsdb_row_tree,
                                             (struct ovsdb_row_tree *) &bridges->rows)), br);
    const struct ovsdb_table *ports = ovsdb_get_table(db, "Port");
    uuid_to_string(ovsdb_row_get_uuid(RB_MIN(ovsdb_row_tree,
                                             (struct ovsdb_row_tree *) &ports->rows)), port);
    ovsdb_destroy(db);

    /* OVS writes sets and maps as differences: toggle elements, add/remove/replace keys. */
    struct ovsdb_log *log;
    assert_no_ovsdb_error(ovsdb_log_open(f->db_file, OVSDB_LOG_READ_WRITE, &log));
    json_t *json;
    do {
        assert_no_ovsdb_error(ovsdb_log_read(log, &json));
        json_decref(json);
    } while (json);
    char *text = xasprintf("{\"_is_diff\":true,\"_date\":1,"
                           "\"Bridge\":{\"%s\":{\"other_config\":[\"map\",[[\"a\",\"1\"],"
                           "[\"z\",\"26\"]]]}},"
                           "\"Port\":{\"%s\":{\"trunks\":[\"set\",[2,3]],\"tag\":5}}}", br, port);
    json = parse_json(text);
    assert_no_ovsdb_error(ovsdb_log_write(log, json));
    json_decref(json);
    free(text);
    ovsdb_log_close(log);

    db = open_db(f->db_file);
    assert_value(db, "Bridge", "other_config", "{z=\"26\"}");
    assert_value(db, "Port", "trunks", "[1, 3]");
    assert_value(db, "Port", "tag", "5");
    ovsdb_destroy(db);
}

static void
test_compaction(void **state)
{
    struct fixture *f = *state;
    struct ovsdb *db;
    struct ovsdb_file *file;
    assert_no_ovsdb_error(ovsdb_file_open(f->db_file, false, &db, &file));
    transact(db, add_bridge);
    for (int i = 0; i < 20; i++) {
        transact(db, "[\"Open_vSwitch\",{\"op\":\"mutate\",\"table\":\"Open_vSwitch\","
                     "\"where\":[],\"mutations\":[[\"next_cfg\",\"+=\",1]]}]");
    }
    off_t before = file_size(f->db_file);
    assert_no_ovsdb_error(ovsdb_file_compact(file));
    assert_true(file_size(f->db_file) < before);
    /* Commits after compaction go to the new file. */
    transact(db, "[\"Open_vSwitch\",{\"op\":\"mutate\",\"table\":\"Open_vSwitch\","
                 "\"where\":[],\"mutations\":[[\"next_cfg\",\"+=\",1]]}]");
    ovsdb_destroy(db);

    db = open_db(f->db_file);
    assert_value(db, "Open_vSwitch", "next_cfg", "21");
    assert_value(db, "Port", "trunks", "[1, 2]");
    ovsdb_destroy(db);
}

static void
test_relative_name_survives_chdir(void **state)
{
    struct fixture *f = *state;
    char *cwd = getcwd(NULL, 0);
    assert_int_equal(chdir(f->dir), 0);
    struct ovsdb *db;
    struct ovsdb_file *file;
    assert_no_ovsdb_error(ovsdb_file_open("conf.db", false, &db, &file));
    assert_int_equal(chdir("/"), 0);            /* As a daemon does after --detach. */
    transact(db, add_bridge);
    assert_no_ovsdb_error(ovsdb_file_compact(file));
    transact(db, "[\"Open_vSwitch\",{\"op\":\"update\",\"table\":\"Port\",\"where\":[],"
                 "\"row\":{\"tag\":3}}]");
    assert_string_equal(ovsdb_file_get_name(file), f->db_file);
    ovsdb_destroy(db);
    assert_int_equal(chdir(cwd), 0);
    free(cwd);
    db = open_db(f->db_file);
    assert_value(db, "Port", "tag", "3");
    ovsdb_destroy(db);
}

static void
test_file_errors(void **state)
{
    struct fixture *f = *state;
    struct ovsdb *db;
    char *missing = xasprintf("%s/missing.db", f->dir);
    assert_ovsdb_error(ovsdb_file_open(missing, false, &db, NULL), "I/O error",
                       "missing.db: cannot open: No such file or directory");
    free(missing);

    struct ovsdb_schema *schema;
    assert_no_ovsdb_error(ovsdb_schema_from_file(vswitch_schema_path, &schema));
    assert_ovsdb_error(ovsdb_file_create(f->db_file, schema), "I/O error", "cannot create");
    ovsdb_schema_destroy(schema);

    /* A second writer is refused while the first holds the file. */
    struct ovsdb *first = open_db(f->db_file);
    assert_ovsdb_error(ovsdb_file_open(f->db_file, false, &db, NULL), "I/O error",
                       "locked by another process");
    assert_no_ovsdb_error(ovsdb_file_open(f->db_file, true, &db, NULL));   /* readers may */
    ovsdb_destroy(db);
    ovsdb_destroy(first);

    char *empty = xasprintf("%s/empty.db", f->dir);
    close(open(empty, O_CREAT | O_WRONLY, 0644));
    assert_ovsdb_error(ovsdb_file_open(empty, false, &db, NULL), "syntax error",
                       "file is empty");
    free(empty);

    char *garbage = xasprintf("%s/garbage.db", f->dir);
    FILE *stream = fopen(garbage, "w");
    fputs("{\"not\": \"a database\"}\n", stream);
    fclose(stream);
    assert_ovsdb_error(ovsdb_file_open(garbage, false, &db, NULL), "syntax error",
                       "invalid header");
    free(garbage);
}

int
main(int argc, char *argv[])
{
    vswitch_schema_path = argc > 1 ? argv[1] : "src/ovsdb/vswitch.ovsschema";
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha1),
        cmocka_unit_test_setup_teardown(test_record_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reload_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_torn_tail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_torn_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checksum_mismatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corruption_mid_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_read_reports_damage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ovs_diff_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relative_name_survives_chdir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
