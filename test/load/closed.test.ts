/**
 * The closed model on autocannon (src/load/closed.ts) against small local servers: each request built
 * once with its own index and body, each answer paired with its own request, every sent request settled
 * exactly once (answer, timeout, connection error, abort), and the run bounded by its count, duration
 * and signal. Timings are asserted only as generous bounds.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type AnswerOutcome, type AnswerReader, classify } from '../../src/engine/answer.js';
import { runClosed } from '../../src/load/closed.js';
import { josAdapter } from '../../src/protocols/jos/adapter.js';
import type { WireRequest } from '../../src/protocols/types.js';
import { closedPort, startHttpServer } from '../helpers/http-server.js';
import { getRequest } from './wire.js';

/** A reader with no schema: what these tests classify is how the answer came, not what it says. */
const reader: AnswerReader = { decode: josAdapter.decode, operation: 'test.get', wireOperation: 'test.get', maxBodyBytes: 65_536 };

/** A POST whose body is unique per index (a nonce), as a signed claim would be. */
function uniquePost(origin: string, index: number): WireRequest {
  return {
    method: 'POST',
    url: `${origin}/claim?i=${index}`,
    // Frozen like the adapters' shared header objects: autocannon must get a copy to add Content-Length to.
    headers: Object.freeze({ 'content-type': 'application/json', 'x-index': String(index), 'content-length': '999' }),
    body: JSON.stringify({ index, nonce: randomUUID(), note: '领取' }),
    timestampMs: Date.now(),
    operation: 'test.claim',
    params: {},
  };
}

/** Reads a request's body as UTF-8 text. */
function bodyOf(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** A server answering each request with what it received: its path, its x-index header and its body. */
async function echoServer() {
  const received: string[] = [];
  const server = await startHttpServer((req, res) => {
    void bodyOf(req).then((body) => {
      received.push(body);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ path: req.url, index: req.headers['x-index'], length: req.headers['content-length'], body }));
    });
  });
  return { server, received };
}

