#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The kcrypt command's options (getopt_long in tools/kcrypt): every existing
# spelling still parses, --help on the command and each subcommand, and
# bad options exit 2 naming the option. Host only: options are parsed
# before the kernel is asked anything (a run ending in --help never gets
# there, so this holds with or without AF_ALG).
K=${1:?usage: test_tools_options.sh path/to/kcrypt}
fails=0 passes=0
expect() {   # expect RC 'stdout-or-stderr pattern' ARGS...
    want=$1 pat=$2
    shift 2
    "$K" "$@" > out.txt 2> err.txt
    rc=$?
    if [ "$rc" -eq "$want" ] && cat out.txt err.txt | grep -q -- "$pat"; then
        passes=$((passes + 1))
    else
        fails=$((fails + 1))
        echo "FAIL: kcrypt $*: exit $rc (want $want), output lacks '$pat':"
        sed 's/^/  /' out.txt err.txt
    fi
}
cd "$(mktemp -d)" || exit 2
expect 0 'usage: kcrypt' --help
expect 0 'usage: kcrypt' -h
expect 0 'usage: kcrypt' help
expect 2 'usage: kcrypt'
expect 2 'unknown or incomplete option --bogus' --bogus
expect 2 'unknown command "nope"' nope
# each subcommand's --help
expect 0 'usage: kcrypt bench' bench --help
expect 0 'usage: kcrypt info' info --help
expect 0 'usage: kcrypt selftest' selftest --help
expect 0 'usage: kcrypt key import' key --help
expect 0 'usage: kcrypt key import' key import --help
expect 0 'usage: kcrypt key import' key list -h
# every existing spelling parses (the run stops at --help)
expect 0 'usage: kcrypt bench' bench --json --runs 2 --time 0.5 --sizes 64,16384 --no-count \
    --provider-dir /nonexistent --calibrate --help
expect 0 'usage: kcrypt bench' bench --runs=2 --time=1 --sizes=64 --help
expect 0 'usage: kcrypt info' info --all --help
expect 0 'usage: kcrypt key' key import --in k.pem --label l --ref r.ref --keyring user --help
expect 0 'usage: kcrypt key' key generate --bits 2048 --label l --ref r.ref --help
expect 0 'usage: kcrypt key' key delete --serial 5 --out x --help
# refusals
expect 2 'unknown or incomplete option --bogus' bench --bogus
expect 2 'unknown or incomplete option --runs' bench --runs
expect 2 '--runs needs a number above 0' bench --runs 0
expect 2 '--time needs a number above 0' bench --time -1
expect 2 '--sizes needs sizes' bench --sizes x
expect 2 'unexpected argument extra' bench extra
expect 2 'unknown or incomplete option --bogus' info --bogus
expect 2 'unexpected argument extra' info extra
expect 2 'unknown or incomplete option -x' selftest -x
expect 2 'usage: kcrypt key' key import --bogus
echo "tools_options: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
