/*
 * connmgr-bundle — the bundles of one OpenFlow connection (see connmgr-bundle.h).
 */
#include "ofproto/connmgr-bundle.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "lib/util.h"
#include "lib/vlog.h"
#include "ofproto/ofp-bundle.h"
#include "ofproto/ofp-group.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-print.h"
#include "ofproto/ofproto-bundle.h"

VLOG_DEFINE_THIS_MODULE(connmgr_bundle);

/* One bundle. Invariant: ops[i] was decoded from raw[i] (a copy of the inner message). */
struct ofbundle {
    LIST_ENTRY(ofbundle) node;
    uint32_t id;
    uint16_t flags;
    bool closed;
    struct ofproto_bundle_op *ops;
    uint8_t **raw;
    size_t n, alloc;
};

struct ofbundle_set {
    LIST_HEAD(, ofbundle) bundles;
    size_t n;
};

struct ofbundle_set *
ofbundle_set_create(void)
{
    struct ofbundle_set *set = xzalloc(sizeof *set);
    LIST_INIT(&set->bundles);
    return set;
}

static void
bundle_free(struct ofbundle_set *set, struct ofbundle *b)
{
    LIST_REMOVE(b, node);
    set->n--;
    for (size_t i = 0; i < b->n; i++) {
        if (b->ops[i].type == OFPT_FLOW_MOD) {
            ofp_flow_mod_destroy(&b->ops[i].fm);
        } else if (b->ops[i].type == OFPT_GROUP_MOD) {
            ofp_group_mod_destroy(&b->ops[i].gm);
        }
        free(b->raw[i]);
    }
    free(b->ops);
    free(b->raw);
    free(b);
}

void
ofbundle_set_destroy(struct ofbundle_set *set)
{
    if (set) {
        while (!LIST_EMPTY(&set->bundles)) {
            bundle_free(set, LIST_FIRST(&set->bundles));
        }
        free(set);
    }
}

size_t
ofbundle_set_count(const struct ofbundle_set *set)
{
    return set->n;
}

static struct ofbundle *
bundle_find(struct ofbundle_set *set, uint32_t id)
{
    struct ofbundle *b;
    LIST_FOREACH(b, &set->bundles, node) {
        if (b->id == id) {
            return b;
        }
    }
    return NULL;
}

static struct ofbundle *
bundle_open(struct ofbundle_set *set, uint32_t id, uint16_t flags)
{
    struct ofbundle *b = xzalloc(sizeof *b);
    b->id = id;
    b->flags = flags;
    LIST_INSERT_HEAD(&set->bundles, b, node);
    set->n++;
    return b;
}

static int decode_op__(const uint8_t *msg, size_t len, struct ofproto_bundle_op *,
                       struct ofperr *err);

/* Appends an ERROR for MSG (LEN bytes) to TX. */
static void
put_error(struct ofpbuf *tx, uint8_t version, const uint8_t *msg, size_t len, struct ofperr err)
{
    ofp_encode_error(tx, version, ofp_get_be32(msg + 4), err, msg,
                     UVS_MIN(len, (size_t) OFP_ERROR_DATA_MAX));
}

/* Decodes the inner message of an ADD into *OP. Returns 0 or -EPROTO with *ERR. */
static int
decode_op(const uint8_t *msg, size_t len, struct ofproto_bundle_op *op, struct ofperr *err)
{
    /* The decoders read the OpenFlow 1.3 form (1.4 for port-mod): convert 1.5's first. */
    struct ofpbuf up;
    ofpbuf_init(&up, 0);
    int error = ofp_msg_upgrade(msg, len, &up, err);
    if (error < 0) {
        ofpbuf_uninit(&up);
        return -EPROTO;
    } else if (!error) {
        error = decode_op__(up.data, up.size, op, err);
        ofpbuf_uninit(&up);
        return error;
    }
    ofpbuf_uninit(&up);
    return decode_op__(msg, len, op, err);
}

static int
decode_op__(const uint8_t *msg, size_t len, struct ofproto_bundle_op *op, struct ofperr *err)
{
    memset(op, 0, sizeof *op);
    op->type = msg[1];
    switch (msg[1]) {
    case OFPT_FLOW_MOD:
        if (ofp_decode_flow_mod(msg, len, &op->fm, err)) {
            ofp_flow_mod_destroy(&op->fm);
            return -EPROTO;
        }
        return 0;
    case OFPT_GROUP_MOD:
        if (ofp_decode_group_mod(msg, len, &op->gm, err)) {
            ofp_group_mod_destroy(&op->gm);
            return -EPROTO;
        }
        return 0;
    case OFPT_PORT_MOD:
        return ofp_decode_port_mod(msg, len, &op->pm, err);
    default:
        /* OpenFlow 1.4.1 §7.3.9.6: messages that cannot be bundled, or are not supported in a
         * bundle (meter-mod: see ofproto-bundle.h). */
        *err = (struct ofperr) { OFPET_BUNDLE_FAILED, OFPBFC_MSG_UNSUP };
        return -EPROTO;
    }
}

static int
handle_add(struct ofbundle_set *set, bool is_slave, const uint8_t *msg, size_t len,
           struct ofperr *err)
{
    struct ofp_bundle_add ba;
    struct ofproto_bundle_op op;

