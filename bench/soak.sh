#!/bin/bash
# bench/soak.sh: a long flood under random loss; the printed counts must equal
# what nftables counted, and the pinger's memory must not grow.
#
#   bench/soak.sh [--count N] [--preload N] [--loss PCT] [-6] [--no-iputils]
#
#   --count N     probes per pinger (default 1000000)
#   --preload N   -l N (default 64): lost probes do not each cost flood's 10 ms
#   --loss PCT    nftables drops PCT% of the echo requests at random (default 30)
#   -6            IPv6 instead of IPv4
#   --no-iputils  soak echolot only (no comparison run)
#
#   ECHOLOT   pinger under test  (default: build/ping of this tree)
#   IPUTILS   reference pinger   (default: /usr/bin/ping)
#   SOAK_TIMEOUT  bound in seconds for one pinger run (default 120; a run of
#                 1000000 takes about 7 s on a 2-CPU EPYC VM)
#
# Each pinger runs `PING -q -f -l PRELOAD -c COUNT -n TARGET` inside a prober
# namespace; the target namespace's nftables input chain counts every echo
# request that arrives (seen), drops PCT% of them at random
# (`numgen random mod 100 < PCT`, counter dropped) and counts the rest
# (counter passed); its output chain counts the echo replies it sends (reply_out).  The prober's
# output chain counts the requests that leave (req_out) and its input chain
# the replies that arrive (reply_in).  Nothing drops replies, so:
#
#   transmitted == COUNT == req_out == seen
#   seen == dropped + passed                   (nftables' own arithmetic)
#   received == passed == reply_out == reply_in
#   transmitted - received == dropped
#   loss printed == %g of (tx - rx) * 100 / tx   (iputils' format)
#   no errors, no duplicates, exit status 0
#
# Memory: the pinger is started by a small Python runner inside the prober
# namespace (no `ip netns exec` or `timeout` between them), so the PID read is
# the pinger's own; VmRSS is read from /proc/PID/status at 1 s and every 20 ms
# after, and the last reading before exit (with VmHWM, the peak) is reported.
# (Not wait4's ru_maxrss: it also holds the runner's forked copy before exec.)
# A run shorter than 1 s reports its earliest sample as the start.
#
# Network safety: two namespaces created here with tests/net/lib.sh (prober
# p, target t, one veth pair, 198.18.0.0/24 and 2001:2::/64, static
# neighbours, no default route); every run is bounded (SOAK_TIMEOUT each,
# about 2 x SOAK_TIMEOUT + 1 min in all: under 5 minutes by default); lib.sh's
# EXIT/INT/TERM trap removes the namespaces and kills, by PID, only what this
# script started.
#
# The report goes to stdout and to bench/soak-latest.txt (the log to stderr).
# Exit status: 0 all PASS, 1 any FAIL or failed measurement, 2 usage/environment.

set -u
export LC_ALL=C

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
PY=/usr/bin/python3

COUNT=1000000 PRELOAD=64 LOSS=30 FAM=4 IPUTILS_TOO=1
while [ $# -gt 0 ]; do
	case $1 in
	--count) COUNT=${2:?--count needs a number}; shift ;;
	--preload) PRELOAD=${2:?--preload needs a number}; shift ;;
	--loss) LOSS=${2:?--loss needs a percentage}; shift ;;
	-6) FAM=6 ;;
	-4) FAM=4 ;;
	--no-iputils) IPUTILS_TOO=0 ;;
	-h | --help) sed -n "2,/^$/p" "$0" | sed "/^$/d" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "soak.sh: unknown argument: $1" >&2; exit 2 ;;
	esac
	shift
done
for v in COUNT PRELOAD LOSS; do
	case ${!v} in '' | *[!0-9]*) echo "soak.sh: --${v,,} must be a number" >&2; exit 2 ;; esac
done
[ "$LOSS" -lt 100 ] || { echo "soak.sh: --loss must be below 100" >&2; exit 2; }
SOAK_TIMEOUT=${SOAK_TIMEOUT:-120}

# Absolute path, but keep the last component: echolot dispatches on argv[0].
abspath() {
	local d
	d=$(cd "$(dirname "$1")" 2>/dev/null && pwd) || return 1
	printf '%s/%s\n' "$d" "$(basename "$1")"
}
ECHOLOT=${ECHOLOT:-$ROOT/build/ping}
IPUTILS=${IPUTILS:-/usr/bin/ping}
ECHOLOT=$(abspath "$ECHOLOT") || { echo "soak.sh: no such pinger: $ECHOLOT" >&2; exit 2; }
IPUTILS=$(abspath "$IPUTILS") || { echo "soak.sh: no such pinger: $IPUTILS" >&2; exit 2; }

