/* SPDX-License-Identifier: Apache-2.0 */
/* A fuzz target: libFuzzer's entry point plus the seeds the deterministic
 * driver (fuzz_driver.c) mutates. Every target must survive any input:
 * a crash or a sanitizer report fails the run. */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

typedef void (*fuzz_add_fn)(const void *p, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Calls add once per seed input (valid files and near misses). */
void fuzz_seeds(fuzz_add_fn add);

#endif
