/* bridge — database-driven configuration of the switch. See bridge.h. */
#include "vswitchd/bridge.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sys/queue.h>

#include "lib/coverage.h"
#include "lib/ovsdb-idl.h"
#include "lib/poll-loop.h"
#include "lib/unixctl.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofproto/connmgr.h"
#include "ofproto/ofproto.h"
#include "ofproto/ofproto-patch.h"
#include "ofproto/ofproto-tnl.h"
#include "ofproto/tnl-route.h"
#include "pmd/dpif-netdev.h"
#include "pmd/netdev-dpdk.h"
#include "pmd/netdev-vhost.h"
#include "uvs-config.h"

VLOG_DEFINE_THIS_MODULE(bridge);

#define DEFAULT_STATS_INTERVAL 5000

struct iface {
    LIST_ENTRY(iface) node;
    struct bridge *br;
    char *name;
    char *uuid;                  /* Interface row. */
    char *type;
    char *devargs;               /* options:dpdk-devargs, or NULL. */
    char *vopts;                 /* Patch and tunnel ports: the options that define them
                                    (vport_options()); a change reopens the port. */
    int64_t ofport_request;      /* 0 = none. */
    int64_t ofport_db;           /* Interface.ofport when first seen (a restart keeps it), or 0. */
    bool ok;                     /* Open and forwarding. */
    char *error;                 /* Why not, when !ok. */
    uint32_t ofp_port;
    uint32_t dp_port;
    bool seen;                   /* Mark for reconfiguration. */
    int64_t mtu_applied;         /* The mtu_request last applied (0: none). */
    char *mac_applied;           /* The Interface mac last applied (internal ports), or NULL. */
};

struct bridge {
    LIST_ENTRY(bridge) node;
    char *name;
    char *uuid;
    struct ofproto *ofproto;
    uint64_t dpid;
    struct eth_addr mac;
    LIST_HEAD(, iface) ifaces;
    bool seen;
};

static LIST_HEAD(, bridge) all_bridges = LIST_HEAD_INITIALIZER(all_bridges);
static struct ovsdb_idl *idl;
static struct dp_netdev *dp;
static unsigned int last_seqno;
static bool need_reconfigure = true;
static long long next_stats_update;
static bool status_txn_in_flight;
static bool status_dirty;
static long long status_retry_at;   /* After a failed status write: not before this time. */
/* other_config:flow-restore-wait: while true, nothing is forwarded (upcalls are refused, cached
 * flows are dropped) so that a controller can restore flows first (seed 002). Read by PMDs. */
static bool flow_restore_wait;

/* ---- Helpers over the replica. ---- */

static bool
column_exists(const char *table, const char *column)
{
    const json_t *schema = ovsdb_idl_get_schema(idl);
    const json_t *t = schema ? json_object_get(json_object_get(schema, "tables"), table) : NULL;
    return t && json_object_get(json_object_get(t, "columns"), column);
}

static const char *
row_string(const json_t *row, const char *column)
{
    const json_t *d = row ? json_object_get(row, column) : NULL;
    return d ? ovsdb_datum_string(d) : NULL;
}

static const char *
other_config(const json_t *ovs_row, const char *key)
{
    const json_t *d = ovs_row ? json_object_get(ovs_row, "other_config") : NULL;
    return d ? ovsdb_datum_map_get_string(d, key) : NULL;
}

/* ---- Interfaces. ---- */

static void
iface_destroy(struct iface *iface)
{
    struct bridge *br = iface->br;

    if (iface->ok) {
        dp_netdev_port_del(dp, iface->dp_port);
        ofproto_port_del(br->ofproto, iface->ofp_port);
        VLOG_INFO("bridge %s: deleted interface %s on port %" PRIu32, br->name, iface->name,
                  iface->ofp_port);
    }
    LIST_REMOVE(iface, node);
    free(iface->name);
    free(iface->uuid);
    free(iface->type);
    free(iface->devargs);
    free(iface->vopts);
    free(iface->error);
    free(iface->mac_applied);
    free(iface);
    status_dirty = true;
}

static struct iface *
iface_find(struct bridge *br, const char *name)
{
    struct iface *iface;
    LIST_FOREACH(iface, &br->ifaces, node) {
        if (!strcmp(iface->name, name)) {
            return iface;
        }
    }
    return NULL;
}

