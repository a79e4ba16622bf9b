/* netdev-dpdk — DPDK EAL start-up and ethdev ports. See netdev-dpdk.h. */
#include "pmd/netdev-dpdk.h"

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mempool.h>
#include <rte_version.h>

#include "lib/util.h"
#include "lib/vlog.h"
#include "pmd/netdev-vhost.h"

VLOG_DEFINE_THIS_MODULE(netdev_dpdk);

#define RX_DESC 1024
#define TX_DESC 1024
#define MBUF_CACHE 256
#define DEFAULT_N_MBUFS_HUGE 65536
#define DEFAULT_N_MBUFS_NO_HUGE 65536

static bool eal_initialized;
static bool eal_no_huge;
static struct rte_mempool *mbuf_pool;
static unsigned mbuf_pool_size;

bool
dpdk_is_initialized(void)
{
    return eal_initialized;
}

bool
dpdk_no_huge(void)
{
    return eal_no_huge;
}

const char *
dpdk_version_string(void)
{
    return rte_version();
}

/* Free 2 MB or 1 GB hugepages according to /proc/meminfo (HugePages_Free). */
static long
free_hugepages(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    long n = 0;

    if (!f) {
        return 0;
    }
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "HugePages_Free: %ld", &n) == 1) {
            break;
        }
    }
    fclose(f);
    return n;
}

static bool
hugetlbfs_mounted(void)
{
    FILE *f = fopen("/proc/mounts", "r");
    char line[512];
    bool found = false;

    if (!f) {
        return false;
    }
    while (fgets(line, sizeof line, f)) {
        if (strstr(line, " hugetlbfs ")) {
            found = true;
            break;
        }
    }
    fclose(f);
    return found;
}

/* Converts a hex mask ("0x3", "3") or a list ("0,2-3") into an EAL -l list. Returns malloc'd string
 * or NULL if SPEC is invalid. */
static char *
cpu_spec_to_list(const char *spec)
{
    struct ds ds = DS_EMPTY_INITIALIZER;

    if (strchr(spec, ',') || strchr(spec, '-')) {
        for (const char *p = spec; *p; p++) {
            if (!isdigit((unsigned char) *p) && *p != ',' && *p != '-') {
                return NULL;
            }
        }
        return xstrdup(spec);
    }
    uint64_t mask;
    const char *hex = spec;
    if (!strncmp(hex, "0x", 2) || !strncmp(hex, "0X", 2)) {
        hex += 2;
    }
    if (!str_to_uint64(hex, 16, UINT64_MAX, &mask) || !mask) {
        return NULL;
    }
    for (int i = 0; i < 64; i++) {
        if (mask & (UINT64_C(1) << i)) {
            ds_put_format(&ds, "%s%d", ds.len ? "," : "", i);
        }
    }
    return ds_steal_cstr(&ds);
}

