#!/bin/bash
# t_unreachable: p - r1 - t; r1 refuses to forward some prefixes in every way
# Linux can, and each way must draw its own iputils text, from r1's address:
#   v4  no route on r1              -> Destination Net Unreachable
#       "unreachable" route         -> Destination Host Unreachable
#       "prohibit" route            -> Packet filtered            (code 13)
#       "blackhole" route           -> nothing (silent loss)
#       nft reject with icmp type X -> the text for code X (net/host/protocol/
#                                      port unreachable, net/host prohibited,
#                                      admin-prohibited = Packet filtered)
#   v6  no route / "unreachable"    -> Destination unreachable: No route
#       "prohibit"                  -> Destination unreachable: Administratively prohibited
#       nft reject icmpv6 type X    -> No route, Administratively prohibited,
#                                      Address unreachable, Port unreachable,
#                                      Unknown code 5 (policy-fail), Unknown code 6 (reject-route)
#   the target itself rejecting with port-unreachable -> From <target> ...
#   no route in the prober itself   -> exit 2, stderr "...: Network is unreachable"
#
# Kernel detail: v4 errors that come from the routing decision (ip_error: no
# route, unreachable, prohibit) are rate limited per source address with a
# burst of 5 and 1/s refill, by the global, non-namespaced sysctls
# net.ipv4.route.error_cost/error_burst, which we must not touch. So each such
# case gets its own prober source address (route "src"). nft reject and
# ICMPv6 use icmp_ratelimit, which is 0 in our namespaces.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd nft
need_ping

chain 1
RTR4=${R4[1]} RTR6=${R6[1]}
addr p right 198.18.1.11/24 198.18.1.12/24 198.18.1.13/24
route p 198.18.50.0/24 via "$RTR4" src 198.18.1.11
route p 198.18.51.0/24 via "$RTR4" src 198.18.1.12
route p 198.18.52.0/24 via "$RTR4" src 198.18.1.13
route p 198.18.53.0/24 via "$RTR4"
route p 198.18.60.0/24 via "$RTR4"
for k in 50 51 52 53 60; do
	route p "2001:2:0:$k::/64" via "$RTR6"
done
for fam in 4 6; do
	ip -n "$(nsn r1)" -$fam route add unreachable "$([ $fam = 4 ] && echo 198.18.51.0/24 || echo 2001:2:0:51::/64)" || die "unreachable route"
	ip -n "$(nsn r1)" -$fam route add prohibit "$([ $fam = 4 ] && echo 198.18.52.0/24 || echo 2001:2:0:52::/64)" || die "prohibit route"
	ip -n "$(nsn r1)" -$fam route add blackhole "$([ $fam = 4 ] && echo 198.18.53.0/24 || echo 2001:2:0:53::/64)" || die "blackhole route"
done
route r1 198.18.60.0/24 via 198.18.2.2
route r1 2001:2:0:60::/64 via 2001:2:0:2::2
nft_load r1 '
table inet rej {
	chain fw {
		type filter hook forward priority 0;
		ip daddr 198.18.60.1 reject with icmp type host-unreachable
		ip daddr 198.18.60.2 reject with icmp type net-unreachable
		ip daddr 198.18.60.3 reject with icmp type prot-unreachable
		ip daddr 198.18.60.4 reject with icmp type port-unreachable
		ip daddr 198.18.60.5 reject with icmp type net-prohibited
		ip daddr 198.18.60.6 reject with icmp type host-prohibited
		ip daddr 198.18.60.7 reject with icmp type admin-prohibited
		ip6 daddr 2001:2:0:60::1 reject with icmpv6 type no-route
		ip6 daddr 2001:2:0:60::2 reject with icmpv6 type admin-prohibited
		ip6 daddr 2001:2:0:60::3 reject with icmpv6 type addr-unreachable
		ip6 daddr 2001:2:0:60::4 reject with icmpv6 type port-unreachable
		ip6 daddr 2001:2:0:60::5 reject with icmpv6 type policy-fail
		ip6 daddr 2001:2:0:60::6 reject with icmpv6 type reject-route
	}
}'
nft_load t '
table inet rej {
	chain in {
		type filter hook input priority 0;
		icmp type echo-request reject with icmp type port-unreachable
		icmpv6 type echo-request reject with icmpv6 type port-unreachable
	}
}'

