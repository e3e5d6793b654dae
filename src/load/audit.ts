/**
 * The audit after a load run: what the generator saw (src/load/audit-log.ts) reconciled with what the
 * target reports through its own public API — a batch's statistics and each user's coupons, over every
 * API of the profile that lists them (src/apis/audit-hooks.ts: the load layer names none). A latency
 * table does not say whether a storm stayed exact; this does:
 *
 * - `stock`: per batch, the coupons handed out (acknowledged, + unknown outcomes found made, + the
 *   batch's claimed count before the run) ≤ its stock;
 * - `per-user`: per batch, no user holds more than its per-user limit (acknowledged, and as listed);
 * - `codes-unique`: no coupon code acknowledged to two claims (a retry with its request id is one claim);
 * - `idempotent-retries`: a request id sent more than once got one coupon, answered again to each
 *   re-send: never two codes, never a refusal once acknowledged (present when some request id was sent
 *   more than once, as far as the run kept);
 * - `claims-listed`, `nothing-unacknowledged`: every acknowledged coupon is in its user's list, and a
 *   user's list holds nothing of the storm's batches that no claim acknowledged — beyond the claims of
 *   unknown outcome, which are resolved so (made: found in the list; not made: not there). Users read:
 *   every user with a claim, plus a sample of the profile's users with none;
 * - `statistics-claimed`, `statistics-used`: the statistics' counts moved by what was acknowledged
 *   (a range while unknown outcomes stay unresolved);
 * - `redeemed-once`: no coupon redeemed for two orders; `verify-consistent`: one coupon against one
 *   order always deducted the same, within the order's amount; `verify-deduction`: the deduction is what
 *   the coupon's terms (as its user's list shows them) give for the order, by the API's own arithmetic;
 * - `daily-count`, `daily-amount`, `per-user-daily`: the daily limits the profile's audit block gives,
 *   per UTC+8 day of the run (present only for the limits given).
 *
 * An invariant that cannot be checked (the target does not serve a query, refuses it, answers beyond the
 * audit's memory) is `not-checked` and the audit `partial`, never passed. The batches' counts are read
 * once before the first request (`begin`) so that a setup's own claims are not the storm's.
 */
import { APIS } from '../apis/index.js';
import type { ApiAuditHooks, AuditBatch, AuditField, AuditInvariantId, AuditQuery, ListedCoupon } from '../apis/audit-hooks.js';
import { CHECK_DEFAULTS } from '../core/defaults.js';
import { classify, describeClassified, readerFor } from '../engine/answer.js';
import { endpointOf, type Target } from '../engine/target.js';
import { adapterFor } from '../protocols/index.js';
import { wireOperation } from '../protocols/types.js';
import { compileTemplate } from '../scenario/compile-template.js';
import type { Json } from '../scenario/types.js';
import { type AuditData, AuditCollector, auditRoles, batchKeyOf, type ClaimRecord, rolesOf } from './audit-log.js';
import type { AuditExample, AuditInvariantResult, AuditResult, LoadProfileDoc } from './types.js';

/** The audit's bounds and defaults. */
export const AUDIT_DEFAULTS = {
  /** Users of the profile's range with no claim whose coupons are read too (the profile's `audit.sampleUsers`). */
  sampleUsers: 20,
  /** Queries in flight at once. */
  concurrency: 16,
  /** The most users whose coupons are read, per API: beyond, the list invariants say how many were read. */
  maxUsers: 20_000,
  /** The most pages read of one user's list (per query). */
  maxPages: 20,
  /** Examples kept per invariant. */
  examples: 10,
  /** When some outcomes were unknown, wait this long before looking them up: a request whose answer timed out may still be landing, ms. */
  settleMs: 1_000,
  timeoutMs: 10_000,
} as const;

export interface LoadAuditInput {
  readonly profile: LoadProfileDoc;
  readonly target: Target;
  readonly timeoutMs?: number;
  readonly maxBodyBytes?: number;
  /** Whether a violated `ref` invariant fails the audit (default: against the embedded reference, as `check` counts ref checks). */
  readonly strictRef?: boolean;
  /**
   * The batches' statistics before the run, as another process's `statisticsBefore()` read them: a run
   * audited away from where it began (an Artillery export audits on import) is reconciled against the
   * counts of its start, not re-read after the run. Absent: `begin` reads them.
   */
  readonly before?: AuditBefore;
}

/** The batches' statistics before the run, by batch key: the counts, or why they could not be read (plain data). */
export type AuditBefore = Readonly<Record<string, Counts | { readonly failed: string }>>;

