/* SPDX-License-Identifier: Apache-2.0 */
/* The one lock and the fork check. An application that passes mutex
 * callbacks without CKF_OS_LOCKING_OK gets its own mutexes used; otherwise
 * (OS locking allowed, or no threads promised) a pthread mutex serves. */
#include "p11.h"

#include <pthread.h>
#include <unistd.h>

p11_global p11_g;
static pthread_mutex_t os_mutex = PTHREAD_MUTEX_INITIALIZER;

CK_RV p11_lock_init(CK_C_INITIALIZE_ARGS *args)
{
    p11_g.mutex = NULL;
    p11_g.create_mutex = NULL;
    if (!args)
        return CKR_OK;
    int some = args->CreateMutex || args->DestroyMutex || args->LockMutex || args->UnlockMutex;
    int all = args->CreateMutex && args->DestroyMutex && args->LockMutex && args->UnlockMutex;
    if (some && !all)
        return CKR_ARGUMENTS_BAD;
    if (all && !(args->flags & CKF_OS_LOCKING_OK)) {
        void *m = NULL;
        CK_RV rv = args->CreateMutex(&m);
        if (rv != CKR_OK)
            return rv;
        p11_g.mutex = m;
        p11_g.create_mutex = args->CreateMutex;
        p11_g.destroy_mutex = args->DestroyMutex;
        p11_g.lock_mutex = args->LockMutex;
        p11_g.unlock_mutex = args->UnlockMutex;
    }
    return CKR_OK;
}

void p11_lock_fini(void)
{
    if (p11_g.mutex && p11_g.destroy_mutex)
        p11_g.destroy_mutex(p11_g.mutex);
    p11_g.mutex = NULL;
}

int p11_forked(void)
{
    return p11_g.initialized && p11_g.pid != getpid();
}

CK_RV p11_enter(void)
{
    /* A forked child inherits the parent's state, sockets included; it must
     * not use them, so until it calls C_Initialize the library is not
     * initialized for it. */
    if (!p11_g.initialized || p11_g.pid != getpid())
        return CKR_CRYPTOKI_NOT_INITIALIZED;
    if (p11_g.mutex) {
        if (p11_g.lock_mutex(p11_g.mutex) != CKR_OK)
            return CKR_GENERAL_ERROR;
    } else {
        pthread_mutex_lock(&os_mutex);
    }
    /* C_Finalize may have run while this thread waited. */
    if (!p11_g.initialized) {
        p11_leave();
        return CKR_CRYPTOKI_NOT_INITIALIZED;
    }
    return CKR_OK;
}

void p11_leave(void)
{
    if (p11_g.mutex)
        p11_g.unlock_mutex(p11_g.mutex);
    else
        pthread_mutex_unlock(&os_mutex);
}
