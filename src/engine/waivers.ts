import { readFileSync } from 'node:fs';
import type { Waiver } from '../report/types.js';
import { loadRules } from '../spec/load.js';
import { LoadError, type LoadProblem } from '../core/errors.js';
import { didYouMean } from '../core/hints.js';
import { schemaProblems } from '../core/schema-check.js';
import { parseYamlSource } from '../core/yaml-source.js';

/** Whether `s` (yyyy-MM-dd) names a day of the calendar: 2026-02-29 and 2026-13-01 do not. */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * Loads a waivers file (specs/schema/waivers.schema.json). Every problem of the file is reported at
 * once, each at its line and column: schema problems (unknown keys, missing keys, wrong types),
 * unknown rule ids, and expiry dates that are no day of the calendar.
 */
export function loadWaivers(file: string, text: string = readFileSync(file, 'utf8')): Waiver[] {
  const source = parseYamlSource(file, text);
  const problems: LoadProblem[] = [...schemaProblems(source, 'waivers.schema.json', { all: true })];
  const list = (source.value as { waivers?: unknown } | null | undefined)?.waivers;
  const waivers: unknown[] = Array.isArray(list) ? list : [];
  const rules = loadRules().map((r) => r.id);
  const known = new Set(rules);
  waivers.forEach((w, i) => {
    if (w === null || typeof w !== 'object') return;
    const { rule, expires } = w as { rule?: unknown; expires?: unknown };
    if (typeof rule === 'string' && !known.has(rule))
      problems.push(source.problem('PP_UNKNOWN_RULE', `unknown rule id '${rule}'${didYouMean(rule, rules)}`, ['waivers', i, 'rule']));
    if (typeof expires === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(expires) && !isCalendarDate(expires)) {
      problems.push(
        source.problem('PP_SCHEMA', `waivers.${i}.expires: '${expires}' is not a date of the calendar (yyyy-MM-dd)`, [
          'waivers',
          i,
          'expires',
        ]),
      );
    }
  });
  if (problems.length > 0) throw new LoadError([...problems].sort((a, b) => a.pos.line - b.pos.line || a.pos.column - b.pos.column));
  return (waivers as Waiver[]).map((w) => ({ rule: w.rule, reason: w.reason, expires: w.expires }));
}
