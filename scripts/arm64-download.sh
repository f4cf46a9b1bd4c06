#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Downloads Debian arm64 packages without installing them, for the device-tree checks:
#   scripts/arm64-download.sh OUTDIR PACKAGE...
# The host's dpkg has no arm64 architecture; a private apt state in the cache
# (${BIOUNIT_CACHE:-~/.cache/biounit}/apt-arm64) lists the Debian archive only (bookworm and
# its security suite), so the host's own sources and state are never touched.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 OUTDIR PACKAGE..." >&2; exit 2; }
out=$1
shift
CACHE=${BIOUNIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/biounit}
apt=$CACHE/apt-arm64
mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/etc" "$out"
touch "$apt/status"
printf '%s\n' 'deb http://deb.debian.org/debian bookworm main' \
	'deb http://deb.debian.org/debian-security bookworm-security main' >"$apt/etc/sources.list"
o=(-o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o "Dir::State::Lists=$apt/lists"
	-o "Dir::State::status=$apt/status" -o "Dir::Cache=$apt" -o "Dir::Cache::archives=$apt/archives"
	-o "Dir::Etc::SourceList=$apt/etc/sources.list" -o Dir::Etc::SourceParts=/nonexistent
	-o APT::Sandbox::User=root)
cd "$out"
# Lists older than the archive's current packages fail the download: update once and retry.
apt-get "${o[@]}" download "$@" || { apt-get "${o[@]}" update && apt-get "${o[@]}" download "$@"; }
