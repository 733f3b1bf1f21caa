// npm run soak [-- --ops 1000000 --seed 1 --epoch 50000]: a long random run on the reference
// machine, driven through the Machine API directly (no contract, no JSON). Not a test.
//
// Every op is random (seeded, deterministic): spawns, driver registration, binds, frames from
// the wire (runts and oversize ones included), ticks, 0x33-0x38 with good and bad pointers,
// userland port I/O (0x30-0x32) aimed at the NIC, COM1 and PCI (every other machine), random
// syscall numbers, pokes and peeks, serial input, and process lifetimes: exits, kills, crashes
// (rare: a crashed process holds its slot for good), sleeps, idles and busy ticks, with syscalls
// and messages still aimed at the dead now and then. Every 1000 ops and at the end of each epoch
// (a fresh machine every --epoch ops, so logs stay bounded) the accounting must balance: frames
// and IPC messages each in exactly one category, the parts adding up, and the counts of frames
// injected and messages sent equal to what this script did. Exits non-zero on any exception,
// undocumented return code or imbalance.
import { createMachine, type Machine } from '../src/kernel/machine.ts';
import { FRAME_PARTS, IPC_PARTS } from '../src/kernel/ledger-records.ts';
import { frameBalance, ipcBalance } from '../properties/kernel/balance.ts';
import { seedProfile } from '../src/spec/profile.ts';
import { documented } from '../properties/kernel/commands/index.ts';
import { log, parseCommand, parsePositive, UsageError } from '../src/cli/args.ts';
import { ipv4Header, tcpFrame, ethernet, CRC_BYTES, ETHERTYPE_ARP, ETHERTYPE_IPV4, PROTO_TCP } from '../properties/kernel/frames.ts';

const SOAK = {
  name: 'soak',
  usage: `Usage: npm run soak [-- --ops N --seed S --epoch E]

A long seeded random run on the reference machine; the accounting is checked every 1000 ops.
Exit status: 0 when everything balanced, 1 on an exception, undocumented code or imbalance,
2 on a usage error.

  --ops N     operations in all (default 1000000)
  --seed S    seed of the random operations (default 1)
  --epoch E   a fresh machine every E ops (default 50000)
  -h, --help  this text`,
  options: { ops: { type: 'string' }, seed: { type: 'string' }, epoch: { type: 'string' } },
} as const;

// Arguments parsed as r2net's are: --ops=N or --ops N, one-line usage errors with exit 2.
function parseSoakArgs(): { OPS: number; SEED: number; EPOCH: number } | undefined {
  try {
    const parsed = parseCommand(SOAK, process.argv.slice(2));
    if (!parsed) return undefined;
    const v = parsed.values;
    return { OPS: parsePositive(v.ops, '--ops', 1_000_000), SEED: parsePositive(v.seed, '--seed', 1), EPOCH: parsePositive(v.epoch, '--epoch', 50_000) };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    log(`soak: ${e.message} (see npm run soak -- --help)`);
    process.exit(2);
  }
}
const args = parseSoakArgs();
if (!args) process.exit(0);
const { OPS, SEED, EPOCH } = args;
const CHECK_EVERY = 1000;

/** mulberry32: a small seeded PRNG, so a soak run is reproducible from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(SEED);
const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const chance = (p: number): boolean => rand() < p;
const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => int(0, 255));

const profile = seedProfile();
const L = profile.limits;
const W0 = L.userWindowStart;
const WEND = L.userWindowEnd;
const PORTS = [80, 443, 22, 8080, 7, 9];
/** The largest TCP payload whose frame, with the CRC receive_frame hands back, fits the driver's buffer. */
const FIT_PAYLOAD = L.rxCallerBufferBytes - CRC_BYTES - tcpFrame(0).length;

function pointer(): number {
  const r = rand();
  if (r < 0.7) return W0 + int(0, 4) * 0x1000;
  if (r < 0.85) return WEND - int(0, 2100);
  if (r < 0.9) return pick([W0, WEND]);
  return pick([W0 - 1, WEND + 1, 0, -1, 2 ** 53, int(0, 0xffffffff), 0.5]);
}