static bool
streq_null(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* ---- Ports without a device: patch and tunnels (ofproto-patch.h, ofproto-tnl.h). ---- */

static bool
iface_is_virtual(const struct iface *iface)
{
    return !strcmp(iface->type, "patch") || ofproto_tnl_is_type(iface->type);
}

/* The options that define a patch or tunnel port, as one string (compared to notice a change),
 * or NULL for other types. */
static char *
vport_options(const char *type, const json_t *opts)
{
    if (!strcmp(type, "patch")) {
        const char *peer = opts ? ovsdb_datum_map_get_string(opts, "peer") : NULL;
        return xstrdup(peer ? peer : "");
    }
    if (ofproto_tnl_is_type(type)) {
        /* "key=value\n" for each option, in the database's (sorted) order. */
        const json_t *pairs = opts ? json_array_get(opts, 1) : NULL;
        struct ds ds = DS_EMPTY_INITIALIZER;
        for (size_t i = 0; pairs && i < json_array_size(pairs); i++) {
            const json_t *kv = json_array_get(pairs, i);
            const char *k = json_string_value(json_array_get(kv, 0));
            const char *v = json_string_value(json_array_get(kv, 1));
            if (k && v) {
                ds_put_format(&ds, "%s=%s\n", k, v);
            }
        }
        char *str = xstrdup(ds_cstr(&ds));
        ds_destroy(&ds);
        return str;
    }
    return NULL;
}

static int
vport_open(struct bridge *br, struct iface *iface, uint32_t ofp_port, char **errp)
{
    if (!strcmp(iface->type, "patch")) {
        if (!iface->vopts || !*iface->vopts) {
            *errp = xasprintf("patch port %s: options:peer is missing (the name of the patch "
                              "port to join)", iface->name);
            return -EINVAL;
        }
        return ofproto_port_set_patch(br->ofproto, ofp_port, iface->vopts);
    }
    if (ofproto_tnl_is_type(iface->type)) {
        const char *keys[64], *values[64];
        size_t n = 0;
        char *copy = xstrdup(iface->vopts ? iface->vopts : ""), *save = NULL;
        for (char *line = strtok_r(copy, "\n", &save); line && n < ARRAY_SIZE(keys);
             line = strtok_r(NULL, "\n", &save)) {
            char *eq = strchr(line, '=');
            if (eq) {
                *eq = '\0';
                keys[n] = line;
                values[n++] = eq + 1;
            }
        }
        int error = ofproto_port_set_tunnel(br->ofproto, ofp_port, iface->type, keys, values, n,
                                            errp);
        if (error && *errp) {
            char *e = xasprintf("port %s: %s", iface->name, *errp);
            free(*errp);
            *errp = e;
        }
        free(copy);
        return error;
    }
    *errp = xasprintf("port %s: unknown type %s", iface->name, iface->type);
    return -EINVAL;
}

/* Links patch ports with their peers across all bridges and records why unlinked ones are down
 * (Interface.error). */
static void
bridge_link_vports(void)
{
    struct bridge *br;

    ofproto_patch_relink();
    /* Tunnels route through the internal ports' addresses (ofproto-tnl.h). */
    size_t n_internal = 0, n_alloc = 0;
    const char **internal = NULL;
    LIST_FOREACH(br, &all_bridges, node) {
        struct iface *iface;
        LIST_FOREACH(iface, &br->ifaces, node) {
            if (iface->ok && !strcmp(iface->type, "internal")) {
                if (n_internal == n_alloc) {
                    n_alloc = n_alloc ? 2 * n_alloc : 8;
                    internal = xrealloc(internal, n_alloc * sizeof *internal);
                }
                internal[n_internal++] = iface->name;
            }
        }
    }
    tnl_route_set_devices(internal, n_internal);
    free(internal);
    LIST_FOREACH(br, &all_bridges, node) {
        struct iface *iface;
        LIST_FOREACH(iface, &br->ifaces, node) {
            if (iface->ok && iface_is_virtual(iface)) {
                char *err = ofproto_port_patch_error(br->ofproto, iface->ofp_port);
                if (!streq_null(err, iface->error)) {
                    status_dirty = true;
                    if (err) {
                        VLOG_WARN("bridge %s: %s", br->name, err);
                    }
                }
                free(iface->error);
                iface->error = err;
            }
        }
    }
}

static void
iface_open(struct bridge *br, struct iface *iface)
{
    char *err = NULL;
    uint32_t ofp_port;

    if (!strcmp(iface->name, br->name)) {
        ofp_port = OFPP_LOCAL;
    } else if (iface->ofport_request > 0 && iface->ofport_request < 0xff00
               && !ofproto_port_aux(br->ofproto, (uint32_t) iface->ofport_request)) {
        ofp_port = (uint32_t) iface->ofport_request;
    } else if (iface->ofport_db > 0 && iface->ofport_db < 0xff00
               && !ofproto_port_aux(br->ofproto, (uint32_t) iface->ofport_db)) {
        ofp_port = (uint32_t) iface->ofport_db;   /* As before a restart, like OVS. */
    } else {
        ofp_port = ofproto_port_alloc_number(br->ofproto);
    }
    if (ofproto_port_add(br->ofproto, ofp_port, DP_PORT_NONE, iface->name)) {
        err = xasprintf("OpenFlow port number %" PRIu32 " is already in use", ofp_port);
        goto fail;
    }
    if (iface_is_virtual(iface)) {
        /* Patch and tunnel ports have no device (ofproto-patch.h, ofproto-tnl.h). */
        if (vport_open(br, iface, ofp_port, &err)) {
            ofproto_port_del(br->ofproto, ofp_port);
            goto fail;
        }
        ofproto_port_set_dp_port(br->ofproto, ofp_port, DP_PORT_NONE);
        iface->ok = true;
        iface->ofp_port = ofp_port;
        iface->dp_port = DP_PORT_NONE;
        free(iface->error);
        iface->error = NULL;
        VLOG_INFO("bridge %s: added %s port %s on port %" PRIu32, br->name, iface->type,
                  iface->name, ofp_port);
        return;
    }
    uint32_t dp_port;
    char *devargs = NULL;
    if (ofp_port == OFPP_LOCAL && !strcmp(iface->type, "internal")) {
        /* The bridge's own interface carries the bridge MAC. */
        const uint8_t *m = br->mac.ea;
        devargs = xasprintf("mac=%02x:%02x:%02x:%02x:%02x:%02x%s%s", m[0], m[1], m[2], m[3],
                            m[4], m[5], iface->devargs ? "," : "",
                            iface->devargs ? iface->devargs : "");
    }
    int error = dp_netdev_port_add(dp, iface->name, iface->type,
                                   devargs ? devargs : iface->devargs,
                                   ofproto_port_aux(br->ofproto, ofp_port), &dp_port, &err);
    free(devargs);
    if (error) {
        ofproto_port_del(br->ofproto, ofp_port);
        goto fail;
    }
    ofproto_port_set_dp_port(br->ofproto, ofp_port, dp_port);
    iface->ok = true;
    iface->ofp_port = ofp_port;
    iface->dp_port = dp_port;
    free(iface->error);
    iface->error = NULL;
    VLOG_INFO("bridge %s: added interface %s on port %" PRIu32, br->name, iface->name,
              ofp_port == OFPP_LOCAL ? 65534 : ofp_port);
    return;

fail:
    iface->ok = false;
    free(iface->error);
    iface->error = err ? err : xstrdup("unknown error");
    VLOG_WARN("bridge %s: could not add interface %s: %s", br->name, iface->name, iface->error);
}

/* ---- Bridges. ---- */

/* Parses "xx:xx:xx:xx:xx:xx". */
static bool
parse_mac(const char *s, struct eth_addr *mac)
{
    unsigned int b[6];
    char extra;

    if (!s || sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
                     &extra) != 6) {
        return false;
    }
    for (int i = 0; i < 6; i++) {
        if (b[i] > 0xff) {
            return false;
        }
        mac->ea[i] = (uint8_t) b[i];
    }
    return true;
}

/* Applies Interface mtu_request (every port with a device: system, internal, afxdp, dpdk,
 * vhost-user; removing it goes back to 1500) and, for internal ports, Interface mac. Each is tried once per new value; a
 * failure is logged with the driver's reason and the port keeps forwarding with what it had. */
static void
iface_configure_l2(struct iface *iface, const json_t *if_row)
{
    /* The device is the port's; only the main thread reconfigures it. Patch and tunnel ports
     * have no device; for vhost-user ports netdev_dpdk_set_mtu() lands in netdev-vhost. */
    struct netdev_dpdk *dev = (struct netdev_dpdk *) dp_netdev_port_get_netdev(dp, iface->dp_port);
    if (!dev) {
        return;
    }
    const json_t *req = json_object_get(if_row, "mtu_request");
    int64_t mtu = req && ovsdb_datum_n(req) ? ovsdb_datum_integer(req, 0) : 0;
    if (mtu != iface->mtu_applied) {
        char *err = NULL;
        unsigned want = mtu > 0 ? (unsigned) RTE_MIN(mtu, (int64_t) UINT16_MAX + 1) : 1500;
        if (netdev_dpdk_set_mtu(dev, want, &err)) {
            VLOG_WARN("bridge %s: %s", iface->br->name, err);
            free(err);
        }
        iface->mtu_applied = mtu;
        status_dirty = true;
    }
    if (strcmp(iface->type, "internal")) {
        return;
    }
    const char *mac_s = row_string(if_row, "mac");
    if (!streq_null(mac_s, iface->mac_applied)) {
        struct eth_addr mac;
        char *err = NULL;
        if (mac_s && !parse_mac(mac_s, &mac)) {
            VLOG_WARN("bridge %s: interface %s: mac \"%s\" is not an Ethernet address "
                      "(xx:xx:xx:xx:xx:xx)", iface->br->name, iface->name, mac_s);
        } else if (mac_s && netdev_dpdk_set_mac(dev, &mac, &err)) {
            VLOG_WARN("bridge %s: %s", iface->br->name, err);
            free(err);
        }
        free(iface->mac_applied);
        iface->mac_applied = mac_s ? xstrdup(mac_s) : NULL;
        status_dirty = true;
    }
}

