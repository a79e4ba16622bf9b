/*
 * bridge — applies the Open_vSwitch database to the switch and writes status back.
 *
 * On every change of the database replica it computes the wanted bridges and interfaces and makes
 * the switch match: creates/destroys ofprotos (one per Bridge row), opens/closes DPDK ports (one per
 * Interface row), sets PMD threads from other_config. Then it writes back Interface.ofport,
 * Interface.error (the real reason a port failed to open), mac_in_use, link_state, admin_state,
 * Bridge.datapath_id, Open_vSwitch dpdk_initialized/dpdk_version and finally cur_cfg = next_cfg, so
 * "uvs-vsctl" (which waits for cur_cfg) returns once the change is live. Interface.statistics is
 * refreshed every stats-update-interval (default 5000 ms).
 *
 * An interface that failed to open is retried only when its configuration changes.
 *
 * Thread-safety: main thread only.
 */
#ifndef UVS_BRIDGE_H
#define UVS_BRIDGE_H 1

#include <stdbool.h>

/* Connects to the database at REMOTE. */
void bridge_init(const char *remote);
/* Waits until the database contents arrived (up to TIMEOUT_MS), then initializes DPDK from
 * Open_vSwitch other_config. Returns 0 or -errno (DPDK initialization failed: fatal). */
int bridge_start(int timeout_ms);
void bridge_run(void);
void bridge_wait(void);
void bridge_exit(void);

#endif
