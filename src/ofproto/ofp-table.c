/*
 * ofp-table — table-features reply decoding and printing (see ofp-table.h).
 */
#include "ofproto/ofp-table.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
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
pull_oxm_ids(const uint8_t *p, size_t len, uint8_t *map, uint8_t *masks)
{
    while (len >= 4) {
        uint16_t cls = ofp_get_be16(p);
        size_t n = cls == 0xffff ? 8 : 4;
        const struct ofp_field *f = ofp_field_by_header(cls, p[2] >> 1);
        if (f && f->id >= 0 && f->id < 256) {
            bit_set(map, f->id);
            if (masks && (p[2] & 1)) {
                bit_set(masks, f->id);
            }
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
            pull_oxm_ids(body, blen, e->match, e->masks);
            break;
        case TFPT_WILDCARDS:
            pull_oxm_ids(body, blen, e->wildcards, NULL);
            break;
        case TFPT_WRITE_SETFIELD:
        case TFPT_APPLY_SETFIELD:
            pull_oxm_ids(body, blen, e->set_fields, NULL);
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

static const char *const instruction_names[] = {
    [1] = "goto_table", [2] = "write_metadata", [3] = "write_actions",
    [4] = "apply_actions", [5] = "clear_actions", [6] = "meter",
};
static const char *const action_names[] = {
    [0] = "output", [11] = "copy_ttl_out", [12] = "copy_ttl_in", [15] = "set_mpls_ttl",
    [16] = "dec_mpls_ttl", [17] = "push_vlan", [18] = "pop_vlan", [19] = "push_mpls",
    [20] = "pop_mpls", [21] = "set_queue", [22] = "group", [23] = "set_nw_ttl",
    [24] = "dec_nw_ttl", [25] = "set_field", [26] = "push_pbb", [27] = "pop_pbb",
};

const char *
ofp_instruction_name(unsigned int type)
{
    return type < ARRAY_SIZE(instruction_names) ? instruction_names[type] : NULL;
}

const char *
ofp_action_type_name(unsigned int type)
{
    return type < ARRAY_SIZE(action_names) ? action_names[type] : NULL;
}

/* ---------------------------------------------------------------------------------------------
 * Printing, in ovs-ofctl 3.1's layout: OpenFlow action types under Open vSwitch's action names,
 * fields in Open vSwitch's field order with runs of one prefix folded ("eth_{src,dst}"), and a
 * run of tables equal to the one before folded into "tables 1...252: ditto".
 * ------------------------------------------------------------------------------------------- */

/* OpenFlow 1.3 action types as ovs-ofctl names them, in its order (the order of its internal
 * action list); types it does not decode (copy_ttl_*, push/pop_pbb) are not listed. */
static const struct {
    uint8_t type;
    const char *name;
} ovs_actions[] = {
    { 0, "output" }, { 22, "group" }, { 25, "set_field" }, { 18, "strip_vlan" },
    { 17, "push_vlan" }, { 23, "mod_nw_ttl" }, { 24, "dec_ttl" }, { 15, "set_mpls_ttl" },
    { 16, "dec_mpls_ttl" }, { 19, "push_mpls" }, { 20, "pop_mpls" }, { 21, "set_queue" },
};

/* Instruction types in ovs-ofctl's order. */
static const uint8_t ovs_instructions[] = { 6, 4, 5, 3, 2, 1 };

/* uvs field names in ovs-ofctl's field order; fields not listed follow, by uvs id. */
static const char *const ovs_field_order[] = {
    "tun_id", "tun_src", "tun_dst", "metadata", "in_port", "in_port_oxm",
    "reg0", "reg1", "reg2", "reg3", "reg4", "reg5", "reg6", "reg7", "reg8", "reg9", "reg10",
    "reg11", "reg12", "reg13", "reg14", "reg15",
    "eth_src", "eth_dst", "eth_type", "vlan_vid", "vlan_pcp", "ip_src", "ip_dst", "ipv6_src",
    "ipv6_dst", "ipv6_label", "nw_proto", "ip_dscp", "nw_ecn", "nw_ttl", "arp_op", "arp_spa",
    "arp_tpa", "arp_sha", "arp_tha", "tcp_src", "tcp_dst", "udp_src", "udp_dst", "sctp_src",
    "sctp_dst", "icmp_type", "icmp_code", "icmpv6_type", "icmpv6_code", "nd_target", "nd_sll",
    "nd_tll",
};

/* Appends the fields in MAP (and, if FILTER, in FILTER too; if NOT, not in NOT) as ovs-ofctl
 * does: " a b_{c,d}". Returns the number of fields. */
static int
format_fields(struct ds *s, const uint8_t *map, const uint8_t *filter, const uint8_t *not)
{
    const char *names[256];
    bool used[256] = { false };
    int n = 0;

    for (size_t i = 0; i < ARRAY_SIZE(ovs_field_order); i++) {
        const struct ofp_field *f = ofp_field_by_name(ovs_field_order[i]);
        if (f && f->id >= 0 && f->id < 256 && !used[f->id]) {
            used[f->id] = true;
            if (bit_get(map, f->id) && (!filter || bit_get(filter, f->id))
                && (!not || !bit_get(not, f->id))) {
                names[n++] = f->name;
            }
        }
    }
    for (int id = 0; id < 256; id++) {
        const struct ofp_field *f = used[id] || !bit_get(map, id) ? NULL : ofp_field_by_id(id);
        if (f && (!filter || bit_get(filter, id)) && (!not || !bit_get(not, id))) {
            names[n++] = f->name;
        }
    }
    for (int i = 0; i < n; ) {
        const char *us = strrchr(names[i], '_');
        size_t plen = us ? (size_t) (us - names[i]) + 1 : 0;
        int j = i + 1;
        while (plen && j < n && !strncmp(names[j], names[i], plen)
               && !strchr(names[j] + plen, '_')) {
            j++;
        }
        if (j - i > 1) {
            ds_put_format(s, " %.*s{", (int) plen, names[i]);
            for (int k = i; k < j; k++) {
                ds_put_format(s, "%s%s", k > i ? "," : "", names[k] + plen);
            }
            ds_put_char(s, '}');
        } else {
            ds_put_format(s, " %s", names[i]);
        }
        i = j;
    }
    return n;
}

static bool
fields_empty(const uint8_t *map)
{
    for (int i = 0; i < 256 / 8; i++) {
        if (map[i]) {
            return false;
        }
    }
    return true;
}

/* Whether A's and B's next tables are "the same": equal, or each "all the tables after me". */
static bool
next_tables_equal(const struct ofp_table_features_entry *a,
                  const struct ofp_table_features_entry *b)
{
    if (!memcmp(a->next_tables, b->next_tables, sizeof a->next_tables)) {
        return true;
    }
    for (int t = 0; t < 254; t++) {
        bool in_a = bit_get(a->next_tables, t), in_b = bit_get(b->next_tables, t);
        if (in_a != (t > a->tf.table_id) || in_b != (t > b->tf.table_id)) {
            return false;
        }
    }
    return true;
}

static bool
actions_equal(const struct ofp_table_features_entry *a, const struct ofp_table_features_entry *b)
{
    return a->write_actions == b->write_actions && a->apply_actions == b->apply_actions
           && !memcmp(a->set_fields, b->set_fields, sizeof a->set_fields);
}

static bool
matching_equal(const struct ofp_table_features_entry *a, const struct ofp_table_features_entry *b)
{
    return !memcmp(a->match, b->match, sizeof a->match)
           && !memcmp(a->masks, b->masks, sizeof a->masks)
           && !memcmp(a->wildcards, b->wildcards, sizeof a->wildcards);
}

static bool
features_equal(const struct ofp_table_features_entry *a, const struct ofp_table_features_entry *b)
{
    return a->tf.metadata_match == b->tf.metadata_match
           && a->tf.metadata_write == b->tf.metadata_write && a->tf.config == b->tf.config
           && a->tf.max_entries == b->tf.max_entries && a->instructions == b->instructions
           && next_tables_equal(a, b) && actions_equal(a, b) && matching_equal(a, b);
}

static void
format_actions(struct ds *s, uint64_t map)
{
    for (size_t i = 0; i < ARRAY_SIZE(ovs_actions); i++) {
        if (map & (UINT64_C(1) << ovs_actions[i].type)) {
            ds_put_format(s, " %s", ovs_actions[i].name);
        }
    }
}

static void
format_instructions(struct ds *s, const struct ofp_table_features_entry *e,
                    const struct ofp_table_features_entry *prev)
{
    int first = -1, last = -1, n_next = 0;

    for (int t = 0; t < 256; t++) {
        if (bit_get(e->next_tables, t)) {
            first = first < 0 ? t : first;
            last = t;
            n_next++;
        }
    }
    if (n_next) {
        ds_put_cstr(s, "      next tables: ");
        if (n_next == last - first + 1) {
            ds_put_format(s, n_next > 1 ? "%d-%d" : "%d", first, last);
        } else {
            for (int t = first, sep = 0; t <= last; t++) {
                if (bit_get(e->next_tables, t)) {
                    ds_put_format(s, "%s%d", sep++ ? "," : "", t);
                }
            }
        }
        ds_put_char(s, '\n');
    }
    if (e->instructions) {
        if (prev && prev->instructions == e->instructions) {
            ds_put_cstr(s, "      (same instructions)\n");
        } else {
            ds_put_cstr(s, "      instructions:");
            for (size_t i = 0; i < ARRAY_SIZE(ovs_instructions); i++) {
                if (e->instructions & (UINT64_C(1) << ovs_instructions[i])) {
                    ds_put_format(s, " %s", instruction_names[ovs_instructions[i]]);
                }
            }
            ds_put_char(s, '\n');
        }
    }
    if (prev && actions_equal(e, prev)) {
        ds_put_cstr(s, "      (same actions)\n");
    } else if (e->write_actions != e->apply_actions) {
        ds_put_cstr(s, "      Write-Actions features:\n        actions:");
        format_actions(s, e->write_actions);
        ds_put_cstr(s, "\n      Apply-Actions features:\n        actions:");
        format_actions(s, e->apply_actions);
        ds_put_char(s, '\n');
        if (!fields_empty(e->set_fields)) {
            ds_put_cstr(s, "        supported on Set-Field:");
            format_fields(s, e->set_fields, NULL, NULL);
            ds_put_char(s, '\n');
        }
    } else if (e->write_actions || !fields_empty(e->set_fields)) {
        ds_put_cstr(s, "      Write-Actions and Apply-Actions features:\n        actions:");
        format_actions(s, e->write_actions);
        ds_put_char(s, '\n');
        if (!fields_empty(e->set_fields)) {
            ds_put_cstr(s, "        supported on Set-Field:");
            format_fields(s, e->set_fields, NULL, NULL);
            ds_put_char(s, '\n');
        }
    }
}

static void
format_ditto(struct ds *s, struct ofp_table_features_fmt *fmt)
{
    if (fmt->first_ditto >= 0) {
        if (fmt->first_ditto == fmt->last_ditto) {
            ds_put_format(s, "  table %d: ditto\n\n", fmt->first_ditto);
        } else {
            ds_put_format(s, "  tables %d...%d: ditto\n\n", fmt->first_ditto, fmt->last_ditto);
        }
        fmt->first_ditto = -1;
    }
}

void
ofp_table_features_fmt_init(struct ofp_table_features_fmt *fmt)
{
    memset(fmt, 0, sizeof *fmt);
    fmt->first_ditto = fmt->last_ditto = -1;
}

void
ofp_table_features_fmt_add(struct ds *s, struct ofp_table_features_fmt *fmt,
                           const struct ofp_table_features_entry *e)
{
    const struct ofp_table_features_entry *prev = fmt->has_prev ? &fmt->prev : NULL;

    if (prev && !e->tf.name[0] && features_equal(e, prev)) {
        if (fmt->first_ditto < 0) {
            fmt->first_ditto = e->tf.table_id;
        }
        fmt->last_ditto = e->tf.table_id;
        fmt->prev = *e;
        return;
    }
    format_ditto(s, fmt);
    ds_put_format(s, "  table %u", e->tf.table_id);
    if (e->tf.name[0]) {
        ds_put_format(s, " (\"%s\")", e->tf.name);
    }
    ds_put_cstr(s, ":\n");
    if (e->tf.metadata_match || e->tf.metadata_write) {
        ds_put_format(s, "    metadata: match=%#"PRIx64" write=%#"PRIx64"\n",
                      e->tf.metadata_match, e->tf.metadata_write);
    }
    if (fmt->version >= 5) {       /* OpenFlow 1.4: config bits OFPTC14_EVICTION, _VACANCY. */
        ds_put_format(s, "    eviction: %ssupported\n", e->tf.config & 4 ? "" : "not ");
        ds_put_format(s, "    vacancy events: %ssupported\n", e->tf.config & 8 ? "" : "not ");
    }
    if (e->tf.max_entries) {
        ds_put_format(s, "    max_entries=%"PRIu32"\n", e->tf.max_entries);
    }
    if (prev && e->instructions == prev->instructions && next_tables_equal(e, prev)
        && actions_equal(e, prev)) {
        if (e->instructions) {
            ds_put_cstr(s, "    (same instructions)\n");
        }
    } else if (e->instructions || e->write_actions || e->apply_actions) {
        ds_put_cstr(s, "    instructions (table miss and others):\n");
        format_instructions(s, e, prev);
    }
    if (!fields_empty(e->match)) {
        if (prev && matching_equal(e, prev)) {
            ds_put_cstr(s, "    (same matching)\n");
        } else {
            ds_put_cstr(s, "    matching:\n");
            struct ds f = DS_EMPTY_INITIALIZER;
            if (format_fields(&f, e->match, e->masks, NULL)) {
                ds_put_format(s, "      arbitrary mask:%s\n", ds_cstr(&f));
            }
            ds_clear(&f);
            uint8_t exact[256 / 8];
            for (size_t i = 0; i < sizeof exact; i++) {
                exact[i] = e->wildcards[i] & ~e->masks[i];
            }
            if (format_fields(&f, e->match, exact, NULL)) {
                ds_put_format(s, "      exact match or wildcard:%s\n", ds_cstr(&f));
            }
            ds_clear(&f);
            uint8_t masked_or_wild[256 / 8];
            for (size_t i = 0; i < sizeof masked_or_wild; i++) {
                masked_or_wild[i] = e->wildcards[i] | e->masks[i];
            }
            if (format_fields(&f, e->match, NULL, masked_or_wild)) {
                ds_put_format(s, "      must exact match:%s\n", ds_cstr(&f));
            }
            ds_destroy(&f);
        }
    }
    ds_put_char(s, '\n');
    fmt->prev = *e;
    fmt->has_prev = true;
}

void
ofp_table_features_fmt_finish(struct ds *s, struct ofp_table_features_fmt *fmt)
{
    format_ditto(s, fmt);
}

void
ofp_format_table_features(struct ds *s, const struct ofp_table_features_entry *e)
{
    struct ofp_table_features_fmt *fmt = xmalloc(sizeof *fmt);

    ofp_table_features_fmt_init(fmt);
    ofp_table_features_fmt_add(s, fmt, e);
    ofp_table_features_fmt_finish(s, fmt);
    free(fmt);
}
