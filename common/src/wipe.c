/* SPDX-License-Identifier: Apache-2.0 */
#include "kc/key.h"

#include <string.h>

void kc_wipe(void *p, size_t n)
{
    if (p && n)
        explicit_bzero(p, n);
}
