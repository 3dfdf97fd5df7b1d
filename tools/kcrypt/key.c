/* SPDX-License-Identifier: Apache-2.0 */
/* kcrypt key: RSA private keys held by the kernel's asymmetric key type.
 * The private half passes through this process once (import, generate),
 * as unencrypted PKCS#8 DER handed to add_key(2), and is wiped at once;
 * what stays on disk is a key reference file with the public key. */
#include "commands.h"
#include "keyref.h"
#include "kc/kc.h"

#include <errno.h>
#include <getopt.h>
#include <keyutils.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void key_usage(FILE *f)
{
    fprintf(f,
            "usage: kcrypt key import   --in KEYFILE --label LABEL --ref OUT [--keyring R]\n"
            "         PEM or DER, PKCS#8 or PKCS#1 RSA private key -> kernel; writes OUT\n"
            "       kcrypt key generate --bits N --label LABEL --ref OUT [--keyring R]\n"
            "         generated in user space by OpenSSL, loaded, then wiped\n"
            "       kcrypt key list     [--keyring R]\n"
            "       kcrypt key export   --ref REF [--out PEM]    the public key\n"
            "       kcrypt key delete   --ref REF | --serial N\n"
            "       kcrypt key setperm  --ref REF | --serial N [--perm P] [--uid U] [--gid G]\n"
            "         who may use the key; import and generate take the same options\n"
            "  R: user (default), session, process, user-session or a keyring serial.\n"
            "  The kernel key's description is \"kcrypt:LABEL\".\n"
            "  P: as list shows it, possessor/user/group/other, each of v r w s l a or '-'\n"
            "     (e.g. vrwsla/v--s--/------/------), or keyctl's hex mask (0x3f090000).\n"
            "     To sign or decrypt, a process needs v and s in the part that applies to\n"
            "     it: possessor (the key is in its keyrings), user (its uid owns the key),\n"
            "     group (its gid is the key's), else other.\n");
}

/* One authpriv line per key event, in the token's format (kc/audit.h):
 * the label (without the "kcrypt:" of the description), the kernel key's
 * serial as id (hex) and in decimal, never key material. */
static void audit_more(const char *what, const char *label, int32_t serial, const char *more,
                       const char *result)
{
    char text[KC_AUDIT_TEXT_MAX];
    if (!strncmp(label, "kcrypt:", 7))
        label += 7;
    kc_audit_text(text, label, strlen(label));
    kc_audit("kcrypt", "key %s: label=\"%s\" id=%08x serial=%d class=private-key type=rsa "
             "%sresult=%s", what, text, (unsigned)serial, (int)serial, more, result);
}

static void audit(const char *what, const char *label, int32_t serial, const char *result)
{
    audit_more(what, label, serial, "", result);
}

static int fail_kc(const kc_error *e)
{
    fprintf(stderr, "kcrypt key: %s\n", e->msg);
    return 1;
}

/* Who may use the key, as asked; perm, uid, gid < 0: unchanged. */
typedef struct {
    long perm, uid, gid;
} key_access;

static int set_access(int32_t serial, const char *label, const key_access *a)
{
    if (a->perm < 0 && a->uid < 0 && a->gid < 0)
        return 0;
    kc_error err;
    char more[96];
    snprintf(more, sizeof(more), "perm=%08lx uid=%ld gid=%ld ", a->perm < 0 ? 0 : a->perm,
             a->uid, a->gid);
    if (kc_pkey_setperm(serial, a->perm, a->uid, a->gid, &err) != KC_OK) {
        audit_more("setperm", label, serial, more, "refused");
        return fail_kc(&err);
    }
    audit_more("setperm", label, serial, more, "ok");
    return 0;
}

static int fail_ssl(const char *what)
{
    unsigned long e = ERR_get_error();
    char buf[256] = "";
    if (e)
        ERR_error_string_n(e, buf, sizeof(buf));
    fprintf(stderr, "kcrypt key: %s%s%s\n", what, e ? ": " : "", buf);
    ERR_clear_error();
    return 1;
}

static int need_kernel(void)
{
    kc_pkey_support s = kc_pkey_supported();
    if (s == KC_PKEY_YES)
        return 1;
    fprintf(stderr, "kcrypt key: %s\n", kc_pkey_support_text(s));
    return 0;
}

