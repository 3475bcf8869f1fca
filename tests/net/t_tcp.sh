#!/bin/bash
# t_tcp: ping --tcp PORT, the TCP SYN kind (src/engine/probe_tcp.c) on
# ping's plan: a SYN-ACK or a RST is a reply, with its RTT from kernel
# stamps, statistics and text as for ICMP.  p - t on one veth pair:
#  - an open port (a listener in t): "port N open" replies, all received;
#  - a closed port: "port N closed" (RST), the host answered: received;
#  - a filtered port (nftables drops the SYN in t): no reply line, 100%
#    loss, exit 1, and the run ends after -W;
#  - IPv4 and IPv6; every SYN from one source port, its sequence number
#    the probe's key (a capture), the replies matched by it;
#  - without CAP_NET_RAW: a clear error, exit 2, nothing on stdout.
. "$(dirname "$0")/lib.sh"
need_root
need_ping
need_cmd nft tcpdump
[ -x /usr/bin/python3 ] || die "/usr/bin/python3 not installed (scripts/deps.sh)"

pair
OPEN=8080 CLOSED=9 FILTERED=7
nft_load t "table inet f {
	chain in { type filter hook input priority 0;
		tcp dport $FILTERED drop
	}
}"
# A listener on both families, for at most the test's length.
cat >"$TMPD/listen.py" <<'PY'
import socket, sys, time
s4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s4.bind((sys.argv[1], int(sys.argv[3]))); s4.listen(64)
s6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s6.bind((sys.argv[2], int(sys.argv[3]))); s6.listen(64)
print("listening", flush=True)
time.sleep(60)
PY
bg_start t "$TMPD/listen.log" /usr/bin/python3 "$TMPD/listen.py" "$T4" "$T6" "$OPEN"
wait_for "$TMPD/listen.log" listening || die "listener did not start"

for fam in 4 6; do
	if [ $fam = 4 ]; then dst=$T4; else dst=$T6; fi

	# Open: SYN-ACK.
	bg_start p "$TMPD/cap$fam.log" tcpdump -i vp -nn -U --immediate-mode -w "$TMPD/cap$fam.pcap" \
		"tcp[tcpflags] & tcp-syn != 0 or (ip6 and ip6[53] & 2 != 0)"
	CAP=$BG_PID
	wait_for "$TMPD/cap$fam.log" listening || die "tcpdump did not start"
	run_in p "$PING" --tcp $OPEN -c 3 -i 0.2 -n "$dst"
	sleep 0.3
	bg_stop "$CAP"
	assert_eq "v$fam open: exit status" 0 "$RC"
	assert_match "v$fam open: header" "^PING $dst \\($dst\\) port $OPEN: TCP SYN probes\\.\$" "$OUT"
	for n in 1 2 3; do
		assert_match "v$fam open: reply $n" \
			"^[0-9]+ bytes from $dst: tcp_seq=$n port $OPEN open ttl=64 time=[0-9.]+ ms\$" "$OUT"
	done
	assert_match "v$fam open: statistics" "^3 packets transmitted, 3 received, 0% packet loss" "$OUT"
	assert_rtt "v$fam open: an rtt line" "$OUT"
	assert_eq "v$fam open: stderr empty" "" "$ERR"
	# The wire: three SYNs from one source port (Paris), three sequence
	# numbers, answered by three SYN-ACKs.
	syns=$(tcpdump -nn -r "$TMPD/cap$fam.pcap" 2>/dev/null | grep "\\.$OPEN: Flags \\[S\\]")
	assert_eq "v$fam open: three SYNs on the wire" 3 "$(printf '%s\n' "$syns" | grep -c .)"
	assert_eq "v$fam open: one source port" 1 \
		"$(printf '%s\n' "$syns" | awk '{ print $3 }' | sort -u | grep -c .)"
	assert_eq "v$fam open: a sequence number each" 3 \
		"$(printf '%s\n' "$syns" | grep -o 'seq [0-9]*' | sort -u | grep -c .)"
	assert_eq "v$fam open: three SYN-ACKs" 3 \
		"$(tcpdump -nn -r "$TMPD/cap$fam.pcap" 2>/dev/null | grep -c "Flags \\[S\\.\\]")"

	# Closed: RST, the host answered.
	run_in p "$PING" --tcp $CLOSED -c 2 -i 0.2 -n "$dst"
	assert_eq "v$fam closed: exit status" 0 "$RC"
	assert_match "v$fam closed: RST is a reply" \
		"^[0-9]+ bytes from $dst: tcp_seq=2 port $CLOSED closed ttl=64 time=[0-9.]+ ms\$" "$OUT"
	assert_match "v$fam closed: statistics" "^2 packets transmitted, 2 received, 0% packet loss" "$OUT"

	# Filtered: silence; the run ends after -W.
	t0=$(date +%s%N)
	run_in p "$PING" --tcp $FILTERED -c 2 -i 0.2 -W 1 -n "$dst"
	ms=$((($(date +%s%N) - t0) / 1000000))
	assert_eq "v$fam filtered: exit status" 1 "$RC"
	assert_line_count "v$fam filtered: no reply line" "bytes from" 0 "$OUT"
	assert_match "v$fam filtered: statistics" "^2 packets transmitted, 0 received, 100% packet loss" "$OUT"
	CHECKS=$((CHECKS + 1))
	if [ "$ms" -lt 4000 ]; then pass "v$fam filtered: ends after -W"; else fail "v$fam filtered: took ${ms} ms"; fi

	# JSON: the same replies as events.
	run_in p "$PING" --tcp $OPEN --json -c 2 -i 0.2 -n "$dst"
	assert_eq "v$fam json: two reply events" 2 \
		"$(printf '%s\n' "$OUT" | grep -c '"type":"reply"')"
done

# Without CAP_NET_RAW: raw TCP cannot be had, and the error says so.
NOPRIV=$(unprivileged_copy "$(dirname "$PING")/echolot")
run_as_nobody p "$NOPRIV" ping --tcp $OPEN -c 1 -n "$T4"
assert_eq "unprivileged: exit status" 2 "$RC"
assert_match "unprivileged: names the privilege" "^ping: TCP probes need a raw socket: .*CAP_NET_RAW" "$ERR"
assert_eq "unprivileged: nothing on stdout" "" "$OUT"

finish
