#!/bin/bash
# t_exporter_sandbox: the exporter's least privilege, for its whole life.
#  - a copy with cap_net_raw+ep, run by nobody where ping sockets are
#    closed, probes through raw sockets and, while it runs, every thread
#    holds no capability (CapEff = CapPrm = 0), has no_new_privs and the
#    seccomp filter (Seccomp 2);
#  - a life under the filter: scrapes, /probe of a name (the lookup
#    threads), names looked up again every second, SIGHUP (the file read
#    again), error pages, a burst of connections: the daemon lives on and
#    SIGTERM ends it with status 0;
#  - forbidden calls are refused: --sandbox-selftest makes one after the
#    filter is in place (execve; a raw socket, although socket() is
#    allowed for lookups; open() for writing, although it is allowed for
#    reading), and the process dies of SIGSYS each time.
# A sanitizer build runs without the filter (the runtimes make calls of
# their own): there everything but the filter is checked, and -V says so.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/xlib.sh"
need_root
need_exporter
need_cmd setcap
SANDBOX=1
if ! "$EXPORTER" -V | grep -q "^sandbox: seccomp"; then
	SANDBOX=0
	assert_match "-V: the build without the filter says why" "^sandbox: off \(sanitizer build\)$" \
		"$("$EXPORTER" -V)"
	log "this build runs without the seccomp filter (sanitizer build): the filter's checks are not run"
fi

anyip_pair
hosts_file p "$T4 target.test" "198.19.0.1 one.test"
ns_sysctl p net.ipv4.ping_group_range="1 0"
copy=$(unprivileged_copy "$EXPORTER")
setcap cap_net_raw+ep "$copy" || skip "setcap not supported on $TMPD"
cfg=$TMPD/x.yml
printf 'targets:\n- hosts: [target.test, one.test]\n  interval: 100ms\n' >"$cfg"
chmod 644 "$cfg"

EXPORTER_SAVED=$EXPORTER
EXPORTER="setpriv --reuid=65534 --regid=65534 --clear-groups -- $copy"
log=$TMPD/x.log
# exporter_start's PID is setpriv's child: setpriv execs the copy.
bg_start p "$log" setpriv --reuid=65534 --regid=65534 --clear-groups -- "$copy" exporter \
	--web.listen-address=127.0.0.1:9374 --config.file="$cfg" --resolve-interval=1s
XBG=$BG_PID
wait_for "$log" 'listening on' 10 || die "exporter did not start: $(cat "$log")"
XPID=$(pgrep -P "$XBG" | head -n1)
[ -n "$XPID" ] || die "no exporter under $XBG"
EXPORTER=$EXPORTER_SAVED

ntask=0
for st in /proc/"$XPID"/task/*/status; do
	ntask=$((ntask + 1))
	s=$(cat "$st")
	assert_match "thread $ntask: no effective capability" "^CapEff:[[:space:]]+0+$" "$s"
	assert_match "thread $ntask: no permitted capability" "^CapPrm:[[:space:]]+0+$" "$s"
	assert_match "thread $ntask: no_new_privs" "^NoNewPrivs:[[:space:]]+1$" "$s"
	[ $SANDBOX = 1 ] &&
		assert_match "thread $ntask: seccomp filter" "^Seccomp:[[:space:]]+2$" "$s"
done
assert_match "runs as nobody" "^Uid:[[:space:]]+65534" "$(cat "/proc/$XPID/status")"
log "$ntask threads: the loop and the lookup threads"

# A life under the filter.
sleep 1.5
M=$(scrape p 9374 /metrics)
assert_promtool "metrics under the filter" "$M"
assert_match "probes through the raw socket" \
	'^smokeping_requests_total\{host="target.test",ip="198.18.0.2"\} [1-9]' "$M"
assert_eq "replies counted" 64 "$(metric "$M" smokeping_response_ttl target.test)"
P=$(scrape p 9374 '/probe?target=one.test&module=icmp')
assert_eq "/probe of a name under the filter" 1 "$(metric "$P" probe_success)"
printf 'targets:\n- hosts: [one.test]\n  interval: 100ms\n' >"$cfg"
kill -HUP "$XPID"
wait_for "$log" 'reloaded' 5 || fail "no reload under the filter: $(cat "$log")"
curls=()
for _ in $(seq 50); do
	scrape p 9374 /nope -o /dev/null &
	curls+=($!)
done
wait "${curls[@]}"
sleep 1.2  # a lookup round more
M=$(scrape p 9374 /metrics)
assert_promtool "metrics after the reload" "$M"
assert_no_match "reloaded: target.test gone" 'host="target.test"' "$M"
kill -0 "$XPID" 2>/dev/null
assert_eq "alive after all that" 0 "$?"
kill -TERM "$XPID"
wait "$XBG"
rc=$?
assert_eq "SIGTERM: exit status 0" 0 "$rc"
assert_no_match "never killed" "Bad system call" "$(cat "$log")"

# Forbidden calls.
[ $SANDBOX = 1 ] || finish
for what in exec raw write; do
	rm -f /tmp/echolot-sandbox-selftest
	run_in p "$EXPORTER" exporter --sandbox-selftest=$what \
		--web.listen-address=127.0.0.1:9374 198.19.0.1
	assert_eq "forbidden $what: killed by SIGSYS (128+31)" 159 "$RC"
	assert_no_match "forbidden $what: never returned" "returned" "$ERR"
done
CHECKS=$((CHECKS + 1))
if [ -e /tmp/echolot-sandbox-selftest ]; then
	fail "the file opened for writing exists"
	rm -f /tmp/echolot-sandbox-selftest
fi
finish
