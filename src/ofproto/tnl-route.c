/* tnl-route — underlay routes and neighbours for userspace tunnels. See tnl-route.h. */
#include "ofproto/tnl-route.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/if_packet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

#include "lib/unixctl.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(tnl_route);

#define MAX_ROUTES 256
#define MAX_NEIGHS 1024
#define NEIGH_EXPIRE_MSEC (15 * 60 * 1000)
#define ADDR_REFRESH_MSEC 1000

/* Addresses are IPv6; IPv4 ones are IPv4-mapped (::ffff:a.b.c.d, prefix length + 96). */
struct route {
    struct in6_addr dst;         /* Prefix (masked). */
    int plen;                    /* 0-128. */
    struct in6_addr gw;          /* :: = on-link. */
    struct in6_addr src;         /* :: = none. */
    bool user;                   /* ovs/route/add; else cached from an address. */
    bool local;                  /* The /32 of a local address. */
    char dev[IFNAMSIZ];
};

struct neigh {
    struct in6_addr ip;
    struct eth_addr mac;
    char bridge[IFNAMSIZ + 16];
    long long expires;           /* msec; LLONG_MAX for static entries. */
};

static pthread_mutex_t route_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct route routes[MAX_ROUTES];      /* Under route_mutex. */
static size_t n_routes;
static struct {                              /* Device MACs, under route_mutex. */
    char name[IFNAMSIZ];
    struct eth_addr mac;
} dev_macs[64];
static size_t n_dev_macs;

static pthread_mutex_t neigh_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct neigh neighs[MAX_NEIGHS];      /* Under neigh_mutex. */
static size_t n_neighs;

static char **devices;                       /* Main thread only. */
static size_t n_devices;
static long long next_refresh;
static void (*changed)(void);

static const struct in6_addr any6;

static struct in6_addr
mapped(uint32_t ip_be)
{
    struct in6_addr a = { .s6_addr = { [10] = 0xff, [11] = 0xff } };
    memcpy(&a.s6_addr[12], &ip_be, 4);
    return a;
}

static bool
is_mapped(const struct in6_addr *a)
{
    static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };
    return !memcmp(a->s6_addr, prefix, 12);
}

static uint32_t
unmapped(const struct in6_addr *a)
{
    uint32_t ip;
    memcpy(&ip, &a->s6_addr[12], 4);
    return ip;
}

static bool
addr_eq(const struct in6_addr *a, const struct in6_addr *b)
{
    return !memcmp(a, b, sizeof *a);
}

static struct in6_addr
masked(const struct in6_addr *a, int plen)
{
    struct in6_addr m = *a;
    for (int i = 0; i < 16; i++) {
        int bits = plen - 8 * i;
        m.s6_addr[i] &= bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t) (0xff << (8 - bits));
    }
    return m;
}

/* "a.b.c.d" or an IPv6 address, as in6_addr (IPv4-mapped for IPv4). */
static bool
parse_addr(const char *s, struct in6_addr *a)
{
    struct in_addr v4;
    if (inet_pton(AF_INET, s, &v4) == 1) {
        *a = mapped(v4.s_addr);
        return true;
    }
    return inet_pton(AF_INET6, s, a) == 1;
}

static void
format_addr(const struct in6_addr *a, char *buf, size_t size)
{
    if (is_mapped(a)) {
        inet_ntop(AF_INET, &a->s6_addr[12], buf, size);
    } else {
        inet_ntop(AF_INET6, a, buf, size);
    }
}

/* ---- Routes. ---- */

void
tnl_route_set_devices(const char *const *names, size_t n)
{
    for (size_t i = 0; i < n_devices; i++) {
        free(devices[i]);
    }
    free(devices);
    devices = xcalloc(n + 1, sizeof *devices);
    for (size_t i = 0; i < n; i++) {
        devices[i] = xstrdup(names[i]);
    }
    n_devices = n;
    next_refresh = 0;
    tnl_route_run();
}

static bool
is_device(const char *name)
{
    for (size_t i = 0; i < n_devices; i++) {
        if (!strcmp(devices[i], name)) {
            return true;
        }
    }
    return false;
}

