/* SPDX-License-Identifier: Apache-2.0 */
/* What the running kernel offers, probed once per process by binding each
 * algorithm, with the serving driver read from /proc/crypto. */
#ifndef KC_PROBE_H
#define KC_PROBE_H

#include "kc/alg.h"
#include "kc/error.h"

typedef enum { KC_OFFLOAD_UNKNOWN, KC_OFFLOAD_NO, KC_OFFLOAD_YES } kc_offload;

typedef struct {
    int available;            /* binds on this kernel */
    int bind_errno;           /* errno of the failed bind when !available */
    char driver[64];          /* serving driver, "" if /proc/crypto did not say */
    char module[64];
    int priority;
    int async;                /* /proc/crypto "async: yes" */
    kc_offload offload;       /* CRYPTO_ALG_KERN_DRIVER_ONLY via crypto_user, if readable */
} kc_alg_status;

typedef struct {
    int afalg;                /* the AF_ALG family exists */
    int afalg_errno;          /* errno of socket(AF_ALG) when it does not */
    int keyring_keys;         /* ALG_SET_KEY_BY_KEY_SERIAL accepted (Linux >= 6.2) */
    char kernel_release[65];
    kc_alg_status alg[KC_ALG_COUNT];
} kc_probe_result;

/* Computed once per process (thread-safe); never NULL. */
const kc_probe_result *kc_probe(void);

/* Probe afresh with a driver pinned (e.g. "cbc-aes-ce"), outside the cache. */
kc_status kc_probe_driver(kc_alg_id id, const char *driver, kc_alg_status *out, kc_error *err);

int kc_available(kc_alg_id id);

#endif
