/*
 * uvs-vswitchd — the switch daemon: reads its configuration from uvsdb-server, runs the DPDK
 * datapath (PMD threads) and the OpenFlow pipeline, and writes status back to the database.
 *
 *   uvs-vswitchd [unix:RUNDIR/db.sock] [--pidfile[=FILE]] [--detach] [--log-file[=FILE]]
 *                [--user=USER[:GROUP]]
 *
 * The main thread (the first lcore of dpdk-lcore-mask, core 0 by default) runs the database
 * connection, the OpenFlow channels and the unixctl socket; PMD threads on pmd-cpu-mask forward.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/capability.h>
#include <rte_eal.h>

#include "lib/daemon.h"
#include "lib/poll-loop.h"
#include "lib/stream.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "uvs-config.h"
#include "vswitchd/bridge.h"

VLOG_DEFINE_THIS_MODULE(vswitchd);

static volatile sig_atomic_t exit_signal;
static bool exiting;

static void
usage(void)
{
    printf("%s: userspace virtual switch daemon\n"
           "usage: %s [DATABASE] [OPTIONS]\n"
           "where DATABASE is an active connection method (default: %s)\n\n",
           program_name(), program_name(), uvs_default_db());
    daemon_usage();
    printf("\nOther options:\n"
           "  -h, --help              display this help message\n"
           "  -V, --version           display version information\n");
    exit(EXIT_SUCCESS);
}

static void
on_signal(int sig)
{
    exit_signal = sig;
}

static void
unixctl_exit(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    exiting = true;
    unixctl_command_reply(conn, NULL);
}

int
main(int argc, char *argv[])
{
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        DAEMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    const char *remote;
    int c;

    set_program_name(argv[0]);
    uvs_getopt_quiet();
    while ((c = getopt_long(argc, argv, "hVv", long_options, NULL)) != -1) {
        if (c == 'h') {
            usage();
        } else if (c == 'V') {
            printf("%s (uvs) %s\n", program_name(), UVS_VERSION);
            return 0;
        } else if (c == 'v') {
            daemon_parse_option(OPT_DAEMON_VERBOSE, NULL);
        } else if (c == '?' || !daemon_parse_option(c, optarg)) {
            uvs_getopt_error(argc, argv, "hVv");
        }
    }
    if (argc - optind > 1) {
        fprintf(stderr, "%s: at most one database remote may be given; use --help for usage\n",
                program_name());
        return 1;
    }
    remote = optind < argc ? argv[optind] : uvs_default_db();
    char *remote_error = stream_verify_name(remote);
    if (remote_error) {
        fprintf(stderr, "%s: %s\n", program_name(), remote_error);
        free(remote_error);
        return 1;
    }

    /* With --user: what DPDK's kernel-facing ports need after root is gone. CAP_NET_ADMIN: tap
     * devices (internal ports), promiscuous mode, MTU and MAC changes; CAP_NET_RAW: af_packet and
     * AF_XDP sockets (system ports); CAP_IPC_LOCK: locking packet-buffer memory. */
    static const int keep_caps[] = { CAP_NET_ADMIN, CAP_NET_RAW, CAP_IPC_LOCK };
    daemon_keep_capabilities(keep_caps, ARRAY_SIZE(keep_caps));
    daemonize_start();

    struct unixctl_server *unixctl;
    int err = unixctl_server_create(daemon_unixctl_path(), &unixctl);
    if (err) {
        uvs_fatal(-err, "cannot create the control socket in %s", uvs_rundir());
    }
    unixctl_command_register("exit", "", 0, 0, unixctl_exit, NULL);

    bridge_init(remote);
    err = bridge_start(10000);
    if (err) {
        uvs_fatal(-err, "DPDK initialization failed (see the log above for DPDK's reason; "
                  "other_config:dpdk-extra may hold bad EAL arguments)");
    }
    VLOG_INFO("%s (uvs) %s started, database %s", program_name(), UVS_VERSION, remote);

    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);
    daemonize_complete();

    while (!exiting && !exit_signal) {
        bridge_run();
        unixctl_server_run(unixctl);
        if (exiting || exit_signal) {
            break;
        }
        bridge_wait();
        unixctl_server_wait(unixctl);
        poll_block();
    }
    VLOG_INFO("exiting%s", exit_signal ? " on signal" : "");
    bridge_exit();
    unixctl_server_destroy(unixctl);
    rte_eal_cleanup();
    daemon_remove_pidfile();
    return 0;
}