/** What the run hands the audit once its setup is done. */
export interface AuditBegin {
  /** The profile's and the setup's variables. */
  readonly vars: Readonly<Record<string, Json>>;
  /** The run's first uid (user k is userBase + k). */
  readonly userBase: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * One run's audit: its collector (the engines record into it: src/load/run-load.ts), `begin` after the
 * setup (reads the batches' counts before the storm), `finish` after the run (the reconciliation).
 */
export interface LoadAudit {
  readonly collector: AuditCollector;
  begin(input: AuditBegin): Promise<void>;
  finish(opts?: { readonly signal?: AbortSignal }): Promise<AuditResult>;
  /** The statistics `begin` read (or was given), to carry to the process that finishes the audit (LoadAuditInput.before). */
  statisticsBefore(): AuditBefore;
}

/** A batch as the audit follows it. */
interface BatchInfo {
  readonly api: string;
  readonly hooks: ApiAuditHooks;
  readonly batch: AuditBatch;
  stock?: number;
  perUser?: number;
  /** Its daily limits (the profile's audit block): coupons a day, per user a day, fen a day. */
  perDay?: number;
  perUserDaily?: number;
  amountPerDayFen?: number;
  /** Its statistics before the first request, or why they could not be read. */
  before?: Counts | { readonly failed: string };
}

type Counts = { readonly claimed?: number; readonly used?: number };

/** An audit that did not run, and why. */
export function skippedAudit(reason: string): AuditResult {
  return {
    status: 'skipped',
    reason,
    invariants: [],
    unknownResolved: { made: 0, notMade: 0, unresolved: 0 },
    acknowledged: { claims: 0, redeems: 0, verifications: 0, unknownClaims: 0, unknownRedeems: 0, notKept: 0 },
    queries: { sent: 0, failed: 0, durationMs: 0 },
  };
}

/** The audit of one run of `input.profile` against `input.target` (see the module comment). */
export function createLoadAudit(input: LoadAuditInput): LoadAudit {
  const collector = new AuditCollector(input.profile);
  const batches = new Map<string, BatchInfo>();
  let begun: AuditBegin | undefined;
  let queries: Queries | undefined;
  const queriesOf = (signal: AbortSignal | undefined) => {
    queries ??= new Queries(input.target, input.timeoutMs ?? AUDIT_DEFAULTS.timeoutMs, input.maxBodyBytes ?? CHECK_DEFAULTS.maxBodyBytes);
    queries.signal = signal;
    return queries;
  };
  return {
    collector,
    async begin(b) {
      begun = b;
      if (!collector.active) return;
      for (const info of namedBatches(input.profile, input.target, b)) batches.set(batchKeyOf(info.api, info.batch.key), info);
      const q = queriesOf(b.signal);
      await Promise.all(
        [...batches.entries()].map(async ([key, info]) => (info.before = input.before?.[key] ?? (await readStatistics(q, info)))),
      );
    },
    statisticsBefore() {
      const out: Record<string, Counts | { readonly failed: string }> = {};
      for (const [key, info] of batches) if (info.before !== undefined) out[key] = info.before;
      return out;
    },
    async finish(opts = {}) {
      if (!collector.active)
        return skippedAudit(
          "the profile's mix has no operation the audit reads (a claim, a redeem or a verification of an API with audit hooks)",
        );
      if (begun === undefined) return skippedAudit('the run stopped before its first request: nothing to audit');
      const q = queriesOf(opts.signal);
      const data = collector.kept();
      if (data.counts.unknownClaims + data.counts.unknownRedeems > 0) await sleep(AUDIT_DEFAULTS.settleMs, opts.signal);
      const started = performance.now();
      const result = await reconcile({
        input,
        data,
        batches,
        begun,
        q,
        strictRef: input.strictRef ?? input.target.embedded,
      });
      q.durationMs += performance.now() - started;
      return { ...result, queries: { sent: q.sent, failed: q.failed, durationMs: Math.round(q.durationMs) } };
    },
  };
}

// ---------------------------------------------------------------- the batches named before the run

/**
 * The batches the audit follows from the start: those the profile's `audit.batches` names (with their
 * stock and per-user limit) and those the claim operations name (their params evaluated for the first
 * user; an operation's `stock` is the batch's stock unless the audit block gives one).
 */
function namedBatches(doc: LoadProfileDoc, target: Target, b: AuditBegin): BatchInfo[] {
  const options = Object.assign({}, ...Object.values(target.endpoints).map((e) => e.options ?? {})) as Record<string, Json>;
  const vars: Record<string, Json> = { ...(Object.keys(options).length > 0 ? { target: options } : {}), ...b.vars };
  const ctx = {
    vars: { ...vars, user: b.userBase, requestId: 'audit', index: 0 },
    nowMs: () => Date.now(),
    fresh: { name: () => 'audit', int: () => b.userBase },
    skus: target.skus,
    index: 0,
  };
  const evaluate = (v: Json | undefined): Json | undefined => {
    try {
      return compileTemplate(v)(ctx);
    } catch {
      return undefined;
    }
  };
  const num = (v: number | string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(evaluate(v));
    return Number.isFinite(n) ? n : undefined;
  };
  const out = new Map<string, BatchInfo>();
  const roles = auditRoles(doc);
  roles.forEach((r, i) => {
    const op = doc.mix[i];
    if (r === undefined || op === undefined || r.read.role !== 'claim' || r.hooks.batchOf === undefined) return;
    const params = evaluate((op.params ?? {}) as Json);
    const batch = params !== null && typeof params === 'object' && !Array.isArray(params) ? r.hooks.batchOf(params) : undefined;
    if (batch === undefined) return;
    const key = batchKeyOf(r.api, batch.key);
    const stock = num(op.stock);
    if (!out.has(key)) out.set(key, { api: r.api, hooks: r.hooks, batch, ...(stock !== undefined ? { stock } : {}) });
  });
  // The block's batches are named as the claims name them: read by the claims' API first, else any API of the profile that can.
  const readers = [...new Set([...roles.flatMap((r) => (r?.read.role === 'claim' ? [r.api] : [])), ...doc.apis])].flatMap((api) => {
    const hooks = APIS.get(api)?.audit;
    return hooks?.batchOf ? [{ api, hooks }] : [];
  });
  for (const entry of doc.audit?.batches ?? []) {
    const params = evaluate(entry.batch as Json);
    if (params === null || typeof params !== 'object' || Array.isArray(params)) continue;
    for (const { api, hooks } of readers) {
      const batch = hooks.batchOf?.(params);
      if (batch === undefined) continue;
      const key = batchKeyOf(api, batch.key);
      const info = out.get(key) ?? { api, hooks, batch };
      const stock = num(entry.stock);
      const perUser = num(entry.perUser);
      if (stock !== undefined) info.stock = stock;
      if (perUser !== undefined) info.perUser = perUser;
      const perDay = num(entry.perDay);
      const perUserDaily = num(entry.perUserDaily);
      const amountPerDayFen = num(entry.amountPerDayFen);
      if (perDay !== undefined) info.perDay = perDay;
      if (perUserDaily !== undefined) info.perUserDaily = perUserDaily;
      if (amountPerDayFen !== undefined) info.amountPerDayFen = amountPerDayFen;
      out.set(key, info);
      break;
    }
  }
  return [...out.values()];
}

async function readStatistics(q: Queries, info: BatchInfo): Promise<Counts | { readonly failed: string }> {
  const s = info.hooks.statistics;
  if (s === undefined) return { failed: `${apiTitle(info.api)} offers no statistics the audit can read` };
  const got = await q.send(info.api, s.query(info.batch));
  if (!got.ok) return { failed: got.reason };
  return s.read(got.body) ?? { failed: `the statistics of ${info.batch.label} answered no claimed or used count` };
}

// ---------------------------------------------------------------- the audit's queries

type Sent = { readonly ok: true; readonly body: Json } | { readonly ok: false; readonly reason: string };

/** The audit's own calls: each prepared by its protocol and read by the one classifier (as `check` does), counted. */
class Queries {
  sent = 0;
  failed = 0;
  durationMs = 0;
  signal: AbortSignal | undefined;
  constructor(
    private readonly target: Target,
    private readonly timeoutMs: number,
    private readonly maxBodyBytes: number,
  ) {}

  async send(api: string, query: AuditQuery): Promise<Sent> {
    const endpoint = endpointOf(this.target, api);
    const def = APIS.get(api);
    if (endpoint === undefined || def === undefined) return { ok: false, reason: `the target does not serve ${apiTitle(api)}` };
    const adapter = adapterFor(def.protocol, endpoint);
    this.sent++;
    const exchange = await adapter.send({
      endpoint,
      operation: wireOperation(endpoint, query.call),
      app: query.params,
      transport: {},
      clockOffsetMs: this.target.clock?.offsetMs ?? 0,
      timeoutMs: this.timeoutMs,
      maxBodyBytes: this.maxBodyBytes,
      ...(this.signal ? { signal: this.signal } : {}),
    });
    const reader = readerFor({
      adapter,
      api: def.compiled(),
      operation: query.call,
      endpoint,
      level: 'must',
      maxBodyBytes: this.maxBodyBytes,
    });
    const answer = classify(exchange.outcome, reader);
    if (answer.kind === 'success') return { ok: true, body: answer.body };
    this.failed++;
    return { ok: false, reason: `${query.call} answered ${describeClassified(answer)}` };
  }
}

// ---------------------------------------------------------------- reading the users' coupons

/** One API's lists of the users read. */
interface Face {
  readonly api: string;
  readonly title: string;
  readonly hooks: ApiAuditHooks;
  readonly batches: boolean;
  /** Each user read whole (or as far as AUDIT_DEFAULTS.maxPages): their coupons. */
  readonly lists: Map<string, readonly ListedCoupon[]>;
  /** Users whose list was cut at maxPages. */
  cut: number;
  /** Users wanted but not read (beyond maxUsers, or after a failure). */
  notRead: number;
  /** Why the face stopped reading (the first failure). */
  failure?: string;
}

/** Reads the coupons of `users` on one API, AUDIT_DEFAULTS.concurrency at a time, stopping at its first failure. */
async function readFace(q: Queries, api: string, hooks: ApiAuditHooks, users: readonly string[]): Promise<Face> {
  const list = hooks.userCoupons;
  const face: Face = { api, title: apiTitle(api), hooks, batches: list?.batches ?? false, lists: new Map(), cut: 0, notRead: 0 };
  if (list === undefined) return { ...face, failure: `${apiTitle(api)} lists no user's coupons` };
  const wanted = users.slice(0, AUDIT_DEFAULTS.maxUsers);
  face.notRead = users.length - wanted.length;
  let next = 0;
  const worker = async () => {
    while (next < wanted.length && face.failure === undefined && q.signal?.aborted !== true) {
      const user = wanted[next++] ?? '';
      const got = await readUser(q, api, list, user);
      if ('failed' in got) face.failure ??= got.failed;
      else {
        face.lists.set(user, got.coupons);
        if (got.cut) face.cut++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(AUDIT_DEFAULTS.concurrency, wanted.length) }, worker));
  face.notRead += wanted.length - face.lists.size;
  return face;
}

/** One user's coupons: every query of the face, page after page until its total is read. */
async function readUser(
  q: Queries,
  api: string,
  list: NonNullable<ApiAuditHooks['userCoupons']>,
  user: string,
): Promise<{ coupons: ListedCoupon[]; cut: boolean } | { failed: string }> {
  const coupons: ListedCoupon[] = [];
  const first = list.queries(user, 1);
  const open = first.map((_, i) => i);
  const seen = first.map(() => 0);
  for (let page = 1; open.length > 0; page++) {
    if (page > AUDIT_DEFAULTS.maxPages) return { coupons, cut: true };
    const queries = list.queries(user, page);
    for (const i of [...open]) {
      const query = queries[i];
      if (query === undefined) continue;
      const got = await q.send(api, query);
      if (!got.ok) return { failed: got.reason };
      const read = list.read(got.body);
      if (read === undefined) return { failed: `${query.call} answered a list the audit cannot read` };
      coupons.push(...read.coupons);
      seen[i] = (seen[i] ?? 0) + read.coupons.length;
      // Done with this query when its total is read, or a page came back empty (a total that never fills).
      if ((seen[i] ?? 0) >= read.total || read.coupons.length === 0) open.splice(open.indexOf(i), 1);
    }
  }
  return { coupons, cut: false };
}

// ---------------------------------------------------------------- the reconciliation

interface ReconcileInput {
  readonly input: LoadAuditInput;
  readonly data: AuditData;
  readonly batches: Map<string, BatchInfo>;
  readonly begun: AuditBegin;
  readonly q: Queries;
  readonly strictRef: boolean;
}

/** Unknown claims of one user resolved against one list: made per batch key, and not made. */
interface Resolution {
  made: number;
  notMade: number;
  unresolved: number;
  readonly madeByBatch: Map<string, number>;
  readonly unresolvedByBatch: Map<string, number>;
}

async function reconcile(r: ReconcileInput): Promise<Omit<AuditResult, 'queries'>> {
  const { data, batches, input } = r;
  const doc = input.profile;
  const roles = rolesOf(doc);
  for (const [key, b] of Object.entries(data.batches))
    if (!batches.has(key)) {
      const hooks = APIS.get(b.api)?.audit;
      if (hooks) batches.set(key, { api: b.api, hooks, batch: b.batch });
    }

  // Who to read: every user with a claim, those with a redeem (their coupons name each coupon's batch), and a sample of the others.
  const claimUsers = unique([...data.claims, ...data.unknownClaims].map((c) => c.user));
  const redeemUsers = unique([...data.redeems, ...data.unknownRedeems, ...data.verifications].map((x) => x.user));
  const sample = roles.has('claim') ? sampleUsers(doc, r.begun.userBase, new Set(claimUsers)) : [];
  const faceApis = doc.apis.filter((api) => APIS.get(api)?.audit?.userCoupons !== undefined);
  const faces = await Promise.all(
    faceApis.map((api) => {
      const hooks = APIS.get(api)?.audit;
      if (hooks === undefined) throw new Error(`no audit hooks of ${api}`);
      const users = unique([...claimUsers, ...(hooks.userCoupons?.batches ? redeemUsers : []), ...sample]);
      // A list whose batch fields the target does not give names no batch: compared with every claim of the user.
      const named = unanswered(input.target, api, hooks.answerFields?.['list-batch']) === undefined;
      return readFace(r.q, api, hooks, users).then((face) => ({ ...face, batches: face.batches && named }));
    }),
  );
  // The counts after the run.
  const after = new Map<string, Counts | { readonly failed: string }>();
  await Promise.all([...batches].map(async ([key, info]) => after.set(key, await readStatistics(r.q, info))));

  const hooksOf = (role: string) => auditRoles(doc).find((x) => x?.read.role === role)?.hooks;
  const claimHooks = hooksOf('claim');
  const make = invariantMaker(r.strictRef, (id, hooks) => {
    const api = hooks === undefined ? undefined : doc.apis.find((a) => APIS.get(a)?.audit === hooks);
    return api === undefined ? undefined : unanswered(input.target, api, hooks?.answerFields?.[id]);
  });
  const invariants: AuditInvariantResult[] = [];
  const resolution = resolveUnknownClaims(data, faces);

  if (roles.has('claim')) {
    // Every batch of the claims' API the audit follows: one the storm did not touch must not have moved either.
    const claimApis = new Set(auditRoles(doc).flatMap((x) => (x?.read.role === 'claim' ? [x.api] : [])));
    const claimedBatches = [...batches].filter(([, b]) => claimApis.has(b.api));
    invariants.push(stockInvariant(make, claimHooks, data, claimedBatches, resolution, after));
    // A limit the profile never states is not one the target failed to show: judged where stated, else left out (not partial).
    if (claimedBatches.some(([, b]) => b.perUser !== undefined))
      invariants.push(perUserInvariant(make, claimHooks, data, claimedBatches, faces));
    invariants.push(codesUniqueInvariant(make, claimHooks, data));
    const retries = idempotentInvariant(make, claimHooks, data);
    if (retries) invariants.push(retries);
    if (faces.length === 0)
      invariants.push(
        make('claims-listed', claimHooks, "every acknowledged claim is in its user's list", {
          notChecked: "no API of the profile lists a user's coupons (add one that does to the profile's apis)",
        }),
      );
    const stormBatches = new Set(claimedBatches.map(([key]) => key));
    for (const face of faces) invariants.push(...listInvariants(make, face, faces.length > 1, data, claimUsers, sample, stormBatches));
    invariants.push(statisticsClaimedInvariant(make, claimHooks, data, claimedBatches, resolution, after));
    invariants.push(...dailyInvariants(make, claimHooks, data, claimedBatches, resolution, r.input.target.clock?.offsetMs ?? 0));
  }
  const redeemResolution = resolveUnknownRedeems(data, faces);
  if (roles.has('redeem')) {
    const redeemHooks = hooksOf('redeem');
    invariants.push(redeemedOnceInvariant(make, redeemHooks, data));
    invariants.push(statisticsUsedInvariant(make, redeemHooks, data, batches, after, faces, redeemResolution));
  }
  if (roles.has('verify')) {
    invariants.push(verifyInvariant(make, hooksOf('verify'), data));
    invariants.push(verifyDeductionInvariant(make, hooksOf('verify'), data, faces));
  }

  if (data.incomplete !== undefined) {
    const incomplete = data.incomplete;
    invariants.splice(0, invariants.length, ...invariants.map((i) => onPartOfTheRecords(i, incomplete)));
  }
  const unknownResolved = {
    made: resolution.made + redeemResolution.made,
    notMade: resolution.notMade + redeemResolution.notMade,
    unresolved: resolution.unresolved + redeemResolution.unresolved,
  };
  return { ...verdict(invariants), invariants, unknownResolved, acknowledged: { ...data.counts } };
}

/** The audit's status and its reason from its invariants. */
function verdict(invariants: readonly AuditInvariantResult[]): Pick<AuditResult, 'status' | 'reason'> {
  const violated = invariants.filter((i) => i.status === 'violated');
  const failing = violated.filter((i) => i.counts);
  const notChecked = invariants.filter((i) => i.status === 'not-checked');
  const refNote =
    violated.length > failing.length
      ? `; ${violated.length - failing.length} ref invariant(s) violated (${violated
          .filter((i) => !i.counts)
          .map((i) => i.id)
          .join(', ')}) do not fail the run`
      : '';
  if (failing.length > 0) return { status: 'failed', reason: `violated: ${failing.map((i) => i.id).join(', ')}${refNote}` };
  if (notChecked.length > 0)
    return {
      status: 'partial',
      reason: `not checked: ${notChecked.map((i) => `${i.id} (${i.reason ?? 'no reason'})`).join('; ')}${refNote}`,
    };
  const skipped = invariants.filter((i) => i.status === 'skipped');
  // Skipped by the target's own declaration (a binding without the fields read): said, never counted as held.
  const skipNote = skipped.length > 0 ? `; skipped: ${skipped.map((i) => i.id).join(', ')} (the target has no answer field they read)` : '';
  if (invariants.length === skipped.length) return { status: 'partial', reason: `no invariant applied to what the run did${skipNote}` };
  const held = invariants.filter((i) => i.status === 'held').length;
  return { status: 'passed', reason: `${held === 1 ? 'its one invariant' : `all ${held} invariants`} held${refNote}${skipNote}` };
}

type Make = (
  id: AuditInvariantId,
  hooks: ApiAuditHooks | undefined,
  title: string,
  judged:
    | { readonly notChecked: string }
    | {
        readonly held: boolean;
        readonly expected: string;
        readonly observed: string;
        readonly examples?: readonly AuditExample[];
        readonly reason?: string | undefined;
      },
  idSuffix?: string,
) => AuditInvariantResult;

/**
 * Why `fields` cannot all be read at the target's endpoint of `api` (its binding maps one of them onto
 * nothing the service has), or undefined when they can.
 */
function unanswered(target: Target, api: string, fields: readonly AuditField[] | undefined): string | undefined {
  const adapter = endpointOf(target, api)?.adapter;
  for (const { call, field } of fields ?? []) {
    const why = adapter?.unmappedAnswer?.(call, field);
    if (why !== undefined) return why;
  }
  return undefined;
}

/**
 * Builds invariant results with their rule, level and whether they count in this run; an invariant
 * `skipOf` gives a reason for (a field it reads that the target does not give) is skipped with it.
 */
function invariantMaker(strictRef: boolean, skipOf: (id: AuditInvariantId, hooks: ApiAuditHooks | undefined) => string | undefined): Make {
  return (id, hooks, title, judged, idSuffix) => {
    const rule = hooks?.rules[id];
    const level = rule?.level ?? 'must';
    const base = {
      id: idSuffix === undefined ? id : `${id}:${idSuffix}`,
      title,
      ...(rule ? { rule: rule.rule } : {}),
      level,
      counts: level === 'must' || strictRef,
    };
    const skipped = skipOf(id, hooks);
    if (skipped !== undefined) return { ...base, status: 'skipped', expected: '—', observed: '—', examples: [], reason: skipped };
    if ('notChecked' in judged)
      return { ...base, status: 'not-checked', expected: '—', observed: '—', examples: [], reason: judged.notChecked };
    return {
      ...base,
      status: judged.held ? 'held' : 'violated',
      expected: judged.expected,
      observed: judged.observed,
      examples: (judged.examples ?? []).slice(0, AUDIT_DEFAULTS.examples),
      ...(judged.reason !== undefined ? { reason: judged.reason } : {}),
    };
  };
}

// ---------------------------------------------------------------- unknown outcomes

/**
 * Unknown claims resolved on the first API whose lists name each coupon's batch (else the first that read):
 * per user and batch, the listed coupons no claim acknowledged are the unknown claims that were made
 * (as many as there were unknown claims; more are `nothing-unacknowledged`'s violation), the rest were not.
 */
function resolveUnknownClaims(data: AuditData, faces: readonly Face[]): Resolution {
  const res: Resolution = { made: 0, notMade: 0, unresolved: 0, madeByBatch: new Map(), unresolvedByBatch: new Map() };
  const face = faces.find((f) => f.batches && f.lists.size > 0) ?? faces.find((f) => f.lists.size > 0);
  const acked = ackedCodesByUser(data);
  for (const [user, unknowns] of groupBy(data.unknownClaims, (c) => c.user)) {
    const listed = face?.lists.get(user);
    if (face === undefined || listed === undefined) {
      res.unresolved += unknowns.length;
      for (const u of unknowns) bump(res.unresolvedByBatch, u.batch);
      continue;
    }
    const mine = acked.get(user) ?? new Set<string>();
    const unacked = listed.filter((c) => !mine.has(c.couponCode));
    const groups = face.batches ? groupBy(unknowns, (u) => u.batch) : new Map([['', unknowns]]);
    for (const [batch, claims] of groups) {
      const found = face.batches ? unacked.filter((c) => batchKeyOf(face.api, c.batch ?? '') === batch).length : unacked.length;
      const made = Math.min(found, claims.length);
      res.made += made;
      res.notMade += claims.length - made;
      // Made ones count for the batches of the first unknown claims (a face without batches cannot tell them apart).
      for (const c of claims.slice(0, made)) bump(res.madeByBatch, c.batch);
    }
  }
  return res;
}

/** Unknown redeems resolved by the coupon's state in its user's list: used for that order (made), unused or used for another (not made). */
function resolveUnknownRedeems(data: AuditData, faces: readonly Face[]): Resolution & { readonly madeCodes: Set<string> } {
  const res = {
    made: 0,
    notMade: 0,
    unresolved: 0,
    madeByBatch: new Map<string, number>(),
    unresolvedByBatch: new Map<string, number>(),
    madeCodes: new Set<string>(),
  };
  const face = faces.find((f) => f.batches && f.lists.size > 0);
  for (const u of data.unknownRedeems) {
    const coupon = face?.lists.get(u.user)?.find((c) => c.couponCode === u.couponCode);
    if (coupon === undefined || coupon.status === undefined) res.unresolved++;
    else if (coupon.status === 'used' && coupon.order === u.order) {
      res.made++;
      res.madeCodes.add(u.couponCode);
    } else res.notMade++;
  }
  return res;
}

// ---------------------------------------------------------------- the claim invariants

type BatchEntry = [string, BatchInfo];

/**
 * The distinct coupons acknowledged per batch (counted acknowledgements when some were not kept: a re-send
 * answered with its first coupon counts twice then). When the records did not all come back, the distinct
 * ones as the workers counted them (AuditData.distinctByBatch), else every acknowledgement.
 */
function ackedPerBatch(data: AuditData): Map<string, number> {
  // Beyond the collector's memory the workers' distinct count misses what was not kept: every acknowledgement then.
  if (data.counts.notKept > 0) return new Map(Object.entries(data.claimsByBatch));
  if (data.incomplete !== undefined) return new Map(Object.entries(data.distinctByBatch ?? data.claimsByBatch));
  return distinctAckedPerBatch(data);
}

/**
 * Beyond the audit's memory (counts.notKept): the acknowledged first sends per batch, distinct claims for
 * sure; every acknowledgement (ackedPerBatch) also counts the re-sends answered again with their coupon.
 */
function firstAckedPerBatch(data: AuditData): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, n] of Object.entries(data.claimsByBatch)) out.set(k, Math.max(0, n - (data.resentAcksByBatch?.[k] ?? 0)));
  return out;
}

