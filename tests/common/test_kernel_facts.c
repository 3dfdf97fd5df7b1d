/* SPDX-License-Identifier: Apache-2.0 */
/* AF_ALG facts of the test kernels, asserted per kernel version (never
 * skipped), straight on the kernel interface so that kcrypt's own code is
 * not what is being trusted:
 *  - zero-copy: before the 2026 hardening, pages spliced into an op socket
 *    were read when the request ran, so a later change to them showed in
 *    the output. Both test kernels are 2026 stable releases that carry the
 *    backport (6.1.176 as well as 6.12.117): spliced data is copied at send
 *    time. A kernel that zero-copies again fails this, on purpose.
 *  - cfb(aes) and ofb(aes): gone from the kernel since 6.7.
 * Keys by serial (>= 6.2) are asserted by the `errors` test. */
#include "kct_tally.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_alg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <unistd.h>

#define PAGE 4096

static kct_tally *t;

static int kernel_at_least(int major, int minor)
{
    struct utsname u;
    int ma = 0, mi = 0;
    if (uname(&u) != 0 || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
        return 0;
    return ma > major || (ma == major && mi >= minor);
}

/* An op socket for an skcipher keyed with 16 zero bytes, or -errno. */
static int skcipher_op(const char *name)
{
    struct sockaddr_alg sa = { .salg_family = AF_ALG, .salg_type = "skcipher" };
    snprintf((char *)sa.salg_name, sizeof(sa.salg_name), "%s", name);
    int tfm = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (tfm < 0)
        return -errno;
    unsigned char key[16] = { 0 };
    int op = -1;
    if (bind(tfm, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
        setsockopt(tfm, SOL_ALG, ALG_SET_KEY, key, sizeof(key)) == 0)
        op = accept4(tfm, NULL, NULL, SOCK_CLOEXEC);
    int e = errno;
    close(tfm);
    return op >= 0 ? op : -e;
}

/* Announce an encryption whose data follows (MSG_MORE). */
static int set_encrypt(int op)
{
    char cbuf[CMSG_SPACE(sizeof(uint32_t))] = { 0 };
    struct msghdr m = { .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_ALG;
    c->cmsg_type = ALG_SET_OP;
    c->cmsg_len = CMSG_LEN(sizeof(uint32_t));
    *(uint32_t *)CMSG_DATA(c) = ALG_OP_ENCRYPT;
    return sendmsg(op, &m, MSG_MORE) == 0 ? 0 : -1;
}

static int encrypt_copy(int op, const unsigned char *in, unsigned char *out)
{
    return set_encrypt(op) == 0 && write(op, in, PAGE) == PAGE && read(op, out, PAGE) == PAGE ? 0 : -1;
}

/* ecb(aes) of a page spliced from user memory, changed after the splice:
 * 1 if the output is of the changed bytes (zero-copy), 0 if of the bytes
 * at splice time (copied), -1 on error. */
static int spliced_pages_read_late(char *why, size_t whylen)
{
    int op = skcipher_op("ecb(aes)");
    if (op < 0) {
        snprintf(why, whylen, "ecb(aes): %s", strerror(-op));
        return -1;
    }
    unsigned char *page = aligned_alloc(PAGE, PAGE);
    unsigned char before[PAGE], after[PAGE], ct_before[PAGE], ct_after[PAGE], out[PAGE];
    int p[2] = { -1, -1 }, r = -1;
    memset(before, 0x11, PAGE);
    memset(after, 0x22, PAGE);
    if (!page || pipe(p) != 0 || encrypt_copy(op, before, ct_before) || encrypt_copy(op, after, ct_after)) {
        snprintf(why, whylen, "reference requests: %s", strerror(errno));
        goto out;
    }
    memcpy(page, before, PAGE);
    struct iovec iov = { page, PAGE };
    if (set_encrypt(op) != 0 || vmsplice(p[1], &iov, 1, 0) != PAGE ||
        splice(p[0], NULL, op, NULL, PAGE, 0) != PAGE) {
        snprintf(why, whylen, "vmsplice/splice into the op socket: %s", strerror(errno));
        goto out;
    }
    memcpy(page, after, PAGE);
    if (read(op, out, PAGE) != PAGE) {
        snprintf(why, whylen, "read: %s", strerror(errno));
        goto out;
    }
    if (!memcmp(out, ct_after, PAGE))
        r = 1;
    else if (!memcmp(out, ct_before, PAGE))
        r = 0;
    else
        snprintf(why, whylen, "output is of neither the spliced nor the changed bytes");
out:
    if (p[0] >= 0) {
        close(p[0]);
        close(p[1]);
    }
    free(page);
    close(op);
    return r;
}

static void zero_copy(void)
{
    char why[160] = "";
    int late = spliced_pages_read_late(why, sizeof(why));
    /* Debian's 6.12.117 carries "af_alg - Remove zero-copy support", and
     * 6.1.176 the same backport (its algif_aead also copies with
     * memcpy_sglist: out of place, like 6.12). */
    int want_late = 0;
    if (late < 0)
        kct_fail(t, "zero-copy", "%s", why);
    else if (late != want_late)
        kct_fail(t, "zero-copy", "spliced pages were %s, want %s on this kernel",
                 late ? "read when the request ran (zero-copy)" : "copied at splice time",
                 want_late ? "zero-copy" : "copied");
    else
        kct_pass(t, late ? "zero-copy (6.1: spliced pages read late)" : "zero-copy (removed: spliced pages copied)");
}

static void removed_modes(void)
{
    static const char *const names[] = { "cfb(aes)", "ofb(aes)" };
    int want = !kernel_at_least(6, 7);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        int op = skcipher_op(names[i]);
        if (op >= 0)
            close(op);
        if ((op >= 0) == want)
            kct_pass(t, want ? "cfb/ofb (present before 6.7)" : "cfb/ofb (removed in 6.7)");
        else
            kct_fail(t, "cfb/ofb", "%s: %s, want %s", names[i], op >= 0 ? "binds" : strerror(-op),
                     want ? "present" : "ENOENT");
    }
}

int main(void)
{
    t = kct_tally_new();
    struct utsname u;
    uname(&u);
    printf("kernel %s\n", u.release);
    int s = socket(AF_ALG, SOCK_SEQPACKET, 0);
    if (s < 0) {
        kct_fail(t, "AF_ALG", "no AF_ALG in this kernel: run through tools/kernel-run");
    } else {
        close(s);
        zero_copy();
        removed_modes();
    }
    kct_tally_print(t, stdout);
    int rc = kct_tally_exit_code(t);
    kct_tally_free(t);
    return rc;
}
