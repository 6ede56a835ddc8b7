#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The documentation and the shipped files agree with the code:
#  - every command-line option of src/main.c is in nat64d(8) and --help,
#    every option nat64d(8) lists exists;
#  - every directive of src/config.c is in nat64d.conf(5) and vice versa,
#    and every example value of nat64d.conf(5) passes --check-config;
#  - every drop reason of src/xlat.h is listed in nat64d(8);
#  - both pages lint clean with mandoc;
#  - each nat64d example in conf/ passes --check-config, and so does its
#    --dump-config; the nftables and DNS snippets pass their own checkers;
#  - the generated systemd units pass `systemd-analyze verify`, and each
#    block of settings in them carries a comment.
#
# Usage: tests/integration/test_docs.sh [path/to/nat64d]
# Output: "ok N - what" / "not ok N - what" / "# SKIP why", then
# "N passed, N failed".

set -u -o pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NAT64D=${1:-${NAT64D:-$TOP/build/nat64d}}
case $NAT64D in /*) ;; *) NAT64D=$PWD/$NAT64D ;; esac
MAN8=$TOP/man/nat64d.8
MAN5=$TOP/man/nat64d.conf.5
NS=n64doc$$
WORK=$(mktemp -d /tmp/nat64d-test_docs.XXXXXX)

NTEST=0 NPASS=0 NFAIL=0 NSKIP=0

cleanup() {
	ip netns del "$NS" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

ok() { NTEST=$((NTEST + 1)); NPASS=$((NPASS + 1)); echo "ok $NTEST - $1"; }
fail() {
	NTEST=$((NTEST + 1)); NFAIL=$((NFAIL + 1))
	echo "not ok $NTEST - $1${2:+: $2}"
}
skip() { NSKIP=$((NSKIP + 1)); echo "# SKIP $1"; }
check() {	# check "what" cmd...: ok if cmd succeeds
	local what=$1; shift
	if "$@" >"$WORK/out" 2>&1; then ok "$what"
	else fail "$what" "$(head -c 600 "$WORK/out" | tr '\n' '|')"; fi
}

finish() {
	echo "$NPASS passed, $NFAIL failed"
	[ "$NFAIL" = 0 ]
	exit
}

if [ ! -x "$NAT64D" ]; then
	fail "binary $NAT64D exists" "build it first (make)"
	finish
fi
# run-all.sh also runs the suite against TAYGA: its docs are not ours.
case $("$NAT64D" -V 2>/dev/null) in
"nat64d "*) ;;
*)	echo "# SKIP test_docs: $NAT64D is not nat64d"
	finish ;;
esac
# Tools the checks need; installed on a machine that lacks them.
need() {	# need command package
	command -v "$1" >/dev/null && return 0
	[ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq "$2" >/dev/null 2>&1
	command -v "$1" >/dev/null
}
need mandoc mandoc || fail "mandoc available"
need systemd-analyze systemd || fail "systemd-analyze available"

# ---- command-line options ------------------------------------------------

# The long options as the code defines them: lines { "name", ... } of
# long_opts[], and the short ones from the getopt string.
LONG_OPTS=$(sed -n '/long_opts\[\] = {/,/^};/p' "$TOP/src/main.c" |
	sed -n 's/^[[:space:]]*{ *"\([a-z0-9-]*\)".*/\1/p')
SHORT_OPTS=$(sed -n 's/.*getopt_long([^"]*"\([^"]*\)".*/\1/p' "$TOP/src/main.c" |
	tr -d ':' | fold -w1)
if [ "$(echo "$LONG_OPTS" | wc -w)" -lt 15 ] || [ -z "$SHORT_OPTS" ]; then
	fail "options found in src/main.c" "long: $LONG_OPTS short: $SHORT_OPTS"
fi

help_out=$("$NAT64D" --help 2>&1); help_rc=$?
[ "$help_rc" = 0 ] && ok "--help exits 0" || fail "--help exits 0" "rc $help_rc"
version=$(sed -n 's/^VERSION = //p' "$TOP/Makefile")
v_out=$("$NAT64D" -V 2>&1)
[ "$v_out" = "nat64d $version" ] && ok "-V prints 'nat64d $version'" ||
	fail "-V prints 'nat64d $version'" "got '$v_out'"

missing_man= missing_help=
for o in $LONG_OPTS; do
	grep -q "Fl \\\\-$(echo "$o" | sed 's/-/\\\\-/g')\\b" "$MAN8" ||
		missing_man="$missing_man --$o"
	echo "$help_out" | grep -q -- "--$o\\b" || missing_help="$missing_help --$o"
