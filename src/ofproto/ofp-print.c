/*
 * ofp-print — text forms of OpenFlow objects in ovs-ofctl's layouts (see ofp-print.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <endian.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofproto/ofp-print.h"

#include "ofproto/ofp-actions.h"

/* ---------------------------------------------------------------------------------------------
 * Port maps.
 * ------------------------------------------------------------------------------------------- */

void
ofp_port_map_init(struct ofp_port_map *map)
{
    map->n = 0;
    map->ports = NULL;
}

void
ofp_port_map_add(struct ofp_port_map *map, uint32_t port, const char *name)
{
    map->ports = xrealloc(map->ports, (map->n + 1) * sizeof *map->ports);
    struct ofp_port_name *e = &map->ports[map->n++];
    e->port = port;
    strlcpy(e->name, name, sizeof e->name);
}

void
ofp_port_map_destroy(struct ofp_port_map *map)
{
    free(map->ports);
    map->ports = NULL;
    map->n = 0;
}

const char *
ofp_port_map_get_name(const struct ofp_port_map *map, uint32_t port)
{
    const struct ofp_port_name *found = NULL;

    if (!map) {
        return NULL;
    }
    for (size_t i = 0; i < map->n; i++) {
        if (map->ports[i].port == port) {
            if (found) {
                return NULL;
            }
            found = &map->ports[i];
        }
    }
    if (!found || !found->name[0]) {
        return NULL;
    }
    /* The name must also identify the port uniquely, or it could not be read back. */
    uint32_t back;
    return ofp_port_map_get_number(map, found->name, &back) && back == port ? found->name : NULL;
}

bool
ofp_port_map_get_number(const struct ofp_port_map *map, const char *name, uint32_t *port)
{
    const struct ofp_port_name *found = NULL;

    if (!map) {
        return false;
    }
    for (size_t i = 0; i < map->n; i++) {
        if (!strcmp(map->ports[i].name, name)) {
            if (found && found->port != map->ports[i].port) {
                return false;
            }
            found = &map->ports[i];
        }
    }
    if (found) {
        *port = found->port;
    }
    return found != NULL;
}

bool
ofp_port_map_lookup_cb(void *map, const char *name, uint32_t *port)
{
    return ofp_port_map_get_number(map, name, port);
}

/* ---------------------------------------------------------------------------------------------
 * Flows.
 * ------------------------------------------------------------------------------------------- */

static const char *
reserved_port_name(uint32_t port)
{
    switch (port) {
    case OFPP_IN_PORT: return "IN_PORT";
    case OFPP_TABLE: return "TABLE";
    case OFPP_NORMAL: return "NORMAL";
    case OFPP_FLOOD: return "FLOOD";
    case OFPP_ALL: return "ALL";
    case OFPP_CONTROLLER: return "CONTROLLER";
    case OFPP_LOCAL: return "LOCAL";
    case OFPP_ANY: return "ANY";
    default: return NULL;
    }
}

/* Whether NAME can be printed bare in flow syntax (ovs-ofctl quotes other names). */
static bool
name_is_bare(const char *name)
{
    for (const char *p = name; *p; p++) {
        if (!isalnum((unsigned char) *p) && !strchr("_-.:@", *p)) {
            return false;
        }
    }
    return name[0] != '\0';
}

void
ofp_format_port(struct ds *s, uint32_t port, const struct ofp_port_map *map)
{
    const char *name = reserved_port_name(port);

    if (name) {
        ds_put_cstr(s, name);
    } else if ((name = ofp_port_map_get_name(map, port)) != NULL) {
        if (name_is_bare(name)) {
            ds_put_cstr(s, name);
        } else {
            ds_put_format(s, "\"%s\"", name);
        }
    } else {
        ds_put_format(s, "%"PRIu32, port);
    }
}

static bool
is_all_ones(const void *p_, size_t n)
{
    const uint8_t *p = p_;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0xff) {
            return false;
        }
    }
    return true;
}

