#!/bin/bash
# t_os_active: `echolot os HOST` measures the forward hop count with
# TTL-limited probes and names the stack from the TTL and other signals.
#
# 1. Topology: p - r1 - ... - r20 - t (chain 20).  Targets r1 (0 routers
#    between it and p), r2 (1), r6 (5) and t (20), each with its initial
#    TTL / hop limit set in turn to 64, 128 and 255 (a router's own default
#    TTL does not touch what it forwards).  IPv4 and IPv6, with the
#    signals and with --ttl-only: the verdict line is exact, and so is
#    the evidence for the hop count (the smallest TTL that reached the
#    target, the router at which one less expired, 1 or 2 probes).  These
#    targets are Linux kernels: at 64 the IPv4 signals (DF clear, code
#    echoed, timestamps answered, a Port Unreachable quoting all it can)
#    single out Linux; at 128 they contradict Windows, and at 255 every
#    stack there (OpenBSD never sets DF, but quotes 8 bytes), so the
#    verdict says so, one step less sure.  Their ICMP rate limits are off:
#    every run's Port Unreachable must come.
# 2. A silent router (r20 sends no Time Exceeded): the hop count is still
#    exact, one probe noted unanswered.
# 3. Asymmetric paths: a - f - b forward, b - q1..qQ - a back (policy
#    routes in b), Q = 3 and Q = 5.  The verdict must not be sure: the
#    measured hops (1) and the reply TTL disagree.  With Q = 5 and 64 the
#    measured hops read 60 (a known initial): the signals pick 64 back.
# 4. tests/net/tools/stackemu.c in t (kernel echo replies off, its
#    timestamp replies dropped), as Windows, Cisco IOS, FreeBSD, macOS and
#    Solaris, from fp_table.c's rows: the verdict of each, 20 routers away,
#    and the quote of its Port Unreachable.  One that does not come (the
#    kernel's dropped, no emulator) is "no answer" and changes nothing.
# 5. Unprivileged (ICMP datagram sockets), bad input (exit 2), a target
#    that does not answer (exit 1, bounded by -w).
# 6. `echolot os --read FILE`: captures that tcpdump wrote in p during the
#    runs above (Linux 20 routers away, the emulated stacks, a plain ping
#    of two hosts) give the same verdict line as the live runs.
. "$(dirname "$0")/lib.sh"
need_root
need_ping
need_cmd nft cc tcpdump

OS=${OS:-$(dirname "$PING")/echolot}
[ -x "$OS" ] || skip "echolot binary $OS not found"
"$OS" os --help >/dev/null 2>&1 || skip "$OS has no os command"

EMU=$TMPD/stackemu
cc -O2 -Wall -Wextra -Werror -o "$EMU" "$ROOT/tests/net/tools/stackemu.c" ||
	die "cannot build tests/net/tools/stackemu.c"

chain 20

# set_ttl NS VALUE [IF]: the initial TTL / hop limit of NS's own packets
# (IF: the interface its replies leave by, default "left").
set_ttl() {
	ns_sysctl "$1" "net.ipv4.ip_default_ttl=$2" \
		"net.ipv6.conf.all.hop_limit=$2" "net.ipv6.conf.default.hop_limit=$2" \
		"net.ipv6.conf.${3:-left}.hop_limit=$2"
}

label() {
	case $1 in
	64) echo "Linux/Unix" ;;
	128) echo "Windows" ;;
	255) echo "Cisco IOS/Solaris/OpenBSD" ;;
	esac
}

# want_signals FAM INIT HOPS_TEXT: the verdict line of a Linux target.
want_signals() {
	local fam=$1 init=$2 h=$3
	case $fam/$init in
	4/64) echo "os: Linux (initial ttl 64, $h, confidence high; hop count measured; signals fit Linux best of Linux, FreeBSD and macOS)" ;;
	4/255) echo "os: Cisco IOS/Solaris/OpenBSD (initial ttl 255, $h, confidence medium; hop count measured; signals fit no stack that starts at 255 (OpenBSD, Cisco IOS and Solaris))" ;;
	*/128) echo "os: Windows (initial ttl 128, $h, confidence medium; hop count measured; signals fit no stack that starts at 128 (Windows))" ;;
	6/64) echo "os: Linux/Unix (initial ttl 64, $h, confidence high; hop count measured)" ;;
	6/255) echo "os: Cisco IOS/Solaris/OpenBSD (initial ttl 255, $h, confidence high; hop count measured)" ;;
	esac
}

