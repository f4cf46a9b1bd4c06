# SPDX-License-Identifier: GPL-2.0
#
# Session packages: Ed25519 signatures and SHA-256 from libsodium.
LDLIBS += -lsodium
