#!/bin/bash
# t_sandbox: least privilege.
#  - a copy with cap_net_raw+ep, run by nobody where ping sockets are closed,
#    pings through a raw socket and, while it runs, holds no capability at
#    all (CapEff = CapPrm = 0), has no_new_privs and a seccomp filter;
#  - a set-user-ID and set-group-ID root copy run by nobody: while it runs,
#    its real, effective and saved user and group IDs are all nobody's;
#  - a whole life under the filter: names printed (reverse lookups through
#    the hosts file), replies, ICMP errors, SIGQUIT's status line, SIGINT's
#    summary; nothing is killed;
#  - -V says what a run would do, read from the process: the capabilities
#    held, the socket (raw, datagram, none and why), whom a set-ID run
#    becomes, the seccomp profile -n / -H choose; traceroute -V too;
#  - forbidden calls are refused: --sandbox-selftest=KIND makes one after
#    the filter is installed, and the process dies of SIGSYS: TIOCSTI, an
#    AF_PACKET socket, a raw socket, a file opened for writing (both
#    profiles), an AF_INET socket (numeric profile); the names profile lets
#    the resolver's AF_INET datagram socket through.
. "$(dirname "$0")/lib.sh"
need_root
need_ping
is_echolot || skip "echolot-only test"
# A sanitizer build (make asan) runs without the filter (its runtime makes
# calls of its own at exit): there the privileges and -V are checked, and
# that the filter is off and says so; the seccomp checks cannot run.
SANDBOX=1
if ! "$PING" -V | grep -q "^sandbox: seccomp"; then
	SANDBOX=0
	assert_match "-V: the build without the filter says why" "^sandbox: off \(sanitizer build\)$" "$("$PING" -V)"
	log "this build runs without the seccomp filter (sanitizer build): the filter's checks are not run"
fi
need_cmd setcap

chain 1
hosts_file p "$T4 target.test" "$T6 target.test" "${R4[1]} r1.test" "${R6[1]} r1.test"
ns_sysctl p net.ipv4.ping_group_range="1 0"

# --- capabilities dropped ----------------------------------------------------
copy=$(unprivileged_copy "$PING")
setcap cap_net_raw+ep "$copy" || skip "setcap not supported on $TMPD"
out=$TMPD/priv.out
bg_start p "$out" setpriv --reuid=65534 --regid=65534 --clear-groups -- \
	"$copy" -c 6 -i 0.2 -n "$T4"
# The first reply is printed after the drop and under the filter.
wait_for "$out" "bytes from" 10 || die "no reply from the capability copy: $(cat "$out")"
pid=$(pgrep -P "$BG_PID" | head -n1)
[ -n "$pid" ] || die "no ping process under $BG_PID"
status=$(cat "/proc/$pid/status" 2>/dev/null)
assert_match "running: no effective capability" "^CapEff:[[:space:]]+0+$" "$status"
assert_match "running: no permitted capability" "^CapPrm:[[:space:]]+0+$" "$status"
assert_match "running: no_new_privs" "^NoNewPrivs:[[:space:]]+1$" "$status"
if [ $SANDBOX = 1 ]; then
	assert_match "running: seccomp filter" "^Seccomp:[[:space:]]+2$" "$status"
else
	assert_match "running: no seccomp filter, as -V said" "^Seccomp:[[:space:]]+0$" "$status"
fi
wait "$BG_PID"
rc=$?
assert_eq "capability run: exit status" 0 "$rc"
assert_match "capability run: replies through the raw socket" \
	"^6 packets transmitted, 6 received, 0% packet loss" "$(cat "$out")"

# --- a set-user-ID and set-group-ID root install ---------------------------------
# Run by nobody: it starts as effective root and group root (a raw socket,
# ping sockets being closed here), and must end with every ID nobody's.
suid=$(unprivileged_copy "$PING")
chown root:root "$suid" && chmod 6755 "$suid" || die "chmod 6755 $suid"
out=$TMPD/suid.out
bg_start p "$out" setpriv --reuid=65534 --regid=65534 --clear-groups -- \
	"$suid" -c 6 -i 0.2 -n "$T4"
