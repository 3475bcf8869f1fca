#!/usr/bin/python3
"""Drive a full-screen program in a pseudo-terminal and read its screen back
with a terminal emulator (pyte), for echolot's screen tests.

    pty_screen.py [--cols N] [--rows N] [--timeout S] SCRIPT -- CMD ARGS...

SCRIPT is a ';'-separated list of steps:
    wait S            read the program's output for S seconds
    until REGEX [S]   read until a line of the screen matches (at most S s,
                      default 10); fails the run when it never does
    key K             type K (\\n, \\x03 and other escapes are understood)
    resize C R        set the window size (the kernel sends SIGWINCH)
    signal NAME       send the program a signal (TERM, INT, ...)
    dump [LABEL]      print the screen, framed by '=== LABEL' and '=== end'
    exit [S]          wait (at most S s, default 10) for the program to end

At the end it prints 'EXIT <status>' (or 'EXIT timeout', after killing the
program), 'TERMIOS echo=<0|1> icanon=<0|1>' (the terminal's mode as the
program left it) and 'RAW-TAIL <hex>' (the last bytes it wrote).  The child
gets the terminal as its controlling terminal, so window changes reach it as
SIGWINCH, as in a real terminal.  Exit status 0 unless a step failed."""
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time

import pyte


def set_size(fd, cols, rows):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def main():
    args = sys.argv[1:]
    cols, rows, timeout = 100, 30, 60.0
    while args and args[0].startswith("--"):
        opt = args.pop(0)
        if opt == "--":
            break
        val = args.pop(0)
        if opt == "--cols":
            cols = int(val)
        elif opt == "--rows":
            rows = int(val)
        elif opt == "--timeout":
            timeout = float(val)
        else:
            sys.exit("pty_screen: unknown option " + opt)
    if len(args) < 3 or args[1] != "--":
        sys.exit(__doc__)
    script, cmd = args[0], args[2:]

    master, slave = os.openpty()
    set_size(slave, cols, rows)
    # The terminal starts in the mode a shell leaves it in (cooked, echo).
    attrs = termios.tcgetattr(slave)
    attrs[3] |= termios.ECHO | termios.ICANON
    termios.tcsetattr(slave, termios.TCSANOW, attrs)

    def child_setup():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave,
                            preexec_fn=child_setup, env=env, close_fds=True)
    screen = pyte.Screen(cols, rows)
    stream = pyte.ByteStream(screen)
    raw = bytearray()
    deadline = time.monotonic() + timeout
    failed = False

    def pump(secs):
        end = min(time.monotonic() + secs, deadline)
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            r, _, _ = select.select([master], [], [], left)
            if not r:
                return
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            raw.extend(data)
            del raw[:-4096]
            stream.feed(data)

    def lines():
        return [screen.display[i].rstrip() for i in range(screen.lines)]

    for step in [s.strip() for s in script.split(";") if s.strip()]:
        words = step.split(None, 1)
        op, arg = words[0], (words[1] if len(words) > 1 else "")
        if op == "wait":
            pump(float(arg))
        elif op == "until":
            m = re.match(r"(.*?)(?:\s+([0-9.]+))?$", arg)
            pat, secs = re.compile(m.group(1)), float(m.group(2) or 10)
            end = time.monotonic() + secs
            while not any(pat.search(l) for l in lines()):
                if time.monotonic() >= end or proc.poll() is not None:
                    pump(0.05)
                    if not any(pat.search(l) for l in lines()):
                        print("STEP-FAILED until " + m.group(1))
                        failed = True
                    break
                pump(0.05)
        elif op == "key":
            os.write(master, arg.encode().decode("unicode_escape").encode("latin-1"))
        elif op == "resize":
            c, r = (int(x) for x in arg.split())
            screen.resize(r, c)
            set_size(master, c, r)
        elif op == "signal":
            proc.send_signal(getattr(signal, "SIG" + arg))
        elif op == "dump":
            print("=== " + (arg or "screen"))
            for l in lines():
                print(l)
            print("=== end")
        elif op == "exit":
            end = time.monotonic() + float(arg or 10)
            while proc.poll() is None and time.monotonic() < end:
                pump(0.05)
            pump(0.2)   # what it wrote last, still in the terminal's buffer
        else:
            sys.exit("pty_screen: unknown step " + op)
    pump(0.1)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        print("EXIT timeout")
    else:
        print("EXIT %d" % proc.returncode)
    attrs = termios.tcgetattr(slave)
    print("TERMIOS echo=%d icanon=%d" % (bool(attrs[3] & termios.ECHO),
                                         bool(attrs[3] & termios.ICANON)))
    print("RAW-TAIL " + bytes(raw[-64:]).hex())
    os.close(master)
    os.close(slave)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
