#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-debug`: the whole kernel test suite plus the full ioctl fuzzer, unplug soak and
# allocation failure injection in a KASAN/lockdep/kmemleak kernel (scripts/debug-kernel.sh).
#   tests/debug/check-debug.sh
# Steps, each a TAP file in build/tap-debug/: packages (deps.sh debug), the debug kernel (built
# once, cached), our modules built against it, the payload (tests/kernel + tests/debug), one VM
# run (tests/vm/run-vm.sh; console in build/debug/console.log), and a scan of the console for
# reports of KASAN, lockdep, the atomic-sleep checker, DEBUG_OBJECTS, list debugging, UBSAN and
# kmemleak (kmemleak's own count line, "suspected memory leaks", is left to the VM's filtered
# scan in run-debug.sh, which knows one kernel leak by its backtrace). Ends with the `N passed, N failed` line of tests/tap-summary.sh.
# Env: FUZZ_CALLS (100000), FUZZ_SEED (random), SOAK_CYCLES (100), FAILSLAB_MAX (600),
#      DEBUG_VM_TIMEOUT (3600 s), DEBUG_VM_MEM (2G).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
TAPDIR=$BUILD/tap-debug
OUT=$BUILD/debug
KSFT_INC=$BUILD/linux-src/tools/testing/selftests
STAGE=$ROOT/scripts/tap-stage.sh
rm -rf "$TAPDIR" && mkdir -p "$TAPDIR" "$OUT" "$BUILD/log"

