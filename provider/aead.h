/* SPDX-License-Identifier: Apache-2.0 */
/* The AEAD context (AES-GCM, AES-CCM, ChaCha20-Poly1305), shared by aead.c
 * (EVP semantics), aead_req.c (one request, kernel or software) and
 * aead_tls.c (TLS 1.2 records). */
#ifndef KCP_AEAD_H
#define KCP_AEAD_H

#include "prov.h"

#define KCP_TAG_MAX 16
#define KCP_IV_MAX 128   /* GCM nonces, as OpenSSL's own GCM takes */
#define KCP_TLS_AAD_LEN 13
/* common/'s KC_REQUEST_MAX: the most one kernel AEAD request carries */
#define KCP_AEAD_REQUEST_LIMIT (128u * 1024u - KCP_TAG_MAX)

enum { IV_NONE, IV_SET, IV_USED };

typedef struct {
    kcp_prov *p;
    kc_alg_id alg;
    size_t keylen;
    char name[40];
    unsigned char key[32];
    int key_set;
    int enc;

    unsigned char iv[KCP_IV_MAX];
    size_t ivlen;
    int iv_state;

    /* tag: decrypt: the expected tag (tag_set); encrypt: the computed one
     * (tag_ready). taglen: GCM/ChaCha: the length set or asked for; CCM: M */
    unsigned char tag[KCP_TAG_MAX];
    size_t taglen;
    int tag_set, tag_ready;

    /* one message: all AAD and all data so far, since a kernel request
     * needs them whole */
    unsigned char *aad;
    size_t aadlen, aadcap;
    unsigned char *data;
    size_t datalen, datacap;
    int data_seen;          /* a data update happened in this message */
    int verified;           /* decrypt: the kernel checked the tag over all data so far */
    size_t ccm_msglen;
    int ccm_len_set;
    int ccm_aad_seen;       /* CCM formats its AAD with its length: one AAD call */

    kc_aead *k;             /* the kernel transform, for tag length k_taglen */
    size_t k_taglen;
    kc_aead_keystream *ks;  /* GCM, ChaCha20: output of the 2nd and later data updates */
    EVP_CIPHER_CTX *soft;   /* this message continues in OpenSSL's default implementation */

    /* TLS 1.2 records */
    unsigned char tls_aad[KCP_TLS_AAD_LEN];
    int tls_aad_set;
    size_t tls_pad;
    size_t tls_payload;     /* ChaCha20-Poly1305: payload length from the AAD */
    int iv_gen;             /* fixed IV part set: TLS IV generation in use */
} kcp_aead;

/* aead_req.c: one whole AEAD operation. Returns 1, or 0 after raising an
 * error, or -1 when decryption found the tag wrong (out is zeroed unless it
 * overlaps in, which is then left as it was). */
int kcp_aead_request(kcp_aead *a, int enc, const unsigned char *nonce, size_t nlen,
                     const unsigned char *aad, size_t aadlen, const unsigned char *in,
                     size_t len, unsigned char *out, unsigned char *tag, size_t taglen);
/* The largest aad + data that still fits one kernel request. */
size_t kcp_aead_kernel_limit(kcp_aead *a);
/* Bytes [off, off + len) of the data keystream (GCM, ChaCha20; 12-byte
 * nonce) XORed into in: 1, 0 after raising an error, -1 no socket to be
 * had and no software keystream (the message continues in software). */
int kcp_aead_keystream(kcp_aead *a, size_t off, const unsigned char *in, size_t len,
                       unsigned char *out);
void kcp_aead_drop_kernel(kcp_aead *a);

/* aead_tls.c */
int kcp_aead_tls_set_aad(kcp_aead *a, const unsigned char *aad, size_t len);
int kcp_aead_tls_set_fixed(kcp_aead *a, const unsigned char *fixed, size_t len);
int kcp_aead_tls_get_ivgen(kcp_aead *a, unsigned char *out, size_t len);
int kcp_aead_tls_set_ivinv(kcp_aead *a, const unsigned char *in, size_t len);
int kcp_aead_tls_record(kcp_aead *a, unsigned char *out, size_t *outl, size_t outsize,
                        const unsigned char *in, size_t inl);

#endif
