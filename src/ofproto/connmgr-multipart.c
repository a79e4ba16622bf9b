/*
 * connmgr-multipart — the multipart requests of the OpenFlow channels (see connmgr-multipart.h).
 */
#include "ofproto/connmgr-multipart.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ofproto/ofp-group.h"
#include "ofproto/ofp-meter.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofproto-meter.h"
#include "ofproto/ofproto.h"
#include "uvs-config.h"

/* Queue statistics errors (OpenFlow 1.3.5 §7.4.4). */
#define OFPET_QUEUE_OP_FAILED 9
#define OFPQOFC_BAD_PORT 0
#define OFPQOFC_BAD_QUEUE 1
#define OFPQ_ALL 0xffffffffu

/* Flow-stats collection callbacks. */
struct flow_stats_aux {
    struct ofp_mp_writer w;
    struct ofp_aggregate_stats agg;
};

static void
flow_stats_cb(void *aux_, const struct ofp_flow_stats *fs)
{
    struct flow_stats_aux *aux = aux_;
    ofp_mp_put_flow_stats(&aux->w, fs);
}

static void
aggregate_cb(void *aux_, const struct ofp_flow_stats *fs)
{
    struct flow_stats_aux *aux = aux_;
    aux->agg.packet_count += fs->packet_count;
    aux->agg.byte_count += fs->byte_count;
    aux->agg.flow_count++;
}

static void
group_desc_cb(void *w, const struct ofp_group_mod *gm)
{
    ofp_mp_put_group_desc(w, gm);
}

static void
group_stats_cb(void *w, const struct ofp_group_stats *gs)
{
    ofp_mp_put_group_stats(w, gs);
}

static void
meter_config_cb(void *w, const struct ofp_meter_mod *mm)
{
    ofp_mp_put_meter_config(w, mm);
}

static void
meter_stats_cb(void *w, const struct ofp_meter_stats *ms)
{
    ofp_mp_put_meter_stats(w, ms);
}

int
connmgr_handle_multipart(struct ofproto *ofproto, const char *bridge, uint8_t version,
                         uint32_t xid, const uint8_t *msg, size_t len, struct ofpbuf *tx,
                         struct ofperr *err)
{
    struct ofp_multipart mp;
    struct ofp_mp_writer w;
    int error = ofp_decode_multipart(msg, len, &mp, err);

