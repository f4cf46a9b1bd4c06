#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs the kernel tests in a VM on each kernel:
#   tests/vm/check-vm.sh [KREL...]          (default: scripts/kernels.sh)
# - builds the payload: make -C tests/kernel O=build/kernel-tests KSFT_INC=<kselftest headers>
#   (the payload is that directory; its run.sh runs the tests). Without tests/kernel/Makefile the
#   smoke payload tests/vm/smoke/ is used (load and unload our modules) and a SKIP is recorded.
# - boots each kernel with our modules from build/kmod/KREL/ko/:
#   TAP  build/tap/vm-KREL.tap, console build/vm/KREL/console.log
# Env: VM_TIMEOUT (seconds, default 600), VM_MEM (default 1G).
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
		make -C "$ROOT/tests/kernel" O="$payload" KSFT_INC="$KSFT_INC" &&
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

rc=0
for k in "${krels[@]}"; do
	mods=$BUILD/kmod/$k/ko
	mkdir -p "$mods" "$BUILD/vm/$k"
	echo "check-vm: booting $k with $(find "$mods" -name '*.ko' | wc -l) module(s) of ours, payload $payload" >&2
	"$ROOT/tests/vm/run-vm.sh" --krel "$k" --modules "$mods" --payload "$payload" \
		--tap "$TAPDIR/vm-$k.tap" --console "$BUILD/vm/$k/console.log" \
		--timeout "${VM_TIMEOUT:-600}" --mem "${VM_MEM:-1G}" || rc=1
done
exit $rc
