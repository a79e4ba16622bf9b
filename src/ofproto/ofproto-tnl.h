/*
 * ofproto-tnl — tunnel ports (Interface types "vxlan", "geneve", "gre") in the OpenFlow layer,
 * the OVS-DPDK way ("native tunnelling"):
 *
 *   - Output to a tunnel port (ofproto-xlate.c) looks up the route to options:remote_ip (or the
 *     flow's tun_dst with remote_ip=flow) in the route table (tnl-route.h), which gives the output
 *     device (an internal port, e.g. br-phy's LOCAL port) and the source address, and the next
 *     hop's MAC in the neighbour table. It emits clone(tnl_push(HEADER), <the underlay bridge's
 *     actions>): the translation continues in the bridge owning that internal port as if the
 *     encapsulated packet came in on it, so the megaflow carries the final outputs. Without the
 *     next hop's MAC it asks the main thread to send an ARP request (and drops the packet); the
 *     reply, snooped in the pipeline, completes the neighbour table.
 *   - A tunnel packet for a local address (UDP 4789/6081/options:dst_port, or GRE) output to a
 *     bridge's LOCAL port whose device holds that address is decapsulated instead:
 *     tnl_pop(VPORT). The datapath strips the headers and re-injects the inner packet on the
 *     tunnel vport (one per type and UDP port, e.g. vxlan_sys_4789) with tun_id, tun_src and
 *     tun_dst in its key. The upcall for it (ofproto_tnl_receive()) picks the tunnel port whose
 *     remote_ip, local_ip and in_key match and translates in that port's bridge.
 *
 * Options (ovs-vswitchd.conf.db(5)): remote_ip (IPv4 or "flow", required), local_ip, key,
 * in_key, out_key (a number or "flow"; key sets both), dst_port, tos (a number or "inherit"),
 * ttl (a number or "inherit"; default 64), df_default (default true), csum (default false).
 * VXLAN and Geneve keys are 24-bit VNIs, GRE keys 32 bits. remote_ip and local_ip may be IPv6
 * addresses (an IPv6 underlay: routes from the internal ports' global IPv6 addresses, next hops
 * from neighbour discovery, tun_ipv6_src/tun_ipv6_dst in the flow).
 *
 * Thread-safety: configuration on the main thread; the tunnel ports are read by translations
 * under ofproto_cross_mutex (ofproto-provider.h).
 */
#ifndef UVS_OFPROTO_TNL_H
#define UVS_OFPROTO_TNL_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

#include "pmd/flow.h"

struct ofproto;
struct ofport;
struct dp_netdev;
struct dp_upcall_result;
struct tnl_port;

/* Whether TYPE is a tunnel type ("vxlan", "geneve", "gre"). */
bool ofproto_tnl_is_type(const char *type);
/* Makes OFP_PORT (added with DP_PORT_NONE) a tunnel port of TYPE with the options
 * KEYS[i]=VALUES[i], i < N. Returns 0, or -EINVAL with *ERRP (malloc'd) naming the bad option,
 * or -ENOSPC if no more tunnel vports can be made. */
int ofproto_port_set_tunnel(struct ofproto *, uint32_t ofp_port, const char *type,
                            const char *const *keys, const char *const *values, size_t n,
                            char **errp);
/* The device tunnel port OFP_PORT's packets leave by (the route to its fixed remote_ip), for
 * Interface.status tunnel_egress_iface; false if none (no route, remote_ip=flow). Main thread. */
bool ofproto_tnl_port_egress(struct ofproto *, uint32_t ofp_port, char dev[IFNAMSIZ]);
/* Frees a tunnel port's configuration (ofproto_port_del()). */
void ofproto_tnl_port_free(struct tnl_port *);

/* Registers the route/neighbour unixctl commands; DP's caches are flushed when they change.
 * Main thread, once. */
void ofproto_tnl_init(struct dp_netdev *dp);
/* Main-thread work: refreshes the routes learned from internal ports' addresses. */
void ofproto_tnl_run(void);

/* The upcall for a packet decapsulated on a tunnel vport (PORT_AUX is a vport's aux: an ofport
 * without an ofproto). */
bool ofproto_tnl_is_vport(const void *port_aux);
/* MAY_LEARN: an upcall (MAC learning, ARP snooping); false: the revalidator's side-effect-free
 * re-translation. */
int ofproto_tnl_receive(void *port_aux, const struct flow *flow, struct dp_upcall_result *res,
                        bool may_learn);

/* For ofproto-xlate.c (caller holds ofproto_cross_mutex). */
struct tnl_push_plan {
    uint32_t header_id;          /* For DP_ACTION_TNL_PUSH. */
    struct ofport *underlay;     /* The internal port the encapsulated packet "comes in" on. */
    struct flow outer;           /* Its flow (outer headers; UDP source port 0). */
    uint32_t arp_nh_be;          /* -EAGAIN: the IPv4 next hop whose MAC is missing... */
    int nd_index;                /* ...or, IPv6, its index for ofproto_tnl_send_nd() (else -1). */
    char desc[160];              /* For ofproto/trace. */
};
/* Plans output of FLOW to tunnel port PORT, un-wildcarding in WC the flow bits it used.
 * Returns 0, -EAGAIN (next hop's MAC unknown: plan->arp_nh_be set), or -EHOSTUNREACH /
 * -EINVAL with plan->desc saying why. */
int ofproto_tnl_plan(const struct ofport *port, const struct flow *flow, struct flow *wc,
                     struct tnl_push_plan *plan);
/* Whether any tunnel port was ever configured (vports exist). Any thread. */
bool ofproto_tnl_active(void);
/* The vport to decapsulate FLOW on if it is a tunnel packet for an address of LOCAL_PORT's
 * device, else UINT32_MAX. Un-wildcards what it checked. */
uint32_t ofproto_tnl_pop_vport(const struct ofport *local_port, const struct flow *flow,
                               struct flow *wc);
/* Sends an ARP request for NH_BE out of the bridge owning the route's device (main thread;
 * rate-limited per address). */
void ofproto_tnl_send_arp(uint32_t nh_be);
/* Sends a neighbour solicitation for the IPv6 next hop a plan recorded as ND_INDEX. */
void ofproto_tnl_send_nd(unsigned nd_index);
/* Userspace-action reasons that ask for ofproto_tnl_send_arp() (cookie = the address) and
 * ofproto_tnl_send_nd() (cookie = the index). */
#define OFPR_TNL_ARP_ 0xfe
#define OFPR_TNL_ND_ 0xfd

#endif