static bool
is_all_zeros(const void *p_, size_t n)
{
    const uint8_t *p = p_;
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

static void
format_eth(struct ds *s, const struct eth_addr *ea)
{
    const uint8_t *e = ea->ea;
    ds_put_format(s, "%02x:%02x:%02x:%02x:%02x:%02x", e[0], e[1], e[2], e[3], e[4], e[5]);
}

static void
format_eth_masked(struct ds *s, const char *name, const struct eth_addr *v,
                  const struct eth_addr *m)
{
    if (is_all_zeros(m->ea, ETH_ADDR_LEN)) {
        return;
    }
    ds_put_format(s, "%s=", name);
    format_eth(s, v);
    if (!is_all_ones(m->ea, ETH_ADDR_LEN)) {
        ds_put_char(s, '/');
        format_eth(s, m);
    }
    ds_put_char(s, ',');
}

/* Number of leading one bits if MASK (host order) is a CIDR mask, else -1. */
static int
cidr_len32(uint32_t mask)
{
    int n = 0;
    while (n < 32 && (mask & (UINT32_C(1) << (31 - n)))) {
        n++;
    }
    return (n == 32 || !(mask << n)) ? n : -1;
}

static void
format_ip_masked(struct ds *s, const char *name, uint32_t v_be, uint32_t m_be)
{
    char buf[INET_ADDRSTRLEN];

    if (!m_be) {
        return;
    }
    inet_ntop(AF_INET, &v_be, buf, sizeof buf);
    ds_put_format(s, "%s=%s", name, buf);
    if (m_be != 0xffffffff) {
        int n = cidr_len32(ntohl(m_be));
        if (n >= 0) {
            ds_put_format(s, "/%d", n);
        } else {
            inet_ntop(AF_INET, &m_be, buf, sizeof buf);
            ds_put_format(s, "/%s", buf);
        }
    }
    ds_put_char(s, ',');
}

static int
cidr_len128(const uint8_t m[16])
{
    int n = 0;
    while (n < 128 && (m[n / 8] & (0x80 >> (n % 8)))) {
        n++;
    }
    for (int i = n; i < 128; i++) {
        if (m[i / 8] & (0x80 >> (i % 8))) {
            return -1;
        }
    }
    return n;
}

static void
format_ipv6_masked(struct ds *s, const char *name, const uint8_t v[16], const uint8_t m[16])
{
    char buf[INET6_ADDRSTRLEN];

    if (is_all_zeros(m, 16)) {
        return;
    }
    inet_ntop(AF_INET6, v, buf, sizeof buf);
    ds_put_format(s, "%s=%s", name, buf);
    if (!is_all_ones(m, 16)) {
        int n = cidr_len128(m);
        if (n >= 0) {
            ds_put_format(s, "/%d", n);
        } else {
            inet_ntop(AF_INET6, m, buf, sizeof buf);
            ds_put_format(s, "/%s", buf);
        }
    }
    ds_put_char(s, ',');
}

static void
format_be16_masked(struct ds *s, const char *name, uint16_t v_be, uint16_t m_be)
{
    if (!m_be) {
        return;
    }
    if (m_be == 0xffff) {
        ds_put_format(s, "%s=%u,", name, ntohs(v_be));
    } else {
        ds_put_format(s, "%s=0x%x/0x%x,", name, ntohs(v_be), ntohs(m_be));
    }
}

void
ofp_format_match(struct ds *s, const struct match *match, int priority,
                 const struct ofp_port_map *map)
{
    const struct flow *f = &match->flow;
    const struct flow *w = &match->wc;
    size_t start_len = s->len;
    bool skip_type = false, skip_proto = false;
    uint16_t dl_type = ntohs(f->dl_type_be);

    if (priority != OFP_DEFAULT_PRIORITY) {
        ds_put_format(s, "priority=%d,", priority);
    }
    if (w->dl_type_be) {
        skip_type = true;
        if (dl_type == ETH_TYPE_IP || dl_type == ETH_TYPE_IPV6) {
            bool v6 = dl_type == ETH_TYPE_IPV6;
            const char *proto = NULL;
            if (w->nw_proto) {
                switch (f->nw_proto) {
                case 1: proto = v6 ? NULL : "icmp"; break;
                case 6: proto = v6 ? "tcp6" : "tcp"; break;
                case 17: proto = v6 ? "udp6" : "udp"; break;
                case 58: proto = v6 ? "icmp6" : NULL; break;
                case 132: proto = v6 ? "sctp6" : "sctp"; break;
                }
            }
            if (proto) {
                skip_proto = true;
                ds_put_format(s, "%s,", proto);
            } else {
                ds_put_cstr(s, v6 ? "ipv6," : "ip,");
            }
        } else if (dl_type == ETH_TYPE_ARP) {
            ds_put_cstr(s, "arp,");
        } else {
            skip_type = false;
        }
    }
    for (int i = 0; i < (int) ARRAY_SIZE(w->regs); i++) {
        if (w->regs[i] == UINT32_MAX) {
            ds_put_format(s, "reg%d=0x%"PRIx32",", i, f->regs[i]);
        } else if (w->regs[i]) {
            ds_put_format(s, "reg%d=0x%"PRIx32"/0x%"PRIx32",", i, f->regs[i], w->regs[i]);
        }
    }
    if (w->metadata) {
        if (w->metadata == UINT64_MAX) {
            ds_put_format(s, "metadata=0x%"PRIx64",", f->metadata);
        } else {
            ds_put_format(s, "metadata=0x%"PRIx64"/0x%"PRIx64",", f->metadata, w->metadata);
        }
    }
    if (w->tun_id_be) {
        if (w->tun_id_be == UINT64_MAX) {
            ds_put_format(s, "tun_id=%#"PRIx64",", be64toh(f->tun_id_be));
        } else {
            ds_put_format(s, "tun_id=%#"PRIx64"/%#"PRIx64",", be64toh(f->tun_id_be),
                          be64toh(w->tun_id_be));
        }
    }
    format_ip_masked(s, "tun_src", f->tun_src_be, w->tun_src_be);
    format_ip_masked(s, "tun_dst", f->tun_dst_be, w->tun_dst_be);
    format_ipv6_masked(s, "tun_ipv6_src", f->tun_ipv6_src, w->tun_ipv6_src);
    format_ipv6_masked(s, "tun_ipv6_dst", f->tun_ipv6_dst, w->tun_ipv6_dst);
    if (w->in_port) {
        ds_put_cstr(s, "in_port=");
        ofp_format_port(s, f->in_port, map);
        ds_put_char(s, ',');
    }
    if (w->vlan_tci_be) {
        uint16_t tci = ntohs(f->vlan_tci_be), mask = ntohs(w->vlan_tci_be);
        uint16_t vid_mask = mask & VLAN_VID_MASK, pcp_mask = mask & VLAN_PCP_MASK;

        if ((mask & VLAN_CFI) && (tci & VLAN_CFI)
            && (!vid_mask || vid_mask == VLAN_VID_MASK)
            && (!pcp_mask || pcp_mask == VLAN_PCP_MASK) && (vid_mask || pcp_mask)) {
            if (vid_mask) {
                ds_put_format(s, "dl_vlan=%u,", tci & VLAN_VID_MASK);
            }
            if (pcp_mask) {
                ds_put_format(s, "dl_vlan_pcp=%u,", tci >> VLAN_PCP_SHIFT);
            }
        } else if (mask == 0xffff) {
            ds_put_format(s, "vlan_tci=0x%04x,", tci);
        } else {
            ds_put_format(s, "vlan_tci=0x%04x/0x%04x,", tci, mask);
        }
    }
    format_eth_masked(s, "dl_src", &f->dl_src, &w->dl_src);
    format_eth_masked(s, "dl_dst", &f->dl_dst, &w->dl_dst);
    if (!skip_type && w->dl_type_be) {
        ds_put_format(s, "dl_type=0x%04x,", dl_type);
    }
    if (dl_type == ETH_TYPE_IPV6) {
        format_ipv6_masked(s, "ipv6_src", f->ipv6_src, w->ipv6_src);
        format_ipv6_masked(s, "ipv6_dst", f->ipv6_dst, w->ipv6_dst);
        if (w->ipv6_label_be) {
            if (ntohl(w->ipv6_label_be) == 0xfffff) {
                ds_put_format(s, "ipv6_label=0x%05"PRIx32",", ntohl(f->ipv6_label_be));
            } else {
                ds_put_format(s, "ipv6_label=0x%05"PRIx32"/0x%05"PRIx32",",
                              ntohl(f->ipv6_label_be), ntohl(w->ipv6_label_be));
            }
        }
    } else if (dl_type == ETH_TYPE_ARP) {
        format_ip_masked(s, "arp_spa", f->nw_src_be, w->nw_src_be);
        format_ip_masked(s, "arp_tpa", f->nw_dst_be, w->nw_dst_be);
    } else {
        format_ip_masked(s, "nw_src", f->nw_src_be, w->nw_src_be);
        format_ip_masked(s, "nw_dst", f->nw_dst_be, w->nw_dst_be);
    }
    if (!skip_proto && w->nw_proto) {
        ds_put_format(s, "%s=%u,", dl_type == ETH_TYPE_ARP ? "arp_op" : "nw_proto", f->nw_proto);
    }
    if (dl_type == ETH_TYPE_ARP) {
        format_eth_masked(s, "arp_sha", &f->arp_sha, &w->arp_sha);
        format_eth_masked(s, "arp_tha", &f->arp_tha, &w->arp_tha);
    }
    if (w->nw_tos & 0xfc) {
        ds_put_format(s, "nw_tos=%u,", f->nw_tos & 0xfc);
    }
    if (w->nw_tos & 0x03) {
        ds_put_format(s, "nw_ecn=%u,", f->nw_tos & 0x03);
    }
    if (w->nw_ttl) {
        ds_put_format(s, "nw_ttl=%u,", f->nw_ttl);
    }
    if ((dl_type == ETH_TYPE_IP && f->nw_proto == 1)
        || (dl_type == ETH_TYPE_IPV6 && f->nw_proto == 58)) {
        format_be16_masked(s, "icmp_type", f->tp_src_be, w->tp_src_be);
        format_be16_masked(s, "icmp_code", f->tp_dst_be, w->tp_dst_be);
        if (dl_type == ETH_TYPE_IPV6) {
            format_ipv6_masked(s, "nd_target", f->nd_target, w->nd_target);
            format_eth_masked(s, "nd_sll", &f->arp_sha, &w->arp_sha);
            format_eth_masked(s, "nd_tll", &f->arp_tha, &w->arp_tha);
        }
    } else {
        format_be16_masked(s, "tp_src", f->tp_src_be, w->tp_src_be);
        format_be16_masked(s, "tp_dst", f->tp_dst_be, w->tp_dst_be);
    }
    if (s->len > start_len) {
        ds_chomp(s, ',');
    }
}

void
ofp_format_duration(struct ds *s, uint32_t sec, uint32_t nsec)
{
    ds_put_format(s, "%"PRIu32, sec);
    if (nsec > 0) {
        /* Nine digits with trailing zeros trimmed, but at least milliseconds, as ovs-ofctl. */
        char buf[16];
        snprintf(buf, sizeof buf, "%09"PRIu32, nsec % 1000000000);
        size_t n = strlen(buf);
        while (n > 3 && buf[n - 1] == '0') {
            buf[--n] = '\0';
        }
        ds_put_format(s, ".%s", buf);
    }
    ds_put_char(s, 's');
}

static void
format_flow_mod_flags(struct ds *s, uint16_t flags)
{
    static const char *const names[] = {
        "send_flow_rem", "check_overlap", "reset_counts", "no_packet_counts", "no_byte_counts",
    };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (flags & (1u << i)) {
            ds_put_format(s, "%s ", names[i]);
        }
    }
    ds_chomp(s, ' ');
}

