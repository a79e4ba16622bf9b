/* mac-learning — the NORMAL action's MAC table. See mac-learning.h. */
#include "ofproto/mac-learning.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sys/queue.h>

struct mac_entry {
    LIST_ENTRY(mac_entry) hash_node;
    TAILQ_ENTRY(mac_entry) lru_node;    /* Head = least recently used. */
    struct eth_addr mac;
    uint16_t vlan;
    uint32_t port;
    long long used;                     /* msec */
};

LIST_HEAD(mac_bucket, mac_entry);
TAILQ_HEAD(mac_lru, mac_entry);

struct mac_learning {
    struct mac_bucket *buckets;
    unsigned n_buckets;                 /* Power of 2. */
    struct mac_lru lru;
    size_t n;
    unsigned idle_ms;
    unsigned max;
    uint64_t n_learned, n_expired, n_evicted, n_moved;   /* For fdb/stats-show. */
};

static uint32_t
mac_hash(const struct eth_addr *mac, uint16_t vlan)
{
    uint64_t x = 0;
    memcpy(&x, mac->ea, ETH_ADDR_LEN);
    x ^= (uint64_t) vlan << 48;
    x *= UINT64_C(0x9e3779b97f4a7c15);
    return (uint32_t) (x >> 32);
}

struct mac_learning *
mac_learning_create(unsigned idle_time_s, unsigned max_entries)
{
    struct mac_learning *ml = xzalloc(sizeof *ml);
    ml->max = max_entries ? max_entries : MAC_DEFAULT_MAX;
    ml->n_buckets = 1;
    while (ml->n_buckets < ml->max) {
        ml->n_buckets <<= 1;
    }
    ml->buckets = xcalloc(ml->n_buckets, sizeof *ml->buckets);
    TAILQ_INIT(&ml->lru);
    ml->idle_ms = (idle_time_s ? idle_time_s : MAC_ENTRY_DEFAULT_IDLE_TIME) * 1000u;
    return ml;
}

void
mac_learning_destroy(struct mac_learning *ml)
{
    if (ml) {
        mac_learning_flush(ml);
        free(ml->buckets);
        free(ml);
    }
}

static struct mac_entry *
mac_find(const struct mac_learning *ml, const struct eth_addr *mac, uint16_t vlan)
{
    struct mac_entry *e;
    LIST_FOREACH(e, &ml->buckets[mac_hash(mac, vlan) & (ml->n_buckets - 1)], hash_node) {
        if (e->vlan == vlan && !memcmp(e->mac.ea, mac->ea, ETH_ADDR_LEN)) {
            return e;
        }
    }
    return NULL;
}

static void
mac_remove(struct mac_learning *ml, struct mac_entry *e)
{
    LIST_REMOVE(e, hash_node);
    TAILQ_REMOVE(&ml->lru, e, lru_node);
    ml->n--;
    free(e);
}

bool
mac_learning_learn(struct mac_learning *ml, const struct eth_addr *mac, uint16_t vlan,
                   uint32_t port, long long now)
{
    struct mac_entry *e = mac_find(ml, mac, vlan);
    bool changed = false;

    if (!e) {
        if (ml->n >= ml->max) {
            mac_remove(ml, TAILQ_FIRST(&ml->lru));
            ml->n_evicted++;
        }
        ml->n_learned++;
        e = xzalloc(sizeof *e);
        e->mac = *mac;
        e->vlan = vlan;
        e->port = port;
        LIST_INSERT_HEAD(&ml->buckets[mac_hash(mac, vlan) & (ml->n_buckets - 1)], e, hash_node);
        TAILQ_INSERT_TAIL(&ml->lru, e, lru_node);
        ml->n++;
        changed = true;
    } else {
        if (e->port != port) {
            e->port = port;
            ml->n_moved++;
            changed = true;
        }
        TAILQ_REMOVE(&ml->lru, e, lru_node);
        TAILQ_INSERT_TAIL(&ml->lru, e, lru_node);
    }
    e->used = now;
    return changed;
}

uint32_t
mac_learning_lookup(const struct mac_learning *ml, const struct eth_addr *mac, uint16_t vlan)
{
    const struct mac_entry *e = mac_find(ml, mac, vlan);
    return e ? e->port : MAC_PORT_NONE;
}

bool
mac_learning_expire(struct mac_learning *ml, long long now)
{
    bool changed = false;
    struct mac_entry *e;

    while ((e = TAILQ_FIRST(&ml->lru)) && now - e->used >= ml->idle_ms) {
        mac_remove(ml, e);
        ml->n_expired++;
        changed = true;
    }
    return changed;
}

bool
mac_learning_flush_port(struct mac_learning *ml, uint32_t port)
{
    struct mac_entry *e, *next;
    bool changed = false;

    for (e = TAILQ_FIRST(&ml->lru); e; e = next) {
        next = TAILQ_NEXT(e, lru_node);
        if (e->port == port) {
            mac_remove(ml, e);
            changed = true;
        }
    }
    return changed;
}

void
mac_learning_flush(struct mac_learning *ml)
{
    struct mac_entry *e;
    while ((e = TAILQ_FIRST(&ml->lru))) {
        mac_remove(ml, e);
    }
}

size_t
mac_learning_count(const struct mac_learning *ml)
{
    return ml->n;
}

void
mac_learning_format(const struct mac_learning *ml, long long now,
                    const char *(*port_name)(void *aux, uint32_t port), void *aux, struct ds *ds)
{
    const struct mac_entry *e;

    ds_put_cstr(ds, " port  VLAN  MAC                Age\n");
    TAILQ_FOREACH(e, &ml->lru, lru_node) {
        const char *name = port_name ? port_name(aux, e->port) : NULL;
        if (name) {
            ds_put_format(ds, "%5s", name);
        } else {
            ds_put_format(ds, "%5" PRIu32, e->port);
        }
        ds_put_format(ds, "  %4u  %02x:%02x:%02x:%02x:%02x:%02x  %3lld\n", e->vlan,
                      e->mac.ea[0], e->mac.ea[1], e->mac.ea[2], e->mac.ea[3], e->mac.ea[4],
                      e->mac.ea[5], (now - e->used) / 1000);
    }
}

bool
mac_learning_set_config(struct mac_learning *ml, unsigned idle_time_s, unsigned max_entries)
{
    bool changed = false;

    ml->idle_ms = (idle_time_s ? idle_time_s : MAC_ENTRY_DEFAULT_IDLE_TIME) * 1000u;
    ml->max = max_entries ? max_entries : MAC_DEFAULT_MAX;
    while (ml->n > ml->max) {
        mac_remove(ml, TAILQ_FIRST(&ml->lru));
        ml->n_evicted++;
        changed = true;
    }
    return changed;
}

void
mac_learning_format_stats(const struct mac_learning *ml, const char *bridge, struct ds *ds)
{
    ds_put_format(ds, "Statistics for bridge \"%s\":\n", bridge);
    ds_put_format(ds, "  Current/maximum MAC entries in the table: %zu/%u\n", ml->n, ml->max);
    ds_put_format(ds, "  Current static MAC entries in the table : 0\n");
    ds_put_format(ds, "  Total number of learned MAC entries     : %"PRIu64"\n", ml->n_learned);
    ds_put_format(ds, "  Total number of expired MAC entries     : %"PRIu64"\n", ml->n_expired);
    ds_put_format(ds, "  Total number of evicted MAC entries     : %"PRIu64"\n", ml->n_evicted);
    ds_put_format(ds, "  Total number of port moved MAC entries  : %"PRIu64"\n", ml->n_moved);
}
