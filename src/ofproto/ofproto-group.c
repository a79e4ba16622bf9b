/*
 * ofproto-group — the group table of an ofproto (OpenFlow 1.3.5 §5.6): group-mod (add, modify,
 * delete; deleting a group deletes the flows that use it, through
 * ofproto_delete_rules_using_group() in ofproto.c, which owns the rules), group descriptions and
 * statistics (packet and byte counts per group and per bucket, credited by the datapath's
 * megaflows through the rule combinations of ofproto.c: see struct ofgroup in
 * ofproto-provider.h), and the state-independent checks that ofproto-bundle.c repeats before a
 * bundle commit (ofproto_group_mod_check()). Translation through groups (all, select, indirect,
 * fast-failover) is in ofproto-xlate.c.
 *
 * Thread-safety: the groups array and each group's buckets are written by the main thread under
 * ofproto->mutex and read by PMD threads under it (xlate); the counters are main-thread only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-group.h"
#include "ofproto/ofproto-provider.h"
#include "pmd/dpif-netdev.h"

struct ofgroup *
ofproto_group_find(const struct ofproto *ofproto, uint32_t group_id)
{
    for (size_t i = 0; i < ofproto->n_groups; i++) {
        if (ofproto->groups[i]->gm.group_id == group_id) {
            return ofproto->groups[i];
        }
    }
    return NULL;
}

bool
ofproto_ofpacts_use_group(const struct ofpacts *acts, uint32_t group_id)
{
    for (size_t i = 0; i < acts->n; i++) {
        if (acts->acts[i].type == OFPACT_GROUP
            && (group_id == OFPG_ALL || acts->acts[i].port == group_id)) {
            return true;
        }
    }
    return false;
}

static void
group_free(struct ofgroup *g)
{
    ofp_group_mod_destroy(&g->gm);
    free(g->bucket_packets);
    free(g->bucket_bytes);
    free(g);
}

/* Copies GM into a new group. */
static struct ofgroup *
group_create(const struct ofp_group_mod *gm)
{
    static uint64_t next_group_serial = 1;
    struct ofgroup *g = xzalloc(sizeof *g);
    g->gm = *gm;
    g->gm.buckets = xcalloc(gm->n_buckets + 1, sizeof *g->gm.buckets);
    for (size_t i = 0; i < gm->n_buckets; i++) {
        g->gm.buckets[i] = gm->buckets[i];
        ofpacts_copy(&g->gm.buckets[i].ofpacts, &gm->buckets[i].ofpacts);
    }
    g->stats_id = OFGROUP_STATS_BIT | next_group_serial++ << 8;
    g->created = time_msec();
    g->bucket_packets = xcalloc(gm->n_buckets + 1, sizeof *g->bucket_packets);
    g->bucket_bytes = xcalloc(gm->n_buckets + 1, sizeof *g->bucket_bytes);
    return g;
}

static int
group_mod_error(struct ofperr *err, uint16_t code)
{
    err->type = OFPET_GROUP_MOD_FAILED;
    err->code = code;
    return -EINVAL;
}

int
ofproto_group_mod_check(const struct ofp_group_mod *gm, struct ofperr *err)
{
    if (gm->command != OFPGC_DELETE) {
        if (gm->group_id > OFPG_MAX) {
            return group_mod_error(err, OFPGMFC_INVALID_GROUP);
        }
        if (gm->type == OFPGT_INDIRECT && gm->n_buckets != 1) {
            return group_mod_error(err, OFPGMFC_BAD_BUCKET);
        }
        for (size_t i = 0; i < gm->n_buckets; i++) {
            struct match any;
            match_init_catchall(&any);
            if (ofproto_ofpacts_use_group(&gm->buckets[i].ofpacts, OFPG_ALL)) {
                /* Chaining groups is not supported. */
                return group_mod_error(err, OFPGMFC_BAD_BUCKET);
            }
            if (ofpacts_check(&gm->buckets[i].ofpacts, &any, 0, err)
                && err->code != OFPBAC_MATCH_INCONSISTENT) {
                return -EINVAL;
            }
        }
    }
    if (gm->command > OFPGC_DELETE) {
        return group_mod_error(err, OFPGMFC_BAD_COMMAND);
    }
    return 0;
}

