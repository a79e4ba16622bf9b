/*
 * ofp-msgs — the OpenFlow wire codec: framing, and the encoders and decoders of the messages the
 * switch (connmgr) and uvs-ofctl exchange, for OpenFlow 1.0 (0x01), 1.3 (0x04), 1.4 (0x05) and
 * 1.5 (0x06). The decoded forms are the version-independent structs of ofp-types.h.
 *
 * Versions: every encoder takes the version to write and writes that version's form (the 1.0 and
 * 1.5 forms that differ from 1.3 live in ofp-msgs10.c, ofp-match10.c and ofp-msgs15.c, see
 * ofp-compat.h). Decoders read the OpenFlow 1.3 form (1.4 for port-mod): a receiver first passes
 * each message through ofp_msg_upgrade(), which turns a 1.0, 1.4 or 1.5 message into the 1.3 one
 * it means, type number included. So message type numbers (enum ofp_type) are those of 1.3
 * everywhere above the wire.
 *
 * Shape of the API:
 *   - struct ofpbuf is a growable byte buffer. Every encoder APPENDS one or more complete messages
 *     to an ofpbuf (which may already hold others: connmgr uses one as its send queue) and fills in
 *     their length fields. Encoders cannot fail.
 *   - Decoders take one complete message (or the body of one, for multipart entries) as a pointer
 *     and a length in bytes, never read past that length, and return 0 or -EPROTO with *ERR set to
 *     the OpenFlow error a switch must send back (OpenFlow 1.3.5 §7.4.4). A decoded struct that owns
 *     memory (ofpacts) is initialized even on failure, so callers can always destroy it.
 *   - ofp_decode_header() translates a 1.0 type number into enum ofp_type (0xff when 1.3 has no
 *     such message); ofp_msg_start() translates back for version 1.0.
 *
 * Version negotiation (OpenFlow 1.3.5 §6.3.1): both sides send HELLO with a version-bitmap element;
 * the negotiated version is the highest bit set in both bitmaps (a peer without a bitmap supports
 * every version up to its header's version). Version sets are uint32_t bitmaps, bit N = version N.
 *
 * Numbers in decoded structs are host order except where struct flow keeps network order.
 * Thread-safety: all functions are pure (reentrant); an ofpbuf belongs to one thread.
 */
#ifndef UVS_OFP_MSGS_H
#define UVS_OFP_MSGS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofproto/ofp-types.h"

/* ---------------------------------------------------------------------------------------------
 * Buffer.
 * ------------------------------------------------------------------------------------------- */

/* A growable byte buffer. Invariant: size <= alloc; data is NULL only while alloc is 0. */
struct ofpbuf {
    uint8_t *data;
    size_t size;      /* Bytes in use. */
    size_t alloc;     /* Bytes allocated. */
};

void ofpbuf_init(struct ofpbuf *, size_t capacity);
void ofpbuf_uninit(struct ofpbuf *);
void ofpbuf_clear(struct ofpbuf *);
/* Appends N bytes and returns a pointer to them (uninitialized / zeroed / copied from DATA). The
 * pointer is valid until the next append. */
void *ofpbuf_put_uninit(struct ofpbuf *, size_t n);
void *ofpbuf_put_zeros(struct ofpbuf *, size_t n);
void *ofpbuf_put(struct ofpbuf *, const void *data, size_t n);
/* Appends big-endian integers. */
void ofpbuf_put_u8(struct ofpbuf *, uint8_t);
void ofpbuf_put_be16(struct ofpbuf *, uint16_t host);
void ofpbuf_put_be32(struct ofpbuf *, uint32_t host);
void ofpbuf_put_be64(struct ofpbuf *, uint64_t host);
/* Removes the first N bytes (N <= size). */
void ofpbuf_pull(struct ofpbuf *, size_t n);

/* Big-endian loads and stores of unaligned wire fields. */
uint16_t ofp_get_be16(const void *p);
uint32_t ofp_get_be32(const void *p);
uint64_t ofp_get_be64(const void *p);
void ofp_set_be16(void *p, uint16_t host);
void ofp_set_be32(void *p, uint32_t host);
void ofp_set_be64(void *p, uint64_t host);

/* ---------------------------------------------------------------------------------------------
 * Message types and framing (OpenFlow 1.3.5 §7.1).
 * ------------------------------------------------------------------------------------------- */

