/* SPDX-License-Identifier: Apache-2.0 */
/* TLS 1.0-1.2 CBC record unpadding, in constant time in the padding
 * length (Lucky 13, RFC 5246 section 6.2.3.2): a record with bad padding
 * yields a MAC that will not verify instead of an early error. Pure code
 * (no kernel, no OpenSSL), so the host unit tests run it directly. */
#include "tls_unpad.h"

#include "kc/kc.h"

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

int kcp_tls_unpad(const unsigned char *rec, size_t *len, size_t block, int explicit_iv,
                  size_t mac, const unsigned char *rand_mac, unsigned char *mac_out,
                  int *have_mac)
{
    const unsigned char *data = rec;
    size_t n = *len;
    *have_mac = 0;
    if (mac > KCP_TLS_MAX_MAC)
        return 0;
    if (explicit_iv) {      /* TLS 1.1+ and DTLS: explicit IV block */
        if (n < block)
            return 0;
        data += block;
        n -= block;
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
        if (!good)
            return 0;
        *len = n;
        return 1;
    }

    /* the MAC ends where the padding starts, which may be anywhere in the
     * last 256 + mac bytes: read all of them, keep the right ones */
    size_t mac_start = n - mac, scan = orig > mac + 256 ? orig - (mac + 256) : 0;
    unsigned char m[KCP_TLS_MAX_MAC] = { 0 };
    for (size_t i = scan; i < orig; i++) {
        size_t in_mac = ct_ge(i, mac_start) & ct_lt(i, n);
        size_t j = i - mac_start;
        for (size_t t = 0; t < mac; t++)
            m[t] |= data[i] & (unsigned char)(in_mac & ct_eq(j, t));
    }
    for (size_t t = 0; t < mac; t++)
        mac_out[t] = (unsigned char)((m[t] & good) | (rand_mac[t] & ~good));
    kc_wipe(m, sizeof(m));
    *have_mac = 1;
    *len = n - mac;
    return 1;
}