/* The bridge's MAC, which its internal port gets and its datapath id derives from:
 * other_config:hwaddr, or a stable locally administered address made from the name (OVS picks a
 * port's MAC; a name-derived one keeps the datapath id stable across restarts and port changes). */
static struct eth_addr
bridge_pick_mac(const char *name, const json_t *br_row)
{
    const json_t *oc = json_object_get(br_row, "other_config");
    const char *s = oc ? ovsdb_datum_map_get_string(oc, "hwaddr") : NULL;
    struct eth_addr mac;

    if (parse_mac(s, &mac) && !(mac.ea[0] & 1)) {
        return mac;
    }
    if (s) {
        VLOG_WARN("bridge %s: other_config:hwaddr=\"%s\" is not a unicast MAC address "
                  "(xx:xx:xx:xx:xx:xx); using a derived one", name, s);
    }
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = name; *p; p++) {
        h = (h ^ (unsigned char) *p) * 1099511628211ULL;
    }
    for (int i = 0; i < 6; i++) {
        mac.ea[i] = (uint8_t) (h >> (8 * i));
    }
    mac.ea[0] = (uint8_t) ((mac.ea[0] & 0xfc) | 0x02);     /* Unicast, locally administered. */
    return mac;
}

/* other_config:datapath-id (16 hex digits), else 0000 followed by the bridge MAC, as in OVS. */
static uint64_t
bridge_pick_dpid(const char *name, const json_t *br_row, const struct eth_addr *mac)
{
    const json_t *oc = json_object_get(br_row, "other_config");
    const char *s = oc ? ovsdb_datum_map_get_string(oc, "datapath-id") : NULL;
    uint64_t dpid = 0;

    if (s && strlen(s) == 16 && str_to_uint64(s, 16, UINT64_MAX, &dpid)) {
        return dpid;
    }
    if (s) {
        VLOG_WARN("bridge %s: other_config:datapath-id=\"%s\" is not 16 hex digits; deriving "
                  "the datapath id from the bridge MAC", name, s);
    }
    for (int i = 0; i < 6; i++) {
        dpid = (dpid << 8) | mac->ea[i];
    }
    return dpid;
}

static void
bridge_destroy(struct bridge *br)
{
    struct iface *iface;
    while ((iface = LIST_FIRST(&br->ifaces))) {
        iface_destroy(iface);
    }
    ofproto_destroy(br->ofproto);
    LIST_REMOVE(br, node);
    free(br->name);
    free(br->uuid);
    free(br);
}

static struct bridge *
bridge_find(const char *name)
{
    struct bridge *br;
    LIST_FOREACH(br, &all_bridges, node) {
        if (!strcmp(br->name, name)) {
            return br;
        }
    }
    return NULL;
}

/* NORMAL's VLAN settings of IFACE from its Port row (tag, trunks, vlan_mode), and the bridge's
 * flood_vlans and other_config:mac-aging-time/mac-table-size (issue 6). */
static void
port_configure_vlan(struct bridge *br, const json_t *port_row, const char *if_name)
{
    const json_t *tag = json_object_get(port_row, "tag");
    const json_t *trunks = json_object_get(port_row, "trunks");
    const json_t *mode = json_object_get(port_row, "vlan_mode");
    size_t n = trunks ? ovsdb_datum_n(trunks) : 0;
    int64_t *vlans = xcalloc(n + 1, sizeof *vlans);
    char *err = NULL;

    for (size_t i = 0; i < n; i++) {
        vlans[i] = ovsdb_datum_integer(ovsdb_datum_set_elem(trunks, i), -1);
    }
    if (ofproto_port_set_vlan(br->ofproto, if_name, mode ? ovsdb_datum_string(mode) : NULL,
                              tag ? (int) ovsdb_datum_integer(tag, -1) : -1, vlans, n, &err)
        && err) {
        VLOG_WARN("bridge %s: port %s: %s", br->name, row_string(port_row, "name"), err);
    }
    free(err);
    free(vlans);
}

static void
bridge_configure_flood_vlans(struct bridge *br, const json_t *br_row)
{
    const json_t *fv = json_object_get(br_row, "flood_vlans");
    size_t n = fv ? ovsdb_datum_n(fv) : 0;
    int64_t *vlans = xcalloc(n + 1, sizeof *vlans);

    for (size_t i = 0; i < n; i++) {
        vlans[i] = ovsdb_datum_integer(ovsdb_datum_set_elem(fv, i), -1);
    }
    ofproto_set_flood_vlans(br->ofproto, vlans, n);
    free(vlans);

    const json_t *oc = json_object_get(br_row, "other_config");
    const char *aging = oc ? ovsdb_datum_map_get_string(oc, "mac-aging-time") : NULL;
    const char *size = oc ? ovsdb_datum_map_get_string(oc, "mac-table-size") : NULL;
    ofproto_set_mac_config(br->ofproto, aging ? (unsigned) strtoul(aging, NULL, 10) : 0,
                           size ? (unsigned) strtoul(size, NULL, 10) : 0);
}

/* The SSL row (Open_vSwitch.ssl): key, certificate and CA certificate for ssl:/pssl: controllers
 * (issue 6). Peer certificates are always verified. */
static void
ssl_configure(const json_t *ovs_row)
{
    const json_t *ref = json_object_get(ovs_row, "ssl");
    const char *uuid = ref && ovsdb_datum_n(ref) ? ovsdb_atom_uuid(ovsdb_datum_set_elem(ref, 0))
                       : NULL;
    const json_t *row = uuid ? ovsdb_idl_row(idl, "SSL", uuid) : NULL;
    if (row) {
        stream_ssl_set_files(row_string(row, "private_key"), row_string(row, "certificate"),
                             row_string(row, "ca_cert"));
    }
}

