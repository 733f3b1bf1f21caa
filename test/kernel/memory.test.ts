import { describe, expect, it } from 'vitest';
import { UserMemory } from '../../src/kernel/memory.ts';
import { MessageQueue } from '../../src/kernel/queue.ts';
import type { Envelope } from '../../src/kernel/queue.ts';
import { L, W0, WEND } from './helpers.ts';

describe('UserMemory', () => {
  const m = () => new UserMemory(L);

  it('accepts exactly userWindowStart..=userWindowEnd as a pointer', () => {
    const mem = m();
    expect(mem.inWindow(W0)).toBe(true);
    expect(mem.inWindow(WEND)).toBe(true);
    expect(mem.inWindow(W0 - 1)).toBe(false);
    expect(mem.inWindow(WEND + 1)).toBe(false);
    expect(mem.inWindow(Number.NaN)).toBe(false);
    expect(mem.inWindow(W0 + 0.5)).toBe(false);
    expect(mem.inWindow(-1)).toBe(false);
  });

  it('reads back what was written, across page boundaries', () => {
    const mem = m();
    const data = Uint8Array.from({ length: 9000 }, (_, i) => i & 0xff);
    mem.write(W0 + 4090, data);
    expect(mem.read(W0 + 4090, 9000)).toEqual(data);
    expect(mem.read(W0, 4)).toEqual(new Uint8Array(4));
  });

  it('stores bytes past the window end (the guard) so an overrun is observable', () => {
    const mem = m();
    mem.write(WEND - 1, Uint8Array.from([1, 2, 3, 4]));
    expect(mem.read(WEND - 1, 4)).toEqual(Uint8Array.from([1, 2, 3, 4]));
    expect(mem.outsideWindow(WEND - 1, 4)).toBe(2);
    expect(mem.outsideWindow(W0, 4)).toBe(0);
    expect(mem.outsideWindow(WEND, 1)).toBe(0);
    expect(mem.outsideWindow(W0 - 2, 4)).toBe(2);
    expect(mem.outsideWindow(WEND + 10, 5)).toBe(5);
    expect(mem.outsideWindow(WEND, 0)).toBe(0);
    expect(mem.guardBytes).toBeGreaterThan(0xffff);
    expect(mem.stored(WEND, mem.guardBytes)).toBe(true);
    expect(mem.stored(WEND, mem.guardBytes + 2)).toBe(false);
  });

  it('discards writes beyond the stored region and reads them as zero', () => {
    const mem = m();
    mem.write(mem.limit - 2, Uint8Array.from([7, 7, 7, 7]));
    expect(mem.read(mem.limit - 2, 4)).toEqual(Uint8Array.from([7, 7, 0, 0]));
    mem.write(W0 - 2, Uint8Array.from([9, 9, 9]));
    expect(mem.read(W0 - 2, 3)).toEqual(Uint8Array.from([0, 0, 9]));
  });
});

describe('MessageQueue', () => {
  const env = (n: number): Envelope => ({ msg: { portId: n, srcPid: 0xff, dstPid: 1, bufAddr: 0 }, ref: { kind: 'frame', id: n } });

  it('is a FIFO of messageQueueDepth messages; a push onto a full queue fails and changes nothing', () => {
    const q = new MessageQueue(L.messageQueueDepth);
    for (let i = 0; i < L.messageQueueDepth; i++) expect(q.push(env(i))).toBe(true);
    expect(q.full).toBe(true);
    expect(q.push(env(99))).toBe(false);
    expect(q.length).toBe(L.messageQueueDepth);
    expect(q.toArray().map((e) => e.msg.portId)).toEqual([...Array(L.messageQueueDepth).keys()]);
    for (let i = 0; i < L.messageQueueDepth; i++) expect(q.pop()?.msg.portId).toBe(i);
    expect(q.pop()).toBeUndefined();
  });

  it('wraps around', () => {
    const q = new MessageQueue(3);
    for (let round = 0; round < 5; round++) {
      expect(q.push(env(round))).toBe(true);
      expect(q.push(env(round + 100))).toBe(true);
      expect(q.pop()?.msg.portId).toBe(round);
      expect(q.pop()?.msg.portId).toBe(round + 100);
    }
    expect(q.length).toBe(0);
  });
});