/**
 * The coupons acknowledged per batch for sure: with part of the records, the distinct ones that came back
 * (surelyAckedPerBatch); beyond the audit's memory, the first sends (firstAckedPerBatch); else `acked`.
 */
function leastAckedPerBatch(data: AuditData, acked: Map<string, number>): Map<string, number> {
  if (data.incomplete !== undefined) return surelyAckedPerBatch(data);
  return data.counts.notKept > 0 ? firstAckedPerBatch(data) : acked;
}

/** With part of the records: the distinct coupons acknowledged per batch for sure (those that came back, or the workers' count while it is whole). */
function surelyAckedPerBatch(data: AuditData): Map<string, number> {
  const out = distinctAckedPerBatch(data);
  if (data.incomplete?.countsExact)
    for (const [k, n] of Object.entries(data.distinctByBatch ?? {})) out.set(k, Math.max(n, out.get(k) ?? 0));
  return out;
}

/** The distinct coupons among the acknowledged claims kept, per batch. */
function distinctAckedPerBatch(data: AuditData): Map<string, number> {
  const out = new Map<string, number>();
  const seen = new Set<string>();
  for (const c of data.claims) {
    if (c.couponCode !== undefined) {
      const k = `${c.batch}\u0000${c.couponCode}`;
      if (seen.has(k)) continue;
      seen.add(k);
    }
    bump(out, c.batch);
  }
  return out;
}

