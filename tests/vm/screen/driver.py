#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host side of the screen's VM test (tests/vm/screen/check-screen.sh).

   driver.py --dumps DIR --monitor SOCK [--device QEMU-DEVICE] -- tests/vm/run-vm.sh --live ...

Runs the VM, copies its live output to stdout, and answers the payload's requests at once
(the payload holds still for a few seconds after each): "# SCREENDUMP NAME" -> QEMU's
screendump into DIR/NAME.ppm; "# HOTPLUG del|add" -> the display device (bochs-display by
default) removed (device_del) or added back (device_add). Exit status: run-vm.sh's.
"""
import os
import re
import socket
import subprocess
import sys
import time


def connect(path, timeout=120):
    end = time.time() + timeout
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.time() > end:
                raise
            time.sleep(0.2)


class Monitor:
    def __init__(self, path):
        self.s = connect(path)
        self.s.settimeout(60)
        self.read_prompt()

    def read_prompt(self):
        buf = b''
        while not buf.endswith(b'(qemu) '):
            chunk = self.s.recv(4096)
            if not chunk:
                raise EOFError('monitor closed')
            buf += chunk
        return buf.decode(errors='replace')

    def cmd(self, line):
        self.s.sendall(line.encode() + b'\n')
        return self.read_prompt()


def main():
    args = sys.argv[1:]
    sep = args.index('--')
    opts = dict(zip(args[0:sep:2], args[1:sep:2]))
    cmd = args[sep + 1:]
    dumps, mon_path = opts['--dumps'], opts['--monitor']
    device = opts.get('--device', 'bochs-display')
    os.makedirs(dumps, exist_ok=True)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, bufsize=1)
    mon = None
    for line in p.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        m = re.match(r'#\s*(SCREENDUMP|HOTPLUG)\s+(\S+)', line.strip())
        if not m:
            continue
        if mon is None:
            mon = Monitor(mon_path)
        what, arg = m.groups()
        if what == 'SCREENDUMP':
            out = os.path.join(dumps, arg + '.ppm')
            reply = mon.cmd('screendump ' + out)
            if not os.path.exists(out):
                print('# driver: screendump %s failed: %s' % (arg, reply.strip()), flush=True)
        elif arg == 'del':
            mon.cmd('device_del disp')
            # the guest ejects the slot (ACPI hot-plug); wait until QEMU has let it go
            for _ in range(30):
                if 'disp' not in mon.cmd('info qtree'):
                    break
                time.sleep(0.1)
        elif arg == 'add':
            # in another slot: QEMU 7.2 aborts when a bochs-display comes back into the slot it
            # was removed from ('RAMBlock "0000:00:02.0/bochs-display-vram" already registered')
            reply = mon.cmd('device_add %s,id=disp2,addr=0x6,xres=1280,yres=800' % device)
            reply = reply.split('\r\n', 1)[1] if '\r\n' in reply else ''
            print('# driver: device_add: %s' % (reply.replace('(qemu) ', '').strip() or 'done'),
                  flush=True)

    return p.wait()


if __name__ == '__main__':
    sys.exit(main())
