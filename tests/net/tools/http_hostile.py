#!/usr/bin/python3
"""http_hostile.py: a hostile HTTP client for t_exporter_http.sh.

    http_hostile.py HOST PORT SOURCE SECONDS IDLE

Connects from SOURCE (another loopback address than the honest scraper's,
so that the server's per-address limit is what protects the scraper) and,
for SECONDS, all at once:
  - malformed requests, each on a connection of its own: garbage, a bad
    method, a bad version, a bad header, a NUL, a request line of 100 kB,
    a header of 100 kB, a body nobody asked for;
  - IDLE idle connections (as many as the server takes);
  - a slow client (slowloris: a header byte every 0.2 s) and a slow
    reader (asks for /metrics and reads nothing);
then prints one line per malformed request ("malformed NAME STATUS": the
status line's code, or "closed") and "idle_accepted N".
Only HOST (a loopback address) is ever connected to.
"""
import resource
import socket
import sys
import threading
import time

HOST, PORT, SOURCE = sys.argv[1], int(sys.argv[2]), sys.argv[3]
SECONDS, IDLE = float(sys.argv[4]), int(sys.argv[5])
assert HOST.startswith('127.'), 'loopback only'

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, IDLE + 256)), hard))


def connect():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((SOURCE, 0))
    s.settimeout(5)
    s.connect((HOST, PORT))
    return s


MALFORMED = [
    ('garbage', b'\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03' + bytes(200) + b'\r\n\r\n'),
    ('bad_method', b'FROB /metrics HTTP/1.1\r\nHost: x\r\n\r\n'),
    ('bad_version', b'GET /metrics HTTP/9.9\r\nHost: x\r\n\r\n'),
    ('no_version', b'GET /metrics\r\n\r\n'),
    ('bad_header', b'GET /metrics HTTP/1.1\r\nHost x\r\n: y\r\n\r\n'),
    ('nul', b'GET /met\x00rics HTTP/1.1\r\nHost: x\r\n\r\n'),
    ('long_url', b'GET /metrics?' + b'a' * 100000 + b' HTTP/1.1\r\nHost: x\r\n\r\n'),
    ('long_header', b'GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: ' + b'b' * 100000 + b'\r\n\r\n'),
    ('many_headers', b'GET /metrics HTTP/1.1\r\n' + b'X-A: a\r\n' * 5000 + b'\r\n'),
    ('body', b'GET /-/healthy HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n' + b'z' * 5000),
    ('bad_length', b'GET /-/healthy HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n'),
    ('chunked_junk', b'POST /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'),
    ('probe_junk', b'GET /probe?target=%00%ff&module=%%% HTTP/1.1\r\nHost: x\r\n\r\n'),
    ('probe_long', b'GET /probe?target=' + b'x' * 3000 + b'&module=icmp HTTP/1.1\r\nHost: x\r\n\r\n'),
]
results = {}


def malformed(name, data):
    try:
        s = connect()
        try:
            s.sendall(data)
        except OSError:
            pass
        buf = b''
        try:
            while b'\r\n' not in buf:
                chunk = s.recv(4096)
                if not chunk:
                    break
                buf += chunk
        except OSError:
            pass
        s.close()
        line = buf.split(b'\r\n', 1)[0].split()
        results[name] = line[1].decode() if len(line) > 1 and buf.startswith(b'HTTP/') else 'closed'
    except OSError as e:
        results[name] = 'error:%s' % e.__class__.__name__


def slowloris(stop):
    try:
        s = connect()
        for b in b'GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ' + b'y' * 10000:
            if stop.is_set():
                break
            s.send(bytes([b]))
            time.sleep(0.2)
        s.close()
    except OSError:
        pass


def slow_reader(stop):
    try:
        s = connect()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(b'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n')
        stop.wait()
        s.close()
    except OSError:
        pass


stop = threading.Event()
threads = [threading.Thread(target=malformed, args=m) for m in MALFORMED]
threads += [threading.Thread(target=slowloris, args=(stop,)) for _ in range(3)]
threads += [threading.Thread(target=slow_reader, args=(stop,)) for _ in range(3)]
for t in threads:
    t.start()
idle, accepted, states = [], 0, {}
deadline = time.monotonic() + SECONDS


def open_idle(n):
    for _ in range(n):
        if time.monotonic() > deadline:
            break
        try:
            idle.append(connect())
        except OSError:
            pass


# First a hundred at once: how many does the server keep?  (It closes
# those beyond its limits at once, the others after its idle timeout.)
open_idle(min(IDLE, 100))
time.sleep(0.3)
for s in idle:
    s.setblocking(False)
    try:
        k = 'data' if s.recv(1) else 'closed'
    except BlockingIOError:
        k = 'open'
        accepted += 1
    except OSError as e:
        k = e.__class__.__name__
    states[k] = states.get(k, 0) + 1
# Then the rest, as fast as they go, held to the end.
open_idle(IDLE - len(idle))
time.sleep(max(0, deadline - time.monotonic()))
stop.set()
for t in threads:
    t.join(10)
for s in idle:
    s.close()
for name, _ in MALFORMED:
    print('malformed %s %s' % (name, results.get(name, 'none')))
print('idle_accepted %d' % accepted)
print('idle_opened %d' % len(idle))
print('idle_states %s' % ' '.join('%s=%d' % kv for kv in sorted(states.items())))
