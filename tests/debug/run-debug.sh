#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the debug kernel's VM (busybox) as the payload's run.sh (tests/debug/check-debug.sh
# puts it there): the full ioctl fuzzer, the unplug soak, the allocation failure injection, then
# the whole kernel test suite (tests/kernel/run.sh, here kernel-run.sh, which ends by unloading
# both modules), then a kmemleak scan. Prints TAP. params.sh sets FUZZ_CALLS, FUZZ_SEED,
# SOAK_CYCLES, FAILSLAB_MAX.
cd "$(dirname "$0")" || exit 1
FUZZ_CALLS=100000 FUZZ_SEED= SOAK_CYCLES=100 FAILSLAB_MAX=600
[ -f ./params.sh ] && . ./params.sh
KML=/sys/kernel/debug/kmemleak
# What the kernel log must not show (the console gets the same scan on the host).
BAD='BUG:|WARNING:|Oops|KASAN|UBSAN|ODEBUG|circular locking|recursive locking|inconsistent lock state|bad unlock balance|lock held when returning|sleeping function called from invalid context|list_(add|del) corruption|refcount_t|general protection|unreferenced object'

# Leaks from before our tests (boot) are not ours.
if [ -w $KML ]; then
	echo scan >$KML
	echo clear >$KML
fi
modprobe biounit-sim
grep -q ' /sys/kernel/config ' /proc/mounts || mount -t configfs none /sys/kernel/config

t0=$(date +%s)
./ioctl_fuzz -n "$FUZZ_CALLS" ${FUZZ_SEED:+-s "$FUZZ_SEED"}
echo "# ioctl_fuzz took $(($(date +%s) - t0)) s"
t0=$(date +%s)
./unplug_soak -c "$SOAK_CYCLES"
echo "# unplug_soak took $(($(date +%s) - t0)) s"

# Injected allocation failures make the page allocator and vmalloc print their (expected) warnings
# with a stack dump: keep them off the console and check the kernel log of this part here.
t0=$(date +%s)
dmesg -c >/dev/null
read -r saved_printk </proc/sys/kernel/printk
echo 1 >/proc/sys/kernel/printk
./failslab_test -m "$FAILSLAB_MAX"
echo "$saved_printk" >/proc/sys/kernel/printk
dmesg >/tmp/failslab.dmesg
echo "# failslab_test took $(($(date +%s) - t0)) s"
echo "TAP version 13"
echo "1..1"
n=$(grep -cE "$BAD" /tmp/failslab.dmesg)
if [ "$n" -eq 0 ]; then
	echo "ok 1 - kernel log during the failure injection: no report ($(grep -cE 'page allocation failure|vmalloc error' /tmp/failslab.dmesg) allocation-failure warnings, expected)"
else
	echo "not ok 1 - kernel log during the failure injection: $n report line(s)"
	grep -m3 -B2 -A30 -E "$BAD" /tmp/failslab.dmesg | sed 's/^/# /'
fi

# The whole kernel test suite; it ends by unloading both modules.
BIOUNIT_SKIP_SHORT_DEBUG=1 ./kernel-run.sh

# kmemleak: objects are reported once they are 5 s old and found unreferenced by a scan.
echo "TAP version 13"
echo "1..1"
if [ -w $KML ]; then
	sleep 6
	echo scan >$KML
	sleep 1
	echo scan >$KML
	cat $KML >/tmp/kmemleak.txt
	# One known kernel leak is told apart by its allocation backtrace: 6.12's gpiolib frees
	# a requested line's label only while the chip is there (gpiod_free_commit() skips
	# desc_set_label(NULL) once the chip is removed, and gpiodev_release() frees no labels),
	# so each line still held when its chip goes leaks its label (README, "The debug
	# kernel"). The desk gpiochip's tests unplug it with lines held on purpose. A second:
	# when device_register() fails in __video_register_device() (V4L2's core, 6.12), it
	# unwinds without put_device(), so the node's name ("videoN", from dev_set_name()) is
	# never freed; failslab_test fails that allocation on purpose (docs/v4l2.md). Every other
	# object fails the test.
	awk -v other=/tmp/kmemleak.other '
		function emit() {
			if (blk == "") return
			if (blk ~ /desc_set_label/ && blk ~ /gpiod_request_commit/) known++
			else if (blk ~ /dev_set_name/ && blk ~ /__video_register_device/) vknown++
			else { n++; printf "%s", blk > other }
			blk = ""
		}
		/^unreferenced object/ { emit() }
		{ if ($0 ~ /^unreferenced object/ || blk != "") blk = blk $0 "\n" }
		END { emit(); printf "%d %d %d\n", n, known, vknown }' /tmp/kmemleak.txt >/tmp/kmemleak.count
	read -r n known vknown </tmp/kmemleak.count
	if [ "$n" -eq 0 ]; then
		echo "ok 1 - kmemleak: no unreferenced object after all tests and module unload ($known gpio line labels of 6.12's known leak, $vknown video node names of V4L2's)"
	else
		echo "not ok 1 - kmemleak: $n unreferenced object(s) ($known more of 6.12's known gpio label leak, $vknown of V4L2's video node names)"
		head -n 120 /tmp/kmemleak.other | sed 's/^/# /'
	fi
else
	echo "ok 1 - kmemleak # SKIP not in this kernel"
fi
