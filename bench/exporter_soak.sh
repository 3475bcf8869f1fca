#!/bin/bash
# bench/exporter_soak.sh: the exporter's long run (make soak-exporter).
#
#   bench/exporter_soak.sh [--targets N] [--minutes M] [--loss PCT]
#
#   --targets N   AnyIP addresses of 198.19.0.0/16 in t (default 1000)
#   --minutes M   how long (default 10)
#   --loss PCT    nftables in t drops PCT% of the echo requests at random
#                 (default 1)
#   ECHOLOT       the binary (default build/echolot; run it on the release
#                 build, `make`)
#
# Every target every 100 ms (N x 10 probes/s); Prometheus' view is taken
# as Prometheus takes it: /metrics scraped every 15 s for the whole run.
# Then the probing is stopped (SIGHUP with a 1 h interval: counters kept),
# the last probes settle, and:
#   requests (sum over targets)  == echo requests t's nftables saw
#   lost                         == what it dropped
#   replies (histogram counts)   == seen - dropped
#   no late, forged or foreign packet, no send error
#   every scrape passed `promtool check metrics` (the first and the last
#   are checked whole; the others' line counts must match)
#   RSS flat: VmRSS sampled every 15 s; the last half of the run adds
#   less than 1 MiB over its first sample
# Network safety: tests/net/lib.sh's namespaces (p and t, 198.18.0.0/24,
# AnyIP 198.19.0.0/16 in t, no default route); every command bounded; the
# trap removes the namespaces and ends only what this script started.
# The report goes to stdout and bench/exporter-soak-latest.txt.  Exit 0 all
# PASS, 1 any FAIL, 2 usage/environment.
set -u
export LC_ALL=C
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
N=1000 MINUTES=10 LOSS=1
while [ $# -gt 0 ]; do
	case $1 in
	--targets) N=${2:?}; shift ;;
	--minutes) MINUTES=${2:?}; shift ;;
	--loss) LOSS=${2:?}; shift ;;
	-h | --help) sed -n "2,/^$/p" "$0" | sed "/^$/d" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "exporter_soak.sh: unknown argument: $1" >&2; exit 2 ;;
	esac
	shift
done
for v in N MINUTES LOSS; do
	case ${!v} in '' | *[!0-9]*) echo "exporter_soak.sh: $v must be a number" >&2; exit 2 ;; esac
done
[ "$N" -ge 1 ] && [ "$N" -le 60000 ] || { echo "exporter_soak.sh: 1..60000 targets" >&2; exit 2; }
ECHOLOT=${ECHOLOT:-$ROOT/build/echolot}
[ "$(id -u)" = 0 ] || { echo "exporter_soak.sh: needs root" >&2; exit 2; }
[ -x "$ECHOLOT" ] || { echo "exporter_soak.sh: no $ECHOLOT (make)" >&2; exit 2; }

NET_NS_PREFIX=els$$
CMD_TIMEOUT=$((MINUTES * 60 + 120))
PING=$(dirname "$ECHOLOT")/ping
. "$ROOT/tests/net/lib.sh"
. "$ROOT/tests/net/xlib.sh"
TEST_NAME=exporter_soak.sh
EXPORTER=$ECHOLOT
need_cmd curl promtool nft jq

anyip_pair
nft_load t "table ip x {
	counter seen { }
	counter dropped { }
	chain in {
		type filter hook input priority 0;
		ip daddr 198.19.0.0/16 icmp type echo-request counter name seen
		ip daddr 198.19.0.0/16 icmp type echo-request numgen random mod 100 < $LOSS counter name dropped drop
	}
}"
cfg=$TMPD/x.yml
{
	printf 'targets:\n- interval: 100ms\n  hosts:\n'
	for ((i = 0; i < N; i++)); do
		printf '  - 198.19.%d.%d\n' $((i / 250)) $((i % 250 + 1))
	done
} >"$cfg"
start=$(date +%s)
# The tree the binary was built from, as the run starts.
GIT=$(git -C "$ROOT" describe --always --dirty 2>/dev/null)
exporter_start p 9374 "$TMPD/x.log" --config.file="$cfg" --ping.timeout=1s
rss_log=$TMPD/rss
: >"$rss_log"
scrapes=0 bad=0 lines0=
end=$((start + MINUTES * 60))
while [ "$(date +%s)" -lt "$end" ]; do
	sleep 15
	r=$(rss_kb "$XPID")
	echo "$(($(date +%s) - start)) $r" >>"$rss_log"
	scrape p 9374 /metrics >"$TMPD/last.txt"
	scrapes=$((scrapes + 1))
	lines=$(wc -l <"$TMPD/last.txt")
	if [ -z "$lines0" ]; then
		lines0=$lines
		printf '%s\n' "$(cat "$TMPD/last.txt")" | promtool check metrics >/dev/null 2>&1 || bad=$((bad + 1))
	elif [ "$lines" != "$lines0" ]; then
		bad=$((bad + 1))
	fi
