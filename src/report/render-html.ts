import { escapeHtml } from './escape.js';
import { DISPLAY_ORDER, isWaived, partitionResults, type DisplayGroup } from './partition.js';
import { formatDuration, formatSeconds } from './text.js';
import type { CheckResult, Failure, RunReport } from './types.js';

const GROUP_TITLE: Readonly<Record<DisplayGroup, string>> = {
  failed: 'Failed',
  errored: 'Errored',
  inconclusive: 'Inconclusive',
  waived: 'Waived',
  skipped: 'Skipped',
  passed: 'Passed',
};

/** Inline style sheet: the document loads nothing. */
const CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #fff; --line: #d1d9e0; --panel: #f6f8fa;
  --pass: #1a7f37; --fail: #cf222e; --error: #8250df; --warn: #9a6700; --skip: #59636e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --line: #3d444d; --panel: #151b23;
  --pass: #3fb950; --fail: #f85149; --error: #ab7df8; --warn: #d29922; --skip: #9198a1; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 24px; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; }
.meta { color: var(--muted); margin: 0 0 16px; } .meta code { color: var(--fg); }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 12px; color: #fff; font-weight: 600; }
.verdict.pass { background: var(--pass); } .verdict.fail { background: var(--fail); }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { min-width: 110px; padding: 10px 14px; border: 1px solid var(--line); border-radius: 8px; background: var(--panel); }
.card .n { display: block; font-size: 24px; font-weight: 600; } .card .l { color: var(--muted); }
table { width: 100%; border-collapse: collapse; margin-top: 8px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--panel); } td.num { text-align: right; white-space: nowrap; }
tbody th.group { font-size: 15px; padding-top: 14px; background: none; border-bottom: 2px solid var(--line); }
code, pre { font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { margin: 6px 0; padding: 8px; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; white-space: pre-wrap; word-break: break-all; max-height: 480px; overflow: auto; }
details > summary { cursor: pointer; } dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; } dt { color: var(--muted); } dd { margin: 0; }
.s-failed { color: var(--fail); } .s-errored { color: var(--error); } .s-inconclusive, .s-waived { color: var(--warn); }
.s-skipped { color: var(--skip); } .s-passed { color: var(--pass); } .status { font-weight: 600; white-space: nowrap; }
ul.rules { columns: 4 180px; padding-left: 18px; } .uncovered { color: var(--fail); font-weight: 600; }
`;

/**
 * Renders the report as one self-contained HTML document: inline CSS, no scripts, no external resources
 * (a Content-Security-Policy forbids them). Summary cards, then every result in one table grouped by
 * status with failures first (details of a failure in a `<details>` element), waivers, and the rule
 * coverage. All text is escaped (`& < > " '`) and control characters are made visible.
 */
