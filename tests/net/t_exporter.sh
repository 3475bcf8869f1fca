#!/bin/bash
# t_exporter: `echolot exporter`'s /metrics, against what the target's
# namespace saw.
#  - targets from a YAML file: a name (hosts file), IPv4 and IPv6
#    literals, a name with a quote and a backslash, one with a newline and
#    one that does not resolve; two groups with their own intervals;
#  - every exposition passes `promtool check metrics`; the odd names are
#    escaped as the format says;
#  - exact counts: nftables in t drops every fourth echo request to one
#    address; once the probing is slowed to a stop (SIGHUP with a 1h
#    interval: counters kept), requests == requests seen by t, lost ==
#    dropped, histogram count == requests - dropped; a group's size,
#    source and tos are on every probe it sends;
#  - an unreachable network: ICMP errors by type, code and router;
#  - the reply TTL, the OS family, the hop distance;
#  - /, /-/healthy, 404, 405; a port in use and an unknown flag: status 2
#    and a clear line; SIGTERM ends it with status 0.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/xlib.sh"
need_root
need_exporter
need_cmd nft jq

anyip_pair
hosts_file p "$T4 target.test" "$T6 target6.test" \
	"198.19.0.5 we\"ird\\host" "198.19.0.6 plain.test"
# t: count every echo request to 198.19.0.2 and drop every fourth.  t
# also routes, with no route to 198.18.200.0/24: probes there draw
# "network unreachable" from T4.
forwarding t
must ip -n "$(nsn p)" route add 198.18.200.0/24 via "$T4"
nft_load t "table inet x {
	counter seen { }
	counter dropped { }
	counter seen_all { }
	counter sized { }
	counter shaped { }
	chain pre {
		type filter hook prerouting priority 0;
		icmp type echo-request counter name seen_all
		icmpv6 type echo-request counter name seen_all
	}
	chain in {
		type filter hook input priority 0;
		ip daddr 198.19.0.2 icmp type echo-request counter name seen
		ip daddr 198.19.0.2 ip length 128 icmp type echo-request counter name sized
		ip daddr 198.19.0.7 ip saddr 198.18.0.1 ip dscp 4 icmp type echo-request counter name shaped
		ip daddr 198.19.0.2 icmp type echo-request numgen inc mod 4 == 0 counter name dropped drop
	}
}"

cfg=$TMPD/x.yml
cat >"$cfg" <<EOF
targets:
- hosts:
  - target.test
  - "$T6"
  - "we\"ird\\\\host"
  - "a\\nb"
  - nx.test
  interval: 100ms
- hosts: [198.19.0.2, 198.18.200.9]
  interval: 50ms
  network: ip4
  size: 100
- hosts: [198.19.0.7]
  interval: 100ms
  source: 198.18.0.1
  tos: 16
EOF

log=$TMPD/x.log
exporter_start p 9374 "$log" --config.file="$cfg" --ping.timeout=400ms
sleep 2
M=$(scrape p 9374 /metrics)
assert_promtool "exposition passes promtool" "$M"
assert_match "name from the hosts file" \
	'^smokeping_requests_total\{host="target.test",ip="198.18.0.2"\} [1-9]' "$M"
assert_match "IPv6 literal" '^smokeping_requests_total\{host="2001:2::2",ip="2001:2::2"\} [1-9]' "$M"
assert_match "quote and backslash escaped" \
	'^smokeping_requests_total\{host="we\\"ird\\\\host",ip="198.19.0.5"\} [1-9]' "$M"
assert_match "newline escaped, unresolved name as a metric" \
	'^echolot_target_resolved\{host="a\\nb"\} 0$' "$M"
assert_match "a name that does not resolve" '^echolot_target_resolved\{host="nx.test"\} 0$' "$M"
assert_no_match "no series with an address for it" 'host="nx.test",ip' "$M"
assert_ge "its failed lookups counted" "$(metric "$M" echolot_resolve_errors_total 'nx.test')" 1
assert_eq "a reply's TTL" 64 "$(metric "$M" smokeping_response_ttl target.test)"
assert_match "OS family from the TTL" \
	'^echolot_os_info\{family="Linux/Unix",host="target.test",initial_ttl="64",ip="198.18.0.2"\} 1$' "$M"
assert_eq "hop distance of a neighbour" 0 "$(metric "$M" echolot_hop_distance target.test)"
assert_match "smokeping_prober's buckets" \
	'^smokeping_response_duration_seconds_bucket\{host="target.test",ip="198.18.0.2",le="5e-05"\} ' "$M"