done
printf '%s\n' "$(cat "$TMPD/last.txt")" | promtool check metrics >/dev/null 2>&1 || bad=$((bad + 1))
sed -i 's/interval: .*/interval: 1h/' "$cfg"
kill -HUP "$XPID"
sleep 2.5
M=$(scrape p 9374 /metrics)
seen=$(nft_counter t ip x seen)
dropped=$(nft_counter t ip x dropped)
req=$(metric_sum "$M" smokeping_requests_total)
lost=$(metric_sum "$M" echolot_probes_lost_total)
count=$(metric_sum "$M" smokeping_response_duration_seconds_count)
cpu=$(/usr/bin/python3 "$BENCH/exporter_lib.py" ticks "$XPID")
hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$XPID/status")
exporter_stop

half=$(awk 'NR == 1 { n = 0 } { t[NR] = $1; r[NR] = $2 } END {
	h = int((NR + 1) / 2); print r[h], r[NR], r[NR] - r[h] }' "$rss_log")
{
	echo "echolot exporter soak  $(date -u '+%Y-%m-%d %H:%M:%SZ')  ($((($(date +%s) - start))) s)"
	echo "host: $(uname -sr), $(nproc) CPU(s): $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "echolot: $ECHOLOT (git $GIT at the start)"
	echo "run: $N targets every 100 ms ($((N * 10)) probes/s) for $MINUTES min, ${LOSS}% dropped at random by t's nftables, scraped every 15 s"
	echo "counts: requests $req lost $lost replies $count; nftables seen $seen dropped $dropped"
	echo "cpu: $cpu s for $req probes: $(awk -v c="$cpu" -v p="$req" 'BEGIN { printf "%.2f", c * 1e6 / p }') us/probe"
	echo "rss (kB, every 15 s): $(awk '{ printf "%s ", $2 }' "$rss_log")"
	echo "rss: middle $(echo "$half" | cut -d' ' -f1) kB, end $(echo "$half" | cut -d' ' -f2) kB, peak $hwm kB"
	verdict() { if [ "$2" = 1 ]; then echo "  PASS  $1"; else echo "  FAIL  $1"; FAILS=$((FAILS + 1)); fi; }
	verdict "requests == nftables seen" "$([ "$req" = "$seen" ] && echo 1)"
	verdict "lost == nftables dropped" "$([ "$lost" = "$dropped" ] && echo 1)"
	verdict "replies == seen - dropped" "$([ "$count" = "$((seen - dropped))" ] && echo 1)"
	verdict "nothing late, forged, foreign, refused" "$([ "$(metric_sum "$M" echolot_replies_late_total)$(metric_sum "$M" echolot_replies_forged_total)$(metric_sum "$M" echolot_foreign_packets_total)$(metric_sum "$M" echolot_send_errors_total)" = 0000 ] && echo 1)"
	verdict "$scrapes scrapes, all well formed" "$([ "$bad" = 0 ] && echo 1)"
	verdict "RSS flat over the second half (< 1024 kB)" "$([ "$(echo "$half" | cut -d' ' -f3)" -lt 1024 ] && echo 1)"
	verdict "exit status 0" "$([ "$XRC" = 0 ] && echo 1)"
} | tee "$TMPD/report"
cp "$TMPD/report" "$BENCH/exporter-soak-latest.txt"
grep -q FAIL "$TMPD/report" && exit 1
exit 0
