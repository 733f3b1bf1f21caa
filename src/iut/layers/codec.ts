// The `codec` layer of the reference behind the contract: one op per protocol helper call.
// Op vocabulary (arguments and results) is documented in spec/contract/README.md.
import type { Json, Op } from '../contract.ts';
import { ArgError, bytesArg, hex, intArg, stringArg, type Handler } from './dispatch.ts';
import { ipCheck } from '../../codec/fields.ts';
import { err, ok, type Result } from '../../util/result.ts';
import type { Profile } from '../../spec/profile.ts';
import { internetChecksum, onesComplementSum } from '../../codec/checksum.ts';
import { emitEthernet, parseEthernet } from '../../codec/ethernet.ts';
import { arpReply, arpRequest, emitArp, parseArp } from '../../codec/arp.ts';
import { createIpv4Packet, ipv4DefaultsFrom, parseIpv4 } from '../../codec/ipv4.ts';
import { createEcho, echoReplyFor, emitIcmp, parseIcmp } from '../../codec/icmp.ts';
import { createTcpSegment, parseFlags, parseTcp, verifyTcpChecksum } from '../../codec/tcp.ts';
import { TcpConnection, tcpTransition, TCP_INPUTS, TCP_STATES, type TcpInput, type TcpState } from '../../codec/tcp-connection.ts';
import { createUdpPacket, parseUdp, udpChecksum } from '../../codec/udp.ts';

/** Parse results here are turned into hex at once: views of the op's fresh bytes are enough. */
const VIEW = { view: true } as const;

/**
 * An IPv4 address argument of an op that is no builder (tcp.verify, udp.checksum): a wrong
 * length is refused like a builder's (codec.builders.arguments), not summed as some other
 * pseudo-header.
 */
function ipArg(op: Op, name: string): Uint8Array {
  const b = bytesArg(op, name);
  const bad = ipCheck(b, name);
  if (bad) throw new ArgError(`${op.op}: ${bad}`);
  return b;
}

const mapOk = <T>(r: Result<T>, f: (v: T) => Json): Result<Json> => (r.ok ? ok(f(r.value)) : r);
const bytesOut = (r: Result<Uint8Array>): Result<Json> => mapOk(r, (b) => ({ bytes: hex(b) }));

