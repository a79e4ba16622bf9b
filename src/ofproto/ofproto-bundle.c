/*
 * ofproto-bundle — all-or-none commit of an OpenFlow 1.4 bundle (see ofproto-bundle.h).
 */
#include "ofproto/ofproto-bundle.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "lib/vlog.h"
#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-meter.h"
#include "ofproto/ofp-print.h"
#include "ofproto/ofproto-meter.h"
#include "ofproto/ofproto-provider.h"
#include "pmd/dpif-netdev.h"

VLOG_DEFINE_THIS_MODULE(ofproto_bundle);

static int
refuse(struct ofperr *err, uint16_t type, uint16_t code)
{
    *err = (struct ofperr) { type, code };
    return -EINVAL;
}

/* Whether some packet could match both A and B (both normalized). */
static bool
matches_overlap(const struct match *a, const struct match *b)
{
    const uint64_t *av = flow_u64(&a->flow), *am = flow_u64(&a->wc);
    const uint64_t *bv = flow_u64(&b->flow), *bm = flow_u64(&b->wc);

    for (size_t i = 0; i < FLOW_U64S; i++) {
        if ((av[i] ^ bv[i]) & am[i] & bm[i]) {
            return false;
        }
    }
    return true;
}

/* Rules of one table, for the check_overlap test. */
struct table_rules {
    struct match *matches;
    uint16_t *priorities;
    size_t n;
};

static void
collect_rule_cb(void *aux, const struct ofp_flow_stats *fs)
{
    struct table_rules *tr = aux;
    tr->matches = xrealloc(tr->matches, (tr->n + 1) * sizeof *tr->matches);
    tr->priorities = xrealloc(tr->priorities, (tr->n + 1) * sizeof *tr->priorities);
    tr->matches[tr->n] = fs->match;
    tr->priorities[tr->n++] = fs->priority;
}

/* Whether an add of FM with check_overlap conflicts with a rule of its table or with an earlier
 * add OPS[0..I) of the bundle. */
static bool
add_overlaps(struct ofproto *ofproto, const struct ofproto_bundle_op *ops, size_t i)
{
    const struct ofp_flow_mod *fm = &ops[i].fm;
    struct ofp_flow_stats_request fsr = {
        .table_id = fm->table_id, .out_port = OFPP_ANY, .out_group = OFPG_ANY,
    };
    struct table_rules tr = { NULL, NULL, 0 };
    struct match m = fm->match;
    bool overlap = false;

    match_normalize(&m);
    match_init_catchall(&fsr.match);
    ofproto_collect_flow_stats(ofproto, &fsr, collect_rule_cb, &tr);
    for (size_t j = 0; j < tr.n && !overlap; j++) {
        overlap = tr.priorities[j] == fm->priority && !match_equal(&tr.matches[j], &m)
                  && matches_overlap(&tr.matches[j], &m);
    }
    for (size_t j = 0; j < i && !overlap; j++) {
        const struct ofp_flow_mod *e = &ops[j].fm;
        if (ops[j].type == OFPT_FLOW_MOD && e->command == OFPFC_ADD
            && e->table_id == fm->table_id && e->priority == fm->priority) {
            struct match em = e->match;
            match_normalize(&em);
            overlap = !match_equal(&em, &m) && matches_overlap(&em, &m);
        }
    }
    free(tr.matches);
    free(tr.priorities);
    return overlap;
}

/* The groups as they will be when a message of the bundle runs: the switch's, changed by the
 * bundle's group-mods so far. */
struct group_view {
    bool all_deleted;          /* A delete of OFPG_ALL ran: only 'ids' with 'exists' remain. */
    uint32_t *ids;             /* Groups a group-mod of the bundle touched... */
    bool *exists;              /* ...and whether each exists now. */
    size_t n;
};

/* Whether group ID exists at this point of the bundle. Caller holds the ofproto mutex. */
static bool
group_view_exists(const struct group_view *v, const struct ofproto *ofproto, uint32_t id)
{
    for (size_t i = v->n; i-- > 0;) {
        if (v->ids[i] == id) {
            return v->exists[i];
        }
    }
    return !v->all_deleted && ofproto_group_find(ofproto, id) != NULL;
}

static void
group_view_set(struct group_view *v, uint32_t id, bool exists)
{
    v->ids = xrealloc(v->ids, (v->n + 1) * sizeof *v->ids);
    v->exists = xrealloc(v->exists, (v->n + 1) * sizeof *v->exists);
    v->ids[v->n] = id;
    v->exists[v->n++] = exists;
}

/* The checks ofproto_handle_group_mod() makes, against the groups of V; then records its effect
 * in V. */
static int
check_group_mod(struct ofproto *ofproto, const struct ofp_group_mod *gm, struct group_view *v,
                struct ofperr *err)
{
    int error = ofproto_group_mod_check(gm, err);
    if (error) {
        return error;
    }
    pthread_mutex_lock(&ofproto->mutex);
    bool exists = group_view_exists(v, ofproto, gm->group_id);
    pthread_mutex_unlock(&ofproto->mutex);
    switch (gm->command) {
    case OFPGC_ADD:
        if (exists) {
            return refuse(err, OFPET_GROUP_MOD_FAILED, OFPGMFC_GROUP_EXISTS);
        }
        group_view_set(v, gm->group_id, true);
        break;
    case OFPGC_MODIFY:
        if (!exists) {
            return refuse(err, OFPET_GROUP_MOD_FAILED, OFPGMFC_UNKNOWN_GROUP);
        }
        break;
    default:
        if (gm->group_id == OFPG_ALL) {
            v->all_deleted = true;
            v->n = 0;
        } else {
            group_view_set(v, gm->group_id, false);
        }
        break;
    }
    return 0;
}