function stockInvariant(
  make: Make,
  hooks: ApiAuditHooks | undefined,
  data: AuditData,
  claimed: readonly BatchEntry[],
  res: Resolution,
  after: ReadonlyMap<string, Counts | { failed: string }>,
): AuditInvariantResult {
  const title = 'successes ≤ stock, per batch';
  const withStock = claimed.filter(([, b]) => b.stock !== undefined);
  if (withStock.length === 0)
    return make('stock', hooks, title, {
      notChecked: "no batch's stock is known (give the claim operation a `stock`, or the batch one in the profile's audit block)",
    });
  const acked = ackedPerBatch(data);
  // With part of the records (data.incomplete) the count above is an upper bound, and the unknown claims
  // that did not come back may have been made: over the stock surely only by the distinct codes that came.
  // Beyond the audit's memory the count above counts re-sends answered again: over surely only by first sends.
  const partial = data.incomplete !== undefined;
  const beyondMemory = !partial && data.counts.notKept > 0;
  const surely = leastAckedPerBatch(data, acked);
  const unseenUnknown = partial ? Math.max(0, data.counts.unknownClaims - data.unknownClaims.length) : 0;
  const expected: string[] = [];
  const observed: string[] = [];
  const examples: AuditExample[] = [];
  let held = true;
  let sure = false;
  for (const [key, b] of withStock) {
    const stock = b.stock ?? 0;
    const before = counts(b.before)?.claimed ?? 0;
    const made = res.madeByBatch.get(key) ?? 0;
    const total = before + (acked.get(key) ?? 0) + made + unseenUnknown;
    const reported = counts(after.get(key))?.claimed;
    const over = total > stock || (reported !== undefined && reported > stock);
    const least = partial ? before + (surely.get(key) ?? 0) : beyondMemory ? before + (surely.get(key) ?? 0) + made : total;
    if (least > stock || (reported !== undefined && reported > stock)) sure = true;
    if (over) {
      held = false;
      // The acknowledgements beyond the stock, in the order they came.
      const codes = new Set<string>();
      for (const c of data.claims)
        if (c.batch === key && c.couponCode !== undefined && !codes.has(c.couponCode)) {
          codes.add(c.couponCode);
          if (before + codes.size > stock) examples.push(example(c));
        }
    }
    expected.push(`${b.batch.label}: ≤ ${stock}`);
    observed.push(
      `${b.batch.label}: ${total} handed out (${acked.get(key) ?? 0} acknowledged${made > 0 ? ` + ${made} of unknown outcome found made` : ''}${before > 0 ? ` + ${before} before the run` : ''})${reported !== undefined ? `; statistics say ${reported} claimed` : ''}`,
    );
  }
  const skipped = claimed.length - withStock.length;
  if (!held && !sure)
    return make('stock', hooks, title, {
      notChecked: beyondMemory
        ? `over the stock only if re-sends answered beyond the audit's memory were new coupons, not their first answered again (${observed.join('; ')})`
        : `over the stock only if acknowledgements that did not come back were new coupons, not re-sends answered again (${observed.join('; ')})`,
    });
  return make('stock', hooks, title, {
    held,
    expected: expected.join('; '),
    observed: observed.join('; '),
    examples,
    reason: skipped > 0 ? `${skipped} batch(es) without a known stock not checked` : undefined,
  });
}

