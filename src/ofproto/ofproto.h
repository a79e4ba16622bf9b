/*
 * ofproto — one OpenFlow switch (a bridge): its ports, its flow tables (0-253) and groups, the
 * translation of a flow through them into datapath actions (xlate, ofproto-xlate.c) including
 * NORMAL (MAC learning per VLAN, access/trunk ports), packet-in/packet-out, and its controllers'
 * fail mode.
 * Meters (their table, token buckets and the datapath's meter callback) are in ofproto-meter.h,
 * groups in ofproto-group.c, bundle commits in ofproto-bundle.h.
 * The private structures are in ofproto-provider.h.
 *
 * Relationship to neighbours:
 *   - vswitchd/bridge.c creates one ofproto per Bridge row, adds/removes its ports and passes the
 *     Port VLAN settings, flood_vlans, the Controller rows, fail_mode and protocols.
 *   - ofproto/connmgr.c (the OpenFlow channels) calls the ofproto_handle_*() functions below after
 *     decoding a request, and encodes their results; ofproto hands it packet-ins and port status.
 *   - pmd/dpif-netdev calls ofproto_upcall() (through the callback installed by bridge.c) on a PMD
 *     thread when a packet misses the megaflow cache, and delivers packet-ins on the main thread.
 *
 * Thread-safety: ofproto_* functions other than ofproto_upcall() run on the main thread. The flow
 * tables, ports and MAC table are protected by one mutex per ofproto that the main thread takes to
 * modify them and the PMD takes during an upcall. Every change that could alter the translation of
 * any flow tells the datapath: flow-, group- and port-mods, rule timeouts and MAC learning ask it
 * to revalidate (each PMD re-translates its megaflows with ofproto_revalidate() and drops or
 * updates only those that changed); port add/delete, VLAN settings and fail-open bump its cache
 * generation (PMDs drop every cached megaflow); ofproto_sync() waits until the PMDs are done
 * (barrier replies).
 *
 * Megaflows: the upcall returns the wildcards of every bit it consulted, in every table visited
 * (including the rules it only ruled out) and in every action that looked at the packet.
 */
#ifndef UVS_OFPROTO_H
#define UVS_OFPROTO_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofproto/ofp-types.h"

struct ofproto;
struct dp_netdev;
struct dp_upcall;

/* Creates the switch NAME with datapath id DPID, forwarding through DP. Also opens its management
 * socket RUNDIR/NAME.mgmt. Returns NULL and sets errno on failure. */
struct ofproto *ofproto_create(const char *name, uint64_t dpid, struct dp_netdev *dp);
void ofproto_destroy(struct ofproto *);
const char *ofproto_name(const struct ofproto *);
uint64_t ofproto_dpid(const struct ofproto *);
/* Main-thread work: OpenFlow connections, timeouts, MAC aging. */
void ofproto_run(struct ofproto *);
void ofproto_wait(struct ofproto *);

/* Ports. OFP_PORT is the OpenFlow number (OFPP_LOCAL for the bridge's internal port); DP_PORT the
 * datapath port number. Returns 0 or -errno (-EEXIST if the number is taken). */
int ofproto_port_add(struct ofproto *, uint32_t ofp_port, uint32_t dp_port, const char *name);
/* Records the datapath port number once the device is open (ports are registered with ofproto
 * first so the datapath can be given their context). */
void ofproto_port_set_dp_port(struct ofproto *, uint32_t ofp_port, uint32_t dp_port);
void ofproto_port_del(struct ofproto *, uint32_t ofp_port);
/* The OpenFlow number of datapath port DP_PORT, or OFPP_ANY. */
uint32_t ofproto_port_from_dp(const struct ofproto *, uint32_t dp_port);
/* NORMAL's VLAN configuration of the port named NAME, from its Port row
 * (ovs-vswitchd.conf.db(5)): MODE is "access", "trunk", "native-tagged", "native-untagged", or
 * NULL/"" for the default (access when TAG is set, else trunk); TAG is 0-4095 or -1 for none;
 * TRUNKS[0..N_TRUNKS) are the VLANs a trunk carries (none = all). The setting is kept by name and
 * applies to the port whenever it exists, so set it before ofproto_port_add() to have it from the
 * first packet. Returns 0, or -EINVAL with *ERRP (malloc'd) for an inconsistent setting (unknown
 * mode, a native mode or access without a tag); the port then forwards nothing through NORMAL. */
