/*
 * ofctl — what uvs-ofctl's command files share: a blocking OpenFlow connection to SWITCH, the xid
 * counter, port-name lookup and the options the commands read. The files split along the command
 * groups: uvs-ofctl.c holds the connection, the options, main() and the switch/port/table/flow
 * dump commands; ofctl-flow.c the flow-mod commands (add/mod/del/replace/diff-flows, --bundle);
 * ofctl-group.c the group commands; ofctl-meter.c the meter commands; ofctl-packet.c packet-out,
 * monitor and snoop; ofctl-json.c the --format json objects of every dump. Single-threaded; every function here exits with a message (uvs_fatal) on any
 * failure rather than returning an error.
 */
#ifndef UVS_OFCTL_H
#define UVS_OFCTL_H 1

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "lib/stream.h"
#include "lib/util.h"
#include "ofproto/ofp-msgs.h"

struct vconn {
    const char *target;        /* SWITCH as the user wrote it, for messages. */
    char *name;                /* Stream name. */
    struct stream *stream;
    struct ofpbuf rx;
    uint8_t version;
};

struct ofp_port_map;

/* Options (uvs-ofctl.c). */
extern bool ofctl_strict;          /* --strict: mod-flows/del-flows match exactly. */
extern bool ofctl_bundle;          /* --bundle: flow-mods go in one atomic OpenFlow 1.4 bundle. */
extern bool ofctl_json;            /* --format json: dumps print JSON (ofctl-json.c). */
/* Whether port names are shown (--names, --no-names, default: stdout is a terminal). */
bool should_show_names(void);

uint32_t alloc_xid(void);
/* Connects to TARGET (a bridge name, "unix:PATH", "tcp:IP:PORT" or "ssl:IP:PORT") and negotiates
 * the highest version both sides speak, among those -O allows. vconn_open_ports() prefers
 * OpenFlow 1.3 when -O allows it (commands that print port descriptions, statistics or status,
 * so their output keeps ovs-ofctl's 1.3 layout); vconn_open_bundle() offers only OpenFlow 1.4
 * and later (bundles). */
void vconn_open(const char *target, struct vconn *);
void vconn_open_ports(const char *target, struct vconn *);
void vconn_open_bundle(const char *target, struct vconn *);
void vconn_close(struct vconn *);
void vconn_send(struct vconn *, const struct ofpbuf *);
/* Receives the next message into MSG. */
void vconn_recv(struct vconn *, struct ofpbuf *msg);
/* Reports the OpenFlow error in MSG, received for a request described by WHAT, and exits. */
void report_error(const struct vconn *, const struct ofpbuf *msg, const char *what)
    __attribute__((noreturn));
/* Sends the multipart REQUEST (whose xid is XID) and calls CB for each reply message until the
 * last one. */
typedef void multipart_cb(struct vconn *, const struct ofpbuf *msg, const struct ofp_multipart *,
                          void *aux);
void multipart_transact(struct vconn *, struct ofpbuf *request, uint32_t xid, const char *what,
                        multipart_cb *cb, void *aux);
/* Appends a barrier request to the requests encoded in B, sends them, and waits for the barrier
 * reply; an OpenFlow error received first is reported (naming WHAT) and exits. B is reused as the
 * receive buffer. */
void transact_with_barrier(struct vconn *, struct ofpbuf *b, const char *what);
void decode_failed(const struct vconn *, const char *what, struct ofperr err)
    __attribute__((noreturn));
/* Receives the reply with XID into MSG (skipping other messages); an ERROR reply is reported
 * (naming WHAT) and exits. */
void recv_reply(struct vconn *, uint32_t xid, struct ofpbuf *msg, const char *what);

/* Port names. get_port_map() fetches the switch's ports once, over a separate connection (as
 * ovs-ofctl does, so xids match its output); lookup_port_name() is an ofp_port_name_cb whose AUX
 * is a struct port_lookup; ports_to_show() is the map to print names with, or NULL. */
struct port_lookup {
    const char *target;
};
struct ofp_port_map *get_port_map(const char *target);
bool lookup_port_name(void *aux, const char *name, uint32_t *port);
const struct ofp_port_map *ports_to_show(const char *target);

/* A flow-mod or group-mod to send, and the text it came from for error reports ("flow-mod",
 * "flow-mod at FILE:LINE"). The mods are borrowed. */
