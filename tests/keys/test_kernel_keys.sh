#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# RSA private keys held by the kernel: `kcrypt key` and the provider's
# kernel-key algorithms, asserted per kernel.
# - Kernel with the asymmetric key type (6.12): import/generate/list/export/
#   delete round trip; refusals; signatures made with the kernel key checked
#   byte for byte against the default provider (PKCS#1 v1.5, deterministic)
#   or verified by it (PSS); OAEP and PKCS#1 decryption of default-provider
#   ciphertexts; tampered ciphertext and wrong padding give errors, not
#   bytes; s_server with the reference file, TLS 1.2 (RSA PKCS#1) and
#   TLS 1.3 (RSA-PSS), s_client on the default provider verifying; the
#   audit lines in syslog (authpriv) with label and id.
# - Kernel without it (Debian's 6.1): every entry point refuses and names
#   what the kernel lacks.
# usage: test_kernel_keys.sh KCRYPT_CLI MODULE_DIR SOURCE_DIR  (inside a kernel)
. "$3/tests/provider/lib.sh"
kcrypt=$1 moddir=$2 src=$3
work=$(mkwork keys)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
lo_up

# the test's key and certificate come from the default provider alone
export OPENSSL_CONF=/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key8.pem 2>/dev/null
openssl pkey -in key8.pem -traditional -outform DER -out key1.der      # PKCS#1 DER
openssl pkey -in key8.pem -pubout -out pub.pem
openssl req -x509 -new -key key8.pem -subj /CN=localhost -days 2 -out cert.pem 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.pem 2>/dev/null
[ -s key1.der ] && [ -s cert.pem ] || { fail "test keys"; summary; exit 1; }
mkconf k.cnf "$moddir" "$src"
K() { "$kcrypt" key "$@"; }
P() { OPENSSL_CONF=$work/k.cnf "$@"; }

# What the kernel can hold, asked of the kernel directly, not of kcrypt.
if keyctl padd asymmetric kcrypt-test:probe @p < /dev/null 2>&1 | grep -q "No such device"; then
    echo "kernel $(uname -r): no asymmetric key type"
    K import --in key8.pem --label web --ref web.ref > out 2>&1
    check "import refused: kernel without the asymmetric key type, named" \
        grep -q 'no "asymmetric" key type' out
    K generate --label gen --ref gen.ref > out 2>&1
    check "generate refused, named" grep -q 'no "asymmetric" key type' out
    K list > out 2>&1
    check "list refused, named" grep -q 'no "asymmetric" key type' out
    # a reference file made on another machine (kernel-key.ref, public key only)
    cp "$src/tests/keys/kernel-key.ref" web.ref
    P openssl pkeyutl -sign -inkey web.ref -in /dev/null > out 2>&1
    check "provider: a reference on this kernel fails naming the missing key type" \
        grep -q 'no \\"asymmetric\\" key type\|no "asymmetric" key type' out
    K setperm --ref web.ref --perm vrwsla/v--s--/------/------ > out 2>&1
    check "setperm refused, named" grep -q 'no "asymmetric" key type' out
    OPENSSL_CONF=/dev/null openssl req -new -x509 -key web.ref -provider-path "$moddir" \
        -provider kcrypt -provider default -subj /CN=x -days 1 -out x.pem > out 2>&1; rc=$?
    check "req -x509 with a reference refused, named, no certificate" \
        bash -c "[ $rc != 0 ] && [ ! -s x.pem ] && grep -q 'no .\{0,2\}asymmetric.\{0,2\} key type' out"
    P openssl list -key-managers -provider kcrypt > out 2>&1
    check "provider offers no kernel RSA key manager here" bash -c '! grep -q "held by the kernel" out'
    summary
    exit $?
fi
echo "kernel $(uname -r): asymmetric key type present"

# --- kcrypt key: the audit lines go to a private /dev/log ---
logsock=$work/log.sock
perl -MIO::Socket::UNIX -e '
    my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => $ARGV[0]) or die "bind: $!";
    open(my $o, ">>", $ARGV[1]) or die; $o->autoflush(1);
    while (defined $s->recv(my $m, 4096)) { print $o "$m\n" }' "$logsock" "$work/syslog" &
for _ in $(seq 50); do [ -S "$logsock" ] && break; sleep 0.1; done
# kcrypt with /dev/log a link to the socket above (a private /dev)
KL() { "$src/tests/support/private_devlog.sh" "$logsock" "$kcrypt" key "$@"; }

