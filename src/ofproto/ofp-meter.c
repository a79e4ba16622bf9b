/* ofp-meter — OpenFlow meters: codec, parser, printer. See ofp-meter.h. */
#include "ofproto/ofp-meter.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-parse.h"

#define OFP_METER_MOD_FIXED_LEN 16
#define OFP_METER_BAND_LEN 16
#define OFP_METER_CONFIG_FIXED_LEN 8
#define OFP_METER_STATS_FIXED_LEN 40
#define OFP_METER_BAND_STATS_LEN 16
#define OFP_METER_FEATURES_LEN 16

static int
meter_error(struct ofperr *err, uint16_t code, int ret)
{
    err->type = OFPET_METER_MOD_FAILED;
    err->code = code;
    return ret;
}

static int
bad_len(struct ofperr *err)
{
    err->type = OFPET_BAD_REQUEST;
    err->code = OFPBRC_BAD_LEN;
    return -EPROTO;
}

static void
put_bands(struct ofpbuf *out, const struct ofp_meter_mod *mm)
{
    for (size_t i = 0; i < mm->n_bands; i++) {
        ofpbuf_put_be16(out, mm->bands[i].type);
        ofpbuf_put_be16(out, OFP_METER_BAND_LEN);
        ofpbuf_put_be32(out, mm->bands[i].rate);
        ofpbuf_put_be32(out, mm->bands[i].burst_size);
        ofpbuf_put_zeros(out, 4);
    }
}

/* Decodes LEN bytes of bands at P into MM. */
static int
pull_bands(const uint8_t *p, size_t len, struct ofp_meter_mod *mm, struct ofperr *err)
{
    mm->n_bands = 0;
    while (len) {
        if (len < 4) {
            return bad_len(err);
        }
        uint16_t type = ofp_get_be16(p);
        size_t blen = ofp_get_be16(p + 2);
        if (blen < OFP_METER_BAND_LEN || blen > len || blen % 8) {
            return bad_len(err);
        }
        if (type != OFPMBT_DROP) {
            /* DSCP_REMARK and experimenter bands are not supported (features band_types). */
            return meter_error(err, OFPMMFC_BAD_BAND, -EPROTO);
        }
        if (mm->n_bands >= OFP_METER_MAX_BANDS) {
            return meter_error(err, OFPMMFC_OUT_OF_BANDS, -EPROTO);
        }
        struct ofp_meter_band *b = &mm->bands[mm->n_bands++];
        b->type = type;
        b->rate = ofp_get_be32(p + 4);
        b->burst_size = ofp_get_be32(p + 8);
        p += blen;
        len -= blen;
    }
    return 0;
}

void
ofp_encode_meter_mod(struct ofpbuf *out, uint8_t version, uint32_t xid,
                     const struct ofp_meter_mod *mm)
{
    size_t start = ofp_msg_start(out, version, OFPT_METER_MOD, xid);
    ofpbuf_put_be16(out, mm->command);
    ofpbuf_put_be16(out, mm->flags);
    ofpbuf_put_be32(out, mm->meter_id);
    put_bands(out, mm);
    ofp_msg_finish(out, start);
}

int
ofp_decode_meter_mod(const void *msg, size_t len, struct ofp_meter_mod *mm, struct ofperr *err)
{
    const uint8_t *p = msg;

    memset(mm, 0, sizeof *mm);
    if (len < OFP_METER_MOD_FIXED_LEN) {
        return bad_len(err);
    }
    mm->command = ofp_get_be16(p + 8);
    mm->flags = ofp_get_be16(p + 10);
    mm->meter_id = ofp_get_be32(p + 12);
    if (mm->command > OFPMC_DELETE) {
        return meter_error(err, OFPMMFC_BAD_COMMAND, -EPROTO);
    }
    return pull_bands(p + OFP_METER_MOD_FIXED_LEN, len - OFP_METER_MOD_FIXED_LEN, mm, err);
}

int
ofp_meter_mod_check(const struct ofp_meter_mod *mm, struct ofperr *err)
{
    const uint16_t rate_flags = mm->flags & (OFPMF_KBPS | OFPMF_PKTPS);

    if (!mm->meter_id || mm->meter_id > OFP_METER_MAX) {
        return meter_error(err, OFPMMFC_INVALID_METER, -EINVAL);
    }
    if (mm->flags & ~(OFPMF_KBPS | OFPMF_PKTPS | OFPMF_BURST | OFPMF_STATS)
        || rate_flags == 0 || rate_flags == (OFPMF_KBPS | OFPMF_PKTPS)) {
        return meter_error(err, OFPMMFC_BAD_FLAGS, -EINVAL);
    }
    if (!mm->n_bands) {
        return meter_error(err, OFPMMFC_BAD_BAND, -EINVAL);
    }
    for (size_t i = 0; i < mm->n_bands; i++) {
        if (!mm->bands[i].rate) {
            return meter_error(err, OFPMMFC_BAD_RATE, -EINVAL);
        }
        if (mm->bands[i].burst_size && !(mm->flags & OFPMF_BURST)) {
            return meter_error(err, OFPMMFC_BAD_BURST, -EINVAL);
        }
    }
    return 0;
}

