#!/bin/bash
# t_names: reverse lookups against a slow resolver must not stall the probe
# schedule. p - r1 - t; a DNS server inside p (tools/slow_dns.py on
# 127.0.0.1:53) answers the PTR queries for the target (t.names.test) and the
# router (r1.names.test), one of them after 2 s; tcpdump in r1 records when the
# echo requests really left. The target is pinged by its name (the server
# answers its A query at once): given an address, ping (iputils and echolot
# alike) prints no names at all, and iputils 20221126 has no -H to force them.
#  A. target's name slow: "64 bytes from t.names.test (198.18.2.2)"; echolot
#     looks it up once, before the first probe, so requests are never more than
#     0.6 s apart;
#  B. router's name slow, -t 1: "From r1.names.test (198.18.1.2) icmp_seq=N
#     Time to live exceeded" for 1..6 in order, "+6 errors", exit 1; echolot
#     keeps sending on schedule while it looks the name up, once;
#  C. -D: the From lines carry arrival times (0.2 s apart, each within 0.3 s of
#     its request in the capture), not the time they were printed;
#  D. -c 1 -t 1: the end waits for the pending name: the From line with the
#     name comes before the statistics, exit 1.
# iputils ($REF_PING) runs the same commands to show that the test sees a
# stall: it looks up the source of every reply and error again, in line, so
# its requests are 2 s apart in A and B (and its last reply in A has no name).
. "$(dirname "$0")/lib.sh"
need_root
need_ping "$PING" "$REF_PING"
need_cmd tcpdump
[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 not installed"

SLOW=2 # seconds the slow name takes

chain 1
etc_file p resolv.conf "nameserver 127.0.0.1
options timeout:5 attempts:1"
hosts_file p # no names for the test addresses: they come from DNS
ip -n "$(nsn p)" link set lo up || die "lo up in p"

T=$T4 R=${R4[1]}
TNAME=t.names.test RNAME=r1.names.test
T_ARPA=$(echo "$T" | awk -F. '{ print $4 "." $3 "." $2 "." $1 ".in-addr.arpa" }')
R_ARPA=$(echo "$R" | awk -F. '{ print $4 "." $3 "." $2 "." $1 ".in-addr.arpa" }')
Tre=${T//./\\.} Rre=${R//./\\.}

note() { [ "${NET_VERBOSE:-0}" = 1 ] && log "$*"; return 0; }

# cap_start FILE: capture the echo requests arriving at r1 (CAP_PID).
cap_start() {
	bg_start r1 "$1.log" tcpdump -i left -nn -U --immediate-mode -w "$1" \
		'icmp and icmp[icmptype] = icmp-echo'
	CAP_PID=$BG_PID
	wait_for "$1.log" listening || die "tcpdump did not start: $(cat "$1.log")"
}

# probe NAME DELAY_T DELAY_R PING_ARGS...: run one pinger in p under a fresh
# DNS server and a capture; OUT/ERR/RC as run_in, then TIMES (capture times
# of the requests), GAPS (their differences), MAXGAP, NREQ and QUERIES (the
# DNS log).
probe() {
	local name=$1 dt=$2 dr=$3 cap=$TMPD/$1.pcap dlog=$TMPD/$1.dns
	shift 3
	slow_dns_start p "$dlog" "$T=$TNAME:$dt" "$R=$RNAME:$dr"
	cap_start "$cap"
	run_in p "$@"
	sleep 0.2 # the last request reaches the capture
	bg_stop "$CAP_PID"
	bg_stop "$DNS_PID"
	TIMES=$(pcap_times "$cap")
	NREQ=$(printf '%s\n' "$TIMES" | grep -c .)
	GAPS=$(printf '%s\n' "$TIMES" | awk 'NR > 1 { printf "%.3f ", $1 - p } { p = $1 }')
	MAXGAP=$(printf '%s\n' "$TIMES" | awk 'NR > 1 && $1 - p > m { m = $1 - p } { p = $1 } END { printf "%.3f", m }')
	QUERIES=$(cat "$dlog")
	note "$name: exit $RC, $NREQ requests, gaps (s): $GAPS"
	note "$name: DNS queries: $(printf '%s\n' "$QUERIES" | awk 'NF { printf "%s %s; ", $2, $3 }')"
}

# assert_num DESC VALUE OP LIMIT [CONTEXT]: awk comparison of two numbers.
assert_num() {
	CHECKS=$((CHECKS + 1))
	if awk -v a="$2" -v b="$4" "BEGIN { exit !(a $3 b) }"; then
		pass "$1"
		return 0
	fi
	fail "$1: $2 is not $3 $4"
	[ -n "${5:-}" ] && echo "  $5" >&2
	_show_last
	return 1
}

words() { printf '%s\n' "$1" | tr '\n' ' ' | sed 's/ *$//'; }
from_lines() { printf '%s\n' "$1" | grep -E '^(\[[0-9.]+\] )?From '; }

for impl in echolot iputils; do
	if [ $impl = echolot ]; then P=$PING; else P=$REF_PING; fi

	# A: the target's name takes 2 s.
	probe "$impl-A" "$SLOW" 0 "$P" -c 5 -i 0.2 "$TNAME"
	assert_eq "$impl A: exit status" 0 "$RC"
	assert_match "$impl A: header" "^PING $TNAME \\($Tre\\) 56\\(84\\) bytes of data\\.$" "$OUT"
	assert_eq "$impl A: reply sequence" "1 2 3 4 5" "$(reply_seqs "$OUT")"
	assert_eq "$impl A: requests captured" 5 "$NREQ"
	if [ $impl = echolot ]; then
		assert_line_count "$impl A: replies carry the target's name" \
			"^64 bytes from $TNAME \\($Tre\\): icmp_seq=[1-5] ttl=63 time=[0-9.]+ ms$" 5 "$OUT"
		assert_num "$impl A: no stall between requests (max gap, s)" "$MAXGAP" "<" 0.6 "gaps: $GAPS"
		assert_line_count "$impl A: one PTR query for the target" " PTR $T_ARPA\$" 1 "$QUERIES"
	else
		# iputils 20221126 looks the source of every reply up again, in
		# line (and prints the last reply without a name): it stalls.
		assert_num "$impl A: stalls on the target's name (max gap, s)" "$MAXGAP" ">=" 1.5 "gaps: $GAPS"
	fi

	# B: the router's name takes 2 s; every probe draws Time to live exceeded.
	probe "$impl-B" 0 "$SLOW" "$P" -c 6 -i 0.2 -t 1 "$TNAME"
	assert_eq "$impl B: exit status" 1 "$RC"
	assert_eq "$impl B: From lines with the router's name, in order" \
		"$(for s in 1 2 3 4 5 6; do echo "From $RNAME ($R) icmp_seq=$s Time to live exceeded"; done)" \
		"$(from_lines "$OUT")"
	assert_eq "$impl B: statistics" "6 packets transmitted, 0 received, +6 errors, 100% packet loss" \
		"$(stats_line "$OUT")"
	assert_eq "$impl B: requests captured" 6 "$NREQ"
	if [ $impl = echolot ]; then
		assert_num "$impl B: no stall between requests (max gap, s)" "$MAXGAP" "<" 0.6 "gaps: $GAPS"
		assert_line_count "$impl B: one PTR query for the router" " PTR $R_ARPA\$" 1 "$QUERIES"
	else
		# The reference looks the name up synchronously (once per error):
		# the test sees the stall.
		assert_num "$impl B: stalls while looking up the router (max gap, s)" "$MAXGAP" ">=" 1.5 "gaps: $GAPS"
	fi

	# C: -D timestamps are arrival times, not print times.
	probe "$impl-C" 0 "$SLOW" "$P" -D -c 4 -i 0.2 -t 1 "$TNAME"
	STAMPS=$(from_lines "$OUT" | sed -nE 's/^\[([0-9]+\.[0-9]+)\] From .*/\1/p')
	SGAPS=$(printf '%s\n' "$STAMPS" | awk 'NR > 1 { printf "%.3f ", $1 - p } { p = $1 }')
	SMAX=$(printf '%s\n' "$STAMPS" | awk 'NR > 1 && $1 - p > m { m = $1 - p } { p = $1 } END { printf "%.3f", m }')
	# Each From line against the request it answers (the capture is in r1,
	# the error is back in p a fraction of a millisecond later).
	SLAG=$(paste <(printf '%s\n' "$STAMPS") <(printf '%s\n' "$TIMES") |
		awk 'NF == 2 { d = $1 - $2; if (d < 0) d = -d; if (d > m) m = d } END { printf "%.3f", m }')
	note "$impl-C: From stamps: $(words "$STAMPS"); differences (s): $SGAPS; max |stamp - request| $SLAG s"
	assert_eq "$impl C: exit status" 1 "$RC"
	assert_line_count "$impl C: four stamped From lines with the router's name" \
		"^\\[[0-9]+\\.[0-9]{6}\\] From $RNAME \\($Rre\\) icmp_seq=[1-4] Time to live exceeded$" 4 "$OUT"
	if [ $impl = echolot ]; then
		assert_num "$impl C: From stamps 0.2 s apart (max difference, s)" "$SMAX" "<" 0.6 "differences: $SGAPS"
		assert_num "$impl C: From stamps at arrival (max |stamp - request|, s)" "$SLAG" "<" 0.3 \
			"stamps: $(words "$STAMPS"); requests: $(words "$TIMES")"
		assert_num "$impl C: no stall between requests (max gap, s)" "$MAXGAP" "<" 0.6 "gaps: $GAPS"
	fi

	# D: one probe: the end waits for the router's name.
	probe "$impl-D" 0 "$SLOW" "$P" -c 1 -t 1 "$TNAME"
	assert_eq "$impl D: exit status" 1 "$RC"
	assert_eq "$impl D: From line with the name, then the statistics" \
		"From $RNAME ($R) icmp_seq=1 Time to live exceeded
--- $TNAME ping statistics ---
1 packets transmitted, 0 received, +1 errors, 100% packet loss" \
		"$(printf '%s\n' "$OUT" | grep -E '^From |^--- |packets transmitted' | sed -E 's/, time [0-9]+ms$//')"
done

finish
