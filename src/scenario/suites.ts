import { APIS, type ApiDef } from '../apis/index.js';
import { packageFolder } from '../core/package-root.js';

/** Absolute path of the repository's `scenarios/` folder. */
export const SCENARIOS_DIR = packageFolder('scenarios');

/** A suite is the scenarios folder of one API (scenarios/<api id>/): it runs against that API's spec and protocol. */
export type SuiteDef = ApiDef;

export const SUITES: ReadonlyMap<string, SuiteDef> = APIS;
