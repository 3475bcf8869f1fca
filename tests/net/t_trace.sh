#!/bin/bash
# t_trace: traceroute (build/traceroute, next to $PING) on chains of 1, 5 and
# 30 forwarding routers, IPv4 and IPv6, methods UDP (default), ICMP (-I) and
# TCP (-T):
#  - hop order and addresses exact (times masked), the destination last;
#  - a router that drops its own ICMP errors (nftables) shows " N  * * *" and
#    the trace goes on to the target;
#  - a router without a route answers !N (IPv6 no route; IPv4 no route, one
#    probe in flight), nft rejects give !H / !X / !P;
#  - a silent tail (the target blackholed) is waited for as traceroute 2.x
#    waits (-w MAX,HERE,NEAR: NEAR only from later hops), and an address
#    whose last router fails to resolve it shows that router's !H after
#    some seconds, as traceroute does (differential);
#  - every probe of a run keeps the fields a load balancer hashes (Paris),
#    checked on a capture;
#  - without privileges: UDP works through the error queue, -I through the
#    ICMP datagram socket when ping_group_range allows, and -T says it needs
#    CAP_NET_RAW (exit 1, as traceroute); bad option values exit 2;
#  - -F: "!F-<mtu>" from the router before a narrow link, and from our own
#    kernel for a probe bigger than the first link;
#  - -e shows an MPLS label stack (RFC 4950) that a responder adds to its
#    time exceeded;
#  - a differential run against /usr/sbin/traceroute on the same topology,
#    times masked.
# Every namespace here is created by this test; nothing leaves them.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd nft jq
TR=${TR:-$(dirname "$PING")/traceroute}
REF_TR=${REF_TR:-/usr/sbin/traceroute}
[ -x "$TR" ] || skip "traceroute $TR not found (build it: make)"

# fast_icmp NS: no global ICMP budget (net.ipv4.icmp_msgs_*, per namespace)
# to run out of when a burst of probes draws a burst of errors.
# maskt: the measured times of traceroute output.
maskt() {
	sed -E 's/ [0-9]+\.[0-9]{3} ms/ X ms/g'
}

# hop_addr FAM K: the address router (or target) K answers from.
hop_addr() {
	if [ "$1" = 4 ]; then echo "198.18.$2.2"; else echo "2001:2:0:$2::2"; fi
}

# expect_trace FAM N MAXHOPS LEN [SILENT]: masked -n output for a chain of N
# routers traced to its target, hop SILENT (if any) all stars.
expect_trace() {
	local fam=$1 n=$2 max=$3 len=$4 silent=${5:-0} k a
	a=$(hop_addr "$fam" $((n + 1)))
	printf 'traceroute to %s (%s), %s hops max, %s byte packets\n' "$a" "$a" "$max" "$len"
	for ((k = 1; k <= n + 1; k++)); do
		if [ $k -eq "$silent" ]; then
			printf '%2d  * * *\n' $k
		else
			printf '%2d  %s  X ms  X ms  X ms\n' $k "$(hop_addr "$fam" $k)"
		fi
	done
}

# check_chain C N MAXHOPS [SILENT]: every method, both families, from C-p.
check_chain() {
	local c=$1 n=$2 max=$3 silent=${4:-0} fam m len dst what
	for fam in 4 6; do
		dst=$(hop_addr $fam $((n + 1)))
		for m in "" -I -T; do
			len=60
			[ $fam = 6 ] && len=80
			what="chain $n${silent:+ silent $silent} v$fam ${m:-UDP}"
			run_in "$c-p" "$TR" -n -m "$max" $m "$dst"
			assert_eq "$what: exit status" 0 "$RC"
			assert_lines "$what: hops" "$(expect_trace $fam "$n" "$max" $len "$silent")" \
				"$(printf '%s\n' "$OUT" | maskt)"
			assert_eq "$what: stderr empty" "" "$ERR"
		done
	done
}

# ---------------------------------------------------------------- chain 1
tchain c1 1
check_chain c1 1 30
# Names: "name (addr)", and "addr (addr)" for an address without one.
hosts_file c1-p "198.18.2.2 target.test"
run_in c1-p "$TR" 198.18.2.2
assert_lines "chain 1 names" "traceroute to 198.18.2.2 (198.18.2.2), 30 hops max, 60 byte packets
 1  198.18.1.2 (198.18.1.2)  X ms  X ms  X ms
 2  target.test (198.18.2.2)  X ms  X ms  X ms" "$(printf '%s\n' "$OUT" | maskt)"
