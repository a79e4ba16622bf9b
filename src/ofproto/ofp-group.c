/* ofp-group — OpenFlow groups: codec, parser, printer. See ofp-group.h. */
#include "ofproto/ofp-group.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-compat.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-print.h"

#define OFP_BUCKET_FIXED_LEN 16
#define OFP_GROUP_MOD_FIXED_LEN 16
#define OFP_GROUP_DESC_FIXED_LEN 8

static const char *const type_names[] = { "all", "select", "indirect", "ff" };

void
ofp_group_mod_init(struct ofp_group_mod *gm)
{
    memset(gm, 0, sizeof *gm);
}

void
ofp_group_mod_destroy(struct ofp_group_mod *gm)
{
    for (size_t i = 0; i < gm->n_buckets; i++) {
        ofpacts_destroy(&gm->buckets[i].ofpacts);
    }
    free(gm->buckets);
    gm->buckets = NULL;
    gm->n_buckets = 0;
}

static struct ofp_bucket *
add_bucket(struct ofp_group_mod *gm)
{
    gm->buckets = xrealloc(gm->buckets, (gm->n_buckets + 1) * sizeof *gm->buckets);
    struct ofp_bucket *b = &gm->buckets[gm->n_buckets++];
    memset(b, 0, sizeof *b);
    b->weight = gm->type == OFPGT_SELECT ? 1 : 0;
    b->watch_port = OFPP_ANY;
    b->watch_group = OFPG_ANY;
    ofpacts_init(&b->ofpacts);
    return b;
}

static void
put_buckets(struct ofpbuf *out, const struct ofp_group_mod *gm)
{
    for (size_t i = 0; i < gm->n_buckets; i++) {
        const struct ofp_bucket *b = &gm->buckets[i];
        size_t start = out->size;
        ofpbuf_put_be16(out, 0);
        ofpbuf_put_be16(out, b->weight);
        ofpbuf_put_be32(out, b->watch_port);
        ofpbuf_put_be32(out, b->watch_group);
        ofpbuf_put_zeros(out, 4);
        ofp_put_actions(out, &b->ofpacts);
        ofp_set_be16(out->data + start, out->size - start);
    }
}

static int
group_error(struct ofperr *err, uint16_t code)
{
    err->type = OFPET_GROUP_MOD_FAILED;
    err->code = code;
    return -EPROTO;
}

static int
pull_buckets(const uint8_t *p, size_t len, struct ofp_group_mod *gm, struct ofperr *err)
{
    while (len) {
        if (len < OFP_BUCKET_FIXED_LEN) {
            return group_error(err, OFPGMFC_BAD_BUCKET);
        }
        size_t blen = ofp_get_be16(p);
        if (blen < OFP_BUCKET_FIXED_LEN || blen > len || blen % 8) {
            return group_error(err, OFPGMFC_BAD_BUCKET);
        }
        struct ofp_bucket *b = add_bucket(gm);
        b->weight = ofp_get_be16(p + 2);
        b->watch_port = ofp_get_be32(p + 4);
        b->watch_group = ofp_get_be32(p + 8);
        int error = ofp_decode_actions(p + OFP_BUCKET_FIXED_LEN, blen - OFP_BUCKET_FIXED_LEN,
                                       &b->ofpacts, err);
        if (error) {
            return error;
        }
        p += blen;
        len -= blen;
    }
    return 0;
}

void
ofp_encode_group_mod(struct ofpbuf *out, uint8_t version, uint32_t xid,
                     const struct ofp_group_mod *gm)
{
    if (version >= OFP15_VERSION) {
        ofp15_encode_group_mod(out, xid, gm);      /* Bucket ids and properties. */
        return;
    }
    size_t start = ofp_msg_start(out, version, OFPT_GROUP_MOD, xid);
    ofpbuf_put_be16(out, gm->command);
    ofpbuf_put_u8(out, gm->type);
    ofpbuf_put_u8(out, 0);
    ofpbuf_put_be32(out, gm->group_id);
    put_buckets(out, gm);
    ofp_msg_finish(out, start);
}

