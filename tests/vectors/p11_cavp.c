/* pkcs11_cavp MODULE [FAMILY...]: test_cavp's vectors and checks through
 * the PKCS#11 token MODULE (kcrypt-pkcs11.so), with the same per-section
 * caps. FAMILY as for test_cavp. */
#include <stdio.h>

#include "cavp.h"
#include "vec_p11.h"

/* 1: every operation also runs multi-part (N: one in N). With the caps the
 * run stays under two minutes in user-mode-linux. */
enum { MULTIPART_EVERY = 1 };

int main(int argc, char **argv)
{
    char usage[256];
    snprintf(usage, sizeof(usage), "%s MODULE [all | FAMILY...]", argv[0]);
    if (argc < 2) {
        fprintf(stderr, "usage: %s\n", usage);
        return 2;
    }
    if (cavp_args_check(usage, argc - 2, argv + 2))
        return 2;
    vec_run run;
    int ok = vec_main_begin(&run, KCT_CAVP, &vec_p11_backend, NULL) == 0;
    run.not_run_line = 1;
    if (ok && vec_p11_begin(&run, argv[1], MULTIPART_EVERY) == 0)
        cavp_run(&run.v, argc - 2, argv + 2);
    return vec_main_end(&run);
}
