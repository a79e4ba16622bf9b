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

/* Actions (OpenFlow 1.3.5 §5.12 and §7.2.5), decoded. An empty list means drop. */
enum ofpact_type {
    OFPACT_OUTPUT,      /* port (may be reserved: IN_PORT, NORMAL, FLOOD, ALL, CONTROLLER, LOCAL),
                           max_len for CONTROLLER. */
};

struct ofpact {
    enum ofpact_type type;
    uint32_t port;
    uint16_t max_len;
};

struct ofpacts {
    size_t n;
    struct ofpact *acts;   /* malloc'd array of n */
};

void ofpacts_init(struct ofpacts *);
void ofpacts_add_output(struct ofpacts *, uint32_t port, uint16_t max_len);
void ofpacts_copy(struct ofpacts *dst, const struct ofpacts *src);
bool ofpacts_equal(const struct ofpacts *, const struct ofpacts *);
/* Whether any action outputs to PORT (for out_port filters). */
bool ofpacts_output_to_port(const struct ofpacts *, uint32_t port);
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
#define OFPFMFC_UNKNOWN 0
#define OFPFMFC_TABLE_FULL 1
#define OFPFMFC_BAD_TABLE_ID 2
#define OFPFMFC_OVERLAP 3
#define OFPFMFC_BAD_COMMAND 6

#endif
