/*
 * ofproto-meter — the meter table of an ofproto (OpenFlow 1.3.5 §5.7) and the token buckets that
 * the datapath's DP_ACTION_METER consults through dp_meter_cb (pmd/dpif-netdev.h).
 *
 * Each meter has one token bucket per band. A bucket fills at the band's rate up to its capacity
 * (burst_size with OFPMF_BURST and a non-zero burst_size, otherwise one second of the rate) and
 * starts full. Units: with OFPMF_PKTPS a token is 1/1000 packet and a packet costs 1000; with
 * OFPMF_KBPS a token is one bit and a packet costs 8 x its L2 length. A packet that finds fewer
 * tokens than its cost in a band "exceeds" that band; since every band is a DROP band, a packet
 * that exceeds any band is dropped and counted on the exceeded band with the highest rate
 * (§5.7.1: the band applied is the highest-rate band whose rate is exceeded). Tokens are taken
 * from every band that has enough.
 *
 * Meter domains: all bridges share one datapath, and a translation may cross into other bridges
 * (patch ports, tunnels), so the datapath's meter action names the meter table as well as the
 * meter: DP_METER_ARG(domain, meter id) (pmd/dp-flow.h), where the domain is a small number the
 * bridge gets with its first meter (ofproto->meter_domain) and keeps until it is destroyed. So a
 * meter applies in the bridge whose rule used it, also to packets that entered another bridge
 * and crossed a patch port, and to decapsulated packets (whose ingress is a tunnel vport).
 *
 * Thread-safety: the table (an array of meter pointers indexed by meter id, allocated at the
 * first add) is written by the main thread under ofproto->mutex and read by PMD threads without
 * it (atomic loads). Each meter's buckets, configuration and counters are protected by the
 * meter's own spinlock, held for a few dozen instructions per packet: no global lock on the
 * packet path. A deleted meter is unpublished, then freed only after dp_netdev_sync_caches() has
 * seen every PMD finish its batch. The domain table (bridge pointers by domain) is written by the
 * main thread: a bridge's slot is set at its first meter-add (under its mutex) and cleared by
 * ofproto_meters_destroy(), before the caches are flushed; slots are reused round-robin, as late as
 * possible. Lock order: ofproto->mutex, then a meter's spinlock.
 */
#ifndef UVS_OFPROTO_METER_H
#define UVS_OFPROTO_METER_H 1

#include <stdbool.h>
#include <stdint.h>

struct ofproto;
struct ofp_meter_mod;
struct ofp_meter_stats;
struct ofp_meter_features;
struct ofperr;

/* One band's token bucket, in the units above. */
struct meter_bucket {
    uint64_t tokens;
    uint64_t capacity;
    uint64_t rate;             /* Tokens per second. */
};

/* Sets B for BAND_RATE and BURST (kbit or packets per the meter FLAGS, OFPMF_*), full. */
void meter_bucket_init(struct meter_bucket *b, uint16_t flags, uint32_t band_rate,
                       uint32_t burst);
/* Adds the tokens earned in ELAPSED ticks of a HZ-ticks-per-second clock (capped at capacity). */
void meter_bucket_refill(struct meter_bucket *b, uint64_t elapsed, uint64_t hz);
/* The cost in tokens of a packet of PKT_LEN bytes under FLAGS. */
uint64_t meter_packet_cost(uint16_t flags, uint32_t pkt_len);

/* OpenFlow meter-mod (OpenFlow 1.3.5 §7.3.4.4) on OFPROTO: add (METER_EXISTS if present),
 * modify (UNKNOWN_METER if absent; the buckets restart full, the counters stay), delete (meter id
 * or OFPM_ALL; an absent meter is not an error) with the flows that use the meter (§6.6). Checks
 * MM with ofp_meter_mod_check(). Flushes the datapath caches. Main thread, without
 * ofproto->mutex held (it takes it). Returns 0 or -EINVAL with *ERR. */
int ofproto_handle_meter_mod(struct ofproto *, const struct ofp_meter_mod *, struct ofperr *err);
/* Whether METER_ID exists. Caller holds ofproto->mutex. */
bool ofproto_meter_exists(const struct ofproto *, uint32_t meter_id);
/* Calls CB for each meter (METER_ID or OFPM_ALL), in id order: its configuration or its
 * statistics (OpenFlow 1.3.5 §7.3.5.12-13). Main thread, takes ofproto->mutex. */
typedef void ofproto_meter_config_cb(void *aux, const struct ofp_meter_mod *);
typedef void ofproto_meter_stats_cb(void *aux, const struct ofp_meter_stats *);
void ofproto_collect_meter_configs(struct ofproto *, uint32_t meter_id,
                                   ofproto_meter_config_cb *, void *aux);
void ofproto_collect_meter_stats(struct ofproto *, uint32_t meter_id,
                                 ofproto_meter_stats_cb *, void *aux);
void ofproto_get_meter_features(struct ofp_meter_features *);
/* The dp_meter_cb (pmd/dpif-netdev.h): ARG is DP_METER_ARG(domain, meter id); domain 0 means
 * the bridge of PORT_AUX (the ingress struct ofport; a tunnel vport has none). A packet for a
 * meter (or bridge) deleted while its flows were still cached, or with neither a domain nor an
 * ingress port, passes. Any thread. */
bool ofproto_meter_cb(void *port_aux, uint32_t arg, uint32_t pkt_len, uint64_t now_tsc);
/* Frees OFPROTO's meters and gives up its meter domain (ofproto_destroy(), no PMD can use them
 * any more). */
void ofproto_meters_destroy(struct ofproto *);

#endif
