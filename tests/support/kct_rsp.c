/* SPDX-License-Identifier: Apache-2.0 */
#include "kct_rsp.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    const char *name, *value;   /* point into the file's text */
    size_t section;
    long group;                 /* -1 for a section header's values */
} entry;

typedef struct {
    size_t first, n;            /* its entries */
    size_t section, line;
    int has_count, is_record;
} group;

struct kct_rsp {
    char *text;
    entry *entries;
    size_t n_entries, cap_entries;
    group *groups;
    size_t n_groups, cap_groups;
    size_t *records;            /* group index of each record */
    size_t n_records;
};

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

static int add_entry(kct_rsp *f, char *item, size_t section, long grp)
{
    if (f->n_entries == f->cap_entries) {
        size_t cap = f->cap_entries ? 2 * f->cap_entries : 256;
        entry *more = realloc(f->entries, cap * sizeof(*more));
        if (!more)
            return -1;
        f->entries = more;
        f->cap_entries = cap;
    }
    char *eq = strchr(item, '=');
    if (eq)
        *eq = '\0';
    f->entries[f->n_entries++] = (entry){
        .name = trim(item), .value = eq ? trim(eq + 1) : "", .section = section, .group = grp
    };
    return 0;
}

static int add_group(kct_rsp *f, size_t section, size_t line)
{
    if (f->n_groups == f->cap_groups) {
        size_t cap = f->cap_groups ? 2 * f->cap_groups : 64;
        group *more = realloc(f->groups, cap * sizeof(*more));
        if (!more)
            return -1;
        f->groups = more;
        f->cap_groups = cap;
    }
    f->groups[f->n_groups++] = (group){ .first = f->n_entries, .section = section, .line = line };
    return 0;
}

static int add_header(kct_rsp *f, char *s, size_t section)
{
    char *close = strchr(s, ']');
    if (close)
        *close = '\0';
    char *save;
    for (char *item = strtok_r(s + 1, ",", &save); item; item = strtok_r(NULL, ",", &save))
        if (add_entry(f, item, section, -1))
            return -1;
    return 0;
}

static int parse(kct_rsp *f)
{
    long open = -1;             /* group being filled, -1 after a blank line */
    int after_header = 0;
    size_t section = 0, lineno = 0;
    char *next;
    for (char *line = f->text; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        char *s = trim(line);
        if (*s == '\0') {
            open = -1;
            continue;
        }
        if (*s == '#')
            continue;
        if (*s == '[') {
            open = -1;
            if (!after_header)
                section++;
            after_header = 1;
            if (add_header(f, s, section))
                return -1;
            continue;
        }
        after_header = 0;
        int is_count = strncasecmp(s, "COUNT", 5) == 0 &&
                       (s[5] == '=' || isspace((unsigned char)s[5]));
        if (is_count && open >= 0)
            open = -1;
        if (open < 0) {
            if (add_group(f, section, lineno))
                return -1;
            open = (long)f->n_groups - 1;
        }
        if (add_entry(f, s, section, open))
            return -1;
        f->groups[open].n++;
        f->groups[open].has_count |= is_count;
    }
    return 0;
}

static int pick_records(kct_rsp *f)
{
    int any_count = 0;
    for (size_t g = 0; g < f->n_groups; g++)
        any_count |= f->groups[g].has_count;
    f->records = malloc((f->n_groups ? f->n_groups : 1) * sizeof(*f->records));
    if (!f->records)
        return -1;
    for (size_t g = 0; g < f->n_groups; g++) {
        f->groups[g].is_record = !any_count || f->groups[g].has_count;
        if (f->groups[g].is_record)
            f->records[f->n_records++] = g;
    }
    return 0;
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return NULL;
    size_t len = 0, cap = 1 << 16;
    char *buf = malloc(cap);
    while (buf) {
        len += fread(buf + len, 1, cap - len - 1, fp);
        if (len < cap - 1)
            break;
        char *bigger = realloc(buf, cap *= 2);
        if (!bigger)
            free(buf);
        buf = bigger;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (buf && bad) {
        free(buf);
        return NULL;
    }
    if (buf)
        buf[len] = '\0';
    return buf;
}

kct_rsp *kct_rsp_load(const char *path)
{
    kct_rsp *f = calloc(1, sizeof(*f));
    if (f && (f->text = slurp(path)) == NULL) {
        printf("cannot read %s: %s\n", path, strerror(errno));
        fflush(stdout);
        kct_rsp_free(f);
        return NULL;
    }
    if (!f || parse(f) || pick_records(f)) {
        printf("cannot parse %s: out of memory\n", path);
        fflush(stdout);
        kct_rsp_free(f);
        return NULL;
    }
    return f;
}

void kct_rsp_free(kct_rsp *f)
{
    if (!f)
        return;
    free(f->text);
    free(f->entries);
    free(f->groups);
    free(f->records);
    free(f);
}

size_t kct_rsp_records(const kct_rsp *f)
{
    return f->n_records;
}

size_t kct_rsp_section(const kct_rsp *f, size_t i)
{
    return f->groups[f->records[i]].section;
}

size_t kct_rsp_line(const kct_rsp *f, size_t i)
{
    return f->groups[f->records[i]].line;
}

static int shared(const kct_rsp *f, const entry *e, const char *name)
{
    return (e->group < 0 || !f->groups[e->group].is_record) && strcasecmp(e->name, name) == 0;
}

const char *kct_rsp_get(const kct_rsp *f, size_t i, const char *name)
{
    const group *g = &f->groups[f->records[i]];
    for (size_t k = g->first; k < g->first + g->n; k++)
        if (strcasecmp(f->entries[k].name, name) == 0)
            return f->entries[k].value;
    /* walking back finds the latest shared value before this record */
    for (size_t k = g->first; k-- > 0 && f->entries[k].section == g->section;)
        if (shared(f, &f->entries[k], name))
            return f->entries[k].value;
    const char *found = NULL;
    if (g->section != 0)
        for (size_t k = 0; k < f->n_entries && f->entries[k].section == 0; k++)
            if (shared(f, &f->entries[k], name))
                found = f->entries[k].value;
    return found;
}

int kct_rsp_bytes(const kct_rsp *f, size_t i, const char *name, kct_bytes *out)
{
    const char *v = kct_rsp_get(f, i, name);
    out->p = NULL;
    out->n = 0;
    if (!v)
        return -1;
    size_t n = strlen(v);
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
        return kct_bytes_copy(v + 1, n - 2, out);
    return kct_hex_decode_n(v, n, out);
}

int kct_rsp_ulong(const kct_rsp *f, size_t i, const char *name, unsigned long *out)
{
    const char *v = kct_rsp_get(f, i, name);
    char *end;
    if (!v || !isdigit((unsigned char)*v))
        return -1;
    errno = 0;
    *out = strtoul(v, &end, 10);
    return errno || *end ? -1 : 0;
}
