/*
 * eal-test — starts a DPDK EAL suitable for unit tests: no hugepages (anonymous memory), no PCI
 * scan, no shared config or multi-process socket, no telemetry socket, one lcore, so that several
 * test binaries can run at once, beside a running switch, without root-only resources.
 */
#ifndef UVS_TEST_EAL_TEST_H
#define UVS_TEST_EAL_TEST_H 1

#include <stdio.h>

#include <rte_eal.h>
#include <rte_errno.h>

/* Returns 0 or -1 (message printed). Call once per process. */
static inline int
eal_test_init(const char *prog)
{
    char *argv[] = {
        (char *) prog, "--no-huge", "-m", "256", "--no-pci", "--no-shconf", "--no-telemetry",
        "--log-level=*:error", "-l", "0", NULL,
    };
    int argc = sizeof argv / sizeof argv[0] - 1;
    if (rte_eal_init(argc, argv) < 0) {
        fprintf(stderr, "%s: rte_eal_init failed: %s\n", prog, rte_strerror(rte_errno));
        return -1;
    }
    return 0;
}

#endif
