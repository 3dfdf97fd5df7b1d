/* SPDX-License-Identifier: Apache-2.0 */
/* The block cipher modes' context, shared by cipher.c (EVP semantics) and
 * cipher_tls.c (libssl's per-record CBC padding and MAC removal). */
#ifndef KCP_CIPHER_H
#define KCP_CIPHER_H

#include "prov.h"

#include "kc/cts.h"

/* Room for the largest block/IV of a cipher in the table; block sizes
 * themselves come from kc_alg()->block_size (kcp_cipher_newctx refuses an
 * entry that does not fit). */
#define KCP_BLOCK_MAX 16
#define KCP_MAX_MAC 64
/* The most one kernel request carries in common/ (KC_REQUEST_MAX, private
 * to common/src/afalg.h): XTS units beyond it go to the software path. */
#define KCP_REQUEST_MAX (128u * 1024u)

typedef struct {
    kcp_prov *p;
    kc_alg_id alg;
    size_t block;                   /* padding unit: the table's block size, 1 for streams */
    size_t ivlen;                   /* the table's IV size; CTR: the counter block */
    size_t keylen;
    char name[40];
    unsigned char key[64];
    int key_set;
    unsigned char oiv[KCP_BLOCK_MAX];   /* the IV given at init */
    unsigned char iv[KCP_BLOCK_MAX];    /* the IV the next kernel message starts with */
    int iv_set;                     /* an IV was given (XTS needs one, as in OpenSSL) */
    int enc, pad;
    kc_cipher *c;
    int started;                    /* a kernel message is open on c */
    kc_blockpad bp;                 /* ECB/CBC: partial block, or the held-back last block */
    unsigned long long ctr_bytes;   /* CTR: bytes since the IV was set, for "num" */
    size_t ctr_skip;                /* CTR: keystream bytes to drop when the message starts */
    kc_cts_order cts;               /* CBC-CTS: the cts_mode asked for (CS1 by default) */
    int cts_done;                   /* CBC-CTS: the message's one update has run */
    EVP_CIPHER_CTX *soft;           /* this message runs in OpenSSL's default implementation */
    EVP_CIPHER_CTX *engine;         /* no kernel socket to be had: the blocks of this message
                                     * run here (no padding), from where the kernel stood */
    /* TLS records (libssl sets tls-version): padding and MAC handled here */
    unsigned tlsversion;
    size_t tlsmacsize;
    unsigned char tlsmac[KCP_MAX_MAC];
    unsigned char randmac[KCP_MAX_MAC];
    int have_tlsmac;
} kcp_cipher;

/* Make sure a kernel message is open on k->c (creating the socket if
 * needed; in a fork child, one of its own). 1 ready, 0 error raised, -1 no
 * socket to be had and software may serve. */
int kcp_cipher_kernel_start(kcp_cipher *k);
/* Whole blocks through the open kernel message (or, without a socket, the
 * software engine), in place allowed. */
int kcp_cipher_kernel_blocks(kcp_cipher *k, const unsigned char *in, size_t len,
                             unsigned char *out);
/* One TLS record through EVP_CipherUpdate semantics (cipher_tls.c). */
int kcp_cipher_tls_record(kcp_cipher *k, unsigned char *out, size_t *outl, size_t outsize,
                          const unsigned char *in, size_t inl);

#endif
