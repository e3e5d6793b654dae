import type { LoadedSuite } from './load-suite.js';
import type { Capability, Json, PlannedCheck, PlannedStep, Step } from './types.js';

/**
 * Expands a loaded suite into checks: one per scenario, or one per table row; fixtures inlined as
 * enter / steps / leave with their own variable scope. Pure: the same suite gives the same plan.
 */
export function planSuite(suite: LoadedSuite): PlannedCheck[] {
  const checks: PlannedCheck[] = [];
  for (const { doc, pos, rowPos } of suite.scenarios) {
    const requires = new Set<Capability>(doc.requires ?? []);
    let scopes = 0;
    const expand = (steps: readonly Step[], scope: string, depth: number, trail: readonly string[]): PlannedStep[] => {
      const out: PlannedStep[] = [];
      steps.forEach((step, i) => {
        const label = step.name ?? `${trail.join(' > ')}${trail.length ? ' > ' : ''}step ${i + 1}`;
        if ('call' in step) out.push({ kind: 'call', label: step.name ?? `${label} (${step.call.split('.').slice(-2).join('.')})`, step, scope });
        else if ('control' in step) out.push({ kind: 'control', label: step.name ?? `${label} (control ${step.control.action})`, step, scope });
        else {
          const fx = suite.fixtures.get(step.use);
          if (!fx) throw new Error(`fixture ${step.use} vanished after loading`);
          if (depth > 8 || trail.includes(step.use)) throw new Error(`fixture ${step.use} uses itself`);
          for (const c of fx.doc.requires ?? []) requires.add(c);
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
    const steps = expand(doc.steps, 'root', 0, []);
    const base = {
      suite: suite.name,
      protocol: suite.protocol,
      rules: doc.covers,
      level: doc.level,
      tags: doc.tags ?? [],
      requires: [...requires],
      steps,
    };
    if (!doc.table) {
      checks.push({ ...base, id: doc.id, title: doc.title, vars: doc.vars ?? {}, source: { file: pos.file, line: pos.line } });
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
      });
    });
  }
  return checks;
}