int
ofproto_handle_group_mod(struct ofproto *ofproto, const struct ofp_group_mod *gm,
                         struct ofperr *err)
{
    int check = ofproto_group_mod_check(gm, err);
    if (check) {
        return check;
    }

    pthread_mutex_lock(&ofproto->mutex);
    struct ofgroup *g = ofproto_group_find(ofproto, gm->group_id);
    int error = 0;
    switch (gm->command) {
    case OFPGC_ADD:
        if (g) {
            error = group_mod_error(err, OFPGMFC_GROUP_EXISTS);
            break;
        }
        ofproto->groups = xrealloc(ofproto->groups,
                                   (ofproto->n_groups + 1) * sizeof *ofproto->groups);
        ofproto->groups[ofproto->n_groups++] = group_create(gm);
        break;
    case OFPGC_MODIFY:
        if (!g) {
            error = group_mod_error(err, OFPGMFC_UNKNOWN_GROUP);
            break;
        }
        for (size_t i = 0; i < ofproto->n_groups; i++) {
            if (ofproto->groups[i] == g) {
                ofproto->groups[i] = group_create(gm);
            }
        }
        group_free(g);
        break;
    case OFPGC_DELETE:
        /* OpenFlow 1.3.5 §6.5: the flows that use a deleted group go with it. */
        ofproto_delete_rules_using_group(ofproto, gm->group_id);
        for (size_t i = 0; i < ofproto->n_groups;) {
            struct ofgroup *x = ofproto->groups[i];
            if (gm->group_id == OFPG_ALL || x->gm.group_id == gm->group_id) {
                ofproto->groups[i] = ofproto->groups[--ofproto->n_groups];
                group_free(x);
            } else {
                i++;
            }
        }
        break;
    default:
        error = group_mod_error(err, OFPGMFC_BAD_COMMAND);
        break;
    }
    if (!error) {
        dp_netdev_revalidate(ofproto->dp);
    }
    pthread_mutex_unlock(&ofproto->mutex);
    return error;
}

static int
group_cmp(const void *a_, const void *b_)
{
    const struct ofgroup *a = *(const struct ofgroup *const *) a_;
    const struct ofgroup *b = *(const struct ofgroup *const *) b_;
    return a->gm.group_id < b->gm.group_id ? -1 : a->gm.group_id > b->gm.group_id;
}

void
ofproto_collect_groups(struct ofproto *ofproto, ofproto_group_cb *cb, void *aux)
{
    /* The groups array is read by PMDs under the mutex: sort it under the mutex too. */
    pthread_mutex_lock(&ofproto->mutex);
    qsort(ofproto->groups, ofproto->n_groups, sizeof *ofproto->groups, group_cmp);
    pthread_mutex_unlock(&ofproto->mutex);
    for (size_t i = 0; i < ofproto->n_groups; i++) {
        cb(aux, &ofproto->groups[i]->gm);
    }
}

/* Counts, for ref_count, the flows whose actions use each group of a sorted id list. */
struct group_refs {
    const uint32_t *ids;       /* Sorted. */
    uint32_t *counts;
    size_t n;
};

static int
u32_cmp(const void *a_, const void *b_)
{
    uint32_t a = *(const uint32_t *) a_, b = *(const uint32_t *) b_;
    return a < b ? -1 : a > b;
}

static void
count_group_refs_cb(void *aux, const struct ofp_flow_stats *fs)
{
    struct group_refs *refs = aux;
    for (size_t i = 0; i < fs->ofpacts.n; i++) {
        const struct ofpact *a = &fs->ofpacts.acts[i];
        uint32_t id = a->port;
        const uint32_t *p = a->type == OFPACT_GROUP
                            ? bsearch(&id, refs->ids, refs->n, sizeof id, u32_cmp) : NULL;
        bool counted = false;
        for (size_t j = 0; p && j < i; j++) {      /* A flow counts once per group. */
            counted |= fs->ofpacts.acts[j].type == OFPACT_GROUP && fs->ofpacts.acts[j].port == id;
        }
        if (p && !counted) {
            refs->counts[p - refs->ids]++;
        }
    }
}

