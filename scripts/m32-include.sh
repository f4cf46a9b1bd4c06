#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prints an include directory that lets `gcc -m32` find <asm/...> on a Debian amd64 host.
# Debian's gcc-multilib metapackage provides /usr/include/asm for that, but it conflicts with
# every cross compiler (gcc-aarch64-linux-gnu, needed by the arm64 device-tree VM test); we
# depend on gcc-12-multilib instead, which does not, and point asm at the x86 uapi headers
# (one set for i386 and x86_64) from a directory of our own: build/m32-include.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$ROOT/build/m32-include}
mkdir -p "$dir"
[ -e "$dir/asm" ] || ln -s "/usr/include/$(gcc -print-multiarch)/asm" "$dir/asm"
echo "$dir"
