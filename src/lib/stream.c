/*
 * stream — non-blocking unix, TCP and SSL (OpenSSL) byte streams with OVS remote names. See
 * stream.h.
 *
 * A struct stream is a connected (or connecting) socket plus its name; a struct pstream a listening
 * socket. Unix socket paths longer than sun_path are reached through /proc/self/fd/N/NAME, where N is
 * an O_PATH descriptor of the directory (as OVS does), so deep test directories work.
 */
#include "lib/stream.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "lib/poll-loop.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(stream);

/* ---- Types ---- */

enum stream_state { SCS_CONNECTING, SCS_SSL_HANDSHAKE, SCS_CONNECTED, SCS_FAILED };

struct stream {
    char *name;                /* "unix:PATH", "tcp:IP:PORT", "ssl:IP:PORT" */
    int fd;
    enum stream_state state;
    int error;                 /* SCS_FAILED: the negative errno */
    SSL *ssl;                  /* ssl: streams only */
    short ssl_want;            /* POLLIN or POLLOUT: what OpenSSL last waited for */
};

struct pstream {
    char *name;
    int fd;
    bool ssl;                  /* pssl: wrap accepted connections in SSL */
    char *unlink_path;         /* punix: the socket file to remove on close */
    int bound_port;            /* ptcp: the port actually bound */
    unsigned int n_accepted;   /* for naming accepted unix streams */
};

/* ---- SSL configuration ---- */

/* The files set by stream_ssl_set_files() and the context built from them (lazily, rebuilt when a
 * file name changes). One context serves both directions: our certificate is presented, and the
 * peer must present one signed by the CA (SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT). */
static struct {
    char *private_key, *certificate, *ca_cert;
    SSL_CTX *ctx;
    bool dirty;
} ssl_cfg;

static void
replace_string(char **dst, const char *src)
{
    if (src && (!*dst || strcmp(*dst, src))) {
        free(*dst);
        *dst = xstrdup(src);
        ssl_cfg.dirty = true;
    }
}

void
stream_ssl_set_files(const char *private_key, const char *certificate, const char *ca_cert)
{
    replace_string(&ssl_cfg.private_key, private_key);
    replace_string(&ssl_cfg.certificate, certificate);
    replace_string(&ssl_cfg.ca_cert, ca_cert);
}

/* Appends OpenSSL's queued error messages to DS and clears the queue. */
static void
put_ssl_errors(struct ds *ds)
{
    unsigned long e;
    while ((e = ERR_get_error())) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        ds_put_format(ds, " (%s)", buf);
    }
}

/* The SSL context, or NULL with *ERRORP (malloc'd) saying what is missing or wrong. */
static SSL_CTX *
ssl_get_ctx(char **errorp)
{
    *errorp = NULL;
    if (ssl_cfg.ctx && !ssl_cfg.dirty) {
        return ssl_cfg.ctx;
    }
    if (!ssl_cfg.private_key || !ssl_cfg.certificate || !ssl_cfg.ca_cert) {
        *errorp = xasprintf("SSL needs a private key, a certificate and a CA certificate (missing: "
                            "%s%s%s)", ssl_cfg.private_key ? "" : "private key ",
                            ssl_cfg.certificate ? "" : "certificate ",
                            ssl_cfg.ca_cert ? "" : "CA certificate");
        return NULL;
    }
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    struct ds ds = DS_EMPTY_INITIALIZER;
    if (!ctx) {
        ds_put_cstr(&ds, "cannot create an SSL context");
    } else if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)) {
        ds_put_cstr(&ds, "cannot require TLS 1.2");
    } else if (SSL_CTX_use_certificate_chain_file(ctx, ssl_cfg.certificate) != 1) {
        ds_put_format(&ds, "%s: cannot load the certificate", ssl_cfg.certificate);
    } else if (SSL_CTX_use_PrivateKey_file(ctx, ssl_cfg.private_key, SSL_FILETYPE_PEM) != 1) {
        ds_put_format(&ds, "%s: cannot load the private key", ssl_cfg.private_key);
    } else if (SSL_CTX_check_private_key(ctx) != 1) {
        ds_put_format(&ds, "%s does not match the certificate %s", ssl_cfg.private_key,
                      ssl_cfg.certificate);
    } else if (SSL_CTX_load_verify_locations(ctx, ssl_cfg.ca_cert, NULL) != 1) {
        ds_put_format(&ds, "%s: cannot load the CA certificate", ssl_cfg.ca_cert);
    }
    if (ds.len) {
        put_ssl_errors(&ds);
        if (ctx) {
            SSL_CTX_free(ctx);
        }
        *errorp = ds_steal_cstr(&ds);
        return NULL;
    }
    STACK_OF(X509_NAME) *cas = SSL_load_client_CA_file(ssl_cfg.ca_cert);
    if (cas) {
        SSL_CTX_set_client_CA_list(ctx, cas);
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (ssl_cfg.ctx) {
        SSL_CTX_free(ssl_cfg.ctx);      /* Existing connections keep their own reference. */
    }
    ssl_cfg.ctx = ctx;
    ssl_cfg.dirty = false;
    return ctx;
}

