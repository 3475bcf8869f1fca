#!/bin/bash
# t_os: `ping --os` names the initial TTL, the hop count and the family.
#
# Topology: p - r1 - r2 - r3 - r4 - r5 - t (chain 5).  Three targets at
# three distances: r1 (0 forwarding routers between it and p), r2 (1: r1)
# and t (5: r1..r5).  Each target's net.ipv4.ip_default_ttl and IPv6 hop
# limit (all, default and its prober-facing "left" interface, which its
# replies leave by) is set in turn to 64, 128 and 255; a router's own
# default TTL does not touch what it forwards, so the three are
# independent.  For IPv4 and IPv6, `ping --os -c 2 -i 0.2 -n` must end with
# the exact verdict line, confidence high; but 64 behind 5 routers arrives as
# 59, which an initial 60 one hop away explains as well, so that one says
# so with confidence medium.
#
# Also: without --os the output has no os line and is otherwise the same
# (masked) as with it; a TTL that changes during the run (the target's
# default TTL lowered mid-run, as a route change would) is reported with
# the icmp_seq where it changed.
. "$(dirname "$0")/lib.sh"
need_root
need_ping

chain 5

# set_ttl NS VALUE: the initial TTL / hop limit of NS's own packets.
set_ttl() {
	ns_sysctl "$1" "net.ipv4.ip_default_ttl=$2" \
		"net.ipv6.conf.all.hop_limit=$2" "net.ipv6.conf.default.hop_limit=$2" \
		"net.ipv6.conf.left.hop_limit=$2"
}

# label INITIAL: the family fp_table.c gives an initial TTL.
label() {
	case $1 in
	64) echo "Linux/Unix" ;;
	128) echo "Windows" ;;
	255) echo "Cisco IOS/Solaris/OpenBSD" ;;
	esac
}

declare -A NODE=([0]=r1 [1]=r2 [5]=t)
for hops in 0 1 5; do
	ns=${NODE[$hops]}
	if [ "$hops" = 5 ]; then
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
			if [ $fam = 4 ]; then a=$a4; else a=$a6; fi
			run_in p "$PING" -$fam --os -c 2 -i 0.2 -n "$a"
			what="v$fam $ns (ttl $init, $hops $unit)"
			assert_eq "$what: exit status" 0 "$RC"
			assert_line_count "$what: replies with ttl $((init - hops))" \
				"^64 bytes from $a: icmp_seq=[12] ttl=$((init - hops)) " 2 "$OUT"
			want="os: $(label "$init") (initial ttl $init, $hops $unit, confidence high)"
			# 64 behind 5 routers arrives as 59, which 60 explains
			# as well as 64 (60 and 64 are 4 apart): medium, and
			# the other reading named.
			if [ $((init - hops)) -le 60 ]; then
				alt=$((60 - init + hops)) altunit=hops
				[ "$alt" = 1 ] && altunit=hop
				want="os: $(label "$init") (initial ttl $init, $hops $unit, confidence medium; or initial ttl 60, $alt $altunit)"
			fi
			assert_eq "$what: verdict" "$want" "$(printf '%s\n' "$OUT" | tail -n 1)"
			assert_line_count "$what: one os line" "^os: " 1 "$OUT"
			assert_eq "$what: stderr empty" "" "$ERR"
		done
	done
	set_ttl "$ns" 64
done

# Without --os: no os line, and the rest as with it.
for fam in 4 6; do
	if [ $fam = 4 ]; then a=$T4; else a=$T6; fi
	run_in p "$PING" -$fam --os -c 2 -i 0.2 -n "$a"
	with=$(printf '%s\n' "$OUT" | sed '$d' | mask)
	run_in p "$PING" -$fam -c 2 -i 0.2 -n "$a"
	assert_no_match "v$fam without --os: no os line" "^os: " "$OUT"
	assert_lines "v$fam without --os: the same output otherwise" "$with" \
		"$(printf '%s\n' "$OUT" | mask)"
done

# A TTL that changes during the run: r2 (one hop) starts at 64, then 63.
for fam in 4 6; do
	if [ $fam = 4 ]; then a=${R4[2]}; else a=${R6[2]}; fi
	set_ttl r2 64
	out=$TMPD/change$fam
	bg_start p "$out" "$PING" -$fam --os -c 6 -i 0.3 -n "$a"
	sleep 0.8
	set_ttl r2 63
	wait "$BG_PID"
	RC=$?
	OUT=$(cat "$out") ERR="" LAST_CMD="[p] $PING -$fam --os -c 6 -i 0.3 -n $a"
	[ "${NET_VERBOSE:-0}" = 1 ] && printf '%s\n' "$OUT"
	assert_eq "v$fam ttl change: exit status" 0 "$RC"
	n63=$(printf '%s\n' "$OUT" | grep -c ' ttl=63 ')
	n62=$(printf '%s\n' "$OUT" | grep -c ' ttl=62 ')
	seq=$(printf '%s\n' "$OUT" | grep -m1 ' ttl=62 ' | sed -E 's/.* icmp_seq=([0-9]+) .*/\1/')
	CHECKS=$((CHECKS + 1))
	if [ "$n63" -ge 1 ] && [ "$n62" -ge 1 ] && [ $((n63 + n62)) = 6 ]; then
		pass "v$fam ttl change: replies with ttl 63, then 62"
	else
		fail "v$fam ttl change: replies with ttl 63, then 62 ($n63 and $n62)"
		_show_last
	fi
	# The hop count of the more frequent TTL; on a tie the earlier.
	h=1 hunit=hop
	[ "$n62" -gt "$n63" ] && h=2 hunit=hops
	assert_eq "v$fam ttl change: reported with its icmp_seq" \
		"os: Linux/Unix (initial ttl 64, $h $hunit, confidence medium; ttl changed at icmp_seq=$seq: 63 -> 62)" \
		"$(printf '%s\n' "$OUT" | tail -n 1)"
done
set_ttl r2 64

finish
