/* ofproto-tnl — tunnel ports: configuration, receive demultiplexing, encapsulation plans. See
 * ofproto-tnl.h. */
#include "ofproto/ofproto-tnl.h"

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "lib/vlog.h"
#include "ofproto/ofp-actions.h"
#include "ofproto/ofproto-provider.h"
#include "ofproto/tnl-route.h"
#include "pmd/dp-tunnel.h"
#include "pmd/dpif-netdev.h"

#include <rte_ip.h>

VLOG_DEFINE_THIS_MODULE(tunnel);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

/* A tunnel port's configuration (immutable once set; replaced by reopening the port). */
struct tnl_port {
    enum dp_tnl_type type;
    uint16_t dst_port;           /* UDP tunnels: host order. */
    uint32_t vport;              /* Datapath vport its packets arrive on. */
    bool remote_flow;            /* remote_ip=flow: the flow's tun_dst (or tun_ipv6_dst). */
    bool ipv6;                   /* IPv6 underlay: remote6/local6 instead of the IPv4 ones. */
    uint32_t remote_ip_be;
    uint32_t local_ip_be;        /* 0 = any. */
    struct in6_addr remote6;
    struct in6_addr local6;      /* :: = any. */
    bool in_key_flow, out_key_flow;
    bool out_key_present;        /* GRE without a key sends none. */
    uint64_t in_key, out_key;
    int tos;                     /* -1 = inherit the inner packet's. */
    int ttl;                     /* -1 = inherit; default 64. */
    bool df;
    bool csum;
};

/* Vport aux objects: ofports without an ofproto, so ofproto_upcall() can tell them apart. */
static struct ofport vport_aux[DP_TNL_MAX_VPORTS];
static struct tnl_port vport_cfg[DP_TNL_MAX_VPORTS];     /* type and dst_port of each. */
static struct dp_netdev *tnl_dp;

static const char *
type_name(enum dp_tnl_type t)
{
    return t == DP_TNL_VXLAN ? "vxlan" : t == DP_TNL_GENEVE ? "geneve" : "gre";
}

bool
ofproto_tnl_is_type(const char *type)
{
    return !strcmp(type, "vxlan") || !strcmp(type, "geneve") || !strcmp(type, "gre");
}

/* ---- Configuration. ---- */

static bool
parse_key(const char *s, uint64_t max, bool *flow, uint64_t *key)
{
    *flow = !strcmp(s, "flow");
    if (*flow) {
        *key = 0;
        return true;
    }
    return str_to_uint64(s, 0, max, key);
}

