/* SPDX-License-Identifier: Apache-2.0 */
#include "fork_guard.h"

#include <pthread.h>
#include <stdatomic.h>

/* generation: bumped in the child only, so a context can tell that it was
 * made in another process. epoch: bumped on both sides of every fork, so a
 * context whose kernel state the child may still copy (a hash op socket)
 * can tell that it must stop writing to the shared socket. */
static atomic_uint generation;
static atomic_uint epoch;
static pthread_once_t installed = PTHREAD_ONCE_INIT;

static void bump_in_parent(void)
{
    atomic_fetch_add_explicit(&epoch, 1, memory_order_relaxed);
}

static void bump_in_child(void)
{
    atomic_fetch_add_explicit(&generation, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&epoch, 1, memory_order_relaxed);
}

static void install(void)
{
    pthread_atfork(NULL, bump_in_parent, bump_in_child);
}

unsigned kc_fork_generation(void)
{
    pthread_once(&installed, install);
    return atomic_load_explicit(&generation, memory_order_relaxed);
}

unsigned kc_fork_epoch(void)
{
    pthread_once(&installed, install);
    return atomic_load_explicit(&epoch, memory_order_relaxed);
}
