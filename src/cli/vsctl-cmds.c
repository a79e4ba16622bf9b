/*
 * vsctl-cmds — bridge, port, interface, controller, fail-mode and manager commands of uvs-vsctl.
 * See vsctl-cmds.h. The topology is Open_vSwitch.bridges -> Bridge.ports -> Port.interfaces; a
 * bridge or port not reachable from the Open_vSwitch row does not exist for these commands, as in
 * ovs-vsctl. Every command that reads the topology verifies those three columns, so a concurrent
 * change to the topology makes the transaction retry.
 */
#include "cli/vsctl-cmds.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ======================================================================================== */
/* Shared helpers                                                                           */
/* ======================================================================================== */

void
vsctl_fatal(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *msg = xvasprintf(fmt, args);
    va_end(args);
    uvs_fatal(0, "%s", msg);
}

bool
vsctl_has_option(const struct vsctl_context *ctx, const char *name)
{
    for (size_t i = 0; i < ctx->n_options; i++) {
        if (!strcmp(ctx->options[i], name)) {
            return true;
        }
    }
    return false;
}

const char *
vsctl_option_value(const struct vsctl_context *ctx, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < ctx->n_options; i++) {
        if (!strncmp(ctx->options[i], name, len) && ctx->options[i][len] == '=') {
            return ctx->options[i] + len + 1;
        }
    }
    return NULL;
}

const struct vsctl_table *
vsctl_require_table(const struct vsctl_context *ctx, const char *name)
{
    const struct vsctl_table *table = vsctl_schema_find_table(ctx->schema, name);
    if (!table) {
        vsctl_fatal("the database has no %s table (is the server using the Open_vSwitch schema?)",
                    name);
    }
    return table;
}

/* "Interface p0", or "Open_vSwitch <uuid>" for tables without a name column. */
static char *
row_label(const struct vsctl_row *row)
{
    const struct vsctl_column *name = vsctl_row_column(row, "name");
    if (name && name->type.key.type == VSCTL_STRING && vsctl_row_read(row, name)->n == 1) {
        return xasprintf("%s %s", row->table->name, vsctl_row_name(row));
    }
    return xasprintf("%s %s", row->table->name, row->uuid);
}

char *
vsctl_parse_column_key_value(const char *arg, const struct vsctl_table *table,
                             const struct vsctl_column **columnp, char **keyp, char **valuep)
{
    const char *p = arg;
    char *name, *error;

    *columnp = NULL;
    if (keyp) {
        *keyp = NULL;
    }
    if (valuep) {
        *valuep = NULL;
    }

    error = vsctl_token_parse(&p, &name);
    if (error) {
        return error;
    }
    if (!name[0]) {
        free(name);
        return xasprintf("%s: missing column name", arg);
    }
    error = vsctl_table_match_column(table, name, columnp);
    free(name);
    if (error) {
        return error;
    }

    if (*p == ':') {
        if (!keyp) {
            return xasprintf("%s: key not accepted here", arg);
        }
        p++;
        error = vsctl_token_parse(&p, keyp);
        if (error) {
            return error;
        }
    }

    if (valuep) {
        if (*p != '=') {
            if (keyp) {
                free(*keyp);
                *keyp = NULL;
            }
            return xasprintf("%s: missing value (expected COLUMN[:KEY]=VALUE)", arg);
        }
        *valuep = xstrdup(p + 1);
    } else if (*p) {
        if (keyp) {
            free(*keyp);
            *keyp = NULL;
        }
        return xasprintf("%s: trailing garbage \"%s\" in argument", arg, p);
    }
    return NULL;
}

