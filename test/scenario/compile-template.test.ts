import { describe, expect, it } from 'vitest';
import { defaultSuites } from '../../src/engine/conformance.js';
import { generateChecks } from '../../src/generate/index.js';
import { bindCall, bindControl, bindParallel, bindValues } from '../../src/scenario/bind-step.js';
import { loadSuite } from '../../src/scenario/load-suite.js';
import { planSuite } from '../../src/scenario/plan.js';
import {
  type CompiledTemplate,
  compileTemplate,
  type FixtureSku,
  interpretTemplate,
  parseTemplate,
  type TemplateContext,
  TemplateError,
} from '../../src/scenario/template.js';
import type { Json, PlannedCheck } from '../../src/scenario/types.js';

const NOW = Date.UTC(2026, 10, 23, 2, 0, 0);
const TIME_TEXT = '2026-11-23 10:00:00';
const SKUS: FixtureSku[] = Array.from({ length: 1600 }, (_, i) => ({ id: 10_000_001 + i, ware: 5000 + (i >> 2), priceFen: 1000 + 7 * i }));

/** A context of its own per side: fresh values drawn in the same order give the same values. */
function context(vars: Record<string, Json>, full: boolean): TemplateContext {
  let n = 0;
  return {
    vars,
    nowMs: () => NOW,
    fresh: { name: () => `f${++n}`, int: () => 1000 + ++n },
    skus: full ? SKUS : [],
    ...(full
      ? {
          // Every role the plan names picks twenty SKUs.
          roles: { get: (role: string) => SKUS.slice(role.length, role.length + 20) } as unknown as ReadonlyMap<string, FixtureSku[]>,
          pool: { base: 80_000_000, priceFen: 9900 },
          index: 5,
        }
      : {}),
  };
}

/** What evaluating gives: the value, or the error's class and message. */
function outcome(run: () => Json | undefined): { value: Json | undefined } | { error: string } {
  try {
    return { value: run() };
  } catch (e) {
    return { error: `${e instanceof TemplateError ? 'TemplateError' : (e as Error).name}: ${(e as Error).message}` };
  }
}

/**
 * Variables for every `${…}` a value reads: a number at each path, a time text where a time is
 * computed from it, a list where `{$cycle: "${x}"}` picks from it.
 */
