// The HTML report: one self-contained page (inline CSS, no script, no network). It opens on
// verdict counts per implementation, what differs between implementations, and every failing
// property (failures and errors, then hazards) with its counterexample — message, the fields
// where expected and got differ, replay command, scenario, the bytes as hexdumps with decoded
// Ethernet/ARP/IPv4/ICMP/TCP/UDP fields — and ends with the clause × implementation matrix.
// Everything taken from a report is escaped: counterexamples hold arbitrary strings.
import type { ClauseVerdict, PropertyResult } from '../runner/run.ts';
import type { Json } from '../iut/contract.ts';
import { clauseReplayCommand, replayCommand, runFailed, summarizeByKind, type ConformanceReport } from './model.ts';
import { buildMatrix, type Column, type Matrix, type MatrixRow } from './matrix.ts';
import { collectBlobs, type ByteBlob } from './blobs.ts';
import { decodeGuess, PROTOCOL_LABEL, type DecodedLayer } from './decode.ts';
import { asciiChar, hexByte, hexdumpRows, hexOffset, HEXDUMP_WIDTH } from './hexdump.ts';
import { toHex } from '../util/bytes.ts';
import { expectedGot, fieldRows, hexDiff } from './compare.ts';

export interface HtmlOptions {
  /** Link to the pcap file of a column's property, when one was written (relative to the page). */
  pcapHref?(column: number, propertyId: string): string | undefined;
  /** Bytes shown per hexdump (default 1024); the rest is counted, not shown. */
  maxDumpBytes?: number;
  /** Byte fields shown per counterexample (default 12). */
  maxBlobs?: number;
}

const VERDICTS: readonly ClauseVerdict[] = ['pass', 'fail', 'error', 'hazard', 'skip', 'untested'];
const BAD: ReadonlySet<ClauseVerdict> = new Set(['fail', 'error', 'hazard', 'untested']);
const GLYPH: Record<ClauseVerdict, string> = { pass: '✓', fail: '✗', error: '!', hazard: '⚠', skip: '–', untested: '?' };
const MEANING: Record<ClauseVerdict, string> = {
  pass: 'every property checking the clause held',
  fail: 'a property found a counterexample (fails the run)',
  error: 'the implementation crashed, hung or broke the contract (fails the run)',
  hazard: 'the documented design breaks a wanted property (never fails the run)',
  skip: 'the implementation does not declare this layer',
  untested: 'no property checks this clause (fails the run)',
};

/** Escapes text for HTML content and attribute values; C0 controls become visible control pictures. */
export function esc(s: unknown): string {
  return String(s)
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) => String.fromCharCode(c === '\u007f' ? 0x2421 : 0x2400 + c.charCodeAt(0)));
}

/** A fragment identifier built from untrusted text: [A-Za-z0-9.-] kept, anything else (even '_') as _hex_, so distinct texts stay distinct. */
export const anchor = (prefix: string, s: string): string =>
  `${prefix}-${Array.from(s, (ch) => (/[A-Za-z0-9.-]/.test(ch) ? ch : `_${ch.codePointAt(0)!.toString(16)}_`)).join('')}`;

const verdictCell = (v: ClauseVerdict, href?: string): string => {
  const text = `<span aria-hidden="true">${GLYPH[v]}</span> ${v}`;
  return `<td class="v v-${v}" title="${esc(MEANING[v])}">${href ? `<a href="${esc(href)}">${text}</a>` : text}</td>`;
};

/** JSON for display: long hex strings shortened (the bytes are shown as hexdumps below). */
function displayJson(v: unknown, maxChars = 6000): string {
  const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'string' && x.length > 96 && /^[0-9a-f]+$/i.test(x) ? `${x.slice(0, 64)}… (${x.length / 2} bytes)` : x), 1) ?? 'undefined';
  return s.length > maxChars ? `${s.slice(0, maxChars)}\n… ${s.length - maxChars} more characters (see conformance.json)` : s;
}

