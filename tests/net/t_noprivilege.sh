#!/bin/bash
# t_noprivilege: p - t with net.ipv4.ping_group_range = "1 0" (closed, the
# kernel's default) in p; the pinger runs as nobody from a copy without file
# capabilities, so neither a raw nor a datagram ICMP socket can be opened.
# v4 and v6:
#  - control: the same copy run as root in the same namespace works;
#  - exit status 2, nothing sent (no statistics), a message on stderr;
#  - iputils says "... missing cap_net_raw+p capability or setuid?";
#  - echolot (detected by `$PING -V` naming echolot) must print one line that
#    names both fixes: the cap_net_raw capability and net.ipv4.ping_group_range.
# The reference pinger's message is printed for the record.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd setpriv
need_ping

chain 0
ns_sysctl p "net.ipv4.ping_group_range=1 0"
BIN=$(unprivileged_copy "$PING") || die "copy $PING"

if optional "the reference pinger $REF_PING (iputils-ping)" [ -x "$REF_PING" ]; then
	REF=$(unprivileged_copy "$REF_PING") || die "copy $REF_PING"
	run_as_nobody p "$REF" -c 1 -n "$T4"
	log "reference ($REF_PING) exits $RC and says:"
	printf '%s\n' "$ERR" | mask_prog | sed 's/^/    /'
fi

for fam in 4 6; do
	if [ $fam = 4 ]; then T=$T4; else T=$T6; fi
	# Control: the same copy works as root here, so what fails below is privilege.
	run_in p "$BIN" -$fam -c 1 -w 3 -n "$T"
	assert_eq "v$fam control as root: exit status" 0 "$RC"
	run_as_nobody p "$BIN" -$fam -c 2 -i 0.2 -w 3 -n "$T"
	assert_eq "v$fam: exit status" 2 "$RC"
	assert_match "v$fam: a message on stderr" "[^[:space:]]" "$ERR"
	assert_no_match "v$fam: nothing sent" "bytes from|packets transmitted" "$OUT"
	log "v$fam: pinger under test ($PING) exits $RC and says:"
	printf '%s\n' "$ERR" | mask_prog | sed 's/^/    /'
	if is_echolot "$PING"; then
		assert_match "v$fam: echolot names both fixes on one line" \
			"cap_net_raw.*ping_group_range|ping_group_range.*cap_net_raw" "$ERR"
	else
		assert_match "v$fam: iputils names the capability" "cap_net_raw" "$ERR"
	fi
done

finish