assert_match "ICMP errors by type, code and router" \
	"^echolot_icmp_errors_total\\{code=\"0\",host=\"198.18.200.9\",ip=\"198.18.200.9\",router=\"$T4\",type=\"destination_unreachable\"\\} [1-9]" "$M"
assert_match "unreachable probes are lost too" '^echolot_probes_lost_total\{host="198.18.200.9",ip="198.18.200.9"\} [1-9]' "$M"

# Slow everything to a stop, counters kept: then the counts are final.
sed -i 's/interval: .*/interval: 1h/' "$cfg"
kill -HUP "$XPID"
wait_for "$log" 'reloaded' 5 || fail "no reload line: $(cat "$log")"
sleep 1.2
M=$(scrape p 9374 /metrics)
assert_promtool "exposition after the reload passes promtool" "$M"
seen=$(nft_counter t inet x seen)
dropped=$(nft_counter t inet x dropped)
req=$(metric "$M" smokeping_requests_total 'host="198.19.0.2"')
lost=$(metric "$M" echolot_probes_lost_total 'host="198.19.0.2"')
count=$(metric "$M" smokeping_response_duration_seconds_count 'host="198.19.0.2"')
log "198.19.0.2: requests $req (t saw $seen), lost $lost (t dropped $dropped), replies $count"
assert_ge "enough probes to count" "$seen" 30
assert_eq "requests == echo requests t saw" "$seen" "$req"
assert_eq "lost == echo requests t dropped" "$dropped" "$lost"
assert_eq "histogram count == requests - dropped" "$((seen - dropped))" "$count"
assert_eq "size: 100 data bytes (IP length 128) on every probe" "$seen" "$(nft_counter t inet x sized)"
assert_eq "source and tos: every probe from 198.18.0.1 with DSCP 4" \
	"$(metric "$M" smokeping_requests_total 'host="198.19.0.7"')" "$(nft_counter t inet x shaped)"
assert_eq "no probe in flight, none late" 0 "$(metric "$M" echolot_replies_late_total 'host="198.19.0.2"')"
assert_eq "reload counted as successful" 1 "$(metric "$M" smokeping_prober_config_last_reload_successful)"
total=0
for v in $(printf '%s\n' "$M" | awk '/^smokeping_requests_total/ { print $NF }'); do
	total=$((total + v))
done
assert_eq "every request of every target reached t" "$(nft_counter t inet x seen_all)" "$total"

# /probe: an ICMP error ends the probe at once, as a failure; a reply, a
# success with its hop limit.
t0=$(date +%s%N)
P=$(scrape p 9374 '/probe?target=198.18.200.9&module=icmp_ipv4')
ms=$((($(date +%s%N) - t0) / 1000000))
assert_eq "/probe of an unreachable network: failure" 0 "$(metric "$P" probe_success)"
assert_between "/probe of an unreachable network: at once, not after the timeout" "$ms" 0 900
P=$(scrape p 9374 '/probe?target=target.test')
assert_eq "/probe of a name, no module: success" 1 "$(metric "$P" probe_success)"
assert_eq "/probe: the reply's hop limit" 64 "$(metric "$P" probe_icmp_reply_hop_limit)"
assert_eq "/probe's targets are not in /metrics: the six monitored ones" 6 \
	"$(scrape p 9374 /metrics | grep -c '^smokeping_requests_total')"

# A second one on the same port: a clear error, status 2.
run_in p "$EXPORTER" exporter --web.listen-address=127.0.0.1:9374 198.19.0.1
assert_eq "port in use: exit status 2" 2 "$RC"
assert_match "port in use: says so" 'listen on 127.0.0.1:9374: Address already in use' "$ERR"
run_in p "$EXPORTER" exporter --nope
assert_eq "unknown flag: exit status 2" 2 "$RC"
assert_match "unknown flag: says so" "unknown long flag '--nope'" "$ERR"

# The web's other pages.
assert_match "landing page" 'href="/metrics"' "$(scrape p 9374 /)"
assert_eq "/-/healthy" "Healthy" "$(scrape p 9374 /-/healthy)"
assert_eq "unknown path: 404" 404 "$(scrape p 9374 /nope -o /dev/null -w '%{http_code}')"
assert_eq "POST: 405" 405 "$(scrape p 9374 /metrics -o /dev/null -w '%{http_code}' -d x=1)"
assert_match "metrics content type" '^Content-Type: text/plain; version=0.0.4; charset=utf-8' \
	"$(scrape p 9374 /metrics -o /dev/null -D - | tr -d '\r')"

exporter_stop
assert_eq "SIGTERM: exit status 0" 0 "$XRC"
assert_no_match "nothing went wrong" 'Bad system call|Sanitizer|runtime error' "$(cat "$log")"
finish
