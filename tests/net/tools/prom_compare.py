#!/usr/bin/python3
"""prom_compare.py: compare two Prometheus text expositions family by family.

    prom_compare.py REF OURS [--ignore PREFIX]... [--same-series]
                    [--values NAME=TOL]...

For every metric family of REF (the peer's output, e.g. smokeping_prober's)
that no --ignore prefix matches, OURS must have the family with the same
TYPE and HELP text, the same label names on its samples, and for a
histogram the same bucket bounds (le).  --same-series: the same label
values too (le aside).  --values NAME=TOL: the samples of NAME in both
files differ by at most TOL (matched by labels).  Prints one line per
difference and "same: N families" at the end; exit 1 on any difference.
"""
import re
import sys

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$')
LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?')


def parse_labels(text):
    out, pos = {}, 0
    while pos < len(text):
        m = LABEL.match(text, pos)
        if not m:
            raise ValueError('bad labels: %r' % text)
        out[m.group(1)] = m.group(2)
        pos = m.end()
    return out


def parse(path):
    fams = {}
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if not line:
            continue
        if line.startswith('# HELP '):
            name, _, help_ = line[7:].partition(' ')
            fams.setdefault(name, {'samples': []})['help'] = help_
            continue
        if line.startswith('# TYPE '):
            name, _, typ = line[7:].partition(' ')
            fams.setdefault(name, {'samples': []})['type'] = typ
            continue
        if line.startswith('#'):
            continue
        m = SAMPLE.match(line)
        if not m:
            raise ValueError('%s: bad line %r' % (path, line))
        name, labels, value = m.group(1), parse_labels(m.group(3) or ''), m.group(4)
        fam = name
        for suffix in ('_bucket', '_sum', '_count'):
            base = name[:-len(suffix)]
            if name.endswith(suffix) and fams.get(base, {}).get('type') == 'histogram':
                fam = base
        fams.setdefault(fam, {'samples': []})['samples'].append((name, labels, float(value)))
    return fams


def main():
    args = sys.argv[1:]
    ignore, values, same_series, files = [], {}, False, []
    while args:
        a = args.pop(0)
        if a == '--ignore':
            ignore.append(args.pop(0))
        elif a == '--same-series':
            same_series = True
        elif a == '--values':
            k, _, v = args.pop(0).partition('=')
            values[k] = float(v)
        else:
            files.append(a)
    ref, ours = parse(files[0]), parse(files[1])
    bad, same = 0, 0

    def differ(msg):
        nonlocal bad
        bad += 1
        print(msg)

    for name, f in sorted(ref.items()):
        if any(name.startswith(p) for p in ignore):
            continue
        o = ours.get(name)
        if o is None:
            differ('%s: missing' % name)
            continue
        for key in ('type', 'help'):
            if f.get(key) != o.get(key):
                differ('%s: %s %r, the reference has %r' % (name, key, o.get(key), f.get(key)))
        rnames = {tuple(sorted(l)) for _, l, _ in f['samples']}
        onames = {tuple(sorted(l)) for _, l, _ in o['samples']}
        if rnames != onames:
            differ('%s: label names %s, the reference has %s' % (name, sorted(onames), sorted(rnames)))
        if f.get('type') == 'histogram':
            rle = {l.get('le') for n, l, _ in f['samples'] if n.endswith('_bucket')}
            ole = {l.get('le') for n, l, _ in o['samples'] if n.endswith('_bucket')}
            if rle != ole:
                differ('%s: buckets %s, the reference has %s' % (name, sorted(ole), sorted(rle)))
        if same_series:
            def series(fam):
                return {tuple(sorted((k, v) for k, v in l.items() if k != 'le'))
                        for _, l, _ in fam['samples']}
            if series(f) != series(o):
                differ('%s: series %s, the reference has %s' % (name, sorted(series(o)), sorted(series(f))))
        same += 1
    for name, tol in values.items():
        rv = {tuple(sorted(l.items())): v for n, l, v in ref.get(name, {'samples': []})['samples'] if n == name}
        ov = {tuple(sorted(l.items())): v for n, l, v in ours.get(name, {'samples': []})['samples'] if n == name}
        if not rv:
            differ('%s: no samples in the reference' % name)
        for k, v in rv.items():
            if k not in ov:
                differ('%s%s: missing' % (name, dict(k)))
            elif abs(ov[k] - v) > tol:
                differ('%s%s: %g, the reference %g (tolerance %g)' % (name, dict(k), ov[k], v, tol))
    print('same: %d families' % same)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
