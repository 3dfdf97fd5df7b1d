/* SPDX-License-Identifier: Apache-2.0 */
/* AEAD contexts. Send: AAD || input (|| tag on decrypt) with op, nonce and
 * AAD length in one sendmsg. Read: the kernel's output carries a copy of
 * the AAD in front, which is read into scratch and dropped; nothing here
 * depends on whether the kernel works in place or out of place. */
#include "kc/aead.h"
#include "afalg.h"
#include "fork_guard.h"
#include "tfm_internal.h"

#include <errno.h>
#include <linux/if_alg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define AAD_STACK 64

struct kc_aead {
    int fd;
    unsigned gen;
    const kc_alg_info *alg;
    size_t tag_len;
    unsigned char *scratch;  /* AAD copy of the kernel's output, when > AAD_STACK */
    size_t scratch_cap;
};

int kc_aead_nonce_len_ok(kc_alg_id alg, size_t n)
{
    const kc_alg_info *a = kc_alg(alg);
    return a && a->mode == KC_MODE_AEAD && kc_alg_len_in(a->nonce_lens, n);
}

int kc_aead_tag_len_ok(kc_alg_id alg, size_t t)
{
    const kc_alg_info *a = kc_alg(alg);
    return a && a->mode == KC_MODE_AEAD && kc_alg_len_in(a->tag_lens, t);
}

static kc_status check_params(const kc_alg_info *a, size_t tag_len, kc_error *err)
{
    if (!a || a->kind != KC_KIND_AEAD)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "not an AEAD algorithm");
    if (!kc_aead_tag_len_ok(a->id, tag_len))
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%s: tag length %zu is not supported",
                       a->name, tag_len);
    return KC_OK;
}

static kc_status wrap_fd(kc_aead **out, int fd, const kc_alg_info *a, size_t tag_len,
                         kc_error *err)
{
    kc_aead *x = calloc(1, sizeof(*x));
    if (!x) {
        close(fd);
        return kc_fail(err, KC_ERR_NOMEM, ENOMEM, "%s: out of memory", a->name);
    }
    x->fd = fd;
    x->gen = kc_fork_generation();
    x->alg = a;
    x->tag_len = tag_len;
    *out = x;
    return KC_OK;
}

kc_status kc_aead_new(kc_aead **out, kc_alg_id alg, const char *driver, const kc_key *key,
                      size_t tag_len, kc_error *err)
{
    const kc_alg_info *a = kc_alg(alg);
    *out = NULL;
    kc_status s = check_params(a, tag_len, err);
    if (s != KC_OK)
        return s;
    int fd = kc_open_op(alg, driver, key, tag_len, err);
    if (fd < 0)
        return err ? err->status : KC_ERR_KERNEL;
    return wrap_fd(out, fd, a, tag_len, err);
}

kc_status kc_aead_from_tfm(kc_aead **out, kc_tfm *tfm, size_t tag_len, kc_error *err)
{
    const kc_alg_info *a = kc_alg(kc_tfm_alg(tfm));
    *out = NULL;
    kc_status s = check_params(a, tag_len, err);
    if (s == KC_OK)
        s = kc_tfm_set_tag_size(tfm, tag_len, err);
    if (s != KC_OK)
        return s;
    int fd = kc_tfm_accept(tfm, err);
    if (fd < 0)
        return err ? err->status : KC_ERR_KERNEL;
    return wrap_fd(out, fd, a, tag_len, err);
}

/* The kernel's IV: the nonce itself, or for CCM the formatted counter block
 * (flags byte L-1, then the nonce) with L = 15 - nonce length. */
static kc_status kernel_iv(const kc_aead *x, const unsigned char *nonce, size_t nonce_len,
                           size_t len, unsigned char iv[16], kc_error *err)
{
    if (!kc_aead_nonce_len_ok(x->alg->id, nonce_len) || (nonce_len && !nonce))
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%s: nonce length %zu is not supported",
                       x->alg->name, nonce_len);
    if (x->alg->id != KC_AES_CCM) {
        memcpy(iv, nonce, nonce_len);
        return KC_OK;
    }
    size_t l = 15 - nonce_len;
    if (l < 8 && (unsigned long long)len >> (8 * l))
        return kc_fail(err, KC_ERR_INVALID_ARG, 0,
                       "%s: %zu bytes do not fit the length field of a %zu-byte nonce",
                       x->alg->name, len, nonce_len);
    memset(iv, 0, 16);
    iv[0] = (unsigned char)(l - 1);
    memcpy(iv + 1, nonce, nonce_len);
    return KC_OK;
}

static kc_status check_size(const kc_aead *x, size_t aad_len, size_t len, kc_error *err)
{
    if (aad_len > KC_REQUEST_MAX || len > KC_REQUEST_MAX ||
        aad_len + len + x->tag_len > KC_REQUEST_MAX)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0,
                       "%s: AAD %zu + data %zu bytes exceed one kernel request (%u)",
                       x->alg->name, aad_len, len, KC_REQUEST_MAX);
    return KC_OK;
}

static unsigned char *aad_sink(kc_aead *x, size_t aad_len, unsigned char *stack)
{
    if (aad_len <= AAD_STACK)
        return stack;
    if (x->scratch_cap < aad_len) {
        unsigned char *p = realloc(x->scratch, aad_len);
        if (!p)
            return NULL;
        x->scratch = p;
        x->scratch_cap = aad_len;
    }
    return x->scratch;
}

