#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Debian package: build it from a temporary copy of the tree with
# `dpkg-buildpackage -us -uc -b`, check the hardening of every compile and
# link (blhc), its file list, conffiles and fields, lintian (no errors or
# warnings), then install it, run the installed nat64d the way
# nat64d.service runs it (user nat64d, CAP_NET_ADMIN only, shipped
# /etc/nat64d.conf, in a network namespace of its own), and purge it,
# leaving the system as it was before.
#
# Usage: tests/integration/test_deb.sh [build/nat64d]   (root; apt for missing tools)
# DEB_CHECK=1 also runs the unit tests inside the package build (they are
# run by `make check-unit` anyway, so by default the build uses nocheck).
# Output: "ok N - what" / "not ok N - what", then "N passed, N failed".

set -u -o pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VERSION=$(sed -n 's/^VERSION = //p' "$TOP/Makefile")
ARCH=$(dpkg --print-architecture)
DEB=nat64d_${VERSION}-1_${ARCH}.deb
NS=n64deb$$
WORK=$(mktemp -d /tmp/nat64d-test_deb.XXXXXX)
INSTALLED=0
DPID=

NTEST=0 NPASS=0 NFAIL=0

ok() { NTEST=$((NTEST + 1)); NPASS=$((NPASS + 1)); echo "ok $NTEST - $1"; }
fail() {
	NTEST=$((NTEST + 1)); NFAIL=$((NFAIL + 1))
	echo "not ok $NTEST - $1${2:+: $2}"
}
finish() {
	echo "$NPASS passed, $NFAIL failed"
	[ "$NFAIL" = 0 ]
	exit
}