void
vsctl_set_column(struct vsctl_context *ctx, struct vsctl_row *row, const char *arg)
{
    const struct vsctl_column *column;
    char *key, *value, *error;

    (void) ctx;
    error = vsctl_parse_column_key_value(arg, row->table, &column, &key, &value);
    if (error) {
        vsctl_fatal("%s", error);
    }
    if (!column->mutable_ && !row->inserted) {
        vsctl_fatal("cannot modify read-only column %s in table %s", column->name,
                    row->table->name);
    }

    char *label = row_label(row);
    struct vsctl_datum datum;
    if (key) {
        union vsctl_atom k, v;
        if (!vsctl_type_is_map(&column->type)) {
            vsctl_fatal("cannot specify key to set for non-map column %s", column->name);
        }
        error = vsctl_atom_from_string(&k, &column->type.key, key);
        if (error) {
            vsctl_fatal("%s column %s: %s", label, column->name, error);
        }
        error = vsctl_atom_from_string(&v, &column->type.value, value);
        if (error) {
            vsctl_fatal("%s column %s key %s: %s", label, column->name, key, error);
        }
        vsctl_datum_clone(&datum, vsctl_row_read(row, column), &column->type);
        vsctl_datum_put(&datum, &k, &v, &column->type);
        vsctl_atom_destroy(&k, column->type.key.type);
        vsctl_atom_destroy(&v, column->type.value.type);
        if (datum.n > column->type.n_max) {
            vsctl_fatal("%s column %s: %zu values specified but the maximum number is %u",
                        label, column->name, datum.n, column->type.n_max);
        }
    } else {
        error = vsctl_datum_from_string(&datum, &column->type, value);
        if (error) {
            vsctl_fatal("%s column %s: %s", label, column->name, error);
        }
    }
    vsctl_row_write(row, column, &datum);
    free(label);
    free(key);
    free(value);
}

/* ---- UUID-set columns ---- */

static const struct vsctl_column *
require_column(const struct vsctl_row *row, const char *name)
{
    const struct vsctl_column *column = vsctl_row_column(row, name);
    if (!column) {
        vsctl_fatal("the database schema has no column %s.%s", row->table->name, name);
    }
    return column;
}

static void
uuid_set_add(struct vsctl_row *row, const char *column_name, const char *uuid)
{
    const struct vsctl_column *column = require_column(row, column_name);
    struct vsctl_datum datum;
    union vsctl_atom atom = { .string = (char *) uuid };

    vsctl_datum_clone(&datum, vsctl_row_read(row, column), &column->type);
    vsctl_datum_put(&datum, &atom, NULL, &column->type);
    vsctl_row_write(row, column, &datum);
}

static void
uuid_set_remove(struct vsctl_row *row, const char *column_name, const char *uuid)
{
    const struct vsctl_column *column = require_column(row, column_name);
    struct vsctl_datum datum;
    union vsctl_atom atom = { .string = (char *) uuid };

    vsctl_datum_clone(&datum, vsctl_row_read(row, column), &column->type);
    long i = vsctl_datum_find_key(&datum, &atom, &column->type);
    if (i >= 0) {
        vsctl_datum_remove(&datum, (size_t) i, &column->type);
    }
    vsctl_row_write(row, column, &datum);
}

static void
set_uuid_column(struct vsctl_row *row, const char *column_name, struct vsctl_row **refs, size_t n)
{
    const struct vsctl_column *column = require_column(row, column_name);
    struct vsctl_datum datum = VSCTL_DATUM_EMPTY;
    for (size_t i = 0; i < n; i++) {
        union vsctl_atom atom = { .string = refs[i]->uuid };
        vsctl_datum_put(&datum, &atom, NULL, &column->type);
    }
    vsctl_row_write(row, column, &datum);
}

static void
set_string_column(struct vsctl_row *row, const char *column_name, const char *s)
{
    struct vsctl_datum datum;
    vsctl_datum_set_string(&datum, s);
    vsctl_row_set(row, column_name, &datum);
}

/* Calls CB for every row referenced by ROW's UUID column COLUMN_NAME in table TABLE. */
#define FOR_EACH_REF(REF, CTX, ROW, COLUMN_NAME, TABLE)                                       \
    for (size_t ref_i__ = 0; ref_i__ < vsctl_row_get(ROW, COLUMN_NAME)->n; ref_i__++)          \
        if (((REF) = vsctl_db_get_row((CTX)->db, TABLE,                                        \
                                      vsctl_row_get(ROW, COLUMN_NAME)->keys[ref_i__].string)))