int
ofp_decode_group_mod(const void *msg, size_t len, struct ofp_group_mod *gm, struct ofperr *err)
{
    const uint8_t *p = msg;

    ofp_group_mod_init(gm);
    if (len < OFP_GROUP_MOD_FIXED_LEN) {
        err->type = OFPET_BAD_REQUEST;
        err->code = OFPBRC_BAD_LEN;
        return -EPROTO;
    }
    gm->command = ofp_get_be16(p + 8);
    gm->type = p[10];
    gm->group_id = ofp_get_be32(p + 12);
    if (gm->command > OFPGC_DELETE) {
        return group_error(err, OFPGMFC_BAD_COMMAND);
    }
    if (gm->type > OFPGT_FF) {
        return group_error(err, OFPGMFC_BAD_TYPE);
    }
    return pull_buckets(p + OFP_GROUP_MOD_FIXED_LEN, len - OFP_GROUP_MOD_FIXED_LEN, gm, err);
}

void
ofp_mp_put_group_desc(struct ofp_mp_writer *w, const struct ofp_group_mod *gm)
{
    struct ofpbuf e;

    if (w->version >= OFP15_VERSION) {
        ofp15_mp_put_group_desc(w, gm);
        return;
    }
    ofpbuf_init(&e, 128);
    ofpbuf_put_be16(&e, 0);
    ofpbuf_put_u8(&e, gm->type);
    ofpbuf_put_u8(&e, 0);
    ofpbuf_put_be32(&e, gm->group_id);
    put_buckets(&e, gm);
    ofp_set_be16(e.data, e.size);
    memcpy(ofp_mp_reply_reserve(w, e.size), e.data, e.size);
    ofpbuf_uninit(&e);
}

int
ofp_pull_group_desc(const uint8_t **pp, size_t *left, struct ofp_group_mod *gm,
                    struct ofperr *err)
{
    const uint8_t *p = *pp;

    ofp_group_mod_init(gm);
    if (!*left) {
        return -ENOENT;
    }
    size_t len = *left >= 2 ? ofp_get_be16(p) : 0;
    if (*left < OFP_GROUP_DESC_FIXED_LEN || len < OFP_GROUP_DESC_FIXED_LEN || len > *left) {
        err->type = OFPET_BAD_REQUEST;
        err->code = OFPBRC_BAD_LEN;
        return -EPROTO;
    }
    gm->type = p[2];
    gm->group_id = ofp_get_be32(p + 4);
    int error = pull_buckets(p + OFP_GROUP_DESC_FIXED_LEN, len - OFP_GROUP_DESC_FIXED_LEN, gm,
                             err);
    *pp += len;
    *left -= len;
    return error;
}

/* Parses one bucket's text (after "bucket="). */
static char *
parse_bucket(char *text, struct ofp_group_mod *gm, ofp_port_name_cb *cb, void *aux)
{
    struct ofp_bucket *b = add_bucket(gm);
    char *p = text;

    for (;;) {
        uint64_t v;
        char *error;
        if (!strncmp(p, "weight:", 7) || !strncmp(p, "weight=", 7)) {
            char *end = p + 7 + strcspn(p + 7, ",");
            char save = *end;
            *end = '\0';
            error = ofp_parse_uint("bucket weight", p + 7, UINT16_MAX, &v);
            *end = save;
            if (error) {
                return error;
            }
            b->weight = v;
            p = *end ? end + 1 : end;
        } else if (!strncmp(p, "watch_port:", 11) || !strncmp(p, "watch_port=", 11)) {
            char *end = p + 11 + strcspn(p + 11, ",");
            char save = *end;
            *end = '\0';
            error = ofp_parse_port(p + 11, "watch_port", cb, aux, &b->watch_port);
            *end = save;
            if (error) {
                return error;
            }
            p = *end ? end + 1 : end;
        } else if (!strncmp(p, "watch_group:", 12) || !strncmp(p, "watch_group=", 12)) {
            char *end = p + 12 + strcspn(p + 12, ",");
            char save = *end;
            *end = '\0';
            error = ofp_parse_uint("watch_group", p + 12, UINT32_MAX, &v);
            *end = save;
            if (error) {
                return error;
            }
            b->watch_group = v;
            p = *end ? end + 1 : end;
        } else {
            break;
        }
    }
    if (!strncmp(p, "actions=", 8) || !strncmp(p, "actions:", 8)) {
        p += 8;
    }
    ofpacts_destroy(&b->ofpacts);
    char *error = ofp_parse_actions(p, cb, aux, &b->ofpacts);
    if (!error && b->ofpacts.n && b->ofpacts.acts[0].type == OFPACT_METER) {
        error = xstrdup("meter: an instruction, not allowed in a group bucket");
    }
    return error;
}

