#!/bin/bash
# bench/exporter.sh: `echolot exporter` against Debian's smokeping_prober
# 0.6.1, in one run.
#
#   bench/exporter.sh [--quick] [--only scale,jitter,rtt] [--targets "1000 10000"]
#
#   --quick    10 s windows instead of 30 s
#   --only     run only these parts
#   --targets  the target counts of part 1 (default "1000 10000")
#
# Parts (each tool runs alone, inside the prober namespace, with the same
# YAML file: smokeping_prober's format is echolot's):
#   1. scale: N targets (AnyIP addresses of 198.19.0.0/16 in t) at 1 probe/s
#      each; after a warm-up, over a window: CPU (utime + stime of the
#      process, all threads) per probe that t's nftables counted, and RSS
#      (VmRSS at the end, VmHWM).  smokeping_prober runs twice: with
#      `protocol: icmp` (its default: a raw socket per target, each of which
#      the kernel hands every reply) and `protocol: udp` (ICMP datagram
#      sockets, demultiplexed by the kernel).  Goal: echolot <= 0.2x its
#      CPU per probe and <= 0.2x its RSS at 10,000 targets.
#   2. jitter: 100 targets every 100 ms; t captures the echo requests;
#      each target's gaps between sends against the interval
#      (tests/net/tools/send_jitter.py): p50, p99, max of |gap - 100 ms|.
#   3. rtt: one target (t itself, a veth away) every 100 ms for the window;
#      p captures; the histogram's mean RTT (_sum / _count) against the
#      capture's mean over the same probes, and the share of probes the
#      histogram puts in another bucket than the capture's RTT falls in.
#
# Network safety: two namespaces from tests/net/lib.sh (p and t, one veth,
# 198.18.0.0/24, static neighbours, no default route; t answers
# 198.19.0.0/16 by AnyIP, p routes it to t and nothing else); every command
# bounded; the trap removes the namespaces and ends, by PID, only what
# this script started.  Neither peer uses Debian's configuration (which
# pings localhost): each gets ours, and listens on 127.0.0.1 in p.
#
# The table goes to stdout and, unless --only, to bench/exporter-latest.txt
# (the steps' log to stderr).  Exit status: 0 when everything was
# measured, 1 when a measurement failed, 2 on a usage or environment error.
set -u
export LC_ALL=C
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
PY=/usr/bin/python3
LIB=$BENCH/exporter_lib.py
JIT=$ROOT/tests/net/tools/send_jitter.py

QUICK=0 ONLY=,scale,jitter,rtt, TARGETS="1000 10000"
while [ $# -gt 0 ]; do
	case $1 in
	--quick) QUICK=1 ;;
	--only) ONLY=,${2:?--only needs a list},; shift ;;
	--targets) TARGETS=${2:?--targets needs a list}; shift ;;
	-h | --help) sed -n "2,/^$/p" "$0" | sed "/^$/d" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "exporter.sh: unknown argument: $1" >&2; exit 2 ;;
	esac
	shift
done
WINDOW=30 WARMUP=8
[ "$QUICK" = 1 ] && WINDOW=10 WARMUP=5
ECHOLOT=${ECHOLOT:-$ROOT/build/echolot}
SMOKEPING=${SMOKEPING:-/usr/bin/prometheus-smokeping-prober}
[ "$(id -u)" = 0 ] || { echo "exporter.sh: needs root" >&2; exit 2; }
for c in "$ECHOLOT" "$SMOKEPING" tcpdump nft curl "$PY"; do
	command -v "$c" >/dev/null || { echo "exporter.sh: missing $c (scripts/deps.sh)" >&2; exit 2; }
done

NET_NS_PREFIX=elx$$
CMD_TIMEOUT=${CMD_TIMEOUT:-300}
. "$ROOT/tests/net/lib.sh"
TEST_NAME=exporter.sh
WORK=$TMPD
die() { echo "exporter.sh: $*" >&2; exit 2; }
log() { printf '== %s\n' "$*" >&2; }
want() { case $ONLY in *,$1,*) return 0 ;; esac; return 1; }

pair
must ip -n "$(nsn t)" route add local 198.19.0.0/16 dev lo
must ip -n "$(nsn p)" route add 198.19.0.0/16 via "$T4"
fast_icmp t
# smokeping_prober's `protocol: udp` is the ICMP datagram socket.
ns_sysctl p net.ipv4.ping_group_range="0 2147483647"
# Replies to 10,000 sockets' worth of probes: room in the queues.
ns_sysctl p net.core.rmem_max=8388608 net.core.rmem_default=1048576
nft_load t "table ip x {
	counter seen { }
	chain in {
		type filter hook input priority 0;
		icmp type echo-request counter name seen
	}
}"
seen() { nft_counter t ip x seen; }
FAILED=0
# The tree the binary was built from, as the run starts.
GIT=$(git -C "$ROOT" describe --always --dirty 2>/dev/null)
RES=$WORK/results
: >"$RES"