/* ---- Topology ---- */

struct topo {
    const struct vsctl_table *bridge_table, *port_table, *iface_table;
};

static struct topo
topo_get(struct vsctl_context *ctx)
{
    struct topo t = {
        .bridge_table = vsctl_require_table(ctx, "Bridge"),
        .port_table = vsctl_require_table(ctx, "Port"),
        .iface_table = vsctl_require_table(ctx, "Interface"),
    };
    struct vsctl_row *br, *port;

    /* What every answer below depends on. */
    if (ctx->ovs) {
        vsctl_row_verify_name(ctx->ovs, "bridges");
        FOR_EACH_REF (br, ctx, ctx->ovs, "bridges", t.bridge_table) {
            vsctl_row_verify_name(br, "ports");
            FOR_EACH_REF (port, ctx, br, "ports", t.port_table) {
                vsctl_row_verify_name(port, "interfaces");
            }
        }
    }
    return t;
}

static struct vsctl_row *
find_bridge(struct vsctl_context *ctx, const struct topo *t, const char *name, bool must_exist)
{
    struct vsctl_row *br;
    if (ctx->ovs) {
        FOR_EACH_REF (br, ctx, ctx->ovs, "bridges", t->bridge_table) {
            if (!strcmp(vsctl_row_name(br), name)) {
                return br;
            }
        }
    }
    if (must_exist) {
        vsctl_fatal("no bridge named %s", name);
    }
    return NULL;
}

static struct vsctl_row *
find_port(struct vsctl_context *ctx, const struct topo *t, const char *name,
          struct vsctl_row **bridgep)
{
    struct vsctl_row *br, *port;
    *bridgep = NULL;
    if (ctx->ovs) {
        FOR_EACH_REF (br, ctx, ctx->ovs, "bridges", t->bridge_table) {
            FOR_EACH_REF (port, ctx, br, "ports", t->port_table) {
                if (!strcmp(vsctl_row_name(port), name)) {
                    *bridgep = br;
                    return port;
                }
            }
        }
    }
    return NULL;
}

static struct vsctl_row *
find_iface(struct vsctl_context *ctx, const struct topo *t, const char *name,
           struct vsctl_row **portp, struct vsctl_row **bridgep)
{
    struct vsctl_row *br, *port, *iface;
    *portp = *bridgep = NULL;
    if (ctx->ovs) {
        FOR_EACH_REF (br, ctx, ctx->ovs, "bridges", t->bridge_table) {
            FOR_EACH_REF (port, ctx, br, "ports", t->port_table) {
                FOR_EACH_REF (iface, ctx, port, "interfaces", t->iface_table) {
                    if (!strcmp(vsctl_row_name(iface), name)) {
                        *portp = port;
                        *bridgep = br;
                        return iface;
                    }
                }
            }
        }
    }
    return NULL;
}

/* Fails with "PREFIX because a bridge/port/interface named NAME already exists..." if NAME is
 * taken by any bridge, port or interface. */
static void
check_conflicts(struct vsctl_context *ctx, const struct topo *t, const char *name,
                const char *prefix)
{
    struct vsctl_row *br, *port;

    if (find_bridge(ctx, t, name, false)) {
        vsctl_fatal("%s because a bridge named %s already exists", prefix, name);
    }
    if (find_port(ctx, t, name, &br)) {
        vsctl_fatal("%s because a port named %s already exists on bridge %s", prefix, name,
                    vsctl_row_name(br));
    }
    if (find_iface(ctx, t, name, &port, &br)) {
        vsctl_fatal("%s because an interface named %s already exists on bridge %s", prefix,
                    name, vsctl_row_name(br));
    }
}

static int
compare_strings(const void *a_, const void *b_)
{
    const char *const *a = a_, *const *b = b_;
    return strcmp(*a, *b);
}

/* Appends NAMES (sorted here) one per line. */
static void
output_sorted(struct ds *out, const char **names, size_t n)
{
    if (n) {
        qsort(names, n, sizeof *names, compare_strings);
    }
    for (size_t i = 0; i < n; i++) {
        ds_put_format(out, "%s\n", names[i]);
    }
}

