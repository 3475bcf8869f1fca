#!/bin/bash
# tests/net/run.sh: run echolot's network tests (tests/net/t_*.sh).
#
#   sudo bash tests/net/run.sh [-v] [t_name ...]
#
# Each test runs under `timeout 120` with its own namespaces. One line per test
# ("PASS name", "FAIL name", "SKIP name: reason"), the log of every failed test
# (every test with -v), then the last line "N passed, N failed[, N skipped]".
# Exit status 1 if any test failed or left a namespace behind, else 0.
# Environment: PING (default build/ping), REF_PING (default /usr/bin/ping).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
VERBOSE=0
if [ "${1:-}" = -v ]; then
	VERBOSE=1
	shift
fi

TESTS=()
if [ $# -gt 0 ]; then
	for t in "$@"; do
		t=$(basename "$t" .sh)
		[ -f "$HERE/$t.sh" ] || {
			echo "run.sh: no such test: $t" >&2
			exit 2
		}
		TESTS+=("$t")
	done
else
	for f in "$HERE"/t_*.sh; do
		TESTS+=("$(basename "$f" .sh)")
	done
fi

pass=0 fail=0 skipped=0

if [ "$(id -u)" != 0 ]; then
	if [ "${CI:-}" = true ]; then
		echo "run.sh: network tests need root (network namespaces); under CI that is a failure" >&2
		echo "0 passed, ${#TESTS[@]} failed"
		exit 1
	fi
	echo "run.sh: network tests need root (network namespaces); skipping all" >&2
	for t in "${TESTS[@]}"; do
		echo "SKIP $t: not root"
		skipped=$((skipped + 1))
	done
	echo "0 passed, 0 failed, $skipped skipped"
	exit 0
fi

# Every test gets a namespace prefix unique to this run, so we can tell ours
# from anyone else's at the end.
PREFIX=elt$$r
LOGDIR=$(mktemp -d /tmp/echolot-net-run.XXXXXX) || exit 1
trap 'rm -rf "$LOGDIR"' EXIT
trap 'echo "run.sh: interrupted" >&2; exit 130' INT TERM

etc_netns_existed=0
[ -d /etc/netns ] && etc_netns_existed=1

# NET_JOBS tests at a time (default 2): they spend most of their time
# waiting on timers and peers, not on the CPU.  A test whose first lines
# say "# net: serial" (it measures a rate or a timing that a neighbour
# would disturb) runs alone, after the others.
JOBS=${NET_JOBS:-2}
run_one() {     # run_one TEST INDEX: its log, and "rc secs" in TEST.rc
	local t=$1 t0 rc
	t0=$(date +%s)
	NET_NS_PREFIX=$PREFIX$2 timeout -k 10 120 bash "$HERE/$t.sh" \
		>"$LOGDIR/$t.log" 2>&1 </dev/null
	rc=$?
	echo "$rc $(($(date +%s) - t0))" >"$LOGDIR/$t.rc"
}

start=$(date +%s)
SERIAL=()
i=0
for t in "${TESTS[@]}"; do
	i=$((i + 1))
	if head -n 30 "$HERE/$t.sh" | grep -q '^# net: serial'; then
		SERIAL+=("$t:$i")
		continue
	fi
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
		wait -n
	done
	run_one "$t" "$i" &
done
wait
for ti in "${SERIAL[@]}"; do
	run_one "${ti%%:*}" "${ti##*:}"
done

for t in "${TESTS[@]}"; do
	log=$LOGDIR/$t.log
	read -r rc secs <"$LOGDIR/$t.rc"
	case $rc in
	0)
		echo "PASS $t (${secs}s)"
		pass=$((pass + 1))
		;;
	77)
		reason=$(sed -n 's/^SKIP: //p' "$log" | tail -n1)
		echo "SKIP $t: ${reason:-no reason given}"
		skipped=$((skipped + 1))
		;;
	*)
		[ "$rc" = 124 ] && echo "(timed out after 120 s)" >>"$log"
		echo "FAIL $t"
		fail=$((fail + 1))
		# The recap at the end: the test and its first failed checks.
		failing+="FAIL $t: $(grep -m 3 -E 'FAIL|timed out' "$log" |
			tr '\n' ' ' | cut -c1-300)"$'\n'
		;;
	esac
	if [ $VERBOSE = 1 ] || { [ "$rc" != 0 ] && [ "$rc" != 77 ]; }; then
		echo "  --- $t: exit $rc after ${secs}s; log:"
		sed 's/^/  /' "$log"
	fi
done

# Nothing of ours may remain: namespaces (deletion is asynchronous in the
# kernel, but the name disappears at once) and /etc/netns entries.
left=$(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${PREFIX}[0-9]+-" || true)
etc_left=$(ls -d /etc/netns/"$PREFIX"* 2>/dev/null || true)
if [ -n "$left$etc_left" ]; then
	# shellcheck disable=SC2086 # one word per name
	echo "FAIL cleanup: left behind:" $left $etc_left
	fail=$((fail + 1))
	for ns in $left; do ip netns del "$ns" 2>/dev/null; done
	for d in $etc_left; do rm -rf -- "$d"; done
fi
# Tests remove /etc/netns when they created it, unless a parallel test still
# used it; tidy up after the last one.
[ $etc_netns_existed = 0 ] && rmdir /etc/netns 2>/dev/null

echo "run.sh: $(($(date +%s) - start))s for ${#TESTS[@]} tests, PING=${PING:-$(cd "$HERE/../.." && pwd)/build/ping}"
# The failures again, last, where a log's tail shows them.
[ -n "${failing:-}" ] && printf '%s' "$failing"
summary="$pass passed, $fail failed"
[ $skipped -gt 0 ] && summary+=", $skipped skipped"
echo "$summary"
[ $fail -eq 0 ]
