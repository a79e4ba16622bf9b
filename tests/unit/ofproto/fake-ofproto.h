/*
 * fake-ofproto — a test double of ofproto.h's connmgr-facing functions, for connmgr's unit test and
 * the interop test switch. It keeps rules in an array with OpenFlow 1.3.5 §6.4 semantics simple
 * enough to check by eye (add replaces an identical match+priority, delete is non-strict or strict,
 * modify rewrites actions), a fixed port list, and can be told to fail the next flow-mod.
 *
 * Not thread-safe; tests only.
 */
#ifndef UVS_TEST_FAKE_OFPROTO_H
#define UVS_TEST_FAKE_OFPROTO_H 1

#include <stddef.h>
#include <stdint.h>

#include "ofproto/ofp-types.h"
#include "ofproto/ofp-meter.h"
#include "ofproto/ofproto-meter.h"
#include "ofproto/ofproto.h"

struct fake_rule {
    uint8_t table_id;
    uint16_t priority, idle_timeout, hard_timeout, flags;
    uint64_t cookie;
    uint64_t n_packets, n_bytes;
    struct match match;
    struct ofpacts ofpacts;
};

struct ofproto {
    char name[16];
    uint64_t dpid;
    struct fake_rule *rules;
    size_t n_rules;
    int n_packet_outs;          /* ofproto_packet_out() calls that succeeded */
    size_t packet_out_bytes;
    int n_syncs;                /* ofproto_sync() calls (barriers) */
    struct ofp_phy_port ports[8];
    struct ofp_port_stats stats[8];
    size_t n_ports;
    unsigned int n_flow_mods;     /* flow-mods handled (including failed ones) */
    struct ofperr fail_next;      /* type 0xffff = none; else returned by the next flow-mod */
    uint64_t lookups, matches;
    struct ofp_meter_mod meters[8]; /* Meter configurations (no token buckets, no counters). */
    size_t n_meters;
};

struct ofproto *fake_ofproto_create(const char *name, uint64_t dpid);
/* Adds port NO named NAME with counters derived from NO (rx_packets = NO * 100, ...); the
 * rx_frame_err and collisions counters are unavailable (UINT64_MAX). */
void fake_ofproto_add_port(struct ofproto *, uint32_t no, const char *name);
/* Adds N rules "priority=I,ip,nw_dst=10.X.Y.Z,actions=output:1" directly. */
void fake_ofproto_add_many(struct ofproto *, size_t n);
void fake_ofproto_destroy(struct ofproto *);

#endif
