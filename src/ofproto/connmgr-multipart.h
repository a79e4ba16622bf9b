/*
 * connmgr-multipart — the multipart requests a bridge's OpenFlow channels serve (OpenFlow 1.3.5
 * §7.3.5; the same bodies in 1.4): description, flow and aggregate statistics, table statistics
 * and features, port statistics and descriptions, group statistics, descriptions and features,
 * meter statistics, configurations and features, and queue statistics (uvs configures no queues:
 * an empty reply, or OFPET_QUEUE_OP_FAILED for a specific queue or an unknown port). Split from
 * connmgr.c, which calls it for each MULTIPART_REQUEST after ofp_msg_upgrade().
 *
 * Replies go through ofp_mp_reply_*(), split into messages of at most 64 KiB. A request with
 * OFPMPF_REQ_MORE is refused (OFPBRC_BAD_MULTIPART): none of these needs more than one message.
 *
 * Thread-safety: main thread, like connmgr.
 */
#ifndef UVS_CONNMGR_MULTIPART_H
#define UVS_CONNMGR_MULTIPART_H 1

#include <stddef.h>
#include <stdint.h>

#include "ofproto/ofp-types.h"

struct ofpbuf;
struct ofproto;

/* Number of tables (ids 0..253). */
#define CONNMGR_N_TABLES 254

/* Serves the MULTIPART_REQUEST MSG (LEN bytes, 1.3 form) of bridge BRIDGE on OFPROTO, appending
 * the reply (VERSION, XID) to TX. Returns 0, or -EPROTO with *ERR the error to send back
 * (OFPBRC_BAD_LEN, OFPBRC_BAD_MULTIPART for an unknown type or REQ_MORE, the decoders' errors,
 * OFPTFFC_EPERM for a table-features request that would reconfigure, queue errors). */
int connmgr_handle_multipart(struct ofproto *, const char *bridge, uint8_t version, uint32_t xid,
                             const uint8_t *msg, size_t len, struct ofpbuf *tx,
                             struct ofperr *err);

#endif
