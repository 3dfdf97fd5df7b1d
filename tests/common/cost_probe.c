/* SPDX-License-Identifier: Apache-2.0 */
/* cost_probe ALG N: make one context, then run N one-shot operations of 64
 * bytes. Run under `strace -c` for N = 0 and N > 0, the difference in all
 * syscalls divided by N is the cost of one operation. */
#include "kc/kc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    const kc_alg_info *a = kc_alg_by_name(argv[1]);
    long n = atol(argv[2]);
    unsigned char key[32] = { 1 }, iv[16] = { 2 }, in[64] = { 3 }, out[64], tag[16];
    kc_key k = KC_KEY_RAW(key, a && a->id == KC_CHACHA20_POLY1305 ? 32 : 16);
    kc_error e = { 0 };
    kc_cipher *c = NULL;
    kc_aead *x = NULL;
    kc_hash *h = NULL;
    kc_status s = KC_ERR_INVALID_ARG;
    if (a && a->kind == KC_KIND_SKCIPHER)
        s = kc_cipher_new(&c, a->id, NULL, &k, &e);
    else if (a && a->kind == KC_KIND_AEAD)
        s = kc_aead_new(&x, a->id, NULL, &k, 16, &e);
    else if (a && (a->kind == KC_KIND_HASH || a->kind == KC_KIND_MAC))
        s = kc_hash_new(&h, a->id, NULL, a->kind == KC_KIND_MAC ? &k : NULL, &e);
    for (long i = 0; s == KC_OK && i < n; i++) {
        if (c)
            s = kc_cipher_oneshot(c, 1, iv, a->iv_size, in, sizeof(in), out, &e);
        else if (x)
            s = kc_aead_encrypt(x, iv, 12, in, 13, in, sizeof(in), out, tag, &e);
        else
            s = kc_hash_oneshot(h, in, sizeof(in), out, sizeof(out), &e);
    }
    if (s != KC_OK)
        fprintf(stderr, "cost_probe: %s\n", e.msg);
    kc_cipher_free(c);
    kc_aead_free(x);
    kc_hash_free(h);
    return s == KC_OK ? 0 : 1;
}
