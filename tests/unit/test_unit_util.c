/* SPDX-License-Identifier: Apache-2.0 */
/* Host unit tests of common/'s small helpers: hex, the constant-time
 * compare, the KCRYPT_DEBUG channel (stderr and file), the atomic file
 * replacement. */
#include "unit.h"
#include "kc/kc.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

kct_tally *T;

static long dec(const char *s, unsigned char *out, size_t cap)
{
    return kc_hex_decode(s, strlen(s), out, cap);
}

static void hex_area(void)
{
    const char *A = "hex";
    unsigned char b[8];
    CHECK(A, dec("00ff7Fa0", b, sizeof b) == 4 && !memcmp(b, "\x00\xff\x7f\xa0", 4),
          "valid hex, both cases");
    CHECK(A, dec("", b, sizeof b) == 0, "empty is zero bytes");
    static const char *bad[] = { "0", "abc", "0g", "g0", "+f", " f", "f ", "-1", "0x00", "\n0" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(A, dec(bad[i], b, sizeof b) == -1, "'%s' accepted", bad[i]);
    CHECK(A, dec("001122334455667788", b, sizeof b) == -1, "more than cap accepted");
    CHECK(A, kc_hex_decode("00112", 4, b, sizeof b) == 2, "length bound not honoured");
    char h[2 * 256 + 1];
    unsigned char all[256], back[256];
    for (int i = 0; i < 256; i++)
        all[i] = (unsigned char)i;
    kc_hex_encode(all, sizeof all, h);
    CHECK(A, strlen(h) == 512 && !strncmp(h, "000102", 6) && !strcmp(h + 506, "fdfeff"),
          "encode: %.12s", h);
    CHECK(A, kc_hex_decode(h, 512, back, sizeof back) == 256 && !memcmp(all, back, 256),
          "round trip");
    kc_hex_encode(all, 0, h);
    CHECK(A, h[0] == 0, "empty encode is an empty string");
}

static void ct_area(void)
{
    const char *A = "memeq_ct";
    unsigned char x[64], y[64];
    memset(x, 0x5a, sizeof x);
    memcpy(y, x, sizeof y);
    CHECK(A, kc_memeq_ct(x, y, sizeof x) == 1, "equal");
    CHECK(A, kc_memeq_ct(x, y, 0) == 1, "empty");
    for (size_t i = 0; i < sizeof x; i++)
        for (int bit = 0; bit < 8; bit++) {
            y[i] ^= (unsigned char)(1 << bit);
            CHECK(A, kc_memeq_ct(x, y, sizeof x) == 0, "byte %zu bit %d differs", i, bit);
            y[i] ^= (unsigned char)(1 << bit);
        }
}

/* Run kc_debug in a child with KCRYPT_DEBUG=value; its stderr into errbuf. */
static void debug_child(const char *value, char *errbuf, size_t n)
{
    int p[2];
    errbuf[0] = 0;
    if (pipe(p))
        return;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 2);
        close(p[0]);
        if (value)
            setenv("KCRYPT_DEBUG", value, 1);
        else
            unsetenv("KCRYPT_DEBUG");
        kc_error e;
        kc_fail(&e, KC_ERR_AUTH, 74, "%s: tag mismatch", "AES-GCM");
        kc_debug("unit", "%s [%s]", e.msg, kc_status_name(e.status));
        _exit(0);
    }
    close(p[1]);
    size_t got = 0;
    ssize_t r;
    while (got + 1 < n && (r = read(p[0], errbuf + got, n - 1 - got)) > 0)
        got += (size_t)r;
    errbuf[got] = 0;
    close(p[0]);
    waitpid(pid, NULL, 0);
}

