/**
 * The open model's pacing and its exchange on undici's dispatch: the metronome thread wakes the event
 * loop for each instant (with Node's timers frozen, only it can) and ends with the run; a dead
 * metronome leaves the millisecond timer in charge; answers wake the sends already due (piggyback,
 * with no timer and no metronome); and the dispatch handler's body cut, reusable connection and
 * network errors. No figure here is a timing: only what was sent, answered and reported.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnswerOutcome } from '../../src/engine/answer.js';
import { Metronome } from '../../src/load/metronome.js';
import { runOpen } from '../../src/load/open.js';
import { startHttpServer } from '../helpers/http-server.js';
import { getRequest } from './wire.js';

/** The real setTimeout, kept for the servers of tests that freeze the global one. */
const realSetTimeout = globalThis.setTimeout;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Waits until `check` holds (polling on a real timer), or fails after `ms`. */
async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setImmediate(r));
  }
}

describe('Metronome', () => {
  it('beats once for an instant aimed at, not for one taken back, and its thread ends on stop', async () => {
    let beats = 0;
    const m = new Metronome(() => beats++);
    try {
      await eventually(() => m.alive);
      m.aim(performance.now() + 5);
      await eventually(() => beats === 1);
      // Aimed far ahead, then taken back before it came: no beat.
      m.aim(performance.now() + 150);
      m.aim(Number.POSITIVE_INFINITY);
      await new Promise((r) => setTimeout(r, 300));
      expect(beats).toBe(1);
    } finally {
      m.stop();
    }
    expect(m.alive).toBe(false);
    await eventually(() => Metronome.running === 0);
  });

  it('says so when its thread dies before stop', async () => {
    let died = 0;
    const m = new Metronome(
      () => {},
      () => died++,
    );
    await eventually(() => m.alive);
    await (m as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await eventually(() => died === 1);
    expect(m.alive).toBe(false);
    m.stop();
    expect(died).toBe(1);
  });
});

describe('runOpen pacing', () => {
  it('sends each instant on a metronome beat when no timer can fire, and leaves no thread behind', async () => {
    const server = await startHttpServer((_req, res) => res.end('{}'));
    try {
      // Timers frozen: the loop wakes for an instant only through the metronome (answers come long before the next one).
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const result = await runOpen({
        ratePerS: 50,
        count: 12,
        // As many as instants: a slow answer on a busy machine must not make this test about the cap.
        connections: 12,
        request: () => getRequest(server.origin),
        timeoutMs: 5000,
        maxBodyBytes: 1024,
      });
      expect(result).toMatchObject({ instants: 12, sent: 12, answered: 12, stoppedBy: 'count' });
      await eventually(() => Metronome.running === 0);
    } finally {
      vi.useRealTimers();
      await server.close();
    }
  });

  it('falls back on its millisecond timer when the metronome thread dies mid-run', async () => {
    const server = await startHttpServer((_req, res) => res.end('{}'));
    const aim = Metronome.prototype.aim;
    let killed = false;
    let aims = 0;
    vi.spyOn(Metronome.prototype, 'aim').mockImplementation(function (this: Metronome, atMs: number) {
      // Once it beats (or, on a machine too busy to start it soon, at the tenth instant): killed mid-run.
      if (!killed && (this.alive || ++aims >= 10)) {
        killed = true;
        void (this as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      }
      aim.call(this, atMs);
    });
    try {
      const result = await runOpen({
        ratePerS: 100,
        count: 30,
        // As many connections as instants: a catch-up after the death sends several at once, and the
        // cap must not turn them into instants not sent (this test is about the fallback sending them).
        connections: 30,
        request: () => getRequest(server.origin),
        timeoutMs: 5000,
        maxBodyBytes: 1024,
      });
      expect(killed).toBe(true);
      expect(result).toMatchObject({ instants: 30, sent: 30, answered: 30 });
    } finally {
      await server.close();
    }
  });

  it('sends the instants due when answers come (piggyback), with no timer and no metronome', async () => {
    // Each answer after 30 ms, instants 1 ms apart: the first answer finds ~30 instants due, and its wake-up sends them.
    const server = await startHttpServer((_req, res) => {
      realSetTimeout(() => res.end('{}'), 30);
    });
    try {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const result = await runOpen({
        ratePerS: 1000,
        count: 60,
        connections: 64,
        metronome: false,
        request: () => getRequest(server.origin),
        timeoutMs: 5000,
        maxBodyBytes: 1024,
      });
      expect(result).toMatchObject({ instants: 60, sent: 60, answered: 60, notSent: 0 });
    } finally {
      vi.useRealTimers();
      await server.close();
    }
  });
});

describe('runOpen exchange (undici dispatch)', () => {
  it('keeps maxBodyBytes of a body sent in several chunks, marks it cut off, and reuses the connection', async () => {
    const server = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.write('aaaa');
      setTimeout(() => {
        res.write('bbbb');
        setTimeout(() => res.end('cccc'), 5);
      }, 5);
    });
    try {
      const answers: AnswerOutcome[] = [];
      const result = await runOpen({
        // 500 ms apart: the first answer (10 ms of chunks) is in long before the second instant, even on a busy machine.
        ratePerS: 2,
        count: 2,
        // One connection: the second request can go only if the first answer was read to its end.
        connections: 1,
        request: () => getRequest(server.origin),
        onAnswer: (_i, outcome) => answers.push(outcome),
        timeoutMs: 5000,
        maxBodyBytes: 6,
      });
      expect(result).toMatchObject({ sent: 2, answered: 2, notSent: 0 });
      expect(answers[0]).toEqual({ ok: true, status: 200, contentType: 'text/plain; charset=utf-8', body: 'aaaabb', truncated: true });
      expect(answers[1]).toEqual(answers[0]);
    } finally {
      await server.close();
    }
  });

  it('keeps a body that fits whole, and a multi-byte character split across chunks', async () => {
    const bytes = Buffer.from('{"name":"满100减20"}', 'utf8');
    const server = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // Cut inside 满 (3 bytes in UTF-8): decoding must join the chunks first.
      res.write(bytes.subarray(0, 10));
      setTimeout(() => res.end(bytes.subarray(10)), 5);
    });
    try {
      const answers: AnswerOutcome[] = [];
      await runOpen({
        ratePerS: 20,
        count: 1,
        connections: 1,
        request: () => getRequest(server.origin),
        onAnswer: (_i, outcome) => answers.push(outcome),
        timeoutMs: 5000,
        maxBodyBytes: bytes.length,
      });
      expect(answers[0]).toEqual({
        ok: true,
        status: 200,
        contentType: 'application/json',
        body: '{"name":"满100减20"}',
        truncated: false,
      });
    } finally {
      await server.close();
    }
  });

  it('reports a connection closed after the request reached the server as a network error that may have been sent', async () => {
    const server = await startHttpServer((req) => {
      req.socket.destroy();
    });
    try {
      const answers: AnswerOutcome[] = [];
      const result = await runOpen({
        ratePerS: 20,
        count: 1,
        connections: 1,
        request: () => getRequest(server.origin),
        onAnswer: (_i, outcome) => answers.push(outcome),
        timeoutMs: 5000,
        maxBodyBytes: 1024,
      });
      expect(result).toMatchObject({ sent: 1, failed: 1, answered: 0 });
      expect(answers[0]).toMatchObject({ ok: false, kind: 'network', unsent: false });
    } finally {
      await server.close();
    }
  });
});