void
ofp_format_flow_stats(struct ds *s, const struct ofp_flow_stats *fs, const struct ofp_port_map *map)
{
    ds_put_format(s, " cookie=0x%"PRIx64", duration=", fs->cookie);
    ofp_format_duration(s, fs->duration_sec, fs->duration_nsec);
    ds_put_format(s, ", table=%u, n_packets=%"PRIu64", n_bytes=%"PRIu64", ",
                  fs->table_id, fs->packet_count, fs->byte_count);
    if (fs->idle_timeout) {
        ds_put_format(s, "idle_timeout=%u, ", fs->idle_timeout);
    }
    if (fs->hard_timeout) {
        ds_put_format(s, "hard_timeout=%u, ", fs->hard_timeout);
    }
    if (fs->flags) {
        /* ovs-ofctl prints each flag followed by a space, not a comma. */
        format_flow_mod_flags(s, fs->flags);
        ds_put_char(s, ' ');
    }
    if (fs->idle_age != UINT32_MAX) {
        ds_put_format(s, "idle_age=%"PRIu32", ", fs->idle_age);
    }
    size_t len = s->len;
    ofp_format_match(s, &fs->match, fs->priority, map);
    if (s->len != len) {
        ds_put_char(s, ' ');
    }
    ds_put_cstr(s, "actions=");
    ofp_format_actions(s, &fs->ofpacts, map);
}

void
ofp_format_flow_mod(struct ds *s, const struct ofp_flow_mod *fm, const struct ofp_port_map *map)
{
    static const char *const commands[] = { "ADD", "MOD", "MOD_STRICT", "DEL", "DEL_STRICT" };

    ds_put_format(s, "%s", (unsigned) fm->command < ARRAY_SIZE(commands)
                  ? commands[fm->command] : "???");
    if (fm->table_id) {
        ds_put_format(s, " table:%u", fm->table_id);
    }
    ds_put_char(s, ' ');
    size_t len = s->len;
    ofp_format_match(s, &fm->match, fm->priority, map);
    if (s->len != len) {
        ds_put_char(s, ' ');
    }
    if (fm->cookie) {
        ds_put_format(s, "cookie:0x%"PRIx64" ", fm->cookie);
    }
    if (fm->idle_timeout) {
        ds_put_format(s, "idle:%u ", fm->idle_timeout);
    }
    if (fm->hard_timeout) {
        ds_put_format(s, "hard:%u ", fm->hard_timeout);
    }
    if (fm->out_port != OFPP_ANY) {
        ds_put_cstr(s, "out_port:");
        ofp_format_port(s, fm->out_port, map);
        ds_put_char(s, ' ');
    }
    if (fm->flags) {
        format_flow_mod_flags(s, fm->flags);
        ds_put_char(s, ' ');
    }
    if (fm->command != OFPFC_DELETE && fm->command != OFPFC_DELETE_STRICT) {
        ds_put_cstr(s, "actions=");
        ofp_format_actions(s, &fm->ofpacts, map);
    }
    ds_chomp(s, ' ');
}

