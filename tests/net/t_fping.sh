#!/bin/bash
# t_fping: echolot as fping, differentially against Debian's fping 5.1 on
# the same namespaces: the same command line through PATH (so argv[0] is
# "fping" for both), stdout and stderr compared byte for byte after the
# measured values are masked (RTTs, elapsed time, clock stamps), and the
# same exit status.  Every option of the issue's list that fping 5.1 has,
# bad options, and the command lines of SmokePing, Zabbix and netdata.
. "$(dirname "$0")/lib.sh"
need_root
need_ping
need_cmd fping
REF=$(command -v fping)
[ "$REF" != "${PING%/*}/fping" ] || die "the reference fping is ours"

EBIN=$(mktemp -d "$TMPD/e.XXXXXX") RBIN=$(mktemp -d "$TMPD/r.XXXXXX")
ln -s "$(dirname "$PING")/echolot" "$EBIN/fping"
ln -s "$(dirname "$PING")/echolot" "$EBIN/fping6"
ln -s "$REF" "$RBIN/fping"
[ -e "$(dirname "$REF")/fping6" ] && ln -s "$(dirname "$REF")/fping6" "$RBIN/fping6"

anyip_pair
# 198.19.200.0/24 is silent: requests dropped at t.
nft_load t 'table inet silent {
	chain in {
		type filter hook input priority 0;
		ip daddr 198.19.200.0/24 drop
	}
}'
hosts_file p "198.19.0.5 alpha.test" "198.19.0.6 beta.test" "2001:2:1::6 beta.test"
etc_file p resolv.conf "nameserver 127.0.0.1"

A=198.19.0.1 B=198.19.0.2 D=198.19.200.1

# mask: measured values out.
mask() {
	sed -E -e 's/\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]/[HH:MM:SS]/' \
		-e 's/^\[[0-9]+\.[0-9]+\] /[T] /' \
		-e 's/[0-9]+\.[0-9]+e\+[0-9]+/X/g' \
		-e 's/(^| |\/|\()[0-9]+\.[0-9]+( |\/|$|\))/\1X\2/g' \
		-e 's/(^| |\/|\()[0-9]+\.[0-9]+( |\/|$|\))/\1X\2/g' \
		-e 's/^SET (min|max|avg) = [0-9]+$/SET \1 = X/'
}

# same DESCRIPTION ARGS...: run both fpings with ARGS in p; compare.
same() {
	local what=$1 eout eerr erc
	shift
	LAST_CMD="fping $*"
	ip netns exec "$(nsn p)" env PATH="$EBIN:$PATH" timeout -k 5 30 "$@" \
		>"$TMPD/e.out" 2>"$TMPD/e.err" <"${STDIN:-/dev/null}"
	erc=$?
	ip netns exec "$(nsn p)" env PATH="$RBIN:$PATH" timeout -k 5 30 "$@" \
		>"$TMPD/r.out" 2>"$TMPD/r.err" <"${STDIN:-/dev/null}"
	RC=$?
	eout=$(mask <"$TMPD/e.out") eerr=$(mask <"$TMPD/e.err")
	OUT=$(mask <"$TMPD/r.out") ERR=$(mask <"$TMPD/r.err")
	if [ -n "${SORTED:-}" ]; then
		eout=$(printf '%s\n' "$eout" | sort) OUT=$(printf '%s\n' "$OUT" | sort)
	fi
	assert_eq "$what: exit status" "$RC" "$erc"
	assert_eq "$what: stdout" "$OUT" "$eout"
	assert_eq "$what: stderr" "$ERR" "$eerr"
}

# The consumers' long runs go first, in the background, both at once.
smoke() {
	local bin=$1 tag=$2
	# SmokePing's FPing probe: fping -C 20 -q -B1 -r1 -i10 HOST...
	ip netns exec "$(nsn p)" env PATH="$bin:$PATH" timeout -k 5 40 \
		fping -C 20 -q -B1 -r1 -i10 "$A" "$B" "$D" >"$TMPD/smoke.$tag.out" 2>"$TMPD/smoke.$tag.err"
	echo $? >"$TMPD/smoke.$tag.rc"
}
smoke "$EBIN" e &
_PIDS+=("$!")
smoke "$RBIN" r &
_PIDS+=("$!")

# --- default mode and its output options ----------------------------------------
same "default" fping -t 100 -r 1 "$A" "$B" "$D"
same "-a" fping -a -t 100 -r 1 "$A" "$D" "$B"
same "-u" fping -u -t 100 -r 1 "$A" "$D" "$B"
same "-q" fping -q -t 100 -r 0 "$A" "$D"
same "-e" fping -e "$A" "$B"
same "-A with names" fping -A alpha.test beta.test
same "-n" fping -n "$A"
same "-d" fping -d alpha.test
same "-m -A" fping -m -A beta.test
same "-4" fping -4 beta.test
same "-6" fping -6 beta.test
same "IPv6" fping 2001:2:1::1 2001:2:1::2
same "-s" fping -s -t 100 -r 1 "$A" "$D"
same "-x 2" fping -x 2 -t 100 -r 0 "$A" "$B" "$D"
same "-x 3" fping -x 3 -t 100 -r 0 "$A" "$B" "$D"
same "-B 1 -r 2" fping -B 1 -r 2 -t 50 "$D"
same "unknown name" fping "$A" nowhere.invalid
same "-q unknown name" fping -q nowhere.invalid
same "-b 100 -H 64 -O 0 -M -R -T 5" fping -b 100 -H 64 -O 0 -M -R -T 5 "$A"
same "-I" fping -I vp "$A"
same "-S" fping -S "$P4" "$A"
same "-i 1" fping -i 1 "$A" "$B"