    if (ofp_decode_bundle_add(msg, len, &ba, err)) {
        return -EPROTO;
    }
    if (is_slave) {
        *err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_IS_SLAVE };
        return -EPROTO;
    }
    struct ofbundle *b = bundle_find(set, ba.bundle_id);
    if (b && b->closed) {
        *err = (struct ofperr) { OFPET_BUNDLE_FAILED, OFPBFC_BUNDLE_CLOSED };
        return -EPROTO;
    }
    if (b && b->flags != ba.flags) {
        *err = (struct ofperr) { OFPET_BUNDLE_FAILED, OFPBFC_BAD_FLAGS };
        return -EPROTO;
    }
    if (b && b->n >= CONNMGR_MAX_BUNDLE_MSGS) {
        *err = (struct ofperr) { OFPET_BUNDLE_FAILED, OFPBFC_MSG_TOO_MANY };
        return -EPROTO;
    }
    if (!b && set->n >= CONNMGR_MAX_BUNDLES) {
        *err = (struct ofperr) { OFPET_BUNDLE_FAILED, OFPBFC_OUT_OF_BUNDLES };
        return -EPROTO;
    }
    if (decode_op(ba.msg, ba.msg_len, &op, err)) {
        return -EPROTO;
    }
    if (!b) {
        b = bundle_open(set, ba.bundle_id, ba.flags);
    }
    if (b->n == b->alloc) {
        b->alloc = b->alloc ? b->alloc * 2 : 8;
        b->ops = xrealloc(b->ops, b->alloc * sizeof *b->ops);
        b->raw = xrealloc(b->raw, b->alloc * sizeof *b->raw);
    }
    b->ops[b->n] = op;
    b->raw[b->n] = memcpy(xmalloc(ba.msg_len), ba.msg, ba.msg_len);
    b->n++;
    return 0;
}

/* Commits B (then frees it). Returns 0, or -EPROTO after queueing the failing message's error
 * (and setting *ERR to MSG_FAILED for the commit). */
static int
commit(struct ofbundle_set *set, struct ofbundle *b, struct ofproto *ofproto, uint8_t version,
       struct ofpbuf *tx, struct ofperr *err)
{
    size_t failed = 0;
    struct ofperr merr;
    int error = ofproto_bundle_commit(ofproto, b->ops, b->n, &failed, &merr);

    if (error) {
        const uint8_t *m = b->raw[failed];
        VLOG_DBG("bundle %"PRIu32": message %zu (%s) fails with %s %s: nothing applied", b->id,
                 failed + 1, ofp_type_name(m[1]), ofperr_type_name(merr.type),
                 ofperr_code_name(merr));
        put_error(tx, version, m, ofp_get_be16(m + 2), merr);
        *err = (struct ofperr) { OFPET_BUNDLE_FAILED, OFPBFC_MSG_FAILED };
    }
    bundle_free(set, b);
    return error ? -EPROTO : 0;
}

static int
handle_control(struct ofbundle_set *set, struct ofproto *ofproto, bool is_slave, uint8_t version,
               const uint8_t *msg, size_t len, struct ofpbuf *tx, struct ofperr *err)
{
    struct ofp_bundle_ctrl bc;

    if (ofp_decode_bundle_ctrl(msg, len, &bc, err)) {
        return -EPROTO;
    }
    struct ofbundle *b = bundle_find(set, bc.bundle_id);
    int error = 0;
    switch (bc.type) {
    case OFPBCT_OPEN_REQUEST:
        if (b) {
            *err = (struct ofperr) { OFPET_BUNDLE_FAILED, OFPBFC_BUNDLE_EXIST };
            return -EPROTO;
        }
        if (set->n >= CONNMGR_MAX_BUNDLES) {
            *err = (struct ofperr) { OFPET_BUNDLE_FAILED, OFPBFC_OUT_OF_BUNDLES };
            return -EPROTO;
        }
        bundle_open(set, bc.bundle_id, bc.flags);
        break;

    case OFPBCT_CLOSE_REQUEST:
    case OFPBCT_COMMIT_REQUEST:
    case OFPBCT_DISCARD_REQUEST:
        if (!b) {
            *err = (struct ofperr) { OFPET_BUNDLE_FAILED, OFPBFC_BAD_ID };
            return -EPROTO;
        }
        if (bc.type == OFPBCT_DISCARD_REQUEST) {
            bundle_free(set, b);
            break;
        }
        if (b->flags != bc.flags) {
            *err = (struct ofperr) { OFPET_BUNDLE_FAILED, OFPBFC_BAD_FLAGS };
            return -EPROTO;
        }
        if (bc.type == OFPBCT_CLOSE_REQUEST) {
            if (b->closed) {
                *err = (struct ofperr) { OFPET_BUNDLE_FAILED, OFPBFC_BUNDLE_CLOSED };
                return -EPROTO;
            }
            b->closed = true;
        } else if (is_slave) {
            *err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_IS_SLAVE };
            return -EPROTO;
        } else {
            error = commit(set, b, ofproto, version, tx, err);
        }
        break;

    default:
        /* A reply type sent to the switch. */
        *err = (struct ofperr) { OFPET_BUNDLE_FAILED, OFPBFC_BAD_TYPE };
        return -EPROTO;
    }
    if (!error) {
        struct ofp_bundle_ctrl reply = { bc.bundle_id, bc.type + 1, bc.flags };
        ofp_encode_bundle_ctrl(tx, version, ofp_get_be32(msg + 4), &reply);
    }
    return error;
}

void
ofbundle_handle(struct ofbundle_set *set, struct ofproto *ofproto, bool is_slave,
                uint8_t version, const uint8_t *msg, size_t len, struct ofpbuf *tx)
{
    struct ofperr err;
    int error;

    if (version < OFP14_VERSION) {
        /* Bundles are OpenFlow 1.4's; 1.3 has only the ONF extension, not supported. */
        err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BAD_TYPE };
        error = -EPROTO;
    } else if (msg[1] == OFPT_BUNDLE_ADD_MESSAGE) {
        error = handle_add(set, is_slave, msg, len, &err);
    } else {
        error = handle_control(set, ofproto, is_slave, version, msg, len, tx, &err);
    }
    if (error) {
        put_error(tx, version, msg, len, err);
    }
}
