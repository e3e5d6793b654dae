import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { packageFolder } from '../util/package-root.js';
import type { ApiSpec, JosProtocolSpec, RuleSpec } from './types.js';

/** Absolute path of the repository's `specs/` folder. */
export const SPECS_DIR = packageFolder('specs');

const cache = new Map<string, unknown>();

function loadYaml<T>(relative: string): T {
  let value = cache.get(relative);
  if (value === undefined) {
    value = deepFreeze(parse(readFileSync(SPECS_DIR + relative, 'utf8')));
    cache.set(relative, value);
  }
  return value as T;
}

export function loadJosProtocol(): JosProtocolSpec {
  return loadYaml<JosProtocolSpec>('jos/protocol.yaml');
}

export function loadPromotionSpec(): ApiSpec {
  return loadYaml<ApiSpec>('jd-promotion/spec.yaml');
}

export function loadRules(): readonly RuleSpec[] {
  return loadYaml<{ rules: RuleSpec[] }>('rules.yaml').rules;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
