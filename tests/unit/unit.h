/* What the host unit tests share: a tally and CHECK. No kernel needed. */
#ifndef UNIT_H
#define UNIT_H

#include "kct_tally.h"

extern kct_tally *T;

#define CHECK(area, cond, ...)                      \
    do {                                            \
        if (cond)                                   \
            kct_pass(T, area);                      \
        else                                        \
            kct_fail(T, area, __VA_ARGS__);         \
    } while (0)

#endif
