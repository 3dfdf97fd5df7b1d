/* SPDX-License-Identifier: Apache-2.0 */
/* AES-GCM, AES-CCM and ChaCha20-Poly1305 with EVP's semantics on top of
 * the kernel's one-shot AEAD requests.
 *
 * EVP gives AAD and data in updates, must get the data's output at update
 * (final gets no output room), and gives or wants the tag around final.
 * So: AAD is gathered; the first data update is one kernel request over
 * all of it. Encrypting, that request yields the tag for final and
 * GET_TAG. Decrypting with the tag already set (libssl's TLS 1.3 order) it
 * verifies at once. Decrypting without the tag, an ENCRYPT request over the
 * ciphertext gives the plaintext (GCM, CCM's and ChaCha20's data part are
 * a keystream XOR) and final verifies with one DECRYPT request over the
 * kept ciphertext, the kernel comparing the tags in constant time.
 *
 * Further data updates of the same message get their output from the data
 * keystream at their offset (common/'s kc_aead_keystream: kernel ctr(aes)
 * for GCM, chacha20 for ChaCha20-Poly1305), one request of their own size;
 * the tag then comes from one request at final.
 * A message that outgrows one kernel request continues in OpenSSL's
 * default implementation. CCM takes its data in one update, as in OpenSSL.
 *
 * TLS 1.2 records (tls-aad set) are in aead_tls.c. */
#include "aead.h"

#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* CCM: nonce, tag and message lengths are fixed before the data */
static int is_ccm(const kcp_aead *a)
{
    return kc_alg(a->alg)->lengths_upfront;
}

/* GCM: an IV generator (random IV on encrypt, TLS invocation field) */
static int has_ivgen(const kcp_aead *a)
{
    return kc_alg(a->alg)->tls_nonce == KC_TLS_NONCE_FIXED_IVGEN;
}

/* Outside CCM (which checks against the length set): the table's rule */
static int nonce_len_ok(const kcp_aead *a, size_t n)
{
    const kc_alg_info *i = kc_alg(a->alg);
    return i->nonce_any_len ? n >= 1 && n <= KCP_IV_MAX : kc_alg_len_in(i->nonce_lens, n);
}

/* The tag length an encryption request produces: CCM's M, else the full
 * tag, which GET_TAG may truncate as OpenSSL allows. */
static size_t enc_taglen(const kcp_aead *a)
{
    return is_ccm(a) ? a->taglen : KCP_TAG_MAX;
}

void *kcp_aead_newctx(void *provctx, int slot)
{
    kcp_prov *p = provctx;
    const kcp_slot *s = kcp_slot_get(slot);
    kcp_aead *a = OPENSSL_zalloc(sizeof(*a));
    if (!a) {
        KCP_ERR(p, KCP_R_NOMEM, "AEAD: out of memory");
        return NULL;
    }
    a->p = p;
    a->alg = s->alg;
    a->keylen = s->keylen;
    kcp_expand_name(a->name, sizeof(a->name), kcp_names_of(s->alg)->name, s->bits);
    /* OpenSSL's defaults: GCM and ChaCha20 96-bit nonces; CCM L=8 (7-byte
     * nonce) and M=12 */
    a->ivlen = is_ccm(a) ? 7 : 12;
    a->taglen = is_ccm(a) ? 12 : KCP_TAG_MAX;
    return a;
}

static void reset_message(kcp_aead *a)
{
    if (a->data)
        OPENSSL_cleanse(a->data, a->datalen);
    a->aadlen = a->datalen = 0;
    a->data_seen = a->verified = 0;
    a->ccm_len_set = a->ccm_aad_seen = 0;
    EVP_CIPHER_CTX_free(a->soft);
    a->soft = NULL;
}

static void aead_free(void *vctx)
{
    kcp_aead *a = vctx;
    if (!a)
        return;
    reset_message(a);
    kcp_aead_drop_kernel(a);
    OPENSSL_clear_free(a->aad, a->aadcap);
    OPENSSL_clear_free(a->data, a->datacap);
    OPENSSL_clear_free(a, sizeof(*a));
}

/* Append to one of the message's buffers: common/'s message buffer
 * (growth, wiping what it held) over the context's fields. */
