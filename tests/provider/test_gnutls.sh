#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# GnuTLS interoperability with kcrypt doing the record crypto on the
# OpenSSL side, both ways, for each suite of test_tls.sh:
#   gnutls-cli -> s_server: 1 MiB (+17) uploaded, 16 KiB (+17) downloaded
#     (-WWW; gnutls-cli writes what it receives one byte per write(2),
#     which inside user-mode-linux makes a megabyte take minutes)
#   s_client -> gnutls-serv --echo: 1.4 MB of base64 text sent and echoed back
# Payloads are compared byte for byte, and the OpenSSL side's count of
# encrypted records in its -msg trace must equal its kcrypt counter (with
# software fallback forbidden by the config).
# usage: test_gnutls.sh MODULE_DIR SOURCE_DIR   (inside a kernel with AF_ALG)
. "$(dirname "$0")/lib.sh"
moddir=$1 src=$2
command -v gnutls-cli > /dev/null && command -v gnutls-serv > /dev/null || {
    fail "gnutls-bin is not installed (tools/setup --tests installs it)"
    summary
    exit 1
}
work=$(mkwork gnutls)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
lo_up

OPENSSL_CONF=/dev/null openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem \
    -subj /CN=localhost -days 2 2>/dev/null || { fail "certificate"; summary; exit 1; }
mkdir www
head -c $((1024 * 1024 + 17)) /dev/urandom > www/payload.bin
size=$(wc -c < www/payload.bin)
head -c $((16 * 1024 + 17)) /dev/urandom > www/small.bin
dsize=$(wc -c < www/small.bin)
# gnutls-serv --echo works line by line: echo text (base64 of random bytes)
base64 -w 76 www/payload.bin > echo.txt
esize=$(wc -c < echo.txt)
mkconf k.cnf "$moddir" "$src" prefer nofallback
export OPENSSL_CONF=$work/k.cnf
openssl list -providers > /dev/null    # load the kernel modules before timing anything
mkfifo hold
exec 3<> hold
port=4530

records() {
    awk -v v="$1" '/RecordHeader/ { dir = $1; getline; t = $1
                     if (v == 13) { if (t == "17") n++ }
                     else { if (ccs[dir]) n++; if (t == "14") ccs[dir] = 1 } }
                   END { print n + 0 }' "$2"
}

proof() {
    local want got
    want=$(records "$2" "$4")
    got=$(stat "$5" "$3")
    if [ "$want" -gt 0 ] && [ "$want" = "$got" ]; then
        pass "  $1: $got records in kcrypt ($3), $want in the trace"
    else
        fail "  $1: trace has $want encrypted records, $3=$got"
    fi
}

# feed FILE OUT SIZE: FILE on stdout, then stay open until OUT has SIZE
# bytes (60 s at most), so the reader sees EOF only after the reply is in
feed() {
    cat "$1"
    for _ in $(seq 1 600); do
        [ "$(wc -c < "$2" 2>/dev/null || echo 0)" -ge "$3" ] && break
        sleep 0.1
    done
}

