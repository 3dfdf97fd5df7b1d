/* SPDX-License-Identifier: Apache-2.0 */
/* TLS 1.2 AEAD records as libssl drives them: it sets the 13-byte record
 * AAD (tls-aad, answered with the tag length to append), the fixed part
 * of the nonce once per key, and then passes each whole record, in place,
 * to EVP_CipherUpdate. A record is one kernel request.
 *
 *   GCM (RFC 5288):   explicit nonce (8) || payload || tag (16)
 *                     nonce = fixed (4) || explicit (8)
 *   CCM (RFC 6655):   explicit nonce (8) || payload || tag (M)
 *   ChaCha20-Poly1305 (RFC 7905): payload || tag (16)
 *                     nonce = fixed (12) XOR (0^32 || sequence number) */
#include "aead.h"

#include <openssl/crypto.h>
#include <string.h>

#define EXPLICIT_IV 8

static size_t record_taglen(const kcp_aead *a)
{
    return kc_alg(a->alg)->lengths_upfront ? a->taglen : KCP_TAG_MAX;
}

int kcp_aead_tls_set_aad(kcp_aead *a, const unsigned char *aad, size_t len)
{
    if (len != KCP_TLS_AAD_LEN)
        return 0;
    memcpy(a->tls_aad, aad, len);
    size_t n = (size_t)aad[11] << 8 | aad[12];
    size_t tag = record_taglen(a);
    size_t head = kc_alg(a->alg)->tls_explicit_nonce;
    if (n < head)
        return 0;
    n -= head;
    if (!a->enc) {
        if (n < tag)
            return 0;
        n -= tag;
    }
    /* the AAD carries the plaintext length */
    a->tls_aad[11] = (unsigned char)(n >> 8);
    a->tls_aad[12] = (unsigned char)n;
    a->tls_payload = n;
    a->tls_pad = tag;
    a->tls_aad_set = 1;
    return (int)tag;
}

int kcp_aead_tls_set_fixed(kcp_aead *a, const unsigned char *fixed, size_t len)
{
    switch (kc_alg(a->alg)->tls_nonce) {
    case KC_TLS_NONCE_FIXED_IVGEN:
        if (len == (size_t)-1) {     /* EVP's "restore the whole IV" */
            memcpy(a->iv, fixed, a->ivlen);
        } else {
            if (len < 4 || len > a->ivlen || a->ivlen - len < EXPLICIT_IV)
                return 0;
            memcpy(a->iv, fixed, len);
            /* the sender's invocation field starts anywhere; the receiver's
             * comes with each record */
            if (a->enc && !kcp_getrandom(a->iv + len, a->ivlen - len))
                return 0;
        }
        a->iv_gen = 1;
        a->iv_state = IV_SET;
        return 1;
    case KC_TLS_NONCE_FIXED_SEQ:
        if (len != 4)
            return 0;
        memcpy(a->iv, fixed, len);
        return 1;
    case KC_TLS_NONCE_XOR_SEQ:
        if (len != 12)
            return 0;
        memcpy(a->iv, fixed, len);
        a->ivlen = 12;
        a->iv_state = IV_SET;
        return 1;
    case KC_TLS_NONCE_NA:
        break;
    }
    return 0;
}

static void ctr64_inc(unsigned char *c)
{
    for (int i = 7; i >= 0; i--)
        if (++c[i])
            break;
}

int kcp_aead_tls_get_ivgen(kcp_aead *a, unsigned char *out, size_t len)
{
    if (kc_alg(a->alg)->tls_nonce != KC_TLS_NONCE_FIXED_IVGEN || !a->iv_gen || !a->key_set)
        return 0;
    if (len == 0 || len > a->ivlen)
        len = a->ivlen;
    memcpy(out, a->iv + a->ivlen - len, len);
    ctr64_inc(a->iv + a->ivlen - EXPLICIT_IV);
    a->iv_state = IV_SET;
    return 1;
}