static void
delete_port(struct vsctl_context *ctx, const struct topo *t, struct vsctl_row *bridge,
            struct vsctl_row *port)
{
    struct vsctl_row *iface;
    FOR_EACH_REF (iface, ctx, port, "interfaces", t->iface_table) {
        vsctl_row_delete(iface);
    }
    uuid_set_remove(bridge, "ports", port->uuid);
    vsctl_row_delete(port);
}

/* ======================================================================================== */
/* Bridge commands                                                                          */
/* ======================================================================================== */

static void
cmd_init(struct vsctl_context *ctx)
{
    /* The Open_vSwitch row is created by the caller when the table is empty. */
    (void) ctx;
}

static void
cmd_add_br(struct vsctl_context *ctx)
{
    const char *name = ctx->argv[1];
    struct topo t = topo_get(ctx);

    if (!name[0]) {
        vsctl_fatal("bridge name must not be empty string");
    }
    if (ctx->argc != 2) {
        vsctl_fatal("\"add-br %s %s %s\": VLAN (fake) bridges are not supported by uvs; create a "
                    "real bridge and use access ports (Port tag) instead", name, ctx->argv[2],
                    ctx->argc > 3 ? ctx->argv[3] : "");
    }
    if (vsctl_has_option(ctx, "--may-exist") && find_bridge(ctx, &t, name, false)) {
        return;
    }
    char *prefix = xasprintf("cannot create a bridge named %s", name);
    check_conflicts(ctx, &t, name, prefix);
    free(prefix);

    struct vsctl_row *iface = vsctl_db_insert(ctx->db, t.iface_table);
    set_string_column(iface, "name", name);
    set_string_column(iface, "type", "internal");

    struct vsctl_row *port = vsctl_db_insert(ctx->db, t.port_table);
    set_string_column(port, "name", name);
    set_uuid_column(port, "interfaces", &iface, 1);

    struct vsctl_row *br = vsctl_db_insert(ctx->db, t.bridge_table);
    set_string_column(br, "name", name);
    set_uuid_column(br, "ports", &port, 1);

    uuid_set_add(ctx->ovs, "bridges", br->uuid);
}

static void
cmd_del_br(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    struct vsctl_row *br = find_bridge(ctx, &t, ctx->argv[1],
                                       !vsctl_has_option(ctx, "--if-exists"));
    struct vsctl_row *port;

    if (!br) {
        return;
    }
    /* Collect first: delete_port() rewrites br's "ports" column. */
    struct vsctl_row **ports = NULL;
    size_t n_ports = 0;
    FOR_EACH_REF (port, ctx, br, "ports", t.port_table) {
        ports = xrealloc(ports, (n_ports + 1) * sizeof *ports);
        ports[n_ports++] = port;
    }
    for (size_t i = 0; i < n_ports; i++) {
        delete_port(ctx, &t, br, ports[i]);
    }
    free(ports);

    /* Flow_Sample_Collector_Set rows refer to their bridge with a strong reference. */
    const struct vsctl_table *fscs = vsctl_schema_find_table(ctx->schema,
                                                             "Flow_Sample_Collector_Set");
    struct vsctl_row *row;
    if (fscs) {
        VSCTL_ROW_FOR_EACH (row, ctx->db, fscs) {
            const struct vsctl_datum *d = vsctl_row_get(row, "bridge");
            if (d->n == 1 && !strcmp(d->keys[0].string, br->uuid)) {
                vsctl_row_delete(row);
            }
        }
    }

    uuid_set_remove(ctx->ovs, "bridges", br->uuid);
    vsctl_row_delete(br);
}

static void
cmd_list_br(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    struct vsctl_row *br;
    const char **names = NULL;
    size_t n = 0;

    if (ctx->ovs) {
        FOR_EACH_REF (br, ctx, ctx->ovs, "bridges", t.bridge_table) {
            names = xrealloc(names, (n + 1) * sizeof *names);
            names[n++] = vsctl_row_name(br);
        }
    }
    output_sorted(ctx->output, names, n);
    free(names);
}

