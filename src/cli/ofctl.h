/*
 * ofctl — what uvs-ofctl's command files share (uvs-ofctl.c holds the connection and the flow,
 * port and group commands; ofctl-meter.c the meter commands): a blocking OpenFlow connection to
 * SWITCH, the xid counter, and the command table's entry type. Single-threaded; every function
 * here exits with a message (uvs_fatal) on any failure rather than returning an error.
 */
#ifndef UVS_OFCTL_H
#define UVS_OFCTL_H 1

#include <stdint.h>

#include "lib/stream.h"
#include "lib/util.h"
#include "ofproto/ofp-msgs.h"

struct vconn {
    const char *target;        /* SWITCH as the user wrote it, for messages. */
    char *name;                /* Stream name. */
    struct stream *stream;
    struct ofpbuf rx;
    uint8_t version;
};

uint32_t alloc_xid(void);
/* Connects to TARGET (a bridge name or unix:/tcp: address) and negotiates a version. */
void vconn_open(const char *target, struct vconn *);
void vconn_close(struct vconn *);
void vconn_send(struct vconn *, const struct ofpbuf *);
/* Receives the next message into MSG. */
void vconn_recv(struct vconn *, struct ofpbuf *msg);
/* Reports the OpenFlow error in MSG, received for a request described by WHAT, and exits. */
void report_error(const struct vconn *, const struct ofpbuf *msg, const char *what)
    __attribute__((noreturn));
/* Sends the multipart REQUEST (whose xid is XID) and calls CB for each reply message until the
 * last one. */
typedef void multipart_cb(struct vconn *, const struct ofpbuf *msg, const struct ofp_multipart *,
                          void *aux);
void multipart_transact(struct vconn *, struct ofpbuf *request, uint32_t xid, const char *what,
                        multipart_cb *cb, void *aux);
/* Appends a barrier request to the requests encoded in B, sends them, and waits for the barrier
 * reply; an OpenFlow error received first is reported (naming WHAT) and exits. B is reused as the
 * receive buffer. */
void transact_with_barrier(struct vconn *, struct ofpbuf *b, const char *what);
void decode_failed(const struct vconn *, const char *what, struct ofperr err)
    __attribute__((noreturn));

/* Meter commands (ofctl-meter.c), argv[1] = SWITCH. */
void cmd_add_meter(int argc, char *argv[]);
void cmd_mod_meter(int argc, char *argv[]);
void cmd_del_meters(int argc, char *argv[]);
void cmd_dump_meters(int argc, char *argv[]);
void cmd_meter_stats(int argc, char *argv[]);
void cmd_meter_features(int argc, char *argv[]);

#endif
