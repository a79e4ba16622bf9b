/* netdev-vhost — vhost-user ports on DPDK's net_vhost ethdev. See netdev-vhost.h. */
#include "pmd/netdev-vhost.h"

#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_eth_vhost.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_net.h>
#include <rte_spinlock.h>
#include <rte_vhost.h>

#include "lib/poll-loop.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "pmd/netdev-dpdk.h"

VLOG_DEFINE_THIS_MODULE(netdev_vhost);

#define VHOST_RX_DESC 1024
#define VHOST_TX_DESC 1024

/* ---- Types. ---- */

/* One vhost-user port. Written at open/close by the main thread; the fields under LOCK are also
 * written by the DPDK event callbacks on the vhost thread. Readers on the main thread take LOCK. */
struct vhost_port {
    char *name;
    char *path;                  /* The vhost-user socket. */
    bool server;                 /* dpdkvhostuser: uvs listens. */
    uint16_t port_id;
    unsigned max_qp;             /* Queue pairs the ethdev is configured with. */
    int64_t mtu_request;         /* Interface.mtu_request, 0 = none. */
    struct netdev_dpdk *dev;     /* The datapath's view of the port. */
    const struct rte_eth_rxtx_callback *rx_cbs[NETDEV_MAX_RXQ];

    rte_spinlock_t lock;
    uint32_t rxq_enabled;        /* Bit q: the guest enabled the vring uvs receives from (q). */
    uint32_t txq_enabled;        /* Bit q: the guest enabled the vring uvs sends to (q). */
    bool connected;
    uint64_t connects, disconnects;
    char last_error[256];        /* "" if none. */
};

/* Indexed by ethdev port id; main thread only (the callbacks get their port as argument). */
static struct vhost_port *vhost_ports[RTE_MAX_ETHPORTS];
/* Bumped by the callbacks on every event; compared by netdev_vhost_run(). */
static uint64_t event_seq;
static uint64_t seen_seq;
static int wake_fd = -1;         /* eventfd written by the callbacks, polled by the main loop. */

/* ---- Configuration strings. ---- */

static const char *const config_keys[] = {
    "vhost-server-path", "vhost-sock-dir", "vhost-sock-owner", "vhost-sock-group",
    "vhost-sock-mode", "vhost-max-queue-pairs",
};
enum { CK_SERVER_PATH, CK_SOCK_DIR, CK_OWNER, CK_GROUP, CK_MODE, CK_MAX_QP, CK_N };

bool
netdev_vhost_is_type(const char *type)
{
    return type && (!strcmp(type, "dpdkvhostuser") || !strcmp(type, "dpdkvhostuserclient"));
}

char *
netdev_vhost_make_config(const char *server_path, const char *sock_dir, const char *owner,
                         const char *group, const char *mode, const char *max_qp)
{
    const char *vals[CK_N] = { server_path, sock_dir, owner, group, mode, max_qp };
    struct ds ds = DS_EMPTY_INITIALIZER;

    for (int k = 0; k < CK_N; k++) {
        if (vals[k]) {
            ds_put_format(&ds, "%s=%s\n", config_keys[k], vals[k]);
        }
    }
    return ds.len ? ds_steal_cstr(&ds) : xstrdup("");
}

/* Splits CONFIG ("key=value\n" lines) into VALS (malloc'd copies, NULL when absent). */
static void
parse_config(const char *config, char *vals[CK_N])
{
    memset(vals, 0, CK_N * sizeof vals[0]);
    for (const char *p = config ? config : ""; *p; ) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t) (nl - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        for (int k = 0; eq && k < CK_N; k++) {
            if (strlen(config_keys[k]) == (size_t) (eq - p)
                && !strncmp(p, config_keys[k], (size_t) (eq - p))) {
                free(vals[k]);
                vals[k] = xmemdup0(eq + 1, len - (size_t) (eq - p) - 1);
            }
        }
        p += len + (nl ? 1 : 0);
    }
}

