#!/bin/bash
# t_ninfo: ping6 -N, IPv6 Node Information Queries (RFC 4620; issue 12).
# p - t (lib.sh's pair: 2001:2::1 - 2001:2::2).  Linux answers no NI
# query, so t runs tools/ni_responder.py (scapy's NI layers), whose answer
# depends on the query alone (see there): names, addresses by the flags
# asked for, refusals, unknown qtypes and codes, truncated and malformed
# data, escapes, late and duplicated answers.
#  - Differential: for every -N word and subject, and the odd answers,
#    Debian's iputils `ping -6 -N ...` and echolot's `ping6 -N ...` on
#    the same responder: stdout (times masked), stderr (program name
#    masked) and exit status equal, and the queries the responder logged
#    for the two equal byte for byte (code, qtype, flags, subject).
#  - -N's own errors: help, unknown words, conflicts, bad subjects, as
#    iputils (stdout, stderr, status).
#  - -N to an IPv4 target, and -N subject-... without a query: echo
#    requests, as iputils.
#  - Hostile answers (echolot only; iputils drops them unseen or reads
#    stale bytes): a reply whose nonce was altered is shown "(BAD TAG!)"
#    and counted as corrupted, never received; a nonce never sent is shown
#    with -v as dropped; a reply too short for its header likewise; the
#    run goes on and exits as it should.
#  - An ICMPv6 error quoting a query is reported (iputils drops those:
#    a deliberate difference, in the man page).
#  - Without CAP_NET_RAW (ping sockets allowed): both exit 2 naming
#    cap_net_raw: the ICMPv6 datagram socket does echo only.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd diff setpriv
need_ping "$PING" "$REF_PING"
PING6=${PING6:-$(dirname "$PING")/ping6}
need_ping "$PING6"
/usr/bin/python3 -c 'import scapy.layers.inet6' 2>/dev/null ||
	skip "python3-scapy not installed (scripts/deps.sh)"

pair
neigh_fast p vp
QLOG=$TMPD/queries
: >"$QLOG"
CMD_TIMEOUT=120 bg_start t "$TMPD/responder.out" /usr/bin/python3 \
	"$ROOT/tests/net/tools/ni_responder.py" 110 "$QLOG"
wait_for "$TMPD/responder.out" '^ready' 10 || die "responder: $(cat "$TMPD/responder.out")"

# What the responder logged since line $1: "query CODE QTYPE FLAGS SUBJECT".
queries_since() {
	tail -n +"$(($1 + 1))" "$QLOG"
}

# nimask: lib.sh's mask, and the ipg of a summary without an rtt line
# (its ewma stays: untimed, iputils shows 0.000).
nimask() {
	mask | sed -E 's#^ipg/ewma [0-9.]+/#ipg/ewma X/#'
}

CASES=0
# pair_run NAME ARGS...: iputils' `ping -6 ARGS` and echolot's `ping6
# ARGS` in p; sets REF_OUT REF_ERR REF_RC REF_Q and OUT ERR RC Q (the
# queries each sent).
pair_run() {
	local name=$1 n
	shift
	CASES=$((CASES + 1))
	n=$(wc -l <"$QLOG")
	run_in p "$REF_PING" -6 "$@"
	REF_OUT=$(printf '%s\n' "$OUT" | nimask) REF_ERR=$(printf '%s\n' "$ERR" | mask_prog) REF_RC=$RC
	REF_Q=$(queries_since "$n")
	n=$(wc -l <"$QLOG")
	run_in p "$PING6" "$@"
	OUT=$(printf '%s\n' "$OUT" | nimask) ERR=$(printf '%s\n' "$ERR" | mask_prog)
	Q=$(queries_since "$n")
	assert_eq "$name: exit status ($*)" "$REF_RC" "$RC"
}

