#!/bin/bash
# t_exact: drop-in exactness (issue 12).  Odd but realistic invocations run
# through $REF_PING (iputils) and $PING on the same namespaces; stdout is
# compared after `mask`, stderr after normalising the program name, and
# the exit statuses must be equal.  Where echolot differs on purpose (the
# man page's COMPATIBILITY section lists it), the case says so and compares
# what must still agree.
#
# Topology: chain 1, p - r1 - t; p's hosts file names t (target.test) and
# r1 (r1.test).
. "$(dirname "$0")/lib.sh"
need_root
need_cmd diff
need_ping "$PING" "$REF_PING"
PING6=${PING6:-$(dirname "$PING")/ping6}
need_ping "$PING6"

chain 1
hosts_file p "$T4 target.test" "$T6 target.test" "${R4[1]} r1.test" "${R6[1]} r1.test" \
	"$T4 t4.test" "2001:2:0:2::7 xn--bcher-kva.test"
# iputils' own ping6 is a link to ping; ours is the binary's ping6 link.
REF_PING6=$TMPD/ref/ping6
mkdir -p "$TMPD/ref" && ln -s "$REF_PING" "$REF_PING6" || die "ping6 link"

# mask_dir: the directory of the program name that starts a message
# ("/usr/bin/ping: ", ".../build/ping6: "), not the name itself: iputils
# says "ping6:" when run as ping6, and so must echolot.
mask_dir() {
	sed -E 's#^[^ :]*/(ping6?: )#\1#'
}

# mask_ts: the times of an IPv4 timestamp option (-T), as milliseconds
# since midnight, and their differences.
mask_ts() {
	sed -E 's/\t[0-9]+( absolute)?( not-standard)?$/\tN\1\2/'
}

CASES=0
# run_pair NAME ARGS...: run "$REF" and "$ECO" (the two pingers, ping or
# ping6) with ARGS in p; sets REF_OUT REF_ERR REF_RC and OUT ERR RC.
run_pair() {
	local name=$1
	shift
	CASES=$((CASES + 1))
	run_in p "$REF" "$@"
	REF_OUT=$(printf '%s\n' "$OUT" | mask | mask_ts) REF_ERR=$(printf '%s\n' "$ERR" | mask_dir) REF_RC=$RC
	run_in p "$ECO" "$@"
	OUT=$(printf '%s\n' "$OUT" | mask | mask_ts) ERR=$(printf '%s\n' "$ERR" | mask_dir)
	assert_eq "$name: exit status ($*)" "$REF_RC" "$RC"
}

# same NAME REGEX ARGS...: run_pair, and the reference's stdout and stderr
# (together) show REGEX; both outputs must be equal.
same() {
	local name=$1 want=$2
	shift 2
	run_pair "$name" "$@"
	assert_match "$name: reference shows the scenario" "$want" "$REF_OUT
$REF_ERR"
	assert_lines "$name: stdout ($*)" "$REF_OUT" "$OUT"
	assert_lines "$name: stderr ($*)" "$REF_ERR" "$ERR"
}

