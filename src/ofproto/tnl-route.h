/*
 * tnl-route — the underlay's route table and neighbour (ARP) table for userspace tunnels, as in
 * OVS-DPDK (the ovs/route/... and tnl/arp/... commands).
 *
 * Routes: "cached" routes are learned from the IPv4 addresses of the internal ports
 * (tnl_route_set_devices(), read from the kernel with getifaddrs() on every tnl_route_run(), once
 * a second): one connected route per address (its prefix, dev, SRC = the address) and one /32
 * "local" route. "User" routes come from `uvs-appctl ovs/route/add IP/PLEN DEV [GW]`. A lookup
 * takes the longest matching prefix (user routes win ties), optionally only among routes whose
 * source is a given local address (a tunnel's options:local_ip).
 *
 * Routes and neighbours hold IPv4 and IPv6 addresses (IPv4 kept as IPv4-mapped IPv6).
 *
 * Neighbours: IP address -> MAC, learned by snooping ARP and ND packets in the pipeline
 * (tnl_neigh_snoop(), on upcalls), or set with `tnl/arp/set BRIDGE IP MAC`; flushed with
 * `tnl/arp/flush`. Entries expire after 15 minutes unless static (set by hand).
 *
 * Any change to either table flushes the datapath's caches (megaflows embed prebuilt tunnel
 * headers) through the callback given to tnl_route_init().
 *
 * Thread-safety: lookups and snooping run on PMD threads (upcalls) and the main thread; each
 * table has its own mutex, a leaf lock (no other lock is taken under it).
 */
#ifndef UVS_TNL_ROUTE_H
#define UVS_TNL_ROUTE_H 1

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "pmd/flow.h"

/* Registers the unixctl commands and the cache-flush callback. Main thread, once. */
void tnl_route_init(void (*changed_cb)(void));
/* The kernel interfaces whose addresses give cached routes (internal ports), NAMES[0..N).
 * Main thread. */
void tnl_route_set_devices(const char *const *names, size_t n);
/* Re-reads the devices' addresses at most once a second. Main thread. */
void tnl_route_run(void);

struct tnl_route {
    char dev[IFNAMSIZ];          /* Output device (an internal port's name). */
    uint32_t src_be;             /* IPv4: source address to use. */
    uint32_t gw_be;              /* IPv4: next hop, or 0 for on-link. */
    struct in6_addr src6;        /* The same as IPv6 (IPv4-mapped for IPv4). */
    struct in6_addr gw6;         /* :: (or ::ffff:0.0.0.0) for on-link. */
    struct eth_addr dev_mac;     /* The device's MAC (outer Ethernet source). */
};
/* Looks up DST_BE; with PREF_SRC_BE != 0 only routes whose source is that address. Returns
 * true with *ROUTE filled, false if no route. Any thread. */
bool tnl_route_lookup(uint32_t dst_be, uint32_t pref_src_be, struct tnl_route *route);
/* The same for an IPv6 destination (PREF_SRC NULL or :: for none). */
bool tnl_route_lookup6(const struct in6_addr *dst, const struct in6_addr *pref_src,
                       struct tnl_route *route);
/* Whether IP_BE (IP) is an address of kernel device DEV (tunnel packets to it are
 * decapsulated). */
bool tnl_addr_is_local(const char *dev, uint32_t ip_be);
bool tnl_addr_is_local6(const char *dev, const struct in6_addr *ip);

/* The MAC of IP_BE (IP), if known. Any thread. */
bool tnl_neigh_lookup(uint32_t ip_be, struct eth_addr *mac);
bool tnl_neigh_lookup6(const struct in6_addr *ip, struct eth_addr *mac);
/* Learns from an ARP packet (request or reply; the sender) or an IPv6 neighbour solicitation (the
 * source and its link-layer address option) or advertisement (the target and its target
 * link-layer address) seen in bridge BRIDGE, if the address is reachable by a route (a possible
 * tunnel next hop: overlay traffic is not learned). Returns true if the table changed. Any
 * thread. */
bool tnl_neigh_snoop(const char *bridge, const struct flow *flow);

#endif
