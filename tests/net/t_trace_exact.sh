#!/bin/bash
# t_trace_exact: traceroute's command line, messages and exit statuses
# (issue 12), ours ($TR) against Debian's traceroute 2.1.2 ($REF_TR) on the
# same namespaces: stdout (times masked), stderr and the exit status must
# be equal.  Where echolot differs on purpose (the man page's "Differences
# from traceroute 2.1" lists it) the case says so and checks what must
# still agree.  Also issue 11's bounds: times that overflowed are refused
# at once.
#
# Topology: chain 1, p - r1 - t.  traceroute is the Debian package of
# that name (scripts/deps.sh installs it).
. "$(dirname "$0")/lib.sh"
need_root
TR=${TR:-$(dirname "$PING")/traceroute}
REF_TR=${REF_TR:-/usr/sbin/traceroute}
[ -x "$TR" ] || skip "traceroute $TR not found (build it: make)"
[ -x "$REF_TR" ] || skip "reference traceroute $REF_TR not installed (scripts/deps.sh)"

chain 1
hosts_file p "$T4 target.test" "$T6 target.test"

maskt() { sed -E 's/ [0-9]+\.[0-9]{3} ms/ X ms/g'; }

CASES=0
# pair NAME ARGS...: both traceroutes with ARGS in p; REF_* and OUT ERR RC.
pair() {
	local name=$1
	shift
	CASES=$((CASES + 1))
	run_in p "$REF_TR" "$@"
	REF_OUT=$(printf '%s\n' "$OUT" | maskt) REF_ERR=$ERR REF_RC=$RC
	run_in p "$TR" "$@"
	OUT=$(printf '%s\n' "$OUT" | maskt)
	assert_eq "$name: exit status ($*)" "$REF_RC" "$RC"
}

# same NAME REGEX ARGS...: pair, the reference's stdout or stderr shows
# REGEX, and both are equal.
same() {
	local name=$1 want=$2
	shift 2
	pair "$name" "$@"
	assert_match "$name: reference shows the scenario" "$want" "$REF_OUT
$REF_ERR"
	assert_lines "$name: stdout" "$REF_OUT" "$OUT"
	assert_lines "$name: stderr" "$REF_ERR" "$ERR"
}

# Bad values and options: traceroute 2.1's words, with the argv index.
same "-q 0" "^no more than 10 probes per hop$" -q 0 "$T4"
same "-q 70000" "^no more than 10 probes per hop$" -q 70000 "$T4"
same "-m 0" "^first hop out of range$" -m 0 "$T4"
same "-m 256" "^max hops cannot be more than 255$" -m 256 "$T4"
same "-f 31" "^first hop out of range$" -f 31 "$T4"
same "-f -1" "^first hop out of range$" -f -1 "$T4"
same "-w -1" "^bad wait specifications \`-1,0,0' used$" -w -1 "$T4"
same "-w 2,-1" "^bad wait specifications \`2,-1,0' used$" -w 2,-1 "$T4"
same "-w abc" "^Cannot handle \`-w' option with arg \`abc' \(argc 2\)$" -w abc "$T4"
same "-w 1,2,3,4" "\(argc 4\)$" -n -n -w 1,2,3,4 "$T4"
same "-z -1" "^bad sendtime \`-1' specified$" -z -1 "$T4"
same "-N x" "^Cannot handle \`-N' option with arg \`x' \(argc 2\)$" -N x "$T4"
same "-nm x" "^Cannot handle \`-m' option with arg \`x' \(argc 2\)$" -nm x "$T4"
same "-mx" "^Cannot handle \`-m' option with arg \`x' \(argc 1\)$" -mx "$T4"
same "--max-hops=x" "^Cannot handle \`--max-hops' option with arg \`x' \(argc 1\)$" --max-hops=x "$T4"
same "--bogus" "^Bad option \`--bogus' \(argc 1\)$" --bogus "$T4"
same "--bogus=1" "^Bad option \`--bogus=1' \(with arg \`1'\) \(argc 1\)$" --bogus=1 "$T4"
same "-Z" "^Bad option \`-Z' \(argc 1\)$" -Z "$T4"
same "-h" "^Bad option \`-h' \(argc 1\)$" -h
same "host -5" "^Bad option \`-5' \(argc 2\)$" "$T4" -5
same "-q missing" "^Option \`-q' \(argc 1\) requires an argument: \`-q nqueries'$" -q
same "--max-hops missing" "requires an argument: \`--max-hops=max_ttl'$" --max-hops
same "packetlen 70000" "^too big packetlen 70000 specified$" "$T4" 70000
same "packetlen abc" "^Cannot handle \"packetlen\" cmdline arg \`abc' on position 2 \(argc 2\)$" "$T4" abc
same "extra arg" "^Extra arg \`70' \(position 3, argc 4\)$" -n "$T4" 60 70
same "no host" "^Specify \"host\" missing argument.$" -n
# No arguments: the usage text on stderr and success, as traceroute; the
# text itself is echolot's (its options).
pair "no arguments"
assert_eq "no arguments: exit 0" 0 "$RC"
assert_eq "no arguments: nothing on stdout" "" "$OUT"
assert_eq "no arguments: usage" "Usage:" "$(printf '%s\n' "$ERR" | head -n1)"
assert_eq "no arguments: the reference's usage" "Usage:" "$(printf '%s\n' "$REF_ERR" | head -n1)"
same "unknown host" "^Cannot handle \"host\" cmdline arg \`nohost.test' on position 1 \(argc 2\)$" -n nohost.test
same "-6 IPv4 address" "^Cannot handle \"host\" cmdline arg" -6 "$T4"
same "-s unknown" "^Cannot handle \`-s' option with arg \`nohost.test' \(argc 3\)$" -n -s nohost.test "$T4"
same "-s other family" "^IP version mismatch in addresses specified$" -s "$P6" "$T4"
# Sockets that cannot be set up: the header, then traceroute's error()
# "\nWHAT: REASON" on stderr, and status 1.
same "-i unknown" "^setsockopt SO_BINDTODEVICE: No such device$" -n -i nosuchdev "$T4"
same "-s not ours" "^bind: Cannot assign requested address$" -n -s 198.18.99.1 "$T4"
# Numbers as traceroute reads them.
same "-m 0x2" "^ 2  $T4  X ms  X ms  X ms$" -n -m 0x2 "$T4"
same "-w MAX only" "^ 2  $T4  X ms  X ms  X ms$" -n -w 1x2 "$T4"
same "-- then the host" "^traceroute to $T4 " -n -- "$T4"

