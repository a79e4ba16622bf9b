/*
 * vsctl-sslcmds — uvs-vsctl's SSL commands (get-ssl, set-ssl, del-ssl) and emer-reset, with
 * ovs-vsctl's syntax and output. See vsctl-cmds.h.
 *
 * The SSL configuration is the one SSL row Open_vSwitch.ssl refers to (at most one; the schema
 * makes the reference strong, so the row goes when the reference does, RFC 7047 §3.2 "refType").
 */
#include "cli/vsctl-cmds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct vsctl_row *
current_ssl(struct vsctl_context *ctx)
{
    if (!ctx->ovs) {
        return NULL;
    }
    vsctl_row_verify_name(ctx->ovs, "ssl");
    const struct vsctl_datum *ref = vsctl_row_get(ctx->ovs, "ssl");
    if (ref->n != 1) {
        return NULL;
    }
    return vsctl_db_get_row(ctx->db, vsctl_require_table(ctx, "SSL"), ref->keys[0].string);
}

static void
clear_column(struct vsctl_row *row, const char *name)
{
    struct vsctl_datum empty = VSCTL_DATUM_EMPTY;
    if (vsctl_row_column(row, name)) {
        vsctl_row_set(row, name, &empty);
    }
}

static void
set_string(struct vsctl_row *row, const char *name, const char *s)
{
    struct vsctl_datum datum;
    vsctl_datum_set_string(&datum, s);
    vsctl_row_set(row, name, &datum);
}

static void
cmd_get_ssl(struct vsctl_context *ctx)
{
    struct vsctl_row *ssl = current_ssl(ctx);
    if (!ssl) {
        return;
    }
    const char *key = vsctl_datum_string(vsctl_row_get(ssl, "private_key"));
    const char *cert = vsctl_datum_string(vsctl_row_get(ssl, "certificate"));
    const char *ca = vsctl_datum_string(vsctl_row_get(ssl, "ca_cert"));
    const struct vsctl_datum *bootstrap = vsctl_row_get(ssl, "bootstrap_ca_cert");

    ds_put_format(ctx->output, "Private key: %s\nCertificate: %s\nCA Certificate: %s\n"
                  "Bootstrap: %s\n", key ? key : "", cert ? cert : "", ca ? ca : "",
                  bootstrap->n && bootstrap->keys[0].boolean ? "true" : "false");
}

static void
cmd_del_ssl(struct vsctl_context *ctx)
{
    struct vsctl_row *ssl = current_ssl(ctx);
    if (ssl) {
        vsctl_row_delete(ssl);
        clear_column(ctx->ovs, "ssl");
    }
}

static void
cmd_set_ssl(struct vsctl_context *ctx)
{
    struct vsctl_row *old = current_ssl(ctx);
    if (old) {
        vsctl_row_delete(old);
    }
    struct vsctl_row *ssl = vsctl_db_insert(ctx->db, vsctl_require_table(ctx, "SSL"));
    set_string(ssl, "private_key", ctx->argv[1]);
    set_string(ssl, "certificate", ctx->argv[2]);
    set_string(ssl, "ca_cert", ctx->argv[3]);

    struct vsctl_datum bootstrap = VSCTL_DATUM_EMPTY;
    union vsctl_atom yes = { .boolean = vsctl_has_option(ctx, "--bootstrap") };
    const struct vsctl_column *column = vsctl_row_column(ssl, "bootstrap_ca_cert");
    if (column) {
        vsctl_datum_put(&bootstrap, &yes, NULL, &column->type);
        vsctl_row_write(ssl, column, &bootstrap);
    }

    struct vsctl_datum ref = VSCTL_DATUM_EMPTY;
    union vsctl_atom uuid = { .string = ssl->uuid };
    const struct vsctl_column *ssl_column = vsctl_row_column(ctx->ovs, "ssl");
    if (!ssl_column) {
        vsctl_fatal("the database schema has no column Open_vSwitch.ssl");
    }
    vsctl_datum_put(&ref, &uuid, NULL, &ssl_column->type);
    vsctl_row_write(ctx->ovs, ssl_column, &ref);
}

/* Deletes every row of TABLE_NAME (if the schema has it). */
static void
delete_all(struct vsctl_context *ctx, const char *table_name)
{
    const struct vsctl_table *table = vsctl_schema_find_table(ctx->schema, table_name);
    struct vsctl_row *row;
    if (table) {
        VSCTL_ROW_FOR_EACH (row, ctx->db, table) {
            vsctl_row_delete(row);
        }
    }
}

/* emer-reset: back to a plain learning switch with the same bridges and ports, as ovs-vsctl's
 * emer-reset: no managers, SSL, controllers, fail modes, mirrors, NetFlow/sFlow/IPFIX, flood
 * VLANs, other_config (a bridge keeps only other_config:hwaddr) or ingress policing. */
static void
cmd_emer_reset(struct vsctl_context *ctx)
{
    const struct vsctl_table *bridge_table = vsctl_require_table(ctx, "Bridge");
    const struct vsctl_table *port_table = vsctl_require_table(ctx, "Port");
    const struct vsctl_table *iface_table = vsctl_require_table(ctx, "Interface");
    struct vsctl_row *row;

    clear_column(ctx->ovs, "manager_options");
    clear_column(ctx->ovs, "ssl");

    VSCTL_ROW_FOR_EACH (row, ctx->db, bridge_table) {
        static const char *const columns[] = {
            "controller", "fail_mode", "mirrors", "netflow", "sflow", "ipfix", "flood_vlans",
        };
        for (size_t i = 0; i < ARRAY_SIZE(columns); i++) {
            clear_column(row, columns[i]);
        }
        const struct vsctl_column *oc = vsctl_row_column(row, "other_config");
        if (oc) {
            struct vsctl_datum keep = VSCTL_DATUM_EMPTY;
            const struct vsctl_datum *old = vsctl_row_read(row, oc);
            union vsctl_atom hwaddr_key = { .string = (char *) "hwaddr" };
            long i = vsctl_datum_find_key(old, &hwaddr_key, &oc->type);
            if (i >= 0) {
                vsctl_datum_put(&keep, &old->keys[i], &old->values[i], &oc->type);
            }
            vsctl_row_write(row, oc, &keep);
        }
    }
    VSCTL_ROW_FOR_EACH (row, ctx->db, port_table) {
        clear_column(row, "other_config");
    }
    VSCTL_ROW_FOR_EACH (row, ctx->db, iface_table) {
        static const char *const columns[] = {
            "ingress_policing_rate", "ingress_policing_burst",
        };
        for (size_t i = 0; i < ARRAY_SIZE(columns); i++) {
            const struct vsctl_column *c = vsctl_row_column(row, columns[i]);
            if (c) {
                struct vsctl_datum zero;
                vsctl_datum_init_default(&zero, &c->type);
                vsctl_row_write(row, c, &zero);
            }
        }
    }

    static const char *const tables[] = {
        "Mirror", "Controller", "Manager", "NetFlow", "sFlow", "IPFIX", "SSL",
    };
    for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
        delete_all(ctx, tables[i]);
    }
}

const struct vsctl_command_syntax vsctl_ssl_commands[] = {
    { "get-ssl", 0, 0, "", cmd_get_ssl, "", false },
    { "del-ssl", 0, 0, "", cmd_del_ssl, "", true },
    { "set-ssl", 3, 3, "PRIVATE-KEY CERTIFICATE CA-CERT", cmd_set_ssl, "--bootstrap", true },
    { "emer-reset", 0, 0, "", cmd_emer_reset, "", true },
    { NULL, 0, 0, NULL, NULL, NULL, false },
};
