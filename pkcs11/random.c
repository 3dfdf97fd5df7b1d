/* SPDX-License-Identifier: Apache-2.0 */
/* C_GenerateRandom / C_SeedRandom on the kernel DRBG (stdrng via algif_rng). */
#include "p11.h"

static CK_RV rng(void)
{
    if (p11_g.rng)
        return CKR_OK;
    kc_error err;
    if (kc_rng_new(&p11_g.rng, NULL, NULL, 0, &err) != KC_OK) {
        p11_g.rng = NULL;
        return p11_rv(&err, P11_USE_TOKEN);
    }
    return CKR_OK;
}

CK_RV p11_random(unsigned char *out, size_t len)
{
    CK_RV rv = rng();
    if (rv != CKR_OK)
        return rv;
    kc_error err;
    return kc_rng_generate(p11_g.rng, out, len, &err) == KC_OK ? CKR_OK : p11_rv(&err, P11_USE_TOKEN);
}

void p11_rng_close(void)
{
    if (p11_g.rng)
        kc_rng_free(p11_g.rng);
    p11_g.rng = NULL;
}

CK_RV C_GenerateRandom(CK_SESSION_HANDLE hs, CK_BYTE_PTR out, CK_ULONG len)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_session *s;
    rv = p11_session_get(hs, &s);
    if (rv == CKR_OK && ((!out && len) || len > P11_LEN_MAX))   /* no caller owns that much */
        rv = CKR_ARGUMENTS_BAD;
    if (rv == CKR_OK && !kc_available(KC_DRBG))
        rv = CKR_RANDOM_NO_RNG;
    if (rv == CKR_OK && len)
        rv = p11_random(out, len);
    p11_leave();
    return rv;
}

CK_RV C_SeedRandom(CK_SESSION_HANDLE hs, CK_BYTE_PTR seed, CK_ULONG len)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_session *s;
    rv = p11_session_get(hs, &s);
    if (rv == CKR_OK && ((!seed && len) || len > P11_LEN_MAX))
        rv = CKR_ARGUMENTS_BAD;
    if (rv == CKR_OK && !kc_available(KC_DRBG))
        rv = CKR_RANDOM_NO_RNG;
    if (rv == CKR_OK)
        rv = rng();
    if (rv == CKR_OK) {
        /* The seed is mixed in as additional input; the kernel reseeds from
         * its own entropy as well, so a bad seed cannot weaken the DRBG. */
        kc_error err;
        if (kc_rng_reseed(p11_g.rng, seed, len, &err) != KC_OK)
            rv = p11_rv(&err, P11_USE_TOKEN);
    }
    p11_leave();
    return rv;
}
