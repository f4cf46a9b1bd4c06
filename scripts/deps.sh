#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Installs the Debian 12 packages biounit needs, and only those that are missing.
#   scripts/deps.sh [check|demo|bench|debug|all]   (default: check)
# Idempotent: when everything is installed it runs neither apt-get update nor install.
# Runs as root, or through sudo otherwise. Set BIOUNIT_DEPS_DRYRUN=1 to only list what is missing.
set -euo pipefail

# ---- The package lists: add names here. --------------------------------------------------------
# Needed by `make check` (modules, style checks, userspace, VM tests). Found by running the README's
# commands in a fresh Debian 12 minbase root (../shared/tools/fresh-debian.sh), not by reading code:
# libclang-rt-14-dev has clang's libFuzzer and sanitizer runtimes (make check-fuzz), systemd has
# systemd-sysusers (tests/install checks the sysusers file with it).
# evtest is the independent client of the unit's input devices in the VM (tests/kernel/evtest_test.sh);
# udev has the systemd-udevd, udevadm and default rules udev_test.sh runs our rules with in the VM.
# libcairo2-dev, libpango1.0-dev and fonts-dejavu-core draw the applicant's screen (userspace/screen),
# libdrm-dev shows it on a KMS display (docs/screen.md).
# libgpiod-dev is biounitd's desk GPIO (libgpiod 1.6), gpiod its tools, the independent client of
# the VM's gpio test.
# v4l-utils (v4l2-compliance, v4l2-ctl, media-ctl): the VM's tests of the V4L2 nodes and media device.
# linux-source-6.1 and -6.12: checkpatch (6.1), and vkms built from each kernel's own source for the
# screen's zero-copy VM test (scripts/vkms.sh); 6.12 is also the debug kernel's source.
PKGS_CHECK=(
	build-essential
	linux-headers-amd64
	linux-headers-6.12-amd64
	linux-source-6.1
	linux-source-6.12
	qemu-system-x86
	busybox-static
	evtest
	udev
	sparse
	gcc-12-multilib
	cpio
	xz-utils
	kmod
	dkms
	libjpeg62-turbo-dev
	libpng-dev
	libudev-dev
	pkg-config
	opencv-data
	libdlib-data
	python3-skimage
	clang
	libclang-rt-14-dev
	device-tree-compiler
	dt-schema
	yamllint
	gcc-aarch64-linux-gnu
	libc6-dev-arm64-cross
	qemu-system-arm
	libopenjp2-7-dev
	libopenjp2-tools
	libsodium-dev
	libsqlite3-dev
	sqlite3
	libcurl4-openssl-dev
	libmicrohttpd-dev
	libgnutls28-dev
	libsystemd-dev
	openssl
	systemd
	groff-base
	man-db
	libcairo2-dev
	libpango1.0-dev
	fonts-dejavu-core
	libdrm-dev
	libgpiod-dev
	gpiod
	v4l-utils
)
# Extra for `make demo`.
PKGS_DEMO=()
# Extra for `make bench` (v4l-utils is in PKGS_CHECK: the VM's V4L2 tests use it too).
PKGS_BENCH=()
# Extra for `make check-debug` (scripts/debug-kernel.sh: a KASAN/lockdep kernel from Debian's source).
PKGS_DEBUG=(
	bc
	bison
	flex
	libssl-dev
	libelf-dev
)
# -------------------------------------------------------------------------------------------------

usage() {
	echo "usage: $0 [check|demo|bench|debug|all]" >&2
	exit 2
}

what=${1:-check}
case $what in
check) want=("${PKGS_CHECK[@]}") ;;
demo) want=("${PKGS_CHECK[@]}" "${PKGS_DEMO[@]}") ;;
bench) want=("${PKGS_CHECK[@]}" "${PKGS_BENCH[@]}") ;;
debug) want=("${PKGS_CHECK[@]}" "${PKGS_DEBUG[@]}") ;;
all) want=("${PKGS_CHECK[@]}" "${PKGS_DEMO[@]}" "${PKGS_BENCH[@]}" "${PKGS_DEBUG[@]}") ;;
-h | --help) usage ;;
*) usage ;;
esac

missing=()
for p in "${want[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps.sh: all ${#want[@]} packages for '$what' are installed"
	exit 0
fi

echo "deps.sh: missing for '$what': ${missing[*]}"
if [ "${BIOUNIT_DEPS_DRYRUN:-0}" = 1 ]; then
	exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
	SUDO=()
elif command -v sudo >/dev/null; then
	SUDO=(sudo)
else
	echo "deps.sh: not root and no sudo: install the packages above as root" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y --no-install-recommends "${missing[@]}"
echo "deps.sh: installed ${missing[*]}"
