/*
 * ofctl-packet — uvs-ofctl's packet commands: packet-out (OpenFlow 1.3.5 §7.3.7), monitor (prints
 * the packet-ins, flow removals and port status messages a service connection receives) and snoop
 * (prints the OpenFlow traffic between the switch and its controllers, from RUNDIR/BRIDGE.snoop).
 * See ofctl.h.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofctl.h"
#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-bundle.h"
#include "ofproto/ofp-group.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-parse.h"
#include "ofproto/ofp-print.h"

/* ---------------------------------------------------------------------------------------------
 * Commands: packet-out, monitor.
 * ------------------------------------------------------------------------------------------- */

/* Parses a hex string ("ffffffffffff0200...", spaces and dots allowed) into *BUF. */
static size_t
parse_hex_packet(const char *s, uint8_t **bufp)
{
    size_t n = 0, alloc = strlen(s) / 2 + 1;
    uint8_t *buf = xmalloc(alloc);

    while (*s) {
        if (strchr(" .:\t", *s)) {
            s++;
            continue;
        }
        unsigned int byte;
        if (!isxdigit((unsigned char) s[0]) || !isxdigit((unsigned char) s[1])
            || sscanf(s, "%2x", &byte) != 1) {
            uvs_fatal(0, "packet-out: \"%s\" is not a hex packet (e.g. ffffffffffff0200...)", s);
        }
        buf[n++] = byte;
        s += 2;
    }
    *bufp = buf;
    return n;
}

/* packet-out SWITCH IN_PORT ACTIONS PACKET...  or  packet-out SWITCH "in_port=P packet=HEX
 * actions=A" (both ovs-ofctl syntaxes). */
void
cmd_packet_out(int argc, char *argv[])
{
    struct port_lookup pl = { argv[1] };
    const char *in_port_s = NULL, *actions_s = NULL;
    char **packets = NULL;
    int n_packets = 0;
    char *copy = NULL;

    if (argc == 3) {
        copy = xstrdup(argv[2]);
        char *pos = copy, *key, *value;
        while (ofp_next_keyword(&pos, &key, &value)) {
            if (!strcmp(key, "in_port")) {
                in_port_s = value;
            } else if (!strcmp(key, "packet")) {
                packets = xrealloc(packets, (n_packets + 1) * sizeof *packets);
                packets[n_packets++] = value;
            } else if (!strcmp(key, "actions") || !strcmp(key, "action")) {
                actions_s = value;
            } else {
                uvs_fatal(0, "packet-out: unknown keyword \"%s\" (use in_port=, packet=, "
                          "actions=)", key);
            }
        }
        if (!n_packets || !actions_s) {
            uvs_fatal(0, "packet-out: need packet=HEX and actions=ACTIONS");
        }
    } else if (argc >= 5) {
        in_port_s = argv[2];
        actions_s = argv[3];
        packets = argv + 4;
        n_packets = argc - 4;
    } else {
        uvs_fatal(0, "packet-out: usage: packet-out SWITCH IN_PORT ACTIONS PACKET... or "
                  "packet-out SWITCH \"in_port=PORT packet=HEX actions=ACTIONS\"");
    }

    uint32_t in_port = OFPP_CONTROLLER;
    if (in_port_s && strcasecmp(in_port_s, "none")) {
        get_port_map(argv[1]);
        char *error = ofp_parse_port(in_port_s, "in_port", lookup_port_name, &pl, &in_port);
        if (error) {
            uvs_fatal(0, "packet-out: %s", error);
        }
    }
    struct ofp_packet_out po = { .buffer_id = OFP_NO_BUFFER, .in_port = in_port };
    char *error = ofp_parse_actions(actions_s, lookup_port_name, &pl, &po.ofpacts);
    if (error) {
        uvs_fatal(0, "packet-out: %s", error);
    }

    struct vconn vc;
    struct ofpbuf b;
    vconn_open(argv[1], &vc);
    ofpbuf_init(&b, 2048);
    for (int i = 0; i < n_packets; i++) {
        uint8_t *data;
        po.data_len = parse_hex_packet(packets[i], &data);
        po.data = data;
        ofp_encode_packet_out(&b, vc.version, alloc_xid(), &po);
        free(data);
    }
    transact_with_barrier(&vc, &b, "packet-out");
    ofpbuf_uninit(&b);
    vconn_close(&vc);
    ofpacts_destroy(&po.ofpacts);
    if (copy) {
        free(packets);
        free(copy);
    }
}

/* Appends PI's tunnel metadata as ovs-ofctl shows it before in_port
 * ("tun_id=0x64,tun_src=192.0.2.1,tun_dst=192.0.2.2,"); nothing for a packet without. */
