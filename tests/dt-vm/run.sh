#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the arm64 VM of scripts/check-dt-vm.sh (busybox sh); prints TAP.
# The kernel command line says which tree was booted: biounit_dtvm=good or =broken.
# The unit's node is /biometrics-unit (tests/dt-vm/unit-*.dtsi), a platform device of that name;
# the broken tree adds /biometrics-unit-badgpio, -badline, -defer, -lanes5, -lane0, -devoff,
# -nodrv, -camoff and -camdefer.
#
# good: the unit takes the tree's resources: reset/enable on the machine's PL061 (in
# /sys/kernel/debug/gpio), its regulator-fixed supply (enabled, our device its consumer), two
# fixed-clocks (enable count 1), the button/presence lines with their interrupts (the button is
# QEMU's power button: the host presses it when asked; BIOUNIT_EVENT_BUTTON pressed, then
# released, reaches a subscribed file) and two gpio-leds;
# the camera's CSI-2 endpoint (lanes, link frequencies, the remote port's device) and the
# scanner's and pad's ind,device in debugfs;
# unbinding powers it down (reset asserted, enable off, supply off, clocks off) and binding again
# powers it up. broken: none of the ten units binds; the four that defer (a supply that never
# probes, a GPIO line the controller lacks, an ind,device or a camera remote-endpoint whose
# device has no driver) are listed in devices_deferred with the driver's reason and say nothing
# on the console; the others (max-frame-size, reset-gpios, data-lanes with 5 entries or lane 0,
# ind,device or remote-endpoint to a disabled node) fail with the driver's message.

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
wait_for() { # wait_for COMMAND...: up to 10 s (TCG; some drivers probe asynchronously)
	i=0
	while [ $i -lt 50 ]; do
		"$@" && return 0
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}

mode=$(sed -n 's/.*biounit_dtvm=\([a-z]*\).*/\1/p' /proc/cmdline)
PDEV=/sys/bus/platform/devices/biometrics-unit
DRV=/sys/bus/platform/drivers/biounit-sim
D=/sys/kernel/debug
echo "1..$([ "$mode" = good ] && echo 41 || echo 22)"
echo "# mode $mode, kernel $(uname -r) $(uname -m)"
mount -t debugfs debugfs $D 2>/dev/null

# The debugfs line of PL061 line $1: " gpio-N (name|label) out hi [IRQ ][ACTIVE LOW]"
pl061_base=$(sed -n 's/^gpiochip[0-9]*: GPIOs \([0-9]*\)-.*pl061.*/\1/p' $D/gpio)
gpio_line() {
	grep "^ gpio-$((pl061_base + $1)) " $D/gpio
}
# gpio_is DESCRIPTION LINE REGEX: the line's debugfs entry matches REGEX
gpio_is() {
	l=$(gpio_line "$2")
	if echo "$l" | grep -qE "$3"; then ok "$1: $l"; else nok "$1 (got '$l', want /$3/)"; fi
}
sysfs_gpio() { # sysfs_gpio LINE: "direction value" of a free PL061 line, through the GPIO sysfs
	g=$((pl061_base + $1))
	echo $g >/sys/class/gpio/export
	echo "$(cat /sys/class/gpio/gpio$g/direction 2>&1) $(cat /sys/class/gpio/gpio$g/value 2>&1)"
	echo $g >/sys/class/gpio/unexport
}
clk_count() { # clk_count CLOCK: enable count
	cat "$D/clk/$1/clk_enable_count" 2>&1
}

check "the tree has /biometrics-unit (ind,biounit-sim)" \
	grep -q 'ind,biounit-sim' /proc/device-tree/biometrics-unit/compatible
check "of_platform made the platform device $PDEV" test -d "$PDEV"
# The supplies' drivers are modules here (regulator-fixed, gpio-leds); PL061 and fixed-clock are
# built in. Load them first; fw_devlink would hold our probe back until they have probed anyway.
modprobe fixed
modprobe leds-gpio
alias=$(cat "$PDEV/modalias" 2>/dev/null)
echo "# modalias $alias"
# Load the driver by the device's OF modalias: tests MODULE_DEVICE_TABLE(of, ...)
check "modprobe by modalias loads biounit-sim" modprobe "$alias"
check "biounit-sim is loaded" grep -q '^biounit_sim ' /proc/modules

