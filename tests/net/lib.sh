# shellcheck shell=bash
# tests/net/lib.sh: helpers for echolot's network tests. Source it, do not run it.
#
# Every test builds its own network namespaces joined by veth pairs, addressed
# only from 198.18.0.0/15 and 2001:2::/48, with no default route anywhere, and
# runs the pinger inside them. Everything created here is registered and
# removed by the EXIT trap, also when the test fails or is interrupted.
#
# Environment:
#   PING       pinger under test   (default: $ROOT/build/ping)
#   REF_PING   reference pinger    (default: /usr/bin/ping, iputils)
#   NET_VERBOSE=1  print every command run in a namespace and its output
#   NET_DEBUG=1    shell tracing of the test
#   CMD_TIMEOUT    bound in seconds for any one command (default 30)
#   NET_NS_PREFIX  namespace name prefix (default elt<pid>; run.sh sets it)
#   CI=true        nothing may be skipped: a test (or a part of one) that
#                  lacks a tool fails instead (scripts/deps.sh installs every
#                  tool the tests use; .ci/run sets CI=true)
#
# Most tests use `chain N` (below): prober p - N routers - target t.
#
# A test script looks like:
#   . "$(dirname "$0")/lib.sh"
#   need_root; need_ping
#   ns_add a; ns_add b
#   veth a a0 b b0
#   addr a a0 198.18.0.1/24 2001:2::1/64
#   addr b b0 198.18.0.2/24 2001:2::2/64
#   run_in a "$PING" -c 1 -w 5 -n 198.18.0.2
#   assert_eq "exit status" 0 "$RC"
#   finish
#
# Exit statuses of a test: 0 pass, 1 fail, 77 skip (last stdout line
# "SKIP: <reason>"), as with automake.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PING=${PING:-$ROOT/build/ping}
REF_PING=${REF_PING:-/usr/bin/ping}
TEST_NAME=$(basename "$0" .sh)

# All namespace names start with NS_PREFIX; run.sh checks that none remain.
# The PID makes names unique per run, so parallel runs do not collide; run.sh
# passes its own unique prefix in NET_NS_PREFIX.
NS_PREFIX=${NET_NS_PREFIX:-elt$$}
# Upper bound in seconds for any single command run inside a namespace.
CMD_TIMEOUT=${CMD_TIMEOUT:-30}

FAILS=0
CHECKS=0
_NS_LIST=()          # short names of namespaces we created
_PIDS=()             # background processes we started
_ETC_NETNS=()        # /etc/netns/<name> directories we created
_ETC_NETNS_CREATED=0 # we created /etc/netns itself
TMPD=$(mktemp -d "/tmp/echolot-net.$TEST_NAME.XXXXXX") || exit 1
chmod 755 "$TMPD"

[ "${NET_DEBUG:-0}" = 1 ] && set -x

# --- cleanup ---------------------------------------------------------------

cleanup() {
	local rc=$? pid ns d
	trap - EXIT INT TERM
	for pid in "${_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	for ns in "${_NS_LIST[@]}"; do
		ip netns del "$NS_PREFIX-$ns" 2>/dev/null
	done
	for d in "${_ETC_NETNS[@]}"; do
		rm -rf -- "$d"
	done
	if [ "$_ETC_NETNS_CREATED" = 1 ]; then
		rmdir /etc/netns 2>/dev/null
	fi
	rm -rf -- "$TMPD"
	exit "$rc"
}
trap cleanup EXIT
trap 'echo "$TEST_NAME: interrupted" >&2; exit 130' INT
trap 'echo "$TEST_NAME: terminated" >&2; exit 143' TERM

# --- results ---------------------------------------------------------------

log() { printf '%s: %s\n' "$TEST_NAME" "$*"; }

# skip REASON: end the test as skipped (exit 77); under CI=true, failed.
skip() {
	if [ "${CI:-}" = true ]; then
		echo "FAIL: $TEST_NAME: cannot run under CI (CI=true): $*" >&2
		exit 1
	fi
	echo "SKIP: $*"
	exit 77
}

# optional WHAT CMD...: may the part of a test that needs WHAT run?  True
# when CMD succeeds.  Otherwise the part is not run: logged, and under
# CI=true a failed check.
optional() {
	local what=$1
	shift
	"$@" && return 0
	if [ "${CI:-}" = true ]; then
		CHECKS=$((CHECKS + 1))
		fail "$what is missing under CI (scripts/deps.sh installs it): that part cannot run"
	else
		log "$what is missing: that part is not run"
	fi
	return 1
}

# die MESSAGE: a setup step failed; the test fails.
die() {
	echo "FAIL: $TEST_NAME: setup: $*" >&2
	exit 1
}

