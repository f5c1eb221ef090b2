#!/bin/sh
# SPDX-License-Identifier: ISC
# exploratory
. "$(dirname "$0")/lib.sh"
CORPUS=$TOP/../shared/torture
topo_up
dns_up
CONF=$(write_conf </dev/null)
start_siproxd "$CONF" || exit 1
F4=$(ls $CORPUS/rfc4475/*.dat)
F5=$(ls $CORPUS/rfc5118/* | grep -v index.md)
in_lan python3 $E2E/torture.py 10.0.0.2 10.0.0.1 5060 $F4 > $WORK/lan4
in_lan python3 $E2E/torture.py -w 10.0.0.2 10.0.0.1 5060 $F5 > $WORK/lan5
in_wan python3 $E2E/torture.py 203.0.113.2 203.0.113.1 5060 $F4 > $WORK/wan4
in_wan python3 $E2E/torture.py -w 203.0.113.2 203.0.113.1 5060 $F5 > $WORK/wan5
paste -d'|' $WORK/lan4 $WORK/wan4 | awk -F'|' '{split($1,a," "); split($2,b," "); printf "%-36s %-5s %-5s  %s\n", a[1], a[2], b[2], substr($1, length(a[1])+length(a[2])+3)}'
paste -d'|' $WORK/lan5 $WORK/wan5 | awk -F'|' '{split($1,a," "); split($2,b," "); printf "%-36s %-5s %-5s  %s\n", a[1], a[2], b[2], substr($1, length(a[1])+length(a[2])+3)}'
cp $WORK/siproxd.log /tmp/torture-explore.log
finish
