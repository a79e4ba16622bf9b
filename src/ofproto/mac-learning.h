/*
 * mac-learning — the MAC address table behind the NORMAL action: (VLAN, MAC) -> OpenFlow port,
 * learned from source addresses, aged out after an idle time (seed 000 §2.3; OVS's defaults:
 * 300 s aging, 8192 entries, least recently used entry evicted when full).
 *
 * Thread-safety: none of its own; the owning ofproto's mutex protects every call.
 */
#ifndef UVS_MAC_LEARNING_H
#define UVS_MAC_LEARNING_H 1

#include <stdbool.h>
#include <stdint.h>

#include "lib/util.h"
#include "pmd/flow.h"

#define MAC_ENTRY_DEFAULT_IDLE_TIME 300     /* Seconds. */
#define MAC_DEFAULT_MAX 8192
#define MAC_PORT_NONE UINT32_MAX

struct mac_learning;

struct mac_learning *mac_learning_create(unsigned idle_time_s, unsigned max_entries);
void mac_learning_destroy(struct mac_learning *);
/* Records that MAC was seen on PORT in VLAN at NOW (msec). Returns true if the table changed in a
 * way that alters forwarding (a new entry, or the MAC moved to another port). */
bool mac_learning_learn(struct mac_learning *, const struct eth_addr *mac, uint16_t vlan,
                        uint32_t port, long long now);
/* The port MAC was learned on in VLAN, or MAC_PORT_NONE. */
uint32_t mac_learning_lookup(const struct mac_learning *, const struct eth_addr *mac, uint16_t vlan);
/* Removes entries idle since before NOW - idle time. Returns true if any was removed. */
bool mac_learning_expire(struct mac_learning *, long long now);
/* Forgets every entry on PORT. Returns true if any was removed. */
bool mac_learning_flush_port(struct mac_learning *, uint32_t port);
void mac_learning_flush(struct mac_learning *);
size_t mac_learning_count(const struct mac_learning *);
/* Changes the aging time (seconds; 0 = default 300) and the table size (0 = default 8192),
 * evicting the least recently used entries over the new size. Returns true if any was evicted. */
bool mac_learning_set_config(struct mac_learning *, unsigned idle_time_s, unsigned max_entries);
/* Appends ovs-appctl fdb/stats-show's text for BRIDGE: current/maximum entries and the totals
 * learned, expired, evicted and moved. */
void mac_learning_format_stats(const struct mac_learning *, const char *bridge, struct ds *);
/* Appends the table in ovs-appctl fdb/show's layout:
 *  " port  VLAN  MAC                Age"
 *  "    1     0  aa:bb:cc:dd:ee:01    3"
 * PORT_NAME (may be NULL) maps port numbers to names ("LOCAL"). */
void mac_learning_format(const struct mac_learning *, long long now,
                         const char *(*port_name)(void *aux, uint32_t port), void *aux,
                         struct ds *);

#endif
