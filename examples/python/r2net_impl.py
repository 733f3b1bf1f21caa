#!/usr/bin/env python3
"""The rou2exOS protocol helpers (layer `codec`) and SLIP framing (layer `slip`) in Python 3,
standard library only, served over the r2net out-of-process protocol (JSON lines on
stdin/stdout, spec/contract/protocol.md).

    npx r2net run --impl "python3 examples/python/r2net_impl.py"

Written from the documents, not from the TypeScript reference: spec/contract/README.md (the
ops and their results), spec/clauses/codec.json and spec/clauses/slip.json (the rules and
the decided open points), spec/profiles/seed.json (limits and defaults).
"""

import json
import sys

PROTOCOL_VERSION = 1

STATEMENT = {
    "name": "r2net-python-example",
    "version": "1.0.0",
    "profile": "seed",
    "layers": ["codec", "slip"],
    # The optional parts of spec/features.json this implementation has (all of the codec's).
    "features": ["tcp.state", "arp.reply", "icmp.reply", "udp.checksum"],
    # It was written to the suite's decisions too, so a decision it misses should fail the run.
    "followsDecisions": True,
}

# The seed profile (spec/profiles/seed.json): the values this implementation claims.
SLIP_BUFFER_BYTES = 4096
IPV4_VERSION_IHL = 0x45
IPV4_IDENTIFICATION = 0x1337
IPV4_FLAGS_FRAGMENT = 0x4000  # DF
IPV4_TTL = 64
TCP_WINDOW = 1024

MAX_TOTAL_LENGTH = 0xFFFF  # IPv4 total_length is 16 bits
MAX_TRANSPORT = MAX_TOTAL_LENGTH - 20  # a transport message must fit behind a 20-byte header

SLIP_END, SLIP_ESC, SLIP_ESC_END, SLIP_ESC_ESC = 0xC0, 0xDB, 0xDC, 0xDD

TCP_FIN, TCP_SYN, TCP_RST, TCP_ACK = 0x01, 0x02, 0x04, 0x10

