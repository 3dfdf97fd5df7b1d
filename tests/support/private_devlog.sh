#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# usage: private_devlog.sh SOCKET|auto CMD [ARGS...]
# Runs CMD in a private mount namespace whose /dev is a tmpfs holding the
# real null, zero, random, urandom and tty and a /dev/log that is a link
# to SOCKET (auto: a fresh path in a temporary directory), exported to CMD
# as DEVLOG_SOCKET, so a test reads the syslog lines CMD writes. The
# guest's /dev is the host's directory over hostfs: never written here.
# Needs root (inside the kernel runner). Exit 97/98: no namespace.
[ $# -ge 2 ] || { echo "usage: $0 SOCKET|auto CMD..." >&2; exit 2; }
tmp=$(mktemp -d) || exit 97
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/olddev" || exit 97
sock=$1
[ "$sock" = auto ] && sock=$tmp/log.sock
shift
DEVLOG_SOCKET=$sock unshare -m bash -c '
    mount --bind /dev "$1" && mount -t tmpfs tmpfs /dev || exit 97
    for d in null zero random urandom tty; do
        [ -e "$1/$d" ] || continue
        touch /dev/$d && mount --bind "$1/$d" /dev/$d || exit 98
    done
    ln -s "$2" /dev/log || exit 98
    shift 2; exec "$@"' _ "$tmp/olddev" "$sock" "$@"
