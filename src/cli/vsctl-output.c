/*
 * vsctl-output — ovs-vsctl's table formats for `list` and `find`. See vsctl-output.h.
 */
#include "cli/vsctl-output.h"

#include <bsd/string.h>
#include <stdlib.h>
#include <string.h>

struct vsctl_output_style vsctl_output_style = {
    .format = VSCTL_FORMAT_LIST,
    .cell = VSCTL_CELL_STRING,
    .headings = true,
    .pretty = false,
};

/* Tables printed so far in list or table format (they are separated by a blank line). */
static unsigned int n_printed;

struct cell {
    char *text;                   /* in the style's cell notation */
    json_t *json;                 /* wire notation, for --format=json */
};

struct vsctl_output_table {
    char **headings;
    size_t n_headings;
    struct cell *cells;           /* n_rows * n_headings, row-major */
    size_t n_rows;
    size_t n_cells;               /* cells filled so far */
};

/* ======================================================================================== */
/* Style                                                                                    */
/* ======================================================================================== */

char *
vsctl_output_parse_format(const char *s)
{
    static const struct { const char *name; enum vsctl_format format; } formats[] = {
        { "list", VSCTL_FORMAT_LIST }, { "table", VSCTL_FORMAT_TABLE },
        { "html", VSCTL_FORMAT_HTML }, { "csv", VSCTL_FORMAT_CSV },
        { "json", VSCTL_FORMAT_JSON },
    };
    for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
        if (!strcasecmp(s, formats[i].name)) {
            vsctl_output_style.format = formats[i].format;
            return NULL;
        }
    }
    return xasprintf("unknown output format \"%s\" (expected list, table, html, csv or json)", s);
}

char *
vsctl_output_parse_data(const char *s)
{
    if (!strcasecmp(s, "string")) {
        vsctl_output_style.cell = VSCTL_CELL_STRING;
    } else if (!strcasecmp(s, "bare")) {
        vsctl_output_style.cell = VSCTL_CELL_BARE;
    } else if (!strcasecmp(s, "json")) {
        vsctl_output_style.cell = VSCTL_CELL_JSON;
    } else {
        return xasprintf("unknown data format \"%s\" (expected string, bare or json)", s);
    }
    return NULL;
}

void
vsctl_output_reset(void)
{
    n_printed = 0;
}

/* ======================================================================================== */
/* Building                                                                                 */
/* ======================================================================================== */

struct vsctl_output_table *
vsctl_output_table_create(void)
{
    return xcalloc(1, sizeof(struct vsctl_output_table));
}

void
vsctl_output_table_destroy(struct vsctl_output_table *t)
{
    if (!t) {
        return;
    }
    for (size_t i = 0; i < t->n_cells; i++) {
        free(t->cells[i].text);
        json_decref(t->cells[i].json);
    }
    for (size_t i = 0; i < t->n_headings; i++) {
        free(t->headings[i]);
    }
    free(t->cells);
    free(t->headings);
    free(t);
}

void
vsctl_output_table_add_heading(struct vsctl_output_table *t, const char *heading)
{
    t->headings = xrealloc(t->headings, (t->n_headings + 1) * sizeof *t->headings);
    t->headings[t->n_headings++] = xstrdup(heading);
}

void
vsctl_output_table_add_row(struct vsctl_output_table *t)
{
    t->n_rows++;
    t->cells = xrealloc(t->cells, t->n_rows * t->n_headings * sizeof *t->cells);
}

static void
put_bare(struct ds *out, const struct vsctl_datum *datum, const struct vsctl_type *type)
{
    for (size_t i = 0; i < datum->n; i++) {
        if (i) {
            ds_put_char(out, ' ');
        }
        /* Raw text: no quotes around strings. */
        if (type->key.type == VSCTL_STRING) {
            ds_put_cstr(out, datum->keys[i].string);
        } else {
            vsctl_atom_to_string(&datum->keys[i], type->key.type, out);
        }
        if (datum->values) {
            ds_put_char(out, '=');
            if (type->value.type == VSCTL_STRING) {
                ds_put_cstr(out, datum->values[i].string);
            } else {
                vsctl_atom_to_string(&datum->values[i], type->value.type, out);
            }
        }
    }
}

