#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Extracts from Debian's linux-source-6.1 tarball only the files biounit's tests use, into
# build/linux-src/ (or $1): kselftest_harness.h + kselftest.h, checkpatch.pl and its data files,
# kernel-doc.
# Idempotent: a stamp records the tarball it came from.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/build/linux-src}
TARBALL=${BIOUNIT_LINUX_SOURCE:-}
if [ -z "$TARBALL" ]; then
	TARBALL=$(find /usr/src -maxdepth 1 -name 'linux-source-6.1.tar.xz' | head -n1)
fi
if [ -z "$TARBALL" ] || [ ! -f "$TARBALL" ]; then
	echo "linux-src.sh: /usr/src/linux-source-6.1.tar.xz not found (run scripts/deps.sh)" >&2
	exit 1
fi

FILES=(
	tools/testing/selftests/kselftest_harness.h
	tools/testing/selftests/kselftest.h
	scripts/checkpatch.pl
	scripts/spelling.txt
	scripts/const_structs.checkpatch
	scripts/kernel-doc
)

stamp=$OUT/.stamp
want="$(stat -c '%n %s %Y' "$TARBALL") ${FILES[*]}"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	exit 0
fi

# The tarball's top directory is named after it: linux-source-6.1/.
top=$(basename "$TARBALL" .tar.xz)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "linux-src.sh: extracting ${#FILES[@]} files from $TARBALL"
tar -xJf "$TARBALL" -C "$tmp" "${FILES[@]/#/$top/}"
rm -rf "$OUT"
mkdir -p "$OUT"
cp -a "$tmp/$top/." "$OUT/"
chmod +x "$OUT/scripts/checkpatch.pl" "$OUT/scripts/kernel-doc"
echo "$want" >"$stamp"
echo "linux-src.sh: done -> $OUT"
