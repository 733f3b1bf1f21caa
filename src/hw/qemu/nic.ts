// The RTL8139's outside on a QEMU machine: frames injected through the UDP wire and their
// outcome read back from QEMU's registers, transmitted frames collected from the wire and
// matched with the TSD writes that sent them, the registers read over qtest (never through the
// bus, so the `io` observation holds the driver's accesses only).
import type { InjectOutcome, WireFrame } from '../api.ts';
import type { IoBus } from '../bus.ts';
import { PCI_CONFIG_ADDRESS } from '../pci.ts';
import { CR, ISR, RCR, REG, RX_HEADER_BYTES } from '../rtl8139-regs.ts';
import type { QemuMemory } from './memory.ts';
import type { QemuProcess } from './process.ts';
import { nap } from './sync.ts';

/** Register reads after a frame is sent before its outcome is settled (each a main-loop turn). */
const SETTLE_ROUNDS = 4;
/** A last look after that, for a frame that changed nothing (filtered, disabled or held). */
const SETTLE_NAP_MS = 2;
/** A full frame of room (1514 bytes): QEMU refuses a frame while the ring has less. */
const MAX_FRAME_ROOM = 1514;

export class QemuNic {
  #wire: WireFrame[] = [];
  readonly #tsad = [0, 0, 0, 0];
  #pendingTx: Omit<WireFrame, 'bytes'>[] = [];
  #cfgAddress = 0;
  /** Frames refused for now and still waiting in QEMU's end of the wire. */
  held = 0;
  /** Called when QEMU keeps a refused frame in its own queue (held, or counted in MPC). */
  onHeld: () => void = () => undefined;

  constructor(
    readonly q: QemuProcess,
    readonly memory: QemuMemory,
    readonly ringBytes: number,
    /** The port the chip decodes (BAR0, as firmware or the driver programmed it). */
    public ioBase: number,
    readonly mac: Uint8Array,
  ) {}

  /** Follows the accesses that tell which TSD write sent a frame, and where BAR0 points. */
  watch(bus: IoBus): void {
    bus.tap((a) => {
      if (a.dir !== 'out') return;
      if (a.port === PCI_CONFIG_ADDRESS && a.width === 4) this.#cfgAddress = a.value;
      else if (a.port === PCI_CONFIG_ADDRESS + 4 && a.width === 4 && (this.#cfgAddress & 0xfc) === 0x10 && a.value & 1) this.ioBase = a.value & 0xff00;
      const off = a.port - this.ioBase;
      if (a.width !== 4 || off < REG.TSD0 || off >= REG.TSAD0 + 16) return;
      const d = (off >> 2) & 3;
      if (off >= REG.TSAD0) this.#tsad[d] = a.value;
      else {
        this.#pendingTx.push({ descriptor: d, tsad: this.#tsad[d]!, tsd: a.value });
        this.#collect(); // QEMU sends (or not) while it serves the write: say which descriptor went
      }
    });
  }

  #in(reg: number, width: 1 | 2 | 4): number {
    return this.q.qtest.inp(this.ioBase + reg, width);
  }

  /**
   * Pairs the frames QEMU sent with the TSD writes that handed them over: a descriptor the chip
   * has sent reads TOK and OWN again; the frames arrive in the order they were sent.
   */
  #collect(): void {
    const frames = this.q.wire.take();
    if (frames.length === 0) return;
    const sent = this.#pendingTx.filter((p) => (this.#in(REG.TSD0 + 4 * p.descriptor, 4) & 0xa000) === 0xa000);
    for (const bytes of frames) {
      const p = sent.shift() ?? this.#pendingTx[0] ?? { descriptor: 0, tsad: 0, tsd: bytes.length };
      const i = this.#pendingTx.indexOf(p);
      if (i >= 0) this.#pendingTx.splice(i, 1);
      this.#wire.push({ ...p, bytes });
    }
  }

  get wire(): readonly WireFrame[] {
    this.#collect();
    return this.#wire;
  }

  takeWire(): WireFrame[] {
    this.#collect();
    return this.#wire.splice(0);
  }

  /** Drops what the previous scenario left on the wire (after a reset). */
  forget(): void {
    this.q.wire.take();
    this.#wire = [];
    this.#pendingTx = [];
    this.held = 0;
  }

  #counters(): { cbr: number; isr: number; mpc: number } {
    return { cbr: this.#in(REG.CBR, 2), isr: this.#in(REG.ISR, 2), mpc: this.#in(REG.MPC, 4) };
  }