/* Whole or not at all: a killed import never leaves half a reference. */
static int write_ref(const char *path, const kcr_ref *ref)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *text;
    if (!b || kcr_write(b, ref) != 1) {
        BIO_free(b);
        return fail_ssl(path);
    }
    long n = BIO_get_mem_data(b, &text);
    int rc = kc_file_replace(path, text, (size_t)n, 0666);   /* nothing secret: umask decides */
    BIO_free(b);
    if (rc) {
        fprintf(stderr, "kcrypt key: cannot write %s: %s\n", path, strerror(-rc));
        return 1;
    }
    return 0;
}

/* pkey -> kernel (as PKCS#8 DER, wiped after) -> reference file */
static int load_into_kernel(EVP_PKEY *pkey, const char *op, const char *label,
                            const char *ringname, const char *refpath, const key_access *access)
{
    char desc[128];
    int n = snprintf(desc, sizeof(desc), "kcrypt:%s", label);
    if (n < 0 || (size_t)n >= sizeof(desc) || strpbrk(label, "\n;")) {
        fprintf(stderr, "kcrypt key: label \"%s\" too long or has ';' or a newline\n", label);
        return 2;
    }
    if (!EVP_PKEY_is_a(pkey, "RSA")) {
        fprintf(stderr, "kcrypt key: %s is a %s key; the kernel holds RSA private keys only\n",
                label, EVP_PKEY_get0_type_name(pkey));
        return 1;
    }
    kc_error err;
    int32_t ring = kc_pkey_keyring(ringname, &err);
    if (!ring)
        return fail_kc(&err);
    PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(pkey);
    unsigned char *der = NULL;
    int len = p8 ? i2d_PKCS8_PRIV_KEY_INFO(p8, &der) : -1;
    PKCS8_PRIV_KEY_INFO_free(p8);
    if (len <= 0)
        return fail_ssl("cannot encode the key as PKCS#8");
    int32_t serial = 0;
    kc_status st = kc_pkey_load(desc, der, (size_t)len, ring, &serial, &err);
    OPENSSL_clear_free(der, (size_t)len);
    if (st != KC_OK) {
        audit(op, label, 0, "refused");
        return fail_kc(&err);
    }
    audit(op, label, serial, "ok");
    if (set_access(serial, label, access)) {
        (void)kc_pkey_delete(serial, &err);   /* not left behind with the wrong permissions */
        audit("delete", label, serial, "ok");
        return 1;
    }
    kcr_ref ref = { .serial = serial };
    snprintf(ref.desc, sizeof(ref.desc), "%s", desc);
    snprintf(ref.keyring, sizeof(ref.keyring), "%s", ringname);
    ref.spki_len = i2d_PUBKEY(pkey, &ref.spki);
    if (ref.spki_len <= 0)
        return fail_ssl("cannot encode the public key");
    int rc = write_ref(refpath, &ref);
    kcr_free(&ref);
    if (rc == 0)
        printf("%d %s %s\n", (int)serial, desc, refpath);
    return rc;
}

static EVP_PKEY *read_private(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "kcrypt key: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    unsigned char *buf = OPENSSL_secure_zalloc(65536);
    size_t n = buf ? fread(buf, 1, 65536, f) : 0;
    fclose(f);
    EVP_PKEY *pkey = NULL;
    if (n > 0 && n < 65536) {
        const unsigned char *p = buf;
        size_t left = n;
        OSSL_DECODER_CTX *d = OSSL_DECODER_CTX_new_for_pkey(&pkey, NULL, NULL, NULL,
                                                            OSSL_KEYMGMT_SELECT_KEYPAIR, NULL, NULL);
        if (!d || !OSSL_DECODER_from_data(d, &p, &left))
            pkey = NULL;
        OSSL_DECODER_CTX_free(d);
    }
    OPENSSL_secure_clear_free(buf, 65536);
    if (!pkey)
        fail_ssl("no RSA private key (PEM or DER, PKCS#8 or PKCS#1, unencrypted) in the input");
    return pkey;
}

static int read_ref(const char *path, kcr_ref *ref)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "kcrypt key: %s: %s\n", path, strerror(errno));
        return 0;
    }
    unsigned char buf[16384];
    size_t n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    const char *why;
    int rc = kcr_parse(buf, n, ref, &why);
    if (rc != 1)
        fprintf(stderr, "kcrypt key: %s: not a kcrypt key reference%s%s\n", path,
                rc < 0 ? ": " : "", why);
    return rc == 1;
}

