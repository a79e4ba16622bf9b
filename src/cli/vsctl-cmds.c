/*
 * vsctl-cmds — bridge (real and fake), port, bond, interface, controller, fail-mode and manager
 * commands of uvs-vsctl. See vsctl-cmds.h. The topology is Open_vSwitch.bridges -> Bridge.ports ->
 * Port.interfaces; a bridge or port not reachable from the Open_vSwitch row does not exist for
 * these commands, as in ovs-vsctl. A fake (VLAN) bridge is a Port with fake_bridge=true and a tag
 * (see "Topology" below). Every command that reads the topology verifies the columns it is built
 * from, so a concurrent change to the topology makes the transaction retry.
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

char *
vsctl_row_label(const struct vsctl_row *row)
{
    const struct vsctl_column *name = vsctl_row_column(row, "name");
    if (name && name->type.key.type == VSCTL_STRING && vsctl_row_read(row, name)->n == 1) {
        return xasprintf("%s %s", row->table->name, vsctl_row_name(row));
    }
    if (row->inserted) {
        return xasprintf("new %s record", row->table->name);
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

    char *label = vsctl_row_label(row);
    struct vsctl_datum datum;
    if (key) {
        union vsctl_atom k, v;
        if (!vsctl_type_is_map(&column->type)) {
            vsctl_fatal("%s column %s is not a map: cannot set key \"%s\" of it", label,
                        column->name, key);
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

/* ---- Topology ----
 *
 * The bridges users name: every real bridge (a Bridge row in Open_vSwitch.bridges) and every fake
 * (VLAN) bridge — a Port of a real bridge with fake_bridge=true and a tag, as ovs-vsctl models
 * them. A port belongs to the fake bridge it is (its own fake-bridge port), else to the fake bridge
 * on its real bridge whose VLAN equals its tag, else to its real bridge. */

struct vbridge {
    const char *name;
    struct vsctl_row *br;         /* the real Bridge row (the parent's, for a fake bridge) */
    struct vsctl_row *fake_port;  /* fake bridge: its Port row; NULL for a real bridge */
    int vlan;                     /* fake bridge: its VLAN; 0 for a real bridge */
    long parent;                  /* fake bridge: index of its parent in topo.brs; -1 if real */
};

struct topo {
    const struct vsctl_table *bridge_table, *port_table, *iface_table;
    struct vbridge *brs;
    size_t n_brs;
};

static struct vbridge *
topo_find(const struct topo *t, const char *name)
{
    for (size_t i = 0; i < t->n_brs; i++) {
        if (!strcmp(t->brs[i].name, name)) {
            return &t->brs[i];
        }
    }
    return NULL;
}

static bool
port_is_fake_bridge(const struct vsctl_row *port)
{
    const struct vsctl_datum *fake = vsctl_row_get(port, "fake_bridge");
    const struct vsctl_datum *tag = vsctl_row_get(port, "tag");
    return fake->n == 1 && fake->keys[0].boolean && tag->n == 1
           && tag->keys[0].integer >= 0 && tag->keys[0].integer <= 4095;
}

static struct topo
topo_get(struct vsctl_context *ctx)
{
    struct topo t = {
        .bridge_table = vsctl_require_table(ctx, "Bridge"),
        .port_table = vsctl_require_table(ctx, "Port"),
        .iface_table = vsctl_require_table(ctx, "Interface"),
    };
    struct vsctl_row *br, *port;

    if (!ctx->ovs) {
        return t;
    }
    /* What every answer below depends on. */
    vsctl_row_verify_name(ctx->ovs, "bridges");
    FOR_EACH_REF (br, ctx, ctx->ovs, "bridges", t.bridge_table) {
        vsctl_row_verify_name(br, "ports");
        if (topo_find(&t, vsctl_row_name(br))) {
            continue;           /* a duplicate name: the first one wins, as in ovs-vsctl */
        }
        long parent = (long) t.n_brs;
        t.brs = xrealloc(t.brs, (t.n_brs + 1) * sizeof *t.brs);
        t.brs[t.n_brs++] = (struct vbridge) {
            .name = vsctl_row_name(br), .br = br, .parent = -1,
        };
        FOR_EACH_REF (port, ctx, br, "ports", t.port_table) {
            vsctl_row_verify_name(port, "interfaces");
            vsctl_row_verify_name(port, "fake_bridge");
            vsctl_row_verify_name(port, "tag");
            if (port_is_fake_bridge(port) && !topo_find(&t, vsctl_row_name(port))) {
                t.brs = xrealloc(t.brs, (t.n_brs + 1) * sizeof *t.brs);
                t.brs[t.n_brs++] = (struct vbridge) {
                    .name = vsctl_row_name(port), .br = br, .fake_port = port,
                    .vlan = (int) vsctl_row_get(port, "tag")->keys[0].integer, .parent = parent,
                };
            }
        }
    }
    return t;
}

