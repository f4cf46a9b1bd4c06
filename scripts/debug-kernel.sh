#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug kernel of `make check-debug`: Debian's linux-source-6.12 with Debian's own config,
# trimmed to what the test VM needs (localmodconfig against the modules the VM loads) plus KASAN,
# lockdep, DEBUG_OBJECTS, kmemleak, UBSAN, fault injection ... (the fragment below).
#   scripts/debug-kernel.sh config   prepare the source and the config; print the cache directory
#   scripts/debug-kernel.sh build    config, then build once (make bzImage modules) or reuse;
#                                    print "KREL KDIR" (kernel release, build tree) on stdout
#   scripts/debug-kernel.sh krel     print the KREL of a built kernel (exit 1 if not built)
#   scripts/debug-kernel.sh kdir     print the kernel build directory (for scripts/kmod.sh build)
# Cache: ${BIOUNIT_CACHE:-${XDG_CACHE_HOME:-~/.cache}/biounit}/debug-kernel/
#   src/linux-source-6.12_<package version>/   the extracted source (shared by every config)
#   <key>/   key = hash of the final .config and the source version:
#     build/      the O= build tree (our modules build against it), build/.config
#     root/lib/modules/KREL/   modules_install + depmod
#     vmlinuz, krel, build-seconds, build.log, .stamp
#   kernels/KREL -> vmlinuz + modules, in the layout of scripts/vm-kernel.sh, so that
#   tests/vm/run-vm.sh --krel KREL boots it.
# Env: JOBS (default nproc), BIOUNIT_DEBUG_BASE_CONFIG (default: /boot/config-6.12* or the one
#      in linux-headers-6.12*).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${BIOUNIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/biounit}
DCACHE=$CACHE/debug-kernel
SRCPKG=linux-source-6.12
JOBS=${JOBS:-$(nproc)}
# Bump when the recipe below changes in a way the .config does not show.
RECIPE=1

# Modules the VM loads (tests/vm/run-vm.sh VM_MODULES_REQUIRED, our modules' dependencies) and the
# drivers that select the videobuf2 allocators run-vm.sh wants: localmodconfig keeps these only.
LSMOD_KEEP=(configfs videobuf2_common videobuf2_memops videobuf2_vmalloc videobuf2_dma_contig
	videobuf2_dma_sg videodev mc vivid tw68)

