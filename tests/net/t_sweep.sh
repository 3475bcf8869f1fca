#!/bin/bash
# net: serial (it measures a rate or a timing: alone, see run.sh)
# t_sweep: `echolot sweep` (issue 13).  A responder namespace t answers a
# whole block by AnyIP (198.19.0.0/16, 2001:2:1::/96); p sweeps it.
# Checked:
#  - every address of a /16 (a /20 under ASan) found exactly once; -q
#    sorted equals the expected list, also with a zmap-format --exclude
#    file (none of the excluded probed or reported);
#  - four shards with one seed: disjoint, their union is the set;
#  - 30% of the requests dropped (nftables), --retries 3: >= 99% found,
#    nothing outside the set;
#  - forged replies (a wrong tag), replies from an address outside the set
#    and duplicates are never reported (tools/sweep_forger.py);
#  - --rate 20000 for 2 s holds within 3% in a capture, with no burst;
#  - an IPv6 /112, an unprivileged sweep on the datagram socket, routers'
#    errors shown per target with the router's address;
#  - JSON lines (schema version 2), exit statuses, bad input.
. "$(dirname "$0")/lib.sh"
need_root
need_ping
need_cmd jq
need_cmd tcpdump
need_cmd nft

sweep_bed

# --- a whole block, each address once ----------------------------------------
BLOCK=198.19.0.0/$BITS
run_in p "$ECHOLOT" sweep --rate max -q "$BLOCK"
assert_eq "sweep of a /$BITS: exit status" 0 "$RC"
got=$(printf '%s\n' "$OUT" | LC_ALL=C sort)
assert_eq "each address once, -q sorted is the block" "$(expected "$BLOCK")" "$got"
assert_match "summary line" "sweep: $N probed, $N alive \(100.00%\)" "$ERR"

# The same with a zmap blocklist.
cat >"$TMPD/exclude" <<'EOF'
# zmap's format: CIDR blocks or addresses, comments after '#'
198.19.1.0/24     # a /24
198.19.2.7
198.19.3.128/25
EOF
run_in p "$ECHOLOT" sweep --rate max -q --exclude "$TMPD/exclude" "$BLOCK"
assert_eq "with --exclude: exit status" 0 "$RC"
got=$(printf '%s\n' "$OUT" | LC_ALL=C sort)
assert_eq "with --exclude: the block less the excluded" \
	"$(expected "$BLOCK" "$TMPD/exclude")" "$got"

# Text lines: address, TTL, RTT, the OS family and hops.
run_in p "$ECHOLOT" sweep 198.19.9.0/30
assert_eq "text: four lines" 4 "$(printf '%s\n' "$OUT" | grep -c .)"
assert_match "text: address ttl rtt os hops" \
	'^198\.19\.9\.[0-3]  ttl=64  rtt=[0-9]+\.[0-9]{3} ms  os=Linux/Unix  hops=0$' "$OUT"

# --- shards --------------------------------------------------------------
SH=198.19.16.0/20
all=""
for i in 0 1 2 3; do
	run_in p "$ECHOLOT" sweep --rate max -q --seed 7 --shard "$i/4" "$SH"
	assert_eq "shard $i/4: exit status" 0 "$RC"
	all+="$OUT"$'\n'
done
assert_eq "four shards: disjoint, union is the set" "$(expected "$SH")" \
	"$(printf '%s' "$all" | grep . | LC_ALL=C sort)"
run_in p "$ECHOLOT" sweep --rate max -q --seed 7 --shard 1/4 "$SH"
s1=$OUT
run_in p "$ECHOLOT" sweep --rate max -q --seed 8 --shard 1/4 "$SH"
CHECKS=$((CHECKS + 1))
if [ "$(printf '%s\n' "$s1" | sort)" != "$(printf '%s\n' "$OUT" | sort)" ]; then
	pass "another seed, another shard"
else
	fail "seeds 7 and 8 gave shard 1/4 the same addresses"
fi

# --- loss and retries ------------------------------------------------------
sweep_lossy ""
ip netns exec "$(nsn t)" nft delete table inet sweeploss

# --- forged replies --------------------------------------------------------
sweep_forged

