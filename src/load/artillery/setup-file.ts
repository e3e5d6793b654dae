/**
 * setup.json: what an export hands every Artillery worker, written once by `promoproof load --export
 * artillery` after it ran the profile's setup against the target. Plain data: the profile and the
 * target config by path (the config's secrets stay in the environment, `${env:…}`, never in the file),
 * the setup's variables (captures included: the batches uploaded, the ids learnt), one user space for
 * every worker, the run's tag, and the planned phases each worker rebuilds its schedule from.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Json } from '../../scenario/types.js';
import type { AuditBefore } from '../audit.js';
import type { PlannedPhase } from '../run-load.js';

export const SETUP_FORMAT = 'promoproof-artillery-setup/1';

export interface ArtillerySetup {
  readonly format: typeof SETUP_FORMAT;
  /** When the export ran (ISO 8601). */
  readonly exportedAt: string;
  /** The profile: its name and its file (a copy in the export's folder, relative to setup.json; absolute once read). */
  readonly profile: { readonly name: string; readonly file: string };
  /** The target config (a copy in the export's folder, relative to setup.json; absolute once read); workers load it with their own environment (its secrets). */
  readonly targetConfig: string;
  /** The workers the rates were divided by. */
  readonly workers: number;
  /** This export's tag (5 hex digits): every worker's request ids start with its own tag and carry it. */
  readonly runTag: string;
  /** The profile's vars and the setup's captures, and `userBase`: user k is the same uid in every worker. */
  readonly vars: Readonly<Record<string, Json>>;
  readonly userBase: number;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  /** The profile's phases as planned (overrides applied), before the division by `workers`. */
  readonly phases: readonly PlannedPhase[];
  /** The mix's operation names, in order (metric names carry their index). */
  readonly operations: readonly string[];
  /** The script's http.pool: connections per worker (script.ts poolPerWorker). */
  readonly poolPerWorker: number;
  /** The setup's duration, ms. */
  readonly setupMs: number;
  /** The audited batches' statistics before the first request (src/load/audit.ts statisticsBefore): the import's audit starts from them. */
  readonly auditBefore: AuditBefore;
}

/**
 * Reads and checks a setup.json (throws with the file's name when it is not one). The profile's and the
 * target config's paths come back absolute, read against setup.json's folder wherever that folder now is
 * (a Fargate worker's copy of the export); an older export's absolute paths stay as they are.
 */
export function readArtillerySetup(file: string): ArtillerySetup {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<ArtillerySetup>;
  if (parsed.format !== SETUP_FORMAT)
    throw new Error(`${file}: not a promoproof Artillery setup (format ${String(parsed.format)}, expected ${SETUP_FORMAT})`);
  const setup = parsed as ArtillerySetup;
  const dir = dirname(resolve(file));
  return {
    ...setup,
    profile: { ...setup.profile, file: resolve(dir, setup.profile.file) },
    targetConfig: resolve(dir, setup.targetConfig),
  };
}
