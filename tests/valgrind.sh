#!/bin/bash
# tests/valgrind.sh: the unit tests and a selection of the network tests with
# every echolot process under valgrind's memcheck.
#
#   sudo bash tests/valgrind.sh [-v] [t_name ...]
#
#   -v        show the output of every suite, not only the summary
#   t_name    network tests to run (default: $VG_NET_TESTS, see below)
#
#   BUILD         build directory (default: build); its tests/test_* (not *.d,
#                 *.o) are the unit tests and its ping, ping6, echolot the pinger
#   VG_NET_TESTS  default selection of network tests
#   VG_VGDB=yes   leave valgrind's gdbserver on (its default): shows the one
#                 place where valgrind and echolot's seccomp filter collide
#   VG_OPTS       extra valgrind options
#   VG_KEEP=DIR   copy valgrind's logs and the suites' output to DIR
#
# Every process runs as
#   valgrind --tool=memcheck --error-exitcode=99 --leak-check=full
#            --errors-for-leak-kinds=definite --vgdb=no --log-file=LOGDIR/%p.NAME.log
# through a wrapper script named like the program (ping, ping6, echolot,
# test_wire...).  The wrapper runs valgrind on BUILD/NAME, so the client's
# argv[0] is ".../NAME", which is what echolot dispatches on; it does not
# depend on where the wrapper lives, so the tests' unprivileged copies of
# $PING (cp, run by nobody) still work.  Valgrind's own messages go to the
# log files, never to the program's stderr, which the tests compare.
#
# Valgrind and echolot's seccomp filter (sandbox on, `ping -V`).  Valgrind
# runs in the client's process, so the filter applies to valgrind's own
# system calls too; these are refused (SECCOMP_RET_KILL_PROCESS, so the
# process dies of SIGSYS, exit status 159):
#   rt_sigtimedwait  valgrind polls for pending signals (VG_(poll_signals),
#                    a zero-timeout rt_sigtimedwait) at the end of every
#                    scheduler time slice (~100000 blocks run) and when an
#                    asynchronous signal (SIGINT, SIGQUIT) arrives: any run
#                    longer than a few probes, or one that gets a signal,
#                    is killed; its log ends without an ERROR SUMMARY.
#   kill             when the client dies of a signal's default action (for
#                    example SIGPIPE), valgrind re-raises it with kill(2)
#                    after its report: 159 instead of 128+signal.
#   unlink           the gdbserver FIFOs that valgrind makes in /tmp at
#                    start are unlinked at exit, after the report; avoided
#                    here with --vgdb=no (VG_VGDB=yes shows it).
# Nothing else was refused: with rt_sigtimedwait and kill added to the base
# allow-list (in a scratch copy of tools/gen_seccomp.c), the whole default
# selection ran clean under memcheck with the sandbox on.  The pinger's own
# logs are listed with the system call that killed it, taken from the
# kernel's audit line (dmesg: "type=1326 ... pid=PID ... syscall=N").
#
# Not in the default selection: t_sandbox (it sets cap_net_raw on a copy of
# $PING, which here is a script, so the copy cannot open a raw socket as
# nobody).

# Bounds: all unit binaries together 120 s; each network test 120 s
# (tests/net/run.sh), all of them together 420 s: under 10 minutes in all.
# (Measured: about 20 s and 150 s.)  The network tests create and remove their
# own namespaces (tests/net/lib.sh); nothing leaves them.
#
# Output: each suite's "N passed, N failed" line, then one line per valgrind
# log with errors (and the log), one per log without a final ERROR SUMMARY
# (the process was killed; with the refused system call), a NOTE per client
# that died of a signal, and a last line "valgrind: N processes, N clean,
# N with errors, N incomplete ...".  Exit status 0 when every suite passed and every log is clean.

set -u
export LC_ALL=C
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
VG_NET_TESTS=${VG_NET_TESTS:-t_basic t_loss t_dup t_ttl_exceeded t_unreachable t_ping6 t_pmtu t_idn t_json t_dgram t_noprivilege t_diff}