static int find_ref(const kcr_ref *ref, int32_t *serial)
{
    kc_error err;
    int32_t ring = kc_pkey_keyring(ref->keyring, &err);
    if (!ring)
        return fail_kc(&err);
    if (kc_pkey_find(ref->serial, ref->desc, ring, serial, &err) != KC_OK)
        return fail_kc(&err);
    return 0;
}

static const char *where(int32_t serial)
{
    static const struct { int32_t spec; const char *name; } rings[] = {
        { KEY_SPEC_USER_KEYRING, "user" }, { KEY_SPEC_SESSION_KEYRING, "session" },
        { KEY_SPEC_PROCESS_KEYRING, "process" }, { KEY_SPEC_USER_SESSION_KEYRING, "user-session" },
    };
    for (size_t i = 0; i < sizeof(rings) / sizeof(rings[0]); i++) {
        key_serial_t *ids = NULL;
        long n = keyctl_read_alloc(rings[i].spec, (void **)&ids);
        for (long j = 0; j < n / (long)sizeof(key_serial_t); j++)
            if (ids[j] == serial) {
                free(ids);
                return rings[i].name;
            }
        free(ids);
    }
    return "elsewhere";
}

/* "vrwsla/v--s--/------/------" (as list prints it) or a number (0x3f090000) */
static long parse_perm(const char *s)
{
    static const char f[] = "vrwsla";
    char *end;
    if (*s >= '0' && *s <= '9') {
        unsigned long v = strtoul(s, &end, 0);
        return *end || v > 0xffffffffUL ? -1 : (long)v;
    }
    unsigned long perm = 0;
    for (int part = 0; part < 4; part++) {
        for (int i = 0; i < 6; i++, s++) {
            if (*s == f[i])
                perm |= 1UL << (i + 8 * (3 - part));
            else if (*s != '-')
                return -1;
        }
        if (*s != (part < 3 ? '/' : '\0'))
            return -1;
        s++;
    }
    return (long)perm;
}

static long parse_id(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    return *s && !*end && v >= 0 && v < 0xffffffffL ? v : -2;
}

static void perm_text(unsigned perm, unsigned shift, char out[7])
{
    const char *f = "vrwsla";
    for (int i = 0; i < 6; i++)
        out[i] = (perm >> shift) & (1u << i) ? f[i] : '-';
    out[6] = '\0';
}

static int cmd_list(const char *ringname)
{
    if (!need_kernel())
        return 1;
    kc_error err;
    int32_t ring = kc_pkey_keyring(ringname, &err);
    if (!ring)
        return fail_kc(&err);
    key_serial_t *ids = NULL;
    long n = keyctl_read_alloc(ring, (void **)&ids);
    if (n < 0) {
        fprintf(stderr, "kcrypt key: keyring %s: %s\n", ringname, strerror(errno));
        return 1;
    }
    printf("%-10s %-10s %5s %-12s %-30s %-12s %s\n", "SERIAL", "TYPE", "BITS", "KEYRING",
           "DESCRIPTION", "UID:GID", "PERM (possessor/user/group/other)");
    for (long i = 0; i < n / (long)sizeof(key_serial_t); i++) {
        kc_pkey_info info;
        if (kc_pkey_query(ids[i], &info, NULL) != KC_OK)
            continue;   /* not an asymmetric key */
        char pos[7], usr[7], grp[7], oth[7], ug[24];
        perm_text(info.perm, 24, pos), perm_text(info.perm, 16, usr);
        perm_text(info.perm, 8, grp), perm_text(info.perm, 0, oth);
        snprintf(ug, sizeof(ug), "%u:%u", info.uid, info.gid);
        printf("%-10d %-10s %5u %-12s %-30s %-12s %s/%s/%s/%s\n", (int)ids[i], "asymmetric",
               info.bits, where(ids[i]), info.desc, ug, pos, usr, grp, oth);
    }
    free(ids);
    return 0;
}

