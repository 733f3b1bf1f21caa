// A small model of the machine as spec/clauses/kernel.json describes it — written from the
// clauses, not from src/kernel. The model-based properties run it beside the trace: every
// command updates the model and, in check mode, compares what the implementation answered.
//
// It knows: processes (pid order, slots, lifetimes — exit, kill, crash, sleep, idle — memory as a sparse byte map covering the window and the
// modelled overrun past it, FIFO queues of messageQueueDepth, blocked / inside a receive),
// NET_DRV_PID, PORT_REGISTRY, the RX ring's byte occupancy (spec-notes §6), NET_FRAME_BUF, the
// kernel IPC buffer, the tick count and the round-robin pick, and where every frame and every
// IPC message went (the accounting categories of kernel.accounting.balance).
import type { Defaults, Limits } from '../../src/spec/profile.ts';
import { align4, rfc1055Encode, u16At, withFcs } from '../oracles.ts';
import { PortModel } from './model-portio.ts';
import { ETH_HEADER, ETHERTYPE_ARP, ETHERTYPE_IPV4, IPV4_HEADER, rawFrameLength, tcpDestPortOracle } from './frames.ts';
import { HazardBooks, TX_LOSS_EVENTS } from './model-hazards.ts';

// The vocabulary lives in model-types.ts; re-exported so the properties import one module.
export * from './model-types.ts';
import type { Copy, Effects, FrameFate, LifeOp, MFrame, MIpc, MMsg, MProc, SyscallExpect, TickExpect } from './model-types.ts';
import { FIRST_PID, FRAME_COUNTERS, IPC_COUNTERS, RC, SYS } from './model-types.ts';

const PAGE = 4096;

const isU = (v: number, max: number): boolean => Number.isSafeInteger(v) && v >= 0 && v <= max;

export class Model {
  readonly noPid: number;
  procs: MProc[] = [];
  nextPid = FIRST_PID;
  driverPid: number;
  /** SYSTEM_CONFIG's MAC: zeros until a driver registers. */
  sysMac = new Uint8Array(6);
  registry: ({ port: number; pid: number } | null)[];
  /** The NIC's receiver is on (a driver initialised it). */
  rxEnabled = false;
  ring: MFrame[] = [];
  ringWrite = 0;
  ringRead = 0;
  netFrameBuf: Uint8Array;
  /** The last frame copied into NET_FRAME_BUF, and the one whose message is still readable. */
  lastCopied: MFrame | null = null;
  unread: MFrame | null = null;
  ipcBuf: Uint8Array;
  ipcUnread: MIpc | null = null;
  ipcLast: MIpc | null = null;
  ticks = 0;
  current: number;
  frames: MFrame[] = [];
  ipcs: MIpc[] = [];
  /** Slots any spawned process has held. */
  slotsUsed = new Set<number>();
  /** Exits and kills, with the index of their op (for messages). */
  deaths: { pid: number; op: number; how: LifeOp }[] = [];
  /** Syscalls that copied past the window end, per direction (kernel.syscall.copy-past-window). */
  crossings = 0;
  /** The last such copy, for messages. */
  lastCrossing: { op: number; pid: number; no: number; addr: number; len: number; write: boolean } | null = null;
  /** Userland port I/O and COM1's receive side (model-portio.ts). */
  readonly ports: PortModel;
  /** The hazard events the snapshot's `hazards` counts (kernel.decision.hazard-counts, model-hazards.ts). */
  readonly hazards = new HazardBooks();

  constructor(
    readonly limits: Limits,
    readonly defaults: Defaults,
    readonly nicMac: Uint8Array,
    readonly ip: Uint8Array,
    /** Syscall numbers rou2exOS defines beyond 0x33..0x38 (the profile's syscalls.definedNotModelled). */
    readonly definedNotModelled: readonly number[] = [],
    readonly nicPresent = true,
  ) {
    this.noPid = limits.noPid;
    this.driverPid = limits.noPid;
    this.current = limits.noPid;
    this.registry = new Array(limits.portBindings).fill(null);
    this.netFrameBuf = new Uint8Array(limits.netFrameBufBytes);
    this.ipcBuf = new Uint8Array(limits.ipcMessageBytes);
    this.ports = new PortModel(limits, defaults, nicMac, nicPresent);
  }

  // --- processes and memory ------------------------------------------------------------------

