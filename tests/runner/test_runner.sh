#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The kernel runner's contract: output and exit status come back, the time
# bound holds, and with no kernel to start it fails loudly (status 125).
# usage: test_runner.sh RUNNER host|kernel
set -u
runner=$1
fails=0 passes=0
check() {
    if eval "$2"; then passes=$((passes + 1)); echo "pass  $1"
    else fails=$((fails + 1)); echo "FAIL  $1"; fi
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

if [ "$2" = host ]; then
    KCRYPT_UML=/nonexistent/linux.uml "$runner" --mode uml -- true > "$tmp/out" 2> "$tmp/err"
    rc=$?
    check "no kernel: exit status 125" '[ $rc = 125 ]'
    check "no kernel: says why" 'grep -q "no kernel with AF_ALG" "$tmp/err"'
    "$runner" --kernel 5.4 -- true > /dev/null 2> "$tmp/err"
    rc=$?
    check "unknown kernel: usage error (2), naming it" '[ $rc = 2 ] && grep -q "5.4" "$tmp/err"'
    KCRYPT_UML=$(command -v linux.uml) "$runner" --kernel 6.12 -- true > /dev/null 2> "$tmp/err"
    rc=$?
    check "a binary of the wrong version is refused (125)" '[ $rc = 125 ] && grep -q "asked for kernel 6.12" "$tmp/err"'
else
    "$runner" -- sh -c 'echo to-stdout; echo to-stderr >&2; exit 7' > "$tmp/out" 2> "$tmp/err"
    rc=$?
    check "exit status passes back" '[ $rc = 7 ]'
    check "stdout passes back" 'grep -qx to-stdout "$tmp/out"'
    check "stderr passes back apart" 'grep -qx to-stderr "$tmp/err" && ! grep -q to-stderr "$tmp/out"'
    "$runner" --timeout 20 -- sleep 300 > /dev/null 2> "$tmp/err"
    rc=$?
    check "time bound: exit status 124" '[ $rc = 124 ]'
    "$runner" -- perl -e 'socket(my $s, 38, 5, 0) or exit 1' 2>/dev/null
    rc=$?
    check "the kernel has AF_ALG" '[ $rc = 0 ]'
    # The kernel asked for (KCRYPT_KERNEL, as test-all sets it) is the one that ran.
    case "${KCRYPT_KERNEL:-auto}" in
        6.1|6.12)
            r=$("$runner" -- uname -r 2>/dev/null)
            check "kernel ${KCRYPT_KERNEL} asked for, $r ran" 'case "$r" in "$KCRYPT_KERNEL".*) true;; *) false;; esac' ;;
    esac
    # --block refuses the AEAD interface (a module on 6.1, an initcall on
    # 6.12) and nothing else: bind(2) to "aead"/"gcm(aes)" fails, "skcipher" binds.
    bind='socket(my $s, 38, 5, 0) or exit 2;
          bind($s, pack("S a14 L L a64", 38, $ARGV[0], 0, 0, $ARGV[1])) or exit 1; exit 0'
    "$runner" --block algif_aead -- sh -c "perl -e '$bind' aead 'gcm(aes)'; echo aead=\$?;
                                           perl -e '$bind' skcipher 'cbc(aes)'; echo skcipher=\$?" \
        > "$tmp/out" 2>/dev/null
    check "--block algif_aead: no AEAD binds" 'grep -qx aead=1 "$tmp/out"'
    check "--block algif_aead: ciphers still bind" 'grep -qx skcipher=0 "$tmp/out"'
    "$runner" -- perl -e "$bind" aead 'gcm(aes)' 2>/dev/null
    rc=$?
    check "without --block the AEAD binds" '[ $rc = 0 ]'
fi
echo "$passes passed, $fails failed"
[ $fails = 0 ] && [ $passes -gt 0 ]