char *
ofp_parse_group_mod(const char *str, uint16_t command, ofp_port_name_cb *cb, void *aux,
                    struct ofp_group_mod *gm)
{
    char *copy = xstrdup(str ? str : "");
    char *error = NULL;
    bool have_id = false, have_type = false;

    ofp_group_mod_init(gm);
    gm->command = command;
    gm->group_id = command == OFPGC_DELETE ? OFPG_ALL : 0;

    /* Split off the buckets: everything from the first "bucket=" on. */
    char *buckets = strstr(copy, "bucket=");
    if (buckets) {
        *buckets = '\0';
        buckets += 7;
    }
    char *pos = copy, *key, *value;
    while (!error && ofp_next_keyword(&pos, &key, &value)) {
        uint64_t v;
        if (!strcmp(key, "group_id")) {
            if (!strcasecmp(value, "all")) {
                gm->group_id = OFPG_ALL;
            } else if (!(error = ofp_parse_uint("group_id", value, OFPG_MAX, &v))) {
                gm->group_id = v;
            }
            have_id = true;
        } else if (!strcmp(key, "type")) {
            size_t i;
            for (i = 0; i < ARRAY_SIZE(type_names); i++) {
                if (!strcmp(value, type_names[i])) {
                    break;
                }
            }
            if (i == ARRAY_SIZE(type_names)) {
                error = xasprintf("type: unknown group type \"%s\" (use all, select, indirect "
                                  "or ff)", value);
            } else {
                gm->type = i;
                have_type = true;
            }
        } else {
            error = xasprintf("unknown group keyword \"%s\" (use group_id, type, bucket)", key);
        }
    }
    while (!error && buckets) {
        char *next = strstr(buckets, ",bucket=");
        if (next) {
            *next = '\0';
        }
        if (command == OFPGC_DELETE) {
            error = xstrdup("bucket: not allowed when deleting groups");
        } else {
            error = parse_bucket(buckets, gm, cb, aux);
        }
        buckets = next ? next + 8 : NULL;
    }
    if (!error && command != OFPGC_DELETE) {
        if (!have_id) {
            error = xstrdup("must specify a group_id (e.g. group_id=1)");
        } else if (!have_type) {
            error = xstrdup("must specify a type (all, select, indirect or ff)");
        } else if (gm->type == OFPGT_INDIRECT && gm->n_buckets != 1) {
            error = xstrdup("an indirect group needs exactly one bucket");
        }
    }
    free(copy);
    return error;
}

void
ofp_format_group(struct ds *s, const struct ofp_group_mod *gm, const struct ofp_port_map *map)
{
    ds_put_format(s, "group_id=%"PRIu32",type=%s", gm->group_id,
                  gm->type < ARRAY_SIZE(type_names) ? type_names[gm->type] : "?");
    for (size_t i = 0; i < gm->n_buckets; i++) {
        const struct ofp_bucket *b = &gm->buckets[i];
        ds_put_cstr(s, ",bucket=");
        if (gm->type == OFPGT_SELECT) {
            ds_put_format(s, "weight:%u,", b->weight);
        }
        if (b->watch_port != OFPP_ANY) {
            ds_put_cstr(s, "watch_port:");
            ofp_format_port(s, b->watch_port, map);
            ds_put_char(s, ',');
        }
        if (b->watch_group != OFPG_ANY) {
            ds_put_format(s, "watch_group:%"PRIu32",", b->watch_group);
        }
        ds_put_cstr(s, "actions=");
        ofp_format_actions(s, &b->ofpacts, map);
    }
}

