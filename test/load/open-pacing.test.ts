/**
 * The open model's pacing and its exchange on undici's dispatch: the metronome thread wakes the event
 * loop for each instant (with Node's timers frozen, only it can) and ends with the run; a dead
 * metronome leaves the millisecond timer in charge; answers wake the sends already due (piggyback,
 * with no timer and no metronome); and the dispatch handler's body cut, reusable connection and
 * network errors. No figure here is a timing: only what was sent, answered and reported.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnswerOutcome } from '../../src/engine/answer.js';
import { Metronome } from '../../src/load/metronome.js';
import { OpenPools, runOpen } from '../../src/load/open.js';
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

  it('after a beat aims by itself at the instants after, one step apart, until an aim comes (no wake-up from the main thread)', async () => {
    let beats = 0;
    const m = new Metronome(() => beats++);
    try {
      await eventually(() => m.alive);
      const now = performance.now();
      // The main thread answers no beat with an aim (as when it is behind): the beats go on, a step apart.
      m.aim(now + 5, now + 25);
      await eventually(() => beats >= 3);
      // Taken back: the beats stop.
      m.aim(Number.POSITIVE_INFINITY);
      await new Promise((r) => setTimeout(r, 100));
      const after = beats;
      await new Promise((r) => setTimeout(r, 200));
      expect(beats).toBe(after);
      m.aim(performance.now() + 5);
      await eventually(() => beats === after + 1);
    } finally {
      m.stop();
    }
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

describe('connections and the cap', () => {
  it('opens its connections before the first instant (warm), and the run uses them rather than opening more', async () => {
    let connections = 0;
    const server = await startHttpServer((_req, res) => res.end('{}'));
    server.server.on('connection', () => connections++);
    const pools = new OpenPools(4);
    try {
      expect(await pools.warm([server.origin, server.origin])).toBe(4);
      await eventually(() => connections === 4);
      const result = await runOpen({
        ratePerS: 200,
        count: 20,
        pools,
        request: () => getRequest(server.origin),
        timeoutMs: 5000,
        maxBodyBytes: 1024,
      });
      expect(result).toMatchObject({ sent: 20, answered: 20, notSent: 0 });
      expect(connections).toBe(4);
      // Warm again with every connection taken by the pool: nothing more is opened.
      expect(await pools.warm([server.origin])).toBe(0);
    } finally {
      await pools.close();
      await server.close();
    }
  });

  it('an instant finding the cap while answers wait unread is held for one loop turn, not counted not sent', async () => {
    // A server in a process of its own (its answers arrive while this loop is blocked), each answer
    // 20 ms after its request; one warm connection; instants 10 ms apart. Instant 1 is built during a
    // 40 ms stall of our own loop (its builder blocks): when the stall ends, instant 0's answer is in
    // its socket, unread, so the connection is free — instant 1 must wait that one loop turn and go on
    // it, not count as not sent (the generator's stall is not the target's slowness).
    const server = await childServer(20);
    const pools = new OpenPools(1);
    const notSent: number[] = [];
    try {
      await pools.warm([server.origin]);
      const result = await runOpen({
        ratePerS: 100,
        count: 4,
        pools,
        metronome: false,
        request: (i) => {
          if (i === 1) {
            const until = performance.now() + 40;
            while (performance.now() < until) {}
          }
          return getRequest(server.origin);
        },
        onNotSent: (i) => notSent.push(i),
        timeoutMs: 5000,
        maxBodyBytes: 1024,
      });
      expect(notSent).not.toContain(1);
      expect(result.sent).toBeGreaterThanOrEqual(2);
      expect(result.sent + result.notSent).toBe(4);
    } finally {
      await pools.close();
      server.stop();
    }
  });
});

/** An HTTP server in a child process answering `{}` `delayMs` after each request: its answers land while this process is blocked. */
async function childServer(delayMs: number): Promise<{ readonly origin: string; stop(): void }> {
  const code = `require('node:http').createServer((q, s) => setTimeout(() => s.end('{}'), ${delayMs})).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (c) => reject(new Error(`the child server exited ${c}`)));
  });
  return { origin: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}