int
dpdk_init(const struct dpdk_config *cfg)
{
    char *argv[64];
    int argc = 0;
    char *lcores;
    char *extra_copy = NULL;

    if (eal_initialized) {
        return 0;
    }

    lcores = cpu_spec_to_list(cfg->lcore_mask ? cfg->lcore_mask : "0x1");
    if (!lcores) {
        VLOG_ERR("other_config:dpdk-lcore-mask=%s is not a hex CPU mask or CPU list; using core 0",
                 cfg->lcore_mask);
        lcores = xstrdup("0");
    }
    /* Only the first lcore matters: the main thread. PMD threads are our own pinned threads. */
    char *comma = strchr(lcores, ',');
    if (comma) {
        *comma = '\0';
    }
    char *dash = strchr(lcores, '-');
    if (dash) {
        *dash = '\0';
    }

    argv[argc++] = xstrdup(program_name());
    argv[argc++] = xstrdup("-l");
    argv[argc++] = lcores;
    /* --in-memory (set below with hugepages) or --no-shconf (without, where --in-memory is not
     * allowed): no files shared with other DPDK processes, so instances never collide. */
    int mem_mode_arg = argc++;
    argv[argc++] = xasprintf("--file-prefix=uvs%ld", (long) getpid());

    bool user_mem = false;
    bool telemetry = false;
    if (cfg->extra) {
        extra_copy = xstrdup(cfg->extra);
        char *save = NULL;
        for (char *tok = strtok_r(extra_copy, " \t", &save); tok && argc < 56;
             tok = strtok_r(NULL, " \t", &save)) {
            if (!strcmp(tok, "--no-huge")) {
                eal_no_huge = true;
            }
            if (!strcmp(tok, "-m") || !strcmp(tok, "--socket-mem")) {
                user_mem = true;
            }
            if (!strcmp(tok, "--telemetry") || !strcmp(tok, "--no-telemetry")) {
                telemetry = true;       /* The user decides. */
            }
            argv[argc++] = xstrdup(tok);
        }
    }

    long free_hp = free_hugepages();
    if (!eal_no_huge && (free_hp <= 0 || !hugetlbfs_mounted())) {
        VLOG_WARN("hugepages unavailable (%s): running DPDK with --no-huge; performance will be "
                  "lower. Reserve hugepages (scripts/setup does) and restart for full speed.",
                  free_hp <= 0 ? "no free pages in /proc/meminfo HugePages_Free"
                               : "hugetlbfs is not mounted");
        eal_no_huge = true;
        argv[argc++] = xstrdup("--no-huge");
    }
    argv[mem_mode_arg] = xstrdup(eal_no_huge ? "--no-shconf" : "--in-memory");
    if (!telemetry) {
        /* No listener that was not asked for (docs/security.md): DPDK's telemetry socket only
         * with other_config:dpdk-extra="--telemetry". */
        argv[argc++] = xstrdup("--no-telemetry");
    }
    if (eal_no_huge && !user_mem) {
        argv[argc++] = xstrdup("-m");
        argv[argc++] = xstrdup("1024");
    } else if (!eal_no_huge && cfg->socket_mem && !user_mem) {
        argv[argc++] = xasprintf("--socket-mem=%s", cfg->socket_mem);
    }
    argv[argc] = NULL;

    struct ds cmd = DS_EMPTY_INITIALIZER;
    for (int i = 0; i < argc; i++) {
        ds_put_format(&cmd, " %s", argv[i]);
    }
    VLOG_INFO("EAL ARGS:%s", ds_cstr(&cmd));
    ds_destroy(&cmd);

    /* rte_eal_init() may permute argv; keep our own copy to free. */
    char *argv_copy[64];
    memcpy(argv_copy, argv, sizeof argv);
    int ret = rte_eal_init(argc, argv);
    for (int i = 0; i < argc; i++) {
        free(argv_copy[i]);
    }
    free(extra_copy);
    if (ret < 0) {
        int err = rte_errno;
        VLOG_ERR("DPDK EAL initialization failed: %s", rte_strerror(err));
        return -(err ? err : EINVAL);
    }

    mbuf_pool_size = cfg->n_mbufs ? cfg->n_mbufs
                                  : eal_no_huge ? DEFAULT_N_MBUFS_NO_HUGE : DEFAULT_N_MBUFS_HUGE;
    mbuf_pool = rte_pktmbuf_pool_create("uvs_mbufs", mbuf_pool_size - 1, MBUF_CACHE, 0,
                                        RTE_MBUF_DEFAULT_BUF_SIZE, (int) rte_socket_id());
    if (!mbuf_pool) {
        int err = rte_errno;
        VLOG_ERR("cannot create packet buffer pool of %u mbufs: %s (lower other_config:n-mbufs or "
                 "reserve more hugepages)", mbuf_pool_size, rte_strerror(err));
        return -(err ? err : ENOMEM);
    }
    eal_initialized = true;
    VLOG_INFO("DPDK %s initialized (%s), %u mbufs", rte_version(),
              eal_no_huge ? "no hugepages" : "hugepages", mbuf_pool_size);
    return 0;
}

