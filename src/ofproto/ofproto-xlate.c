/*
 * ofproto-xlate — translation of a flow through an ofproto's tables into datapath actions, with
 * the megaflow wildcards of every bit consulted (see ofproto-provider.h). With a trace buffer it
 * also writes the per-table lines of ofproto/trace, whose command is ofproto-trace.c.
 *
 * The pipeline (OpenFlow 1.3.5 §5.1, §5.10): start in table 0; in each table the highest-priority
 * matching rule runs its apply-actions at once, updates the action set (clear/write), writes
 * metadata and either continues in its goto_table or, at the end, executes the action set. No
 * matching rule is a table miss: the packet is dropped (a table-miss rule, priority 0 catch-all,
 * decides otherwise). Nicira resubmit runs another table's matching rule in place, nested.
 *
 * The translation keeps two copies of the flow: 'flow', what the pipeline sees (set_field, load,
 * move, push/pop change it), and 'base', what the datapath packet looks like after the datapath
 * actions emitted so far. Before an action that sends or reshapes the packet, pending changes
 * ("dirty" bits) are committed as datapath set actions. Wildcards: every table lookup adds the
 * masks of the rules examined; an action that depends on a packet field's value (NORMAL, flood's
 * ingress exclusion, pop_vlan, dec_ttl's IP check, move's source) un-wildcards that field.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "lib/vlog.h"
#include "ofproto/mac-learning.h"
#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-print.h"
#include "ofproto/ofproto-provider.h"
#include "ofproto/ofproto-tnl.h"
#include "ofproto/tnl-route.h"
#include "pmd/dp-tunnel.h"
#include "pmd/dpif-netdev.h"

VLOG_DEFINE_THIS_MODULE(xlate);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

#define ETH_FMT "%02x:%02x:%02x:%02x:%02x:%02x"
#define ETH_ARGS(E) (E)[0], (E)[1], (E)[2], (E)[3], (E)[4], (E)[5]

static void
ds_put_char_multiple(struct ds *s, char c, size_t n)
{
    while (n--) {
        ds_put_char(s, c);
    }
}

/* Packet-in reasons (OpenFlow 1.3.5 §7.4.1). */
#define OFPR_NO_MATCH 0
#define OFPR_ACTION 1

struct xlate_ctx {
    struct ofproto *ofproto;
    const struct ofport *in;
    struct flow flow;            /* The pipeline's view (in_port: OpenFlow number). */
    struct flow base;            /* The packet as the datapath actions so far leave it. */
    struct flow dirty;           /* Bits of 'flow' changed but not yet committed. */
    struct flow *wc;             /* Megaflow wildcards (the upcall result's). */
    struct dp_actions *out;
    bool may_learn;
    bool *learned;
    bool no_side_effects;        /* Revalidation: no learning, no table counters (learned NULL). */
    struct ds *trace;
    int depth;                   /* Nesting of tables (resubmit and goto_table). */
    int n_lookups;               /* Table lookups so far (bounded by XLATE_MAX_LOOKUPS). */
    int indent;                  /* Trace nesting (resubmit only, as OVS shows it). */
    uint8_t table_id;            /* Current table. */
    const struct rule *rule;     /* Current rule (for packet-in cookie and reason). */
    uint64_t rule_ids[16];
    size_t n_rule_ids;
    struct ofpacts action_set;   /* The action set (write_actions), in write order. */
    bool overflow;               /* Too many datapath actions: dropped. */
    bool failed;                 /* Translation gave up (resubmit loop): nothing more is
                                    translated or emitted; the packet is dropped for 'error'. */
    enum dp_drop_reason error;   /* With 'failed': DP_DROP_XLATE_* (pmd/dpif-netdev.h). */
    /* Crossing into other bridges (patch and tunnel ports, ofproto-patch.h). */
    struct ofproto *root;        /* The bridge the translation started in (caller's lock). */
    struct ofproto *entered[8];  /* Bridges whose mutex this translation took, innermost last. */
    size_t n_entered;
    bool took_cross;             /* This translation took ofproto_cross_mutex itself. */
    bool cross_failed;           /* Could not take it: the result must not be cached. */
};

static void xlate_table(struct xlate_ctx *, uint8_t table_id, bool resubmit);
static void xlate_actions(struct xlate_ctx *, const struct ofpacts *, bool apply_only);
static void xlate_action(struct xlate_ctx *, const struct ofpact *);
static void xlate_group(struct xlate_ctx *, uint32_t group_id);
static void xlate_normal(struct xlate_ctx *);
static void action_set_execute(struct xlate_ctx *);
static void xlate_patch_output(struct xlate_ctx *, const struct ofport *);
static void xlate_tnl_output(struct xlate_ctx *, const struct ofport *);

/* ---- Tracing. ---- */

static void
trace_indent(struct xlate_ctx *ctx)
{
    ds_put_char_multiple(ctx->trace, ' ', 4 + 4 * ctx->indent);
}

static void
trace_note(struct xlate_ctx *ctx, const char *fmt, ...)
{
    if (!ctx->trace) {
        return;
    }
    va_list args;
    va_start(args, fmt);
    trace_indent(ctx);
    ds_put_cstr(ctx->trace, " -> ");
    ds_put_format_valist(ctx->trace, fmt, args);
    ds_put_char(ctx->trace, '\n');
    va_end(args);
}

/* ---- Datapath actions. ---- */

static struct dp_action *
emit(struct xlate_ctx *ctx, enum dp_action_type type)
{
    if (ctx->failed) {
        return NULL;
    }
    if (ctx->out->n >= DP_MAX_ACTIONS) {
        if (!ctx->overflow) {
            VLOG_WARN_RL(&rl, "bridge %s: translation needs more than %d datapath actions; "
                         "the extra ones are dropped", ctx->ofproto->name, DP_MAX_ACTIONS);
            trace_note(ctx, "too many datapath actions (limit %d): rest dropped", DP_MAX_ACTIONS);
        }
        ctx->overflow = true;
        return NULL;
    }
    struct dp_action *a = &ctx->out->a[ctx->out->n++];
    memset(a, 0, sizeof *a);
    a->type = type;
    return a;
}

/* Gives up on the translation, as OVS does on an xlate error: the actions so far are discarded,
 * nothing more is looked up or emitted, and xlate_finish_error() makes the datapath drop the
 * packet counted under REASON (a DP_DROP_XLATE_* reason) instead of "flow actions were drop".
 * The first error wins. */
static void
xlate_fail(struct xlate_ctx *ctx, enum dp_drop_reason reason)
{
    if (!ctx->failed) {
        ctx->failed = true;
        ctx->error = reason;
    }
    ctx->out->n = 0;
}

/* After a failed translation: the datapath actions become one DP_ACTION_DROP with the reason. */
static void
xlate_finish_error(struct xlate_ctx *ctx)
{
    if (!ctx->failed) {
        return;
    }
    if (ctx->trace) {
        ds_put_format(ctx->trace, "\nTranslation failed (%s), packet is dropped.\n",
                      dp_drop_reason_string(ctx->error));
    }
    struct dp_action *a = &ctx->out->a[0];
    memset(a, 0, sizeof *a);
    a->type = DP_ACTION_DROP;
    a->port = ctx->error;
    ctx->out->n = 1;
}

