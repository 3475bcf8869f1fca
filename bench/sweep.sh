#!/bin/bash
# bench/sweep.sh: many targets (issue 13), echolot against Debian's fping
# 5.1 and zmap 2.1 in one run, on a namespace pair whose target answers
# whole blocks by AnyIP:
#   1. /16 (65,536 hosts), all found: wall of `echolot sweep --rate max -q`
#      (threads: one a CPU) against `fping -g 198.19.0.0/16 -i0 -r0 -q -a`
#      and zmap's icmp_echoscan, runs alternating (A B C D D C B A), with
#      echolot on one thread (--threads 1) beside; target <= 0.6 x fping.
#      Also the CPU each spends an address (user + system of the process:
#      the kernel's whole round trip, the target's answer included, runs in
#      softirq on the sender's CPU and is charged to it).
#   2. peak RSS at /16 and at 1,048,576 targets (an IPv6 /108 inside
#      2001:2::/48): target <= 8 MB both, flat; fping's at /16.
#   3. `fping -l -p 1000 -i 0` over 100,000 targets for 10 s: probes/s
#      and loss, echolot's fping against fping.
# Reuses tests/net/lib.sh for the namespaces (created and removed here).
# Env: RUNS (pairs of runs, default 5), OUT (default bench/sweep-latest.txt).
set -u
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
export PING=${PING:-$ROOT/build/ping}
. "$ROOT/tests/net/lib.sh"
need_root
ECHOLOT=$ROOT/build/echolot
FPING=${FPING:-$(command -v fping)}
ZMAP=${ZMAP:-$(command -v zmap)}
RUNS=${RUNS:-5}
OUTF=${OUT:-$BENCH/sweep-latest.txt}
[ -x "$ECHOLOT" ] || die "no $ECHOLOT (run make)"
[ -x "$FPING" ] || die "no fping (scripts/deps.sh installs it)"
[ -x "$ZMAP" ] || die "no zmap (scripts/deps.sh installs it)"
[ -x /usr/bin/time ] || die "no /usr/bin/time (scripts/deps.sh installs it)"
CMD_TIMEOUT=300

pair
for b in 198.18.64.0/18 198.18.128.0/17 198.19.0.0/16; do
	must ip -n "$(nsn t)" route add local "$b" dev lo
	route p "$b" via "$T4"
done
must ip -n "$(nsn t)" -6 route add local 2001:2:1::/96 dev lo
route p 2001:2:1::/96 via "$T6"
ns_sysctl t net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 \
	net.ipv4.icmp_msgs_per_sec=10000000 net.ipv4.icmp_msgs_burst=10000000
P=$(nsn p)
TMAC=$(ip -n "$(nsn t)" -br link show vt | awk '{print $3}')
# zmap reads its blocklist (which lists 198.18.0.0/15 as reserved); an
# empty one, and the target's MAC as its gateway.
: >"$TMPD/zmap-empty.conf"
ZARGS=(-M icmp_echoscan -i vp -G "$TMAC" -S "$P4" -B 10G -b "$TMPD/zmap-empty.conf"
	-q -o - --cooldown-time=1 --disable-syslog)

# wall NAME CMD...: one run's wall time in ms into $TMPD/NAME.times, its
# CPU time (user + system, ms) into $TMPD/NAME.cpu; the number of distinct
# addresses it printed into $TMPD/NAME.found.
wall() {
	local name=$1 s e
	shift
	s=$(date +%s%N)
	timeout 120 ip netns exec "$P" /usr/bin/time -f '%U %S' -o "$TMPD/cpu" "$@" \
		>"$TMPD/out" 2>"$TMPD/err"
	e=$(date +%s%N)
	echo $(( (e - s) / 1000000 )) >>"$TMPD/$name.times"
	awk '{ print ($1 + $2) * 1000 }' "$TMPD/cpu" >>"$TMPD/$name.cpu"
	grep -Eo '^[0-9a-f.:]+' "$TMPD/out" | sort -u | wc -l >"$TMPD/$name.found"
}

