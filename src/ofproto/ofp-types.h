/*
 * ofp-types — the decoded, version-independent forms of OpenFlow objects that flow between the wire
 * codec (ofp-msgs), the flow-string parser (ofp-parse), the pipeline (ofproto) and uvs-ofctl.
 *
 * Port numbers are OpenFlow 1.3 32-bit numbers everywhere (OpenFlow 1.3.5 §7.2.1); OF1.0's 16-bit
 * numbers are mapped at the codec. A match is a struct flow of values plus a struct flow mask
 * (1 bits significant), so the pipeline can un-wildcard exactly the bits it consulted.
 */
#ifndef UVS_OFP_TYPES_H
#define UVS_OFP_TYPES_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pmd/flow.h"

/* OpenFlow versions (wire values). */
enum ofp_version {
    OFP10_VERSION = 0x01,
    OFP13_VERSION = 0x04,
    OFP14_VERSION = 0x05,
    OFP15_VERSION = 0x06,
};

/* Reserved ports, OpenFlow 1.3.5 §7.2.1 (enum ofp_port_no). */
#define OFPP_MAX        0xffffff00u
#define OFPP_IN_PORT    0xfffffff8u
#define OFPP_TABLE      0xfffffff9u
#define OFPP_NORMAL     0xfffffffau
#define OFPP_FLOOD      0xfffffffbu
#define OFPP_ALL        0xfffffffcu
#define OFPP_CONTROLLER 0xfffffffdu
#define OFPP_LOCAL      0xfffffffeu
#define OFPP_ANY        0xffffffffu
#define OFPG_ANY        0xffffffffu
#define OFP_NO_BUFFER   0xffffffffu
/* The bridge's own (internal) port, as OVS shows it: "LOCAL(br0)". */

#define OFP_DEFAULT_PRIORITY 0x8000
#define OFPCML_NO_BUFFER 0xffff

struct match {
    struct flow flow;  /* Values; bits outside 'wc' are zero. */
    struct flow wc;    /* Mask: 1 = significant. */
};

void match_init_catchall(struct match *);
/* Zeroes value bits outside the mask. */
void match_normalize(struct match *);
/* Whether FLOW matches. */
bool match_matches_flow(const struct match *, const struct flow *flow);
bool match_equal(const struct match *, const struct match *);

/* Fields that actions can read and write (set_field, load, move) and that matches can name: a
 * table shared by the OXM/NXM codec, the parser and the printer (ofp-util.c). A field's value is
 * handled in its wire form: LEN bytes, big-endian, of which the low BITS bits are significant.
 * Ids are indexes into the table; they are stable within one build only (never put them on a
 * wire). */
enum ofp_prereq {
    OFP_PRQ_NONE,
    OFP_PRQ_VLAN,          /* a VLAN tag is present */
    OFP_PRQ_IP_ANY,        /* eth_type 0x0800 or 0x86dd */
    OFP_PRQ_IPV4,
    OFP_PRQ_IPV6,
    OFP_PRQ_ARP,
    OFP_PRQ_TCP,           /* IP_ANY and ip_proto 6 */
    OFP_PRQ_UDP,
    OFP_PRQ_SCTP,
    OFP_PRQ_ICMPV4,        /* IPV4 and ip_proto 1 */
    OFP_PRQ_ICMPV6,        /* IPV6 and ip_proto 58 */
    OFP_PRQ_ND,            /* ICMPV6 and icmpv6_type 135 or 136 */
    OFP_PRQ_ND_SLL,        /* icmpv6_type 135 */
    OFP_PRQ_ND_TLL,        /* icmpv6_type 136 */
};

