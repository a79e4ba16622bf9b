/*
 * ofp-parse — the ovs-ofctl flow syntax (see ofp-parse.h).
 *
 * Structure: a tokenizer (next_keyword) splits the string into keywords; parse_flow__() handles
 * flow-mod parameters and shorthands itself and hands match fields to the field table, whose
 * entries name a parser and a prerequisite; check_prereqs() runs once at the end.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/util.h"
#include "ofproto/ofp-parse.h"

/* ---------------------------------------------------------------------------------------------
 * Tokenizer and scalar parsers.
 * ------------------------------------------------------------------------------------------- */

/* Splits the next keyword off *POS (a mutable string), NUL-terminating KEY and VALUE in place.
 * VALUE is "" when the keyword has none. For the key "actions" (or "action"), VALUE is the whole
 * rest of the string. Returns false at the end of the string. */
static bool
next_keyword(char **pos, char **key, char **value)
{
    char *p = *pos;

    p += strspn(p, ", \t\r\n");
    if (!*p) {
        return false;
    }
    *key = p;
    if (*p == '"') {
        /* A quoted bare word (a port name in an action list). */
        char *close = strchr(p + 1, '"');
        p = close ? close + 1 : p + strlen(p);
    }
    p += strcspn(p, ":=(, \t\r\n");
    char delim = *p;
    if (delim == '=' || delim == ':') {
        *p++ = '\0';
        if (!strcmp(*key, "actions") || !strcmp(*key, "action")) {
            *value = p;
            size_t n = strlen(p);
            while (n && isspace((unsigned char) p[n - 1])) {
                p[--n] = '\0';
            }
            *pos = p + n;
            return true;
        }
        *value = p;
        int depth = 0;
        for (; *p; p++) {
            if (*p == '"') {
                /* Quoted names may hold delimiters: "my port". */
                char *close = strchr(p + 1, '"');
                if (!close) {
                    p += strlen(p);
                    break;
                }
                p = close;
            } else if (*p == '(') {
                depth++;
            } else if (*p == ')' && depth) {
                depth--;
            } else if (!depth && strchr(", \t\r\n", *p)) {
                break;
            }
        }
    } else if (delim == '(') {
        *p++ = '\0';
        *value = p;
        int depth = 1;
        for (; *p && !(*p == ')' && --depth == 0); p++) {
            depth += *p == '(';
        }
        if (*p) {
            *p++ = '\0';
        }
    } else {
        *value = p;   /* Points at the delimiter; made "" below. */
    }
    if (*p && strchr(", \t\r\n", *p)) {
        *p++ = '\0';
    }
    if (delim != '=' && delim != ':' && delim != '(') {
        *value = "";
    }
    *pos = p;
    return true;
}

/* Parses an unsigned decimal or 0x-hex number up to MAX. */
static char *
parse_uint(const char *name, const char *s, uint64_t max, uint64_t *v)
{
    const char *digits = s;
    int base = 10;
    char *end;

    *v = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        digits = s + 2;
        base = 16;
    }
    if (!*digits || !isxdigit((unsigned char) *digits) || (base == 10 && !isdigit((unsigned char) *digits))) {
        return xasprintf("%s: \"%s\" is not a number", name, s);
    }
    errno = 0;
    unsigned long long x = strtoull(digits, &end, base);
    if (*end) {
        return xasprintf("%s: \"%s\" is not a number", name, s);
    }
    if (errno == ERANGE || x > max) {
        return xasprintf("%s: %s is out of range (0 to %"PRIu64")", name, s, max);
    }
    *v = x;
    return NULL;
}

/* Parses "VALUE" or "VALUE/MASK" of an integer field up to MAX into host-order *V and *M. */
static char *
parse_uint_masked(const char *name, char *s, uint64_t max, uint64_t *v, uint64_t *m)
{
    char *slash = strchr(s, '/');
    char *error;

    if (slash) {
        *slash = '\0';
    }
    error = parse_uint(name, s, max, v);
    if (!error) {
        *m = max;
        if (slash && strcmp(slash + 1, "-1")) {     /* "/-1" is all ones, as in ovs-ofctl. */
            error = parse_uint(name, slash + 1, max, m);
        }
    }
    if (slash) {
        *slash = '/';
    }
    if (!error) {
        *v &= *m;
    }
    return error;
}

static char *
parse_eth(const char *s, struct eth_addr *ea)
{
    unsigned int b[6];
    int n = 0;

    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &n) != 6
        || s[n] || n != 17) {
        return xasprintf("%s: invalid Ethernet address (expected xx:xx:xx:xx:xx:xx)", s);
    }
    for (int i = 0; i < 6; i++) {
        ea->ea[i] = b[i];
    }
    return NULL;
}

