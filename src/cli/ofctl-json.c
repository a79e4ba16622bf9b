/*
 * ofctl-json — uvs-ofctl's `--format json` output: one jansson object per decoded reply entry,
 * with keys that stay the same from release to release (documented in
 * docs/user-guide/uvs-ofctl.md, "JSON output"). Counters are JSON integers (null where the switch
 * reports a counter as unavailable), durations are seconds as a JSON real, bitmaps are arrays of
 * lower-case flag names, ports are numbers with the port name alongside when it is known.
 * Single-threaded, like the rest of uvs-ofctl.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/ofctl.h"
#include "ofproto/ofp-group.h"
#include "ofproto/ofp-meter.h"
#include "ofproto/ofp-print.h"
#include "ofproto/ofp-table.h"

/* A bit's name in a flag table. */
struct flag_name {
    uint64_t bit;
    const char *name;
};

static json_t *
flags_to_json(uint64_t flags, const struct flag_name *names, size_t n)
{
    json_t *arr = json_array();

    for (size_t i = 0; i < n; i++) {
        if (flags & names[i].bit) {
            json_array_append_new(arr, json_string(names[i].name));
            flags &= ~names[i].bit;
        }
    }
    for (int i = 0; i < 64; i++) {        /* Bits without a name: "bitN". */
        if (flags & (UINT64_C(1) << i)) {
            char name[16];
            snprintf(name, sizeof name, "bit%d", i);
            json_array_append_new(arr, json_string(name));
        }
    }
    return arr;
}

/* UINT64_MAX (OpenFlow's "unavailable") as null. */
static json_t *
counter(uint64_t c)
{
    return c == UINT64_MAX ? json_null() : json_integer((json_int_t) c);
}

static json_t *
duration(uint32_t sec, uint32_t nsec)
{
    return json_real(sec + nsec / 1e9);
}

static json_t *
hex64(uint64_t v)
{
    char s[24];
    snprintf(s, sizeof s, "0x%"PRIx64, v);
    return json_string(s);
}

/* Sets "port" (a number) and, when MAP knows it, "name" in OBJ. */
static void
set_port(json_t *obj, const char *key, uint32_t port, const struct ofp_port_map *map)
{
    json_object_set_new(obj, key, json_integer(port));
    const char *name = map ? ofp_port_map_get_name(map, port) : NULL;
    if (name) {
        json_object_set_new(obj, "name", json_string(name));
    }
}

void
ofctl_json_print(json_t *j)
{
    char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    puts(text);
    free(text);
    json_decref(j);
}

static const struct flag_name port_config_names[] = {
    { OFPPC_PORT_DOWN, "port_down" }, { OFPPC_NO_RECV, "no_recv" },
    { OFPPC_NO_FLOOD, "no_flood" }, { OFPPC_NO_FWD, "no_fwd" },
    { OFPPC_NO_PACKET_IN, "no_packet_in" },
};
static const struct flag_name port_state_names[] = {
    { OFPPS_LINK_DOWN, "link_down" }, { 2, "blocked" }, { OFPPS_LIVE, "live" },
};
static const struct flag_name port_feature_names[] = {   /* OpenFlow 1.3.5 §7.2.1 */
    { 1 << 0, "10mb_hd" }, { 1 << 1, "10mb_fd" }, { 1 << 2, "100mb_hd" },
    { 1 << 3, "100mb_fd" }, { 1 << 4, "1gb_hd" }, { 1 << 5, "1gb_fd" }, { 1 << 6, "10gb_fd" },
    { 1 << 7, "40gb_fd" }, { 1 << 8, "100gb_fd" }, { 1 << 9, "1tb_fd" }, { 1 << 10, "other" },
    { 1 << 11, "copper" }, { 1 << 12, "fiber" }, { 1 << 13, "autoneg" }, { 1 << 14, "pause" },
    { 1 << 15, "pause_asym" },
};

