import { describe, expect, it } from 'vitest';
import type { AnswerOutcome } from '../../src/engine/answer.js';
import { runOpen } from '../../src/load/open.js';
import { startHttpServer } from '../helpers/http-server.js';
import { getRequest } from './wire.js';

describe('runOpen', () => {
  it('sends `count` requests and hands each answer to the callback, shaped for classify', async () => {
    const server = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"data":"0123456789"}');
    });
    try {
      const answers = new Map<number, AnswerOutcome>();
      const result = await runOpen({
        ratePerS: 200,
        count: 10,
        // As many as instants: a cold first connection must not make this test about the cap.
        connections: 10,
        request: () => getRequest(server.origin),
        onAnswer: (i, outcome) => answers.set(i, outcome),
        timeoutMs: 2000,
        maxBodyBytes: 8,
      });
      expect(result).toMatchObject({ instants: 10, sent: 10, notSent: 0, answered: 10, failed: 0, stoppedBy: 'count' });
      expect([...answers.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      // The body is kept up to maxBodyBytes and marked cut off.
      expect(answers.get(0)).toEqual({ ok: true, status: 200, contentType: 'application/json', body: '{"data":', truncated: true });
      expect(result.latencyUs.count).toBe(10);
      expect(result.serviceUs.count).toBe(10);
      expect(result.lagUs.count).toBe(10);
      // 10 instants 5 ms apart: the last is sent about 45 ms after the first.
      expect(result.elapsedMs).toBeGreaterThanOrEqual(44);
    } finally {
      await server.close();
    }
  });

  it('ends at durationS: rate × duration instants', async () => {
    const server = await startHttpServer((_req, res) => res.end('{}'));
    try {
      const result = await runOpen({
        ratePerS: 100,
        durationS: 0.3,
        connections: 8,
        request: () => getRequest(server.origin),
        timeoutMs: 2000,
        maxBodyBytes: 1024,
      });
      expect(result).toMatchObject({ instants: 30, sent: 30, answered: 30, stoppedBy: 'duration' });
    } finally {
      await server.close();
    }
  });

  it('counts late sends when its own event loop is blocked, and sends the missed instants at once', async () => {
    const server = await startHttpServer((_req, res) => res.end('{}'));
    try {
      // Block this process's event loop for 100 ms, 300 ms into the run: ~20 instants at 200/s come meanwhile.
      const blocker = setTimeout(() => {
        const until = performance.now() + 100;
        while (performance.now() < until) {
          // busy: the scheduler cannot run
        }
      }, 300);
      const result = await runOpen({
        ratePerS: 200,
        durationS: 1,
        connections: 64,
        request: () => getRequest(server.origin),
        timeoutMs: 5000,
        maxBodyBytes: 1024,
      });
      clearTimeout(blocker);
      expect(result.instants).toBe(200);
      expect(result.sent).toBe(200);
      expect(result.late).toBeGreaterThanOrEqual(10);
      expect(result.late).toBeLessThan(150);
      expect(result.lagUs.maxUs).toBeGreaterThanOrEqual(80_000);
    } finally {
      await server.close();
    }
  });

  it('counts instants that find the connection cap reached as not sent, never queued', async () => {
    // Answers after 400 ms: the 2 connections stay busy through the 10 instants (10 ms apart).
    const server = await startHttpServer((_req, res) => {
      setTimeout(() => res.end('{}'), 400);
    });
    try {
      const notSent: number[] = [];
      const built: number[] = [];
      const result = await runOpen({
        ratePerS: 100,
        count: 10,
        connections: 2,
        request: (i) => {
          built.push(i);
          return getRequest(server.origin);
        },
        onNotSent: (i) => notSent.push(i),
        timeoutMs: 5000,
        maxBodyBytes: 1024,
      });
      expect(result).toMatchObject({ instants: 10, sent: 2, notSent: 8, answered: 2 });
      expect(notSent).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
      expect(built).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      // The answers took the server's 400 ms: nothing waited behind the cap to be sent later.
      expect(result.serviceUs.count).toBe(2);
      expect(result.serviceUs.minUs).toBeGreaterThanOrEqual(350_000);
    } finally {
      await server.close();
    }
  });

  it('stops cleanly on its AbortSignal: no more sends, in-flight requests reported aborted', async () => {
    const server = await startHttpServer(() => {
      // never answers
    });
    try {
      const outcomes: AnswerOutcome[] = [];
      const result = await runOpen({
        ratePerS: 100,
        durationS: 10,
        connections: 100,
        request: () => getRequest(server.origin),
        onAnswer: (_i, outcome) => outcomes.push(outcome),
        timeoutMs: 20_000,
        maxBodyBytes: 1024,
        signal: AbortSignal.timeout(200),
      });
      expect(result.stoppedBy).toBe('signal');
      expect(result.sent).toBeGreaterThan(5);
      expect(result.sent).toBeLessThan(100);
      expect(result.failed).toBe(result.sent);
      expect(outcomes).toHaveLength(result.sent);
      expect(outcomes.every((o) => !o.ok && o.kind === 'aborted' && o.reason === 'run stopped')).toBe(true);
      expect(result.elapsedMs).toBeLessThan(2000);
    } finally {
      await server.close();
    }
  });

  it('reports a timeout, and a refused connection as unsent', async () => {
    const server = await startHttpServer(() => {
      // never answers
    });
    const closed = await startHttpServer(() => {});
    const refusedOrigin = closed.origin;
    await closed.close();
    try {
      const outcomes = new Map<string, AnswerOutcome>();
      await runOpen({
        ratePerS: 100,
        count: 2,
        connections: 4,
        request: (i) => getRequest(i === 0 ? server.origin : refusedOrigin),
        onAnswer: (i, outcome) => outcomes.set(i === 0 ? 'stalled' : 'refused', outcome),
        timeoutMs: 150,
        maxBodyBytes: 1024,
      });
      expect(outcomes.get('stalled')).toMatchObject({ ok: false, kind: 'timeout' });
      expect(outcomes.get('refused')).toMatchObject({ ok: false, kind: 'network', unsent: true });
    } finally {
      await server.close();
    }
  });

  it('rejects a run without a bound', async () => {
    await expect(
      runOpen({ ratePerS: 10, connections: 1, request: () => getRequest('http://127.0.0.1:9'), timeoutMs: 100, maxBodyBytes: 1 }),
    ).rejects.toThrow(/durationS or count/);
  });
});
