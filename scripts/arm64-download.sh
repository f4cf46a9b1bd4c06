#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Downloads Debian arm64 packages without installing them, for the device-tree checks:
#   scripts/arm64-download.sh OUTDIR PACKAGE...
# The host's dpkg has no arm64 architecture; a private apt state in the cache
# (${BIOUNIT_CACHE:-~/.cache/biounit}/apt-arm64) lists the same Debian archive the host's own apt
# configuration names (its bookworm suites: one-line sources.list and deb822 *.sources alike), so
# any mirror works and no address is written here; the host's own state is never touched.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 OUTDIR PACKAGE..." >&2; exit 2; }
out=$1
shift
CACHE=${BIOUNIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/biounit}
apt=$CACHE/apt-arm64
mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/etc" "$out"
touch "$apt/status"

# The host's source files, where apt itself looks for them
eval "$(apt-config shell etc Dir::Etc/d list Dir::Etc::sourcelist/f parts Dir::Etc::sourceparts/d)"
srcs=()
[ -f "${list:-}" ] && srcs+=("$list")
for f in "${parts:-/etc/apt/sources.list.d/}"*.list "${parts:-/etc/apt/sources.list.d/}"*.sources; do
	[ -f "$f" ] && srcs+=("$f")
done
# One line per Debian bookworm suite with its main component: "deb [arch=arm64 ...] URI SUITE main"
awk '
	function emit(uri, suites, comps, key,   i, ns, sv) {
		if (uri == "" || comps !~ /(^| )main( |$)/) return
		ns = split(suites, sv, " ")
		for (i = 1; i <= ns; i++) {
			if (sv[i] !~ /^bookworm(-updates|-security)?$/) continue
			line = "deb [arch=arm64" (key != "" ? " signed-by=" key : "") "] " uri " " sv[i] " main"
			if (!(line in seen)) { seen[line] = 1; print line }
		}
	}
	function flush() {
		if (types ~ /(^| )deb( |$)/ && enabled != "no") { n = split(uris, u, " "); for (j = 1; j <= n; j++) emit(u[j], suites, comps, key) }
		types = uris = suites = comps = key = enabled = ""
	}
	FNR == 1 { flush(); deb822 = FILENAME ~ /\.sources$/ }
	deb822 && /^[ \t]*$/ { flush(); next }
	deb822 && /^[A-Za-z-]+:/ {
		k = tolower($1); sub(/:$/, "", k); $1 = ""; v = $0; sub(/^ +/, "", v)
		if (k == "types") types = v; else if (k == "uris") uris = v; else if (k == "suites") suites = v
		else if (k == "components") comps = v; else if (k == "signed-by") key = v; else if (k == "enabled") enabled = tolower(v)
		next
	}
	!deb822 && $1 == "deb" {
		key = ""; i = 2
		if ($2 ~ /^\[/) {
			while (i <= NF) {
				o = $i; sub(/^\[/, "", o)
				if (o ~ /^signed-by=/) { key = o; sub(/^signed-by=/, "", key); sub(/\]$/, "", key) }
				if ($i ~ /\]$/) { i++; break }
				i++
			}
		}
		c = ""; for (j = i + 2; j <= NF; j++) c = c " " $j
		emit($i, $(i + 1), c, key)
	}
	END { flush() }' "${srcs[@]}" >"$apt/etc/sources.list"
[ -s "$apt/etc/sources.list" ] || {
	echo "$0: the host's apt sources (${srcs[*]:-none}) name no Debian bookworm archive with main" >&2
	exit 1
}
o=(-o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o "Dir::State::Lists=$apt/lists"
	-o "Dir::State::status=$apt/status" -o "Dir::Cache=$apt" -o "Dir::Cache::archives=$apt/archives"
	-o "Dir::Etc::SourceList=$apt/etc/sources.list" -o Dir::Etc::SourceParts=/nonexistent
	-o APT::Sandbox::User=root)
cd "$out"
# Lists older than the archive's current packages fail the download: update once and retry.
apt-get "${o[@]}" download "$@" || { apt-get "${o[@]}" update && apt-get "${o[@]}" download "$@"; }
