/*
 * ofproto-provider — the private structures of an ofproto shared by its two halves: ofproto.c
 * (flow tables, flow-mods, ports, statistics, life cycle) and ofproto-xlate.c (translation of a
 * flow through the tables into datapath actions, NORMAL, and ofproto/trace), and by the files
 * split from them (ofproto-group.c: groups; ofproto-bundle.c: bundle commits; ofproto-meter.c,
 * ofproto-patch.c, ...).
 *
 * Flow tables: OFPROTO_N_TABLES (254, ids 0-253) tables, each an array of rules sorted by
 * priority (highest first; equal priorities in insertion order) for flow-mods and statistics, and
 * a tuple-space classifier over the same rules for lookups (ofproto/classifier.h: one subtable
 * per mask, max-priority early exit, staged un-wildcarding), which ORs into the megaflow
 * wildcards every bit it consulted, so a packet that agrees on those bits fails the same
 * higher-priority rules and matches the same rule.
 *
 * Thread-safety: ofproto->mutex protects the tables, the ports array, the port VLAN settings and
 * the MAC table. The main thread takes it to change them; a PMD takes it for a whole upcall
 * (ofproto_xlate()). Rule counters, 'used' and the id tree are main-thread only. The lock order is
 * ofproto->mutex before the rule-combination mutex (ofproto.c).
 */
#ifndef UVS_OFPROTO_PROVIDER_H
#define UVS_OFPROTO_PROVIDER_H 1

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <sys/queue.h>
#include <bsd/sys/tree.h>

#include "lib/util.h"
#include "ofproto/ofp-group.h"
#include "ofproto/ofp-types.h"
#include "ofproto/ofproto.h"

#define OFPROTO_N_TABLES 254
#define OFPROTO_MAX_RULES 1000000
/* Bounds of one translation: nesting of resubmit and goto_table chains, and table lookups in all
 * (two resubmits per rule would otherwise grow exponentially); past either, the packet is
 * dropped (logged). */
#define XLATE_MAX_DEPTH 64
#define XLATE_MAX_LOOKUPS 4096

struct dp_upcall_result;
struct dp_action;

/* An OpenFlow rule. Immutable after insertion except the counters and 'used' (main thread) and
 * 'ofpacts', which a modify replaces under the ofproto mutex. */
struct rule {
    RB_ENTRY(rule) id_node;      /* In the global id tree (main thread only). */
    struct ofproto *ofproto;
    uint64_t id;                 /* Unique for the life of the process, never reused. */
    struct match match;
    uint16_t priority;
    uint8_t table_id;
    uint64_t cookie;
    uint16_t idle_timeout;
    uint16_t hard_timeout;
    uint16_t flags;              /* OFPFF_* */
    struct ofpacts ofpacts;
    long long created;           /* msec, time_msec() */
    long long used;              /* msec of the last packet, or 'created'. */
    uint64_t packet_count;
    uint64_t byte_count;
};

struct oftable {
    struct rule **rules;         /* Sorted by priority, highest first. */
    size_t n_rules;
    size_t alloc_rules;
    struct classifier *cls;      /* The same rules, indexed for lookups (ofproto/classifier.h);
                                    NULL while the table never had a rule. */
    uint64_t n_lookup;           /* Lookups in this table (PMD, under the mutex). */
    uint64_t n_matched;
};

/* VLAN modes of a port (Port.vlan_mode, ovs-vswitchd.conf.db(5)). */
enum port_vlan_mode {
    PORT_VLAN_TRUNK,             /* Default without a tag: all VLANs (or 'trunks') tagged. */
    PORT_VLAN_ACCESS,            /* Default with a tag: untagged frames in VLAN 'tag'. */
    PORT_VLAN_NATIVE_TAGGED,     /* Trunk, and untagged frames belong to 'tag'; sent tagged. */
    PORT_VLAN_NATIVE_UNTAGGED,   /* Trunk, and untagged frames belong to 'tag'; sent untagged. */
};

/* A port's VLAN setting, kept by port name (see ofproto_port_set_vlan()). */
struct port_vlan_cfg {
    char *name;
    enum port_vlan_mode vlan_mode;
    int tag;                     /* 0-4095, -1 for none, -2 for "invalid: match nothing". */
    uint64_t *trunks;            /* Bitmap of 4096 VLANs, or NULL for all. */
};

