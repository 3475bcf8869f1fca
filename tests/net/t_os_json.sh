#!/bin/bash
# t_os_json: the `os` event of --json (docs/json-schema.md), from
# `ping --os --json` and `echolot os --json` / `--format=json`.
#
# Topology: p - r1 - ... - r5 - t (chain 5).  Targets r1 (0 routers between
# it and p) and t (5), with their initial TTL / hop limit set in turn to 64,
# 128 and 255; IPv4 and IPv6.  For each scenario and each command:
#  - every stdout line is JSON and matches the jq schema below (documented
#    fields only, with their types; the os event's nested objects too);
#  - the order: ping: start, the replies, os, then summary, last;
#    echolot os: start, then os, nothing else;
#  - the os event says what the text verdict line of the same scenario
#    says: the line rebuilt from the event's fields (jq, below) equals the
#    text run's line, and the reply TTLs (and echolot os's probe counts)
#    equal the text's evidence.
# Also: bad --format / --json with --read (exit 2, nothing on stdout), the
# last --format counts, -q keeps os, an unanswered target (exit 1: start
# and an os event with a null family).
. "$(dirname "$0")/lib.sh"
need_root
need_ping
need_cmd nft jq

OS=${OS:-$(dirname "$PING")/echolot}
[ -x "$OS" ] || skip "echolot binary $OS not found"
"$OS" os --help 2>/dev/null | grep -q -- --json || skip "$OS os has no --json"

# --- the schema, as jq --------------------------------------------------------
cat >"$TMPD/schema.jq" <<'EOF'
def typeok($t):
  if ($t | endswith("?")) then (. == null or typeok($t[:-1]))
  elif $t == "int" then (type == "number" and . == floor and . >= 0)
  elif $t == "num" then (type == "number" and . >= 0)
  elif $t == "str" then type == "string"
  elif $t == "bool" then type == "boolean"
  elif $t == "arr" then type == "array"
  else false end;

def specs: {
  start: {type: "str", schema_version: "int", command: "str", target: "str",
          canonical_name: "str", address: "str", family: "str", source: "str?",
          data_size: "int", ttl: "int?", socket: "str", timestamp: "num"},
  reply: {type: "str", seq: "int", bytes: "int", from: "str?", ttl: "int?",
          rtt_ms: "num?", dup: "bool", corrupted: "bool", truncated: "bool",
          timestamp: "num?"},
  timeout: {type: "str", seq: "int", final: "bool", timestamp: "num?"},
  summary: {type: "str", transmitted: "int", received: "int", duplicates: "int",
            corrupted: "int", errors: "int", timeouts: "int", loss_pct: "num",
            time_ms: "num", min_ms: "num?", avg_ms: "num?", max_ms: "num?",
            mdev_ms: "num?", p50_ms: "num?", p90_ms: "num?", p99_ms: "num?"},
  os: {type: "str", family: "str?", confidence: "str?", initial_ttl: "int?",
       hops: "int?", hops_measured: "bool", measured_hops: "int?",
       reply_ttl: "int?", alternatives: "arr", notes: "arr",
       other_initial_ttl: "int?", replies: "int", replies_without_ttl: "int",
       ttls: "arr", ttl_changed_at: "int?", ttl_changed_from: "int?",
       ttl_changed_to: "int?", ttl_changes: "int", candidates: "arr?",
       signals: "arr?", probes_sent: "int?", probes_answered: "int?"},
  alternative: {initial_ttl: "int", hops: "int", reading: "str"},
  ttl: {ttl: "int", count: "int", first_seq: "int"},
  signal: {name: "str", value: "str", sent: "int?", got: "int?",
           suggests: "arr", rules_out: "arr"}
};

def check($kind):
  . as $o | specs[$kind] as $s |
  if type != "object" then ["\($kind): not an object"] else
  ([$s | keys[] | . as $k | select($o | has($k) | not) | "\($kind): missing \($k)"] +
   [$o | keys[] | . as $k | select($s | has($k) | not) | "\($kind): undocumented \($k)"] +
   [$s | to_entries[] | . as $e
       | select(($o | has($e.key)) and ($o[$e.key] | typeok($e.value) | not))
       | "\($kind): \($e.key) is not \($e.value): \($o[$e.key] | tojson)"])
  end;

def strs: type == "array" and all(.[]; type == "string");

