import { readFileSync } from 'node:fs';
import { relative as relativePath } from 'node:path';
import { LoadError } from '../core/errors.js';
import { schemaProblems } from '../core/schema-check.js';
import { parseYamlSource } from '../core/yaml-source.js';
import { packageFolder } from '../core/package-root.js';
import type { ApiSpec, JosProtocolSpec, RuleSpec } from './types.js';

/** Absolute path of the repository's `specs/` folder. */
export const SPECS_DIR = packageFolder('specs');

/** The schema (under specs/schema/) each kind of spec file is validated against on load. */
export const SPEC_SCHEMAS = {
  api: 'api-spec.schema.json',
  protocol: 'protocol-spec.schema.json',
  rules: 'rules.schema.json',
} as const;

export type SpecKind = keyof typeof SPEC_SCHEMAS;

const cache = new Map<string, unknown>();

/**
 * A spec file under specs/ (`relative` to it), parsed, validated against its kind's schema and
 * deep-frozen, once per process.
 */
export function loadSpecFile<T>(relative: string, kind: SpecKind): T {
  return loadYaml<T>(relative, kind);
}

function loadYaml<T>(relative: string, kind: SpecKind): T {
  let value = cache.get(relative);
  if (value === undefined) {
    const file = SPECS_DIR + relative;
    // Shown as the scenario loader shows its files: relative to the working directory.
    value = deepFreeze(parseSpec(relativePath(process.cwd(), file) || file, readFileSync(file, 'utf8'), kind));
    cache.set(relative, value);
  }
  return value as T;
}

/**
 * Parses the text of a spec file and validates it against its schema (SPEC_SCHEMAS, compiled once per
 * process). Throws a LoadError listing every problem, each at its file:line:column. Callers that patch
 * a spec (faults, spec mutations) patch copies of the validated value, which are not validated again.
 */
export function parseSpec(file: string, text: string, kind: SpecKind): unknown {
  const source = parseYamlSource(file, text);
  const problems = schemaProblems(source, SPEC_SCHEMAS[kind], { all: true });
  if (problems.length > 0) throw new LoadError(problems);
  return source.value;
}

export function loadJosProtocol(): JosProtocolSpec {
  return loadYaml<JosProtocolSpec>('jos/protocol.yaml', 'protocol');
}

export function loadPromotionSpec(): ApiSpec {
  return loadYaml<ApiSpec>('jd-promotion/spec.yaml', 'api');
}

export function loadRules(): readonly RuleSpec[] {
  return loadYaml<{ rules: RuleSpec[] }>('rules.yaml', 'rules').rules;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
