#!/bin/bash
# t_trace_names: traceroute looks its hops' names up while it probes, several
# at once.  p - r1 - r2 - r3 - t; a DNS server in p (tools/slow_dns.py on
# 127.0.0.1:53) answers each hop's PTR query 1 s late.
#  - the lines are Debian traceroute's, names and addresses, times masked;
#  - echolot asks for each name once and, the four lookups overlapping,
#    ends within 2 s; Debian's traceroute looks them up one after another
#    (4 s or more), which shows the test can tell the two apart;
#  - with -n nothing is looked up.
. "$(dirname "$0")/lib.sh"
need_root
need_ping
need_cmd tcpdump
[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 not installed"
TR=${TR:-$(dirname "$PING")/traceroute}
REF_TR=${REF_TR:-/usr/sbin/traceroute}
[ -x "$TR" ] || skip "no $TR"
[ -x "$REF_TR" ] || skip "no $REF_TR (apt-get install traceroute)"

chain 3
etc_file p resolv.conf "nameserver 127.0.0.1
options timeout:5 attempts:1"
hosts_file p # the names come from DNS only

# run_traced NAME TRACER ARGS...: under a fresh DNS server; OUT, RC, MS
# (wall milliseconds) and QUERIES (the server's log: time type name).
run_traced() {
	local name=$1 dlog=$TMPD/$1.dns s e
	shift
	slow_dns_start p "$dlog" "${R4[1]}=r1.names.test:1" "${R4[2]}=r2.names.test:1" \
		"${R4[3]}=r3.names.test:1" "$T4=t.names.test:1"
	s=$(date +%s%N)
	run_in p "$@"
	e=$(date +%s%N)
	MS=$(((e - s) / 1000000))
	bg_stop "$DNS_PID"
	QUERIES=$(cat "$dlog")
	[ "${NET_VERBOSE:-0}" = 1 ] && log "$name: ${MS} ms, queries: $(printf '%s\n' "$QUERIES" | awk 'NF { printf "%s %s; ", $2, $3 }')"
	return 0
}

times_masked() { printf '%s\n' "$1" | sed -E 's/[0-9]+\.[0-9]+ ms/T ms/g'; }

run_traced ref "$REF_TR" -q 2 "$T4"
REF_OUT=$OUT REF_MS=$MS
run_traced echolot "$TR" -q 2 "$T4"

assert_eq "exit status" 0 "$RC"
assert_eq "the lines, times masked, as Debian traceroute's" \
	"$(times_masked "$REF_OUT")" "$(times_masked "$OUT")"
assert_match "hop 1 by name" "^ 1  r1\\.names\\.test \\(${R4[1]//./\\.}\\)  " "$OUT"
assert_match "the target by name" "^ 4  t\\.names\\.test \\(${T4//./\\.}\\)  " "$OUT"
for a in "${R4[1]}" "${R4[2]}" "${R4[3]}" "$T4"; do
	arpa=$(echo "$a" | awk -F. '{ print $4 "." $3 "." $2 "." $1 ".in-addr.arpa" }')
	assert_line_count "one PTR query for $a" " PTR $arpa\$" 1 "$QUERIES"
done
CHECKS=$((CHECKS + 2))
if [ "$MS" -lt 2000 ]; then
	pass "lookups overlap"
else
	fail "echolot took ${MS} ms with four names 1 s late each (want < 2000: they overlap)"
fi
if [ "$REF_MS" -ge 3500 ]; then
	pass "the reference looks the names up one after another"
else
	fail "Debian traceroute took ${REF_MS} ms (expected >= 3500: one lookup after another)"
fi

run_traced numeric "$TR" -n -q 2 "$T4"
assert_eq "-n: exit status" 0 "$RC"
assert_line_count "-n: no DNS query" "PTR" 0 "$QUERIES"
assert_match "-n: addresses only" "^ 1  ${R4[1]//./\\.}  " "$OUT"

finish