int
ofproto_port_set_tunnel(struct ofproto *ofproto, uint32_t ofp_port, const char *type,
                        const char *const *keys, const char *const *values, size_t n,
                        char **errp)
{
    struct tnl_port cfg = { .tos = 0, .ttl = 64, .df = true };
    const char *remote = NULL;
    bool local6 = false;
    uint64_t v;

    cfg.type = !strcmp(type, "vxlan") ? DP_TNL_VXLAN
               : !strcmp(type, "geneve") ? DP_TNL_GENEVE : DP_TNL_GRE;
    uint64_t key_max = cfg.type == DP_TNL_GRE ? UINT32_MAX : 0xffffff;
    cfg.dst_port = cfg.type == DP_TNL_VXLAN ? DP_TNL_VXLAN_PORT
                   : cfg.type == DP_TNL_GENEVE ? DP_TNL_GENEVE_PORT : 0;
    cfg.out_key_present = cfg.type != DP_TNL_GRE;
    /* "key" first, so in_key/out_key override it whatever the order. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            const char *k = keys[i], *val = values[i];
            bool is_key = !strcmp(k, "key");
            if (pass != !is_key) {
                continue;
            }
            bool ok = true;
            if (is_key || !strcmp(k, "in_key") || !strcmp(k, "out_key")) {
                bool fl;
                ok = parse_key(val, key_max, &fl, &v);
                if (ok && (is_key || !strcmp(k, "in_key"))) {
                    cfg.in_key_flow = fl;
                    cfg.in_key = v;
                }
                if (ok && (is_key || !strcmp(k, "out_key"))) {
                    cfg.out_key_flow = fl;
                    cfg.out_key = v;
                    cfg.out_key_present = true;
                }
            } else if (!strcmp(k, "remote_ip")) {
                remote = val;
                struct in_addr a;
                cfg.remote_flow = !strcmp(val, "flow");
                if (!cfg.remote_flow && inet_pton(AF_INET6, val, &cfg.remote6) == 1) {
                    cfg.ipv6 = true;
                } else {
                    ok = cfg.remote_flow || inet_pton(AF_INET, val, &a) == 1;
                    cfg.remote_ip_be = cfg.remote_flow || !ok ? 0 : a.s_addr;
                }
            } else if (!strcmp(k, "local_ip")) {
                struct in_addr a;
                if (inet_pton(AF_INET6, val, &cfg.local6) == 1) {
                    local6 = true;
                } else {
                    ok = inet_pton(AF_INET, val, &a) == 1;
                    cfg.local_ip_be = ok ? a.s_addr : 0;
                }
            } else if (!strcmp(k, "dst_port")) {
                ok = cfg.type != DP_TNL_GRE && str_to_uint64(val, 10, 65535, &v) && v;
                cfg.dst_port = (uint16_t) v;
            } else if (!strcmp(k, "tos")) {
                ok = !strcmp(val, "inherit") || str_to_uint64(val, 0, 255, &v);
                cfg.tos = !strcmp(val, "inherit") ? -1 : (int) v;
            } else if (!strcmp(k, "ttl")) {
                ok = !strcmp(val, "inherit") || (str_to_uint64(val, 10, 255, &v) && v);
                cfg.ttl = !strcmp(val, "inherit") ? -1 : (int) v;
            } else if (!strcmp(k, "df_default") || !strcmp(k, "csum")) {
                ok = !strcmp(val, "true") || !strcmp(val, "false");
                *(!strcmp(k, "csum") ? &cfg.csum : &cfg.df) = !strcmp(val, "true");
            } else {
                continue;           /* Other options (e.g. packet_type) are ignored, as in OVS. */
            }
            if (!ok) {
                *errp = xasprintf("%s port: options:%s=\"%s\" is not valid (see "
                                  "docs/user-guide: tunnel options)", type, k, val);
                return -EINVAL;
            }
        }
    }
    if (!remote) {
        *errp = xasprintf("%s port: options:remote_ip is required (an IPv4 or IPv6 address, or "
                          "\"flow\")", type);
        return -EINVAL;
    }
    if (local6 && cfg.remote_flow) {
        cfg.ipv6 = true;                /* remote_ip=flow with an IPv6 local_ip. */
    }
    if (local6 != cfg.ipv6 && (local6 || cfg.local_ip_be)) {
        *errp = xasprintf("%s port: options:remote_ip and local_ip are of different address "
                          "families", type);
        return -EINVAL;
    }

    /* The vport its packets arrive on: one per type and UDP port. */
    char name[32];
    if (cfg.dst_port) {
        snprintf(name, sizeof name, "%s_sys_%u", type_name(cfg.type), cfg.dst_port);
    } else {
        snprintf(name, sizeof name, "%s_sys", type_name(cfg.type));          /* GRE */
    }
    uint32_t i;
    for (i = 0; i < DP_TNL_MAX_VPORTS; i++) {
        if (vport_aux[i].name && !strcmp(vport_aux[i].name, name)) {
            break;
        }
    }
    if (i == DP_TNL_MAX_VPORTS) {
        for (i = 0; i < DP_TNL_MAX_VPORTS && vport_aux[i].name; i++) {
            continue;
        }
        if (i == DP_TNL_MAX_VPORTS) {
            *errp = xasprintf("%s port: too many tunnel types and UDP ports (at most %d)", type,
                              DP_TNL_MAX_VPORTS);
            return -ENOSPC;
        }
        uint32_t dp_port;
        if (dp_tnl_vport_add(name, cfg.type, &vport_aux[i], &dp_port)
            || dp_port != DP_TNL_PORT_BASE + i) {
            *errp = xasprintf("%s port: cannot create datapath tunnel port %s", type, name);
            return -ENOSPC;
        }
        vport_cfg[i] = cfg;
        vport_aux[i].dp_port = dp_port;
        vport_aux[i].ofp_port = OFPP_ANY;
        /* Published last: translations read the name first (ofproto_tnl_pop_vport()). */
        __atomic_store_n(&vport_aux[i].name, xstrdup(name), __ATOMIC_RELEASE);
        VLOG_INFO("datapath tunnel port %s is port %" PRIu32, name, dp_port);
    }
    cfg.vport = DP_TNL_PORT_BASE + i;

    pthread_mutex_lock(&ofproto_cross_mutex);
    pthread_mutex_lock(&ofproto->mutex);
    struct ofport *port = ofproto_port_find(ofproto, ofp_port);
    if (port) {
        if (!port->tnl) {
            __atomic_store_n(&ofproto->n_cross, ofproto->n_cross + 1, __ATOMIC_RELAXED);
        }
        struct tnl_port *t = xmalloc(sizeof *t);
        *t = cfg;
        ofproto_tnl_port_free(port->tnl);
        port->tnl = t;
        port->stats_id = ofproto_alloc_stats_id();
        dp_netdev_flush_caches(ofproto->dp);
    }
    pthread_mutex_unlock(&ofproto->mutex);
    pthread_mutex_unlock(&ofproto_cross_mutex);
    return port ? 0 : -EINVAL;
}

