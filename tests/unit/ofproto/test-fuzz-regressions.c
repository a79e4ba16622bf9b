/*
 * Regression tests for bugs the libFuzzer targets (tests/fuzz) found in src/ofproto. Each test
 * names the fuzz target and the input that found the bug, and checks the fixed behaviour.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ofproto/ofp-parse.h"
#include "ofproto/ofp-types.h"

/* fuzz-ofp-parse, input "load=1->ipv6_dst": a load into a field wider than 64 bits read bits 64..127
 * of the 8-byte value buffer, i.e. before its start (ofp-actions.c parse_load). The value is
 * zero-extended instead: ::1 with every bit of the field in the mask. */
static void
test_load_into_128_bit_field(void **state)
{
    (void) state;
    static const char *const inputs[] = { "load:1->ipv6_dst", "load=1->ipv6_dst" };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        struct ofpacts acts;
        char *error = ofp_parse_actions(inputs[i], NULL, NULL, &acts);
        if (error) {
            print_error("%s: %s\n", inputs[i], error);
            fail();
        }
        assert_int_equal(acts.n, 1);
        const struct ofpact *a = &acts.acts[0];
        assert_int_equal(a->type, OFPACT_SET_FIELD);
        assert_true(a->load);
        assert_int_equal(a->ofs, 0);
        assert_int_equal(a->n_bits, 128);
        static const uint8_t one[16] = { [15] = 1 };
        uint8_t ones[16];
        memset(ones, 0xff, sizeof ones);
        assert_memory_equal(a->value, one, 16);
        assert_memory_equal(a->mask, ones, 16);
        ofpacts_destroy(&acts);
    }
}

/* Wider than 64 bits with a value that does not fit 64 bits is refused, not truncated. */
static void
test_load_value_too_wide(void **state)
{
    (void) state;
    struct ofpacts acts;
    char *error = ofp_parse_actions("load:0x1ffffffffffffffff->ipv6_dst", NULL, NULL, &acts);
    assert_non_null(error);
    free(error);
    ofpacts_destroy(&acts);
}

/* fuzz-ofp-parse, input "load=0->ip_dst[77777777777777777777777]…": a huge bit index (sscanf's
 * %u saturates to UINT_MAX) wrapped the range check ofs + n_bits > width to 0, and the bit
 * copy then ran 4 GB past the field (UBSan: pointer overflow in ofp_bits_set). Every range
 * outside the field is refused with an error naming it. */
static void
test_subfield_range_wrap(void **state)
{
    (void) state;
    static const char *const inputs[] = {
        "load:0->ip_dst[77777777777777777777777]",
        "load:0->ip_dst[4294967295]",
        "load:0->ip_dst[0..4294967295]",
        "load:0->ip_dst[4294967295..4294967295]",
        "move:ip_src[4294967295]->ip_dst[0]",
        "load:0->ip_dst[32]",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        struct ofpacts acts;
        char *error = ofp_parse_actions(inputs[i], NULL, NULL, &acts);
        if (!error) {
            print_error("%s: accepted\n", inputs[i]);
            fail();
        }
        assert_non_null(strstr(error, "ip_"));
        free(error);
        ofpacts_destroy(&acts);
    }
    struct ofpacts acts;
    char *error = ofp_parse_actions("load:1->ip_dst[31]", NULL, NULL, &acts);
    assert_null(error);
    ofpacts_destroy(&acts);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_into_128_bit_field),
        cmocka_unit_test(test_load_value_too_wide),
        cmocka_unit_test(test_subfield_range_wrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
