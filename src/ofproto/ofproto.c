/* ofproto — an OpenFlow switch: flow tables, flow-mods, ports and statistics. See ofproto.h and
 * ofproto-provider.h; the translation lives in ofproto-xlate.c. */
#include "ofproto/ofproto.h"

#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lib/poll-loop.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofproto/classifier.h"
#include "ofproto/connmgr.h"
#include "ofproto/mac-learning.h"
#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-meter.h"
#include "ofproto/ofproto-meter.h"
#include "ofproto/ofproto-patch.h"
#include "ofproto/ofproto-tnl.h"
#include "ofproto/ofproto-provider.h"
#include "pmd/dpif-netdev.h"

VLOG_DEFINE_THIS_MODULE(ofproto);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

static int
rule_id_cmp(const struct rule *a, const struct rule *b)
{
    return a->id < b->id ? -1 : a->id > b->id;
}

RB_HEAD(rule_id_tree, rule);
RB_GENERATE_INTERNAL(rule_id_tree, rule, id_node, rule_id_cmp, static __attribute__((unused)))

static struct rule_id_tree all_rules = RB_INITIALIZER(&all_rules);
static uint64_t next_rule_id = 1;

struct ofproto_list all_ofprotos = LIST_HEAD_INITIALIZER(all_ofprotos);

static void ofport_apply_vlan(struct ofproto *, struct ofport *, const struct port_vlan_cfg *);
static void group_credit_stats(uint64_t id, uint64_t packets, uint64_t bytes);

/* ---- Rule combinations. ----
 *
 * A datapath megaflow credits one rule id; a translation through several tables matched several
 * rules. A combination is a synthetic id (high bit set) standing for a list of rule ids, so every
 * rule on the path gets the megaflow's counters. Combinations are deduplicated by content and
 * never freed (their number is bounded by COMBO_MAX; past that, only the first rule is credited).
 * 'combo_mutex' protects them (taken under an ofproto mutex on PMD threads, alone on the main
 * thread). */
#define COMBO_BIT (UINT64_C(1) << 63)
#define COMBO_MAX 65536
#define COMBO_MAX_RULES 16
struct rule_combo {
    size_t n;
    uint64_t ids[COMBO_MAX_RULES];
};
static pthread_mutex_t combo_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct rule_combo *combos;
static size_t n_combos, alloc_combos;

uint64_t
ofproto_rule_combo_id(const uint64_t *ids, size_t n)
{
    uint64_t id = ids[0];

    if (n <= 1) {
        return id;
    }
    n = n > COMBO_MAX_RULES ? COMBO_MAX_RULES : n;
    pthread_mutex_lock(&combo_mutex);
    for (size_t i = n_combos; i-- > 0;) {
        if (combos[i].n == n && !memcmp(combos[i].ids, ids, n * sizeof *ids)) {
            id = COMBO_BIT | i;
            goto out;
        }
    }
    if (n_combos < COMBO_MAX) {
        if (n_combos == alloc_combos) {
            alloc_combos = alloc_combos ? alloc_combos * 2 : 64;
            combos = xrealloc(combos, alloc_combos * sizeof *combos);
        }
        combos[n_combos].n = n;
        memcpy(combos[n_combos].ids, ids, n * sizeof *ids);
        id = COMBO_BIT | n_combos++;
    }
out:
    pthread_mutex_unlock(&combo_mutex);
    return id;
}

/* ---- Rules and tables. ---- */

/* Tells the controllers RULE is gone (OpenFlow 1.3.5 §7.4.2) if it was added with
 * send_flow_rem. */
static void
rule_send_removed(struct ofproto *ofproto, const struct rule *rule, uint8_t reason,
                  long long now)
{
    if (!(rule->flags & OFPFF_SEND_FLOW_REM)) {
        return;
    }
    struct ofp_flow_removed fr = {
        .cookie = rule->cookie, .priority = rule->priority, .reason = reason,
        .table_id = rule->table_id,
        .duration_sec = (uint32_t) ((now - rule->created) / 1000),
        .duration_nsec = (uint32_t) ((now - rule->created) % 1000) * 1000000u,
        .idle_timeout = rule->idle_timeout, .hard_timeout = rule->hard_timeout,
        .packet_count = rule->packet_count, .byte_count = rule->byte_count,
        .match = rule->match,
    };
    connmgr_send_flow_removed(ofproto->connmgr, &fr);
}

static void
rule_free(struct rule *rule)
{
    ofpacts_destroy(&rule->ofpacts);
    free(rule);
}

