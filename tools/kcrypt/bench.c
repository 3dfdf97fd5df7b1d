/* SPDX-License-Identifier: Apache-2.0 */
/* kcrypt bench [--json] [--runs N] [--time S] [--sizes a,b,..] [--no-count]
 *              [--provider-dir DIR] [--calibrate]
 * Every path measured in this one process and kernel boot. */
#include "bench.h"
#include "bench_measure.h"
#include "commands.h"
#include "kc/kc.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SIZES 16

typedef struct {
    int json, runs, count, calibrate;
    double seconds;
    size_t sizes[MAX_SIZES];
    int nsizes;
} options;

static const size_t default_sizes[] = { 16, 64, 256, 1024, 16384, 65536 };

static void bench_usage(FILE *f)
{
    fprintf(f, "usage: kcrypt bench [--json] [--runs N] [--time S] [--sizes 64,16384] [--no-count]\n"
               "                    [--provider-dir DIR] [--calibrate]\n");
}

static int parse_sizes(const char *arg, options *o)
{
    char *copy = strdup(arg), *save = NULL;
    o->nsizes = 0;
    for (char *s = copy ? strtok_r(copy, ",", &save) : NULL; s && o->nsizes < MAX_SIZES;
         s = strtok_r(NULL, ",", &save))
        if (atol(s) > 0)
            o->sizes[o->nsizes++] = (size_t)atol(s);
    free(copy);
    if (!o->nsizes) {
        fprintf(stderr, "kcrypt bench: --sizes needs sizes in bytes, e.g. 64,16384\n");
        return 0;
    }
    return 1;
}

static int bad_value(const char *opt, const char *v)
{
    fprintf(stderr, "kcrypt bench: %s needs a number above 0, not \"%s\"\n", opt, v);
    return 0;
}

/* 1: run; 0: exit 2 (bad options); -1: exit 0 (--help). */
static int parse(int argc, char **argv, options *o)
{
    enum { O_JSON = 256, O_NO_COUNT, O_CALIBRATE, O_RUNS, O_TIME, O_PROVIDER_DIR, O_SIZES };
    static const struct option opts[] = {
        { "json", no_argument, NULL, O_JSON },
        { "no-count", no_argument, NULL, O_NO_COUNT },
        { "calibrate", no_argument, NULL, O_CALIBRATE },
        { "runs", required_argument, NULL, O_RUNS },
        { "time", required_argument, NULL, O_TIME },
        { "provider-dir", required_argument, NULL, O_PROVIDER_DIR },
        { "sizes", required_argument, NULL, O_SIZES },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    o->json = 0;
    o->runs = 3;
    o->count = 1;
    o->calibrate = 0;
    o->seconds = 0.2;
    o->nsizes = 6;
    memcpy(o->sizes, default_sizes, sizeof(default_sizes));
    int c;
    optind = 1;
    opterr = 0;   /* our own message, naming the command */
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_JSON: o->json = 1; break;
        case O_NO_COUNT: o->count = 0; break;
        case O_CALIBRATE: o->calibrate = 1; break;
        case O_RUNS:
            if ((o->runs = atoi(optarg)) <= 0)
                return bad_value("--runs", optarg);
            break;
        case O_TIME:
            if ((o->seconds = atof(optarg)) <= 0)
                return bad_value("--time", optarg);
            break;
        case O_PROVIDER_DIR: bench_set_provider_dir(optarg); break;
        case O_SIZES:
            if (!parse_sizes(optarg, o))
                return 0;
            break;
        case 'h': bench_usage(stdout); return -1;
        default:
            cli_bad_option("bench", argv, bench_usage);
            return 0;
        }
    }
    return !cli_leftover("bench", argc, argv, bench_usage);
}

static void progress(const char *what, int done, int total)
{
    fprintf(stderr, "bench: [%3d/%d] %s\n", done, total, what);
}

static double ratio(const bench_result *a, const bench_result *b)
{
    return a->ok && b->ok && b->ops_per_s > 0 ? a->ops_per_s / b->ops_per_s : -1;
}