run_in c1-p "$TR" -q 1 target.test
assert_lines "chain 1 target by name" "traceroute to target.test (198.18.2.2), 30 hops max, 60 byte packets
 1  198.18.1.2 (198.18.1.2)  X ms
 2  target.test (198.18.2.2)  X ms" "$(printf '%s\n' "$OUT" | maskt)"
# The invocation names and the echolot command.
run_in c1-p "$(dirname "$TR")/traceroute6" -n -q 1 2001:2:0:2::2
assert_lines "traceroute6" "traceroute to 2001:2:0:2::2 (2001:2:0:2::2), 30 hops max, 80 byte packets
 1  2001:2:0:1::2  X ms
 2  2001:2:0:2::2  X ms" "$(printf '%s\n' "$OUT" | maskt)"
run_in c1-p "$(dirname "$TR")/echolot" trace -n -q 2 -I 198.18.2.2
assert_lines "echolot trace" "traceroute to 198.18.2.2 (198.18.2.2), 30 hops max, 60 byte packets
 1  198.18.1.2  X ms  X ms
 2  198.18.2.2  X ms  X ms" "$(printf '%s\n' "$OUT" | maskt)"
# Packet lengths: the headers at least; TCP's SYN is fixed.
for spec in "28:28:" "10:28:" "100:100:" "1000:1000:-I" "100:60:-T"; do
	IFS=: read -r ask want m <<<"$spec"
	run_in c1-p "$TR" -n -q 1 $m 198.18.2.2 "$ask"
	assert_match "length $ask ${m:-UDP}: header" "^traceroute to 198\.18\.2\.2 \(198\.18\.2\.2\), 30 hops max, $want byte packets$" "$OUT"
	assert_match "length $ask ${m:-UDP}: reached" "^ 2  198\.18\.2\.2  [0-9.]+ ms$" "$OUT"
done
# -f, -m, -q
run_in c1-p "$TR" -n -f 2 -q 1 198.18.2.2
assert_lines "-f 2" "traceroute to 198.18.2.2 (198.18.2.2), 30 hops max, 60 byte packets
 2  198.18.2.2  X ms" "$(printf '%s\n' "$OUT" | maskt)"
run_in c1-p "$TR" -n -m 1 -q 4 198.18.2.2
assert_lines "-m 1 -q 4" "traceroute to 198.18.2.2 (198.18.2.2), 1 hops max, 60 byte packets
 1  198.18.1.2  X ms  X ms  X ms  X ms" "$(printf '%s\n' "$OUT" | maskt)"

# ICMP extensions (-e): t gets 198.18.2.77, where the kernel keeps quiet
# (nft) and a small responder answers each UDP probe with a time exceeded
# that carries an RFC 4884 structure with a two-label MPLS stack (RFC 4950).
addr c1-t left 198.18.2.77/24
nft_load c1-t '
table inet quiet77 {
	chain in {
		type filter hook input priority 0;
		ip daddr 198.18.2.77 meta l4proto udp drop
	}
}'
bg_start c1-t "$TMPD/mpls.log" /usr/bin/python3 "$ROOT/tests/net/tools/mpls_responder.py" 10 8 198.18.2.77
for _ in $(seq 50); do grep -q ready "$TMPD/mpls.log" 2>/dev/null && break; sleep 0.1; done
# -w 3: a plain wait.  With the default's "here" rule, hop 2's second
# probe would be waited for only 3x its first's round trip, which a Python
# responder answering probes in turn can miss (a '*' under ASan).
run_in c1-p "$TR" -n -e -w 3 -q 2 -m 2 198.18.2.77
assert_lines "-e: MPLS labels" "traceroute to 198.18.2.77 (198.18.2.77), 2 hops max, 60 byte packets
 1  198.18.1.2  X ms  X ms
 2  198.18.2.77 <MPLS:L=24001,E=0,S=0,T=1/L=16,E=5,S=1,T=1>  X ms  X ms" \
	"$(printf '%s\n' "$OUT" | maskt)"
run_in c1-p "$TR" -n -w 3 -q 2 -m 2 198.18.2.77
assert_lines "without -e: no extensions shown" "traceroute to 198.18.2.77 (198.18.2.77), 2 hops max, 60 byte packets
 1  198.18.1.2  X ms  X ms
 2  198.18.2.77  X ms  X ms" "$(printf '%s\n' "$OUT" | maskt)"
