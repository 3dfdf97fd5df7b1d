/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the token state file (store.c's token.state parser). */
#include "fuzz.h"
#include "p11.h"

#include <stdio.h>
#include <string.h>

static const char STATE[] =
    "kcrypt-p11-token 1\n"
    "label 6b63727970742020202020202020202020202020202020202020202020202020\n"
    "serial 30313233343536373839616263646566\n"
    "iterations 1000\npin_tries 10\nso_fail 0\nuser_fail 3\n"
    "so_salt 000102030405060708090a0b0c0d0e0f\n"
    "so_wrapped 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff0011223344556677\n"
    "user_salt 0f0e0d0c0b0a09080706050403020100\n"
    "user_wrapped 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff0011223344556677\n";

void fuzz_seeds(fuzz_add_fn add)
{
    add(STATE, sizeof STATE - 1);
    add(STATE, 60);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size)
        return 0;   /* fmemopen refuses an empty buffer */
    FILE *f = fmemopen((void *)data, size, "r");
    if (!f)
        return 0;
    p11_token t;
    memset(&t, 0, sizeof t);
    (void)p11_store_parse(f, &t);
    fclose(f);
    return 0;
}
