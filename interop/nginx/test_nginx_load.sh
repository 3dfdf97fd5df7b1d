#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# nginx as it is normally run (a master process forking its workers, the
# provider and OpenSSL's DRBG set up in the master before the fork, as with
# conf/nginx-kcrypt.conf) under load from h2load, with kcrypt and with the
# default provider alone, in the same kernel boot.
#
#   load   TLS 1.3 and TLS 1.2, 2 workers (reuseport), 60 concurrent
#          connections, 3000 requests: 0 failed, every worker's records
#          counted in kcrypt, worker fds back to idle afterwards; requests/s
#          and peak fds per worker printed side by side
#   c1000  1 worker at the default fd limit (1024) with kTLS off, 1000
#          concurrent connections: 0 failed (kcrypt gives way to software
#          where the fd table is full)
#   ktls   OpenSSL's kTLS (ssl_conf_command Options KTLS): the records go to
#          the kernel's TLS socket (/proc/net/tls_stat), kcrypt does the
#          handshake and keys no record context
#
# usage: test_nginx_load.sh MODULE_DIR SOURCE_DIR MODE   (inside a kernel with AF_ALG)
. "$2/tests/provider/lib.sh"
moddir=$1 src=$2 mode=${3:-load}
command -v nginx > /dev/null || { fail "nginx is not installed"; summary; exit 1; }
command -v h2load > /dev/null || { fail "h2load (nghttp2-client) is not installed"; summary; exit 1; }
work=$(mkwork "nginx-$mode")
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
# nginx's workers run as "nobody": they read the files and append their
# counters to the stats file
chmod 755 "$work"
lo_up
OPENSSL_CONF=/dev/null openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem \
    -subj /CN=localhost -days 2 2> /dev/null || { fail "certificate"; summary; exit 1; }
mkdir -p www logs tmp
head -c 1024 /dev/urandom | base64 > www/index.html
head -c $((1024 * 1024 + 17)) /dev/urandom > www/payload.bin
chmod -R a+rX www
# kcrypt preferred everywhere, OpenSSL's DRBG on kcrypt's AES, software
# fallback allowed: the setup of conf/nginx-kcrypt.conf
mkconf k.cnf "$moddir" "$src" prefer
port=8500

# mknginx WORKERS CONNECTIONS PROTOCOLS [EXTRA-SERVER-LINES]
mknginx() {
    port=$((port + 1))
    {
        echo "daemon off; worker_processes $1; pid $work/nginx.pid;"
        echo "error_log $work/logs/error.log ${KCRYPT_NGINX_LOG:-warn};"
        grep '^env ' "$src/conf/nginx-kcrypt.conf"
        echo "env KCRYPT_STATS;"
        echo "events { worker_connections $2; }"
        echo "http { access_log off; client_body_temp_path $work/tmp; keepalive_requests 100000;"
        sed -n '/^server {/,/^}/p' "$src/conf/nginx-kcrypt.conf" |
            sed -e "s|listen 443 ssl;|listen 127.0.0.1:$port ssl reuseport;|" \
                -e "s|ssl_certificate .*|ssl_certificate $work/cert.pem;|" \
                -e "s|ssl_certificate_key .*|ssl_certificate_key $work/key.pem;|" \
                -e "s|ssl_protocols .*|ssl_protocols $3;|" \
                -e "s|root .*|root $work/www; ${4:-}|"
        echo "}"
    } > nginx.conf
}

# start PROVIDER: nginx's master in the background (the ordinary model:
# master + workers; only "daemon off" so the test can wait for it), its
# fd limit the default 1024
start() {
    local conf=/dev/null
    [ "$1" = kcrypt ] && conf=$work/k.cnf
    rm -f logs/error.log
    : > stats
    chmod 666 stats
    (ulimit -Sn "${KCRYPT_NGINX_NOFILE:-1024}"; exec env OPENSSL_CONF=$conf KCRYPT_STATS=$work/stats \
        nginx -p "$work" -c "$work/nginx.conf" -e "$work/logs/error.log") > nginx.out 2>&1 &
    master=$!
    if ! wait_port $port; then
        fail "$1: nginx did not start: $(tail -3 logs/error.log nginx.out)"
        return 1
    fi
    sleep 0.5
    workers=$(pgrep -P $master | tr '\n' ' ')
    return 0
}

fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }

# sample: peak fds of each worker while the load runs, to peak.$pid
sample() {
    for w in $workers; do echo 0 > "peak.$w"; done
    while [ -e sampling ]; do
        for w in $workers; do
            n=$(fds "$w")
            [ "$n" -gt "$(cat "peak.$w")" ] && echo "$n" > "peak.$w"
        done
        sleep 0.2
    done
}

# stop: graceful, so each worker writes its kcrypt counters
stop() {
    kill -QUIT $master 2>/dev/null
    wait $master 2>/dev/null
}

