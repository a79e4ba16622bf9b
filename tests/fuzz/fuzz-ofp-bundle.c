/*
 * fuzz-ofp-bundle — libFuzzer target for the decoders added with OpenFlow 1.4 bundles and the
 * multiparts of issue 6: BUNDLE_CONTROL and BUNDLE_ADD_MESSAGE (ofp-bundle.h), the 1.4 async
 * configuration properties and ROLE_STATUS (ofp-async.h), group statistics and features entries
 * (ofp-group.h) and table-features entries as uvs-ofctl decodes them (ofp-table.h).
 *
 * The input's first byte picks the decoder, the rest is the message (or multipart body), copied
 * into a buffer of exactly its length so ASan catches any read past it. A message that decodes is
 * re-encoded where an encoder exists and must decode to the same thing; decoded entries are
 * printed so the printers see every value the decoders accept.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ofproto/ofp-async.h"
#include "ofproto/ofp-bundle.h"
#include "ofproto/ofp-group.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-table.h"

#define CHECK(COND)                                                                             \
    do {                                                                                        \
        if (!(COND)) {                                                                          \
            fprintf(stderr, "fuzz-ofp-bundle: %s:%d: check failed: %s\n", __FILE__, __LINE__,   \
                    #COND);                                                                     \
            abort();                                                                            \
        }                                                                                       \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_bundle_ctrl(const uint8_t *p, size_t n)
{
    struct ofp_bundle_ctrl bc, bc2;
    struct ofperr err;
    if (!ofp_decode_bundle_ctrl(p, n, &bc, &err)) {
        struct ofpbuf b;
        ofpbuf_init(&b, 16);
        ofp_encode_bundle_ctrl(&b, OFP14_VERSION, 1, &bc);
        CHECK(!ofp_decode_bundle_ctrl(b.data, b.size, &bc2, &err));
        CHECK(bc.bundle_id == bc2.bundle_id && bc.type == bc2.type && bc.flags == bc2.flags);
        ofpbuf_uninit(&b);
    }
}

static void
fuzz_bundle_add(const uint8_t *p, size_t n)
{
    struct ofp_bundle_add ba, ba2;
    struct ofperr err;
    if (!ofp_decode_bundle_add(p, n, &ba, &err)) {
        CHECK(ba.msg >= p + 16 && ba.msg + ba.msg_len <= p + n && ba.msg_len >= 8);
        struct ofpbuf b;
        ofpbuf_init(&b, n);
        ofp_encode_bundle_add(&b, p[0], ofp_get_be32(p + 4), ba.bundle_id, ba.flags, ba.msg,
                              ba.msg_len);
        CHECK(!ofp_decode_bundle_add(b.data, b.size, &ba2, &err));
        CHECK(ba2.msg_len == ba.msg_len && !memcmp(ba2.msg, ba.msg, ba.msg_len));
        ofpbuf_uninit(&b);
    }
}

static void
fuzz_async(const uint8_t *p, size_t n)
{
    struct ofp_async_props a, b2;
    struct ofperr err;
    memset(&a, 0, sizeof a);
    if (!ofp_decode_async_props(p, n, &a, &err)) {
        struct ofpbuf b;
        ofpbuf_init(&b, 128);
        ofp_encode_async_props(&b, OFP14_VERSION, OFPT_SET_ASYNC, 1, &a);
        memset(&b2, 0xff, sizeof b2);
        CHECK(!ofp_decode_async_props(b.data, b.size, &b2, &err));
        CHECK(!memcmp(&a, &b2, sizeof a));
        ofpbuf_uninit(&b);
    }
    struct ofp_role_status rs;
    ofp_decode_role_status(p, n, &rs, &err);
}

static void
fuzz_group_entries(const uint8_t *p, size_t n)
{
    struct ofp_group_stats *gs = xmalloc(sizeof *gs);
    struct ofperr err;
    const uint8_t *q = p;
    size_t left = n;
    struct ds s = DS_EMPTY_INITIALIZER;
    int error;
    while (!(error = ofp_pull_group_stats(&q, &left, gs, &err))) {
        CHECK(gs->n_buckets <= OFP_MAX_GROUP_BUCKETS);
        ofp_format_group_stats(&s, gs);
    }
    CHECK(error == -ENOENT || error == -EPROTO);
    struct ofp_group_features gf;
    if (!ofp_decode_group_features(p, n, &gf, &err)) {
        ofp_format_group_features(&s, &gf);
    }
    uint32_t id;
    ofp_decode_group_stats_request(p, n, &id, &err);
    ds_destroy(&s);
    free(gs);
}

static void
fuzz_table_features(const uint8_t *p, size_t n)
{
    struct ofp_table_features_entry *e = xmalloc(sizeof *e);
    struct ofperr err;
    struct ds s = DS_EMPTY_INITIALIZER;
    int error;
    while (!(error = ofp_pull_table_features(&p, &n, e, &err))) {
        ofp_format_table_features(&s, e);
    }
    CHECK(error == -ENOENT || error == -EPROTO);
    ds_destroy(&s);
    free(e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) {
        return 0;
    }
    size_t n = size - 1;
    uint8_t *p = xmalloc(n ? n : 1);
    memcpy(p, data + 1, n);
    switch (data[0] % 5) {
    case 0: fuzz_bundle_ctrl(p, n); break;
    case 1: fuzz_bundle_add(p, n); break;
    case 2: fuzz_async(p, n); break;
    case 3: fuzz_group_entries(p, n); break;
    default: fuzz_table_features(p, n); break;
    }
    free(p);
    return 0;
}