void
ofp_encode_meter_request(struct ofpbuf *out, uint8_t version, uint32_t xid, uint16_t mp_type,
                         uint32_t meter_id)
{
    uint8_t body[8] = { 0 };
    ofp_set_be32(body, meter_id);
    ofp_encode_multipart_request(out, version, xid, mp_type, body, sizeof body);
}

int
ofp_decode_meter_request(const uint8_t *body, size_t len, uint32_t *meter_id,
                         struct ofperr *err)
{
    if (len != 8) {
        return bad_len(err);
    }
    *meter_id = ofp_get_be32(body);
    return 0;
}

void
ofp_mp_put_meter_config(struct ofp_mp_writer *w, const struct ofp_meter_mod *mm)
{
    size_t len = OFP_METER_CONFIG_FIXED_LEN + mm->n_bands * OFP_METER_BAND_LEN;
    uint8_t *p = ofp_mp_reply_reserve(w, len);
    ofp_set_be16(p, len);
    ofp_set_be16(p + 2, mm->flags);
    ofp_set_be32(p + 4, mm->meter_id);
    p += OFP_METER_CONFIG_FIXED_LEN;
    for (size_t i = 0; i < mm->n_bands; i++, p += OFP_METER_BAND_LEN) {
        ofp_set_be16(p, mm->bands[i].type);
        ofp_set_be16(p + 2, OFP_METER_BAND_LEN);
        ofp_set_be32(p + 4, mm->bands[i].rate);
        ofp_set_be32(p + 8, mm->bands[i].burst_size);
    }
}

int
ofp_pull_meter_config(const uint8_t **pp, size_t *left, struct ofp_meter_mod *mm,
                      struct ofperr *err)
{
    const uint8_t *p = *pp;

    memset(mm, 0, sizeof *mm);
    if (!*left) {
        return -ENOENT;
    }
    size_t len = *left >= 2 ? ofp_get_be16(p) : 0;
    if (*left < OFP_METER_CONFIG_FIXED_LEN || len < OFP_METER_CONFIG_FIXED_LEN || len > *left) {
        return bad_len(err);
    }
    mm->flags = ofp_get_be16(p + 2);
    mm->meter_id = ofp_get_be32(p + 4);
    int error = pull_bands(p + OFP_METER_CONFIG_FIXED_LEN, len - OFP_METER_CONFIG_FIXED_LEN, mm,
                           err);
    *pp += len;
    *left -= len;
    return error;
}

void
ofp_mp_put_meter_stats(struct ofp_mp_writer *w, const struct ofp_meter_stats *ms)
{
    size_t len = OFP_METER_STATS_FIXED_LEN + ms->n_bands * OFP_METER_BAND_STATS_LEN;
    uint8_t *p = ofp_mp_reply_reserve(w, len);
    ofp_set_be32(p, ms->meter_id);
    ofp_set_be16(p + 4, len);
    ofp_set_be32(p + 12, ms->flow_count);
    ofp_set_be64(p + 16, ms->packet_in_count);
    ofp_set_be64(p + 24, ms->byte_in_count);
    ofp_set_be32(p + 32, ms->duration_sec);
    ofp_set_be32(p + 36, ms->duration_nsec);
    p += OFP_METER_STATS_FIXED_LEN;
    for (size_t i = 0; i < ms->n_bands; i++, p += OFP_METER_BAND_STATS_LEN) {
        ofp_set_be64(p, ms->bands[i].packet_count);
        ofp_set_be64(p + 8, ms->bands[i].byte_count);
    }
}

int
ofp_pull_meter_stats(const uint8_t **pp, size_t *left, struct ofp_meter_stats *ms,
                     struct ofperr *err)
{
    const uint8_t *p = *pp;

