/* SPDX-License-Identifier: Apache-2.0 */
/* When the kernel will not give a context a socket.
 *
 * A process may run out of fds (RLIMIT_NOFILE: a server with a thousand
 * connections), the system may (ENFILE), or the kernel may refuse the
 * socket's memory (ENOMEM, ENOBUFS; also an HMAC key beyond the socket's
 * option memory). None of these says anything about the request itself,
 * so where software-fallback allows, that operation runs in OpenSSL's
 * default implementation instead of failing, quietly: an error left on
 * OpenSSL's queue after a call that succeeded confuses its callers
 * (libssl, nginx). With software-fallback = no the caller raises the
 * kernel's error, which names the errno. */
#include "prov.h"

#include <errno.h>

int kcp_no_socket(const kc_error *e)
{
    switch (e->sys_errno) {
    case EMFILE:
    case ENFILE:
    case ENOMEM:
    case ENOBUFS:
        return 1;
    default:
        return 0;
    }
}

int kcp_soft_instead(const kcp_prov *p, const char *alg, const kc_error *e)
{
    if (!kcp_no_socket(e) || !p->conf.soft_ok)
        return 0;
    kcp_debug("%s: no kernel socket (%s), OpenSSL's default implementation serves", alg,
              e->msg);
    kcp_count(KCP_ST_SOFTWARE_OPS, 1);
    return 1;
}