static void
format_packet_in_tnl(struct ds *s, const struct ofp_packet_in *pi)
{
    static const uint8_t zero16[16];
    struct flow f, mask;

    /* flow_to_string() prints exactly the fields whose mask is nonzero. */
    memset(&f, 0, sizeof f);
    memset(&mask, 0, sizeof mask);
    f.tun_id_be = htobe64(pi->tun_id);
    mask.tun_id_be = pi->tun_id ? UINT64_MAX : 0;
    f.tun_src_be = pi->tun_src_be;
    mask.tun_src_be = pi->tun_src_be ? UINT32_MAX : 0;
    f.tun_dst_be = pi->tun_dst_be;
    mask.tun_dst_be = pi->tun_dst_be ? UINT32_MAX : 0;
    memcpy(f.tun_ipv6_src, pi->tun_ipv6_src, 16);
    memset(mask.tun_ipv6_src, memcmp(pi->tun_ipv6_src, zero16, 16) ? 0xff : 0, 16);
    memcpy(f.tun_ipv6_dst, pi->tun_ipv6_dst, 16);
    memset(mask.tun_ipv6_dst, memcmp(pi->tun_ipv6_dst, zero16, 16) ? 0xff : 0, 16);
    char *fs = flow_to_string(&f, &mask);
    if (fs && *fs) {
        ds_put_format(s, "%s,", fs);
    }
    free(fs);
}

/* monitor SWITCH [MISS_LEN]: prints packet-ins and port status messages until interrupted. */
void
cmd_monitor(int argc, char *argv[])
{
    struct vconn vc;
    struct ofpbuf b;
    uint64_t miss_len = 128;

    if (argc > 2 && !str_to_uint64(argv[2], 10, UINT16_MAX, &miss_len)) {
        uvs_fatal(0, "monitor: \"%s\" is not a miss length (0 to 65535)", argv[2]);
    }
    vconn_open_ports(argv[1], &vc);
    ofpbuf_init(&b, 2048);
    /* A management connection gets packet-ins once it gives a miss_send_len. */
    struct ofp_switch_config cfg = { OFPC_FRAG_NORMAL, (uint16_t) miss_len };
    ofp_encode_switch_config(&b, vc.version, OFPT_SET_CONFIG, alloc_xid(), &cfg);
    vconn_send(&vc, &b);
    for (;;) {
        struct ds s = DS_EMPTY_INITIALIZER;
        struct ofperr err;
        vconn_recv(&vc, &b);
        uint32_t xid = ofp_get_be32(b.data + 4);
        if (b.data[1] == OFPT_PACKET_IN) {
            struct ofp_packet_in pi;
            if (ofp_decode_packet_in(b.data, b.size, &pi, &err)) {
                decode_failed(&vc, "packet-in", err);
            }
            ofp_format_msg_header(&s, "OFPT_PACKET_IN", b.data[0], xid);
            ds_put_char(&s, ' ');
            if (pi.table_id) {
                ds_put_format(&s, "table_id=%u ", pi.table_id);
            }
            ds_put_format(&s, "cookie=0x%"PRIx64" total_len=%u ", pi.cookie, pi.total_len);
            format_packet_in_tnl(&s, &pi);
            ds_put_cstr(&s, "in_port=");
            ofp_format_port(&s, pi.in_port, ports_to_show(argv[1]));
            ds_put_format(&s, " (via %s) data_len=%zu (unbuffered)\n",
                          pi.reason == OFPR_NO_MATCH ? "no_match" : pi.reason == OFPR_ACTION
                          ? "action" : "invalid_ttl", pi.data_len);
            struct flow flow;
            flow_extract(pi.data, pi.data_len, 0, &flow);
            flow.in_port = 0;
            char *fs = flow_to_string(&flow, NULL);
            char *p = fs && !strncmp(fs, "in_port=0,", 10) ? fs + 10 : fs;
            ds_put_format(&s, "%s\n", p ? p : "");
            free(fs);
        } else if (b.data[1] == OFPT_FLOW_REMOVED) {
            struct ofp_flow_removed fr;
            static const char *const reasons[] = { "idle", "hard", "delete" };
            if (!ofp_decode_flow_removed(b.data, b.size, &fr, &err)) {
                ofp_format_msg_header(&s, "OFPT_FLOW_REMOVED", b.data[0], xid);
                ds_put_char(&s, ' ');
                ofp_format_match(&s, &fr.match, fr.priority, ports_to_show(argv[1]));
                ds_put_format(&s, " reason=%s", fr.reason < 3 ? reasons[fr.reason] : "?");
                if (fr.table_id) {
                    ds_put_format(&s, " table_id=%u", fr.table_id);
                }
                if (fr.cookie) {
                    ds_put_format(&s, " cookie:0x%"PRIx64, fr.cookie);
                }
                ds_put_cstr(&s, " duration");
                ofp_format_duration(&s, fr.duration_sec, fr.duration_nsec);
                if (fr.idle_timeout) {
                    ds_put_format(&s, " idle%u", fr.idle_timeout);
                }
                if (fr.hard_timeout) {
                    ds_put_format(&s, " hard%u", fr.hard_timeout);
                }
                ds_put_format(&s, " pkts%"PRIu64" bytes%"PRIu64"\n", fr.packet_count,
                              fr.byte_count);
            }
        } else if (b.data[1] == OFPT_PORT_STATUS) {
            uint8_t reason;
            struct ofp_phy_port pp;
            if (!ofp_decode_port_status(b.data, b.size, &reason, &pp, &err)) {
                ofp_format_msg_header(&s, "OFPT_PORT_STATUS", b.data[0], xid);
                ds_put_format(&s, " %s:", reason == OFPPR_ADD ? "ADD" : reason == OFPPR_DELETE
                              ? "DEL" : "MOD");
                ofp_format_phy_port(&s, &pp);
            }
        } else if (b.data[1] == OFPT_ERROR) {
            report_error(&vc, &b, "monitor");
        } else if (b.data[1] == OFPT_ECHO_REQUEST) {
            struct ofpbuf r;
            ofpbuf_init(&r, 64);
            ofp_encode_echo(&r, vc.version, OFPT_ECHO_REPLY, xid, b.data + 8, b.size - 8);
            vconn_send(&vc, &r);
            ofpbuf_uninit(&r);
        }
        fputs(ds_cstr(&s), stdout);
        fflush(stdout);
        ds_destroy(&s);
    }
}


