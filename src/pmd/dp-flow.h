/*
 * dp-flow — a megaflow: a masked flow key and the datapath actions for every packet it matches.
 *
 * Megaflows are created by a PMD thread after an upcall and live in that PMD's megaflow classifier
 * (dpcls) and EMC. Ownership: the PMD that created a dp_flow is its only writer; it frees it after
 * removing it from its EMC and dpcls (a flush on a cache-generation change removes everything).
 * Statistics are updated by the owning PMD only and may be read racily by the main thread.
 * Idle megaflows (other_config:max-idle) and those over flow-limit are aged out by their PMD.
 * When the OpenFlow tables change, the revalidator (dpif-netdev.h) re-translates each megaflow on
 * its PMD and keeps it, rewrites its actions in place (same mask, at most alloc_actions actions),
 * or marks it dead and removes it.
 *
 * Datapath actions are a flat array executed in order; an empty array means drop.
 */
#ifndef UVS_DP_FLOW_H
#define UVS_DP_FLOW_H 1

#include <stdint.h>

#include "pmd/flow.h"

/* Datapath actions, executed in order on the packet (each sees the effects of the ones before it).
 * An OUTPUT transmits the packet as it is at that point. Set actions update checksums (IPv4 header,
 * TCP/UDP/SCTP) as needed. The pipeline (ofproto xlate) emits them; the PMD executes them. */
enum dp_action_type {
    DP_ACTION_OUTPUT,      /* Transmit a copy on datapath port 'port'. */
    DP_ACTION_USERSPACE,   /* Send to the main thread as a packet-in: arg = reason (OFPR_*),
                              u.userspace = {table_id, max_len, cookie}. */
    DP_ACTION_PUSH_VLAN,   /* Push a tag: u.vlan.tpid (network order), u.vlan.tci (network order,
                              VLAN_CFI set). */
    DP_ACTION_POP_VLAN,    /* Pop the outermost tag. */
    DP_ACTION_SET_ETH_SRC, /* u.mac */
    DP_ACTION_SET_ETH_DST, /* u.mac */
    DP_ACTION_SET_VLAN_TCI,/* Rewrite the outer tag's TCI: u.vlan.tci, u.vlan.tci_mask. */
    DP_ACTION_SET_IPV4_SRC,/* u.be32 */
    DP_ACTION_SET_IPV4_DST,/* u.be32 */
    DP_ACTION_SET_IP_DSCP, /* u.u8: the DSCP value (0-63) */
    DP_ACTION_SET_IP_ECN,  /* u.u8: the ECN value (0-3) */
    DP_ACTION_SET_IP_TTL,  /* u.u8 (IPv4 TTL or IPv6 hop limit) */
    DP_ACTION_DEC_TTL,     /* Decrement IPv4 TTL / IPv6 hop limit; a packet at TTL <= 1 is dropped
                              (counted) instead, or sent to userspace with reason OFPR_INVALID_TTL if
                              arg != 0. */
    DP_ACTION_SET_IPV6_SRC,/* u.ip6 */
    DP_ACTION_SET_IPV6_DST,/* u.ip6 */
    DP_ACTION_SET_L4_SRC,  /* u.be16: TCP/UDP/SCTP source port */
    DP_ACTION_SET_L4_DST,  /* u.be16 */
    DP_ACTION_METER,       /* Apply OpenFlow meter DP_METER_ID(arg) of the meter table
                              DP_METER_DOMAIN(arg) names (the bridge whose rule used it; 0 = the
                              ingress port's); the packet may be dropped (counted). The datapath
                              passes 'arg' to its meter callback as is (dpif-netdev.h). */
    DP_ACTION_RECIRC,      /* Re-inject the packet into the datapath with recirc id 'arg'. */
    DP_ACTION_CLONE,       /* Run the next 'arg' actions on a copy of the packet, then go on with
                              the packet as it was after them (tunnel push plus the underlay's
                              outputs leave the inner packet intact for later actions). */
    DP_ACTION_TNL_PUSH,    /* Prepend the prebuilt tunnel header number 'arg' (pmd/dp-tunnel.h),
                              filling lengths, IPv4 id and checksum, UDP source port (a hash of
                              the inner flow) and checksum per packet. */
    DP_ACTION_TNL_POP,     /* Validate and strip the outer headers of a tunnel packet, set the
                              flow's tunnel metadata (tun_id, tun_src, tun_dst) and re-inject the
                              inner packet with in_port = tunnel port 'arg' (pmd/dp-tunnel.h). A
                              packet that is not a valid tunnel packet is dropped (counted as
                              malformed). */
    DP_ACTION_DROP,        /* Drop the packet, counted under drop reason 'arg' (enum dp_drop_reason,
                              pmd/dpif-netdev.h) on its ingress port; the actions after it are
                              not run. The pipeline emits it alone, for a packet its translation
                              gave up on (e.g. a resubmit loop), so the reason is not lost in the
                              generic "flow actions were drop". */
};

