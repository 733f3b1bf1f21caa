// Deliberately wrong serial drivers and SLIP paths: subclasses of the reference classes with one
// documented rule broken, run through the real `serial` executor.
import type { Mutant } from './mutant.ts';
import type { Machine } from '../../src/hw/index.ts';
import type { PortIo } from '../../src/hw/bus.ts';
import type { Profile } from '../../src/spec/profile.ts';
import { SerialPort } from '../../src/drivers/serial.ts';
import { SlipSerial } from '../../src/drivers/slip-serial.ts';
import { slipEncode } from '../../src/codec/slip.ts';
import { serialExecutor } from '../../src/iut/layers/serial.ts';
import { UART_REG } from '../../src/hw/uart16550.ts';
import { err, ok, type Result } from '../../src/util/result.ts';

/** The driver programmed with divisor 12 (9 600 baud) instead of the profile's 3. */
const divisor12 = (m: Machine): SerialPort => new SerialPort(m.bus, { ...m.profile, limits: { ...m.profile.limits, serialDivisor: 12 } });

/** The documented init, but its LCR <- 0x03 goes out as 0x02 (7N1): 9 bit times per byte. */
class SevenBits extends SerialPort {
  constructor(io: PortIo, profile: Profile) {
    const lcr = profile.defaults.comBase + UART_REG.LCR;
    super(
      {
        inb: (p) => io.inb(p),
        inw: (p) => io.inw(p),
        inl: (p) => io.inl(p),
        outb: (p, v) => io.outb(p, p === lcr && v === 0x03 ? 0x02 : v),
        outw: (p, v) => io.outw(p, v),
        outl: (p, v) => io.outl(p, v),
      },
      profile,
    );
  }
}

/** Enables the FIFOs before programming the divisor (FCR written first). */
class FifoFirst extends SerialPort {
  override init(): void {
    const b = this.base;
    const d = this.profile.limits.serialDivisor;
    this.io.outb(b + UART_REG.IIR_FCR, 0xc7);
    this.io.outb(b + UART_REG.IER_DLM, 0x00);
    this.io.outb(b + UART_REG.LCR, 0x80);
    this.io.outb(b + UART_REG.RBR_THR_DLL, d & 0xff);
    this.io.outb(b + UART_REG.IER_DLM, d >>> 8);
    this.io.outb(b + UART_REG.LCR, 0x03);
    this.io.outb(b + UART_REG.MCR, 0x0b);
  }
}

/** Writes THR without waiting for THRE: bytes beyond the FIFO are lost. */
class NoThreSpin extends SerialPort {
  override write(byte: number): Result<void> {
    this.io.outb(this.base + UART_REG.RBR_THR_DLL, byte & 0xff);
    return ok(undefined);
  }
}

/** Sends the first 4 KiB of an oversized encoding before reporting it too large. */
class PartialOversize extends SlipSerial {
  override sendPacket(datagram: Uint8Array) {
    const limit = this.profile.limits.slipBufferBytes;
    const full = slipEncode(datagram, Number.MAX_SAFE_INTEGER);
    if (!full.ok || full.value.length <= limit) return super.sendPacket(datagram);
    for (const b of full.value.subarray(0, limit)) this.serial.write(b);
    return err('too-large', 'slip.encode', 'encoding exceeds the SLIP buffer');
  }
}

/** Starts a fresh decoder on every poll: a datagram split across polls is lost. */
class FreshDecoderPerPoll extends SlipSerial {
  override pollReceive(): Uint8Array[] {
    this.decoder.reset();
    return super.pollReceive();
  }
}

/** Drops bad frames without counting them. */
class ErrorsNotCounted extends SlipSerial {
  override pollReceive(): Uint8Array[] {
    const before = this.decodeErrors;
    const out = super.pollReceive();
    this.decodeErrors = before;
    return out;
  }
}