static void
add_cell(struct vsctl_output_table *t, char *text, json_t *json)
{
    if (t->n_cells >= t->n_rows * t->n_headings) {
        /* More cells than headings: a programming error in the caller. */
        uvs_fatal(0, "internal error: output table cell without a heading");
    }
    t->cells[t->n_cells].text = text;
    t->cells[t->n_cells].json = json;
    t->n_cells++;
}

void
vsctl_output_table_add_cell(struct vsctl_output_table *t, const struct vsctl_datum *datum,
                            const struct vsctl_type *type)
{
    json_t *json = vsctl_datum_to_json(datum, type);
    struct ds text;

    ds_init(&text);
    switch (vsctl_output_style.cell) {
    case VSCTL_CELL_STRING:
        vsctl_datum_to_string(datum, type, &text);
        break;
    case VSCTL_CELL_BARE:
        put_bare(&text, datum, type);
        break;
    case VSCTL_CELL_JSON:
        vsctl_output_put_json(&text, json, false);
        break;
    }
    add_cell(t, ds_steal_cstr(&text), json);
}

void
vsctl_output_table_add_uuid(struct vsctl_output_table *t, const char *uuid)
{
    json_t *json = json_pack("[ss]", "uuid", uuid);
    struct ds text;

    ds_init(&text);
    if (vsctl_output_style.cell == VSCTL_CELL_JSON) {
        vsctl_output_put_json(&text, json, false);
    } else {
        ds_put_cstr(&text, uuid);
    }
    add_cell(t, ds_steal_cstr(&text), json);
}

/* ======================================================================================== */
/* JSON                                                                                     */
/* ======================================================================================== */

static int
compare_keys(const void *a_, const void *b_)
{
    const char *const *a = a_, *const *b = b_;
    return strcmp(*a, *b);
}

static void
put_newline_indent(struct ds *out, int level)
{
    ds_put_char(out, '\n');
    for (int i = 0; i < level * 2; i++) {
        ds_put_char(out, ' ');
    }
}

static void
put_json__(struct ds *out, const json_t *json, int level)
{
    if (json_is_array(json)) {
        size_t n = json_array_size(json);
        ds_put_char(out, '[');
        for (size_t i = 0; i < n; i++) {
            if (i) {
                ds_put_char(out, ',');
            }
            put_newline_indent(out, level + 1);
            put_json__(out, json_array_get(json, i), level + 1);
        }
        ds_put_char(out, ']');
    } else if (json_is_object(json)) {
        size_t n = json_object_size(json), i = 0;
        const char **keys = xcalloc(n + 1, sizeof *keys);
        const char *key;
        json_t *value;

        json_object_foreach ((json_t *) json, key, value) {
            keys[i++] = key;
        }
        qsort(keys, n, sizeof *keys, compare_keys);
        ds_put_char(out, '{');
        for (i = 0; i < n; i++) {
            if (i) {
                ds_put_char(out, ',');
            }
            put_newline_indent(out, level + 1);
            json_t *name = json_string(keys[i]);
            char *s = json_dumps(name, JSON_ENCODE_ANY);
            ds_put_format(out, "%s: ", s);
            free(s);
            json_decref(name);
            put_json__(out, json_object_get(json, keys[i]), level + 1);
        }
        ds_put_char(out, '}');
        free(keys);
    } else {
        char *s = json_dumps(json, JSON_ENCODE_ANY | JSON_COMPACT);
        ds_put_cstr(out, s ? s : "null");
        free(s);
    }
}

