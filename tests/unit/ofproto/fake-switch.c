/*
 * fake-switch — runs connmgr over the fake ofproto on one listener, for checking interoperability
 * by hand with Debian's ovs-ofctl:
 *
 *     fake-switch punix:/tmp/br0.mgmt &
 *     ovs-ofctl -O OpenFlow13 add-flow unix:/tmp/br0.mgmt in_port=1,actions=output:2
 *     ovs-ofctl -O OpenFlow13 dump-flows unix:/tmp/br0.mgmt
 *
 * The bridge is "br0" with ports 1 (p0), 2 (p1) and LOCAL (br0). Runs until killed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "fake-ofproto.h"
#include "lib/poll-loop.h"
#include "lib/util.h"
#include "ofproto/connmgr.h"

int
main(int argc, char *argv[])
{
    set_program_name(argv[0]);
    if (argc != 2) {
        fprintf(stderr, "usage: %s PASSIVE-STREAM (e.g. punix:/tmp/br0.mgmt)\n", argv[0]);
        return 1;
    }
    struct ofproto *p = fake_ofproto_create("br0", 0x0000aa55aa550001ULL);
    fake_ofproto_add_port(p, 1, "p0");
    fake_ofproto_add_port(p, 2, "p1");
    fake_ofproto_add_port(p, OFPP_LOCAL, "br0");
    struct connmgr *mgr = connmgr_create_listen(p, "br0", argv[1]);
    if (!mgr) {
        uvs_fatal(errno, "cannot listen on %s", argv[1]);
    }
    for (;;) {
        connmgr_run(mgr);
        connmgr_wait(mgr);
        poll_block();
    }
}