# same NAME REGEX ARGS...: pair_run; the reference shows REGEX (stdout and
# stderr together); stdout, stderr and the queries sent are equal.
same() {
	local name=$1 want=$2
	shift 2
	pair_run "$name" "$@"
	assert_match "$name: reference shows the scenario" "$want" "$REF_OUT
$REF_ERR"
	assert_lines "$name: stdout" "$REF_OUT" "$OUT"
	assert_lines "$name: stderr" "$REF_ERR" "$ERR"
	assert_lines "$name: queries sent" "$REF_Q" "$Q"
	if [[ $REF_OUT == *"; seq="* ]]; then      # NI replies came
		assert_match "$name: the responder saw the queries" "^query " "$REF_Q"
	fi
}

T=$T6
NAMES="host.example., alt, www.example."
# The queries, each -N word.
same "name" "^46 bytes from $T: $NAMES; seq=2; ttl=64$" -c 2 -i 0.2 -N name "$T"
same "fqdn (iputils' other word for name)" "^46 bytes from $T: $NAMES; seq=1; ttl=64$" -c 1 -N fqdn "$T"
same "ipv6" "^56 bytes from $T: 2001:2::2, 2001:2:0:9::2; seq=1; ttl=64$" -c 1 -N ipv6 "$T"
same "ipv6-global" "^56 bytes from $T: 2001:2::2, 2001:2:0:9::2; seq=1; " -c 1 -N ipv6-global "$T"
same "ipv6-sitelocal" "^36 bytes from $T: fec0::2; seq=1; " -c 1 -N ipv6-sitelocal "$T"
same "ipv6-linklocal" "^36 bytes from $T: fe80::2; seq=1; " -c 1 -N ipv6-linklocal "$T"
same "ipv6-compatible" "^36 bytes from $T: ::198.18.0.2; seq=1; " -c 1 -N ipv6-compatible "$T"
same "ipv6-all" " fec0::2, fe80::2, ::198.18.0.2; seq=1; " -c 1 -N ipv6-all "$T"
same "ipv6-global + ipv6-linklocal" " 2001:2:0:9::2, fe80::2; seq=1; " \
	-c 1 -N ipv6-global -N ipv6-linklocal "$T"
same "ipv4" "^24 bytes from $T: 198.18.0.2; seq=1; ttl=64$" -c 1 -N ipv4 "$T"
same "ipv4-all" "^32 bytes from $T: 198.18.0.2, 198.18.9.9; seq=1; " -c 1 -N ipv4-all "$T"
# Subjects.
same "subject-ipv6" " $NAMES, other.example.; seq=1; " -c 1 -N name -N subject-ipv6=2001:2::9 "$T"
same "subject-ipv4" " $NAMES, v4-198-18-0-9.example.; seq=1; " -c 1 -N name -N subject-ipv4=198.18.0.9 "$T"
same "subject-name, a FQDN" " $NAMES, foo.example.; seq=1; " -c 1 -N name -N subject-name=Foo.Example "$T"
same "subject-name, one label" " $NAMES, foo; seq=1; " -c 1 -N name -N subject-name=foo "$T"
same "subject-fqdn (sent unqualified, as iputils)" " $NAMES, foo.example; seq=1; " \
	-c 1 -N name -N subject-fqdn=foo.example "$T"
same "subject-name with a scope" " $NAMES, x; seq=1; " -c 1 -N name -N subject-name=x%vp "$T"
same "subject-name, escapes" " $NAMES, a\\\\.b\\\\032c.; seq=1; " -c 1 -N name -N 'subject-name=a\.b\032c.' "$T"
same "subject-ipv6 with ipv4" "^24 bytes from $T: 198.18.0.2; seq=1; " -c 1 -N ipv4 -N subject-ipv6=2001:2::9 "$T"
# What the node may answer.
same "refused" "^16 bytes from $T: refused; seq=1; ttl=64$" -c 1 -N name -N subject-name=refuse.test "$T"
same "unknown qtype (code 2)" "^16 bytes from $T: unknown; seq=1; " -c 1 -N ipv6 -N subject-name=unknown.test "$T"
same "unknown code" "^16 bytes from $T: unknown code\(300\); seq=1; " -c 1 -N name -N subject-name=badcode.test "$T"
same "another qtype" "^20 bytes from $T: unknown qtype\(0x1234\); seq=1; " -c 1 -N name -N subject-name=oddqtype.test "$T"
same "addresses cut short" " 2001:2::2, parse error \(truncated\) \(truncated\); seq=1; " \
	-c 1 -N ipv6 -N subject-name=trunc.test "$T"
