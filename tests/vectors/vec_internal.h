/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the vec_*.c files (the checks and the backends) only. */
#ifndef VEC_INTERNAL_H
#define VEC_INTERNAL_H

#include "vec.h"

/* The slot's context if it was made for alg/param/key (key NULL: none);
 * otherwise the slot is emptied and NULL returned. */
void *vec_slot_find(vec_slot *s, kc_alg_id alg, size_t param, const kct_bytes *key);
/* Keep ctx, made for alg/param/key, in the slot vec_slot_find emptied;
 * drop(ctx) frees it when the slot is emptied again. */
void vec_slot_keep(vec_slot *s, kc_alg_id alg, size_t param, const kct_bytes *key, void *ctx,
                   void (*drop)(void *ctx));

/* One direction of a case (encrypt/decrypt, wrap/unwrap) against the vector. */
typedef struct {
    int tried;
    kc_status st;
    int match;          /* the output is the vector's */
    int leaked;         /* refused, but left data in out (see vec_leaked) */
    char detail[400];   /* what went wrong, for the failure message */
} vec_outcome;

/* Ran and gave the vector's answer. */
int vec_accepted(const vec_outcome *o);

#endif
