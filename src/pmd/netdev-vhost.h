/*
 * netdev-vhost — vhost-user ports for virtual machines, on DPDK's net_vhost ethdev (rte_vhost).
 *
 * Two port types, with OVS's names and options:
 *
 *   dpdkvhostuserclient   uvs is the vhost-user client: it connects to the socket the VM's QEMU
 *                         listens on (options:vhost-server-path) and connects again, once a second,
 *                         whenever the VM goes away (reboot, QEMU restart). The recommended mode:
 *                         a uvs restart does not need the VM to do anything.
 *   dpdkvhostuser         uvs is the server: it creates RUNDIR-or-vhost-sock-dir/NAME and QEMU
 *                         connects to it. Open_vSwitch other_config:vhost-sock-dir (absolute, or
 *                         relative to the run directory) and vhost-sock-owner / vhost-sock-group /
 *                         vhost-sock-mode (user and group names or numbers, octal mode), each of
 *                         which an Interface's options of the same name override, decide where it
 *                         lives and who may open it.
 *
 * Why net_vhost rather than rte_vhost directly: the datapath polls and sends through ethdev queues
 * (netdev-dpdk.h); net_vhost exposes a vhost-user device as exactly that, so rx/tx, statistics,
 * link state and the PMD rx queue placement need no vhost-specific code. This module only adds
 * what ethdev does not model: the socket's path, mode and permissions, the queue pairs the guest
 * has enabled, the negotiated features, and a status for Interface.status.
 *
 * Queues: the ethdev is configured with options:vhost-max-queue-pairs rx and tx queues (default 8,
 * at most NETDEV_MAX_RXQ) when it opens, but the datapath polls and sends on only as many as the
 * guest has enabled (at least 1). The guest's vring-state changes arrive on DPDK's vhost thread;
 * they only record the new state and wake the main loop (netdev_vhost_run() reports the change),
 * which then calls dp_netdev_port_set_config() with netdev_vhost_n_queues(): that unpublishes the
 * port, waits for the PMDs, and calls netdev_dpdk_set_n_rxq(), which for a vhost port lands in
 * netdev_vhost_set_n_queues() (no device reconfiguration: only the polled and used counts change).
 *
 * Features offered: DPDK's vhost defaults minus host TSO (net_vhost's tso=0): no segmentation
 * offload, so every frame fits the port MTU. Checksum offload is negotiated (VIRTIO_NET_F_CSUM):
 * a guest may hand over TCP/UDP packets with only the pseudo-header sum in the checksum field;
 * an rx callback on each vhost queue completes those checksums in software before the datapath
 * sees the packet, so they can leave through any port.
 * MTU: vhost-user has no message by which the backend sets the guest's MTU; QEMU's
 * host_mtu=N (VIRTIO_NET_F_MTU) does. uvs enforces mtu_request when set (longer frames from the
 * guest are dropped as "oversize"), otherwise the MTU the guest reports, otherwise 1500; an
 * mtu_request the guest was not given shows in the status as last_error.
 *
 * Hostile guests: rte_vhost validates descriptor chains, indexes and addresses against the guest
 * memory table (a bad chain drops that packet, never reads outside the guest's memory); packets
 * then go through the same length-checked flow extractor as any port. The vhost-user control
 * messages are handled on DPDK's vhost thread, never on a PMD, so a guest that floods or stalls its
 * socket cannot stall forwarding.
 *
 * Thread-safety: every function is for the main thread, except that the DPDK event callbacks
 * (private) run on DPDK's vhost thread and touch only the per-port state under its spinlock and
 * the global event counter.
 */
#ifndef UVS_NETDEV_VHOST_H
#define UVS_NETDEV_VHOST_H 1

#include <stdbool.h>
#include <stdint.h>

struct netdev_dpdk;
struct rte_mbuf;

#define NETDEV_VHOST_DEFAULT_MAX_QP 8

/* True if TYPE is "dpdkvhostuser" or "dpdkvhostuserclient". */
bool netdev_vhost_is_type(const char *type);

