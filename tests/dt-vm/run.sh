#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the arm64 VM of scripts/check-dt-vm.sh (busybox sh); prints TAP.
# The kernel command line says which tree was booted: biounit_dtvm=good or =broken.
# The unit's node is /biometrics-unit (tests/dt-vm/unit-*.dtsi), a platform device of that name.

n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }
check() { # check DESCRIPTION COMMAND...
	d=$1; shift
	if "$@"; then ok "$d"; else nok "$d"; fi
}
is() { # is DESCRIPTION GOT WANT
	if [ "$2" = "$3" ]; then ok "$1"; else nok "$1 (got '$2', want '$3')"; fi
}

mode=$(sed -n 's/.*biounit_dtvm=\([a-z]*\).*/\1/p' /proc/cmdline)
PDEV=/sys/bus/platform/devices/biometrics-unit
echo "1..$([ "$mode" = good ] && echo 9 || echo 6)"
echo "# mode $mode, kernel $(uname -r) $(uname -m)"

check "the tree has /biometrics-unit (ind,biounit-sim)" \
	grep -q 'ind,biounit-sim' /proc/device-tree/biometrics-unit/compatible
check "of_platform made the platform device $PDEV" test -d "$PDEV"
alias=$(cat "$PDEV/modalias" 2>/dev/null)
echo "# modalias $alias"
# Load the driver by the device's OF modalias: tests MODULE_DEVICE_TABLE(of, ...)
check "modprobe by modalias loads biounit-sim" modprobe "$alias"
check "biounit-sim is loaded" grep -q '^biounit_sim ' /proc/modules
for _ in 1 2 3 4 5 6 7 8 9 10; do # probe is synchronous; allow for a slow console
	[ -e /dev/biounit0 ] && break
	sleep 0.2
done

if [ "$mode" = good ]; then
	check "biounit-sim bound to the device" test -e "$PDEV/driver"
	check "/dev/biounit0 is a character device" test -c /dev/biounit0
	S=/sys/class/biounit/biounit0
	is "model from the tree" "$(cat $S/model 2>&1)" "IND-BU2"
	is "serial from the tree" "$(cat $S/serial 2>&1)" "DT-0001"
	is "channels from the tree" "$(cat $S/channels 2>&1)" "face finger signature"
else
	check "biounit-sim did not bind (probe failed)" test ! -e "$PDEV/driver"
	check "no /dev/biounit0" test ! -e /dev/biounit0
fi
dmesg | grep -E 'biounit|biometrics-unit' | sed 's/^/# /'
[ "$fails" = 0 ]