    if (error) {
        return error;
    }
    if (mp.flags & OFPMPF_REQ_MORE) {
        /* None of the requests we serve needs more than one message. */
        *err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BAD_MULTIPART };
        return -EPROTO;
    }

    switch (mp.type) {
    case OFPMP_DESC: {
        struct ofp_desc d = { .mfr_desc = "uvs", .hw_desc = "uvs userspace switch",
                              .sw_desc = UVS_VERSION, .serial_num = "None" };
        if (mp.body_len) {
            goto bad_len;
        }
        snprintf(d.dp_desc, sizeof d.dp_desc, "bridge %s", bridge);
        ofp_mp_reply_start(&w, tx, version, mp.type, xid);
        ofp_mp_put_desc(&w, &d);
        ofp_mp_reply_finish(&w);
        return 0;
    }

    case OFPMP_FLOW:
    case OFPMP_AGGREGATE: {
        struct ofp_flow_stats_request fsr;
        struct flow_stats_aux aux;

        error = ofp_decode_flow_stats_request(mp.type, mp.body, mp.body_len, &fsr, err);
        if (error) {
            return error;
        }
        memset(&aux, 0, sizeof aux);
        if (mp.type == OFPMP_FLOW) {
            ofp_mp_reply_start(&aux.w, tx, version, mp.type, xid);
            ofproto_collect_flow_stats(ofproto, &fsr, flow_stats_cb, &aux);
            ofp_mp_reply_finish(&aux.w);
        } else {
            ofproto_collect_flow_stats(ofproto, &fsr, aggregate_cb, &aux);
            ofp_mp_reply_start(&w, tx, version, mp.type, xid);
            ofp_mp_put_aggregate(&w, &aux.agg);
            ofp_mp_reply_finish(&w);
        }
        return 0;
    }

    case OFPMP_TABLE: {
        struct ofp_table_stats ts = { .table_id = 0 };
        if (mp.body_len) {
            goto bad_len;
        }
        ofp_mp_reply_start(&w, tx, version, mp.type, xid);
        for (int i = 0; i < CONNMGR_N_TABLES; i++) {
            ts.table_id = i;
            ofproto_get_table_stats(ofproto, i, &ts.active_count, &ts.lookup_count,
                                    &ts.matched_count);
            ofp_mp_put_table_stats(&w, &ts);
        }
        ofp_mp_reply_finish(&w);
        return 0;
    }

    case OFPMP_TABLE_FEATURES: {
        if (mp.body_len) {
            /* A request with a body asks to reconfigure the tables. */
            *err = (struct ofperr) { OFPET_TABLE_FEATURES_FAILED, OFPTFFC_EPERM };
            return -EPROTO;
        }
        ofp_mp_reply_start(&w, tx, version, mp.type, xid);
        for (int i = 0; i < CONNMGR_N_TABLES; i++) {
            struct ofp_table_features tf = {
                .table_id = i, .metadata_match = UINT64_MAX, .metadata_write = UINT64_MAX,
                .config = 0, .max_entries = 1000000,
            };
            /* No names: ovs-ofctl would then print "table=NAME" for them. */
            ofp_mp_put_table_features(&w, &tf);
        }
        ofp_mp_reply_finish(&w);
        return 0;
    }

    case OFPMP_PORT_STATS: {
        struct ofp_port_stats *stats = NULL;
        uint32_t port_no;

        error = ofp_decode_port_stats_request(mp.body, mp.body_len, &port_no, err);
        if (error) {
            return error;
        }
        size_t n = ofproto_get_port_stats(ofproto, port_no, &stats);
        ofp_mp_reply_start(&w, tx, version, mp.type, xid);
        for (size_t i = 0; i < n; i++) {
            ofp_mp_put_port_stats(&w, &stats[i]);
        }
        ofp_mp_reply_finish(&w);
        free(stats);
        return 0;
    }

    case OFPMP_PORT_DESC: {
        struct ofp_phy_port *ports = NULL;
        if (mp.body_len) {
            goto bad_len;
        }
        size_t n = ofproto_get_port_descs(ofproto, &ports);
        ofp_mp_reply_start(&w, tx, version, mp.type, xid);
        for (size_t i = 0; i < n; i++) {
            ofp_mp_put_port(&w, &ports[i]);
        }
        ofp_mp_reply_finish(&w);
        free(ports);
        return 0;
    }

    case OFPMP_METER:
    case OFPMP_METER_CONFIG: {
        /* OpenFlow 1.3.5 §7.3.5.12-13: one meter, or all (OFPM_ALL); an unknown one: none. */
        uint32_t meter_id;
        if (ofp_decode_meter_request(mp.body, mp.body_len, &meter_id, err)) {
            return -EPROTO;
        }
        ofp_mp_reply_start(&w, tx, version, mp.type, xid);
        if (mp.type == OFPMP_METER) {
            ofproto_collect_meter_stats(ofproto, meter_id, meter_stats_cb, &w);
        } else {
            ofproto_collect_meter_configs(ofproto, meter_id, meter_config_cb, &w);
        }
        ofp_mp_reply_finish(&w);
        return 0;
    }

    case OFPMP_METER_FEATURES: {
        struct ofp_meter_features mf;
        if (mp.body_len) {
            goto bad_len;
        }
        ofproto_get_meter_features(&mf);
        ofp_mp_reply_start(&w, tx, version, mp.type, xid);
        ofp_mp_put_meter_features(&w, &mf);
        ofp_mp_reply_finish(&w);
        return 0;
    }

    case OFPMP_GROUP: {
        uint32_t group_id;
        if (ofp_decode_group_stats_request(mp.body, mp.body_len, &group_id, err)) {
            return -EPROTO;
        }
        ofp_mp_reply_start(&w, tx, version, mp.type, xid);
        ofproto_collect_group_stats(ofproto, group_id, group_stats_cb, &w);
        ofp_mp_reply_finish(&w);
        return 0;
    }

    case OFPMP_GROUP_FEATURES: {
        /* What ofproto_handle_group_mod() and xlate accept: the four types, weights and
         * liveness, no chaining; the actions a bucket may hold. */
        uint32_t acts = 1u << 0 | 1u << 17 | 1u << 18 | 1u << 23 | 1u << 24 | 1u << 25;
        struct ofp_group_features gf = {
            .types = 0xf, .capabilities = OFPGFC_SELECT_WEIGHT | OFPGFC_SELECT_LIVENESS,
            .max_groups = { OFPG_MAX, OFPG_MAX, OFPG_MAX, OFPG_MAX },
            .actions = { acts, acts, acts, acts },
        };
        if (mp.body_len) {
            goto bad_len;
        }
        ofp_mp_reply_start(&w, tx, version, mp.type, xid);
        ofp_mp_put_group_features(&w, &gf);
        ofp_mp_reply_finish(&w);
        return 0;
    }

    case OFPMP_QUEUE: {
        /* OpenFlow 1.3.5 §7.3.5.8: uvs configures no queues, so every request for all queues
         * (OFPQ_ALL) of all ports or of an existing port has an empty reply; a request for an
         * unknown port or a specific queue is an OFPET_QUEUE_OP_FAILED error. */
        if (mp.body_len != 8) {
            goto bad_len;
        }
        uint32_t port_no = ofp_get_be32(mp.body), queue_id = ofp_get_be32(mp.body + 4);
        if (port_no != OFPP_ANY) {
            struct ofp_port_stats *stats = NULL;
            size_t n = ofproto_get_port_stats(ofproto, port_no, &stats);
            free(stats);
            if (!n) {
                *err = (struct ofperr) { OFPET_QUEUE_OP_FAILED, OFPQOFC_BAD_PORT };
                return -EPROTO;
            }
        }
        if (queue_id != OFPQ_ALL) {
            *err = (struct ofperr) { OFPET_QUEUE_OP_FAILED, OFPQOFC_BAD_QUEUE };
            return -EPROTO;
        }
        ofp_mp_reply_start(&w, tx, version, mp.type, xid);
        ofp_mp_reply_finish(&w);
        return 0;
    }

    case OFPMP_GROUP_DESC:
        if (mp.body_len) {
            goto bad_len;
        }
        ofp_mp_reply_start(&w, tx, version, mp.type, xid);
        ofproto_collect_groups(ofproto, group_desc_cb, &w);
        ofp_mp_reply_finish(&w);
        return 0;

    default:
        *err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BAD_MULTIPART };
        return -EPROTO;
    }

bad_len:
    *err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BAD_LEN };
    return -EPROTO;
}
