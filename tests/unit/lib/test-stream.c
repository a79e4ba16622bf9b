/* Unit tests for lib/stream: punix/unix and ptcp/tcp round trips, non-blocking behaviour, errors and
 * name validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/stream.h"
#include "lib/util.h"

static struct stream *
accept_one(struct pstream *ps)
{
    struct stream *s = NULL;
    for (int i = 0; i < 2000; i++) {
        int error = pstream_accept(ps, &s);
        if (!error) {
            return s;
        }
        assert_int_equal(error, -EAGAIN);
        usleep(1000);
    }
    fail_msg("no connection accepted on %s", pstream_get_name(ps));
    return NULL;
}

/* Receives exactly N bytes, waiting with poll(2) for at most 2 s in total. */
static void
recv_exact(struct stream *s, char *buf, size_t n)
{
    size_t got = 0;
    long long deadline = time_msec() + 2000;
    while (got < n) {
        ssize_t r = stream_recv(s, buf + got, n - got);
        if (r == -EAGAIN) {
            assert_true(time_msec() < deadline);
            struct pollfd pfd = { .fd = stream_get_fd(s), .events = POLLIN };
            poll(&pfd, 1, 100);
            continue;
        }
        assert_true(r > 0);
        got += (size_t) r;
    }
}

static void
round_trip(const char *pname, const char *aname_fmt)
{
    struct pstream *ps;
    assert_int_equal(pstream_open(pname, &ps), 0);
    assert_string_equal(pstream_get_name(ps), pname);
    char *aname = strstr(aname_fmt, "%d")
                  ? xasprintf(aname_fmt, pstream_get_bound_port(ps)) : xstrdup(aname_fmt);
    struct stream *c;
    assert_int_equal(stream_open_block(aname, 2000, &c), 0);
    assert_int_equal(stream_connect(c), 0);
    assert_string_equal(stream_get_name(c), aname);
    struct stream *s = accept_one(ps);

    /* Nothing sent yet: non-blocking receive says "not yet". */
    char buf[64];
    assert_int_equal(stream_recv(s, buf, sizeof buf), -EAGAIN);

    assert_int_equal(stream_send(c, "hello", 5), 5);
    recv_exact(s, buf, 5);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(stream_send(s, "world!", 6), 6);
    recv_exact(c, buf, 6);
    assert_memory_equal(buf, "world!", 6);

    /* Closing one end gives end of stream (0) on the other. */
    stream_close(c);
    ssize_t r;
    long long deadline = time_msec() + 2000;
    while ((r = stream_recv(s, buf, sizeof buf)) == -EAGAIN && time_msec() < deadline) {
        usleep(1000);
    }
    assert_int_equal(r, 0);
    stream_close(s);
    pstream_close(ps);
    free(aname);
}