# hops_line N ROUTER: the evidence line of a hop count N.
hops_line() {
	local n=$1 r=$2 unit=routers
	[ "$n" = 1 ] && unit=router
	if [ "$n" = 0 ]; then
		echo "  hops:      0 routers: ttl 1 reached the target (1 probe)"
	else
		echo "  hops:      $n $unit: ttl $((n + 1)) reached the target, ttl $n expired at $r (2 probes)"
	fi
}

# cap_start FILE: tcpdump on p's link to r1, ICMP only, into FILE.
cap_start() {
	CAP_OUT=$TMPD/tcpdump.$RANDOM
	bg_start p "$CAP_OUT" tcpdump -U --immediate-mode -n -i right -w "$1" icmp or icmp6
	CAP_PID=$BG_PID
	for _ in $(seq 50); do grep -q "listening on" "$CAP_OUT" && return; sleep 0.1; done
	die "tcpdump did not start"
}

cap_stop() {
	sleep 0.1
	kill -INT "$CAP_PID" 2>/dev/null
	wait "$CAP_PID"
}

# --- 1. 0, 1, 5 and 20 routers; 64, 128, 255; IPv4 and IPv6 -------------

declare -A NODE=([0]=r1 [1]=r2 [5]=r6 [20]=t)
for hops in 0 1 5 20; do
	ns=${NODE[$hops]}
	ns_sysctl "$ns" net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
	if [ "$hops" = 20 ]; then
		a4=$T4 a6=$T6
	else
		k=$((hops + 1))
		a4=${R4[k]} a6=${R6[k]}
	fi
	unit=hops
	[ "$hops" = 1 ] && unit=hop
	for init in 64 128 255; do
		set_ttl "$ns" "$init"
		for fam in 4 6; do
			if [ $fam = 4 ]; then a=$a4 r=${R4[hops]:-}; else a=$a6 r=${R6[hops]:-}; fi
			what="v$fam $ns (ttl $init, $hops $unit)"
			run_in p "$OS" os -$fam -n "$a"
			assert_eq "$what: exit status" 0 "$RC"
			assert_eq "$what: verdict" "$(want_signals $fam "$init" "$hops $unit")" \
				"$(printf '%s\n' "$OUT" | head -n 1)"
			assert_eq "$what: hop evidence" "$(hops_line "$hops" "$r")" \
				"$(printf '%s\n' "$OUT" | grep '^  hops: ')"
			assert_match "$what: reply ttl" "^  reply ttl: $((init - hops)) \\([0-9]+ replies\\)$" "$OUT"
			assert_eq "$what: stderr empty" "" "$ERR"

			run_in p "$OS" os -$fam -n --ttl-only "$a"
			assert_eq "$what --ttl-only: verdict" \
				"os: $(label "$init") (initial ttl $init, $hops $unit, confidence high; hop count measured)" \
				"$(printf '%s\n' "$OUT" | head -n 1)"
			assert_eq "$what --ttl-only: hop evidence" "$(hops_line "$hops" "$r")" \
				"$(printf '%s\n' "$OUT" | grep '^  hops: ')"
			assert_no_match "$what --ttl-only: no signals" "^  (code|ip id|df|tos|timestamp|quote):" "$OUT"
		done
	done
	set_ttl "$ns" 64
done

# The evidence of the signals, v4, 64; captured for section 6.
cap_start "$TMPD/linux4.pcap"
run_in p "$OS" os -4 -n "$T4"
cap_stop
LIVE_linux4=$(printf '%s\n' "$OUT" | head -n 1)
assert_match "signals: code echoed" "^  code:      sent 123, got 123 \(echoed\): fits Linux, " "$OUT"
assert_match "signals: ip id incrementing" "^  ip id:     incrementing \([0-9 ]+\): fits Linux, .*; not Cisco IOS$" "$OUT"
assert_match "signals: df clear" "^  df:        clear on the replies to DF requests: fits Linux, " "$OUT"
assert_match "signals: tos echoed" "^  tos:       sent 0x28, got 0x28 \(echoed" "$OUT"
assert_match "signals: timestamp answered" "^  timestamp: answered: fits Linux, .*; not Solaris" "$OUT"
assert_match "signals: quote all" "^  quote:     528 of 556 bytes after the ip header \(port unreachable\): fits Linux; not FreeBSD, OpenBSD, macOS, Windows, Cisco IOS, Solaris, Windows 95, HP JetDirect$" "$OUT"
assert_match "probes: 8 sent, 8 answered" "^  probes:    8 sent, 8 answered, [0-9.]+ ms$" "$OUT"
run_in p "$OS" os -6 -n "$T6"
assert_match "signals v6: quote shown, not scored" "^  quote:     556 of 556 bytes after the ip header \(port unreachable; no ipv6 column in the table\)$" "$OUT"

