#!/bin/bash
# t_exporter_prom: a real Prometheus (Debian's) scrapes the exporter, and
# what its HTTP API computes is what the responders did.
# p runs the exporter and a Prometheus of our own (our configuration, our
# storage directory in $TMPD, 127.0.0.1:9090; not Debian's service) that
# scrapes it every second.  Targets:
#  - 198.19.0.1 in t, where nftables drops every fifth echo request
#    and counts what it saw and dropped;
#  - 198.18.1.2 in d, answered 20 ms late by tools/delay_responder.py
#    (the kernel's replies off there);
#  - 198.19.0.2 in t, answered at once.
# Checked through Prometheus' API:
#  - up == 1 and the series are there;
#  - loss as rate(lost) / rate(requests) over the whole run is nftables'
#    dropped / seen (within 0.1), and once the probing is stopped (SIGHUP:
#    a 1h interval, counters kept) and scraped again, the stored counters
#    (both sites' summed) equal nftables' exactly;
#  - histogram_quantile(0.5, rate(..._bucket)) of the delayed target lies
#    in the bucket that holds 20 ms (12.8..25.6 ms), of the prompt one
#    below 1.6 ms;
#  - docs/exporter.md's two exporters, one Prometheus: a second exporter
#    (site b, same targets) beside the first (site a); the document's
#    PromQL for loss and RTT quantiles gives one series per site and
#    host, and agrees between the sites.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/xlib.sh"
need_root
need_exporter
need_cmd prometheus nft jq

anyip_pair
ns_add d
veth p vd d dv
addr p vd 198.18.1.1/24
addr d dv 198.18.1.2/24
neigh_static p vd d dv 198.18.1.2
neigh_static d dv p vd 198.18.1.1
ns_sysctl d net.ipv4.icmp_echo_ignore_all=1
bg_start d "$TMPD/delay.out" /usr/bin/python3 "$ROOT/tests/net/tools/delay_responder.py" \
	4 20 100000 25
wait_for "$TMPD/delay.out" '^ready' 5 || die "delay responder: $(cat "$TMPD/delay.out")"
nft_load t "table ip x {
	counter seen { }
	counter dropped { }
	chain in {
		type filter hook input priority 0;
		ip daddr 198.19.0.1 icmp type echo-request counter name seen
		ip daddr 198.19.0.1 icmp type echo-request numgen inc mod 5 == 0 counter name dropped drop
	}
}"

cfg=$TMPD/x.yml
printf 'targets:\n- hosts: [198.19.0.1, 198.18.1.2, 198.19.0.2]\n  interval: 100ms\n' >"$cfg"
log=$TMPD/x.log
exporter_start p 9375 "$TMPD/b.log" --config.file="$cfg" --ping.timeout=500ms
XPID_B=$XPID XBG_B=$XBG
exporter_start p 9374 "$log" --config.file="$cfg" --ping.timeout=500ms

mkdir -p "$TMPD/prom"
cat >"$TMPD/prom.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: echolot
    static_configs:
      - targets: ['127.0.0.1:9374']
        labels: { site: a }
      - targets: ['127.0.0.1:9375']
        labels: { site: b }
EOF
bg_start p "$TMPD/prom.log" prometheus --config.file="$TMPD/prom.yml" \
	--storage.tsdb.path="$TMPD/prom" --web.listen-address=127.0.0.1:9090 \
	--log.level=warn
wait_for_api() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(scrape p 9090 /-/ready -o /dev/null -w '%{http_code}')" = 200 ] && return 0
		sleep 0.2
	done
	return 1
}
wait_for_api || die "prometheus did not start: $(cat "$TMPD/prom.log")"

# query EXPR: the first result's value ("" when none).
query() {
	ip netns exec "$(nsn p)" curl -s --max-time 5 -G \
		--data-urlencode "query=$1" http://127.0.0.1:9090/api/v1/query |
		jq -r '.data.result[0].value[1] // empty'
}