echo "a message" > msg0
KL import --in key8.pem --label web --ref web.ref > out 2>&1
check "import PEM PKCS#8" grep -q "kcrypt:web web.ref" out
web=$(awk '{print $1}' out)
KL import --in key1.der --label web1 --ref web1.ref > out 2>&1
check "import DER PKCS#1" grep -q "kcrypt:web1" out
KL generate --bits 2048 --label gen --ref gen.ref > out 2>&1
check "generate" grep -q "kcrypt:gen" out
gen=$(awk '{print $1}' out)
K list > list.txt 2>&1
check "list shows the three keys with size, type and keyring" \
    bash -c "grep -q '^$web  *asymmetric  *2048 user  *kcrypt:web ' list.txt &&
             grep -q 'kcrypt:web1 ' list.txt && grep -q '^$gen .*kcrypt:gen ' list.txt"
check "the reference file holds no private key" bash -c '! grep -q "BEGIN.*PRIVATE" web.ref'
K export --ref web.ref --out web.pub > /dev/null 2>&1
check "export: the public key is the imported key's" cmp web.pub pub.pem
# a stale reference: its key deleted, another key loaded under the same label
K import --in key8.pem --label stale --ref stale.ref > /dev/null 2>&1
K delete --ref stale.ref > /dev/null 2>&1
K generate --label stale --ref stale-new.ref > /dev/null 2>&1
K export --ref stale.ref > out 2>&1
check "export of a stale reference refused: not the kernel key's public key" \
    grep -q "is not kernel key" out
P openssl dgst -sha256 -sign stale.ref -out stale.sig msg0 > out 2>&1
check "signing with a stale reference: an error, not a signature that fails later" \
    bash -c "grep -q 'signature does not verify' out && [ ! -s stale.sig ]"
