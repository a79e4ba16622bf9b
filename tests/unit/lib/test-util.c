/* Unit tests for lib/util: struct ds, integer parsing, directories, uvs_mkdir_p. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"

static void
test_ds_basic(void **state)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    assert_string_equal(ds_cstr(&ds), "");
    ds_put_cstr(&ds, "bridge ");
    ds_put_format(&ds, "%s: port %d", "br0", 42);
    ds_put_char(&ds, '\n');
    assert_string_equal(ds_cstr(&ds), "bridge br0: port 42\n");
    assert_int_equal(ds.len, strlen("bridge br0: port 42\n"));
    ds_chomp(&ds, '\n');
    assert_string_equal(ds_cstr(&ds), "bridge br0: port 42");
    ds_chomp(&ds, '\n');   /* nothing to remove */
    assert_string_equal(ds_cstr(&ds), "bridge br0: port 42");
    ds_put_buffer(&ds, "xyz", 2);
    assert_string_equal(ds_cstr(&ds), "bridge br0: port 42xy");
    ds_clear(&ds);
    assert_string_equal(ds_cstr(&ds), "");
    assert_int_equal(ds.len, 0);
    ds_destroy(&ds);
}

static void
test_ds_grow_and_steal(void **state)
{
    struct ds ds;
    ds_init(&ds);
    for (int i = 0; i < 10000; i++) {
        ds_put_format(&ds, "%d,", i % 10);
    }
    assert_int_equal(ds.len, 20000);
    assert_int_equal(strlen(ds_cstr(&ds)), 20000);
    assert_memory_equal(ds.s + 19980, "0,1,2,3,4,5,6,7,8,9,", 20);
    char *s = ds_steal_cstr(&ds);
    assert_null(ds.s);
    assert_int_equal(ds.len, 0);
    assert_int_equal(strlen(s), 20000);
    free(s);
    /* Stealing an empty ds gives "" and never NULL. */
    s = ds_steal_cstr(&ds);
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
}

static void
test_str_to_uint64(void **state)
{
    uint64_t v = 0;
    assert_true(str_to_uint64("0", 10, 100, &v));
    assert_int_equal(v, 0);
    assert_true(str_to_uint64("65535", 10, 65535, &v));
    assert_int_equal(v, 65535);
    assert_false(str_to_uint64("65536", 10, 65535, &v));
    assert_true(str_to_uint64("0x1f", 0, UINT64_MAX, &v));
    assert_int_equal(v, 31);
    assert_true(str_to_uint64("ff", 16, 255, &v));
    assert_int_equal(v, 255);
    assert_true(str_to_uint64("18446744073709551615", 10, UINT64_MAX, &v));
    assert_true(v == UINT64_MAX);
    assert_false(str_to_uint64("18446744073709551616", 10, UINT64_MAX, &v));   /* overflow */
    assert_false(str_to_uint64("12abc", 10, UINT64_MAX, &v));   /* trailing garbage */
    assert_false(str_to_uint64("", 10, UINT64_MAX, &v));
    assert_false(str_to_uint64("-1", 10, UINT64_MAX, &v));
    assert_false(str_to_uint64(" 1", 10, UINT64_MAX, &v));
    assert_false(str_to_uint64("1 ", 10, UINT64_MAX, &v));
}

static void
test_xasprintf_and_dup(void **state)
{
    char *s = xasprintf("%s-%05d", "uvs", 42);
    assert_string_equal(s, "uvs-00042");
    free(s);
    s = xmemdup0("abcdef", 3);
    assert_string_equal(s, "abc");
    free(s);
    set_program_name("/usr/sbin/uvs-vswitchd");
    assert_string_equal(program_name(), "uvs-vswitchd");
}

static void
test_dirs_env(void **state)
{
    setenv("UVS_RUNDIR", "/tmp/uvs-test-run", 1);
    setenv("UVS_LOGDIR", "/tmp/uvs-test-log", 1);
    unsetenv("UVS_DBDIR");
    assert_string_equal(uvs_rundir(), "/tmp/uvs-test-run");
    assert_string_equal(uvs_logdir(), "/tmp/uvs-test-log");
    assert_string_equal(uvs_dbdir(), "/etc/uvs");
    assert_string_equal(uvs_default_db(), "unix:/tmp/uvs-test-run/db.sock");
    unsetenv("UVS_RUNDIR");
    assert_string_equal(uvs_rundir(), "/var/run/uvs");
}

static void
test_mkdir_p(void **state)
{
    char tmpl[] = "/tmp/uvs-test-mkdir-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    char *deep = xasprintf("%s/a/b/c/", tmpl);
    assert_int_equal(uvs_mkdir_p(deep), 0);
    struct stat st;
    char *c = xasprintf("%s/a/b/c", tmpl);
    assert_int_equal(stat(c, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(uvs_mkdir_p(deep), 0);   /* existing is fine */

    /* A regular file in the way is an error. */
    char *file = xasprintf("%s/file", tmpl);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    char *under = xasprintf("%s/sub", file);
    assert_int_equal(uvs_mkdir_p(under), -ENOTDIR);
    assert_int_equal(uvs_mkdir_p(file), -ENOTDIR);

    char *cmd = xasprintf("rm -rf %s", tmpl);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(under);
    free(file);
    free(c);
    free(deep);
}

static void
test_time(void **state)
{
    long long a = time_msec();
    usleep(20000);
    long long b = time_msec();
    assert_true(b - a >= 19 && b - a < 2000);
    /* Wall clock is after 2020-01-01. */
    assert_true(time_wall_msec() > 1577836800000LL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ds_basic),
        cmocka_unit_test(test_ds_grow_and_steal),
        cmocka_unit_test(test_str_to_uint64),
        cmocka_unit_test(test_xasprintf_and_dup),
        cmocka_unit_test(test_dirs_env),
        cmocka_unit_test(test_mkdir_p),
        cmocka_unit_test(test_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
