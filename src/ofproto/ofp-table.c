/*
 * ofp-table — table-features reply decoding and printing (see ofp-table.h).
 */
#include "ofproto/ofp-table.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "ofproto/ofp-print.h"
#include "ofproto/ofp-types.h"

#define TF_FIXED_LEN 64
/* Property types (enum ofp_table_feature_prop_type); odd ones are the "_MISS" variants. */
#define TFPT_INSTRUCTIONS 0
#define TFPT_NEXT_TABLES 2
#define TFPT_WRITE_ACTIONS 4
#define TFPT_APPLY_ACTIONS 6
#define TFPT_MATCH 8
#define TFPT_WILDCARDS 10
#define TFPT_WRITE_SETFIELD 12
#define TFPT_APPLY_SETFIELD 14

static void
bit_set(uint8_t *map, unsigned int i)
{
    map[i / 8] |= 1u << (i % 8);
}

static bool
bit_get(const uint8_t *map, unsigned int i)
{
    return map[i / 8] & (1u << (i % 8));
}

/* OXM ids (4 bytes each; experimenter ones 8) into MAP of field ids. */
static void
pull_oxm_ids(const uint8_t *p, size_t len, uint8_t *map)
{
    while (len >= 4) {
        uint16_t cls = ofp_get_be16(p);
        size_t n = cls == 0xffff ? 8 : 4;
        const struct ofp_field *f = ofp_field_by_header(cls, p[2] >> 1);
        if (f && f->id >= 0 && f->id < 256) {
            bit_set(map, f->id);
        }
        if (n > len) {
            break;
        }
        p += n;
        len -= n;
    }
}

/* Instruction or action ids (type, len >= 4, len bytes each) into a bitmap. */
static uint64_t
pull_type_ids(const uint8_t *p, size_t len)
{
    uint64_t map = 0;
    while (len >= 4) {
        uint16_t type = ofp_get_be16(p), n = ofp_get_be16(p + 2);
        if (type < 64) {
            map |= UINT64_C(1) << type;
        }
        if (n < 4 || n > len) {
            break;
        }
        p += n;
        len -= n;
    }
    return map;
}

int
ofp_pull_table_features(const uint8_t **pp, size_t *left, struct ofp_table_features_entry *e,
                        struct ofperr *err)
{
    const uint8_t *p = *pp;

    memset(e, 0, sizeof *e);
    if (!*left) {
        return -ENOENT;
    }
    size_t len = *left >= 2 ? ofp_get_be16(p) : 0;
    if (*left < TF_FIXED_LEN || len < TF_FIXED_LEN || len > *left) {
        goto bad_len;
    }
    e->tf.table_id = p[2];
    memcpy(e->tf.name, p + 8, OFP_MAX_TABLE_NAME_LEN);
    e->tf.name[OFP_MAX_TABLE_NAME_LEN - 1] = '\0';
    e->tf.metadata_match = ofp_get_be64(p + 40);
    e->tf.metadata_write = ofp_get_be64(p + 48);
    e->tf.config = ofp_get_be32(p + 56);
    e->tf.max_entries = ofp_get_be32(p + 60);

    const uint8_t *q = p + TF_FIXED_LEN;
    size_t qleft = len - TF_FIXED_LEN;
    while (qleft) {
        if (qleft < 4) {
            goto bad_len;
        }
        uint16_t type = ofp_get_be16(q), plen = ofp_get_be16(q + 2);
        size_t padded = (plen + 7u) & ~7u;
        if (plen < 4 || plen > qleft) {
            goto bad_len;
        }
        const uint8_t *body = q + 4;
        size_t blen = plen - 4;
        switch (type) {
        case TFPT_INSTRUCTIONS:
            e->instructions = pull_type_ids(body, blen);
            break;
        case TFPT_NEXT_TABLES:
            for (size_t i = 0; i < blen; i++) {
                bit_set(e->next_tables, body[i]);
            }
            break;
        case TFPT_WRITE_ACTIONS:
            e->write_actions = pull_type_ids(body, blen);
            break;
        case TFPT_APPLY_ACTIONS:
            e->apply_actions = pull_type_ids(body, blen);
            break;
        case TFPT_MATCH:
            pull_oxm_ids(body, blen, e->match);
            break;
        case TFPT_WILDCARDS:
            pull_oxm_ids(body, blen, e->wildcards);
            break;
        case TFPT_WRITE_SETFIELD:
        case TFPT_APPLY_SETFIELD:
            pull_oxm_ids(body, blen, e->set_fields);
            break;
        default:
            break;      /* _MISS variants and experimenter properties: not summarized. */
        }
        padded = padded > qleft ? qleft : padded;
        q += padded;
        qleft -= padded;
    }
    *pp += len;
    *left -= len;
    return 0;

bad_len:
    *err = (struct ofperr) { OFPET_BAD_REQUEST, OFPBRC_BAD_LEN };
    return -EPROTO;
}

