#!/bin/bash
# t_exporter_reload: a daemon whose world changes under it.
#  - SIGHUP with targets kept (their counters go on, never reset), removed
#    (their series gone) and added (probed at once);
#  - a name that moves (the hosts file changes; --resolve-interval): the
#    new address is probed, as a new series;
#  - a name that stops resolving: echolot_target_resolved 0 and its
#    failed lookups counted, its last address still probed, no crash;
#  - a responder that goes silent (nftables drops everything) and comes
#    back: probes counted lost, then replies again;
#  - across every scrape, every counter and histogram series is monotonic
#    (tools/prom_monotonic.py);
#  - a configuration that does not parse: refused at start (status 2, the
#    file's line and the reason), and on SIGHUP (the old one stays,
#    config_last_reload_successful 0); a reload that needs a socket the
#    daemon could not open any more is refused too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/xlib.sh"
need_root
need_exporter
need_cmd nft

MONO="/usr/bin/python3 $ROOT/tests/net/tools/prom_monotonic.py"
anyip_pair
hosts() {
	hosts_file p "198.19.0.1 kept.test" "198.19.0.2 gone.test" "$1 moving.test" \
		"198.19.0.6 new.test" ${2:+"$2 fading.test"}
}
hosts 198.19.0.3 198.19.0.4

# --- refused at start -------------------------------------------------------
printf 'targets:\n- hosts: [kept.test]\n  interval: 1s\n  size: 10\n' >"$TMPD/bad.yml"
run_in p "$EXPORTER" exporter --config.file="$TMPD/bad.yml" --web.listen-address=127.0.0.1:9374
assert_eq "bad configuration: exit status 2" 2 "$RC"
assert_match "bad configuration: file, line, reason" \
	"bad.yml:4: size: '10' is not a number from 24 to 65507" "$ERR"

# --- a life -----------------------------------------------------------------
cfg=$TMPD/x.yml
write_cfg() {
	printf 'targets:\n- hosts: [%s]\n  interval: 100ms\n' "$1" >"$cfg"
}
write_cfg "kept.test, gone.test, moving.test, fading.test, 198.19.0.5"
log=$TMPD/x.log
exporter_start p 9374 "$log" --config.file="$cfg" --resolve-interval=1s --ping.timeout=300ms
sleep 1.2
scrape p 9374 /metrics >"$TMPD/s1"
S1=$(cat "$TMPD/s1")
assert_promtool "scrape 1 passes promtool" "$S1"
assert_match "moving.test at its first address" 'smokeping_requests_total\{host="moving.test",ip="198.19.0.3"\} [1-9]' "$S1"

# The responder goes silent for a second; a name moves, another fades;
# the configuration drops one target and adds one.
nft_load t "table ip mute { chain in { type filter hook input priority 0; ip daddr 198.19.0.5 drop; }; }"
hosts 198.19.0.13
write_cfg "kept.test, moving.test, fading.test, 198.19.0.5, new.test"
kill -HUP "$XPID"
wait_for "$log" 'reloaded' 5 || fail "no reload line"
sleep 1.5
scrape p 9374 /metrics >"$TMPD/s2"
S2=$(cat "$TMPD/s2")
must ip netns exec "$(nsn t)" nft delete table ip mute
sleep 1.5
scrape p 9374 /metrics >"$TMPD/s3"
S3=$(cat "$TMPD/s3")
assert_promtool "scrape 2 passes promtool" "$S2"
assert_promtool "scrape 3 passes promtool" "$S3"

assert_match "the reload's line" 'reloaded .*: 4 targets kept, 1 added, 1 removed' "$(cat "$log")"
k1=$(metric "$S1" smokeping_requests_total kept.test)
k2=$(metric "$S2" smokeping_requests_total kept.test)
assert_ge "kept: its counter went on" "$k2" "$((k1 + 5))"
assert_no_match "removed: its series are gone" 'host="gone.test"' "$S2"
assert_ge "added: probed" "$(metric "$S2" smokeping_requests_total new.test)" 5
assert_match "moved: the new address probed" \
	'smokeping_requests_total\{host="moving.test",ip="198.19.0.13"\} [1-9]' "$S2"
assert_no_match "moved: the old address's series gone" 'host="moving.test",ip="198.19.0.3"' "$S2"
assert_match "moved: said so" 'moving.test moved from 198.19.0.3 to 198.19.0.13' "$(cat "$log")"
assert_match "faded: reported as a metric" '^echolot_target_resolved\{host="fading.test"\} 0$' "$S2"
assert_ge "faded: failed lookups counted" "$(metric "$S2" echolot_resolve_errors_total fading.test)" 1
assert_ge "faded: its last address still probed" \
	"$(metric "$S3" smokeping_requests_total fading.test)" \
	"$(($(metric "$S1" smokeping_requests_total fading.test) + 10))"
assert_ge "silent: probes lost" "$(metric "$S2" echolot_probes_lost_total 198.19.0.5)" 5
assert_ge "back: replies again" \
	"$(metric "$S3" smokeping_response_duration_seconds_count 198.19.0.5)" \
	"$(($(metric "$S2" smokeping_response_duration_seconds_count 198.19.0.5) + 5))"
for pair in "s1 s2" "s2 s3"; do
	set -- $pair
	OUT=$($MONO "$TMPD/$1" "$TMPD/$2" 2>&1)
	RC=$?
	LAST_CMD="prom_monotonic.py $1 $2"
	assert_eq "counters monotonic from $1 to $2" 0 "$RC"
done

# A configuration that does not parse: refused, the old one stays.
printf 'targets:\n- hosts: [kept.test]\n  interval: often\n' >"$cfg"
kill -HUP "$XPID"
wait_for "$log" 'reload failed' 5 || fail "no reload failure line"
sleep 0.3
S4=$(scrape p 9374 /metrics)
assert_match "refused reload: file, line, reason" \
	"reload failed.*x.yml:3: interval: 'often' is not a duration" "$(cat "$log")"
assert_eq "refused reload: config_last_reload_successful 0" 0 \
	"$(metric "$S4" smokeping_prober_config_last_reload_successful)"
assert_match "refused reload: the targets stay" 'smokeping_requests_total\{host="new.test"' "$S4"
# Probes of another size need a socket opened at start.
printf 'targets:\n- hosts: [kept.test]\n  size: 200\n' >"$cfg"
kill -HUP "$XPID"
sleep 0.5
assert_match "a reload that needs a new socket: refused" \
	'reload failed: kept.test: .*not opened at start' "$(cat "$log")"
# And a good one again.
write_cfg "kept.test"
kill -HUP "$XPID"
sleep 0.5
S5=$(scrape p 9374 /metrics)
assert_eq "good reload: config_last_reload_successful 1" 1 \
	"$(metric "$S5" smokeping_prober_config_last_reload_successful)"
assert_eq "good reload: one target left" 1 \
	"$(printf '%s\n' "$S5" | grep -c '^smokeping_requests_total')"
exporter_stop
assert_eq "exit status" 0 "$XRC"
assert_no_match "nothing went wrong" 'Bad system call|Sanitizer|runtime error' "$(cat "$log")"
finish
