/*
 * fuzz-ovsdb-log — libFuzzer target for the OVSDB log reader (ovsdb/ovsdb-log.c) and the database
 * file loader built on it (ovsdb/ovsdb-file.c: schema record, then transaction records replayed).
 *
 * The input becomes a database file in two ways, chosen by its first byte:
 *   - 'R': the rest is a list of record bodies separated by newlines; the harness frames each as
 *     "OVSDB JSON <len> <sha1>\n<body>\n" with a correct length and checksum, so mutations reach the
 *     JSON, the schema parser and the transaction replay instead of dying at the checksum;
 *   - anything else: the whole input is the file, byte for byte (headers, lengths, checksums and
 *     torn tails are fuzzed).
 * The file is then read record by record with ovsdb_log_read() until the end or the first error
 * (each error must carry a tag), and loaded read-only with ovsdb_file_open(); a database that loads
 * must satisfy every invariant of ovsdb-check.h. Nothing may crash or leak.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "lib/vlog.h"
#include "ovsdb-check.h"
#include "ovsdb/ovsdb-error.h"
#include "ovsdb/ovsdb-file.h"
#include "ovsdb/ovsdb-log.h"

#define FUZZ_MAX_INPUT (64 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char file_name[] = "/tmp/uvs-fuzz-ovsdb-log-XXXXXX";

static void
cleanup(void)
{
    unlink(file_name);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc;
    (void) argv;
    free(vlog_set_levels_from_string("ANY:ANY:off"));
    int fd = mkstemp(file_name);
    if (fd < 0) {
        perror("fuzz-ovsdb-log: mkstemp");
        abort();
    }
    close(fd);
    atexit(cleanup);
    return 0;
}

static void
write_file(const void *data, size_t size)
{
    FILE *f = fopen(file_name, "w");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f)) {
        perror("fuzz-ovsdb-log: writing the database file");
        abort();
    }
}

/* Frames each newline-separated body of DATA as a log record. */
static void
write_framed(const uint8_t *data, size_t size)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    size_t start = 0;
    while (start < size) {
        const uint8_t *nl = memchr(data + start, '\n', size - start);
        size_t end = nl ? (size_t) (nl - data) + 1 : size;
        size_t body_len = end - start;
        char sha1[41];
        ovsdb_log_sha1_hex(data + start, body_len, sha1);
        ds_put_format(&ds, "OVSDB JSON %zu %s\n", body_len, sha1);
        ds_put_buffer(&ds, (const char *) data + start, body_len);
        start = end;
    }
    write_file(ds_cstr(&ds), ds.len);
    ds_destroy(&ds);
}

static void
read_records(void)
{
    struct ovsdb_log *log;
    struct ovsdb_error *error = ovsdb_log_open(file_name, OVSDB_LOG_READ_ONLY, &log);
    if (error) {
        ovsdb_error_destroy(error);
        return;
    }
    for (unsigned long long n = 0;; n++) {
        json_t *json;
        error = ovsdb_log_read(log, &json);
        if (error) {
            if (!ovsdb_error_get_tag(error) || !*ovsdb_error_get_tag(error)) {
                fprintf(stderr, "fuzz-ovsdb-log: a read error without a tag\n");
                abort();
            }
            ovsdb_error_destroy(error);
            /* Once damaged, the log reads as ended. */
            error = ovsdb_log_read(log, &json);
            if (error || json) {
                fprintf(stderr, "fuzz-ovsdb-log: reading past a damaged record gave more\n");
                abort();
            }
            break;
        }
        if (!json) {
            if (ovsdb_log_get_n_records(log) != n) {
                fprintf(stderr, "fuzz-ovsdb-log: read %llu records, the log counts %llu\n", n,
                        ovsdb_log_get_n_records(log));
                abort();
            }
            break;
        }
        json_decref(json);
    }
    ovsdb_log_close(log);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT) {
        return 0;
    }
    if (size >= 1 && data[0] == 'R') {
        write_framed(data + 1, size - 1);
    } else {
        write_file(data, size);
    }

    read_records();

    struct ovsdb *db;
    struct ovsdb_error *error = ovsdb_file_open(file_name, true, &db, NULL);
    if (error) {
        ovsdb_error_destroy(error);
    } else {
        ovsdb_check_invariants(db);
        ovsdb_destroy(db);
    }
    return 0;
}