/* Returns the devargs string to probe for an interface, or NULL for an unsupported type. */
static char *
devargs_for(const char *name, const char *type, const char *devargs)
{
    if (!strcmp(type, "dpdk")) {
        return devargs && *devargs ? xstrdup(devargs) : NULL;
    } else if (!strcmp(type, "") || !strcmp(type, "system")) {
        return xasprintf("net_af_packet_%s,iface=%s", name, name);
    } else if (!strcmp(type, "internal")) {
        /* DEVARGS, if given, adds tap options such as "mac=02:..:..". */
        return devargs && *devargs ? xasprintf("net_tap_%s,iface=%s,%s", name, name, devargs)
                                   : xasprintf("net_tap_%s,iface=%s", name, name);
    } else if (!strcmp(type, "afxdp")) {
        return xasprintf("net_af_xdp_%s,iface=%s,start_queue=0,queue_count=1", name, name);
    }
    return NULL;
}

/* The longest frame a port with MTU accepts: the L3 MTU plus an Ethernet header and up to two
 * VLAN tags (802.1ad + 802.1Q), no FCS (DPDK strips it). */
static uint32_t
max_frame_for(unsigned mtu)
{
    return mtu + RTE_ETHER_HDR_LEN + 2 * RTE_VLAN_HLEN;
}

/* DPDK's af_packet driver creates its socket for every protocol (ETH_P_ALL) and sets up its
 * receive ring before it binds the socket to its interface: frames from every interface of the
 * host that arrive in that window land in the new port's ring. Forwarded as if received on the new
 * port, they taught MAC learning that other ports' hosts live there (measured: a ping between two
 * other ports lost 1-3% of its packets, with duplicates, while a system port was added and removed
 * in a loop). Throw away what the ring holds before the port is polled (a freshly opened port has
 * nothing of its own worth keeping). Main thread, before the port is in any poll list. */
static void
af_packet_drain(const struct netdev_dpdk *dev)
{
    struct rte_mbuf *pkts[32];
    unsigned n_drained = 0;

    for (uint16_t q = 0; q < dev->n_rxq; q++) {
        for (int tries = 0; tries < 64; tries++) {
            uint16_t n = rte_eth_rx_burst(dev->port_id, q, pkts, RTE_DIM(pkts));
            if (!n) {
                break;
            }
            rte_pktmbuf_free_bulk(pkts, n);
            n_drained += n;
        }
    }
    if (n_drained) {
        VLOG_INFO("port %s: discarded %u frame%s that DPDK's af_packet driver captured from other "
                  "interfaces before binding to %s", dev->name, n_drained,
                  n_drained == 1 ? "" : "s", dev->name);
    }
}

/* Finds the ethdev created by probing DEVARGS. Returns 0 and *PORT_ID or -ENODEV. */
static int
find_port(const char *devargs, uint16_t *port_id)
{
    struct rte_dev_iterator it;
    uint16_t id;

    RTE_ETH_FOREACH_MATCHING_DEV(id, devargs, &it) {
        *port_id = id;
        rte_eth_iterator_cleanup(&it);
        return 0;
    }
    char name[RTE_DEV_NAME_MAX_LEN];
    strlcpy(name, devargs, sizeof name);
    name[strcspn(name, ",")] = '\0';
    if (!rte_eth_dev_get_port_by_name(name, &id)) {
        *port_id = id;
        return 0;
    }
    return -ENODEV;
}

/* Configures PORT_ID with N_RXQ rx queues (RSS over IP/TCP/UDP when more than one and the driver
 * hashes) and up to N_TXQ_WANTED tx queues, sets the queues up and starts the device. Some drivers
 * (tap) want as many tx as rx queues: then tx falls back to N_RXQ queues (shared by the senders
 * with a lock, see netdev_dpdk_set_n_senders()). Returns 0 with *N_RXQP and *N_TXQP, or -errno with *ERRP. */