static char *
parse_eth_masked(char *s, struct eth_addr *v, struct eth_addr *m)
{
    char *slash = strchr(s, '/');
    char *error;

    memset(m->ea, 0xff, ETH_ADDR_LEN);
    if (slash) {
        *slash = '\0';
    }
    error = parse_eth(s, v);
    if (!error && slash) {
        error = parse_eth(slash + 1, m);
    }
    if (slash) {
        *slash = '/';
    }
    for (int i = 0; i < ETH_ADDR_LEN; i++) {
        v->ea[i] &= m->ea[i];
    }
    return error;
}

/* IPv4 "A.B.C.D", "A.B.C.D/N" or "A.B.C.D/M.M.M.M" into network-order *V and *M. */
static char *
parse_ipv4_masked(char *s, uint32_t *v, uint32_t *m)
{
    char *slash = strchr(s, '/');
    char *error = NULL;
    struct in_addr a;

    *m = 0xffffffff;
    if (slash) {
        *slash = '\0';
    }
    if (inet_pton(AF_INET, s, &a) != 1) {
        error = xasprintf("%s: invalid IPv4 address", s);
    } else if (slash) {
        struct in_addr mask;
        uint64_t bits;
        char *e;

        if (inet_pton(AF_INET, slash + 1, &mask) == 1) {
            *m = mask.s_addr;
        } else if ((e = parse_uint("prefix", slash + 1, UINT32_MAX, &bits)) != NULL) {
            free(e);
            *slash = '/';
            error = xasprintf("%s: invalid netmask (expected a prefix length 0..32 or a dotted "
                              "mask)", s);
        } else if (bits > 32) {
            *slash = '/';
            error = xasprintf("%s: invalid prefix length (expected 0..32)", s);
        } else {
            *m = htonl(bits ? UINT32_MAX << (32 - bits) : 0);
        }
    }
    if (slash) {
        *slash = '/';
    }
    *v = a.s_addr & *m;
    return error;
}

static char *
parse_ipv6_masked(char *s, uint8_t v[16], uint8_t m[16])
{
    char *slash = strchr(s, '/');
    char *error = NULL;

    memset(m, 0xff, 16);
    memset(v, 0, 16);
    if (slash) {
        *slash = '\0';
    }
    if (inet_pton(AF_INET6, s, v) != 1) {
        error = xasprintf("%s: invalid IPv6 address", s);
    } else if (slash) {
        uint64_t bits;
        char *e;

        if (inet_pton(AF_INET6, slash + 1, m) == 1) {
            /* Explicit mask. */
        } else if ((e = parse_uint("prefix", slash + 1, UINT32_MAX, &bits)) != NULL) {
            free(e);
            *slash = '/';
            error = xasprintf("%s: invalid netmask (expected a prefix length 0..128 or an IPv6 "
                              "mask)", s);
        } else if (bits > 128) {
            *slash = '/';
            error = xasprintf("%s: invalid prefix length (expected 0..128)", s);
        } else {
            memset(m, 0, 16);
            for (uint64_t i = 0; i < bits; i++) {
                m[i / 8] |= 0x80 >> (i % 8);
            }
        }
    }
    if (slash) {
        *slash = '/';
    }
    for (int i = 0; i < 16; i++) {
        v[i] &= m[i];
    }
    return error;
}

/* ---------------------------------------------------------------------------------------------
 * Ports.
 * ------------------------------------------------------------------------------------------- */

static const struct {
    const char *name;
    uint32_t port;
} reserved_ports[] = {
    { "IN_PORT", OFPP_IN_PORT }, { "TABLE", OFPP_TABLE }, { "NORMAL", OFPP_NORMAL },
    { "FLOOD", OFPP_FLOOD }, { "ALL", OFPP_ALL }, { "CONTROLLER", OFPP_CONTROLLER },
    { "LOCAL", OFPP_LOCAL }, { "ANY", OFPP_ANY }, { "NONE", OFPP_ANY },
};

/* Returns true if S names a port, setting *PORT. */
static bool
port_from_string(const char *s, ofp_port_name_cb *cb, void *aux, uint32_t *port)
{
    if (isdigit((unsigned char) s[0])) {
        uint64_t v;
        char *error = parse_uint("port", s, UINT32_MAX, &v);
        if (!error) {
            if (v >= 0xfff8 && v <= 0xffff) {
                v += 0xffff0000;     /* OpenFlow 1.0 reserved numbers. */
            }
            if (v == 0 || (v > OFPP_MAX && v < OFPP_IN_PORT)) {
                return false;
            }
            *port = v;
            return true;
        }
        free(error);
    }
    for (size_t i = 0; i < ARRAY_SIZE(reserved_ports); i++) {
        if (!strcasecmp(s, reserved_ports[i].name)) {
            *port = reserved_ports[i].port;
            return true;
        }
    }
    size_t len = strlen(s);
    if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
        char *name = xmemdup0(s + 1, len - 2);
        bool ok = cb && cb(aux, name, port);
        free(name);
        return ok;
    }
    return cb && cb(aux, s, port);
}

