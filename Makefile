# SPDX-License-Identifier: GPL-2.0
#
# biounit: top-level build. `make help` lists the targets.
# (The kernel's Kbuild reads ./Kbuild, never this file.)

TOP      := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD    := $(TOP)/build
TAPDIR   := $(BUILD)/tap
KSFT_INC := $(BUILD)/linux-src/tools/testing/selftests
SCRIPTS  := $(TOP)/scripts
# The kernels to build and test against (installed Debian 6.1 and 6.12 headers).
KRELS     = $(shell $(SCRIPTS)/kernels.sh)
# empty: the newest of scripts/kernels.sh, asked when the demo starts (after deps.sh installed them)
DEMO_KREL ?=
# `make modules KDIR=/path/to/kernel/build` builds against that tree only, into build/kmod/custom.
KDIR     ?=
# `make install` builds against KDIR, or the running kernel's build tree.
INSTALL_KDIR = $(or $(KDIR),/lib/modules/$(shell uname -r)/build)
DESTDIR  ?=
PREFIX   ?= /usr/local

.PHONY: all help deps linux-src modules userspace check check-kernel-style check-userspace \
	check-vm demo install clean _check-kernel-style _check-userspace _check-vm \
	bench bench-driver bench-face bench-finger bench-screen eval check-fuzz _check-fuzz fuzz check-dt _check-dt check-dt-vm _check-dt-vm \
	check-summary _check-summary check-screen-vm _check-screen-vm
.PHONY: check-debug install-userspace check-install _check-install

all: modules userspace

help:
	@echo 'make check               install missing packages, build and run every test; last line:'
	@echo '                         "N passed, N failed" over build/tap/*.tap (exit 1 on any failure)'
	@echo 'make demo                a whole desk session in the VM: live feedback, files in build/demo/session/, hand-off'
	@echo 'make deps                install the Debian packages needed (scripts/deps.sh)'
	@echo 'make modules [KDIR=...]  build biounit.ko, biounit-sim.ko with W=1 for every kernel of'
	@echo '                         scripts/kernels.sh into build/kmod/KREL/ (or KDIR -> build/kmod/custom)'
	@echo 'make userspace           build the userspace (make -C userspace)'
	@echo 'make check-kernel-style  W=1, checkpatch --strict, sparse C=2, uapi -m32/-m64 (TAP)'
	@echo 'make check-userspace     userspace unit tests, normal and SAN=1 (TAP)'
	@echo 'make check-vm            kernel tests in QEMU on each kernel (TAP, console in build/vm/)'
	@echo 'make check-dt            device-tree binding, examples and dts/ overlays on Debian arm64 DTBs (TAP)'
	@echo 'make check-screen-vm     the applicant'"'"'s screen on a KMS display in QEMU, screendumps checked'
	@echo 'make check-dt-vm         the driver probes from a device tree in an arm64 VM (Debian 6.12 arm64)'
	@echo 'make check-debug         kernel tests + ioctl fuzzer + unplug soak + failslab in a KASAN/'
	@echo '                         lockdep/kmemleak kernel built once from linux-source-6.12 (TAP in'
	@echo '                         build/tap-debug/, console build/debug/console.log)'
	@echo 'make check-summary       test the summary: a stage without TAP, a kernel short of tests are red'
	@echo 'make check-fuzz          replay the fuzz corpora (part of check); make fuzz: fuzz each target'
	@echo '                         for FUZZ_SECONDS (default 300)'
	@echo 'make eval                face and fingerprint checks against the labelled data in ../shared'
	@echo 'make bench               benchmarks (not part of check); bench-driver: the driver against'
	@echo '                         vivid in QEMU on each kernel -> build/bench/driver-KREL.txt'
	@echo 'make install [KDIR=...] [DESTDIR=...] [PREFIX=...]  modules, udev rule, group biounit, depmod;'
	@echo '                          biounitd (unit file, config, user), tools, libbiounit'
	@echo 'make clean               remove build/ (the kernel image cache stays in'
	@echo '                         $${BIOUNIT_CACHE:-$${XDG_CACHE_HOME:-~/.cache}/biounit})'