void
vsctl_output_put_json(struct ds *out, const json_t *json, bool pretty)
{
    if (pretty) {
        put_json__(out, json, 0);
    } else {
        char *s = json_dumps(json, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS);
        ds_put_cstr(out, s ? s : "null");
        free(s);
    }
}

/* ======================================================================================== */
/* Printing                                                                                 */
/* ======================================================================================== */

static const struct cell *
cell_at(const struct vsctl_output_table *t, size_t row, size_t col)
{
    return &t->cells[row * t->n_headings + col];
}

static void
print_list(const struct vsctl_output_table *t, struct ds *out)
{
    for (size_t r = 0; r < t->n_rows; r++) {
        if (r) {
            ds_put_char(out, '\n');
        }
        for (size_t c = 0; c < t->n_headings; c++) {
            if (vsctl_output_style.headings) {
                ds_put_format(out, "%-20s: ", t->headings[c]);
            }
            ds_put_format(out, "%s\n", cell_at(t, r, c)->text);
        }
    }
}

/* One line of the table format: cells padded to WIDTHS, separated by one space, no trailing
 * spaces. */
static void
put_table_line(struct ds *out, const char *const *texts, const size_t *widths, size_t n)
{
    size_t start = out->len;
    for (size_t c = 0; c < n; c++) {
        ds_put_format(out, "%s%-*s", c ? " " : "", (int) widths[c], texts[c]);
    }
    while (out->len > start && ds_cstr(out)[out->len - 1] == ' ') {
        ds_chomp(out, ' ');
    }
    ds_put_char(out, '\n');
}

static void
print_table(const struct vsctl_output_table *t, struct ds *out)
{
    size_t n = t->n_headings;
    size_t *widths = xcalloc(n + 1, sizeof *widths);
    const char **texts = xcalloc(n + 1, sizeof *texts);

    for (size_t c = 0; c < n; c++) {
        widths[c] = vsctl_output_style.headings ? strlen(t->headings[c]) : 0;
        for (size_t r = 0; r < t->n_rows; r++) {
            size_t len = strlen(cell_at(t, r, c)->text);
            widths[c] = len > widths[c] ? len : widths[c];
        }
    }
    if (vsctl_output_style.headings) {
        char **dashes = xcalloc(n + 1, sizeof *dashes);
        put_table_line(out, (const char *const *) t->headings, widths, n);
        for (size_t c = 0; c < n; c++) {
            dashes[c] = xmalloc(widths[c] + 1);
            memset(dashes[c], '-', widths[c]);
            dashes[c][widths[c]] = '\0';
        }
        put_table_line(out, (const char *const *) dashes, widths, n);
        for (size_t c = 0; c < n; c++) {
            free(dashes[c]);
        }
        free(dashes);
    }
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t c = 0; c < n; c++) {
            texts[c] = cell_at(t, r, c)->text;
        }
        put_table_line(out, texts, widths, n);
    }
    free(widths);
    free(texts);
}

static void
put_html_escaped(struct ds *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': ds_put_cstr(out, "&amp;"); break;
        case '<': ds_put_cstr(out, "&lt;"); break;
        case '>': ds_put_cstr(out, "&gt;"); break;
        case '"': ds_put_cstr(out, "&quot;"); break;
        default: ds_put_char(out, *s); break;
        }
    }
}

/* A UUID at the start of S, as text of 36 characters? */
static bool
starts_with_uuid(const char *s)
{
    char buf[37];
    if (strnlen(s, 36) < 36) {
        return false;
    }
    memcpy(buf, s, 36);
    buf[36] = '\0';
    return vsctl_is_uuid(buf);
}

/* An HTML cell as ovs-vsctl writes it: the _uuid cell is an anchor named by the whole text showing
 * its first 8 characters; in other cells every UUID links to its row's anchor. */
