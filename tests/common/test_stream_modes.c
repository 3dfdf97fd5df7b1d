/* SPDX-License-Identifier: Apache-2.0 */
/* The table's stream modes (AES-CTR, -OFB, -CFB128) through common/:
 *  - AES-OFB and AES-CFB: NIST SP 800-38A F.3.13-F.3.18 / F.4.1-F.4.6 known
 *    answers where the kernel has ofb(aes) / cfb(aes) (before 6.7), and on
 *    later kernels that they are not available and refused with an error
 *    that names them (never skipped);
 *  - every mode: every two-way split, byte-at-a-time and seeded random
 *    splits, in place and not, each equal to OpenSSL's default provider;
 *  - the IV mid-block equals OpenSSL's updated IV at the same position, and
 *    a new context started from it with kc_cipher_set_num continues the
 *    message exactly (how the provider carries a message over to a copy). */
#include "kc/kc.h"
#include "kct_hex.h"
#include "kct_tally.h"
#include "rand_util.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#define MSG 64

static kct_tally *t;

static const char *const plain_hex =
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
static const char *const iv_hex = "000102030405060708090a0b0c0d0e0f";

typedef struct {
    kc_alg_id alg;
    int removed_in_6_7;     /* the kernel dropped the mode in 6.7 */
    const char *key, *ct;   /* ct NULL: no published vector, OpenSSL is the reference */
} kat;

static const kat kats[] = {
    { KC_AES_OFB, 1, "2b7e151628aed2a6abf7158809cf4f3c",   /* F.4.1 */
      "3b3fd92eb72dad20333449f8e83cfb4a7789508d16918f03f53c52dac54ed825"
      "9740051e9c5fecf64344f7a82260edcc304c6528f659c77866a510d9c1d6ae5e" },
    { KC_AES_OFB, 1, "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",   /* F.4.3 */
      "cdc80d6fddf18cab34c25909c99a4174fcc28b8d4c63837c09e81700c1100401"
      "8d9a9aeac0f6596f559c6d4daf59a5f26d9f200857ca6c3e9cac524bd9acc92a" },
    { KC_AES_OFB, 1, "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",   /* F.4.5 */
      "dc7e84bfda79164b7ecd8486985d38604febdc6740d20b3ac88f6ad82a4fb08d"
      "71ab47a086e86eedf39d1c5bba97c4080126141d67f37be8538f5a8be740e484" },
    { KC_AES_CFB, 1, "2b7e151628aed2a6abf7158809cf4f3c",   /* F.3.13 */
      "3b3fd92eb72dad20333449f8e83cfb4ac8a64537a0b3a93fcde3cdad9f1ce58b"
      "26751f67a3cbb140b1808cf187a4f4dfc04b05357c5d1c0eeac4c66f9ff7f2e6" },
    { KC_AES_CFB, 1, "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",   /* F.3.15 */
      "cdc80d6fddf18cab34c25909c99a417467ce7f7f81173621961a2b70171d3d7a"
      "2e1e8a1dd59b88b1c8e60fed1efac4c9c05f9f9ca9834fa042ae8fba584b09ff" },
    { KC_AES_CFB, 1, "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",   /* F.3.17 */
      "dc7e84bfda79164b7ecd8486985d386039ffed143b28b1c832113c6331e5407b"
      "df10132415e54b92a13ed0a8267ae2f975a385741ab9cef82031623d55b1e471" },
    { KC_AES_CTR, 0, "2b7e151628aed2a6abf7158809cf4f3c", NULL },
    { KC_AES_CTR, 0, "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", NULL },
};

static int kernel_before(int major, int minor)
{
    struct utsname u;
    int ma = 0, mi = 0;
    if (uname(&u) != 0 || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
        return 0;
    return ma < major || (ma == major && mi < minor);
}

static const char *evp_name(const kc_alg_info *a, size_t keylen, char buf[32])
{
    const char *mode = a->evp_mode == KC_EVP_OFB ? "OFB" : a->evp_mode == KC_EVP_CFB ? "CFB" : "CTR";
    snprintf(buf, 32, "AES-%u-%s", kc_alg_key_bits(a, keylen), mode);
    return buf;
}

/* OpenSSL's default provider: the bytes and, after `stop` bytes, its IV. */
static int reference(const kc_alg_info *a, const kct_bytes *key, const unsigned char *iv,
                     int enc, const unsigned char *in, size_t len, unsigned char *out,
                     size_t stop, unsigned char *iv_at_stop)
{
    char name[32];
    EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, evp_name(a, key->n, name), "provider=default");
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    int n1 = 0, n2 = 0;
    int ok = c && x && EVP_CipherInit_ex2(x, c, key->p, iv, enc, NULL) &&
             EVP_CipherUpdate(x, out, &n1, in, (int)stop) &&
             EVP_CIPHER_CTX_get_updated_iv(x, iv_at_stop, 16) &&
             EVP_CipherUpdate(x, out + n1, &n2, in + stop, (int)(len - stop)) &&
             (size_t)(n1 + n2) == len;
    EVP_CIPHER_CTX_free(x);
    EVP_CIPHER_free(c);
    return ok;
}