[ "$(id -u)" = 0 ] || { echo "soak.sh: needs root (network namespaces, raw sockets)" >&2; exit 2; }
for c in ip nft jq timeout "$PY"; do
	command -v "$c" >/dev/null || { echo "soak.sh: missing $c (apt-get install -y iproute2 nftables jq coreutils python3)" >&2; exit 2; }
done
TOOLS=(echolot)
[ "$IPUTILS_TOO" = 1 ] && TOOLS+=(iputils)
for t in "${TOOLS[@]}"; do
	if [ "$t" = echolot ]; then p=$ECHOLOT; else p=$IPUTILS; fi
	[ -x "$p" ] || { echo "soak.sh: not executable: $p (run make?)" >&2; exit 2; }
done

# The namespaces, their cleanup and WORK (lib.sh's TMPD) come from the
# network tests' lib.sh, as in trace.sh and os.sh.
NET_NS_PREFIX=els$$
. "$ROOT/tests/net/lib.sh"
TEST_NAME=soak.sh                # in lib.sh's "interrupted"/"terminated"
WORK=$TMPD
P4=198.18.0.1 T4=198.18.0.2
P6=2001:2::1 T6=2001:2::2
if [ "$FAM" = 4 ]; then TARGET=$T4 PROTO=icmp; else TARGET=$T6 PROTO=icmpv6; fi

# Exit 2 on a setup error (lib.sh's die exits 1, as for a failed test).
die() { echo "soak.sh: $*" >&2; exit 2; }
log() { printf '== %s\n' "$*" >&2; }


# --- the runner: starts the pinger itself, samples its memory -----------------

cat >"$WORK/runner.py" <<'EOF'
import json, os, signal, subprocess, sys, time
out, timeout = sys.argv[1], float(sys.argv[2])
cmd = sys.argv[4:]
assert sys.argv[3] == "--"

def status(pid):
    d = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "VmHWM", "VmSize", "VmData"):
                    d[k] = int(v.split()[0])
    except OSError:
        return None
    return d if "VmRSS" in d else None

so = open(out + ".stdout", "wb")
se = open(out + ".stderr", "wb")
t0 = time.monotonic()
p = subprocess.Popen(cmd, stdout=so, stderr=se, stdin=subprocess.DEVNULL)
pid = p.pid
exe = None
first = earliest = last = None
nsamples = 0
timed_out = False
while True:
    wpid, st, ru = os.wait4(pid, os.WNOHANG)
    if wpid == pid:
        break
    now = time.monotonic() - t0
    s = status(pid)
    if s is not None and now >= 0.05:
        if exe is None:    # the PID sampled is the pinger's own, after exec
            try:
                exe = os.readlink("/proc/%d/exe" % pid)
            except OSError:
                pass
        s["t"] = round(now, 3)
        nsamples += 1
        if earliest is None:
            earliest = s
        if first is None and now >= 1.0:
            first = s
        last = s
    if now > timeout and not timed_out:
        timed_out = True
        os.kill(pid, signal.SIGINT)          # ping prints its summary on SIGINT
    if now > timeout + 5:
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.02)
t1 = time.monotonic()
p.returncode = 0  # reaped by wait4
with open(out + ".stdout", errors="replace") as f:
    text = f.read()
json.dump({"cmd": cmd, "pid": pid, "exe": exe,
           "rc": os.waitstatus_to_exitcode(st), "timed_out": timed_out,
           "wall_s": t1 - t0, "user_s": ru.ru_utime, "sys_s": ru.ru_stime,
           "samples": nsamples,
           "rss_start": first or earliest, "rss_end": last}, open(out, "w"))
EOF

# --- the two namespaces -----------------------------------------------------------

# lib.sh's pair: p and t on one veth, static neighbours, no default route
# (ns_add: no router advertisements or DAD, no ICMP rate limits).
pair
NS_P=$(nsn p) NS_T=$(nsn t)
log "namespaces $NS_P <-> $NS_T"
for t in "${TOOLS[@]}"; do
	if [ "$t" = echolot ]; then p=$ECHOLOT; else p=$IPUTILS; fi
	CMD_TIMEOUT=10 in_ns p "$p" -c 1 -W 2 -n "$TARGET" >/dev/null 2>&1 ||
		die "$p cannot reach $TARGET from $NS_P"
done