cleanup() {
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	# Never leave our package behind, whatever failed.
	[ "$INSTALLED" = 1 ] && dpkg --purge nat64d >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "# SKIP test_deb: needs root (dpkg -i, network namespace)"
	echo "0 passed, 0 failed"
	exit 0
fi
# run-all.sh passes each binary under test; the package is built from
# the source tree, so it is tested once, with the normal build.
case ${1:-build/nat64d} in
*/asan/*|*tayga*)
	echo "# SKIP test_deb: the package is tested once, with build/nat64d"
	echo "0 passed, 0 failed"
	exit 0 ;;
esac
if dpkg-query -W -f='${Status}' nat64d 2>/dev/null | grep -q installed; then
	fail "nat64d is not installed before the test" \
		"refusing to replace and purge an existing installation"
	finish
fi

# Build and check tools, installed if this machine lacks them.
tools="dpkg-dev debhelper lintian blhc fakeroot libconfuse-dev libcmocka-dev pkg-config systemd"
missing=
for p in $tools; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		$missing >"$WORK/apt.log" 2>&1 ||
		{ fail "install build tools:$missing" "$(tail -3 "$WORK/apt.log")"; finish; }
fi

# ---- what the system looks like before ----------------------------------

snapshot() {	# the files and the account the package may touch
	find /etc /usr/sbin /lib/systemd/system /usr/share/doc /usr/share/man \
	    /var/lib/nat64d -xdev 2>/dev/null |
		grep -v -e '^/etc/ld.so.cache$' | sort
	getent passwd nat64d
	getent group nat64d
}
snapshot >"$WORK/before"

# ---- build -------------------------------------------------------------

SRC=$WORK/nat64d-$VERSION
mkdir -p "$SRC"
tar -C "$TOP" --exclude=./build --exclude=./.git --exclude='./debian/nat64d' \
	--exclude='./debian/.debhelper' -cf - . | tar -C "$SRC" -xf -
opts=nocheck
[ "${DEB_CHECK:-0}" = 1 ] && opts=
if (cd "$SRC" && DEB_BUILD_OPTIONS=$opts timeout 900 \
    dpkg-buildpackage -us -uc -b) >"$WORK/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b"
else
	fail "dpkg-buildpackage -us -uc -b" "$(tail -5 "$WORK/build.log" | tr '\n' '|')"
	finish
fi
[ -f "$WORK/$DEB" ] && ok "built $DEB" || { fail "built $DEB" "$(ls "$WORK")"; finish; }

# Every compiler and linker line carries dpkg-buildflags' hardening.
ncc=$(grep -Ec '^(cc|gcc|x86_64-linux-gnu-gcc) .*(-c|-o build/nat64d) ' "$WORK/build.log")
out=$(blhc "$WORK/build.log" 2>&1); rc=$?
[ "$rc" = 0 ] && [ -z "$out" ] && [ "$ncc" -ge 10 ] &&
	ok "blhc: hardening flags on all $ncc compile/link lines" ||
	fail "blhc: hardening flags on all compile/link lines" \
		"rc $rc, $ncc lines: $(echo "$out" | head -3 | cut -c1-200 | tr '\n' '|')"

# ---- contents -----------------------------------------------------------

dpkg-deb -c "$WORK/$DEB" | awk '$1 !~ /^d/ {print $6}' | sed 's/\.gz$//' |
	sort >"$WORK/files"
sort >"$WORK/want" <<EOF
./etc/nat64d.conf
./lib/systemd/system/nat64d.service
./lib/systemd/system/nat64d@.service
./usr/sbin/nat64d
./usr/share/doc/nat64d/README
./usr/share/doc/nat64d/changelog.Debian
./usr/share/doc/nat64d/copyright
./usr/share/doc/nat64d/examples/bind-dns64.conf
./usr/share/doc/nat64d/examples/clat.conf
./usr/share/doc/nat64d/examples/nat64d.conf
./usr/share/doc/nat64d/examples/nftables-nat64.nft
./usr/share/doc/nat64d/examples/siit-eam.conf
./usr/share/doc/nat64d/examples/tayga.conf
./usr/share/doc/nat64d/examples/unbound-dns64.conf
./usr/share/lintian/overrides/nat64d
./usr/share/man/man5/nat64d.conf.5
./usr/share/man/man8/nat64d.8
EOF
if diff -u "$WORK/want" "$WORK/files" >"$WORK/diff"; then
	ok "file list is exactly the expected one"
else
	fail "file list is exactly the expected one" "$(grep '^[-+]\.' "$WORK/diff" | tr '\n' ' ')"
fi
dpkg-deb -c "$WORK/$DEB" >"$WORK/list"
grep -q '^-rwxr-xr-x root/root .* ./usr/sbin/nat64d$' "$WORK/list" &&
	ok "/usr/sbin/nat64d is 0755 root:root" || fail "/usr/sbin/nat64d is 0755 root:root"

mkdir -p "$WORK/ctl"
dpkg-deb -e "$WORK/$DEB" "$WORK/ctl"
[ "$(cat "$WORK/ctl/conffiles" 2>/dev/null)" = /etc/nat64d.conf ] &&
	ok "conffiles: /etc/nat64d.conf" ||
	fail "conffiles: /etc/nat64d.conf" "$(cat "$WORK/ctl/conffiles" 2>&1)"
f() { dpkg-deb -f "$WORK/$DEB" "$1"; }
[ "$(f Version)" = "$VERSION-1" ] && ok "Version $VERSION-1" || fail "Version" "$(f Version)"
deps=$(f Depends)
case $deps in
*iproute2*libconfuse2*|*libconfuse2*iproute2*) ok "Depends: $deps" ;;
*) fail "Depends has iproute2 and the shlibs (libconfuse2)" "$deps" ;;
esac
[ "$(f Recommends)" = nftables ] && ok "Recommends: nftables" ||
	fail "Recommends: nftables" "$(f Recommends)"
# lintian: no error and no warning (overrides are in the package with
# their reasons).
lintian --fail-on error,warning "$WORK/$DEB" >"$WORK/lintian" 2>"$WORK/lintian.err"; rc=$?
if [ "$rc" = 0 ] && ! grep -Eq '^(E|W):' "$WORK/lintian"; then
	ok "lintian: no errors or warnings"
else
	fail "lintian: no errors or warnings" "rc $rc: $(tr '\n' '|' <"$WORK/lintian")"
fi

# ---- install ------------------------------------------------------------

if dpkg -i "$WORK/$DEB" >"$WORK/install.log" 2>&1; then
	INSTALLED=1
	ok "dpkg -i $DEB"
else
	INSTALLED=1
	fail "dpkg -i $DEB" "$(tail -5 "$WORK/install.log" | tr '\n' '|')"
	finish
fi
v=$(/usr/sbin/nat64d --version 2>&1)
[ "$v" = "nat64d $VERSION" ] && ok "installed nat64d --version: $v" ||
	fail "installed nat64d --version" "$v"
out=$(/usr/sbin/nat64d --check-config -c /etc/nat64d.conf 2>&1); rc=$?
[ "$rc" = 0 ] && [ "$out" = "/etc/nat64d.conf: configuration OK" ] &&
	ok "installed nat64d --check-config -c /etc/nat64d.conf" ||
	fail "installed nat64d --check-config -c /etc/nat64d.conf" "rc $rc: $out"
for ex in /usr/share/doc/nat64d/examples/{nat64d,siit-eam,clat,tayga}.conf; do
	/usr/sbin/nat64d --check-config -c "$ex" >/dev/null 2>&1 || bad="${bad:-} $ex"
done
[ -z "${bad:-}" ] && ok "installed examples pass --check-config" ||
	fail "installed examples pass --check-config" "$bad"
pw=$(getent passwd nat64d)
uid=$(echo "$pw" | cut -d: -f3)
if [ -n "$pw" ] && [ "$uid" -lt 1000 ] && [ "$uid" -gt 0 ] &&
    [ "$(echo "$pw" | cut -d: -f7)" = /usr/sbin/nologin ] && getent group nat64d >/dev/null; then
	ok "system user and group nat64d (uid $uid, nologin)"
else
	fail "system user and group nat64d" "'$pw'"
fi
dpkg-query -W -f='${Conffiles}' nat64d | grep -q '^ /etc/nat64d.conf [0-9a-f]\{32\}$' &&
	ok "dpkg knows /etc/nat64d.conf as a conffile" ||
	fail "dpkg knows /etc/nat64d.conf as a conffile"
[ ! -e /etc/systemd/system/multi-user.target.wants/nat64d.service ] &&
	ok "nat64d.service not enabled on install" ||
	fail "nat64d.service not enabled on install"
[ "$(man -w nat64d 2>/dev/null)" = /usr/share/man/man8/nat64d.8.gz ] &&
[ "$(man -w 5 nat64d.conf 2>/dev/null)" = /usr/share/man/man5/nat64d.conf.5.gz ] &&
	ok "man -w finds nat64d(8) and nat64d.conf(5)" ||
	fail "man -w finds nat64d(8) and nat64d.conf(5)"
out=$(cd /lib/systemd/system && systemd-analyze verify nat64d.service nat64d@.service 2>&1); rc=$?
[ "$rc" = 0 ] && [ -z "$out" ] && ok "systemd-analyze verify on the installed units" ||
	fail "systemd-analyze verify on the installed units" "rc $rc: $(echo "$out" | tr '\n' '|')"

# ---- run it as nat64d.service does ---------------------------------------

# The unit's privilege model, without systemd: user and group nat64d,
# CAP_NET_ADMIN as the only (ambient, bounding) capability, no new
# privileges, $STATE_DIRECTORY owned by nat64d, the shipped config, and
# READY=1 on $NOTIFY_SOCKET.  Inside a network namespace of our own, in a
# mount namespace where /dev/net/tun has the mode udev gives it on Debian
# (0666; some containers have 0600).
unit_run() {
	local st=$WORK/state
	chmod 0755 "$WORK"
	install -d -o nat64d -g nat64d -m 0750 "$st"
	ip netns add "$NS" || return 1
	socat -u UNIX-RECV:"$WORK/notify" OPEN:"$WORK/notified",creat,append &
	local spid=$!
	for _ in $(seq 50); do [ -S "$WORK/notify" ] && break; sleep 0.1; done
	chmod 0666 "$WORK/notify"
	unshare --mount --propagation private bash -c '
		mknod -m 0666 "$1/tun" c 10 200 && mount --bind "$1/tun" /dev/net/tun &&
		exec ip netns exec "$2" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			NOTIFY_SOCKET="$1/notify" STATE_DIRECTORY="$1/state" \
			setpriv --reuid=nat64d --regid=nat64d --clear-groups \
			--inh-caps=-all,+net_admin --ambient-caps=-all,+net_admin \
			--bounding-set=-all,+net_admin --no-new-privs \
			/usr/sbin/nat64d --nodetach --stdout --config /etc/nat64d.conf
		' _ "$WORK" "$NS" >"$WORK/daemon.log" 2>&1 &
	DPID=$!
	for _ in $(seq 100); do grep -q READY=1 "$WORK/notified" 2>/dev/null && break; sleep 0.1; done
	kill "$spid" 2>/dev/null
	grep -q READY=1 "$WORK/notified" 2>/dev/null
}
if unit_run; then
	ok "as user nat64d with CAP_NET_ADMIN only: READY=1 sent"
else
	fail "as user nat64d with CAP_NET_ADMIN only: READY=1 sent" \
		"$(head -c 600 "$WORK/daemon.log" | tr '\n' '|')"
fi
link=$(ip -n "$NS" -o link show nat64 2>&1)
routes=$(ip -n "$NS" route show dev nat64 2>&1; ip -n "$NS" -6 route show dev nat64 2>&1)
case $link in *'<POINTOPOINT,MULTICAST,NOARP,UP,LOWER_UP>'*|*',UP'*) up=1 ;; *) up=0 ;; esac
if [ "$up" = 1 ] && echo "$routes" | grep -q '^192.168.255.0/24' &&
    echo "$routes" | grep -q '^64:ff9b::/96'; then
	ok "shipped config: TUN nat64 up with the pool and prefix routes"
else
	fail "shipped config: TUN nat64 up with the pool and prefix routes" "$link | $routes"
fi
pid=$(pgrep -u nat64d -x nat64d | head -1)
if [ -n "$pid" ] && grep -q '^CapEff:[[:space:]]*0000000000001000$' "/proc/$pid/status"; then
	ok "the daemon runs as nat64d with CapEff = CAP_NET_ADMIN only"
else
	fail "the daemon runs as nat64d with CapEff = CAP_NET_ADMIN only" \
		"pid '$pid' $(grep ^Cap "/proc/${pid:-0}/status" 2>/dev/null | tr '\n' ' ')"
fi
if [ -n "$pid" ]; then
	kill -HUP "$pid"; sleep 0.5
	kill -0 "$pid" 2>/dev/null && ok "SIGHUP: still running (reload as user nat64d)" ||
		fail "SIGHUP: still running" "$(tail -3 "$WORK/daemon.log" | tr '\n' '|')"
	kill -TERM "$pid"
	rc=0; wait "$DPID" || rc=$?
	DPID=
	[ "$rc" = 0 ] && ok "SIGTERM: exit status 0" ||
		fail "SIGTERM: exit status 0" "rc $rc: $(tail -3 "$WORK/daemon.log" | tr '\n' '|')"
	dm=$WORK/state/dynamic.map
	[ -f "$dm" ] && [ "$(stat -c %U "$dm")" = nat64d ] &&
		ok "dynamic.map saved in \$STATE_DIRECTORY, owned by nat64d" ||
		fail "dynamic.map saved in \$STATE_DIRECTORY, owned by nat64d" "$(ls -l "$WORK/state" 2>&1)"
fi
ip netns del "$NS" 2>/dev/null

# ---- purge --------------------------------------------------------------

if dpkg --purge nat64d >"$WORK/purge.log" 2>&1; then
	INSTALLED=0
	ok "dpkg --purge nat64d"
else
	fail "dpkg --purge nat64d" "$(tail -5 "$WORK/purge.log" | tr '\n' '|')"
fi
snapshot >"$WORK/after"
if diff -u "$WORK/before" "$WORK/after" >"$WORK/diff"; then
	ok "after purge the system is as before (files, user, group)"
else
	fail "after purge the system is as before" "$(grep '^[-+][^-+]' "$WORK/diff" | head -10 | tr '\n' ' ')"
fi
dpkg-query -W nat64d >/dev/null 2>&1 && fail "dpkg forgot nat64d" || ok "dpkg forgot nat64d"

finish
