/**
 * The operation mix, compiled once: for each operation of a profile its API, protocol adapter,
 * endpoint, answer reader and params template; and the request builder a load engine calls for each
 * request index — pick an operation by weight and a user (uniform or Zipf), evaluate the params, and
 * `prepare` the signed wire request (the protocols' own code, as `check` uses: nothing is signed twice).
 * Deterministic for a seed, synchronous, and lean: the templates' context is one object updated in place.
 */
import { randomBytes } from 'node:crypto';
import { APIS } from '../apis/index.js';
import { type AnswerReader, readerFor } from '../engine/answer.js';
import { endpointOf, type Target } from '../engine/target.js';
import { adapterFor } from '../protocols/index.js';
import { type Endpoint, type ProtocolAdapter, type WireRequest, wireOperation } from '../protocols/types.js';
import { type CompiledTemplate, compileTemplate, type TemplateContext } from '../scenario/template.js';
import type { Json } from '../scenario/types.js';
import type { LoadOperationDoc, LoadProfileDoc } from './types.js';

/** One operation of the mix, ready for the hot path. */
export interface MixOperation {
  readonly name: string;
  readonly api: string;
  readonly call: string;
  readonly adapter: ProtocolAdapter;
  readonly endpoint: Endpoint;
  /** The operation as it goes out at this endpoint (a target config's `methods`). */
  readonly wireOperation: string;
  /** The one classifier's reader: the documented part of the answer schema (a storm judges as a must check). */
  readonly reader: AnswerReader;
  readonly params: CompiledTemplate;
  readonly refusals: LoadOperationDoc['refusals'];
  readonly soldOut: readonly string[];
  /** The stock, evaluated once against the setup's variables; undefined: none declared. */
  readonly stock: number | undefined;
  readonly weight: number;
  /** Its origin (scheme, host, port): the closed model runs one autocannon instance per origin. */
  readonly origin: string;
  /** Its deliberate re-sends; undefined: none. */
  readonly retries: MixRetries | undefined;
}

/** A built request: which operation, its application parameters (the audit reads them), and the wire bytes. */
export interface BuiltRequest {
  readonly op: number;
  readonly app: Readonly<Record<string, unknown>>;
  readonly wire: WireRequest;
  /**
   * Of an operation with re-sends only: the index of the request first sent with these parameters (its
   * own index for a first send). The recorder counts one success per key: a re-send's success is the same claim.
   */
  readonly key?: number;
  /** Whether this request is a deliberate re-send of request `key`. */
  readonly resend?: boolean;
}

/** First sends kept per operation for re-sends to pick from (see RetriesDoc): only these may be re-sent (the audit log relies on it). */
export const RESEND_POOL = 4096;
/** An operation's re-sends, resolved (RetriesDoc with its defaults). */
export interface MixRetries {
  readonly share: number;
  readonly when: 'concurrent' | 'after' | 'either';
  readonly afterMs: number;
}
/** A first send an operation may re-send: its parameters, its index and when it was built. */
interface Sent {
  readonly app: Record<string, unknown>;
  readonly index: number;
  readonly atMs: number;
}

/** What the builder needs beyond the mix. */
export interface MixInput {
  readonly profile: LoadProfileDoc;
  readonly target: Target;
  /** The setup's variables (the profile's vars and the captures). */
  readonly vars: Readonly<Record<string, Json>>;
  readonly maxBodyBytes: number;
  /** Seeds the choices of operation and user (default: random). */
  readonly seed?: number;
  /** Distinguishes this process's request ids from other processes' of one run (default: random). */
  readonly runTag?: string;
  /**
   * This mix's lane among the threads of one run (worker k of n): `${fresh.int}` steps by n from k, so
   * threads never draw the same integer (default: the only lane).
   */
  readonly lane?: { readonly index: number; readonly of: number };
}

/** The largest user count a profile may name (ids stay unique across runs a second apart: see userBase). */
export const MAX_USERS = 1_000_000;

/** The mix compiled: its operations and `build(index)` (optionally restricted to some operations). */
export interface CompiledMix {
  readonly operations: readonly MixOperation[];
  /** The first uid; user k is `userBase + k`. */
  readonly userBase: number;
  readonly runTag: string;
  /** Builds request `index`: an operation drawn by weight among `only` (default: all), a user, signed now. */
  build(index: number, only?: readonly number[]): BuiltRequest;
  /** Builds request `index` of one operation (a spike). */
  buildOf(op: number, index: number): BuiltRequest;
}

