import { createHash } from 'node:crypto';
import { escapeHtml } from './escape.js';
import { DISPLAY_ORDER, isWaived, partitionResults, type DisplayGroup } from './partition.js';
import { formatDuration, formatSeconds, plural } from './text.js';
import type { CheckResult, CheckStatus, Failure, RunReport } from './types.js';
import { countsTowardVerdict, levelLabel, verdictStatement } from './verdict.js';

const GROUP_TITLE: Readonly<Record<DisplayGroup, string>> = {
  failed: 'Failed',
  errored: 'Errored',
  inconclusive: 'Inconclusive',
  waived: 'Waived',
  skipped: 'Skipped',
  passed: 'Passed',
};

/** The statuses the filter offers, in display order. */
const FILTER_STATUSES: readonly CheckStatus[] = ['failed', 'errored', 'inconclusive', 'skipped', 'passed'];

/** Inline style sheet: the document loads nothing. */
const CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #fff; --line: #d1d9e0; --panel: #f6f8fa; --refbg: #fbfbfc;
  --pass: #1a7f37; --fail: #cf222e; --error: #8250df; --warn: #9a6700; --skip: #59636e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --line: #3d444d; --panel: #151b23; --refbg: #11161d;
  --pass: #3fb950; --fail: #f85149; --error: #ab7df8; --warn: #d29922; --skip: #9198a1; } }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0 auto; max-width: 1200px; padding: 24px; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); overflow-wrap: break-word; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; }