struct ofp_flow_mod;
struct ofp_group_mod;
struct ofctl_mod {
    uint8_t type;                  /* OFPT_FLOW_MOD or OFPT_GROUP_MOD. */
    const struct ofp_flow_mod *fm;
    const struct ofp_group_mod *gm;
    const char *where;
};
/* Sends MODS[0..N) to TARGET followed by a barrier, or with BUNDLE inside one OpenFlow 1.4 bundle
 * (flags atomic and ordered, OpenFlow 1.4.1 §7.3.9) then committed, so that the switch applies
 * all of them or none; the first error the switch returns is reported (naming the mod's 'where')
 * and exits. */
void ofctl_transact_mods(const char *target, const struct ofctl_mod *mods, size_t n, bool bundle);

/* Flow-mod commands (ofctl-flow.c), argv[1] = SWITCH. bundle SWITCH FILE sends the flow-mods and
 * group-mods of FILE ("flow [add|modify|modify_strict|delete|delete_strict] FLOW" and
 * "group [add|modify|delete] GROUP" lines, as ovs-ofctl bundle) in one bundle. */
void cmd_bundle(int argc, char *argv[]);
void cmd_add_flow(int argc, char *argv[]);
void cmd_add_flows(int argc, char *argv[]);
void cmd_mod_flows(int argc, char *argv[]);
void cmd_del_flows(int argc, char *argv[]);
void cmd_replace_flows(int argc, char *argv[]);
void cmd_diff_flows(int argc, char *argv[]);

/* Group commands (ofctl-group.c). */
void cmd_add_group(int argc, char *argv[]);
void cmd_add_groups(int argc, char *argv[]);
void cmd_mod_group(int argc, char *argv[]);
void cmd_del_groups(int argc, char *argv[]);
void cmd_dump_groups(int argc, char *argv[]);
void cmd_dump_group_stats(int argc, char *argv[]);
void cmd_dump_group_features(int argc, char *argv[]);

/* Packet commands (ofctl-packet.c). */
void cmd_packet_out(int argc, char *argv[]);
void cmd_monitor(int argc, char *argv[]);
void cmd_snoop(int argc, char *argv[]);

/* Meter commands (ofctl-meter.c), argv[1] = SWITCH. */
void cmd_add_meter(int argc, char *argv[]);
void cmd_mod_meter(int argc, char *argv[]);
void cmd_del_meters(int argc, char *argv[]);
void cmd_dump_meters(int argc, char *argv[]);
void cmd_meter_stats(int argc, char *argv[]);
void cmd_meter_features(int argc, char *argv[]);

/* JSON output (ofctl-json.c), for --format json. Each function returns a new reference to an
 * object with the stable keys documented in docs/user-guide/uvs-ofctl.md; ofctl_json_print()
 * prints J indented on stdout and releases it. */
struct ofp_phy_port;
struct ofp_switch_features;
struct ofp_switch_config;
struct ofp_desc;
struct ofp_table_stats;
struct ofp_table_features_entry;
struct ofp_port_stats;
struct ofp_aggregate_stats;
struct ofp_group_stats;
struct ofp_group_features;
struct ofp_meter_mod;
struct ofp_meter_stats;
struct ofp_meter_features;
void ofctl_json_print(json_t *j);
json_t *ofctl_json_port_desc(const struct ofp_phy_port *);
/* "show": the features reply with an empty "ports" array to fill; ofctl_json_set_config() adds
 * the get-config reply's "frag" and "miss_send_len". */
json_t *ofctl_json_features(uint8_t version, const struct ofp_switch_features *);
void ofctl_json_set_config(json_t *show, const struct ofp_switch_config *);
json_t *ofctl_json_desc(const struct ofp_desc *);
json_t *ofctl_json_table_stats(const struct ofp_table_stats *);
json_t *ofctl_json_table_features(const struct ofp_table_features_entry *);
json_t *ofctl_json_port_stats(const struct ofp_port_stats *, const struct ofp_port_map *);
json_t *ofctl_json_aggregate(const struct ofp_aggregate_stats *);
json_t *ofctl_json_group(const struct ofp_group_mod *, const struct ofp_port_map *);
json_t *ofctl_json_group_stats(const struct ofp_group_stats *);
json_t *ofctl_json_group_features(const struct ofp_group_features *);
json_t *ofctl_json_meter_config(const struct ofp_meter_mod *);
json_t *ofctl_json_meter_stats(const struct ofp_meter_stats *);
json_t *ofctl_json_meter_features(const struct ofp_meter_features *);

#endif