/* Builds the configuration string that netdev_vhost_open() takes (and whose change makes the
 * bridge reopen the port) from the database values, each NULL when absent: SERVER_PATH
 * (options:vhost-server-path), SOCK_DIR (other_config:vhost-sock-dir), OWNER, GROUP, MODE
 * (vhost-sock-owner/-group/-mode), MAX_QP (options:vhost-max-queue-pairs). Returns a malloc'd
 * string (never NULL); values that contain a comma are kept so that netdev_vhost_open() can
 * reject them with a clear error. mtu_request is not part of it: it changes without a reopen
 * (netdev_vhost_set_mtu()). */
char *netdev_vhost_make_config(const char *server_path, const char *sock_dir, const char *owner,
                               const char *group, const char *mode, const char *max_qp);

/* Opens vhost-user port NAME of TYPE (see netdev_vhost_is_type()) with CONFIG from
 * netdev_vhost_make_config(), for N_TXQ_WANTED senders. Creates the net_vhost device
 * "net_vhost_NAME", configures it with the maximum queue pairs, registers the event callbacks,
 * and for dpdkvhostuser creates the socket and applies owner, group and mode. The port starts
 * with one polled queue and link down until a guest connects. Returns the port, or NULL with
 * *ERRP (malloc'd) naming the port and the cause: a missing options:vhost-server-path, a path
 * with a comma or longer than a Unix socket path allows, a socket already in use, an unknown
 * user or group, or DPDK's reason. */
struct netdev_dpdk *netdev_vhost_open(const char *name, const char *type, const char *config,
                                      unsigned n_txq_wanted, char **errp);

/* Called by netdev_dpdk_close() before it stops and closes DEV's ethdev: unregisters the event
 * callbacks (waiting for one in progress) and frees the vhost state. */
void netdev_vhost_close_prepare(struct netdev_dpdk *dev);

/* Makes the datapath poll and send on N queue pairs of DEV (1..configured maximum); only while no
 * thread polls or sends on DEV (see dp_netdev_port_set_config()). Returns 0, or -EINVAL with
 * *ERRP when N is out of range. */
int netdev_vhost_set_n_queues(struct netdev_dpdk *dev, unsigned n, char **errp);

/* Sets the MTU uvs enforces on DEV (Interface mtu_request; netdev_dpdk_set_mtu() lands here for
 * vhost ports). vhost-user cannot push an MTU to the guest: QEMU's host_mtu does; a difference
 * shows in the status as last_error. Returns 0, or -EINVAL with *ERRP when MTU is outside
 * 68..65521. */
int netdev_vhost_set_mtu(struct netdev_dpdk *dev, unsigned mtu, char **errp);

/* The queue pairs the guest has enabled (at least 1, at most the configured maximum): what
 * the bridge passes as the port's rx queue count. */
unsigned netdev_vhost_n_queues(const struct netdev_dpdk *dev);

/* True once after any vhost event (guest connected or gone, vring enabled or disabled) since the
 * last call: the bridge then reconfigures queues and rewrites Interface.status. */
bool netdev_vhost_run(void);
/* Wakes the main loop when a vhost event arrives. */
void netdev_vhost_wait(void);

/* Calls ADD(AUX, KEY, VALUE) for each Interface.status entry of vhost port DEV (any order):
 * mode (client|server), socket, status (connected|disconnected), features (negotiated virtio
 * features, hex, when connected), num_of_vrings, n_queue_pairs (enabled by the guest),
 * max_queue_pairs, guest_mtu (when connected), connects and disconnects (counts since the port
 * opened) and last_error (when there is one). */
void netdev_vhost_status(const struct netdev_dpdk *dev,
                         void (*add)(void *aux, const char *key, const char *value), void *aux);

/* Completes the TCP/UDP checksum of each of the N packets that rte_vhost flagged
 * RTE_MBUF_F_RX_L4_CKSUM_NONE (a guest using VIRTIO_NET_F_CSUM left only the pseudo-header sum in
 * it) and flags it RTE_MBUF_F_RX_L4_CKSUM_GOOD. IPv4 or IPv6 without extension headers, one
 * segment; lengths come from the packet's headers and are checked against the mbuf, so a packet
 * that lies about them is left as it is. Other packets are not touched. Returns N. The body of
 * the rx callback on every vhost queue (PMD threads); public for the unit tests. */
uint16_t netdev_vhost_complete_csums(struct rte_mbuf *pkts[], uint16_t n);

#endif
