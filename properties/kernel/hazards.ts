// The hazards of spec-notes §9, each stated as the property a user would want. Each names only
// its hazard clause; on the seed profile each one FINDS a counterexample, which fast-check
// shrinks to a handful of ops and the runner reports under verdict `hazard`.
//
// The evidence is the trace: the bytes a process actually read (peeked after its 0x35), what
// the scenario offered and sent, the final registry, the memory past the window. The model
// only says what each frame was for and explains in the message where a lost frame went.
import type { Op } from '../../src/iut/contract.ts';
import type { PropertyDef } from '../../src/runner/property.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';
import { C, commandArb, describeFrame, ReceiveCmd, showRegistry, TickCmd } from './commands/index.ts';
import { isObj, setupArb, valueOf, type Cursor, type Real } from './engine.ts';
import { machineProperty } from './machine.ts';
import { eq, FIRST_PID, type MFrame, type Model } from './model.ts';
import { PORT_POOL } from './frames.ts';
import fc from 'fast-check';

const FATE_WORDS: Record<MFrame['fate'], string> = {
  'nic-missed': 'the NIC refused it: no driver had registered, so its receiver was off',
  'lost-to-nic-reset': 'it sat in the RX ring when driver registration reset the NIC',
  'in-ring': 'it is still in the RX ring',
  'driver-dropped': 'the driver dropped it (size)',
  'looped-no-driver': 'it was looped back while no driver was registered, and dropped',
  'lost-queue-full': "its receiver's 10-message queue was full, so its message was lost",
  'lost-receiver-gone': 'its receiver had exited or been killed, so its message was lost with it',
  overwritten: 'the next frame overwrote NET_FRAME_BUF before its receiver copied it',
  read: 'it was read',
  'pending-unread': 'it is still waiting to be read',
};

/** Every process reads everything it can, ticking until nothing is left in the ring or the queues. */
function drain(m: Model, r: Real): void {
  const bound = m.ring.length * 2 + m.procs.length * (r.ctx.limits.messageQueueDepth + 2) + 4;
  for (let round = 0; round < bound; round++) {
    for (const p of m.procs) while (m.runnable(p) && !p.receive && p.queue.length > 0) new ReceiveCmd(p.pid - FIRST_PID, 0, r.ctx.limits.userWindowStart).run(m, r);
    if (!m.pendingWork()) return;
    new TickCmd().run(m, r);
  }
}

/** Multiset matching: which offered byte strings never came out of a read. */
function unmatched<T>(items: T[], bytesOf: (t: T) => Uint8Array, received: Uint8Array[]): T[] {
  const pool = received.map((b) => toHex(b));
  return items.filter((it) => {
    const i = pool.indexOf(toHex(bytesOf(it)));
    if (i < 0) return true;
    pool.splice(i, 1);
    return false;
  });
}

const CANARY = fromHex('deadbeefcafef00d')!;