json_t *
ofctl_json_port_desc(const struct ofp_phy_port *pp)
{
    const uint8_t *e = pp->hw_addr.ea;
    char mac[18];

    snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", e[0], e[1], e[2], e[3], e[4], e[5]);
    return json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I}",
                     "port", (json_int_t) pp->port_no, "name", pp->name, "hw_addr", mac,
                     "config", flags_to_json(pp->config, port_config_names,
                                             ARRAY_SIZE(port_config_names)),
                     "state", flags_to_json(pp->state, port_state_names,
                                            ARRAY_SIZE(port_state_names)),
                     "curr", flags_to_json(pp->curr, port_feature_names,
                                           ARRAY_SIZE(port_feature_names)),
                     "advertised", flags_to_json(pp->advertised, port_feature_names,
                                                 ARRAY_SIZE(port_feature_names)),
                     "supported", flags_to_json(pp->supported, port_feature_names,
                                                ARRAY_SIZE(port_feature_names)),
                     "peer", flags_to_json(pp->peer, port_feature_names,
                                           ARRAY_SIZE(port_feature_names)),
                     "curr_speed_kbps", (json_int_t) pp->curr_speed,
                     "max_speed_kbps", (json_int_t) pp->max_speed);
}

json_t *
ofctl_json_features(uint8_t version, const struct ofp_switch_features *f)
{
    static const struct flag_name caps[] = {
        { OFPC_FLOW_STATS, "flow_stats" }, { OFPC_TABLE_STATS, "table_stats" },
        { OFPC_PORT_STATS, "port_stats" }, { OFPC_GROUP_STATS, "group_stats" },
        { OFPC_IP_REASM, "ip_reasm" }, { OFPC_QUEUE_STATS, "queue_stats" },
        { OFPC_PORT_BLOCKED, "port_blocked" },
    };
    char dpid[17];

    snprintf(dpid, sizeof dpid, "%016"PRIx64, f->datapath_id);
    return json_pack("{s:i, s:s, s:I, s:i, s:o, s:[]}",
                     "version", version, "datapath_id", dpid,
                     "n_buffers", (json_int_t) f->n_buffers, "n_tables", f->n_tables,
                     "capabilities", flags_to_json(f->capabilities, caps, ARRAY_SIZE(caps)),
                     "ports");
}

void
ofctl_json_set_config(json_t *show, const struct ofp_switch_config *c)
{
    static const char *const frags[] = { "normal", "drop", "reassemble", "nx-match" };

    json_object_set_new(show, "frag", json_string(frags[c->flags & OFPC_FRAG_MASK]));
    json_object_set_new(show, "miss_send_len", json_integer(c->miss_send_len));
}

json_t *
ofctl_json_desc(const struct ofp_desc *d)
{
    return json_pack("{s:s%, s:s%, s:s%, s:s%, s:s%}",
                     "mfr_desc", d->mfr_desc, strnlen(d->mfr_desc, sizeof d->mfr_desc),
                     "hw_desc", d->hw_desc, strnlen(d->hw_desc, sizeof d->hw_desc),
                     "sw_desc", d->sw_desc, strnlen(d->sw_desc, sizeof d->sw_desc),
                     "serial_num", d->serial_num, strnlen(d->serial_num, sizeof d->serial_num),
                     "dp_desc", d->dp_desc, strnlen(d->dp_desc, sizeof d->dp_desc));
}

json_t *
ofctl_json_table_stats(const struct ofp_table_stats *ts)
{
    return json_pack("{s:i, s:I, s:o, s:o}", "table", ts->table_id,
                     "active_count", (json_int_t) ts->active_count,
                     "lookup_count", counter(ts->lookup_count),
                     "matched_count", counter(ts->matched_count));
}

static json_t *
type_names_to_json(uint64_t map, const char *(*name)(unsigned int))
{
    json_t *arr = json_array();

    for (unsigned int i = 0; i < 64; i++) {
        if (map & (UINT64_C(1) << i)) {
            const char *n = name(i);
            char buf[16];
            if (!n) {
                snprintf(buf, sizeof buf, "type%u", i);
                n = buf;
            }
            json_array_append_new(arr, json_string(n));
        }
    }
    return arr;
}

static json_t *
fields_to_json(const uint8_t *map)
{
    json_t *arr = json_array();

    for (int i = 0; i < 256; i++) {
        const struct ofp_field *f = map[i / 8] & (1u << (i % 8)) ? ofp_field_by_id(i) : NULL;
        if (f) {
            json_array_append_new(arr, json_string(f->name));
        }
    }
    return arr;
}

