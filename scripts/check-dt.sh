#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Device-tree checks, as one TAP block on stdout:   scripts/check-dt.sh
# - yamllint and dt-doc-validate on every binding in docs/devicetree/bindings/
# - dt-mk-schema: our bindings + the kernel schemas they reference (from linux-source-6.1) + dt-schema's
#   core schemas -> build/dt/processed-schema.json
# - the bindings' examples: dt-extract-example, cpp, dtc, dt-validate
# - each dts/*.dtso: `dtc -@ -I dts -O dtb` prints nothing (no warning); the template compiles only
# - each overlay is applied with fdtoverlay to every base DTB its `biounit-base:` line names, taken
#   from Debian's arm64 kernel package linux-image-KREL-arm64 (KREL: the newest kernel of
#   scripts/kernels.sh, or BIOUNIT_DT_KREL); the merged tree passes dt-validate -l ind,biounit,
#   keeps the unit node, and its camera endpoint links back from the CSI-2 receiver
# - dt-validate rejects a broken property (a merged tree with the scanner at 400 ppi)
# The arm64 package is downloaded, never installed: a private apt state (arm64 package lists only) in
# ${BIOUNIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/biounit}/apt-arm64/ leaves the host's dpkg
# architectures alone; the DTBs go to .../dtbs/KREL-arm64/. Whole-board validation against every
# upstream schema is not done: those schemas are not in Debian's dt-schema package.
# Logs go to build/dt/. Exit status 1 if anything is `not ok`.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
OUT=$BUILD/dt
CACHE=${BIOUNIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/biounit}
BINDINGS=$ROOT/docs/devicetree/bindings
mkdir -p "$OUT"
cd "$ROOT"

# shellcheck source=scripts/tap.sh
. "$ROOT/scripts/tap.sh"
# Runs a command whose any output is a failure: check_quiet LOG DESCRIPTION CMD...
check_quiet() {
	local log=$1 desc=$2
	shift 2
	if "$@" >"$log" 2>&1 && [ ! -s "$log" ]; then
		tap_add ok "$desc"
		return 0
	fi
	sed 's/^/# /' "$log" | head -n 20 >&2
	tap_add fail "$desc" "$(head -n1 "$log") (log: $log)"
	return 1
}

for t in dtc fdtoverlay fdtget dt-doc-validate dt-mk-schema dt-validate dt-extract-example; do
	if ! command -v $t >/dev/null; then
		tap_add fail "device-tree tools installed" "$t missing (scripts/deps.sh: device-tree-compiler, dt-schema)"
		tap_finish
	fi
done

