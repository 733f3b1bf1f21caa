// The command arbitraries: commandArb draws a weighted mix of every command family; addressArb
// and badArb draw buffer addresses and bad syscalls.
import fc from 'fast-check';
import type { PropertyContext } from '../../../src/runner/property.ts';
import { PORT_POOL, poolPort, rxFrame, txDatagram, txFrame, type RxOptions } from '../frames.ts';
import { FIRST_PID, SYS } from '../model.ts';
import type { EngineConfig, KCmd } from '../engine.ts';
import { BadCmd, type BadKind } from './bad.ts';
import { SpawnCmd } from './boot-spawn.ts';
import { IpcSendCmd } from './ipc.ts';
import { ReceiveCmd } from './receive.ts';
import { BindCmd, NetStatusCmd, RegisterCmd, SnapshotCmd } from './registry.ts';
import { SendIpv4Cmd, SendRawCmd } from './send.ts';
import { portioCommandArbs } from './portio.ts';
import { InjectCmd, TickCmd } from './tick.ts';

export interface Mix {
  spawn?: number;
  /** Several spawns in a row, up to two past the process limit. */
  spawnBurst?: number;
  register?: number;
  bind?: number;
  bindRange?: number;
  inject?: number;
  tick?: number;
  receive?: number;
  ipc?: number;
  ipcBurst?: number;
  sendRaw?: number;
  sendIpv4?: number;
  netstatus?: number;
  snapshot?: number;
  bad?: number;
  /** Userland port I/O and COM1 (0x30..0x32, commands/portio.ts). */
  portWrite?: number;
  portRead?: number;
  serialFeed?: number;
  serialCall?: number;
}

export interface CommandOptions {
  rx?: RxOptions;
  /** Highest process index commands refer to (pid = 1 + index). */
  maxIdx?: number;
  /** Blocking receives (arg1 != 0) among receives, in [0, 1]. */
  blockingShare?: number;
  /** Ports binds choose from. */
  ports?: fc.Arbitrary<number>;
  /** Buffer addresses (default: addressArb). */
  addr?: fc.Arbitrary<number>;
}

export function addressArb(ctx: PropertyContext, cfg: EngineConfig): fc.Arbitrary<number> {
  const { userWindowStart: w0, userWindowEnd: wend } = ctx.limits;
  if (cfg.nearEnd)
    return fc.oneof({ weight: 1, arbitrary: fc.constant(w0) }, { weight: 2, arbitrary: fc.integer({ min: wend - 64, max: wend }) }, { weight: 2, arbitrary: fc.integer({ min: wend - 2100, max: wend }) });
  return fc.oneof({ weight: 12, arbitrary: fc.constant(w0) }, { weight: 1, arbitrary: fc.constant(wend) }, { weight: 1, arbitrary: fc.integer({ min: w0, max: wend }) });
}

export function commandArb(ctx: PropertyContext, cfg: EngineConfig, mix: Mix, o: CommandOptions = {}): fc.Arbitrary<KCmd> {
  const l = ctx.limits;
  const idx = fc.integer({ min: 0, max: o.maxIdx ?? 2 });
  const addr = o.addr ?? addressArb(ctx, cfg);
  const port = o.ports ?? poolPort();
  const blocking = o.blockingShare ?? 0.3;
  const pio = portioCommandArbs(ctx, idx);
  const all: [keyof Mix, fc.Arbitrary<KCmd>][] = [
    ['portWrite', pio.write],
    ['portRead', pio.read],
    ['serialFeed', pio.feed],
    ['serialCall', pio.serial],
    ['spawn', fc.constant(null).map(() => new SpawnCmd())],
    ['spawnBurst', fc.integer({ min: 2, max: l.maxProcesses - l.kernelProcesses + 2 }).map((n) => new SpawnCmd(n))],
    ['register', idx.map((i) => new RegisterCmd(i))],
    ['bind', fc.tuple(idx, port).map(([i, p]) => new BindCmd(i, [p], cfg))],
    [
      'bindRange',
      fc.tuple(idx, fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: l.portBindings + 2 })).map(([i, base, n]) => new BindCmd(i, Array.from({ length: n }, (_, k) => base + k), cfg)),
    ],
    ['inject', rxFrame(l, o.rx).map((f) => new InjectCmd(f))],
    ['tick', fc.constant(null).map(() => new TickCmd())],
    [
      'receive',
      fc
        .tuple(idx, fc.integer({ min: 0, max: 99 }), addr)
        .map(([i, b, a]) => new ReceiveCmd(i, b >= 100 - blocking * 100 ? 1 : 0, a)),
    ],
    [
      'ipc',
      fc
        .tuple(idx, fc.oneof({ weight: 9, arbitrary: idx.map((i) => FIRST_PID + i) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: l.noPid }) }), addr, fc.array(fc.integer({ min: 0, max: 0xff }), { minLength: 1, maxLength: 8 }))
        .map(([i, t, a, pat]) => new IpcSendCmd(i, t, a, pat)),
    ],
    [
      'ipcBurst',
      fc
        .tuple(
          idx,
          idx.map((i) => FIRST_PID + i),
          addr,
          fc.array(fc.integer({ min: 0, max: 0xff }), { minLength: 1, maxLength: 4 }),
          fc.oneof(fc.integer({ min: 2, max: 4 }), fc.integer({ min: l.messageQueueDepth - 1, max: l.messageQueueDepth + 2 })),
        )
        .map(([i, t, a, pat, n]) => new IpcSendCmd(i, t, a, pat, n)),
    ],
    ['sendRaw', fc.tuple(idx, txFrame(l), addr).map(([i, f, a]) => new SendRawCmd(i, f, a, cfg))],
    ['sendIpv4', fc.tuple(idx, txDatagram(l), addr).map(([i, d, a]) => new SendIpv4Cmd(i, d, a, cfg))],
    ['netstatus', fc.tuple(idx, addr).map(([i, a]) => new NetStatusCmd(i, a))],
    ['snapshot', fc.constant(null).map(() => new SnapshotCmd())],
    ['bad', badArb(ctx, idx).map(([i, k, no, a1, a2]) => new BadCmd(i, k, no, a1, a2))],
  ];
  const chosen = all.filter(([k]) => (mix[k] ?? 0) > 0).map(([k, arbitrary]) => ({ weight: mix[k]!, arbitrary }));
  return fc.oneof(...chosen);
}

