/*
 * ofproto — one OpenFlow switch (a bridge): its ports, its flow table and the translation of a flow
 * into datapath actions (xlate) including NORMAL (MAC learning, seed 000 §2.3).
 *
 * Relationship to neighbours:
 *   - vswitchd/bridge.c creates one ofproto per Bridge row and adds/removes its ports.
 *   - ofproto/connmgr.c (the OpenFlow channels) calls the ofproto_handle_*() functions below after
 *     decoding a request, and encodes their results.
 *   - pmd/dpif-netdev calls ofproto_upcall() (through the callback installed by bridge.c) on a PMD
 *     thread when a packet misses the megaflow cache.
 *
 * Thread-safety: ofproto_* functions other than ofproto_upcall() run on the main thread. The flow
 * table and MAC table are protected by one mutex per ofproto that the main thread takes to modify
 * them and the PMD takes during an upcall. Every change that could alter the translation of any flow
 * (flow-mod, port add/delete, MAC learned or moved) bumps the datapath's cache generation so PMDs
 * flush their EMC and megaflows before forwarding the next batch (correct, coarse revalidation;
 * the fine-grained revalidator is a later issue).
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
void ofproto_credit_stats(uint64_t rule_id, uint64_t packets, uint64_t bytes, long long used);
/* The ofproto port context to pass as PORT_AUX when adding OFP_PORT to the datapath; valid until
 * ofproto_port_del(). Returns NULL if the port does not exist. */
void *ofproto_port_aux(struct ofproto *, uint32_t ofp_port);
/* Registers ofproto's unixctl commands (fdb/show, fdb/flush). Call once. */
void ofproto_register_unixctl(void);
/* Finds a bridge by name (for unixctl commands). */
struct ofproto *ofproto_lookup(const char *name);

/* Number of rules and lookups/matches, for table stats. */
void ofproto_get_table_stats(struct ofproto *, uint32_t *active_count, uint64_t *lookup_count,
                             uint64_t *matched_count);

#endif
