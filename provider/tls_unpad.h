/* SPDX-License-Identifier: Apache-2.0 */
/* TLS 1.0-1.2 CBC record unpadding (tls_unpad.c), apart from the cipher so
 * the host unit tests and fuzz targets link it without a kernel. */
#ifndef KCP_TLS_UNPAD_H
#define KCP_TLS_UNPAD_H

#include <stddef.h>

#define KCP_TLS_MAX_MAC 64

/* rec/len: a decrypted record of whole blocks (explicit_iv: TLS 1.1+, the
 * first block is the IV). mac: the MAC size, 0 for encrypt-then-MAC. On
 * return *len is the payload length; with mac > 0, mac_out holds the
 * record's MAC, or rand_mac when the padding was bad (the caller's MAC
 * check then fails), and *have_mac is 1. Returns 0 only for records that
 * are invalid from their length alone, or (mac 0) with bad padding. */
int kcp_tls_unpad(const unsigned char *rec, size_t *len, size_t block, int explicit_iv,
                  size_t mac, const unsigned char *rand_mac, unsigned char *mac_out,
                  int *have_mac);

#endif
