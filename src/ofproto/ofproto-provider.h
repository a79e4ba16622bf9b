/*
 * ofproto-provider — the private structures of an ofproto shared by its two halves: ofproto.c
 * (flow tables, flow-mods, ports, statistics, life cycle) and ofproto-xlate.c (translation of a
 * flow through the tables into datapath actions, NORMAL, and ofproto/trace).
 *
 * Flow tables: OFPROTO_N_TABLES (254, ids 0-253) tables, each an array of rules sorted by
 * priority (highest first; equal priorities in insertion order). A lookup scans a table in that
 * order and ORs the mask of every rule it examines into the megaflow wildcards, so a packet that
 * agrees on those bits fails the same higher-priority rules and matches the same rule.
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
    /* NORMAL's VLAN configuration. */
    enum port_vlan_mode vlan_mode;
    int tag;                     /* 0-4095, or -1 for none. */
    uint64_t *trunks;            /* Bitmap of 4096 VLANs, or NULL for all. */
};

/* A group (OpenFlow 1.3.5 §5.6): GM holds its type, id and buckets (command unused). */
struct ofgroup {
    struct ofp_group_mod gm;
};

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
    size_t n_groups;
    bool fail_secure;            /* Bridge.fail_mode == secure. */
    bool fail_open;              /* Standalone with controllers, none reachable: NORMAL
                                    switching (read by PMDs under the mutex). */
    long long ctrl_lost_at;      /* When the last controller connection was lost (or the
                                    controllers were set), for fail-open. */
    long long next_expire;
};

/* Looks FLOW up in TABLE, ORing the mask of each rule examined into *WC. Caller holds mutex. */
struct rule *oftable_lookup(struct oftable *table, const struct flow *flow, struct flow *wc);
struct ofport *ofproto_port_find(const struct ofproto *, uint32_t ofp_port);
/* The group GROUP_ID, or NULL. Caller holds mutex. */
struct ofgroup *ofproto_group_find(const struct ofproto *, uint32_t group_id);
/* Removes (with flow-removed messages) the rules whose instructions use meter METER_ID (OFPM_ALL:
 * any meter), or counts them. Caller holds mutex. */
void ofproto_delete_rules_using_meter(struct ofproto *, uint32_t meter_id);
uint32_t ofproto_count_rules_using_meter(const struct ofproto *, uint32_t meter_id);
/* An id to pass as the datapath's rule id that credits every rule in IDS[0..N) (N >= 1): IDS[0]
 * itself when N == 1. Any thread, under the ofproto mutex. */
uint64_t ofproto_rule_combo_id(const uint64_t *ids, size_t n);

/* Translates FLOW (in_port = IN's OpenFlow number) arriving on IN through the tables into
 * RES->actions and RES->wc, and sets RES->rule_id. MAY_LEARN: NORMAL updates the MAC table
 * (sets *LEARNED when forwarding changed). TRACE (may be NULL) receives the ofproto/trace
 * text. Caller holds ofproto->mutex. Returns 0. */
int ofproto_xlate(struct ofproto *, const struct ofport *in, const struct flow *flow,
                  struct dp_upcall_result *res, bool may_learn, bool *learned, struct ds *trace);
/* Translates OFPACTS (packet-out) for FLOW received on IN (NULL for none; then FLOW's in_port is
 * IN_PORT) into RES. Caller holds ofproto->mutex. */
void ofproto_xlate_actions(struct ofproto *, const struct ofport *in, uint32_t in_port,
                           const struct flow *flow, const struct ofpacts *ofpacts,
                           struct dp_upcall_result *res);
/* Formats datapath actions as ofproto/trace prints them ("set(ipv4(dst=10.0.0.1)),2"). */
void ofproto_format_dp_actions(struct ds *, const struct dp_action *, size_t n);
/* Registers ofproto/trace. */
void ofproto_xlate_register_unixctl(void);

#endif