/* ---------------------------------------------------------------------------------------------
 * Messages.
 * ------------------------------------------------------------------------------------------- */

void
ofp_format_msg_header(struct ds *s, const char *name, uint8_t version, uint32_t xid)
{
    /* As ovs-ofctl: OpenFlow 1.0, the version without extensions, is not named. */
    if (version == OFP10_VERSION) {
        ds_put_format(s, "%s (xid=0x%"PRIx32"):", name, xid);
        return;
    }
    ds_put_format(s, "%s (%s) (xid=0x%"PRIx32"):", name, ofp_version_to_string(version), xid);
}

void
ofp_format_mp_header(struct ds *s, const char *name, uint8_t version, uint32_t xid,
                     uint16_t mp_flags)
{
    ofp_format_msg_header(s, name, version, xid);
    if (mp_flags & OFPMPF_REPLY_MORE) {
        ds_put_cstr(s, " flags=[more]");
    }
}

static void
format_bits(struct ds *s, uint32_t bits, const char *const names[], size_t n_names)
{
    if (!bits) {
        ds_put_cstr(s, "0");
        return;
    }
    for (size_t i = 0; i < 32; i++) {
        uint32_t bit = UINT32_C(1) << i;
        if (bits & bit) {
            if (i < n_names && names[i]) {
                ds_put_format(s, "%s ", names[i]);
            } else {
                ds_put_format(s, "0x%"PRIx32" ", bit);
            }
        }
    }
    ds_chomp(s, ' ');
}

void
ofp_format_features_reply(struct ds *s, uint8_t version, uint32_t xid,
                          const struct ofp_switch_features *f)
{
    static const char *const caps[] = {
        "FLOW_STATS", "TABLE_STATS", "PORT_STATS", "GROUP_STATS", NULL, "IP_REASM",
        "QUEUE_STATS", NULL, "PORT_BLOCKED",
    };

    ofp_format_msg_header(s, "OFPT_FEATURES_REPLY", version, xid);
    ds_put_format(s, " dpid:%016"PRIx64"\n", f->datapath_id);
    ds_put_format(s, "n_tables:%u, n_buffers:%"PRIu32"\n", f->n_tables, f->n_buffers);
    if (f->auxiliary_id) {
        ds_put_format(s, "auxiliary_id:%u\n", f->auxiliary_id);
    }
    ds_put_cstr(s, "capabilities: ");
    format_bits(s, f->capabilities, caps, ARRAY_SIZE(caps));
    ds_put_char(s, '\n');
}

void
ofp_format_phy_port(struct ds *s, const struct ofp_phy_port *p)
{
    static const char *const config[] = {
        "PORT_DOWN", "NO_STP", "NO_RECV", "NO_RECV_STP", "NO_FLOOD", "NO_FWD", "NO_PACKET_IN",
    };
    static const char *const state[] = { "LINK_DOWN", "BLOCKED", "LIVE" };
    static const char *const features[] = {
        "10MB-HD", "10MB-FD", "100MB-HD", "100MB-FD", "1GB-HD", "1GB-FD", "10GB-FD", "40GB-FD",
        "100GB-FD", "1TB-FD", "OTHER", "COPPER", "FIBER", "AUTO_NEG", "AUTO_PAUSE",
        "AUTO_PAUSE_ASYM",
    };
    char name[OFP_MAX_PORT_NAME_LEN];
    size_t j;

    for (j = 0; j < sizeof name - 1 && isprint((unsigned char) p->name[j]); j++) {
        name[j] = p->name[j];
    }
    name[j] = '\0';

    ds_put_char(s, ' ');
    ofp_format_port(s, p->port_no, NULL);
    ds_put_format(s, "(%s): addr:", name);
    format_eth(s, &p->hw_addr);
    ds_put_cstr(s, "\n     config:     ");
    format_bits(s, p->config, config, ARRAY_SIZE(config));
    ds_put_cstr(s, "\n     state:      ");
    format_bits(s, p->state, state, ARRAY_SIZE(state));
    ds_put_char(s, '\n');
    const struct { const char *label; uint32_t bits; } feats[] = {
        { "current:    ", p->curr }, { "advertised: ", p->advertised },
        { "supported:  ", p->supported }, { "peer:       ", p->peer },
    };
    for (size_t i = 0; i < ARRAY_SIZE(feats); i++) {
        if (feats[i].bits) {
            ds_put_format(s, "     %s", feats[i].label);
            format_bits(s, feats[i].bits, features, ARRAY_SIZE(features));
            ds_put_char(s, '\n');
        }
    }
    ds_put_format(s, "     speed: %"PRIu32" Mbps now, %"PRIu32" Mbps max\n",
                  p->curr_speed / 1000, p->max_speed / 1000);
}

static int
compare_ports(const void *a_, const void *b_)
{
    const struct ofp_phy_port *a = a_, *b = b_;
    /* As ovs-ofctl: by 16-bit port number, so LOCAL (0xfffe) sorts last. */
    uint16_t pa = a->port_no >= OFPP_MAX ? a->port_no - 0xffff0000 : a->port_no;
    uint16_t pb = b->port_no >= OFPP_MAX ? b->port_no - 0xffff0000 : b->port_no;
    return pa < pb ? -1 : pa > pb;
}

void
ofp_format_port_desc_reply(struct ds *s, uint8_t version, uint32_t xid, uint16_t mp_flags,
                           const struct ofp_phy_port *ports, size_t n)
{
    struct ofp_phy_port *sorted = xmalloc((n ? n : 1) * sizeof *sorted);

    ofp_format_mp_header(s, "OFPST_PORT_DESC reply", version, xid, mp_flags);
    ds_put_char(s, '\n');
    if (n) {
        memcpy(sorted, ports, n * sizeof *sorted);
    }
    qsort(sorted, n, sizeof *sorted, compare_ports);
    for (size_t i = 0; i < n; i++) {
        ofp_format_phy_port(s, &sorted[i]);
    }
    free(sorted);
}

void
ofp_format_switch_config(struct ds *s, uint8_t version, uint8_t type, uint32_t xid,
                         const struct ofp_switch_config *c)
{
    static const char *const frags[] = { "normal", "drop", "reassemble", "nx-match" };

    ofp_format_msg_header(s, ofp_type_name(type), version, xid);
    ds_put_format(s, " frags=%s", frags[c->flags & OFPC_FRAG_MASK]);
    ds_put_format(s, " miss_send_len=%u\n", c->miss_send_len);
}

