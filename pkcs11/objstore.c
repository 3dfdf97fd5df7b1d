/* SPDX-License-Identifier: Apache-2.0 */
/* Token objects on disk: one file per object in <store>/objects, named by
 * 16 random hex digits, so that processes sharing the token never write
 * the same file. A file is replaced whole (temporary, fsync, rename, fsync
 * the directory) under the store's exclusive flock and read under a shared
 * one: a killed writer leaves at most a stray temporary, which no reader
 * looks at. Each process keeps its objects in memory and catches up with
 * the others at C_FindObjectsInit and C_Login (p11_objstore_sync) and on
 * every use of a handle (p11_objstore_current: one stat). After a login a
 * file is believed only at the version the store's index names for it
 * (objindex.c); a write raises the version, writes the file, then the
 * index. */
#include "p11.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SUFFIX ".obj"
#define NAME_LEN 16

static void objdir(char *out, size_t n)
{
    snprintf(out, n, "%s/objects", p11_g.store_dir);
}

static void objpath(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/objects/%s" SUFFIX, p11_g.store_dir, name);
}

static int is_object_file(const char *f)
{
    size_t n = strlen(f);
    if (n != NAME_LEN + strlen(SUFFIX) || strcmp(f + NAME_LEN, SUFFIX))
        return 0;
    return strspn(f, "0123456789abcdef") == NAME_LEN;
}

static CK_RV new_name(char name[NAME_LEN + 1])
{
    unsigned char r[NAME_LEN / 2];
    CK_RV rv = p11_random(r, sizeof r);
    if (rv == CKR_OK)
        kc_hex_encode(r, sizeof r, name);
    return rv;
}

static CK_RV replace_file(const char *name, const unsigned char *data, size_t len, ino_t *ino)
{
    char dir[4200], file[NAME_LEN + sizeof SUFFIX];
    objdir(dir, sizeof dir);
    snprintf(file, sizeof file, "%s" SUFFIX, name);
    return p11_file_replace(dir, file, data, len, ino);
}

CK_RV p11_objstore_write(p11_object *o)
{
    int fresh = !o->file[0];
    CK_RV rv = fresh ? new_name(o->file) : CKR_OK;
    unsigned char *data = NULL;
    size_t len = 0;
    int lk = -1;
    p11_index ix = { 0 };
    /* A writer killed midway must leave a file that opens: a new object is
     * named in the index before its file exists; a changed one's file is
     * written before the index, and a file newer than its index entry is
     * believed (only the token key can make one). The new version is above
     * the store's and the object's, so no older copy reaches it. */
    if (rv == CKR_OK)
        rv = p11_store_lock(1, &lk);
    if (rv == CKR_OK)
        rv = p11_index_load(&ix);
    uint64_t gen = ix.version > o->gen ? ix.version : o->gen;
    if (rv == CKR_OK && gen == UINT64_MAX)
        rv = CKR_DEVICE_ERROR;
    ix.version = ++gen;
    if (rv == CKR_OK)
        rv = p11_objfile_encode(o, gen, &data, &len);
    if (rv == CKR_OK && (rv = p11_index_set(&ix, o->file, gen)) == CKR_OK && fresh)
        rv = p11_index_save(&ix);
    if (rv == CKR_OK)
        rv = replace_file(o->file, data, len, &o->ino);
    if (rv == CKR_OK && !fresh)
        rv = p11_index_save(&ix);
    if (rv == CKR_OK)
        o->gen = gen;
    p11_index_free(&ix);
    p11_store_unlock(lk);
    if (data) {
        kc_wipe(data, len);
        free(data);
    }
    if (rv != CKR_OK && fresh)
        o->file[0] = '\0';
    return rv;
}

