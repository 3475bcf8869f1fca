#!/bin/bash
# t_hostile: replies and ICMP errors that anyone on the path could forge
# (issue 5: ping runs with network privileges and parses bytes from strangers).
#
# Topology: LANES independent pairs (default 8), prober p<k> (198.18.k.1,
# 2001:2:0:k::1) - target t<k> (198.18.k.2, 2001:2:0:k::2), one veth each.
# In every target the kernel's echo replies are off; tests/net/tools/responder.c
# (built here) answers the prober's echo requests as the scenario says: a
# forged reply, several, an ICMP error quoting the request well or badly, IP
# options, lying IP headers, IPv6 extension headers... Scenarios run in
# parallel, one lane each at a time, each as
#     $PING -c 3 -i 0.2 -W 1 -n <target>
# and each asserts the exact outcome: exit status, statistics line, reply and
# From lines, the whole output (times masked), an empty stderr (so also no
# sanitizer report with PING=build-asan/ping), and that the responder answered
# all three requests (so "nothing arrived" cannot pass by accident).
#
# The expected outcomes are iputils 20221126's, with echolot's deliberate
# differences: a reply with a bad checksum is marked "(BAD CHECKSUM!)" and
# counted in "+N corrupted", not as received; a reply with a foreign identifier
# or a sequence number never sent is never counted; one without the probe's tag
# (the first 8 data bytes: SipHash under a per-run key) is marked "(BAD TAG!)"
# and counted in "+N corrupted"; an ICMP error whose quoted
# datagram is truncated, bogus (wrong IP version, lying IHL or extension
# header), fails its checksum, or names a probe never sent is never attributed
# to a probe (no From line, no error); IP options on a reply are shown as
# iputils shows them (it does so whether or not -R/-T asked for them). Where
# iputils shows a size it did not receive whole (its 192-byte receive buffer),
# the true size is expected.
#
# What the kernel does before ping sees anything (verified on Linux 6.x): it
# drops IPv4 datagrams whose IHL is < 5 or longer than the datagram, whose
# total length exceeds it, or whose options are malformed (zero length, length
# past the header, record route pointer < 4) or carry a source route
# (accept_source_route is off); it trims a datagram to its total length; it
# writes its own address into a record route option with room, and bumps the
# overflow count of a full timestamp option; it drops ICMPv6 messages with a
# bad checksum and ICMP/ICMPv6 messages shorter than their filter needs, and
# holds a lone non-first IPv6 fragment for reassembly.
#
# Environment: HOSTILE_LANES (parallel pairs), HOSTILE_ONLY (an ERE: run only
# the scenarios whose "name/v4" or "name/v6" matches).
. "$(dirname "$0")/lib.sh"
need_root
need_cmd cc
need_ping

LANES=${HOSTILE_LANES:-8}
T0=$(date +%s)

RESP=$TMPD/responder
cc -O2 -Wall -Wextra -Werror -o "$RESP" "$ROOT/tests/net/tools/responder.c" ||
	die "cannot build tests/net/tools/responder.c"

# --- the scenarios and what each must print --------------------------------
#
# def NAME FAMILIES EXIT STATS RTT BODY [loose]
#   FAMILIES 4, 6 or 46; STATS the statistics line without ", time Nms"; RTT
#   yes when an rtt line follows it; BODY the lines between the header and the
#   statistics block, with @T@ (target), @A@ (the responder's other address),
#   @P@ (prober), @TAB@ (a tab), @BLANK@ (an empty line). "loose": BODY
#   lines are EREs, compared line by line instead of for equality.
S_NAME=() S_FAM=() S_RC=() S_STATS=() S_RTT=() S_BODY=() S_LOOSE=()
def() {
	local f
	for f in $(echo "$2" | grep -o .); do
		S_NAME+=("$1") S_FAM+=("$f") S_RC+=("$3") S_STATS+=("$4")
		S_RTT+=("$5") S_BODY+=("$6") S_LOOSE+=("${7:-}")
	done
}

# each LINE...: LINE... for icmp_seq 1, 2 and 3 (@N@ is the sequence number).
each() {
	local n
	for n in 1 2 3; do printf '%s\n' "$@" | sed "s/@N@/$n/g"; done
}

OK3="3 packets transmitted, 3 received, 0% packet loss"
LOSS3="3 packets transmitted, 0 received, 100% packet loss"
ERR3="3 packets transmitted, 0 received, +3 errors, 100% packet loss"
BAD3="3 packets transmitted, 0 received, +3 corrupted, 100% packet loss"
DUP2="3 packets transmitted, 3 received, +2 duplicates, 0% packet loss"
REPLY="64 bytes from @T@: icmp_seq=@N@ ttl=64 time=X ms"
NONE=""

