#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# strongSwan's charon with the pkcs11 plugin on kcrypt-pkcs11.so, configured
# from conf/strongswan-kcrypt.conf: charon must load the token, and take
# its RNG and its SHA-1/SHA-2 hashers from it, each passing charon's own
# test vectors (crypto_test.on_add, required). Only plugins without a
# hasher or RNG of their own are loaded, so any hashing charon does is the
# token's. Then the same with a wrong module path must fail to load.
# usage: test_strongswan.sh MODULE.so SOURCE_DIR   (inside a kernel with AF_ALG)
. "$2/tests/provider/lib.sh"
module=$1 src=$2
charon=/usr/lib/ipsec/charon
[ -x $charon ] || { fail "strongSwan's charon is not installed ($charon)"; summary; exit 1; }
work=$(mkwork strongswan)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
lo_up
export KCRYPT_P11_STORE=$work/store KCRYPT_P11_PBKDF2_ITERATIONS=1000
pkcs11-tool --module "$module" --init-token --label kctest --so-pin 87654321 \
    --init-pin --pin 1234 > init.log 2>&1 || { fail "token init: $(tail -3 init.log)"; summary; exit 1; }

# conf/strongswan-kcrypt.conf with this build's module, a private log and
# ports, and the plugins charon needs besides pkcs11 (none of them hashes)
mkconf_swan() {
    sed -e "s|path = .*kcrypt-pkcs11.so|path = $1|" \
        -e "s|^charon {|charon {\n    load = pkcs11 test-vectors nonce socket-default kernel-netlink\n    port = 5500\n    port_nat_t = 5501\n    filelog {\n        log {\n            path = $work/charon.log\n            default = 1\n            flush_line = yes\n        }\n    }|" \
        "$src/conf/strongswan-kcrypt.conf" > "$2"
}

# run_charon CONF: start charon, wait until it has started or died, stop it
run_charon() {
    rm -f charon.log
    STRONGSWAN_CONF=$1 private_run timeout 120 $charon > charon.out 2>&1 &
    local pid=$! i
    for i in $(seq 1 300); do
        grep -qE "spawning [0-9]+ worker threads|initialization failed" charon.log 2>/dev/null && break
        kill -0 $pid 2>/dev/null || break
        sleep 0.2
    done
    kill -TERM $pid 2>/dev/null
    wait $pid 2>/dev/null
}

mkconf_swan "$module" ok.conf
run_charon ok.conf
cp charon.log charon.log.ok
check "charon loaded the kcrypt token" grep -q "loaded PKCS#11 v3.0 library 'kcrypt'" charon.log
check "charon found the token" grep -q "found token in slot 'kcrypt'" charon.log
check "charon started (plugins loaded, workers spawned)" grep -qE "spawning [0-9]+ worker threads" charon.log
check "RNG_STRONG from the token passed its tests" grep -q "enabled  RNG_STRONG\[pkcs11\]: passed" charon.log
for h in HASH_SHA1 HASH_SHA2_256 HASH_SHA2_384 HASH_SHA2_512; do
    line=$(grep "enabled  $h\[pkcs11\]: passed" charon.log)
    if [ -n "$line" ]; then pass "${line#*] }"; else fail "$h not enabled from the token"; fi
done
# no other plugin could have provided a hasher
if grep -E "enabled  HASH_" charon.log | grep -qv "\[pkcs11\]"; then
    fail "a hasher from another plugin: $(grep -E 'enabled  HASH_' charon.log | grep -v pkcs11 | head -1)"
else
    pass "every enabled hasher is the token's ($(grep -c 'enabled  HASH_' charon.log))"
fi

# the test can fail: a module that is not there gives no token and no hasher
mkconf_swan "$work/no-such-module.so" bad.conf
run_charon bad.conf
if ! grep -q "enabled  HASH_SHA2_256\[pkcs11\]" charon.log && grep -qi "no-such-module" charon.log; then
    pass "a wrong module path: charon names it and has no token hasher"
else
    fail "a wrong module path went unnoticed: $(grep -i pkcs11 charon.log | head -3)"
fi
grep -vE "^00.CFG. +(\(|[A-Z_0-9]+ [0-9])" charon.log.ok 2>/dev/null | tail -12
summary
