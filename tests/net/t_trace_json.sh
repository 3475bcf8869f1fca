#!/bin/bash
# t_trace_json: traceroute --json (NDJSON) and --format=atlas
# (docs/json-schema.md), on lib.sh's `chain 3` (p - r1 - r2 - r3 - t),
# IPv4 and IPv6, methods UDP (default), ICMP (-I) and TCP (-T):
#  - every stdout line parses with jq on its own and carries exactly the
#    documented fields with their documented types (the jq schema below
#    rejects undocumented ones, in probes and MPLS entries too); the
#    stream is start, hop..., end, and end's counts match the hop lines;
#  - the hops, rendered back into traceroute's text by jq, equal text
#    mode's output for the same trace (times masked): the same addresses
#    in the same places, the same stars and annotations;
#  - a router that drops its own ICMP errors (nftables): its hop has
#    "answer": "none" and null times, and {"x": "*"} in the Atlas result;
#  - unreachables (nft reject at r1): annotation, ICMP type and code, the
#    end's "stop", and Atlas' "err" letters;
#  - an MPLS label stack (RFC 4950) in a time exceeded from a responder:
#    "mpls" in the hop line, "icmpext" in the Atlas result;
#  - -F and a probe bigger than the first link: a local error;
#  - as nobody (UDP through the error queue): "dgram", no reply sizes;
#  - bad --format / --json: exit 2, nothing on stdout;
#  - the Atlas object: one line, checked by a jq validator of the Atlas
#    traceroute fields, its hops and addresses those of the JSON run.
# Every namespace here is created by this test; nothing leaves them.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd nft jq
TR=${TR:-$(dirname "$PING")/traceroute}
[ -x "$TR" ] || skip "traceroute $TR not found (build it: make)"

chain 3
for ns in p r1 r2 r3 t; do
	# No global ICMP budget to run out of when a burst of probes draws a
	# burst of errors.
	ns_sysctl "$ns" net.ipv4.icmp_msgs_per_sec=1000000 net.ipv4.icmp_msgs_burst=1000000
done

# --- the schema, as jq -------------------------------------------------------
# For one raw stdout line: "line N: problem" for every way it differs from
# docs/json-schema.md (traceroute's start, hop, end).
cat >"$TMPD/schema.jq" <<'EOF'
def typeok($t):
  if ($t | endswith("?")) then (. == null or typeok($t[:-1]))
  elif $t == "int" then (type == "number" and . == floor and . >= 0)
  elif $t == "num" then (type == "number" and . >= 0)
  elif $t == "str" then type == "string"
  elif $t == "bool" then type == "boolean"
  elif $t == "arr" then type == "array"
  elif $t == "null" then . == null
  else false end;

def specs: {
  start: {type: "str", schema_version: "int", command: "str", target: "str",
          canonical_name: "str", address: "str", family: "str", source: "str?",
          data_size: "int", ttl: "null", socket: "str", timestamp: "num",
          method: "str", port: "int?", first_hop: "int", max_hops: "int",
          probes_per_hop: "int", packet_size: "int", paris: "bool"},
  hop: {type: "str", hop: "int", probes: "arr"},
  end: {type: "str", stop: "str", reached: "bool", hops: "int", last_hop: "int?",
        probes: "int", answered: "int", error: "str?", time_ms: "num",
        timestamp: "num"}
};
def probe_spec: {from: "str?", rtt_ms: "num?", ttl: "int?", bytes: "int?",
                 answer: "str", icmp_type: "int?", icmp_code: "int?",
                 annotation: "str?", mtu: "int?", final: "bool", mpls: "arr"};
def mpls_spec: {label: "int", exp: "int", s: "int", ttl: "int"};

# fields($spec; $where): missing, undocumented and mistyped fields.
def fields($spec; $where):
  if type != "object" then ["\($where): not an object"] else
  . as $o |
  ([$spec | keys[] | select(. as $k | $o | has($k) | not) | "\($where): missing \(.)"] +
   [$o | keys[] | select(. as $k | $spec | has($k) | not) | "\($where): undocumented \(.)"] +
   [$spec | to_entries[] | . as $e
      | select(($o | has($e.key)) and ($o[$e.key] | typeok($e.value) | not))
      | "\($where): \($e.key) is not \($e.value): \($o[$e.key] | tojson)"])
  end;

