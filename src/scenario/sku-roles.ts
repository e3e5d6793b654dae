import { fenToYuan, yuanToFen } from '../core/money.js';
import { skuIndexRefs, type FixtureSku } from './template.js';
import type { Json, PlannedCheck, PlannedStep, SkuRole } from './types.js';

/**
 * SKU roles: scenarios name the catalogue SKUs they need by role and relation (`skus:` of a scenario
 * or fixture, see SkuRole), never by a price or a position that happens to hold in one catalogue; the
 * runner picks them from the target's fixtures here, before any request, or says why it cannot and
 * what to add. Pure and deterministic: the same roles and fixtures give the same picks.
 *
 * The solver is greedy: roles are taken in an order that satisfies their references (a role after the
 * roles it names), each from one end of the price order (unless the role says `prefer`) — the dearest
 * first for a role another's upper bound (`priceBelow`, `totalBelow`) names, since it leaves the most
 * room below; the cheapest first for a role bounded from above itself, for one bounded from below
 * (`priceAbove`: the SKUs nearest the bound) and for one another's `priceAbove` names; the catalogue's
 * order otherwise. A chain of bounds is best written from the top (`high: {}`, `mid: {priceBelow:
 * high}`, `low: {priceBelow: mid}`). `totalEquals` searches its SKUs (at most 2)
 * together with the single SKU of the role it names.
 */

export type RoleResolution =
  | { readonly ok: true; readonly picked: Map<string, FixtureSku[]> }
  | {
      readonly ok: false;
      /** Why, with the figures: "skus.gifts needs 5 SKUs whose price total is below …". */
      readonly reason: string;
      /** What to add to the fixtures: "add 5 SKUs at most 29.9 yuan each". */
      readonly add: string;
    };

/** Catalogue positions, as ranges: the ones a check names literally, which roles never pick. */
export type IndexRanges = readonly { readonly from: number; readonly count: number }[];

const ROLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** totalEquals searches pairs: beyond that the search is not worth it for a boundary case. */
const MAX_EQUAL_SKUS = 2;

interface Norm {
  readonly name: string;
  readonly count: number;
  readonly times: number;
  readonly aboveFen?: number;
  readonly aboveRoles: readonly string[];
  readonly belowFen?: number;
  readonly belowRoles: readonly string[];
  readonly totalBelow: readonly string[];
  readonly totalEquals?: string;
  readonly wares?: 'distinct' | 'same';
  readonly sameWareAs?: string;
  readonly otherWareThan: readonly string[];
  readonly prefer?: 'cheapest' | 'dearest';
}

const list = (v: string | readonly string[] | undefined): string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : [...v]);
const boundRoles = (v: number | string | readonly string[] | undefined): string[] => (typeof v === 'number' ? [] : list(v));
const yuan = (fen: number) => `${fenToYuan(fen)} yuan`;
const skus = (n: number) => `${n} SKU${n === 1 ? '' : 's'}`;
const shown = (role: string) => `skus.${role}`;

/** The roles a role names (its references), in the order written. */
export function referencedRoles(r: SkuRole): string[] {
  return [
    ...boundRoles(r.priceAbove),
    ...boundRoles(r.priceBelow),
    ...list(r.totalBelow),
    ...(r.totalEquals !== undefined ? [r.totalEquals] : []),
    ...(r.sameWareAs !== undefined ? [r.sameWareAs] : []),
    ...list(r.otherWareThan),
  ];
}

const isVar = (v: unknown) => typeof v === 'string' && /^\$\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}$/.test(v);

/**
 * Problems of a set of roles that no catalogue can fix: unknown or self references, cycles, counts
 * that are not positive integers, a `totalEquals` the solver cannot search. `${var}` counts pass when
 * `allowVars` (load time: the check's variables fill them in at planning).
 */
