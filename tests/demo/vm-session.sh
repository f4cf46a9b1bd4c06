#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make demo, inside the VM (busybox): one whole desk session on a simulated unit.
# Payload (tests/demo/demo.sh builds it): biounitd, biounitctl, models/, scenes/ (the real
# prints put on the scanner by demo_images, the pen script), fonts/ (the applicant's screen),
# demo-face-close.ppm and demo-face.ppm (demo_face), optionally the reference ordering service
# and its certificates in pki/. Prints a transcript; "# SCREENDUMP NAME" asks the host for a
# screendump of the applicant's screen (biounitd shows it on the VM's bochs-display); the
# session's files follow as a base64 tar between the BEGIN/END marker lines, which the host
# script takes out of the output.
cd "$(dirname "$0")" || exit 1
export PATH="$PWD:$PATH"
SIM=/sys/kernel/config/biounit-sim
UNIT=desk1
DIR=/tmp/demo
STATE=$DIR/state
export BIOUNITD_SOCKET=$DIR/control.socket
CODE=IND-2026-0042
DAEMON_PID=
REF_PID=
FOLLOW_PID=

say() { printf '%s\n' "$*"; }
step() { printf '\n== %s\n' "$*"; }
op() { printf 'operator> %s\n' "$*"; }
app() { printf 'applicant> %s\n' "$*"; }
fail() {
	say "DEMO FAILED: $*"
	[ -f $DIR/biounitd.log ] && sed 's/^/  biounitd: /' $DIR/biounitd.log | tail -n 30
	cleanup
	exit 1
}
cleanup() {
	[ -n "$FOLLOW_PID" ] && kill "$FOLLOW_PID" 2>/dev/null
	[ -n "$REF_PID" ] && kill "$REF_PID" 2>/dev/null && wait "$REF_PID" 2>/dev/null
	REF_PID=
	[ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
	DAEMON_PID=
	if [ -d $SIM/$UNIT ]; then
		echo 0 >$SIM/$UNIT/live 2>/dev/null
		rmdir $SIM/$UNIT 2>/dev/null
	fi
}

# ---- the applicant's screen: QEMU's display, the renderer's fonts ------------------------------
mkdir -p /usr/share/fonts/truetype/dejavu && cp fonts/*.ttf /usr/share/fonts/truetype/dejavu/
modprobe bochs 2>/dev/null
screen() { # screen NAME: a screendump of what the applicant sees now (the host takes it)
	echo "# SCREENDUMP $1"
	sleep 2
}

# ---- the unit --------------------------------------------------------------------------------
modprobe biounit-sim || fail "modprobe biounit-sim"
grep -q " /sys/kernel/config " /proc/mounts || mount -t configfs none /sys/kernel/config
mkdir -p $DIR && chmod 700 $DIR
mkdir $SIM/$UNIT || fail "configfs: cannot make unit $UNIT"
echo "IND-BU1 (simulated)" >$SIM/$UNIT/model
echo "DEMO-0001" >$SIM/$UNIT/serial
echo 1 >$SIM/$UNIT/live || fail "the simulated unit did not come up (kernel log)"
echo 0 >$SIM/$UNIT/finger/placed
say "kernel $(uname -r); simulated unit $(cat $SIM/$UNIT/model 2>/dev/null), serial DEMO-0001 on /dev/$(cat $SIM/$UNIT/dev_name)"

scene() { # scene CHANNEL FILE: what the sensor sees from now on
	dd if="$2" of="$SIM/$UNIT/$1/scene" bs=64M 2>/dev/null
	info=$(cat "$SIM/$UNIT/$1/scene_info")
	case $info in none | rejected* | error*) fail "scene $2 on $1: $info" ;; esac
}
finger() { # finger 0|1
	echo "$1" >$SIM/$UNIT/finger/placed
}

# ---- biounitd -------------------------------------------------------------------------------
cat >$DIR/biounitd.conf <<EOF
socket_path = $BIOUNITD_SOCKET
socket_group = root
state_dir = $STATE
unit = DEMO-0001
face_cascade = $PWD/models/haarcascade_frontalface_alt2.xml
face_landmarks = $PWD/models/shape_predictor_68_face_landmarks.dat
face_cache = $PWD/models/landmarks.cache
photo_timeout_ms = 15000
photo_min_frames = 3
retry_pause_ms = 3000
finger_timeout_ms = 8000
signature_end_ms = 3000
screen = auto
EOF
# The hand-off (when the payload has the reference ordering service and its certificates):
# biounitd sends the session's package to it over HTTPS on the loopback interface.
HANDOFF=0
if [ -d pki ] && [ -x biounit-refservice ]; then
	HANDOFF=1
	ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up
	cat >>$DIR/biounitd.conf <<EOF
ordering_url = https://127.0.0.1:8443/v1/packages
ordering_ca = $PWD/pki/ca.pem
EOF
fi
. ./biounitd-up.sh
biounitd_up ./biounitd $DIR/biounitd.conf $DIR/biounitd.log || fail "$UP_WHY"
DAEMON_PID=$DAEMON
i=0
until grep -q 'screen: showing' $DIR/biounitd.log || [ $i -ge 50 ]; do sleep 0.2; i=$((i + 1)); done
say "biounitd is up (control socket $BIOUNITD_SOCKET); the applicant's screen: $(grep -m1 -o 'screen: [a-z]*: .*' $DIR/biounitd.log || echo 'screen: none')"
screen 01-welcome

# ---- the session ------------------------------------------------------------------------------
status() { biounitctl session status "$ID" 2>/dev/null | sed -n 2p; }
scene_is() { # scene_is NAME SECONDS: until the applicant's screen shows scene NAME
	end=$(($(date +%s) + $2))
	until biounitctl session status --json "$ID" 2>/dev/null | grep -q "\"scene\":\"$1\""; do
		[ "$(date +%s)" -lt $end ] || fail "waited $2 s for the screen's scene $1"
		sleep 0.2
	done
}
wait_for() { # wait_for PATTERN SECONDS: until the status line matches PATTERN (case pattern)
	end=$(($(date +%s) + $2))
	while [ "$(date +%s)" -lt $end ]; do
		s=$(status)
		# shellcheck disable=SC2254
		case $s in $1) return 0 ;; esac
		sleep 0.3
	done
	fail "waited $2 s for '$1'; the session is at: $s"
}

step "The desk opens the session: appointment $CODE, adult (18+), photo + fingerprints + signature"
scene face demo-face-close.ppm
scene finger scenes/finger-poor.pgm
op "biounitctl session start $CODE 18+ photo,fingers,signature"
out=$(biounitctl session start $CODE 18+ photo,fingers,signature) || fail "start: $out"
ID=$(echo "$out" | sed -n 's/^session //p')
say "session $ID"
say ""
say "What the applicant's screen and the operator's tool show (biounitctl session follow $ID):"
# the live feedback, as it comes, indented; the operator's actions are the operator> lines
biounitctl session follow "$ID" | while IFS= read -r l; do printf '  | %s\n' "$l"; echo "$l" >>/tmp/follow.log; done &
FOLLOW_PID=$!
T0=$(date +%s)

step "Photo: the applicant sits down, too close to the camera"
app "(the camera sees her face too large: a consenting adult's camera frame, enlarged)"
end=$(($(date +%s) + 60))
until grep -q 'Move back a little' /tmp/follow.log 2>/dev/null; do
	[ "$(date +%s)" -lt $end ] || fail "no live advice to move back within 60 s: $(status)"
	sleep 0.3
done
screen 02-photo-too-close
app "reads the advice on the screen and moves back"
scene face demo-face.ppm
wait_for '\[review\] photo*' 400
say ""
scene_is photo_kept 10
app "sees the photo as it will be used (screen_kept_ms)"
screen 03-photo-kept
scene_is review 10
op "reviews the photo: $(status)"
screen 04-photo-review
sleep 1 # the follower prints what the daemon broadcast
grep -q 'photo attempt [0-9]*: compliant' /tmp/follow.log || fail "the photo is not compliant: $(status)"
say "          the photo passed every rule on its merits: the operator accepts it, no override"
op "biounitctl session accept $ID"
biounitctl session accept "$ID" >/dev/null || fail "accept photo"

step "Fingerprints: right index, then left index"
wait_for '\[capturing\] fingers right_index*' 60
sleep 1
screen 05-right-index
app "places the right index finger badly: the scanner sees a poor print (NIST a165)"
finger 1
wait_for '*fingers right_index attempt 2/*' 120
sleep 1
app "lifts the finger"
finger 0
sleep 1
screen 06-right-index-again
app "places it again, flat (NIST cmp00010)"
scene finger scenes/finger-right.pgm
finger 1
wait_for '\[capturing\] fingers left_index*' 120
sleep 1
app "lifts the right hand"
finger 0
sleep 1
screen 07-left-index
app "places the left index finger (NIST cmp00013)"
scene finger scenes/finger-left.pgm
finger 1
wait_for '*signature*' 120
finger 0

step "Signature: the applicant signs on the pad"
sleep 1
app "signs in the box"
scene signature scenes/signature.txt
sleep 2
screen 08-signature-ink
wait_for '\[review\] signature*' 120
scene_is signature_kept 10
app "sees the signature as it will be recorded"
screen 09-signature-kept
scene_is review 10
op "reviews the signature: $(status)"
screen 10-signature-review
op "biounitctl session accept $ID"
biounitctl session accept "$ID" >/dev/null || fail "accept signature"
wait_for '\[finished\]*' 30
T1=$(date +%s)
screen 11-done
wait $FOLLOW_PID 2>/dev/null
FOLLOW_PID=

step "The session is finished (capture $((T1 - T0)) s in this VM); what the daemon stored"
op "biounitctl session show $ID"
biounitctl session show "$ID" | sed 's/^/  /' || fail "show"

# ---- the files, kept before the hand-off ---------------------------------------------------------
# After the ordering service acknowledges the package, biounitd wipes the session's images and
# keeps only a receipt (docs/biounitd.md, 2a). The demo copies them first, to take them out to
# the host; the service is started only after that, so the package waits in the outbox meanwhile.
SDIR=$STATE/sessions/$ID
[ -f "$SDIR/session.json" ] || fail "no session.json in $SDIR"
mkdir -p $DIR/out || fail "cannot make $DIR/out"
cp -a "$SDIR/." $DIR/out/ || fail "cannot copy $SDIR"
say "DEMO SESSION FINISHED $ID"
say ""
say "(the demo copies the session's files now, to take them out of the VM: a desk keeps none)"

# ---- the hand-off ---------------------------------------------------------------------------
RC=0
if [ $HANDOFF = 1 ]; then
	step "The hand-off: the session's package, from the unit's outbox to the ordering service"
	OB="biounitctl outbox --db $STATE/outbox.db"
	op "biounitctl outbox      (the service is not up yet: the package waits, durably)"
	$OB all 2>&1 | sed 's/^/  /'
	# the unit's public key (made by biounitd at its first start) is what the service trusts
	[ -s $STATE/unit.key.pub ] || fail "biounitd made no $STATE/unit.key.pub"
	mkdir -p $DIR/refstore
	./biounit-refservice --cert pki/server.pem --key pki/server.key --store $DIR/refstore \
		--trust $STATE/unit.key.pub --listen 127.0.0.1 --port 8443 --port-file $DIR/ref.port \
		--log $DIR/refservice.log >$DIR/refservice.out 2>&1 &
	REF_PID=$!
	i=0
	until [ -s $DIR/ref.port ]; do
		i=$((i + 1))
		kill -0 $REF_PID 2>/dev/null && [ $i -lt 150 ] || {
			cat $DIR/refservice.out
			fail "the reference ordering service did not start"
		}
		sleep 0.2
	done
	say ""
	say "The reference document-ordering service (biounit-refservice) is up on https://127.0.0.1:8443,"
	say "trusting this unit's public key; the outbox sends at its next try."
	i=0
	until $OB delivered 2>/dev/null | grep -q '^delivered'; do
		i=$((i + 1))
		[ $i -lt 300 ] || break
		sleep 0.3
	done
	sleep 1 # the receipt and the wipe follow the acknowledgement
	op "biounitctl outbox"
	$OB all 2>&1 | sed 's/^/  /'
	say "the session directory on the unit now: $(ls "$SDIR" | tr '\n' ' ')"
	say ""
	say "The ordering service holds (biounit-refservice --summary, every package verified again):"
	./biounit-refservice --summary --store $DIR/refstore --trust $STATE/unit.key.pub >$DIR/summary 2>&1
	src=$?
	sed 's/^/  /' $DIR/summary
	if [ $i -ge 300 ]; then
		say "DEMO HANDOFF FAILED: the package was not acknowledged in 90 s"
		tail -n 20 $DIR/biounitd.log | sed 's/^/  biounitd: /'
		tail -n 20 $DIR/refservice.log 2>/dev/null | sed 's/^/  refservice: /'
		RC=1
	elif [ $src != 0 ] || ! grep -q '^package ' $DIR/summary; then
		say "DEMO HANDOFF FAILED: the service's store does not verify"
		RC=1
	else
		say "DEMO HANDOFF DONE"
	fi
else
	step "The hand-off: left out (no ordering service in this run); the package waits in the outbox"
	op "biounitctl outbox"
	biounitctl outbox --db $STATE/outbox.db all 2>&1 | sed 's/^/  /'
fi

# ---- the files, out to the host --------------------------------------------------------------
say ""
say "-----BEGIN BIOUNIT DEMO FILES $ID-----"
tar -C $DIR/out -cf - . | base64
say "-----END BIOUNIT DEMO FILES-----"

cleanup
say "biounitd stopped: the applicant's screen is cleared"
screen 12-after-the-session
rmmod biounit-sim && rmmod biounit && say "modules unloaded"
say "DEMO SESSION DONE $ID"
exit $RC
