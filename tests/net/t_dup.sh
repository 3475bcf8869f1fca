#!/bin/bash
# t_dup: p - t; the target duplicates some of its echo replies with the
# nftables "dup to <prober> device left" statement (no netem here).
#  - only the reply to icmp_seq 2 duplicated, -c 3: replies 1, 2, 2 (DUP!), 3,
#    statistics "3 received, +1 duplicates, 0% packet loss", exit 0;
#  - ~30% of the replies duplicated at random over -c 100 -i 0.01 (the last
#    one spared: ping may exit before its copy arrives): the number of
#    "(DUP!)" lines and "+N duplicates" both equal the number of copies the
#    target sent (echo replies leaving it minus echo requests it answered, by
#    nftables counters); 100 received, 0% loss.
# v4 and v6.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd nft jq
need_ping

chain 0

# dup_rules MATCH4 MATCH6: the target duplicates its echo replies that also
# match MATCH4 (v4) / MATCH6 (v6); "-" duplicates none of that family. Each
# family's table counts echo requests in and echo replies out (originals and
# copies: the copy passes postrouting too).
dup_rules() {
	local fam match table proto dst rules=""
	ip netns exec "$(nsn t)" nft flush ruleset || die "nft flush"
	for fam in 4 6; do
		if [ $fam = 4 ]; then
			match=$1 table="ip dupt4" proto=icmp dst=$P4
		else
			match=$2 table="ip6 dupt6" proto=icmpv6 dst=$P6
		fi
		rules+="
table $table {
	counter req {}
	counter rep {}
	chain in {
		type filter hook input priority 0;
		$proto type echo-request counter name req
	}
	chain post {
		type filter hook postrouting priority 0;
		$proto type echo-reply counter name rep
	}
	chain out {
		type filter hook output priority 0;
		$([ "$match" = - ] || echo "$proto type echo-reply $match dup to $dst device \"left\"")
	}
}"
	done
	nft_load t "$rules"
}

# copies FAM: duplicate echo replies the target sent, v4 or v6.
copies() {
	local t
	t=$([ "$1" = 4 ] && echo "ip dupt4" || echo "ip6 dupt6")
	# shellcheck disable=SC2086
	echo $(($(nft_counter t $t rep) - $(nft_counter t $t req)))
}

# --- exactly one duplicate ---
dup_rules "icmp sequence 2" "icmpv6 sequence 2"
for fam in 4 6; do
	if [ $fam = 4 ]; then T=$T4; else T=$T6; fi
	run_in p "$PING" -$fam -c 3 -i 0.2 -n "$T"
	assert_eq "v$fam one dup: exit status" 0 "$RC"
	assert_eq "v$fam one dup: replies" "1 2 3" "$(reply_seqs "$OUT")"
	assert_eq "v$fam one dup: duplicate" "2" "$(reply_seqs "$OUT" dup)"
	assert_match "v$fam one dup: DUP line format" \
		"^64 bytes from $T: icmp_seq=2 ttl=64 time=[0-9.]+ ms \(DUP!\)$" "$OUT"
	assert_eq "v$fam one dup: order" "1 2 2 3" \
		"$(printf '%s\n' "$OUT" | sed -nE 's/^64 bytes from .* icmp_seq=([0-9]+) .*/\1/p' | tr '\n' ' ' | sed 's/ $//')"
	assert_eq "v$fam one dup: statistics" \
		"3 packets transmitted, 3 received, +1 duplicates, 0% packet loss" "$(stats_line "$OUT")"
	assert_rtt "v$fam one dup: rtt line" "$OUT"
done
assert_eq "one dup: copies sent by the target (v4)" 1 "$(copies 4)"
assert_eq "one dup: copies sent by the target (v6)" 1 "$(copies 6)"

# --- random duplicates ---
N=100
for fam in 4 6; do
	if [ $fam = 4 ]; then
		T=$T4
		dup_rules "icmp sequence != $N numgen random mod 100 < 30" -
	else
		T=$T6
		dup_rules - "icmpv6 sequence != $N numgen random mod 100 < 30"
	fi
	run_in p "$PING" -$fam -c $N -i 0.01 -n "$T"
	copies=$(copies $fam)
	log "v$fam: target sent $copies duplicate replies"
	assert_eq "v$fam random dups: exit status" 0 "$RC"
	assert_match "v$fam random dups: some copies sent" '^[1-9][0-9]?$' "$copies"
	assert_eq "v$fam random dups: DUP! lines" "$copies" "$(printf '%s\n' "$OUT" | grep -c '(DUP!)$')"
	assert_eq "v$fam random dups: statistics" \
		"$N packets transmitted, $N received, +$copies duplicates, 0% packet loss" "$(stats_line "$OUT")"
	assert_eq "v$fam random dups: every sequence number once without DUP" \
		"$(seq -s ' ' 1 $N)" "$(reply_seqs "$OUT")"
done

finish
