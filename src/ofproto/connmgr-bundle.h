/*
 * connmgr-bundle — the bundles of one OpenFlow connection (OpenFlow 1.4.1 §6.8, §7.3.9): connmgr
 * hands every BUNDLE_CONTROL and BUNDLE_ADD_MESSAGE here; this module keeps the open bundles,
 * checks and stores their messages, and commits them through ofproto_bundle_commit() (all or
 * none).
 *
 * Behaviour (as Open vSwitch): an ADD to an unknown bundle id opens it implicitly; a bundle's flags
 * are fixed by its OPEN (or first ADD) and every later request must repeat them (else
 * OFPBFC_BAD_FLAGS); a closed bundle takes no more messages (OFPBFC_BUNDLE_CLOSED) but can still be
 * committed or discarded; commit and discard end the bundle whatever the outcome. Messages are
 * decoded when added, so a malformed one is refused at once with its own error. Flow-mods,
 * group-mods and port-mods may be bundled (others: OFPBFC_MSG_UNSUP). A failed commit sends two
 * errors: the failing message's own (with that message's xid and bytes), then OFPBFC_MSG_FAILED
 * for the commit request. A commit runs in one connmgr_run() call, however many messages the
 * bundle holds (atomicity needs it; see ofproto-bundle.h).
 *
 * Bounds: at most CONNMGR_MAX_BUNDLES open bundles per connection (OFPBFC_OUT_OF_BUNDLES) and
 * CONNMGR_MAX_BUNDLE_MSGS messages per bundle (OFPBFC_MSG_TOO_MANY). Bundles die with their
 * connection.
 *
 * Thread-safety: main thread, like connmgr.
 */
#ifndef UVS_CONNMGR_BUNDLE_H
#define UVS_CONNMGR_BUNDLE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ofpbuf;
struct ofproto;
struct ofbundle_set;

#define CONNMGR_MAX_BUNDLES 16
#define CONNMGR_MAX_BUNDLE_MSGS 100000

struct ofbundle_set *ofbundle_set_create(void);
/* Discards every bundle (nothing is applied). NULL is a no-op. */
void ofbundle_set_destroy(struct ofbundle_set *);
/* Handles MSG (LEN bytes, a BUNDLE_CONTROL or BUNDLE_ADD_MESSAGE of the connection's VERSION),
 * appending its reply or errors to TX. IS_SLAVE: the connection's role is slave (adding and
 * committing modifications is then refused with OFPBRC_IS_SLAVE). */
void ofbundle_handle(struct ofbundle_set *, struct ofproto *, bool is_slave, uint8_t version,
                     const uint8_t *msg, size_t len, struct ofpbuf *tx);
/* Number of open bundles. */
size_t ofbundle_set_count(const struct ofbundle_set *);

#endif