char *
ofp_parse_port(const char *s, const char *field, ofp_port_name_cb *cb, void *aux, uint32_t *port)
{
    if (port_from_string(s, cb, aux, port)) {
        return NULL;
    }
    if (!cb && !isdigit((unsigned char) s[0])) {
        return xasprintf("%s: invalid or unknown port for %s (port names need the switch's port "
                         "list; use a number)", s, field);
    }
    return xasprintf("%s: invalid or unknown port for %s", s, field);
}

/* ---------------------------------------------------------------------------------------------
 * Actions.
 * ------------------------------------------------------------------------------------------- */

/* ---------------------------------------------------------------------------------------------
 * Match fields.
 * ------------------------------------------------------------------------------------------- */

enum prereq {
    P_NONE, P_IP_OR_ARP, P_IP_ANY, P_ARP, P_IPV6, P_L4, P_TCP, P_UDP, P_SCTP, P_ICMP_ANY,
    P_ND, P_ND_SLL, P_ND_TLL,
};

struct parse_ctx {
    struct match *match;
    ofp_port_name_cb *cb;
    void *aux;
};

typedef char *field_parser(struct parse_ctx *, const char *name, char *value, int arg);

struct field_def {
    const char *name;
    field_parser *parse;
    int arg;
    enum prereq prereq;
};

static char *
set_be16_field(uint16_t *v, uint16_t *m, uint64_t value, uint64_t mask)
{
    *v = htons(value);
    *m = htons(mask);
    return NULL;
}

static char *
parse_in_port(struct parse_ctx *c, const char *name, char *value, int arg)
{
    uint32_t port;
    char *error = ofp_parse_port(value, name, c->cb, c->aux, &port);
    if (!error) {
        c->match->flow.in_port = port;
        c->match->wc.in_port = UINT32_MAX;
    }
    return error;
}

enum { F_DL_SRC, F_DL_DST, F_ARP_SHA, F_ARP_THA };

static char *
parse_eth_field(struct parse_ctx *c, const char *name, char *value, int arg)
{
    struct flow *f = &c->match->flow, *w = &c->match->wc;
    struct eth_addr *v = arg == F_DL_SRC ? &f->dl_src : arg == F_DL_DST ? &f->dl_dst
                         : arg == F_ARP_SHA ? &f->arp_sha : &f->arp_tha;
    struct eth_addr *m = arg == F_DL_SRC ? &w->dl_src : arg == F_DL_DST ? &w->dl_dst
                         : arg == F_ARP_SHA ? &w->arp_sha : &w->arp_tha;
    return parse_eth_masked(value, v, m);
}

static char *
parse_dl_type(struct parse_ctx *c, const char *name, char *value, int arg)
{
    uint64_t v;
    char *error = parse_uint(name, value, UINT16_MAX, &v);
    return error ? error : set_be16_field(&c->match->flow.dl_type_be, &c->match->wc.dl_type_be,
                                          v, 0xffff);
}

enum { V_VLAN, V_PCP, V_TCI };

static char *
parse_vlan(struct parse_ctx *c, const char *name, char *value, int arg)
{
    uint16_t tci = ntohs(c->match->flow.vlan_tci_be), mask = ntohs(c->match->wc.vlan_tci_be);
    uint64_t v, m;
    char *error;

    if (arg == V_VLAN) {
        error = parse_uint(name, value, UINT16_MAX, &v);
        if (error) {
            return error;
        }
        if (v == 0xffff) {          /* OFP_VLAN_NONE: no 802.1Q header. */
            tci = 0;
            mask = 0xffff;
        } else if (v > VLAN_VID_MASK) {
            return xasprintf("%s: %s is out of range (0 to 4095, or 0xffff for no VLAN)",
                             name, value);
        } else {
            tci = (tci & VLAN_PCP_MASK) | VLAN_CFI | v;
            mask |= VLAN_CFI | VLAN_VID_MASK;
        }
    } else if (arg == V_PCP) {
        error = parse_uint(name, value, 7, &v);
        if (error) {
            return error;
        }
        tci = (tci & VLAN_VID_MASK) | VLAN_CFI | (v << VLAN_PCP_SHIFT);
        mask |= VLAN_CFI | VLAN_PCP_MASK;
    } else {
        error = parse_uint_masked(name, value, UINT16_MAX, &v, &m);
        if (error) {
            return error;
        }
        if ((m & VLAN_PCP_MASK) && (m & VLAN_PCP_MASK) != VLAN_PCP_MASK) {
            return xasprintf("%s: %s: the mask must cover all or none of the PCP bits (0xe000)",
                             name, value);
        }
        if ((m & (VLAN_PCP_MASK | VLAN_VID_MASK)) && !(m & VLAN_CFI)) {
            return xasprintf("%s: %s: a mask on the VLAN ID or PCP must include 0x1000 (the "
                             "tag-present bit)", name, value);
        }
        tci = v;
        mask = m;
    }
    if ((mask & VLAN_CFI) && !(tci & VLAN_CFI)) {
        /* "No tag": the other bits have no meaning. OpenFlow 1.3 expresses it as VLAN_VID =
         * OFPVID_NONE, which decodes to this mask, as ovs-ofctl shows it (vlan_tci=0x0000/0x1fff). */
        tci = 0;
        mask = VLAN_CFI | VLAN_VID_MASK;
    }
    c->match->flow.vlan_tci_be = htons(tci & mask);
    c->match->wc.vlan_tci_be = htons(mask);
    return NULL;
}