# RFC 793 / RFC 9293 transitions of a passively opened connection (codec.tcp.state.*):
# (state, input) -> (next state, flags of the segment to send or None).
TCP_TABLE = {
    ("Closed", "passive-open"): ("Listen", None),
    ("Listen", "rcv-syn"): ("SynReceived", TCP_SYN | TCP_ACK),
    ("Listen", "close"): ("Closed", None),
    ("SynReceived", "rcv-ack"): ("Established", None),
    ("SynReceived", "close"): ("FinWait1", TCP_FIN | TCP_ACK),
    ("SynReceived", "rcv-rst"): ("Listen", None),
    ("Established", "close"): ("FinWait1", TCP_FIN | TCP_ACK),
    ("Established", "rcv-fin"): ("CloseWait", TCP_ACK),
    ("Established", "rcv-rst"): ("Closed", None),
    ("FinWait1", "rcv-ack"): ("FinWait2", None),
    ("FinWait1", "rcv-fin"): ("Closing", TCP_ACK),
    ("FinWait1", "rcv-fin-ack"): ("TimeWait", TCP_ACK),
    ("FinWait1", "rcv-rst"): ("Closed", None),
    ("FinWait2", "rcv-fin"): ("TimeWait", TCP_ACK),
    ("FinWait2", "rcv-rst"): ("Closed", None),
    ("Closing", "rcv-ack"): ("TimeWait", None),
    ("Closing", "rcv-rst"): ("Closed", None),
    ("TimeWait", "timeout"): ("Closed", None),
    ("TimeWait", "rcv-rst"): ("Closed", None),
    ("CloseWait", "close"): ("LastAck", TCP_FIN | TCP_ACK),
    ("CloseWait", "rcv-rst"): ("Closed", None),
    ("LastAck", "rcv-ack"): ("Closed", None),
    ("LastAck", "rcv-rst"): ("Closed", None),
}
# RFC 9293 section 3.10.7 (SEGMENT ARRIVES) answers to the segments the transitions do not list
# (codec.tcp.state.rfc9293-responses). rcv-fin in Closed and Listen carries no ACK bit.
TCP_RESPONSES = {
    ("Closed", "rcv-rst"): ("Closed", None),  # a RST is discarded
    ("Closed", "rcv-syn"): ("Closed", TCP_RST | TCP_ACK),  # no ACK bit: <SEQ=0><CTL=RST,ACK>
    ("Closed", "rcv-fin"): ("Closed", TCP_RST | TCP_ACK),
    ("Closed", "rcv-ack"): ("Closed", TCP_RST),  # ACK bit on: <SEQ=SEG.ACK><CTL=RST>
    ("Closed", "rcv-fin-ack"): ("Closed", TCP_RST),
    ("Listen", "rcv-rst"): ("Listen", None),  # ignored
    ("Listen", "rcv-ack"): ("Listen", TCP_RST),  # any ACK is bad in LISTEN
    ("Listen", "rcv-fin-ack"): ("Listen", TCP_RST),
    ("Listen", "rcv-fin"): ("Listen", None),  # dropped: SEG.SEQ cannot be validated
    ("SynReceived", "rcv-fin"): ("CloseWait", TCP_ACK),
    ("SynReceived", "rcv-fin-ack"): ("CloseWait", TCP_ACK),
    ("Established", "rcv-ack"): ("Established", None),
    ("Established", "rcv-fin-ack"): ("CloseWait", TCP_ACK),
    ("FinWait2", "rcv-ack"): ("FinWait2", None),
    ("FinWait2", "rcv-fin-ack"): ("TimeWait", TCP_ACK),
    ("Closing", "rcv-fin"): ("Closing", TCP_ACK),
    ("Closing", "rcv-fin-ack"): ("TimeWait", TCP_ACK),  # our FIN acknowledged, then the FIN
    ("TimeWait", "rcv-ack"): ("TimeWait", None),
    ("TimeWait", "rcv-fin"): ("TimeWait", TCP_ACK),  # and restart the 2 MSL timer
    ("TimeWait", "rcv-fin-ack"): ("TimeWait", TCP_ACK),
    ("CloseWait", "rcv-ack"): ("CloseWait", None),
    ("CloseWait", "rcv-fin"): ("CloseWait", TCP_ACK),
    ("CloseWait", "rcv-fin-ack"): ("CloseWait", TCP_ACK),
    ("LastAck", "rcv-fin"): ("LastAck", TCP_ACK),
    ("LastAck", "rcv-fin-ack"): ("Closed", None),  # our FIN acknowledged
}
TCP_STATES = ["Closed", "Listen", "SynReceived", "Established", "FinWait1", "FinWait2",
              "Closing", "TimeWait", "CloseWait", "LastAck"]
TCP_INPUTS = ["passive-open", "close", "rcv-syn", "rcv-ack", "rcv-fin", "rcv-fin-ack", "rcv-rst", "timeout"]