static void print_ratio(const char *label, double r)
{
    if (r < 0)
        printf("  %s n/a", label);
    else
        printf("  %s %.2fx", label, r);
}

static int run_table(const options *o, const char *self)
{
    static bench_result res[BA_COUNT][MAX_SIZES][BP_COUNT];
    double syscalls[BA_COUNT][BP_COUNT];
    int total = BA_COUNT * o->nsizes, done = 0;
    for (int a = 0; a < BA_COUNT; a++) {
        for (int s = 0; s < o->nsizes; s++) {
            char what[96];
            snprintf(what, sizeof(what), "%s %zu B", bench_alg_name((bench_alg)a), o->sizes[s]);
            progress(what, ++done, total);
            for (int p = 0; p < BP_COUNT; p++)
                bench_measure((bench_path)p, (bench_alg)a, o->sizes[s], o->runs, o->seconds,
                              &res[a][s][p]);
        }
        for (int p = 0; p < BP_COUNT; p++)
            syscalls[a][p] = o->count && res[a][0][p].ok
                                 ? bench_count_syscalls(self, (bench_path)p, (bench_alg)a, 64)
                                 : -1;
    }

    if (o->json) {
        json_object *root = json_object_new_object(), *rows = json_object_new_array();
        json_object_object_add(root, "kernel", json_object_new_string(kc_probe()->kernel_release));
        json_object_object_add(root, "runs", json_object_new_int(o->runs));
        for (int a = 0; a < BA_COUNT; a++)
            for (int s = 0; s < o->nsizes; s++)
                for (int p = 0; p < BP_COUNT; p++) {
                    const bench_result *r = &res[a][s][p];
                    json_object *row = json_object_new_object();
                    json_object_object_add(row, "algorithm", json_object_new_string(bench_alg_name((bench_alg)a)));
                    json_object_object_add(row, "size", json_object_new_int64((int64_t)o->sizes[s]));
                    json_object_object_add(row, "path", json_object_new_string(bench_path_name((bench_path)p)));
                    json_object_object_add(row, "ok", json_object_new_boolean(r->ok));
                    if (r->ok) {
                        json_object_object_add(row, "ops_per_s", json_object_new_double(r->ops_per_s));
                        json_object_object_add(row, "mb_per_s", json_object_new_double(r->mb_per_s));
                        json_object_object_add(row, "fds_per_context", json_object_new_int(r->fds));
                        if (syscalls[a][p] >= 0)
                            json_object_object_add(row, "syscalls_per_op_64B",
                                                   json_object_new_double(syscalls[a][p]));
                    } else {
                        json_object_object_add(row, "why", json_object_new_string(r->why));
                    }
                    json_object_array_add(rows, row);
                }
        json_object_object_add(root, "results", rows);
        puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY));
        json_object_put(root);
        return 0;
    }

    printf("kcrypt bench on kernel %s: median of %d runs of %.2f s; syscalls per operation "
           "counted by strace at 64 B;\nkcrypt-uring (KCRYPT_IO_URING=1) is measured in a child "
           "process of this one, in the same boot\n", kc_probe()->kernel_release, o->runs,
           o->seconds);
    for (int a = 0; a < BA_COUNT; a++) {
        printf("\n%s\n%8s  %-13s %12s %10s %9s %4s\n", bench_alg_name((bench_alg)a), "SIZE",
               "PATH", "OPS/S", "MB/S", "SYSCALLS", "FDS");
        for (int s = 0; s < o->nsizes; s++) {
            for (int p = 0; p < BP_COUNT; p++) {
                const bench_result *r = &res[a][s][p];
                if (!r->ok) {
                    if (s == 0)
                        printf("%8zu  %-13s n/a: %s\n", o->sizes[s], bench_path_name((bench_path)p), r->why);
                    continue;
                }
                char sc[16] = "-";
                if (syscalls[a][p] >= 0)
                    snprintf(sc, sizeof(sc), "%.2f", syscalls[a][p]);
                printf("%8zu  %-13s %12.0f %10.2f %9s %4d\n", o->sizes[s],
                       bench_path_name((bench_path)p), r->ops_per_s, r->mb_per_s, sc, r->fds);
            }
            printf("%8s ", "");
            print_ratio("kcrypt/afalg-engine", ratio(&res[a][s][BP_KCRYPT], &res[a][s][BP_ENGINE]));
            print_ratio("kcrypt/raw-afalg", ratio(&res[a][s][BP_KCRYPT], &res[a][s][BP_RAW]));
            print_ratio("kcrypt/default", ratio(&res[a][s][BP_KCRYPT], &res[a][s][BP_DEFAULT]));
            print_ratio("kcrypt-uring/afalg-engine",
                        ratio(&res[a][s][BP_KCRYPT_URING], &res[a][s][BP_ENGINE]));
            printf("\n");
        }
    }
    return 0;
}