static bool
flow_is_ip(const struct flow *f)
{
    return f->dl_type_be == htons(ETH_TYPE_IP) || f->dl_type_be == htons(ETH_TYPE_IPV6);
}

static bool
flow_has_l4_ports(const struct flow *f)
{
    return flow_is_ip(f) && !(f->nw_frag & FLOW_NW_FRAG_LATER)
           && (f->nw_proto == 6 || f->nw_proto == 17 || f->nw_proto == 132);
}

/* Whether a partial write to a field left bits of the packet's own value in it: the datapath set
 * then carries those bits, so the megaflow must match them exactly. */
static void
commit_field(struct xlate_ctx *ctx, void *flow_field, void *base_field, void *dirty_field,
             void *wc_field, size_t n, enum dp_action_type type, void *dst, size_t dst_n)
{
    const uint8_t *d = dirty_field;
    bool any = false, full = true;

    for (size_t i = 0; i < n; i++) {
        any |= d[i] != 0;
        full &= d[i] == 0xff;
    }
    if (!any) {
        return;
    }
    if (!full) {
        memset(wc_field, 0xff, n);
    }
    memcpy(base_field, flow_field, n);
    memset(dirty_field, 0, n);
    struct dp_action *a = emit(ctx, type);
    if (a) {
        memcpy(dst ? dst : (void *) &a->u, flow_field, dst_n ? dst_n : n);
    }
}

