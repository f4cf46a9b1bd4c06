#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The applicant's screen on a real KMS device in the VM, on each kernel (docs/screen.md):
#   [SCREEN_VM_DEVICE=virtio-gpu] [SCREEN_VM_LEGACY=1] tests/vm/screen/check-screen.sh [KREL...]
# QEMU's bochs-display (1280x800) with the kernel's bochs DRM driver (SCREEN_VM_DEVICE=virtio-gpu:
# virtio-gpu-pci and virtio-gpu, TAP in screen-vm-virtio-gpu-KREL.tap; SCREEN_VM_LEGACY=1: the
# legacy SetCrtc/PageFlip calls instead of atomic commits, TAP in screen-vm-legacy-KREL.tap);
# the payload (run.sh) runs
# biounit-screen: no display, the display, DRM master held by another process, a scripted
# session with a screendump of each scene, the display removed and added back. Each screendump
# must equal the same scene drawn into memory on the host, pixel for pixel. Then a second VM
# (bochs-display only) runs biounitd's own session on the simulated unit (session.sh; the host's
# session-check.py draws each state biounitd reported and compares its screendump with it; last,
# biounitd's photo step on vkms.ko, loaded beside the bochs display: the camera on its plane), and a
# third (vkms.sh, no display device) the zero-copy plane path on vkms.ko (scripts/vkms.sh): 6.12
# takes it, 6.1 composes on the CPU; SCREEN_VM_PARTS=vkms runs only that one.
# TAP into build/tap/screen-vm-KREL.tap (the VM's own TAP, then the comparisons); screendumps and
# the expected pictures in build/screen-vm/KREL/. Exit status 0 when every kernel passed.
# SCREEN_VM_JOBS: how many of the VMs run at once (default: two per host CPU).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
HERE=$ROOT/tests/vm/screen
BUILD=${BUILD:-$ROOT/build}
TAPDIR=$BUILD/tap
OUT=$BUILD/screen-vm
TOOL=$BUILD/userspace/bin/biounit-screen
FONTS=/usr/share/fonts/truetype/dejavu
[ -x "$TOOL" ] || { echo "check-screen: $TOOL missing (make userspace)" >&2; exit 2; }
krels=("$@")
[ ${#krels[@]} -gt 0 ] || mapfile -t krels < <("$ROOT/scripts/kernels.sh")
mkdir -p "$TAPDIR" "$OUT"

# the payload: the tool, the fonts, the scenes and what they show
payload=$OUT/payload
rm -rf "$payload"
mkdir -p "$payload/fonts"
cp "$HERE/run.sh" "$HERE/scenes.txt" "$HERE/one.txt" "$TOOL" "$payload/"
cp "$FONTS/DejaVuSans.ttf" "$FONTS/DejaVuSans-Bold.ttf" "$payload/fonts/"
cp "$ROOT/tests/fixtures/faces/london-008-camera-frame.jpg" "$payload/face.jpg"
cp "$ROOT/tests/userspace/fixtures/signature/good.sig" "$payload/pen.sig"

# the session's payload (session.sh): biounitd on the simulated unit, its session on the screen
KT=$BUILD/kernel-tests
spay=$OUT/session-payload
rm -rf "$spay"
mkdir -p "$spay/fonts" "$spay/models"
session=1
for f in "$BUILD/userspace/bin/biounitd" "$BUILD/userspace/bin/biounitctl" \
	"$BUILD/userspace/test-bin/biounitd" "$KT/scenes/.made"; do
	[ -e "$f" ] || { echo "check-screen: $f missing: the session VM fails" >&2; session=0; }
done
if [ $session = 1 ]; then
	install -m0755 "$HERE/session.sh" "$spay/run.sh"
	cp "$HERE/../biounitd-up.sh" "$spay/"
	cp "$BUILD/userspace/bin/biounitd" "$BUILD/userspace/bin/biounitctl" "$spay/"
	# the tests' build (its hooks): a slow preview check must not hold up the screen
	cp "$BUILD/userspace/test-bin/biounitd" "$spay/biounitd-test"
	cp "$payload"/fonts/*.ttf "$spay/fonts/"
	cp "$KT"/models/* "$spay/models/"
	cp "$KT/scenes/face-good.ppm" "$KT/scenes/finger-dry.pgm" "$KT/scenes/finger-good.pgm" "$spay/"
	# the pen script, then the pen in the air for 30 s: no replay while the screen is checked
	awk '{ print } $1 ~ /^[0-9]+$/ { t = $1; x = $2; y = $3 }
	     END { if (!t) exit 1; printf "%d %d %d 0\n", t + 30000000, x, y }' \
		"$KT/scenes/signature-good.txt" >"$spay/pen.txt"
	# the camera's scene: no face (the preview stays up), blue 128 everywhere (session-check.py
	# finds the preview by it), red across, green down, a light block top left: a mirror shows
	python3 - "$spay/pattern.ppm" <<'PY'
import sys
w, h = 1920, 1080
rows = []
for y in range(h):
    g = y * 255 // (h - 1)
    row = bytearray()
    for x in range(w):
        row += bytes((255, 255, 128) if x < 400 and y < 300 else (x * 255 // (w - 1), g, 128))
    rows.append(bytes(row))
with open(sys.argv[1], 'wb') as f:
    f.write(b'P6\n%d %d\n255\n' % (w, h) + b''.join(rows))
PY
fi

# the zero-copy payload (vkms.sh): vkms.ko of each kernel (scripts/vkms.sh), the tool, a 480x360
# frame that fits unscaled on vkms's 1024x768 (its planes do not scale)
zpay=$OUT/vkms-payload
rm -rf "$zpay"
mkdir -p "$zpay/fonts"
install -m0755 "$HERE/vkms.sh" "$zpay/run.sh"
cp "$HERE/zc.txt" "$TOOL" "$zpay/"
cp "$payload"/fonts/*.ttf "$zpay/fonts/"
python3 - "$zpay/frame.ppm" <<'PY'
import sys
w, h = 480, 360
px = bytearray()
for y in range(h):
    for x in range(w):
        px += bytes((250, 250, 200) if x < 120 and y < 90 else (x * 255 // (w - 1), y * 255 // (h - 1), 128))
with open(sys.argv[1], 'wb') as f:
    f.write(b'P6\n%d %d\n255\n' % (w, h) + px)
PY
cp "$zpay/frame.ppm" "$HERE/zc.txt" "$payload/"

# the same scenes drawn into memory here
rm -rf "$OUT/expected"
mkdir -p "$OUT/expected"
"$TOOL" render --ppm --size 1280x800 --out "$OUT/expected" "$payload/scenes.txt" >/dev/null
"$TOOL" render --ppm --size 1280x800 --out "$OUT/expected" "$payload/one.txt" >/dev/null

case ${SCREEN_VM_DEVICE:-bochs} in
bochs) dev=bochs-display module=bochs tag= ;;
virtio-gpu) dev=virtio-gpu-pci module=virtio-gpu tag=virtio-gpu- ;;
*) echo "check-screen: SCREEN_VM_DEVICE: bochs or virtio-gpu" >&2; exit 2 ;;
esac
# SCREEN_VM_PARTS=session: only biounitd's session (make bench-screen's latency), TAP in
# screen-vm-session-KREL.tap
parts=${SCREEN_VM_PARTS:-all}
case $parts in
all) ;;
session) tag=${tag}session- ;;
vkms) tag=${tag}vkms- ;;
*) echo "check-screen: SCREEN_VM_PARTS: all, session or vkms" >&2; exit 2 ;;
esac
legacy=
if [ "${SCREEN_VM_LEGACY:-0}" = 1 ]; then
	legacy=biounit_screen_legacy=1
	tag=${tag}legacy-
fi
# vm KREL DUMPS MODULES PAYLOAD TIMEOUT APPEND TAP CONSOLE LIVE: one VM with the display and
# QEMU's monitor; driver.py takes the screendumps (and hot-plugs) the payload asks for
vm() {
	local sock
	sock=$(mktemp -d /tmp/biounit-screen-vm.XXXXXX)
	BIOUNIT_QEMU_ARGS="-device $dev,id=disp,xres=1280,yres=800 \
-monitor unix:$sock/mon,server=on,wait=off" \
		python3 "$HERE/driver.py" --dumps "$2" --monitor "$sock/mon" --device "$dev" -- \
		"$ROOT/tests/vm/run-vm.sh" --live --krel "$1" --modules "$3" --payload "$4" \
		--vm-module "$module" --expect-blocks 1 --timeout "$5" --append "$6" --tap "$7" \
		--console "$8" >"$9" 2>&1 || true
	rm -rf "$sock"
}
# Each kernel's VMs (the bochs VM, the vkms VM, the session VM) are jobs that run
# SCREEN_VM_JOBS at a time (default: two per host CPU; TCG runs a VM in one host thread, and the
# VMs mostly sleep while the host takes screendumps: 17 % of a CPU each, measured), the session
# VMs first (the longest). The one timed check allows for it: the slow-check median in
# session.sh must stay under a third of 1.5 s (34-57 ms measured with all six VMs at once on 2
# cores); the latency figures only print.
vm_bochs() { # KREL: the scripted scenes, DRM master, hot-plug (run.sh)
	local k=$1 dir=$OUT/$tag$1
	vm "$k" "$dir/dumps" "$dir/no-modules" "$payload" 600 \
		"biounit_screen_module=$module $legacy" "$dir/vm.tap" "$dir/console.log" "$dir/live.out"
}
vm_vkms() { # KREL: the zero-copy plane path on vkms (no display device: vkms is the card)
	local k=$1 zdir=$OUT/$tag$1/vkms vk
	if vk=$("$ROOT/scripts/vkms.sh" "$k" 2>"$zdir/vkms-build.log"); then
		# vkms and our modules (the simulated unit's camera)
		rm -rf "$zdir/ko"
		mkdir -p "$zdir/ko"
		cp "$vk/vkms.ko" "$zdir/ko/"
		cp "$BUILD/kmod/$k/ko/"*.ko "$zdir/ko/" 2>/dev/null || true
		"$ROOT/tests/vm/run-vm.sh" --krel "$k" --modules "$zdir/ko" --payload "$zpay" \
			--expect-blocks 1 --timeout 300 --tap "$zdir/vm.tap" \
			--console "$zdir/console.log" >"$zdir/run.out" 2>&1 || true
	else
		printf '1..1\nnot ok 1 - %s: vkms.ko not built (%s)\n' "$k" \
			"$(tail -n1 "$zdir/vkms-build.log")" >"$zdir/vm.tap"
	fi
}
vm_session() { # KREL: the session driven by biounitd (session.sh), modules and command line below
	local k=$1 sdir=$OUT/$tag$1/session
	vm "$k" "$sdir/dumps" "${smods[$k]}" "$spay" 900 "${sappend[$k]}" "$sdir/vm.tap" \
		"$sdir/console.log" "$sdir/live.out"
}
sessions=() bochs=() vkms=()
declare -A smods=() sappend=()
for k in "${krels[@]}"; do
	dir=$OUT/$tag$k
	rm -rf "$dir"
	mkdir -p "$dir/dumps" "$dir/no-modules" "$dir/vkms" "$dir/session/dumps"
	# the kernel and its modules for the VM, once, before two of its VMs could fetch them at once
	"$ROOT/scripts/vm-kernel.sh" "$k" >/dev/null || true
	[ "$parts" != all ] || bochs+=("vm_bochs $k")
	if { [ "$parts" = all ] || [ "$parts" = vkms ]; } && [ "$dev" = bochs-display ] && [ -z "$legacy" ]; then
		vkms+=("vm_vkms $k")
	fi
	# the session driven by biounitd (bochs-display only, atomic or as SCREEN_VM_LEGACY says)
	if [ $session = 1 ] && [ "$dev" = bochs-display ] && [ "$parts" != vkms ]; then
		# and vkms.ko beside our modules: biounitd's photo step on its planes (session.sh's
		# last part; biounit_vkms=1 tells it vkms is there); built here, before the VMs start
		sdir=$dir/session
		smods[$k]=$BUILD/kmod/$k/ko
		sappend[$k]=$legacy
		if [ -z "$legacy" ] && vk=$("$ROOT/scripts/vkms.sh" "$k" 2>"$sdir/vkms-build.log"); then
			rm -rf "$sdir/ko"
			mkdir -p "$sdir/ko"
			cp "$vk/vkms.ko" "$sdir/ko/"
			cp "$BUILD/kmod/$k/ko/"*.ko "$sdir/ko/" 2>/dev/null || true
			smods[$k]=$sdir/ko
			sappend[$k]=biounit_vkms=1
		fi
		sessions+=("vm_session $k")
	fi
done
max=${SCREEN_VM_JOBS:-$(($(nproc) * 2))}
running=0
for j in "${sessions[@]}" "${bochs[@]}" "${vkms[@]}"; do
	if [ $running -ge "$max" ]; then
		wait -n || true
		running=$((running - 1))
	fi
	$j &
	running=$((running + 1))
done
wait || true

# each kernel's TAP: the VMs' own, then the host's comparisons (both kernels at once)
tap_of() { # KREL
	local k=$1
	dir=$OUT/$tag$k
	vmtap=$dir/vm.tap
	zdir=$dir/vkms
	sdir=$dir/session
	{
	if [ "$parts" = all ]; then
		cat "$vmtap" 2>/dev/null || echo "not ok 1 - screen vm $k: no TAP from the VM"
		names=$(grep -v '^#' "$payload/scenes.txt" | grep -c '^[a-z]')
		replug=(90-before-unplug 91-after-replug)
		[ "$dev" = bochs-display ] || replug=()	# no hot-plug: run.sh skips it
		echo "1..$((names + ${#replug[@]}))"
		i=0
		while read -r kind; do
			i=$((i + 1))
			name=$(printf '%02d-%s' "$i" "$kind")
			if msg=$(python3 "$HERE/compare.py" "$dir/dumps/$name.ppm" "$OUT/expected/$name.ppm"); then
				echo "ok $i - $k: screendump of $name equals its render in memory ($msg)"
			else
				echo "not ok $i - $k: screendump of $name equals its render in memory ($msg)"
			fi
		done < <(grep -v '^#' "$payload/scenes.txt" | grep '^[a-z]' | cut -d'|' -f1)
		for dump in "${replug[@]}"; do
			i=$((i + 1))
			if msg=$(python3 "$HERE/compare.py" "$dir/dumps/$dump.ppm" "$OUT/expected/01-welcome.ppm"); then
				echo "ok $i - $k: screendump $dump equals the scene's render ($msg)"
			else
				echo "not ok $i - $k: screendump $dump equals the scene's render ($msg)"
			fi
		done
	fi
		if [ -s "$zdir/vm.tap" ]; then
			cat "$zdir/vm.tap"
		fi
		if [ "$parts" = vkms ]; then
			:
		elif [ "$dev" != bochs-display ]; then
			echo "1..1"
			echo "ok 1 - $k: the session driven by biounitd # SKIP on bochs-display only"
		elif [ $session = 1 ]; then
			cat "$sdir/vm.tap" 2>/dev/null || echo "not ok 1 - $k: session VM: no TAP from the VM"
			python3 "$HERE/session-check.py" "$sdir/vm.tap" "$sdir/dumps" "$spay" "$TOOL" \
				"$sdir" "$k" || true
		else
			echo "1..1"
			echo "not ok 1 - $k: the session driven by biounitd (biounitd, biounitctl or tests/kernel's scenes not built)"
		fi
	} >"$TAPDIR/screen-vm-$tag$k.tap"
}
for k in "${krels[@]}"; do
	tap_of "$k" &
done
wait || true
rc=0
for k in "${krels[@]}"; do
	tap=$TAPDIR/screen-vm-$tag$k.tap
	cat "$tap"
	grep -q '^not ok' "$tap" && rc=1
done
exit $rc
