// The wire's thread (plain JS, no tsx: it is loaded without the main thread's hooks). It owns the
// UDP socket QEMU's `-netdev socket,udp=…` talks to: each datagram is one raw Ethernet frame.
// The main thread blocks on a SharedArrayBuffer while it waits (src/hw/qemu/wire.ts): the
// drivers over QEMU run synchronously, so there is no event loop turn to receive frames in.
import { createSocket } from 'node:dgram';
import { parentPort, workerData } from 'node:worker_threads';

const { shared } = workerData;
const ctrl = new Int32Array(shared, 0, 4); // [0] done flag, [1] reply length, [2] our port, [3] QEMU's port
const data = new Uint8Array(shared, 16);
let frames = [];
let qemuPort = 0;

function reply(bytes) {
  data.set(bytes.subarray(0, data.length));
  ctrl[1] = Math.min(bytes.length, data.length);
  Atomics.store(ctrl, 0, 1);
  Atomics.notify(ctrl, 0);
}

const sock = createSocket('udp4');
sock.on('message', (msg) => frames.push(Uint8Array.from(msg)));
sock.on('error', () => undefined);
// A free port for QEMU's end: bound, read, released (QEMU binds it a moment later).
const probe = createSocket('udp4');
probe.bind(0, '127.0.0.1', () => {
  qemuPort = probe.address().port;
  probe.close(() =>
    sock.bind(0, '127.0.0.1', () => {
      ctrl[2] = sock.address().port;
      ctrl[3] = qemuPort;
      reply(new Uint8Array(0));
    }),
  );
});

parentPort.on('message', (m) => {
  if (m.cmd === 'send') {
    sock.send(m.bytes, qemuPort, '127.0.0.1', () => reply(new Uint8Array(0)));
  } else if (m.cmd === 'take') {
    // setImmediate: the poll phase that delivered this message has also read every datagram
    // QEMU sent before it answered the qtest command the main thread waited for.
    setImmediate(() => {
      const out = frames;
      frames = [];
      const total = out.reduce((n, f) => n + 4 + f.length, 0);
      const b = new Uint8Array(total);
      const v = new DataView(b.buffer);
      let at = 0;
      for (const f of out) {
        v.setUint32(at, f.length, true);
        b.set(f, at + 4);
        at += 4 + f.length;
      }
      reply(b);
    });
  } else if (m.cmd === 'close') {
    sock.close(() => process.exit(0));
  }
});
