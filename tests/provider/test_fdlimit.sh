#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kcrypt short of fds (issue 13 item 9): test_fdlimit's 100 live contexts at
# RLIMIT_NOFILE 40, then TLS with kcrypt preferred on both ends, server and
# client each at ulimit -n 16: a 64 KiB download compared byte for byte, for
# TLS 1.3 and TLS 1.2. What finds no socket runs in software.
# usage: test_fdlimit.sh TEST_FDLIMIT MODULE_DIR SOURCE_DIR   (inside a kernel with AF_ALG)
. "$(dirname "$0")/lib.sh"
prog=$1 moddir=$2 src=$3
work=$(mkwork fdlimit)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

"$prog" "$moddir" > "$work/prog.out" 2>&1
grep -E '^(pass|FAIL)  ' "$work/prog.out"
KCP_PASS=$(grep -c '^pass  ' "$work/prog.out")
KCP_FAIL=$(grep -c '^FAIL  ' "$work/prog.out")
grep -q ' passed, 0 failed$' "$work/prog.out" || { [ "$KCP_FAIL" -gt 0 ] || fail "test_fdlimit: $(tail -3 "$work/prog.out")"; }

cd "$work" || exit 1
lo_up
OPENSSL_CONF=/dev/null openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem \
    -subj /CN=localhost -days 2 2>/dev/null || { fail "certificate"; summary; exit 1; }
mkdir www
head -c 65536 /dev/urandom > www/payload.bin
size=$(wc -c < www/payload.bin)
mkconf k.cnf "$moddir" "$src" prefer
export OPENSSL_CONF=$work/k.cnf
port=4630
for v in tls1_3 tls1_2; do
    port=$((port + 1))
    rm -f s.stats c.stats
    (cd www && ulimit -n 16 && KCRYPT_STATS=$work/s.stats exec timeout 60 openssl s_server \
        -accept $port -cert ../cert.pem -key ../key.pem -$v -WWW -naccept 1 > ../srv.log 2>&1) &
    spid=$!
    if ! wait_port $port; then
        fail "$v at ulimit -n 16: server did not start: $(tail -c 300 srv.log)"
        continue
    fi
    printf 'GET /payload.bin HTTP/1.0\r\n\r\n' |
        (ulimit -n 16 && KCRYPT_STATS=$work/c.stats exec timeout 60 openssl s_client \
            -connect 127.0.0.1:$port -$v -quiet) > cli.out 2> cli.err
    wait $spid
    if [ "$(wc -c < cli.out)" -gt "$size" ] && tail -c "$size" cli.out | cmp -s - www/payload.bin; then
        pass "$v at ulimit -n 16 on both ends: $size bytes identical (records in kcrypt:" \
             "$(stat s.stats kcrypt-aead-records)+$(stat s.stats kcrypt-aead-tls-records) server," \
             "software ops $(stat s.stats kcrypt-software-ops) server, $(stat c.stats kcrypt-software-ops) client)"
    else
        fail "$v at ulimit -n 16: got $(wc -c < cli.out) bytes; $(grep -i error cli.err srv.log | head -3)"
    fi
done
summary
