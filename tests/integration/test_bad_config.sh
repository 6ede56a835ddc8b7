#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Bad configs exit 1 with their exact error text (text: nat64d only; TAYGA
# 0.9.2 words its errors differently but also exits 1).  The daemon runs in
# a namespace of its own, so a config wrongly accepted cannot touch the host:
#
#   $R (empty namespace) : $NAT64D -c conf/bad-*.conf -d   -> exit 1, stderr
. "$(dirname "$0")/lib.sh"

ip netns add "$R"

# bad NAME EXPECTED-TEXT: run the daemon on conf/NAME.conf (copied, so the
# file name in the message is known), expect exit 1 and, for nat64d, a
# line ending in EXPECTED-TEXT (FILE stands for the path).
bad() {
	local name=$1 want=${2//FILE/$WORK/$1.conf} rc=0 out
	cp "$CONFDIR/$name.conf" "$WORK/$name.conf"
	out=$(timeout 5 ip netns exec "$R" "$NAT64D" -c "$WORK/$name.conf" -d 2>&1) || rc=$?
	check_eq "$name: exit status 1" 1 "$rc"
	is_tayga && return 0
	if [ -z "$2" ]; then
		:
	elif awk -v w="$want" 'length($0) >= length(w) && substr($0, length($0) - length(w) + 1) == w { f = 1 }
	    END { exit !f }' <<<"$out"; then
		ok "$name: error text"
	else
		not_ok "$name: error text" "no line ending in '$want'; got: $(oneline "$out")"
	fi
	rc=0
	out=$(timeout 5 ip netns exec "$R" "$NAT64D" -c "$WORK/$name.conf" --check-config 2>&1) || rc=$?
	check_eq "$name: --check-config also exits 1" 1 "$rc"
}

bad bad-missing-tun-device \
	"FILE: directive 'tun-device' is missing; expected the TUN interface name"
bad bad-prefix-length \
	"FILE:3: directive 'prefix': value '2001:db8::/33' is not a valid RFC 6052 prefix length; expected /32, /40, /48, /56, /64 or /96"
bad bad-unknown-directive ""
bad bad-pool-host-bits ""
bad bad-map-ipv4 ""

if ! is_tayga; then
	# Loose checks where the exact wording is the config module's choice:
	# file:line and the directive must be named, and all errors reported.
	# has FILE-NAME REGEX DESC
	has() {
		local out
		out=$(timeout 5 ip netns exec "$R" "$NAT64D" -c "$WORK/$1.conf" --check-config 2>&1 || true)
		if grep -Eq -- "$2" <<<"$out"; then ok "$3"; else not_ok "$3" "no /$2/ in: $(oneline "$out")"; fi
	}
	has bad-unknown-directive "$WORK/bad-unknown-directive.conf:4: .*'bogus-directive'" \
		"unknown directive named with file:line"
	has bad-pool-host-bits "$WORK/bad-pool-host-bits.conf:4: directive 'dynamic-pool': value '10.64.0.1/24'" \
		"pool with host bits named with file:line, directive and value"
	has bad-map-ipv4 "$WORK/bad-map-ipv4.conf:4: directive 'map': value '192.0.2.300" \
		"bad map address named with file:line, directive and value"
	cp "$CONFDIR/bad-two-errors.conf" "$WORK/"
	has bad-two-errors "$WORK/bad-two-errors.conf:3: directive 'prefix'" "two errors: the first is reported"
	has bad-two-errors "$WORK/bad-two-errors.conf:5: .*'bogus-directive'" "two errors: the second is reported too"

	cp "$CONFDIR/good.conf" "$WORK/good.conf"
	rc=0
	out=$(timeout 5 ip netns exec "$R" "$NAT64D" -c "$WORK/good.conf" --check-config 2>&1) || rc=$?
	check_eq "good.conf: --check-config exits 0 ($(oneline "$out" 200))" 0 "$rc"
	rc=0
	timeout 5 ip netns exec "$R" "$NAT64D" -c "$WORK/good.conf" --dump-config >"$WORK/dump.conf" 2>&1 || rc=$?
	check_eq "good.conf: --dump-config exits 0" 0 "$rc"
	rc=0
	out=$(timeout 5 ip netns exec "$R" "$NAT64D" -c "$WORK/dump.conf" --check-config 2>&1) || rc=$?
	check_eq "the dumped config is valid itself ($(oneline "$out" 200))" 0 "$rc"
	check_fails "good.conf: --check-config created no TUN" ip -n "$R" link show dev nat64
fi

rc=0
out=$(timeout 5 ip netns exec "$R" "$NAT64D" -c "$WORK/does-not-exist.conf" -d 2>&1) || rc=$?
check_eq "a missing config file: exit status 1" 1 "$rc"
check_grep "a missing config file: the path is named" "$WORK/does-not-exist.conf" <(echo "$out")
finish