static int append(kcp_aead *a, unsigned char **buf, size_t *len, size_t *cap,
                  const unsigned char *in, size_t inl)
{
    kc_msgbuf b = { *buf, *len, *cap };
    kc_status st = kc_msgbuf_append(&b, in, inl, SIZE_MAX, NULL);
    *buf = b.data;
    *len = b.len;
    *cap = b.cap;
    if (st != KC_OK)
        KCP_ERR(a->p, KCP_R_NOMEM, "%s: out of memory", a->name);
    return st == KC_OK;
}

static void *aead_dup(void *vctx)
{
    kcp_aead *src = vctx;
    kcp_aead *a = OPENSSL_memdup(src, sizeof(*src));
    if (!a) {
        KCP_ERR(src->p, KCP_R_NOMEM, "%s: out of memory", src->name);
        return NULL;
    }
    /* the copy opens its own kernel transform from the key when it needs one */
    a->k = NULL;
    a->ks = NULL;
    a->aad = a->data = NULL;
    a->aadlen = a->aadcap = a->datalen = a->datacap = 0;
    a->soft = NULL;
    if (!append(a, &a->aad, &a->aadlen, &a->aadcap, src->aad, src->aadlen) ||
        !append(a, &a->data, &a->datalen, &a->datacap, src->data, src->datalen) ||
        (src->soft && (!(a->soft = EVP_CIPHER_CTX_new()) ||
                       !EVP_CIPHER_CTX_copy(a->soft, src->soft)))) {
        aead_free(a);
        return NULL;
    }
    return a;
}

static int aead_set_ctx_params(void *vctx, const OSSL_PARAM params[]);

static int aead_init(kcp_aead *a, const unsigned char *key, size_t keylen,
                     const unsigned char *iv, size_t ivlen, const OSSL_PARAM params[], int enc)
{
    a->enc = enc;
    if (iv) {
        int ok = is_ccm(a) ? ivlen == a->ivlen : nonce_len_ok(a, ivlen);
        if (!ok) {
            KCP_ERR(a->p, KCP_R_INVALID_IV_LENGTH, "%s: invalid IV length %zu", a->name, ivlen);
            return 0;
        }
        a->ivlen = ivlen;
        memcpy(a->iv, iv, ivlen);
        a->iv_state = IV_SET;
    }
    if (key) {
        if (keylen != a->keylen) {
            KCP_ERR(a->p, KCP_R_INVALID_KEY_LENGTH, "%s: key must be %zu bytes, got %zu", a->name,
                    a->keylen, keylen);
            return 0;
        }
        memcpy(a->key, key, keylen);
        a->key_set = 1;
        kcp_aead_drop_kernel(a);
    }
    reset_message(a);
    a->tag_ready = 0;
    a->tls_aad_set = 0;
    return aead_set_ctx_params(a, params);
}

static int aead_einit(void *vctx, const unsigned char *key, size_t keylen,
                      const unsigned char *iv, size_t ivlen, const OSSL_PARAM params[])
{
    return aead_init(vctx, key, keylen, iv, ivlen, params, 1);
}

static int aead_dinit(void *vctx, const unsigned char *key, size_t keylen,
                      const unsigned char *iv, size_t ivlen, const OSSL_PARAM params[])
{
    return aead_init(vctx, key, keylen, iv, ivlen, params, 0);
}

/* OpenSSL makes up a random GCM IV for an encryption that has none. */
static int need_iv(kcp_aead *a)
{
    if (!a->key_set) {
        KCP_ERR(a->p, KCP_R_BAD_STATE, "%s: no key set", a->name);
        return 0;
    }
    if (a->iv_state == IV_NONE && a->enc && has_ivgen(a)) {
        if (!kcp_getrandom(a->iv, a->ivlen)) {
            KCP_ERR(a->p, KCP_R_KERNEL_FAILURE, "%s: getrandom failed", a->name);
            return 0;
        }
        a->iv_state = IV_SET;
    }
    if (a->iv_state != IV_SET) {
        KCP_ERR(a->p, KCP_R_BAD_STATE, "%s: %s", a->name,
                a->iv_state == IV_USED ? "IV already used; set a new one" : "no IV set");
        return 0;
    }
    return 1;
}

/* Continue this message in OpenSSL's default implementation, replaying
 * what the kernel has already seen (its output was already returned). */
