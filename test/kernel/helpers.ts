// Frame builders and a booted kernel over the fake hardware, for the kernel tests. Frames are
// built byte by byte here (not with the codec) so routing tests do not depend on the codec.
import { seedProfile } from '../../src/spec/profile.ts';
import type { Profile } from '../../src/spec/profile.ts';
import { createKernel } from '../../src/kernel/kernel.ts';
import type { Kernel, KernelOptions } from '../../src/kernel/kernel.ts';
import { createFakeHardware } from './fake-hardware.ts';
import type { FakeHardware, FakeOptions } from './fake-hardware.ts';

export const profile: Profile = seedProfile();
export const L = profile.limits;
export const W0 = L.userWindowStart;
export const WEND = L.userWindowEnd;

export const MAC_A = [0x02, 0, 0, 0, 0, 0xaa];
export const MAC_B = [0x02, 0, 0, 0, 0, 0xbb];
export const IP_A = [10, 0, 0, 1];
export const IP_B = [10, 0, 0, 2];

export function boot(fake: FakeOptions = {}, options: KernelOptions = {}): { k: Kernel; hw: FakeHardware } {
  const hw = createFakeHardware(fake);
  const k = createKernel(hw, profile, options);
  return { k, hw };
}

/** An IPv4 header (checksum left 0: routing does not look at it). */
export function ipv4Header(opts: { protocol: number; totalLength: number; src?: number[]; dst?: number[]; ihl?: number }): number[] {
  const ihl = opts.ihl ?? 5;
  const h = new Array<number>(Math.max(20, ihl * 4)).fill(0);
  h[0] = 0x40 | (ihl & 0x0f);
  h[2] = (opts.totalLength >> 8) & 0xff;
  h[3] = opts.totalLength & 0xff;
  h[8] = 64;
  h[9] = opts.protocol;
  (opts.src ?? IP_B).forEach((b, i) => (h[12 + i] = b));
  (opts.dst ?? IP_A).forEach((b, i) => (h[16 + i] = b));
  return h;
}

export function ethernet(etherType: number, payload: number[], dst = MAC_A, src = MAC_B): Uint8Array {
  return Uint8Array.from([...dst, ...src, (etherType >> 8) & 0xff, etherType & 0xff, ...payload]);
}

/** An Ethernet/IPv4/TCP frame to `dstPort`, with `extra` payload bytes. */
export function tcpFrame(dstPort: number, opts: { srcPort?: number; ihl?: number; payload?: number[]; src?: number[]; dst?: number[] } = {}): Uint8Array {
  const ihl = opts.ihl ?? 5;
  const payload = opts.payload ?? [];
  const tcp = new Array<number>(20).fill(0);
  const sp = opts.srcPort ?? 40000;
  tcp[0] = sp >> 8;
  tcp[1] = sp & 0xff;
  tcp[2] = dstPort >> 8;
  tcp[3] = dstPort & 0xff;
  tcp[12] = 0x50;
  tcp[13] = 0x02;
  const ipLen = Math.max(20, ihl * 4);
  const header = ipv4Header({ protocol: 6, totalLength: ipLen + 20 + payload.length, ihl, src: opts.src, dst: opts.dst });
  return ethernet(0x0800, [...header, ...tcp, ...payload]);
}

export function udpFrame(dstPort: number): Uint8Array {
  const udp = [0x9c, 0x40, dstPort >> 8, dstPort & 0xff, 0, 8, 0, 0];
  return ethernet(0x0800, [...ipv4Header({ protocol: 17, totalLength: 28 }), ...udp]);
}

export function icmpFrame(): Uint8Array {
  const icmp = [8, 0, 0, 0, 0, 1, 0, 1];
  return ethernet(0x0800, [...ipv4Header({ protocol: 1, totalLength: 28 }), ...icmp]);
}

export function arpFrame(): Uint8Array {
  const arp = [0, 1, 8, 0, 6, 4, 0, 1, ...MAC_B, ...IP_B, 0, 0, 0, 0, 0, 0, ...IP_A];
  return ethernet(0x0806, arp, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
}

/** Spawns a process and makes it the global driver. */
export function withDriver(k: Kernel): number {
  const pid = k.spawn();
  k.syscall(pid, 0x37, 0, 0);
  return pid;
}

export const bytes = (xs: number[] | Uint8Array): Uint8Array => Uint8Array.from(xs);
