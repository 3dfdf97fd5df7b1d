/* SPDX-License-Identifier: Apache-2.0 */
#include "wp.h"

int wp_fields(vec_ctx *v, kc_alg_id alg, const char *where, json_object *test,
              const char *const names[], kct_bytes out[], size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (kct_json_hex(test, names[i], &out[i]) == 0)
            continue;
        kct_fail(v->tally, vec_name(alg), "%s: field \"%s\" is missing or not hex", where,
                 names[i]);
        wp_fields_free(out, i);
        return -1;
    }
    return 0;
}

void wp_fields_free(kct_bytes out[], size_t n)
{
    for (size_t i = 0; i < n; i++)
        kct_bytes_free(&out[i]);
}
