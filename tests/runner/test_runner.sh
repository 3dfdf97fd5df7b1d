#!/bin/bash
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
fi
echo "$passes passed, $fails failed"
[ $fails = 0 ] && [ $passes -gt 0 ]
