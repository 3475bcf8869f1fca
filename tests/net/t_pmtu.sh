#!/bin/bash
# t_pmtu: p - r1 - t where the r1 - t link has MTU 1280; 1300-byte payloads.
#  - v4 -M do: r1 answers the first probe with "Frag needed and DF set
#    (mtu = 1280)"; the kernel then knows the path MTU and refuses the next
#    probes locally (EMSGSIZE: "local error: message too long, mtu=1280" on
#    stderr); all count as errors, 100% loss, exit 1;
#  - v4 -M dont: fragments, replies of 1308 bytes with ttl=63, exit 0;
#  - v6: r1 answers "Packet too big: mtu=1280"; later probes are fragmented
#    by the sender and answered: 2 received, +1 errors, 33.3333% loss, exit 0
#    (some reply arrived);
#  - v6 -M do after that: every probe refused locally, exit 1.
. "$(dirname "$0")/lib.sh"
need_root
need_ping

chain 1
ip -n "$(nsn r1)" link set right mtu 1280 || die "mtu"
ip -n "$(nsn t)" link set left mtu 1280 || die "mtu"
RTR4=${R4[1]} RTR6=${R6[1]}

run_in p "$PING" -4 -c 3 -i 0.2 -M "do" -s 1300 -n "$T4"
assert_eq "v4 -M do: exit status" 1 "$RC"
assert_eq "v4 -M do: header" "PING $T4 ($T4) 1300(1328) bytes of data." "$(printf '%s\n' "$OUT" | head -n1)"
assert_eq "v4 -M do: router error" "From $RTR4 icmp_seq=1 Frag needed and DF set (mtu = 1280)" \
	"$(printf '%s\n' "$OUT" | grep -E '^From ')"
assert_eq "v4 -M do: statistics" "3 packets transmitted, 0 received, +3 errors, 100% packet loss" "$(stats_line "$OUT")"
assert_line_count "v4 -M do: two local errors on stderr" "local error: message too long, mtu[=:] ?1280$" 2 "$ERR"

run_in p "$PING" -4 -c 2 -i 0.2 -M dont -s 1300 -n "$T4"
assert_eq "v4 -M dont: exit status" 0 "$RC"
assert_line_count "v4 -M dont: fragmented replies" "^1308 bytes from $T4: icmp_seq=[12] ttl=63 time=" 2 "$OUT"
assert_eq "v4 -M dont: statistics" "2 packets transmitted, 2 received, 0% packet loss" "$(stats_line "$OUT")"

run_in p "$PING" -6 -c 3 -i 0.2 -s 1300 -n "$T6"
assert_eq "v6: exit status (some replies)" 0 "$RC"
assert_eq "v6: header" "PING $T6($T6) 1300 data bytes" "$(printf '%s\n' "$OUT" | head -n1)"
assert_eq "v6: router error" "From $RTR6 icmp_seq=1 Packet too big: mtu=1280" "$(printf '%s\n' "$OUT" | grep -E '^From ')"
assert_line_count "v6: fragmented replies" "^1308 bytes from $T6: icmp_seq=[23] ttl=63 time=" 2 "$OUT"
assert_eq "v6: statistics" "3 packets transmitted, 2 received, +1 errors, 33.3333% packet loss" "$(stats_line "$OUT")"

run_in p "$PING" -6 -c 2 -i 0.2 -M "do" -s 1300 -n "$T6"
assert_eq "v6 -M do: exit status" 1 "$RC"
assert_eq "v6 -M do: statistics" "2 packets transmitted, 0 received, +2 errors, 100% packet loss" "$(stats_line "$OUT")"
assert_line_count "v6 -M do: local errors on stderr" "local error: message too long, mtu[=:] ?1280$" 2 "$ERR"

finish