# worker_stat PID NAME: a counter from one worker's KCRYPT_STATS line
worker_stat() {
    grep "^pid=$1 " stats 2>/dev/null | grep -o " $2=[0-9]*" | cut -d= -f2 | tail -1
}

# load NAME PROVIDER REQUESTS CLIENTS [H2LOAD-FLAGS...]: run h2load, check
# its result, print the figures; leaves rps, peak, idle and after set
load() {
    local name=$1 prov=$2 n=$3 c=$4
    shift 4
    local w
    declare -gA idle_of=()
    for w in $workers; do idle_of[$w]=$(fds "$w"); done
    touch sampling
    sample &
    local sampler=$!
    (ulimit -n "$(ulimit -Hn)"; exec timeout 170 h2load --h1 -n "$n" -c "$c" -t 1 "$@" \
        "https://127.0.0.1:$port/index.html") > h2.out 2>&1
    rm -f sampling
    wait $sampler
    sleep 1
    local done succeeded failed errored timeouts ok2xx
    read -r done succeeded failed errored timeouts <<< "$(awk '/^requests:/ {
        print $6, $8, $10, $12, $14 }' h2.out)"
    ok2xx=$(awk '/^status codes:/ { print $3 }' h2.out)
    rps=$(awk '/^finished in/ { print $4 }' h2.out | tr -d ,)
    if [ "${succeeded:-0}" = "$n" ] && [ "${failed:-1}" = 0 ] && [ "${errored:-1}" = 0 ] &&
        [ "${timeouts:-1}" = 0 ] && [ "${ok2xx:-0}" = "$n" ]; then
        pass "$name, $prov: $n requests, $c concurrent: $succeeded succeeded, 0 failed, $rps req/s"
    else
        fail "$name, $prov: $(grep -E '^(requests|status codes|finished)' h2.out | tr '\n' ' ')" \
             "$(grep -v -e '^progress' -e '^spawning' h2.out | head -5 | tr '\n' ' ')" \
             "$(grep -v -e 'exceed open file' -e 'is not enough' logs/error.log 2>/dev/null |
                sed -e 's/^[0-9\/]* [0-9:]* //' -e 's/[0-9]*#[0-9]*: \*[0-9]* //' \
                    -e 's/, client: .*//' | sort | uniq -c | sort -rn | head -5 | tr '\n' ' ')"
    fi
    peak="" after="" idle=""
    for w in $workers; do
        peak+="$(cat "peak.$w")/"
        idle+="${idle_of[$w]}/"
        after+="$(fds "$w")/"
    done
    peak=${peak%/} idle=${idle%/} after=${after%/}
}

# back_to_idle NAME: every worker's fds after the load, against before it
# (kcrypt may keep its idle digest sockets: at most 4 per digest)
back_to_idle() {
    local w bad=""
    for w in $workers; do
        local now
        now=$(fds "$w")
        [ "$now" -le $((idle_of[$w] + 8)) ] || bad+=" $w: $now (idle ${idle_of[$w]})"
    done
    if [ -z "$bad" ]; then
        pass "  $1: worker fds back to idle after the load ($after, idle $idle)"
    else
        fail "  $1: worker fds not back to idle:$bad"
    fi
}

# per_worker NAME COUNTER MIN: each worker's records in kcrypt
per_worker() {
    local w line="" bad=0 total=0
    for w in $workers; do
        local r
        r=$(worker_stat "$w" "$2")
        line+=" $w:${r:-none}"
        [ "${r:-0}" -gt 0 ] || bad=1
        total=$((total + ${r:-0}))
    done
    if [ $bad = 0 ] && [ "$total" -ge "$3" ]; then
        pass "  $1: records in kcrypt per worker ($2):$line; software ops" \
             "$(for w in $workers; do printf '%s ' "$(worker_stat "$w" kcrypt-software-ops)"; done)"
    else
        fail "  $1: $2 per worker:$line (want each > 0, total >= $3)"
    fi
}