median() { sort -n "$1" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# rss CMD...: peak RSS in KiB of CMD run in the namespace (GNU time: a
# small parent, whose own pages do not count; a Python parent's would, as
# the kernel keeps the forked child's peak across exec).
rss() {
	ip netns exec "$P" /usr/bin/time -f %M -o "$TMPD/rss" "$@" >/dev/null 2>&1
	tail -n 1 "$TMPD/rss"
}

E=(sweep --rate max -q 198.19.0.0/16)
E1=(sweep --rate max -q --threads 1 198.19.0.0/16)
F=(-g 198.19.0.0/16 -i0 -r0 -q -a)
for ((r = 0; r < RUNS; r++)); do
	wall echolot "$ECHOLOT" "${E[@]}"
	wall fping "$FPING" "${F[@]}"
	wall echolot1 "$ECHOLOT" "${E1[@]}"
	wall zmap "$ZMAP" "${ZARGS[@]}" 198.19.0.0/16
	wall zmap "$ZMAP" "${ZARGS[@]}" 198.19.0.0/16
	wall echolot1 "$ECHOLOT" "${E1[@]}"
	wall fping "$FPING" "${F[@]}"
	wall echolot "$ECHOLOT" "${E[@]}"
done
me=$(median "$TMPD/echolot.times") mf=$(median "$TMPD/fping.times") mz=$(median "$TMPD/zmap.times")
me1=$(median "$TMPD/echolot1.times")
# CPU an address, microseconds.
cpu_us() { awk -v ms="$(median "$TMPD/$1.cpu")" 'BEGIN { printf "%.2f", ms * 1000 / 65536 }'; }
threads=$(( $(nproc) < 8 ? $(nproc) : 8 ))

rss_e16=$(rss "$ECHOLOT" "${E[@]}")
rss_f16=$(rss "$FPING" "${F[@]}")
rss_e1m=$(rss "$ECHOLOT" sweep --rate max -q 2001:2:1::/108)
found_1m=$(timeout 120 ip netns exec "$P" "$ECHOLOT" sweep --rate max -q 2001:2:1::/108 | sort -u | wc -l)

# 100,000 targets in loop mode for 10 s.
/usr/bin/python3 -c '
import ipaddress
n = ipaddress.ip_address("198.18.64.0")
print("\n".join(str(n + i) for i in range(100000)))' >"$TMPD/t100k"
loop() {
	local bin=$1 name=$2
	timeout -s INT 10 ip netns exec "$P" "$bin" -l -p 1000 -i 0 -Q 100 -q \
		-f "$TMPD/t100k" >/dev/null 2>"$TMPD/loop.$name"
	awk -F'[ /=%,]+' '/xmt\/rcv/ { for (i = 1; i <= NF; i++) if ($i == "xmt") { x += $(i + 3); r += $(i + 4) } }
		END { if (x) printf "%.0f %.3f\n", x / 10, 100 * (x - r) / x; else print "0 -" }' "$TMPD/loop.$name"
}
ln -s "$ECHOLOT" "$TMPD/fping"
read -r lp_e ll_e < <(loop "$TMPD/fping" echolot)
read -r lp_f ll_f < <(loop "$FPING" fping)
fping_err=$(grep -m1 -o 'not enough sequence numbers[^(]*' "$TMPD/loop.fping" || true)

verdict() { if awk "BEGIN { exit !($1) }"; then echo PASS; else echo FAIL; fi; }
{
	echo "bench/sweep.sh, $(date -u +%Y-%m-%d), $(nproc) cores; $RUNS x (A B C D D C B A) runs, medians; echolot auto = $threads threads"
	printf '%-52s %10s %10s %10s %8s\n' metric echolot fping zmap "e/f"
	printf '%-52s %7s ms %7s ms %7s ms %8.3f  %s (target <= 0.6)\n' \
		"/16 by AnyIP, wall (found: $(cat "$TMPD/echolot.found")/$(cat "$TMPD/fping.found")/$(cat "$TMPD/zmap.found"))" \
		"$me" "$mf" "$mz" "$(awk "BEGIN { print $me / $mf }")" "$(verdict "$me <= 0.6 * $mf")"
	printf '%-52s %7s ms %7s ms %10s %8.3f\n' \
		"  the same, echolot on one thread (found: $(cat "$TMPD/echolot1.found"))" \
		"$me1" "$mf" "-" "$(awk "BEGIN { print $me1 / $mf }")"
	printf '%-52s %7s us %7s us %7s us\n' "  CPU an address (user + system, medians)" \
		"$(cpu_us echolot)" "$(cpu_us fping)" "$(cpu_us zmap)"
	printf '%-52s %7s us %10s %10s\n' "  the same, echolot on one thread" "$(cpu_us echolot1)" "-" "-"
	printf '%-52s %7s KB %7s KB %10s\n' "/16: peak RSS" "$rss_e16" "$rss_f16" "-"
	printf '%-52s %7s KB %10s %10s  %s (target <= 8192 KB, flat)\n' \
		"1,048,576 targets (2001:2:1::/108, found $found_1m): RSS" "$rss_e1m" "-" "-" \
		"$(verdict "$rss_e1m <= 8192 && $rss_e16 <= 8192")"
	printf '%-52s %10s %10s\n' "fping -l -p 1000 -i 0, 100,000 targets, 10 s: probes/s" "$lp_e" "$lp_f"
	printf '%-52s %9s%% %9s%%\n' "  loss" "$ll_e" "$ll_f"
	[ -n "$fping_err" ] && echo "  fping 5.1: \"$fping_err\" (its 16-bit sequence space)"
} | tee "$OUTF"