void
ofproto_tnl_port_free(struct tnl_port *t)
{
    free(t);
}

bool
ofproto_tnl_port_egress(struct ofproto *ofproto, uint32_t ofp_port, char dev[IFNAMSIZ])
{
    const struct ofport *port = ofproto_port_find(ofproto, ofp_port);
    const struct tnl_port *t = port ? port->tnl : NULL;
    struct tnl_route route;

    if (!t || t->remote_flow
        || !(t->ipv6 ? tnl_route_lookup6(&t->remote6, &t->local6, &route)
                     : tnl_route_lookup(t->remote_ip_be, t->local_ip_be, &route))) {
        return false;
    }
    memcpy(dev, route.dev, IFNAMSIZ);
    return true;
}

/* ---- Receive. ---- */

bool
ofproto_tnl_is_vport(const void *port_aux)
{
    const struct ofport *p = port_aux;
    return p >= &vport_aux[0] && p < &vport_aux[DP_TNL_MAX_VPORTS];
}

int
ofproto_tnl_receive(void *port_aux, const struct flow *flow, struct dp_upcall_result *res,
                    bool may_learn)
{
    const struct ofport *vp = port_aux;
    const struct tnl_port *vc = &vport_cfg[vp - vport_aux];
    struct ofport *best = NULL;
    int best_score = -1;
    uint64_t key = be64toh(flow->tun_id_be);

    /* The choice depends on the tunnel metadata. */
    res->wc.tun_id_be = UINT64_MAX;
    res->wc.tun_src_be = UINT32_MAX;
    res->wc.tun_dst_be = UINT32_MAX;
    res->wc.in_port = UINT32_MAX;
    bool v6 = !flow->tun_src_be && !flow->tun_dst_be;   /* Pinned (zero) by the masks above. */
    if (v6) {
        memset(res->wc.tun_ipv6_src, 0xff, 16);
        memset(res->wc.tun_ipv6_dst, 0xff, 16);
    }

    pthread_mutex_lock(&ofproto_cross_mutex);
    struct ofproto *ofproto;
    LIST_FOREACH(ofproto, &all_ofprotos, node) {
        for (size_t i = 0; i < ofproto->n_ports; i++) {
            struct ofport *p = ofproto->ports[i];
            const struct tnl_port *t = p->tnl;
            if (!t || t->type != vc->type || t->dst_port != vc->dst_port || t->ipv6 != v6
                || (!t->in_key_flow && t->in_key != key)) {
                continue;
            }
            bool has_local = v6 ? !IN6_IS_ADDR_UNSPECIFIED(&t->local6) : t->local_ip_be != 0;
            if (v6 ? (!t->remote_flow && memcmp(&t->remote6, flow->tun_ipv6_src, 16))
                     || (has_local && memcmp(&t->local6, flow->tun_ipv6_dst, 16))
                   : (!t->remote_flow && t->remote_ip_be != flow->tun_src_be)
                     || (has_local && t->local_ip_be != flow->tun_dst_be)) {
                continue;
            }
            int score = !t->remote_flow * 4 + has_local * 2 + !t->in_key_flow;
            if (score > best_score) {
                best = p;
                best_score = score;
            }
        }
    }
    if (!best) {
        pthread_mutex_unlock(&ofproto_cross_mutex);
        char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &flow->tun_src_be, s, sizeof s);
        inet_ntop(AF_INET, &flow->tun_dst_be, d, sizeof d);
        VLOG_DBG_RL(&rl, "%s packet %s -> %s key %" PRIu64 ": no tunnel port matches: dropped",
                    vp->name, s, d, key);
        return 0;                   /* Drop (an empty action list). */
    }
    ofproto = best->ofproto;
    bool learned = false;
    ofproto_cross_held = true;
    pthread_mutex_lock(&ofproto->mutex);
    struct flow wc = res->wc;
    int error = ofproto_xlate(ofproto, best, flow, res, may_learn, &learned, NULL);
    flow_wildcards_or(&res->wc, &wc);
    if (learned) {
        dp_netdev_flush_caches(ofproto->dp);
    }
    pthread_mutex_unlock(&ofproto->mutex);
    ofproto_cross_held = false;
    pthread_mutex_unlock(&ofproto_cross_mutex);
    return error;
}

