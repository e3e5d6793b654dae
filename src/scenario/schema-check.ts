import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { SPECS_DIR } from '../spec/load.js';
import type { LoadProblem } from './errors.js';
import { fromPointer, type YamlSource } from './yaml-source.js';

const compiled = new Map<string, ValidateFunction>();

/** A validator for a schema file under specs/schema/, compiled once. */
export function schemaValidator(name: string): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
    v = ajv.compile(JSON.parse(readFileSync(`${SPECS_DIR}schema/${name}`, 'utf8')) as object);
    compiled.set(name, v);
  }
  return v;
}

/**
 * Validates a parsed YAML file against a schema; answers the most telling problem: the deepest
 * failing value, preferring a concrete keyword over "must match one of" summaries.
 */
export function schemaProblems(source: YamlSource, schema: string): LoadProblem[] {
  const validate = schemaValidator(schema);
  if (validate(source.value)) return [];
  const errors = validate.errors ?? [];
  const best = pickError(errors);
  if (!best) return [];
  const path = fromPointer(best.instancePath);
  return [source.problem('PP_SCHEMA', describe(best, path), path)];
}

function pickError(errors: readonly ErrorObject[]): ErrorObject | undefined {
  const depth = (e: ErrorObject) => (e.instancePath === '' ? 0 : e.instancePath.split('/').length) + (e.keyword === 'additionalProperties' || e.keyword === 'required' ? 1 : 0);
  const concrete = errors.filter((e) => !['oneOf', 'anyOf', 'if', 'const'].includes(e.keyword));
  const pool = concrete.length > 0 ? concrete : errors;
  return [...pool].sort((a, b) => depth(b) - depth(a))[0];
}

function describe(e: ErrorObject, path: readonly (string | number)[]): string {
  const where = path.length === 0 ? 'the file' : path.join('.');
  switch (e.keyword) {
    case 'additionalProperties':
      return `${where}: unknown key '${String((e.params as { additionalProperty: string }).additionalProperty)}'`;
    case 'required':
      return `${where}: missing '${String((e.params as { missingProperty: string }).missingProperty)}'`;
    case 'enum':
      return `${where}: must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${where}: ${e.message ?? 'is invalid'}`;
  }
}