mapfile -t schemas < <(find "$BINDINGS" -name '*.yaml' | sort)
[ ${#schemas[@]} -gt 0 ] || { tap_add fail "bindings exist" "no $BINDINGS/**/*.yaml"; tap_finish; }

# ---- kernel schemas our bindings $ref, and the dt-bindings headers for the examples --------------
KB=$OUT/linux-bindings
KFILES=(media/video-interfaces.yaml input/touchscreen/touchscreen.yaml)
TARBALL=${BIOUNIT_LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
want="$(stat -c '%n %s %Y' "$TARBALL" 2>/dev/null || echo none) ${KFILES[*]}"
if [ ! -f "$KB/.stamp" ] || [ "$(cat "$KB/.stamp")" != "$want" ]; then
	rm -rf "$KB" && mkdir -p "$KB"
	top=$(basename "$TARBALL" .tar.xz)
	if tar -xJf "$TARBALL" -C "$KB" --strip-components=4 \
		"${KFILES[@]/#/$top/Documentation/devicetree/bindings/}" 2>"$OUT/linux-bindings.log"; then
		echo "$want" >"$KB/.stamp"
	fi
fi
if [ -f "$KB/.stamp" ]; then
	tap_add ok "kernel schemas ${KFILES[*]} from $(basename "$TARBALL")"
else
	tap_add fail "kernel schemas from $TARBALL" "$(head -n1 "$OUT/linux-bindings.log")"
fi
DTB_INC=$(find /usr/src -maxdepth 3 -path '*/linux-headers-*-common/include' -type d | sort -V | head -n1)

# Our bindings and the kernel's, in one tree (dt-doc-validate and dt-mk-schema search it).
SCHEMAS=$OUT/schemas
rm -rf "$SCHEMAS" && mkdir -p "$SCHEMAS"
cp -r "$BINDINGS"/. "$SCHEMAS"/
[ -f "$KB/.stamp" ] && (cd "$KB" && cp --parents "${KFILES[@]}" "$SCHEMAS"/)

# ---- the bindings ---------------------------------------------------------------------------------
for s in "${schemas[@]}"; do
	rel=${s#"$ROOT"/}
	if command -v yamllint >/dev/null; then
		check_quiet "$OUT/yamllint.log" "yamllint $rel" \
			yamllint -f parsable -d '{extends: relaxed, rules: {line-length: {max: 110}}}' "$s" || true
	else
		tap_add skip "yamllint $rel" "yamllint not installed"
	fi
	# dt-doc-validate takes one search path: validate the copy in the combined tree.
	check_quiet "$OUT/doc-validate.log" "dt-doc-validate $rel" \
		dt-doc-validate -u "$SCHEMAS" "$SCHEMAS/${s#"$BINDINGS"/}" || true
done

SCHEMA=$OUT/processed-schema.json
if ! check_quiet "$OUT/mk-schema.log" "dt-mk-schema: our bindings, kernel and core schemas" \
	dt-mk-schema -j -o "$SCHEMA" "$SCHEMAS"; then
	tap_finish
fi

# dt_validate LOG DESCRIPTION DTB: our schemas only (-l), any message is a failure.
dt_validate() {
	check_quiet "$1" "$2" dt-validate -s "$SCHEMA" -l ind, "$3"
}

for s in "${schemas[@]}"; do
	rel=${s#"$ROOT"/}
	b=$(basename "$s" .yaml)
	ex=$OUT/example-$b
	if dt-extract-example "$s" >"$ex.dts" 2>"$ex.log" &&
		cpp -P -nostdinc -undef -D__DTS__ -x assembler-with-cpp ${DTB_INC:+-I "$DTB_INC"} \
			"$ex.dts" -o "$ex.pp.dts" 2>>"$ex.log" &&
		dtc -@ -I dts -O dtb -o "$ex.dtb" "$ex.pp.dts" 2>>"$ex.log" && [ ! -s "$ex.log" ]; then
		dt_validate "$ex.validate.log" "the example of $rel compiles and passes dt-validate" "$ex.dtb" || true
	else
		tap_add fail "the example of $rel compiles" "$(head -n1 "$ex.log")"
	fi
done

# ---- Debian's arm64 DTBs --------------------------------------------------------------------------
KREL=${BIOUNIT_DT_KREL:-$("$ROOT/scripts/kernels.sh" | tail -n1 | sed 's/-amd64$/-arm64/')}
DTBS=$CACHE/dtbs/$KREL
get_dtbs() {
	[ -f "$DTBS/.stamp" ] && return 0
	local pkg=linux-image-$KREL dl deb
	dl=$(mktemp -d "${TMPDIR:-/tmp}/biounit-dtb.XXXXXX")
	"$ROOT/scripts/arm64-download.sh" "$dl" "$pkg" || { rm -rf "$dl"; return 1; }
	deb=$(find "$dl" -maxdepth 1 -name "${pkg}_*.deb" | head -n1)
	rm -rf "$DTBS" && mkdir -p "$DTBS"
	# Only the DTBs: usr/lib/linux-image-KREL/VENDOR/BOARD.dtb -> $DTBS/VENDOR/BOARD.dtb
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$DTBS" --strip-components=4 --wildcards \
		"./usr/lib/linux-image-$KREL/*.dtb" || { rm -rf "$dl"; return 1; }
	rm -rf "$dl"
	basename "$deb" >"$DTBS/.stamp"
}
if get_dtbs >"$OUT/dtbs.log" 2>&1; then
	tap_add ok "base DTBs from $(cat "$DTBS/.stamp") in $DTBS"
else
	tap_add fail "base DTBs from linux-image-$KREL" "see $OUT/dtbs.log"
fi

# ---- the overlays ---------------------------------------------------------------------------------
mapfile -t overlays < <(find dts -name '*.dtso' | sort)
[ ${#overlays[@]} -gt 0 ] || tap_add fail "overlays exist" "no dts/*.dtso"
for o in "${overlays[@]}"; do
	b=$(basename "$o" .dtso)
	dtbo=$OUT/$b.dtbo
	check_quiet "$OUT/$b.dtc.log" "$o compiles with dtc -@ without warnings" \
		dtc -@ -I dts -O dtb -o "$dtbo" "$o" || continue
	read -r -a bases < <(sed -n 's/^.*biounit-base:[[:space:]]*//p' "$o" | head -n1) || true
	if [ ${#bases[@]} -eq 0 ]; then
		tap_add skip "$o applies to its board" "no biounit-base: line (a template)"
		continue
	fi
	for base in "${bases[@]}"; do
		bb=$(basename "$base" .dtb)
		merged=$OUT/$b+$bb.dtb
		if [ ! -f "$DTBS/$base" ]; then
			tap_add fail "$o applies to $base" "$DTBS/$base missing"
			continue
		fi
		check_quiet "$OUT/$b+$bb.apply.log" "$o applies to Debian's $base with fdtoverlay" \
			fdtoverlay -i "$DTBS/$base" -o "$merged" "$dtbo" || continue
		dt_validate "$OUT/$b+$bb.validate.log" "$b on $bb passes dt-validate (ind,biounit schema)" \
			"$merged" || true
		# The graph is linked both ways: the receiver's endpoint points back at the camera's.
		cam=$(fdtget -t x "$merged" /biometrics-unit/camera/port/endpoint phandle 2>/dev/null || true)
		rx=$(fdtget -t x "$merged" /biometrics-unit/camera/port/endpoint remote-endpoint 2>/dev/null || true)
		# Leaf nodes (endpoints) in dtc's output: the remote-endpoint of the node whose phandle is rx.
		back=$(dtc -I dtb -O dts "$merged" 2>/dev/null | awk -v want="<0x$rx>;" '
			/{$/ { re = ""; ph = "" }
			$1 == "remote-endpoint" { re = $3 }
			$1 == "phandle" { ph = $3 }
			/^[[:space:]]*};$/ { if (ph == want) print re; re = ""; ph = "" }' |
			head -n1 | sed 's/^<0x\(.*\)>;$/\1/')
		if [ -n "$cam" ] && [ "$back" = "$cam" ]; then
			tap_add ok "$b on $bb: camera endpoint and CSI-2 receiver endpoint point at each other"
		else
			tap_add fail "$b on $bb: camera graph link" "camera 0x$cam -> 0x$rx -> 0x$back"
		fi
	done
done

# ---- dt-validate catches a broken unit description --------------------------------------------------
first=$(find "$OUT" -maxdepth 1 -name '*+*.dtb' | sort | head -n1)
if [ -n "$first" ]; then
	cp "$first" "$OUT/broken.dtb"
	fdtput -t u "$OUT/broken.dtb" /biometrics-unit/scanner resolution-ppi 400
	dt-validate -s "$SCHEMA" -l ind, "$OUT/broken.dtb" >"$OUT/broken.log" 2>&1 || true
	if grep -q 'resolution-ppi' "$OUT/broken.log"; then
		tap_add ok "dt-validate rejects scanner resolution-ppi = <400>"
	else
		tap_add fail "dt-validate rejects scanner resolution-ppi = <400>" "no message (see $OUT/broken.log)"
	fi
fi

tap_finish
