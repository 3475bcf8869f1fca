#!/usr/bin/python3
"""bench/benchlib.py: measuring and reporting helpers for bench/run.sh.

Standard library only (runs with Debian's /usr/bin/python3).  Subcommands:

  run OUT.json TIMEOUT -- CMD...
      Run CMD under `/usr/bin/time -f %M` (peak RSS of CMD itself), measure the
      wall time around it with a monotonic clock and the CPU time of the child
      tree with wait4(2) (microsecond resolution).  CMD's stdout and stderr go
      to OUT.json's sibling files OUT.stdout / OUT.stderr.  A ping summary line
      ("N packets transmitted, M received") is parsed when present.

  startup OUT.json RUNS WARMUP NAME=CMD NAME=CMD ...
      Fallback when hyperfine is missing: run each CMD RUNS times, interleaved,
      after WARMUP untimed runs, and record the wall times.

  hyperfine OUT.json NAME FILE.json...
      Pool the per-run times of the hyperfine exports for command NAME.

  rtt OUT.json PCAP PING_STDOUT SRC DST [PCAP_TARGET]
      Pair the echo requests (SRC -> DST) with their replies (DST -> SRC) in a
      nanosecond pcap by ICMP id+seq, and compare each capture RTT with the
      time= that ping printed for that icmp_seq.  With PCAP_TARGET (captured
      on the target's veth), also with the request's arrival at the target.

  report RESULTS_DIR
      Print the comparison table and the verdicts.  RESULTS_DIR/meta.json
      lists the RTT runs, {"rtt": [{"interval": "0.002", "count": 200}, ...]},
      whose results are rtt-echolot-iINTERVAL.json and rtt-iputils-iINTERVAL.json.
"""

import json
import os
import re
import signal
import socket
import statistics
import struct
import subprocess
import sys
import threading
import time


def die(msg):
    print("benchlib: " + msg, file=sys.stderr)
    sys.exit(2)


def quantile(xs, q):
    """Linear interpolation between closest ranks (numpy's default)."""
    xs = sorted(xs)
    if not xs:
        return float("nan")
    pos = (len(xs) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


SUMMARY_RE = re.compile(r"(\d+) packets transmitted, (\d+) received")


# --- run ---------------------------------------------------------------------

def cmd_run(args):
    out, timeout = args[0], float(args[1])
    if args[2] != "--":
        die("run: expected --")
    cmd = args[3:]
    base = out[:-5] if out.endswith(".json") else out
    tfile = base + ".time"
    with open(base + ".stdout", "wb") as so, open(base + ".stderr", "wb") as se:
        t0 = time.perf_counter_ns()
        p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", tfile] + cmd,
                             stdout=so, stderr=se, stdin=subprocess.DEVNULL,
                             start_new_session=True)
        timed_out = []

        def kill():
            timed_out.append(1)
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, ru = os.wait4(p.pid, 0)
        t1 = time.perf_counter_ns()
        timer.cancel()
        p.returncode = 0  # reaped by wait4; keep Popen from waiting again
    rc = os.waitstatus_to_exitcode(status)
    maxrss = None
    try:
        with open(tfile) as f:
            lines = [l.strip() for l in f if l.strip()]
        # GNU time writes "Command exited with non-zero status N" first.
        if lines and lines[-1].isdigit():
            maxrss = int(lines[-1])
    except OSError:
        pass
    with open(base + ".stdout", errors="replace") as f:
        text = f.read()
    m = SUMMARY_RE.search(text)
    res = {
        "cmd": cmd,
        "rc": rc,
        "timed_out": bool(timed_out),
        "wall_s": (t1 - t0) / 1e9,
        "user_s": ru.ru_utime,
        "sys_s": ru.ru_stime,
        "maxrss_kb": maxrss,
        "transmitted": int(m.group(1)) if m else None,
        "received": int(m.group(2)) if m else None,
        "stdout_tail": text[-400:],
    }
    with open(out, "w") as f:
        json.dump(res, f)


