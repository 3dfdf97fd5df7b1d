/* SPDX-License-Identifier: Apache-2.0 */
/* evp_vectors MODULE_DIR wycheproof|cavp [...]: the vectors and checks of
 * test_wycheproof and test_cavp (same files, same per-section caps) through
 * EVP, every algorithm fetched as "provider=kcrypt" from a library context
 * holding only the kcrypt.so found in MODULE_DIR. */
#include "vec_evp.h"
#include "vec_prog.h"

int main(int argc, char **argv)
{
    static const vec_prog prog = { "MODULE_DIR", &vec_evp_backend, vec_evp_begin, vec_evp_end };
    return vec_prog_main(&prog, argc, argv);
}
