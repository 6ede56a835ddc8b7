#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The daemon around the core: TUN attach/persist, tun-up/tun-ip/tun-route
# through netlink, MTU check, signals, SIGHUP reload, sd_notify, pidfile,
# privilege drop.  One namespace, no traffic:
#
#   ┌─────────────────────────────────────────┐
#   │ $R                                       │
#   │   nat64 (TUN) ◄─► nat64d                 │
#   │   tun-ip 192.0.2.1/32, 2001:db8:ff::1/64 │
#   │   tun-route 192.0.2.0/24, 2001:db8:64::/96
#   └─────────────────────────────────────────┘
. "$(dirname "$0")/lib.sh"
nat64d_only "netlink, persistent TUN owner, reload, notify"

ip netns add "$R"
ip -n "$R" link set lo up
CONF=$WORK/nat64.conf

# conf [LINE...]: minimal TAYGA-format config plus LINEs.
conf() {
	{
		echo "tun-device $TUN"
		echo "ipv4-addr 192.0.2.1"
		echo "prefix 2001:db8:64::/96"
		for l in "$@"; do echo "$l"; done
	} >"$CONF"
}

# run_fg ARGS...: the daemon in $R in the foreground, exit status out.
run_fg() {
	timeout 10 ip netns exec "$R" "$NAT64D" "$@" >>"$DLOG" 2>&1
}

# --- netlink: order in the file does not matter -------------------------------
conf "tun-route 2001:db8:64::/96" "tun-route 192.0.2.0/24" \
	"tun-ip 2001:db8:ff::1/64" "tun-ip 192.0.2.1" "tun-up yes"
start_daemon "$CONF"
wait_for 3 grep -q "TUN device $TUN, MTU" "$DLOG" || true
check_grep "startup logs the version" "^Starting nat64d [0-9]" "$DLOG"
check_grep "startup logs TUN name and MTU" "^TUN device $TUN, MTU 1500$" "$DLOG"
check "link is up" sh -c "ip -n $R link show $TUN | grep -q '[<,]UP[,>]'"
check "IPv4 tun-ip with prefix length" \
	sh -c "ip -n $R -4 addr show dev $TUN | grep -q 'inet 192.0.2.1/32 '"
check "IPv6 tun-ip with prefix length" \
	sh -c "ip -n $R -6 addr show dev $TUN | grep -q 'inet6 2001:db8:ff::1/64 '"
check_eq "IPv4 tun-route: unicast, proto boot, scope link" \
	"unicast 192.0.2.0/24 proto boot scope link" \
	"$(ip -n "$R" -d -4 route show dev "$TUN" 192.0.2.0/24 | sed 's/ *$//')"
check "IPv6 tun-route via the TUN, proto boot" \
	sh -c "ip -n $R -d -6 route show dev $TUN | grep -q '^unicast 2001:db8:64::/96 proto boot'"
check_daemon_exit
check_grep "SIGTERM logged as TAYGA does" "^Exiting on signal 15$" "$DLOG"
check_grep "exit logs a counter summary" "^packets: in [0-9]+ IPv6 / [0-9]+ IPv4, out [0-9]+ IPv6" "$DLOG"
check_fails "non-persistent TUN vanishes at exit" ip -n "$R" link show "$TUN"

# --- an IPv4 route without tun-up: link brought up anyway ------------------------
conf "tun-route 192.0.2.0/24"
start_daemon "$CONF"
sleep 0.3
check_grep "IPv4 route without tun-up is logged" "tun-route needs the link up" "$DLOG"
check_eq "IPv4 route without tun-up installed" \
	"unicast 192.0.2.0/24 proto boot scope link" \
	"$(ip -n "$R" -d -4 route show dev "$TUN" 192.0.2.0/24 | sed 's/ *$//')"
check_daemon_exit

# --- netlink errors abort startup with operation and value ----------------------
conf "tun-ip 2001:db8:ff::1/64"
ip netns exec "$R" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
rc=0; run_fg -c "$CONF" -d || rc=$?
ip netns exec "$R" sysctl -qw net.ipv6.conf.default.disable_ipv6=0
check_eq "refused tun-ip exits 1" 1 "$rc"
check_grep "refused tun-ip names the value" \
	"^tun-ip 2001:db8:ff::1/64: Permission denied$" "$DLOG"

# --- --mktun / attach / --rmtun (TAYGA's test-suite contract) -------------------
conf
rc=0; run_fg -c "$CONF" -d --mktun || rc=$?
check_eq "--mktun exits 0" 0 "$rc"
check "--mktun leaves a persistent device" \
	sh -c "ip -n $R -d link show $TUN | grep -q 'persist on'"
start_daemon "$CONF"
check "daemon attaches to the persistent device" daemon_alive
check_daemon_exit
check "persistent device survives the daemon" ip -n "$R" link show "$TUN"
rc=0; run_fg -c "$CONF" -d --rmtun || rc=$?
check_eq "--rmtun exits 0" 0 "$rc"
check_fails "--rmtun removes the device" ip -n "$R" link show "$TUN"
rc=0; run_fg -c "$CONF" --mktun --rmtun || rc=$?
check_eq "--mktun with --rmtun is a usage error" 1 "$rc"

rc=0; run_fg -c "$CONF" -d --mktun -u nobody -g nogroup || rc=$?
check_eq "--mktun -u nobody exits 0" 0 "$rc"
check "--mktun -u/-g sets the owner and group" \
	sh -c "ip -n $R -d link show $TUN | grep -q 'user nobody group nogroup'"
run_fg -c "$CONF" --rmtun