static void
test_unix_round_trip(void **state)
{
    char dir[] = "/tmp/uvs-test-stream-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *p = xasprintf("punix:%s/x.sock", dir);
    char *a = xasprintf("unix:%s/x.sock", dir);
    round_trip(p, a);
    /* pstream_close() removed the socket file. */
    struct stat st;
    assert_int_equal(stat(a + 5, &st), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(rmdir(dir), 0);
    free(p);
    free(a);
}

static void
test_unix_long_path(void **state)
{
    /* Longer than sun_path (108 bytes): reached through /proc/self/fd. */
    char dir[] = "/tmp/uvs-test-stream-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *deep = xasprintf("%s/%s/%s", dir,
                           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                           "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
    assert_int_equal(uvs_mkdir_p(deep), 0);
    char *p = xasprintf("punix:%s/long.sock", deep);
    char *a = xasprintf("unix:%s/long.sock", deep);
    assert_true(strlen(a + 5) > 108);
    round_trip(p, a);
    char *cmd = xasprintf("rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(p);
    free(a);
    free(deep);
}

static void
test_tcp_round_trip(void **state)
{
    round_trip("ptcp:0:127.0.0.1", "tcp:127.0.0.1:%d");
}

static void
test_tcp6_round_trip(void **state)
{
    struct pstream *ps;
    if (pstream_open("ptcp:0:[::1]", &ps)) {
        skip();   /* no IPv6 loopback on this machine */
    }
    pstream_close(ps);
    round_trip("ptcp:0:[::1]", "tcp:[::1]:%d");
}

static void
test_connect_errors(void **state)
{
    struct stream *s;
    assert_int_equal(stream_open("unix:/nonexistent/uvs/x.sock", &s), -ENOENT);
    assert_null(s);
    assert_int_equal(stream_open("bogus:1.2.3.4:5", &s), -EAFNOSUPPORT);
    assert_int_equal(stream_open("tcp:1.2.3.4", &s), -EINVAL);

    /* A closed TCP port: refused, either at once or when the connection completes. */
    struct pstream *ps;
    assert_int_equal(pstream_open("ptcp:0:127.0.0.1", &ps), 0);
    char *name = xasprintf("tcp:127.0.0.1:%d", pstream_get_bound_port(ps));
    pstream_close(ps);
    assert_int_equal(stream_open_block(name, 2000, &s), -ECONNREFUSED);
    free(name);
}

static void
test_verify_names(void **state)
{
    char *e;
    assert_null(stream_verify_name("unix:/var/run/uvs/db.sock"));
    assert_null(stream_verify_name("tcp:127.0.0.1:6640"));
    assert_null(stream_verify_name("tcp:[::1]:6640"));
    assert_null(pstream_verify_name("punix:/tmp/x"));
    assert_null(pstream_verify_name("ptcp:6640"));
    assert_null(pstream_verify_name("ptcp:6640:127.0.0.1"));

    e = stream_verify_name("tcp:127.0.0.1:99999");
    assert_non_null(e);
    assert_non_null(strstr(e, "99999"));
    free(e);
    e = stream_verify_name("tcp:127.0.0.1");
    assert_non_null(e);
    free(e);
    e = stream_verify_name("foo:bar");
    assert_non_null(e);
    assert_non_null(strstr(e, "unknown connection method"));
    free(e);
    e = pstream_verify_name("ptcp:abc");
    assert_non_null(e);
    free(e);
    e = pstream_verify_name("unix:/x");   /* active name where a passive one is needed */
    assert_non_null(e);
    free(e);
}

static void
test_punix_replaces_stale_socket(void **state)
{
    char dir[] = "/tmp/uvs-test-stream-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *p = xasprintf("punix:%s/x.sock", dir);
    struct pstream *ps1, *ps2;
    assert_int_equal(pstream_open(p, &ps1), 0);
    /* A second listener on the same path takes it over (the socket file is unlinked first). */
    assert_int_equal(pstream_open(p, &ps2), 0);
    pstream_close(ps2);
    pstream_close(ps1);

    /* A regular file at the path is not removed: bind fails. */
    char *file = xasprintf("%s/x.sock", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(pstream_open(p, &ps1), -EADDRINUSE);
    unlink(file);
    rmdir(dir);
    free(file);
    free(p);
}

static void
test_punix_mode_0750(void **state)
{
    char dir[] = "/tmp/uvs-test-stream-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *p = xasprintf("punix:%s/m.sock", dir);
    mode_t old = umask(0);          /* Whatever the umask, the socket is 0750. */
    struct pstream *ps;
    assert_int_equal(pstream_open(p, &ps), 0);
    umask(old);
    struct stat st;
    assert_int_equal(stat(p + 6, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0750);
    pstream_close(ps);
    rmdir(dir);
    free(p);
}

static void
test_ssl_needs_files(void **state)
{
    /* Without key, certificate and CA certificate, SSL names are refused saying what is missing,
     * and opening fails without touching the network. */
    char *e = pstream_verify_name("pssl:0:127.0.0.1");
    assert_non_null(e);
    assert_non_null(strstr(e, "private key"));
    assert_non_null(strstr(e, "CA certificate"));
    free(e);
    e = stream_verify_name("ssl:127.0.0.1:6640");
    assert_non_null(e);
    free(e);
    e = stream_verify_name("ssl:127.0.0.1");        /* Syntax first: the port is missing. */
    assert_non_null(e);
    assert_non_null(strstr(e, "IP:PORT"));
    free(e);
    assert_false(stream_ssl_is_configured());
    struct pstream *ps;
    assert_int_equal(pstream_open("pssl:0:127.0.0.1", &ps), -ENOPROTOOPT);
    /* Files that do not exist: the message names the file. */
    stream_ssl_set_files("/nonexistent/key.pem", "/nonexistent/cert.pem", "/nonexistent/ca.pem");
    e = pstream_verify_name("pssl:0:127.0.0.1");
    assert_non_null(e);
    assert_non_null(strstr(e, "/nonexistent/cert.pem"));
    free(e);
    assert_false(stream_ssl_is_configured());
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unix_round_trip),
        cmocka_unit_test(test_unix_long_path),
        cmocka_unit_test(test_tcp_round_trip),
        cmocka_unit_test(test_tcp6_round_trip),
        cmocka_unit_test(test_connect_errors),
        cmocka_unit_test(test_verify_names),
        cmocka_unit_test(test_punix_replaces_stale_socket),
        cmocka_unit_test(test_punix_mode_0750),
        cmocka_unit_test(test_ssl_needs_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
