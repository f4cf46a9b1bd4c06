# SPDX-License-Identifier: GPL-2.0
#
# The applicant's screen (docs/screen.md): cairo and pango draw the scenes
# (with fontconfig finding fonts-dejavu-core), libdrm shows them on a KMS
# display. Only this module's objects see
# their headers, and only the programs that draw the screen link them (the
# other tools and the VM's initramfs stay without them).
SCREEN_PKGS := pangocairo pangoft2 cairo fontconfig libdrm
SCREEN_CFLAGS := $(shell pkg-config --cflags $(SCREEN_PKGS))
SCREEN_LDLIBS := $(shell pkg-config --libs $(SCREEN_PKGS))
$(O)/screen/%.o: CFLAGS += $(SCREEN_CFLAGS)
$(O)/tests/test_screen: LDLIBS += $(SCREEN_LDLIBS)
$(O)/bin/biounit-screen: LDLIBS += $(SCREEN_LDLIBS)
$(O)/bin/biounitd $(O)/test-bin/biounitd: LDLIBS += $(SCREEN_LDLIBS)
$(O)/tools/biounit-screen/zerocopy.o: CFLAGS += $(SCREEN_CFLAGS)
# biounitd's screen.c names the camera's formats by libdrm's <drm_fourcc.h>
$(O)/daemon/screen.o $(O)/test-obj/daemon/screen.o: CFLAGS += $(shell pkg-config --cflags libdrm)