static int
dev_setup(uint16_t port_id, const char *devargs, const struct rte_eth_dev_info *info,
          unsigned n_rxq, unsigned n_txq_wanted, unsigned *n_rxqp, unsigned *n_txqp, char **errp)
{
    struct rte_eth_conf conf;
    unsigned n_txq = n_txq_wanted ? n_txq_wanted : 1;
    int ret;

    if (n_txq > info->max_tx_queues) {
        n_txq = info->max_tx_queues ? info->max_tx_queues : 1;
    }
    n_txq = RTE_MIN(n_txq, (unsigned) NETDEV_MAX_TXQ);
    memset(&conf, 0, sizeof conf);
    uint64_t rss_hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP)
                      & info->flow_type_rss_offloads;
    if (n_rxq > 1 && rss_hf) {
        conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
        conf.rx_adv_conf.rss_conf.rss_hf = rss_hf;
    }
    ret = rte_eth_dev_configure(port_id, (uint16_t) n_rxq, (uint16_t) n_txq, &conf);
    if (ret && n_txq != n_rxq) {
        /* Some drivers (tap) want as many tx as rx queues: share them with a lock. */
        VLOG_INFO("DPDK device '%s' refused %u rx and %u tx queues (%s): using %u tx, shared "
                  "with a lock", devargs, n_rxq, n_txq, rte_strerror(-ret), n_rxq);
        n_txq = n_rxq;
        ret = rte_eth_dev_configure(port_id, (uint16_t) n_rxq, (uint16_t) n_txq, &conf);
    }
    if (ret) {
        *errp = xasprintf("cannot configure DPDK device '%s' with %u rx and %u tx queues: %s",
                          devargs, n_rxq, n_txq, rte_strerror(-ret));
        return ret;
    }
    int socket = rte_eth_dev_socket_id(port_id);
    if (socket < 0) {
        socket = (int) rte_socket_id();
    }
    uint16_t nb_rx = RX_DESC, nb_tx = TX_DESC;
    rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &nb_rx, &nb_tx);
    for (unsigned q = 0; q < n_rxq; q++) {
        ret = rte_eth_rx_queue_setup(port_id, (uint16_t) q, nb_rx, socket, NULL, mbuf_pool);
        if (ret) {
            *errp = xasprintf("cannot set up rx queue %u of DPDK device '%s': %s", q, devargs,
                              rte_strerror(-ret));
            return ret;
        }
    }
    for (unsigned q = 0; q < n_txq; q++) {
        ret = rte_eth_tx_queue_setup(port_id, (uint16_t) q, nb_tx, socket, NULL);
        if (ret) {
            *errp = xasprintf("cannot set up tx queue %u of DPDK device '%s': %s", q, devargs,
                              rte_strerror(-ret));
            return ret;
        }
    }
    ret = rte_eth_dev_start(port_id);
    if (ret) {
        *errp = xasprintf("cannot start DPDK device '%s': %s", devargs, rte_strerror(-ret));
        return ret;
    }
    *n_rxqp = n_rxq;
    *n_txqp = n_txq;
    return 0;
}