static void
cmd_br_exists(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    if (!find_bridge(ctx, &t, ctx->argv[1], false)) {
        exit(2);
    }
}

/* list-ports and list-ifaces: names below BR, without BR's own local port/interface. */
static void
list_bridge_members(struct vsctl_context *ctx, bool ifaces)
{
    struct topo t = topo_get(ctx);
    struct vsctl_row *br = find_bridge(ctx, &t, ctx->argv[1], true);
    struct vsctl_row *port, *iface;
    const char **names = NULL;
    size_t n = 0;

    FOR_EACH_REF (port, ctx, br, "ports", t.port_table) {
        if (!ifaces) {
            if (strcmp(vsctl_row_name(port), ctx->argv[1])) {
                names = xrealloc(names, (n + 1) * sizeof *names);
                names[n++] = vsctl_row_name(port);
            }
            continue;
        }
        FOR_EACH_REF (iface, ctx, port, "interfaces", t.iface_table) {
            if (strcmp(vsctl_row_name(iface), ctx->argv[1])) {
                names = xrealloc(names, (n + 1) * sizeof *names);
                names[n++] = vsctl_row_name(iface);
            }
        }
    }
    output_sorted(ctx->output, names, n);
    free(names);
}

static void
cmd_list_ports(struct vsctl_context *ctx)
{
    list_bridge_members(ctx, false);
}

static void
cmd_list_ifaces(struct vsctl_context *ctx)
{
    list_bridge_members(ctx, true);
}

/* ======================================================================================== */
/* Port commands                                                                            */
/* ======================================================================================== */

/* Applies an add-port setting: to the Port as ovs-vsctl does, or, for a column only the Interface
 * has (type, options, mtu_request, ...), to the port's interface. */
static void
add_port_setting(struct vsctl_context *ctx, struct vsctl_row *port, struct vsctl_row *iface,
                 const char *arg)
{
    const struct vsctl_column *column;
    char *key, *value;
    char *error = vsctl_parse_column_key_value(arg, port->table, &column, &key, &value);

    if (!error) {
        free(key);
        free(value);
        vsctl_set_column(ctx, port, arg);
        return;
    }
    char *iface_error = vsctl_parse_column_key_value(arg, iface->table, &column, &key, &value);
    if (iface_error) {
        free(iface_error);
        vsctl_fatal("%s", error);
    }
    free(error);
    free(key);
    free(value);
    vsctl_set_column(ctx, iface, arg);
}

static void
cmd_add_port(struct vsctl_context *ctx)
{
    const char *br_name = ctx->argv[1];
    const char *port_name = ctx->argv[2];
    struct topo t = topo_get(ctx);
    struct vsctl_row *br, *old_br, *old_port;

    if (!port_name[0]) {
        vsctl_fatal("port name must not be empty string");
    }
    br = find_bridge(ctx, &t, br_name, true);

    old_port = find_port(ctx, &t, port_name, &old_br);
    if (old_port && vsctl_has_option(ctx, "--may-exist")) {
        if (old_br != br) {
            vsctl_fatal("\"--may-exist add-port %s %s\" but %s is actually attached to bridge %s",
                        br_name, port_name, port_name, vsctl_row_name(old_br));
        }
        const struct vsctl_datum *ifaces = vsctl_row_get(old_port, "interfaces");
        struct vsctl_row *iface = ifaces->n == 1
            ? vsctl_db_get_row(ctx->db, t.iface_table, ifaces->keys[0].string) : NULL;
        if (!iface || strcmp(vsctl_row_name(iface), port_name)) {
            vsctl_fatal("\"--may-exist add-port %s %s\" but %s actually has other interfaces "
                        "(use \"list Port %s\" to see them)", br_name, port_name, port_name,
                        port_name);
        }
        return;
    }

    char *prefix = xasprintf("cannot create a port named %s", port_name);
    check_conflicts(ctx, &t, port_name, prefix);
    free(prefix);

    struct vsctl_row *iface = vsctl_db_insert(ctx->db, t.iface_table);
    set_string_column(iface, "name", port_name);

    struct vsctl_row *port = vsctl_db_insert(ctx->db, t.port_table);
    set_string_column(port, "name", port_name);
    set_uuid_column(port, "interfaces", &iface, 1);

    for (int i = 3; i < ctx->argc; i++) {
        add_port_setting(ctx, port, iface, ctx->argv[i]);
    }
    uuid_set_add(br, "ports", port->uuid);
}