kill "$BG_PID" 2>/dev/null
wait "$BG_PID" 2>/dev/null

# ------------------------------------------------- bad values, privileges
for bad in "-q 0" "-q 11" "-m 0" "-m 256" "-f 0" "-f 31" "-w -1" "-w abc" \
	"-z -1" "-p 70000" "-t 256" "-N x" "--bogus"; do
	# shellcheck disable=SC2086 # one word per option and value
	run_in c1-p "$TR" $bad 198.18.2.2
	assert_eq "bad value '$bad': exit 2" 2 "$RC"
	assert_eq "bad value '$bad': nothing on stdout" "" "$OUT"
	assert_match "bad value '$bad': a message" "^[A-Za-z].+" "$ERR"
done
run_in c1-p "$TR" 198.18.2.2 70000
assert_eq "packetlen 70000: exit 2" 2 "$RC"
assert_match "packetlen 70000: message" "too big packetlen 70000 specified" "$ERR"
run_in c1-p "$TR" -s 2001:2:0:1::1 198.18.2.2
assert_eq "-s of the other family: exit 2" 2 "$RC"
run_in c1-p "$TR"
assert_eq "no arguments: exit 0, as traceroute" 0 "$RC"
assert_match "no arguments: usage" "^Usage:" "$ERR"
run_in c1-p "$TR" -n
assert_eq "no host: exit 2" 2 "$RC"
assert_eq "no host: traceroute's words" 'Specify "host" missing argument.' "$ERR"

run_as_nobody c1-p "$TR" -n -q 1 198.18.2.2
assert_eq "nobody UDP (error queue): exit" 0 "$RC"
assert_lines "nobody UDP (error queue): hops" "traceroute to 198.18.2.2 (198.18.2.2), 30 hops max, 60 byte packets
 1  198.18.1.2  X ms
 2  198.18.2.2  X ms" "$(printf '%s\n' "$OUT" | maskt)"
run_as_nobody c1-p "$TR" -n -q 1 -T 198.18.2.2
assert_eq "nobody -T: exit 1, as traceroute" 1 "$RC"
assert_match "nobody -T: names the privilege" "^traceroute: TCP \(-T\) probes need a raw socket: .*CAP_NET_RAW" "$ERR"
assert_eq "nobody -T: nothing on stdout" "" "$OUT"
run_as_nobody c1-p "$TR" -n -q 1 -I 198.18.2.2
assert_eq "nobody -I, no ping group: exit 1, as traceroute" 1 "$RC"
assert_match "nobody -I: names both fixes" "CAP_NET_RAW.*ping_group_range" "$ERR"
ns_sysctl c1-p "net.ipv4.ping_group_range=0 2147483647"
for fam in 4 6; do
	run_as_nobody c1-p "$TR" -$fam -n -q 1 -I "$(hop_addr $fam 2)"
	assert_eq "nobody -I v$fam (ICMP datagram socket): exit" 0 "$RC"
	assert_lines "nobody -I v$fam (ICMP datagram socket): hops" \
		"$(printf 'traceroute to %s (%s), 30 hops max, %s byte packets\n 1  %s  X ms\n 2  %s  X ms' \
			"$(hop_addr $fam 2)" "$(hop_addr $fam 2)" $((fam == 4 ? 60 : 80)) \
			"$(hop_addr $fam 1)" "$(hop_addr $fam 2)")" "$(printf '%s\n' "$OUT" | maskt)"
done

# ---------------------------------------------------------------- chain 5
tchain c5 5
check_chain c5 5 30

