# SPDX-License-Identifier: Apache-2.0
# Shared by the provider's shell tests (sourced, not run).
# Every check prints "pass  ..." or "FAIL  ..."; summary prints the
# closing "N passed, M failed" line and sets the exit status.
set -u

KCP_PASS=0
KCP_FAIL=0
pass() { echo "pass  [${SECONDS}s] $*"; KCP_PASS=$((KCP_PASS + 1)); }
fail() { echo "FAIL  [${SECONDS}s] $*"; KCP_FAIL=$((KCP_FAIL + 1)); }
# check "what" command...: passes when the command succeeds
check() {
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
summary() {
    echo "$KCP_PASS passed, $KCP_FAIL failed"
    [ "$KCP_FAIL" = 0 ] && [ "$KCP_PASS" -gt 0 ]
}

# mkconf OUT MODULE_DIR SRC_DIR [prefer] [rand|drbg-default] [nofallback] [set:KEY=VALUE]...
# A config made from conf/openssl-kcrypt.cnf with the built module, and
# optionally kcrypt preferred, the kernel DRBG as random source (or
# OpenSSL's DRBG kept wholly in the default provider), no software
# fallback, or extra keys in the kcrypt section.
mkconf() {
    local out=$1 moddir=$2 src=$3
    shift 3
    local sedargs=(-e "s|^#module = .*|module = $moddir/kcrypt.so|")
    local extra=""
    for opt in "$@"; do
        case "$opt" in
            prefer) sedargs+=(-e 's|^#alg_section|alg_section|') ;;
            drbg-default) sedargs+=(-e 's|^#random = random_default_sect|random = random_default_sect|') ;;
            rand) sedargs+=(-e 's|^#random = random_kcrypt_sect|random = random_kcrypt_sect|') ;;
            nofallback) extra+="software-fallback = no"$'\n' ;;
            set:*) extra+="${opt#set:}"$'\n' ;;
        esac
    done
    sed "${sedargs[@]}" "$src/conf/openssl-kcrypt.cnf" |
        awk -v extra="$extra" '{ print } /^module = / && !done { printf "%s", extra; done = 1 }' > "$out"
}

# stat FILE NAME: a counter from KCRYPT_STATS output, summed over processes
stat() {
    grep -o "$2=[0-9]*" "$1" 2>/dev/null | cut -d= -f2 | awk '{ s += $1 } END { print s + 0 }'
}

# wait_port PORT: until something listens on 127.0.0.1:PORT (60 s at most)
wait_port() {
    for _ in $(seq 1 600); do
        ss -ltn 2>/dev/null | grep -q "[:.]$1 " && return 0
        sleep 0.1
    done
    return 1
}

# mkwork NAME: a private work directory, on tmpfs when there is one: inside
# user-mode-linux every write to the host's file system is a round trip to
# the host, and tools such as gnutls-cli write their output in small pieces.
mkwork() {
    local base=${TMPDIR:-/tmp}
    [ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
    mktemp -d "$base/kcrypt-$1.XXXXXX"
}

# Inside user-mode-linux the loopback interface starts down.
lo_up() {
    ip link set lo up 2>/dev/null || true
}

# private_run CMD...: CMD in a mount namespace of its own with a private
# /var/run, so a daemon's fixed pid file (charon: /var/run/charon.pid)
# never reaches the host's /run through hostfs, where a killed run would
# leave it behind for every later run, and two daemons do not collide.
private_run() { unshare -m sh -c "mount -t tmpfs none /var/run && exec \"\$@\"" sh "$@"; }
