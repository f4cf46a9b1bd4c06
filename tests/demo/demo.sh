#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo, on the host: one whole desk session on a simulated unit in a QEMU VM.
#
#   tests/demo/demo.sh BUILD KREL
#
# BUILD is the build directory after `make modules userspace` and tests/kernel's scenes
# (BUILD/kmod/KREL/ko, BUILD/userspace/bin, BUILD/kernel-tests/{scenes,models},
# BUILD/userspace's libraries). Makes the demo's
# face scenes (demo_face.c, from a committed camera frame of a consenting adult), boots the VM
# with tests/demo/vm-session.sh as its run.sh, prints its transcript as it comes, and takes the
# session's files out of the VM's output (a base64 tar between marker lines) into
# BUILD/demo/session/. The VM has a display (QEMU's bochs-display, 1280x800) on which biounitd
# shows the applicant's screen; at each step the VM asks for QEMU's screendump (driver.py of
# tests/vm/screen), kept as PNG in BUILD/demo/screen/ and named in the transcript. The fingers
# are real prints (tests/fixtures/fingerprints/, NIST; demo_images.c puts them on the scanner).
# Exit status 0 only if the session finished and every file and screendump is there.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOTDIR=$(cd "$HERE/../.." && pwd)
BUILD=${1:?usage: demo.sh BUILD KREL}
KREL=${2:?usage: demo.sh BUILD KREL}
BUILD=$(cd "$BUILD" && pwd)
OUT=$BUILD/demo
PAYLOAD=$BUILD/demo-payload
KT=$BUILD/kernel-tests
LIBS=$BUILD/userspace
FACE=$ROOTDIR/tests/fixtures/faces/london-010-camera-frame.jpg

die() {
	echo "demo: $*" >&2
	exit 1
}
start=$(date +%s)
mkdir -p "$OUT"
rm -rf "$PAYLOAD" "$OUT/session" "$OUT/screen" "$OUT/screendumps" "$OUT/transcript.txt"
mkdir -p "$PAYLOAD/scenes" "$PAYLOAD/models" "$PAYLOAD/fonts"

# ---- the payload ------------------------------------------------------------------------------
for f in biounitd biounitctl; do
	[ -x "$BUILD/userspace/bin/$f" ] || die "$BUILD/userspace/bin/$f missing (make userspace)"
	cp "$BUILD/userspace/bin/$f" "$PAYLOAD/"