  inject(frame: Uint8Array): InjectOutcome {
    const before = this.#counters();
    const heldBefore = this.q.heldFrames();
    this.q.wire.send(frame);
    let after = before;
    const changed = (): boolean => after.cbr !== before.cbr || after.mpc !== before.mpc || (after.isr & ISR.RXOVW & ~before.isr) !== 0;
    for (let i = 0; i < SETTLE_ROUNDS && !changed(); i++) after = this.#counters();
    if (!changed() && this.q.heldFrames() <= heldBefore) {
      nap(SETTLE_NAP_MS);
      after = this.#counters();
    }
    if (after.cbr !== before.cbr) {
      this.#landed(before.cbr);
      return { accepted: true, offset: before.cbr };
    }
    if (changed()) {
      // Counted in MPC, yet QEMU keeps the frame queued and stops receiving until room is made:
      // the next scenario on this QEMU would get it (and MPC counts again on every retry).
      this.onHeld();
      return { accepted: false, reason: 'ring-full' };
    }
    // QEMU keeps the first refused frame in its own queue, the next ones in the socket: a frame
    // that changed nothing is held when the ring lacks a full frame of room and RXOVW is masked
    // (what QEMU refuses for; spec/hardware/qemu.json 'rx-back-pressure'), else it was dropped.
    if (this.q.heldFrames() > heldBefore || this.#refusesForRoom(after.cbr)) {
      this.held++;
      this.onHeld();
      return { accepted: false, reason: 'ring-full', held: true };
    }
    // Nothing changed and nothing waits: QEMU dropped it (receiver off, or not for this station).
    return { accepted: false, reason: frame.length === 0 ? 'too-small' : 'rx-disabled' };
  }

  #refusesForRoom(cbr: number): boolean {
    if (!(this.#in(REG.CR, 1) & CR.RE) || this.#in(REG.IMR, 2) & ISR.RXOVW) return false;
    const size = this.ringBytes << ((this.#in(REG.RCR, 4) & RCR.RBLEN_MASK) >>> RCR.RBLEN_SHIFT);
    const free = (size + ((this.#in(REG.CAPR, 2) + 16) & 0xffff) - cbr) % size;
    return free !== 0 && free < MAX_FRAME_ROOM;
  }

  /** Announces the frame QEMU DMAed at `offset` to the memory's listeners (the `dma` observation). */
  #landed(offset: number): void {
    const rbstart = this.#in(REG.RBSTART, 4);
    const rcr = this.#in(REG.RCR, 4);
    const size = this.ringBytes << ((rcr & RCR.RBLEN_MASK) >>> RCR.RBLEN_SHIFT);
    const header = this.memory.read(rbstart + offset, RX_HEADER_BYTES);
    // QEMU moves CBR even when its DMA went nowhere (bus mastering off): memory says what landed.
    if (!((header[0] ?? 0) & 1)) return;
    const total = RX_HEADER_BYTES + ((header[2] ?? 0) | ((header[3] ?? 0) << 8));
    if (rcr & RCR.WRAP || offset + total <= size) this.memory.deviceWrote(rbstart + offset, total);
    else {
      this.memory.deviceWrote(rbstart + offset, size - offset);
      this.memory.deviceWrote(rbstart, total - (size - offset));
    }
  }

  registers(): Record<string, number> {
    const r: Record<string, number> = {
      CR: this.#in(REG.CR, 1) & (CR.RE | CR.TE | CR.RST | CR.BUFE),
      ISR: this.#in(REG.ISR, 2),
      IMR: this.#in(REG.IMR, 2),
      RCR: this.#in(REG.RCR, 4),
      CAPR: this.#in(REG.CAPR, 2),
      CBR: this.#in(REG.CBR, 2),
      MPC: this.#in(REG.MPC, 4),
      RBSTART: this.#in(REG.RBSTART, 4),
      CONFIG1: this.#in(REG.CONFIG1, 1),
    };
    for (let d = 0; d < 4; d++) {
      r[`TSD${d}`] = this.#in(REG.TSD0 + 4 * d, 4);
      r[`TSAD${d}`] = this.#in(REG.TSAD0 + 4 * d, 4);
    }
    for (let i = 0; i < 6; i++) r[`IDR${i}`] = this.#in(REG.IDR0 + i, 1);
    return r;
  }
}