function perUserInvariant(
  make: Make,
  hooks: ApiAuditHooks | undefined,
  data: AuditData,
  claimed: readonly BatchEntry[],
  faces: readonly Face[],
): AuditInvariantResult {
  const title = 'no user holds more than the per-user limit, per batch';
  const limited = claimed.filter(([, b]) => b.perUser !== undefined);
  if (limited.length === 0)
    return make('per-user', hooks, title, {
      notChecked: "no batch's per-user limit is known (give it as perUser in the profile's audit block)",
    });
  const expected: string[] = [];
  const observed: string[] = [];
  const examples: AuditExample[] = [];
  let held = true;
  for (const [key, b] of limited) {
    const limit = b.perUser ?? 0;
    const held0 = new Map<string, Set<string>>();
    for (const c of data.claims) {
      if (c.batch !== key) continue;
      const set = held0.get(c.user) ?? new Set<string>();
      set.add(c.couponCode ?? `#${set.size}`);
      held0.set(c.user, set);
    }
    // What the lists that name batches say each user holds: the target's own account.
    const holds = new Map<string, number>([...held0].map(([u, s]) => [u, s.size]));
    for (const face of faces.filter((f) => f.batches))
      for (const [user, coupons] of face.lists) {
        const n = coupons.filter((c) => batchKeyOf(face.api, c.batch ?? '') === key).length;
        if (n > (holds.get(user) ?? 0)) holds.set(user, n);
      }
    const over = [...holds].filter(([, n]) => n > limit);
    const most = Math.max(0, ...holds.values());
    if (over.length > 0) {
      held = false;
      for (const [user] of over) for (const c of data.claims) if (c.batch === key && c.user === user) examples.push(example(c));
    }
    expected.push(`${b.batch.label}: ≤ ${limit} per user`);
    observed.push(
      over.length > 0
        ? `${b.batch.label}: ${over.length} user(s) over the limit, the most held ${most}`
        : `${b.batch.label}: at most ${most} per user over ${holds.size} users`,
    );
  }
  return make('per-user', hooks, title, { held, expected: expected.join('; '), observed: observed.join('; '), examples });
}

function codesUniqueInvariant(make: Make, hooks: ApiAuditHooks | undefined, data: AuditData): AuditInvariantResult {
  const title = 'coupon codes unique: no code acknowledged to two claims';
  const byCode = new Map<string, ClaimRecord[]>();
  for (const c of data.claims) {
    if (c.couponCode === undefined) continue;
    const list = byCode.get(c.couponCode) ?? [];
    list.push(c);
    byCode.set(c.couponCode, list);
  }
  // One claim is one user's request id: its retries answer its one coupon again.
  const identity = (c: ClaimRecord, i: number) => (c.requestId === undefined ? `#${i}` : `${c.user}\u0000${c.requestId}`);
  const shared = [...byCode].filter(([, claims]) => new Set(claims.map(identity)).size > 1);
  return make('codes-unique', hooks, title, {
    held: shared.length === 0,
    expected: '0 codes acknowledged to more than one claim',
    observed: `${shared.length} of ${byCode.size} codes acknowledged to more than one claim`,
    examples: shared.flatMap(([, claims]) => claims.map((c) => example(c))),
    reason: data.counts.notKept > 0 ? `${data.counts.notKept} answers beyond the audit's memory were counted, not compared` : undefined,
  });
}

/**
 * Present only when some request id was sent more than once, as far as the run kept (an acknowledged
 * claim, and refusals of request ids re-sent: audit-log.ts). Violated by a request id acknowledged with
 * two coupon codes, or acknowledged and refused (CPN-REF-07: the same pair again answers the coupon of the
 * first claim). A refusal answered before the acknowledged send left is not counted: a refused claim
 * reserves nothing, so a later retry may be granted.
 */
