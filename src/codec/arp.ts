// ARP for IPv4 over Ethernet (RFC 826): a fixed 28-byte packet.
//   htype 2 | ptype 2 | hlen 1 | plen 1 | op 2 | sha 6 | spa 4 | tha 6 | tpa 4
import { ok, err } from '../util/result.ts';
import type { Result } from '../util/result.ts';
import { readU16BE, writeU16BE } from '../util/bytes.ts';
import { ETHERTYPE_IPV4 } from './ethernet.ts';
import { IPV4_ADDR_LEN, MAC_LEN, copyOf, firstFailure, ipCheck, macCheck, u16Check, putBytes } from './fields.ts';

export const ARP_PACKET_LEN = 28;
export const ARP_OP_REQUEST = 1;
export const ARP_OP_REPLY = 2;
export const ARP_HTYPE_ETHERNET = 1;
export const ARP_PTYPE_IPV4 = ETHERTYPE_IPV4;

/** Byte offsets of the fields. */
export const ARP_FIELD = {
  htype: 0,
  ptype: 2,
  hlen: 4,
  plen: 5,
  op: 6,
  senderMac: 8,
  senderIp: 14,
  targetMac: 18,
  targetIp: 24,
} as const;

export interface ArpPacket {
  op: number;
  senderMac: Uint8Array;
  senderIp: Uint8Array;
  targetMac: Uint8Array;
  targetIp: Uint8Array;
}

export function emitArp(p: ArpPacket): Result<Uint8Array> {
  const bad = firstFailure('arp.emit', [
    u16Check(p.op, 'op'),
    macCheck(p.senderMac, 'senderMac'),
    ipCheck(p.senderIp, 'senderIp'),
    macCheck(p.targetMac, 'targetMac'),
    ipCheck(p.targetIp, 'targetIp'),
  ]);
  if (bad) return bad;
  const out = new Uint8Array(ARP_PACKET_LEN);
  writeU16BE(out, ARP_FIELD.htype, ARP_HTYPE_ETHERNET);
  writeU16BE(out, ARP_FIELD.ptype, ARP_PTYPE_IPV4);
  out[ARP_FIELD.hlen] = MAC_LEN;
  out[ARP_FIELD.plen] = IPV4_ADDR_LEN;
  writeU16BE(out, ARP_FIELD.op, p.op);
  putBytes(out, p.senderMac, ARP_FIELD.senderMac);
  putBytes(out, p.senderIp, ARP_FIELD.senderIp);
  putBytes(out, p.targetMac, ARP_FIELD.targetMac);
  putBytes(out, p.targetIp, ARP_FIELD.targetIp);
  return ok(out);
}

/**
 * Parses the first 28 bytes; anything after them (Ethernet padding up to the 60-byte
 * minimum frame) is ignored. The op code is reported as is, not validated.
 */
export function parseArp(bytes: Uint8Array): Result<ArpPacket> {
  const where = 'arp.parse';
  if (bytes.length < ARP_PACKET_LEN)
    return err('truncated', where, `ARP packet of ${bytes.length} bytes is shorter than ${ARP_PACKET_LEN}`);
  const htype = readU16BE(bytes, ARP_FIELD.htype);
  const ptype = readU16BE(bytes, ARP_FIELD.ptype);
  const hlen = bytes[ARP_FIELD.hlen];
  const plen = bytes[ARP_FIELD.plen];
  if (htype !== ARP_HTYPE_ETHERNET) return err('malformed', where, `htype ${htype} is not 1 (Ethernet)`);
  if (ptype !== ARP_PTYPE_IPV4) return err('malformed', where, `ptype 0x${ptype.toString(16)} is not 0x0800 (IPv4)`);
  if (hlen !== MAC_LEN) return err('malformed', where, `hlen ${hlen} is not 6`);
  if (plen !== IPV4_ADDR_LEN) return err('malformed', where, `plen ${plen} is not 4`);
  return ok({
    op: readU16BE(bytes, ARP_FIELD.op),
    senderMac: copyOf(bytes, ARP_FIELD.senderMac, ARP_FIELD.senderMac + MAC_LEN),
    senderIp: copyOf(bytes, ARP_FIELD.senderIp, ARP_FIELD.senderIp + IPV4_ADDR_LEN),
    targetMac: copyOf(bytes, ARP_FIELD.targetMac, ARP_FIELD.targetMac + MAC_LEN),
    targetIp: copyOf(bytes, ARP_FIELD.targetIp, ARP_FIELD.targetIp + IPV4_ADDR_LEN),
  });
}

/** "Who has targetIp? Tell senderIp": op 1, target MAC all zero. */
export function arpRequest(senderMac: Uint8Array, senderIp: Uint8Array, targetIp: Uint8Array): ArpPacket {
  return {
    op: ARP_OP_REQUEST,
    senderMac: copyOf(senderMac),
    senderIp: copyOf(senderIp),
    targetMac: new Uint8Array(MAC_LEN),
    targetIp: copyOf(targetIp),
  };
}

/**
 * The answer to `request` from the host owning `request.targetIp` with MAC `myMac`:
 * op 2, sender = (myMac, the asked-for IP), target = the requester's (MAC, IP).
 */
export function arpReply(request: ArpPacket, myMac: Uint8Array): ArpPacket {
  return {
    op: ARP_OP_REPLY,
    senderMac: copyOf(myMac),
    senderIp: copyOf(request.targetIp),
    targetMac: copyOf(request.senderMac),
    targetIp: copyOf(request.senderIp),
  };
}
