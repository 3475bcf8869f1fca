#!/bin/bash
# bench/mtr.sh: `echolot mtr` against Debian's mtr 0.95 (mtr-tiny) in the
# same run, both on their live screen in a pseudo-terminal (bench/mtr_pty.py,
# 160 x 60), over a chain of 30 routers and a target:
#  - CPU per round and peak RSS: each runs DURATION seconds (default 60) at
#    -i 0.1 -n -m 32; CPU is user + system of the whole process tree from
#    /proc (mtr: the curses process and mtr-packet; echolot: one process),
#    read just before q; rounds = DURATION / 0.1 for both;
#  - the time to the first complete screen: from the start until every hop
#    line 1..31 shows an address (read back with pyte), at mtr's default
#    interval (-i 1, -n), 3 runs each, alternating, median.
# Goal (issue 15): echolot's CPU <= 0.5 x mtr's.
#
#   bench/mtr.sh            DURATION=60 FIRST_RUNS=3
#
# The result goes to stdout and to bench/mtr-latest.txt.  Namespaces: those
# of tests/net/lib.sh's tchain (198.18.0.0/15, no route out), removed by its
# EXIT trap with every process this script started.
set -u
export LC_ALL=C
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "mtr.sh: needs root (network namespaces)" >&2; exit 2; }
DURATION=${DURATION:-60}
FIRST_RUNS=${FIRST_RUNS:-3}
ECHOLOT=${ECHOLOT:-$ROOT/build/mtr}
MTR=${MTR:-/usr/bin/mtr}
PY=/usr/bin/python3
[ -x "$ECHOLOT" ] && [ -x "$MTR" ] || { echo "mtr.sh: need $ECHOLOT and $MTR" >&2; exit 2; }
NET_NS_PREFIX=embn$$
# shellcheck source=../tests/net/lib.sh
. "$ROOT/tests/net/lib.sh"
CMD_TIMEOUT=$((DURATION + 60))

tchain c 30
dst=198.18.31.2
pty() { in_ns c-p $PY "$BENCH/mtr_pty.py" "$@"; }
field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }

log "CPU: $DURATION s each at -i 0.1 over 30 routers"
e_cpu=$(pty cpu "$DURATION" -- "$ECHOLOT" -n -i 0.1 -m 32 "$dst")
m_cpu=$(pty cpu "$DURATION" -- "$MTR" -t -n -i 0.1 -m 32 "$dst")
log "echolot: $e_cpu; mtr: $m_cpu"

e_first=() m_first=()
for ((i = 0; i < FIRST_RUNS; i++)); do
	e_first+=("$(pty first 31 20 -- "$ECHOLOT" -n -m 32 "$dst" | field first_s)")
	m_first+=("$(pty first 31 20 -- "$MTR" -t -n -m 32 "$dst" | field first_s)")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

rounds=$(awk -v d="$DURATION" 'BEGIN { print d / 0.1 }')
{
	echo "echolot mtr benchmark  $(date -u '+%Y-%m-%d %H:%M:%SZ')  (git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo ?))"
	echo "host: $(uname -sr) $(uname -m), $(nproc) CPU(s)"
	echo "echolot: $ECHOLOT; mtr: $MTR ($("$MTR" -v))"
	echo "chain: 30 routers + target (tests/net/lib.sh tchain), live screens in a 160x60 pty"
	echo "cpu: $DURATION s at -i 0.1 -n -m 32 each, user+sys of the process tree; first: -i 1 -n -m 32, $FIRST_RUNS runs each"
	echo
	printf '%-46s %12s %12s %8s  %s\n' metric echolot mtr e/m unit
	printf -- '-%.0s' {1..90}; echo
	ec=$(echo "$e_cpu" | field cpu_s) mc=$(echo "$m_cpu" | field cpu_s)
	er=$(echo "$e_cpu" | field rss_kib) mr=$(echo "$m_cpu" | field rss_kib)
	awk -v e="$ec" -v m="$mc" -v r="$rounds" 'BEGIN {
		printf "%-46s %12.2f %12.2f %8.3f  %s\n", "CPU, whole run", e, m, m ? e / m : 0, "s"
		printf "%-46s %12.1f %12.1f %8.3f  %s\n", "CPU per round (30 hops)", 1e6 * e / r, 1e6 * m / r, m ? e / m : 0, "us" }'
	awk -v e="$er" -v m="$mr" 'BEGIN {
		printf "%-46s %12d %12d %8.3f  %s\n", "peak RSS (sum of the process tree)", e, m, m ? e / m : 0, "KiB" }'
	ef=$(median "${e_first[@]}") mf=$(median "${m_first[@]}")
	awk -v e="$ef" -v m="$mf" -v ea="${e_first[*]}" -v ma="${m_first[*]}" 'BEGIN {
		printf "%-46s %12s %12s %8.3f  %s\n", "first complete screen, median", e, m, (m + 0) ? e / m : 0, "s"
		printf "%-46s %12s %12s\n", "  runs", ea, ma }'
} | tee "$BENCH/mtr-latest.txt"