function regionClass(layers: DecodedLayer[] | undefined, i: number): string {
  if (!layers) return '';
  for (const l of layers) if (i >= l.start && i < l.end && !l.error) return `r-${l.protocol}`;
  return '';
}

/** Hexdump rows, each byte coloured by the header it belongs to (runs of one colour share a span). */
function hexdumpHtml(bytes: Uint8Array, layers: DecodedLayer[] | undefined, max: number): string {
  const shown = bytes.subarray(0, max);
  const spans = (from: number, to: number, render: (b: number, i: number) => string): string => {
    let out = '';
    let cls: string | undefined;
    for (let i = from; i < to; i++) {
      const c = regionClass(layers, i);
      if (c !== cls) {
        if (cls) out += '</span>';
        if (c) out += `<span class="${c}">`;
        cls = c;
      }
      out += render(shown[i]!, i);
    }
    return cls ? out + '</span>' : out;
  };
  const lines = hexdumpRows(shown.length).map((r) => {
    const hex = spans(r.start, r.end, (b, i) => hexByte(b) + (i === r.end - 1 ? '' : i - r.start === 7 ? '  ' : ' '));
    const pad = ' '.repeat((HEXDUMP_WIDTH - (r.end - r.start)) * 3 + (r.end - r.start <= 8 ? 1 : 0));
    const ascii = spans(r.start, r.end, (b) => esc(asciiChar(b)));
    return `<span class="off">${hexOffset(r.offset)}</span>  ${hex}${pad}  <span class="asc">${ascii}</span>`;
  });
  if (bytes.length > max) lines.push(`<span class="more">… ${bytes.length - max} more bytes (full bytes in conformance.json)</span>`);
  return `<pre class="hexdump">${lines.join('\n')}</pre>`;
}

function decodedHtml(layers: DecodedLayer[]): string {
  const items = layers.map((l) => {
    const range = `bytes ${l.start}–${l.end - 1}`;
    const body = l.error ? `<span class="bad-parse">does not parse: ${esc(l.error)}</span>` : l.fields.map(([k, v]) => `<span class="f">${esc(k)} <b>${esc(v)}</b></span>`).join(' ');
    return `<li class="r-${l.protocol}"><strong>${esc(PROTOCOL_LABEL[l.protocol])}</strong> <small>${range}</small> ${body}</li>`;
  });
  return `<ul class="decoded">${items.join('')}</ul>`;
}

function blobsHtml(blobs: ByteBlob[], opts: Required<Pick<HtmlOptions, 'maxDumpBytes' | 'maxBlobs'>>): string {
  // Zero-length fields carry nothing to show (and would only add "does not parse" rows).
  const shown = blobs.filter((b) => b.bytes.length > 0 && (b.bytes.length >= 8 || b.hint || b.ethernet));
  if (!shown.length) return '';
  const seen = new Map<string, string>();
  const parts: string[] = [];
  for (const b of shown.slice(0, opts.maxBlobs)) {
    const key = toHex(b.bytes);
    const what = `<code>${esc(b.path)}</code>${b.op ? ` of <code>${esc(b.op)}</code>` : ''} · ${b.bytes.length} bytes${b.ethernet ? ' · Ethernet frame (in the pcap)' : ''}`;
    const earlier = seen.get(key);
    if (earlier) {
      parts.push(`<figure class="blob"><figcaption>${what} · same bytes as <code>${esc(earlier)}</code></figcaption></figure>`);
      continue;
    }
    seen.set(key, b.path);
    const layers = decodeGuess(b.bytes, b.hint);
    parts.push(`<figure class="blob"><figcaption>${what}</figcaption>${layers ? decodedHtml(layers) : ''}${hexdumpHtml(b.bytes, layers, opts.maxDumpBytes)}</figure>`);
  }
  if (shown.length > opts.maxBlobs) parts.push(`<p class="more">… ${shown.length - opts.maxBlobs} more byte fields (see conformance.json)</p>`);
  return `<h4>Bytes</h4>${parts.join('')}`;
}

