import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executeCheck } from '../../src/engine/execute-check.js';
import { judgeParallel, type ParallelAnswer, type ParallelOutcome, summarize } from '../../src/engine/parallel.js';
import type { Target } from '../../src/engine/target.js';
import { targetFromUrl } from '../../src/engine/targets/config.js';
import { DEFAULT_CREDENTIALS } from '../../src/protocols/jos/credentials.js';
import type { CheckResult } from '../../src/report/types.js';
import { SUITES } from '../../src/scenario/suites.js';
import type { Json, ParallelStep, PlannedCheck, PlannedStep } from '../../src/scenario/types.js';
import { startHttpServer, type TestHttpServer } from '../helpers/http-server.js';

/**
 * Parallel steps against a fake coupon platform speaking the JOS envelope: a batch of `stock` coupons
 * claimed by a storm of copies from four users, each user limited to `perUser` coupons. Faults of the
 * platform (overselling, a duplicate code, an undocumented refusal, a crash, a reset connection) must
 * each make the step fail (or error) with a message naming the counts.
 */

const CLAIM = 'promoproof.coupon.claim';
const REDEEM = 'promoproof.coupon.redeem';
const STATS = 'promoproof.coupon.stats';
const USERS = ['u1', 'u2', 'u3', 'u4'];

interface Platform {
  stock: number;
  perUser: number;
  /** Answers at most this many requests at once… */
  readonly holdUntil: number;
  /** …or after this long. */
  readonly holdMs: number;
  /** A fault, by the number of the claim request (0-based, in order of arrival at the platform). */
  fault?: (
    n: number,
    app: Record<string, Json>,
  ) => 'reset' | 'stall' | 'crash' | 'weird' | 'duplicate' | 'over-limit' | 'wrong-batch' | undefined;
}

let server: TestHttpServer;
let platform: Platform;
/** Requests open at the platform now, and at most (per server: a closed server's late events do not count). */
let live = { open: 0, max: 0 };
let claims = 0;
let issued: { code: string; app: Record<string, Json> }[] = [];
let perUserWon = new Map<string, number>();
let redeemed = new Set<string>();
/** Every call and control request the platform saw, in order. */
let seen: { method: string; app: Record<string, Json> }[] = [];
let controls: { path: string; body: string }[] = [];
let controlAnswer: { status: number; body: string } = { status: 200, body: '{}' };
const waiting: (() => void)[] = [];

function hold(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, platform.holdMs);
    waiting.push(() => {
      clearTimeout(timer);
      resolve();
    });
    if (live.open >= platform.holdUntil) for (const release of waiting.splice(0)) release();
  });
}

const envelope = (method: string, body: Record<string, unknown>) => ({
  [`${method.replace(/\./g, '_')}_response`]: { code: '0', ...body },
});
const refusal = (code: string) => ({ error_response: { code, zh_desc: code, en_desc: code } });

async function answer(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
  const send = (status: number, json: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
    res.end(JSON.stringify(json));
  };
  if (req.url?.startsWith('/control/')) {
    controls.push({ path: req.url.slice('/control/'.length), body });
    res.writeHead(controlAnswer.status, { 'content-type': 'application/json' });
    res.end(controlAnswer.body);
    return;
  }
  const form = new URLSearchParams(body);
  const method = form.get('method') ?? '';
  const app = JSON.parse(form.get('360buy_param_json') ?? '{}') as Record<string, Json>;
  seen.push({ method, app });
  if (method === STATS) return send(200, envelope(method, { issued: issued.length }));
  if (method === REDEEM) {
    await hold();
    const code = String(app['code']);
    if (redeemed.has(code)) return send(200, refusal('coupon.used'));
    // A racing bug: the platform checks, then (later) marks the coupon used.
    if (platform.fault?.(0, app) === 'duplicate') await new Promise((r) => setTimeout(r, 5));
    redeemed.add(code);
    return send(200, envelope(method, { coupon_code: code }));
  }
  const n = claims++;
  await hold();
  // Decided when the platform answers, as a real one would.
  const fault = platform.fault?.(n, app);
  if (fault === 'reset') {
    req.socket.destroy();
    return;
  }
  if (fault === 'stall') return; // never answers: the per-request timeout ends it
  if (fault === 'crash') return send(503, refusal('coupon.stock.empty'));
  if (fault === 'weird') return send(200, refusal('coupon.weird'));
  const uid = String(app['uid']);
  const won = perUserWon.get(uid) ?? 0;
  if (platform.stock <= 0) return send(200, refusal('coupon.stock.empty'));
  if (won >= platform.perUser && fault !== 'over-limit') return send(200, refusal('coupon.user.limit'));
  platform.stock--;
  perUserWon.set(uid, won + 1);
  const code = fault === 'duplicate' && issued.length > 0 ? (issued[0]?.code ?? 'C') : `C${issued.length}-${uid}`;
  issued.push({ code, app });
  return send(200, envelope(method, { coupon: { coupon_code: code, batch_id: fault === 'wrong-batch' ? 'other' : app['batch_id'] } }));
}

