#!/bin/bash
# net: serial (it measures a rate or a timing: alone, see run.sh)
# t_stamps: RTTs come from kernel timestamps, so a reply that waits in the
# socket queue before the pinger reads it is timed by when it arrived, not by
# when it was read.
#
# Prober p and target t on one veth pair (lib.sh `chain 0`), neighbours
# static (no ARP / ND on the way). Every echo reply reaches p DELAY_MS after
# its request: delayed by netem on t's link when the kernel has it, else by a
# small delaying echo responder in t (tools/delay_responder.py; the kernel's own echo
# replies are then switched off).
#
# One scenario: the pinger sends 3 requests at once (-l 3 -c 3), is stopped
# (SIGSTOP) once nft counters in p show all 3 requests out and no reply in,
# and continued (SIGCONT) HOLD_MS later, once the counters show all 3 replies
# in. So the replies sat in the socket queue for most of HOLD_MS. Every
# precondition is checked (requests out before the stop, the process really
# in state T, no reply before the stop, all replies in before the
# continue); when one fails the scenario is tried again, and after
# ATTEMPTS failures the test fails, never passes without the proof.
#   - normal mode (send and receive stamps), v4 and v6: exit 0, 3 received,
#     rtt min >= 0.9 DELAY_MS and max < DELAY_MS + 300 ms;
#   - flood mode -f (receive stamps only), v4 and v6: the same;
#   - -U (user-to-user latency, measured in user space: the stopped time
#     counts): rtt min >= 0.8 HOLD_MS, which shows the scenario can tell the
#     two apart.
# The same runs with iputils ($REF_PING) are logged, not checked.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd nft jq
need_ping

DELAY_MS=${STAMPS_DELAY_MS:-300} # reply delay on the wire
HOLD_MS=${STAMPS_HOLD_MS:-1200}  # how long the pinger stays stopped
ATTEMPTS=3                       # tries to arrange one scenario
RUN_LIMIT=15                     # seconds any one pinger may run

# --- a stopped pinger must never outlive a failure --------------------------
# lib.sh's cleanup sends SIGTERM and waits, which a stopped process would
# never act on: continue it first.
STOPPED_PID=
# shellcheck disable=SC2317 # run by the EXIT trap
_stamps_exit() {
	local rc=$?
	[ -n "$STOPPED_PID" ] && kill -CONT "$STOPPED_PID" 2>/dev/null
	(exit "$rc")
	cleanup
}
trap _stamps_exit EXIT

# --- topology ---------------------------------------------------------------
chain 0

neigh_static p right t left "$T4" "$T6"
neigh_static t left p right "$P4" "$P6"

# Counters in p: echo requests out, echo replies in (both families).
nft_load p '
table inet stamps {
	counter req {}
	counter rep {}
	chain out {
		type filter hook output priority 0;
		icmp type echo-request counter name req
		icmpv6 type echo-request counter name req
	}
	chain in {
		type filter hook input priority 0;
		icmp type echo-reply counter name rep
		icmpv6 type echo-reply counter name rep
	}
}'
reset_counts() {
	ip netns exec "$(nsn p)" nft reset counters table inet stamps >/dev/null ||
		die "cannot reset the nft counters in p"
}
# counts: "REQUESTS REPLIES" seen by p's counters; "-1 -1" when they cannot
# be read, which fails every precondition below.
counts() {
	local r
	r=$(ip netns exec "$(nsn p)" nft -j list counters table inet stamps |
		jq -r '[.nftables[] | select(.counter) | {(.counter.name): .counter.packets}] | add | "\(.req) \(.rep)"')
	[[ $r =~ ^[0-9]+\ [0-9]+$ ]] || r="-1 -1"
	printf '%s\n' "$r"
}

# The delay: netem on t's side of the link, else a delaying responder in t.
netem() {
	command -v tc >/dev/null &&
		ip netns exec "$(nsn t)" tc qdisc add dev left root netem delay "${DELAY_MS}ms" 2>/dev/null
}
DELAY_BY=
if netem || { command -v modprobe >/dev/null && modprobe sch_netem 2>/dev/null && netem; }; then
	DELAY_BY=netem
elif [ -x /usr/bin/python3 ]; then
	DELAY_BY=responder
	ns_sysctl t net.ipv4.icmp_echo_ignore_all=1 net.ipv6.icmp.echo_ignore_all=1
else
	skip "neither netem (sch_netem) nor python3 for a delaying responder"
fi
log "replies delayed ${DELAY_MS} ms by $DELAY_BY; pinger stopped for ${HOLD_MS} ms"


