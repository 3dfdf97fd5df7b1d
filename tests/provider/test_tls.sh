#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# TLS with kcrypt doing the record crypto on both ends: openssl s_server and
# s_client, for each suite a 1 MiB (+17 bytes) payload downloaded (server
# -WWW) and uploaded (client stdin to server stdout), compared byte for
# byte. Proof that kcrypt handled every record: each process's count of
# encrypted records in its own -msg trace equals its kcrypt counter, and the
# config forbids any software fallback.
# usage: test_tls.sh MODULE_DIR SOURCE_DIR   (inside a kernel with AF_ALG)
. "$(dirname "$0")/lib.sh"
moddir=$1 src=$2
work=$(mkwork tls)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
lo_up

# the test's certificate comes from the default provider alone
OPENSSL_CONF=/dev/null openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem \
    -subj /CN=localhost -days 2 2>/dev/null || { fail "certificate"; summary; exit 1; }
mkdir www
head -c $((1024 * 1024 + 17)) /dev/urandom > www/payload.bin
size=$(wc -c < www/payload.bin)

mkconf k.cnf "$moddir" "$src" prefer nofallback
export OPENSSL_CONF=$work/k.cnf
# the first use of each kernel module loads it; do that before any timing
openssl list -providers > /dev/null
# s_server sends what it reads on stdin and stops at its EOF: give it a
# FIFO whose writer (fd 3 here) stays open
mkfifo hold
exec 3<> hold
port=4430

# records VERSION MSGFILE: encrypted records (both directions) in a -msg trace.
# TLS 1.3: every record of outer type application_data (0x17); TLS 1.2:
# every record after the ChangeCipherSpec in its direction.
records() {
    awk -v v="$1" '/RecordHeader/ { dir = $1; getline; t = $1
                     if (v == 13) { if (t == "17") n++ }
                     else { if (ccs[dir]) n++; if (t == "14") ccs[dir] = 1 } }
                   END { print n + 0 }' "$2"
}

# proof ROLE VERSION COUNTER MSGFILE STATSFILE
proof() {
    local want got soft
    want=$(records "$2" "$4")
    got=$(stat "$5" "$3")
    soft=$(stat "$5" kcrypt-software-ops)
    if [ "$want" -gt 0 ] && [ "$want" = "$got" ]; then
        pass "  $1: $got records in kcrypt ($3), $want in the trace, software ops $soft"
    else
        fail "  $1: trace has $want encrypted records, $3=$got"
    fi
}

# run NAME VERSION COUNTER OPENSSL-FLAGS...
run() {
    local name=$1 v=$2 counter=$3
    shift 3
    local flags=("$@")
    rm -f *.msg *.stats srv.out cli.out
    port=$((port + 1))

    # download: the server encrypts the file, the client decrypts it
    (cd www && KCRYPT_STATS=$work/s.stats timeout 120 openssl s_server -accept $port \
        -cert ../cert.pem -key ../key.pem "${flags[@]}" -WWW -naccept 1 \
        -msg -msgfile ../s.msg > ../srv.log 2>&1) &
    local spid=$!
    if ! wait_port $port; then
        fail "$name: server did not start: $(tail -c 300 srv.log)"
        kill $spid 2>/dev/null
        return
    fi
    printf 'GET /payload.bin HTTP/1.0\r\n\r\n' |
        KCRYPT_STATS=$work/c.stats timeout 120 openssl s_client -connect 127.0.0.1:$port \
            "${flags[@]}" -quiet -msg -msgfile c.msg > cli.out 2> cli.err
    wait $spid
    if [ "$(wc -c < cli.out)" -gt "$size" ] && tail -c "$size" cli.out | cmp -s - www/payload.bin; then
        pass "$name: server to client, $size bytes identical"
        proof "server" "$v" "$counter" s.msg s.stats
        proof "client" "$v" "$counter" c.msg c.stats
    else
        fail "$name: download: got $(wc -c < cli.out) bytes; $(grep -i error cli.err srv.log | head -3)"
    fi

    # upload: the client encrypts stdin, the server decrypts to stdout
    rm -f *.msg *.stats
    port=$((port + 1))
    KCRYPT_STATS=$work/s.stats timeout 120 openssl s_server -accept $port -cert cert.pem \
        -key key.pem "${flags[@]}" -quiet -naccept 1 -msg -msgfile s.msg > srv.out 2> srv.log \
        < hold &
    spid=$!
    if ! wait_port $port; then
        fail "$name: server did not start: $(tail -c 300 srv.log)"
        kill $spid 2>/dev/null
        return
    fi
    KCRYPT_STATS=$work/c.stats timeout 120 openssl s_client -connect 127.0.0.1:$port \
        "${flags[@]}" -quiet -no_ign_eof -nocommands -msg -msgfile c.msg < www/payload.bin > cli.out 2> cli.err
    wait $spid
    if cmp -s srv.out www/payload.bin; then
        pass "$name: client to server, $size bytes identical"
        proof "server" "$v" "$counter" s.msg s.stats
        proof "client" "$v" "$counter" c.msg c.stats
    else
        fail "$name: upload: server got $(wc -c < srv.out) bytes; $(grep -i error cli.err srv.log | head -3)"
    fi
}

for s in TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256; do
    run "TLS 1.3 $s" 13 kcrypt-aead-records -tls1_3 -ciphersuites "$s"
done
for s in ECDHE-RSA-AES128-GCM-SHA256 ECDHE-RSA-AES256-GCM-SHA384 ECDHE-RSA-CHACHA20-POLY1305; do
    run "TLS 1.2 $s" 12 kcrypt-aead-tls-records -tls1_2 -cipher "$s"
done
# Encrypt-then-MAC, as OpenSSL and GnuTLS negotiate by default. (Without
# it libssl prefers OpenSSL's stitched AES-CBC-HMAC-SHA256 cipher, which
# only the default provider has.)
run "TLS 1.2 ECDHE-RSA-AES128-SHA256" 12 kcrypt-cipher-tls-records -tls1_2 \
    -cipher ECDHE-RSA-AES128-SHA256

summary