same "names, too short" "^18 bytes from $T: parse error \(too short\); seq=1; " -c 1 -N name -N subject-name=short.test "$T"
same "addresses, too short" "^18 bytes from $T: parse error \(truncated\); seq=1; " -c 1 -N ipv6 -N subject-name=short.test "$T"
same "a bad pointer" "^26 bytes from $T: parse error \(truncated\); seq=1; " -c 1 -N name -N subject-name=badptr.test "$T"
same "escapes in a name" " a\\\\.b\\\\032c\\\\255!\.test\.; seq=1; " -c 1 -N name -N subject-name=escape.test "$T"
same "duplicates" "; seq=1; ttl=64 \(DUP!\)$" -c 2 -i 0.5 -N name -N subject-name=dup.test "$T"
same "late answers" "^pipe 2$" -c 2 -i 0.2 -N name -N subject-name=slow.test "$T"
same "no answer" "^1 packets transmitted, 0 received, 100% packet loss" -c 1 -W 0.5 -N name -N subject-name=silent.test "$T"
# How it prints.
same "-q" "^2 packets transmitted, 2 received" -q -c 2 -i 0.2 -N ipv6 "$T"
same "-f" "^ipg/ewma X/0\.000 ms$" -f -c 3 -i 0.1 -N name "$T"
same "-D" "^\[TS\] 46 bytes from $T: " -D -c 1 -N name "$T"
same "-s 100: the header's size only" "^PING $T\($T\) 100 data bytes$" -s 100 -c 1 -N name "$T"
same "-a" "; seq=1; ttl=64"$'\a'"$" -a -c 1 -N name "$T"
# -N subject-... alone asks no question: echo requests.
same "subject alone" "^64 bytes from $T: icmp_seq=1 ttl=64 time=X ms$" -c 1 -N subject-ipv6=2001:2::9 "$T"
assert_eq "subject alone: no query sent" "" "$REF_Q$Q"

# -N's own errors and help.
same "help" "^  subject-fqdn=name$" -N help
same "help, late" "^  subject-fqdn=name$" -c 1 -N name -N help "$T"
same "unknown word" "^ping -6 -N <nodeinfo opt>$" -N bogus "$T"
same "a word without its =" "^ping -6 -N <nodeinfo opt>$" -N subject-ipv6 "$T"
same "Qtype conflict" "^Qtype conflict$" -N name -N ipv6 "$T"
same "Subject type conflict" "^Subject type conflict$" -N subject-ipv6=::1 -N subject-ipv4=1.2.3.4 "$T"
same "subject-ipv6, IPv4 address" "^ping: 198.18.0.9: Address family for hostname not supported$" \
	-c 1 -N name -N subject-ipv6=198.18.0.9 "$T"
same "subject-ipv4, no such name" "^ping: nohost.test: " -c 1 -N name -N subject-ipv4=nohost.test "$T"
same "subject-name, empty label" "^ping: inappropriate subject name: a..b$" -c 1 -N name -N subject-name=a..b "$T"
same "subject-name, IDN error" "^ping: IDN encoding error: " -c 1 -N name -N subject-name=-x "$T"
same "subject-name, long scope" "^ping: too long scope name$" -c 1 -N name -N subject-name=x%0123456789abcdef "$T"
same "no destination" "^ping: usage error: Destination address required$" -N name

# -N and an IPv4 target: iputils sends echo requests (on a raw socket).
CASES=$((CASES + 1))
run_in p "$REF_PING" -c 1 -N name "$T4"
REF_OUT=$(printf '%s\n' "$OUT" | mask) REF_RC=$RC
run_in p "$PING" -c 1 -N name "$T4"
assert_eq "IPv4 target: exit status" "$REF_RC" "$RC"
assert_match "IPv4 target: reference" "^64 bytes from $T4: icmp_seq=1 ttl=64 time=X ms$" "$REF_OUT"
assert_lines "IPv4 target: stdout" "$REF_OUT" "$(printf '%s\n' "$OUT" | mask)"

