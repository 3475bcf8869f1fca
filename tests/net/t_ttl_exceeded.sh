#!/bin/bash
# t_ttl_exceeded: p - r1 - r2 - r3 - t, three forwarding routers.
#  - no -t: replies come back with ttl=61 (64 - 3 hops), v4 and v6;
#  - -t 1/2/3: "From <router k> icmp_seq=N Time to live exceeded" (v4), where
#    router k is the one that received the probe with TTL 1; v6 -t 2 gives
#    "Time exceeded: Hop limit"; statistics "+N errors", 100% loss, exit 1;
#  - -t 4 just reaches the target;
#  - with -w the first error ends the run (iputils);
#  - a target whose default TTL / hop limit is 128 answers with ttl=125.
. "$(dirname "$0")/lib.sh"
need_root
need_ping

chain 3

for fam in 4 6; do
	if [ $fam = 4 ]; then
		T=$T4 R=("" "${R4[1]}" "${R4[2]}" "${R4[3]}") EXC="Time to live exceeded"
	else
		T=$T6 R=("" "${R6[1]}" "${R6[2]}" "${R6[3]}") EXC="Time exceeded: Hop limit"
	fi

	run_in p "$PING" -$fam -c 3 -i 0.2 -n "$T"
	assert_eq "v$fam no -t: exit status" 0 "$RC"
	assert_line_count "v$fam no -t: replies with ttl=61" \
		"^64 bytes from $T: icmp_seq=[123] ttl=61 time=[0-9.]+ ms$" 3 "$OUT"
	assert_eq "v$fam no -t: sequence" "1 2 3" "$(reply_seqs "$OUT")"
	assert_eq "v$fam no -t: statistics" "3 packets transmitted, 3 received, 0% packet loss" "$(stats_line "$OUT")"

	for ttl in 1 2 3; do
		run_in p "$PING" -$fam -c 2 -i 0.2 -t $ttl -n "$T"
		assert_eq "v$fam -t $ttl: exit status" 1 "$RC"
		assert_eq "v$fam -t $ttl: error lines from r$ttl" \
			"From ${R[ttl]} icmp_seq=1 $EXC
From ${R[ttl]} icmp_seq=2 $EXC" "$(printf '%s\n' "$OUT" | grep -E '^From ')"
		assert_eq "v$fam -t $ttl: statistics" \
			"2 packets transmitted, 0 received, +2 errors, 100% packet loss" "$(stats_line "$OUT")"
		assert_no_match "v$fam -t $ttl: no reply, no rtt line" "bytes from|^rtt " "$OUT"
		assert_eq "v$fam -t $ttl: stderr empty" "" "$ERR"
	done

	run_in p "$PING" -$fam -c 2 -i 0.2 -t 4 -n "$T"
	assert_eq "v$fam -t 4: exit status" 0 "$RC"
	assert_line_count "v$fam -t 4: replies with ttl=61" "^64 bytes from $T: icmp_seq=[12] ttl=61 " 2 "$OUT"
	assert_eq "v$fam -t 4: statistics" "2 packets transmitted, 2 received, 0% packet loss" "$(stats_line "$OUT")"

	run_in p "$PING" -$fam -c 3 -w 5 -t 2 -n "$T"
	assert_eq "v$fam -t 2 -w 5: exit status" 1 "$RC"
	assert_eq "v$fam -t 2 -w 5: stops at the first error" "From ${R[2]} icmp_seq=1 $EXC" \
		"$(printf '%s\n' "$OUT" | grep -E '^From ')"
	assert_eq "v$fam -t 2 -w 5: statistics" \
		"1 packets transmitted, 0 received, +1 errors, 100% packet loss" "$(stats_line "$OUT")"
done

# Flood into a TTL that runs out: every probe draws an error, none may end
# the run (a pending socket error once failed the next receive).
if is_echolot; then
	for fam in 4 6; do
		if [ $fam = 4 ]; then T=$T4; else T=$T6; fi
		run_in p "$PING" -$fam -f -c 20 -t 2 -n "$T"
		assert_eq "v$fam flood -t 2: exit status" 1 "$RC"
		assert_eq "v$fam flood -t 2: nothing on stderr" "" "$ERR"
		assert_eq "v$fam flood -t 2: statistics" \
			"20 packets transmitted, 0 received, +20 errors, 100% packet loss" \
			"$(stats_line "$OUT")"
	done
fi

# A target that starts at 128 (the TTL that says "Windows").
ns_sysctl t net.ipv4.ip_default_ttl=128 net.ipv6.conf.all.hop_limit=128 net.ipv6.conf.left.hop_limit=128
run_in p "$PING" -4 -c 2 -i 0.2 -n "$T4"
assert_line_count "v4 default ttl 128: replies with ttl=125" "^64 bytes from $T4: icmp_seq=[12] ttl=125 " 2 "$OUT"
run_in p "$PING" -6 -c 2 -i 0.2 -n "$T6"
assert_line_count "v6 hop limit 128: replies with ttl=125" "^64 bytes from $T6: icmp_seq=[12] ttl=125 " 2 "$OUT"

finish