/* ---- Transmit. ---- */

/* The port named NAME in any bridge. Caller holds ofproto_cross_mutex. */
static struct ofport *
port_by_name(const char *name)
{
    struct ofproto *ofproto;
    LIST_FOREACH(ofproto, &all_ofprotos, node) {
        for (size_t i = 0; i < ofproto->n_ports; i++) {
            if (!strcmp(ofproto->ports[i]->name, name)) {
                return ofproto->ports[i];
            }
        }
    }
    return NULL;
}

/* The outer TOS, TTL and key for FLOW on tunnel T (un-wildcarding what they come from). */
static void
tnl_header_fields(const struct tnl_port *t, const struct flow *flow, struct flow *wc,
                  struct dp_tnl_header_cfg *hc)
{
    bool ip = flow->dl_type_be == htons(ETH_TYPE_IP) || flow->dl_type_be == htons(ETH_TYPE_IPV6);
    if (t->tos < 0) {
        wc->nw_tos = 0xff;
        wc->dl_type_be = 0xffff;
        hc->tos = ip ? flow->nw_tos : 0;
    } else {
        hc->tos = (uint8_t) t->tos;
    }
    if (t->ttl < 0) {
        wc->nw_ttl = 0xff;
        wc->dl_type_be = 0xffff;
        hc->ttl = ip && flow->nw_ttl ? flow->nw_ttl : 64;
    } else {
        hc->ttl = (uint8_t) t->ttl;
    }
    if (t->out_key_flow) {
        wc->tun_id_be = UINT64_MAX;
        hc->key = (uint32_t) be64toh(flow->tun_id_be);
    } else {
        hc->key = (uint32_t) t->out_key;
    }
}

/* The next hops of IPv6 neighbour solicitations to send: the userspace action's cookie is an
 * index here (an IPv6 address does not fit in it). */
static pthread_mutex_t nd_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct in6_addr nd_pending[64];
static unsigned nd_next;