done
for o in $SHORT_OPTS; do
	grep -Eq "^\\.(It|Op) Fl $o( |$)|^\\.Op Fl [a-zA-Z]*$o" "$MAN8" ||
		missing_man="$missing_man -$o"
	echo "$help_out" | grep -q -- "-$o[, ]" || missing_help="$missing_help -$o"
done
[ -z "$missing_man" ] && ok "every option of main.c is in nat64d(8)" ||
	fail "every option of main.c is in nat64d(8)" "missing:$missing_man"
[ -z "$missing_help" ] && ok "every option of main.c is in --help" ||
	fail "every option of main.c is in --help" "missing:$missing_help"

# And the reverse: each option the page describes (.It Fl ...) exists.
unknown=
for o in $(sed -n 's/^\.It Fl \\-\([a-z\\-]*\).*/\1/p; s/^\.It Fl [a-zA-Z] , Fl \\-\([a-z\\-]*\).*/\1/p' "$MAN8" |
    sed 's/\\-/-/g'); do
	echo "$LONG_OPTS" | grep -qx -- "$o" || unknown="$unknown --$o"
done
[ -z "$unknown" ] && ok "every option in nat64d(8) exists in main.c" ||
	fail "every option in nat64d(8) exists in main.c" "unknown:$unknown"

# ---- config directives ---------------------------------------------------

DIRECTIVES=$(sed -n 's/^[[:space:]]*\[D_[A-Z0-9_]*\][[:space:]]*= { "\([a-z0-9-]*\)".*/\1/p' \
	"$TOP/src/config.c")
if [ "$(echo "$DIRECTIVES" | wc -w)" -lt 20 ]; then
	fail "directives found in src/config.c" "got: $DIRECTIVES"
fi
DOCUMENTED=$(sed -n '/^\.Sh DIRECTIVES/,/^\.Sh /s/^\.It Ic \([a-z0-9-]*\).*/\1/p' "$MAN5")
missing= unknown=
for d in $DIRECTIVES; do
	echo "$DOCUMENTED" | grep -qx -- "$d" || missing="$missing $d"
done
for d in $DOCUMENTED; do
	echo "$DIRECTIVES" | grep -qx -- "$d" || unknown="$unknown $d"
done
[ -z "$missing" ] && ok "every directive of config.c is in nat64d.conf(5)" ||
	fail "every directive of config.c is in nat64d.conf(5)" "missing:$missing"
[ -z "$unknown" ] && ok "every directive in nat64d.conf(5) exists in config.c" ||
	fail "every directive in nat64d.conf(5) exists in config.c" "unknown:$unknown"

# Each directive's entry gives its default (or says it is required) and
# an example; the two ignored TAYGA leftovers need neither.
entry() {	# the text of directive $1's .It entry
	awk -v d="$1" '/^\.Sh /{ins = ($2 == "DIRECTIVES")} ins && /^\.It Ic /{cur = $3}
		ins && cur == d' "$MAN5"
}
nodefault= noexample=
for d in $DOCUMENTED; do
	case $d in strict-frag-hdr|workers) continue ;; esac
	e=$(entry "$d")
	echo "$e" | grep -Eq 'Default|default:|no default|Required' || nodefault="$nodefault $d"
	echo "$e" | grep -q '^\.Dl ' || noexample="$noexample $d"
done
[ -z "$nodefault" ] && ok "every directive documents its default" ||
	fail "every directive documents its default" "none for:$nodefault"
[ -z "$noexample" ] && ok "every directive has an example" ||
	fail "every directive has an example" "none for:$noexample"

# Every example value in the page is accepted: each .Dl line of an entry,
# put into a minimal valid config (replacing that directive there).
BASE='tun-device = "nat64"
ipv4-addr = "192.168.255.1"
prefix = 64:ff9b::/96
dynamic-pool = "192.168.255.0/24"'
mkdir -p "$WORK/dd"
: >"$WORK/dd/maps"
bad_examples=
for d in $DOCUMENTED; do
	entry "$d" | sed -n 's/^\.Dl //p' | sed 's/\\(dq/"/g; s/\\-/-/g' >"$WORK/ex"
	while IFS= read -r line; do
		{
			echo "$BASE" | grep -v "^$d "
			echo 'data-dir = "'"$WORK"'/dd"'
			echo "$line"
		} | { [ "$d" = data-dir ] && grep -v "^data-dir = \"$WORK" || cat; } \
		  >"$WORK/ex.conf"
		# The map-file and data-dir examples name real paths: point
		# them at files of this test.
		sed -i "s|^map-file = .*|map-file = \"maps\"|" "$WORK/ex.conf"
		sed -i "s|^data-dir = \"/var/lib/nat64d\"|data-dir = \"$WORK/dd\"|" "$WORK/ex.conf"
		if ! "$NAT64D" --check-config -c "$WORK/ex.conf" >"$WORK/out" 2>&1; then
			bad_examples="$bad_examples [$line: $(tr '\n' ' ' <"$WORK/out")]"
		fi
	done <"$WORK/ex"
