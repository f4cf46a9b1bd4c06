#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make demo: runs inside the VM (busybox) and prints what the unit delivered.
cd "$(dirname "$0")" || exit 1
modprobe biounit-sim || exit 1
grep -q " /sys/kernel/config " /proc/mounts || mount -t configfs none /sys/kernel/config
echo "kernel $(uname -r); modules: $(lsmod | grep -o '^biounit[_a-z]*' | tr '\n' ' ')"
./demo
rc=$?
rmmod biounit-sim && rmmod biounit && echo "modules unloaded"
exit $rc
