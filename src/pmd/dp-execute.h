/*
 * dp-execute — the packet-rewriting datapath actions (pmd/dp-flow.h): push/pop VLAN, set Ethernet,
 * IPv4, IPv6 and L4 fields with checksum updates, set DSCP/ECN/TTL, decrement TTL.
 *
 * The actions that move a packet somewhere else (output, userspace, meter, recirculate) need the
 * datapath's ports and threads and are executed by pmd/dpif-netdev-exec.c, which calls
 * dp_execute_modify() for the rest.
 *
 * Headers are located afresh on every call (Ethernet, up to two 802.1Q/802.1ad tags, IPv4 with
 * options, IPv6 with extension headers): a rewrite is a slow-path step (megaflows with only output
 * actions never get here), and re-parsing keeps the function correct after an earlier push/pop.
 * An action whose header is absent (set IPv4 source on an ARP packet, set L4 port on a later
 * fragment) leaves the packet unchanged, as in OVS.
 *
 * Checksums: the IPv4 header checksum is updated incrementally (RFC 1624 eq. 3); TCP and UDP
 * checksums for address (pseudo-header) and port changes likewise, a zero UDP-over-IPv4 checksum
 * ("none", RFC 768) stays zero; ICMPv6 for IPv6 address changes; SCTP's CRC32c (RFC 4960 App. B) is
 * recomputed over the whole packet when its ports change.
 *
 * Thread-safety: pure functions of the mbuf; any thread that owns the mbuf.
 */
#ifndef UVS_DP_EXECUTE_H
#define UVS_DP_EXECUTE_H 1

#include <rte_mbuf.h>

#include "pmd/dp-flow.h"

/* Outcome of dp_execute_modify(). */
enum dp_execute_result {
    DP_EXEC_OK,            /* Applied (or not applicable to this packet: unchanged). */
    DP_EXEC_TTL_EXPIRED,   /* DEC_TTL on a packet with TTL/hop limit <= 1: not modified. */
    DP_EXEC_NO_ROOM,       /* PUSH_VLAN: no headroom in the mbuf. */
};

/* Applies the packet-rewriting action A to the packet in M (whose first segment must hold every
 * header, and which must not be shared: rte_mbuf_refcnt_read(M) == 1). A->type must not be
 * OUTPUT, USERSPACE, METER, RECIRC, CLONE, TNL_POP or DROP (those return DP_EXEC_OK without
 * effect).
 * TNL_PUSH prepends an interned tunnel header (pmd/dp-tunnel.h): DP_EXEC_NO_ROOM without
 * headroom. */
enum dp_execute_result dp_execute_modify(struct rte_mbuf *m, const struct dp_action *a);

/* Whether action type TYPE rewrites the packet (so a copy must be taken for earlier outputs). */
static inline int
dp_action_modifies(uint16_t type)
{
    return type != DP_ACTION_OUTPUT && type != DP_ACTION_USERSPACE && type != DP_ACTION_METER
           && type != DP_ACTION_RECIRC && type != DP_ACTION_CLONE && type != DP_ACTION_TNL_POP
           && type != DP_ACTION_DROP;
}

#endif
