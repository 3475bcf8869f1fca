# shellcheck shell=bash
# tests/net/xlib.sh: helpers for the exporter's network tests (t_exporter*.sh).
# Source it after lib.sh.
#
#   EXPORTER   the echolot binary beside $PING (build/echolot, or
#              build-asan/echolot under ASan)
#   ASAN=1     when the binary is a sanitizer build (tests scale down)

EXPORTER=${EXPORTER:-$(dirname "$PING")/echolot}
case $EXPORTER in *build-asan*) ASAN=1 ;; *) ASAN=0 ;; esac

need_exporter() {
	[ -x "$EXPORTER" ] || die "no $EXPORTER (make builds it)"
	"$EXPORTER" exporter --help >/dev/null 2>&1 || die "$EXPORTER has no exporter"
	need_cmd curl promtool python3
}

# exporter_start NS PORT LOG ARGS...: the exporter in NS on 127.0.0.1:PORT,
# in the background (bounded by CMD_TIMEOUT); waits for it to listen.  Sets
# XPID (the exporter's own PID, for signals) and XBG (bg_start's PID).
exporter_start() {
	local ns=$1 port=$2 log=$3 i
	shift 3
	bg_start "$ns" "$log" "$EXPORTER" exporter --web.listen-address="127.0.0.1:$port" "$@"
	XBG=$BG_PID
	wait_for "$log" 'listening on|exporter: ' 10 || die "exporter did not start: $(cat "$log")"
	wait_for "$log" 'listening on' 2 || die "exporter did not start: $(cat "$log")"
	XPID=
	for ((i = 0; i < 50; i++)); do
		XPID=$(pgrep -P "$XBG" | head -n1)
		[ -n "$XPID" ] && break
		sleep 0.1
	done
	[ -n "$XPID" ] || die "no exporter process under $XBG: $(cat "$log")"
}

# exporter_stop: SIGTERM, and its exit status in XRC.
exporter_stop() {
	kill -TERM "$XPID" 2>/dev/null
	wait "$XBG"
	XRC=$?
}

# scrape NS PORT [PATH] [CURL ARGS...]: the body on stdout (empty on failure).
scrape() {
	local ns=$1 port=$2 path=${3:-/metrics}
	shift 3 2>/dev/null || shift $#
	ip netns exec "$(nsn "$ns")" curl -s --max-time 10 "$@" "http://127.0.0.1:$port$path"
}

# metric TEXT NAME [LABEL_SUBSTRING]: the value of the first sample of NAME
# whose labels contain LABEL_SUBSTRING ("" when none).
metric() {
	printf '%s\n' "$1" | awk -v n="$2" -v l="${3:-}" '
		/^#/ { next }
		{ name = $1; sub(/\{.*/, "", name) }
		name == n && index($0, l) { print $NF; exit }'
}

# assert_promtool DESC TEXT: promtool check metrics accepts TEXT.
assert_promtool() {
	local out
	CHECKS=$((CHECKS + 1))
	if out=$(printf '%s\n' "$2" | promtool check metrics 2>&1) && [ -n "$2" ]; then
		pass "$1"
		return 0
	fi
	fail "$1: promtool check metrics: $out"
	printf '%s\n' "$2" | head -n 40 | sed 's/^/  | /' >&2
	return 1
}

# assert_ge DESC A B: A >= B (integers or decimals).
assert_ge() {
	CHECKS=$((CHECKS + 1))
	if awk -v a="$2" -v b="$3" 'BEGIN { exit !(a != "" && a + 0 >= b + 0) }'; then
		pass "$1"
		return 0
	fi
	fail "$1: $2 < $3"
	return 1
}

# assert_between DESC V LO HI
assert_between() {
	CHECKS=$((CHECKS + 1))
	if awk -v v="$2" -v lo="$3" -v hi="$4" 'BEGIN { exit !(v != "" && v + 0 >= lo + 0 && v + 0 <= hi + 0) }'; then
		pass "$1"
		return 0
	fi
	fail "$1: $2 not in [$3, $4]"
	return 1
}

# metric_sum TEXT NAME: the sum of NAME's samples over all its labels in an
# exposition TEXT, as an integer.
metric_sum() {
	printf '%s\n' "$1" | awk -v n="$2" '$1 ~ "^"n"\\{" { s += $NF } END { printf "%d", s }'
}

# rss_kb PID: VmRSS in kB.
rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}