# --- de-duplication: the bitmap, and the window (--dedup-window) -------------
# t sends every echo reply of 198.19.96.0/22 twice (nftables dup): each
# address is still listed once and counted once alive, the second copies
# counted as duplicates; the same over a window of the last 64 answers
# (the one past 2^27 addresses), which only sees answers 64 apart forgotten;
# on two threads, a window each.
nft_load t 'table ip sweepdup {
	chain out {
		type filter hook output priority 0;
		ip saddr 198.19.96.0/22 icmp type echo-reply dup to 198.18.0.1 device "vt"
	}
}'
DB=198.19.96.0/22
for dd in "" "--dedup-window 64" "--threads 2 --dedup-window 64"; do
	# shellcheck disable=SC2086 # the option is one word or none
	run_in p "$ECHOLOT" sweep --json --rate 20000 --wait 0.3 $dd "$DB"
	assert_eq "duplicated replies ${dd:-(bitmap)}: exit status" 0 "$RC"
	hosts=$(printf '%s\n' "$OUT" | jq -r 'select(.type == "host") | .addr' | LC_ALL=C sort)
	assert_eq "duplicated replies ${dd:-(bitmap)}: each address once" "$(expected "$DB")" "$hosts"
	assert_eq "duplicated replies ${dd:-(bitmap)}: 1024 alive, 1024 duplicates" "1024 1024" \
		"$(printf '%s\n' "$OUT" | tail -n 1 | jq -r '"\(.alive) \(.duplicates)"')"
done
ip netns exec "$(nsn t)" nft delete table ip sweepdup

# --- the rate, in a capture ----------------------------------------------------
bg_start p "$TMPD/cap.out" tcpdump -i vp -nn -B 16384 -w "$TMPD/rate.pcap" \
	'icmp[icmptype] == icmp-echo'