/* Controllers (Controller rows), fail_mode and protocols of a bridge (issue 6). */
static void
bridge_configure_controllers(struct bridge *br, const json_t *br_row)
{
    const json_t *ctrls = json_object_get(br_row, "controller");
    size_t n = ctrls ? ovsdb_datum_n(ctrls) : 0, k = 0;
    struct connmgr_controller_cfg *cfgs = xcalloc(n + 1, sizeof *cfgs);

    for (size_t i = 0; i < n; i++) {
        const char *uuid = ovsdb_atom_uuid(ovsdb_datum_set_elem(ctrls, i));
        const json_t *row = uuid ? ovsdb_idl_row(idl, "Controller", uuid) : NULL;
        const char *target = row_string(row, "target");
        if (target) {
            const json_t *mb = json_object_get(row, "max_backoff");
            const json_t *probe = json_object_get(row, "inactivity_probe");
            cfgs[k].target = target;
            cfgs[k].max_backoff_ms = mb ? (int) ovsdb_datum_integer(mb, -1) : -1;
            cfgs[k].probe_ms = probe ? (int) ovsdb_datum_integer(probe, -1) : -1;
            const json_t *rate = json_object_get(row, "controller_rate_limit");
            const json_t *burst = json_object_get(row, "controller_burst_limit");
            cfgs[k].rate_limit = rate ? (int) ovsdb_datum_integer(rate, 0) : 0;
            cfgs[k].burst_limit = burst ? (int) ovsdb_datum_integer(burst, 0) : 0;
            k++;
        }
    }
    const json_t *fm = json_object_get(br_row, "fail_mode");
    const char *fail_mode = fm ? ovsdb_datum_string(fm) : NULL;
    ofproto_set_controllers(br->ofproto, cfgs, k, fail_mode && !strcmp(fail_mode, "secure"));
    free(cfgs);

    const json_t *protos = json_object_get(br_row, "protocols");
    uint32_t versions = 0;
    for (size_t i = 0; protos && i < ovsdb_datum_n(protos); i++) {
        const json_t *a = ovsdb_datum_set_elem(protos, i);
        static const char *const names[] = { NULL, "OpenFlow10", "OpenFlow11", "OpenFlow12",
                                             "OpenFlow13", "OpenFlow14", "OpenFlow15" };
        for (size_t v = 1; json_is_string(a) && v < ARRAY_SIZE(names); v++) {
            if (!strcmp(json_string_value(a), names[v])) {
                versions |= 1u << v;
            }
        }
    }
    ofproto_set_protocols(br->ofproto, versions);
}

/* vhost-user interfaces (netdev-vhost.h): the configuration string built from the Interface's
 * options and Open_vSwitch other_config:vhost-sock-*; NULL for other types.
 * A change of it reopens the port, as a change of dpdk-devargs does. */
static char *
iface_vhost_config(const char *type, const json_t *opts)
{
    if (!netdev_vhost_is_type(type)) {
        return NULL;
    }
    const json_t *ovs_row = ovsdb_idl_first_row(idl, "Open_vSwitch", NULL);
#define VHOST_OPT(KEY) (opts && ovsdb_datum_map_get_string(opts, KEY) \
                        ? ovsdb_datum_map_get_string(opts, KEY) : other_config(ovs_row, KEY))
    return netdev_vhost_make_config(opts ? ovsdb_datum_map_get_string(opts, "vhost-server-path")
                                         : NULL,
                                    other_config(ovs_row, "vhost-sock-dir"),
                                    VHOST_OPT("vhost-sock-owner"), VHOST_OPT("vhost-sock-group"),
                                    VHOST_OPT("vhost-sock-mode"),
                                    opts ? ovsdb_datum_map_get_string(opts,
                                                                      "vhost-max-queue-pairs")
                                         : NULL);
#undef VHOST_OPT
}

/* Applies one Bridge row. */
static void
bridge_configure(struct bridge *br, const json_t *br_row)
{
    const json_t *ports = json_object_get(br_row, "ports");
    struct iface *iface, *next;
    char *vhost_cfg = NULL;

    LIST_FOREACH(iface, &br->ifaces, node) {
        iface->seen = false;
    }

    for (size_t i = 0; ports && i < ovsdb_datum_n(ports); i++) {
        const char *port_uuid = ovsdb_atom_uuid(ovsdb_datum_set_elem(ports, i));
        const json_t *port_row = port_uuid ? ovsdb_idl_row(idl, "Port", port_uuid) : NULL;
        const json_t *ifaces = port_row ? json_object_get(port_row, "interfaces") : NULL;

        for (size_t j = 0; ifaces && j < ovsdb_datum_n(ifaces); j++) {
            const char *if_uuid = ovsdb_atom_uuid(ovsdb_datum_set_elem(ifaces, j));
            const json_t *if_row = if_uuid ? ovsdb_idl_row(idl, "Interface", if_uuid) : NULL;
            const char *name = row_string(if_row, "name");
            if (!name) {
                continue;
            }
            const char *type = row_string(if_row, "type");
            const json_t *opts = json_object_get(if_row, "options");
            const char *devargs = opts ? ovsdb_datum_map_get_string(opts, "dpdk-devargs") : NULL;
            free(vhost_cfg);
            vhost_cfg = iface_vhost_config(type, opts);
            if (vhost_cfg) {
                devargs = vhost_cfg;        /* vhost-user: its options decide the device. */
            }
            char *vopts = vport_options(type ? type : "", opts);
            const json_t *req = json_object_get(if_row, "ofport_request");
            int64_t ofport_request = req ? ovsdb_datum_integer(req, 0) : 0;
            if (!type) {
                type = "";
            }

            port_configure_vlan(br, port_row, name);    /* Before the port starts receiving. */
            iface = iface_find(br, name);
            if (iface && (strcmp(iface->type, type) || !streq_null(iface->devargs, devargs)
                          || !streq_null(iface->vopts, vopts)
                          || iface->ofport_request != ofport_request)) {
                iface_destroy(iface);       /* Configuration changed: reopen. */
                iface = NULL;
            }
            if (iface && iface->seen) {
                free(vopts);
                continue;                   /* Duplicate name within the bridge. */
            }
            if (!iface) {
                iface = xzalloc(sizeof *iface);
                iface->br = br;
                iface->name = xstrdup(name);
                iface->uuid = xstrdup(if_uuid);
                iface->type = xstrdup(type);
                iface->devargs = devargs ? xstrdup(devargs) : NULL;
                iface->vopts = vopts;
                vopts = NULL;
                iface->ofport_request = ofport_request;
                const json_t *ofport_db = json_object_get(if_row, "ofport");
                iface->ofport_db = ofport_db ? ovsdb_datum_integer(ofport_db, 0) : 0;
                LIST_INSERT_HEAD(&br->ifaces, iface, node);
                iface_open(br, iface);
                status_dirty = true;
            } else if (strcmp(iface->uuid, if_uuid)) {
                free(iface->uuid);
                iface->uuid = xstrdup(if_uuid);
                status_dirty = true;
            }
            free(vopts);
            iface->seen = true;
            if (iface->ok) {
                const json_t *ioc = json_object_get(if_row, "other_config");
                const char *n_rxq = opts ? ovsdb_datum_map_get_string(opts, "n_rxq") : NULL;
                char vhost_qp[16];
                if (netdev_vhost_is_type(iface->type)) {
                    /* vhost-user: as many queues as the guest has enabled. */
                    const struct netdev_dpdk *nd = dp_netdev_port_get_netdev(dp, iface->dp_port);
                    snprintf(vhost_qp, sizeof vhost_qp, "%u", nd ? netdev_vhost_n_queues(nd) : 1);
                    n_rxq = vhost_qp;
                }
                dp_netdev_port_set_config(dp, iface->dp_port, n_rxq,
                                          ioc ? ovsdb_datum_map_get_string(ioc, "pmd-rxq-affinity")
                                              : NULL);
                iface_configure_l2(iface, if_row);
            }
        }
    }
    free(vhost_cfg);
    bridge_configure_flood_vlans(br, br_row);
    bridge_configure_controllers(br, br_row);

    for (iface = LIST_FIRST(&br->ifaces); iface; iface = next) {
        next = LIST_NEXT(iface, node);
        if (!iface->seen) {
            iface_destroy(iface);
        }
    }
}