wait_for "$out" "bytes from" 10 || die "no reply from the set-ID copy: $(cat "$out")"
pid=$(pgrep -P "$BG_PID" | head -n1)
[ -n "$pid" ] || die "no ping process under $BG_PID"
status=$(cat "/proc/$pid/status" 2>/dev/null)
assert_match "set-ID run: real, effective, saved user all nobody's" \
	"^Uid:[[:space:]]+65534[[:space:]]+65534[[:space:]]+65534[[:space:]]+65534$" "$status"
assert_match "set-ID run: real, effective, saved group all nobody's" \
	"^Gid:[[:space:]]+65534[[:space:]]+65534[[:space:]]+65534[[:space:]]+65534$" "$status"
assert_match "set-ID run: no effective capability" "^CapEff:[[:space:]]+0+$" "$status"
assert_match "set-ID run: no permitted capability" "^CapPrm:[[:space:]]+0+$" "$status"
wait "$BG_PID"
rc=$?
assert_eq "set-ID run: exit status" 0 "$rc"
assert_match "set-ID run: replies through the raw socket" \
	"^6 packets transmitted, 6 received, 0% packet loss" "$(cat "$out")"

# --- a whole life under the filter ---------------------------------------------
for fam in 4 6; do
	out=$TMPD/life$fam.out
	bg_start p "$out" "$PING" -$fam -i 0.2 target.test
	# Each signal once the line before it is out: a named reply (the
	# filter is in), then SIGQUIT's status line, then SIGINT.
	wait_for "$out" "^64 bytes from target.test " 10 || die "v$fam: no named reply: $(cat "$out")"
	pid=$(pgrep -P "$BG_PID" | head -n1)
	[ -n "$pid" ] || die "no ping process under $BG_PID"
	kill -QUIT "$pid"
	wait_for "$out" "[0-9]+/[0-9]+ packets, [0-9]+% loss" 10 || die "v$fam: no status line: $(cat "$out")"
	kill -INT "$pid"
	wait "$BG_PID"
	rc=$?
	text=$(tr -d '\r' <"$out")
	assert_eq "v$fam life: exit status after SIGINT" 0 "$rc"
	assert_match "v$fam life: reverse names printed" \
		"^64 bytes from target.test \(" "$text"
	assert_match "v$fam life: SIGQUIT status line" \
		"^[0-9]+/[0-9]+ packets, 0% loss, min/avg/ewma/max = " "$text"
	assert_match "v$fam life: SIGINT summary" \
		"^[0-9]+ packets transmitted, [0-9]+ received, 0% packet loss" "$text"
	assert_no_match "v$fam life: not killed" "Bad system call" "$text"

	run_in p "$PING" -$fam -c 2 -i 0.2 -t 1 target.test
	assert_eq "v$fam errors under the filter: exit status" 1 "$RC"
	assert_line_count "v$fam errors under the filter: From lines with names" \
		"^From r1.test \(" 2 "$OUT"
done

# --- -V: what a run would do, read from the process as it is ------------------------
run_in p "$PING" -V
assert_eq "-V: exit status" 0 "$RC"
assert_match "-V: first line in iputils' shape" \
	"^ping from echolot [0-9.]+ \(iputils 20221126 compatible\)$" "$(printf '%s\n' "$OUT" | head -n1)"
assert_match "-V as root: capabilities held now" \
	"^now: uid 0 gid 0, .*capabilities effective: [0-9]+ .*cap_net_raw" "$OUT"
assert_match "-V as root: a raw socket" "^socket \(ICMP echo\): raw " "$OUT"
if [ $SANDBOX = 1 ]; then
	run_in p "$PING" -n -V
	assert_match "-V -n: the numeric profile" "^sandbox: seccomp, profile numeric: [0-9]+ system calls" "$OUT"
	run_in p "$PING" -H -V
	assert_match "-V -H: the names profile" "^sandbox: seccomp, profile names: [0-9]+ system calls" "$OUT"
fi
plain=$(unprivileged_copy "$PING")
run_as_nobody p "$plain" -V
assert_match "-V as nobody: nothing held" \
	"^now: uid 65534 gid 65534, .*capabilities effective: none; permitted: none" "$OUT"
assert_match "-V as nobody, ping sockets closed: no socket, and why" \
	"^socket \(ICMP echo\): none: no CAP_NET_RAW, and no group of ours is in net.ipv4.ping_group_range 1 0$" "$OUT"