.meta { color: var(--muted); margin: 0 0 16px; overflow-wrap: anywhere; } .meta code { color: var(--fg); }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 12px; color: #fff; font-weight: 600; }
.verdict.pass { background: var(--pass); } .verdict.fail { background: var(--fail); } .verdict.none { background: var(--skip); }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { min-width: 110px; padding: 10px 14px; border: 1px solid var(--line); border-radius: 8px; background: var(--panel); }
.card .n { display: block; font-size: 24px; font-weight: 600; } .card .l { color: var(--muted); }
.badge { display: inline-block; padding: 0 7px; border: 1px solid var(--line); border-radius: 10px; font-size: 12px; line-height: 18px; font-weight: 600; white-space: nowrap; background: var(--panel); }
.badge.ref { border: 1px dashed var(--muted); background: transparent; color: var(--muted); font-style: italic; }
.reason { margin: 0 0 12px; font-weight: 600; overflow-wrap: anywhere; }
.ref-note { display: block; color: var(--muted); font-size: 12px; } .ref-note.counts { color: var(--fail); }
.legend { margin: 4px 0 8px; padding: 8px 12px; border: 1px dashed var(--line); border-radius: 8px; } .legend code { white-space: nowrap; }
.filters { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 8px 20px; margin: 8px 0; padding: 10px 12px; border: 1px solid var(--line); border-radius: 8px; background: var(--panel); }
.filters fieldset { display: flex; flex-wrap: wrap; gap: 2px 12px; min-width: 0; margin: 0; padding: 0; border: 0; }
.filters legend, .filters .field > span { padding: 0; color: var(--muted); font-size: 12px; }
.filters label { white-space: nowrap; }
.filters .field { display: flex; flex-direction: column; min-width: 0; max-width: 100%; }
.filters .grow { flex: 1 1 220px; }
.filters select, .filters input[type="search"], .filters button { max-width: 100%; min-width: 0; padding: 3px 6px; font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 6px; }
.filters button { cursor: pointer; }
.filters .count { flex-basis: 100%; margin: 0; font-weight: 600; }
table { width: 100%; border-collapse: collapse; margin-top: 8px; }
table.results { table-layout: fixed; }
table.results thead th:nth-child(1) { width: 8em; } table.results thead th:nth-child(2) { width: 22%; }
table.results thead th:nth-child(3) { width: 9.5em; } table.results thead th:nth-child(4) { width: 7.5em; }
table.results thead th:nth-child(5) { width: 5.5em; white-space: nowrap; text-align: right; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--panel); } td.num { text-align: right; white-space: nowrap; }
td.check, td.rules, td.details, dd, li { overflow-wrap: anywhere; } td.details p { margin: 0 0 4px; }
td.rules code { display: inline-block; }
code.url { display: block; max-height: 10em; overflow: auto; margin: 2px 0 6px; padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); }
tbody th.group { font-size: 15px; padding-top: 14px; background: none; border-bottom: 2px solid var(--line); }
tr.result > td:first-child { border-left: 3px solid transparent; }
tr.g-failed.lvl-must > td:first-child { border-left-color: var(--fail); } tr.g-errored.lvl-must > td:first-child { border-left-color: var(--error); }
tr.lvl-ref > td { background: var(--refbg); } tr.lvl-ref > td:first-child { border-left: 3px dashed var(--muted); }
tr.lvl-ref .status { font-weight: 500; font-style: italic; }
code, pre { font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { margin: 6px 0; padding: 8px; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; white-space: pre-wrap; word-break: break-all; max-height: 480px; overflow: auto; }
details > summary { cursor: pointer; } dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 12px; margin: 8px 0; } dt { color: var(--muted); } dd { margin: 0; min-width: 0; }
.s-failed { color: var(--fail); } .s-errored { color: var(--error); } .s-inconclusive, .s-waived { color: var(--warn); }
.s-skipped { color: var(--skip); } .s-passed { color: var(--pass); } .status { font-weight: 600; white-space: nowrap; }
ul.rules { columns: 4 180px; padding-left: 18px; } .uncovered { color: var(--fail); font-weight: 600; }
@media (max-width: 720px) {
  body { padding: 12px; }
  .cards { gap: 8px; } .card { min-width: 0; flex: 1 1 auto; padding: 6px 10px; } .card .n { font-size: 20px; } .card .l { white-space: nowrap; }
  table.results, table.results tbody, table.results tr, table.results td, table.results th { display: block; }
  table.results thead { display: none; }
  table.results tbody th.group { padding: 14px 2px 4px; }
  table.results tr.result { display: flex; flex-wrap: wrap; align-items: baseline; margin: 8px 0; padding: 6px 0; border: 1px solid var(--line); border-left: 4px solid var(--line); border-radius: 8px; }
  table.results tr.result > td { flex: 1 1 100%; min-width: 0; padding: 2px 10px; border: 0; background: none; }
  table.results tr.result > td.status, table.results tr.result > td.level, table.results tr.result > td.num { flex: 0 0 auto; order: -1; padding-right: 0; }
  table.results tr.g-failed.lvl-must { border-left-color: var(--fail); } table.results tr.g-errored.lvl-must { border-left-color: var(--error); }
  table.results tr.lvl-ref { border-style: dashed; border-left-color: var(--muted); background: var(--refbg); }
  table.results .ref-note { display: inline; }
  table.results td.num::before { content: "time "; color: var(--muted); }
  table.results td.num::after { content: " s"; }
  table.results td.rules:not(:empty)::before { content: "rules "; color: var(--muted); }
  dl { grid-template-columns: minmax(0, 1fr); } dt { margin-top: 4px; }
  ul.rules { columns: 2 140px; }
}
@media print { .filters { display: none !important; } }
`;

/**
 * The filter script (inline, allowed by its hash in the Content-Security-Policy). It reads the rows'
 * `data-status`, `data-level` and `data-rules` attributes and the text of their `.q` elements (check
 * id, title, rules, message), hides rows and empty groups, and keeps the state in the URL fragment
 * (`#filter?status=failed,errored&level=ref&rule=ID&q=text`) so that a reload or a shared link keeps it.
 * Without JavaScript the form stays hidden and every row is shown.
 */