function wireFrame(): Uint8Array {
  const r = rand();
  if (r < 0.45) return tcpFrame(chance(0.8) ? pick(PORTS) : int(0, 0xffff), { ihl: chance(0.8) ? 5 : int(0, 15), payload: int(0, 200) });
  if (r < 0.6) return ethernet([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [2, 0, 0, 0, 0, 2], ETHERTYPE_ARP, [...bytes(28)]);
  if (r < 0.75) return ethernet([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [2, 0, 0, 0, 0, 2], int(0, 0xffff), [...bytes(int(0, 100))]);
  if (r < 0.85) return bytes(int(0, 13)); // runts (and the empty frame)
  if (r < 0.9) return tcpFrame(pick(PORTS), { payload: int(FIT_PAYLOAD - 40, FIT_PAYLOAD + 200) }); // around the driver's buffer
  return bytes(int(14, 300));
}

/** A buffer a process may hand to 0x34/0x04: a plausible frame, sometimes looped, sometimes nonsense. */
function txFrame(): Uint8Array {
  const r = rand();
  if (r < 0.5) {
    const loop = chance(0.3);
    const payload = [...bytes(int(20, 120))];
    const total = chance(0.85) ? 20 + payload.length : int(0, 0xffff);
    const ip = ipv4Header({ totalLength: total, protocol: PROTO_TCP, src: [10, 0, 0, 1], dst: loop ? [10, 0, 0, 1] : [10, 0, 0, 2] });
    return ethernet([2, 0, 0, 0, 0, 2], [2, 0, 0, 0, 0, 1], ETHERTYPE_IPV4, [...ip, ...payload]);
  }
  if (r < 0.7) return ethernet([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [2, 0, 0, 0, 0, 1], ETHERTYPE_ARP, [...bytes(int(28, 60))]);
  return bytes(int(0, 200));
}

function datagram(): Uint8Array {
  const loop = chance(0.3);
  const r = rand();
  const total = r < 0.8 ? int(20, 300) : r < 0.9 ? int(0, 19) : int(L.slipBufferBytes - 100, L.slipBufferBytes + 100);
  return Uint8Array.from([...ipv4Header({ totalLength: total, protocol: PROTO_TCP, src: [10, 0, 0, 1], dst: loop ? [10, 0, 0, 1] : [10, 0, 0, 2] }), ...bytes(int(0, 80))]);
}

/** A port a process aims 0x30/0x31 at: the NIC's registers, COM1's, PCI configuration, or any. */
function ioPort(): number {
  const r = rand();
  if (r < 0.4) return profile.defaults.nicIoFallback + int(0, 0xff);
  if (r < 0.7) return profile.defaults.comBase + int(0, 7);
  if (r < 0.8) return 0xcf8 + int(0, 7);
  return int(0, 0xffff);
}

interface Tally {
  injected: number;
  lifetimes: Record<string, number>;
  ipcAttempts: number;
  exceptions: number;
  undocumented: number;
  imbalances: number;
  checks: number;
}

function fail(t: Tally, kind: 'exceptions' | 'undocumented' | 'imbalances', op: number, what: string): void {
  t[kind]++;
  if (t.exceptions + t.undocumented + t.imbalances <= 20) process.stderr.write(`op ${op}: ${kind.slice(0, -1)}: ${what}\n`);
}

function checkBooks(m: Machine, t: Tally, op: number): void {
  t.checks++;
  const s = m.kernel.ledger.snapshot();
  const f = frameBalance(s.frames);
  const i = ipcBalance(s.ipc);
  if (!f.balanced) fail(t, 'imbalances', op, `frames: parts ${f.parts} != injected + looped ${f.total} ${JSON.stringify(s.frames)}`);
  if (!i.balanced) fail(t, 'imbalances', op, `ipc: parts ${i.parts} != sent ${i.total} ${JSON.stringify(s.ipc)}`);
  // Once userland has written the NIC's registers (RBSTART, CAPR, CR…), the driver may read
  // stale ring bytes as frames nobody offered; the books count those as injected behind the
  // machine's back (netdrv's untracked frames), so only fewer than the soak's is wrong then.
  const tampered = s.hazards['portio-nic-reprogram'] > 0;
  if (tampered ? s.frames.injected < t.injected : s.frames.injected !== t.injected) fail(t, 'imbalances', op, `frames.injected ${s.frames.injected}, but the soak injected ${t.injected}`);
  if (s.ipc.sent > t.ipcAttempts) fail(t, 'imbalances', op, `ipc.sent ${s.ipc.sent} exceeds the ${t.ipcAttempts} 0x36 calls made`);
  for (const k of FRAME_PARTS) if (s.frames[k] < 0) fail(t, 'imbalances', op, `frames.${k} is negative`);
  for (const k of IPC_PARTS) if (s.ipc[k] < 0) fail(t, 'imbalances', op, `ipc.${k} is negative`);
}

/** exit, kill, crash, sleep or idle for `pid`; a process that is gone leaves `pids`. */
function lifetime(m: Machine, pids: number[], pid: number, t: Tally, op: number): void {
  const r = rand();
  const what = r < 0.3 ? 'exit' : r < 0.55 ? 'kill' : r < 0.57 ? 'crash' : r < 0.85 ? 'sleep' : 'idle';
  const out = m.lifetime(pid, what, int(1, 20));
  const key = 'refused' in out ? `${what} refused` : what;
  t.lifetimes[key] = (t.lifetimes[key] ?? 0) + 1;
  if (!('refused' in out) && out.state !== { exit: 'dead', kill: 'dead', crash: 'crashed', sleep: 'blocked', idle: 'idle' }[what]) fail(t, 'undocumented', op, `${what}(${pid}) left state ${out.state}`);
  // The few random pids every op may draw keep aiming at the dead; the list keeps to the living.
  if (!('refused' in out) && (what === 'exit' || what === 'kill' || what === 'crash')) pids.splice(pids.indexOf(pid), 1);
}

/** A tick, or (busy) one that finds the scheduler lock held: it must be skipped, changing nothing but the clock. */
function tick(m: Machine, t: Tally, op: number, busy: boolean): void {
  const before = m.kernel.scheduler.ticks;
  const rec = m.tick(busy);
  if (busy && (!rec.skipped || rec.poll.calls !== 0 || m.kernel.scheduler.ticks !== before)) fail(t, 'undocumented', op, `a busy tick was not skipped: ${JSON.stringify(rec)}`);
  if (busy) t.lifetimes['busy tick'] = (t.lifetimes['busy tick'] ?? 0) + 1;
}

const totals: Record<string, number> = {};
const addTotals = (m: Machine): void => {
  const s = m.kernel.ledger.snapshot();
  for (const [k, v] of Object.entries(s.frames)) if (typeof v === 'number') totals[`frames.${k}`] = (totals[`frames.${k}`] ?? 0) + v;
  for (const [k, v] of Object.entries(s.ipc)) totals[`ipc.${k}`] = (totals[`ipc.${k}`] ?? 0) + v;
  for (const [k, v] of Object.entries(s.hazards)) totals[`hazards.${k}`] = (totals[`hazards.${k}`] ?? 0) + v;
};

const started = performance.now();
let done = 0;
let epochs = 0;
const tally: Tally = { injected: 0, lifetimes: {}, ipcAttempts: 0, exceptions: 0, undocumented: 0, imbalances: 0, checks: 0 };
const syscalls: Record<string, number> = {};

while (done < OPS) {
  epochs++;
  const m = createMachine(profile, { mac: Uint8Array.of(0x02, 0, 0, 0, 0, epochs & 0xff), ip: Uint8Array.of(10, 0, 0, 1), eventLimit: 1000 });
  const t: Tally = { injected: 0, lifetimes: tally.lifetimes, ipcAttempts: 0, exceptions: 0, undocumented: 0, imbalances: 0, checks: 0 };
  const pids: number[] = [];
  // Every other machine has hostile userland: port I/O aimed at the devices under the drivers.
  const hostile = epochs % 2 === 0;
  const end = Math.min(OPS, done + EPOCH);
  for (; done < end; done++) {
    const op = done;
    try {
      const r = rand();
      const pid = pids.length && chance(0.97) ? pick(pids) : int(0, 12);
      const call = (no: number, a1: number, a2: number): void => {
        const res = m.syscall(pid, no, a1, a2);
        // 0x35 returns a length, and lengths 0xfb..0xff look like codes (kernel.syscall.return-codes).
        const key = typeof res !== 'number' ? res : no === 0x35 && res !== 0xfc ? '0x35 length' : `0x${res.toString(16).padStart(2, '0')}`;
        syscalls[key] = (syscalls[key] ?? 0) + 1;
        // A number rou2exOS defines outside the model is out of scope (kernel.syscall.undefined-numbers), only such a number.
        const answered = res === 'out-of-scope' ? profile.syscalls.definedNotModelled.includes(no) : documented(no, res);
        if (!answered) fail(t, 'undocumented', op, `syscall(${pid}, ${no}, ${a1}, ${a2}) answered ${JSON.stringify(res)}`);
      };
      if (r < 0.01 || pids.length === 0) {
        const p = m.spawn();
        if (p !== L.noPid && pids.length < 8) pids.push(p);
      } else if (r < 0.0106) lifetime(m, pids, pid, t, op);
      else if (r < 0.02) call(0x37, 0, 0);
      else if (r < 0.05) call(0x37, chance(0.9) ? pick(PORTS) : int(1, 0x1ffff), 0);
      else if (r < 0.2) {
        m.inject(wireFrame());
        t.injected++;
      } else if (r < 0.35) tick(m, t, op, chance(0.05));
      else if (r < 0.58) call(0x35, chance(0.95) ? 0 : 1, pointer());
      else if (r < 0.64) {
        t.ipcAttempts++;
        call(0x36, chance(0.9) && pids.length ? pick(pids) : int(0, 300), pointer());
      } else if (r < 0.7) {
        const a = pointer();
        if (m.poke(pid, a, txFrame()).ok || chance(0.5)) call(0x34, chance(0.95) ? 0x04 : int(0, 8), a);
      } else if (r < 0.74) {
        const a = pointer();
        if (m.poke(pid, a, datagram()).ok || chance(0.5)) call(0x34, 0x01, a);
      } else if (r < 0.78) {
        const a = pointer();
        m.poke(pid, a, bytes(int(0, 120)));
        call(0x33, int(0, 4), a);
      } else if (r < 0.81) call(0x38, pointer(), 0);
      else if (r < 0.84 || (r < 0.87 && !hostile)) call(int(-2, 0x40), int(-5, 0xffffffff), pointer());
      else if (r < 0.87) {
        // Userland port I/O (0x30..0x32): reprogramming the NIC, COM1 or PCI under the drivers.
        const [pa, va] = [pointer(), pointer()];
        const port = ioPort();
        m.poke(pid, pa, Uint8Array.of(port & 0xff, port >> 8));
        m.poke(pid, va, Uint8Array.of(int(0, 255), int(0, 255), 0, 0));
        const k = rand();
        if (k < 0.5) call(0x30, pa, va);
        else if (k < 0.8) call(0x31, pa, va);
        else call(0x32, chance(0.9) ? int(1, 3) : int(-1, 8), chance(0.2) ? 0 : va);
      }
      else if (r < 0.92) {
        m.poke(pid, pointer(), bytes(int(0, 64)));
        m.peek(pid, pointer(), int(0, 2048));
      } else {
        m.feedSerial(bytes(int(0, 64)));
        m.serialReceive();
      }
      m.takeEvents();
      if ('takeWire' in m.hw.nic && typeof m.hw.nic.takeWire === 'function' && m.hw.nic.wire.length > 256) m.hw.nic.takeWire();
    } catch (e) {
      fail(t, 'exceptions', op, (e as Error)?.stack ?? String(e));
    }
    if ((done + 1) % CHECK_EVERY === 0) checkBooks(m, t, op);
    if ((done + 1) % 100_000 === 0) {
      const s = (performance.now() - started) / 1000;
      process.stdout.write(`${(done + 1).toLocaleString('en-US')} ops  ${s.toFixed(1)} s  ${Math.round((done + 1) / s).toLocaleString('en-US')} ops/s\n`);
    }
  }
  checkBooks(m, t, done);
  addTotals(m);
  for (const k of ['exceptions', 'undocumented', 'imbalances', 'checks'] as const) tally[k] += t[k];
  tally.injected += t.injected;
  tally.ipcAttempts += t.ipcAttempts;
}

const wall = (performance.now() - started) / 1000;
const bad = tally.exceptions + tally.undocumented + tally.imbalances;
process.stdout.write(
  [
    '',
    `soak: ${done.toLocaleString('en-US')} random operations, seed ${SEED}, ${epochs} machine(s) of up to ${EPOCH.toLocaleString('en-US')} ops, wall time ${wall.toFixed(1)} s (${Math.round(done / wall).toLocaleString('en-US')} ops/s)`,
    `accounting checked ${tally.checks} times: ${tally.imbalances} imbalance(s); ${tally.exceptions} exception(s); ${tally.undocumented} undocumented return code(s)`,
    `lifetime ops: ${Object.entries(tally.lifetimes)
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `syscall answers: ${Object.entries(syscalls)
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    'final counters (summed over the machines):',
    ...Object.entries(totals).map(([k, v]) => `  ${k.padEnd(34)} ${v}`),
    bad === 0 ? 'OK' : `FAILED: ${bad} problem(s)`,
    '',
  ].join('\n'),
);
process.exitCode = bad === 0 ? 0 : 1;
