#!/bin/bash
# bench/mtr_soak.sh: the long run of tests/net/t_mtr_long.sh at full length:
# 10,000 rounds of `echolot mtr -i 0.01` over a chain of 30 routers; every
# hop's Snt and Rcv must equal what the routers counted in nftables, and
# the VmRSS must not grow.  About 2 minutes.
#
#   bench/mtr_soak.sh [ROUNDS]      (default 10000)
#
# The result goes to stdout and to bench/mtr-soak-latest.txt.  Namespaces
# and every process are those of the test (tests/net/lib.sh cleans up).
set -u
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
ROUNDS=${1:-10000}
case $ROUNDS in '' | *[!0-9]*) echo "mtr_soak.sh: ROUNDS must be a number" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "mtr_soak.sh: needs root (network namespaces)" >&2; exit 2; }
{
	echo "echolot mtr soak  $(date -u '+%Y-%m-%d %H:%M:%SZ')  (git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo ?))"
	echo "host: $(uname -sr) $(uname -m), $(nproc) CPU(s)"
	echo "run: mtr -r -w -n -c $ROUNDS -i 0.01 -m 32 -o SR over 30 routers (tests/net/t_mtr_long.sh)"
	MTR_ROUNDS=$ROUNDS NET_NS_PREFIX=emsk$$ PING=${PING:-$ROOT/build/ping} \
		timeout -k 10 $((ROUNDS / 50 + 300)) bash "$ROOT/tests/net/t_mtr_long.sh" 2>&1
	echo "exit status: $?"
} | tee "$BENCH/mtr-soak-latest.txt"
grep -q "all .* checks passed" "$BENCH/mtr-soak-latest.txt"
