/*
 * fuzz-flow — libFuzzer target for the packet flow-key extractor (pmd/flow.c).
 *
 * Each input is one Ethernet frame. flow_extract() must not read outside it (ASan checks: the
 * frame is copied into a buffer of exactly its length) and must agree with the reference parser in
 * flow-ref.c on every field of struct flow and on the returned flags. The key is also printed
 * (flow_to_string) so the formatter sees every key the parser can produce.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow-ref.h"
#include "pmd/flow.h"

/* Prints which struct flow bytes differ, with both keys, and aborts (a libFuzzer crash). */
static void
report_mismatch(const char *what, const struct flow *got, const struct flow *want, int got_flags,
                int want_flags)
{
    fprintf(stderr, "fuzz-flow: flow_extract() disagrees with the reference parser: %s\n", what);
    fprintf(stderr, "  flags: flow_extract %#x, reference %#x\n", got_flags, want_flags);
    const uint8_t *a = (const uint8_t *) got, *b = (const uint8_t *) want;
    for (size_t i = 0; i < sizeof *got; i++) {
        if (a[i] != b[i]) {
            fprintf(stderr, "  byte %zu of struct flow: %02x != %02x\n", i, a[i], b[i]);
        }
    }
    char *s1 = flow_to_string(got, NULL), *s2 = flow_to_string(want, NULL);
    fprintf(stderr, "  flow_extract: %s\n  reference:    %s\n", s1, s2);
    free(s1);
    free(s2);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *frame = malloc(size ? size : 1);
    if (!frame) {
        return 0;
    }
    memcpy(frame, data, size);

    struct flow got, want;
    uint32_t in_port = size ? data[0] : 0;
    int got_flags = flow_extract(frame, size, in_port, &got);
    int want_flags = flow_ref_extract(frame, size, in_port, &want);
    if (got_flags != want_flags) {
        report_mismatch("flags", &got, &want, got_flags, want_flags);
    }
    if (memcmp(&got, &want, sizeof got)) {
        report_mismatch("key", &got, &want, got_flags, want_flags);
    }

    char *s = flow_to_string(&got, NULL);
    free(s);
    free(frame);
    return 0;
}
