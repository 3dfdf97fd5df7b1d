/* SPDX-License-Identifier: Apache-2.0 */
/* The deterministic fuzz driver, so CTest exercises every target without
 * libFuzzer: each seed as is, then N mutations (bit flips, byte sets to
 * edge values, inserts, deletes, duplicated runs, truncation, splices of
 * two seeds) from a fixed PRNG seed (KCRYPT_SEED overrides). Each input is
 * passed in a buffer of exactly its size, so ASan sees any over-read.
 * `fuzz_X --corpus DIR` writes the seeds for fuzz_X_libfuzzer DIR. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SEEDS 64
#define MAX_INPUT 8192

static struct {
    unsigned char *p;
    size_t n;
} seeds[MAX_SEEDS];
static size_t nseeds;
static unsigned long long rng_state;

static void add_seed(const void *p, size_t n)
{
    if (nseeds == MAX_SEEDS || n > MAX_INPUT)
        return;
    seeds[nseeds].p = malloc(n ? n : 1);
    if (!seeds[nseeds].p)
        return;
    memcpy(seeds[nseeds].p, p, n);
    seeds[nseeds++].n = n;
}

static unsigned rnd(unsigned below)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return below ? (unsigned)(rng_state >> 33) % below : 0;
}

static void run(const unsigned char *p, size_t n)
{
    unsigned char *copy = malloc(n ? n : 1);
    if (!copy)
        exit(2);
    memcpy(copy, p, n);
    LLVMFuzzerTestOneInput(copy, n);
    free(copy);
}

static size_t mutate(unsigned char *b, size_t n)
{
    static const unsigned char edge[] = { 0, 1, 0x7f, 0x80, 0xfe, 0xff, '0', 'f', ' ', '\n' };
    for (int k = 1 + (int)rnd(4); k > 0; k--) {
        size_t at = n ? rnd((unsigned)n) : 0;
        switch (rnd(7)) {
        case 0: if (n) b[at] ^= (unsigned char)(1u << rnd(8)); break;
        case 1: if (n) b[at] = edge[rnd(sizeof edge)]; break;
        case 2:   /* insert a byte */
            if (n < MAX_INPUT) {
                memmove(b + at + 1, b + at, n - at);
                b[at] = (unsigned char)rnd(256);
                n++;
            }
            break;
        case 3: {   /* delete a run */
            size_t len = rnd(16) + 1;
            if (at + len > n)
                len = n - at;
            memmove(b + at, b + at + len, n - at - len);
            n -= len;
            break;
        }
        case 4: {   /* duplicate a run */
            size_t len = rnd(32) + 1;
            if (at + len > n)
                len = n - at;
            if (n + len <= MAX_INPUT) {
                memmove(b + at + len, b + at, n - at);
                n += len;
            }
            break;
        }
        case 5: n = at; break;   /* truncate */
        default: {   /* splice in the tail of another seed */
            size_t s = rnd((unsigned)nseeds), from = rnd((unsigned)seeds[s].n + 1);
            size_t len = seeds[s].n - from;
            if (at + len > MAX_INPUT)
                len = MAX_INPUT - at;
            memcpy(b + at, seeds[s].p + from, len);
            n = at + len;
            break;
        }
        }
    }
    return n;
}

/* The seeds as files, a starting corpus for the libFuzzer binary. */
static int write_corpus(const char *dir)
{
    for (size_t i = 0; i < nseeds; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/seed-%zu", dir, i);
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(seeds[i].p, 1, seeds[i].n, f) != seeds[i].n || fclose(f)) {
            fprintf(stderr, "cannot write %s\n", path);
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--corpus")) {
        fuzz_seeds(add_seed);
        return write_corpus(argv[2]);
    }
    long iterations = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
    const char *s = getenv("KCRYPT_SEED");
    rng_state = s ? strtoull(s, NULL, 10) : 20261129;
    fuzz_seeds(add_seed);
    if (!nseeds) {
        fprintf(stderr, "no seeds: a run that tests nothing fails\n");
        return 1;
    }
    for (size_t i = 0; i < nseeds; i++)
        run(seeds[i].p, seeds[i].n);
    static unsigned char buf[MAX_INPUT];
    for (long i = 0; i < iterations; i++) {
        size_t k = rnd((unsigned)nseeds), n = seeds[k].n;
        memcpy(buf, seeds[k].p, n);
        n = mutate(buf, n);
        run(buf, n);
    }
    printf("%s: %zu seeds and %ld mutations ran, no crash (seed %llu)\n", argv[0], nseeds,
           iterations, s ? strtoull(s, NULL, 10) : 20261129ULL);
    for (size_t i = 0; i < nseeds; i++)
        free(seeds[i].p);
    return 0;
}
