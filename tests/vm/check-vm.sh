#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs the kernel tests in a VM on each kernel:
#   tests/vm/check-vm.sh [KREL...]          (default: scripts/kernels.sh)
# - builds the payload: make -C tests/kernel O=build/kernel-tests KSFT_INC=<kselftest headers>
#   (the payload is that directory; its run.sh runs the tests), JOBS (default nproc) jobs at once,
#   with the userspace libraries of build/userspace and build/userspace-san (the same sources and
#   flags: what `make check` built there already is not built again). Without
#   tests/kernel/Makefile the smoke payload tests/vm/smoke/ is used (load and unload our modules) and a SKIP is recorded.
# - boots each kernel with our modules from build/kmod/KREL/ko/:
#   TAP  build/tap/vm-KREL.tap, console build/vm/KREL/console.log
# Env: VM_TIMEOUT (seconds, default 600), VM_MEM (default 1G), VM_JOBS (VMs at once, default nproc).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
TAPDIR=$BUILD/tap
KSFT_INC=$BUILD/linux-src/tools/testing/selftests
mkdir -p "$TAPDIR"

krels=("$@")
[ ${#krels[@]} -gt 0 ] || mapfile -t krels < <("$ROOT/scripts/kernels.sh")

payload=$BUILD/kernel-tests
if [ -f "$ROOT/tests/kernel/Makefile" ]; then
	if "$ROOT/scripts/tap-stage.sh" "$TAPDIR/vm-payload.tap" "$BUILD/log/kernel-tests.log" \
		"kernel test payload builds (tests/kernel)" \
		make -j"${JOBS:-$(nproc)}" -C "$ROOT/tests/kernel" O="$payload" KSFT_INC="$KSFT_INC" \
		LIB_O="$BUILD/userspace" LIB_SAN_O="$BUILD/userspace-san" &&
		[ -x "$payload/run.sh" ]; then
		:
	else
		[ -x "$payload/run.sh" ] || echo "# no $payload/run.sh after the build" >>"$TAPDIR/vm-payload.tap"
		echo "check-vm: the payload did not build; booting the smoke payload instead" >&2
		payload=$ROOT/tests/vm/smoke
	fi
else
	printf 'TAP version 13\n1..1\nok 1 - kernel test payload # SKIP no tests/kernel/Makefile yet (smoke payload used)\n' \
		>"$TAPDIR/vm-payload.tap"
	payload=$ROOT/tests/vm/smoke
fi

# How many TAP blocks the payload prints (one per test program, see tests/kernel/run.sh)
expect=0
if [ "$payload" = "$BUILD/kernel-tests" ]; then
	expect=$("$payload/run.sh" --expect-blocks)
fi

# The kernels boot side by side, VM_JOBS at a time (default: one per host CPU): TCG runs each VM's
# vCPUs in one host thread (tests/vm/run-vm.sh), so one VM keeps one host CPU busy.
jobs=${VM_JOBS:-$(nproc)}
boot() { # boot KREL: one VM, its messages into build/vm/KREL/run-vm.out
	local k=$1 mods=$BUILD/kmod/$1/ko
	mkdir -p "$mods" "$BUILD/vm/$k"
	echo "check-vm: booting $k with $(find "$mods" -name '*.ko' | wc -l) module(s) of ours, payload $payload" >&2
	"$ROOT/tests/vm/run-vm.sh" --krel "$k" --modules "$mods" --payload "$payload" \
		--tap "$TAPDIR/vm-$k.tap" --console "$BUILD/vm/$k/console.log" --expect-blocks "$expect" \
		--timeout "${VM_TIMEOUT:-600}" --mem "${VM_MEM:-1G}" >"$BUILD/vm/$k/run-vm.out" 2>&1
}
rc=0
pids=() names=()
for k in "${krels[@]}"; do
	rm -f "$TAPDIR/vm-$k.tap"
	boot "$k" &
	pids+=($!) names+=("$k")
	if [ ${#pids[@]} -ge "$jobs" ]; then
		wait "${pids[0]}" || rc=1
		cat "$BUILD/vm/${names[0]}/run-vm.out" >&2
		pids=("${pids[@]:1}") names=("${names[@]:1}")
	fi
done
for i in "${!pids[@]}"; do
	wait "${pids[$i]}" || rc=1
	cat "$BUILD/vm/${names[$i]}/run-vm.out" >&2
done
exit $rc