# --- 2. a silent router --------------------------------------------------

nft_load r20 'table inet quiet {
	chain out {
		type filter hook output priority 0;
		icmp type time-exceeded drop
		icmpv6 type time-exceeded drop
	}
}'
for fam in 4 6; do
	if [ $fam = 4 ]; then a=$T4; else a=$T6; fi
	run_in p "$OS" os -$fam -n "$a"
	assert_eq "v$fam silent r20: exit status" 0 "$RC"
	assert_match "v$fam silent r20: verdict" "^os: Linux(/Unix)? \(initial ttl 64, 20 hops, confidence high; hop count measured" "$OUT"
	assert_eq "v$fam silent r20: hop evidence" \
		"  hops:      20 routers: ttl 21 reached the target, ttl 20 expired unanswered (3 probes, 1 unanswered)" \
		"$(printf '%s\n' "$OUT" | grep '^  hops: ')"
done
in_ns r20 nft delete table inet quiet

# --- 3. asymmetric paths ---------------------------------------------------

# asym Q: a$Q - f$Q - b$Q forward; b$Q - q$Q.1 .. q$Q.Q - a$Q back.
# Links on 198.19.(10Q + k).0/24 and 2001:2:1:(10Q + k)::/64.
asym() {
	local q=$1 k n4 n6 prev
	local A=a$q F=f$q B=b$q
	n4() { echo "198.19.$((10 * q + $1))"; }
	n6() { echo "2001:2:1:$((10 * q + $1))"; }
	ns_add "$A"
	ns_add "$F"
	forwarding "$F"
	ns_add "$B"
	# Forward: a - f - b.
	veth "$A" fwd "$F" left
	addr "$A" fwd "$(n4 1).1/24" "$(n6 1)::1/64"
	addr "$F" left "$(n4 1).2/24" "$(n6 1)::2/64"
	veth "$F" right "$B" fwd
	addr "$F" right "$(n4 2).1/24" "$(n6 2)::1/64"
	addr "$B" fwd "$(n4 2).2/24" "$(n6 2)::2/64"
	route "$A" "$(n4 2).0/24" via "$(n4 1).2"
	route "$A" "$(n6 2)::/64" via "$(n6 1)::2"
	route "$B" "$(n4 1).0/24" via "$(n4 2).1"
	route "$B" "$(n6 1)::/64" via "$(n6 2)::1"
	# Back: b - q1 - ... - qQ - a, link 3 + k between q(k) and q(k+1).
	prev=$B
	for ((k = 1; k <= q; k++)); do
		ns_add "q$q.$k"
		forwarding "q$q.$k"
		veth "$prev" back "q$q.$k" front
		addr "$prev" back "$(n4 $((2 + k))).2/24" "$(n6 $((2 + k)))::2/64"
		addr "q$q.$k" front "$(n4 $((2 + k))).1/24" "$(n6 $((2 + k)))::1/64"
		prev=q$q.$k
	done
	veth "$prev" back "$A" ret
	addr "$prev" back "$(n4 $((3 + q))).2/24" "$(n6 $((3 + q)))::2/64"
	addr "$A" ret "$(n4 $((3 + q))).1/24" "$(n6 $((3 + q)))::1/64"
	for ((k = 1; k <= q; k++)); do
		route "q$q.$k" "$(n4 1).0/24" via "$(n4 $((3 + k))).1"
		route "q$q.$k" "$(n6 1)::/64" via "$(n6 $((3 + k)))::1"
	done
	# b answers a through the q routers: a policy route.
	in_ns "$B" ip -4 route add "$(n4 1).0/24" via "$(n4 3).1" table 100 || die "table 100 in $B"
	in_ns "$B" ip -6 route add "$(n6 1)::/64" via "$(n6 3)::1" table 100 || die "table 100 -6 in $B"
	in_ns "$B" ip -4 rule add to "$(n4 1).0/24" lookup 100 pref 100 || die "rule in $B"
	in_ns "$B" ip -6 rule add to "$(n6 1)::/64" lookup 100 pref 100 || die "rule -6 in $B"
	# a takes replies on the other interface.
	ns_sysctl "$A" net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		net.ipv4.conf.ret.rp_filter=0 net.ipv4.conf.fwd.rp_filter=0
	AS4=$(n4 2).2 AS6=$(n6 2)::2 AF4=$(n4 1).2 AF6=$(n6 1)::2
	unset -f n4 n6
}

