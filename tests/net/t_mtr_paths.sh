#!/bin/bash
# t_mtr_paths: `echolot mtr --paths N` on a load-balanced path (the chain of
# tests/net/t_trace_ecmp.sh: r1 spreads flows over ra and rb by an L4 hash,
# r3 joins them again):
#
#   p - r1 =< ra >= r3 - t
#            < rb >
#
#  - UDP and TCP, IPv4 (and IPv6 where the kernel hashes its ports):
#    --paths 2 from source ports L, L+1 (-L; the first L of a few that puts
#    the two flows on different routers): two paths, each hop line one
#    router, hop 2 through ra on one and rb on the other, the same on
#    three runs (every probe of a flow keeps its flow: Paris);
#  - the JSON and the CSV carry both paths;
#  - the screen shows both paths, one block each;
#  - the contrast: mtr 0.95 -u, whose UDP probes vary their source port,
#    mixes ra and rb in one hop (a second address under hop 2).
# Every namespace here is created by this test; nothing leaves them.
. "$(dirname "$0")/lib.sh"
need_root
MTR=${MTR:-$(dirname "$PING")/mtr}
REF_MTR=${REF_MTR:-/usr/bin/mtr}
PTY="/usr/bin/python3 $(dirname "$0")/tools/pty_screen.py"
[ -x "$MTR" ] || die "no $MTR (make builds it)"
[ -x "$REF_MTR" ] || die "no $REF_MTR (scripts/deps.sh installs mtr-tiny)"

ecmp_diamond
FAMS=4
if [ "$ECMP_V6HASH" = 1 ]; then
	FAMS="4 6"
else
	log "no net.ipv6.fib_multipath_hash_policy: IPv6 not balanced by ports, skipped"
fi

# paths OUT: per path "hop2,hop3,..." of the report, one line a path.
paths() {
	awk '/^Path / { if (p != "") print p; p = ""; next }
	     /\|-- / { p = p (p == "" ? "" : ",") $2 }
	     END { if (p != "") print p }'
}

for fam in $FAMS; do
	if [ $fam = 4 ]; then dst=198.18.6.2 a=198.18.2.2 b=198.18.3.2; else
		dst=2001:2:0:6::2 a=2001:2:0:2::2 b=2001:2:0:3::2; fi
	for m in -u -T; do
		what="v$fam $m"
		L=""
		for ((l = 40000; l < 40032; l += 2)); do
			run_in p "$MTR" -r -n -c 1 -i 0.05 $m --paths 2 -L $l "$dst"
			if [ "$(printf '%s\n' "$OUT" | paths | wc -l)" = 2 ]; then
				L=$l
				break
			fi
		done
		CHECKS=$((CHECKS + 1))
		if [ -n "$L" ]; then
			pass "$what: two flows on two paths"
		else
			fail "$what: no -L of 16 put two flows on different paths"
			continue
		fi
		first=""
		for i in 1 2 3; do
			run_in p "$MTR" -r -n -c 3 -i 0.05 $m --paths 2 -L $L "$dst"
			assert_eq "$what run $i: exit status" 0 "$RC"
			assert_line_count "$what run $i: two paths" "^Path [12] of 2, flow [12]$" 2 "$OUT"
			assert_no_match "$what run $i: one router a hop line" "^        [^ ]" "$OUT"
			assert_line_count "$what run $i: hop 2 through ra on one path" \
				"^  2\.\|-- ${a//./\\.} +0\.0% +3 " 1 "$OUT"
			assert_line_count "$what run $i: hop 2 through rb on the other" \
				"^  2\.\|-- ${b//./\\.} +0\.0% +3 " 1 "$OUT"
			assert_line_count "$what run $i: both reach the target" \
				"^  4\.\|-- ${dst//./\\.} +0\.0% +3 " 2 "$OUT"
			p=$(printf '%s\n' "$OUT" | paths)
			if [ -z "$first" ]; then first=$p; else
				assert_lines "$what run $i: the paths of run 1" "$first" "$p"
			fi
		done
		log "$what, -L $L: $(printf '%s\n' "$first" | tr '\n' ' ')"
		[ "$what" = "v4 -u" ] && LU=$L
	done
done

dst=198.18.6.2
run_in p "$MTR" -j -n -c 2 -i 0.05 -u --paths 2 -L "${LU:-40000}" "$dst"
assert_eq "JSON: exit status" 0 "$RC"
assert_eq "JSON: two paths of one flow each, hop 2 through ra and rb" \
	"[[1], [2]] ['198.18.2.2', '198.18.3.2']" \
	"$(printf '%s' "$OUT" | /usr/bin/python3 -c '
import json, sys
r = json.load(sys.stdin)["report"]
print(sorted(p["flows"] for p in r["paths"]),
      sorted(p["hubs"][1]["host"] for p in r["paths"]))')"
run_in p "$MTR" -C -n -c 2 -i 0.05 -u --paths 2 -L "${LU:-40000}" "$dst"
assert_match "CSV: a Path column" "^Mtr_Version,.*,StDev,Path,$" "$OUT"
assert_line_count "CSV: hop 2 of both paths" "^MTR\.0\.95,[0-9]+,OK,$dst,2,198\.18\.[23]\.2,.*,[12]$" 2 "$OUT"

# The screen: a block a path.
run_in p $PTY --cols 100 --rows 30 --timeout 20 \
	"until ^Path 2 of 2; wait 0.5; dump paths; key q; exit 5" -- \
	"$MTR" -n -i 0.1 -u --paths 2 -L "${LU:-40000}" "$dst"
assert_match "screen: path 1's title" "^Path 1 of 2: flow 1$" "$OUT"
assert_match "screen: path 2's title" "^Path 2 of 2: flow 2$" "$OUT"
assert_line_count "screen: hop 2 through ra and rb, one line each" \
	"^ 2\. 198\.18\.[23]\.2 +0\.0%" 2 "$OUT"
assert_line_count "screen: the target on both" "^ 4\. 198\.18\.6\.2 " 2 "$OUT"
assert_match "screen: the terminal given back" "^TERMIOS echo=1 icanon=1$" "$OUT"

# The contrast: mtr -u varies the source port probe by probe; its hop 2
# line gets the other router under it.
mixed=0
for ((i = 1; i <= 3 && mixed == 0; i++)); do
	run_in p "$REF_MTR" -r -n -u -c 10 -i 0.05 -G 0.3 "$dst"
	if printf '%s\n' "$OUT" | grep -A1 '^  2\.|-- ' | grep -Eq '^        198\.18\.[23]\.2'; then
		mixed=1
		log "mtr -u: $(printf '%s\n' "$OUT" | grep -A1 '^  2\.|-- ' | tr -s ' ' | tr '\n' ' ')"
	fi
done
assert_eq "mtr 0.95 -u mixes ra and rb in one hop" 1 "$mixed"
finish