export function renderHtml(report: RunReport): string {
  const parts = partitionResults(report);
  const s = report.summary;
  const pass = report.verdict === 'pass';
  const cov = report.coverage;
  const target = [report.target.embedded ? 'embedded' : '', report.target.fault ? `fault: ${report.target.fault}` : '']
    .filter((t) => t !== '')
    .join(', ');

  const cards: [string, number | string, DisplayGroup | ''][] = [
    ['total', s.total, ''],
    ['passed', s.passed, 'passed'],
    ['failed', s.failed, 'failed'],
    ['errored', s.errored, 'errored'],
    ['skipped', s.skipped, 'skipped'],
    ['inconclusive', s.inconclusive, 'inconclusive'],
    ['waived', s.waived, 'waived'],
    ['rules covered', `${cov.covered}/${cov.total}`, ''],
  ];

  const out: string[] = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>promoproof ${pass ? 'pass' : 'fail'}: ${escapeHtml(report.target.url)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<h1>promoproof <span class="verdict ${pass ? 'pass' : 'fail'}">${pass ? 'PASS' : 'FAIL'}</span></h1>`,
    `<p class="meta">target <code>${escapeHtml(report.target.url)}</code>${target ? ` (${escapeHtml(target)})` : ''}` +
      ` · suites ${escapeHtml(report.suites.join(', ') || '(none)')} · ${escapeHtml(formatDuration(report.durationMs))}` +
      ` · started ${escapeHtml(report.startedAt)} · ${escapeHtml(report.tool.name)} ${escapeHtml(report.tool.version)}</p>`,
    '<div class="cards">',
    ...cards.map(
      ([label, n, group]) =>
        `<div class="card"><span class="n${group ? ` s-${group}` : ''}">${escapeHtml(String(n))}</span><span class="l">${escapeHtml(label)}</span></div>`,
    ),
    '</div>',
  ];

  if (report.expiredWaivers.length > 0) {
    out.push('<h2 class="s-failed">Expired waivers</h2>', '<ul>');
    for (const w of report.expiredWaivers) {
      out.push(`<li><code>${escapeHtml(w.rule)}</code>: ${escapeHtml(w.reason)} (expired ${escapeHtml(w.expires)})</li>`);
    }
    out.push('</ul>');
  }

  const nav = DISPLAY_ORDER.filter((group) => parts[group].length > 0).map(
    (group) => `<a href="#${group}" class="s-${group}">${GROUP_TITLE[group]} (${parts[group].length})</a>`,
  );
  out.push(
    '<h2>Results</h2>',
    `<p class="meta">${nav.join(' · ')}</p>`,
    '<table>',
    '<thead><tr><th>Status</th><th>Check</th><th>Rules</th><th>Level</th><th>Time (s)</th><th>Details</th></tr></thead>',
  );
  for (const group of DISPLAY_ORDER) {
    const results = parts[group];
    if (results.length === 0) continue;
    out.push(`<tbody id="${group}">`, `<tr><th class="group s-${group}" colspan="6">${GROUP_TITLE[group]} (${results.length})</th></tr>`);
    for (const r of results) out.push(row(r, group));
    out.push('</tbody>');
  }
  out.push('</table>');

  out.push('<h2>Rule coverage</h2>', `<p>${cov.covered}/${cov.total} rules covered.</p>`);
  if (cov.uncovered.length > 0) {
    out.push(`<p>Uncovered: ${cov.uncovered.map((id) => `<code class="uncovered">${escapeHtml(id)}</code>`).join(', ')}</p>`);
  }
  if (cov.rules.length > 0) {
    out.push('<ul class="rules">');
    for (const rule of cov.rules) {
      const cls = rule.checks === 0 ? ' class="uncovered"' : '';
      out.push(`<li${cls}><code>${escapeHtml(rule.id)}</code> ${escapeHtml(rule.level)}: ${rule.checks} ${rule.checks === 1 ? 'check' : 'checks'}</li>`);
    }
    out.push('</ul>');
  }

  out.push('</body>', '</html>', '');
  return out.join('\n');
}

function row(r: CheckResult, group: DisplayGroup): string {
  const rules = r.rules.map((id) => `<code>${escapeHtml(id)}</code>`).join(', ');
  return (
    `<tr><td class="status s-${group}">${GROUP_TITLE[group]}</td>` +
    `<td><code>${escapeHtml(r.id)}</code><br>${escapeHtml(r.title)}</td>` +
    `<td>${rules}</td><td>${escapeHtml(r.level)}</td><td class="num">${formatSeconds(r.durationMs)}</td>` +
    `<td>${details(r)}</td></tr>`
  );
}

function details(r: CheckResult): string {
  const waiver = isWaived(r)
    ? `<p class="s-waived">waived (${r.status}, rule <code>${escapeHtml(r.waived.rule)}</code>): ${escapeHtml(r.waived.reason)} (expires ${escapeHtml(r.waived.expires)})</p>`
    : '';
  const entries: string[] = [];
  if (r.source) entries.push(entry('source', `<code>${escapeHtml(`${r.source.file}:${r.source.line}`)}</code>`));
  if (r.tags.length > 0) entries.push(entry('tags', escapeHtml(r.tags.join(', '))));
  if (r.failure) entries.push(...failureEntries(r.failure));
  if (r.status === 'passed' || entries.length === 0) return `${waiver}${escapeHtml(r.message)}`;
  const summary = r.message.trim() === '' ? '(details)' : escapeHtml(r.message);
  return `${waiver}<details><summary>${summary}</summary><dl>${entries.join('')}</dl></details>`;
}

/** A `<dt>`/`<dd>` pair; `html` is already escaped. */
function entry(term: string, html: string): string {
  return `<dt>${term}</dt><dd>${html}</dd>`;
}

function pre(text: string): string {
  return `<pre>${escapeHtml(text)}</pre>`;
}

function failureEntries(f: Failure): string[] {
  const out: string[] = [
    entry('step', `<code>${escapeHtml(f.step)}</code>${f.asserting === false ? ' (setup step)' : ''}`),
    entry('expected', pre(f.expected)),
    entry('actual', pre(f.actual)),
  ];
  if (f.request) {
    const req = f.request;
    const params = Object.entries(req.params)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n');
    out.push(
      entry(
        'request',
        `<code>${escapeHtml(`${req.httpMethod} ${req.url}`)}</code><br>operation <code>${escapeHtml(req.operation)}</code>` +
          (params ? pre(params) : ''),
      ),
    );
  }
  if (f.response) {
    const res = f.response;
    const meta = [res.contentType ?? '', res.truncated ? 'truncated' : ''].filter((t) => t !== '').join(', ');
    out.push(entry('response', `${escapeHtml(String(res.status))}${meta ? ` (${escapeHtml(meta)})` : ''}${pre(res.body)}`));
  }
  if (f.curl !== undefined) out.push(entry('curl', pre(f.curl)));
  return out;
}
