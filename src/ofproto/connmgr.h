/*
 * connmgr — the switch side of a bridge's OpenFlow channels (OpenFlow 1.3.5 §6.3).
 *
 * A connmgr listens on the bridge's management socket, punix:RUNDIR/BRIDGE.mgmt (what
 * `uvs-ofctl COMMAND BRIDGE` and `ovs-ofctl ... unix:RUNDIR/BRIDGE.mgmt` connect to), accepts
 * connections and serves each one (an "ofconn"): it sends HELLO at once, negotiates the version
 * from the peer's HELLO (closing with OFPET_HELLO_FAILED if there is none in common), then decodes
 * requests, hands them to the ofproto (ofproto.h: flow-mods, flow/port/table statistics, port
 * descriptions) and queues the replies. Requests are processed synchronously in arrival order, so
 * a BARRIER_REPLY is sent right after everything before it has been handled.
 *
 * Errors stay per request: an undecodable or unsupported request gets an ERROR carrying the first
 * 64 bytes of it (OFPBRC_BAD_TYPE for unknown types, OFPBRC_BAD_LEN for bad lengths, the codec's
 * or the ofproto's error otherwise) and the connection stays up. Only a broken stream framing (a
 * length below 8) or a failed HELLO closes it.
 *
 * Bounded work (STYLE habit 8): connmgr_run() accepts at most CONNMGR_MAX_ACCEPTS connections per
 * listener and processes at most CONNMGR_MAX_MSGS messages per connection per call; when more are
 * waiting, connmgr_wait() asks the poll loop to wake immediately. A connection whose peer does not
 * read its replies stops being read once CONNMGR_TX_HIGH_WATER bytes are queued.
 *
 * Controllers (connmgr_set_controllers(), below) add "primary" ofconns to the same list: active
 * tcp:/unix: connections with reconnection backoff and inactivity probes, or connections accepted
 * on ptcp:/punix: listeners. Each connection has a role (equal/master/slave, OpenFlow 1.3.5
 * §6.3.6: slaves cannot change the switch) and an async configuration deciding which packet-ins
 * and port status messages it gets (OpenFlow 1.3's fixed masks or 1.4's properties, ofp-async.h);
 * a 1.4+ connection demoted to slave because another became master gets a ROLE_STATUS. ssl:/pssl:
 * targets use the key, certificate and CA set with stream_ssl_set_files() (the SSL table), with
 * mutual certificate verification.
 *
 * Split out: the multipart requests (connmgr-multipart.h) and each connection's OpenFlow 1.4
 * bundles (connmgr-bundle.h, committed all or none by ofproto-bundle.h). A snoop listener
 * (connmgr_set_snoop(), RUNDIR/BRIDGE.snoop) gives watchers a copy of the controllers' traffic.
 *
 * Thread-safety: main thread only (like ofproto_run(), which drives it).
 */
#ifndef UVS_CONNMGR_H
#define UVS_CONNMGR_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ofproto;
struct connmgr;

#define CONNMGR_MAX_ACCEPTS 10
#define CONNMGR_MAX_MSGS 50
#define CONNMGR_TX_HIGH_WATER (4u << 20)

/* Creates the OpenFlow channels of OFPROTO, the bridge BRIDGE_NAME, listening on
 * punix:RUNDIR/BRIDGE_NAME.mgmt (RUNDIR from uvs_rundir(), created if missing). Returns NULL and
 * sets errno on failure (e.g. EACCES, ENAMETOOLONG for a socket path over 107 bytes). */
struct connmgr *connmgr_create(struct ofproto *ofproto, const char *bridge_name);
/* Like connmgr_create() but listening on the passive stream name LISTEN (e.g. "punix:/tmp/x" or
 * "ptcp:0:127.0.0.1"), for tests and for service controllers. */
struct connmgr *connmgr_create_listen(struct ofproto *ofproto, const char *bridge_name,
                                      const char *listen);
