/*
 * stream — byte streams over unix and TCP sockets, with OVS's remote syntax.
 *
 * Active names:  "unix:PATH", "tcp:IP:PORT" (IPv6 as "tcp:[::1]:PORT"), "ssl:IP:PORT".
 * Passive names: "punix:PATH", "ptcp:PORT[:IP]" (IP defaults to 0.0.0.0), "pssl:PORT[:IP]".
 *
 * SSL (TLS 1.2 or later, OpenSSL) needs stream_ssl_set_files() first: our private key and
 * certificate are presented to the peer, and the peer must present a certificate signed by the CA
 * certificate, in both directions (peer verification is always on, as in OVS). The handshake runs
 * inside stream_connect() (active) or the first stream_recv()/stream_send() (accepted); its
 * failures (e.g. "certificate verify failed") are logged with OpenSSL's reason and end the stream
 * with -EPROTO.
 *
 * All sockets are non-blocking. Functions return 0 or a negative errno; -EAGAIN means "not yet, wait".
 * A stream belongs to one thread.
 */
#ifndef UVS_STREAM_H
#define UVS_STREAM_H 1

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct stream;
struct pstream;

/* Sets the PEM files SSL streams use (NULL leaves that one unchanged); takes effect for streams
 * opened afterwards. File errors are reported when an SSL stream is opened or a name verified. */
void stream_ssl_set_files(const char *private_key, const char *certificate, const char *ca_cert);
/* True if the three files are set and load (key matches certificate, CA readable). */
bool stream_ssl_is_configured(void);

/* Validates NAME's syntax without opening: returns NULL or a malloc'd message saying what is wrong. */
char *stream_verify_name(const char *name);
char *pstream_verify_name(const char *name);

/* Starts connecting to NAME. Returns 0 and sets *streamp, or -errno (-EAFNOSUPPORT for an unknown
 * prefix, -EINVAL for bad syntax, -ENOENT/-ECONNREFUSED from connect). The connection may still be
 * in progress: check stream_connect(). */
int stream_open(const char *name, struct stream **streamp);
/* Like stream_open() but waits up to TIMEOUT_MS (negative = forever) until connected. */
int stream_open_block(const char *name, int timeout_ms, struct stream **streamp);
/* Returns 0 when connected, -EAGAIN while in progress, or -errno on failure. */
int stream_connect(struct stream *);
/* Receives up to N bytes: returns bytes received (>0), 0 at end of stream, or -errno (-EAGAIN). */
ssize_t stream_recv(struct stream *, void *buf, size_t n);
/* Sends up to N bytes: returns bytes sent (>0) or -errno (-EAGAIN). */
ssize_t stream_send(struct stream *, const void *buf, size_t n);
void stream_connect_wait(struct stream *);
void stream_recv_wait(struct stream *);
void stream_send_wait(struct stream *);
const char *stream_get_name(const struct stream *);
int stream_get_fd(const struct stream *);
void stream_close(struct stream *);

/* Listens on NAME. For punix, an existing socket file is unlinked first, the new one is made mode
 * 0750 (owner and group may connect) and the file is removed by
 * pstream_close(). Returns 0 or -errno. */
int pstream_open(const char *name, struct pstream **pstreamp);
/* Accepts one connection: returns 0 and sets *streamp, or -errno (-EAGAIN when none is pending). */
int pstream_accept(struct pstream *, struct stream **streamp);
void pstream_wait(struct pstream *);
const char *pstream_get_name(const struct pstream *);
/* For ptcp: the bound port (useful with "ptcp:0"). 0 for punix. */
int pstream_get_bound_port(const struct pstream *);
void pstream_close(struct pstream *);

#endif
