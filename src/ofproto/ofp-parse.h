/*
 * ofp-parse — the ovs-ofctl flow syntax, read into flow-mods and flow-stats requests:
 *
 *     priority=100,in_port=1,ip,nw_dst=10.0.0.0/8,actions=output:2
 *
 * A flow string is a list of keywords separated by commas and/or white space. Each is a protocol
 * shorthand (ip, ipv6, arp, tcp, udp, sctp, icmp, icmp6, tcp6, udp6, sctp6), a flag
 * (send_flow_rem, check_overlap, reset_counts, no_packet_counts, no_byte_counts), or KEY=VALUE
 * (KEY:VALUE is accepted too): a flow-mod parameter (priority, cookie[/mask], table, idle_timeout,
 * hard_timeout, out_port) or a match field (ovs-ofctl(8) names: in_port, dl_src, dl_dst, dl_type,
 * dl_vlan, dl_vlan_pcp, vlan_tci, nw_src, nw_dst, nw_proto, nw_tos, ip_dscp, nw_ecn, nw_ttl,
 * tp_src, tp_dst, tcp_src..sctp_dst, icmp_type, icmp_code, arp_op, arp_spa, arp_tpa, arp_sha,
 * arp_tha, ipv6_src, ipv6_dst, ipv6_label, nd_target, nd_sll, nd_tll, metadata, and the aliases
 * eth_src, eth_dst, eth_type). Masks are written VALUE/MASK; IPv4 and IPv6 addresses also take a
 * prefix length; registers reg0-reg15 take VALUE[/MASK]. Numbers are decimal or 0x-prefixed hex.
 * "actions=" comes last and takes the rest of the string: actions and instructions as described in
 * ofp-actions.h (output, NORMAL, CONTROLLER[:max_len], set_field, load, move, push/pop_vlan,
 * dec_ttl, resubmit, note, clear_actions, write_actions(...), write_metadata, goto_table); empty
 * means drop.
 *
 * Which keywords are allowed depends on the command, as in ovs-ofctl: actions, timeouts and flags
 * only when adding or modifying; priority only when adding or with a strict command; out_port
 * and a cookie mask only when modifying, deleting or dumping.
 *
 * Prerequisites are checked after the whole string is read (so "nw_dst=10.0.0.1,ip" is fine), and
 * a missing one is an error naming the fix rather than a silent wildcard:
 *     nw_dst: prerequisite not met: nw_dst requires ip or arp (add "ip," before it)
 *
 * Ports (in_port, out_port, output) are numbers, reserved names (case-insensitive: LOCAL, IN_PORT,
 * NORMAL, FLOOD, ALL, CONTROLLER, TABLE, ANY), or names resolved through the caller's callback
 * (uvs-ofctl builds it from the switch's port descriptions); a name may be double-quoted.
 *
 * Every function returns NULL on success or a malloc'd error message for the user (the caller
 * frees it); on error the output struct is still valid for its destroy function.
 * Thread-safety: reentrant.
 */
#ifndef UVS_OFP_PARSE_H
#define UVS_OFP_PARSE_H 1

#include <stdbool.h>
#include <stdint.h>

#include "ofproto/ofp-types.h"

/* Resolves port NAME to an OpenFlow port number. Returns false if unknown. */
typedef bool ofp_port_name_cb(void *aux, const char *name, uint32_t *port);

/* Parses STR as a flow for COMMAND into *FM (which it initializes). Defaults: table 0 for
 * add/modify, all tables (0xff) for delete; priority OFP_DEFAULT_PRIORITY. */
char *ofp_parse_flow_mod(const char *str, enum ofp_flow_mod_command command,
                         ofp_port_name_cb *port_cb, void *aux, struct ofp_flow_mod *fm)
    __attribute__((warn_unused_result));

/* Parses STR (may be NULL or empty = every flow) as a dump-flows filter: match fields, table,
 * out_port, cookie[/mask]. */
char *ofp_parse_flow_stats_request(const char *str, bool aggregate, ofp_port_name_cb *port_cb,
                                   void *aux, struct ofp_flow_stats_request *fsr)
    __attribute__((warn_unused_result));

/* Parses an action list (the text after "actions=") into *ACTS (which it initializes). */
char *ofp_parse_actions(const char *str, ofp_port_name_cb *port_cb, void *aux,
                        struct ofpacts *acts) __attribute__((warn_unused_result));

/* Parses a port: number, reserved name or (callback) name. FIELD names it in errors. */
char *ofp_parse_port(const char *str, const char *field, ofp_port_name_cb *port_cb, void *aux,
                     uint32_t *port) __attribute__((warn_unused_result));

/* Helpers for the other parsers (ofp-actions.c). ofp_next_keyword() splits the next KEY[=:(]VALUE
 * keyword off the mutable string *POS (VALUE "" when absent) and returns false at the end;
 * ofp_parse_uint() reads a decimal or 0x-hex number up to MAX; ofp_port_from_string() resolves a
 * port number, reserved name or (through CB) port name. */
bool ofp_next_keyword(char **pos, char **key, char **value);
char *ofp_parse_uint(const char *name, const char *s, uint64_t max, uint64_t *v)
    __attribute__((warn_unused_result));
bool ofp_port_from_string(const char *s, ofp_port_name_cb *cb, void *aux, uint32_t *port);

#endif
