#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Issue 10 item 5(a): nginx with its certificate key held by the kernel.
# The key is imported with `kcrypt key import`; nginx's ssl_certificate_key
# is the key reference file; s_client on the default provider verifies the
# handshake (TLS 1.3, RSA-PSS by the kernel key). Then every readable
# mapping of the nginx master and worker (/proc/PID/maps + /proc/PID/mem)
# is searched for the private exponent d and the primes p and q, big-endian
# and little-endian (OpenSSL's BIGNUM limbs), 24-byte slices from both
# ends: none may be found. The control: the same search in an nginx that
# loaded the PEM key file must find them, or the search proves nothing.
# On a kernel without the asymmetric key type the import is refused and
# nginx refuses the reference file, each naming the missing key type.
# usage: test_nginx_kernel_key.sh KCRYPT_CLI MODULE_DIR SOURCE_DIR
. "$3/tests/provider/lib.sh"
kcrypt=$1 moddir=$2 src=$3
here=$(cd "$(dirname "$0")" && pwd)
command -v nginx > /dev/null || { fail "nginx is not installed"; summary; exit 1; }
work=$(mkwork nginx-key)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
lo_up
export OPENSSL_CONF=/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem 2>/dev/null
openssl req -x509 -new -key key.pem -subj /CN=localhost -days 2 -out cert.pem 2>/dev/null
[ -s cert.pem ] || { fail "certificate"; summary; exit 1; }
mkconf k.cnf "$moddir" "$src"
mkdir -p www logs tmp
echo "served by a key the process does not have" > www/index.html

# d, p, q as big-endian hex (PKCS#1 fields 3, 4, 5)
# (no process substitution: the guest has no /dev/fd)
openssl rsa -in key.pem -traditional 2>/dev/null | openssl asn1parse |
    sed -n 's/.*INTEGER *://p' > ints.txt
mapfile -t ints < ints.txt
needles=()
for v in "${ints[3]}" "${ints[4]}" "${ints[5]}"; do
    le=$(echo "$v" | fold -w2 | tac | tr -d '\n')
    needles+=("${v:0:48}" "${v: -48}" "${le:0:48}" "${le: -48}")
done
[ ${#ints[@]} = 9 ] && [ ${#ints[3]} -ge 500 ] || { fail "key numbers: ${#ints[@]}"; summary; exit 1; }

port=8470
# mknginx KEYFILE: master and one worker, both root (the kernel key is in
# root's user keyring; a worker under another uid needs it granted)
mknginx() {
    port=$((port + 1))
    cat > nginx.conf <<CONF
daemon off; master_process on; worker_processes 1; user root;
pid $work/nginx.pid; error_log $work/logs/error.log info;
env OPENSSL_CONF;
events { worker_connections 64; }
http { access_log off; client_body_temp_path $work/tmp;
  server { listen 127.0.0.1:$port ssl; ssl_certificate $work/cert.pem;
           ssl_certificate_key $1; ssl_protocols TLSv1.2 TLSv1.3; root $work/www; } }
CONF
}
start_nginx() {
    OPENSSL_CONF=$work/k.cnf nginx -p "$work" -c "$work/nginx.conf" -e "$work/logs/error.log" \
        > nginx.out 2>&1 &
    nginx_pid=$!
    wait_port $port
}
stop_nginx() { kill -QUIT "$nginx_pid" 2>/dev/null; wait "$nginx_pid" 2>/dev/null; }
handshake() {
    printf 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' |
        timeout 60 openssl s_client -connect 127.0.0.1:$port -CAfile cert.pem -verify_return_error \
            -servername localhost -tls1_3 -ign_eof > cli.out 2>&1
    grep -q "Verify return code: 0 (ok)" cli.out && grep -q "served by a key" cli.out ||
        { echo "s_client: $(grep -i "error\\|alert" cli.out | head -3)"; return 1; }
}
# scan: hits over nginx's master and workers; prints the per-process lines
scan() {
    local total=0 procs="$nginx_pid" p
    for p in /proc/[0-9]*; do
        [ "$(awk '{print $4}' "$p/stat" 2>/dev/null)" = "$nginx_pid" ] && procs+=" ${p#/proc/}"
    done
    for p in $procs; do
        perl "$here/memscan.pl" "$p" "${needles[@]}" > scan.$p 2>&1
        tail -1 scan.$p >&2
        total=$((total + $(sed -n 's/.* hits=\([0-9]*\)$/\1/p' scan.$p)))
        echo "$p" >> scanned
    done
    echo "$total"
}

if keyctl padd asymmetric kcrypt-test:probe @p < /dev/null 2>&1 | grep -q "No such device"; then
    echo "kernel $(uname -r): no asymmetric key type"
    "$kcrypt" key import --in key.pem --label nginx --ref key.ref > out 2>&1
    check "import refused, naming the missing key type" grep -q 'no "asymmetric" key type' out
    cp "$src/tests/keys/kernel-key.ref" key.ref
    mknginx "$work/key.ref"
    OPENSSL_CONF=$work/k.cnf timeout 60 nginx -t -p "$work" -c "$work/nginx.conf" > out 2>&1
    check "nginx refuses the reference file, naming the missing key type" \
        grep -q 'no "asymmetric" key type' out
    summary
    exit $?
fi

"$kcrypt" key import --in key.pem --label nginx --ref key.ref > out 2>&1
check "kcrypt key import" grep -q "kcrypt:nginx" out

# control: nginx with the PEM key file; the search must find the numbers
mknginx "$work/key.pem"
if start_nginx; then
    handshake
    check "control: handshake with the key file" [ $? = 0 ]
    rm -f scanned
    hits=$(scan)
    nprocs=$(wc -l < scanned)
    check "control: the search finds the key in an nginx that loaded the key file ($hits hits in $nprocs processes)" \
        [ "$hits" -gt 0 ]
    stop_nginx
else
    fail "control nginx did not start: $(tail -3 logs/error.log nginx.out)"
fi

# the kernel key: no file nginx can read holds the private key
mknginx "$work/key.ref"
if start_nginx; then
    handshake
    check "kernel key: s_client verifies the TLS 1.3 handshake (RSA-PSS)" \
        bash -c "[ $? = 0 ] && grep -q 'Peer signature type: RSA-PSS' cli.out"
    handshake   # the worker has signed at least twice now
    rm -f scanned
    hits=$(scan)
    nprocs=$(wc -l < scanned)
    check "kernel key: d, p and q found nowhere in nginx's memory ($nprocs processes, $hits hits)" \
        bash -c "[ '$hits' = 0 ] && [ $nprocs -ge 2 ]"
    stop_nginx
else
    fail "nginx with the key reference did not start: $(tail -3 logs/error.log nginx.out)"
fi
summary
