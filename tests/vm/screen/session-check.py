#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host side of the screen's session VM (tests/vm/screen/session.sh, docs/screen.md).

   session-check.py VMOUT DUMPS PAYLOAD TOOL OUTDIR KREL

VMOUT is the VM's output with its "# STATUS NAME before|after JSON" and "# PAD W H PMAX"
lines; DUMPS the screendumps (NAME.ppm); PAYLOAD the files the VM was given (pattern.ppm,
pen.txt); TOOL biounit-screen. For each screendump the state biounitd reported just before it
(which must equal the one just after it) is written as a scene and drawn into memory by
`biounit-screen render` (OUTDIR/expected/NAME.ppm); the screendump must equal it, pixel for
pixel. Independently of the renderer: the preview region is found in the screendump and must
be the camera's scene mirrored (every 7th pixel of it that the guide and the bar leave); after
the daemon stopped the screen must be one colour; biounitd's log (in VMOUT) must hold its
input-to-page-flip figures for camera frames and pen samples, printed as "# LATENCY" lines.
Prints TAP; exit 0 when every check passed.
"""
import base64
import json
import os
import re
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import read_ppm  # noqa: E402

STEPS = 'steps=photo,fingers,signature'
# what each screendump shows: biounitd's scene_of() (userspace/daemon/screen.c) for the status
DUMPS = ['01-waiting', '02-photo-preview', '03-photo-kept', '03-photo-review', '04-fingers',
         '05-fingers-retry', '06-signature', '07-signature-kept', '07-signature-review', '08-done',
         '09-stopped']
# the result of a finger's try without a reason of its own (userspace/daemon/screen.c)
FINGER_OK = ('Vingerafdruk opgenomen.', 'Fingerprint taken.')
FINGER_AGAIN = ('Deze afdruk is niet goed genoeg; nog een keer.',
                'This print is not good enough; once more.')


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, what):
        self.n += 1
        self.failed += not ok
        print('%s %d - %s' % ('ok' if ok else 'not ok', self.n, what), flush=True)


def texts(st, advice=True):
    """the prompt and the live advice of status @st as scene fields"""
    f = ['prompt_nl=' + st['prompt_nl'], 'prompt_en=' + st['prompt_en']]
    if advice and st['live_nl']:
        f += ['advice_nl=' + st['live_nl'], 'advice_en=' + st['live_en'], 'tone=act']
    return f


def screen_fields(st):
    """what of status @st the screen shows (the hand-off's progress may change meanwhile)"""
    return [st.get(k) for k in ('state', 'step', 'finger', 'attempt', 'max_attempts', 'prompt_nl',
                                'prompt_en', 'live_nl', 'live_en', 'last')] + [st.get('screen')]


def finger_result(st):
    """the result of the last finger's try the fingers scene shows for @st: advice fields"""
    last = st.get('last') or {}
    if last.get('step') != 'fingers' or st['live_nl']:
        return []
    if last['compliant']:
        return ['advice_nl=' + FINGER_OK[0], 'advice_en=' + FINGER_OK[1], 'tone=good']
    nl, en = (last['msg_nl'], last['msg_en']) if last['msg_nl'] else FINGER_AGAIN
    return ['advice_nl=' + nl, 'advice_en=' + en, 'tone=act']


def scene_line(name, st, payload, kept):
    """the scene biounitd draws for status @st, as a line of biounit-screen's script"""
    if name == '01-waiting':
        return ['welcome', 'name=' + name]
    scene = st['screen']['scene']
    f = [scene, STEPS]
    if scene == 'photo_live':
        f += ['frame=' + os.path.join(payload, 'pattern.ppm'), 'guide=1'] + texts(st)
    elif scene == 'fingers':
        # the finger lies on the scanner only between the dumps (session.sh lifts it first)
        f += ['finger=%d' % st['finger'], 'placed=0',
              'attempt=%d/%d' % (st['attempt'], st['max_attempts'])] + texts(st) + \
            finger_result(st)
    elif scene == 'photo_kept':
        # the crop biounitd saved, as the VM sent it; the scene's own header, no advice
        f += ['photo=' + kept]
    elif scene == 'signature_kept':
        f += ['pen=' + os.path.join(payload, 'pen.sig')]
    elif scene == 'signature':
        f += ['pen=' + os.path.join(payload, 'pen.sig'), 'buttons=clear'] + texts(st)
    elif scene == 'done':
        f += texts(st, advice=False)
    else:
        f += texts(st)
    if any('|' in x or '\n' in x for x in f):
        raise ValueError('a text with | or a newline: %r' % f)
    return f + ['name=' + name]


def pen_sig(payload, pad):
    """pen.txt (the simulator's script: t_us x y pressure) as a signature file, the pad's box"""
    w, h, pmax = pad
    out = ['biounit-signature 1', 'box 0 0 %d %d 39 %d' % (w, h, pmax)]
    with open(os.path.join(payload, 'pen.txt')) as f:
        for line in f:
            v = line.split()
            if len(v) == 4 and v[0].isdigit():
                out.append('%s %s %s %s %d' % (v[0], v[1], v[2], v[3], int(v[3]) > 0))
    with open(os.path.join(payload, 'pen.sig'), 'w') as f:
        f.write('\n'.join(out) + '\n')


def preview_mirrored(dump, scene):
    """the preview region of @dump is @scene mirrored: (ok, what was seen)"""
    w, h, px = dump
    fw, fh, fpx = scene
    # the scene's blue channel is 128 everywhere (session.sh's pattern): the region is where
    # most columns and rows hold that blue (the guide and the advice bar cover some of it)
    cols, rows = [0] * w, [0] * h
    for y in range(0, h, 2):
        for x in range(0, w, 2):
            if px[3 * (w * y + x) + 2] == 128:
                cols[x] += 1
                rows[y] += 1
    if max(cols) < 50:
        return False, 'no preview region found'
    xs = [x for x in range(w) if cols[x] >= max(cols) / 2]
    ys = [y for y in range(h) if rows[y] >= max(rows) / 2]
    x0, x1, y0, y1 = xs[0], xs[-1], ys[0], ys[-1]
    ym, xm = (y0 + y1) // 2, (x0 + x1) // 2

    def blue(x, y):
        return 0 <= x < w and 0 <= y < h and px[3 * (w * y + x) + 2] == 128
    while blue(x0 - 1, ym):
        x0 -= 1
    while blue(x1 + 1, ym):
        x1 += 1
    while blue(xm, y0 - 1):
        y0 -= 1
    while blue(xm, y1 + 1):
        y1 += 1
    rw, rh = x1 - x0 + 1, y1 - y0 + 1
    if abs(rw * fh - rh * fw) > max(fw, fh):
        return False, 'the region (%d,%d) %dx%d does not keep the frame\'s aspect' % (x0, y0, rw, rh)
    same = mirrored = total = 0
    for y in range(y0, y1 + 1, 7):
        for x in range(x0, x1 + 1, 7):
            total += 1
            got = px[3 * (w * y + x):3 * (w * y + x) + 3]
            sx = fw - 1 - (x - x0) * fw // rw
            sy = (y - y0) * fh // rh
            if got == fpx[3 * (fw * sy + sx):3 * (fw * sy + sx) + 3]:
                mirrored += 1
            ux = (x - x0) * fw // rw
            if got == fpx[3 * (fw * sy + ux):3 * (fw * sy + ux) + 3]:
                same += 1
    share = mirrored / total
    return share >= 0.9 and same / total < 0.5, (
        'region (%d,%d) %dx%d; %.1f %% of %d samples are the scene mirrored, %.1f %% unmirrored'
        % (x0, y0, rw, rh, 100 * share, total, 100 * same / total))


def main():
    vmout, dumps, payload, tool, outdir, krel = sys.argv[1:7]
    payload = os.path.abspath(payload)
    status, pad, latency, b64 = {}, None, {}, []
    with open(vmout, errors='replace') as f:
        for line in f:
            m = re.search(r'screen: (camera frame|pen sample) to page flip: (\d+) drawn, (\d+) shown; '
                          r'median ([\d.]+) ms, p99 ([\d.]+) ms, max ([\d.]+) ms', line)
            if m:
                latency[m.group(1)] = (int(m.group(2)), int(m.group(3))) + \
                    tuple(float(v) for v in m.group(4, 5, 6))
            m = re.match(r'# STATUS (\S+) (before|after) (.*)$', line.rstrip('\n'))
            if m:
                try:
                    status[(m.group(1), m.group(2))] = json.loads(m.group(3))
                except ValueError:
                    status[(m.group(1), m.group(2))] = None
            if line.startswith('# B64 '):
                b64.append(line[6:].strip())
            m = re.match(r'# PAD (\d+) (\d+) (\d+)$', line.strip())
            if m:
                pad = tuple(int(v) for v in m.groups())
    tap = Tap()
    print('1..%d' % (len(DUMPS) + 3), flush=True)
    exp = os.path.join(outdir, 'expected')
    shutil.rmtree(exp, ignore_errors=True)  # nothing of an earlier run is compared
    os.makedirs(exp)
    kept = os.path.join(exp, 'kept-photo.png')
    try:
        with open(kept, 'wb') as f:
            f.write(base64.b64decode(''.join(b64), validate=True))
    except ValueError as e:
        print('# the kept photo from the VM: %s' % e, flush=True)
    if pad:
        pen_sig(payload, pad)
    lines = {}
    for name in DUMPS[:-1]:
        if name == '01-waiting':
            lines[name] = scene_line(name, None, payload, kept)
            continue
        a, b = status.get((name, 'before')), status.get((name, 'after'))
        if a is None or b is None:
            lines[name] = None
        elif screen_fields(a) != screen_fields(b):
            lines[name] = 'the status changed while the screendump was taken'
        else:
            lines[name] = scene_line(name, a, payload, kept)
    script = os.path.join(exp, 'session.txt')
    with open(script, 'w') as f:
        for name in DUMPS[:-1]:
            if isinstance(lines[name], list):
                f.write('|'.join(lines[name]) + '\n')
    r = subprocess.run([tool, 'render', '--ppm', '--size', '1280x800', '--out', exp, script],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode:
        print('# biounit-screen render: %s' % r.stderr.strip(), flush=True)
    for name in DUMPS[:-1]:
        what = '%s: screendump %s equals the state biounitd reported, drawn in memory' % (krel, name)
        ln = lines[name]
        if not isinstance(ln, list):
            tap.check(False, '%s (%s)' % (what, ln or 'no status around it from the VM'))
            continue
        print('# %s: %s' % (name, '|'.join(x for x in ln if not x.startswith('name='))), flush=True)
        msg = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), 'compare.py'),
                              os.path.join(dumps, name + '.ppm'), os.path.join(exp, name + '.ppm')],
                             stdout=subprocess.PIPE, text=True)
        tap.check(msg.returncode == 0, '%s (%s)' % (what, msg.stdout.strip()))
    # the dry print's try: its reason is what the retry's screen says (drawn above, compared)
    st = status.get(('05-fingers-retry', 'before')) or {}
    last = st.get('last') or {}
    ln = lines.get('05-fingers-retry')
    ok = (last.get('step') == 'fingers' and last.get('compliant') is False and
          isinstance(ln, list) and any(x.startswith('advice_nl=') for x in ln))
    tap.check(ok, '%s: the retry\'s screen shows the failed try\'s result (%s / %s)'
              % (krel, last.get('msg_nl') or FINGER_AGAIN[0], last.get('msg_en') or FINGER_AGAIN[1]))
    try:
        ok, msg = preview_mirrored(read_ppm(os.path.join(dumps, '02-photo-preview.ppm')),
                                   read_ppm(os.path.join(payload, 'pattern.ppm')))
    except (OSError, ValueError) as e:
        ok, msg = False, str(e)
    tap.check(ok, '%s: the preview on the screen is the camera\'s scene mirrored (%s)' % (krel, msg))
    try:
        w, h, px = read_ppm(os.path.join(dumps, '09-stopped.ppm'))
        counts = {}
        for i in range(0, len(px), 3 * 5):
            counts[px[i:i + 3]] = counts.get(px[i:i + 3], 0) + 1
        top = max(counts.values()) / sum(counts.values())
        ok, msg = top >= 0.99, '%.2f %% of the pixels one colour' % (100 * top)
    except (OSError, ValueError) as e:
        ok, msg = False, str(e)
    tap.check(ok, '%s: after biounitd stopped the screen holds nothing of the session (%s)'
              % (krel, msg))
    # biounitd's own measure, logged when it stopped (docs/screen.md, "Latency")
    ok, msgs = True, []
    for what in ('camera frame', 'pen sample'):
        v = latency.get(what)
        if not v:
            ok = False
            msgs.append('%s: not logged' % what)
            continue
        drawn, shown, med, p99, mx = v
        ok = ok and 0 < shown <= drawn and 0 <= med <= p99 <= mx
        msgs.append('%s: %d of %d shown, median %.1f ms, p99 %.1f ms' % (what, shown, drawn, med, p99))
        print('# LATENCY %s %s to page flip: shown %d of %d drawn, median %.1f ms, p99 %.1f ms, '
              'max %.1f ms' % (krel, what, shown, drawn, med, p99, mx), flush=True)
    tap.check(ok, '%s: biounitd measured input to page flip (%s)' % (krel, '; '.join(msgs)))
    return 1 if tap.failed else 0


if __name__ == '__main__':
    sys.exit(main())