done
[ -z "$bad_examples" ] && ok "every example in nat64d.conf(5) passes --check-config" ||
	fail "every example in nat64d.conf(5) passes --check-config" "$bad_examples"

# The EXAMPLES section's configurations are complete and valid.
n=0 bad=
while IFS= read -r -d '' blk; do
	n=$((n + 1))
	printf '%s\n' "$blk" >"$WORK/exs$n.conf"
	"$NAT64D" --check-config -c "$WORK/exs$n.conf" >"$WORK/out" 2>&1 ||
		bad="$bad [$(tr '\n' ' ' <"$WORK/out")]"
done < <(sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$MAN5" |
	awk '/^\.Bd -literal/{inb=1; next} /^\.Ed/{inb=0; printf "%c", 0; next} inb')
[ "$n" -ge 2 ] && [ -z "$bad" ] && ok "nat64d.conf(5) EXAMPLES ($n) pass --check-config" ||
	fail "nat64d.conf(5) EXAMPLES pass --check-config" "$n found;$bad"

# ---- drop reasons --------------------------------------------------------

REASONS=$(sed -n 's/^[[:space:]]*X([A-Z0-9_]*, *"\([a-z0-9-]*\)".*/\1/p' "$TOP/src/xlat.h")
missing=
for r in $REASONS; do
	grep -q "^\\.It Cm $r\$" "$MAN8" || missing="$missing $r"
done
[ -n "$REASONS" ] && [ -z "$missing" ] &&
	ok "every drop reason of xlat.h is in nat64d(8)" ||
	fail "every drop reason of xlat.h is in nat64d(8)" "missing:$missing"

# ---- man pages lint clean --------------------------------------------------

# All of mandoc's messages down to STYLE count, but one: "referenced
# manual not found" depends on the pages installed on the machine that
# runs the test (nat64d's own are not, while the source tree is tested).
for page in "$MAN8" "$MAN5"; do
	mandoc -Tlint -Wstyle "$page" 2>&1 |
		grep -v -e 'STYLE: referenced manual not found' \
			-e 'outdated mandoc.db' >"$WORK/lint"
	[ ! -s "$WORK/lint" ] && ok "mandoc -Tlint $(basename "$page")" ||
		fail "mandoc -Tlint $(basename "$page")" "$(tr '\n' '|' <"$WORK/lint")"
done
for page in "$MAN8" "$MAN5"; do
	# Rendered without errors, and the page says what it should.
	check "$(basename "$page") renders" mandoc -Tutf8 -Werror "$page"
done
for s in SIGNALS FILES "EXIT STATUS" "SEE ALSO"; do
	grep -q "^\\.Sh $s\$" "$MAN8" && ok "nat64d(8) has $s" ||
		fail "nat64d(8) has $s"
done

# ---- conf/ examples --------------------------------------------------------

for f in nat64d.conf siit-eam.conf clat.conf tayga.conf; do
	if [ ! -f "$TOP/conf/$f" ]; then
		fail "conf/$f exists"
		continue
	fi
	out=$("$NAT64D" --check-config -c "$TOP/conf/$f" 2>&1); rc=$?
	[ "$rc" = 0 ] && [ "$out" = "$TOP/conf/$f: configuration OK" ] &&
		ok "conf/$f passes --check-config" ||
		fail "conf/$f passes --check-config" "rc $rc: $out"
	# Its effective config in native syntax is itself valid and stable.
	"$NAT64D" --dump-config -c "$TOP/conf/$f" >"$WORK/d1.conf" 2>"$WORK/err" &&
	"$NAT64D" --dump-config -c "$WORK/d1.conf" >"$WORK/d2.conf" 2>>"$WORK/err" &&
	cmp -s "$WORK/d1.conf" "$WORK/d2.conf" &&
		ok "conf/$f --dump-config round trip" ||
		fail "conf/$f --dump-config round trip" "$(tr '\n' ' ' <"$WORK/err")"
done
# The TAYGA example really is in TAYGA's syntax (the dialect detected).
if grep -Eq '^[a-z-]+ *=' "$TOP/conf/tayga.conf"; then
	fail "conf/tayga.conf is in TAYGA syntax"
else
	ok "conf/tayga.conf is in TAYGA syntax"
