#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check_spdx.sh SOURCE_DIR: every source, build and configuration file of the
# project names its licence (LICENSE, Apache-2.0) in an SPDX line within its
# first lines; documents (*.md), test data (*.ref), LICENSE and .gitignore
# excepted. Files not yet committed count too, so a new file is caught
# before it lands. Prints each offender; exits 1 if there is one.
set -u
src=${1:?usage: check_spdx.sh SOURCE_DIR}
cd "$src" || exit 2
[ -f LICENSE ] && grep -q "Apache License" LICENSE || { echo "FAIL LICENSE missing"; exit 1; }
if git rev-parse --git-dir >/dev/null 2>&1; then
    list() { git ls-files --cached --others --exclude-standard; }
else
    list() { find . -path ./build -prune -o -path './build-*' -prune -o -type f -print | sed 's|^\./||'; }
fi
bad=0 n=0
for f in $(list); do
    case "$f" in
    *.md | *.ref | LICENSE | .gitignore | build/* | build-*/*) continue ;;
    esac
    [ -f "$f" ] || continue
    n=$((n + 1))
    if ! head -c 400 "$f" | grep -q "SPDX-License-Identifier: Apache-2.0"; then
        echo "FAIL $f: no SPDX-License-Identifier line"
        bad=$((bad + 1))
    fi
done
echo "$n files checked, $bad without an SPDX line"
[ "$n" -gt 100 ] && [ "$bad" -eq 0 ]