ns_sysctl p net.ipv4.ping_group_range="65534 65534"
run_as_nobody p "$plain" -V
assert_match "-V as nobody, ping sockets open to its group: the datagram socket" \
	"^socket \(ICMP echo\): ICMP datagram \(no CAP_NET_RAW; group 65534 is in net.ipv4.ping_group_range 65534 65534\)$" "$OUT"
run_as_nobody p "$plain" -e 7 -V
assert_match "-V -e as nobody: -e needs the raw socket" \
	"^socket \(ICMP echo\): none: the options need a raw socket" "$OUT"
ns_sysctl p net.ipv4.ping_group_range="1 0"
run_as_nobody p "$copy" -V
assert_match "-V, capability copy as nobody: cap_net_raw held" \
	"^now: uid 65534 .*capabilities effective: 1 cap_net_raw; permitted: 1 cap_net_raw;" "$OUT"
assert_match "-V, capability copy as nobody: a raw socket" "^socket \(ICMP echo\): raw " "$OUT"
run_as_nobody p "$suid" -V
assert_match "-V, set-ID copy as nobody: whom the run becomes" \
	"^privileges: .*; set-ID install: user and group become 65534 and 65534" "$OUT"
trplain=$(unprivileged_copy "$(dirname "$PING")/traceroute")
# traceroute's -V goes to stderr, as traceroute's own: its line first.
run_as_nobody p "$trplain" -T -V
assert_match "traceroute -V: first line" \
	"^echolot [0-9.]+ traceroute, compatible with Modern traceroute for Linux, version 2\.1\.2$" \
	"$(printf '%s\n' "$ERR" | head -n1)"
assert_match "traceroute -T -V as nobody: TCP needs the raw socket" \
	"^socket \(TCP SYN \(-T\)\): none: the options need a raw socket" "$ERR"
run_as_nobody p "$trplain" -V
assert_match "traceroute -V as nobody: UDP on a datagram socket" \
	"^socket \(UDP \(traceroute's default\)\): UDP datagram" "$ERR"

# --- forbidden calls ---------------------------------------------------------------
if [ $SANDBOX = 0 ]; then
	# No filter: the selftest is not made, and the run is an ordinary one.
	run_in p "$PING" --sandbox-selftest=tiocsti -c 1 -n "$T4"
	assert_eq "no filter: --sandbox-selftest makes no call (exit 0)" 0 "$RC"
	assert_no_match "no filter: --sandbox-selftest makes no call" "selftest" "$ERR"
	finish
fi
# --sandbox-selftest=KIND makes one call after the filter is installed; the
# process must die of SIGSYS (128+31).  Under both profiles: an ioctl that
# pushes input into a terminal (TIOCSTI; stdin is /dev/null, so without
# the filter it would only fail with ENOTTY), a socket of a family the
# resolver never opens (AF_PACKET), a raw socket, a file created for
# writing, a program run.  Under the numeric one (-n) also an AF_INET
# datagram socket.
rm -f /tmp/echolot-sandbox-selftest
for kind in socket tiocsti packet raw write exec; do
	run_in p "$PING" --sandbox-selftest=$kind -c 1 -n "$T4"
	assert_eq "numeric profile, $kind: killed by SIGSYS (128+31)" 159 "$RC"
	assert_no_match "numeric profile, $kind: never returned" "returned" "$ERR"
done
for kind in tiocsti packet raw write exec; do
	run_in p "$PING" --sandbox-selftest=$kind -c 1 target.test
	assert_eq "names profile, $kind: killed by SIGSYS (128+31)" 159 "$RC"
	assert_no_match "names profile, $kind: never returned" "returned" "$ERR"
done
# The control: what the resolver needs (an AF_INET datagram socket) is let
# through by the names profile, and the selftest says what it returned.
run_in p "$PING" --sandbox-selftest=socket -c 1 target.test
assert_eq "names profile, the resolver's socket: allowed (exit 3)" 3 "$RC"
assert_match "names profile, the resolver's socket: returned a descriptor" \
	"selftest socket: the call returned [0-9]+$" "$ERR"
CHECKS=$((CHECKS + 1))
if [ -e /tmp/echolot-sandbox-selftest ]; then
	fail "the file the selftest opened for writing exists"
	rm -f /tmp/echolot-sandbox-selftest
fi

finish
