/*
 * ofp-table — decoding and printing the table-features multipart reply (OpenFlow 1.3.5 §7.3.5.5)
 * for `uvs-ofctl dump-table-features`; the switch side (ofp_mp_put_table_features()) is in
 * ofp-util.c. An entry's properties are summarized: instructions, next tables, write/apply actions
 * and the match, wildcard and set-field OXM fields (by uvs field name).
 *
 * Errors: ofp_pull_table_features() returns 0, -ENOENT at the end of the body, or -EPROTO with
 * *ERR = OFPBRC_BAD_LEN (entry under 64 bytes or past the body, a property shorter than its
 * 4-byte header or running past the entry). Thread-safety: pure functions.
 */
#ifndef UVS_OFP_TABLE_H
#define UVS_OFP_TABLE_H 1

#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"
#include "ofproto/ofp-msgs.h"

/* A decoded table-features entry: the fixed part and the property summary. */
struct ofp_table_features_entry {
    struct ofp_table_features tf;
    uint64_t instructions;           /* Bitmap of 1 << OFPIT_* (types 1-6). */
    uint8_t next_tables[256 / 8];    /* Bitmap of table ids. */
    uint64_t write_actions;          /* Bitmaps of 1 << OFPAT_* (types 0-63). */
    uint64_t apply_actions;
    uint8_t match[256 / 8];          /* Bitmaps of ofp_field ids (see ofp-types.h). */
    uint8_t wildcards[256 / 8];
    uint8_t masks[256 / 8];          /* Fields of 'match' the switch can match with a mask. */
    uint8_t set_fields[256 / 8];
};

int ofp_pull_table_features(const uint8_t **p, size_t *left, struct ofp_table_features_entry *,
                            struct ofperr *err);
/* Printing in ovs-ofctl 3.1's layout ("  table 0:\n    metadata: match=... write=...\n
 * max_entries=...\n    instructions (table miss and others):\n ..."): a table whose features
 * equal the previous one's (its next tables being "all later tables" counts as equal) and that
 * has no name is folded into "  tables 1...252: ditto"; parts equal to the previous table's
 * print as "(same actions)", "(same matching)". Feed every entry of a reply, in order, to
 * ofp_table_features_fmt_add(), then call ofp_table_features_fmt_finish() for a pending "ditto"
 * line. ofp_format_table_features() prints one entry on its own. */
struct ofp_table_features_fmt {
    struct ofp_table_features_entry prev;
    bool has_prev;
    uint8_t version;                 /* The reply's; 1.4 and later print eviction/vacancy. */
    int first_ditto, last_ditto;     /* Tables folded so far, -1 if none. */
};
void ofp_table_features_fmt_init(struct ofp_table_features_fmt *);
void ofp_table_features_fmt_add(struct ds *, struct ofp_table_features_fmt *,
                                const struct ofp_table_features_entry *);
void ofp_table_features_fmt_finish(struct ds *, struct ofp_table_features_fmt *);
void ofp_format_table_features(struct ds *, const struct ofp_table_features_entry *);
/* The names of instruction type TYPE (OFPIT_*, "goto_table") and action type TYPE (OFPAT_*,
 * "output"), or NULL for a type without one. */
const char *ofp_instruction_name(unsigned int type);
const char *ofp_action_type_name(unsigned int type);

#endif