K delete --ref stale-new.ref > /dev/null 2>&1
KL delete --ref gen.ref > out 2>&1
check "delete" grep -q "deleted $gen kcrypt:gen" out
K delete --ref gen.ref > out 2>&1; rc=$?
check "delete again: no such key, named" bash -c "[ $rc = 1 ] && grep -q 'kcrypt:gen.*Required key not available' out"
K export --ref gen.ref > out 2>&1
check "export of a deleted key refused" grep -q "Required key not available" out
K import --in ec.pem --label ec --ref ec.ref > out 2>&1
check "an EC key is refused: RSA only" grep -q "RSA private keys only" out
K import --in cert.pem --label junk --ref junk.ref > out 2>&1
check "not a key: refused" grep -q "no RSA private key" out
K list --keyring nosuch > out 2>&1
check "unknown keyring named" grep -q 'unknown keyring "nosuch"' out
# no permission: the possessor may only view the key
K import --in key8.pem --label locked --ref locked.ref > out 2>&1
locked=$(awk '{print $1}' out)
keyctl setperm "$locked" 0x01000000
K export --ref locked.ref > out 2>&1
check "no permission: EACCES named" grep -q "Permission denied (EACCES" out
P openssl pkeyutl -sign -inkey locked.ref -in /dev/null > out 2>&1
check "provider: no permission, EACCES named" grep -q "EACCES" out
# --- who may use the key (kcrypt key --perm/--uid/--gid, setperm) ---
# uid 65534 signs with a reference in a directory it can read
chmod 755 "$work" && chmod 644 "$work"/*
N() { setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/ OPENSSL_CONF="$work/k.cnf" "$@"; }
K import --in key8.pem --label shared --ref shared.ref > out 2>&1
shared=$(awk '{print $1}' out)
chmod 644 shared.ref
N openssl dgst -sha256 -sign shared.ref msg0 > n.sig 2> out; rc=$?
check "another uid: refused, saying wrong permission and who, no signature" \
    bash -c "[ $rc != 0 ] && grep -q 'key $shared: wrong permission: uid 65534' out && [ ! -s n.sig ]"
K setperm --ref shared.ref --uid 65534 --perm vrwsla/v--s--/------/------ > out 2>&1
check "setperm: the new owner and mask, as the kernel has them" \
    bash -c "grep -q '^$shared kcrypt:shared 65534:0 vrwsla/v--s--/------/------\$' out &&
             keyctl rdescribe $shared | grep -q '^asymmetric;65534;0;3f090000;kcrypt:shared\$'"
K list > list.txt 2>&1
check "list shows who may use the key" \
    grep -q "^$shared .*kcrypt:shared  *65534:0  *vrwsla/v--s--/------/------\$" list.txt
N openssl dgst -sha256 -sign shared.ref msg0 > n.sig 2> out
openssl dgst -sha256 -verify pub.pem -signature n.sig msg0 > /dev/null 2>&1
check "granted: uid 65534 signs with the kernel key, verified" [ $? = 0 ]
N "$kcrypt" key setperm --ref shared.ref --perm 0x3f3f3f3f > out 2>&1; rc=$?
check "the new owner without setattr cannot widen the mask: wrong permission" \
    bash -c "[ $rc = 1 ] && grep -q 'wrong permission' out"
K import --in key8.pem --label grp --ref grp.ref --gid 65534 --perm vrwsla/------/v--s--/------ \
    > out 2>&1
grp=$(awk '{print $1}' out)
chmod 644 grp.ref
N openssl dgst -sha256 -sign grp.ref msg0 > g.sig 2> out
openssl dgst -sha256 -verify pub.pem -signature g.sig msg0 > /dev/null 2>&1
check "import --gid --perm: the group's member signs" [ $? = 0 ]
K setperm --serial "$grp" --perm vrwsla/------/------/------ > /dev/null 2>&1
N openssl dgst -sha256 -sign grp.ref msg0 > g2.sig 2> out; rc=$?
check "setperm --serial takes the group's use away again: wrong permission" \
    bash -c "[ $rc != 0 ] && grep -q 'wrong permission' out && [ ! -s g2.sig ]"
K setperm --ref grp.ref --perm vrwsla/vrwsla > out 2>&1; rc=$?
check "a malformed --perm is refused" bash -c "[ $rc = 2 ] && grep -q 'perm \"vrwsla/vrwsla\"' out"
K import --in key8.pem --label nouid --ref nouid.ref --uid nobody > out 2>&1; rc=$?
check "a --uid that is no number is refused, nothing loaded" \
    bash -c "[ $rc = 2 ] && ! keyctl search @u asymmetric kcrypt:nouid > /dev/null 2>&1"
K delete --ref grp.ref > /dev/null 2>&1
keyctl invalidate "$shared" 2>/dev/null

sleep 0.3
hexid() { printf %08x "$1"; }
line() { echo "key $1: label=\"$2\" id=$(hexid "$3") serial=$3 class=private-key type=rsa result=$4"; }
check "syslog authpriv: import, generate, delete, each once with label and id (hex)" \
    bash -c "[ \$(grep -c '^<85>.* kcrypt\[[0-9]*\]: $(line import web "$web" ok)\$' syslog) = 1 ] &&
             [ \$(grep -cF '$(line generate gen "$gen" ok)' syslog) = 1 ] &&
             [ \$(grep -cF '$(line delete gen "$gen" ok)' syslog) = 1 ] &&
             [ \$(grep -c '' syslog) = 4 ] && ! grep -qv '^<85>' syslog"
# no 8 bytes of the private key's DER, raw or in hex, in any line
check "syslog lines carry no key material" perl -e '
    local $/; open(my $k, "<", $ARGV[0]) or die; my $der = <$k>;
    open(my $l, "<", $ARGV[1]) or die; my $log = <$l>;
    for my $i (0 .. length($der) - 8) {
        my $w = substr($der, $i, 8);
        exit 1 if index($log, $w) >= 0 || index(lc $log, unpack("H*", $w)) >= 0;
    }
    exit 0' key1.der syslog

# --- signatures: the kernel key's against the default provider's ---
head -c 1000 /dev/urandom > msg
for h in sha1 sha224 sha256 sha384 sha512; do
    P openssl dgst -$h -sign web.ref -out k.$h msg 2>err.$h
    openssl dgst -$h -sign key8.pem -out d.$h msg
    check "PKCS#1 v1.5 $h: byte for byte the default provider's" cmp k.$h d.$h
    openssl dgst -$h -verify pub.pem -signature k.$h msg > /dev/null
    check "PKCS#1 v1.5 $h: verified by the default provider" [ $? = 0 ]
done
for h in sha256 sha384 sha512; do
    for salt in digest max; do
        P openssl dgst -$h -sign web.ref -sigopt rsa_padding_mode:pss \
            -sigopt rsa_pss_saltlen:$salt -out p.$h msg 2>/dev/null
        openssl dgst -$h -verify pub.pem -sigopt rsa_padding_mode:pss \
            -sigopt rsa_pss_saltlen:$salt -signature p.$h msg > /dev/null 2>&1
        check "PSS $h salt $salt: verified by the default provider" [ $? = 0 ]
    done
done
openssl dgst -sha256 -binary msg > msg.dgst
P openssl pkeyutl -verify -inkey web.ref -in msg.dgst -sigfile d.sha256 -pkeyopt digest:sha256 \
    > /dev/null 2>&1
check "verify with the kernel key's public half" [ $? = 0 ]
printf x >> msg
openssl dgst -sha256 -binary msg > msg.dgst
P openssl pkeyutl -verify -inkey web.ref -in msg.dgst -sigfile d.sha256 -pkeyopt digest:sha256 \
    > /dev/null 2>&1
check "a changed message does not verify" [ $? = 1 ]
P openssl dgst -sha3-256 -sign web.ref -out x msg > out 2>&1
check "PKCS#1 v1.5 with SHA3: refused, named" grep -q "SHA-1 and SHA-2 digests only" out

# --- decryption: default-provider ciphertexts ---
head -c 100 /dev/urandom > pt
openssl pkeyutl -encrypt -pubin -inkey pub.pem -in pt -out ct.pkcs1 -pkeyopt rsa_padding_mode:pkcs1
openssl pkeyutl -encrypt -pubin -inkey pub.pem -in pt -out ct.oaep -pkeyopt rsa_padding_mode:oaep
openssl pkeyutl -encrypt -pubin -inkey pub.pem -in pt -out ct.oaep256 -pkeyopt rsa_padding_mode:oaep \
    -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256 -pkeyopt rsa_oaep_label:0a0b0c
P openssl pkeyutl -decrypt -inkey web.ref -in ct.pkcs1 -out pt.pkcs1 -pkeyopt rsa_padding_mode:pkcs1 2>/dev/null
check "PKCS#1 v1.5 decryption" cmp pt pt.pkcs1
P openssl pkeyutl -decrypt -inkey web.ref -in ct.oaep -out pt.oaep -pkeyopt rsa_padding_mode:oaep 2>/dev/null
check "OAEP (SHA-1) decryption" cmp pt pt.oaep
P openssl pkeyutl -decrypt -inkey web.ref -in ct.oaep256 -out pt.oaep256 -pkeyopt rsa_padding_mode:oaep \
    -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256 -pkeyopt rsa_oaep_label:0a0b0c 2>/dev/null
check "OAEP (SHA-256, label) decryption" cmp pt pt.oaep256
P openssl pkeyutl -decrypt -inkey web.ref -in ct.oaep256 -out bad1 -pkeyopt rsa_padding_mode:oaep \
    -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256 -pkeyopt rsa_oaep_label:0a0b0d > out 2>&1
check "OAEP with the wrong label: an error, no bytes" bash -c "[ $? != 0 ] && [ ! -s bad1 ] && grep -q 'bad padding' out"
P openssl pkeyutl -decrypt -inkey web.ref -in ct.oaep -out bad2 -pkeyopt rsa_padding_mode:pkcs1 > out 2>&1
check "OAEP ciphertext as PKCS#1: an error, no bytes" bash -c "[ $? != 0 ] && [ ! -s bad2 ]"
P openssl pkeyutl -decrypt -inkey web.ref -in ct.pkcs1 -out bad3 -pkeyopt rsa_padding_mode:oaep > out 2>&1
check "PKCS#1 ciphertext as OAEP: an error, no bytes" bash -c "[ $? != 0 ] && [ ! -s bad3 ]"
cp ct.oaep ct.bad; printf '\x55' | dd of=ct.bad bs=1 seek=100 conv=notrunc 2>/dev/null
P openssl pkeyutl -decrypt -inkey web.ref -in ct.bad -out bad4 -pkeyopt rsa_padding_mode:oaep > out 2>&1
check "tampered OAEP ciphertext: an error, no bytes" bash -c "[ $? != 0 ] && [ ! -s bad4 ]"
P openssl pkeyutl -encrypt -inkey web.ref -in pt -out ct.k -pkeyopt rsa_padding_mode:oaep 2>/dev/null
openssl pkeyutl -decrypt -inkey key8.pem -in ct.k -out pt.k -pkeyopt rsa_padding_mode:oaep 2>/dev/null
check "encryption with the reference's public half" cmp pt pt.k

# --- TLS: s_server with the reference file, s_client on the default provider ---
port=4460
# TLS 1.2 with PKCS#1 v1.5 and with RSA-PSS (rsa_pss_rsae), TLS 1.3 (RSA-PSS)
for t in tls1_2 tls1_2-pss tls1_3; do
    v=${t%-pss}
    port=$((port + 1))
    P openssl s_server -accept $port -key web.ref -cert cert.pem -$v -www -naccept 1 \
        > srv.$t 2>&1 &
    srv=$!
    wait_port $port || { fail "s_server $t did not start: $(head -3 srv.$t)"; continue; }
    extra=() want=RSA-PSS
    [ $t = tls1_2 ] && extra=(-sigalgs RSA+SHA256 -cipher ECDHE-RSA-AES128-GCM-SHA256) want=RSA
    [ $t = tls1_2-pss ] && extra=(-sigalgs rsa_pss_rsae_sha256 -cipher ECDHE-RSA-AES128-GCM-SHA256)
    echo | openssl s_client -connect 127.0.0.1:$port -CAfile cert.pem -verify_return_error \
        -servername localhost -brief -$v "${extra[@]}" > cli.$t 2>&1
    check "$t: handshake verified, signed $want by the kernel key" \
        bash -c "grep -q 'Verification: OK' cli.$t && grep -q '^Signature type: $want\$' cli.$t &&
                 grep -q 'Protocol version: ${v/tls1_/TLSv1.}' cli.$t"
    wait $srv
done

# --- the public half of a reference ---
P openssl pkey -in web.ref -pubout -out ref.pub 2>/dev/null
check "pkey -in REF -pubout: the key's public half" cmp ref.pub pub.pem
P openssl pkey -pubin -in web.ref > out 2>&1; rc=$?
openssl pkey -pubin -in key8.pem > out8 2>&1; rc8=$?
check "pkey -pubin -in REF: refused as OpenSSL 3.0 refuses any private key file, no crash" \
    bash -c "[ $rc = 1 ] && [ $rc8 = 1 ] && grep -q 'Could not read key of Public Key' out"

# --- X.509 signed by the kernel key (the providers named on the command line) ---
for mode in pkcs1 pss pss-digest; do
    opt=() want=sha256WithRSAEncryption
    [ $mode = pss ] && opt=(-sigopt rsa_padding_mode:pss) want=rsassaPss
    [ $mode = pss-digest ] && opt=(-sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest) \
        want=rsassaPss
    OPENSSL_CONF=/dev/null openssl req -new -x509 -key web.ref -provider-path "$moddir" \
        -provider kcrypt -provider default "${opt[@]}" -subj "/CN=kernel-$mode" -days 2 \
        -out "x.$mode.pem" > "out.$mode" 2>&1
    check "req -new -x509 -key REF ($mode): verified by the default provider, $want, the key's" \
        bash -c "openssl verify -CAfile x.$mode.pem x.$mode.pem > /dev/null 2>&1 &&
                 openssl x509 -in x.$mode.pem -noout -text | grep -q 'Signature Algorithm: $want' &&
                 openssl x509 -in x.$mode.pem -noout -pubkey | cmp -s - pub.pem"
done
check "PSS salt lengths as asked: max (222 bytes) and digest (32)" \
    bash -c "openssl x509 -in x.pss.pem -noout -text | grep -q 'Salt Length: 0xDE' &&
             openssl x509 -in x.pss-digest.pem -noout -text | grep -q 'Salt Length: 0x20'"
P openssl req -new -key web.ref -subj /CN=csr -out req.pem > out 2>&1
check "a CSR signed by the kernel key verifies" openssl req -in req.pem -verify -noout
openssl req -new -key ec.pem -subj /CN=leaf -out leaf.csr 2>/dev/null
P openssl x509 -req -in leaf.csr -CA x.pkcs1.pem -CAkey web.ref -days 2 -out leaf.pem \
    > out 2>&1
check "the kernel key as a CA: the leaf it signs verifies" \
    bash -c "openssl verify -CAfile x.pkcs1.pem leaf.pem > /dev/null 2>&1"

keyctl invalidate "$web" 2>/dev/null
P openssl dgst -sha256 -sign web.ref -out x msg > out 2>&1
check "provider: a reference to a deleted key fails naming it" grep -q 'kcrypt:web.*Required key not available' out
summary