enum { N_SRC, N_DST };

static char *
parse_nw_addr(struct parse_ctx *c, const char *name, char *value, int arg)
{
    struct flow *f = &c->match->flow, *w = &c->match->wc;
    return arg == N_SRC ? parse_ipv4_masked(value, &f->nw_src_be, &w->nw_src_be)
                        : parse_ipv4_masked(value, &f->nw_dst_be, &w->nw_dst_be);
}

enum { U8_PROTO, U8_TTL, U8_ARP_OP, U8_TOS, U8_DSCP, U8_ECN, U8_ICMP_TYPE, U8_ICMP_CODE };

static char *
parse_u8_field(struct parse_ctx *c, const char *name, char *value, int arg)
{
    struct flow *f = &c->match->flow, *w = &c->match->wc;
    uint64_t max = arg == U8_DSCP ? 63 : arg == U8_ECN ? 3 : 255;
    uint64_t v = 0;
    char *error = parse_uint(name, value, max, &v);

    if (error) {
        return error;
    }
    switch (arg) {
    case U8_PROTO: case U8_ARP_OP:
        f->nw_proto = v;
        w->nw_proto = 0xff;
        break;
    case U8_TTL:
        f->nw_ttl = v;
        w->nw_ttl = 0xff;
        break;
    case U8_TOS: case U8_DSCP:
        if (arg == U8_TOS && (v & 3)) {
            return xasprintf("%s: %s has ECN bits set (nw_tos takes the DSCP bits, a multiple of "
                             "4; use nw_ecn for ECN)", name, value);
        }
        f->nw_tos = (f->nw_tos & 3) | (arg == U8_TOS ? v : v << 2);
        w->nw_tos |= 0xfc;
        break;
    case U8_ECN:
        f->nw_tos = (f->nw_tos & 0xfc) | v;
        w->nw_tos |= 3;
        break;
    case U8_ICMP_TYPE:
        set_be16_field(&f->tp_src_be, &w->tp_src_be, v, 0xffff);
        break;
    case U8_ICMP_CODE:
        set_be16_field(&f->tp_dst_be, &w->tp_dst_be, v, 0xffff);
        break;
    }
    return NULL;
}

static char *
parse_tp_port(struct parse_ctx *c, const char *name, char *value, int arg)
{
    struct flow *f = &c->match->flow, *w = &c->match->wc;
    uint64_t v, m;
    char *error = parse_uint_masked(name, value, UINT16_MAX, &v, &m);

    if (!error) {
        if (arg == N_SRC) {
            set_be16_field(&f->tp_src_be, &w->tp_src_be, v, m);
        } else {
            set_be16_field(&f->tp_dst_be, &w->tp_dst_be, v, m);
        }
    }
    return error;
}

enum { A6_SRC, A6_DST, A6_ND_TARGET };

static char *
parse_ipv6_field(struct parse_ctx *c, const char *name, char *value, int arg)
{
    struct flow *f = &c->match->flow, *w = &c->match->wc;
    return arg == A6_SRC ? parse_ipv6_masked(value, f->ipv6_src, w->ipv6_src)
           : arg == A6_DST ? parse_ipv6_masked(value, f->ipv6_dst, w->ipv6_dst)
           : parse_ipv6_masked(value, f->nd_target, w->nd_target);
}

static char *
parse_ipv6_label(struct parse_ctx *c, const char *name, char *value, int arg)
{
    uint64_t v, m;
    char *error = parse_uint_masked(name, value, 0xfffff, &v, &m);

    if (!error) {
        c->match->flow.ipv6_label_be = htonl(v);
        c->match->wc.ipv6_label_be = htonl(m);
    }
    return error;
}

static char *
parse_metadata(struct parse_ctx *c, const char *name, char *value, int arg)
{
    uint64_t v, m;
    char *error = parse_uint_masked(name, value, UINT64_MAX, &v, &m);

    if (!error) {
        c->match->flow.metadata = v;
        c->match->wc.metadata = m;
    }
    return error;
}

/* Tunnel metadata (tun_id, tun_src, tun_dst): see flow.h and ofproto-tnl.h. */
enum { T_ID, T_SRC, T_DST, T_SRC6, T_DST6 };

