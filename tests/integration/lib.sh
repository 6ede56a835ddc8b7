# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Shared helpers for the nat64d end-to-end tests.  Sourced by every
# tests/integration/test_*.sh; the binary under test is $1 (or $NAT64D).
#
# The test network (namespace names carry the PID so parallel runs and
# leftovers never clash):
#
#  ┌──────────────────────┐      ┌────────────────────────────────────────┐      ┌──────────────────────┐
#  │ $C  IPv6-only client │      │ $R  router + translator                │      │ $S  IPv4-only server │
#  │                      │      │                                        │      │                      │
#  │ vc 2001:db8:1::2/64 ─┼──────┼─ vrc 2001:db8:1::1/64    vrs ──────────┼──────┼─ vs 198.51.100.2/24  │
#  │    2001:db8:1::5 (*) │ veth │       │            198.51.100.1/24     │ veth │   default via .1     │
#  │ default via ::1      │      │       │                  ▲             │      │                      │
#  └──────────────────────┘      │       ▼                  │ masquerade  │      └──────────────────────┘
#                                │  nat64 (TUN) ◄─► translator (daemon)   │
#                                │   routes: 2001:db8:64::/96, 10.64/16,  │
#                                │           192.0.2.0/24 -> nat64        │
#                                └────────────────────────────────────────┘
#
#  prefix        2001:db8:64::/96 (network-specific: documentation space
#                                  cannot be embedded in 64:ff9b::/96)
#  ipv4-addr     10.64.255.1       translator's own IPv4
#  dynamic-pool  10.64.0.0/24      masqueraded by nftables out of vrs
#  map           192.0.2.5  <-> 2001:db8:1::5   (*) deprecated address of c,
#                                               used only when bound explicitly
#  map           192.0.2.1  <-> 2001:db8:1::1   r's own IPv6 side, so its ICMPv6
#                                               errors translate to a real source
#  server s      198.51.100.2  = 2001:db8:64::c633:6402 from c
#
# Output: "ok N - what" / "not ok N - what: details", then a last line
# "N passed, N failed".  Exit status 1 if anything failed.

set -eE -u -o pipefail

if [ "$(id -u)" != 0 ]; then
	echo "# SKIP $(basename "$0"): needs root (network namespaces, TUN)"
	echo "0 passed, 0 failed"
	exit 0
fi