/* ---- Event callbacks (DPDK's vhost thread). ---- */

static void
wake_main_loop(void)
{
    __atomic_add_fetch(&event_seq, 1, __ATOMIC_RELEASE);
    if (wake_fd >= 0) {
        uint64_t one = 1;
        ssize_t n = write(wake_fd, &one, sizeof one);
        (void) n;               /* EAGAIN: the counter is already non-zero, the loop will wake. */
    }
}

static int
vhost_event_cb(uint16_t port_id, enum rte_eth_event_type type, void *arg, void *ret_param)
{
    struct vhost_port *vp = arg;
    (void) ret_param;

    rte_spinlock_lock(&vp->lock);
    if (type == RTE_ETH_EVENT_INTR_LSC) {
        struct rte_eth_link link;
        memset(&link, 0, sizeof link);
        rte_eth_link_get_nowait(port_id, &link);
        bool up = link.link_status == RTE_ETH_LINK_UP;
        if (up && !vp->connected) {
            vp->connects++;
        } else if (!up && vp->connected) {
            vp->disconnects++;
            /* destroy_device() forgets the vring states without queue events. */
            vp->rxq_enabled = vp->txq_enabled = 0;
        }
        vp->connected = up;
    } else if (type == RTE_ETH_EVENT_QUEUE_STATE) {
        struct rte_eth_vhost_queue_event ev;
        /* Several changes may come with one callback: drain them all (bounded by the vrings). */
        for (int i = 0; i < 2 * RTE_MAX_QUEUES_PER_PORT
                        && !rte_eth_vhost_get_queue_event(port_id, &ev); i++) {
            if (ev.queue_id >= 32) {
                continue;
            }
            uint32_t *mask = ev.rx ? &vp->rxq_enabled : &vp->txq_enabled;
            if (ev.enable) {
                *mask |= UINT32_C(1) << ev.queue_id;
            } else {
                *mask &= ~(UINT32_C(1) << ev.queue_id);
            }
        }
    }
    rte_spinlock_unlock(&vp->lock);
    wake_main_loop();
    return 0;
}

/* ---- Checksum completion (PMD threads, inside rte_eth_rx_burst()). ---- */

/* A guest that negotiated VIRTIO_NET_F_CSUM hands over TCP/UDP packets whose checksum field holds
 * only the pseudo-header sum; rte_vhost flags them RTE_MBUF_F_RX_L4_CKSUM_NONE. Complete the
 * checksum in software so that the packet can leave through any port. Lengths come from the
 * packet's own headers and are checked against the mbuf, so a lying guest gets a wrong checksum
 * at worst, never a read outside the packet. Multi-segment packets (only with jumbo frames) and
 * IPv6 with extension headers are left as they are. */