export function roleProblems(
  roles: Readonly<Record<string, SkuRole>>,
  allowVars = false,
): { role: string; field?: string; message: string }[] {
  const out: { role: string; field?: string; message: string }[] = [];
  const names = Object.keys(roles);
  const equalTargets = new Map<string, string>();
  for (const [name, r] of Object.entries(roles)) {
    if (!ROLE_NAME.test(name)) out.push({ role: name, message: `role name '${name}' is not a name (letters, digits, _)` });
    for (const field of ['count', 'times'] as const) {
      const v = r[field];
      if (v === undefined || (allowVars && isVar(v))) continue;
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
        out.push({ role: name, field, message: `${shown(name)}.${field} must be a positive integer, got ${JSON.stringify(v)}` });
    }
    for (const ref of referencedRoles(r)) {
      if (ref === name) out.push({ role: name, message: `${shown(name)} names itself` });
      else if (!(ref in roles))
        out.push({
          role: name,
          message: `${shown(name)} names role '${ref}', which neither the scenario nor a fixture it uses declares (known: ${names.join(', ')})`,
        });
    }
    if (r.totalEquals !== undefined) {
      if (r.totalBelow !== undefined)
        out.push({ role: name, field: 'totalEquals', message: `${shown(name)}: totalEquals and totalBelow exclude each other` });
      if (typeof r.count === 'number' && r.count > MAX_EQUAL_SKUS)
        out.push({ role: name, field: 'count', message: `${shown(name)}: totalEquals searches at most ${MAX_EQUAL_SKUS} SKUs` });
      const target = roles[r.totalEquals];
      if (target && (target.count ?? 1) !== 1)
        out.push({
          role: name,
          field: 'totalEquals',
          message: `${shown(name)}: totalEquals names ${shown(r.totalEquals)}, which must be a single SKU (count 1)`,
        });
      if (target?.totalEquals !== undefined)
        out.push({
          role: name,
          field: 'totalEquals',
          message: `${shown(name)}: totalEquals names ${shown(r.totalEquals)}, which has a totalEquals of its own`,
        });
      const prior = equalTargets.get(r.totalEquals);
      if (prior !== undefined)
        out.push({
          role: name,
          field: 'totalEquals',
          message: `${shown(r.totalEquals)} is the totalEquals of both ${shown(prior)} and ${shown(name)}`,
        });
      equalTargets.set(r.totalEquals, name);
    }
  }
  if (out.length === 0) {
    const cycle = findCycle(roles);
    if (cycle) out.push({ role: cycle[0]!, message: `roles name each other in a cycle: ${cycle.map(shown).join(' → ')}` });
  }
  return out;
}

function findCycle(roles: Readonly<Record<string, SkuRole>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'open') return [...path.slice(path.indexOf(n)), n];
    state.set(n, 'open');
    path.push(n);
    for (const ref of referencedRoles(roles[n]!)) {
      if (!(ref in roles)) continue;
      const c = visit(ref);
      if (c) return c;
    }
    path.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of Object.keys(roles)) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}

/** Whether two declarations of a role ask the same (so that a role may be declared twice alike). */
export function sameRole(a: SkuRole, b: SkuRole): boolean {
  return canonical(a) === canonical(b);
}

function canonical(r: SkuRole): string {
  const o = r as Record<string, unknown>;
  return JSON.stringify(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  );
}

/**
 * Fills in `${var}` counts and times from a check's variables (a table column per row). A variable
 * that is missing or not a number stays as written; the resolver then says so.
 */
export function bindRoleVars(roles: Readonly<Record<string, SkuRole>>, vars: Readonly<Record<string, Json>>): Record<string, SkuRole> {
  const out: Record<string, SkuRole> = {};
  const bind = (v: number | string | undefined) => {
    if (typeof v !== 'string') return v;
    const m = /^\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}$/.exec(v);
    const x = m ? vars[m[1]!] : undefined;
    const n = typeof x === 'number' ? x : typeof x === 'string' && /^\d+$/.test(x) ? Number(x) : undefined;
    return n ?? v;
  };
  for (const [name, r] of Object.entries(roles)) {
    const count = bind(r.count);
    const times = bind(r.times);
    out[name] = { ...r, ...(count !== undefined ? { count } : {}), ...(times !== undefined ? { times } : {}) };
  }
  return out;
}