/* The part of a push plan both address families share, once HC holds the addresses: the header
 * fields from T and FLOW (un-wildcarding in WC what they consult), the header built and interned,
 * and PLAN's underlay port and outer flow apart from its address family (EtherType and
 * addresses, which the caller fills in). Returns 0, -EINVAL or -ENOSPC with PLAN->desc set. */
static int
tnl_plan_finish(const struct tnl_port *t, const struct flow *flow, struct flow *wc,
                struct dp_tnl_header_cfg *hc, struct ofport *under, struct tnl_push_plan *plan)
{
    tnl_header_fields(t, flow, wc, hc);
    struct dp_tnl_header h;
    if (dp_tnl_header_build(hc, &h)) {
        snprintf(plan->desc, sizeof plan->desc, "cannot build the header");
        return -EINVAL;
    }
    plan->header_id = dp_tnl_header_intern(&h);
    if (plan->header_id == UINT32_MAX) {
        snprintf(plan->desc, sizeof plan->desc, "too many distinct tunnel headers (%d)",
                 DP_TNL_MAX_HEADERS);
        return -ENOSPC;
    }
    plan->underlay = under;

    struct flow *o = &plan->outer;
    memset(o, 0, sizeof *o);
    o->in_port = under->ofp_port;
    o->dl_src = hc->eth_src;
    o->dl_dst = hc->eth_dst;
    o->nw_proto = t->type == DP_TNL_GRE ? 47 : 17;
    o->nw_tos = hc->tos;
    o->nw_ttl = hc->ttl ? hc->ttl : 64;
    if (t->type != DP_TNL_GRE) {
        o->tp_dst_be = htons(t->dst_port);
    }
    return 0;
}

/* ofproto_tnl_plan() for an IPv6 underlay. */
static int
tnl_plan6(const struct ofport *port, const struct flow *flow, struct flow *wc,
          struct tnl_push_plan *plan)
{
    const struct tnl_port *t = port->tnl;
    struct tnl_route route;
    struct in6_addr remote = t->remote6;
    char dst[INET6_ADDRSTRLEN], src[INET6_ADDRSTRLEN];

    if (t->remote_flow) {
        memset(wc->tun_ipv6_dst, 0xff, 16);
        memcpy(&remote, flow->tun_ipv6_dst, 16);
    }
    inet_ntop(AF_INET6, &remote, dst, sizeof dst);
    if (IN6_IS_ADDR_UNSPECIFIED(&remote)) {
        snprintf(plan->desc, sizeof plan->desc, "remote_ip=flow but the flow has no "
                 "tun_ipv6_dst");
        return -EINVAL;
    }
    if (!tnl_route_lookup6(&remote, &t->local6, &route)) {
        snprintf(plan->desc, sizeof plan->desc, "no route to %s (ovs/route/show)", dst);
        return -EHOSTUNREACH;
    }
    struct ofport *under = port_by_name(route.dev);
    if (!under || under->tnl || under->patch_peer) {
        snprintf(plan->desc, sizeof plan->desc, "route to %s is via %s, not a port of a bridge",
                 dst, route.dev);
        return -EHOSTUNREACH;
    }
    struct in6_addr nh = IN6_IS_ADDR_UNSPECIFIED(&route.gw6) ? remote : route.gw6;
    struct eth_addr nh_mac;
    if (!tnl_neigh_lookup6(&nh, &nh_mac)) {
        inet_ntop(AF_INET6, &nh, src, sizeof src);
        snprintf(plan->desc, sizeof plan->desc, "no neighbour entry for %s (tnl/arp/show): "
                 "sending a neighbour solicitation", src);
        pthread_mutex_lock(&nd_mutex);
        unsigned i;
        for (i = 0; i < ARRAY_SIZE(nd_pending); i++) {
            if (!memcmp(&nd_pending[i], &nh, sizeof nh)) {
                break;
            }
        }
        if (i == ARRAY_SIZE(nd_pending)) {
            i = nd_next++ % ARRAY_SIZE(nd_pending);
            nd_pending[i] = nh;
        }
        pthread_mutex_unlock(&nd_mutex);
        plan->arp_nh_be = 0;
        plan->nd_index = (int) i;
        return -EAGAIN;
    }
    struct dp_tnl_header_cfg hc = {
        .type = t->type, .eth_src = route.dev_mac, .eth_dst = nh_mac, .ipv6 = true,
        .df = t->df, .csum = t->csum, .dst_port = t->dst_port, .has_key = t->out_key_present,
    };
    memcpy(hc.ip6_src, IN6_IS_ADDR_UNSPECIFIED(&t->local6) ? &route.src6 : &t->local6, 16);
    memcpy(hc.ip6_dst, &remote, 16);
    int error = tnl_plan_finish(t, flow, wc, &hc, under, plan);
    if (error) {
        return error;
    }
    plan->outer.dl_type_be = htons(ETH_TYPE_IPV6);
    memcpy(plan->outer.ipv6_src, hc.ip6_src, 16);
    memcpy(plan->outer.ipv6_dst, hc.ip6_dst, 16);
    inet_ntop(AF_INET6, hc.ip6_src, src, sizeof src);
    snprintf(plan->desc, sizeof plan->desc, "%s %s -> %s key %" PRIu32 " via %s",
             type_name(t->type), src, dst, hc.key, route.dev);
    return 0;
}

