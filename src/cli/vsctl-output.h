/*
 * vsctl-output — how `list` and `find` print records: ovs-vsctl's table formats.
 *
 * A command builds one output table (headings, then rows of cells, each cell a datum of a known
 * type) and prints it into its output buffer. The global style, set once from the command line,
 * chooses the layout and the notation of each cell:
 *
 *   --format=list   (default) "heading           : value" per column, a blank line between records
 *   --format=table  aligned columns under a heading line and a line of dashes
 *   --format=html   <table border=1> with <th>/<td> rows, text HTML-escaped; the _uuid cell is an
 *                   anchor <a name="UUID"> and UUIDs in other cells link to it
 *   --format=csv    RFC 4180 style: cells holding , " or a newline are quoted, quotes doubled
 *   --format=json   {"data":[[cell,...],...],"headings":[...]} with cells in RFC 7047 §5.1 wire
 *                   notation (whatever --data says); --pretty indents it
 *   --data=string   cells as `get` prints them: [1, 2], {k=v}, "quoted text" (default)
 *   --data=bare     set elements separated by spaces, map entries as k=v, nothing quoted
 *   --data=json     cells in compact RFC 7047 wire notation
 *   --no-headings   no heading lines (list: values only; json keeps "headings")
 *
 * Byte for byte what ovs-vsctl 3.1 prints, including the quirk that consecutive list/table outputs
 * of one invocation are separated by one blank line, even after an empty one; the count of tables
 * printed so far is reset by vsctl_output_reset() before each attempt of a transaction.
 *
 * Thread-safety: single-threaded (uvs-vsctl).
 */
#ifndef UVS_CLI_VSCTL_OUTPUT_H
#define UVS_CLI_VSCTL_OUTPUT_H 1

#include <stdbool.h>

#include "cli/vsctl-datum.h"
#include "lib/util.h"

enum vsctl_format {
    VSCTL_FORMAT_LIST,
    VSCTL_FORMAT_TABLE,
    VSCTL_FORMAT_HTML,
    VSCTL_FORMAT_CSV,
    VSCTL_FORMAT_JSON,
};

enum vsctl_cell_format {
    VSCTL_CELL_STRING,
    VSCTL_CELL_BARE,
    VSCTL_CELL_JSON,
};

struct vsctl_output_style {
    enum vsctl_format format;
    enum vsctl_cell_format cell;
    bool headings;
    bool pretty;                  /* json: indent by 2 as ovs-vsctl --pretty does */
};

/* The style of this process; defaults: list, string, headings, not pretty. */
extern struct vsctl_output_style vsctl_output_style;

/* Parse "--format=" / "--data=" values. Return NULL or a malloc'd error naming the choices. */
char *vsctl_output_parse_format(const char *s);
char *vsctl_output_parse_data(const char *s);

/* Forgets how many tables were printed (call before re-running commands). */
void vsctl_output_reset(void);

struct vsctl_output_table;

struct vsctl_output_table *vsctl_output_table_create(void);
void vsctl_output_table_destroy(struct vsctl_output_table *);
void vsctl_output_table_add_heading(struct vsctl_output_table *, const char *heading);
/* Starts a new row; cells are then added left to right, one per heading. */
void vsctl_output_table_add_row(struct vsctl_output_table *);
void vsctl_output_table_add_cell(struct vsctl_output_table *, const struct vsctl_datum *,
                                 const struct vsctl_type *);
/* A cell holding one UUID (the "_uuid" column). */
void vsctl_output_table_add_uuid(struct vsctl_output_table *, const char *uuid);
/* Appends the table to OUT in the current style. */
void vsctl_output_table_print(const struct vsctl_output_table *, struct ds *out);

/* Appends JSON in ovs-vsctl's --pretty layout (2-space indent, closing brackets on the line of
 * the last element, object keys sorted) or compact when !PRETTY. */
void vsctl_output_put_json(struct ds *out, const json_t *json, bool pretty);

#endif
