import { bindCheck } from './bind-step.js';
import type { LoadedSuite } from './load-suite.js';
import { addRoles, fixtureNeeds } from './sku-roles.js';
import type { Capability, ControlAction, Json, ParallelSpec, PlannedCheck, PlannedStep, SkuRole, Step } from './types.js';

/**
 * Expands a loaded suite into checks: one per scenario, or one per table row; fixtures inlined as
 * enter / steps / leave with their own variable scope. Pure: the same suite gives the same plan. Each
 * check's templates are compiled here, once (bind-step.ts keeps them beside the plain-data plan).
 */
export function planSuite(suite: LoadedSuite): PlannedCheck[] {
  const checks: PlannedCheck[] = [];
  for (const { doc, pos, rowPos } of suite.scenarios) {
    const requires = new Set<Capability>(doc.requires ?? []);
    // The check's SKU roles: the scenario's, then those of every fixture it uses (inlined).
    const roles: Record<string, SkuRole> = { ...(doc.skus ?? {}) };
    let scopes = 0;
    const expand = (steps: readonly Step[], scope: string, depth: number, trail: readonly string[]): PlannedStep[] => {
      const out: PlannedStep[] = [];
      steps.forEach((step, i) => {
        const label = step.name ?? `${trail.join(' > ')}${trail.length ? ' > ' : ''}step ${i + 1}`;
        // A step of the scenario itself asserts when it says what to expect (unless `asserts: false`);
        // fixture steps never do. The check's last step is marked below.
        if ('call' in step)
          out.push({
            kind: 'call',
            label: step.name ?? `${label} (${step.call.split('.').slice(-2).join('.')})`,
            step,
            scope,
            asserts: scope === 'root' && step.expect !== undefined && step.asserts !== false,
          });
        else if ('parallel' in step)
          out.push({
            kind: 'parallel',
            label: step.name ?? `${label} (${parallelTitle(step.parallel)})`,
            step,
            scope,
            asserts: scope === 'root' && step.expect !== undefined && step.asserts !== false,
          });
        else if ('control' in step)
          out.push({ kind: 'control', label: step.name ?? `${label} (${controlTitle(step.control)})`, step, scope, asserts: false });
        else {
          const fx = suite.fixtures.get(step.use);
          if (!fx) throw new Error(`fixture ${step.use} vanished after loading`);
          if (depth > 8 || trail.includes(step.use)) throw new Error(`fixture ${step.use} uses itself`);
          for (const c of fx.doc.requires ?? []) requires.add(c);
          addRoles(roles, fx.doc.skus, `fixture ${step.use}`);
          const inner = `s${++scopes}`;
          const bind: Record<string, Json> = { ...(fx.doc.params ?? {}), ...(step.with ?? {}) };
          out.push({ kind: 'enter', label: `${label} (use ${step.use})`, scope: inner, from: scope, bind });
          out.push(...expand(fx.doc.steps, inner, depth + 1, [...trail, step.use]));
          const capture: Record<string, Json> = {};
          for (const [callerVar, outputName] of Object.entries(step.capture ?? {})) {
            const output = fx.doc.outputs?.[outputName];
            if (output === undefined) throw new Error(`fixture ${step.use} has no output '${outputName}'`);
            capture[callerVar] = output;
          }
          out.push({ kind: 'leave', label: `${label} (end ${step.use})`, scope: inner, into: scope, capture });
        }
      });
      return out;
    };
    const steps = markLastStep(expand(doc.steps, 'root', 0, []));
    const base = {
      suite: suite.name,
      api: suite.name,
      protocol: suite.protocol,
      rules: doc.covers,
      level: doc.level,
      tags: doc.tags ?? [],
      requires: [...requires],
      steps,
    };
    if (!doc.table) {
      checks.push({
        ...base,
        id: doc.id,
        title: doc.title,
        vars: doc.vars ?? {},
        source: { file: pos.file, line: pos.line },
        ...fixtureNeeds(roles, steps, doc.vars ?? {}),
      });
      continue;
    }
    doc.table.forEach((row, r) => {
      const label = typeof row['name'] === 'string' ? row['name'] : String(r + 1);
      const at = rowPos[r] ?? pos;
      checks.push({
        ...base,
        id: `${doc.id}[${label}]`,
        title: `${doc.title} — ${label}`,
        vars: { ...(doc.vars ?? {}), ...row },
        source: { file: at.file, line: at.line },
        ...fixtureNeeds(roles, steps, { ...(doc.vars ?? {}), ...row }),
      });
    });
  }
  for (const check of checks) bindCheck(check);
  return checks;
}

/** The check's last call, parallel or control step asserts too when the scenario itself wrote it (root scope). */
function markLastStep(steps: PlannedStep[]): PlannedStep[] {
  let last = -1;
  steps.forEach((s, i) => {
    if (s.kind === 'call' || s.kind === 'control' || s.kind === 'parallel') last = i;
  });
  const s = steps[last];
  if (s === undefined || (s.kind !== 'call' && s.kind !== 'control' && s.kind !== 'parallel') || s.scope !== 'root') return steps;
  if ((s.kind === 'call' || s.kind === 'parallel') && s.step.asserts === false) return steps;
  return steps.map((x, i) => (i === last ? { ...s, asserts: true } : x));
}

const shortOp = (call: string) => call.split('.').slice(-2).join('.');

/** `parallel 240 × coupon.claim`, or `parallel: coupon.redeem, coupon.redeem` for the list form. */
function parallelTitle(p: ParallelSpec): string {
  if (p.steps) return `parallel: ${p.steps.map((c) => shortOp(c.call)).join(', ')}`;
  return `parallel ${p.times ?? 1} × ${shortOp(p.call ?? '?')}`;
}

function controlTitle(c: ControlAction): string {
  return 'post' in c ? `control POST ${c.post}` : `control ${c.action}`;
}