beforeEach(async () => {
  platform = { stock: 40, perUser: 12, holdUntil: 55, holdMs: 150 };
  const counts = { open: 0, max: 0 };
  live = counts;
  claims = 0;
  issued = [];
  perUserWon = new Map();
  redeemed = new Set();
  seen = [];
  controls = [];
  controlAnswer = { status: 200, body: '{}' };
  server = await startHttpServer((req, res) => {
    counts.open++;
    counts.max = Math.max(counts.max, counts.open);
    res.on('close', () => counts.open--);
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => void answer(req, res, body));
  });
});

afterEach(async () => {
  for (const release of waiting.splice(0)) release();
  await server.close();
});

function target(): Target {
  return {
    ...targetFromUrl(`${server.origin}/routerjson`, DEFAULT_CREDENTIALS),
    capabilities: ['test-control'],
    testControlUrl: `${server.origin}/control`,
  };
}

function check(steps: PlannedStep[], vars: Record<string, Json> = { users: USERS, batch: 'B1' }): PlannedCheck {
  return {
    id: 'parallel',
    title: 'parallel',
    suite: 'jd-promotion',
    api: 'jd-promotion',
    protocol: 'jos',
    rules: ['JOS-09'],
    level: 'must',
    tags: [],
    requires: [],
    vars,
    source: { file: 'test/engine/parallel.test.ts', line: 1 },
    steps,
  };
}

const parallel = (step: ParallelStep, label = 'storm', asserts = true): PlannedStep => ({
  kind: 'parallel',
  label,
  scope: 'root',
  asserts,
  step,
});

const STORM: ParallelStep = {
  parallel: {
    times: 120,
    connections: 60,
    call: CLAIM,
    params: { batch_id: '${batch}', uid: { $cycle: '${users}' }, request_id: 'storm-${index}' },
  },
  expect: {
    successes: 40,
    refusals: ['coupon.stock.empty', 'coupon.user.limit'],
    unique: ['coupon.coupon_code'],
    perGroup: { by: 'uid', successes: { lte: 12 } },
    each: { fields: { 'coupon.batch_id': '${batch}' } },
  },
  capture: { won: 'successes', codes: 'successes[*].coupon.coupon_code', most: 'inFlight' },
};

