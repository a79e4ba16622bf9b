/*
 * ofproto-bundle — committing an OpenFlow 1.4 bundle (OpenFlow 1.4.1 §6.8, §7.3.9) to an ofproto:
 * the messages connmgr collected for one bundle are applied all or none.
 *
 * How atomicity is kept without a second copy of the flow tables: the commit first checks every
 * message against the switch as it will be when that message runs — everything a flow-mod or
 * port-mod can be refused for once decoded: a bad command or table id, inconsistent actions
 * (ofpacts_check()), an unknown group or meter, an unknown port, a check_overlap conflict with a
 * rule in the table or an earlier add of the bundle, a full table; for group-mods the checks of
 * ofproto_group_mod_check() and whether the group exists then (the bundle's earlier group-mods
 * are followed: a flow-mod may use a group added before it in the bundle) — and only when all
 * pass applies them in order through ofproto_handle_flow_mod(), ofproto_handle_group_mod() and
 * ofproto_port_mod(), which then cannot fail. The checks are conservative (an overlap is counted
 * even if an earlier delete of the bundle would have removed the rule), so a bundle may be refused
 * that sequential application would have accepted, never the reverse. Meter-mods are not
 * accepted in bundles (OFPBFC_MSG_UNSUP), so meters do not change during a commit.
 *
 * Packets: the commit holds the ofproto mutex (recursive) from the first check to the last message
 * applied, and upcalls and megaflow revalidation translate under that mutex (also when a patch
 * port leads a packet of another bridge here), so a translation sees the tables as they were
 * before the bundle or as they are after it, never in between. The messages' revalidation
 * requests are deferred (dp_netdev_defer_revalidation()) into one, made at the end of the commit:
 * megaflows translated before it keep forwarding by the old tables until the PMDs revalidate
 * them against the new ones. PMDs that miss their caches meanwhile wait for the commit.
 *
 * Thread-safety: main thread (like the other ofproto_handle_*() functions).
 */
#ifndef UVS_OFPROTO_BUNDLE_H
#define UVS_OFPROTO_BUNDLE_H 1

#include <stddef.h>
#include <stdint.h>

#include "ofproto/ofp-group.h"
#include "ofproto/ofp-msgs.h"

struct ofproto;

/* One decoded message of a bundle. */
struct ofproto_bundle_op {
    uint8_t type;                  /* OFPT_FLOW_MOD, OFPT_GROUP_MOD or OFPT_PORT_MOD. */
    struct ofp_flow_mod fm;        /* OFPT_FLOW_MOD (owned). */
    struct ofp_group_mod gm;       /* OFPT_GROUP_MOD (owned). */
    struct ofp_port_mod pm;        /* OFPT_PORT_MOD. */
};

/* Applies OPS[0..N) in order, all or none. Returns 0, or -EINVAL with *FAILED the index of the
 * first message that would fail and *ERR its OpenFlow error (as ofproto_handle_flow_mod(),
 * ofproto_handle_group_mod() or ofproto_port_mod() would give it); nothing has changed then. */
int ofproto_bundle_commit(struct ofproto *, const struct ofproto_bundle_op *ops, size_t n,
                          size_t *failed, struct ofperr *err);

#endif
