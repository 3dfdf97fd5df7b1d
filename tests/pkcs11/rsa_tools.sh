#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# RSA keys held by the kernel, through real token users (issue 10 item 5b).
# OpenSC pkcs11-tool imports an OpenSSL key into the token (one process),
# then later processes sign (PKCS#1 v1.5, PSS) and decrypt (OAEP) with it
# and generate a key pair; OpenSSL (default provider) verifies, encrypts
# and checks; strongSwan's pkcs11 plugin (pki --self) signs certificates
# with it. Then the memory search: a token user that signed with the
# key imported earlier (test_p11_rsa --hold, and pkcs11-tool blocked on
# its output FIFO after signing) has every readable mapping searched for
# d, p and q (interop/nginx/memscan.pl: big- and little-endian, 24-byte
# slices from both ends): 0 hits expected; the control (the same program
# holding the PEM key loaded by OpenSSL) must show hits, or the search proves
# nothing. On a kernel without the asymmetric key type: RSA is not
# offered and the import is refused.
# usage: rsa_tools.sh MODULE TEST_P11_RSA SOURCE_DIR
M=$1 HOLD=$2 SRC=$3
W=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$W"' EXIT
cd "$W" || exit 1
export KCRYPT_P11_STORE="$W/store" KCRYPT_P11_PBKDF2_ITERATIONS=1000 OPENSSL_CONF=/dev/null
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; sed 's/^/     | /' out | tail -15; }
run() {
    name=$1 re=$2; shift 2
    if "$@" >out 2>&1 && grep -Eq "$re" out; then ok "$name"; else bad "$name"; fi
}
T="pkcs11-tool --module $M"
L="--login --pin 1234"
run "--init-token --init-pin" "User PIN successfully initialized" \
    $T --init-token --label rsa --so-pin 87654321 --init-pin --pin 1234
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem 2>/dev/null
openssl pkey -in key.pem -pubout -out pub.pem
echo "signed by a key the signer never had" > data

if keyctl padd asymmetric kcrypt-test:probe @p < /dev/null 2>&1 | grep -q "No such device"; then
    echo "kernel $(uname -r): no asymmetric key type"
    run "-M: no RSA mechanism" "^none$" sh -c "$T -M > m.txt; grep -q AES m.txt && ! grep -qi rsa m.txt && echo none"
    # refused cleanly: the CKR code, and the cause with KCRYPT_DEBUG
    run "--write-object privkey refused: CKR_ATTRIBUTE_VALUE_INVALID, cause named" "^refused$" sh -c \
        "KCRYPT_DEBUG=1 $T $L --write-object key.pem --type privkey --id 01 > o 2>&1; rc=\$?; cat o; \
         [ \$rc != 0 ] && grep -q CKR_ATTRIBUTE_VALUE_INVALID o && grep -q 'no \"asymmetric\" key type' o && echo refused"
    echo "passed $pass failed $fail"
    [ "$fail" = 0 ] && [ "$pass" -gt 0 ]
    exit
fi

run "-M: RSA mechanisms" "SHA256-RSA-PKCS-PSS.*sign" $T -M
run "-M: RSA-PKCS-KEY-PAIR-GEN 1024..4096" "RSA-PKCS-KEY-PAIR-GEN, keySize=\{1024,4096\}" $T -M
run "--write-object privkey (import)" "Private Key Object" \
    $T $L --write-object key.pem --type privkey --id 01 --label imp
run "--write-object pubkey" "Public Key Object" $T $L --write-object pub.pem --type pubkey --id 01 --label imp
run "private attributes not readable" "^sensitive$" sh -c "$T $L --read-object --type privkey --id 01 -o d.der > o 2>&1; [ ! -s d.der ] && echo sensitive"
for m in SHA256-RSA-PKCS SHA384-RSA-PKCS SHA1-RSA-PKCS SHA256-RSA-PKCS-PSS SHA512-RSA-PKCS-PSS; do
    h=$(echo "$m" | sed 's/-RSA.*//; s/SHA/sha/')
    opt=""
    case $m in *PSS) opt="-sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:-1" ;; esac
    run "--sign -m $m, openssl verifies" "Verified OK" sh -c "$T $L --sign -m $m --id 01 -i data -o sig.$m > o 2>&1 && \
        openssl dgst -$h $opt -verify pub.pem -signature sig.$m data"
done
run "PKCS#1 v1.5 bytes equal openssl's" "^same$" sh -c "openssl dgst -sha256 -sign key.pem -out osig data && cmp osig sig.SHA256-RSA-PKCS && echo same"
run "--verify of openssl's PSS signature" "Signature is valid" sh -c "openssl dgst -sha256 -sigopt rsa_padding_mode:pss \
    -sigopt rsa_pss_saltlen:32 -sign key.pem -out opss data && $T $L --verify -m SHA256-RSA-PKCS-PSS --id 01 -i data --signature-file opss"
run "--decrypt -m RSA-PKCS-OAEP (SHA-256) of openssl's ciphertext" "^same$" sh -c "openssl pkeyutl -encrypt -pubin -inkey pub.pem \
    -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256 -in data -out ct && \
    $T $L --decrypt -m RSA-PKCS-OAEP --hash-algorithm SHA256 --mgf MGF1-SHA256 --id 01 -i ct -o pt > o 2>&1 && cmp pt data && echo same"
run "--decrypt -m RSA-PKCS of openssl's ciphertext" "^same$" sh -c "openssl pkeyutl -encrypt -pubin -inkey pub.pem -in data -out ct1 && \
    $T $L --decrypt -m RSA-PKCS --id 01 -i ct1 -o pt1 > o 2>&1 && cmp pt1 data && echo same"