REF=$REF_PING ECO=$PING
# Numbers iputils' integer parser refuses, and no destination: status 1.
same "-c 0" "^ping: invalid argument: '0': out of range" -c 0 -n "$T4"
same "-c abc" "^ping: invalid argument: 'abc'$" -c abc -n "$T4"
same "-t 256" "^ping: invalid argument: '256': out of range: 0 <= value <= 255$" -t 256 "$T4"
same "-w abc" "^ping: invalid argument: 'abc'$" -w abc "$T4"
same "-e 65536" "out of range: 0 <= value <= 65535$" -e 65536 "$T4"
same "-l 0" "out of range: 1 <= value <= 65536$" -l 0 "$T4"
same "no destination" "^ping: usage error: Destination address required$"
same "no destination, -c 1" "^ping: usage error: Destination address required$" -c 1
# -s -1: the same status and words; the range differs on purpose (echolot
# stops at what an IP datagram holds, iputils at INT_MAX).
run_pair "-s -1" -s -1 "$T4"
assert_match "-s -1: reference" "^ping: invalid argument: '-1': out of range: 0 <= value <= 2147483647$" "$REF_ERR"
assert_match "-s -1: echolot" "^ping: invalid argument: '-1': out of range: 0 <= value <= 65527$" "$ERR"
# -V acts where it stands: what follows is not looked at.
run_pair "-V -4 -6" -V -4 -6
assert_eq "-V -4 -6: exit 0" 0 "$RC"
assert_match "-V -4 -6: a version on stdout" "^ping from echolot [0-9]" "$OUT"
same "-4 -6 -V" "^ping: only one -4 or -6 option may be specified$" -4 -6 -V
same "-c 0 -V" "^ping: invalid argument: '0'" -c 0 -V
# -t 0: a hop limit of 0 is fine for IPv6 (the probe dies at the first
# router, which says so); the kernel refuses a TTL of 0 for IPv4.
same "-6 -t 0" "^From ${R6[1]} icmp_seq=1 Time exceeded: Hop limit$" -6 -c 1 -t 0 -n "$T6"
same "-4 -t 0" "^ping: cannot set unicast time-to-live: Invalid argument$" -4 -c 1 -t 0 -n "$T4"
# The largest ICMPv6 echo: 65527 data bytes (iputils takes it, echolot
# used to stop at IPv4's 65507).
same "-6 -s 65527" "^65535 bytes from $T6: icmp_seq=1 ttl=63 time=X ms$" -6 -c 1 -s 65527 -n "$T6"
same "-s 65507 v4" "^65515 bytes from $T4: icmp_seq=1 ttl=63 time=X ms$" -c 1 -s 65507 -n "$T4"
# ping6 likewise, and its messages say "ping6:".
REF=$REF_PING6 ECO=$PING6
same "ping6 -c 0" "^ping6: invalid argument: '0': out of range" -c 0 -n "$T6"
same "ping6 IPv4 address" "^ping6: $T4: Address family for hostname not supported$" -c 1 "$T4"
same "ping6 -4" "^ping6: only one -4 or -6 option may be specified$" -4 -c 1 "$T6"
same "ping6 no destination" "^ping6: usage error: Destination address required$"
# The usage text that follows differs on purpose (echolot's options).
run_pair "ping6 -Z" -Z "$T6"
assert_eq "ping6 -Z: first line" "ping6: invalid option -- 'Z'" "$(printf '%s\n' "$REF_ERR" | head -n1)"
assert_eq "ping6 -Z: first line as iputils" "$(printf '%s\n' "$REF_ERR" | head -n1)" \
	"$(printf '%s\n' "$ERR" | head -n1)"
same "ping6 -t 0" "^From ${R6[1]} icmp_seq=1 Time exceeded: Hop limit$" -c 1 -t 0 -n "$T6"
same "ping6 -s 65527" "^65535 bytes from $T6: icmp_seq=1 " -c 1 -s 65527 -n "$T6"
REF=$REF_PING ECO=$PING

# IPv4 numbers in the other forms the resolver takes are numeric: no
# reverse lookup (target.test has a name in p's hosts file).
for n in 198.18.514 0xc6.0x12.2.2 3323068930; do
	same "numeric $n" "^64 bytes from $T4: icmp_seq=1 ttl=63 time=X ms$" -c 1 "$n"
done

# IPv4 options: record route, timestamps; hops before the target are a
# source route, which the kernel refuses without CAP_NET_RAW (iputils sets
# it after giving its capability up, and so does echolot).
same "-R" "^RR: 	$P4$" -R -c 2 -i 0.2 -n "$T4"
same "-R names" "^	target.test \($T4\)$" -R -c 1 t4.test
same "-R same route" "	\(same route\)$" -R -c 2 -i 0.2 -n "$T4"
same "-T tsonly" "^TS: 	N absolute$" -T tsonly -c 1 -n "$T4"
same "-T tsandaddr" "^TS: 	$P4	N absolute$" -T tsandaddr -c 1 -n "$T4"
same "-T tsprespec" "^TS: 	${R4[1]}	N absolute$" -T tsprespec -c 1 -n "${R4[1]}" "$T4"
same "-T tsprespec, none" "^64 bytes from $T4: icmp_seq=1 " -T tsprespec -c 1 -n "$T4"
same "-R -T" "^ping: only one of -T or -R may be used$" -R -T tsonly -c 1 "$T4"
same "-T bad" "^ping: invalid timestamp type: x$" -T x -c 1 "$T4"
same "-R to IPv6: no option" "^64 bytes from $T6: icmp_seq=1 " -R -c 1 -n "$T6"
same "two IPv4 hosts" "^ping: record route: Operation not permitted$" -c 1 -n "${R4[1]}" "$T4"
same "two IPv4 hosts, -r" "^ping: record route: Operation not permitted$" -r -c 1 "${R4[1]}" "$T4"
same "two hosts, bad hop" "^ping: nohost.test: " -c 1 nohost.test "$T4"
# Usage errors: the same status, and the usage text, which differs on
# purpose, on stderr.
for args in "-R ${R4[1]} $T4" "-T tsonly ${R4[1]} $T4" "${R6[1]} $T6" "1 2 3 4 5 6 7 8 9 10 $T4"; do
	# shellcheck disable=SC2086 # one word per argument
	run_pair "usage: $args" -c 1 $args
	assert_eq "usage: $args: exit 2" 2 "$RC"
	assert_eq "usage: $args: no stdout" "" "$OUT"
	assert_eq "usage: $args: usage" "$(printf '%s\n' "$REF_ERR" | sed -n 2p)" "$(printf '%s\n' "$ERR" | sed -n 2p)"