sleep 7         # seven scrapes or so
up=$(query 'sum(up{job="echolot"})')
assert_eq "Prometheus scrapes both exporters (up)" 2 "$up"
loss=$(query 'sum(rate(echolot_probes_lost_total{host="198.19.0.1"}[1m])) / sum(rate(smokeping_requests_total{host="198.19.0.1"}[1m]))')
seen=$(nft_counter t ip x seen)
dropped=$(nft_counter t ip x dropped)
nft_loss=$(awk -v d="$dropped" -v s="$seen" 'BEGIN { printf "%.4f", d / s }')
log "loss: Prometheus rate ratio $loss, nftables $dropped / $seen = $nft_loss"
assert_between "loss by rate() agrees with nftables" "$loss" \
	"$(awk -v l="$nft_loss" 'BEGIN { print l - 0.1 }')" "$(awk -v l="$nft_loss" 'BEGIN { print l + 0.1 }')"
q_slow=$(query 'histogram_quantile(0.5, rate(smokeping_response_duration_seconds_bucket{site="a",host="198.18.1.2"}[6s]))')
q_fast=$(query 'histogram_quantile(0.5, rate(smokeping_response_duration_seconds_bucket{site="a",host="198.19.0.2"}[6s]))')
avg_slow=$(query 'rate(smokeping_response_duration_seconds_sum{site="a",host="198.18.1.2"}[6s]) / rate(smokeping_response_duration_seconds_count{site="a",host="198.18.1.2"}[6s])')
log "RTT: median 198.18.1.2 (20 ms responder) $q_slow s (mean $avg_slow s), 198.19.0.2 $q_fast s"
assert_between "median RTT of the 20 ms responder in its bucket" "$q_slow" 0.0128 0.0256
assert_between "mean RTT of the 20 ms responder: 20 ms" "$avg_slow" 0.0195 0.026
assert_between "median RTT of the prompt one" "$q_fast" 0 0.0016

# docs/exporter.md's queries, two sites.
nsite() {
	ip netns exec "$(nsn p)" curl -s --max-time 5 -G --data-urlencode "query=$1" \
		http://127.0.0.1:9090/api/v1/query | jq -r '.data.result | length'
}
assert_eq "doc: loss by site and host (2 sites x 3 hosts)" 6 \
	"$(nsite 'rate(echolot_probes_lost_total[6s]) / rate(smokeping_requests_total[6s])')"
assert_eq "doc: smokeping-style loss" 6 \
	"$(nsite '1 - rate(smokeping_response_duration_seconds_count[6s]) / rate(smokeping_requests_total[6s])')"
assert_eq "doc: p90 by site and host" 6 \
	"$(nsite 'histogram_quantile(0.9, sum by (site, host, le) (rate(smokeping_response_duration_seconds_bucket[6s])))')"
qb=$(query 'histogram_quantile(0.5, sum by (site, host, le) (rate(smokeping_response_duration_seconds_bucket{site="b",host="198.18.1.2"}[6s])))')
assert_between "site b sees the 20 ms responder as site a does" "$qb" 0.0128 0.0256
assert_eq "doc: no OS change" 0 \
	"$(nsite 'count by (site, host) (count by (site, host, family) (count_over_time(echolot_os_info[1h]))) > 1')"
assert_eq "doc: one OS family a site and host" 6 \
	"$(nsite 'count by (site, host) (count by (site, host, family) (count_over_time(echolot_os_info[1h])))')"

# Stop the probing, keep the counters: what Prometheus stored is exact.
sed -i 's/interval: .*/interval: 1h/' "$cfg"
kill -HUP "$XPID" "$XPID_B"
sleep 3         # the timeout passes, two more scrapes
seen=$(nft_counter t ip x seen)
dropped=$(nft_counter t ip x dropped)
req=$(query 'sum(smokeping_requests_total{host="198.19.0.1"})')
lost=$(query 'sum(echolot_probes_lost_total{host="198.19.0.1"})')
count=$(query 'sum(smokeping_response_duration_seconds_count{host="198.19.0.1"})')
log "stored, both sites: requests $req lost $lost replies $count; nftables seen $seen dropped $dropped"
assert_eq "stored requests == nftables seen" "$seen" "$req"
assert_eq "stored lost == nftables dropped" "$dropped" "$lost"
assert_eq "stored replies == seen - dropped" "$((seen - dropped))" "$count"
exporter_stop
assert_eq "exit status" 0 "$XRC"
kill -TERM "$XPID_B"
wait "$XBG_B"
assert_eq "exporter b: exit status" 0 "$?"
finish
