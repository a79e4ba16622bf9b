/*
 * fake-ofproto — see fake-ofproto.h.
 */
#include "fake-ofproto.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ofproto/ofproto-bundle.h"

struct ofproto *
fake_ofproto_create(const char *name, uint64_t dpid)
{
    struct ofproto *p = xzalloc(sizeof *p);
    strlcpy(p->name, name, sizeof p->name);
    p->dpid = dpid;
    p->fail_next.type = 0xffff;
    return p;
}

void
fake_ofproto_add_port(struct ofproto *p, uint32_t no, const char *name)
{
    struct ofp_phy_port *pp = &p->ports[p->n_ports];
    struct ofp_port_stats *s = &p->stats[p->n_ports];

    memset(pp, 0, sizeof *pp);
    pp->port_no = no;
    uint8_t mac[6] = { 0xaa, 0x55, 0xaa, 0x55, 0x00, no & 0xff };
    memcpy(pp->hw_addr.ea, mac, 6);
    strlcpy(pp->name, name, sizeof pp->name);
    if (no == OFPP_LOCAL) {
        pp->config = OFPPC_PORT_DOWN;
        pp->state = OFPPS_LINK_DOWN;
    } else {
        pp->curr = 0x40 | 0x800;      /* 10GB-FD COPPER */
        pp->curr_speed = 10000000;
        pp->state = OFPPS_LIVE;
    }
    memset(s, 0, sizeof *s);
    s->port_no = no;
    s->rx_packets = (uint64_t) (no & 0xff) * 100;
    s->tx_packets = (uint64_t) (no & 0xff) * 200;
    s->rx_bytes = s->rx_packets * 64;
    s->tx_bytes = s->tx_packets * 64;
    s->rx_frame_err = UINT64_MAX;
    s->collisions = UINT64_MAX;
    s->duration_sec = 5;
    s->duration_nsec = 250000000;
    p->n_ports++;
}

void
fake_ofproto_add_many(struct ofproto *p, size_t n)
{
    p->rules = xrealloc(p->rules, (p->n_rules + n) * sizeof *p->rules);
    for (size_t i = 0; i < n; i++) {
        struct fake_rule *r = &p->rules[p->n_rules++];
        memset(r, 0, sizeof *r);
        r->priority = i & 0xffff;
        match_init_catchall(&r->match);
        r->match.flow.dl_type_be = htons(ETH_TYPE_IP);
        r->match.wc.dl_type_be = 0xffff;
        r->match.flow.nw_dst_be = htonl(0x0a000000 | (uint32_t) i);
        r->match.wc.nw_dst_be = 0xffffffff;
        ofpacts_init(&r->ofpacts);
        ofpacts_add_output(&r->ofpacts, 1, 0);
    }
}

void
fake_ofproto_destroy(struct ofproto *p)
{
    for (size_t i = 0; i < p->n_rules; i++) {
        ofpacts_destroy(&p->rules[i].ofpacts);
    }
    free(p->rules);
    free(p);
}

/* Whether rule R falls under the non-strict filter F: every bit F cares about, R cares about
 * too, with the same value. */
static bool
covered(const struct match *f, const struct match *r)
{
    const uint64_t *fv = flow_u64(&f->flow), *fw = flow_u64(&f->wc);
    const uint64_t *rv = flow_u64(&r->flow), *rw = flow_u64(&r->wc);

    for (size_t i = 0; i < FLOW_U64S; i++) {
        if ((fw[i] & ~rw[i]) || ((fv[i] ^ rv[i]) & fw[i])) {
            return false;
        }
    }
    return true;
}

static bool
rule_selected(const struct fake_rule *r, const struct match *m, bool strict, uint16_t priority,
              uint8_t table_id, uint32_t out_port, uint64_t cookie, uint64_t cookie_mask)
{
    if (table_id != 0xff && r->table_id != table_id) {
        return false;
    }
    if ((r->cookie ^ cookie) & cookie_mask) {
        return false;
    }
    if (out_port != OFPP_ANY && !ofpacts_output_to_port(&r->ofpacts, out_port)) {
        return false;
    }
    return strict ? match_equal(&r->match, m) && r->priority == priority : covered(m, &r->match);
}

