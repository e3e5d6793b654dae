import { readFileSync } from 'node:fs';
import type { Waiver } from '../report/types.js';
import { loadRules } from '../spec/load.js';
import { LoadError } from '../scenario/errors.js';
import { schemaProblems } from '../scenario/schema-check.js';
import { parseYamlSource } from '../scenario/yaml-source.js';

/** Loads a waivers file (specs/schema/waivers.schema.json); unknown rule ids are load errors. */
export function loadWaivers(file: string, text: string = readFileSync(file, 'utf8')): Waiver[] {
  const source = parseYamlSource(file, text);
  const schema = schemaProblems(source, 'waivers.schema.json');
  if (schema.length > 0) throw new LoadError(schema);
  const waivers = (source.value as { waivers: Waiver[] }).waivers;
  const known = new Set(loadRules().map((r) => r.id));
  const problems = waivers.flatMap((w, i) => (known.has(w.rule) ? [] : [source.problem('PP_UNKNOWN_RULE', `unknown rule id '${w.rule}'`, ['waivers', i, 'rule'])]));
  if (problems.length > 0) throw new LoadError(problems);
  return waivers.map((w) => ({ rule: w.rule, reason: w.reason, expires: w.expires }));
}