static void
format_port_stat(struct ds *s, const char *leader, uint64_t stat, bool more)
{
    ds_put_cstr(s, leader);
    if (stat != UINT64_MAX) {
        ds_put_format(s, "%"PRIu64, stat);
    } else {
        ds_put_char(s, '?');
    }
    ds_put_cstr(s, more ? ", " : "\n");
}

void
ofp_format_port_stats_reply(struct ds *s, uint8_t version, uint32_t xid, uint16_t mp_flags,
                            const struct ofp_port_stats *stats, size_t n,
                            const struct ofp_port_map *map)
{
    ofp_format_mp_header(s, "OFPST_PORT reply", version, xid, mp_flags);
    ds_put_format(s, " %zu ports\n", n);
    for (size_t i = 0; i < n; i++) {
        const struct ofp_port_stats *ps = &stats[i];

        ds_put_cstr(s, "  port ");
        if (ps->port_no < 10) {
            ds_put_char(s, ' ');
        }
        ofp_format_port(s, ps->port_no, map);
        ds_put_cstr(s, ": rx ");
        format_port_stat(s, "pkts=", ps->rx_packets, true);
        format_port_stat(s, "bytes=", ps->rx_bytes, true);
        format_port_stat(s, "drop=", ps->rx_dropped, true);
        format_port_stat(s, "errs=", ps->rx_errors, true);
        format_port_stat(s, "frame=", ps->rx_frame_err, true);
        format_port_stat(s, "over=", ps->rx_over_err, true);
        format_port_stat(s, "crc=", ps->rx_crc_err, false);
        ds_put_cstr(s, "           tx ");
        format_port_stat(s, "pkts=", ps->tx_packets, true);
        format_port_stat(s, "bytes=", ps->tx_bytes, true);
        format_port_stat(s, "drop=", ps->tx_dropped, true);
        format_port_stat(s, "errs=", ps->tx_errors, true);
        format_port_stat(s, "coll=", ps->collisions, false);
        if (ps->duration_sec != UINT32_MAX) {
            ds_put_cstr(s, "           duration=");
            ofp_format_duration(s, ps->duration_sec, ps->duration_nsec);
            ds_put_char(s, '\n');
        }
    }
}

static void
flush_ditto(struct ds *s, int first, int last)
{
    if (first < 0) {
        return;
    }
    if (first == last) {
        ds_put_format(s, "\n  table %d: ditto\n", first);
    } else {
        ds_put_format(s, "\n  tables %d...%d: ditto\n", first, last);
    }
}

void
ofp_format_table_stats_reply(struct ds *s, uint8_t version, uint32_t xid, uint16_t mp_flags,
                             const struct ofp_table_stats *ts, size_t n)
{
    int run_first = -1, run_last = -1;

    ofp_format_mp_header(s, "OFPST_TABLE reply", version, xid, mp_flags);
    ds_put_char(s, '\n');
    for (size_t i = 0; i < n; i++) {
        const struct ofp_table_stats *t = &ts[i], *prev = i ? &ts[i - 1] : NULL;
        if (prev && t->active_count == prev->active_count
            && t->lookup_count == prev->lookup_count
            && t->matched_count == prev->matched_count) {
            if (run_first < 0) {
                run_first = t->table_id;
            }
            run_last = t->table_id;
            continue;
        }
        flush_ditto(s, run_first, run_last);
        run_first = -1;
        ds_put_format(s, "%s  table %u:\n", i ? "\n" : "", t->table_id);
        ds_put_format(s, "    active=%"PRIu32", lookup=%"PRIu64", matched=%"PRIu64"\n",
                      t->active_count, t->lookup_count, t->matched_count);
    }
    flush_ditto(s, run_first, run_last);
}

void
ofp_format_desc_reply(struct ds *s, uint8_t version, uint32_t xid, uint16_t mp_flags,
                      const struct ofp_desc *d)
{
    ofp_format_mp_header(s, "OFPST_DESC reply", version, xid, mp_flags);
    ds_put_format(s, "\nManufacturer: %s\n", d->mfr_desc);
    ds_put_format(s, "Hardware: %s\n", d->hw_desc);
    ds_put_format(s, "Software: %s\n", d->sw_desc);
    ds_put_format(s, "Serial Num: %s\n", d->serial_num);
    ds_put_format(s, "DP Description: %s\n", d->dp_desc);
}

void
ofp_format_aggregate_reply(struct ds *s, uint8_t version, uint32_t xid, uint16_t mp_flags,
                           const struct ofp_aggregate_stats *a)
{
    ofp_format_mp_header(s, "OFPST_AGGREGATE reply", version, xid, mp_flags);
    ds_put_format(s, " packet_count=%"PRIu64" byte_count=%"PRIu64" flow_count=%"PRIu32"\n",
                  a->packet_count, a->byte_count, a->flow_count);
}

/* ---------------------------------------------------------------------------------------------
 * Names.
 * ------------------------------------------------------------------------------------------- */

const char *
ofp_type_name(uint8_t type)
{
    static const char *const names[] = {
        "OFPT_HELLO", "OFPT_ERROR", "OFPT_ECHO_REQUEST", "OFPT_ECHO_REPLY", "OFPT_EXPERIMENTER",
        "OFPT_FEATURES_REQUEST", "OFPT_FEATURES_REPLY", "OFPT_GET_CONFIG_REQUEST",
        "OFPT_GET_CONFIG_REPLY", "OFPT_SET_CONFIG", "OFPT_PACKET_IN", "OFPT_FLOW_REMOVED",
        "OFPT_PORT_STATUS", "OFPT_PACKET_OUT", "OFPT_FLOW_MOD", "OFPT_GROUP_MOD", "OFPT_PORT_MOD",
        "OFPT_TABLE_MOD", "OFPT_MULTIPART_REQUEST", "OFPT_MULTIPART_REPLY",
        "OFPT_BARRIER_REQUEST", "OFPT_BARRIER_REPLY", "OFPT_QUEUE_GET_CONFIG_REQUEST",
        "OFPT_QUEUE_GET_CONFIG_REPLY", "OFPT_ROLE_REQUEST", "OFPT_ROLE_REPLY",
        "OFPT_GET_ASYNC_REQUEST", "OFPT_GET_ASYNC_REPLY", "OFPT_SET_ASYNC", "OFPT_METER_MOD",
    };
    static _Thread_local char buf[32];

    if (type < ARRAY_SIZE(names)) {
        return names[type];
    }
    snprintf(buf, sizeof buf, "OFPT_UNKNOWN_TYPE_%u", type);
    return buf;
}

