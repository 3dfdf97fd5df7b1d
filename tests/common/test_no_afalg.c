/* SPDX-License-Identifier: Apache-2.0 */
/* Without AF_ALG (denied by seccomp here, so this runs on any kernel):
 * every constructor fails with KC_ERR_NO_AFALG and a message saying so,
 * the probe offers nothing, and `kcrypt info|selftest` (argv[1]) exit 2
 * with one clear line. The keyring still works. */
#include "expect.h"
#include "kc/kc.h"
#include "no_afalg.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

static kct_tally *t;

static void expect_no_afalg(const char *alg, kc_status s, const kc_error *e)
{
    if (s == KC_ERR_NO_AFALG && strstr(e->msg, "AF_ALG not available"))
        kct_pass(t, alg);
    else
        kct_fail(t, alg, "got %s (%s), want KC_ERR_NO_AFALG", kc_status_name(s), e->msg);
}

static void run_tool(const char *tool, const char *cmd)
{
    char line[512], all[2048] = "";
    snprintf(line, sizeof(line), "%s %s 2>&1", tool, cmd);
    FILE *p = popen(line, "r");
    if (!p) {
        kct_fail(t, "kcrypt", "cannot run %s", line);
        return;
    }
    while (fgets(line, sizeof(line), p))
        if (strlen(all) + strlen(line) < sizeof(all))
            strcat(all, line);
    int status = pclose(p);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 2 && strstr(all, "AF_ALG not available"))
        kct_pass(t, "kcrypt");
    else
        kct_fail(t, "kcrypt", "`kcrypt %s` exited %d with: %s", cmd,
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1, all);
}

int main(int argc, char **argv)
{
    t = kct_tally_new();
    if (deny_afalg()) {
        kct_fail(t, "seccomp", "cannot install the filter");
    } else {
        const kc_probe_result *p = kc_probe();
        if (p->afalg)
            kct_fail(t, "probe", "AF_ALG reported present");
        for (size_t i = 0; i < KC_ALG_COUNT; i++)
            if (kc_available((kc_alg_id)i))
                kct_fail(t, "probe", "%s reported available", kc_alg((kc_alg_id)i)->name);
        kct_pass(t, "probe");
        unsigned char key[32] = { 0 };
        kc_key k = KC_KEY_RAW(key, 16), k32 = KC_KEY_RAW(key, 32);
        kc_error e = { 0 };
        kc_cipher *c;
        kc_aead *a;
        kc_hash *h;
        kc_keywrap *w;
        kc_rng *r;
        expect_no_afalg("AES-CBC", kc_cipher_new(&c, KC_AES_CBC, NULL, &k, &e), &e);
        expect_no_afalg("AES-GCM", kc_aead_new(&a, KC_AES_GCM, NULL, &k, 16, &e), &e);
        expect_no_afalg("ChaCha20-Poly1305",
                        kc_aead_new(&a, KC_CHACHA20_POLY1305, NULL, &k32, 16, &e), &e);
        expect_no_afalg("SHA-256", kc_hash_new(&h, KC_SHA256, NULL, NULL, &e), &e);
        expect_no_afalg("HMAC-SHA256", kc_hash_new(&h, KC_HMAC_SHA256, NULL, &k, &e), &e);
        expect_no_afalg("AES-KW", kc_keywrap_new(&w, KC_AES_KW, NULL, &k, 1, &e), &e);
        expect_no_afalg("DRBG", kc_rng_new(&r, NULL, NULL, 0, &e), &e);
        int32_t serial;
        if (kc_keyring_add_logon("kcrypt:no-afalg", key, 16, &serial, &e) == KC_OK &&
            kc_keyring_unlink(serial, &e) == KC_OK)
            kct_pass(t, "keyring");
        else
            kct_fail(t, "keyring", "%s", e.msg);
        if (argc > 1) {
            run_tool(argv[1], "info");
            run_tool(argv[1], "selftest");
        }
    }
    kct_tally_print(t, stdout);
    int rc = kct_tally_exit_code(t);
    kct_tally_free(t);
    return rc;
}
