/*
 * ofp-meter — OpenFlow meters (OpenFlow 1.3.5 §5.7 meter table, §7.3.4.4 meter-mod, §7.3.5.12-14
 * meter statistics, configuration and features): the decoded form, the wire codec, the
 * ovs-ofctl text syntax and the printing of the three multipart replies as ovs-ofctl 3.1 does.
 *
 * Text (ovs-ofctl add-meter):  meter=1,pktps,burst,stats,band=type=drop,rate=10,burst_size=10
 * Flags: kbps (the default when neither is given), pktps, burst, stats. Each "band=" runs to the
 * next one and holds type=drop, rate=N and burst_size=N. del-meters takes "meter=N" or nothing
 * (= all); dump-meters and meter-stats take the same.
 *
 * Only DROP bands are supported (band_types in the features); a meter holds at most
 * OFP_METER_MAX_BANDS bands. Meter ids run 1..OFP_METER_MAX (the meter features' max_meter).
 *
 * Errors: decoders return 0 or -EPROTO with *ERR (OFPET_METER_MOD_FAILED codes for what the
 * meter-mod says, OFPET_BAD_REQUEST/OFPBRC_BAD_LEN for a malformed message); parsers return NULL
 * or a malloc'd message for the user. Thread-safety: pure functions.
 */
#ifndef UVS_OFP_METER_H
#define UVS_OFP_METER_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"
#include "ofproto/ofp-types.h"

struct ofpbuf;
struct ofp_mp_writer;

/* Meter commands, flags, band types, special ids and error codes (OpenFlow 1.3.5 §7.3.4.4,
 * §7.4.10 enum ofp_meter_mod_failed_code). */
#define OFPMC_ADD 0
#define OFPMC_MODIFY 1
#define OFPMC_DELETE 2
#define OFPMF_KBPS 1u
#define OFPMF_PKTPS 2u
#define OFPMF_BURST 4u
#define OFPMF_STATS 8u
#define OFPMBT_DROP 1
#define OFPMBT_DSCP_REMARK 2
#define OFPM_MAX 0xffff0000u
#define OFPM_SLOWPATH 0xfffffffdu
#define OFPM_CONTROLLER 0xfffffffeu
#define OFPM_ALL 0xffffffffu
#define OFPET_METER_MOD_FAILED 12
#define OFPMMFC_METER_EXISTS 1
#define OFPMMFC_INVALID_METER 2
#define OFPMMFC_UNKNOWN_METER 3
#define OFPMMFC_BAD_COMMAND 4
#define OFPMMFC_BAD_FLAGS 5
#define OFPMMFC_BAD_RATE 6
#define OFPMMFC_BAD_BURST 7
#define OFPMMFC_BAD_BAND 8
#define OFPMMFC_OUT_OF_METERS 10
#define OFPMMFC_OUT_OF_BANDS 11

/* What uvs supports (the METER_FEATURES reply). */
#define OFP_METER_MAX 65535u
#define OFP_METER_MAX_BANDS 8

struct ofp_meter_band {
    uint16_t type;             /* OFPMBT_* */
    uint32_t rate;             /* kbit/s or packets/s, per the meter's flags. */
    uint32_t burst_size;       /* kbit or packets; used with OFPMF_BURST. */
};

struct ofp_meter_mod {
    uint16_t command;          /* OFPMC_* (ignored in a configuration entry). */
    uint16_t flags;            /* OFPMF_* */
    uint32_t meter_id;
    size_t n_bands;
    struct ofp_meter_band bands[OFP_METER_MAX_BANDS];
};

struct ofp_meter_band_stats {
    uint64_t packet_count;     /* Packets the band dropped. */
    uint64_t byte_count;
};

struct ofp_meter_stats {
    uint32_t meter_id;
    uint32_t flow_count;       /* Flows that use the meter. */
    uint64_t packet_in_count;  /* Packets that reached the meter. */
    uint64_t byte_in_count;
    uint32_t duration_sec;     /* Since the meter was added. */
    uint32_t duration_nsec;
    size_t n_bands;
    struct ofp_meter_band_stats bands[OFP_METER_MAX_BANDS];
};

