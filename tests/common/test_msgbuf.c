/* SPDX-License-Identifier: Apache-2.0 */
/* Host unit test of common/'s message buffer (kc/msgbuf.h): random pieces
 * gather to the message, a length past the limit is refused and leaves the
 * buffer as it was, copies are independent, reset empties, empty messages
 * still give a pointer. */
#include "kc/msgbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kct_check.h"

int main(void)
{
    static unsigned char msg[20000];
    srand(777);
    for (size_t i = 0; i < sizeof(msg); i++)
        msg[i] = (unsigned char)rand();
    for (int iter = 0; iter < 500; iter++) {
        kc_msgbuf b = { 0 }, c;
        size_t len = (size_t)rand() % sizeof(msg), pos = 0;
        CHECK(kc_msgbuf_bytes(&b) != NULL, "empty buffer gives a pointer");
        while (pos < len) {
            size_t piece = (size_t)rand() % 3000;
            if (piece > len - pos)
                piece = len - pos;
            CHECK(kc_msgbuf_append(&b, msg + pos, piece, sizeof(msg), NULL) == KC_OK, "append");
            pos += piece;
        }
        CHECK(b.len == len && (!len || !memcmp(b.data, msg, len)), "iter %d: gathered", iter);
        kc_error e;
        CHECK(kc_msgbuf_append(&b, msg, sizeof(msg) - len + 1, sizeof(msg), &e) ==
                      KC_ERR_INVALID_ARG && b.len == len,
              "iter %d: past the limit refused, buffer kept", iter);
        CHECK(kc_msgbuf_append(&b, NULL, 0, sizeof(msg), NULL) == KC_OK, "empty append");
        CHECK(kc_msgbuf_copy(&c, &b, NULL) == KC_OK && c.len == len &&
                  (!len || (c.data != b.data && !memcmp(c.data, msg, len))),
              "iter %d: copy", iter);
        kc_msgbuf_reset(&b);
        CHECK(b.len == 0 && c.len == len, "reset empties only the original");
        kc_msgbuf_free(&b);
        kc_msgbuf_free(&c);
        CHECK(!b.data && !b.cap && !c.data, "freed");
    }
    return kct_check_exit();
}
