// The hazards of userland port I/O (spec-notes §9.6), each stated as the property a user would
// want. On the seed profile each one FINDS its counterexample: fast-check shrinks the generated
// part (frame sizes, targets, how many bytes are read back) and the runner reports `hazard`.
//
// The evidence is the trace alone: what the serial line carried while a process pointed 0x30
// at kernel memory, and what 0x35 handed the driver after a userland write to the NIC.
import fc from 'fast-check';
import type { Trace } from '../../src/iut/contract.ts';
import type { PropertyContext, PropertyDef } from '../../src/runner/property.ts';
import { okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { CP } from './commands/index.ts';
import { NIC, PORT_SYS, UART } from './model-portio.ts';
import { RC, SYS } from './model.ts';
import { CRC_BYTES, ETH_HEADER, IPV4_HEADER, tcpFrame } from './frames.ts';
import { hx, ioAt, Plan, planProperty, portWrite, serialAt } from './portio.ts';

const TCP_HEADER = 20;
/** "op #3" or "ops #3..#7". */
const opsOf = (ats: number[]): string => (ats.length === 1 ? `op #${ats[0]}` : `ops #${ats[0]}..#${ats[ats.length - 1]}`);
const resultOf = (trace: Trace, at: number): unknown => okValue<{ result: unknown }>(trace, at, `op #${at}`).result;

/** Four byte writes of `addr` to RBSTART (I/O base + 0x30..0x33), as any process may issue them. */
function writeRbstart(plan: Plan, ctx: PropertyContext, addr: number): number[] {
  const base = ctx.defaults.nicIoFallback + NIC.RBSTART;
  return [0, 1, 2, 3].map((i) => portWrite(plan, ctx.limits.userWindowStart, base + i, (addr >>> (8 * i)) & 0xff, `0x30 NIC RBSTART byte ${i} ← ${hx((addr >>> (8 * i)) & 0xff)}`));
}

/** Boot, a driver (pid 1) and, when asked, a receiver (pid 2) bound to `port`. */
function prologue(plan: Plan, port: number | null): void {
  plan.add({ op: 'boot', mac: '020000000001', ip: '0a000001' });
  plan.add({ op: 'spawn' });
  plan.add({ op: 'syscall', pid: 1, no: SYS.Register, arg1: 0, arg2: 0, note: '0x37 pid 1 becomes the global driver' });
  if (port === null) return;
  plan.add({ op: 'spawn' });
  plan.add({ op: 'syscall', pid: 2, no: SYS.Register, arg1: port, arg2: 0, note: `0x37 pid 2 binds port ${port}` });
}

export const kernelPortioHazardProperties: PropertyDef[] = [
  planProperty({
    id: 'kernel.hazard.portio-nic-dma',
    title: 'no process can send the NIC’s receive DMA outside the RX ring',
    clauses: [CP.nicReprogram],
    // Kernel addresses below the userland window that are neither the ring nor a kernel buffer.
    arbitrary: () => fc.record({ target: fc.constantFrom(0x300000, 0x380000, 0x400000), payload: fc.integer({ min: 6, max: 64 }), show: fc.integer({ min: 1, max: 6 }) }),
    plan: (a, ctx) => {
      const plan = new Plan();
      const w0 = ctx.limits.userWindowStart;
      prologue(plan, null);
      const writes = writeRbstart(plan, ctx, a.target);
      const frame = tcpFrame(7, { payload: a.payload });
      const inj = plan.add({ op: 'inject', frame: toHex(frame) });
      // Read back where the chip wrote: the 4-byte ring header, then the frame (dst MAC first).
      const reads: number[] = [];
      for (let i = 0; i < a.show; i++) reads.push(portReadBack(plan, w0, ctx, a.target + 4 + i));
      const want = toHex(frame.subarray(0, a.show));
      return {
        plan,
        judge: (trace) => {
          const got = reads.map((at) => serialAt(trace, at)).join('');
          const accepted = okValue<{ accepted: unknown }>(trace, inj, 'inject').accepted === true;
          return accepted && got === want
            ? `pid 1's four 0x30 writes to RBSTART (ops #${writes.join(', #')}) set it to ${hx(a.target)}; the ${frame.length}-byte frame offered at op #${inj} was accepted and the NIC wrote it at ${hx(a.target)} + 4, outside the RX ring, in kernel memory: 0x30 calls reading from ${hx(a.target + 4)} (${opsOf(reads)}) put its first ${a.show} byte(s) ${want} on the serial line`
            : null;
        },
      };
    },
  }),
  planProperty({
    id: 'kernel.hazard.portio-nic-reset',
    title: 'no process can discard the frames waiting in the RX ring',
    clauses: [CP.nicReprogram],
    arbitrary: () => fc.record({ frames: fc.integer({ min: 1, max: 3 }), payload: fc.integer({ min: 0, max: 64 }) }),
    plan: (a, ctx) => {
      const plan = new Plan();
      const w0 = ctx.limits.userWindowStart;
      prologue(plan, null);
      const frame = tcpFrame(7, { payload: a.payload });
      const injected = Array.from({ length: a.frames }, () => plan.add({ op: 'inject', frame: toHex(frame) }));
      const reset = portWrite(plan, w0, ctx.defaults.nicIoFallback + NIC.CR, NIC.CR_RST, '0x30 NIC CR ← RST (0x10)');
      const receives: number[] = [];
      for (let i = 0; i < a.frames; i++) {
        plan.add({ op: 'tick' });
        receives.push(plan.add({ op: 'syscall', pid: 1, no: SYS.Receive, arg1: 0, arg2: w0 + 0x100, note: '0x35 the driver reads (non-blocking)' }));
      }
      return {
        plan,
        judge: (trace) => {
          const accepted = injected.filter((at) => okValue<{ accepted: unknown }>(trace, at, 'inject').accepted === true);
          const got = receives.filter((at) => resultOf(trace, at) === frame.length + CRC_BYTES).length;
          return accepted.length > 0 && got < accepted.length
            ? `${accepted.length} frame(s) sat in the RX ring (accepted at op(s) #${accepted.join(', #')}) when pid 1's 0x30 at op #${reset} wrote RST to the NIC's CR; the driver then read ${got} of them in ${a.frames} tick(s) (0x35 at op(s) #${receives.join(', #')} returned ${receives.map((at) => JSON.stringify(resultOf(trace, at))).join(', ')}): the reset discarded the ring, and nobody was told`
            : null;
        },
      };
    },
  }),
  planProperty({
    id: 'kernel.hazard.portio-unchecked-pointers',
    title: 'no process can read kernel memory (another process’s frame in NET_FRAME_BUF) through a syscall',
    clauses: [CP.kernelRead],
    arbitrary: () => fc.record({ payload: fc.integer({ min: 1, max: 32 }), show: fc.integer({ min: 1, max: 8 }), port: fc.constantFrom(80, 443, 8080) }),
    plan: (a, ctx) => {
      const plan = new Plan();
      const w0 = ctx.limits.userWindowStart;
      const buf = ctx.defaults.netFrameBufAddr;
      prologue(plan, a.port);
      const frame = tcpFrame(a.port, { payload: a.payload });
      const inj = plan.add({ op: 'inject', frame: toHex(frame) });
      const tick = plan.add({ op: 'tick' });
      // pid 1 points 0x30's value pointer at NET_FRAME_BUF's payload bytes, the port at COM1's THR.
      const at0 = ETH_HEADER + IPV4_HEADER + TCP_HEADER;
      const n = Math.min(a.show, a.payload);
      const reads = Array.from({ length: n }, (_, i) => portReadBack(plan, w0, ctx, buf + at0 + i));
      const want = toHex(frame.subarray(at0, at0 + n));
      // 0x31's port pointer is unchecked too: pointed at the frame's EtherType, it reads that port.
      const ETHERTYPE_AT = 12;
      const leakedPort = frame[ETHERTYPE_AT]! | (frame[ETHERTYPE_AT + 1]! << 8);
      const in31 = plan.add({ op: 'syscall', pid: 1, no: PORT_SYS.Read, arg1: buf + ETHERTYPE_AT, arg2: w0 + 8, note: `0x31 with the port pointer at ${hx(buf + ETHERTYPE_AT)} (unchecked)` });
      return {
        plan,
        judge: (trace) => {
          const got = reads.map((at) => serialAt(trace, at)).join('');
          const ok = reads.every((at) => resultOf(trace, at) === RC.Okay);
          const also = ioAt(trace, in31).some((x) => x.startsWith(`in ${hx(leakedPort)}=`))
            ? `; and the 0x31 at op #${in31}, its port pointer at ${hx(buf + ETHERTYPE_AT)}, read port ${hx(leakedPort)}: that frame's EtherType bytes, taken from kernel memory as a port number (io)`
            : '';
          return ok && got === want
            ? `the frame for port ${a.port} offered at op #${inj} was delivered to pid 2 at op #${tick} (NET_FRAME_BUF, ${hx(buf)}); pid 1's 0x30 calls with the port pointer on COM1's THR and the value pointer at ${hx(buf + at0)}.. (${opsOf(reads)}, unchecked) put ${n} byte(s) of pid 2's TCP payload, ${want}, on the serial line${also}`
            : null;
        },
      };
    },
  }),
];

/** One 0x30 with the port pointer on COM1's THR (poked at w0) and the value pointer at `addr`: the byte there goes on the line. */
export function portReadBack(plan: Plan, w0: number, ctx: PropertyContext, addr: number): number {
  const thr = ctx.defaults.comBase + UART.THR;
  plan.add({ op: 'poke', pid: 1, addr: w0, bytes: toHex(Uint8Array.of(thr & 0xff, thr >> 8)) });
  return plan.add({ op: 'syscall', pid: 1, no: PORT_SYS.Write, arg1: w0, arg2: addr, note: `0x30 COM1 THR ← the byte at ${hx(addr)} (value pointer unchecked)` });
}
