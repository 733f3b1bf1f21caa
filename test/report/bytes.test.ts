// Hexdumps, protocol decoding and finding the bytes (and the Ethernet frames) in a counterexample.
import { describe, expect, it } from 'vitest';
import { hexdumpText } from '../../src/report/hexdump.ts';
import { decodeAs, decodeGuess, looksLikeEthernet } from '../../src/report/decode.ts';
import { collectBlobs, ethernetFrames } from '../../src/report/blobs.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';
import { ARP_REQUEST_HEX, tcpFrame } from './helpers.ts';

const fields = (layers: ReturnType<typeof decodeAs>, protocol: string) => Object.fromEntries(layers.find((l) => l.protocol === protocol)?.fields ?? []);

describe('hexdump', () => {
  it('prints offset, 16 bytes in two groups and the printable ASCII, with a short last row aligned', () => {
    const text = hexdumpText(new Uint8Array([...Buffer.from('Hello, <world>!\n'), 0x00, 0xff]));
    expect(text.split('\n')).toEqual([
      '0000  48 65 6c 6c 6f 2c 20 3c  77 6f 72 6c 64 3e 21 0a  |Hello, <world>!.|',
      '0010  00 ff                                             |..|',
    ]);
  });

  it('cuts long input and says how much is left out', () => {
    const text = hexdumpText(new Uint8Array(100), 32);
    expect(text.split('\n')).toHaveLength(3);
    expect(text).toMatch(/… 68 more bytes$/);
  });
});

describe('decode', () => {
  it('decodes Ethernet / IPv4 / TCP with checksums verified and header byte ranges', () => {
    const layers = decodeAs('ethernet', tcpFrame());
    expect(layers.map((l) => [l.protocol, l.start, l.end])).toEqual([
      ['ethernet', 0, 14],
      ['ipv4', 14, 34],
      ['tcp', 34, 54],
    ]);
    expect(fields(layers, 'ethernet')).toMatchObject({ dst: '52:54:00:00:00:01', src: '52:54:00:12:34:56', type: '0x0800 (IPv4)' });
    expect(fields(layers, 'ipv4')).toMatchObject({ src: '10.0.0.2', dst: '10.0.0.1', TTL: '64', protocol: '6 (TCP)' });
    expect(fields(layers, 'ipv4').checksum).toMatch(/\(correct\)$/);
    expect(fields(layers, 'tcp')).toMatchObject({ ports: '80 → 1234', seq: '1000', ack: '2001', flags: '0x12 SYN|ACK', window: '1024' });
    expect(fields(layers, 'tcp').checksum).toMatch(/\(correct\)$/);
  });

  it('flags a wrong checksum instead of refusing the packet', () => {
    const f = tcpFrame();
    f[14 + 10] = f[14 + 10]! ^ 0xff; // IPv4 header checksum
    f[34 + 16] = f[34 + 16]! ^ 0x01; // TCP checksum
    const layers = decodeAs('ethernet', f);
    expect(fields(layers, 'ipv4').checksum).toMatch(/WRONG/);
    expect(fields(layers, 'tcp').checksum).toMatch(/WRONG/);
  });

  it('decodes an ARP request with its padding, and UDP and ICMP datagrams', () => {
    const arp = decodeAs('ethernet', fromHex(ARP_REQUEST_HEX)!);
    expect(arp.map((l) => l.protocol)).toEqual(['ethernet', 'arp', 'payload']);
    expect(fields(arp, 'arp')).toEqual({ op: '1 (request)', sender: '00:a0:c9:22:b2:10 172.16.1.101', target: '00:00:00:00:00:00 172.16.1.50' });
    // IPv4 (header checksum left 0) carrying UDP 53 → 1024 without a checksum.
    const udp = fromHex('4500001c000000004011' + '0000' + 'c0a80001c0a800c7' + '0035040000080000')!;
    const ul = decodeAs('ipv4', udp);
    expect(fields(ul, 'udp')).toEqual({ ports: '53 → 1024', length: '8', checksum: '0x0000 (none)' });
    const icmp = decodeAs('icmp', fromHex('0800f7fe00010000')!);
    expect(fields(icmp, 'icmp')).toMatchObject({ 'type/code': '8 (echo request)/0', identifier: '0x0001', sequence: '0' });
    expect(fields(icmp, 'icmp').checksum).toMatch(/correct/);
  });

  it('reports bytes that do not parse as what they were said to be, without throwing', () => {
    const [l] = decodeAs('ipv4', fromHex('6000000000')!);
    expect(l?.error).toMatch(/shorter than the 20-byte header/);
    expect(decodeAs('tcp', fromHex('00')!)[0]?.error).toMatch(/truncated|shorter/);
  });

  it('guesses only what clearly is a frame or a datagram', () => {
    expect(decodeGuess(tcpFrame())?.[0]?.protocol).toBe('ethernet');
    expect(decodeGuess(tcpFrame().subarray(14))?.[0]?.protocol).toBe('ipv4');
    expect(decodeGuess(new Uint8Array(64).fill(0xc0))).toBeUndefined();
    expect(looksLikeEthernet(new Uint8Array(60))).toBe(false);
  });
});

describe('bytes in a counterexample', () => {
  it('finds hex fields in ops, results and observations, with the op that says what they are', () => {
    const frame = toHex(tcpFrame());
    const blobs = collectBlobs(
      { layer: 'codec', ops: [{ op: 'ipv4.parse', bytes: frame.slice(28) }, { op: 'ethernet.emit', dst: '525400000001', src: '525400123456', etherType: 0x800, payload: frame.slice(28) }] },
      { results: [{ ok: true, value: { payload: frame.slice(68) } }, { ok: true, value: { bytes: frame } }] },
    );
    expect(blobs.map((b) => [b.path, b.op, b.hint ?? null, b.ethernet])).toEqual([
      ['ops[0].bytes', 'ipv4.parse', 'ipv4', false],
      ['ops[1].dst', 'ethernet.emit', null, false],
      ['ops[1].src', 'ethernet.emit', null, false],
      ['ops[1].payload', 'ethernet.emit', null, false],
      ['results[0].value.payload', 'ipv4.parse', null, false],
      ['results[1].value.bytes', 'ethernet.emit', 'ethernet', true],
    ]);
  });

  it('takes nic/kernel `frame` fields and wire observations as Ethernet, SLIP frames not', () => {
    const frame = toHex(tcpFrame());
    const nic = ethernetFrames(
      { layer: 'nic', ops: [{ op: 'inject', frame: ARP_REQUEST_HEX }, { op: 'tick', count: 3 }] },
      { results: [{ ok: true, value: null }, { ok: true, value: null }], observations: { wire: [{ descriptor: 1, frame }], serial: 'c0c0' } },
    );
    expect(nic.map((b) => b.path)).toEqual(['ops[0].frame', 'observations.wire[0].frame']);
    const slip = ethernetFrames({ layer: 'slip', ops: [{ op: 'slip.decode', chunks: ['c0' + '11'.repeat(40) + 'c0'] }] }, { results: [{ ok: true, value: { events: [{ frame: '11'.repeat(40) }] } }] });
    expect(slip).toEqual([]);
  });

  it('ignores strings that are not hex bytes', () => {
    expect(collectBlobs({ layer: 'codec', ops: [{ op: 'tcp.transition', state: 'Established', input: 'rcv-fin', odd: 'abc', empty: '' }] })).toEqual([]);
  });
});
