/* SPDX-License-Identifier: Apache-2.0 */
/* NIST CAVP response files (and the RFC/OpenSSL files in the same style)
 * from Debian's python3-cryptography-vectors: each record becomes a vec
 * case (vec.h). */
#ifndef CAVP_H
#define CAVP_H

#include "kct_rsp.h"
#include "vec.h"

typedef struct cavp_file cavp_file;

typedef void (*cavp_record_fn)(vec_ctx *v, const cavp_file *cf, const kct_rsp *f, size_t i,
                               const char *where);

struct cavp_file {
    const char *path;        /* under the CAVP directory */
    kc_alg_id alg;
    cavp_record_fn run;
    /* Records run per section, 0 for all: a slow emulated kernel pays tens
     * of microseconds per syscall, and the big files repeat one shape
     * thousands of times. The rest count as "not run (capped ...)". */
    size_t cap;
    /* A field whose change also restarts the count, where a file varies a
     * parameter inside a section (XTS's DataUnitLen); NULL if none. */
    const char *cap_by;
    const void *arg;         /* what the driver needs to know about the file */
};

void cavp_run_files(vec_ctx *v, const cavp_file *files, size_t n);

/* The named fields of record i decoded (hex or "text"); on a missing or bad
 * one a failure is counted and -1 returned with nothing left allocated. */
int cavp_fields(vec_ctx *v, const cavp_file *cf, const kct_rsp *f, size_t i, const char *where,
                const char *const names[], kct_bytes out[], size_t n);
/* The same for fields whose byte lengths the file states elsewhere
 * (CAVP_ANY: no check). A stated length of 0 empties the field, as CAVP
 * writes "00" for an empty one (CCM's Adata with Alen = 0). */
#define CAVP_ANY ((size_t)-1)
int cavp_fields_len(vec_ctx *v, const cavp_file *cf, const kct_rsp *f, size_t i,
                    const char *where, const char *const names[], const size_t lens[],
                    kct_bytes out[], size_t n);
/* A decimal field; -1 after counting a failure. */
int cavp_number(vec_ctx *v, const cavp_file *cf, const kct_rsp *f, size_t i, const char *where,
                const char *name, unsigned long *out);
void cavp_free(kct_bytes out[], size_t n);

/* The families test_cavp can run. */
void cavp_block(vec_ctx *v);     /* AES-ECB, CBC, CTR, XTS */
void cavp_gcm(vec_ctx *v);
void cavp_ccm(vec_ctx *v);
void cavp_keywrap(vec_ctx *v);   /* KW, KWP */
void cavp_mac(vec_ctx *v);       /* CMAC-AES, HMAC */
void cavp_sha(vec_ctx *v);       /* SHA-1, SHA-2, SHA-3 messages */
void cavp_monte(vec_ctx *v);     /* SHA Monte Carlo */
void cavp_chacha(vec_ctx *v);    /* ChaCha20-Poly1305 */

/* The FAMILY arguments (args[0..n)): 0 if each is a family or "all"; else
 * prints usage and the families, 2. */
int cavp_args_check(const char *usage, int n, char **args);
/* Runs the families args name, or all of them if n is 0. */
void cavp_run(vec_ctx *v, int n, char **args);

#endif
