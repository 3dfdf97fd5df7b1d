/* SPDX-License-Identifier: Apache-2.0 */
#include "kct_tally.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Beyond this many failure lines per algorithm a systematic bug would only
 * bury the summary. */
enum { FAILS_SHOWN = 20 };

typedef struct {
    char *text;
    size_t n;
} reason;

typedef struct {
    char *alg;
    size_t passed, failed, skipped;
    reason *reasons;
    size_t n_reasons;
} row;

struct kct_tally {
    row *rows;
    size_t n_rows;
};

/* Out of memory in a test harness is not a result worth reporting. */
static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fputs("kctest: out of memory\n", stderr);
        abort();
    }
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xrealloc(NULL, n), s, n);
}

kct_tally *kct_tally_new(void)
{
    kct_tally *t = xrealloc(NULL, sizeof(*t));
    t->rows = NULL;
    t->n_rows = 0;
    return t;
}

void kct_tally_free(kct_tally *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_rows; i++) {
        for (size_t j = 0; j < t->rows[i].n_reasons; j++)
            free(t->rows[i].reasons[j].text);
        free(t->rows[i].reasons);
        free(t->rows[i].alg);
    }
    free(t->rows);
    free(t);
}

/* Rows keep first-use order, which follows the order the files are run. */
static row *row_of(kct_tally *t, const char *alg)
{
    for (size_t i = 0; i < t->n_rows; i++)
        if (strcmp(t->rows[i].alg, alg) == 0)
            return &t->rows[i];
    t->rows = xrealloc(t->rows, (t->n_rows + 1) * sizeof(*t->rows));
    row *r = &t->rows[t->n_rows++];
    memset(r, 0, sizeof(*r));
    r->alg = xstrdup(alg);
    return r;
}

void kct_pass(kct_tally *t, const char *alg)
{
    row_of(t, alg)->passed++;
}

void kct_fail(kct_tally *t, const char *alg, const char *fmt, ...)
{
    row *r = row_of(t, alg);
    if (r->failed < FAILS_SHOWN) {
        va_list ap;
        va_start(ap, fmt);
        printf("FAIL %s: ", alg);
        vprintf(fmt, ap);
        putchar('\n');
        va_end(ap);
    } else if (r->failed == FAILS_SHOWN) {
        printf("FAIL %s: further failures are counted, not shown\n", alg);
    }
    fflush(stdout);
    r->failed++;
}

void kct_skip(kct_tally *t, const char *alg, size_t n, const char *fmt, ...)
{
    if (n == 0)
        return;
    row *r = row_of(t, alg);
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    r->skipped += n;
    for (size_t i = 0; i < r->n_reasons; i++) {
        if (strcmp(r->reasons[i].text, text) == 0) {
            r->reasons[i].n += n;
            return;
        }
    }
    r->reasons = xrealloc(r->reasons, (r->n_reasons + 1) * sizeof(*r->reasons));
    r->reasons[r->n_reasons++] = (reason){ .text = xstrdup(text), .n = n };
}

typedef struct {
    size_t passed, failed, skipped;
} totals;

static totals total(const kct_tally *t)
{
    totals s = { 0, 0, 0 };
    for (size_t i = 0; i < t->n_rows; i++) {
        s.passed += t->rows[i].passed;
        s.failed += t->rows[i].failed;
        s.skipped += t->rows[i].skipped;
    }
    return s;
}

size_t kct_passed(const kct_tally *t)
{
    return total(t).passed;
}

size_t kct_failed(const kct_tally *t)
{
    return total(t).failed;
}

size_t kct_skipped(const kct_tally *t)
{
    return total(t).skipped;
}

void kct_tally_print(const kct_tally *t, FILE *out)
{
    for (size_t i = 0; i < t->n_rows; i++) {
        const row *r = &t->rows[i];
        fprintf(out, "%-18s passed %zu  failed %zu  not run %zu", r->alg, r->passed, r->failed,
                r->skipped);
        for (size_t j = 0; j < r->n_reasons; j++)
            fprintf(out, "%s%s: %zu", j ? "; " : " (", r->reasons[j].text, r->reasons[j].n);
        fputs(r->n_reasons ? ")\n" : "\n", out);
    }
    totals s = total(t);
    if (s.passed == 0)
        fputs("no vector passed: a run that tested nothing fails\n", out);
    fprintf(out, "%zu passed, %zu failed, %zu skipped\n", s.passed, s.failed, s.skipped);
    fflush(out);
}

int kct_tally_exit_code(const kct_tally *t)
{
    totals s = total(t);
    return s.failed > 0 || s.passed == 0;
}