# config FILE N INTERVAL PROTOCOL [FIRST_HOST]
config() {
	local f=$1 n=$2 iv=$3 proto=$4 i
	{
		printf 'targets:\n- interval: %s\n  protocol: %s\n  hosts:\n' "$iv" "$proto"
		for ((i = 0; i < n; i++)); do
			printf '  - 198.19.%d.%d\n' $((i / 250)) $((i % 250 + 1))
		done
	} >"$f"
}

# start TOOL CONFIG: the tool in p on 127.0.0.1:9374; TPID its PID.
start() {
	local tool=$1 cfg=$2 i
	case $tool in
	echolot) bg_start p "$WORK/$tool.log" "$ECHOLOT" exporter --config.file="$cfg" \
		--web.listen-address=127.0.0.1:9374 ;;
	smokeping*) bg_start p "$WORK/$tool.log" "$SMOKEPING" --config.file="$cfg" \
		--web.listen-address=127.0.0.1:9374 --log.level=warn ;;
	esac
	TBG=$BG_PID
	TPID=
	for ((i = 0; i < 100; i++)); do
		TPID=$(pgrep -P "$TBG" | head -n1)
		[ -n "$TPID" ] && break
		sleep 0.1
	done
	[ -n "$TPID" ] || die "$tool did not start: $(cat "$WORK/$tool.log")"
}

stop() {
	kill -TERM "$TPID" 2>/dev/null
	wait "$TBG" 2>/dev/null
}

rss() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# --- 1. scale -------------------------------------------------------------------

