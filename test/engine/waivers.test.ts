import { describe, expect, it } from 'vitest';
import { isCalendarDate, loadWaivers } from '../../src/engine/waivers.js';
import { LoadError, type LoadProblem } from '../../src/core/errors.js';

function problemsOf(text: string): LoadProblem[] {
  try {
    loadWaivers('w.yaml', text);
  } catch (e) {
    if (e instanceof LoadError) return [...e.problems];
    throw e;
  }
  return [];
}

describe('loading waivers: every problem at once, each with file, line and column', () => {
  it('loads a good file', () => {
    expect(loadWaivers('w.yaml', 'waivers:\n  - rule: JDP-ADD-01\n    reason: known\n    expires: "2999-12-31"\n')).toEqual([
      { rule: 'JDP-ADD-01', reason: 'known', expires: '2999-12-31' },
    ]);
  });

  it('reports an unknown key, a missing reason and an impossible date together', () => {
    const text = [
      'waivers:',
      '  - rule: JDP-ADD-01',
      '    reason: known off-by-one',
      '    expires: "2999-12-31"',
      '    ticket: SHOP-42',
      '  - rule: JDP-ADD-02',
      '    expires: "2999-12-31"',
      '  - rule: JDP-ADD-03',
      '    reason: later',
      '    expires: "2026-13-01"',
      '',
    ].join('\n');
    const problems = problemsOf(text);
    expect(problems.map((p) => [p.pos.file, p.pos.line, p.pos.column, p.code])).toEqual([
      ['w.yaml', 5, 5, 'PP_SCHEMA'],
      ['w.yaml', 6, 5, 'PP_SCHEMA'],
      ['w.yaml', 10, 14, 'PP_SCHEMA'],
    ]);
    expect(problems[0]!.message).toContain("unknown key 'ticket'");
    expect(problems[1]!.message).toContain("missing 'reason'");
    expect(problems[2]!.message).toContain("'2026-13-01' is not a date");
    // The error's message lists them all, one file:line:column per line.
    const err = (() => {
      try {
        loadWaivers('w.yaml', text);
      } catch (e) {
        return e as LoadError;
      }
      throw new Error('no error');
    })();
    expect(err.message.split('\n')).toEqual([
      expect.stringMatching(/^w\.yaml:5:5: /),
      expect.stringMatching(/^w\.yaml:6:5: /),
      expect.stringMatching(/^w\.yaml:10:14: /),
    ]);
  });

  it('hints at a near miss of a key and reports unknown rules alongside schema problems', () => {
    const problems = problemsOf('waivers:\n  - rule: JDP-ADD-99\n    reson: typo\n    expires: "2999-12-31"\n');
    expect(problems.map((p) => [p.pos.line, p.code])).toEqual([
      [2, 'PP_SCHEMA'],
      [2, 'PP_UNKNOWN_RULE'],
      [3, 'PP_SCHEMA'],
    ]);
    expect(problems.find((p) => p.message.includes("unknown key 'reson'"))!.message).toContain("did you mean 'reason'?");
  });

  it('knows the calendar', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(isCalendarDate('2026-04-31')).toBe(false);
  });
});