done

# -F: a leased label lingers some seconds after its socket is closed, and
# the kernel refuses it to the next run meanwhile; so each pinger gets a
# label of its own (masked in the header), once to lease it and once to
# be refused, with iputils' message for the step that failed.
mask_fl() { sed -E 's/, flow 0x[0-9a-f]{5}, /, flow 0xN, /'; }
CASES=$((CASES + 1))
fl_out=() fl_err=()
for k in 1 2; do
	run_in p "$REF_PING" -6 -c 1 -F 0x101 -n "$T6"
	fl_out[k]=$(printf '%s\n' "$OUT" | mask | mask_fl) fl_err[k]=$(printf '%s\n' "$ERR" | mask_dir)
	ref_rc=$RC
	run_in p "$PING" -6 -c 1 -F 0x102 -n "$T6"
	assert_eq "-F run $k: exit status" "$ref_rc" "$RC"
	assert_lines "-F run $k: stdout" "${fl_out[k]}" "$(printf '%s\n' "$OUT" | mask | mask_fl)"
	assert_lines "-F run $k: stderr" "${fl_err[k]}" "$(printf '%s\n' "$ERR" | mask_dir)"
done
assert_match "-F: the reference leased its label" "^PING $T6\($T6\) , flow 0xN, 56 data bytes$" "${fl_out[1]}"
assert_match "-F: the reference was refused the second time" "^ping: can't set flowlabel: " "${fl_err[2]}"
same "-4 -F: ignored" "^64 bytes from $T4: icmp_seq=1 " -4 -F 1 -c 1 -n "$T4"
same "-F too large" "^ping: flow value is greater than 20 bits: 0x100000$" -6 -F 0x100000 -c 1 "$T6"
same "-F not a number" "^ping: bad value for flowinfo: zz$" -6 -F zz -c 1 "$T6"

# Link-local destinations (the veth between p and r1): the scope shows in
# the header and the reply lines, "fe80::1%right", as iputils (getnameinfo)
# shows it.
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
LLP=$(ll_of p right) || die "no link-local address on p"
same "link-local %dev" "^64 bytes from $LLR%right: icmp_seq=2 ttl=64 time=X ms$" -c 2 -i 0.2 "$LLR%right"
same "link-local, -I addr%dev" "^PING $LLR\($LLR\) from $LLP%right right: 56 data bytes$" -c 1 -I "$LLP%right" "$LLR"
same "link-local, no scope (raw socket)" "^64 bytes from $LLR%right: icmp_seq=1 " -c 1 "$LLR"
# -I dev: the same replies; the header differs on purpose (iputils shows
# the source as :: and warns that it might be on another device).
run_pair "link-local, -I dev" -c 1 -I right "$LLR"
assert_match "link-local, -I dev: reference" "^64 bytes from $LLR%right: icmp_seq=1 " "$REF_OUT"
assert_lines "link-local, -I dev: all but the header" "$(printf '%s\n' "$REF_OUT" | sed 1d)" "$(printf '%s\n' "$OUT" | sed 1d)"
assert_eq "link-local, -I dev: header" "PING $LLR($LLR) from $LLP%right right: 56 data bytes" "$(printf '%s\n' "$OUT" | head -n1)"
assert_eq "link-local, -I dev: no warning" "" "$ERR"
# A user on the ICMP datagram socket: without a scope the kernel cannot
# send; iputils' hint instead of a "sendmsg: Invalid argument" per probe.
ns_sysctl p "net.ipv4.ping_group_range=0 2147483647"
REF=$(unprivileged_copy "$REF_PING") ECO=$(unprivileged_copy "$PING")
nobody_same() {     # nobody_same NAME REGEX ARGS...: as same, as nobody
	local name=$1 want=$2
	shift 2
	CASES=$((CASES + 1))
	run_as_nobody p "$REF" "$@"
	REF_OUT=$(printf '%s\n' "$OUT" | mask) REF_ERR=$(printf '%s\n' "$ERR" | mask_dir) REF_RC=$RC
	run_as_nobody p "$ECO" "$@"
	OUT=$(printf '%s\n' "$OUT" | mask) ERR=$(printf '%s\n' "$ERR" | mask_dir)
	assert_eq "$name: exit status" "$REF_RC" "$RC"
	assert_match "$name: reference shows the scenario" "$want" "$REF_OUT
$REF_ERR"
	assert_lines "$name: stdout" "$REF_OUT" "$OUT"
	assert_lines "$name: stderr" "$REF_ERR" "$ERR"
}
nobody_same "user, link-local, no scope" "^ping: Warning: IPv6 link-local address on ICMP datagram socket may require ifname or scope-id => use: address%<ifname\|scope-id>$" \
	-c 2 -i 0.2 "$LLR"