static kc_status run(kc_aead *x, int op, const unsigned char iv[16], struct iovec *src,
                     int nsrc, size_t aad_len, struct iovec *dst, int ndst, kc_error *err)
{
    size_t iv_len = x->alg->iv_size;   /* CCM: 16, the formatted counter block */
    int r = kc_afalg_request(x->fd, op, iv, iv_len, (long)aad_len, src, nsrc, dst, ndst);
    if (r == -EBADMSG)
        return kc_fail(err, KC_ERR_AUTH, EBADMSG, "%s: tag mismatch", x->alg->name);
    if (r < 0)
        return kc_fail_errno(err, -r, x->alg->name, op == ALG_OP_ENCRYPT ? "encrypt" : "decrypt");
    return KC_OK;
}

kc_status kc_aead_encrypt(kc_aead *x, const unsigned char *nonce, size_t nonce_len,
                          const unsigned char *aad, size_t aad_len, const unsigned char *in,
                          size_t len, unsigned char *out, unsigned char *tag, kc_error *err)
{
    unsigned char iv[16], stack[AAD_STACK];
    if (kc_forked(x->gen))
        return kc_fail(err, KC_ERR_FORKED, 0, "%s: context was created before fork()",
                       x->alg->name);
    kc_status s = kernel_iv(x, nonce, nonce_len, len, iv, err);
    if (s == KC_OK)
        s = check_size(x, aad_len, len, err);
    if (s != KC_OK)
        return s;
    unsigned char *sink = aad_sink(x, aad_len, stack);
    if (!sink)
        return kc_fail(err, KC_ERR_NOMEM, ENOMEM, "%s: out of memory", x->alg->name);
    struct iovec src[2] = { { (void *)aad, aad_len }, { (void *)in, len } };
    struct iovec dst[3] = { { sink, aad_len }, { out, len }, { tag, x->tag_len } };
    return run(x, ALG_OP_ENCRYPT, iv, src, 2, aad_len, dst, 3, err);
}

static int overlaps(const unsigned char *a, const unsigned char *b, size_t n)
{
    uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;
    return x < y + n && y < x + n;
}

static int equal_ct(const unsigned char *a, const unsigned char *b, size_t n)
{
    unsigned char d = 0;
    for (size_t i = 0; i < n; i++)
        d |= a[i] ^ b[i];
    return d == 0;
}

kc_status kc_aead_decrypt(kc_aead *x, const unsigned char *nonce, size_t nonce_len,
                          const unsigned char *aad, size_t aad_len, const unsigned char *in,
                          size_t len, const unsigned char *tag, unsigned char *out,
                          kc_error *err)
{
    unsigned char iv[16], stack[AAD_STACK];
    if (kc_forked(x->gen))
        return kc_fail(err, KC_ERR_FORKED, 0, "%s: context was created before fork()",
                       x->alg->name);
    kc_status s = kernel_iv(x, nonce, nonce_len, len, iv, err);
    if (s == KC_OK)
        s = check_size(x, aad_len, len, err);
    if (s != KC_OK)
        return s;
    if (aad_len + len == 0) {
        /* A read of zero bytes would not run the request at all; the tag of
         * an empty message is what encrypting it yields. */
        unsigned char expect[16];
        s = kc_aead_encrypt(x, nonce, nonce_len, NULL, 0, NULL, 0, NULL, expect, err);
        if (s == KC_OK && !equal_ct(expect, tag, x->tag_len))
            s = kc_fail(err, KC_ERR_AUTH, EBADMSG, "%s: tag mismatch", x->alg->name);
        return s;
    }
    unsigned char *sink = aad_sink(x, aad_len, stack);
    if (!sink)
        return kc_fail(err, KC_ERR_NOMEM, ENOMEM, "%s: out of memory", x->alg->name);
    /* The kernel writes the unverified plaintext before it compares the
     * tag. In place, that would destroy the caller's ciphertext on a
     * mismatch, so the plaintext goes to a buffer of our own and reaches
     * out only once the tag is good. */
    unsigned char *dest = out;
    if (len && overlaps(in, out, len)) {
        dest = malloc(len);
        if (!dest)
            return kc_fail(err, KC_ERR_NOMEM, ENOMEM, "%s: out of memory", x->alg->name);
    }
    struct iovec src[3] = { { (void *)aad, aad_len }, { (void *)in, len },
                            { (void *)tag, x->tag_len } };
    struct iovec dst[2] = { { sink, aad_len }, { dest, len } };
    s = run(x, ALG_OP_DECRYPT, iv, src, 3, aad_len, dst, 2, err);
    if (dest != out) {
        if (s == KC_OK)
            memmove(out, dest, len);
        kc_wipe(dest, len);
        free(dest);
    } else if (s != KC_OK && len) {
        kc_wipe(out, len);   /* out is not the input: no unverified plaintext left */
    }
    return s;
}

size_t kc_aead_tag_len(const kc_aead *x)
{
    return x->tag_len;
}

size_t kc_aead_max_message(const kc_aead *x)
{
    return KC_REQUEST_MAX - x->tag_len;
}

int kc_aead_inherited(const kc_aead *x)
{
    return kc_forked(x->gen);
}

kc_alg_id kc_aead_alg(const kc_aead *x)
{
    return x->alg->id;
}

void kc_aead_free(kc_aead *x)
{
    if (!x)
        return;
    close(x->fd);
    if (x->scratch) {
        kc_wipe(x->scratch, x->scratch_cap);
        free(x->scratch);
    }
    free(x);
}