# must CMD...: run a setup command, fail the test if it fails.
must() {
	"$@" || die "command failed (status $?): $*"
}

fail() {
	FAILS=$((FAILS + 1))
	printf 'FAIL: %s: %s\n' "$TEST_NAME" "$*" >&2
}

pass() {
	[ "${NET_VERBOSE:-0}" = 1 ] && printf 'ok: %s\n' "$*"
	return 0
}

# finish: end of test; exit 1 if any assertion failed.
finish() {
	if [ "$FAILS" -gt 0 ]; then
		echo "$TEST_NAME: $FAILS of $CHECKS checks failed"
		exit 1
	fi
	echo "$TEST_NAME: all $CHECKS checks passed"
	exit 0
}

# --- assertions ------------------------------------------------------------
# Each takes a description first, and on failure prints what was expected, what
# was seen, and the last command's full stdout/stderr.

_show_last() {
	{
		echo "  --- command: ${LAST_CMD:-?} (exit ${RC:-?})"
		echo "  --- stdout:"
		printf '%s\n' "${OUT:-}" | sed 's/^/  | /'
		if [ -n "${ERR:-}" ]; then
			echo "  --- stderr:"
			printf '%s\n' "$ERR" | sed 's/^/  | /'
		else
			echo "  --- stderr: (empty)"
		fi
	} >&2
}

# _show_text TEXT: the text an assertion looked at, unless it is the last
# command's stdout (shown anyway), then the last command.
_show_text() {
	if [ "$1" != "${OUT:-}" ]; then
		echo "  in text:" >&2
		printf '%s\n' "$1" | sed 's/^/  | /' >&2
	fi
	_show_last
}

# assert_eq DESC EXPECTED ACTUAL
assert_eq() {
	CHECKS=$((CHECKS + 1))
	if [ "$2" == "$3" ]; then
		pass "$1"
		return 0
	fi
	fail "$1"
	{
		echo "  expected: $(printf '%s' "$2" | sed '2,$s/^/            /')"
		echo "  actual:   $(printf '%s' "$3" | sed '2,$s/^/            /')"
	} >&2
	_show_last
	return 1
}

# assert_match DESC ERE TEXT: some line of TEXT matches the extended regex.
assert_match() {
	CHECKS=$((CHECKS + 1))
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		pass "$1"
		return 0
	fi
	fail "$1"
	echo "  no line matches: $2" >&2
	_show_text "$3"
	return 1
}

# assert_no_match DESC ERE TEXT: no line of TEXT matches.
assert_no_match() {
	CHECKS=$((CHECKS + 1))
	if ! printf '%s\n' "$3" | grep -Eq -- "$2"; then
		pass "$1"
		return 0
	fi
	fail "$1"
	echo "  unexpected line(s) matching: $2" >&2
	printf '%s\n' "$3" | grep -E -- "$2" | sed 's/^/  | /' >&2
	_show_last
	return 1
}

# assert_line_count DESC ERE N TEXT: exactly N lines of TEXT match.
assert_line_count() {
	local n
	CHECKS=$((CHECKS + 1))
	n=$(printf '%s\n' "$4" | grep -Ec -- "$2")
	if [ "$n" -eq "$3" ]; then
		pass "$1"
		return 0
	fi
	fail "$1"
	echo "  expected $3 line(s) matching: $2, found $n" >&2
	_show_text "$4"
	return 1
}

# assert_lines DESC EXPECTED ACTUAL: multi-line equality with a unified diff.
assert_lines() {
	CHECKS=$((CHECKS + 1))
	if [ "$2" == "$3" ]; then
		pass "$1"
		return 0
	fi
	fail "$1"
	printf '%s\n' "$2" >"$TMPD/expected"
	printf '%s\n' "$3" >"$TMPD/actual"
	diff -u --label expected --label actual "$TMPD/expected" "$TMPD/actual" | sed 's/^/  /' >&2
	return 1
}

# --- preconditions ---------------------------------------------------------

need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
	command -v ip >/dev/null || skip "iproute2 (ip) not installed"
}

need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || skip "$c not installed"
	done
}