uint64_t
ofproto_dpid(const struct ofproto *p)
{
    return p->dpid;
}

const char *
ofproto_name(const struct ofproto *p)
{
    return p->name;
}

int
ofproto_handle_flow_mod(struct ofproto *p, const struct ofp_flow_mod *fm, struct ofperr *err)
{
    bool strict = fm->command == OFPFC_MODIFY_STRICT || fm->command == OFPFC_DELETE_STRICT;

    p->n_flow_mods++;
    if (p->fail_next.type != 0xffff) {
        *err = p->fail_next;
        p->fail_next.type = 0xffff;
        return -1;
    }
    switch (fm->command) {
    case OFPFC_ADD:
        if (fm->table_id >= 254) {
            *err = (struct ofperr) { OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_TABLE_ID };
            return -1;
        }
        for (size_t i = 0; i < p->n_rules; i++) {
            struct fake_rule *r = &p->rules[i];
            if (r->table_id == fm->table_id && r->priority == fm->priority
                && match_equal(&r->match, &fm->match)) {
                ofpacts_destroy(&r->ofpacts);
                ofpacts_copy(&r->ofpacts, &fm->ofpacts);
                r->cookie = fm->cookie;
                return 0;
            }
        }
        p->rules = xrealloc(p->rules, (p->n_rules + 1) * sizeof *p->rules);
        struct fake_rule *r = &p->rules[p->n_rules++];
        memset(r, 0, sizeof *r);
        r->table_id = fm->table_id;
        r->priority = fm->priority;
        r->idle_timeout = fm->idle_timeout;
        r->hard_timeout = fm->hard_timeout;
        r->flags = fm->flags;
        r->cookie = fm->cookie;
        r->match = fm->match;
        ofpacts_copy(&r->ofpacts, &fm->ofpacts);
        return 0;

    case OFPFC_MODIFY:
    case OFPFC_MODIFY_STRICT:
        for (size_t i = 0; i < p->n_rules; i++) {
            struct fake_rule *r = &p->rules[i];
            if (rule_selected(r, &fm->match, strict, fm->priority, fm->table_id, fm->out_port,
                              fm->cookie, fm->cookie_mask)) {
                ofpacts_destroy(&r->ofpacts);
                ofpacts_copy(&r->ofpacts, &fm->ofpacts);
            }
        }
        return 0;

    case OFPFC_DELETE:
    case OFPFC_DELETE_STRICT: {
        size_t n = 0;
        for (size_t i = 0; i < p->n_rules; i++) {
            struct fake_rule *r = &p->rules[i];
            if (rule_selected(r, &fm->match, strict, fm->priority, fm->table_id, fm->out_port,
                              fm->cookie, fm->cookie_mask)) {
                ofpacts_destroy(&r->ofpacts);
            } else {
                p->rules[n++] = *r;
            }
        }
        p->n_rules = n;
        return 0;
    }
    }
    *err = (struct ofperr) { OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_COMMAND };
    return -1;
}

void
ofproto_collect_flow_stats(struct ofproto *p, const struct ofp_flow_stats_request *fsr,
                           ofproto_flow_stats_cb *cb, void *aux)
{
    for (size_t i = 0; i < p->n_rules; i++) {
        const struct fake_rule *r = &p->rules[i];
        if (!rule_selected(r, &fsr->match, false, 0, fsr->table_id, fsr->out_port, fsr->cookie,
                           fsr->cookie_mask)) {
            continue;
        }
        struct ofp_flow_stats fs = {
            .table_id = r->table_id, .duration_sec = 12, .duration_nsec = 345000000,
            .priority = r->priority, .idle_timeout = r->idle_timeout,
            .hard_timeout = r->hard_timeout, .flags = r->flags, .cookie = r->cookie,
            .packet_count = r->n_packets, .byte_count = r->n_bytes, .idle_age = 3,
            .match = r->match, .ofpacts = r->ofpacts,
        };
        cb(aux, &fs);
    }
}

