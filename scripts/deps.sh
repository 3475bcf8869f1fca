#!/bin/sh
# Install what echolot's build and tests need, from Debian's packages.
# Works on a fresh Debian 12 machine: nothing but sh and apt is assumed.
set -eu
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

BUILD="gcc make libc6-dev libseccomp-dev libidn2-dev libidn2-0 libcap2-bin libmicrohttpd-dev libyaml-dev"
TEST="libcmocka-dev clang libclang-rt-dev iputils-ping iproute2 nftables tcpdump python3 \
procps util-linux valgrind jq hyperfine curl prometheus prometheus-smokeping-prober \
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