/* Inserts RULE into its table keeping the order. Caller holds mutex. */
static void
rules_insert(struct ofproto *ofproto, struct rule *rule)
{
    struct oftable *t = &ofproto->tables[rule->table_id];

    if (t->n_rules == t->alloc_rules) {
        t->alloc_rules = t->alloc_rules ? t->alloc_rules * 2 : 16;
        t->rules = xrealloc(t->rules, t->alloc_rules * sizeof *t->rules);
    }
    size_t lo = 0, hi = t->n_rules;
    while (lo < hi) {           /* First index whose priority < rule's. */
        size_t mid = (lo + hi) / 2;
        if (t->rules[mid]->priority >= rule->priority) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    memmove(&t->rules[lo + 1], &t->rules[lo], (t->n_rules - lo) * sizeof *t->rules);
    t->rules[lo] = rule;
    t->n_rules++;
    if (!t->cls) {
        t->cls = classifier_create();
    }
    /* Ties go to the lower id: the earlier rule, as in the sorted array. */
    classifier_insert(t->cls, &rule->match, rule->priority, rule->id, rule);
    ofproto->n_rules++;
    RB_INSERT(rule_id_tree, &all_rules, rule);
}

/* Removes the rule at index I of table T. Caller holds mutex; caller frees. */
static struct rule *
rules_remove_at(struct ofproto *ofproto, struct oftable *t, size_t i)
{
    struct rule *rule = t->rules[i];
    classifier_remove(t->cls, &rule->match, rule->priority, rule->id);
    memmove(&t->rules[i], &t->rules[i + 1], (t->n_rules - i - 1) * sizeof *t->rules);
    t->n_rules--;
    ofproto->n_rules--;
    RB_REMOVE(rule_id_tree, &all_rules, rule);
    return rule;
}

struct rule *
oftable_lookup(struct oftable *t, const struct flow *flow, struct flow *wc)
{
    return t->cls ? classifier_lookup(t->cls, flow, wc) : NULL;
}

/* Whether match A covers match B: every packet B matches, A matches too (OpenFlow 1.3.5 §6.4
 * non-strict semantics). */
static bool
match_covers(const struct match *a, const struct match *b)
{
    const uint64_t *av = flow_u64(&a->flow), *am = flow_u64(&a->wc);
    const uint64_t *bv = flow_u64(&b->flow), *bm = flow_u64(&b->wc);

    for (size_t i = 0; i < FLOW_U64S; i++) {
        if ((am[i] & ~bm[i]) || ((bv[i] & am[i]) != av[i])) {
            return false;
        }
    }
    return true;
}

/* Whether some packet could match both A and B. */
static bool
match_overlaps(const struct match *a, const struct match *b)
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

static bool
rule_matches_filters(const struct rule *rule, uint64_t cookie, uint64_t cookie_mask,
                     uint32_t out_port)
{
    if ((rule->cookie & cookie_mask) != (cookie & cookie_mask)) {
        return false;
    }
    if (out_port != OFPP_ANY && !ofpacts_output_to_port(&rule->ofpacts, out_port)) {
        return false;
    }
    return true;
}

static struct rule *
rule_create(struct ofproto *ofproto, const struct ofp_flow_mod *fm, long long now)
{
    struct rule *rule = xzalloc(sizeof *rule);
    rule->ofproto = ofproto;
    rule->id = next_rule_id++;
    rule->match = fm->match;
    match_normalize(&rule->match);
    rule->priority = fm->priority;
    rule->table_id = fm->table_id;
    rule->cookie = fm->cookie;
    rule->idle_timeout = fm->idle_timeout;
    rule->hard_timeout = fm->hard_timeout;
    rule->flags = fm->flags;
    ofpacts_copy(&rule->ofpacts, &fm->ofpacts);
    rule->created = rule->used = now;
    return rule;
}

static int
flow_mod_error(struct ofperr *err, uint16_t type, uint16_t code, int error)
{
    err->type = type;
    err->code = code;
    return error;
}

/* Adds FM's rule (OpenFlow 1.3.5 §6.4 "add"). Caller holds mutex. */
static int
flow_mod_add(struct ofproto *ofproto, const struct ofp_flow_mod *fm, long long now,
             struct ofperr *err)
{
    struct oftable *t = &ofproto->tables[fm->table_id];
    struct match m = fm->match;
    struct rule *old = NULL;
    size_t old_i = 0;

    match_normalize(&m);
    /* The rules of this priority are t->rules[lo..]: the array is sorted, highest first. */
    size_t lo = 0, hi = t->n_rules;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t->rules[mid]->priority > fm->priority) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (!(fm->flags & OFPFF_CHECK_OVERLAP)) {
        /* The classifier finds an identical rule in one probe (large tables: flow setup). */
        old = t->cls ? classifier_find_exact(t->cls, &m, fm->priority) : NULL;
        for (old_i = lo; old && t->rules[old_i] != old; old_i++) {
            continue;
        }
    }
    for (size_t i = lo; (fm->flags & OFPFF_CHECK_OVERLAP) && i < t->n_rules
                        && t->rules[i]->priority == fm->priority; i++) {
        struct rule *r = t->rules[i];
        if (match_equal(&r->match, &m)) {
            old = r;
            old_i = i;
        } else if (match_overlaps(&r->match, &m)) {
            return flow_mod_error(err, OFPET_FLOW_MOD_FAILED, OFPFMFC_OVERLAP, -EEXIST);
        }
    }
    if (!old && ofproto->n_rules >= OFPROTO_MAX_RULES) {
        return flow_mod_error(err, OFPET_FLOW_MOD_FAILED, OFPFMFC_TABLE_FULL, -ENOSPC);
    }
    struct rule *rule = rule_create(ofproto, fm, now);
    if (old) {
        /* An identical rule is replaced; its counters carry over unless reset_counts. */
        if (!(fm->flags & OFPFF_RESET_COUNTS)) {
            rule->packet_count = old->packet_count;
            rule->byte_count = old->byte_count;
        }
        rule_free(rules_remove_at(ofproto, t, old_i));
    }
    rules_insert(ofproto, rule);
    return 0;
}

int
ofproto_handle_flow_mod(struct ofproto *ofproto, const struct ofp_flow_mod *fm,
                        struct ofperr *err)
{
    long long now = time_msec();
    bool all_tables = fm->table_id == 0xff;
    bool strict = fm->command == OFPFC_MODIFY_STRICT || fm->command == OFPFC_DELETE_STRICT;
    int n_changed = 0;
    int error = 0;

    if (fm->command > OFPFC_DELETE_STRICT) {
        return flow_mod_error(err, OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_COMMAND, -EINVAL);
    }
    if ((fm->table_id >= OFPROTO_N_TABLES && !all_tables)
        || (all_tables && fm->command == OFPFC_ADD)) {
        return flow_mod_error(err, OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_TABLE_ID, -EINVAL);
    }
    if (fm->command == OFPFC_ADD || fm->command == OFPFC_MODIFY
        || fm->command == OFPFC_MODIFY_STRICT) {
        if (ofpacts_check(&fm->ofpacts, &fm->match, all_tables ? 0 : fm->table_id, err)) {
            return -EINVAL;
        }
    }

    pthread_mutex_lock(&ofproto->mutex);
    if (fm->command != OFPFC_DELETE && fm->command != OFPFC_DELETE_STRICT) {
        for (size_t i = 0; i < fm->ofpacts.n; i++) {
            const struct ofpact *a = &fm->ofpacts.acts[i];
            if (a->type == OFPACT_GROUP && !ofproto_group_find(ofproto, a->port)) {
                pthread_mutex_unlock(&ofproto->mutex);
                return flow_mod_error(err, OFPET_BAD_ACTION, OFPBAC_BAD_OUT_GROUP, -EINVAL);
            }
            if (a->type == OFPACT_METER && !ofproto_meter_exists(ofproto, a->port)) {
                /* OpenFlow 1.3.5 §7.3.4.4 (meter-mod), §6.4: an unknown meter. */
                pthread_mutex_unlock(&ofproto->mutex);
                return flow_mod_error(err, OFPET_METER_MOD_FAILED, OFPMMFC_UNKNOWN_METER,
                                      -EINVAL);
            }
        }
    }
    if (fm->command == OFPFC_ADD) {
        error = flow_mod_add(ofproto, fm, now, err);
        n_changed = !error;
    } else {
        bool modify = fm->command == OFPFC_MODIFY || fm->command == OFPFC_MODIFY_STRICT;
        struct match m = fm->match;
        match_normalize(&m);
        for (int t = 0; t < OFPROTO_N_TABLES; t++) {
            struct oftable *table = &ofproto->tables[t];
            if (!all_tables && t != fm->table_id) {
                continue;
            }
            for (size_t i = 0; i < table->n_rules;) {
                struct rule *r = table->rules[i];
                bool hit = strict ? r->priority == fm->priority && match_equal(&r->match, &m)
                                  : match_covers(&m, &r->match);
                /* OpenFlow 1.3.5 §7.3.4.1: out_port and out_group filter deletes only. */
                if (!hit || !rule_matches_filters(r, fm->cookie, fm->cookie_mask,
                                                  modify ? OFPP_ANY : fm->out_port)
                    || (!modify && fm->out_group != OFPG_ANY)) {
                    i++;
                    continue;
                }
                n_changed++;
                if (modify) {
                    ofpacts_destroy(&r->ofpacts);
                    ofpacts_copy(&r->ofpacts, &fm->ofpacts);
                    if (fm->flags & OFPFF_RESET_COUNTS) {
                        r->packet_count = r->byte_count = 0;
                    }
                    i++;
                } else {
                    rule_send_removed(ofproto, r, OFPRR_DELETE, now);
                    rule_free(rules_remove_at(ofproto, table, i));
                }
            }
        }
    }
    if (n_changed) {
        dp_netdev_revalidate(ofproto->dp);     /* Only the megaflows it changes go. */
    }
    pthread_mutex_unlock(&ofproto->mutex);
    return error;
}

