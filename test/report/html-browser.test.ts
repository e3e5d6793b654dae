import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/render-html.js';
import { makeMixedReport } from './fixtures.js';

/**
 * The HTML report in real headless Chromium (Debian's package; playwright-core brings no browser):
 * the filters, the layout at phone width, no network access. One browser for the file. Set
 * PROMOPROOF_SKIP_BROWSER=1 to skip it where Chromium cannot be installed.
 */

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

interface Opened {
  readonly page: Page;
  /** URLs of every request the page made, fragment removed. */
  readonly requests: string[];
  /** Console errors (CSP violations among them) and uncaught exceptions. */
  readonly errors: string[];
}

const HAVE_CHROMIUM = existsSync(CHROMIUM);

describe.skipIf(process.env.PROMOPROOF_SKIP_BROWSER === '1')('the browser test', () => {
  // A failing test of its own (counted as such), rather than a silent skip: CI installs the browser.
  it(`runs in Debian's Chromium at ${CHROMIUM}`, () => {
    if (!HAVE_CHROMIUM) {
      expect.fail(
        `${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium; CI's .ci/run does), or set PROMOPROOF_SKIP_BROWSER=1 to skip the browser test`,
      );
    }
  });
});

describe.skipIf(process.env.PROMOPROOF_SKIP_BROWSER === '1' || !HAVE_CHROMIUM)('the HTML report in headless Chromium', () => {
  let browser: Browser | undefined;
  let dir = '';
  let url = '';
  /** The page the tests share (1280 px wide, JavaScript on); each test starts from a fresh load. */
  let main: Opened;
  /** Every page opened, for the last test: nothing loaded but the file, no error. */
  const opened: Opened[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'promoproof-html-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(makeMixedReport()));
    url = pathToFileURL(file).href;
    // launch() gives the browser a fresh temporary profile (--user-data-dir), removed on close.
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    main = await open(1280);
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(width: number, options: BrowserContextOptions = {}): Promise<Opened> {
    if (!browser) throw new Error('no browser');
    const page = await browser.newPage({ viewport: { width, height: 900 }, ...options });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url().split('#')[0]!));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    const o = { page, requests, errors };
    opened.push(o);
    return o;
  }

  /** The shared page, loaded afresh (no filter in the URL) at `width`. */
  async function fresh(width = 1280): Promise<Page> {
    await main.page.setViewportSize({ width, height: 900 });
    await main.page.goto(url);
    return main.page;
  }

  /**
   * In-page code is passed as text: the project's TypeScript has no DOM types. `SHOWN` gives the ids of
   * the rows shown (not hidden, not in a hidden group), sorted, and the "showing N of M" line.
   */
  const SHOWN = `({
    shown: [...document.querySelectorAll('tr.result')].filter((tr) => tr.offsetParent !== null)
      .map((tr) => tr.querySelector('td.check code').textContent).sort(),
    count: document.getElementById('filter-count').textContent,
  })`;
  type Shown = { shown: string[]; count: string };
  const shown = async (page: Page) => ((await page.evaluate(SHOWN)) as Shown).shown;
  /** Sets the filters as a reader would (each control, with its change or input event) in one round trip, then `SHOWN`. */
  const filter = async (page: Page, f: { status?: string[]; level?: string[]; rule?: string; q?: string }) =>
    (await page.evaluate(`((f) => {
      const form = document.getElementById('filters');
      const fire = (el, type) => el.dispatchEvent(new Event(type, { bubbles: true }));
      for (const [name, want] of [['status', f.status], ['level', f.level]]) {
        for (const box of form.querySelectorAll('input[name="' + name + '"]')) {
          const on = want === undefined || want.includes(box.value);
          if (box.checked !== on) { box.checked = on; fire(box, 'change'); }
        }
      }
      const rule = form.querySelector('select[name="rule"]');
      rule.value = f.rule === undefined ? '' : [...rule.options].find((o) => o.text === f.rule).value;
      fire(rule, 'change');
      const q = form.querySelector('input[name="q"]');
      q.value = f.q ?? '';
      fire(q, 'input');
      return ${SHOWN};
    })(${JSON.stringify(f)})`)) as Shown;
  const count = (page: Page) => page.textContent('#filter-count');
  const longId = makeMixedReport().results.find((r) => r.id.startsWith('PROMO-GEN-'))!.id;
  const ALL = makeMixedReport()
    .results.map((r) => r.id)
    .sort();
  const PASSED = ['PROMO-ADD-001', 'REF-SEQ-001', longId];

  it('filters by status, "hide passed", level, rule and text, and counts the rows shown', async () => {
    const page = await fresh();
    expect(await page.isVisible('#filters')).toBe(true);
    expect(await page.evaluate(SHOWN)).toEqual({ shown: ALL, count: 'showing 12 of 12 checks' });

    // By hand: the quick toggle, one status box, the rule select, the search box, reset.
    await page.click('input[name="hide-passed"]');
    expect(await page.evaluate(SHOWN)).toEqual({ shown: ALL.filter((id) => !PASSED.includes(id)), count: 'showing 9 of 12 checks' });
    expect(await page.isChecked('input[name="status"][value="passed"]')).toBe(false);
    expect(await page.isVisible('#passed')).toBe(false);
    await page.click('input[name="status"][value="passed"]');
    expect(await page.isChecked('input[name="hide-passed"]')).toBe(false);
    expect(await count(page)).toBe('showing 12 of 12 checks');
    await page.selectOption('select[name="rule"]', { label: 'JD-COUPON-01' });
    expect(await shown(page)).toEqual(['COUPON-UP-001', 'COUPON-UP-002', 'COUPON-UP-003']);
    await page.fill('input[name="q"]', 'UPLOADS 002');
    expect(await page.evaluate(SHOWN)).toEqual({ shown: ['COUPON-UP-002'], count: 'showing 1 of 12 checks' });
    await page.click('button[type="reset"]');
    await expect.poll(() => count(page)).toBe('showing 12 of 12 checks');

    expect(await filter(page, { status: ['failed'] })).toEqual({
      shown: ['PROMO-ADD-002[3]', 'PROMO-LIST-004', 'REF-SEQ-002'],
      count: 'showing 3 of 12 checks',
    });
    expect(await page.isVisible('#errored')).toBe(false);
    expect((await filter(page, { status: ['failed'], level: ['ref'] })).shown).toEqual(['REF-SEQ-002']);
    expect((await filter(page, { level: ['ref'] })).shown).toEqual(['REF-PAGE-003', 'REF-SEQ-001', 'REF-SEQ-002']);
    expect((await filter(page, { level: ['must'], status: ['passed'] })).shown).toEqual(['PROMO-ADD-001', longId].sort());
    expect(await filter(page, { rule: 'JDP-REF-09' })).toEqual({ shown: ['REF-SEQ-001', 'REF-SEQ-002'], count: 'showing 2 of 12 checks' });
    expect((await filter(page, { rule: 'JOS-01' })).shown).toEqual(['PROMO-ADD-002[3]']);
    expect((await filter(page, { q: 'socket HANG' })).shown).toEqual(['JOS-SIGN-003']);
    expect((await filter(page, { q: 'jdp-ref-1' })).shown).toEqual(['REF-PAGE-003', 'REF-SEQ-002']);
    expect((await filter(page, { q: 'percentage above' })).shown).toEqual(['PROMO-ADD-002[3]']);
    expect((await filter(page, { q: 'seq', status: ['passed'] })).shown).toEqual(['REF-SEQ-001']);
    expect(await page.isVisible('#filter-empty')).toBe(false);
    expect(await filter(page, { q: 'no such check anywhere' })).toEqual({ shown: [], count: 'showing 0 of 12 checks' });
    expect(await page.isVisible('#filter-empty')).toBe(true);
    expect(await filter(page, {})).toEqual({ shown: ALL, count: 'showing 12 of 12 checks' });
  });

  it('keeps the filters in the URL fragment across a reload', async () => {
    const page = await fresh();
    expect((await filter(page, { status: ['failed', 'errored', 'inconclusive', 'skipped'], rule: 'JDP-REF-09', q: 'seq' })).shown).toEqual([
      'REF-SEQ-002',
    ]);
    expect(await page.evaluate('location.hash')).toBe('#filter?status=failed%2Cerrored%2Cinconclusive%2Cskipped&rule=JDP-REF-09&q=seq');
    await page.reload();
    expect(await page.evaluate(SHOWN)).toEqual({ shown: ['REF-SEQ-002'], count: 'showing 1 of 12 checks' });
    expect(await page.isChecked('input[name="hide-passed"]')).toBe(true);
    expect(await page.inputValue('input[name="q"]')).toBe('seq');
    expect((await filter(page, {})).shown).toEqual(ALL);
    expect(await page.evaluate('location.hash')).toBe('');
  });

  it(`reads at ${PHONE} px: rows become cards and nothing overflows, long URL, curl line and body included`, async () => {
    const page = await fresh(PHONE);
    for (const width of [PHONE, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      const layout = (await page.evaluate(`(() => {
        for (const d of document.querySelectorAll('details')) d.open = true;
        const boxes = [...document.querySelectorAll('tr.result td, tr.result pre, tr.result code')];
        return {
          scrollWidth: document.documentElement.scrollWidth,
          right: Math.max(...boxes.map((e) => e.getBoundingClientRect().right)),
          rowDisplay: getComputedStyle(document.querySelector('tr.result')).display,
          headVisible: document.querySelector('table.results thead').offsetParent !== null,
        };
      })()`)) as { scrollWidth: number; right: number; rowDisplay: string; headVisible: boolean };
      expect(layout.scrollWidth).toBeLessThanOrEqual(width);
      // Every cell and box (the long URL, curl line, body and id among them) stays inside the window.
      expect(layout.right).toBeLessThanOrEqual(width);
      expect(layout).toMatchObject(
        width === PHONE ? { rowDisplay: 'flex', headVisible: false } : { rowDisplay: 'table-row', headVisible: true },
      );
    }
  });

  it('shows every row without JavaScript, and no filters', async () => {
    const o = await open(PHONE, { javaScriptEnabled: false });
    expect(await shown(o.page)).toEqual(ALL);
    expect(await o.page.isVisible('#filters')).toBe(false);
    expect(await o.page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE);
    await o.page.close();
  });

  it('loads nothing but its own file and logs no error (no CSP violation)', async () => {
    expect(opened).toHaveLength(2);
    for (const o of opened) {
      expect(o.errors).toEqual([]);
      expect(o.requests.length).toBeGreaterThan(0);
      expect(new Set(o.requests)).toEqual(new Set([url]));
    }
  });
});
