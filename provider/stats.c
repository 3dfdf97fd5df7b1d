/* SPDX-License-Identifier: Apache-2.0 */
/* Counters that let a test prove which work the kernel did (e.g. that every
 * TLS record went through an AF_ALG request). They are process-wide so a
 * test sees one total however many library contexts loaded the module, and
 * atomic because OpenSSL calls providers from any thread. */
#include "prov.h"

#include <openssl/params.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static _Atomic unsigned long long counters[KCP_ST_COUNT];

static const char *const names[KCP_ST_COUNT] = {
    [KCP_ST_KERNEL_REQUESTS] = "kcrypt-kernel-requests",
    [KCP_ST_KERNEL_CONTEXTS] = "kcrypt-kernel-contexts",
    [KCP_ST_DIGEST_OPS] = "kcrypt-digest-ops",
    [KCP_ST_DIGEST_CLONES] = "kcrypt-digest-clones",
    [KCP_ST_CIPHER_OPS] = "kcrypt-cipher-ops",
    [KCP_ST_CIPHER_TLS_RECORDS] = "kcrypt-cipher-tls-records",
    [KCP_ST_AEAD_RECORDS] = "kcrypt-aead-records",
    [KCP_ST_AEAD_TLS_RECORDS] = "kcrypt-aead-tls-records",
    [KCP_ST_AEAD_REQUESTS] = "kcrypt-aead-requests",
    [KCP_ST_AEAD_AUTH_FAILURES] = "kcrypt-aead-auth-failures",
    [KCP_ST_MAC_OPS] = "kcrypt-mac-ops",
    [KCP_ST_WRAP_OPS] = "kcrypt-wrap-ops",
    [KCP_ST_RAND_BYTES] = "kcrypt-rand-bytes",
    [KCP_ST_SOFTWARE_OPS] = "kcrypt-software-ops",
    [KCP_ST_ERRORS] = "kcrypt-errors",
};

void kcp_count(kcp_stat s, unsigned long long n)
{
    atomic_fetch_add_explicit(&counters[s], n, memory_order_relaxed);
}

unsigned long long kcp_stat_value(kcp_stat s)
{
    return atomic_load_explicit(&counters[s], memory_order_relaxed);
}

static OSSL_PARAM gettable[KCP_ST_COUNT + 1];
static pthread_once_t gettable_once = PTHREAD_ONCE_INIT;

static void build_gettable(void)
{
    for (int i = 0; i < KCP_ST_COUNT; i++)
        gettable[i] = OSSL_PARAM_construct_uint64(names[i], NULL);
    gettable[KCP_ST_COUNT] = OSSL_PARAM_construct_end();
}

const OSSL_PARAM *kcp_stats_gettable(void)
{
    pthread_once(&gettable_once, build_gettable);
    return gettable;
}

int kcp_stats_get(OSSL_PARAM params[])
{
    for (int i = 0; i < KCP_ST_COUNT; i++) {
        OSSL_PARAM *p = OSSL_PARAM_locate(params, names[i]);
        if (p && !OSSL_PARAM_set_uint64(p, kcp_stat_value((kcp_stat)i)))
            return 0;
    }
    return 1;
}

/* KCRYPT_STATS=FILE appends the counters when the module is unloaded or the
 * process exits, for tools such as openssl s_client that cannot ask for
 * provider parameters themselves. "-" writes to stderr. */
__attribute__((destructor)) static void dump_stats(void)
{
    const char *where = getenv("KCRYPT_STATS");
    if (!where || !*where)
        return;
    FILE *f = strcmp(where, "-") == 0 ? stderr : fopen(where, "a");
    if (!f)
        return;
    fprintf(f, "pid=%ld", (long)getpid());
    for (int i = 0; i < KCP_ST_COUNT; i++)
        fprintf(f, " %s=%llu", names[i], kcp_stat_value((kcp_stat)i));
    fputc('\n', f);
    if (f != stderr)
        fclose(f);
}
