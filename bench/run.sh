#!/bin/bash
# bench/run.sh: echolot's ping against Debian's iputils ping, in one run.
#
#   bench/run.sh [--quick] [--only startup,flood,rtt,mem] [--keep DIR]
#
#   --quick   fewer repetitions (flood count 20000, RTT counts 100 100 20),
#             about a minute
#   --only    run only these parts (comma-separated)
#   --keep    copy the raw results (JSON, pcaps, ping output) to DIR
#
#   ECHOLOT   pinger under test   (default: build/ping of this tree)
#   IPUTILS   reference pinger    (default: /usr/bin/ping)
#   HYPERFINE hyperfine binary; empty: time start-up with benchlib's loop
#   TCPDUMP_OPTS  extra tcpdump options for the RTT captures
#   RTT_INTERVALS ping -i values of the RTT part (default "0.002 0.01 0.2")
#   RTT_COUNTS    ping -c for each of them, in order; the last one serves for
#                 the rest (default "200 200 50", --quick "100 100 20")
#
# Target 3 is measured at each of RTT_INTERVALS (the result depends on the
# send rate: see the comment at part 3) and reported twice for each: [A]
# both packets as captured on the prober's veth (as specified) and [B] the
# request on arrival at the target's veth.  [A] charges the capture's own
# AF_PACKET tap (which runs between the capture timestamp and the veth
# driver, where a kernel TX timestamp is taken) to the pinger.
#
# Targets (echolot vs iputils):
#   1. start-up + one probe, `ping -c 1 -n PEER` wall time:   ratio <= 0.85
#   2. flood, `ping -q -f -c N -n PEER` packets per second:    ratio >= 1.2
#   3. RTT fidelity, |printed time= - capture RTT| median:    <= 1.0 us and < iputils
#   4. peak RSS of `-c 3 -i 0.2` and of the flood run:        echolot <= iputils
#
# Network safety: everything runs between two network namespaces created here
# with tests/net/lib.sh (prober p and target t, one veth pair, 198.18.0.0/24
# and 2001:2::/64, static neighbours, no default route); the pingers run
# inside p via `ip netns exec`; every command has a timeout; lib.sh's
# EXIT/INT/TERM trap removes the namespaces and kills only the processes
# started here, by PID.
#
# The table and verdicts go to stdout and, unless --only, to
# bench/results-latest.txt (the log of the steps goes to stderr).
# Exit status: 0 when everything was measured (whatever the verdicts), 1 when
# a measurement failed, 2 on a usage or environment error.

set -u
# Start-up is timed in a user's usual locale (iputils calls setlocale(),
# which in a UTF-8 locale maps the locale archive); STARTUP_LC=C times it
# in the C locale instead.  Everything else runs in C for parseable output.
STARTUP_LC=${STARTUP_LC:-C.UTF-8}
export LC_ALL=C

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
PY=/usr/bin/python3
LIB=$BENCH/benchlib.py

QUICK=0
KEEP=
ONLY=,startup,flood,rtt,mem,
while [ $# -gt 0 ]; do
	case $1 in
	--quick) QUICK=1 ;;
	--keep) KEEP=${2:?--keep needs a directory}; shift ;;
	--only) ONLY=,${2:?--only needs a list},; shift ;;
	-h | --help) sed -n "2,/^$/p" "$0" | sed "/^$/d" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown argument: $1" >&2; exit 2 ;;
	esac
	shift
done

# Absolute path, but keep the last component: echolot dispatches on argv[0].
abspath() {
	local d
	d=$(cd "$(dirname "$1")" 2>/dev/null && pwd) || return 1
	printf '%s/%s\n' "$d" "$(basename "$1")"
}
ECHOLOT=${ECHOLOT:-$ROOT/build/ping}
IPUTILS=${IPUTILS:-/usr/bin/ping}
ECHOLOT=$(abspath "$ECHOLOT") || { echo "run.sh: no such pinger: ${ECHOLOT}" >&2; exit 2; }
IPUTILS=$(abspath "$IPUTILS") || { echo "run.sh: no such pinger: ${IPUTILS}" >&2; exit 2; }

if [ "$QUICK" = 1 ]; then
	STARTUP_RUNS=100 STARTUP_WARMUP=10
	FLOOD_COUNT=20000 FLOOD_REPS=1
	RTT_COUNTS=${RTT_COUNTS:-100 100 20}
	MEM_REPS=1
else
	STARTUP_RUNS=1000 STARTUP_WARMUP=30
	FLOOD_COUNT=100000 FLOOD_REPS=5
	RTT_COUNTS=${RTT_COUNTS:-200 200 50}
	MEM_REPS=3
