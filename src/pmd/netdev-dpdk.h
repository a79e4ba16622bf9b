/*
 * netdev-dpdk — DPDK EAL start-up and the ports uvs forwards through, all DPDK ethdevs:
 *
 *   type "dpdk"      options:dpdk-devargs: a PCI address or a vdev ("net_pcap0,rx_pcap=f.pcap",
 *                    "net_null0", "net_af_packet0,iface=eth1", "net_tap0,iface=t0", ...)
 *   type ""          a kernel interface by name (a veth end, a NIC), through DPDK's af_packet PMD
 *   type "internal"  a kernel-visible interface (tap) the host can address: the bridge's own
 *                    (named like the bridge, OpenFlow port LOCAL) and any number of extra ones,
 *                    through DPDK's tap PMD; MAC (Interface mac) and MTU (mtu_request) settable
 *   type "afxdp"     a kernel interface by name through DPDK's AF_XDP PMD (net_af_xdp), where the
 *                    kernel and the DPDK build support it
 *
 * Each port gets one rx queue (options:n_rxq asks for more: netdev_dpdk_set_n_rxq(), spread by RSS
 * over IP/TCP/UDP hashes where the driver hashes) and one tx queue per PMD thread when the device
 * has enough, otherwise the tx queues are shared and netdev_dpdk_send() takes a per-queue spinlock.
 *
 * Thread-safety: open/close/stats/link functions run on the main thread. netdev_dpdk_rx_burst() is
 * called only by the PMD thread that polls the queue; netdev_dpdk_send() by any PMD thread.
 */
#ifndef UVS_NETDEV_DPDK_H
#define UVS_NETDEV_DPDK_H 1

#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_spinlock.h>

#include "pmd/flow.h"

/* EAL start-up parameters, from Open_vSwitch other_config. */
struct dpdk_config {
    const char *lcore_mask;   /* dpdk-lcore-mask: hex mask or list; NULL = core 0. */
    const char *socket_mem;   /* dpdk-socket-mem, NULL = dynamic. */
    const char *extra;        /* dpdk-extra: extra EAL arguments, split on whitespace. */
    uint32_t n_mbufs;         /* n-mbufs (uvs): size of the shared packet buffer pool; 0 = default. */
};

/* Initializes the EAL once (later calls return 0). Uses hugepages when /proc/meminfo shows free ones,
 * otherwise adds --no-huge and logs that it did. The main thread stays on the first lcore of
 * lcore_mask (default core 0). Returns 0 or -errno (logged with DPDK's reason). */
int dpdk_init(const struct dpdk_config *);
bool dpdk_is_initialized(void);
/* "DPDK 22.11.x" (static). */
const char *dpdk_version_string(void);
/* The shared packet buffer pool (NULL before dpdk_init()). Any thread may allocate from it. */
struct rte_mempool *netdev_dpdk_mbuf_pool(void);
/* True if DPDK runs without hugepages. */
bool dpdk_no_huge(void);

#define NETDEV_MAX_TXQ 16
#define NETDEV_MAX_RXQ 16

struct netdev_dpdk {
    char *name;               /* Interface name. */
    char *type;               /* "dpdk", "" or "internal". */
    char *devargs;            /* What was probed. */
    uint16_t port_id;         /* DPDK ethdev port id. */
    uint16_t n_rxq;
    uint16_t n_txq;
    uint16_t max_rxq;         /* min(device's max_rx_queues, NETDEV_MAX_RXQ). */
    unsigned n_txq_wanted;    /* As asked of netdev_dpdk_open(). */
    unsigned n_senders;       /* From netdev_dpdk_set_n_senders() (0: not set). */
    bool txq_shared;          /* Fewer tx queues than senders: lock per queue. */
    bool started;
    bool probed_by_us;        /* We hot-plugged the device: remove it on close. */
    bool rx_syscall;          /* Each rx poll is a system call (tap): poll it less often. */
    struct eth_addr mac;
    uint16_t mtu;             /* L3 MTU in bytes (the device's; mtu_request changes it). */
    uint32_t max_frame;       /* __atomic: the longest frame accepted on rx, in bytes: mtu plus an
                                 Ethernet header and two VLAN tags. The datapath drops longer ones
                                 (counted as "oversize"). Written by the main thread only. */
    rte_spinlock_t tx_lock[NETDEV_MAX_TXQ];
};