struct dp_action {
    uint16_t type;         /* enum dp_action_type */
    uint16_t pad;
    uint32_t port;         /* OUTPUT: datapath port number; other types: 'arg' as documented. */
    union {
        uint8_t mac[6];
        uint8_t ip6[16];
        uint32_t be32;
        uint16_t be16;
        uint8_t u8;
        struct {
            uint16_t tpid;
            uint16_t tci;
            uint16_t tci_mask;
        } vlan;
        struct {
            uint8_t table_id;
            uint8_t pad;
            uint16_t max_len;   /* Bytes of the packet to send up; 0xffff = all. */
            uint32_t in_uid;    /* The pipeline's ingress port (ofport uid) when it is not
                                   the datapath's (after a patch or tunnel), else 0; passed
                                   on in struct dp_packet_in. */
            uint64_t cookie;    /* Network order. */
        } userspace;
    } u;
};

#define DP_MAX_ACTIONS 64

/* DP_ACTION_METER's argument: an OpenFlow meter id (1-65535) in the low 16 bits, the meter
 * domain (which bridge's meter table) in the high 16. */
#define DP_METER_ARG(DOMAIN, METER_ID) (((uint32_t) (DOMAIN) << 16) | ((METER_ID) & 0xffffu))
#define DP_METER_ID(ARG) ((uint32_t) (ARG) & 0xffffu)
#define DP_METER_DOMAIN(ARG) ((uint32_t) (ARG) >> 16)

/* The datapath's hash step for caches (EMC, megaflow subtables): CRC32-C of one 64-bit word into
 * H, one instruction with SSE4.2 (always on with DPDK's -march), a multiply-xorshift otherwise.
 * Not stable across builds: never persist it. dp_hash_finish() spreads the bits. */
#ifdef __SSE4_2__
#include <nmmintrin.h>
static inline uint32_t
dp_hash_u64(uint32_t h, uint64_t w)
{
    return (uint32_t) _mm_crc32_u64(h, w);
}
#else
static inline uint32_t
dp_hash_u64(uint32_t h, uint64_t w)
{
    uint64_t x = (w ^ h) * 0x9e3779b97f4a7c15ULL;
    return (uint32_t) (x ^ (x >> 29));
}
#endif

static inline uint32_t
dp_hash_finish(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    return h;
}

struct dp_actions {
    uint32_t n;
    struct dp_action a[DP_MAX_ACTIONS];
};

struct dp_flow {
    struct flow key;        /* Already masked: key == key & mask. */
    struct flow mask;       /* 1 bits are significant. */
    uint32_t hash;          /* flow_hash(&key, 0) of the masked key. */
    uint32_t dpcls_data;    /* Private to dpcls (e.g. subtable index / position). */
    void *dpcls_priv;       /* Private to dpcls. */
    long long created;      /* time_msec() at creation. */
    uint64_t rule_id;       /* OpenFlow rule the actions came from (for its counters), 0 = none. */
    uint64_t pushed_packets;/* Part of n_packets already credited to the rule. */
    uint64_t pushed_bytes;
    uint64_t reval_seq;     /* Revalidation sequence its actions are known good for (the
                               datapath's reval_seq read before the translation; dpif-netdev.h). */
    uint32_t alloc_actions; /* Room in actions[] (a revalidation may rewrite them in place). */
    uint32_t pmd_idx;       /* Position in its PMD's dense array of megaflows (dpif-netdev). */

    /* Everything a cache hit touches, in one cache line with the first action. */
    _Alignas(64) uint64_t n_packets;
    uint64_t n_bytes;
    long long used;         /* time_msec() of the last hit, or 0. */
    uint8_t output_only;    /* All actions are DP_ACTION_OUTPUT (the fast path: no rewrite). */
    uint8_t dead;           /* Being removed by its PMD (aging, flow limit): never used again. */
    uint16_t pad;
    uint32_t n_actions;
    struct dp_action actions[];
};

#endif
