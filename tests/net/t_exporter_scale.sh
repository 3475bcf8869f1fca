#!/bin/bash
# net: serial (it measures a rate or a timing: alone, see run.sh)
# t_exporter_scale: the long run compressed (bench/exporter_soak.sh is the
# long one): XS_N targets (default 1000; 200 under ASan), AnyIP addresses
# of 198.19.0.0/16, each every 100 ms (10,000 probes/s), for XS_SECONDS
# (default 10); nftables in t drops 1% of the echo requests at random.
#  - RSS flat: the last third of the run adds less than 512 kB;
#  - every exposition of 1000 targets passes promtool, and is served in
#    well under a second;
#  - once the probing is stopped (SIGHUP: 1h interval, counters kept),
#    the sums over all targets equal nftables': requests == seen, lost ==
#    dropped, replies == seen - dropped; no probe late or forged, nothing
#    foreign, no send refused (the start times are spread: 10,000
#    probes/s go out without bursts that overflow a queue).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/xlib.sh"
need_root
need_exporter
need_cmd nft

N=${XS_N:-1000}
SECS=${XS_SECONDS:-10}
[ "$ASAN" = 1 ] && N=${XS_N:-200}
anyip_pair
nft_load t "table ip x {
	counter seen { }
	counter dropped { }
	chain in {
		type filter hook input priority 0;
		ip daddr 198.19.0.0/16 icmp type echo-request counter name seen
		ip daddr 198.19.0.0/16 icmp type echo-request numgen random mod 100 < 1 counter name dropped drop
	}
}"
cfg=$TMPD/x.yml
{
	printf 'targets:\n- interval: 100ms\n  hosts:\n'
	for ((i = 0; i < N; i++)); do
		printf '  - 198.19.%d.%d\n' $((i / 250)) $((i % 250 + 1))
	done
} >"$cfg"
log=$TMPD/x.log
CMD_TIMEOUT=$((SECS + 40)) exporter_start p 9374 "$log" --config.file="$cfg" --ping.timeout=500ms
sleep $((SECS / 3))
rss_a=$(rss_kb "$XPID")
t0=$(date +%s%N)
M=$(scrape p 9374 /metrics)
ms=$((($(date +%s%N) - t0) / 1000000))
assert_promtool "an exposition of $N targets passes promtool" "$M"
assert_eq "every target in it" "$N" "$(printf '%s\n' "$M" | grep -c '^smokeping_requests_total')"
log "a scrape of $N targets: $(printf '%s' "$M" | wc -c) bytes in $ms ms"
assert_between "scraped in under a second" "$ms" 0 1000
sleep $((SECS - 2 * SECS / 3))
rss_b=$(rss_kb "$XPID")
sleep $((SECS / 3))
rss_c=$(rss_kb "$XPID")
log "RSS: $rss_a kB at $((SECS / 3)) s, $rss_b kB at $((2 * SECS / 3)) s, $rss_c kB at $SECS s"
assert_between "RSS flat over the last third" "$((rss_c - rss_b))" -100000 512

sed -i 's/interval: .*/interval: 1h/' "$cfg"
kill -HUP "$XPID"
sleep 1.5
M=$(scrape p 9374 /metrics)
seen=$(nft_counter t ip x seen)
dropped=$(nft_counter t ip x dropped)
req=$(metric_sum "$M" smokeping_requests_total)
lost=$(metric_sum "$M" echolot_probes_lost_total)
count=$(metric_sum "$M" smokeping_response_duration_seconds_count)
log "sums: requests $req lost $lost replies $count; nftables seen $seen dropped $dropped"
assert_ge "about N x 10 x seconds probes" "$req" $((N * 10 * SECS * 8 / 10))
assert_eq "requests == nftables seen" "$seen" "$req"
assert_eq "lost == nftables dropped" "$dropped" "$lost"
assert_eq "replies == seen - dropped" "$((seen - dropped))" "$count"
assert_eq "none late" 0 "$(metric_sum "$M" echolot_replies_late_total)"
assert_eq "none forged" 0 "$(metric_sum "$M" echolot_replies_forged_total)"
assert_eq "nothing foreign" 0 "$(metric_sum "$M" echolot_foreign_packets_total)"
assert_eq "no send error" 0 "$(metric_sum "$M" echolot_send_errors_total)"
exporter_stop
assert_eq "exit status" 0 "$XRC"
finish