# Paris: one flow per run.  Capture every probe the prober sends and check
# that what a load balancer hashes never changes while the key does.
paris_check() {     # paris_check PCAP FAMILY: prints "ok ..." or "bad ..."
	/usr/bin/python3 - "$1" "$2" <<'EOF'
import struct, sys
data = open(sys.argv[1], 'rb').read()
fam = sys.argv[2]
endian = '<' if data[:4] == b'\xd4\xc3\xb2\xa1' else '>'
off, flows, keys, n = 24, set(), set(), 0
while off + 16 <= len(data):
    incl = struct.unpack(endian + 'I', data[off + 8:off + 12])[0]
    pkt = data[off + 16:off + 16 + incl]
    off += 16 + incl
    et = struct.unpack('>H', pkt[12:14])[0]
    ip = pkt[14:]
    if fam == '4' and et == 0x0800:
        proto, l4 = ip[9], ip[(ip[0] & 15) * 4:]
    elif fam == '6' and et == 0x86dd:
        proto, l4 = ip[6], ip[40:]
    else:
        continue
    if proto == 17:                         # UDP: ports; key: checksum
        flows.add(l4[0:4]); keys.add(l4[6:8])
    elif proto in (1, 58) and l4[0] in (8, 128):   # echo: type, code, id, checksum
        flows.add(l4[0:6]); keys.add(l4[6:8])
    elif proto == 6 and l4[13] & 2:         # SYN: ports; key: sequence
        flows.add(l4[0:4]); keys.add(l4[4:8])
    else:
        continue
    n += 1
print(('ok' if n >= 9 and len(flows) == 1 and len(keys) == n else 'bad'),
      'probes', n, 'flows', len(flows), 'keys', len(keys))
EOF
}
for fam in 4 6; do
	for m in "" -I -T; do
		cap=$TMPD/paris$fam${m:-U}.pcap
		# A log of its own: bg_start truncates it in the background, and
		# an old "listening" must not be taken for this tcpdump's.
		bg_start c5-p "$cap.log" tcpdump -i right -nn -U --immediate-mode -w "$cap" \
			"$([ $fam = 4 ] && echo 'ip and src 198.18.1.1' || echo 'ip6 and src 2001:2:0:1::1')"
		for _ in $(seq 50); do grep -q listening "$cap.log" 2>/dev/null && break; sleep 0.1; done
		run_in c5-p "$TR" -n $m "$(hop_addr $fam 6)"
		sleep 0.3
		kill "$BG_PID" 2>/dev/null
		wait "$BG_PID" 2>/dev/null
		assert_match "Paris v$fam ${m:-UDP}: one flow, a key per probe" "^ok " "$(paris_check "$cap" $fam)"
	done
done

# A silent router: r3 drops the errors it would send.
nft_load c5-r3 '
table inet quiet {
	chain out {
		type filter hook output priority 0;
		icmp type { time-exceeded, destination-unreachable } drop
		icmpv6 type { time-exceeded, destination-unreachable } drop
	}
}'
check_chain c5 5 30 3

# Differential: the reference traceroute and ours on the same topology (r3
# still silent), stdout compared with the times masked, and exit statuses.
# The link r2 - r3 takes 1280 bytes: -F probes of 1400 draw "!F-1280" there.
ip -n "$(nsn c5-r2)" link set right mtu 1280 || die "mtu"
ip -n "$(nsn c5-r3)" link set left mtu 1280 || die "mtu"
hosts_file c5-p "198.18.1.2 r1.test" "2001:2:0:1::2 r1.test" \
	"198.18.6.2 target.test" "2001:2:0:6::2 target.test" "198.18.4.2 r4.test"
if optional "the reference traceroute $REF_TR (traceroute)" [ -x "$REF_TR" ]; then
	for args in "-n 198.18.6.2" "198.18.6.2" "-I 198.18.6.2" "-T -n 198.18.6.2" \
		"-6 -n 2001:2:0:6::2" "-6 -I 2001:2:0:6::2" "-6 -T 2001:2:0:6::2" \
		"-q 1 -f 2 -m 6 198.18.6.2" "-N 1 -q 2 -m 2 198.18.6.2" "-4 target.test" \
		"-6 -q 1 target.test" "-n -z 20 -q 1 198.18.6.2" "-n 198.18.6.2 28" "-I -n 198.18.6.2 120" \
		"-F -n 198.18.6.2 1400" "-F -I -n 198.18.6.2 1400" "-6 -F -n 2001:2:0:6::2 1400" \
		"-F -n 198.18.6.2 2000" "-6 -F -T -n 2001:2:0:6::2"; do
		# Ours first; then the reference, up to three times: its
		# adaptive wait (HERE x the hop's own RTT) marks an answer that
		# a loaded machine delayed as lost ("*"), which says nothing
		# about ours.  The comparison takes its first run that agrees,
		# else its last.
		# shellcheck disable=SC2086 # one word per argument
		run_in c5-p "$TR" $args
		our_out=$(printf '%s\n' "$OUT" | maskt) our_rc=$RC
		for try in 1 2 3; do
			# shellcheck disable=SC2086
			run_in c5-p "$REF_TR" $args
			ref_out=$(printf '%s\n' "$OUT" | maskt) ref_rc=$RC
			[ "$ref_out" = "$our_out" ] && [ "$ref_rc" = "$our_rc" ] && break
			[ $try -lt 3 ] && log "reference '$args' differs on try $try; once more"
		done
		assert_match "reference '$args' traced" "^ ?[0-9]+  [0-9a-z*]" "$ref_out"
		assert_lines "differential '$args'" "$ref_out" "$our_out"
		assert_eq "differential '$args': exit status" "$ref_rc" "$our_rc"
	done
