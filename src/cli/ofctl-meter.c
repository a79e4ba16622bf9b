/*
 * ofctl-meter — uvs-ofctl's meter commands (OpenFlow 1.3.5 §7.3.4.4 meter-mod, §7.3.5.12-14):
 * add-meter, mod-meter, del-meters, dump-meters, meter-stats, meter-features, with ovs-ofctl's
 * syntax (ofp-meter.h) and output layouts. See ofctl.h for the connection helpers.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ofctl.h"
#include "ofproto/ofp-meter.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-print.h"

/* Sends a meter-mod and a barrier; exits on an error reply. */
static void
meter_mod__(const char *target, const char *text, uint16_t command)
{
    struct ofp_meter_mod mm;
    char *error = ofp_parse_meter_mod(text, command, &mm);
    if (error) {
        uvs_fatal(0, "%s", error);
    }

    struct vconn vc;
    struct ofpbuf b;
    vconn_open(target, &vc);
    ofpbuf_init(&b, 256);
    ofp_encode_meter_mod(&b, vc.version, alloc_xid(), &mm);
    transact_with_barrier(&vc, &b, "meter-mod");
    ofpbuf_uninit(&b);
    vconn_close(&vc);
}

void
cmd_add_meter(int argc, char *argv[])
{
    (void) argc;
    meter_mod__(argv[1], argv[2], OFPMC_ADD);
}

void
cmd_mod_meter(int argc, char *argv[])
{
    (void) argc;
    meter_mod__(argv[1], argv[2], OFPMC_MODIFY);
}

void
cmd_del_meters(int argc, char *argv[])
{
    meter_mod__(argv[1], argc > 2 ? argv[2] : "", OFPMC_DELETE);
}

static void
print_configs_cb(struct vconn *vc, const struct ofpbuf *msg, const struct ofp_multipart *mp,
                 void *aux)
{
    const uint8_t *p = mp->body;
    size_t left = mp->body_len;
    struct ofp_meter_mod mm;
    struct ofperr err;
    struct ds s = DS_EMPTY_INITIALIZER;
    int error;

    if (!aux) {
        ofp_format_mp_header(&s, "OFPST_METER_CONFIG reply", msg->data[0],
                             ofp_get_be32(msg->data + 4), mp->flags);
        ds_put_char(&s, '\n');
    }
    for (int n = 0; !(error = ofp_pull_meter_config(&p, &left, &mm, &err)); n++) {
        if (aux) {                  /* --format json: AUX is the array to fill. */
            json_array_append_new(aux, ofctl_json_meter_config(&mm));
            continue;
        }
        if (n) {
            ds_put_char(&s, '\n');     /* ovs-ofctl: a blank line between meters. */
        }
        ofp_format_meter_config(&s, &mm);
        ds_put_char(&s, '\n');
    }
    fputs(ds_cstr(&s), stdout);
    ds_destroy(&s);
    if (error != -ENOENT) {
        decode_failed(vc, "meter configuration reply", err);
    }
}

static void
print_stats_cb(struct vconn *vc, const struct ofpbuf *msg, const struct ofp_multipart *mp,
               void *aux)
{
    const uint8_t *p = mp->body;
    size_t left = mp->body_len;
    struct ofp_meter_stats ms;
    struct ofperr err;
    struct ds s = DS_EMPTY_INITIALIZER;
    int error;

    if (!aux) {
        ofp_format_mp_header(&s, "OFPST_METER reply", msg->data[0],
                             ofp_get_be32(msg->data + 4), mp->flags);
        ds_put_char(&s, '\n');
    }
    for (int n = 0; !(error = ofp_pull_meter_stats(&p, &left, &ms, &err)); n++) {
        if (aux) {
            json_array_append_new(aux, ofctl_json_meter_stats(&ms));
            continue;
        }
        if (n) {
            ds_put_char(&s, '\n');     /* ovs-ofctl: a blank line between meters. */
        }
        ofp_format_meter_stats(&s, &ms);
        ds_put_char(&s, '\n');
    }
    fputs(ds_cstr(&s), stdout);
    ds_destroy(&s);
    if (error != -ENOENT) {
        decode_failed(vc, "meter statistics reply", err);
    }
}

static void
print_features_cb(struct vconn *vc, const struct ofpbuf *msg, const struct ofp_multipart *mp,
                  void *aux)
{
    struct ofp_meter_features mf;
    struct ofperr err;
    struct ds s = DS_EMPTY_INITIALIZER;

    (void) aux;
    if (ofp_decode_meter_features(mp->body, mp->body_len, &mf, &err)) {
        decode_failed(vc, "meter features reply", err);
    }
    if (ofctl_json) {
        ofctl_json_print(ofctl_json_meter_features(&mf));
        return;
    }
    ofp_format_mp_header(&s, "OFPST_METER_FEATURES reply", msg->data[0],
                         ofp_get_be32(msg->data + 4), mp->flags);
    ds_put_char(&s, '\n');
    ofp_format_meter_features(&s, &mf);
    ds_put_char(&s, '\n');
    fputs(ds_cstr(&s), stdout);
    ds_destroy(&s);
}

/* dump-meters, meter-stats: [meter=N] selects one meter. */
static void
meter_request__(int argc, char *argv[], uint16_t mp_type, const char *what, multipart_cb *cb)
{
    struct ofp_meter_mod sel;
    char *error = ofp_parse_meter_mod(argc > 2 ? argv[2] : "", OFPMC_DELETE, &sel);
    if (error) {
        uvs_fatal(0, "%s", error);
    }

    json_t *json = ofctl_json ? json_array() : NULL;
    struct vconn vc;
    struct ofpbuf req;
    vconn_open(argv[1], &vc);
    uint32_t xid = alloc_xid();
    ofpbuf_init(&req, 64);
    ofp_encode_meter_request(&req, vc.version, xid, mp_type, sel.meter_id);
    multipart_transact(&vc, &req, xid, what, cb, json);
    ofpbuf_uninit(&req);
    vconn_close(&vc);
    if (json) {
        ofctl_json_print(json);
    }
}

void
cmd_dump_meters(int argc, char *argv[])
{
    meter_request__(argc, argv, OFPMP_METER_CONFIG, "meter configuration request",
                    print_configs_cb);
}

void
cmd_meter_stats(int argc, char *argv[])
{
    meter_request__(argc, argv, OFPMP_METER, "meter statistics request", print_stats_cb);
}

void
cmd_meter_features(int argc, char *argv[])
{
    struct vconn vc;
    struct ofpbuf req;

    (void) argc;
    vconn_open(argv[1], &vc);
    uint32_t xid = alloc_xid();
    ofpbuf_init(&req, 64);
    ofp_encode_multipart_request(&req, vc.version, xid, OFPMP_METER_FEATURES, NULL, 0);
    multipart_transact(&vc, &req, xid, "meter features request", print_features_cb, NULL);
    ofpbuf_uninit(&req);
    vconn_close(&vc);
}