# What a reviewer switches on for a new driver. Lines are `CONFIG_X=v` or `# CONFIG_X is not set`.
fragment() {
	cat <<'EOF'
# ---- make it ours: no signing, no compression, no BTF, no debug info (kallsyms names the frames)
CONFIG_LOCALVERSION_AUTO=n
CONFIG_SECURITY_LOCKDOWN_LSM=n
CONFIG_MODULE_SIG=n
CONFIG_MODULE_COMPRESS=n
CONFIG_SYSTEM_TRUSTED_KEYS=""
CONFIG_DEBUG_INFO_NONE=y
CONFIG_DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT=n
CONFIG_DEBUG_INFO_BTF=n
CONFIG_KALLSYMS=y
CONFIG_KALLSYMS_ALL=y
CONFIG_IKCONFIG=y
CONFIG_IKCONFIG_PROC=y
# ---- what the test VM and our modules need
CONFIG_BLK_DEV_INITRD=y
CONFIG_RD_GZIP=y
CONFIG_DEVTMPFS=y
CONFIG_TMPFS=y
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_DEBUG_FS=y
CONFIG_CONFIGFS_FS=m
CONFIG_MEDIA_SUPPORT=m
CONFIG_MEDIA_SUPPORT_FILTER=n
CONFIG_MEDIA_CONTROLLER=y
CONFIG_VIDEO_DEV=m
CONFIG_V4L_TEST_DRIVERS=y
CONFIG_VIDEO_VIVID=m
CONFIG_MEDIA_PCI_SUPPORT=y
CONFIG_VIDEO_TW68=m
CONFIG_VIDEOBUF2_CORE=m
CONFIG_VIDEOBUF2_VMALLOC=m
CONFIG_VIDEOBUF2_DMA_CONTIG=m
CONFIG_VIDEOBUF2_DMA_SG=m
CONFIG_DMA_SHARED_BUFFER=y
CONFIG_DMABUF_HEAPS=y
CONFIG_DMABUF_HEAPS_SYSTEM=y
CONFIG_UDMABUF=y
CONFIG_DMABUF_DEBUG=y
# ---- memory errors
CONFIG_KASAN=y
CONFIG_KASAN_GENERIC=y
CONFIG_KASAN_INLINE=y
CONFIG_KASAN_VMALLOC=y
CONFIG_KASAN_STACK=y
CONFIG_KFENCE=n
CONFIG_UBSAN=y
CONFIG_UBSAN_BOUNDS=y
CONFIG_UBSAN_SHIFT=y
CONFIG_UBSAN_BOOL=y
CONFIG_UBSAN_ENUM=y
CONFIG_DEBUG_VM=y
CONFIG_DEBUG_VIRTUAL=y
CONFIG_DEBUG_SG=y
CONFIG_DEBUG_LIST=y
CONFIG_DEBUG_NOTIFIERS=y
CONFIG_SCHED_STACK_END_CHECK=y
CONFIG_HARDENED_USERCOPY=y
CONFIG_FORTIFY_SOURCE=y
# ---- locking and sleeping in atomic context
CONFIG_PROVE_LOCKING=y
CONFIG_DEBUG_ATOMIC_SLEEP=y
CONFIG_DEBUG_MUTEXES=y
CONFIG_DEBUG_SPINLOCK=y
CONFIG_DEBUG_RWSEMS=y
CONFIG_DEBUG_WW_MUTEX_SLOWPATH=y
CONFIG_PROVE_RCU=y
CONFIG_DEBUG_PREEMPT=y
CONFIG_DETECT_HUNG_TASK=y
CONFIG_SOFTLOCKUP_DETECTOR=y
CONFIG_WQ_WATCHDOG=y
# ---- object lifetimes and leaks
CONFIG_DEBUG_OBJECTS=y
CONFIG_DEBUG_OBJECTS_FREE=y
CONFIG_DEBUG_OBJECTS_TIMERS=y
CONFIG_DEBUG_OBJECTS_WORK=y
CONFIG_DEBUG_OBJECTS_RCU_HEAD=y
CONFIG_DEBUG_OBJECTS_PERCPU_COUNTER=y
CONFIG_DEBUG_OBJECTS_ENABLE_DEFAULT=1
CONFIG_DEBUG_KOBJECT_RELEASE=y
CONFIG_DEBUG_KMEMLEAK=y
CONFIG_DEBUG_KMEMLEAK_MEM_POOL_SIZE=40000
CONFIG_DEBUG_KMEMLEAK_DEFAULT_OFF=n
CONFIG_DEBUG_KMEMLEAK_AUTO_SCAN=n
# ---- allocation failure injection
CONFIG_FAULT_INJECTION=y
CONFIG_FAILSLAB=y
CONFIG_FAIL_PAGE_ALLOC=y
CONFIG_FAULT_INJECTION_DEBUG_FS=y
CONFIG_FAULT_INJECTION_STACKTRACE_FILTER=y
EOF
}

# Built-in parts of Debian's config that a QEMU test VM never uses (localmodconfig trims modules
# only). Best effort: what another option selects stays.
trim() {
	cat <<'EOF'
CONFIG_XEN=n
CONFIG_HYPERV=n
CONFIG_EFI=n
CONFIG_SECURITY_SELINUX=n
CONFIG_SECURITY_APPARMOR=n
CONFIG_SECURITY_TOMOYO=n
CONFIG_SECURITY_LANDLOCK=n
CONFIG_IMA=n
CONFIG_EVM=n
CONFIG_INTEGRITY=n
CONFIG_AUDIT=n
CONFIG_IPV6=n
CONFIG_NETFILTER=n
CONFIG_NET_SCHED=n
CONFIG_XFRM_USER=n
CONFIG_WIRELESS=n
CONFIG_FTRACE=n
CONFIG_KPROBES=n
CONFIG_UPROBES=n
CONFIG_PROFILING=n
CONFIG_KEXEC=n
CONFIG_KEXEC_FILE=n
CONFIG_CRASH_DUMP=n
CONFIG_HIBERNATION=n
CONFIG_BPF_SYSCALL=n
CONFIG_HWMON=n
CONFIG_MD=n
CONFIG_X86_X32_ABI=n
EOF
}

