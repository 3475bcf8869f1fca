#!/usr/bin/env bash
# fuzz/run.sh [SECONDS] [HARNESS...]: build the libFuzzer harnesses with
# clang -fsanitize=fuzzer,address,undefined into build-fuzz/, then run each
# for SECONDS (default 10) from its seed corpus in fuzz/corpus/<harness>/.
# Fails if any harness fails to build or finds a crash (the reproducer is
# left in build-fuzz/artifacts/<harness>/).  New inputs go to
# build-fuzz/corpus/<harness>/; the committed seeds are never touched.
#
# Environment: CC (default clang), FUZZ_CFLAGS (extra compile flags, e.g.
# -DFUZZ_OPTS_RESET_GETOPT), FUZZ_ARGS (extra libFuzzer flags, e.g. -jobs=4).
set -u
cd "$(dirname "$0")/.."

secs=${1:-10}
[ "$#" -gt 0 ] && shift
case $secs in
''|*[!0-9]*) echo "usage: $0 [SECONDS] [HARNESS...]" >&2; exit 2 ;;
esac
harnesses=("$@")
[ "${#harnesses[@]}" -gt 0 ] ||
	harnesses=(fuzz_ip4 fuzz_icmp4 fuzz_icmp6 fuzz_quote fuzz_l4 fuzz_os fuzz_opts
		   fuzz_trace_opts fuzz_os_opts fuzz_ipopts fuzz_mtr_opts fuzz_exporter
		   fuzz_ni fuzz_sweep_opts fuzz_fping_opts)

CC=${CC:-clang}
OUT=build-fuzz
CFLAGS=(-std=c11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer
	-Wall -Wextra -Werror -Wshadow -Isrc
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all)
WIRE_SRC=(src/wire/checksum.c src/wire/icmp.c src/wire/ip.c src/wire/ip_opts.c src/wire/l4.c src/wire/ni.c src/wire/os_frame.c src/wire/os_wire.c)

sources() {     # sources HARNESS: the src/ files a harness links
	case $1 in
	fuzz_opts) echo src/cli/ping_opts.c ;;
	fuzz_mtr_opts) echo src/cli/mtr_opts.c src/report/mtr_fields.c \
		src/analysis/mtr_stats.c src/analysis/fp.c src/analysis/fp_table.c \
		src/analysis/hist.c "${WIRE_SRC[@]}" ;;
	fuzz_trace_opts) echo src/cli/trace_opts.c ;;
	fuzz_os_opts) echo src/cli/os_opts.c ;;
	fuzz_ipopts) echo "${WIRE_SRC[@]}" src/report/ping_text.c src/report/addr.c \
		src/report/icmp_text.c src/report/ni_text.c src/analysis/stats.c src/sock/ifnames.c ;;
	fuzz_ni) echo "${WIRE_SRC[@]}" src/report/ni_text.c ;;
	fuzz_exporter) echo src/cli/exporter_config.c src/cli/exporter_opts.c ;;
	fuzz_sweep_opts) echo src/cli/sweep_opts.c src/report/sweep_out.c src/report/json.c \
		src/report/addr.c src/report/icmp_text.c src/analysis/fp.c \
		src/analysis/fp_table.c src/sock/ifnames.c "${WIRE_SRC[@]}" ;;
	fuzz_fping_opts) echo src/cli/fping_opts.c ;;
	*) echo "${WIRE_SRC[@]}" ;;
	esac
}

max_len() {     # longest input worth trying
	case $1 in
	fuzz_opts | fuzz_trace_opts | fuzz_os_opts | fuzz_mtr_opts | fuzz_sweep_opts | \
	fuzz_fping_opts) echo 512 ;;
	fuzz_exporter) echo 4096 ;;
	*) echo 1500 ;;
	esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

build() {       # build HARNESS: its binary in $OUT
	local h=$1
	if [ ! -f "fuzz/$h.c" ]; then
		echo "$h: no fuzz/$h.c"
		return 1
	fi
	# shellcheck disable=SC2046
	"$CC" "${CFLAGS[@]}" ${FUZZ_CFLAGS:-} -o "$OUT/$h" "fuzz/$h.c" $(sources "$h") -lm
}

# Each harness is built while the one before it runs: the fuzzer keeps
# one CPU busy, the compiler another.
build_bg() {    # build_bg I: start building harnesses[I], if any
	local h=${harnesses[$1]:-}
	[ -n "$h" ] || return 0
	(
		build "$h" >"$OUT/$h.build.log" 2>&1
		echo $? >"$OUT/$h.build.rc"
	) &
	BUILD_PID=$!
}

mkdir -p "$OUT"
failed=()
build_bg 0
for ((i = 0; i < ${#harnesses[@]}; i++)); do
	h=${harnesses[i]}
	echo "=== $h: build"
	wait "$BUILD_PID"
	cat "$OUT/$h.build.log"
	rc=$(cat "$OUT/$h.build.rc")
	build_bg $((i + 1))
	if [ "$rc" != 0 ]; then
		echo "$h: build failed"
		failed+=("$h")
		continue
	fi
	mkdir -p "$OUT/corpus/$h" "$OUT/artifacts/$h"
	dict=()
	[ -f "fuzz/$h.dict" ] && dict=("-dict=fuzz/$h.dict")
	echo "=== $h: run ${secs}s"
	# shellcheck disable=SC2086
	if "$OUT/$h" -max_total_time="$secs" -timeout=10 -max_len="$(max_len "$h")" \
		-print_final_stats=1 -artifact_prefix="$OUT/artifacts/$h/" \
		"${dict[@]}" ${FUZZ_ARGS:-} "$OUT/corpus/$h" "fuzz/corpus/$h"; then
		echo "$h: ok"
	else
		echo "$h: FAILED (reproducer in $OUT/artifacts/$h/)"
		failed+=("$h")
	fi
done

if [ "${#failed[@]}" -gt 0 ]; then
	echo "fuzz: failed: ${failed[*]}"
fi
# The line tests/run.sh counts.
echo "$((${#harnesses[@]} - ${#failed[@]})) passed, ${#failed[@]} failed"
[ "${#failed[@]}" -eq 0 ]