size_t
ofproto_get_port_descs(struct ofproto *p, struct ofp_phy_port **ports)
{
    *ports = xmalloc((p->n_ports + 1) * sizeof **ports);
    memcpy(*ports, p->ports, p->n_ports * sizeof **ports);
    return p->n_ports;
}

size_t
ofproto_get_port_stats(struct ofproto *p, uint32_t port_no, struct ofp_port_stats **stats)
{
    size_t n = 0;

    *stats = xmalloc((p->n_ports + 1) * sizeof **stats);
    for (size_t i = 0; i < p->n_ports; i++) {
        if (port_no == OFPP_ANY || p->stats[i].port_no == port_no) {
            (*stats)[n++] = p->stats[i];
        }
    }
    return n;
}

void
ofproto_get_table_stats(struct ofproto *p, uint8_t table_id, uint32_t *active_count,
                        uint64_t *lookup_count, uint64_t *matched_count)
{
    *active_count = 0;
    for (size_t i = 0; i < p->n_rules; i++) {
        *active_count += p->rules[i].table_id == table_id;
    }
    *lookup_count = table_id == 0 ? p->lookups : 0;
    *matched_count = table_id == 0 ? p->matches : 0;
}

int
ofproto_packet_out(struct ofproto *p, const void *packet, size_t len, uint32_t in_port,
                   const struct ofpacts *ofpacts, struct ofperr *err)
{
    (void) packet;
    (void) ofpacts;
    if (in_port != OFPP_CONTROLLER && in_port != OFPP_ANY && in_port != OFPP_LOCAL
        && in_port > 64) {
        err->type = OFPET_BAD_REQUEST;
        err->code = 11;     /* OFPBRC_BAD_PORT */
        return -EINVAL;
    }
    p->n_packet_outs++;
    p->packet_out_bytes += len;
    return 0;
}

void
ofproto_sync(struct ofproto *p)
{
    p->n_syncs++;
}

int
ofproto_port_mod(struct ofproto *p, uint32_t port_no, uint32_t config, uint32_t mask,
                 struct ofperr *err)
{
    for (size_t i = 0; i < p->n_ports; i++) {
        if (p->ports[i].port_no == port_no) {
            p->ports[i].config = (p->ports[i].config & ~mask) | (config & mask);
            return 0;
        }
    }
    err->type = OFPET_PORT_MOD_FAILED;
    err->code = 0;          /* OFPPMFC_BAD_PORT */
    return -EINVAL;
}

int
ofproto_handle_group_mod(struct ofproto *p, const struct ofp_group_mod *gm, struct ofperr *err)
{
    (void) p;
    (void) gm;
    err->type = 6;          /* OFPET_GROUP_MOD_FAILED */
    err->code = 11;         /* OFPGMFC_BAD_COMMAND: the fake switch has no groups */
    return -EINVAL;
}

void
ofproto_collect_groups(struct ofproto *p, ofproto_group_cb *cb, void *aux)
{
    (void) p;
    (void) cb;
    (void) aux;
}

/* Meters: a table of configurations, enough for connmgr tests and for comparing the replies
 * with ovs-ofctl's printing (fake-switch). Counters stay zero. */
