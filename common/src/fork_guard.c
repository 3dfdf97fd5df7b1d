#include "fork_guard.h"

#include <pthread.h>
#include <stdatomic.h>

static atomic_uint generation;
static pthread_once_t installed = PTHREAD_ONCE_INIT;

static void bump_in_child(void)
{
    atomic_fetch_add_explicit(&generation, 1, memory_order_relaxed);
}

static void install(void)
{
    pthread_atfork(NULL, NULL, bump_in_child);
}

unsigned kc_fork_generation(void)
{
    pthread_once(&installed, install);
    return atomic_load_explicit(&generation, memory_order_relaxed);
}
