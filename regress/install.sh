#!/bin/sh
# SPDX-License-Identifier: ISC
# make install and uninstall into scratch DESTDIRs, and the service files.
#
# The file list and modes, nothing stripped, the installed example config
# passes siproxd -n, an edited config survives a second install and an
# uninstall, paths follow PREFIX and SYSCONFDIR, systemd-analyze verify
# and sh -n on the service files; as root, the daemon runs in a network
# namespace of its own under the unit's capability bounding set, with the
# process titles that the rc.d scripts' pexp relies on.

cd "$(dirname "$0")/.." || exit 1
TOP=$(pwd)
T=install
D=$(mktemp -d /tmp/siproxd-install.XXXXXX) || exit 1
DPID=""
cleanup() {
	[ -n "$DPID" ] && kill -9 "$DPID" 2>/dev/null
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
chmod 0755 "$D"

ok() { echo "ok - $T: $*"; }
fail() { echo "FAIL - $T: $*"; }
check() {	# check "description" command...
	d=$1; shift
	if "$@"; then ok "$d"; else fail "$d"; fi
}

# Silent unless it fails.
quiet() {
	"$@" > "$D/out" 2>&1 && return 0
	sed 's/^/# /' "$D/out"
	return 1
}

# Not the make check that may have started us: no jobserver, no overrides.
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL ${MAKE:-make} -s "$@" \
	    > "$D/make.log" 2>&1 && return 0
	sed 's/^/# /' "$D/make.log"
	return 1
}

# The programs the GNUmakefile builds: siproxd, and siproxctl if its
# sources are there.
PROGS=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL ${MAKE:-make} -s \
    --no-print-directory --eval 'print-progs: ; @echo $(PROGS)' print-progs)

# What install puts under DESTDIR: "mode path", sorted by path.
expected() {	# expected prefix sysconfdir
	{
		for p in $PROGS; do
			echo "-r-xr-xr-x $1/sbin/${p##*/}"
		done
		echo "-r--r--r-- $1/share/man/man8/siproxd.8"
		[ -e man/siproxctl.8 ] &&
		    echo "-r--r--r-- $1/share/man/man8/siproxctl.8"
		echo "-r--r--r-- $1/share/man/man5/siproxd.conf.5"
		echo "-rw-r--r-- $2/siproxd.conf"
		echo "-rw-r--r-- $2/siproxd.conf.sample"
		ex=$1/share/examples/siproxd
		echo "-r-xr-xr-x $ex/siproxd.rc.openbsd"
		echo "-r-xr-xr-x $ex/siproxd.rc.freebsd"
		echo "-r--r--r-- $ex/siproxd.service"
	} | sort -k 2
}

# What is there: every non-directory, as "mode path".
installed() {	# destdir
	(cd "$1" && find . ! -type d) | sed 's|^\.||' | sort |
	while read -r f; do
		m=$(ls -ld "$1$f" | cut -c 1-10)
		echo "$m $f"
	done
}

same_list() {	# destdir prefix sysconfdir
	expected "$2" "$3" > "$D/want"
	installed "$1" > "$D/got"
	cmp -s "$D/want" "$D/got" && return 0
	diff "$D/want" "$D/got" | sed 's/^/# /'
	return 1
}

not_stripped() {
	command -v readelf >/dev/null || return 0
	readelf -S "$1" | grep -q '\.symtab'
}

R=$D/root
L=/usr/local
check "make install DESTDIR PREFIX=$L" \
    mk install DESTDIR="$R" PREFIX=$L
check "the installed files and their modes" same_list "$R" $L $L/etc
check "siproxd is not stripped" not_stripped "$R$L/sbin/siproxd"
check "siproxd.conf is conf/siproxd.conf" \
    cmp -s conf/siproxd.conf "$R$L/etc/siproxd.conf"
check "siproxd.conf.sample is conf/siproxd.conf" \
    cmp -s conf/siproxd.conf "$R$L/etc/siproxd.conf.sample"
check "installed siproxd -n accepts the installed siproxd.conf" \
    quiet "$R$L/sbin/siproxd" -n -f "$R$L/etc/siproxd.conf"
for f in siproxd.rc.openbsd siproxd.rc.freebsd siproxd.service; do
	check "$f: PREFIX=$L installs it unchanged" \
	    cmp -s "conf/$f" "$R$L/share/examples/siproxd/$f"
done

echo "# edited" >> "$R$L/etc/siproxd.conf"
check "a second make install" mk install DESTDIR="$R" PREFIX=$L
check "a second make install keeps the edited siproxd.conf" \
    grep -q '^# edited$' "$R$L/etc/siproxd.conf"
check "a second make install renews siproxd.conf.sample" \
    cmp -s conf/siproxd.conf "$R$L/etc/siproxd.conf.sample"

# systemd-analyze verify wants the binaries at the paths in the unit and
# the manuals of Documentation=: point it at this DESTDIR.
unit_verify() {
	mkdir -p "$D/unit" &&
	sed -e "s|$L/sbin/|$R$L/sbin/|g" -e "s|$L/etc/|$R$L/etc/|g" \
	    conf/siproxd.service > "$D/unit/siproxd.service" || return 1
	out=$(MANPATH=$R$L/share/man SYSTEMD_LOG_COLOR=0 \
	    systemd-analyze verify "$D/unit/siproxd.service" 2>&1)
	rc=$?
	[ $rc -eq 0 ] && [ -z "$out" ] && return 0
	echo "$out" | sed 's/^/# /'
	return 1
}
if command -v systemd-analyze >/dev/null; then
	check "systemd-analyze verify siproxd.service" unit_verify
