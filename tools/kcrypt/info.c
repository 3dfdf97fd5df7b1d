/* SPDX-License-Identifier: Apache-2.0 */
#include "commands.h"
#include "kc/kc.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char *kind_name(kc_kind k)
{
    switch (k) {
    case KC_KIND_SKCIPHER: return "cipher";
    case KC_KIND_AEAD: return "aead";
    case KC_KIND_HASH: return "digest";
    case KC_KIND_MAC: return "mac";
    case KC_KIND_KEYWRAP: return "keywrap";
    case KC_KIND_RNG: return "rng";
    }
    return "?";
}

static const char *offload_name(kc_offload o)
{
    return o == KC_OFFLOAD_YES ? "yes" : o == KC_OFFLOAD_NO ? "no" : "unknown";
}

int report_no_afalg(FILE *f)
{
    const kc_probe_result *p = kc_probe();
    fprintf(f, "kcrypt: AF_ALG not available on kernel %s: %s (socket(AF_ALG) errno %d)\n",
            p->kernel_release, strerrordesc_np(p->afalg_errno), p->afalg_errno);
    return 2;
}

static void info_usage(FILE *f)
{
    fprintf(f, "usage: kcrypt info [--all]   algorithms this kernel offers (--all: and what it "
               "lacks, and why)\n");
}

int cmd_info(int argc, char **argv)
{
    static const struct option opts[] = {
        { "all", no_argument, NULL, 'a' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 }
    };
    int all = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'a') {
            all = 1;
        } else if (c == 'h') {
            info_usage(stdout);
            return 0;
        } else {
            return cli_bad_option("info", argv, info_usage);
        }
    }
    if (cli_leftover("info", argc, argv, info_usage))
        return 2;
    const kc_probe_result *p = kc_probe();
    if (!p->afalg)
        return report_no_afalg(stderr);
    printf("kernel %s, AF_ALG available, keyring keys by serial: %s\n", p->kernel_release,
           p->keyring_keys ? "yes" : "no (needs Linux >= 6.2)");
    kc_error kerr = { 0 };
    if (kc_keyring_custody_ok(&kerr))
        printf("PKCS#11 token key custody: kernel keyring (non-extractable secret keys as "
               "encrypted/logon keys, keyed by serial)\n");
    else
        printf("PKCS#11 token key custody: sealed vault (key bytes unsealed to key each "
               "transform; %s)\n", kerr.msg);
    printf("%-18s %-8s %-28s %-50s %8s %-7s %s\n", "ALGORITHM", "KIND", "KERNEL NAME", "DRIVER",
           "PRIORITY", "OFFLOAD", "MODULE");
    int shown = 0;
    for (size_t i = 0; i < KC_ALG_COUNT; i++) {
        const kc_alg_info *a = kc_alg((kc_alg_id)i);
        const kc_alg_status *s = &p->alg[i];
        if (!s->available) {
            if (all)
                printf("%-18s %-8s %-28s unavailable: %s\n", a->name, kind_name(a->kind),
                       a->kernel_name, strerrordesc_np(s->bind_errno));
            continue;
        }
        shown++;
        printf("%-18s %-8s %-28s %-50s %8d %-7s %s%s\n", a->name, kind_name(a->kind),
               a->kernel_name, s->driver[0] ? s->driver : "?", s->priority,
               offload_name(s->offload), s->module[0] ? s->module : "?",
               s->async ? " (async)" : "");
    }
    printf("%d of %d algorithms available\n", shown, (int)KC_ALG_COUNT);
    return shown ? 0 : 1;
}
