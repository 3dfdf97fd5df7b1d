/* SPDX-License-Identifier: Apache-2.0 */
/* The provider's config section, read once at init through the core's
 * get_params. The core only answers for keys it is asked about, so every
 * "driver.<name>" key is asked for by name from common/'s table.
 *
 *   algorithms = all | list of groups and kcrypt algorithm names
 *   disable = list of groups and kcrypt algorithm names
 *   min-size = bytes (0: off)
 *   software-fallback = yes | no
 *   driver.<kcrypt name> = <kernel driver>
 *
 * Groups: digests, ciphers, aead, mac, wrap, rand. A bad value fails the
 * provider's init with an error naming the key and the value: a typo in a
 * security setting must not be silently ignored. */
#include "prov.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/params.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    int group;
} groups[] = {
    { "all", KCP_G_ALL },      { "digests", KCP_G_DIGESTS }, { "digest", KCP_G_DIGESTS },
    { "ciphers", KCP_G_CIPHERS }, { "cipher", KCP_G_CIPHERS }, { "aead", KCP_G_AEAD },
    { "mac", KCP_G_MAC },      { "macs", KCP_G_MAC },         { "wrap", KCP_G_WRAP },
    { "rand", KCP_G_RAND },
};

int kcp_group_of(kc_alg_id alg)
{
    switch (kc_alg(alg)->kind) {
    case KC_KIND_HASH: return KCP_G_DIGESTS;
    case KC_KIND_SKCIPHER: return KCP_G_CIPHERS;
    case KC_KIND_AEAD: return KCP_G_AEAD;
    case KC_KIND_MAC: return KCP_G_MAC;
    case KC_KIND_KEYWRAP: return KCP_G_WRAP;
    case KC_KIND_RNG: return KCP_G_RAND;
    }
    return 0;
}

static int config_error(kcp_prov *p, const char *key, const char *value, const char *why)
{
    KCP_ERR(p, KCP_R_BAD_CONFIG, "kcrypt config: %s = \"%s\": %s", key, value, why);
    /* Printed as well: OpenSSL's config loader drops module errors unless
     * config_diagnostics is set, and a silently absent provider is worse. */
    fprintf(stderr, "kcrypt: configuration error: %s = \"%s\": %s\n", key, value, why);
    return 0;
}

/* Apply a token list to enabled[] (on = 1 to enable, 0 to disable). */
static int apply_list(kcp_prov *p, const char *key, const char *list, int on)
{
    char *copy = strdup(list), *save = NULL;
    if (!copy) {
        KCP_ERR(p, KCP_R_NOMEM, "kcrypt config: out of memory");
        return 0;
    }
    int ok = 1;
    for (char *tok = strtok_r(copy, ", \t", &save); tok && ok; tok = strtok_r(NULL, ", \t", &save)) {
        int group = 0;
        for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
            if (!strcasecmp(tok, groups[i].name))
                group = groups[i].group;
        if (group) {
            for (int a = 0; a < KC_ALG_COUNT; a++)
                if (kcp_group_of((kc_alg_id)a) & group)
                    p->conf.enabled[a] = (unsigned char)on;
            continue;
        }
        const kc_alg_info *info = kc_alg_by_name(tok);
        if (!info) {
            char why[160];
            snprintf(why, sizeof(why),
                     "unknown group or algorithm \"%s\" (groups: all, digests, ciphers, aead, "
                     "mac, wrap, rand; or a kcrypt name such as AES-GCM)", tok);
            ok = config_error(p, key, list, why);
            break;
        }
        p->conf.enabled[info->id] = (unsigned char)on;
    }
    free(copy);
    return ok;
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    if (!isdigit((unsigned char)*s))
        return 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return 0;
    unsigned long long mul = 1;
    if (*end == 'k' || *end == 'K')
        mul = 1024, end++;
    else if (*end == 'm' || *end == 'M')
        mul = 1024 * 1024, end++;
    if (*end || v > (unsigned long long)SIZE_MAX / mul)
        return 0;
    *out = (size_t)(v * mul);
    return 1;
}

static int parse_bool(const char *s, int *out)
{
    static const char *yes[] = { "yes", "on", "true", "1" }, *no[] = { "no", "off", "false", "0" };
    for (int i = 0; i < 4; i++) {
        if (!strcasecmp(s, yes[i]))
            return *out = 1, 1;
        if (!strcasecmp(s, no[i]))
            return *out = 0, 1;
    }
    return 0;
}

/* The algorithm a kernel driver implements, from /proc/crypto: binding a
 * driver by name proves only that it exists, and e.g. sha512-generic pinned
 * for SHA-256 would bind and silently compute the wrong digest. 1: matches,
 * 0: implements something else (named in *what), -1: cannot tell. */
