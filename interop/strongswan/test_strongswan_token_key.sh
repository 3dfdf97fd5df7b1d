#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Issue 10 item 5(b) for charon: strongSwan's charon authenticates an IKEv2
# SA with an RSA key held by the kernel through the token (pkcs11 plugin).
# Charon A (initiator) has its certificate's private key in the token,
# imported by an earlier pkcs11-tool process; charon B (responder, its own
# mount namespace for /var/run) has its key in a file. B must verify A's
# RFC 7427 signature (IKE_SA established); then every readable mapping of
# A is searched for A's d, p and q (interop/nginx/memscan.pl): 0 hits.
# Both charons run in their own mount namespaces (private /var/run).
# The control is B, which loaded its key from a file: its d, p and q must
# be found in B. On a kernel without the asymmetric key type the import
# into the token is refused, naming the missing key type.
# usage: test_strongswan_token_key.sh MODULE.so SOURCE_DIR
. "$2/tests/provider/lib.sh"
module=$1 src=$2
charon=/usr/lib/ipsec/charon
[ -x $charon ] || { fail "strongSwan's charon is not installed ($charon)"; summary; exit 1; }
work=$(mkwork swan-key)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
lo_up
export KCRYPT_P11_STORE=$work/store KCRYPT_P11_PBKDF2_ITERATIONS=1000 OPENSSL_CONF=/dev/null
T="pkcs11-tool --module $module"
$T --init-token --label swan --so-pin 87654321 --init-pin --pin 1234 > init.log 2>&1 ||
    { fail "token init: $(tail -3 init.log)"; summary; exit 1; }
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -subj /CN=ca -days 2 \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=keyCertSign,cRLSign -out ca.crt 2>/dev/null
for n in a b; do
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out $n.key 2>/dev/null
    openssl req -new -key $n.key -subj /CN=$n -out $n.csr 2>/dev/null
    openssl x509 -req -in $n.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -out $n.crt 2>/dev/null
done
[ -s a.crt ] && [ -s b.crt ] || { fail "certificates"; summary; exit 1; }

if keyctl padd asymmetric kcrypt-test:probe @p < /dev/null 2>&1 | grep -q "No such device"; then
    echo "kernel $(uname -r): no asymmetric key type"
    KCRYPT_DEBUG=1 $T --login --pin 1234 --write-object a.key --type privkey --id 0a > imp.log 2>&1
    check "import into the token refused (CKR_ATTRIBUTE_VALUE_INVALID, cause named)" \
        bash -c "grep -q CKR_ATTRIBUTE_VALUE_INVALID imp.log && grep -q 'no \"asymmetric\" key type' imp.log"
    summary
    exit
fi

openssl pkey -in a.key -pubout -out a.pub
$T --login --pin 1234 --write-object a.key --type privkey --id 0a --label a > imp.log 2>&1 &&
    $T --login --pin 1234 --write-object a.pub --type pubkey --id 0a --label a >> imp.log 2>&1
