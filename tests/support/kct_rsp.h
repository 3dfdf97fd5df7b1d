/* SPDX-License-Identifier: Apache-2.0 */
/* One parser for the NIST CAVP response files (.rsp) and the RFC/OpenSSL
 * vector files written in the same style:
 *   - "[NAME = value, ...]" or "[ENCRYPT]" lines open a section; a run of
 *     such lines (GCM's [Keylen]...[Taglen]) is one section;
 *   - "NAME = value" lines (also "NAME= value"), and bare words such as FAIL;
 *   - a record is a run of such lines ended by a blank line or by the next
 *     COUNT line. Where a file has COUNT lines, runs without one hold values
 *     shared by the records that follow (CCM's Key and Nonce, the Monte
 *     Carlo Seed, CCM's file-level "Plen = 24"); where it has none (SHA
 *     ShortMsg, RFC HMAC files), every run is a record.
 * Names compare case-insensitively ("Count", "COUNT"). */
#ifndef KCT_RSP_H
#define KCT_RSP_H

#include <stddef.h>

#include "kct_hex.h"

typedef struct kct_rsp kct_rsp;

/* The parsed file, or NULL after printing why. */
kct_rsp *kct_rsp_load(const char *path);
void kct_rsp_free(kct_rsp *f);

size_t kct_rsp_records(const kct_rsp *f);
/* Ordinal of record i's section (0 before any [..] line). */
size_t kct_rsp_section(const kct_rsp *f, size_t i);
/* Line where record i starts, for messages. */
size_t kct_rsp_line(const kct_rsp *f, size_t i);

/* Value of name for record i: the record's own line, else the nearest
 * earlier shared line of its section, else its section header, else the
 * file's lines before the first section. "" for a bare word; NULL if absent. */
const char *kct_rsp_get(const kct_rsp *f, size_t i, const char *name);
/* The value decoded: hex, or the text between double quotes. -1 when
 * absent or malformed. */
int kct_rsp_bytes(const kct_rsp *f, size_t i, const char *name, kct_bytes *out);
/* The value as a decimal number: 0, or -1 when absent or malformed. */
int kct_rsp_ulong(const kct_rsp *f, size_t i, const char *name, unsigned long *out);

#endif
