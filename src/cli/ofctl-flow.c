/*
 * ofctl-flow — uvs-ofctl's flow-mod commands (OpenFlow 1.3.5 §7.3.4.1): add-flow, add-flows,
 * mod-flows, del-flows, replace-flows and diff-flows, with ovs-ofctl's flow syntax (ofp-parse.h),
 * and `bundle SWITCH FILE` (flow-mods and group-mods together). The mods of one command go out
 * followed by a barrier, or (--bundle, and always for `bundle`) inside one atomic OpenFlow 1.4
 * bundle (OpenFlow 1.4.1 §7.3.9) so that the switch applies all of them or none:
 * ofctl_transact_mods(). See ofctl.h.
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
#include "ofproto/ofp-bundle.h"
#include "ofproto/ofp-group.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-parse.h"
#include "ofproto/ofp-print.h"

/* ---------------------------------------------------------------------------------------------
 * Commands: add-flow, add-flows, mod-flows, del-flows.
 * ------------------------------------------------------------------------------------------- */

void
ofctl_transact_mods(const char *target, const struct ofctl_mod *mods, size_t n, bool bundle)
{
    struct vconn vc;
    struct ofpbuf b, inner;
    uint32_t *xids = xcalloc(n ? n : 1, sizeof *xids);
    struct ofp_bundle_ctrl bc = { 0, OFPBCT_OPEN_REQUEST, OFPBF_ATOMIC | OFPBF_ORDERED };
    uint32_t open_xid = 0;

    if (bundle) {
        vconn_open_bundle(target, &vc);
    } else {
        vconn_open(target, &vc);
    }
    ofpbuf_init(&b, 65536);
    ofpbuf_init(&inner, 1024);
    if (bundle) {
        open_xid = alloc_xid();
        ofp_encode_bundle_ctrl(&b, vc.version, open_xid, &bc);
    }
    for (size_t i = 0; i < n; i++) {
        struct ofpbuf *out = bundle ? &inner : &b;
        xids[i] = alloc_xid();
        ofpbuf_clear(&inner);
        if (mods[i].type == OFPT_GROUP_MOD) {
            ofp_encode_group_mod(out, vc.version, xids[i], mods[i].gm);
        } else {
            char *why = ofp_flow_mod_version_problem(mods[i].fm, vc.version);
            if (why) {
                uvs_fatal(0, "%s: a flow-mod cannot be sent in %s: %s (allow a later version "
                          "with -O)", target, ofp_version_to_string(vc.version), why);
            }
            ofp_encode_flow_mod(out, vc.version, xids[i], mods[i].fm);
        }
        if (bundle) {
            ofp_encode_bundle_add(&b, vc.version, xids[i], bc.bundle_id, bc.flags, inner.data,
                                  inner.size);
        }
        if (b.size >= 60000) {
            vconn_send(&vc, &b);
            ofpbuf_clear(&b);
        }
    }
    uint32_t done_xid = alloc_xid();
    if (bundle) {
        bc.type = OFPBCT_COMMIT_REQUEST;
        ofp_encode_bundle_ctrl(&b, vc.version, done_xid, &bc);
    } else {
        ofp_encode_simple(&b, vc.version, OFPT_BARRIER_REQUEST, done_xid);
    }
    vconn_send(&vc, &b);

    for (;;) {
        vconn_recv(&vc, &b);
        uint32_t xid = ofp_get_be32(b.data + 4);
        if (b.data[1] == OFPT_ERROR) {
            const char *what = xid == open_xid && bundle ? "bundle open"
                               : xid == done_xid && bundle ? "bundle commit" : "request";
            for (size_t i = 0; i < n; i++) {
                if (xids[i] == xid) {
                    what = mods[i].where;
                }
            }
            report_error(&vc, &b, what);
        }
        if (xid == done_xid && (b.data[1] == OFPT_BARRIER_REPLY
                                || b.data[1] == OFPT_BUNDLE_CONTROL)) {
            break;
        }
    }
    ofpbuf_uninit(&inner);
    ofpbuf_uninit(&b);
    free(xids);
    vconn_close(&vc);
}

/* Sends the flow-mods FMS[0..N) (described by WHERES for error reports) with
 * ofctl_transact_mods(), in a bundle with --bundle. */