static void debug_area(void)
{
    const char *A = "debug";
    char out[1024];
    debug_child(NULL, out, sizeof out);
    CHECK(A, out[0] == 0, "unset printed: %s", out);
    debug_child("0", out, sizeof out);
    CHECK(A, out[0] == 0, "0 printed: %s", out);
    debug_child("1", out, sizeof out);
    CHECK(A, !strcmp(out, "unit: AES-GCM: tag mismatch: Bad message (EBADMSG, errno 74) "
                          "[KC_ERR_AUTH]\n"),
          "stderr line: '%s'", out);
    char path[] = "/tmp/kc-unit-debug-XXXXXX";
    int fd = mkstemp(path);
    if (fd >= 0)
        close(fd);
    debug_child(path, out, sizeof out);
    CHECK(A, out[0] == 0, "file mode also printed on stderr: %s", out);
    debug_child(path, out, sizeof out);   /* appends */
    FILE *f = fopen(path, "r");
    char l1[512] = "", l2[512] = "", l3[8] = "";
    if (f) {
        if (!fgets(l1, sizeof l1, f) || !fgets(l2, sizeof l2, f) || fgets(l3, sizeof l3, f))
            l3[0] = 'x';
        fclose(f);
    }
    CHECK(A, strstr(l1, "EBADMSG, errno 74") && !strcmp(l1, l2) && !l3[0],
          "file: two appended lines expected, got '%s' '%s'", l1, l2);
    unlink(path);
}

static int read_file(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "r");
    size_t got = f ? fread(buf, 1, n - 1, f) : 0;
    buf[got] = 0;
    if (f)
        fclose(f);
    return f ? (int)got : -1;
}

static int count_tmp(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls -A %s | grep -c '^\\.tmp-' > %s/.count", dir, dir);
    if (system(cmd) < 0)
        return -1;
    char path[200], buf[16];
    snprintf(path, sizeof path, "%s/.count", dir);
    int n = read_file(path, buf, sizeof buf) > 0 ? atoi(buf) : -1;
    unlink(path);
    return n;
}

static void file_area(void)
{
    const char *A = "file-replace";
    char dir[] = "/tmp/kc-unit-file-XXXXXX", path[128], link[128], other[128], buf[64];
    if (!mkdtemp(dir)) {
        CHECK(A, 0, "mkdtemp");
        return;
    }
    snprintf(path, sizeof path, "%s/f", dir);
    CHECK(A, kc_file_replace(path, "first", 5, 0600) == 0 && read_file(path, buf, sizeof buf) == 5 &&
                 !strcmp(buf, "first"),
          "new file: '%s'", buf);
    struct stat a, b;
    stat(path, &a);
    CHECK(A, (a.st_mode & 0777) == 0600, "mode %o", (unsigned)(a.st_mode & 0777));
    CHECK(A, kc_file_replace(path, "second!", 7, 0600) == 0 && read_file(path, buf, sizeof buf) == 7 &&
                 !strcmp(buf, "second!"),
          "replaced: '%s'", buf);
    stat(path, &b);
    CHECK(A, a.st_ino != b.st_ino, "replaced in place, not renamed over");
    CHECK(A, kc_file_replace(path, "", 0, 0600) == 0 && read_file(path, buf, sizeof buf) == 0,
          "empty file");
    /* a symlink at the name is replaced, its target never written */
    snprintf(other, sizeof other, "%s/target", dir);
    snprintf(link, sizeof link, "%s/l", dir);
    kc_file_replace(other, "untouched", 9, 0600);
    CHECK(A, symlink(other, link) == 0 && kc_file_replace(link, "new", 3, 0600) == 0, "symlink");
    struct stat l;
    CHECK(A, lstat(link, &l) == 0 && S_ISREG(l.st_mode) &&
                 read_file(other, buf, sizeof buf) == 9 && !strcmp(buf, "untouched"),
          "wrote through a symlink");
    /* a failure leaves no temporary: the name is a directory */
    char sub[128];
    snprintf(sub, sizeof sub, "%s/d", dir);
    mkdir(sub, 0700);
    int rc = kc_file_replace(sub, "x", 1, 0600);
    CHECK(A, rc == -EISDIR && count_tmp(dir) == 0, "over a directory: %d, temporaries left %d",
          rc, count_tmp(dir));
    CHECK(A, kc_file_replace("/nonexistent-kc/f", "x", 1, 0600) == -ENOENT, "missing directory");
    CHECK(A, kc_file_replace("relative-kc-unit", "x", 1, 0600) == 0 &&
                 unlink("relative-kc-unit") == 0,
          "a path without a directory");
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {
    }
}

int main(void)
{
    T = kct_tally_new();
    hex_area();
    ct_area();
    debug_area();
    file_area();
    kct_tally_print(T, stdout);
    int rc = kct_tally_exit_code(T);
    kct_tally_free(T);
    return rc;
}
