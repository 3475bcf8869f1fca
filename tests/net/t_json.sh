#!/bin/bash
# t_json: ping --json (NDJSON, docs/json-schema.md) and --format=atlas.
# p - r1 - t (chain 1).  For each scenario, every stdout line must parse
# with jq on its own and carry exactly the documented fields with their
# documented types (the jq schema below), stdout must hold nothing but
# JSON, and the summary's counts must equal what text mode prints for the
# same run:
#  - a normal run, v4 and v6 (and by name, and by a Unicode name);
#  - a run where the target duplicates the reply to icmp_seq 2 (nftables);
#  - ICMP errors: -t 1 draws "time exceeded" from r1;
#  - no replies at all (the target drops echo requests), with -O;
#  - a run interrupted by SIGINT after some replies (and SIGQUIT before it:
#    a status line): still a summary;
#  - a normal run and ICMP errors on the datagram socket (as nobody);
#  - local errors: -M do through a smaller path MTU.
# --format=atlas: one object, checked by a jq validator of the Atlas field
# names and types, its counts equal to text mode's.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd nft jq
need_ping

chain 1
hosts_file p "$T4 target.example" "$T6 target6.example" "$T4 xn--bcher-kva.test"
# r1's address on the target's link: the next hop of duplicated replies.
R1T4=198.18.2.1 R1T6=2001:2:0:2::1

# --- the schema, as jq -------------------------------------------------------
# problems: for one event object, the list of what is wrong with it (empty
# when it matches docs/json-schema.md): missing or mistyped fields, fields
# that are not documented, values out of their range.
cat >"$TMPD/schema.jq" <<'EOF'
def typeok($t):
  if ($t | endswith("?")) then (. == null or typeok($t[:-1]))
  elif $t == "int" then (type == "number" and . == floor and . >= 0)
  elif $t == "sint" then (type == "number" and . == floor)
  elif $t == "num" then (type == "number" and . >= 0)
  elif $t == "str" then type == "string"
  elif $t == "bool" then type == "boolean"
  else false end;

def specs: {
  start: {type: "str", schema_version: "int", command: "str", target: "str",
          canonical_name: "str", address: "str", family: "str", source: "str?",
          data_size: "int", ttl: "int?", socket: "str", timestamp: "num"},
  reply: {type: "str", seq: "int", bytes: "int", from: "str?", ttl: "int?",
          rtt_ms: "num?", dup: "bool", corrupted: "bool", truncated: "bool",
          timestamp: "num?"},
  timeout: {type: "str", seq: "int", final: "bool", timestamp: "num?"},
  error: {type: "str", seq: "int", from: "str?", icmp_type: "int",
          icmp_code: "int", reason: "str", notice: "bool", timestamp: "num?"},
  local_error: {type: "str", seq: "int", origin: "str", errno: "int",
                reason: "str", mtu: "int?"},
  status: {type: "str", transmitted: "int", received: "int", duplicates: "int",
           corrupted: "int", errors: "int", loss_pct: "num", time_ms: "num",
           min_ms: "num?", avg_ms: "num?", max_ms: "num?", mdev_ms: "num?",
           p50_ms: "num?", p90_ms: "num?", p99_ms: "num?"},
  summary: {type: "str", transmitted: "int", received: "int", duplicates: "int",
            corrupted: "int", errors: "int", timeouts: "int", loss_pct: "num",
            time_ms: "num", min_ms: "num?", avg_ms: "num?", max_ms: "num?",
            mdev_ms: "num?", p50_ms: "num?", p90_ms: "num?", p99_ms: "num?"}
};

