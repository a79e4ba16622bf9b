/*
 * ofproto-patch — patch ports: two ports in two bridges (Interface type "patch",
 * options:peer=NAME) that join the bridges inside the pipeline, with no datapath port and no copy
 * through a device, as in Open vSwitch.
 *
 * A packet output to a patch port continues its translation in the peer's bridge as if received
 * on the peer port: same packet (with the changes made so far), fresh OpenFlow metadata and
 * registers, table 0 (ofproto-xlate.c). The megaflow installed for the ingress port therefore
 * carries the final datapath actions of the whole path; nothing crosses at packet time. Loops
 * (A -> B -> A ...) are bounded by the translation's depth limit (XLATE_MAX_DEPTH).
 *
 * Linking: bridge.c declares a port as a patch port with ofproto_port_set_patch() and calls
 * ofproto_patch_relink() after every reconfiguration; a port is linked when a patch port named by
 * its options:peer exists (in any bridge) and names it back. An unlinked port is down: its
 * OpenFlow port state is LINK_DOWN, output to it is dropped, and ofproto_port_patch_error() says
 * why (for Interface.error).
 *
 * Statistics: a translation that crosses a patch pair credits the sending port's tx and the
 * peer's rx counters with the megaflow's packets (see OFPORT_STATS_BIT in ofproto-provider.h), so
 * dump-ports and Interface.statistics count what crossed.
 *
 * Thread-safety: main thread, except that translations read the links under
 * ofproto_cross_mutex (ofproto-provider.h).
 */
#ifndef UVS_OFPROTO_PATCH_H
#define UVS_OFPROTO_PATCH_H 1

#include <stdbool.h>
#include <stdint.h>

struct ofproto;
struct eth_addr;

/* Makes OFP_PORT of OFPROTO a patch port whose peer is the port named PEER (options:peer).
 * The port must have been added with ofproto_port_add(..., DP_PORT_NONE, ...). Returns 0,
 * -ENOENT if there is no such port, or -EINVAL if PEER is NULL or empty. */
int ofproto_port_set_patch(struct ofproto *, uint32_t ofp_port, const char *peer);
/* (Re)links every patch port of every bridge with its peer; unlinked ports go down. Flushes the
 * datapath caches when a link changed. Main thread, no ofproto mutex held. */
void ofproto_patch_relink(void);
/* Why patch port OFP_PORT of OFPROTO is down ("patch port p1: peer 'p9' does not exist"),
 * malloc'd, or NULL when it is linked (or not a patch port). */
char *ofproto_port_patch_error(struct ofproto *, uint32_t ofp_port);
/* Whether OFP_PORT is a linked patch port (its link is up); *MAC gets its port MAC. */
bool ofproto_port_patch_info(struct ofproto *, uint32_t ofp_port, bool *linked,
                             struct eth_addr *mac);
/* The rx/tx counters of a patch or tunnel port (0 when none). Returns false if OFP_PORT is a
 * device port. */
bool ofproto_port_virtual_stats(struct ofproto *, uint32_t ofp_port, uint64_t *rx_packets,
                                uint64_t *rx_bytes, uint64_t *tx_packets, uint64_t *tx_bytes);

#endif
