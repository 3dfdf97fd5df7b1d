/* TLS 1.0-1.2 CBC records. For provider ciphers libssl hands the whole
 * record to EVP_CipherUpdate after setting tls-version and tls-mac-size,
 * and expects the provider to add the padding when sending, and to strip
 * the explicit IV, padding and MAC when receiving, then to hand out the
 * MAC through the tls-mac parameter. The receive side runs in constant time
 * in the padding length: a record with bad padding yields a MAC that will
 * not verify instead of an early error (Lucky 13, RFC 5246 section 6.2.3.2).
 * One record is one kernel request either way. */
#include "cipher.h"

#include <openssl/crypto.h>
#include <string.h>

#define TLS1_0 0x0301
#define SSL3_0 0x0300

/* All-ones when the condition holds, zero otherwise, without branches. */
static size_t ct_msb(size_t a)
{
    return (size_t)0 - (a >> (sizeof(a) * 8 - 1));
}

static size_t ct_lt(size_t a, size_t b)
{
    return ct_msb(a ^ ((a ^ b) | ((a - b) ^ b)));
}

static size_t ct_ge(size_t a, size_t b)
{
    return ~ct_lt(a, b);
}

static size_t ct_is_zero(size_t a)
{
    return ct_msb(~a & (a - 1));
}

static size_t ct_eq(size_t a, size_t b)
{
    return ct_is_zero(a ^ b);
}

/* rec/len: the decrypted record. On return *len is the payload length and
 * k->tlsmac the record's MAC (or k->randmac when the padding was bad).
 * Returns 0 only for records that are invalid from their length alone. */
static int tls_unpad(kcp_cipher *k, unsigned char *rec, size_t *len)
{
    unsigned char *data = rec;
    size_t n = *len, mac = k->tlsmacsize;
    if (k->tlsversion != TLS1_0) {      /* TLS 1.1+ and DTLS: explicit IV block */
        if (n < k->block)
            return 0;
        data += k->block;
        n -= k->block;
    }
    if (n < 1 + mac)
        return 0;

    size_t pad = data[n - 1];
    size_t good = ct_ge(n, 1 + mac + pad);
    size_t bad_bytes = 0, check = n < 256 ? n : 256;
    for (size_t i = 0; i < check; i++) {
        size_t in_pad = ct_ge(pad, i);
        bad_bytes |= in_pad & (pad ^ data[n - 1 - i]);
    }
    good &= ct_is_zero(bad_bytes);
    size_t orig = n;
    n -= good & (pad + 1);

    if (mac == 0) {
        /* encrypt-then-MAC: the MAC was checked before decryption, so the
         * padding result may be acted on directly */
        k->have_tlsmac = 0;
        if (!good)
            return 0;
        *len = n;
        return 1;
    }

    /* the MAC ends where the padding starts, which may be anywhere in the
     * last 256 + mac bytes: read all of them, keep the right ones */
    size_t mac_start = n - mac, scan = orig > mac + 256 ? orig - (mac + 256) : 0;
    unsigned char m[KCP_MAX_MAC] = { 0 };
    for (size_t i = scan; i < orig; i++) {
        size_t in_mac = ct_ge(i, mac_start) & ct_lt(i, n);
        size_t j = i - mac_start;
        for (size_t t = 0; t < mac; t++)
            m[t] |= data[i] & (unsigned char)(in_mac & ct_eq(j, t));
    }
    for (size_t t = 0; t < mac; t++)
        k->tlsmac[t] = (unsigned char)((m[t] & good) | (k->randmac[t] & ~good));
    OPENSSL_cleanse(m, sizeof(m));
    k->have_tlsmac = 1;
    *len = n - mac;
    return 1;
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
