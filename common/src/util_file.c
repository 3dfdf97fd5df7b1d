/* SPDX-License-Identifier: Apache-2.0 */
#include "kc/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? -errno : -EIO;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int kc_file_replace_at(int dfd, const char *name, const void *data, size_t len, mode_t mode,
                       ino_t *ino)
{
    unsigned char r[8];
    char tmp[32];
    int fd = -1, e = EEXIST;
    /* unpredictable, so a name planted in advance cannot catch the write */
    for (int tries = 0; fd < 0 && e == EEXIST && tries < 8; tries++) {
        if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
            return errno ? -errno : -EIO;
        memcpy(tmp, ".tmp-", 5);
        kc_hex_encode(r, sizeof r, tmp + 5);
        fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        e = fd < 0 ? errno : 0;
    }
    if (fd < 0)
        return -e;
    struct stat st;
    int rc = write_all(fd, data, len);
    if (!rc && (fsync(fd) || fstat(fd, &st)))
        rc = -errno;
    if (close(fd) && !rc)
        rc = -errno;
    if (!rc && renameat(dfd, tmp, dfd, name))
        rc = -errno;
    if (rc) {
        unlinkat(dfd, tmp, 0);
        return rc;
    }
    if (ino)
        *ino = st.st_ino;
    return fsync(dfd) ? -errno : 0;
}

int kc_file_replace(const char *path, const void *data, size_t len, mode_t mode)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if ((size_t)(slash - path) >= sizeof dir)
        return -ENAMETOOLONG;
    else
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    const char *name = slash ? slash + 1 : path;
    if (!*name)
        return -EISDIR;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -errno;
    int rc = kc_file_replace_at(dfd, name, data, len, mode, NULL);
    close(dfd);
    return rc;
}