bool
stream_ssl_is_configured(void)
{
    char *error;
    SSL_CTX *ctx = ssl_get_ctx(&error);
    free(error);
    return ctx != NULL;
}

/* Wraps connected socket S->fd in SSL as client (CONNECT) or server. Returns 0 or -errno. */
static int
ssl_attach(struct stream *s, bool connect)
{
    char *error;
    SSL_CTX *ctx = ssl_get_ctx(&error);
    if (!ctx) {
        VLOG_WARN("%s: %s", s->name, error);
        free(error);
        return -ENOPROTOOPT;
    }
    s->ssl = SSL_new(ctx);
    if (!s->ssl || SSL_set_fd(s->ssl, s->fd) != 1) {
        struct ds ds = DS_EMPTY_INITIALIZER;
        put_ssl_errors(&ds);
        VLOG_WARN("%s: cannot set up SSL%s", s->name, ds_cstr(&ds));
        ds_destroy(&ds);
        return -ENOMEM;
    }
    if (connect) {
        SSL_set_connect_state(s->ssl);
    } else {
        SSL_set_accept_state(s->ssl);
    }
    s->ssl_want = POLLOUT;
    return 0;
}

/* Maps the result RET of an SSL_* call on S to -EAGAIN (setting what to wait for), 0 (clean end
 * of stream) or -EPROTO/-errno (logged). */
static int
ssl_result(struct stream *s, int ret, const char *what)
{
    int err = SSL_get_error(s->ssl, ret);
    switch (err) {
    case SSL_ERROR_WANT_READ:
        s->ssl_want = POLLIN;
        return -EAGAIN;
    case SSL_ERROR_WANT_WRITE:
        s->ssl_want = POLLOUT;
        return -EAGAIN;
    case SSL_ERROR_ZERO_RETURN:
        return 0;
    case SSL_ERROR_SYSCALL:
        if (!ERR_peek_error()) {
            return errno && errno != EAGAIN ? -errno : 0;   /* EOF without close_notify. */
        }
        /* fall through */
    default: {
        struct ds ds = DS_EMPTY_INITIALIZER;
        put_ssl_errors(&ds);
        long verify = SSL_get_verify_result(s->ssl);
        if (verify != X509_V_OK) {
            ds_put_format(&ds, " (peer certificate: %s)",
                          X509_verify_cert_error_string(verify));
        }
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);
        VLOG_WARN_RL(&rl, "%s: SSL %s failed%s", s->name, what, ds_cstr(&ds));
        ds_destroy(&ds);
        return -EPROTO;
    }
    }
}

/* ---- Address parsing ---- */