void
ofproto_credit_stats(uint64_t rule_id, uint64_t packets, uint64_t bytes, long long used)
{
    uint64_t ids[COMBO_MAX_RULES];
    size_t n = 1;

    ids[0] = rule_id;
    if (rule_id & COMBO_BIT) {
        pthread_mutex_lock(&combo_mutex);
        size_t i = rule_id & ~COMBO_BIT;
        n = i < n_combos ? combos[i].n : 0;
        memcpy(ids, combos[i < n_combos ? i : 0].ids, n * sizeof *ids);
        pthread_mutex_unlock(&combo_mutex);
    }
    for (size_t i = 0; i < n; i++) {
        if ((ids[i] & (OFGROUP_STATS_BIT | OFPORT_STATS_BIT | COMBO_BIT)) == OFGROUP_STATS_BIT) {
            group_credit_stats(ids[i], packets, bytes);
            continue;
        }
        if (ids[i] & OFPORT_STATS_BIT && !(ids[i] & COMBO_BIT)) {
            ofproto_port_credit_stats(ids[i], packets, bytes);     /* Patch/tunnel port. */
            continue;
        }
        struct rule key = { .id = ids[i] };
        struct rule *rule = RB_FIND(rule_id_tree, &all_rules, &key);
        if (rule) {         /* Deleted rules simply lose their last counts, as in OVS. */
            rule->packet_count += packets;
            rule->byte_count += bytes;
            if (used > rule->used) {
                rule->used = used;
            }
        }
    }
}

void
ofproto_collect_flow_stats(struct ofproto *ofproto, const struct ofp_flow_stats_request *req,
                           ofproto_flow_stats_cb *cb, void *aux)
{
    long long now = time_msec();
    struct match m = req->match;

    match_normalize(&m);
    for (int t = 0; t < OFPROTO_N_TABLES; t++) {
        const struct oftable *table = &ofproto->tables[t];
        if (req->table_id != 0xff && req->table_id != t) {
            continue;
        }
        for (size_t i = 0; i < table->n_rules; i++) {
            const struct rule *r = table->rules[i];
            if (!match_covers(&m, &r->match)
                || !rule_matches_filters(r, req->cookie, req->cookie_mask, req->out_port)) {
                continue;
            }
            struct ofp_flow_stats fs;
            memset(&fs, 0, sizeof fs);
            fs.table_id = r->table_id;
            long long age = now - r->created;
            fs.duration_sec = (uint32_t) (age / 1000);
            fs.duration_nsec = (uint32_t) (age % 1000) * 1000000u;
            fs.priority = r->priority;
            fs.idle_timeout = r->idle_timeout;
            fs.hard_timeout = r->hard_timeout;
            fs.flags = r->flags;
            fs.cookie = r->cookie;
            fs.packet_count = r->packet_count;
            fs.byte_count = r->byte_count;
            fs.idle_age = (uint32_t) ((now - r->used) / 1000);
            fs.match = r->match;
            fs.ofpacts = r->ofpacts;      /* Borrowed for the call. */
            cb(aux, &fs);
        }
    }
}

void
ofproto_get_table_stats(struct ofproto *ofproto, uint8_t table_id, uint32_t *active_count,
                        uint64_t *lookup_count, uint64_t *matched_count)
{
    *active_count = 0;
    *lookup_count = *matched_count = 0;
    if (table_id >= OFPROTO_N_TABLES) {
        return;
    }
    pthread_mutex_lock(&ofproto->mutex);
    *active_count = (uint32_t) ofproto->tables[table_id].n_rules;
    *lookup_count = ofproto->tables[table_id].n_lookup;
    *matched_count = ofproto->tables[table_id].n_matched;
    pthread_mutex_unlock(&ofproto->mutex);
}

/* Expires rules whose idle or hard timeout passed. */
static void
ofproto_expire_rules(struct ofproto *ofproto, long long now)
{
    bool changed = false;

    pthread_mutex_lock(&ofproto->mutex);
    for (int t = 0; t < OFPROTO_N_TABLES; t++) {
        struct oftable *table = &ofproto->tables[t];
        for (size_t i = 0; i < table->n_rules;) {
            struct rule *r = table->rules[i];
            bool hard = r->hard_timeout && now - r->created >= r->hard_timeout * 1000LL;
            if (hard || (r->idle_timeout && now - r->used >= r->idle_timeout * 1000LL)) {
                VLOG_DBG("bridge %s: rule %" PRIu64 " expired", ofproto->name, r->id);
                rule_send_removed(ofproto, r, hard ? OFPRR_HARD_TIMEOUT : OFPRR_IDLE_TIMEOUT,
                                  now);
                rule_free(rules_remove_at(ofproto, table, i));
                changed = true;
            } else {
                i++;
            }
        }
    }
    if (mac_learning_expire(ofproto->ml, now)) {
        changed = true;
    }
    if (changed) {
        dp_netdev_revalidate(ofproto->dp);
    }
    pthread_mutex_unlock(&ofproto->mutex);
}

/* ---- Ports. ---- */

struct ofport *
ofproto_port_find(const struct ofproto *ofproto, uint32_t ofp_port)
{
    for (size_t i = 0; i < ofproto->n_ports; i++) {
        if (ofproto->ports[i]->ofp_port == ofp_port) {
            return ofproto->ports[i];
        }
    }
    return NULL;
}

int
ofproto_port_add(struct ofproto *ofproto, uint32_t ofp_port, uint32_t dp_port, const char *name)
{
    if (ofproto_port_find(ofproto, ofp_port)) {
        return -EEXIST;
    }
    struct ofport *port = xzalloc(sizeof *port);
    port->ofproto = ofproto;
    port->ofp_port = ofp_port;
    port->dp_port = dp_port;
    port->name = xstrdup(name);
    port->vlan_mode = PORT_VLAN_TRUNK;
    port->tag = -1;
    static uint32_t next_uid = 1;
    port->uid = next_uid++;
    /* Translations that cross bridges walk every bridge's ports under the cross mutex. */
    pthread_mutex_lock(&ofproto_cross_mutex);
    pthread_mutex_lock(&ofproto->mutex);
    for (size_t i = 0; i < ofproto->n_vlan_cfgs; i++) {
        if (!strcmp(ofproto->vlan_cfgs[i].name, name)) {
            ofport_apply_vlan(ofproto, port, &ofproto->vlan_cfgs[i]);
        }
    }
    ofproto->ports = xrealloc(ofproto->ports, (ofproto->n_ports + 1) * sizeof *ofproto->ports);
    ofproto->ports[ofproto->n_ports++] = port;
    dp_netdev_flush_caches(ofproto->dp);
    pthread_mutex_unlock(&ofproto->mutex);
    pthread_mutex_unlock(&ofproto_cross_mutex);
    return 0;
}

/* Sends a PORT_STATUS for OFP_PORT to the controllers (OpenFlow 1.3.5 §7.4.3). */
static void
send_port_status(struct ofproto *ofproto, uint32_t ofp_port, uint8_t reason, const char *name)
{
    struct ofp_phy_port *ports, pp;
    size_t n = ofproto_get_port_descs(ofproto, &ports);

    memset(&pp, 0, sizeof pp);
    pp.port_no = ofp_port;
    strlcpy(pp.name, name, sizeof pp.name);
    pp.state = OFPPS_LINK_DOWN;
    for (size_t i = 0; i < n; i++) {
        if (ports[i].port_no == ofp_port) {
            pp = ports[i];
        }
    }
    free(ports);
    connmgr_send_port_status(ofproto->connmgr, reason, &pp);
}

void
ofproto_port_set_dp_port(struct ofproto *ofproto, uint32_t ofp_port, uint32_t dp_port)
{
    pthread_mutex_lock(&ofproto->mutex);
    struct ofport *port = ofproto_port_find(ofproto, ofp_port);
    if (port) {
        port->dp_port = dp_port;
        dp_netdev_flush_caches(ofproto->dp);
    }
    pthread_mutex_unlock(&ofproto->mutex);
    if (port) {
        send_port_status(ofproto, ofp_port, OFPPR_ADD, port->name);
    }
}