static void
cmd_del_port(struct vsctl_context *ctx)
{
    bool must_exist = !vsctl_has_option(ctx, "--if-exists");
    bool with_iface = vsctl_has_option(ctx, "--with-iface");
    const char *target = ctx->argv[ctx->argc - 1];
    struct topo t = topo_get(ctx);
    struct vsctl_row *br = NULL, *port_br, *port;

    if (ctx->argc == 3) {
        br = find_bridge(ctx, &t, ctx->argv[1], true);
    }

    port = find_port(ctx, &t, target, &port_br);
    if (!port && with_iface) {
        struct vsctl_row *iface_port;
        if (find_iface(ctx, &t, target, &iface_port, &port_br)) {
            port = iface_port;
        }
    }
    if (!port) {
        if (must_exist) {
            vsctl_fatal(with_iface ? "no port or interface named %s" : "no port named %s", target);
        }
        return;
    }
    if (br && port_br != br) {
        vsctl_fatal("bridge %s does not have a port %s (it is attached to bridge %s)",
                    ctx->argv[1], target, vsctl_row_name(port_br));
    }
    delete_port(ctx, &t, port_br, port);
}

static void
cmd_port_to_br(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    struct vsctl_row *br;
    if (!find_port(ctx, &t, ctx->argv[1], &br)) {
        vsctl_fatal("no port named %s", ctx->argv[1]);
    }
    ds_put_format(ctx->output, "%s\n", vsctl_row_name(br));
}

static void
cmd_iface_to_br(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    struct vsctl_row *br, *port;
    if (!find_iface(ctx, &t, ctx->argv[1], &port, &br)) {
        vsctl_fatal("no interface named %s", ctx->argv[1]);
    }
    ds_put_format(ctx->output, "%s\n", vsctl_row_name(br));
}

/* ======================================================================================== */
/* Controller, fail-mode and manager commands                                               */
/* ======================================================================================== */

/* Prints the sorted "target" strings of the rows ROW's COLUMN_NAME refers to in TABLE_NAME. */
static void
list_targets(struct vsctl_context *ctx, struct vsctl_row *row, const char *column_name,
             const char *table_name)
{
    const struct vsctl_table *table = vsctl_require_table(ctx, table_name);
    struct vsctl_row *ref;
    const char **names = NULL;
    size_t n = 0;

    vsctl_row_verify_name(row, column_name);
    FOR_EACH_REF (ref, ctx, row, column_name, table) {
        const char *target = vsctl_datum_string(vsctl_row_get(ref, "target"));
        names = xrealloc(names, (n + 1) * sizeof *names);
        names[n++] = target ? target : "";
    }
    output_sorted(ctx->output, names, n);
    free(names);
}

static void
delete_targets(struct vsctl_context *ctx, struct vsctl_row *row, const char *column_name,
               const char *table_name)
{
    const struct vsctl_table *table = vsctl_require_table(ctx, table_name);
    struct vsctl_row *ref;
    FOR_EACH_REF (ref, ctx, row, column_name, table) {
        vsctl_row_delete(ref);
    }
    set_uuid_column(row, column_name, NULL, 0);
}

static void
set_targets(struct vsctl_context *ctx, struct vsctl_row *row, const char *column_name,
            const char *table_name, char **targets, int n)
{
    const struct vsctl_table *table = vsctl_require_table(ctx, table_name);
    struct vsctl_row **rows = xcalloc((size_t) n, sizeof *rows);

    delete_targets(ctx, row, column_name, table_name);
    for (int i = 0; i < n; i++) {
        if (!targets[i][0]) {
            vsctl_fatal("%s target must not be empty", table_name);
        }
        rows[i] = vsctl_db_insert(ctx->db, table);
        set_string_column(rows[i], "target", targets[i]);
    }
    set_uuid_column(row, column_name, rows, (size_t) n);
    free(rows);
}

