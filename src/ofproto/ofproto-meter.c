/* ofproto-meter — meter table and token buckets. See ofproto-meter.h. */
#include "ofproto/ofproto-meter.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_spinlock.h>

#include "lib/util.h"
#include "lib/vlog.h"
#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-meter.h"
#include "ofproto/ofproto-provider.h"
#include "pmd/dpif-netdev.h"

VLOG_DEFINE_THIS_MODULE(meter);

__extension__ typedef unsigned __int128 u128;

/* A meter. 'cfg', 'buckets', 'last_tsc' and the counters are under 'lock'; 'created' is fixed. */
struct ofmeter {
    rte_spinlock_t lock;
    struct ofp_meter_mod cfg;
    struct meter_bucket buckets[OFP_METER_MAX_BANDS];
    uint64_t last_tsc;           /* rte_rdtsc() of the last refill; 0 = not yet. */
    uint64_t packet_in, byte_in;
    struct ofp_meter_band_stats band_stats[OFP_METER_MAX_BANDS];
    long long created;           /* msec, time_msec() */
};

/* Meter domains (see ofproto-meter.h): slot D holds the bridge whose meter table DP_ACTION_METER
 * arguments with domain D name. Slot 0 is never used (0 = the ingress port's bridge). Written by
 * the main thread (under the bridge's mutex when it is assigned), read by PMDs (atomic loads). */
#define METER_DOMAINS 4096
static struct ofproto *meter_domains[METER_DOMAINS];
static uint32_t meter_domain_next = 1;      /* Where the next search for a free slot starts. */

/* Gives OFPROTO a meter domain if it has none: the next free slot after the last one given, so
 * a slot freed by a deleted bridge is reused as late as possible. With all taken (4095 bridges
 * with meters) it stays 0 and the ingress port's bridge's meters apply, as before domains. */
static void
meter_domain_assign(struct ofproto *ofproto)
{
    if (ofproto->meter_domain) {
        return;
    }
    for (uint32_t i = 0; i < METER_DOMAINS - 1; i++) {
        uint32_t d = meter_domain_next;
        meter_domain_next = d + 1 < METER_DOMAINS ? d + 1 : 1;
        if (!meter_domains[d]) {
            __atomic_store_n(&meter_domains[d], ofproto, __ATOMIC_RELEASE);
            ofproto->meter_domain = d;
            return;
        }
    }
    VLOG_WARN("bridge %s: no free meter domain (%d bridges with meters): its meters apply "
              "to packets that enter through its own ports only", ofproto->name,
              METER_DOMAINS - 1);
}

/* ---------------------------------------------------------------------------------------------
 * Token buckets.
 * ------------------------------------------------------------------------------------------- */

void
meter_bucket_init(struct meter_bucket *b, uint16_t flags, uint32_t band_rate, uint32_t burst)
{
    uint64_t size = (flags & OFPMF_BURST) && burst ? burst : band_rate;
    /* pktps: 1000 tokens a packet; kbps: a token is a bit, 1000 a kbit. */
    b->rate = (uint64_t) band_rate * 1000;
    b->capacity = size * 1000;
    b->tokens = b->capacity;
}

void
meter_bucket_refill(struct meter_bucket *b, uint64_t elapsed, uint64_t hz)
{
    if (!hz || !elapsed) {
        return;
    }
    u128 add = (u128) elapsed * b->rate / hz;
    u128 room = b->capacity - b->tokens;
    b->tokens += add > room ? (uint64_t) room : (uint64_t) add;
}

uint64_t
meter_packet_cost(uint16_t flags, uint32_t pkt_len)
{
    return flags & OFPMF_PKTPS ? 1000 : (uint64_t) pkt_len * 8;
}

/* ---------------------------------------------------------------------------------------------
 * Packet path.
 * ------------------------------------------------------------------------------------------- */

static struct ofmeter *
meter_get(const struct ofproto *ofproto, uint32_t meter_id)
{
    struct ofmeter **table = __atomic_load_n(&ofproto->meters, __ATOMIC_ACQUIRE);
    if (!table || !meter_id || meter_id > OFP_METER_MAX) {
        return NULL;
    }
    return __atomic_load_n(&table[meter_id], __ATOMIC_ACQUIRE);
}

