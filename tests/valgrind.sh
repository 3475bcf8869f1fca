#!/bin/bash
# tests/valgrind.sh: the unit tests and a selection of the network tests with
# every echolot process under valgrind's memcheck.
#
#   sudo bash tests/valgrind.sh [-v] [t_name | @default | @trace | @all ...]
#   make valgrind [VG_TESTS='t_name | @default | @trace | @all ...']
#
#   -v        show the output of every suite, not only the summary
#   t_name    a network test to run (tests/net/t_name.sh)
#   @default  $VG_NET_TESTS, the selection when none is given: ping's tests
#   @trace    $VG_TRACE_TESTS: traceroute's and the OS guess's tests
#   @all      both
#
#   BUILD          build directory (default: build-valgrind, which `make
#                  valgrind` builds with VALGRIND_SANDBOX=1); its tests/test_* (not *.d,
#                  *.o) are the unit tests; its echolot and every link to it
#                  (ping, ping4, ping6, traceroute, traceroute6) are wrapped
#   VG_NET_TESTS   the default selection of network tests
#   VG_TRACE_TESTS the @trace selection
#   VG_NET_BOUND   seconds for all the network tests together (below)
#   VG_VGDB=yes    leave valgrind's gdbserver on (its default): shows the one
#                  place where valgrind and echolot's seccomp filter collide
#   VG_OPTS        extra valgrind options
#   VG_KEEP=DIR    copy valgrind's logs (per suite) and the suites' output to DIR
#
# Every process runs as
#   valgrind --tool=memcheck --error-exitcode=99 --leak-check=full
#            --errors-for-leak-kinds=definite --vgdb=no --log-file=LOGDIR/%p.NAME.log
# through a wrapper script named like the program (echolot, ping, ping4, ping6,
# traceroute, traceroute6, test_wire...): the wrappers sit in one directory,
# $PING is the ping there, and the tests find the others next to it
# (t_trace*: TR=$(dirname "$PING")/traceroute, then traceroute6 and
# `echolot trace` next to TR; t_os_active, t_os_json: OS=$(dirname
# "$PING")/echolot for `echolot os`; t_os: `ping --os`).  Only echolot is
# wrapped: the references (/usr/bin/ping, /usr/sbin/traceroute) and the
# tests' helpers (responders, tcpdump, nft) run as they are.  The wrapper
# runs valgrind on BUILD/NAME, so the client's argv[0] is ".../NAME", which
# is what echolot dispatches on; it does not depend on where the wrapper
# lives, so the tests' unprivileged copies of $PING (cp, run by nobody) still
# work.  Valgrind's own messages go to the log files, never to the program's
# stderr, which the tests compare.
#
# Valgrind and echolot's seccomp filter (sandbox on, `ping -V`).  Valgrind
# runs in the client's process, so the filter applies to valgrind's own
# system calls too.  Those it makes:
#   rt_sigtimedwait  valgrind polls for pending signals (VG_(poll_signals),
#                    a zero-timeout rt_sigtimedwait) at the end of every
#                    scheduler time slice (~100000 blocks run) and when an
#                    asynchronous signal (SIGINT, SIGQUIT) arrives.  Were it
#                    refused, any run longer than a few probes, or one that
#                    gets a signal, would be killed (SIGSYS, exit status
#                    159), its log ending without an ERROR SUMMARY.
#   sched_yield, tkill  valgrind schedules the resolver's threads with
#                    sched_yield and ends them with tkill.
# Valgrind does not know seccomp(2) (it answers ENOSYS), so under valgrind
# echolot takes the path of kernels without it: prctl(PR_SET_SECCOMP) in
# each thread, the resolver's asked by a signal (src/sock/sandbox.c).
# These are allowed only in a build made with VALGRIND_SANDBOX=1
# (tools/gen_seccomp.c --valgrind), never in the production one: `make
# valgrind` builds build-valgrind so, and this script refuses a build whose
# `ping -V` does not say so.
#   kill             refused: when the client dies of a signal's default
#                    action (for example SIGPIPE), valgrind re-raises it with
#                    kill(2) after its report: 159 instead of 128+signal.
#   unlink           refused: the gdbserver FIFOs that valgrind makes in /tmp
#                    at start are unlinked at exit, after the report; avoided
#                    here with --vgdb=no (VG_VGDB=yes shows it).
# Nothing else was refused, in ping, traceroute or `echolot os`.  A client
# killed by the filter is listed with the system call that killed it, taken
# from the kernel's audit line (dmesg: "type=1326 ... pid=PID ... syscall=N").
#
# Not selected: t_sandbox (it sets cap_net_raw on a copy of $PING, which here
# is a script, so the copy cannot open a raw socket as nobody).  Timing under
# memcheck: the checks with a bound in wall-clock time (t_trace "silent tail"
# < 2000 ms, t_os_active "silent target: bounded by -w" < 2500 ms, t_os "ttl
# change", a TTL switched 0.8 s into 6 probes 0.3 s apart) leave room for
# valgrind's start (about 0.3 s) and passed; on a loaded machine they are the
# ones that may fail for time alone, with clean logs.