deps:
	$(SCRIPTS)/deps.sh check

linux-src:
	$(SCRIPTS)/linux-src.sh

modules:
ifneq ($(KDIR),)
	$(SCRIPTS)/kmod.sh build $(KDIR) $(BUILD)/kmod/custom
else
	@krels="$(KRELS)"; [ -n "$$krels" ] || { echo "no kernel headers: make deps" >&2; exit 1; }; \
	rc=0; for k in $$krels; do \
		$(SCRIPTS)/kmod.sh build /usr/src/linux-headers-$$k $(BUILD)/kmod/$$k || rc=1; \
	done; exit $$rc
endif

userspace:
	$(MAKE) -C userspace O=$(BUILD)/userspace

# ---- tests: every stage writes TAP into build/tap/ ---------------------------------------------
# `check` runs all stages even when one fails; the summary decides the exit status.
# Every stage must leave its TAP file (CHECK_TAPS, and vm-KREL.tap for each kernel): one that is
# missing counts as a failure in the summary, never as a stage left out of the count.
CHECK_TAPS = linux-src kernels modules kernel-style userspace-build userspace-san-build install \
	fuzz summary-test vm-payload dt dt-vm
# Each stage's wall time goes to build/tap/times.txt ("STAGE SECONDS", scripts/stage-time.sh),
# printed before the summary. JOBS: parallel jobs of the builds (default: the CPUs).
JOBS  ?= $(shell nproc)
TIMES  = $(TAPDIR)/times.txt
STAGE  = $(SCRIPTS)/stage-time.sh $(TIMES)
check:
	rm -rf $(TAPDIR) && mkdir -p $(TAPDIR) && date +%s >$(TAPDIR)/.start
	$(SCRIPTS)/deps.sh check
	-$(STAGE) linux-src $(SCRIPTS)/tap-stage.sh $(TAPDIR)/linux-src.tap $(BUILD)/log/linux-src.log \
		"kselftest and checkpatch files from linux-source-6.1" $(SCRIPTS)/linux-src.sh
	-$(STAGE) kernels $(SCRIPTS)/tap-stage.sh $(TAPDIR)/kernels.tap $(BUILD)/log/kernels.log \
		"headers of both Debian kernel series installed (scripts/kernels.sh)" $(SCRIPTS)/kernels.sh
	-$(STAGE) modules $(SCRIPTS)/tap-stage.sh $(TAPDIR)/modules.tap $(BUILD)/log/modules.log \
		"modules build for $(KRELS)" $(MAKE) --no-print-directory modules
	-$(STAGE) kernel-style $(MAKE) --no-print-directory _check-kernel-style
	-$(MAKE) --no-print-directory _check-userspace
	-$(STAGE) install $(MAKE) --no-print-directory _check-install
	-$(STAGE) fuzz $(MAKE) --no-print-directory _check-fuzz
	-$(STAGE) summary-test $(MAKE) --no-print-directory _check-summary
	-$(STAGE) vm $(MAKE) --no-print-directory _check-vm
	-$(STAGE) screen-vm $(MAKE) --no-print-directory _check-screen-vm
	-$(STAGE) dt $(MAKE) --no-print-directory _check-dt
	-$(STAGE) dt-vm $(MAKE) --no-print-directory _check-dt-vm
	@echo '==== stage times (seconds, $(TIMES)) ===='
	@cat $(TIMES); echo "make check $$(( $$(date +%s) - $$(cat $(TAPDIR)/.start) )) (wall;" \
		"userspace-san-build runs beside userspace-tests)"
	@echo '==== summary ===='
	@$(TOP)/tests/tap-summary.sh $(foreach t,$(CHECK_TAPS) $(addprefix vm-,$(KRELS)) \
		$(addprefix screen-vm-,$(KRELS)),--require $(TAPDIR)/$(t).tap) \
		$(TAPDIR)/*.tap

# The summary itself: a stage that dies before its TAP, or a kernel that runs fewer tests, is red
check-summary: _check-summary
_check-summary:
	@mkdir -p $(TAPDIR)
	$(TOP)/tests/summary/summary-test.sh >$(TAPDIR)/summary-test.tap; rc=$$?; \
		cat $(TAPDIR)/summary-test.tap; exit $$rc

# make install-userspace into a scratch DESTDIR, then build and run a program against it
check-install: _check-install
_check-install:
	@mkdir -p $(TAPDIR) $(BUILD)/log
	$(TOP)/tests/install/check-install.sh $(BUILD) >$(TAPDIR)/install.tap; rc=$$?; \
		cat $(TAPDIR)/install.tap; exit $$rc

# The device-tree binding and the dts/ overlays (scripts/check-dt.sh; docs/devicetree-integration.md)
check-dt: _check-dt
_check-dt:
	@mkdir -p $(TAPDIR)
	$(SCRIPTS)/check-dt.sh >$(TAPDIR)/dt.tap; rc=$$?; cat $(TAPDIR)/dt.tap; exit $$rc

# The driver probes from a real device tree: Debian's arm64 kernel in qemu-system-aarch64 -M virt
check-dt-vm: _check-dt-vm
_check-dt-vm:
	@mkdir -p $(TAPDIR)
	$(SCRIPTS)/check-dt-vm.sh >$(TAPDIR)/dt-vm.tap; rc=$$?; cat $(TAPDIR)/dt-vm.tap; exit $$rc

# The fuzz targets (libFuzzer, clang) replay their corpora: every input that once crashed stays fixed
check-fuzz: _check-fuzz
_check-fuzz:
	@mkdir -p $(TAPDIR) $(BUILD)/log
	@{ $(MAKE) --no-print-directory -j$(JOBS) -C tests/fuzz all >$(BUILD)/log/fuzz.log 2>&1 && \
	   $(MAKE) --no-print-directory -C tests/fuzz regress >$(TAPDIR)/fuzz.tap 2>>$(BUILD)/log/fuzz.log; } || \
		printf 'TAP version 13\n1..1\nnot ok 1 - fuzz targets build and replay (see %s)\n' \
			$(BUILD)/log/fuzz.log >$(TAPDIR)/fuzz.tap
	@cat $(TAPDIR)/fuzz.tap

# Fuzz each target for FUZZ_SECONDS (default 300); not part of check
FUZZ_SECONDS ?= 300
fuzz:
	$(SCRIPTS)/deps.sh check
	$(MAKE) -C tests/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

check-kernel-style: modules linux-src
	@mkdir -p $(TAPDIR)
	@$(MAKE) --no-print-directory _check-kernel-style
_check-kernel-style:
	@mkdir -p $(TAPDIR)
	$(SCRIPTS)/check-kernel-style.sh $(KRELS) >$(TAPDIR)/kernel-style.tap; \
		rc=$$?; cat $(TAPDIR)/kernel-style.tap; exit $$rc

check-userspace: linux-src
	@$(MAKE) --no-print-directory _check-userspace
# Normal and sanitizer builds; the tests' own TAP files are copied to build/tap/userspace*-*.tap.
# The sanitizer build runs (niced) beside the normal tests, which mostly wait; then the normal
# tests that bound latencies (TEST_ALONE in userspace/Makefile), alone; then the sanitizer tests.
US_BUILD = $(SCRIPTS)/tap-stage.sh $(TAPDIR)/$(1)-build.tap $(BUILD)/log/$(1).log "userspace builds ($(1))" \
	$(MAKE) -j$(JOBS) -C $(TOP)/userspace all tests O=$(BUILD)/$(1) KSFT_INC=$(KSFT_INC) $(2)
US_CHECK = $(MAKE) --no-print-directory -C $(TOP)/userspace check O=$(BUILD)/$(1) KSFT_INC=$(KSFT_INC) $(2) \
	>>$(BUILD)/log/$(1)-check.log 2>&1
_check-userspace:
	@mkdir -p $(TAPDIR) $(BUILD)/log; rm -f $(TAPDIR)/userspace-*.tap $(TAPDIR)/userspace-san-*.tap
	@rm -rf $(BUILD)/userspace/tap $(BUILD)/userspace-san/tap; rc=0; \
	: >$(BUILD)/log/userspace-check.log; : >$(BUILD)/log/userspace-san-check.log; \
	$(STAGE) userspace-build $(call US_BUILD,userspace) || rc=1; \
	nice -n 10 $(STAGE) userspace-san-build $(call US_BUILD,userspace-san,SAN=1) & san=$$!; \
	$(STAGE) userspace-tests $(call US_CHECK,userspace,TEST_PART=par) || rc=1; \
	wait $$san || rc=1; \
	$(STAGE) userspace-tests-alone $(call US_CHECK,userspace,TEST_PART=alone) || rc=1; \
	$(STAGE) userspace-san-tests $(call US_CHECK,userspace-san,SAN=1) || rc=1; \
	for name in userspace userspace-san; do \
		for f in $(BUILD)/$$name/tap/*.tap; do [ -e "$$f" ] && cp "$$f" $(TAPDIR)/$$name-$${f##*/}; done; \
		cat $(BUILD)/log/$$name-check.log; \
	done; exit $$rc