# Replies, both families.
def normal 46 0 "$OK3" yes "$(each "$REPLY")"
def foreign-id 46 1 "$LOSS3" no "$NONE"         # never counted (and filtered)
def seq-unsent 46 1 "$LOSS3" no "$NONE"         # iputils: 3 received, icmp_seq=1001..
def dup 46 0 "$DUP2" yes "$(printf '%s\n' "$REPLY" "$REPLY (DUP!)" | sed 's/@N@/1/'
	printf '%s\n' "$REPLY" "$REPLY (DUP!)" | sed 's/@N@/2/'
	printf '%s\n' "$REPLY" | sed 's/@N@/3/')"
# Every probe's data starts with an 8-byte tag (SipHash under a per-run key):
# a reply from the target with our identifier and a sequence we sent but
# without the tag, or with a wrong one, is shown marked "(BAD TAG!)" with no
# time, and counted as corrupted, never as received (iputils: "8 bytes from
# ...: icmp_seq=1 ttl=64 (truncated)", and the altered tag byte unnoticed, 3
# received).
def trunc8 46 1 "$BAD3" no "$(each "8 bytes from @T@: icmp_seq=@N@ ttl=64 (truncated) (BAD TAG!)")"
def wrongtag 46 1 "$BAD3" no "$(each "64 bytes from @T@: icmp_seq=@N@ ttl=64 (BAD TAG!)")"
def replay 46 0 "3 packets transmitted, 1 received, +2 corrupted, 66.6667% packet loss" yes \
	"$(printf '%s\n' "$REPLY" | sed 's/@N@/1/'
	printf '%s\n' "64 bytes from @T@: icmp_seq=2 ttl=64 (BAD TAG!)" \
		"64 bytes from @T@: icmp_seq=3 ttl=64 (BAD TAG!)")"       # 2 and 3 carry the data of 1 and 2
def trunc16 46 0 "$OK3" yes "$(each "16 bytes from @T@: icmp_seq=@N@ ttl=64 (truncated)")"
def trunc20 46 0 "$OK3" yes "$(each "20 bytes from @T@: icmp_seq=@N@ ttl=64 (truncated)")"
def wrongbyte 46 0 "$OK3" yes "$(each "$REPLY" \
	"wrong data byte #24 should be 0x18 but was 0xaa" \
	"#16@TAB@10 11 12 13 14 15 16 17 aa 19 1a 1b 1c 1d 1e 1f 20 21 22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f " \
	"#48@TAB@30 31 32 33 34 35 36 37 ")"
def bigger 46 0 "$OK3" yes "$(each "164 bytes from @T@: icmp_seq=@N@ ttl=64 time=X ms")"
def othersrc 46 0 "$OK3" yes "$(each "64 bytes from @A@: icmp_seq=@N@ ttl=64 time=X ms (DIFFERENT ADDRESS!)")"
def echoreq 46 1 "$LOSS3" no "$NONE"            # an echo request is no reply
def icmp1 46 1 "$LOSS3" no "$NONE"              # 1 byte of ICMP
def tiny 46 1 "$LOSS3" no "$NONE"               # a 1-byte datagram
# A 65000-byte datagram (iputils shows 172 / 4208 bytes: its buffer's size).
def big 4 0 "$OK3" yes "$(each "64980 bytes from @T@: icmp_seq=@N@ ttl=64 time=X ms")"
def big 6 0 "$OK3" yes "$(each "64960 bytes from @T@: icmp_seq=@N@ ttl=64 time=X ms")"
# Bad checksums: a raw IPv4 socket sees them; the kernel drops bad ICMPv6.
def badsum 4 1 "$BAD3" no "$(each "$REPLY (BAD CHECKSUM!)")"
def badsum 6 1 "$LOSS3" no "$NONE"
# Truncated and corrupted: the line stops at "(truncated)" as iputils does
# (where the marker goes is not pinned), counted as corrupted.
def badsum-trunc20 4 1 "$BAD3" no "$(each "^20 bytes from @T@: icmp_seq=@N@ ttl=64 .*")" loose
def icmp4 6 1 "$LOSS3" no "$NONE"               # 4 bytes of ICMPv6