static void
topo_destroy(struct topo *t)
{
    free(t->brs);
    t->brs = NULL;
    t->n_brs = 0;
}

/* The (real or fake) bridge PORT of real bridge BR belongs to. */
static struct vbridge *
port_owner(const struct topo *t, const struct vsctl_row *br, const struct vsctl_row *port)
{
    const struct vsctl_datum *tag = vsctl_row_get(port, "tag");
    struct vbridge *real = NULL;

    for (size_t i = 0; i < t->n_brs; i++) {
        struct vbridge *vb = &t->brs[i];
        if (vb->br != br) {
            continue;
        }
        if (vb->parent < 0) {
            real = vb;
        } else if (vb->fake_port == port) {
            return vb;
        } else if (tag->n == 1 && tag->keys[0].integer == vb->vlan
                   && !port_is_fake_bridge(port)) {
            return vb;
        }
    }
    return real;
}

static struct vbridge *
find_bridge(struct vsctl_context *ctx, const struct topo *t, const char *name, bool must_exist)
{
    struct vbridge *vb = topo_find(t, name);
    (void) ctx;
    if (!vb && must_exist) {
        vsctl_fatal("no bridge named %s", name);
    }
    return vb;
}

static struct vsctl_row *
find_port(struct vsctl_context *ctx, const struct topo *t, const char *name,
          struct vbridge **ownerp)
{
    *ownerp = NULL;
    for (size_t i = 0; i < t->n_brs; i++) {
        struct vsctl_row *port;
        if (t->brs[i].parent >= 0) {
            continue;
        }
        FOR_EACH_REF (port, ctx, t->brs[i].br, "ports", t->port_table) {
            if (!strcmp(vsctl_row_name(port), name)) {
                *ownerp = port_owner(t, t->brs[i].br, port);
                return port;
            }
        }
    }
    return NULL;
}

