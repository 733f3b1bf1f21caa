// The HTML page as text: self-contained, everything from the report escaped, every in-page link
// lands, one matrix row per clause and one column per implementation.
import { describe, expect, it } from 'vitest';
import { anchor, esc, renderHtml } from '../../src/report/html.ts';
import { mergeReports } from '../../src/report/merge.ts';
import { mutant, NASTY, nicReport, referenceReport, runReport } from './helpers.ts';

const ids = (html: string) => new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
const localLinks = (html: string) => [...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);

describe('HTML report', () => {
  it('is self-contained: no script, no external resource, a CSP that forbids loading anything', () => {
    const html = renderHtml([nicReport()]);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });

  it('escapes every string that comes from the report', () => {
    const html = renderHtml([nicReport()]);
    expect(html).not.toContain(NASTY);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &lt;/pre&gt; &amp; &quot;quotes&quot; &#39;single&#39; ␀␇ &lt;img src=x onerror=alert(1)&gt;');
    expect(esc('\u0000a\u001b\u007f')).toBe('␀a␛␡');
    expect(anchor('c', 'a b<"x">_y')).toBe('c-a_20_b_3c__22_x_22__3e__5f_y');
    expect(anchor('c', '\u0003e')).not.toBe(anchor('c', '>'));
  });

  it('every in-page link has its target', async () => {
    const single = renderHtml([nicReport()]);
    const merged = renderHtml([await referenceReport({ layers: ['codec'] }), await runReport(mutant('udp-length-excludes-header'), { layers: ['codec'] })]);
    for (const html of [single, merged]) {
      const targets = ids(html);
      const links = localLinks(html);
      expect(links.length).toBeGreaterThan(3);
      for (const l of links) expect(targets.has(l), `#${l}`).toBe(true);
    }
  });

  it('one row per clause grouped by layer, one verdict cell per implementation, verdicts as text', async () => {
    const ref = await referenceReport({ layers: ['codec', 'slip'] });
    const bad = await runReport(mutant('slip-esc-not-escaped'), { layers: ['codec', 'slip'] });
    const html = renderHtml(mergeReports([ref, bad]).merged!.reports);
    const rows = [...html.matchAll(/<tr class="clause[^"]*" id="([^"]+)">(.*?)<\/tr>/gs)];
    expect(rows.map((r) => r[1])).toEqual(ref.clauses.map((c) => anchor('c', c.id)));
    for (const [, , row] of rows) expect([...row!.matchAll(/<td class="v v-(\w+)"[^>]*>(?:<a [^>]*>)?<span aria-hidden="true">.<\/span> (\w+)/g)].map((m) => m[1] === m[2])).toEqual([true, true]);
    expect(html).toMatch(/Layer <code>codec<\/code> · \d+ clauses/);
    expect(html).toMatch(/Layer <code>slip<\/code> · \d+ clauses/);
    // The rows that differ carry the class the filter uses, and a note naming the implementation.
    const diff = rows.filter((r) => /class="clause[^"]*\bdiff\b/.test(r[0]));
    expect(diff.length).toBe(bad.clauses.filter((c) => c.verdict === 'fail').length);
    for (const [row] of diff) expect(row).toContain('fail only in mutant:slip-esc-not-escaped 0.1.0');
  });

  it('renders reports read from files that lack parts (no scenario, odd ops, no trace) without throwing', () => {
    const r = nicReport();
    const p = r.properties.find((x) => x.id === 'nic.tx.pad-runt')!;
    const broken = { ...p, counterexample: { input: undefined, message: 'x' } as unknown as typeof p.counterexample };
    const odd = { ...p, id: 'nic.odd', counterexample: { ...p.counterexample!, scenario: { layer: 'nic' as const, ops: [null, 5, { op: 7, frame: 'zz' }] as never } } };
    const html = renderHtml([{ ...r, properties: [broken, odd] }]);
    expect(html).toContain('No trace: the implementation did not answer.');
  });

  it('shows each failure with message, replay command, decoded bytes and the pcap link it is given', () => {
    const html = renderHtml([nicReport()], { pcapHref: (_c, id) => `pcap/${id}.pcap` });
    expect(html).toContain('npx r2net replay --property nic.tx.pad-runt --seed=-12345 --path=3:1:0 --impl &#39;./my nic.ts&#39;');
    expect(html).toContain('<a href="pcap/nic.tx.pad-runt.pcap">');
    expect(html).toMatch(/<strong>TCP<\/strong>.*80 → 1234/);
    expect(html).toMatch(/<strong>ARP<\/strong>.*1 \(request\)/);
    // Failures come before hazards.
    expect(html.indexOf('id="p0-nic.tx.pad-runt"')).toBeLessThan(html.indexOf('id="p0-nic.rx.overrun"'));
    expect(html).toMatch(/<span class="badge v-hazard">hazard<\/span> <code>nic\.rx\.overrun<\/code>/);
  });
});