function idempotentInvariant(make: Make, hooks: ApiAuditHooks | undefined, data: AuditData): AuditInvariantResult | undefined {
  const idOf = (c: ClaimRecord) => `${c.batch}\u0000${c.user}\u0000${c.requestId}`;
  const acked = groupBy(
    data.claims.filter((c) => c.requestId !== undefined),
    idOf,
  );
  const refused = groupBy(data.retryRefusals.kept, idOf);
  const answers = (id: string) => (acked.get(id)?.length ?? 0) + (refused.get(id)?.length ?? 0);
  const retried = unique([...acked.keys(), ...refused.keys()]).filter((id) => answers(id) > 1).length;
  if (retried === 0) return undefined;
  const twice = [...acked.values()].filter((claims) => new Set(claims.map((c) => c.couponCode)).size > 1);
  const refusedAfter = [...refused].flatMap(([id, refusals]) => {
    const claims = acked.get(id);
    if (claims === undefined) return [];
    const firstSent = Math.min(...claims.map((c) => c.sentAtMs ?? Number.NEGATIVE_INFINITY));
    const late = refusals.find((r) => (r.atMs ?? Number.POSITIVE_INFINITY) > firstSent);
    return late === undefined ? [] : [{ claim: claims[0] ?? late, refusal: late }];
  });
  const notKept = data.retryRefusals.notKept;
  return make('idempotent-retries', hooks, 'a claim re-sent with its request id never issues twice, nor is refused once acknowledged', {
    held: twice.length === 0 && refusedAfter.length === 0,
    expected: 'one coupon per request id, answered again to every re-send',
    observed: `${twice.length} of ${retried} request ids sent more than once got more than one coupon; ${refusedAfter.length} were acknowledged and refused`,
    examples: [
      ...refusedAfter.map(({ claim, refusal }) => ({
        ...example(claim),
        ...(refusal.refusalCode !== undefined ? { refusalCode: refusal.refusalCode } : {}),
      })),
      ...twice.flatMap((claims) => claims.map((c) => example(c))),
    ],
    reason: notKept > 0 ? `${notKept} refusals of re-sent request ids beyond the audit's memory were counted, not compared` : undefined,
  });
}

/** `claims-listed` and `nothing-unacknowledged` on one API's lists. */
function listInvariants(
  make: Make,
  face: Face,
  suffix: boolean,
  data: AuditData,
  claimUsers: readonly string[],
  sample: readonly string[],
  stormBatches: ReadonlySet<string>,
): AuditInvariantResult[] {
  const id = suffix ? face.api : undefined;
  const listedTitle = `every acknowledged claim is in its user's list (${face.title})`;
  const extraTitle = `nothing in the users' lists that no claim acknowledged (${face.title})`;
  if (face.lists.size === 0) {
    const why = face.failure ?? 'no user was read';
    return [
      make('claims-listed', face.hooks, listedTitle, { notChecked: why }, id),
      make('nothing-unacknowledged', face.hooks, extraTitle, { notChecked: why }, id),
    ];
  }
  const limits = [
    ...(face.notRead > 0 ? [`the coupons of ${face.notRead} user(s) were not read${face.failure ? ` (${face.failure})` : ''}`] : []),
    ...(face.cut > 0 ? [`${face.cut} user(s) hold more than ${AUDIT_DEFAULTS.maxPages} pages: read in part`] : []),
  ];
  const reason = limits.length > 0 ? limits.join('; ') : undefined;

  // Every acknowledged coupon of a user read is listed.
  const missing: ClaimRecord[] = [];
  let checked = 0;
  for (const c of data.claims) {
    const listed = face.lists.get(c.user);
    if (listed === undefined || c.couponCode === undefined) continue;
    checked++;
    if (!listed.some((l) => l.couponCode === c.couponCode)) missing.push(c);
  }
  const listedResult = make(
    'claims-listed',
    face.hooks,
    listedTitle,
    {
      held: missing.length === 0,
      expected: `each of the ${checked} acknowledged coupons of the users read listed`,
      observed: missing.length === 0 ? `all ${checked} listed` : `${missing.length} of ${checked} missing from their user's list`,
      examples: missing.map((c) => example(c)),
      reason,
    },
    id,
  );

  // Nothing of the storm's batches listed that no claim acknowledged, beyond the user's claims of unknown outcome.
  if (data.counts.notKept > 0)
    return [
      listedResult,
      make(
        'nothing-unacknowledged',
        face.hooks,
        extraTitle,
        {
          notChecked: `${data.counts.notKept} answers beyond the audit's memory were counted, not kept: a listed coupon cannot be told unacknowledged`,
        },
        id,
      ),
    ];
  const acked = ackedCodesByUser(data);
  const unknowns = groupBy(data.unknownClaims, (c) => c.user);
  const extra: AuditExample[] = [];
  let extraCount = 0;
  const users = unique([...claimUsers, ...sample]);
  let usersRead = 0;
  for (const user of users) {
    const listed = face.lists.get(user);
    if (listed === undefined) continue;
    usersRead++;
    const mine = acked.get(user) ?? new Set<string>();
    const ofStorm = face.batches ? listed.filter((c) => stormBatches.has(batchKeyOf(face.api, c.batch ?? ''))) : listed;
    const unacked = ofStorm.filter((c) => !mine.has(c.couponCode));
    const mayBe = unknowns.get(user) ?? [];
    const groups = face.batches ? groupBy(unacked, (c) => batchKeyOf(face.api, c.batch ?? '')) : new Map([['', unacked]]);
    for (const [batch, coupons] of groups) {
      const allowed = face.batches ? mayBe.filter((u) => u.batch === batch).length : mayBe.length;
      const excess = coupons.slice(allowed);
      extraCount += excess.length;
      for (const c of excess) extra.push({ user, couponCode: c.couponCode, note: 'listed, but no claim acknowledged it' });
    }
  }
  return [
    listedResult,
    make(
      'nothing-unacknowledged',
      face.hooks,
      extraTitle,
      {
        held: extraCount === 0,
        expected: `no coupon beyond the acknowledged claims and those of unknown outcome (${usersRead} users read, ${sample.filter((u) => face.lists.has(u)).length} of them without a claim)`,
        observed: extraCount === 0 ? 'none' : `${extraCount} coupon(s) no claim acknowledged`,
        examples: extra,
        reason,
      },
      id,
    ),
  ];
}

function statisticsClaimedInvariant(
  make: Make,
  hooks: ApiAuditHooks | undefined,
  data: AuditData,
  claimed: readonly BatchEntry[],
  res: Resolution,
  after: ReadonlyMap<string, Counts | { failed: string }>,
): AuditInvariantResult {
  const title = "statistics' claimed count moved by the claims acknowledged";
  if (claimed.length === 0) return make('statistics-claimed', hooks, title, { notChecked: 'no batch with claims was identified' });
  const acked = ackedPerBatch(data);
  // With part of the records: at least the distinct codes that came back, at most every acknowledgement
  // counted and every unknown claim that did not come back made. Beyond the audit's memory: at least the
  // first sends acknowledged, at most every acknowledgement.
  const partial = data.incomplete !== undefined;
  const least = leastAckedPerBatch(data, acked);
  const unseenUnknown = partial ? Math.max(0, data.counts.unknownClaims - data.unknownClaims.length) : 0;
  const expected: string[] = [];
  const observed: string[] = [];
  let held = true;
  for (const [key, b] of claimed) {
    const before = b.before;
    const now = after.get(key);
    if (before === undefined || 'failed' in before || before.claimed === undefined)
      return make('statistics-claimed', hooks, title, {
        notChecked:
          before !== undefined && 'failed' in before
            ? `${b.batch.label} before the run: ${before.failed}`
            : `${b.batch.label}: its count before the run was not read (name the batch in the profile's audit block)`,
      });
    if (now === undefined || 'failed' in now || now.claimed === undefined)
      return make('statistics-claimed', hooks, title, {
        notChecked: `${b.batch.label} after the run: ${now !== undefined && 'failed' in now ? now.failed : 'no claimed count'}`,
      });
    const low = (least.get(key) ?? 0) + (partial ? 0 : (res.madeByBatch.get(key) ?? 0));
    const high = (acked.get(key) ?? 0) + (res.madeByBatch.get(key) ?? 0) + (res.unresolvedByBatch.get(key) ?? 0) + unseenUnknown;
    const delta = now.claimed - before.claimed;
    if (delta < low || delta > high) held = false;
    expected.push(`${b.batch.label}: +${low === high ? low : `${low}…${high}`}`);
    observed.push(`${b.batch.label}: +${delta} (${before.claimed} → ${now.claimed})`);
  }
  return make('statistics-claimed', hooks, title, { held, expected: expected.join('; '), observed: observed.join('; ') });
}

// ---------------------------------------------------------------- redeems and verifications

