/* ofproto — an OpenFlow switch: flow table, ports, translation and NORMAL. See ofproto.h. */
#include "ofproto/ofproto.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sys/queue.h>
#include <bsd/sys/tree.h>

#include "lib/poll-loop.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofproto/connmgr.h"
#include "ofproto/mac-learning.h"
#include "pmd/dpif-netdev.h"

VLOG_DEFINE_THIS_MODULE(ofproto);

#define OFPROTO_MAX_RULES 1000000

/* An OpenFlow rule. Immutable after insertion except the counters and 'used', which only the main
 * thread writes; a modify replaces 'ofpacts' under the ofproto mutex. */
struct rule {
    RB_ENTRY(rule) id_node;      /* In 'all_rules', by id (main thread only). */
    struct ofproto *ofproto;
    uint64_t id;                 /* Unique for the life of the process, never reused. */
    struct match match;
    uint16_t priority;
    uint8_t table_id;
    uint64_t cookie;
    uint16_t idle_timeout;
    uint16_t hard_timeout;
    uint16_t flags;
    struct ofpacts ofpacts;
    long long created;           /* msec, time_msec() */
    long long used;              /* msec of the last packet, or 'created'. */
    uint64_t packet_count;
    uint64_t byte_count;
};

static int
rule_id_cmp(const struct rule *a, const struct rule *b)
{
    return a->id < b->id ? -1 : a->id > b->id;
}

RB_HEAD(rule_id_tree, rule);
RB_GENERATE_INTERNAL(rule_id_tree, rule, id_node, rule_id_cmp, static __attribute__((unused)))

static struct rule_id_tree all_rules = RB_INITIALIZER(&all_rules);
static uint64_t next_rule_id = 1;

struct ofport {
    struct ofproto *ofproto;
    uint32_t ofp_port;
    uint32_t dp_port;            /* DP_PORT_NONE until the device is open. */
    char *name;
};

struct ofproto {
    LIST_ENTRY(ofproto) node;    /* In 'all_ofprotos'. */
    char *name;
    uint64_t dpid;
    struct dp_netdev *dp;
    struct connmgr *connmgr;

    /* 'mutex' protects 'rules', 'ports' (the array, not the port names) and 'ml' against the
     * PMD threads' upcalls. The main thread takes it to modify them; PMDs take it to read them. */
    pthread_mutex_t mutex;
    struct rule **rules;         /* Sorted by priority, highest first; equal priorities in
                                    insertion order. */
    size_t n_rules;
    size_t alloc_rules;
    struct ofport **ports;
    size_t n_ports;
    struct mac_learning *ml;
    uint64_t n_lookup;           /* Upcalls translated (PMD, under mutex). */
    uint64_t n_matched;
    long long next_expire;
};

LIST_HEAD(ofproto_list, ofproto);
static struct ofproto_list all_ofprotos = LIST_HEAD_INITIALIZER(all_ofprotos);

/* ---- Rules. ---- */

static void
rule_free(struct rule *rule)
{
    ofpacts_destroy(&rule->ofpacts);
    free(rule);
}