# need_ping [BINARY...]: the pinger(s) exist and are executable.
need_ping() {
	local p
	[ $# -gt 0 ] || set -- "$PING"
	for p in "$@"; do
		[ -x "$p" ] || skip "pinger $p not found or not executable (build it, or set PING=)"
	done
}

# is_echolot [BINARY]: the binary is echolot (not iputils).
is_echolot() {
	"${1:-$PING}" -V 2>&1 | grep -qi echolot
}

# --- namespaces and links --------------------------------------------------

# nsn SHORT: full namespace name.
nsn() { printf '%s-%s' "$NS_PREFIX" "$1"; }

# ns_add SHORT: create a namespace with lo up, no routes, immediate IPv6
# addresses, no ICMP rate limits, and a resolver that fails at once (nothing
# resolved by DNS can ever leave it: there is no route out anyway).
ns_add() {
	local ns=$1 full
	full=$(nsn "$ns")
	ip netns add "$full" || die "ip netns add $full"
	_NS_LIST+=("$ns")
	ip -n "$full" link set lo up || die "lo up in $full"
	ns_sysctl "$ns" \
		net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.accept_ra=0 \
		net.ipv6.conf.default.accept_ra=0 \
		net.ipv4.icmp_ratelimit=0 \
		net.ipv6.icmp.ratelimit=0
	# Resolver: 127.0.0.1 inside the namespace, where nothing listens, so a
	# reverse lookup that /etc/hosts does not answer fails at once.
	etc_file "$ns" resolv.conf "nameserver 127.0.0.1
options timeout:1 attempts:1"
}

# in_ns SHORT CMD...: run a command in a namespace (no capture, bounded).
in_ns() {
	local ns=$1
	shift
	timeout -k 5 "$CMD_TIMEOUT" ip netns exec "$(nsn "$ns")" "$@"
}

# ns_sysctl SHORT KEY=VALUE...
ns_sysctl() {
	local ns=$1 kv
	shift
	for kv in "$@"; do
		ip netns exec "$(nsn "$ns")" sysctl -qw "$kv" >/dev/null || die "sysctl $kv in $ns"
	done
}

# etc_file SHORT FILE CONTENT: a file that `ip netns exec` bind-mounts over
# /etc/FILE for processes run in that namespace.
etc_file() {
	local ns=$1 file=$2 content=$3 d
	d=/etc/netns/$(nsn "$ns")
	if [ ! -d /etc/netns ]; then
		mkdir -p /etc/netns && _ETC_NETNS_CREATED=1
	fi
	if [ ! -d "$d" ]; then
		mkdir -p "$d" || die "mkdir $d"
		_ETC_NETNS+=("$d")
	fi
	printf '%s\n' "$content" >"$d/$file" || die "write $d/$file"
}

# hosts_file SHORT "ADDR NAME" ...: /etc/hosts as seen inside namespace SHORT.
hosts_file() {
	local ns=$1
	shift
	etc_file "$ns" hosts "$(printf '%s\n' "127.0.0.1 localhost" "::1 localhost" "$@")"
}

# veth NS_A IF_A NS_B IF_B: a veth pair between two namespaces, both ends up.
# The pair is created directly inside the namespaces, never in the root one.
veth() {
	local a=$1 ia=$2 b=$3 ib=$4
	ip -n "$(nsn "$a")" link add "$ia" type veth peer name "$ib" netns "$(nsn "$b")" ||
		die "veth $a:$ia <-> $b:$ib"
	ip -n "$(nsn "$a")" link set "$ia" up || die "link up $a:$ia"
	ip -n "$(nsn "$b")" link set "$ib" up || die "link up $b:$ib"
}

# addr SHORT DEV ADDR/LEN...: IPv4 and IPv6 (nodad) addresses.
addr() {
	local ns=$1 dev=$2 a
	shift 2
	for a in "$@"; do
		case $a in
		*:*) ip -n "$(nsn "$ns")" -6 addr add "$a" dev "$dev" nodad || die "addr $a on $ns:$dev" ;;
		*) ip -n "$(nsn "$ns")" -4 addr add "$a" dev "$dev" || die "addr $a on $ns:$dev" ;;
		esac
	done
}

# route SHORT ARGS...: `ip route add ARGS` (IPv6 when the first address has a ':').
route() {
	local ns=$1
	shift
	case "$*" in
	*:*) ip -n "$(nsn "$ns")" -6 route add "$@" || die "route -6 $* in $ns" ;;
	*) ip -n "$(nsn "$ns")" -4 route add "$@" || die "route $* in $ns" ;;
	esac
}

# forwarding SHORT: make the namespace a router (IPv4 and IPv6).
forwarding() {
	ns_sysctl "$1" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
}

# --- nftables --------------------------------------------------------------

# nft_load SHORT RULESET: load a ruleset (nft -f syntax) into a namespace.
nft_load() {
	printf '%s\n' "$2" | ip netns exec "$(nsn "$1")" nft -f - || die "nft ruleset in $1"
}

