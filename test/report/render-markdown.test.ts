import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { deepFreeze, makePassingReport, makeReport } from './fixtures.js';

/** Cells of a GFM table row: split on pipes that are not escaped. */
function cells(row: string): string[] {
  return row
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/);
}

describe('renderMarkdown', () => {
  const md = renderMarkdown(deepFreeze(makeReport()));

  it('shows the verdict in the title', () => {
    expect(md.split('\n')[0]).toBe(
      '## ❌ promoproof: fail — 1 must check failed, 1 must check errored (1 waived failure does not fail the run)',
    );
    expect(renderMarkdown(makePassingReport()).split('\n')[0]).toBe(
      '## ✅ promoproof: pass — 5 checks, 0 must failures (3 skipped; 1 waived failure does not fail the run)',
    );
  });

  it('has a summary table with the counts', () => {
    const lines = md.split('\n');
    const header = lines.findIndex((l) => l.startsWith('| Total |'));
    expect(cells(lines[header + 2] ?? '').map((c) => c.trim())).toEqual(['8', '1', '2', '1', '3', '1', '1', '7/10 (70%)']);
  });

  it('escapes pipes and line breaks in table cells', () => {
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    const resultsHeader = rows.find((r) => r.startsWith('| Status |')) ?? '';
    const width = cells(resultsHeader).length;
    const resultRows = rows.slice(rows.indexOf(resultsHeader) + 1);
    expect(resultRows).toHaveLength(8);
    for (const row of resultRows) expect(cells(row)).toHaveLength(width);
    expect(md).toContain('rejects discount \\| percentage above 100');
    const multiLine = renderMarkdown(makeReport({ results: [{ ...makeReport().results[2]!, message: 'first line\nsecond | line' }] }));
    const row = multiLine.split('\n').find((l) => l.includes('JOS-SIGN-003') && l.startsWith('| ')) ?? '';
    expect(row).toContain('first line second \\| line');
  });

  it('details each failure with rules, message, expected / actual and curl in code blocks', () => {
    const failures = md.indexOf('### Failures (3)');
    const details = md.indexOf('### Waived');
    expect(failures).toBeGreaterThan(0);
    expect(details).toBeGreaterThan(failures);
    const section = md.slice(failures, details);
    expect(section).toContain('#### ❌ `PROMO-ADD-002[3]` rejects discount \\| percentage above 100');
    expect(section).toContain('- **Rules:** `JD-PROMO-02`, `JOS-01` — must');
    expect(section).toContain('- **Message:** expected error code 19, got success');
    expect(section).toContain('```text\nerror_response.code = "19"\n```');
    expect(section).toContain("```sh\ncurl -sS -X POST 'http://127.0.0.1:8710/routerjson'");
    expect(section).toContain('JOS-SIGN-003');
    expect(section).toContain('JOS-TIME-002');
    expect(section).not.toContain('PROMO-LIST-004');
  });

  it('cuts response bodies to 1000 characters and keeps them inside their code block', () => {
    expect(md).toContain('line 20 | of the body');
    expect(md).not.toContain('line 61 | of the body');
    expect(md).toMatch(/first 1000 characters shown/);
    expect(md).not.toContain('\u0000');
    expect(md).not.toContain('\u001b');
    const fences = md.split('\n').filter((l) => /^`{3,}/.test(l));
    expect(fences.length % 2).toBe(0);
  });

  it('uses a longer fence when the text contains backticks', () => {
    const report = makeReport();
    const failed = report.results[1]!;
    const md2 = renderMarkdown(
      makeReport({ results: [{ ...failed, failure: { ...failed.failure!, actual: 'got ```\n# not a heading' } }] }),
    );
    expect(md2).toContain('````text\ngot ```\n# not a heading\n````');
  });

  it('collapses all results and lists uncovered rules', () => {
    expect(md).toContain('<details>\n<summary>All results (8)</summary>');
    expect(md).toContain('Uncovered: `JD-PROMO-08`, `JD-PROMO-09`, `JOS-REF-01`');
    expect(md).toContain('### Waived (1)');
    expect(md).toContain('known platform bug, ticket JOS-4411, expires 2099-12-31');
  });
});
