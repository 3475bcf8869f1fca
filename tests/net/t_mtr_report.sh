#!/bin/bash
# t_mtr_report: `echolot mtr`'s end-of-run outputs against Debian's mtr 0.95
# (mtr-tiny), both run on the same chain of 3 routers:
#  - report (-r), wide report (-w), every field (-o LDRSNBAWVGJMXI), XML
#    (-x), IPv4 and IPv6, ICMP, UDP (-u) and TCP (-T): the same lines
#    with every digit masked (times here are all below 10 ms, so widths
#    agree), the same hosts;
#  - CSV (-C): the same header, the same Host/Hop/Ip columns, the same
#    number of fields, Snt and Loss% equal, times within 5 ms;
#  - JSON (-j): the same keys in the same order at every level, the same
#    hubs (count, host), Snt and Loss% equal, times within 5 ms;
#  - loss: router 2 drops half of its time exceeded at random (nftables
#    numgen, counted): echolot's Loss% for hop 2 is exactly what the
#    counter says, hops 1, 3, 4 lose nothing, every hop was sent N probes;
#    mtr, run the same way, sees loss at hop 2 too;
#  - without a terminal (stdout a pipe, no -r) mtr's report comes out.
# Every namespace here is created by this test; nothing leaves them.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd nft python3
MTR=${MTR:-$(dirname "$PING")/mtr}
REF_MTR=${REF_MTR:-/usr/bin/mtr}
[ -x "$MTR" ] || die "no $MTR (make builds it)"
[ -x "$REF_MTR" ] || die "no $REF_MTR (scripts/deps.sh installs mtr-tiny)"

mask() { sed -E 's/[0-9]/9/g'; }
# numbers: every number -> N (JSON's reals have as many digits as they need)
numbers() { sed -E 's/[0-9]+(\.[0-9]+)?/N/g'; }
# Both tools, same arguments; ours in OURS, mtr's in REF.
both() {
	run_in c-p "$MTR" "$@"
	assert_eq "ours $*: exit status" 0 "$RC"
	assert_eq "ours $*: stderr empty" "" "$ERR"
	OURS=$OUT
	run_in c-p "$REF_MTR" -G 0.3 "$@"
	assert_eq "mtr $*: exit status" 0 "$RC"
	REF=$OUT
}

tchain c 3
for fam in 4 6; do
	if [ $fam = 4 ]; then dst=198.18.4.2; else dst=2001:2:0:4::2; fi
	for m in "" -u -T; do
		for f in -r -w; do
			both $f -c 3 -i 0.05 -n $m "$dst"
			assert_lines "v$fam ${m:-ICMP} $f: mtr's lines, digits masked" \
				"$(printf '%s\n' "$REF" | mask)" "$(printf '%s\n' "$OURS" | mask)"
		done
	done
done
dst=198.18.4.2
both -r -c 3 -i 0.05 -n -o LDRSNBAWVGJMXI "$dst"
assert_lines "every field: mtr's lines, digits masked" \
	"$(printf '%s\n' "$REF" | mask)" "$(printf '%s\n' "$OURS" | mask)"
both -x -c 3 -i 0.05 -n "$dst"
assert_lines "XML: mtr's lines, digits masked" \
	"$(printf '%s\n' "$REF" | mask)" "$(printf '%s\n' "$OURS" | mask)"

# CSV: field by field.
both -C -c 3 -i 0.05 -n "$dst"
assert_eq "CSV header" "$(printf '%s\n' "$REF" | head -n1)" "$(printf '%s\n' "$OURS" | head -n1)"
csv_cmp=$(python3 - "$REF" "$OURS" <<'EOF'
import sys
ref = [l.split(",") for l in sys.argv[1].splitlines()[1:]]
ours = [l.split(",") for l in sys.argv[2].splitlines()[1:]]
bad = []
if len(ref) != len(ours):
    bad.append("rows %d != %d" % (len(ref), len(ours)))
for r, o in zip(ref, ours):
    if len(r) != len(o):
        bad.append("fields %d != %d" % (len(r), len(o)))
        continue
    # version, status, host, hop, ip, loss, snt, drop equal; times close
    for i in (0, 2, 3, 4, 5, 6, 7, 8):
        if r[i] != o[i]:
            bad.append("col %d: %s != %s" % (i, r[i], o[i]))
    for i in range(9, len(r)):
        if abs(float(r[i]) - float(o[i])) > 5:
            bad.append("col %d: %s vs %s" % (i, r[i], o[i]))
print("ok" if not bad else "; ".join(bad))
EOF
)
assert_eq "CSV rows: mtr's columns, Snt/Loss equal, times close" ok "$csv_cmp"