static void
datapath_configure(const json_t *ovs_row)
{
    char *err = NULL;
    const char *mask = other_config(ovs_row, "pmd-cpu-mask");
    if (dp_netdev_set_pmd_cpus(dp, mask, &err)) {
        VLOG_ERR("%s; keeping the current PMD threads", err);
        free(err);
    }
    const char *s = other_config(ovs_row, "emc-insert-inv-prob");
    uint64_t v;
    dp_netdev_set_emc_insert_inv_prob(dp, s && str_to_uint64(s, 10, UINT32_MAX, &v)
                                          ? (uint32_t) v : 100);
    s = other_config(ovs_row, "flow-limit");
    dp_netdev_set_flow_limit(dp, s && str_to_uint64(s, 10, UINT32_MAX, &v) ? (uint32_t) v
                                                                            : 200000);
    s = other_config(ovs_row, "max-idle");
    dp_netdev_set_max_idle(dp, s && str_to_uint64(s, 10, UINT32_MAX, &v) && v >= 100
                               ? (uint32_t) v : 10000);
    s = other_config(ovs_row, "upcall-rate");       /* Upcalls/s per PMD, 0 = unlimited. */
    dp_netdev_set_upcall_rate(dp, s && str_to_uint64(s, 10, UINT32_MAX, &v) ? (uint32_t) v
                                                                             : 200000);
    dp_netdev_set_rxq_assign(dp, other_config(ovs_row, "pmd-rxq-assign"));
}

static void bridge_write_status(const json_t *ovs_row, const char *ovs_uuid, bool with_stats);

static bool
other_config_true(const json_t *ovs_row, const char *key)
{
    const char *v = other_config(ovs_row, key);
    return v && !strcmp(v, "true");
}

static void
set_flow_restore_wait(bool wait)
{
    if (wait != __atomic_load_n(&flow_restore_wait, __ATOMIC_RELAXED)) {
        __atomic_store_n(&flow_restore_wait, wait, __ATOMIC_RELEASE);
        VLOG_INFO("flow-restore-wait %s: %s", wait ? "set" : "cleared",
                  wait ? "forwarding is held until it is cleared"
                       : "forwarding with the restored flows");
        if (dp) {
            dp_netdev_flush_caches(dp);     /* Cached flows must not forward while held. */
        }
    }
}

static void
bridge_reconfigure(void)
{
    const char *ovs_uuid = NULL;
    const json_t *ovs_row = ovsdb_idl_first_row(idl, "Open_vSwitch", &ovs_uuid);
    struct bridge *br, *next;

    LIST_FOREACH(br, &all_bridges, node) {
        br->seen = false;
    }
    if (ovs_row) {
        set_flow_restore_wait(other_config_true(ovs_row, "flow-restore-wait"));
        datapath_configure(ovs_row);
        ssl_configure(ovs_row);
        const json_t *bridges = json_object_get(ovs_row, "bridges");
        for (size_t i = 0; bridges && i < ovsdb_datum_n(bridges); i++) {
            const char *uuid = ovsdb_atom_uuid(ovsdb_datum_set_elem(bridges, i));
            const json_t *row = uuid ? ovsdb_idl_row(idl, "Bridge", uuid) : NULL;
            const char *name = row_string(row, "name");
            if (!name) {
                continue;
            }
            br = bridge_find(name);
            if (br && br->seen) {
                continue;
            }
            if (!br) {
                struct ofproto *ofproto;
                struct eth_addr mac = bridge_pick_mac(name, row);
                uint64_t dpid = bridge_pick_dpid(name, row, &mac);
                ofproto = ofproto_create(name, dpid, dp);
                if (!ofproto) {
                    continue;       /* Logged; retried at the next change. */
                }
                br = xzalloc(sizeof *br);
                br->name = xstrdup(name);
                br->uuid = xstrdup(uuid);
                br->ofproto = ofproto;
                br->dpid = dpid;
                br->mac = mac;
                LIST_INIT(&br->ifaces);
                LIST_INSERT_HEAD(&all_bridges, br, node);
                status_dirty = true;
            } else if (strcmp(br->uuid, uuid)) {
                free(br->uuid);
                br->uuid = xstrdup(uuid);
                status_dirty = true;
            }
            br->seen = true;
            bridge_configure(br, row);
        }
    }
    for (br = LIST_FIRST(&all_bridges); br; br = next) {
        next = LIST_NEXT(br, node);
        if (!br->seen) {
            VLOG_INFO("bridge %s: deleted", br->name);
            bridge_destroy(br);
        }
    }
    bridge_link_vports();
    bridge_write_status(ovs_row, ovs_uuid, false);
}

/* ---- Status write-back. ---- */

static json_t *
update_op(const char *table, const char *uuid, json_t *row)
{
    return json_pack("{s:s, s:s, s:[[s, s, [s, s]]], s:o}", "op", "update", "table", table,
                     "where", "_uuid", "==", "uuid", uuid, "row", row);
}

static void
status_txn_done(void *aux, const json_t *result, const char *error)
{
    status_txn_in_flight = false;
    if (error) {
        VLOG_WARN("writing status to the database failed: %s", error);
        status_dirty = true;
        status_retry_at = time_msec() + 1000;
        return;
    }
    size_t i;
    const json_t *r;
    json_array_foreach(result, i, r) {
        const json_t *e = json_object_get(r, "error");
        if (e) {
            const json_t *d = json_object_get(r, "details");
            VLOG_WARN("writing status to the database failed: %s%s%s", json_string_value(e),
                      d ? ": " : "", d ? json_string_value(d) : "");
            status_dirty = true;
            status_retry_at = time_msec() + 1000;
            break;
        }
    }
}

