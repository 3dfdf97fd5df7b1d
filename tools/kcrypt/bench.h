/* SPDX-License-Identifier: Apache-2.0 */
/* kcrypt bench: the same operation through several paths, in one process
 * and one kernel, so ratios between paths mean something. */
#ifndef KCRYPT_BENCH_H
#define KCRYPT_BENCH_H

#include <stddef.h>

typedef enum { BA_AES128_CBC, BA_AES128_GCM, BA_AES256_GCM, BA_CHACHA20_POLY1305, BA_SHA256,
               BA_HMAC_SHA256, BA_COUNT } bench_alg;

/* BP_KCRYPT_URING is kcrypt with KCRYPT_IO_URING=1: the provider's copy of
 * common/ reads that once, so it is measured in a child process. */
typedef enum { BP_KCRYPT, BP_KCRYPT_URING, BP_ENGINE, BP_RAW, BP_RAW_URING, BP_DEFAULT,
               BP_COUNT } bench_path;

typedef struct bench_ctx bench_ctx;

const char *bench_alg_name(bench_alg a);
const char *bench_path_name(bench_path p);
/* Set where kcrypt.so is, before the first bench_open of BP_KCRYPT. */
void bench_set_provider_dir(const char *dir);
/* NULL with *why set when the path cannot do this algorithm here. */
bench_ctx *bench_open(bench_path p, bench_alg a, size_t size, char *why, size_t why_len);
/* One operation of `size` bytes: 0 on success. */
int bench_op(bench_ctx *c);
void bench_close(bench_ctx *c);

#endif