fi
nft_load c5-r3 'delete table inet quiet'

# Unreachable: r1 rejects 198.18.60.x / 2001:2:0:60::x the ways nft can,
# and has no route at all for 198.18.50.0/24 and 2001:2:0:50::/64.
for k in 50 60; do
	route c5-p "198.18.$k.0/24" via 198.18.1.2
	route c5-p "2001:2:0:$k::/64" via 2001:2:0:1::2
done
route c5-r1 198.18.60.0/24 via 198.18.2.2
route c5-r1 2001:2:0:60::/64 via 2001:2:0:2::2
nft_load c5-r1 '
table inet rej {
	chain fw {
		type filter hook forward priority 0;
		ip daddr 198.18.60.1 reject with icmp type host-unreachable
		ip daddr 198.18.60.2 reject with icmp type net-unreachable
		ip daddr 198.18.60.3 reject with icmp type admin-prohibited
		ip daddr 198.18.60.4 reject with icmp type prot-unreachable
		ip6 daddr 2001:2:0:60::1 reject with icmpv6 type no-route
		ip6 daddr 2001:2:0:60::2 reject with icmpv6 type admin-prohibited
		ip6 daddr 2001:2:0:60::3 reject with icmpv6 type addr-unreachable
	}
}'
while IFS='|' read -r dst from note hop; do
	len=60
	case $dst in *:*) len=80 ;; esac
	for m in "" -I -T; do
		run_in c5-p "$TR" -n $m "$dst"
		want="traceroute to $dst ($dst), 30 hops max, $len byte packets"
		[ "$hop" = 2 ] && want+=$'\n'" 1  $from  X ms  X ms  X ms"
		want+=$'\n'" $hop  $from  X ms $note  X ms $note  X ms $note"
		assert_lines "$dst ${m:-UDP}: $note from r1" "$want" "$(printf '%s\n' "$OUT" | maskt)"
	done
done <<'EOF'
198.18.60.1|198.18.1.2|!H|2
198.18.60.2|198.18.1.2|!N|2
198.18.60.3|198.18.1.2|!X|2
198.18.60.4|198.18.1.2|!P|2
2001:2:0:60::1|2001:2:0:1::2|!N|2
2001:2:0:60::2|2001:2:0:1::2|!X|2
2001:2:0:60::3|2001:2:0:1::2|!H|2
2001:2:0:50::1|2001:2:0:1::2|!N|1
EOF
# IPv4 without a route: the kernel allows a burst of 5 such errors per
# source (net.ipv4.route.error_burst, not per namespace): one probe in
# flight, and a source address of its own per method.
addr c5-p right 198.18.1.11/24 198.18.1.12/24 198.18.1.13/24
src=11
for m in "" -I -T; do
	run_in c5-p "$TR" -n -N 1 -s 198.18.1.$src $m 198.18.50.1
	assert_lines "198.18.50.1 (no route) ${m:-UDP}: !N" \
		"traceroute to 198.18.50.1 (198.18.50.1), 30 hops max, 60 byte packets
 1  198.18.1.2  X ms !N  X ms !N  X ms !N" "$(printf '%s\n' "$OUT" | maskt)"
	src=$((src + 1))
done

# An address on the target's link that nobody has: r5 tries to resolve it
# (ARP / neighbour discovery) for some seconds, then answers Host
# Unreachable.  traceroute 2.x waits for it (nothing later answered, so
# MAX); so must we, hop by hop as it prints.
if [ -x "$REF_TR" ]; then
	for dst in 198.18.6.77 2001:2:0:6::77; do
		run_in c5-p "$REF_TR" -n "$dst"
		ref_out=$(printf '%s\n' "$OUT" | maskt) ref_rc=$RC
		assert_match "reference to $dst: !H from r5" "^ 6  [0-9a-f.:]+  X ms !H" "$ref_out"
		run_in c5-p "$TR" -n "$dst"
		assert_lines "differential: $dst, unresolved on its link" "$ref_out" \
			"$(printf '%s\n' "$OUT" | maskt)"
		assert_eq "differential: $dst: exit status" "$ref_rc" "$RC"
	done
fi