/* Fills *SUN for PATH. If PATH does not fit sun_path, opens its directory O_PATH into *DIRFD and
 * uses /proc/self/fd/N/BASENAME. Returns 0 or -errno (-ENAMETOOLONG if even that does not fit). */
static int
make_unix_sockaddr(const char *path, struct sockaddr_un *sun, socklen_t *lenp, int *dirfd)
{
    *dirfd = -1;
    memset(sun, 0, sizeof *sun);
    sun->sun_family = AF_UNIX;
    if (strlen(path) < sizeof sun->sun_path) {
        strlcpy(sun->sun_path, path, sizeof sun->sun_path);
    } else {
        const char *slash = strrchr(path, '/');
        if (!slash) {
            return -ENAMETOOLONG;
        }
        char *dir = xmemdup0(path, (size_t) (slash - path) + (slash == path));
        int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        int error = fd < 0 ? -errno : 0;
        free(dir);
        if (error) {
            return error;
        }
        int n = snprintf(sun->sun_path, sizeof sun->sun_path, "/proc/self/fd/%d/%s", fd, slash + 1);
        if (n < 0 || (size_t) n >= sizeof sun->sun_path) {
            close(fd);
            return -ENAMETOOLONG;
        }
        *dirfd = fd;
    }
    *lenp = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + strlen(sun->sun_path) + 1);
    return 0;
}

/* Parses HOST (IPv4, IPv6 without brackets, or a resolvable name) and PORT into *SS. Returns NULL or a
 * malloc'd error. */
static char *
make_inet_sockaddr(const char *host, const char *port_s, bool port_required,
                   struct sockaddr_storage *ss, socklen_t *lenp)
{
    uint64_t port;
    if (!port_s || !*port_s) {
        if (port_required) {
            return xstrdup("port number is missing");
        }
        port = 0;
    } else if (!str_to_uint64(port_s, 10, 65535, &port)) {
        return xasprintf("\"%s\" is not a valid port number (0 to 65535)", port_s);
    }
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *sin = (struct sockaddr_in *) ss;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) ss;
    if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t) port);
        *lenp = sizeof *sin;
        return NULL;
    }
    if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t) port);
        *lenp = sizeof *sin6;
        return NULL;
    }
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc || !res) {
        return xasprintf("\"%s\" is not a valid IP address (%s)", host,
                         rc ? gai_strerror(rc) : "no address");
    }
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *lenp = res->ai_addrlen;
    if (ss->ss_family == AF_INET) {
        sin->sin_port = htons((uint16_t) port);
    } else {
        sin6->sin6_port = htons((uint16_t) port);
    }
    freeaddrinfo(res);
    return NULL;
}

/* Splits "IP:PORT" or "[IPv6]:PORT" (active) into host and port. Returns NULL or a malloc'd error. */
static char *
parse_active_tcp(const char *target, struct sockaddr_storage *ss, socklen_t *lenp)
{
    char *host, *port;
    if (target[0] == '[') {
        const char *close = strchr(target, ']');
        if (!close) {
            return xasprintf("\"%s\": missing ']' after IPv6 address", target);
        }
        host = xmemdup0(target + 1, (size_t) (close - target - 1));
        port = xstrdup(close[1] == ':' ? close + 2 : "");
    } else {
        const char *colon = strrchr(target, ':');
        if (!colon) {
            return xasprintf("\"%s\": expected IP:PORT", target);
        }
        host = xmemdup0(target, (size_t) (colon - target));
        port = xstrdup(colon + 1);
    }
    char *error = NULL;
    if (!host[0]) {
        error = xasprintf("\"%s\": IP address is missing", target);
    } else {
        error = make_inet_sockaddr(host, port, true, ss, lenp);
    }
    free(host);
    free(port);
    return error;
}

