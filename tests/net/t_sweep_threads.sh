#!/bin/bash
# t_sweep_threads: `echolot sweep --threads N` (issue 13: a /16 on every
# CPU), whose engines each walk a part of the shard on a socket of their
# own, against the same sweep on one thread.  A responder namespace t
# answers whole blocks by AnyIP; p sweeps it.  Checked:
#  - a /16 (a /20 under ASan) on 2 and 3 threads: every address once,
#    the same set as one thread finds, the summary's counts summed right;
#  - JSON: one start line first (the whole total), one host line an
#    address, the summary last with the sums (sent, probed, alive);
#  - four shards with one seed, 2 threads each: disjoint, their union is
#    the set, and each is the same shard as on one thread;
#  - 30% of the requests dropped, --retries 3: >= 99% found, none twice,
#    nothing outside the set, retries counted in `sent`;
#  - routers' errors: each address once, counted once (every member's raw
#    socket sees every error; only the one that sent the probe credits it);
#  - forged replies (a wrong tag, another address) never reported;
#  - an IPv6 /112, and an unprivileged sweep (a datagram socket each);
#  - SIGINT ends every thread at once, with the summary;
#  - a bad --threads gets one line and exit 2.
. "$(dirname "$0")/lib.sh"
need_root
need_ping
need_cmd jq
need_cmd nft

sweep_bed

# --- a whole block: the same as one thread ---------------------------------------
BLOCK=198.19.0.0/$BITS
WANT=$(expected "$BLOCK")
run_in p "$ECHOLOT" sweep --rate max -q --threads 1 "$BLOCK"
assert_eq "one thread: exit status" 0 "$RC"
ONE=$(printf '%s\n' "$OUT" | LC_ALL=C sort)
assert_eq "one thread: the block" "$WANT" "$ONE"
for t in 2 3; do
	run_in p "$ECHOLOT" sweep --rate max -q --threads "$t" "$BLOCK"
	assert_eq "$t threads: exit status" 0 "$RC"
	assert_eq "$t threads: each address once, the set one thread finds" "$ONE" \
		"$(printf '%s\n' "$OUT" | LC_ALL=C sort)"
	assert_match "$t threads: the summary sums every thread's counts" \
		"^sweep: $N probed, $N alive \(100.00%\), 0 answered by an error" "$ERR"
done

# --- JSON --------------------------------------------------------------------------
run_in p "$ECHOLOT" sweep --json --rate max --threads 2 198.19.32.0/22
assert_eq "json: exit status" 0 "$RC"
assert_eq "json: the start line first, with the whole total" '"start" 1024 0' \
	"$(printf '%s\n' "$OUT" | head -n 1 | jq -r '[.type, .total, .sent] | map(tojson) | join(" ")')"
assert_eq "json: one start line" 1 "$(printf '%s\n' "$OUT" | jq -r .type | grep -c '^start$')"
assert_eq "json: a host line an address" 1024 \
	"$(printf '%s\n' "$OUT" | jq -r 'select(.type == "host") | .addr' | sort -u | grep -c .)"
assert_eq "json: no address twice" 1024 \
	"$(printf '%s\n' "$OUT" | jq -r 'select(.type == "host") | .addr' | grep -c .)"
assert_eq "json: the summary last, the sums" '"summary" 1024 1024 1024 1024 0' \
	"$(printf '%s\n' "$OUT" | tail -n 1 |
		jq -r '[.type, .total, .sent, .probed, .alive, .duplicates] | map(tojson) | join(" ")')"

# --- shards x threads --------------------------------------------------------------
SH=198.19.16.0/20
all=""
for i in 0 1 2 3; do
	run_in p "$ECHOLOT" sweep --rate max -q --seed 7 --shard "$i/4" --threads 2 "$SH"
	assert_eq "shard $i/4 on 2 threads: exit status" 0 "$RC"
	two=$(printf '%s\n' "$OUT" | LC_ALL=C sort)
	all+="$OUT"$'\n'
	run_in p "$ECHOLOT" sweep --rate max -q --seed 7 --shard "$i/4" --threads 1 "$SH"
	assert_eq "shard $i/4: the same addresses on 2 threads as on one" \
		"$(printf '%s\n' "$OUT" | LC_ALL=C sort)" "$two"
done
assert_eq "four shards on 2 threads: disjoint, union is the set" "$(expected "$SH")" \
	"$(printf '%s' "$all" | grep . | LC_ALL=C sort)"

