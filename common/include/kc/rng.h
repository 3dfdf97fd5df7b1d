/* SPDX-License-Identifier: Apache-2.0 */
/* The kernel DRBG ("stdrng") through algif_rng. */
#ifndef KC_RNG_H
#define KC_RNG_H

#include "kc/error.h"
#include <stddef.h>

typedef struct kc_rng kc_rng;

/* seed: extra input mixed in as personalization (may be NULL/0); the kernel
 * seeds the DRBG from its own entropy either way. */
kc_status kc_rng_new(kc_rng **out, const char *driver, const unsigned char *seed,
                     size_t seed_len, kc_error *err);
kc_status kc_rng_generate(kc_rng *r, unsigned char *out, size_t len, kc_error *err);
/* Re-instantiate the DRBG from fresh kernel entropy plus seed. */
kc_status kc_rng_reseed(kc_rng *r, const unsigned char *seed, size_t seed_len, kc_error *err);
void kc_rng_free(kc_rng *r);

#endif