void
ofproto_collect_group_stats(struct ofproto *ofproto, uint32_t group_id,
                            ofproto_group_stats_cb *cb, void *aux)
{
    long long now = time_msec();
    struct ofp_group_stats *gs = xcalloc(ofproto->n_groups + 1, sizeof *gs);
    size_t n = 0;

    /* The groups array is read by PMDs under the mutex: sort it under the mutex too. */
    pthread_mutex_lock(&ofproto->mutex);
    qsort(ofproto->groups, ofproto->n_groups, sizeof *ofproto->groups, group_cmp);
    pthread_mutex_unlock(&ofproto->mutex);
    for (size_t i = 0; i < ofproto->n_groups; i++) {
        const struct ofgroup *g = ofproto->groups[i];
        if (group_id != OFPG_ALL && g->gm.group_id != group_id) {
            continue;
        }
        struct ofp_group_stats *s = &gs[n++];
        s->group_id = g->gm.group_id;
        s->packet_count = g->packet_count;
        s->byte_count = g->byte_count;
        s->duration_sec = (uint32_t) ((now - g->created) / 1000);
        s->duration_nsec = (uint32_t) ((now - g->created) % 1000) * 1000000u;
        s->n_buckets = UVS_MIN(g->gm.n_buckets, (size_t) OFP_MAX_GROUP_BUCKETS);
        for (size_t b = 0; b < s->n_buckets; b++) {
            s->bucket_packets[b] = g->bucket_packets[b];
            s->bucket_bytes[b] = g->bucket_bytes[b];
        }
    }

    /* ref_count: one pass over the flows for all the groups reported. */
    uint32_t *ids = xcalloc(n + 1, sizeof *ids), *counts = xcalloc(n + 1, sizeof *counts);
    for (size_t i = 0; i < n; i++) {
        ids[i] = gs[i].group_id;
    }
    qsort(ids, n, sizeof *ids, u32_cmp);
    struct group_refs refs = { ids, counts, n };
    struct ofp_flow_stats_request fsr = {
        .table_id = 0xff, .out_port = OFPP_ANY, .out_group = OFPG_ANY,
    };
    match_init_catchall(&fsr.match);
    if (n) {
        ofproto_collect_flow_stats(ofproto, &fsr, count_group_refs_cb, &refs);
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t *id = bsearch(&gs[i].group_id, ids, n, sizeof *ids, u32_cmp);
        gs[i].ref_count = counts[id - ids];
        cb(aux, &gs[i]);
    }
    free(ids);
    free(counts);
    free(gs);
}


bool
ofproto_group_credit_stats(struct ofproto *ofproto, uint64_t id, uint64_t packets, uint64_t bytes)
{
    uint64_t serial = id & ~(uint64_t) OFGROUP_STATS_GROUP;
    unsigned int slot = id & OFGROUP_STATS_GROUP;

    for (size_t i = 0; i < ofproto->n_groups; i++) {
        struct ofgroup *g = ofproto->groups[i];
        if (g->stats_id != serial) {
            continue;
        }
        if (slot == OFGROUP_STATS_GROUP) {
            g->packet_count += packets;
            g->byte_count += bytes;
        } else if (slot < g->gm.n_buckets) {
            g->bucket_packets[slot] += packets;
            g->bucket_bytes[slot] += bytes;
        }
        return true;
    }
    return false;
}

void
ofproto_groups_destroy(struct ofproto *ofproto)
{
    for (size_t i = 0; i < ofproto->n_groups; i++) {
        group_free(ofproto->groups[i]);
    }
    free(ofproto->groups);
    ofproto->groups = NULL;
    ofproto->n_groups = 0;
}