/** A value for the comparison table; in hex strings, the bytes that differ from the other side are marked. */
function comparedValue(v: string | undefined, other: string | undefined): string {
  if (v === undefined) return '<i>absent</i>';
  const d = other !== undefined ? hexDiff(v, other) : undefined;
  const shown = v.length > 400 ? v.slice(0, 400) : v;
  const body = d
    ? Array.from({ length: shown.length / 2 }, (_, i) => (d.has(i) ? `<mark>${shown.slice(2 * i, 2 * i + 2)}</mark>` : shown.slice(2 * i, 2 * i + 2))).join('')
    : esc(shown);
  return `<code>${body}</code>${v.length > 400 ? ` <small>… ${v.length - 400} more characters</small>` : ''}`;
}

/** "expected X, got Y" as a table, the fields that differ highlighted first-class (same fields folded when many). */
function comparisonHtml(message: string | undefined): string {
  const eg = message !== undefined ? expectedGot(message) : undefined;
  if (!eg) return '';
  const rows = fieldRows(eg.expected, eg.got);
  const differing = rows.filter((r) => r.differs);
  if (!differing.length) return '';
  const tr = (r: (typeof rows)[number]): string =>
    `<tr class="${r.differs ? 'differs' : 'same'}"><th scope="row"><code>${esc(r.path)}</code></th><td>${comparedValue(r.expected, r.got)}</td><td>${comparedValue(r.got, r.expected)}</td></tr>`;
  const same = rows.filter((r) => !r.differs);
  const sameRows = same.length > 6 ? `<tr><td colspan="3"><details><summary>${same.length} fields equal</summary><table class="cmp">${same.map(tr).join('')}</table></details></td></tr>` : same.map(tr).join('');
  return `<table class="cmp"><caption>Expected and got, field by field: ${differing.length} of ${rows.length} differ (highlighted)</caption><thead><tr><th scope="col">field</th><th scope="col">expected</th><th scope="col">got</th></tr></thead><tbody>${differing.map(tr).join('')}${sameRows}</tbody></table>`;
}

function propertyHtml(col: Column, ci: number, p: PropertyResult, opts: HtmlOptions & Required<Pick<HtmlOptions, 'maxDumpBytes' | 'maxBlobs'>>): string {
  const r = col.report;
  const clauses = new Map(r.clauses.map((c) => [c.id, c]));
  const broken = p.clauses.map((id) => clauses.get(id)).filter((c) => c !== undefined);
  const kind: ClauseVerdict = p.status === 'error' ? 'error' : broken.length && broken.every((c) => c.kind === 'hazard') ? 'hazard' : 'fail';
  const cx = p.counterexample;
  const replay = replayCommand(r, { id: p.id, seed: p.seed, ...(p.path ? { path: p.path } : {}) });
  const pcap = opts.pcapHref?.(ci, p.id);
  const clauseList = p.clauses
    .map((id) => {
      const c = clauses.get(id);
      return `<a href="#${esc(anchor('c', id))}"><code>${esc(id)}</code></a>${c ? ` <span class="badge v-${c.verdict}">${c.verdict}</span>` : ''}`;
    })
    .join(', ');
  const out = [
    `<article class="cx k-${kind}" id="${esc(anchor(`p${ci}`, p.id))}">`,
    `<h3><span class="badge v-${kind}">${kind === 'fail' ? 'failure' : kind}</span> <code>${esc(p.id)}</code> — ${esc(p.title)}</h3>`,
    `<p class="meta">${esc(col.label)} · clauses: ${clauseList} · seed ${esc(p.seed)}${p.path ? ` · path <code>${esc(p.path)}</code>` : ''} · ${esc(p.numRuns)} runs</p>`,
    `<pre class="message">${esc(cx?.message ?? 'no message')}</pre>`,
    comparisonHtml(cx?.message),
    `<p>Replay: <code class="cmd">${esc(replay)}</code></p>`,
  ];
  // Each clause's verdict comes from its own checks: when more than one failed, each has its own shrunk case.
  const own = Object.entries(p.clauseResults ?? {}).filter(([, o]) => o.verdict === 'fail' && o.counterexample);
  if (own.length > 1) {
    const items = own.map(([id, o]) => {
      const c = clauses.get(id);
      const cmd = c ? clauseReplayCommand(r, { ...c, counterexample: { ...o.counterexample!, property: p.id, seed: p.seed, ...(o.path ? { path: o.path } : {}) } }) : undefined;
      return `<li><code>${esc(id)}</code>: ${esc(o.counterexample!.message.split('\n')[0]!)}${cmd ? `<br><code class="cmd">${esc(cmd)}</code>` : ''}</li>`;
    });
    out.push(`<h4>Each failing clause, with its own shrunk counterexample</h4><ul>${items.join('')}</ul>`);
  }
  if (pcap) out.push(`<p>Frames as a capture file: <a href="${esc(pcap)}">${esc(pcap)}</a> (opens in Wireshark)</p>`);
  if (cx) {
    out.push(`<h4>Scenario sent</h4><pre class="json">${esc(displayJson(cx.scenario))}</pre>`);
    out.push(blobsHtml(collectBlobs(cx.scenario, cx.trace), opts));
    out.push(cx.trace ? `<details><summary>Trace answered</summary><pre class="json">${esc(displayJson(cx.trace))}</pre></details>` : '<p>No trace: the implementation did not answer.</p>');
    out.push(`<details><summary>Generated input (shrunk)</summary><pre class="json">${esc(displayJson(cx.input as Json))}</pre></details>`);
  }
  out.push('</article>');
  return out.join('\n');
}