const SCRIPT = `
(function () {
  'use strict';
  var form = document.getElementById('filters');
  var table = document.getElementById('results');
  var count = document.getElementById('filter-count');
  var empty = document.getElementById('filter-empty');
  if (!form || !table || !count || !empty) return;
  var PREFIX = '#filter?';
  var all = function (root, sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); };
  var rows = all(table, 'tr.result').map(function (tr) {
    return {
      tr: tr,
      status: tr.getAttribute('data-status'),
      level: tr.getAttribute('data-level'),
      rules: (tr.getAttribute('data-rules') || '').split(' ').filter(Boolean),
      text: all(tr, '.q').map(function (el) { return el.textContent; }).join(' ').toLowerCase()
    };
  });
  var statuses = all(form, 'input[name="status"]');
  var levels = all(form, 'input[name="level"]');
  var passed = form.querySelector('input[name="status"][value="passed"]');
  var hidePassed = form.querySelector('input[name="hide-passed"]');
  var rule = form.querySelector('select[name="rule"]');
  var q = form.querySelector('input[name="q"]');
  var values = function (boxes) { return boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; }); };

  function save() {
    var p = new URLSearchParams();
    var st = values(statuses), lv = values(levels);
    if (st.length !== statuses.length) p.set('status', st.join(','));
    if (lv.length !== levels.length) p.set('level', lv.join(','));
    if (rule.value !== '') p.set('rule', rule.options[rule.selectedIndex].text);
    if (q.value !== '') p.set('q', q.value);
    var s = p.toString();
    if (s === '' && location.hash.indexOf(PREFIX) !== 0) return;
    var hash = s === '' ? '' : PREFIX + s;
    if (hash === location.hash) return;
    try { history.replaceState(null, '', hash === '' ? location.href.split('#')[0] : hash); } catch (e) { /* about:blank, sandboxed */ }
  }

  function load() {
    if (location.hash.indexOf(PREFIX) !== 0) return;
    var p = new URLSearchParams(location.hash.slice(PREFIX.length));
    var set = function (boxes, key) {
      var want = p.has(key) ? p.get(key).split(',') : null;
      boxes.forEach(function (b) { b.checked = want === null || want.indexOf(b.value) >= 0; });
    };
    set(statuses, 'status');
    set(levels, 'level');
    rule.value = '';
    if (p.has('rule')) {
      for (var i = 0; i < rule.options.length; i++) if (rule.options[i].text === p.get('rule')) rule.value = rule.options[i].value;
    }
    q.value = p.get('q') || '';
  }

  function apply() {
    hidePassed.checked = !passed.checked;
    var st = values(statuses), lv = values(levels), r = rule.value;
    var terms = q.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var ok = st.indexOf(row.status) >= 0 && lv.indexOf(row.level) >= 0 &&
        (r === '' || row.rules.indexOf(r) >= 0) &&
        terms.every(function (t) { return row.text.indexOf(t) >= 0; });
      row.tr.hidden = !ok;
      if (ok) shown++;
    });
    Array.prototype.forEach.call(table.tBodies, function (tb) {
      tb.hidden = tb.querySelector('tr.result:not([hidden])') === null;
    });
    count.textContent = 'showing ' + shown + ' of ' + rows.length + (rows.length === 1 ? ' check' : ' checks');
    empty.hidden = shown > 0;
    save();
  }

  form.addEventListener('change', function (e) {
    if (e.target === hidePassed) passed.checked = !hidePassed.checked;
    apply();
  });
  q.addEventListener('input', apply);
  form.addEventListener('submit', function (e) { e.preventDefault(); });
  form.addEventListener('reset', function () { setTimeout(apply, 0); });
  window.addEventListener('hashchange', function () {
    if (location.hash.indexOf(PREFIX) === 0) { load(); apply(); }
  });
  load();
  apply();
  form.hidden = false;
})();
`;

/** The Content-Security-Policy source of the inline script: its SHA-256 hash. */
const SCRIPT_HASH = `'sha256-${createHash('sha256').update(SCRIPT, 'utf8').digest('base64')}'`;

/** Nothing may load; the inline style sheet and the one inline script (by hash) may apply. */
const CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src ${SCRIPT_HASH}; base-uri 'none'; form-action 'none'`;

/**
 * Renders the report as one self-contained HTML document: inline CSS, one inline filter script
 * (allowed by its hash; nothing else may run or load, by a Content-Security-Policy), no external
 * resources. Summary cards, a legend of the rule levels, the filters (status, "hide passed", level,
 * rule, free text; shown only when the script runs, so without JavaScript every result is visible),
 * then every result in one table grouped by status with failures first (details of a failure in a
 * `<details>` element; rows become cards on narrow screens), waivers, and the rule coverage. All text
 * is escaped (`& < > " '`) and control characters are made visible.
 */
