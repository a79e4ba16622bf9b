/* ovsdb-log — append-only record files with SHA-1 checksums; see ovsdb-log.h. */
#include "ovsdb/ovsdb-log.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdarg.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"
#include "ovsdb/ovsdb-error.h"

#define MAGIC "OVSDB JSON"
#define MAX_HEADER 128

struct ovsdb_log {
    char *name;
    int fd;
    enum ovsdb_log_open_mode mode;
    off_t offset;                   /* End of the last good record. */
    off_t damaged;                  /* Bytes after 'offset' that are not a good record. */
    bool read_done;                 /* Reads hit EOF or damage. */
    unsigned long long n_records;
};

void
ovsdb_log_sha1_hex(const void *data, size_t size, char hex[41])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (!EVP_Digest(data, size, md, &md_len, EVP_sha1(), NULL) || md_len != 20) {
        uvs_fatal(0, "SHA-1 computation failed (OpenSSL EVP)");
    }
    for (unsigned int i = 0; i < md_len; i++) {
        snprintf(&hex[i * 2], 3, "%02x", md[i]);
    }
    hex[40] = '\0';
}

struct ovsdb_error *
ovsdb_log_open(const char *file_name, enum ovsdb_log_open_mode mode, struct ovsdb_log **logp)
{
    *logp = NULL;
    int flags = mode == OVSDB_LOG_READ_ONLY ? O_RDONLY
                : mode == OVSDB_LOG_READ_WRITE ? O_RDWR
                : O_RDWR | O_CREAT | O_EXCL;
    int fd = open(file_name, flags | O_CLOEXEC, 0644);
    if (fd < 0) {
        int err = errno;
        if (mode == OVSDB_LOG_CREATE_EXCL && err == EEXIST) {
            return ovsdb_io_error(err, "%s: cannot create database (remove it first to "
                                  "recreate it)", file_name);
        }
        return ovsdb_io_error(err, "%s: cannot open", file_name);
    }
    if (mode != OVSDB_LOG_READ_ONLY && flock(fd, LOCK_EX | LOCK_NB) < 0) {
        int err = errno;
        close(fd);
        if (err == EWOULDBLOCK) {
            return ovsdb_io_error(0, "%s: database file is locked by another process (is "
                                  "uvsdb-server already running on it?)", file_name);
        }
        return ovsdb_io_error(err, "%s: cannot lock", file_name);
    }
    struct ovsdb_log *log = xzalloc(sizeof *log);
    /* Absolute, so that compaction's rename still works after a daemon chdir("/"). */
    char *cwd = file_name[0] == '/' ? NULL : getcwd(NULL, 0);
    log->name = cwd ? xasprintf("%s/%s", cwd, file_name) : xstrdup(file_name);
    free(cwd);
    log->fd = fd;
    log->mode = mode;
    log->read_done = mode == OVSDB_LOG_CREATE_EXCL;
    *logp = log;
    return NULL;
}

void
ovsdb_log_close(struct ovsdb_log *log)
{
    if (log) {
        close(log->fd);
        free(log->name);
        free(log);
    }
}

const char *
ovsdb_log_get_name(const struct ovsdb_log *log)
{
    return log->name;
}

off_t
ovsdb_log_get_offset(const struct ovsdb_log *log)
{
    return log->offset;
}

unsigned long long
ovsdb_log_get_n_records(const struct ovsdb_log *log)
{
    return log->n_records;
}

off_t
ovsdb_log_get_damaged_bytes(const struct ovsdb_log *log)
{
    return log->damaged;
}

/* Reads exactly N bytes at OFFSET; returns bytes read (< N at EOF) or -errno. */
static ssize_t
read_at(int fd, void *buf, size_t n, off_t offset)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = pread(fd, (char *) buf + done, n - done, offset + done);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (r == 0) {
            break;
        }
        done += r;
    }
    return done;
}