enum ofp_type {
    OFPT_HELLO = 0,
    OFPT_ERROR = 1,
    OFPT_ECHO_REQUEST = 2,
    OFPT_ECHO_REPLY = 3,
    OFPT_EXPERIMENTER = 4,
    OFPT_FEATURES_REQUEST = 5,
    OFPT_FEATURES_REPLY = 6,
    OFPT_GET_CONFIG_REQUEST = 7,
    OFPT_GET_CONFIG_REPLY = 8,
    OFPT_SET_CONFIG = 9,
    OFPT_PACKET_IN = 10,
    OFPT_FLOW_REMOVED = 11,
    OFPT_PORT_STATUS = 12,
    OFPT_PACKET_OUT = 13,
    OFPT_FLOW_MOD = 14,
    OFPT_GROUP_MOD = 15,
    OFPT_PORT_MOD = 16,
    OFPT_TABLE_MOD = 17,
    OFPT_MULTIPART_REQUEST = 18,
    OFPT_MULTIPART_REPLY = 19,
    OFPT_BARRIER_REQUEST = 20,
    OFPT_BARRIER_REPLY = 21,
    OFPT_QUEUE_GET_CONFIG_REQUEST = 22,
    OFPT_QUEUE_GET_CONFIG_REPLY = 23,
    OFPT_ROLE_REQUEST = 24,
    OFPT_ROLE_REPLY = 25,
    OFPT_GET_ASYNC_REQUEST = 26,
    OFPT_GET_ASYNC_REPLY = 27,
    OFPT_SET_ASYNC = 28,
    OFPT_METER_MOD = 29,
};

#define OFP_HEADER_LEN 8
#define OFP_MAX_MSG_LEN 65535     /* The length field is 16 bits. */

/* Decoded struct ofp_header (host order). */
struct ofp_msg_header {
    uint8_t version;
    uint8_t type;        /* enum ofp_type */
    uint16_t length;     /* Whole message, bytes, >= OFP_HEADER_LEN. */
    uint32_t xid;
};

/* Framing for a byte stream. Returns the length in bytes of the message at the start of DATA
 * (SIZE bytes available) once its header is complete, 0 if fewer than 8 bytes are available, or
 * -EPROTO if the header's length is below 8 (the stream cannot be resynchronized). A message is
 * complete when the return value is positive and <= SIZE. */
int ofp_msg_frame_len(const void *data, size_t size);

/* Decodes the header of the SIZE-byte message at DATA. Returns 0, or -EPROTO with *ERR =
 * OFPBRC_BAD_LEN if SIZE < 8 or the length field differs from SIZE. */
int ofp_decode_header(const void *data, size_t size, struct ofp_msg_header *, struct ofperr *err);

/* Converts the complete message MSG (LEN bytes) of any version in OFP_SUPPORTED_VERSIONS into
 * the OpenFlow 1.3 message it means (1.3 type number and layout; the version byte stays MSG's, so
 * printers show the version spoken), which the decoders below read. Returns 1 if MSG already is
 * in that form (OUT untouched: decode MSG itself), 0 with the converted message appended to OUT
 * (a multipart reply whose 1.3 form exceeds 64 KiB becomes several messages, REPLY_MORE on all
 * but the last; replies uvs writes in 1.0 never do), or -EPROTO with *ERR the error to send
 * back for MSG (bad length, unknown 1.0 type or stats type, bad 1.0 match or action). Messages
 * converted: 1.0 — all (type numbers; flow-mod, packet-out/in, port-mod/status, flow-removed,
 * features reply, error codes, stats requests and replies); 1.4/1.5 — port-status and the port
 * descriptions and statistics in replies (ofp_decode_port_mod() reads the 1.4 port-mod
 * itself); 1.5 — packet-out, group-mod, flow-removed, port/group-description requests, and the
 * flow, aggregate and group-description replies. Also 1.0 queue-stats requests. */
int ofp_msg_upgrade(const void *msg, size_t len, struct ofpbuf *out, struct ofperr *err);
/* The same, with OFP_UPGRADE_* FLAGS describing the connection. */
#define OFP_UPGRADE_NX_TABLE_ID 1u   /* The peer enabled NXT_FLOW_MOD_TABLE_ID: a 1.0 flow-mod's
                                        table byte 0 means table 0 (else: all, for a modify or
                                        delete), 0xff all tables (an add: table 0). */