void
tnl_route_run(void)
{
    long long now = time_msec();
    struct ifaddrs *ifa_list = NULL;
    struct route fresh[MAX_ROUTES];
    size_t n = 0;

    if (now < next_refresh) {
        return;
    }
    next_refresh = now + ADDR_REFRESH_MSEC;
    if (getifaddrs(&ifa_list)) {
        return;
    }
    pthread_mutex_lock(&route_mutex);
    for (size_t i = 0; i < n_routes; i++) {
        if (routes[i].user) {
            fresh[n++] = routes[i];
        }
    }
    n_dev_macs = 0;
    for (struct ifaddrs *ifa = ifa_list; ifa; ifa = ifa->ifa_next) {
        if (!ifa->ifa_addr || !is_device(ifa->ifa_name)) {
            continue;
        }
        if (ifa->ifa_addr->sa_family == AF_PACKET && n_dev_macs < ARRAY_SIZE(dev_macs)) {
            const struct sockaddr_ll *ll = (const struct sockaddr_ll *) ifa->ifa_addr;
            strlcpy(dev_macs[n_dev_macs].name, ifa->ifa_name, IFNAMSIZ);
            memcpy(dev_macs[n_dev_macs].mac.ea, ll->sll_addr, 6);
            n_dev_macs++;
        } else if ((ifa->ifa_addr->sa_family == AF_INET || ifa->ifa_addr->sa_family == AF_INET6)
                   && ifa->ifa_netmask && n + 2 <= MAX_ROUTES) {
            struct in6_addr addr, mask;
            if (ifa->ifa_addr->sa_family == AF_INET) {
                addr = mapped(((const struct sockaddr_in *) ifa->ifa_addr)->sin_addr.s_addr);
                mask = mapped(((const struct sockaddr_in *) ifa->ifa_netmask)->sin_addr.s_addr);
                memset(mask.s6_addr, 0xff, 12);
            } else {
                addr = ((const struct sockaddr_in6 *) ifa->ifa_addr)->sin6_addr;
                mask = ((const struct sockaddr_in6 *) ifa->ifa_netmask)->sin6_addr;
                if (IN6_IS_ADDR_LINKLOCAL(&addr)) {
                    continue;           /* Tunnels use global addresses. */
                }
            }
            int plen = 0;
            for (int b = 0; b < 16; b++) {
                plen += __builtin_popcount(mask.s6_addr[b]);
            }
            struct route r = { .dst = addr, .plen = 128, .src = addr, .local = true };
            strlcpy(r.dev, ifa->ifa_name, sizeof r.dev);
            fresh[n++] = r;
            r.dst = masked(&addr, plen);
            r.plen = plen;
            r.local = false;
            fresh[n++] = r;
        }
    }
    freeifaddrs(ifa_list);
    bool moved = n != n_routes || memcmp(fresh, routes, n * sizeof *routes);
    memcpy(routes, fresh, n * sizeof *routes);
    n_routes = n;
    pthread_mutex_unlock(&route_mutex);
    if (moved && changed) {
        changed();
    }
}

static bool
dev_mac(const char *dev, struct eth_addr *mac)
{
    for (size_t i = 0; i < n_dev_macs; i++) {
        if (!strcmp(dev_macs[i].name, dev)) {
            *mac = dev_macs[i].mac;
            return true;
        }
    }
    return false;
}

bool
tnl_route_lookup6(const struct in6_addr *dst, const struct in6_addr *pref_src,
                  struct tnl_route *out)
{
    const struct route *best = NULL;
    bool pref = pref_src && !addr_eq(pref_src, &any6);
    bool v4 = is_mapped(dst);

    pthread_mutex_lock(&route_mutex);
    for (size_t i = 0; i < n_routes; i++) {
        const struct route *r = &routes[i];
        struct in6_addr m = masked(dst, r->plen);
        if (!addr_eq(&m, &r->dst) || is_mapped(&r->dst) != v4
            || (pref && !addr_eq(&r->src, &any6) && !addr_eq(&r->src, pref_src))) {
            continue;
        }
        if (!best || r->plen > best->plen || (r->plen == best->plen && r->user && !best->user)) {
            best = r;
        }
    }
    bool found = best != NULL;
    if (found) {
        memset(out, 0, sizeof *out);
        strlcpy(out->dev, best->dev, sizeof out->dev);
        out->gw6 = best->gw;
        out->src6 = !addr_eq(&best->src, &any6) ? best->src : pref ? *pref_src : any6;
        if (addr_eq(&out->src6, &any6)) {
            /* A user route without a source: the device's first address of that family. */
            for (size_t i = 0; i < n_routes; i++) {
                if (routes[i].local && !strcmp(routes[i].dev, best->dev)
                    && is_mapped(&routes[i].src) == v4) {
                    out->src6 = routes[i].src;
                    break;
                }
            }
        }
        if (v4) {
            out->gw_be = unmapped(&out->gw6);
            out->src_be = unmapped(&out->src6);
        }
        if (!dev_mac(best->dev, &out->dev_mac)) {
            found = false;          /* Not an internal port of ours (yet). */
        }
    }
    pthread_mutex_unlock(&route_mutex);
    return found;
}