class OpError(Exception):
    """An error result of one op: {ok: false, error: {kind, message}}."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind
        self.message = message


# --- argument readers: a wrong argument is 'invalid-argument', never an exception -----------

def arg_bytes(op, name, length=None):
    v = op.get(name)
    if not isinstance(v, str) or len(v) % 2 != 0:
        raise OpError("invalid-argument", "%s: '%s' must be a hex string" % (op["op"], name))
    try:
        b = bytes.fromhex(v)
    except ValueError:
        raise OpError("invalid-argument", "%s: '%s' is not valid hex" % (op["op"], name))
    if length is not None and len(b) != length:
        raise OpError("invalid-argument", "%s: '%s' must be %d bytes" % (op["op"], name, length))
    return b


def arg_int(op, name, maximum, default=None):
    v = op.get(name)
    if v is None and default is not None:
        return default
    if isinstance(v, bool) or not isinstance(v, int) or v < 0 or v > maximum:
        raise OpError("invalid-argument", "%s: '%s' must be an integer in 0..%d" % (op["op"], name, maximum))
    return v


def arg_str(op, name):
    v = op.get(name)
    if not isinstance(v, str):
        raise OpError("invalid-argument", "%s: '%s' must be a string" % (op["op"], name))
    return v


def u16(b, at):
    return (b[at] << 8) | b[at + 1]


def u32(b, at):
    return (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]


def be16(v):
    return bytes([(v >> 8) & 0xFF, v & 0xFF])


def be32(v):
    return bytes([(v >> 24) & 0xFF, (v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF])


# --- RFC 1071 ----------------------------------------------------------------------------

def ones_sum(data, start=0):
    """Folded one's-complement sum of big-endian words; an odd last byte is a word's HIGH byte."""
    total = start
    n = len(data)
    for i in range(0, n - 1, 2):
        total += (data[i] << 8) | data[i + 1]
    if n % 2:
        total += data[n - 1] << 8
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def checksum(data, start=0):
    return ~ones_sum(data, start) & 0xFFFF


def pseudo_header(src, dst, protocol, length):
    return src + dst + bytes([0, protocol]) + be16(length & 0xFFFF)


def zero_field(data, at):
    """A copy of data with the 16-bit field at `at` zeroed (as far as the data reaches)."""
    b = bytearray(data)
    for i in (at, at + 1):
        if i < len(b):
            b[i] = 0
    return bytes(b)


# --- codec ops ----------------------------------------------------------------------------

def op_checksum(op):
    data = arg_bytes(op, "data")
    return {"checksum": checksum(data), "sum": ones_sum(data)}


def op_ethernet_emit(op):
    dst, src = arg_bytes(op, "dst", 6), arg_bytes(op, "src", 6)
    ether_type = arg_int(op, "etherType", 0xFFFF)
    payload = arg_bytes(op, "payload")
    return {"bytes": (dst + src + be16(ether_type) + payload).hex()}


def op_ethernet_parse(op):
    b = arg_bytes(op, "bytes")
    if len(b) < 14:
        raise OpError("truncated", "Ethernet frame of %d bytes is shorter than its 14-byte header" % len(b))
    return {"dst": b[0:6].hex(), "src": b[6:12].hex(), "etherType": u16(b, 12), "payload": b[14:].hex()}


def arp_bytes(operation, sender_mac, sender_ip, target_mac, target_ip):
    return be16(1) + be16(0x0800) + bytes([6, 4]) + be16(operation) + sender_mac + sender_ip + target_mac + target_ip


def arp_parse(b):
    if len(b) < 28:
        raise OpError("truncated", "ARP packet of %d bytes is shorter than 28" % len(b))
    if u16(b, 0) != 1 or u16(b, 2) != 0x0800 or b[4] != 6 or b[5] != 4:
        raise OpError("malformed", "not ARP for IPv4 over Ethernet (htype %d, ptype 0x%04x, hlen %d, plen %d)"
                      % (u16(b, 0), u16(b, 2), b[4], b[5]))
    return {"operation": u16(b, 6), "senderMac": b[8:14], "senderIp": b[14:18], "targetMac": b[18:24], "targetIp": b[24:28]}


def arp_value(p):
    return {"operation": p["operation"], "senderMac": p["senderMac"].hex(), "senderIp": p["senderIp"].hex(),
            "targetMac": p["targetMac"].hex(), "targetIp": p["targetIp"].hex()}


def op_arp_emit(op):
    return {"bytes": arp_bytes(arg_int(op, "operation", 0xFFFF), arg_bytes(op, "senderMac", 6), arg_bytes(op, "senderIp", 4),
                               arg_bytes(op, "targetMac", 6), arg_bytes(op, "targetIp", 4)).hex()}


def op_arp_parse(op):
    return arp_value(arp_parse(arg_bytes(op, "bytes")))


def op_arp_request(op):
    return {"bytes": arp_bytes(1, arg_bytes(op, "senderMac", 6), arg_bytes(op, "senderIp", 4), bytes(6), arg_bytes(op, "targetIp", 4)).hex()}


def op_arp_reply(op):
    req = arp_parse(arg_bytes(op, "request"))
    mac = arg_bytes(op, "mac", 6)
    return {"bytes": arp_bytes(2, mac, req["targetIp"], req["senderMac"], req["senderIp"]).hex()}


def op_ipv4_create(op):
    src, dst = arg_bytes(op, "src", 4), arg_bytes(op, "dst", 4)
    protocol = arg_int(op, "protocol", 0xFF)
    payload = arg_bytes(op, "payload")
    total = 20 + len(payload)
    if total > MAX_TOTAL_LENGTH:
        raise OpError("too-large", "datagram of %d bytes exceeds total_length's %d" % (total, MAX_TOTAL_LENGTH))
    header = (bytes([IPV4_VERSION_IHL, 0]) + be16(total) + be16(IPV4_IDENTIFICATION) + be16(IPV4_FLAGS_FRAGMENT)
              + bytes([IPV4_TTL, protocol]) + be16(0) + src + dst)
    header = header[:10] + be16(checksum(header)) + header[12:]
    return {"bytes": (header + payload).hex()}


def op_ipv4_parse(op):
    b = arg_bytes(op, "bytes")
    # Checks in the order of spec/clauses/codec.json: codec.ipv4.truncated, .version, .ihl-min,
    # .decision.total-below-header, .truncated-total-length; then padding is cut (.trailing-bytes).
    if len(b) < 20:
        raise OpError("truncated", "%d bytes is shorter than the 20-byte header" % len(b))
    version, ihl = b[0] >> 4, b[0] & 0x0F
    if version != 4:
        raise OpError("malformed", "version %d is not 4" % version)
    if ihl < 5:
        raise OpError("malformed", "IHL %d is below 5" % ihl)
    header_len = ihl * 4
    if len(b) < header_len:
        raise OpError("truncated", "%d bytes is shorter than the %d-byte header IHL announces" % (len(b), header_len))
    total = u16(b, 2)
    if total < header_len:
        raise OpError("malformed", "total_length %d is smaller than the %d-byte header" % (total, header_len))
    if len(b) < total:
        raise OpError("truncated", "%d bytes is shorter than total_length %d" % (len(b), total))
    return {
        "versionIhl": b[0], "dscpEcn": b[1], "totalLength": total, "identification": u16(b, 4),
        "flagsFragment": u16(b, 6), "ttl": b[8], "protocol": b[9], "checksum": u16(b, 10),
        "src": b[12:16].hex(), "dst": b[16:20].hex(),
        "options": b[20:header_len].hex(),
        "payload": b[header_len:total].hex(),  # bytes after total_length are padding, not payload
        "checksumOk": ones_sum(b[:header_len]) == 0xFFFF,
    }


def icmp_bytes(type_, code, identifier, sequence, payload):
    m = bytes([type_, code, 0, 0]) + be16(identifier) + be16(sequence) + payload
    if len(m) > MAX_TRANSPORT:
        raise OpError("too-large", "ICMP message of %d bytes does not fit in an IPv4 datagram" % len(m))
    return m[:2] + be16(checksum(m)) + m[4:]


def icmp_parse(b):
    if len(b) < 8:
        raise OpError("truncated", "%d bytes is shorter than the 8-byte ICMP header" % len(b))
    return {"type": b[0], "code": b[1], "checksum": u16(b, 2), "identifier": u16(b, 4), "sequence": u16(b, 6),
            "payload": b[8:], "checksumOk": ones_sum(b) == 0xFFFF}


def op_icmp_create(op):
    return {"bytes": icmp_bytes(arg_int(op, "type", 0xFF), 0, arg_int(op, "identifier", 0xFFFF),
                                arg_int(op, "sequence", 0xFFFF), arg_bytes(op, "payload")).hex()}


def op_icmp_reply(op):
    m = icmp_parse(arg_bytes(op, "request"))
    return {"bytes": icmp_bytes(0, 0, m["identifier"], m["sequence"], m["payload"]).hex()}


def op_icmp_parse(op):
    m = icmp_parse(arg_bytes(op, "bytes"))
    m["payload"] = m["payload"].hex()
    return m


def op_tcp_create(op):
    src_ip, dst_ip = arg_bytes(op, "srcIp", 4), arg_bytes(op, "dstIp", 4)
    src_port, dst_port = arg_int(op, "srcPort", 0xFFFF), arg_int(op, "dstPort", 0xFFFF)
    seq, ack = arg_int(op, "seq", 0xFFFFFFFF), arg_int(op, "ack", 0xFFFFFFFF)
    flags = arg_int(op, "flags", 0xFF)
    window = arg_int(op, "window", 0xFFFF, TCP_WINDOW)
    payload = arg_bytes(op, "payload")
    seg = (be16(src_port) + be16(dst_port) + be32(seq) + be32(ack) + bytes([5 << 4, flags])
           + be16(window) + be16(0) + be16(0) + payload)
    if len(seg) > MAX_TRANSPORT:
        raise OpError("too-large", "segment of %d bytes does not fit in an IPv4 datagram" % len(seg))
    c = checksum(pseudo_header(src_ip, dst_ip, 6, len(seg)) + seg)
    return {"bytes": (seg[:16] + be16(c) + seg[18:]).hex()}


def op_tcp_parse(op):
    b = arg_bytes(op, "bytes")
    if len(b) < 20:
        raise OpError("truncated", "%d bytes is shorter than the 20-byte TCP header" % len(b))
    offset = b[12] >> 4  # the low nibble (reserved bits) is ignored
    if offset < 5:
        raise OpError("malformed", "data offset %d is below 5" % offset)
    if len(b) < offset * 4:
        raise OpError("truncated", "%d bytes is shorter than the %d-byte header the data offset announces" % (len(b), offset * 4))
    return {"srcPort": u16(b, 0), "dstPort": u16(b, 2), "seq": u32(b, 4), "ack": u32(b, 8), "dataOffset": offset,
            "flags": b[13], "window": u16(b, 14), "checksum": u16(b, 16), "urgent": u16(b, 18),
            "options": b[20:offset * 4].hex(), "payload": b[offset * 4:].hex()}


def op_tcp_verify(op):
    src_ip, dst_ip, seg = arg_bytes(op, "srcIp", 4), arg_bytes(op, "dstIp", 4), arg_bytes(op, "bytes")
    return {"valid": ones_sum(pseudo_header(src_ip, dst_ip, 6, len(seg)) + seg) == 0xFFFF}


def op_tcp_flags(op):
    f = arg_int(op, "flags", 0xFF)
    return {"syn": bool(f & TCP_SYN), "ack": bool(f & TCP_ACK), "fin": bool(f & TCP_FIN), "rst": bool(f & TCP_RST)}


def tcp_step(state, inp):
    if state not in TCP_STATES or inp not in TCP_INPUTS:
        raise OpError("invalid-argument", "unknown state '%s' or input '%s'" % (state, inp))
    step = TCP_TABLE.get((state, inp)) or TCP_RESPONSES.get((state, inp))
    if step is None:
        raise OpError("protocol", "no transition or RFC 9293 response for %s in %s" % (inp, state))
    return step


def op_tcp_transition(op):
    state, send = tcp_step(arg_str(op, "state"), arg_str(op, "input"))
    return {"state": state, "send": send}


def op_tcp_connection(op):
    inputs = op.get("inputs")
    if not isinstance(inputs, list) or not all(isinstance(i, str) and i in TCP_INPUTS for i in inputs):
        raise OpError("invalid-argument", "'inputs' must be an array of " + "|".join(TCP_INPUTS))
    state, steps = "Closed", []
    for inp in inputs:
        try:
            state, send = tcp_step(state, inp)
            steps.append({"ok": True, "state": state, "send": send})
        except OpError:  # a refused input leaves the connection where it was
            steps.append({"ok": False, "state": state, "send": None})
    return {"steps": steps}


def op_udp_create(op):
    src_port, dst_port = arg_int(op, "srcPort", 0xFFFF), arg_int(op, "dstPort", 0xFFFF)
    payload = arg_bytes(op, "payload")
    n = 8 + len(payload)
    if n > MAX_TRANSPORT:
        raise OpError("too-large", "datagram of %d bytes does not fit in an IPv4 datagram" % n)
    return {"bytes": (be16(src_port) + be16(dst_port) + be16(n) + be16(0) + payload).hex()}


def op_udp_parse(op):
    b = arg_bytes(op, "bytes")
    if len(b) < 8:
        raise OpError("truncated", "%d bytes is shorter than the 8-byte UDP header" % len(b))
    length = u16(b, 4)
    if length < 8:
        raise OpError("malformed", "length field %d is below the 8-byte header" % length)
    if len(b) < length:
        raise OpError("truncated", "%d bytes is shorter than the length field %d" % (len(b), length))
    return {"srcPort": u16(b, 0), "dstPort": u16(b, 2), "length": length, "checksum": u16(b, 6), "payload": b[8:length].hex()}


def op_udp_checksum(op):
    src_ip, dst_ip, d = arg_bytes(op, "srcIp", 4), arg_bytes(op, "dstIp", 4), arg_bytes(op, "bytes")
    c = checksum(pseudo_header(src_ip, dst_ip, 17, len(d)) + zero_field(d, 6))
    return {"checksum": 0xFFFF if c == 0 else c}


# --- slip ops -----------------------------------------------------------------------------

def op_slip_encode(op):
    data = arg_bytes(op, "data")
    out = bytearray([SLIP_END])
    for byte in data:
        if byte == SLIP_END:
            out += bytes([SLIP_ESC, SLIP_ESC_END])
        elif byte == SLIP_ESC:
            out += bytes([SLIP_ESC, SLIP_ESC_ESC])
        else:
            out.append(byte)
    out.append(SLIP_END)
    if len(out) > SLIP_BUFFER_BYTES:
        raise OpError("too-large", "encoding of %d bytes exceeds the %d-byte SLIP buffer" % (len(out), SLIP_BUFFER_BYTES))
    return {"bytes": bytes(out).hex()}


class SlipDecoder:
    """Streaming RFC 1055 decoder with the decisions of spec/clauses/slip.json: a bad escape is
    a 'protocol' error and a frame past the buffer a 'too-large' error; either drops the frame
    and discards bytes up to the next END (an END right after ESC is itself that END)."""

    def __init__(self, limit):
        self.limit = limit
        self.frame = bytearray()
        self.escaped = False
        self.discarding = False

    def feed(self, data, events):
        for byte in data:
            if self.discarding:
                if byte == SLIP_END:
                    self.discarding = False
                continue
            if self.escaped:
                self.escaped = False
                if byte == SLIP_ESC_END:
                    self.append(SLIP_END, events)
                elif byte == SLIP_ESC_ESC:
                    self.append(SLIP_ESC, events)
                else:
                    events.append({"error": "protocol"})
                    self.frame = bytearray()
                    self.discarding = byte != SLIP_END
                continue
            if byte == SLIP_END:
                if self.frame:
                    events.append({"frame": bytes(self.frame).hex()})
                self.frame = bytearray()
            elif byte == SLIP_ESC:
                self.escaped = True
            else:
                self.append(byte, events)

    def append(self, byte, events):
        if len(self.frame) >= self.limit:
            events.append({"error": "too-large"})
            self.frame = bytearray()
            self.discarding = True
        else:
            self.frame.append(byte)


def op_slip_decode(op):
    chunks = op.get("chunks")
    if not isinstance(chunks, list):
        raise OpError("invalid-argument", "slip.decode: 'chunks' must be an array of hex strings")
    decoder, events = SlipDecoder(SLIP_BUFFER_BYTES), []
    for i in range(len(chunks)):
        decoder.feed(arg_bytes({"op": "slip.decode", "chunk": chunks[i]}, "chunk"), events)
    return {"events": events}


LAYERS = {
    "codec": {
        "checksum": op_checksum,
        "ethernet.emit": op_ethernet_emit, "ethernet.parse": op_ethernet_parse,
        "arp.emit": op_arp_emit, "arp.parse": op_arp_parse, "arp.request": op_arp_request, "arp.reply": op_arp_reply,
        "ipv4.create": op_ipv4_create, "ipv4.parse": op_ipv4_parse,
        "icmp.create": op_icmp_create, "icmp.reply": op_icmp_reply, "icmp.parse": op_icmp_parse,
        "tcp.create": op_tcp_create, "tcp.parse": op_tcp_parse, "tcp.verify": op_tcp_verify, "tcp.flags": op_tcp_flags,
        "tcp.transition": op_tcp_transition, "tcp.connection": op_tcp_connection,
        "udp.create": op_udp_create, "udp.parse": op_udp_parse, "udp.checksum": op_udp_checksum,
    },
    "slip": {"slip.encode": op_slip_encode, "slip.decode": op_slip_decode},
}


def run_op(handlers, op):
    handler = handlers.get(op.get("op"))
    if handler is None:
        return {"ok": False, "error": {"kind": "unsupported-op", "message": "unknown op %r" % op.get("op")}}
    try:
        return {"ok": True, "value": handler(op)}
    except OpError as e:
        return {"ok": False, "error": {"kind": e.kind, "where": op["op"], "message": e.message}}


def execute(scenario):
    handlers = LAYERS.get(scenario.get("layer"))
    ops = scenario.get("ops", [])
    if handlers is None:
        return {"results": [{"ok": False, "error": {"kind": "unsupported-layer", "message": "layer %r is not implemented" % scenario.get("layer")}} for _ in ops]}
    return {"results": [run_op(handlers, op) for op in ops]}


# --- the protocol loop ----------------------------------------------------------------------

def handle(line):
    """The reply to one request line, and whether to stop after it."""
    try:
        req = json.loads(line)
    except ValueError as e:
        return {"id": None, "error": {"kind": "bad-request", "message": "not JSON: %s" % e}}, False
    if not isinstance(req, dict) or not isinstance(req.get("id"), int) or isinstance(req.get("id"), bool) or req["id"] < 0:
        return {"id": None, "error": {"kind": "bad-request", "message": "a request is an object with a non-negative integer id"}}, False
    rid, method = req["id"], req.get("method")
    if method == "hello":
        if req.get("protocol") != PROTOCOL_VERSION:
            return {"id": rid, "error": {"kind": "unsupported-version", "message": "this implementation speaks protocol %d" % PROTOCOL_VERSION}}, False
        return {"id": rid, "protocol": PROTOCOL_VERSION, "statement": STATEMENT}, False
    if method == "execute":
        scenario = req.get("scenario")
        if not isinstance(scenario, dict) or not isinstance(scenario.get("ops"), list) or not all(isinstance(o, dict) for o in scenario["ops"]):
            return {"id": rid, "error": {"kind": "bad-request", "message": "scenario must be {layer, ops: [...]}"}}, False
        try:
            return {"id": rid, "trace": execute(scenario)}, False
        except Exception as e:  # a bug here: say so in an error reply instead of dying
            return {"id": rid, "error": {"kind": "internal", "message": "%s: %s" % (type(e).__name__, e)}}, False
    if method == "shutdown":
        return {"id": rid, "ok": True}, True
    return {"id": rid, "error": {"kind": "unsupported-method", "message": "unknown method %r" % method}}, False


def main():
    print("r2net python example: %s %s serving on stdin/stdout" % (STATEMENT["name"], STATEMENT["version"]), file=sys.stderr)
    for line in sys.stdin:
        if not line.strip():
            continue
        reply, stop = handle(line)
        sys.stdout.write(json.dumps(reply, separators=(",", ":")) + "\n")
        sys.stdout.flush()
        if stop:
            break
    return 0


if __name__ == "__main__":
    sys.exit(main())
