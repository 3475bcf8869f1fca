#!/bin/bash
# bench/run.sh: echolot's ping against Debian's iputils ping, in one run.
#
#   bench/run.sh [--quick] [--only startup,flood,rtt,mem] [--keep DIR]
#
#   --quick   fewer repetitions (flood count 20000), well under a minute
#   --only    run only these parts (comma-separated)
#   --keep    copy the raw results (JSON, pcaps, ping output) to DIR
#
#   ECHOLOT   pinger under test   (default: build/ping of this tree)
#   IPUTILS   reference pinger    (default: /usr/bin/ping)
#   HYPERFINE hyperfine binary; empty: time start-up with benchlib's loop
#   TCPDUMP_OPTS  extra tcpdump options for the RTT captures
#
# Target 3 is reported twice: [A] both packets as captured on the prober's
# veth (as specified) and [B] the request on arrival at the target's veth.
# [A] charges the capture's own AF_PACKET tap (which runs between the
# capture timestamp and the veth driver, where a kernel TX timestamp is
# taken) to the pinger; see the comment at part 3.
#
# Targets (echolot vs iputils):
#   1. start-up + one probe, `ping -c 1 -n PEER` wall time:   ratio <= 0.85
#   2. flood, `ping -q -f -c N -n PEER` packets per second:    ratio >= 1.2
#   3. RTT fidelity, |printed time= - capture RTT| median:    <= 1.0 us and < iputils
#   4. peak RSS of `-c 3 -i 0.2` and of the flood run:        echolot <= iputils
#
# Network safety: everything runs between two network namespaces created here
# (prober p and target t, one veth pair, 198.18.0.0/24 and 2001:2::/64, static
# neighbours, no default route); the pingers run inside p via `ip netns exec`;
# every command has a timeout; the EXIT/INT/TERM trap removes the namespaces
# and kills only the processes started here, by PID.
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
	RTT_COUNT=200
	MEM_REPS=1
else
	STARTUP_RUNS=1000 STARTUP_WARMUP=30
	FLOOD_COUNT=100000 FLOOD_REPS=5
	RTT_COUNT=200
	MEM_REPS=3
fi

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

NS_P=elb$$-p
NS_T=elb$$-t
P4=198.18.0.1 T4=198.18.0.2
P6=2001:2::1 T6=2001:2::2
WORK=$(mktemp -d /tmp/echolot-bench.XXXXXX) || exit 2
chmod 755 "$WORK"
NS_MADE=()
PIDS=()

# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
	local rc=$? pid ns
	trap - EXIT INT TERM
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	for ns in "${NS_MADE[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "$KEEP" ]; then
		mkdir -p "$KEEP" && cp -r "$WORK"/. "$KEEP"/
	fi
	rm -rf -- "$WORK"
	exit "$rc"
}
trap cleanup EXIT
trap 'echo "run.sh: interrupted" >&2; exit 130' INT
trap 'echo "run.sh: terminated" >&2; exit 143' TERM

die() { echo "run.sh: $*" >&2; exit 2; }
must() { "$@" || die "failed: $*"; }
in_p() { timeout -k 5 "${TMO:-60}" ip netns exec "$NS_P" "$@"; }
log() { printf '== %s\n' "$*" >&2; }

# --- the two namespaces -----------------------------------------------------------

log "namespaces $NS_P <-> $NS_T"
must ip netns add "$NS_P"; NS_MADE+=("$NS_P")
must ip netns add "$NS_T"; NS_MADE+=("$NS_T")
must ip link add vp netns "$NS_P" type veth peer name vt netns "$NS_T"
for ns in "$NS_P" "$NS_T"; do
	must ip -n "$ns" link set lo up
	# No stray router solicitations / DAD traffic in the captures.
	must ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0
done
must ip -n "$NS_P" link set vp up
must ip -n "$NS_T" link set vt up
must ip -n "$NS_P" addr add "$P4/24" dev vp
must ip -n "$NS_T" addr add "$T4/24" dev vt
must ip -n "$NS_P" -6 addr add "$P6/64" dev vp nodad
must ip -n "$NS_T" -6 addr add "$T6/64" dev vt nodad
# Static neighbours: no ARP / ND inside any timed run.
MAC_P=$(ip -n "$NS_P" -br link show vp | awk '{print $3}')
MAC_T=$(ip -n "$NS_T" -br link show vt | awk '{print $3}')
must ip -n "$NS_P" neigh replace "$T4" lladdr "$MAC_T" dev vp nud permanent
must ip -n "$NS_P" neigh replace "$T6" lladdr "$MAC_T" dev vp nud permanent
must ip -n "$NS_T" neigh replace "$P4" lladdr "$MAC_P" dev vt nud permanent
must ip -n "$NS_T" neigh replace "$P6" lladdr "$MAC_P" dev vt nud permanent
# Safety: neither namespace has a default route.
if ip -n "$NS_P" route show default | grep -q . || ip -n "$NS_P" -6 route show default | grep -q .; then
	die "prober namespace has a default route"