/* ---- Group statistics and features (OpenFlow 1.3.5 §7.3.5.9, §7.3.5.11). ---- */

#define OFP_GROUP_STATS_LEN 40
#define OFP_BUCKET_COUNTER_LEN 16
#define OFP_GROUP_FEATURES_LEN 40

static int
group_bad_len(struct ofperr *err)
{
    *err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BAD_LEN };
    return -EPROTO;
}

void
ofp_encode_group_stats_request(struct ofpbuf *out, uint8_t version, uint32_t xid,
                               uint32_t group_id)
{
    uint8_t body[8] = { 0 };
    ofp_set_be32(body, group_id);
    ofp_encode_multipart_request(out, version, xid, OFPMP_GROUP, body, sizeof body);
}

int
ofp_decode_group_stats_request(const uint8_t *body, size_t len, uint32_t *group_id,
                               struct ofperr *err)
{
    if (len != 8) {
        return group_bad_len(err);
    }
    *group_id = ofp_get_be32(body);
    return 0;
}

void
ofp_mp_put_group_stats(struct ofp_mp_writer *w, const struct ofp_group_stats *gs)
{
    size_t n = UVS_MIN(gs->n_buckets, (size_t) OFP_MAX_GROUP_BUCKETS);
    size_t len = OFP_GROUP_STATS_LEN + n * OFP_BUCKET_COUNTER_LEN;
    uint8_t *p = ofp_mp_reply_reserve(w, len);

    ofp_set_be16(p, len);
    ofp_set_be32(p + 4, gs->group_id);
    ofp_set_be32(p + 8, gs->ref_count);
    ofp_set_be64(p + 16, gs->packet_count);
    ofp_set_be64(p + 24, gs->byte_count);
    ofp_set_be32(p + 32, gs->duration_sec);
    ofp_set_be32(p + 36, gs->duration_nsec);
    for (size_t i = 0; i < n; i++) {
        ofp_set_be64(p + OFP_GROUP_STATS_LEN + i * 16, gs->bucket_packets[i]);
        ofp_set_be64(p + OFP_GROUP_STATS_LEN + i * 16 + 8, gs->bucket_bytes[i]);
    }
}

int
ofp_pull_group_stats(const uint8_t **pp, size_t *left, struct ofp_group_stats *gs,
                     struct ofperr *err)
{
    const uint8_t *p = *pp;

    memset(gs, 0, sizeof *gs);
    if (!*left) {
        return -ENOENT;
    }
    size_t len = *left >= 2 ? ofp_get_be16(p) : 0;
    if (*left < OFP_GROUP_STATS_LEN || len < OFP_GROUP_STATS_LEN || len > *left
        || (len - OFP_GROUP_STATS_LEN) % OFP_BUCKET_COUNTER_LEN
        || (len - OFP_GROUP_STATS_LEN) / OFP_BUCKET_COUNTER_LEN > OFP_MAX_GROUP_BUCKETS) {
        return group_bad_len(err);
    }
    gs->group_id = ofp_get_be32(p + 4);
    gs->ref_count = ofp_get_be32(p + 8);
    gs->packet_count = ofp_get_be64(p + 16);
    gs->byte_count = ofp_get_be64(p + 24);
    gs->duration_sec = ofp_get_be32(p + 32);
    gs->duration_nsec = ofp_get_be32(p + 36);
    gs->n_buckets = (len - OFP_GROUP_STATS_LEN) / OFP_BUCKET_COUNTER_LEN;
    for (size_t i = 0; i < gs->n_buckets; i++) {
        gs->bucket_packets[i] = ofp_get_be64(p + OFP_GROUP_STATS_LEN + i * 16);
        gs->bucket_bytes[i] = ofp_get_be64(p + OFP_GROUP_STATS_LEN + i * 16 + 8);
    }
    *pp += len;
    *left -= len;
    return 0;
}

