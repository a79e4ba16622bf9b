/*
 * ofproto-trace — ofproto/trace (the unixctl command that shows how a flow or a packet goes
 * through a bridge's tables: each table, the rule it matched and its actions, then the megaflow
 * and the datapath actions) and the datapath-action formatter it prints them with
 * (ofproto_format_dp_actions(), in ovs-dpctl syntax: "push_vlan(vid=5,pcp=0),2"). The
 * translation itself, which writes the per-table lines into the trace buffer, is
 * ofproto-xlate.c; the declarations are in ofproto-provider.h.
 *
 * Thread-safety: main thread only (unixctl). ofproto/trace translates with side effects off
 * (no MAC learning) under ofproto_xlate_lock(), as an upcall would, so it may run while PMD
 * threads forward. ofproto_format_dp_actions() only reads its arguments: any thread.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/unixctl.h"
#include "lib/util.h"
#include "ofproto/ofp-parse.h"
#include "ofproto/ofproto-provider.h"
#include "ofproto/ofproto-tnl.h"
#include "pmd/dp-tunnel.h"
#include "pmd/dpif-netdev.h"
#include "pmd/flow.h"

#define ETH_FMT "%02x:%02x:%02x:%02x:%02x:%02x"
#define ETH_ARGS(E) (E)[0], (E)[1], (E)[2], (E)[3], (E)[4], (E)[5]

/* Packet-in reason (OpenFlow 1.3.5 §7.4.1), as ofproto-xlate.c puts it in userspace actions. */
#define OFPR_NO_MATCH 0

static void
ds_put_char_multiple(struct ds *s, char c, size_t n)
{
    while (n--) {
        ds_put_char(s, c);
    }
}

/* ---- Formatting datapath actions (ofproto/trace). ---- */

void
ofproto_format_dp_actions(struct ds *s, const struct dp_action *acts, size_t n)
{
    char buf[INET6_ADDRSTRLEN];

    if (!n) {
        ds_put_cstr(s, "drop");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const struct dp_action *a = &acts[i];
        const uint8_t *m = a->u.mac;
        if (i) {
            ds_put_char(s, ',');
        }
        switch ((enum dp_action_type) a->type) {
        case DP_ACTION_OUTPUT:
            ds_put_format(s, "%"PRIu32, a->port);
            break;
        case DP_ACTION_USERSPACE:
            if (a->port == OFPR_TNL_ARP_ || a->port == OFPR_TNL_ND_) {
                ds_put_cstr(s, "userspace(tunnel_neighbour_request)");    /* ofproto-tnl.h */
                break;
            }
            ds_put_format(s, "userspace(controller(reason=%s,table=%u,max_len=%u,"
                          "cookie=%#"PRIx64"))",
                          a->port == OFPR_NO_MATCH ? "no_match" : "action",
                          a->u.userspace.table_id, a->u.userspace.max_len,
                          be64toh(a->u.userspace.cookie));
            break;
        case DP_ACTION_PUSH_VLAN:
            ds_put_format(s, "push_vlan(vid=%u,pcp=%u)", ntohs(a->u.vlan.tci) & VLAN_VID_MASK,
                          ntohs(a->u.vlan.tci) >> VLAN_PCP_SHIFT);
            if (a->u.vlan.tpid != htons(ETH_TYPE_VLAN_8021Q)) {
                ds_chomp(s, ')');
                ds_put_format(s, ",tpid=0x%04x)", ntohs(a->u.vlan.tpid));
            }
            break;
        case DP_ACTION_POP_VLAN:
            ds_put_cstr(s, "pop_vlan");
            break;
        case DP_ACTION_SET_ETH_SRC:
        case DP_ACTION_SET_ETH_DST:
            ds_put_format(s, "set(eth(%s="ETH_FMT"))",
                          a->type == DP_ACTION_SET_ETH_SRC ? "src" : "dst", ETH_ARGS(m));
            break;
        case DP_ACTION_SET_VLAN_TCI:
            ds_put_format(s, "set(vlan(vid=%u,pcp=%u))", ntohs(a->u.vlan.tci) & VLAN_VID_MASK,
                          ntohs(a->u.vlan.tci) >> VLAN_PCP_SHIFT);
            break;
        case DP_ACTION_SET_IPV4_SRC:
        case DP_ACTION_SET_IPV4_DST:
            inet_ntop(AF_INET, &a->u.be32, buf, sizeof buf);
            ds_put_format(s, "set(ipv4(%s=%s))",
                          a->type == DP_ACTION_SET_IPV4_SRC ? "src" : "dst", buf);
            break;
        case DP_ACTION_SET_IPV6_SRC:
        case DP_ACTION_SET_IPV6_DST:
            inet_ntop(AF_INET6, a->u.ip6, buf, sizeof buf);
            ds_put_format(s, "set(ipv6(%s=%s))",
                          a->type == DP_ACTION_SET_IPV6_SRC ? "src" : "dst", buf);
            break;
        case DP_ACTION_SET_IP_DSCP:
            ds_put_format(s, "set(ip(dscp=%u))", a->u.u8);
            break;
        case DP_ACTION_SET_IP_ECN:
            ds_put_format(s, "set(ip(ecn=%u))", a->u.u8);
            break;
        case DP_ACTION_SET_IP_TTL:
            ds_put_format(s, "set(ip(ttl=%u))", a->u.u8);
            break;
        case DP_ACTION_DEC_TTL:
            ds_put_cstr(s, "dec_ttl");
            break;
        case DP_ACTION_SET_L4_SRC:
        case DP_ACTION_SET_L4_DST:
            ds_put_format(s, "set(l4(%s=%u))", a->type == DP_ACTION_SET_L4_SRC ? "src" : "dst",
                          ntohs(a->u.be16));
            break;
        case DP_ACTION_METER:
            ds_put_format(s, "meter(%"PRIu32")", DP_METER_ID(a->port));
            break;
        case DP_ACTION_RECIRC:
            ds_put_format(s, "recirc(%#"PRIx32")", a->port);
            break;
        case DP_ACTION_CLONE: {
            size_t body = a->port < n - i - 1 ? a->port : n - i - 1;
            ds_put_cstr(s, "clone(");
            ofproto_format_dp_actions(s, &acts[i + 1], body);
            ds_put_char(s, ')');
            i += body;
            break;
        }
        case DP_ACTION_TNL_PUSH:
            dp_tnl_header_format(s, a->port);
            break;
        case DP_ACTION_DROP:
            ds_put_format(s, "drop(%s)", dp_drop_reason_string((enum dp_drop_reason) a->port));
            break;
        case DP_ACTION_TNL_POP:
            ds_put_format(s, "tnl_pop(%"PRIu32")", a->port);
            break;
        default:
            ds_put_format(s, "action%u", a->type);
            break;
        }
    }
}