struct netdev_dpdk *
netdev_dpdk_open(const char *name, const char *type, const char *devargs_opt,
                 unsigned n_txq_wanted, char **errp)
{
    struct rte_eth_dev_info info;
    uint16_t port_id = 0;
    char *devargs;
    bool probed = false;
    int ret;

    *errp = NULL;
    if (!eal_initialized) {
        *errp = xasprintf("cannot open port %s: DPDK is not initialized", name);
        return NULL;
    }
    if (netdev_vhost_is_type(type)) {
        return netdev_vhost_open(name, type, devargs_opt, n_txq_wanted, errp);
    }
    devargs = devargs_for(name, type, devargs_opt);
    if (!devargs) {
        if (!strcmp(type, "dpdk")) {
            *errp = xasprintf("type dpdk needs options:dpdk-devargs (a PCI address or a vdev such "
                              "as net_pcap0,rx_pcap=FILE)");
        } else {
            *errp = xasprintf("unsupported interface type \"%s\" (supported: dpdk, internal, \"\" "
                              "or system for a kernel interface, afxdp, dpdkvhostuser, "
                              "dpdkvhostuserclient)", type);
        }
        return NULL;
    }

    char why[160];
    if (!strcmp(type, "afxdp") && !netdev_dpdk_af_xdp_available(why, sizeof why)) {
        *errp = xasprintf("cannot open %s as type afxdp: %s (use type \"\" for af_packet)",
                          name, why);
        free(devargs);
        return NULL;
    }
    if (find_port(devargs, &port_id)) {
        ret = rte_dev_probe(devargs);
        if (ret < 0 && ret != -EEXIST) {
            *errp = xasprintf("cannot open DPDK device '%s': %s (probe failed; see the log for "
                              "the driver's message)", devargs, rte_strerror(-ret));
            free(devargs);
            return NULL;
        }
        probed = true;
        if (find_port(devargs, &port_id)) {
            *errp = xasprintf("DPDK device '%s' was probed but no ethdev port appeared",
                              devargs);
            goto err_remove;
        }
    }

    ret = rte_eth_dev_info_get(port_id, &info);
    if (ret) {
        *errp = xasprintf("cannot query DPDK device '%s': %s", devargs, rte_strerror(-ret));
        goto err_remove;
    }
    unsigned n_txq = 0, n_rxq = 0;
    if (dev_setup(port_id, devargs, &info, 1, n_txq_wanted, &n_rxq, &n_txq, errp)) {
        goto err_remove;
    }
    /* Promiscuous mode is what a switch port needs; not every driver supports it. */
    ret = rte_eth_promiscuous_enable(port_id);
    if (ret && ret != -ENOTSUP) {
        VLOG_WARN("port %s: cannot enable promiscuous mode: %s", name, rte_strerror(-ret));
    }
    if (!strcmp(type, "internal")) {
        /* As in OVS, the bridge's own interface starts administratively down; the host brings
         * it up ("ip link set br0 up") when it wants to use it. */
        rte_eth_dev_set_link_down(port_id);
    } else {
        rte_eth_dev_set_link_up(port_id);
    }

    struct netdev_dpdk *dev = xzalloc(sizeof *dev);
    dev->name = xstrdup(name);
    dev->type = xstrdup(type);
    dev->devargs = devargs;
    dev->port_id = port_id;
    dev->n_rxq = (uint16_t) n_rxq;
    dev->n_txq = (uint16_t) n_txq;
    dev->n_txq_wanted = n_txq_wanted;
    dev->max_rxq = (uint16_t) RTE_MIN(info.max_rx_queues ? info.max_rx_queues : 1,
                                      NETDEV_MAX_RXQ);
    dev->txq_shared = n_txq < n_txq_wanted;
    dev->started = true;
    dev->probed_by_us = probed;
    /* The tap driver reads with one system call per poll even when idle. */
    dev->rx_syscall = info.driver_name && !strcmp(info.driver_name, "net_tap");
    for (unsigned q = 0; q < NETDEV_MAX_TXQ; q++) {
        rte_spinlock_init(&dev->tx_lock[q]);
    }
    struct rte_ether_addr ea;
    if (!rte_eth_macaddr_get(port_id, &ea)) {
        memcpy(dev->mac.ea, ea.addr_bytes, ETH_ADDR_LEN);
    }
    if (info.driver_name && !strcmp(info.driver_name, "net_af_packet")) {
        af_packet_drain(dev);
    }
    uint16_t mtu = RTE_ETHER_MTU;
    if (rte_eth_dev_get_mtu(port_id, &mtu) || !mtu) {
        mtu = RTE_ETHER_MTU;
    }
    dev->mtu = mtu;
    dev->max_frame = max_frame_for(mtu);
    VLOG_INFO("port %s: opened DPDK device '%s' (port id %u, driver %s, %u tx queue%s%s)", name,
              devargs, port_id, info.driver_name, n_txq, n_txq == 1 ? "" : "s",
              dev->txq_shared ? ", shared" : "");
    return dev;

err_remove:
    VLOG_WARN("port %s: %s", name, *errp);
    if (probed) {
        struct rte_eth_dev_info einfo;
        struct rte_device *rdev = NULL;
        if (!rte_eth_dev_info_get(port_id, &einfo)) {
            rdev = einfo.device;
        }
        rte_eth_dev_close(port_id);
        if (rdev) {
            rte_dev_remove(rdev);
        }
    }
    free(devargs);
    return NULL;
}