start_responder() {
	local i
	RESP_OUT=$TMPD/responder.$1.out
	: >"$RESP_OUT"
	timeout -k 2 $((RUN_LIMIT + 5)) ip netns exec "$(nsn t)" \
		/usr/bin/python3 "$ROOT/tests/net/tools/delay_responder.py" "$1" "$DELAY_MS" 3 "$RUN_LIMIT" >"$RESP_OUT" 2>&1 </dev/null &
	RESP_PID=$!
	_PIDS+=("$RESP_PID")
	for ((i = 0; i < 100; i++)); do
		grep -q '^ready' "$RESP_OUT" && return 0
		kill -0 "$RESP_PID" 2>/dev/null || break
		sleep 0.05
	done
	die "delaying responder did not start: $(cat "$RESP_OUT")"
}

stop_responder() {
	kill "$RESP_PID" 2>/dev/null
	wait "$RESP_PID" 2>/dev/null
	RESP_LOG=$(tail -n1 "$RESP_OUT")
}

# pstate PID: the state letter from /proc/PID/stat (after the "(comm)").
pstate() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	s=${s##*) }
	printf '%s\n' "${s%% *}"
}

now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# scenario FAMILY BINARY ARGS...: one try of the stop/continue scenario. Sets
# OUT, RC, LAST_CMD, and WHY (empty when every precondition held, else what
# went wrong; then OUT and RC are not to be trusted).
scenario() {
	local fam=$1 bin=$2 pid exe want c req rep i t_stop t_cont stopped_ms
	shift 2
	WHY='' OUT='' ERR='' RC=''
	# shellcheck disable=SC2034 # read by lib.sh's _show_last
	LAST_CMD="[p] $bin $*"
	reset_counts
	[ "$DELAY_BY" = responder ] && start_responder "$fam"
	want=$(readlink -f "$bin")
	ip netns exec "$(nsn p)" "$bin" "$@" >"$TMPD/out" 2>"$TMPD/err" </dev/null &
	pid=$!
	_PIDS+=("$pid")
	# `ip netns exec` execs the pinger: same PID. Make sure it is the pinger.
	for ((i = 0; i < 200; i++)); do
		exe=$(readlink "/proc/$pid/exe" 2>/dev/null)
		[ "$exe" = "$want" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.01
	done
	if [ "$exe" != "$want" ] && ! kill -0 "$pid" 2>/dev/null; then
		WHY="the pinger ended before it could be stopped (replies too soon?)"
	elif [ "$exe" != "$want" ]; then
		WHY="PID $pid is not the pinger $want (exe: ${exe:-?})"
	else
		# Wait for the 3 requests to leave, then stop at once.
		for ((i = 0; i < 300; i++)); do
			c=$(counts)
			req=${c% *} rep=${c#* }
			[ "$req" -ge 3 ] && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.01
		done
		if ! kill -0 "$pid" 2>/dev/null; then
			WHY="the pinger ended before it could be stopped (counters: $c; replies too soon?)"
		elif [ "${req:-0}" -lt 3 ]; then
			WHY="the requests did not leave (counters: $c)"
		else
			kill -STOP "$pid"
			STOPPED_PID=$pid
			for ((i = 0; i < 200; i++)); do
				[ "$(pstate "$pid")" = T ] && break
				sleep 0.005
			done
			t_stop=$(now_ms)
			c=$(counts)
			req=${c% *} rep=${c#* }
			if [ "$(pstate "$pid")" != T ]; then
				WHY="pinger not in state T after SIGSTOP (state $(pstate "$pid"))"
			elif [ "$rep" -ne 0 ]; then
				WHY="$rep repl(y/ies) arrived before the pinger was stopped (counters: $c): the stop came too late"
			elif [ "$req" -ne 3 ]; then
				WHY="$req requests out when stopped, not 3"
			else
				# Hold, then all replies must be in while it is still stopped.
				sleep "$(awk -v m="$HOLD_MS" 'BEGIN { printf "%.3f", m / 1000 }')"
				c=$(counts)
				rep=${c#* }
				if [ "$(pstate "$pid")" != T ]; then
					WHY="pinger left state T while it should be stopped"
				elif [ "$rep" -ne 3 ]; then
					WHY="only $rep of 3 replies arrived while the pinger was stopped (counters: $c)"
				fi
			fi
			t_cont=$(now_ms)
			kill -CONT "$pid"
			STOPPED_PID=
			stopped_ms=$((t_cont - t_stop))
		fi
	fi
	# Bounded wait for the pinger's end.
	for ((i = 0; i < RUN_LIMIT * 20; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		WHY="${WHY:+$WHY; }pinger still running after ${RUN_LIMIT}s, killed"
	fi
	wait "$pid"
	RC=$?
	OUT=$(cat "$TMPD/out")
	ERR=$(cat "$TMPD/err")
	RESP_LOG=
	[ "$DELAY_BY" = responder ] && stop_responder
	[ -z "$WHY" ] && [ "${stopped_ms:-0}" -lt "$HOLD_MS" ] &&
		WHY="stopped for only ${stopped_ms} ms"
	STOPPED_MS=${stopped_ms:-?}
	return 0
}

# arrange LABEL FAMILY BINARY ARGS...: the scenario, tried up to ATTEMPTS
# times until every precondition holds. Returns 1 (and has counted a
# failure) when it never did.
arrange() {
	local label=$1 k
	shift
	for ((k = 1; k <= ATTEMPTS; k++)); do
		scenario "$@"
		[ -z "$WHY" ] && return 0
		log "$label: attempt $k of $ATTEMPTS could not arrange the scenario: $WHY"
	done
	CHECKS=$((CHECKS + 1))
	fail "$label: the scenario (replies queued while the pinger is stopped) could not be arranged in $ATTEMPTS attempts: $WHY"
	_show_last
	return 1
}

rtt_line() { printf '%s\n' "$1" | grep -E '^rtt min/avg/max/mdev = '; }

# rtt_check DESC EXPR: EXPR (awk, on min avg max in ms) holds for the rtt line.
rtt_check() {
	local line
	line=$(rtt_line "$OUT")
	CHECKS=$((CHECKS + 1))
	if [ -n "$line" ] && printf '%s\n' "$line" |
		awk -F'[ /]' -v d="$DELAY_MS" -v h="$HOLD_MS" "{ min = \$7; avg = \$8; max = \$9; exit !($2) }"; then
		pass "$1"
		return 0
	fi
	fail "$1: rtt line '${line:-(none)}' does not satisfy $2 (DELAY_MS=$DELAY_MS HOLD_MS=$HOLD_MS)"
	_show_last
	return 1
}

# show LABEL: log what the run printed (the reply lines, statistics, rtt).
show() {
	log "$1: exit $RC, stopped ${STOPPED_MS} ms${RESP_LOG:+, responder: $RESP_LOG}"
	printf '%s\n' "$OUT" | grep -E 'bytes from|packets transmitted|^rtt ' | sed "s/^/    /"
	[ -n "$ERR" ] && printf '%s\n' "$ERR" | sed "s/^/    stderr: /"
	return 0
}

common_checks() {
	assert_eq "$1: exit status" 0 "$RC"
	assert_eq "$1: statistics" "3 packets transmitted, 3 received, 0% packet loss" "$(stats_line "$OUT")"
	# iputils adds ", pipe N" (3 in flight) and in flood mode ", ipg/ewma a/b ms".
	assert_match "$1: rtt line" \
		'^rtt min/avg/max/mdev = [0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3} ms(, pipe [0-9]+)?(, ipg/ewma [0-9.]+/[0-9.]+ ms)?$' \
		"$OUT"
}

# --- echolot: kernel stamps keep the queued time out ------------------------
for fam in 4 6; do
	if [ $fam = 4 ]; then T=$T4; else T=$T6; fi
	for mode in normal flood; do
		label="v$fam $mode"
		if [ $mode = normal ]; then
			args=(-"$fam" -n -c 3 -l 3 -i 0.2 "$T")
		else
			args=(-"$fam" -n -f -c 3 -l 3 "$T")
		fi
		arrange "$label" "$fam" "$PING" "${args[@]}" || continue
		show "$label"
		common_checks "$label"
		rtt_check "$label: min rtt >= 0.9 x the wire delay" "min >= 0.9 * d"
		rtt_check "$label: max rtt < wire delay + 300 ms (not the queued time)" "max < d + 300"
	done
done

# --- echolot -U: user-to-user times include the stopped time ----------------
label="v4 -U"
if arrange "$label" 4 "$PING" -4 -n -U -c 3 -l 3 -i 0.2 "$T4"; then
	show "$label"
	common_checks "$label"
	rtt_check "$label: min rtt >= 0.8 x the stopped time (user-space times)" "min >= 0.8 * h"
fi

# --- iputils, the same scenarios: logged only -------------------------------
if optional "the reference pinger $REF_PING (iputils-ping)" [ -x "$REF_PING" ]; then
	for run in "v4 normal|4|-4 -n -c 3 -l 3 -i 0.2 $T4" \
		"v4 flood|4|-4 -n -f -c 3 -l 3 $T4" \
		"v6 normal|6|-6 -n -c 3 -l 3 -i 0.2 $T6" \
		"v6 flood|6|-6 -n -f -c 3 -l 3 $T6" \
		"v4 -U|4|-4 -n -U -c 3 -l 3 -i 0.2 $T4"; do
		IFS='|' read -r label fam argstr <<<"$run"
		read -ra args <<<"$argstr"
		scenario "$fam" "$REF_PING" "${args[@]}"
		if [ -n "$WHY" ]; then
			log "iputils $label: scenario not arranged ($WHY)"
		else
			show "iputils $label"
		fi
	done
fi

finish