def os_problems:
  . as $o |
  check("os") +
  [.alternatives[]? | check("alternative")[]] +
  [.ttls[]? | check("ttl")[]] +
  [.signals[]? | check("signal")[]] +
  [if ($o.confidence | IN(null, "high", "medium", "low")) then empty else "bad confidence" end,
   if ($o.family == null) == ($o.confidence == null) then empty else "family null iff confidence null" end,
   if ($o.notes | strs) then empty else "notes not strings" end,
   if ($o.notes | all(.[]; IN("no_replies", "no_ttl", "hops_mismatch", "ambiguous",
        "rare_initial", "implausible_hops", "initials_disagree", "ttl_changed",
        "reply_ttl_disagrees", "measured_hops_disagree", "signals_narrowed",
        "signals_contradict"))) then empty else "undocumented note" end,
   if ([$o.alternatives[]?.reading] | all(.[]; IN("ttl", "reply_ttl", "measured_hops")))
     then empty else "bad reading" end,
   if ($o.candidates == null or ($o.candidates | strs)) then empty else "candidates not strings" end,
   if ([$o.signals[]? | (.suggests | strs) and (.rules_out | strs)] | all) then empty
     else "suggests / rules_out not strings" end,
   if ([$o.signals[]?.name] | all(.[]; IN("code", "ip_id", "df", "tos", "timestamp", "quote")))
     then empty else "undocumented signal" end,
   if ($o.ttl_changed_at == null) == ($o.ttl_changes == 0) then empty
     else "ttl_changed_at null iff no change" end];

def problems:
  if type != "object" then ["not an object"]
  elif (.type | type) != "string" then ["no type"]
  elif .type == "os" then os_problems
  elif (.type as $t | specs | has($t) | not) or (.type | IN("alternative", "ttl", "signal"))
    then ["unknown type \(.type)"]
  else check(.type) end;

. as $line | input_line_number as $n |
(try ($line | fromjson | problems[]) catch "not JSON") | "line \($n): \(.)"
EOF

# The text verdict line (report_os_format(), report_os_active_format()),
# rebuilt from an os event.
cat >"$TMPD/line.jq" <<'EOF'
def hop($n): "\($n) hop\(if $n == 1 then "" else "s" end)";
def note($n): (.notes | index($n)) != null;
def table: ["Linux", "FreeBSD", "OpenBSD", "macOS", "Windows", "Cisco IOS",
            "Solaris", "Windows 95", "HP JetDirect"];
def joined: . as $a | [table[] | . as $x | select($a | any(.[]; . == $x))]
  | if length <= 1 then join("") else (.[:-1] | join(", ")) + " and " + .[-1] end;
def alt($r): [.alternatives[] | select(.reading == $r)] | first;

select(.type == "os") |
if .family == null then
  "os: unknown (\(if note("no_ttl") then "no ttl in the replies" else "no replies" end))"
else
  "os: \(.family) (initial ttl \(.initial_ttl), \(hop(.hops)), confidence \(.confidence)"
  + (if .hops_measured then "; hop count measured" else "" end)
  + (if note("hops_mismatch") then
       "; measured \(hop(.measured_hops)), but ttl \(.reply_ttl) + \(.measured_hops) = \(.reply_ttl + .measured_hops) is no known initial ttl (asymmetric path or ttl-rewriting middlebox)"
     else "" end)
  + (if note("ambiguous") then alt("ttl") | "; or initial ttl \(.initial_ttl), \(hop(.hops))" else "" end)
  + (if note("rare_initial") then "; initial ttl 32 is rare" else "" end)
  + (if note("implausible_hops") then "; more than 30 hops is implausible" else "" end)
  + (if note("initials_disagree") then "; replies point to initial ttl \(.initial_ttl) and \(.other_initial_ttl)" else "" end)
  + (if note("ttl_changed") then
       "; ttl changed at icmp_seq=\(.ttl_changed_at): \(.ttl_changed_from) -> \(.ttl_changed_to)"
       + (if .ttl_changes > 1 then " and \(.ttl_changes - 1) more time\(if .ttl_changes == 2 then "" else "s" end)" else "" end)
     else "" end)
  + (if note("measured_hops_disagree") then alt("measured_hops") |
       "; the measured hops say initial ttl \(.initial_ttl), \(hop(.hops)), but the signals fit this reading (a return path longer or shorter than the forward one)"
     elif note("reply_ttl_disagrees") then alt("reply_ttl") |
       "; the reply ttl alone says initial ttl \(.initial_ttl), \(hop(.hops)) (a return path of another length?)"
     else "" end)
  + (if note("signals_narrowed") then "; signals fit \(.family) best of \(.candidates | joined)"
     elif note("signals_contradict") then "; signals fit no stack that starts at \(.initial_ttl) (\(.candidates | joined))"
     else "" end)
  + ")"
end
EOF

