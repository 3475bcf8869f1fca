#!/bin/sh
# Install what echolot's build and tests need, from Debian's packages.
# Works on a fresh Debian 12 machine: nothing but sh and apt is assumed.
set -eu
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

BUILD="gcc make libc6-dev libseccomp-dev libidn2-dev libidn2-0 libcap2-bin"
TEST="libcmocka-dev clang libclang-rt-dev iputils-ping iproute2 nftables tcpdump python3 \
procps util-linux valgrind jq hyperfine traceroute"

$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $BUILD $TEST
