/* SPDX-License-Identifier: Apache-2.0 */
/* Resources and concurrency: one fd per idle context, no fd left behind
 * by success or failure, a forked child refused its parent's sockets, and
 * threads that probe and work at once. */
#include "expect.h"
#include "kc/kc.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kct_proc.h"

static kct_tally *t;
static unsigned char key[32], buf[4096], out[4096];

#define THREADS 4
#define THREAD_OPS 150
static unsigned char want_ct[4096], want_tag[16], want_md[32];

static void *worker(void *arg)
{
    int *ok = arg;
    kc_aead *a = NULL;
    kc_hash *h = NULL;
    kc_key k = KC_KEY_RAW(key, 16);
    unsigned char ct[4096], tag[16], md[32];
    *ok = kc_available(KC_AES_GCM) && kc_available(KC_SHA256) &&
          kc_aead_new(&a, KC_AES_GCM, NULL, &k, 16, NULL) == KC_OK &&
          kc_hash_new(&h, KC_SHA256, NULL, NULL, NULL) == KC_OK;
    for (int i = 0; *ok && i < THREAD_OPS; i++)
        *ok = kc_aead_encrypt(a, key, 12, NULL, 0, buf, sizeof(buf), ct, tag, NULL) == KC_OK &&
              kc_hash_oneshot(h, buf, sizeof(buf), md, sizeof(md), NULL) == KC_OK &&
              !memcmp(ct, want_ct, sizeof(ct)) && !memcmp(tag, want_tag, 16) &&
              !memcmp(md, want_md, 32);
    kc_aead_free(a);
    kc_hash_free(h);
    return NULL;
}

/* Runs before anything else touched kc_probe, so the threads race to it. */
static void threads(void)
{
    pthread_t th[THREADS];
    int ok[THREADS];
    kc_key k = KC_KEY_RAW(key, 16);
    kc_aead *a = NULL;
    kc_hash *h = NULL;
    /* the reference answers come from fresh contexts made after the threads
     * would have probed; compute them with a private probe-free path first */
    if (kc_aead_new(&a, KC_AES_GCM, NULL, &k, 16, NULL) != KC_OK ||
        kc_hash_new(&h, KC_SHA256, NULL, NULL, NULL) != KC_OK ||
        kc_aead_encrypt(a, key, 12, NULL, 0, buf, sizeof(buf), want_ct, want_tag, NULL) != KC_OK ||
        kc_hash_oneshot(h, buf, sizeof(buf), want_md, 32, NULL) != KC_OK) {
        kct_fail(t, "threads", "reference computation failed");
        kc_aead_free(a);
        kc_hash_free(h);
        return;
    }
    kc_aead_free(a);
    kc_hash_free(h);
    for (int i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, worker, &ok[i]);
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        if (ok[i])
            kct_pass(t, "threads");
        else
            kct_fail(t, "threads", "thread %d got a wrong answer or an error", i);
    }
}

static void expect_fds(const char *what, int before, int delta)
{
    int now = kct_open_fds();
    if (now == before + delta)
        kct_pass(t, "fds");
    else
        kct_fail(t, "fds", "%s: %d fds open, want %d", what, now, before + delta);
}

static void fds(void)
{
    kc_key k16 = KC_KEY_RAW(key, 16), k32 = KC_KEY_RAW(key, 32), bad = KC_KEY_RAW(key, 5);
    kc_cipher *c = NULL;
    kc_aead *a = NULL;
    kc_hash *h = NULL, *m = NULL, *clone = NULL;
    kc_keywrap *w = NULL;
    kc_rng *r = NULL;
    int base = kct_open_fds();
    kc_cipher_new(&c, KC_AES_CBC, NULL, &k16, NULL);
    expect_fds("one cipher context", base, 1);
    kc_aead_new(&a, KC_CHACHA20_POLY1305, NULL, &k32, 16, NULL);
    expect_fds("plus one AEAD context", base, 2);
    kc_hash_new(&h, KC_SHA384, NULL, NULL, NULL);
    kc_hash_new(&m, KC_HMAC_SHA256, NULL, &k16, NULL);
    expect_fds("plus a digest and a MAC", base, 4);
    kc_hash_update(h, buf, 100, NULL);
    kc_hash_clone(&clone, h, NULL);
    expect_fds("plus a clone", base, 5);
    kc_keywrap_new(&w, KC_AES_KWP, NULL, &k16, 1, NULL);
    kc_rng_new(&r, NULL, NULL, 0, NULL);
    expect_fds("plus a key wrap and a DRBG", base, 7);
    size_t n;
    unsigned char tag[16];
    int worked = c && a && h && m && clone && w && r &&
                 kc_cipher_oneshot(c, 1, key, 16, buf, 64, out, NULL) == KC_OK &&
                 kc_aead_encrypt(a, key, 12, buf, 13, buf, 100, out, tag, NULL) == KC_OK &&
                 kc_hash_final(clone, out, 48, NULL) == KC_OK &&
                 kc_keywrap_wrap(w, key, 16, out, &n, NULL) == KC_OK &&
                 kc_rng_reseed(r, NULL, 0, NULL) == KC_OK &&
                 kc_rng_generate(r, out, 500, NULL) == KC_OK;
    if (!worked)
        kct_fail(t, "fds", "a context failed to work");
    expect_fds("after operations and a reseed", base, 7);
    kc_cipher_free(c);
    kc_aead_free(a);
    kc_hash_free(h);
    kc_hash_free(m);
    kc_hash_free(clone);
    kc_keywrap_free(w);
    kc_rng_free(r);
    expect_fds("all freed", base, 0);
    /* an unknown driver makes the kernel run modprobe: a few suffice */
    for (int i = 0; i < 50; i++) {
        kc_cipher_new(&c, KC_AES_CBC, NULL, &bad, NULL);
        kc_aead_new(&a, KC_AES_GCM, NULL, &k16, 7, NULL);
        if (i < 3)
            kc_cipher_new(&c, KC_AES_CBC, "no-such-driver", &k16, NULL);
    }
    expect_fds("after 103 refused creations", base, 0);
}