function variablesFor(value: unknown): Record<string, Json> {
  const plain: (readonly (string | number)[])[] = [];
  const special: { path: readonly (string | number)[]; leaf: Json }[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string' && v.includes('${')) {
      let parts: ReturnType<typeof parseTemplate>;
      try {
        parts = parseTemplate(v);
      } catch {
        return;
      }
      for (const e of parts) {
        if (typeof e === 'string') continue;
        if (e.kind === 'var') plain.push(e.path);
        if (e.kind === 'time' && e.base !== 'now') special.push({ path: e.base.path, leaf: TIME_TEXT });
      }
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const cycled = o['$cycle'];
      if (typeof cycled === 'string' && /^\$\{[^}]+\}$/.test(cycled)) {
        const [e] = parseTemplate(cycled);
        if (e !== undefined && typeof e !== 'string' && e.kind === 'var') special.push({ path: e.path, leaf: ['u1', 'u2', 'u3'] });
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(value);
  const vars: Record<string, Json> = {};
  const define = (path: readonly (string | number)[], leaf: Json) => {
    let cur = vars as Record<string | number, Json>;
    path.forEach((seg, i) => {
      if (i === path.length - 1) {
        if (cur[seg] === undefined || typeof cur[seg] !== 'object' || leaf === TIME_TEXT || Array.isArray(leaf)) cur[seg] = leaf;
        return;
      }
      const next = path[i + 1];
      const existing = cur[seg];
      if (existing === null || typeof existing !== 'object') cur[seg] = typeof next === 'number' ? [] : {};
      cur = cur[seg] as Record<string | number, Json>;
    });
  };
  for (const p of plain) define(p, 3);
  for (const { path, leaf } of special) define(path, leaf);
  return vars;
}

/** Every template value a planned check evaluates, each with its compiled form as the runner binds it. */
function templatesOf(check: PlannedCheck): { where: string; source: Json | undefined; compiled: CompiledTemplate; index?: number }[] {
  const out: { where: string; source: Json | undefined; compiled: CompiledTemplate; index?: number }[] = [];
  const values = (where: string, record: Readonly<Record<string, Json>>) => {
    for (const { name, value } of bindValues(record)) out.push({ where: `${where}.${name}`, source: record[name], compiled: value });
  };
  values('vars', check.vars);
  check.steps.forEach((s, i) => {
    const at = `step ${i} (${s.label})`;
    if (s.kind === 'enter') values(`${at} bind`, s.bind);
    else if (s.kind === 'leave') values(`${at} capture`, s.capture);
    else if (s.kind === 'control')
      out.push({ where: `${at} control`, source: s.step.control as unknown as Json, compiled: bindControl(s.step) });
    else if (s.kind === 'call') {
      const b = bindCall(s.step);
      out.push({ where: `${at} params`, source: (s.step.params ?? {}) as Json, compiled: b.params });
      out.push({ where: `${at} transport`, source: (s.step.transport ?? {}) as unknown as Json, compiled: b.transport });
      out.push({ where: `${at} expect`, source: (s.step.expect ?? 'success') as unknown as Json, compiled: b.expect });
      if (s.step.assume !== undefined && b.assume !== undefined)
        out.push({ where: `${at} assume`, source: s.step.assume as unknown as Json, compiled: b.assume });
    } else {
      const p = s.step.parallel;
      const b = bindParallel(s.step);
      const calls =
        p.steps ?? Array.from({ length: p.times ?? 1 }, () => ({ call: p.call ?? '', params: p.params, transport: p.transport }));
      expect(b.calls.map((c) => c.call)).toEqual(calls.map((c) => c.call));
      calls.forEach((c, index) => {
        const bound = b.calls[index];
        if (bound === undefined) throw new Error(`${at}: copy ${index} not bound`);
        out.push({ where: `${at} copy ${index} params`, source: (c.params ?? {}) as Json, compiled: bound.params, index });
        out.push({
          where: `${at} copy ${index} transport`,
          source: (c.transport ?? {}) as unknown as Json,
          compiled: bound.transport,
          index,
        });
      });
      const { each, ...rest } = s.step.expect ?? {};
      out.push({ where: `${at} expect`, source: rest as unknown as Json, compiled: b.expect });
      if (each !== undefined && b.each !== undefined)
        out.push({ where: `${at} each`, source: each.fields as unknown as Json, compiled: b.each, index: 1 });
    }
  });
  return out;
}

describe('compiled templates agree with the interpreter', () => {
  const checks = defaultSuites().flatMap((name) => {
    const suite = loadSuite(name);
    return [...planSuite(suite), ...generateChecks(suite)];
  });

  it('over every template of every shipped suite and generated case: the same values, fresh draws in the same order', () => {
    let compared = 0;
    let templated = 0;
    for (const check of checks) {
      for (const t of templatesOf(check)) {
        const vars = variablesFor(t.source);
        const withIndex = (ctx: TemplateContext) => (t.index === undefined ? ctx : { ...ctx, index: t.index });
        const interpreted = outcome(() => interpretTemplate(t.source, withIndex(context(vars, true))));
        const compiled = outcome(() => t.compiled(withIndex(context(vars, true))));
        expect(compiled, `${check.id} ${t.where}`).toEqual(interpreted);
        // The context defines everything a template reads: the comparison is of values, not of errors.
        expect(interpreted, `${check.id} ${t.where}`).not.toHaveProperty('error');
        compared++;
        if (JSON.stringify(t.source ?? null).includes('${')) templated++;
      }
    }
    expect(checks.length).toBeGreaterThan(1000);
    expect(templated).toBeGreaterThan(2000);
    expect(compared).toBeGreaterThan(templated);
  });

  it('and fail with the same TemplateError texts where a context lacks what they read', () => {
    let errors = 0;
    for (const check of checks) {
      for (const t of templatesOf(check)) {
        const interpreted = outcome(() => interpretTemplate(t.source, context({}, false)));
        expect(
          outcome(() => t.compiled(context({}, false))),
          `${check.id} ${t.where}`,
        ).toEqual(interpreted);
        if ('error' in interpreted) errors++;
      }
    }
    expect(errors).toBeGreaterThan(1000);
  });
});

describe('compileTemplate', () => {
  const ctx = context({ promo: 2300001, users: ['a', 'b'] }, true);

  it('compiles a value without templates to one deep-frozen copy, never the source itself', () => {
    const source = { page: 1, filters: [{ status: 'open' }], name: 'plain text' };
    const run = compileTemplate(source);
    const first = run(ctx) as Record<string, Json>;
    expect(first).toEqual(source);
    expect(first).not.toBe(source);
    expect(run(ctx)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first['filters'])).toBe(true);
    expect(Object.isFrozen((first['filters'] as Json[])[0])).toBe(true);
    expect(Object.isFrozen(source)).toBe(false);
  });

  it('builds a new value at each call when a template is inside, sharing only the constant parts', () => {
    const run = compileTemplate({ promo_id: '${promo}', fixed: { a: [1] }, at: 'id-${promo}' });
    const a = run(ctx) as Record<string, Json>;
    const b = run(ctx) as Record<string, Json>;
    expect(a).toEqual({ promo_id: 2300001, fixed: { a: [1] }, at: 'id-2300001' });
    expect(a).not.toBe(b);
    expect(a['fixed']).toBe(b['fixed']);
  });

  it('compiles identical strings and the same object once', () => {
    const value = { uid: '${promo}' };
    expect(compileTemplate('x-${promo}')).toBe(compileTemplate('x-${promo}'));
    expect(compileTemplate(value)).toBe(compileTemplate(value));
    expect(compileTemplate({ uid: '${promo}' })).not.toBe(compileTemplate(value));
  });

  it('never throws when compiling: a malformed template fails where it is evaluated, with the interpreter text', () => {
    for (const bad of ['${now+1q}', 'a ${unclosed', { k: ['${fresh.name+1d}'] }, { $nope: {} }]) {
      const run = compileTemplate(bad as Json);
      const interpreted = outcome(() => interpretTemplate(bad as Json, ctx));
      expect(interpreted).toHaveProperty('error');
      expect(outcome(() => run(ctx))).toEqual(interpreted);
    }
  });

  it('draws fresh values in the interpreter order, and drops members that evaluate to nothing', () => {
    const value = {
      a: '${fresh.name}',
      b: ['${fresh.int}', { $text: { length: 8, char: 'x', unique: true } }],
      c: 'n-${fresh.int}-${fresh.name}',
      d: { $cycle: '${users}' },
      gone: undefined as unknown as Json,
    };
    const compiled = compileTemplate(value)(context({ users: ['a', 'b'] }, true));
    expect(compiled).toEqual(interpretTemplate(value, context({ users: ['a', 'b'] }, true)));
    expect(compiled).toEqual({ a: 'f1', b: [1002, 'f3xxxxxx'], c: 'n-1004-f5', d: 'b' });
    expect(Object.keys(compiled as object)).not.toContain('gone');
  });
});
