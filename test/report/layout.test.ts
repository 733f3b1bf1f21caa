// What a reader sees first: the HTML opens on failures, errors and hazards (an index, then each
// in full) and the matrix comes last; the fields where expected and got differ are marked; a
// zero-length payload adds no "does not parse" row. JUnit carries time per testcase, a type
// on every failure and error, and the skipped count on the root.
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.ts';
import { renderJunit } from '../../src/report/junit.ts';
import { expectedGot, fieldRows, hexDiff } from '../../src/report/compare.ts';
import { decodeAs } from '../../src/report/decode.ts';
import { createIpv4Packet, IPPROTO_TCP } from '../../src/codec/ipv4.ts';
import { mutant, nicReport, runReport } from './helpers.ts';

describe('HTML layout', () => {
  it('the failures section (with its index) comes before the matrix, failures before hazards', async () => {
    const html = renderHtml([nicReport()]);
    const at = (s: string) => html.indexOf(s);
    expect(at('<section id="summary">')).toBeLessThan(at('<section id="failures">'));
    expect(at('<section id="failures">')).toBeLessThan(at('<ol class="index">'));
    expect(at('<ol class="index">')).toBeLessThan(at('<article'));
    expect(at('</section>\n<section id="matrix">')).toBeGreaterThan(at('<article'));
    const index = html.slice(at('<ol class="index">'), at('</ol>'));
    expect(index.indexOf('nic.tx.pad-runt')).toBeLessThan(index.indexOf('nic.rx.overrun'));
    expect(index).toMatch(/<span class="badge v-hazard">hazard<\/span> <a href="#p0-nic\.rx\.overrun">/);
  });

  it('a mutant\'s failure shows expected and got field by field, the differing ones marked', async () => {
    const report = await runReport(mutant('ipv4-ttl-255'), { layers: ['codec'], runs: 20 });
    const html = renderHtml([report]);
    const art = html.slice(html.indexOf('id="p0-codec.ipv4.create-defaults"'));
    const table = art.slice(art.indexOf('<table class="cmp">'), art.indexOf('</table>') + 8);
    expect(table).toMatch(/Expected and got, field by field: \d+ of \d+ differ/);
    expect(table).toMatch(/<tr class="differs"><th scope="row"><code>ttl<\/code><\/th><td><code>64<\/code><\/td><td><code>255<\/code><\/td><\/tr>/);
  });

  it('reads "expected X, got Y" messages and marks differing bytes of hex strings', () => {
    expect(expectedGot('header fields: expected {"a":1,"s":", got "}, got {"a":2,"s":", got "}')).toEqual({ expected: { a: 1, s: ', got ' }, got: { a: 2, s: ', got ' } });
    expect(expectedGot('op #0 failed: unsupported-op: x')).toBeUndefined();
    expect(expectedGot('n: expected 1, got 2')).toBeUndefined(); // scalars: the message says it all
    expect(fieldRows({ a: 1, b: [1, 2] }, { a: 1, b: [1, 3], c: true }).map((r) => `${r.path}:${r.differs}`)).toEqual(['a:false', 'b[0]:false', 'b[1]:true', 'c:true']);
    expect([...hexDiff('00ff10', '00fe10')!]).toEqual([1]);
    expect(hexDiff('zz', '00')).toBeUndefined();
  });

  it('a zero-length transport payload adds no "does not parse" row', () => {
    const p = createIpv4Packet({ src: Uint8Array.of(10, 0, 0, 1), dst: Uint8Array.of(10, 0, 0, 2), protocol: IPPROTO_TCP, payload: new Uint8Array(0) });
    if (!p.ok) throw new Error(p.error.message);
    const layers = decodeAs('ipv4', p.value);
    expect(layers.map((l) => l.protocol)).toEqual(['ipv4']);
    expect(layers.some((l) => l.error)).toBe(false);
  });
});

describe('JUnit attributes', () => {
  it('time on every testcase, type on failures and errors, skipped on the root', async () => {
    const r = nicReport();
    const withError = {
      ...r,
      clauses: [...r.clauses, { ...r.clauses[0]!, id: 'nic.err', verdict: 'error' as const, counterexample: { ...r.clauses[0]!.counterexample!, message: 'timeout: no reply' } }, { ...r.clauses[0]!, id: 'nic.skipped', verdict: 'skip' as const }],
    };
    const xml = renderJunit(withError);
    expect(xml).toMatch(/<testsuites [^>]*skipped="1"/);
    const cases = [...xml.matchAll(/<testcase [^>]*>/g)].map((m) => m[0]);
    expect(cases.length).toBe(withError.clauses.length);
    for (const c of cases) expect(c).toMatch(/ time="\d+\.\d{3}"/);
    expect(xml).toMatch(/<failure type="counterexample" message=/);
    expect(xml).toMatch(/<error type="timeout" message="timeout: no reply"/);
  });
});