int ofp_msg_upgrade_flags(const void *msg, size_t len, unsigned int flags, struct ofpbuf *out,
                          struct ofperr *err);
/* (A converted 1.0 message keeps version byte 0x01 but has 1.3 type numbers: take its type from
 * the original's ofp_decode_header() or from its type byte, not from another
 * ofp_decode_header().) */

/* Open vSwitch's NXT_FLOW_MOD_TABLE_ID (OFPT_EXPERIMENTER/VENDOR, Nicira subtype 15), which
 * ovs-ofctl sends over OpenFlow 1.0 before flow-mods naming a table. Returns 0 with *ENABLE if MSG
 * is one, -ENOENT if MSG is another experimenter message, -EPROTO (BAD_LEN) if it is truncated.
 * connmgr then passes OFP_UPGRADE_NX_TABLE_ID for the connection's later messages. */
int ofp_decode_nx_flow_mod_table_id(const void *msg, size_t len, bool *enable,
                                    struct ofperr *err);

/* Starts a message (header with length 0) at the end of OUT and returns its offset, for
 * ofp_msg_finish(). */
size_t ofp_msg_start(struct ofpbuf *out, uint8_t version, uint8_t type, uint32_t xid);
/* Sets the length field of the message started at OFFSET to reach the end of OUT. */
void ofp_msg_finish(struct ofpbuf *out, size_t offset);
/* Appends a header-only message (FEATURES_REQUEST, GET_CONFIG_REQUEST, BARRIER_REQUEST/REPLY). */
void ofp_encode_simple(struct ofpbuf *out, uint8_t version, uint8_t type, uint32_t xid);

/* ---------------------------------------------------------------------------------------------
 * HELLO and version negotiation (OpenFlow 1.3.5 §7.5.1, §6.3.1).
 * ------------------------------------------------------------------------------------------- */

#define OFP_VERSION_BIT(V) (1u << (V))
/* The versions the codec speaks (a bitmap): OpenFlow 1.0, 1.3, 1.4 and 1.5. */
#define OFP_SUPPORTED_VERSIONS (OFP_VERSION_BIT(OFP10_VERSION) | OFP_VERSION_BIT(OFP13_VERSION) \
                                | OFP_VERSION_BIT(OFP14_VERSION) | OFP_VERSION_BIT(OFP15_VERSION))

/* Appends a HELLO whose header carries the highest version in VERSIONS and whose version-bitmap
 * element lists all of VERSIONS (an empty VERSIONS gives a 1.3 header and an empty bitmap). */
void ofp_encode_hello(struct ofpbuf *out, uint32_t versions, uint32_t xid);
/* Decodes a HELLO into the bitmap of versions the peer supports. Unknown elements are skipped.
 * Returns 0 or -EPROTO (OFPBRC_BAD_LEN for a malformed element). */
int ofp_decode_hello(const void *msg, size_t len, uint32_t *versions, struct ofperr *err);
/* Highest version in both bitmaps, or 0 if none. */
uint8_t ofp_negotiate_version(uint32_t ours, uint32_t theirs);
/* "OF1.3" style name of a wire version ("OF0x07" for unknown ones); static string. */
const char *ofp_version_to_string(uint8_t version);

/* ---------------------------------------------------------------------------------------------
 * ERROR, ECHO, FEATURES, CONFIG (OpenFlow 1.3.5 §7.4.4, §7.5.2-3, §7.3.1-2).
 * ------------------------------------------------------------------------------------------- */

/* Hello-failed and other error codes not in ofp-types.h (OpenFlow 1.3.5 §7.4.4). */
#define OFPHFC_INCOMPATIBLE 0
#define OFPHFC_EPERM 1
#define OFPBRC_BAD_EXPERIMENTER 3
#define OFPBRC_EPERM 5
#define OFPBRC_BAD_TABLE_ID 9
#define OFPBRC_BAD_PORT 11
#define OFPBAC_BAD_TYPE 0
#define OFPBAC_BAD_LEN 1
#define OFPBAC_BAD_ARGUMENT 5
#define OFPBIC_UNKNOWN_INST 0
#define OFPBIC_UNSUP_INST 1
#define OFPBIC_BAD_TABLE_ID 2
#define OFPBIC_BAD_LEN 7
#define OFPBMC_BAD_TYPE 0
#define OFPBMC_BAD_LEN 1
#define OFPBMC_BAD_WILDCARDS 5
#define OFPBMC_BAD_FIELD 6
#define OFPBMC_BAD_VALUE 7
#define OFPBMC_BAD_MASK 8
#define OFPBMC_BAD_PREREQ 9
#define OFPBMC_DUP_FIELD 10
#define OFPFMFC_EPERM 4
#define OFPFMFC_BAD_TIMEOUT 5
#define OFPFMFC_BAD_FLAGS 7
#define OFPSCFC_BAD_FLAGS 0
#define OFPSCFC_BAD_LEN 1
#define OFPET_TABLE_FEATURES_FAILED 13
#define OFPTFFC_EPERM 5

