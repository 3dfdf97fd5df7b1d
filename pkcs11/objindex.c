/* SPDX-License-Identifier: Apache-2.0 */
/* The store's object index, against rollback: the store version (a
 * counter raised by every object write) and, for each object file, the
 * version it was last written at. An object file carries its version inside
 * its sealed part (objfile.c), so a file is believed only if the index names
 * it at that version or an older one (a writer killed between the file and
 * the index: objstore.c): an old copy put back, or a file the token never
 * wrote, is refused. The index is one file, objects/index:
 *
 *   "KCP11IX1" | nonce (12) | AES-256-GCM(version u64 | count u32 |
 *                                         count x (name 16 | version u64)) | tag (16)
 *
 * sealed under the token key with the magic and file name as AAD, so it
 * too is read and written only by a logged-in process; it is replaced under
 * the store's exclusive lock like any object. A missing index is an empty
 * one (a new token): deleting it makes every object unreadable, never
 * accepted. What it cannot see: the whole store (index and objects
 * together) put back to an older copy. */
#include "p11.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "KCP11IX1"
#define FILE_NAME "index"
#define NONCE 12
#define TAG 16
#define ENTRY (P11_NAME_LEN + 8)

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void aad(unsigned char out[8 + sizeof FILE_NAME - 1])
{
    memcpy(out, MAGIC, 8);
    memcpy(out + 8, FILE_NAME, sizeof FILE_NAME - 1);
}

static CK_RV parse(p11_index *ix, const unsigned char *p, size_t n)
{
    if (n < 12)
        return CKR_DEVICE_ERROR;
    ix->version = get_le(p, 8);
    size_t count = (size_t)get_le(p + 8, 4);
    if (count > (n - 12) / ENTRY || count * ENTRY != n - 12)
        return CKR_DEVICE_ERROR;
    if (count && !(ix->e = calloc(count, sizeof *ix->e)))
        return CKR_HOST_MEMORY;
    ix->n = ix->cap = count;
    for (size_t i = 0; i < count; i++) {
        const unsigned char *e = p + 12 + i * ENTRY;
        memcpy(ix->e[i].name, e, P11_NAME_LEN);
        ix->e[i].name[P11_NAME_LEN] = '\0';
        ix->e[i].gen = get_le(e + P11_NAME_LEN, 8);
    }
    return CKR_OK;
}

CK_RV p11_index_load(p11_index *ix)
{
    char dir[4200];
    memset(ix, 0, sizeof *ix);
    if (!p11_g.tk_aead)
        return CKR_USER_NOT_LOGGED_IN;
    snprintf(dir, sizeof dir, "%s/objects", p11_g.store_dir);
    int dfd = p11_file_open_dir(dir);
    if (dfd < 0)
        return errno == ENOENT ? CKR_OK : p11_rv_errno(errno);
    struct stat st;
    int fd = p11_file_open_read(dfd, FILE_NAME, &st);
    close(dfd);
    if (fd < 0)
        return errno == ENOENT ? CKR_OK : p11_rv_errno(errno);
    CK_RV rv = CKR_DEVICE_ERROR;
    unsigned char *data = NULL, *plain = NULL;
    size_t len = (size_t)st.st_size;
    if (st.st_size < 8 + NONCE + TAG || (size_t)st.st_size > P11_MAX_FILE)
        goto out;
    if (!(data = malloc(len)) || !(plain = malloc(len))) {
        rv = CKR_HOST_MEMORY;
        goto out;
    }
    if (p11_file_read_all(fd, data, len) != 0)
        goto out;
    size_t n = len - 8 - NONCE - TAG;
    unsigned char a[8 + sizeof FILE_NAME - 1];
    aad(a);
    kc_error err;
    if (memcmp(data, MAGIC, 8) ||
        kc_aead_decrypt(p11_g.tk_aead, data + 8, NONCE, a, sizeof a, data + 8 + NONCE, n,
                        data + 8 + NONCE + n, plain, &err) != KC_OK) {
        p11_debug("store index: authentication failed (altered, or of another token)");
        goto out;
    }
    rv = parse(ix, plain, n);
out:
    free(data);
    free(plain);
    close(fd);
    if (rv != CKR_OK)
        p11_index_free(ix);
    return rv;
}

