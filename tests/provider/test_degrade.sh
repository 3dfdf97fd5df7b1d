#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kcrypt degrades cleanly: it loads, offers only what the kernel can do,
# says why once, and OpenSSL keeps working through the default provider.
# usage: test_degrade.sh MODE MODULE_DIR SOURCE_DIR
#   MODE host:    a kernel without AF_ALG (the host's)
#   MODE blocked: AF_ALG without algif_aead (kernel-run --block algif_aead)
. "$(dirname "$0")/lib.sh"
mode=$1 moddir=$2 src=$3
work=$(mkwork degrade)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1

mkconf k.cnf "$moddir" "$src" prefer
export OPENSSL_CONF=$work/k.cnf

KCRYPT_DEBUG=1 openssl list -providers > prov.txt 2> debug.txt
if grep -A3 "^  kcrypt" prov.txt | grep -q "status: active"; then
    pass "kcrypt loads and is active"
else
    fail "kcrypt is not active: $(cat prov.txt debug.txt | head -c 400)"
fi
for what in cipher digest mac; do
    openssl list -$what-algorithms 2> /dev/null | grep "@ kcrypt" > "$what.txt"
done
openssl list -random-generators 2> /dev/null | grep "@ kcrypt" > rand.txt
nc=$(wc -l < cipher.txt) nd=$(wc -l < digest.txt) nm=$(wc -l < mac.txt) nr=$(wc -l < rand.txt)

case $mode in
host)
    check "nothing offered without AF_ALG ($nc ciphers, $nd digests, $nm MACs, $nr RANDs)" \
        [ $((nc + nd + nm + nr)) = 0 ]
    check "KCRYPT_DEBUG says why: $(grep -m1 'no AF_ALG' debug.txt)" grep -q "has no AF_ALG" debug.txt
    ;;
blocked)
    check "digests still offered ($nd)" [ "$nd" = 9 ]
    check "block ciphers still offered" grep -q "AES-128-CBC" cipher.txt
    if grep -qi "GCM\|CCM\|ChaCha20-Poly1305" cipher.txt; then
        fail "an AEAD is offered although algif_aead is blocked: $(grep -i 'gcm\|ccm\|chacha' cipher.txt)"
    else
        pass "no AEAD offered with algif_aead blocked"
    fi
    check "KCRYPT_DEBUG names what is missing: $(grep -m1 -o 'unavailable in kernel [^,]*' debug.txt)" \
        grep -q "unavailable in kernel.*AES-GCM" debug.txt
    ;;
esac
check "the reason is raised once, not per algorithm" \
    [ "$(grep -c "kcrypt: error:" debug.txt)" = 1 ]

# OpenSSL carries on through the default provider
head -c 100003 /dev/urandom > data
want=$(OPENSSL_CONF=/dev/null openssl dgst -sha256 -r data)
check "dgst -sha256 works" [ "$(openssl dgst -sha256 -r data 2> /dev/null)" = "$want" ]
key=000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f
iv=0f0e0d0c0b0a09080706050403020100
openssl enc -aes-256-cbc -K $key -iv $iv -in data -out ct 2> /dev/null &&
    openssl enc -d -aes-256-cbc -K $key -iv $iv -in ct -out back 2> /dev/null
check "enc -aes-256-cbc round trip works" cmp -s data back

# TLS 1.3 with AES-GCM: from kcrypt where it can, from the default provider
# where it cannot
lo_up
OPENSSL_CONF=/dev/null openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem \
    -subj /CN=localhost -days 2 2> /dev/null
mkfifo hold
exec 3<> hold
KCRYPT_STATS=$work/s.stats timeout 120 openssl s_server -accept 127.0.0.1:4711 -cert cert.pem \
    -key key.pem -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256 -quiet -naccept 1 \
    > srv.out 2> srv.log < hold &
if wait_port 4711; then
    KCRYPT_STATS=$work/c.stats timeout 120 openssl s_client -connect 127.0.0.1:4711 -tls1_3 \
        -ciphersuites TLS_AES_128_GCM_SHA256 -quiet -no_ign_eof -nocommands < data \
        > cli.out 2> cli.err
    wait
    records=$(($(stat s.stats kcrypt-aead-records) + $(stat c.stats kcrypt-aead-records)))
    if cmp -s srv.out data && [ "$records" = 0 ]; then
        pass "TLS 1.3 AES-128-GCM works, records done by the default provider (kcrypt: $records)"
    else
        fail "TLS 1.3: server got $(wc -c < srv.out) bytes, kcrypt AEAD records $records; $(grep -i error cli.err srv.log | head -2)"
    fi
    if [ "$mode" = blocked ]; then
        digests=$(($(stat s.stats kcrypt-digest-ops) + $(stat c.stats kcrypt-digest-ops)))
        check "the handshake's digests still came from kcrypt ($digests)" [ "$digests" -gt 0 ]
    fi
else
    fail "s_server did not start: $(tail -c 300 srv.log)"
fi

summary