struct ofport {
    struct ofproto *ofproto;
    uint32_t ofp_port;
    uint32_t dp_port;            /* DP_PORT_NONE until the device is open. */
    char *name;
    uint32_t config;             /* OFPPC_* set by port-mod. */
    bool link_down;              /* The device's link is down (polled by ofproto_run()). */
    /* NORMAL's VLAN configuration. */
    enum port_vlan_mode vlan_mode;
    int tag;                     /* 0-4095, or -1 for none. */
    uint64_t *trunks;            /* Bitmap of 4096 VLANs, or NULL for all. */
    /* Ports without a datapath device (ofproto-patch.c, ofproto-tnl.c): a patch port continues
     * the translation in its peer's bridge; a tunnel port in the underlay bridge. */
    char *patch_peer;            /* Patch port: options:peer (the peer's name); else NULL. */
    struct ofport *peer;         /* The linked peer patch port, or NULL (written by the main
                                    thread under ofproto_cross_mutex; read by translations that
                                    hold it). */
    struct tnl_port *tnl;        /* Tunnel port: its configuration (ofproto-tnl.h), or NULL. */
    struct eth_addr hw_addr;     /* Patch and tunnel ports: the MAC shown in port descriptions. */
    uint64_t stats_id;           /* Patch and tunnel ports: OFPORT_STATS_BIT | a unique number;
                                    translations credit it like a rule id (see below). */
    uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;   /* Patch and tunnel ports (main
                                                              thread). */
    uint32_t uid;                /* Unique for the life of the process (packet-ins name the
                                    pipeline's ingress port by it after a patch or tunnel). */
};

/* Ports that continue a translation in another bridge (patch, tunnel), and the lock that makes
 * following them safe: 'ofproto_cross_mutex' protects every ofport's 'peer', the tunnel tables
 * and the list of all ofprotos. A translation that may cross bridges takes it BEFORE any ofproto
 * mutex (ofproto_xlate_lock()), then takes the mutex of each bridge it enters (at most once each);
 * the main thread never takes it while holding an ofproto mutex, and never waits for the PMDs
 * while holding it. Bridges without such ports are translated without it.
 *
 * A translation credits a patch or tunnel port like a rule: the rule id list gets the port's
 * stats_id (with OFPORT_STATS_RX for the receiving side); ofproto_credit_stats() adds the
 * megaflow's counters to the port's rx or tx counters. */
#define OFPORT_STATS_BIT (UINT64_C(1) << 62)
#define OFPORT_STATS_RX (UINT64_C(1) << 61)
extern pthread_mutex_t ofproto_cross_mutex;
extern __thread bool ofproto_cross_held;       /* This thread holds ofproto_cross_mutex. */
LIST_HEAD(ofproto_list, ofproto);
extern struct ofproto_list all_ofprotos;       /* Changed under ofproto_cross_mutex. */

/* A group (OpenFlow 1.3.5 §5.6): GM holds its type, id and buckets (command unused). */
struct ofgroup {
    struct ofp_group_mod gm;
    /* Statistics (OpenFlow 1.3.5 §7.3.5.9), main thread only: a megaflow that ran the group
     * credits 'stats_id' | OFGROUP_STATS_GROUP, and stats_id | I for each bucket I it ran (I <
     * OFP_MAX_GROUP_BUCKETS), through the rule combination (ofproto_credit_stats()). */
    uint64_t stats_id;           /* OFGROUP_STATS_BIT | a unique serial << 8. */
    long long created;           /* msec, time_msec() */
    uint64_t packet_count, byte_count;
    uint64_t *bucket_packets;    /* gm.n_buckets each. */
    uint64_t *bucket_bytes;
};
#define OFGROUP_STATS_BIT (UINT64_C(1) << 60)
#define OFGROUP_STATS_GROUP 0xffu

struct ofproto {
    LIST_ENTRY(ofproto) node;    /* In the list of all ofprotos. */
    char *name;
    uint64_t dpid;
    struct dp_netdev *dp;
    struct connmgr *connmgr;

    pthread_mutex_t mutex;       /* See the comment at the top. */
    struct oftable tables[OFPROTO_N_TABLES];
    size_t n_rules;              /* In all tables. */
    struct ofport **ports;
    size_t n_ports;
    struct mac_learning *ml;
    uint64_t *flood_vlans;       /* Bitmap of VLANs where NORMAL never learns, or NULL. */
    struct port_vlan_cfg *vlan_cfgs;  /* By port name (main thread only). */
    size_t n_vlan_cfgs;
    struct ofgroup **groups;     /* Under 'mutex'. */
    struct ofmeter **meters;     /* NULL, or OFP_METER_MAX + 1 slots by meter id: see
                                    ofproto-meter.h for who reads and writes them. */
    uint32_t meter_domain;       /* Names this bridge's meter table in DP_ACTION_METER (0 =
                                    none yet; ofproto-meter.h). Written under 'mutex'. */
    size_t n_groups;
    bool fail_secure;            /* Bridge.fail_mode == secure. */
    bool fail_open;              /* Standalone with controllers, none reachable: NORMAL
                                    switching (read by PMDs under the mutex). */
    long long ctrl_lost_at;      /* When the last controller connection was lost (or the
                                    controllers were set), for fail-open. */
    long long next_expire;
    unsigned n_cross;            /* Patch and tunnel ports: translations take
                                    ofproto_cross_mutex first (written under 'mutex'). */
};

