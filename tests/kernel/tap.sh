# SPDX-License-Identifier: GPL-2.0
#
# TAP helpers of the kernel tests' shell scripts (gpio_test.sh, udev_test.sh, evtest_test.sh),
# sourced after PLAN is set: prints the TAP header and counts the results in n.
echo "TAP version 13"
echo "1..$PLAN"
n=0
ok() { # ok DESCRIPTION: the last command's status
	rc=$?
	n=$((n + 1))
	if [ $rc -eq 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
	return $rc
}
eq() { # eq DESCRIPTION GOT WANT
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		echo "# got:  '$2'"
		echo "# want: '$3'"
	fi
}
fails() { # fails DESCRIPTION COMMAND...: the command must fail
	d=$1
	shift
	if ( "$@" ) 2>/dev/null; then false; else true; fi
	ok "$d"
}
wait_for() { # wait_for SECONDS COMMAND...: until the command succeeds
	secs=$1
	shift
	i=0
	while [ $i -lt $((secs * 10)) ]; do
		if "$@" >/dev/null 2>&1; then return 0; fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
exited() { # exited PID: the background job has ended (a zombie counts)
	[ ! -e "/proc/$1" ] || grep -q '^[0-9]* (.*) Z' "/proc/$1/stat"
}
event_of() { # event_of NODE WHAT: the eventN of unit NODE's input device with phys NODE/WHAT
	for d in /sys/class/biounit/"$1"/input*; do
		[ "$(cat "$d/phys" 2>/dev/null)" = "$1/$2" ] || continue
		for e in "$d"/event*; do basename "$e"; done
	done
}
vnode_of() { # vnode_of NODE NAME: the videoN of unit NODE whose V4L2 name starts with NAME
	for d in /sys/class/biounit/"$1"/video*; do
		case "$(cat "$d/name" 2>/dev/null)" in "$2"*) basename "$d" ;; esac
	done
}
have_evdev() { # the kernel has evdev (built in, or a module modprobe finds)
	modprobe evdev 2>/dev/null || true
	grep -q 'Name=evdev' /proc/bus/input/handlers 2>/dev/null
}
skip_all() { # skip_all REASON: the rest of the plan skipped
	while [ $n -lt $PLAN ]; do n=$((n + 1)); echo "ok $n - # SKIP $1"; done
	exit 0
}
fail_all() { # fail_all REASON: the rest of the plan failed
	while [ $n -lt $PLAN ]; do n=$((n + 1)); echo "not ok $n - $1"; done
	exit 1
}
need_evdev() { # the plan needs evdev: skipped only on a kernel built without it
	have_evdev && return 0
	# run-vm.sh sets BIOUNIT_NO_EVDEV=1 only when its caller allowed it (make check-debug,
	# whose kernel's .config has no INPUT_EVDEV); Debian's kernels have evdev.ko
	[ "${BIOUNIT_NO_EVDEV:-0}" = 1 ] &&
		skip_all "this kernel is built without evdev (make check-debug's kernel)"
	fail_all "no evdev in this kernel's VM, and it was not built without it (run-vm.sh)"
}