/* ofp_type_name(), plus the OpenFlow 1.4 messages a snooper may see. */
static const char *
snoop_type_name(uint8_t type)
{
    switch (type) {
    case OFPT_ROLE_STATUS: return "OFPT_ROLE_STATUS";
    case 31: return "OFPT_TABLE_STATUS";
    case 32: return "OFPT_REQUESTFORWARD";
    case OFPT_BUNDLE_CONTROL: return "OFPT_BUNDLE_CONTROL";
    case OFPT_BUNDLE_ADD_MESSAGE: return "OFPT_BUNDLE_ADD_MESSAGE";
    default: return ofp_type_name(type);
    }
}

/* snoop SWITCH: connects to the switch's snoop socket (RUNDIR/BRIDGE.snoop for a bridge name,
 * else SWITCH itself) and prints every message exchanged with the controllers until interrupted:
 * one line per message, with the decoded flow-mod for flow-mods. */
void
cmd_snoop(int argc, char *argv[])
{
    char *target = strchr(argv[1], ':') ? xstrdup(argv[1])
                   : xasprintf("unix:%s/%s.snoop", uvs_rundir(), argv[1]);
    struct vconn vc;
    struct ofpbuf b;

    (void) argc;
    vconn_open(target, &vc);
    ofpbuf_init(&b, 2048);
    for (;;) {
        struct ds s = DS_EMPTY_INITIALIZER;
        struct ofperr err;
        vconn_recv(&vc, &b);
        uint8_t type = b.data[1];
        ofp_format_msg_header(&s, snoop_type_name(type), b.data[0], ofp_get_be32(b.data + 4));
        if (type == OFPT_BUNDLE_CONTROL) {
            struct ofp_bundle_ctrl bc;
            if (!ofp_decode_bundle_ctrl(b.data, b.size, &bc, &err)) {
                ds_put_format(&s, " bundle_id=%#"PRIx32" type=%s flags=%#x", bc.bundle_id,
                              ofp_bundle_ctrl_type_name(bc.type), bc.flags);
            }
        } else if (type == OFPT_BUNDLE_ADD_MESSAGE) {
            struct ofp_bundle_add ba;
            if (!ofp_decode_bundle_add(b.data, b.size, &ba, &err)) {
                ds_put_format(&s, " bundle_id=%#"PRIx32" %s", ba.bundle_id,
                              ofp_type_name(ba.msg[1]));
            }
        } else if (type == OFPT_FLOW_MOD) {
            struct ofp_flow_mod fm;
            if (!ofp_decode_flow_mod(b.data, b.size, &fm, &err)) {
                ds_put_char(&s, ' ');
                ofp_format_flow_mod(&s, &fm, NULL);
            }
            ofp_flow_mod_destroy(&fm);
        } else if (type == OFPT_ERROR) {
            struct ofperr e;
            const uint8_t *data;
            size_t data_len;
            if (!ofp_decode_error(b.data, b.size, &e, &data, &data_len, &err)) {
                ds_put_format(&s, " %s %s", ofperr_type_name(e.type), ofperr_code_name(e));
            }
        } else if (type == OFPT_MULTIPART_REQUEST || type == OFPT_MULTIPART_REPLY) {
            struct ofp_multipart mp;
            if (!ofp_decode_multipart(b.data, b.size, &mp, &err)) {
                ds_put_format(&s, " type=%u flags=%#x body_len=%zu", mp.type, mp.flags,
                              mp.body_len);
            }
        } else if (b.size > OFP_HEADER_LEN) {
            ds_put_format(&s, " (%zu bytes)", b.size);
        }
        ds_put_char(&s, '\n');
        fputs(ds_cstr(&s), stdout);
        fflush(stdout);
        ds_destroy(&s);
    }
}