/* Inserts RULE keeping the order (priority desc, then insertion order). Caller holds mutex. */
static void
rules_insert(struct ofproto *ofproto, struct rule *rule)
{
    if (ofproto->n_rules == ofproto->alloc_rules) {
        ofproto->alloc_rules = ofproto->alloc_rules ? ofproto->alloc_rules * 2 : 64;
        ofproto->rules = xrealloc(ofproto->rules, ofproto->alloc_rules * sizeof *ofproto->rules);
    }
    size_t lo = 0, hi = ofproto->n_rules;
    while (lo < hi) {           /* First index whose priority < rule's. */
        size_t mid = (lo + hi) / 2;
        if (ofproto->rules[mid]->priority >= rule->priority) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    memmove(&ofproto->rules[lo + 1], &ofproto->rules[lo],
            (ofproto->n_rules - lo) * sizeof *ofproto->rules);
    ofproto->rules[lo] = rule;
    ofproto->n_rules++;
    RB_INSERT(rule_id_tree, &all_rules, rule);
}

/* Removes the rule at index I. Caller holds mutex; caller frees. */
static struct rule *
rules_remove_at(struct ofproto *ofproto, size_t i)
{
    struct rule *rule = ofproto->rules[i];
    memmove(&ofproto->rules[i], &ofproto->rules[i + 1],
            (ofproto->n_rules - i - 1) * sizeof *ofproto->rules);
    ofproto->n_rules--;
    RB_REMOVE(rule_id_tree, &all_rules, rule);
    return rule;
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
    rule->table_id = 0;
    rule->cookie = fm->cookie;
    rule->idle_timeout = fm->idle_timeout;
    rule->hard_timeout = fm->hard_timeout;
    rule->flags = fm->flags;
    ofpacts_copy(&rule->ofpacts, &fm->ofpacts);
    rule->created = rule->used = now;
    return rule;
}

static int
check_actions(const struct ofproto *ofproto, const struct ofpacts *ofpacts, struct ofperr *err)
{
    for (size_t i = 0; i < ofpacts->n; i++) {
        const struct ofpact *a = &ofpacts->acts[i];
        if (a->type == OFPACT_OUTPUT && a->port >= OFPP_MAX && a->port < OFPP_IN_PORT) {
            err->type = OFPET_BAD_ACTION;
            err->code = OFPBAC_BAD_OUT_PORT;
            return -EINVAL;
        }
        if (a->type == OFPACT_OUTPUT && a->port == OFPP_ANY) {
            err->type = OFPET_BAD_ACTION;
            err->code = OFPBAC_BAD_OUT_PORT;
            return -EINVAL;
        }
    }
    (void) ofproto;
    return 0;
}

int
ofproto_handle_flow_mod(struct ofproto *ofproto, const struct ofp_flow_mod *fm,
                        struct ofperr *err)
{
    long long now = time_msec();
    bool all_tables = fm->table_id == 0xff;
    int n_changed = 0;

    if (fm->table_id != 0 && !(all_tables && (fm->command == OFPFC_DELETE
                                              || fm->command == OFPFC_DELETE_STRICT
                                              || fm->command == OFPFC_ADD))) {
        /* Only table 0 exists so far (multiple tables arrive with the full pipeline). */
        err->type = OFPET_FLOW_MOD_FAILED;
        err->code = OFPFMFC_BAD_TABLE_ID;
        return -EINVAL;
    }
    if ((fm->command == OFPFC_ADD || fm->command == OFPFC_MODIFY
         || fm->command == OFPFC_MODIFY_STRICT)
        && check_actions(ofproto, &fm->ofpacts, err)) {
        return -EINVAL;
    }

    pthread_mutex_lock(&ofproto->mutex);
    switch (fm->command) {
    case OFPFC_ADD: {
        struct match m = fm->match;
        match_normalize(&m);
        for (size_t i = 0; i < ofproto->n_rules; i++) {
            struct rule *r = ofproto->rules[i];
            if (r->priority != fm->priority) {
                continue;
            }
            if ((fm->flags & OFPFF_CHECK_OVERLAP) && match_overlaps(&r->match, &m)
                && !match_equal(&r->match, &m)) {
                pthread_mutex_unlock(&ofproto->mutex);
                err->type = OFPET_FLOW_MOD_FAILED;
                err->code = OFPFMFC_OVERLAP;
                return -EEXIST;
            }
        }
        if (ofproto->n_rules >= OFPROTO_MAX_RULES) {
            pthread_mutex_unlock(&ofproto->mutex);
            err->type = OFPET_FLOW_MOD_FAILED;
            err->code = OFPFMFC_TABLE_FULL;
            return -ENOSPC;
        }
        /* An identical rule is replaced (OpenFlow 1.3.5 §6.4); its counters are cleared unless
         * the new one is the same but for counters. */
        for (size_t i = 0; i < ofproto->n_rules; i++) {
            struct rule *r = ofproto->rules[i];
            if (r->priority == fm->priority && match_equal(&r->match, &m)) {
                rule_free(rules_remove_at(ofproto, i));
                break;
            }
        }
        rules_insert(ofproto, rule_create(ofproto, fm, now));
        n_changed = 1;
        break;
    }
    case OFPFC_MODIFY:
    case OFPFC_MODIFY_STRICT: {
        bool strict = fm->command == OFPFC_MODIFY_STRICT;
        struct match m = fm->match;
        match_normalize(&m);
        for (size_t i = 0; i < ofproto->n_rules; i++) {
            struct rule *r = ofproto->rules[i];
            bool hit = strict ? r->priority == fm->priority && match_equal(&r->match, &m)
                              : match_covers(&m, &r->match);
            if (hit && rule_matches_filters(r, fm->cookie, fm->cookie_mask, OFPP_ANY)) {
                ofpacts_destroy(&r->ofpacts);
                ofpacts_copy(&r->ofpacts, &fm->ofpacts);
                if (fm->flags & OFPFF_RESET_COUNTS) {
                    r->packet_count = r->byte_count = 0;
                }
                n_changed++;
            }
        }
        break;
    }
    case OFPFC_DELETE:
    case OFPFC_DELETE_STRICT: {
        bool strict = fm->command == OFPFC_DELETE_STRICT;
        struct match m = fm->match;
        match_normalize(&m);
        for (size_t i = 0; i < ofproto->n_rules;) {
            struct rule *r = ofproto->rules[i];
            bool hit = strict ? r->priority == fm->priority && match_equal(&r->match, &m)
                              : match_covers(&m, &r->match);
            if (hit && rule_matches_filters(r, fm->cookie, fm->cookie_mask, fm->out_port)) {
                rule_free(rules_remove_at(ofproto, i));
                n_changed++;
            } else {
                i++;
            }
        }
        break;
    }
    default:
        pthread_mutex_unlock(&ofproto->mutex);
        err->type = OFPET_FLOW_MOD_FAILED;
        err->code = OFPFMFC_BAD_COMMAND;
        return -EINVAL;
    }
    if (n_changed) {
        dp_netdev_flush_caches(ofproto->dp);
    }
    pthread_mutex_unlock(&ofproto->mutex);
    return 0;
}

void
ofproto_credit_stats(uint64_t rule_id, uint64_t packets, uint64_t bytes, long long used)
{
    struct rule key = { .id = rule_id };
    struct rule *rule = RB_FIND(rule_id_tree, &all_rules, &key);

    if (rule) {         /* Deleted rules simply lose their last counts, as in OVS. */
        rule->packet_count += packets;
        rule->byte_count += bytes;
        if (used > rule->used) {
            rule->used = used;
        }
    }
}

void
ofproto_collect_flow_stats(struct ofproto *ofproto, const struct ofp_flow_stats_request *req,
                           ofproto_flow_stats_cb *cb, void *aux)
{
    long long now = time_msec();
    struct match m = req->match;

    if (req->table_id != 0 && req->table_id != 0xff) {
        return;
    }
    match_normalize(&m);
    for (size_t i = 0; i < ofproto->n_rules; i++) {
        const struct rule *r = ofproto->rules[i];
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

void
ofproto_get_table_stats(struct ofproto *ofproto, uint32_t *active_count, uint64_t *lookup_count,
                        uint64_t *matched_count)
{
    pthread_mutex_lock(&ofproto->mutex);
    *active_count = (uint32_t) ofproto->n_rules;
    *lookup_count = ofproto->n_lookup;
    *matched_count = ofproto->n_matched;
    pthread_mutex_unlock(&ofproto->mutex);
}

/* Expires rules whose idle or hard timeout passed. */
static void
ofproto_expire_rules(struct ofproto *ofproto, long long now)
{
    bool changed = false;

    pthread_mutex_lock(&ofproto->mutex);
    for (size_t i = 0; i < ofproto->n_rules;) {
        struct rule *r = ofproto->rules[i];
        if ((r->hard_timeout && now - r->created >= r->hard_timeout * 1000LL)
            || (r->idle_timeout && now - r->used >= r->idle_timeout * 1000LL)) {
            VLOG_DBG("bridge %s: rule %" PRIu64 " expired", ofproto->name, r->id);
            rule_free(rules_remove_at(ofproto, i));
            changed = true;
        } else {
            i++;
        }
    }
    if (mac_learning_expire(ofproto->ml, now)) {
        changed = true;
    }
    if (changed) {
        dp_netdev_flush_caches(ofproto->dp);
    }
    pthread_mutex_unlock(&ofproto->mutex);
}

/* ---- Ports. ---- */

static struct ofport *
ofport_find(const struct ofproto *ofproto, uint32_t ofp_port)
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
    if (ofport_find(ofproto, ofp_port)) {
        return -EEXIST;
    }
    struct ofport *port = xzalloc(sizeof *port);
    port->ofproto = ofproto;
    port->ofp_port = ofp_port;
    port->dp_port = dp_port;
    port->name = xstrdup(name);
    pthread_mutex_lock(&ofproto->mutex);
    ofproto->ports = xrealloc(ofproto->ports, (ofproto->n_ports + 1) * sizeof *ofproto->ports);
    ofproto->ports[ofproto->n_ports++] = port;
    dp_netdev_flush_caches(ofproto->dp);
    pthread_mutex_unlock(&ofproto->mutex);
    return 0;
}

void
ofproto_port_set_dp_port(struct ofproto *ofproto, uint32_t ofp_port, uint32_t dp_port)
{
    pthread_mutex_lock(&ofproto->mutex);
    struct ofport *port = ofport_find(ofproto, ofp_port);
    if (port) {
        port->dp_port = dp_port;
        dp_netdev_flush_caches(ofproto->dp);
    }
    pthread_mutex_unlock(&ofproto->mutex);
}

void *
ofproto_port_aux(struct ofproto *ofproto, uint32_t ofp_port)
{
    return ofport_find(ofproto, ofp_port);
}

void
ofproto_port_del(struct ofproto *ofproto, uint32_t ofp_port)
{
    pthread_mutex_lock(&ofproto->mutex);
    for (size_t i = 0; i < ofproto->n_ports; i++) {
        struct ofport *port = ofproto->ports[i];
        if (port->ofp_port == ofp_port) {
            ofproto->ports[i] = ofproto->ports[--ofproto->n_ports];
            mac_learning_flush_port(ofproto->ml, ofp_port);
            dp_netdev_flush_caches(ofproto->dp);
            pthread_mutex_unlock(&ofproto->mutex);
            free(port->name);
            free(port);
            return;
        }
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
        if (!ofport_find(ofproto, n)) {
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
        strlcpy(pp->name, port->name, sizeof pp->name);
        if (port->dp_port == DP_PORT_NONE
            || !dp_netdev_port_get_info(ofproto->dp, port->dp_port, &pp->hw_addr, &up, &speed,
                                        &mtu)) {
            pp->state = OFPPS_LINK_DOWN;
            continue;
        }
        pp->state = up ? OFPPS_LIVE : OFPPS_LINK_DOWN;
        pp->curr_speed = pp->max_speed = speed * 1000u;
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

/* ---- Translation (runs on PMD threads, under ofproto->mutex). ---- */

static void
xlate_output_dp(struct dp_upcall_result *res, uint32_t dp_port)
{
    if (dp_port == DP_PORT_NONE || res->actions.n >= DP_MAX_ACTIONS) {
        return;
    }
    for (uint32_t i = 0; i < res->actions.n; i++) {
        if (res->actions.a[i].port == dp_port) {
            return;         /* One copy per port. */
        }
    }
    res->actions.a[res->actions.n].type = DP_ACTION_OUTPUT;
    res->actions.a[res->actions.n].pad = 0;
    res->actions.a[res->actions.n].port = dp_port;
    res->actions.n++;
}

/* All ports but the ingress port. */
static void
xlate_flood(const struct ofproto *ofproto, const struct ofport *in, struct dp_upcall_result *res)
{
    for (size_t i = 0; i < ofproto->n_ports; i++) {
        const struct ofport *p = ofproto->ports[i];
        if (p != in) {
            xlate_output_dp(res, p->dp_port);
        }
    }
}

static void
xlate_normal(struct ofproto *ofproto, const struct ofport *in, const struct flow *flow,
             struct dp_upcall_result *res, bool *learned)
{
    uint16_t vlan = (uint16_t) (__builtin_bswap16(flow->vlan_tci_be) & VLAN_VID_MASK);

    /* NORMAL consults the addresses and the VLAN. */
    memset(&res->wc.dl_src, 0xff, sizeof res->wc.dl_src);
    memset(&res->wc.dl_dst, 0xff, sizeof res->wc.dl_dst);
    res->wc.vlan_tci_be = 0xffff;

    if (!(flow->dl_src.ea[0] & 1)) {
        if (mac_learning_learn(ofproto->ml, &flow->dl_src, vlan, in->ofp_port, time_msec())) {
            *learned = true;
        }
    }
    if (flow->dl_dst.ea[0] & 1) {
        xlate_flood(ofproto, in, res);          /* Broadcast and multicast. */
        return;
    }
    uint32_t out = mac_learning_lookup(ofproto->ml, &flow->dl_dst, vlan);
    if (out == MAC_PORT_NONE) {
        xlate_flood(ofproto, in, res);
    } else if (out != in->ofp_port) {
        const struct ofport *p = ofport_find(ofproto, out);
        if (p) {
            xlate_output_dp(res, p->dp_port);
        }
    }
    /* else: learned on the ingress port: drop, as a learning bridge does. */
}

int
ofproto_upcall(void *port_aux, const struct flow *flow, const void *packet, size_t len,
               struct dp_upcall_result *res)
{
    struct ofport *in = port_aux;
    struct ofproto *ofproto = in->ofproto;
    const struct rule *match = NULL;
    struct flow of_flow = *flow;
    bool learned = false;

    (void) packet;
    (void) len;
    of_flow.in_port = in->ofp_port;

    pthread_mutex_lock(&ofproto->mutex);
    ofproto->n_lookup++;
    for (size_t i = 0; i < ofproto->n_rules; i++) {
        const struct rule *r = ofproto->rules[i];
        /* Every rule examined contributes its mask: a packet that agrees with this one on all of
         * these bits fails the same higher-priority rules and matches the same rule. */
        flow_wildcards_or(&res->wc, &r->match.wc);
        if (match_matches_flow(&r->match, &of_flow)) {
            match = r;
            break;
        }
    }
    if (match) {
        ofproto->n_matched++;
        res->rule_id = match->id;
        for (size_t i = 0; i < match->ofpacts.n; i++) {
            const struct ofpact *a = &match->ofpacts.acts[i];
            if (a->type != OFPACT_OUTPUT) {
                continue;
            }
            switch (a->port) {
            case OFPP_IN_PORT:
                xlate_output_dp(res, in->dp_port);
                break;
            case OFPP_NORMAL:
                xlate_normal(ofproto, in, &of_flow, res, &learned);
                break;
            case OFPP_FLOOD:
            case OFPP_ALL:
                xlate_flood(ofproto, in, res);
                break;
            case OFPP_CONTROLLER:
            case OFPP_TABLE:
            case OFPP_ANY:
                /* No controller connections yet: nothing to send to. */
                break;
            default: {
                const struct ofport *p = ofport_find(ofproto, a->port);
                /* OpenFlow never sends a packet back out its ingress port unless asked with
                 * IN_PORT. */
                if (p && p != in) {
                    xlate_output_dp(res, p->dp_port);
                }
                break;
            }
            }
        }
    }
    if (learned) {
        dp_netdev_flush_caches(ofproto->dp);
    }
    pthread_mutex_unlock(&ofproto->mutex);
    return 0;
}

/* ---- Life cycle. ---- */

struct ofproto *
ofproto_create(const char *name, uint64_t dpid, struct dp_netdev *dp)
{
    struct ofproto *ofproto = xzalloc(sizeof *ofproto);

    ofproto->name = xstrdup(name);
    ofproto->dpid = dpid;
    ofproto->dp = dp;
    pthread_mutex_init(&ofproto->mutex, NULL);
    ofproto->ml = mac_learning_create(MAC_ENTRY_DEFAULT_IDLE_TIME, MAC_DEFAULT_MAX);
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

    LIST_INSERT_HEAD(&all_ofprotos, ofproto, node);
    VLOG_INFO("bridge %s: created (datapath id %016" PRIx64 ")", name, dpid);
    return ofproto;
}

void
ofproto_destroy(struct ofproto *ofproto)
{
    if (!ofproto) {
        return;
    }
    LIST_REMOVE(ofproto, node);
    connmgr_destroy(ofproto->connmgr);
    pthread_mutex_lock(&ofproto->mutex);
    while (ofproto->n_rules) {
        rule_free(rules_remove_at(ofproto, ofproto->n_rules - 1));
    }
    for (size_t i = 0; i < ofproto->n_ports; i++) {
        free(ofproto->ports[i]->name);
        free(ofproto->ports[i]);
    }
    ofproto->n_ports = 0;
    dp_netdev_flush_caches(ofproto->dp);
    pthread_mutex_unlock(&ofproto->mutex);
    free(ofproto->ports);
    free(ofproto->rules);
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

void
ofproto_run(struct ofproto *ofproto)
{
    long long now = time_msec();

    connmgr_run(ofproto->connmgr);
    if (now >= ofproto->next_expire) {
        ofproto_expire_rules(ofproto, now);
        ofproto->next_expire = now + 1000;
    }
}

void
ofproto_wait(struct ofproto *ofproto)
{
    connmgr_wait(ofproto->connmgr);
    poll_timer_wait_until(ofproto->next_expire);
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
    const struct ofport *p = ofport_find(ofproto, port);
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

void
ofproto_register_unixctl(void)
{
    unixctl_command_register("fdb/show", "BRIDGE", 1, 1, fdb_show, NULL);
    unixctl_command_register("fdb/flush", "[BRIDGE]", 0, 1, fdb_flush, NULL);
}
