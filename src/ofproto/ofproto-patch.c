/* ofproto-patch — patch ports and the cross-bridge translation lock. See ofproto-patch.h and
 * ofproto-provider.h. */
#include "ofproto/ofproto-patch.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "lib/vlog.h"
#include "ofproto/ofproto-provider.h"
#include "pmd/dpif-netdev.h"

VLOG_DEFINE_THIS_MODULE(patch);

pthread_mutex_t ofproto_cross_mutex = PTHREAD_MUTEX_INITIALIZER;
__thread bool ofproto_cross_held;

/* Stats ids of patch and tunnel ports (main thread). */
static uint64_t next_stats_id = 1;

/* ---- The cross-bridge translation lock. ---- */

bool
ofproto_xlate_lock(struct ofproto *ofproto)
{
    bool cross = __atomic_load_n(&ofproto->n_cross, __ATOMIC_RELAXED) > 0;

    if (cross) {
        pthread_mutex_lock(&ofproto_cross_mutex);
    }
    pthread_mutex_lock(&ofproto->mutex);
    if (!cross && ofproto->n_cross) {
        /* A patch or tunnel port appeared meanwhile: take the locks in order. */
        pthread_mutex_unlock(&ofproto->mutex);
        pthread_mutex_lock(&ofproto_cross_mutex);
        pthread_mutex_lock(&ofproto->mutex);
        cross = true;
    }
    ofproto_cross_held = cross;
    return cross;
}

void
ofproto_xlate_unlock(struct ofproto *ofproto, bool cross)
{
    pthread_mutex_unlock(&ofproto->mutex);
    if (cross) {
        ofproto_cross_held = false;
        pthread_mutex_unlock(&ofproto_cross_mutex);
    }
}

/* ---- Patch ports. ---- */

/* A stable locally administered MAC made from NAME (OVS gives patch ports a random one). */
static struct eth_addr
patch_mac(const char *name)
{
    uint64_t h = 14695981039346656037ULL;
    struct eth_addr mac;

    for (const char *p = name; *p; p++) {
        h = (h ^ (unsigned char) *p) * 1099511628211ULL;
    }
    for (int i = 0; i < 6; i++) {
        mac.ea[i] = (uint8_t) (h >> (8 * i + 3));
    }
    mac.ea[0] = (uint8_t) ((mac.ea[0] & 0xfc) | 0x02);
    return mac;
}

int
ofproto_port_set_patch(struct ofproto *ofproto, uint32_t ofp_port, const char *peer)
{
    if (!peer || !*peer) {
        return -EINVAL;
    }
    pthread_mutex_lock(&ofproto_cross_mutex);      /* Other bridges' translations read it. */
    pthread_mutex_lock(&ofproto->mutex);
    struct ofport *port = ofproto_port_find(ofproto, ofp_port);
    if (!port) {
        pthread_mutex_unlock(&ofproto->mutex);
        pthread_mutex_unlock(&ofproto_cross_mutex);
        return -ENOENT;
    }
    if (!port->patch_peer) {
        __atomic_store_n(&ofproto->n_cross, ofproto->n_cross + 1, __ATOMIC_RELAXED);
        port->stats_id = OFPORT_STATS_BIT | next_stats_id++;
        port->hw_addr = patch_mac(port->name);
    }
    free(port->patch_peer);
    port->patch_peer = xstrdup(peer);
    pthread_mutex_unlock(&ofproto->mutex);
    pthread_mutex_unlock(&ofproto_cross_mutex);
    return 0;
}

/* The patch port named NAME in any bridge, or NULL. Caller holds ofproto_cross_mutex or is the
 * main thread. */
static struct ofport *
patch_find(const char *name)
{
    struct ofproto *ofproto;

    LIST_FOREACH(ofproto, &all_ofprotos, node) {
        for (size_t i = 0; i < ofproto->n_ports; i++) {
            struct ofport *p = ofproto->ports[i];
            if (p->patch_peer && !strcmp(p->name, name)) {
                return p;
            }
        }
    }
    return NULL;
}

