/* Unit tests for lib/unixctl: a server running in a thread (its own poll loop) and the blocking
 * client in the test thread, as uvs-appctl uses it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/jsonrpc.h"
#include "lib/poll-loop.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "uvs-config.h"

VLOG_DEFINE_THIS_MODULE(test_unixctl);

static char rundir[] = "/tmp/uvs-test-unixctl-XXXXXX";
static struct unixctl_server *server;
static atomic_bool stop;
static pthread_t server_thread;

static void
cmd_echo(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    ds_put_format(&ds, "%s:%d", (const char *) aux, argc);
    for (int i = 1; i < argc; i++) {
        ds_put_format(&ds, " [%s]", argv[i]);
    }
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

static void
cmd_fail(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    unixctl_command_reply_error(conn, "port p9: no such port");
}

static void *
server_main(void *arg)
{
    while (!atomic_load(&stop)) {
        unixctl_server_run(server);
        unixctl_server_wait(server);
        poll_timer_wait(20);
        poll_block();
    }
    return NULL;
}

static int
group_setup(void **state)
{
    assert_non_null(mkdtemp(rundir));
    setenv("UVS_RUNDIR", rundir, 1);
    set_program_name("test-unixctl");
    unixctl_command_register("test/echo", "[ARG...]", 0, 2, cmd_echo, "echo");
    unixctl_command_register("test/fail", "", 0, 0, cmd_fail, NULL);
    assert_int_equal(unixctl_server_create(NULL, &server), 0);
    pthread_create(&server_thread, NULL, server_main, NULL);
    return 0;
}

static int
group_teardown(void **state)
{
    atomic_store(&stop, true);
    pthread_join(server_thread, NULL);
    char *path = xstrdup(unixctl_server_get_path(server));
    unixctl_server_destroy(server);
    assert_int_equal(access(path, F_OK), -1);   /* socket removed */
    free(path);
    rmdir(rundir);
    return 0;
}

/* Runs COMMAND via the server's socket path. Returns the transact code; fills *out. */
static int
run(const char *command, int argc, char *argv[], char **out)
{
    struct jsonrpc *client;
    char *error;
    int rc = unixctl_client_create(unixctl_server_get_path(server), &client, &error);
    assert_int_equal(rc, 0);
    char *result;
    rc = unixctl_client_transact(client, command, argc, argv, &result, &error);
    jsonrpc_close(client);
    *out = rc > 0 ? error : result;
    if (rc > 0) {
        free(result);
    } else {
        free(error);
    }
    return rc;
}

static void
test_default_path(void **state)
{
    char *expected = xasprintf("%s/test-unixctl.%ld.ctl", rundir, (long) getpid());
    assert_string_equal(unixctl_server_get_path(server), expected);
    free(expected);
}

static void
test_version(void **state)
{
    char *out;
    assert_int_equal(run("version", 0, NULL, &out), 0);
    char *expected = xasprintf("test-unixctl (uvs) %s\n", UVS_VERSION);
    assert_string_equal(out, expected);
    free(expected);
    free(out);
}

static void
test_help(void **state)
{
    char *out, *out2;
    assert_int_equal(run("help", 0, NULL, &out), 0);
    assert_true(strncmp(out, "The available commands are:\n", 28) == 0);
    assert_non_null(strstr(out, "  test/echo               [ARG...]\n"));
    assert_non_null(strstr(out, "  vlog/set"));
    assert_non_null(strstr(out, "  version\n"));
    /* Sorted: help before list-commands before test/echo before version. */
    assert_true(strstr(out, "  help") < strstr(out, "  list-commands"));
    assert_true(strstr(out, "  test/echo") < strstr(out, "  version"));
    assert_int_equal(run("list-commands", 0, NULL, &out2), 0);
    assert_string_equal(out, out2);
    free(out);
    free(out2);
}