nobody_same "user, link-local %dev" "^64 bytes from $LLR%right: icmp_seq=1 " -c 1 "$LLR%right"
REF=$REF_PING ECO=$PING

# Internationalised names: ACE ("xn--") in the C locale, where a name
# that is not ASCII cannot even be read; Unicode in a UTF-8 locale.  The
# target has an address of its own for that name.
addr t left 2001:2:0:2::7/64
idn_case() {        # idn_case LOCALE NAME REGEX ARGS...
	local loc=$1 name=$2 want=$3 rr
	shift 3
	CASES=$((CASES + 1))
	run_in p env LC_ALL="$loc" "$REF_PING" "$@"
	REF_OUT=$(printf '%s\n' "$OUT" | mask) REF_ERR=$(printf '%s\n' "$ERR" | mask_dir) rr=$RC
	run_in p env LC_ALL="$loc" "$PING" "$@"
	assert_eq "$name: exit status" "$rr" "$RC"
	assert_match "$name: reference shows the scenario" "$want" "$REF_OUT
$REF_ERR"
	assert_lines "$name: stdout" "$REF_OUT" "$(printf '%s\n' "$OUT" | mask)"
	assert_lines "$name: stderr" "$REF_ERR" "$(printf '%s\n' "$ERR" | mask_dir)"
}
idn_case C "IDN, C locale" "^64 bytes from xn--bcher-kva.test \(2001:2:0:2::7\): icmp_seq=1 " -6 -c 1 xn--bcher-kva.test
idn_case C "IDN, C locale, Unicode name" "^ping: bücher.test: Parameter string not correctly encoded$" -6 -c 1 bücher.test
idn_case C.UTF-8 "IDN, UTF-8 locale" "^64 bytes from bücher.test \(2001:2:0:2::7\): icmp_seq=1 " -6 -c 1 xn--bcher-kva.test
idn_case C.UTF-8 "IDN, UTF-8 locale, Unicode name" "^PING bücher.test\(bücher.test \(2001:2:0:2::7\)\) " -6 -c 1 bücher.test
REF=$REF_PING ECO=$PING

# stdout on a full device: iputils says "write error" and exits 1, ping
# text, quiet or not, ping6, and -V.  (Its flood mode spins on a full
# stdout; not compared.)
TOFULL=(sh -c '"$0" "$@" >/dev/full')
full_case() {       # full_case NAME PINGER ARGS...: both, stdout on /dev/full
	local name=$1 ref=$2 eco=$3
	shift 3
	CASES=$((CASES + 1))
	run_in p "${TOFULL[@]}" "$ref" "$@"
	REF_ERR=$(printf '%s\n' "$ERR" | mask_dir) REF_RC=$RC
	assert_match "$name: reference says so" "^ping6?: write error$" "$REF_ERR"
	run_in p "${TOFULL[@]}" "$eco" "$@"
	assert_eq "$name: exit status" "$REF_RC" "$RC"
	assert_lines "$name: stderr" "$REF_ERR" "$(printf '%s\n' "$ERR" | mask_dir)"
}
full_case "full stdout" "$REF_PING" "$PING" -c 2 -i 0.2 -n "$T4"
full_case "full stdout -q" "$REF_PING" "$PING" -q -c 1 -n "$T4"
full_case "full stdout, no reply" "$REF_PING" "$PING" -c 1 -W 0.3 -n 198.18.1.9
full_case "full stdout ping6" "$REF_PING6" "$PING6" -c 1 -n "$T6"
full_case "full stdout -V" "$REF_PING" "$PING" -V
# The same check for what iputils does not have: JSON, Atlas, flood,
# traceroute and echolot os (traceroute 2.x ignores a failed write).
TR=$(dirname "$PING")/traceroute
for cmd in "$PING --json -c 1 -n $T4" "$PING --format=atlas -c 1 -n $T4" \
	"$PING -f -c 3 -n $T4" "$TR -n -q 1 $T4" "$TR --json -n -q 1 $T4" \
	"$TR --report -c 1 -n $T4" "$(dirname "$PING")/echolot os -n $T4" \
	"$(dirname "$PING")/echolot os --json -n $T4"; do
	# shellcheck disable=SC2086 # one word per argument
	run_in p "${TOFULL[@]}" $cmd
	assert_eq "full stdout, $cmd: exit 1" 1 "$RC"
	assert_match "full stdout, $cmd: write error" "^[^ ]*(ping|traceroute|os): write error$" "$ERR"
	# shellcheck disable=SC2086
	run_in p $cmd
	assert_eq "$cmd: exit 0 with a working stdout" 0 "$RC"
	assert_no_match "$cmd: no write error with a working stdout" "write error" "$ERR"
done

log "$CASES cases compared"
finish