void
netdev_dpdk_close(struct netdev_dpdk *dev)
{
    if (!dev) {
        return;
    }
    if (netdev_vhost_is_type(dev->type)) {
        netdev_vhost_close_prepare(dev);
    }
    if (dev->started) {
        rte_eth_dev_stop(dev->port_id);
    }
    struct rte_eth_dev_info einfo;
    struct rte_device *rdev = NULL;
    if (!rte_eth_dev_info_get(dev->port_id, &einfo)) {
        rdev = einfo.device;
    }
    rte_eth_dev_close(dev->port_id);
    if (dev->probed_by_us && rdev) {
        int ret = rte_dev_remove(rdev);
        if (ret) {
            VLOG_DBG("port %s: removing device '%s': %s", dev->name, dev->devargs,
                     rte_strerror(-ret));
        }
    }
    VLOG_INFO("port %s: closed DPDK device '%s'", dev->name, dev->devargs);
    free(dev->name);
    free(dev->type);
    free(dev->devargs);
    free(dev);
}

int
netdev_dpdk_set_n_rxq(struct netdev_dpdk *dev, unsigned n_rxq, char **errp)
{
    struct rte_eth_dev_info info;
    unsigned got_rxq = 0, got_txq = 0;

    *errp = NULL;
    if (n_rxq == dev->n_rxq) {
        return 0;
    }
    if (netdev_vhost_is_type(dev->type)) {
        return netdev_vhost_set_n_queues(dev, n_rxq, errp);   /* Queues follow the guest. */
    }
    int ret = rte_eth_dev_info_get(dev->port_id, &info);
    if (ret) {
        *errp = xasprintf("port %s: cannot query DPDK device '%s': %s", dev->name, dev->devargs,
                          rte_strerror(-ret));
        return ret;
    }
    unsigned max = RTE_MIN(info.max_rx_queues ? info.max_rx_queues : 1u,
                           (unsigned) NETDEV_MAX_RXQ);
    if (n_rxq < 1 || n_rxq > max) {
        *errp = xasprintf("port %s: options:n_rxq=%u is out of range: DPDK device '%s' (driver "
                          "%s) supports 1 to %u rx queues", dev->name, n_rxq, dev->devargs,
                          info.driver_name, max);
        return -EINVAL;
    }
    rte_eth_dev_stop(dev->port_id);
    dev->started = false;
    ret = dev_setup(dev->port_id, dev->devargs, &info, n_rxq, dev->n_txq_wanted, &got_rxq,
                    &got_txq, errp);
    if (ret) {
        /* Try to get back to what worked. */
        char *err2 = NULL;
        if (!dev_setup(dev->port_id, dev->devargs, &info, dev->n_rxq, dev->n_txq_wanted,
                       &got_rxq, &got_txq, &err2)) {
            dev->started = true;
            dev->n_txq = (uint16_t) got_txq;
            dev->txq_shared = RTE_MAX(dev->n_senders, dev->n_txq_wanted) > got_txq;
        }
        free(err2);
        return ret;
    }
    dev->started = true;
    dev->n_rxq = (uint16_t) got_rxq;
    dev->n_txq = (uint16_t) got_txq;
    dev->txq_shared = RTE_MAX(dev->n_senders, dev->n_txq_wanted) > got_txq;
    rte_eth_promiscuous_enable(dev->port_id);
    if (strcmp(dev->type, "internal")) {
        rte_eth_dev_set_link_up(dev->port_id);
    }
    VLOG_INFO("port %s: %u rx queue%s%s, %u tx queue%s", dev->name, got_rxq,
              got_rxq == 1 ? "" : "s",
              got_rxq > 1 && (info.flow_type_rss_offloads & (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP
                                                            | RTE_ETH_RSS_UDP))
              ? " (RSS)" : "", got_txq, got_txq == 1 ? "" : "s");
    return 0;
}