/* The checks ofproto_handle_flow_mod() makes before changing anything, with the groups of V. */
static int
check_flow_mod(struct ofproto *ofproto, const struct ofp_flow_mod *fm,
               const struct group_view *v, struct ofperr *err)
{
    bool all_tables = fm->table_id == 0xff;

    if (fm->command > OFPFC_DELETE_STRICT) {
        return refuse(err, OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_COMMAND);
    }
    if ((fm->table_id >= OFPROTO_N_TABLES && !all_tables)
        || (all_tables && fm->command == OFPFC_ADD)) {
        return refuse(err, OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_TABLE_ID);
    }
    if (fm->command == OFPFC_DELETE || fm->command == OFPFC_DELETE_STRICT) {
        return 0;
    }
    if (ofpacts_check(&fm->ofpacts, &fm->match, all_tables ? 0 : fm->table_id, err)) {
        return -EINVAL;
    }
    int error = 0;
    pthread_mutex_lock(&ofproto->mutex);
    for (size_t i = 0; i < fm->ofpacts.n && !error; i++) {
        const struct ofpact *a = &fm->ofpacts.acts[i];
        if (a->type == OFPACT_GROUP && !group_view_exists(v, ofproto, a->port)) {
            error = refuse(err, OFPET_BAD_ACTION, OFPBAC_BAD_OUT_GROUP);
        } else if (a->type == OFPACT_METER && !ofproto_meter_exists(ofproto, a->port)) {
            error = refuse(err, OFPET_METER_MOD_FAILED, OFPMMFC_UNKNOWN_METER);
        }
    }
    pthread_mutex_unlock(&ofproto->mutex);
    return error;
}

/* Validates, then applies. Caller holds the ofproto mutex (recursive: the handlers take it too)
 * and defers revalidation. */
static int
bundle_commit__(struct ofproto *ofproto, const struct ofproto_bundle_op *ops, size_t n,
                size_t *failed, struct ofperr *err)
{
    struct group_view view = { false, NULL, NULL, 0 };
    uint64_t n_rules = 0;
    size_t n_adds = 0;
    int error = 0;

    for (int t = 0; t < OFPROTO_N_TABLES; t++) {
        uint32_t active;
        uint64_t lookups, matched;
        ofproto_get_table_stats(ofproto, t, &active, &lookups, &matched);
        n_rules += active;
    }
    for (size_t i = 0; i < n && !error; i++) {
        const struct ofproto_bundle_op *op = &ops[i];

        *failed = i;
        if (op->type == OFPT_PORT_MOD) {
            pthread_mutex_lock(&ofproto->mutex);
            bool exists = ofproto_port_find(ofproto, op->pm.port_no) != NULL;
            pthread_mutex_unlock(&ofproto->mutex);
            if (!exists) {
                error = refuse(err, OFPET_PORT_MOD_FAILED, OFPPMFC_BAD_PORT);
            }
        } else if (op->type == OFPT_GROUP_MOD) {
            error = check_group_mod(ofproto, &op->gm, &view, err);
        } else {
            error = check_flow_mod(ofproto, &op->fm, &view, err);
            if (!error && op->fm.command == OFPFC_ADD) {
                if ((op->fm.flags & OFPFF_CHECK_OVERLAP) && add_overlaps(ofproto, ops, i)) {
                    error = refuse(err, OFPET_FLOW_MOD_FAILED, OFPFMFC_OVERLAP);
                } else if (n_rules + ++n_adds > OFPROTO_MAX_RULES) {
                    error = refuse(err, OFPET_FLOW_MOD_FAILED, OFPFMFC_TABLE_FULL);
                }
            }
        }
    }
    free(view.ids);
    free(view.exists);
    if (error) {
        return error;
    }

    for (size_t i = 0; i < n; i++) {
        const struct ofproto_bundle_op *op = &ops[i];
        error = op->type == OFPT_PORT_MOD
                ? ofproto_port_mod(ofproto, op->pm.port_no, op->pm.config, op->pm.mask, err)
                : op->type == OFPT_GROUP_MOD ? ofproto_handle_group_mod(ofproto, &op->gm, err)
                : ofproto_handle_flow_mod(ofproto, &op->fm, err);
        if (error) {
            /* The checks above should make this impossible: say so loudly. */
            VLOG_ERR("bridge %s: bundle message %zu of %zu failed after validation (%s %s); the "
                     "messages before it stay applied", ofproto_name(ofproto), i + 1, n,
                     ofperr_type_name(err->type), ofperr_code_name(*err));
            *failed = i;
            return error;
        }
    }
    return 0;
}

int
ofproto_bundle_commit(struct ofproto *ofproto, const struct ofproto_bundle_op *ops, size_t n,
                      size_t *failed, struct ofperr *err)
{
    /* One critical section for upcalls and revalidation (they translate under this mutex), and
     * one revalidation request, after the last message: no packet sees part of the bundle. */
    pthread_mutex_lock(&ofproto->mutex);
    dp_netdev_defer_revalidation(ofproto->dp, true);
    int error = bundle_commit__(ofproto, ops, n, failed, err);
    dp_netdev_defer_revalidation(ofproto->dp, false);
    pthread_mutex_unlock(&ofproto->mutex);
    return error;
}
