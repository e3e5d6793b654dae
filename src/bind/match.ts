/**
 * Which operation of the service's OpenAPI document each spec operation is. The matching rule:
 *
 * - **The action must be named.** One of the words the spec operation's action is known by
 *   (words.ts ACTIONS: claim ~ receive/grab, statistics ~ stats, add ~ create …) is a word of the
 *   OpenAPI operation's operationId or of its path's fixed segments (+10), or else of its summary,
 *   description or tags (+5). Without it the operation is no candidate, whatever else matches: a
 *   document lacking an operation leaves a TODO, never a guess.
 * - **Then the rest adds up:** each other word of the spec operation's name found there (+1; plurals
 *   read as singulars: `/users/{userId}/coupons` has `user` and `coupon`), each spec input (parameter
 *   or body property) an input of the OpenAPI operation matches by name or synonym (+2; words.ts), and
 *   the HTTP method a query (GET) or a change (POST, PUT, PATCH) would use (+1).
 * - **One each:** the pairs are taken best score first; an OpenAPI operation binds one spec operation
 *   at most, and a spec operation one OpenAPI operation.
 */
import type { ServiceInput, ServiceOperation } from './openapi.js';
import type { SpecInput, SpecOperation } from './spec-ops.js';
import { ACTIONS, nameMatch, type NameMatch, words } from './words.js';

/** A spec operation and the OpenAPI operation chosen for it, with what the choice rested on. */
export interface OperationMatch {
  readonly spec: SpecOperation;
  readonly service: ServiceOperation;
  readonly score: number;
  /** What was matched, in words (`operationId word 'claim'`, `uid ~ userId (synonym)`). */
  readonly on: readonly string[];
}

const QUERIES = new Set(['list', 'statistics', 'get', 'query']);

/** Scores one pair; undefined when the OpenAPI operation does not name the action. */
export function scorePair(spec: SpecOperation, service: ServiceOperation): { score: number; on: string[] } | undefined {
  const strong = new Set([...words(service.operationId ?? ''), ...pathWords(service.path)].map(singular));
  const weak = new Set([...words(service.summary), ...service.tags.flatMap(words)].map(singular));
  const actionWords = (ACTIONS[spec.action] ?? [spec.action]).map(singular);
  const on: string[] = [];
  let score = 0;
  const strongHit = actionWords.find((w) => strong.has(w));
  const weakHit = actionWords.find((w) => weak.has(w));
  if (strongHit !== undefined) {
    score += 10;
    on.push(
      `${service.operationId !== undefined && words(service.operationId).map(singular).includes(strongHit) ? 'operationId' : 'path'} word '${strongHit}'`,
    );
  } else if (weakHit !== undefined) {
    score += 5;
    on.push(`summary word '${weakHit}'`);
  } else return undefined;
  for (const w of spec.context.map(singular))
    if (strong.has(w) || weak.has(w)) {
      score += 1;
      on.push(`word '${w}'`);
    }
  const inputs = [...service.pathParams, ...service.query, ...service.headers, ...service.body];
  for (const input of spec.each?.inputs ?? spec.inputs) {
    const m = bestInput(input, inputs);
    if (m !== undefined) {
      score += 2;
      on.push(`${input.name} ~ ${m.input.name}${m.how === 'synonym' ? ' (synonym)' : ''}`);
    }
  }
  const wantsGet = QUERIES.has(spec.action);
  if (wantsGet === (service.method === 'GET')) score += 1;
  return { score, on };
}

/** The service input matching a spec input: by the same name first, else by a synonym. */
export function bestInput(input: SpecInput, candidates: readonly ServiceInput[]): { input: ServiceInput; how: NameMatch } | undefined {
  let synonym: ServiceInput | undefined;
  for (const c of candidates) {
    const how = nameMatch(input.name, c.name);
    if (how === 'same name') return { input: c, how };
    if (how === 'synonym') synonym ??= c;
  }
  return synonym === undefined ? undefined : { input: synonym, how: 'synonym' };
}

/** The best OpenAPI operation for each spec operation that has one (see the module's rule). */
export function matchOperations(specs: readonly SpecOperation[], services: readonly ServiceOperation[]): OperationMatch[] {
  const pairs: OperationMatch[] = [];
  for (const spec of specs)
    for (const service of services) {
      const s = scorePair(spec, service);
      if (s !== undefined) pairs.push({ spec, service, score: s.score, on: s.on });
    }
  pairs.sort((a, b) => b.score - a.score);
  const usedSpec = new Set<SpecOperation>();
  const usedService = new Set<ServiceOperation>();
  const chosen: OperationMatch[] = [];
  for (const p of pairs) {
    if (usedSpec.has(p.spec) || usedService.has(p.service)) continue;
    usedSpec.add(p.spec);
    usedService.add(p.service);
    chosen.push(p);
  }
  return chosen;
}

/** The words of a path's fixed segments (`/activities/{activityId}/claims` → activities, claims). */
function pathWords(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s !== '' && !s.startsWith('{'))
    .flatMap(words);
}

/** A plural read as its singular: activities → activity, coupons → coupon, stats stays. */
export function singular(w: string): string {
  if (w.endsWith('ies') && w.length > 4) return `${w.slice(0, -3)}y`;
  if (w.endsWith('s') && !w.endsWith('ss') && w.length > 3 && w !== 'stats' && w !== 'statistics') return w.slice(0, -1);
  return w;
}