describe('runClosed', () => {
  it('builds each index once with its own body, pairs each answer with its own request, and stops at the count', async () => {
    const { server, received } = await echoServer();
    try {
      const built = new Map<number, WireRequest>();
      const answers = new Map<number, AnswerOutcome>();
      const result = await runClosed({
        origin: server.origin,
        connections: 8,
        count: 200,
        request: (i) => {
          expect(built.has(i)).toBe(false);
          const wire = uniquePost(server.origin, i);
          built.set(i, wire);
          return wire;
        },
        onAnswer: (i, outcome) => {
          expect(answers.has(i)).toBe(false);
          answers.set(i, outcome);
        },
        timeoutMs: 5000,
        maxBodyBytes: 65_536,
      });
      expect(result).toMatchObject({ sent: 200, answered: 200, failed: 0, timeouts: 0, errors: 0, aborted: 0, stoppedBy: 'count' });
      expect([...built.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i));
      expect(received).toHaveLength(200);
      expect(new Set(received).size).toBe(200);
      for (const [i, outcome] of answers) {
        const wire = built.get(i);
        expect(outcome).toMatchObject({ ok: true, status: 200, contentType: 'application/json', truncated: false });
        const echo = JSON.parse((outcome as Extract<AnswerOutcome, { ok: true }>).body);
        // The answer to request i says what request i sent: path, header, body, and Content-Length in bytes (not the wire's own).
        expect(echo).toEqual({
          path: `/claim?i=${i}`,
          index: String(i),
          length: String(Buffer.byteLength(wire?.body ?? '')),
          body: wire?.body,
        });
      }
      expect(result.serviceUs.count).toBe(200);
      expect(result.serviceUs.minUs).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('builds no request after durationS, lets the in-flight ones answer, and ends soon after', async () => {
    const { server, received } = await echoServer();
    try {
      let settled = 0;
      const result = await runClosed({
        origin: server.origin,
        connections: 4,
        durationS: 0.4,
        request: (i) => uniquePost(server.origin, i),
        onAnswer: () => settled++,
        timeoutMs: 5000,
        maxBodyBytes: 65_536,
      });
      expect(result.stoppedBy).toBe('duration');
      expect(result.sent).toBeGreaterThan(4);
      expect(result).toMatchObject({ answered: result.sent, failed: 0 });
      expect(settled).toBe(result.sent);
      expect(received).toHaveLength(result.sent);
      expect(result.elapsedMs).toBeGreaterThanOrEqual(390);
      expect(result.elapsedMs).toBeLessThan(3000);
    } finally {
      await server.close();
    }
  });

  it('holds ratePerS as a per-second ceiling', async () => {
    const { server } = await echoServer();
    try {
      const result = await runClosed({
        origin: server.origin,
        connections: 4,
        ratePerS: 10,
        durationS: 1.5,
        request: (i) => uniquePost(server.origin, i),
        timeoutMs: 5000,
        maxBodyBytes: 65_536,
      });
      // Two per-second windows began (at 0 and 1 s): at most 10 each, far below what the loopback server takes.
      expect(result.sent).toBeGreaterThanOrEqual(10);
      expect(result.sent).toBeLessThanOrEqual(20);
      expect(result.answered).toBe(result.sent);
    } finally {
      await server.close();
    }
  });

  it('stops at once on abort, settles what was in flight as aborted, and sends nothing after', async () => {
    let hits = 0;
    const server = await startHttpServer((_req, res) => {
      hits++;
      setTimeout(() => res.end('{}'), 30);
    });
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 250);
      const outcomes: AnswerOutcome[] = [];
      const result = await runClosed({
        origin: server.origin,
        connections: 4,
        durationS: 30,
        request: () => getRequest(server.origin),
        onAnswer: (_i, outcome) => outcomes.push(outcome),
        timeoutMs: 5000,
        maxBodyBytes: 1024,
        signal: controller.signal,
      });
      expect(result.stoppedBy).toBe('signal');
      expect(result.elapsedMs).toBeLessThan(5000);
      expect(result.sent).toBe(result.answered + result.failed);
      expect(outcomes).toHaveLength(result.sent);
      expect(result.aborted).toBeGreaterThanOrEqual(1);
      expect(result.aborted).toBeLessThanOrEqual(4);
      expect(outcomes.filter((o) => !o.ok).every((o) => !o.ok && o.kind === 'aborted')).toBe(true);
      const hitsAtEnd = hits;
      await new Promise((r) => setTimeout(r, 150));
      expect(hits).toBe(hitsAtEnd);
      expect(hits).toBeLessThanOrEqual(result.sent);
    } finally {
      await server.close();
    }
  });

  it('an already aborted signal sends nothing', async () => {
    const result = await runClosed({
      origin: 'http://127.0.0.1:9',
      connections: 2,
      count: 10,
      request: () => getRequest('http://127.0.0.1:9'),
      timeoutMs: 1000,
      maxBodyBytes: 1024,
      signal: AbortSignal.abort(),
    });
    expect(result).toMatchObject({ sent: 0, answered: 0, failed: 0, stoppedBy: 'signal' });
  });

  it('a target that never answers gives timeouts, which classify reads as unknown', async () => {
    const server = await startHttpServer(() => {
      // never answers
    });
    try {
      const outcomes = new Map<number, AnswerOutcome>();
      const result = await runClosed({
        origin: server.origin,
        connections: 2,
        count: 4,
        // Under autocannon's own floor of 1 s: set per client.
        request: () => getRequest(server.origin),
        onAnswer: (i, outcome) => outcomes.set(i, outcome),
        timeoutMs: 200,
        maxBodyBytes: 1024,
      });
      expect(result).toMatchObject({ sent: 4, answered: 0, failed: 4, timeouts: 4, errors: 0, stoppedBy: 'count' });
      expect([...outcomes.keys()].sort()).toEqual([0, 1, 2, 3]);
      for (const outcome of outcomes.values()) {
        expect(outcome).toMatchObject({ ok: false, kind: 'timeout' });
        expect(classify(outcome, reader).kind).toBe('unknown');
      }
      // Two rounds of 200 ms timeouts per connection, not two of autocannon's 1 s.
      expect(result.elapsedMs).toBeLessThan(1500);
    } finally {
      await server.close();
    }
  });

  it('a refused port gives transport errors: nothing reached the target', async () => {
    const port = await closedPort();
    const origin = `http://127.0.0.1:${port}`;
    const outcomes: AnswerOutcome[] = [];
    const result = await runClosed({
      origin,
      connections: 1,
      count: 3,
      request: () => getRequest(origin),
      onAnswer: (_i, outcome) => outcomes.push(outcome),
      timeoutMs: 2000,
      maxBodyBytes: 1024,
    });
    expect(result).toMatchObject({ sent: 3, answered: 0, failed: 3, errors: 3, timeouts: 0 });
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ ok: false, kind: 'network', unsent: true });
      expect(classify(outcome, reader)).toMatchObject({ kind: 'transport', reason: expect.stringContaining('ECONNREFUSED') });
    }
  });

  it('a connection closed before the answer is unknown, not transport', async () => {
    const server = await startHttpServer((req) => {
      req.socket.destroy();
    });
    try {
      const outcomes: AnswerOutcome[] = [];
      const result = await runClosed({
        origin: server.origin,
        connections: 1,
        count: 3,
        request: () => getRequest(server.origin),
        onAnswer: (_i, outcome) => outcomes.push(outcome),
        timeoutMs: 2000,
        maxBodyBytes: 1024,
      });
      expect(result).toMatchObject({ sent: 3, answered: 0, failed: 3, errors: 3 });
      for (const outcome of outcomes) expect(classify(outcome, reader).kind).toBe('unknown');
    } finally {
      await server.close();
    }
  });

  it('a 5xx is an answer, which classify makes a server error', async () => {
    const server = await startHttpServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('busy');
    });
    try {
      const outcomes: AnswerOutcome[] = [];
      const result = await runClosed({
        origin: server.origin,
        connections: 2,
        count: 4,
        request: () => getRequest(server.origin),
        onAnswer: (_i, outcome) => outcomes.push(outcome),
        timeoutMs: 2000,
        maxBodyBytes: 1024,
      });
      expect(result).toMatchObject({ sent: 4, answered: 4, failed: 0 });
      for (const outcome of outcomes) {
        expect(outcome).toEqual({ ok: true, status: 503, contentType: 'text/plain', body: 'busy', truncated: false });
        expect(classify(outcome, reader)).toMatchObject({ kind: 'server-error', status: 503 });
      }
    } finally {
      await server.close();
    }
  });

  it('keeps an answer as its bytes: a character split across two reads stays whole, the limit is in bytes', async () => {
    const text = JSON.stringify({ msg: '优惠券已领完' });
    const bytes = Buffer.from(text, 'utf8');
    // Inside the first Chinese character's three bytes.
    const cut = bytes.indexOf(Buffer.from('优', 'utf8')) + 1;
    const server = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytes.length) });
      res.write(bytes.subarray(0, cut));
      setTimeout(() => res.end(bytes.subarray(cut)), 20);
    });
    try {
      const whole: AnswerOutcome[] = [];
      await runClosed({
        origin: server.origin,
        connections: 1,
        count: 2,
        request: () => getRequest(server.origin),
        onAnswer: (_i, outcome) => whole.push(outcome),
        timeoutMs: 2000,
        maxBodyBytes: 1024,
      });
      expect(whole).toHaveLength(2);
      for (const outcome of whole) expect(outcome).toMatchObject({ ok: true, body: text, truncated: false });

      const cutOff: AnswerOutcome[] = [];
      await runClosed({
        origin: server.origin,
        connections: 1,
        count: 1,
        request: () => getRequest(server.origin),
        onAnswer: (_i, outcome) => cutOff.push(outcome),
        timeoutMs: 2000,
        maxBodyBytes: cut + 5,
      });
      // cut + 5 bytes: up to the end of the second character.
      expect(cutOff[0]).toMatchObject({ ok: true, body: bytes.subarray(0, cut + 5).toString('utf8'), truncated: true });
      expect(Buffer.byteLength((cutOff[0] as Extract<AnswerOutcome, { ok: true }>).body)).toBe(cut + 5);
    } finally {
      await server.close();
    }
  });

  it('fails the run, and stops it, when a request cannot be built or goes to another origin', async () => {
    const { server, received } = await echoServer();
    try {
      await expect(
        runClosed({
          origin: server.origin,
          connections: 2,
          count: 50,
          request: (i) => {
            if (i === 10) throw new Error('prepare failed');
            return uniquePost(server.origin, i);
          },
          timeoutMs: 2000,
          maxBodyBytes: 1024,
        }),
      ).rejects.toThrow('prepare failed');
      expect(received.length).toBeLessThanOrEqual(11);

      await expect(
        runClosed({
          origin: server.origin,
          connections: 1,
          count: 5,
          request: () => getRequest('http://127.0.0.1:1'),
          timeoutMs: 2000,
          maxBodyBytes: 1024,
        }),
      ).rejects.toThrow(/not to this run's origin/);
    } finally {
      await server.close();
    }
  });

  it('fails the run when onAnswer throws, and still ends every connection', async () => {
    const { server, received } = await echoServer();
    try {
      await expect(
        runClosed({
          origin: server.origin,
          connections: 3,
          durationS: 10,
          request: (i) => uniquePost(server.origin, i),
          onAnswer: (i) => {
            if (i === 20) throw new Error('sink broke');
          },
          timeoutMs: 2000,
          maxBodyBytes: 1024,
        }),
      ).rejects.toThrow('sink broke');
      const atEnd = received.length;
      await new Promise((r) => setTimeout(r, 100));
      expect(received.length).toBe(atEnd);
    } finally {
      await server.close();
    }
  });

  it('refuses inputs autocannon cannot honour', async () => {
    const base = {
      origin: 'http://127.0.0.1:9',
      connections: 1,
      request: () => getRequest('http://127.0.0.1:9'),
      timeoutMs: 1000,
      maxBodyBytes: 1,
    };
    await expect(runClosed(base)).rejects.toThrow(/durationS or count/);
    await expect(runClosed({ ...base, count: 5, ratePerS: 2.5 })).rejects.toThrow(/ratePerS/);
    await expect(runClosed({ ...base, count: 5, origin: 'http://127.0.0.1:9/path' })).rejects.toThrow(/origin/);
  });

  it('is the one module of src/ that imports autocannon', () => {
    const root = fileURLToPath(new URL('../../src/', import.meta.url));
    const importers = (readdirSync(root, { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts'))
      .filter((f) =>
        /from ['"]autocannon['"]|require\(['"]autocannon['"]\)|import\(['"]autocannon['"]\)/.test(readFileSync(join(root, f), 'utf8')),
      )
      .map((f) => f.split(sep).join('/'));
    expect(importers).toEqual(['load/closed.ts']);
  });
});