    memset(ms, 0, sizeof *ms);
    if (!*left) {
        return -ENOENT;
    }
    size_t len = *left >= 6 ? ofp_get_be16(p + 4) : 0;
    if (*left < OFP_METER_STATS_FIXED_LEN || len < OFP_METER_STATS_FIXED_LEN || len > *left
        || (len - OFP_METER_STATS_FIXED_LEN) % OFP_METER_BAND_STATS_LEN
        || (len - OFP_METER_STATS_FIXED_LEN) / OFP_METER_BAND_STATS_LEN > OFP_METER_MAX_BANDS) {
        return bad_len(err);
    }
    ms->meter_id = ofp_get_be32(p);
    ms->flow_count = ofp_get_be32(p + 12);
    ms->packet_in_count = ofp_get_be64(p + 16);
    ms->byte_in_count = ofp_get_be64(p + 24);
    ms->duration_sec = ofp_get_be32(p + 32);
    ms->duration_nsec = ofp_get_be32(p + 36);
    ms->n_bands = (len - OFP_METER_STATS_FIXED_LEN) / OFP_METER_BAND_STATS_LEN;
    for (size_t i = 0; i < ms->n_bands; i++) {
        const uint8_t *b = p + OFP_METER_STATS_FIXED_LEN + i * OFP_METER_BAND_STATS_LEN;
        ms->bands[i].packet_count = ofp_get_be64(b);
        ms->bands[i].byte_count = ofp_get_be64(b + 8);
    }
    *pp += len;
    *left -= len;
    return 0;
}

void
ofp_mp_put_meter_features(struct ofp_mp_writer *w, const struct ofp_meter_features *mf)
{
    uint8_t *p = ofp_mp_reply_reserve(w, OFP_METER_FEATURES_LEN);
    ofp_set_be32(p, mf->max_meter);
    ofp_set_be32(p + 4, mf->band_types);
    ofp_set_be32(p + 8, mf->capabilities);
    p[12] = mf->max_bands;
    p[13] = mf->max_color;
}

int
ofp_decode_meter_features(const uint8_t *body, size_t len, struct ofp_meter_features *mf,
                          struct ofperr *err)
{
    memset(mf, 0, sizeof *mf);
    if (len != OFP_METER_FEATURES_LEN) {
        return bad_len(err);
    }
    mf->max_meter = ofp_get_be32(body);
    mf->band_types = ofp_get_be32(body + 4);
    mf->capabilities = ofp_get_be32(body + 8);
    mf->max_bands = body[12];
    mf->max_color = body[13];
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Text.
 * ------------------------------------------------------------------------------------------- */

static char *
parse_band(char *text, struct ofp_meter_mod *mm)
{
    char *pos = text, *key, *value;
    char *error = NULL;
    bool have_type = false, have_rate = false;

    if (mm->n_bands >= OFP_METER_MAX_BANDS) {
        return xasprintf("too many bands (at most %d)", OFP_METER_MAX_BANDS);
    }
    struct ofp_meter_band *b = &mm->bands[mm->n_bands++];
    memset(b, 0, sizeof *b);
    while (!error && ofp_next_keyword(&pos, &key, &value)) {
        uint64_t v;
        if (!strcmp(key, "type")) {
            if (strcmp(value, "drop")) {
                error = xasprintf("band type \"%s\" is not supported (uvs supports type=drop)",
                                  value);
            }
            b->type = OFPMBT_DROP;
            have_type = true;
        } else if (!strcmp(key, "rate")) {
            error = ofp_parse_uint("rate", value, UINT32_MAX, &v);
            b->rate = v;
            have_rate = true;
        } else if (!strcmp(key, "burst_size")) {
            error = ofp_parse_uint("burst_size", value, UINT32_MAX, &v);
            b->burst_size = v;
        } else if (!strcmp(key, "prec_level")) {
            error = xstrdup("prec_level: dscp_remark bands are not supported (use type=drop)");
        } else {
            error = xasprintf("unknown band keyword \"%s\" (use type, rate, burst_size)", key);
        }
    }
    if (!error && !have_type) {
        error = xstrdup("band: must specify a type (band=type=drop,rate=N)");
    }
    if (!error && !have_rate) {
        error = xstrdup("band: must specify a rate (band=type=drop,rate=N)");
    }
    return error;
}

char *
ofp_parse_meter_mod(const char *str, uint16_t command, struct ofp_meter_mod *mm)
{
    char *copy = xstrdup(str ? str : "");
    char *error = NULL;
    bool have_id = false;

    memset(mm, 0, sizeof *mm);
    mm->command = command;
    mm->meter_id = OFPM_ALL;

    char *bands = strstr(copy, "band=");
    if (bands) {
        *bands = '\0';
        bands += 5;
    }
    char *pos = copy, *key, *value;
    while (!error && ofp_next_keyword(&pos, &key, &value)) {
        uint64_t v;
        if (!strcmp(key, "meter")) {
            if (!strcasecmp(value, "all")) {
                mm->meter_id = OFPM_ALL;
            } else if (!(error = ofp_parse_uint("meter", value, OFPM_MAX, &v))) {
                mm->meter_id = v;
            }
            have_id = true;
        } else if (!strcmp(key, "kbps")) {
            mm->flags |= OFPMF_KBPS;
        } else if (!strcmp(key, "pktps")) {
            mm->flags |= OFPMF_PKTPS;
        } else if (!strcmp(key, "burst")) {
            mm->flags |= OFPMF_BURST;
        } else if (!strcmp(key, "stats")) {
            mm->flags |= OFPMF_STATS;
        } else {
            error = xasprintf("unknown meter keyword \"%s\" (use meter, kbps, pktps, burst, "
                              "stats, band)", key);
        }
    }
    if (!error && (mm->flags & (OFPMF_KBPS | OFPMF_PKTPS)) == (OFPMF_KBPS | OFPMF_PKTPS)) {
        error = xstrdup("kbps and pktps are exclusive: give one of them");
    }
    while (!error && bands) {
        char *next = strstr(bands, ",band=");
        if (next) {
            *next = '\0';
        }
        if (command == OFPMC_DELETE) {
            error = xstrdup("band: not allowed when deleting meters");
        } else {
            error = parse_band(bands, mm);
        }
        bands = next ? next + 6 : NULL;
    }
    if (!error && command != OFPMC_DELETE) {
        if (!(mm->flags & (OFPMF_KBPS | OFPMF_PKTPS))) {
            mm->flags |= OFPMF_KBPS;
        }
        if (!have_id || mm->meter_id == OFPM_ALL) {
            error = xstrdup("must specify a meter id (e.g. meter=1)");
        } else if (!mm->n_bands) {
            error = xstrdup("must specify at least one band (e.g. band=type=drop,rate=1000)");
        }
    }
    free(copy);
    return error;
}

static void
format_flags(struct ds *s, uint16_t flags)
{
    static const char *const names[] = { "kbps", "pktps", "burst", "stats" };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (flags & (1u << i)) {
            ds_put_format(s, "%s ", names[i]);
        }
    }
    if (flags & ~0xfu) {
        ds_put_format(s, "flags:0x%x ", flags & ~0xfu);
    }
}

