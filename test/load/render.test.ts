import { describe, expect, it } from 'vitest';
import { createRecorder } from '../../src/load/record.js';
import { ms, phaseLine, progressLine, renderLoadConsole } from '../../src/load/render.js';
import { generator, meta, PLAN, recorded, refusal, SERVER_ERROR, SUCCESS, TRANSPORT, traffic } from './recorded.js';

const ESC = '\u001b';

/** A small run with every part of the rendering: sub-ms latencies, codes, errors, a sold-out, samples. */
function smallRun() {
  const r = createRecorder({
    ...PLAN,
    operations: [
      { ...PLAN.operations[0], name: 'claim', stock: 7 },
      { name: 'list', refusals: 'any' },
    ],
  });
  for (let i = 0; i < 10; i++) r.record('warm-up', 'list', SUCCESS, 300, -100 + i);
  for (let i = 0; i < 8; i++)
    r.record('steady', 'claim', SUCCESS, 412 + i, i, () => ({ curl: `curl -X POST http://127.0.0.1:8620/routerjson # claim ${i}` }));
  r.record('steady', 'claim', refusal('coupon.stock.empty'), 250, 20);
  r.record('steady', 'claim', refusal('coupon.weird'), 250, 21);
  r.record('steady', 'claim', SERVER_ERROR, 1800, 22, () => ({
    curl: "curl -X POST 'http://127.0.0.1:8620/routerjson' --data-raw 'sign=…'",
  }));
  r.record('steady', 'list', TRANSPORT, undefined, 23);
  r.record('steady', 'list', { kind: 'unknown', reason: `reset \u001b[2J by peer` }, 2_000_000, 24);
  r.phaseDone('warm-up', { intended: 10, intendedRatePerS: 10, elapsedMs: 1000 });
  r.phaseDone('steady', { intended: 20, intendedRatePerS: 10, elapsedMs: 2000 });
  return r.result(meta());
}