/* Run len bytes through c in the pieces cuts[] (summing to len). */
static int run(kc_cipher *c, int enc, const unsigned char *iv, const unsigned char *in,
               size_t len, unsigned char *out, const size_t *cuts, int ncuts, kc_error *e)
{
    if (kc_cipher_start(c, enc, iv, 16, e) != KC_OK)
        return 0;
    size_t done = 0;
    for (int i = 0; i < ncuts; i++) {
        size_t got;
        if (kc_cipher_update(c, in + done, cuts[i], out + done, &got, e) != KC_OK ||
            got != cuts[i])
            return 0;
        done += cuts[i];
    }
    return done == len && kc_cipher_finish(c, e) == KC_OK;
}

static void check_split(kc_cipher *c, const char *what, int enc, const unsigned char *iv,
                        const unsigned char *in, const unsigned char *want, const size_t *cuts,
                        int ncuts, int inplace)
{
    unsigned char buf[MSG], out[MSG];
    kc_error e = { 0 };
    memcpy(buf, in, MSG);
    int ok = inplace ? run(c, enc, iv, buf, MSG, buf, cuts, ncuts, &e)
                     : run(c, enc, iv, in, MSG, out, cuts, ncuts, &e);
    const unsigned char *got = inplace ? buf : out;
    if (!ok)
        kct_fail(t, what, "%s: failed: %s", enc ? "encrypt" : "decrypt", e.msg);
    else if (memcmp(got, want, MSG))
        kct_fail(t, what, "%s %s, %d pieces (first %zu): wrong bytes", enc ? "encrypt" : "decrypt",
                 inplace ? "in place" : "out of place", ncuts, cuts[0]);
    else
        kct_pass(t, what);
}

/* Stop after `stop` bytes: the IV must be OpenSSL's; a second context
 * started from it at that position must finish the message. */
static void check_resume(kc_cipher *c, kc_cipher *c2, const char *what, int enc,
                         const unsigned char *iv, const unsigned char *in,
                         const unsigned char *want, size_t stop, const unsigned char *ref_iv)
{
    unsigned char out[MSG], mid[16];
    size_t got, got2;
    kc_error e = { 0 };
    int ok = kc_cipher_start(c, enc, iv, 16, &e) == KC_OK &&
             kc_cipher_update(c, in, stop, out, &got, &e) == KC_OK &&
             kc_cipher_get_iv(c, mid, 16, &e) == KC_OK && kc_cipher_finish(c, &e) == KC_OK;
    if (!ok) {
        kct_fail(t, what, "resume at %zu: first part failed: %s", stop, e.msg);
        return;
    }
    if (memcmp(mid, ref_iv, 16)) {
        kct_fail(t, what, "IV after %zu bytes differs from OpenSSL's", stop);
        return;
    }
    ok = kc_cipher_start(c2, enc, mid, 16, &e) == KC_OK &&
         kc_cipher_set_num(c2, stop % 16, &e) == KC_OK &&
         kc_cipher_update(c2, in + stop, MSG - stop, out + stop, &got2, &e) == KC_OK &&
         kc_cipher_finish(c2, &e) == KC_OK;
    if (!ok)
        kct_fail(t, what, "resume at %zu failed: %s", stop, e.msg);
    else if (memcmp(out, want, MSG))
        kct_fail(t, what, "resume at %zu: wrong bytes", stop);
    else
        kct_pass(t, what);
}

static void absent(const kat *k)
{
    const kc_alg_info *a = kc_alg(k->alg);
    kct_bytes key;
    kct_hex_decode(k->key, &key);
    kc_key kk = KC_KEY_RAW(key.p, key.n);
    kc_cipher *c = NULL;
    kc_error e = { 0 };
    kc_status s = kc_cipher_new(&c, k->alg, NULL, &kk, &e);
    if (kc_available(k->alg))
        kct_fail(t, a->name, "advertised on a kernel from 6.7 on, which has no %s",
                 a->kernel_name);
    else if (s == KC_OK)
        kct_fail(t, a->name, "a context was made on a kernel without %s", a->kernel_name);
    else if (!strstr(e.msg, a->name) && !strstr(e.msg, a->kernel_name))
        kct_fail(t, a->name, "the refusal does not name the algorithm: %s", e.msg);
    else
        kct_pass(t, a->name);
    kc_cipher_free(c);
    kct_bytes_free(&key);
}