export function codecHandlers(profile: Profile): Record<string, Handler<null>> {
  const ipDefaults = ipv4DefaultsFrom(profile.defaults);
  return {
    checksum: (op) => {
      const data = bytesArg(op, 'data');
      return { checksum: internetChecksum(data), sum: onesComplementSum(data) };
    },
    'ethernet.emit': (op) =>
      bytesOut(emitEthernet({ dst: bytesArg(op, 'dst'), src: bytesArg(op, 'src'), etherType: intArg(op, 'etherType', 0, 0xffff), payload: bytesArg(op, 'payload') })),
    'ethernet.parse': (op) =>
      mapOk(parseEthernet(bytesArg(op, 'bytes'), VIEW), (f) => ({ dst: hex(f.dst), src: hex(f.src), etherType: f.etherType, payload: hex(f.payload) })),
    'arp.emit': (op) =>
      bytesOut(
        emitArp({
          op: intArg(op, 'operation', 0, 0xffff),
          senderMac: bytesArg(op, 'senderMac'),
          senderIp: bytesArg(op, 'senderIp'),
          targetMac: bytesArg(op, 'targetMac'),
          targetIp: bytesArg(op, 'targetIp'),
        }),
      ),
    'arp.parse': (op) =>
      mapOk(parseArp(bytesArg(op, 'bytes')), (p) => ({
        operation: p.op,
        senderMac: hex(p.senderMac),
        senderIp: hex(p.senderIp),
        targetMac: hex(p.targetMac),
        targetIp: hex(p.targetIp),
      })),
    'arp.request': (op) => bytesOut(emitArp(arpRequest(bytesArg(op, 'senderMac'), bytesArg(op, 'senderIp'), bytesArg(op, 'targetIp')))),
    'arp.reply': (op) => {
      const request = parseArp(bytesArg(op, 'request'));
      return request.ok ? bytesOut(emitArp(arpReply(request.value, bytesArg(op, 'mac')))) : request;
    },
    'ipv4.create': (op) =>
      bytesOut(createIpv4Packet({ src: bytesArg(op, 'src'), dst: bytesArg(op, 'dst'), protocol: intArg(op, 'protocol', 0, 255), payload: bytesArg(op, 'payload') }, ipDefaults)),
    'ipv4.parse': (op) =>
      mapOk(parseIpv4(bytesArg(op, 'bytes'), VIEW), (p) => ({
        versionIhl: p.header.versionIhl,
        dscpEcn: p.header.dscpEcn,
        totalLength: p.header.totalLength,
        identification: p.header.identification,
        flagsFragment: p.header.flagsFragment,
        ttl: p.header.ttl,
        protocol: p.header.protocol,
        checksum: p.header.checksum,
        src: hex(p.header.src),
        dst: hex(p.header.dst),
        options: hex(p.options),
        payload: hex(p.payload),
        checksumOk: p.checksumOk,
      })),
    'icmp.create': (op) =>
      bytesOut(createEcho({ type: intArg(op, 'type', 0, 255), identifier: intArg(op, 'identifier', 0, 0xffff), sequence: intArg(op, 'sequence', 0, 0xffff), payload: bytesArg(op, 'payload') })),
    'icmp.reply': (op) => {
      const request = parseIcmp(bytesArg(op, 'request'));
      return request.ok ? bytesOut(emitIcmp(echoReplyFor(request.value))) : request;
    },
    'icmp.parse': (op) =>
      mapOk(parseIcmp(bytesArg(op, 'bytes'), VIEW), (m) => ({
        type: m.type,
        code: m.code,
        checksum: m.checksum,
        identifier: m.identifier,
        sequence: m.sequence,
        payload: hex(m.payload),
        checksumOk: m.checksumOk,
      })),
    'tcp.create': (op) =>
      bytesOut(
        createTcpSegment({
          srcIp: bytesArg(op, 'srcIp'),
          dstIp: bytesArg(op, 'dstIp'),
          srcPort: intArg(op, 'srcPort', 0, 0xffff),
          dstPort: intArg(op, 'dstPort', 0, 0xffff),
          seq: intArg(op, 'seq'),
          ack: intArg(op, 'ack'),
          flags: intArg(op, 'flags', 0, 0xff),
          window: intArg(op, 'window', 0, 0xffff, profile.defaults.tcpWindow),
          payload: bytesArg(op, 'payload'),
        }),
      ),
    'tcp.parse': (op) =>
      mapOk(parseTcp(bytesArg(op, 'bytes'), VIEW), (s) => ({
        srcPort: s.header.srcPort,
        dstPort: s.header.dstPort,
        seq: s.header.seq,
        ack: s.header.ack,
        dataOffset: s.header.dataOffset,
        flags: s.header.flags,
        window: s.header.window,
        checksum: s.header.checksum,
        urgent: s.header.urgent,
        options: hex(s.options),
        payload: hex(s.payload),
      })),
    'tcp.verify': (op) => ({ valid: verifyTcpChecksum(ipArg(op, 'srcIp'), ipArg(op, 'dstIp'), bytesArg(op, 'bytes')) }),
    'tcp.flags': (op) => parseFlags(intArg(op, 'flags', 0, 0xff)),
    'tcp.transition': (op) => {
      const state = stringArg(op, 'state') as TcpState;
      const input = stringArg(op, 'input') as TcpInput;
      if (!TCP_STATES.includes(state) || !TCP_INPUTS.includes(input)) {
        return err('invalid-argument', 'tcp.transition', `unknown state '${state}' or input '${input}'`);
      }
      return mapOk(tcpTransition(state, input), (t) => ({ state: t.state, send: t.send }));
    },
    'tcp.connection': (op) => {
      const inputs = op.inputs;
      if (!Array.isArray(inputs) || !inputs.every((i): i is TcpInput => typeof i === 'string' && TCP_INPUTS.includes(i as TcpInput))) {
        return err('invalid-argument', 'tcp.connection', `'inputs' must be an array of ${TCP_INPUTS.join('|')}`);
      }
      const conn = new TcpConnection();
      const steps = inputs.map((input) => {
        const r = conn.apply(input);
        return { ok: r.ok, state: conn.state, send: r.ok ? r.value.send : null };
      });
      return ok({ steps });
    },
    'udp.create': (op) => bytesOut(createUdpPacket({ srcPort: intArg(op, 'srcPort', 0, 0xffff), dstPort: intArg(op, 'dstPort', 0, 0xffff), payload: bytesArg(op, 'payload') })),
    'udp.parse': (op) =>
      mapOk(parseUdp(bytesArg(op, 'bytes'), VIEW), (d) => ({ srcPort: d.srcPort, dstPort: d.dstPort, length: d.length, checksum: d.checksum, payload: hex(d.payload) })),
    'udp.checksum': (op) => ({ checksum: udpChecksum(ipArg(op, 'srcIp'), ipArg(op, 'dstIp'), bytesArg(op, 'bytes')) }),
  };
}
