import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolBytes, rawRequest, readSummary, runWrkPool, wrkPath } from '../../bench/wrk-pool.js';

describe('rawRequest', () => {
  it('writes the request line, Host, the headers and a Content-Length in UTF-8 bytes', () => {
    const raw = rawRequest({
      method: 'POST',
      url: 'http://127.0.0.1:8620/routerjson?x=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: 'name=压测券',
    });
    expect(raw.toString('utf8')).toBe(
      'POST /routerjson?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8620\r\ncontent-type: application/x-www-form-urlencoded;charset=UTF-8\r\nContent-Length: 14\r\n\r\nname=压测券',
    );
  });

  it('sends a GET without a body and without Content-Length', () => {
    expect(rawRequest({ method: 'GET', url: 'http://127.0.0.1:1/', headers: {} }).toString('latin1')).toBe(
      'GET / HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n',
    );
  });
});

describe('poolBytes', () => {
  it('prefixes each request with its byte length, so a request may hold newlines and multi-byte text', () => {
    const a = Buffer.from('a\r\nb', 'utf8');
    const b = Buffer.from('券', 'utf8');
    expect(poolBytes([a, b]).toString('utf8')).toBe('4\na\r\nb3\n券');
  });
});

describe('readSummary', () => {
  const line = (over: Partial<Record<string, number>> = {}) => {
    const f = { answers: 2000, duration_us: 2_000_000, unexpected: 0, exhausted: 0, errors: 0, cpu_us: 30_000, ...over };
    return `Running 2s test\npromoproof-wrk answers=${f.answers} duration_us=${f.duration_us} unexpected=${f.unexpected} exhausted=${f.exhausted} errors=${f.errors} cpu_us=${f.cpu_us}\npromoproof-wrk-first HTTP 500: boom\n`;
  };

  it('reads answers per second, the CPU per answer, the unexpected answers and the first of them', () => {
    expect(readSummary(line({ unexpected: 3 }))).toEqual({
      answers: 2000,
      perS: 1000,
      generatorCpuUs: 15,
      unexpected: 3,
      firstUnexpected: 'HTTP 500: boom',
      exhausted: false,
    });
  });

  it('marks an exhausted pool, and refuses a run with transport errors or without its summary', () => {
    expect(readSummary(line({ exhausted: 1 })).exhausted).toBe(true);
    expect(() => readSummary(line({ errors: 2 }))).toThrow(/2 transport errors/);
    expect(() => readSummary('Running 2s test\n')).toThrow(/cannot read/);
  });
});

const wrk = wrkPath();

describe.skipIf(!wrk)('runWrkPool against a local server (Debian wrk)', () => {
  const seen: string[] = [];
  let server: http.Server;
  let origin = '';
  beforeAll(async () => {
    // Answers "good" for /ok/…, "nope" for /bad/…: what the script must tell apart.
    server = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/plain' }).end(req.url?.startsWith('/ok/') ? 'good' : 'nope');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const pool = (paths: readonly string[]) => paths.map((p) => rawRequest({ method: 'GET', url: `${origin}${p}`, headers: {} }));
  const drive = { wrk: wrk ?? '', seconds: 1, connections: 2, expect: 'good' };

  it('reads every answer: a wrong one is counted and the first kept, and a wrapped pool is sent round and round', async () => {
    const r = await runWrkPool({ ...drive, origin, pool: pool(['/ok/1', '/bad/2', '/ok/3']), wrap: true });
    expect(r.answers).toBeGreaterThan(30);
    expect(r.unexpected).toBeGreaterThan(0);
    expect(r.unexpected).toBeLessThan(r.answers);
    expect(r.firstUnexpected).toBe('HTTP 200: nope');
    expect(r.exhausted).toBe(false);
    expect(r.generatorCpuUs).toBeGreaterThan(0);
  });

  it('never sends a request of a once-only pool twice, and says when the pool ran out', async () => {
    seen.length = 0;
    const small = await runWrkPool({ ...drive, origin, pool: pool(Array.from({ length: 20 }, (_, i) => `/ok/${i}`)), wrap: false });
    expect(small.exhausted).toBe(true);
    seen.length = 0;
    const paths = Array.from({ length: 100_000 }, (_, i) => `/ok/${i}`);
    const big = await runWrkPool({ ...drive, origin, pool: pool(paths), wrap: false });
    expect(big.exhausted).toBe(false);
    expect(big.unexpected).toBe(0);
    expect(seen.length).toBeGreaterThanOrEqual(big.answers);
    expect(new Set(seen).size).toBe(seen.length);
  });
});
