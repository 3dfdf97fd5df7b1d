/* SPDX-License-Identifier: Apache-2.0 */
#include "kc/debug.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int debug_mode;           /* 0 off, 1 stderr, 2 file */
static char debug_path[4096];
static pthread_once_t debug_once = PTHREAD_ONCE_INIT;

static void read_env(void)
{
    /* read once: getenv is not safe against a concurrent setenv */
    const char *v = getenv("KCRYPT_DEBUG");
    if (!v || !*v || strcmp(v, "0") == 0)
        return;
    if (v[0] == '/' && strlen(v) < sizeof debug_path) {
        memcpy(debug_path, v, strlen(v) + 1);
        debug_mode = 2;
        return;
    }
    debug_mode = 1;
}

int kc_debug_on(void)
{
    pthread_once(&debug_once, read_env);
    return debug_mode != 0;
}

void kc_vdebug(const char *who, const char *fmt, va_list ap)
{
    if (!kc_debug_on())
        return;
    char line[1024];
    int n = snprintf(line, sizeof line, "%s: ", who);
    if (n < 0 || (size_t)n >= sizeof line)
        return;
    int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    if (m < 0)
        return;
    size_t len = (size_t)n + (size_t)m;
    if (len > sizeof line - 2)
        len = sizeof line - 2;   /* cut, but still one line */
    line[len++] = '\n';
    /* opened per line: nothing held across fork, and no lock needed */
    int fd = debug_mode == 2 ? open(debug_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
                                                    O_NOFOLLOW | O_NOCTTY, 0600)
                             : STDERR_FILENO;
    if (fd < 0)
        return;
    ssize_t w = write(fd, line, len);
    (void)w;   /* nowhere left to report a failed debug write */
    if (fd != STDERR_FILENO)
        close(fd);
}

void kc_debug(const char *who, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kc_vdebug(who, fmt, ap);
    va_end(ap);
}
