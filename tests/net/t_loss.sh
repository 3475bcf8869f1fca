#!/bin/bash
# t_loss: p - t; nftables on t drops ~30% of echo requests at random
# (numgen random mod 100 < 30), and every request of the last TAIL, and
# counts them in named counters.  Why the tail: ping waits for stragglers
# only 2 x the largest RTT (or an interval) after its last probe, as
# iputils, and on a loaded machine (make valgrind) the last reply could
# come after that and be counted lost; with the last TAIL requests dropped,
# the last reply that comes was asked for TAIL intervals earlier.
# ping -c 200 -i 0.01, v4 and v6:
#  - 200 transmitted, and the target saw exactly 200 requests;
#  - transmitted - received == the drop counters, exactly;
#  - one reply line per received packet, no sequence number twice, and the
#    missing sequence numbers are exactly as many as were dropped;
#  - the printed loss is iputils' %g of (tx - rx) * 100 / tx;
#  - exit 0 (some replies arrived).
. "$(dirname "$0")/lib.sh"
need_root
need_cmd nft jq
need_ping

N=200 TAIL=20
chain 0
nft_load t "
table inet loss {
	counter seen4 {}
	counter seen6 {}
	counter drop4 {}
	counter drop6 {}
	chain in {
		type filter hook input priority 0;
		icmp type echo-request counter name seen4
		icmpv6 type echo-request counter name seen6
		icmp type echo-request icmp sequence > $((N - TAIL)) counter name drop4 drop
		icmpv6 type echo-request icmpv6 sequence > $((N - TAIL)) counter name drop6 drop
		icmp type echo-request numgen random mod 100 < 30 counter name drop4 drop
		icmpv6 type echo-request numgen random mod 100 < 30 counter name drop6 drop
	}
}"

for fam in 4 6; do
	if [ $fam = 4 ]; then T=$T4; else T=$T6; fi
	run_in p "$PING" -$fam -c $N -i 0.01 -n "$T"
	seen=$(nft_counter t inet loss seen$fam)
	dropped=$(nft_counter t inet loss drop$fam)
	tx=$(stat_field "$OUT" "packets transmitted")
	rx=$(stat_field "$OUT" "received")
	log "v$fam: transmitted=$tx received=$rx dropped by nft=$dropped"

	assert_eq "v$fam: exit status" 0 "$RC"
	assert_eq "v$fam: transmitted" "$N" "$tx"
	assert_eq "v$fam: requests seen by the target" "$N" "$seen"
	assert_match "v$fam: nft dropped some but not all" '^[1-9][0-9]?$|^1[0-9][0-9]$' "$dropped"
	assert_eq "v$fam: transmitted - received == dropped" "$dropped" "$((tx - rx))"
	assert_eq "v$fam: statistics" \
		"$tx packets transmitted, $rx received, $(loss_pct "$tx" "$rx") packet loss" "$(stats_line "$OUT")"
	assert_eq "v$fam: one reply line per received packet" "$rx" \
		"$(printf '%s\n' "$OUT" | grep -Ec "^64 bytes from $T: icmp_seq=[0-9]+ ttl=64 time=")"
	seqs=$(reply_seqs "$OUT" | tr ' ' '\n')
	assert_eq "v$fam: no sequence number twice" "$rx" "$(printf '%s\n' "$seqs" | sort -un | grep -c .)"
	assert_eq "v$fam: no reply to the last $TAIL (all dropped)" "" \
		"$(printf '%s\n' "$seqs" | awk -v m=$((N - TAIL)) '$1 > m')"
	missing=$(seq 1 $N | grep -cvxFf <(printf '%s\n' "$seqs"))
	assert_eq "v$fam: missing sequence numbers == dropped" "$dropped" "$missing"
	assert_no_match "v$fam: no duplicates, no errors" "DUP!|^From |errors|duplicates" "$OUT"
	assert_rtt "v$fam: rtt line" "$OUT"
done

finish