/* Parses "PORT[:IP]" (passive); IP may be in brackets. */
static char *
parse_passive_tcp(const char *target, struct sockaddr_storage *ss, socklen_t *lenp)
{
    const char *colon = strchr(target, ':');
    char *port = colon ? xmemdup0(target, (size_t) (colon - target)) : xstrdup(target);
    char *host;
    if (colon) {
        const char *h = colon + 1;
        size_t n = strlen(h);
        if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
            host = xmemdup0(h + 1, n - 2);
        } else {
            host = xstrdup(h);
        }
    } else {
        host = xstrdup("0.0.0.0");
    }
    char *error = make_inet_sockaddr(host[0] ? host : "0.0.0.0", port, false, ss, lenp);
    free(host);
    free(port);
    return error;
}

typedef char *inet_parse_func(const char *, struct sockaddr_storage *, socklen_t *);

/* Checks the address of a tcp:/ssl:/ptcp:/pssl: NAME (what follows its PREFIX_LEN-byte method) with
 * PARSE and, for SSL, that the SSL configuration loads. Returns NULL or a malloc'd message. */
static char *
verify_inet_name(const char *name, size_t prefix_len, inet_parse_func *parse, bool ssl)
{
    struct sockaddr_storage ss;
    socklen_t len;
    char *error = parse(name + prefix_len, &ss, &len);

    if (!error && ssl) {
        ssl_get_ctx(&error);
    }
    if (error) {
        char *e = xasprintf("%s: %s", name, error);
        free(error);
        return e;
    }
    return NULL;
}

char *
stream_verify_name(const char *name)
{
    if (!strncmp(name, "unix:", 5)) {
        return name[5] ? NULL : xasprintf("\"%s\": socket path is missing", name);
    } else if (!strncmp(name, "tcp:", 4)) {
        return verify_inet_name(name, 4, parse_active_tcp, false);
    } else if (!strncmp(name, "ssl:", 4)) {
        return verify_inet_name(name, 4, parse_active_tcp, true);
    }
    return xasprintf("\"%s\": unknown connection method (expected unix:PATH, tcp:IP:PORT or "
                     "ssl:IP:PORT)", name);
}

char *
pstream_verify_name(const char *name)
{
    if (!strncmp(name, "punix:", 6)) {
        return name[6] ? NULL : xasprintf("\"%s\": socket path is missing", name);
    } else if (!strncmp(name, "ptcp:", 5)) {
        return verify_inet_name(name, 5, parse_passive_tcp, false);
    } else if (!strncmp(name, "pssl:", 5)) {
        return verify_inet_name(name, 5, parse_passive_tcp, true);
    }
    return xasprintf("\"%s\": unknown listening method (expected punix:PATH, ptcp:PORT[:IP] or "
                     "pssl:PORT[:IP])", name);
}

/* ---- Active streams ---- */

static struct stream *
stream_create(const char *name, int fd, enum stream_state state)
{
    struct stream *s = xzalloc(sizeof *s);
    s->name = xstrdup(name);
    s->fd = fd;
    s->state = state;
    return s;
}

int
stream_open(const char *name, struct stream **streamp)
{
    *streamp = NULL;
    int fd = -1;
    int error = 0;
    if (!strncmp(name, "unix:", 5)) {
        struct sockaddr_un sun;
        socklen_t len;
        int dirfd;
        if (!name[5]) {
            return -EINVAL;
        }
        error = make_unix_sockaddr(name + 5, &sun, &len, &dirfd);
        if (error) {
            return error;
        }
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            error = -errno;
        } else if (connect(fd, (struct sockaddr *) &sun, len) < 0 && errno != EINPROGRESS) {
            /* A unix connect on a full backlog gives EAGAIN: treat as "in progress". */
            error = errno == EAGAIN ? 0 : -errno;
        }
        if (dirfd >= 0) {
            close(dirfd);
        }
    } else if (!strncmp(name, "tcp:", 4) || !strncmp(name, "ssl:", 4)) {
        struct sockaddr_storage ss;
        socklen_t len;
        char *perr = parse_active_tcp(name + 4, &ss, &len);
        if (perr) {
            VLOG_DBG("%s: %s", name, perr);
            free(perr);
            return -EINVAL;
        }
        fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            error = -errno;
        } else {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (connect(fd, (struct sockaddr *) &ss, len) < 0 && errno != EINPROGRESS) {
                error = -errno;
            }
        }
    } else {
        return -EAFNOSUPPORT;
    }
    if (error) {
        if (fd >= 0) {
            close(fd);
        }
        return error;
    }
    *streamp = stream_create(name, fd, SCS_CONNECTING);
    if (!strncmp(name, "ssl:", 4)) {
        error = ssl_attach(*streamp, true);
        if (error) {
            stream_close(*streamp);
            *streamp = NULL;
            return error;
        }
    }
    stream_connect(*streamp);
    return 0;
}