# nft_reset: fresh tables (zeroed counters) on both sides, before each run.
nft_reset() {
	in_ns t nft delete table inet soak 2>/dev/null
	in_ns p nft delete table inet soak 2>/dev/null
	nft_load t "
		table inet soak {
			counter seen {}
			counter dropped {}
			counter passed {}
			counter reply_out {}
			chain in {
				type filter hook input priority 0;
				$PROTO type echo-request counter name seen
				$PROTO type echo-request numgen random mod 100 < $LOSS counter name dropped drop
				$PROTO type echo-request counter name passed
			}
			chain out {
				type filter hook output priority 0;
				$PROTO type echo-reply counter name reply_out
			}
		}"
	nft_load p "
		table inet soak {
			counter req_out {}
			counter reply_in {}
			chain out {
				type filter hook output priority 0;
				$PROTO type echo-request counter name req_out
			}
			chain in {
				type filter hook input priority 0;
				$PROTO type echo-reply counter name reply_in
			}
		}"
}
# counter SHORT NAME: packets of a named counter.
counter() { nft_counter "$1" inet soak "$2"; }

# --- the runs ---------------------------------------------------------------------

FAILS=0 CHECKS=0
RESULTS=$WORK/results.txt
: >"$RESULTS"
check() { # check DESC EXPECTED ACTUAL
	CHECKS=$((CHECKS + 1))
	if [ "$2" == "$3" ]; then
		printf '  PASS  %-44s %s\n' "$1" "$3" >>"$RESULTS"
	else
		FAILS=$((FAILS + 1))
		printf '  FAIL  %-44s expected %s, got %s\n' "$1" "$2" "$3" >>"$RESULTS"
	fi
}
jget() { jq -r "$2" "$1"; }

T_START=$(date +%s)
for tool in "${TOOLS[@]}"; do
	if [ "$tool" = echolot ]; then p=$ECHOLOT; else p=$IPUTILS; fi
	nft_reset
	log "$tool: $p -$FAM -q -f -l $PRELOAD -c $COUNT -n $TARGET (bound ${SOAK_TIMEOUT}s)"
	CMD_TIMEOUT=$((SOAK_TIMEOUT + 30)) bg_start p "$WORK/$tool.runner.log" \
		"$PY" "$WORK/runner.py" "$WORK/$tool.json" "$SOAK_TIMEOUT" -- \
		"$p" -"$FAM" -q -f -l "$PRELOAD" -c "$COUNT" -n "$TARGET"
	wait "$BG_PID"
	rc=$?
	if [ "$rc" != 0 ] || [ ! -s "$WORK/$tool.json" ]; then
		echo "soak.sh: $tool: runner failed (status $rc)" >&2
		cat "$WORK/$tool.runner.log" >&2
		FAILS=$((FAILS + 1))
		continue
	fi

	j=$WORK/$tool.json
	out=$(cat "$j.stdout")
	seen=$(counter t seen) drop=$(counter t dropped) pass=$(counter t passed)
	reply_out=$(counter t reply_out) req_out=$(counter p req_out) reply_in=$(counter p reply_in)
	stats=$(printf '%s\n' "$out" | grep -E '^[0-9]+ packets transmitted')
	tx=$(printf '%s\n' "$stats" | sed -nE 's/^([0-9]+) packets transmitted.*/\1/p')
	rx=$(printf '%s\n' "$stats" | sed -nE 's/.* ([0-9]+) received.*/\1/p')
	lossp=$(printf '%s\n' "$stats" | sed -nE 's/.* ([0-9.]+%) packet loss.*/\1/p')
	wall=$(jget "$j" .wall_s) user=$(jget "$j" .user_s) sys=$(jget "$j" .sys_s)

	{
		echo "$tool: $p"
		[ "$tool" = echolot ] && echo "  binary: $(readlink -f "$p") sha256 $(sha256sum "$(readlink -f "$p")" | cut -c1-16)"
		echo "  pid $(jget "$j" .pid) exe $(jget "$j" .exe), exit $(jget "$j" .rc)$([ "$(jget "$j" .timed_out)" = true ] && echo ", TIMED OUT")"
		printf '%s\n' "$out" | grep -vE '^$' | sed 's/^/  | /'
		[ -s "$j.stderr" ] && sed 's/^/  stderr| /' "$j.stderr" | head -n 20
		awk -v w="$wall" -v u="$user" -v s="$sys" -v n="${tx:-0}" 'BEGIN {
			printf "  time: wall %.2f s, user %.2f s, sys %.2f s, %.2f us CPU/probe, %.0f probes/s\n",
				w, u, s, (u + s) * 1e6 / (n ? n : 1), n / w }'
		printf '  memory (KiB): VmRSS %s at %ss (start), %s at %ss (end: last of %s samples), VmHWM %s (peak)\n' \
			"$(jget "$j" .rss_start.VmRSS)" "$(jget "$j" .rss_start.t)" \
			"$(jget "$j" .rss_end.VmRSS)" "$(jget "$j" .rss_end.t)" "$(jget "$j" .samples)" \
			"$(jget "$j" .rss_end.VmHWM)"
		echo "  nft: prober req_out=$req_out reply_in=$reply_in; target seen=$seen dropped=$drop passed=$pass reply_out=$reply_out"
	} >>"$RESULTS"

	check "$tool: exit status" 0 "$(jget "$j" .rc)"
	check "$tool: transmitted == --count" "$COUNT" "$tx"
	check "$tool: transmitted == requests out of prober" "$req_out" "$tx"
	check "$tool: transmitted == requests seen by target" "$seen" "$tx"
	check "$tool: seen == dropped + passed (nft)" "$seen" "$((drop + pass))"
	check "$tool: transmitted - received == dropped" "$drop" "$((tx - rx))"
	check "$tool: received == passed" "$pass" "$rx"
	check "$tool: received == replies sent by target" "$reply_out" "$rx"
	check "$tool: received == replies into prober" "$reply_in" "$rx"
	check "$tool: loss == %g of (tx - rx) * 100 / tx" \
		"$(awk -v t="$tx" -v r="$rx" 'BEGIN { printf "%g%%\n", (t - r) * 100.0 / t }')" "$lossp"
	check "$tool: no errors, duplicates" "" "$(printf '%s\n' "$stats" | grep -oE '[+][0-9]+ (errors|duplicates)')"
	check "$tool: drop rate within $LOSS% +- 1 point" 1 \
		"$(awk -v d="$drop" -v s="$seen" -v l="$LOSS" 'BEGIN { r = 100 * d / (s ? s : 1); print (r > l - 1 && r < l + 1) ? 1 : 0 }')"
	rs=$(jget "$j" .rss_start.VmRSS) re=$(jget "$j" .rss_end.VmRSS)
	check "$tool: VmRSS end <= start + 64 KiB" 1 \
		"$(awk -v a="$rs" -v b="$re" 'BEGIN { print (a != "null" && b != "null" && b + 0 <= a + 64) ? 1 : 0 }')"
	echo >>"$RESULTS"
