#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A multi-part AEAD message costs the kernel O(message), not O(updates *
# message): aead_stream_probe sends one message in n data updates of 1 KiB
# (encrypt, decrypt, decrypt with a bad tag), under strace; the bytes all
# sendmsg calls carry are summed. With n = 8 and n = 64 the bytes must grow
# about 8 times (linear), not 64 times (each update redoing the message so
# far, which ChaCha20-Poly1305 did). The probe also checks every byte and
# tag against the default provider.
# usage: test_aead_linear.sh PROBE MODULE_DIR   (inside a kernel with AF_ALG)
probe=$1 moddir=$2
command -v strace > /dev/null || { echo "FAIL: strace is not installed"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0

# sent CIPHER N: bytes given to the kernel by sendmsg for one probe run
sent() {
    KCRYPT_IO_URING=0 strace -f -qq -e trace=sendmsg -e signal=none -o "$work/st" \
        "$probe" "$moddir" "$1" "$2" 1024 || { echo "FAIL $1: probe failed with $2 updates" >&2; return 1; }
    awk '/^[0-9]+ +sendmsg|^sendmsg/ && / = [0-9]+$/ { s += $NF } END { print s + 0 }' "$work/st"
}

for alg in ChaCha20-Poly1305 AES-256-GCM; do
    small=$(sent "$alg" 8) || { fails=$((fails + 1)); continue; }
    large=$(sent "$alg" 64) || { fails=$((fails + 1)); continue; }
    # 3 messages per run (encrypt, decrypt, bad tag): per update of the message
    echo "$alg: 8 updates: $small bytes sent ($((small / 24)) per update);" \
         "64 updates: $large bytes sent ($((large / 192)) per update); ratio" \
         "$(awk -v a="$large" -v b="$small" 'BEGIN { printf "%.1f", a / b }') (linear: 8, quadratic: 64)"
    if [ "$small" -le 0 ] || [ $((large * 10)) -gt $((small * 8 * 15)) ]; then
        echo "FAIL $alg: kernel bytes grow faster than the message ($small -> $large)"
        fails=$((fails + 1))
    fi
done
[ "$fails" -eq 0 ] && echo "PASS: multi-part AEAD is linear" && exit 0
exit 1
