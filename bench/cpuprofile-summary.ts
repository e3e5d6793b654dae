/**
 * Where a process's time went, from a V8 `.cpuprofile` (node --cpu-prof): self time summed by function
 * and by file (a package's files as one: `node_modules/fastify`), and the total time of the functions
 * whose stacks held most samples (a function counted once per sample, however deep it recurses).
 * `node --import tsx bench/cpuprofile-summary.ts FILE.cpuprofile [TOP=25]`. `npm run bench -- reference`
 * with BENCH_REFERENCE_CPU_PROF=DIR writes the reference's profile under a claim storm.
 */
import { readFileSync } from 'node:fs';

/** The parts of the .cpuprofile JSON read here (the Chrome DevTools Profile). */
interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self and total µs by key, and the whole profile's µs. */
export interface ProfileSummary {
  readonly totalUs: number;
  readonly selfByFunction: ReadonlyMap<string, number>;
  readonly selfByFile: ReadonlyMap<string, number>;
  readonly totalByFunction: ReadonlyMap<string, number>;
}

/** `node_modules/<package>` for a dependency's file, the path from `src/` for ours, the URL otherwise. */
export function fileKey(url: string): string {
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return `node_modules/${dep[1]}`;
  const ours = /\/((?:src|bench|bin)\/.*)$/.exec(url);
  return ours?.[1] ?? (url || '(native or V8)');
}

function functionKey(node: ProfileNode): string {
  const f = node.callFrame;
  return `${f.functionName || '(anonymous)'} ${fileKey(f.url)}:${f.lineNumber + 1}`;
}

/** Sums the samples of `profile` by function and by file. */
export function summarise(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfByFunction = new Map<string, number>();
  const selfByFile = new Map<string, number>();
  const totalByFunction = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, us: number) => m.set(k, (m.get(k) ?? 0) + us);
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    // A sample's time is the delta to the next sample (the last one's is unknown: its own delta).
    const us = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node) return;
    totalUs += us;
    add(selfByFunction, functionKey(node), us);
    add(selfByFile, fileKey(node.callFrame.url), us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at);
      if (!n) break;
      const k = functionKey(n);
      if (!seen.has(k)) add(totalByFunction, k, us);
      seen.add(k);
    }
  });
  return { totalUs, selfByFunction, selfByFile, totalByFunction };
}

/** The summary as text: the `top` entries of each table, in ms and per cent of the whole. */
export function renderSummary(s: ProfileSummary, top: number): string {
  const table = (title: string, m: ReadonlyMap<string, number>) => {
    const rows = [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
    return [
      title,
      ...rows.map(([k, us]) => `${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / s.totalUs).toFixed(1).padStart(5)} %  ${k}`),
    ].join('\n');
  };
  return [
    `${(s.totalUs / 1000).toFixed(0)} ms sampled`,
    table('self time by file', s.selfByFile),
    table('self time by function', s.selfByFunction),
    table('total time by function (callees included)', s.totalByFunction),
  ].join('\n\n');
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const [file, top] = process.argv.slice(2);
  if (!file) throw new Error('usage: bench/cpuprofile-summary.ts FILE.cpuprofile [TOP]');
  console.log(renderSummary(summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile), Number(top ?? 25)));
}
