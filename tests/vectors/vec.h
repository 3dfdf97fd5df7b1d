/* SPDX-License-Identifier: Apache-2.0 */
/* The checks every vector program shares: each file format is parsed by its
 * driver into one of these cases, and judged here in one way, so a
 * Wycheproof and a CAVP vector for the same primitive mean the same thing,
 * and so do kcrypt's common/ and the PKCS#11 token, the two backends the
 * cases run on (vec_backend.h).
 *
 * Outcomes:
 *   valid      the exact expected output in every direction the vector has;
 *   invalid    the backend must reject it (an error status, not a wrong answer);
 *   acceptable either outcome, if it is consistent in both directions.
 * A case the backend cannot run by design (a kernel limit, a key size the
 * token refuses), or an algorithm it lacks, is "not run" with the reason:
 * never counted as passed. */
#ifndef VEC_H
#define VEC_H

#include <stddef.h>

#include "kc/kc.h"
#include "kct_hex.h"
#include "kct_tally.h"

typedef enum { VEC_VALID, VEC_INVALID, VEC_ACCEPTABLE } vec_expect;

typedef struct vec_backend vec_backend;

/* Contexts are kept from one case to the next while the key is the same:
 * vector files often share a key across records, and reusing a context
 * after a rejected request is part of what is tested. */
typedef struct {
    kc_alg_id alg;
    size_t param;        /* tag length, or wrap direction */
    kct_bytes key;
    int has_key;         /* plain digests have none */
    void *ctx;           /* the backend's: a kc_* context, a token key object */
    void (*drop)(void *ctx);
} vec_slot;

typedef struct {
    kct_tally *tally;
    const vec_backend *be;
    void *be_state;      /* the backend's own, e.g. the token's session */
    vec_slot cipher, aead, hash, wrap, unwrap;
} vec_ctx;

void vec_init(vec_ctx *v, kct_tally *t, const vec_backend *be, void *be_state);
/* Frees every cached context, then closes the backend. */
void vec_release(vec_ctx *v);

/* Tally row of an algorithm: kcrypt's own name for it. */
const char *vec_name(kc_alg_id alg);
/* 1 if alg can run on the backend; else counts the case as not run and
 * returns 0. */
int vec_ready(vec_ctx *v, kc_alg_id alg);
/* The statuses that mean "refused this input": anything else (no memory,
 * an unexpected kernel error, a wrong PKCS#11 return code) is a failure
 * even where a refusal is wanted. */
int vec_rejected(kc_status s);
/* After a refused request: 1 if out[0..n) is neither untouched (still all
 * fill) nor wiped to zero, or the fill byte at out[n] was overwritten. The
 * API promises zeroed (aead.h) or unwritten (keywrap.h) output; either
 * way no unauthenticated data may be left. */
int vec_leaked(const unsigned char *out, size_t n, unsigned char fill);

/* --- block cipher modes --- */
typedef struct {
    kc_alg_id alg;
    const char *where;   /* "file tcId 12", for messages */
    /* valid: a known answer in both directions; invalid: decrypting ct must
     * be refused (pt unused); there are no acceptable cipher cases */
    vec_expect expect;
    int pad;             /* PKCS#7 padding (CBC only): pt is the unpadded message */
    kct_bytes key, iv, pt, ct;
} vec_cipher_case;

void vec_cipher_run(vec_ctx *v, const vec_cipher_case *c);
/* Why the backend refusing this key is not a failure (a size the standard
 * has but kcrypt does not offer), or NULL. buf holds the text. */
const char *vec_key_not_offered(vec_ctx *v, kc_alg_id alg, size_t key_len, char *buf, size_t n);

/* --- AEAD --- */
typedef struct {
    kc_alg_id alg;
    const char *where;
    vec_expect expect;
    kct_bytes key, nonce, aad, ct, tag;
    const kct_bytes *msg;   /* NULL when the vector has no plaintext (CAVP FAIL records) */
} vec_aead_case;

void vec_aead_run(vec_ctx *v, const vec_aead_case *c);

/* --- digests and MACs --- */
typedef struct {
    kc_alg_id alg;
    const char *where;
    vec_expect expect;
    const kct_bytes *key;   /* NULL for plain digests */
    int key_must_fail;      /* a key size the algorithm does not have */
    kct_bytes msg;
    kct_bytes tag;          /* may be a truncated MAC: compared as a prefix */
} vec_mac_case;

void vec_mac_run(vec_ctx *v, const vec_mac_case *c);
/* For drivers that chain digests themselves (Monte Carlo): the backend's
 * cached context for alg/key (key NULL for digests), or NULL with err; and
 * n bytes of the digest or MAC of in through it. */
void *vec_mac_get(vec_ctx *v, kc_alg_id alg, const kct_bytes *key, kc_error *err);
kc_status vec_mac_compute(vec_ctx *v, void *h, const unsigned char *in, size_t len,
                          unsigned char *out, size_t n, kc_error *err);

/* --- key wrap --- */
enum { VEC_WRAP = 1, VEC_UNWRAP = 2 };

typedef struct {
    kc_alg_id alg;
    const char *where;
    vec_expect expect;
    int dirs;               /* VEC_WRAP | VEC_UNWRAP: what the vector can check */
    kct_bytes kek, ct;
    const kct_bytes *pt;    /* NULL when the vector has none (CAVP FAIL records) */
} vec_wrap_case;

void vec_wrap_run(vec_ctx *v, const vec_wrap_case *c);

#endif