static void
format_type_names(struct ds *s, uint64_t map, const char *const *names, size_t n_names)
{
    for (size_t i = 0; i < 64; i++) {
        if (map & (UINT64_C(1) << i)) {
            if (i < n_names && names[i]) {
                ds_put_format(s, " %s", names[i]);
            } else {
                ds_put_format(s, " type%zu", i);
            }
        }
    }
}

static void
format_fields(struct ds *s, const uint8_t *map)
{
    for (int i = 0; i < 256; i++) {
        const struct ofp_field *f = bit_get(map, i) ? ofp_field_by_id(i) : NULL;
        if (f) {
            ds_put_format(s, " %s", f->name);
        }
    }
}

void
ofp_format_table_features(struct ds *s, const struct ofp_table_features_entry *e)
{
    static const char *const insts[] = {
        [1] = "goto_table", [2] = "write_metadata", [3] = "write_actions",
        [4] = "apply_actions", [5] = "clear_actions", [6] = "meter",
    };
    static const char *const acts[] = {
        [0] = "output", [11] = "copy_ttl_out", [12] = "copy_ttl_in", [15] = "set_mpls_ttl",
        [16] = "dec_mpls_ttl", [17] = "push_vlan", [18] = "pop_vlan", [19] = "push_mpls",
        [20] = "pop_mpls", [21] = "set_queue", [22] = "group", [23] = "set_nw_ttl",
        [24] = "dec_nw_ttl", [25] = "set_field", [26] = "push_pbb", [27] = "pop_pbb",
    };
    int first = -1, last = -1, n_next = 0;

    ds_put_format(s, "  table %u", e->tf.table_id);
    if (e->tf.name[0]) {
        ds_put_format(s, " (\"%s\")", e->tf.name);
    }
    ds_put_format(s, ":\n    metadata: match=%#"PRIx64" write=%#"PRIx64"\n",
                  e->tf.metadata_match, e->tf.metadata_write);
    ds_put_format(s, "    config=%#"PRIx32"\n    max_entries=%"PRIu32"\n", e->tf.config,
                  e->tf.max_entries);
    for (int t = 0; t < 256; t++) {
        if (bit_get(e->next_tables, t)) {
            first = first < 0 ? t : first;
            last = t;
            n_next++;
        }
    }
    ds_put_cstr(s, "    next tables: ");
    if (!n_next) {
        ds_put_cstr(s, "(none)");
    } else if (n_next == last - first + 1) {
        ds_put_format(s, n_next > 1 ? "%d-%d" : "%d", first, last);
    } else {
        for (int t = first, sep = 0; t <= last; t++) {
            if (bit_get(e->next_tables, t)) {
                ds_put_format(s, "%s%d", sep++ ? "," : "", t);
            }
        }
    }
    ds_put_cstr(s, "\n    instructions:");
    format_type_names(s, e->instructions, insts, ARRAY_SIZE(insts));
    ds_put_cstr(s, "\n    write actions:");
    format_type_names(s, e->write_actions, acts, ARRAY_SIZE(acts));
    ds_put_cstr(s, "\n    apply actions:");
    format_type_names(s, e->apply_actions, acts, ARRAY_SIZE(acts));
    ds_put_cstr(s, "\n    set_field:");
    format_fields(s, e->set_fields);
    ds_put_cstr(s, "\n    match:");
    format_fields(s, e->match);
    ds_put_cstr(s, "\n    wildcards:");
    format_fields(s, e->wildcards);
    ds_put_char(s, '\n');
}