/* The smallest size from which the kernel path keeps beating the default
 * provider, per algorithm, and the provider line that sets the floor. */
static int run_calibrate(const options *o)
{
    size_t floor_all = 0;
    int any_wins = 0;
    printf("kcrypt bench --calibrate on kernel %s (kcrypt provider vs default provider)\n",
           kc_probe()->kernel_release);
    for (int a = 0; a < BA_COUNT; a++) {
        size_t cross = 0;
        int ok = 1;
        for (size_t size = 16; size <= 65536; size *= 2) {
            bench_result k, d;
            char what[96];
            snprintf(what, sizeof(what), "calibrate %s %zu B", bench_alg_name((bench_alg)a), size);
            progress(what, 0, 0);
            bench_measure(BP_KCRYPT, (bench_alg)a, size, o->runs, o->seconds, &k);
            bench_measure(BP_DEFAULT, (bench_alg)a, size, o->runs, o->seconds, &d);
            if (!k.ok || !d.ok) {
                printf("%-18s not measured: %s\n", bench_alg_name((bench_alg)a), k.ok ? d.why : k.why);
                ok = 0;
                break;
            }
            if (k.ops_per_s >= d.ops_per_s) {
                if (!cross)
                    cross = size;
            } else {
                cross = 0;
            }
        }
        if (!ok)
            continue;
        if (cross) {
            printf("%-18s kernel wins from %zu bytes\n", bench_alg_name((bench_alg)a), cross);
            any_wins = 1;
            if (cross > floor_all)
                floor_all = cross;
        } else {
            printf("%-18s the kernel path never wins here (up to 64 KiB)\n",
                   bench_alg_name((bench_alg)a));
        }
    }
    if (any_wins)
        printf("\n# for the [kcrypt_sect] of openssl.cnf: the kernel path serves only requests it "
               "wins\nmin-size = %zu\n", floor_all);
    else
        printf("\n# the kernel path never beats the default provider on this machine: keep kcrypt "
               "only for its keys or certified drivers, or leave min-size unset\n");
    return 0;
}

int cmd_bench(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "--count") || !strcmp(argv[1], "--measure"))) {
        bench_set_provider_dir(getenv("KCRYPT_PROVIDER_DIR") ? getenv("KCRYPT_PROVIDER_DIR")
                                                             : KCRYPT_BUILD_PROVIDER_DIR);
        return !strcmp(argv[1], "--count") ? bench_count_child(argc - 1, argv + 1)
                                           : bench_measure_child(argc - 1, argv + 1);
    }
    options o;
    bench_set_provider_dir(getenv("KCRYPT_PROVIDER_DIR") ? getenv("KCRYPT_PROVIDER_DIR")
                                                         : KCRYPT_BUILD_PROVIDER_DIR);
    int parsed = parse(argc, argv, &o);
    if (parsed <= 0)
        return parsed < 0 ? 0 : 2;
    if (!kc_probe()->afalg)
        return report_no_afalg(stderr);
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    self[n > 0 ? n : 0] = '\0';
    if (o.count && system("command -v strace >/dev/null 2>&1") != 0) {
        fprintf(stderr, "kcrypt bench: strace not installed, syscalls not counted\n");
        o.count = 0;
    }
    return o.calibrate ? run_calibrate(&o) : run_table(&o, self);
}
