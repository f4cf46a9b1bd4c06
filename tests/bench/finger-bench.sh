#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The fingerprint and signature benchmark of issue 6 (`make bench`):
#   tests/bench/finger-bench.sh [DATA_DIR]
# Builds the userspace libraries (build/userspace) and tests/bench/finger_bench.c
# into build/bench/, runs it on one core (taskset -c 0) and prints the table: time
# per fingerprint (biounit_finger_assess(), median and p95 over the prints of
# DATA_DIR, default ../shared/data/fingerprints, or over generated 500 ppi prints
# when that is absent; the first line of the table says which) and per signature
# (parse, check, render). The table is also written to build/bench/finger.txt.
# Env: BENCH_SYNTH=N (generated prints when there is no data set, default 60),
#      BENCH_NO_DATA=1 (use generated prints even when the data set is there).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
OUT=$BUILD/bench
LIBO=$BUILD/userspace
DATA=${1:-$(cd "$ROOT/.." && pwd)/shared/data/fingerprints}
[ "${BENCH_NO_DATA:-0}" = 1 ] && DATA=

make -s -C "$ROOT/userspace" O="$LIBO" all >&2
mkdir -p "$OUT"
${CC:-cc} -O2 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$ROOT/userspace" -I"$ROOT/userspace/include" \
	-o "$OUT/finger_bench" "$ROOT/tests/bench/finger_bench.c" \
	"$LIBO/libfinger.a" "$LIBO/libsignature.a" "$LIBO/libimage.a" "$LIBO/libutil.a" -ljpeg -lpng -lm

pin=()
if command -v taskset >/dev/null && taskset -c 0 true 2>/dev/null; then
	pin=(taskset -c 0)
fi
{
	echo "# biounit finger/signature bench, $(date -u +%Y-%m-%dT%H:%MZ), $(uname -m)," \
		"$(nproc) cores, ${pin[*]:-not pinned}, load $(cut -d' ' -f1-3 /proc/loadavg)"
	"${pin[@]}" "$OUT/finger_bench" "${DATA:+$DATA}" "${BENCH_SYNTH:-60}"
} | tee "$OUT/finger.txt.tmp"
rc=${PIPESTATUS[0]}
mv "$OUT/finger.txt.tmp" "$OUT/finger.txt"
echo "written to $OUT/finger.txt" >&2
exit "$rc"