static void
transact_flow_mods(const char *target, struct ofp_flow_mod *fms, char **wheres, size_t n)
{
    struct ofctl_mod *mods = xcalloc(n ? n : 1, sizeof *mods);

    for (size_t i = 0; i < n; i++) {
        mods[i] = (struct ofctl_mod) { OFPT_FLOW_MOD, &fms[i], NULL, wheres[i] };
    }
    ofctl_transact_mods(target, mods, n, ofctl_bundle);
    free(mods);
}

static void
flow_mod_one(int argc, char *argv[], enum ofp_flow_mod_command command)
{
    struct port_lookup pl = { argv[1] };
    struct ofp_flow_mod fm;
    char *where = "flow-mod";

    char *error = ofp_parse_flow_mod(argc > 2 ? argv[2] : "", command, lookup_port_name, &pl,
                                     &fm);
    if (error) {
        uvs_fatal(0, "%s", error);
    }
    transact_flow_mods(argv[1], &fm, &where, 1);
    ofp_flow_mod_destroy(&fm);
}

void
cmd_add_flow(int argc, char *argv[])
{
    flow_mod_one(argc, argv, OFPFC_ADD);
}

void
cmd_mod_flows(int argc, char *argv[])
{
    flow_mod_one(argc, argv, ofctl_strict ? OFPFC_MODIFY_STRICT : OFPFC_MODIFY);
}

void
cmd_del_flows(int argc, char *argv[])
{
    flow_mod_one(argc, argv, ofctl_strict ? OFPFC_DELETE_STRICT : OFPFC_DELETE);
}

/* Takes a leading "add", "modify", "modify_strict", "delete" or "delete_strict" keyword (then
 * blanks) off *P into *COMMAND, as ovs-ofctl add-flows allows; leaves *P alone without one. */
static void
take_flow_command(char **p, enum ofp_flow_mod_command *command)
{
    static const struct { const char *name; enum ofp_flow_mod_command command; } kws[] = {
        { "add", OFPFC_ADD }, { "modify", OFPFC_MODIFY },
        { "modify_strict", OFPFC_MODIFY_STRICT }, { "delete", OFPFC_DELETE },
        { "delete_strict", OFPFC_DELETE_STRICT },
    };
    size_t len = strcspn(*p, " \t");

    for (size_t i = 0; i < ARRAY_SIZE(kws); i++) {
        if (len == strlen(kws[i].name) && !strncmp(*p, kws[i].name, len) && (*p)[len]) {
            *command = kws[i].command;
            *p += len + strspn(*p + len, " \t");
            return;
        }
    }
}

/* Reads the flows of FILE ('-' = stdin), one per line in add-flow syntax, into *FMSP (and, for
 * error reports, "flow-mod at FILE:LINE" into *WHERESP). With COMMANDS, a line may start with a
 * flow-mod command keyword (take_flow_command()). Returns the count. */
static size_t
read_flow_file(const char *target, const char *file, bool commands, struct ofp_flow_mod **fmsp,
               char ***wheresp)
{
    struct port_lookup pl = { target };
    FILE *stream = !strcmp(file, "-") ? stdin : fopen(file, "r");
    struct ofp_flow_mod *fms = NULL;
    char **wheres = NULL;
    size_t n = 0;
    char *line = NULL;
    size_t line_alloc = 0;
    int line_no = 0;

    if (!stream) {
        uvs_fatal(errno, "%s: cannot open", file);
    }
    while (getline(&line, &line_alloc, stream) >= 0) {
        char *p = line + strspn(line, " \t\r\n");
        line_no++;
        if (!*p || *p == '#') {
            continue;
        }
        enum ofp_flow_mod_command command = OFPFC_ADD;
        if (commands) {
            take_flow_command(&p, &command);
        }
        fms = xrealloc(fms, (n + 1) * sizeof *fms);
        wheres = xrealloc(wheres, (n + 1) * sizeof *wheres);
        char *error = ofp_parse_flow_mod(p, command, lookup_port_name, &pl, &fms[n]);
        if (error) {
            uvs_fatal(0, "%s:%d: %s", file, line_no, error);
        }
        wheres[n++] = xasprintf("flow-mod at %s:%d", file, line_no);
    }
    if (stream != stdin) {
        fclose(stream);
    }
    free(line);
    *fmsp = fms;
    *wheresp = wheres;
    return n;
}

static void
free_flow_mods(struct ofp_flow_mod *fms, char **wheres, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ofp_flow_mod_destroy(&fms[i]);
        free(wheres[i]);
    }
    free(fms);
    free(wheres);
}