function normalise(name: string, r: SkuRole): Norm {
  return {
    name,
    count: typeof r.count === 'number' ? r.count : 1,
    times: typeof r.times === 'number' ? r.times : 1,
    ...(typeof r.priceAbove === 'number' ? { aboveFen: yuanToFen(r.priceAbove) } : {}),
    aboveRoles: boundRoles(r.priceAbove),
    ...(typeof r.priceBelow === 'number' ? { belowFen: yuanToFen(r.priceBelow) } : {}),
    belowRoles: boundRoles(r.priceBelow),
    totalBelow: list(r.totalBelow),
    ...(r.totalEquals !== undefined ? { totalEquals: r.totalEquals } : {}),
    ...(r.wares ? { wares: r.wares } : {}),
    ...(r.sameWareAs !== undefined ? { sameWareAs: r.sameWareAs } : {}),
    otherWareThan: list(r.otherWareThan),
    ...(r.prefer ? { prefer: r.prefer } : {}),
  };
}

type Order = 'cheapest' | 'dearest' | 'catalogue';

/**
 * Picks SKUs of `fixtures` for every role, or says why it cannot (the first role that fails, with the
 * figures) and what to add. `exclude`: positions the check names literally, which no role takes.
 */
export function resolveRoles(
  roles: Readonly<Record<string, SkuRole>>,
  fixtures: readonly FixtureSku[],
  exclude: IndexRanges = [],
): RoleResolution {
  const problems = roleProblems(roles);
  if (problems.length > 0)
    return { ok: false, reason: problems.map((p) => p.message).join('; '), add: 'fix the scenario (no fixture can serve it)' };
  const norms = new Map(Object.entries(roles).map(([n, r]) => [n, normalise(n, r)]));
  const picked = new Map<string, FixtureSku[]>();
  const taken = new Set<number>();
  const excluded = new Set<number>();
  for (const { from, count } of exclude) for (let i = from; i < from + count && i < fixtures.length; i++) excluded.add(i);

  // How each role is named by the others: as an upper bound (its price must leave room below), as a lower bound.
  const upperOf = new Set<string>();
  const lowerOf = new Set<string>();
  for (const r of norms.values()) {
    for (const x of [...r.belowRoles, ...r.totalBelow]) upperOf.add(x);
    for (const x of r.aboveRoles) lowerOf.add(x);
  }
  const orderOf = (r: Norm): Order =>
    r.prefer ??
    (upperOf.has(r.name)
      ? 'dearest'
      : r.belowFen !== undefined || r.belowRoles.length > 0 || r.totalBelow.length > 0 || r.totalEquals !== undefined
        ? 'cheapest'
        : lowerOf.has(r.name) || r.aboveRoles.length > 0 || r.aboveFen !== undefined
          ? 'cheapest'
          : 'catalogue');
  const byPrice = fixtures.map((_, i) => i).sort((a, b) => fixtures[a]!.priceFen - fixtures[b]!.priceFen || a - b);
  const byDearest = [...byPrice].sort((a, b) => fixtures[b]!.priceFen - fixtures[a]!.priceFen || a - b);
  const inOrder = (o: Order): readonly number[] => (o === 'cheapest' ? byPrice : o === 'dearest' ? byDearest : fixtures.map((_, i) => i));

  const pricesOf = (names: readonly string[]) => names.flatMap((n) => (picked.get(n) ?? []).map((k) => k.priceFen));
  const waresOf = (names: readonly string[]) => new Set(names.flatMap((n) => (picked.get(n) ?? []).map((k) => k.ware)));
  const bounds = (r: Norm) => {
    const lo = [...(r.aboveFen !== undefined ? [r.aboveFen] : []), ...pricesOf(r.aboveRoles)];
    const hi = [...(r.belowFen !== undefined ? [r.belowFen] : []), ...pricesOf(r.belowRoles)];
    return { lo: lo.length > 0 ? Math.max(...lo) : undefined, hi: hi.length > 0 ? Math.min(...hi) : undefined };
  };
  /** The positions a role may take, in its order: free, within its price bounds and ware relations. */
  const candidates = (r: Norm, order: Order, also: ReadonlySet<number> = new Set()) => {
    const { lo, hi } = bounds(r);
    const other = waresOf(r.otherWareThan);
    const same = r.sameWareAs !== undefined ? waresOf([r.sameWareAs]) : undefined;
    return inOrder(order).filter((i) => {
      const k = fixtures[i]!;
      return (
        !excluded.has(i) &&
        !taken.has(i) &&
        !also.has(i) &&
        (lo === undefined || k.priceFen > lo) &&
        (hi === undefined || k.priceFen < hi) &&
        !other.has(k.ware) &&
        (same === undefined || same.has(k.ware))
      );
    });
  };
  const describe = (r: Norm, n = r.count) => {
    const { lo, hi } = bounds(r);
    let text = skus(n);
    if (lo !== undefined && hi !== undefined) text += ` priced above ${yuan(lo)} and below ${yuan(hi)}`;
    else if (lo !== undefined) text += ` priced above ${yuan(lo)}`;
    else if (hi !== undefined) text += ` priced below ${yuan(hi)}`;
    return text + wareText(r, n, text !== skus(n));
  };
  const wareText = (r: Norm, n = r.count, afterPrice = true) => {
    const parts: string[] = [];
    if (r.wares === 'same' && n > 1) parts.push('of one ware');
    if (r.wares === 'distinct' && n > 1) parts.push('of distinct wares');
    if (r.sameWareAs !== undefined) parts.push(`of the ware of ${shown(r.sameWareAs)}`);
    if (r.otherWareThan.length > 0) parts.push(`of other wares than ${r.otherWareThan.map(shown).join(' and ')}`);
    return parts.length > 0 ? `${afterPrice ? ', ' : ' '}${parts.join(', ')}` : '';
  };
  /** "5 SKUs priced above 1.0 yuan and at most 29.9 yuan each, of one ware". */
  const atMost = (r: Norm, each: number) => {
    const { lo, hi } = bounds(r);
    const cap = hi !== undefined ? Math.min(each, hi - 10) : each;
    return `${skus(r.count)} priced ${lo !== undefined ? `above ${yuan(lo)} and ` : ''}at most ${yuan(cap)}${r.count > 1 ? ' each' : ''}${wareText(r)}`;
  };
  const besides = () =>
    excluded.size + taken.size > 0 ? ` (not counting ${excluded.size + taken.size} the check takes by position or for other roles)` : '';
  const fail = (reason: string, add: string): RoleResolution => ({ ok: false, reason, add });

  /** Takes `count` positions of `cands` (in order) honouring `wares` that `accept` takes: 'short' when too few, 'rejected' when it takes none. */
  const choose = (
    r: Norm,
    cands: readonly number[],
    accept: (set: number[]) => boolean,
    order: Order = 'catalogue',
  ): number[] | 'short' | 'rejected' => {
    if (r.wares === 'same') {
      const groups = new Map<number, number[]>();
      for (const i of cands) {
        const g = groups.get(fixtures[i]!.ware) ?? [];
        g.push(i);
        groups.set(fixtures[i]!.ware, g);
      }
      // One set per ware (its first SKUs in the role's order); from the dearest end, the ware whose
      // set has the highest lowest price first; from the cheapest end, the lowest total first.
      const sets = [...groups.values()].filter((g) => g.length >= r.count).map((g) => g.slice(0, r.count));
      const low = (set: readonly number[]) => Math.min(...set.map((i) => fixtures[i]!.priceFen));
      if (order === 'dearest') sets.sort((a, b) => low(b) - low(a));
      if (order === 'cheapest') sets.sort((a, b) => total(a, 1) - total(b, 1));
      for (const set of sets) if (accept(set)) return set;
      return sets.length > 0 ? 'rejected' : 'short';
    }
    const set: number[] = [];
    const wares = new Set<number>();
    for (const i of cands) {
      if (set.length === r.count) break;
      if (r.wares === 'distinct' && wares.has(fixtures[i]!.ware)) continue;
      set.push(i);
      wares.add(fixtures[i]!.ware);
    }
    if (set.length < r.count) return 'short';
    return accept(set) ? set : 'rejected';
  };
  const total = (set: readonly number[], times: number) => set.reduce((s, i) => s + fixtures[i]!.priceFen, 0) * times;
  const take = (name: string, set: readonly number[]) => {
    for (const i of set) taken.add(i);
    picked.set(
      name,
      set.map((i) => fixtures[i]!),
    );
  };

  const shortfall = (r: Norm, cands: readonly number[]): RoleResolution => {
    if (r.wares === 'same') {
      const per = new Map<number, number>();
      for (const i of cands) per.set(fixtures[i]!.ware, (per.get(fixtures[i]!.ware) ?? 0) + 1);
      const most = Math.max(0, ...per.values());
      return fail(
        `${shown(r.name)} needs ${describe(r)}: no ware has ${r.count} such SKUs (at most ${most})${besides()}`,
        `add ${describe(r)}`,
      );
    }
    if (r.wares === 'distinct') {
      const wares = new Set(cands.map((i) => fixtures[i]!.ware)).size;
      const more = r.count - wares;
      const plain = describe({ ...r, wares: undefined }, more);
      return fail(
        `${shown(r.name)} needs ${describe(r)}: the fixtures have such SKUs of ${wares === 0 ? 'no ware' : `only ${wares} ware${wares === 1 ? '' : 's'}`}${besides()}`,
        `add ${plain}${plain === skus(more) ? ' ' : ', '}of ${more} more ware${more === 1 ? '' : 's'}`,
      );
    }
    return fail(
      `${shown(r.name)} needs ${describe(r)}: the fixtures have ${cands.length === 0 ? 'none' : cands.length}${besides()}`,
      `add ${describe(r, r.count - cands.length)}`,
    );
  };

  const solveOne = (r: Norm): RoleResolution | undefined => {
    const order = orderOf(r);
    const cands = candidates(r, order);
    const limits = r.totalBelow.length > 0 ? Math.min(...pricesOf(r.totalBelow)) : undefined;
    const got = choose(r, cands, (set) => limits === undefined || total(set, r.times) < limits, order);
    if (got === 'short') return shortfall(r, cands);
    if (got === 'rejected') {
      const best = choose(r, candidates(r, 'cheapest'), () => true, 'cheapest');
      const raw = Array.isArray(best) ? total(best, 1) : 0;
      const sum = r.times > 1 ? `${yuan(raw)} (× ${r.times} = ${yuan(raw * r.times)})` : yuan(raw);
      const each = Math.floor((limits! - 1) / (r.count * r.times) / 10) * 10;
      const what =
        r.count === 1
          ? `a SKU whose price${r.times > 1 ? ` × ${r.times}` : ''} is`
          : `${skus(r.count)} whose price total${r.times > 1 ? ` × ${r.times}` : ''} is`;
      const bound = r.totalBelow.map(shown).join(', ');
      const dearest = r.totalBelow.some((x) => orderOf(norms.get(x)!) === 'dearest') ? ', picked from the dearest,' : '';
      return fail(
        `${shown(r.name)} needs ${what} below another SKU's price (the lowest of ${bound}): the ${r.count === 1 ? `cheapest costs ${sum}` : `${r.count} cheapest total ${sum}`}, the lowest of ${bound}${dearest} costs ${yuan(limits!)}`,
        each > 0 ? `add ${atMost(r, each)}` : `add a SKU dearer than ${yuan(raw * r.times)}`,
      );
    }
    take(r.name, got);
    return undefined;
  };

  /** A role whose total equals the single SKU of `target`: both searched together. */
  const solveEqual = (r: Norm, target: Norm): RoleResolution | undefined => {
    // The role's candidates do not depend on the target's pick unless it names the target otherwise too.
    const dependent = [
      ...r.aboveRoles,
      ...r.belowRoles,
      ...r.otherWareThan,
      ...(r.sameWareAs !== undefined ? [r.sameWareAs] : []),
    ].includes(target.name);
    let index: PriceIndex | undefined = dependent ? undefined : priceIndex(candidates(r, 'cheapest'));
    for (const b of candidates(target, target.prefer ?? 'cheapest')) {
      const want = fixtures[b]!.priceFen;
      if (want % r.times !== 0) continue;
      picked.set(target.name, [fixtures[b]!]);
      if (dependent) index = priceIndex(candidates(r, 'cheapest', new Set([b])));
      const found = findSum(index!, want / r.times, r, b);
      if (found) {
        taken.add(b);
        take(r.name, found);
        return undefined;
      }
      picked.delete(target.name);
    }
    const times = r.times > 1 ? ` × ${r.times}` : '';
    return r.count === 1
      ? fail(
          `${shown(r.name)} needs ${describe(r).replace(/^1 SKU/, 'a SKU')} whose price${times} equals the price of another SKU (${shown(target.name)}): the fixtures have no such pair${besides()}`,
          r.times > 1
            ? `add a SKU priced ${r.times} times another's, e.g. 10.0 and ${yuan(1000 * r.times)}`
            : 'add two SKUs of the same price',
        )
      : fail(
          `${shown(r.name)} needs ${describe(r)} whose price total${times} equals the price of another SKU (${shown(target.name)}): the fixtures have no such ${r.count + 1}${besides()}`,
          `add ${skus(r.count)} and one priced at their total${times}, e.g. 10.0, 10.1 and ${yuan(2010 * r.times)}`,
        );
  };
  type PriceIndex = { readonly order: readonly number[]; readonly byFen: ReadonlyMap<number, readonly number[]> };
  const priceIndex = (cands: readonly number[]): PriceIndex => {
    const byFen = new Map<number, number[]>();
    for (const i of cands) {
      const l = byFen.get(fixtures[i]!.priceFen) ?? [];
      l.push(i);
      byFen.set(fixtures[i]!.priceFen, l);
    }
    return { order: cands, byFen };
  };
  /** `r.count` (1 or 2) positions of the index, none of them `not`, whose prices add up to `want`. */
  const findSum = (index: PriceIndex, want: number, r: Norm, not: number): number[] | undefined => {
    if (r.count === 1) {
      const i = index.byFen.get(want)?.find((x) => x !== not);
      return i === undefined ? undefined : [i];
    }
    for (const i of index.order) {
      const fen = fixtures[i]!.priceFen;
      if (i === not) continue;
      if (2 * fen > want) break; // cheapest first: the partner would be the cheaper one, already tried
      const j = index.byFen
        .get(want - fen)
        ?.find(
          (x) =>
            x !== i &&
            x !== not &&
            (r.wares !== 'distinct' || fixtures[x]!.ware !== fixtures[i]!.ware) &&
            (r.wares !== 'same' || fixtures[x]!.ware === fixtures[i]!.ware),
        );
      if (j !== undefined) return [i, j];
    }
    return undefined;
  };

  // Units: a role, or a role with the single SKU its totalEquals names; each after the roles it names.
  const partnerOf = new Map<string, string>();
  for (const r of norms.values()) if (r.totalEquals !== undefined) partnerOf.set(r.totalEquals, r.name);
  const units = [...norms.keys()].filter((n) => !partnerOf.has(n));
  const members = (u: string) => [u, ...(norms.get(u)!.totalEquals !== undefined ? [norms.get(u)!.totalEquals!] : [])];
  const unitOf = (role: string) => partnerOf.get(role) ?? role;
  const done = new Set<string>();
  while (done.size < units.length) {
    const ready = units.find(
      (u) =>
        !done.has(u) &&
        members(u).every((m) => referencedRoles(roles[m]!).every((ref) => members(u).includes(ref) || done.has(unitOf(ref)))),
    );
    if (ready === undefined) return fail('roles name each other in a cycle', 'fix the scenario (no fixture can serve it)');
    const r = norms.get(ready)!;
    const problem = r.totalEquals !== undefined ? solveEqual(r, norms.get(r.totalEquals)!) : solveOne(r);
    if (problem) return problem;
    done.add(ready);
  }
  // Report in declaration order.
  return { ok: true, picked: new Map(Object.keys(roles).map((n) => [n, picked.get(n)!])) };
}