CK_RV p11_objstore_remove(p11_object *o)
{
    char dir[4200], path[4300];
    int lk;
    if (!o->file[0])
        return CKR_OK;
    CK_RV rv = p11_store_lock(1, &lk);
    if (rv != CKR_OK)
        return rv;
    objdir(dir, sizeof dir);
    objpath(path, sizeof path, o->file);
    if (unlink(path) && errno != ENOENT)
        rv = CKR_DEVICE_ERROR;
    else if (p11_store_fsync_dir(dir))
        rv = CKR_DEVICE_ERROR;
    /* Then out of the index, so an old copy put back is not believed.
     * Before a login the index cannot be written: the entry stays (see
     * the README's threat model); so it does if this fails, the object
     * being gone already. */
    p11_index ix;
    if (rv == CKR_OK && p11_g.tk_aead && p11_index_load(&ix) == CKR_OK) {
        p11_index_drop(&ix, o->file);
        if (p11_index_save(&ix) != CKR_OK)
            p11_debug("object %s destroyed, its index entry stays", o->file);
        p11_index_free(&ix);
    }
    p11_store_unlock(lk);
    return rv;
}

/* The object in file name, or an error: CKR_USER_NOT_LOGGED_IN for a
 * private object before a login, CKR_DEVICE_ERROR for a damaged file, or
 * after a login one the index (ix; NULL: load it) does not name at its
 * version (rolled back, planted). */
static CK_RV read_object(const char *name, const p11_index *ix, p11_object **out)
{
    char dir[4200], file[NAME_LEN + sizeof SUFFIX];
    objdir(dir, sizeof dir);
    snprintf(file, sizeof file, "%s" SUFFIX, name);
    int dfd = p11_file_open_dir(dir);
    if (dfd < 0)
        return errno == ENOENT ? CKR_OBJECT_HANDLE_INVALID : p11_rv_errno(errno);
    struct stat st;
    int fd = p11_file_open_read(dfd, file, &st);
    close(dfd);
    if (fd < 0)
        return errno == ENOENT ? CKR_OBJECT_HANDLE_INVALID : p11_rv_errno(errno);
    unsigned char *data = NULL;
    size_t len = 0;
    CK_RV rv = CKR_DEVICE_ERROR;
    if (st.st_size <= 0 || (size_t)st.st_size > P11_MAX_FILE)
        goto out;
    len = (size_t)st.st_size;
    if (!(data = malloc(len))) {
        rv = CKR_HOST_MEMORY;
        goto out;
    }
    if (p11_file_read_all(fd, data, len) != 0)
        goto out;
    rv = p11_objfile_decode(name, data, len, out);
    if (rv == CKR_OK && p11_g.tk_aead) {
        p11_index own;
        CK_RV irv = ix ? CKR_OK : p11_index_load(&own);
        uint64_t want = irv != CKR_OK ? 0 : p11_index_gen(ix ? ix : &own, name);
        if (!ix && irv == CKR_OK)
            p11_index_free(&own);
        if (!want || (*out)->gen < want) {
            p11_debug("object %s: version %llu, the store index says %llu (an old copy put "
                      "back, or not written by this token)",
                      name, (unsigned long long)(*out)->gen, (unsigned long long)want);
            p11_object_free(*out);
            *out = NULL;
            rv = CKR_DEVICE_ERROR;
        }
    }
    if (rv == CKR_OK)
        (*out)->ino = st.st_ino;
out:
    if (data) {
        kc_wipe(data, len);
        free(data);
    }
    close(fd);
    return rv;
}

/* Bring o up to date with n (read from o's file), keeping o's handle and
 * the kernel transforms already keyed from its value, which cannot change. */
static void take_content(p11_object *o, p11_object *n)
{
    p11_object tmp = *o;
    o->cls = n->cls;
    o->kt = n->kt;
    o->attrs = n->attrs;
    o->nattrs = n->nattrs;
    o->sealed = n->sealed;
    o->sealed_len = n->sealed_len;
    o->sserial = n->sserial;
    o->kblob = n->kblob;
    o->kblob_len = n->kblob_len;
    o->value_len = n->value_len;
    o->locked = n->locked;
    o->unverified = n->unverified;
    o->gen = n->gen;
    o->ino = n->ino;
    n->attrs = tmp.attrs;
    n->nattrs = tmp.nattrs;
    n->sealed = tmp.sealed;
    n->sealed_len = tmp.sealed_len;
    if (!o->kserial) {   /* an RSA key's kernel key: keep the one in use, else take n's */
        o->kserial = n->kserial;
        o->kpid = n->kpid;
        n->kserial = 0;
    }
    n->sserial = tmp.sserial;   /* a secret key's: n's is newer, o's goes with n */
    n->kblob = tmp.kblob;
    n->kblob_len = tmp.kblob_len;
    p11_object_free(n);
}

