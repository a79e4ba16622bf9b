/*
 * ofctl-group — uvs-ofctl's group commands (OpenFlow 1.3.5 §7.3.4.2 group-mod, §7.3.5.9-11 group
 * statistics, descriptions and features): add-group, add-groups, mod-group, del-groups,
 * dump-groups, dump-group-stats, dump-group-features, with ovs-ofctl's syntax (ofp-group.h) and
 * output layouts; group-mods honour --bundle (ofctl_transact_mods()). See ofctl.h.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofctl.h"
#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-group.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-parse.h"
#include "ofproto/ofp-print.h"

/* ---------------------------------------------------------------------------------------------
 * Commands: add-group, mod-group, del-groups, dump-groups.
 * ------------------------------------------------------------------------------------------- */

static void
group_mod__(const char *target, const char *text, uint16_t command)
{
    struct port_lookup pl = { target };
    struct ofp_group_mod gm;

    get_port_map(target);
    char *error = ofp_parse_group_mod(text, command, lookup_port_name, &pl, &gm);
    if (error) {
        uvs_fatal(0, "%s", error);
    }
    struct ofctl_mod mod = { OFPT_GROUP_MOD, NULL, &gm, "group-mod" };
    ofctl_transact_mods(target, &mod, 1, ofctl_bundle);
    ofp_group_mod_destroy(&gm);
}

void
cmd_add_group(int argc, char *argv[])
{
    group_mod__(argv[1], argv[2], OFPGC_ADD);
}

void
cmd_mod_group(int argc, char *argv[])
{
    group_mod__(argv[1], argv[2], OFPGC_MODIFY);
}

void
cmd_del_groups(int argc, char *argv[])
{
    group_mod__(argv[1], argc > 2 ? argv[2] : "", OFPGC_DELETE);
}

struct group_aux {
    const char *target;
    json_t *json;               /* --format json: the array to fill. */
};

static void
print_groups_cb(struct vconn *vc, const struct ofpbuf *msg, const struct ofp_multipart *mp,
                void *aux)
{
    const struct group_aux *ga = aux;
    const char *target = ga->target;
    const uint8_t *p = mp->body;
    size_t left = mp->body_len;
    struct ofp_group_mod gm;
    struct ofperr err;
    struct ds s = DS_EMPTY_INITIALIZER;
    int error;

    if (!ga->json) {
        ofp_format_mp_header(&s, "OFPST_GROUP_DESC reply", msg->data[0],
                             ofp_get_be32(msg->data + 4), mp->flags);
        ds_put_char(&s, '\n');
    }
    while (!(error = ofp_pull_group_desc(&p, &left, &gm, &err))) {
        if (ga->json) {
            json_array_append_new(ga->json, ofctl_json_group(&gm, ports_to_show(target)));
            ofp_group_mod_destroy(&gm);
            continue;
        }
        ds_put_char(&s, ' ');
        ofp_format_group(&s, &gm, ports_to_show(target));
        ds_put_char(&s, '\n');
        ofp_group_mod_destroy(&gm);
    }
    ofp_group_mod_destroy(&gm);
    fputs(ds_cstr(&s), stdout);
    ds_destroy(&s);
    if (error != -ENOENT) {
        decode_failed(vc, "group description reply", err);
    }
}

void
cmd_dump_groups(int argc, char *argv[])
{
    struct group_aux ga = { argv[1], ofctl_json ? json_array() : NULL };
    struct vconn vc;
    struct ofpbuf req;

    vconn_open(argv[1], &vc);
    uint32_t xid = alloc_xid();
    ofpbuf_init(&req, 64);
    ofp_encode_multipart_request(&req, vc.version, xid, OFPMP_GROUP_DESC, NULL, 0);
    multipart_transact(&vc, &req, xid, "group description request", print_groups_cb, &ga);
    ofpbuf_uninit(&req);
    vconn_close(&vc);
    if (ga.json) {
        ofctl_json_print(ga.json);
    }
}


/* add-groups SWITCH FILE: one group per line ('-' = stdin; blank lines and # comments skipped),
 * each optionally preceded by "add", "modify" or "delete" (as ovs-ofctl), all sent on one
 * connection followed by one barrier (or in one bundle with --bundle). */
