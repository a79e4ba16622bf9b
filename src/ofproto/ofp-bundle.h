/*
 * ofp-bundle — the wire codec of OpenFlow 1.4 bundles (OpenFlow 1.4.1 §7.3.9, §6.8): BUNDLE_CONTROL
 * (open, close, commit, discard and their replies) and BUNDLE_ADD_MESSAGE, which carries one whole
 * OpenFlow message (a flow-mod or port-mod) to be applied when the bundle is committed.
 *
 * Shape: as ofp-msgs.h. Encoders append complete messages to an ofpbuf; decoders take one complete
 * message, never read past its length, and return 0 or -EPROTO with *ERR set to the error the
 * switch sends back (OFPET_BAD_REQUEST/OFPBRC_BAD_LEN for a truncated message, OFPET_BUNDLE_FAILED
 * codes for bundle-specific faults). Bundle properties (only experimenter ones exist) are checked
 * for well-formedness and ignored.
 *
 * Thread-safety: pure functions.
 */
#ifndef UVS_OFP_BUNDLE_H
#define UVS_OFP_BUNDLE_H 1

#include <stddef.h>
#include <stdint.h>

#include "ofproto/ofp-types.h"

struct ofpbuf;

/* OpenFlow 1.4 message types beyond ofp-msgs.h's enum ofp_type. */
#define OFPT_ROLE_STATUS 30
#define OFPT_BUNDLE_CONTROL 33
#define OFPT_BUNDLE_ADD_MESSAGE 34

/* Bundle control types (enum ofp_bundle_ctrl_type). */
#define OFPBCT_OPEN_REQUEST 0
#define OFPBCT_OPEN_REPLY 1
#define OFPBCT_CLOSE_REQUEST 2
#define OFPBCT_CLOSE_REPLY 3
#define OFPBCT_COMMIT_REQUEST 4
#define OFPBCT_COMMIT_REPLY 5
#define OFPBCT_DISCARD_REQUEST 6
#define OFPBCT_DISCARD_REPLY 7

/* Bundle flags (enum ofp_bundle_flags). */
#define OFPBF_ATOMIC 1u       /* Apply all messages or none. */
#define OFPBF_ORDERED 2u      /* Apply in the order added. */

/* Bundle errors (OFPET_BUNDLE_FAILED, enum ofp_bundle_failed_code). */
#define OFPET_BUNDLE_FAILED 17
#define OFPBFC_UNKNOWN 0
#define OFPBFC_EPERM 1
#define OFPBFC_BAD_ID 2
#define OFPBFC_BUNDLE_EXIST 3
#define OFPBFC_BUNDLE_CLOSED 4
#define OFPBFC_OUT_OF_BUNDLES 5
#define OFPBFC_BAD_TYPE 6
#define OFPBFC_BAD_FLAGS 7
#define OFPBFC_MSG_BAD_LEN 8
#define OFPBFC_MSG_BAD_XID 9
#define OFPBFC_MSG_UNSUP 10
#define OFPBFC_MSG_CONFLICT 11
#define OFPBFC_MSG_TOO_MANY 12
#define OFPBFC_MSG_FAILED 13
#define OFPBFC_TIMEOUT 14
#define OFPBFC_BUNDLE_IN_PROGRESS 15

#define OFP_BUNDLE_CTRL_LEN 16     /* struct ofp_bundle_ctrl_msg without properties. */
#define OFP_BUNDLE_ADD_LEN 16      /* struct ofp_bundle_add_msg before the inner message. */

/* BUNDLE_CONTROL body. */
struct ofp_bundle_ctrl {
    uint32_t bundle_id;
    uint16_t type;             /* OFPBCT_* */
    uint16_t flags;            /* OFPBF_* */
};

/* Appends a BUNDLE_CONTROL (no properties). */
void ofp_encode_bundle_ctrl(struct ofpbuf *out, uint8_t version, uint32_t xid,
                            const struct ofp_bundle_ctrl *);
/* Decodes a BUNDLE_CONTROL. Returns 0 or -EPROTO: OFPBRC_BAD_LEN (under 16 bytes, a malformed
 * property), OFPBFC_BAD_TYPE (type above OFPBCT_DISCARD_REPLY), OFPBFC_BAD_FLAGS (unknown flag
 * bits). */
int ofp_decode_bundle_ctrl(const void *msg, size_t len, struct ofp_bundle_ctrl *,
                           struct ofperr *err);

/* BUNDLE_ADD_MESSAGE: the inner message points into the decoded message. */
struct ofp_bundle_add {
    uint32_t bundle_id;
    uint16_t flags;            /* OFPBF_*, must equal the bundle's. */
    const uint8_t *msg;        /* The inner message, header included. */
    size_t msg_len;            /* Its length field, bytes (>= 8). */
};

/* Appends a BUNDLE_ADD_MESSAGE carrying INNER (a complete message of INNER_LEN bytes whose xid
 * should be XID, OpenFlow 1.4.1 §7.3.9.3). */
void ofp_encode_bundle_add(struct ofpbuf *out, uint8_t version, uint32_t xid, uint32_t bundle_id,
                           uint16_t flags, const void *inner, size_t inner_len);
/* Decodes a BUNDLE_ADD_MESSAGE. Returns 0 or -EPROTO: OFPBRC_BAD_LEN (under 24 bytes),
 * OFPBFC_MSG_BAD_LEN (the inner length is below 8 or runs past the message, or the properties
 * after it are malformed), OFPBFC_MSG_BAD_XID (inner xid differs from the outer one),
 * OFPBRC_BAD_VERSION (inner version differs), OFPBFC_BAD_FLAGS. */
int ofp_decode_bundle_add(const void *msg, size_t len, struct ofp_bundle_add *,
                          struct ofperr *err);

/* "OPEN_REQUEST" style name of a control type (static string; "UNKNOWN" past the last). */
const char *ofp_bundle_ctrl_type_name(uint16_t type);

#endif