die() {
	echo "debug-kernel.sh: $*" >&2
	exit 1
}
log() { echo "debug-kernel.sh: $*" >&2; }

src_version() {
	dpkg-query -W -f='${Version}' "$SRCPKG" 2>/dev/null || true
}

# The extracted source, once per package version.
prepare_source() {
	local ver tarball
	ver=$(src_version)
	if [ -z "$ver" ]; then
		"$ROOT/scripts/deps.sh" debug >&2
		ver=$(src_version)
	fi
	[ -n "$ver" ] || die "$SRCPKG is not installed"
	SRC=$DCACHE/src/${SRCPKG}_$ver
	SRCVER=$ver
	[ -f "$SRC/.stamp" ] && return 0
	tarball=$(ls /usr/src/"$SRCPKG".tar.* 2>/dev/null | head -n1)
	[ -n "$tarball" ] || die "no /usr/src/$SRCPKG.tar.* (reinstall $SRCPKG)"
	log "extracting $tarball"
	rm -rf "$SRC" "$SRC.tmp"
	mkdir -p "$SRC.tmp"
	tar -xf "$tarball" -C "$SRC.tmp"
	mv "$SRC.tmp/$SRCPKG" "$SRC"
	rmdir "$SRC.tmp"
	date -u +%FT%TZ >"$SRC/.stamp"
}

base_config() {
	local c
	if [ -n "${BIOUNIT_DEBUG_BASE_CONFIG:-}" ]; then
		echo "$BIOUNIT_DEBUG_BASE_CONFIG"
		return
	fi
	for c in $(ls -v /boot/config-6.12.* /usr/src/linux-headers-6.12.*-amd64/.config 2>/dev/null | tac); do
		[ -r "$c" ] && { echo "$c"; return; }
	done
	die "no Debian 6.12 config (/boot/config-6.12* or linux-headers-6.12-amd64)"
}

# Makes the final config in $CFG (a scratch O= directory) and sets KEY, KREL, KDIR_OUT.
make_config() {
	local base lsmod line sym want got bad=0
	prepare_source
	base=$(base_config)
	# A scratch directory of this run's own: two runs at once must not share one.
	mkdir -p "$DCACHE"
	CFG=$(mktemp -d "$DCACHE/cfg.XXXXXX")
	trap 'rm -rf "$CFG"' EXIT
	cp "$base" "$CFG/.config"
	lsmod=$CFG/lsmod
	{
		echo "Module Size Used by"
		for m in "${LSMOD_KEEP[@]}"; do echo "$m 0 0"; done
	} >"$lsmod"
	log "config: $base, localmodconfig keeping ${LSMOD_KEEP[*]}"
	# oldconfig inside localmodconfig may ask about symbols: take the defaults (`yes` then dies of
	# SIGPIPE, so the pipeline's status is make's alone).
	(set +o pipefail; yes '' | make -s -C "$SRC" O="$CFG" LSMOD="$lsmod" localmodconfig) \
		>"$CFG/localmodconfig.log" 2>&1 || die "localmodconfig failed (see $CFG/localmodconfig.log)"
	{ trim; fragment; } | sed -E 's/^(CONFIG_[A-Z0-9_]+)=n$/# \1 is not set/' >"$CFG/fragment.config"
	# Twice: a symbol whose dependency the first pass enables can then be set too.
	for _ in 1 2; do
		"$SRC/scripts/kconfig/merge_config.sh" -m -O "$CFG" "$CFG/.config" "$CFG/fragment.config" \
			>>"$CFG/merge.log" 2>&1 || die "merge_config failed (see $CFG/merge.log)"
		make -s -C "$SRC" O="$CFG" olddefconfig >>"$CFG/merge.log" 2>&1 ||
			die "olddefconfig failed (see $CFG/merge.log)"
	done
	# Every line of the fragment must have taken.
	while read -r line; do
		case $line in
		CONFIG_*=n) sym=${line%%=*}; want="# $sym is not set" ;;
		CONFIG_*) sym=${line%%=*}; want=$line ;;
		*) continue ;;
		esac
		got=$(grep -E "^(# )?$sym[= ]" "$CFG/.config" || true)
		if [ "$got" != "$want" ] && ! { [[ $want == "# "* ]] && [ -z "$got" ]; }; then
			log "config: wanted '$want', got '${got:-<absent>}'"
			bad=1
		fi
	done < <(fragment)
	[ $bad = 0 ] || die "the config fragment did not fully apply"
	# The key: the config (without the local version, which is derived from the key) and the source.
	KEY=$({
		grep -v '^CONFIG_LOCALVERSION=' "$CFG/.config" | grep -v '^#'
		echo "source $SRCPKG $SRCVER recipe $RECIPE"
	} | sha256sum | cut -c1-12)
	sed -i "s/^CONFIG_LOCALVERSION=.*/CONFIG_LOCALVERSION=\"-budebug-${KEY:0:8}\"/" "$CFG/.config"
	make -s -C "$SRC" O="$CFG" olddefconfig >>"$CFG/merge.log" 2>&1
	KDIR_OUT=$DCACHE/$KEY
}