bool
tnl_route_lookup(uint32_t dst_be, uint32_t pref_src_be, struct tnl_route *out)
{
    struct in6_addr dst = mapped(dst_be), src = mapped(pref_src_be);
    return tnl_route_lookup6(&dst, pref_src_be ? &src : NULL, out);
}

bool
tnl_addr_is_local6(const char *dev, const struct in6_addr *ip)
{
    bool local = false;

    pthread_mutex_lock(&route_mutex);
    for (size_t i = 0; i < n_routes && !local; i++) {
        local = routes[i].local && addr_eq(&routes[i].dst, ip) && !strcmp(routes[i].dev, dev);
    }
    pthread_mutex_unlock(&route_mutex);
    return local;
}

bool
tnl_addr_is_local(const char *dev, uint32_t ip_be)
{
    struct in6_addr a = mapped(ip_be);
    return tnl_addr_is_local6(dev, &a);
}

/* Parses "A.B.C.D/N" or "IPV6/N" (N defaults to the full length) into a masked prefix. */
static bool
parse_prefix(const char *s, struct in6_addr *prefix, int *plen)
{
    char buf[64];
    char *slash;
    long v = -1;

    strlcpy(buf, s, sizeof buf);
    slash = strchr(buf, '/');
    if (slash) {
        char *end;
        v = strtol(slash + 1, &end, 10);
        if (*end || v < 0 || end == slash + 1) {
            return false;
        }
        *slash = '\0';
    }
    if (!parse_addr(buf, prefix)) {
        return false;
    }
    int max = is_mapped(prefix) ? 32 : 128;
    if (v > max) {
        return false;
    }
    *plen = (v < 0 ? max : (int) v) + (max == 32 ? 96 : 0);
    *prefix = masked(prefix, *plen);
    return true;
}

static void
route_add(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct route r = { .user = true };

    if (!parse_prefix(argv[1], &r.dst, &r.plen)) {
        unixctl_command_reply_error(conn, "ovs/route/add: expected IP/PLEN (e.g. 10.0.0.0/24 "
                                    "or fd00::/64)");
        return;
    }
    if (strlen(argv[2]) >= IFNAMSIZ) {
        unixctl_command_reply_error(conn, "ovs/route/add: device name too long");
        return;
    }
    strlcpy(r.dev, argv[2], sizeof r.dev);
    if (argc > 3 && (!parse_addr(argv[3], &r.gw) || is_mapped(&r.gw) != is_mapped(&r.dst))) {
        unixctl_command_reply_error(conn, "ovs/route/add: bad gateway address (an address of "
                                    "the prefix's family)");
        return;
    }
    pthread_mutex_lock(&route_mutex);
    size_t i;
    for (i = 0; i < n_routes; i++) {
        if (routes[i].user && addr_eq(&routes[i].dst, &r.dst) && routes[i].plen == r.plen) {
            break;
        }
    }
    if (i == n_routes && n_routes == MAX_ROUTES) {
        pthread_mutex_unlock(&route_mutex);
        unixctl_command_reply_error(conn, "ovs/route/add: the route table is full");
        return;
    }
    routes[i] = r;
    n_routes += i == n_routes;
    pthread_mutex_unlock(&route_mutex);
    if (changed) {
        changed();
    }
    unixctl_command_reply(conn, "OK");
}