static void present(const kat *k)
{
    const kc_alg_info *a = kc_alg(k->alg);
    char what[64];
    kct_bytes key, pt, ct, iv;
    unsigned char ref[MSG], ref_iv[16], refd[MSG], refd_iv[16];
    kct_hex_decode(k->key, &key);
    kct_hex_decode(plain_hex, &pt);
    kct_hex_decode(iv_hex, &iv);
    snprintf(what, sizeof(what), "%s-%u", a->name, kc_alg_key_bits(a, key.n));
    if (!kc_available(k->alg) && kernel_before(6, 7)) {
        kct_fail(t, what, "not available on a kernel before 6.7, which has %s", a->kernel_name);
        goto out;
    }
    kc_key kk = KC_KEY_RAW(key.p, key.n);
    kc_cipher *c = NULL, *c2 = NULL;
    kc_error e = { 0 };
    if (kc_cipher_new(&c, k->alg, NULL, &kk, &e) != KC_OK ||
        kc_cipher_new(&c2, k->alg, NULL, &kk, &e) != KC_OK) {
        kct_fail(t, what, "no context: %s", e.msg);
        kc_cipher_free(c);
        goto out;
    }
    if (!reference(a, &key, iv.p, 1, pt.p, MSG, ref, 0, ref_iv)) {
        kct_fail(t, what, "OpenSSL's default provider refused");
        goto done;
    }
    if (k->ct) {
        kct_hex_decode(k->ct, &ct);
        if (memcmp(ref, ct.p, MSG))
            kct_fail(t, what, "OpenSSL disagrees with the NIST vector (test data wrong)");
        kct_bytes_free(&ct);
    }
    /* one update, every two-way split, byte at a time, random pieces */
    size_t one[1] = { MSG }, bytes[MSG], cuts[MSG];
    for (int i = 0; i < MSG; i++)
        bytes[i] = 1;
    for (int inplace = 0; inplace < 2; inplace++) {
        check_split(c, what, 1, iv.p, pt.p, ref, one, 1, inplace);
        check_split(c, what, 0, iv.p, ref, pt.p, one, 1, inplace);
        check_split(c, what, 1, iv.p, pt.p, ref, bytes, MSG, inplace);
        check_split(c, what, 0, iv.p, ref, pt.p, bytes, MSG, inplace);
        for (size_t cut = 1; cut < MSG; cut++) {
            size_t two[2] = { cut, MSG - cut };
            check_split(c, what, 1, iv.p, pt.p, ref, two, 2, inplace);
            check_split(c, what, 0, iv.p, ref, pt.p, two, 2, inplace);
        }
        for (int r = 0; r < 16; r++) {
            int n = 0;
            for (size_t left = MSG; left; n++) {
                cuts[n] = 1 + tr_below(left < 40 ? left : 40);
                left -= cuts[n];
            }
            check_split(c, what, r & 1, iv.p, r & 1 ? pt.p : ref, r & 1 ? ref : pt.p, cuts, n,
                        inplace);
        }
    }
    /* stop anywhere, carry the position to a second context */
    for (size_t stop = 1; stop < MSG; stop += (stop % 16 == 15 ? 1 : 3)) {
        if (!reference(a, &key, iv.p, 1, pt.p, MSG, refd, stop, ref_iv) ||
            !reference(a, &key, iv.p, 0, ref, MSG, refd, stop, refd_iv)) {
            kct_fail(t, what, "OpenSSL's default provider refused");
            break;
        }
        check_resume(c, c2, what, 1, iv.p, pt.p, ref, stop, ref_iv);
        check_resume(c, c2, what, 0, iv.p, ref, pt.p, stop, refd_iv);
    }
done:
    kc_cipher_free(c);
    kc_cipher_free(c2);
out:
    kct_bytes_free(&key);
    kct_bytes_free(&pt);
    kct_bytes_free(&iv);
}

int main(void)
{
    t = kct_tally_new();
    tr_seed_from_env();
    for (size_t i = 0; i < sizeof(kats) / sizeof(kats[0]); i++) {
        if (kats[i].removed_in_6_7 && !kernel_before(6, 7))
            absent(&kats[i]);
        else
            present(&kats[i]);
    }
    kct_tally_print(t, stdout);
    int rc = kct_tally_exit_code(t);
    kct_tally_free(t);
    return rc;
}
