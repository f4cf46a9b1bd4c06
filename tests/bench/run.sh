#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the benchmark VM (busybox): streams 1920x1080 and 4096x3072 YUYV from a
# simulated biounit (its character device, then its V4L2 face node) and 1920x1080 and
# 4096x2160 YUYV from vivid's HDMI input, each as a short and a long run (startup cancels
# out in the difference), and times one memcpy of each frame size. Prints key=value lines
# that tests/bench/bench.sh turns into the table:
#   CPU TAG wall_ns= cpu_ns= rc=        whole-system CPU of one run (cpuwrap)
#   RESULT drv=... fps= drops= rt_*=     from our programs (sequence numbers, timestamps)
#   VIVID TAG frames= seq_first= seq_last= drops= fps=   from v4l2-ctl --verbose
#   STEADY / THREAD                      CPU per frame of a steady stream, by thread
#   FLOOR bytes= memcpy_ms=              one memcpy of a frame
#   ERROR ...                            something did not work
cd "$(dirname "$0")" || exit 1

SHORT=30
LONG=330
# Each short/long pair twice: bench.sh takes the least CPU of each (the host is shared)
RUNS="$SHORT $LONG $SHORT $LONG"
NBUF=4
FACE_MIN_US=8333
UNIT=bench
CFG=/sys/kernel/config/biounit-sim
rc=0

err() {
	echo "ERROR $*"
	rc=1
}

echo "INFO kernel=$(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo) mem_kb=$(awk '/MemTotal/ {print $2}' /proc/meminfo)"
echo "INFO cpu_flags_erms=$(grep -qw erms /proc/cpuinfo && echo yes || echo no) fsrm=$(grep -qw fsrm /proc/cpuinfo && echo yes || echo no) model=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo | tr ' ' _)"
[ -r /proc/schedstat ] || err "no /proc/schedstat (CONFIG_SCHEDSTATS)"

# The floor, at the start and at the end (bench.sh takes the least: the host is shared)
floor() {
	for b in $((1920 * 1080 * 2)) $((4096 * 2160 * 2)) $((4096 * 3072 * 2)); do
		memcpy_floor "$b" 10 || err "memcpy_floor $b failed"
	done
}
floor

# ---- ours -------------------------------------------------------------------------------------
if ! modprobe biounit-sim; then
	err "modprobe biounit-sim failed"
elif ! mkdir "$CFG/$UNIT" ||
	! echo "$FACE_MIN_US" >"$CFG/$UNIT/face/min_interval_us" ||
	! echo 1 >"$CFG/$UNIT/live"; then
	err "cannot create the simulated unit"