struct ofperr_info {
    const char *prefix;          /* Code name prefix, e.g. "OFPBMC_". */
    const char *type_name;
    const char *const *codes;
    size_t n_codes;
};

#define CODES(...) (const char *const[]) { __VA_ARGS__ }, \
    ARRAY_SIZE(((const char *const[]) { __VA_ARGS__ }))

static const struct ofperr_info ofperr_infos[] = {
    { "OFPHFC_", "OFPET_HELLO_FAILED", CODES("INCOMPATIBLE", "EPERM") },
    { "OFPBRC_", "OFPET_BAD_REQUEST",
      CODES("BAD_VERSION", "BAD_TYPE", "BAD_MULTIPART", "BAD_EXPERIMENTER", "BAD_EXP_TYPE",
            "EPERM", "BAD_LEN", "BUFFER_EMPTY", "BUFFER_UNKNOWN", "BAD_TABLE_ID", "IS_SLAVE",
            "BAD_PORT", "BAD_PACKET", "MULTIPART_BUFFER_OVERFLOW") },
    { "OFPBAC_", "OFPET_BAD_ACTION",
      CODES("BAD_TYPE", "BAD_LEN", "BAD_EXPERIMENTER", "BAD_EXP_TYPE", "BAD_OUT_PORT",
            "BAD_ARGUMENT", "EPERM", "TOO_MANY", "BAD_QUEUE", "BAD_OUT_GROUP",
            "MATCH_INCONSISTENT", "UNSUPPORTED_ORDER", "BAD_TAG", "BAD_SET_TYPE", "BAD_SET_LEN",
            "BAD_SET_ARGUMENT") },
    { "OFPBIC_", "OFPET_BAD_INSTRUCTION",
      CODES("UNKNOWN_INST", "UNSUP_INST", "BAD_TABLE_ID", "UNSUP_METADATA",
            "UNSUP_METADATA_MASK", "BAD_EXPERIMENTER", "BAD_EXP_TYPE", "BAD_LEN", "EPERM") },
    { "OFPBMC_", "OFPET_BAD_MATCH",
      CODES("BAD_TYPE", "BAD_LEN", "BAD_TAG", "BAD_DL_ADDR_MASK", "BAD_NW_ADDR_MASK",
            "BAD_WILDCARDS", "BAD_FIELD", "BAD_VALUE", "BAD_MASK", "BAD_PREREQ", "DUP_FIELD",
            "EPERM") },
    { "OFPFMFC_", "OFPET_FLOW_MOD_FAILED",
      CODES("UNKNOWN", "TABLE_FULL", "BAD_TABLE_ID", "OVERLAP", "EPERM", "BAD_TIMEOUT",
            "BAD_COMMAND", "BAD_FLAGS") },
    { "OFPGMFC_", "OFPET_GROUP_MOD_FAILED",
      CODES("GROUP_EXISTS", "INVALID_GROUP", "WEIGHT_UNSUPPORTED", "OUT_OF_GROUPS",
            "OUT_OF_BUCKETS", "CHAINING_UNSUPPORTED", "WATCH_UNSUPPORTED", "LOOP",
            "UNKNOWN_GROUP", "CHAINED_GROUP", "BAD_TYPE", "BAD_COMMAND", "BAD_BUCKET",
            "BAD_WATCH", "EPERM") },
    { "OFPPMFC_", "OFPET_PORT_MOD_FAILED",
      CODES("BAD_PORT", "BAD_HW_ADDR", "BAD_CONFIG", "BAD_ADVERTISE", "EPERM") },
    { "OFPTMFC_", "OFPET_TABLE_MOD_FAILED", CODES("BAD_TABLE", "BAD_CONFIG", "EPERM") },
    { "OFPQOFC_", "OFPET_QUEUE_OP_FAILED", CODES("BAD_PORT", "BAD_QUEUE", "EPERM") },
    { "OFPSCFC_", "OFPET_SWITCH_CONFIG_FAILED", CODES("BAD_FLAGS", "BAD_LEN", "EPERM") },
    { "OFPRRFC_", "OFPET_ROLE_REQUEST_FAILED", CODES("STALE", "UNSUP", "BAD_ROLE") },
    { "OFPMMFC_", "OFPET_METER_MOD_FAILED",
      CODES("UNKNOWN", "METER_EXISTS", "INVALID_METER", "UNKNOWN_METER", "BAD_COMMAND",
            "BAD_FLAGS", "BAD_RATE", "BAD_BURST", "BAD_BAND", "BAD_BAND_VALUE", "OUT_OF_METERS",
            "OUT_OF_BANDS") },
    { "OFPTFFC_", "OFPET_TABLE_FEATURES_FAILED",
      CODES("BAD_TABLE", "BAD_METADATA", "BAD_TYPE", "BAD_LEN", "BAD_ARGUMENT", "EPERM") },
};

const char *
ofperr_type_name(uint16_t type)
{
    static _Thread_local char buf[32];

    if (type < ARRAY_SIZE(ofperr_infos)) {
        return ofperr_infos[type].type_name;
    }
    if (type == 0xffff) {
        return "OFPET_EXPERIMENTER";
    }
    snprintf(buf, sizeof buf, "OFPET_UNKNOWN_%u", type);
    return buf;
}

const char *
ofperr_code_name(struct ofperr e)
{
    static _Thread_local char buf[48];

    if (e.type < ARRAY_SIZE(ofperr_infos) && e.code < ofperr_infos[e.type].n_codes) {
        snprintf(buf, sizeof buf, "%s%s", ofperr_infos[e.type].prefix,
                 ofperr_infos[e.type].codes[e.code]);
    } else {
        snprintf(buf, sizeof buf, "code %u", e.code);
    }
    return buf;
}

