/* SPDX-License-Identifier: Apache-2.0 */
#include "kct_json.h"

#include <stdio.h>

json_object *kct_json_load(const char *path)
{
    json_object *root = json_object_from_file(path);
    if (!root) {
        printf("cannot parse %s: %s\n", path, json_util_get_last_err());
        fflush(stdout);
    }
    return root;
}

const char *kct_json_str(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

int kct_json_int(json_object *o, const char *key, long *out)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
        return -1;
    *out = (long)json_object_get_int64(v);
    return 0;
}

json_object *kct_json_array(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_array))
        return NULL;
    return v;
}

int kct_json_hex(json_object *o, const char *key, kct_bytes *out)
{
    json_object *v;
    out->p = NULL;
    out->n = 0;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return -1;
    return kct_hex_decode_n(json_object_get_string(v), (size_t)json_object_get_string_len(v), out);
}