void
cmd_add_flows(int argc, char *argv[])
{
    struct ofp_flow_mod *fms;
    char **wheres;
    size_t n = read_flow_file(argv[1], argv[2], true, &fms, &wheres);

    transact_flow_mods(argv[1], fms, wheres, n);
    free_flow_mods(fms, wheres, n);
}

/* Every flow of the switch, for replace-flows and diff-flows. */
struct flow_list {
    struct ofp_flow_stats *fs;
    size_t n;
};

static void
collect_flows_cb(struct vconn *vc, const struct ofpbuf *msg, const struct ofp_multipart *mp,
                 void *aux_)
{
    struct flow_list *fl = aux_;
    const uint8_t *p = mp->body;
    size_t left = mp->body_len;
    struct ofp_flow_stats fs;
    struct ofperr err;
    int error;

    while (!(error = ofp_pull_flow_stats(&p, &left, &fs, &err))) {
        fl->fs = xrealloc(fl->fs, (fl->n + 1) * sizeof *fl->fs);
        fl->fs[fl->n++] = fs;
    }
    ofpacts_destroy(&fs.ofpacts);
    if (error != -ENOENT) {
        decode_failed(vc, "flow statistics reply", err);
    }
}

static void
fetch_flows(const char *target, struct flow_list *fl)
{
    struct ofp_flow_stats_request fsr;
    struct vconn vc;
    struct ofpbuf req;

    memset(&fsr, 0, sizeof fsr);
    fsr.table_id = 0xff;
    fsr.out_port = OFPP_ANY;
    fsr.out_group = OFPG_ANY;
    match_init_catchall(&fsr.match);
    fl->fs = NULL;
    fl->n = 0;
    vconn_open(target, &vc);
    uint32_t xid = alloc_xid();
    ofpbuf_init(&req, 128);
    ofp_encode_flow_stats_request(&req, vc.version, xid, &fsr);
    multipart_transact(&vc, &req, xid, "flow statistics request", collect_flows_cb, fl);
    ofpbuf_uninit(&req);
    vconn_close(&vc);
}

/* The switch flow with FM's table, priority and match, or NULL. */
static const struct ofp_flow_stats *
find_flow(const struct flow_list *fl, const struct ofp_flow_mod *fm)
{
    struct match m = fm->match;
    match_normalize(&m);
    for (size_t i = 0; i < fl->n; i++) {
        const struct ofp_flow_stats *fs = &fl->fs[i];
        if (fs->table_id == fm->table_id && fs->priority == fm->priority
            && match_equal(&fs->match, &m)) {
            return fs;
        }
    }
    return NULL;
}

/* Rewrites ACTS as they come back from a switch (e.g. set_field on a register becomes a Nicira
 * load), so file flows compare equal to dumped ones. */
static void
normalize_ofpacts(struct ofpacts *acts)
{
    struct ofpbuf b;
    struct ofpacts back;
    struct ofperr err;

    ofpbuf_init(&b, 256);
    ofp_put_instructions(&b, acts);
    if (!ofp_decode_instructions(b.data, b.size, &back, &err)) {
        ofpacts_destroy(acts);
        *acts = back;
    } else {
        ofpacts_destroy(&back);
    }
    ofpbuf_uninit(&b);
}

static bool
flow_same(const struct ofp_flow_stats *fs, const struct ofp_flow_mod *fm)
{
    return fs->cookie == fm->cookie && ofpacts_equal(&fs->ofpacts, &fm->ofpacts)
           && fs->idle_timeout == fm->idle_timeout && fs->hard_timeout == fm->hard_timeout;
}

/* "table=1 cookie=0x5 priority=10,ip actions=drop", as ovs-ofctl diff-flows prints a flow. */
static void
format_diff_flow(struct ds *s, char prefix, uint8_t table_id, uint64_t cookie, int priority,
                 const struct match *match, const struct ofpacts *acts, const char *target)
{
    ds_put_char(s, prefix);
    if (table_id) {
        ds_put_format(s, "table=%u ", table_id);
    }
    if (cookie) {
        ds_put_format(s, "cookie=0x%"PRIx64" ", cookie);
    }
    size_t len = s->len;
    ofp_format_match(s, match, priority, ports_to_show(target));
    if (s->len > len) {
        ds_put_char(s, ' ');
    }
    ds_put_cstr(s, "actions=");
    ofp_format_actions(s, acts, ports_to_show(target));
    ds_put_char(s, '\n');
}