/* Advances S's SSL handshake. */
static int
ssl_handshake(struct stream *s)
{
    ERR_clear_error();
    int ret = SSL_do_handshake(s->ssl);
    if (ret == 1) {
        s->state = SCS_CONNECTED;
        return 0;
    }
    int error = ssl_result(s, ret, "handshake");
    if (error == -EAGAIN) {
        return error;
    }
    s->state = SCS_FAILED;
    s->error = error ? error : -ECONNRESET;
    return s->error;
}

int
stream_connect(struct stream *s)
{
    if (s->state == SCS_CONNECTED) {
        return 0;
    } else if (s->state == SCS_FAILED) {
        return s->error;
    } else if (s->state == SCS_SSL_HANDSHAKE) {
        return ssl_handshake(s);
    }
    struct pollfd pfd = { .fd = s->fd, .events = POLLOUT };
    int n = poll(&pfd, 1, 0);
    if (n < 0) {
        return errno == EINTR ? -EAGAIN : -errno;
    } else if (n == 0) {
        return -EAGAIN;
    }
    int soerr = 0;
    socklen_t len = sizeof soerr;
    if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0) {
        soerr = errno;
    }
    if (soerr) {
        s->state = SCS_FAILED;
        s->error = -soerr;
        return s->error;
    }
    if (s->ssl) {
        s->state = SCS_SSL_HANDSHAKE;
        return ssl_handshake(s);
    }
    s->state = SCS_CONNECTED;
    return 0;
}

int
stream_open_block(const char *name, int timeout_ms, struct stream **streamp)
{
    struct stream *s;
    int error = stream_open(name, &s);
    *streamp = NULL;
    if (error) {
        return error;
    }
    long long deadline = timeout_ms < 0 ? -1 : time_msec() + timeout_ms;
    while ((error = stream_connect(s)) == -EAGAIN) {
        int wait = -1;
        if (deadline >= 0) {
            long long left = deadline - time_msec();
            if (left <= 0) {
                error = -ETIMEDOUT;
                break;
            }
            wait = (int) left;
        }
        struct pollfd pfd = { .fd = s->fd,
                              .events = s->state == SCS_SSL_HANDSHAKE ? s->ssl_want : POLLOUT };
        poll(&pfd, 1, wait);
    }
    if (error) {
        stream_close(s);
        return error;
    }
    *streamp = s;
    return 0;
}

ssize_t
stream_recv(struct stream *s, void *buf, size_t n)
{
    int error = stream_connect(s);
    if (error) {
        return error;
    }
    if (s->ssl) {
        ERR_clear_error();
        int r = SSL_read(s->ssl, buf, n > INT_MAX ? INT_MAX : (int) n);
        return r > 0 ? r : ssl_result(s, r, "receive");
    }
    for (;;) {
        ssize_t r = recv(s->fd, buf, n, 0);
        if (r >= 0) {
            return r;
        } else if (errno != EINTR) {
            return errno == EWOULDBLOCK ? -EAGAIN : -errno;
        }
    }
}