# --- count mode --------------------------------------------------------------
# With -c, -t is the period (100 ms): the silent target's timeout and the
# next round's replies come -i apart, and fping prints them in time order.
# -i 30 keeps them 30 ms apart, which a loaded machine (ASan) still orders.
same "-c 3" fping -c 3 -p 100 -i 30 "$A" "$B" "$D"
same "-c 3 -q" fping -c 3 -p 100 -i 30 -q "$A" "$D"
same "-C 3" fping -C 3 -p 100 -i 30 "$A" "$D"
same "-C 3 -q" fping -C 3 -p 100 -i 30 -q "$A" "$B" "$D"
same "-c -o" fping -c 3 -p 100 -i 30 -o -q "$A" "$D"
same "-c -D" fping -c 2 -p 100 -D "$A"
same "-c -s" fping -c 2 -p 100 -i 30 -s "$A" "$D"
same "-c -a" fping -c 2 -p 100 -i 30 -a "$A" "$D"
same "-c -e" fping -c 2 -p 100 -e "$A"

# --- targets from -g, -f and stdin ----------------------------------------------
SORTED=1 same "-g CIDR" fping -g 198.19.3.0/28 -q -a -i 1
SORTED=1 same "-g range" fping -g 198.19.3.250 198.19.4.3 -a -i 1
same "-g /31" fping -g 198.19.3.0/31 -a
printf '# comment\n%s\n\n%s extra words\n%s\n' "$A" "$B" "$D" >"$TMPD/targets"
same "-f" fping -f "$TMPD/targets" -t 100 -r 0
STDIN=$TMPD/targets same "stdin" fping -t 100 -r 0
STDIN=$TMPD/targets same "-f -" fping -f - -t 100 -r 0 -a

# --- loop mode: -l with -Q, and netdata ------------------------------------------
same "-l -Q" timeout -s INT 1.5 fping -l -Q 1 -p 200 -q "$A" "$D"
# netdata's plugin: fping -R -b 56 -i 1 -r 0 -t 5000 -N -l -Q 1 -p 1000 HOST...
same "netdata" timeout -s INT 2.5 fping -R -b 56 -i 1 -r 0 -t 5000 -N -l -Q 1 -p 1000 "$A" "$B" "$D"

# --- Zabbix's pinger: targets on stdin, -C, -p, -i, -b, -t, -q ----------------------
printf '%s\n%s\n%s\n' "$A" "$D" "$B" >"$TMPD/zabbix"
STDIN=$TMPD/zabbix same "zabbix" fping -C3 -p1000 -i10 -b56 -t500 -q

# --- version, help, bad options -----------------------------------------------
same "-X (not in fping 5.1)" fping -X 2 "$A"
same "-v" fping -v
same "-h" fping -h
same "bad option" fping -Z "$A"
same "missing argument" fping "$A" -c
same "-c 0" fping -c 0 "$A"
same "-a -u" fping -a -u "$A"
same "-c -l" fping -c 1 -l "$A"
same "-4 -6" fping -4 -6 "$A"
same "-d -n" fping -d -n "$A"
same "-B 9" fping -B 9 "$A"
same "-H 300" fping -H 300 "$A"
# Where fping 5.1 takes a number C cannot convert (a deliberate difference,
# in the man page): refused, exit 1.
for bad in "-i 1e30" "-p inf" "-t nan" "-Q 1e300" "-B nan"; do
	# shellcheck disable=SC2086 # option and value
	run_in p "$(dirname "$PING")/fping" $bad "$A"
	assert_eq "fping $bad: refused, exit 1" 1 "$RC"
done
same "-g without target" fping -g
same "-g v6" fping -g 2001:2::/120
same "-g mask" fping -g 198.19.0.0/33
same "-f and targets" fping -f "$TMPD/targets" "$A"
same "fping6" fping6 2001:2:1::1

# --- SmokePing's, collected ------------------------------------------------------
wait "${_PIDS[-1]}" "${_PIDS[-2]}"
assert_eq "smokeping: exit status" "$(cat "$TMPD/smoke.r.rc")" "$(cat "$TMPD/smoke.e.rc")"
assert_eq "smokeping: stdout" "$(mask <"$TMPD/smoke.r.out")" "$(mask <"$TMPD/smoke.e.out")"
assert_eq "smokeping: stderr (20 values a host)" "$(mask <"$TMPD/smoke.r.err")" \
	"$(mask <"$TMPD/smoke.e.err")"
assert_match "smokeping: 20 times for the live host" "^$A +: (X ){19}X$" \
	"$(mask <"$TMPD/smoke.e.err")"
finish