  /** The process with this pid while it is in the table (a dead one until it is reaped). */
  proc(pid: number): MProc | undefined {
    return this.procs.find((p) => p.pid === pid);
  }

  /** A process that exists: in the table and not dead. */
  live(pid: number): MProc | undefined {
    const p = this.proc(pid);
    return p && p.life !== 'dead' ? p : undefined;
  }

  /** Ready or Running: the scheduler may pick it, and it may issue syscalls. */
  runnable(p: MProc): boolean {
    return p.life === 'alive' && !p.blocked;
  }

  /** The snapshot's `state` of a process. */
  stateOf(p: MProc): 'runnable' | 'blocked' | 'idle' | 'crashed' | 'dead' {
    if (p.life === 'dead' || p.life === 'crashed' || p.life === 'idle') return p.life;
    return p.life === 'sleeping' || p.blocked ? 'blocked' : 'runnable';
  }

  inWindow(addr: number): boolean {
    return Number.isSafeInteger(addr) && addr >= this.limits.userWindowStart && addr <= this.limits.userWindowEnd;
  }

  memRead(p: MProc, addr: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    for (let i = 0; i < len; ) {
      const a = addr + i;
      const off = a % PAGE;
      const n = Math.min(PAGE - off, len - i);
      const page = p.mem.get(a - off);
      if (page) out.set(page.subarray(off, off + n), i);
      i += n;
    }
    return out;
  }

