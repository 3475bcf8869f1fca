#!/bin/bash
# t_mtr_screen: `echolot mtr`'s live screen, driven in a pseudo-terminal and
# read back with a terminal emulator (pyte, tests/net/tools/pty_screen.py),
# over a chain of 5 routers:
#  - the hop lines appear (every router and the target, mtr's header and
#    columns), names from /etc/hosts included, a UTF-8 and a double-width
#    one among them, with the fields still in their columns;
#  - router 3 drops every other time exceeded it sends (nftables, counted):
#    once paused (p), hop 3's Loss% on the screen is the counter over its
#    Snt, and the other hops show 0.0%;
#  - keys change the display: d (mtr's block map, then echolot's strip,
#    distribution and OS views), j (the jitter fields), o (a field list
#    typed in), r (the counters start again), ? (help), p / space;
#  - a window change (SIGWINCH) redraws at the new width;
#  - q, Ctrl-C, SIGTERM end it with the terminal given back (cooked mode,
#    echo, the normal screen), --report-on-exit prints the report after;
#    a crash signal (SIGSEGV) still gives the terminal back.
# Every namespace here is created by this test; nothing leaves them.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd nft python3
MTR=${MTR:-$(dirname "$PING")/mtr}
PTY="/usr/bin/python3 $(dirname "$0")/tools/pty_screen.py"
[ -x "$MTR" ] || die "no $MTR (make builds it)"
/usr/bin/python3 -c 'import pyte' 2>/dev/null || die "python3-pyte missing (scripts/deps.sh)"

tchain c 5
hosts_file c-p "198.18.1.2 gw.example" "198.18.2.2 rüter-zwei.example" \
	"198.18.4.2 路由器.example"
nft_load c-r3 '
table inet lossy {
	counter dropped { }
	chain out {
		type filter hook output priority 0;
		icmp type time-exceeded numgen inc mod 2 0 counter name dropped drop
		icmpv6 type time-exceeded numgen inc mod 2 0 counter name dropped drop
	}
}'
dst=198.18.6.2

# screen SCRIPT ARGS...: run mtr in a 100x30 terminal; SCREEN gets what
# pty_screen printed.
screen() {
	local script=$1
	shift
	run_in c-p $PTY --cols 100 --rows 30 --timeout 25 "$script" -- "$MTR" "$@"
	SCREEN=$OUT
}
# part LABEL: one dump of SCREEN.
part() { printf '%s\n' "$SCREEN" | sed -n "/^=== $1\$/,/^=== end\$/p"; }
# col TEXT LINE-REGEX FIELD: the FIELD-th word of the first matching line.
col() { printf '%s\n' "$1" | grep -E -m1 -- "$2" | awk -v f="$3" '{ print $f }'; }

# Loss, read while paused: nothing more is sent, so the counter stands.
ip netns exec "$(nsn c-r3)" nft reset counter inet lossy dropped >/dev/null
screen "until ^ 6\. 198\.18\.6\.2 ; wait 1.5; key p; wait 1.2; dump paused; key q; exit 5" \
	-i 0.1 "$dst"
drops=$(nft_counter c-r3 inet lossy dropped)
PAUSED=$SCREEN
screen "until ^ 6\. 198\.18\.6\.2 ; wait 0.5;
	key d; wait 0.5; dump map; key d; key d; wait 0.5; dump strip;
	key d; wait 0.5; dump dist; key d; wait 0.5; dump os; key d;
	key j; wait 0.5; dump jitter; key j; key ?; wait 0.5; dump help; key x;
	key o; key L; key S; key O; key \r; wait 0.5; dump order;
	key r; key p; key \x20; wait 0.6; dump reset;
	resize 120 30; wait 0.6; dump wide; key q; exit 5" -i 0.1 "$dst"
assert_match "the run's end" "^EXIT 0$" "$SCREEN"
p=$(SCREEN=$PAUSED part paused)
assert_match "title" "My traceroute +\[echolot " "$p"
assert_match "our end and the target" "-> $dst \($dst\)" "$p"
assert_match "mtr's keys line" "^Keys:  Help   Display mode   Restart statistics   Order of fields   quit" "$p"
assert_match "paused" "\[paused: space resumes\]" "$p"
assert_match "mtr's columns" "^ Host +Loss%   Snt   Last   Avg  Best  Wrst StDev$" "$p"
assert_match "hop 1 by its name" "^ 1\. gw\.example +0\.0% " "$p"
assert_match "hop 2, a UTF-8 name" "^ 2\. rüter-zwei\.example +0\.0% " "$p"
assert_match "hop 3" "^ 3\. 198\.18\.3\.2 " "$p"
assert_match "hop 4, a double-width name" "^ 4\. 路由器\.example +0\.0% " "$p"
assert_match "hop 5" "^ 5\. 198\.18\.5\.2 +0\.0% " "$p"
assert_match "hop 6, the target" "^ 6\. 198\.18\.6\.2 +0\.0% " "$p"
assert_line_count "six hop lines" "^ [1-9]\. " 6 "$p"
# The fields end one column short of the right edge (as mtr) on every
# line, wide names or not (the double-width name takes 2 columns a
# character).
w=$(printf '%s\n' "$p" | grep -E '^ [1-6]\. ' | /usr/bin/python3 -c '
import sys, unicodedata
print(sorted(set(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l.rstrip("\n")) for l in sys.stdin)))')
assert_eq "every hop line 99 columns wide" "[99]" "$w"
snt=$(col "$p" '^ 3\. ' 4)
loss=$(col "$p" '^ 3\. ' 3)
want=$(awk -v d="$drops" -v n="$snt" 'BEGIN { printf "%.1f%%", 100 * d / n }')
assert_eq "hop 3: Loss% = nft counter / Snt ($drops / $snt)" "$want" "$loss"
assert_match "hop 3 loses about half" "^(4[0-9]|5[0-9])\." "$loss"
log "hop 3: $loss of $snt (counter $drops)"