int kcp_aead_tls_set_ivinv(kcp_aead *a, const unsigned char *in, size_t len)
{
    if (kc_alg(a->alg)->tls_nonce != KC_TLS_NONCE_FIXED_IVGEN || !a->iv_gen || !a->key_set ||
        a->enc || len > a->ivlen)
        return 0;
    memcpy(a->iv + a->ivlen - len, in, len);
    a->iv_state = IV_SET;
    return 1;
}

int kcp_aead_tls_record(kcp_aead *a, unsigned char *out, size_t *outl, size_t outsize,
                        const unsigned char *in, size_t inl)
{
    size_t tag = record_taglen(a);
    kc_tls_nonce rule = kc_alg(a->alg)->tls_nonce;
    int chacha = rule == KC_TLS_NONCE_XOR_SEQ;
    size_t head = kc_alg(a->alg)->tls_explicit_nonce;
    unsigned char nonce[KCP_IV_MAX];
    *outl = 0;
    a->tls_aad_set = 0;    /* one record per AAD, whatever happens */
    if (!a->key_set || !in || outsize < inl || inl < head + tag ||
        (!chacha && in != out) || (chacha && inl != a->tls_payload + tag)) {
        KCP_ERR(a->p, KCP_R_INVALID_ARGUMENT,
                "%s: malformed TLS record request (%zu bytes, in place: %s)", a->name, inl,
                in == out ? "yes" : "no");
        return 0;
    }
    size_t plen = inl - head - tag;
    size_t nlen = rule == KC_TLS_NONCE_FIXED_SEQ ? 12 : a->ivlen;
    if (rule == KC_TLS_NONCE_FIXED_IVGEN) {
        if (a->enc) {
            if (!kcp_aead_tls_get_ivgen(a, out, EXPLICIT_IV))
                goto state;
            /* get_ivgen has moved on: the nonce is the one just written */
            memcpy(nonce, a->iv, a->ivlen - EXPLICIT_IV);
            memcpy(nonce + a->ivlen - EXPLICIT_IV, out, EXPLICIT_IV);
        } else {
            if (!kcp_aead_tls_set_ivinv(a, in, EXPLICIT_IV))
                goto state;
            memcpy(nonce, a->iv, a->ivlen);
        }
    } else if (rule == KC_TLS_NONCE_FIXED_SEQ) {
        if (a->enc)          /* RFC 6655: the explicit nonce is the sequence number */
            memcpy(out, a->tls_aad, EXPLICIT_IV);
        memcpy(a->iv + 4, in, EXPLICIT_IV);
        memcpy(nonce, a->iv, 12);
    } else if (rule == KC_TLS_NONCE_XOR_SEQ) {
        memcpy(nonce, a->iv, 12);
        for (int i = 0; i < 8; i++)
            nonce[4 + i] ^= a->tls_aad[i];
    } else {
        goto state;   /* the table gives this AEAD no TLS nonce rule */
    }

    kcp_count(KCP_ST_AEAD_RECORDS, 1);
    kcp_count(KCP_ST_AEAD_TLS_RECORDS, 1);
    unsigned char *payload = out + head;
    int r = kcp_aead_request(a, a->enc, nonce, nlen, a->tls_aad, KCP_TLS_AAD_LEN, in + head, plen,
                             payload, (unsigned char *)(a->enc ? payload + plen : in + head + plen),
                             tag);
    a->iv_state = IV_USED;
    if (r == -1) {
        OPENSSL_cleanse(payload, plen);
        kcp_count(KCP_ST_AEAD_AUTH_FAILURES, 1);
        KCP_ERR(a->p, KCP_R_AUTH_FAILED, "%s: TLS record failed authentication", a->name);
        return 0;
    }
    if (r != 1)
        return 0;
    *outl = a->enc ? inl : plen;
    return 1;

state:
    KCP_ERR(a->p, KCP_R_BAD_STATE, "%s: TLS record before the fixed IV and key", a->name);
    return 0;
}
