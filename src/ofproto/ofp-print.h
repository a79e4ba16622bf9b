/*
 * ofp-print — OpenFlow objects as text, in the layouts ovs-ofctl 3.1 prints, so that users (and
 * their scripts) see the same lines from uvs-ofctl: dump-flows entries, matches in the flow
 * syntax ofp-parse reads back ("ip,in_port=1,nw_dst=10.0.0.0/8"), actions, `show` (features and
 * port descriptions), dump-ports, dump-desc, and the names of message types and errors.
 *
 * Port names: every formatter that prints a port number takes an optional port map (NULL = print
 * numbers). A port prints as its name when the map holds exactly one port with that number and the
 * name is unique in the map, as ovs-ofctl --names does; reserved ports print as LOCAL, NORMAL, ...
 *
 * Multi-line formatters end every line with '\n'; single-object formatters append no newline.
 * Thread-safety: pure functions; the name tables are static constants.
 */
#ifndef UVS_OFP_PRINT_H
#define UVS_OFP_PRINT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-types.h"

/* ---------------------------------------------------------------------------------------------
 * Port maps: OpenFlow port number <-> name, built from a switch's port descriptions.
 * ------------------------------------------------------------------------------------------- */

struct ofp_port_name {
    uint32_t port;
    char name[OFP_MAX_PORT_NAME_LEN];
};

struct ofp_port_map {
    size_t n;
    struct ofp_port_name *ports;   /* malloc'd array of n */
};

void ofp_port_map_init(struct ofp_port_map *);
void ofp_port_map_add(struct ofp_port_map *, uint32_t port, const char *name);
void ofp_port_map_destroy(struct ofp_port_map *);
/* The name of PORT, or NULL if it has none or the number or name is ambiguous in MAP. */
const char *ofp_port_map_get_name(const struct ofp_port_map *, uint32_t port);
/* Finds the port named NAME (exact, case-sensitive). Returns false if absent or ambiguous. */
bool ofp_port_map_get_number(const struct ofp_port_map *, const char *name, uint32_t *port);
/* ofp_port_name_cb (ofp-parse.h) over a struct ofp_port_map passed as AUX. */
bool ofp_port_map_lookup_cb(void *map, const char *name, uint32_t *port);

/* ---------------------------------------------------------------------------------------------
 * Flows.
 * ------------------------------------------------------------------------------------------- */

/* A port number as ovs-ofctl prints it: a name from MAP, a reserved name (LOCAL, IN_PORT,
 * NORMAL, FLOOD, ALL, CONTROLLER, TABLE, ANY) or the decimal number. */
void ofp_format_port(struct ds *, uint32_t port, const struct ofp_port_map *);
/* The match in flow syntax: "priority=N," first when PRIORITY is not OFP_DEFAULT_PRIORITY (pass
 * OFP_DEFAULT_PRIORITY to omit it), then the protocol shorthand ("ip", "tcp6", "arp"...), then the
 * fields in ovs-ofctl's order. Appends nothing for a catch-all match at the default priority. */
void ofp_format_match(struct ds *, const struct match *, int priority,
                      const struct ofp_port_map *);
/* "output:2,NORMAL,CONTROLLER:65535" or "drop" for an empty list (without the "actions=" prefix). */
void ofp_format_actions(struct ds *, const struct ofpacts *, const struct ofp_port_map *);
/* One dump-flows line without newline: " cookie=0x0, duration=1.5s, table=0, n_packets=0,
 * n_bytes=0, [idle_timeout=N, ][hard_timeout=N, ][send_flow_rem ...][idle_age=N, ]MATCH actions=ACTS".
 * idle_age is printed only when known (not UINT32_MAX): OpenFlow 1.3 replies do not carry it. */
void ofp_format_flow_stats(struct ds *, const struct ofp_flow_stats *,
                           const struct ofp_port_map *);
/* A flow-mod as "ADD priority=100,ip actions=output:2" (for logs and error reports). */
void ofp_format_flow_mod(struct ds *, const struct ofp_flow_mod *, const struct ofp_port_map *);
/* "12.345s"-style duration: when NSEC is not 0, nine fractional digits with trailing zeros
 * trimmed down to at least three (ovs-ofctl's format). */