static int driver_implements(const char *drv, const char *alg_name, char *what, size_t n)
{
    FILE *f = fopen("/proc/crypto", "r");
    if (!f)
        return -1;
    char line[256], name[128] = "";
    int found = -1;
    while (fgets(line, sizeof(line), f)) {
        char k[32], v[128];
        if (sscanf(line, "%31s : %127[^\n]", k, v) != 2)
            continue;
        if (!strcmp(k, "name"))
            snprintf(name, sizeof(name), "%s", v);
        else if (!strcmp(k, "driver") && !strcmp(v, drv)) {
            found = !strcmp(name, alg_name);
            snprintf(what, n, "%s", name);
            if (found)
                break;
        }
    }
    fclose(f);
    return found;
}

static int check_driver(kcp_prov *p, kc_alg_id alg, const char *key, const char *drv)
{
    kc_alg_status st;
    kc_error err;
    kc_error_clear(&err);
    if (!kc_probe()->afalg)
        return 1;   /* nothing will be offered; init reports the missing AF_ALG */
    if (kc_probe_driver(alg, drv, &st, &err) != KC_OK || !st.available) {
        char why[300];
        snprintf(why, sizeof(why), "the kernel cannot serve %s with this driver: %s",
                 kc_alg(alg)->name, err.msg[0] ? err.msg : "bind failed");
        return config_error(p, key, drv, why);
    }
    char what[128] = "";
    if (driver_implements(drv, kc_alg(alg)->kernel_name, what, sizeof(what)) == 0) {
        char why[300];
        snprintf(why, sizeof(why), "that driver implements %s, not %s", what,
                 kc_alg(alg)->kernel_name);
        return config_error(p, key, drv, why);
    }
    return 1;
}

int kcp_conf_load(kcp_prov *p, const OSSL_CORE_HANDLE *handle,
                  OSSL_FUNC_core_get_params_fn *get_params)
{
    kcp_conf *c = &p->conf;
    memset(c->enabled, 1, sizeof(c->enabled));
    c->min_size = 0;
    c->soft_ok = 1;
    if (!get_params)
        return 1;

    char *algorithms = NULL, *disable = NULL, *min_size = NULL, *fallback = NULL;
    char *drivers[KC_ALG_COUNT] = { 0 };
    char keys[KC_ALG_COUNT][64];
    OSSL_PARAM req[4 + KC_ALG_COUNT + 1], *q = req;
    *q++ = OSSL_PARAM_construct_utf8_ptr("algorithms", &algorithms, 0);
    *q++ = OSSL_PARAM_construct_utf8_ptr("disable", &disable, 0);
    *q++ = OSSL_PARAM_construct_utf8_ptr("min-size", &min_size, 0);
    *q++ = OSSL_PARAM_construct_utf8_ptr("software-fallback", &fallback, 0);
    for (int a = 0; a < KC_ALG_COUNT; a++) {
        snprintf(keys[a], sizeof(keys[a]), "driver.%s", kc_alg((kc_alg_id)a)->name);
        *q++ = OSSL_PARAM_construct_utf8_ptr(keys[a], &drivers[a], 0);
    }
    *q = OSSL_PARAM_construct_end();
    if (!get_params(handle, req)) {
        KCP_ERR(p, KCP_R_BAD_CONFIG, "kcrypt config: the core did not return the parameters");
        return 0;
    }

    if (algorithms) {
        memset(c->enabled, 0, sizeof(c->enabled));
        if (!apply_list(p, "algorithms", algorithms, 1))
            return 0;
    }
    if (disable && !apply_list(p, "disable", disable, 0))
        return 0;
    if (min_size && !parse_size(min_size, &c->min_size))
        return config_error(p, "min-size", min_size,
                            "not a size in bytes (digits, optional k or M suffix)");
    if (fallback && !parse_bool(fallback, &c->soft_ok))
        return config_error(p, "software-fallback", fallback, "expected yes or no");
    if (c->min_size && !c->soft_ok)
        return config_error(p, "min-size", min_size,
                            "a size floor needs software-fallback = yes to serve small requests");
    for (int a = 0; a < KC_ALG_COUNT; a++) {
        if (!drivers[a])
            continue;
        if (!*drivers[a])
            return config_error(p, keys[a], drivers[a], "empty driver name");
        if (c->enabled[a] && !check_driver(p, (kc_alg_id)a, keys[a], drivers[a]))
            return 0;
        if (!(c->driver[a] = strdup(drivers[a]))) {
            KCP_ERR(p, KCP_R_NOMEM, "kcrypt config: out of memory");
            return 0;
        }
    }
    kcp_debug("config: min-size=%zu software-fallback=%s", c->min_size,
              c->soft_ok ? "yes" : "no");
    return 1;
}

void kcp_conf_free(kcp_conf *c)
{
    for (int a = 0; a < KC_ALG_COUNT; a++) {
        free(c->driver[a]);
        c->driver[a] = NULL;
    }
}

const char *kcp_driver(const kcp_prov *p, kc_alg_id alg)
{
    return p->conf.driver[alg];
}