void
ofproto_patch_relink(void)
{
    struct ofproto *ofproto;
    bool changed = false;
    struct dp_netdev *dp = NULL;

    pthread_mutex_lock(&ofproto_cross_mutex);
    LIST_FOREACH(ofproto, &all_ofprotos, node) {
        dp = ofproto->dp;
        for (size_t i = 0; i < ofproto->n_ports; i++) {
            struct ofport *p = ofproto->ports[i];
            if (!p->patch_peer) {
                continue;
            }
            struct ofport *peer = patch_find(p->patch_peer);
            if (peer && (peer == p || !peer->patch_peer || strcmp(peer->patch_peer, p->name))) {
                peer = NULL;
            }
            if (p->peer != peer) {
                VLOG_INFO("bridge %s: patch port %s %s", ofproto->name, p->name,
                          peer ? "linked to its peer" : "unlinked: its peer is gone");
                p->peer = peer;
                changed = true;
            }
        }
    }
    pthread_mutex_unlock(&ofproto_cross_mutex);
    if (changed && dp) {
        dp_netdev_flush_caches(dp);
    }
}

void
ofproto_port_unlink(struct ofport *port)
{
    if (!port->patch_peer && !port->peer) {
        return;
    }
    pthread_mutex_lock(&ofproto_cross_mutex);
    if (port->peer && port->peer->peer == port) {
        port->peer->peer = NULL;
    }
    port->peer = NULL;
    /* Any other port still pointing here (a half-configured pair). */
    struct ofproto *ofproto;
    LIST_FOREACH(ofproto, &all_ofprotos, node) {
        for (size_t i = 0; i < ofproto->n_ports; i++) {
            if (ofproto->ports[i]->peer == port) {
                ofproto->ports[i]->peer = NULL;
            }
        }
    }
    pthread_mutex_unlock(&ofproto_cross_mutex);
}

char *
ofproto_port_patch_error(struct ofproto *ofproto, uint32_t ofp_port)
{
    const struct ofport *port = ofproto_port_find(ofproto, ofp_port);

    if (!port || !port->patch_peer || port->peer) {
        return NULL;
    }
    const struct ofport *peer = patch_find(port->patch_peer);
    if (!peer) {
        struct ofproto *o;
        LIST_FOREACH(o, &all_ofprotos, node) {
            for (size_t i = 0; i < o->n_ports; i++) {
                if (!strcmp(o->ports[i]->name, port->patch_peer)) {
                    return xasprintf("patch port %s: peer '%s' is not a patch port",
                                     port->name, port->patch_peer);
                }
            }
        }
        return xasprintf("patch port %s: peer '%s' does not exist", port->name,
                         port->patch_peer);
    }
    if (peer == port) {
        return xasprintf("patch port %s: peer is the port itself", port->name);
    }
    return xasprintf("patch port %s: peer '%s' has options:peer=%s, not %s", port->name,
                     peer->name, peer->patch_peer, port->name);
}

bool
ofproto_port_patch_info(struct ofproto *ofproto, uint32_t ofp_port, bool *linked,
                        struct eth_addr *mac)
{
    const struct ofport *port = ofproto_port_find(ofproto, ofp_port);

    if (!port || (!port->patch_peer && !port->tnl)) {
        return false;
    }
    *linked = port->tnl || port->peer != NULL;        /* Tunnel ports are always up. */
    *mac = port->hw_addr;
    return true;
}

bool
ofproto_port_virtual_stats(struct ofproto *ofproto, uint32_t ofp_port, uint64_t *rx_packets,
                           uint64_t *rx_bytes, uint64_t *tx_packets, uint64_t *tx_bytes)
{
    const struct ofport *port = ofproto_port_find(ofproto, ofp_port);

    if (!port || !port->stats_id) {
        return false;
    }
    *rx_packets = port->rx_packets;
    *rx_bytes = port->rx_bytes;
    *tx_packets = port->tx_packets;
    *tx_bytes = port->tx_bytes;
    return true;
}

void
ofproto_port_credit_stats(uint64_t id, uint64_t packets, uint64_t bytes)
{
    uint64_t want = id & ~OFPORT_STATS_RX;
    struct ofproto *ofproto;

    LIST_FOREACH(ofproto, &all_ofprotos, node) {
        for (size_t i = 0; i < ofproto->n_ports; i++) {
            struct ofport *p = ofproto->ports[i];
            if (p->stats_id == want) {
                if (id & OFPORT_STATS_RX) {
                    p->rx_packets += packets;
                    p->rx_bytes += bytes;
                } else {
                    p->tx_packets += packets;
                    p->tx_bytes += bytes;
                }
                return;     /* Ports deleted since simply lose their last counts. */
            }
        }
    }
}

uint64_t
ofproto_alloc_stats_id(void)
{
    return OFPORT_STATS_BIT | next_stats_id++;
}
