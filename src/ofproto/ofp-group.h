/*
 * ofp-group — OpenFlow groups (OpenFlow 1.3.5 §5.6, §7.3.4.2 group-mod, §7.3.5.10 group
 * descriptions): the decoded form, the wire codec, the ovs-ofctl text syntax and its printing.
 *
 * Text (ovs-ofctl add-group):  group_id=1,type=select,bucket=weight:10,actions=output:1,
 *                              bucket=weight:20,output:2
 * Each "bucket=" runs to the next one; it may start with weight:N, watch_port:PORT and
 * watch_group:N, then "actions=ACTIONS" or the actions themselves.
 *
 * Errors: decoders return 0 or -EPROTO with *ERR (OFPET_GROUP_MOD_FAILED, or action errors);
 * parsers return NULL or a malloc'd message. Thread-safety: pure functions.
 */
#ifndef UVS_OFP_GROUP_H
#define UVS_OFP_GROUP_H 1

#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"
#include "ofproto/ofp-parse.h"
#include "ofproto/ofp-types.h"

struct ofpbuf;
struct ofp_mp_writer;
struct ofp_port_map;

/* Group types, commands and special ids (OpenFlow 1.3.5 §7.3.4.2). */
#define OFPGT_ALL 0
#define OFPGT_SELECT 1
#define OFPGT_INDIRECT 2
#define OFPGT_FF 3
#define OFPGC_ADD 0
#define OFPGC_MODIFY 1
#define OFPGC_DELETE 2
#define OFPG_MAX 0xffffff00u
#define OFPG_ALL 0xfffffffcu
#define OFPET_GROUP_MOD_FAILED 6
#define OFPGMFC_GROUP_EXISTS 0
#define OFPGMFC_INVALID_GROUP 1
#define OFPGMFC_UNKNOWN_GROUP 8
#define OFPGMFC_BAD_TYPE 10
#define OFPGMFC_BAD_COMMAND 11
#define OFPGMFC_BAD_BUCKET 12
#define OFPBAC_BAD_OUT_GROUP 9

struct ofp_bucket {
    uint16_t weight;           /* select: share of the traffic. */
    uint32_t watch_port;       /* fast-failover: live when this port is (OFPP_ANY = none). */
    uint32_t watch_group;      /* OFPG_ANY = none. */
    struct ofpacts ofpacts;    /* Owned; apply-actions only. */
};

struct ofp_group_mod {
    uint16_t command;          /* OFPGC_* */
    uint8_t type;              /* OFPGT_* */
    uint32_t group_id;
    size_t n_buckets;
    struct ofp_bucket *buckets;   /* Owned. */
};

void ofp_group_mod_init(struct ofp_group_mod *);
void ofp_group_mod_destroy(struct ofp_group_mod *);

void ofp_encode_group_mod(struct ofpbuf *out, uint8_t version, uint32_t xid,
                          const struct ofp_group_mod *);
/* Initializes *GM even on error. */
int ofp_decode_group_mod(const void *msg, size_t len, struct ofp_group_mod *gm,
                         struct ofperr *err);
/* One group description entry (GM's command is ignored). */
void ofp_mp_put_group_desc(struct ofp_mp_writer *, const struct ofp_group_mod *);
/* Decodes one entry at *P (*LEFT bytes left) into *GM (initialized); 0, -EPROTO, or -ENOENT at
 * the end. */
int ofp_pull_group_desc(const uint8_t **p, size_t *left, struct ofp_group_mod *gm,
                        struct ofperr *err);

/* Group statistics (OpenFlow 1.3.5 §7.3.5.9): counters of a group and of each bucket. */
#define OFP_MAX_GROUP_BUCKETS 255   /* Buckets whose statistics are kept. */
struct ofp_group_stats {
    uint32_t group_id;
    uint32_t ref_count;            /* Flows that use the group (0xffffffff: unknown). */
    uint64_t packet_count, byte_count;
    uint32_t duration_sec, duration_nsec;
    size_t n_buckets;
    uint64_t bucket_packets[OFP_MAX_GROUP_BUCKETS];
    uint64_t bucket_bytes[OFP_MAX_GROUP_BUCKETS];
};
/* The OFPMP_GROUP request body for GROUP_ID (OFPG_ALL: every group). */
void ofp_encode_group_stats_request(struct ofpbuf *out, uint8_t version, uint32_t xid,
                                    uint32_t group_id);
/* Returns 0 or -EPROTO (OFPBRC_BAD_LEN unless BODY is 8 bytes). */
int ofp_decode_group_stats_request(const uint8_t *body, size_t len, uint32_t *group_id,
                                   struct ofperr *err);
void ofp_mp_put_group_stats(struct ofp_mp_writer *, const struct ofp_group_stats *);
/* Decodes one entry at *P; 0, -EPROTO (OFPBRC_BAD_LEN: entry length under 40, not 40 + 16 per
 * bucket, past the body, or over OFP_MAX_GROUP_BUCKETS buckets), or -ENOENT at the end. */
int ofp_pull_group_stats(const uint8_t **p, size_t *left, struct ofp_group_stats *,
                         struct ofperr *err);
/* " group_id=1,duration=3.000s,ref_count=1,packet_count=5,byte_count=490,bucket0:packet_count=5,
 * byte_count=490" (ovs-ofctl dump-group-stats). */
void ofp_format_group_stats(struct ds *, const struct ofp_group_stats *);

/* Group features (OpenFlow 1.3.5 §7.3.5.11). */
#define OFPGFC_SELECT_WEIGHT 1u
#define OFPGFC_SELECT_LIVENESS 2u
#define OFPGFC_CHAINING 4u
#define OFPGFC_CHAINING_CHECKS 8u
struct ofp_group_features {
    uint32_t types;                /* Bitmap of 1 << OFPGT_*. */
    uint32_t capabilities;         /* OFPGFC_* */
    uint32_t max_groups[4];        /* Per type. */
    uint32_t actions[4];           /* Per type: bitmap of 1 << OFPAT_* action types. */
};
void ofp_mp_put_group_features(struct ofp_mp_writer *, const struct ofp_group_features *);
/* Returns 0 or -EPROTO (OFPBRC_BAD_LEN unless BODY is 40 bytes). */
int ofp_decode_group_features(const uint8_t *body, size_t len, struct ofp_group_features *,
                              struct ofperr *err);
/* The body of ovs-ofctl dump-group-features' output, after the header line. */
void ofp_format_group_features(struct ds *, const struct ofp_group_features *);

/* Parses STR for COMMAND (add/modify: group_id, type, buckets; delete: group_id or none = all)
 * into *GM (initialized). */
char *ofp_parse_group_mod(const char *str, uint16_t command, ofp_port_name_cb *cb, void *aux,
                          struct ofp_group_mod *gm) __attribute__((warn_unused_result));
/* "group_id=1,type=all,bucket=actions=output:1,bucket=actions=output:2" (ovs-ofctl). */
void ofp_format_group(struct ds *, const struct ofp_group_mod *, const struct ofp_port_map *);

#endif
