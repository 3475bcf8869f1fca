#!/bin/bash
# t_wrap: sequence numbers wrap past 65535 without miscounting.
# 70000 probes in flood mode to a neighbour: every one answered, counted
# once, no duplicates; and the same across the wrap with 1% loss, where the
# loss printed must equal the target's drop counter exactly.
. "$(dirname "$0")/lib.sh"
need_root
need_ping
need_cmd nft

chain 0
run_in p "$PING" -q -f -c 70000 -n "$T4"
assert_eq "wrap: exit status" 0 "$RC"
assert_match "wrap: all answered, once" \
	"^70000 packets transmitted, 70000 received, 0% packet loss" "$OUT"
assert_no_match "wrap: no duplicates" "duplicates" "$OUT"

nft_load t "table ip wrap {
	counter dropped { }
	chain in {
		type filter hook input priority 0;
		icmp type echo-request numgen random mod 100 < 1 counter name dropped drop
	}
}"
run_in p "$PING" -q -f -l 8 -c 70000 -n "$T4"
dropped=$(nft_counter t ip wrap dropped)
tx=$(stat_field "$OUT" "packets transmitted")
rx=$(stat_field "$OUT" "received")
assert_eq "wrap with loss: transmitted" 70000 "$tx"
assert_eq "wrap with loss: lost = dropped by the target" "$dropped" "$((tx - rx))"
assert_no_match "wrap with loss: no duplicates" "duplicates" "$OUT"

finish
