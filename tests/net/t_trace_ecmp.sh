#!/bin/bash
# t_trace_ecmp: a load-balanced path.  r1 spreads the flows to the target
# over two equal-cost routers, ra and rb (a multipath route, L4 hash:
# net.ipv4/ipv6.fib_multipath_hash_policy=1), which meet again at r3:
#
#   p - r1 =< ra >= r3 - t
#            < rb >
#
#  - echolot (every method, both families, --sport fixed so that every run
#    is the same flow) shows one path: one address per hop within a run,
#    and the same hop list on every one of 5 runs;
#  - with 16 other source ports, echolot's flows go through both ra and
#    rb (the balancer balances);
#  - the reference, /usr/sbin/traceroute with its default UDP method (the
#    destination port goes up by one per probe), run 10 times, mixes ra
#    and rb within a hop at least once (skipped for IPv6 on a kernel
#    without net.ipv6.fib_multipath_hash_policy).
# Every namespace here is created by this test; nothing leaves them.
. "$(dirname "$0")/lib.sh"
need_root
TR=${TR:-$(dirname "$PING")/traceroute}
REF_TR=${REF_TR:-/usr/sbin/traceroute}
[ -x "$TR" ] || skip "traceroute $TR not found (build it: make)"
RUNS=5
REF_RUNS=10     # ~40% of its runs do not mix here: 10 make a miss ~1e-4

ecmp_diamond
V6HASH=$ECMP_V6HASH
[ "$V6HASH" = 1 ] ||
	log "no net.ipv6.fib_multipath_hash_policy: IPv6 multipath hashes addresses only"

# hops OUTPUT: per hop line "TTL addr[,addr...]" (the distinct addresses
# that answered the hop, in order of first appearance).
hops() {
	awk 'NR > 1 {
		s = ""; delete seen
		for (i = 2; i <= NF; i++)
			if (($i ~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/ || $i ~ /:/) && !seen[$i]++)
				s = s (s == "" ? "" : ",") $i
		print $1, (s == "" ? "*" : s)
	}'
}

for fam in 4 6; do
	if [ $fam = 4 ]; then dst=198.18.6.2; else dst=2001:2:0:6::2; fi
	for m in "" -I -T; do
		what="v$fam ${m:-UDP}"
		first=""
		for ((i = 1; i <= RUNS; i++)); do
			run_in p "$TR" -n -q 5 --sport 40000 $m "$dst"
			assert_eq "$what run $i: exit status" 0 "$RC"
			h=$(printf '%s\n' "$OUT" | hops)
			assert_no_match "$what run $i: one address per hop" "," "$h"
			assert_match "$what run $i: reached" "^4 ${dst//./\\.}$" "$h"
			assert_match "$what run $i: through ra or rb" "^2 (198\.18\.[23]\.2|2001:2:0:[23]::2)$" "$h"
			if [ -z "$first" ]; then
				first=$h
			else
				assert_lines "$what run $i: the path of run 1" "$first" "$h"
			fi
		done
		log "$what: $(printf '%s\n' "$first" | tr '\n' ' ')"
	done
done

# The balancer does balance: echolot's flows with other source ports go
# through both ra and rb (so one path per run above is not a given).
for fam in 4 6; do
	if [ $fam = 4 ]; then dst=198.18.6.2; else dst=2001:2:0:6::2; fi
	[ $fam = 6 ] && [ $V6HASH = 0 ] && continue
	seen=""
	for ((sp = 40001; sp <= 40016; sp++)); do
		run_in p "$TR" -n -q 1 -m 2 --sport $sp "$dst"
		seen+=$(printf '%s\n' "$OUT" | hops | awk '$1 == 2 { print $2 }')$'\n'
	done
	assert_eq "v$fam UDP, 16 source ports: both ra and rb" 2 \
		"$(printf '%s' "$seen" | sort -u | grep -c .)"
done

# The reference: classic UDP, a port per probe.
if optional "the reference traceroute $REF_TR (traceroute)" [ -x "$REF_TR" ]; then
	for fam in 4 6; do
		if [ $fam = 4 ]; then dst=198.18.6.2; else dst=2001:2:0:6::2; fi
		[ $fam = 6 ] && [ $V6HASH = 0 ] && continue
		mixed=0
		for ((i = 1; i <= REF_RUNS; i++)); do
			run_in p "$REF_TR" -n -q 5 "$dst"
			assert_eq "reference v$fam run $i: exit status" 0 "$RC"
			h=$(printf '%s\n' "$OUT" | hops)
			if printf '%s\n' "$h" | grep -q ','; then
				mixed=$((mixed + 1))
			fi
		done
		log "reference v$fam: mixed paths within a hop in $mixed of $REF_RUNS runs"
		assert_match "reference v$fam mixes ra and rb at least once" "^[1-9]" "$mixed"
	done
fi
finish
