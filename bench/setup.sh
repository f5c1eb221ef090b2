#!/bin/sh
# SPDX-License-Identifier: ISC
# make bench: install what the benchmark compares against (Debian packages).
# Only the bench runs this; make check never does.  Daemons the packages
# would start are kept from starting (policy-rc.d): the bench runs its own,
# in namespaces.

PKGS="rtpengine-daemon kamailio kamailio-tls-modules sip-tester gnuplot-nox
iproute2 procps openssl"
OPT="linux-perf"

missing() {
	for p in "$@"; do
		dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || echo "$p"
	done
}

need=$(missing $PKGS)
opt=$(missing $OPT)
[ -z "$need$opt" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "bench/setup.sh: need root to install:" $need $opt >&2
	[ -z "$need" ]
	exit
fi

# No service may start while we install (invoke-rc.d honours this).
POLICY=/usr/sbin/policy-rc.d
ours=
if [ ! -e "$POLICY" ]; then
	printf '#!/bin/sh\nexit 101\n' > "$POLICY"
	chmod 0755 "$POLICY"
	ours=1
fi
trap '[ -n "$ours" ] && rm -f "$POLICY"' EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || exit 1
if [ -n "$need" ]; then
	apt-get install -y -qq --no-install-recommends $need || exit 1
fi
# Installed for the bench only: not started at boot either.
for s in rtpengine-daemon kamailio; do
	case " $need " in *" $s "*) ;; *) continue ;; esac
	command -v systemctl >/dev/null 2>&1 &&
	    systemctl disable "$s" >/dev/null 2>&1
done
if [ -n "$opt" ] &&
    ! apt-get install -y -qq --no-install-recommends $opt; then
	echo "bench/setup.sh: optional $opt not installed (no perf evidence)"
fi
exit 0