for n in $TARGETS; do
	want scale || break
	for tool in echolot smokeping-icmp smokeping-udp; do
		proto=icmp
		[ $tool = smokeping-udp ] && proto=udp
		config "$WORK/scale.yml" "$n" 1s $proto
		log "1. scale: $tool, $n targets at 1/s, warm-up ${WARMUP}s, window ${WINDOW}s"
		start $tool "$WORK/scale.yml"
		# smokeping_prober starts its pingers interval / N apart.
		sleep "$WARMUP"
		c0=$($PY "$LIB" ticks "$TPID") s0=$(seen) w0=$(date +%s%N)
		sleep "$WINDOW"
		c1=$($PY "$LIB" ticks "$TPID") s1=$(seen) w1=$(date +%s%N)
		r=$(rss "$TPID" VmRSS) h=$(rss "$TPID" VmHWM)
		body=$(ip netns exec "$(nsn p)" curl -s --max-time 30 -o /dev/null \
			-w '%{size_download} %{time_total}' http://127.0.0.1:9374/metrics)
		stop
		probes=$((s1 - s0))
		if [ "$probes" -le 0 ] || [ -z "$r" ]; then
			log "   $tool: no measurement"
			FAILED=1
			continue
		fi
		us=$(awk -v c="$(awk -v a="$c0" -v b="$c1" 'BEGIN { print b - a }')" -v p="$probes" \
			'BEGIN { printf "%.2f", c * 1e6 / p }')
		rate=$(awk -v p="$probes" -v w="$((w1 - w0))" 'BEGIN { printf "%.0f", p * 1e9 / w }')
		log "   $tool: $probes probes ($rate/s), CPU $(awk -v a="$c0" -v b="$c1" 'BEGIN { print b - a }') s, $us us/probe, RSS $r kB (peak $h kB), scrape $body"
		echo "scale $n $tool probes_per_s $rate cpu_us_per_probe $us rss_kb $r hwm_kb $h scrape_bytes_s $body" >>"$RES"
	done
done

# --- 2. jitter ------------------------------------------------------------------

if want jitter; then
	for tool in echolot smokeping-icmp; do
		config "$WORK/jit.yml" 100 100ms icmp
		log "2. jitter: $tool, 100 targets every 100 ms, ${WINDOW}s captured"
		bg_start t "$WORK/cap-$tool.out" tcpdump -i vt -w "$WORK/jit-$tool.pcap" -U -nn \
			'icmp[icmptype] == 8'
		CAP=$BG_PID
		sleep 1
		start $tool "$WORK/jit.yml"
		sleep 3
		a=$(date +%s.%N)
		sleep "$WINDOW"
		b=$(date +%s.%N)
		stop
		bg_stop "$CAP"
		j=$(tcpdump -r "$WORK/jit-$tool.pcap" -tt -nn 2>/dev/null | $PY "$JIT" 100 "$a" "$b")
		log "   $tool: $j"
		echo "jitter $tool $j" >>"$RES"
	done
fi

# --- 3. rtt ---------------------------------------------------------------------

if want rtt; then
	for tool in echolot smokeping-icmp; do
		printf 'targets:\n- interval: 100ms\n  hosts: [%s]\n' "$T4" >"$WORK/rtt.yml"
		log "3. rtt: $tool, $T4 every 100 ms for ${WINDOW}s, captured on p"
		bg_start p "$WORK/rcap-$tool.out" tcpdump -i vp -w "$WORK/rtt-$tool.pcap" -U -nn \
			-j adapter_unsynced --time-stamp-precision=nano icmp
		CAP=$BG_PID
		sleep 1
		start $tool "$WORK/rtt.yml"
		sleep "$WINDOW"
		ip netns exec "$(nsn p)" curl -s --max-time 10 http://127.0.0.1:9374/metrics >"$WORK/rtt-$tool.txt"
		wall=$(date +%s%N)
		sleep 0.5
		stop
		bg_stop "$CAP"
		r=$($PY "$LIB" rtt "$WORK/rtt-$tool.pcap" "$P4" "$T4" "$WORK/rtt-$tool.txt" "$wall" "$T4")
		log "   $tool: $r"
		echo "rtt $tool $r" >>"$RES"
	done
fi

# --- report -----------------------------------------------------------------------

field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }
get() { grep -E "^$1 " "$RES" | grep -F " $2 " | field "$3" | head -n1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.3f", a / b }'; }
{
	echo "echolot exporter bench  $(date -u '+%Y-%m-%d %H:%M:%SZ')  (window ${WINDOW}s, warm-up ${WARMUP}s)"
	echo "host: $(uname -sr), $(nproc) CPU(s): $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "echolot: $ECHOLOT (git $GIT at the start)"
	echo "smokeping_prober: $($SMOKEPING --version 2>&1 | head -n1)"
	echo
	if want scale; then
		echo "1. scale: N targets at 1 probe/s each (CPU: utime+stime of the process over the window / probes t counted)"
		printf '   %-7s %-16s %10s %14s %10s %10s %22s\n' N tool "probes/s" "CPU us/probe" "RSS kB" "peak kB" "scrape bytes, s"
		for n in $TARGETS; do
			for tool in echolot smokeping-icmp smokeping-udp; do
				l=$(grep -E "^scale $n $tool " "$RES") || continue
				printf '   %-7s %-16s %10s %14s %10s %10s %22s\n' "$n" "$tool" \
					"$(echo "$l" | field probes_per_s)" "$(echo "$l" | field cpu_us_per_probe)" \
					"$(echo "$l" | field rss_kb)" "$(echo "$l" | field hwm_kb)" \
					"$(echo "$l" | awk '{ print $(NF - 1), $NF }')"
			done
			for ref in smokeping-icmp smokeping-udp; do
				printf '   %-7s echolot / %-14s CPU per probe %s, RSS %s  (goal <= 0.2 at 10000)\n' "$n" "$ref" \
					"$(ratio "$(get scale "$n echolot" cpu_us_per_probe)" "$(get scale "$n $ref" cpu_us_per_probe)")" \
					"$(ratio "$(get scale "$n echolot" rss_kb)" "$(get scale "$n $ref" rss_kb)")"
			done
		done
		echo
	fi
	if want jitter; then
		echo "2. jitter: 100 targets every 100 ms, |gap - 100 ms| between a target's sends, from t's capture"
		for tool in echolot smokeping-icmp; do
			printf '   %-16s %s\n' "$tool" "$(grep -E "^jitter $tool " "$RES" | cut -d' ' -f3-)"
		done
		echo
	fi
	if want rtt; then
		echo "3. rtt fidelity: one target a veth away every 100 ms; histogram mean vs capture mean (same probes)"
		for tool in echolot smokeping-icmp; do
			printf '   %-16s %s\n' "$tool" "$(grep -E "^rtt $tool " "$RES" | cut -d' ' -f3-)"
		done
	fi
} >"$WORK/report"
cat "$WORK/report"
[ "$ONLY" = ,scale,jitter,rtt, ] && cp "$WORK/report" "$BENCH/exporter-latest.txt"
exit $FAILED