if [ "$mode" = good ]; then
	wait_for test -e /dev/biounit0
	check "biounit-sim bound to the device" test -e "$PDEV/driver"
	check "/dev/biounit0 is a character device" test -c /dev/biounit0
	S=/sys/class/biounit/biounit0
	is "model from the tree" "$(cat $S/model 2>&1)" "IND-BU2"
	is "serial from the tree" "$(cat $S/serial 2>&1)" "DT-0001"
	is "channels from the tree" "$(cat $S/channels 2>&1)" "face finger signature"
	echo "# PL061 lines from $pl061_base:"
	grep -A8 pl061 $D/gpio | sed 's/^/#   /'

	gpio_is "reset-gpios (PL061 0, active low) released" 0 '\|biounit reset +\) out hi .*ACTIVE LOW'
	gpio_is "enable-gpios (PL061 1) on" 1 '\|biounit enable +\) out hi'
	gpio_is "the supply's enable line (PL061 2) on" 2 ' out hi'
	gpio_is "button-gpios (PL061 3) an input with its interrupt" 3 '\|biounit button +\) in +lo IRQ'
	gpio_is "presence-gpios (PL061 4) an input with its interrupt" 4 '\|biounit presence +\) in +lo IRQ'
	R=
	for r in /sys/class/regulator/regulator.*; do
		[ "$(cat "$r/name")" = biounit-vdd ] && R=$r
	done
	is "regulator biounit-vdd enabled" "$(cat "$R/state" 2>&1)" enabled
	is "regulator biounit-vdd: one user" "$(cat "$R/num_users" 2>&1)" 1
	check "regulator biounit-vdd: consumer biometrics-unit-vdd" test -e "$R/biometrics-unit-vdd"
	grep -E 'biounit-vdd|biometrics-unit' $D/regulator/regulator_summary | sed 's/^/# /'
	grep -E 'biounit_' $D/clk/clk_summary | sed 's/^/# /'
	is "clock biounit_bus enabled once" "$(clk_count biounit_bus)" 1
	is "clock biounit_sensor enabled once" "$(clk_count biounit_sensor)" 1
	is "face light (gpio-leds) off while the face channel is idle" \
		"$(cat /sys/class/leds/biounit:white:face/brightness 2>&1)" 0
	RES=$D/biounit/biounit0/resources
	sed 's/^/# /' $RES
	check "debugfs resources: vdd-supply on" grep -qx 'vdd-supply: on' $RES
	check "debugfs resources: clocks bus and sensor" \
		sh -c "grep -qx 'clock bus: 100000000 Hz' $RES && grep -qx 'clock sensor: 24000000 Hz' $RES"
	check "debugfs resources: reset released, enable on" \
		sh -c "grep -qx 'reset-gpios: 0' $RES && grep -qx 'enable-gpios: 1' $RES"
	check "debugfs resources: leds status and face-light" grep -qx 'leds: status face-light' $RES
	check "debugfs resources: interrupt capture (checked, left to the backend)" \
		grep -qx 'interrupts: capture' $RES
	check "debugfs resources: camera data-lanes 2 (1 2)" grep -qx 'camera data-lanes: 2 (1 2)' $RES
	check "debugfs resources: camera link-frequencies" \
		grep -qx 'camera link-frequencies: 456000000 228000000 Hz' $RES
	check "debugfs resources: camera remote is the PL061 node" \
		grep -qE '^camera remote: /pl061@[0-9a-f]+$' $RES
	check "debugfs resources: scanner ind,device is the PL061 (amba bus)" \
		grep -qE '^scanner ind,device: amba [0-9a-f]+\.pl061$' $RES
	check "debugfs resources: pad ind,device is leds-biounit (platform bus)" \
		grep -qx 'pad ind,device: platform leds-biounit' $RES
	check "not in devices_deferred" sh -c "! grep -q '^biometrics-unit' $D/devices_deferred"
	# The host presses QEMU's power button (PL061 line 3: high for 100 ms) when asked, once.
	# tests/dt-vm/buttonevent.c subscribes to BIOUNIT_EVENT_BUTTON first and reads the events.
	check "button-gpios: released, no edge yet" grep -qx 'button-gpios: 0, 0 edges' $RES
	bpid=
	if [ -x ./buttonevent ]; then
		rm -f /tmp/subscribed
		./buttonevent /tmp/subscribed >/tmp/buttonevent.out 2>&1 &
		bpid=$!
		wait_for test -e /tmp/subscribed
	fi
	echo "biounit-dtvm: press the button" >/dev/kmsg
	wait_for grep -qx 'button-gpios: 0, 2 edges' $RES
	is "button-gpios: pressed and released (QEMU's power button)" \
		"$(grep '^button-gpios' $RES)" "button-gpios: 0, 2 edges"
	if [ -n "$bpid" ]; then
		wait $bpid
		brc=$?
		grep '^#' /tmp/buttonevent.out
		is "DQEVENT: BUTTON pressed (data 1) then released (0), channel 255 (BIOUNIT_CH_UNIT), CLOCK_MONOTONIC" \
			"$brc $(grep '^events:' /tmp/buttonevent.out)" "0 events: 9/255/1 9/255/0"
	else
		ok "DQEVENT: button events # SKIP buttonevent not built (no arm64 libc on the host)"
	fi
	# led-names "face-light": on while the face channel streams (tests/dt-vm/facelight.c)
	if [ -x ./facelight ]; then
		is "face light: off, on while the face channel streams, off after" \
			"$(./facelight /sys/class/leds/biounit:white:face/brightness 2>&1)" "0 1 0"
	else
		ok "face light while streaming # SKIP facelight not built (no arm64 libc on the host)"
	fi

	# Unbind: the devm power-down runs (reset asserted, enable off, clocks and supply off)
	echo biometrics-unit >$DRV/unbind
	# Freed lines leave debugfs; the GPIO sysfs shows what they were left at (physical values).
	is "unbound: reset asserted (low), enable off (low)" "$(sysfs_gpio 0) $(sysfs_gpio 1)" \
		"out 0 out 0"
	is "unbound: clocks off" "$(clk_count biounit_bus) $(clk_count biounit_sensor)" "0 0"
	is "unbound: regulator biounit-vdd disabled" "$(cat "$R/state" 2>&1)" disabled
	gpio_is "unbound: the supply's enable line off" 2 ' out lo'
	echo biometrics-unit >$DRV/bind
	wait_for test -e /dev/biounit0
	gpio_is "bound again: reset released" 0 '\|biounit reset +\) out hi'
	is "bound again: clocks and supply on" \
		"$(clk_count biounit_sensor) $(cat "$R/state" 2>&1)" "1 enabled"
