/*
 * ofp-async — OpenFlow 1.4's property-based asynchronous configuration (OpenFlow 1.4.1 §7.3.10:
 * GET_ASYNC_REPLY and SET_ASYNC as lists of struct ofp_async_config_prop_reasons) and the
 * ROLE_STATUS message (§7.4.4) a controller gets when its role changes without its asking (another
 * controller became master). OpenFlow 1.3's fixed-layout async config stays in ofp-msgs.h
 * (ofp_encode_async_config()); the decoded form here extends it with the 1.4 message kinds.
 *
 * Masks: index 0 applies to master and equal connections, index 1 to slaves (as in
 * struct ofp_async_config). Property type 2k is kind k's slave mask, 2k + 1 its master mask.
 *
 * Errors: decoders return 0 or -EPROTO with *ERR: OFPBRC_BAD_LEN for a truncated message or a
 * property whose length is not 8, OFPET_ASYNC_CONFIG_FAILED/OFPACFC_UNSUPPORTED for an unknown
 * property type, OFPACFC_INVALID for reason bits the kind does not define. Thread-safety: pure.
 */
#ifndef UVS_OFP_ASYNC_H
#define UVS_OFP_ASYNC_H 1

#include <stddef.h>
#include <stdint.h>

#include "ofproto/ofp-msgs.h"

/* Kinds of asynchronous message, in property-type order (type = 2 * kind + master). */
enum ofp_async_kind {
    OFP_ASYNC_PACKET_IN,
    OFP_ASYNC_PORT_STATUS,
    OFP_ASYNC_FLOW_REMOVED,
    OFP_ASYNC_ROLE_STATUS,
    OFP_ASYNC_TABLE_STATUS,
    OFP_ASYNC_REQUESTFORWARD,
    OFP_ASYNC_N_KINDS
};

#define OFPET_ASYNC_CONFIG_FAILED 15
#define OFPACFC_INVALID 0
#define OFPACFC_UNSUPPORTED 1
#define OFPACFC_EPERM 2

/* Role status reasons (enum ofp_controller_role_reason). */
#define OFPCRR_MASTER_REQUEST 0
#define OFPCRR_CONFIG 1
#define OFPCRR_EXPERIMENTER 2

/* The whole asynchronous configuration of a connection. */
struct ofp_async_props {
    uint32_t masks[OFP_ASYNC_N_KINDS][2];   /* [kind][0 master/equal, 1 slave] */
};

/* Converts to and from OpenFlow 1.3's form (the 1.4-only kinds are left alone / not carried). */
void ofp_async_props_from13(struct ofp_async_props *, const struct ofp_async_config *);
void ofp_async_props_to13(const struct ofp_async_props *, struct ofp_async_config *);

/* Appends a GET_ASYNC_REPLY or SET_ASYNC (TYPE) listing every kind's two masks. */
void ofp_encode_async_props(struct ofpbuf *out, uint8_t version, uint8_t type, uint32_t xid,
                            const struct ofp_async_props *);
/* Decodes the properties of a SET_ASYNC or GET_ASYNC_REPLY into *PROPS, changing only the masks
 * present (a SET_ASYNC may carry any subset, §7.3.10). Returns 0 or -EPROTO (see above); *PROPS is
 * unchanged on error. */
int ofp_decode_async_props(const void *msg, size_t len, struct ofp_async_props *,
                           struct ofperr *err);

/* ROLE_STATUS (OpenFlow 1.4.1 §7.4.4). */
struct ofp_role_status {
    uint32_t role;             /* OFPCR_ROLE_* the connection now has. */
    uint8_t reason;            /* OFPCRR_* */
    uint64_t generation_id;
};
void ofp_encode_role_status(struct ofpbuf *out, uint8_t version, uint32_t xid,
                            const struct ofp_role_status *);
/* Returns 0 or -EPROTO (OFPBRC_BAD_LEN under 24 bytes). Properties are ignored. */
int ofp_decode_role_status(const void *msg, size_t len, struct ofp_role_status *,
                           struct ofperr *err);

#endif
