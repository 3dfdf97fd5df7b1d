#ifndef KCRYPT_HEX_H
#define KCRYPT_HEX_H

#include <stddef.h>

/* Decode into out (capacity cap); returns the length or -1. */
long hex_decode(const char *hex, unsigned char *out, size_t cap);

#endif