/* How many bytes of an offending request an ERROR carries (OpenFlow 1.3.5 §7.4.4: "at least 64"). */
#define OFP_ERROR_DATA_MAX 64

/* Appends an ERROR with DATA (DATA_LEN bytes, copied as is; callers pass at most
 * OFP_ERROR_DATA_MAX bytes of the request, or an ASCII explanation for HELLO_FAILED). */
void ofp_encode_error(struct ofpbuf *out, uint8_t version, uint32_t xid, struct ofperr,
                      const void *data, size_t data_len);
/* Decodes an ERROR; *DATA points into MSG. Returns 0 or -EPROTO (OFPBRC_BAD_LEN). */
int ofp_decode_error(const void *msg, size_t len, struct ofperr *error, const uint8_t **data,
                     size_t *data_len, struct ofperr *err);

/* Appends an ECHO_REQUEST or ECHO_REPLY (TYPE) carrying DATA. */
void ofp_encode_echo(struct ofpbuf *out, uint8_t version, uint8_t type, uint32_t xid,
                     const void *data, size_t data_len);

/* Switch capabilities (enum ofp_capabilities). */
#define OFPC_FLOW_STATS 1u
#define OFPC_TABLE_STATS 2u
#define OFPC_PORT_STATS 4u
#define OFPC_GROUP_STATS 8u
#define OFPC_IP_REASM 32u
#define OFPC_QUEUE_STATS 64u
#define OFPC_PORT_BLOCKED 256u

/* FEATURES_REPLY body (struct ofp_switch_features). */
struct ofp_switch_features {
    uint64_t datapath_id;
    uint32_t n_buffers;
    uint8_t n_tables;
    uint8_t auxiliary_id;
    uint32_t capabilities;     /* OFPC_* */
    /* OpenFlow 1.0 only: the ports, which 1.0 lists in the features reply (1.0.0 §5.3.1). */
    const struct ofp_phy_port *ports;
    size_t n_ports;
};
void ofp_encode_features_reply(struct ofpbuf *out, uint8_t version, uint32_t xid,
                               const struct ofp_switch_features *);
int ofp_decode_features_reply(const void *msg, size_t len, struct ofp_switch_features *,
                              struct ofperr *err);

/* GET_CONFIG_REPLY / SET_CONFIG body (struct ofp_switch_config). */
#define OFPC_FRAG_NORMAL 0
#define OFPC_FRAG_DROP 1
#define OFPC_FRAG_REASM 2
#define OFPC_FRAG_MASK 3
struct ofp_switch_config {
    uint16_t flags;            /* OFPC_FRAG_* */
    uint16_t miss_send_len;    /* Bytes of a table-miss packet sent to the controller. */
};
/* TYPE is OFPT_GET_CONFIG_REPLY or OFPT_SET_CONFIG. */
void ofp_encode_switch_config(struct ofpbuf *out, uint8_t version, uint8_t type, uint32_t xid,
                              const struct ofp_switch_config *);
/* Returns 0 or -EPROTO: OFPBRC_BAD_LEN, or OFPSCFC_BAD_FLAGS for unknown flag bits. */
int ofp_decode_switch_config(const void *msg, size_t len, struct ofp_switch_config *,
                             struct ofperr *err);

/* ---------------------------------------------------------------------------------------------
 * Matches and instructions (OpenFlow 1.3.5 §7.2.2-7.2.5).
 * ------------------------------------------------------------------------------------------- */

/* Appends MATCH as a struct ofp_match of type OFPMT_OXM, padded to 8 bytes. Fields wildcarded in
 * MATCH are omitted; fields whose prerequisites MATCH does not establish are omitted too (the flow
 * parser never produces such matches). Also encodes nw_ttl as the OVS extension NXM_NX_IP_TTL. */