struct ofp_meter_features {
    uint32_t max_meter;
    uint32_t band_types;       /* Bitmap of 1 << OFPMBT_*. */
    uint32_t capabilities;     /* Bitmap of OFPMF_*. */
    uint8_t max_bands;
    uint8_t max_color;
};

/* The meter-mod message (OpenFlow 1.3.5 §7.3.4.4). */
void ofp_encode_meter_mod(struct ofpbuf *out, uint8_t version, uint32_t xid,
                          const struct ofp_meter_mod *);
/* Decodes a METER_MOD of LEN bytes. Checks the form only (band lengths and types, the count of
 * bands, the command): OFPMMFC_BAD_BAND for a band type other than DROP, OFPMMFC_OUT_OF_BANDS
 * past OFP_METER_MAX_BANDS, OFPMMFC_BAD_COMMAND. The meaning (ids, rates, flags) is checked by
 * ofp_meter_mod_check(). Returns 0 or -EPROTO with *ERR. */
int ofp_decode_meter_mod(const void *msg, size_t len, struct ofp_meter_mod *, struct ofperr *err);
/* Checks an add or modify: meter id 1..OFP_METER_MAX (else INVALID_METER), exactly one of kbps
 * and pktps and no unknown flag (BAD_FLAGS), at least one band, each with a non-zero rate
 * (BAD_RATE), burst_size only with OFPMF_BURST (BAD_BURST). Returns 0 or -EINVAL with *ERR. */
int ofp_meter_mod_check(const struct ofp_meter_mod *, struct ofperr *err);

/* Multipart bodies. METER and METER_CONFIG requests carry a meter id (OFPM_ALL for all). */
void ofp_encode_meter_request(struct ofpbuf *out, uint8_t version, uint32_t xid, uint16_t mp_type,
                              uint32_t meter_id);
int ofp_decode_meter_request(const uint8_t *body, size_t len, uint32_t *meter_id,
                             struct ofperr *err);
void ofp_mp_put_meter_config(struct ofp_mp_writer *, const struct ofp_meter_mod *);
void ofp_mp_put_meter_stats(struct ofp_mp_writer *, const struct ofp_meter_stats *);
void ofp_mp_put_meter_features(struct ofp_mp_writer *, const struct ofp_meter_features *);
/* Pull one entry at *P (*LEFT bytes left): 0, -EPROTO (OFPBRC_BAD_LEN), or -ENOENT at the end. */
int ofp_pull_meter_config(const uint8_t **p, size_t *left, struct ofp_meter_mod *,
                          struct ofperr *err);
int ofp_pull_meter_stats(const uint8_t **p, size_t *left, struct ofp_meter_stats *,
                         struct ofperr *err);
int ofp_decode_meter_features(const uint8_t *body, size_t len, struct ofp_meter_features *,
                              struct ofperr *err);

/* Parses STR for COMMAND into *MM (see the top). For delete, dump-meters and meter-stats, an
 * empty STR or "meter=all" gives OFPM_ALL. */
char *ofp_parse_meter_mod(const char *str, uint16_t command, struct ofp_meter_mod *mm)
    __attribute__((warn_unused_result));

/* ovs-ofctl's layouts: "meter=1 pktps burst stats bands=\ntype=drop rate=10 burst_size=10",
 * "meter:1 flow_count:0 packet_in_count:5 byte_in_count:300 duration:1.5s bands:\n
 * 0: packet_count:2 byte_count:120", and the features. No trailing newline. */
void ofp_format_meter_config(struct ds *, const struct ofp_meter_mod *);
void ofp_format_meter_stats(struct ds *, const struct ofp_meter_stats *);
void ofp_format_meter_features(struct ds *, const struct ofp_meter_features *);

#endif