/* Caller holds the store's exclusive lock. */
CK_RV p11_index_save(const p11_index *ix)
{
    if (!p11_g.tk_aead)
        return CKR_USER_NOT_LOGGED_IN;
    size_t n = 12 + ix->n * ENTRY, len = 8 + NONCE + n + TAG;
    if (len > P11_MAX_FILE)
        return CKR_DEVICE_MEMORY;
    unsigned char *plain = malloc(n), *file = malloc(len);
    CK_RV rv = plain && file ? CKR_OK : CKR_HOST_MEMORY;
    if (rv == CKR_OK) {
        put_le(plain, ix->version, 8);
        put_le(plain + 8, ix->n, 4);
        for (size_t i = 0; i < ix->n; i++) {
            memcpy(plain + 12 + i * ENTRY, ix->e[i].name, P11_NAME_LEN);
            put_le(plain + 12 + i * ENTRY + P11_NAME_LEN, ix->e[i].gen, 8);
        }
        memcpy(file, MAGIC, 8);
        rv = p11_random(file + 8, NONCE);
    }
    unsigned char a[8 + sizeof FILE_NAME - 1];
    aad(a);
    kc_error err;
    if (rv == CKR_OK && kc_aead_encrypt(p11_g.tk_aead, file + 8, NONCE, a, sizeof a, plain, n,
                                        file + 8 + NONCE, file + 8 + NONCE + n, &err) != KC_OK)
        rv = p11_rv(&err, P11_USE_TOKEN);
    if (rv == CKR_OK) {
        char dir[4200];
        snprintf(dir, sizeof dir, "%s/objects", p11_g.store_dir);
        rv = p11_file_replace(dir, FILE_NAME, file, len, NULL);
    }
    free(plain);
    free(file);
    return rv;
}

uint64_t p11_index_gen(const p11_index *ix, const char *name)
{
    for (size_t i = 0; i < ix->n; i++)
        if (!strcmp(ix->e[i].name, name))
            return ix->e[i].gen;
    return 0;
}

CK_RV p11_index_set(p11_index *ix, const char *name, uint64_t gen)
{
    for (size_t i = 0; i < ix->n; i++)
        if (!strcmp(ix->e[i].name, name)) {
            ix->e[i].gen = gen;
            return CKR_OK;
        }
    if (ix->n == ix->cap) {
        size_t cap = ix->cap ? ix->cap * 2 : 16;
        void *np = realloc(ix->e, cap * sizeof *ix->e);
        if (!np)
            return CKR_HOST_MEMORY;
        ix->e = np;
        ix->cap = cap;
    }
    snprintf(ix->e[ix->n].name, sizeof ix->e[ix->n].name, "%s", name);
    ix->e[ix->n++].gen = gen;
    return CKR_OK;
}

void p11_index_drop(p11_index *ix, const char *name)
{
    for (size_t i = 0; i < ix->n; i++)
        if (!strcmp(ix->e[i].name, name)) {
            ix->e[i] = ix->e[--ix->n];
            return;
        }
}

void p11_index_free(p11_index *ix)
{
    free(ix->e);
    memset(ix, 0, sizeof *ix);
}

/* The index's plaintext parser alone, for the host unit tests and fuzz targets. */
CK_RV p11_index_parse(p11_index *ix, const unsigned char *p, size_t n)
{
    memset(ix, 0, sizeof *ix);
    CK_RV rv = parse(ix, p, n);
    if (rv != CKR_OK)
        p11_index_free(ix);
    return rv;
}
