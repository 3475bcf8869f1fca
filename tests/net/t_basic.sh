#!/bin/bash
# t_basic: one veth pair, prober p (198.18.1.1, 2001:2:0:1::1) and target t
# (198.18.1.2, 2001:2:0:1::2).
#  - ping -c 3 -i 0.2 -n, v4 and v6: header, three replies icmp_seq 1..3 with
#    ttl=64, statistics, rtt line, exit 0, nothing on stderr;
#  - an address on the link that nobody owns (ARP / ND fail): the kernel
#    reports "Destination Host Unreachable" (v4) / "Destination unreachable:
#    Address unreachable" (v6) from the prober's own address; +N errors,
#    100% packet loss, exit 1. With -w the first error ends the run.
#  - a target that silently drops echo requests: 100% packet loss, no errors,
#    exit 1.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd nft
need_ping

chain 0
neigh_fast p right

for fam in 4 6; do
	if [ $fam = 4 ]; then
		T=$T4 ME=$P4 NX=198.18.1.9
		HDR="PING $T ($T) 56(84) bytes of data."
		UNREACH="Destination Host Unreachable"
	else
		T=$T6 ME=$P6 NX=2001:2:0:1::9
		HDR="PING $T($T) 56 data bytes"
		UNREACH="Destination unreachable: Address unreachable"
	fi

	# --- reachable neighbour ---
	run_in p "$PING" -$fam -c 3 -i 0.2 -n "$T"
	assert_eq "v$fam: exit status" 0 "$RC"
	assert_eq "v$fam: header line" "$HDR" "$(printf '%s\n' "$OUT" | head -n1)"
	assert_line_count "v$fam: three well-formed replies" \
		"^64 bytes from $T: icmp_seq=[123] ttl=64 time=[0-9]+(\.[0-9]+)? ms$" 3 "$OUT"
	assert_eq "v$fam: reply sequence numbers" "1 2 3" "$(reply_seqs "$OUT")"
	assert_match "v$fam: statistics title" "^--- $T ping statistics ---$" "$OUT"
	assert_eq "v$fam: statistics" "3 packets transmitted, 3 received, 0% packet loss" "$(stats_line "$OUT")"
	assert_match "v$fam: statistics has elapsed time" "^3 packets transmitted, .*, time [0-9]+ms$" "$OUT"
	assert_rtt "v$fam: rtt line" "$OUT"
	assert_eq "v$fam: nothing on stderr" "" "$ERR"
	# Exactly: header, 3 replies, blank, title, statistics, rtt.
	assert_eq "v$fam: line count" 8 "$(printf '%s\n' "$OUT" | wc -l)"

	# --- address on the link that does not exist, -c 2 (1 s interval) ---
	# Neighbour resolution fails after ~0.6 s for each probe, so each of the two
	# probes draws one error and ping stops once 2 errors are in.
	run_in p "$PING" -$fam -c 2 -n "$NX"
	assert_eq "v$fam nonexistent: exit status" 1 "$RC"
	assert_eq "v$fam nonexistent: error lines" \
		"From $ME icmp_seq=1 $UNREACH
From $ME icmp_seq=2 $UNREACH" "$(printf '%s\n' "$OUT" | grep '^From ')"
	assert_eq "v$fam nonexistent: statistics" \
		"2 packets transmitted, 0 received, +2 errors, 100% packet loss" "$(stats_line "$OUT")"
	assert_no_match "v$fam nonexistent: no replies, no rtt line" "bytes from|^rtt " "$OUT"

	# --- the same with a deadline: iputils ends at the first error ---
	run_in p "$PING" -$fam -c 2 -w 5 -n "$NX"
	assert_eq "v$fam nonexistent -w: exit status" 1 "$RC"
	assert_eq "v$fam nonexistent -w: error lines" \
		"From $ME icmp_seq=1 $UNREACH" "$(printf '%s\n' "$OUT" | grep '^From ')"
	assert_eq "v$fam nonexistent -w: statistics" \
		"1 packets transmitted, 0 received, +1 errors, 100% packet loss" "$(stats_line "$OUT")"
done

# --- silent target: echo requests dropped, no error comes back ---
nft_load t '
table inet blackhole {
	counter dropped {}
	chain in {
		type filter hook input priority 0;
		icmp type echo-request counter name dropped drop
		icmpv6 type echo-request counter name dropped drop
	}
}'
for fam in 4 6; do
	if [ $fam = 4 ]; then T=$T4; else T=$T6; fi
	run_in p "$PING" -$fam -c 2 -i 0.2 -W 1 -n "$T"
	assert_eq "v$fam silent: exit status" 1 "$RC"
	assert_eq "v$fam silent: statistics" "2 packets transmitted, 0 received, 100% packet loss" "$(stats_line "$OUT")"
	assert_no_match "v$fam silent: no replies, errors or rtt" "bytes from|^From |^rtt " "$OUT"
done
assert_eq "silent: target dropped all 4 requests" 4 "$(nft_counter t inet blackhole dropped)"

finish
