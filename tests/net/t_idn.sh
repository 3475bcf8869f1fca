#!/bin/bash
# t_idn: internationalised names.  p's hosts file has the ACE form of
# "bücher.test" for the target; ping given the Unicode name must find it
# (libidn2 turns it into xn--bcher-kva.test), show the name in the header
# as iputils does, and a name that IDNA forbids must be refused with exit 2.
. "$(dirname "$0")/lib.sh"
need_root
need_ping

chain 0
hosts_file p "$T4 xn--bcher-kva.test" "$T6 xn--bcher-kva.test"
export LC_ALL=C.UTF-8

for fam in 4 6; do
	if [ $fam = 4 ]; then T=$T4; else T=$T6; fi
	run_in p "$PING" -$fam -c 1 -n "bücher.test"
	assert_eq "v$fam Unicode name: exit status" 0 "$RC"
	assert_line_count "v$fam Unicode name: reply from the target" \
		"^64 bytes from $T: icmp_seq=1 " 1 "$OUT"
	got=$(printf '%s\n' "$OUT" | head -n1)
	if [ $fam = 4 ]; then
		# iputils shows the canonical name in Unicode (AI_CANONIDN), but
		# with -4 and a name that also has an IPv6 address it prints an
		# empty name (iputils PR #485): state the intended header.
		assert_eq "v4 Unicode name: header" "PING bücher.test ($T) 56(84) bytes of data." "$got"
	else
		run_in p "$REF_PING" -$fam -c 1 -n "bücher.test"
		assert_eq "v$fam Unicode name: header as iputils" "$(printf '%s\n' "$OUT" | head -n1)" "$got"
	fi
done

# U+2603 SNOWMAN is not allowed in IDNA2008 names.
run_in p "$PING" -c 1 -n "snow☃.test"
assert_eq "forbidden code point: exit status" 2 "$RC"
assert_eq "forbidden code point: nothing on stdout" "" "$OUT"
assert_match "forbidden code point: says which name" "snow☃.test" "$ERR"

finish