function badArb(ctx: PropertyContext, idx: fc.Arbitrary<number>): fc.Arbitrary<[number, BadKind, number, number, number]> {
  const { userWindowStart: w0, userWindowEnd: wend, noPid } = ctx.limits;
  const outside = fc.oneof(fc.constantFrom(w0 - 1, wend + 1, 0, -1, 2 ** 53), fc.integer({ min: 0, max: w0 - 1 }), fc.integer({ min: wend + 1, max: 0xffffffff }));
  // Only numbers rou2exOS does not define answer InvalidSyscall; the ones it defines are drawn apart.
  const defined = ctx.profile.syscalls.definedNotModelled;
  // 0x30..0x32 are modelled (commands/portio.ts): neither undefined nor out of scope.
  const unknownNo = fc.oneof(
    fc.integer({ min: 0, max: PORTIO_FIRST - 1 }).filter((n) => !defined.includes(n)),
    fc.integer({ min: SYS.Status + 1, max: 0x1000 }).filter((n) => !defined.includes(n)),
    fc.constantFrom(-1, 0.5, 2 ** 40),
  );
  return fc.oneof(
    fc.tuple(idx, fc.constant<BadKind>('unknown-no'), unknownNo, fc.integer(), fc.integer()),
    ...(defined.length ? [fc.tuple(idx, fc.constant<BadKind>('defined-no'), fc.constantFrom(...defined), fc.integer({ min: 0, max: 4 }), fc.constant(w0))] : []),
    fc.tuple(idx, fc.constant<BadKind>('bad-pointer'), fc.constantFrom(SYS.Build, SYS.Send, SYS.Receive, SYS.Ipc), fc.integer({ min: 0, max: 4 }), outside),
    fc.tuple(idx, fc.constant<BadKind>('bad-pointer'), fc.constant<number>(SYS.Status), outside, fc.constant(0)),
    // Both ends of the window are valid: a non-blocking receive (0 on an empty queue) and NetStatus.
    fc.tuple(idx, fc.constant<BadKind>('edge-pointer'), fc.constant<number>(SYS.Receive), fc.constant(0), fc.constantFrom(w0, wend)),
    fc.tuple(idx, fc.constant<BadKind>('edge-pointer'), fc.constant<number>(SYS.Status), fc.constantFrom(w0, wend), fc.constant(0)),
    fc.tuple(idx, fc.constant<BadKind>('port-range'), fc.constant<number>(SYS.Register), fc.oneof(fc.integer({ min: 0x10000, max: 0x1_0000_0000 }), fc.constantFrom(-1, 80.5)), fc.constant(0)),
    fc.tuple(idx, fc.constant<BadKind>('unknown-0x33'), fc.constant<number>(SYS.Build), fc.oneof(fc.constant(0), fc.integer({ min: 4, max: 0xffff })), fc.constant(w0)),
    fc.tuple(idx, fc.constant<BadKind>('unknown-0x34'), fc.constant<number>(SYS.Send), fc.oneof(fc.constantFrom(0, 2, 3), fc.integer({ min: 5, max: 0xffff })), fc.constant(w0)),
    fc.tuple(idx, fc.constant<BadKind>('unknown-pid'), fc.constant<number>(SYS.Ipc), fc.constantFrom(0, 50, noPid, noPid + 1, -1), fc.constant(w0)),
  );
}

export const PORTS = PORT_POOL;

/** The first of the userland port I/O numbers 0x30..0x32, which run up to 0x33's. */
const PORTIO_FIRST = 0x30;