# nft_counter SHORT FAMILY TABLE NAME: packets of a named counter.
nft_counter() {
	ip netns exec "$(nsn "$1")" nft -j list counter "$2" "$3" "$4" |
		jq -r '.nftables[] | select(.counter) | .counter.packets'
}

# --- running pingers -------------------------------------------------------

# run_in SHORT CMD...: run CMD in the namespace, bounded by CMD_TIMEOUT;
# sets OUT (stdout), ERR (stderr), RC (exit status) and LAST_CMD.
run_in() {
	local ns=$1
	shift
	LAST_CMD="[$ns] $*"
	timeout -k 5 "$CMD_TIMEOUT" ip netns exec "$(nsn "$ns")" "$@" \
		>"$TMPD/out" 2>"$TMPD/err" </dev/null
	RC=$?
	OUT=$(cat "$TMPD/out")
	ERR=$(cat "$TMPD/err")
	[ "${NET_VERBOSE:-0}" = 1 ] && {
		echo "\$ $LAST_CMD  -> $RC"
		printf '%s\n' "$OUT" "$ERR"
	}
	return 0
}

# run_as_nobody SHORT CMD...: as run_in, but as uid/gid 65534 without groups.
run_as_nobody() {
	local ns=$1
	shift
	run_in "$ns" setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
}

# unprivileged_copy BINARY: copy BINARY into a directory that nobody can read;
# a copy carries no file capabilities and no setuid bit. Prints the copy's path.
unprivileged_copy() {
	local src=$1 dir dst
	dir=$(mktemp -d "$TMPD/bin.XXXXXX") || die "mktemp"
	chmod 755 "$dir"
	dst=$dir/$(basename "$src")
	cp "$src" "$dst" || die "copy $src"
	chmod 755 "$dst"
	chmod u-s,g-s "$dst"
	printf '%s\n' "$dst"
}

# bg_start SHORT OUTFILE CMD...: a background command in a namespace, killed
# at cleanup; its PID is in BG_PID.
bg_start() {
	local ns=$1 outf=$2
	shift 2
	timeout -k 5 "$CMD_TIMEOUT" ip netns exec "$(nsn "$ns")" "$@" >"$outf" 2>&1 </dev/null &
	BG_PID=$!
	_PIDS+=("$BG_PID")
}

# --- output comparison -----------------------------------------------------

# mask: replace measured values in ping output (stdin -> stdout) so that two
# runs, or two implementations, can be compared line by line:
#   time=0.045 ms                      -> time=X ms
#   rtt min/avg/max/mdev = a/b/c/d ms  -> = X/X/X/X ms   (also ", pipe N", ", ipg/ewma a/b ms")
#   ..., time 2003ms                   -> time Xms
#   [1700000000.123456] (-D)           -> [TS]
mask() {
	sed -E \
		-e 's/^\[[0-9]+\.[0-9]+\] /[TS] /' \
		-e 's/time=[0-9]+(\.[0-9]+)? ms/time=X ms/' \
		-e 's/, time [0-9]+ms/, time Xms/' \
		-e 's#^(rtt|round-trip) min/avg/max/(mdev|stddev) = [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms#\1 min/avg/max/\2 = X/X/X/X ms#' \
		-e 's/, pipe [0-9]+/, pipe N/' \
		-e 's#, ipg/ewma [0-9.]+/[0-9.]+ ms#, ipg/ewma X/X ms#'
}

# stat_field TEXT WHAT: from the statistics line, the number before WHAT
# ("packets transmitted", "received", "errors", "duplicates", "% packet loss").
stat_field() {
	printf '%s\n' "$1" | grep -E '[0-9]+ packets transmitted' |
		grep -oE "[0-9.]+ ?$2" | grep -oE '^[0-9.]+' | head -n1
}

# --- topologies ------------------------------------------------------------