void ofp_format_duration(struct ds *, uint32_t sec, uint32_t nsec);

/* ---------------------------------------------------------------------------------------------
 * Messages (ovs-ofctl show, dump-ports, dump-desc, dump-tables).
 * ------------------------------------------------------------------------------------------- */

/* "OFPT_FEATURES_REPLY (OF1.3) (xid=0x2):" style header: NAME, version, xid. */
void ofp_format_msg_header(struct ds *, const char *name, uint8_t version, uint32_t xid);
/* The same for a multipart reply, followed by " flags=[more]" when MP_FLAGS has
 * OFPMPF_REPLY_MORE, as ovs-ofctl prints every part but the last. The multipart formatters below
 * take the reply's MP_FLAGS for this. */
void ofp_format_mp_header(struct ds *, const char *name, uint8_t version, uint32_t xid,
                          uint16_t mp_flags);
/* Features reply: header line with dpid, "n_tables:254, n_buffers:0", "capabilities: ...". */
void ofp_format_features_reply(struct ds *, uint8_t version, uint32_t xid,
                               const struct ofp_switch_features *);
/* One port description: " 1(p0): addr:..", config, state, features, speed lines. */
void ofp_format_phy_port(struct ds *, const struct ofp_phy_port *);
/* "OFPST_PORT_DESC reply (OF1.3) (xid=0x3):" then the ports (sorted by number, as ovs-ofctl). */
void ofp_format_port_desc_reply(struct ds *, uint8_t version, uint32_t xid, uint16_t mp_flags,
                                const struct ofp_phy_port *, size_t n);
/* "OFPT_GET_CONFIG_REPLY (OF1.3) (xid=0x4): frags=normal miss_send_len=128". */
void ofp_format_switch_config(struct ds *, uint8_t version, uint8_t type, uint32_t xid,
                              const struct ofp_switch_config *);
/* "OFPST_PORT reply (OF1.3) (xid=0x2): N ports" and three lines per port; counters equal to
 * UINT64_MAX print as "?". */
void ofp_format_port_stats_reply(struct ds *, uint8_t version, uint32_t xid, uint16_t mp_flags,
                                 const struct ofp_port_stats *, size_t n,
                                 const struct ofp_port_map *);
/* "OFPST_TABLE reply (OF1.3) (xid=0x2):" then "  table N:" / "    active=A, lookup=L, matched=M"
 * per table, blank-line separated, with runs of tables equal to the one before collapsed into
 * "  table N: ditto" or "  tables N...M: ditto" as ovs-ofctl prints them. */
void ofp_format_table_stats_reply(struct ds *, uint8_t version, uint32_t xid, uint16_t mp_flags,
                                  const struct ofp_table_stats *, size_t n);
/* "OFPST_DESC reply (OF1.3) (xid=0x2):" then Manufacturer/Hardware/Software/Serial Num/DP Desc. */
void ofp_format_desc_reply(struct ds *, uint8_t version, uint32_t xid, uint16_t mp_flags,
                           const struct ofp_desc *);
/* "OFPST_AGGREGATE reply (OF1.3) (xid=0x2): packet_count=0 byte_count=0 flow_count=0". */
void ofp_format_aggregate_reply(struct ds *, uint8_t version, uint32_t xid, uint16_t mp_flags,
                                const struct ofp_aggregate_stats *);

/* ---------------------------------------------------------------------------------------------
 * Names.
 * ------------------------------------------------------------------------------------------- */

/* "OFPT_FLOW_MOD"; "OFPT_UNKNOWN_TYPE_%d" style for unknown types (static or thread-local). */
const char *ofp_type_name(uint8_t type);
/* "OFPET_BAD_MATCH" / "OFPBMC_BAD_PREREQ", with a numeric fallback for unknown values. */
const char *ofperr_type_name(uint16_t type);
const char *ofperr_code_name(struct ofperr);
/* A sentence for users: "a match field's prerequisite is missing (e.g. nw_dst needs ip)". */
const char *ofperr_description(struct ofperr);

#endif
