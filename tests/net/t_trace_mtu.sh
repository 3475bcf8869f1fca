#!/bin/bash
# t_trace_mtu: traceroute --mtu on a chain of 5 routers whose link r2 - r3
# takes 1280 bytes, IPv4 and IPv6, against /usr/sbin/traceroute --mtu on
# the same topology (stdout with the times masked, exit statuses):
#  - the 65000-byte default probe is refused by our kernel and shrunk to
#    the first link's 1500 (hop 1: "F=1500"); r2's "fragmentation needed" /
#    "packet too big" shrinks it to 1280 and the probe goes again (hop 3:
#    "F=1280", not final);
#  - an explicit length (1400: only F=1280; 1280: no F= at all), -I, -T
#    (a fixed 60-byte SYN: no F=), -f 4 (both shrinks on one probe: F=1280);
#  - --json: the probe's "mtu" carries F=, the other probes null;
#  - --back: the target's default TTL / hop limit lowered to 60, so its
#    answers imply a longer way back ('-10'), with and without --mtu.
# Every namespace here is created by this test; nothing leaves them.
. "$(dirname "$0")/lib.sh"
need_root
TR=${TR:-$(dirname "$PING")/traceroute}
REF_TR=${REF_TR:-/usr/sbin/traceroute}
[ -x "$TR" ] || skip "traceroute $TR not found (build it: make)"
[ -x "$REF_TR" ] || skip "no reference traceroute $REF_TR (apt install traceroute)"

maskt() {
	sed -E 's/ [0-9]+\.[0-9]{3} ms/ X ms/g'
}

# differential ARGS...: the reference and ours, same arguments, from m-p.
differential() {
	local args="$*" ref_out ref_rc
	run_in m-p "$REF_TR" "$@"
	ref_out=$(printf '%s\n' "$OUT" | maskt) ref_rc=$RC
	assert_match "reference '$args' traced" "^ ?[0-9]+  [0-9a-z*]" "$ref_out"
	run_in m-p "$TR" "$@"
	assert_lines "differential '$args'" "$ref_out" "$(printf '%s\n' "$OUT" | maskt)"
	assert_eq "differential '$args': exit status" "$ref_rc" "$RC"
}

tchain m 5
ip -n "$(nsn m-r2)" link set right mtu 1280 || die "mtu"
ip -n "$(nsn m-r3)" link set left mtu 1280 || die "mtu"

# What the reference prints here, so that a change in either shows.
run_in m-p "$TR" --mtu -n 198.18.6.2
assert_lines "v4 --mtu" "$(cat <<'X'
traceroute to 198.18.6.2 (198.18.6.2), 30 hops max, 65000 byte packets
 1  198.18.1.2  X ms F=1500  X ms  X ms
 2  198.18.2.2  X ms  X ms  X ms
 3  198.18.3.2  X ms F=1280  X ms  X ms
 4  198.18.4.2  X ms  X ms  X ms
 5  198.18.5.2  X ms  X ms  X ms
 6  198.18.6.2  X ms  X ms  X ms
X
)" "$(printf '%s\n' "$OUT" | maskt)"
assert_eq "v4 --mtu: exit status" 0 "$RC"

for args in "--mtu -n 198.18.6.2" "--mtu -n -6 2001:2:0:6::2" \
	"--mtu -n -I 198.18.6.2" "--mtu -n -6 -I 2001:2:0:6::2" \
	"--mtu -n -T 198.18.6.2" "--mtu -n -6 -T 2001:2:0:6::2" \
	"--mtu -n 198.18.6.2 1400" "--mtu -n -6 2001:2:0:6::2 1400" \
	"--mtu -n 198.18.6.2 1280" "--mtu -n 198.18.6.2 2000" \
	"--mtu -n -f 4 198.18.6.2" "--mtu -n -6 -f 4 2001:2:0:6::2" \
	"--mtu -n -q 1 -N 8 198.18.6.2" "--mtu -n -q 2 -m 4 -6 2001:2:0:6::2"; do
	# shellcheck disable=SC2086 # one word per argument
	differential $args
done

# JSON: "mtu" is F= (hop 1 first probe 1500, hop 3 first probe 1280).
for fam in 4 6; do
	if [ $fam = 4 ]; then dst=198.18.6.2; else dst=2001:2:0:6::2; fi
	run_in m-p "$TR" --mtu --json "$dst"
	assert_eq "v$fam --mtu --json: exit status" 0 "$RC"
	assert_eq "v$fam --mtu --json: mtu per probe" \
		"1:1500,null,null 2:null,null,null 3:1280,null,null 4:null,null,null 5:null,null,null 6:null,null,null" \
		"$(printf '%s\n' "$OUT" | jq -r 'select(.type == "hop") | "\(.hop):\(.probes | map(.mtu // "null" | tostring) | join(","))"' | tr '\n' ' ' | sed 's/ $//')"
	assert_eq "v$fam --mtu --json: all final only at the end" \
		"6" "$(printf '%s\n' "$OUT" | jq -r 'select(.type == "hop") | select(any(.probes[]; .final)) | .hop')"
done

# --back: the target answers with TTL / hop limit 60 - 5 = 55, which
# implies 65 - 55 = 10 hops back, not 6.
ns_sysctl m-t net.ipv4.ip_default_ttl=60 net.ipv6.conf.all.hop_limit=60 \
	net.ipv6.conf.left.hop_limit=60
for args in "--back -n 198.18.6.2" "--back -n -6 2001:2:0:6::2" \
	"--back -n -I 198.18.6.2" "--back --mtu -n 198.18.6.2" \
	"--back --mtu -n -6 2001:2:0:6::2"; do
	# shellcheck disable=SC2086
	differential $args
	assert_match "'$args': back hops" "^ 6  [0-9a-f:.]+ '-10'  X ms" "$(printf '%s\n' "$OUT" | maskt)"
done
finish