static void
complete_l4_csum(struct rte_mbuf *m)
{
    struct rte_net_hdr_lens hl;
    uint32_t ptype = rte_net_get_ptype(m, &hl, RTE_PTYPE_L2_MASK | RTE_PTYPE_L3_MASK
                                               | RTE_PTYPE_L4_MASK);
    uint32_t l4 = ptype & RTE_PTYPE_L4_MASK;
    uint32_t l4_off = hl.l2_len + hl.l3_len;
    uint32_t l4_len, csum_off;
    uint32_t sum;

    if (m->nb_segs != 1 || (l4 != RTE_PTYPE_L4_TCP && l4 != RTE_PTYPE_L4_UDP)) {
        return;
    }
    csum_off = l4 == RTE_PTYPE_L4_TCP ? 16 : 6;
    uint8_t *l3 = rte_pktmbuf_mtod_offset(m, uint8_t *, hl.l2_len);
    if (RTE_ETH_IS_IPV4_HDR(ptype)) {
        const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *) l3;
        uint32_t tot = rte_be_to_cpu_16(ip->total_length);
        if (tot < hl.l3_len || hl.l2_len + tot > m->data_len) {
            return;
        }
        l4_len = tot - hl.l3_len;
        if (l4_len < csum_off + 2) {
            return;
        }
        uint8_t *p = l3 + hl.l3_len;
        memset(p + csum_off, 0, 2);
        sum = rte_ipv4_phdr_cksum(ip, 0) + rte_raw_cksum(p, l4_len);
    } else if (RTE_ETH_IS_IPV6_HDR(ptype) && hl.l3_len == sizeof(struct rte_ipv6_hdr)) {
        const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *) l3;
        l4_len = rte_be_to_cpu_16(ip6->payload_len);
        if (l4_off + l4_len > m->data_len || l4_len < csum_off + 2) {
            return;
        }
        uint8_t *p = l3 + hl.l3_len;
        memset(p + csum_off, 0, 2);
        sum = rte_ipv6_phdr_cksum(ip6, 0) + rte_raw_cksum(p, l4_len);
    } else {
        return;
    }
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    uint16_t csum = (uint16_t) ~sum;
    if (csum == 0 && l4 == RTE_PTYPE_L4_UDP) {
        csum = 0xffff;
    }
    memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, l4_off + csum_off), &csum, 2);
    m->ol_flags = (m->ol_flags & ~RTE_MBUF_F_RX_L4_CKSUM_MASK) | RTE_MBUF_F_RX_L4_CKSUM_GOOD;
}

uint16_t
netdev_vhost_complete_csums(struct rte_mbuf *pkts[], uint16_t n)
{
    for (uint16_t i = 0; i < n; i++) {
        if (unlikely((pkts[i]->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK)
                     == RTE_MBUF_F_RX_L4_CKSUM_NONE)) {
            complete_l4_csum(pkts[i]);
        }
    }
    return n;
}

static uint16_t
vhost_rx_cb(uint16_t port_id, uint16_t queue, struct rte_mbuf *pkts[], uint16_t n,
            uint16_t max_pkts, void *arg)
{
    (void) port_id;
    (void) queue;
    (void) max_pkts;
    (void) arg;
    return netdev_vhost_complete_csums(pkts, n);
}

/* ---- Open and close. ---- */

/* The MTU the datapath enforces on frames from the guest (dev->max_frame): mtu_request if set,
 * else the MTU the guest was given (QEMU host_mtu), else 1500. */
static void
port_set_mtu(struct vhost_port *vp, unsigned mtu)
{
    if (vp->dev && vp->dev->mtu != mtu) {
        vp->dev->mtu = (uint16_t) mtu;
        __atomic_store_n(&vp->dev->max_frame, mtu + RTE_ETHER_HDR_LEN + 2 * RTE_VLAN_HLEN,
                         __ATOMIC_RELAXED);
        VLOG_INFO("port %s: MTU %u", vp->name, mtu);
    }
}

/* Applies owner, group and mode (each NULL to leave alone) to the server socket PATH. */
static char *
apply_sock_perms(const char *path, const char *owner, const char *group, const char *mode)
{
    uid_t uid = (uid_t) -1;
    gid_t gid = (gid_t) -1;
    uint64_t v;

    if (owner && *owner) {
        struct passwd *pw = getpwnam(owner);
        if (pw) {
            uid = pw->pw_uid;
        } else if (str_to_uint64(owner, 10, UINT32_MAX - 1, &v)) {
            uid = (uid_t) v;
        } else {
            return xasprintf("vhost-sock-owner=%s: no such user", owner);
        }
    }
    if (group && *group) {
        struct group *gr = getgrnam(group);
        if (gr) {
            gid = gr->gr_gid;
        } else if (str_to_uint64(group, 10, UINT32_MAX - 1, &v)) {
            gid = (gid_t) v;
        } else {
            return xasprintf("vhost-sock-group=%s: no such group", group);
        }
    }
    if ((uid != (uid_t) -1 || gid != (gid_t) -1) && chown(path, uid, gid)) {
        return xasprintf("cannot change the owner of %s to %s:%s: %s", path,
                         owner ? owner : "-", group ? group : "-", strerror(errno));
    }
    if (mode && *mode) {
        if (!str_to_uint64(mode, 8, 07777, &v)) {
            return xasprintf("vhost-sock-mode=%s is not an octal mode such as 0660", mode);
        }
        if (chmod(path, (mode_t) v)) {
            return xasprintf("cannot set mode %s on %s: %s", mode, path, strerror(errno));
        }
    }
    return NULL;
}