fi

# Sanity: both pingers reach the peer over v4 and v6.
for p in "$ECHOLOT" "$IPUTILS"; do
	for t in "$T4" "$T6"; do
		TMO=10 in_p "$p" -c 1 -W 2 -n "$t" >/dev/null 2>&1 || die "$p cannot reach $t in $NS_P"
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
			TMO=120 in_p env LC_ALL="$STARTUP_LC" "$HYPERFINE" "${HF_OPTS[@]}" --warmup "$STARTUP_WARMUP" --runs "$half" \
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
		TMO=150 in_p "$PY" "$LIB" startup "$WORK/startup-$fam.json" "$STARTUP_RUNS" "$STARTUP_WARMUP" \
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
		TMO=90 in_p "$PY" "$LIB" run "$WORK/flood-$tool-$r.json" 60 -- \
			"$p" -q -f -c "$FLOOD_COUNT" -n "$T4" || FAILED=1
	done
done

}

# --- 3. RTT fidelity ----------------------------------------------------------------

want rtt && {
log "3. RTT fidelity: -c $RTT_COUNT -i 0.01 under tcpdump (nanosecond timestamps)"
# Two captures: [A] on the prober's veth (request and reply), as specified;
# [B] also on the target's veth, for the request's arrival there.  The
# prober-side capture timestamps an outgoing packet in dev_queue_xmit_nit()
# *before* its own AF_PACKET tap runs, and the veth driver (where a kernel
# TX timestamp is taken) only after it: [A] charges that tap's cost to the
# pinger.  The target's receive timestamp is taken when the prober's veth
# hands the request over, after every prober-side tap.
for tool in echolot iputils; do
	if [ "$tool" = echolot ]; then p=$ECHOLOT; else p=$IPUTILS; fi
	td=()
	for side in p t; do
		if [ $side = p ]; then ns=$NS_P dev=vp; else ns=$NS_T dev=vt; fi
		# shellcheck disable=SC2086  # TCPDUMP_OPTS: extra words on purpose
		timeout -k 5 -s INT 60 ip netns exec "$ns" \
			tcpdump -i "$dev" -nn -U --immediate-mode -Z root -s 200 -B 8192 \
			--time-stamp-precision=nano ${TCPDUMP_OPTS:-} \
			-w "$WORK/rtt-$tool-$side.pcap" icmp >"$WORK/tcpdump-$tool-$side.log" 2>&1 &
		PIDS+=("$!")
		td+=("$!")
	done
	for side in p t; do
		for _ in $(seq 1 100); do
			grep -q "listening on" "$WORK/tcpdump-$tool-$side.log" && break
			sleep 0.05
		done
		grep -q "listening on" "$WORK/tcpdump-$tool-$side.log" ||
			{ cat "$WORK/tcpdump-$tool-$side.log" >&2; die "tcpdump did not start"; }
	done
	TMO=30 in_p "$p" -c "$RTT_COUNT" -i 0.01 -n "$T4" >"$WORK/rtt-$tool.stdout" 2>"$WORK/rtt-$tool.stderr" || FAILED=1
	sleep 0.2
	kill -INT "${td[@]}" 2>/dev/null
	wait "${td[@]}" 2>/dev/null
	"$PY" "$LIB" rtt "$WORK/rtt-$tool.json" "$WORK/rtt-$tool-p.pcap" "$WORK/rtt-$tool.stdout" \
		"$P4" "$T4" "$WORK/rtt-$tool-t.pcap" || FAILED=1
	for side in p t; do
		grep -h "packets \(captured\|received by filter\|dropped by kernel\)" "$WORK/tcpdump-$tool-$side.log" |
			tr '\n' ' ' | sed "s/^/   tcpdump ($tool, $side): /; s/ \$/\n/" >&2
	done
done
}

# --- 4. memory ------------------------------------------------------------------------

want mem && {
log "4. memory: -c 3 -i 0.2, $MEM_REPS run(s) each (the flood runs give the flood figure)"
for r in $(seq 1 "$MEM_REPS"); do
	for tool in echolot iputils; do
		if [ "$tool" = echolot ]; then p=$ECHOLOT; else p=$IPUTILS; fi
		TMO=30 in_p "$PY" "$LIB" run "$WORK/mem-$tool-$r.json" 20 -- \
			"$p" -c 3 -i 0.2 -n "$T4" || FAILED=1
	done
done

}

# --- report ----------------------------------------------------------------------------

cat >"$WORK/meta.json" <<EOF
{"flood_count": $FLOOD_COUNT, "rtt_count": $RTT_COUNT}
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
	echo "rtt: PING -c $RTT_COUNT -i 0.01 -n $T4 while tcpdump -U --immediate-mode --time-stamp-precision=nano -w on vp (prober) and vt (target)"
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