/** The receive loop copies each datagram into an Ethernet-MTU buffer (1514 bytes): longer ones are cut. */
class MtuReceiveBuffer extends SlipSerial {
  override pollReceive(): Uint8Array[] {
    return super.pollReceive().map((d) => d.subarray(0, this.profile.limits.maxEthernetFrame));
  }
}

/** send_packet checks the encoding with >= against the buffer: an encoding of exactly 4 KiB is refused. */
class RefusesFullBuffer extends SlipSerial {
  override sendPacket(datagram: Uint8Array) {
    const limit = this.profile.limits.slipBufferBytes;
    const enc = slipEncode(datagram, Number.MAX_SAFE_INTEGER);
    if (enc.ok && enc.value.length === limit) return err('too-large', 'slip.encode', 'encoding exceeds the SLIP buffer');
    return super.sendPacket(datagram);
  }
}

export const serialMutants: Mutant[] = [
  { name: 'serial-divisor-12', layer: 'serial', description: 'the divisor latch is programmed with 12 (9 600 baud) instead of 3', caughtBy: ['serial.init.sequence'], executor: serialExecutor({ port: divisor12 }) },
  { name: 'serial-7-data-bits', layer: 'serial', description: 'init writes LCR 0x02 (7N1) instead of 0x03 (8N1)', caughtBy: ['serial.init.sequence', 'serial.tx.timing'], executor: serialExecutor({ port: (m) => new SevenBits(m.bus, m.profile) }) },
  { name: 'serial-init-fifo-first', layer: 'serial', description: 'init writes FCR before IER and the divisor', caughtBy: ['serial.init.sequence'], executor: serialExecutor({ port: (m) => new FifoFirst(m.bus, m.profile) }) },
  { name: 'serial-write-no-thre-spin', layer: 'serial', description: 'write() does not wait for THRE; bytes beyond the FIFO are lost', caughtBy: ['serial.slip.line-bytes'], executor: serialExecutor({ port: (m) => new NoThreSpin(m.bus, m.profile) }) },
  { name: 'serial-slip-partial-oversize', layer: 'serial', description: 'an oversized encoding is cut at 4 KiB and the first part sent', caughtBy: ['serial.slip.oversize'], executor: serialExecutor({ net: (m, port) => new PartialOversize(port, m.profile) }) },
  { name: 'serial-fresh-decoder-per-poll', layer: 'serial', description: 'the receive loop restarts its decoder on every poll, losing datagrams split across polls', caughtBy: ['serial.slip.receive-loop'], executor: serialExecutor({ net: (m, port) => new FreshDecoderPerPoll(port, m.profile) }) },
  { name: 'serial-decode-errors-not-counted', layer: 'serial', description: 'bad frames are dropped without counting them in decodeErrors', caughtBy: ['serial.slip.decode-errors'], executor: serialExecutor({ net: (m, port) => new ErrorsNotCounted(port, m.profile) }) },
  {
    name: 'serial-rx-mtu-buffer',
    layer: 'serial',
    description: 'the receive loop copies each datagram into a 1514-byte (Ethernet MTU) buffer: datagrams between the MTU and the 4 KiB SLIP buffer come out cut',
    caughtBy: ['serial.slip.receive-loop'],
    breaks: ['serial.slip.receive-loop'],
    executor: serialExecutor({ net: (m, port) => new MtuReceiveBuffer(port, m.profile) }),
  },
  {
    name: 'serial-slip-refuses-full-buffer',
    layer: 'serial',
    description: 'send_packet refuses an encoding of exactly 4 KiB (the limit tested with >=): a datagram that fits the SLIP buffer is never sent',
    caughtBy: ['serial.slip.oversize'],
    breaks: ['serial.slip.line-bytes'],
    spares: ['serial.slip.oversize-nothing-sent'],
    executor: serialExecutor({ net: (m, port) => new RefusesFullBuffer(port, m.profile) }),
  },
];