VERBOSE=0
if [ "${1:-}" = -v ]; then
	VERBOSE=1
	shift
fi
NET_TESTS=("$@")
[ ${#NET_TESTS[@]} -gt 0 ] || read -r -a NET_TESTS <<<"$VG_NET_TESTS"

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
[ -x "$BUILD/echolot" ] || { echo "valgrind.sh: no $BUILD/echolot (run make)" >&2; exit 2; }

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
	for log in "$VGDIR"/logs/*.log; do
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

names=()
for n in echolot ping ping6 ping4; do
	[ -e "$BUILD/$n" ] && names+=("$n")
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
		grep -E '^(FAIL|SKIP) |^failing:|exited with status|timed out' "$out"
		tail -n 1 "$out"
	fi
	[ $rc = 124 ] && echo "$name: timed out after $bound s"
	[ $rc = 0 ] || FAILED=1
}

start=$(date +%s)
UPTIME0=$(cut -d' ' -f1 /proc/uptime)
if [ ${#units[@]} -gt 0 ]; then
	uargs=()
	for u in "${units[@]}"; do uargs+=("$VGDIR/unit/$u"); done
	suite "unit tests under valgrind (${#units[@]} binaries)" 120 sh "$ROOT/tests/unit/run.sh" "${uargs[@]}"
else
	echo "valgrind.sh: no unit test binaries in $BUILD/tests (make unit?)"
	FAILED=1
fi
if [ "$(id -u)" = 0 ]; then
	suite "network tests under valgrind (${NET_TESTS[*]})" 420 \
		env PING="$VGDIR/net/ping" bash "$ROOT/tests/net/run.sh" "${NET_TESTS[@]}"
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

nlogs=0 clean=0 witherr=0 incomplete=0 signalled=0 killed=0
for log in "$VGDIR"/logs/*.log; do
	[ -e "$log" ] || continue
	nlogs=$((nlogs + 1))
	pid=$(basename "$log" | cut -d. -f1)
	cmd=$(sed -n 's/^==[0-9]*== Command: //p' "$log" | head -n1)
	sk=$(seccomp_kill "$pid")
	if ! grep -q 'ERROR SUMMARY:' "$log"; then
		incomplete=$((incomplete + 1))
		echo "INCOMPLETE (killed before its ERROR SUMMARY; ${sk:-no seccomp audit line}): $cmd"
		tail -n 3 "$log" | sed 's/^/  | /'
		continue
	fi
	if grep -q 'Process terminating with default action of signal' "$log"; then
		signalled=$((signalled + 1))
		echo "NOTE: died of signal $(sed -nE 's/.*default action of signal ([0-9]+ \([A-Z]+\)).*/\1/p' "$log" | head -n1)${sk:+, then $sk}: $cmd"
	elif [ -n "$sk" ]; then
		killed=$((killed + 1))
		echo "KILLED after its report ($sk): $cmd"
	fi
	if grep -q 'ERROR SUMMARY: 0 errors' "$log"; then
		clean=$((clean + 1))
	else
		witherr=$((witherr + 1))
		echo "ERRORS: $cmd"
		sed 's/^/  | /' "$log"
	fi
done
leaks=$(cat "$VGDIR"/logs/*.log 2>/dev/null | grep -cE '(definitely|indirectly|possibly) lost: [1-9]')
echo "valgrind: $nlogs processes, $clean clean, $witherr with errors, $incomplete incomplete;" \
	"$killed killed by seccomp after their report, $signalled died of a signal; $leaks leak summary lines with lost bytes; $(($(date +%s) - start)) s"
[ "$nlogs" -gt 0 ] || FAILED=1
[ "$witherr" = 0 ] && [ "$incomplete" = 0 ] && [ "$killed" = 0 ] || FAILED=1
exit $FAILED
