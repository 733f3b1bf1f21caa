// Reports for the report tests: real runs (reference and deliberately wrong implementations,
// few runs) and a hand-built report of a `nic` layer whose counterexample carries Ethernet
// frames in its scenario and in the trace's wire observations (the nic layer is not built yet).
import { allProperties } from '../../properties/index.ts';
import { allMutants } from '../../properties/mutants/index.ts';
import { mutantImplementation } from '../../properties/mutants/mutant.ts';
import { createReference } from '../../src/iut/reference.ts';
import type { Implementation, Layer } from '../../src/iut/contract.ts';
import { runSuite, type ClauseResult, type PropertyResult } from '../../src/runner/run.ts';
import { buildReport, summarize, type ConformanceReport } from '../../src/report/model.ts';
import { emitEthernet, ETHERTYPE_IPV4 } from '../../src/codec/ethernet.ts';
import { createIpv4Packet, IPPROTO_TCP } from '../../src/codec/ipv4.ts';
import { createTcpSegment, TCP_ACK, TCP_SYN } from '../../src/codec/tcp.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';

export const mutant = (name: string): Implementation => {
  const m = allMutants.find((x) => x.name === name);
  if (!m) throw new Error(`no mutant ${name}`);
  return mutantImplementation(m);
};

export async function runReport(
  impl: Implementation,
  o: { seed?: number; runs?: number; layers?: Layer[]; shard?: { index: number; count: number }; command?: string } = {},
): Promise<ConformanceReport> {
  const seed = o.seed ?? 1;
  const runs = o.runs ?? 5;
  const outcome = await runSuite(allProperties, impl, { seed, runs, ...(o.layers ? { layers: o.layers } : {}), ...(o.shard ? { shard: o.shard } : {}) });
  const command = o.command ?? ['r2net run', ...(o.layers ? [`--layers ${o.layers.join(',')}`] : []), `--runs ${runs}`, ...(o.shard ? [`--shard ${o.shard.index}/${o.shard.count}`] : []), `--seed=${seed}`].join(' ');
  return buildReport({ outcome, implementation: impl.statement, seed, runs, command, toolVersion: '0.1.0', durationMs: 10, ...(o.shard ? { shard: o.shard } : {}) });
}

export const referenceReport = (o: Parameters<typeof runReport>[1] = {}) => runReport(createReference(), o);

const must = (r: { ok: true; value: Uint8Array } | { ok: false; error: { message: string } }): Uint8Array => {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

/** A SYN|ACK from 10.0.0.2:80 to 10.0.0.1:1234 in an Ethernet frame. */
export function tcpFrame(): Uint8Array {
  const src = new Uint8Array([10, 0, 0, 2]);
  const dst = new Uint8Array([10, 0, 0, 1]);
  const seg = must(createTcpSegment({ srcIp: src, dstIp: dst, srcPort: 80, dstPort: 1234, seq: 1000, ack: 2001, flags: TCP_SYN | TCP_ACK, payload: new Uint8Array(0) }));
  const ip = must(createIpv4Packet({ src, dst, protocol: IPPROTO_TCP, payload: seg }));
  return must(emitEthernet({ dst: fromHex('525400000001')!, src: fromHex('525400123456')!, etherType: ETHERTYPE_IPV4, payload: ip }));
}

/** A broadcast ARP request (who has 172.16.1.50? tell 172.16.1.101), padded to 60 bytes. */
export const ARP_REQUEST_HEX = 'ffffffffffff00a0c922b2100806000108000604000100a0c922b210ac100165000000000000ac100132000000000000000000000000000000000000';

/** What a person could put in a report to break the page: markup, quotes, controls. */
export const NASTY = `<script>alert("x")</script> </pre> & "quotes" 'single' \u0000\u0007 <img src=x onerror=alert(1)>`;

/**
 * A report of a `nic` implementation with one failing property whose scenario injects an ARP
 * request and whose trace puts a TCP frame on the wire, one hazard, one pass.
 */
export function nicReport(): ConformanceReport {
  const tcp = toHex(tcpFrame());
  const failing: PropertyResult = {
    id: 'nic.tx.pad-runt',
    title: `frames under 60 bytes are padded ${NASTY}`,
    layer: 'nic',
    clauses: ['nic.tx.padding'],
    status: 'fail',
    numRuns: 10,
    seed: -12345,
    path: '3:1:0',
    durationMs: 4,
    counterexample: {
      input: { note: NASTY },
      scenario: { layer: 'nic', ops: [{ op: 'inject', frame: ARP_REQUEST_HEX }, { op: 'tick', count: 1 }, { op: 'send', bytes: tcp }] },
      trace: {
        results: [{ ok: true, value: null }, { ok: true, value: null }, { ok: false, error: { kind: 'device', message: NASTY } }],
        observations: { wire: [{ descriptor: 0, tsd: 54, frame: tcp }] },
      },
      message: `frame of 54 bytes sent unpadded ${NASTY}`,
    },
  };
  const hazard: PropertyResult = {
    id: 'nic.rx.overrun',
    title: 'the RX ring never loses a frame',
    layer: 'nic',
    clauses: ['nic.rx.no-loss'],
    status: 'fail',
    numRuns: 10,
    seed: 7,
    path: '0',
    durationMs: 3,
    counterexample: {
      input: [],
      scenario: { layer: 'nic', ops: [{ op: 'inject', frame: ARP_REQUEST_HEX }, { op: 'inject', frame: ARP_REQUEST_HEX }] },
      trace: { results: [{ ok: true, value: null }, { ok: true, value: null }], observations: { delivered: [] } },
      message: 'second frame dropped',
    },
  };
  const passing: PropertyResult = { id: 'nic.init.order', title: 'init order', layer: 'nic', clauses: ['nic.init.order'], status: 'pass', numRuns: 10, seed: 1, durationMs: 1 };
  const clause = (id: string, kind: ClauseResult['kind'], verdict: ClauseResult['verdict'], p: PropertyResult): ClauseResult => ({
    id,
    layer: 'nic',
    kind,
    source: 'hw',
    statement: `${id} statement ${NASTY}`,
    ...(kind !== 'requirement' ? { reason: `because ${NASTY}` } : {}),
    verdict,
    properties: [p.id],
    ...(p.counterexample ? { counterexample: { ...p.counterexample, property: p.id, seed: p.seed, ...(p.path ? { path: p.path } : {}) } } : {}),
  });
  const clauses = [clause('nic.init.order', 'requirement', 'pass', passing), clause('nic.rx.no-loss', 'hazard', 'hazard', hazard), clause('nic.tx.padding', 'requirement', 'fail', failing)];
  return {
    format: 'r2net-conformance-report/1',
    tool: { name: 'r2net-conformance', version: '0.1.0' },
    implementation: { name: `my-nic ${NASTY}`, version: '0.0.1', profile: 'seed', layers: ['nic'] },
    profile: 'seed',
    seed: 1,
    runs: 10,
    command: `r2net run --impl './my nic.ts' --runs 10 --seed=1`,
    durationMs: 20,
    clauses,
    properties: [passing, hazard, failing],
    summary: summarize(clauses),
  };
}