static char *
parse_tun_field(struct parse_ctx *c, const char *name, char *value, int arg)
{
    struct flow *f = &c->match->flow, *w = &c->match->wc;
    uint64_t v, m;

    if (arg == T_SRC) {
        return parse_ipv4_masked(value, &f->tun_src_be, &w->tun_src_be);
    } else if (arg == T_DST) {
        return parse_ipv4_masked(value, &f->tun_dst_be, &w->tun_dst_be);
    } else if (arg == T_SRC6) {
        return parse_ipv6_masked(value, f->tun_ipv6_src, w->tun_ipv6_src);
    } else if (arg == T_DST6) {
        return parse_ipv6_masked(value, f->tun_ipv6_dst, w->tun_ipv6_dst);
    }
    char *error = parse_uint_masked(name, value, UINT64_MAX, &v, &m);
    if (!error) {
        f->tun_id_be = htobe64(v & m);
        w->tun_id_be = htobe64(m);
    }
    return error;
}

static const struct field_def fields[] = {
    { "tun_id", parse_tun_field, T_ID, P_NONE },
    { "tunnel_id", parse_tun_field, T_ID, P_NONE },
    { "tun_src", parse_tun_field, T_SRC, P_NONE },
    { "tun_dst", parse_tun_field, T_DST, P_NONE },
    { "tun_ipv6_src", parse_tun_field, T_SRC6, P_NONE },
    { "tun_ipv6_dst", parse_tun_field, T_DST6, P_NONE },
    { "in_port", parse_in_port, 0, P_NONE },
    { "dl_src", parse_eth_field, F_DL_SRC, P_NONE },
    { "eth_src", parse_eth_field, F_DL_SRC, P_NONE },
    { "dl_dst", parse_eth_field, F_DL_DST, P_NONE },
    { "eth_dst", parse_eth_field, F_DL_DST, P_NONE },
    { "dl_type", parse_dl_type, 0, P_NONE },
    { "eth_type", parse_dl_type, 0, P_NONE },
    { "dl_vlan", parse_vlan, V_VLAN, P_NONE },
    { "dl_vlan_pcp", parse_vlan, V_PCP, P_NONE },
    { "vlan_tci", parse_vlan, V_TCI, P_NONE },
    { "nw_src", parse_nw_addr, N_SRC, P_IP_OR_ARP },
    { "ip_src", parse_nw_addr, N_SRC, P_IP_OR_ARP },
    { "nw_dst", parse_nw_addr, N_DST, P_IP_OR_ARP },
    { "ip_dst", parse_nw_addr, N_DST, P_IP_OR_ARP },
    { "arp_spa", parse_nw_addr, N_SRC, P_ARP },
    { "arp_tpa", parse_nw_addr, N_DST, P_ARP },
    { "nw_proto", parse_u8_field, U8_PROTO, P_IP_ANY },
    { "ip_proto", parse_u8_field, U8_PROTO, P_IP_ANY },
    { "nw_tos", parse_u8_field, U8_TOS, P_IP_ANY },
    { "ip_dscp", parse_u8_field, U8_DSCP, P_IP_ANY },
    { "nw_ecn", parse_u8_field, U8_ECN, P_IP_ANY },
    { "ip_ecn", parse_u8_field, U8_ECN, P_IP_ANY },
    { "nw_ttl", parse_u8_field, U8_TTL, P_IP_ANY },
    { "arp_op", parse_u8_field, U8_ARP_OP, P_ARP },
    { "arp_sha", parse_eth_field, F_ARP_SHA, P_ARP },
    { "arp_tha", parse_eth_field, F_ARP_THA, P_ARP },
    { "tp_src", parse_tp_port, N_SRC, P_L4 },
    { "tp_dst", parse_tp_port, N_DST, P_L4 },
    { "tcp_src", parse_tp_port, N_SRC, P_TCP },
    { "tcp_dst", parse_tp_port, N_DST, P_TCP },
    { "udp_src", parse_tp_port, N_SRC, P_UDP },
    { "udp_dst", parse_tp_port, N_DST, P_UDP },
    { "sctp_src", parse_tp_port, N_SRC, P_SCTP },
    { "sctp_dst", parse_tp_port, N_DST, P_SCTP },
    { "icmp_type", parse_u8_field, U8_ICMP_TYPE, P_ICMP_ANY },
    { "icmp_code", parse_u8_field, U8_ICMP_CODE, P_ICMP_ANY },
    { "icmpv6_type", parse_u8_field, U8_ICMP_TYPE, P_ICMP_ANY },
    { "icmpv6_code", parse_u8_field, U8_ICMP_CODE, P_ICMP_ANY },
    { "ipv6_src", parse_ipv6_field, A6_SRC, P_IPV6 },
    { "ipv6_dst", parse_ipv6_field, A6_DST, P_IPV6 },
    { "ipv6_label", parse_ipv6_label, 0, P_IPV6 },
    { "nd_target", parse_ipv6_field, A6_ND_TARGET, P_ND },
    { "nd_sll", parse_eth_field, F_ARP_SHA, P_ND_SLL },
    { "nd_tll", parse_eth_field, F_ARP_THA, P_ND_TLL },
    { "metadata", parse_metadata, 0, P_NONE },
};