check "A's key imported into the token by pkcs11-tool (an earlier process)" [ $? = 0 ]
mkdir -p A/x509 A/x509ca B/x509 B/x509ca B/private
cp ca.crt A/x509ca/ && cp ca.crt B/x509ca/ && cp a.crt A/x509/ && cp b.crt B/x509/ && cp b.key B/private/
cat > A.conf <<CONF
charon {
  load = pkcs11 nonce random aes sha1 sha2 hmac kdf gmp curve25519 pem pkcs1 pkcs8 x509 pubkey constraints socket-default kernel-netlink vici
  port = 5700
  port_nat_t = 5701
  install_routes = no
  filelog { log { path = $work/A.log
      default = 1
      flush_line = yes } }
  plugins {
    vici { socket = unix://$work/A.vici }
    pkcs11 { modules { kcrypt { path = $module
        os_locking = yes } } }
  }
}
CONF
sed -e "s/5700/5800/; s/5701/5801/; s|A.log|B.log|; s|A.vici|B.vici|; s/pkcs11 nonce/nonce/" A.conf > B.conf
conn() {   # conn LOCAL REMOTE [remote_port]
    cat <<CONF
connections { t { local_addrs = 127.0.0.1
  remote_addrs = 127.0.0.1
  ${3:+remote_port = $3}
  version = 2
  proposals = aes128-sha256-x25519
  local { auth = pubkey
    certs = $1.crt
    id = "CN=$1" }
  remote { auth = pubkey
    id = "CN=$2" } } }
CONF
}
conn a b 5800 > A/swanctl.conf
cat >> A/swanctl.conf <<CONF
secrets { token-a { handle = 0a
  module = kcrypt
  pin = 1234 } }
CONF
conn b a > B/swanctl.conf
# each charon with a private /var/run (lib.sh)
STRONGSWAN_CONF=$work/B.conf private_run $charon > B.out 2>&1 &
bpid=$!
STRONGSWAN_CONF=$work/A.conf private_run $charon > A.out 2>&1 &
apid=$!
for _ in $(seq 1 150); do [ -S A.vici ] && [ -S B.vici ] && break; sleep 0.2; done
SWANCTL_DIR=$work/B STRONGSWAN_CONF=$work/B.conf swanctl --load-all --uri unix://$work/B.vici > load.log 2>&1
SWANCTL_DIR=$work/A STRONGSWAN_CONF=$work/A.conf swanctl --load-all --uri unix://$work/A.vici >> load.log 2>&1
STRONGSWAN_CONF=$work/A.conf timeout 60 swanctl --initiate --ike t --uri unix://$work/A.vici > init.out 2>&1
check "charon A loaded the kcrypt token" grep -q "loaded PKCS#11 v3.0 library 'kcrypt'" A.log
check "charon A signed with the token key (RSA_EMSA_PKCS1_SHA2_256)" \
    grep -q "authentication of 'CN=a' (myself) with RSA_EMSA_PKCS1_SHA2_256 successful" A.log
check "charon B verified A's signature" grep -q "authentication of 'CN=a' with RSA_EMSA_PKCS1_SHA2_256 successful" B.log
check "IKE_SA established" grep -q "IKE_SA t\[1\] established" A.log

# needles: d, p, q of a key (PKCS#1 fields 3, 4, 5), big- and little-endian slices
needles() {
    openssl rsa -in "$1" -traditional 2>/dev/null | openssl asn1parse | sed -n 's/.*INTEGER *://p' > ints.txt
    mapfile -t ints < ints.txt
    local v le
    for v in "${ints[3]}" "${ints[4]}" "${ints[5]}"; do
        le=$(echo "$v" | fold -w2 | tac | tr -d '\n')
        echo "${v:0:48} ${v: -48} ${le:0:48} ${le: -48}"
    done
}
scan() {   # scan PID KEYFILE: hits
    perl "$src/interop/nginx/memscan.pl" "$1" $(needles "$2") > scan.$1 2>&1
    tail -1 scan.$1 >&2
    sed -n 's/.* hits=\([0-9]*\)$/\1/p' scan.$1
}
# the charon process under a private_run wrapper (unshare, sh)
charon_of() {
    local p=$1 c
    for _ in 1 2 3; do
        [ "$(cat /proc/$p/comm 2>/dev/null)" = charon ] && { echo "$p"; return; }
        c=$(pgrep -P "$p" | head -1)
        [ -n "$c" ] || break
        p=$c
    done
    echo "none"
}
acharon=$(charon_of $apid) bcharon=$(charon_of $bpid)
check "both charons found (A $acharon, B $bcharon)" test "$acharon" != none -a "$bcharon" != none
bh=$(scan "$bcharon" b.key)
check "control: B's d/p/q found in charon B, which loaded b.key ($bh hits)" [ "${bh:-0}" -gt 0 ]
ah=$(scan "$acharon" a.key)
echo "charon A (pid $acharon): $ah hits for a's d, p, q"
check "charon A after signing with the token key: a's d, p, q found nowhere in its memory ($ah hits)" \
    [ "$ah" = 0 ]
kill $apid $bpid 2>/dev/null
wait 2>/dev/null
[ "$KCP_FAIL" = 0 ] || for f in A.out B.out load.log init.out A.log; do echo "== $f"; tail -n 8 $f; done
summary
