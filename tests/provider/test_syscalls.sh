#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# What a TLS record costs in syscalls with kcrypt: strace -f -c counts the
# AF_ALG calls (sendmsg carries a request, readv collects the result;
# OpenSSL's TCP I/O uses read/write) of s_server and s_client moving 1 MiB
# and then 2 MiB. The difference, divided by the difference in records
# (from each side's -msg trace), is the cost of one record, handshake and
# set-up cancelled out. It must be exactly one sendmsg and one readv.
# usage: test_syscalls.sh MODULE_DIR SOURCE_DIR   (inside a kernel with AF_ALG)
. "$(dirname "$0")/lib.sh"
moddir=$1 src=$2
command -v strace > /dev/null || { fail "strace is not installed"; summary; exit 1; }
work=$(mkwork syscalls)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
lo_up
OPENSSL_CONF=/dev/null openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem \
    -subj /CN=localhost -days 2 2> /dev/null
mkdir www
head -c $((1024 * 1024)) /dev/urandom > www/1.bin
cat www/1.bin www/1.bin > www/2.bin
# OpenSSL's DRBG stays in the default provider: its AES-CTR would otherwise
# come from kcrypt, and its requests vary from run to run
mkconf k.cnf "$moddir" "$src" prefer drbg-default nofallback
export OPENSSL_CONF=$work/k.cnf
openssl list -providers > /dev/null
port=4800

records() {
    awk -v v="$1" '/RecordHeader/ { dir = $1; getline; t = $1
                     if (v == 13) { if (t == "17") n++ }
                     else { if (ccs[dir]) n++; if (t == "14") ccs[dir] = 1 } }
                   END { print n + 0 }' "$2"
}
calls() { awk -v s="$2" '$NF == s { print $4 }' "$1" | head -1 | awk '{ print $1 + 0 }'; }

# measure FILE VERSION FLAGS...: sets s_send s_read s_rec c_send c_read c_rec
measure() {
    local file=$1 v=$2
    shift 2
    port=$((port + 1))
    rm -f *.msg *.st
    (cd www && timeout 120 strace -f -c -o ../s.st openssl s_server -accept 127.0.0.1:$port \
        -cert ../cert.pem -key ../key.pem "$@" -WWW -naccept 1 -msg -msgfile ../s.msg \
        > ../srv.log 2>&1) &
    wait_port $port || return 1
    printf 'GET /%s HTTP/1.0\r\n\r\n' "$file" |
        timeout 120 strace -f -c -o c.st openssl s_client -connect 127.0.0.1:$port "$@" -quiet \
            -msg -msgfile c.msg > cli.out 2> /dev/null
    wait
    s_send=$(calls s.st sendmsg) s_read=$(calls s.st readv) s_rec=$(records "$v" s.msg)
    c_send=$(calls c.st sendmsg) c_read=$(calls c.st readv) c_rec=$(records "$v" c.msg)
}

# per_record NAME VERSION FLAGS...
per_record() {
    local name=$1 v=$2
    shift 2
    measure 1.bin "$v" "$@" || { fail "$name: server did not start"; return; }
    local a=("$s_send" "$s_read" "$s_rec" "$c_send" "$c_read" "$c_rec")
    measure 2.bin "$v" "$@" || { fail "$name: server did not start"; return; }
    local b=("$s_send" "$s_read" "$s_rec" "$c_send" "$c_read" "$c_rec")
    local side i=0
    for side in server client; do
        local ds=$((b[i] - a[i])) dr=$((b[i + 1] - a[i + 1])) dn=$((b[i + 2] - a[i + 2]))
        if [ "$dn" -gt 0 ] && [ "$ds" = "$dn" ] && [ "$dr" = "$dn" ]; then
            pass "$name, $side: $dn more records cost $ds sendmsg + $dr readv: 1 + 1 per record"
        else
            fail "$name, $side: $dn more records cost $ds sendmsg + $dr readv"
        fi
        i=$((i + 3))
    done
}

per_record "TLS 1.3 AES-128-GCM" 13 -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256
per_record "TLS 1.2 ECDHE-RSA-AES256-GCM-SHA384" 12 -tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384
summary
