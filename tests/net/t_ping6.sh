#!/bin/bash
# t_ping6: the address family chosen by the program name and by resolution.
# p - t; "target.test" has both an IPv4 and an IPv6 address in p's hosts file.
#  - ping6 (PING6, default: ping6 next to $PING) pings IPv6 without -6, by
#    address and by name ("PING target.test(target.test (2001:...)) 56 data bytes");
#  - ping6 with an IPv4 address: exit 2, "Address family for hostname not
#    supported" on stderr, nothing on stdout; ping6 -4: exit 2;
#  - ping4 (PING4, default: ping4 next to $PING) pings IPv4 by name and
#    refuses an IPv6 address with exit 2; ping4 -6: exit 2;
#  - plain ping with a name and no -4/-6 uses the first address getaddrinfo
#    returns (in this setup the IPv6 one, by RFC 6724 ordering).
. "$(dirname "$0")/lib.sh"
need_root
need_ping
PING6=${PING6:-$(dirname "$PING")/ping6}
PING4=${PING4:-$(dirname "$PING")/ping4}
need_ping "$PING6" "$PING4"

chain 0
hosts_file p "$T4 target.test" "$T6 target.test"

run_in p "$PING6" -c 2 -i 0.2 -n "$T6"
assert_eq "ping6 address: exit status" 0 "$RC"
assert_eq "ping6 address: header" "PING $T6($T6) 56 data bytes" "$(printf '%s\n' "$OUT" | head -n1)"
assert_line_count "ping6 address: replies" "^64 bytes from $T6: icmp_seq=[12] ttl=64 time=" 2 "$OUT"

run_in p "$PING6" -c 2 -i 0.2 target.test
assert_eq "ping6 name: exit status" 0 "$RC"
assert_eq "ping6 name: header" "PING target.test(target.test ($T6)) 56 data bytes" "$(printf '%s\n' "$OUT" | head -n1)"
assert_line_count "ping6 name: replies" "^64 bytes from target.test \($T6\): icmp_seq=[12] ttl=64 time=" 2 "$OUT"
assert_match "ping6 name: statistics title" "^--- target.test ping statistics ---$" "$OUT"

run_in p "$PING6" -c 1 -n "$T4"
assert_eq "ping6 IPv4 address: exit status" 2 "$RC"
assert_eq "ping6 IPv4 address: stdout empty" "" "$OUT"
assert_match "ping6 IPv4 address: stderr" "$T4: Address family for hostname not supported$" "$ERR"

run_in p "$PING6" -4 -c 1 -n "$T4"
assert_eq "ping6 -4: exit status" 2 "$RC"
assert_match "ping6 -4: a message on stderr" "[^[:space:]]" "$ERR"
assert_no_match "ping6 -4: nothing sent" "bytes from" "$OUT"

run_in p "$PING4" -c 2 -i 0.2 target.test
assert_eq "ping4 name: exit status" 0 "$RC"
assert_eq "ping4 name: header" "PING target.test ($T4) 56(84) bytes of data." "$(printf '%s\n' "$OUT" | head -n1)"
assert_line_count "ping4 name: replies" "^64 bytes from target.test \($T4\): icmp_seq=[12] ttl=64 time=" 2 "$OUT"
run_in p "$PING4" -c 1 -n "$T6"
assert_eq "ping4 IPv6 address: exit status" 2 "$RC"
assert_eq "ping4 IPv6 address: stdout empty" "" "$OUT"
assert_match "ping4 IPv6 address: stderr" "$T6: Address family for hostname not supported$" "$ERR"
run_in p "$PING4" -6 -c 1 -n "$T6"
assert_eq "ping4 -6: exit status" 2 "$RC"
assert_no_match "ping4 -6: nothing sent" "bytes from" "$OUT"

run_in p getent ahosts target.test
first=$(printf '%s\n' "$OUT" | awk 'NR == 1 { print $1 }')
log "getaddrinfo's first address for target.test: $first"
run_in p "$PING" -c 1 target.test
assert_eq "ping name, no family: exit status" 0 "$RC"
assert_match "ping name, no family: replies from the first address" \
	"^64 bytes from target.test \($first\): icmp_seq=1 " "$OUT"

finish