# Devices made by others: TAYGA latest (multi-queue) and 0.9.2 (single).
ip -n "$R" tuntap add dev "$TUN" mode tun multi_queue
start_daemon "$CONF"
check "attaches to a multi_queue persistent TUN" daemon_alive
check_daemon_exit
ip -n "$R" tuntap del dev "$TUN" mode tun multi_queue
ip -n "$R" tuntap add dev "$TUN" mode tun
start_daemon "$CONF"
check "attaches to a single-queue persistent TUN with packet info" daemon_alive
check_daemon_exit

# --- MTU below 1280 is fatal with a clear message --------------------------------
ip -n "$R" link set dev "$TUN" mtu 1000
rc=0; run_fg -c "$CONF" -d || rc=$?
check_eq "MTU 1000 exits 1" 1 "$rc"
check_grep "MTU 1000 explained" "tun-device $TUN: MTU 1000 is below the IPv6 minimum of 1280" "$DLOG"
ip -n "$R" tuntap del dev "$TUN" mode tun

# --- SIGHUP reload: maps, tun-* re-applied, restart-only named; SIGUSR1 ---------
conf "map 192.0.2.5 2001:db8:1::5" "tun-ip 2001:db8:ff::1/64" "tun-route 192.0.2.0/24"
start_daemon "$CONF"
conf "map 192.0.2.5 2001:db8:1::5" "map 192.0.2.6 2001:db8:1::6" "tun-up yes" \
	"tun-ip 2001:db8:ff::2/64" "tun-route 198.51.100.0/24"
sed -i "s/^tun-device $TUN\$/tun-device other0/" "$CONF"
kill -HUP "$DAEMON_PID"
wait_for 3 grep -q "configuration reloaded" "$DLOG" || true
check_grep "good reload logs the map count" "^configuration reloaded: 2 maps$" "$DLOG"
check_grep "restart-only change named" \
	"^reload: changes to tun-device take effect only after a restart$" "$DLOG"
check_grep "reload adds the new tun-ip" "^reload: tun-ip 2001:db8:ff::2/64 added$" "$DLOG"
check "new tun-ip present" \
	sh -c "ip -n $R -6 addr show dev $TUN | grep -q 'inet6 2001:db8:ff::2/64 '"
check_fails "dropped tun-ip removed" \
	sh -c "ip -n $R -6 addr show dev $TUN | grep -q 'inet6 2001:db8:ff::1/64 '"
check_eq "new tun-route present" "unicast 198.51.100.0/24 proto boot scope link" \
	"$(ip -n "$R" -d -4 route show dev "$TUN" 198.51.100.0/24 | sed 's/ *$//')"
check_eq "dropped tun-route removed" "" "$(ip -n "$R" -4 route show dev "$TUN" 192.0.2.0/24)"
sed -i "s/^tun-device other0\$/tun-device $TUN/" "$CONF"
echo "bogus-directive 1" >>"$CONF"
kill -HUP "$DAEMON_PID"
wait_for 3 grep -q "reload failed" "$DLOG" || true
check_grep "bad reload keeps running config" "^reload failed, keeping the running configuration$" "$DLOG"
check_grep "bad reload logs the config error with file:line" "nat64.conf:9" "$DLOG"
check "daemon survives a bad reload" daemon_alive
rc=0; stop_daemon USR1 || rc=$?
check_eq "SIGUSR1 exits 0" 0 "$rc"
check_grep "SIGUSR1 logged" "^Exiting on signal 10$" "$DLOG"

# --- sd_notify, pidfile, daemonizing, privilege drop ----------------------------
conf "data-dir $WORK/data"
chmod 0777 "$WORK/data"
NS_SOCK=$WORK/notify.sock
"$PY" - "$NS_SOCK" >"$WORK/notify.txt" 2>&1 <<-'EOF' &
	import socket, sys
	s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
	s.bind(sys.argv[1]); s.settimeout(8)
	for _ in range(2):
	    print(s.recv(256).decode().replace("\n", " "), flush=True)
	EOF
BG_PIDS+=($!)
wait_for 3 test -S "$NS_SOCK"
rc=0
NOTIFY_SOCKET=$NS_SOCK timeout 10 ip netns exec "$R" "$NAT64D" -c "$CONF" \
	-p "$WORK/nat64d.pid" -u nobody -r --stdout >>"$DLOG" 2>&1 || rc=$?
check_eq "daemonizing parent exits 0" 0 "$rc"
wait_for 3 test -s "$WORK/nat64d.pid" || true
DAEMON_PID=$(cat "$WORK/nat64d.pid" 2>/dev/null || true)
check "pidfile holds the running daemon's PID" kill -0 "${DAEMON_PID:-0}"
check_eq "pidfile mode 0644" 644 "$(stat -c %a "$WORK/nat64d.pid")"
wait_for 3 grep -q READY=1 "$WORK/notify.txt" || true
check_grep "READY=1 sent after setup" "^READY=1" "$WORK/notify.txt"
check_eq "runs as nobody (real, effective, saved, fs uid)" "65534 65534 65534 65534" \
	"$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$DAEMON_PID/status")"
check_eq "no supplementary groups" "" \
	"$(awk '/^Groups:/ {print $2}' "/proc/$DAEMON_PID/status")"
check_eq "no effective capabilities" "0000000000000000" \
	"$(awk '/^CapEff:/ {print $2}' "/proc/$DAEMON_PID/status")"
check_eq "chrooted to data-dir" "$WORK/data" "$(readlink "/proc/$DAEMON_PID/root")"
kill -TERM "$DAEMON_PID"
wait_for 3 grep -q STOPPING=1 "$WORK/notify.txt" || true
check_grep "STOPPING=1 sent at exit" "^STOPPING=1" "$WORK/notify.txt"
wait_for 3 sh -c "! kill -0 $DAEMON_PID" || true
check_fails "daemon gone after SIGTERM" kill -0 "$DAEMON_PID"
DAEMON_PID=

finish
