/* SPDX-License-Identifier: Apache-2.0 */
#include "bench_measure.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    if (!d)
        return -1;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static const char *env_of(bench_path p)
{
    return p == BP_KCRYPT_URING ? "KCRYPT_IO_URING=1" : "KCRYPT_IO_URING=0";
}

static void measure_here(bench_path p, bench_alg a, size_t size, int runs, double seconds,
                         bench_result *r);

/* Paths whose setting is read once per process run in a child. */
static void measure_in_child(bench_path p, bench_alg a, size_t size, int runs, double seconds,
                             bench_result *r)
{
    char self[4096], cmd[4600];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    self[n > 0 ? n : 0] = '\0';
    snprintf(cmd, sizeof(cmd), "env %s '%s' bench --measure %d %d %zu %d %f 2>/dev/null",
             env_of(p), self, (int)p, (int)a, size, runs, seconds);
    FILE *f = popen(cmd, "r");
    char line[256] = "";
    if (f && fgets(line, sizeof(line), f) &&
        sscanf(line, "ok %lf %d", &r->ops_per_s, &r->fds) == 2) {
        r->ok = 1;
        r->mb_per_s = r->ops_per_s * (double)size / 1e6;
    } else {
        line[strcspn(line, "\n")] = '\0';
        snprintf(r->why, sizeof(r->why), "%.150s", line[0] ? line + (line[0] == 'n' ? 3 : 0)
                                                           : "the measuring child failed");
    }
    if (f)
        pclose(f);
}

int bench_measure_child(int argc, char **argv)
{
    if (argc != 6)
        return 2;
    bench_result r;
    measure_here((bench_path)atoi(argv[1]), (bench_alg)atoi(argv[2]), (size_t)atol(argv[3]),
                 atoi(argv[4]), atof(argv[5]), &r);
    if (r.ok)
        printf("ok %f %d\n", r.ops_per_s, r.fds);
    else
        printf("no %s\n", r.why);
    return 0;
}

void bench_measure(bench_path p, bench_alg a, size_t size, int runs, double seconds,
                   bench_result *r)
{
    memset(r, 0, sizeof(*r));
    r->syscalls = -1;
    if (p == BP_KCRYPT_URING)
        measure_in_child(p, a, size, runs, seconds, r);
    else
        measure_here(p, a, size, runs, seconds, r);
}

static void measure_here(bench_path p, bench_alg a, size_t size, int runs, double seconds,
                         bench_result *r)
{
    memset(r, 0, sizeof(*r));
    r->syscalls = -1;
    int before = open_fds();
    bench_ctx *c = bench_open(p, a, size, r->why, sizeof(r->why));
    if (!c)
        return;
    /* after a first operation: a provider may open its socket lazily */
    if (bench_op(c) != 0) {
        snprintf(r->why, sizeof(r->why), "the first operation failed");
        bench_close(c);
        return;
    }
    r->fds = open_fds() - before;
    double rates[32];
    if (runs > 32)
        runs = 32;
    for (int i = 0; i < runs; i++) {
        long ops = 0;
        double start = now(), end;
        do {
            for (int k = 0; k < 8; k++)
                if (bench_op(c) != 0) {
                    snprintf(r->why, sizeof(r->why), "an operation failed");
                    bench_close(c);
                    return;
                }
            ops += 8;
            end = now();
        } while (end - start < seconds);
        rates[i] = (double)ops / (end - start);
    }
    qsort(rates, (size_t)runs, sizeof(double), cmp_double);
    r->ops_per_s = rates[runs / 2];
    r->mb_per_s = r->ops_per_s * (double)size / 1e6;
    r->ok = 1;
    bench_close(c);
}

int bench_count_child(int argc, char **argv)
{
    if (argc != 5)
        return 2;
    bench_path p = (bench_path)atoi(argv[1]);
    bench_alg a = (bench_alg)atoi(argv[2]);
    size_t size = (size_t)atol(argv[3]);
    long n = atol(argv[4]);
    char why[160];
    bench_ctx *c = bench_open(p, a, size, why, sizeof(why));
    if (!c)
        return 1;
    int rc = 0;
    for (long i = 0; i < n && !rc; i++)
        rc = bench_op(c);
    bench_close(c);
    return rc ? 1 : 0;
}

/* All syscalls of one `bench --count` child, from strace -c's total row. */
static long strace_total(const char *self, bench_path p, bench_alg a, size_t size, long n)
{
    char out[] = "/tmp/kcrypt-bench-XXXXXX";
    int fd = mkstemp(out);
    if (fd < 0)
        return -1;
    close(fd);
    char cmd[1024];
    snprintf(cmd, sizeof(cmd),
             "env %s strace -f -c -o %s '%s' bench --count %d %d %zu %ld >/dev/null 2>&1",
             env_of(p), out, self, (int)p, (int)a, size, n);
    long total = -1;
    if (system(cmd) == 0) {
        FILE *f = fopen(out, "r");
        char line[256];
        while (f && fgets(line, sizeof(line), f)) {
            /* "100.00 secs usecs/call calls [errors] total" */
            if (!strstr(line, "total"))
                continue;
            double pct, secs;
            long usecs, calls;
            if (sscanf(line, "%lf %lf %ld %ld", &pct, &secs, &usecs, &calls) == 4)
                total = calls;
        }
        if (f)
            fclose(f);
    }
    unlink(out);
    return total;
}

double bench_count_syscalls(const char *self, bench_path p, bench_alg a, size_t size)
{
    /* 100 against 200 operations: set-up done at the first operation, such
     * as a lazily opened socket, cancels out */
    const long n = 100;
    long once = strace_total(self, p, a, size, n), twice = strace_total(self, p, a, size, 2 * n);
    if (once < 0 || twice < 0)
        return -1;
    return (double)(twice - once) / (double)n;
}