static int soft_switch(kcp_aead *a, const char *why)
{
    const EVP_CIPHER *c;
    if (!kcp_soft_permitted(a->p, a->name, why) ||
        !(c = kcp_soft_cipher(a->p, a->alg, a->keylen)))
        return 0;
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    unsigned char *junk = a->datalen ? OPENSSL_malloc(a->datalen) : NULL;
    int n, ok = x && (!a->datalen || junk) && a->aadlen <= INT_MAX && a->datalen <= INT_MAX &&
                EVP_CipherInit_ex2(x, c, NULL, NULL, a->enc, NULL) &&
                EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_IVLEN, (int)a->ivlen, NULL) > 0 &&
                EVP_CipherInit_ex2(x, NULL, a->key, a->iv, a->enc, NULL) &&
                (!a->aadlen || EVP_CipherUpdate(x, NULL, &n, a->aad, (int)a->aadlen)) &&
                (!a->datalen || EVP_CipherUpdate(x, junk, &n, a->data, (int)a->datalen));
    OPENSSL_clear_free(junk, a->datalen);
    if (!ok) {
        EVP_CIPHER_CTX_free(x);
        KCP_ERR(a->p, KCP_R_SOFTWARE_FAILED, "%s: default implementation refused the message",
                a->name);
        return 0;
    }
    a->soft = x;
    OPENSSL_cleanse(a->data, a->datalen);
    kcp_count(KCP_ST_SOFTWARE_OPS, 1);
    return 1;
}

static int aad_update(kcp_aead *a, const unsigned char *in, size_t inl)
{
    if (!need_iv(a))
        return 0;
    if (a->data_seen) {
        KCP_ERR(a->p, KCP_R_BAD_STATE, "%s: AAD after data", a->name);
        return 0;
    }
    if (is_ccm(a) && !a->ccm_len_set && inl) {
        KCP_ERR(a->p, KCP_R_BAD_STATE, "%s: CCM needs the message length before AAD", a->name);
        return 0;
    }
    if (is_ccm(a) && inl && a->ccm_aad_seen) {
        /* SP 800-38C encodes the AAD's total length ahead of it; OpenSSL's
         * CCM would encode each piece as a message of its own and answer
         * with a tag no other implementation computes. */
        KCP_ERR(a->p, KCP_R_BAD_STATE, "%s: CCM takes its AAD in one call", a->name);
        return 0;
    }
    if (is_ccm(a) && inl)
        a->ccm_aad_seen = 1;
    if (a->soft) {
        int n;
        return EVP_CipherUpdate(a->soft, NULL, &n, in, (int)inl);
    }
    return append(a, &a->aad, &a->aadlen, &a->aadcap, in, inl);
}

/* The first data update: one request over everything. */
static int first_data(kcp_aead *a, unsigned char *out, const unsigned char *in, size_t inl)
{
    unsigned char scratch[KCP_TAG_MAX];
    int r;
    kcp_count(KCP_ST_AEAD_RECORDS, 1);
    if (a->enc) {
        r = kcp_aead_request(a, 1, a->iv, a->ivlen, a->aad, a->aadlen, in, inl, out, a->tag,
                             enc_taglen(a));
        a->tag_ready = r == 1;
        return r == 1;
    }
    if (a->tag_set) {
        r = kcp_aead_request(a, 0, a->iv, a->ivlen, a->aad, a->aadlen, in, inl, out, a->tag,
                             a->taglen);
        if (r == 1) {
            a->verified = 1;
            return 1;
        }
        if (r == 0)
            return 0;
        /* the tag may cover more data still to come: decide at final */
    }
    /* any tag length the open transform has will do: the tag is discarded.
     * The input is the kept copy: in place, in is out. */
    size_t tl = a->k && kc_aead_tag_len_ok(a->alg, a->k_taglen) ? a->k_taglen : KCP_TAG_MAX;
    r = kcp_aead_request(a, 1, a->iv, a->ivlen, NULL, 0, a->data, inl, out, scratch, tl);
    OPENSSL_cleanse(scratch, sizeof(scratch));
    return r == 1;
}