ssize_t
stream_send(struct stream *s, const void *buf, size_t n)
{
    int error = stream_connect(s);
    if (error) {
        return error;
    }
    if (n == 0) {
        return 0;
    }
    if (s->ssl) {
        ERR_clear_error();
        int r = SSL_write(s->ssl, buf, n > INT_MAX ? INT_MAX : (int) n);
        if (r > 0) {
            return r;
        }
        int error = ssl_result(s, r, "send");
        return error ? error : -EPIPE;
    }
    for (;;) {
        ssize_t r = send(s->fd, buf, n, MSG_NOSIGNAL);
        if (r >= 0) {
            return r;
        } else if (errno != EINTR) {
            return errno == EWOULDBLOCK ? -EAGAIN : -errno;
        }
    }
}

void
stream_connect_wait(struct stream *s)
{
    if (s->state == SCS_CONNECTING) {
        poll_fd_wait(s->fd, POLLOUT);
    } else if (s->state == SCS_SSL_HANDSHAKE) {
        poll_fd_wait(s->fd, s->ssl_want);
    } else {
        poll_immediate_wake();
    }
}

void
stream_recv_wait(struct stream *s)
{
    if (s->state == SCS_CONNECTING) {
        poll_fd_wait(s->fd, POLLOUT);
    } else if (s->state == SCS_SSL_HANDSHAKE) {
        poll_fd_wait(s->fd, s->ssl_want);
    } else if (s->state == SCS_FAILED || (s->ssl && SSL_pending(s->ssl) > 0)) {
        poll_immediate_wake();          /* Decrypted bytes are already buffered. */
    } else {
        /* OpenSSL may need to write (renegotiation) before it can read. */
        poll_fd_wait(s->fd, s->ssl && s->ssl_want == POLLOUT ? POLLIN | POLLOUT : POLLIN);
    }
}

void
stream_send_wait(struct stream *s)
{
    if (s->state == SCS_FAILED) {
        poll_immediate_wake();
    } else if (s->state == SCS_SSL_HANDSHAKE) {
        poll_fd_wait(s->fd, s->ssl_want);
    } else {
        poll_fd_wait(s->fd, s->ssl && s->ssl_want == POLLIN ? POLLIN | POLLOUT : POLLOUT);
    }
}

const char *
stream_get_name(const struct stream *s)
{
    return s->name;
}

int
stream_get_fd(const struct stream *s)
{
    return s->fd;
}

void
stream_close(struct stream *s)
{
    if (s) {
        if (s->ssl) {
            if (s->state == SCS_CONNECTED) {
                SSL_shutdown(s->ssl);       /* Best effort: sends close_notify, never waits. */
            }
            SSL_free(s->ssl);
        }
        if (s->fd >= 0) {
            close(s->fd);
        }
        free(s->name);
        free(s);
    }
}

/* ---- Passive streams ---- */