# check_schema WHAT: every line of OUT is JSON of the schema.
check_schema() {
	local bad
	CHECKS=$((CHECKS + 1))
	if [ -z "$OUT" ]; then
		fail "$1: no output"
		_show_last
		return 1
	fi
	bad=$(printf '%s\n' "$OUT" | jq -R -r -f "$TMPD/schema.jq" 2>&1)
	if [ -n "$bad" ]; then
		fail "$1: schema"
		printf '%s\n' "$bad" | sed 's/^/  | /' >&2
		_show_last
		return 1
	fi
	pass "$1: schema"
}

types() { printf '%s\n' "$OUT" | jq -r .type | tr '\n' ' ' | sed 's/ $//'; }
os_ev() { printf '%s\n' "$OUT" | jq -c 'select(.type == "os")'; }

set_ttl() {
	ns_sysctl "$1" "net.ipv4.ip_default_ttl=$2" \
		"net.ipv6.conf.all.hop_limit=$2" "net.ipv6.conf.default.hop_limit=$2" \
		"net.ipv6.conf.left.hop_limit=$2"
}

chain 5

declare -A NODE=([0]=r1 [5]=t)
for hops in 0 5; do
	ns=${NODE[$hops]}
	# Every run's Port Unreachable must come (the quote signal).
	ns_sysctl "$ns" net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
	if [ "$hops" = 5 ]; then a4=$T4 a6=$T6; else a4=${R4[1]} a6=${R6[1]}; fi
	for init in 64 128 255; do
		set_ttl "$ns" "$init"
		for fam in 4 6; do
			if [ $fam = 4 ]; then a=$a4; else a=$a6; fi
			what="v$fam $ns (ttl $init, $hops routers)"

			# ping --os: text, then --json.
			run_in p "$PING" -$fam --os -c 2 -i 0.2 -n "$a"
			text=$(printf '%s\n' "$OUT" | tail -n 1)
			assert_match "$what: ping text verdict" "^os: " "$text"
			run_in p "$PING" -$fam --os --json -c 2 -i 0.2 -n "$a"
			assert_eq "$what: ping --json exit" 0 "$RC"
			check_schema "$what: ping --json"
			assert_eq "$what: ping --json order" "start reply reply os summary" "$(types)"
			ev=$(os_ev)
			assert_eq "$what: ping os = text line" "$text" \
				"$(printf '%s\n' "$ev" | jq -r -f "$TMPD/line.jq")"
			assert_eq "$what: ping os ttls = replies" \
				"$(printf '%s\n' "$OUT" | jq -s -c '[.[] | select(.type == "reply")] | group_by(.ttl) | map({ttl: .[0].ttl, count: length, first_seq: (map(.seq) | min)})')" \
				"$(printf '%s\n' "$ev" | jq -c .ttls)"
			assert_eq "$what: ping os: no signals, no probes" "null null null null false" \
				"$(printf '%s\n' "$ev" | jq -r '[.signals, .candidates, .probes_sent, .probes_answered, .hops_measured] | map(tostring) | join(" ")')"
			assert_eq "$what: ping os: initial - hops = reply ttl" "$((init - hops))" \
				"$(printf '%s\n' "$ev" | jq -r '.reply_ttl')"
			assert_eq "$what: stderr empty" "" "$ERR"

			# echolot os: text, then --json (and --format=json).
			run_in p "$OS" os -$fam -n "$a"
			text=$OUT
			run_in p "$OS" os -$fam -n --json "$a"
			assert_eq "$what: os --json exit" 0 "$RC"
			check_schema "$what: os --json"
			assert_eq "$what: os --json order" "start os" "$(types)"
			assert_eq "$what: os start" "os $a inet$([ $fam = 6 ] && echo 6) 2" \
				"$(printf '%s\n' "$OUT" | head -n 1 | jq -r '[.command, .address, .family, .schema_version] | map(tostring) | join(" ")')"
			ev=$(os_ev)
			assert_eq "$what: os event = text line" "$(printf '%s\n' "$text" | head -n 1)" \
				"$(printf '%s\n' "$ev" | jq -r -f "$TMPD/line.jq")"
			assert_eq "$what: os hops measured" "true $hops $hops" \
				"$(printf '%s\n' "$ev" | jq -r '[.hops_measured, .hops, .measured_hops] | map(tostring) | join(" ")')"
			assert_eq "$what: os reply ttls = text" \
				"$(printf '%s\n' "$text" | sed -n 's/^  reply ttl: //p')" \
				"$(printf '%s\n' "$ev" | jq -r '[.ttls[] | "\(.ttl) (\(.count) repl\(if .count == 1 then "y" else "ies" end))"] | join(", ")')"
			assert_eq "$what: os probes = text" \
				"$(printf '%s\n' "$text" | sed -n 's/^  probes:    \([0-9]*\) sent, \([0-9]*\) answered.*/\1 \2/p')" \
				"$(printf '%s\n' "$ev" | jq -r '"\(.probes_sent) \(.probes_answered)"')"
			assert_eq "$what: os signals = text" \
				"$(printf '%s\n' "$text" | sed -n 's/^  \(code\|ip id\|df\|tos\|timestamp\|quote\): .*/\1/p' | tr ' ' _ | tr '\n' ' ')" \
				"$(printf '%s\n' "$ev" | jq -r '[.signals[].name] | map(. + " ") | join("")')"
			assert_eq "$what: stderr empty" "" "$ERR"
			if [ $fam = 4 ] && [ "$hops" = 5 ]; then
				run_in p "$OS" os -$fam -n --format=json --ttl-only "$a"
				check_schema "$what: os --format=json --ttl-only"
				assert_eq "$what: --ttl-only: no signals" "[]" \
					"$(os_ev | jq -c .signals)"
			fi
		done
	done
	set_ttl "$ns" 64
