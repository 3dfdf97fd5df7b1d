/* SPDX-License-Identifier: Apache-2.0 */
/* p11_vectors MODULE wycheproof|cavp [...]: the vectors and checks of
 * test_wycheproof and test_cavp (same files, same per-section caps) through
 * the PKCS#11 token MODULE (kcrypt-pkcs11.so): C_Encrypt/C_Decrypt,
 * C_Sign/C_Verify, C_Digest and C_WrapKey/C_UnwrapKey on keys made with
 * C_CreateObject. */
#include "vec_p11.h"
#include "vec_prog.h"

/* Every operation also runs multi-part: with the caps the longer suite
 * stays under two minutes in user-mode-linux. */
enum { MULTIPART_EVERY = 1 };

static int begin(vec_run *r, const char *module)
{
    return vec_p11_begin(r, module, MULTIPART_EVERY);
}

int main(int argc, char **argv)
{
    static const vec_prog prog = { "MODULE", &vec_p11_backend, begin, NULL };
    return vec_prog_main(&prog, argc, argv);
}