int ofproto_port_set_vlan(struct ofproto *, const char *name, const char *mode, int tag,
                          const int64_t *trunks, size_t n_trunks, char **errp);
/* Bridge other_config:mac-aging-time (seconds) and mac-table-size (entries); 0 = the defaults
 * (300 s, 8192). */
void ofproto_set_mac_config(struct ofproto *, unsigned aging_s, unsigned table_size);
/* Bridge.flood_vlans: VLANs in which NORMAL floods without learning (N = 0: none). */
void ofproto_set_flood_vlans(struct ofproto *, const int64_t *vlans, size_t n);
/* Lowest free OpenFlow port number >= 1. */
uint32_t ofproto_port_alloc_number(const struct ofproto *);

/* Called by connmgr for decoded requests. Return 0 or an OpenFlow error (type/code). */
int ofproto_handle_flow_mod(struct ofproto *, const struct ofp_flow_mod *, struct ofperr *err);
/* Calls CB once per matching rule (flow stats); the ofp_flow_stats passed is valid only during the
 * call. */
typedef void ofproto_flow_stats_cb(void *aux, const struct ofp_flow_stats *);
void ofproto_collect_flow_stats(struct ofproto *, const struct ofp_flow_stats_request *,
                                ofproto_flow_stats_cb *cb, void *aux);
/* Ports: fills *PORTS (malloc'd array) and returns the count. PORT_NO OFPP_ANY = all ports. */
size_t ofproto_get_port_descs(struct ofproto *, struct ofp_phy_port **ports);
size_t ofproto_get_port_stats(struct ofproto *, uint32_t port_no, struct ofp_port_stats **stats);
/* The datapath callbacks (install with dp_netdev_set_upcall()/dp_netdev_set_stats_cb()).
 * ofproto_upcall() runs on a PMD thread: PORT_AUX is the ofproto port given to the datapath by
 * ofproto_port_add(). It translates FLOW through the flow table into datapath actions and returns
 * the wildcard mask of every field consulted (see dpif-netdev.h). */
struct dp_upcall_result;
int ofproto_upcall(void *port_aux, const struct flow *flow, const void *packet, size_t len,
                   struct dp_upcall_result *result);
/* The revalidator's re-translation (dp_revalidate_cb, installed on the datapath by
 * ofproto_create()): ofproto_upcall() for the masked key KEY of a cached megaflow, without side
 * effects (no MAC learning, no table counters). PMD threads (or any thread not holding the
 * ofproto mutex). */
int ofproto_revalidate(void *port_aux, const struct flow *key, struct dp_upcall_result *result);
void ofproto_credit_stats(uint64_t rule_id, uint64_t packets, uint64_t bytes, long long used);
/* The ofproto port context to pass as PORT_AUX when adding OFP_PORT to the datapath; valid until
 * ofproto_port_del(). Returns NULL if the port does not exist. */
void *ofproto_port_aux(struct ofproto *, uint32_t ofp_port);
/* Registers ofproto's unixctl commands (fdb/show, fdb/flush). Call once. */
void ofproto_register_unixctl(void);
/* Finds a bridge by name (for unixctl commands). */
struct ofproto *ofproto_lookup(const char *name);

/* OpenFlow group-mod (OpenFlow 1.3.5 §7.3.4.2): add, modify or delete (OFPG_ALL: every group) a
 * group; deleting a group deletes the flows that use it. Returns 0 or -EINVAL with *ERR
 * (OFPGMFC_GROUP_EXISTS, UNKNOWN_GROUP, INVALID_GROUP, BAD_BUCKET, action errors). */