/**
 * Whether the fixtures serve a planned check: its positional SKUs (`sku[N]`, `$skus {from, count}`)
 * exist, and its roles can be picked apart from them. The reason reads after "fixtures cannot serve
 * this check: ".
 */
export function serveCheck(check: Pick<PlannedCheck, 'skus' | 'skuIndices' | 'skuReach'>, fixtures: readonly FixtureSku[]): RoleResolution {
  const reach = check.skuReach ?? 0;
  if (reach > fixtures.length) {
    return {
      ok: false,
      reason: `it names sku[${reach - 1}] by position, the fixtures list ${skus(fixtures.length)}`,
      add: `add ${skus(reach - fixtures.length)} (the check names sku[0] … sku[${reach - 1}] by position)`,
    };
  }
  if (!check.skus || Object.keys(check.skus).length === 0) return { ok: true, picked: new Map() };
  return resolveRoles(check.skus, fixtures, check.skuIndices ?? []);
}

/** Merges literal position ranges: sorted, overlapping and adjacent ones joined. */
export function mergeRanges(ranges: IndexRanges): { from: number; count: number }[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const out: { from: number; count: number }[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= last.from + last.count) last.count = Math.max(last.count, r.from + r.count - last.from);
    else out.push({ from: r.from, count: r.count });
  }
  return out;
}