# Plain ping, no -6: the name decides the family (a raw socket each).
CASES=$((CASES + 1))
run_in p "$REF_PING" -c 1 -N ipv6 "$T"
REF_OUT=$(printf '%s\n' "$OUT" | mask) REF_RC=$RC
run_in p "$PING" -c 1 -N ipv6 "$T"
assert_eq "ping, IPv6 target: exit status" "$REF_RC" "$RC"
assert_match "ping, IPv6 target: reference" "^56 bytes from $T: 2001:2::2, 2001:2:0:9::2; seq=1; ttl=64$" "$REF_OUT"
assert_lines "ping, IPv6 target: stdout" "$REF_OUT" "$(printf '%s\n' "$OUT" | mask)"

# Hostile answers: echolot shows and counts what it does not credit.
pair_run "forged" -c 1 -N name -N subject-name=forged.test "$T"
assert_line_count "forged: the altered nonce shown" "; seq=1; ttl=64 \(BAD TAG!\)$" 1 "$OUT"
assert_line_count "forged: the right answer received" "forged\.test\.; seq=1; ttl=64$" 1 "$OUT"
assert_match "forged: counted as corrupted" "^1 packets transmitted, 1 received, \+1 corrupted, 0% packet loss" "$OUT"
assert_lines "forged: the rest as iputils (which drops it unseen)" "$REF_OUT" \
	"$(printf '%s\n' "$OUT" | grep -v 'BAD TAG' | sed 's/, +1 corrupted//')"
run_in p "$PING6" -v -c 1 -N name -N subject-name=unsent.test "$T"
assert_eq "unsent: exit status" 0 "$RC"
assert_match "unsent: shown as dropped (-v)" "^From $T: icmp_seq=1001 dropped: a sequence number we did not send" "$OUT"
assert_match "unsent: the right answer received" "^1 packets transmitted, 1 received, 0% packet loss" "$OUT"
run_in p "$PING6" -v -c 2 -i 0.2 -W 0.5 -N name -N subject-name=runt.test "$T"
assert_eq "runt: exit status (nothing received)" 1 "$RC"
assert_line_count "runt: each shown as dropped (-v)" "^From $T: icmp_seq=0 dropped: not an answer to our probes$" 2 "$OUT"
assert_match "runt: counted as lost" "^2 packets transmitted, 0 received, 100% packet loss" "$OUT"
assert_eq "runt: nothing on stderr" "" "$ERR"

# An error quoting a query: 2001:2::99 is on p's link, and nobody answers
# neighbour discovery for it.
run_in p "$PING6" -c 1 -W 3 -N name 2001:2::99
assert_eq "unreachable: exit status" 1 "$RC"
assert_match "unreachable: the error reported" "^From $P6 icmp_seq=1 Destination unreachable: Address unreachable$" "$OUT"
assert_match "unreachable: counted" "^1 packets transmitted, 0 received, \+1 errors, 100% packet loss" "$OUT"

# No CAP_NET_RAW, ping sockets allowed: echo would work, -N cannot.
ns_sysctl p "net.ipv4.ping_group_range=0 2147483647"
REF=$(unprivileged_copy "$REF_PING") ECO=$(unprivileged_copy "$PING6")
run_as_nobody p "$ECO" -c 1 -n "$T"
assert_eq "unprivileged: echo works (control)" 0 "$RC"
run_as_nobody p "$REF" -6 -c 1 -N name "$T"
REF_RC=$RC REF_ERR=$ERR
run_as_nobody p "$ECO" -c 1 -N name "$T"
assert_eq "unprivileged -N: exit status" "$REF_RC" "$RC"
assert_eq "unprivileged -N: nothing sent" "" "$OUT"
assert_match "unprivileged -N: iputils names cap_net_raw" "cap_net_raw" "$REF_ERR"
assert_match "unprivileged -N: echolot says raw and names CAP_NET_RAW" \
	"cannot open a raw socket .*CAP_NET_RAW" "$ERR"

log "$CASES cases compared with iputils"
finish
