/* SPDX-License-Identifier: Apache-2.0 */
/* Host unit tests of the TLS 1.0-1.2 CBC record unpadding (provider/
 * tls_unpad.c): known records (valid padding of every length, each pad
 * byte wrong, a pad length past the record, too short), MAC-then-encrypt
 * (the MAC handed out, or the random one on bad padding) and
 * encrypt-then-MAC, then random records against a plain reference. */
#include "unit.h"
#include "tls_unpad.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

kct_tally *T;

/* The rules written plainly (not in constant time). */
static int ref_unpad(const unsigned char *rec, size_t *len, size_t block, int eiv, size_t mac,
                     const unsigned char *rnd, unsigned char *mac_out)
{
    const unsigned char *d = rec + (eiv ? block : 0);
    if (eiv && *len < block)
        return 0;
    size_t n = *len - (eiv ? block : 0);
    if (n < 1 + mac)
        return 0;
    size_t pad = d[n - 1];
    int ok = n >= 1 + mac + pad;
    for (size_t i = 0; ok && i <= pad; i++)
        ok = d[n - 1 - i] == pad;
    if (!mac) {
        if (!ok)
            return 0;
        *len = n - pad - 1;
        return 1;
    }
    size_t plen = ok ? n - pad - 1 - mac : n - mac;
    memcpy(mac_out, ok ? d + plen : rnd, mac);
    *len = plen;
    return 1;
}

/* A record: [IV] payload | MAC | padding (pad + 1 bytes of value pad). */
static size_t build(unsigned char *rec, size_t block, int eiv, size_t plen, size_t mac,
                    size_t pad)
{
    size_t at = 0;
    for (size_t i = 0; eiv && i < block; i++)
        rec[at++] = (unsigned char)(0xe0 + i);
    for (size_t i = 0; i < plen; i++)
        rec[at++] = (unsigned char)(i * 7);
    for (size_t i = 0; i < mac; i++)
        rec[at++] = (unsigned char)(0x80 | i);
    for (size_t i = 0; i <= pad; i++)
        rec[at++] = (unsigned char)pad;
    return at;
}

static unsigned char rnd[KCP_TLS_MAX_MAC];

static void known_area(void)
{
    const char *A = "known";
    unsigned char rec[1024], mo[KCP_TLS_MAX_MAC], want[KCP_TLS_MAX_MAC];
    for (size_t i = 0; i < 20; i++)
        want[i] = (unsigned char)(0x80 | i);
    /* every pad length, TLS 1.0 and 1.1+, HMAC-SHA1 (20) */
    for (int eiv = 0; eiv <= 1; eiv++)
        for (size_t pad = 0; pad < 256; pad++) {
            size_t plen = 16 * 3 + (16 - (20 + pad + 1) % 16) % 16;
            size_t len = build(rec, 16, eiv, plen, 20, pad);
            int have = 0;
            memset(mo, 0, sizeof mo);
            int r = kcp_tls_unpad(rec, &len, 16, eiv, 20, rnd, mo, &have);
            CHECK(A, r == 1 && have && len == plen && !memcmp(mo, want, 20),
                  "eiv %d pad %zu: r %d len %zu (want %zu)", eiv, pad, r, len, plen);
            if (pad == 0)
                continue;
            /* each padding byte wrong in turn (the length byte stays) */
            for (size_t b = 1; b <= pad; b = b == pad ? pad + 1 : b + pad / 7 + 1 > pad ? pad : b + pad / 7 + 1) {
                size_t l2 = build(rec, 16, eiv, plen, 20, pad);
                rec[l2 - 1 - b] ^= 1;
                r = kcp_tls_unpad(rec, &l2, 16, eiv, 20, rnd, mo, &have);
                CHECK(A, r == 1 && have && l2 == plen + pad + 1 && !memcmp(mo, rnd, 20),
                      "eiv %d pad %zu byte %zu wrong: r %d len %zu, MAC not the random one",
                      eiv, pad, b, r, l2);
            }
        }
    /* a pad length reaching into the MAC and past the record */
    size_t len = build(rec, 16, 0, 11, 20, 0);   /* 32 bytes */
    rec[len - 1] = 31;
    memset(rec, 31, len);
    int have;
    CHECK(A, kcp_tls_unpad(rec, &len, 16, 0, 20, rnd, mo, &have) == 1 && len == 12 &&
                 !memcmp(mo, rnd, 20),
          "pad past the MAC: len %zu", len);
    len = 20;   /* shorter than MAC + 1 */
    CHECK(A, kcp_tls_unpad(rec, &len, 16, 0, 20, rnd, mo, &have) == 0, "too short accepted");
    len = 8;    /* shorter than the explicit IV */
    CHECK(A, kcp_tls_unpad(rec, &len, 16, 1, 0, rnd, mo, &have) == 0, "shorter than the IV");
    len = 16;
    CHECK(A, kcp_tls_unpad(rec, &len, 16, 0, KCP_TLS_MAX_MAC + 1, rnd, mo, &have) == 0,
          "a MAC larger than the buffer accepted");
    /* encrypt-then-MAC: padding result acted on */
    len = build(rec, 16, 1, 5, 0, 10);
    CHECK(A, kcp_tls_unpad(rec, &len, 16, 1, 0, rnd, mo, &have) == 1 && len == 5 && !have,
          "EtM valid: len %zu", len);
    len = build(rec, 16, 1, 5, 0, 10);
    rec[len - 3] ^= 0x40;
    CHECK(A, kcp_tls_unpad(rec, &len, 16, 1, 0, rnd, mo, &have) == 0, "EtM bad padding accepted");
}

static void random_area(void)
{
    const char *A = "vs-reference";
    static const size_t macs[] = { 0, 16, 20, 32, 48, 64 };
    unsigned char rec[1024], mo[KCP_TLS_MAX_MAC], mr[KCP_TLS_MAX_MAC];
    srand(12);
    for (int it = 0; it < 20000; it++) {
        size_t block = rand() % 2 ? 16 : 8, mac = macs[rand() % 6];
        int eiv = rand() % 2;
        size_t plen = (size_t)rand() % 300, pad = (size_t)rand() % 256;
        size_t len = build(rec, block, eiv, plen, mac, pad);
        switch (rand() % 4) {
        case 0: rec[rand() % len] ^= (unsigned char)(1 + rand() % 255); break;
        case 1: rec[len - 1] = (unsigned char)rand(); break;
        case 2: len = (size_t)rand() % (len + 1); break;
        default: break;
        }
        size_t l1 = len, l2 = len;
        int have = 0;
        memset(mo, 0, sizeof mo);
        memset(mr, 0, sizeof mr);
        int r1 = kcp_tls_unpad(rec, &l1, block, eiv, mac, rnd, mo, &have);
        int r2 = ref_unpad(rec, &l2, block, eiv, mac, rnd, mr);
        CHECK(A, r1 == r2 && (!r1 || (l1 == l2 && !memcmp(mo, mr, mac) && have == (mac > 0))),
              "it %d (block %zu eiv %d mac %zu len %zu): got %d/%zu, reference %d/%zu", it,
              block, eiv, mac, len, r1, l1, r2, l2);
    }
}

int main(void)
{
    T = kct_tally_new();
    for (size_t i = 0; i < sizeof rnd; i++)
        rnd[i] = (unsigned char)(0x33 ^ i);
    known_area();
    random_area();
    kct_tally_print(T, stdout);
    int rc = kct_tally_exit_code(T);
    kct_tally_free(T);
    return rc;
}
