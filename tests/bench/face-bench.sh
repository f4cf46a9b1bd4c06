#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The face-check benchmark of issue 5 (for `make bench`):
#   tests/bench/face-bench.sh [--runs N]
# Builds the userspace libraries (O=build/userspace) and tests/bench/face_bench.c,
# then runs it on one core (taskset -c ${BENCH_CPU:-0}): model load time (cold
# parse of dlib's .dat and via the compact cache), the preview check of a 640x480
# frame, the full check of an 8-megapixel still and the unit's pipeline on it
# (frame -> check -> crop -> check), median over >= 20 runs after a warm-up; for
# the checks also the median of the thread's CPU time ("cpu med": the cost on one
# core when other work on a shared host takes the core away and the wall time grows).
# Images: a committed camera frame (tests/fixtures/faces, CC BY 4.0) and
# python3-skimage's chelsea.png, scaled by the program (not ../shared).
# Prints the table and writes it to build/bench/face.txt.
# Exit: 0 done, 2 setup error (missing packages: python3-skimage, opencv-data,
# libdlib-data, libjpeg-dev, libpng-dev, util-linux for taskset).
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
out=$build/userspace
cpu=${BENCH_CPU:-0}

make -s -C "$top/userspace" O="$out" all >/dev/null || { echo "face-bench: build failed" >&2; exit 2; }
mkdir -p "$build/bench"
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -I"$top/userspace" -I"$top/userspace/include" \
	-DFACE_FIXTURE="\"$top/tests/fixtures/faces/london-010-camera-frame.jpg\"" \
	-o "$build/bench/face_bench" "$top/tests/bench/face_bench.c" \
	"$out/libface.a" "$out/libimage.a" "$out/libutil.a" -ljpeg -lpng -lm ||
	{ echo "face-bench: cannot build face_bench" >&2; exit 2; }

pin=""
if command -v taskset >/dev/null 2>&1; then
	pin="taskset -c $cpu"
else
	echo "face-bench: taskset not found, not pinned to one core" >&2
fi
tmp=$build/bench/face.txt.tmp
{
	# The detector scans 8 windows at a time with AVX2, else 4 (SSE2): say which.
	simd=sse2
	grep -qw avx2 /proc/cpuinfo 2>/dev/null && simd=avx2
	echo "# face-bench $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -m), $(nproc) cores," \
		"pinned: ${pin:-no}; $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //');" \
		"detector scan: $simd"
	$pin "$build/bench/face_bench" "$@"
} > "$tmp" || { cat "$tmp"; rm -f "$tmp"; echo "face-bench: face_bench failed" >&2; exit 2; }
mv "$tmp" "$build/bench/face.txt"
cat "$build/bench/face.txt"
