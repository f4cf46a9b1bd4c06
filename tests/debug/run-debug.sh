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
	n=$(grep -c 'unreferenced object' /tmp/kmemleak.txt)
	if [ "$n" -eq 0 ]; then
		echo "ok 1 - kmemleak: no unreferenced object after all tests and module unload"
	else
		echo "not ok 1 - kmemleak: $n unreferenced object(s)"
		head -n 120 /tmp/kmemleak.txt | sed 's/^/# /'
	fi
else
	echo "ok 1 - kmemleak # SKIP not in this kernel"
fi