done
[ -f "$KT/scenes/.made" ] || die "$KT/scenes missing (tests/kernel's scenes not made)"
cp "$KT"/models/* "$PAYLOAD/models/"
# the applicant's screen: the renderer's fonts (fonts-dejavu-core), in the VM's font directory
cp /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf \
	"$PAYLOAD/fonts/" || die "fonts-dejavu-core missing (scripts/deps.sh demo)"
# The signature: make_scenes' good three-stroke script, then the pen held in the air for 6 s
# (one pen-up point): the simulated pad replays a script 500 ms after its end, and the applicant
# should not seem to sign twice before biounitd has seen the pen up for signature_end_ms (3 s in
# the demo, so that the ink stays on the applicant's screen for its screendump).
awk '{ print } $1 ~ /^[0-9]+$/ { t = $1; x = $2; y = $3 }
     END { if (!t) exit 1; printf "%d %d %d 0\n", t + 6000000, x, y }' \
	"$KT/scenes/signature-good.txt" >"$PAYLOAD/scenes/signature.txt" || die "no signature script"
install -m0755 "$HERE/vm-session.sh" "$PAYLOAD/run.sh"
cp "$HERE/../vm/biounitd-up.sh" "$PAYLOAD/"

# The hand-off to the reference ordering service, when this biounitd sends packages (it knows
# ordering_url; docs/biounitd.md) and the service is built. BIOUNIT_DEMO_HANDOFF=0 leaves it out.
HANDOFF=0
REF=$BUILD/userspace/bin/biounit-refservice
if [ "${BIOUNIT_DEMO_HANDOFF:-1}" != 0 ] && [ -x "$REF" ]; then
	printf 'face_cascade = %s\nface_landmarks = %s\nface_cache = %s\nstate_dir = %s\nordering_url = https://127.0.0.1:8443/v1/packages\n' \
		"$KT/models/haarcascade_frontalface_alt2.xml" "$KT/models/shape_predictor_68_face_landmarks.dat" \
		"$KT/models/landmarks.cache" "$OUT/check-state" >"$OUT/check.conf"
	if "$BUILD/userspace/bin/biounitd" -c "$OUT/check.conf" --check-config >/dev/null 2>&1; then
		HANDOFF=1
	fi
	rm -rf "$OUT/check.conf" "$OUT/check-state"
fi
if [ $HANDOFF = 1 ]; then
	# the service's TLS certificate, made now for this run (never kept in the tree): self-signed,
	# for 127.0.0.1, and the CA file biounitd is given
	mkdir -p "$PAYLOAD/pki"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$PAYLOAD/pki/server.key" -out "$PAYLOAD/pki/server.pem" -days 2 \
		-subj "/CN=biounit demo ordering service" \
		-addext subjectAltName=IP:127.0.0.1,DNS:localhost >/dev/null 2>&1 ||
		die "openssl could not make the service's certificate"
	chmod 600 "$PAYLOAD/pki/server.key"
	cp "$PAYLOAD/pki/server.pem" "$PAYLOAD/pki/ca.pem"
	cp "$REF" "$PAYLOAD/"
	echo "== Hand-off: on (biounit-refservice in the VM, a TLS certificate made with openssl for this run)"
else
	echo "== Hand-off: off (this biounitd does not send packages yet, or BIOUNIT_DEMO_HANDOFF=0):"
	echo "   the demo ends with the session and its files"
fi

[ -r "$FACE" ] || die "$FACE missing"
gcc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$ROOTDIR/userspace" -I"$ROOTDIR/userspace/include" \
	-o "$OUT/demo_face" "$HERE/demo_face.c" "$LIBS/libface.a" "$LIBS/libimage.a" "$LIBS/libutil.a" \
	-ljpeg -lpng -lm -pthread || die "demo_face does not build"
gcc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$ROOTDIR/userspace" -I"$ROOTDIR/userspace/include" \
	-o "$OUT/demo_images" "$HERE/demo_images.c" "$LIBS/libfinger.a" "$LIBS/libimage.a" "$LIBS/libutil.a" \
	-ljpeg -lpng -lm -pthread || die "demo_images does not build"
PRINTS=$ROOTDIR/tests/fixtures/fingerprints
echo "== The applicant's fingers: real prints (tests/fixtures/fingerprints/, NIST material: see"
echo "   ATTRIBUTION.md there), scored as biounitd will score them"
"$OUT/demo_images" fingers "$PAYLOAD/scenes" finger-poor="$PRINTS/nist_wsq_ref_a165.png" \
	finger-right="$PRINTS/nist_wsq_ref_cmp00010.png" finger-left="$PRINTS/nist_wsq_ref_cmp00013.png" ||
	die "no finger scenes"
echo "== The applicant in front of the camera: a consenting adult's camera frame"
echo "   (tests/fixtures/faces/${FACE##*/}, CC BY 4.0: see ATTRIBUTION.md there)"
"$OUT/demo_face" "$PAYLOAD/models" "$FACE" "$PAYLOAD" || die "no face scene"

# ---- the VM -----------------------------------------------------------------------------------
echo "== Booting the VM (Debian $KREL, QEMU, a 1280x800 display; the transcript follows as the VM prints it)"
# driver.py answers the VM's "# SCREENDUMP NAME" lines with QEMU's screendump, over the monitor
sock=$(mktemp -d /tmp/biounit-demo.XXXXXX)
mkdir -p "$OUT/screendumps"
BIOUNIT_QEMU_ARGS="-device bochs-display,id=disp,xres=1280,yres=800 -monitor unix:$sock/mon,server=on,wait=off" \
	python3 "$ROOTDIR/tests/vm/screen/driver.py" --dumps "$OUT/screendumps" --monitor "$sock/mon" -- \
	"$ROOTDIR/tests/vm/run-vm.sh" --raw --live --timeout 900 --krel "$KREL" \
	--modules "$BUILD/kmod/$KREL/ko" --payload "$PAYLOAD" --vm-module bochs \
	--tap "$OUT/$KREL.out" --console "$OUT/$KREL.log" 2>"$OUT/run-vm.err" |
	awk -v t="$OUT/transcript.txt" -v dir="${OUT#"$ROOTDIR"/}/screen" '
	     /^-----BEGIN BIOUNIT DEMO FILES/ { skip = 1; n = 0; next }
	     /^-----END BIOUNIT DEMO FILES/ { skip = 0; $0 = sprintf("(the session files: %d KiB of base64 on the serial line)", n / 1024) }
	     skip { n += length($0) + 1; next }
	     /^# SCREENDUMP / { $0 = sprintf("screen> %s/%s.png", dir, $3) }
	     { print; print > t; fflush() }'
vmrc=${PIPESTATUS[0]}
rm -rf "$sock"
rm -rf "$PAYLOAD/pki" # this run's throwaway TLS key
sed 's/^/  /' "$OUT/run-vm.err"
grep -E '^(not )?ok [0-9] - vm ' "$OUT/$KREL.out" | sed 's/^/  /'