# IPv4 headers that lie.
def ihl-big 4 1 "$LOSS3" no "$NONE"
def ihl-small 4 1 "$LOSS3" no "$NONE"
def totlen-big 4 1 "$LOSS3" no "$NONE"
def totlen-small 4 0 "$OK3" yes "$(each "20 bytes from @T@: icmp_seq=@N@ ttl=64 (truncated)")"
def trailer 4 0 "$OK3" yes "$(each "$REPLY")"

# IPv4 options on the reply, shown as iputils' pr_options shows them.
def opt-nop 4 0 "$OK3" yes "$(each "$REPLY" NOP NOP NOP NOP)"
def opt-eol 4 0 "$OK3" yes "$(each "$REPLY")"
SAME="64 bytes from @T@: icmp_seq=@N@ ttl=64 time=X ms@TAB@(same route)"
def opt-rr-empty 4 0 "$OK3" yes "$(printf '%s\n' "$REPLY" "RR: @TAB@@P@" @BLANK@ | sed 's/@N@/1/'
	printf '%s\n' "$SAME" | sed 's/@N@/2/'
	printf '%s\n' "$SAME" | sed 's/@N@/3/')"
RR9=$(printf '%s\n' "$REPLY" "RR: @TAB@198.19.7.1"; for i in 2 3 4 5 6 7 8 9; do echo "@TAB@198.19.7.$i"; done; echo @BLANK@)
def opt-rr-full 4 0 "$OK3" yes "$(printf '%s\n' "$RR9" | sed 's/@N@/1/'
	printf '%s\n' "$SAME" | sed 's/@N@/2/'
	printf '%s\n' "$SAME" | sed 's/@N@/3/')"
def opt-rr-ptr-high 4 0 "$OK3" yes "$(printf '%s\n' "$RR9" | sed 's/@N@/1/'
	printf '%s\n' "$SAME" | sed 's/@N@/2/'
	printf '%s\n' "$SAME" | sed 's/@N@/3/')"
def opt-rr-ptr-low 4 1 "$LOSS3" no "$NONE"
def opt-ts 4 0 "$OK3" yes "$(each "$REPLY" "TS: @TAB@1000 absolute" "@TAB@500" "Unrecorded hops: 1" @BLANK@)"
def opt-lsrr 4 1 "$LOSS3" no "$NONE"
def opt-ssrr 4 1 "$LOSS3" no "$NONE"
def opt-unknown 4 0 "$OK3" yes "$(each "$REPLY" "unknown option 1e")"
def opt-overrun 4 1 "$LOSS3" no "$NONE"
def opt-zerolen 4 1 "$LOSS3" no "$NONE"

# ICMPv4 errors: quoting the probe well, truncated (4 bytes of the inner
# ICMP header), bogus (inner version 6).
HOST_UNR="From @T@ icmp_seq=@N@ Destination Host Unreachable"
def unreach-good 4 1 "$ERR3" no "$(each "$HOST_UNR")"
def unreach-whole 4 1 "$ERR3" no "$(each "$HOST_UNR")"        # the whole probe quoted
def unreach-trunc 4 1 "$LOSS3" no "$NONE"
def unreach-bogus 4 1 "$LOSS3" no "$NONE"       # iputils: counts it (the kernel does not check the version)
def unreach-trunc-ip 4 1 "$LOSS3" no "$NONE"    # 12 bytes of inner IP header
def unreach-ihl-long 4 1 "$LOSS3" no "$NONE"    # inner IHL 15 in a 28-byte quote
def unreach-ihl-short 4 1 "$LOSS3" no "$NONE"   # inner IHL 3
def unreach-badsum 4 1 "$LOSS3" no "$NONE"      # iputils: the kernel drops it
def unreach-foreign-id 4 1 "$LOSS3" no "$NONE"
def unreach-seq-unsent 4 1 "$LOSS3" no "$NONE"  # iputils: "icmp_seq=1001", +3 errors
def unreach-otherdst 4 1 "$LOSS3" no "$NONE"    # a probe to another address
def fragneeded-good 4 1 "$ERR3" no "$(each "From @T@ icmp_seq=@N@ Frag needed and DF set (mtu = 1400)")"
def timxceed-good 4 1 "$ERR3" no "$(each "From @T@ icmp_seq=@N@ Time to live exceeded")"
def timxceed-trunc 4 1 "$LOSS3" no "$NONE"
def timxceed-bogus 4 1 "$LOSS3" no "$NONE"
def paramprob-good 4 1 "$ERR3" no "$(each "From @T@ icmp_seq=@N@ Parameter problem: pointer = 20")"
def paramprob-trunc 4 1 "$LOSS3" no "$NONE"
def paramprob-bogus 4 1 "$LOSS3" no "$NONE"
# Source quench and redirect: advice, shown with a colon, never counted.
def quench-good 4 1 "$LOSS3" no "$(each "From @T@: icmp_seq=@N@ Source Quench")"
def quench-trunc 4 1 "$LOSS3" no "$NONE"
def quench-bogus 4 1 "$LOSS3" no "$NONE"
def redirect-good 4 1 "$LOSS3" no "$(each "From @T@: icmp_seq=@N@ Redirect Host(New nexthop: 198.19.7.31)")"
def redirect-trunc 4 1 "$LOSS3" no "$NONE"
def redirect-bogus 4 1 "$LOSS3" no "$NONE"
def redirect-badsum 4 1 "$LOSS3" no "$(each "From @T@: icmp_seq=@N@ (BAD CHECKSUM)Redirect Host(New nexthop: 198.19.7.31)")"

