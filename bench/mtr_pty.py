#!/usr/bin/python3
"""Run a full-screen mtr in a pseudo-terminal for bench/mtr.sh.

    mtr_pty.py cpu SECONDS -- CMD...
        run CMD for SECONDS (its output read and thrown away), then read the
        CPU time (user + system, from /proc) and the peak RSS (VmHWM) of it
        and of every descendant (mtr's mtr-packet), type q, wait for its end;
        prints "cpu_s X rss_kib Y procs N".
    mtr_pty.py first HOPS TIMEOUT -- CMD...
        the time from start until the screen (read with pyte) shows an
        address on every hop line 1..HOPS; prints "first_s X" (or
        "first_s timeout"), then types q.

The terminal is 160 x 60.  The program gets it as its controlling terminal.
"""
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

COLS, ROWS = 160, 60


def spawn(cmd):
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))

    def setup():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave,
                         preexec_fn=setup, env=env, close_fds=True)
    os.close(slave)
    return p, master


def read_some(master, secs):
    r, _, _ = select.select([master], [], [], secs)
    if not r:
        return b""
    try:
        return os.read(master, 65536)
    except OSError:
        return b""


def tree(pid):
    """pid and its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for t in os.listdir("/proc/%d/task" % p):
                with open("/proc/%d/task/%s/children" % (p, t)) as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return out


def cpu_rss(pid):
    tick = os.sysconf("SC_CLK_TCK")
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / tick
    rss = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                rss = int(line.split()[1])
    return cpu, rss


def finish(p, master):
    os.write(master, b"q")
    end = time.monotonic() + 10
    while p.poll() is None and time.monotonic() < end:
        read_some(master, 0.1)
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()


def main():
    mode = sys.argv[1]
    sep = sys.argv.index("--")
    args, cmd = sys.argv[2:sep], sys.argv[sep + 1:]
    if mode == "cpu":
        secs = float(args[0])
        p, master = spawn(cmd)
        end = time.monotonic() + secs
        while time.monotonic() < end:
            read_some(master, 0.2)
        cpu = rss = 0
        procs = tree(p.pid)
        for pid in procs:
            try:
                c, r = cpu_rss(pid)
            except OSError:
                continue
            cpu += c
            rss += r
        finish(p, master)
        print("cpu_s %.2f rss_kib %d procs %d" % (cpu, rss, len(procs)))
    elif mode == "first":
        import pyte
        hops, timeout = int(args[0]), float(args[1])
        screen = pyte.Screen(COLS, ROWS)
        stream = pyte.ByteStream(screen)
        start = time.monotonic()
        p, master = spawn(cmd)
        want = [re.compile(r"^ *%d\. [0-9a-f.:]+\s" % k) for k in range(1, hops + 1)]
        got = None
        while time.monotonic() - start < timeout and p.poll() is None:
            data = read_some(master, 0.01)
            if not data:
                continue
            stream.feed(data)
            lines = [screen.display[i] for i in range(screen.lines)]
            if all(any(w.match(l) for l in lines) for w in want):
                got = time.monotonic() - start
                break
        finish(p, master)
        print("first_s %s" % ("%.3f" % got if got is not None else "timeout"))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
