/* SPDX-License-Identifier: Apache-2.0 */
/* test_wycheproof [FILE...]: Wycheproof vectors through kcrypt's common/.
 * FILE is a file name with or without "_test.json" (aes_gcm, hmac_sha256);
 * none or "all" runs every file. */
#include <stdio.h>

#include "vec_backend.h"
#include "vec_main.h"
#include "wp.h"

int main(int argc, char **argv)
{
    char usage[256];
    snprintf(usage, sizeof(usage), "%s [all | FILE...]", argv[0]);
    if (wp_args_check(usage, argc - 1, argv + 1))
        return 2;
    vec_run run;
    if (vec_main_begin(&run, KCT_WYCHEPROOF, &vec_kc_backend, NULL) == 0)
        wp_run(&run.v, argc - 1, argv + 1);
    return vec_main_end(&run);
}