# chain N: prober "p" - routers "r1".."rN" (forwarding) - target "t", in a line.
# Link k (1..N+1) joins node k-1 to node k (p is node 0, t is node N+1) on
# 198.18.k.0/24 and 2001:2:0:k::/64; the left end is .1/::1, the right end
# .2/::2; interfaces are named "left"/"right" as seen from each node. Every node
# gets routes to every link through its neighbours, and none beyond 198.18.0.0/15
# and 2001:2::/48 (no default route). Sets:
#   P4 P6  prober addresses     T4 T6  target addresses
#   R4[k] R6[k]  router k's address on its left (prober-facing) link, which is
#   the source Linux uses for errors it sends back towards the prober.
# shellcheck disable=SC2034 # P4 P6 T4 T6 R4 R6 are for the sourcing test
chain() {
	local n=$1 k j last
	last=$((n + 1))
	R4=() R6=()
	ns_add p
	for ((k = 1; k <= n; k++)); do
		ns_add "r$k"
		forwarding "r$k"
	done
	ns_add t
	_chain_node() { if [ "$1" -eq 0 ]; then echo p; elif [ "$1" -eq "$last" ]; then echo t; else echo "r$1"; fi; }
	for ((k = 1; k <= last; k++)); do
		local a b
		a=$(_chain_node $((k - 1)))
		b=$(_chain_node "$k")
		veth "$a" right "$b" left
		addr "$a" right "198.18.$k.1/24" "2001:2:0:$k::1/64"
		addr "$b" left "198.18.$k.2/24" "2001:2:0:$k::2/64"
	done
	# Routes: node j reaches link k (not adjacent) via its neighbour on that side.
	for ((j = 0; j <= last; j++)); do
		local node
		node=$(_chain_node "$j")
		for ((k = 1; k <= last; k++)); do
			if [ "$k" -lt "$j" ]; then # link k is left of node j (adjacent: k == j)
				route "$node" "198.18.$k.0/24" via "198.18.$j.1"
				route "$node" "2001:2:0:$k::/64" via "2001:2:0:$j::1"
			elif [ "$k" -gt $((j + 1)) ]; then # right of node j (adjacent: k == j+1)
				route "$node" "198.18.$k.0/24" via "198.18.$((j + 1)).2"
				route "$node" "2001:2:0:$k::/64" via "2001:2:0:$((j + 1))::2"
			fi
		done
	done
	unset -f _chain_node
	P4=198.18.1.1 P6=2001:2:0:1::1
	T4=198.18.$last.2 T6=2001:2:0:$last::2
	for ((k = 1; k <= n; k++)); do
		R4[k]=198.18.$k.2
		R6[k]=2001:2:0:$k::2
	done
}

# fast_icmp SHORT: no ICMP error rate limit in SHORT (bursts of probes):
# neither the namespace's budget nor the per-destination one (1 a second,
# bursts of 6), which back-to-back runs of two tools would otherwise share
# in an order that depends on timing.
fast_icmp() {
	ns_sysctl "$1" net.ipv4.icmp_msgs_per_sec=1000000 net.ipv4.icmp_msgs_burst=1000000 \
		net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
}

# anyip_pair: pair, and t answering every address of 198.19.0.0/16 and
# 2001:2:1::/96 (AnyIP), routed there from p, with no ICMP rate limit in
# the way (a sweep's replies come at line rate).
anyip_pair() {
	pair
	must ip -n "$(nsn t)" route add local 198.19.0.0/16 dev lo
	must ip -n "$(nsn t)" -6 route add local 2001:2:1::/96 dev lo
	route p 198.19.0.0/16 via "$T4"
	route p 2001:2:1::/96 via "$T6"
	fast_icmp t
}

# sweep_bed: anyip_pair, and the sizes a sweep test uses: BITS (the IPv4
# prefix length of the block swept whole: /16, or /20 under ASan),
# V6BITS likewise for IPv6, N addresses in the IPv4 block; ECHOLOT.
sweep_bed() {
	ECHOLOT=$(dirname "$PING")/echolot
	case $PING in
	*build-asan*) BITS=20 V6BITS=120 ;;
	*) BITS=16 V6BITS=112 ;;
	esac
	N=$((1 << (32 - BITS)))
	anyip_pair
}

# expected CIDR [EXCLUDED_FILE]: every address of the block, less those
# of the zmap-format blocklist file, sorted as sort(1) sorts.
expected() {
	/usr/bin/python3 - "$@" <<'EOF' | LC_ALL=C sort
import ipaddress, sys
net = ipaddress.ip_network(sys.argv[1])
ex = []
if len(sys.argv) > 2:
    for line in open(sys.argv[2]):
        t = line.split('#')[0].strip()
        if t:
            ex.append(ipaddress.ip_network(t))
for a in net:
    if not any(a in e for e in ex):
        print(a)
EOF
}

