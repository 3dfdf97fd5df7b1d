#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The openssl command line with kcrypt: enc, dgst and mac give the same
# output as with the default provider (and the counters show kcrypt did the
# work), rand draws from the kernel DRBG when the config makes it the random
# source, and speed runs. A sample of algorithms: each openssl start costs
# seconds inside user-mode-linux, and test_evp covers every algorithm.
# usage: test_cli.sh MODULE_DIR SOURCE_DIR   (inside a kernel with AF_ALG)
. "$(dirname "$0")/lib.sh"
moddir=$1 src=$2
work=$(mkwork cli)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

mkconf k.cnf "$moddir" "$src"
mkconf kr.cnf "$moddir" "$src" rand
export OPENSSL_CONF=$work/k.cnf
# Process start-up dominates inside user-mode-linux: few commands, each
# doing real work. Key material comes from one read of /dev/urandom.
sizes="0 17 65536 100003"
for n in $sizes; do head -c "$n" /dev/urandom > "d.$n"; done
hex=$(head -c 512 /dev/urandom | od -An -tx1 | tr -d ' \n')
h=0
hexbytes() { echo "${hex:$h:$(($1 * 2))}"; h=$((h + $1 * 2)); }

# kc COUNTER COMMAND ARGS...: the command with provider=kcrypt, output to
# k.out; the counter must have moved unless the input was empty
kc() {
    local counter=$1 cmd=$2
    shift 2
    rm -f stats
    KCRYPT_STATS=$work/stats timeout 120 openssl "$cmd" -propquery provider=kcrypt "$@" \
        > k.out 2> k.err || return 1
    [ "$(stat stats "$counter")" -gt 0 ] || [ "$n" = 0 ]
}
ref() {
    local cmd=$1
    shift
    timeout 120 openssl "$cmd" -propquery provider=default "$@" > d.out 2> d.err
}
same() { cmp -s k.out d.out; }

# openssl list: the provider's name, version and status, and exactly the
# algorithms of common/'s table that this kernel has. The full set is
# below; "kcrypt info" says how many of its algorithms the kernel has, and
# only when it has them all must the lists match to the name.
want_ciphers="AES-128-CBC AES-128-CBC-CTS AES-192-CBC-CTS AES-256-CBC-CTS AES-128-CCM AES-128-CTR AES-128-ECB AES-128-GCM AES-128-WRAP AES-128-WRAP-PAD
AES-128-XTS AES-192-CBC AES-192-CCM AES-192-CTR AES-192-ECB AES-192-GCM AES-192-WRAP AES-192-WRAP-PAD
AES-192-XTS AES-256-CBC AES-256-CCM AES-256-CTR AES-256-ECB AES-256-GCM AES-256-WRAP AES-256-WRAP-PAD
AES-256-XTS CHACHA20-POLY1305 DES-EDE3 DES-EDE3-CBC"
# ofb(aes)/cfb(aes) left the kernel in 6.7: offered on earlier kernels only
case $(uname -r) in
    [1-5].* | 6.[0-6].* | 6.[0-6])
        want_ciphers="$want_ciphers AES-128-CFB AES-128-OFB AES-192-CFB AES-192-OFB AES-256-CFB
AES-256-OFB" ;;
esac
want_digests="SHA-1 SHA-224 SHA-256 SHA-384 SHA-512 SHA3-224 SHA3-256 SHA3-384 SHA3-512"
want_macs="CMAC HMAC"
want_rands="KCRYPT-DRBG"
# kcrypt's names in one "openssl list" section, one per line, canonical
# (the first name that is not an OID or an id-... alias), sorted
listed() {
    openssl list "$1" -provider kcrypt 2>/dev/null | grep "@ kcrypt" |
        sed -e 's/ @ kcrypt//' -e 's/[{}]//g' |
        awk -F', *' '{ for (i = 1; i <= NF; i++) { n = $i; gsub(/^ +| +$/, "", n)
                         if (n ~ /^[0-9.]+$/ || n ~ /^id-/) continue
                         print toupper(n); break } }' | sort
}
sorted() { tr ' \n' '\n\n' <<< "$1" | grep . | sort; }
info=$(timeout 60 "$moddir/../tools/kcrypt" info 2>/dev/null | sed -n 's/^\([0-9]*\) of \([0-9]*\) algorithms available.*/\1 \2/p')
full=0
[ -n "$info" ] && [ "${info% *}" = "${info#* }" ] && full=1
[ -n "$info" ] || fail "kcrypt info (next to the module, $moddir/../tools/kcrypt) did not run"
provs=$(openssl list -providers 2>&1)
if grep -q "name: kcrypt" <<< "$provs" && grep -A3 "^  kcrypt" <<< "$provs" | grep -q "version: [0-9]" &&
   grep -A3 "^  kcrypt" <<< "$provs" | grep -q "status: active"; then
    pass "list -providers: $(grep -A3 '^  kcrypt' <<< "$provs" | tr -s ' \n' ' ')"
else
    fail "list -providers: $provs"