for q in 3 5; do
	asym "$q"
	for init in 64 128; do
		set_ttl "b$q" "$init" back     # its replies leave by "back"
		for fam in 4 6; do
			if [ $fam = 4 ]; then a=$AS4 f=$AF4; else a=$AS6 f=$AF6; fi
			what="v$fam asymmetric 1/$q (ttl $init)"
			for opt in "" --ttl-only; do
				run_in "a$q" "$OS" os -$fam -n $opt "$a"
				assert_eq "$what $opt: exit status" 0 "$RC"
				assert_match "$what $opt: reply ttl" "^  reply ttl: $((init - q)) " "$OUT"
				assert_eq "$what $opt: forward hops measured" \
					"  hops:      1 router: ttl 2 reached the target, ttl 1 expired at $f (4 probes)" \
					"$(printf '%s\n' "$OUT" | grep '^  hops: ')"
				assert_no_match "$what $opt: not sure" "confidence high" "$OUT"
				assert_match "$what $opt: says why" "(is no known initial ttl|alone says initial ttl|the measured hops say)" "$OUT"
			done
			# With the signals the initial TTL is right.
			run_in "a$q" "$OS" os -$fam -n "$a"
			assert_match "$what: initial ttl $init" "^os: [^(]+ \(initial ttl $init, $q hops, confidence (medium|low);" "$OUT"
		done
	done
done

# --- 4. the stack emulator -------------------------------------------------

ns_sysctl t net.ipv4.icmp_echo_ignore_all=1 net.ipv6.icmp.echo_ignore_all=1
nft_load t 'table inet emu {
	chain out {
		type filter hook output priority 0;
		icmp type timestamp-reply meta mark != 0x5e drop
		icmp type destination-unreachable meta mark != 0x5e drop
		icmpv6 type destination-unreachable meta mark != 0x5e drop
	}
}'