/* Adds "COL": VALUE to ROW if the schema has it and the replica differs. */
static void
row_set_if_changed(json_t *row, const json_t *cur_row, const char *table, const char *col,
                   json_t *value)
{
    if (!column_exists(table, col)) {
        json_decref(value);
        return;
    }
    const json_t *cur = cur_row ? json_object_get(cur_row, col) : NULL;
    if (cur && json_equal(cur, value)) {
        json_decref(value);
        return;
    }
    json_object_set_new(row, col, value);
}

static json_t *
iface_statistics(const struct iface *iface)
{
    struct dp_port_stats s;
    uint64_t v[4];

    if (iface->ok && iface->dp_port == DP_PORT_NONE
        && ofproto_port_virtual_stats(iface->br->ofproto, iface->ofp_port, &v[0], &v[1], &v[2],
                                      &v[3])) {
        /* Patch and tunnel ports: what translations sent through them (sorted keys). */
        return json_pack("[s, [[s, I], [s, I], [s, I], [s, I]]]", "map",
                         "rx_bytes", (json_int_t) v[1], "rx_packets", (json_int_t) v[0],
                         "tx_bytes", (json_int_t) v[3], "tx_packets", (json_int_t) v[2]);
    }
    if (!iface->ok || dp_netdev_port_get_stats(dp, iface->dp_port, &s)) {
        return json_pack("[s, []]", "map");
    }
    json_t *pairs = json_array();
    uint64_t rx_dropped = s.rx_missed;
    for (int r = 0; r < DP_N_DROP_REASONS; r++) {
        if (r != DP_DROP_TX_FAILED) {
            rx_dropped += s.drops[r];
        }
    }
#define PAIR(K, V) json_array_append_new(pairs, json_pack("[s, I]", K, (json_int_t) (V)))
    /* Keys in sorted order, as the database keeps maps. */
    PAIR("rx_bytes", s.rx_bytes);
    PAIR("rx_dropped", rx_dropped);
    PAIR("rx_errors", s.rx_errors);
    PAIR("rx_missed_errors", s.rx_missed);
    PAIR("rx_packets", s.rx_packets);
    PAIR("tx_bytes", s.tx_bytes);
    PAIR("tx_dropped", s.drops[DP_DROP_TX_FAILED]);
    PAIR("tx_errors", s.tx_errors);
    PAIR("tx_packets", s.tx_packets);
#undef PAIR
    return json_pack("[s, o]", "map", pairs);
}

/* Appends the pair [KEY, VALUE] to the JSON array AUX (netdev_vhost_status()'s callback). */
static void
status_add_pair(void *aux, const char *key, const char *value)
{
    json_array_append_new(aux, json_pack("[s, s]", key, value));
}

static int
status_pair_cmp(const void *a_, const void *b_)
{
    json_t *const *a = a_, *const *b = b_;
    return strcmp(json_string_value(json_array_get(*a, 0)),
                  json_string_value(json_array_get(*b, 0)));
}

/* Sorts the [key, value] pairs of PAIRS by key, as the database keeps maps. */
static void
status_sort_pairs(json_t *pairs)
{
    size_t n = json_array_size(pairs);
    json_t **v = xcalloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        v[i] = json_incref(json_array_get(pairs, i));
    }
    qsort(v, n, sizeof *v, status_pair_cmp);
    json_array_clear(pairs);
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(pairs, v[i]);
    }
    free(v);
}

/* Interface.status: what the device is (keys sorted, as the database keeps maps). */
static json_t *
iface_status(const struct iface *iface)
{
    const struct netdev_dpdk *dev = dp_netdev_port_get_netdev(dp, iface->dp_port);
    json_t *pairs = json_array();

    if (dev) {
        char buf[32];
        int socket = rte_eth_dev_socket_id(dev->port_id);
        if (netdev_vhost_is_type(iface->type)) {
            netdev_vhost_status(dev, status_add_pair, pairs);
        }
#define PAIR(K, V) json_array_append_new(pairs, json_pack("[s, s]", K, V))
        PAIR("driver_name", netdev_dpdk_driver_name(dev));
        snprintf(buf, sizeof buf, "%u", dev->n_rxq);
        PAIR("n_rxq", buf);
        snprintf(buf, sizeof buf, "%u", dev->n_txq);
        PAIR("n_txq", buf);
        snprintf(buf, sizeof buf, "%d", socket < 0 ? 0 : socket);
        PAIR("numa_id", buf);
        snprintf(buf, sizeof buf, "%u", dev->port_id);
        PAIR("port_no", buf);
        if (netdev_dpdk_system_backend(dev)) {
            /* How a kernel interface is reached: af_packet, or af_xdp (type afxdp). */
            PAIR("system_backend", netdev_dpdk_system_backend(dev));
        }
#undef PAIR
        status_sort_pairs(pairs);
    } else if (iface->ok && ofproto_tnl_is_type(iface->type)) {
        /* Where the tunnel's packets leave, as OVS shows it (keys already in order). */
        char egress[IFNAMSIZ];
        if (ofproto_tnl_port_egress(iface->br->ofproto, iface->ofp_port, egress)) {
            bool up = false;
            struct bridge *b;
            LIST_FOREACH(b, &all_bridges, node) {
                const struct iface *e = iface_find(b, egress);
                if (e && e->ok) {
                    dp_netdev_port_get_info(dp, e->dp_port, NULL, &up, NULL, NULL);
                }
            }
            json_array_append_new(pairs, json_pack("[s, s]", "tunnel_egress_iface", egress));
            json_array_append_new(pairs, json_pack("[s, s]", "tunnel_egress_iface_carrier",
                                                   up ? "up" : "down"));
        }
    }
    return json_pack("[s, o]", "map", pairs);
}

/* Controller.is_connected, role and status (issue 6). */
static void
bridge_write_controller_status(struct bridge *br, const json_t *br_row, json_t *ops)
{
    struct connmgr_controller_status *st;
    size_t n = connmgr_get_controller_status(ofproto_connmgr(br->ofproto), &st);
    const json_t *ctrls = br_row ? json_object_get(br_row, "controller") : NULL;

    for (size_t i = 0; ctrls && i < ovsdb_datum_n(ctrls); i++) {
        const char *uuid = ovsdb_atom_uuid(ovsdb_datum_set_elem(ctrls, i));
        const json_t *row = uuid ? ovsdb_idl_row(idl, "Controller", uuid) : NULL;
        const char *target = row_string(row, "target");
        for (size_t j = 0; target && j < n; j++) {
            if (strcmp(st[j].target, target)) {
                continue;
            }
            json_t *upd = json_object();
            row_set_if_changed(upd, row, "Controller", "is_connected",
                               json_boolean(st[j].is_connected));
            row_set_if_changed(upd, row, "Controller", "role", json_string(st[j].role));
            json_t *pairs = json_array();
            if (st[j].last_error) {
                json_array_append_new(pairs, json_pack("[s, s]", "last_error",
                                                       st[j].last_error));
            }
            json_array_append_new(pairs, json_pack("[s, s]", "state", st[j].state));
            row_set_if_changed(upd, row, "Controller", "status",
                               json_pack("[s, o]", "map", pairs));
            if (json_object_size(upd)) {
                json_array_append_new(ops, update_op("Controller", uuid, upd));
            } else {
                json_decref(upd);
            }
            break;
        }
    }
    free(st);
}