const char *
ofperr_description(struct ofperr e)
{
    static const struct {
        uint16_t type, code;
        const char *text;
    } texts[] = {
        { OFPET_HELLO_FAILED, OFPHFC_INCOMPATIBLE, "no common OpenFlow version" },
        { OFPET_BAD_REQUEST, OFPBRC_BAD_VERSION, "OpenFlow version not negotiated" },
        { OFPET_BAD_REQUEST, OFPBRC_BAD_TYPE, "message type not supported" },
        { OFPET_BAD_REQUEST, OFPBRC_BAD_MULTIPART, "statistics type not supported" },
        { OFPET_BAD_REQUEST, OFPBRC_BAD_LEN, "message length is wrong" },
        { OFPET_BAD_REQUEST, OFPBRC_BAD_TABLE_ID, "no such table" },
        { OFPET_BAD_REQUEST, OFPBRC_BAD_PORT, "no such port" },
        { OFPET_BAD_ACTION, OFPBAC_BAD_TYPE, "action not supported" },
        { OFPET_BAD_ACTION, OFPBAC_BAD_LEN, "action length is wrong" },
        { OFPET_BAD_ACTION, OFPBAC_BAD_OUT_PORT, "invalid output port" },
        { OFPET_BAD_ACTION, OFPBAC_BAD_ARGUMENT, "action argument out of range" },
        { OFPET_PORT_MOD_FAILED, OFPPMFC_BAD_PORT, "no such port" },
        { OFPET_BAD_ACTION, 9, "no such group (add it first with add-group)" },
        { 6, 0, "a group with this id exists (use mod-group)" },
        { 6, 1, "invalid group id" },
        { 6, 8, "no such group" },
        { 6, 10, "unknown group type" },
        { 6, 11, "unknown group command" },
        { 6, 12, "bad bucket (an indirect group has exactly one; no chaining of groups)" },
        { OFPET_BAD_REQUEST, OFPBRC_IS_SLAVE, "the connection's role is slave" },
        { OFPET_BAD_REQUEST, OFPBRC_BUFFER_UNKNOWN, "no such buffer (uvs never buffers)" },
        { OFPET_ROLE_REQUEST_FAILED, OFPRRFC_STALE, "stale generation id" },
        { OFPET_BAD_ACTION, OFPBAC_BAD_EXPERIMENTER, "experimenter (vendor) action not supported" },
        { OFPET_BAD_ACTION, OFPBAC_BAD_EXP_TYPE, "Nicira action subtype not supported" },
        { OFPET_BAD_ACTION, OFPBAC_MATCH_INCONSISTENT,
          "action needs a field the match does not establish (e.g. set_field:...->ip_dst "
          "needs \"ip,\" in the match)" },
        { OFPET_BAD_ACTION, OFPBAC_BAD_SET_TYPE, "set_field/load on a field that cannot be set" },
        { OFPET_BAD_ACTION, OFPBAC_BAD_SET_LEN, "set_field length is wrong" },
        { OFPET_BAD_ACTION, OFPBAC_BAD_SET_ARGUMENT, "set_field value outside the field" },
        { OFPET_BAD_INSTRUCTION, OFPBIC_BAD_TABLE_ID,
          "goto_table must go to a later table (0-253)" },
        { OFPET_BAD_INSTRUCTION, OFPBIC_UNKNOWN_INST, "unknown instruction" },
        { OFPET_BAD_INSTRUCTION, OFPBIC_UNSUP_INST, "instruction not supported" },
        { 12, 1, "a meter with this id exists (use mod-meter)" },
        { 12, 2, "invalid meter id (1-65535)" },
        { 12, 3, "no such meter (add it first with add-meter)" },
        { 12, 4, "unknown meter command" },
        { 12, 5, "bad meter flags (exactly one of kbps and pktps; burst, stats)" },
        { 12, 6, "a band's rate must not be 0" },
        { 12, 7, "burst_size needs the burst flag" },
        { 12, 8, "band type not supported (uvs meters support type=drop) or no band" },
        { 12, 10, "no more meters" },
        { 12, 11, "too many bands (at most 8)" },
        { OFPET_BAD_INSTRUCTION, OFPBIC_BAD_LEN, "instruction length is wrong" },
        { OFPET_BAD_MATCH, OFPBMC_BAD_TYPE, "match type not supported (only OXM is)" },
        { OFPET_BAD_MATCH, OFPBMC_BAD_LEN, "match length is wrong" },
        { OFPET_BAD_MATCH, OFPBMC_BAD_WILDCARDS, "match value has bits outside its mask" },
        { OFPET_BAD_MATCH, OFPBMC_BAD_FIELD, "match field not supported" },
        { OFPET_BAD_MATCH, OFPBMC_BAD_VALUE, "match field value out of range" },
        { OFPET_BAD_MATCH, OFPBMC_BAD_MASK, "match field cannot take this mask" },
        { OFPET_BAD_MATCH, OFPBMC_BAD_PREREQ,
          "a match field's prerequisite is missing (e.g. nw_dst needs ip)" },
        { OFPET_BAD_MATCH, OFPBMC_DUP_FIELD, "a match field appears twice" },
        { OFPET_FLOW_MOD_FAILED, OFPFMFC_UNKNOWN, "unspecified failure" },
        { OFPET_FLOW_MOD_FAILED, OFPFMFC_TABLE_FULL, "flow table is full" },
        { OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_TABLE_ID, "no such table" },
        { OFPET_FLOW_MOD_FAILED, OFPFMFC_OVERLAP, "an overlapping flow exists (check_overlap)" },
        { OFPET_FLOW_MOD_FAILED, OFPFMFC_EPERM, "permission denied" },
        { OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_TIMEOUT, "timeout not supported" },
        { OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_COMMAND, "unknown flow-mod command" },
        { OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_FLAGS, "unsupported flow-mod flags" },
        { OFPET_SWITCH_CONFIG_FAILED, OFPSCFC_BAD_FLAGS, "unsupported switch config flags" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
        if (texts[i].type == e.type && texts[i].code == e.code) {
            return texts[i].text;
        }
    }
    return "request rejected";
}

/* ---------------------------------------------------------------------------------------------
 * Actions (moved from ofp-actions.c, which keeps the wire codec and the parser).
 * ------------------------------------------------------------------------------------------- */

/* The all-ones mask of F's significant bits. */
static void
field_full_mask(const struct ofp_field *f, uint8_t *buf)
{
    memset(buf, 0, f->len);
    for (int bit = 0; bit < f->bits; bit++) {
        ofp_bits_set(buf, f->len, bit, true);
    }
}

static bool
field_is_hex(const struct ofp_field *f)
{
    return !strncmp(f->name, "reg", 3) || !strcmp(f->name, "metadata")
           || !strcmp(f->name, "vlan_tci") || !strcmp(f->name, "eth_type")
           || !strcmp(f->name, "ipv6_label");
}

void
ofp_format_field_value(struct ds *s, const struct ofp_field *f, const uint8_t *v)
{
    char buf[INET6_ADDRSTRLEN];

    if (f->len == 6) {
        ds_put_format(s, "%02x:%02x:%02x:%02x:%02x:%02x", v[0], v[1], v[2], v[3], v[4], v[5]);
    } else if (f->len == 16) {
        inet_ntop(AF_INET6, v, buf, sizeof buf);
        ds_put_cstr(s, buf);
    } else if (f->len == 4 && f->bits == 32 && strncmp(f->name, "reg", 3)
               && strcmp(f->name, "in_port_oxm")) {
        inet_ntop(AF_INET, v, buf, sizeof buf);
        ds_put_cstr(s, buf);
    } else {
        uint64_t x = 0;
        for (int i = 0; i < f->len; i++) {
            x = (x << 8) | v[i];
        }
        ds_put_format(s, field_is_hex(f) ? "0x%"PRIx64 : "%"PRIu64, x);
    }
}

static void
format_subfield(struct ds *s, const struct ofp_field *f, unsigned int ofs, unsigned int n_bits)
{
    ds_put_cstr(s, f->nxm_name);
    if (ofs == 0 && n_bits == f->bits) {
        ds_put_cstr(s, "[]");
    } else if (n_bits == 1) {
        ds_put_format(s, "[%u]", ofs);
    } else {
        ds_put_format(s, "[%u..%u]", ofs, ofs + n_bits - 1);
    }
}

void
ofp_format_action(struct ds *s, const struct ofpact *a, const struct ofp_port_map *map)
{
    const struct ofp_field *f = ofp_field_by_id(a->field);

    switch ((enum ofpact_type) a->type) {
    case OFPACT_OUTPUT:
        if (a->port < OFPP_MAX) {
            ds_put_cstr(s, "output:");
        }
        ofp_format_port(s, a->port, map);
        if (a->port == OFPP_CONTROLLER) {
            ds_put_format(s, ":%u", a->max_len);
        }
        break;
    case OFPACT_PUSH_VLAN:
        ds_put_format(s, "push_vlan:0x%04x", a->ethertype);
        break;
    case OFPACT_POP_VLAN:
        ds_put_cstr(s, "pop_vlan");
        break;
    case OFPACT_SET_FIELD:
        if (a->load) {
            uint8_t v[16] = { 0 };
            uint64_t x = 0;
            ofp_bits_copy(a->value, f->len, a->ofs, v, 16, 0, a->n_bits);
            for (int i = 8; i < 16; i++) {
                x = (x << 8) | v[i];
            }
            ds_put_format(s, "load:0x%"PRIx64"->", x);
            format_subfield(s, f, a->ofs, a->n_bits);
        } else {
            uint8_t full[16];
            field_full_mask(f, full);
            ds_put_cstr(s, "set_field:");
            ofp_format_field_value(s, f, a->value);
            if (memcmp(full, a->mask, f->len)) {
                ds_put_char(s, '/');
                ofp_format_field_value(s, f, a->mask);
            }
            ds_put_format(s, "->%s", f->name);
        }
        break;
    case OFPACT_REG_MOVE:
        ds_put_cstr(s, "move:");
        format_subfield(s, ofp_field_by_id(a->src_field), a->src_ofs, a->n_bits);
        ds_put_cstr(s, "->");
        format_subfield(s, f, a->ofs, a->n_bits);
        break;
    case OFPACT_DEC_TTL:
        ds_put_cstr(s, "dec_ttl");
        break;
    case OFPACT_SET_NW_TTL:
        ds_put_format(s, "mod_nw_ttl:%u", a->ttl);
        break;
    case OFPACT_RESUBMIT:
        if (a->port != OFPP_IN_PORT && a->table == 255) {
            ds_put_cstr(s, "resubmit:");
            ofp_format_port(s, a->port, map);
        } else {
            ds_put_cstr(s, "resubmit(");
            if (a->port != OFPP_IN_PORT) {
                ofp_format_port(s, a->port, map);
            }
            ds_put_char(s, ',');
            if (a->table != 255) {
                ds_put_format(s, "%u", a->table);
            }
            ds_put_char(s, ')');
        }
        break;
    case OFPACT_NOTE:
        ds_put_cstr(s, "note:");
        for (int i = 0; i < a->note_len; i++) {
            ds_put_format(s, "%s%02x", i ? "." : "", i < 16 ? a->value[i] : a->mask[i - 16]);
        }
        break;
    case OFPACT_GROUP:
        ds_put_format(s, "group:%"PRIu32, a->port);
        break;
    case OFPACT_CLEAR_ACTIONS:
        ds_put_cstr(s, "clear_actions");
        break;
    case OFPACT_WRITE_METADATA:
        ds_put_format(s, "write_metadata:0x%"PRIx64, a->metadata);
        if (a->metadata_mask != UINT64_MAX) {
            ds_put_format(s, "/0x%"PRIx64, a->metadata_mask);
        }
        break;
    case OFPACT_GOTO_TABLE:
        ds_put_format(s, "goto_table:%u", a->table);
        break;
    case OFPACT_METER:
        ds_put_format(s, "meter:%"PRIu32, a->port);
        break;
    }
}

void
ofp_format_actions(struct ds *s, const struct ofpacts *acts, const struct ofp_port_map *map)
{
    if (!acts->n) {
        ds_put_cstr(s, "drop");
        return;
    }
    for (size_t i = 0; i < acts->n;) {
        if (i) {
            ds_put_char(s, ',');
        }
        if (acts->acts[i].write) {
            size_t j = i;
            ds_put_cstr(s, "write_actions(");
            for (; j < acts->n && acts->acts[j].write; j++) {
                if (j > i) {
                    ds_put_char(s, ',');
                }
                ofp_format_action(s, &acts->acts[j], map);
            }
            ds_put_char(s, ')');
            i = j;
            continue;
        }
        ofp_format_action(s, &acts->acts[i], map);
        i++;
    }
}
