/**
 * Sending, the same for every protocol: the adapter prepares the wire request (synchronous, pure), one
 * HTTP exchange sends it, and the report's copy of it is built only if a result reads it.
 */
import { randomBytes } from 'node:crypto';
import { httpExchange, type HttpOutcome } from '../core/http.js';
import type { Endpoint, Exchange, PrepareInput, ProtocolAdapter, RecordedCall, SendInput, WireRequest } from './types.js';

/** What sending needs of an adapter: its two builders. */
export type RequestBuilder = Pick<ProtocolAdapter, 'prepare' | 'record'>;

/** Bounds of one exchange: how long (ms) and how many bytes of the answer to wait for. */
export interface ExchangeLimits {
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  readonly signal?: AbortSignal | undefined;
}

/** A fresh nonce for PrepareInput: 16 random bytes as 32 lower-case hex digits. */
export function freshNonce(): string {
  return randomBytes(16).toString('hex');
}

/** The prepare input of a call sent now: our clock read once, a nonce drawn once. */
export function prepareInputOf(input: SendInput, nowMs: number = Date.now(), nonce: string = freshNonce()): PrepareInput {
  return {
    endpoint: input.endpoint,
    operation: input.operation,
    app: input.app,
    transport: input.transport,
    clockOffsetMs: input.clockOffsetMs,
    nowMs,
    nonce,
  };
}

/** The HTTP exchange of a prepared request, bounded; never throws for a transport problem (the outcome says it). */
export function exchangeWire(wire: WireRequest, limits: ExchangeLimits): Promise<HttpOutcome> {
  return httpExchange({
    method: wire.method,
    url: wire.url,
    headers: wire.headers,
    body: wire.body,
    timeoutMs: limits.timeoutMs,
    maxBodyBytes: limits.maxBodyBytes,
    signal: limits.signal,
  });
}

/** Prepares `input` with `builder`, sends it, and returns the exchange with its record left lazy. */
export async function sendPrepared(builder: RequestBuilder, input: SendInput): Promise<Exchange> {
  const wire = builder.prepare(prepareInputOf(input));
  const outcome = await exchangeWire(wire, input);
  return exchangeOf(wire.timestampMs, outcome, lazyRecord(builder, wire, input.endpoint));
}

/**
 * The record of `wire`, built on the first call and kept. A function of its own so that the closure
 * holds the wire request and the endpoint only, never the answer (a parallel step keeps 2,000 of these).
 */
export function lazyRecord(builder: Pick<RequestBuilder, 'record'>, wire: WireRequest, endpoint: Endpoint): () => RecordedCall {
  let recorded: RecordedCall | undefined;
  return () => {
    recorded ??= builder.record(wire, endpoint);
    return recorded;
  };
}

/** An Exchange whose `request` and `curl` are read from `record` on first use. */
export function exchangeOf(timestampMs: number, outcome: HttpOutcome, record: () => RecordedCall): Exchange {
  return {
    get request() {
      return record().request;
    },
    get curl() {
      return record().curl;
    },
    record,
    outcome,
    timestampMs,
  };
}