else
	echo "SKIPPED: $T: no systemd-analyze"
fi
for f in siproxd.rc.openbsd siproxd.rc.freebsd; do
	check "sh -n conf/$f" sh -n "conf/$f"
done
# The unit's user for the children, created in a scratch root.
sysusers() {
	line=$(sed -n 's/^ExecStartPre=+.*systemd-sysusers --inline "\(.*\)"$/\1/p' \
	    conf/siproxd.service)
	[ -n "$line" ] && mkdir -p "$D/sys/etc" &&
	    systemd-sysusers --root="$D/sys" --inline "$line" > /dev/null 2>&1 &&
	    grep -q '^siproxd:x:[1-9][0-9]*:[1-9][0-9]*:.*:/usr/sbin/nologin$' \
	    "$D/sys/etc/passwd"
}
if command -v systemd-sysusers >/dev/null; then
	check "siproxd.service creates the user siproxd" sysusers
fi
check "the rc.d scripts create a user of their own" sh -c \
    "grep -q 'useradd -L daemon' conf/siproxd.rc.openbsd &&
    grep -q -- '-r 100..999 _siproxd$' conf/siproxd.rc.openbsd &&
    grep -q 'pw useradd -n siproxd ' conf/siproxd.rc.freebsd"
check "the rc.d scripts match the parent's title" \
    grep -q '^pexp="siproxd: parent"$' conf/siproxd.rc.openbsd

check "make uninstall" mk uninstall DESTDIR="$R" PREFIX=$L
left() {
	[ "$(installed "$R")" = "-rw-r--r-- $L/etc/siproxd.conf" ] &&
	    grep -q '^# edited$' "$R$L/etc/siproxd.conf"
}
check "make uninstall leaves only the edited siproxd.conf" left

R2=$D/root2
check "make install PREFIX=/usr SYSCONFDIR=/etc" \
    mk install DESTDIR="$R2" PREFIX=/usr SYSCONFDIR=/etc
check "the files under PREFIX=/usr SYSCONFDIR=/etc" \
    same_list "$R2" /usr /etc
paths() {
	ex=$R2/usr/share/examples/siproxd
	! grep -l /usr/local "$ex"/* &&
	grep -q '^daemon="/usr/sbin/siproxd"$' "$ex/siproxd.rc.openbsd" &&
	grep -q '^command="/usr/sbin/siproxd"$' "$ex/siproxd.rc.freebsd" &&
	grep -q '"/etc/siproxd.conf"' "$ex/siproxd.rc.freebsd" &&
	grep -q '^ExecStart=/usr/sbin/siproxd -d -f /etc/siproxd.conf ' \
	    "$ex/siproxd.service"
}
check "the service files name SBINDIR and SYSCONFDIR" paths
check "make uninstall PREFIX=/usr SYSCONFDIR=/etc" \
    mk uninstall DESTDIR="$R2" PREFIX=/usr SYSCONFDIR=/etc
check "make uninstall leaves no file behind an unedited install" \
    test -z "$(installed "$R2")"

# A process title: the first string of its command line (libbsd may leave
# more after it).
title() {
	tr '\0' '\n' < "/proc/$1/cmdline" 2>/dev/null | head -n 1
}

# The daemon under the unit's CapabilityBoundingSet and no_new_privs, in
# a network namespace with only loopback, where nothing leaves the host.
caps_run() {
	caps=$(sed -n 's/^CapabilityBoundingSet=//p' conf/siproxd.service |
	    tr 'A-Z' 'a-z' | sed -e 's/cap_/+/g' -e 's/ /,/g')
	mkdir -m 0755 "$D/jail" || return 1
	cat > "$D/run.conf" <<-EOF
	if_inbound = lo
	if_outbound = lo
	host_outbound = 127.0.0.1
	user = nobody
	chrootjail = $D/jail
	EOF
	unshare -n sh -c "ip link set lo up &&
	    exec setpriv --bounding-set=-all,$caps --inh-caps=-all \
	    --no-new-privs $TOP/siproxd -d -f $D/run.conf -s $D/ctl.sock \
	    -p $D/pid" > "$D/run.log" 2>&1 &
	DPID=$!
	i=0
	while [ $i -lt 50 ]; do
		titles=$(for c in $(ps -o pid= --ppid "$DPID"); do
			title "$c"
		done | sort | tr '\n' ,)
		[ "$titles" = "siproxd: rtpd,siproxd: sipd," ] && break
		sleep 0.1
		i=$((i + 1))
	done
	t=$(title "$DPID")
	kill -TERM "$DPID" 2>/dev/null
	i=0
	while kill -0 "$DPID" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	wait "$DPID"
	rc=$?
	DPID=""
	[ "$t" = "siproxd: parent" ] &&
	    [ "$titles" = "siproxd: rtpd,siproxd: sipd," ] && [ $rc -eq 0 ] &&
	    return 0
	echo "# parent \"$t\", children \"$titles\", status $rc"
	sed 's/^/# /' "$D/run.log"
	return 1
}
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null ||
    ! command -v unshare >/dev/null; then
	echo "SKIPPED: $T: the daemon under the unit's capabilities" \
	    "(need root, setpriv, unshare)"
else
	check "siproxd runs and stops under the unit's capabilities, titled \
siproxd: parent, sipd, rtpd" caps_run
fi