async function run(
  steps: PlannedStep[],
  opts: { timeoutMs?: number; signal?: AbortSignal; vars?: Record<string, Json> } = {},
): Promise<CheckResult> {
  const api = SUITES.get('jd-promotion')?.compiled();
  if (!api) throw new Error('no jd-promotion suite');
  return executeCheck(check(steps, opts.vars), target(), api, {
    timeoutMs: opts.timeoutMs ?? 5_000,
    maxBodyBytes: 1 << 20,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

/** The request_id of the copy a failure shows. */
const requestIdOf = (r: CheckResult) => {
  const json = r.failure?.request?.params['360buy_param_json'];
  return json === undefined ? undefined : (JSON.parse(json) as Record<string, Json>)['request_id'];
};

describe('a parallel step against a coupon platform', () => {
  it('passes a correct platform: 40 successes of 120, the rest documented refusals, at most 60 and at least 50 in flight; captures feed later steps', async () => {
    const stats = {
      kind: 'call',
      label: 'stats',
      scope: 'root',
      asserts: true,
      step: { call: STATS, params: { won: '${won}', codes: '${codes}', most: '${most}' }, expect: { fields: { issued: '${won}' } } },
    } as const;
    const r = await run([parallel(STORM), stats]);
    expect(r.status, r.message).toBe('passed');
    expect(claims).toBe(120);
    expect(live.max).toBeLessThanOrEqual(60);
    expect(live.max).toBeGreaterThanOrEqual(50);
    const later = seen.find((s) => s.method === STATS)?.app;
    expect(later?.['won']).toBe(40);
    expect([...((later?.['codes'] as string[] | undefined) ?? [])].sort()).toEqual(issued.map((i) => i.code).sort());
    const most = Number(later?.['most']);
    expect(most).toBeLessThanOrEqual(60);
    expect(most).toBeGreaterThanOrEqual(live.max);
    // Every copy had its own index and its user by $cycle.
    const claimed = seen.filter((s) => s.method === CLAIM).map((s) => s.app);
    expect(new Set(claimed.map((a) => a['request_id'])).size).toBe(120);
    expect(claimed.find((a) => a['request_id'] === 'storm-5')?.['uid']).toBe('u2');
  });

  it('codes are captured in the order of the copies', async () => {
    const r = await run([
      parallel({ ...STORM, capture: { codes: 'successes[*].coupon.coupon_code' } }),
      { kind: 'call', label: 'stats', scope: 'root', asserts: true, step: { call: STATS, params: { codes: '${codes}' } } },
    ]);
    expect(r.status, r.message).toBe('passed');
    const codes = seen.find((s) => s.method === STATS)?.app['codes'] as string[];
    const byCopy = [...issued].sort((a, b) => Number(String(a.app['request_id']).slice(6)) - Number(String(b.app['request_id']).slice(6)));
    expect(codes).toEqual(byCopy.map((i) => i.code));
  });

  it('an oversold batch fails, naming the counts, with the request of the first extra success', async () => {
    platform.stock = 41;
    const r = await run([parallel(STORM)]);
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(
      /^storm: expected 40 successes, got 41 \(120 answers: 41 successes, 79 refusals \[(coupon\.stock\.empty \d+, coupon\.user\.limit \d+|coupon\.stock\.empty 79)\]; at most \d+ in flight\)$/,
    );
    expect(r.failure).toMatchObject({ step: 'storm', stepIndex: 0, asserting: true, expected: '40 successes' });
    expect(r.failure?.actual).toMatch(/^41 \(120 answers/);
    // The request shown is one the platform granted, with its answer and a curl line.
    expect(issued.map((i) => i.app['request_id'])).toContain(requestIdOf(r));
    expect(r.failure?.response?.body).toContain('coupon_code');
    expect(r.failure?.curl).toMatch(/^curl /);
  });

  it('too few successes show the first refusal', async () => {
    platform.stock = 39;
    const r = await run([parallel(STORM)]);
    expect(r.status).toBe('failed');
    expect(r.message).toContain('expected 40 successes, got 39 (120 answers: 39 successes, 81 refusals');
    expect(issued.map((i) => i.app['request_id'])).not.toContain(requestIdOf(r));
    expect(r.failure?.response?.body).toContain('error_response');
  });

  it('an undocumented refusal code fails; refusals: any accepts it; no refusals accepts none', async () => {
    platform.fault = (n) => (n === 100 || n === 110 ? 'weird' : undefined);
    const r = await run([parallel(STORM)]);
    expect(r.status).toBe('failed');
    expect(r.failure?.expected).toBe('every answer a success or a refusal coupon.stock.empty or coupon.user.limit');
    expect(r.failure?.actual).toMatch(
      /^error coupon\.weird \(coupon\.weird\) for copy \d+ \(2 refusals not accepted \[coupon\.weird 2\]\) \(120 answers: 40 successes, 80 refusals \[.*coupon\.weird 2.*\]; at most \d+ in flight\)$/,
    );
    expect(JSON.parse(r.failure?.response?.body ?? '{}')).toEqual(refusal('coupon.weird'));
    claims = 0;
    platform.stock = 40;
    perUserWon = new Map();
    issued = [];
    const any = await run([parallel({ ...STORM, expect: { ...STORM.expect, refusals: 'any' } })]);
    expect(any.status, any.message).toBe('passed');
    const none = await run([parallel({ ...STORM, expect: { successes: 0 } })]);
    expect(none.status).toBe('failed');
    expect(none.failure?.expected).toBe('every answer a success');
  });

  it('a 5xx answer is never a refusal, even with a documented code in its body', async () => {
    platform.fault = (n) => (n === 7 ? 'crash' : undefined);
    const r = await run([parallel({ ...STORM, expect: { ...STORM.expect, refusals: 'any' } })]);
    expect(r.status).toBe('failed');
    expect(r.failure?.actual).toMatch(
      /^HTTP 503 with error coupon\.stock\.empty \(coupon\.stock\.empty\): a server error is never a conformant answer for copy \d+ \(120 answers: 40 successes, 79 refusals \[.*\], 1 server error \[HTTP 503 1\]; at most/,
    );
    expect(r.failure?.response?.status).toBe(503);
  });

  it('a duplicate coupon code fails unique, naming both copies', async () => {
    platform.fault = (n) => (n === 20 ? 'duplicate' : undefined);
    const r = await run([parallel(STORM)]);
    expect(r.status).toBe('failed');
    expect(r.failure?.expected).toBe('coupon.coupon_code present and distinct in every success');
    const first = issued[0]?.code;
    expect(r.failure?.actual).toMatch(
      new RegExp(`^coupon\\.coupon_code = "${first}" in the successes of copies \\d+ and \\d+ \\(120 answers: 40 successes`),
    );
    expect(r.failure?.response?.body).toContain(`"${first}"`);
  });

  it("a user above its limit fails perGroup, naming the group; the shown request is that user's", async () => {
    platform.perUser = 10;
    platform.stock = 60;
    // The platform forgets u2's limit once.
    platform.fault = (_n, app) => (app['uid'] === 'u2' && (perUserWon.get('u2') ?? 0) === 10 ? 'over-limit' : undefined);
    const r = await run([
      parallel({ ...STORM, expect: { ...STORM.expect, successes: { gte: 1 }, perGroup: { by: 'uid', successes: { lte: 10 } } } }),
    ]);
    expect(r.status).toBe('failed');
    expect(r.failure?.expected).toBe('successes per uid lte 10');
    expect(r.failure?.actual).toMatch(/^11 for uid "u2" \(120 answers: /);
    const shown = JSON.parse(r.failure?.request?.params['360buy_param_json'] ?? '{}') as Record<string, Json>;
    expect(shown['uid']).toBe('u2');
  });

  it('each: a success with another batch fails, naming the copy', async () => {
    platform.fault = (n) => (n === 3 ? 'wrong-batch' : undefined);
    const r = await run([parallel(STORM)]);
    expect(r.status).toBe('failed');
    expect(r.failure?.expected).toBe('coupon.batch_id eq "B1" in every success');
    expect(r.failure?.actual).toMatch(/^coupon\.batch_id = "other" for copy \d+ \(120 answers/);
  });

  it('a reset connection errors the step with the reason, unless the assertions fail anyway', async () => {
    platform.fault = (n) => (n === 11 ? 'reset' : undefined);
    const r = await run([parallel(STORM)]);
    expect(r.status).toBe('errored');
    expect(r.failure?.expected).toBe('an answer to every copy');
    expect(r.failure?.actual).toMatch(
      /^transport failure \(.+\) for copy \d+ \(120 answers: 40 successes, 79 refusals \[.*\], 1 transport failure; at most/,
    );
    expect(r.failure?.request?.operation).toBe(CLAIM);
    // 42 successes: too many whatever the lost answer was.
    claims = 0;
    platform.stock = 42;
    perUserWon = new Map();
    issued = [];
    const over = await run([parallel(STORM)]);
    expect(over.status).toBe('failed');
    expect(over.message).toContain('expected 40 successes, got 42');
    // 39 successes and one lost answer: it could have been the 40th, so undecided.
    claims = 0;
    platform.stock = 39;
    perUserWon = new Map();
    issued = [];
    const under = await run([parallel(STORM)]);
    expect(under.status).toBe('errored');
  });

  it('a stalled answer times out per request: the step errors within the timeout', async () => {
    platform.fault = (n) => (n === 0 ? 'stall' : undefined);
    const t0 = performance.now();
    const r = await run(
      [parallel({ ...STORM, parallel: { ...STORM.parallel, times: 20, connections: 20 }, expect: { refusals: 'any', successes: 20 } })],
      {
        timeoutMs: 400,
      },
    );
    expect(r.status).toBe('errored');
    expect(r.failure?.actual).toContain('timeout');
    expect(performance.now() - t0).toBeLessThan(3_000);
  });

  it('obeys the run signal: a stopped run sends no more copies and errors the check', async () => {
    const ac = new AbortController();
    platform.fault = (n) => {
      if (n === 30) ac.abort();
      return undefined;
    };
    const r = await run([parallel(STORM)], { signal: ac.signal });
    expect(r.status).toBe('errored');
    expect(r.message).toBe('run stopped');
    expect(claims).toBeLessThan(120);
  });

  it('connections bound the requests in flight (one at a time with connections: 1)', async () => {
    const r = await run([parallel({ ...STORM, parallel: { ...STORM.parallel, times: 12, connections: 1 }, expect: { successes: 12 } })]);
    expect(r.status, r.message).toBe('passed');
    expect(live.max).toBe(1);
  });

  it('the list form races different calls: exactly one redeem of a coupon succeeds', async () => {
    const race: ParallelStep = {
      parallel: {
        steps: [
          { call: REDEEM, params: { code: 'C1' } },
          { call: REDEEM, params: { code: 'C1' } },
        ],
      },
      expect: { successes: 1, refusals: ['coupon.used'] },
    };
    const ok = await run([parallel(race, 'race')]);
    expect(ok.status, ok.message).toBe('passed');
    // A platform whose check-then-set races lets both through.
    platform.fault = () => 'duplicate';
    redeemed = new Set();
    const twice = await run([parallel(race, 'race')]);
    expect(twice.status).toBe('failed');
    expect(twice.message).toBe('race: expected 1 success, got 2 (2 answers: 2 successes, 0 refusals; at most 2 in flight)');
  });

  it('a parallel step that does not assert still fails the check, marked as a setup step', async () => {
    platform.stock = 41;
    const r = await run([parallel(STORM, 'storm', false)]);
    expect(r.failure).toMatchObject({ stepIndex: 0, asserting: false });
  });
});

describe('generic control steps', () => {
  const call = {
    kind: 'call',
    label: 'stats',
    scope: 'root',
    asserts: true,
    step: { call: STATS, params: { stock: '${stock}' } },
  } as const;
  const control = (c: Extract<PlannedStep, { kind: 'control' }>['step']): PlannedStep => ({
    kind: 'control',
    label: 'clock',
    scope: 'root',
    asserts: false,
    step: c,
  });

  it('POSTs the templated body to the test-control URL and captures fields of its JSON answer', async () => {
    controlAnswer = { status: 201, body: JSON.stringify({ batch: { stock: 40 }, now: '2026-01-01 00:00:00' }) };
    const r = await run([
      control({
        control: { post: 'coupon-platform/batches/${batch}/clock', body: { advanceS: 86400, batch: '${batch}', users: '${users}' } },
        capture: { stock: 'batch.stock' },
      }),
      call,
    ]);
    expect(r.status, r.message).toBe('passed');
    expect(controls).toEqual([
      { path: 'coupon-platform/batches/B1/clock', body: JSON.stringify({ advanceS: 86400, batch: 'B1', users: USERS }) },
    ]);
    expect(seen.find((s) => s.method === STATS)?.app['stock']).toBe(40);
  });

  it('a non-2xx answer errors the check with the first 300 bytes of its body', async () => {
    controlAnswer = { status: 409, body: `{"error":"${'é'.repeat(400)}"}` };
    const r = await run([control({ control: { post: 'coupon-platform/clock' } }), call]);
    expect(r.status).toBe('errored');
    const shown = r.message.slice('clock: test control answered 409: '.length);
    expect(r.message.startsWith('clock: test control answered 409: {"error":"éé')).toBe(true);
    expect(Buffer.byteLength(shown, 'utf8')).toBeLessThanOrEqual(300);
    expect(Buffer.byteLength(shown, 'utf8')).toBeGreaterThan(295);
    expect(shown).not.toContain('\ufffd');
    expect(r.failure).toMatchObject({ step: 'clock', stepIndex: 0 });
    expect(seen).toEqual([]);
  });

  it('an empty body is {}; a capture missing from the answer errors the check', async () => {
    controlAnswer = { status: 204, body: '' };
    const ok = await run([control({ control: { post: 'coupon-platform/reset' } })]);
    expect(ok.status, ok.message).toBe('passed');
    expect(controls[0]).toEqual({ path: 'coupon-platform/reset', body: '{}' });
    controlAnswer = { status: 200, body: '{"now":"x"}' };
    const missing = await run([control({ control: { post: 'x' }, capture: { stock: 'batch.stock' } })]);
    expect(missing.status).toBe('errored');
    expect(missing.message).toContain('no value at batch.stock to capture as stock');
  });

  it('the JD-promotion actions work as before', async () => {
    const ok = await run(
      [
        control({ control: { action: 'promotion-clock', promo: '${p}', advanceS: '${s}' } }),
        control({ control: { action: 'review', promo: 5, route: 'manual' } }),
      ],
      { vars: { p: 5, s: 60 } },
    );
    expect(ok.status, ok.message).toBe('passed');
    expect(controls).toEqual([
      { path: 'promotions/5/clock', body: '{"advanceS":60}' },
      { path: 'promotions/5/review', body: '{"route":"manual"}' },
    ]);
    controlAnswer = { status: 201, body: '{}' };
    const created = await run([control({ control: { action: 'status', promo: 5, status: 7 } })]);
    expect(created.status).toBe('errored'); // the actions want 200, as before
  });
});

describe('judging a set of answers (no target)', () => {
  const outcome = (index: number, answer: ParallelAnswer, app: Record<string, Json> = {}): ParallelOutcome => ({
    copy: { index, call: CLAIM, app, transport: {} },
    answer,
    arrived: index,
  });
  const ok = (code: string): ParallelAnswer => ({ kind: 'success', body: { coupon: { coupon_code: code } } });
  const no = (code: string): ParallelAnswer => ({ kind: 'refusal', code, message: code, body: { code } });

  it('summarizes the counts, most frequent code first', () => {
    const all = [
      outcome(0, ok('a')),
      outcome(1, no('y')),
      outcome(2, no('x')),
      outcome(3, no('x')),
      outcome(4, { kind: 'malformed', problem: 'envelope', reason: 'r' }),
    ];
    expect(summarize(all, 3)).toBe('5 answers: 1 success, 3 refusals [x 2, y 1], 1 malformed answer; at most 3 in flight');
  });

  it('a count matcher: the culprit is the first success past the last count that passed', () => {
    const all = [0, 1, 2, 3].map((i) => outcome(i, ok(`c${i}`)));
    const v = judgeParallel(all, { successes: { gte: 1, lte: 2 } }, 4);
    expect(v).toMatchObject({
      status: 'failed',
      expected: 'successes gte 1, lte 2',
      actual: '4 (4 answers: 4 successes, 0 refusals; at most 4 in flight)',
    });
    expect(v.status !== 'passed' ? v.culprit?.copy.index : undefined).toBe(2);
  });

  it('values equal under loose equality are duplicates; an absent value fails unique', () => {
    const dup = judgeParallel(
      [outcome(0, { kind: 'success', body: { c: 5 } }), outcome(1, { kind: 'success', body: { c: '5' } })],
      { unique: ['c'] },
      2,
    );
    expect(dup).toMatchObject({ status: 'failed', actual: expect.stringMatching(/^c = "5" in the successes of copies 0 and 1/) });
    const absent = judgeParallel([outcome(0, { kind: 'success', body: { c: null } })], { unique: ['c'] }, 1);
    expect(absent).toMatchObject({ status: 'failed', actual: expect.stringMatching(/^c absent in the success of copy 0/) });
  });

  it('lists the other failing assertions too', () => {
    const all = [outcome(0, ok('a')), outcome(1, ok('a')), outcome(2, no('z'))];
    const v = judgeParallel(all, { successes: 1, unique: ['coupon.coupon_code'] }, 3);
    expect(v.status !== 'passed' ? v.actual : '').toBe(
      '2 (3 answers: 2 successes, 1 refusal [z 1]; at most 3 in flight; also failing: refusals, unique coupon.coupon_code)',
    );
  });

  it('a group with no success counts as 0', () => {
    const all = [outcome(0, ok('a'), { uid: 'u1' }), outcome(1, no('x'), { uid: 'u2' })];
    const v = judgeParallel(all, { refusals: 'any', perGroup: { by: 'uid', successes: { gte: 1 } } }, 2);
    expect(v).toMatchObject({ status: 'failed', actual: expect.stringMatching(/^0 for uid "u2"/) });
  });
});
