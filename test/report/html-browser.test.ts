// The HTML report in a real browser: Debian's headless Chromium, driven by playwright-core.
// It must load from a file with no network, show the matrix (a row per clause, a column per
// implementation), log no console error, and its CSS-only filter must work. Screenshots go to
// reports/ for a person to look at. Skips, saying why, where /usr/bin/chromium is absent
// (.ci/run installs it, so CI always runs it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { writeMergedReports, writeReports } from '../../src/report/write.ts';
import { mergeReports } from '../../src/report/merge.ts';
import { reportsDir } from '../../src/spec/paths.ts';
import { mutant, nicReport, referenceReport, runReport } from './helpers.ts';

const CHROMIUM = process.env.R2NET_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(`SKIPPED: the HTML report's browser check needs Chromium at ${CHROMIUM} (Debian: apt-get install -y chromium; .ci/run installs it). Set R2NET_CHROMIUM to use another binary.`);
}

describe.skipIf(!haveChromium)('HTML report in headless Chromium', () => {
  let context: BrowserContext;
  let profile: string;
  let dir: string;

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    profile = mkdtempSync(join(tmpdir(), 'r2net-chromium-'));
    dir = mkdtempSync(join(tmpdir(), 'r2net-html-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
      viewport: { width: 1280, height: 900 },
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a page, recording console errors, page errors and every request that is not the file itself. */
  async function open(file: string): Promise<{ page: Page; problems: string[] }> {
    const page = await context.newPage();
    const problems: string[] = [];
    const url = pathToFileURL(file).href;
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (r.url().split('#')[0] !== url) problems.push(`request: ${r.url()}`);
    });
    const res = await page.goto(url, { waitUntil: 'load' });
    expect(res === null || res.ok()).toBe(true);
    return { page, problems };
  }

  it('a merge of three implementations: loads, shows the matrix, no console error, filter works', async () => {
    const reports = [await referenceReport({ layers: ['codec'] }), await runReport(mutant('ethernet-parse-swaps-macs'), { layers: ['codec'] }), await runReport(mutant('tcp-checksum-no-pseudo-header'), { layers: ['codec'] })];
    const merged = mergeReports(reports).merged!;
    writeMergedReports(merged, dir);
    const { page, problems } = await open(join(dir, 'conformance.html'));
    const clauses = reports[0]!.clauses.length;

    expect(await page.title()).toMatch(/^Conformance matrix/);
    const matrix = page.locator('table.matrix');
    await expect.poll(() => matrix.isVisible()).toBe(true);
    expect(await matrix.locator('tbody tr.clause').count()).toBe(clauses);
    expect(await matrix.locator('thead th.impl').allTextContents()).toEqual(merged.implementations);
    // Every clause row has one verdict cell per implementation, and the verdict is written as text.
    const cells = await matrix.locator('tbody tr.clause').first().locator('td.v').allTextContents();
    expect(cells).toHaveLength(3);
    for (const c of cells) expect(c).toMatch(/pass|fail|error|hazard|skip|untested|n\/a/);
    expect(await page.locator('#differences li').count()).toBe(merged.differences.length);
    expect(merged.differences.length).toBeGreaterThan(0);
    // The first screen (1280x900) reaches the failures, after what differs, and long before the matrix.
    const failuresTop = (await page.locator('#failures h2').boundingBox())!.y;
    expect(failuresTop).toBeLessThan(900);
    expect(failuresTop).toBeLessThan((await page.locator('#matrix').boundingBox())!.y);

    mkdirSync(reportsDir, { recursive: true });
    await page.screenshot({ path: join(reportsDir, 'conformance-html.png') });
    await page.locator('article.cx').first().screenshot({ path: join(reportsDir, 'conformance-html-failure.png') });

    // CSS-only filter: "only clauses whose verdict differs" hides the others.
    await page.locator('label[for=show-diff]').click();
    expect(await matrix.locator('tbody tr.clause:visible').count()).toBe(merged.differences.length);
    await page.screenshot({ path: join(reportsDir, 'conformance-html-filtered.png') });
    await page.locator('label[for=show-all]').click();
    expect(await matrix.locator('tbody tr.clause:visible').count()).toBe(clauses);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a single report with frames, hostile strings and a hazard: loads clean and renders them as text', async () => {
    const single = join(dir, 'single');
    writeReports(nicReport(), single);
    const { page, problems } = await open(join(single, 'conformance.html'));
    expect(await page.locator('table.matrix tbody tr.clause').count()).toBe(3);
    expect(await page.locator('table.matrix thead th.impl').count()).toBe(1);
    // The injected markup is shown, never run or parsed: no script or img element exists.
    expect(await page.locator('script, img').count()).toBe(0);
    expect(await page.locator('h1').textContent()).toContain('<script>alert("x")</script>');
    expect(await page.locator('ul.decoded li.r-tcp').first().textContent()).toMatch(/80 → 1234.*SYN\|ACK/s);
    expect(await page.locator('a[href$=".pcap"]').count()).toBe(2);
    // A single report's first screen shows every failure and hazard in the index.
    const entries = page.locator('ol.index li');
    expect(await entries.count()).toBe(2);
    expect((await entries.last().boundingBox())!.y).toBeLessThan(900);
    await page.screenshot({ path: join(reportsDir, 'conformance-html-frames.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});