case "$mode" in
load)
    declare -A figs extra
    for proto in "TLSv1.3" "TLSv1.2"; do
        for prov in kcrypt default; do
            mknginx 2 512 "$proto"
            start "$prov" || continue
            load "$proto" "$prov" 3000 60
            back_to_idle "$proto, $prov"
            figs[$proto.$prov]="$rps req/s, peak fds per worker $peak (idle $idle)"
            # fds above idle at the peak, summed over the workers
            extra[$prov]=$(echo "$peak $idle" | tr '/' ' ' |
                awk '{ n = NF / 2; for (i = 1; i <= n; i++) s += $i - $(i + n); print s }')
            stop
            if [ "$prov" = default ] && [ -n "${extra[kcrypt]:-}" ]; then
                # what kcrypt adds beyond the connections' own sockets: at most
                # its 2 record contexts per connection, and its idle digest pool
                k=$((extra[kcrypt] - extra[default]))
                if [ "$k" -le $((2 * 60 + 16)) ]; then
                    pass "  $proto: kcrypt's sockets at the peak: $k for 60 connections (at most 2 each + pool)"
                else
                    fail "  $proto: kcrypt held $k sockets at the peak for 60 connections"
                fi
            fi
            if [ "$prov" = kcrypt ]; then
                counter=kcrypt-aead-records
                [ "$proto" = TLSv1.2 ] && counter=kcrypt-aead-tls-records
                per_worker "$proto, kcrypt" $counter 3000
            fi
        done
    done
    echo "figures (same boot, h2load --h1 -n 3000 -c 60, nginx master + 2 workers):"
    for proto in "TLSv1.3" "TLSv1.2"; do
        printf '  %-8s kcrypt:  %s\n' "$proto" "${figs[$proto.kcrypt]:-none}"
        printf '  %-8s default: %s\n' "$proto" "${figs[$proto.default]:-none}"
    done
    ;;
c1000)
    conns=${KCRYPT_NGINX_CONNS:-1000}
    for prov in ${KCRYPT_NGINX_PROVIDERS:-kcrypt default}; do
        # 1000 handshakes queued at once take tens of seconds in
        # user-mode-linux (every syscall a ptrace round trip): nginx's 60 s
        # handshake timeout is raised for both providers alike
        mknginx 1 4096 "TLSv1.2 TLSv1.3" "client_header_timeout 150s;"
        start "$prov" || continue
        load "TLS 1.3, 1 worker at 1024 fds" "$prov" $((conns * 2)) "$conns"
        back_to_idle "$prov"
        echo "  $prov: $rps req/s, peak fds of the worker $peak (idle $idle)"
        stop
        [ "$prov" = kcrypt ] && per_worker "kcrypt" kcrypt-aead-records $((conns * 2))
    done
    ;;
ktls)
    # the kernel's TLS module (the runner's modprobe finds the kernel's modules)
    [ -e /proc/net/tls_stat ] || "$(cat /proc/sys/kernel/modprobe)" tls 2>/dev/null
    if [ ! -e /proc/net/tls_stat ]; then
        fail "kTLS: the kernel has no tls module (/proc/net/tls_stat missing)"
        summary
        exit 1
    fi
    for proto in "TLSv1.2" "TLSv1.3"; do
        mknginx 2 64 "$proto" "sendfile on; ssl_conf_command Options KTLS;"
        start kcrypt || continue
        before=$(awk '/TlsTxSw|TlsTxDevice/ { s += $2 } END { print s + 0 }' /proc/net/tls_stat 2>/dev/null)
        printf 'GET /payload.bin HTTP/1.0\r\nHost: localhost\r\n\r\n' |
            OPENSSL_CONF=/dev/null timeout 120 openssl s_client -connect 127.0.0.1:$port \
                -quiet > got 2> client.err
        after_tx=$(awk '/TlsTxSw|TlsTxDevice/ { s += $2 } END { print s + 0 }' /proc/net/tls_stat 2>/dev/null)
        stop
        size=$(wc -c < www/payload.bin)
        if [ "$(wc -c < got)" -gt "$size" ] && tail -c "$size" got | cmp -s - www/payload.bin; then
            pass "$proto kTLS: $size bytes identical"
        else
            fail "$proto kTLS: got $(wc -c < got) bytes: $(head -c 300 client.err)"
        fi
        if [ "$after_tx" -gt "$before" ]; then
            pass "  $proto: the kernel's TLS socket took the sending side (tls_stat TX $before -> $after_tx)"
        else
            fail "  $proto: kTLS was not used (tls_stat: $(tr '\n' ' ' < /proc/net/tls_stat 2>/dev/null); $(tail -2 logs/error.log))"
        fi
        counter=kcrypt-aead-records
        [ "$proto" = TLSv1.2 ] && counter=kcrypt-aead-tls-records
        records=0 hs=0
        for w in $workers; do
            records=$((records + $(worker_stat "$w" $counter || echo 0)))
            hs=$((hs + $(worker_stat "$w" kcrypt-digest-ops || echo 0)))
        done
        # 1 MiB needs at least 64 records: none of them kcrypt's. What kcrypt
        # may see is a few received records: TLS 1.3's (OpenSSL 3.0 sends
        # through kTLS only), and in TLS 1.2 the client's Finished when it
        # arrived with the handshake, before the kernel took the receiving
        # side. Record contexts are keyed on their first record, so the
        # sending one never gets a socket.
        if [ "$records" -le 8 ] && [ "$hs" -gt 0 ]; then
            pass "  $proto: kcrypt did the handshake ($hs digest ops) and $records received records ($counter), the kernel's TLS socket the rest"
        else
            fail "  $proto: kcrypt $counter=$records (want <= 8), digest ops $hs"
        fi
    done
    ;;
esac
summary
