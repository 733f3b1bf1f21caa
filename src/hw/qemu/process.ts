// One QEMU process with the devices r2net drives from outside (shared/qemu-notes.md): the pc
// machine parked by our firmware, qtest over FIFOs, the RTL8139 on a loopback UDP wire and a
// 16550 at COM1 on a FIFO chardev. Everything lives in a temporary directory that goes with it.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeParkingFirmware } from './firmware.ts';
import { QemuError, QtestChannel } from './qtest.ts';
import { QemuWire } from './wire.ts';
import { openFifo, processRunning } from './sync.ts';

export const QEMU_BINARY = process.env['R2NET_QEMU'] ?? 'qemu-system-x86_64';

let version: string | null | undefined;
/** `qemu-system-x86_64 --version`'s first line, or null when QEMU is not installed. */
export function qemuVersion(): string | null {
  if (version !== undefined) return version;
  try {
    version = execFileSync(QEMU_BINARY, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0]!.trim();
  } catch {
    version = null;
  }
  return version;
}

export interface QemuConfig {
  /** The RTL8139's station address (`mac=`). */
  mac: Uint8Array;
  /** Its slot on bus 0 (`addr=`), or null: no RTL8139 at all. */
  nicDev: number | null;
}

export const configKey = (c: QemuConfig): string => `${Buffer.from(c.mac).toString('hex')}@${c.nicDev ?? 'none'}`;

/** Every QEMU started and not yet stopped: reaped when r2net exits, whatever way it exits. */
const live = new Set<QemuProcess>();
let hooked = false;
function reapOnExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const q of live) q.stop();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      for (const q of live) q.stop();
      process.kill(process.pid, sig);
    });
  }
}

const STDERR_TAIL = 600;

export class QemuProcess {
  readonly dir: string;
  readonly child: ChildProcess;
  readonly qtest: QtestChannel;
  readonly wire: QemuWire;
  /** The serial line's FIFOs: QEMU reads uart.in (towards the guest), writes uart.out (the line). */
  readonly uartIn: string;
  readonly uartOut: string;
  /** Our ends of them, opened once per QEMU (a scenario's QemuUart borrows them). */
  readonly uartFds: { in: number; out: number };
  readonly startedMs: number;
  #stopped = false;
  /** A frame the NIC refused for now sits in QEMU's own queue (it would reach the next scenario). */
  heldByNic = false;

  constructor(
    readonly config: QemuConfig,
    readonly timeoutMs: number,
    readonly binary = QEMU_BINARY,
  ) {
    const t0 = performance.now();
    reapOnExit();
    this.dir = mkdtempSync(join(tmpdir(), 'r2net-qemu-'));
    try {
      const bios = writeParkingFirmware(this.dir);
      const qtestPath = join(this.dir, 'qtest');
      const uartPath = join(this.dir, 'uart');
      this.uartIn = `${uartPath}.in`;
      this.uartOut = `${uartPath}.out`;
      execFileSync('mkfifo', [`${qtestPath}.in`, `${qtestPath}.out`, this.uartIn, this.uartOut]);
      this.uartFds = { in: openFifo(this.uartIn), out: openFifo(this.uartOut) };
      this.wire = new QemuWire(timeoutMs);
      const mac = [...config.mac].map((b) => b.toString(16).padStart(2, '0')).join(':');
      const args = [
        '-machine', 'pc', '-accel', 'tcg', '-display', 'none', '-nodefaults', '-m', '64M', '-bios', bios,
        '-qtest', `pipe:${qtestPath}`, '-qtest-log', '/dev/null',
        '-netdev', `socket,id=n0,udp=127.0.0.1:${this.wire.port},localaddr=127.0.0.1:${this.wire.qemuPort}`,
        ...(config.nicDev !== null ? ['-device', `rtl8139,netdev=n0,mac=${mac},addr=${config.nicDev.toString(16)},romfile=`] : []),
        '-chardev', `pipe,id=s0,path=${uartPath}`, '-device', 'isa-serial,chardev=s0,iobase=0x3f8,irq=4',
      ];
      const err = openSync(join(this.dir, 'stderr'), 'w');
      try {
        this.child = spawn(binary, args, { stdio: ['ignore', 'ignore', err] });
      } finally {
        closeSync(err);
      }
      this.child.on('error', () => undefined); // ENOENT: seen by alive() and the stderr note
      live.add(this);
      this.qtest = new QtestChannel(qtestPath, timeoutMs, () => this.alive(), () => this.stderrNote());
      // The first answer says QEMU is up (qtest is served once the machine is built).
      this.#firstAnswer();
    } catch (e) {
      const note = this.stderrNote();
      this.stop();
      throw e instanceof QemuError ? e : new QemuError(`QEMU failed to start: ${(e as Error).message}${note}`);
    }
    this.startedMs = performance.now() - t0;
  }

  #firstAnswer(): void {
    // spawn() that could not start the binary (ENOENT, EACCES) leaves no pid at once.
    if (this.child.pid === undefined) throw new QemuError(`could not start ${this.binary}${this.stderrNote()}`);
    this.qtest.barrier();
  }

  alive(): boolean {
    return !this.#stopped && this.child.pid !== undefined && processRunning(this.child.pid);
  }

  /** The last lines QEMU wrote on stderr, for error messages. */
  stderrTail(): string {
    try {
      return readFileSync(join(this.dir, 'stderr'), 'utf8').trim().slice(-STDERR_TAIL);
    } catch {
      return '';
    }
  }

  stderrNote(): string {
    const t = this.stderrTail();
    return t ? `; QEMU's stderr: ${t}` : '';
  }

  /** Bytes waiting in QEMU's end of the wire (frames it has not taken: back-pressure). */
  heldFrames(): number {
    const local = `0100007F:${this.wire.qemuPort.toString(16).toUpperCase().padStart(4, '0')}`;
    try {
      for (const line of readFileSync('/proc/net/udp', 'latin1').split('\n')) {
        const f = line.trim().split(/\s+/);
        if (f[1] === local) return parseInt(f[4]?.split(':')[1] ?? '0', 16);
      }
    } catch {
      /* no /proc: assume nothing is held */
    }
    return 0;
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    live.delete(this);
    try {
      this.qtest?.close();
    } catch {
      /* never opened */
    }
    this.wire?.close();
    for (const fd of [this.uartFds?.in, this.uartFds?.out]) {
      if (fd !== undefined) closeSync(fd);
    }
    if (this.child?.pid !== undefined && this.child.exitCode === null) {
      try {
        this.child.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
