/**
 * The child process of bench/load.ts's peak-RSS row: one run of `load` (the mix building signed
 * claims, the one classifier, the recorder), alone in its process so that its peak RSS is the run's
 * own. Argument, as JSON: `{ code, origin, doc }`: the compiled package (`dist`, as users run it) or the
 * sources (`src`, loaded through tsx when dist/ is stale), the origin of a server answering the JOS
 * sold-out refusal (bench/jos-answer-server.mjs), and the load profile to play. Sends
 * `{ maxRssBytes, wallMs, result }` over IPC, then exits.
 */
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
// maxRSS is in KiB.
process.send?.({ maxRssBytes: process.resourceUsage().maxRSS * 1024, wallMs, result }, () => process.exit(0));
