#!/bin/bash
# t_trace_report: `traceroute --report -c N` (mtr's report mode) on a chain
# of 3 routers, IPv4 and IPv6, every method:
#  - the table has mtr 0.95's layout: compared line by line with
#    `mtr --report` (Debian's mtr-tiny; scripts/deps.sh installs it) run on the same
#    chain, every digit masked (the times here are all below 10 ms, so the
#    widths agree);
#  - router 2 drops half of its time exceeded at random (nftables numgen):
#    its Loss% is what the nftables counter says, the other hops 0.0%, and
#    every hop was sent N probes.
# Every namespace here is created by this test; nothing leaves them.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd nft
TR=${TR:-$(dirname "$PING")/traceroute}
MTR=${MTR:-/usr/bin/mtr}
[ -x "$TR" ] || skip "traceroute $TR not found (build it: make)"

# mask: digits -> 9, keeping every column where it is.
mask() { sed -E 's/[0-9]/9/g'; }

tchain c 3
for fam in 4 6; do
	if [ $fam = 4 ]; then dst=198.18.4.2; pre=198.18; else dst=2001:2:0:4::2; pre=2001:2:0; fi
	for m in "" -I -T; do
		what="v$fam ${m:-UDP}"
		run_in c-p "$TR" --report -c 3 --interval 0.05 -n $m "$dst"
		assert_eq "$what: exit status" 0 "$RC"
		assert_eq "$what: stderr empty" "" "$ERR"
		assert_match "$what: Start" "^Start: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{4}$" "$OUT"
		for k in 1 2 3 4; do
			if [ $fam = 4 ]; then a=$pre.$k.2; else a=$pre:$k::2; fi
			assert_match "$what: hop $k" "^  $k\.\|-- ${a//./\\.} +0\.0% +3 +[0-9]+\.[0-9] +[0-9]+\.[0-9] " "$OUT"
		done
		assert_eq "$what: rows" 6 "$(printf '%s\n' "$OUT" | wc -l)"
		ours=$OUT
		if [ -z "$m" ] && optional "mtr ($MTR, mtr-tiny)" [ -x "$MTR" ]; then
			run_in c-p "$MTR" --report -c 3 -n "$dst"
			if optional "a working mtr (it says: $ERR)" [ "$RC" = 0 ]; then
				assert_lines "$what: layout as mtr's" "$(printf '%s\n' "$OUT" | mask)" \
					"$(printf '%s\n' "$ours" | mask)"
			fi
		fi
	done
done

# Loss: r2 drops half of its errors, counted.
nft_load c-r2 '
table inet lossy {
	counter dropped { }
	chain out {
		type filter hook output priority 0;
		icmp type time-exceeded numgen random mod 2 0 counter name dropped drop
		icmpv6 type time-exceeded numgen random mod 2 0 counter name dropped drop
	}
}'
N=40
for fam in 4 6; do
	if [ $fam = 4 ]; then dst=198.18.4.2; else dst=2001:2:0:4::2; fi
	for m in "" -I; do
		what="loss v$fam ${m:-UDP}"
		ip netns exec "$(nsn c-r2)" nft reset counter inet lossy dropped >/dev/null
		# -w 0.3: each dropped probe waits its MAX (no factor: -w
		# with one number sets HERE and NEAR to 0, as traceroute 2.1).
		run_in c-p "$TR" --report -c $N --interval 0 -n -w 0.3 $m "$dst"
		assert_eq "$what: exit status" 0 "$RC"
		drops=$(nft_counter c-r2 inet lossy dropped)
		want=$(awk -v d="$drops" -v n=$N 'BEGIN { printf "%.1f", 100 * d / n }')
		row2=$(printf '%s\n' "$OUT" | grep '^  2\.|-- ')
		assert_match "$what: hop 2 loss = nft counter ($drops of $N)" \
			"^  2\.\|-- [^ ]+ +${want//./\\.}% +$N " "$row2"
		assert_match "$what: some loss" "^  2\.\|-- [^ ]+ +[1-9]" "$row2"
		assert_line_count "$what: hops 1, 3, 4 lossless" "^  [134]\.\|-- [^ ]+ +0\.0% +$N " 3 "$OUT"
	done
done
finish