static void
bridge_write_status(const json_t *ovs_row, const char *ovs_uuid, bool with_stats)
{
    json_t *ops;
    struct bridge *br;

    if (!ovs_row || !ovsdb_idl_is_connected(idl)) {
        return;
    }
    if (status_txn_in_flight) {
        status_dirty = true;        /* Write again when the current one completes. */
        return;
    }
    ops = json_array();
    LIST_FOREACH(br, &all_bridges, node) {
        const json_t *br_row = ovsdb_idl_row(idl, "Bridge", br->uuid);
        json_t *row = json_object();
        char dpid[17];
        snprintf(dpid, sizeof dpid, "%016" PRIx64, br->dpid);
        row_set_if_changed(row, br_row, "Bridge", "datapath_id", json_string(dpid));
        if (json_object_size(row)) {
            json_array_append_new(ops, update_op("Bridge", br->uuid, row));
        } else {
            json_decref(row);
        }
        bridge_write_controller_status(br, br_row, ops);

        struct iface *iface;
        LIST_FOREACH(iface, &br->ifaces, node) {
            const json_t *if_row = ovsdb_idl_row(idl, "Interface", iface->uuid);
            if (!if_row) {
                continue;
            }
            row = json_object();
            if (iface->ok) {
                struct eth_addr mac;
                bool up = false;
                uint32_t speed = 0;
                uint16_t mtu = 0;
                char macs[18];
                uint32_t ofport = iface->ofp_port == OFPP_LOCAL ? 65534 : iface->ofp_port;

                row_set_if_changed(row, if_row, "Interface", "ofport", json_integer(ofport));
                row_set_if_changed(row, if_row, "Interface", "error",
                                   iface->error ? json_string(iface->error)
                                                : ovsdb_datum_empty_set());
                if (iface->dp_port == DP_PORT_NONE
                    && ofproto_port_patch_info(br->ofproto, iface->ofp_port, &up, &mac)) {
                    /* Patch port: up while linked to its peer. */
                    snprintf(macs, sizeof macs, "%02x:%02x:%02x:%02x:%02x:%02x", mac.ea[0],
                             mac.ea[1], mac.ea[2], mac.ea[3], mac.ea[4], mac.ea[5]);
                    row_set_if_changed(row, if_row, "Interface", "mac_in_use", json_string(macs));
                    row_set_if_changed(row, if_row, "Interface", "link_state",
                                       json_string(up ? "up" : "down"));
                    bool admin_down = ofproto_port_is_admin_down(br->ofproto,
                                                                 iface->ofp_port);
                    row_set_if_changed(row, if_row, "Interface", "admin_state",
                                       json_string(admin_down ? "down" : "up"));
                } else if (dp_netdev_port_get_info(dp, iface->dp_port, &mac, &up, &speed,
                                                   &mtu)) {
                    snprintf(macs, sizeof macs, "%02x:%02x:%02x:%02x:%02x:%02x", mac.ea[0],
                             mac.ea[1], mac.ea[2], mac.ea[3], mac.ea[4], mac.ea[5]);
                    row_set_if_changed(row, if_row, "Interface", "mac_in_use", json_string(macs));
                    row_set_if_changed(row, if_row, "Interface", "link_state",
                                       json_string(up ? "up" : "down"));
                    /* The internal port's admin state is the host's to set (ip link); any
                     * port's is also down after an OpenFlow port-mod down, as in OVS. */
                    bool admin_up = (strcmp(iface->type, "internal") ? true : up)
                                    && !ofproto_port_is_admin_down(br->ofproto,
                                                                   iface->ofp_port);
                    row_set_if_changed(row, if_row, "Interface", "admin_state",
                                       json_string(admin_up ? "up" : "down"));
                    row_set_if_changed(row, if_row, "Interface", "mtu", json_integer(mtu));
                    if (speed) {
                        row_set_if_changed(row, if_row, "Interface", "link_speed",
                                           json_integer((json_int_t) speed * 1000000));
                    }
                }
            } else {
                row_set_if_changed(row, if_row, "Interface", "ofport", json_integer(-1));
                row_set_if_changed(row, if_row, "Interface", "error", json_string(iface->error));
                row_set_if_changed(row, if_row, "Interface", "link_state", json_string("down"));
            }
            if (iface->ok) {
                row_set_if_changed(row, if_row, "Interface", "status", iface_status(iface));
            }
            if (with_stats) {
                row_set_if_changed(row, if_row, "Interface", "statistics",
                                   iface_statistics(iface));
            }
            if (json_object_size(row)) {
                json_array_append_new(ops, update_op("Interface", iface->uuid, row));
            } else {
                json_decref(row);
            }
        }
    }

    json_t *row = json_object();
    const json_t *next_cfg = json_object_get(ovs_row, "next_cfg");
    if (next_cfg) {
        row_set_if_changed(row, ovs_row, "Open_vSwitch", "cur_cfg",
                           json_integer(ovsdb_datum_integer(next_cfg, 0)));
    }
    row_set_if_changed(row, ovs_row, "Open_vSwitch", "dpdk_initialized",
                       json_boolean(dpdk_is_initialized()));
    row_set_if_changed(row, ovs_row, "Open_vSwitch", "dpdk_version",
                       json_string(dpdk_version_string()));
    row_set_if_changed(row, ovs_row, "Open_vSwitch", "ovs_version", json_string(UVS_VERSION));
    row_set_if_changed(row, ovs_row, "Open_vSwitch", "datapath_types",
                       json_pack("[s, [s]]", "set", "netdev"));
    row_set_if_changed(row, ovs_row, "Open_vSwitch", "iface_types",
                       json_pack("[s, [s, s, s, s, s, s, s, s, s, s]]", "set", "afxdp", "dpdk",
                                 "dpdkvhostuser", "dpdkvhostuserclient", "geneve", "gre",
                                 "internal", "patch", "system", "vxlan"));
    if (json_object_size(row)) {
        json_array_append_new(ops, update_op("Open_vSwitch", ovs_uuid, row));
    } else {
        json_decref(row);
    }

    status_dirty = false;
    if (json_array_size(ops) > 0) {
        if (!ovsdb_idl_transact(idl, ops, status_txn_done, NULL)) {
            status_txn_in_flight = true;
        } else {
            status_dirty = true;
        }
    } else {
        json_decref(ops);
    }
}