function clauseCellHref(ci: number, c: MatrixRow['cells'][number]): string | undefined {
  return c?.counterexample ? `#${anchor(`p${ci}`, c.counterexample.property)}` : undefined;
}

function matrixHtml(m: Matrix): string {
  const multi = m.columns.length > 1;
  const head = [
    '<th scope="col">Clause</th>',
    '<th scope="col">Kind</th>',
    '<th scope="col">Source</th>',
    ...m.columns.map((c) => `<th scope="col" class="impl">${esc(c.label)}</th>`),
    ...(multi ? ['<th scope="col">Differs</th>'] : []),
  ];
  const width = head.length;
  const bodies = m.layers.map((layer) => {
    const rows = m.rows.filter((r) => r.layer === layer);
    const trs = rows.map((r) => {
      const bad = r.cells.some((c) => c && BAD.has(c.verdict));
      const cls = ['clause', bad ? 'bad' : '', r.differs ? 'diff' : ''].filter(Boolean).join(' ');
      const props = [...new Set(r.cells.flatMap((c) => c?.properties ?? []))];
      const more = [
        r.reason ? `<p><b>Why (${esc(r.kind)}):</b> ${esc(r.reason)}</p>` : '',
        `<p><b>Checked by:</b> ${props.length ? props.map((p) => `<code>${esc(p)}</code>`).join(', ') : 'no property'}</p>`,
      ].join('');
      const cells = r.cells.map((c, ci) => (c ? verdictCell(c.verdict, clauseCellHref(ci, c)) : '<td class="v v-absent" title="not in this report">n/a</td>'));
      return [
        `<tr class="${cls}" id="${esc(anchor('c', r.id))}">`,
        `<th scope="row"><code>${esc(r.id)}</code><div class="stmt">${esc(r.statement)}</div><details><summary>${r.reason ? 'reason, properties' : 'properties'}</summary>${more}</details></th>`,
        `<td class="kind k-${esc(r.kind)}">${esc(r.kind)}</td><td>${esc(r.source)}</td>`,
        ...cells,
        ...(multi ? [r.note ? `<td class="note" title="${esc(r.note)}">${esc(r.short ?? r.note)}</td>` : '<td class="note"></td>'] : []),
        '</tr>',
      ].join('');
    });
    return `<tbody><tr class="layer"><th scope="rowgroup" colspan="${width}">Layer <code>${esc(layer)}</code> · ${rows.length} clauses</th></tr>${trs.join('\n')}</tbody>`;
  });
  return `<table class="matrix"><caption>Clause verdicts: one row per clause, one column per implementation</caption><thead><tr>${head.join('')}</tr></thead>${bodies.join('\n')}</table>`;
}

