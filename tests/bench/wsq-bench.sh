#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The WSQ benchmark of issue 9 (`make bench`):
#   tests/bench/wsq-bench.sh [DATA_DIR]
# Builds the userspace libraries (build/userspace) and tests/bench/wsq_bench.c
# into build/bench/, runs it on one core (taskset -c 0) and prints the table:
# encode and decode time per fingerprint at 0.75 and 2.25 bpp (mean, median,
# p95 in ms and per megapixel) over the prints of DATA_DIR, default
# ../shared/data/fingerprints, or over generated 500 ppi prints when that is
# absent; the first line of the table says which. The table is also written
# to build/bench/wsq.txt.
# Env: BENCH_SYNTH=N (generated prints when there is no data set, default 60),
#      BENCH_NO_DATA=1 (use generated prints even when the data set is there).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
OUT=$BUILD/bench
LIBO=$BUILD/userspace
DATA=${1:-$(cd "$ROOT/.." && pwd)/shared/data/fingerprints}
[ "${BENCH_NO_DATA:-0}" = 1 ] && DATA=

make -s -C "$ROOT/userspace" O="$LIBO" "$LIBO/libwsq.a" "$LIBO/libimage.a" "$LIBO/libutil.a" >&2
mkdir -p "$OUT"
${CC:-cc} -O2 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$ROOT/userspace" -I"$ROOT/userspace/include" \
	-o "$OUT/wsq_bench" "$ROOT/tests/bench/wsq_bench.c" \
	"$LIBO/libwsq.a" "$LIBO/libimage.a" "$LIBO/libutil.a" -ljpeg -lpng -lm

pin=()
if command -v taskset >/dev/null && taskset -c 0 true 2>/dev/null; then
	pin=(taskset -c 0)
fi
{
	echo "# biounit WSQ bench, $(date -u +%Y-%m-%dT%H:%MZ), $(uname -m)," \
		"$(nproc) cores, ${pin[*]:-not pinned}, load $(cut -d' ' -f1-3 /proc/loadavg)"
	"${pin[@]}" "$OUT/wsq_bench" "${DATA:+$DATA}" "${BENCH_SYNTH:-60}"
} | tee "$OUT/wsq.txt.tmp"
rc=${PIPESTATUS[0]}
mv "$OUT/wsq.txt.tmp" "$OUT/wsq.txt"
echo "written to $OUT/wsq.txt" >&2
exit "$rc"
