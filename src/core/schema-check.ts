import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { LoadProblem } from './errors.js';
import { didYouMean } from './hints.js';
import { fromPointer, type YamlSource } from './yaml-source.js';
import { packageFolder } from './package-root.js';

// Not SPECS_DIR of spec/load.ts: that module validates the specs with this one.
const SCHEMA_DIR = `${packageFolder('specs')}schema/`;

const compiled = new Map<string, ValidateFunction>();

/**
 * A validator for a schema file under specs/schema/, compiled once. Compiled for a fast start (every
 * `check` compiles the scenario and spec schemas): $refs are called rather than inlined, the generated
 * code is not optimised, and the schema itself is not checked against the draft-07 meta-schema
 * (test/spec/schemas.test.ts checks every schema file). Validation answers the same. Another schema
 * file it refers to by name (the load profile reuses the scenario steps) is added to the same instance.
 */
export function schemaValidator(name: string): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    const ajv = new Ajv({
      allErrors: true,
      strict: false,
      allowUnionTypes: true,
      verbose: true,
      inlineRefs: false,
      validateSchema: false,
      code: { optimize: false },
    });
    const text = readFileSync(`${SCHEMA_DIR}${name}`, 'utf8');
    // A schema may reuse another's definitions (`"$ref": "scenario.schema.json#/definitions/step"`): add each it names.
    for (const other of new Set([...text.matchAll(/"\$ref":\s*"([a-z0-9-]+\.schema\.json)#/g)].map((m) => m[1] ?? '')))
      if (other !== name) ajv.addSchema(JSON.parse(readFileSync(`${SCHEMA_DIR}${other}`, 'utf8')) as object);
    v = ajv.compile(JSON.parse(text) as object);
    compiled.set(name, v);
  }
  return v;
}

/**
 * Validates a parsed YAML file against a schema; answers the most telling problem: the deepest
 * failing value, preferring a concrete keyword over "must match one of" summaries. With `all`, answers
 * every concrete problem instead (for schemas without alternatives, e.g. waivers), in file order. With
 * `independent`, answers every problem that is not one of a set of alternatives, and the most telling
 * problem of each value that matches none of its alternatives (`oneOf`, `anyOf`), in file order.
 * An unknown key is reported at the key itself, with a hint for a near miss of a known key.
 */
export function schemaProblems(
  source: YamlSource,
  schema: string,
  { all = false, independent = false }: { all?: boolean; independent?: boolean } = {},
): LoadProblem[] {
  const validate = schemaValidator(schema);
  if (validate(source.value)) return [];
  const errors = validate.errors ?? [];
  if (independent && !all) return inFileOrder(independentErrors(errors).map((e) => toProblem(source, e)));
  if (all) {
    const concrete = errors.filter((e) => !SUMMARIES.has(e.keyword));
    return inFileOrder((concrete.length > 0 ? concrete : errors).map((e) => toProblem(source, e)));
  }
  const best = pickError(errors);
  if (!best) return [];
  return [toProblem(source, best)];
}

const ALTERNATIVES = new Set(['oneOf', 'anyOf']);
const SUMMARIES = new Set(['oneOf', 'anyOf', 'if', 'const']);

/**
 * The errors worth reporting each: those outside every failing set of alternatives (concrete ones),
 * and the most telling one under each outermost value that matches none of its alternatives.
 */
function independentErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const under = (e: ErrorObject, at: string) => at === '' || e.instancePath === at || e.instancePath.startsWith(`${at}/`);
  const alternatives = [...new Set(errors.filter((e) => ALTERNATIVES.has(e.keyword)).map((e) => e.instancePath))];
  const outermost = alternatives.filter(
    (at) => !alternatives.some((other) => other !== at && (other === '' || at.startsWith(`${other}/`))),
  );
  const out: ErrorObject[] = [];
  for (const at of outermost) {
    const best = pickError(errors.filter((e) => under(e, at)));
    if (best) out.push(best);
  }
  // Outside alternatives a `const` is a problem of its own (asserts: true); `if` only repeats its branch's errors.
  for (const e of errors) if (!ALTERNATIVES.has(e.keyword) && e.keyword !== 'if' && !outermost.some((at) => under(e, at))) out.push(e);
  const best = out.length === 0 ? pickError(errors) : undefined;
  return best ? [best] : out;
}

/** Problems sorted by place, each place and message once. */
function inFileOrder(problems: readonly LoadProblem[]): LoadProblem[] {
  const seen = new Set<string>();
  const out: LoadProblem[] = [];
  for (const p of problems) {
    const key = `${p.pos.line}:${p.pos.column}:${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out.sort((a, b) => a.pos.line - b.pos.line || a.pos.column - b.pos.column);
}

function toProblem(source: YamlSource, e: ErrorObject): LoadProblem {
  const path = fromPointer(e.instancePath);
  const problem = source.problem('PP_SCHEMA', describe(e, path), path);
  if (e.keyword !== 'additionalProperties') return problem;
  return { ...problem, pos: source.locateKey(path, (e.params as { additionalProperty: string }).additionalProperty) };
}

/** The keys a schema object allows, for "did you mean" hints. */
function knownKeys(e: ErrorObject): string[] {
  const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props) : [];
}

function pickError(errors: readonly ErrorObject[]): ErrorObject | undefined {
  const depth = (e: ErrorObject) =>
    (e.instancePath === '' ? 0 : e.instancePath.split('/').length) +
    (e.keyword === 'additionalProperties' || e.keyword === 'required' ? 1 : 0);
  const concrete = errors.filter((e) => !SUMMARIES.has(e.keyword));
  const pool = concrete.length > 0 ? concrete : errors;
  return [...pool].sort((a, b) => depth(b) - depth(a))[0];
}

function describe(e: ErrorObject, path: readonly (string | number)[]): string {
  const where = path.length === 0 ? 'the file' : path.join('.');
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      return `${where}: unknown key '${key}'${didYouMean(key, knownKeys(e))}`;
    }
    case 'required':
      return `${where}: missing '${String((e.params as { missingProperty: string }).missingProperty)}'`;
    case 'false schema':
      return `${where}: not allowed here`;
    case 'pattern':
    case 'not': {
      // A schema may say in words what its pattern (or exclusion) means: its `hint`.
      const hint = (e.parentSchema as { hint?: unknown } | undefined)?.hint;
      return typeof hint === 'string' ? `${where}: ${hint}` : `${where}: ${e.message ?? 'is invalid'}`;
    }
    case 'enum':
      return `${where}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${where}: ${e.message ?? 'is invalid'}`;
  }
}
