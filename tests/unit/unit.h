/* SPDX-License-Identifier: Apache-2.0 */
/* What the host unit tests share: the tally T (CHECK is kct_tally.h's). */
#ifndef UNIT_H
#define UNIT_H

#include "kct_tally.h"

extern kct_tally *T;

#endif