void ofp_put_match(struct ofpbuf *out, const struct match *);
/* Decodes the struct ofp_match at *P (*LEFT bytes remain) and advances past it and its padding.
 * Checks lengths, duplicate fields, masks (value bits outside the mask are BAD_WILDCARDS) and
 * prerequisites (§7.2.3.6: a field's prerequisites must appear before it). Returns 0 or -EPROTO
 * with an OFPET_BAD_MATCH error. */
int ofp_pull_match(const uint8_t **p, size_t *left, struct match *, struct ofperr *err);

/* Instructions and actions: ofp_put_instructions() and ofp_decode_instructions() are declared and
 * documented in ofp-actions.h (apply/write/clear actions, write_metadata, goto_table, and the
 * actions output, push/pop_vlan, set_field, dec_nw_ttl, set_nw_ttl and the Nicira resubmit,
 * reg_load, reg_move and note). */
void ofp_put_instructions(struct ofpbuf *out, const struct ofpacts *);
int ofp_decode_instructions(const uint8_t *p, size_t len, struct ofpacts *, struct ofperr *err);

/* ---------------------------------------------------------------------------------------------
 * FLOW_MOD (OpenFlow 1.3.5 §7.3.4.1).
 * ------------------------------------------------------------------------------------------- */

void ofp_encode_flow_mod(struct ofpbuf *out, uint8_t version, uint32_t xid,
                         const struct ofp_flow_mod *);
/* Encoders write what VERSION can carry and leave the rest out (a switch's replies describe its
 * flows as well as the version allows). A client must not send a flow-mod that would change
 * meaning that way: returns NULL if FM (a flow-mod, or with no actions a flow-stats filter's
 * match) travels whole in VERSION, else a malloc'd sentence saying what does not, for the user.
 * Only OpenFlow 1.0 loses anything (registers, metadata, IPv6 and ARP hardware addresses,
 * non-prefix or partial masks in the match; groups, meters and instructions in the actions). */
char *ofp_flow_mod_version_problem(const struct ofp_flow_mod *fm, uint8_t version);
/* Decodes a whole FLOW_MOD message into *FM (which it initializes; destroy it even on error).
 * Returns 0 or -EPROTO: OFPBRC_BAD_LEN, OFPFMFC_BAD_COMMAND, match, instruction and action
 * errors as above. */
int ofp_decode_flow_mod(const void *msg, size_t len, struct ofp_flow_mod *fm, struct ofperr *err);

/* ---------------------------------------------------------------------------------------------
 * MULTIPART (OpenFlow 1.3.5 §7.3.5).
 * ------------------------------------------------------------------------------------------- */

enum ofp_multipart_type {
    OFPMP_DESC = 0,
    OFPMP_FLOW = 1,
    OFPMP_AGGREGATE = 2,
    OFPMP_TABLE = 3,
    OFPMP_PORT_STATS = 4,
    OFPMP_QUEUE = 5,
    OFPMP_GROUP = 6,
    OFPMP_GROUP_DESC = 7,
    OFPMP_GROUP_FEATURES = 8,
    OFPMP_METER = 9,
    OFPMP_METER_CONFIG = 10,
    OFPMP_METER_FEATURES = 11,
    OFPMP_TABLE_FEATURES = 12,
    OFPMP_PORT_DESC = 13,
    OFPMP_EXPERIMENTER = 0xffff,
};
#define OFPMPF_REQ_MORE 1u
#define OFPMPF_REPLY_MORE 1u
#define OFP_MULTIPART_HEADER_LEN 16   /* ofp_header + type + flags + pad[4] */

/* A decoded multipart request or reply: its type and flags and its body, which points into the
 * message. */
struct ofp_multipart {
    uint16_t type;          /* enum ofp_multipart_type */
    uint16_t flags;         /* OFPMPF_* */
    const uint8_t *body;
    size_t body_len;
};
/* Decodes the multipart header of a MULTIPART_REQUEST or _REPLY message. Returns 0 or -EPROTO
 * (OFPBRC_BAD_LEN). */
int ofp_decode_multipart(const void *msg, size_t len, struct ofp_multipart *, struct ofperr *err);

/* Requests. A body-less request (DESC, TABLE, PORT_DESC) is ofp_encode_multipart_request() with
 * no body. */
