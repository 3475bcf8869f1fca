#!/usr/bin/python3
"""exporter_lib.py: the measurements of bench/exporter.sh.

    exporter_lib.py ticks PID
        utime + stime of PID (all its threads) in seconds
    exporter_lib.py rtt PCAP SRC DST METRICS WALL_NS HOST
        RTT fidelity of an exporter's histogram: the echo requests SRC->DST
        and replies in PCAP (captured on the prober's side) whose reply
        came before WALL_NS (when the scrape was taken), against the
        histogram of HOST in the METRICS file (smokeping_prober's names):
        n, mean RTT from the capture and from _sum/_count, their
        difference, and the share of probes the histogram puts in another
        bucket than the capture does
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'tests', 'net', 'tools'))
import benchlib  # noqa: E402
from prom_compare import parse  # noqa: E402


def ticks(pid):
    with open('/proc/%s/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    hz = os.sysconf('SC_CLK_TCK')
    print('%.2f' % ((int(fields[11]) + int(fields[12])) / hz))


def rtt(pcap, src, dst, metrics, wall_ns, host):
    req, rep, _ = benchlib.echo_times(pcap, benchlib.canon(src), benchlib.canon(dst))
    wall_ns = int(wall_ns)
    caps = sorted((rep[k] - t) / 1e9 for k, t in req.items() if k in rep and rep[k] < wall_ns)
    fam = parse(metrics)['smokeping_response_duration_seconds']
    buckets, total, count = {}, None, None
    for name, labels, v in fam['samples']:
        if labels.get('host') != host:
            continue
        if name.endswith('_bucket'):
            le = labels['le']
            buckets[float('inf') if le == '+Inf' else float(le)] = v
        elif name.endswith('_sum'):
            total = v
        elif name.endswith('_count'):
            count = v
    if not caps or not count:
        print('n 0')
        return
    bounds = sorted(buckets)
    # Per bucket: the exporter's counts against the capture's.
    cap_in, exp_in, prev = {}, {}, 0
    for b in bounds:
        exp_in[b] = buckets[b] - prev
        prev = buckets[b]
        cap_in[b] = 0
    for c in caps:
        for b in bounds:
            if c <= b:
                cap_in[b] += 1
                break
    moved = sum(abs(exp_in[b] - cap_in[b] * count / len(caps)) for b in bounds) / 2
    cap_mean = sum(caps) / len(caps)
    exp_mean = total / count
    print('n %d captured %d capture_mean_us %.2f exporter_mean_us %.2f '
          'mean_error_us %.2f other_bucket_pct %.2f'
          % (count, len(caps), cap_mean * 1e6, exp_mean * 1e6,
             (exp_mean - cap_mean) * 1e6, 100.0 * moved / count))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'ticks':
        ticks(*args)
    elif cmd == 'rtt':
        rtt(*args)
    else:
        sys.exit('exporter_lib.py: unknown command %s' % cmd)


if __name__ == '__main__':
    main()
