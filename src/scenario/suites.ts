import { promotionApiCompiled, type CompiledApi } from '../spec/compile.js';
import { packageFolder } from '../util/package-root.js';

/** Absolute path of the repository's `scenarios/` folder. */
export const SCENARIOS_DIR = packageFolder('scenarios');

/** What a suite runs against: its protocol and the compiled spec of its operations. */
export interface SuiteDef {
  readonly name: string;
  readonly protocol: 'jos';
  readonly api: () => CompiledApi;
  /** The rule-id prefixes whose coverage the suite reports. */
  readonly rulePrefixes: readonly string[];
}

export const SUITES: ReadonlyMap<string, SuiteDef> = new Map([
  ['jd-promotion', { name: 'jd-promotion', protocol: 'jos', api: promotionApiCompiled, rulePrefixes: ['JOS-', 'JDP-'] }],
]);
