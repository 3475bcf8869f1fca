#!/bin/bash
# bench/os.sh: `echolot os` wall time and probes sent, on the namespace bed:
# a host 20 forwarding routers away (tests/net/lib.sh's `chain 20`).
#
#   1. a Linux target, IPv4 and IPv6, with the signals and --ttl-only;
#   2. the last router silent (its Time Exceeded dropped by nftables): the
#      hop search waits for one probe, twice;
#   3. the target emulated as macOS (tests/net/tools/stackemu.c), which
#      leaves the timestamp request unanswered: one wait for that.
# Wall time is the whole process (start-up, sockets, probes, output), run
# inside the prober's namespace, median and maximum of RUNS runs.
# Target (issue 3): well under a second.
# Env: OS (default build/echolot), RUNS (20).
set -u
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
export PING=${PING:-$ROOT/build/ping}
. "$ROOT/tests/net/lib.sh"
need_root
OS=${OS:-$ROOT/build/echolot}
RUNS=${RUNS:-20}
[ -x "$OS" ] || die "no $OS (run make)"
CMD_TIMEOUT=120

chain 20
EMU=$TMPD/stackemu
cc -O2 -o "$EMU" "$ROOT/tests/net/tools/stackemu.c" || die "stackemu"

# measure LABEL ARGS...: RUNS runs of echolot os inside p; one table line.
measure() {
	local label=$1
	shift
	# Timed inside the namespace, so that `ip netns exec` is not counted.
	in_ns p bash -c '
		os=$1; runs=$2; shift 2
		for ((i = 0; i < runs; i++)); do
			s=${EPOCHREALTIME/./}
			"$os" os "$@" >"'"$TMPD"'/out" 2>&1
			e=${EPOCHREALTIME/./}
			echo $((e - s))
		done' _ "$OS" "$RUNS" "$@" >"$TMPD/times"
	local probes verdict
	probes=$(sed -nE 's/^  probes: +([0-9]+) sent.*/\1/p' "$TMPD/out")
	verdict=$(head -n 1 "$TMPD/out" | cut -c 1-60)
	sort -n "$TMPD/times" | awk -v l="$label" -v p="$probes" -v v="$verdict" '
		{ t[NR] = $1 }
		END { printf "%-34s %6s %9.2f ms %9.2f ms  %s\n", l, p,
		      t[int((NR + 1) / 2)] / 1000, t[NR] / 1000, v }'
}

printf '%-34s %6s %12s %12s  %s\n' "case (20 routers away)" "probes" "median" "max" "verdict"
measure "v4, signals" -4 -n "$T4"
measure "v4, --ttl-only" -4 -n --ttl-only "$T4"
measure "v6, signals" -6 -n "$T6"
measure "v6, --ttl-only" -6 -n --ttl-only "$T6"

nft_load r20 'table inet quiet {
	chain out {
		type filter hook output priority 0;
		icmp type time-exceeded drop
		icmpv6 type time-exceeded drop
	}
}'
measure "v4, last router silent" -4 -n "$T4"
measure "v6, last router silent" -6 -n "$T6"
in_ns r20 nft delete table inet quiet

ns_sysctl t net.ipv4.icmp_echo_ignore_all=1
nft_load t 'table inet emu {
	chain out {
		type filter hook output priority 0;
		icmp type timestamp-reply meta mark != 0x5e drop
		icmp type destination-unreachable meta mark != 0x5e drop
	}
}'
bg_start t "$TMPD/emu" "$EMU" -4 -p macos -t 100
sleep 0.3
measure "v4, macOS emulated (no timestamps)" -4 -n "$T4"
kill "$BG_PID" 2>/dev/null
echo "($RUNS runs each; wall time of the whole process)"