  memWrite(p: MProc, addr: number, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; ) {
      const a = addr + i;
      const off = a % PAGE;
      const n = Math.min(PAGE - off, bytes.length - i);
      let page = p.mem.get(a - off);
      if (!page) p.mem.set(a - off, (page = new Uint8Array(PAGE)));
      page.set(bytes.subarray(i, i + n), off);
      i += n;
    }
  }

  private crosses(addr: number, len: number): boolean {
    return len > 0 && addr + len - 1 > this.limits.userWindowEnd;
  }

  /** Spawned processes that can be alive at once: the process table less the kernel's own. */
  get maxSpawned(): number {
    return this.limits.maxProcesses - this.limits.kernelProcesses;
  }

  /**
   * kernel.scheduler.process-ids, kernel.process.table-limit: the sentinel once maxSpawned
   * processes hold a slot (crashed ones, and dead ones not yet reaped, included) or the counter
   * reaches it. The lowest free slot above the kernel's own (kernel.decision.process-slots).
   */
  spawn(): number {
    if (this.procs.length >= this.maxSpawned || this.nextPid >= this.noPid) return this.noPid;
    const pid = this.nextPid++;
    let slot = this.limits.kernelProcesses;
    while (this.procs.some((p) => p.slot === slot)) slot++;
    const reused = this.slotsUsed.has(slot);
    this.slotsUsed.add(slot);
    this.procs.push({ pid, slot, reusedSlot: reused, life: 'alive', sleepUntil: null, because: null, mem: new Map(), queue: [], blocked: false, receive: null, wokenBy: null });
    return pid;
  }

  /** push_msg by pid (kernel.process.pid-addressing): 'gone' when no live process has it. */
  private push(pid: number, msg: MMsg, wake: { tick: number; byPoll: boolean }): 'pushed' | 'full' | 'gone' {
    const p = this.live(pid);
    if (!p) return 'gone';
    if (p.queue.length >= this.limits.messageQueueDepth) return 'full';
    p.queue.push(msg);
    if (p.life === 'sleeping' || p.life === 'idle') {
      p.because = { clause: 'kernel.process.message-wakes', why: `a message pushed at ${wake.byPoll ? `tick ${wake.tick}` : 'a syscall'} woke it from its ${p.life === 'idle' ? 'idle state' : 'sleep'}` };
      p.life = 'alive';
      p.sleepUntil = null;
    } else this.wake(p, wake);
    return 'pushed';
  }

  /**
   * A lifetime op (kernel.decision.process-ops): exit, crash, sleep and idle need a runnable
   * process outside a receive; kill any live process that has not crashed.
   */
  lifetime(pid: number, op: LifeOp, ticks = 0, at = -1): { state: string } | { refused: string } {
    const p = this.live(pid);
    if (!p) return { refused: this.proc(pid) ? `pid ${pid} is dead (awaiting its reaping)` : pid < this.nextPid && pid >= FIRST_PID ? `pid ${pid} exited or was killed and has been reaped` : `no process ${pid}` };
    if (p.life === 'crashed') return { refused: `pid ${pid} has crashed: it is kept and never runs again` };
    if (op !== 'kill' && (!this.runnable(p) || p.receive)) return { refused: `pid ${pid} is not running (${p.receive ? 'inside a blocking 0x35' : this.stateOf(p)}), so it cannot ${op}` };
    if (op === 'exit' || op === 'kill') {
      this.deaths.push({ pid, op: at, how: op });
      p.life = 'dead';
      p.blocked = false;
      p.receive = null;
      p.sleepUntil = null;
      p.because = { clause: 'kernel.process.dead-reaped', why: `it ${op === 'exit' ? 'exited' : 'was killed'}: dead until the next tick reaps it` };
      for (const msg of p.queue.splice(0)) {
        if (msg.kind === 'frame' && msg.frame === this.unread) {
          msg.frame.fate = 'lost-receiver-gone';
          msg.frame.lostWithQueue = true;
          this.unread = null;
        } else if (msg.kind === 'ipc' && msg.ipc === this.ipcUnread) {
          msg.ipc.fate = 'lost-receiver-gone';
          this.ipcUnread = null;
        }
      }
    } else if (op === 'crash') {
      p.life = 'crashed';
      p.because = { clause: 'kernel.process.crashed-kept', why: 'it crashed: kept and never scheduled again' };
    } else if (op === 'sleep') {
      p.life = 'sleeping';
      p.sleepUntil = this.ticks + ticks;
      p.because = { clause: 'kernel.process.sleep-wake', why: `it sleeps at tick ${this.ticks} for ${ticks} tick(s): blocked until tick ${this.ticks + ticks}` };
    } else {
      p.life = 'idle';
      p.because = { clause: 'kernel.decision.process-ops', why: 'it went idle' };
    }
    return { state: this.stateOf(p) };
  }

  private wake(p: MProc, by: { tick: number; byPoll: boolean }): void {
    if (!p.blocked) return;
    p.blocked = false;
    p.wokenBy = by;
  }

  // --- registry ------------------------------------------------------------------------------

  lookup(port: number): number | null {
    return this.registry.find((e) => e && e.port === port)?.pid ?? null;
  }

  bound(): { slot: number; port: number; pid: number }[] {
    return this.registry.flatMap((e, slot) => (e ? [{ slot, port: e.port, pid: e.pid }] : []));
  }

  private bind(port: number, pid: number): NonNullable<Effects['bind']> {
    let slot = this.registry.findIndex((e) => e && e.port === port);
    let how: 'rebind' | 'first-free' | 'evict' = 'rebind';
    if (slot < 0) {
      slot = this.registry.findIndex((e) => e === null);
      how = 'first-free';
    }
    if (slot < 0) {
      slot = 0;
      how = 'evict';
    }
    const previous = this.registry[slot] ?? null;
    this.registry[slot] = { port, pid };
    return { port, slot, how, previous: previous ? { ...previous } : null };
  }

  route(frame: Uint8Array): { port: number | null; dstPid: number } {
    const port = tcpDestPortOracle(frame);
    const bound = port === null ? null : this.lookup(port);
    return { port, dstPid: bound ?? this.driverPid };
  }

  // --- frames --------------------------------------------------------------------------------

  private newFrame(bytes: Uint8Array, origin: MFrame['origin'], op: number, fate: FrameFate): MFrame {
    const f: MFrame = { n: this.frames.length + 1, bytes, received: origin === 'wire' ? withFcs(bytes) : bytes, origin, op, fate };
    this.frames.push(f);
    return f;
  }

  /** The RX ring's free bytes as spec-notes §6 defines them (0 reads as empty). */
  private ringFree(): number {
    const size = this.limits.rxRingBytes;
    return (size + this.ringRead - this.ringWrite) % size || size;
  }

  /** A frame offered on the wire: accepted into the ring, or missed by the NIC. */
  inject(bytes: Uint8Array, op: number): { frame: MFrame; accepted: boolean; why?: string } {
    if (!this.rxEnabled) {
      const frame = this.newFrame(bytes, 'wire', op, 'nic-missed');
      this.hazards.add('silent-loss', `frame #${frame.n} (op #${op}) refused by the NIC before any driver enabled its receiver`);
      return { frame, accepted: false, why: 'no driver has enabled the receiver' };
    }
    const total = align4(bytes.length + 8);
    if (bytes.length === 0 || total >= this.ringFree()) return { frame: this.newFrame(bytes, 'wire', op, 'nic-missed'), accepted: false, why: 'the ring is full' };
    this.ringWrite = (this.ringWrite + total) % this.limits.rxRingBytes;
    const frame = this.newFrame(bytes, 'wire', op, 'in-ring');
    this.ring.push(frame);
    return { frame, accepted: true };
  }

  /** A frame copied into NET_FRAME_BUF and pushed to its receiver. */
  private deliver(frame: MFrame, tick: number, byPoll: boolean): { dstPid: number; pushed: boolean } {
    if (this.unread) {
      this.unread.fate = 'overwritten';
      this.hazards.add('silent-loss', `frame #${this.unread.n}'s unread message: frame #${frame.n} overwrote NET_FRAME_BUF`);
      this.unread = null;
    }
    this.netFrameBuf.set(frame.received);
    this.lastCopied = frame;
    const { port, dstPid } = this.route(frame.received);
    frame.dstPid = dstPid;
    frame.tick = tick;
    this.hazards.copied(frame, dstPid);
    const outcome = this.push(dstPid, { kind: 'frame', frame, len: frame.received.length }, { tick, byPoll });
    if (outcome === 'pushed') {
      frame.fate = 'pending-unread';
      this.unread = frame;
    } else frame.fate = outcome === 'gone' ? 'lost-receiver-gone' : 'lost-queue-full';
    if (outcome === 'full') this.hazards.add('silent-loss', `frame #${frame.n}: pid ${dstPid}'s queue was full`);
    else if (outcome === 'gone' && port !== null && this.lookup(port) !== null) this.hazards.add('binding-outlives-process', `frame #${frame.n} for port ${port}, bound to the dead pid ${dstPid}`);
    else if (outcome === 'gone') this.hazards.add('driver-outlives-process', `frame #${frame.n} for the driver, the dead pid ${dstPid}`);
    return { dstPid, pushed: outcome === 'pushed' };
  }

  private loopback(bytes: Uint8Array, origin: 'loopback-raw' | 'loopback-ipv4', op: number): MFrame {
    if (this.driverPid === this.noPid) {
      const f = this.newFrame(bytes, origin, op, 'looped-no-driver');
      this.hazards.add('silent-loss', `frame #${f.n} (op #${op}) looped back while no driver was registered`);
      return f;
    }
    const f = this.newFrame(bytes, origin, op, 'pending-unread');
    this.deliver(f, this.ticks, false);
    return f;
  }

  /**
   * One PIT tick: reap the dead, wake the sleepers due, poll_and_deliver, the round-robin pick,
   * then a woken receive completes. A busy tick (the scheduler lock held) changes nothing.
   */
  tick(busy = false): TickExpect {
    if (busy) return { tick: this.ticks, skipped: true, woken: [], reaped: [], delivered: [], dropped: [], picked: this.current, resumed: null };
    this.ticks++;
    const out: TickExpect = { tick: this.ticks, skipped: false, woken: [], reaped: [], delivered: [], dropped: [], picked: this.noPid, resumed: null };
    out.reaped = this.procs.filter((p) => p.life === 'dead').map((p) => p.pid);
    this.procs = this.procs.filter((p) => p.life !== 'dead');
    for (const p of this.procs) {
      if (p.life !== 'sleeping' || p.sleepUntil === null || p.sleepUntil > this.ticks) continue;
      p.life = 'alive';
      p.sleepUntil = null;
      p.because = { clause: 'kernel.process.sleep-wake', why: `tick ${this.ticks} reached its sleep_until and woke it` };
      out.woken.push(p.pid);
    }
    if (this.driverPid !== this.noPid) {
      for (let i = 0; i < this.limits.framesPerTick && this.ring.length > 0; i++) {
        const frame = this.ring.shift()!;
        this.ringRead = (this.ringRead + align4(frame.bytes.length + 8)) % this.limits.rxRingBytes;
        const len = frame.received.length; // the thresholds count the CRC (nic.rx.drop-thresholds-on-frame)
        if (len < this.limits.minRxFrame || len > this.limits.rxCallerBufferBytes || len > this.limits.netFrameBufBytes) {
          frame.fate = 'driver-dropped';
          out.dropped.push(frame);
          continue;
        }
        const d = this.deliver(frame, this.ticks, true);
        out.delivered.push({ frame, len, ...d });
      }
    }
    // Round-robin in pid order after the last pick, over the runnable processes only.
    const runnable = this.procs.filter((p) => this.runnable(p));
    const next = runnable.find((p) => p.pid > this.current) ?? runnable[0];
    this.current = next ? next.pid : this.noPid;
    out.picked = this.current;
    if (next?.receive) {
      const msg = next.queue.shift();
      if (msg) {
        const { addr, op: receiveOp } = next.receive;
        next.receive = null;
        next.wokenBy = null;
        out.resumed = this.copyOut(next, msg, addr);
        if (this.crosses(addr, out.resumed.len)) {
          this.crossings++;
          this.lastCrossing = { op: receiveOp, pid: next.pid, no: 0x35, addr, len: out.resumed.len, write: true };
        }
      } else next.blocked = true;
    }
    return out;
  }

  private copyOut(p: MProc, msg: MMsg, addr: number): Copy {
    let bytes: Uint8Array;
    let fresh: boolean;
    if (msg.kind === 'frame') {
      bytes = this.netFrameBuf.slice(0, msg.len);
      this.hazards.frameRead(p.pid, msg.frame, msg.len);
      fresh = msg.frame === this.unread;
      if (fresh) {
        msg.frame.fate = 'read';
        this.unread = null;
      }
    } else {
      bytes = this.ipcBuf.slice(0, this.limits.ipcMessageBytes);
      fresh = msg.ipc === this.ipcUnread;
      if (fresh) {
        msg.ipc.fate = 'read';
        this.ipcUnread = null;
      } else this.hazards.add('ipc-buffer-overwrite', `pid ${p.pid} read IPC message ${msg.ipc.n} (from pid ${msg.ipc.src}) after a later 0x36 overwrote the buffer`);
    }
    this.memWrite(p, addr, bytes);
    return { pid: p.pid, addr, len: bytes.length, bytes, msg, fresh };
  }

  // --- syscalls ------------------------------------------------------------------------------

  /** What syscall(pid, no, arg1, arg2) must answer, and what it did. `op` is its op index. */
  syscall(pid: number, no: number, arg1: number, arg2: number, op: number): { result: SyscallExpect; fx: Effects } {
    const fx: Effects = { crossed: { read: false, write: false } };
    const p = this.live(pid);
    if (!p) return { result: 'no-such-process', fx: { ...fx, why: this.proc(pid) || (pid >= FIRST_PID && pid < this.nextPid) ? `pid ${pid} exited or was killed` : `pid ${pid} was never spawned` } };
    if (p.receive) return { result: 'blocked', fx: { ...fx, why: 'the process is inside a blocking 0x35' } };
    if (!this.runnable(p)) return { result: 'blocked', fx: { ...fx, why: `the process cannot run (${this.stateOf(p)})` } };
    const result = this.dispatch(p, no, arg1, arg2, op, fx);
    if (fx.crossed.read) this.crossings++;
    if (fx.crossed.write) this.crossings++;
    return { result, fx };
  }

  private dispatch(p: MProc, no: number, arg1: number, arg2: number, op: number, fx: Effects): SyscallExpect {
    const bad = (why: string): number => {
      fx.why = why;
      return RC.InvalidInput;
    };
    const read = (addr: number, len: number): Uint8Array => {
      if (this.crosses(addr, len)) {
        fx.crossed.read = true;
        this.lastCrossing = { op, pid: p.pid, no, addr, len, write: false };
      }
      return this.memRead(p, addr, len);
    };
    const write = (addr: number, bytes: Uint8Array): void => {
      if (this.crosses(addr, bytes.length)) {
        fx.crossed.write = true;
        this.lastCrossing = { op, pid: p.pid, no, addr, len: bytes.length, write: true };
      }
      this.memWrite(p, addr, bytes);
    };
    switch (no) {
      case SYS.Build:
        if (!this.inWindow(arg2)) return bad('pointer outside the window');
        if (arg1 !== 1 && arg1 !== 2 && arg1 !== 3) return bad('unknown packet type');
        throw new Error('suite: the model does not build packets (0x33 with a known type); see kernel.build properties');
      case SYS.Send: {
        if (!this.inWindow(arg2)) return bad('pointer outside the window');
        if (arg1 === 0x04) {
          const head = read(arg2, ETH_HEADER);
          const et = u16At(head, 12);
          const len = et === ETHERTYPE_IPV4 ? rawFrameLength(Uint8Array.from([...head, ...read(arg2 + ETH_HEADER, 4)])) : rawFrameLength(head);
          if (len < ETH_HEADER || len > this.limits.maxEthernetFrame) return bad(`derived length ${len} outside ${ETH_HEADER}..${this.limits.maxEthernetFrame}`);
          const frame = read(arg2, len);
          if (et === ETHERTYPE_IPV4 && len >= ETH_HEADER + IPV4_HEADER && eq(frame.subarray(26, 30), frame.subarray(30, 34))) {
            fx.looped = this.loopback(frame, 'loopback-raw', op);
            return RC.Okay;
          }
          if (this.rxEnabled) {
            const wire = new Uint8Array(Math.max(len, this.limits.minEthernetFrame));
            wire.set(frame);
            fx.wire = wire;
            fx.wireLen = len;
          } else {
            fx.why = 'no driver has initialised the NIC: nothing is sent';
            this.hazards.add('silent-loss', `a ${len}-byte 0x34/0x04 frame (op #${op}) the uninitialised NIC refused`, TX_LOSS_EVENTS);
          }
          return RC.Okay;
        }
        if (arg1 === 0x01) {
          const total = u16At(read(arg2 + 2, 2), 0);
          if (total < IPV4_HEADER) return bad(`total_length ${total} < 20`);
          const dgram = read(arg2, total);
          if (eq(dgram.subarray(12, 16), dgram.subarray(16, 20))) {
            if (ETH_HEADER + total > this.limits.netFrameBufBytes) return bad(`a looped ${total}-byte datagram wrapped in Ethernet exceeds NET_FRAME_BUF`);
            const frame = Uint8Array.from([...this.sysMac, 0, 0, 0, 0, 0, 0, ETHERTYPE_IPV4 >> 8, ETHERTYPE_IPV4 & 0xff, ...dgram]);
            fx.looped = this.loopback(frame, 'loopback-ipv4', op);
            return RC.Okay;
          }
          const enc = rfc1055Encode(dgram);
          if (enc.length <= this.limits.slipBufferBytes) fx.serial = enc;
          else {
            fx.why = `its SLIP encoding (${enc.length} bytes) exceeds the ${this.limits.slipBufferBytes}-byte buffer: nothing is sent`;
            this.hazards.add('silent-loss', `a ${total}-byte 0x34/0x01 datagram (op #${op}) whose SLIP encoding exceeds the buffer`, TX_LOSS_EVENTS);
          }
          return RC.Okay;
        }
        return bad('unknown transmit type');
      }
      case SYS.Receive: {
        if (!this.inWindow(arg2)) return bad('pointer outside the window');
        const msg = p.queue.shift();
        if (msg) {
          fx.copy = this.copyOut(p, msg, arg2);
          if (this.crosses(arg2, fx.copy.len)) {
            fx.crossed.write = true;
            this.lastCrossing = { op, pid: p.pid, no, addr: arg2, len: fx.copy.len, write: true };
          }
          return fx.copy.len;
        }
        if (arg1 === 0) return 0;
        p.blocked = true;
        p.receive = { addr: arg2, op };
        p.wokenBy = null;
        return 'blocked';
      }
      case SYS.Ipc: {
        if (!this.inWindow(arg2)) return bad('pointer outside the window');
        const target = this.live(arg1);
        if (!target) {
          if (this.proc(arg1) || (arg1 >= FIRST_PID && arg1 < this.nextPid && Number.isSafeInteger(arg1))) fx.target = 'gone';
          return bad(`no process ${arg1}${fx.target ? ' (it exited or was killed)' : ''}`);
        }
        if (target.life === 'crashed') fx.target = 'crashed';
        const bytes = read(arg2, this.limits.ipcMessageBytes);
        if (this.ipcUnread) {
          this.ipcUnread.fate = 'overwritten';
          this.hazards.add('ipc-buffer-overwrite', `pid ${p.pid}'s 0x36 (op #${op}) overwrote IPC message ${this.ipcUnread.n} before pid ${this.ipcUnread.dst} read it`);
          this.ipcUnread = null;
        }
        this.ipcBuf.set(bytes);
        const ipc: MIpc = { n: this.ipcs.length + 1, src: p.pid, dst: target.pid, bytes, op, fate: 'pending-unread' };
        this.ipcs.push(ipc);
        this.ipcLast = ipc;
        if (this.push(target.pid, { kind: 'ipc', ipc }, { tick: this.ticks, byPoll: false }) === 'pushed') this.ipcUnread = ipc;
        else {
          ipc.fate = 'lost-queue-full';
          this.hazards.add('silent-loss', `IPC message ${ipc.n} (op #${op}): pid ${target.pid}'s queue was full`);
        }
        fx.ipc = ipc;
        return RC.Okay;
      }
      case SYS.Register: {
        if (arg1 === 0) {
          if (this.driverPid !== this.noPid) {
            fx.register = 'already';
            return RC.Okay;
          }
          if (!this.nicPresent) {
            fx.register = 'failed';
            return RC.NotImplemented;
          }
          // Initialising the NIC resets it: whatever sat in the ring is gone.
          for (const f of this.ring) {
            f.fate = 'lost-to-nic-reset';
            this.hazards.add('silent-loss', `frame #${f.n} sat in the RX ring when registration (op #${op}) reset the NIC`);
          }
          this.ring = [];
          this.ringRead = this.ringWrite = 0;
          this.rxEnabled = true;
          this.sysMac = Uint8Array.from(this.nicMac);
          this.driverPid = p.pid;
          fx.register = 'registered';
          return RC.Okay;
        }
        if (!isU(arg1, 0xffff)) return bad(`port ${arg1} is not a 16-bit port`);
        fx.bind = this.bind(arg1, p.pid);
        const prev = fx.bind.previous;
        if (prev && prev.pid !== p.pid) this.hazards.add('port-hijack', `pid ${p.pid}'s bind of port ${arg1} (op #${op}) took slot ${fx.bind.slot} from pid ${prev.pid} (port ${prev.port})`);
        return RC.Okay;
      }
      case SYS.Status: {
        if (!this.inWindow(arg1)) return bad('pointer outside the window');
        write(arg1, this.netStatus());
        return RC.Okay;
      }
      case 0x30:
      case 0x31:
      case 0x32: {
        const stored = (a: number, len: number) => Number.isSafeInteger(a) && a >= this.limits.userWindowStart && a + len <= this.limits.userWindowEnd + 1 + 0x10000;
        const unchecked = (a: number, len: number) => Uint8Array.from({ length: len }, (_, i) => (stored(a + i, 1) ? this.memRead(p, a + i, 1)[0]! : 0));
        fx.portio = {};
        return this.ports.syscall(no, arg1, arg2, { unchecked, read, write, bad, inWindow: (a) => this.inWindow(a) }, fx.portio);
      }
      default:
        if (this.definedNotModelled.includes(no)) {
          fx.why = 'rou2exOS defines it outside the modelled network ABI: out of scope';
          return 'out-of-scope';
        }
        fx.why = 'a number rou2exOS does not define';
        return RC.InvalidSyscall;
    }
  }

  /** NetStatus as kernel.syscall.0x38.netstatus and kernel.syscall.0x38.byte-order state it. */
  netStatus(): Uint8Array {
    const out = new Uint8Array(this.limits.netStatusBytes);
    out.set(this.sysMac, 0);
    out.set(this.ip, 6);
    out[10] = this.driverPid !== this.noPid ? 1 : 0;
    const ports = this.bound().map((e) => e.port);
    out[11] = ports.length;
    ports.forEach((port, i) => {
      out[12 + 2 * i] = port & 0xff;
      out[13 + 2 * i] = port >> 8;
    });
    return out;
  }

  // --- accounting ----------------------------------------------------------------------------

  frameCounts(): Record<string, number> {
    const c: Record<string, number> = { injected: 0, looped: 0 };
    for (const k of Object.values(FRAME_COUNTERS)) c[k] = 0;
    for (const f of this.frames) {
      c[f.origin === 'wire' ? 'injected' : 'looped']!++;
      c[FRAME_COUNTERS[f.fate]]!++;
    }
    return c;
  }

  ipcCounts(): Record<string, number> {
    const c: Record<string, number> = { sent: this.ipcs.length };
    for (const k of Object.values(IPC_COUNTERS)) c[k] = 0;
    for (const m of this.ipcs) c[IPC_COUNTERS[m.fate]]!++;
    return c;
  }

  /** Anything still moving: frames in the ring, or messages a process could still read. */
  pendingWork(): boolean {
    return this.ring.length > 0 || this.procs.some((p) => this.runnable(p) && p.queue.length > 0);
  }
}

export function eq(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export { ETHERTYPE_ARP };
