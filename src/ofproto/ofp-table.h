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
    uint8_t set_fields[256 / 8];
};

int ofp_pull_table_features(const uint8_t **p, size_t *left, struct ofp_table_features_entry *,
                            struct ofperr *err);
/* Appends "  table 0:\n    metadata: match=... write=...\n    max_entries=...\n ..." */
void ofp_format_table_features(struct ds *, const struct ofp_table_features_entry *);

#endif