describe('renderLoadConsole', () => {
  it('shows the header, the table per operation and class, codes, reasons, the sold-out and the generator', () => {
    const text = renderLoadConsole(smallRun(), { color: false });
    expect(text).toContain('promoproof load · claim-storm');
    expect(text).toMatch(/model {4}open: latency from each request's intended send instant/);
    expect(text).toContain('target   http://127.0.0.1:8620/routerjson (embedded reference) · 64 connections');
    expect(text).toMatch(/rate {5}intended 10\/s · achieved 6\.5\/s \(65\.0 % of intended\) · sent 13 of 20/);
    expect(text).toMatch(/phase warm-up \(warm-up, not measured\): 10 sent of 10 intended/);
    expect(text).toContain('Totals over the measured phases (steady)');
    expect(text).toMatch(/operation\s+class\s+count\s+share\s+p50\s+p90\s+p99\s+p99\.9\s+max {2}\(ms\)/);
    // 7 of 8 successes within the stock of 7, sub-millisecond latencies with three decimals, never `0 ms`.
    expect(text).toMatch(/claim\s+success\s+7\s+63\.6 %\s+0\.41\d\s/);
    expect(text).toMatch(/non-conformant\s+2\s+18\.2 %/);
    expect(text).not.toMatch(/\b0 ms\b/);
    expect(text).toMatch(/refusal codes: coupon\.stock\.empty ×1 \(expected\), coupon\.weird ×1 \(UNEXPECTED\)/);
    expect(text).toMatch(/non-conformant: beyond stock ×1, HTTP 503 ×1/);
    // A transport error has no latency: a dash, not a zero.
    expect(text).toMatch(/list\s+transport\s+1\s+50\.0 %\s+—/);
    expect(text).toMatch(/unknown\s+1\s+50\.0 %\s+200\d\.\d\d/);
    expect(text).toMatch(/Sold out: claim at 20 ms after the first measured instant/);
    expect(text).toMatch(/latency before: p50 0\.41\d · p99 0\.41\d · max 0\.41\d ms \(8\)/);
    expect(text).toMatch(/Generator: CPU mean 42 % \(max 88 %\) of one core · event-loop delay p99 1\.25 ms/);
    expect(text).toContain('valid: the generator kept up');
    expect(text).not.toContain('INVALID');
  });

  it('shows the samples of non-success answers, their curl lines, and makes what a target said safe', () => {
    const text = renderLoadConsole(smallRun(), { color: false });
    expect(text).toContain('Samples of answers that were not a success');
    expect(text).toMatch(/claim non-conformant: a success beyond the stock of 7/);
    expect(text).toMatch(/claim non-conformant: HTTP 503 with/);
    expect(text).toContain("    curl -X POST 'http://127.0.0.1:8620/routerjson' --data-raw 'sign=…'");
    expect(text).toMatch(/list unknown: transport failure \(reset \\x1b\[2J by peer\)/);
    // Success samples are not shown (claims 0 to 2), the success beyond the stock is (claim 7).
    expect(text).toContain('    curl -X POST http://127.0.0.1:8620/routerjson # claim 7');
    expect(text).not.toContain('# claim 0');
    expect(text).not.toContain(ESC);
  });

  it('writes colour codes only when asked', () => {
    const run = smallRun();
    expect(renderLoadConsole(run, { color: false })).not.toContain(ESC);
    expect(renderLoadConsole(run, { color: true })).toContain(ESC);
  });

  it('labels closed-model figures as closed-loop, from the actual send, hiding stalls', () => {
    const r = createRecorder({ ...PLAN, model: 'closed' });
    r.record('steady', 'claim', SUCCESS, 100, 0);
    const text = renderLoadConsole(r.result(meta()), { color: false });
    expect(text).toMatch(/model {4}closed: closed-loop figures, latency from the actual send/);
    expect(text).toMatch(/hides the target's stalls/);
  });

  it('says INVALID, loudly and with the reasons, when the generator limited the run', () => {
    const r = createRecorder(PLAN);
    r.record('steady', 'claim', SUCCESS, 100, 0);
    const reasons = ['late sends 12.0 % of sends (over 1 %)', 'event-loop delay p99 48 ms (over 10 ms)'];
    const text = renderLoadConsole(r.result(meta({ generator: generator(false, reasons) })), { color: false });
    expect(text).toMatch(/^INVALID RUN: the generator, not the target, limited this run/m);
    for (const reason of reasons) expect(text).toContain(`  - ${reason}`);
    expect(text).not.toContain('valid: the generator kept up');
  });

  it('renders one table per measured phase besides the totals when there are several', () => {
    const text = renderLoadConsole(recorded(traffic(2000)).result(meta()), { color: false });
    expect(text).toContain('Totals over the measured phases (steady, spike)');
    expect(text).toMatch(/^Phase steady \(steady: 1,400 sent of 1,400 intended in 1\.00 s/m);
    expect(text).toMatch(/^Phase spike \(spike: 400 sent/m);
  });
});

describe('progressLine and phaseLine', () => {
  it('a progress line: elapsed / total, rate, p99, errors by class, on one line', () => {
    let now = 0;
    const r = createRecorder({ ...PLAN, clock: () => now });
    for (let i = 0; i < 500; i++) r.record('steady', 'claim', SUCCESS, 350, i);
    r.record('steady', 'claim', SERVER_ERROR, 350, 501);
    r.record('steady', 'claim', TRANSPORT, undefined, 502);
    now = 12_000;
    const line = progressLine(r.snapshot(), { color: false, totalMs: 30_000, phase: 'steady' });
    expect(line).toBe('12.0 s / 30.0 s steady · 41.8/s · p99 0.350 ms · 502 answers · errors: non-conformant 1, transport 1');
    expect(line).not.toContain('\n');
    const quiet = progressLine(r.snapshot(), { color: false });
    expect(quiet).toBe('12.0 s · 0/s · p99 — · 502 answers · errors: non-conformant 1, transport 1');
    expect(progressLine(r.snapshot(), { color: true })).toContain(ESC);
  });

  it('a phase line: what was sent of what was intended, the classes, p99 and errors', () => {
    const run = smallRun();
    const steady = run.phases.find((p) => p.name === 'steady');
    if (!steady) throw new Error('no steady phase');
    const line = phaseLine(steady);
    expect(line).toMatch(
      /^phase steady \(steady\): 13 sent of 20 intended in 2\.00 s, 6\.5\/s achieved of 10\/s · success 7, refusal 2, non-conformant 2, transport 1, unknown 1 · p99 200\d\.\d\d ms · errors: non-conformant 2, transport 1, unknown 1, unexpected refusals 1$/,
    );
    expect(line).not.toContain('\n');
  });
});

describe('ms', () => {
  it('prints 2 or 3 decimals and never a bare zero', () => {
    expect(ms(0.412)).toBe('0.412');
    expect(ms(12.3456)).toBe('12.35');
    expect(ms(0)).toBe('<0.001');
    expect(ms(0.0004)).toBe('<0.001');
  });
});