struct rte_mempool *
netdev_dpdk_mbuf_pool(void)
{
    return mbuf_pool;
}

void
netdev_dpdk_set_n_senders(struct netdev_dpdk *dev, unsigned n_senders)
{
    dev->n_senders = n_senders;
    dev->txq_shared = n_senders > dev->n_txq;
}

uint16_t
netdev_dpdk_send(struct netdev_dpdk *dev, unsigned qid, struct rte_mbuf **pkts, uint16_t n)
{
    uint16_t q = (uint16_t) (qid % dev->n_txq);
    uint16_t sent = 0;

    if (dev->txq_shared) {
        rte_spinlock_lock(&dev->tx_lock[q]);
    }
    /* Retry a few times: some drivers accept partial bursts. */
    for (int tries = 0; sent < n && tries < 4; tries++) {
        uint16_t ret = rte_eth_tx_burst(dev->port_id, q, pkts + sent, n - sent);
        if (!ret) {
            break;
        }
        sent += ret;
    }
    if (dev->txq_shared) {
        rte_spinlock_unlock(&dev->tx_lock[q]);
    }
    if (sent < n) {
        rte_pktmbuf_free_bulk(pkts + sent, n - sent);
    }
    return sent;
}

int
netdev_dpdk_get_stats(const struct netdev_dpdk *dev, struct netdev_stats *s)
{
    struct rte_eth_stats st;
    int ret = rte_eth_stats_get(dev->port_id, &st);

    memset(s, 0, sizeof *s);
    if (ret) {
        return ret;
    }
    s->rx_packets = st.ipackets;
    s->rx_bytes = st.ibytes;
    s->rx_errors = st.ierrors;
    s->rx_missed = st.imissed + st.rx_nombuf;
    s->tx_packets = st.opackets;
    s->tx_bytes = st.obytes;
    s->tx_errors = st.oerrors;
    return 0;
}

bool
netdev_dpdk_link_up(const struct netdev_dpdk *dev, uint32_t *speed_mbps, bool *full_duplex)
{
    struct rte_eth_link link;

    memset(&link, 0, sizeof link);
    if (rte_eth_link_get_nowait(dev->port_id, &link)) {
        return false;
    }
    if (speed_mbps) {
        *speed_mbps = link.link_speed == RTE_ETH_SPEED_NUM_UNKNOWN ? 0 : link.link_speed;
    }
    if (full_duplex) {
        *full_duplex = link.link_duplex == RTE_ETH_LINK_FULL_DUPLEX;
    }
    return link.link_status == RTE_ETH_LINK_UP;
}

int
netdev_dpdk_get_mtu(const struct netdev_dpdk *dev, uint16_t *mtu)
{
    if (netdev_vhost_is_type(dev->type)) {
        *mtu = dev->mtu;            /* net_vhost keeps no MTU of its own: uvs enforces it. */
        return 0;
    }
    return rte_eth_dev_get_mtu(dev->port_id, mtu);
}