# Link-local destinations (the veth p - r1): the scope in the header and
# the hop lines, as traceroute (getnameinfo) shows it; without a scope the
# kernel cannot connect, and traceroute says so after its header.
ll_of() {       # ll_of NS DEV: the link-local address on DEV in NS
	local i a
	for i in $(seq 20); do
		a=$(ip -n "$(nsn "$1")" -6 addr show dev "$2" scope link | awk '/inet6/ { sub("/.*", "", $2); print $2; exit }')
		[ -n "$a" ] && { echo "$a"; return 0; }
		sleep 0.1
	done
	return 1
}
LLR=$(ll_of r1 left) || die "no link-local address on r1"
same "link-local %dev" "^ 1  $LLR%right  X ms" -6 -n "$LLR%right"
same "link-local %dev, names" "^ 1  $LLR%right \($LLR%right\)  X ms" -6 "$LLR%right"
same "link-local %dev, -I" "^ 1  $LLR%right  X ms" -6 -I -n "$LLR%right"
same "link-local, -i dev" "^ 1  $LLR%right  X ms" -6 -n -i right "$LLR"
same "link-local, no scope" "^connect: Invalid argument$" -6 -n "$LLR"

# -V: traceroute's version line on stderr, exit 0; the words are ours.
pair "-V" -V -q 0
assert_eq "-V: exit 0" 0 "$RC"
assert_eq "-V: nothing on stdout" "" "$OUT"
assert_match "-V: the reference's line" "^Modern traceroute for Linux, version 2\.1\.2$" "$REF_ERR"
assert_match "-V: echolot's line" "^echolot [0-9.]+ traceroute, compatible with Modern traceroute for Linux, version 2\.1\.2$" "$ERR"

# Without privileges, -T and -I (no ping group): status 1 as traceroute;
# echolot's message names the fixes (a deliberate difference).
REF_C=$(unprivileged_copy "$REF_TR") ECO_C=$(unprivileged_copy "$TR")
for m in -T -I; do
	run_as_nobody p "$REF_C" -n $m "$T4"
	ref_rc=$RC
	assert_match "user $m: reference refused" "^socket: Operation not permitted$" "$ERR"
	run_as_nobody p "$ECO_C" -n $m "$T4"
	assert_eq "user $m: exit status as traceroute" "$ref_rc" "$RC"
	assert_match "user $m: names the fix" "CAP_NET_RAW" "$ERR"
	assert_eq "user $m: nothing on stdout" "" "$OUT"
done

# Issue 11: times beyond any use overflowed (UB); now refused at once.
nft_load r1 '
table inet q {
	chain out {
		type filter hook output priority 0;
		icmp type time-exceeded drop
	}
}'
for args in "-w 1e10" "-w 5,1e300" "-z 1e300" "--sendwait=1e300" "-w nan" "--report --interval=1e300"; do
	t0=$(date +%s%N)
	# shellcheck disable=SC2086 # one word per argument
	run_in p "$TR" -n -m 2 $args "$T4"
	ms=$((($(date +%s%N) - t0) / 1000000))
	assert_eq "$args: exit 2" 2 "$RC"
	assert_eq "$args: nothing on stdout" "" "$OUT"
	assert_match "$args: traceroute's words" "^(bad wait specifications|bad sendtime|Cannot handle)" "$ERR"
	CHECKS=$((CHECKS + 1))
	if [ "$ms" -lt 2000 ]; then pass "$args: at once"; else fail "$args: took ${ms} ms"; fi
done
# The largest accepted waits still end (the silent hop costs its wait).
run_in p "$TR" -n -m 2 -q 1 -w 1,1000,1000 "$T4"
assert_eq "-w 1,1000,1000: exit 0" 0 "$RC"
assert_lines "-w 1,1000,1000: a silent hop, then the target" "traceroute to $T4 ($T4), 2 hops max, 60 byte packets
 1  *
 2  $T4  X ms" "$(printf '%s\n' "$OUT" | maskt)"

log "$CASES cases compared"
finish
