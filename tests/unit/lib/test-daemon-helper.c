/* A minimal uvs daemon for tests/unit/lib/test-daemon.sh: takes the daemon options, listens on its
 * control socket, offers "exit" and "test/hang" (never replies), and can fail before it is ready:
 *
 *   test-daemon-helper [DAEMON OPTIONS] [--fail-before-ready]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/daemon.h"
#include "lib/poll-loop.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(test_daemon);

static bool exiting;

static void
cmd_exit(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    exiting = true;
    unixctl_command_reply(conn, NULL);
}

/* Never replies: lets the test check uvs-appctl --timeout. */
static void
cmd_hang(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
}

int
main(int argc, char *argv[])
{
    enum { OPT_FAIL = 2000 };
    static const struct option long_options[] = {
        DAEMON_LONG_OPTIONS,
        {"fail-before-ready", no_argument, NULL, OPT_FAIL},
        {NULL, 0, NULL, 0},
    };
    bool fail = false;
    set_program_name(argv[0]);
    for (;;) {
        int c = getopt_long(argc, argv, "v::", long_options, NULL);
        if (c == -1) {
            break;
        } else if (c == OPT_FAIL) {
            fail = true;
        } else if (!daemon_parse_option(c, optarg)) {
            fprintf(stderr, "usage: %s [DAEMON OPTIONS] [--fail-before-ready]\n", program_name());
            return 1;
        }
    }
    daemonize_start();
    if (fail) {
        uvs_fatal(0, "failing before ready, as asked");
    }
    struct unixctl_server *server;
    int error = unixctl_server_create(daemon_unixctl_path(), &server);
    if (error) {
        uvs_fatal(-error, "cannot create control socket");
    }
    unixctl_command_register("exit", "", 0, 0, cmd_exit, NULL);
    unixctl_command_register("test/hang", "", 0, 0, cmd_hang, NULL);
    VLOG_INFO("test daemon started");
    daemonize_complete();
    while (!exiting) {
        unixctl_server_run(server);
        unixctl_server_wait(server);
        poll_block();
    }
    unixctl_server_run(server);   /* flush the reply to "exit" */
    unixctl_server_destroy(server);
    VLOG_INFO("test daemon exiting");
    return 0;
}