void *
ofproto_port_aux(struct ofproto *ofproto, uint32_t ofp_port)
{
    return ofproto_port_find(ofproto, ofp_port);
}

void
ofproto_port_del(struct ofproto *ofproto, uint32_t ofp_port)
{
    struct ofport *victim = ofproto_port_find(ofproto, ofp_port);
    if (victim) {
        ofproto_port_unlink(victim);    /* Patch peer links (before the mutex: lock order). */
    }
    pthread_mutex_lock(&ofproto_cross_mutex);   /* See ofproto_port_add(). */
    pthread_mutex_lock(&ofproto->mutex);
    for (size_t i = 0; i < ofproto->n_ports; i++) {
        struct ofport *port = ofproto->ports[i];
        if (port->ofp_port == ofp_port) {
            ofproto->ports[i] = ofproto->ports[--ofproto->n_ports];
            if (port->patch_peer || port->tnl) {
                __atomic_store_n(&ofproto->n_cross, ofproto->n_cross - 1, __ATOMIC_RELAXED);
            }
            mac_learning_flush_port(ofproto->ml, ofp_port);
            dp_netdev_flush_caches(ofproto->dp);
            pthread_mutex_unlock(&ofproto->mutex);
            pthread_mutex_unlock(&ofproto_cross_mutex);
            struct ofp_phy_port pp;
            memset(&pp, 0, sizeof pp);
            pp.port_no = ofp_port;
            strlcpy(pp.name, port->name, sizeof pp.name);
            pp.state = OFPPS_LINK_DOWN;
            connmgr_send_port_status(ofproto->connmgr, OFPPR_DELETE, &pp);
            free(port->trunks);
            free(port->patch_peer);
            ofproto_tnl_port_free(port->tnl);
            free(port->name);
            free(port);
            return;
        }
    }
    pthread_mutex_unlock(&ofproto->mutex);
    pthread_mutex_unlock(&ofproto_cross_mutex);
}

/* A bitmap of the 4096 VLANs in VLANS[0..N), or NULL when N is 0. */
static uint64_t *
vlan_bitmap(const int64_t *vlans, size_t n)
{
    if (!n) {
        return NULL;
    }
    uint64_t *bm = xcalloc(4096 / 64, sizeof *bm);
    for (size_t i = 0; i < n; i++) {
        if (vlans[i] >= 0 && vlans[i] < 4096) {
            bm[vlans[i] / 64] |= UINT64_C(1) << (vlans[i] % 64);
        }
    }
    return bm;
}

/* Applies CFG to PORT. Caller holds mutex. */
static void
ofport_apply_vlan(struct ofproto *ofproto, struct ofport *port, const struct port_vlan_cfg *cfg)
{
    bool same = port->vlan_mode == cfg->vlan_mode && port->tag == cfg->tag
                && ((!port->trunks && !cfg->trunks)
                    || (port->trunks && cfg->trunks && !memcmp(port->trunks, cfg->trunks, 512)));
    if (same) {
        return;
    }
    free(port->trunks);
    port->trunks = NULL;
    if (cfg->trunks) {
        port->trunks = xmalloc(512);
        memcpy(port->trunks, cfg->trunks, 512);
    }
    port->vlan_mode = cfg->vlan_mode;
    port->tag = cfg->tag;
    mac_learning_flush_port(ofproto->ml, port->ofp_port);
    dp_netdev_flush_caches(ofproto->dp);
}

int
ofproto_port_set_vlan(struct ofproto *ofproto, const char *name, const char *mode, int tag,
                      const int64_t *trunks, size_t n_trunks, char **errp)
{
    enum port_vlan_mode m;
    int error = 0;

    *errp = NULL;
    if (!mode || !*mode) {
        m = tag >= 0 ? PORT_VLAN_ACCESS : PORT_VLAN_TRUNK;
    } else if (!strcmp(mode, "access")) {
        m = PORT_VLAN_ACCESS;
    } else if (!strcmp(mode, "trunk")) {
        m = PORT_VLAN_TRUNK;
    } else if (!strcmp(mode, "native-tagged")) {
        m = PORT_VLAN_NATIVE_TAGGED;
    } else if (!strcmp(mode, "native-untagged")) {
        m = PORT_VLAN_NATIVE_UNTAGGED;
    } else {
        *errp = xasprintf("vlan_mode \"%s\" is unknown (use access, trunk, native-tagged or "
                          "native-untagged)", mode);
        m = PORT_VLAN_ACCESS;
        tag = -2;                   /* Matches no VLAN: the port is cut off. */
        error = -EINVAL;
    }
    if (!error && m != PORT_VLAN_TRUNK && tag < 0) {
        *errp = xasprintf("vlan_mode %s needs a tag (set Port tag=VLAN)", mode ? mode : "access");
        tag = -2;
        error = -EINVAL;
    }

    struct port_vlan_cfg *cfg = NULL;
    for (size_t i = 0; i < ofproto->n_vlan_cfgs; i++) {
        if (!strcmp(ofproto->vlan_cfgs[i].name, name)) {
            cfg = &ofproto->vlan_cfgs[i];
        }
    }
    if (!cfg) {
        ofproto->vlan_cfgs = xrealloc(ofproto->vlan_cfgs,
                                      (ofproto->n_vlan_cfgs + 1) * sizeof *ofproto->vlan_cfgs);
        cfg = &ofproto->vlan_cfgs[ofproto->n_vlan_cfgs++];
        cfg->name = xstrdup(name);
        cfg->trunks = NULL;
    }
    free(cfg->trunks);
    cfg->vlan_mode = m;
    cfg->tag = tag;
    cfg->trunks = m == PORT_VLAN_ACCESS ? NULL : vlan_bitmap(trunks, n_trunks);

    pthread_mutex_lock(&ofproto->mutex);
    for (size_t i = 0; i < ofproto->n_ports; i++) {
        if (!strcmp(ofproto->ports[i]->name, name)) {
            ofport_apply_vlan(ofproto, ofproto->ports[i], cfg);
        }
    }
    pthread_mutex_unlock(&ofproto->mutex);
    return error;
}

void
ofproto_set_mac_config(struct ofproto *ofproto, unsigned aging_s, unsigned table_size)
{
    pthread_mutex_lock(&ofproto->mutex);
    if (mac_learning_set_config(ofproto->ml, aging_s, table_size)) {
        dp_netdev_flush_caches(ofproto->dp);
    }
    pthread_mutex_unlock(&ofproto->mutex);
}

void
ofproto_set_flood_vlans(struct ofproto *ofproto, const int64_t *vlans, size_t n)
{
    uint64_t *bm = vlan_bitmap(vlans, n);

    pthread_mutex_lock(&ofproto->mutex);
    bool same = (!bm && !ofproto->flood_vlans)
                || (bm && ofproto->flood_vlans && !memcmp(bm, ofproto->flood_vlans, 512));
    free(ofproto->flood_vlans);
    ofproto->flood_vlans = bm;
    if (!same) {
        dp_netdev_flush_caches(ofproto->dp);
    }
    pthread_mutex_unlock(&ofproto->mutex);
}

uint32_t
ofproto_port_from_dp(const struct ofproto *ofproto, uint32_t dp_port)
{
    for (size_t i = 0; i < ofproto->n_ports; i++) {
        if (ofproto->ports[i]->dp_port == dp_port) {
            return ofproto->ports[i]->ofp_port;
        }
    }
    return OFPP_ANY;
}