summary() {
	echo '==== summary (check-debug) ===='
	"$ROOT/tests/tap-summary.sh" "$TAPDIR"/*.tap
	exit $?
}
elapsed() { echo $(($(date +%s) - $1)); }

t_all=$(date +%s)
"$STAGE" "$TAPDIR/01-deps.tap" "$BUILD/log/debug-deps.log" "packages for check-debug (deps.sh debug)" \
	"$ROOT/scripts/deps.sh" debug || summary
"$STAGE" "$TAPDIR/02-linux-src.tap" "$BUILD/log/debug-linux-src.log" "kselftest headers" \
	"$ROOT/scripts/linux-src.sh" || summary

t=$(date +%s)
if "$STAGE" "$TAPDIR/03-kernel.tap" "$BUILD/log/debug-kernel.log" "debug kernel (scripts/debug-kernel.sh build)" \
	"$ROOT/scripts/debug-kernel.sh" build; then
	# its last line: KREL and the build tree
	read -r KREL KDIR < <(tail -n1 "$BUILD/log/debug-kernel.log")
	echo "check-debug: kernel $KREL ready in $(elapsed "$t") s ($(grep -h 'built in\|reusing' "$BUILD/log/debug-kernel.log" | tail -n1))"
else
	summary
fi

# Our modules against the debug kernel (W=1; a warning is recorded but the modules are used).
"$STAGE" "$TAPDIR/04-modules.tap" "$BUILD/log/debug-modules.log" "modules build against $KREL" \
	"$ROOT/scripts/kmod.sh" build "$KDIR" "$BUILD/kmod/debug"
compgen -G "$BUILD/kmod/debug/ko/*.ko" >/dev/null || summary

# The payload: tests/kernel (its run.sh becomes kernel-run.sh) + tests/debug, run-debug.sh as run.sh.
payload=$OUT/payload
rm -rf "$payload" && mkdir -p "$payload"
if "$STAGE" "$TAPDIR/05-payload.tap" "$BUILD/log/debug-payload.log" "debug payload builds (tests/kernel, tests/debug)" \
	bash -c "make -C '$ROOT/tests/kernel' O='$OUT/kernel-tests' KSFT_INC='$KSFT_INC' &&
		 make -C '$ROOT/tests/debug' O='$OUT/debug-tests' KSFT_INC='$KSFT_INC'"; then
	cp -a "$OUT/kernel-tests/." "$payload/"
	mv "$payload/run.sh" "$payload/kernel-run.sh"
	cp -a "$OUT/debug-tests/." "$payload/"
	mv "$payload/run-debug.sh" "$payload/run.sh"
	{
		echo "FUZZ_CALLS=${FUZZ_CALLS:-100000}"
		echo "FUZZ_SEED=${FUZZ_SEED:-}"
		echo "SOAK_CYCLES=${SOAK_CYCLES:-100}"
		echo "FAILSLAB_MAX=${FAILSLAB_MAX:-600}"
	} >"$payload/params.sh"
else
	summary
fi

# evdev, through which the input tests read the unit's input devices: localmodconfig left
# INPUT_EVDEV out of this kernel (changing its fragment means a ~95 min rebuild), but its input
# core is built in, so evdev.c of the kernel's own source builds out of tree against it and goes
# into the VM with our modules. Only if that fails may the VM lack evdev (the input tests then
# skip, tests/kernel/tap.sh need_evdev), and this stage's `not ok` keeps the run red.
if [ -f "$KDIR/.config" ] && ! grep -q '^CONFIG_INPUT_EVDEV=' "$KDIR/.config"; then
	evd=$BUILD/kmod/debug-evdev
	if "$STAGE" "$TAPDIR/04b-evdev.tap" "$BUILD/log/debug-evdev.log" \
		"evdev.ko from $KREL's source (its config leaves INPUT_EVDEV out)" \
		bash -c "grep -q '^CONFIG_INPUT=y' '$KDIR/.config' &&
			 rm -rf '$evd' && mkdir -p '$evd' &&
			 cp '$KDIR/source/drivers/input/evdev.c' '$KDIR/source/drivers/input/input-compat.h' '$evd/' &&
			 echo 'obj-m := evdev.o' >'$evd/Kbuild' &&
			 make -C '$KDIR' M='$evd' W=1 modules &&
			 ! grep -q 'warning:' '$BUILD/log/debug-evdev.log' &&
			 cp '$evd/evdev.ko' '$BUILD/kmod/debug/ko/'"; then
		:
	else
		export BIOUNIT_VM_NO_EVDEV=1
	fi
fi

t=$(date +%s)
console=$OUT/console.log
"$ROOT/tests/vm/run-vm.sh" --krel "$KREL" --modules "$BUILD/kmod/debug/ko" --payload "$payload" \
	--tap "$TAPDIR/06-vm-debug.tap" --console "$console" --timeout "${DEBUG_VM_TIMEOUT:-3600}" \
	--mem "${DEBUG_VM_MEM:-2G}"
echo "check-debug: VM run took $(elapsed "$t") s"

# Reports in the console, with their first lines.
BAD='BUG:|WARNING:|Oops|KASAN|UBSAN|ODEBUG|possible circular locking|possible recursive locking|inconsistent lock state|bad unlock balance|lock held when returning|DEBUG_LOCKS_WARN_ON|sleeping function called from invalid context|list_(add|del) corruption|refcount_t|general protection|unreferenced object|kobject.*(not initialized|already)'
{
	echo "TAP version 13"
	echo "1..1"
	n=$(grep -cE "$BAD" "$console" || true)
	if [ "$n" -eq 0 ]; then
		echo "ok 1 - debug kernel console: no KASAN, lockdep, atomic-sleep, ODEBUG, list, UBSAN or kmemleak report"
	else
		echo "not ok 1 - debug kernel console: $n report line(s), first: $(grep -m1 -E "$BAD" "$console" | sed -E 's/^\[ *[0-9.]+\] //' | tr -d '#' | cut -c1-120)"
		grep -m5 -A25 -E "$BAD" "$console" | sed 's/^/# /'
	fi
} >"$TAPDIR/07-console-scan.tap"
cat "$TAPDIR/07-console-scan.tap"
grep -hE '^# (FUZZ|SOAK|FAILSLAB)-SUMMARY' "$TAPDIR/06-vm-debug.tap" || true
echo "check-debug: total $(elapsed "$t_all") s"
summary