/**
 * Compiles the mix against a target: every operation's API must be served (its endpoint), else an
 * Error names it. `${user}`, `${requestId}` and `${index}` are set per request; `$cycle` picks by index.
 */
export function compileMix(input: MixInput): CompiledMix {
  const { profile, target, vars } = input;
  const options = Object.assign({}, ...Object.values(target.endpoints).map((e) => e.options ?? {})) as Record<string, Json>;
  // One context object for every request: templates are evaluated synchronously, so updating it in place is safe.
  const ctxVars: Record<string, Json> = { ...(Object.keys(options).length > 0 ? { target: options } : {}), ...vars };
  const seed = input.seed ?? randomBytes(4).readUInt32LE(0);
  const random = mulberry32(seed);
  const runTag = input.runTag ?? randomBytes(4).toString('hex');
  const nonceHead = randomBytes(8).toString('hex');
  let nonceCount = 0;
  let intCount = 0;
  const lanes = Math.max(1, input.lane?.of ?? 1);
  const lane = input.lane?.index ?? 0;
  const userBase = userBaseOf(vars);
  const ctx: { -readonly [K in keyof TemplateContext]: TemplateContext[K] } = {
    vars: ctxVars,
    nowMs: () => Date.now() + (target.clock?.offsetMs ?? 0),
    fresh: {
      name: () => `L${runTag.slice(0, 4)}${(++nonceCount).toString(36)}`.slice(0, 10),
      // Beyond the run's users, and distinct across its threads (lanes); names are by the run tag's head.
      int: () => userBase + MAX_USERS + ++intCount * lanes + lane,
    },
    skus: target.skus,
    index: 0,
  };

  const operations: MixOperation[] = profile.mix.map((doc) => {
    const api = doc.api ?? profile.apis[0] ?? '';
    const def = APIS.get(api);
    if (def === undefined) throw new Error(`mix operation ${doc.name}: unknown API ${api}`);
    const endpoint = endpointOf(target, api);
    if (endpoint === undefined) throw new Error(`mix operation ${doc.name}: the target does not serve the API ${api}`);
    const adapter = adapterFor(def.protocol, endpoint);
    const compiled = def.compiled();
    const stock = doc.stock === undefined ? undefined : Number(compileTemplate(doc.stock)({ ...ctx, vars: ctxVars }));
    if (stock !== undefined && !Number.isFinite(stock)) throw new Error(`mix operation ${doc.name}: stock is not a number`);
    return {
      name: doc.name,
      api,
      call: doc.call,
      adapter,
      endpoint,
      wireOperation: wireOperation(endpoint, doc.call),
      reader: readerFor({ adapter, api: compiled, operation: doc.call, endpoint, level: 'must', maxBodyBytes: input.maxBodyBytes }),
      params: compileTemplate(doc.params ?? {}),
      refusals: doc.refusals,
      soldOut: doc.soldOut ?? [],
      stock,
      weight: doc.weight,
      origin: new URL(endpoint.url).origin,
      retries:
        doc.retries === undefined || doc.retries.share <= 0
          ? undefined
          : { share: doc.retries.share, when: doc.retries.when ?? 'either', afterMs: doc.retries.afterMs ?? 500 },
    };
  });
  // The first sends each operation with re-sends may repeat, oldest first.
  const pools = operations.map((o) => (o.retries === undefined ? undefined : ([] as Sent[])));
  const users = pickUser(profile.users.count, profile.users.choice ?? 'uniform', profile.users.zipfS ?? 1.1, random);
  const clockOffsetMs = target.clock?.offsetMs ?? 0;
  const cdfCache = new Map<string, Float64Array>();
  const cdfOf = (only: readonly number[] | undefined): Float64Array => {
    const key = only === undefined ? '*' : only.join(',');
    let cdf = cdfCache.get(key);
    if (cdf === undefined) {
      const chosen = only ?? operations.map((_, i) => i);
      cdf = cumulative(chosen.map((i) => operations[i]?.weight ?? 0));
      cdfCache.set(key, cdf);
    }
    return cdf;
  };

  const sign = (o: MixOperation, app: Record<string, unknown>): WireRequest =>
    o.adapter.prepare({
      endpoint: o.endpoint,
      operation: o.wireOperation,
      app,
      transport: {},
      clockOffsetMs,
      // A re-send is signed again now, as a client's retry is: a fresh timestamp and nonce, the same parameters.
      nowMs: Date.now(),
      nonce: `${nonceHead}${(++nonceCount).toString(16).padStart(16, '0')}`,
    });

  const buildOf = (op: number, index: number): BuiltRequest => {
    const o = operations[op];
    if (o === undefined) throw new RangeError(`no operation ${op}`);
    const pool = pools[op];
    if (pool !== undefined && o.retries !== undefined && random() < o.retries.share) {
      const first = pickResend(pool, o.retries, random, performance.now());
      if (first !== undefined) return { op, app: first.app, wire: sign(o, first.app), key: first.index, resend: true };
    }
    ctxVars['user'] = userBase + users();
    ctxVars['requestId'] = `${runTag}-${index.toString(36)}`;
    ctx.index = index;
    const app = (o.params(ctx) ?? {}) as Record<string, unknown>;
    const wire = sign(o, app);
    if (pool === undefined) return { op, app, wire };
    pool.push({ app, index, atMs: performance.now() });
    if (pool.length > RESEND_POOL) pool.splice(0, RESEND_POOL / 2);
    return { op, app, wire, key: index };
  };
  return {
    operations,
    userBase,
    runTag,
    buildOf,
    build(index, only) {
      const cdf = cdfOf(only);
      const at = search(cdf, random() * (cdf[cdf.length - 1] ?? 0));
      return buildOf(only === undefined ? at : (only[at] ?? 0), index);
    },
  };
}

