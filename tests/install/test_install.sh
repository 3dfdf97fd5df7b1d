#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# cmake --install puts each piece where its host looks for it: kcrypt.so
# in OpenSSL's modulesdir, kcrypt-pkcs11.so and kcrypt.module in p11-kit's
# module path and config directory (all from pkg-config), the kcrypt tool
# in bin. Installed into a DESTDIR, so the test changes nothing on the host.
# usage: test_install.sh BUILD_DIR
set -u
build=$1
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
pass=0 fail=0
check() {
    if [ -f "$dest$2" ]; then
        echo "pass  $1: $2"
        pass=$((pass + 1))
    else
        echo "FAIL  $1: $2 not installed"
        fail=$((fail + 1))
    fi
}
if ! DESTDIR=$dest cmake --install "$build" > "$dest.log" 2>&1; then
    echo "FAIL  cmake --install: $(tail -3 "$dest.log")"
    rm -f "$dest.log"
    exit 1
fi
rm -f "$dest.log"
prefix=$(cmake -L -N "$build" 2>/dev/null | sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p')
check "provider in OpenSSL's modulesdir" "$(pkg-config --variable=modulesdir libcrypto)/kcrypt.so"
check "token in p11-kit's module path" "$(pkg-config --variable=p11_module_path p11-kit-1)/kcrypt-pkcs11.so"
check "p11-kit registration" "$(pkg-config --variable=p11_module_configs p11-kit-1)/kcrypt.module"
check "kcrypt tool" "$prefix/bin/kcrypt"
# the registration must name the module p11-kit will find there
module=$(sed -n 's/^module: *//p' "$dest$(pkg-config --variable=p11_module_configs p11-kit-1)/kcrypt.module")
if [ "$module" = kcrypt-pkcs11.so ] || [ "$module" = "$(pkg-config --variable=p11_module_path p11-kit-1)/kcrypt-pkcs11.so" ]; then
    echo "pass  kcrypt.module names $module"
    pass=$((pass + 1))
else
    echo "FAIL  kcrypt.module names '$module'"
    fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
