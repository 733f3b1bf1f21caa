"""Scapy anchor for `npm run bench`: the same Ethernet+IPv4+TCP frames, built and parsed.

Reads one JSON object on stdin: {"frames": [hex...], "samples": N, "sample_ms": M}.
For each frame it builds the same packet from the fields (addresses, ports, seq, flags,
window, payload), serialises it (checksums computed), parses the bytes back and reads the
TCP payload, and checks the built bytes equal the frame. Writes one JSON line on stdout:
{"rates": [{"cpu": [...], "wall": [...]}, ...]}, operations per second of each sample, per
second of this process's CPU time and of the wall clock.
"""
import json
import sys
import time

from scapy.layers.inet import IP, TCP
from scapy.layers.l2 import Ether
from scapy.packet import Raw


def fields(frame):
    def mac(b):
        return ":".join(f"{x:02x}" for x in b)

    def ip(b):
        return ".".join(str(x) for x in b)

    ihl = (frame[14] & 0x0F) * 4
    t = 14 + ihl
    return dict(
        dst=mac(frame[0:6]), src=mac(frame[6:12]),
        ip_src=ip(frame[26:30]), ip_dst=ip(frame[30:34]), ttl=frame[22], ip_id=int.from_bytes(frame[18:20], "big"),
        ip_flags=frame[20] >> 5,
        sport=int.from_bytes(frame[t:t + 2], "big"), dport=int.from_bytes(frame[t + 2:t + 4], "big"),
        seq=int.from_bytes(frame[t + 4:t + 8], "big"), ack=int.from_bytes(frame[t + 8:t + 12], "big"),
        flags=frame[t + 13], window=int.from_bytes(frame[t + 14:t + 16], "big"),
        payload=frame[t + 20:],
    )


def build(f):
    return bytes(
        Ether(dst=f["dst"], src=f["src"])
        / IP(src=f["ip_src"], dst=f["ip_dst"], ttl=f["ttl"], id=f["ip_id"], flags=f["ip_flags"])
        / TCP(sport=f["sport"], dport=f["dport"], seq=f["seq"], ack=f["ack"], flags=f["flags"], window=f["window"])
        / Raw(load=f["payload"])
    )


def main():
    req = json.load(sys.stdin)
    out = []
    for hx in req["frames"]:
        frame = bytes.fromhex(hx)
        f = fields(frame)
        if build(f) != frame:
            raise SystemExit(f"scapy builds different bytes for the {len(frame)}-byte frame:\n{build(f).hex()}\n{hx}")

        def op():
            p = Ether(build(f))
            return p[TCP].payload.load

        sink = None
        for _ in range(50):  # warm-up
            sink = op()
        cpu, wall = [], []
        for _ in range(req["samples"]):
            n = 0
            w0, c0 = time.perf_counter(), time.process_time()
            while (time.perf_counter() - w0) * 1000 < req["sample_ms"]:
                sink = op()
                n += 1
            w, c = time.perf_counter() - w0, time.process_time() - c0
            wall.append(n / w)
            cpu.append(n / max(c, 1e-6))
        assert sink is not None
        out.append({"cpu": cpu, "wall": wall})
    print(json.dumps({"scapy": __import__("scapy").__version__, "rates": out}))


main()