static void
test_command_args(void **state)
{
    char *out;
    char *args[] = { "a b", "{\"c\"}", "x" };
    assert_int_equal(run("test/echo", 2, args, &out), 0);
    assert_string_equal(out, "echo:3 [a b] [{\"c\"}]");
    free(out);
    assert_int_equal(run("test/echo", 0, NULL, &out), 0);
    assert_string_equal(out, "echo:1");
    free(out);
    assert_int_equal(run("test/echo", 3, args, &out), 1);
    assert_string_equal(out, "\"test/echo\" command takes at most 2 arguments");
    free(out);
}

static void
test_errors(void **state)
{
    char *out;
    assert_int_equal(run("foo", 0, NULL, &out), 1);
    assert_string_equal(out, "\"foo\" is not a valid command (use \"list-commands\" or \"help\" to "
                             "see the available commands)");
    free(out);
    assert_int_equal(run("test/fail", 0, NULL, &out), 1);
    assert_string_equal(out, "port p9: no such port");
    free(out);
    char *bad[] = { "nosuchmodule:dbg" };
    assert_int_equal(run("vlog/set", 1, bad, &out), 1);
    assert_non_null(strstr(out, "nosuchmodule"));
    free(out);
}

static void
test_vlog_set_list(void **state)
{
    char *out;
    char *spec[] = { "test_unixctl:file:dbg" };
    assert_int_equal(run("vlog/set", 1, spec, &out), 0);
    assert_string_equal(out, "");
    free(out);
    assert_int_equal(run("vlog/list", 0, NULL, &out), 0);
    /* Our module: console unchanged (INFO), file DBG. */
    char *line = strstr(out, "\ntest_unixctl ");
    assert_non_null(line);
    char console[16], file[16];
    assert_int_equal(sscanf(line + 1, "test_unixctl %15s %15s", console, file), 2);
    assert_string_equal(console, "INFO");
    assert_string_equal(file, "DBG");
    assert_true(vlog_is_enabled(&this_module, VLL_INFO));
    free(out);
    assert_int_equal(run("vlog/reopen", 0, NULL, &out), 1);   /* no --log-file */
    assert_non_null(strstr(out, "not configured"));
    free(out);
}

static void
test_client_by_name(void **state)
{
    struct jsonrpc *client;
    char *error;
    /* No pidfile for this name in RUNDIR: the message names the pidfile and the cause. */
    int rc = unixctl_client_create("uvs-nothing", &client, &error);
    assert_int_equal(rc, -ENOENT);
    char *expected = xasprintf("cannot read pidfile %s/uvs-nothing.pid: No such file or directory "
                               "(is uvs-nothing running? set UVS_RUNDIR if it runs elsewhere)",
                               rundir);
    assert_string_equal(error, expected);
    free(expected);
    free(error);

    /* With a pidfile naming this process, the name resolves to our socket. */
    char *pidfile = xasprintf("%s/test-unixctl.pid", rundir);
    FILE *f = fopen(pidfile, "w");
    assert_non_null(f);
    fprintf(f, "%ld\n", (long) getpid());
    fclose(f);
    rc = unixctl_client_create("test-unixctl", &client, &error);
    assert_int_equal(rc, 0);
    char *result;
    assert_int_equal(unixctl_client_transact(client, "version", 0, NULL, &result, &error), 0);
    assert_non_null(strstr(result, "(uvs)"));
    free(result);
    jsonrpc_close(client);
    unlink(pidfile);
    free(pidfile);
}

static void
test_many_clients(void **state)
{
    /* Several open connections at once, each answered. */
    struct jsonrpc *c[8];
    for (int i = 0; i < 8; i++) {
        char *error;
        assert_int_equal(unixctl_client_create(unixctl_server_get_path(server), &c[i], &error), 0);
    }
    for (int i = 7; i >= 0; i--) {
        char *result, *error;
        char arg[8];
        snprintf(arg, sizeof arg, "%d", i);
        char *argv[] = { arg };
        assert_int_equal(unixctl_client_transact(c[i], "test/echo", 1, argv, &result, &error), 0);
        char expected[32];
        snprintf(expected, sizeof expected, "echo:2 [%d]", i);
        assert_string_equal(result, expected);
        free(result);
        jsonrpc_close(c[i]);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_path),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_command_args),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_vlog_set_list),
        cmocka_unit_test(test_client_by_name),
        cmocka_unit_test(test_many_clients),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