# JSON: the same shape.
both -j -c 3 -i 0.05 -n "$dst"
json_cmp=$(python3 - "$REF" "$OURS" <<'EOF'
import json, sys
ref, ours = json.loads(sys.argv[1]), json.loads(sys.argv[2])
bad = []
def shape(a, b, path):
    if type(a) != type(b):
        bad.append("%s: %s vs %s" % (path, type(a).__name__, type(b).__name__))
    elif isinstance(a, dict):
        if list(a) != list(b):
            bad.append("%s: keys %s vs %s" % (path, list(a), list(b)))
        for k in a:
            if k in b:
                shape(a[k], b[k], path + "." + k)
    elif isinstance(a, list):
        if len(a) != len(b):
            bad.append("%s: %d vs %d items" % (path, len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            shape(x, y, "%s[%d]" % (path, i))
shape(ref, ours, "")
for k in ("src", "dst", "tos", "tests", "psize", "bitpattern"):
    if ref["report"]["mtr"][k] != ours["report"]["mtr"][k]:
        bad.append("mtr.%s" % k)
for r, o in zip(ref["report"]["hubs"], ours["report"]["hubs"]):
    for k in ("count", "host", "Snt", "Loss%"):
        if r[k] != o[k]:
            bad.append("hub %s.%s: %r vs %r" % (r["count"], k, r[k], o[k]))
    for k in ("Last", "Avg", "Best", "Wrst", "StDev"):
        if abs(r[k] - o[k]) > 5:
            bad.append("hub %s.%s far" % (r["count"], k))
print("ok" if not bad else "; ".join(bad))
EOF
)
assert_eq "JSON: mtr's keys and order, hubs, Snt/Loss equal, times close" ok "$json_cmp"
# As jansson writes it: 4-space indents, "key": value.
assert_lines "JSON layout, numbers masked" "$(printf '%s\n' "$REF" | numbers)" \
	"$(printf '%s\n' "$OURS" | numbers)"

# No terminal: the report.
run_in c-p "$MTR" -c 2 -i 0.05 -n "$dst"
assert_eq "no TTY: exit status" 0 "$RC"
assert_match "no TTY: a report" '^HOST: .*Loss%' "$OUT"
assert_line_count "no TTY: four hops" '^  [1-4]\.\|-- ' 4 "$OUT"

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
	ip netns exec "$(nsn c-r2)" nft reset counter inet lossy dropped >/dev/null
	run_in c-p "$MTR" -r -c $N -i 0.01 -n "$dst"
	assert_eq "loss v$fam: exit status" 0 "$RC"
	drops=$(nft_counter c-r2 inet lossy dropped)
	want=$(awk -v d="$drops" -v n=$N 'BEGIN { printf "%.1f", 100 * d / n }')
	row2=$(printf '%s\n' "$OUT" | grep '^  2\.|-- ')
	assert_match "loss v$fam: hop 2 Loss% = the counter ($drops of $N)" \
		"^  2\.\|-- [^ ]+ +${want//./\\.}% +$N " "$row2"
	assert_match "loss v$fam: some loss" "^  2\.\|-- [^ ]+ +[1-9]" "$row2"
	assert_line_count "loss v$fam: hops 1, 3, 4 lose nothing" \
		"^  [134]\.\|-- [^ ]+ +0\.0% +$N " 3 "$OUT"
	run_in c-p "$REF_MTR" -r -G 0.5 -c $N -i 0.01 -n "$dst"
	ref2=$(printf '%s\n' "$OUT" | grep '^  2\.|-- ' | awk '{ print $3 }' | tr -d %)
	CHECKS=$((CHECKS + 1))
	if awk -v l="$ref2" 'BEGIN { exit !(l >= 15 && l <= 85) }'; then
		pass "mtr sees the loss"
	else
		fail "loss v$fam: mtr's hop 2 loss '$ref2' is not about half"
	fi
	log "loss v$fam: echolot $want% (counter $drops/$N), mtr $ref2%"
done
finish
