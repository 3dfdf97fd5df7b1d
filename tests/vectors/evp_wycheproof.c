/* evp_wycheproof MODULE_DIR [FILE...]: test_wycheproof's vectors and checks
 * through EVP, with every algorithm fetched as "provider=kcrypt" from a
 * library context holding only the kcrypt.so found in MODULE_DIR. FILE as
 * for test_wycheproof. */
#include <stdio.h>

#include "vec_evp.h"
#include "wp.h"

int main(int argc, char **argv)
{
    char usage[256];
    snprintf(usage, sizeof(usage), "%s MODULE_DIR [all | FILE...]", argv[0]);
    if (argc < 2) {
        fprintf(stderr, "usage: %s\n", usage);
        return 2;
    }
    if (wp_args_check(usage, argc - 2, argv + 2))
        return 2;
    vec_run run;
    int ok = vec_main_begin(&run, KCT_WYCHEPROOF, &vec_evp_backend, NULL) == 0;
    run.not_run_line = 1;
    if (ok && vec_evp_begin(&run, argv[1]) == 0) {
        wp_run(&run.v, argc - 2, argv + 2);
        vec_evp_end(&run);
    }
    return vec_main_end(&run);
}
