/**
 * The Artillery script of an export (`promoproof load --export artillery`): the profile's phases as one
 * worker's share (src/load/artillery/schedule.ts), a deliberate connection pool, the mix as weighted
 * scenarios, and promoproof's processor and plugin. Every scenario is one request whose URL, headers and
 * body the processor's `beforeRequest` replaces with what promoproof's own `prepare` built (signed now),
 * so the script holds no request of its own: Artillery paces arrivals and carries the bytes.
 */
import { stringify } from 'yaml';
import { LOAD_DEFAULTS } from '../run-load.js';
import type { WorkerPhase } from './schedule.js';

/** The processor's functions, by the hook that calls them (src/load/artillery/runtime.ts). */
export const PROCESSOR_FUNCTIONS = {
  beforeScenario: 'promoproofArrive',
  beforeRequest: 'promoproofRequest',
  afterResponse: 'promoproofAnswer',
  onError: 'promoproofError',
} as const;

/** The plugin's name as the script's `config.plugins` names it (the folder `artillery-plugin-promoproof`). */
export const PLUGIN_NAME = 'promoproof';

/** What the script is written from. */
export interface ScriptInput {
  readonly profile: string;
  readonly workers: number;
  /** One worker's phases. */
  readonly phases: readonly WorkerPhase[];
  /** The mix: each operation's name and weight. */
  readonly operations: readonly { readonly name: string; readonly weight: number }[];
  /** The first operation's origin: Artillery requires a target; every request carries its own absolute URL. */
  readonly origin: string;
  /** The profile's connection cap (open model), over every worker. */
  readonly connections: number;
  readonly timeoutMs: number;
  /** Where the processor is, relative to the script. */
  readonly processor: string;
  /** Files beside the script that `run-fargate` must ship to each worker (its `config.includeFiles`), relative to the script. */
  readonly includeFiles?: readonly string[];
}

/**
 * The connections of one worker: the profile's cap shared by the workers (as the local open model caps
 * one pool), raised to a spike's share of requests (the local engine opens one connection per spike
 * request, up to LOAD_DEFAULTS.spikeConnectionsMax over the run), so that a spike is not queued behind
 * a pool sized for the steady rate. A pool is a cap: a steady phase opens only what it needs.
 */
export function poolPerWorker(input: Pick<ScriptInput, 'connections' | 'workers' | 'phases'>): number {
  const steady = Math.ceil(input.connections / input.workers);
  const spikeCap = Math.ceil(LOAD_DEFAULTS.spikeConnectionsMax / input.workers);
  const spike = Math.max(0, ...input.phases.filter((p) => p.kind === 'spike').map((p) => Math.min(p.arrivals, spikeCap)));
  return Math.max(1, steady, spike);
}

/** The script as an object (what the YAML holds). */
export function artilleryScript(input: ScriptInput): Record<string, unknown> {
  return {
    config: {
      target: input.origin,
      phases: input.phases.map((p) => p.artillery),
      http: { timeout: Math.max(1, Math.ceil(input.timeoutMs / 1000)), pool: poolPerWorker(input) },
      processor: input.processor,
      // suppressOutput keeps the audit's record frames (`…plugins.promoproof…`: records.ts) off `artillery run`'s console.
      plugins: { [PLUGIN_NAME]: { suppressOutput: true } },
      ...(input.includeFiles !== undefined && input.includeFiles.length > 0 ? { includeFiles: [...input.includeFiles] } : {}),
    },
    scenarios: input.operations.map((op) => ({
      name: op.name,
      weight: op.weight,
      beforeScenario: PROCESSOR_FUNCTIONS.beforeScenario,
      onError: PROCESSOR_FUNCTIONS.onError,
      flow: [
        {
          // The method and URL here are placeholders: beforeRequest sets what prepare built.
          post: { url: '/', beforeRequest: PROCESSOR_FUNCTIONS.beforeRequest, afterResponse: PROCESSOR_FUNCTIONS.afterResponse },
        },
      ],
    })),
  };
}

/** The script's YAML, with a header that says how it was made and why its pool is what it is. */
export function renderArtilleryScript(input: ScriptInput): string {
  const perWorker = input.phases.reduce((s, p) => s + p.arrivals, 0);
  const pool = poolPerWorker(input);
  const header = [
    `# Written by \`promoproof load --profile ${input.profile} --export artillery --workers ${input.workers}\`; run it with the`,
    '# commands in README.txt (telemetry off: ARTILLERY_DISABLE_TELEMETRY=true).',
    `# One worker's share: every worker runs this whole script (\`run-fargate --count ${input.workers}\`, or ${input.workers} local`,
    `# processes), so each phase's rate is the profile's divided by ${input.workers}: ${perWorker.toLocaleString('en-US')} arrivals per worker,`,
    `# ${(perWorker * input.workers).toLocaleString('en-US')} over ${input.workers}. A spike's phase lasts its arrivals in µs: a 1 µs tick, the tightest`,
    '# Artillery allows (it has no instant release), so each worker fires one arrival per turn of its event loop;',
    "# their latency counts from the spike's start all the same.",
    `# http.pool ${pool}: the profile's ${input.connections} connections shared by ${input.workers} workers, raised to a spike's share`,
    '# (the local engine opens a connection per spike request): one keep-alive pool per worker, a cap that',
    '# a steady phase does not fill. Without a pool Artillery opens a connection per arrival, which measures',
    '# handshakes and runs a load generator out of ports.',
    "# Each scenario is one request of the mix, weighted as the profile weighs it; promoproof's processor",
    '# builds and signs it (prepare), judges the answer (the one classifier) and emits the figures as',
    "# Artillery custom metrics, which Artillery merges across workers; promoproof's plugin writes them.",
  ];
  return `${header.join('\n')}\n${stringify(artilleryScript(input), { lineWidth: 0 })}`;
}