int
ofproto_handle_meter_mod(struct ofproto *p, const struct ofp_meter_mod *mm, struct ofperr *err)
{
    size_t i;

    for (i = 0; i < p->n_meters && p->meters[i].meter_id != mm->meter_id; i++) {
        continue;
    }
    if (mm->command == OFPMC_DELETE) {
        for (size_t j = 0; j < p->n_meters;) {
            if (mm->meter_id == OFPM_ALL || p->meters[j].meter_id == mm->meter_id) {
                p->meters[j] = p->meters[--p->n_meters];
            } else {
                j++;
            }
        }
        return 0;
    }
    if (ofp_meter_mod_check(mm, err)) {
        return -EINVAL;
    }
    err->type = OFPET_METER_MOD_FAILED;
    if (mm->command == OFPMC_ADD && i < p->n_meters) {
        err->code = OFPMMFC_METER_EXISTS;
        return -EINVAL;
    }
    if (mm->command == OFPMC_MODIFY && i == p->n_meters) {
        err->code = OFPMMFC_UNKNOWN_METER;
        return -EINVAL;
    }
    if (i == ARRAY_SIZE(p->meters)) {
        err->code = OFPMMFC_OUT_OF_METERS;
        return -EINVAL;
    }
    p->meters[i] = *mm;
    p->meters[i].command = 0;
    p->n_meters += i == p->n_meters;
    return 0;
}

void
ofproto_collect_meter_configs(struct ofproto *p, uint32_t meter_id,
                              ofproto_meter_config_cb *cb, void *aux)
{
    for (size_t i = 0; i < p->n_meters; i++) {
        if (meter_id == OFPM_ALL || meter_id == p->meters[i].meter_id) {
            cb(aux, &p->meters[i]);
        }
    }
}

void
ofproto_collect_meter_stats(struct ofproto *p, uint32_t meter_id,
                            ofproto_meter_stats_cb *cb, void *aux)
{
    for (size_t i = 0; i < p->n_meters; i++) {
        if (meter_id == OFPM_ALL || meter_id == p->meters[i].meter_id) {
            struct ofp_meter_stats ms = { .meter_id = p->meters[i].meter_id,
                                          .n_bands = p->meters[i].n_bands };
            cb(aux, &ms);
        }
    }
}

void
ofproto_get_meter_features(struct ofp_meter_features *mf)
{
    memset(mf, 0, sizeof *mf);
    mf->max_meter = OFP_METER_MAX;
    mf->band_types = 1u << OFPMBT_DROP;
    mf->capabilities = OFPMF_KBPS | OFPMF_PKTPS | OFPMF_BURST | OFPMF_STATS;
    mf->max_bands = OFP_METER_MAX_BANDS;
}

/* All or none: applies OPS to a copy of the rules and keeps the copy only if every one passed. */
int
ofproto_bundle_commit(struct ofproto *p, const struct ofproto_bundle_op *ops, size_t n,
                      size_t *failed, struct ofperr *err)
{
    struct fake_rule *saved = xmalloc((p->n_rules ? p->n_rules : 1) * sizeof *saved);
    size_t n_saved = p->n_rules;

    for (size_t i = 0; i < n_saved; i++) {
        saved[i] = p->rules[i];
        ofpacts_copy(&saved[i].ofpacts, &p->rules[i].ofpacts);
    }
    for (size_t i = 0; i < n; i++) {
        int error = ops[i].type == OFPT_FLOW_MOD ? ofproto_handle_flow_mod(p, &ops[i].fm, err)
                    : ops[i].type == OFPT_GROUP_MOD ? ofproto_handle_group_mod(p, &ops[i].gm, err)
                    : ofproto_port_mod(p, ops[i].pm.port_no, ops[i].pm.config, ops[i].pm.mask,
                                       err);
        if (error) {
            for (size_t j = 0; j < p->n_rules; j++) {
                ofpacts_destroy(&p->rules[j].ofpacts);
            }
            free(p->rules);
            p->rules = saved;
            p->n_rules = n_saved;
            *failed = i;
            return error;
        }
    }
    for (size_t i = 0; i < n_saved; i++) {
        ofpacts_destroy(&saved[i].ofpacts);
    }
    free(saved);
    return 0;
}

/* No group counters in the fake: every group reports zeros. */
void
ofproto_collect_group_stats(struct ofproto *p, uint32_t group_id, ofproto_group_stats_cb *cb,
                            void *aux)
{
    (void) p;
    (void) group_id;
    (void) cb;
    (void) aux;
}