static void
cmd_get_controller(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    list_targets(ctx, find_bridge(ctx, &t, ctx->argv[1], true), "controller", "Controller");
}

static void
cmd_del_controller(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    delete_targets(ctx, find_bridge(ctx, &t, ctx->argv[1], true), "controller", "Controller");
}

static void
cmd_set_controller(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    set_targets(ctx, find_bridge(ctx, &t, ctx->argv[1], true), "controller", "Controller",
                &ctx->argv[2], ctx->argc - 2);
}

static void
cmd_get_fail_mode(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    struct vsctl_row *br = find_bridge(ctx, &t, ctx->argv[1], true);
    vsctl_row_verify_name(br, "fail_mode");
    const char *mode = vsctl_datum_string(vsctl_row_get(br, "fail_mode"));
    if (mode && mode[0]) {
        ds_put_format(ctx->output, "%s\n", mode);
    }
}

static void
cmd_del_fail_mode(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    struct vsctl_row *br = find_bridge(ctx, &t, ctx->argv[1], true);
    struct vsctl_datum empty = VSCTL_DATUM_EMPTY;
    vsctl_row_set(br, "fail_mode", &empty);
}

static void
cmd_set_fail_mode(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    struct vsctl_row *br = find_bridge(ctx, &t, ctx->argv[1], true);
    const char *mode = ctx->argv[2];

    if (strcmp(mode, "standalone") && strcmp(mode, "secure")) {
        vsctl_fatal("fail-mode must be \"standalone\" or \"secure\" (got \"%s\")", mode);
    }
    set_string_column(br, "fail_mode", mode);
}

static void
cmd_get_manager(struct vsctl_context *ctx)
{
    if (ctx->ovs) {
        list_targets(ctx, ctx->ovs, "manager_options", "Manager");
    }
}

static void
cmd_del_manager(struct vsctl_context *ctx)
{
    delete_targets(ctx, ctx->ovs, "manager_options", "Manager");
}

static void
cmd_set_manager(struct vsctl_context *ctx)
{
    set_targets(ctx, ctx->ovs, "manager_options", "Manager", &ctx->argv[1], ctx->argc - 1);
}

/* ======================================================================================== */
/* Registration                                                                             */
/* ======================================================================================== */

const struct vsctl_command_syntax vsctl_bridge_commands[] = {
    { "init", 0, 0, "", cmd_init, "", true },
    { "add-br", 1, 3, "BRIDGE", cmd_add_br, "--may-exist", true },
    { "del-br", 1, 1, "BRIDGE", cmd_del_br, "--if-exists", true },
    { "list-br", 0, 0, "", cmd_list_br, "--real,--fake", false },
    { "br-exists", 1, 1, "BRIDGE", cmd_br_exists, "", false },
    { "list-ports", 1, 1, "BRIDGE", cmd_list_ports, "", false },
    { "add-port", 2, INT_MAX, "BRIDGE PORT [COLUMN[:KEY]=VALUE]...", cmd_add_port,
      "--may-exist", true },
    { "del-port", 1, 2, "[BRIDGE] PORT", cmd_del_port, "--if-exists,--with-iface", true },
    { "port-to-br", 1, 1, "PORT", cmd_port_to_br, "", false },
    { "list-ifaces", 1, 1, "BRIDGE", cmd_list_ifaces, "", false },
    { "iface-to-br", 1, 1, "IFACE", cmd_iface_to_br, "", false },
    { "get-controller", 1, 1, "BRIDGE", cmd_get_controller, "", false },
    { "del-controller", 1, 1, "BRIDGE", cmd_del_controller, "", true },
    { "set-controller", 1, INT_MAX, "BRIDGE TARGET...", cmd_set_controller, "", true },
    { "get-fail-mode", 1, 1, "BRIDGE", cmd_get_fail_mode, "", false },
    { "del-fail-mode", 1, 1, "BRIDGE", cmd_del_fail_mode, "", true },
    { "set-fail-mode", 2, 2, "BRIDGE MODE", cmd_set_fail_mode, "", true },
    { "get-manager", 0, 0, "", cmd_get_manager, "", false },
    { "del-manager", 0, 0, "", cmd_del_manager, "", true },
    { "set-manager", 1, INT_MAX, "TARGET...", cmd_set_manager, "", true },
    { NULL, 0, 0, NULL, NULL, NULL, false },
};