uint32_t
ofproto_port_alloc_number(const struct ofproto *ofproto)
{
    for (uint32_t n = 1; n < OFPP_MAX; n++) {
        if (!ofproto_port_find(ofproto, n)) {
            return n;
        }
    }
    return OFPP_ANY;
}

static int
ofport_cmp(const void *a_, const void *b_)
{
    const struct ofport *a = *(const struct ofport *const *) a_;
    const struct ofport *b = *(const struct ofport *const *) b_;
    return a->ofp_port < b->ofp_port ? -1 : a->ofp_port > b->ofp_port;
}

/* The OFPPF_* rate bit (OpenFlow 1.3.5 §7.2.1, full duplex) for a link of SPEED_MBPS, or
 * OFPPF_OTHER; OpenFlow 1.0 has only these bits to tell a controller the speed. */
static uint32_t
port_speed_feature(uint32_t speed_mbps)
{
    static const struct { uint32_t mbps, bit; } rates[] = {
        { 10, 1u << 1 }, { 100, 1u << 3 }, { 1000, 1u << 5 }, { 10000, 1u << 6 },
        { 40000, 1u << 7 }, { 100000, 1u << 8 }, { 1000000, 1u << 9 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(rates); i++) {
        if (rates[i].mbps == speed_mbps) {
            return rates[i].bit;
        }
    }
    return speed_mbps ? 1u << 10 : 0;
}

size_t
ofproto_get_port_descs(struct ofproto *ofproto, struct ofp_phy_port **portsp)
{
    struct ofport **sorted = xmalloc((ofproto->n_ports + 1) * sizeof *sorted);
    memcpy(sorted, ofproto->ports, ofproto->n_ports * sizeof *sorted);
    qsort(sorted, ofproto->n_ports, sizeof *sorted, ofport_cmp);

    struct ofp_phy_port *ports = xcalloc(ofproto->n_ports + 1, sizeof *ports);
    size_t n = 0;
    for (size_t i = 0; i < ofproto->n_ports; i++) {
        const struct ofport *port = sorted[i];
        struct ofp_phy_port *pp = &ports[n++];
        bool up = false;
        uint32_t speed = 0;
        uint16_t mtu;

        pp->port_no = port->ofp_port;
        /* Every version carries every OFPPC_* bit the port has, NO_FLOOD included: port-mod
         * accepts it in every version (an extension past OpenFlow 1.0, whose bit 4 later versions
         * leave unused), so a port description must show it; ovs-ofctl 1.1+ ignores the bit. */
        pp->config = port->config;
        strlcpy(pp->name, port->name, sizeof pp->name);
        bool linked;
        if (ofproto_port_patch_info(ofproto, port->ofp_port, &linked, &pp->hw_addr)) {
            pp->state = linked ? OFPPS_LIVE : OFPPS_LINK_DOWN;    /* Patch port: no device. */
            continue;
        }
        if (port->dp_port == DP_PORT_NONE
            || !dp_netdev_port_get_info(ofproto->dp, port->dp_port, &pp->hw_addr, &up, &speed,
                                        &mtu)) {
            pp->state = OFPPS_LINK_DOWN;
            continue;
        }
        /* An administratively down port (port-mod down) passes no traffic: not live, as OVS
         * shows it once it has taken the device down. */
        pp->state = up && !(port->config & OFPPC_PORT_DOWN) ? OFPPS_LIVE : OFPPS_LINK_DOWN;
        pp->curr_speed = pp->max_speed = speed * 1000u;
        pp->curr = port_speed_feature(speed);
    }
    free(sorted);
    *portsp = ports;
    return n;
}

size_t
ofproto_get_port_stats(struct ofproto *ofproto, uint32_t port_no, struct ofp_port_stats **statsp)
{
    struct ofport **sorted = xmalloc((ofproto->n_ports + 1) * sizeof *sorted);
    memcpy(sorted, ofproto->ports, ofproto->n_ports * sizeof *sorted);
    qsort(sorted, ofproto->n_ports, sizeof *sorted, ofport_cmp);

    struct ofp_port_stats *stats = xcalloc(ofproto->n_ports + 1, sizeof *stats);
    size_t n = 0;
    for (size_t i = 0; i < ofproto->n_ports; i++) {
        const struct ofport *port = sorted[i];
        if (port_no != OFPP_ANY && port_no != port->ofp_port) {
            continue;
        }
        struct ofp_port_stats *ps = &stats[n++];
        struct dp_port_stats ds;
        memset(ps, 0xff, sizeof *ps);       /* UINT64_MAX = unavailable. */
        ps->port_no = port->ofp_port;
        ps->duration_sec = ps->duration_nsec = 0;
        if (ofproto_port_virtual_stats(ofproto, port->ofp_port, &ps->rx_packets, &ps->rx_bytes,
                                       &ps->tx_packets, &ps->tx_bytes)) {
            ps->rx_dropped = ps->tx_dropped = ps->rx_errors = ps->tx_errors = 0;
            continue;       /* Patch or tunnel port: counted by the translations. */
        }
        if (port->dp_port == DP_PORT_NONE
            || dp_netdev_port_get_stats(ofproto->dp, port->dp_port, &ds)) {
            continue;
        }
        uint64_t rx_drops = ds.rx_missed;
        for (int r = 0; r < DP_N_DROP_REASONS; r++) {
            if (r != DP_DROP_TX_FAILED) {
                rx_drops += ds.drops[r];
            }
        }
        ps->rx_packets = ds.rx_packets;
        ps->tx_packets = ds.tx_packets;
        ps->rx_bytes = ds.rx_bytes;
        ps->tx_bytes = ds.tx_bytes;
        ps->rx_dropped = rx_drops;
        ps->tx_dropped = ds.drops[DP_DROP_TX_FAILED];
        ps->rx_errors = ds.rx_errors;
        ps->tx_errors = ds.tx_errors;
    }
    free(sorted);
    *statsp = stats;
    return n;
}

/* ---- Rules using groups (the groups are in ofproto-group.c). ---- */

void
ofproto_delete_rules_using_group(struct ofproto *ofproto, uint32_t group_id)
{
    for (int t = 0; t < OFPROTO_N_TABLES; t++) {
        struct oftable *table = &ofproto->tables[t];
        for (size_t i = 0; i < table->n_rules;) {
            struct rule *r = table->rules[i];
            if (ofproto_ofpacts_use_group(&r->ofpacts, group_id)) {
                rule_send_removed(ofproto, r, OFPRR_DELETE, time_msec());
                rule_free(rules_remove_at(ofproto, table, i));
            } else {
                i++;
            }
        }
    }
}

/* Credits a group statistics id found in a rule combination (see struct ofgroup). */
static void
group_credit_stats(uint64_t id, uint64_t packets, uint64_t bytes)
{
    struct ofproto *ofproto;

    LIST_FOREACH(ofproto, &all_ofprotos, node) {
        if (ofproto_group_credit_stats(ofproto, id, packets, bytes)) {
            return;
        }
    }
}

static bool
rule_uses_meter(const struct rule *r, uint32_t meter_id)
{
    const struct ofpacts *acts = &r->ofpacts;
    return acts->n && acts->acts[0].type == OFPACT_METER
           && (meter_id == OFPM_ALL || acts->acts[0].port == meter_id);
}

void
ofproto_delete_rules_using_meter(struct ofproto *ofproto, uint32_t meter_id)
{
    for (int t = 0; t < OFPROTO_N_TABLES; t++) {
        struct oftable *table = &ofproto->tables[t];
        for (size_t i = 0; i < table->n_rules;) {
            struct rule *r = table->rules[i];
            if (rule_uses_meter(r, meter_id)) {
                rule_send_removed(ofproto, r, OFPRR_DELETE, time_msec());
                rule_free(rules_remove_at(ofproto, table, i));
            } else {
                i++;
            }
        }
    }
}

uint32_t
ofproto_count_rules_using_meter(const struct ofproto *ofproto, uint32_t meter_id)
{
    uint32_t n = 0;
    for (int t = 0; t < OFPROTO_N_TABLES; t++) {
        const struct oftable *table = &ofproto->tables[t];
        for (size_t i = 0; i < table->n_rules; i++) {
            n += rule_uses_meter(table->rules[i], meter_id);
        }
    }
    return n;
}

/* ---- Packet-out, packet-in, controllers. ---- */

int
ofproto_packet_out(struct ofproto *ofproto, const void *packet, size_t len, uint32_t in_port,
                   const struct ofpacts *ofpacts, struct ofperr *err)
{
    struct dp_upcall_result *res = xzalloc(sizeof *res);
    uint32_t in_dp = DP_PORT_NONE;
    struct flow flow;
    int error = 0;

    bool cross = ofproto_xlate_lock(ofproto);
    struct ofport *in = NULL;
    if (in_port != OFPP_CONTROLLER && in_port != OFPP_ANY) {
        in = ofproto_port_find(ofproto, in_port);
        if (!in) {
            ofproto_xlate_unlock(ofproto, cross);
            free(res);
            err->type = OFPET_BAD_REQUEST;
            err->code = OFPBRC_BAD_PORT;
            return -EINVAL;
        }
        in_dp = in->dp_port;
    }
    flow_extract(packet, len, in_dp == DP_PORT_NONE ? 0 : in_dp, &flow);
    ofproto_xlate_actions(ofproto, in, in_port, &flow, ofpacts, res);
    ofproto_xlate_unlock(ofproto, cross);
    if (res->actions.n) {
        error = dp_netdev_execute(ofproto->dp, packet, len, in_dp, res->actions.a,
                                  res->actions.n);
        if (error) {
            VLOG_WARN_RL(&rl, "bridge %s: packet-out failed: %s", ofproto->name,
                         strerror(-error));
        }
    }
    free(res);
    return error == -ENOMEM ? error : 0;
}

int
ofproto_port_mod(struct ofproto *ofproto, uint32_t port_no, uint32_t config, uint32_t mask,
                 struct ofperr *err)
{
    const uint32_t known = OFPPC_PORT_DOWN | OFPPC_NO_RECV | OFPPC_NO_FLOOD | OFPPC_NO_FWD
                           | OFPPC_NO_PACKET_IN;

    pthread_mutex_lock(&ofproto->mutex);
    struct ofport *port = ofproto_port_find(ofproto, port_no);
    if (!port) {
        pthread_mutex_unlock(&ofproto->mutex);
        err->type = OFPET_PORT_MOD_FAILED;
        err->code = OFPPMFC_BAD_PORT;
        return -EINVAL;
    }
    uint32_t old = port->config;
    port->config = (port->config & ~(mask & known)) | (config & mask & known);
    bool changed = port->config != old;
    char *name = xstrdup(port->name);
    if (changed) {
        VLOG_INFO("bridge %s: port %s: config 0x%"PRIx32" -> 0x%"PRIx32, ofproto->name, name,
                  old, port->config);
        dp_netdev_revalidate(ofproto->dp);
    }
    pthread_mutex_unlock(&ofproto->mutex);
    if (changed) {
        send_port_status(ofproto, port_no, OFPPR_MODIFY, name);
    }
    free(name);
    return 0;
}

bool
ofproto_port_is_admin_down(struct ofproto *ofproto, uint32_t port_no)
{
    pthread_mutex_lock(&ofproto->mutex);
    const struct ofport *port = ofproto_port_find(ofproto, port_no);
    bool down = port && (port->config & OFPPC_PORT_DOWN);
    pthread_mutex_unlock(&ofproto->mutex);
    return down;
}

void
ofproto_sync(struct ofproto *ofproto)
{
    int error = dp_netdev_sync_caches(ofproto->dp);
    if (error) {
        VLOG_WARN_RL(&rl, "bridge %s: datapath did not confirm the flow-table change in time "
                     "(%s)", ofproto->name, strerror(-error));
    }
}

/* Packets sent to userspace by DP_ACTION_USERSPACE (main thread, from dp_netdev_run()). */
static void
ofproto_packet_in_cb(const struct dp_packet_in *dpi)
{
    struct ofport *port = dpi->port_aux;
    if (dpi->reason == OFPR_TNL_ARP_ || dpi->reason == OFPR_TNL_ND_) {
        /* A tunnel's next hop has no neighbour entry yet (ofproto-tnl.h). */
        if (dpi->reason == OFPR_TNL_ARP_) {
            ofproto_tnl_send_arp((uint32_t) be64toh(dpi->cookie_be));
        } else {
            ofproto_tnl_send_nd((unsigned) be64toh(dpi->cookie_be));
        }
        return;
    }
    if (dpi->in_uid && (!port || ofproto_tnl_is_vport(port) || port->uid != dpi->in_uid)) {
        /* The pipeline crossed a patch port or came through a tunnel: find its port. */
        struct ofproto *o;
        port = NULL;
        LIST_FOREACH(o, &all_ofprotos, node) {
            for (size_t i = 0; i < o->n_ports && !port; i++) {
                port = o->ports[i]->uid == dpi->in_uid ? o->ports[i] : NULL;
            }
        }
    }
    if (!port || ofproto_tnl_is_vport(port)) {
        return;     /* Its port is gone meanwhile. */
    }
    struct ofproto *ofproto = port->ofproto;
    size_t n = dpi->len;
    if (dpi->max_len != OFPCML_NO_BUFFER && dpi->max_len < n) {
        n = dpi->max_len;
    }
    struct ofp_packet_in pi = {
        .buffer_id = OFP_NO_BUFFER,
        .total_len = (uint16_t) UVS_MIN(dpi->len, (size_t) UINT16_MAX),
        .reason = dpi->reason,
        .table_id = dpi->table_id,
        .cookie = be64toh(dpi->cookie_be),
        .in_port = port->ofp_port,
        .metadata = dpi->flow.metadata,
        .tun_id = be64toh(dpi->flow.tun_id_be),     /* A decapsulated packet's tunnel. */
        .tun_src_be = dpi->flow.tun_src_be,
        .tun_dst_be = dpi->flow.tun_dst_be,
        .data = dpi->packet,
        .data_len = n,
    };
    memcpy(pi.tun_ipv6_src, dpi->flow.tun_ipv6_src, 16);
    memcpy(pi.tun_ipv6_dst, dpi->flow.tun_ipv6_dst, 16);
    connmgr_send_packet_in(ofproto->connmgr, &pi, dpi->max_len);
}

struct connmgr *
ofproto_connmgr(struct ofproto *ofproto)
{
    return ofproto->connmgr;
}

void
ofproto_set_protocols(struct ofproto *ofproto, uint32_t versions)
{
    connmgr_set_allowed_versions(ofproto->connmgr, versions ? versions : OFP_SUPPORTED_VERSIONS);
}

/* Whether table 0 holds the standalone default flow "priority=0 actions=NORMAL". */
static struct rule *
find_default_flow(struct ofproto *ofproto, size_t *idx)
{
    struct oftable *t = &ofproto->tables[0];
    for (size_t i = 0; i < t->n_rules; i++) {
        struct rule *r = t->rules[i];
        if (r->priority == 0 && flow_wildcards_is_catchall(&r->match.wc) && r->ofpacts.n == 1
            && r->ofpacts.acts[0].type == OFPACT_OUTPUT
            && r->ofpacts.acts[0].port == OFPP_NORMAL && !r->ofpacts.acts[0].write) {
            *idx = i;
            return r;
        }
    }
    return NULL;
}

static void
add_default_flow(struct ofproto *ofproto)
{
    struct ofp_flow_mod fm;
    struct ofperr err;
    ofp_flow_mod_init(&fm);
    fm.priority = 0;
    ofpacts_add_output(&fm.ofpacts, OFPP_NORMAL, 0);
    ofproto_handle_flow_mod(ofproto, &fm, &err);
    ofp_flow_mod_destroy(&fm);
}

void
ofproto_set_controllers(struct ofproto *ofproto, const struct connmgr_controller_cfg *cfgs,
                        size_t n, bool fail_secure)
{
    bool had = connmgr_n_controllers(ofproto->connmgr) > 0;
    size_t idx;

    connmgr_set_controllers(ofproto->connmgr, cfgs, n);
    bool has = connmgr_n_controllers(ofproto->connmgr) > 0;
    pthread_mutex_lock(&ofproto->mutex);
    if (had != has) {
        VLOG_INFO("bridge %s: %s: flushing the flow tables", ofproto->name,
                  has ? "controllers configured" : "no controllers left");
        for (int t = 0; t < OFPROTO_N_TABLES; t++) {
            struct oftable *table = &ofproto->tables[t];
            while (table->n_rules) {
                rule_free(rules_remove_at(ofproto, table, table->n_rules - 1));
            }
        }
        ofproto->ctrl_lost_at = time_msec();
        dp_netdev_flush_caches(ofproto->dp);
    }
    /* The standalone default flow comes back only on a transition (the last controller removed,
     * or secure mode left), never on other reconfigurations: a user who deleted it keeps it
     * deleted, as in Open vSwitch. */
    bool transition = had != has || (ofproto->fail_secure && !fail_secure);
    if (fail_secure && !ofproto->fail_secure && find_default_flow(ofproto, &idx)) {
        /* Secure mode never switches on its own: drop the standalone default flow. */
        rule_free(rules_remove_at(ofproto, &ofproto->tables[0], idx));
        dp_netdev_flush_caches(ofproto->dp);
    }
    ofproto->fail_secure = fail_secure;
    if (ofproto->fail_open && (fail_secure || !has)) {
        ofproto->fail_open = false;
        dp_netdev_flush_caches(ofproto->dp);
    }
    bool need_default = transition && !has && !fail_secure && !find_default_flow(ofproto, &idx);
    pthread_mutex_unlock(&ofproto->mutex);
    if (need_default) {
        add_default_flow(ofproto);
    }
}

/* Standalone fail-open: NORMAL switching while no controller has been reachable for the probe
 * interval; back to the flow tables as soon as one connects. */
static void
ofproto_run_fail_open(struct ofproto *ofproto, long long now)
{
    bool want = false;

    if (!ofproto->fail_secure && connmgr_n_controllers(ofproto->connmgr)) {
        if (connmgr_is_any_controller_connected(ofproto->connmgr)) {
            ofproto->ctrl_lost_at = now;
        } else {
            want = now - ofproto->ctrl_lost_at >= connmgr_max_probe_ms(ofproto->connmgr);
        }
    }
    if (want != ofproto->fail_open) {
        VLOG_INFO("bridge %s: %s", ofproto->name, want
                  ? "no controller reachable: entering fail-open (NORMAL switching)"
                  : "controller connected: leaving fail-open");
        pthread_mutex_lock(&ofproto->mutex);
        ofproto->fail_open = want;
        dp_netdev_flush_caches(ofproto->dp);
        pthread_mutex_unlock(&ofproto->mutex);
    }
}

/* ---- Upcalls (PMD threads). ---- */

int
ofproto_upcall(void *port_aux, const struct flow *flow, const void *packet, size_t len,
               struct dp_upcall_result *res)
{
    struct ofport *in = port_aux;
    struct ofproto *ofproto = in->ofproto;
    bool learned = false;

    if (ofproto_tnl_is_vport(port_aux)) {
        return ofproto_tnl_receive(port_aux, flow, res, true);  /* Decapsulated (ofproto-tnl.h). */
    }
    (void) packet;
    (void) len;
    bool cross = ofproto_xlate_lock(ofproto);
    int error = ofproto_xlate(ofproto, in, flow, res, true, &learned, NULL);
    if (learned) {
        /* A MAC learned or moved: NORMAL megaflows towards it change actions (flood -> one
         * port), which the revalidator rewrites in place; the others survive. */
        dp_netdev_revalidate(ofproto->dp);
    }
    ofproto_xlate_unlock(ofproto, cross);
    return error;
}

int
ofproto_revalidate(void *port_aux, const struct flow *key, struct dp_upcall_result *res)
{
    struct ofport *in = port_aux;
    struct ofproto *ofproto = in->ofproto;

    if (ofproto_tnl_is_vport(port_aux)) {
        return ofproto_tnl_receive(port_aux, key, res, false);     /* Decapsulated packets. */
    }
    bool cross = ofproto_xlate_lock(ofproto);
    int error = ofproto_xlate_revalidate(ofproto, in, key, res);
    ofproto_xlate_unlock(ofproto, cross);
    return error;
}

/* ---- Life cycle. ---- */

struct ofproto *
ofproto_create(const char *name, uint64_t dpid, struct dp_netdev *dp)
{
    struct ofproto *ofproto = xzalloc(sizeof *ofproto);

    ofproto->name = xstrdup(name);
    ofproto->dpid = dpid;
    ofproto->dp = dp;
    /* Recursive: a bundle commit holds it across the handlers it calls (ofproto-bundle.c). */
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&ofproto->mutex, &attr);
    pthread_mutexattr_destroy(&attr);
    ofproto->ml = mac_learning_create(MAC_ENTRY_DEFAULT_IDLE_TIME, MAC_DEFAULT_MAX);
    ofproto->ctrl_lost_at = time_msec();
    ofproto->connmgr = connmgr_create(ofproto, name);
    if (!ofproto->connmgr) {
        int err = errno;
        VLOG_ERR("bridge %s: cannot open its OpenFlow management socket %s/%s.mgmt: %s", name,
                 uvs_rundir(), name, strerror(err));
        mac_learning_destroy(ofproto->ml);
        free(ofproto->name);
        free(ofproto);
        errno = err;
        return NULL;
    }

    /* Without a controller a new bridge is a learning switch, as in OVS (fail_mode standalone):
     * "priority=0 actions=NORMAL", a regular rule that users can see and delete. */
    struct ofp_flow_mod fm;
    struct ofperr err;
    ofp_flow_mod_init(&fm);
    fm.priority = 0;
    ofpacts_add_output(&fm.ofpacts, OFPP_NORMAL, 0);
    ofproto_handle_flow_mod(ofproto, &fm, &err);
    ofp_flow_mod_destroy(&fm);

    dp_netdev_set_packet_in_cb(dp, ofproto_packet_in_cb);
    dp_netdev_set_meter_cb(dp, ofproto_meter_cb);
    dp_netdev_set_revalidate_cb(dp, ofproto_revalidate);
    pthread_mutex_lock(&ofproto_cross_mutex);
    LIST_INSERT_HEAD(&all_ofprotos, ofproto, node);
    pthread_mutex_unlock(&ofproto_cross_mutex);
    VLOG_INFO("bridge %s: created (datapath id %016" PRIx64 ")", name, dpid);
    return ofproto;
}

