/* SPDX-License-Identifier: Apache-2.0 */
/* aead_stream_probe MODULE_DIR CIPHER UPDATES CHUNK: one AEAD message of
 * UPDATES * CHUNK bytes given in UPDATES data updates through kcrypt
 * (encrypt, then decrypt with the tag set after the data, libcrypto's
 * evp_test order), byte for byte against OpenSSL's default provider on the
 * same random key, nonce, AAD and data. test_aead_linear.sh runs it under
 * strace to count what the kernel is sent per update. Exit 0 when every
 * byte and the tag agree and a flipped tag is refused. */
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(OSSL_LIB_CTX *lib, const char *name, int enc, const unsigned char *key,
               const unsigned char *iv, const unsigned char *aad, size_t aadlen,
               const unsigned char *in, size_t chunk, long updates, unsigned char *out,
               unsigned char *tag)
{
    EVP_CIPHER *c = EVP_CIPHER_fetch(lib, name, NULL);
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    int n, ok = c && x && EVP_CipherInit_ex2(x, c, key, iv, enc, NULL) &&
                EVP_CipherUpdate(x, NULL, &n, aad, (int)aadlen);
    for (long i = 0; ok && i < updates; i++)
        ok = EVP_CipherUpdate(x, out + i * chunk, &n, in + i * chunk, (int)chunk) &&
             (size_t)n == chunk;
    if (ok && !enc)
        ok = EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, 16, tag) > 0;
    if (ok)
        ok = EVP_CipherFinal_ex(x, out + updates * chunk, &n);
    if (ok && enc)
        ok = EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, 16, tag) > 0;
    EVP_CIPHER_CTX_free(x);
    EVP_CIPHER_free(c);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s MODULE_DIR CIPHER UPDATES CHUNK\n", argv[0]);
        return 2;
    }
    const char *name = argv[2];
    long updates = atol(argv[3]);
    size_t chunk = (size_t)atol(argv[4]), len = (size_t)updates * chunk;
    OSSL_LIB_CTX *kc = OSSL_LIB_CTX_new(), *ref = OSSL_LIB_CTX_new();
    if (!kc || !ref || !OSSL_PROVIDER_set_default_search_path(kc, argv[1]) ||
        !OSSL_PROVIDER_load(kc, "kcrypt") || !OSSL_PROVIDER_load(ref, "default")) {
        ERR_print_errors_fp(stderr);
        return 1;
    }
    unsigned char key[32], iv[12], aad[21], t_kc[16], t_ref[16];
    unsigned char *in = malloc(len + 1), *o_kc = malloc(len + 16), *o_ref = malloc(len + 16),
                  *back = malloc(len + 16);
    if (!in || !o_kc || !o_ref || !back || !RAND_bytes(key, sizeof(key)) ||
        !RAND_bytes(iv, sizeof(iv)) || !RAND_bytes(aad, sizeof(aad)) || !RAND_bytes(in, (int)len))
        return 1;
    int fails = 0;
    if (!run(kc, name, 1, key, iv, aad, sizeof(aad), in, chunk, updates, o_kc, t_kc) ||
        !run(ref, name, 1, key, iv, aad, sizeof(aad), in, chunk, updates, o_ref, t_ref)) {
        ERR_print_errors_fp(stderr);
        fprintf(stderr, "FAIL %s: encryption failed\n", name);
        return 1;
    }
    if (memcmp(o_kc, o_ref, len) || memcmp(t_kc, t_ref, 16)) {
        fprintf(stderr, "FAIL %s: %ld updates of %zu: ciphertext or tag differs from default\n",
                name, updates, chunk);
        fails++;
    }
    if (!run(kc, name, 0, key, iv, aad, sizeof(aad), o_ref, chunk, updates, back, t_ref) ||
        memcmp(back, in, len)) {
        ERR_print_errors_fp(stderr);
        fprintf(stderr, "FAIL %s: decryption in %ld updates differs or failed\n", name, updates);
        fails++;
    }
    t_ref[0] ^= 1;
    if (run(kc, name, 0, key, iv, aad, sizeof(aad), o_ref, chunk, updates, back, t_ref)) {
        fprintf(stderr, "FAIL %s: a flipped tag was accepted\n", name);
        fails++;
    }
    ERR_clear_error();
    free(in);
    free(o_kc);
    free(o_ref);
    free(back);
    OSSL_LIB_CTX_free(kc);
    OSSL_LIB_CTX_free(ref);
    return fails ? 1 : 0;
}