def probe_problems($where):
  fields(probe_spec; $where) as $f |
  if $f != [] then $f else
  . as $p |
  [if ($p.answer | IN("none", "icmp_error", "echo_reply", "tcp_syn_ack", "tcp_rst", "local_error"))
   then empty else "\($where): bad answer \($p.answer)" end,
   if ($p.answer == "none") == ($p.rtt_ms == null) then empty
   else "\($where): rtt_ms null iff no answer" end,
   if $p.answer != "none" or ($p.from == null and $p.ttl == null and $p.bytes == null
     and $p.icmp_type == null and $p.annotation == null and ($p.final | not) and $p.mpls == [])
   then empty else "\($where): silence with values" end,
   if ($p.icmp_type == null) == (($p.answer | IN("icmp_error", "echo_reply")) | not)
   then empty else "\($where): icmp_type iff an ICMP answer" end,
   if ($p.icmp_type == null) == ($p.icmp_code == null) then empty
   else "\($where): icmp_type and icmp_code together" end,
   if $p.annotation == null or ($p.annotation | test("^![A-Z]|^!F-[0-9]+$|^!<"))
   then empty else "\($where): bad annotation \($p.annotation)" end,
   if $p.answer != "local_error" or ($p.from == null and $p.annotation != null)
   then empty else "\($where): a local error has no sender and an annotation" end] +
  [$p.mpls | to_entries[] | .value | fields(mpls_spec; "\($where) mpls")[]]
  end;

def problems:
  if type != "object" then ["not an object"]
  elif (.type | type) != "string" then ["no type"]
  elif (.type as $t | specs | has($t) | not) then ["unknown type \(.type)"]
  else
    . as $o | fields(specs[.type]; .type) as $f |
    if $f != [] then $f
    elif $o.type == "start" then
      [if $o.command == "traceroute" then empty else "command" end,
       if ($o.family | IN("inet", "inet6")) then empty else "bad family" end,
       if ($o.socket | IN("raw", "dgram")) then empty else "bad socket" end,
       if ($o.method | IN("udp", "icmp", "tcp")) then empty else "bad method" end,
       if ($o.port == null) == ($o.method == "icmp") then empty else "port iff udp/tcp" end,
       if $o.schema_version == 2 then empty else "schema_version not 2" end,
       if $o.first_hop >= 1 and $o.first_hop <= $o.max_hops then empty else "first_hop" end]
    elif $o.type == "hop" then
      [if ($o.probes | length) >= 1 then empty else "a hop without probes" end] +
      [$o.probes | to_entries[] | .key as $i | .value | probe_problems("hop \($o.hop) probe \($i)")[]]
    else
      [if ($o.stop | IN("destination", "unreachable", "max_hops", "error", "interrupted"))
       then empty else "bad stop \($o.stop)" end,
       if $o.reached == ($o.stop == "destination") then empty else "reached iff stop destination" end,
       if ($o.error == null) == ($o.stop != "error") then empty else "error iff stop error" end,
       if ($o.last_hop == null) == ($o.hops == 0) then empty else "last_hop null iff no hop" end,
       if $o.answered <= $o.probes then empty else "answered > probes" end]
    end
  end;

. as $line | input_line_number as $n |
(try ($line | fromjson | problems[]) catch "not JSON") | "line \($n): \(.)"
EOF