void ofp_encode_multipart_request(struct ofpbuf *out, uint8_t version, uint32_t xid, uint16_t type,
                                  const void *body, size_t body_len);
/* OFPMP_FLOW or OFPMP_AGGREGATE according to FSR->aggregate. */
void ofp_encode_flow_stats_request(struct ofpbuf *out, uint8_t version, uint32_t xid,
                                   const struct ofp_flow_stats_request *);
/* Decodes the BODY of an OFPMP_FLOW or OFPMP_AGGREGATE request (sets FSR->aggregate from MP_TYPE).
 * Returns 0 or -EPROTO (OFPBRC_BAD_LEN, match errors). */
int ofp_decode_flow_stats_request(uint16_t mp_type, const uint8_t *body, size_t len,
                                  struct ofp_flow_stats_request *, struct ofperr *err);
/* PORT_NO OFPP_ANY = all ports. */
void ofp_encode_port_stats_request(struct ofpbuf *out, uint8_t version, uint32_t xid,
                                   uint32_t port_no);
int ofp_decode_port_stats_request(const uint8_t *body, size_t len, uint32_t *port_no,
                                  struct ofperr *err);

/* Replies are written through a writer that splits them into several MULTIPART_REPLY messages,
 * each at most OFP_MP_REPLY_MAX bytes, setting OFPMPF_REPLY_MORE on all but the last. An empty
 * reply (no entries) is one message with an empty body. */
#define OFP_MP_REPLY_MAX 65535
struct ofp_mp_writer {
    struct ofpbuf *out;
    size_t start;           /* Offset in 'out' of the message being filled. */
    size_t max_len;         /* Split threshold, bytes (OFP_MP_REPLY_MAX; tests lower it). */
    uint8_t version;
    uint16_t type;
    uint32_t xid;
};
void ofp_mp_reply_start(struct ofp_mp_writer *, struct ofpbuf *out, uint8_t version,
                        uint16_t type, uint32_t xid);
/* Reserves N bytes (N <= max_len - 16) for one entry, starting a new message first if the
 * current one would exceed max_len. Returns zeroed space valid until the next call. */
void *ofp_mp_reply_reserve(struct ofp_mp_writer *, size_t n);
/* Sets the length of the last message. */
void ofp_mp_reply_finish(struct ofp_mp_writer *);

/* OFPMP_DESC body (struct ofp_desc); strings are NUL-terminated here. */
#define DESC_STR_LEN 256
#define SERIAL_NUM_LEN 32
struct ofp_desc {
    char mfr_desc[DESC_STR_LEN];
    char hw_desc[DESC_STR_LEN];
    char sw_desc[DESC_STR_LEN];
    char serial_num[SERIAL_NUM_LEN];
    char dp_desc[DESC_STR_LEN];
};
void ofp_mp_put_desc(struct ofp_mp_writer *, const struct ofp_desc *);
int ofp_decode_desc_reply(const uint8_t *body, size_t len, struct ofp_desc *, struct ofperr *err);

/* OFPMP_FLOW entries. The pull functions decode one entry at *P (*LEFT bytes left), advance, and
 * return 0, -EPROTO on a malformed entry, or -ENOENT when *LEFT is 0. Flow-stats entries carry no
 * idle age in OpenFlow 1.3, so ofp_pull_flow_stats() sets idle_age to UINT32_MAX (unknown). */
void ofp_mp_put_flow_stats(struct ofp_mp_writer *, const struct ofp_flow_stats *);
int ofp_pull_flow_stats(const uint8_t **p, size_t *left, struct ofp_flow_stats *,
                        struct ofperr *err);

/* OFPMP_AGGREGATE reply (struct ofp_aggregate_stats_reply). */
struct ofp_aggregate_stats {
    uint64_t packet_count;
    uint64_t byte_count;
    uint32_t flow_count;
};
void ofp_mp_put_aggregate(struct ofp_mp_writer *, const struct ofp_aggregate_stats *);
int ofp_decode_aggregate_reply(const uint8_t *body, size_t len, struct ofp_aggregate_stats *,
                               struct ofperr *err);