else
	# The failing units fail at once; the deferred one is retried at every later bind.
	wait_for grep -q '^biometrics-unit-defer' $D/devices_deferred
	wait_for grep -q '^biometrics-unit-badline' $D/devices_deferred
	wait_for grep -q '^biometrics-unit-nodrv' $D/devices_deferred
	wait_for grep -q '^biometrics-unit-camdefer' $D/devices_deferred
	for u in biometrics-unit biometrics-unit-badgpio biometrics-unit-badline biometrics-unit-defer \
		biometrics-unit-lanes5 biometrics-unit-lane0 biometrics-unit-devoff biometrics-unit-nodrv \
		biometrics-unit-camoff biometrics-unit-camdefer; do
		check "$u: biounit-sim did not bind" test ! -e "$PDEV${u#biometrics-unit}/driver"
	done
	check "no /dev/biounit0" test ! -e /dev/biounit0
	sed 's/^/# devices_deferred: /' $D/devices_deferred
	dl=$(grep '^biometrics-unit-defer' $D/devices_deferred)
	check "devices_deferred: biometrics-unit-defer, reason vdd-supply" \
		sh -c "echo '$dl' | grep -q 'vdd-supply'"
	dl=$(grep '^biometrics-unit-badline' $D/devices_deferred)
	check "devices_deferred: biometrics-unit-badline, reason reset-gpios" \
		sh -c "echo '$dl' | grep -q 'reset-gpios'"
	dl=$(grep '^biometrics-unit-nodrv' $D/devices_deferred)
	check "devices_deferred: biometrics-unit-nodrv, reason pad: ind,device not bound" \
		sh -c "echo '$dl' | grep -q 'pad: ind,device: /biounit-pad-nodriver .*not bound'"
	# fw_devlink follows remote-endpoint too: on 6.1 the driver core holds the probe back itself
	# ("supplier ... not ready"); on 6.12 it has relaxed the link to a device no driver matched,
	# and the driver's own check defers.
	dl=$(grep '^biometrics-unit-camdefer' $D/devices_deferred)
	check "devices_deferred: biometrics-unit-camdefer, reason the remote-endpoint's device not bound" \
		sh -c "echo '$dl' | grep -qE 'camera: port: remote-endpoint: /biounit-pad-nodriver .*not bound|supplier biounit-pad-nodriver not ready'"
	check "devices_deferred: the failed units are not deferred" \
		sh -c "! grep -qE '^biometrics-unit(-badgpio|-lanes5|-lane0|-devoff|-camoff)?[[:space:]]' $D/devices_deferred"
	check "biometrics-unit-badgpio: the probe error names reset-gpios" \
		sh -c "dmesg | grep -q 'biometrics-unit-badgpio: .*reset-gpios'"
	# Deferring prints nothing (but the driver core's own "deferred probe pending" note, after
	# its timeout, if the boot is that slow).
	spam=$(dmesg | grep -E 'biometrics-unit-(defer|badline|nodrv|camdefer)' | grep -v 'deferred probe pending')
	check "deferred units: nothing on the console" test -z "$spam"
	[ -z "$spam" ] || echo "$spam" | sed 's/^/# spam: /'
fi
dmesg | grep -E 'biounit|biometrics-unit' | sed 's/^/# /'
[ "$fails" = 0 ]