/* Looks FLOW up in TABLE (tuple-space classifier), ORing into *WC every bit consulted, including
 * those that ruled out higher-priority rules (see classifier.h). Caller holds mutex. */
struct rule *oftable_lookup(struct oftable *table, const struct flow *flow, struct flow *wc);
struct ofport *ofproto_port_find(const struct ofproto *, uint32_t ofp_port);
/* The group GROUP_ID, or NULL. Caller holds mutex. */
struct ofgroup *ofproto_group_find(const struct ofproto *, uint32_t group_id);
/* The checks of a group-mod that do not depend on the switch's state (id range, bucket count of
 * an indirect group, no chaining, bucket actions, command): 0 or -EINVAL with *ERR. */
int ofproto_group_mod_check(const struct ofp_group_mod *, struct ofperr *err);
/* Groups (ofproto-group.c). Whether ACTS output to group GROUP_ID (OFPG_ALL: to any group). */
bool ofproto_ofpacts_use_group(const struct ofpacts *acts, uint32_t group_id);
/* Credits a group statistics id (OFGROUP_STATS_BIT) if it is one of OFPROTO's groups; returns
 * whether it was. Main thread. */
bool ofproto_group_credit_stats(struct ofproto *, uint64_t id, uint64_t packets, uint64_t bytes);
/* Frees every group (ofproto_destroy()). */
void ofproto_groups_destroy(struct ofproto *);
/* Removes (with flow-removed messages) the rules whose actions use group GROUP_ID (OFPG_ALL: any
 * group); in ofproto.c, which owns the rules. Caller holds mutex. */
void ofproto_delete_rules_using_group(struct ofproto *, uint32_t group_id);
/* Removes (with flow-removed messages) the rules whose instructions use meter METER_ID (OFPM_ALL:
 * any meter), or counts them. Caller holds mutex. */
void ofproto_delete_rules_using_meter(struct ofproto *, uint32_t meter_id);
uint32_t ofproto_count_rules_using_meter(const struct ofproto *, uint32_t meter_id);
/* An id to pass as the datapath's rule id that credits every rule in IDS[0..N) (N >= 1): IDS[0]
 * itself when N == 1. Any thread, under the ofproto mutex. */
uint64_t ofproto_rule_combo_id(const uint64_t *ids, size_t n);

/* Locks OFPROTO for a translation: ofproto_cross_mutex first when it has ports that cross into
 * other bridges, then its mutex. Returns whether the cross mutex is held (pass it to
 * ofproto_xlate_unlock() and, as CROSS, to the translation). */
bool ofproto_xlate_lock(struct ofproto *);
void ofproto_xlate_unlock(struct ofproto *, bool cross);
/* A new stats id for a patch or tunnel port (main thread). */
uint64_t ofproto_alloc_stats_id(void);
/* Credits the patch or tunnel port with stats id ID (main thread). */
void ofproto_port_credit_stats(uint64_t id, uint64_t packets, uint64_t bytes);
/* Unlinks PORT's patch peer (if any), taking ofproto_cross_mutex. Main thread, without any
 * ofproto mutex held. */
void ofproto_port_unlink(struct ofport *);

/* Translates FLOW (in_port = IN's OpenFlow number) arriving on IN through the tables into
 * RES->actions and RES->wc, and sets RES->rule_id. MAY_LEARN: NORMAL updates the MAC table
 * (sets *LEARNED when forwarding changed). TRACE (may be NULL) receives the ofproto/trace
 * text. Caller holds ofproto->mutex. Returns 0. */
int ofproto_xlate(struct ofproto *, const struct ofport *in, const struct flow *flow,
                  struct dp_upcall_result *res, bool may_learn, bool *learned, struct ds *trace);
/* The revalidator's translation (dp_revalidate_cb): ofproto_xlate() of a megaflow's masked key
 * without side effects (no MAC learning, no table lookup/match counters; LEARNED NULL means
 * this), so it may run any number of times. Caller holds the locks of ofproto_xlate_lock(). */
int ofproto_xlate_revalidate(struct ofproto *, const struct ofport *in, const struct flow *flow,
                             struct dp_upcall_result *res);
/* Translates OFPACTS (packet-out) for FLOW received on IN (NULL for none; then FLOW's in_port is
 * IN_PORT) into RES. Caller holds ofproto->mutex. */
void ofproto_xlate_actions(struct ofproto *, const struct ofport *in, uint32_t in_port,
                           const struct flow *flow, const struct ofpacts *ofpacts,
                           struct dp_upcall_result *res);
/* Formats datapath actions as ofproto/trace prints them ("set(ipv4(dst=10.0.0.1)),2")
 * (ofproto-trace.c). */
void ofproto_format_dp_actions(struct ds *, const struct dp_action *, size_t n);
/* Registers ofproto/trace (ofproto-trace.c). */
void ofproto_xlate_register_unixctl(void);

#endif
