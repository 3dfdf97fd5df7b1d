/* SPDX-License-Identifier: Apache-2.0 */
/* Status checks that report through the tally with the call's own text. */
#ifndef KCT_EXPECT_H
#define KCT_EXPECT_H

#include "kc/error.h"
#include "kct_tally.h"

#define EXPECT_STATUS(t, alg, want, call)                                                    \
    do {                                                                                     \
        kc_error e_ = { 0 };                                                                 \
        kc_error *err = &e_;                                                                 \
        kc_status got_ = (call);                                                             \
        if (got_ == (want) && (got_ == KC_OK || e_.msg[0]))                                  \
            kct_pass((t), (alg));                                                            \
        else                                                                                 \
            kct_fail((t), (alg), "%s: got %s (%s), want %s", #call, kc_status_name(got_),    \
                     e_.msg, kc_status_name(want));                                          \
        (void)err;                                                                           \
    } while (0)

#endif
