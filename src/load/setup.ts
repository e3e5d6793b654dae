/**
 * A load profile's setup: its steps, written in the suites' own step language, planned and run as one
 * check of the profile's first API (src/scenario/plan.ts, src/engine/execute-check.ts), so that setup
 * reaches any target that serves the APIs, signs and judges exactly as `check` does, and says which
 * step failed and why. What it leaves behind (the profile's vars and every capture) is what the mix's
 * templates read.
 */
import { APIS } from '../apis/index.js';
import { executeCheck } from '../engine/execute-check.js';
import type { Target } from '../engine/target.js';
import { planSuite } from '../scenario/plan.js';
import type { Json, PlannedCheck } from '../scenario/types.js';
import type { LoadProfileDoc } from './types.js';

/** What the setup needs beyond the profile and the target. */
export interface SetupOptions {
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  readonly signal?: AbortSignal;
}

/** The setup did not complete: `step` names where it stopped, `message` why (the check's own words). */
export class SetupError extends Error {
  readonly status: string;
  constructor(message: string, status: string) {
    super(message);
    this.name = 'SetupError';
    this.status = status;
  }
}

/** The setup as one planned check (steps of the profile's first API; a step's `api:` reaches the others). */
export function planProfileSetup(doc: LoadProfileDoc, file: string): PlannedCheck {
  const api = doc.apis[0];
  const def = api === undefined ? undefined : APIS.get(api);
  if (api === undefined || def === undefined) throw new Error(`profile ${doc.profile}: no known first API`);
  const pos = { file, line: 1, column: 1 };
  const [check] = planSuite({
    name: api,
    protocol: def.protocol,
    scenarios: [
      {
        doc: {
          id: `${doc.profile}:setup`,
          title: `setup of load profile ${doc.profile}`,
          covers: [],
          level: 'must',
          ...(doc.vars ? { vars: doc.vars } : {}),
          steps: doc.setup ?? [],
        },
        pos,
        rowPos: [],
      },
    ],
    fixtures: new Map(),
    baselines: [],
  });
  if (check === undefined) throw new Error(`profile ${doc.profile}: setup did not plan`);
  return check;
}

/**
 * Runs the profile's setup against the target and returns the variables the mix reads: the profile's
 * `vars` evaluated once and every capture of the setup. Throws SetupError when a step fails, errors or
 * is skipped (the target lacks an API or a capability the setup needs): a storm on a state that was not
 * made measures nothing.
 */
export async function runProfileSetup(
  doc: LoadProfileDoc,
  file: string,
  target: Target,
  opts: SetupOptions,
): Promise<Readonly<Record<string, Json>>> {
  const check = planProfileSetup(doc, file);
  let vars: Readonly<Record<string, Json>> | undefined;
  const result = await executeCheck(check, target, APIS.get(check.api)?.compiled() ?? missing(check.api), {
    timeoutMs: opts.timeoutMs,
    maxBodyBytes: opts.maxBodyBytes,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onRootVars: (v) => {
      vars = v;
    },
  });
  if (result.status !== 'passed' || vars === undefined) {
    const where = result.failure ? ` at step '${result.failure.step}'` : '';
    throw new SetupError(`the setup of profile ${doc.profile} ${result.status}${where}: ${result.message}`, result.status);
  }
  return vars;
}

function missing(api: string): never {
  throw new Error(`unknown API ${api}`);
}