bool
ofproto_meter_cb(void *port_aux, uint32_t arg, uint32_t pkt_len, uint64_t now_tsc)
{
    uint32_t domain = DP_METER_DOMAIN(arg);
    const struct ofproto *ofproto;
    if (domain) {
        ofproto = domain < METER_DOMAINS
                  ? __atomic_load_n(&meter_domains[domain], __ATOMIC_ACQUIRE) : NULL;
    } else {
        /* A decapsulated packet's aux is a tunnel vport, which has no bridge (ofproto-tnl.h). */
        const struct ofport *in = port_aux;
        ofproto = in ? in->ofproto : NULL;
    }
    struct ofmeter *m = ofproto ? meter_get(ofproto, DP_METER_ID(arg)) : NULL;
    if (!m) {
        return true;
    }

    uint64_t hz = rte_get_tsc_hz();
    bool pass = true;
    int worst = -1;

    rte_spinlock_lock(&m->lock);
    uint64_t elapsed = m->last_tsc && now_tsc > m->last_tsc ? now_tsc - m->last_tsc : 0;
    if (!m->last_tsc || now_tsc > m->last_tsc) {
        m->last_tsc = now_tsc;
    }
    uint64_t cost = meter_packet_cost(m->cfg.flags, pkt_len);
    m->packet_in++;
    m->byte_in += pkt_len;
    for (size_t i = 0; i < m->cfg.n_bands; i++) {
        struct meter_bucket *b = &m->buckets[i];
        meter_bucket_refill(b, elapsed, hz);
        if (b->tokens >= cost) {
            b->tokens -= cost;
        } else {
            pass = false;
            if (worst < 0 || m->cfg.bands[i].rate > m->cfg.bands[worst].rate) {
                worst = i;
            }
        }
    }
    if (worst >= 0) {
        m->band_stats[worst].packet_count++;
        m->band_stats[worst].byte_count += pkt_len;
    }
    rte_spinlock_unlock(&m->lock);
    return pass;
}

/* ---------------------------------------------------------------------------------------------
 * Meter-mod.
 * ------------------------------------------------------------------------------------------- */

static void
meter_configure(struct ofmeter *m, const struct ofp_meter_mod *mm)
{
    m->cfg = *mm;
    m->cfg.command = 0;
    for (size_t i = 0; i < mm->n_bands; i++) {
        meter_bucket_init(&m->buckets[i], mm->flags, mm->bands[i].rate, mm->bands[i].burst_size);
    }
    memset(m->band_stats + mm->n_bands, 0,
           (OFP_METER_MAX_BANDS - mm->n_bands) * sizeof m->band_stats[0]);
    m->last_tsc = 0;
}

static int
meter_mod_error(struct ofperr *err, uint16_t code)
{
    err->type = OFPET_METER_MOD_FAILED;
    err->code = code;
    return -EINVAL;
}

bool
ofproto_meter_exists(const struct ofproto *ofproto, uint32_t meter_id)
{
    return meter_get(ofproto, meter_id) != NULL;
}

int
ofproto_handle_meter_mod(struct ofproto *ofproto, const struct ofp_meter_mod *mm,
                         struct ofperr *err)
{
    struct ofmeter *dead[64];
    size_t n_dead = 0;
    int error = 0;

    if (mm->command == OFPMC_DELETE) {
        if (mm->meter_id != OFPM_ALL && (!mm->meter_id || mm->meter_id > OFPM_MAX)) {
            return meter_mod_error(err, OFPMMFC_INVALID_METER);
        }
    } else if (mm->command == OFPMC_ADD || mm->command == OFPMC_MODIFY) {
        if (ofp_meter_mod_check(mm, err)) {
            return -EINVAL;
        }
    } else {
        return meter_mod_error(err, OFPMMFC_BAD_COMMAND);
    }

