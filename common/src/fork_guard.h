/* SPDX-License-Identifier: Apache-2.0 */
#ifndef KC_FORK_GUARD_H
#define KC_FORK_GUARD_H

#include "kc/fork.h"

#endif