/* A later data update: the output for bytes [off, off + inl). */
static int later_data(kcp_aead *a, unsigned char *out, const unsigned char *in, size_t inl,
                      size_t off)
{
    a->tag_ready = 0;
    a->verified = 0;
    /* the output from the keystream, the tag from one request at final:
     * linear in the message however many updates bring it */
    if (a->ivlen == 12 && (a->alg == KC_CHACHA20_POLY1305 ||
                           (a->alg == KC_AES_GCM && kc_available(KC_AES_CTR)))) {
        int r = kcp_aead_keystream(a, off, in, inl, out);
        if (r >= 0)
            return r;
        /* no socket for the keystream: the rest of the message in software */
        int n;
        OPENSSL_cleanse(a->data + off, inl);
        a->datalen = off;
        if (!soft_switch(a, "no kernel socket"))
            return 0;
        if (!EVP_CipherUpdate(a->soft, out, &n, in, (int)inl)) {
            KCP_ERR(a->p, KCP_R_SOFTWARE_FAILED, "%s: default implementation failed", a->name);
            return 0;
        }
        return 1;
    }
    unsigned char tag[KCP_TAG_MAX];
    unsigned char *tmp = OPENSSL_malloc(a->datalen);
    if (!tmp) {
        KCP_ERR(a->p, KCP_R_NOMEM, "%s: out of memory", a->name);
        return 0;
    }
    int r = kcp_aead_request(a, 1, a->iv, a->ivlen, a->enc ? a->aad : NULL,
                             a->enc ? a->aadlen : 0, a->data, a->datalen, tmp, tag,
                             KCP_TAG_MAX);
    if (r == 1) {
        memcpy(out, tmp + off, inl);
        if (a->enc) {
            memcpy(a->tag, tag, sizeof(tag));
            a->tag_ready = 1;
        }
    }
    OPENSSL_clear_free(tmp, a->datalen);
    return r == 1;
}

static int ccm_data(kcp_aead *a, unsigned char *out, const unsigned char *in, size_t inl)
{
    if (a->ccm_len_set && a->ccm_msglen != inl) {
        KCP_ERR(a->p, KCP_R_INVALID_ARGUMENT, "%s: %zu bytes of data, %zu announced", a->name, inl,
                a->ccm_msglen);
        return 0;
    }
    if (a->data_seen) {
        KCP_ERR(a->p, KCP_R_BAD_STATE, "%s: CCM takes its data in one update", a->name);
        return 0;
    }
    if (!a->enc && !a->tag_set) {
        KCP_ERR(a->p, KCP_R_BAD_STATE, "%s: set the tag before decrypting", a->name);
        return 0;
    }
    a->data_seen = 1;
    kcp_count(KCP_ST_AEAD_RECORDS, 1);
    int r = kcp_aead_request(a, a->enc, a->iv, a->ivlen, a->aad, a->aadlen, in, inl, out, a->tag,
                             a->taglen);
    if (a->enc) {
        a->tag_ready = r == 1;
        return r == 1;
    }
    /* OpenSSL's CCM needs a new IV, tag and length for the next message */
    a->iv_state = IV_NONE;
    a->tag_set = 0;
    a->ccm_len_set = 0;
    if (r == -1) {
        kcp_count(KCP_ST_AEAD_AUTH_FAILURES, 1);
        KCP_ERR(a->p, KCP_R_AUTH_FAILED, "%s: tag mismatch", a->name);
    }
    return r == 1;
}

static int data_update(kcp_aead *a, unsigned char *out, const unsigned char *in, size_t inl)
{
    if (!need_iv(a))
        return 0;
    if (is_ccm(a))
        return ccm_data(a, out, in, inl);
    a->data_seen = 1;
    if (!a->soft) {
        size_t off = a->datalen;
        const char *why = NULL;
        if (!kc_aead_nonce_len_ok(a->alg, a->ivlen))
            why = "nonce length the kernel transform does not take";
        else if (a->aadlen + off + inl > kcp_aead_kernel_limit(a))
            why = "message larger than one kernel request";
        if (why) {
            if (!soft_switch(a, why))
                return 0;
        } else {
            /* kept before the request: out may alias in */
            if (!append(a, &a->data, &a->datalen, &a->datacap, in, inl))
                return 0;
            return off == 0 ? first_data(a, out, in, inl) : later_data(a, out, in, inl, off);
        }
    }
    int n;
    if (!EVP_CipherUpdate(a->soft, out, &n, in, (int)inl)) {
        KCP_ERR(a->p, KCP_R_SOFTWARE_FAILED, "%s: default implementation failed", a->name);
        return 0;
    }
    return 1;
}