# --- loss and retries --------------------------------------------------------------
sweep_lossy " on 2 threads" --threads 2
assert_match "30% loss: the summary counts what was found" "32768 probed, $found alive" "$ERR"
run_in p "$ECHOLOT" sweep --json --rate max --retries 3 --wait 0.3 --threads 2 198.19.128.0/22
sent=$(printf '%s\n' "$OUT" | tail -n 1 | jq -r .sent)
CHECKS=$((CHECKS + 1))
if [ "$sent" -gt 1024 ] 2>/dev/null; then
	pass "retries counted in sent ($sent)"
else
	fail "30% loss: the summary's sent is $sent (want > 1024: the retries)"
fi
ip netns exec "$(nsn t)" nft delete table inet sweeploss

# --- errors from a router: each once -----------------------------------------------
# Four errors: t's route errors come 5 at most in a burst.
ns_sysctl t net.ipv4.ip_forward=1
must ip -n "$(nsn t)" route add unreachable 198.18.250.0/30
route p 198.18.250.0/30 via "$T4"
run_in p "$ECHOLOT" sweep --wait 0.3 --threads 3 198.19.249.254-198.19.249.255 198.18.250.0/30
assert_eq "errors: exit status (some replied)" 0 "$RC"
assert_eq "errors: the two live ones" 2 "$(printf '%s\n' "$OUT" | grep -c 'ttl=64')"
assert_eq "errors: each unreachable address once, with the router's address" \
	"$(for i in 0 1 2 3; do printf '198.18.250.%s  Destination Host Unreachable  from=%s\n' "$i" "$T4"; done)" \
	"$(printf '%s\n' "$OUT" | grep Unreachable | LC_ALL=C sort)"
assert_match "errors: counted once each" "6 probed, 2 alive \(33.33%\), 4 answered by an error" "$ERR"

# --- forged replies ------------------------------------------------------------------
sweep_forged --threads 2

# --- IPv6, unprivileged --------------------------------------------------------------
B6=2001:2:1::/$V6BITS
run_in p "$ECHOLOT" sweep --rate max -q --threads 2 "$B6"
assert_eq "IPv6 /$V6BITS on 2 threads: exit status" 0 "$RC"
assert_eq "IPv6 /$V6BITS on 2 threads: each address once" "$(expected "$B6")" \
	"$(printf '%s\n' "$OUT" | LC_ALL=C sort)"
ns_sysctl p net.ipv4.ping_group_range="0 2147483647"
COPY=$(unprivileged_copy "$ECHOLOT")
run_as_nobody p "$COPY" sweep --rate max -q --threads 2 198.19.8.0/22
assert_eq "unprivileged on 2 threads: exit status" 0 "$RC"
assert_eq "unprivileged on 2 threads: each address once" "$(expected 198.19.8.0/22)" \
	"$(printf '%s\n' "$OUT" | LC_ALL=C sort)"

# --- bad input ------------------------------------------------------------------------
for bad in "--threads 0" "--threads 33" "--threads x" "--threads -1"; do
	# shellcheck disable=SC2086
	run_in p "$ECHOLOT" sweep $bad 198.19.0.0/24
	assert_eq "bad input '$bad': exit 2" 2 "$RC"
	assert_eq "bad input '$bad': one line on stderr" 1 "$(printf '%s\n' "$ERR" | grep -c .)"
	assert_eq "bad input '$bad': nothing on stdout" "" "$OUT"
done
run_in p "$ECHOLOT" sweep --threads auto --rate max -q 198.19.0.0/24
assert_eq "--threads auto: the block" "$(expected 198.19.0.0/24)" "$(printf '%s\n' "$OUT" | LC_ALL=C sort)"

# --- a stop ends every thread ----------------------------------------------------------
# 1024 addresses at 100/s: 10 s, stopped after 1 s.
t0=$(date +%s%N)
run_in p timeout -s INT 1 "$ECHOLOT" sweep --rate 100 --threads 2 --wait 5 -q 198.19.40.0/22
ms=$((($(date +%s%N) - t0) / 1000000))
log "SIGINT after 1 s: ended after $ms ms, $(printf '%s\n' "$ERR" | tail -n 1)"
assert_match "SIGINT: the summary" "^sweep: [0-9]+ probed, [0-9]+ alive" "$ERR"
CHECKS=$((CHECKS + 1))
if [ "$ms" -lt 4000 ]; then
	pass "SIGINT: every thread stops"
else
	fail "SIGINT after 1 s: the sweep ended after $ms ms (want well before its 10 s)"
fi
finish