json_t *
ofctl_json_table_features(const struct ofp_table_features_entry *e)
{
    json_t *next = json_array();

    for (int t = 0; t < 256; t++) {
        if (e->next_tables[t / 8] & (1u << (t % 8))) {
            json_array_append_new(next, json_integer(t));
        }
    }
    return json_pack("{s:i, s:s%, s:o, s:o, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
                     "table", e->tf.table_id,
                     "name", e->tf.name, strnlen(e->tf.name, sizeof e->tf.name),
                     "metadata_match", hex64(e->tf.metadata_match),
                     "metadata_write", hex64(e->tf.metadata_write),
                     "config", (json_int_t) e->tf.config,
                     "max_entries", (json_int_t) e->tf.max_entries,
                     "next_tables", next,
                     "instructions", type_names_to_json(e->instructions, ofp_instruction_name),
                     "write_actions", type_names_to_json(e->write_actions, ofp_action_type_name),
                     "apply_actions", type_names_to_json(e->apply_actions, ofp_action_type_name),
                     "set_fields", fields_to_json(e->set_fields),
                     "match", fields_to_json(e->match),
                     "wildcards", fields_to_json(e->wildcards));
}

json_t *
ofctl_json_port_stats(const struct ofp_port_stats *ps, const struct ofp_port_map *map)
{
    json_t *o = json_object();

    set_port(o, "port", ps->port_no, map);
    json_object_set_new(o, "rx_packets", counter(ps->rx_packets));
    json_object_set_new(o, "rx_bytes", counter(ps->rx_bytes));
    json_object_set_new(o, "rx_dropped", counter(ps->rx_dropped));
    json_object_set_new(o, "rx_errors", counter(ps->rx_errors));
    json_object_set_new(o, "rx_frame_err", counter(ps->rx_frame_err));
    json_object_set_new(o, "rx_over_err", counter(ps->rx_over_err));
    json_object_set_new(o, "rx_crc_err", counter(ps->rx_crc_err));
    json_object_set_new(o, "tx_packets", counter(ps->tx_packets));
    json_object_set_new(o, "tx_bytes", counter(ps->tx_bytes));
    json_object_set_new(o, "tx_dropped", counter(ps->tx_dropped));
    json_object_set_new(o, "tx_errors", counter(ps->tx_errors));
    json_object_set_new(o, "collisions", counter(ps->collisions));
    json_object_set_new(o, "duration", duration(ps->duration_sec, ps->duration_nsec));
    return o;
}

json_t *
ofctl_json_aggregate(const struct ofp_aggregate_stats *a)
{
    return json_pack("{s:I, s:I, s:I}", "packet_count", (json_int_t) a->packet_count,
                     "byte_count", (json_int_t) a->byte_count,
                     "flow_count", (json_int_t) a->flow_count);
}

static const char *const group_type_names[] = { "all", "select", "indirect", "ff" };

json_t *
ofctl_json_group(const struct ofp_group_mod *gm, const struct ofp_port_map *map)
{
    json_t *buckets = json_array();

    for (size_t i = 0; i < gm->n_buckets; i++) {
        const struct ofp_bucket *b = &gm->buckets[i];
        struct ds a = DS_EMPTY_INITIALIZER;
        ofp_format_actions(&a, &b->ofpacts, map);
        json_t *o = json_pack("{s:i, s:i}", "bucket_id", (int) i, "weight", b->weight);
        json_object_set_new(o, "watch_port", b->watch_port == OFPP_ANY
                            ? json_null() : json_integer(b->watch_port));
        json_object_set_new(o, "watch_group", b->watch_group == OFPG_ANY
                            ? json_null() : json_integer(b->watch_group));
        json_object_set_new(o, "actions", json_string(ds_cstr(&a)));
        json_array_append_new(buckets, o);
        ds_destroy(&a);
    }
    return json_pack("{s:I, s:s, s:o}", "group_id", (json_int_t) gm->group_id,
                     "type", gm->type < ARRAY_SIZE(group_type_names)
                     ? group_type_names[gm->type] : "unknown",
                     "buckets", buckets);
}

json_t *
ofctl_json_group_stats(const struct ofp_group_stats *gs)
{
    json_t *buckets = json_array();

    for (size_t i = 0; i < gs->n_buckets; i++) {
        json_array_append_new(buckets, json_pack("{s:I, s:I}",
                              "packet_count", (json_int_t) gs->bucket_packets[i],
                              "byte_count", (json_int_t) gs->bucket_bytes[i]));
    }
    return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o}",
                     "group_id", (json_int_t) gs->group_id,
                     "ref_count", gs->ref_count == UINT32_MAX
                     ? json_null() : json_integer(gs->ref_count),
                     "packet_count", counter(gs->packet_count),
                     "byte_count", counter(gs->byte_count),
                     "duration", duration(gs->duration_sec, gs->duration_nsec),
                     "buckets", buckets);
}