# ---- the files ------------------------------------------------------------------------------
mkdir -p "$OUT/session"
awk '/^-----BEGIN BIOUNIT DEMO FILES/ { on = 1; next } /^-----END BIOUNIT DEMO FILES/ { on = 0 } on' \
	"$OUT/$KREL.out" | base64 -d 2>/dev/null | tar -x -C "$OUT/session" 2>/dev/null
grep -q '^DEMO SESSION FINISHED' "$OUT/$KREL.out" || die "the session did not finish in the VM (see $OUT/$KREL.out, $OUT/$KREL.log)"
[ -f "$OUT/session/session.json" ] || die "no session files came out of the VM"

echo
echo "== The session's files on this host: $OUT/session/"
python3 - "$OUT/session" <<'EOF' || die "files missing"
import json, os, sys
d = sys.argv[1]
s = json.load(open(os.path.join(d, "session.json")))
caps, res = s["captures"], s["results"]
rel = os.path.relpath(d)
missing = 0
def show(label, f):
    global missing
    p = os.path.join(d, f)
    ok = os.path.isfile(p) and os.path.getsize(p) > 0
    if not ok:
        missing += 1
    print("  %-34s %s%s" % (label, os.path.join(rel, f), "" if ok else "   MISSING"))
def kept(key):
    r = res.get(key) or {}
    c = r.get("capture", -1)
    return r, (caps[c] if isinstance(c, int) and 0 <= c < len(caps) else None)
r, c = kept("photo")
if c:
    show("photo, passport crop (35:45)", c["file"])
    show("photo, the camera frame", c["file"].replace(".png", "-frame.png"))
    print("  %-34s %s, score %s%s" % ("", r["outcome"], c.get("score"),
          ("; fails: " + c["reasons"]) if c.get("reasons") else ""))
else:
    missing += 1; print("  photo: none kept")
for key, label in (("right_hand", "fingerprint, right hand"), ("left_hand", "fingerprint, left hand")):
    r, c = kept(key)
    if c:
        show(label, c["file"])
        print("  %-34s %s, finger %s, score %s" % ("", r["outcome"], c.get("finger"), c.get("score")))
    else:
        missing += 1; print("  %s: none kept" % label)
r, c = kept("signature")
if c:
    show("signature, rendered", c["file"])
    print("  %-34s %s, score %s" % ("", r["outcome"], c.get("score")))
else:
    missing += 1; print("  signature: none kept")
show("the session record", "session.json")
others = sorted(set(os.listdir(d)) - {c["file"] for c in caps if c.get("file")} - {"session.json"})
print("  every attempt: %d captures, %d files" % (len(caps), len([f for f in os.listdir(d) if f.endswith(".png")])))
if s.get("state") != "finished":
    print("  the session is %s, not finished" % s.get("state")); missing += 1
sys.exit(1 if missing else 0)
EOF

# ---- what the applicant saw ------------------------------------------------------------------
echo
echo "== The applicant's screen, step by step (QEMU's screendumps): $OUT/screen/" | tee -a "$OUT/transcript.txt"
mkdir -p "$OUT/screen"
want=$(grep -c '^# SCREENDUMP ' "$OUT/$KREL.out")
for d in $(grep '^# SCREENDUMP ' "$OUT/$KREL.out" | cut -d' ' -f3); do
	if [ -s "$OUT/screendumps/$d.ppm" ] && "$OUT/demo_images" png "$OUT/screen" "$OUT/screendumps/$d.ppm"; then
		echo "  $(realpath --relative-to=. "$OUT/screen/$d.png")"
	else
		echo "  $d: no screendump   MISSING"
	fi
done | tee -a "$OUT/transcript.txt"
rm -rf "$OUT/screendumps"
n=$(find "$OUT/screen" -name '*.png' | wc -l)
[ "$want" -gt 0 ] && [ "$n" = "$want" ] || die "$n of $want screendumps of the applicant's screen"

if [ $HANDOFF = 1 ]; then
	grep -q '^DEMO HANDOFF DONE' "$OUT/$KREL.out" || die "the package was not accepted by the ordering service (see $OUT/$KREL.out)"
fi
grep -q '^DEMO SESSION DONE' "$OUT/$KREL.out" || die "the VM's script did not end cleanly (see $OUT/$KREL.out)"
[ "$vmrc" = 0 ] || die "run-vm.sh failed (status $vmrc): see $OUT/$KREL.out and $OUT/$KREL.log"
echo
echo "demo: done in $(($(date +%s) - start)) s; files in $OUT/session/, transcript $OUT/transcript.txt"
