/*
 * vsctl-cmds — the commands of uvs-vsctl, with ovs-vsctl's names, arguments, options, output and
 * error wording.
 *
 * Each command runs against the in-memory database of vsctl-db.h: it reads rows, verifies what its
 * decision depends on, and changes rows; uvs-vsctl.c then commits all commands of one invocation in
 * one transaction. A command that fails calls vsctl_fatal(), which prints "uvs-vsctl: MESSAGE" and
 * exits 1 before anything is committed (as ovs-vsctl does). A command's output goes to ctx->output
 * and is printed only after the transaction committed.
 *
 *   vsctl-cmds.c    bridge and port commands: init, add-br (real and fake), del-br, list-br,
 *                   br-exists, br-to-vlan, br-to-parent, br-set/get-external-id, add-port,
 *                   add-bond, del-port, list-ports, list-ifaces, port-to-br, iface-to-br,
 *                   controller, fail-mode and manager commands.
 *   vsctl-dbcmds.c  generic database commands: get, set, add, remove, clear, list, find, create,
 *                   destroy, wait-until, show.
 *   vsctl-sslcmds.c get-ssl, set-ssl, del-ssl and emer-reset.
 *   vsctl-output.h  how list and find print their records (--format, --data, ...).
 *
 * Thread-safety: single-threaded.
 */
#ifndef UVS_CLI_VSCTL_CMDS_H
#define UVS_CLI_VSCTL_CMDS_H 1

#include <stdbool.h>

#include "cli/vsctl-db.h"
#include "lib/util.h"

struct vsctl_context {
    struct vsctl_db *db;
    const struct vsctl_schema *schema;
    int argc;                     /* argv[0] is the command name */
    char **argv;
    char **options;               /* this command's options, e.g. "--if-exists", "--columns=a,b" */
    size_t n_options;
    struct ds *output;
    struct vsctl_row *ovs;        /* the Open_vSwitch row; NULL only if the table is empty and no
                                   * command of this invocation writes */
    struct vsctl_row *created;    /* set by "create" (with or without --id): its UUID is
                                   * printed once the transaction committed */
    bool try_again;               /* set by wait-until when its condition does not hold yet: the
                                   * caller waits for a database change and runs all commands
                                   * again */
};

struct vsctl_command_syntax {
    const char *name;
    int min_args, max_args;       /* arguments after the command name; INT_MAX for "any" */
    const char *arguments;        /* for --help */
    void (*run)(struct vsctl_context *);
    const char *options;          /* accepted options, comma separated: "--if-exists,--columns=" */
    bool writes;                  /* may change the database */
};

/* NULL-terminated tables. */
extern const struct vsctl_command_syntax vsctl_bridge_commands[];
extern const struct vsctl_command_syntax vsctl_db_commands[];
extern const struct vsctl_command_syntax vsctl_ssl_commands[];

/* Finds a command by exact name; NULL if unknown. */
const struct vsctl_command_syntax *vsctl_find_command(const char *name);

/* True if the command was given option NAME ("--if-exists"). */
bool vsctl_has_option(const struct vsctl_context *, const char *name);
/* Value of "--NAME=VALUE" (NAME given without "="), or NULL. */
const char *vsctl_option_value(const struct vsctl_context *, const char *name);

/* Prints "uvs-vsctl: MESSAGE" to stderr and exits 1. */
void vsctl_fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Table lookup for tables the commands depend on; fatal with a clear message if the server's
 * schema lacks it. */
const struct vsctl_table *vsctl_require_table(const struct vsctl_context *, const char *name);

/* Parses "COLUMN[:KEY][=VALUE]" against TABLE as ovs-vsctl does. The column may be abbreviated.
 * KEYP (may be NULL when keys are not accepted) receives the malloc'd KEY text or NULL; VALUEP (may
 * be NULL when no value is wanted) receives the malloc'd text after '=' (the rest of the argument,
 * unparsed). Returns NULL or a malloc'd error. */
char *vsctl_parse_column_key_value(const char *arg, const struct vsctl_table *table,
                                   const struct vsctl_column **columnp, char **keyp,
                                   char **valuep);
/* Applies one "COLUMN[:KEY]=VALUE" setting to ROW: a map key is added or replaced, otherwise the
 * whole column is replaced. Fatal on any error. */
void vsctl_set_column(struct vsctl_context *, struct vsctl_row *, const char *arg);

/* "Interface p0" (tables with a name column), "new Queue record" (inserted by this invocation) or
 * "Open_vSwitch <uuid>": how error messages name a record. Malloc'd. */
char *vsctl_row_label(const struct vsctl_row *);

/* Writes "--help" text for the commands. */
void vsctl_commands_usage(void);

#endif
