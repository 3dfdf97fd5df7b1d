#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The token through real clients: OpenSC pkcs11-tool on the built module,
# then p11-kit and GnuTLS p11tool through a p11-kit registration.
# Usage: tools.sh MODULE.so   (run inside a kernel with AF_ALG)
M="$1"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export KCRYPT_P11_STORE="$W/store" KCRYPT_P11_PBKDF2_ITERATIONS=1000
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; sed 's/^/     | /' "$W/out" | tail -15; }
# run NAME EXPECTED-REGEX CMD...: passes when CMD exits 0 and prints the regex
run() {
    name=$1 re=$2; shift 2
    if "$@" >"$W/out" 2>&1 && grep -Eq "$re" "$W/out"; then ok "$name"; else bad "$name"; fi
}
T="pkcs11-tool --module $M"

echo "== pkcs11-tool"
run "-I (info)" "Cryptoki version 3.0" $T -I
run "-L uninitialized" "uninitialized" $T -L
run "-M mechanisms" "AES-GCM.*encrypt" $T -M
run "-M KWP 0x210b" "mechtype-0x210B.*wrap" $T -M
run "--init-token --init-pin" "User PIN successfully initialized" \
    $T --init-token --label kctest --so-pin 87654321 --init-pin --pin 1234
run "-L initialized" "PIN initialized" $T -L
run "--keygen AES:32" "Secret Key Object" \
    $T --login --pin 1234 --keygen --key-type AES:32 --label aeskey --id 01 --private --sensitive
run "--keygen GENERIC:32" "Secret Key Object" \
    $T --login --pin 1234 --keygen --key-type GENERIC:32 --label hmackey --id 02
# Token objects persist (encrypted at rest): each step is a new process.
run "--list-objects (token keys persist)" "label: +hmackey" \
    sh -c "$T --login --pin 1234 --list-objects | grep -A1 aeskey && $T --login --pin 1234 --list-objects"
run "without login: the public key shows, the private one does not" "^hidden$" \
    sh -c "$T --list-objects >'$W/pub' 2>&1; grep -q hmackey '$W/pub' && ! grep -q aeskey '$W/pub' && echo hidden"
head -c 1000 /dev/urandom >"$W/plain"
IV=000102030405060708090a0b0c0d0e0f
run "--encrypt AES-CBC-PAD (generated key)" "." \
    $T --login --pin 1234 --encrypt --id 01 -m AES-CBC-PAD --iv $IV -i "$W/plain" -o "$W/enc"
run "--decrypt round trip" "." sh -c "$T --login --pin 1234 --decrypt --id 01 -m AES-CBC-PAD \
    --iv $IV -i '$W/enc' -o '$W/dec' && cmp '$W/plain' '$W/dec' && echo same"
# An imported key, with openssl enc (default provider) as the oracle.
head -c 32 /dev/urandom >"$W/key.bin"
KEYHEX=$(od -An -tx1 "$W/key.bin" | tr -d ' \n')
run "--write-object secrkey AES:32" "." $T --login --pin 1234 --write-object "$W/key.bin" \
    --type secrkey --key-type AES:32 --id 03 --label imported --usage-decrypt
run "--encrypt equals openssl enc" "same" sh -c "$T --login --pin 1234 --encrypt --id 03 \
    -m AES-CBC-PAD --iv $IV -i '$W/plain' -o '$W/enc3' && OPENSSL_CONF=/dev/null openssl enc \
    -aes-256-cbc -K $KEYHEX -iv $IV -in '$W/plain' | cmp - '$W/enc3' && echo same"
run "--decrypt of openssl's ciphertext" "same" sh -c "OPENSSL_CONF=/dev/null openssl enc \
    -aes-256-cbc -K $KEYHEX -iv $IV -in '$W/plain' -out '$W/enc4' && $T --login --pin 1234 \
    --decrypt --id 03 -m AES-CBC-PAD --iv $IV -i '$W/enc4' -o '$W/dec4' && cmp '$W/plain' \
    '$W/dec4' && echo same"
# The imported key's bytes must not be in any object file, and there must
# be object files to look in.
store_hex() {
    n=0
    for o in "$W"/store/objects/*.obj; do
        [ -f "$o" ] || continue
        n=$((n + 1))
        od -An -tx1 -v "$o" | tr -d ' \n'
        echo
    done
    echo "files $n"
}
store_hex >"$W/out"
nfiles=$(sed -n 's/^files //p' "$W/out")
if ! grep -q "$KEYHEX" "$W/out" && [ "$nfiles" -gt 0 ]; then
    ok "key value absent from the $nfiles object files"
else
    bad "key value in the store, or no object files ($nfiles)"
fi
run "--delete-object" "." $T --login --pin 1234 --delete-object --type secrkey --id 03
run "deleted for good" "^gone$" sh -c "$T --login --pin 1234 --list-objects | grep -q imported || echo gone"
run "--test" "No errors" $T --login --pin 1234 --test
run "--test-threads" "." $T --login --pin 1234 --test-threads IN,GI,OS,SL,GM,RN
run "--test-fork" "." $T --test-fork
run "wrong PIN" "CKR_PIN_INCORRECT" sh -c "$T --login --pin 9999 --list-objects; true"
run "--change-pin" "PIN successfully changed" $T --login --pin 1234 --change-pin --new-pin 4321
run "login new PIN" "." $T --login --pin 4321 --list-objects
run "--generate-random" "." sh -c "$T --generate-random 32 | od -An -tx1 | head -1"

echo "== p11-kit and p11tool"
mkdir -p "$W/home/.config/pkcs11/modules"
printf 'module: %s\n' "$M" >"$W/home/.config/pkcs11/modules/kcrypt.module"
export HOME="$W/home"
# p11-kit ignores user configuration for root: run its clients as nobody.
U=""
if [ "$(id -u)" = 0 ]; then
    chmod 755 "$W"
    chown -R 65534:65534 "$W/home" "$W/store"
    U="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
run "p11-kit list-modules" "kcrypt kernel crypto token" $U p11-kit list-modules
run "p11tool --list-tokens" "kctest" $U p11tool --list-tokens
URL=$($U p11tool --list-token-urls 2>/dev/null | grep kctest | head -1)
run "p11tool --list-mechanisms" "CKM_SHA256" $U p11tool --list-mechanisms "$URL"
run "p11tool --generate-random" "." sh -c "$U p11tool --generate-random 32 '$URL' | od -An -tx1 | head -1"

echo "tools: $pass passed, $fail failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
