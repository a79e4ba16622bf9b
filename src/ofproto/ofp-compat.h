/*
 * ofp-compat — the wire forms of OpenFlow 1.0 (0x01) and 1.5 (0x06) that differ from OpenFlow 1.3,
 * private to the codec (ofp_lib). ofp-msgs.h explains the scheme:
 *
 *   - Encoders (ofp_encode_*(), ofp_mp_put_*()) take the version to write and, for 1.0 and for
 *     the 1.5 messages that changed, call the ofp10_* / ofp15_* encoders declared here.
 *   - Decoders read the OpenFlow 1.3 form only. ofp_msg_upgrade() converts a received 1.0, 1.4 or
 *     1.5 message into the equivalent 1.3 message first (decode with the native decoder below,
 *     re-encode with the 1.3 encoder), so connmgr and uvs-ofctl need one call, at the edge.
 *
 * OpenFlow 1.0 (spec 1.0.0): 16-bit port numbers (reserved ports 0xff00-0xffff map to
 * 0xffffff00-0xffffffff), the fixed 40-byte struct ofp_match, a flat action list (no instructions,
 * tables, groups or meters), different message type numbers from OFPT_PORT_MOD (15) on, a 12-byte
 * stats header and its own error codes. Nicira vendor actions (resubmit, reg_load, reg_move, note,
 * dec_ttl) keep the form they have in 1.3, since OFPAT_VENDOR and OFPAT_EXPERIMENTER are one thing.
 *
 * OpenFlow 1.5 (spec 1.5.1): packet-out carries a match (with in_port), the meter instruction
 * became the action OFPAT_METER, flow-stats entries (OFPMP_FLOW_DESC), aggregate replies and
 * flow-removed carry OXS statistics, group-mod and group descriptions carry bucket ids and
 * properties. Port messages are those of 1.4.
 *
 * Thread-safety: pure functions.
 */
#ifndef UVS_OFP_COMPAT_H
#define UVS_OFP_COMPAT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofproto/ofp-group.h"
#include "ofproto/ofp-msgs.h"

/* ---------------------------------------------------------------------------------------------
 * OpenFlow 1.0 (ofp-msgs10.c, ofp-match10.c).
 * ------------------------------------------------------------------------------------------- */

#define OFP10_MATCH_LEN 40
#define OFP10_PHY_PORT_LEN 48
#define OFP10_STATS_HEADER_LEN 12
#define OFP10_NO_VLAN 0xffff          /* dl_vlan of an untagged packet. */
#define NXAST_DEC_TTL 18              /* Nicira dec_ttl, the form 1.0 uses. */

/* Message type numbers: OFPT10_* for an enum ofp_type, or 0xff when 1.0 has no such message. */
uint8_t ofp10_type_from_13(uint8_t type);
/* enum ofp_type for an OFPT10_* number, or 0xff for an unknown one. */
uint8_t ofp10_type_to_13(uint8_t type10);
/* Error type and code as OpenFlow 1.0 sends them (1.0.0 §5.4.4), and back. */
struct ofperr ofp10_error_from_13(struct ofperr);
struct ofperr ofp10_error_to_13(struct ofperr);

/* 32-bit OpenFlow port numbers to 16-bit ones and back. */
uint16_t ofp10_port_from_32(uint32_t port);
uint32_t ofp10_port_to_32(uint16_t port);

/* Writes MATCH as a struct ofp10_match at P (OFP10_MATCH_LEN bytes). Fields 1.0 cannot express
 * (metadata, registers, IPv6, ARP hardware addresses, TTL, ECN, partial Ethernet masks) are left
 * out, so the 1.0 match may be wider than MATCH. */
void ofp10_put_match(uint8_t *p, const struct match *);
/* Reads the struct ofp10_match at P into MATCH. Fields whose prerequisites the match lacks are
 * ignored, as OpenFlow 1.0 §5.2.3 says. Returns 0 or -EPROTO (OFPBMC_BAD_VALUE for a vlan_pcp
 * above 7 or a vlan id above 4095). */
int ofp10_pull_match(const uint8_t *p, struct match *, struct ofperr *err);

/* Whether the 1.0 form of MATCH means exactly MATCH (no field left out, no mask widened). */
bool ofp10_match_fits(const struct match *);
/* The name of the first action or instruction in ACTS that OpenFlow 1.0 cannot carry, or NULL. */
const char *ofp10_actions_problem(const struct ofpacts *acts);

/* Appends the apply-actions of ACTS as an OpenFlow 1.0 action list. Instructions and actions
 * 1.0 lacks (write-actions, clear-actions, write-metadata, goto-table, meter, group, push_vlan)
 * are left out; set_field of a field with a 1.0 action becomes that action, of another field a
 * Nicira reg_load. */