/* ---- ofproto/trace. ---- */

static bool
trace_port_cb(void *ofproto_, const char *name, uint32_t *port)
{
    struct ofproto *ofproto = ofproto_;
    for (size_t i = 0; i < ofproto->n_ports; i++) {
        if (!strcmp(ofproto->ports[i]->name, name)) {
            *port = ofproto->ports[i]->ofp_port;
            return true;
        }
    }
    return false;
}

static void
ofproto_trace(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct ofproto *ofproto = ofproto_lookup(argv[1]);
    struct ofp_flow_stats_request fsr;
    struct ds ds = DS_EMPTY_INITIALIZER;
    char *error;

    (void) aux;
    if (!ofproto) {
        error = xasprintf("no such bridge \"%s\" (see uvs-vsctl list-br)", argv[1]);
        unixctl_command_reply_error(conn, error);
        free(error);
        return;
    }
    error = ofp_parse_flow_stats_request(argv[2], false, trace_port_cb, ofproto, &fsr);
    if (error) {
        char *msg = xasprintf("%s (the flow uses ovs-ofctl syntax, e.g. "
                              "\"in_port=1,dl_dst=ff:ff:ff:ff:ff:ff\")", error);
        unixctl_command_reply_error(conn, msg);
        free(msg);
        free(error);
        return;
    }
    bool cross = ofproto_xlate_lock(ofproto);
    const struct ofport *in = fsr.match.wc.in_port
                              ? ofproto_port_find(ofproto, fsr.match.flow.in_port) : NULL;
    if (!in) {
        ofproto_xlate_unlock(ofproto, cross);
        unixctl_command_reply_error(conn, fsr.match.wc.in_port
                                    ? "in_port: no such port on this bridge"
                                    : "the flow must give in_port (e.g. \"in_port=1,...\")");
        return;
    }
    struct flow flow = fsr.match.flow;
    if (argc > 3) {
        /* A packet in hex: its headers give the flow; the FLOW argument gives in_port. */
        size_t n = 0, cap = strlen(argv[3]) / 2 + 1;
        uint8_t *pkt = xmalloc(cap);
        for (const char *p = argv[3]; *p;) {
            unsigned int byte;
            if (strchr(" .:", *p)) {
                p++;
                continue;
            }
            if (sscanf(p, "%2x", &byte) != 1 || !p[1]) {
                ofproto_xlate_unlock(ofproto, cross);
                free(pkt);
                unixctl_command_reply_error(conn, "PACKET: expected hex bytes (e.g. "
                                            "ffffffffffff0200...)");
                return;
            }
            pkt[n++] = byte;
            p += 2;
        }
        flow_extract(pkt, n, in->dp_port, &flow);
        free(pkt);
    }
    struct dp_upcall_result *res = xzalloc(sizeof *res);
    bool learned = false;
    struct ds rules = DS_EMPTY_INITIALIZER;

    ofproto_xlate(ofproto, in, &flow, res, false, &learned, &rules);

    flow.in_port = in->ofp_port;
    char *fs = flow_to_string(&flow, NULL);
    ds_put_format(&ds, "Flow: %s\n\nbridge(\"%s\")\n", fs ? fs : "", ofproto->name);
    free(fs);
    ds_put_char_multiple(&ds, '-', strlen(ofproto->name) + 10);
    ds_put_char(&ds, '\n');
    ds_put_cstr(&ds, ds_cstr(&rules));

    /* The megaflow is in the datapath's terms: in_port is the datapath port number. */
    flow.in_port = in->dp_port;
    struct flow masked;
    flow_apply_mask(&masked, &flow, &res->wc);
    char *mf = flow_to_string(&masked, &res->wc);
    ds_put_format(&ds, "\nMegaflow: %s\nDatapath actions: ", mf ? mf : "");
    free(mf);
    ofproto_format_dp_actions(&ds, res->actions.a, res->actions.n);
    ds_put_char(&ds, '\n');
    ofproto_xlate_unlock(ofproto, cross);

    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&rules);
    ds_destroy(&ds);
    free(res);
}

void
ofproto_xlate_register_unixctl(void)
{
    unixctl_command_register("ofproto/trace", "BRIDGE FLOW [PACKET]", 2, 3, ofproto_trace, NULL);
}