const char *
netdev_dpdk_driver_name(const struct netdev_dpdk *dev)
{
    struct rte_eth_dev_info info;

    if (rte_eth_dev_info_get(dev->port_id, &info)) {
        return "unknown";
    }
    return info.driver_name;
}

int
netdev_dpdk_set_mtu(struct netdev_dpdk *dev, unsigned mtu, char **errp)
{
    struct rte_eth_dev_info info;

    *errp = NULL;
    if (mtu == dev->mtu) {
        return 0;
    }
    if (netdev_vhost_is_type(dev->type)) {
        return netdev_vhost_set_mtu(dev, mtu, errp);
    }
    int ret = rte_eth_dev_info_get(dev->port_id, &info);
    if (ret) {
        *errp = xasprintf("port %s: cannot query DPDK device '%s': %s", dev->name, dev->devargs,
                          rte_strerror(-ret));
        return ret;
    }
    if (mtu < info.min_mtu || mtu > info.max_mtu || mtu > UINT16_MAX) {
        *errp = xasprintf("port %s: mtu_request=%u is out of range: DPDK device '%s' (driver %s) "
                          "allows %u to %u", dev->name, mtu, dev->devargs, info.driver_name,
                          info.min_mtu, info.max_mtu);
        return -EINVAL;
    }
    ret = rte_eth_dev_set_mtu(dev->port_id, (uint16_t) mtu);
    if (ret) {
        *errp = xasprintf("port %s: cannot set MTU %u on DPDK device '%s' (driver %s, frames up "
                          "to %u bytes): %s", dev->name, mtu, dev->devargs, info.driver_name,
                          info.max_rx_pktlen, rte_strerror(-ret));
        return ret;
    }
    dev->mtu = (uint16_t) mtu;
    __atomic_store_n(&dev->max_frame, max_frame_for(mtu), __ATOMIC_RELAXED);
    VLOG_INFO("port %s: MTU %u", dev->name, mtu);
    return 0;
}

int
netdev_dpdk_set_mac(struct netdev_dpdk *dev, const struct eth_addr *mac, char **errp)
{
    struct rte_ether_addr ea;

    *errp = NULL;
    if (!memcmp(dev->mac.ea, mac->ea, ETH_ADDR_LEN)) {
        return 0;
    }
    memcpy(ea.addr_bytes, mac->ea, ETH_ADDR_LEN);
    int ret = rte_eth_dev_default_mac_addr_set(dev->port_id, &ea);
    if (ret) {
        *errp = xasprintf("port %s: cannot set MAC %02x:%02x:%02x:%02x:%02x:%02x on DPDK device "
                          "'%s': %s", dev->name, mac->ea[0], mac->ea[1], mac->ea[2], mac->ea[3],
                          mac->ea[4], mac->ea[5], dev->devargs, rte_strerror(-ret));
        return ret;
    }
    dev->mac = *mac;
    return 0;
}

const char *
netdev_dpdk_system_backend(const struct netdev_dpdk *dev)
{
    if (!strcmp(dev->type, "") || !strcmp(dev->type, "system")) {
        return "af_packet";
    } else if (!strcmp(dev->type, "afxdp")) {
        return "af_xdp";
    }
    return NULL;
}

bool
netdev_dpdk_af_xdp_available(char *why, size_t size)
{
    /* Debian's DPDK loads its drivers as plugins: net_af_xdp exists if librte-net-af-xdp is
     * installed (EAL loaded it from the driver directory). */
    void *h = dlopen("librte_net_af_xdp.so.23", RTLD_NOW | RTLD_NOLOAD);
    if (h) {
        dlclose(h);
    } else {
        if (why) {
            snprintf(why, size, "DPDK's AF_XDP driver (net_af_xdp) is not loaded; install "
                     "Debian's librte-net-af-xdp23");
        }
        return false;
    }
    return true;
}
