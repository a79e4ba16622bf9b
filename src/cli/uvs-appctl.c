/*
 * uvs-appctl — runs a command on a uvs daemon's control socket, like ovs-appctl:
 *
 *     uvs-appctl [-t TARGET] [--timeout=SECS] COMMAND [ARG...]
 *
 * TARGET is a daemon name (default "uvs-vswitchd"), resolved through RUNDIR/NAME.pid to
 * RUNDIR/NAME.PID.ctl, or the path of a .ctl socket. The command's output goes to stdout. Exit codes
 * as ovs-appctl: 0 success, 2 when the daemon reports that the command failed (its message goes to
 * stderr), 1 when the daemon cannot be reached or the transport fails.
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
#include "uvs-config.h"

static const char *target = "uvs-vswitchd";
static unsigned int timeout_secs;

static void
usage(void)
{
    printf("%s, for querying and controlling uvs daemons\n"
           "usage: %s [TARGET] COMMAND [ARG...]\n"
           "Targets:\n"
           "  -t, --target=TARGET  pidfile name or socket path of daemon (default: uvs-vswitchd)\n"
           "                       a name NAME means %s/NAME.pid and its NAME.PID.ctl socket\n"
           "Common commands:\n"
           "  list-commands        List commands supported by the target\n"
           "  version              Print version of the target\n"
           "  vlog/list            List current logging levels\n"
           "  vlog/set [SPEC]      Set log levels as detailed in SPEC, e.g. bridge:file:dbg\n"
           "  vlog/reopen          Make the program reopen its log file\n"
           "Other options:\n"
           "  -T, --timeout=SECS   wait at most SECS seconds for a response\n"
           "  -h, --help           Print this helpful information\n"
           "  -V, --version        Display uvs-appctl version information\n"
           "Environment: UVS_RUNDIR overrides the run directory (%s).\n",
           program_name(), program_name(), uvs_rundir(), uvs_rundir());
    exit(0);
}

static void
alarm_handler(int sig)
{
    char buf[256];
    int n = snprintf(buf, sizeof buf, "%s: timed out after %u seconds waiting for a reply from "
                     "%s\n", program_name(), timeout_secs, target);
    if (n > 0) {
        ssize_t w = write(STDERR_FILENO, buf, (size_t) UVS_MIN(n, (int) sizeof buf - 1));
        (void) w;
    }
    _exit(1);
}

static void
parse_options(int argc, char *argv[])
{
    static const struct option long_options[] = {
        {"target", required_argument, NULL, 't'},
        {"timeout", required_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    for (;;) {
        /* '+': stop at the first non-option so COMMAND's own arguments may start with '-'. */
        uvs_getopt_quiet();
        int c = getopt_long(argc, argv, "+t:T:hV", long_options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case 't':
            target = optarg;
            break;
        case 'T': {
            uint64_t v;
            if (!str_to_uint64(optarg, 10, 86400, &v)) {
                fprintf(stderr, "%s: --timeout: \"%s\" is not a number of seconds (0 to 86400)\n",
                        program_name(), optarg);
                exit(1);
            }
            timeout_secs = (unsigned int) v;
            break;
        }
        case 'h':
            usage();
            break;
        case 'V':
            printf("%s (uvs) %s\n", program_name(), UVS_VERSION);
            exit(0);
        default:
            uvs_getopt_error(argc, argv, "+t:T:hV");
        }
    }
}

int
main(int argc, char *argv[])
{
    set_program_name(argv[0]);
    /* A tool's own library chatter (connection logs) stays off the terminal unless it matters. */
    char *err = vlog_set_levels_from_string("console:warn");
    free(err);
    parse_options(argc, argv);

    if (optind >= argc) {
        fprintf(stderr, "%s: at least one non-option argument is required (use --help for help)\n",
                program_name());
        return 1;
    }
    const char *command = argv[optind];
    if (timeout_secs) {
        signal(SIGALRM, alarm_handler);
        alarm(timeout_secs);
    }

    struct jsonrpc *client;
    char *error = NULL;
    int rc = unixctl_client_create(target, &client, &error);
    if (rc) {
        fprintf(stderr, "%s: %s\n", program_name(), error ? error : strerror(-rc));
        free(error);
        return 1;
    }

    char *result = NULL;
    rc = unixctl_client_transact(client, command, argc - optind - 1, argv + optind + 1, &result,
                                 &error);
    jsonrpc_close(client);
    if (rc < 0) {
        fprintf(stderr, "%s: %s: %s\n", program_name(), target,
                error ? error : strerror(-rc));
        free(error);
        return 1;
    } else if (rc > 0) {
        size_t len = error ? strlen(error) : 0;
        fprintf(stderr, "%s%s", error ? error : "", len && error[len - 1] == '\n' ? "" : "\n");
        fprintf(stderr, "%s: %s: server returned an error\n", program_name(), target);
        free(error);
        return 2;
    }
    fputs(result, stdout);
    free(result);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "%s: writing output: %s\n", program_name(), strerror(errno));
        return 1;
    }
    return 0;
}