/* The kernel key signs a random digest; the public key must verify it. */
static int kernel_key_matches(int32_t serial, EVP_PKEY *pub, unsigned bits)
{
    unsigned char digest[32], sig[512];
    size_t k = (bits + 7) / 8;
    kc_error err;
    EVP_PKEY_CTX *v = EVP_PKEY_CTX_new_from_pkey(NULL, pub, NULL);
    int ok = k <= sizeof(sig) && v && RAND_bytes(digest, sizeof(digest)) == 1 &&
             kc_pkey_sign_pkcs1(serial, "sha256", digest, sizeof(digest), sig, k, &err) == KC_OK &&
             EVP_PKEY_verify_init(v) > 0 && EVP_PKEY_CTX_set_rsa_padding(v, RSA_PKCS1_PADDING) > 0 &&
             EVP_PKEY_CTX_set_signature_md(v, EVP_sha256()) > 0 &&
             EVP_PKEY_verify(v, sig, k, digest, sizeof(digest)) == 1;
    EVP_PKEY_CTX_free(v);
    return ok;
}

static int cmd_export(const char *refpath, const char *out)
{
    kcr_ref ref;
    if (!read_ref(refpath, &ref))
        return 1;
    const unsigned char *p = ref.spki;
    EVP_PKEY *pub = d2i_PUBKEY(NULL, &p, ref.spki_len);
    int rc = 1;
    int32_t serial;
    if (!pub) {
        fail_ssl("the reference's public key is unreadable");
        goto done;
    }
    /* the public key must still belong to the kernel's key */
    if (need_kernel() && find_ref(&ref, &serial) == 0) {
        kc_pkey_info info;
        kc_error err;
        if (kc_pkey_query(serial, &info, &err) != KC_OK) {
            fail_kc(&err);
            goto done;
        }
        if ((int)info.bits != EVP_PKEY_get_bits(pub)) {
            fprintf(stderr, "kcrypt key: kernel key %d has %u bits, the reference's public key %d\n",
                    (int)serial, info.bits, EVP_PKEY_get_bits(pub));
            goto done;
        }
        if (!kernel_key_matches(serial, pub, info.bits)) {
            fprintf(stderr, "kcrypt key: the reference's public key is not kernel key %d's (a "
                    "signature by the kernel key does not verify with it)\n", (int)serial);
            goto done;
        }
    } else {
        goto done;
    }
    BIO *b = out ? BIO_new_file(out, "w") : BIO_new_fp(stdout, BIO_NOCLOSE);
    rc = b && PEM_write_bio_PUBKEY(b, pub) ? 0 : fail_ssl("cannot write the public key");
    BIO_free(b);
    audit("export-public", ref.desc, serial, rc ? "failed" : "ok");
done:
    EVP_PKEY_free(pub);
    kcr_free(&ref);
    return rc;
}

static int cmd_delete(const char *refpath, int32_t serial)
{
    if (!need_kernel())
        return 1;
    char label[128] = "";
    if (refpath) {
        kcr_ref ref;
        if (!read_ref(refpath, &ref))
            return 1;
        int rc = find_ref(&ref, &serial);
        snprintf(label, sizeof(label), "%s", ref.desc);
        kcr_free(&ref);
        if (rc)
            return rc;
    } else {
        kc_pkey_info info;
        kc_error err;
        if (kc_pkey_query(serial, &info, &err) != KC_OK)
            return fail_kc(&err);
        snprintf(label, sizeof(label), "%s", info.desc);
    }
    kc_error err;
    if (kc_pkey_delete(serial, &err) != KC_OK) {
        audit("delete", label, serial, "refused");
        return fail_kc(&err);
    }
    audit("delete", label, serial, "ok");
    printf("deleted %d %s\n", (int)serial, label);
    return 0;
}

static int cmd_setperm(const char *refpath, int32_t serial, const key_access *a)
{
    if (!need_kernel())
        return 1;
    if (a->perm < 0 && a->uid < 0 && a->gid < 0) {
        fprintf(stderr, "kcrypt key setperm: give --perm, --uid or --gid\n");
        return 2;
    }
    kc_pkey_info info;
    kc_error err;
    if (refpath) {
        kcr_ref ref;
        if (!read_ref(refpath, &ref))
            return 1;
        int rc = find_ref(&ref, &serial);
        kcr_free(&ref);
        if (rc)
            return rc;
    }
    if (kc_pkey_query(serial, &info, &err) != KC_OK)
        return fail_kc(&err);
    if (set_access(serial, info.desc, a))
        return 1;
    if (kc_pkey_query(serial, &info, &err) != KC_OK)
        return fail_kc(&err);
    char pos[7], usr[7], grp[7], oth[7];
    perm_text(info.perm, 24, pos), perm_text(info.perm, 16, usr);
    perm_text(info.perm, 8, grp), perm_text(info.perm, 0, oth);
    printf("%d %s %u:%u %s/%s/%s/%s\n", (int)serial, info.desc, info.uid, info.gid, pos, usr, grp,
           oth);
    return 0;
}