struct ofp_group_mod;
int ofproto_handle_group_mod(struct ofproto *, const struct ofp_group_mod *, struct ofperr *err);
/* Calls CB for each group, in id order (group descriptions). */
typedef void ofproto_group_cb(void *aux, const struct ofp_group_mod *);
void ofproto_collect_groups(struct ofproto *, ofproto_group_cb *cb, void *aux);
/* Calls CB with the statistics of group GROUP_ID (OFPG_ALL: of each group, in id order; an unknown
 * id: none). Packets are counted when their megaflow's counters reach ofproto (every 250 ms). */
struct ofp_group_stats;
typedef void ofproto_group_stats_cb(void *aux, const struct ofp_group_stats *);
void ofproto_collect_group_stats(struct ofproto *, uint32_t group_id, ofproto_group_stats_cb *cb,
                                 void *aux);

/* OpenFlow packet-out (OpenFlow 1.3.5 §7.3.7): translates OFPACTS (an apply-action list;
 * output:TABLE runs the pipeline) for the LEN-byte frame PACKET as if received on IN_PORT
 * (OFPP_CONTROLLER or OFPP_ANY for none) and sends it. Returns 0 or -EINVAL with *ERR
 * (OFPBRC_BAD_PORT for an unknown in_port, action errors), -ENOMEM if no mbuf was free. */
int ofproto_packet_out(struct ofproto *, const void *packet, size_t len, uint32_t in_port,
                       const struct ofpacts *ofpacts, struct ofperr *err);
/* OpenFlow port-mod (OpenFlow 1.3.5 §7.3.3): sets the OFPPC_* bits CONFIG under MASK of
 * PORT_NO (PORT_DOWN and NO_RECV: NORMAL and the tables see nothing from it and send nothing to
 * it; NO_FWD: nothing is sent to it; NO_FLOOD: FLOOD and NORMAL skip it; NO_PACKET_IN: its
 * packets never go to controllers). Returns 0 or -EINVAL with *ERR (OFPPMFC_BAD_PORT). */
int ofproto_port_mod(struct ofproto *, uint32_t port_no, uint32_t config, uint32_t mask,
                     struct ofperr *err);
/* True if PORT_NO exists and a port-mod set OFPPC_PORT_DOWN on it (Interface.admin_state
 * "down", as in OVS). Main thread. */
bool ofproto_port_is_admin_down(struct ofproto *, uint32_t port_no);
/* Blocks until the datapath stopped using every translation made before this call (flow-table
 * changes are then in effect for every packet): what a barrier reply promises. Main thread, without
 * the ofproto mutex. */
void ofproto_sync(struct ofproto *);

/* The Controller table entries of this bridge and its fail_mode (SECURE: never switch on its own;
 * otherwise standalone: without controllers, a "priority=0 actions=NORMAL" flow; with them, NORMAL
 * switching ("fail-open") while none has been connected for the inactivity probe interval). The
 * flow tables are flushed when the bridge goes from no controllers to some or back, as in OVS. */
struct connmgr_controller_cfg;
void ofproto_set_controllers(struct ofproto *, const struct connmgr_controller_cfg *, size_t n,
                             bool fail_secure);
/* Bridge.protocols: a bitmap of OpenFlow versions (bit N = wire version N); 0 = default. */
void ofproto_set_protocols(struct ofproto *, uint32_t versions);
/* The bridge's OpenFlow channels (for controller status). */
struct connmgr *ofproto_connmgr(struct ofproto *);

/* Number of rules and lookups/matches of table TABLE_ID, for table stats (zeros for an id past
 * the last table). */
void ofproto_get_table_stats(struct ofproto *, uint8_t table_id, uint32_t *active_count,
                             uint64_t *lookup_count, uint64_t *matched_count);

#endif
