#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""compare.py SHOWN.ppm EXPECTED.ppm: are two binary PPMs (P6, 8 bits) the same picture?

Prints how many pixels differ (and the box round them); exit 0 when none does, 1 otherwise,
2 when a file is missing or not such a PPM.
"""
import sys


def read_ppm(path):
    with open(path, 'rb') as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b'#':
            pos = data.index(b'\n', pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b'P6' or fields[3] != b'255':
        raise ValueError('not an 8-bit P6 PPM')
    w, h = int(fields[1]), int(fields[2])
    px = data[pos + 1:pos + 1 + w * h * 3]
    if len(px) != w * h * 3:
        raise ValueError('truncated')
    return w, h, px


def main():
    try:
        a = read_ppm(sys.argv[1])
        b = read_ppm(sys.argv[2])
    except (OSError, ValueError, IndexError) as e:
        print('compare: %s' % e)
        return 2
    if a[:2] != b[:2]:
        print('sizes differ: %dx%d and %dx%d' % (a[0], a[1], b[0], b[1]))
        return 1
    w, h = a[0], a[1]
    if a[2] == b[2]:
        print('identical, %dx%d' % (w, h))
        return 0
    diff, box = 0, [w, h, -1, -1]
    for i in range(w * h):
        if a[2][3 * i:3 * i + 3] != b[2][3 * i:3 * i + 3]:
            diff += 1
            x, y = i % w, i // w
            box = [min(box[0], x), min(box[1], y), max(box[2], x), max(box[3], y)]
    print('%d of %d pixels differ, within (%d,%d)-(%d,%d)' % (diff, w * h, *box))
    return 1


if __name__ == '__main__':
    sys.exit(main())
