#!/bin/bash
# t_multi: the engine serves several targets at once (ping is one target of
# it; sweeps will be many).  tests/net/tools/engine_multi drives the engine
# with N targets on real sockets: one raw socket per family, one ICMP
# identifier shared by every target of that family, so replies are told
# apart by their source.  p - t, with t answering on three IPv4 and two
# IPv6 addresses, and a fourth IPv4 address whose echo requests t drops.
#  - every target gets its COUNT probes and replies, and no reply is
#    credited to the wrong target (the drop target gets none);
#  - the targets are served in turn, all at the interval: the run takes
#    about COUNT intervals, not N times that, and the capture shows each
#    target's requests INTERVAL apart;
#  - the silent target makes the run wait its linger (1 s) after its last
#    probe, then ends it; the others are done before.
. "$(dirname "$0")/lib.sh"
need_root
need_ping
need_cmd tcpdump

MULTI=${ENGINE_MULTI:-$(dirname "$PING")/tests/engine_multi}
[ -x "$MULTI" ] || skip "no $MULTI (make check builds it)"

chain 0
T=198.18.1.2
A=(198.18.1.2 198.18.1.3 198.18.1.4)
A6=(2001:2:0:1::2 2001:2:0:1::3)
SILENT=198.18.1.5
addr t left 198.18.1.3/24 198.18.1.4/24 198.18.1.5/24 2001:2:0:1::3/64
nft_load t "table inet multi {
	chain in { type filter hook input priority 0;
		ip daddr $SILENT icmp type echo-request drop
	}
}"
neigh_static p right t left "${A[@]}" "$SILENT" "${A6[@]}"

COUNT=5 IV=200

# --- five targets of two families, one of them silent ----------------------
bg_start t "$TMPD/cap.log" tcpdump -i left -nn -U --immediate-mode -w "$TMPD/cap.pcap" \
	'(icmp and icmp[icmptype] = icmp-echo) or (icmp6 and ip6[40] = 128)'
CAP=$BG_PID
wait_for "$TMPD/cap.log" listening || die "tcpdump did not start"
start=$(date +%s%N)
run_in p "$MULTI" -c $COUNT -i $IV "${A[0]}" "${A6[0]}" "${A[1]}" "$SILENT" "${A[2]}" "${A6[1]}"
end=$(date +%s%N)
# Stop the capture once it holds every request (-U writes each as it comes).
NT=6
for _ in $(seq 50); do
	[ "$(tcpdump -r "$TMPD/cap.pcap" -nn 2>/dev/null | wc -l)" -ge $((NT * COUNT)) ] && break
	sleep 0.1
done
bg_stop "$CAP"
wall_ms=$(((end - start) / 1000000))
[ "${NET_VERBOSE:-0}" = 1 ] && log "wall ${wall_ms} ms"

assert_eq "exit status" 0 "$RC"
for a in "${A[@]}" "${A6[@]}"; do
	assert_match "$a: every probe answered, nothing else" \
		"^end $a sent=$COUNT received=$COUNT errors=0\$" "$OUT"
	assert_eq "$a: replies, in order" "1 2 3 4 5" \
		"$(printf '%s\n' "$OUT" | awk -v a="$a" '$1 == "reply" && $2 == a { sub("seq=", "", $3); printf "%s%s", s, $3; s = " " }')"
done
assert_match "the silent target: sent, never answered" \
	"^end $SILENT sent=$COUNT received=0 errors=0\$" "$OUT"
assert_line_count "no reply credited to the silent target" "^reply $SILENT " 0 "$OUT"
assert_line_count "no duplicates (no reply counted twice)" " dup\$" 0 "$OUT"

# Served in turn: the first round of sends names every target once, in the
# order given, before any target's second probe.
assert_eq "first round: one probe to each target, in turn" \
	"${A[0]} ${A6[0]} ${A[1]} $SILENT ${A[2]} ${A6[1]}" \
	"$(printf '%s\n' "$OUT" | awk '$1 == "sent" { printf "%s%s", s, $2; s = " " }' | cut -d' ' -f1-6)"

# At the interval, all at once: 5 probes 200 ms apart take 0.8 s, plus the
# silent target's 1 s linger; one target after another would take 6 x 0.8 s
# of probes.  The lower bound cannot fail for time (nothing makes a run
# shorter than its schedule); the upper one is what one after another would
# need without the linger (2.5 times the expected 1.9 s), so load does not
# fail it; the order below tells the two apart by events alone.
CHECKS=$((CHECKS + 1))
if [ "$wall_ms" -ge $(((COUNT - 1) * IV + 1000 - 100)) ] && [ "$wall_ms" -lt $((NT * (COUNT - 1) * IV)) ]; then
	pass "wall time"
else
	fail "wall time ${wall_ms} ms, expected 0.8 s of probes and 1 s of linger (at least 1.7 s, less than the $((NT * (COUNT - 1) * IV)) ms of one target after another)"
fi

# The capture, in order: each run of 6 requests goes to the 6 targets, once
# each (served in turn, all at once), and each target's
# requests are on average the interval apart (0.75..1.5 IV: neither IV / 6,
# all at once too fast, nor 6 IV, one after another), the average over the
# run so that one late wake-up on a loaded machine does not decide.
order=$(tcpdump -r "$TMPD/cap.pcap" -nn 2>/dev/null | awk '{
	for (i = 1; i <= NF; i++) if ($i == ">") { d = $(i + 1); sub(/:$/, "", d); print d; break } }')
CHECKS=$((CHECKS + 1))
if printf '%s\n' "$order" | awk -v n=$NT -v c=$COUNT '
	{ b = int((NR - 1) / n); if (seen[b, $1]++) bad = 1 }
	END { exit bad || NR != n * c }'; then
	pass "requests in rounds, every target once a round"
else
	fail "requests not in rounds of one per target: $(printf '%s\n' "$order" | tr '\n' ' ')"
fi
for a in "${A[@]}" "$SILENT" "${A6[@]}"; do
	if [[ $a == *:* ]]; then f="icmp6 and dst host $a"; else f="icmp and dst host $a"; fi
	times=$(pcap_times "$TMPD/cap.pcap" "$f")
	assert_eq "$a: requests captured" $COUNT "$(printf '%s\n' "$times" | grep -c .)"
	mean=$(printf '%s\n' "$times" | awk 'NR == 1 { f = $1 } { l = $1; n++ } END { if (n > 1) printf "%d", (l - f) * 1000 / (n - 1) }')
	CHECKS=$((CHECKS + 1))
	if [ -n "$mean" ] && [ "$mean" -ge $((IV * 3 / 4)) ] && [ "$mean" -le $((IV * 3 / 2)) ]; then
		pass "$a: requests ${IV} ms apart on average (${mean} ms)"
	else
		fail "$a: requests ${mean:-?} ms apart on average, want ${IV} (0.75..1.5 x)"
	fi
done

# --- one family, preload: three probes to each target at once -------------
run_in p "$MULTI" -c 3 -i $IV -l 3 "${A[@]}"
assert_eq "preload: exit status" 0 "$RC"
for a in "${A[@]}"; do
	assert_match "preload: $a answered" "^end $a sent=3 received=3 errors=0\$" "$OUT"
done
assert_eq "preload: the first nine sends, in turn" \
	"$(for _ in 1 2 3; do printf '%s ' "${A[@]}"; done | sed 's/ $//')" \
	"$(printf '%s\n' "$OUT" | awk '$1 == "sent" { printf "%s%s", s, $2; s = " " }' | cut -d' ' -f1-9)"

finish
