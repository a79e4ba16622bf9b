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
 * Structure for later work: each connection is an ofconn in one list; listeners are "services".
 * Controllers (active tcp:/ssl: connections with reconnection and roles) will add ofconns of
 * another type to the same list.
 *
 * Thread-safety: main thread only (like ofproto_run(), which drives it).
 */
#ifndef UVS_CONNMGR_H
#define UVS_CONNMGR_H 1

#include <stddef.h>

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

#endif