static struct ovsdb_error *
damaged(struct ovsdb_log *log, off_t file_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Returns the offset of the first record header ("\n" MAGIC " ") that starts after FROM, or -1.
 * Record bodies are compact JSON whose only raw newline is their last byte, so this finds real
 * record boundaries only. */
static off_t
find_next_header(int fd, off_t from)
{
    static const char needle[] = "\n" MAGIC " ";
    const size_t nlen = sizeof needle - 1;
    char buf[65536];
    off_t pos = from;
    for (;;) {
        ssize_t n = read_at(fd, buf, sizeof buf, pos);
        if (n < (ssize_t) nlen) {
            return -1;
        }
        char *hit = memmem(buf, n, needle, nlen);
        if (hit) {
            return pos + (hit - buf) + 1;
        }
        pos += n - (nlen - 1);
    }
}

static struct ovsdb_error *
damaged(struct ovsdb_log *log, off_t file_size, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *msg = xvasprintf(fmt, args);
    va_end(args);
    log->read_done = true;
    log->damaged = file_size - log->offset;
    struct ovsdb_error *e;
    off_t next = find_next_header(log->fd, log->offset);
    if (next >= 0) {
        /* Good-looking records follow the bad one: this is not a torn final write but damage
         * in the middle of the file. Dropping everything after it would lose committed data, so
         * refuse (the caller leaves the file alone). */
        log->damaged = 0;
        e = ovsdb_error("corrupt database", "%s: record at offset %lld %s, and more records "
                        "follow it (the next at offset %lld), so this is corruption in the "
                        "middle of the file, not a torn write; the file was left untouched: "
                        "restore it from a backup, or cut it at offset %lld yourself to keep "
                        "only the records before it", log->name, (long long) log->offset, msg,
                        (long long) next, (long long) log->offset);
    } else {
        e = ovsdb_error("syntax error", "%s: record at offset %lld %s (%lld bytes from there to "
                        "the end of the file are not usable)", log->name,
                        (long long) log->offset, msg, (long long) log->damaged);
    }
    free(msg);
    return e;
}

/* Parses "OVSDB JSON <len> <sha1>" (NUL-terminated, no newline). */
static bool
parse_header(const char *header, size_t *lenp, char sha1[41])
{
    if (strncmp(header, MAGIC " ", strlen(MAGIC) + 1)) {
        return false;
    }
    const char *p = header + strlen(MAGIC) + 1;
    char *end;
    errno = 0;
    unsigned long long len = strtoull(p, &end, 10);
    if (errno || end == p || *end != ' ' || len > SIZE_MAX / 2) {
        return false;
    }
    p = end + 1;
    if (strlen(p) != 40) {
        return false;
    }
    for (int i = 0; i < 40; i++) {
        if (!strchr("0123456789abcdef", p[i])) {
            return false;
        }
    }
    memcpy(sha1, p, 41);
    *lenp = len;
    return true;
}

struct ovsdb_error *
ovsdb_log_read(struct ovsdb_log *log, json_t **jsonp)
{
    *jsonp = NULL;
    if (log->read_done) {
        return NULL;
    }
    struct stat st;
    if (fstat(log->fd, &st) < 0) {
        return ovsdb_io_error(errno, "%s: cannot stat", log->name);
    }
    if (log->offset >= st.st_size) {
        log->read_done = true;
        return NULL;
    }

    char header[MAX_HEADER + 1];
    ssize_t n = read_at(log->fd, header, MAX_HEADER, log->offset);
    if (n < 0) {
        return ovsdb_io_error(-n, "%s: read failed", log->name);
    }
    header[n] = '\0';
    char *nl = memchr(header, '\n', n);
    if (!nl) {
        return damaged(log, st.st_size, n < MAX_HEADER ? "is truncated in its header"
                                                       : "has no valid header");
    }
    *nl = '\0';
    size_t len;
    char expected[41];
    if (!strncmp(header, "OVSDB CLUSTER", 13)) {
        log->read_done = true;
        return ovsdb_error("not supported", "%s is a clustered OVSDB database; uvsdb supports "
                           "standalone databases only", log->name);
    }
    if (!parse_header(header, &len, expected)) {
        return damaged(log, st.st_size, "has an invalid header \"%.60s\"", header);
    }
    off_t body_offset = log->offset + (nl - header) + 1;
    char *body = xmalloc(len + 1);
    n = read_at(log->fd, body, len, body_offset);
    if (n < 0) {
        free(body);
        return ovsdb_io_error(-n, "%s: read failed", log->name);
    }
    if ((size_t) n < len) {
        free(body);
        return damaged(log, st.st_size, "is truncated (%zd of %zu bytes present)", n, len);
    }
    char actual[41];
    ovsdb_log_sha1_hex(body, len, actual);
    if (strcmp(actual, expected)) {
        free(body);
        return damaged(log, st.st_size, "has a checksum mismatch (header says %s, contents "
                       "hash to %s)", expected, actual);
    }
    json_error_t jerr;
    json_t *json = json_loadb(body, len, JSON_DECODE_ANY, &jerr);
    free(body);
    if (!json) {
        return damaged(log, st.st_size, "is not valid JSON (%s)", jerr.text);
    }
    log->offset = body_offset + len;
    log->n_records++;
    *jsonp = json;
    return NULL;
}

/* Formats JSON as a complete record in a malloc'd buffer. */
static char *
format_record(const json_t *json, size_t *sizep)
{
    char *text = json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!text) {
        return NULL;
    }
    size_t len = strlen(text) + 1;
    char *body = xmalloc(len + 1);
    memcpy(body, text, len - 1);
    body[len - 1] = '\n';
    body[len] = '\0';
    free(text);
    char sha1[41];
    ovsdb_log_sha1_hex(body, len, sha1);
    char *record = xasprintf(MAGIC " %zu %s\n%s", len, sha1, body);
    *sizep = strlen(record);
    free(body);
    return record;
}

