/* SPDX-License-Identifier: Apache-2.0 */
/* Timing, syscall and fd counts for one path, algorithm and size. */
#ifndef KCRYPT_BENCH_MEASURE_H
#define KCRYPT_BENCH_MEASURE_H

#include "bench.h"

typedef struct {
    int ok;
    char why[160];       /* why not, when !ok */
    double ops_per_s;    /* median over runs */
    double mb_per_s;
    int fds;             /* fds the context holds */
    double syscalls;     /* per operation; < 0 when not counted */
} bench_result;

void bench_measure(bench_path p, bench_alg a, size_t size, int runs, double seconds,
                   bench_result *r);
/* Counts with strace: runs this program's `bench --count` twice. */
double bench_count_syscalls(const char *self, bench_path p, bench_alg a, size_t size);
/* The `bench --count PATH ALG SIZE N` child: set up, run N ops, exit. */
int bench_count_child(int argc, char **argv);
/* The `bench --measure PATH ALG SIZE RUNS SECONDS` child: prints a result. */
int bench_measure_child(int argc, char **argv);

#endif