function redeemedOnceInvariant(make: Make, hooks: ApiAuditHooks | undefined, data: AuditData): AuditInvariantResult {
  const byCode = groupBy(data.redeems, (x) => x.couponCode);
  const twice = [...byCode].filter(([, rs]) => new Set(rs.map((x) => x.order)).size > 1);
  return make('redeemed-once', hooks, 'a coupon is redeemed at most once', {
    held: twice.length === 0,
    expected: 'each coupon acknowledged redeemed for one order at most',
    observed: `${twice.length} of ${byCode.size} coupons acknowledged redeemed for more than one order`,
    examples: twice.map(([code, rs]) => ({
      user: rs[0]?.user ?? '',
      couponCode: code,
      note: `redeemed for orders ${[...new Set(rs.map((x) => x.order))].slice(0, 5).join(', ')}`,
    })),
    reason: data.counts.notKept > 0 ? `${data.counts.notKept} answers beyond the audit's memory were counted, not compared` : undefined,
  });
}

function statisticsUsedInvariant(
  make: Make,
  hooks: ApiAuditHooks | undefined,
  data: AuditData,
  batches: ReadonlyMap<string, BatchInfo>,
  after: ReadonlyMap<string, Counts | { failed: string }>,
  faces: readonly Face[],
  res: Resolution & { readonly madeCodes: Set<string> },
): AuditInvariantResult {
  const title = "statistics' used count moved by the redeems acknowledged";
  const face = faces.find((f) => f.batches && f.lists.size > 0);
  if (face === undefined)
    return make('statistics-used', hooks, title, {
      notChecked: `no list that names each coupon's batch was read${faces.find((f) => f.failure)?.failure ? `: ${faces.find((f) => f.failure)?.failure}` : ''}`,
    });
  // Each redeemed coupon's batch, from its user's list.
  const codes = unique([...data.redeems.map((x) => x.couponCode), ...res.madeCodes]);
  const owner = new Map([...data.redeems, ...data.unknownRedeems].map((x) => [x.couponCode, x.user]));
  const byBatch = new Map<string, number>();
  let unplaced = 0;
  for (const code of codes) {
    const c = face.lists.get(owner.get(code) ?? '')?.find((l) => l.couponCode === code);
    if (c?.batch === undefined) unplaced++;
    else bump(byBatch, batchKeyOf(face.api, c.batch));
  }
  if (unplaced > 0)
    return make('statistics-used', hooks, title, {
      notChecked: `${unplaced} redeemed coupon(s) were not found in their user's list, so their batch is not known`,
    });
  const expected: string[] = [];
  const observed: string[] = [];
  let held = true;
  const followed = [...batches].filter(([key, b]) => b.api === face.api && (byBatch.has(key) || b.before !== undefined));
  for (const [key, b] of followed) {
    const before = counts(b.before)?.used;
    const now = counts(after.get(key))?.used;
    if (before === undefined || now === undefined)
      return make('statistics-used', hooks, title, {
        notChecked: `${b.batch.label}: its used count was not read ${before === undefined ? 'before' : 'after'} the run`,
      });
    const low = byBatch.get(key) ?? 0;
    const high = low + res.unresolved;
    const delta = now - before;
    if (delta < low || delta > high) held = false;
    expected.push(`${b.batch.label}: +${low === high ? low : `${low}…${high}`}`);
    observed.push(`${b.batch.label}: +${delta} (${before} → ${now})`);
  }
  if (followed.length === 0)
    return make('statistics-used', hooks, title, { notChecked: 'no batch of the redeemed coupons was identified' });
  return make('statistics-used', hooks, title, { held, expected: expected.join('; '), observed: observed.join('; ') });
}

function verifyInvariant(make: Make, hooks: ApiAuditHooks | undefined, data: AuditData): AuditInvariantResult {
  const bad = data.verifications.flatMap((v) => {
    if (v.differing.length > 0)
      return [
        { user: v.user, couponCode: v.couponCode, note: `deductions ${[v.deductionFen, ...v.differing].join(', ')} fen for one order` },
      ];
    if (v.deductionFen !== undefined && (v.deductionFen < 0 || (v.orderFen !== undefined && v.deductionFen > v.orderFen)))
      return [{ user: v.user, couponCode: v.couponCode, note: `deduction ${v.deductionFen} fen on an order of ${v.orderFen ?? '?'} fen` }];
    return [];
  });
  return make('verify-consistent', hooks, "one deduction per coupon and order, within the order's amount", {
    held: bad.length === 0,
    expected: 'the same deduction each time a coupon is verified against one order, 0 ≤ deduction ≤ the order',
    observed: `${bad.length} of ${data.verifications.length} (coupon, order) pairs with differing or out-of-range deductions (${data.counts.verifications} verifications)`,
    examples: bad,
  });
}

/**
 * `verify-deduction`: each verification acknowledged deducted what the coupon's terms give for its order,
 * by the API's own arithmetic (the conformance table's: ApiAuditHooks.deductionOf), the coupon's terms as
 * its user's list shows them. An order the answer did not find wholly in the coupon's scope is not compared
 * (a list does not show the scope).
 */
function verifyDeductionInvariant(
  make: Make,
  hooks: ApiAuditHooks | undefined,
  data: AuditData,
  faces: readonly Face[],
): AuditInvariantResult {
  const title = "each verified order's deduction is what the coupon's terms give for it";
  const face = faces.find((f) => f.hooks.deductionOf !== undefined && f.lists.size > 0);
  const deductionOf = face?.hooks.deductionOf;
  if (face === undefined || deductionOf === undefined)
    return make('verify-deduction', hooks, title, {
      notChecked: `no list that shows a coupon's terms was read${faces.find((f) => f.failure)?.failure ? `: ${faces.find((f) => f.failure)?.failure}` : ''}`,
    });
  const bad: AuditExample[] = [];
  let compared = 0;
  let skipped = 0;
  for (const v of data.verifications) {
    const coupon = face.lists.get(v.user)?.find((c) => c.couponCode === v.couponCode);
    const wholeOrder = v.eligibleFen === undefined || v.eligibleFen === v.orderFen;
    const expected = coupon !== undefined && wholeOrder ? deductionOf(coupon, v.order) : undefined;
    if (expected === undefined || v.deductionFen === undefined) {
      skipped++;
      continue;
    }
    compared++;
    if (v.deductionFen !== expected)
      bad.push({ user: v.user, couponCode: v.couponCode, note: `deducted ${v.deductionFen} fen where its terms give ${expected} fen` });
  }
  if (compared === 0)
    return make('verify-deduction', hooks, title, {
      notChecked: `none of the ${data.verifications.length} (coupon, order) pairs could be compared: the coupon was not listed, or part of the order was out of its scope`,
    });
  return make('verify-deduction', hooks, title, {
    held: bad.length === 0,
    expected: "each deduction as the coupon's terms give it for the order",
    observed: `${bad.length} of ${compared} (coupon, order) pairs deducted otherwise`,
    examples: bad,
    reason: skipped > 0 ? `${skipped} pair(s) not compared (coupon not listed, or part of the order out of scope)` : undefined,
  });
}

/** Days as the documents count them: calendar days of UTC+8 (CPN-REF-03). */
const DAY_MS = 86_400_000;
const UTC8_MS = 8 * 3_600_000;
const dayOf = (atMs: number) => Math.floor((atMs + UTC8_MS) / DAY_MS);
const dayLabel = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * `daily-count`, `daily-amount`, `per-user-daily`: per batch whose limits the profile's audit block gives,
 * what it handed out on each UTC+8 day of the run (the target's clock) — acknowledged claims by the day
 * their answer came, unknown outcomes found made, and the batch's claims before the run counted as the
 * first day's (a batch claimed on an earlier day makes this stricter than our reading: name a fresh
 * batch) — within max_coupons_by_day, max_amount_by_day (fen) and max_coupon_number_per_user_daily.
 * Present only for the limits given.
 */
