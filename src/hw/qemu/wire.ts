// The Ethernet wire between r2net and QEMU's RTL8139: a UDP socket on loopback owned by a
// thread of its own (wire-worker.mjs), used synchronously from here through shared memory.
import { Worker } from 'node:worker_threads';
import { QemuError } from './qtest.ts';

const WORKER = new URL('./wire-worker.mjs', import.meta.url);
/** The largest reply: every frame QEMU sent during one op (4 transmit descriptors, or a flood). */
const SHARED_BYTES = 4 << 20;

export class QemuWire {
  readonly #worker: Worker;
  readonly #shared = new SharedArrayBuffer(16 + SHARED_BYTES);
  readonly #ctrl = new Int32Array(this.#shared, 0, 4);
  readonly #data = new Uint8Array(this.#shared, 16);
  /** Our end (QEMU's `udp=`) and QEMU's end (its `localaddr=`). */
  readonly port: number;
  readonly qemuPort: number;

  constructor(readonly timeoutMs: number) {
    this.#worker = new Worker(WORKER, { workerData: { shared: this.#shared } });
    this.#worker.unref();
    this.#wait('start the wire');
    this.port = this.#ctrl[2]!;
    this.qemuPort = this.#ctrl[3]!;
  }

  #wait(what: string): Uint8Array {
    const deadline = performance.now() + this.timeoutMs;
    while (Atomics.load(this.#ctrl, 0) === 0) {
      const left = deadline - performance.now();
      if (left <= 0) throw new QemuError(`the wire thread did not ${what} within ${this.timeoutMs} ms`, 'timeout');
      Atomics.wait(this.#ctrl, 0, 0, left);
    }
    const out = this.#data.slice(0, this.#ctrl[1]);
    Atomics.store(this.#ctrl, 0, 0);
    return out;
  }

  /** Puts one frame on the wire towards QEMU; returns once it is sent. */
  send(frame: Uint8Array): void {
    this.#worker.postMessage({ cmd: 'send', bytes: frame });
    this.#wait('send a frame');
  }

  /** Every frame QEMU has sent so far (call after the qtest command that made it send). */
  take(): Uint8Array[] {
    this.#worker.postMessage({ cmd: 'take' });
    const b = this.#wait('collect frames');
    const out: Uint8Array[] = [];
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    for (let at = 0; at + 4 <= b.length; ) {
      const n = v.getUint32(at, true);
      out.push(b.slice(at + 4, at + 4 + n));
      at += 4 + n;
    }
    return out;
  }

  close(): void {
    void this.#worker.terminate();
  }
}