/* For a server socket: fails if PATH is a socket someone listens on; removes a stale one. */
static char *
check_server_path(const char *path)
{
    struct stat st;

    if (lstat(path, &st)) {
        return NULL;
    }
    if (!S_ISSOCK(st.st_mode)) {
        return xasprintf("%s exists and is not a socket", path);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sun;
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    strlcpy(sun.sun_path, path, sizeof sun.sun_path);
    bool in_use = fd >= 0 && !connect(fd, (struct sockaddr *) &sun, sizeof sun);
    if (fd >= 0) {
        close(fd);
    }
    if (in_use) {
        return xasprintf("socket %s is in use by another process", path);
    }
    unlink(path);               /* Left over by a process that died. */
    return NULL;
}

/* The socket path of the port, or NULL with *ERRP. */
static char *
socket_path(const char *name, bool server, char *vals[CK_N], char **errp)
{
    char *path;

    if (!server) {
        if (!vals[CK_SERVER_PATH] || !*vals[CK_SERVER_PATH]) {
            *errp = xasprintf("type dpdkvhostuserclient needs options:vhost-server-path (the "
                              "socket QEMU listens on, as in -chardev socket,path=P,server=on)");
            return NULL;
        }
        path = xstrdup(vals[CK_SERVER_PATH]);
    } else {
        const char *dir = vals[CK_SOCK_DIR] && *vals[CK_SOCK_DIR] ? vals[CK_SOCK_DIR] : NULL;
        char *full_dir = !dir ? xstrdup(uvs_rundir())
                         : dir[0] == '/' ? xstrdup(dir) : xasprintf("%s/%s", uvs_rundir(), dir);
        if (mkdir(full_dir, 0755) && errno != EEXIST) {
            *errp = xasprintf("cannot create other_config:vhost-sock-dir %s: %s", full_dir,
                              strerror(errno));
            free(full_dir);
            return NULL;
        }
        path = xasprintf("%s/%s", full_dir, name);
        free(full_dir);
    }
    if (strchr(path, ',')) {
        *errp = xasprintf("vhost-user socket path %s contains a comma, which DPDK device "
                          "arguments cannot carry", path);
        free(path);
        return NULL;
    }
    if (strlen(path) >= sizeof ((struct sockaddr_un *) 0)->sun_path) {
        *errp = xasprintf("vhost-user socket path %s is longer than the %zu bytes a Unix socket "
                          "path may have", path,
                          sizeof ((struct sockaddr_un *) 0)->sun_path - 1);
        free(path);
        return NULL;
    }
    return path;
}

static void
unregister_callbacks(struct vhost_port *vp)
{
    static const enum rte_eth_event_type events[] = {
        RTE_ETH_EVENT_INTR_LSC, RTE_ETH_EVENT_QUEUE_STATE,
    };
    for (size_t i = 0; i < ARRAY_SIZE(events); i++) {
        /* -EAGAIN while the callback runs on the vhost thread: wait for it (short, bounded). */
        for (int tries = 0; tries < 5000; tries++) {
            if (rte_eth_dev_callback_unregister(vp->port_id, events[i], vhost_event_cb, vp)
                != -EAGAIN) {
                break;
            }
            usleep(1000);
        }
    }
}

static void
vhost_port_free(struct vhost_port *vp)
{
    if (vp) {
        free(vp->name);
        free(vp->path);
        free(vp);
    }
}

/* Configures, sets up and starts the ethdev with MAX_QP queue pairs. Returns 0 or -errno. */
static int
vhost_dev_start(struct vhost_port *vp, const char *devargs, char **errp)
{
    struct rte_eth_conf conf;
    uint16_t qp = (uint16_t) vp->max_qp;
    int ret;

    memset(&conf, 0, sizeof conf);
    ret = rte_eth_dev_configure(vp->port_id, qp, qp, &conf);
    if (ret) {
        *errp = xasprintf("cannot configure DPDK device '%s' with %u queue pairs: %s (see the "
                          "log for the vhost library's reason)", devargs, qp, rte_strerror(-ret));
        return ret;
    }
    int socket = rte_eth_dev_socket_id(vp->port_id);
    if (socket < 0) {
        socket = (int) rte_socket_id();
    }
    for (uint16_t q = 0; q < qp; q++) {
        ret = rte_eth_rx_queue_setup(vp->port_id, q, VHOST_RX_DESC, (unsigned) socket, NULL,
                                     netdev_dpdk_mbuf_pool());
        if (!ret) {
            ret = rte_eth_tx_queue_setup(vp->port_id, q, VHOST_TX_DESC, (unsigned) socket, NULL);
        }
        if (ret) {
            *errp = xasprintf("cannot set up queue pair %u of DPDK device '%s': %s", q, devargs,
                              rte_strerror(-ret));
            return ret;
        }
    }
    ret = rte_eth_dev_start(vp->port_id);
    if (ret) {
        *errp = xasprintf("cannot start DPDK device '%s': %s", devargs, rte_strerror(-ret));
        return ret;
    }
    for (uint16_t q = 0; q < qp && q < NETDEV_MAX_RXQ; q++) {
        vp->rx_cbs[q] = rte_eth_add_rx_callback(vp->port_id, q, vhost_rx_cb, vp);
    }
    return 0;
}

struct netdev_dpdk *
netdev_vhost_open(const char *name, const char *type, const char *config, unsigned n_txq_wanted,
                  char **errp)
{
    char *vals[CK_N];
    struct vhost_port *vp = NULL;
    char *devargs = NULL;
    char *vdev_name = NULL;
    bool probed = false;
    uint16_t port_id;
    int ret;

    *errp = NULL;
    parse_config(config, vals);
    bool server = !strcmp(type, "dpdkvhostuser");
    uint64_t max_qp = NETDEV_VHOST_DEFAULT_MAX_QP;
    if (vals[CK_MAX_QP] && !str_to_uint64(vals[CK_MAX_QP], 10, NETDEV_MAX_RXQ, &max_qp)) {
        *errp = xasprintf("options:vhost-max-queue-pairs=%s is not a number from 1 to %d",
                          vals[CK_MAX_QP], NETDEV_MAX_RXQ);
        goto out;
    }
    if (max_qp < 1) {
        max_qp = 1;
    }
    if (strchr(name, ',') || strlen(name) > RTE_DEV_NAME_MAX_LEN - sizeof "net_vhost_") {
        *errp = xasprintf("interface name %s cannot name a DPDK device (a comma, or longer "
                          "than %zu bytes)", name, RTE_DEV_NAME_MAX_LEN - sizeof "net_vhost_");
        goto out;
    }
    vp = xzalloc(sizeof *vp);
    rte_spinlock_init(&vp->lock);
    vp->name = xstrdup(name);
    vp->server = server;
    vp->max_qp = (unsigned) max_qp;
    vp->path = socket_path(name, server, vals, errp);
    if (!vp->path) {
        goto out;
    }
    /* rte_vhost knows sockets by path: a second port on one path would share (and on close
     * unregister) the first one's socket. */
    for (unsigned p = 0; p < RTE_MAX_ETHPORTS; p++) {
        if (vhost_ports[p] && !strcmp(vhost_ports[p]->path, vp->path)) {
            *errp = xasprintf("vhost-user socket %s is already used by port %s", vp->path,
                              vhost_ports[p]->name);
            goto out;
        }
    }
    if (server && (*errp = check_server_path(vp->path))) {
        goto out;
    }
    if (wake_fd < 0) {
        wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    }

    vdev_name = xasprintf("net_vhost_%s", name);
    devargs = xasprintf("%s,iface=%s,queues=%u,client=%d", vdev_name, vp->path, vp->max_qp,
                        server ? 0 : 1);
    ret = rte_dev_probe(devargs);
    if (ret < 0) {
        *errp = xasprintf("cannot create vhost-user device '%s': %s (see the log for DPDK's "
                          "reason)", devargs, rte_strerror(-ret));
        goto out;
    }
    probed = true;
    if (rte_eth_dev_get_port_by_name(vdev_name, &port_id)) {
        *errp = xasprintf("vhost-user device '%s' was created but no ethdev port appeared",
                          devargs);
        goto out;
    }
    vp->port_id = port_id;
    /* Before configure: that is when net_vhost starts the vhost driver, and events may follow. */
    rte_eth_dev_callback_register(port_id, RTE_ETH_EVENT_INTR_LSC, vhost_event_cb, vp);
    rte_eth_dev_callback_register(port_id, RTE_ETH_EVENT_QUEUE_STATE, vhost_event_cb, vp);
    vhost_ports[port_id] = vp;
    if (vhost_dev_start(vp, devargs, errp)) {
        goto out;
    }
    if (server) {
        char *perr = apply_sock_perms(vp->path, vals[CK_OWNER], vals[CK_GROUP], vals[CK_MODE]);
        if (perr) {
            *errp = xasprintf("vhost-user socket %s: %s", vp->path, perr);
            free(perr);
            goto out;
        }
    }

    struct netdev_dpdk *dev = xzalloc(sizeof *dev);
    dev->name = xstrdup(name);
    dev->type = xstrdup(type);
    dev->devargs = devargs;
    dev->port_id = port_id;
    dev->n_rxq = 1;              /* Until the guest enables more (netdev_vhost_set_n_queues()). */
    dev->n_txq = 1;
    dev->max_rxq = (uint16_t) vp->max_qp;
    dev->n_txq_wanted = n_txq_wanted;
    dev->txq_shared = n_txq_wanted > 1;
    dev->started = true;
    dev->probed_by_us = true;
    vp->dev = dev;
    port_set_mtu(vp, RTE_ETHER_MTU);    /* mtu_request comes later: netdev_vhost_set_mtu(). */
    for (unsigned q = 0; q < NETDEV_MAX_TXQ; q++) {
        rte_spinlock_init(&dev->tx_lock[q]);
    }
    struct rte_ether_addr ea;
    if (!rte_eth_macaddr_get(port_id, &ea)) {
        memcpy(dev->mac.ea, ea.addr_bytes, ETH_ADDR_LEN);
    }
    VLOG_INFO("port %s: vhost-user %s on %s (DPDK port id %u, up to %u queue pairs)", name,
              server ? "server" : "client", vp->path, port_id, vp->max_qp);
    wake_main_loop();           /* A guest may already be there: let the bridge look. */
    for (int k = 0; k < CK_N; k++) {
        free(vals[k]);
    }
    free(vdev_name);
    return dev;

out:
    VLOG_WARN("port %s: %s", name, *errp);
    if (probed) {
        if (vp && vhost_ports[vp->port_id] == vp) {
            unregister_callbacks(vp);
            for (unsigned q = 0; q < NETDEV_MAX_RXQ; q++) {
                if (vp->rx_cbs[q]) {
                    rte_eth_remove_rx_callback(vp->port_id, (uint16_t) q, vp->rx_cbs[q]);
                    rte_free((void *) vp->rx_cbs[q]);
                }
            }
            vhost_ports[vp->port_id] = NULL;
            rte_eth_dev_stop(vp->port_id);
            rte_eth_dev_close(vp->port_id);
        }
        rte_eal_hotplug_remove("vdev", vdev_name);
    }
    for (int k = 0; k < CK_N; k++) {
        free(vals[k]);
    }
    vhost_port_free(vp);
    free(devargs);
    free(vdev_name);
    return NULL;
}

void
netdev_vhost_close_prepare(struct netdev_dpdk *dev)
{
    struct vhost_port *vp = vhost_ports[dev->port_id];

    if (!vp) {
        return;
    }
    unregister_callbacks(vp);
    /* The PMDs let go of the port before the datapath closes it: no rx burst runs now. */
    for (unsigned q = 0; q < NETDEV_MAX_RXQ; q++) {
        if (vp->rx_cbs[q]) {
            rte_eth_remove_rx_callback(vp->port_id, (uint16_t) q, vp->rx_cbs[q]);
            rte_free((void *) vp->rx_cbs[q]);
        }
    }
    vhost_ports[dev->port_id] = NULL;
    vhost_port_free(vp);
}

/* ---- Queues, events and status. ---- */

int
netdev_vhost_set_mtu(struct netdev_dpdk *dev, unsigned mtu, char **errp)
{
    struct vhost_port *vp = vhost_ports[dev->port_id];

    *errp = NULL;
    if (!vp || mtu < RTE_ETHER_MIN_MTU || mtu > UINT16_MAX - RTE_ETHER_HDR_LEN) {
        *errp = xasprintf("port %s: mtu_request=%u is out of range (%u to %u)", dev->name, mtu,
                          RTE_ETHER_MIN_MTU, UINT16_MAX - RTE_ETHER_HDR_LEN);
        return -EINVAL;
    }
    vp->mtu_request = mtu;
    port_set_mtu(vp, mtu);
    return 0;
}

int
netdev_vhost_set_n_queues(struct netdev_dpdk *dev, unsigned n, char **errp)
{
    struct vhost_port *vp = vhost_ports[dev->port_id];

    *errp = NULL;
    if (!vp || n < 1 || n > vp->max_qp) {
        *errp = xasprintf("port %s: %u queue pairs is out of range (1 to %u; raise "
                          "options:vhost-max-queue-pairs for more)", dev->name, n,
                          vp ? vp->max_qp : 1);
        return -EINVAL;
    }
    dev->n_rxq = (uint16_t) n;
    dev->n_txq = (uint16_t) n;
    dev->txq_shared = RTE_MAX(dev->n_senders, dev->n_txq_wanted) > n;
    VLOG_INFO("port %s: the guest uses %u queue pair%s: polling %u rx queue%s, sending on %u%s",
              dev->name, n, n == 1 ? "" : "s", n, n == 1 ? "" : "s", n,
              dev->txq_shared ? " (shared)" : "");
    return 0;
}

unsigned
netdev_vhost_n_queues(const struct netdev_dpdk *dev)
{
    struct vhost_port *vp = vhost_ports[dev->port_id];
    unsigned n = 0;

    if (!vp) {
        return 1;
    }
    rte_spinlock_lock(&vp->lock);
    uint32_t mask = vp->rxq_enabled & vp->txq_enabled;
    bool over = (vp->rxq_enabled | vp->txq_enabled) >> vp->max_qp;
    rte_spinlock_unlock(&vp->lock);
    /* Queue pairs 0..n-1 where both directions are enabled (Linux enables them in order). */
    while (n < vp->max_qp && (mask & (UINT32_C(1) << n))) {
        n++;
    }
    if (over) {
        rte_spinlock_lock(&vp->lock);
        snprintf(vp->last_error, sizeof vp->last_error, "the guest enabled more queue pairs "
                 "than options:vhost-max-queue-pairs=%u; the others are not served", vp->max_qp);
        rte_spinlock_unlock(&vp->lock);
    }
    return n ? n : 1;
}

bool
netdev_vhost_run(void)
{
    if (wake_fd >= 0) {
        uint64_t v;
        ssize_t n = read(wake_fd, &v, sizeof v);
        (void) n;
    }
    uint64_t seq = __atomic_load_n(&event_seq, __ATOMIC_ACQUIRE);
    if (seq == seen_seq) {
        return false;
    }
    seen_seq = seq;
    for (unsigned p = 0; p < RTE_MAX_ETHPORTS; p++) {
        struct vhost_port *vp = vhost_ports[p];
        if (!vp || vp->mtu_request > 0) {
            continue;
        }
        int vid = rte_eth_vhost_get_vid_from_port_id((uint16_t) p);
        uint16_t mtu;
        port_set_mtu(vp, vid >= 0 && !rte_vhost_get_mtu(vid, &mtu) && mtu ? mtu : RTE_ETHER_MTU);
    }
    return true;
}

void
netdev_vhost_wait(void)
{
    if (wake_fd >= 0) {
        poll_fd_wait(wake_fd, POLLIN);
    }
}

void
netdev_vhost_status(const struct netdev_dpdk *dev,
                    void (*add)(void *aux, const char *key, const char *value), void *aux)
{
    struct vhost_port *vp = vhost_ports[dev->port_id];
    char buf[64];

    if (!vp) {
        return;
    }
    rte_spinlock_lock(&vp->lock);
    bool connected = vp->connected;
    uint64_t connects = vp->connects, disconnects = vp->disconnects;
    char last_error[sizeof vp->last_error];
    memcpy(last_error, vp->last_error, sizeof last_error);
    rte_spinlock_unlock(&vp->lock);

    add(aux, "mode", vp->server ? "server" : "client");
    add(aux, "socket", vp->path);
    add(aux, "status", connected ? "connected" : "disconnected");
    snprintf(buf, sizeof buf, "%u", netdev_vhost_n_queues(dev));
    add(aux, "n_queue_pairs", buf);
    snprintf(buf, sizeof buf, "%u", vp->max_qp);
    add(aux, "max_queue_pairs", buf);
    snprintf(buf, sizeof buf, "%" PRIu64, connects);
    add(aux, "connects", buf);
    snprintf(buf, sizeof buf, "%" PRIu64, disconnects);
    add(aux, "disconnects", buf);

    int vid = connected ? rte_eth_vhost_get_vid_from_port_id(dev->port_id) : -1;
    if (vid >= 0) {
        uint64_t features;
        uint16_t mtu;
        if (!rte_vhost_get_negotiated_features(vid, &features)) {
            snprintf(buf, sizeof buf, "0x%016" PRIx64, features);
            add(aux, "features", buf);
        }
        snprintf(buf, sizeof buf, "%u", rte_vhost_get_vring_num(vid));
        add(aux, "num_of_vrings", buf);
        int r = rte_vhost_get_mtu(vid, &mtu);
        if (!r) {
            snprintf(buf, sizeof buf, "%u", mtu);
            add(aux, "guest_mtu", buf);
        }
        /* Without VIRTIO_NET_F_MTU the guest starts with 1500. */
        if (vp->mtu_request > 0 && (r ? vp->mtu_request != RTE_ETHER_MTU
                                      : mtu != vp->mtu_request)) {
            if (r) {
                snprintf(last_error, sizeof last_error, "mtu_request=%lld cannot reach the "
                         "guest: it did not negotiate VIRTIO_NET_F_MTU (give QEMU's "
                         "virtio-net device host_mtu=%lld)", (long long) vp->mtu_request,
                         (long long) vp->mtu_request);
            } else {
                snprintf(last_error, sizeof last_error, "mtu_request=%lld differs from the "
                         "guest's MTU %u (QEMU's host_mtu)", (long long) vp->mtu_request, mtu);
            }
        }
    }
    if (last_error[0]) {
        add(aux, "last_error", last_error);
    }
}