static void
put_html_cell(struct ds *out, const char *heading, const char *text)
{
    if (!strcmp(heading, "_uuid")) {
        char first[9];
        strlcpy(first, text, sizeof first);
        ds_put_cstr(out, "<a name=\"");
        put_html_escaped(out, text);
        ds_put_cstr(out, "\">");
        put_html_escaped(out, first);
        ds_put_cstr(out, "</a>");
        return;
    }
    while (*text) {
        if (starts_with_uuid(text)) {
            ds_put_format(out, "<a href=\"#%.36s\">%.8s</a>", text, text);
            text += 36;
        } else {
            char c[2] = { *text++, '\0' };
            put_html_escaped(out, c);
        }
    }
}

static void
print_html(const struct vsctl_output_table *t, struct ds *out)
{
    ds_put_cstr(out, "<table border=1>\n");
    if (vsctl_output_style.headings) {
        ds_put_cstr(out, "  <tr>\n");
        for (size_t c = 0; c < t->n_headings; c++) {
            ds_put_cstr(out, "    <th>");
            put_html_escaped(out, t->headings[c]);
            ds_put_cstr(out, "</th>\n");
        }
        ds_put_cstr(out, "  </tr>\n");
    }
    for (size_t r = 0; r < t->n_rows; r++) {
        ds_put_cstr(out, "  <tr>\n");
        for (size_t c = 0; c < t->n_headings; c++) {
            ds_put_cstr(out, "    <td>");
            put_html_cell(out, t->headings[c], cell_at(t, r, c)->text);
            ds_put_cstr(out, "</td>\n");
        }
        ds_put_cstr(out, "  </tr>\n");
    }
    ds_put_cstr(out, "</table>\n");
}

static void
put_csv_cell(struct ds *out, const char *s)
{
    if (!strpbrk(s, "\n\",")) {
        ds_put_cstr(out, s);
        return;
    }
    ds_put_char(out, '"');
    for (; *s; s++) {
        if (*s == '"') {
            ds_put_char(out, '"');
        }
        ds_put_char(out, *s);
    }
    ds_put_char(out, '"');
}

static void
print_csv(const struct vsctl_output_table *t, struct ds *out)
{
    if (vsctl_output_style.headings) {
        for (size_t c = 0; c < t->n_headings; c++) {
            if (c) {
                ds_put_char(out, ',');
            }
            put_csv_cell(out, t->headings[c]);
        }
        ds_put_char(out, '\n');
    }
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t c = 0; c < t->n_headings; c++) {
            if (c) {
                ds_put_char(out, ',');
            }
            put_csv_cell(out, cell_at(t, r, c)->text);
        }
        ds_put_char(out, '\n');
    }
}

static void
print_json(const struct vsctl_output_table *t, struct ds *out)
{
    json_t *data = json_array();
    json_t *headings = json_array();

    for (size_t c = 0; c < t->n_headings; c++) {
        json_array_append_new(headings, json_string(t->headings[c]));
    }
    for (size_t r = 0; r < t->n_rows; r++) {
        json_t *row = json_array();
        for (size_t c = 0; c < t->n_headings; c++) {
            json_array_append(row, cell_at(t, r, c)->json);
        }
        json_array_append_new(data, row);
    }
    json_t *obj = json_pack("{s:o, s:o}", "data", data, "headings", headings);
    vsctl_output_put_json(out, obj, vsctl_output_style.pretty);
    ds_put_char(out, '\n');
    json_decref(obj);
}

void
vsctl_output_table_print(const struct vsctl_output_table *t, struct ds *out)
{
    switch (vsctl_output_style.format) {
    case VSCTL_FORMAT_LIST:
        if (n_printed++) {
            ds_put_char(out, '\n');
        }
        print_list(t, out);
        break;
    case VSCTL_FORMAT_TABLE:
        if (n_printed++) {
            ds_put_char(out, '\n');
        }
        print_table(t, out);
        break;
    case VSCTL_FORMAT_HTML:
        print_html(t, out);
        break;
    case VSCTL_FORMAT_CSV:
        print_csv(t, out);
        break;
    case VSCTL_FORMAT_JSON:
        print_json(t, out);
        break;
    }
}