    pthread_mutex_lock(&ofproto->mutex);
    struct ofmeter *m = meter_get(ofproto, mm->meter_id);
    switch (mm->command) {
    case OFPMC_ADD:
        if (m) {
            error = meter_mod_error(err, OFPMMFC_METER_EXISTS);
            break;
        }
        if (!ofproto->meters) {
            struct ofmeter **table = xzalloc((OFP_METER_MAX + 1) * sizeof *table);
            __atomic_store_n(&ofproto->meters, table, __ATOMIC_RELEASE);
        }
        meter_domain_assign(ofproto);
        m = xzalloc(sizeof *m);
        rte_spinlock_init(&m->lock);
        meter_configure(m, mm);
        m->created = time_msec();
        __atomic_store_n(&ofproto->meters[mm->meter_id], m, __ATOMIC_RELEASE);
        break;
    case OFPMC_MODIFY:
        if (!m) {
            error = meter_mod_error(err, OFPMMFC_UNKNOWN_METER);
            break;
        }
        rte_spinlock_lock(&m->lock);
        meter_configure(m, mm);
        rte_spinlock_unlock(&m->lock);
        break;
    default:
        /* OpenFlow 1.3.5 §6.6: the flows that use a deleted meter go with it. */
        ofproto_delete_rules_using_meter(ofproto, mm->meter_id);
        for (uint32_t id = 1; ofproto->meters && id <= OFP_METER_MAX; id++) {
            if (mm->meter_id != OFPM_ALL && id != mm->meter_id) {
                continue;
            }
            struct ofmeter *x = ofproto->meters[id];
            if (x) {
                __atomic_store_n(&ofproto->meters[id], NULL, __ATOMIC_RELEASE);
                if (n_dead == ARRAY_SIZE(dead)) {
                    /* Free in bounded steps: wait out the PMDs for this batch first. */
                    pthread_mutex_unlock(&ofproto->mutex);
                    if (ofproto->dp) {
                        dp_netdev_flush_caches(ofproto->dp);
                        dp_netdev_sync_caches(ofproto->dp);
                    }
                    pthread_mutex_lock(&ofproto->mutex);
                    while (n_dead) {
                        free(dead[--n_dead]);
                    }
                }
                dead[n_dead++] = x;
            }
        }
        break;
    }
    pthread_mutex_unlock(&ofproto->mutex);
    if (!error && ofproto->dp) {
        dp_netdev_flush_caches(ofproto->dp);
        if (n_dead) {
            dp_netdev_sync_caches(ofproto->dp);
        }
    }
    while (n_dead) {
        free(dead[--n_dead]);
    }
    return error;
}

/* ---------------------------------------------------------------------------------------------
 * Statistics and configuration.
 * ------------------------------------------------------------------------------------------- */

void
ofproto_collect_meter_configs(struct ofproto *ofproto, uint32_t meter_id,
                              ofproto_meter_config_cb *cb, void *aux)
{
    pthread_mutex_lock(&ofproto->mutex);
    for (uint32_t id = 1; ofproto->meters && id <= OFP_METER_MAX; id++) {
        struct ofmeter *m = ofproto->meters[id];
        if (m && (meter_id == OFPM_ALL || meter_id == id)) {
            struct ofp_meter_mod cfg;
            rte_spinlock_lock(&m->lock);
            cfg = m->cfg;
            rte_spinlock_unlock(&m->lock);
            cb(aux, &cfg);
        }
    }
    pthread_mutex_unlock(&ofproto->mutex);
}

void
ofproto_collect_meter_stats(struct ofproto *ofproto, uint32_t meter_id,
                            ofproto_meter_stats_cb *cb, void *aux)
{
    long long now = time_msec();

    pthread_mutex_lock(&ofproto->mutex);
    for (uint32_t id = 1; ofproto->meters && id <= OFP_METER_MAX; id++) {
        struct ofmeter *m = ofproto->meters[id];
        if (!m || (meter_id != OFPM_ALL && meter_id != id)) {
            continue;
        }
        struct ofp_meter_stats ms = {
            .meter_id = id,
            .flow_count = ofproto_count_rules_using_meter(ofproto, id),
            .duration_sec = (uint32_t) ((now - m->created) / 1000),
            .duration_nsec = (uint32_t) ((now - m->created) % 1000) * 1000000u,
        };
        rte_spinlock_lock(&m->lock);
        ms.packet_in_count = m->packet_in;
        ms.byte_in_count = m->byte_in;
        ms.n_bands = m->cfg.n_bands;
        memcpy(ms.bands, m->band_stats, sizeof ms.bands);
        rte_spinlock_unlock(&m->lock);
        cb(aux, &ms);
    }
    pthread_mutex_unlock(&ofproto->mutex);
}

void
ofproto_get_meter_features(struct ofp_meter_features *mf)
{
    memset(mf, 0, sizeof *mf);
    mf->max_meter = OFP_METER_MAX;
    mf->band_types = 1u << OFPMBT_DROP;
    mf->capabilities = OFPMF_KBPS | OFPMF_PKTPS | OFPMF_BURST | OFPMF_STATS;
    mf->max_bands = OFP_METER_MAX_BANDS;
    mf->max_color = 0;
}

void
ofproto_meters_destroy(struct ofproto *ofproto)
{
    if (ofproto->meter_domain) {
        __atomic_store_n(&meter_domains[ofproto->meter_domain], NULL, __ATOMIC_RELEASE);
        ofproto->meter_domain = 0;
    }
    if (ofproto->meters) {
        for (uint32_t id = 1; id <= OFP_METER_MAX; id++) {
            free(ofproto->meters[id]);
        }
        free(ofproto->meters);
        ofproto->meters = NULL;
    }
}
