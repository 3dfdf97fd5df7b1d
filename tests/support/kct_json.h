/* SPDX-License-Identifier: Apache-2.0 */
/* Reading Wycheproof-style JSON with json-c. */
#ifndef KCT_JSON_H
#define KCT_JSON_H

#include <json-c/json.h>

#include "kct_hex.h"

/* The parsed file (free with json_object_put), or NULL after printing why. */
json_object *kct_json_load(const char *path);
/* Member of o as a string, or NULL when absent or not a string. */
const char *kct_json_str(json_object *o, const char *key);
/* Member of o as an integer: 0, or -1 when absent or not an integer. */
int kct_json_int(json_object *o, const char *key, long *out);
/* Member of o as an array, or NULL. */
json_object *kct_json_array(json_object *o, const char *key);
/* Hex string member of o decoded: 0, or -1 when absent or malformed. */
int kct_json_hex(json_object *o, const char *key, kct_bytes *out);

#endif