# run NAME VERSION COUNTER PRIORITY OPENSSL-FLAGS...
run() {
    local name=$1 v=$2 counter=$3 prio=$4
    shift 4
    local flags=("$@") spid

    # gnutls-cli downloads from s_server -WWW
    rm -f *.msg *.stats cli.out
    port=$((port + 1))
    (cd www && KCRYPT_STATS=$work/s.stats timeout 120 openssl s_server -accept 127.0.0.1:$port \
        -cert ../cert.pem -key ../key.pem "${flags[@]}" -WWW -naccept 1 \
        -msg -msgfile ../s.msg > ../srv.log 2>&1) &
    spid=$!
    if wait_port $port; then
        printf 'GET /small.bin HTTP/1.0\r\n\r\n' > get.txt
        feed get.txt cli.out $((dsize + 20)) |
            timeout 120 gnutls-cli --no-ca-verification --logfile=cli.log --priority "$prio" \
                -p $port 127.0.0.1 > cli.out 2> cli.err
        wait $spid
        if [ "$(wc -c < cli.out)" -gt "$dsize" ] && tail -c "$dsize" cli.out | cmp -s - www/small.bin; then
            pass "$name: s_server to gnutls-cli, $dsize bytes identical"
            proof "s_server" "$v" "$counter" s.msg s.stats
        else
            fail "$name: s_server to gnutls-cli: got $(wc -c < cli.out) bytes; $(tail -c 300 cli.err) $(grep -i error srv.log | head -2)"
        fi
    else
        fail "$name: s_server did not start: $(tail -c 300 srv.log)"
        kill $spid 2>/dev/null
    fi

    # gnutls-cli uploads to s_server
    rm -f *.msg *.stats srv.out
    port=$((port + 1))
    KCRYPT_STATS=$work/s.stats timeout 120 openssl s_server -accept 127.0.0.1:$port -cert cert.pem \
        -key key.pem "${flags[@]}" -quiet -naccept 1 -msg -msgfile s.msg > srv.out 2> srv.log < hold &
    spid=$!
    if wait_port $port; then
        timeout 120 gnutls-cli --no-ca-verification --logfile=cli.log --priority "$prio" \
            -p $port 127.0.0.1 < www/payload.bin > cli.out 2> cli.err
        wait $spid
        if cmp -s srv.out www/payload.bin; then
            pass "$name: gnutls-cli to s_server, $size bytes identical"
            proof "s_server" "$v" "$counter" s.msg s.stats
        else
            fail "$name: gnutls-cli to s_server: server got $(wc -c < srv.out) bytes; $(tail -c 300 cli.err) $(tail -c 200 srv.log)"
        fi
    else
        fail "$name: s_server did not start: $(tail -c 300 srv.log)"
        kill $spid 2>/dev/null
    fi

    # s_client sends to gnutls-serv --echo and reads it back
    rm -f *.msg *.stats cli.out
    port=$((port + 1))
    timeout 120 gnutls-serv --echo -q --x509certfile=cert.pem --x509keyfile=key.pem \
        --priority "$prio" -p $port > gs.log 2>&1 &
    spid=$!
    if wait_port $port; then
        feed echo.txt cli.out "$esize" |
            KCRYPT_STATS=$work/c.stats timeout 120 openssl s_client -connect 127.0.0.1:$port \
                "${flags[@]}" -quiet -no_ign_eof -nocommands -msg -msgfile c.msg \
                > cli.out 2> cli.err
        if cmp -s cli.out echo.txt; then
            pass "$name: s_client to gnutls-serv and back, $esize bytes identical"
            proof "s_client" "$v" "$counter" c.msg c.stats
        else
            fail "$name: s_client via gnutls-serv: got $(wc -c < cli.out) bytes back; $(grep -i error cli.err | head -2) $(tail -c 200 gs.log)"
        fi
    else
        fail "$name: gnutls-serv did not start: $(tail -c 300 gs.log)"
    fi
    kill $spid 2>/dev/null
    wait $spid 2>/dev/null
}

t13="NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL"
t12="NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+ECDHE-RSA:-CIPHER-ALL"
run "TLS 1.3 TLS_AES_128_GCM_SHA256" 13 kcrypt-aead-records "$t13:+AES-128-GCM" \
    -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256
run "TLS 1.3 TLS_AES_256_GCM_SHA384" 13 kcrypt-aead-records "$t13:+AES-256-GCM" \
    -tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384
run "TLS 1.3 TLS_CHACHA20_POLY1305_SHA256" 13 kcrypt-aead-records "$t13:+CHACHA20-POLY1305" \
    -tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256
run "TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256" 12 kcrypt-aead-tls-records "$t12:+AES-128-GCM" \
    -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
run "TLS 1.2 ECDHE-RSA-AES256-GCM-SHA384" 12 kcrypt-aead-tls-records "$t12:+AES-256-GCM" \
    -tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384
run "TLS 1.2 ECDHE-RSA-CHACHA20-POLY1305" 12 kcrypt-aead-tls-records "$t12:+CHACHA20-POLY1305" \
    -tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305
run "TLS 1.2 ECDHE-RSA-AES128-SHA256" 12 kcrypt-cipher-tls-records \
    "$t12:+AES-128-CBC:-MAC-ALL:+SHA256" -tls1_2 -cipher ECDHE-RSA-AES128-SHA256

summary
