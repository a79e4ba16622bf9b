/*
 * fuzz-jsonrpc — libFuzzer target for JSON-RPC message parsing (lib/jsonrpc.c): the framing of a
 * byte stream into messages and jsonrpc_msg_from_json().
 *
 * Each input is the bytes a peer sends on an OVSDB connection. They are written into a real unix
 * socket connection and read back with jsonrpc_recv() until the connection reports an error or the
 * end of the stream, exactly as uvsdb-server reads its clients: no input may crash, hang or leak.
 * Every message received must also survive jsonrpc_msg_to_json() → jsonrpc_msg_from_json() →
 * jsonrpc_msg_to_json() unchanged. Independently, the whole input is loaded as one JSON value and
 * given to jsonrpc_msg_from_json() directly, with the same round-trip check when it is accepted.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/jsonrpc.h"
#include "lib/stream.h"
#include "lib/vlog.h"

#define FUZZ_MAX_INPUT (64 * 1024)   /* Below a unix socket's buffer, so one write() takes it all. */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct pstream *listener;
static char sock_dir[] = "/tmp/uvs-fuzz-jsonrpc-XXXXXX";
static char sock_name[128];

static void
cleanup(void)
{
    if (listener) {
        pstream_close(listener);   /* Removes the socket file. */
    }
    rmdir(sock_dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc;
    (void) argv;
    /* Warnings about bad input are expected by the thousand. */
    free(vlog_set_levels_from_string("ANY:ANY:off"));
    if (!mkdtemp(sock_dir)) {
        perror("fuzz-jsonrpc: mkdtemp");
        abort();
    }
    snprintf(sock_name, sizeof sock_name, "punix:%s/s", sock_dir);
    int error = pstream_open(sock_name, &listener);
    if (error) {
        fprintf(stderr, "fuzz-jsonrpc: %s: %s\n", sock_name, strerror(-error));
        abort();
    }
    atexit(cleanup);
    return 0;
}

static void
check_round_trip(const struct jsonrpc_msg *msg)
{
    json_t *j1 = jsonrpc_msg_to_json(msg);
    struct jsonrpc_msg *msg2;
    char *error = jsonrpc_msg_from_json(j1, &msg2);
    if (error) {
        fprintf(stderr, "fuzz-jsonrpc: a message's own JSON does not parse back: %s\n", error);
        abort();
    }
    json_t *j2 = jsonrpc_msg_to_json(msg2);
    if (!json_equal(j1, j2) || msg->type != msg2->type) {
        fprintf(stderr, "fuzz-jsonrpc: message changed in a to_json/from_json round trip\n");
        abort();
    }
    free(jsonrpc_msg_to_string(msg2));
    json_decref(j1);
    json_decref(j2);
    jsonrpc_msg_destroy(msg2);
}

static void
fuzz_stream(const uint8_t *data, size_t size)
{
    struct stream *client, *server = NULL;
    int error = stream_open_block(sock_name + 1 /* "unix:..." */, 5000, &client);
    if (error) {
        fprintf(stderr, "fuzz-jsonrpc: connect: %s\n", strerror(-error));
        abort();
    }
    for (int i = 0; i < 1000 && !server; i++) {
        if (pstream_accept(listener, &server) && i == 999) {
            fprintf(stderr, "fuzz-jsonrpc: accept failed\n");
            abort();
        }
    }
    int fd = stream_get_fd(client);
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);
        if (n <= 0) {
            fprintf(stderr, "fuzz-jsonrpc: write: %s\n", strerror(errno));
            abort();
        }
        done += (size_t) n;
    }
    shutdown(fd, SHUT_WR);

    struct jsonrpc *rpc = jsonrpc_open(server);
    for (int i = 0; i < 100000; i++) {
        struct jsonrpc_msg *msg;
        error = jsonrpc_recv(rpc, &msg);
        if (error == -EAGAIN) {
            continue;           /* Data already queued; the next call reads it. */
        } else if (error) {
            break;
        }
        check_round_trip(msg);
        jsonrpc_msg_destroy(msg);
    }
    jsonrpc_close(rpc);
    stream_close(client);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT) {
        return 0;
    }
    fuzz_stream(data, size);

    json_error_t jerr;
    json_t *j = json_loadb((const char *) data, size, JSON_DECODE_ANY, &jerr);
    if (j) {
        struct jsonrpc_msg *msg;
        char *error = jsonrpc_msg_from_json(j, &msg);
        if (error) {
            free(error);
        } else {
            check_round_trip(msg);
            jsonrpc_msg_destroy(msg);
        }
        json_decref(j);
    }
    return 0;
}
