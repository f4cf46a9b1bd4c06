#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test VM (busybox): loads the modules, runs every kernel
# test, then checks that both modules unload. Prints TAP: one block (plan) for its own steps at
# the start and at the end, and one per test program.
#   run.sh --expect-blocks   prints how many TAP blocks a whole run prints (tests/vm/check-vm.sh
#                            asks on the host, so that a program that crashed before its plan, or
#                            never ran, fails the run)
cd "$(dirname "$0")" || exit 1

# The test programs, in order; tests/debug's fuzzer and soak in a short form (make check-debug runs
# 100000 calls and 100 cycles itself, and sets BIOUNIT_SKIP_SHORT_DEBUG=1)
PROGRAMS="units_test uapi_test stream_test v4l2_test v4l2_compliance.sh input_test lib_test lib_test_san session_test session_test:--desk gpio_test.sh udev_test.sh evtest_test.sh"
SHORT_DEBUG="ioctl_fuzz:-n:20000 unplug_soak:-c:10"
[ "${BIOUNIT_SKIP_SHORT_DEBUG:-0}" != 1 ] || SHORT_DEBUG=""
if [ "${1:-}" = --expect-blocks ]; then
	set -- $PROGRAMS $SHORT_DEBUG
	echo $(($# + 2))
	exit 0
fi

echo "TAP version 13"
echo "1..3"
n=0
step() { # step DESCRIPTION COMMAND...
	desc=$1
	shift
	n=$((n + 1))
	if out=$("$@" 2>&1); then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		echo "$out" | sed 's/^/# /'
	fi
}
step "modprobe biounit-sim" modprobe biounit-sim
step "configfs mounted" sh -c 'grep -q " /sys/kernel/config " /proc/mounts || mount -t configfs none /sys/kernel/config'
m32=$(./layout-m32 2>&1)
m64=$(./layout-m64 2>&1)
if [ -n "$m64" ] && [ "$m32" = "$m64" ]; then
	echo "ok 3 - uapi layout is the same on -m32 and -m64 ($(echo "$m64" | wc -l) fields)"
else
	echo "not ok 3 - uapi layout differs between -m32 and -m64"
	echo "$m32" > /tmp/m32; echo "$m64" > /tmp/m64
	diff /tmp/m32 /tmp/m64 | sed 's/^/# /'
fi

for t in $PROGRAMS $SHORT_DEBUG; do
	# shellcheck disable=SC2046 # NAME:ARG:ARG into words on purpose
	./$(echo "$t" | tr ':' ' ')
done

echo "TAP version 13"
echo "1..3"
# nothing of ours may be left behind by the tests; clear it so unloading is tested anyway
# ("gpio" is the group of the desk gpiochips, not a unit)
left=$(ls /sys/kernel/config/biounit-sim 2>/dev/null | grep -vx gpio)
chips=$(ls /sys/kernel/config/biounit-sim/gpio 2>/dev/null)
if [ -z "$left$chips" ]; then
	echo "ok 1 - no simulated unit or gpiochip left behind"
else
	echo "not ok 1 - simulated units or gpiochips left behind: $(echo $left $chips)"
	for u in $left; do
		echo 0 > "/sys/kernel/config/biounit-sim/$u/live"
		rmdir "/sys/kernel/config/biounit-sim/$u"
	done
	for c in $chips; do
		echo 0 > "/sys/kernel/config/biounit-sim/gpio/$c/live"
		rmdir "/sys/kernel/config/biounit-sim/gpio/$c"/line* "/sys/kernel/config/biounit-sim/gpio/$c"
	done
fi
n=1
step "rmmod biounit-sim" rmmod biounit-sim
step "rmmod biounit" rmmod biounit