# tests/kernel's programs link the libraries of build/userspace and build/userspace-san
# (tests/vm/check-vm.sh passes the same)
KT_LIBS = LIB_O=$(BUILD)/userspace LIB_SAN_O=$(BUILD)/userspace-san
check-vm: modules linux-src
	@$(MAKE) --no-print-directory _check-vm
_check-vm:
	$(TOP)/tests/vm/check-vm.sh $(KRELS)

# The applicant's screen on QEMU's bochs-display, each screendump against its render in memory
# (tests/vm/screen/check-screen.sh, docs/screen.md): scripted scenes, then biounitd's own session
# on the simulated unit (the modules, tests/kernel's scenes and face models); TAP in
# build/tap/screen-vm-KREL.tap
check-screen-vm: userspace modules linux-src
	$(MAKE) --no-print-directory -C tests/kernel O=$(BUILD)/kernel-tests KSFT_INC=$(KSFT_INC) $(KT_LIBS) \
		$(BUILD)/kernel-tests/scenes/.made
	$(MAKE) --no-print-directory -C userspace O=$(BUILD)/userspace $(BUILD)/userspace/test-bin/biounitd
	@$(MAKE) --no-print-directory _check-screen-vm
_check-screen-vm:
	$(TOP)/tests/vm/screen/check-screen.sh $(KRELS)

