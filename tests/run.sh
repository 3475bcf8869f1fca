#!/usr/bin/env bash
# Every test: unit tests, network tests, then both again with the
# ASan + UBSan build.  Ends with one line "N passed, N failed" (", N
# skipped" when some were).  Under CI=true (.ci/run) a skipped test counts
# as failed: CI installs every tool (scripts/deps.sh), so nothing may be.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
passed=0 failed=0 skipped=0
recap=""

tally() {       # tally LOGFILE: add a suite's counts
	local p f s
	p=$(grep -Eo '^[0-9]+ passed' "$1" | tail -1 | grep -Eo '^[0-9]+')
	f=$(grep -Eo '[0-9]+ failed' "$1" | tail -1 | grep -Eo '^[0-9]+')
	s=$(grep -Eo '[0-9]+ skipped' "$1" | tail -1 | grep -Eo '^[0-9]+')
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	skipped=$((skipped + ${s:-0}))
}

suite() {       # suite NAME COMMAND...: run, show, count
	local name=$1 log rc what
	shift
	log=$(mktemp)
	echo "=== $name"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	tally "$log"
	# What failed, by name, for the recap before the last line.
	what=$(grep -E '^(FAIL [^ ]+: |failing:|fuzz: failed:|[^ ]+: exited)' "$log" |
		sed "s/^/[$name] /")
	[ -n "$what" ] && recap+="$what"$'\n'
	if [ "$rc" -ne 0 ] && ! grep -Eq '[1-9][0-9]* failed' "$log"; then
		echo "$name: exited $rc"
		failed=$((failed + 1))
	fi
	rm -f "$log"
}

units() {       # units BUILDDIR
	local bins=() b
	for b in "$1"/tests/test_*; do
		case $b in *.d | *.o) ;; *) [ -x "$b" ] && bins+=("$b") ;; esac
	done
	[ ${#bins[@]} -gt 0 ] || { echo "no unit tests in $1"; return 1; }
	sh tests/unit/run.sh "${bins[@]}"
}

suite "unit tests" units build
suite "network tests" env PING="$ROOT/build/ping" bash tests/net/run.sh

if [ "${SKIP_ASAN:-0}" != 1 ]; then
	make -s asan >/dev/null || { echo "asan build failed"; failed=$((failed + 1)); }
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	suite "unit tests (ASan+UBSan)" units build-asan
	suite "network tests (ASan+UBSan)" env PING="$ROOT/build-asan/ping" bash tests/net/run.sh
fi

# Every wire parser and the option parser under libFuzzer + ASan + UBSan,
# a few seconds each (a longer run: make fuzz FUZZ_SECONDS=...).
fuzzing() {
	bash fuzz/run.sh "${FUZZ_SECONDS:-5}"   # ends with "N passed, M failed"
}
if [ "${SKIP_FUZZ:-0}" != 1 ]; then
	suite "fuzzing (${FUZZ_SECONDS:-5}s per harness)" fuzzing
fi

if [ "$skipped" -gt 0 ] && [ "${CI:-}" = true ]; then
	echo "run.sh: $skipped skipped under CI=true: counted as failed"
	failed=$((failed + skipped))
	skipped=0
fi
printf '%s' "$recap"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