# ICMPv6 errors.
ADDR_UNR="From @T@ icmp_seq=@N@ Destination unreachable: Address unreachable"
def unreach6-good 6 1 "$ERR3" no "$(each "$ADDR_UNR")"
def unreach6-trunc 6 1 "$LOSS3" no "$NONE"
def unreach6-bogus 6 1 "$LOSS3" no "$NONE"     # inner version 4; iputils counts it
def unreach6-trunc-ip 6 1 "$LOSS3" no "$NONE"  # 20 bytes of inner IPv6 header
def unreach6-badsum 6 1 "$LOSS3" no "$NONE"
def unreach6-foreign-id 6 1 "$LOSS3" no "$NONE"
def unreach6-seq-unsent 6 1 "$LOSS3" no "$NONE" # iputils: "icmp_seq=1001", +3 errors
def unreach6-otherdst 6 1 "$LOSS3" no "$NONE"
def toobig6-good 6 1 "$ERR3" no "$(each "From @T@ icmp_seq=@N@ Packet too big: mtu=1280")"
def toobig6-trunc 6 1 "$LOSS3" no "$NONE"
def toobig6-bogus 6 1 "$LOSS3" no "$NONE"
def timxceed6-good 6 1 "$ERR3" no "$(each "From @T@ icmp_seq=@N@ Time exceeded: Hop limit")"
def timxceed6-trunc 6 1 "$LOSS3" no "$NONE"
def timxceed6-bogus 6 1 "$LOSS3" no "$NONE"
def paramprob6-good 6 1 "$ERR3" no "$(each "From @T@ icmp_seq=@N@ Parameter problem: Unknown header at 40")"
def paramprob6-trunc 6 1 "$LOSS3" no "$NONE"
def paramprob6-bogus 6 1 "$LOSS3" no "$NONE"

# IPv6 extension headers: on the reply itself, and in the quoted datagram.
def reply-hbh 6 0 "$OK3" yes "$(each "$REPLY")"
def reply-dst 6 0 "$OK3" yes "$(each "$REPLY")"
def reply-frag0 6 0 "$OK3" yes "$(each "$REPLY")"      # an atomic fragment
def reply-fragN 6 1 "$LOSS3" no "$NONE"                # a lone later fragment
def unreach6-hbh 6 1 "$ERR3" no "$(each "$ADDR_UNR")"
def unreach6-dst 6 1 "$ERR3" no "$(each "$ADDR_UNR")"
def unreach6-frag0 6 1 "$ERR3" no "$(each "$ADDR_UNR")"
def unreach6-fragN 6 1 "$LOSS3" no "$NONE"             # no ICMPv6 header in a later fragment
def unreach6-hbh-overrun 6 1 "$LOSS3" no "$NONE"       # hop-by-hop longer than the quote

# Every scenario the responder knows is tested, and nothing it does not know.
known=$("$RESP" -l | awk '{ n = split($2, f, ""); for (i = 1; i <= n; i++) print $1 "/v" f[i] }' |
	grep -v '^nothing/' | sort)
defined=$(for i in "${!S_NAME[@]}"; do echo "${S_NAME[i]}/v${S_FAM[i]}"; done | sort)
assert_lines "the scenario table covers the responder's scenarios" "$known" "$defined"

SEL=()
for i in "${!S_NAME[@]}"; do
	if [ -z "${HOSTILE_ONLY:-}" ] || echo "${S_NAME[i]}/v${S_FAM[i]}" | grep -Eq -- "$HOSTILE_ONLY"; then
		SEL+=("$i")
	fi
