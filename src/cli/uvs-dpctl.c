/*
 * uvs-dpctl — the userspace datapath's megaflows and ports, like ovs-dpctl for a netdev datapath:
 *
 *     uvs-dpctl [-t TARGET] [--timeout=SECS] dump-flows | show | del-flows
 *
 * Each command is the uvs-vswitchd control command "dpctl/<command>" (the same as
 * `uvs-appctl dpctl/<command>`): dump-flows prints every megaflow of every PMD thread with its match
 * (value/mask), packet and byte counts, idle time and datapath actions; show prints lookups, the
 * number of megaflows and each port with its drop counters by reason; del-flows drops every megaflow
 * and EMC entry and returns once every PMD thread has done so.
 *
 * TARGET is as for uvs-appctl (daemon name or .ctl socket path; default uvs-vswitchd). Exit codes:
 * 0 success, 2 the daemon reported an error (on stderr), 1 the daemon cannot be reached or the
 * command is unknown.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/jsonrpc.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "lib/vlog.h"

static const char *target = "uvs-vswitchd";

static void
usage(void)
{
    printf("%s: the userspace datapath's megaflows and ports\n"
           "usage: %s [OPTIONS] COMMAND\n"
           "Commands:\n"
           "  dump-flows   every megaflow: match, packets, bytes, used, actions\n"
           "  show         lookups, megaflow count, ports and their drop counters\n"
           "  del-flows    delete every megaflow (they are re-created by upcalls)\n"
           "Options:\n"
           "  -t, --target=TARGET  daemon name or control socket (default: uvs-vswitchd)\n"
           "  -T, --timeout=SECS   give up after SECS seconds\n"
           "  -h, --help           this help\n",
           program_name(), program_name());
}

static void
alarm_handler(int sig)
{
    (void) sig;
    static const char msg[] = "uvs-dpctl: timed out waiting for uvs-vswitchd\n";
    ssize_t r = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void) r;
    _exit(1);
}

int
main(int argc, char *argv[])
{
    static const struct option long_options[] = {
        {"target", required_argument, NULL, 't'},
        {"timeout", required_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    unsigned long timeout = 0;
    int c;

    set_program_name(argv[0]);
    char *err = vlog_set_levels_from_string("console:warn");
    free(err);
    uvs_getopt_quiet();
    while ((c = getopt_long(argc, argv, "t:T:h", long_options, NULL)) != -1) {
        switch (c) {
        case 't':
            target = optarg;
            break;
        case 'T':
            timeout = strtoul(optarg, NULL, 10);
            break;
        case 'h':
            usage();
            return 0;
        default:
            uvs_getopt_error(argc, argv, "t:T:h");
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "%s: exactly one command is required: dump-flows, show or del-flows "
                "(use --help for help)\n", program_name());
        return 1;
    }
    const char *cmd = argv[optind];
    if (strcmp(cmd, "dump-flows") && strcmp(cmd, "show") && strcmp(cmd, "del-flows")) {
        fprintf(stderr, "%s: unknown command '%s'; the commands are dump-flows, show and "
                "del-flows\n", program_name(), cmd);
        return 1;
    }
    if (timeout) {
        signal(SIGALRM, alarm_handler);
        alarm((unsigned) timeout);
    }

    struct jsonrpc *client;
    char *error = NULL;
    int rc = unixctl_client_create(target, &client, &error);
    if (rc) {
        fprintf(stderr, "%s: %s\n", program_name(), error ? error : strerror(-rc));
        free(error);
        return 1;
    }
    char command[32];
    snprintf(command, sizeof command, "dpctl/%s", cmd);
    char *result = NULL;
    rc = unixctl_client_transact(client, command, 0, NULL, &result, &error);
    jsonrpc_close(client);
    if (rc < 0) {
        fprintf(stderr, "%s: %s: %s\n", program_name(), target, error ? error : strerror(-rc));
        free(error);
        return 1;
    } else if (rc > 0) {
        fprintf(stderr, "%s: %s\n", program_name(), error ? error : "the command failed");
        free(error);
        return 2;
    }
    fputs(result ? result : "", stdout);
    free(result);
    return fflush(stdout) ? 1 : 0;
}