# sweep_lossy WHAT ARGS...: t drops 30% of the echo requests (nftables
# table inet sweeploss, left for the caller to delete); a sweep of
# 198.19.0.0/17 with --retries 3 and ARGS finds >= 99% of it, each address
# once, nothing outside it.  An address is missed when all four of its
# requests are dropped, 0.3^4 = 0.81%: 99.19% expected, 0.05% (one sigma)
# over 32,768 addresses, so 99% is 3.8 sigma away.  Leaves OUT, ERR, found.
sweep_lossy() {
	local what=$1 dropped outside
	shift
	nft_load t 'table inet sweeploss {
	counter dropped { }
	chain in {
		type filter hook input priority 0;
		ip protocol icmp icmp type echo-request numgen random mod 100 < 30 counter name dropped drop
	}
}'
	run_in p "$ECHOLOT" sweep --rate max -q --retries 3 --wait 0.3 "$@" 198.19.0.0/17
	assert_eq "30% loss$what: exit status" 0 "$RC"
	found=$(printf '%s\n' "$OUT" | grep -c .)
	dropped=$(nft_counter t inet sweeploss dropped)
	log "30% loss, --retries 3$what: $found of 32768 found, $dropped requests dropped"
	CHECKS=$((CHECKS + 1))
	if [ "$found" -ge 32441 ] && [ "$dropped" -ge 7000 ]; then
		pass "retries$what"
	else
		fail "30% loss with --retries 3$what: $found of 32768 found (want >= 99%), $dropped dropped"
	fi
	outside=$(printf '%s\n' "$OUT" | grep -v '^198\.19\.\([0-9]\|[1-9][0-9]\|1[01][0-9]\|12[0-7]\)\.' | grep -c .)
	assert_eq "30% loss$what: nothing outside the set" 0 "$outside"
	assert_eq "30% loss$what: no address twice" "$found" "$(printf '%s\n' "$OUT" | sort -u | grep -c .)"
}

# sweep_forged ARGS...: t's kernel keeps quiet and tools/sweep_forger.py
# answers a sweep of 198.19.64.0/25 (with ARGS): honest (last octet % 4 ==
# 0) and doubled (% 4 == 3) replies are found, each once; a flipped tag
# (% 4 == 1) and a reply from .128 and above (% 4 == 2) never.
sweep_forged() {
	local forger want
	ns_sysctl t net.ipv4.icmp_echo_ignore_all=1
	bg_start t "$TMPD/forger" /usr/bin/python3 "$ROOT/tests/net/tools/sweep_forger.py" \
		--count 128 --lifetime 20
	forger=$BG_PID
	wait_for "$TMPD/forger" '^ready' || die "forger did not start: $(cat "$TMPD/forger")"
	run_in p "$ECHOLOT" sweep -v --rate 2000 --wait 0.5 --output-fields addr "$@" 198.19.64.0/25
	bg_stop "$forger"
	ns_sysctl t net.ipv4.icmp_echo_ignore_all=0
	want=$(for ((d = 0; d < 128; d++)); do
		case $((d % 4)) in 0 | 3) echo "198.19.64.$d" ;; esac
	done | LC_ALL=C sort)
	assert_eq "forged: only the honest replies, each once" "$want" \
		"$(printf '%s\n' "$OUT" | LC_ALL=C sort)"
	assert_match "forged: the forged ones were seen and refused" \
		'not credited: from 198\.19\.64\.1[0-9]* \(tag fails\)' "$ERR"
	assert_match "forged: the summary counts 64 alive" "128 probed, 64 alive" "$ERR"
}

# tchain C N: like lib.sh's `chain N`, with namespaces C-p, C-r1..C-rN, C-t
# (so that several chains coexist) and each node's routes added by one
# `ip -batch` (a chain of 30 has some 1900 routes).  Addresses as in
# `chain`: link k is 198.18.k.0/24 and 2001:2:0:k::/64, router k answers
# from 198.18.k.2 / 2001:2:0:k::2, the target is 198.18.(N+1).2.
tchain() {
	local c=$1 n=$2 last=$(($2 + 1)) j k a b node
	_tnode() {
		if [ "$1" -eq 0 ]; then echo "$c-p"
		elif [ "$1" -eq "$last" ]; then echo "$c-t"
		else echo "$c-r$1"; fi
	}
	for ((k = 0; k <= last; k++)); do
		ns_add "$(_tnode $k)"
	done
	for ((k = 1; k <= last; k++)); do
		[ $k -le "$n" ] && forwarding "$c-r$k"
		fast_icmp "$(_tnode $k)"
	done
	for ((k = 1; k <= last; k++)); do
		a=$(_tnode $((k - 1)))
		b=$(_tnode $k)
		veth "$a" right "$b" left
		addr "$a" right "198.18.$k.1/24" "2001:2:0:$k::1/64"
		addr "$b" left "198.18.$k.2/24" "2001:2:0:$k::2/64"
	done
	for ((j = 0; j <= last; j++)); do
		node=$(_tnode $j)
		for ((k = 1; k <= last; k++)); do
			if [ $k -lt $j ]; then
				echo "route add 198.18.$k.0/24 via 198.18.$j.1"
				echo "route add 2001:2:0:$k::/64 via 2001:2:0:$j::1"
			elif [ $k -gt $((j + 1)) ]; then
				echo "route add 198.18.$k.0/24 via 198.18.$((j + 1)).2"
				echo "route add 2001:2:0:$k::/64 via 2001:2:0:$((j + 1))::2"
			fi
		done >"$TMPD/routes"
		if [ -s "$TMPD/routes" ]; then
			ip -n "$(nsn "$node")" -batch "$TMPD/routes" || die "routes in $node"
		fi
	done
	unset -f _tnode
}