int
pstream_open(const char *name, struct pstream **pstreamp)
{
    *pstreamp = NULL;
    int fd = -1;
    int error = 0;
    int port = 0;
    char *unlink_path = NULL;

    if (!strncmp(name, "punix:", 6)) {
        const char *path = name + 6;
        struct sockaddr_un sun;
        socklen_t len;
        int dirfd;
        if (!path[0]) {
            return -EINVAL;
        }
        error = make_unix_sockaddr(path, &sun, &len, &dirfd);
        if (error) {
            return error;
        }
        /* Only remove an existing socket, never a regular file someone typed by mistake. */
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
            unlink(path);
        }
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            error = -errno;
        } else if (bind(fd, (struct sockaddr *) &sun, len) < 0) {
            error = -errno;
        } else {
            unlink_path = xstrdup(path);
            /* Owner and group may connect, others not (as OVS): 0750 whatever the umask. */
            if (chmod(path, 0750) < 0) {
                error = -errno;
            } else if (listen(fd, 64) < 0) {
                error = -errno;
            }
        }
        if (dirfd >= 0) {
            close(dirfd);
        }
    } else if (!strncmp(name, "ptcp:", 5) || !strncmp(name, "pssl:", 5)) {
        char *cerr = NULL;
        if (!strncmp(name, "pssl:", 5) && !ssl_get_ctx(&cerr)) {
            VLOG_WARN("%s: %s", name, cerr);
            free(cerr);
            return -ENOPROTOOPT;
        }
        struct sockaddr_storage ss;
        socklen_t len;
        char *perr = parse_passive_tcp(name + 5, &ss, &len);
        if (perr) {
            VLOG_DBG("%s: %s", name, perr);
            free(perr);
            return -EINVAL;
        }
        fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            error = -errno;
        } else {
            int one = 1;
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
            if (bind(fd, (struct sockaddr *) &ss, len) < 0 || listen(fd, 64) < 0) {
                error = -errno;
            } else {
                struct sockaddr_storage bound;
                socklen_t blen = sizeof bound;
                if (getsockname(fd, (struct sockaddr *) &bound, &blen) == 0) {
                    port = ntohs(bound.ss_family == AF_INET
                                 ? ((struct sockaddr_in *) &bound)->sin_port
                                 : ((struct sockaddr_in6 *) &bound)->sin6_port);
                }
            }
        }
    } else {
        return -EAFNOSUPPORT;
    }
    if (error) {
        if (fd >= 0) {
            close(fd);
        }
        if (unlink_path) {
            unlink(unlink_path);
            free(unlink_path);
        }
        return error;
    }
    struct pstream *ps = xzalloc(sizeof *ps);
    ps->name = xstrdup(name);
    ps->fd = fd;
    ps->unlink_path = unlink_path;
    ps->bound_port = port;
    ps->ssl = !strncmp(name, "pssl:", 5);
    *pstreamp = ps;
    return 0;
}

int
pstream_accept(struct pstream *ps, struct stream **streamp)
{
    *streamp = NULL;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int fd;
    do {
        fd = accept4(ps->fd, (struct sockaddr *) &ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        return errno == EWOULDBLOCK ? -EAGAIN : -errno;
    }
    char *name;
    if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6) {
        char ip[INET6_ADDRSTRLEN] = "?";
        int port;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (ss.ss_family == AF_INET) {
            struct sockaddr_in *sin = (struct sockaddr_in *) &ss;
            inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof ip);
            port = ntohs(sin->sin_port);
            name = xasprintf("%s:%s:%d", ps->ssl ? "ssl" : "tcp", ip, port);
        } else {
            struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &ss;
            inet_ntop(AF_INET6, &sin6->sin6_addr, ip, sizeof ip);
            port = ntohs(sin6->sin6_port);
            name = xasprintf("%s:[%s]:%d", ps->ssl ? "ssl" : "tcp", ip, port);
        }
    } else {
        name = xasprintf("unix#%u", ++ps->n_accepted);
    }
    struct stream *s = stream_create(name, fd, ps->ssl ? SCS_SSL_HANDSHAKE : SCS_CONNECTED);
    free(name);
    if (ps->ssl) {
        int error = ssl_attach(s, false);
        if (error) {
            stream_close(s);
            return error;
        }
        s->ssl_want = POLLIN;       /* The server waits for the ClientHello. */
    }
    *streamp = s;
    return 0;
}

void
pstream_wait(struct pstream *ps)
{
    poll_fd_wait(ps->fd, POLLIN);
}

const char *
pstream_get_name(const struct pstream *ps)
{
    return ps->name;
}

int
pstream_get_bound_port(const struct pstream *ps)
{
    return ps->bound_port;
}

void
pstream_close(struct pstream *ps)
{
    if (ps) {
        close(ps->fd);
        if (ps->unlink_path) {
            unlink(ps->unlink_path);
            free(ps->unlink_path);
        }
        free(ps->name);
        free(ps);
    }
}