function summaryHtml(m: Matrix): string {
  const rows = m.columns.map((c) => {
    const r = c.report;
    const s = r.summary;
    const failed = runFailed(r);
    const how = `profile ${r.profile} · layers ${r.implementation.layers.join(', ')} · seed ${r.seed} · ${r.runs} runs${r.shard ? ` · shard ${r.shard.index}/${r.shard.count}` : ''} · ${(r.durationMs / 1000).toFixed(1)} s`;
    // Defects first: requirements that fail (or error, or went untested), then our decisions it differs from.
    const k = summarizeByKind(r.clauses);
    const defects = k.requirement.fail + k.requirement.error + k.requirement.untested;
    const differ = k.decision.fail + k.decision.error + k.decision.untested;
    const cells = `<td class="n ${defects ? 'v-fail' : ''}" title="requirements failing, erroring or untested">${esc(defects)}</td><td class="n ${differ ? 'v-fail' : ''}" title="${r.implementation.followsDecisions ? 'the statement follows the suite\'s decisions: these fail the run' : 'the statement does not follow the suite\'s decisions: reported, not failed'}">${esc(differ)}</td>`;
    return `<tr><th scope="row">${esc(c.label)}<div class="stmt">${esc(how)}</div><div class="stmt"><code class="cmd">${esc(r.command)}</code></div></th>${cells}${VERDICTS.map((v) => `<td class="n ${s[v] ? `v-${v}` : ''}">${esc(s[v] ?? 0)}</td>`).join('')}<td class="${failed ? 'v-fail' : 'v-pass'}">${failed ? 'fails' : 'passes'}</td></tr>`;
  });
  return `<table class="summary"><caption>Clause verdicts per implementation: requirements failing (defects), decisions differing, then every verdict</caption><thead><tr><th scope="col">Implementation</th><th scope="col">requirements failing</th><th scope="col">decisions differing</th>${VERDICTS.map((v) => `<th scope="col" title="${esc(MEANING[v])}">${v}</th>`).join('')}<th scope="col">run</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function differencesHtml(m: Matrix): string {
  if (m.columns.length < 2) return '';
  const diff = m.rows.filter((r) => r.differs);
  const body = diff.length
    ? `<ul class="diffs">${diff.map((r) => `<li><a href="#${esc(anchor('c', r.id))}"><code>${esc(r.id)}</code></a> <small>(${esc(r.kind)})</small>: ${esc(r.note ?? '')}</li>`).join('')}</ul>`
    : '<p>Every implementation gets the same verdict on every clause they share.</p>';
  return `<section id="differences"><h2>What differs between implementations (${diff.length})</h2>${body}</section>`;
}

const CSS = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--head:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;padding:1rem 1.5rem 3rem;max-width:1400px}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}h3{font-size:1.05rem;margin:.2rem 0}h4{margin:.8rem 0 .3rem}
code,pre,.cmd{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
.meta,.stmt,small{color:var(--muted)}.stmt{font-size:12.5px;margin-top:.15rem}
nav a{margin-right:1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}caption{text-align:left;color:var(--muted);padding:.2rem 0}
th,td{border:1px solid var(--line);padding:.3rem .45rem;vertical-align:top;text-align:left}
thead th{background:var(--head);position:sticky;top:0;z-index:1}
table.matrix th[scope=row]{width:55%;font-weight:normal}
tr.layer th{background:#eef1f4;font-size:1rem}
td.v{white-space:nowrap;font-weight:600;text-align:center}td.v a{color:inherit}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.v-pass{background:#dafbe1;color:#0f5323}.v-fail{background:#ffebe9;color:#a40e26}.v-error{background:#fbefff;color:#6e2b9f}
.v-hazard{background:#fff8c5;color:#6b4a00}.v-skip{background:#f2f4f6;color:#4b545e}.v-untested{background:#ddf4ff;color:#0a3069}
.v-absent{color:var(--muted);text-align:center}
tr.diff td.note{background:#fff1e5;color:#7d3c00;font-weight:600}
.badge{display:inline-block;padding:0 .4rem;border-radius:.6rem;font-size:12px;font-weight:600;border:1px solid currentColor}
details summary{cursor:pointer;color:var(--muted);font-size:12.5px}
fieldset.filter{border:1px solid var(--line);border-radius:6px;margin:.5rem 0;padding:.3rem .8rem}fieldset.filter label{margin-right:1.2rem}
body:has(#show-bad:checked) tr.clause:not(.bad),body:has(#show-diff:checked) tr.clause:not(.diff){display:none}
.legend span.badge{margin-right:.4rem}
article.cx{border:1px solid var(--line);border-left:6px solid #a40e26;border-radius:6px;padding:.6rem .9rem;margin:1rem 0}
article.k-hazard{border-left-color:#bf8700}article.k-error{border-left-color:#6e2b9f}
pre{background:#f6f8fa;border:1px solid var(--line);border-radius:4px;padding:.5rem;overflow:auto;max-height:28rem;white-space:pre}
pre.message{white-space:pre-wrap;background:#fff5f5}
figure.blob{margin:.6rem 0}figcaption{font-size:12.5px;color:var(--muted)}
ul.decoded{list-style:none;padding:0;margin:.3rem 0}ul.decoded li{padding:.15rem .4rem;margin:.1rem 0;border-radius:3px}
ul.decoded .f{margin-right:.7rem;white-space:nowrap}.bad-parse{color:#a40e26}
.r-ethernet{background:#e7f0ff}.r-arp{background:#fdebd3}.r-ipv4{background:#e3f6e8}.r-icmp{background:#f6e3f3}.r-tcp{background:#fff3cf}.r-udp{background:#e5f4f7}.r-payload{background:#f0f0f0}
pre.hexdump .off{color:var(--muted)}pre.hexdump .more,p.more{color:var(--muted)}
table.cmp{width:auto;max-width:100%}table.cmp caption{white-space:nowrap}table.cmp tr.differs th,table.cmp tr.differs td{background:#ffebe9}table.cmp tr.differs th{font-weight:700}table.cmp tr.same td{color:var(--muted)}mark{background:#ffb8b0;color:inherit;font-weight:700}
ol.index{padding-left:1.4rem;margin:.4rem 0}ol.index li{margin:.15rem 0}ol.index .why{color:var(--muted)}
.incomplete{border:2px solid #a40e26;background:#fff5f5;padding:.5rem .8rem;border-radius:6px}
footer{margin-top:2rem;color:var(--muted);font-size:12.5px}
`;

/** Renders one report, or several (a merge), as one self-contained HTML page. */
export function renderHtml(reports: ConformanceReport[], options: HtmlOptions = {}): string {
  if (!reports.length) throw new Error('renderHtml: no report');
  const opts = { maxDumpBytes: 1024, maxBlobs: 12, ...options };
  const m = buildMatrix(reports);
  const first = reports[0]!;
  const title =
    reports.length === 1 ? `Conformance report: ${first.implementation.name} ${first.implementation.version}` : `Conformance matrix: ${m.columns.map((c) => c.label).join(' · ')}`;
  // Failures and errors first, then hazards (failing properties whose clauses are all hazards).
  const isHazard = (c: Column, p: PropertyResult): boolean => p.status === 'fail' && p.clauses.length > 0 && p.clauses.every((id) => c.report.clauses.find((x) => x.id === id)?.kind === 'hazard');
  const failing = m.columns
    .flatMap((c, ci) => c.report.properties.filter((p) => p.status === 'fail' || p.status === 'error').map((p) => ({ c, ci, p, rank: isHazard(c, p) ? 1 : 0 })))
    .sort((a, b) => a.rank - b.rank);
  const intro =
    reports.length === 1
      ? `<p class="meta">Profile <code>${esc(first.profile)}</code> · layers ${esc(first.implementation.layers.join(', '))} · seed ${esc(first.seed)} · ${esc(first.runs)} runs per property · ${(first.durationMs / 1000).toFixed(1)} s${first.shard ? ` · shard ${esc(first.shard.index)}/${esc(first.shard.count)} (a share of the properties only)` : ''}</p><p class="meta">Command: <code class="cmd">${esc(first.command)}</code></p>`
      : `<p class="meta">${reports.length} runs merged into one matrix.</p>`;
  const legend = `<p class="legend">${VERDICTS.map((v) => `<span class="badge v-${v}" title="${esc(MEANING[v])}">${GLYPH[v]} ${v}</span>`).join('')} — hover a verdict for its meaning; a failing cell links to its counterexample.</p>`;
  const filter = `<fieldset class="filter"><legend>Show</legend><input type="radio" name="show" id="show-all" checked><label for="show-all">every clause</label><input type="radio" name="show" id="show-bad"><label for="show-bad">only failures, errors, hazards and untested</label>${m.columns.length > 1 ? '<input type="radio" name="show" id="show-diff"><label for="show-diff">only clauses whose verdict differs</label>' : ''}</fieldset>`;
  // The first screen: the summary, then every failure, error and hazard (an index, then each
  // one in full), and only then the matrix of every clause.
  const index = failing.length
    ? `<ol class="index">${failing
        .map(({ c, ci, p }) => {
          const kind = p.status === 'error' ? 'error' : isHazard(c, p) ? 'hazard' : 'fail';
          return `<li><span class="badge v-${kind}">${kind === 'fail' ? 'failure' : kind}</span> <a href="#${esc(anchor(`p${ci}`, p.id))}"><code>${esc(p.id)}</code></a>${m.columns.length > 1 ? ` <small>${esc(c.label)}</small>` : ''} <span class="why">${esc((p.counterexample?.message ?? '').split('\n')[0]!.slice(0, 160))}</span></li>`;
        })
        .join('')}</ol>`
    : '';
  const failures = failing.length
    ? failing.map(({ c, ci, p }) => propertyHtml(c, ci, p, opts)).join('\n')
    : '<p>No property failed: nothing to show.</p>';
  const incomplete = reports
    .filter((r) => r.incomplete)
    .map((r) => `<p class="incomplete"><b>Incomplete:</b> ${esc(r.incomplete!.note)}; ${esc(r.incomplete!.notRun)} properties not run (error rows).</p>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${esc(title)}</h1>${intro}${incomplete}</header>
<nav><a href="#summary">Summary</a>${m.columns.length > 1 ? '<a href="#differences">Differences</a>' : ''}<a href="#failures">Failures, errors and hazards (${failing.length})</a><a href="#matrix">Matrix</a></nav>
<section id="summary"><h2>Summary</h2>${summaryHtml(m)}</section>
${differencesHtml(m)}
<section id="failures"><h2>Failures, errors and hazards (${failing.length})</h2><p class="meta">Each failing property with its shrunk counterexample: the message, the fields that differ, the command that replays it exactly, the scenario, the bytes decoded.</p>
${index}
${failures}
</section>
<section id="matrix"><h2>Clauses</h2>${legend}${filter}${matrixHtml(m)}</section>
<footer>Generated by ${esc(first.tool.name)} ${esc(first.tool.version)} from the JSON report(s) (format ${esc(first.format)}). Self-contained: no script, no network.</footer>
</body>
</html>
`;
}
