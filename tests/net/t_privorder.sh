#!/bin/bash
# t_privorder: least privilege, in the right order.  Every command opens
# its sockets, then drops every privilege (capset to nothing, no_new_privs),
# and only then looks a name up, so that no line of /etc/hosts, no DNS
# answer and no libidn2 is ever read by a process that holds a capability
# (iputils' order).  Each run is traced by strace (every thread, -f) in a
# namespace p whose /etc/hosts names the target, and whose resolver is a
# DNS stub on 127.0.0.1 (tools/slow_dns.py: NXDOMAIN for every name):
#  - capset(effective=0, permitted=0) and PR_SET_NO_NEW_PRIVS come before
#    the first open of /etc/hosts, /etc/nsswitch.conf, /etc/resolv.conf and
#    libidn2, and before the first connect to port 53;
#  - every raw socket is opened before the capset; ping, traceroute and
#    `echolot os` without -4 / -6 open both families' (the name decides);
#  - a name that only DNS can answer: the stub got the query (so the DNS
#    path ran), after the capset;
#  - an internationalised name (libidn2): loaded after the capset.
. "$(dirname "$0")/lib.sh"
need_root
need_ping
need_cmd strace
is_echolot || skip "echolot-only test"
ECHOLOT=$(dirname "$PING")/echolot
need_ping "$ECHOLOT"

chain 0
hosts_file p "$T4 target.test" "$T6 target.test" "$T4 xn--bcher-kva.test"
slow_dns_start p "$TMPD/dns.log"

# LeakSanitizer cannot run under ptrace (strace): an ASan build's leak
# check is off for these runs only.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0

# traced NAME CMD...: run CMD under strace in p; the trace in $TMPD/NAME.
traced() {
	local name=$1
	shift
	run_in p strace -f -qq -o "$TMPD/$name.st" \
		-e trace=socket,connect,openat,open,capset,prctl,setresuid,setresgid "$@"
}

# first_line FILE ERE: the number of the first line of FILE matching ERE,
# or 999999 when none does.
first_line() {
	local n
	n=$(grep -nE -- "$2" "$1" | head -n1 | cut -d: -f1)
	echo "${n:-999999}"
}

# check_order NAME WHAT ERE...: in trace NAME, the drop (capset to nothing,
# then no_new_privs) happened, and before the first line matching each ERE
# (which must occur: the name was looked up).
check_order() {
	local name=$1 what=$2 st=$TMPD/$1.st cap nnp at e
	shift 2
	cap=$(first_line "$st" 'capset\(.*effective=0, permitted=0, inheritable=0\}\) = 0')
	nnp=$(first_line "$st" 'prctl\(PR_SET_NO_NEW_PRIVS, 1')
	CHECKS=$((CHECKS + 1))
	if [ "$cap" = 999999 ] || [ "$nnp" = 999999 ] || [ "$nnp" -lt "$cap" ]; then
		fail "$what: no capset to nothing followed by no_new_privs"
		sed 's/^/  | /' "$st" >&2
		return
	fi
	pass "$what: privileges dropped"
	for e in "$@"; do
		at=$(first_line "$st" "$e")
		CHECKS=$((CHECKS + 1))
		if [ "$at" = 999999 ]; then
			fail "$what: nothing matches '$e' (was the name looked up?)"
			sed 's/^/  | /' "$st" >&2
		elif [ "$at" -lt "$nnp" ]; then
			fail "$what: '$e' (line $at) before the privileges were dropped (capset line $cap, no_new_privs line $nnp)"
			sed 's/^/  | /' "$st" >&2
		else
			pass "$what: '$e' after the drop"
		fi
	done
}

# raw_before NAME WHAT FAMILY...: a raw socket of each FAMILY (AF_INET,
# AF_INET6) opened, and every raw socket before the capset.
raw_before() {
	local name=$1 what=$2 st=$TMPD/$1.st cap f last
	shift 2
	cap=$(first_line "$st" 'capset\(.*effective=0, permitted=0, inheritable=0\}\) = 0')
	for f in "$@"; do
		assert_match "$what: a raw $f socket" "socket\($f, SOCK_RAW" "$(cat "$st")"
	done
	last=$(grep -nE 'socket\(AF_INET6?, SOCK_RAW' "$st" | tail -n1 | cut -d: -f1)
	CHECKS=$((CHECKS + 1))
	if [ -n "$last" ] && [ "$last" -lt "$cap" ]; then
		pass "$what: raw sockets before the drop"
	else
		fail "$what: a raw socket at line ${last:-none}, the capset at line $cap"
		sed 's/^/  | /' "$st" >&2
	fi
}

HOSTS='openat\(.*"/etc/hosts"'
NSS='openat\(.*"/etc/(nsswitch|resolv)\.conf"'
DNS='connect\(.*sin6?_port=htons\(53\)'

# --- names from /etc/hosts -----------------------------------------------
traced ping "$PING" -c 1 -w 5 target.test
assert_eq "ping: exit status" 0 "$RC"
check_order ping "ping" "$HOSTS" "$NSS"
raw_before ping "ping, no -4/-6" AF_INET AF_INET6

traced ping4 "$PING" -4 -c 1 -w 5 target.test
assert_eq "ping -4: exit status" 0 "$RC"
check_order ping4 "ping -4" "$HOSTS"
raw_before ping4 "ping -4" AF_INET

traced tr "$ECHOLOT" trace -q 1 target.test
assert_eq "traceroute: exit status" 0 "$RC"
check_order tr "traceroute" "$HOSTS" "$NSS"
raw_before tr "traceroute, no -4/-6" AF_INET AF_INET6

traced tr6 "$ECHOLOT" trace -6 -I -q 1 target.test
assert_eq "traceroute -6 -I: exit status" 0 "$RC"
check_order tr6 "traceroute -6 -I" "$HOSTS"
raw_before tr6 "traceroute -6 -I" AF_INET6

# traceroute's -s takes a name too.
traced trs "$ECHOLOT" trace -n -q 1 -s target.test "$T4"
check_order trs "traceroute -s NAME" "$HOSTS"

traced os "$ECHOLOT" os -w 5 --ttl-only target.test
assert_eq "echolot os: exit status" 0 "$RC"
check_order os "echolot os" "$HOSTS" "$NSS"
raw_before os "echolot os, no -4/-6" AF_INET AF_INET6

# --- a name only DNS can answer: the stub is asked, after the drop ----------
for c in ping trace os; do
	case $c in
	ping) traced dns$c "$PING" -c 1 -w 2 nowhere.test ;;
	trace) traced dns$c "$ECHOLOT" trace -q 1 nowhere.test ;;
	os) traced dns$c "$ECHOLOT" os -w 2 nowhere.test ;;
	esac
	assert_eq "$c, DNS name: exit status" 2 "$RC"
	check_order dns$c "$c, DNS name" "$HOSTS" "$DNS"
done
assert_match "the DNS stub was asked for nowhere.test" " (A|AAAA) nowhere\.test" "$(cat "$TMPD/dns.log")"

# --- an internationalised name: libidn2 loaded after the drop --------------
traced idn "$PING" -c 1 -w 5 bücher.test
assert_eq "ping IDN name: exit status" 0 "$RC"
check_order idn "ping IDN name" 'openat\(.*libidn2\.so' "$HOSTS"

finish
