#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The kcrypt config section: bad values stop the provider from loading with
# a message naming the key and the value; good ones take effect.
# usage: test_config.sh MODE MODULE_DIR SOURCE_DIR
#   MODE host:   parsing only (no AF_ALG needed)
#   MODE kernel: also driver pinning, algorithm groups and the size floor
. "$(dirname "$0")/lib.sh"
mode=$1 moddir=$2 src=$3
work=$(mkwork config)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# bad KEY VALUE [more config lines...]: kcrypt must not load and must say
# which key and value are wrong
bad() {
    local key=$1 value=$2
    shift 2
    mkconf b.cnf "$moddir" "$src" "set:$key = $value" "$@"
    OPENSSL_CONF=$work/b.cnf openssl list -providers > out.txt 2> err.txt
    if grep -q "^  kcrypt" out.txt; then
        fail "$key = $value: kcrypt loaded anyway"
    elif grep -qF "$key = \"$value\"" err.txt; then
        pass "$key = $value refused: $(grep -m1 -F "$key" err.txt | cut -c1-160)"
    else
        fail "$key = $value: no message naming it: $(head -c 300 err.txt)"
    fi
}

bad min-size abc
bad min-size 12x
bad algorithms "digests,bogus"
bad disable "AES-GCM,nothing"
bad software-fallback maybe
bad min-size 1k "set:software-fallback = no"

[ "$mode" = kernel ] || { summary; exit; }

bad driver.AES-GCM no-such-driver
bad driver.SHA-256 "sha512-generic"

offered() { OPENSSL_CONF=$work/g.cnf openssl list "-$1-algorithms" 2> /dev/null | grep -c "@ kcrypt"; }
mkconf g.cnf "$moddir" "$src" "set:algorithms = digests"
check "algorithms = digests: $(offered digest) digests, $(offered cipher) ciphers" \
    [ "$(offered digest)" = 9 ] && [ "$(offered cipher)" = 0 ]
mkconf g.cnf "$moddir" "$src" "set:disable = aead, rand, SHA-1"
check "disable = aead, rand, SHA-1" \
    sh -c "[ $(offered digest) = 8 ] && ! OPENSSL_CONF=$work/g.cnf openssl list -cipher-algorithms 2>/dev/null | grep '@ kcrypt' | grep -qi 'gcm\|ccm\|chacha'"

head -c 100003 /dev/urandom > big
head -c 100 /dev/urandom > small
mkconf g.cnf "$moddir" "$src" "set:driver.SHA-256 = sha256-generic"
rm -f st
check "driver.SHA-256 = sha256-generic serves dgst" sh -c "
    [ \"\$(OPENSSL_CONF=$work/g.cnf KCRYPT_STATS=$work/st openssl dgst -propquery provider=kcrypt -sha256 -r big)\" = \
      \"\$(OPENSSL_CONF=/dev/null openssl dgst -sha256 -r big)\" ]" 
check "  ... through the kernel" [ "$(stat st kcrypt-digest-ops)" -gt 0 ]

mkconf g.cnf "$moddir" "$src" "set:min-size = 1k"
for f in small big; do
    rm -f st
    got=$(OPENSSL_CONF=$work/g.cnf KCRYPT_STATS=$work/st openssl dgst -propquery provider=kcrypt -sha256 -r $f)
    want=$(OPENSSL_CONF=/dev/null openssl dgst -sha256 -r $f)
    soft=$(stat st kcrypt-software-ops) kern=$(stat st kcrypt-digest-ops)
    if [ $f = small ]; then by_soft=1; else by_soft=0; fi
    if [ "$got" = "$want" ] && { { [ $by_soft = 1 ] && [ "$soft" -gt 0 ] && [ "$kern" = 0 ]; } ||
                                 { [ $by_soft = 0 ] && [ "$soft" = 0 ] && [ "$kern" -gt 0 ]; }; }; then
        pass "min-size = 1k: $(wc -c < $f)-byte digest by $([ $f = small ] && echo software || echo the kernel)"
    else
        fail "min-size = 1k, $f: software $soft, kernel $kern, digest ok: $([ "$got" = "$want" ] && echo yes || echo no)"
    fi
done

summary
