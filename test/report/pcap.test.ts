// pcap files: the exact classic libpcap layout, read back record by record; one file per failing
// property that carries Ethernet frames; and, where tcpdump or tshark is installed, that it opens.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePcap, parsePcap, pcapFileName, writePcaps, LINKTYPE_ETHERNET } from '../../src/report/pcap.ts';
import { fromHex } from '../../src/util/bytes.ts';
import { ARP_REQUEST_HEX, nicReport, runReport, mutant, tcpFrame } from './helpers.ts';

const which = (cmd: string): string | undefined => {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
};

describe('pcap', () => {
  it('writes the classic header (magic a1b2c3d4, v2.4, snaplen 65535, Ethernet) and records 1 s apart', () => {
    const arp = fromHex(ARP_REQUEST_HEX)!;
    const tcp = tcpFrame();
    const file = encodePcap([arp, tcp]);
    expect(Array.from(file.subarray(0, 24))).toEqual([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0]);
    expect(file.length).toBe(24 + 16 + arp.length + 16 + tcp.length);
    const back = parsePcap(file);
    expect(back).toMatchObject({ littleEndian: true, versionMajor: 2, versionMinor: 4, snaplen: 65535, linkType: LINKTYPE_ETHERNET });
    expect(back.packets.map((p) => [p.tsSec, p.tsUsec, p.origLen])).toEqual([
      [0, 0, 60],
      [1, 0, 54],
    ]);
    expect(back.packets[0]!.data).toEqual(arp);
    expect(back.packets[1]!.data).toEqual(tcp);
  });

  it('reading refuses a bad magic and a truncated record', () => {
    expect(() => parsePcap(new Uint8Array(24))).toThrow(/bad magic/);
    const file = encodePcap([tcpFrame()]);
    expect(() => parsePcap(file.subarray(0, file.length - 1))).toThrow(/record at offset 24/);
  });

  it('writes <property-id>.pcap for each failing property with frames (scenario, then trace), none for the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'r2net-pcap-'));
    writeFileSync(join(dir, 'stale.pcap'), 'old');
    const written = writePcaps(nicReport(), dir);
    expect(readdirSync(dir).sort()).toEqual(['nic.rx.overrun.pcap', 'nic.tx.pad-runt.pcap']);
    expect(written.map((p) => p.slice(dir.length + 1)).sort()).toEqual(['nic.rx.overrun.pcap', 'nic.tx.pad-runt.pcap']);
    const tx = parsePcap(readFileSync(join(dir, 'nic.tx.pad-runt.pcap')));
    // inject (ARP), send (the TCP frame), and the same TCP frame seen on the wire.
    expect(tx.packets.map((p) => p.data.length)).toEqual([60, 54, 54]);
    expect(tx.packets[2]!.data).toEqual(tcpFrame());
    // A codec failure about ethernet.parse carries a frame too; a TCP-only failure has none.
    const codec = await runReport(mutant('ethernet-parse-swaps-macs'), { layers: ['codec'], runs: 5 });
    const cdir = mkdtempSync(join(tmpdir(), 'r2net-pcap-codec-'));
    const names = writePcaps(codec, cdir).map((p) => p.slice(cdir.length + 1));
    expect(names).toContain(pcapFileName('codec.ethernet.parse-roundtrip'));
    const tcpOnly = await runReport(mutant('tcp-flags-shifted'), { layers: ['codec'], runs: 5 });
    expect(tcpOnly.properties.some((p) => p.status === 'fail')).toBe(true);
    expect(writePcaps(tcpOnly, mkdtempSync(join(tmpdir(), 'r2net-pcap-none-')))).toEqual([]);
  });

  const reader = which('tshark') ?? which('tcpdump');
  it.skipIf(!reader)(`opens in ${reader ?? 'tcpdump/tshark (not installed: skipped)'}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'r2net-pcap-tool-'));
    writePcaps(nicReport(), dir);
    const file = join(dir, 'nic.tx.pad-runt.pcap');
    expect(existsSync(file)).toBe(true);
    const r = reader!.endsWith('tshark') ? spawnSync(reader!, ['-r', file, '-n'], { encoding: 'utf8' }) : spawnSync(reader!, ['-r', file, '-n', '-e'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/ARP.*172\.16\.1\.50/i);
    expect(lines[1]).toMatch(/10\.0\.0\.2\.?80 .*10\.0\.0\.1\.?1234|10\.0\.0\.2 → 10\.0\.0\.1/);
  });
});