# ecmp_diamond: a load-balanced path, r1 spreading flows over ra and rb by
# an L4 hash (fib_multipath_hash_policy 1), r3 joining them again:
#
#   p - r1 =< ra >= r3 - t        link k: 198.18.k.0/24, 2001:2:0:k::/64
#            < rb >               p-r1 1, r1-ra 2, r1-rb 3, ra-r3 4,
#                                 rb-r3 5, r3-t 6; t is 198.18.6.2
#
# ECMP_V6HASH: 1 when the kernel hashes IPv6 ports too, else 0 (IPv6
# flows then share one path).
ecmp_diamond() {
	local n k o
	for n in p r1 ra rb r3 t; do
		ns_add $n
		fast_icmp $n
	done
	for n in r1 ra rb r3; do forwarding $n; done
	_elink() {
		veth "$1" "$3" "$2" "$4"
		addr "$1" "$3" "198.18.$5.1/24" "2001:2:0:$5::1/64"
		addr "$2" "$4" "198.18.$5.2/24" "2001:2:0:$5::2/64"
	}
	_elink p r1 right left 1
	_elink r1 ra pa left 2
	_elink r1 rb pb left 3
	_elink ra r3 right pa 4
	_elink rb r3 right pb 5
	_elink r3 t right left 6
	unset -f _elink
	route p 198.18.0.0/15 via 198.18.1.2
	route p 2001:2::/48 via 2001:2:0:1::2
	route t 198.18.0.0/15 via 198.18.6.1
	route t 2001:2::/48 via 2001:2:0:6::1
	for n in ra rb; do
		if [ $n = ra ]; then k=2 o=4; else k=3 o=5; fi
		route $n 198.18.0.0/15 via "198.18.$k.1"
		route $n 2001:2::/48 via "2001:2:0:$k::1"
		route $n 198.18.6.0/24 via "198.18.$o.2"
		route $n 2001:2:0:6::/64 via "2001:2:0:$o::2"
	done
	route r3 198.18.0.0/15 via 198.18.4.1
	route r3 2001:2::/48 via 2001:2:0:4::1
	ns_sysctl r1 net.ipv4.fib_multipath_hash_policy=1
	route r1 198.18.6.0/24 nexthop via 198.18.2.2 nexthop via 198.18.3.2
	route r1 198.18.4.0/24 via 198.18.2.2
	route r1 198.18.5.0/24 via 198.18.3.2
	route r1 2001:2:0:6::/64 nexthop via 2001:2:0:2::2 nexthop via 2001:2:0:3::2
	route r1 2001:2:0:4::/64 via 2001:2:0:2::2
	route r1 2001:2:0:5::/64 via 2001:2:0:3::2
	ECMP_V6HASH=0
	if ip netns exec "$(nsn r1)" sysctl -qw net.ipv6.fib_multipath_hash_policy=1 2>/dev/null; then
		ECMP_V6HASH=1
	fi
}

# --- reading ping output ---------------------------------------------------

# stats_line TEXT: the "N packets transmitted, ..." line without ", time Nms".
stats_line() {
	printf '%s\n' "$1" | grep -E '^[0-9]+ packets transmitted' | sed -E 's/, time [0-9]+ms$//'
}

# reply_seqs TEXT [DUP]: icmp_seq of the echo reply lines, space separated; only
# the "(DUP!)" lines when the second argument is "dup", else only the others.
reply_seqs() {
	local sel='-v'
	[ "${2:-}" = dup ] && sel=''
	printf '%s\n' "$1" | grep -E '^(\[[0-9.]+\] )?[0-9]+ bytes from ' | grep $sel -F '(DUP!)' |
		sed -nE 's/.* icmp_seq=([0-9]+) .*/\1/p' | tr '\n' ' ' | sed 's/ $//'
}

