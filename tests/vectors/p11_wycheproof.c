/* pkcs11_wycheproof MODULE [FILE...]: test_wycheproof's vectors and checks
 * through the PKCS#11 token MODULE (kcrypt-pkcs11.so): C_Encrypt/C_Decrypt,
 * C_Sign/C_Verify and C_WrapKey/C_UnwrapKey on keys made with
 * C_CreateObject. FILE as for test_wycheproof. */
#include <stdio.h>

#include "vec_p11.h"
#include "wp.h"

/* The files are small: every operation also runs multi-part. */
enum { MULTIPART_EVERY = 1 };

int main(int argc, char **argv)
{
    char usage[256];
    snprintf(usage, sizeof(usage), "%s MODULE [all | FILE...]", argv[0]);
    if (argc < 2) {
        fprintf(stderr, "usage: %s\n", usage);
        return 2;
    }
    if (wp_args_check(usage, argc - 2, argv + 2))
        return 2;
    vec_run run;
    int ok = vec_main_begin(&run, KCT_WYCHEPROOF, &vec_p11_backend, NULL) == 0;
    run.not_run_line = 1;
    if (ok && vec_p11_begin(&run, argv[1], MULTIPART_EVERY) == 0)
        wp_run(&run.v, argc - 2, argv + 2);
    return vec_main_end(&run);
}
