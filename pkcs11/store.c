/* SPDX-License-Identifier: Apache-2.0 */
/* The token's persistent state: one small file in the store directory,
 * replaced atomically (write a temporary, fsync, rename, fsync the
 * directory) under an exclusive flock on a separate lock file, and read
 * under a shared one, so two processes always see one whole state and a
 * killed writer leaves the previous state in place. */
#include "p11.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATE_FILE "token.state"
#define MAGIC "kcrypt-p11-token 1"

void p11_store_choose(const char *reserved)
{
    const char *env = getenv("KCRYPT_P11_STORE");
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    char *d = p11_g.store_dir;
    size_t n = sizeof p11_g.store_dir;
    if (reserved && *reserved)
        snprintf(d, n, "%s", reserved);
    else if (env && *env)
        snprintf(d, n, "%s", env);
    else if (xdg && *xdg)
        snprintf(d, n, "%s/kcrypt/token", xdg);
    else if (home && *home)
        snprintf(d, n, "%s/.local/share/kcrypt/token", home);
    else
        snprintf(d, n, "/var/lib/kcrypt/token");
}

int p11_store_mkdirs(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0700) && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(tmp, 0700) && errno != EEXIST ? -1 : 0;
}

/* flock belongs to an open file description: a second open in this
 * process would wait for our own lock, so a holder reads without one. */
static int held;

CK_RV p11_store_lock(int exclusive, int *fd)
{
    char path[4200];
    *fd = -1;
    if (held)
        return CKR_OK;
    if (exclusive && p11_store_mkdirs(p11_g.store_dir))
        return CKR_DEVICE_ERROR;
    snprintf(path, sizeof path, "%s/lock", p11_g.store_dir);
    int f = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | (exclusive ? O_CREAT : 0), 0600);
    if (f < 0)
        return errno == ENOENT && !exclusive ? CKR_OK : p11_rv_errno(errno);
    while (flock(f, exclusive ? LOCK_EX : LOCK_SH) < 0) {
        if (errno != EINTR) {
            close(f);
            return CKR_DEVICE_ERROR;
        }
    }
    *fd = f;
    held = 1;
    return CKR_OK;
}

void p11_store_unlock(int fd)
{
    if (fd >= 0) {
        close(fd);   /* releases the flock */
        held = 0;
    }
}

static void put_hex(FILE *f, const char *name, const unsigned char *p, size_t n)
{
    char hex[2 * 64 + 1];   /* the longest field: 40 bytes */
    kc_hex_encode(p, n, hex);
    fprintf(f, "%s %s\n", name, hex);
}

static int get_hex(const char *v, unsigned char *p, size_t n)
{
    return strlen(v) == 2 * n && kc_hex_decode(v, 2 * n, p, n) == (long)n ? 0 : -1;
}

static CK_RV parse(FILE *f, p11_token *t)
{
    char line[512];
    if (!fgets(line, sizeof line, f) || strncmp(line, MAGIC, strlen(MAGIC)))
        return CKR_DEVICE_ERROR;
    int bad = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *v = strchr(line, ' ');
        if (!v)
            continue;
        *v++ = '\0';
        if (!strcmp(line, "label"))
            bad |= get_hex(v, (unsigned char *)t->label, sizeof t->label);
        else if (!strcmp(line, "serial"))
            bad |= get_hex(v, (unsigned char *)t->serial, sizeof t->serial);
        else if (!strcmp(line, "iterations"))
            t->iterations = strtoul(v, NULL, 10);
        else if (!strcmp(line, "pin_tries"))
            t->pin_tries = strtoul(v, NULL, 10);
        else if (!strcmp(line, "so_fail"))
            t->so_fail = strtoul(v, NULL, 10);
        else if (!strcmp(line, "user_fail"))
            t->user_fail = strtoul(v, NULL, 10);
        else if (!strcmp(line, "so_salt"))
            bad |= get_hex(v, t->so_salt, sizeof t->so_salt);
        else if (!strcmp(line, "so_wrapped"))
            bad |= get_hex(v, t->so_wrapped, sizeof t->so_wrapped);
        else if (!strcmp(line, "user_salt"))
            bad |= get_hex(v, t->user_salt, sizeof t->user_salt);
        else if (!strcmp(line, "user_wrapped")) {
            bad |= get_hex(v, t->user_wrapped, sizeof t->user_wrapped);
            t->user_pin_set = 1;
        }
    }
    if (!t->pin_tries)   /* a state from before the retry counter */
        t->pin_tries = P11_PIN_TRIES_DEFAULT;
    if (bad || t->iterations < P11_ITERATIONS_MIN || t->iterations > P11_ITERATIONS_MAX)
        return CKR_DEVICE_ERROR;
    t->initialized = 1;
    return CKR_OK;
}

CK_RV p11_store_load(p11_token *t)
{
    int lk;
    memset(t, 0, sizeof *t);
    CK_RV rv = p11_store_lock(0, &lk);
    if (rv != CKR_OK)
        return rv;
    struct stat st;
    int dfd = p11_file_open_dir(p11_g.store_dir);
    int fd = dfd < 0 ? -1 : p11_file_open_read(dfd, STATE_FILE, &st);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "r");
    if (dfd >= 0)
        close(dfd);
    if (!f) {
        int missing = errno == ENOENT;
        if (fd >= 0)
            close(fd);
        p11_store_unlock(lk);
        return missing ? CKR_OK : CKR_DEVICE_ERROR;
    }
    rv = parse(f, t);
    fclose(f);
    p11_store_unlock(lk);
    if (rv != CKR_OK)
        memset(t, 0, sizeof *t);
    return rv;
}

/* Caller holds the exclusive lock. */
CK_RV p11_store_save(const p11_token *t)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return CKR_HOST_MEMORY;
    fprintf(f, MAGIC "\n");
    put_hex(f, "label", (const unsigned char *)t->label, sizeof t->label);
    put_hex(f, "serial", (const unsigned char *)t->serial, sizeof t->serial);
    fprintf(f, "iterations %lu\n", t->iterations);
    fprintf(f, "pin_tries %lu\nso_fail %lu\nuser_fail %lu\n", t->pin_tries, t->so_fail,
            t->user_fail);
    put_hex(f, "so_salt", t->so_salt, sizeof t->so_salt);
    put_hex(f, "so_wrapped", t->so_wrapped, sizeof t->so_wrapped);
    if (t->user_pin_set) {
        put_hex(f, "user_salt", t->user_salt, sizeof t->user_salt);
        put_hex(f, "user_wrapped", t->user_wrapped, sizeof t->user_wrapped);
    }
    CK_RV rv = fclose(f) ? CKR_HOST_MEMORY : CKR_OK;
    if (rv == CKR_OK)
        rv = p11_file_replace(p11_g.store_dir, STATE_FILE, (unsigned char *)text, len, NULL);
    if (text) {
        kc_wipe(text, len);
        free(text);
    }
    return rv;
}

/* A rename or unlink is durable only once its directory is synced. */
int p11_store_fsync_dir(const char *path)
{
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -1;
    int r = fsync(dfd);
    close(dfd);
    return r;
}

/* The state file's parser alone, for the host unit tests and fuzz targets. */
CK_RV p11_store_parse(FILE *f, p11_token *t)
{
    return parse(f, t);
}
