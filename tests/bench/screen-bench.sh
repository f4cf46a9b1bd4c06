#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The applicant's screen's benchmark of issue 17 (for `make bench`):
#   tests/bench/screen-bench.sh [--frames N]
# Builds the userspace libraries (O=build/userspace) and tests/bench/screen_bench.c, then runs
# it on one core (taskset -c ${BENCH_CPU:-0}): the preview per displayed frame at 1280x800 (the
# preview check on every frame, the scene, the copy into the scan-out buffer), a camera frame's
# way to the screen in biounitd (the scene and the copy; the check runs on its own thread) and
# pen sample to ink (docs/screen.md). Then the latency on a real KMS device: biounitd's own session in the VM
# on QEMU's bochs-display (tests/vm/screen/check-screen.sh with SCREEN_VM_PARTS=session, the
# newest kernel or SCREEN_BENCH_KREL; SCREEN_BENCH_VM=0 leaves it out), camera frame to page
# flip and pen sample to page flip as biounitd measures them (docs/screen.md, "Latency").
# Prints the table and writes it to build/bench/screen.txt.
# Exit: 0 done, 1 the VM's session failed, 2 setup error.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
out=$build/userspace
cpu=${BENCH_CPU:-0}

make -s -C "$top/userspace" O="$out" all >/dev/null || { echo "screen-bench: build failed" >&2; exit 2; }
mkdir -p "$build/bench"
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -I"$top/userspace" -I"$top/userspace/include" \
	-DFACE_FIXTURE="\"$top/tests/fixtures/faces/london-010-camera-frame.jpg\"" \
	-o "$build/bench/screen_bench" "$top/tests/bench/screen_bench.c" \
	"$out/libscreen.a" "$out/libface.a" "$out/libsignature.a" "$out/libimage.a" "$out/libutil.a" \
	$(pkg-config --libs pangocairo pangoft2 cairo fontconfig) -ljpeg -lpng -lm ||
	{ echo "screen-bench: cannot build screen_bench" >&2; exit 2; }
pin=""
if command -v taskset >/dev/null 2>&1; then
	pin="taskset -c $cpu"
fi
tmp=$build/bench/screen.txt.tmp
{
	echo "# screen-bench $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -m), $(nproc) cores," \
		"pinned: ${pin:-no}; $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //')"
	$pin "$build/bench/screen_bench" "$@"
} >"$tmp" || { cat "$tmp"; rm -f "$tmp"; echo "screen-bench: screen_bench failed" >&2; exit 2; }
mv "$tmp" "$build/bench/screen.txt"
rc=0
if [ "${SCREEN_BENCH_VM:-1}" != 0 ]; then
	krel=${SCREEN_BENCH_KREL:-$("$top/scripts/kernels.sh" | tail -n1)}
	log=$build/bench/screen-vm.log
	SCREEN_VM_PARTS=session BUILD=$build "$top/tests/vm/screen/check-screen.sh" "$krel" >"$log" 2>&1 || rc=1
	{
		echo "# latency on a KMS display: biounitd's session in the VM ($krel, QEMU without KVM,"
		echo "# bochs-display 1280x800@75, one refresh 13.3 ms; from the input's CLOCK_MONOTONIC"
		echo "# timestamp to the page-flip event that shows it, as biounitd logs it)"
		if grep -q '^# LATENCY ' "$log"; then
			grep '^# LATENCY ' "$log" | sed 's/^# LATENCY [^ ]* /  /'
		else
			echo "  none measured: see $log"
			rc=1
		fi
		# the same session's photo step on vkms (a second card): biounitd's camera frames on
		# the plane path (zero-copy), then forced onto the CPU path, 60 Hz, one refresh 16.7 ms
		if grep -q '^# vkms: camera frames' "$log"; then
			echo "# the photo step on vkms 1024x768@60 (one refresh 16.7 ms), the camera at 640x480:"
			grep -h '^# vkms: camera frames' "$log" | sed 's/^# vkms: /  plane path (zero-copy): /'
			grep -h '^# cpu: camera frames' "$log" | sed 's/^# cpu: /  CPU path: /'
		fi
		[ $rc = 0 ] || echo "  the session VM failed: see $log"
	} >>"$build/bench/screen.txt"
fi
cat "$build/bench/screen.txt"
exit $rc