struct ofp_field {
    int id;                /* Index in the table. */
    const char *name;      /* ovs-ofctl name, e.g. "eth_dst", "reg0". */
    const char *nxm_name;  /* "NXM_OF_ETH_DST", "NXM_NX_REG0", or "OXM_OF_..." without an NXM form. */
    uint16_t oxm_class;    /* Header used in matches and set_field (0x8000 basic, 0x0000/0x0001 NXM). */
    uint8_t oxm_field;
    uint16_t nxm_class;    /* Header used in Nicira actions (reg_load, reg_move); same as oxm_* when */
    uint8_t nxm_field;     /* the field has no separate NXM form. */
    uint8_t len;           /* Value length, bytes. */
    uint8_t bits;          /* Significant low-order bits of the value. */
    bool maskable;         /* May be matched with an arbitrary mask. */
    bool in_match;         /* Encoded in OXM matches. */
    bool writable;         /* set_field/load/move may write it. */
    enum ofp_prereq prereq;
};

/* Looks a field up by ovs-ofctl name or NXM/OXM name ("reg0", "NXM_NX_REG0", "ip_dst", "nw_dst"). */
const struct ofp_field *ofp_field_by_name(const char *name);
const struct ofp_field *ofp_field_by_id(int id);
/* By wire header class/field, trying the OXM header and then the NXM one. */
const struct ofp_field *ofp_field_by_header(uint16_t oxm_class, uint8_t oxm_field);
/* Reads field F of FLOW (a value or, when IS_MASK, a mask) as F->len wire bytes into BUF. */
void ofp_field_get(const struct ofp_field *f, const struct flow *flow, bool is_mask, uint8_t *buf);
/* Stores F->len wire bytes BUF into field F of FLOW (a value or, when IS_MASK, a mask). */
void ofp_field_set(const struct ofp_field *f, struct flow *flow, bool is_mask, const uint8_t *buf);
/* Whether MATCH establishes F's prerequisites (OpenFlow 1.3.5 §7.2.3.6). */
bool ofp_field_prereq_ok(const struct ofp_field *f, const struct match *match);
/* Whether FLOW (a packet's key, not a match) meets F's prerequisites. */
bool ofp_field_prereq_flow(const struct ofp_field *f, const struct flow *flow);

/* Bit ranges of wire values: bit 0 is the least significant bit of the last byte. */
bool ofp_bits_get(const uint8_t *buf, size_t len, unsigned int bit);
void ofp_bits_set(uint8_t *buf, size_t len, unsigned int bit, bool value);
/* Copies N bits from SRC (bit SRC_OFS up) to DST (bit DST_OFS up). */
void ofp_bits_copy(const uint8_t *src, size_t src_len, unsigned int src_ofs, uint8_t *dst,
                   size_t dst_len, unsigned int dst_ofs, unsigned int n);

/* Actions and instructions (OpenFlow 1.3.5 §5.9, §5.12, §7.2.4-7.2.5, and the Nicira extensions
 * resubmit, reg_load, reg_move, note), decoded. A rule's list holds, in this order: at most one
 * METER, the apply-actions (write == false), then at most one CLEAR_ACTIONS, the write-actions
 * (write == true), at most one WRITE_METADATA and at most one GOTO_TABLE. An empty list means drop.
 * Every struct ofpact is fully zero-initialized before it is filled, so lists compare with
 * memcmp. */
enum ofpact_type {
    OFPACT_OUTPUT,         /* port (may be reserved: IN_PORT, NORMAL, FLOOD, ALL, CONTROLLER, LOCAL,
                              TABLE in packet-out), max_len for CONTROLLER. */
    OFPACT_PUSH_VLAN,      /* ethertype (0x8100 or 0x88a8). */
    OFPACT_POP_VLAN,
    OFPACT_SET_FIELD,      /* field, value (wire bytes) under mask (wire bytes; all-ones for a
                              set_field); 'load' when it came as, and prints as, Nicira load. */
    OFPACT_REG_MOVE,       /* src_field[src_ofs..+n_bits) -> field[ofs..+n_bits). */
    OFPACT_DEC_TTL,
    OFPACT_SET_NW_TTL,     /* ttl */
    OFPACT_RESUBMIT,       /* port (OFPP_IN_PORT = the packet's), table (255 = the current one). */
    OFPACT_NOTE,           /* note[0..note_len) opaque bytes. */
    OFPACT_GROUP,          /* port = group id (OpenFlow 1.3.5 §5.6). */
    OFPACT_CLEAR_ACTIONS,  /* Instruction: empty the action set. */
    OFPACT_WRITE_METADATA, /* Instruction: metadata = (metadata & ~mask) | (value & mask). */
    OFPACT_GOTO_TABLE,     /* Instruction: continue in 'table' (greater than the current one). */
    OFPACT_METER,          /* Instruction: port = meter id (OpenFlow 1.3.5 §5.7); first. */
};