/* Listens for snoop connections on the passive stream LISTEN (connmgr_create() uses
 * punix:RUNDIR/BRIDGE.snoop, for `uvs-ofctl snoop BRIDGE`): each gets HELLO, then a copy of every
 * OpenFlow message received from or sent to a controller (PRIMARY connection), both directions in
 * one stream; what a snooper sends is ignored (echo requests are answered). Replaces an earlier
 * snoop listener. Returns 0 or -errno from pstream_open() (logged). */
int connmgr_set_snoop(struct connmgr *, const char *listen);
/* Accepts, reads, processes and writes without blocking (bounded, see above). */
void connmgr_run(struct connmgr *);
/* Registers with the poll loop whatever would give connmgr_run() work. */
void connmgr_wait(struct connmgr *);
/* Closes every connection and the listener (removing the socket file). NULL is a no-op. */
void connmgr_destroy(struct connmgr *);

/* Number of open OpenFlow connections. */
size_t connmgr_n_conns(const struct connmgr *);
/* The listener's name, e.g. "punix:/var/run/uvs/br0.mgmt". */
const char *connmgr_listen_name(const struct connmgr *);

/* Controllers (the Controller table): targets "tcp:IP:PORT", "ssl:IP:PORT", "unix:PATH" are
 * connected to with backoff from 1 s doubling up to MAX_BACKOFF_MS (default 8000), "ptcp:",
 * "pssl:", "punix:" listened on.
 * PROBE_MS: an echo request after that much silence, and the connection is dropped after as long
 * again (0 = never; default 5000). Connections of controllers are PRIMARY: they get packet-ins
 * and port status by default; service connections (the management socket) only after a
 * SET_CONFIG. Replaces the previous set; unchanged targets keep their connections. */
struct connmgr_controller_cfg {
    const char *target;
    int max_backoff_ms;        /* <= 0: default */
    int probe_ms;              /* < 0: default */
    int rate_limit;            /* Packet-ins per second to this controller (<= 0: 1000; at least
                                  100, Controller.controller_rate_limit). */
    int burst_limit;           /* Bucket size (<= 0: rate / 4; at least 25). */
};
void connmgr_set_controllers(struct connmgr *, const struct connmgr_controller_cfg *, size_t n);
size_t connmgr_n_controllers(const struct connmgr *);
bool connmgr_is_any_controller_connected(const struct connmgr *);
/* The longest inactivity probe interval of the controllers (5000 when none is set), ms. */
int connmgr_max_probe_ms(const struct connmgr *);
/* Bridge.protocols as a bitmap of versions (only those uvs speaks are ever offered). */
void connmgr_set_allowed_versions(struct connmgr *, uint32_t versions);

/* Status for Controller rows; strings are borrowed until the next connmgr call. */
struct connmgr_controller_status {
    const char *target;
    bool is_connected;
    const char *role;          /* "other", "master", "slave" */
    const char *state;         /* "ACTIVE", "CONNECTING", "BACKOFF", "LISTENING" */
    const char *last_error;    /* or NULL */
    int sec_since_connect;     /* -1 = never */
    int sec_since_disconnect;  /* -1 = never */
};
/* Fills *STATUS (malloc'd array, free() it) and returns the count. */
size_t connmgr_get_controller_status(const struct connmgr *, struct connmgr_controller_status **);
/* Whether the controller status changed since the last call. */
bool connmgr_take_status_changed(struct connmgr *);

/* Asynchronous messages to every connection that wants them (async config, role). */
struct ofp_packet_in;
struct ofp_phy_port;
void connmgr_send_packet_in(struct connmgr *, const struct ofp_packet_in *, uint16_t max_len);
void connmgr_send_port_status(struct connmgr *, uint8_t reason, const struct ofp_phy_port *);
struct ofp_flow_removed;
void connmgr_send_flow_removed(struct connmgr *, const struct ofp_flow_removed *);

#endif