static int aead_update(void *vctx, unsigned char *out, size_t *outl, size_t outsize,
                       const unsigned char *in, size_t inl)
{
    kcp_aead *a = vctx;
    *outl = 0;
    if (a->tls_aad_set && out)
        return kcp_aead_tls_record(a, out, outl, outsize, in, inl);
    if (inl > INT_MAX) {
        KCP_ERR(a->p, KCP_R_INVALID_ARGUMENT, "%s: update too large", a->name);
        return 0;
    }
    if (is_ccm(a) && !in && !out) {
        /* CCM: the total message length, ahead of the AAD */
        a->ccm_msglen = inl;
        a->ccm_len_set = 1;
        a->ccm_aad_seen = 0;
        return 1;
    }
    if (!inl && !(is_ccm(a) && out))
        return 1;
    if (!out)
        return aad_update(a, in, inl);
    if (outsize < inl) {
        KCP_ERR(a->p, KCP_R_OUTPUT_TOO_SMALL, "%s: output too small", a->name);
        return 0;
    }
    if (!data_update(a, out, in, inl))
        return 0;
    *outl = inl;
    return 1;
}

static int aead_final(void *vctx, unsigned char *out, size_t *outl, size_t outsize)
{
    kcp_aead *a = vctx;
    unsigned char tag[KCP_TAG_MAX];
    (void)out, (void)outsize;
    *outl = 0;
    if (is_ccm(a) || a->tls_aad_set)
        return 1;
    if (!need_iv(a))
        return 0;
    if (!a->enc && !a->tag_set) {
        KCP_ERR(a->p, KCP_R_BAD_STATE, "%s: tag not set before final", a->name);
        return 0;
    }
    int r = 1, n;
    if (a->soft) {
        if (!a->enc &&
            EVP_CIPHER_CTX_ctrl(a->soft, EVP_CTRL_AEAD_SET_TAG, (int)a->taglen, a->tag) <= 0)
            r = 0;
        else if (!EVP_CipherFinal_ex(a->soft, tag, &n))
            r = a->enc ? 0 : -1;
        else if (a->enc && EVP_CIPHER_CTX_ctrl(a->soft, EVP_CTRL_AEAD_GET_TAG, KCP_TAG_MAX,
                                               a->tag) <= 0)
            r = 0;
        if (r == 0)
            KCP_ERR(a->p, KCP_R_SOFTWARE_FAILED, "%s: default implementation failed", a->name);
    } else if (a->enc ? !a->tag_ready : !(a->verified && a->data_seen)) {
        unsigned char *tmp = a->datalen ? OPENSSL_malloc(a->datalen) : NULL;
        if (a->datalen && !tmp) {
            KCP_ERR(a->p, KCP_R_NOMEM, "%s: out of memory", a->name);
            return 0;
        }
        if (!a->data_seen)
            kcp_count(KCP_ST_AEAD_RECORDS, 1);
        r = kcp_aead_request(a, a->enc, a->iv, a->ivlen, a->aad, a->aadlen, a->data, a->datalen,
                             tmp, a->tag, a->enc ? enc_taglen(a) : a->taglen);
        OPENSSL_clear_free(tmp, a->datalen);
    }
    a->iv_state = IV_USED;
    reset_message(a);
    if (a->enc)
        a->tag_ready = r == 1;
    if (r == -1) {
        kcp_count(KCP_ST_AEAD_AUTH_FAILURES, 1);
        KCP_ERR(a->p, KCP_R_AUTH_FAILED, "%s: tag mismatch", a->name);
    }
    return r == 1;
}

/* EVP_Cipher: for AEADs the same as update, and final when in is NULL. */
static int aead_cipher(void *vctx, unsigned char *out, size_t *outl, size_t outsize,
                       const unsigned char *in, size_t inl)
{
    kcp_aead *a = vctx;
    if (a->tls_aad_set)
        return kcp_aead_tls_record(a, out, outl, outsize, in, inl);
    if (!in)
        return aead_final(vctx, out, outl, outsize);
    return aead_update(vctx, out, outl, outsize, in, inl);
}

static const OSSL_PARAM aead_gettable_ctx_list[] = {
    OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_KEYLEN, NULL),
    OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_IVLEN, NULL),
    OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_AEAD_TAGLEN, NULL),
    OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_IV, NULL, 0),
    OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_UPDATED_IV, NULL, 0),
    OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, NULL, 0),
    OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_AEAD_TLS1_AAD_PAD, NULL),
    OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_AEAD_TLS1_GET_IV_GEN, NULL, 0),
    OSSL_PARAM_END
};