void
ofproto_destroy(struct ofproto *ofproto)
{
    if (!ofproto) {
        return;
    }
    for (size_t i = 0; i < ofproto->n_ports; i++) {
        ofproto_port_unlink(ofproto->ports[i]);     /* Patch peers in other bridges. */
    }
    pthread_mutex_lock(&ofproto_cross_mutex);
    LIST_REMOVE(ofproto, node);
    pthread_mutex_unlock(&ofproto_cross_mutex);
    connmgr_destroy(ofproto->connmgr);
    pthread_mutex_lock(&ofproto->mutex);
    for (int t = 0; t < OFPROTO_N_TABLES; t++) {
        struct oftable *table = &ofproto->tables[t];
        while (table->n_rules) {
            rule_free(rules_remove_at(ofproto, table, table->n_rules - 1));
        }
        free(table->rules);
        classifier_destroy(table->cls);
    }
    for (size_t i = 0; i < ofproto->n_ports; i++) {
        free(ofproto->ports[i]->trunks);
        free(ofproto->ports[i]->patch_peer);
        ofproto_tnl_port_free(ofproto->ports[i]->tnl);
        free(ofproto->ports[i]->name);
        free(ofproto->ports[i]);
    }
    free(ofproto->flood_vlans);
    ofproto_groups_destroy(ofproto);
    ofproto_meters_destroy(ofproto);
    for (size_t i = 0; i < ofproto->n_vlan_cfgs; i++) {
        free(ofproto->vlan_cfgs[i].name);
        free(ofproto->vlan_cfgs[i].trunks);
    }
    free(ofproto->vlan_cfgs);
    ofproto->n_ports = 0;
    dp_netdev_flush_caches(ofproto->dp);
    pthread_mutex_unlock(&ofproto->mutex);
    free(ofproto->ports);
    mac_learning_destroy(ofproto->ml);
    pthread_mutex_destroy(&ofproto->mutex);
    VLOG_INFO("bridge %s: destroyed", ofproto->name);
    free(ofproto->name);
    free(ofproto);
}

