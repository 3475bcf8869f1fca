#!/usr/bin/python3
"""send_jitter.py: how well a prober keeps each target's interval, from a
capture of its echo requests.

    tcpdump -r CAP -tt -nn 'icmp[icmptype] == 8 or icmp6[0] == 128' |
        send_jitter.py INTERVAL_MS [FROM TO]

For every destination, the gaps between its consecutive requests (those
sent between unix times FROM and TO, when given); prints
    n GAPS p50 MS p99 MS max MS missed N targets N
where the MS figures are |gap - interval| (the schedule's error) and
missed counts the slots in which no request went: for each destination,
the intervals its first and last requests span less the gaps between its
requests.  A late request is not a missed one (its gap is long, the next
one short: the errors show it); one left out is.
"""
import sys


def main():
    iv = float(sys.argv[1]) / 1000
    lo = float(sys.argv[2]) if len(sys.argv) > 3 else float('-inf')
    hi = float(sys.argv[3]) if len(sys.argv) > 3 else float('inf')
    first, last, count, errs = {}, {}, {}, []
    for line in sys.stdin:
        f = line.split()
        if len(f) < 5 or f[1] not in ('IP', 'IP6'):
            continue
        t, dst = float(f[0]), f[4].rstrip(':')
        if not lo <= t <= hi:
            continue
        if dst in last:
            errs.append(abs(t - last[dst] - iv) * 1000)
        else:
            first[dst], count[dst] = t, 0
        last[dst] = t
        count[dst] += 1
    errs.sort()
    missed = sum(max(0, round((last[d] - first[d]) / iv) - (count[d] - 1))
                 for d in last)

    def q(p):
        return errs[min(len(errs) - 1, int(p * len(errs)))] if errs else -1
    print('n %d p50 %.3f p99 %.3f max %.3f missed %d targets %d'
          % (len(errs), q(0.5), q(0.99), errs[-1] if errs else -1, missed, len(last)))


if __name__ == '__main__':
    main()
