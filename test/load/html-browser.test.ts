/**
 * The load report's HTML in real headless Chromium (Debian's package, as test/report/html-browser.test.ts
 * uses it; playwright-core brings no browser): the charts render with their data points, without
 * JavaScript (the page has none), nothing overflows at 420 px, and the page loads nothing but its own
 * file. A screenshot at each width is kept as a test artefact in reports/test-artifacts/ (ignored by
 * git, as every report). PROMOPROOF_SKIP_BROWSER=1 skips it where Chromium cannot be installed.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithBaseline } from '../../src/load/baseline.js';
import { renderLoadHtml } from '../../src/load/render-html.js';
import { cleanRun, richRun } from './report-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
/** Without the background-networking flags Chromium tries to reach Google and its connections are refused here. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const PHONE = 420;
/** Where the screenshots are kept: the repository's reports/ folder. */
const ARTIFACTS = fileURLToPath(new URL('../../reports/test-artifacts/', import.meta.url));
const HAVE_CHROMIUM = existsSync(CHROMIUM);

interface Opened {
  readonly page: Page;
  /** URLs of every request the page made, fragment removed. */
  readonly requests: string[];
  /** Console errors (CSP violations among them) and uncaught exceptions. */
  readonly errors: string[];
}

/** What the page shows of its charts, measured in the page (its code passed as text: the project has no DOM types). */
interface ChartLayout {
  readonly charts: {
    readonly title: string;
    readonly left: number;
    readonly right: number;
    readonly width: number;
    readonly height: number;
    readonly series: { readonly name: string; readonly points: number; readonly drawn: number; readonly inside: boolean }[];
  }[];
  readonly scrollWidth: number;
  readonly widest: number;
}

const LAYOUT = `(() => {
  for (const d of document.querySelectorAll('details')) d.open = true;
  const charts = [...document.querySelectorAll('svg.chart')].map((svg) => {
    const box = svg.getBoundingClientRect();
    const series = [...svg.querySelectorAll('path[data-series]')].map((p) => {
      const b = p.getBoundingClientRect();
      return {
        name: p.getAttribute('data-series'),
        points: Number(p.getAttribute('data-points')),
        // A line's drawn length, a bar layer's drawn area: 0 would be a series that draws nothing.
        drawn: p.classList.contains('line') ? p.getTotalLength() : b.width * b.height,
        inside: b.left >= box.left - 1 && b.right <= box.right + 1 && b.top >= box.top - 1 && b.bottom <= box.bottom + 1,
      };
    });
    return { title: svg.querySelector('title').textContent, left: box.left, right: box.right, width: box.width, height: box.height, series };
  });
  // The page's own blocks: a wide table scrolls inside its own box (.scroll), which must itself fit.
  const boxes = [...document.body.children];
  return {
    charts,
    scrollWidth: document.documentElement.scrollWidth,
    widest: Math.max(...boxes.map((e) => e.getBoundingClientRect().right)),
  };
})()`;

describe.skipIf(process.env.PROMOPROOF_SKIP_BROWSER === '1')('the load report’s browser test', () => {
  // A failing test of its own (counted as such), rather than a silent skip: CI installs the browser.
  it(`runs in Debian's Chromium at ${CHROMIUM}`, () => {
    if (!HAVE_CHROMIUM)
      expect.fail(
        `${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium; CI's .ci/run does), or set PROMOPROOF_SKIP_BROWSER=1 to skip the browser test`,
      );
  });
});

describe.skipIf(process.env.PROMOPROOF_SKIP_BROWSER === '1' || !HAVE_CHROMIUM)('the load report in headless Chromium', () => {
  let browser: Browser | undefined;
  let dir = '';
  let url = '';
  const opened: Opened[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'promoproof-load-html-'));
    const file = join(dir, 'load.html');
    const run = richRun();
    writeFileSync(file, renderLoadHtml(run, { baseline: compareWithBaseline(run, cleanRun(), 'reports/old.json') }));
    url = pathToFileURL(file).href;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The page at `width`, JavaScript off: the page has none, and its charts must not need any. */
  async function open(width: number): Promise<Opened> {
    if (!browser) throw new Error('no browser');
    const page = await browser.newPage({ viewport: { width, height: 900 }, javaScriptEnabled: false });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url().split('#')[0] ?? ''));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    const o = { page, requests, errors };
    opened.push(o);
    return o;
  }

  for (const width of [1280, PHONE])
    it(`renders its four charts with their data points at ${width} px, without JavaScript, nothing overflowing`, async () => {
      const { page } = await open(width);
      const layout = (await page.evaluate(LAYOUT)) as ChartLayout;
      expect(layout.charts.map((c) => c.title.split(/[ ,]/)[0])).toEqual(['Latency', 'Achieved', 'Outcome', 'Latency']);
      for (const c of layout.charts) {
        expect(c.width, c.title).toBeGreaterThan(width === PHONE ? 300 : 600);
        expect(c.height, c.title).toBeGreaterThan(width === PHONE ? 150 : 300);
        expect(c.left, c.title).toBeGreaterThanOrEqual(0);
        expect(c.right, c.title).toBeLessThanOrEqual(width);
        expect(c.series.length, c.title).toBeGreaterThan(0);
        for (const s of c.series) {
          expect(s.points, `${c.title}: ${s.name}`).toBeGreaterThan(0);
          expect(s.drawn, `${c.title}: ${s.name}`).toBeGreaterThan(0);
          expect(s.inside, `${c.title}: ${s.name}`).toBe(true);
        }
      }
      // 30 seconds of run: a point per second for the lines over time.
      expect(layout.charts[1]?.series.map((s) => s.points)).toEqual([30, 30, 30, 30]);
      expect(layout.scrollWidth).toBeLessThanOrEqual(width);
      expect(layout.widest).toBeLessThanOrEqual(width);
      mkdirSync(ARTIFACTS, { recursive: true });
      const shot = join(ARTIFACTS, `load-report-${width}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      await page.close();
    });

  it('loads nothing but its own file and logs no error (no CSP violation)', () => {
    expect(opened).toHaveLength(2);
    for (const o of opened) {
      expect(o.errors).toEqual([]);
      expect(new Set(o.requests)).toEqual(new Set([url]));
    }
  });
});