NAT64D=${1:-${NAT64D:-build/nat64d}}
case $NAT64D in /*) ;; *) NAT64D=$PWD/$NAT64D ;; esac
TEST=$(basename "$0" .sh)
TESTDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CONFDIR=$TESTDIR/conf
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)

SUF=$$
C=n64c$SUF
R=n64r$SUF
S=n64s$SUF
TUN=nat64

C6=2001:db8:1::2
C6S=2001:db8:1::5
C4S=192.0.2.5
R6=2001:db8:1::1
R6_4=192.0.2.1
R4=198.51.100.1
S4=198.51.100.2
PREFIX=2001:db8:64::
PLEN=96
S6=2001:db8:64::c633:6402	# prefix + 198.51.100.2
R4_6=2001:db8:64::c633:6401	# prefix + 198.51.100.1
XL4=10.64.255.1
POOL=10.64.0.0/24

NTEST=0
NPASS=0
NFAIL=0
NSKIP=0
FINISHED=0
ERRCMD=
DAEMON_PID=
BG_PIDS=()
WORK=$(mktemp -d "${TMPDIR:-/tmp}/n64it.$TEST.XXXXXX")
DLOG=$WORK/daemon.log
mkdir -p "$WORK/data"
: >"$DLOG"

# Sanitizer builds: make every report fatal and visible in the daemon log.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# --- assertions -----------------------------------------------------------

ok() {
	NTEST=$((NTEST + 1))
	NPASS=$((NPASS + 1))
	echo "ok $NTEST - $1"
}

not_ok() {
	NTEST=$((NTEST + 1))
	NFAIL=$((NFAIL + 1))
	echo "not ok $NTEST - $1: $2"
}

skip() {
	NSKIP=$((NSKIP + 1))
	echo "# SKIP $1: $2"
}

oneline() {
	tail -c "${2:-400}" <<<"$1" | tr '\n\t' '  '
}

# check DESC CMD...: CMD must succeed.
check() {
	local d=$1 out rc
	shift
	if out=$("$@" 2>&1); then
		ok "$d"
	else
		rc=$?
		not_ok "$d" "'$*' exited $rc: $(oneline "$out")"
	fi
}

# check_fails DESC CMD...: CMD must fail.
check_fails() {
	local d=$1 out
	shift
	if out=$("$@" 2>&1); then
		not_ok "$d" "'$*' succeeded but should not: $(oneline "$out")"
	else
		ok "$d"
	fi
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "expected '$(oneline "$2")', got '$(oneline "$3")'"
	fi
}

# check_grep DESC REGEX FILE: extended regex must match a line of FILE.
check_grep() {
	if grep -Eq -- "$2" "$3" 2>/dev/null; then
		ok "$1"
	else
		not_ok "$1" "no line matching /$2/ in $(basename "$3"): $(oneline "$(tail -n 5 "$3" 2>/dev/null)")"
	fi
}

check_no_grep() {
	if grep -Eq -- "$2" "$3" 2>/dev/null; then
		not_ok "$1" "unexpected line in $(basename "$3"): $(oneline "$(grep -E -m1 -- "$2" "$3")")"
	else
		ok "$1"
	fi
}

# --- flavours of the binary under test -------------------------------------

is_tayga() {
	case ${NAT64D_FLAVOR:-$(basename "$NAT64D")} in
	tayga*) return 0 ;;
	esac
	return 1
}

# nat64d_only REASON: the rest of the script tests nat64d behaviour that
# TAYGA 0.9.2 lacks; end the script as skipped.
nat64d_only() {
	if is_tayga; then
		skip "$TEST" "nat64d-only ($1)"
		FINISHED=1
		exit 0
	fi
}

# --- namespaces --------------------------------------------------------------

n_c() { timeout "${TMO:-20}" ip netns exec "$C" "$@"; }
n_r() { timeout "${TMO:-20}" ip netns exec "$R" "$@"; }
n_s() { timeout "${TMO:-20}" ip netns exec "$S" "$@"; }

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
	local n=$(($1 * 10))
	shift
	until "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.1
	done
}

# bg_in NS CMD...: start a helper in the background, bounded to 120 s.
bg_in() {
	local ns=$1
	shift
	timeout 120 ip netns exec "$ns" "$@" &
	BG_PIDS+=($!)
	disown $!
}

# setup_net [MTU_V6 [MTU_V4]]: the three namespaces of the header drawing.
setup_net() {
	local m6=${1:-1500} m4=${2:-1500} ns
	for ns in "$C" "$R" "$S"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
	done
	ip -n "$C" link add vc mtu "$m6" type veth peer name vrc mtu "$m6" netns "$R"
	ip -n "$S" link add vs mtu "$m4" type veth peer name vrs mtu "$m4" netns "$R"

	n_c sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.vc.accept_dad=0
	ip -n "$C" link set vc up
	ip -n "$C" addr add "$C6/64" dev vc nodad
	ip -n "$C" addr add "$C6S/64" dev vc nodad preferred_lft 0
	ip -n "$C" -6 route add default via "$R6" dev vc

	n_r sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.vrc.accept_dad=0
	ip -n "$R" link set vrc up
	ip -n "$R" link set vrs up
	ip -n "$R" addr add "$R6/64" dev vrc nodad
	ip -n "$R" addr add "$R4/24" dev vrs
	n_r nft -f - <<-EOF
	table ip nat64test {
		chain post {
			type nat hook postrouting priority srcnat; policy accept;
			ip saddr $POOL oifname "vrs" masquerade
		}
	}
	EOF

	ip -n "$S" link set vs up
	ip -n "$S" addr add "$S4/24" dev vs
	ip -n "$S" route add default via "$R4"
}

# add_c_addr ADDR: another deprecated (explicit-bind only) address on c.
add_c_addr() {
	ip -n "$C" addr add "$1/64" dev vc nodad preferred_lft 0
}

# --- the translator ------------------------------------------------------------

# write_conf FILE [LINE...]: the base TAYGA-format config plus LINEs.
# Set NO_BASE_MAPS=1 to leave the two static maps out.
write_conf() {
	local f=$1 l
	shift
	{
		echo "# $TEST: TAYGA-format config"
		echo "tun-device $TUN"
		echo "ipv4-addr $XL4"
		echo "prefix $PREFIX/$PLEN"
		echo "dynamic-pool $POOL"
		echo "data-dir $WORK/data"
		if [ "${NO_BASE_MAPS:-0}" != 1 ]; then
			echo "map $C4S $C6S"
			echo "map $R6_4 $R6"
		fi
		# NAT64D_OFFLOAD=no: the same suite without offloads.
		if [ "${NAT64D_OFFLOAD:-yes}" = no ] && ! is_tayga; then
			echo "offload no"
		fi
		for l in "$@"; do echo "$l"; done
	} >"$f"
}

daemon_alive() {
	[ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null
}

# start_daemon CONF [ARGS...]: run the translator in $R in the
# foreground with debug logging, and wait for its TUN to exist.
start_daemon() {
	local conf=$1 pre=()
	shift
	# TAYGA logs with stdio to stdout: line-buffer it so the log is
	# complete when read.  (Not for nat64d: ASan must load first.)
	if is_tayga; then pre=(stdbuf -oL -eL); fi
	echo "=== $(date +%T) start: $NAT64D -c $conf -d $*" >>"$DLOG"
	ip netns exec "$R" "${pre[@]}" "$NAT64D" -c "$conf" -d "$@" >>"$DLOG" 2>&1 &
	DAEMON_PID=$!
	if ! wait_for 5 ip -n "$R" link show dev "$TUN"; then
		echo "# daemon did not create $TUN within 5 s"
		return 1
	fi
	sleep 0.2
	daemon_alive
}

# stop_daemon [SIGNAL]: stop it and return its exit status.
stop_daemon() {
	local pid=$DAEMON_PID n=50 rc=0
	[ -n "$pid" ] || return 0
	kill "-${1:-TERM}" "$pid" 2>/dev/null || true
	while kill -0 "$pid" 2>/dev/null && [ "$n" -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "=== daemon ignored SIG${1:-TERM} for 5 s; killed" >>"$DLOG"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || rc=$?
	DAEMON_PID=
	echo "=== $(date +%T) exit status $rc" >>"$DLOG"
	return "$rc"
}

# tun_config: bring the TUN up and route the translated spaces into it
# (done by the script so that it works for any translator binary).
tun_config() {
	ip -n "$R" link set dev "$TUN" up
	ip -n "$R" route add 10.64.0.0/16 dev "$TUN"
	ip -n "$R" route add 192.0.2.0/24 dev "$TUN"
	ip -n "$R" -6 route add "$PREFIX/$PLEN" dev "$TUN"
}

# start_translator [LINE...]: base config plus LINEs, daemon, TUN setup.
start_translator() {
	write_conf "$WORK/nat64.conf" "$@"
	start_daemon "$WORK/nat64.conf"
	tun_config
}

# check_daemon_exit: SIGTERM must end it with status 0 and no
# sanitizer report in its log.
check_daemon_exit() {
	local rc=0
	stop_daemon || rc=$?
	check_eq "daemon exits 0 on SIGTERM" 0 "$rc"
	check_no_grep "no sanitizer report in the daemon log" \
		'ERROR: (Address|Leak)Sanitizer|runtime error:' "$DLOG"
}

# --- traffic helpers -------------------------------------------------------------

# ping_ok NS ARGS... DEST: three echo replies within 4 s.
ping_ok() {
	local ns=$1
	shift
	timeout 10 ip netns exec "$ns" ping -n -c 3 -i 0.2 -W 2 -w 4 "$@"
}

# ping_none NS ARGS... DEST: not a single reply (sends 3).
ping_none() {
	local ns=$1 out
	shift
	out=$(timeout 10 ip netns exec "$ns" ping -n -c 3 -i 0.2 -W 1 -w 3 "$@" 2>&1 || true)
	if grep -q ' 0 received' <<<"$out" || ! grep -q 'bytes from' <<<"$out"; then
		return 0
	fi
	echo "$out"
	return 1
}

# listening NS PORT [-u]: a TCP (or with -u UDP) socket is bound to PORT.
listening() {
	[ -n "$(ip netns exec "$1" ss -Hln ${3:--t} "sport = :$2" 2>/dev/null)" ]
}

# wait_listen NS PORT [-u]
wait_listen() {
	wait_for 5 listening "$@"
}

# capture NS IFACE FILE FILTER...: tcpdump in the background; returns when
# it is listening.  Read FILE after the traffic (tcpdump -l writes lines).
capture() {
	local ns=$1 ifc=$2 f=$3
	shift 3
	bg_in "$ns" tcpdump -l -n -i "$ifc" "$@" >"$f" 2>"$f.err"
	wait_for 5 grep -q 'listening on' "$f.err"
}

# gen_file FILE SIZE: random content.
gen_file() {
	head -c "$2" /dev/urandom >"$1"
}

# size_is FILE BYTES
size_is() {
	[ "$(stat -c %s "$1" 2>/dev/null)" = "$2" ]
}

sha() {
	sha256sum <"$1" | cut -d' ' -f1
}

# --- teardown --------------------------------------------------------------------

on_err() {
	local i=0 fr where=
	while fr=$(caller "$i"); do
		set -- $fr
		where="$where <- $(basename "$3"):$1${2:+ ($2)}"
		i=$((i + 1))
	done
	ERRCMD="'$BASH_COMMAND'$where"
}

cleanup() {
	local rc=$? p ns
	trap - EXIT INT TERM ERR
	set +e
	if [ "$FINISHED" != 1 ]; then
		not_ok "$TEST ran to its end" "aborted with status $rc at ${ERRCMD:-an interrupt}"
	fi
	if [ -n "$DAEMON_PID" ]; then
		kill -KILL "$DAEMON_PID" 2>/dev/null
		wait "$DAEMON_PID" 2>/dev/null
	fi
	for p in "${BG_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for ns in "$C" "$R" "$S" ${EXTRA_NS:-}; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	wait 2>/dev/null
	if [ "$NFAIL" -gt 0 ]; then
		echo "# daemon log (last 40 lines), work dir kept: $WORK"
		tail -n 40 "$DLOG" | sed 's/^/#   /'
	elif [ "${KEEP:-0}" != 1 ]; then
		rm -rf "$WORK"
	fi
	echo "$NPASS passed, $NFAIL failed"
	[ "$NFAIL" -eq 0 ]
	exit
}

finish() {
	FINISHED=1
	exit 0
}

trap on_err ERR
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ ! -x "$NAT64D" ]; then
	not_ok "binary under test" "$NAT64D is not an executable file"
	FINISHED=1
	exit 1
fi