void
cmd_add_groups(int argc, char *argv[])
{
    struct port_lookup pl = { argv[1] };
    const char *file = argv[2];
    FILE *stream = !strcmp(file, "-") ? stdin : fopen(file, "r");
    struct ofp_group_mod *gms = NULL;
    struct ofctl_mod *mods = NULL;
    size_t n = 0;
    char *line = NULL;
    size_t line_alloc = 0;
    int line_no = 0;

    (void) argc;
    if (!stream) {
        uvs_fatal(errno, "%s: cannot open", file);
    }
    get_port_map(argv[1]);
    while (getline(&line, &line_alloc, stream) >= 0) {
        char *p = line + strspn(line, " \t\r\n");
        uint16_t command = OFPGC_ADD;
        line_no++;
        if (!*p || *p == '#') {
            continue;
        }
        p[strcspn(p, "\r\n")] = '\0';
        size_t kw = strcspn(p, " \t");
        if (p[kw] && (kw == 3 || kw == 6) && (!strncmp(p, "add", kw) || !strncmp(p, "modify", kw)
                                            || !strncmp(p, "delete", kw))) {
            command = p[0] == 'a' ? OFPGC_ADD : p[0] == 'm' ? OFPGC_MODIFY : OFPGC_DELETE;
            p += kw + strspn(p + kw, " \t");
        }
        gms = xrealloc(gms, (n + 1) * sizeof *gms);
        char *error = ofp_parse_group_mod(p, command, lookup_port_name, &pl, &gms[n]);
        if (error) {
            uvs_fatal(0, "%s:%d: %s", file, line_no, error);
        }
        mods = xrealloc(mods, (n + 1) * sizeof *mods);
        mods[n].where = xasprintf("group-mod at %s:%d", file, line_no);
        n++;
    }
    if (stream != stdin) {
        fclose(stream);
    }
    free(line);
    for (size_t i = 0; i < n; i++) {
        mods[i].type = OFPT_GROUP_MOD;
        mods[i].fm = NULL;
        mods[i].gm = &gms[i];       /* 'gms' no longer moves. */
    }
    ofctl_transact_mods(argv[1], mods, n, ofctl_bundle);
    for (size_t i = 0; i < n; i++) {
        ofp_group_mod_destroy(&gms[i]);
        free((char *) mods[i].where);
    }
    free(gms);
    free(mods);
}

static void
print_group_stats_cb(struct vconn *vc, const struct ofpbuf *msg, const struct ofp_multipart *mp,
                     void *aux)
{
    const uint8_t *p = mp->body;
    size_t left = mp->body_len;
    struct ofp_group_stats *gs = xmalloc(sizeof *gs);
    struct ofperr err;
    struct ds s = DS_EMPTY_INITIALIZER;
    int error;

    if (!aux) {
        ofp_format_mp_header(&s, "OFPST_GROUP reply", msg->data[0],
                             ofp_get_be32(msg->data + 4), mp->flags);
        ds_put_char(&s, '\n');
    }
    while (!(error = ofp_pull_group_stats(&p, &left, gs, &err))) {
        if (aux) {                  /* --format json: AUX is the array to fill. */
            json_array_append_new(aux, ofctl_json_group_stats(gs));
            continue;
        }
        ofp_format_group_stats(&s, gs);
        ds_put_char(&s, '\n');
    }
    fputs(ds_cstr(&s), stdout);
    ds_destroy(&s);
    free(gs);
    if (error != -ENOENT) {
        decode_failed(vc, "group statistics reply", err);
    }
}

/* dump-group-stats SWITCH [group_id=N]: ovs-ofctl's layout, one line per group. */
void
cmd_dump_group_stats(int argc, char *argv[])
{
    json_t *json = ofctl_json ? json_array() : NULL;
    uint32_t group_id = OFPG_ALL;
    struct vconn vc;
    struct ofpbuf req;

    if (argc > 2) {
        const char *v = argv[2];
        uint64_t id;
        if (!strncmp(v, "group_id=", 9)) {
            v += 9;
        }
        if (!strcasecmp(v, "all")) {
            id = OFPG_ALL;
        } else if (!str_to_uint64(v, 0, OFPG_MAX, &id)) {
            uvs_fatal(0, "dump-group-stats: \"%s\" is not a group id (group_id=N, N up to %u, "
                      "or all)", argv[2], OFPG_MAX);
        }
        group_id = id;
    }
    vconn_open(argv[1], &vc);
    uint32_t xid = alloc_xid();
    ofpbuf_init(&req, 64);
    ofp_encode_group_stats_request(&req, vc.version, xid, group_id);
    multipart_transact(&vc, &req, xid, "group statistics request", print_group_stats_cb, json);
    ofpbuf_uninit(&req);
    vconn_close(&vc);
    if (json) {
        ofctl_json_print(json);
    }
}

static void
print_group_features_cb(struct vconn *vc, const struct ofpbuf *msg,
                        const struct ofp_multipart *mp, void *aux)
{
    struct ofp_group_features gf;
    struct ofperr err;
    struct ds s = DS_EMPTY_INITIALIZER;

    (void) aux;
    if (ofp_decode_group_features(mp->body, mp->body_len, &gf, &err)) {
        decode_failed(vc, "group features reply", err);
    }
    if (ofctl_json) {
        ofctl_json_print(ofctl_json_group_features(&gf));
        return;
    }
    ofp_format_mp_header(&s, "OFPST_GROUP_FEATURES reply", msg->data[0],
                         ofp_get_be32(msg->data + 4), mp->flags);
    ds_put_char(&s, '\n');
    ofp_format_group_features(&s, &gf);
    fputs(ds_cstr(&s), stdout);
    ds_destroy(&s);
}

void
cmd_dump_group_features(int argc, char *argv[])
{
    struct vconn vc;
    struct ofpbuf req;

    (void) argc;
    vconn_open(argv[1], &vc);
    uint32_t xid = alloc_xid();
    ofpbuf_init(&req, 64);
    ofp_encode_multipart_request(&req, vc.version, xid, OFPMP_GROUP_FEATURES, NULL, 0);
    multipart_transact(&vc, &req, xid, "group features request", print_group_features_cb, NULL);
    ofpbuf_uninit(&req);
    vconn_close(&vc);
}