# Bounds: all unit binaries together 120 s; each network test 120 s (run.sh,
# run once per test so that each test's processes are summed up on their
# own); all network tests together VG_NET_BOUND, by default 420 s for
# @default and 130 s per test for any other selection; a test not started
# within it counts as failed.  Measured on 2 vCPUs: unit tests about 20 s,
# @default about 150 s, @trace about 250 s (natively 65 s; the longest
# t_os_active and t_trace, about 55 s and 50 s).  The network tests create
# and remove their own namespaces (tests/net/lib.sh); nothing leaves them.
#
# Output: for each suite (the unit tests, then each network test) its
# "N passed, N failed" line; then, per suite, one line per valgrind log with
# errors (and the log), one per log without a final ERROR SUMMARY (the
# process was killed; with the refused system call), a NOTE per client that
# died of a signal, and "valgrind SUITE: N processes, N clean, N with errors,
# N incomplete; ... N leak summary lines with lost bytes, N with still
# reachable bytes"; last the same line for all of them, "valgrind: ...".
# Exit status 0 when every suite passed and every log is clean.

set -u
export LC_ALL=C
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build-valgrind}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
VG_NET_TESTS=${VG_NET_TESTS:-t_basic t_loss t_dup t_ttl_exceeded t_unreachable t_ping6 t_pmtu t_idn t_json t_dgram t_noprivilege t_diff t_names}
VG_TRACE_TESTS=${VG_TRACE_TESTS:-t_trace t_trace_ecmp t_trace_json t_trace_mtu t_trace_report t_os t_os_active t_os_json t_trace_names}

VERBOSE=0
if [ "${1:-}" = -v ]; then
	VERBOSE=1
	shift
fi
# @default, @trace and @all stand for the lists above.
NET_TESTS=()
[ $# -gt 0 ] || set -- @default
for t in "$@"; do
	case $t in
	@default) read -r -a l <<<"$VG_NET_TESTS" ;;
	@trace) read -r -a l <<<"$VG_TRACE_TESTS" ;;
	@all) read -r -a l <<<"$VG_NET_TESTS $VG_TRACE_TESTS" ;;
	@*) echo "valgrind.sh: unknown selection $t (@default, @trace, @all)" >&2; exit 2 ;;
	*) l=("$(basename "$t" .sh)") ;;
	esac
	for u in "${l[@]}"; do # each test once
		case " ${NET_TESTS[*]} " in *" $u "*) ;; *) NET_TESTS+=("$u") ;; esac
	done
done
# The bound on all the network tests together: 420 s for the default
# selection (12 tests); otherwise run.sh's own 120 s per test, plus 10.
if [ "$*" = @default ]; then
	NET_BOUND=${VG_NET_BOUND:-420}