# The debug kernel run (not part of check): tests/debug/check-debug.sh, its own summary line.
check-debug:
	$(TOP)/tests/debug/check-debug.sh

# ---- demo ---------------------------------------------------------------------------------------
# A whole desk session on a simulated unit in the VM (tests/demo/demo.sh on the host,
# tests/demo/vm-session.sh in the VM). Transcript: build/demo/KREL.out, console build/demo/KREL.log;
# the session's files in build/demo/session/.
demo:
	$(SCRIPTS)/deps.sh demo
	$(SCRIPTS)/linux-src.sh
	$(MAKE) --no-print-directory modules
	$(MAKE) --no-print-directory userspace
	$(MAKE) --no-print-directory -C tests/kernel O=$(BUILD)/kernel-tests KSFT_INC=$(KSFT_INC) $(KT_LIBS) \
		$(BUILD)/kernel-tests/scenes/.made
	$(TOP)/tests/demo/demo.sh $(BUILD) $(or $(DEMO_KREL),$$($(SCRIPTS)/kernels.sh | tail -n1))

# ---- evaluation on ../shared/data (not part of check; nothing from it enters the tree) ----------
eval: userspace
	$(TOP)/tests/eval/face-eval.sh
	$(MAKE) --no-print-directory -C tests/eval eval

