/* SPDX-License-Identifier: Apache-2.0 */
/* Idle kernel hash sockets, kept for the next digest context.
 *
 * OpenSSL 3.0 frees and re-creates a digest's provider context on every
 * EVP_DigestInit_ex, EVP_Digest makes a new one per call, and libssl and
 * the default provider's HMAC and HKDF do both all the time. Without this
 * each of those costs a socket, bind, accept and two closes on top of the
 * sendmsg and read that do the work. A context that ends with its kernel
 * socket between messages gives it back here; the next context of that
 * algorithm takes it. At most KCP_POOL_DEPTH sockets per algorithm stay
 * open, which is what an application that frees as it goes needs.
 * A socket given back before fork() is never taken after it in the child
 * (kc_fork_generation), so a child never shares an op socket with its
 * parent. */
#include "prov.h"

#include <stdlib.h>

kc_hash *kcp_pool_take(kcp_prov *p, kc_alg_id alg)
{
    kc_hash *h = NULL, *stale[KCP_POOL_DEPTH];
    int nstale = 0;
    unsigned gen = kc_fork_generation();
    pthread_mutex_lock(&p->pool.lock);
    kcp_pool_slot *s = &p->pool.slot[alg];
    while (s->n && !h) {
        s->n--;
        if (s->gen[s->n] == gen)
            h = s->h[s->n];
        else
            stale[nstale++] = s->h[s->n];
    }
    pthread_mutex_unlock(&p->pool.lock);
    /* closes only this process's copy of the parent's socket */
    for (int i = 0; i < nstale; i++)
        kc_hash_free(stale[i]);
    return h;
}

void kcp_pool_give(kcp_prov *p, kc_alg_id alg, kc_hash *h)
{
    pthread_mutex_lock(&p->pool.lock);
    kcp_pool_slot *s = &p->pool.slot[alg];
    if (s->n < KCP_POOL_DEPTH) {
        s->gen[s->n] = kc_fork_generation();
        s->h[s->n++] = h;
        h = NULL;
    }
    pthread_mutex_unlock(&p->pool.lock);
    kc_hash_free(h);
}

int kcp_pool_init(kcp_pool *pool)
{
    return pthread_mutex_init(&pool->lock, NULL) == 0;
}

void kcp_pool_free(kcp_pool *pool)
{
    for (int a = 0; a < KC_ALG_COUNT; a++)
        while (pool->slot[a].n)
            kc_hash_free(pool->slot[a].h[--pool->slot[a].n]);
    pthread_mutex_destroy(&pool->lock);
}