/**
 * The first uid of this run: the profile's `userBase` variable when it sets one, else a base fresh per
 * second, `(epoch s mod 10⁷) × 10⁶`, so runs a second apart never share a user (per-user limits of an
 * earlier run do not leak into this one) and every uid stays a safe integer.
 */
function userBaseOf(vars: Readonly<Record<string, Json>>): number {
  const given = vars['userBase'];
  if (typeof given === 'number' && Number.isSafeInteger(given) && given >= 1) return given;
  return (Math.floor(Date.now() / 1000) % 10_000_000) * MAX_USERS + 1;
}

/** A user index in [0, count): uniform, or Zipf with exponent s (rank 1 most likely), by inverse CDF. */
function pickUser(count: number, choice: 'uniform' | 'zipf', s: number, random: () => number): () => number {
  const n = Math.max(1, Math.min(MAX_USERS, Math.floor(count)));
  if (choice === 'uniform') return () => Math.floor(random() * n);
  const weights = new Array<number>(n);
  for (let k = 0; k < n; k++) weights[k] = 1 / (k + 1) ** s;
  const cdf = cumulative(weights);
  const total = cdf[n - 1] ?? 1;
  return () => search(cdf, random() * total);
}

function cumulative(weights: readonly number[]): Float64Array {
  const cdf = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    cdf[i] = sum;
  });
  return cdf;
}

/** The first position whose cumulative weight exceeds x. */
function search(cdf: Float64Array, x: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cdf[mid] ?? 0) > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The first send a re-send repeats (undefined: none yet): `concurrent` the one built last (still in
 * flight at any rate a storm runs), `after` the newest one built at least afterMs ago (the oldest kept
 * when none is that old), `either` one of the two by a coin.
 */
function pickResend(pool: readonly Sent[], r: MixRetries, random: () => number, nowMs: number): Sent | undefined {
  if (pool.length === 0) return undefined;
  const when = r.when === 'either' ? (random() < 0.5 ? 'concurrent' : 'after') : r.when;
  if (when === 'concurrent') return pool[pool.length - 1];
  // Built times rise along the pool: the last one built before the cut-off.
  const cut = nowMs - r.afterMs;
  let lo = 0;
  let hi = pool.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((pool[mid]?.atMs ?? 0) <= cut) lo = mid + 1;
    else hi = mid;
  }
  return pool[Math.max(0, lo - 1)];
}

/** mulberry32: small, fast, deterministic for a seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