/* SHA-256 of buf[0..10) twice, computed on a fresh context. */
static int expected_twice(unsigned char want[32])
{
    kc_hash *fresh = NULL;
    int ok = kc_hash_new(&fresh, KC_SHA256, NULL, NULL, NULL) == KC_OK &&
             kc_hash_update(fresh, buf, 10, NULL) == KC_OK &&
             kc_hash_update(fresh, buf, 10, NULL) == KC_OK &&
             kc_hash_final(fresh, want, 32, NULL) == KC_OK;
    kc_hash_free(fresh);
    return ok;
}

static void fork_guard(void)
{
    kc_key k = KC_KEY_RAW(key, 16);
    kc_cipher *c = NULL;
    kc_hash *h = NULL;
    unsigned char want[32], md[32];
    int go[2];
    if (kc_cipher_new(&c, KC_AES_CTR, NULL, &k, NULL) != KC_OK ||
        kc_hash_new(&h, KC_SHA256, NULL, NULL, NULL) != KC_OK || !expected_twice(want) ||
        pipe(go) != 0) {
        kct_fail(t, "fork", "context creation failed");
        kc_cipher_free(c);
        kc_hash_free(h);
        return;
    }
    kc_hash_update(h, buf, 10, NULL);
    pid_t pid = fork();
    if (pid == 0) {
        /* in the child: the inherited cipher refuses (its socket is the
         * parent's), new ones work; the inherited hash continues from its
         * state at fork() even though the parent has since finished its
         * own copy on the socket they shared */
        int bad = 0;
        char x;
        kc_cipher *fresh = NULL;
        close(go[1]);
        bad |= read(go[0], &x, 1) != 1;
        bad |= !kc_cipher_inherited(c);
        bad |= kc_cipher_oneshot(c, 1, key, 16, buf, 16, out, NULL) != KC_ERR_FORKED;
        bad |= kc_hash_update(h, buf, 10, NULL) != KC_OK;
        bad |= kc_hash_final(h, md, 32, NULL) != KC_OK;
        bad |= memcmp(md, want, 32) != 0;
        bad |= kc_cipher_new(&fresh, KC_AES_CTR, NULL, &k, NULL) != KC_OK;
        bad |= fresh && kc_cipher_oneshot(fresh, 1, key, 16, buf, 16, out, NULL) != KC_OK;
        kc_cipher_free(fresh);
        kc_cipher_free(c);
        kc_hash_free(h);
        _exit(bad);
    }
    close(go[0]);
    /* the parent goes first: its partial hash and cipher still work */
    int parent_ok = !kc_cipher_inherited(c) &&
                    kc_cipher_oneshot(c, 1, key, 16, buf, 16, out, NULL) == KC_OK &&
                    kc_hash_update(h, buf, 10, NULL) == KC_OK &&
                    kc_hash_final(h, md, 32, NULL) == KC_OK && !memcmp(md, want, 32);
    /* and leaves its socket with another message in progress */
    kc_hash_update(h, buf, 20, NULL);
    if (write(go[1], "g", 1) != 1)
        parent_ok = 0;
    close(go[1]);
    int status = -1;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        kct_pass(t, "fork");
    else
        kct_fail(t, "fork", "the child's inherited hash lost its state at fork(), or its "
                 "inherited cipher did not refuse");
    if (parent_ok)
        kct_pass(t, "fork");
    else
        kct_fail(t, "fork", "the parent's contexts changed by the fork");
    kc_cipher_free(c);
    kc_hash_free(h);
}

int main(void)
{
    t = kct_tally_new();
    for (size_t i = 0; i < sizeof(key); i++)
        key[i] = (unsigned char)(i + 1);
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (unsigned char)(i * 31);
    threads();
    if (!kc_probe()->afalg) {
        kct_fail(t, "AF_ALG", "no AF_ALG in this kernel: run through tools/kernel-run");
    } else {
        fds();
        fork_guard();
    }
    kct_tally_print(t, stdout);
    int rc = kct_tally_exit_code(t);
    kct_tally_free(t);
    return rc;
}