fi
for sec in "-cipher-algorithms:$want_ciphers" "-digest-algorithms:$want_digests" \
           "-mac-algorithms:$want_macs" "-random-generators:$want_rands"; do
    # files, not <(...): user-mode-linux's /dev has no /dev/fd
    listed "${sec%%:*}" > got.lst
    sorted "${sec#*:}" > want.lst
    got=$(cat got.lst)
    extra=$(comm -23 got.lst want.lst | tr '\n' ' ') || extra="(comm failed)"
    missing=$(comm -13 got.lst want.lst | tr '\n' ' ') || missing="(comm failed)"
    if [ -n "$got" ] && [ -z "$extra" ] && { [ -z "$missing" ] || [ $full = 0 ]; }; then
        pass "list ${sec%%:*} -provider kcrypt: $(echo "$got" | wc -l) names${missing:+ (kernel lacks: $missing)}"
    else
        fail "list ${sec%%:*}: unexpected '$extra', missing '$missing' (kcrypt info: ${info:-?})"
    fi
done

for case in "aes-128-cbc 17" "aes-256-cbc -nopad 65536" "aes-192-ecb 100003" "aes-256-ctr 100003"; do
    set -- $case
    c=$1 pad="" n=${!#}
    [ $# = 3 ] && pad=$2
    bits=${c#aes-}
    bits=${bits%%-*}
    ivarg=(-iv "$(hexbytes 16)")
    [ "${c##*-}" = ecb ] && ivarg=()
    key=$(hexbytes $((bits / 8)))
    args=(-"$c" -K "$key" "${ivarg[@]}" $pad)
    if kc kcrypt-cipher-ops enc "${args[@]}" -in "d.$n" && ref enc "${args[@]}" -in "d.$n" && same; then
        cp k.out ct
        if kc kcrypt-cipher-ops enc -d "${args[@]}" -in ct && cmp -s k.out "d.$n"; then
            pass "enc $c $pad $n bytes, same as default, and back"
        else
            fail "enc -d $c $pad $n bytes: $(head -c 300 k.err)"
        fi
    else
        fail "enc $c $pad $n bytes: $(head -c 300 k.err)"
    fi
done

files=(d.0 d.17 d.100003)
n=3
for md in sha1 sha256 sha512 sha3-256; do
    if kc kcrypt-digest-ops dgst -"$md" -r "${files[@]}" && ref dgst -"$md" -r "${files[@]}" && same; then
        pass "dgst $md on 0, 17 and 100003 bytes: $(head -c 16 k.out)..."
    else
        fail "dgst $md: $(head -c 300 k.err)"
    fi
done

for case in "SHA256 100003" "SHA3-512 17"; do
    set -- $case
    md=$1 n=$2
    args=(-digest "$md" -macopt "hexkey:$(hexbytes 40)" -in "d.$n" HMAC)
    if kc kcrypt-mac-ops mac "${args[@]}" && ref mac "${args[@]}" && same; then
        pass "mac HMAC-$md $n bytes: $(head -c 16 k.out)..."
    else
        fail "mac HMAC-$md $n bytes: $(head -c 300 k.err)"
    fi
done
for case in "256 100003"; do
    set -- $case
    bits=$1 n=$2
    args=(-cipher "AES-$bits-CBC" -macopt "hexkey:$(hexbytes $((bits / 8)))" -in "d.$n" CMAC)
    if kc kcrypt-mac-ops mac "${args[@]}" && ref mac "${args[@]}" && same; then
        pass "mac CMAC AES-$bits $n bytes: $(head -c 16 k.out)..."
    else
        fail "mac CMAC AES-$bits $n bytes: $(head -c 300 k.err)"
    fi
done

# The kernel DRBG as OpenSSL's random source ([random] in the config).
rm -f stats
a=$(OPENSSL_CONF=$work/kr.cnf KCRYPT_STATS=$work/stats timeout 60 openssl rand -hex 64)
b=$(OPENSSL_CONF=$work/kr.cnf KCRYPT_STATS=$work/stats timeout 60 openssl rand -hex 64)
got=$(stat stats kcrypt-rand-bytes)
if [ ${#a} = 128 ] && [ ${#b} = 128 ] && [ "$a" != "$b" ] && [ "$got" -ge 128 ]; then
    pass "rand -hex 64 from KCRYPT-DRBG ($got bytes from the kernel)"
else
    fail "rand: '$a' '$b', kcrypt-rand-bytes=$got"
fi
OPENSSL_CONF=$work/kr.cnf timeout 60 openssl rand -out r.bin 100000 &&
    check "rand -out 100000 bytes" [ "$(wc -c < r.bin)" = 100000 ]

# speed: a short run per path, kcrypt doing the work.
speed() {
    local counter=$1
    shift
    rm -f stats
    KCRYPT_STATS=$work/stats timeout 120 openssl speed -provider kcrypt -propquery provider=kcrypt \
        -seconds 1 -bytes 16384 "$@" > k.out 2> k.err && grep -q "16384 bytes\|^[a-zA-Z0-9-]* *[0-9.]*k" k.out &&
        [ "$(stat stats "$counter")" -gt 0 ]
}
for alg in "-evp aes-128-gcm:kcrypt-aead-records" "-aead -evp chacha20-poly1305:kcrypt-aead-records" \
           "-evp aes-128-cbc:kcrypt-cipher-ops" "-evp sha256:kcrypt-digest-ops"; do
    if speed "${alg#*:}" ${alg%:*}; then
        pass "speed ${alg%:*}: $(grep -v '^ *$' k.out | tail -1)"
    else
        fail "speed ${alg%:*}: $(tail -c 400 k.err)"
    fi
done
summary
