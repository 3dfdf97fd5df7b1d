/* SPDX-License-Identifier: Apache-2.0 */
#include "cavp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kct_paths.h"

static void run_file(vec_ctx *v, const cavp_file *cf)
{
    const char *row = vec_name(cf->alg);
    char *path = kct_vector_file(KCT_CAVP, cf->path);
    kct_rsp *f = path ? kct_rsp_load(path) : NULL;
    const char *bad = !path                  ? "missing"
                      : !f                   ? "unreadable"
                      : !kct_rsp_records(f) ? "no records"
                                             : NULL;
    free(path);
    if (bad) {
        kct_fail(v->tally, row, "%s: %s", cf->path, bad);
        kct_rsp_free(f);
        return;
    }
    size_t section = (size_t)-1, in_run = 0;
    const char *shape = NULL;
    for (size_t i = 0; i < kct_rsp_records(f); i++) {
        const char *s = cf->cap_by ? kct_rsp_get(f, i, cf->cap_by) : NULL;
        if (kct_rsp_section(f, i) != section || (s && (!shape || strcmp(s, shape) != 0))) {
            section = kct_rsp_section(f, i);
            shape = s;
            in_run = 0;
        }
        if (cf->cap && in_run >= cf->cap) {
            kct_skip(v->tally, row, 1, "capped at %zu per section%s%s", cf->cap,
                     cf->cap_by ? " and " : "", cf->cap_by ? cf->cap_by : "");
            continue;
        }
        in_run++;
        char where[160];
        snprintf(where, sizeof(where), "%s line %zu", cf->path, kct_rsp_line(f, i));
        cf->run(v, cf, f, i, where);
    }
    kct_rsp_free(f);
}

void cavp_run_files(vec_ctx *v, const cavp_file *files, size_t n)
{
    for (size_t i = 0; i < n; i++)
        run_file(v, &files[i]);
}

int cavp_fields(vec_ctx *v, const cavp_file *cf, const kct_rsp *f, size_t i, const char *where,
                const char *const names[], kct_bytes out[], size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (kct_rsp_bytes(f, i, names[k], &out[k]) == 0)
            continue;
        kct_fail(v->tally, vec_name(cf->alg), "%s: field %s is missing or malformed", where,
                 names[k]);
        cavp_free(out, k);
        return -1;
    }
    return 0;
}

int cavp_fields_len(vec_ctx *v, const cavp_file *cf, const kct_rsp *f, size_t i,
                    const char *where, const char *const names[], const size_t lens[],
                    kct_bytes out[], size_t n)
{
    if (cavp_fields(v, cf, f, i, where, names, out, n))
        return -1;
    for (size_t k = 0; k < n; k++) {
        if (lens[k] == 0)
            out[k].n = 0;
        if (lens[k] == CAVP_ANY || out[k].n == lens[k])
            continue;
        kct_fail(v->tally, vec_name(cf->alg), "%s: %s has %zu bytes, the file says %zu", where,
                 names[k], out[k].n, lens[k]);
        cavp_free(out, n);
        return -1;
    }
    return 0;
}

int cavp_number(vec_ctx *v, const cavp_file *cf, const kct_rsp *f, size_t i, const char *where,
                const char *name, unsigned long *out)
{
    if (kct_rsp_ulong(f, i, name, out) == 0)
        return 0;
    kct_fail(v->tally, vec_name(cf->alg), "%s: %s is missing or not a number", where, name);
    return -1;
}

void cavp_free(kct_bytes out[], size_t n)
{
    for (size_t k = 0; k < n; k++)
        kct_bytes_free(&out[k]);
}
