#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Restart keeps dynamic-pool leases: dynamic.map in data-dir (TAYGA format,
# "IPv4<TAB>IPv6<TAB>last-use") is written on SIGTERM and read at start.
#
#   c 2001:db8:1::2 and 2001:db8:1::101 ──► translator (pool 10.64.0.0/24) ──► s
#   run 1: ::2 then ::101 get leases; SIGTERM writes dynamic.map
#   run 2: asked in the opposite order; the leases are loaded, so the
#          translated sources seen on the TUN are the same pool addresses as
#          in run 1 (s only sees the masquerade).  The two addresses have the
#          same byte sum, so TAYGA's hash puts them on the same start slot:
#          there a fresh assignment in the opposite order would swap them;
#          for any hash, the "Loaded 2 dynamic maps" log line is checked.
#   (topology: lib.sh header)
. "$(dirname "$0")/lib.sh"

setup_net
C6B=2001:db8:1::101
add_c_addr "$C6B"
DMAP=$WORK/data/dynamic.map

# src_on_tun FILE V6: the pool address the translator used for V6.
pool_src() {
	sed -n "s/.* IP \(10\.64\.0\.[0-9]*\) > $S4: ICMP echo request.*/\1/p" "$1" | sort -u
}

# ping_via N TAG V6: ping s from V6, capturing the translated source.
ping_via() {
	capture "$R" nat64 "$WORK/tun$1$2.txt" icmp and src net "$POOL"
	check "run $1: c ($3) pings s through the pool" ping_ok "$C" -I "$3" "$S6"
	sleep 0.3
	kill "${BG_PIDS[-1]}" 2>/dev/null || true
}

run_once() {	# N
	start_translator
	if [ "$1" = 1 ]; then
		ping_via "$1" a "$C6"
		ping_via "$1" b "$C6B"
	else
		ping_via "$1" b "$C6B"
		ping_via "$1" a "$C6"
	fi
	local rc=0
	stop_daemon || rc=$?
	check_eq "run $1: SIGTERM exits 0" 0 "$rc"
	tunv4a=$(pool_src "$WORK/tun$1a.txt")
	tunv4b=$(pool_src "$WORK/tun$1b.txt")
}

run_once 1
first_a=$tunv4a
first_b=$tunv4b
check "run 1: $C6 got one pool address ($first_a)" test "$(wc -w <<<"$first_a")" = 1
check "run 1: $C6B got another one ($first_b)" \
	test "$(wc -w <<<"$first_b")" = 1 -a "$first_a" != "$first_b"
check_grep "dynamic.map has the lease $first_a for $C6" \
	"^${first_a//./\\.}[[:space:]]+$C6[[:space:]]+[0-9]+$" "$DMAP"
check_grep "dynamic.map has the lease $first_b for $C6B" \
	"^${first_b//./\\.}[[:space:]]+$C6B[[:space:]]+[0-9]+$" "$DMAP"
cp "$DMAP" "$WORK/dynamic.map.1" 2>/dev/null || true

# Nothing of the old process is left: the TUN went away with it.
check_fails "the TUN disappeared with the daemon" ip -n "$R" link show dev "$TUN"

run_once 2
# kept DESC RUN1 RUN2: the same single pool address in both runs.
kept() {
	if [ -z "$2" ] || [ -z "$3" ]; then
		not_ok "$1" "no pool address seen (run 1: '$2', run 2: '$3')"
	else
		check_eq "$1" "$2" "$3"
	fi
}
kept "run 2: $C6 kept its lease" "$first_a" "$tunv4a"
kept "run 2: $C6B kept its lease" "$first_b" "$tunv4b"
check_grep "dynamic.map still has $first_a for $C6" \
	"^${first_a//./\\.}[[:space:]]+$C6[[:space:]]+[0-9]+$" "$DMAP"
check_grep "run 2: the daemon logged loading both leases" "[Ll]oaded 2 dynamic maps" "$DLOG"
check_no_grep "no sanitizer report in the daemon log" \
	'ERROR: (Address|Leak)Sanitizer|runtime error:' "$DLOG"
finish