emu_want() {
	local fam=$1 prof=$2 m="confidence high; hop count measured"
	case $fam/$prof in
	*/windows) echo "os: Windows (initial ttl 128, 20 hops, $m)" ;;
	4/cisco) echo "os: Cisco IOS (initial ttl 255, 20 hops, $m; signals fit Cisco IOS best of OpenBSD, Cisco IOS and Solaris)" ;;
	4/freebsd) echo "os: FreeBSD (initial ttl 64, 20 hops, $m; signals fit FreeBSD best of Linux, FreeBSD and macOS)" ;;
	4/macos) echo "os: macOS (initial ttl 64, 20 hops, $m; signals fit macOS best of Linux, FreeBSD and macOS)" ;;
	4/solaris) echo "os: Solaris (initial ttl 255, 20 hops, $m; signals fit Solaris best of OpenBSD, Cisco IOS and Solaris)" ;;
	6/cisco) echo "os: Cisco IOS/Solaris/OpenBSD (initial ttl 255, 20 hops, $m)" ;;
	6/*) echo "os: Linux/Unix (initial ttl 64, 20 hops, $m)" ;;
	esac
}

# emu_fam PROFILE: its name in fp_table.c.
emu_fam() {
	case $1 in
	windows) echo Windows ;; cisco) echo "Cisco IOS" ;; freebsd) echo FreeBSD ;;
	macos) echo macOS ;; solaris) echo Solaris ;;
	esac
}

for prof in windows cisco freebsd macos solaris; do
	for fam in 4 6; do
		if [ $fam = 4 ]; then a=$T4; else a=$T6; fi
		out=$TMPD/emu.$prof.$fam
		bg_start t "$out" "$EMU" -$fam -p "$prof" -t 20
		epid=$BG_PID
		for _ in $(seq 50); do grep -q ready "$out" && break; sleep 0.1; done
		cap_start "$TMPD/$prof$fam.pcap"
		run_in p "$OS" os -$fam -n "$a"
		cap_stop
		declare "LIVE_$prof$fam=$(printf '%s\n' "$OUT" | head -n 1)"
		kill "$epid" 2>/dev/null
		wait "$epid"
		erc=$?
		what="emulated $prof v$fam"
		assert_eq "$what: exit status" 0 "$RC"
		assert_eq "$what: verdict" "$(emu_want $fam $prof)" "$(printf '%s\n' "$OUT" | head -n 1)"
		assert_eq "$what: emulator ended well" "0" "$erc"
		assert_match "$what: emulator answered" "^requests [1-9][0-9]* sent [1-9]" "$(cat "$out")"
		case $prof in windows) q=128 ;; solaris) q=64 ;; *) q=8 ;; esac
		if [ $fam = 4 ]; then
			assert_match "$what: quote $q" "^  quote:     $q of 556 bytes after the ip header \(port unreachable\): fits [^;]*$(emu_fam $prof)" "$OUT"
		else
			assert_match "$what: quote $q, not scored" "^  quote:     $q of 556 bytes after the ip header \(port unreachable; no ipv6 column" "$OUT"
		fi
	done
done
# The evidence that told them apart.
bg_start t "$TMPD/emu.c" "$EMU" -4 -p cisco -t 20
for _ in $(seq 50); do grep -q ready "$TMPD/emu.c" && break; sleep 0.1; done
run_in p "$OS" os -4 -n "$T4"
kill "$BG_PID" 2>/dev/null
assert_match "cisco: ip id copied" "^  ip id:     copied from the request \(.*\): fits Cisco IOS; not " "$OUT"
bg_start t "$TMPD/emu.m" "$EMU" -4 -p macos -t 20
for _ in $(seq 50); do grep -q ready "$TMPD/emu.m" && break; sleep 0.1; done
run_in p "$OS" os -4 -n "$T4"
kill "$BG_PID" 2>/dev/null
assert_match "macos: timestamp not answered" "^  timestamp: not answered: fits Solaris" "$OUT"
assert_match "macos: df set" "^  df:        set on the replies to DF requests: " "$OUT"
bg_start t "$TMPD/emu.w" "$EMU" -4 -p windows -t 20
for _ in $(seq 50); do grep -q ready "$TMPD/emu.w" && break; sleep 0.1; done
run_in p "$OS" os -4 -n "$T4"
kill "$BG_PID" 2>/dev/null
assert_match "windows: code zeroed" "^  code:      sent 123, got 0 \(zeroed\): fits Windows" "$OUT"

# --- 5. unprivileged, bad input, no answer ---------------------------------

# t answers nothing now (kernel replies off, no emulator): exit 1 within -w.
start=$(date +%s%N)
run_in p "$OS" os -4 -n -w 1.5 "$T4"
ms=$((($(date +%s%N) - start) / 1000000))
assert_eq "silent target: exit status 1" 1 "$RC"
assert_eq "silent target: verdict" "os: unknown (no replies)" "$(printf '%s\n' "$OUT" | head -n 1)"
assert_match "silent target: why" "^  hops:      not measured: the target did not answer$" "$OUT"
CHECKS=$((CHECKS + 1))
if [ "$ms" -lt 2500 ]; then pass "silent target: bounded by -w"; else fail "silent target: took $ms ms with -w 1.5"; fi
ns_sysctl t net.ipv4.icmp_echo_ignore_all=0 net.ipv6.icmp.echo_ignore_all=0

# The kernel of t answers again, all but its Port Unreachable (dropped, as
# a filter or a rate limit would): "no answer", and the verdict of section 1.
in_ns t nft delete table inet emu
nft_load t 'table inet nounreach {
	chain out {
		type filter hook output priority 0;
		icmp type destination-unreachable drop
		icmpv6 type destination-unreachable drop
	}
}'
for fam in 4 6; do
	if [ $fam = 4 ]; then a=$T4; else a=$T6; fi
	run_in p "$OS" os -$fam -n "$a"
	assert_eq "v$fam no port unreachable: exit status" 0 "$RC"
	assert_eq "v$fam no port unreachable: verdict" "$(want_signals $fam 64 "20 hops")" \
		"$(printf '%s\n' "$OUT" | head -n 1)"
	assert_match "v$fam no port unreachable: no answer" "^  quote:     no answer \(udp to a closed port: no port unreachable; not scored\)$" "$OUT"
done
in_ns t nft delete table inet nounreach

ns_sysctl p "net.ipv4.ping_group_range=0 2147483647"
COPY=$(unprivileged_copy "$OS")
for fam in 4 6; do
	if [ $fam = 4 ]; then a=$T4; else a=$T6; fi
	run_as_nobody p "$COPY" os -$fam -n "$a"
	assert_eq "v$fam unprivileged: exit status" 0 "$RC"
	assert_eq "v$fam unprivileged: verdict" \
		"os: Linux/Unix (initial ttl 64, 20 hops, confidence high; hop count measured)" \
		"$(printf '%s\n' "$OUT" | head -n 1)"
	assert_eq "v$fam unprivileged: hop evidence" "$(hops_line 20 "$([ $fam = 4 ] && echo "${R4[20]}" || echo "${R6[20]}")")" \
		"$(printf '%s\n' "$OUT" | grep '^  hops: ')"
	assert_match "v$fam unprivileged: tos" "^  tos:       sent 0x28, got 0x28" "$OUT"
done

# --- 6. --read --------------------------------------------------------------

# The same verdict from the capture as live.
for c in linux4 windows4 cisco4 freebsd4 macos4 solaris4 windows6 freebsd6; do
	live=LIVE_$c
	run_in p "$OS" os --read "$TMPD/$c.pcap" -n
	assert_eq "--read $c: exit status" 0 "$RC"
	assert_eq "--read $c: the live verdict" "${!live}" "$(printf '%s\n' "$OUT" | head -n 1)"
	assert_line_count "--read $c: one host" "^os: " 1 "$OUT"
	assert_match "--read $c: hops from the capture" \
		"^  hops:      20 routers: ttl 21 reached the target, ttl 20 expired at " "$OUT"
done
run_in p "$OS" os --read "$TMPD/macos4.pcap" -n
assert_match "--read macos4: timestamp not answered" "^  timestamp: not answered: " "$OUT"
run_in p "$OS" os --read "$TMPD/cisco4.pcap" -n
assert_match "--read cisco4: ip id copied" "^  ip id:     copied from the request" "$OUT"

# A plain ping of two hosts: both classified, no hop count.
set_ttl r6 128
cap_start "$TMPD/ping.pcap"
run_in p "$PING" -4 -c 2 -i 0.2 -n "$T4"
run_in p "$PING" -6 -c 2 -i 0.2 -n "${R6[6]}"
cap_stop
set_ttl r6 64
run_in p "$OS" os --read "$TMPD/ping.pcap" -n
assert_eq "--read ping: exit status" 0 "$RC"
assert_line_count "--read ping: two hosts" "^os: " 2 "$OUT"
# 44 alone: 64 and 20 hops, or 60 and 16 (no probes bracket the hops).
assert_match "--read ping: t" "^os: Linux \(initial ttl 64, 20 hops, confidence medium; or initial ttl 60, 16 hops; signals fit Linux best of " "$OUT"
assert_match "--read ping: r6" "^os: Windows \(initial ttl 128, 5 hops, confidence high\)$" "$OUT"
assert_line_count "--read ping: no hop count" "^  hops:      not measured: no TTL-limited probes" 2 "$OUT"
# Only one host, one family.
run_in p "$OS" os --read "$TMPD/ping.pcap" -n "${R6[6]}"
assert_line_count "--read ping HOST: one host" "^os: " 1 "$OUT"
assert_match "--read ping HOST: r6" "^  target:    ${R6[6]}$" "$OUT"
run_in p "$OS" os --read "$TMPD/ping.pcap" -n -4
assert_match "--read ping -4: t only" "^  target:    $T4$" "$OUT"
assert_line_count "--read ping -4: one host" "^os: " 1 "$OUT"
run_in p "$OS" os --read "$TMPD/ping.pcap" -n 198.18.250.1
assert_eq "--read, host not in it: exit 1" 1 "$RC"
run_in p "$OS" os --read "$TMPD/none.pcap"
assert_eq "--read, no file: exit 2" 2 "$RC"
assert_match "--read, no file: says so" "^os: .*none.pcap: .*No such file" "$ERR"
run_in p "$OS" os --read /etc/hostname
assert_eq "--read, not a capture: exit 2" 2 "$RC"

run_in p "$OS" os
assert_eq "no host: exit 2" 2 "$RC"
assert_match "no host: says so" "Destination address required" "$ERR"
run_in p "$OS" os -w abc "$T4"
assert_eq "bad -w: exit 2" 2 "$RC"
assert_match "bad -w: says so" "^os: invalid deadline: 'abc'" "$ERR"
run_in p "$OS" os -x "$T4"
assert_eq "bad option: exit 2" 2 "$RC"
run_in p "$OS" os -4 "$T6"
assert_eq "v4 for a v6 address: exit 2" 2 "$RC"
run_in p "$OS" os -n "$T4" "$T6"
assert_eq "two hosts: exit 2" 2 "$RC"
run_in p "$OS" os -n no.such.name.invalid
assert_eq "unknown name: exit 2" 2 "$RC"
assert_match "unknown name: says so" "^os: no.such.name.invalid: " "$ERR"

finish
