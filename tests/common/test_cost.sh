#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Syscalls per one-shot operation, counted by strace over the whole process:
# (all syscalls with 2N ops - all syscalls with N ops) / N must be 2 (one
# sendmsg carrying op, IV, AAD length and data; one read), or 1 on the
# io_uring path. N against 2N: the first operation's set-up (an io_uring
# ring) cancels out.
set -u
probe=$1
n=200
# KCRYPT_IO_URING=1: send and read go in one io_uring_enter
per_op=2
[ "${KCRYPT_IO_URING:-0}" = 1 ] && per_op=1
fails=0 passes=0
# mktemp, not $$: every user-mode guest numbers its processes from 1, and
# two guests share the host's /tmp
out=$(mktemp "${TMPDIR:-/tmp}/kcrypt-cost.XXXXXX")
trap 'rm -f "$out"' EXIT
for alg in AES-CBC AES-CTR AES-GCM AES-CCM ChaCha20-Poly1305 SHA-256 HMAC-SHA256 CMAC-AES; do
    # the "total" row is: % time, seconds, usecs/call, calls, [errors,] total
    base=$(strace -f -c -o "$out" "$probe" "$alg" $n >/dev/null 2>&1; awk '$NF=="total"{print $4}' "$out")
    busy=$(strace -f -c -o "$out" "$probe" "$alg" $((2 * n)) >/dev/null 2>&1; awk '$NF=="total"{print $4}' "$out")
    if [ -z "$base" ] || [ -z "$busy" ]; then
        echo "FAIL  $alg: strace gave no count"; fails=$((fails + 1)); continue
    fi
    per=$(( (busy - base) ))
    if [ "$per" = $((per_op * n)) ]; then
        echo "pass  $alg: $((busy - base)) syscalls for $n operations = $per_op per operation"
        passes=$((passes + 1))
    else
        echo "FAIL  $alg: $((busy - base)) syscalls for $n operations, want $((per_op * n))"
        fails=$((fails + 1))
    fi
done
echo "$passes passed, $fails failed"
[ $fails = 0 ] && [ $passes -gt 0 ]