json_t *
ofctl_json_group_features(const struct ofp_group_features *gf)
{
    static const struct flag_name types[] = {
        { 1 << OFPGT_ALL, "all" }, { 1 << OFPGT_SELECT, "select" },
        { 1 << OFPGT_INDIRECT, "indirect" }, { 1 << OFPGT_FF, "ff" },
    };
    static const struct flag_name caps[] = {
        { OFPGFC_SELECT_WEIGHT, "select_weight" }, { OFPGFC_SELECT_LIVENESS, "select_liveness" },
        { OFPGFC_CHAINING, "chaining" }, { OFPGFC_CHAINING_CHECKS, "chaining_checks" },
    };
    json_t *max = json_object(), *acts = json_object();

    for (int t = 0; t < 4; t++) {
        json_object_set_new(max, group_type_names[t], json_integer(gf->max_groups[t]));
        json_object_set_new(acts, group_type_names[t],
                            type_names_to_json(gf->actions[t], ofp_action_type_name));
    }
    return json_pack("{s:o, s:o, s:o, s:o}",
                     "types", flags_to_json(gf->types, types, ARRAY_SIZE(types)),
                     "capabilities", flags_to_json(gf->capabilities, caps, ARRAY_SIZE(caps)),
                     "max_groups", max, "actions", acts);
}

static const struct flag_name meter_flag_names[] = {
    { OFPMF_KBPS, "kbps" }, { OFPMF_PKTPS, "pktps" }, { OFPMF_BURST, "burst" },
    { OFPMF_STATS, "stats" },
};
static const struct flag_name band_type_names[] = {
    { 1 << OFPMBT_DROP, "drop" }, { 1 << OFPMBT_DSCP_REMARK, "dscp_remark" },
};

json_t *
ofctl_json_meter_config(const struct ofp_meter_mod *mm)
{
    json_t *bands = json_array();

    for (size_t i = 0; i < mm->n_bands; i++) {
        const struct ofp_meter_band *b = &mm->bands[i];
        json_array_append_new(bands, json_pack("{s:s, s:I, s:I}",
                              "type", b->type == OFPMBT_DROP ? "drop"
                              : b->type == OFPMBT_DSCP_REMARK ? "dscp_remark" : "unknown",
                              "rate", (json_int_t) b->rate,
                              "burst_size", (json_int_t) b->burst_size));
    }
    return json_pack("{s:I, s:o, s:o}", "meter_id", (json_int_t) mm->meter_id,
                     "flags", flags_to_json(mm->flags, meter_flag_names,
                                            ARRAY_SIZE(meter_flag_names)),
                     "bands", bands);
}

json_t *
ofctl_json_meter_stats(const struct ofp_meter_stats *ms)
{
    json_t *bands = json_array();

    for (size_t i = 0; i < ms->n_bands; i++) {
        json_array_append_new(bands, json_pack("{s:I, s:I}",
                              "packet_count", (json_int_t) ms->bands[i].packet_count,
                              "byte_count", (json_int_t) ms->bands[i].byte_count));
    }
    return json_pack("{s:I, s:I, s:o, s:o, s:o, s:o}",
                     "meter_id", (json_int_t) ms->meter_id,
                     "flow_count", (json_int_t) ms->flow_count,
                     "packet_in_count", counter(ms->packet_in_count),
                     "byte_in_count", counter(ms->byte_in_count),
                     "duration", duration(ms->duration_sec, ms->duration_nsec),
                     "bands", bands);
}

json_t *
ofctl_json_meter_features(const struct ofp_meter_features *mf)
{
    return json_pack("{s:I, s:o, s:o, s:i, s:i}", "max_meter", (json_int_t) mf->max_meter,
                     "band_types", flags_to_json(mf->band_types, band_type_names,
                                                 ARRAY_SIZE(band_type_names)),
                     "capabilities", flags_to_json(mf->capabilities, meter_flag_names,
                                                   ARRAY_SIZE(meter_flag_names)),
                     "max_bands", mf->max_bands, "max_color", mf->max_color);
}
