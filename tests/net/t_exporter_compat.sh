#!/bin/bash
# t_exporter_compat: echolot exporter beside the programs it replaces, same
# targets, same namespace, compared family by family
# (tools/prom_compare.py):
#  - Debian's prometheus-smokeping-prober 0.6.1: every family it prints
#    (but the Go runtime's, process_* and its build info) is in ours with
#    the same TYPE, HELP, label names, series and histogram buckets, and
#    the request counts agree;
#  - Debian's prometheus-blackbox-exporter, ICMP module: /probe pages for
#    a reachable name (IPv6 preferred, as blackbox does), an IPv4-only
#    module, a name that does not resolve, and an address that never
#    answers (the scrape's timeout header): the same families; the same
#    success, protocol, address hash and hop limit; its 400s for a
#    missing target and an unknown module.
# Both peers run with configuration files of ours (not Debian's, which
# pings localhost), inside p, on 127.0.0.1.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/xlib.sh"
need_root
need_exporter
need_cmd prometheus-smokeping-prober prometheus-blackbox-exporter

COMPARE="/usr/bin/python3 $ROOT/tests/net/tools/prom_compare.py"
anyip_pair
hosts_file p "$T4 target.test" "$T6 target.test" "198.19.0.7 seven.test"

# --- smokeping_prober ---------------------------------------------------
cfg=$TMPD/sp.yml
cat >"$cfg" <<EOF
targets:
- hosts: [target.test, seven.test, "$T6"]
  interval: 200ms
EOF
bg_start p "$TMPD/sp.log" prometheus-smokeping-prober --config.file="$cfg" \
	--web.listen-address=127.0.0.1:9375 --privileged
SP=$BG_PID
exporter_start p 9374 "$TMPD/x.log" --config.file="$cfg"
# smokeping_prober waits interval / N between starting its pingers.
sleep 3
scrape p 9375 /metrics >"$TMPD/sp.txt"
scrape p 9374 /metrics >"$TMPD/x.txt"
[ -s "$TMPD/sp.txt" ] || die "smokeping_prober gave nothing: $(cat "$TMPD/sp.log")"
assert_promtool "smokeping_prober's exposition passes promtool" "$(cat "$TMPD/sp.txt")"
assert_promtool "ours passes promtool" "$(cat "$TMPD/x.txt")"
OUT=$($COMPARE "$TMPD/sp.txt" "$TMPD/x.txt" --ignore go_ --ignore process_ \
	--ignore promhttp_ --ignore smokeping_prober_build_info --same-series \
	--values smokeping_requests_total=4 2>&1)
RC=$?
LAST_CMD="prom_compare.py smokeping_prober ours"
log "$(printf '%s' "$OUT" | tail -n1)"
assert_eq "smokeping_prober's families, labels, series, buckets, counts" 0 "$RC"
assert_match "the families compared" '^same: ([6-9]|[1-9][0-9]+) families' "$OUT"
kill "$SP"
exporter_stop

# --- blackbox_exporter --------------------------------------------------
cat >"$TMPD/bb.yml" <<EOF
modules:
  icmp:
    prober: icmp
  icmp_ipv4:
    prober: icmp
    icmp:
      preferred_ip_protocol: ip4
      ip_protocol_fallback: false
EOF
bg_start p "$TMPD/bb.log" prometheus-blackbox-exporter --config.file="$TMPD/bb.yml" \
	--web.listen-address=127.0.0.1:9115
exporter_start p 9374 "$TMPD/x2.log"
wait_for "$TMPD/bb.log" 'Listening on' 5 || die "blackbox_exporter: $(cat "$TMPD/bb.log")"

probe_both() { # NAME QUERY [CURL ARGS]: both pages, compared
	local name=$1 q=$2
	shift 2
	scrape p 9115 "/probe?$q" "$@" >"$TMPD/bb-$name.txt"
	scrape p 9374 "/probe?$q" "$@" >"$TMPD/x-$name.txt"
	assert_promtool "$name: our page passes promtool" "$(cat "$TMPD/x-$name.txt")"
	OUT=$($COMPARE "$TMPD/bb-$name.txt" "$TMPD/x-$name.txt" 2>&1)
	RC=$?
	LAST_CMD="prom_compare.py blackbox ours ($name)"
	assert_eq "$name: blackbox_exporter's families, help, labels" 0 "$RC"
	for m in probe_success probe_ip_protocol probe_ip_addr_hash probe_icmp_reply_hop_limit; do
		assert_eq "$name: $m as blackbox_exporter" \
			"$(metric "$(cat "$TMPD/bb-$name.txt")" $m)" "$(metric "$(cat "$TMPD/x-$name.txt")" $m)"
	done
}
probe_both up "target=target.test&module=icmp"
assert_eq "up: success" 1 "$(metric "$(cat "$TMPD/x-up.txt")" probe_success)"
assert_eq "up: IPv6 preferred" 6 "$(metric "$(cat "$TMPD/x-up.txt")" probe_ip_protocol)"
probe_both up4 "target=target.test&module=icmp_ipv4"
assert_eq "up4: IPv4" 4 "$(metric "$(cat "$TMPD/x-up4.txt")" probe_ip_protocol)"
probe_both nxdomain "target=nx.test&module=icmp"
assert_eq "nxdomain: failure" 0 "$(metric "$(cat "$TMPD/x-nxdomain.txt")" probe_success)"
# 198.19.0.99: t drops what comes for it: no answer, ever.
nft_load t "table ip silent { chain in { type filter hook input priority 0; ip daddr 198.19.0.99 drop; }; }"
start=$(date +%s%N)
probe_both silent "target=198.19.0.99&module=icmp" -H "X-Prometheus-Scrape-Timeout-Seconds: 1.5"
ms=$((($(date +%s%N) - start) / 1000000))
assert_eq "silent: failure" 0 "$(metric "$(cat "$TMPD/x-silent.txt")" probe_success)"
assert_between "silent: both waited about a second, not 120" "$ms" 1500 6000

code() { scrape p "$1" "$2" -o /dev/null -w '%{http_code}'; }
assert_eq "no target: 400, as blackbox" "$(code 9115 '/probe?module=icmp')" "$(code 9374 '/probe?module=icmp')"
assert_eq "unknown module: 400, as blackbox" "$(code 9115 '/probe?target=x&module=nope')" \
	"$(code 9374 '/probe?target=x&module=nope')"
assert_eq "unknown module: blackbox's words" "$(scrape p 9115 '/probe?target=x&module=nope')" \
	"$(scrape p 9374 '/probe?target=x&module=nope')"
exporter_stop
assert_eq "exit status" 0 "$XRC"
finish