m=$(part map)
assert_match "d: mtr's block map" "Last +[0-9]+ pings" "$m"
assert_match "d: the scale" "^Scale:" "$m"
assert_match "d: hop 3's losses as ?" "^ 3\. .*\?" "$m"
s=$(part strip)
assert_match "d d d: the shaded strip" "^ 6\. 198\.18\.6\.2 +[▁▂▃▄▅▆▇█]+" "$s"
assert_match "strip: lost rounds" "^ 3\. .*\?" "$s"
d=$(part dist)
assert_match "d: the distribution" "Loss%   Snt   Last   P50   P90   P99  Wrst" "$d"
o=$(part os)
assert_match "d: the OS view" "OS \(confidence\)" "$o"
assert_match "OS: hop 5 from TTL 60, 4 hops back, Linux" \
	"^ 5\. .* 60 +4 +64  Linux/Unix \((high|medium)\)" "$o"
j=$(part jitter)
assert_match "j: mtr's jitter fields" "^ Host +Drop   Rcv    Avg Gmean Jttr Javg Jmax Jint$" "$j"
h=$(part help)
assert_match "?: the help" "^Command:" "$h"
r=$(part order)
assert_match "o LSO: the fields typed in" "^ Host +Loss%   Snt ITTL$" "$r"
x=$(part reset)
assert_match "r: counting from the start again" "^ 1\. gw\.example +0\.0% +[1-9] " "$x"
assert_no_match "space: resumed" "paused" "$x"
x=$(part wide)
assert_match "resize: the clock at the new right edge" "^.{95}[0-9]{4}-[0-9]{2}-[0-9]{2}T" "$x"
assert_match "resize: the fields at the new right edge" "^ Host {98}Loss%   Snt ITTL$" "$x"
assert_match "q: the terminal is cooked again" "^TERMIOS echo=1 icanon=1$" "$SCREEN"
assert_match "q: the normal screen again (rmcup)" "^RAW-TAIL .*1b5b3f313034396c" "$SCREEN"

# Ctrl-C as a key, with the report after.
screen "until ^ 6\. ; wait 0.5; key \x03; exit 5; dump after" -i 0.1 --report-on-exit "$dst"
assert_match "Ctrl-C: the run's end" "^EXIT 0$" "$SCREEN"
assert_match "Ctrl-C: the terminal given back" "^TERMIOS echo=1 icanon=1$" "$SCREEN"
assert_match "--report-on-exit: the report" "^HOST: .*Loss%   Snt   Last" "$SCREEN"
assert_match "--report-on-exit: the target's line" "^  6\.\|-- 198\.18\.6\.2 " "$SCREEN"

# SIGTERM, and a crash.
screen "until ^ 6\. ; signal TERM; exit 5" -n -i 0.1 "$dst"
assert_match "SIGTERM: ends" "^EXIT 0$" "$SCREEN"
assert_match "SIGTERM: the terminal given back" "^TERMIOS echo=1 icanon=1$" "$SCREEN"
screen "until ^ 6\. ; signal SEGV; exit 5" -n -i 0.1 "$dst"
assert_match "SIGSEGV: dies of it" "^EXIT -11$" "$SCREEN"
assert_match "SIGSEGV: the terminal given back" "^TERMIOS echo=1 icanon=1$" "$SCREEN"
assert_match "SIGSEGV: the normal screen again" "^RAW-TAIL .*1b5b3f313034396c" "$SCREEN"

# -e: the MPLS labels a router quotes (RFC 4950), under its line; e hides
# them.  198.18.6.77 on t answers UDP probes with a time exceeded carrying
# labels 24001 and 16 (tests/net/tools/mpls_responder.py).
addr c-t left 198.18.6.77/24
nft_load c-t '
table inet quiet77 {
	chain in {
		type filter hook input priority 0;
		ip daddr 198.18.6.77 meta l4proto udp drop
	}
}'
bg_start c-t "$TMPD/mpls.log" /usr/bin/python3 "$(dirname "$0")/tools/mpls_responder.py" 15 40 198.18.6.77
for _ in $(seq 50); do grep -q ready "$TMPD/mpls.log" 2>/dev/null && break; sleep 0.1; done
screen "until ^ 6\. 198\.18\.6\.77 ; wait 0.3; dump mpls; key e; wait 0.3; dump plain; key q; exit 5" \
	-n -u -e -m 6 -i 0.2 198.18.6.77
m=$(part mpls)
assert_match "-e: hop 6's first label" "^ 6\. 198\.18\.6\.77 " "$m"
assert_eq "-e: both labels, under hop 6" "    [MPLS: Lbl 24001 TC 0 S 0 TTL 1]
    [MPLS: Lbl 16 TC 5 S 1 TTL 1]" "$(printf '%s\n' "$m" | grep -A2 '^ 6\. ' | tail -n 2)"
assert_no_match "e: the labels hidden" "MPLS" "$(part plain)"
kill "$BG_PID" 2>/dev/null

# -c in the screen: it ends by itself after the rounds.
screen "exit 10" -n -c 3 -i 0.05 "$dst"
assert_match "-c 3: ends by itself" "^EXIT 0$" "$SCREEN"
finish
