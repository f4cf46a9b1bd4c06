#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The zero-copy plane path on vkms, in the VM (tests/vm/screen/check-screen.sh, docs/screen.md
# "Which path a display takes"): vkms.ko built by scripts/vkms.sh from Debian's linux-source,
# loaded with its overlay planes and writeback connector; `biounit-screen planes` shows the
# photo_live scene of zc.txt with its frame in exported dma-bufs. On 6.12 the display must take
# the plane path (the probe says zero-copy; debugfs shows the camera's XR24 framebuffer on an
# overlay plane with rotation reflect-x at the preview, the ARGB8888 overlay above it; each buffer
# is handed back only once the next one's flip completed); on 6.1 (no rotation property) the
# CPU path, and the probe says why. On both the picture the card composed, read back through
# vkms's writeback connector, must be the expected one (biounit-screen planes --check-capture).
# Prints TAP.
cd /tests || exit 1
mkdir -p /usr/share/fonts/truetype/dejavu && cp fonts/*.ttf /usr/share/fonts/truetype/dejavu/
n=0
check() { # check DESCRIPTION COMMAND...
	d=$1
	shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $d"; else echo "not ok $n - $d"; fi
}
comment() { sed 's/^/# /' "$@"; }
case $BIOUNIT_KREL in
6.1.*) expect=cpu ;;
*) expect=zc ;;
esac
echo "TAP version 13"
echo "1..6"
modprobe vkms enable_overlay=1 enable_writeback=1 2>/tmp/m.err
rc=$?
comment /tmp/m.err
check "vkms loads with overlay planes and writeback (modprobe exit $rc)" [ $rc = 0 ]
i=0
while [ ! -e /dev/dri/card0 ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
# the frames, then 4 s on the screen for a look at the card's state
./biounit-screen planes --frames 8 --buffers 3 --hold 4000 --check-capture zc.txt >/tmp/p.out 2>/tmp/p.err &
pid=$!
i=0
while ! grep -q '^released:\|^capture:' /tmp/p.out && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 0.5
cat /sys/kernel/debug/dri/0/state >/tmp/state 2>&1
wait $pid
prc=$?
comment /tmp/p.out /tmp/p.err
# the planes of the state: one line per plane with what matters
awk '/^plane\[/ { if (p) print p; p = $0 } /^[a-z]/ && !/^plane\[/ { if (p) print p; p = "" }
     p && /format=|crtc-pos=|rotation=|crtc=/ { sub(/^[ \t]+/, ""); p = p " " $0 } END { if (p) print p }' \
	/tmp/state >/tmp/planes
comment /tmp/planes
check "biounit-screen planes: every frame shown and every buffer released (exit $prc)" \
	sh -c "[ $prc = 0 ] && grep -q '^released: 8 of 8 frames' /tmp/p.out"
# the picture the card composed, read back through vkms's writeback connector
check "$BIOUNIT_KREL: the composed picture (writeback) is the expected one, the preview the frame mirrored" \
	sh -c "grep -q '^capture: .* 0 pixels differ' /tmp/p.out && grep -q '^capture: preview' /tmp/p.out"
if [ $expect = zc ]; then
	check "$BIOUNIT_KREL: the probe takes the zero-copy path" \
		sh -c "grep -q '^zero-copy: yes' /tmp/p.out && grep -q '^path: zero-copy: vkms plane' /tmp/p.out"
	# the camera's frame: XR24 480x360 on an overlay plane, mirrored (ROTATE_0 | REFLECT_X = 0x11)
	check "$BIOUNIT_KREL: debugfs shows the camera's XR24 480x360 on a plane with rotation reflect-x, the ARGB8888 overlay on another" \
		sh -c "grep -q 'crtc=crtc-0 .*format=XR24 .*rotation=11' /tmp/planes &&
		       grep 'format=XR24' /tmp/planes | grep -q 'crtc-pos=480x360+' &&
		       grep -q 'crtc=crtc-0 .*format=AR24' /tmp/planes"
	check "$BIOUNIT_KREL: a buffer goes back only once the flip that replaces it completed" \
		grep -q '^hand-back: each buffer released once' /tmp/p.out
else
	check "$BIOUNIT_KREL: the probe takes the CPU path and says why (no rotation property, no mirror)" \
		sh -c "grep -q '^zero-copy: no' /tmp/p.out && grep -q '^path: vkms: no rotation property .* so no mirror' /tmp/p.out"
	check "$BIOUNIT_KREL: only the primary plane is lit (the frame composed on the CPU)" \
		sh -c "[ \$(grep -c 'crtc=crtc-0' /tmp/planes) = 1 ] && grep -q 'crtc=crtc-0 .*format=XR24 .*crtc-pos=1024x768+0+0' /tmp/planes"
	check "$BIOUNIT_KREL: no plane carries a reflect-x rotation" sh -c "! grep -q 'rotation=11' /tmp/planes"
fi
