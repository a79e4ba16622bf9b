/*
 * fuzz-ofp-parse — libFuzzer target for the ovs-ofctl-style flow-string parser (ofproto/ofp-parse.c)
 * and its printer (ofproto/ofp-print.c).
 *
 * The input's first byte picks the flow-mod command (add, modify, modify-strict, delete,
 * delete-strict); the rest is the flow string. Port names resolve through a small fixed map
 * ("p1" = 1, "p2" = 2, "br0" = LOCAL) as uvs-ofctl's would. Every string is parsed as a flow-mod,
 * as a dump-flows filter and as an action list: none may crash or leak, and each either succeeds
 * or returns an error message.
 *
 * Round trip: a flow that parses as an "add" is printed back the way dump-flows shows it
 * (cookie, table, timeouts, flags, ofp_format_match() with its priority, "actions=" and
 * ofp_format_actions()) and that text must parse again to an equal flow-mod: same match, actions,
 * priority, cookie, table, timeouts and flags. Port names are printed as numbers (no port map) so
 * the second parse does not depend on the name map.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ofproto/ofp-parse.h"
#include "ofproto/ofp-print.h"
#include "ofproto/ofp-types.h"

#define FUZZ_MAX_INPUT 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
port_by_name(void *aux, const char *name, uint32_t *port)
{
    (void) aux;
    if (!strcmp(name, "p1")) {
        *port = 1;
    } else if (!strcmp(name, "p2")) {
        *port = 2;
    } else if (!strcmp(name, "br0")) {
        *port = OFPP_LOCAL;
    } else {
        return false;
    }
    return true;
}

static void
fail(const char *why, const char *input, const char *printed, const char *error)
{
    fprintf(stderr, "fuzz-ofp-parse: %s\n  input:   \"%s\"\n  printed: \"%s\"\n", why, input,
            printed ? printed : "");
    if (error) {
        fprintf(stderr, "  error:   %s\n", error);
    }
    abort();
}

/* Prints FM as a flow string that ofp_parse_flow_mod(OFPFC_ADD) accepts. */
static void
format_add_flow(struct ds *ds, const struct ofp_flow_mod *fm)
{
    static const char *const flag_names[] = {
        "send_flow_rem", "check_overlap", "reset_counts", "no_packet_counts", "no_byte_counts",
    };
    ds_put_format(ds, "cookie=%#llx,table=%u,", (unsigned long long) fm->cookie, fm->table_id);
    if (fm->idle_timeout) {
        ds_put_format(ds, "idle_timeout=%u,", fm->idle_timeout);
    }
    if (fm->hard_timeout) {
        ds_put_format(ds, "hard_timeout=%u,", fm->hard_timeout);
    }
    for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++) {
        if (fm->flags & (1u << i)) {
            ds_put_format(ds, "%s,", flag_names[i]);
        }
    }
    ofp_format_match(ds, &fm->match, fm->priority, NULL);
    ds_chomp(ds, ',');
    ds_put_cstr(ds, " actions=");
    ofp_format_actions(ds, &fm->ofpacts, NULL);
}

static void
round_trip(const char *input, const struct ofp_flow_mod *fm)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    format_add_flow(&ds, fm);
    const char *printed = ds_cstr(&ds);

    struct ofp_flow_mod fm2;
    char *error = ofp_parse_flow_mod(printed, OFPFC_ADD, port_by_name, NULL, &fm2);
    if (error) {
        fail("the printed flow does not parse", input, printed, error);
    }
    if (!match_equal(&fm->match, &fm2.match)) {
        fail("match differs after print and parse", input, printed, NULL);
    }
    if (!ofpacts_equal(&fm->ofpacts, &fm2.ofpacts)) {
        fail("actions differ after print and parse", input, printed, NULL);
    }
    if (fm->priority != fm2.priority || fm->cookie != fm2.cookie
        || fm->table_id != fm2.table_id || fm->idle_timeout != fm2.idle_timeout
        || fm->hard_timeout != fm2.hard_timeout || fm->flags != fm2.flags) {
        fail("priority, cookie, table, timeouts or flags differ after print and parse", input,
             printed, NULL);
    }
    ofp_flow_mod_destroy(&fm2);
    ds_destroy(&ds);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > FUZZ_MAX_INPUT) {
        return 0;
    }
    enum ofp_flow_mod_command command = data[0] % 5;
    char *s = malloc(size);
    if (!s) {
        return 0;
    }
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';

    struct ofp_flow_mod fm;
    char *error = ofp_parse_flow_mod(s, command, port_by_name, NULL, &fm);
    if (getenv("UVS_FUZZ_VERBOSE")) {     /* To check what a seed exercises. */
        fprintf(stderr, "\"%s\": %s\n", s, error ? error : "parsed");
    }
    if (error) {
        if (!*error) {
            fail("empty error message", s, NULL, NULL);
        }
        free(error);
    } else {
        struct ds ds = DS_EMPTY_INITIALIZER;
        ofp_format_flow_mod(&ds, &fm, NULL);
        ds_destroy(&ds);
        if (command == OFPFC_ADD) {
            round_trip(s, &fm);
        }
    }
    ofp_flow_mod_destroy(&fm);

    struct ofp_flow_stats_request fsr;
    error = ofp_parse_flow_stats_request(s, data[0] & 0x80, port_by_name, NULL, &fsr);
    free(error);

    struct ofpacts acts;
    error = ofp_parse_actions(s, port_by_name, NULL, &acts);
    free(error);
    ofpacts_destroy(&acts);

    free(s);
    return 0;
}
