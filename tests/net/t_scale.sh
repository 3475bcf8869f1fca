#!/bin/bash
# net: serial (it measures a rate or a timing: alone, see run.sh)
# t_scale: the engine holds a great many targets in flat memory and matches
# every reply to its own target in O(1) (issue "One engine core").
# tests/net/tools/engine_scale probes SCALE_N targets (default 1,000,000;
# 2001:2:1:: + 0 .. N-1, answered by AnyIP in t) once each, at SCALE_RATE
# probes/s, through one raw ICMPv6 socket with one identifier: the 16-bit
# sequence number is the only key on the wire, so target k and target
# k + 65,536 carry the same one.  Checked:
#  - every target answered exactly once, and no reply was credited to a
#    target it did not come from (k + 65,536 included);
#  - the engine's memory: peak RSS over the driver's own, at most the
#    engine's fixed part (ring, buffers) and 64 bytes a target;
#  - the run's time: N / rate, not N x anything.
. "$(dirname "$0")/lib.sh"
need_root
need_ping

SCALE=${ENGINE_SCALE:-$(dirname "$PING")/tests/engine_scale}
[ -x "$SCALE" ] || die "no $SCALE (make check builds it)"
N=${SCALE_N:-1000000}
RATE=${SCALE_RATE:-100000}

pair
# t answers every address of 2001:2:1::/96 (AnyIP); p routes it to t.
must ip -n "$(nsn t)" -6 route add local 2001:2:1::/96 dev lo
must ip -n "$(nsn p)" -6 route add 2001:2:1::/96 via "$T6"
# The echo replies of a whole prefix at line rate: no rate limit in the
# way, and room in the queues.
ns_sysctl t net.ipv6.icmp.ratelimit=0

start=$(date +%s%N)
CMD_TIMEOUT=$((N / RATE + 60)) run_in p "$SCALE" -r "$RATE" -t 1000 2001:2:1:: "$N"
wall_ms=$((($(date +%s%N) - start) / 1000000))
log "$(printf '%s' "$OUT" | tr '\n' ' ')(${wall_ms} ms)"
assert_eq "exit status" 0 "$RC"

field() { printf '%s\n' "$OUT" | awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }
assert_eq "every target probed once" "$N" "$(field sent)"
assert_eq "every target answered exactly once" "$N" "$(field once)"
assert_eq "no target answered twice" 0 "$(field twice)"
assert_eq "no reply credited to a target it did not come from" 0 "$(field wrong)"
assert_eq "no probe given up" 0 "$(field timeouts)"

# Memory: what the engine added to the driver's own RSS (the driver's
# per-target tally, 1 byte a target, is outside the engine and counted
# out).
base=$(field rss_base) peak=$(field rss_peak)
fixed=$(field fixed_bytes) per=$(field target_bytes)
used=$(((peak - base) * 1024 - N))
limit=$((fixed + 64 * N))
log "engine: $(((used - fixed) / N)) bytes a target over its fixed $((fixed / 1024)) KiB (record and heap place: $per bytes)"
CHECKS=$((CHECKS + 1))
if [ "$per" -le 64 ] && [ "$used" -le "$limit" ]; then
	pass "memory"
else
	fail "memory: $used bytes for $N targets, over $fixed fixed + 64 a target ($limit); a target is $per bytes"
fi

# Time: N / RATE and the last probe's wait, not a scan per probe.
CHECKS=$((CHECKS + 1))
budget=$((N * 1000 / RATE * 2 + 3000))
if [ "$wall_ms" -le "$budget" ]; then
	pass "time"
else
	fail "time: ${wall_ms} ms for $N probes at $RATE/s (budget ${budget} ms)"
fi
finish