static void
route_del(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct in6_addr dst;
    int plen;
    bool found = false;

    if (!parse_prefix(argv[1], &dst, &plen)) {
        unixctl_command_reply_error(conn, "ovs/route/del: expected IP/PLEN (e.g. 10.0.0.0/24)");
        return;
    }
    pthread_mutex_lock(&route_mutex);
    for (size_t i = 0; i < n_routes; i++) {
        if (routes[i].user && addr_eq(&routes[i].dst, &dst) && routes[i].plen == plen) {
            routes[i] = routes[--n_routes];
            found = true;
            break;
        }
    }
    pthread_mutex_unlock(&route_mutex);
    if (!found) {
        unixctl_command_reply_error(conn, "ovs/route/del: no such user route (cached routes "
                                    "follow the internal ports' addresses)");
        return;
    }
    if (changed) {
        changed();
    }
    unixctl_command_reply(conn, "OK");
}

static void
route_show(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    char a[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN];

    ds_put_cstr(&ds, "Route Table:\n");
    pthread_mutex_lock(&route_mutex);
    for (size_t i = 0; i < n_routes; i++) {
        const struct route *r = &routes[i];
        format_addr(&r->dst, a, sizeof a);
        format_addr(&r->gw, g, sizeof g);
        format_addr(&r->src, s, sizeof s);
        ds_put_format(&ds, "%s: %s/%d dev %s", r->user ? "User" : "Cached", a,
                      r->plen - (is_mapped(&r->dst) ? 96 : 0), r->dev);
        if (!addr_eq(&r->gw, &any6) && !(is_mapped(&r->gw) && !unmapped(&r->gw))) {
            ds_put_format(&ds, " GW %s", g);
        }
        if (!addr_eq(&r->src, &any6)) {
            ds_put_format(&ds, " SRC %s", s);
        }
        ds_put_cstr(&ds, r->local ? " local\n" : "\n");
    }
    pthread_mutex_unlock(&route_mutex);
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

/* ---- Neighbours. ---- */

static bool
is_zero_mac(const struct eth_addr *m)
{
    return !(m->ea[0] | m->ea[1] | m->ea[2] | m->ea[3] | m->ea[4] | m->ea[5]);
}

bool
tnl_neigh_lookup(uint32_t ip_be, struct eth_addr *mac)
{
    struct in6_addr ip = mapped(ip_be);
    return tnl_neigh_lookup6(&ip, mac);
}

bool
tnl_neigh_lookup6(const struct in6_addr *ip, struct eth_addr *mac)
{
    long long now = time_msec();
    bool found = false;

    pthread_mutex_lock(&neigh_mutex);
    for (size_t i = 0; i < n_neighs; i++) {
        if (addr_eq(&neighs[i].ip, ip) && neighs[i].expires > now) {
            *mac = neighs[i].mac;
            found = true;
            break;
        }
    }
    pthread_mutex_unlock(&neigh_mutex);
    return found;
}

/* Inserts or refreshes IP -> MAC. Returns true if the mapping is new or changed. */
static bool
neigh_insert(const char *bridge, const struct in6_addr *ip, const struct eth_addr *mac,
             long long expires)
{
    long long now = time_msec();
    bool changed_ = true;
    size_t i;

    pthread_mutex_lock(&neigh_mutex);
    for (i = 0; i < n_neighs; i++) {
        if (addr_eq(&neighs[i].ip, ip)) {
            changed_ = memcmp(&neighs[i].mac, mac, sizeof *mac) || neighs[i].expires <= now;
            break;
        }
    }
    if (i == n_neighs) {
        if (n_neighs == MAX_NEIGHS) {
            /* Full: reuse the entry closest to expiry. */
            i = 0;
            for (size_t k = 1; k < n_neighs; k++) {
                if (neighs[k].expires < neighs[i].expires) {
                    i = k;
                }
            }
        } else {
            n_neighs++;
        }
    }
    neighs[i].ip = *ip;
    neighs[i].mac = *mac;
    strlcpy(neighs[i].bridge, bridge, sizeof neighs[i].bridge);
    if (neighs[i].expires != LLONG_MAX || expires == LLONG_MAX) {
        neighs[i].expires = expires;
    }
    pthread_mutex_unlock(&neigh_mutex);
    return changed_;
}

bool
tnl_neigh_snoop(const char *bridge, const struct flow *flow)
{
    struct in6_addr ip;
    const struct eth_addr *mac;

    if (flow->dl_type_be == htons(0x0806)) {
        if (!flow->nw_src_be || (flow->nw_proto != 1 && flow->nw_proto != 2)) {
            return false;
        }
        ip = mapped(flow->nw_src_be);
        mac = &flow->arp_sha;
    } else if (flow->dl_type_be == htons(0x86dd) && flow->nw_proto == 58
               && flow->tp_src_be == htons(136)) {
        memcpy(&ip, flow->nd_target, 16);           /* Neighbour advertisement: TLL. */
        mac = &flow->arp_tha;
    } else if (flow->dl_type_be == htons(0x86dd) && flow->nw_proto == 58
               && flow->tp_src_be == htons(135)) {
        memcpy(&ip, flow->ipv6_src, 16);            /* Neighbour solicitation: SLL. */
        mac = &flow->arp_sha;
    } else {
        return false;
    }
    struct tnl_route route;
    if (addr_eq(&ip, &any6) || is_zero_mac(mac) || (mac->ea[0] & 1)
        || !tnl_route_lookup6(&ip, NULL, &route)        /* Only possible next hops. */
        || !neigh_insert(bridge, &ip, mac, time_msec() + NEIGH_EXPIRE_MSEC)) {
        return false;
    }
    char ipbuf[INET6_ADDRSTRLEN];
    format_addr(&ip, ipbuf, sizeof ipbuf);
    VLOG_DBG("bridge %s: learned that %s is at %02x:%02x:%02x:%02x:%02x:%02x", bridge, ipbuf,
             mac->ea[0], mac->ea[1], mac->ea[2], mac->ea[3], mac->ea[4], mac->ea[5]);
    return true;
}

static void
neigh_show(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    long long now = time_msec();
    char ip[INET6_ADDRSTRLEN];

    ds_put_format(&ds, "%-45s %-19s %s\n", "IP", "MAC", "Bridge");
    ds_put_cstr(&ds, "==========================================================================="
                     "===============\n");
    pthread_mutex_lock(&neigh_mutex);
    for (size_t i = 0; i < n_neighs; i++) {
        const struct neigh *n = &neighs[i];
        if (n->expires <= now) {
            continue;
        }
        format_addr(&n->ip, ip, sizeof ip);
        ds_put_format(&ds, "%-45s %02x:%02x:%02x:%02x:%02x:%02x   %s%s\n", ip, n->mac.ea[0],
                      n->mac.ea[1], n->mac.ea[2], n->mac.ea[3], n->mac.ea[4], n->mac.ea[5],
                      n->bridge, n->expires == LLONG_MAX ? " (static)" : "");
    }
    pthread_mutex_unlock(&neigh_mutex);
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

static void
neigh_set(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct in6_addr ip;
    unsigned int b[6];
    struct eth_addr mac;
    char extra;

    if (!parse_addr(argv[2], &ip)) {
        unixctl_command_reply_error(conn, "tnl/arp/set: bad IP address (IPv4 or IPv6)");
        return;
    }
    if (sscanf(argv[3], "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
               &extra) != 6) {
        unixctl_command_reply_error(conn, "tnl/arp/set: bad MAC address (xx:xx:xx:xx:xx:xx)");
        return;
    }
    for (int i = 0; i < 6; i++) {
        mac.ea[i] = (uint8_t) b[i];
    }
    neigh_insert(argv[1], &ip, &mac, LLONG_MAX);
    if (changed) {
        changed();
    }
    unixctl_command_reply(conn, "OK");
}

static void
neigh_flush(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    pthread_mutex_lock(&neigh_mutex);
    n_neighs = 0;
    pthread_mutex_unlock(&neigh_mutex);
    if (changed) {
        changed();
    }
    unixctl_command_reply(conn, "OK");
}

void
tnl_route_init(void (*changed_cb)(void))
{
    changed = changed_cb;
    unixctl_command_register("ovs/route/add", "IP/PLEN DEV [GW]", 2, 3, route_add, NULL);
    unixctl_command_register("ovs/route/del", "IP/PLEN", 1, 1, route_del, NULL);
    unixctl_command_register("ovs/route/show", "", 0, 0, route_show, NULL);
    unixctl_command_register("tnl/arp/show", "", 0, 0, neigh_show, NULL);
    unixctl_command_register("tnl/arp/set", "BRIDGE IP MAC", 3, 3, neigh_set, NULL);
    unixctl_command_register("tnl/arp/flush", "", 0, 0, neigh_flush, NULL);
}
