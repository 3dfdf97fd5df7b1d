/* SPDX-License-Identifier: Apache-2.0 */
/* Everything common/ offers. */
#ifndef KC_KC_H
#define KC_KC_H

#include "kc/error.h"
#include "kc/debug.h"
#include "kc/util.h"
#include "kc/alg.h"
#include "kc/key.h"
#include "kc/probe.h"
#include "kc/tfm.h"
#include "kc/blockpad.h"
#include "kc/cipher.h"
#include "kc/aead.h"
#include "kc/msgbuf.h"
#include "kc/aead_keystream.h"
#include "kc/gather.h"
#include "kc/hash.h"
#include "kc/keywrap.h"
#include "kc/rng.h"
#include "kc/keyring.h"
#include "kc/pkey.h"
#include "kc/raw.h"
#include "kc/io.h"
#include "kc/fork.h"
#include "kc/audit.h"

#endif
