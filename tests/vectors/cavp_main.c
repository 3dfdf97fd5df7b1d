/* SPDX-License-Identifier: Apache-2.0 */
/* test_cavp [FAMILY...]: NIST CAVP (and RFC/OpenSSL/BoringSSL) vectors
 * from python3-cryptography-vectors through kcrypt's common/. None or
 * "all" runs every family. */
#include <stdio.h>

#include "cavp.h"
#include "vec_backend.h"
#include "vec_main.h"

int main(int argc, char **argv)
{
    char usage[256];
    snprintf(usage, sizeof(usage), "%s [all | FAMILY...]", argv[0]);
    if (cavp_args_check(usage, argc - 1, argv + 1))
        return 2;
    vec_run run;
    if (vec_main_begin(&run, KCT_CAVP, &vec_kc_backend, NULL) == 0)
        cavp_run(&run.v, argc - 1, argv + 1);
    return vec_main_end(&run);
}
