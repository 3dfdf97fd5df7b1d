/* SPDX-License-Identifier: Apache-2.0 */
/* AEAD data keystream at an offset. GCM encrypts data block i with AES-CTR
 * from the counter block nonce || be32(2 + i) (SP 800-38D, 96-bit nonce);
 * ChaCha20-Poly1305 XORs data block i of 64 bytes with ChaCha20 block
 * 1 + i (RFC 8439 2.8), which the kernel's chacha20 takes as the IV
 * le32(counter) || nonce. A request starting inside a block feeds the
 * bytes before off as zeros and drops their output. */
#include "kc/aead_keystream.h"
#include "afalg.h"
#include "fork_guard.h"
#include "tfm_internal.h"

#include <errno.h>
#include <linux/if_alg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KS_BLOCK_MAX 64

struct kc_aead_keystream {
    int fd;
    unsigned gen;
    const kc_alg_info *aead;
};

static size_t ks_block(kc_alg_id aead)
{
    return aead == KC_CHACHA20_POLY1305 ? 64 : 16;
}

size_t kc_aead_keystream_counter(kc_alg_id aead, const unsigned char nonce[12], size_t off,
                                 unsigned char ctr[16])
{
    size_t bs = ks_block(aead);
    unsigned long long blk = (unsigned long long)(off / bs);
    if (aead == KC_CHACHA20_POLY1305) {
        unsigned long c = (unsigned long)(blk + 1);
        for (int i = 0; i < 4; i++)
            ctr[i] = (unsigned char)(c >> (8 * i));
        memcpy(ctr + 4, nonce, 12);
    } else {
        unsigned long c = (unsigned long)(blk + 2);
        memcpy(ctr, nonce, 12);
        for (int i = 0; i < 4; i++)
            ctr[15 - i] = (unsigned char)(c >> (8 * i));
    }
    return off % bs;
}

kc_status kc_aead_keystream_new(kc_aead_keystream **out, kc_alg_id aead, const kc_key *key,
                                kc_error *err)
{
    *out = NULL;
    kc_tfm *t;
    kc_status s;
    if (aead == KC_AES_GCM)
        s = kc_tfm_open(&t, KC_AES_CTR, NULL, err);
    else if (aead == KC_CHACHA20_POLY1305)
        s = kc_tfm_open_as(&t, aead, "skcipher", "chacha20", err);
    else
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%s has no data keystream",
                       kc_alg(aead) ? kc_alg(aead)->name : "algorithm");
    if (s != KC_OK)
        return s;
    int fd = -1;
    if (kc_tfm_setkey(t, key, err) == KC_OK)
        fd = kc_tfm_accept(t, err);
    kc_tfm_free(t);
    if (fd < 0)
        return err ? err->status : KC_ERR_KERNEL;
    kc_aead_keystream *ks = calloc(1, sizeof(*ks));
    if (!ks) {
        close(fd);
        return kc_fail(err, KC_ERR_NOMEM, ENOMEM, "%s: out of memory", kc_alg(aead)->name);
    }
    ks->fd = fd;
    ks->gen = kc_fork_generation();
    ks->aead = kc_alg(aead);
    *out = ks;
    return KC_OK;
}

kc_status kc_aead_keystream_xor(kc_aead_keystream *ks, const unsigned char *nonce,
                                size_t nonce_len, size_t off, const unsigned char *in,
                                size_t len, unsigned char *out, kc_error *err)
{
    if (kc_forked(ks->gen))
        return kc_fail(err, KC_ERR_FORKED, 0, "%s: context was created before fork()",
                       ks->aead->name);
    if (nonce_len != 12 || !nonce)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%s: keystream needs a 12-byte nonce, not %zu",
                       ks->aead->name, nonce_len);
    const size_t bs = ks_block(ks->aead->id);
    while (len) {
        unsigned char ctr[16], zeros[KS_BLOCK_MAX] = { 0 }, junk[KS_BLOCK_MAX];
        size_t skip = kc_aead_keystream_counter(ks->aead->id, nonce, off, ctr);
        size_t chunk = len > KC_REQUEST_MAX - bs ? KC_REQUEST_MAX - bs : len;
        struct iovec src[2] = { { zeros, skip }, { (void *)in, chunk } };
        struct iovec dst[2] = { { junk, skip }, { out, chunk } };
        int r = kc_afalg_request(ks->fd, ALG_OP_ENCRYPT, ctr, sizeof(ctr), -1,
                                 skip ? src : src + 1, skip ? 2 : 1, skip ? dst : dst + 1,
                                 skip ? 2 : 1);
        kc_wipe(junk, sizeof(junk));
        if (r < 0)
            return kc_fail_errno(err, -r, ks->aead->name, "keystream");
        off += chunk;
        in += chunk;
        out += chunk;
        len -= chunk;
    }
    return KC_OK;
}

int kc_aead_keystream_inherited(const kc_aead_keystream *ks)
{
    return kc_forked(ks->gen);
}

void kc_aead_keystream_free(kc_aead_keystream *ks)
{
    if (!ks)
        return;
    close(ks->fd);
    free(ks);
}