export function renderHtml(report: RunReport): string {
  const parts = partitionResults(report);
  const s = report.summary;
  const verdict = verdictStatement(report);
  const verdictClass = report.verdict === 'pass' || report.verdict === 'fail' ? report.verdict : 'none';
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
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>promoproof ${escapeHtml(verdict.headline.toLowerCase())}: ${escapeHtml(report.target.url)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<h1>promoproof <span class="verdict ${verdictClass}">${escapeHtml(verdict.headline)}</span></h1>`,
    `<p class="reason">${escapeHtml(verdict.reason)}</p>`,
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
  const ruleIds = [...new Set(report.results.flatMap((r) => r.rules))].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  out.push(
    '<h2>Results</h2>',
    `<p class="meta">${nav.join(' · ')}</p>`,
    legend(report),
    filters(report, ruleIds),
    '<table class="results" id="results">',
    '<thead><tr><th>Status</th><th>Check</th><th>Rules</th><th>Level</th><th>Time (s)</th><th>Details</th></tr></thead>',
  );
  for (const group of DISPLAY_ORDER) {
    const results = parts[group];
    if (results.length === 0) continue;
    out.push(`<tbody id="${group}">`, `<tr><th class="group s-${group}" colspan="6">${GROUP_TITLE[group]} (${results.length})</th></tr>`);
    for (const r of results) out.push(row(r, group, report, ruleIndex));
    out.push('</tbody>');
  }
  out.push('</table>', '<p id="filter-empty" class="meta" hidden>No check matches these filters.</p>');

  out.push('<h2>Rule coverage</h2>', `<p>${cov.covered}/${cov.total} rules covered.</p>`);
  if (cov.uncovered.length > 0) {
    out.push(`<p>Uncovered: ${cov.uncovered.map((id) => `<code class="uncovered">${escapeHtml(id)}</code>`).join(', ')}</p>`);
  }
  if (cov.rules.length > 0) {
    out.push('<ul class="rules">');
    for (const rule of cov.rules) {
      const cls = rule.checks === 0 ? ' class="uncovered"' : '';
      out.push(
        `<li${cls}><code>${escapeHtml(rule.id)}</code> ${escapeHtml(rule.level)}: ${rule.checks} ${rule.checks === 1 ? 'check' : 'checks'}</li>`,
      );
    }
    out.push('</ul>');
  }

  out.push(`<script>${SCRIPT}</script>`, '</body>', '</html>', '');
  return out.join('\n');
}

/** Failed or errored and not waived: a result that fails the run when its level counts. */
function isProblem(r: CheckResult): boolean {
  return (r.status === 'failed' || r.status === 'errored') && !isWaived(r);
}

/** What `must` and `ref` mean, and whether `ref` failures counted against this run's verdict (`strictRef`). */
function legend(report: RunReport): string {
  const refs = report.results.filter((r) => r.level === 'ref');
  const problems = refs.filter(isProblem).length;
  const effect = report.strictRef
    ? 'In this run they count against the verdict like <span class="badge">must</span> checks (as against the embedded reference, or with <code>--strict-ref</code>)'
    : 'In this run they do not count against the verdict (they count only against the embedded reference, or with <code>--strict-ref</code>)';
  const tally =
    refs.length === 0
      ? ' This run has no ref checks.'
      : problems === 0
        ? ` No ref check failed or errored (${plural(refs.length, 'ref check')}).`
        : ` ${plural(problems, 'ref check')} failed or errored${report.strictRef ? ' and counted' : ': reported, not counted'}.`;
  return (
    '<p class="legend" id="legend"><span class="badge">must</span> checks test what the source documents state. ' +
    `<span class="badge ref">ref</span> checks (dashed) test promoproof's own choices where the documents are silent. ${effect}.${tally}</p>`
  );
}