static struct vsctl_row *
find_iface(struct vsctl_context *ctx, const struct topo *t, const char *name,
           struct vsctl_row **portp, struct vbridge **ownerp)
{
    *portp = NULL;
    *ownerp = NULL;
    for (size_t i = 0; i < t->n_brs; i++) {
        struct vsctl_row *port, *iface;
        if (t->brs[i].parent >= 0) {
            continue;
        }
        FOR_EACH_REF (port, ctx, t->brs[i].br, "ports", t->port_table) {
            FOR_EACH_REF (iface, ctx, port, "interfaces", t->iface_table) {
                if (!strcmp(vsctl_row_name(iface), name)) {
                    *portp = port;
                    *ownerp = port_owner(t, t->brs[i].br, port);
                    return iface;
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
    struct vbridge *owner;
    struct vsctl_row *port;

    if (find_bridge(ctx, t, name, false)) {
        vsctl_fatal("%s because a bridge named %s already exists", prefix, name);
    }
    if (find_port(ctx, t, name, &owner)) {
        vsctl_fatal("%s because a port named %s already exists on bridge %s", prefix, name,
                    owner->name);
    }
    if (find_iface(ctx, t, name, &port, &owner)) {
        vsctl_fatal("%s because an interface named %s already exists on bridge %s", prefix,
                    name, owner->name);
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

/* The ports of VB (for a fake bridge: those of its parent it owns). */
static struct vsctl_row **
bridge_ports(struct vsctl_context *ctx, const struct topo *t, struct vbridge *vb, size_t *np)
{
    struct vsctl_row **ports = NULL, *port;
    size_t n = 0;

    FOR_EACH_REF (port, ctx, vb->br, "ports", t->port_table) {
        if (port_owner(t, vb->br, port) == vb) {
            ports = xrealloc(ports, (n + 1) * sizeof *ports);
            ports[n++] = port;
        }
    }
    *np = n;
    return ports;
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

static struct vsctl_row *
create_iface_port(struct vsctl_context *ctx, const struct topo *t, const char *port_name,
                  char **iface_names, size_t n_ifaces, struct vsctl_row ***ifacesp)
{
    struct vsctl_row **ifaces = xcalloc(n_ifaces + 1, sizeof *ifaces);
    for (size_t i = 0; i < n_ifaces; i++) {
        ifaces[i] = vsctl_db_insert(ctx->db, t->iface_table);
        set_string_column(ifaces[i], "name", iface_names[i]);
    }
    struct vsctl_row *port = vsctl_db_insert(ctx->db, t->port_table);
    set_string_column(port, "name", port_name);
    set_uuid_column(port, "interfaces", ifaces, n_ifaces);
    if (ifacesp) {
        *ifacesp = ifaces;
    } else {
        free(ifaces);
    }
    return port;
}

static void
set_integer_column(struct vsctl_row *row, const char *column_name, int64_t value)
{
    struct vsctl_datum datum;
    vsctl_datum_set_integer(&datum, value);
    vsctl_row_set(row, column_name, &datum);
}

static void
set_boolean_column(struct vsctl_row *row, const char *column_name, bool value)
{
    const struct vsctl_column *column = require_column(row, column_name);
    struct vsctl_datum datum = VSCTL_DATUM_EMPTY;
    union vsctl_atom atom = { .boolean = value };
    vsctl_datum_put(&datum, &atom, NULL, &column->type);
    vsctl_row_write(row, column, &datum);
}

static void
add_fake_bridge(struct vsctl_context *ctx, struct topo *t, const char *name,
                const char *parent_name, const char *vlan_string)
{
    bool may_exist = vsctl_has_option(ctx, "--may-exist");
    uint64_t vlan;

    if (!str_to_uint64(vlan_string, 10, 4095, &vlan)) {
        vsctl_fatal("add-br: vlan must be between 0 and 4095 (got \"%s\")", vlan_string);
    }
    struct vbridge *parent = find_bridge(ctx, t, parent_name, false);
    if (parent && parent->parent >= 0) {
        vsctl_fatal("cannot create bridge with fake bridge as parent");
    }
    if (!parent) {
        vsctl_fatal("parent bridge %s does not exist", parent_name);
    }
    struct vbridge *vb = find_bridge(ctx, t, name, false);
    if (vb && may_exist) {
        if (vb->parent < 0) {
            vsctl_fatal("\"--may-exist add-br %s %s %s\" but %s is not a VLAN bridge", name,
                        parent_name, vlan_string, name);
        } else if (strcmp(t->brs[vb->parent].name, parent_name)) {
            vsctl_fatal("\"--may-exist add-br %s %s %s\" but %s has the wrong parent %s", name,
                        parent_name, vlan_string, name, t->brs[vb->parent].name);
        } else if (vb->vlan != (int) vlan) {
            vsctl_fatal("\"--may-exist add-br %s %s %s\" but %s is a VLAN bridge for the wrong "
                        "VLAN %d", name, parent_name, vlan_string, name, vb->vlan);
        }
        return;
    }
    char *prefix = xasprintf("cannot create a bridge named %s", name);
    check_conflicts(ctx, t, name, prefix);
    free(prefix);
    for (size_t i = 0; i < t->n_brs; i++) {
        if (t->brs[i].br == parent->br && t->brs[i].parent >= 0 && t->brs[i].vlan == (int) vlan) {
            vsctl_fatal("bridge %s already has a child VLAN bridge %s on VLAN %d",
                        parent_name, t->brs[i].name, (int) vlan);
        }
    }

    struct vsctl_row **ifaces;
    char *iface_name = (char *) name;
    struct vsctl_row *port = create_iface_port(ctx, t, name, &iface_name, 1, &ifaces);
    set_string_column(ifaces[0], "type", "internal");
    free(ifaces);
    set_boolean_column(port, "fake_bridge", true);
    set_integer_column(port, "tag", (int64_t) vlan);
    uuid_set_add(parent->br, "ports", port->uuid);
}

static void
cmd_add_br(struct vsctl_context *ctx)
{
    const char *name = ctx->argv[1];
    struct topo t = topo_get(ctx);

    if (!name[0]) {
        vsctl_fatal("bridge name must not be empty string");
    }
    if (ctx->argc == 3) {
        vsctl_fatal("'add-br' command takes exactly 1 or 3 arguments (BRIDGE, or BRIDGE PARENT "
                    "VLAN for a fake bridge)");
    }
    if (ctx->argc == 4) {
        add_fake_bridge(ctx, &t, name, ctx->argv[2], ctx->argv[3]);
        topo_destroy(&t);
        return;
    }
    struct vbridge *vb = find_bridge(ctx, &t, name, false);
    if (vb && vsctl_has_option(ctx, "--may-exist")) {
        if (vb->parent >= 0) {
            vsctl_fatal("\"--may-exist add-br %s\" but %s is a VLAN bridge for VLAN %d", name,
                        name, vb->vlan);
        }
        topo_destroy(&t);
        return;
    }
    char *prefix = xasprintf("cannot create a bridge named %s", name);
    check_conflicts(ctx, &t, name, prefix);
    free(prefix);

    struct vsctl_row **ifaces;
    char *iface_name = (char *) name;
    struct vsctl_row *port = create_iface_port(ctx, &t, name, &iface_name, 1, &ifaces);
    set_string_column(ifaces[0], "type", "internal");
    free(ifaces);

    struct vsctl_row *br = vsctl_db_insert(ctx->db, t.bridge_table);
    set_string_column(br, "name", name);
    set_uuid_column(br, "ports", &port, 1);

    uuid_set_add(ctx->ovs, "bridges", br->uuid);
    topo_destroy(&t);
}

static void
cmd_del_br(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    struct vbridge *vb = find_bridge(ctx, &t, ctx->argv[1],
                                     !vsctl_has_option(ctx, "--if-exists"));
    if (!vb) {
        topo_destroy(&t);
        return;
    }

    /* Collect first: delete_port() rewrites the bridge's "ports" column. */
    struct vsctl_row **ports, *port;
    size_t n_ports = 0;
    if (vb->parent >= 0) {
        ports = bridge_ports(ctx, &t, vb, &n_ports);
    } else {
        ports = NULL;
        FOR_EACH_REF (port, ctx, vb->br, "ports", t.port_table) {
            ports = xrealloc(ports, (n_ports + 1) * sizeof *ports);
            ports[n_ports++] = port;
        }
    }
    for (size_t i = 0; i < n_ports; i++) {
        delete_port(ctx, &t, vb->br, ports[i]);
    }
    free(ports);
    if (vb->parent >= 0) {
        topo_destroy(&t);
        return;
    }

    /* Flow_Sample_Collector_Set rows refer to their bridge with a strong reference. */
    const struct vsctl_table *fscs = vsctl_schema_find_table(ctx->schema,
                                                             "Flow_Sample_Collector_Set");
    struct vsctl_row *row;
    if (fscs) {
        VSCTL_ROW_FOR_EACH (row, ctx->db, fscs) {
            const struct vsctl_datum *d = vsctl_row_get(row, "bridge");
            if (d->n == 1 && !strcmp(d->keys[0].string, vb->br->uuid)) {
                vsctl_row_delete(row);
            }
        }
    }

    uuid_set_remove(ctx->ovs, "bridges", vb->br->uuid);
    vsctl_row_delete(vb->br);
    topo_destroy(&t);
}

static void
cmd_list_br(struct vsctl_context *ctx)
{
    bool real = vsctl_has_option(ctx, "--real");
    bool fake = vsctl_has_option(ctx, "--fake");
    struct topo t = topo_get(ctx);
    const char **names = xcalloc(t.n_brs + 1, sizeof *names);
    size_t n = 0;

    if (!real && !fake) {
        real = fake = true;
    }
    for (size_t i = 0; i < t.n_brs; i++) {
        if (t.brs[i].parent < 0 ? real : fake) {
            names[n++] = t.brs[i].name;
        }
    }
    output_sorted(ctx->output, names, n);
    free(names);
    topo_destroy(&t);
}

static void
cmd_br_exists(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    if (!find_bridge(ctx, &t, ctx->argv[1], false)) {
        exit(2);
    }
    topo_destroy(&t);
}

static void
cmd_br_to_vlan(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    ds_put_format(ctx->output, "%d\n", find_bridge(ctx, &t, ctx->argv[1], true)->vlan);
    topo_destroy(&t);
}

static void
cmd_br_to_parent(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    struct vbridge *vb = find_bridge(ctx, &t, ctx->argv[1], true);
    ds_put_format(ctx->output, "%s\n", vb->parent >= 0 ? t.brs[vb->parent].name : vb->name);
    topo_destroy(&t);
}

/* A real bridge keeps its external IDs in Bridge.external_ids; a fake bridge in its Port's
 * external_ids, with keys prefixed "fake-bridge-" (as ovs-vsctl stores them). */
#define FAKE_BRIDGE_PREFIX "fake-bridge-"

static void
cmd_br_set_external_id(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    struct vbridge *vb = find_bridge(ctx, &t, ctx->argv[1], true);
    struct vsctl_row *row = vb->parent >= 0 ? vb->fake_port : vb->br;
    const struct vsctl_column *column = require_column(row, "external_ids");
    char *key = xasprintf("%s%s", vb->parent >= 0 ? FAKE_BRIDGE_PREFIX : "", ctx->argv[2]);
    union vsctl_atom k = { .string = key };
    struct vsctl_datum datum;

    vsctl_datum_clone(&datum, vsctl_row_read(row, column), &column->type);
    long i = vsctl_datum_find_key(&datum, &k, &column->type);
    if (ctx->argc > 3) {
        union vsctl_atom v = { .string = ctx->argv[3] };
        vsctl_datum_put(&datum, &k, &v, &column->type);
    } else if (i >= 0) {
        vsctl_datum_remove(&datum, (size_t) i, &column->type);
    }
    vsctl_row_write(row, column, &datum);
    free(key);
    topo_destroy(&t);
}

static void
cmd_br_get_external_id(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    struct vbridge *vb = find_bridge(ctx, &t, ctx->argv[1], true);
    struct vsctl_row *row = vb->parent >= 0 ? vb->fake_port : vb->br;
    const char *prefix = vb->parent >= 0 ? FAKE_BRIDGE_PREFIX : "";
    size_t prefix_len = strlen(prefix);

    vsctl_row_verify_name(row, "external_ids");
    const struct vsctl_datum *ids = vsctl_row_get(row, "external_ids");
    for (size_t i = 0; i < ids->n; i++) {
        const char *key = ids->keys[i].string;
        if (strncmp(key, prefix, prefix_len)) {
            continue;
        }
        if (ctx->argc > 2) {
            if (!strcmp(key + prefix_len, ctx->argv[2])) {
                ds_put_format(ctx->output, "%s\n", ids->values[i].string);
            }
        } else {
            ds_put_format(ctx->output, "%s=%s\n", key + prefix_len, ids->values[i].string);
        }
    }
    topo_destroy(&t);
}

/* list-ports and list-ifaces: names below BR, without BR's own local port/interface. */
static void
list_bridge_members(struct vsctl_context *ctx, bool ifaces)
{
    struct topo t = topo_get(ctx);
    struct vbridge *vb = find_bridge(ctx, &t, ctx->argv[1], true);
    struct vsctl_row *iface;
    const char **names = NULL;
    size_t n = 0, n_ports;
    struct vsctl_row **ports = bridge_ports(ctx, &t, vb, &n_ports);

    for (size_t i = 0; i < n_ports; i++) {
        if (!ifaces) {
            if (strcmp(vsctl_row_name(ports[i]), vb->name)) {
                names = xrealloc(names, (n + 1) * sizeof *names);
                names[n++] = vsctl_row_name(ports[i]);
            }
            continue;
        }
        FOR_EACH_REF (iface, ctx, ports[i], "interfaces", t.iface_table) {
            if (strcmp(vsctl_row_name(iface), vb->name)) {
                names = xrealloc(names, (n + 1) * sizeof *names);
                names[n++] = vsctl_row_name(iface);
            }
        }
    }
    output_sorted(ctx->output, names, n);
    free(names);
    free(ports);
    topo_destroy(&t);
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
 * has (type, options, mtu_request, ...), to the port's interface (the first, for a bond). */
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

/* The comma-separated sorted names of PORT's interfaces. */
static char *
iface_names(struct vsctl_context *ctx, const struct topo *t, struct vsctl_row *port)
{
    struct vsctl_row *iface;
    const char **names = NULL;
    size_t n = 0;
    struct ds s;

    FOR_EACH_REF (iface, ctx, port, "interfaces", t->iface_table) {
        names = xrealloc(names, (n + 1) * sizeof *names);
        names[n++] = vsctl_row_name(iface);
    }
    if (n) {
        qsort(names, n, sizeof *names, compare_strings);
    }
    ds_init(&s);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(&s, "%s%s", i ? ", " : "", names[i]);
    }
    free(names);
    return ds_steal_cstr(&s);
}

/* add-port and add-bond. IFACES are the interface names (the port name for add-port). */
static void
add_port(struct vsctl_context *ctx, const char *cmd, char **ifaces, size_t n_ifaces,
         char **settings, size_t n_settings, bool fake_iface)
{
    const char *br_name = ctx->argv[1];
    const char *port_name = ctx->argv[2];
    struct topo t = topo_get(ctx);
    struct vbridge *vb, *old_owner;
    struct vsctl_row *old_port;

    if (!port_name[0]) {
        vsctl_fatal("port name must not be empty string");
    }
    vb = find_bridge(ctx, &t, br_name, true);

    old_port = find_port(ctx, &t, port_name, &old_owner);
    if (old_port && vsctl_has_option(ctx, "--may-exist")) {
        struct ds args;
        ds_init(&args);
        for (int i = 1; i < ctx->argc; i++) {
            ds_put_format(&args, " %s", ctx->argv[i]);
        }
        if (old_owner != vb) {
            vsctl_fatal("\"--may-exist %s%s\" but %s is actually attached to bridge %s", cmd,
                        ds_cstr(&args), port_name, old_owner->name);
        }
        /* The same interfaces, in any order. */
        char **sorted = xcalloc(n_ifaces, sizeof *sorted);
        memcpy(sorted, ifaces, n_ifaces * sizeof *ifaces);
        qsort(sorted, n_ifaces, sizeof *sorted, compare_strings);
        struct ds want;
        ds_init(&want);
        for (size_t i = 0; i < n_ifaces; i++) {
            ds_put_format(&want, "%s%s", i ? ", " : "", sorted[i]);
        }
        free(sorted);
        char *have = iface_names(ctx, &t, old_port);
        if (strcmp(have, ds_cstr(&want))) {
            vsctl_fatal("\"--may-exist %s%s\" but %s actually has interface(s) %s", cmd,
                        ds_cstr(&args), port_name, have);
        }
        free(have);
        ds_destroy(&want);
        ds_destroy(&args);
        topo_destroy(&t);
        return;
    }

    char *prefix = xasprintf("cannot create a port named %s", port_name);
    check_conflicts(ctx, &t, port_name, prefix);
    free(prefix);
    for (size_t i = 0; i < n_ifaces; i++) {
        if (!ifaces[i][0]) {
            vsctl_fatal("interface name must not be empty string");
        }
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(ifaces[i], ifaces[j])) {
                vsctl_fatal("%s: interface %s is named twice", cmd, ifaces[i]);
            }
        }
        if (strcmp(ifaces[i], port_name)) {
            prefix = xasprintf("cannot create an interface named %s", ifaces[i]);
            check_conflicts(ctx, &t, ifaces[i], prefix);
            free(prefix);
        }
    }

    struct vsctl_row **iface_rows;
    struct vsctl_row *port = create_iface_port(ctx, &t, port_name, ifaces, n_ifaces,
                                               &iface_rows);
    if (vb->parent >= 0) {
        set_integer_column(port, "tag", vb->vlan);
    }
    if (fake_iface) {
        set_boolean_column(port, "bond_fake_iface", true);
    }
    for (size_t i = 0; i < n_settings; i++) {
        add_port_setting(ctx, port, iface_rows[0], settings[i]);
    }
    free(iface_rows);
    uuid_set_add(vb->br, "ports", port->uuid);
    topo_destroy(&t);
}

static void
cmd_add_port(struct vsctl_context *ctx)
{
    add_port(ctx, "add-port", &ctx->argv[2], 1, &ctx->argv[3], (size_t) ctx->argc - 3, false);
}

/* add-bond BRIDGE PORT IFACE... [COLUMN[:KEY]=VALUE]...: the interface names end at the first
 * argument holding '='. */
static void
cmd_add_bond(struct vsctl_context *ctx)
{
    int n_ifaces = 0;
    while (3 + n_ifaces < ctx->argc && !strchr(ctx->argv[3 + n_ifaces], '=')) {
        n_ifaces++;
    }
    if (n_ifaces < 2) {
        vsctl_fatal("add-bond requires at least 2 interfaces, but only %d were specified",
                    n_ifaces);
    }
    add_port(ctx, "add-bond", &ctx->argv[3], (size_t) n_ifaces, &ctx->argv[3 + n_ifaces],
             (size_t) (ctx->argc - 3 - n_ifaces), vsctl_has_option(ctx, "--fake-iface"));
}

static void
cmd_del_port(struct vsctl_context *ctx)
{
    bool must_exist = !vsctl_has_option(ctx, "--if-exists");
    bool with_iface = vsctl_has_option(ctx, "--with-iface");
    const char *target = ctx->argv[ctx->argc - 1];
    struct topo t = topo_get(ctx);
    struct vbridge *vb = NULL, *owner;
    struct vsctl_row *port;

    if (ctx->argc == 3) {
        vb = find_bridge(ctx, &t, ctx->argv[1], true);
    }

    port = find_port(ctx, &t, target, &owner);
    if (!port && with_iface) {
        struct vsctl_row *iface_port;
        if (find_iface(ctx, &t, target, &iface_port, &owner)) {
            port = iface_port;
        }
    }
    if (!port) {
        if (must_exist) {
            vsctl_fatal(with_iface ? "no port or interface named %s" : "no port named %s", target);
        }
        topo_destroy(&t);
        return;
    }
    if (vb && owner != vb) {
        if (owner->parent >= 0 && &t.brs[owner->parent] == vb) {
            vsctl_fatal("bridge %s does not have a port %s (although its child bridge %s does)",
                        ctx->argv[1], target, owner->name);
        }
        vsctl_fatal("bridge %s does not have a port %s (it is attached to bridge %s)",
                    ctx->argv[1], target, owner->name);
    }
    delete_port(ctx, &t, owner->br, port);
    topo_destroy(&t);
}

static void
cmd_port_to_br(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    struct vbridge *owner;
    if (!find_port(ctx, &t, ctx->argv[1], &owner)) {
        vsctl_fatal("no port named %s", ctx->argv[1]);
    }
    ds_put_format(ctx->output, "%s\n", owner->name);
    topo_destroy(&t);
}

static void
cmd_iface_to_br(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    struct vbridge *owner;
    struct vsctl_row *port;
    if (!find_iface(ctx, &t, ctx->argv[1], &port, &owner)) {
        vsctl_fatal("no interface named %s", ctx->argv[1]);
    }
    ds_put_format(ctx->output, "%s\n", owner->name);
    topo_destroy(&t);
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

/* The real bridge to configure for set-/del-controller and -fail-mode: a fake bridge has no
 * controller or fail mode of its own (it shares its parent's), so changing one is an error. */
static struct vsctl_row *
find_real_bridge(struct vsctl_context *ctx, const struct topo *t, const char *name)
{
    struct vbridge *vb = find_bridge(ctx, t, name, true);
    if (vb->parent >= 0) {
        vsctl_fatal("%s is a fake bridge (VLAN %d of bridge %s): configure %s instead", name,
                    vb->vlan, t->brs[vb->parent].name, t->brs[vb->parent].name);
    }
    return vb->br;
}

static void
cmd_get_controller(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    list_targets(ctx, find_bridge(ctx, &t, ctx->argv[1], true)->br, "controller", "Controller");
    topo_destroy(&t);
}

static void
cmd_del_controller(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    delete_targets(ctx, find_real_bridge(ctx, &t, ctx->argv[1]), "controller",
                   "Controller");
    topo_destroy(&t);
}

static void
cmd_set_controller(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    set_targets(ctx, find_real_bridge(ctx, &t, ctx->argv[1]), "controller", "Controller",
                &ctx->argv[2], ctx->argc - 2);
    topo_destroy(&t);
}

static void
cmd_get_fail_mode(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    struct vsctl_row *br = find_bridge(ctx, &t, ctx->argv[1], true)->br;
    vsctl_row_verify_name(br, "fail_mode");
    const char *mode = vsctl_datum_string(vsctl_row_get(br, "fail_mode"));
    if (mode && mode[0]) {
        ds_put_format(ctx->output, "%s\n", mode);
    }
    topo_destroy(&t);
}

static void
cmd_del_fail_mode(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    struct vsctl_row *br = find_real_bridge(ctx, &t, ctx->argv[1]);
    struct vsctl_datum empty = VSCTL_DATUM_EMPTY;
    vsctl_row_set(br, "fail_mode", &empty);
    topo_destroy(&t);
}

static void
cmd_set_fail_mode(struct vsctl_context *ctx)
{
    struct topo t = topo_get(ctx);
    struct vsctl_row *br = find_real_bridge(ctx, &t, ctx->argv[1]);
    const char *mode = ctx->argv[2];

    if (strcmp(mode, "standalone") && strcmp(mode, "secure")) {
        vsctl_fatal("fail-mode must be \"standalone\" or \"secure\" (got \"%s\")", mode);
    }
    set_string_column(br, "fail_mode", mode);
    topo_destroy(&t);
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
    { "add-br", 1, 3, "BRIDGE [PARENT VLAN]", cmd_add_br, "--may-exist", true },
    { "del-br", 1, 1, "BRIDGE", cmd_del_br, "--if-exists", true },
    { "list-br", 0, 0, "", cmd_list_br, "--real,--fake", false },
    { "br-exists", 1, 1, "BRIDGE", cmd_br_exists, "", false },
    { "br-to-vlan", 1, 1, "BRIDGE", cmd_br_to_vlan, "", false },
    { "br-to-parent", 1, 1, "BRIDGE", cmd_br_to_parent, "", false },
    { "br-set-external-id", 2, 3, "BRIDGE KEY [VALUE]", cmd_br_set_external_id, "", true },
    { "br-get-external-id", 1, 2, "BRIDGE [KEY]", cmd_br_get_external_id, "", false },
    { "list-ports", 1, 1, "BRIDGE", cmd_list_ports, "", false },
    { "add-port", 2, INT_MAX, "BRIDGE PORT [COLUMN[:KEY]=VALUE]...", cmd_add_port,
      "--may-exist", true },
    { "add-bond", 4, INT_MAX, "BRIDGE PORT IFACE... [COLUMN[:KEY]=VALUE]...", cmd_add_bond,
      "--may-exist,--fake-iface", true },
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
    const struct vsctl_command_syntax *tables[] = {
        vsctl_bridge_commands, vsctl_db_commands, vsctl_ssl_commands,
    };
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
  emer-reset                  reset configuration to clean state\n\
\n\
Bridge commands:\n\
  add-br BRIDGE               create a new bridge named BRIDGE\n\
  add-br BRIDGE PARENT VLAN   create new fake BRIDGE in PARENT on VLAN\n\
  del-br BRIDGE               delete BRIDGE and all of its ports\n\
  list-br                     print the names of all the bridges\n\
  br-exists BRIDGE            exit 2 if BRIDGE does not exist\n\
  br-to-vlan BRIDGE           print the VLAN which BRIDGE is on\n\
  br-to-parent BRIDGE         print the parent of BRIDGE\n\
  br-set-external-id BRIDGE KEY VALUE  set KEY on BRIDGE to VALUE\n\
  br-set-external-id BRIDGE KEY  unset KEY on BRIDGE\n\
  br-get-external-id BRIDGE KEY  print value of KEY on BRIDGE\n\
  br-get-external-id BRIDGE   list key-value pairs on BRIDGE\n\
\n\
Port commands:\n\
  list-ports BRIDGE           print the names of all the ports on BRIDGE\n\
  add-port BRIDGE PORT [COLUMN[:KEY]=VALUE]...\n\
                              add network device PORT to BRIDGE; settings apply to the\n\
                              Port, or to its Interface for Interface-only columns\n\
                              (type, options, mtu_request, ...)\n\
  add-bond BRIDGE PORT IFACE... [COLUMN[:KEY]=VALUE]...\n\
                              add bonded port PORT in BRIDGE from IFACES\n\
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
SSL commands:\n\
  get-ssl                     print the SSL configuration\n\
  del-ssl                     delete the SSL configuration\n\
  set-ssl PRIV-KEY CERT CA-CERT  set the SSL configuration\n\
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
                              (also != < > <= >= and the set relations {=} {!=}\n\
                              {<} {>} {<=} {>=} {in} {not-in})\n\
  wait-until TBL REC [COL[:KEY]=VALUE]  wait until condition is true\n\
\n\
Records are named by UUID (or a unique UUID prefix of 4+ hex digits), by name for Bridge,\n\
Port, Interface, Mirror and Flow_Table, by target for Manager, by bridge name for Controller,\n\
NetFlow, sFlow and IPFIX, by port name for QoS, and \".\" for Open_vSwitch. A value\n\
\"@name\" refers to the row of \"--id=@name create ...\" or \"--id=@name get ...\" in the same\n\
invocation.\n");
}
