/* SPDX-License-Identifier: Apache-2.0 */
/* TLS 1.0-1.2 CBC records. For provider ciphers libssl hands the whole
 * record to EVP_CipherUpdate after setting tls-version and tls-mac-size,
 * and expects the provider to add the padding when sending, and to strip
 * the explicit IV, padding and MAC when receiving, then to hand out the
 * MAC through the tls-mac parameter. The receive side runs in constant time
 * in the padding length: a record with bad padding yields a MAC that will
 * not verify instead of an early error (Lucky 13, RFC 5246 section 6.2.3.2).
 * One record is one kernel request either way. */
#include "cipher.h"
#include "tls_unpad.h"

#include <string.h>

#define TLS1_0 0x0301
#define SSL3_0 0x0300

/* rec/len: the decrypted record. On return *len is the payload length and
 * k->tlsmac the record's MAC (or k->randmac when the padding was bad).
 * Returns 0 only for records that are invalid from their length alone. */
static int tls_unpad(kcp_cipher *k, unsigned char *rec, size_t *len)
{
    return kcp_tls_unpad(rec, len, k->block, k->tlsversion != TLS1_0, k->tlsmacsize, k->randmac,
                         k->tlsmac, &k->have_tlsmac);
}

int kcp_cipher_tls_record(kcp_cipher *k, unsigned char *out, size_t *outl, size_t outsize,
                          const unsigned char *in, size_t inl)
{
    *outl = 0;
    if (!in || in != out || outsize < inl || !k->pad || k->tlsversion == SSL3_0) {
        KCP_ERR(k->p, KCP_R_INVALID_ARGUMENT,
                "%s: TLS records must be processed in place, padded, TLS 1.0 or later",
                k->name);
        return 0;
    }
    if (k->enc) {
        size_t padnum = k->block - inl % k->block;
        if (outsize < inl + padnum) {
            KCP_ERR(k->p, KCP_R_OUTPUT_TOO_SMALL, "%s: no room for the TLS padding", k->name);
            return 0;
        }
        memset(out + inl, (int)(padnum - 1), padnum);
        inl += padnum;
    }
    if (inl == 0 || inl % k->block) {
        KCP_ERR(k->p, KCP_R_INVALID_ARGUMENT, "%s: TLS record of %zu bytes is not whole blocks",
                k->name, inl);
        return 0;
    }
    if (!kcp_cipher_kernel_blocks(k, out, inl, out))
        return 0;
    kcp_count(KCP_ST_CIPHER_TLS_RECORDS, 1);
    *outl = inl;
    if (k->enc)
        return 1;
    if (!tls_unpad(k, out, outl)) {
        KCP_ERR(k->p, KCP_R_BAD_DECRYPT, "%s: TLS record too short for its MAC and padding",
                k->name);
        return 0;
    }
    return 1;
}