# A silent tail: the target drops every probe.  Nothing answers beyond
# hop 5, so each silent probe is waited for MAX (5 s) as traceroute 2.x
# waits (an earlier hop's answer says nothing of a later one: it may be
# rate-limited, or resolving); the windows overlap, so the run takes about
# as long as the reference's, not a window after another.
nft_load c5-t '
table inet sink {
	chain in {
		type filter hook input priority 0;
		meta l4proto { udp, tcp } drop
		icmp type echo-request drop
		icmpv6 type echo-request drop
	}
}'
for fam in 4 6; do
	want=$(printf 'traceroute to %s (%s), 10 hops max, %s byte packets\n' "$(hop_addr $fam 6)" \
		"$(hop_addr $fam 6)" $((fam == 4 ? 60 : 80)))
	for k in 1 2 3 4 5; do want+=$'\n'"$(printf '%2d  %s  X ms  X ms  X ms' $k "$(hop_addr $fam $k)")"; done
	for k in 6 7 8 9 10; do want+=$'\n'"$(printf '%2d  * * *' $k)"; done
	ref_ms=
	if [ -x "$REF_TR" ]; then
		t0=$(date +%s%N)
		run_in c5-p "$REF_TR" -n -m 10 "$(hop_addr $fam 6)"
		ref_ms=$((($(date +%s%N) - t0) / 1000000))
		assert_lines "v$fam silent tail: the reference's stars" "$want" \
			"$(printf '%s\n' "$OUT" | maskt)"
	fi
	t0=$(date +%s%N)
	run_in c5-p "$TR" -n -m 10 "$(hop_addr $fam 6)"
	ms=$((($(date +%s%N) - t0) / 1000000))
	assert_lines "v$fam silent tail: stars to -m" "$want" "$(printf '%s\n' "$OUT" | maskt)"
	CHECKS=$((CHECKS + 1))
	if [ "$ms" -ge 4500 ] && { [ -z "$ref_ms" ] || [ "$ms" -le $((ref_ms + 1500)) ]; }; then
		pass "v$fam silent tail in ${ms} ms (reference ${ref_ms:-?} ms)"
	else
		fail "v$fam silent tail took ${ms} ms (reference ${ref_ms:-?} ms): want MAX (5 s) as traceroute waits, not more"
	fi
done
nft_load c5-t 'delete table inet sink'

# --------------------------------------------------------------- chain 30
tchain c30 30
check_chain c30 30 35

# Three silent routers mid-chain cost next to nothing: the answers from
# beyond them bound the wait (a stale wake-up once cost 100 ms here).
# Timed by the run itself (--json's end.time_ms: CLOCK_MONOTONIC from its
# start to its end, not the process's start-up nor the namespace's), the
# best of three runs each, and compared relatively: at most twice the time
# without silent routers, plus 20 ms (a run here takes some 5 ms; the
# adaptive wait without the answers from beyond would add 5 s per window).
# trace_ms: the least end.time_ms of three UDP traces to the end of c30.
trace_ms() {
	local t
	MS=
	for _ in 1 2 3; do
		run_in c30-p "$TR" --json -n -m 35 198.18.31.2
		t=$(printf '%s\n' "$OUT" | jq -r 'select(.type == "end") | .time_ms')
		[ -n "$t" ] || die "no end event: $OUT"
		MS=$(awk -v a="${MS:-$t}" -v b="$t" 'BEGIN { print (b < a ? b : a) }')
	done
}
trace_ms
base_ms=$MS
for k in 10 11 12; do
	nft_load "c30-r$k" '
table inet quiet {
	chain out {
		type filter hook output priority 0;
		icmp type time-exceeded drop
		icmpv6 type time-exceeded drop
	}
}'
done
trace_ms
silent_ms=$MS
assert_eq "three silent routers: their stars" '["none","none","none"]' \
	"$(printf '%s\n' "$OUT" | jq -c 'select(.type == "hop" and .hop == 12) | [.probes[].answer]')"
assert_eq "three silent routers: the target reached" true \
	"$(printf '%s\n' "$OUT" | jq -r 'select(.type == "end") | .reached')"
CHECKS=$((CHECKS + 1))
if awk -v s="$silent_ms" -v b="$base_ms" 'BEGIN { exit !(s <= 2 * b + 20) }'; then
	pass "silent r10-r12 cost little (${silent_ms} ms against ${base_ms} ms)"
else
	fail "a trace past silent r10-r12 took ${silent_ms} ms, without them ${base_ms} ms (want <= 2 x + 20 ms)"
fi

finish