_Static_assert(ARRAY_SIZE(fields) <= 64, "parse_flow__() tracks fields in a uint64_t");

static const struct field_def *
field_lookup(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
        if (!strcmp(fields[i].name, name)) {
            return &fields[i];
        }
    }
    return NULL;
}

/* Protocol shorthands: EtherType and, optionally, IP protocol. */
static const struct {
    const char *name;
    uint16_t dl_type;
    int nw_proto;     /* -1 = none */
} shorthands[] = {
    { "ip", ETH_TYPE_IP, -1 }, { "ipv4", ETH_TYPE_IP, -1 }, { "ipv6", ETH_TYPE_IPV6, -1 },
    { "arp", ETH_TYPE_ARP, -1 },
    { "icmp", ETH_TYPE_IP, 1 }, { "tcp", ETH_TYPE_IP, 6 }, { "udp", ETH_TYPE_IP, 17 },
    { "sctp", ETH_TYPE_IP, 132 },
    { "icmp6", ETH_TYPE_IPV6, 58 }, { "tcp6", ETH_TYPE_IPV6, 6 }, { "udp6", ETH_TYPE_IPV6, 17 },
    { "sctp6", ETH_TYPE_IPV6, 132 },
};

static bool
match_eth_type_is(const struct match *m, uint16_t type)
{
    return m->wc.dl_type_be == 0xffff && m->flow.dl_type_be == htons(type);
}

static bool
match_proto_is(const struct match *m, uint8_t proto)
{
    return m->wc.nw_proto == 0xff && m->flow.nw_proto == proto;
}

static bool
match_icmp_type_is(const struct match *m, uint8_t type)
{
    return m->wc.tp_src_be == 0xffff && m->flow.tp_src_be == htons(type);
}

/* Returns NULL if MATCH meets prerequisite P, else what it needs: "... (add \"X,\" before it)". */
static const char *
prereq_unmet(const struct match *m, enum prereq p)
{
    bool ip4 = match_eth_type_is(m, ETH_TYPE_IP), ip6 = match_eth_type_is(m, ETH_TYPE_IPV6);
    bool arp = match_eth_type_is(m, ETH_TYPE_ARP), ip = ip4 || ip6;
    bool icmp6 = ip6 && match_proto_is(m, 58);

    switch (p) {
    case P_NONE:
        return NULL;
    case P_IP_OR_ARP:
        return ip4 || arp ? NULL : "ip or arp (add \"ip,\" before it)";
    case P_IP_ANY:
        return ip ? NULL : "ip or ipv6 (add \"ip,\" before it)";
    case P_ARP:
        return arp ? NULL : "arp (add \"arp,\" before it)";
    case P_IPV6:
        return ip6 ? NULL : "ipv6 (add \"ipv6,\" before it)";
    case P_L4:
        return ip && (match_proto_is(m, 6) || match_proto_is(m, 17) || match_proto_is(m, 132))
               ? NULL : "tcp, udp or sctp (add \"tcp,\" before it)";
    case P_TCP:
        return ip && match_proto_is(m, 6) ? NULL : "tcp or tcp6 (add \"tcp,\" before it)";
    case P_UDP:
        return ip && match_proto_is(m, 17) ? NULL : "udp or udp6 (add \"udp,\" before it)";
    case P_SCTP:
        return ip && match_proto_is(m, 132) ? NULL : "sctp or sctp6 (add \"sctp,\" before it)";
    case P_ICMP_ANY:
        return (ip4 && match_proto_is(m, 1)) || icmp6
               ? NULL : "icmp or icmp6 (add \"icmp,\" before it)";
    case P_ND:
        return icmp6 && (match_icmp_type_is(m, 135) || match_icmp_type_is(m, 136)) ? NULL
               : "icmp6 with icmp_type=135 or 136 (add \"icmp6,icmp_type=135,\" before it)";
    case P_ND_SLL:
        return icmp6 && match_icmp_type_is(m, 135) ? NULL
               : "icmp6 with icmp_type=135 (add \"icmp6,icmp_type=135,\" before it)";
    case P_ND_TLL:
        return icmp6 && match_icmp_type_is(m, 136) ? NULL
               : "icmp6 with icmp_type=136 (add \"icmp6,icmp_type=136,\" before it)";
    }
    return NULL;
}

/* ---------------------------------------------------------------------------------------------
 * Whole flows.
 * ------------------------------------------------------------------------------------------- */

/* What a string may contain, by command (as ovs-ofctl's parse_ofp_str). */
enum {
    K_ACTIONS = 1 << 0,     /* actions, timeouts, flags */
    K_PRIORITY = 1 << 1,
    K_OUT_PORT = 1 << 2,
    K_COOKIE_MASK = 1 << 3,
};