else
	node=$(cat "$CFG/$UNIT/dev_name")
	stream_bench scene "$UNIT" || err "cannot write the scene"
	echo "INFO scene=$(tr ' ' _ <"$CFG/$UNIT/face/scene_info")"
	for size in 1920x1080 4096x3072; do
		w=${size%x*} h=${size#*x}
		for n in $RUNS; do
			cpuwrap "drv=ours w=$w h=$h n=$n" stream_bench stream "/dev/$node" "$w" "$h" "$n" "$NBUF" ||
				err "ours $size $n frames: stream_bench failed"
		done
	done
	# the same unit's face through its V4L2 node (docs/v4l2.md), same scene, sizes, interval
	vnode=''
	for v in /sys/class/biounit/$node/video*; do
		case $(cat "$v/name" 2>/dev/null) in face*) vnode=/dev/${v##*/} ;; esac
	done
	[ -n "$vnode" ] || err "no V4L2 face node under /sys/class/biounit/$node"
	for size in 1920x1080 4096x3072; do
		[ -n "$vnode" ] || break
		w=${size%x*} h=${size#*x}
		if ! v4l2-ctl -d "$vnode" --set-fmt-video "width=$w,height=$h,pixelformat=YUYV" >/dev/null ||
			! v4l2-ctl -d "$vnode" --set-parm "$((1000000 / FACE_MIN_US))" >/dev/null; then
			err "ours-v4l2 $size: cannot set the format or the interval"
			continue
		fi
		for n in $RUNS; do
			cpuwrap "drv=ours-v4l2 w=$w h=$h n=$n" v4l2_rt "$vnode" "$n" "$NBUF" ours-v4l2 ||
				err "ours-v4l2 $size $n frames: v4l2_rt failed"
		done
	done
	echo 0 >"$CFG/$UNIT/live"
	rmdir "$CFG/$UNIT"
	if ! rmmod biounit-sim || ! rmmod biounit; then
		err "cannot unload our modules"
	fi
fi

# ---- vivid ------------------------------------------------------------------------------------
vdev=''
if ! modprobe vivid n_devs=1 node_types=0x1; then
	err "modprobe vivid failed"
else
	for d in /sys/class/video4linux/video*; do
		grep -q vivid "$d/name" 2>/dev/null && vdev=/dev/${d##*/} && break
	done
	[ -n "$vdev" ] || err "no vivid video node"
fi
if [ -n "$vdev" ]; then
	for spec in 1920x1080:14 4096x2160:108; do
		size=${spec%:*} idx=${spec#*:}
		w=${size%x*} h=${size#*x}
		if ! v4l2-ctl -d "$vdev" -i 3 >/dev/null ||
			! v4l2-ctl -d "$vdev" --set-dv-bt-timings "index=$idx" >/dev/null ||
			! v4l2-ctl -d "$vdev" --set-fmt-video "width=$w,height=$h,pixelformat=YUYV" >/dev/null; then
			err "vivid $size: cannot set input 3, timings $idx, format"
			continue
		fi
		got=$(v4l2-ctl -d "$vdev" --get-fmt-video | awk -F': ' '/Width\/Height/ {print $2}' | tr -d ' ')
		[ "$got" = "$w/$h" ] || err "vivid $size: format is $got"
		echo "INFO vivid $size timings=$(v4l2-ctl -d "$vdev" --get-dv-timings | awk -F': ' '/Active width|Active height|Pixelclock/ {printf "%s,", $2}' | tr -d ' ')"
		for n in $RUNS; do
			tag="drv=vivid w=$w h=$h n=$n"
			cpuwrap "$tag" -o /tmp/v4l2ctl.out v4l2-ctl -d "$vdev" --verbose \
				--stream-mmap --stream-count="$n" || err "vivid $size $n frames: v4l2-ctl failed"
			# "cap dqbuf: IDX seq: N bytesused: N ts: SEC.USEC ..."
			awk -v tag="$tag" '
				/dqbuf:/ && / seq:/ {
					for (i = 1; i < NF; i++) {
						if ($i == "seq:") s = $(i + 1) + 0
						if ($i == "ts:") t = $(i + 1) + 0
					}
					if (!n) { s0 = s; t0 = t } else d += s - prev - 1
					if (n && s <= prev && nback++ < 3) print "# v4l2-ctl: sequence back: " $0
					prev = s; t1 = t; n++
				}
				END {
					if (n < 2) { print "ERROR " tag ": no buffers in the v4l2-ctl output"; exit }
					printf "VIVID %s frames=%d seq_first=%d seq_last=%d drops=%d fps=%.2f\n",
						tag, n, s0, prev, d, (n - 1) / (t1 - t0)
				}' /tmp/v4l2ctl.out
			# two buffer lines, for whoever checks the parsing
			[ "$n" = "$SHORT" ] && grep -m2 'dqbuf:' /tmp/v4l2ctl.out | sed 's/^/# v4l2-ctl: /'
		done
		v4l2_rt "$vdev" "$LONG" "$NBUF" || err "vivid $size: v4l2_rt failed"
	done
fi

floor
echo "DONE rc=$rc"
exit $rc