run "--keypairgen rsa:3072" "Private Key Object" $T $L --keypairgen --key-type rsa:3072 --id 02 --label gen
run "generated key signs, openssl verifies" "Verified OK" sh -c "$T --read-object --type pubkey --id 02 -o gpub.der > o 2>&1 && \
    $T $L --sign -m SHA256-RSA-PKCS --id 02 -i data -o gsig > o 2>&1 && \
    openssl dgst -sha256 -verify gpub.der -keyform DER -signature gsig data"

# strongSwan's pkcs11 plugin (the one charon uses) signs with the token key:
# pki --self makes a certificate signed by it (PKCS#1 v1.5: strongSwan
# 5.9.8's pkcs11 plugin answers "signature scheme RSA_EMSA_PSS not
# supported" for PSS, before asking the token)
if command -v pki > /dev/null; then
    cat > swan.conf <<CONF
pki { load = pkcs11 pem pkcs1 pkcs8 x509 sha1 sha2 random gmp }
libstrongswan { plugins { pkcs11 { modules { kcrypt { path = $M
    os_locking = yes } } } } }
CONF
    echo 1234 > pin
    for pad in pkcs1; do
        run "strongSwan pki --self --keyid 01 (pkcs11 plugin, $pad): openssl verifies" "^verified$" sh -c \
            "STRONGSWAN_CONF=$W/swan.conf pki --self --keyid 01 --type rsa --dn CN=token --digest sha256 \
             --rsa-padding $pad --outform pem < pin > swan.$pad.pem 2> swan.err || cat swan.err; \
             openssl x509 -in swan.$pad.pem -noout -pubkey | cmp - pub.pem && \
             openssl verify -CAfile swan.$pad.pem swan.$pad.pem > /dev/null && echo verified"
    done
else
    bad "strongSwan's pki is not installed"
fi

# d, p, q as big-endian hex (PKCS#1 fields 3, 4, 5), the needles of the search
openssl rsa -in key.pem -traditional 2>/dev/null | openssl asn1parse | sed -n 's/.*INTEGER *://p' > ints.txt
mapfile -t ints < ints.txt
needles=()
for v in "${ints[3]}" "${ints[4]}" "${ints[5]}"; do
    le=$(echo "$v" | fold -w2 | tac | tr -d '\n')
    needles+=("${v:0:48}" "${v: -48}" "${le:0:48}" "${le: -48}")
done
scan() { perl "$SRC/interop/nginx/memscan.pl" "$1" "${needles[@]}" > scan.$1 2>&1; tail -1 scan.$1 >&2
         sed -n 's/.* hits=\([0-9]*\)$/\1/p' scan.$1; }
# wait until PID sleeps (blocked opening its output FIFO) for 2 s running
blocked() {
    local n=0
    for _ in $(seq 1 200); do
        [ "$(awk '{print $3}' /proc/$1/stat 2>/dev/null)" = S ] && n=$((n + 1)) || n=0
        [ $n -ge 10 ] && return 0
        sleep 0.2
    done
    return 1
}

# hold LABEL: run test_p11_rsa --hold until it has signed; sets hpid
hold() {
    rm -f hold.in; mkfifo hold.in
    "$HOLD" "$M" --hold "$1" "$(cat data)" hsig < hold.in > hold.out 2>&1 &
    hpid=$!
    exec 7> hold.in
    for _ in $(seq 1 300); do grep -q signed hold.out && return 0; sleep 0.2; done
    return 1
}
unhold() { exec 7>&-; wait $hpid; }

# control: the same program with the PEM key loaded by OpenSSL
if hold pem:key.pem; then
    chits=$(scan $hpid)
    [ "${chits:-0}" -gt 0 ] && ok "control: the search finds d/p/q in a process that loaded key.pem ($chits hits)" ||
        { echo "control hits: $chits" > out; bad "control: the search finds the key"; }
else
    cp hold.out out; bad "control: did not sign"
fi
unhold

# a small token user, deterministic: signed, then holds
if hold imp; then
    hhits=$(scan $hpid)
    echo "token user (test_p11_rsa --hold, pid $hpid): $hhits hits"
    [ "$hhits" = 0 ] && ok "token user that signed: d, p, q found nowhere in its memory (0 hits)" ||
        { cp scan.$hpid out; bad "token user memory: $hhits hits"; }
else
    cp hold.out out; bad "hold: did not sign"
fi
unhold
run "its signature verifies" "Verified OK" sh -c "printf '%s' \"\$(cat data)\" > data2; openssl dgst -sha256 -sigopt rsa_padding_mode:pss \
    -sigopt rsa_pss_saltlen:-1 -verify pub.pem -signature hsig data2"

# pkcs11-tool: signs, then blocks opening its output FIFO
mkfifo sig.fifo
$T $L --sign -m SHA256-RSA-PKCS-PSS --id 01 -i data -o sig.fifo > tool.out 2>&1 &
tpid=$!
if blocked $tpid; then
    thits=$(scan $tpid)
    echo "pkcs11-tool (pid $tpid): $thits hits"
    cat sig.fifo > tsig; wait $tpid
    [ "$thits" = 0 ] && ok "pkcs11-tool after signing: d, p, q found nowhere in its memory (0 hits)" ||
        { cp scan.$tpid out; bad "pkcs11-tool memory: $thits hits"; }
    run "pkcs11-tool's signature verifies" "Verified OK" openssl dgst -sha256 -sigopt rsa_padding_mode:pss \
        -sigopt rsa_pss_saltlen:-1 -verify pub.pem -signature tsig data
else
    cp tool.out out; bad "pkcs11-tool did not block on its output"
fi
echo "passed $pass failed $fail"
[ "$fail" = 0 ]