# assert_rtt DESC TEXT: a well formed rtt line with min <= avg <= max.
assert_rtt() {
	local line
	line=$(printf '%s\n' "$2" | grep -E '^rtt min/avg/max/mdev = ')
	CHECKS=$((CHECKS + 1))
	# ", pipe N" follows when probes overlapped (a loaded machine).
	if printf '%s\n' "$line" | grep -Eq '^rtt min/avg/max/mdev = [0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3} ms(, pipe [0-9]+)?$' &&
		printf '%s\n' "$line" | awk -F'[ /]' '{ exit !($7 <= $8 && $8 <= $9 && $10 >= 0) }'; then
		pass "$1"
		return 0
	fi
	fail "$1: bad or missing rtt line: '${line}'"
	_show_last
	return 1
}

# loss_pct TRANSMITTED RECEIVED: the loss as iputils prints it,
# printf("%g%%", (tx - rx) * 100.0 / tx).
loss_pct() {
	awk -v t="$1" -v r="$2" 'BEGIN { printf "%g%%\n", (t - r) * 100.0 / t }'
}

# mask_prog: normalize the program name that prefixes stderr messages
# ("/usr/bin/ping: ..." or "/tmp/x/ping6: ...") to "ping:".
mask_prog() {
	sed -E 's#^([^ :]*/)?ping6?: #ping: #'
}

# neigh_fast SHORT DEV: neighbour resolution on DEV gives up after ~0.6 s
# (3 probes 200 ms apart) instead of 3 s, so unanswered ARP/ND is quick.
neigh_fast() {
	ns_sysctl "$1" "net.ipv4.neigh.$2.retrans_time_ms=200" "net.ipv6.neigh.$2.retrans_time_ms=200" \
		"net.ipv4.neigh.$2.mcast_solicit=3" "net.ipv6.neigh.$2.mcast_solicit=3"
}

# wait_for FILE ERE [SECONDS]: wait (default up to 5 s) until a line of FILE
# matches ERE, e.g. a background server's "listening"; 1 if it never does.
wait_for() {
	local i n=$((${3:-5} * 10))
	for ((i = 0; i < n; i++)); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# bg_stop PID: end a process that bg_start started (its PID, e.g. BG_PID) and
# reap it; tcpdump writes out its capture on the way.
bg_stop() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# pcap_times FILE [FILTER]: the capture times (unix seconds, microseconds) of
# the packets in a pcap file, one a line.
pcap_times() {
	tcpdump -r "$1" -tt -nn ${2:+"$2"} 2>/dev/null | awk '{ print $1 }'
}

# neigh_static A DEV B DEV_B ADDR...: permanent neighbour entries in A for
# B's addresses (B's MAC on DEV_B), so that no ARP / ND runs inside a timed
# or captured exchange.
neigh_static() {
	local mac a
	mac=$(ip -n "$(nsn "$3")" -br link show "$4" | awk '{print $3}')
	[ -n "$mac" ] || die "no MAC address on $3:$4"
	for a in "${@:5}"; do
		must ip -n "$(nsn "$1")" neigh replace "$a" lladdr "$mac" dev "$2" nud permanent
	done
}

# pair: prober p and target t on one veth pair (vp, vt), P4/T4 =
# 198.18.0.1/2 and P6/T6 = 2001:2::1/2, static neighbours both ways, and no
# default route in either (checked).  The benchmarks' bed.
pair() {
	local ns
	P4=198.18.0.1 T4=198.18.0.2
	P6=2001:2::1 T6=2001:2::2
	ns_add p
	ns_add t
	veth p vp t vt
	addr p vp "$P4/24" "$P6/64"
	addr t vt "$T4/24" "$T6/64"
	neigh_static p vp t vt "$T4" "$T6"
	neigh_static t vt p vp "$P4" "$P6"
	for ns in p t; do
		if ip -n "$(nsn $ns)" route show default | grep -q . ||
			ip -n "$(nsn $ns)" -6 route show default | grep -q .; then
			die "$(nsn $ns) has a default route"
		fi
	done
}

# slow_dns_start NS LOG PTR...: tools/slow_dns.py in NS on 127.0.0.1:53
# (PTR: ADDR=NAME:DELAY_SECONDS, see there), its query log in LOG, for 30 s
# at most; DNS_PID is its PID (bg_stop it).  The namespace's resolv.conf
# must point at 127.0.0.1.
slow_dns_start() {
	local ns=$1 dlog=$2 p args=()
	shift 2
	for p in "$@"; do args+=(--ptr "$p"); done
	: >"$dlog"
	bg_start "$ns" "$dlog.out" /usr/bin/python3 "$ROOT/tests/net/tools/slow_dns.py" \
		--listen 127.0.0.1 --port 53 --log "$dlog" --lifetime 30 "${args[@]}"
	DNS_PID=$BG_PID
	wait_for "$dlog.out" '^slow_dns: listening' || die "slow_dns did not start: $(cat "$dlog.out")"
}