CAP=$BG_PID
wait_for "$TMPD/cap.out" 'listening on' || die "tcpdump did not start"
sleep 1
nft_load t 'table inet sweeprate {
	counter req { }
	chain in {
		type filter hook input priority 0;
		ip protocol icmp icmp type echo-request counter name req
	}
}'
# 40,000 addresses at 20,000/s: 2 s.
run_in p "$ECHOLOT" sweep --rate 20000 --wait 0.2 -q 198.19.0.0-198.19.156.63
sleep 0.5
bg_stop "$CAP"
log "tcpdump: $(grep -h 'dropped\|captured' "$TMPD/cap.out" | tr '\n' ' ')"
assert_eq "rate: exit status" 0 "$RC"
pcap_times "$TMPD/rate.pcap" >"$TMPD/times"
arrived=$(nft_counter t inet sweeprate req)
ip netns exec "$(nsn t)" nft delete table inet sweeprate
read -r count rate burst < <(awk -v sent="$arrived" '
	{ t[NR] = $1 }
	END {
		# The rate: every probe (counted where they arrive; the capture
		# may miss a few) between the first and the last one captured;
		# the longest run of probes less than a quarter of the interval
		# apart.
		n = NR; r = (sent - 1) / (t[n] - t[1]); run = 1; best = 1
		for (i = 2; i <= n; i++) {
			if (t[i] - t[i - 1] < 0.25 / 20000) { run++; if (run > best) best = run }
			else run = 1
		}
		printf "%d %.0f %d\n", n, r, best
	}' "$TMPD/times")
log "rate: $count probes captured at $rate/s, longest burst $burst"
assert_eq "rate: every probe arrived" 40000 "$arrived"
CHECKS=$((CHECKS + 1))
if [ "$count" -ge 36000 ]; then pass "captured"; else fail "rate: only $count of 40000 probes captured"; fi
CHECKS=$((CHECKS + 1))
if [ "$rate" -ge 19400 ] && [ "$rate" -le 20600 ] && [ "$burst" -le 32 ]; then
	pass "rate"
else
	fail "--rate 20000: $rate probes/s in the capture (want 19400..20600), burst $burst"
fi

# --- IPv6 --------------------------------------------------------------------
B6=2001:2:1::/$V6BITS
run_in p "$ECHOLOT" sweep --rate max -q "$B6"
assert_eq "IPv6 /$V6BITS: exit status" 0 "$RC"
assert_eq "IPv6 /$V6BITS: each address once" "$(expected "$B6")" \
	"$(printf '%s\n' "$OUT" | LC_ALL=C sort)"

# --- unprivileged: the ICMP datagram socket -----------------------------------
ns_sysctl p net.ipv4.ping_group_range="0 2147483647"
COPY=$(unprivileged_copy "$ECHOLOT")
run_as_nobody p "$COPY" sweep --rate max 198.19.8.0/24
assert_eq "unprivileged: exit status" 0 "$RC"
assert_eq "unprivileged: every address" 256 "$(printf '%s\n' "$OUT" | grep -c 'ttl=64')"
run_as_nobody p "$COPY" sweep --rate max -q 2001:2:1::100/120
assert_eq "unprivileged IPv6: every address" 256 "$(printf '%s\n' "$OUT" | grep -c .)"

# --- errors from a router, per target ------------------------------------------
# t routes for p, and has an unreachable route for 198.18.250.0/30: its
# Host Unreachable comes from its own address.
ns_sysctl t net.ipv4.ip_forward=1
must ip -n "$(nsn t)" route add unreachable 198.18.250.0/30
route p 198.18.250.0/30 via "$T4"
run_in p "$ECHOLOT" sweep --wait 0.3 198.19.249.254-198.19.249.255 198.18.250.0/30
assert_eq "errors: exit status (some replied)" 0 "$RC"
assert_eq "errors: the two live ones" 2 "$(printf '%s\n' "$OUT" | grep -c 'ttl=64')"
assert_eq "errors: each unreachable address with the router's address" \
	"$(printf '198.18.250.%s  Destination Host Unreachable  from=%s\n' 0 "$T4" 1 "$T4" 2 "$T4" 3 "$T4")" \
	"$(printf '%s\n' "$OUT" | grep Unreachable | LC_ALL=C sort)"
assert_match "errors: counted apart from silence" "6 probed, 2 alive \(33.33%\), 4 answered by an error" "$ERR"
run_in p "$ECHOLOT" sweep -q --wait 0.3 198.19.249.254-198.19.249.255 198.18.250.0/30
assert_eq "errors: -q shows responders only" 2 "$(printf '%s\n' "$OUT" | grep -c .)"

# --- JSON ----------------------------------------------------------------------
run_in p "$ECHOLOT" sweep --json --rate max 198.19.10.0/28
assert_eq "json: exit status" 0 "$RC"
assert_eq "json: every line is an object with a type" 18 \
	"$(printf '%s\n' "$OUT" | jq -c 'select(type == "object" and (.type | type) == "string")' | grep -c .)"
assert_eq "json: start line" '"sweep" 2 16' \
	"$(printf '%s\n' "$OUT" | head -n 1 | jq -r '[.command, .schema_version, .total] | map(tojson) | join(" ")')"
assert_eq "json: 16 hosts with ttl, rtt, os, hops" 16 \
	"$(printf '%s\n' "$OUT" | jq -c 'select(.type == "host" and .ttl == 64 and (.rtt_ms | type) == "number" and .os == "Linux/Unix" and .hops == 0)' | grep -c .)"
assert_eq "json: summary last" '"summary" 16' \
	"$(printf '%s\n' "$OUT" | tail -n 1 | jq -r '[.type, .alive] | map(tojson) | join(" ")')"

# --- exit statuses and bad input ----------------------------------------------
ns_sysctl t net.ipv4.icmp_echo_ignore_all=1
run_in p "$ECHOLOT" sweep --wait 0.2 198.19.11.0/30
assert_eq "nobody answers: exit 1" 1 "$RC"
ns_sysctl t net.ipv4.icmp_echo_ignore_all=0
: >"$TMPD/empty"
for bad in "198.19.0.0/33" "--shard 5/4 --seed 1 198.19.0.0/24" "--rate 0 198.19.0.0/24" \
	"-f $TMPD/empty" "2001:2::/64" "--shard 1/4 198.19.0.0/24" "198.19.0.300" \
	"--retries x 198.19.0.0/24" "--format xml 198.19.0.0/24"; do
	# shellcheck disable=SC2086
	run_in p "$ECHOLOT" sweep $bad
	assert_eq "bad input '$bad': exit 2" 2 "$RC"
	assert_eq "bad input '$bad': one line on stderr" 1 "$(printf '%s\n' "$ERR" | grep -c .)"
	assert_eq "bad input '$bad': nothing on stdout" "" "$OUT"
done
finish