static const OSSL_PARAM aead_settable_ctx_list[] = {
    OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_KEYLEN, NULL),
    OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_AEAD_IVLEN, NULL),
    OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, NULL, 0),
    OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_AEAD_TLS1_AAD, NULL, 0),
    OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_AEAD_TLS1_IV_FIXED, NULL, 0),
    OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_AEAD_TLS1_SET_IV_INV, NULL, 0),
    OSSL_PARAM_END
};

static const OSSL_PARAM *aead_gettable_ctx(void *cctx, void *provctx)
{
    (void)cctx, (void)provctx;
    return aead_gettable_ctx_list;
}

static const OSSL_PARAM *aead_settable_ctx(void *cctx, void *provctx)
{
    (void)cctx, (void)provctx;
    return aead_settable_ctx_list;
}

static int put_iv(kcp_aead *a, OSSL_PARAM *q)
{
    if (a->iv_state == IV_NONE && a->enc && has_ivgen(a) && a->key_set && !need_iv(a))
        return 0;
    if (q->data && q->data_size < a->ivlen) {
        KCP_ERR(a->p, KCP_R_INVALID_IV_LENGTH, "%s: IV buffer too small", a->name);
        return 0;
    }
    return OSSL_PARAM_set_octet_string(q, a->iv, a->ivlen) ||
           OSSL_PARAM_set_octet_ptr(q, a->iv, a->ivlen);
}

static int aead_get_ctx_params(void *vctx, OSSL_PARAM params[])
{
    kcp_aead *a = vctx;
    OSSL_PARAM *q;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_KEYLEN)) &&
        !OSSL_PARAM_set_size_t(q, a->keylen))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_IVLEN)) &&
        !OSSL_PARAM_set_size_t(q, a->ivlen))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_AEAD_TAGLEN)) &&
        !OSSL_PARAM_set_size_t(q, a->taglen))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_IV)) && !put_iv(a, q))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_UPDATED_IV)) && !put_iv(a, q))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_AEAD_TLS1_AAD_PAD)) &&
        !OSSL_PARAM_set_size_t(q, a->tls_pad))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_AEAD_TAG))) {
        size_t sz = q->data_size;
        int ok = a->enc && a->tag_ready && q->data_type == OSSL_PARAM_OCTET_STRING && q->data &&
                 (is_ccm(a) ? sz == a->taglen : sz >= 1 && sz <= KCP_TAG_MAX);
        if (!ok) {
            KCP_ERR(a->p, KCP_R_INVALID_TAG, "%s: %s", a->name,
                    !a->enc || !a->tag_ready ? "no tag computed yet (encrypt and final first)"
                                             : "invalid tag length");
            return 0;
        }
        memcpy(q->data, a->tag, sz);
        q->return_size = sz;
        if (is_ccm(a)) {
            a->tag_ready = 0;
            a->iv_state = IV_NONE;
            a->ccm_len_set = 0;
        }
    }
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_AEAD_TLS1_GET_IV_GEN)) &&
        (!q->data || q->data_type != OSSL_PARAM_OCTET_STRING ||
         !kcp_aead_tls_get_ivgen(a, q->data, q->data_size)))
        return 0;
    return 1;
}

static int set_tag(kcp_aead *a, const OSSL_PARAM *q)
{
    size_t sz = q->data_size;
    int ok = q->data_type == OSSL_PARAM_OCTET_STRING &&
             (is_ccm(a) ? kc_alg_len_in(kc_alg(a->alg)->tag_lens, sz)
                        : sz >= 1 && sz <= KCP_TAG_MAX);
    if (!ok || (has_ivgen(a) && !q->data)) {
        KCP_ERR(a->p, KCP_R_INVALID_TAG, "%s: invalid tag length %zu", a->name, sz);
        return 0;
    }
    if (q->data) {
        if (a->enc) {
            KCP_ERR(a->p, KCP_R_INVALID_TAG, "%s: a tag is set only to decrypt", a->name);
            return 0;
        }
        memcpy(a->tag, q->data, sz);
        a->tag_set = 1;
        a->verified = 0;
    }
    a->taglen = sz;
    return 1;
}

