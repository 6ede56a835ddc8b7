#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install every Debian package that building nat64d, its unit tests, the
# fuzz target, the integration tests, the demo and the benchmark need.
# Idempotent and non-interactive; run as root (Debian 12 or later):
#   sudo tests/deps.sh
set -eu

export DEBIAN_FRONTEND=noninteractive

PKGS="
build-essential
pkg-config
libconfuse-dev
libcmocka-dev
clang
libclang-rt-dev
iproute2
nftables
iputils-ping
iputils-tracepath
socat
curl
python3
python3-scapy
tcpdump
procps
coreutils
iperf3
mandoc
tayga
debhelper
dpkg-dev
fakeroot
lintian
blhc
systemd
bind9-utils
unbound
valgrind
"

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: needs root to install packages (sudo $0)" >&2
	exit 1
fi

missing=
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "deps.sh: all packages already installed"
	exit 0
fi

echo "deps.sh: installing:$missing"
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
echo "deps.sh: done"
