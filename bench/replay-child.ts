// A served implementation that does no work: it answers every scenario with the next trace of a
// recording (a JSON file of traces, given as its one argument), in order, cycling. The adapter
// bench runs it to measure r2net's own side of the process boundary (CBOR encode of requests,
// decode and checks of replies) with this child's CPU left out: the rate an implementation
// that cost nothing would see. Not an implementation to check: its traces are not its own.
import { readFileSync } from 'node:fs';
import type { Implementation, Scenario, Trace } from '../src/iut/contract.ts';
import { createReference } from '../src/iut/reference.ts';
import { serveImplementation } from '../src/iut/process/server.ts';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: replay-child.ts TRACES.json');
const recorded = JSON.parse(readFileSync(file, 'utf8')) as Trace[];
if (!Array.isArray(recorded) || recorded.length === 0) throw new Error(`${file}: no traces recorded`);
let next = 0;
const replay: Implementation = {
  statement: createReference().statement,
  execute: async (_s: Scenario) => {
    const t = recorded[next]!;
    next = (next + 1) % recorded.length;
    return t;
  },
};
await serveImplementation(replay, process.stdin, process.stdout);