/* ---- unixctl. ---- */

static void
pmd_stats_show(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    if (argc == 3 && !strcmp(argv[1], "--format") && !strcmp(argv[2], "json")) {
        dp_netdev_pmd_stats_show_json(dp, &ds);
    } else {
        dp_netdev_pmd_stats_show(dp, &ds);
    }
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

static void
pmd_stats_clear(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    dp_netdev_pmd_stats_clear(dp);
    unixctl_command_reply(conn, "");
}

static void
dump_flows(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    dp_netdev_dump_flows(dp, &ds);
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

static void
show_drops(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    struct bridge *br;

    LIST_FOREACH(br, &all_bridges, node) {
        struct iface *iface;
        LIST_FOREACH(iface, &br->ifaces, node) {
            struct dp_port_stats s;
            if (!iface->ok || dp_netdev_port_get_stats(dp, iface->dp_port, &s)) {
                continue;
            }
            ds_put_format(&ds, "%s (bridge %s):\n", iface->name, br->name);
            ds_put_format(&ds, "  rx missed by the device: %" PRIu64 "\n", s.rx_missed);
            for (int r = 0; r < DP_N_DROP_REASONS; r++) {
                ds_put_format(&ds, "  %s: %" PRIu64 "\n", dp_drop_reason_string(r), s.drops[r]);
            }
        }
    }
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

/* ---- Life cycle. ---- */

static int
bridge_upcall(void *port_aux, const struct flow *flow, const void *packet, size_t len,
              struct dp_upcall_result *result)
{
    if (__atomic_load_n(&flow_restore_wait, __ATOMIC_ACQUIRE)) {
        return -EAGAIN;                     /* Counted as "held by flow-restore-wait". */
    }
    return ofproto_upcall(port_aux, flow, packet, len, result);
}

static void
credit_stats(uint64_t rule_id, uint64_t packets, uint64_t bytes, long long used)
{
    ofproto_credit_stats(rule_id, packets, bytes, used);
}

void
bridge_init(const char *remote)
{
    idl = ovsdb_idl_create(remote, "Open_vSwitch", NULL);
    unixctl_command_register("dpif-netdev/pmd-stats-show", "[--format json]", 0, 2,
                             pmd_stats_show, NULL);
    unixctl_command_register("dpif-netdev/pmd-stats-clear", "", 0, 0, pmd_stats_clear, NULL);
    unixctl_command_register("dpctl/dump-flows", "", 0, 0, dump_flows, NULL);
    unixctl_command_register("dpif-netdev/drop-show", "", 0, 0, show_drops, NULL);
    ofproto_register_unixctl();
    coverage_register_unixctl();
}

int
bridge_start(int timeout_ms)
{
    int err = ovsdb_idl_wait_for_replica(idl, timeout_ms, true);
    const json_t *ovs_row = NULL;

    if (err) {
        VLOG_WARN("database contents not available yet (%s); starting DPDK with defaults",
                  strerror(-err));
    } else {
        ovs_row = ovsdb_idl_first_row(idl, "Open_vSwitch", NULL);
    }
    struct dpdk_config cfg = {
        .lcore_mask = other_config(ovs_row, "dpdk-lcore-mask"),
        .socket_mem = other_config(ovs_row, "dpdk-socket-mem"),
        .extra = other_config(ovs_row, "dpdk-extra"),
        .n_mbufs = 0,
    };
    const char *n_mbufs = other_config(ovs_row, "n-mbufs");
    uint64_t v;
    if (n_mbufs && str_to_uint64(n_mbufs, 10, UINT32_MAX, &v)) {
        cfg.n_mbufs = (uint32_t) v;
    }
    err = dpdk_init(&cfg);
    if (err) {
        return err;
    }
    set_flow_restore_wait(other_config_true(ovs_row, "flow-restore-wait"));
    dp = dp_netdev_create();
    dp_netdev_set_upcall(dp, bridge_upcall);
    ofproto_tnl_init(dp);
    dp_netdev_set_stats_cb(dp, credit_stats);
    char *perr = NULL;
    if (dp_netdev_set_pmd_cpus(dp, other_config(ovs_row, "pmd-cpu-mask"), &perr)) {
        VLOG_ERR("%s; using the default core", perr);
        free(perr);
        dp_netdev_set_pmd_cpus(dp, NULL, &perr);
        free(perr);
    }
    last_seqno = ovsdb_idl_get_seqno(idl);
    need_reconfigure = true;
    return 0;
}

void
bridge_run(void)
{
    ovsdb_idl_run(idl);
    if (!dp) {
        return;
    }
    dp_netdev_run(dp);

    if (netdev_vhost_run()) {
        need_reconfigure = true;    /* A guest came, went or changed its queues. */
        status_dirty = true;
    }
    unsigned int seqno = ovsdb_idl_get_seqno(idl);
    if (seqno != last_seqno || need_reconfigure) {
        last_seqno = seqno;
        need_reconfigure = false;
        bridge_reconfigure();
    }

    ofproto_tnl_run();
    struct bridge *br;
    LIST_FOREACH(br, &all_bridges, node) {
        ofproto_run(br->ofproto);
        if (connmgr_take_status_changed(ofproto_connmgr(br->ofproto))) {
            status_dirty = true;
        }
    }

    long long now = time_msec();
    const char *ovs_uuid = NULL;
    const json_t *ovs_row = ovsdb_idl_first_row(idl, "Open_vSwitch", &ovs_uuid);
    if (now >= next_stats_update) {
        const char *s = other_config(ovs_row, "stats-update-interval");
        uint64_t interval;
        if (!s || !str_to_uint64(s, 10, 3600000, &interval) || interval < 1000) {
            interval = DEFAULT_STATS_INTERVAL;
        }
        next_stats_update = now + (long long) interval;
        if (!status_txn_in_flight) {
            bridge_write_status(ovs_row, ovs_uuid, true);
        }
    } else if (status_dirty && !status_txn_in_flight && now >= status_retry_at) {
        bridge_write_status(ovs_row, ovs_uuid, false);
    }
}

void
bridge_wait(void)
{
    ovsdb_idl_wait(idl);
    if (!dp) {
        return;
    }
    dp_netdev_wait(dp);
    netdev_vhost_wait();
    struct bridge *br;
    LIST_FOREACH(br, &all_bridges, node) {
        ofproto_wait(br->ofproto);
    }
    poll_timer_wait_until(next_stats_update);
    if (status_dirty && !status_txn_in_flight) {
        poll_timer_wait_until(status_retry_at);
    }
}

void
bridge_exit(void)
{
    struct bridge *br;
    while ((br = LIST_FIRST(&all_bridges))) {
        bridge_destroy(br);
    }
    dp_netdev_destroy(dp);
    dp = NULL;
    ovsdb_idl_destroy(idl);
    idl = NULL;
}