def problems:
  if type != "object" then ["not an object"]
  elif (.type | type) != "string" then ["no type"]
  elif (.type as $t | specs | has($t) | not) then ["unknown type \(.type)"]
  else
    . as $o | specs[.type] as $s |
    ([$s | keys[] | . as $k | select($o | has($k) | not) | "missing \($k)"] +
     [$o | keys[] | . as $k | select($s | has($k) | not) | "undocumented \($k)"] +
     [$s | to_entries[] | . as $e
         | select(($o | has($e.key)) and ($o[$e.key] | typeok($e.value) | not))
         | "\($e.key) is not \($e.value): \($o[$e.key] | tojson)"] +
     (if $o.type == "start" then
        [if ($o.family | IN("inet", "inet6")) then empty else "bad family" end,
         if ($o.socket | IN("raw", "dgram")) then empty else "bad socket" end,
         if $o.schema_version == 2 then empty else "schema_version not 2" end]
      elif $o.type == "local_error" then
        [if ($o.origin | IN("send", "queue")) then empty else "bad origin" end]
      elif ($o.type | IN("summary", "status")) then
        [if $o.loss_pct <= 100 then empty else "loss above 100" end,
         if ($o.min_ms == null) == ($o.received + $o.duplicates == 0) then empty
         else "min_ms null iff nothing received" end,
         if $o.min_ms == null or ($o.min_ms <= $o.p50_ms and $o.p50_ms <= $o.p90_ms
           and $o.p90_ms <= $o.p99_ms and $o.p99_ms <= $o.max_ms
           and $o.min_ms <= $o.avg_ms and $o.avg_ms <= $o.max_ms) then empty
         else "min <= p50 <= p90 <= p99 <= max, min <= avg <= max" end]
      else [] end))
  end;

# One raw stdout line in, "line N: problem" out for each problem.
. as $line | input_line_number as $n |
(try ($line | fromjson | problems[]) catch "not JSON") | "line \($n): \(.)"
EOF

# atlas_problems: the RIPE Atlas ping result fields (docs/json-schema.md,
# "Atlas mapping"), and result[] entries of the three documented kinds.
cat >"$TMPD/atlas.jq" <<'EOF'
def int: type == "number" and . == floor;
def ms: type == "number" and (. >= 0 or . == -1);
def entry_ok:
  type == "object" and
  ((keys == ["x"] and .x == "*") or
   (keys == ["error"] and (.error | type) == "string") or
   ((has("rtt") and (.rtt | type) == "number" and .rtt >= 0) and
    (keys - ["rtt", "dup", "ttl"] == []) and
    ((has("dup") | not) or .dup == 1) and ((has("ttl") | not) or (.ttl | int))));
def req: {fw: "int", lts: "int", dst_name: "str", af: "int", dst_addr: "str",
          proto: "str", size: "int", result: "arr", dup: "int", rcvd: "int",
          sent: "int", min: "ms", max: "ms", avg: "ms", msm_id: "int",
          prb_id: "int", timestamp: "int", msm_name: "str", type: "str"};
def opt: {src_addr: "str", ttl: "int"};
def is($t): if $t == "int" then int elif $t == "str" then type == "string"
  elif $t == "arr" then type == "array" elif $t == "ms" then ms else false end;
. as $o |
([req | keys[] | . as $k | select($o | has($k) | not) | "missing \($k)"] +
 [keys[] | . as $k | select(req + opt | has($k) | not) | "undocumented \($k)"] +
 [(req + opt) | to_entries[] | . as $e
   | select(($o | has($e.key)) and ($o[$e.key] | is($e.value) | not))
   | "\($e.key) is not \($e.value)"] +
 [if .af == 4 or .af == 6 then empty else "af" end,
  if .proto == "ICMP" then empty else "proto" end,
  if .type == "ping" then empty else "type" end,
  if .msm_name == "Ping" then empty else "msm_name" end,
  if (.result | all(entry_ok)) then empty else "bad result entry" end,
  if ([.result[] | select(has("rtt") and (has("dup") | not))] | length) == .rcvd
  then empty else "rcvd != non-duplicate replies in result" end,
  if ([.result[] | select(has("dup"))] | length) == .dup
  then empty else "dup != duplicates in result" end,
  if ([.result[] | select(has("dup") | not)] | length) == .sent
  then empty else "sent != probes in result" end,
  if (.rcvd > 0) == has("ttl") then empty else "ttl iff a reply" end,
  if (.rcvd + .dup == 0) == (.min == -1 and .max == -1 and .avg == -1)
  then empty else "min/max/avg -1 iff nothing received" end]) | .[]
EOF