# ---- benchmarks (not part of check): add more bench-* prerequisites to `bench` -------------------
bench: bench-driver bench-face bench-finger bench-handoff bench-wsq bench-screen
# The applicant's screen: preview per displayed frame, pen to ink; camera frame and pen sample to
# page flip in the VM (tests/bench/screen-bench.sh)
bench-screen: userspace modules linux-src
	$(MAKE) --no-print-directory -C tests/kernel O=$(BUILD)/kernel-tests KSFT_INC=$(KSFT_INC) $(KT_LIBS) \
		$(BUILD)/kernel-tests/scenes/.made
	$(MAKE) --no-print-directory -C userspace O=$(BUILD)/userspace $(BUILD)/userspace/test-bin/biounitd
	$(TOP)/tests/bench/screen-bench.sh
bench-finger: userspace
	$(TOP)/tests/bench/finger-bench.sh
bench-wsq: userspace
	$(TOP)/tests/bench/wsq-bench.sh
bench-face: userspace
	$(TOP)/tests/bench/face-bench.sh
bench-driver: modules linux-src
	$(SCRIPTS)/deps.sh bench
	BENCH_CMD='make bench' $(TOP)/tests/bench/bench.sh $(KRELS)
# Hand-off: last capture -> acknowledged delivery to the reference service (tests/bench/handoff-bench.sh)
bench-handoff: userspace
	$(TOP)/tests/bench/handoff-bench.sh
# The hand-off durability tests: SOAK_N packages (default 1000; 100 in check) through a sender
# SIGKILLed at random, and SOAK_DAEMON_N sessions (default 1000; 6 in check) through biounitd
# SIGKILLed at random
soak: linux-src
	$(MAKE) -C userspace O=$(BUILD)/userspace KSFT_INC=$(KSFT_INC) all \
		$(BUILD)/userspace/tests/test_handoff_durability $(BUILD)/userspace/tests/test_biounitd_durability \
		$(BUILD)/userspace/test-bin/biounitd
	cd tests/userspace && BIOUNIT_TOOLS=$(BUILD)/userspace/bin \
		$(BUILD)/userspace/tests/test_handoff_durability $(or $(SOAK_N),1000)
	cd tests/userspace && BIOUNIT_TOOLS=$(BUILD)/userspace/bin \
		$(BUILD)/userspace/tests/test_biounitd_durability $(or $(SOAK_DAEMON_N),1000)
.PHONY: bench-handoff soak

# ---- install ------------------------------------------------------------------------------------
install:
	@test -f $(INSTALL_KDIR)/Makefile || { echo "install: no kernel build tree $(INSTALL_KDIR); set KDIR=" >&2; exit 1; }
	$(SCRIPTS)/kmod.sh build $(INSTALL_KDIR) $(BUILD)/kmod/install
	@# KERNELRELEASE: Debian's 6.1 headers would install into /lib/modules/6.1.NNN otherwise;
	@# CONFIG_MODULE_SIG_ALL=: no signing key here (sign with DKMS/MOK for Secure Boot).
	krel=$$($(SCRIPTS)/kmod.sh krel $(INSTALL_KDIR)); \
	$(MAKE) -C $(INSTALL_KDIR) M=$(BUILD)/kmod/install/src INSTALL_MOD_DIR=updates \
		KERNELRELEASE=$$krel CONFIG_MODULE_SIG_ALL= $(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) modules_install
	install -D -m0644 userspace/udev/60-biounit.rules $(DESTDIR)/etc/udev/rules.d/60-biounit.rules
	@krel=$$($(SCRIPTS)/kmod.sh krel $(INSTALL_KDIR)); \
	if [ -z "$(DESTDIR)" ]; then \
		getent group biounit >/dev/null || groupadd -r biounit; \
		depmod -a $$krel; \
		! command -v udevadm >/dev/null || udevadm control --reload-rules 2>/dev/null || true; \
	else \
		depmod -b $(DESTDIR) $$krel; \
	fi; echo "installed biounit modules for $$krel"
	$(MAKE) --no-print-directory install-userspace