done
[ ${#SEL[@]} -gt 0 ] || die "HOSTILE_ONLY=$HOSTILE_ONLY selects no scenario"
[ "$LANES" -gt ${#SEL[@]} ] && LANES=${#SEL[@]}

# --- the lanes -------------------------------------------------------------

MAC=()
for ((k = 1; k <= LANES; k++)); do
	ns_add "p$k"
	ns_add "t$k"
	veth "p$k" right "t$k" left
	addr "p$k" right "198.18.$k.1/24" "2001:2:0:$k::1/64"
	addr "t$k" left "198.18.$k.2/24" "2001:2:0:$k::2/64"
	ns_sysctl "t$k" net.ipv4.icmp_echo_ignore_all=1 net.ipv6.icmp.echo_ignore_all=1
	MAC[k]=$(ip netns exec "$(nsn "p$k")" cat /sys/class/net/right/address) || die "MAC of p$k"
done

# run_one I K: scenario I in lane K; leaves s$I.{out,err,rc,resp,resprc,cmd}.
run_one() {
	local i=$1 k=$2 fam=${S_FAM[$1]} name=${S_NAME[$1]} t a rpid n f=$TMPD/s$1
	if [ "$fam" = 4 ]; then t=198.18.$k.2 a=198.18.$k.99; else t=2001:2:0:$k::2 a=2001:2:0:$k::99; fi
	timeout -k 2 20 ip netns exec "$(nsn "t$k")" "$RESP" "-$fam" -s "$name" -i left \
		-m "${MAC[k]}" -a "$a" -t 10 -n 3 >"$f.resp" 2>&1 </dev/null &
	rpid=$!
	# Up to 10 s: eight lanes and a neighbouring test share two CPUs (a
	# CI rehearsal under ASan once sent the first request to a responder
	# that had no socket yet).  The log says so if it never came.
	for ((n = 0; n < 500; n++)); do
		grep -qx ready "$f.resp" 2>/dev/null && break
		kill -0 "$rpid" 2>/dev/null || break
		sleep 0.02
	done
	grep -qx ready "$f.resp" 2>/dev/null ||
		log "$name/v$fam in lane $k: the responder was not ready after 10 s"
	echo "[p$k] $PING -c 3 -i 0.2 -W 1 ${EXTRA:-}-n $t   (responder -$fam -s $name in t$k)" >"$f.cmd"
	# shellcheck disable=SC2086 # EXTRA: words
	timeout -k 2 15 ip netns exec "$(nsn "p$k")" "$PING" -c 3 -i 0.2 -W 1 ${EXTRA:-} -n "$t" \
		>"$f.out" 2>"$f.err" </dev/null
	echo $? >"$f.rc"
	# The responder ends after the third request; give it a moment, then
	# stop it (it still reports what it did).
	for ((n = 0; n < 20; n++)); do
		kill -0 "$rpid" 2>/dev/null || break
		sleep 0.05
	done
	kill "$rpid" 2>/dev/null
	wait "$rpid"
	echo $? >"$f.resprc"
}

LANE_PIDS=()
for ((k = 1; k <= LANES; k++)); do
	(
		for ((j = k - 1; j < ${#SEL[@]}; j += LANES)); do
			run_one "${SEL[j]}" "$k"
		done
	) &
	LANE_PIDS+=("$!")
	_PIDS+=("$!")
done
for pid in "${LANE_PIDS[@]}"; do
	wait "$pid"
done
T1=$(date +%s)

# --- the verdicts ----------------------------------------------------------

# reply_from_lines: the reply and From lines, without iputils' "(same route)".
reply_from_lines() {
	grep -E '^[0-9]+ bytes from |^From ' | sed "s/$(printf '\t')(same route)\$//"
}

for i in "${SEL[@]}"; do
	k=$(sed -nE 's/^\[p([0-9]+)\].*/\1/p' "$TMPD/s$i.cmd")
	fam=${S_FAM[i]} name="${S_NAME[i]}/v${S_FAM[i]}"
	if [ "$fam" = 4 ]; then
		t=198.18.$k.2 a=198.18.$k.99 me=198.18.$k.1
		hdr="PING $t ($t) 56(84) bytes of data."
	else
		t=2001:2:0:$k::2 a=2001:2:0:$k::99 me=2001:2:0:$k::1
		hdr="PING $t($t) 56 data bytes"
	fi
	# (The x keeps a trailing empty line from the command substitution.)
	body=$(printf '%s\n' "${S_BODY[i]}" | sed -e "s/@T@/$t/g" -e "s/@A@/$a/g" -e "s/@P@/$me/g" \
		-e "s/@TAB@/$(printf '\t')/g" -e 's/^@BLANK@$//'; echo x)
	body=${body%$'\n'x}
	expected=$hdr
	[ -n "${S_BODY[i]}" ] && expected+=$'\n'$body
	expected+=$'\n\n'"--- $t ping statistics ---"$'\n'"${S_STATS[i]}, time Xms"
	[ "${S_RTT[i]}" = yes ] && expected+=$'\n'"rtt min/avg/max/mdev = X/X/X/X ms"

	LAST_CMD=$(cat "$TMPD/s$i.cmd")
	OUT=$(cat "$TMPD/s$i.out")
	ERR=$(cat "$TMPD/s$i.err")
	RC=$(cat "$TMPD/s$i.rc")
	masked=$(printf '%s\n' "$OUT" | mask)

	assert_eq "$name: exit status" "${S_RC[i]}" "$RC"
	assert_eq "$name: statistics" "${S_STATS[i]}" "$(stats_line "$OUT")"
	if [ "${S_LOOSE[i]}" = loose ]; then
		got=$(printf '%s\n' "$masked" | reply_from_lines)
		CHECKS=$((CHECKS + 1))
		if [ "$(printf '%s\n' "$body" | wc -l)" = "$(printf '%s\n' "$got" | wc -l)" ] &&
			paste -d '\n' <(printf '%s\n' "$body") <(printf '%s\n' "$got") |
			awk 'NR % 2 { re = $0; next } $0 !~ re { bad = 1 } END { exit bad }'; then
			pass "$name: reply lines"
		else
			fail "$name: reply lines"
			echo "  expected lines matching:" >&2
			printf '%s\n' "$body" | sed 's/^/  | /' >&2
			_show_last
		fi
	else
		assert_eq "$name: reply and From lines" \
			"$(printf '%s\n' "$body" | reply_from_lines)" \
			"$(printf '%s\n' "$masked" | reply_from_lines)"
		assert_lines "$name: whole output (times masked)" "$expected" "$masked"
	fi
	assert_eq "$name: nothing on stderr (no warning, no sanitizer report)" "" "$ERR"
	assert_eq "$name: the responder answered 3 requests and exited 0" "requests 3/0" \
		"$(sed -nE 's/^(requests [0-9]+) sent [0-9]+$/\1/p' "$TMPD/s$i.resp")/$(cat "$TMPD/s$i.resprc")"
done

log "${#SEL[@]} scenarios in $LANES lanes: $((T1 - T0))s of runs, $(($(date +%s) - T0))s in all"
# -v says why each packet it drops was dropped: a sequence number never
# sent, data that fails the tag (shown as a reply, marked), an error about
# a probe to an address we did not probe.
for spec in "seq-unsent:4:a sequence number we did not send" \
	"seq-unsent:6:a sequence number we did not send"; do
	IFS=: read -r sname sfam swhy <<<"$spec"
	for i in "${!S_NAME[@]}"; do
		[ "${S_NAME[i]}" = "$sname" ] && [ "${S_FAM[i]}" = "$sfam" ] && break
	done
	# -W 3: the third dropped reply is waited for even on a loaded machine.
	EXTRA="-v -W 3 " run_one "$i" 1
	OUT=$(cat "$TMPD/s$i.out") ERR=$(cat "$TMPD/s$i.err") RC=$(cat "$TMPD/s$i.rc")
	LAST_CMD=$(cat "$TMPD/s$i.cmd")
	assert_line_count "-v $sname/v$sfam: a line per dropped reply, with the reason" \
		"^From [0-9a-f.:]+: icmp_seq=[0-9]+ dropped: $swhy" 3 "$OUT"
	assert_match "-v $sname/v$sfam: statistics as without -v" \
		"^3 packets transmitted, 0 received, 100% packet loss" "$OUT"
	# Which side lost one, if a line is missing: the responder says what
	# it answered (a request it never saw: not ready in time).
	assert_eq "-v $sname/v$sfam: the responder answered 3 requests and exited 0" \
		"requests 3/0" \
		"$(sed -nE 's/^(requests [0-9]+) sent [0-9]+$/\1/p' "$TMPD/s$i.resp")/$(cat "$TMPD/s$i.resprc")"
done
finish