void ofp10_put_actions(struct ofpbuf *out, const struct ofpacts *acts);
/* Decodes LEN bytes of 1.0 actions into ACTS (initialized). MATCH (may be NULL) tells which L4
 * protocol OFPAT10_SET_TP_SRC/DST set. Returns 0 or -EPROTO with an OFPET_BAD_ACTION error. */
int ofp10_decode_actions(const uint8_t *p, size_t len, const struct match *match,
                         struct ofpacts *acts, struct ofperr *err);

/* Encoders of the messages whose 1.0 form differs; same contracts as the ofp_encode_*() they
 * stand in for. */
void ofp10_encode_features_reply(struct ofpbuf *out, uint32_t xid,
                                 const struct ofp_switch_features *);
void ofp10_encode_flow_mod(struct ofpbuf *out, uint32_t xid, const struct ofp_flow_mod *);
void ofp10_encode_flow_stats_request(struct ofpbuf *out, uint32_t xid,
                                     const struct ofp_flow_stats_request *);
void ofp10_encode_port_stats_request(struct ofpbuf *out, uint32_t xid, uint32_t port_no);
void ofp10_mp_put_flow_stats(struct ofp_mp_writer *, const struct ofp_flow_stats *);
void ofp10_mp_put_table_stats(struct ofp_mp_writer *, const struct ofp_table_stats *);
void ofp10_mp_put_port_stats(struct ofp_mp_writer *, const struct ofp_port_stats *);
void ofp10_mp_put_port(struct ofp_mp_writer *, const struct ofp_phy_port *);
void ofp10_encode_packet_in(struct ofpbuf *out, uint32_t xid, const struct ofp_packet_in *);
void ofp10_encode_packet_out(struct ofpbuf *out, uint32_t xid, const struct ofp_packet_out *);
void ofp10_encode_flow_removed(struct ofpbuf *out, uint32_t xid,
                               const struct ofp_flow_removed *);
void ofp10_encode_port_mod(struct ofpbuf *out, uint32_t xid, const struct ofp_port_mod *);
void ofp10_encode_port_status(struct ofpbuf *out, uint32_t xid, uint8_t reason,
                              const struct ofp_phy_port *);

/* Converts the 1.0 message MSG (LEN bytes, header already checked) into the 1.3 one it means,
 * appended to OUT; FLAGS as for ofp_msg_upgrade_flags(). Returns 0 or -EPROTO. */
int ofp10_upgrade(const uint8_t *msg, size_t len, unsigned int flags, struct ofpbuf *out,
                  struct ofperr *err);

/* ---------------------------------------------------------------------------------------------
 * OpenFlow 1.4 and 1.5 (ofp-msgs15.c).
 * ------------------------------------------------------------------------------------------- */

/* OXS statistics (OpenFlow 1.5.1 §7.2.4) of a flow. */
struct ofp15_stats {
    uint32_t duration_sec, duration_nsec;
    uint64_t packet_count, byte_count;
    uint32_t flow_count;
    bool has_duration, has_flow_count;
};

void ofp15_encode_packet_out(struct ofpbuf *out, uint32_t xid, const struct ofp_packet_out *);
void ofp15_mp_put_flow_stats(struct ofp_mp_writer *, const struct ofp_flow_stats *);
void ofp15_mp_put_aggregate(struct ofp_mp_writer *, const struct ofp_aggregate_stats *);
void ofp15_encode_flow_removed(struct ofpbuf *out, uint32_t xid,
                               const struct ofp_flow_removed *);
void ofp15_encode_group_mod(struct ofpbuf *out, uint32_t xid, const struct ofp_group_mod *);
void ofp15_mp_put_group_desc(struct ofp_mp_writer *, const struct ofp_group_mod *);

/* Converts a 1.4 or 1.5 message whose form differs from 1.3 into the 1.3 one, appended to OUT.
 * Returns 0, 1 if MSG needs no conversion (OUT untouched), or -EPROTO. */
int ofp15_upgrade(const uint8_t *msg, size_t len, struct ofpbuf *out, struct ofperr *err);

/* Instructions (ofp-actions.c) in the form of VERSION: 1.5 puts the meter into the apply-actions
 * as OFPAT_METER and writes its actions as ofp_put_actions_version() does. */
void ofp_put_instructions_version(struct ofpbuf *out, uint8_t version, const struct ofpacts *);
/* The apply-actions of ACTS as a bare list in the form of VERSION (1.5: masked set_field for
 * loads, copy_field for moves). */
void ofp_put_actions_version(struct ofpbuf *out, uint8_t version, const struct ofpacts *);
/* One action in its 1.3 form (also valid in 1.0 for the Nicira ones). */
void ofp_put_action(struct ofpbuf *out, const struct ofpact *);
/* Decodes the Nicira vendor action at P (ALEN bytes) onto ACTS. Returns 0 or -EPROTO. */
int ofp_decode_nx_action(const uint8_t *p, size_t alen, struct ofpacts *acts,
                         struct ofperr *err);

#endif