int cmd_key(int argc, char **argv)
{
    if (argc < 2) {
        key_usage(stderr);
        return 2;
    }
    const char *sub = argv[1];
    if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) {
        key_usage(stdout);
        return 0;
    }
    static const struct option opts[] = {
        { "in", required_argument, NULL, 'i' },    { "label", required_argument, NULL, 'l' },
        { "ref", required_argument, NULL, 'r' },   { "keyring", required_argument, NULL, 'k' },
        { "bits", required_argument, NULL, 'b' },  { "out", required_argument, NULL, 'o' },
        { "serial", required_argument, NULL, 's' }, { "help", no_argument, NULL, 'h' },
        { "perm", required_argument, NULL, 'p' },   { "uid", required_argument, NULL, 'u' },
        { "gid", required_argument, NULL, 'g' },
        { NULL, 0, NULL, 0 }
    };
    const char *in = NULL, *label = NULL, *ref = NULL, *ring = "user", *out = NULL;
    long bits = 2048, serial = 0;
    key_access access = { -1, -1, -1 };
    int c;
    optind = 2;
    while ((c = getopt_long(argc, argv, "i:l:r:k:b:o:s:p:u:g:h", opts, NULL)) != -1) {
        switch (c) {
        case 'i': in = optarg; break;
        case 'l': label = optarg; break;
        case 'r': ref = optarg; break;
        case 'k': ring = optarg; break;
        case 'b': bits = strtol(optarg, NULL, 10); break;
        case 'o': out = optarg; break;
        case 's': serial = strtol(optarg, NULL, 10); break;
        case 'p':
            if ((access.perm = parse_perm(optarg)) < 0) {
                fprintf(stderr, "kcrypt key: --perm \"%s\": not vrwsla/vrwsla/vrwsla/vrwsla "
                        "(letters or '-') nor a number\n", optarg);
                return 2;
            }
            break;
        case 'u': case 'g': {
            long *id = c == 'u' ? &access.uid : &access.gid;
            if ((*id = parse_id(optarg)) < 0) {
                fprintf(stderr, "kcrypt key: --%s \"%s\": not a number\n",
                        c == 'u' ? "uid" : "gid", optarg);
                return 2;
            }
            break;
        }
        case 'h': key_usage(stdout); return 0;
        default: key_usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        key_usage(stderr);
        return 2;
    }
    if (!strcmp(sub, "import") || !strcmp(sub, "generate")) {
        int gen = sub[0] == 'g';
        if (!label || !ref || (!gen && !in)) {
            key_usage(stderr);
            return 2;
        }
        if (!need_kernel())
            return 1;
        EVP_PKEY *pkey = NULL;
        if (gen) {
            if (bits < 1024 || bits > 4096) {
                fprintf(stderr, "kcrypt key: --bits %ld: the kernel takes 1024 to 4096\n", bits);
                return 2;
            }
            pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
            if (!pkey)
                return fail_ssl("RSA key generation failed");
        } else if (!(pkey = read_private(in))) {
            return 1;
        }
        int rc = load_into_kernel(pkey, gen ? "generate" : "import", label, ring, ref, &access);
        EVP_PKEY_free(pkey);   /* OpenSSL clears the private numbers as it frees them */
        return rc;
    }
    if (!strcmp(sub, "list"))
        return cmd_list(ring);
    if (!strcmp(sub, "export")) {
        if (!ref) {
            key_usage(stderr);
            return 2;
        }
        return cmd_export(ref, out);
    }
    if (!strcmp(sub, "delete")) {
        if (!ref && serial <= 0) {
            key_usage(stderr);
            return 2;
        }
        return cmd_delete(ref, (int32_t)serial);
    }
    if (!strcmp(sub, "setperm")) {
        if (!ref && serial <= 0) {
            key_usage(stderr);
            return 2;
        }
        return cmd_setperm(ref, (int32_t)serial, &access);
    }
    fprintf(stderr, "kcrypt key: unknown subcommand \"%s\"\n", sub);
    key_usage(stderr);
    return 2;
}
