#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make eval: builds tests/eval/face-eval against the userspace libraries and
# runs it over ../shared/data/faces (or $FACE_DATA) on the held-out split
# (or $FACE_SPLIT: tune, report, all). Skips quietly when the data set is absent.
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
data=${FACE_DATA:-$top/../shared/data/faces}
out=${O:-$top/build/userspace}
if [ ! -f "$data/labels.csv" ]; then
	echo "face-eval: no labelled set at $data, skipped"
	exit 0
fi
make -s -C "$top/userspace" O="$out" all >/dev/null
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I"$top/userspace" -I"$top/userspace/include" \
	-o "$out/face-eval" "$top/tests/eval/face-eval.c" \
	"$out/libface.a" "$out/libimage.a" "$out/libutil.a" -ljpeg -lpng -lm
exec "$out/face-eval" "$data" --split "${FACE_SPLIT:-report}" "$@"