struct parsed_flow {
    struct match match;
    uint16_t priority;
    uint64_t cookie, cookie_mask;
    int table_id;            /* -1 = default */
    uint16_t idle_timeout, hard_timeout, flags;
    uint32_t out_port;
    bool have_actions;
    struct ofpacts ofpacts;
};

static char *
parse_flow__(const char *str, unsigned int allowed, const char *what, ofp_port_name_cb *cb,
             void *aux, struct parsed_flow *pf)
{
    char *copy = xstrdup(str ? str : "");
    char *pos = copy, *key, *value;
    char *error = NULL;
    uint64_t used = 0;          /* Bit i: fields[i] was given. */
    struct parse_ctx ctx = { &pf->match, cb, aux };

    memset(pf, 0, sizeof *pf);
    match_init_catchall(&pf->match);
    ofpacts_init(&pf->ofpacts);
    pf->priority = OFP_DEFAULT_PRIORITY;
    pf->table_id = -1;
    pf->out_port = OFPP_ANY;

    while (!error && next_keyword(&pos, &key, &value)) {
        const struct field_def *fd;
        const struct ofp_field *rf;
        uint64_t v;
        size_t i;

        for (i = 0; i < ARRAY_SIZE(shorthands); i++) {
            if (!strcmp(key, shorthands[i].name)) {
                break;
            }
        }
        if (i < ARRAY_SIZE(shorthands) && !*value) {
            pf->match.flow.dl_type_be = htons(shorthands[i].dl_type);
            pf->match.wc.dl_type_be = 0xffff;
            if (shorthands[i].nw_proto >= 0) {
                pf->match.flow.nw_proto = shorthands[i].nw_proto;
                pf->match.wc.nw_proto = 0xff;
            }
        } else if (!strcmp(key, "actions") || !strcmp(key, "action")) {
            if (!(allowed & K_ACTIONS)) {
                error = xasprintf("actions are not allowed when %s", what);
            } else {
                pf->have_actions = true;
                error = ofp_parse_actions(value, cb, aux, &pf->ofpacts);
            }
        } else if (!strcmp(key, "priority")) {
            if (!(allowed & K_PRIORITY)) {
                error = xasprintf("priority is not allowed when %s (use --strict to match an "
                                  "exact priority)", what);
            } else if (!(error = parse_uint("priority", value, UINT16_MAX, &v))) {
                pf->priority = v;
            }
        } else if (!strcmp(key, "table")) {
            if (!(error = parse_uint("table", value, 255, &v))) {
                pf->table_id = v;
            }
        } else if (!strcmp(key, "cookie")) {
            char *slash = strchr(value, '/');
            if (slash && !(allowed & K_COOKIE_MASK)) {
                error = xstrdup("cookie: flow additions cannot use a cookie mask");
            } else if (slash) {
                error = parse_uint_masked("cookie", value, UINT64_MAX, &pf->cookie,
                                          &pf->cookie_mask);
            } else if (!(error = parse_uint("cookie", value, UINT64_MAX, &pf->cookie))) {
                pf->cookie_mask = allowed & K_ACTIONS ? 0 : UINT64_MAX;
            }
        } else if (!strcmp(key, "idle_timeout") || !strcmp(key, "hard_timeout")) {
            if (!(allowed & K_ACTIONS)) {
                error = xasprintf("%s is not allowed when %s", key, what);
            } else if (!(error = parse_uint(key, value, UINT16_MAX, &v))) {
                *(key[0] == 'i' ? &pf->idle_timeout : &pf->hard_timeout) = v;
            }
        } else if (!strcmp(key, "send_flow_rem") || !strcmp(key, "check_overlap")
                   || !strcmp(key, "reset_counts") || !strcmp(key, "no_packet_counts")
                   || !strcmp(key, "no_byte_counts")) {
            static const char *const flag_names[] = {
                "send_flow_rem", "check_overlap", "reset_counts", "no_packet_counts",
                "no_byte_counts",
            };
            if (!(allowed & K_ACTIONS)) {
                error = xasprintf("%s is not allowed when %s", key, what);
            }
            for (i = 0; i < ARRAY_SIZE(flag_names); i++) {
                if (!strcmp(key, flag_names[i])) {
                    pf->flags |= 1u << i;
                }
            }
        } else if (!strcmp(key, "out_port")) {
            if (!(allowed & K_OUT_PORT)) {
                error = xasprintf("out_port is not allowed when %s", what);
            } else {
                error = ofp_parse_port(value, "out_port", cb, aux, &pf->out_port);
            }
        } else if (!strncmp(key, "reg", 3) && isdigit((unsigned char) key[3])
                   && (rf = ofp_field_by_name(key)) != NULL && rf->len == 4) {
            uint64_t rv, rm;
            if (!(error = parse_uint_masked(key, value, UINT32_MAX, &rv, &rm))) {
                int r = atoi(key + 3);
                pf->match.flow.regs[r] = rv;
                pf->match.wc.regs[r] = rm;
            }
        } else if ((fd = field_lookup(key)) != NULL) {
            if (!*value) {
                error = xasprintf("%s: missing value (use %s=VALUE)", key, key);
            } else {
                error = fd->parse(&ctx, key, value, fd->arg);
                used |= UINT64_C(1) << (fd - fields);
            }
        } else if (i < ARRAY_SIZE(shorthands)) {
            error = xasprintf("%s: protocol shorthand takes no value", key);
        } else {
            error = xasprintf("unknown field \"%s\"", key);
        }
    }
    free(copy);
    if (error) {
        return error;
    }
    for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
        const char *need = (used >> i) & 1 ? prereq_unmet(&pf->match, fields[i].prereq) : NULL;
        if (need) {
            return xasprintf("%s: prerequisite not met: %s requires %s", fields[i].name,
                             fields[i].name, need);
        }
    }
    if ((allowed & K_ACTIONS) && !pf->have_actions) {
        return xstrdup("must specify an action (e.g. \"actions=output:1\" or \"actions=drop\")");
    }
    match_normalize(&pf->match);
    return NULL;
}

