#!/usr/bin/python3
"""prom_monotonic.py: counters never go down between two scrapes.

    prom_monotonic.py EARLIER LATER

For every series of a counter family (and every _bucket, _sum and _count
of a histogram) present in both expositions, LATER's value must be >=
EARLIER's.  Prints each one that went down and "checked: N series"; exit
1 if any did.
"""
import sys

sys.path.insert(0, __import__('os').path.dirname(__file__))
from prom_compare import parse  # noqa: E402


def counters(fams):
    out = {}
    for name, f in fams.items():
        if f.get('type') not in ('counter', 'histogram'):
            continue
        for sample, labels, value in f['samples']:
            out[(sample, tuple(sorted(labels.items())))] = value
    return out


def main():
    a, b = counters(parse(sys.argv[1])), counters(parse(sys.argv[2]))
    bad = checked = 0
    for key, v in a.items():
        if key not in b:
            continue
        checked += 1
        if b[key] < v:
            bad += 1
            print('%s%s went down: %g -> %g' % (key[0], dict(key[1]), v, b[key]))
    print('checked: %d series' % checked)
    return 1 if bad or not checked else 0


if __name__ == '__main__':
    sys.exit(main())