fi
# The shipped /etc/nat64d.conf uses only private/documentation space.
if grep -Ev '^[[:space:]]*(#|$)' "$TOP/conf/nat64d.conf" |
    grep -Eo '([0-9]+\.){3}[0-9]+' | grep -Ev '^(192\.168|10\.|192\.0\.2|198\.51\.100|203\.0\.113)' |
    grep -q .; then
	fail "conf/nat64d.conf uses private/documentation IPv4 space"
else
	ok "conf/nat64d.conf uses private/documentation IPv4 space"
fi

if [ "$(id -u)" = 0 ] && ip netns add "$NS" 2>/dev/null; then
	# nft -c parses and checks the ruleset without loading it; in a
	# namespace of our own anyway.
	check "conf/nftables-nat64.nft passes nft -c" \
		ip netns exec "$NS" nft -c -f "$TOP/conf/nftables-nat64.nft"
else
	skip "nft -c needs root"
fi
if command -v unbound-checkconf >/dev/null; then
	# As a snippet in unbound.conf.d: neutral directory, chroot, user.
	{
		printf 'server:\n\tdirectory: "%s"\n\tchroot: ""\n\tusername: ""\n' "$WORK"
		sed -n '/^server:/,$p' "$TOP/conf/unbound-dns64.conf" | tail -n +2
	} >"$WORK/unbound.conf"
	check "conf/unbound-dns64.conf passes unbound-checkconf" \
		unbound-checkconf "$WORK/unbound.conf"
else
	skip "unbound-checkconf not installed"
fi
if command -v named-checkconf >/dev/null; then
	check "conf/bind-dns64.conf passes named-checkconf" \
		named-checkconf "$TOP/conf/bind-dns64.conf"
else
	skip "named-checkconf not installed"
fi

# ---- systemd units -------------------------------------------------------

SBIN=$(dirname "$NAT64D")
if make -s -C "$TOP" units B="$WORK/b" SBINDIR="$SBIN" >"$WORK/out" 2>&1; then
	ok "make units"
else
	fail "make units" "$(tr '\n' ' ' <"$WORK/out")"
fi
# Documentation=man:... is checked too: let man(1) find our pages.
mkdir -p "$WORK/man/man8" "$WORK/man/man5"
cp "$MAN8" "$WORK/man/man8/"; cp "$MAN5" "$WORK/man/man5/"
for u in nat64d.service nat64d@.service; do
	f=$WORK/b/systemd/$u
	if [ ! -f "$f" ]; then
		fail "$u generated"
		continue
	fi
	grep -q '@[A-Z]*@' "$f" && fail "$u: all @VARS@ substituted" ||
		ok "$u: all @VARS@ substituted"
	grep -q "^ExecStart=$SBIN/nat64d --nodetach --config " "$f" &&
		ok "$u: ExecStart uses SBINDIR" || fail "$u: ExecStart uses SBINDIR"
	out=$(cd "$WORK/b/systemd" && MANPATH=$WORK/man \
		systemd-analyze verify "./$u" 2>&1); rc=$?
	[ "$rc" = 0 ] && [ -z "$out" ] && ok "systemd-analyze verify $u" ||
		fail "systemd-analyze verify $u" "rc $rc: $(echo "$out" | tr '\n' '|')"
	# Each block of settings in [Service] is headed by its reason.
	uncommented=$(awk '/^\[/{sec = $0; prev = ""; next}
		sec == "[Service]" && /^[A-Za-z]/ && prev == "" {print}
		{prev = $0}' "$f")
	[ -z "$uncommented" ] && ok "$u: every [Service] block has a comment" ||
		fail "$u: every [Service] block has a comment" "$uncommented"
	lack=
	for want in 'Type=notify' 'ExecReload=/bin/kill -HUP $MAINPID' \
	    'CapabilityBoundingSet=CAP_NET_ADMIN' 'NoNewPrivileges=yes' \
	    'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes' \
	    'RestrictAddressFamilies=AF_NETLINK AF_UNIX AF_INET AF_INET6' \
	    'SystemCallFilter=@system-service' 'DeviceAllow=/dev/net/tun rw'; do
		grep -qxF "$want" "$f" || lack="$lack [$want]"
	done
	[ -z "$lack" ] && ok "$u: has the required settings" ||
		fail "$u: has the required settings" "missing:$lack"
done
grep -qx 'StateDirectory=nat64d' "$WORK/b/systemd/nat64d.service" &&
grep -qx 'StateDirectory=nat64d/%i' "$WORK/b/systemd/nat64d@.service" &&
grep -q -- '--config /etc/nat64d/%i.conf$' "$WORK/b/systemd/nat64d@.service" &&
	ok "template unit: per-instance config and state directory" ||
	fail "template unit: per-instance config and state directory"

finish