const char *
ofproto_name(const struct ofproto *ofproto)
{
    return ofproto->name;
}

uint64_t
ofproto_dpid(const struct ofproto *ofproto)
{
    return ofproto->dpid;
}

/* Notices link changes of the ports' devices (once a second): fast-failover groups watch them
 * (ofproto-xlate.c bucket_live()), so a change flushes the cached translations, and controllers
 * get a port status. */
static void
ofproto_poll_links(struct ofproto *ofproto)
{
    for (size_t i = 0; i < ofproto->n_ports; i++) {
        struct ofport *port = ofproto->ports[i];
        struct eth_addr mac;
        uint32_t speed;
        uint16_t mtu;
        bool up = false;

        if (port->dp_port == DP_PORT_NONE
            || !dp_netdev_port_get_info(ofproto->dp, port->dp_port, &mac, &up, &speed, &mtu)
            || port->link_down == !up) {
            continue;
        }
        VLOG_INFO("bridge %s: port %s: link is %s", ofproto->name, port->name,
                  up ? "up" : "down");
        pthread_mutex_lock(&ofproto->mutex);
        port->link_down = !up;
        dp_netdev_flush_caches(ofproto->dp);
        pthread_mutex_unlock(&ofproto->mutex);
        send_port_status(ofproto, port->ofp_port, OFPPR_MODIFY, port->name);
    }
}

