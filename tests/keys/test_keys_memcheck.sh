#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Memory errors and leaks on the kernel-key paths, under valgrind inside
# the kernel: kcrypt key import/list/export/delete, and through the
# provider a reference loaded, PKCS#1 and PSS signatures, OAEP decryption
# good and tampered. On a kernel without the asymmetric key type, the
# refusals. (valgrind cannot see keyctl's writes into user buffers, so
# common/ defines them before each call; an uninitialised-value report
# here means one was missed.)
# usage: test_keys_memcheck.sh KCRYPT_CLI MODULE_DIR SOURCE_DIR
. "$3/tests/provider/lib.sh"
kcrypt=$1 moddir=$2 src=$3
work=$(mkwork keys-memcheck)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
export OPENSSL_CONF=/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem 2>/dev/null
openssl pkey -in key.pem -pubout -out pub.pem
mkconf k.cnf "$moddir" "$src"
VG() { valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect "$@"; }
# vg WHAT EXPECTED-STATUS CMD...: no valgrind report and the expected status
vg() {
    local what=$1 want=$2
    shift 2
    VG "$@" > out 2> err
    local rc=$?
    if [ $rc = "$want" ] && ! grep -q "^==[0-9]*==" err; then pass "$what"; else
        fail "$what: status $rc, $(grep -m3 '^==[0-9]*==' err | tr '\n' ' ')"; fi
}
if keyctl padd asymmetric kcrypt-test:probe @p < /dev/null 2>&1 | grep -q "No such device"; then
    vg "import refused" 1 "$kcrypt" key import --in key.pem --label m --ref m.ref
    cp "$src/tests/keys/kernel-key.ref" m.ref
    OPENSSL_CONF=$work/k.cnf vg "reference refused by the provider" 1 \
        openssl pkeyutl -sign -inkey m.ref -in pub.pem
    summary
    exit $?
fi
vg "kcrypt key import" 0 "$kcrypt" key import --in key.pem --label m --ref m.ref
vg "kcrypt key list" 0 "$kcrypt" key list
vg "kcrypt key export" 0 "$kcrypt" key export --ref m.ref
export OPENSSL_CONF=$work/k.cnf
head -c 300 /dev/urandom > msg
vg "PKCS#1 v1.5 SHA-256 signature" 0 openssl dgst -sha256 -sign m.ref -out s1 msg
vg "PSS SHA-384 signature" 0 openssl dgst -sha384 -sign m.ref -sigopt rsa_padding_mode:pss -out s2 msg
vg "X.509 certificate signed with RSA-PSS (AlgorithmIdentifier)" 0 openssl req -new -x509 \
    -key m.ref -sigopt rsa_padding_mode:pss -subj /CN=m -days 1 -out cert.pem
vg "kcrypt key setperm" 0 "$kcrypt" key setperm --ref m.ref --perm vrwsla/v--s--/------/------
head -c 100 msg > pt
OPENSSL_CONF=/dev/null openssl pkeyutl -encrypt -pubin -inkey pub.pem -pkeyopt rsa_padding_mode:oaep \
    -in pt -out ct
vg "OAEP decryption" 0 openssl pkeyutl -decrypt -inkey m.ref -pkeyopt rsa_padding_mode:oaep -in ct -out pt2
check "  the plaintext" bash -c "[ -s pt ] && cmp pt pt2"
printf '\x01' | dd of=ct bs=1 seek=7 conv=notrunc 2>/dev/null
vg "tampered OAEP ciphertext refused" 1 openssl pkeyutl -decrypt -inkey m.ref \
    -pkeyopt rsa_padding_mode:oaep -in ct -out pt3
OPENSSL_CONF=/dev/null vg "kcrypt key delete" 0 "$kcrypt" key delete --ref m.ref
vg "a reference to a deleted key refused" 1 openssl dgst -sha256 -sign m.ref -out s3 msg
summary