# --- startup (fallback) ----------------------------------------------------

def spawn_wait(cmd, timeout):
    """posix_spawn CMD with stdio on /dev/null and wait for it (blocking
    wait4, no polling: Popen.wait(timeout=...) sleeps in growing steps and
    would quantize a millisecond-scale measurement).  Returns (ns, status,
    rusage)."""
    null = os.open(os.devnull, os.O_RDWR)
    fa = [(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1),
          (os.POSIX_SPAWN_DUP2, null, 2), (os.POSIX_SPAWN_CLOSE, null)]
    t0 = time.perf_counter_ns()
    pid = os.posix_spawn(cmd[0], cmd, os.environ, file_actions=fa)
    timer = threading.Timer(timeout, os.kill, (pid, signal.SIGKILL))
    timer.start()
    _, status, ru = os.wait4(pid, 0)
    t1 = time.perf_counter_ns()
    timer.cancel()
    os.close(null)
    return t1 - t0, status, ru


def cmd_startup(args):
    out, runs, warmup = args[0], int(args[1]), int(args[2])
    cmds = []
    for a in args[3:]:
        name, _, cmd = a.partition("=")
        cmds.append((name, cmd.split()))
    times = {name: [] for name, _ in cmds}
    cpu = {name: [] for name, _ in cmds}
    deadline = time.monotonic() + 120
    for i in range(warmup + runs):
        order = cmds if i % 2 == 0 else cmds[::-1]
        for name, cmd in order:
            ns, status, ru = spawn_wait(cmd, 10)
            if os.waitstatus_to_exitcode(status) != 0:
                die("startup: %s exited %d" % (" ".join(cmd), os.waitstatus_to_exitcode(status)))
            if i >= warmup:
                times[name].append(ns / 1e9)
                cpu[name].append(ru.ru_utime + ru.ru_stime)
        if time.monotonic() > deadline:
            break
    with open(out, "w") as f:
        json.dump({"tool": "python loop", "times": times, "cpu": cpu}, f)


def cmd_hyperfine(args):
    out, name, files = args[0], args[1], args[2:]
    times = []
    user = []
    system = []
    for fn in files:
        with open(fn) as f:
            d = json.load(f)
        for r in d["results"]:
            if r["command"] == name:
                times += r["times"]
                user.append((r["user"], len(r["times"])))
                system.append((r["system"], len(r["times"])))
    n = sum(k for _, k in user) or 1
    with open(out, "w") as f:
        json.dump({"times": times,
                   "user_mean_s": sum(u * k for u, k in user) / n,
                   "sys_mean_s": sum(s * k for s, k in system) / n}, f)


# --- rtt -----------------------------------------------------------------------