/* OFPMP_TABLE entries (struct ofp_table_stats). */
struct ofp_table_stats {
    uint8_t table_id;
    uint32_t active_count;
    uint64_t lookup_count;
    uint64_t matched_count;
};
void ofp_mp_put_table_stats(struct ofp_mp_writer *, const struct ofp_table_stats *);
int ofp_pull_table_stats(const uint8_t **p, size_t *left, struct ofp_table_stats *,
                         struct ofperr *err);

/* OFPMP_TABLE_FEATURES entries (OpenFlow 1.3.5 §7.3.5.5): the fixed part of struct
 * ofp_table_features; ofp_mp_put_table_features() adds the properties describing what uvs
 * supports: instructions goto_table (to the later tables, listed as next tables), write_metadata,
 * write/apply/clear_actions; actions output, push/pop_vlan, set/dec_nw_ttl, set_field (with the
 * OXM fields it can set); and the OXM fields
 * ofp_put_match() encodes (as MATCH and WILDCARDS, with the has-mask bit on maskable fields).
 * ovs-ofctl 3.1 requests this before parsing any flow (to learn table names), so a switch must
 * answer it. */
#define OFP_MAX_TABLE_NAME_LEN 32
struct ofp_table_features {
    uint8_t table_id;
    char name[OFP_MAX_TABLE_NAME_LEN];
    uint64_t metadata_match;   /* Bits of metadata the table can match. */
    uint64_t metadata_write;   /* Bits of metadata the table can write. */
    uint32_t config;
    uint32_t max_entries;
};
void ofp_mp_put_table_features(struct ofp_mp_writer *, const struct ofp_table_features *);

/* OFPMP_PORT_STATS entries. */
void ofp_mp_put_port_stats(struct ofp_mp_writer *, const struct ofp_port_stats *);
int ofp_pull_port_stats(const uint8_t **p, size_t *left, struct ofp_port_stats *,
                        struct ofperr *err);

/* OFPMP_PORT_DESC entries (struct ofp_port). */
void ofp_mp_put_port(struct ofp_mp_writer *, const struct ofp_phy_port *);
int ofp_pull_port(const uint8_t **p, size_t *left, struct ofp_phy_port *, struct ofperr *err);

/* ---------------------------------------------------------------------------------------------
 * Asynchronous messages and controller roles (OpenFlow 1.3.5 §7.4.1, §7.3.7, §7.3.9, §7.3.10,
 * §7.4.3).
 * ------------------------------------------------------------------------------------------- */

/* Packet-in reasons (enum ofp_packet_in_reason). */
#define OFPR_NO_MATCH 0
#define OFPR_ACTION 1
#define OFPR_INVALID_TTL 2

/* A packet-in. The match carries in_port (and metadata when nonzero) and, for a packet that
 * came through a tunnel, its tunnel metadata as OVS sends it: OXM tunnel_id and the Nicira
 * (NXM class 1) tun_src/tun_dst or tun_ipv6_src/tun_ipv6_dst fields, each only when nonzero.
 * OpenFlow 1.0's packet-in has no match: there only in_port is sent. */
struct ofp_packet_in {
    uint32_t buffer_id;        /* OFP_NO_BUFFER: uvs never buffers. */
    uint16_t total_len;        /* Full length of the frame, bytes. */
    uint8_t reason;            /* OFPR_* */
    uint8_t table_id;
    uint64_t cookie;
    uint32_t in_port;          /* OpenFlow port. */
    uint64_t metadata;
    uint64_t tun_id;           /* Tunnel key (host order); 0 = none. */
    uint32_t tun_src_be;       /* Outer IPv4 addresses (network order); 0 = none. */
    uint32_t tun_dst_be;
    uint8_t tun_ipv6_src[16];  /* Outer IPv6 addresses; all-zero = none. */
    uint8_t tun_ipv6_dst[16];
    const uint8_t *data;       /* The frame (possibly cut to the controller's max_len). */
    size_t data_len;
};
void ofp_encode_packet_in(struct ofpbuf *out, uint8_t version, uint32_t xid,
                          const struct ofp_packet_in *);
/* DATA points into MSG. Returns 0 or -EPROTO (OFPBRC_BAD_LEN, match errors). */
int ofp_decode_packet_in(const void *msg, size_t len, struct ofp_packet_in *, struct ofperr *err);

