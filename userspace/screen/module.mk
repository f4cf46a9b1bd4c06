# SPDX-License-Identifier: GPL-2.0
#
# The applicant's screen (docs/screen.md): cairo and pango draw the scenes
# (with fontconfig finding fonts-dejavu-core), libdrm shows them on a KMS
# display. Only this module's objects see their headers.
SCREEN_PKGS := pangocairo pangoft2 cairo fontconfig
SCREEN_CFLAGS := $(shell pkg-config --cflags $(SCREEN_PKGS))
LDLIBS += $(shell pkg-config --libs $(SCREEN_PKGS))
$(O)/screen/%.o: CFLAGS += $(SCREEN_CFLAGS)