#define OFPACT_NOTE_MAX 32

struct ofpact {
    uint8_t type;          /* enum ofpact_type */
    bool write;            /* Part of write_actions (the action set), not apply_actions. */
    bool load;             /* SET_FIELD written as load:V->F[a..b]. */
    uint8_t table;         /* RESUBMIT, GOTO_TABLE */
    uint32_t port;         /* OUTPUT, RESUBMIT */
    uint16_t max_len;      /* OUTPUT to CONTROLLER */
    uint16_t ethertype;    /* PUSH_VLAN */
    uint8_t ttl;           /* SET_NW_TTL */
    uint8_t note_len;      /* NOTE */
    int16_t field;         /* SET_FIELD, REG_MOVE destination: ofp_field id */
    int16_t src_field;     /* REG_MOVE source */
    uint16_t ofs, src_ofs, n_bits;   /* REG_MOVE bit ranges; SET_FIELD 'load' range */
    uint8_t value[16];     /* SET_FIELD value; NOTE bytes (first 16) */
    uint8_t mask[16];      /* SET_FIELD mask; NOTE bytes (last 16) */
    uint64_t metadata;     /* WRITE_METADATA */
    uint64_t metadata_mask;
};

struct ofpacts {
    size_t n;
    struct ofpact *acts;   /* malloc'd array of n */
};

void ofpacts_init(struct ofpacts *);
/* Appends a zeroed action of TYPE and returns it (valid until the next append). */
struct ofpact *ofpacts_put(struct ofpacts *, enum ofpact_type type);
void ofpacts_add_output(struct ofpacts *, uint32_t port, uint16_t max_len);
void ofpacts_copy(struct ofpacts *dst, const struct ofpacts *src);
bool ofpacts_equal(const struct ofpacts *, const struct ofpacts *);
/* Whether any action outputs to PORT (for out_port filters). */
bool ofpacts_output_to_port(const struct ofpacts *, uint32_t port);
/* The GOTO_TABLE target, or -1. */
int ofpacts_goto_table(const struct ofpacts *);
void ofpacts_destroy(struct ofpacts *);

/* Flow-mod commands, OpenFlow 1.3.5 §7.3.4.1. */
enum ofp_flow_mod_command {
    OFPFC_ADD = 0,
    OFPFC_MODIFY = 1,
    OFPFC_MODIFY_STRICT = 2,
    OFPFC_DELETE = 3,
    OFPFC_DELETE_STRICT = 4,
};

/* Flow-mod flags (enum ofp_flow_mod_flags). */
#define OFPFF_SEND_FLOW_REM 1u
#define OFPFF_CHECK_OVERLAP 2u
#define OFPFF_RESET_COUNTS 4u
#define OFPFF_NO_PKT_COUNTS 8u
#define OFPFF_NO_BYT_COUNTS 16u

struct ofp_flow_mod {
    enum ofp_flow_mod_command command;
    uint64_t cookie;
    uint64_t cookie_mask;      /* For modify/delete filtering. */
    uint8_t table_id;          /* 0xff = all tables (delete). */
    uint16_t priority;
    uint16_t idle_timeout;     /* Seconds; 0 = none. */
    uint16_t hard_timeout;     /* Seconds; 0 = none. */
    uint16_t flags;            /* OFPFF_* */
    uint32_t buffer_id;
    uint32_t out_port;         /* OFPP_ANY = no filter. */
    uint32_t out_group;        /* OFPG_ANY = no filter. */
    struct match match;
    struct ofpacts ofpacts;    /* Owned. */
};

