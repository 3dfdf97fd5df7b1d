/* SPDX-License-Identifier: Apache-2.0 */
#include "vec_main.h"

#include <stdio.h>
#include <string.h>

int vec_main_begin(vec_run *r, kct_vector_set set, const vec_backend *be, void *be_state)
{
    r->tally = kct_tally_new();
    r->not_run_line = 0;
    vec_init(&r->v, r->tally, be, be_state);
    const kc_probe_result *p = kc_probe();
    printf("kernel %s, vectors in %s\n", p->kernel_release, kct_vector_dir(set));
    fflush(stdout);
    if (!p->afalg)
        kct_fail(r->tally, "AF_ALG", "this kernel has no AF_ALG (%s): run through tools/kernel-run",
                 strerror(p->afalg_errno));
    if (kct_vector_dir_check(set)) {
        kct_fail(r->tally, "vectors", "no vector directory, nothing was run");
        return -1;
    }
    return 0;
}

int vec_main_end(vec_run *r)
{
    vec_release(&r->v);
    kct_tally_print(r->tally, stdout);
    if (r->not_run_line)
        printf("%zu passed, %zu failed, %zu not run\n", kct_passed(r->tally),
               kct_failed(r->tally), kct_skipped(r->tally));
    int code = kct_tally_exit_code(r->tally);
    kct_tally_free(r->tally);
    return code;
}