done
T_END=$(date +%s)

# --- report -----------------------------------------------------------------------

rev=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)
{
	echo "echolot soak  $(date -u '+%Y-%m-%d %H:%M:%SZ')  ($((T_END - T_START)) s)"
	echo "host: $(uname -srm), $(nproc) CPU(s): $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
	echo "echolot: $ECHOLOT (git $rev)"
	[ "$IPUTILS_TOO" = 1 ] && echo "iputils: $IPUTILS ($("$IPUTILS" -V 2>/dev/null | head -n1))"
	echo "run: PING -$FAM -q -f -l $PRELOAD -c $COUNT -n $TARGET in $NS_P, bound ${SOAK_TIMEOUT}s each"
	echo "loss: nftables on $NS_T, input: $PROTO echo-request numgen random mod 100 < $LOSS drop"
	echo "memory: VmRSS/VmHWM of the pinger's own PID from /proc/PID/status (first sample at >= 1 s,"
	echo "        then every 20 ms; 'end' is the last sample before exit)"
	echo
	cat "$RESULTS"
	if [ "$IPUTILS_TOO" = 1 ] && [ -s "$WORK/echolot.json" ] && [ -s "$WORK/iputils.json" ]; then
		"$PY" - "$WORK/echolot.json" "$WORK/iputils.json" <<-'EOF'
			import json, sys
			e, i = (json.load(open(f)) for f in sys.argv[1:3])
			def row(name, a, b, unit):
			    r = ("%.3f" % (a / b)) if a is not None and b else "-"
			    print("  %-28s %12s %12s %8s  %s" % (name, a, b, r, unit))
			print("comparison                        echolot      iputils      e/i")
			row("wall", round(e["wall_s"], 2), round(i["wall_s"], 2), "s")
			row("CPU user+sys", round(e["user_s"] + e["sys_s"], 2), round(i["user_s"] + i["sys_s"], 2), "s")
			for k, lab in (("rss_start", "VmRSS at start"), ("rss_end", "VmRSS at end")):
			    row(lab, (e[k] or {}).get("VmRSS"), (i[k] or {}).get("VmRSS"), "KiB")
			row("VmHWM (peak)", (e["rss_end"] or {}).get("VmHWM"), (i["rss_end"] or {}).get("VmHWM"), "KiB")
			print()
		EOF
	fi
	if [ "$FAILS" = 0 ]; then echo "PASS: all $CHECKS checks"; else echo "FAIL: $FAILS of $CHECKS checks failed"; fi
} >"$WORK/report.txt"
cat "$WORK/report.txt"
cp "$WORK/report.txt" "$BENCH/soak-latest.txt"
[ "$FAILS" = 0 ]
