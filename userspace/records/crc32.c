// SPDX-License-Identifier: GPL-2.0
/* CRC-32 as in IEEE 802.3, zlib and PNG (polynomial 0xEDB88320 reflected,
 * initial and final value all ones), bit by bit: the pen-sample blocks are
 * small, a table would be global state for no gain. */
#include "records_internal.h"

uint32_t rec_crc32(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}