done

# The line of a signal, v4, 64 (r1): what the text says it fits.
run_in p "$OS" os -4 -n "${R4[1]}"
text=$OUT
run_in p "$OS" os -4 -n --json "${R4[1]}"
ev=$(os_ev)
for s in code df timestamp quote; do
	tname=$s
	assert_eq "v4 signal $s: suggests / rules_out as text" \
		"$(printf '%s\n' "$text" | sed -n "s/^  $tname: *[^:]*: //p")" \
		"$(printf '%s\n' "$ev" | jq -r --arg n "$s" '.signals[] | select(.name == $n) |
			[(if (.suggests | length) > 0 then "fits " + (.suggests | join(", ")) else empty end),
			 (if (.rules_out | length) > 0 then "not " + (.rules_out | join(", ")) else empty end)] | join("; ")')"
done
assert_eq "v4 signal values" "code=echoed:123:123 ip_id=incrementing df=clear tos=echoed:40:40 timestamp=answered quote=528:556:528" \
	"$(printf '%s\n' "$ev" | jq -r '[.signals[] | .name + "=" + .value + (if .sent != null then ":\(.sent):\(.got)" else "" end)] | join(" ")')"

# --- options and edge cases ----------------------------------------------------

run_in p "$OS" os --format=xml "$T4"
assert_eq "os --format=xml: exit 2" 2 "$RC"
assert_eq "os --format=xml: stdout empty" "" "$OUT"
assert_match "os --format=xml: says why" "invalid --format argument: 'xml' \\(text or json\\)" "$ERR"
run_in p "$OS" os --format
assert_eq "os --format without argument: exit 2" 2 "$RC"
assert_match "os --format without argument: says why" "option '--format' requires an argument" "$ERR"
run_in p "$OS" os --json --read "$TMPD/none.pcap"
assert_eq "os --json --read: exit 2" 2 "$RC"
assert_eq "os --json --read: stdout empty" "" "$OUT"
assert_match "os --json --read: says why" "does not go with --read" "$ERR"
run_in p "$OS" os -n --json --format=text --ttl-only "$T4"
assert_match "os --json --format=text: the last counts (text)" "^os: Linux/Unix " "$OUT"
run_in p "$PING" -4 --os -q --json -c 2 -i 0.2 -n "$T4"
check_schema "ping -q --os --json"
assert_eq "ping -q --os --json: order" "start os summary" "$(types)"
run_in p "$PING" -4 --json -c 1 -n "$T4"
assert_eq "ping --json without --os: no os event" "start reply summary" "$(types)"

# A target that does not answer: exit 1, start and an os event, no family.
nft_load t '
table inet eltdrop {
	chain in {
		type filter hook input priority 0;
		icmp type echo-request drop
		icmpv6 type echo-request drop
	}
}'
run_in p "$OS" os -4 -n --json -w 2 "$T4"
assert_eq "unanswered: exit 1" 1 "$RC"
check_schema "unanswered"
assert_eq "unanswered: order" "start os" "$(types)"
assert_eq "unanswered: os" "null null no_replies 0" \
	"$(os_ev | jq -r '[.family, .confidence, (.notes | join(",")), .replies] | map(tostring) | join(" ")')"
run_in p "$PING" -4 --os --json -c 1 -w 1 -n "$T4"
assert_eq "ping unanswered: order" "start timeout os summary" "$(types)"
assert_eq "ping unanswered: os line" "os: unknown (no replies)" "$(os_ev | jq -r -f "$TMPD/line.jq")"

finish
