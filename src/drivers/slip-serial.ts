// ipv4::send_packet over SLIP and the serial receive loop (spec-notes §7). Encoding and
// decoding are the codec's (src/codec/slip.ts); this file only moves bytes through the UART.
import type { SerialNet } from '../hw/api.ts';
import type { Profile } from '../spec/profile.ts';
import type { StackError } from '../util/result.ts';
import { ok, type Result } from '../util/result.ts';
import { SlipDecoder, slipEncode } from '../codec/slip.ts';
import { SERIAL_SPIN_LIMIT, type SerialPort } from './serial.ts';

/** How many decode errors are kept for traces (the counter keeps counting past it). */
const KEPT_ERRORS = 16;

export class SlipSerial implements SerialNet {
  protected readonly serial: SerialPort;
  protected readonly profile: Profile;
  protected readonly decoder: SlipDecoder;
  /** Decode errors seen by the receive loop; the frames involved were dropped. */
  decodeErrors = 0;
  /** The most recent decode errors (at most KEPT_ERRORS). */
  readonly recentErrors: StackError[] = [];
  /** Datagrams the receive loop has delivered. */
  received = 0;

  constructor(serial: SerialPort, profile: Profile) {
    this.serial = serial;
    this.profile = profile;
    this.decoder = new SlipDecoder(profile.limits.slipBufferBytes);
  }

  init(): void {
    this.serial.init();
    this.decoder.reset();
  }

  /**
   * SLIP-encodes the datagram within the SLIP buffer and writes it byte by byte. An encoding
   * over the buffer puts nothing on the line and returns the error (r2's kernel ignores it:
   * that is the documented silent loss, not this function's).
   */
  sendPacket(datagram: Uint8Array): Result<{ encodedBytes: number }> {
    const encoded = slipEncode(datagram, this.profile.limits.slipBufferBytes);
    if (!encoded.ok) return encoded;
    for (const b of encoded.value) {
      const w = this.serial.write(b);
      if (!w.ok) return w;
    }
    return ok({ encodedBytes: encoded.value.length });
  }

  /** The receive loop: drains every byte the UART holds through the decoder. */
  pollReceive(): Uint8Array[] {
    const bytes: number[] = [];
    // Bounded: a UART that never drains (userland set DLAB with 0x30, so RBR reads DLL and
    // LSR.DR stays set) would spin r2's loop forever. Whatever is left waits for the next poll.
    while (bytes.length < SERIAL_SPIN_LIMIT && this.serial.ready()) {
      const r = this.serial.read();
      if (!r.ok) break;
      bytes.push(r.value);
    }
    const out: Uint8Array[] = [];
    for (const ev of this.decoder.push(Uint8Array.from(bytes))) {
      if ('frame' in ev) {
        out.push(ev.frame);
        this.received++;
      } else {
        this.decodeErrors++;
        this.recentErrors.push(ev.error);
        if (this.recentErrors.length > KEPT_ERRORS) this.recentErrors.shift();
      }
    }
    return out;
  }

  /** The receive loop with a callback per datagram, as the seed describes it. */
  receiveLoop(deliver: (datagram: Uint8Array) => void): number {
    const datagrams = this.pollReceive();
    for (const d of datagrams) deliver(d);
    return datagrams.length;
  }
}