fi
RTT_INTERVALS=${RTT_INTERVALS:-0.002 0.01 0.2}
read -ra RTT_I <<<"$RTT_INTERVALS"
read -ra RTT_C <<<"$RTT_COUNTS"
if [ ${#RTT_I[@]} = 0 ] || [ ${#RTT_C[@]} = 0 ]; then
	echo "run.sh: empty RTT_INTERVALS or RTT_COUNTS" >&2
	exit 2
fi
for k in "${!RTT_I[@]}"; do
	[ "$k" -lt ${#RTT_C[@]} ] || RTT_C[k]=${RTT_C[${#RTT_C[@]} - 1]}
	[[ ${RTT_I[k]} =~ ^[0-9]*\.?[0-9]+$ && ${RTT_C[k]} =~ ^[1-9][0-9]*$ ]] ||
		{ echo "run.sh: bad RTT interval/count: ${RTT_I[k]} / ${RTT_C[k]}" >&2; exit 2; }
done
# rtt_runs: "-i 0.002 -c 200, -i 0.01 -c 200, ..." (log and report header)
rtt_runs() {
	local k sep=
	for k in "${!RTT_I[@]}"; do
		printf '%s-i %s -c %s' "$sep" "${RTT_I[k]}" "${RTT_C[k]}"
		sep=", "
	done
}

# --- environment ------------------------------------------------------------

[ "$(id -u)" = 0 ] || { echo "run.sh: needs root (network namespaces, raw sockets)" >&2; exit 2; }
for c in ip tcpdump timeout "$PY" /usr/bin/time; do
	command -v "$c" >/dev/null || {
		echo "run.sh: missing $c (apt-get install -y iproute2 tcpdump coreutils python3 time)" >&2
		exit 2
	}
done
for p in "$ECHOLOT" "$IPUTILS"; do
	[ -x "$p" ] || { echo "run.sh: not executable: $p (run make?)" >&2; exit 2; }
done
HYPERFINE=${HYPERFINE-$(command -v hyperfine || true)}   # HYPERFINE= : use the python loop

# The namespaces, their cleanup and WORK (lib.sh's TMPD) come from the
# network tests' lib.sh, as in trace.sh and os.sh.
NET_NS_PREFIX=elb$$
CMD_TIMEOUT=${CMD_TIMEOUT:-60}   # bound of any one command in a namespace
. "$ROOT/tests/net/lib.sh"
TEST_NAME=run.sh                 # in lib.sh's "interrupted"/"terminated"
WORK=$TMPD
# lib.sh's cleanup removes WORK: --keep copies it first.
# shellcheck disable=SC2317  # invoked by the trap
keep_cleanup() {
	local rc=$?
	if [ -n "$KEEP" ]; then
		mkdir -p "$KEEP" && cp -r "$WORK"/. "$KEEP"/
	fi
	(exit "$rc")
	cleanup
}
trap keep_cleanup EXIT

# Exit 2 on a setup error (lib.sh's die exits 1, as for a failed test).
die() { echo "run.sh: $*" >&2; exit 2; }
log() { printf '== %s\n' "$*" >&2; }


# --- the two namespaces -----------------------------------------------------------

# lib.sh's pair: p and t on one veth, static neighbours, no default route;
# ns_add turns off router advertisements and DAD (no stray traffic in the
# captures) and ICMP rate limits.
pair
NS_P=$(nsn p) NS_T=$(nsn t)
log "namespaces $NS_P <-> $NS_T"

# Sanity: both pingers reach the peer over v4 and v6.
for p in "$ECHOLOT" "$IPUTILS"; do
	for t in "$T4" "$T6"; do
		CMD_TIMEOUT=10 in_ns p "$p" -c 1 -W 2 -n "$t" >/dev/null 2>&1 || die "$p cannot reach $t in $NS_P"
	done
done

FAILED=0
HF_OPTS=(-N --style none)

# --- 1. start-up + one probe ------------------------------------------------------

want() { case $ONLY in *,$1,*) return 0 ;; esac; return 1; }

for fam in v4 v6; do
	want startup || break
	if [ $fam = v4 ]; then peer=$T4; else peer=$T6; fi
	log "1. start-up + one probe ($fam): $STARTUP_RUNS runs each"
	if [ -n "$HYPERFINE" ]; then
		# Two rounds in opposite order, half the runs each, pooled: the order
		# hyperfine runs the commands in must not favour either pinger.
		half=$(( (STARTUP_RUNS + 1) / 2 ))
		ok=1
		for round in 1 2; do
			if [ $round = 1 ]; then
				a=("echolot" "$ECHOLOT -c 1 -n $peer") b=("iputils" "$IPUTILS -c 1 -n $peer")
			else
				a=("iputils" "$IPUTILS -c 1 -n $peer") b=("echolot" "$ECHOLOT -c 1 -n $peer")
			fi
			CMD_TIMEOUT=120 in_ns p env LC_ALL="$STARTUP_LC" "$HYPERFINE" "${HF_OPTS[@]}" --warmup "$STARTUP_WARMUP" --runs "$half" \
				--export-json "$WORK/hf-$fam-$round.json" \
				-n "${a[0]}" "${a[1]}" -n "${b[0]}" "${b[1]}" \
				>"$WORK/hf-$fam-$round.log" 2>&1 || { ok=0; cat "$WORK/hf-$fam-$round.log" >&2; }
		done
		if [ $ok = 1 ]; then
			for tool in echolot iputils; do
				"$PY" "$LIB" hyperfine "$WORK/startup-$fam-$tool.json" "$tool" \
					"$WORK/hf-$fam-1.json" "$WORK/hf-$fam-2.json" || FAILED=1
			done
		else
			FAILED=1
		fi
	else
		CMD_TIMEOUT=150 in_ns p "$PY" "$LIB" startup "$WORK/startup-$fam.json" "$STARTUP_RUNS" "$STARTUP_WARMUP" \
			"echolot=$ECHOLOT -c 1 -n $peer" "iputils=$IPUTILS -c 1 -n $peer" || FAILED=1
		"$PY" - "$WORK" "$fam" <<-'EOF' || FAILED=1
			import json, sys
			d, fam = sys.argv[1], sys.argv[2]
			t = json.load(open("%s/startup-%s.json" % (d, fam)))["times"]
			c = json.load(open("%s/startup-%s.json" % (d, fam)))["cpu"]
			for k, v in t.items():
			    json.dump({"times": v, "user_mean_s": sum(c[k]) / len(c[k]), "sys_mean_s": 0.0},
			              open("%s/startup-%s-%s.json" % (d, fam, k), "w"))
		EOF
	fi
done

# --- 2. flood -------------------------------------------------------------------------

want flood && {
log "2. flood: -q -f -c $FLOOD_COUNT, $FLOOD_REPS run(s) each, alternating"
for r in $(seq 1 "$FLOOD_REPS"); do
	if [ $((r % 2)) = 1 ]; then order="echolot iputils"; else order="iputils echolot"; fi
	for tool in $order; do
		if [ "$tool" = echolot ]; then p=$ECHOLOT; else p=$IPUTILS; fi
		CMD_TIMEOUT=90 in_ns p "$PY" "$LIB" run "$WORK/flood-$tool-$r.json" 60 -- \
			"$p" -q -f -c "$FLOOD_COUNT" -n "$T4" || FAILED=1
	done
done

}

# --- 3. RTT fidelity ----------------------------------------------------------------

want rtt && {
log "3. RTT fidelity: $(rtt_runs) under tcpdump (nanosecond timestamps)"
# Two captures: [A] on the prober's veth (request and reply), as specified;
# [B] also on the target's veth, for the request's arrival there.  The
# prober-side capture timestamps an outgoing packet in dev_queue_xmit_nit()
# *before* its own AF_PACKET tap runs, and the veth driver (where a kernel
# TX timestamp is taken) only after it: [A] charges that tap's cost to the
# pinger.  The target's receive timestamp is taken when the prober's veth
# hands the request over, after every prober-side tap.
#
# Several send rates, each for both pingers: the result depends on the rate.
# When the CPU idles between probes (on this VM it does at -i 0.01 and more
# so at -i 0.2), each probe meets cold caches and a waking CPU, and the
# kernel path between the TX_SCHED stamp (echolot's send time) and the
# capture tap, like the one from a user-space clock read (iputils) to it,
# gets slower: at -i 0.002 echolot's [A] error was ~0.55 us against ~2.25 us
# for iputils, at -i 0.01 ~3.3 us against ~27.7 us.  The issue's "iputils
# about 3 us" matches the busy regime (-i 0.002).
# Files per interval I: rtt-TOOL-iI{.json,.stdout,.stderr,-p.pcap,-t.pcap,-p.log,-t.log}.
for k in "${!RTT_I[@]}"; do
	ivl=${RTT_I[k]} cnt=${RTT_C[k]}
	# Bounds: the ping's own duration, plus slack.
	dur=$(awk -v c="$cnt" -v i="$ivl" 'BEGIN { printf "%d", c * i + 0.999 }')
	for tool in echolot iputils; do
		if [ "$tool" = echolot ]; then p=$ECHOLOT; else p=$IPUTILS; fi
		f=$WORK/rtt-$tool-i$ivl
		td=()
		for side in p t; do
			if [ $side = p ]; then dev=vp; else dev=vt; fi
			# shellcheck disable=SC2086  # TCPDUMP_OPTS: extra words on purpose
			CMD_TIMEOUT=$((dur + 40)) bg_start $side "$f-$side.log" \
				tcpdump -i "$dev" -nn -U --immediate-mode -Z root -s 200 -B 8192 \
				--time-stamp-precision=nano ${TCPDUMP_OPTS:-} -w "$f-$side.pcap" icmp
			td+=("$BG_PID")
		done
		for side in p t; do
			for _ in $(seq 1 100); do
				grep -q "listening on" "$f-$side.log" 2>/dev/null && break  # not opened yet: retry
				sleep 0.05
			done
			grep -q "listening on" "$f-$side.log" ||
				{ cat "$f-$side.log" >&2; die "tcpdump did not start"; }
		done
		CMD_TIMEOUT=$((dur + 20)) in_ns p "$p" -c "$cnt" -i "$ivl" -n "$T4" >"$f.stdout" 2>"$f.stderr" || FAILED=1
		sleep 0.2
		kill -INT "${td[@]}" 2>/dev/null
		wait "${td[@]}" 2>/dev/null
		"$PY" "$LIB" rtt "$f.json" "$f-p.pcap" "$f.stdout" "$P4" "$T4" "$f-t.pcap" || FAILED=1
		for side in p t; do
			grep -h "packets \(captured\|received by filter\|dropped by kernel\)" "$f-$side.log" |
				tr '\n' ' ' | sed "s/^/   tcpdump ($tool, -i $ivl, $side): /; s/ \$/\n/" >&2
		done
	done
done
}

# --- 4. memory ------------------------------------------------------------------------

want mem && {
log "4. memory: -c 3 -i 0.2, $MEM_REPS run(s) each (the flood runs give the flood figure)"
for r in $(seq 1 "$MEM_REPS"); do
	for tool in echolot iputils; do
		if [ "$tool" = echolot ]; then p=$ECHOLOT; else p=$IPUTILS; fi
		CMD_TIMEOUT=30 in_ns p "$PY" "$LIB" run "$WORK/mem-$tool-$r.json" 20 -- \
			"$p" -c 3 -i 0.2 -n "$T4" || FAILED=1
	done
done

}

# --- report ----------------------------------------------------------------------------

# rtt: the intervals (as in the file names) with their counts, in order.
rtt_meta=
for k in "${!RTT_I[@]}"; do
	rtt_meta+="${rtt_meta:+, }{\"interval\": \"${RTT_I[k]}\", \"count\": ${RTT_C[k]}}"
done
cat >"$WORK/meta.json" <<EOF
{"flood_count": $FLOOD_COUNT, "rtt": [$rtt_meta]}
EOF

rev=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)
ipv=$("$IPUTILS" -V 2>/dev/null | head -n1)
{
	echo "echolot benchmark  $(date -u '+%Y-%m-%d %H:%M:%SZ')  $([ $QUICK = 1 ] && echo quick || echo full)"
	echo "host: $(uname -srm), $(nproc) CPU(s): $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
	echo "echolot: $ECHOLOT (git $rev)"
	echo "iputils: $IPUTILS ($ipv)"
	echo "link: veth $NS_P/vp $P4 $P6 <-> $NS_T/vt $T4 $T6, static neighbours"
	if [ -n "$HYPERFINE" ]; then
		echo "start-up: hyperfine -N --warmup $STARTUP_WARMUP --runs $(( (STARTUP_RUNS + 1) / 2 )), 2 rounds in opposite order, pooled: PING -c 1 -n PEER, LC_ALL=$STARTUP_LC"
	else
		echo "start-up: python loop, interleaved, $STARTUP_RUNS runs after $STARTUP_WARMUP warm-up: PING -c 1 -n PEER"
	fi
	echo "flood: PING -q -f -c $FLOOD_COUNT -n $T4, $FLOOD_REPS run(s) each alternating; wall by monotonic clock, CPU by wait4, RSS by /usr/bin/time -f %M"
	echo "rtt: PING -c N -i I -n $T4 for each of $(rtt_runs) (both pingers in turn at each)"
	echo "     while tcpdump -U --immediate-mode --time-stamp-precision=nano -w on vp (prober) and vt (target); several rates"
	echo "     because a CPU idle between probes slows the kernel path from the send stamp to the capture tap"
	echo "     [A] request and reply on the prober's veth (as specified); [B] request on arrival at the target's veth, reply on the prober's"
	echo "memory: PING -c 3 -i 0.2 -n $T4 under /usr/bin/time -f %M, $MEM_REPS run(s)"
	echo
	"$PY" "$LIB" report "$WORK"
} >"$WORK/report.txt"
cat "$WORK/report.txt"
# A partial run (--only) does not replace the full results.
if [ "$ONLY" = ",startup,flood,rtt,mem," ]; then
	cp "$WORK/report.txt" "$BENCH/results-latest.txt"
fi

exit $FAILED