static int set_ivlen(kcp_aead *a, const OSSL_PARAM *q)
{
    size_t sz;
    if (!OSSL_PARAM_get_size_t(q, &sz))
        return 0;
    int ok = is_ccm(a) ? kc_alg_len_in(kc_alg(a->alg)->nonce_lens, sz) : nonce_len_ok(a, sz);
    if (!ok) {
        KCP_ERR(a->p, KCP_R_INVALID_IV_LENGTH, "%s: invalid IV length %zu", a->name, sz);
        return 0;
    }
    if (sz != a->ivlen && a->iv_state == IV_SET)
        a->iv_state = IV_USED;   /* the IV given no longer fits */
    a->ivlen = sz;
    return 1;
}

static int aead_set_ctx_params(void *vctx, const OSSL_PARAM params[])
{
    kcp_aead *a = vctx;
    const OSSL_PARAM *q;
    size_t sz;
    if (!params)
        return 1;
    if ((q = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_AEAD_TAG)) && !set_tag(a, q))
        return 0;
    if ((q = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_AEAD_IVLEN)) && !set_ivlen(a, q))
        return 0;
    if ((q = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_KEYLEN))) {
        if (!OSSL_PARAM_get_size_t(q, &sz) || sz != a->keylen) {
            KCP_ERR(a->p, KCP_R_INVALID_KEY_LENGTH, "%s: key length is fixed at %zu", a->name,
                    a->keylen);
            return 0;
        }
    }
    if ((q = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_AEAD_TLS1_AAD))) {
        if (q->data_type != OSSL_PARAM_OCTET_STRING || !q->data ||
            !kcp_aead_tls_set_aad(a, q->data, q->data_size)) {
            KCP_ERR(a->p, KCP_R_INVALID_ARGUMENT, "%s: invalid TLS AAD", a->name);
            return 0;
        }
    }
    if ((q = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_AEAD_TLS1_IV_FIXED))) {
        if (q->data_type != OSSL_PARAM_OCTET_STRING || !q->data ||
            !kcp_aead_tls_set_fixed(a, q->data, q->data_size)) {
            KCP_ERR(a->p, KCP_R_INVALID_IV_LENGTH, "%s: invalid TLS fixed IV", a->name);
            return 0;
        }
    }
    if ((q = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_AEAD_TLS1_SET_IV_INV)) &&
        (q->data_type != OSSL_PARAM_OCTET_STRING || !q->data ||
         !kcp_aead_tls_set_ivinv(a, q->data, q->data_size)))
        return 0;
    return 1;
}

int kcp_aead_get_params(int slot, OSSL_PARAM params[])
{
    const kcp_slot *s = kcp_slot_get(slot);
    unsigned mode = kcp_evp_mode(kc_alg(s->alg)->evp_mode);
    /* as OpenSSL reports them: 96-bit IVs at cipher level, CCM included */
    return kcp_cipher_generic_get_params(params, mode, s->keylen, 1, 12, 1, 1);
}

const OSSL_DISPATCH kcp_aead_functions[] = {
    { OSSL_FUNC_CIPHER_FREECTX, (void (*)(void))aead_free },
    { OSSL_FUNC_CIPHER_DUPCTX, (void (*)(void))aead_dup },
    { OSSL_FUNC_CIPHER_ENCRYPT_INIT, (void (*)(void))aead_einit },
    { OSSL_FUNC_CIPHER_DECRYPT_INIT, (void (*)(void))aead_dinit },
    { OSSL_FUNC_CIPHER_UPDATE, (void (*)(void))aead_update },
    { OSSL_FUNC_CIPHER_FINAL, (void (*)(void))aead_final },
    { OSSL_FUNC_CIPHER_CIPHER, (void (*)(void))aead_cipher },
    { OSSL_FUNC_CIPHER_GETTABLE_PARAMS, (void (*)(void))kcp_cipher_gettable_params },
    { OSSL_FUNC_CIPHER_GET_CTX_PARAMS, (void (*)(void))aead_get_ctx_params },
    { OSSL_FUNC_CIPHER_SET_CTX_PARAMS, (void (*)(void))aead_set_ctx_params },
    { OSSL_FUNC_CIPHER_GETTABLE_CTX_PARAMS, (void (*)(void))aead_gettable_ctx },
    { OSSL_FUNC_CIPHER_SETTABLE_CTX_PARAMS, (void (*)(void))aead_settable_ctx },
    { 0, NULL }
};