else
	NET_BOUND=${VG_NET_BOUND:-$((130 * ${#NET_TESTS[@]}))}
fi

if ! command -v valgrind >/dev/null; then
	if [ "$(id -u)" = 0 ]; then
		echo "valgrind.sh: installing valgrind" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends valgrind >/dev/null ||
			{ echo "valgrind.sh: apt-get install valgrind failed" >&2; exit 2; }
	else
		echo "valgrind.sh: valgrind is not installed (apt-get install valgrind)" >&2
		exit 2
	fi
fi
VALGRIND=$(command -v valgrind)
[ -x "$BUILD/echolot" ] || { echo "valgrind.sh: no $BUILD/echolot (run make valgrind)" >&2; exit 2; }
# A production build's filter refuses valgrind's own calls (above).
"$BUILD/echolot" -V | grep -q "valgrind build" || {
	echo "valgrind.sh: $BUILD/echolot is not a valgrind build (make valgrind builds build-valgrind with VALGRIND_SANDBOX=1)" >&2
	exit 2
}

VGDIR=$(mktemp -d /tmp/echolot-valgrind.XXXXXX) || exit 2
chmod 755 "$VGDIR"
mkdir -p "$VGDIR/net" "$VGDIR/unit" "$VGDIR/logs" "$VGDIR/out"
chmod 755 "$VGDIR/net" "$VGDIR/unit"
chmod 1777 "$VGDIR/logs" # the tests also run the pinger as nobody
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
	local rc=$? log pid
	trap - EXIT INT TERM
	if [ -n "${VG_KEEP:-}" ]; then
		mkdir -p "$VG_KEEP" && cp -r "$VGDIR/logs" "$VGDIR/out" "$VG_KEEP"/
	fi
	# With VG_VGDB=yes a client killed by the filter leaves its gdbserver
	# FIFOs in /tmp: remove those of our processes.
	for log in "$VGDIR"/logs/*.log "$VGDIR"/logs/*/*.log; do
		[ -e "$log" ] || continue
		pid=$(basename "$log" | cut -d. -f1)
		rm -f -- /tmp/vgdb-pipe-*-"$pid"-by-*
	done
	rm -rf -- "$VGDIR"
	exit "$rc"
}
trap cleanup EXIT
trap 'echo "valgrind.sh: interrupted" >&2; exit 130' INT
trap 'echo "valgrind.sh: terminated" >&2; exit 143' TERM

VGARGS="--tool=memcheck --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
[ "${VG_VGDB:-no}" = yes ] || VGARGS="$VGARGS --vgdb=no"
VGARGS="$VGARGS ${VG_OPTS:-}"

# wrapper DIR REALDIR NAME...: DIR/NAME runs valgrind on REALDIR/NAME.
wrapper() {
	local dir=$1 real=$2 name
	shift 2
	cat >"$dir/.vg-wrap" <<-EOF
		#!/bin/sh
		# Run REALDIR/<the name this script was run as> under memcheck.
		name=\$(basename "\$0")
		exec $VALGRIND $VGARGS --log-file=$VGDIR/logs/%p.\$name.log -- "$real/\$name" "\$@"
	EOF
	chmod 755 "$dir/.vg-wrap"
	for name in "$@"; do
		# A copy, not a link: cp of a link copies the script anyway, but a
		# copy also keeps its name when a test resolves links.
		cp "$dir/.vg-wrap" "$dir/$name"
	done
}

# echolot and every name in BUILD that is a link to it (the Makefile's LINKS:
# ping, ping4, ping6, traceroute, traceroute6, ...): the tests find the others next
# to $PING ($(dirname "$PING")/traceroute, .../echolot).  Nothing else is
# wrapped: the reference tools (/usr/bin/ping, /usr/sbin/traceroute) and the
# tests' helpers run as they are.
names=(echolot)
real=$(readlink -f "$BUILD/echolot")
for f in "$BUILD"/*; do
	n=$(basename "$f")
	[ "$n" != echolot ] && [ -L "$f" ] && [ "$(readlink -f "$f")" = "$real" ] && names+=("$n")
done
wrapper "$VGDIR/net" "$BUILD" "${names[@]}"

units=()
for b in "$BUILD"/tests/test_*; do
	case $b in *.d | *.o) continue ;; esac
	[ -x "$b" ] && units+=("$(basename "$b")")
done
[ ${#units[@]} -gt 0 ] && wrapper "$VGDIR/unit" "$BUILD/tests" "${units[@]}"

FAILED=0
# suite NAME BOUND COMMAND...: run, keep the output, print the last line.
suite() {
	local name=$1 bound=$2 out rc
	shift 2
	out=$VGDIR/out/$(echo "$name" | tr -c 'a-z0-9\n' _).txt
	echo "=== $name"
	timeout -k 10 "$bound" "$@" >"$out" 2>&1 </dev/null
	rc=$?
	if [ "$VERBOSE" = 1 ]; then
		cat "$out"
	else
		grep -E '^(PASS|FAIL|SKIP) |^failing:|exited with status|timed out|^run\.sh: [0-9]+s' "$out"
		tail -n 1 "$out"
	fi
	[ $rc = 124 ] && echo "$name: timed out after $bound s"
	[ $rc = 0 ] || FAILED=1
}
# collect GROUP: the logs of the suite just run go to logs/GROUP/, so that
# they are summed up per suite (its processes have all ended: run.sh waits
# for its tests, and a test's cleanup for its background commands).
collect() {
	mkdir -p "$VGDIR/logs/$1"
	find "$VGDIR/logs" -maxdepth 1 -name '*.log' -exec mv -t "$VGDIR/logs/$1" {} +
}

start=$(date +%s)
UPTIME0=$(cut -d' ' -f1 /proc/uptime)
if [ ${#units[@]} -gt 0 ]; then
	uargs=()
	for u in "${units[@]}"; do uargs+=("$VGDIR/unit/$u"); done
	suite "unit tests under valgrind (${#units[@]} binaries)" 120 sh "$ROOT/tests/unit/run.sh" "${uargs[@]}"
	collect unit
else
	echo "valgrind.sh: no unit test binaries in $BUILD/tests (make unit?)"
	FAILED=1
fi
if [ "$(id -u)" = 0 ]; then
	# One run.sh per test (each bounded by its 120 s), so that each test's
	# processes are summed up on their own; all within NET_BOUND.
	net0=$(date +%s)
	for t in "${NET_TESTS[@]}"; do
		left=$((NET_BOUND - ($(date +%s) - net0)))
		if [ "$left" -lt 30 ]; then
			echo "=== $t: not run, the network tests' bound of $NET_BOUND s is spent"
			FAILED=1
			continue
		fi
		[ "$left" -gt 130 ] && left=130
		suite "$t under valgrind" "$left" \
			env PING="$VGDIR/net/ping" bash "$ROOT/tests/net/run.sh" "$t"
		collect "$t"
	done
else
	echo "valgrind.sh: network tests need root; skipped"
fi

# --- the logs ------------------------------------------------------------------

# sysname N: the x86-64 (or this machine's) name of system call number N.
sysname() {
	local h
	for h in /usr/include/*/asm/unistd_64.h /usr/include/asm/unistd_64.h; do
		[ -r "$h" ] || continue
		awk -v n="$1" '$1 == "#define" && $3 == n && $2 ~ /^__NR_/ { sub(/^__NR_/, "", $2); print $2; exit }' "$h"
		return
	done
}
# seccomp_kill PID: "seccomp refused syscall N (name)" from the kernel's
# audit line for PID, if any (only lines logged since this script started,
# from valgrind: PIDs recur).
dmesg 2>/dev/null | grep -E 'type=1326 .* comm="memcheck' |
	awk -v t0="$UPTIME0" '{ t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t); if (t + 0 >= t0 - 1) print }' \
		>"$VGDIR/audit.txt"
seccomp_kill() {
	local n
	n=$(grep -E " pid=$1 " "$VGDIR/audit.txt" | tail -n1 | sed -nE 's/.* syscall=([0-9]+) .*/\1/p')
	[ -n "$n" ] && printf 'seccomp refused syscall %s (%s)' "$n" "$(sysname "$n")"
}

# summarize GROUP: one line per log with a problem, then the GROUP's line;
# adds to the totals.
nlogs=0 clean=0 witherr=0 incomplete=0 signalled=0 killed=0 leaks=0 reach=0
summarize() {
	local g=$1 log pid cmd sk n=0 c=0 e=0 inc=0 sig=0 k=0 lk rc
	for log in "$VGDIR/logs/$g"/*.log; do
		[ -e "$log" ] || continue
		n=$((n + 1))
		pid=$(basename "$log" | cut -d. -f1)
		cmd=$(sed -n 's/^==[0-9]*== Command: //p' "$log" | head -n1)
		sk=$(seccomp_kill "$pid")
		if ! grep -q 'ERROR SUMMARY:' "$log"; then
			inc=$((inc + 1))
			echo "INCOMPLETE (killed before its ERROR SUMMARY; ${sk:-no seccomp audit line}): $cmd"
			tail -n 3 "$log" | sed 's/^/  | /'
			continue
		fi
		if grep -q 'Process terminating with default action of signal' "$log"; then
			sig=$((sig + 1))
			echo "NOTE: died of signal $(sed -nE 's/.*default action of signal ([0-9]+ \([A-Z]+\)).*/\1/p' "$log" | head -n1)${sk:+, then $sk}: $cmd"
		elif [ -n "$sk" ]; then
			k=$((k + 1))
			echo "KILLED after its report ($sk): $cmd"
		fi
		if grep -q 'ERROR SUMMARY: 0 errors' "$log"; then
			c=$((c + 1))
		else
			e=$((e + 1))
			echo "ERRORS: $cmd"
			sed 's/^/  | /' "$log"
		fi
	done
	lk=$(cat "$VGDIR/logs/$g"/*.log 2>/dev/null | grep -cE '(definitely|indirectly|possibly) lost: [1-9]')
	rc=$(cat "$VGDIR/logs/$g"/*.log 2>/dev/null | grep -cE 'still reachable: [1-9]')
	echo "valgrind $g: $n processes, $c clean, $e with errors, $inc incomplete;" \
		"$k killed by seccomp after their report, $sig died of a signal; $lk leak summary lines with lost bytes, $rc with still reachable bytes"
	nlogs=$((nlogs + n)) clean=$((clean + c)) witherr=$((witherr + e)) incomplete=$((incomplete + inc))
	signalled=$((signalled + sig)) killed=$((killed + k)) leaks=$((leaks + lk)) reach=$((reach + rc))
}
for g in unit "${NET_TESTS[@]}"; do
	[ -d "$VGDIR/logs/$g" ] && summarize "$g"
done
echo "valgrind: $nlogs processes, $clean clean, $witherr with errors, $incomplete incomplete;" \
	"$killed killed by seccomp after their report, $signalled died of a signal; $leaks leak summary lines with lost bytes, $reach with still reachable bytes; $(($(date +%s) - start)) s"
[ "$nlogs" -gt 0 ] || FAILED=1
[ "$witherr" = 0 ] && [ "$incomplete" = 0 ] && [ "$killed" = 0 ] || FAILED=1
exit $FAILED