/* Opens and starts the port NAME of TYPE with OPTIONS' devargs (may be NULL for "" and internal),
 * N_TXQ_WANTED tx queues. Returns the port, or NULL with *ERRP set to a malloc'd message naming the
 * device and DPDK's reason, e.g. "cannot open DPDK device 'net_pcap0,rx_pcap=/x.pcap': No such file
 * or directory (probe failed)". */
struct netdev_dpdk *netdev_dpdk_open(const char *name, const char *type, const char *devargs,
                                     unsigned n_txq_wanted, char **errp);
void netdev_dpdk_close(struct netdev_dpdk *);

/* Reconfigures DEV with N_RXQ rx queues (options:n_rxq): stops the device, configures it again
 * (RSS when N_RXQ > 1 and the driver hashes) and restarts it. The caller makes sure no thread
 * polls or sends on DEV meanwhile. Returns 0, or -EINVAL with *ERRP when N_RXQ is outside
 * 1..max_rxq, or DPDK's -errno (the old queue count is restored where the device allows). */
int netdev_dpdk_set_n_rxq(struct netdev_dpdk *, unsigned n_rxq, char **errp);

static inline uint16_t
netdev_dpdk_rx_burst(struct netdev_dpdk *dev, uint16_t qid, struct rte_mbuf **pkts, uint16_t n)
{
    return rte_eth_rx_burst(dev->port_id, qid, pkts, n);
}

/* Declares that N_SENDERS threads (each with its own QID 0..N_SENDERS-1) may call
 * netdev_dpdk_send(): if that is more than the device's tx queues, sends lock their queue. Call only
 * while no thread is sending on DEV (main thread, PMDs stopped or not yet polling DEV). */
void netdev_dpdk_set_n_senders(struct netdev_dpdk *, unsigned n_senders);

/* Transmits N packets on tx queue QID (mod n_txq). Frees what could not be sent and returns the
 * number sent. */
uint16_t netdev_dpdk_send(struct netdev_dpdk *, unsigned qid, struct rte_mbuf **pkts, uint16_t n);

struct netdev_stats {
    uint64_t rx_packets, rx_bytes, rx_errors, rx_missed;
    uint64_t tx_packets, tx_bytes, tx_errors;
};
int netdev_dpdk_get_stats(const struct netdev_dpdk *, struct netdev_stats *);
/* Link: true if up; *SPEED_MBPS (may be NULL) in Mb/s, 0 if unknown. */
bool netdev_dpdk_link_up(const struct netdev_dpdk *, uint32_t *speed_mbps, bool *full_duplex);
int netdev_dpdk_get_mtu(const struct netdev_dpdk *, uint16_t *mtu);

/* Sets DEV's MTU (Interface mtu_request) to MTU bytes (L3, without the Ethernet header); for the
 * kernel-backed types ("" and internal) the kernel interface's MTU changes too. Updates
 * dev->mtu and dev->max_frame. Returns 0, or a negative errno with *ERRP naming the port and the
 * driver's reason: -EINVAL when MTU is outside what the device allows (its range is in the
 * message), -ENOTSUP when the driver cannot change its MTU. Main thread. */
int netdev_dpdk_set_mtu(struct netdev_dpdk *, unsigned mtu, char **errp);

/* Sets DEV's Ethernet address (Interface mac, for internal ports) and dev->mac. Returns 0 or a
 * negative errno with *ERRP (-ENOTSUP: the driver has no settable address). Main thread. */
int netdev_dpdk_set_mac(struct netdev_dpdk *, const struct eth_addr *, char **errp);

/* How a kernel interface port reaches the kernel: "af_packet" for type "" or "system" (DPDK's
 * net_af_packet), "af_xdp" for type "afxdp" (DPDK's net_af_xdp). Static string; NULL for other
 * types. */
const char *netdev_dpdk_system_backend(const struct netdev_dpdk *);

/* True if this DPDK build has the AF_XDP driver (net_af_xdp) loaded. Fills WHY (if not NULL, SIZE
 * bytes) with the reason when it is not usable. Needs dpdk_init() first. */
bool netdev_dpdk_af_xdp_available(char *why, size_t size);
const char *netdev_dpdk_driver_name(const struct netdev_dpdk *);

#endif