built() {
	[ -f "$KDIR_OUT/.stamp" ] && [ -r "$KDIR_OUT/vmlinuz" ] && [ -f "$KDIR_OUT/krel" ]
}

# The kernels/KREL directory scripts/vm-kernel.sh and run-vm.sh look in.
link_for_vm() {
	local krel kd
	krel=$(cat "$KDIR_OUT/krel")
	kd=$CACHE/kernels/$krel
	if ! [ -f "$kd/.stamp" ]; then
		rm -rf "$kd"
		mkdir -p "$kd"
		ln -s "$KDIR_OUT/vmlinuz" "$kd/vmlinuz"
		ln -s "$KDIR_OUT/root/lib/modules/$krel" "$kd/modules"
		date -u +%FT%TZ >"$kd/.stamp"
	fi
}

build() {
	local b t0 t1 krel
	make_config
	if built; then
		log "reusing $KDIR_OUT ($(cat "$KDIR_OUT/krel"), built in $(cat "$KDIR_OUT/build-seconds" 2>/dev/null)s)"
		link_for_vm
		echo "$(cat "$KDIR_OUT/krel") $KDIR_OUT/build"
		return 0
	fi
	b=$KDIR_OUT/build
	mkdir -p "$b"
	cp "$CFG/.config" "$b/.config"
	cp "$CFG/fragment.config" "$KDIR_OUT/fragment.config"
	log "building $SRCPKG $SRCVER in $b with -j$JOBS (log: $KDIR_OUT/build.log)"
	t0=$(date +%s)
	if ! make -C "$SRC" O="$b" -j"$JOBS" bzImage modules >"$KDIR_OUT/build.log" 2>&1; then
		grep -E 'error|Error' "$KDIR_OUT/build.log" | head -n 20 >&2 || true
		die "kernel build failed (see $KDIR_OUT/build.log)"
	fi
	rm -rf "$KDIR_OUT/root"
	make -C "$SRC" O="$b" INSTALL_MOD_PATH="$KDIR_OUT/root" modules_install \
		>>"$KDIR_OUT/build.log" 2>&1 || die "modules_install failed (see $KDIR_OUT/build.log)"
	t1=$(date +%s)
	krel=$(cat "$b/include/config/kernel.release")
	cp "$b/arch/x86/boot/bzImage" "$KDIR_OUT/vmlinuz"
	echo "$krel" >"$KDIR_OUT/krel"
	echo $((t1 - t0)) >"$KDIR_OUT/build-seconds"
	date -u +%FT%TZ >"$KDIR_OUT/.stamp"
	log "built $krel in $((t1 - t0))s"
	link_for_vm
	echo "$krel $b"
}

case ${1:-} in
config)
	make_config
	cp "$CFG/.config" "$DCACHE/$KEY.config"
	log "config in $DCACHE/$KEY.config, key $KEY ($(built && echo built || echo 'not built'))"
	echo "$KDIR_OUT"
	;;
build) build ;;
krel)
	make_config >/dev/null
	built || die "not built yet: scripts/debug-kernel.sh build"
	cat "$KDIR_OUT/krel"
	;;
kdir)
	make_config >/dev/null
	built || die "not built yet: scripts/debug-kernel.sh build"
	echo "$KDIR_OUT/build"
	;;
*)
	sed -n '4,21p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
	;;
esac
