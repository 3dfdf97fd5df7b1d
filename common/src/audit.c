/* SPDX-License-Identifier: Apache-2.0 */
/* kc_audit: one syslog line per call, on a socket of its own (kc/audit.h). */
#include "kc/audit.h"
#include "kc/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define AUDIT_PRIORITY (10 * 8 + 5)   /* LOG_AUTHPRIV | LOG_NOTICE */

static void send_line(const char *line, size_t len)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };
    /* journald and rsyslog take datagrams; a stream-only syslogd takes the
     * line with a NUL after it, as glibc sends it */
    static const int types[] = { SOCK_DGRAM, SOCK_STREAM };
    for (size_t i = 0; i < 2; i++) {
        int fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return;
        /* a stuck syslog daemon delays a key operation by a second at most */
        struct timeval tv = { .tv_sec = 1 };
        (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        int ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
        int wrong_type = !ok && errno == EPROTOTYPE;
        if (ok)
            (void)send(fd, line, types[i] == SOCK_STREAM ? len + 1 : len, MSG_NOSIGNAL);
        close(fd);
        if (!wrong_type)
            return;
    }
}

void kc_audit(const char *ident, const char *fmt, ...)
{
    int saved = errno;
    char line[1024];
    time_t now = time(NULL);
    struct tm tm;
    int k = snprintf(line, sizeof line, "<%d>", AUDIT_PRIORITY);
    size_t n = (size_t)k;
    if (localtime_r(&now, &tm))
        n += strftime(line + n, sizeof line - n, "%h %e %T ", &tm);
    k = snprintf(line + n, sizeof line - n, "%s[%ld]: ", ident, (long)getpid());
    if (k > 0 && (size_t)k < sizeof line - n) {
        n += (size_t)k;
        va_list ap;
        va_start(ap, fmt);
        k = vsnprintf(line + n, sizeof line - n, fmt, ap);
        va_end(ap);
        n = k < 0 ? n : (size_t)k < sizeof line - n ? n + (size_t)k : sizeof line - 1;
        send_line(line, n);
    }
    errno = saved;
}

void kc_audit_text(char out[KC_AUDIT_TEXT_MAX], const void *in, size_t len)
{
    const unsigned char *p = in;
    size_t show = len > 64 ? 64 : len, o = 0;
    for (size_t i = 0; i < show; i++) {
        unsigned char c = p[i];
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
            o += (size_t)snprintf(out + o, 5, "\\x%02x", c);
        else
            out[o++] = (char)c;
    }
    if (show < len)
        memcpy(out + o, "...", 3), o += 3;
    out[o] = '\0';
}

void kc_audit_hex(char out[KC_AUDIT_HEX_MAX], const void *in, size_t len)
{
    const unsigned char *p = in;
    size_t show = len > 32 ? 32 : len, o = 0;
    if (!len) {
        strcpy(out, "-");
        return;
    }
    kc_hex_encode(p, show, out);
    o = 2 * show;
    if (show < len)
        memcpy(out + o, "...", 3), o += 3;
    out[o] = '\0';
}