/* Drops the trailing blank of a list printed by format_flags(). */
static void
chomp_space(struct ds *s)
{
    if (s->len && s->s[s->len - 1] == ' ') {
        s->s[--s->len] = '\0';
    }
}

void
ofp_format_meter_config(struct ds *s, const struct ofp_meter_mod *mm)
{
    ds_put_format(s, "meter=%"PRIu32" ", mm->meter_id);
    format_flags(s, mm->flags);
    ds_put_cstr(s, "bands=");
    for (size_t i = 0; i < mm->n_bands; i++) {
        const struct ofp_meter_band *b = &mm->bands[i];
        ds_put_char(s, '\n');
        if (b->type == OFPMBT_DROP) {
            ds_put_cstr(s, "type=drop");
        } else {
            ds_put_format(s, "type=%u", b->type);
        }
        ds_put_format(s, " rate=%"PRIu32, b->rate);
        if (mm->flags & OFPMF_BURST) {
            ds_put_format(s, " burst_size=%"PRIu32, b->burst_size);
        }
    }
}

void
ofp_format_meter_stats(struct ds *s, const struct ofp_meter_stats *ms)
{
    ds_put_format(s, "meter:%"PRIu32" flow_count:%"PRIu32" packet_in_count:%"PRIu64
                  " byte_in_count:%"PRIu64" duration:%"PRIu32, ms->meter_id, ms->flow_count,
                  ms->packet_in_count, ms->byte_in_count, ms->duration_sec);
    if (ms->duration_nsec) {
        /* As ovs-ofctl: the fraction without its trailing zeros ("5.186s"). */
        char frac[16];
        snprintf(frac, sizeof frac, "%09"PRIu32, ms->duration_nsec % 1000000000u);
        for (int i = 8; i > 0 && frac[i] == '0'; i--) {
            frac[i] = '\0';
        }
        ds_put_format(s, ".%s", frac);
    }
    ds_put_cstr(s, "s bands:");
    for (size_t i = 0; i < ms->n_bands; i++) {
        ds_put_format(s, "\n%zu: packet_count:%"PRIu64" byte_count:%"PRIu64, i,
                      ms->bands[i].packet_count, ms->bands[i].byte_count);
    }
}

void
ofp_format_meter_features(struct ds *s, const struct ofp_meter_features *mf)
{
    ds_put_format(s, "max_meter:%"PRIu32" max_bands:%u max_color:%u\n", mf->max_meter,
                  mf->max_bands, mf->max_color);
    ds_put_cstr(s, "band_types: ");
    if (mf->band_types & (1u << OFPMBT_DROP)) {
        ds_put_cstr(s, "drop ");
    }
    if (mf->band_types & (1u << OFPMBT_DSCP_REMARK)) {
        ds_put_cstr(s, "dscp_remark ");
    }
    chomp_space(s);
    ds_put_cstr(s, "\ncapabilities: ");
    format_flags(s, mf->capabilities);
    chomp_space(s);
}