function dailyInvariants(
  make: Make,
  hooks: ApiAuditHooks | undefined,
  data: AuditData,
  claimed: readonly BatchEntry[],
  res: Resolution,
  clockOffsetMs: number,
): AuditInvariantResult[] {
  const out: AuditInvariantResult[] = [];
  const distinct = distinctClaims(data);
  const firstDay = Math.min(...distinct.map((c) => dayOf((c.atMs ?? Date.now()) + clockOffsetMs)), dayOf(Date.now() + clockOffsetMs));
  type Tally = { count: number; amountFen: number; claims: ClaimRecord[] };
  const tally = (key: string) => {
    const days = new Map<number, Tally>();
    for (const c of distinct) {
      if (c.batch !== key) continue;
      const day = dayOf((c.atMs ?? Date.now()) + clockOffsetMs);
      const t = days.get(day) ?? { count: 0, amountFen: 0, claims: [] };
      t.count++;
      t.amountFen += c.amountFen ?? 0;
      t.claims.push(c);
      days.set(day, t);
    }
    return days;
  };
  const judge = (
    id: AuditInvariantId,
    title: string,
    limitOf: (b: BatchInfo) => number | undefined,
    amountOf: (t: Tally, b: BatchInfo, key: string, first: boolean) => number,
    unit: string,
  ) => {
    const limited = claimed.filter(([, b]) => limitOf(b) !== undefined);
    if (limited.length === 0) return;
    const expected: string[] = [];
    const observed: string[] = [];
    const examples: AuditExample[] = [];
    let held = true;
    for (const [key, b] of limited) {
      const limit = limitOf(b) ?? 0;
      const days = tally(key);
      if (!days.has(firstDay)) days.set(firstDay, { count: 0, amountFen: 0, claims: [] });
      expected.push(`${b.batch.label}: ≤ ${limit}${unit} a day`);
      for (const [day, t] of [...days].sort((x, y) => x[0] - y[0])) {
        const value = amountOf(t, b, key, day === firstDay);
        if (value > limit) {
          held = false;
          examples.push(...t.claims.slice(-AUDIT_DEFAULTS.examples).map((c) => example(c)));
        }
        observed.push(`${b.batch.label} ${dayLabel(day)}: ${value}${unit}`);
      }
    }
    out.push(make(id, hooks, title, { held, expected: expected.join('; '), observed: observed.join('; '), examples }));
  };
  // The first day also holds what was claimed before the run and the unknown outcomes found made.
  const extra = (b: BatchInfo, key: string) => (counts(b.before)?.claimed ?? 0) + (res.madeByBatch.get(key) ?? 0);
  judge(
    'daily-count',
    'coupons handed out a day ≤ max_coupons_by_day, per batch',
    (b) => b.perDay,
    (t, b, key, first) => t.count + (first ? extra(b, key) : 0),
    '',
  );
  judge(
    'daily-amount',
    'amount handed out a day ≤ max_amount_by_day, per batch',
    (b) => b.amountPerDayFen,
    (t, b, key, first) => {
      // Coupons not seen (claimed before the run, found made) count at the value the run's claims of the batch showed.
      const each = distinct.find((c) => c.batch === key && c.amountFen !== undefined)?.amountFen ?? 0;
      return t.amountFen + (first ? extra(b, key) * each : 0);
    },
    ' fen',
  );
  // Per user a day: the run's own claims (its users are fresh per run: they claimed nothing before it).
  const perUserDaily = claimed.filter(([, b]) => b.perUserDaily !== undefined);
  if (perUserDaily.length > 0) {
    const expected: string[] = [];
    const observed: string[] = [];
    const examples: AuditExample[] = [];
    let held = true;
    for (const [key, b] of perUserDaily) {
      const limit = b.perUserDaily ?? 0;
      const byUserDay = groupBy(
        distinct.filter((c) => c.batch === key),
        (c) => `${c.user}\u0000${dayOf((c.atMs ?? Date.now()) + clockOffsetMs)}`,
      );
      const over = [...byUserDay.values()].filter((cs) => cs.length > limit);
      const most = Math.max(0, ...[...byUserDay.values()].map((cs) => cs.length));
      if (over.length > 0) held = false;
      for (const cs of over) examples.push(...cs.map((c) => example(c)));
      expected.push(`${b.batch.label}: ≤ ${limit} per user a day`);
      observed.push(
        over.length > 0
          ? `${b.batch.label}: ${over.length} user-day(s) over the limit, the most ${most}`
          : `${b.batch.label}: at most ${most} per user a day`,
      );
    }
    out.push(
      make('per-user-daily', hooks, 'no user takes more than max_coupon_number_per_user_daily a day, per batch', {
        held,
        expected: expected.join('; '),
        observed: observed.join('; '),
        examples,
      }),
    );
  }
  return out;
}

/** Acknowledged claims, one per coupon (a re-send answered its first coupon again: one claim). */
function distinctClaims(data: AuditData): ClaimRecord[] {
  const seen = new Set<string>();
  return data.claims.filter((c) => {
    const k = c.couponCode === undefined ? undefined : `${c.batch}\u0000${c.couponCode}`;
    if (k === undefined) return true;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

// ---------------------------------------------------------------- records that did not all come back

/** Invariants whose violation on part of the records is a violation of the whole (what came back was answered so). */
const SURE_ON_PART = new Set([
  'codes-unique',
  'idempotent-retries',
  'per-user',
  'claims-listed',
  'redeemed-once',
  'verify-consistent',
  'verify-deduction',
  'stock',
]);
/** Invariants judged from the counts and bounds (stock, statistics-claimed): held on part of the records while the counts are whole. */
const COUNTS_ONLY = new Set(['stock', 'statistics-claimed']);

/**
 * An invariant judged on part of the records (AuditData.incomplete): held only where it is judged from the
 * counts and they are whole; violated where what came back shows it; otherwise not checked, never passed.
 */
function onPartOfTheRecords(i: AuditInvariantResult, incomplete: NonNullable<AuditData['incomplete']>): AuditInvariantResult {
  const id = i.id.split(':')[0] ?? i.id;
  if (i.status === 'held' && COUNTS_ONLY.has(id) && incomplete.countsExact) return i;
  if (i.status === 'violated' && (SURE_ON_PART.has(id) || (id === 'statistics-claimed' && incomplete.countsExact))) return i;
  if (i.status !== 'held' && i.status !== 'violated') return i;
  return {
    ...i,
    status: 'not-checked',
    examples: [],
    reason: `judged on part of the records only (${i.status} on those): ${incomplete.reason}`,
  };
}

// ---------------------------------------------------------------- small helpers

/**
 * Users of the profile's range with no claim, spread evenly over it: their lists must hold nothing of
 * the storm's batches (a coupon handed out to a request nobody saw acknowledged).
 */
function sampleUsers(doc: LoadProfileDoc, userBase: number, exclude: ReadonlySet<string>): string[] {
  const want = doc.audit?.sampleUsers ?? AUDIT_DEFAULTS.sampleUsers;
  const count = doc.users.count;
  const out: string[] = [];
  const step = Math.max(1, Math.floor(count / Math.max(1, want)));
  // Evenly spread first; a user who claimed gives way to the next one over.
  for (let pass = 0; pass < step && out.length < want; pass++)
    for (let k = pass; k < count && out.length < want; k += step) {
      const user = String(userBase + k);
      if (!exclude.has(user)) out.push(user);
    }
  return out;
}

function ackedCodesByUser(data: AuditData): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const c of data.claims) {
    if (c.couponCode === undefined) continue;
    const set = out.get(c.user) ?? new Set<string>();
    set.add(c.couponCode);
    out.set(c.user, set);
  }
  return out;
}

function example(c: ClaimRecord): AuditExample {
  return {
    user: c.user,
    ...(c.requestId !== undefined ? { requestId: c.requestId } : {}),
    ...(c.couponCode !== undefined ? { couponCode: c.couponCode } : {}),
  };
}

function counts(v: Counts | { readonly failed: string } | undefined): Counts | undefined {
  return v === undefined || 'failed' in v ? undefined : v;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function apiTitle(api: string): string {
  return APIS.get(api)?.title ?? api;
}