void
ofproto_run(struct ofproto *ofproto)
{
    long long now = time_msec();

    connmgr_run(ofproto->connmgr);
    ofproto_run_fail_open(ofproto, now);
    if (now >= ofproto->next_expire) {
        ofproto_expire_rules(ofproto, now);
        ofproto_poll_links(ofproto);
        ofproto->next_expire = now + 1000;
    }
}

void
ofproto_wait(struct ofproto *ofproto)
{
    connmgr_wait(ofproto->connmgr);
    poll_timer_wait_until(ofproto->next_expire);
    if (!ofproto->fail_secure && !ofproto->fail_open
        && connmgr_n_controllers(ofproto->connmgr)) {
        poll_timer_wait_until(ofproto->ctrl_lost_at + connmgr_max_probe_ms(ofproto->connmgr));
    }
}

struct ofproto *
ofproto_lookup(const char *name)
{
    struct ofproto *ofproto;
    LIST_FOREACH(ofproto, &all_ofprotos, node) {
        if (!strcmp(ofproto->name, name)) {
            return ofproto;
        }
    }
    return NULL;
}

/* ---- unixctl. ---- */

static const char *
fdb_port_name(void *ofproto_, uint32_t port)
{
    struct ofproto *ofproto = ofproto_;
    const struct ofport *p = ofproto_port_find(ofproto, port);
    return port == OFPP_LOCAL ? "LOCAL" : p ? NULL : "?";
}

static void
fdb_show(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct ofproto *ofproto = ofproto_lookup(argv[1]);
    struct ds ds = DS_EMPTY_INITIALIZER;

    if (!ofproto) {
        char *msg = xasprintf("no such bridge \"%s\"", argv[1]);
        unixctl_command_reply_error(conn, msg);
        free(msg);
        return;
    }
    pthread_mutex_lock(&ofproto->mutex);
    mac_learning_format(ofproto->ml, time_msec(), fdb_port_name, ofproto, &ds);
    pthread_mutex_unlock(&ofproto->mutex);
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

static void
fdb_flush(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct ofproto *ofproto;

    if (argc > 1 && !ofproto_lookup(argv[1])) {
        char *msg = xasprintf("no such bridge \"%s\"", argv[1]);
        unixctl_command_reply_error(conn, msg);
        free(msg);
        return;
    }
    LIST_FOREACH(ofproto, &all_ofprotos, node) {
        if (argc == 1 || !strcmp(argv[1], ofproto->name)) {
            pthread_mutex_lock(&ofproto->mutex);
            mac_learning_flush(ofproto->ml);
            dp_netdev_flush_caches(ofproto->dp);
            pthread_mutex_unlock(&ofproto->mutex);
        }
    }
    unixctl_command_reply(conn, "table successfully flushed");
}

static void
fdb_stats_show(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct ofproto *ofproto = ofproto_lookup(argv[1]);
    struct ds ds = DS_EMPTY_INITIALIZER;

    if (!ofproto) {
        char *msg = xasprintf("no such bridge \"%s\"", argv[1]);
        unixctl_command_reply_error(conn, msg);
        free(msg);
        return;
    }
    pthread_mutex_lock(&ofproto->mutex);
    mac_learning_format_stats(ofproto->ml, ofproto->name, &ds);
    pthread_mutex_unlock(&ofproto->mutex);
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

void
ofproto_register_unixctl(void)
{
    unixctl_command_register("fdb/stats-show", "BRIDGE", 1, 1, fdb_stats_show, NULL);
    unixctl_command_register("fdb/show", "BRIDGE", 1, 1, fdb_show, NULL);
    unixctl_command_register("fdb/flush", "[BRIDGE]", 0, 1, fdb_flush, NULL);
    ofproto_xlate_register_unixctl();
}