const struct vsctl_command_syntax *
vsctl_find_command(const char *name)
{
    const struct vsctl_command_syntax *tables[] = { vsctl_bridge_commands, vsctl_db_commands };
    for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
        for (const struct vsctl_command_syntax *p = tables[i]; p->name; p++) {
            if (!strcmp(p->name, name)) {
                return p;
            }
        }
    }
    return NULL;
}

void
vsctl_commands_usage(void)
{
    printf("\
Open vSwitch commands:\n\
  init                        initialize database, if not yet initialized\n\
  show                        print overview of database contents\n\
\n\
Bridge commands:\n\
  add-br BRIDGE               create a new bridge named BRIDGE\n\
  del-br BRIDGE               delete BRIDGE and all of its ports\n\
  list-br                     print the names of all the bridges\n\
  br-exists BRIDGE            exit 2 if BRIDGE does not exist\n\
\n\
Port commands:\n\
  list-ports BRIDGE           print the names of all the ports on BRIDGE\n\
  add-port BRIDGE PORT [COLUMN[:KEY]=VALUE]...\n\
                              add network device PORT to BRIDGE; settings apply to the\n\
                              Port, or to its Interface for Interface-only columns\n\
                              (type, options, mtu_request, ...)\n\
  del-port [BRIDGE] PORT      delete PORT (which must be on BRIDGE) from its bridge\n\
  port-to-br PORT             print name of bridge that contains PORT\n\
\n\
Interface commands:\n\
  list-ifaces BRIDGE          print the names of all interfaces on BRIDGE\n\
  iface-to-br IFACE           print name of bridge that contains IFACE\n\
\n\
Controller commands:\n\
  get-controller BRIDGE       print the controllers for BRIDGE\n\
  del-controller BRIDGE       delete the controllers for BRIDGE\n\
  set-controller BRIDGE TARGET...  set the controllers for BRIDGE\n\
  get-fail-mode BRIDGE        print the fail-mode for BRIDGE\n\
  del-fail-mode BRIDGE        delete the fail-mode for BRIDGE\n\
  set-fail-mode BRIDGE MODE   set the fail-mode for BRIDGE to MODE\n\
\n\
Manager commands:\n\
  get-manager                 print the managers\n\
  del-manager                 delete the managers\n\
  set-manager TARGET...       set the list of managers to TARGET...\n\
\n\
Database commands:\n\
  list TBL [REC]              list RECord (or all records) in TBL\n\
  get TBL REC COL[:KEY]       print values of COLumns in RECord in TBL\n\
  set TBL REC COL[:KEY]=VALUE set COLumn values in RECord in TBL\n\
  add TBL REC COL [KEY=]VALUE add (KEY=)VALUE to COLumn in RECord in TBL\n\
  remove TBL REC COL [KEY=]VALUE  remove (KEY=)VALUE from COLumn\n\
  clear TBL REC COL           clear values from COLumn in RECord in TBL\n\
  create TBL COL[:KEY]=VALUE  create and initialize new record\n\
  destroy TBL REC             delete RECord from TBL\n\
  find TBL [COL[:KEY]=VALUE]  list records in TBL whose COLumns have these values\n\
\n\
Records are named by UUID (or a unique UUID prefix of 4+ hex digits), by name for Bridge,\n\
Port, Interface, Mirror and Flow_Table, by target for Manager, by bridge name for Controller,\n\
NetFlow, sFlow and IPFIX, by port name for QoS, and \".\" for Open_vSwitch. A value\n\
\"@name\" refers to the row of \"--id=@name create ...\" or \"--id=@name get ...\" in the same\n\
invocation.\n");
}