/* Whether the file flows FMS (N) include the switch flow FS. */
static bool
file_has_flow(const struct ofp_flow_mod *fms, size_t n, const struct ofp_flow_stats *fs)
{
    for (size_t i = 0; i < n; i++) {
        struct match m = fms[i].match;
        match_normalize(&m);
        if (fms[i].table_id == fs->table_id && fms[i].priority == fs->priority
            && match_equal(&m, &fs->match) && flow_same(fs, &fms[i])) {
            return true;
        }
    }
    return false;
}

/* diff-flows SWITCH FILE: "-" the switch's flows FILE lacks, "+" FILE's flows the switch lacks
 * (a changed flow shows both). Exit status 2 when they differ, as ovs-ofctl. */
void
cmd_diff_flows(int argc, char *argv[])
{
    struct ofp_flow_mod *fms;
    char **wheres;
    size_t n = read_flow_file(argv[1], argv[2], false, &fms, &wheres);
    struct flow_list fl;
    struct ds s = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < n; i++) {
        normalize_ofpacts(&fms[i].ofpacts);
    }
    fetch_flows(argv[1], &fl);
    for (size_t i = 0; i < fl.n; i++) {
        const struct ofp_flow_stats *fs = &fl.fs[i];
        if (!file_has_flow(fms, n, fs)) {
            format_diff_flow(&s, '-', fs->table_id, fs->cookie, fs->priority, &fs->match,
                             &fs->ofpacts, argv[1]);
        }
    }
    for (size_t i = 0; i < n; i++) {
        const struct ofp_flow_stats *fs = find_flow(&fl, &fms[i]);
        if (!fs || !flow_same(fs, &fms[i])) {
            format_diff_flow(&s, '+', fms[i].table_id, fms[i].cookie, fms[i].priority,
                             &fms[i].match, &fms[i].ofpacts, argv[1]);
        }
    }
    fputs(ds_cstr(&s), stdout);
    bool differ = s.len > 0;
    ds_destroy(&s);
    for (size_t i = 0; i < fl.n; i++) {
        ofpacts_destroy(&fl.fs[i].ofpacts);
    }
    free(fl.fs);
    free_flow_mods(fms, wheres, n);
    exit(differ ? 2 : 0);
}

/* replace-flows SWITCH FILE: makes the switch's flows those of FILE, touching only the flows that
 * differ (unchanged ones keep their counters). */
void
cmd_replace_flows(int argc, char *argv[])
{
    struct ofp_flow_mod *fms;
    char **wheres;
    size_t n = read_flow_file(argv[1], argv[2], false, &fms, &wheres);
    struct flow_list fl;
    struct ofp_flow_mod *mods = NULL;

    for (size_t i = 0; i < n; i++) {
        normalize_ofpacts(&fms[i].ofpacts);
    }
    char **mwheres = NULL;
    size_t n_mods = 0;

    fetch_flows(argv[1], &fl);
    for (size_t i = 0; i < fl.n; i++) {
        const struct ofp_flow_stats *fs = &fl.fs[i];
        bool keep = false;
        for (size_t j = 0; j < n && !keep; j++) {
            struct match m = fms[j].match;
            match_normalize(&m);
            keep = fms[j].table_id == fs->table_id && fms[j].priority == fs->priority
                   && match_equal(&m, &fs->match);
        }
        if (!keep) {
            mods = xrealloc(mods, (n_mods + 1) * sizeof *mods);
            mwheres = xrealloc(mwheres, (n_mods + 1) * sizeof *mwheres);
            ofp_flow_mod_init(&mods[n_mods]);
            mods[n_mods].command = OFPFC_DELETE_STRICT;
            mods[n_mods].table_id = fs->table_id;
            mods[n_mods].priority = fs->priority;
            mods[n_mods].match = fs->match;
            mwheres[n_mods++] = xstrdup("flow-mod (delete)");
        }
    }
    for (size_t i = 0; i < n; i++) {
        const struct ofp_flow_stats *fs = find_flow(&fl, &fms[i]);
        if (!fs || !flow_same(fs, &fms[i])) {
            mods = xrealloc(mods, (n_mods + 1) * sizeof *mods);
            mwheres = xrealloc(mwheres, (n_mods + 1) * sizeof *mwheres);
            mods[n_mods] = fms[i];
            ofpacts_copy(&mods[n_mods].ofpacts, &fms[i].ofpacts);
            mwheres[n_mods++] = xstrdup(wheres[i]);
        }
    }
    transact_flow_mods(argv[1], mods, mwheres, n_mods);
    free_flow_mods(mods, mwheres, n_mods);
    for (size_t i = 0; i < fl.n; i++) {
        ofpacts_destroy(&fl.fs[i].ofpacts);
    }
    free(fl.fs);
    free_flow_mods(fms, wheres, n);
}