/* A packet-out. Actions are a bare list (ofp-actions.h); OFPP_TABLE is allowed. */
struct ofp_packet_out {
    uint32_t buffer_id;
    uint32_t in_port;          /* OFPP_CONTROLLER (or OFPP_ANY) when the packet has none. */
    struct ofpacts ofpacts;    /* Owned. */
    const uint8_t *data;       /* Points into the message. */
    size_t data_len;
};
#define OFPBRC_BUFFER_UNKNOWN 8
#define OFPBRC_IS_SLAVE 10
void ofp_encode_packet_out(struct ofpbuf *out, uint8_t version, uint32_t xid,
                           const struct ofp_packet_out *);
/* Initializes PO->ofpacts even on error. Returns 0 or -EPROTO (OFPBRC_BAD_LEN, action errors,
 * OFPBRC_BAD_PORT for an invalid in_port). */
int ofp_decode_packet_out(const void *msg, size_t len, struct ofp_packet_out *,
                          struct ofperr *err);

/* Controller roles (enum ofp_controller_role). */
#define OFPCR_ROLE_NOCHANGE 0
#define OFPCR_ROLE_EQUAL 1
#define OFPCR_ROLE_MASTER 2
#define OFPCR_ROLE_SLAVE 3
#define OFPET_ROLE_REQUEST_FAILED 11
#define OFPRRFC_STALE 0
#define OFPRRFC_BAD_ROLE 2
/* ROLE_REQUEST / ROLE_REPLY (TYPE) body. */
void ofp_encode_role(struct ofpbuf *out, uint8_t version, uint8_t type, uint32_t xid,
                     uint32_t role, uint64_t generation_id);
int ofp_decode_role(const void *msg, size_t len, uint32_t *role, uint64_t *generation_id,
                    struct ofperr *err);

/* Asynchronous configuration (struct ofp_async_config): bitmaps of reasons, [0] for master and
 * equal, [1] for slave. */
struct ofp_async_config {
    uint32_t packet_in_mask[2];
    uint32_t port_status_mask[2];
    uint32_t flow_removed_mask[2];
};
/* TYPE is OFPT_GET_ASYNC_REPLY or OFPT_SET_ASYNC. */
void ofp_encode_async_config(struct ofpbuf *out, uint8_t version, uint8_t type, uint32_t xid,
                             const struct ofp_async_config *);
int ofp_decode_async_config(const void *msg, size_t len, struct ofp_async_config *,
                            struct ofperr *err);

/* FLOW_REMOVED (OpenFlow 1.3.5 §7.4.2), for rules added with send_flow_rem. */
#define OFPRR_IDLE_TIMEOUT 0
#define OFPRR_HARD_TIMEOUT 1
#define OFPRR_DELETE 2
struct ofp_flow_removed {
    uint64_t cookie;
    uint16_t priority;
    uint8_t reason;            /* OFPRR_* */
    uint8_t table_id;
    uint32_t duration_sec, duration_nsec;
    uint16_t idle_timeout, hard_timeout;
    uint64_t packet_count, byte_count;
    struct match match;
};
void ofp_encode_flow_removed(struct ofpbuf *out, uint8_t version, uint32_t xid,
                             const struct ofp_flow_removed *);
int ofp_decode_flow_removed(const void *msg, size_t len, struct ofp_flow_removed *,
                            struct ofperr *err);

/* PORT_MOD (OpenFlow 1.3.5 §7.3.3): set the CONFIG bits under MASK (OFPPC_*) of PORT_NO. */
#define OFPPMFC_BAD_PORT 0
struct ofp_port_mod {
    uint32_t port_no;
    struct eth_addr hw_addr;
    uint32_t config;
    uint32_t mask;
    uint32_t advertise;
};
void ofp_encode_port_mod(struct ofpbuf *out, uint8_t version, uint32_t xid,
                         const struct ofp_port_mod *);
int ofp_decode_port_mod(const void *msg, size_t len, struct ofp_port_mod *, struct ofperr *err);

/* PORT_STATUS (reason OFPPR_ADD 0, OFPPR_DELETE 1, OFPPR_MODIFY 2). */
#define OFPPR_ADD 0
#define OFPPR_DELETE 1
#define OFPPR_MODIFY 2
void ofp_encode_port_status(struct ofpbuf *out, uint8_t version, uint32_t xid, uint8_t reason,
                            const struct ofp_phy_port *);
int ofp_decode_port_status(const void *msg, size_t len, uint8_t *reason, struct ofp_phy_port *,
                           struct ofperr *err);

#endif