static int
write_all(int fd, const char *buf, size_t n, off_t offset)
{
    size_t done = 0;
    while (done < n) {
        ssize_t w = pwrite(fd, buf + done, n - done, offset + done);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        done += w;
    }
    return 0;
}

struct ovsdb_error *
ovsdb_log_write(struct ovsdb_log *log, const json_t *json)
{
    if (log->mode == OVSDB_LOG_READ_ONLY) {
        return ovsdb_io_error(EBADF, "%s: database opened read-only", log->name);
    }
    if (!log->read_done || log->damaged) {
        /* Drop anything after the last good record (a torn tail, or unread records). */
        if (ftruncate(log->fd, log->offset) < 0) {
            return ovsdb_io_error(errno, "%s: cannot truncate damaged tail", log->name);
        }
        log->damaged = 0;
        log->read_done = true;
    }
    size_t size;
    char *record = format_record(json, &size);
    if (!record) {
        return ovsdb_error("internal error", "%s: cannot serialize record", log->name);
    }
    int err = write_all(log->fd, record, size, log->offset);
    free(record);
    if (err) {
        if (ftruncate(log->fd, log->offset) < 0) {
            /* Nothing more we can do; the next load will discard the partial record. */
        }
        return ovsdb_io_error(-err, "%s: write failed", log->name);
    }
    log->offset += size;
    log->n_records++;
    return NULL;
}

struct ovsdb_error *
ovsdb_log_truncate_tail(struct ovsdb_log *log)
{
    if (log->mode != OVSDB_LOG_READ_ONLY && log->damaged) {
        if (ftruncate(log->fd, log->offset) < 0) {
            return ovsdb_io_error(errno, "%s: cannot truncate damaged tail", log->name);
        }
        log->damaged = 0;
    }
    return NULL;
}

struct ovsdb_error *
ovsdb_log_commit(struct ovsdb_log *log)
{
    if (fsync(log->fd) < 0) {
        return ovsdb_io_error(errno, "%s: fsync failed", log->name);
    }
    return NULL;
}

static void
fsync_parent_dir(const char *file_name)
{
    char *copy = xstrdup(file_name);
    int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    free(copy);
}

struct ovsdb_error *
ovsdb_log_replace(struct ovsdb_log *log, json_t *const *records, size_t n)
{
    char *tmp_name = xasprintf("%s.tmp", log->name);
    struct ovsdb_error *error = NULL;
    int fd = open(tmp_name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        error = ovsdb_io_error(errno, "%s: cannot create", tmp_name);
        goto out;
    }
    flock(fd, LOCK_EX | LOCK_NB);
    off_t offset = 0;
    for (size_t i = 0; i < n && !error; i++) {
        size_t size;
        char *record = format_record(records[i], &size);
        int err = record ? write_all(fd, record, size, offset) : -EINVAL;
        free(record);
        if (err) {
            error = ovsdb_io_error(-err, "%s: write failed", tmp_name);
        }
        offset += size;
    }
    if (!error && fsync(fd) < 0) {
        error = ovsdb_io_error(errno, "%s: fsync failed", tmp_name);
    }
    if (!error && rename(tmp_name, log->name) < 0) {
        error = ovsdb_io_error(errno, "cannot rename %s to %s", tmp_name, log->name);
    }
    if (error) {
        if (fd >= 0) {
            close(fd);
        }
        unlink(tmp_name);
        goto out;
    }
    fsync_parent_dir(log->name);
    close(log->fd);
    log->fd = fd;
    log->offset = offset;
    log->damaged = 0;
    log->read_done = true;
    log->n_records = n;
out:
    free(tmp_name);
    return error;
}