export const kernelHazardProperties: PropertyDef[] = [
  machineProperty({
    id: 'kernel.hazard.netframebuf-disclosure',
    title: "a process never receives the bytes of a frame delivered for another process",
    clauses: [C.disclosure],
    setup: () => setupArb({ minProcs: 2, maxProcs: 2, driver: true }),
    commands: (ctx, cfg) =>
      commandArb(ctx, cfg, { bind: 2, inject: 4, tick: 4, receive: 2 }, { maxIdx: 1, ports: fc.constant(PORT_POOL[0]), rx: { ports: fc.constant(PORT_POOL[0]), kinds: ['tcp', 'arp'] }, blockingShare: 0, addr: fc.constant(ctx.limits.userWindowStart) }),
    maxCommands: 20,
    runsFactor: 2,
  }),
  machineProperty({
    id: 'kernel.hazard.silent-loss',
    title: 'no frame or IPC message vanishes without a return code or a counter telling the affected process',
    clauses: [C.silentLoss],
    setup: () => setupArb({ minProcs: 1, maxProcs: 2, driver: 'random' }),
    commands: (ctx, cfg) => commandArb(ctx, cfg, { inject: 4, tick: 2, receive: 2, ipc: 2, register: 1 }, { maxIdx: 1, blockingShare: 0, addr: fc.constant(ctx.limits.userWindowStart), rx: { kinds: ['tcp', 'arp', 'icmp', 'udp'] } }),
    maxCommands: 8,
    finish: drain,
    audit: (m: Model, c: Cursor) => {
      const received = c.receipts.map((x) => x.got);
      const lostFrames = unmatched(m.frames, (f) => f.received, received);
      const f = lostFrames[0];
      if (f)
        c.ck(C.silentLoss, false, () =>
          `frame #${f.n} (${describeFrame(f.bytes)}, ${f.origin === 'wire' ? `offered on the wire at op #${f.op}` : `looped back at op #${f.op}`}) never reached a process intact, though every process read all it could; ${FATE_WORDS[f.fate]} — and no return code or counter told anyone`,
        );
      const lostIpc = unmatched(m.ipcs, (i) => i.bytes, c.receipts.filter((x) => x.copy.msg.kind === 'ipc').map((x) => x.got));
      const i = lostIpc[0];
      if (i) c.ck(C.silentLoss, false, () => `the IPC message pid ${i.src} sent to pid ${i.dst} at op #${i.op} (0x36 returned Okay) never arrived intact: ${i.fate === 'lost-queue-full' ? "the target's queue was full" : 'a later 0x36 overwrote the kernel IPC buffer before it was read'}`);
    },
  }),
  machineProperty({
    id: 'kernel.hazard.port-hijack',
    title: 'a port bound by one process is never taken over or evicted by another process',
    clauses: [C.hijack],
    setup: () => setupArb({ minProcs: 2, maxProcs: 2, driver: false }),
    commands: (ctx, cfg) => commandArb(ctx, cfg, { bind: 4 }, { maxIdx: 1, ports: fc.constantFrom(...PORT_POOL) }),
    maxCommands: 6,
    audit: (_m: Model, c: Cursor) => {
      const s = c.finalSnapshot();
      const reg = s && Array.isArray(s.registry) ? s.registry.filter(isObj) : [];
      const owner = new Map<number, { pid: number; at: number }>();
      for (const b of c.binds) if (b.result === 0 && !owner.has(b.port)) owner.set(b.port, { pid: b.pid, at: b.at });
      for (const [port, first] of owner) {
        const now = reg.find((e) => e.port === port);
        const by = c.binds.find((b) => b.port === port && b.pid !== first.pid && b.result === 0);
        c.ck(C.hijack, now?.pid === first.pid, () =>
          now
            ? `pid ${first.pid} bound port ${port} at op #${first.at}; pid ${now.pid}'s bind${by ? ` at op #${by.at}` : ''} took it over, silently: the final registry (slot:port→pid) is ${showRegistry(reg)}`
            : `pid ${first.pid} bound port ${port} at op #${first.at}; another process's bind evicted it from the full registry, silently: the final registry (slot:port→pid) is ${showRegistry(reg)}`,
        );
      }
    },
  }),
  machineProperty({
    id: 'kernel.hazard.unchecked-copy-length',
    title: 'a syscall reads and writes user memory only inside the userland window',
    clauses: [C.uncheckedCopy],
    setup: () => setupArb({ minProcs: 1, maxProcs: 2, driver: 'random' }),
    commands: (ctx, cfg) => commandArb(ctx, cfg, { netstatus: 2, receive: 2, ipc: 2, inject: 1, tick: 1 }, { maxIdx: 1, blockingShare: 0 }),
    cfg: { nearEnd: true },
    maxCommands: 6,
    // A canary just past the window's end, in every process.
    prologue: (m, r) => {
      const at = r.ctx.limits.userWindowEnd + 1;
      r.take(m.procs.map((p): Op => ({ op: 'poke', pid: p.pid, addr: at, bytes: toHex(CANARY) })));
      for (const p of m.procs) m.memWrite(p, at, CANARY);
    },
    finish: (m, r) => {
      const at = r.ctx.limits.userWindowEnd + 1;
      const start = r.pos;
      const got = r.take(m.procs.map((p): Op => ({ op: 'peek', pid: p.pid, addr: at, len: CANARY.length })));
      if (!got) return;
      m.procs.forEach((p, i) => {
        const b = valueOf(got[i])?.bytes;
        const now = typeof b === 'string' ? (fromHex(b) ?? new Uint8Array()) : new Uint8Array();
        const w = m.lastCrossing;
        const who = w && w.write && w.pid === p.pid ? `: the 0x${w.no.toString(16)} at op #${w.op} wrote ${w.len} bytes from 0x${w.addr.toString(16)}, ${w.addr + w.len - at} of them past the window end` : ': a syscall wrote past the window end';
        r.ck(C.uncheckedCopy, eq(now, CANARY), () => `the ${CANARY.length} bytes just past the userland window (from 0x${at.toString(16)}) of pid ${p.pid} were ${toHex(CANARY)} and are now ${toHex(now)} (op #${start + i})${who}`);
      });
    },
    audit: (_m: Model, c: Cursor) => {
      // Bytes read past the window end leave the process: the canary shows up in a receipt or on the wire.
      const needle = toHex(CANARY);
      for (const x of c.receipts)
        c.ck(C.uncheckedCopy, !toHex(x.got).includes(needle), () => `pid ${x.copy.pid} received (op #${x.at}) bytes that pid's sender kept past the window end (${needle}): a syscall read past the window`);
    },
  }),
  machineProperty({
    id: 'kernel.hazard.ipc-buffer-overwrite',
    title: 'an IPC message is received with exactly the bytes its sender sent',
    clauses: [C.ipcOverwrite],
    setup: () => setupArb({ minProcs: 1, maxProcs: 2, driver: false }),
    commands: (ctx, cfg) => commandArb(ctx, cfg, { ipc: 4, receive: 3 }, { maxIdx: 1, blockingShare: 0, addr: fc.constant(ctx.limits.userWindowStart) }),
    maxCommands: 8,
  }),
];
