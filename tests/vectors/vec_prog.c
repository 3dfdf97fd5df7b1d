/* SPDX-License-Identifier: Apache-2.0 */
#include "vec_prog.h"

#include <stdio.h>
#include <string.h>

#include "cavp.h"
#include "wp.h"

int vec_prog_main(const vec_prog *p, int argc, char **argv)
{
    char usage[256];
    snprintf(usage, sizeof(usage), "%s %s wycheproof [all | FILE...] | cavp [all | FAMILY...]",
             argv[0], p->target);
    int wp = argc >= 3 && !strcmp(argv[2], "wycheproof");
    int cavp = argc >= 3 && !strcmp(argv[2], "cavp");
    if (!wp && !cavp) {
        fprintf(stderr, "usage: %s\n", usage);
        return 2;
    }
    if (wp ? wp_args_check(usage, argc - 3, argv + 3) : cavp_args_check(usage, argc - 3, argv + 3))
        return 2;
    vec_run run;
    int ok = vec_main_begin(&run, wp ? KCT_WYCHEPROOF : KCT_CAVP, p->backend, NULL) == 0;
    run.not_run_line = 1;
    if (ok && p->begin(&run, argv[1]) == 0) {
        if (wp)
            wp_run(&run.v, argc - 3, argv + 3);
        else
            cavp_run(&run.v, argc - 3, argv + 3);
        if (p->end)
            p->end(&run);
    }
    return vec_main_end(&run);
}