void
ofp_format_group_stats(struct ds *s, const struct ofp_group_stats *gs)
{
    ds_put_format(s, " group_id=%"PRIu32",duration=", gs->group_id);
    ofp_format_duration(s, gs->duration_sec, gs->duration_nsec);
    if (gs->ref_count != UINT32_MAX) {
        ds_put_format(s, ",ref_count=%"PRIu32, gs->ref_count);
    }
    ds_put_format(s, ",packet_count=%"PRIu64",byte_count=%"PRIu64, gs->packet_count,
                  gs->byte_count);
    for (size_t i = 0; i < gs->n_buckets; i++) {
        ds_put_format(s, ",bucket%zu:packet_count=%"PRIu64",byte_count=%"PRIu64, i,
                      gs->bucket_packets[i], gs->bucket_bytes[i]);
    }
}

void
ofp_mp_put_group_features(struct ofp_mp_writer *w, const struct ofp_group_features *gf)
{
    uint8_t *p = ofp_mp_reply_reserve(w, OFP_GROUP_FEATURES_LEN);

    ofp_set_be32(p, gf->types);
    ofp_set_be32(p + 4, gf->capabilities);
    for (int i = 0; i < 4; i++) {
        ofp_set_be32(p + 8 + 4 * i, gf->max_groups[i]);
        ofp_set_be32(p + 24 + 4 * i, gf->actions[i]);
    }
}

int
ofp_decode_group_features(const uint8_t *body, size_t len, struct ofp_group_features *gf,
                          struct ofperr *err)
{
    if (len != OFP_GROUP_FEATURES_LEN) {
        return group_bad_len(err);
    }
    gf->types = ofp_get_be32(body);
    gf->capabilities = ofp_get_be32(body + 4);
    for (int i = 0; i < 4; i++) {
        gf->max_groups[i] = ofp_get_be32(body + 8 + 4 * i);
        gf->actions[i] = ofp_get_be32(body + 24 + 4 * i);
    }
    return 0;
}

void
ofp_format_group_features(struct ds *s, const struct ofp_group_features *gf)
{
    static const char *const caps[] = { "select_weight", "select_liveness", "chaining",
                                        "chaining_checks" };
    static const char *const acts[] = {
        [0] = "output", [11] = "copy_ttl_out", [12] = "copy_ttl_in", [15] = "set_mpls_ttl",
        [16] = "dec_mpls_ttl", [17] = "push_vlan", [18] = "pop_vlan", [19] = "push_mpls",
        [20] = "pop_mpls", [21] = "set_queue", [22] = "group", [23] = "set_nw_ttl",
        [24] = "dec_nw_ttl", [25] = "set_field", [26] = "push_pbb", [27] = "pop_pbb",
    };

    ds_put_cstr(s, " Group table:\n    Types: ");
    for (int t = 0; t < 4; t++) {
        if (gf->types & (1u << t)) {
            ds_put_format(s, " %s", type_names[t]);
        }
    }
    ds_put_cstr(s, "\n    Capabilities: ");
    for (size_t c = 0; c < ARRAY_SIZE(caps); c++) {
        if (gf->capabilities & (1u << c)) {
            ds_put_format(s, " %s", caps[c]);
        }
    }
    ds_put_char(s, '\n');
    for (int t = 0; t < 4; t++) {
        if (!(gf->types & (1u << t))) {
            continue;
        }
        ds_put_format(s, "    %s group:\n       max_groups=%#"PRIx32"\n       actions:",
                      type_names[t], gf->max_groups[t]);
        for (size_t a = 0; a < ARRAY_SIZE(acts); a++) {
            if ((gf->actions[t] & (1u << a)) && acts[a]) {
                ds_put_format(s, " %s", acts[a]);
            }
        }
        ds_put_char(s, '\n');
    }
}
