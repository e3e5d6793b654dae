/**
 * The child process of bench/load.ts's peak-RSS row: one run of `load` (the mix building signed
 * claims, the one classifier, the recorder), alone in its process so that its peak RSS is the run's
 * own. Argument, as JSON: `{ code, origin, doc }`: the compiled package (`dist`, as users run it) or the
 * sources (`src`, loaded through tsx when dist/ is stale), the origin of a server answering the JOS
 * sold-out refusal (bench/jos-answer-server.mjs), and the load profile to play. Sends
 * `{ maxRssBytes, wallMs, result }` over IPC, then exits.
 */
import { readFileSync } from 'node:fs';

const { code, origin, doc } = JSON.parse(process.argv[2] ?? '{}');
/** @param {string} path a module of the package, from its root (`load/run-load.js`) */
const from = (path) => import(new URL(`../${code}/${path}`, import.meta.url).href);
const { runLoad } = await from('load/run-load.js');
const { targetFromUrl } = await from('engine/targets/config.js');
const { DEFAULT_CREDENTIALS } = await from('protocols/jos/credentials.js');

const target = targetFromUrl(`${origin}/routerjson`, { ...DEFAULT_CREDENTIALS }, 'jd-coupon');
const startMs = performance.now();
const result = await runLoad({ profile: { doc, file: 'bench/load.ts' }, target });
const wallMs = performance.now() - startMs;
process.send?.({ maxRssBytes: peakRssBytes(), wallMs, result }, () => process.exit(0));

/**
 * This process's peak RSS. On Linux, VmHWM of /proc/self/status: the peak of this program's own memory.
 * Not getrusage's maxRSS, which a child started by fork + exec inherits from the parent's image at the
 * fork (Linux keeps the larger of the two across exec): a bench process of 464 MB made every child,
 * whatever its run, report 464 MB. Elsewhere, maxRSS (KiB), with that caveat.
 */
function peakRssBytes() {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) * 1024;
  } catch {}
  return process.resourceUsage().maxRSS * 1024;
}