/* ---------------------------------------------------------------------------------------------
 * Command: bundle.
 * ------------------------------------------------------------------------------------------- */

/* Takes a group-mod command keyword ("add", "modify", "delete") off *P into *COMMAND. Returns
 * false for ovs-ofctl's add_or_mod, insert_bucket and remove_bucket, which uvs does not have. */
static bool
take_group_command(char **p, uint16_t *command)
{
    static const struct { const char *name; int command; } kws[] = {
        { "add", OFPGC_ADD }, { "modify", OFPGC_MODIFY }, { "delete", OFPGC_DELETE },
        { "add_or_mod", -1 }, { "insert_bucket", -1 }, { "remove_bucket", -1 },
    };
    size_t len = strcspn(*p, " \t");

    for (size_t i = 0; i < ARRAY_SIZE(kws); i++) {
        if (len == strlen(kws[i].name) && !strncmp(*p, kws[i].name, len) && (*p)[len]) {
            if (kws[i].command < 0) {
                return false;
            }
            *command = kws[i].command;
            *p += len + strspn(*p + len, " \t");
            break;
        }
    }
    return true;
}

void
cmd_bundle(int argc, char *argv[])
{
    struct port_lookup pl = { argv[1] };
    const char *file = argv[2];
    FILE *stream = !strcmp(file, "-") ? stdin : fopen(file, "r");
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
        line_no++;
        if (!*p || *p == '#') {
            continue;
        }
        p[strcspn(p, "\r\n")] = '\0';
        size_t kw = strcspn(p, " \t");
        char *rest = p + kw + strspn(p + kw, " \t");
        char *error;
        mods = xrealloc(mods, (n + 1) * sizeof *mods);
        if (kw == 4 && !strncmp(p, "flow", 4)) {
            enum ofp_flow_mod_command command = OFPFC_ADD;
            struct ofp_flow_mod *fm = xmalloc(sizeof *fm);
            take_flow_command(&rest, &command);
            error = ofp_parse_flow_mod(rest, command, lookup_port_name, &pl, fm);
            mods[n] = (struct ofctl_mod) { OFPT_FLOW_MOD, fm, NULL, NULL };
        } else if (kw == 5 && !strncmp(p, "group", 5)) {
            uint16_t command = OFPGC_ADD;
            struct ofp_group_mod *gm = xmalloc(sizeof *gm);
            if (!take_group_command(&rest, &command)) {
                uvs_fatal(0, "%s:%d: group command \"%.*s\" is not supported (use add, modify "
                          "or delete)", file, line_no, (int) strcspn(rest, " \t"), rest);
            }
            error = ofp_parse_group_mod(rest, command, lookup_port_name, &pl, gm);
            mods[n] = (struct ofctl_mod) { OFPT_GROUP_MOD, NULL, gm, NULL };
        } else {
            uvs_fatal(0, "%s:%d: a bundle line starts with \"flow\" or \"group\" (packet-outs "
                      "cannot be bundled here), not \"%.*s\"", file, line_no, (int) kw, p);
        }
        if (error) {
            uvs_fatal(0, "%s:%d: %s", file, line_no, error);
        }
        mods[n].where = xasprintf("%s at %s:%d", mods[n].fm ? "flow-mod" : "group-mod", file,
                                  line_no);
        n++;
    }
    if (stream != stdin) {
        fclose(stream);
    }
    free(line);
    ofctl_transact_mods(argv[1], mods, n, true);
    for (size_t i = 0; i < n; i++) {
        if (mods[i].fm) {
            ofp_flow_mod_destroy((struct ofp_flow_mod *) mods[i].fm);
            free((struct ofp_flow_mod *) mods[i].fm);
        } else {
            ofp_group_mod_destroy((struct ofp_group_mod *) mods[i].gm);
            free((struct ofp_group_mod *) mods[i].gm);
        }
        free((char *) mods[i].where);
    }
    free(mods);
}