# The stream as a whole (jq -s): start first, end last, hop numbers
# consecutive from first_hop, each hop with probes_per_hop probes, and
# end's counts those of the hop lines.
cat >"$TMPD/stream.jq" <<'EOF'
.[0] as $s | .[-1] as $e | [.[] | select(.type == "hop")] as $h |
[if $s.type == "start" then empty else "first line is not start" end,
 if $e.type == "end" then empty else "last line is not end" end,
 if ([.[] | select(.type == "start" or .type == "end")] | length) == 2 then empty
 else "one start, one end" end,
 if [$h[].hop] == [range($s.first_hop; $s.first_hop + ($h | length))] then empty
 else "hop numbers not consecutive from first_hop" end,
 if all($h[]; (.probes | length) == $s.probes_per_hop) or $e.stop == "error" then empty
 else "a hop without probes_per_hop probes" end,
 if $e.hops == ($h | length) then empty else "end.hops" end,
 if $e.last_hop == ($h[-1].hop // null) then empty else "end.last_hop" end,
 if $e.probes == ([$h[].probes[]] | length) then empty else "end.probes" end,
 if $e.answered == ([$h[].probes[] | select(.answer != "none")] | length) then empty
 else "end.answered" end,
 if ($e.stop == "max_hops") == (($h[-1].hop // 0) == $s.max_hops and
     all($h[-1].probes[]; .final | not)) or $e.stop == "error" then empty
 else "stop max_hops iff the last hop is max_hops without a final answer" end,
 if $e.timestamp >= $s.timestamp then empty else "end before start" end][]
EOF

# Traceroute's text (times masked as X) rendered from the JSON lines.
cat >"$TMPD/render.jq" <<'EOF'
def note($p): if $p.annotation then " " + $p.annotation else "" end;
.[0] as $s |
"traceroute to \($s.target) (\($s.address)), \($s.max_hops) hops max, \($s.packet_size) byte packets",
(.[] | select(.type == "hop") |
  (reduce .probes[] as $p ({line: "", prev: null};
     if $p.from == null then
       .line += " *" + (if $p.rtt_ms != null then "  X ms" + note($p) else "" end)
     else
       .line += (if .prev != $p.from then " " + $p.from else "" end) + "  X ms" + note($p)
       | .prev = $p.from
     end) | .line) as $l |
  (.hop | tostring | if length < 2 then " " + . else . end) + " " + $l)
EOF

# The RIPE Atlas traceroute result (docs/json-schema.md): required and
# optional fields and their types, nothing else; result[] hops with
# increasing numbers, each element one of the three documented kinds.
cat >"$TMPD/atlas.jq" <<'EOF'
def int: type == "number" and . == floor;
def is($t): if $t == "int" then int elif $t == "str" then type == "string"
  elif $t == "arr" then type == "array" elif $t == "num" then (type == "number" and . >= 0)
  elif $t == "obj" then type == "object" elif $t == "interr" then (int or type == "string")
  else false end;
def check($req; $opt; $where):
  . as $o |
  [$req | keys[] | select(. as $k | $o | has($k) | not) | "\($where): missing \(.)"] +
  [$o | keys[] | select(. as $k | $req + $opt | has($k) | not) | "\($where): undocumented \(.)"] +
  [($req + $opt) | to_entries[] | . as $e
    | select(($o | has($e.key)) and ($o[$e.key] | is($e.value) | not))
    | "\($where): \($e.key) is not \($e.value)"];
def mpls_ok: check({label: "int", exp: "int", s: "int", ttl: "int"}; {}; "mpls");
def obj_ok: check({class: "int", type: "int"}; {mpls: "arr"}; "icmpext obj") +
  [(.mpls // [])[] | mpls_ok[]];
def ext_ok: check({version: "int", rfc4884: "int", obj: "arr"}; {}; "icmpext") +
  [.obj[] | obj_ok[]];
def elem($where):
  if type != "object" then ["\($where): not an object"]
  elif has("x") then (if . == {x: "*"} then [] else ["\($where): bad timeout"] end)
  elif has("error") then (if (keys == ["error"] and (.error | type) == "string") then []
                          else ["\($where): bad error"] end)
  else check({from: "str", rtt: "num"};
             {ttl: "int", size: "int", err: "interr", mtu: "int", flags: "str", icmpext: "obj"};
             $where) +
       [if has("icmpext") then .icmpext | ext_ok[] else empty end]
  end;
def req: {fw: "int", lts: "int", endtime: "int", dst_name: "str", dst_addr: "str",
          proto: "str", af: "int", size: "int", result: "arr", msm_id: "int",
          prb_id: "int", timestamp: "int", msm_name: "str", type: "str"};
def opt: {src_addr: "str", paris_id: "int"};
. as $o |
(check(req; opt; "result") +
 [if .af == 4 or .af == 6 then empty else "af" end,
  if (.proto | IN("UDP", "ICMP", "TCP")) then empty else "proto" end,
  if .type == "traceroute" then empty else "type" end,
  if .msm_name == "Traceroute" then empty else "msm_name" end,
  if .fw == 4750 and .lts == -1 then empty else "fw/lts" end,
  if .endtime >= .timestamp then empty else "endtime before timestamp" end,
  if ([.result[].hop] | . == (sort | unique)) then empty else "hops not increasing" end] +
 [.result[] | check({hop: "int", result: "arr"}; {}; "hop")[]] +
 [.result[] | .hop as $h | .result | to_entries[] | .key as $i | .value
  | elem("hop \($h) reply \($i)")[]]) | .[]
EOF

# check_json DESC: OUT is traceroute NDJSON that matches the schema.
check_json() {
	local bad
	CHECKS=$((CHECKS + 1))
	if [ -z "$OUT" ]; then
		fail "$1: no output"
		_show_last
		return 1
	fi
	bad=$(printf '%s\n' "$OUT" | jq -R -r -f "$TMPD/schema.jq" 2>&1)
	[ -z "$bad" ] && bad=$(printf '%s\n' "$OUT" | jq -s -r -f "$TMPD/stream.jq" 2>&1)
	if [ -n "$bad" ]; then
		fail "$1: schema"
		printf '%s\n' "$bad" | sed 's/^/  | /' >&2
		_show_last
		return 1
	fi
	pass "$1"
	assert_no_match "$1: times have microsecond digits" \
		'"(rtt|time)_ms":([0-9]+(\.[0-9]{0,2}|\.[0-9]{4,})?)[,}]' "$OUT"
}

# check_atlas DESC: OUT is one line, one object, valid by the Atlas checks.
check_atlas() {
	local bad
	CHECKS=$((CHECKS + 1))
	bad=$(printf '%s\n' "$OUT" | jq -r -f "$TMPD/atlas.jq" 2>&1)
	if [ -z "$OUT" ] || [ -n "$bad" ] || [ "$(printf '%s\n' "$OUT" | wc -l)" != 1 ]; then
		fail "$1: atlas format"
		printf '%s\n' "$bad" | sed 's/^/  | /' >&2
		_show_last
		return 1
	fi
	pass "$1"
}

maskt() { sed -E 's/ [0-9]+\.[0-9]{3} ms/ X ms/g'; }
# jq_out FILTER: FILTER over the lines of OUT as one array (jq -s), compact.
jq_out() { printf '%s\n' "$OUT" | jq -s -c "$1"; }
# The hops' senders, "*" for none: [[hop, [from...]]...], from JSON lines
# (JOUT) or from an Atlas result (OUT).
json_froms() { printf '%s\n' "$1" | jq -s -c '[.[] | select(.type == "hop") | [.hop, [.probes[] | .from // "*"]]]'; }
atlas_froms() { printf '%s\n' "$1" | jq -c '[.result[] | [.hop, [.result[] | .from // "*"]]]'; }

hop_addr() { if [ "$1" = 4 ]; then echo "198.18.$2.2"; else echo "2001:2:0:$2::2"; fi; }

# trace_three DESC FAM ARGS...: the same trace as text (-n), --json and
# --format=atlas; the JSON checked against the schema and against the
# text, the Atlas result against its validator and against the JSON.
# Leaves the JSON in JOUT, the Atlas result in AOUT.
trace_three() {
	local what=$1 fam=$2 text proto
	shift 2
	run_in p "$TR" -n "$@"
	text=$(printf '%s\n' "$OUT" | maskt)
	assert_eq "$what: text exit status" 0 "$RC"
	run_in p "$TR" --json "$@"
	JOUT=$OUT
	check_json "$what"
	assert_eq "$what: exit status" 0 "$RC"
	assert_eq "$what: stderr empty" "" "$ERR"
	assert_lines "$what: hops as text mode's" "$text" \
		"$(printf '%s\n' "$OUT" | jq -s -r -f "$TMPD/render.jq")"
	assert_eq "$what: family" "$([ "$fam" = 4 ] && echo inet || echo inet6)" \
		"$(printf '%s\n' "$OUT" | head -n1 | jq -r .family)"
	run_in p "$TR" --format=atlas "$@"
	AOUT=$OUT
	check_atlas "$what atlas"
	assert_eq "$what atlas: exit status" 0 "$RC"
	assert_eq "$what atlas: stderr empty" "" "$ERR"
	proto=$(printf '%s\n' "$JOUT" | head -n1 | jq -r '.method | ascii_upcase')
	assert_eq "$what atlas: af, proto" "[$fam,\"$proto\"]" "$(printf '%s' "$OUT" | jq -c '[.af, .proto]')"
	assert_eq "$what atlas: hops and senders as JSON's" "$(json_froms "$JOUT")" "$(atlas_froms "$OUT")"
}

# ------------------------------------------------ every method, both families
for fam in 4 6; do
	dst=$(hop_addr $fam 4)
	for m in "" -I -T; do
		what="v$fam ${m:-UDP}"
		trace_three "$what" $fam $m "$dst"
		OUT=$JOUT
		assert_eq "$what: start" \
			"[\"$dst\",\"$dst\",\"$dst\",\"$([ $fam = 4 ] && echo 198.18.1.1 || echo 2001:2:0:1::1)\",\"raw\",$([ $fam = 4 ] && echo 60 || echo 80),30,3,1,true,null]" \
			"$(printf '%s\n' "$OUT" | head -n1 | jq -c '[.target, .canonical_name, .address, .source, .socket, .packet_size, .max_hops, .probes_per_hop, .first_hop, .paris, .ttl]')"
		assert_eq "$what: hops 1-4, routers then the target" \
			"[[1,[\"$(hop_addr $fam 1)\"]],[2,[\"$(hop_addr $fam 2)\"]],[3,[\"$(hop_addr $fam 3)\"]],[4,[\"$dst\"]]]" \
			"$(jq_out '[.[] | select(.type == "hop") | [.hop, ([.probes[].from] | unique)]]')"
		assert_eq "$what: end" '["destination",true,4,4,12,12,null]' \
			"$(printf '%s\n' "$OUT" | tail -n1 | jq -c '[.stop, .reached, .hops, .last_hop, .probes, .answered, .error]')"
		assert_eq "$what: routers answer time exceeded, TTL known" true \
			"$(jq_out "[.[] | select(.type == \"hop\" and .hop < 4) | .probes[]] |
				all(.answer == \"icmp_error\" and .icmp_type == $([ $fam = 4 ] && echo 11 || echo 3)
				    and .icmp_code == 0 and .annotation == null and (.final | not)
				    and .ttl > 0 and .bytes > 0 and .rtt_ms >= 0)")"
		case $m in
		"") want="icmp_error,$([ $fam = 4 ] && echo 3 || echo 1),$([ $fam = 4 ] && echo 3 || echo 4)" ;;
		-I) want="echo_reply,$([ $fam = 4 ] && echo 0 || echo 129),0" ;;
		-T) want="tcp_rst,null,null" ;;
		esac
		assert_eq "$what: the destination's answers" "[\"$want\"]" \
			"$(jq_out '[.[] | select(.type == "hop" and .hop == 4) | .probes[] |
				"\(.answer),\(.icmp_type),\(.icmp_code)" + (if .final then "" else " not final" end)] | unique')"
		OUT=$AOUT
		assert_eq "$what atlas: fields" \
			"[\"$dst\",\"$dst\",\"$([ $fam = 4 ] && echo 198.18.1.1 || echo 2001:2:0:1::1)\",$([ "$m" = -T ] && echo 0 || echo 32),0,[1,2,3,4]]" \
			"$(printf '%s' "$OUT" | jq -c '[.dst_name, .dst_addr, .src_addr, .size, .paris_id, [.result[].hop]]')"
		assert_eq "$what atlas: every reply timed, with ttl and size, no err" true \
			"$(printf '%s' "$OUT" | jq '[.result[].result[]] | length == 12 and
				all(has("rtt") and .ttl > 0 and has("size") and (has("err") | not))')"
	done
done

# -f, -q, -m: where the hops start, how many probes, where they stop.
run_in p "$TR" --json -f 2 -q 1 -m 3 "$(hop_addr 4 4)"
check_json "-f 2 -q 1 -m 3"
assert_eq "-f 2 -q 1 -m 3: hops and end" '[[2,3],1,"max_hops",false,2,3]' \
	"$(jq_out '[[.[] | select(.type == "hop") | .hop], (.[0].probes_per_hop), (.[-1] | .stop, .reached, .hops, .last_hop)]')"
run_in p "$TR" --format=atlas -f 2 -q 1 -m 3 "$(hop_addr 4 4)"
check_atlas "-f 2 -q 1 -m 3 atlas"
assert_eq "-f 2 -q 1 -m 3 atlas: hops" '[2,3]' "$(printf '%s' "$OUT" | jq -c '[.result[].hop]')"

# ------------------------------------------------------------- a silent hop
# r2 drops the errors it would send: hop 2 is silence, the trace goes on.
nft_load r2 '
table inet quiet {
	chain out {
		type filter hook output priority 0;
		icmp type { time-exceeded, destination-unreachable } drop
		icmpv6 type { time-exceeded, destination-unreachable } drop
	}
}'
for fam in 4 6; do
	for m in "" -I -T; do
		what="v$fam ${m:-UDP} silent hop 2"
		trace_three "$what" $fam $m "$(hop_addr $fam 4)"
		OUT=$JOUT
		assert_eq "$what: hop 2 is silence" \
			'[{"from":null,"rtt_ms":null,"ttl":null,"bytes":null,"answer":"none","icmp_type":null,"icmp_code":null,"annotation":null,"mtu":null,"final":false,"mpls":[]}]' \
			"$(jq_out '[.[] | select(.type == "hop" and .hop == 2) | .probes[]] | unique')"
		assert_eq "$what: end" '["destination",4,12,9]' \
			"$(printf '%s\n' "$OUT" | tail -n1 | jq -c '[.stop, .hops, .probes, .answered]')"
		OUT=$AOUT
		assert_eq "$what atlas: hop 2 is x:*" '[{"x":"*"},{"x":"*"},{"x":"*"}]' \
			"$(printf '%s' "$OUT" | jq -c '.result[] | select(.hop == 2) | .result')"
	done
done
nft_load r2 'delete table inet quiet'

# ------------------------------------------------------------- unreachables
# r1 rejects 198.18.60.1 (host unreachable) and 2001:2:0:60::2
# (administratively prohibited).
route p 198.18.60.0/24 via 198.18.1.2
route p 2001:2:0:60::/64 via 2001:2:0:1::2
route r1 198.18.60.0/24 via 198.18.2.2
route r1 2001:2:0:60::/64 via 2001:2:0:2::2
nft_load r1 '
table inet rej {
	chain fw {
		type filter hook forward priority 0;
		ip daddr 198.18.60.1 reject with icmp type host-unreachable
		ip6 daddr 2001:2:0:60::2 reject with icmpv6 type admin-prohibited
	}
}'
while IFS='|' read -r dst fam note type code err; do
	for m in "" -I -T; do
		what="$dst ${m:-UDP} $note"
		trace_three "$what" "$fam" $m "$dst"
		OUT=$JOUT
		assert_eq "$what: hop 2, from r1" "[[\"$(hop_addr "$fam" 1)\",\"icmp_error\",\"$note\",$type,$code,true]]" \
			"$(jq_out '[.[] | select(.type == "hop" and .hop == 2) | .probes[] |
				[.from, .answer, .annotation, .icmp_type, .icmp_code, .final]] | unique')"
		assert_eq "$what: end" '["unreachable",false,2]' \
			"$(printf '%s\n' "$OUT" | tail -n1 | jq -c '[.stop, .reached, .last_hop]')"
		OUT=$AOUT
		assert_eq "$what atlas: err" "[$err]" \
			"$(printf '%s' "$OUT" | jq -c '[.result[] | select(.hop == 2) | .result[].err] | unique')"
	done
done <<'EOF2'
198.18.60.1|4|!H|3|1|"H"
2001:2:0:60::2|6|!X|1|1|"A"
EOF2
nft_load r1 'delete table inet rej'

# -------------------------------------------------------------------- MPLS
# t gets 198.18.4.77, where the kernel keeps quiet (nft) and a small
# responder answers each UDP probe with a time exceeded that carries an
# RFC 4884 structure with a two-label MPLS stack (RFC 4950).
addr t left 198.18.4.77/24
nft_load t '
table inet quiet77 {
	chain in {
		type filter hook input priority 0;
		ip daddr 198.18.4.77 meta l4proto udp drop
	}
}'
if optional "/usr/bin/python3" [ -x /usr/bin/python3 ]; then
	for fmt in json atlas; do
		bg_start t "$TMPD/mpls-$fmt.log" /usr/bin/python3 "$ROOT/tests/net/tools/mpls_responder.py" 10 2 198.18.4.77
		for _ in $(seq 50); do grep -q ready "$TMPD/mpls-$fmt.log" 2>/dev/null && break; sleep 0.1; done
		# -w 3, a plain wait: the default's "here" rule (3x the first
		# answer's round trip) can give up on the Python responder's
		# second answer (as it did in a CI rehearsal under ASan).
		run_in p "$TR" --format=$fmt -w 3 -q 2 -m 4 198.18.4.77
		if [ $fmt = json ]; then
			check_json "MPLS"
			assert_eq "MPLS: the label stack at hop 4" \
				'[[{"label":24001,"exp":0,"s":0,"ttl":1},{"label":16,"exp":5,"s":1,"ttl":1}],[{"label":24001,"exp":0,"s":0,"ttl":1},{"label":16,"exp":5,"s":1,"ttl":1}]]' \
				"$(jq_out '[.[] | select(.type == "hop" and .hop == 4) | .probes[].mpls]')"
			assert_eq "MPLS: no labels elsewhere" '[[],[],[]]' \
				"$(jq_out '[.[] | select(.type == "hop" and .hop < 4) | .probes[0].mpls]')"
		else
			check_atlas "MPLS atlas"
			assert_eq "MPLS atlas: icmpext at hop 4" \
				'{"version":2,"rfc4884":1,"obj":[{"class":1,"type":1,"mpls":[{"label":24001,"exp":0,"s":0,"ttl":1},{"label":16,"exp":5,"s":1,"ttl":1}]}]}' \
				"$(printf '%s' "$OUT" | jq -c '.result[] | select(.hop == 4) | .result[0].icmpext')"
		fi
		kill "$BG_PID" 2>/dev/null
		wait "$BG_PID" 2>/dev/null
	done
fi

# --------------------------------------------------- -F: refused by our kernel
run_in p "$TR" --json -F -q 1 "$(hop_addr 4 4)" 2000
check_json "-F too big"
assert_eq "-F too big: a local error at hop 1, the end" \
	'[[1,null,"local_error","!F-1500",1500,true],"unreachable"]' \
	"$(jq_out '[(.[1] | [.hop] + (.probes[0] | [.from, .answer, .annotation, .mtu, .final])), .[-1].stop]')"
run_in p "$TR" --format=atlas -F -q 1 "$(hop_addr 4 4)" 2000
check_atlas "-F too big atlas"
assert_eq "-F too big atlas: the error" '[{"hop":1,"result":[{"error":"sendto failed: Message too long, mtu=1500"}]}]' \
	"$(printf '%s' "$OUT" | jq -c .result)"

# ------------------------------------------- as nobody: UDP via the error queue
if optional "setpriv (util-linux)" command -v setpriv >/dev/null; then
	run_as_nobody p "$TR" --json -q 1 "$(hop_addr 4 4)"
	check_json "nobody UDP"
	assert_eq "nobody UDP: exit status" 0 "$RC"
	assert_eq "nobody UDP: dgram, hops, no sizes" \
		'["dgram",[1,2,3,4],[null],"destination"]' \
		"$(jq_out '[.[0].socket, [.[] | select(.type == "hop") | .hop], ([.[] | select(.type == "hop") | .probes[].bytes] | unique), .[-1].stop]')"
	run_as_nobody p "$TR" --format=atlas -q 1 "$(hop_addr 4 4)"
	check_atlas "nobody UDP atlas"
	assert_eq "nobody UDP atlas: no size" false "$(printf '%s' "$OUT" | jq '[.result[].result[] | has("size")] | any')"
fi

# ------------------------------------------------------------------ bad options
while IFS='|' read -r args msg; do
	# shellcheck disable=SC2086 # one word per argument
	run_in p "$TR" $args
	assert_eq "'$args': exit 2" 2 "$RC"
	assert_eq "'$args': nothing on stdout" "" "$OUT"
	assert_eq "'$args': message" "$msg" "$ERR"
done <<'EOF'
--format=xml 198.18.4.2|invalid --format argument: 'xml' (text, json or atlas)
--format= 198.18.4.2|invalid --format argument: '' (text, json or atlas)
--json=1 198.18.4.2|Bad option `--json=1' (with arg `1') (argc 1)
198.18.4.2 --format|Option `--format' (argc 2) requires an argument: `--format=FMT'
--json -q 11 198.18.4.2|no more than 10 probes per hop
EOF
run_in p "$TR" --json no-such-host.invalid
assert_eq "--json, a name that does not resolve: exit 2" 2 "$RC"
assert_eq "--json, a name that does not resolve: nothing on stdout" "" "$OUT"
# The last --format / --json counts.
run_in p "$TR" --format=atlas --json -q 1 -m 1 "$(hop_addr 4 4)"
assert_eq "--format=atlas --json: NDJSON" '["start","hop","end"]' "$(jq_out '[.[].type]')"
run_in p "$TR" --json --format=text -q 1 -m 1 -n "$(hop_addr 4 4)"
assert_match "--json --format=text: text" "^traceroute to 198\.18\.4\.2 " "$OUT"

finish