# expect_error DEST FROM TEXT: -c 2 draws two errors "From FROM icmp_seq=N TEXT".
expect_error() {
	local dst=$1 from=$2 text=$3
	run_in p "$PING" -c 2 -i 0.2 -n "$dst"
	assert_eq "$dst ($text): exit status" 1 "$RC"
	assert_eq "$dst ($text): error lines" "From $from icmp_seq=1 $text
From $from icmp_seq=2 $text" "$(printf '%s\n' "$OUT" | grep -E '^From ')"
	assert_eq "$dst ($text): statistics" \
		"2 packets transmitted, 0 received, +2 errors, 100% packet loss" "$(stats_line "$OUT")"
	assert_no_match "$dst ($text): no reply, no rtt" "bytes from|^rtt " "$OUT"
	assert_eq "$dst ($text): stderr empty" "" "$ERR"
}

expect_error 198.18.50.1 "$RTR4" "Destination Net Unreachable"
expect_error 198.18.51.1 "$RTR4" "Destination Host Unreachable"
expect_error 198.18.52.1 "$RTR4" "Packet filtered"
expect_error 198.18.60.1 "$RTR4" "Destination Host Unreachable"
expect_error 198.18.60.2 "$RTR4" "Destination Net Unreachable"
expect_error 198.18.60.3 "$RTR4" "Destination Protocol Unreachable"
expect_error 198.18.60.4 "$RTR4" "Destination Port Unreachable"
expect_error 198.18.60.5 "$RTR4" "Destination Net Prohibited"
expect_error 198.18.60.6 "$RTR4" "Destination Host Prohibited"
expect_error 198.18.60.7 "$RTR4" "Packet filtered"
expect_error "$T4" "$T4" "Destination Port Unreachable"

expect_error 2001:2:0:50::1 "$RTR6" "Destination unreachable: No route"
expect_error 2001:2:0:51::1 "$RTR6" "Destination unreachable: No route"
expect_error 2001:2:0:52::1 "$RTR6" "Destination unreachable: Administratively prohibited"
expect_error 2001:2:0:60::1 "$RTR6" "Destination unreachable: No route"
expect_error 2001:2:0:60::2 "$RTR6" "Destination unreachable: Administratively prohibited"
expect_error 2001:2:0:60::3 "$RTR6" "Destination unreachable: Address unreachable"
expect_error 2001:2:0:60::4 "$RTR6" "Destination unreachable: Port unreachable"
expect_error 2001:2:0:60::5 "$RTR6" "Destination unreachable: Unknown code 5"
expect_error 2001:2:0:60::6 "$RTR6" "Destination unreachable: Unknown code 6"
expect_error "$T6" "$T6" "Destination unreachable: Port unreachable"

# Blackhole: dropped without a word.
for dst in 198.18.53.1 2001:2:0:53::1; do
	run_in p "$PING" -c 2 -i 0.2 -W 1 -n "$dst"
	assert_eq "$dst (blackhole): exit status" 1 "$RC"
	assert_eq "$dst (blackhole): statistics" "2 packets transmitted, 0 received, 100% packet loss" "$(stats_line "$OUT")"
	assert_no_match "$dst (blackhole): no errors, no replies" "^From |bytes from|^rtt " "$OUT"
done

# No route in the prober itself: the pinger gives up at once.
for dst in 198.19.0.1 2001:2:ffff::1; do
	run_in p "$PING" -c 2 -i 0.2 -n "$dst"
	assert_eq "$dst (local no route): exit status" 2 "$RC"
	assert_eq "$dst (local no route): stdout empty" "" "$OUT"
	assert_match "$dst (local no route): stderr" "^([^ :]*/)?ping6?: .*Network is unreachable$" "$ERR"
done

finish
