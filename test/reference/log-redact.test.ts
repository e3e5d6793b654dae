import { describe, expect, it } from 'vitest';
import { buildJosParams, toFormBody } from '../../src/protocol/jos/client.js';
import { redactText, redactUrl } from '../../src/reference/log-redact.js';
import { buildServer } from '../../src/reference/server.js';
import { formatJosTimestamp } from '../../src/protocol/jos/timestamp.js';

const SECRET = 'my-very-private-secret';
const TOKEN = 'tok/en+with&odd=chars';
const CREDS = { appKey: 'log-app-key', appSecret: SECRET, accessToken: TOKEN };
const METHOD = 'jingdong.seller.promotion.get';

function logged() {
  const lines: string[] = [];
  const app = buildServer({ logger: true, logStream: { write: (l: string) => lines.push(l) }, credentials: CREDS });
  return { app, lines };
}

function params() {
  return buildJosParams({ method: METHOD, app: { promo_id: 2300001 }, credentials: CREDS, timestampMs: Date.now() });
}

function assertClean(lines: string[], sign: string) {
  const all = lines.join('');
  expect(lines.length).toBeGreaterThan(0);
  for (const s of [SECRET, TOKEN, encodeURIComponent(TOKEN), sign]) expect(all).not.toContain(s);
  expect(all).toContain(METHOD);
}

describe('reference request log redaction', () => {
  it('redacts the query string of a GET request', async () => {
    const { app, lines } = logged();
    const p = params();
    await app.inject({ method: 'GET', url: `/routerjson?${toFormBody(p)}` });
    assertClean(lines, p['sign']!);
    expect(lines.join('')).toContain('access_token=***');
    expect(lines.join('')).toContain('sign=***');
  });

  it('redacts a form request', async () => {
    const { app, lines } = logged();
    const p = params();
    await app.inject({ method: 'POST', url: '/routerjson', payload: toFormBody(p), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assertClean(lines, p['sign']!);
  });

  it('redacts a mixed request (credentials in the query, the rest in the form)', async () => {
    const { app, lines } = logged();
    const p = params();
    const query = toFormBody({ access_token: p['access_token']!, sign: p['sign']!, method: p['method']! });
    const { access_token: _a, sign: _s, ...rest } = p;
    await app.inject({ method: 'POST', url: `/routerjson?${query}`, payload: toFormBody(rest), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assertClean(lines, p['sign']!);
  });

  it('redacts the secret and sign in a not-found URL and a secret sent as a parameter', async () => {
    const { app, lines } = logged();
    await app.inject({ method: 'GET', url: `/nowhere?sign=ABCDEF0123&method=${METHOD}&x=${encodeURIComponent(SECRET)}` });
    await app.inject({ method: 'GET', url: `/routerjson?method=${METHOD}&app_secret=${encodeURIComponent(SECRET)}&timestamp=${encodeURIComponent(formatJosTimestamp(Date.now()))}` });
    assertClean(lines, 'ABCDEF0123');
  });

  it('helpers: redactUrl and redactText', () => {
    expect(redactUrl('/r?a=1&access_token=T&sign=S&method=m', [])).toBe('/r?a=1&access_token=***&sign=***&method=m');
    expect(redactUrl('/r?x=hello-SECRET', ['SECRET'])).toBe('/r?x=***');
    expect(redactText('Route GET:/r?sign=abc&v=2.0 not found', [])).toBe('Route GET:/r?sign=***&v=2.0 not found');
    expect(redactText('bad token "T\\"x"', ['T"x'])).toBe('bad token "***"');
  });
});
