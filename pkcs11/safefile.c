/* SPDX-License-Identifier: Apache-2.0 */
/* Files in the store directory, written and read so that someone else who
 * can write there cannot turn the token's writes or reads against it.
 *
 * A file is replaced whole (kc_file_replace_at): a temporary with an
 * unpredictable name is created with O_EXCL|O_NOFOLLOW relative to a
 * directory fd held for the whole replacement (a symlink planted at any
 * name, or a directory renamed under us, cannot redirect the write),
 * written, fsynced, renamed over the target (rename replaces a symlink, it
 * never follows one) and the directory fsynced. A file is opened for
 * reading with O_NOFOLLOW and O_NONBLOCK and refused unless fstat shows a
 * regular file that we own and that group and others cannot write: a FIFO
 * or device cannot hang the token, a file planted by another user is not
 * believed. Every refusal is
 * told on the KCRYPT_DEBUG channel (rv.c). */
#include "p11.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 0 if st may be trusted as part of the store: ours, not writable by group or others. */
static int trusted(const struct stat *st, const char *what)
{
    if (st->st_uid != geteuid()) {
        p11_debug("store: %s is owned by uid %ld, not by us (uid %ld): refused", what,
                  (long)st->st_uid, (long)geteuid());
        return -1;
    }
    if (st->st_mode & (S_IWGRP | S_IWOTH)) {
        p11_debug("store: %s is writable by group or others (mode %04o): refused; "
                  "chmod go-w it", what, (unsigned)(st->st_mode & 07777));
        return -1;
    }
    return 0;
}

int p11_file_open_dir(const char *dir)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (dfd < 0) {
        if (errno != ENOENT)
            p11_debug("store: cannot open directory %s: %s", dir, strerror(errno));
        return -1;
    }
    if (fstat(dfd, &st) || trusted(&st, dir)) {
        close(dfd);
        errno = EPERM;
        return -1;
    }
    return dfd;
}

int p11_file_open_read(int dfd, const char *name, struct stat *st)
{
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno != ENOENT)
            p11_debug("store: cannot open %s: %s", name, strerror(errno));
        return -1;
    }
    if (fstat(fd, st) || !S_ISREG(st->st_mode)) {
        p11_debug("store: %s is not a regular file: refused", name);
        close(fd);
        errno = EINVAL;
        return -1;
    }
    if (trusted(st, name)) {
        close(fd);
        errno = EPERM;
        return -1;
    }
    return fd;
}

/* Exactly len bytes (the size fstat gave), or -1: a file that shrank under
 * us is as bad as one that could not be read. */
int p11_file_read_all(int fd, unsigned char *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t r = read(fd, buf + got, len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

CK_RV p11_file_replace(const char *dir, const char *name, const unsigned char *data,
                       size_t len, ino_t *ino)
{
    if (len > P11_MAX_FILE)
        return CKR_DEVICE_MEMORY;
    if (p11_store_mkdirs(dir))
        return CKR_DEVICE_ERROR;
    int dfd = p11_file_open_dir(dir);
    if (dfd < 0)
        return CKR_DEVICE_ERROR;
    int rc = kc_file_replace_at(dfd, name, data, len, 0600, ino);
    close(dfd);
    if (rc) {   /* ENOSPC: CKR_DEVICE_MEMORY, the token is full */
        p11_debug("store: cannot write %s/%s: %s", dir, name, strerror(-rc));
        return p11_rv_errno(-rc);
    }
    return CKR_OK;
}
