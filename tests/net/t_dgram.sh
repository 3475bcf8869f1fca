#!/bin/bash
# t_dgram: the unprivileged ICMP datagram socket path. p - r1 - t; in p,
# net.ipv4.ping_group_range = "0 2147483647" (it governs ICMPv6 too), and the
# pinger runs as nobody (uid/gid 65534, no groups) from a copy that carries no
# file capabilities, so a raw socket is impossible and only the datagram
# socket can work. v4 and v6:
#  - -c 3 -i 0.2: three replies with ttl=63, statistics, exit 0, empty stderr;
#  - -t 1: "Time to live exceeded" / "Time exceeded: Hop limit" from r1 (on a
#    datagram socket these come through the socket error queue), exit 1;
#  - a nonexistent neighbour: Destination Host Unreachable / Address
#    unreachable from the prober's own address, exit 1;
#  - -i 0.002 is allowed to a user, -i 0.001 is refused with exit 2.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd setpriv
need_ping

chain 1
neigh_fast p right
ns_sysctl p "net.ipv4.ping_group_range=0 2147483647"
BIN=$(unprivileged_copy "$PING") || die "copy $PING"

run_as_nobody p id -u
assert_eq "commands really run as nobody" 65534 "$OUT"
if optional "getcap (libcap2-bin)" command -v getcap >/dev/null; then
	assert_eq "the copy carries no file capabilities" "" "$(getcap "$BIN")"
fi

for fam in 4 6; do
	if [ $fam = 4 ]; then
		T=$T4 ME=$P4 R=${R4[1]} NX=198.18.1.9
		EXC="Time to live exceeded" UNREACH="Destination Host Unreachable"
	else
		T=$T6 ME=$P6 R=${R6[1]} NX=2001:2:0:1::9
		EXC="Time exceeded: Hop limit" UNREACH="Destination unreachable: Address unreachable"
	fi

	run_as_nobody p "$BIN" -$fam -c 3 -i 0.2 -n "$T"
	assert_eq "v$fam user: exit status" 0 "$RC"
	assert_line_count "v$fam user: replies" "^64 bytes from $T: icmp_seq=[123] ttl=63 time=[0-9.]+ ms$" 3 "$OUT"
	assert_eq "v$fam user: sequence" "1 2 3" "$(reply_seqs "$OUT")"
	assert_eq "v$fam user: statistics" "3 packets transmitted, 3 received, 0% packet loss" "$(stats_line "$OUT")"
	assert_rtt "v$fam user: rtt line" "$OUT"
	assert_eq "v$fam user: stderr empty" "" "$ERR"

	run_as_nobody p "$BIN" -$fam -c 2 -i 0.2 -t 1 -n "$T"
	assert_eq "v$fam user -t 1: exit status" 1 "$RC"
	assert_eq "v$fam user -t 1: errors" "From $R icmp_seq=1 $EXC
From $R icmp_seq=2 $EXC" "$(printf '%s\n' "$OUT" | grep -E '^From ')"
	assert_eq "v$fam user -t 1: statistics" \
		"2 packets transmitted, 0 received, +2 errors, 100% packet loss" "$(stats_line "$OUT")"

	run_as_nobody p "$BIN" -$fam -c 2 -n "$NX"
	assert_eq "v$fam user nonexistent: exit status" 1 "$RC"
	assert_eq "v$fam user nonexistent: errors" "From $ME icmp_seq=1 $UNREACH
From $ME icmp_seq=2 $UNREACH" "$(printf '%s\n' "$OUT" | grep -E '^From ')"
	assert_eq "v$fam user nonexistent: statistics" \
		"2 packets transmitted, 0 received, +2 errors, 100% packet loss" "$(stats_line "$OUT")"

	run_as_nobody p "$BIN" -$fam -c 2 -i 0.002 -n "$T"
	assert_eq "v$fam user -i 0.002: exit status" 0 "$RC"
	assert_eq "v$fam user -i 0.002: statistics" "2 packets transmitted, 2 received, 0% packet loss" "$(stats_line "$OUT")"

	run_as_nobody p "$BIN" -$fam -c 2 -i 0.001 -n "$T"
	assert_eq "v$fam user -i 0.001: refused, exit status" 2 "$RC"
	assert_match "v$fam user -i 0.001: says why (2 ms minimum)" "2 ?ms|0\.002" "$ERR"
	assert_no_match "v$fam user -i 0.001: nothing sent" "bytes from|packets transmitted" "$OUT"
done

finish