static bool
is_zero(const void *p_, size_t n)
{
    const uint8_t *p = p_;
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

#define COMMIT(FIELD, TYPE) \
    commit_field(ctx, &f->FIELD, &b->FIELD, &d->FIELD, &w->FIELD, sizeof f->FIELD, TYPE, NULL, 0)

/* Emits datapath set actions for every pending change of a packet field. */
static void
commit(struct xlate_ctx *ctx)
{
    struct flow *f = &ctx->flow, *b = &ctx->base, *d = &ctx->dirty, *w = ctx->wc;

    COMMIT(dl_src, DP_ACTION_SET_ETH_SRC);
    COMMIT(dl_dst, DP_ACTION_SET_ETH_DST);
    if (d->vlan_tci_be) {
        if (b->vlan_tci_be & htons(VLAN_CFI)) {
            struct dp_action *a = emit(ctx, DP_ACTION_SET_VLAN_TCI);
            if (a) {
                a->u.vlan.tci = f->vlan_tci_be | htons(VLAN_CFI);
                a->u.vlan.tci_mask = 0xffff;
            }
            if (d->vlan_tci_be != 0xffff) {
                w->vlan_tci_be = 0xffff;
            }
            b->vlan_tci_be = f->vlan_tci_be | htons(VLAN_CFI);
        }
        f->vlan_tci_be = b->vlan_tci_be;
        d->vlan_tci_be = 0;
    }
    /* Which set actions apply depends on the packet's protocol (and, for L4 ports, on it not
     * being a later fragment): the megaflow must pin what decided. */
    if (d->nw_src_be || d->nw_dst_be || !is_zero(d->ipv6_src, 16) || !is_zero(d->ipv6_dst, 16) || d->nw_tos || d->nw_ttl
        || d->tp_src_be || d->tp_dst_be) {
        w->dl_type_be = 0xffff;
        if (d->tp_src_be || d->tp_dst_be) {
            w->nw_proto = 0xff;
            w->nw_frag |= FLOW_NW_FRAG_LATER;
        }
    }
    if (f->dl_type_be == htons(ETH_TYPE_IP)) {
        COMMIT(nw_src_be, DP_ACTION_SET_IPV4_SRC);
        COMMIT(nw_dst_be, DP_ACTION_SET_IPV4_DST);
    } else if (f->dl_type_be == htons(ETH_TYPE_IPV6)) {
        COMMIT(ipv6_src, DP_ACTION_SET_IPV6_SRC);
        COMMIT(ipv6_dst, DP_ACTION_SET_IPV6_DST);
    }
    if (flow_is_ip(f)) {
        if (d->nw_tos & 0xfc) {
            struct dp_action *a = emit(ctx, DP_ACTION_SET_IP_DSCP);
            if (a) {
                a->u.u8 = f->nw_tos >> 2;
            }
            if ((d->nw_tos & 0xfc) != 0xfc) {
                w->nw_tos |= 0xfc;
            }
        }
        if (d->nw_tos & 0x03) {
            struct dp_action *a = emit(ctx, DP_ACTION_SET_IP_ECN);
            if (a) {
                a->u.u8 = f->nw_tos & 3;
            }
            if ((d->nw_tos & 0x03) != 0x03) {
                w->nw_tos |= 0x03;
            }
        }
        b->nw_tos = f->nw_tos;
        d->nw_tos = 0;
        COMMIT(nw_ttl, DP_ACTION_SET_IP_TTL);
    }
    if (flow_has_l4_ports(f)) {
        COMMIT(tp_src_be, DP_ACTION_SET_L4_SRC);
        COMMIT(tp_dst_be, DP_ACTION_SET_L4_DST);
    }
    /* Whatever could not be committed (fields of other protocols) is dropped from 'dirty'. */
    memset(d, 0, sizeof *d);
}

static void
output_dp(struct xlate_ctx *ctx, const struct ofport *port)
{
    if (port && port->patch_peer && !(port->config & OFPPC_PORT_DOWN)) {
        xlate_patch_output(ctx, port);
        return;
    }
    if (port && port->tnl && !(port->config & OFPPC_PORT_DOWN)) {
        xlate_tnl_output(ctx, port);
        return;
    }
    if (port && port->ofp_port == OFPP_LOCAL && !(port->config & OFPPC_PORT_DOWN)) {
        /* A tunnel packet for this bridge's address is decapsulated (ofproto-tnl.h). */
        uint32_t vport = ofproto_tnl_pop_vport(port, &ctx->flow, ctx->wc);
        if (vport != UINT32_MAX) {
            commit(ctx);
            struct dp_action *a = emit(ctx, DP_ACTION_TNL_POP);
            if (a) {
                a->port = vport;
            }
            trace_note(ctx, "tunnel packet for a local address: tnl_pop(%" PRIu32 ")", vport);
            return;
        }
    }
    if (!port || port->dp_port == DP_PORT_NONE) {
        trace_note(ctx, "port %s is not open: skipped", port ? port->name : "?");
        return;
    }
    if (port->config & OFPPC_PORT_DOWN) {
        trace_note(ctx, "port %s is down (port-mod): skipped", port->name);
        return;
    }
    commit(ctx);
    struct dp_action *a = emit(ctx, DP_ACTION_OUTPUT);
    if (a) {
        a->port = port->dp_port;
    }
}

/* All ports but the ingress port (ALL), also skipping no-flood ports (FLOOD). */
static void
output_flood(struct xlate_ctx *ctx, bool all)
{
    const struct ofproto *ofproto = ctx->ofproto;

    for (size_t i = 0; i < ofproto->n_ports; i++) {
        const struct ofport *p = ofproto->ports[i];
        if (p != ctx->in && (all || !(p->config & OFPPC_NO_FLOOD))) {
            output_dp(ctx, p);
        }
    }
}

static void
output_controller(struct xlate_ctx *ctx, uint16_t max_len, uint8_t reason)
{
    if (ctx->in && (ctx->in->config & OFPPC_NO_PACKET_IN)) {
        trace_note(ctx, "port %s is no-packet-in: not sent to the controller", ctx->in->name);
        return;
    }
    commit(ctx);
    struct dp_action *a = emit(ctx, DP_ACTION_USERSPACE);
    if (a) {
        a->port = reason;
        a->u.userspace.table_id = ctx->table_id;
        a->u.userspace.max_len = max_len;
        uint64_t cookie = ctx->rule ? ctx->rule->cookie : UINT64_MAX;
        a->u.userspace.cookie = htobe64(cookie);
        /* After a patch port or a tunnel the packet-in belongs to this bridge and port. */
        a->u.userspace.in_uid = ctx->in && (ctx->in->ofproto != ctx->root || ctx->in->tnl)
                                ? ctx->in->uid : 0;
    }
}

/* ---- Patch ports (ofproto-patch.h). ---- */

/* Makes sure this translation holds ofproto_cross_mutex before it follows a link into another
 * bridge. Upcalls and packet-outs took it already (ofproto_xlate_lock()); any other caller gets
 * it here without waiting (waiting while holding a bridge mutex could deadlock). */
static bool
xlate_cross_acquire(struct xlate_ctx *ctx)
{
    if (ofproto_cross_held || ctx->took_cross) {
        return true;
    }
    if (!pthread_mutex_trylock(&ofproto_cross_mutex)) {
        ctx->took_cross = true;
        return true;
    }
    ctx->cross_failed = true;
    return false;
}

/* Whether this translation already holds OFPROTO's mutex. */
static bool
xlate_holds(const struct xlate_ctx *ctx, const struct ofproto *ofproto)
{
    if (ofproto == ctx->root) {
        return true;
    }
    for (size_t i = 0; i < ctx->n_entered; i++) {
        if (ctx->entered[i] == ofproto) {
            return true;
        }
    }
    return false;
}

/* Runs the pipeline of IN's bridge on ctx->flow as if received on IN: table 0 (or fail-open
 * NORMAL), its own action set; the caller sets ctx->flow (in_port, metadata, registers) first
 * and restores it after. Takes the bridge's mutex unless this translation holds it already. */
static void
xlate_in_bridge(struct xlate_ctx *ctx, const struct ofport *in)
{
    struct ofproto *pb = in->ofproto;
    bool locked = false;

    if (!xlate_holds(ctx, pb)) {
        if (ctx->n_entered >= ARRAY_SIZE(ctx->entered)) {
            trace_note(ctx, "crossed %zu bridges already: dropping", ctx->n_entered);
            return;
        }
        pthread_mutex_lock(&pb->mutex);
        ctx->entered[ctx->n_entered++] = pb;
        locked = true;
    }
    struct ofproto *saved_ofproto = ctx->ofproto;
    const struct ofport *saved_in = ctx->in;
    uint8_t saved_table = ctx->table_id;
    const struct rule *saved_rule = ctx->rule;
    struct ofpacts saved_set = ctx->action_set;

    ctx->ofproto = pb;
    ctx->in = in;
    ctx->rule = NULL;
    ofpacts_init(&ctx->action_set);
    if (ctx->trace) {
        ds_put_char(ctx->trace, '\n');
        ds_put_char_multiple(ctx->trace, ' ', 4 + 4 * ctx->indent);
        ds_put_format(ctx->trace, "bridge(\"%s\")\n", pb->name);
        ds_put_char_multiple(ctx->trace, ' ', 4 + 4 * ctx->indent);
        ds_put_char_multiple(ctx->trace, '-', strlen(pb->name) + 10);
        ds_put_char(ctx->trace, '\n');
    }
    ctx->indent++;
    ctx->depth++;
    if (ctx->depth >= XLATE_MAX_DEPTH) {
        trace_note(ctx, "over %d nested bridges and tables: dropping", XLATE_MAX_DEPTH);
        xlate_fail(ctx, DP_DROP_XLATE_RECURSION);
    } else if (in->config & (OFPPC_PORT_DOWN | OFPPC_NO_RECV)) {
        trace_note(ctx, "port %s is %s (port-mod): dropping what it receives", in->name,
                   in->config & OFPPC_PORT_DOWN ? "down" : "no-receive");
    } else if (pb->fail_open) {
        trace_note(ctx, "fail-open: no controller reachable, switching with NORMAL");
        xlate_normal(ctx);
    } else {
        xlate_table(ctx, 0, false);
    }
    action_set_execute(ctx);
    ofpacts_destroy(&ctx->action_set);
    ctx->depth--;
    ctx->indent--;
    if (ctx->trace) {
        ds_put_char(ctx->trace, '\n');
    }
    ctx->ofproto = saved_ofproto;
    ctx->in = saved_in;
    ctx->table_id = saved_table;
    ctx->rule = saved_rule;
    ctx->action_set = saved_set;
    if (locked) {
        ctx->n_entered--;
        pthread_mutex_unlock(&pb->mutex);
    }
}

/* Ends a detour of the translation (a patch port's peer bridge, a group bucket) that started
 * from the flow SAVED: forgets changes the detour made but never sent out, puts the packet's
 * VLAN tag back as SAVED had it (pop or push now), marks as dirty every field the detour
 * rewrote in the packet, so the next output of this bridge puts it back, and restores SAVED as
 * the flow. */
static void
xlate_restore_flow(struct xlate_ctx *ctx, const struct flow *saved)
{
    memset(&ctx->dirty, 0, sizeof ctx->dirty);
    bool had_tag = saved->vlan_tci_be & htons(VLAN_CFI);
    bool has_tag = ctx->base.vlan_tci_be & htons(VLAN_CFI);
    if (has_tag && !had_tag) {
        emit(ctx, DP_ACTION_POP_VLAN);
        ctx->base.vlan_tci_be = 0;
    } else if (!has_tag && had_tag) {
        struct dp_action *d = emit(ctx, DP_ACTION_PUSH_VLAN);
        if (d) {
            d->u.vlan.tpid = htons(ETH_TYPE_VLAN_8021Q);
            d->u.vlan.tci = saved->vlan_tci_be;
        }
        ctx->base.vlan_tci_be = saved->vlan_tci_be;
    }
    uint8_t *d = (uint8_t *) &ctx->dirty;
    const uint8_t *x = (const uint8_t *) &ctx->base, *y = (const uint8_t *) saved;
    for (size_t i = 0; i < sizeof *saved; i++) {
        d[i] |= x[i] ^ y[i];
    }
    ctx->dirty.vlan_tci_be = ctx->base.vlan_tci_be != saved->vlan_tci_be ? 0xffff : 0;
    ctx->dirty.in_port = 0;
    ctx->flow = *saved;
}

/* Continues the translation in bridge PEER->ofproto as if the packet, as the pipeline sees it now,
 * had been received on PEER, with fresh metadata and registers. Afterwards the current bridge's
 * view is restored, and the packet changes the peer made are undone at the next output (as after
 * a group bucket). */
static void
xlate_enter_bridge(struct xlate_ctx *ctx, const struct ofport *peer)
{
    commit(ctx);
    struct flow saved = ctx->flow;
    ctx->flow.in_port = peer->ofp_port;
    ctx->flow.metadata = 0;
    memset(ctx->flow.regs, 0, sizeof ctx->flow.regs);
    xlate_in_bridge(ctx, peer);

    /* Changes the peer made but never sent out are forgotten; those it sent are undone at the
     * next output of this bridge. */
    xlate_restore_flow(ctx, &saved);
    ctx->dirty.metadata = 0;
    memset(ctx->dirty.regs, 0, sizeof ctx->dirty.regs);
}

/* Output to tunnel port PORT (ofproto-tnl.h): clone(commit, tnl_push, <the underlay bridge's
 * actions for the encapsulated packet coming in on the route's internal port>). */
static void
xlate_tnl_output(struct xlate_ctx *ctx, const struct ofport *port)
{
    struct tnl_push_plan plan;

    if (!xlate_cross_acquire(ctx)) {
        trace_note(ctx, "tunnel port %s: the cross-bridge lock is busy: dropping (not cached)",
                   port->name);
        return;
    }
    int error = ofproto_tnl_plan(port, &ctx->flow, ctx->wc, &plan);
    if (error == -EAGAIN) {
        trace_note(ctx, "output to tunnel port %s: %s", port->name, plan.desc);
        struct dp_action *a = emit(ctx, DP_ACTION_USERSPACE);
        if (a) {
            a->port = plan.nd_index >= 0 ? OFPR_TNL_ND_ : OFPR_TNL_ARP_;
            a->u.userspace.max_len = 0;
            a->u.userspace.cookie = htobe64(plan.nd_index >= 0 ? (uint64_t) plan.nd_index
                                                               : plan.arp_nh_be);
        }
        return;
    } else if (error) {
        trace_note(ctx, "output to tunnel port %s: %s: dropping", port->name, plan.desc);
        return;
    }
    trace_note(ctx, "output to tunnel port %s: tnl_push(%s), continuing in bridge %s at port %s",
               port->name, plan.desc, plan.underlay->ofproto->name, plan.underlay->name);
    if (ctx->n_rule_ids < ARRAY_SIZE(ctx->rule_ids)) {
        ctx->rule_ids[ctx->n_rule_ids++] = port->stats_id;
    }
    struct flow saved_flow = ctx->flow, saved_base = ctx->base, saved_dirty = ctx->dirty;
    struct flow saved_wc = *ctx->wc;        /* The underlay sees only the outer headers, which
                                               depend on the bits the plan un-wildcarded. */
    size_t clone_at = ctx->out->n;
    if (!emit(ctx, DP_ACTION_CLONE)) {
        return;
    }
    commit(ctx);
    struct dp_action *push = emit(ctx, DP_ACTION_TNL_PUSH);
    if (push) {
        push->port = plan.header_id;
    }
    ctx->flow = plan.outer;
    ctx->base = plan.outer;
    memset(&ctx->dirty, 0, sizeof ctx->dirty);
    xlate_in_bridge(ctx, plan.underlay);
    *ctx->wc = saved_wc;
    ctx->flow = saved_flow;
    ctx->base = saved_base;
    ctx->dirty = saved_dirty;
    if (clone_at < ctx->out->n) {
        ctx->out->a[clone_at].port = (uint32_t) (ctx->out->n - clone_at - 1);
    }
}

/* Output to patch port PORT: the packet continues in the peer's bridge (and is counted as sent
 * by PORT and received by the peer). */
static void
xlate_patch_output(struct xlate_ctx *ctx, const struct ofport *port)
{
    if (!xlate_cross_acquire(ctx)) {
        trace_note(ctx, "patch port %s: the cross-bridge lock is busy: dropping (not cached)",
                   port->name);
        return;
    }
    const struct ofport *peer = port->peer;
    if (!peer) {
        trace_note(ctx, "patch port %s has no peer (options:peer=%s): dropping", port->name,
                   port->patch_peer);
        return;
    }
    trace_note(ctx, "output to patch port %s: continuing in bridge %s at port %s", port->name,
               peer->ofproto->name, peer->name);
    if (ctx->n_rule_ids + 2 <= ARRAY_SIZE(ctx->rule_ids)) {
        ctx->rule_ids[ctx->n_rule_ids++] = port->stats_id;
        ctx->rule_ids[ctx->n_rule_ids++] = peer->stats_id | OFPORT_STATS_RX;
    }
    xlate_enter_bridge(ctx, peer);
}

/* ---- NORMAL (an L2 learning switch with VLANs). ---- */

static bool
bitmap_has(const uint64_t *bm, int vlan)
{
    return !bm || (bm[vlan / 64] >> (vlan % 64)) & 1;
}

/* The VLAN a frame with TCI (host order, 0 = untagged) on PORT belongs to, or -1 to drop it. */
static int
input_vlan(const struct ofport *port, uint16_t tci)
{
    bool tagged = tci & VLAN_CFI;
    int vid = tci & VLAN_VID_MASK;

    switch (port->vlan_mode) {
    case PORT_VLAN_ACCESS:
        return tagged && vid ? -1 : port->tag;
    case PORT_VLAN_TRUNK:
        if (!tagged) {
            return bitmap_has(port->trunks, 0) ? 0 : -1;
        }
        return bitmap_has(port->trunks, vid) ? vid : -1;
    case PORT_VLAN_NATIVE_TAGGED:
    case PORT_VLAN_NATIVE_UNTAGGED:
        if (!tagged || !vid) {
            return port->tag;
        }
        return bitmap_has(port->trunks, vid) ? vid : -1;
    }
    return -1;
}

/* Whether PORT carries VLAN, and if so whether frames leave it tagged. */
static bool
port_carries_vlan(const struct ofport *port, int vlan, bool *tagged)
{
    switch (port->vlan_mode) {
    case PORT_VLAN_ACCESS:
        *tagged = false;
        return vlan == port->tag;
    case PORT_VLAN_TRUNK:
        *tagged = vlan != 0;
        return bitmap_has(port->trunks, vlan);
    case PORT_VLAN_NATIVE_TAGGED:
        *tagged = true;
        return vlan == port->tag || bitmap_has(port->trunks, vlan);
    case PORT_VLAN_NATIVE_UNTAGGED:
        *tagged = vlan != port->tag;
        return vlan == port->tag || bitmap_has(port->trunks, vlan);
    }
    return false;
}

/* Outputs to PORT in VLAN, adding or removing the tag as the port wants. */
static void
normal_output(struct xlate_ctx *ctx, const struct ofport *port, int vlan)
{
    bool tagged;

    if (!port_carries_vlan(port, vlan, &tagged)) {
        return;
    }
    commit(ctx);
    bool has_tag = ctx->base.vlan_tci_be & htons(VLAN_CFI);
    uint16_t want = htons(VLAN_CFI | vlan | (ntohs(ctx->base.vlan_tci_be) & VLAN_PCP_MASK));
    if (tagged && !has_tag) {
        struct dp_action *a = emit(ctx, DP_ACTION_PUSH_VLAN);
        if (a) {
            a->u.vlan.tpid = htons(ETH_TYPE_VLAN_8021Q);
            a->u.vlan.tci = htons(VLAN_CFI | vlan);
        }
        ctx->base.vlan_tci_be = htons(VLAN_CFI | vlan);
    } else if (tagged && ctx->base.vlan_tci_be != want) {
        struct dp_action *a = emit(ctx, DP_ACTION_SET_VLAN_TCI);
        if (a) {
            a->u.vlan.tci = htons(VLAN_CFI | vlan);
            a->u.vlan.tci_mask = htons(VLAN_CFI | VLAN_VID_MASK);
        }
        ctx->base.vlan_tci_be = want;
    } else if (!tagged && has_tag) {
        emit(ctx, DP_ACTION_POP_VLAN);
        ctx->base.vlan_tci_be = 0;
    }
    output_dp(ctx, port);
}

static void
xlate_normal(struct xlate_ctx *ctx)
{
    struct ofproto *ofproto = ctx->ofproto;
    const struct ofport *in = ctx->in;
    const struct flow *flow = &ctx->flow;
    uint16_t tci = ntohs(flow->vlan_tci_be);

    /* NORMAL consults the addresses, the VLAN and the ingress port. */
    memset(&ctx->wc->dl_src, 0xff, sizeof ctx->wc->dl_src);
    memset(&ctx->wc->dl_dst, 0xff, sizeof ctx->wc->dl_dst);
    ctx->wc->vlan_tci_be = 0xffff;
    ctx->wc->in_port = UINT32_MAX;

    int vlan = input_vlan(in, tci);
    if (vlan < 0) {
        trace_note(ctx, "dropping VLAN %d packet received on port %s not configured for it",
                   tci & VLAN_VID_MASK, in->name);
        return;
    }
    bool flood_vlan = ofproto->flood_vlans && bitmap_has(ofproto->flood_vlans, vlan);
    if (!(flow->dl_src.ea[0] & 1) && !flood_vlan && ctx->may_learn) {
        if (mac_learning_learn(ofproto->ml, &flow->dl_src, vlan, in->ofp_port, time_msec())) {
            *ctx->learned = true;
            trace_note(ctx, "learned that "ETH_FMT" is on port %s in VLAN %d",
                       ETH_ARGS(flow->dl_src.ea), in->name, vlan);
        }
    }
    uint32_t out = MAC_PORT_NONE;
    if (!(flow->dl_dst.ea[0] & 1) && !flood_vlan) {
        out = mac_learning_lookup(ofproto->ml, &flow->dl_dst, vlan);
    }
    if (out == MAC_PORT_NONE) {
        trace_note(ctx, "%s, flooding in VLAN %d", flow->dl_dst.ea[0] & 1
                   ? "broadcast/multicast destination" : "no learned MAC for destination",
                   vlan);
        for (size_t i = 0; i < ofproto->n_ports; i++) {
            const struct ofport *p = ofproto->ports[i];
            if (p != in && !(p->config & OFPPC_NO_FLOOD)) {
                normal_output(ctx, p, vlan);
            }
        }
    } else if (out == in->ofp_port) {
        trace_note(ctx, "learned destination is on the ingress port: dropping");
    } else {
        const struct ofport *p = ofproto_port_find(ofproto, out);
        trace_note(ctx, "forwarding to learned port %s", p ? p->name : "?");
        if (p) {
            normal_output(ctx, p, vlan);
        }
    }
}

/* ---- Actions. ---- */

static void
xlate_output(struct xlate_ctx *ctx, const struct ofpact *a)
{
    switch (a->port) {
    case OFPP_IN_PORT:
        if (ctx->in) {
            output_dp(ctx, ctx->in);
        }
        break;
    case OFPP_NORMAL:
        if (ctx->in) {
            xlate_normal(ctx);
        } else {
            trace_note(ctx, "NORMAL needs an ingress port: skipped");
        }
        break;
    case OFPP_FLOOD:
    case OFPP_ALL:
        ctx->wc->in_port = UINT32_MAX;
        output_flood(ctx, a->port == OFPP_ALL);
        break;
    case OFPP_CONTROLLER: {
        bool miss = ctx->rule && ctx->rule->priority == 0
                    && flow_wildcards_is_catchall(&ctx->rule->match.wc);
        output_controller(ctx, a->max_len, miss ? OFPR_NO_MATCH : OFPR_ACTION);
        break;
    }
    case OFPP_TABLE:
        xlate_table(ctx, 0, true);
        break;
    default: {
        const struct ofport *p = ofproto_port_find(ctx->ofproto, a->port);
        /* OpenFlow never sends a packet back out its ingress port unless asked with IN_PORT. */
        ctx->wc->in_port = UINT32_MAX;
        if (!p) {
            trace_note(ctx, "output to nonexistent port %"PRIu32": skipped", a->port);
        } else if (p == ctx->in) {
            trace_note(ctx, "skipping output to input port");
        } else if (p->config & OFPPC_NO_FWD) {
            trace_note(ctx, "port %s is no-forward: skipped", p->name);
        } else {
            output_dp(ctx, p);
        }
        break;
    }
    }
}

static void
xlate_set_field(struct xlate_ctx *ctx, const struct ofpact *a)
{
    const struct ofp_field *f = ofp_field_by_id(a->field);
    uint8_t v[16], d[16];

    if (!ofp_field_prereq_flow(f, &ctx->flow)) {
        /* The field is absent from this packet: the check consulted its prerequisites. */
        ctx->wc->dl_type_be = 0xffff;
        ctx->wc->nw_proto = 0xff;
        ctx->wc->vlan_tci_be |= htons(VLAN_CFI);
        trace_note(ctx, "%s is not present in this packet: skipped", f->name);
        return;
    }
    if (!strcmp(f->name, "vlan_vid") || !strcmp(f->name, "vlan_pcp")
        || !strcmp(f->name, "vlan_tci")) {
        ctx->wc->vlan_tci_be |= htons(VLAN_CFI);
        if (!(ctx->flow.vlan_tci_be & htons(VLAN_CFI))) {
            trace_note(ctx, "packet has no VLAN tag: %s skipped", f->name);
            return;
        }
    }
    ofp_field_get(f, &ctx->flow, false, v);
    for (size_t i = 0; i < f->len; i++) {
        v[i] = (v[i] & ~a->mask[i]) | (a->value[i] & a->mask[i]);
    }
    ofp_field_set(f, &ctx->flow, false, v);
    ofp_field_get(f, &ctx->dirty, true, d);
    for (size_t i = 0; i < f->len; i++) {
        d[i] |= a->mask[i];
    }
    ofp_field_set(f, &ctx->dirty, true, d);
}

static void
xlate_move(struct xlate_ctx *ctx, const struct ofpact *a)
{
    const struct ofp_field *src = ofp_field_by_id(a->src_field);
    const struct ofp_field *dst = ofp_field_by_id(a->field);
    uint8_t sv[16], sw[16], dv[16], dd[16];

    /* The moved bits come from the packet: match them exactly. */
    ofp_field_get(src, &ctx->flow, false, sv);
    ofp_field_get(src, ctx->wc, true, sw);
    for (unsigned int i = 0; i < a->n_bits; i++) {
        ofp_bits_set(sw, src->len, a->src_ofs + i, true);
    }
    ofp_field_set(src, ctx->wc, true, sw);

    ofp_field_get(dst, &ctx->flow, false, dv);
    ofp_bits_copy(sv, src->len, a->src_ofs, dv, dst->len, a->ofs, a->n_bits);
    ofp_field_set(dst, &ctx->flow, false, dv);
    ofp_field_get(dst, &ctx->dirty, true, dd);
    for (unsigned int i = 0; i < a->n_bits; i++) {
        ofp_bits_set(dd, dst->len, a->ofs + i, true);
    }
    ofp_field_set(dst, &ctx->dirty, true, dd);
}

static void
xlate_action(struct xlate_ctx *ctx, const struct ofpact *a)
{
    struct flow *flow = &ctx->flow;

    switch ((enum ofpact_type) a->type) {
    case OFPACT_OUTPUT:
        xlate_output(ctx, a);
        break;
    case OFPACT_PUSH_VLAN: {
        commit(ctx);
        ctx->wc->vlan_tci_be = 0xffff;
        uint16_t tci = flow->vlan_tci_be & htons(VLAN_CFI) ? flow->vlan_tci_be : 0;
        struct dp_action *d = emit(ctx, DP_ACTION_PUSH_VLAN);
        if (d) {
            d->u.vlan.tpid = htons(a->ethertype);
            d->u.vlan.tci = tci | htons(VLAN_CFI);
        }
        flow->vlan_tci_be = ctx->base.vlan_tci_be = tci | htons(VLAN_CFI);
        break;
    }
    case OFPACT_POP_VLAN:
        ctx->wc->vlan_tci_be |= htons(VLAN_CFI);
        if (flow->vlan_tci_be & htons(VLAN_CFI)) {
            commit(ctx);
            emit(ctx, DP_ACTION_POP_VLAN);
            flow->vlan_tci_be = ctx->base.vlan_tci_be = 0;
        }
        break;
    case OFPACT_SET_FIELD:
        xlate_set_field(ctx, a);
        break;
    case OFPACT_REG_MOVE:
        xlate_move(ctx, a);
        break;
    case OFPACT_DEC_TTL:
        ctx->wc->dl_type_be = 0xffff;
        if (flow_is_ip(flow)) {
            commit(ctx);
            emit(ctx, DP_ACTION_DEC_TTL);
            if (flow->nw_ttl > 0) {
                flow->nw_ttl--;
            }
            ctx->base.nw_ttl = flow->nw_ttl;
        }
        break;
    case OFPACT_SET_NW_TTL:
        ctx->wc->dl_type_be = 0xffff;
        if (flow_is_ip(flow)) {
            flow->nw_ttl = a->ttl;
            ctx->dirty.nw_ttl = 0xff;
        }
        break;
    case OFPACT_RESUBMIT: {
        uint32_t saved_in = flow->in_port;
        if (a->port != OFPP_IN_PORT) {
            flow->in_port = a->port;
        }
        xlate_table(ctx, a->table == 255 ? ctx->table_id : a->table, true);
        flow->in_port = saved_in;
        break;
    }
    case OFPACT_GROUP:
        xlate_group(ctx, a->port);
        break;
    case OFPACT_METER: {
        /* OpenFlow 1.3.5 §5.7: the meter comes before the rule's other actions; the datapath
         * asks the meter callback (ofproto-meter.c) whether the packet goes on. The action
         * names this bridge's meter table: after a patch port or a tunnel it is not the
         * ingress port's. */
        struct dp_action *m = emit(ctx, DP_ACTION_METER);
        if (m) {
            m->port = DP_METER_ARG(ctx->ofproto->meter_domain, a->port);
        }
        break;
    }
    case OFPACT_NOTE:
    case OFPACT_CLEAR_ACTIONS:
    case OFPACT_WRITE_METADATA:
    case OFPACT_GOTO_TABLE:
        break;
    }
}

/* Runs one group bucket's actions on a copy of the packet (OpenFlow 1.3.5 §5.6.1): afterwards the
 * pipeline's view is restored, and whatever the bucket changed in the datapath packet is marked
 * for restoring at the next output (VLAN tags pushed or popped are undone at once). */
static void
xlate_bucket(struct xlate_ctx *ctx, const struct ofp_bucket *b)
{
    struct flow saved = ctx->flow;

    commit(ctx);
    if (ctx->trace) {
        trace_indent(ctx);
        ds_put_cstr(ctx->trace, "bucket ");
        ofp_format_actions(ctx->trace, &b->ofpacts, NULL);
        ds_put_char(ctx->trace, '\n');
    }
    ctx->indent++;
    for (size_t i = 0; i < b->ofpacts.n; i++) {
        xlate_action(ctx, &b->ofpacts.acts[i]);
    }
    ctx->indent--;
    /* Changes the bucket made but never sent out are simply forgotten. */
    xlate_restore_flow(ctx, &saved);
}

/* Whether bucket B of a fast-failover group is live: its watch port exists and is up. */
static bool
bucket_live(const struct xlate_ctx *ctx, const struct ofp_bucket *b)
{
    if (b->watch_port == OFPP_ANY) {
        return b->watch_group == OFPG_ANY;
    }
    /* Live (OpenFlow 1.3.5 §6.5): the port exists, is not administratively down or blocked from
     * forwarding, and its link is up (ofproto_run() polls the links and flushes the caches when
     * one changes). */
    const struct ofport *p = ofproto_port_find(ctx->ofproto, b->watch_port);
    return p && p->dp_port != DP_PORT_NONE && !p->link_down
           && !(p->config & (OFPPC_PORT_DOWN | OFPPC_NO_FWD));
}

/* Runs bucket I of group G, crediting the megaflow's packets to the group and to the bucket. */
static void
xlate_group_bucket(struct xlate_ctx *ctx, const struct ofgroup *g, size_t i)
{
    if (ctx->n_rule_ids + 2 <= ARRAY_SIZE(ctx->rule_ids)) {
        uint64_t group_id = g->stats_id | OFGROUP_STATS_GROUP;
        bool have = false;
        for (size_t j = 0; j < ctx->n_rule_ids; j++) {
            have |= ctx->rule_ids[j] == group_id;
        }
        if (!have) {
            ctx->rule_ids[ctx->n_rule_ids++] = group_id;
        }
        if (i < OFP_MAX_GROUP_BUCKETS) {
            ctx->rule_ids[ctx->n_rule_ids++] = g->stats_id | i;
        }
    }
    xlate_bucket(ctx, &g->gm.buckets[i]);
}

static void
xlate_group(struct xlate_ctx *ctx, uint32_t group_id)
{
    const struct ofgroup *g = ofproto_group_find(ctx->ofproto, group_id);
    const struct ofp_group_mod *gm = g ? &g->gm : NULL;

    if (!gm || !gm->n_buckets) {
        trace_note(ctx, "group %"PRIu32" %s: dropping", group_id, gm ? "has no buckets"
                   : "does not exist");
        return;
    }
    switch (gm->type) {
    case OFPGT_ALL:
        for (size_t i = 0; i < gm->n_buckets; i++) {
            xlate_group_bucket(ctx, g, i);
        }
        break;
    case OFPGT_INDIRECT:
        xlate_group_bucket(ctx, g, 0);
        break;
    case OFPGT_SELECT: {
        /* A hash of the 5-tuple picks the bucket, in proportion to the weights: the megaflow
         * must match the fields hashed. */
        struct flow *w = ctx->wc;
        const struct flow *f = &ctx->flow;
        uint32_t h = f->nw_proto;
        w->dl_type_be = 0xffff;
        w->nw_proto = 0xff;
        w->nw_src_be = w->nw_dst_be = UINT32_MAX;
        memset(w->ipv6_src, 0xff, sizeof w->ipv6_src);
        memset(w->ipv6_dst, 0xff, sizeof w->ipv6_dst);
        w->tp_src_be = w->tp_dst_be = 0xffff;
        h = h * 31 + f->nw_src_be;
        h = h * 31 + f->nw_dst_be;
        for (int i = 0; i < 16; i++) {
            h = h * 31 + f->ipv6_src[i] + f->ipv6_dst[i] * 7u;
        }
        h = h * 31 + f->tp_src_be;
        h = h * 31 + f->tp_dst_be;
        h ^= h >> 16;
        h *= 0x45d9f3bu;
        h ^= h >> 16;
        uint32_t total = 0;
        for (size_t i = 0; i < gm->n_buckets; i++) {
            total += gm->buckets[i].weight;
        }
        if (!total) {
            trace_note(ctx, "select group %"PRIu32": every bucket has weight 0", group_id);
            return;
        }
        uint32_t pick = h % total;
        for (size_t i = 0; i < gm->n_buckets; i++) {
            if (pick < gm->buckets[i].weight) {
                trace_note(ctx, "select group %"PRIu32": bucket %zu (hash of the 5-tuple)",
                           group_id, i);
                xlate_group_bucket(ctx, g, i);
                break;
            }
            pick -= gm->buckets[i].weight;
        }
        break;
    }
    case OFPGT_FF:
        for (size_t i = 0; i < gm->n_buckets; i++) {
            if (bucket_live(ctx, &gm->buckets[i])) {
                trace_note(ctx, "fast-failover group %"PRIu32": bucket %zu is live", group_id,
                           i);
                xlate_group_bucket(ctx, g, i);
                return;
            }
        }
        trace_note(ctx, "fast-failover group %"PRIu32": no live bucket: dropping", group_id);
        break;
    }
}

/* The action-set slot of A: actions of one slot replace each other (OpenFlow 1.3.5 §5.10). */
static int
set_slot(const struct ofpact *a)
{
    return a->type == OFPACT_SET_FIELD ? 100 + a->field : a->type;
}

/* Execution order of the action set (§5.10): pop, push, dec TTL, set fields, output. */
static int
set_order(const struct ofpact *a)
{
    switch (a->type) {
    case OFPACT_POP_VLAN: return 0;
    case OFPACT_PUSH_VLAN: return 1;
    case OFPACT_DEC_TTL: return 2;
    case OFPACT_SET_NW_TTL: case OFPACT_SET_FIELD: return 3;
    default: return 4;
    }
}

static void
action_set_write(struct xlate_ctx *ctx, const struct ofpact *a)
{
    for (size_t i = 0; i < ctx->action_set.n; i++) {
        if (set_slot(&ctx->action_set.acts[i]) == set_slot(a)) {
            ctx->action_set.acts[i] = *a;
            return;
        }
    }
    *ofpacts_put(&ctx->action_set, a->type) = *a;
}

static void
action_set_execute(struct xlate_ctx *ctx)
{
    if (!ctx->action_set.n) {
        return;
    }
    if (ctx->trace) {
        trace_indent(ctx);
        ds_put_cstr(ctx->trace, "executing the action set: ");
        ofp_format_actions(ctx->trace, &ctx->action_set, NULL);
        ds_put_char(ctx->trace, '\n');
    }
    for (int order = 0; order <= 4; order++) {
        for (size_t i = 0; i < ctx->action_set.n; i++) {
            if (set_order(&ctx->action_set.acts[i]) == order) {
                xlate_action(ctx, &ctx->action_set.acts[i]);
            }
        }
    }
}

/* Runs a rule's actions: apply-actions now, the rest updates the action set or continues in
 * another table. APPLY_ONLY (resubmit) still honours every instruction, as Open vSwitch does. */
static void
xlate_actions(struct xlate_ctx *ctx, const struct ofpacts *acts, bool apply_only)
{
    int goto_table = -1;

    (void) apply_only;
    for (size_t i = 0; i < acts->n && !ctx->failed; i++) {
        const struct ofpact *a = &acts->acts[i];
        if (ctx->trace && a->type != OFPACT_GOTO_TABLE) {
            trace_indent(ctx);
            if (a->write) {
                ds_put_cstr(ctx->trace, "write_actions(");
                ofp_format_action(ctx->trace, a, NULL);
                ds_put_char(ctx->trace, ')');
            } else {
                ofp_format_action(ctx->trace, a, NULL);
            }
            ds_put_char(ctx->trace, '\n');
        }
        if (a->write) {
            action_set_write(ctx, a);
            continue;
        }
        switch (a->type) {
        case OFPACT_CLEAR_ACTIONS:
            ofpacts_destroy(&ctx->action_set);
            break;
        case OFPACT_WRITE_METADATA:
            ctx->flow.metadata = (ctx->flow.metadata & ~a->metadata_mask)
                                 | (a->metadata & a->metadata_mask);
            break;
        case OFPACT_GOTO_TABLE:
            goto_table = a->table;
            break;
        default:
            xlate_action(ctx, a);
            break;
        }
    }
    if (goto_table >= 0) {
        if (ctx->trace) {
            trace_indent(ctx);
            ds_put_format(ctx->trace, "goto_table:%d\n", goto_table);
        }
        xlate_table(ctx, goto_table, false);
    }
}

/* Looks the flow up in TABLE_ID and runs the matching rule. RESUBMIT: a nested lookup (the
 * action set is not executed at its end). */
static void
xlate_table(struct xlate_ctx *ctx, uint8_t table_id, bool resubmit)
{
    struct ofproto *ofproto = ctx->ofproto;

    if (table_id >= OFPROTO_N_TABLES || ctx->failed) {
        return;
    }
    if (ctx->depth >= XLATE_MAX_DEPTH || ++ctx->n_lookups > XLATE_MAX_LOOKUPS) {
        VLOG_WARN_RL(&rl, "bridge %s: over %d nested resubmit/goto_table or %d table lookups "
                     "in one translation: dropping", ofproto->name, XLATE_MAX_DEPTH,
                     XLATE_MAX_LOOKUPS);
        trace_note(ctx, "over %d nested resubmits or %d lookups: dropping", XLATE_MAX_DEPTH,
                   XLATE_MAX_LOOKUPS);
        xlate_fail(ctx, ctx->depth >= XLATE_MAX_DEPTH ? DP_DROP_XLATE_RECURSION
                                                      : DP_DROP_XLATE_RESUBMITS);
        return;
    }
    struct oftable *t = &ofproto->tables[table_id];
    uint8_t saved_table = ctx->table_id;
    const struct rule *saved_rule = ctx->rule;
    struct rule *rule;

    /* Fields set by the pipeline (regs, metadata) are zero in the datapath's key, so matching
     * on them in the wildcards is harmless. */
    rule = oftable_lookup(t, &ctx->flow, ctx->wc);
    if (!ctx->no_side_effects) {
        t->n_lookup++;
    }
    ctx->table_id = table_id;
    ctx->depth++;
    ctx->indent += resubmit;
    if (ctx->trace) {
        ds_put_char_multiple(ctx->trace, ' ', 4 * ctx->indent);
        ds_put_format(ctx->trace, "%2d. ", table_id);
        if (rule) {
            size_t len = ctx->trace->len;
            ofp_format_match(ctx->trace, &rule->match, OFP_DEFAULT_PRIORITY, NULL);
            if (ctx->trace->len > len) {
                ds_put_cstr(ctx->trace, ", ");
            }
            ds_put_format(ctx->trace, "priority %u", rule->priority);
            if (rule->cookie) {
                ds_put_format(ctx->trace, ", cookie %#"PRIx64, rule->cookie);
            }
            ds_put_char(ctx->trace, '\n');
        } else {
            ds_put_cstr(ctx->trace, "No match.\n");
            trace_indent(ctx);
            ds_put_cstr(ctx->trace, "drop\n");
        }
    }
    if (rule) {
        if (!ctx->no_side_effects) {
            t->n_matched++;
        }
        if (ctx->n_rule_ids < ARRAY_SIZE(ctx->rule_ids)) {
            ctx->rule_ids[ctx->n_rule_ids++] = rule->id;
        }
        ctx->rule = rule;
        xlate_actions(ctx, &rule->ofpacts, resubmit);
    }
    ctx->depth--;
    ctx->indent -= resubmit;
    ctx->table_id = saved_table;
    ctx->rule = saved_rule;
    (void) resubmit;
}

/* Tunnel next hops are learned from ARP and IPv6 neighbour discovery (tnl-route.h): every such
 * packet gets its own upcall, so the megaflows pin what tells them apart from other traffic. */
static void
xlate_snoop_neigh(struct ofproto *ofproto, const struct flow *flow, struct flow *wc,
                  bool may_learn, bool *learned)
{
    wc->dl_type_be = 0xffff;
    if (flow->dl_type_be == htons(ETH_TYPE_ARP)) {
        wc->nw_proto = 0xff;
        wc->nw_src_be = UINT32_MAX;
        memset(&wc->arp_sha, 0xff, sizeof wc->arp_sha);
    } else if (flow->dl_type_be == htons(ETH_TYPE_IPV6)) {
        wc->nw_proto = 0xff;
        if (flow->nw_proto != 58) {
            return;
        }
        wc->nw_frag |= FLOW_NW_FRAG_LATER;
        wc->tp_src_be = 0xffff;
        if (flow->tp_src_be != htons(135) && flow->tp_src_be != htons(136)) {
            return;
        }
        memset(wc->ipv6_src, 0xff, sizeof wc->ipv6_src);
        memset(wc->nd_target, 0xff, sizeof wc->nd_target);
        memset(&wc->arp_sha, 0xff, sizeof wc->arp_sha);
        memset(&wc->arp_tha, 0xff, sizeof wc->arp_tha);
    } else {
        return;
    }
    if (may_learn && tnl_neigh_snoop(ofproto->name, flow)) {
        *learned = true;
    }
}

int
ofproto_xlate(struct ofproto *ofproto, const struct ofport *in, const struct flow *flow,
              struct dp_upcall_result *res, bool may_learn, bool *learned, struct ds *trace)
{
    struct xlate_ctx ctx;

    memset(&ctx, 0, sizeof ctx);
    ctx.ofproto = ofproto;
    ctx.root = ofproto;
    ctx.in = in;
    ctx.flow = *flow;
    ctx.flow.in_port = in->ofp_port;
    ctx.base = ctx.flow;
    ctx.wc = &res->wc;
    ctx.out = &res->actions;
    ctx.may_learn = may_learn && learned;
    ctx.learned = learned;
    ctx.no_side_effects = !learned;
    ctx.trace = trace;
    ofpacts_init(&ctx.action_set);

    /* Every translation depends on the ingress port: megaflows always match it. */
    res->wc.in_port = UINT32_MAX;
    if (ofproto_tnl_active()) {
        xlate_snoop_neigh(ofproto, flow, &res->wc, may_learn, learned);
    }
    if (in->tnl) {
        ctx.rule_ids[ctx.n_rule_ids++] = in->stats_id | OFPORT_STATS_RX;
    }
    if (in->config & (OFPPC_PORT_DOWN | OFPPC_NO_RECV)) {
        if (trace) {
            ds_put_format(trace, " port %s is %s (port-mod): dropping what it receives\n",
                          in->name, in->config & OFPPC_PORT_DOWN ? "down" : "no-receive");
        }
    } else if (ofproto->fail_open) {
        if (trace) {
            ds_put_cstr(trace, " 0. fail-open: no controller reachable, switching with NORMAL\n");
        }
        xlate_normal(&ctx);
    } else {
        xlate_table(&ctx, 0, false);
    }
    action_set_execute(&ctx);
    ofpacts_destroy(&ctx.action_set);
    xlate_finish_error(&ctx);
    /* Registers and metadata are zero in every datapath key, so the megaflow need not (and,
     * for a readable megaflow, should not) mention them. */
    memset(res->wc.regs, 0, sizeof res->wc.regs);
    res->wc.metadata = 0;
    res->rule_id = ctx.n_rule_ids ? ofproto_rule_combo_id(ctx.rule_ids, ctx.n_rule_ids) : 0;
    if (ctx.took_cross) {
        pthread_mutex_unlock(&ofproto_cross_mutex);
    }
    return ctx.cross_failed ? -EBUSY : 0;
}

int
ofproto_xlate_revalidate(struct ofproto *ofproto, const struct ofport *in, const struct flow *flow,
                         struct dp_upcall_result *res)
{
    return ofproto_xlate(ofproto, in, flow, res, false, NULL, NULL);
}

void
ofproto_xlate_actions(struct ofproto *ofproto, const struct ofport *in, uint32_t in_port,
                      const struct flow *flow, const struct ofpacts *ofpacts,
                      struct dp_upcall_result *res)
{
    struct xlate_ctx ctx;
    bool learned = false;

    memset(&ctx, 0, sizeof ctx);
    ctx.ofproto = ofproto;
    ctx.root = ofproto;
    ctx.in = in;
    ctx.flow = *flow;
    ctx.flow.in_port = in ? in->ofp_port : in_port;
    ctx.base = ctx.flow;
    ctx.wc = &res->wc;
    ctx.out = &res->actions;
    ctx.learned = &learned;
    ofpacts_init(&ctx.action_set);
    xlate_actions(&ctx, ofpacts, true);
    action_set_execute(&ctx);
    ofpacts_destroy(&ctx.action_set);
    xlate_finish_error(&ctx);
    if (ctx.took_cross) {
        pthread_mutex_unlock(&ofproto_cross_mutex);
    }
}
