/*
 * ofp-actions — OpenFlow instructions and actions in their three external forms: the OpenFlow 1.3
 * wire encoding (OpenFlow 1.3.5 §7.2.4 instructions, §7.2.5 actions, plus the Nicira experimenter
 * actions resubmit, resubmit_table, reg_move, reg_load, reg_load2 and note that ovs-ofctl sends),
 * the ovs-ofctl text syntax, and the same text printed back. The decoded form is struct ofpacts
 * (ofp-types.h): one flat list in canonical order (meter, apply actions, clear_actions, write
 * actions, write_metadata, goto_table). The OpenFlow 1.5 forms (OpenFlow 1.5.1 §7.2.5: the meter
 * as the first apply action, copy_field, set_field with a mask) are decoded in every version and
 * written for 1.5 (ofp-compat.h); OpenFlow 1.0's flat action list is in ofp-match10.c.
 *
 * Text syntax (ovs-ofctl(8) "actions="), comma-separated:
 *   output:PORT | PORT | NORMAL | FLOOD | ALL | LOCAL | IN_PORT | CONTROLLER[:max_len]
 *   | controller(max_len=N) | drop | push_vlan:ETHERTYPE | pop_vlan | strip_vlan
 *   | set_field:VALUE[/MASK]->FIELD | load:VALUE->FIELD[a..b] | move:SRC[a..b]->DST[c..d]
 *   | dec_ttl | mod_nw_ttl:TTL | resubmit:PORT | resubmit([PORT],[TABLE]) | note:HH.HH...
 *   | group:GROUP_ID
 *   | meter:METER_ID (the meter instruction, OpenFlow 1.3.5 §5.7: only as the first item)
 *   | clear_actions | write_actions(ACTIONS) | write_metadata:VALUE[/MASK] | goto_table:TABLE
 * FIELD[] is the whole field, FIELD[n] one bit, FIELD[a..b] bits a to b (0 = least significant).
 *
 * Errors: decoders return 0 or -EPROTO with *ERR set to the OpenFlow error to send back
 * (OFPET_BAD_ACTION/BAD_TYPE for an unknown action, BAD_LEN, BAD_OUT_PORT, BAD_SET_TYPE for a
 * field set_field cannot write, BAD_SET_ARGUMENT for a value outside the field; OFPET_BAD_INSTRUCTION
 * for instructions). Parsers return NULL or a malloc'd message for the user.
 * Thread-safety: pure functions.
 */
#ifndef UVS_OFP_ACTIONS_H
#define UVS_OFP_ACTIONS_H 1

#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"
#include "ofproto/ofp-parse.h"
#include "ofproto/ofp-print.h"
#include "ofproto/ofp-types.h"

struct ofpbuf;
struct ofp_port_map;

/* Instruction types (OpenFlow 1.3.5 §7.2.4, enum ofp_instruction_type). */
#define OFPIT_GOTO_TABLE 1
#define OFPIT_WRITE_METADATA 2
#define OFPIT_WRITE_ACTIONS 3
#define OFPIT_APPLY_ACTIONS 4
#define OFPIT_CLEAR_ACTIONS 5
#define OFPIT_METER 6
#define OFPIT_EXPERIMENTER 0xffff

/* Action types (OpenFlow 1.3.5 §7.2.5, enum ofp_action_type). */
#define OFPAT_OUTPUT 0
#define OFPAT_SET_NW_TTL 23
#define OFPAT_DEC_NW_TTL 24
#define OFPAT_PUSH_VLAN 17
#define OFPAT_POP_VLAN 18
#define OFPAT_SET_FIELD 25
#define OFPAT_GROUP 22
#define OFPAT_EXPERIMENTER 0xffff
#define NX_VENDOR_ID 0x00002320

/* Appends OFPACTS as OpenFlow 1.3 instructions (nothing for an empty list). */
void ofp_put_instructions(struct ofpbuf *out, const struct ofpacts *);
/* Appends the apply-actions of OFPACTS as a bare action list (packet-out). */
void ofp_put_actions(struct ofpbuf *out, const struct ofpacts *);
/* Decodes LEN bytes of instructions into OFPACTS (which it initializes). Returns 0 or -EPROTO. */
int ofp_decode_instructions(const uint8_t *p, size_t len, struct ofpacts *, struct ofperr *err);
/* Decodes LEN bytes of a bare action list (packet-out) into OFPACTS (initialized). */
int ofp_decode_actions(const uint8_t *p, size_t len, struct ofpacts *, struct ofperr *err);

/* ofp_parse_actions() is declared in ofp-parse.h and implemented here; ofp_format_actions() is
 * declared in ofp-print.h and, with ofp_format_action() and ofp_format_field_value() below,
 * implemented in ofp-print.c. */

/* Checks ACTS against the rule's MATCH in table TABLE_ID: goto_table must go forward
 * (OFPBIC_BAD_TABLE_ID), set_field and load need their field's prerequisites in the match
 * (OFPBAC_MATCH_INCONSISTENT), move's source too. Returns 0 or -EINVAL with *ERR. */
int ofpacts_check(const struct ofpacts *acts, const struct match *match, uint8_t table_id,
                  struct ofperr *err);

/* One action (no instruction wrapping). */
void ofp_format_action(struct ds *, const struct ofpact *, const struct ofp_port_map *);
/* The value of field F (F->len wire bytes) as ovs-ofctl prints it: MAC, dotted IPv4, IPv6,
 * decimal, or 0x hex for registers, metadata and TCI. */
void ofp_format_field_value(struct ds *, const struct ofp_field *f, const uint8_t *value);

#endif