# check_json DESC: OUT (from run_in) is NDJSON that matches the schema, and
# starts with `start` and ends with `summary`.
check_json() {
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
	pass "$1"
	assert_eq "$1: first line is start" start "$(printf '%s\n' "$OUT" | head -n1 | jq -r .type)"
	assert_eq "$1: last line is summary" summary "$(printf '%s\n' "$OUT" | tail -n1 | jq -r .type)"
	assert_eq "$1: one summary" 1 "$(printf '%s\n' "$OUT" | jq -r .type | grep -c '^summary$')"
	# Times: milliseconds with three decimals (microseconds), as written.
	assert_no_match "$1: times have microsecond digits" \
		'"(rtt|time|min|avg|max|mdev|p50|p90|p99)_ms":([0-9]+(\.[0-9]{0,2}|\.[0-9]{4,})?)[,}]' "$OUT"
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

# jsum FIELD: a field of the summary line of OUT.
jsum() { printf '%s\n' "$OUT" | tail -n1 | jq -r ".$1"; }

# Text-mode counts of the last text run (TEXT), "0" when the text omits one.
tcount() {
	local v
	v=$(stat_field "$TEXT" "$1")
	echo "${v:-0}"
}

# same_counts DESC: the JSON summary in OUT counts what the text in TEXT
# counted.
same_counts() {
	assert_eq "$1: transmitted as text" "$(tcount 'packets transmitted')" "$(jsum transmitted)"
	assert_eq "$1: received as text" "$(tcount received)" "$(jsum received)"
	assert_eq "$1: duplicates as text" "$(tcount duplicates)" "$(jsum duplicates)"
	assert_eq "$1: errors as text" "$(tcount errors)" "$(jsum errors)"
	assert_eq "$1: loss as text" "$(tcount '% packet loss')" \
		"$(printf '%s\n' "$OUT" | tail -n1 | jq -r '.loss_pct | tostring')"
	assert_eq "$1: exit status as text" "$TEXT_RC" "$RC"
}

# same_atlas_counts DESC: the Atlas result in OUT counts what TEXT counted.
same_atlas_counts() {
	assert_eq "$1: sent as text" "$(tcount 'packets transmitted')" "$(printf '%s' "$OUT" | jq -r .sent)"
	assert_eq "$1: rcvd as text" "$(tcount received)" "$(printf '%s' "$OUT" | jq -r .rcvd)"
	assert_eq "$1: dup as text" "$(tcount duplicates)" "$(printf '%s' "$OUT" | jq -r .dup)"
	assert_eq "$1: exit status as text" "$TEXT_RC" "$RC"
}

# text ARGS...: run ping in text mode in p; keep its output in TEXT.
text() {
	run_in p "$PING" "$@"
	TEXT=$OUT TEXT_RC=$RC
}

# jq_out FILTER: FILTER over the lines of OUT as one array (jq -s), compact.
jq_out() { printf '%s\n' "$OUT" | jq -s -c "$1"; }

# --- a normal run, v4 and v6 ------------------------------------------------
for fam in 4 6; do
	if [ $fam = 4 ]; then T=$T4 ME=$P4 F=inet; else T=$T6 ME=$P6 F=inet6; fi
	args=(-$fam -c 3 -i 0.2 -n "$T")
	text "${args[@]}"
	run_in p "$PING" --json "${args[@]}"
	check_json "v$fam normal"
	assert_eq "v$fam normal: stderr empty" "" "$ERR"
	same_counts "v$fam normal"
	assert_eq "v$fam normal: start" \
		"{\"target\":\"$T\",\"canonical_name\":\"$T\",\"address\":\"$T\",\"family\":\"$F\",\"source\":\"$ME\",\"data_size\":56,\"ttl\":null}" \
		"$(printf '%s\n' "$OUT" | head -n1 | jq -c '{target, canonical_name, address, family, source, data_size, ttl}')"
	assert_eq "v$fam normal: replies" \
		"[[1,\"$T\",64,63,false],[2,\"$T\",64,63,false],[3,\"$T\",64,63,false]]" \
		"$(jq_out "[.[] | select(.type == \"reply\") | [.seq, .from, .bytes, .ttl, .dup]]")"
	assert_eq "v$fam normal: nothing but start, replies, summary" \
		'["start","reply","reply","reply","summary"]' "$(jq_out '[.[].type]')"
	assert_eq "v$fam normal: timestamps from the kernel" 3 \
		"$(jq_out '[.[] | select(.type == "reply" and .timestamp > 1000000000)] | length')"
	assert_eq "v$fam normal: percentiles" true \
		"$(jq_out '.[-1] | .p50_ms > 0 and .p99_ms <= .max_ms and .timeouts == 0')"
	assert_match "v$fam normal: without --json, text" "^3 packets transmitted, 3 received" "$TEXT"

	run_in p "$PING" --format=atlas "${args[@]}"
	check_atlas "v$fam normal atlas"
	same_atlas_counts "v$fam normal atlas"
	assert_eq "v$fam normal atlas: fields" \
		"{\"af\":$fam,\"dst_addr\":\"$T\",\"dst_name\":\"$T\",\"src_addr\":\"$ME\",\"size\":56,\"ttl\":63,\"n\":3}" \
		"$(printf '%s' "$OUT" | jq -c '{af, dst_addr, dst_name, src_addr, size, ttl, n: (.result | map(select(has("rtt"))) | length)}')"
	assert_eq "v$fam normal atlas: stderr empty" "" "$ERR"
done

# --- by name: target as given, numeric addresses -----------------------------
run_in p "$PING" --json -4 -c 1 target.example
check_json "v4 by name"
assert_eq "v4 by name: start" '["target.example","target.example","198.18.2.2"]' \
	"$(printf '%s\n' "$OUT" | head -n1 | jq -c '[.target, .canonical_name, .address]')"
assert_eq "v4 by name: reply from the address" "\"$T4\"" \
	"$(jq_out '[.[] | select(.type == "reply")][0].from')"

# A Unicode name (UTF-8 in, UTF-8 out), when this build resolves IDN names.
export LC_ALL=C.UTF-8
text -4 -c 1 -n "bücher.test"
if [ "$TEXT_RC" = 0 ]; then
	run_in p "$PING" --json -4 -c 1 "bücher.test"
	check_json "Unicode name"
	assert_eq "Unicode name: target as given" "bücher.test" \
		"$(printf '%s\n' "$OUT" | head -n1 | jq -r .target)"
	assert_match "Unicode name: UTF-8 passed through, not escaped" '"target":"bücher.test"' "$OUT"
	run_in p "$PING" --format=atlas -4 -c 1 "bücher.test"
	check_atlas "Unicode name atlas"
	assert_eq "Unicode name atlas: dst_name" "bücher.test" "$(printf '%s' "$OUT" | jq -r .dst_name)"
else
	log "this build does not resolve IDN names; Unicode name runs skipped"
fi
unset LC_ALL

# --- duplicates --------------------------------------------------------------
# t duplicates its reply to icmp_seq 2 and sends the copy through r1.
nft_load t "
table ip dup4 {
	chain out {
		type filter hook output priority 0;
		icmp type echo-reply icmp sequence 2 dup to $R1T4 device \"left\"
	}
}
table ip6 dup6 {
	chain out {
		type filter hook output priority 0;
		icmpv6 type echo-reply icmpv6 sequence 2 dup to $R1T6 device \"left\"
	}
}"
for fam in 4 6; do
	if [ $fam = 4 ]; then T=$T4; else T=$T6; fi
	args=(-$fam -c 3 -i 0.2 -n "$T")
	text "${args[@]}"
	assert_eq "v$fam dup: text mode saw the duplicate" 1 "$(tcount duplicates)"
	run_in p "$PING" --json "${args[@]}"
	check_json "v$fam dup"
	same_counts "v$fam dup"
	assert_eq "v$fam dup: replies (seq, dup)" '[[1,false],[2,false],[2,true],[3,false]]' \
		"$(jq_out '[.[] | select(.type == "reply") | [.seq, .dup]]')"
	run_in p "$PING" --format=atlas "${args[@]}"
	check_atlas "v$fam dup atlas"
	same_atlas_counts "v$fam dup atlas"
	assert_eq "v$fam dup atlas: result shape" '["rtt","rtt","rtt+dup","rtt"]' \
		"$(printf '%s' "$OUT" | jq -c '[.result[] | if has("dup") then "rtt+dup" elif has("rtt") then "rtt" else "?" end]')"
done
ip netns exec "$(nsn t)" nft flush ruleset || die "nft flush"

# --- ICMP errors: time exceeded at r1 -----------------------------------------
for fam in 4 6; do
	if [ $fam = 4 ]; then
		T=$T4 R=${R4[1]} TYPE=11 WHY="Time to live exceeded"
	else
		T=$T6 R=${R6[1]} TYPE=3 WHY="Time exceeded: Hop limit"
	fi
	args=(-$fam -c 2 -i 0.2 -t 1 -n "$T")
	text "${args[@]}"
	run_in p "$PING" --json "${args[@]}"
	check_json "v$fam ttl exceeded"
	same_counts "v$fam ttl exceeded"
	assert_eq "v$fam ttl exceeded: errors" \
		"[[1,\"$R\",$TYPE,0,\"$WHY\",false],[2,\"$R\",$TYPE,0,\"$WHY\",false]]" \
		"$(jq_out '[.[] | select(.type == "error") | [.seq, .from, .icmp_type, .icmp_code, .reason, .notice]]')"
	assert_eq "v$fam ttl exceeded: start has the ttl" 1 "$(printf '%s\n' "$OUT" | head -n1 | jq .ttl)"
	assert_eq "v$fam ttl exceeded: no reply, no timeout" '[]' \
		"$(jq_out '[.[] | select(.type == "reply" or .type == "timeout")]')"
	assert_eq "v$fam ttl exceeded: summary" '[2,0,2,0,100,null,null]' \
		"$(jq_out '.[-1] | [.transmitted, .received, .errors, .timeouts, .loss_pct, .min_ms, .p50_ms]')"
	run_in p "$PING" --format=atlas "${args[@]}"
	check_atlas "v$fam ttl exceeded atlas"
	same_atlas_counts "v$fam ttl exceeded atlas"
	assert_eq "v$fam ttl exceeded atlas: result" \
		"[{\"error\":\"$WHY from $R\"},{\"error\":\"$WHY from $R\"}]" \
		"$(printf '%s' "$OUT" | jq -c .result)"
done

# --- no replies at all ---------------------------------------------------------
nft_load t '
table inet blackhole {
	chain in {
		type filter hook input priority 0;
		icmp type echo-request drop
		icmpv6 type echo-request drop
	}
}'
for fam in 4 6; do
	if [ $fam = 4 ]; then T=$T4; else T=$T6; fi
	args=(-$fam -c 2 -i 0.2 -W 1 -O -n "$T")
	text "${args[@]}"
	run_in p "$PING" --json "${args[@]}"
	check_json "v$fam silent"
	same_counts "v$fam silent"
	assert_eq "v$fam silent: -O's provisional timeout, then the final ones" \
		'[[1,false],[1,true],[2,true]]' \
		"$(jq_out '[.[] | select(.type == "timeout") | [.seq, .final]]')"
	assert_eq "v$fam silent: summary" '[2,0,0,2,100,null,null,null,null,null,null,null]' \
		"$(jq_out '.[-1] | [.transmitted, .received, .errors, .timeouts, .loss_pct, .min_ms, .avg_ms, .max_ms, .mdev_ms, .p50_ms, .p90_ms, .p99_ms]')"
	run_in p "$PING" --format=atlas "${args[@]}"
	check_atlas "v$fam silent atlas"
	same_atlas_counts "v$fam silent atlas"
	assert_eq "v$fam silent atlas: result and times" '[[{"x":"*"},{"x":"*"}],-1,-1,-1]' \
		"$(printf '%s' "$OUT" | jq -c '[.result, .min, .avg, .max]')"
	assert_eq "v$fam silent atlas: no ttl without a reply" false "$(printf '%s' "$OUT" | jq 'has("ttl")')"
done
ip netns exec "$(nsn t)" nft flush ruleset || die "nft flush"

# --- the datagram socket: as nobody, from a copy without capabilities ---------
# (ICMP errors then come from the socket's error queue.)
if optional "setpriv (util-linux)" command -v setpriv >/dev/null; then
	ns_sysctl p "net.ipv4.ping_group_range=0 2147483647"
	BIN=$(unprivileged_copy "$PING") || die "copy $PING"
	for fam in 4 6; do
		if [ $fam = 4 ]; then
			T=$T4 R=${R4[1]} WHY="Time to live exceeded"
		else
			T=$T6 R=${R6[1]} WHY="Time exceeded: Hop limit"
		fi
		for ttl in "" 1; do
			args=(-$fam -c 2 -i 0.2 ${ttl:+-t $ttl} -n "$T")
			what="v$fam user${ttl:+ -t $ttl}"
			run_as_nobody p "$BIN" "${args[@]}"
			TEXT=$OUT TEXT_RC=$RC
			run_as_nobody p "$BIN" --json "${args[@]}"
			check_json "$what"
			same_counts "$what"
			assert_eq "$what: socket" dgram "$(printf '%s\n' "$OUT" | head -n1 | jq -r .socket)"
			if [ -z "$ttl" ]; then
				assert_eq "$what: replies" '[1,2]' \
					"$(jq_out '[.[] | select(.type == "reply") | .seq]')"
			else
				assert_eq "$what: errors" "[[1,\"$R\",\"$WHY\"],[2,\"$R\",\"$WHY\"]]" \
					"$(jq_out '[.[] | select(.type == "error") | [.seq, .from, .reason]]')"
			fi
		done
	done
fi

# --- interrupted by SIGINT -------------------------------------------------------
# No count: ping runs until the signal (-w bounds it if the signal got lost).
for fam in 4 6; do
	if [ $fam = 4 ]; then T=$T4; else T=$T6; fi
	out=$TMPD/int$fam.out
	ip netns exec "$(nsn p)" "$PING" --json -$fam -i 0.2 -w 20 -n "$T" >"$out" 2>"$TMPD/int$fam.err" </dev/null &
	pid=$!
	_PIDS+=("$pid")
	for _ in $(seq 100); do
		[ "$(grep -c '"type":"reply"' "$out")" -ge 3 ] && break
		sleep 0.1
	done
	kill -QUIT "$pid"       # a status line, and the run goes on
	sleep 0.5
	kill -INT "$pid"
	wait "$pid"
	RC=$? OUT=$(cat "$out") ERR=$(cat "$TMPD/int$fam.err") LAST_CMD="[p] $PING --json -$fam -i 0.2 -w 20 -n $T (SIGINT)"
	check_json "v$fam interrupted"
	assert_eq "v$fam interrupted: exit status" 0 "$RC"
	assert_eq "v$fam interrupted: stderr empty" "" "$ERR"
	assert_eq "v$fam interrupted: at least 3 replies, and counted" true \
		"$(jq_out '([.[] | select(.type == "reply" and (.dup | not))] | length) as $r |
			.[-1] | .received == $r and $r >= 3')"
	assert_eq "v$fam interrupted: every probe accounted for" true \
		"$(jq_out '.[-1] | .transmitted == .received + .timeouts and .errors == 0')"
	assert_eq "v$fam interrupted: one status line (SIGQUIT), before the summary" true \
		"$(jq_out '[.[] | select(.type == "status")] as $s | ($s | length) == 1 and
			$s[0].transmitted >= 3 and $s[0].time_ms > 0 and
			$s[0].transmitted <= .[-1].transmitted')"
done

# --- local errors: a path MTU smaller than the probe ------------------------------
# r1 - t has MTU 1280: with -M do, r1 answers the first 1300-byte probe with
# "frag needed", and the kernel refuses the next ones (EMSGSIZE, mtu 1280).
ip -n "$(nsn r1)" link set right mtu 1280 || die "mtu"
ip -n "$(nsn t)" link set left mtu 1280 || die "mtu"
args=(-4 -c 3 -i 0.2 -M "do" -s 1300 -n "$T4")
ip -n "$(nsn p)" -4 route flush cache
text "${args[@]}"
ip -n "$(nsn p)" -4 route flush cache
run_in p "$PING" --json "${args[@]}"
check_json "v4 path MTU"
same_counts "v4 path MTU"
assert_eq "v4 path MTU: router error" "[[1,\"${R4[1]}\",3,4,\"Frag needed and DF set (mtu = 1280)\"]]" \
	"$(jq_out '[.[] | select(.type == "error") | [.seq, .from, .icmp_type, .icmp_code, .reason]]')"
assert_eq "v4 path MTU: local errors" '[[2,"queue",90,"Message too long",1280],[3,"queue",90,"Message too long",1280]]' \
	"$(jq_out '[.[] | select(.type == "local_error") | [.seq, .origin, .errno, .reason, .mtu]]')"
assert_eq "v4 path MTU: summary" '[3,0,3,0]' \
	"$(jq_out '.[-1] | [.transmitted, .received, .errors, .timeouts]')"
assert_eq "v4 path MTU: stderr empty (local errors are JSON lines)" "" "$ERR"
ip -n "$(nsn p)" -4 route flush cache
run_in p "$PING" --format=atlas "${args[@]}"
check_atlas "v4 path MTU atlas"
same_atlas_counts "v4 path MTU atlas"
assert_eq "v4 path MTU atlas: result" \
	"[{\"error\":\"Frag needed and DF set (mtu = 1280) from ${R4[1]}\"},{\"error\":\"local error: Message too long, mtu=1280\"},{\"error\":\"local error: Message too long, mtu=1280\"}]" \
	"$(printf '%s' "$OUT" | jq -c .result)"

finish