char *
ofp_parse_flow_mod(const char *str, enum ofp_flow_mod_command command, ofp_port_name_cb *cb,
                   void *aux, struct ofp_flow_mod *fm)
{
    static const char *const whats[] = {
        "adding flows", "modifying flows", "modifying flows strictly", "deleting flows",
        "deleting flows strictly",
    };
    struct parsed_flow pf;
    unsigned int allowed;

    ofp_flow_mod_init(fm);
    fm->command = command;
    switch (command) {
    case OFPFC_ADD: allowed = K_ACTIONS | K_PRIORITY; break;
    case OFPFC_MODIFY: allowed = K_ACTIONS | K_OUT_PORT | K_COOKIE_MASK; break;
    case OFPFC_MODIFY_STRICT: allowed = K_ACTIONS | K_OUT_PORT | K_COOKIE_MASK | K_PRIORITY; break;
    case OFPFC_DELETE: allowed = K_OUT_PORT | K_COOKIE_MASK; break;
    case OFPFC_DELETE_STRICT: allowed = K_OUT_PORT | K_COOKIE_MASK | K_PRIORITY; break;
    default: return xasprintf("unknown flow-mod command %d", command);
    }

    char *error = parse_flow__(str, allowed, whats[command], cb, aux, &pf);
    if (error) {
        ofpacts_destroy(&pf.ofpacts);
        return error;
    }
    bool del = command == OFPFC_DELETE || command == OFPFC_DELETE_STRICT;
    if (command == OFPFC_ADD && pf.table_id == 255) {
        ofpacts_destroy(&pf.ofpacts);
        return xstrdup("table: flows must be added to one table (0 to 254), not 255 (all)");
    }
    fm->match = pf.match;
    fm->priority = pf.priority;
    fm->cookie = pf.cookie;
    fm->cookie_mask = pf.cookie_mask;
    fm->table_id = pf.table_id >= 0 ? pf.table_id : del ? 0xff : 0;
    fm->idle_timeout = pf.idle_timeout;
    fm->hard_timeout = pf.hard_timeout;
    fm->flags = pf.flags;
    fm->out_port = pf.out_port;
    fm->ofpacts = pf.ofpacts;
    return NULL;
}

char *
ofp_parse_flow_stats_request(const char *str, bool aggregate, ofp_port_name_cb *cb, void *aux,
                             struct ofp_flow_stats_request *fsr)
{
    struct parsed_flow pf;
    char *error = parse_flow__(str, K_OUT_PORT | K_COOKIE_MASK, "dumping flows",
                               cb, aux, &pf);

    memset(fsr, 0, sizeof *fsr);
    ofpacts_destroy(&pf.ofpacts);
    if (error) {
        return error;
    }
    fsr->aggregate = aggregate;
    fsr->table_id = pf.table_id >= 0 ? pf.table_id : 0xff;
    fsr->out_port = pf.out_port;
    fsr->out_group = OFPG_ANY;
    fsr->cookie = pf.cookie;
    fsr->cookie_mask = pf.cookie_mask;
    fsr->match = pf.match;
    return NULL;
}

/* ---------------------------------------------------------------------------------------------
 * Helpers shared with ofp-actions.c.
 * ------------------------------------------------------------------------------------------- */

bool
ofp_next_keyword(char **pos, char **key, char **value)
{
    return next_keyword(pos, key, value);
}

char *
ofp_parse_uint(const char *name, const char *s, uint64_t max, uint64_t *v)
{
    return parse_uint(name, s, max, v);
}

bool
ofp_port_from_string(const char *s, ofp_port_name_cb *cb, void *aux, uint32_t *port)
{
    return port_from_string(s, cb, aux, port);
}