static int stale(const p11_object *o, ino_t ino)
{
    return o->ino != ino || ((o->locked || o->unverified) && p11_g.tk_aead);
}

static p11_object *by_file(const char *name)
{
    for (p11_object *o = p11_g.objects; o; o = o->next)
        if (!o->owner && !strcmp(o->file, name))
            return o;
    return NULL;
}

typedef struct {
    char (*names)[NAME_LEN + 1];
    size_t n, cap;
} name_list;

static int listed(const name_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->names[i], name))
            return 1;
    return 0;
}

static int list_add(name_list *l, const char *name)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        void *np = realloc(l->names, cap * sizeof *l->names);
        if (!np)
            return -1;
        l->names = np;
        l->cap = cap;
    }
    snprintf(l->names[l->n++], NAME_LEN + 1, "%.*s", NAME_LEN, name);
    return 0;
}

void p11_objstore_sync(void)
{
    char dir[4200];
    int lk;
    if (p11_store_lock(0, &lk) != CKR_OK)
        return;
    objdir(dir, sizeof dir);
    p11_index ix = { 0 };
    int have_ix = p11_g.tk_aead && p11_index_load(&ix) == CKR_OK;
    DIR *d = opendir(dir);
    name_list seen = { 0 };
    int complete = d != NULL || errno == ENOENT;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (!is_object_file(e->d_name))
            continue;
        if (list_add(&seen, e->d_name)) {
            complete = 0;
            break;
        }
        char path[4300];
        struct stat st;
        p11_object *o = by_file(seen.names[seen.n - 1]), *n;
        objpath(path, sizeof path, seen.names[seen.n - 1]);
        if (o && (stat(path, &st) || !stale(o, st.st_ino)))
            continue;
        /* A file that cannot be read now (private, damaged) stays out; one
         * shown unverified before the login (or a key locked since a
         * logout) that fails verification now goes (its handle becomes
         * invalid). */
        CK_RV rv = p11_g.tk_aead && !have_ix ? CKR_DEVICE_ERROR
                                             : read_object(seen.names[seen.n - 1], &ix, &n);
        if (rv != CKR_OK && o && (o->unverified || o->locked) && p11_g.tk_aead &&
            rv != CKR_HOST_MEMORY)
            p11_object_unlink_free(o);
        if (rv != CKR_OK)
            continue;
        if (o) {
            take_content(o, n);
        } else {
            n->owner = 0;
            p11_object_link(n);
        }
    }
    if (d)
        closedir(d);
    /* Gone from the directory: another process destroyed it, or re-initialized the token. */
    for (p11_object *o = p11_g.objects, *nx; complete && o; o = nx) {
        nx = o->next;
        if (!o->owner && o->file[0] && !listed(&seen, o->file))
            p11_object_unlink_free(o);
    }
    free(seen.names);
    p11_index_free(&ix);
    p11_store_unlock(lk);
}

CK_RV p11_objstore_reload(p11_object *o)
{
    p11_object *n;
    CK_RV rv = read_object(o->file, NULL, &n);
    if (rv == CKR_OK)
        take_content(o, n);
    return rv;
}

int p11_objstore_current(p11_object *o)
{
    if (o->owner || !o->file[0])
        return 1;
    char path[4300];
    struct stat st;
    objpath(path, sizeof path, o->file);
    if (stat(path, &st))
        return errno != ENOENT;
    p11_object *n;
    if (stale(o, st.st_ino) && read_object(o->file, NULL, &n) == CKR_OK)
        take_content(o, n);
    return 1;
}

/* C_InitToken, under the store's exclusive lock: a new token has no objects. */
void p11_objstore_clear(void)
{
    char dir[4200];
    objdir(dir, sizeof dir);
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;   /* stray .tmp-* of killed writers go too */
        char path[4500];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    p11_store_fsync_dir(dir);
}