/** The filter form: hidden until the script shows it, so that a page without JavaScript shows everything. */
function filters(report: RunReport, ruleIds: readonly string[]): string {
  const byStatus = (status: CheckStatus) => report.results.filter((r) => r.status === status).length;
  const byLevel = (level: string) => report.results.filter((r) => (r.level === 'ref' ? 'ref' : 'must') === level).length;
  const box = (name: string, value: string, label: string, n: number, cls = '') =>
    `<label><input type="checkbox" name="${name}" value="${value}" checked> <span${cls ? ` class="${cls}"` : ''}>${label}</span> (${n})</label>`;
  return [
    '<form id="filters" class="filters" role="search" aria-label="Filter results" hidden>',
    '<label><input type="checkbox" name="hide-passed"> <strong>hide passed</strong></label>',
    '<fieldset><legend>status</legend>',
    ...FILTER_STATUSES.map((status) => box('status', status, status, byStatus(status), `s-${status}`)),
    '</fieldset>',
    '<fieldset><legend>level</legend>',
    box('level', 'must', 'must', byLevel('must')),
    box('level', 'ref', 'ref', byLevel('ref')),
    '</fieldset>',
    '<label class="field"><span>rule</span><select name="rule"><option value="">all rules</option>' +
      ruleIds.map((id, i) => `<option value="${i}">${escapeHtml(id)}</option>`).join('') +
      '</select></label>',
    '<label class="field grow"><span>search</span><input type="search" name="q" placeholder="check, rule or message" autocomplete="off"></label>',
    '<button type="reset">reset</button>',
    `<p class="count" id="filter-count" aria-live="polite">showing ${report.results.length} of ${plural(report.results.length, 'check')}</p>`,
    '</form>',
  ].join('\n');
}

function row(r: CheckResult, group: DisplayGroup, report: RunReport, ruleIndex: ReadonlyMap<string, number>): string {
  const level = r.level === 'ref' ? 'ref' : 'must';
  const rules = r.rules.map((id) => `<code>${escapeHtml(id)}</code>`).join(', ');
  const indexes = r.rules.map((id) => ruleIndex.get(id)).join(' ');
  return (
    `<tr class="result g-${group} lvl-${level}" data-status="${escapeHtml(r.status)}" data-level="${level}" data-rules="${indexes}">` +
    `<td class="status s-${group}">${GROUP_TITLE[group]}</td>` +
    `<td class="check"><code class="q">${escapeHtml(r.id)}</code><br><span class="q">${escapeHtml(r.title)}</span></td>` +
    `<td class="rules q">${rules}</td><td class="level">${levelBadge(r, report)}</td><td class="num">${formatSeconds(r.durationMs)}</td>` +
    `<td class="details">${details(r)}</td></tr>`
  );
}

/**
 * The level badge (its title: the level as this run judges it); a failed or errored `ref` check also
 * says whether it counted against the verdict.
 */
function levelBadge(r: CheckResult, report: RunReport): string {
  const title = escapeHtml(levelLabel(r, report));
  if (r.level !== 'ref') return `<span class="badge" title="${title}">${escapeHtml(r.level)}</span>`;
  const badge = `<span class="badge ref" title="${title}">ref</span>`;
  if (!isProblem(r)) return badge;
  return countsTowardVerdict(r, report)
    ? `${badge} <span class="ref-note counts">counts in this run</span>`
    : `${badge} <span class="ref-note">does not fail the run</span>`;
}

function details(r: CheckResult): string {
  const waiver = isWaived(r)
    ? `<p class="s-waived">waived (${r.status}, rule <code>${escapeHtml(r.waived.rule)}</code>): ${escapeHtml(r.waived.reason)} (expires ${escapeHtml(r.waived.expires)})</p>`
    : '';
  const entries: string[] = [];
  if (r.source) entries.push(entry('source', `<code>${escapeHtml(`${r.source.file}:${r.source.line}`)}</code>`));
  if (r.tags.length > 0) entries.push(entry('tags', escapeHtml(r.tags.join(', '))));
  if (r.failure) entries.push(...failureEntries(r.failure));
  if (r.status === 'passed' || entries.length === 0) return `${waiver}<span class="q">${escapeHtml(r.message)}</span>`;
  const summary = r.message.trim() === '' ? '(details)' : `<span class="q">${escapeHtml(r.message)}</span>`;
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
        `<code class="url">${escapeHtml(`${req.httpMethod} ${req.url}`)}</code>operation <code>${escapeHtml(req.operation)}</code>` +
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
