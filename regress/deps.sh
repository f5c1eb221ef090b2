#!/bin/sh
# SPDX-License-Identifier: ISC
# Debian packages to build siproxd and run make check (as root).
set -e
PKGS="build-essential pkg-config libosip2-dev libcap-dev libbsd-dev libmd-dev
libevent-dev libc-ares-dev libseccomp-dev libbpf-dev libelf-dev zlib1g-dev
linux-libc-dev bpftool sip-tester iproute2 clang
libclang-rt-14-dev mandoc dnsmasq-base procps util-linux nftables psmisc
stun-server libtls-dev openssl kamailio kamailio-tls-modules
libhiredis-dev redis-server keepalived"
missing=""
for p in $PKGS; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "missing packages:$missing (run as root: apt-get install$missing)"
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq $missing
