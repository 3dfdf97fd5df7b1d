#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# nginx (master + 2 workers, as normally run) serving TLS with kcrypt doing its record crypto, set up as
# conf/nginx-kcrypt.conf says (OPENSSL_CONF in nginx's environment, "env
# OPENSSL_CONF", the sample's server block). For TLS 1.3 and 1.2 suites a
# 1 MiB file is fetched with openssl s_client on the default provider alone
# and compared byte for byte; nginx's own kcrypt counters (written when it
# exits) must show at least as many records as the 1 MiB needs.
# usage: test_nginx.sh MODULE_DIR SOURCE_DIR   (inside a kernel with AF_ALG)
. "$2/tests/provider/lib.sh"
moddir=$1 src=$2
command -v nginx > /dev/null || { fail "nginx is not installed"; summary; exit 1; }
work=$(mkwork nginx)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
# the workers run as "nobody": they read the files and append their counters
chmod 755 "$work"
lo_up
OPENSSL_CONF=/dev/null openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem \
    -subj /CN=localhost -days 2 2> /dev/null || { fail "certificate"; summary; exit 1; }
mkdir -p www logs tmp
head -c $((1024 * 1024 + 17)) /dev/urandom > www/payload.bin
chmod -R a+rX www
size=$(wc -c < www/payload.bin)
# OpenSSL's DRBG on kcrypt's AES too, set up in the master before the fork
mkconf k.cnf "$moddir" "$src" prefer nofallback
port=8440

# nginx.conf: the sample's "env" line and server block, with this test's
# port, certificate and files; nginx as normally run (a master forking its
# workers), only kept in the foreground for the test
mknginx() {
    {
        echo "daemon off; worker_processes 2; pid $work/nginx.pid; error_log $work/logs/error.log info;"
        grep '^env ' "$src/conf/nginx-kcrypt.conf"
        echo "env KCRYPT_STATS;"
        echo "events { worker_connections 64; }"
        echo "http { access_log off; client_body_temp_path $work/tmp;"
        sed -n '/^server {/,/^}/p' "$src/conf/nginx-kcrypt.conf" |
            sed -e "s|listen 443 ssl;|listen 127.0.0.1:$port ssl;|" \
                -e "s|ssl_certificate .*|ssl_certificate $work/cert.pem;|" \
                -e "s|ssl_certificate_key .*|ssl_certificate_key $work/key.pem;|" \
                -e "s|root .*|root $work/www;|"
        echo "}"
    } > nginx.conf
}

# fetch NAME COUNTER CLIENT-FLAGS...
fetch() {
    local name=$1 counter=$2
    shift 2
    port=$((port + 1))
    mknginx
    : > stats
    chmod 666 stats
    OPENSSL_CONF=$work/k.cnf KCRYPT_STATS=$work/stats timeout 120 \
        nginx -p "$work" -c "$work/nginx.conf" -e "$work/logs/error.log" > nginx.out 2>&1 &
    local pid=$!
    if ! wait_port $port; then
        fail "$name: nginx did not start: $(tail -3 logs/error.log nginx.out)"
        kill $pid 2>/dev/null
        return
    fi
    printf 'GET /payload.bin HTTP/1.0\r\nHost: localhost\r\n\r\n' |
        OPENSSL_CONF=/dev/null timeout 120 openssl s_client -connect 127.0.0.1:$port "$@" \
            -quiet > got 2> client.err
    kill -QUIT $pid   # graceful: every process exits and kcrypt writes its counters
    wait $pid
    local records
    records=$(stat stats "$counter")
    if [ "$(wc -c < got)" -gt "$size" ] && tail -c "$size" got | cmp -s - www/payload.bin; then
        pass "$name: $size bytes identical"
    else
        fail "$name: got $(wc -c < got) bytes: $(head -c 300 client.err)"
    fi
    # 1 MiB in records of at most 16 KiB: at least 64 of them
    if [ "$records" -ge 64 ]; then
        pass "  nginx: $records records in kcrypt ($counter), software ops $(stat stats kcrypt-software-ops)"
    else
        fail "  nginx: $counter = $records (stats: $(cat stats 2>/dev/null))"
    fi
}

fetch "TLS 1.3 TLS_AES_128_GCM_SHA256" kcrypt-aead-records -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256
fetch "TLS 1.3 TLS_CHACHA20_POLY1305_SHA256" kcrypt-aead-records -tls1_3 \
    -ciphersuites TLS_CHACHA20_POLY1305_SHA256
fetch "TLS 1.2 ECDHE-RSA-AES256-GCM-SHA384" kcrypt-aead-tls-records -tls1_2 \
    -cipher ECDHE-RSA-AES256-GCM-SHA384
fetch "TLS 1.2 ECDHE-RSA-CHACHA20-POLY1305" kcrypt-aead-tls-records -tls1_2 \
    -cipher ECDHE-RSA-CHACHA20-POLY1305
summary