# The userspace: tools, biounitd with its unit file, configuration and user, libbiounit.
# PREFIX (default /usr/local) for programs and the library; /etc for configuration.
install-userspace:
	@# the .pc file names PREFIX: made again for this one
	rm -f $(BUILD)/userspace/libbiounit.pc
	$(MAKE) -C userspace O=$(BUILD)/userspace PREFIX=$(PREFIX)
	install -D -m0755 $(BUILD)/userspace/bin/biounitd $(DESTDIR)$(PREFIX)/sbin/biounitd
	install -D -m0755 $(BUILD)/userspace/bin/biounitctl $(DESTDIR)$(PREFIX)/bin/biounitctl
	install -D -m0755 $(BUILD)/userspace/bin/biounit-quality $(DESTDIR)$(PREFIX)/bin/biounit-quality
	install -D -m0644 $(BUILD)/userspace/libbiounit.so.1 $(DESTDIR)$(PREFIX)/lib/libbiounit.so.1
	ln -sf libbiounit.so.1 $(DESTDIR)$(PREFIX)/lib/libbiounit.so
	install -D -m0644 $(BUILD)/userspace/libbiounit.a $(DESTDIR)$(PREFIX)/lib/libbiounit.a
	install -D -m0644 $(BUILD)/userspace/libbiounit.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/libbiounit.pc
	@# userspace/include/biounit/ holds the installed API and nothing else (the internal
	@# headers live beside their modules); tests/install checks that each compiles alone
	install -D -m0644 -t $(DESTDIR)$(PREFIX)/include/biounit $(wildcard userspace/include/biounit/*.h)
	install -D -m0644 uapi/linux/biounit.h $(DESTDIR)$(PREFIX)/include/linux/biounit.h
	install -d -m0755 $(DESTDIR)/etc/systemd/system $(DESTDIR)/usr/lib/sysusers.d
	sed 's|/usr/sbin/biounitd|$(PREFIX)/sbin/biounitd|' userspace/daemon/biounitd.service \
		> $(DESTDIR)/etc/systemd/system/biounitd.service
	chmod 0644 $(DESTDIR)/etc/systemd/system/biounitd.service
	install -m0644 userspace/daemon/biounit.sysusers $(DESTDIR)/usr/lib/sysusers.d/biounit.conf
	@# all nodes of a unit by its serial number, for group biounit (docs/input.md)
	install -D -m0644 userspace/udev/70-biounit.rules $(DESTDIR)/etc/udev/rules.d/70-biounit.rules
	@# an existing configuration is the operator's: never overwritten
	test -e $(DESTDIR)/etc/biounit/biounitd.conf || \
		install -D -m0644 userspace/daemon/biounitd.conf $(DESTDIR)/etc/biounit/biounitd.conf
	install -D -m0644 docs/biounitd.md $(DESTDIR)$(PREFIX)/share/doc/biounit/biounitd.md
	install -D -m0644 -t $(DESTDIR)$(PREFIX)/share/man/man1 docs/man/biounitctl.1 docs/man/biounit-quality.1
	install -D -m0644 -t $(DESTDIR)$(PREFIX)/share/man/man8 docs/man/biounitd.8
	@if [ -z "$(DESTDIR)" ]; then \
		ldconfig; \
		if command -v systemd-sysusers >/dev/null; then systemd-sysusers biounit.conf; \
		else getent passwd biounitd >/dev/null || \
			useradd -r -g biounit -d /var/lib/biounitd -s /usr/sbin/nologin biounitd; fi; \
		! command -v systemctl >/dev/null || systemctl daemon-reload 2>/dev/null || true; \
		! command -v udevadm >/dev/null || udevadm control --reload-rules 2>/dev/null || true; \
	fi; echo "installed biounitd, biounitctl, biounit-quality and libbiounit under $(PREFIX)"

clean:
	rm -rf $(BUILD)
