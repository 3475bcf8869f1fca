#!/bin/bash
# t_mtr_long: a long `echolot mtr` run over 30 routers: the counts it
# reports equal what the routers counted, and its memory stays flat.
#
#   MTR_ROUNDS  rounds (default 600 at -i 0.01, some 10 s; 300 under
#               ASan); bench/mtr_soak.sh runs 10,000
#
# Chain of 30 routers and a target (tests/net/lib.sh tchain).  Each router
# k counts in nftables the probes from us that reach it with TTL 1 (the
# ones it must answer) and the time exceeded it sends us; the target
# counts our echo requests and its replies.  Then, for every hop:
#   Snt (mtr's S) == the probes that reached it at TTL 1 == the rounds,
#   Rcv (mtr's R) == the answers it sent (nothing is lost in between).
# Memory: the run's VmRSS, read from /proc every 0.2 s, grows by no more
# than 256 KiB from a fifth of the run to its end (the per-hop state is
# fixed; a histogram's pages are touched as new RTTs come).
# Every namespace here is created by this test; nothing leaves them.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd nft
MTR=${MTR:-$(dirname "$PING")/mtr}
[ -x "$MTR" ] || die "no $MTR (make builds it)"
N=${MTR_ROUNDS:-600}
case $MTR in *build-asan*) N=${MTR_ROUNDS:-300} ;; esac
HOPS=30
dst=198.18.$((HOPS + 1)).2

tchain c $HOPS
for ((k = 1; k <= HOPS + 1; k++)); do
	if [ $k -le $HOPS ]; then n=c-r$k; else n=c-t; fi
	nft_load $n '
table inet cnt {
	counter at1 { }
	counter sent { }
	chain pre {
		type filter hook prerouting priority -300;
		ip saddr 198.18.1.1 ip ttl 1 counter name at1
	}
	chain out {
		type filter hook output priority 0;
		ip daddr 198.18.1.1 icmp type { time-exceeded, echo-reply } counter name sent
	}
}'
done

# The run, its PID known (a shell that execs it), its RSS sampled.
CMD_TIMEOUT=$((N / 50 + 60))
ip netns exec "$(nsn c-p)" sh -c 'echo $$ > "$1"; shift; exec "$@"' sh "$TMPD/pid" \
	"$MTR" -r -w -n -c "$N" -i 0.01 -m $((HOPS + 2)) -o SR "$dst" \
	>"$TMPD/out" 2>"$TMPD/err" </dev/null &
run=$!
_PIDS+=("$run")
for ((i = 0; i < 50; i++)); do [ -s "$TMPD/pid" ] && break; sleep 0.1; done
pid=$(cat "$TMPD/pid")
start=$(date +%s.%N)
while kill -0 "$pid" 2>/dev/null; do
	awk -v t="$(date +%s.%N)" -v s="$start" '/^VmRSS:/ { print t - s, $2 }' \
		"/proc/$pid/status" 2>/dev/null >>"$TMPD/rss"
	sleep 0.2
done
wait "$run"
RC=$?
OUT=$(cat "$TMPD/out")
ERR=$(cat "$TMPD/err")
LAST_CMD="mtr -r -w -n -c $N -i 0.01 -m $((HOPS + 2)) -o SR $dst"
secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
assert_eq "exit status" 0 "$RC"
assert_eq "stderr empty" "" "$ERR"
assert_line_count "every hop has a line" '^ *[0-9]+\.\|-- ' $((HOPS + 1)) "$OUT"

bad=""
for ((k = 1; k <= HOPS + 1; k++)); do
	if [ $k -le $HOPS ]; then n=c-r$k; else n=c-t; fi
	at1=$(nft_counter $n inet cnt at1)
	sent=$(nft_counter $n inet cnt sent)
	read -r snt rcv < <(printf '%s\n' "$OUT" | awk -v k="$k." '$1 == k"|--" { print $3, $4 }')
	[ "$snt" = "$N" ] && [ "$snt" = "$at1" ] && [ "$rcv" = "$sent" ] ||
		bad+=" hop $k: Snt $snt Rcv $rcv, counted $at1 in, $sent out;"
done
assert_eq "every hop: Snt = rounds = probes counted at TTL 1, Rcv = answers counted" "" "$bad"

# Memory.
read -r early late <<<"$(awk -v f="$secs" '$1 >= f / 5 && !e { e = $2 } { l = $2 } END { print e, l }' "$TMPD/rss")"
log "$N rounds, $HOPS hops, ${secs} s; VmRSS ${early} KiB at a fifth, ${late} KiB at the end"
CHECKS=$((CHECKS + 1))
if [ -n "$early" ] && [ -n "$late" ] && [ $((late - early)) -le 256 ]; then
	pass "memory flat"
else
	fail "memory: VmRSS ${early:-?} KiB at a fifth of the run, ${late:-?} KiB at its end"
fi
finish
