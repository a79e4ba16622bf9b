/*
 * dp-flow — a megaflow: a masked flow key and the datapath actions for every packet it matches.
 *
 * Megaflows are created by a PMD thread after an upcall and live in that PMD's megaflow classifier
 * (dpcls) and EMC. Ownership: the PMD that created a dp_flow is its only writer; it frees it after
 * removing it from its EMC and dpcls (a flush on a cache-generation change removes everything).
 * Statistics are updated by the owning PMD only and may be read racily by the main thread.
 *
 * Datapath actions are a flat array executed in order; an empty array means drop.
 */
#ifndef UVS_DP_FLOW_H
#define UVS_DP_FLOW_H 1

#include <stdint.h>

#include "pmd/flow.h"

enum dp_action_type {
    DP_ACTION_OUTPUT,      /* Transmit a copy on datapath port 'port'. */
};

struct dp_action {
    uint16_t type;         /* enum dp_action_type */
    uint16_t pad;
    uint32_t port;         /* Datapath port number. */
};

#define DP_MAX_ACTIONS 64

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
    uint64_t n_packets;
    uint64_t n_bytes;
    long long used;         /* time_msec() of the last hit, or 0. */
    long long created;      /* time_msec() at creation. */
    uint64_t rule_id;       /* OpenFlow rule the actions came from (for its counters), 0 = none. */
    uint64_t pushed_packets;/* Part of n_packets already credited to the rule. */
    uint64_t pushed_bytes;
    uint32_t n_actions;
    struct dp_action actions[];
};

#endif