/**
 * What a planned check needs of the fixtures, for PlannedCheck: its roles (`${var}` counts bound
 * from its variables) and the positions it names literally in its variables and steps.
 */
export function fixtureNeeds(
  roles: Readonly<Record<string, SkuRole>>,
  steps: readonly PlannedStep[],
  vars: Readonly<Record<string, Json>>,
): Pick<PlannedCheck, 'skus' | 'skuIndices' | 'skuReach'> {
  const ranges = mergeRanges(skuIndexRefs({ vars, steps }, vars));
  const reach = ranges.reduce((m, r) => Math.max(m, r.from + r.count), 0);
  return {
    ...(Object.keys(roles).length > 0 ? { skus: bindRoleVars(roles, vars) } : {}),
    ...(ranges.length > 0 ? { skuIndices: ranges, skuReach: reach } : {}),
  };
}

/**
 * Adds a fixture's roles to a check's: a name declared again must ask the same, else the plan is
 * contradictory (load-suite reports it with file:line:column; this throws).
 */
export function addRoles(into: Record<string, SkuRole>, from: Readonly<Record<string, SkuRole>> | undefined, owner: string): void {
  for (const [name, r] of Object.entries(from ?? {})) {
    const prior = into[name];
    if (prior !== undefined && !sameRole(prior, r))
      throw new Error(
        `SKU role '${name}' of ${owner} is declared with other requirements already: ${JSON.stringify(prior)} vs ${JSON.stringify(r)}`,
      );
    into[name] = r;
  }
}