int
ofproto_tnl_plan(const struct ofport *port, const struct flow *flow, struct flow *wc,
                 struct tnl_push_plan *plan)
{
    const struct tnl_port *t = port->tnl;
    struct tnl_route route;
    char dst[INET_ADDRSTRLEN], src[INET_ADDRSTRLEN];

    memset(plan, 0, sizeof *plan);
    if (t->ipv6) {
        return tnl_plan6(port, flow, wc, plan);
    }
    uint32_t remote = t->remote_flow ? flow->tun_dst_be : t->remote_ip_be;
    if (t->remote_flow) {
        wc->tun_dst_be = UINT32_MAX;
    }
    inet_ntop(AF_INET, &remote, dst, sizeof dst);
    if (!remote) {
        snprintf(plan->desc, sizeof plan->desc, "remote_ip=flow but the flow has no tun_dst");
        return -EINVAL;
    }
    if (!tnl_route_lookup(remote, t->local_ip_be, &route)) {
        snprintf(plan->desc, sizeof plan->desc, "no route to %s (ovs/route/show)", dst);
        return -EHOSTUNREACH;
    }
    struct ofport *under = port_by_name(route.dev);
    if (!under || under->tnl || under->patch_peer) {
        snprintf(plan->desc, sizeof plan->desc, "route to %s is via %s, not a port of a bridge",
                 dst, route.dev);
        return -EHOSTUNREACH;
    }
    uint32_t nh = route.gw_be ? route.gw_be : remote;
    struct eth_addr nh_mac;
    if (!tnl_neigh_lookup(nh, &nh_mac)) {
        inet_ntop(AF_INET, &nh, src, sizeof src);
        snprintf(plan->desc, sizeof plan->desc, "no neighbour entry for %s (tnl/arp/show): "
                 "sending an ARP request", src);
        plan->arp_nh_be = nh;
        plan->nd_index = -1;
        return -EAGAIN;
    }

    struct dp_tnl_header_cfg hc = {
        .type = t->type, .eth_src = route.dev_mac, .eth_dst = nh_mac,
        .ip_src_be = t->local_ip_be ? t->local_ip_be : route.src_be, .ip_dst_be = remote,
        .df = t->df, .csum = t->csum, .dst_port = t->dst_port,
        .has_key = t->out_key_present,
    };
    int error = tnl_plan_finish(t, flow, wc, &hc, under, plan);
    if (error) {
        return error;
    }
    plan->outer.dl_type_be = htons(ETH_TYPE_IP);
    plan->outer.nw_src_be = hc.ip_src_be;
    plan->outer.nw_dst_be = hc.ip_dst_be;
    inet_ntop(AF_INET, &hc.ip_src_be, src, sizeof src);
    snprintf(plan->desc, sizeof plan->desc, "%s %s -> %s key %" PRIu32 " via %s",
             type_name(t->type), src, dst, hc.key, route.dev);
    return 0;
}

