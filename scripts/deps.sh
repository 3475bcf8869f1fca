#!/bin/sh
# Install what echolot's build and tests need, from Debian's packages.
# Works on a fresh Debian 12 machine: nothing but sh and apt is assumed.
set -eu
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

BUILD="gcc make libc6-dev libseccomp-dev libidn2-dev libidn2-0 libcap2-bin libncurses-dev \
libmicrohttpd-dev libyaml-dev"
# Every tool a test uses (tests/net: need_cmd, optional, the references
# iputils ping, traceroute, mtr, fping, zmap, prometheus, smokeping_prober,
# blackbox_exporter; t_privorder: strace; the mtr screen tests: python3-pyte;
# t_ninfo's node information responder: python3-scapy; bench: hyperfine):
# under CI=true a test that lacks one fails rather than skips.
TEST="libcmocka-dev clang libclang-rt-dev iputils-ping traceroute mtr-tiny strace \
fping zmap time iproute2 nftables tcpdump python3 python3-pyte python3-scapy procps util-linux libcap2-bin coreutils \
diffutils valgrind jq hyperfine curl prometheus prometheus-smokeping-prober \
prometheus-blackbox-exporter"

$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $BUILD $TEST

# The exporter's tests and benchmarks start their own Prometheus,
# smokeping_prober and blackbox_exporter, each with its own configuration
# inside a test namespace; the services the packages install (which
# probe and scrape localhost) are not needed.
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
	$SUDO systemctl disable --now prometheus prometheus-smokeping-prober \
		prometheus-blackbox-exporter 2>/dev/null || true
fi
