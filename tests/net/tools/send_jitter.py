#!/usr/bin/python3
"""send_jitter.py: how well a prober keeps each target's interval, from a
capture of its echo requests.

    tcpdump -r CAP -tt -nn 'icmp[icmptype] == 8 or icmp6[0] == 128' |
        send_jitter.py INTERVAL_MS [FROM TO]

For every destination, the gaps between its consecutive requests (those
sent between unix times FROM and TO, when given); prints
    n GAPS p50 MS p99 MS max MS missed N targets N
where the MS figures are |gap - interval| (the schedule's error) and
missed counts the requests a gap longer than 1.5 intervals left out.
"""
import sys


def main():
    iv = float(sys.argv[1]) / 1000
    lo = float(sys.argv[2]) if len(sys.argv) > 3 else float('-inf')
    hi = float(sys.argv[3]) if len(sys.argv) > 3 else float('inf')
    last, errs, missed = {}, [], 0
    for line in sys.stdin:
        f = line.split()
        if len(f) < 5 or f[1] not in ('IP', 'IP6'):
            continue
        t, dst = float(f[0]), f[4].rstrip(':')
        if not lo <= t <= hi:
            continue
        if dst in last:
            gap = t - last[dst]
            errs.append(abs(gap - iv) * 1000)
            if gap > 1.5 * iv:
                missed += int(round(gap / iv)) - 1
        last[dst] = t
    errs.sort()

    def q(p):
        return errs[min(len(errs) - 1, int(p * len(errs)))] if errs else -1
    print('n %d p50 %.3f p99 %.3f max %.3f missed %d targets %d'
          % (len(errs), q(0.5), q(0.99), errs[-1] if errs else -1, missed, len(last)))


if __name__ == '__main__':
    main()