bool
ofproto_tnl_active(void)
{
    return __atomic_load_n(&vport_aux[0].name, __ATOMIC_ACQUIRE) != NULL;  /* Filled in order. */
}

uint32_t
ofproto_tnl_pop_vport(const struct ofport *local_port, const struct flow *flow, struct flow *wc)
{
    if (!ofproto_tnl_active()) {
        return UINT32_MAX;          /* No tunnels configured: nothing to check (or pin). */
    }
    wc->dl_type_be = 0xffff;
    bool v6 = flow->dl_type_be == htons(ETH_TYPE_IPV6);
    if (flow->dl_type_be != htons(ETH_TYPE_IP) && !v6) {
        return UINT32_MAX;
    }
    wc->nw_proto = 0xff;
    wc->nw_frag = 0xff;
    if (v6) {
        memset(wc->ipv6_dst, 0xff, sizeof wc->ipv6_dst);
    } else {
        wc->nw_dst_be = UINT32_MAX;
    }
    if (flow->nw_frag || (flow->nw_proto != 17 && flow->nw_proto != 47)) {
        return UINT32_MAX;
    }
    if (flow->nw_proto == 17) {
        wc->tp_dst_be = 0xffff;
    }
    for (uint32_t i = 0; i < DP_TNL_MAX_VPORTS; i++) {
        const struct tnl_port *c = &vport_cfg[i];
        if (!__atomic_load_n(&vport_aux[i].name, __ATOMIC_ACQUIRE)) {
            continue;
        }
        bool match = flow->nw_proto == 47 ? c->type == DP_TNL_GRE
                     : c->type != DP_TNL_GRE && flow->tp_dst_be == htons(c->dst_port);
        if (match && (v6 ? tnl_addr_is_local6(local_port->name,
                                              (const struct in6_addr *) flow->ipv6_dst)
                         : tnl_addr_is_local(local_port->name, flow->nw_dst_be))) {
            return DP_TNL_PORT_BASE + i;
        }
    }
    return UINT32_MAX;
}

/* ---- ARP requests for next hops. ---- */

void
ofproto_tnl_send_arp(uint32_t nh_be)
{
    static struct {
        uint32_t ip;
        long long at;
    } recent[64];
    long long now = time_msec();
    struct tnl_route route;

    for (size_t i = 0; i < ARRAY_SIZE(recent); i++) {
        if (recent[i].ip == nh_be && now - recent[i].at < 250) {
            return;                 /* Asked within the last 250 ms. */
        }
    }
    size_t slot = 0;
    for (size_t i = 1; i < ARRAY_SIZE(recent); i++) {
        if (recent[i].at < recent[slot].at) {
            slot = i;
        }
    }
    recent[slot].ip = nh_be;
    recent[slot].at = now;

    if (!tnl_route_lookup(nh_be, 0, &route)) {
        return;
    }
    pthread_mutex_lock(&ofproto_cross_mutex);
    struct ofport *p = port_by_name(route.dev);
    struct ofproto *ofproto = p ? p->ofproto : NULL;
    uint32_t in_port = p ? p->ofp_port : 0;
    pthread_mutex_unlock(&ofproto_cross_mutex);
    if (!ofproto) {
        return;
    }
    /* RFC 826 request: who has NH? tell SRC. */
    uint8_t pkt[42];
    memset(pkt, 0xff, 6);
    memcpy(pkt + 6, route.dev_mac.ea, 6);
    pkt[12] = 0x08, pkt[13] = 0x06;
    pkt[14] = 0, pkt[15] = 1, pkt[16] = 0x08, pkt[17] = 0, pkt[18] = 6, pkt[19] = 4;
    pkt[20] = 0, pkt[21] = 1;
    memcpy(pkt + 22, route.dev_mac.ea, 6);
    memcpy(pkt + 28, &route.src_be, 4);
    memset(pkt + 32, 0, 6);
    memcpy(pkt + 38, &nh_be, 4);
    struct ofpacts acts;
    struct ofperr err;
    ofpacts_init(&acts);
    ofpacts_add_output(&acts, OFPP_NORMAL, 0);
    ofproto_packet_out(ofproto, pkt, sizeof pkt, in_port, &acts, &err);
    ofpacts_destroy(&acts);
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &nh_be, ip, sizeof ip);
    VLOG_DBG("bridge %s: sent an ARP request for %s (tunnel next hop)", ofproto->name, ip);
}