def pcap_packets(path):
    """Yield (timestamp_ns, ip_packet_bytes) from a pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        die("rtt: %s: short pcap" % path)
    magic_le = struct.unpack("<I", data[:4])[0]
    if magic_le in (0xa1b2c3d4, 0xa1b23c4d):
        e = "<"
    else:
        e = ">"
    magic = struct.unpack(e + "I", data[:4])[0]
    if magic == 0xa1b23c4d:
        frac_ns = 1
    elif magic == 0xa1b2c3d4:
        frac_ns = 1000
    else:
        die("rtt: %s: not a pcap file (pcapng is not supported)" % path)
    linktype = struct.unpack(e + "I", data[20:24])[0] & 0x0fffffff
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        pkt = data[off:off + incl]
        off += incl
        ts = sec * 1_000_000_000 + frac * frac_ns
        if linktype == 1:            # Ethernet
            eth = 12
            etype = struct.unpack(">H", pkt[eth:eth + 2])[0]
            while etype in (0x8100, 0x88a8):
                eth += 4
                etype = struct.unpack(">H", pkt[eth:eth + 2])[0]
            ip = pkt[eth + 2:]
        elif linktype == 113:        # Linux cooked v1
            ip = pkt[16:]
        elif linktype == 276:        # Linux cooked v2
            ip = pkt[20:]
        elif linktype in (12, 101):  # raw IP
            ip = pkt
        else:
            die("rtt: unsupported link type %d" % linktype)
        yield ts, ip


def icmp_echo(ip):
    """(src, dst, kind, id, seq) of an ICMP/ICMPv6 echo, kind 'req'/'rep'."""
    if len(ip) < 1:
        return None
    ver = ip[0] >> 4
    if ver == 4 and len(ip) >= 20:
        ihl = (ip[0] & 15) * 4
        if ip[9] != 1 or len(ip) < ihl + 8:
            return None
        src = socket.inet_ntop(socket.AF_INET, ip[12:16])
        dst = socket.inet_ntop(socket.AF_INET, ip[16:20])
        icmp = ip[ihl:]
        kinds = {8: "req", 0: "rep"}
    elif ver == 6 and len(ip) >= 48:
        if ip[6] != 58:
            return None
        src = socket.inet_ntop(socket.AF_INET6, ip[8:24])
        dst = socket.inet_ntop(socket.AF_INET6, ip[24:40])
        icmp = ip[40:]
        kinds = {128: "req", 129: "rep"}
    else:
        return None
    kind = kinds.get(icmp[0])
    if kind is None:
        return None
    ident, seq = struct.unpack(">HH", icmp[4:8])
    return src, dst, kind, ident, seq


TIME_RE = re.compile(r"icmp_seq=(\d+) .*time=([0-9.]+) ms")


def echo_times(pcap, src, dst):
    """Request (src->dst) and reply (dst->src) timestamps by (id, seq)."""
    req, rep = {}, {}
    dup = 0
    for ts, ip in pcap_packets(pcap):
        e = icmp_echo(ip)
        if e is None:
            continue
        s, d, kind, ident, seq = e
        if kind == "req" and s == src and d == dst:
            req.setdefault((ident, seq), ts)
        elif kind == "rep" and s == dst and d == src:
            if (ident, seq) in rep:
                dup += 1
            else:
                rep[(ident, seq)] = ts
    return req, rep, dup


def canon(a):
    fam = socket.AF_INET6 if ":" in a else socket.AF_INET
    return socket.inet_ntop(fam, socket.inet_pton(fam, a))


def compare(req, rep, printed):
    """Stats of printed RTT - capture RTT, both in us, paired by icmp_seq."""
    cap = {}
    for key, t_req in req.items():
        if key in rep:
            cap.setdefault(key[1], []).append((rep[key] - t_req) / 1000.0)
    diffs, caps = [], []
    ambiguous = 0
    for seq, p_us in printed.items():
        c = cap.get(seq)
        if not c:
            continue
        if len(c) > 1:      # two sessions with the same seq: cannot pair
            ambiguous += 1
            continue
        diffs.append(p_us - c[0])
        caps.append(c[0])
    absd = [abs(x) for x in diffs]
    return {
        "paired": len(diffs),
        "ambiguous": ambiguous,
        "cap_rtt_median_us": statistics.median(caps) if caps else None,
        "abs_median_us": statistics.median(absd) if absd else None,
        "abs_p90_us": quantile(absd, 0.9) if absd else None,
        "signed_median_us": statistics.median(diffs) if diffs else None,
        "signed_min_us": min(diffs) if diffs else None,
        "signed_max_us": max(diffs) if diffs else None,
    }


def cmd_rtt(args):
    """rtt OUT PCAP_PROBER PING_STDOUT SRC DST [PCAP_TARGET]

    Method "prober": request and reply as captured on the prober's veth.
    Method "target": the request as it arrives on the target's veth (its
    receive timestamp is taken when the prober's veth hands it over, after the
    prober-side capture tap ran), the reply as captured on the prober's veth.
    """
    out, pcap, stdout_file, src, dst = args[:5]
    pcap_t = args[5] if len(args) > 5 else None
    src, dst = canon(src), canon(dst)
    req, rep, dup = echo_times(pcap, src, dst)
    printed = {}
    with open(stdout_file, errors="replace") as f:
        for line in f:
            m = TIME_RE.search(line)
            if m:
                printed.setdefault(int(m.group(1)), float(m.group(2)) * 1000.0)
    res = {
        "requests": len(req),
        "replies": len(rep),
        "dup_replies": dup,
        "printed": len(printed),
        "idents": sorted({k[0] for k in req}),
        "printed_rtt_median_us": statistics.median(list(printed.values())) if printed else None,
    }
    res.update(compare(req, rep, printed))
    if pcap_t:
        req_t, _, _ = echo_times(pcap_t, src, dst)
        res["requests_target"] = len(req_t)
        res["target"] = compare(req_t, rep, printed)
    with open(out, "w") as f:
        json.dump(res, f)


# --- report --------------------------------------------------------------------

def load(d, name):
    try:
        with open(os.path.join(d, name)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def fmt(x, spec):
    if x is None:
        return "n/a"
    return format(x, spec)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def cmd_report(args):
    d = args[0]
    meta = load(d, "meta.json") or {}
    rows = []     # (metric, echolot, iputils, ratio, unit)
    verdicts = []
    problems = []

    def row(metric, e, i, spec, unit, rat=True):
        rows.append((metric, fmt(e, spec), fmt(i, spec),
                     fmt(ratio(e, i), ".3f") if rat else "", unit))

    def verdict(num, name, ok, text):
        if ok is None:
            v = "N/A "
        else:
            v = "PASS" if ok else "MISS"
        verdicts.append((v, num, name, text))

    # 1. start-up + one probe
    for fam in ("v4", "v6"):
        e = load(d, "startup-%s-echolot.json" % fam)
        i = load(d, "startup-%s-iputils.json" % fam)
        if not e or not i:
            if fam == "v4":
                verdict(1, "start-up + 1 probe", None, "not measured")
            continue
        em = statistics.median(e["times"]) * 1e3
        im = statistics.median(i["times"]) * 1e3
        row("start-up %s median (n=%d)" % (fam, len(e["times"])), em, im, ".3f", "ms")
        row("start-up %s mean" % fam, statistics.mean(e["times"]) * 1e3,
            statistics.mean(i["times"]) * 1e3, ".3f", "ms")
        row("start-up %s p90" % fam, quantile(e["times"], 0.9) * 1e3,
            quantile(i["times"], 0.9) * 1e3, ".3f", "ms")
        if "user_mean_s" in e:
            row("start-up %s user+sys mean" % fam,
                (e["user_mean_s"] + e["sys_mean_s"]) * 1e3,
                (i["user_mean_s"] + i["sys_mean_s"]) * 1e3, ".3f", "ms")
        r = em / im
        verdict(1, "start-up + 1 probe %s" % fam, r <= 0.85,
                "echolot/iputils median wall = %.3f (target <= 0.85)" % r)

    # 2. flood
    fl = {}
    for tool in ("echolot", "iputils"):
        runs = [load(d, "flood-%s-%d.json" % (tool, k)) for k in range(1, 100)]
        runs = [r for r in runs if r]
        fl[tool] = runs
        for k, r in enumerate(runs, 1):
            if r["rc"] != 0 or r["timed_out"] or r["received"] != r["transmitted"] \
                    or r["transmitted"] != meta.get("flood_count"):
                problems.append("flood %s run %d: rc=%s timed_out=%s transmitted=%s received=%s wall=%.3fs"
                                % (tool, k, r["rc"], r["timed_out"], r["transmitted"],
                                   r["received"], r["wall_s"]))
    if fl["echolot"] and fl["iputils"]:
        n = meta.get("flood_count", 0)

        def pps(r):
            return (r["received"] or 0) / r["wall_s"]

        def cpp(r):
            return (r["user_s"] + r["sys_s"]) / n * 1e6
        ep = statistics.median([pps(r) for r in fl["echolot"]])
        ip_ = statistics.median([pps(r) for r in fl["iputils"]])
        # pps as the brief defines it: count / wall
        ep_c = statistics.median([n / r["wall_s"] for r in fl["echolot"]])
        ip_c = statistics.median([n / r["wall_s"] for r in fl["iputils"]])
        row("flood pps = count/wall (median of %d)" % len(fl["echolot"]), ep_c, ip_c, ".0f", "pkt/s")
        row("flood pps = received/wall", ep, ip_, ".0f", "pkt/s")
        row("flood wall", statistics.median([r["wall_s"] for r in fl["echolot"]]),
            statistics.median([r["wall_s"] for r in fl["iputils"]]), ".3f", "s")
        row("flood CPU (user+sys) per packet", statistics.median([cpp(r) for r in fl["echolot"]]),
            statistics.median([cpp(r) for r in fl["iputils"]]), ".2f", "us/pkt")
        row("flood user per packet", statistics.median([r["user_s"] / n * 1e6 for r in fl["echolot"]]),
            statistics.median([r["user_s"] / n * 1e6 for r in fl["iputils"]]), ".2f", "us/pkt")
        row("flood sys per packet", statistics.median([r["sys_s"] / n * 1e6 for r in fl["echolot"]]),
            statistics.median([r["sys_s"] / n * 1e6 for r in fl["iputils"]]), ".2f", "us/pkt")
        r = ep_c / ip_c
        ok = r >= 1.2
        if any(x["received"] != n for x in fl["echolot"]):
            ok = False
        verdict(2, "flood throughput", ok,
                "echolot/iputils pps = %.3f (target >= 1.2)%s" % (
                    r, "" if all(x["received"] == n for x in fl["echolot"])
                    else "; echolot lost replies"))
    else:
        verdict(2, "flood throughput", None, "not measured")

    # 3. RTT fidelity, at each send interval (run.sh part 3 says why)
    rtt_runs = meta.get("rtt") or []
    if not rtt_runs:
        verdict(3, "RTT fidelity", None, "not measured")
    for run in rtt_runs:
        ivl, want = run["interval"], run["count"]
        at = "-i %s" % ivl
        e = load(d, "rtt-echolot-i%s.json" % ivl)
        i = load(d, "rtt-iputils-i%s.json" % ivl)
        if not (e and i and e["paired"] and i["paired"]):
            verdict(3, "RTT fidelity %s" % at, None, "not measured")
            continue

        def rtt_rows(label, x, y):
            row("RTT %s |printed-capture| median (n=%d/%d)" % (label, x["paired"], y["paired"]),
                x["abs_median_us"], y["abs_median_us"], ".3f", "us", rat=False)
            row("RTT %s |printed-capture| p90" % label, x["abs_p90_us"], y["abs_p90_us"],
                ".3f", "us", rat=False)
            row("RTT %s printed-capture signed median" % label, x["signed_median_us"],
                y["signed_median_us"], "+.3f", "us", rat=False)
            rows.append(("RTT %s printed-capture signed min..max" % label,
                         "%+.1f..%+.1f" % (x["signed_min_us"], x["signed_max_us"]),
                         "%+.1f..%+.1f" % (y["signed_min_us"], y["signed_max_us"]), "", "us"))
            row("RTT %s capture RTT median" % label, x["cap_rtt_median_us"],
                y["cap_rtt_median_us"], ".3f", "us")
        rtt_rows("[A] " + at, e, i)
        et, it = e.get("target"), i.get("target")
        if et and it and et["paired"] and it["paired"]:
            rtt_rows("[B] " + at, et, it)
        row("RTT %s printed time= median" % at, e["printed_rtt_median_us"],
            i["printed_rtt_median_us"], ".3f", "us")
        ok = e["abs_median_us"] <= 1.0 and e["abs_median_us"] < i["abs_median_us"]
        verdict(3, "RTT fidelity [A] " + at, ok,
                "echolot median |err| %.3f us (signed %+.3f) vs iputils %.3f us (target <= 1.0 and below iputils)"
                % (e["abs_median_us"], e["signed_median_us"], i["abs_median_us"]))
        if et and it and et["paired"] and it["paired"]:
            ok = et["abs_median_us"] <= 1.0 and et["abs_median_us"] < it["abs_median_us"]
            verdict(3, "RTT fidelity [B] " + at, ok,
                    "echolot median |err| %.3f us (signed %+.3f) vs iputils %.3f us (same target, request at target ingress)"
                    % (et["abs_median_us"], et["signed_median_us"], it["abs_median_us"]))
        for tool, x in (("echolot", e), ("iputils", i)):
            if x["paired"] != want or x["printed"] != want or \
                    (x.get("target") and x["target"]["paired"] != want):
                problems.append("rtt %s %s: %d requests, %d replies captured, %d printed, %d paired [A], %s paired [B] (expected %s)"
                                % (tool, at, x["requests"], x["replies"], x["printed"], x["paired"],
                                   x.get("target", {}).get("paired"), want))

    # 4. memory
    mem = {}
    for tool in ("echolot", "iputils"):
        runs = [load(d, "mem-%s-%d.json" % (tool, k)) for k in range(1, 100)]
        mem[tool] = [r["maxrss_kb"] for r in runs if r and r["maxrss_kb"]]
        for k, r in enumerate([r for r in runs if r], 1):
            if r["rc"] != 0 or r["received"] != 3:
                problems.append("mem %s run %d: rc=%s received=%s" % (tool, k, r["rc"], r["received"]))
    fm = {t: [r["maxrss_kb"] for r in fl.get(t, []) if r["maxrss_kb"]] for t in ("echolot", "iputils")}
    oks = []
    if mem["echolot"] and mem["iputils"]:
        em, im = max(mem["echolot"]), max(mem["iputils"])
        row("peak RSS, -c 3 -i 0.2 (max of %d)" % len(mem["echolot"]), em, im, "d", "KiB")
        oks.append(em <= im)
    if fm["echolot"] and fm["iputils"]:
        em2, im2 = max(fm["echolot"]), max(fm["iputils"])
        row("peak RSS, flood (max of %d)" % len(fm["echolot"]), em2, im2, "d", "KiB")
        oks.append(em2 <= im2)
    if oks:
        verdict(4, "memory", all(oks),
                "echolot peak RSS <= iputils: -c 3: %s, flood: %s" % (
                    "yes" if oks[0] else "no",
                    ("yes" if oks[1] else "no") if len(oks) > 1 else "n/a"))
    else:
        verdict(4, "memory", None, "not measured")

    w0 = max(len(r[0]) for r in rows) if rows else 10
    w1 = max([len(r[1]) for r in rows] + [8])
    w2 = max([len(r[2]) for r in rows] + [8])
    print("%-*s  %*s  %*s  %8s  %s" % (w0, "metric", w1, "echolot", w2, "iputils", "e/i", "unit"))
    print("-" * (w0 + w1 + w2 + 26))
    for m, a, b, r, u in rows:
        print("%-*s  %*s  %*s  %8s  %s" % (w0, m, w1, a, w2, b, r, u))
    print()
    print("Verdicts:")
    wn = max([len(v[2]) for v in verdicts] + [24])
    for v in verdicts:
        print("  %s  %d. %-*s %s" % (v[0], v[1], wn, v[2], v[3]))
    if problems:
        print()
        print("Problems seen:")
        for p in problems:
            print("  - " + p)


def main():
    if len(sys.argv) < 2:
        die("usage: benchlib.py run|startup|hyperfine|rtt|report ...")
    cmds = {"run": cmd_run, "startup": cmd_startup, "hyperfine": cmd_hyperfine,
            "rtt": cmd_rtt, "report": cmd_report}
    f = cmds.get(sys.argv[1])
    if f is None:
        die("unknown subcommand " + sys.argv[1])
    f(sys.argv[2:])


if __name__ == "__main__":
    main()
