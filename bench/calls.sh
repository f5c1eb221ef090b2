# SPDX-License-Identifier: ISC
# Shared by bench/modcost.sh and bench/hacost.sh, after regress/e2e/lib.sh:
# N calls at R a second through siproxd, and the CPU processes have used.

# cpu_ns PID...: their run time so far (schedstat), nanoseconds.
cpu_ns() {
	_s=0
	for _p; do
		_s=$((_s + $(cut -d' ' -f1 "/proc/$_p/schedstat")))
	done
	echo "$_s"
}

# n_calls TAG OUT: N calls (INVITE/200/ACK/BYE, SDP both ways) at R a
# second from phone1 in lan to wan@203.0.113.2:5070 through siproxd; the
# phone's sipp writes to OUT; its status.
n_calls() {
	_sf=$(sipp_scenario "uas-$1" call_uas.xml -key expect_media 203.0.113.1)
	in_wan sipp -sf "$_sf" -i 203.0.113.2 -p 5070 -m "$N" -s wan \
	    -key expect_media 203.0.113.1 -timeout 120s < /dev/null \
	    > /dev/null 2>&1 &
	_nc_uas=$!
	sleep 0.3
	_sf=$(sipp_scenario "uac-$1" call_uac.xml -key expect_media 10.0.0.1)
	in_lan sipp -sf "$_sf" -i 10.0.0.2 -p 5061 -m "$N" -r "$R" \
	    -l 2000 -s phone1 -key domain sip.test -key callee wan \
	    -key rdomain 203.0.113.2:5070 -key expect_media 10.0.0.1 \
	    -inf "$CALL_INF" \
	    -timeout 120s 10.0.0.1:5060 < /dev/null > "$2" 2>&1
	_nc_rc=$?
	wait "$_nc_uas"
	return $_nc_rc
}