void ofp_flow_mod_init(struct ofp_flow_mod *);   /* ADD, priority 0x8000, all filters "any". */
void ofp_flow_mod_destroy(struct ofp_flow_mod *);

/* A flow-stats request (multipart OFPMP_FLOW) and one reply entry. */
struct ofp_flow_stats_request {
    uint8_t table_id;          /* 0xff = all */
    uint32_t out_port;
    uint32_t out_group;
    uint64_t cookie;
    uint64_t cookie_mask;
    struct match match;
    bool aggregate;            /* OFPMP_AGGREGATE rather than OFPMP_FLOW */
};

struct ofp_flow_stats {
    uint8_t table_id;
    uint32_t duration_sec;
    uint32_t duration_nsec;
    uint16_t priority;
    uint16_t idle_timeout;
    uint16_t hard_timeout;
    uint16_t flags;
    uint64_t cookie;
    uint64_t packet_count;
    uint64_t byte_count;
    uint32_t idle_age;         /* Seconds since last hit (OVS extension shown by dump-flows). */
    struct match match;
    struct ofpacts ofpacts;    /* Owned. */
};

/* A port (OpenFlow 1.3.5 §7.2.1 struct ofp_port). */
#define OFP_MAX_PORT_NAME_LEN 16
#define OFPPC_PORT_DOWN 1u
#define OFPPC_NO_RECV 4u
#define OFPPC_NO_FLOOD 16u       /* OpenFlow 1.0's bit, kept by Open vSwitch for all versions. */
#define OFPPC_NO_FWD 32u
#define OFPPC_NO_PACKET_IN 64u
#define OFPPS_LINK_DOWN 1u
#define OFPPS_LIVE 4u
struct ofp_phy_port {
    uint32_t port_no;
    struct eth_addr hw_addr;
    char name[OFP_MAX_PORT_NAME_LEN];
    uint32_t config;     /* OFPPC_* */
    uint32_t state;      /* OFPPS_* */
    uint32_t curr, advertised, supported, peer;  /* OFPPF_* */
    uint32_t curr_speed, max_speed;              /* kbps */
};

/* Port statistics (OpenFlow 1.3.5 §7.3.5.6 struct ofp_port_stats). UINT64_MAX = unavailable. */
struct ofp_port_stats {
    uint32_t port_no;
    uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
    uint64_t rx_dropped, tx_dropped, rx_errors, tx_errors;
    uint64_t rx_frame_err, rx_over_err, rx_crc_err, collisions;
    uint32_t duration_sec, duration_nsec;
};

/* OpenFlow errors: type (enum ofp_error_type) and code, OpenFlow 1.3.5 §7.4.4. */
struct ofperr {
    uint16_t type;
    uint16_t code;
};
#define OFPET_HELLO_FAILED 0
#define OFPET_BAD_REQUEST 1
#define OFPET_BAD_ACTION 2
#define OFPET_BAD_INSTRUCTION 3
#define OFPET_BAD_MATCH 4
#define OFPET_FLOW_MOD_FAILED 5
#define OFPET_PORT_MOD_FAILED 7
#define OFPET_TABLE_MOD_FAILED 8
#define OFPET_SWITCH_CONFIG_FAILED 10
/* Frequently used codes. */
#define OFPBRC_BAD_VERSION 0
#define OFPBRC_BAD_TYPE 1
#define OFPBRC_BAD_MULTIPART 2
#define OFPBRC_BAD_LEN 6
#define OFPBAC_BAD_OUT_PORT 4
#define OFPBAC_BAD_EXPERIMENTER 2
#define OFPBAC_BAD_EXP_TYPE 3
#define OFPBAC_MATCH_INCONSISTENT 10
#define OFPBAC_BAD_SET_TYPE 13
#define OFPBAC_BAD_SET_LEN 14
#define OFPBAC_BAD_SET_ARGUMENT 15
#define OFPFMFC_UNKNOWN 0
#define OFPFMFC_TABLE_FULL 1
#define OFPFMFC_BAD_TABLE_ID 2
#define OFPFMFC_OVERLAP 3
#define OFPFMFC_BAD_COMMAND 6

#endif