/* Sends an IPv6 neighbour solicitation (RFC 4861 §4.3) for pending next hop number INDEX. */
void
ofproto_tnl_send_nd(unsigned index)
{
    static long long sent_at[ARRAY_SIZE(nd_pending)];
    struct in6_addr nh;
    struct tnl_route route;
    long long now = time_msec();

    index %= ARRAY_SIZE(nd_pending);
    if (now - sent_at[index] < 250) {
        return;                     /* Asked within the last 250 ms. */
    }
    sent_at[index] = now;
    pthread_mutex_lock(&nd_mutex);
    nh = nd_pending[index];
    pthread_mutex_unlock(&nd_mutex);
    if (IN6_IS_ADDR_UNSPECIFIED(&nh) || !tnl_route_lookup6(&nh, NULL, &route)) {
        return;
    }
    pthread_mutex_lock(&ofproto_cross_mutex);
    struct ofport *p = port_by_name(route.dev);
    struct ofproto *ofproto = p ? p->ofproto : NULL;
    uint32_t in_port = p ? p->ofp_port : 0;
    pthread_mutex_unlock(&ofproto_cross_mutex);
    if (!ofproto) {
        return;
    }
    uint8_t pkt[14 + 40 + 32];
    uint8_t *ip6 = pkt + 14, *icmp = ip6 + 40;
    memset(pkt, 0, sizeof pkt);
    pkt[0] = 0x33, pkt[1] = 0x33, pkt[2] = 0xff;    /* Solicited-node multicast MAC. */
    memcpy(pkt + 3, &nh.s6_addr[13], 3);
    memcpy(pkt + 6, route.dev_mac.ea, 6);
    pkt[12] = 0x86, pkt[13] = 0xdd;
    ip6[0] = 0x60;
    ip6[5] = 32;                                    /* Payload length. */
    ip6[6] = 58;                                    /* ICMPv6. */
    ip6[7] = 255;                                   /* Hop limit (RFC 4861 §7.1.1). */
    memcpy(ip6 + 8, &route.src6, 16);
    static const uint8_t snm[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };
    memcpy(ip6 + 24, snm, 13);
    memcpy(ip6 + 37, &nh.s6_addr[13], 3);
    icmp[0] = 135;
    memcpy(icmp + 8, &nh, 16);
    icmp[24] = 1;                                   /* Source link-layer address option. */
    icmp[25] = 1;
    memcpy(icmp + 26, route.dev_mac.ea, 6);
    uint16_t c = rte_ipv6_udptcp_cksum((const struct rte_ipv6_hdr *) ip6, icmp);
    memcpy(icmp + 2, &c, 2);
    struct ofpacts acts;
    struct ofperr err;
    ofpacts_init(&acts);
    ofpacts_add_output(&acts, OFPP_NORMAL, 0);
    ofproto_packet_out(ofproto, pkt, sizeof pkt, in_port, &acts, &err);
    ofpacts_destroy(&acts);
}

/* ---- Life cycle. ---- */

static void
routes_changed(void)
{
    if (tnl_dp) {
        dp_netdev_flush_caches(tnl_dp);
    }
}

void
ofproto_tnl_init(struct dp_netdev *dp)
{
    tnl_dp = dp;
    tnl_route_init(routes_changed);
}

void
ofproto_tnl_run(void)
{
    tnl_route_run();
}
