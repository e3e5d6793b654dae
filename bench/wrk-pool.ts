/**
 * Debian's `wrk` as a generator that costs the server's side almost nothing to keep up with: the
 * requests are built before the run (signed, each unique where the server must see them so), written to
 * a pool file, and bench/wrk-pool.lua hands them out one by one and reads every answer. Used by
 * `npm run bench -- reference` so that a row measures the server, not the generator.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A request as the protocols prepare it (the fields of WireRequest a raw HTTP/1.1 request needs). */
export interface PoolRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
}

/** What one wrk run did; CPU in µs per answer. */
export interface WrkRun {
  readonly answers: number;
  readonly perS: number;
  /** wrk's own CPU per answer over the run (not loading its pool). */
  readonly generatorCpuUs: number;
  /** Answers that were not HTTP 200 with the expected text. */
  readonly unexpected: number;
  readonly firstUnexpected: string;
  /** The pool ran out before the run's end (a pool that must not repeat): the run is void. */
  readonly exhausted: boolean;
}

/** Where Debian's wrk is, if installed (CI may lack it): on PATH, or BENCH_WRK. */
export function wrkPath(): string | undefined {
  const named = process.env['BENCH_WRK'];
  if (named) return existsSync(named) ? named : undefined;
  for (const dir of (process.env['PATH'] ?? '').split(':')) if (dir && existsSync(join(dir, 'wrk'))) return join(dir, 'wrk');
  return undefined;
}

/** `request` as the raw HTTP/1.1 bytes wrk writes: its headers, Host and Content-Length (in UTF-8 bytes). */
export function rawRequest(request: PoolRequest): Buffer {
  const url = new URL(request.url);
  const body = Buffer.from(request.body ?? '', 'utf8');
  const lines = [`${request.method} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`];
  for (const [name, value] of Object.entries(request.headers)) if (name.toLowerCase() !== 'host') lines.push(`${name}: ${value}`);
  if (body.length > 0 || request.method !== 'GET') lines.push(`Content-Length: ${body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

/** The pool file's bytes: each request as `<byte length>\n<bytes>`, which bench/wrk-pool.lua reads. */
export function poolBytes(requests: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const r of requests) parts.push(Buffer.from(`${r.length}\n`, 'latin1'), r);
  return Buffer.concat(parts);
}

/** How to drive: one thread (the pool in order, never repeated unless `wrap`), `connections`, `seconds`. */
export interface WrkDrive {
  readonly wrk: string;
  readonly origin: string;
  readonly pool: readonly Buffer[];
  readonly wrap: boolean;
  /** Text each answer's body must contain (with HTTP 200). */
  readonly expect: string;
  readonly seconds: number;
  readonly connections: number;
}

/**
 * Runs wrk once over `drive.pool`; rejects on transport errors or output it cannot read. Asynchronous,
 * so a server in this process keeps answering (the bench's servers each have a process of their own).
 */
export async function runWrkPool(drive: WrkDrive): Promise<WrkRun> {
  const dir = mkdtempSync(join(os.tmpdir(), 'promoproof-bench-wrk-'));
  try {
    const pool = join(dir, 'pool');
    writeFileSync(pool, poolBytes(drive.pool));
    const script = fileURLToPath(new URL('./wrk-pool.lua', import.meta.url));
    const args = ['-t1', `-c${drive.connections}`, `-d${drive.seconds}s`, '--timeout', '5s', '-s', script, drive.origin, '--'];
    const out = await new Promise<string>((resolve, reject) => {
      execFile(
        drive.wrk,
        [...args, pool, drive.wrap ? 'wrap' : 'once', drive.expect],
        { encoding: 'utf8', timeout: (drive.seconds + 60) * 1000, maxBuffer: 1 << 20 },
        (error, stdout, stderr) => (error ? reject(new Error(`bench: wrk failed: ${error.message}\n${stdout}${stderr}`)) : resolve(stdout)),
      );
    });
    return readSummary(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures of bench/wrk-pool.lua's summary lines in wrk's output. */
export function readSummary(out: string): WrkRun {
  const line = /promoproof-wrk answers=(\d+) duration_us=(\d+) unexpected=(\d+) exhausted=(\d+) errors=(\d+) cpu_us=(\d+)/.exec(out);
  if (!line) throw new Error(`bench: cannot read wrk's output:\n${out}`);
  const [answers, durationUs, unexpected, exhausted, errors, cpuUs] = line.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (errors > 0) throw new Error(`bench: wrk met ${errors} transport errors (connect, read, write, timeout):\n${out}`);
  return {
    answers,
    perS: answers / (durationUs / 1e6),
    generatorCpuUs: answers > 0 ? cpuUs / answers : Number.NaN,
    unexpected,
    firstUnexpected: /promoproof-wrk-first (.*)/.exec(out)?.[1] ?? '',
    exhausted: exhausted > 0,
  };
}
