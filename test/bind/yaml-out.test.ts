/**
 * The draft's YAML writer (src/bind/yaml-out.ts, rendering by the `yaml` package): each comment on
 * the line of the entry it speaks of, TODOs after a map's entries, an empty map written `{}`, and the
 * text parsing back — under YAML 1.2 and 1.1 alike — to exactly the plain value `--json` prints,
 * strings that look like numbers, booleans or null staying strings.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { list, map, plain, put, renderYaml, scalar, type YNode } from '../../src/bind/yaml-out.js';

/** Both readings a user's tool may apply: YAML 1.2 (ours) and 1.1 (older parsers' yes/no/on/off, octals). */
function readsBack(root: YNode & { kind: 'map' }): void {
  const text = renderYaml(root);
  expect(parse(text)).toEqual(plain(root));
  expect(parse(text, { version: '1.1' })).toEqual(plain(root));
}

describe('renderYaml', () => {
  it('puts each comment on its entry: after a scalar or flow list, on the key of a block, before-lines above it, TODOs after', () => {
    const root = map();
    const api = map();
    put(root, 'api', api).before.push('api: the title');
    put(api, 'url', scalar('http://127.0.0.1:8700'), 'the first server; confirm');
    const options = map();
    options.todos.push('dataSourceId: the data source (required)');
    put(api, 'options', options);
    const auth = map();
    put(auth, 'kind', scalar('bearer'));
    put(auth, 'token', scalar('${credentials.token}'));
    put(api, 'auth', auth, 'security scheme; confirm').before.push('first line', 'second line');
    put(api, 'status', list([scalar(200), scalar(201)]), 'the 2xx answers; confirm');
    api.todos.push('codes: map them', 'another');
    expect(renderYaml(root)).toBe(
      [
        '# api: the title',
        'api:',
        '  url: http://127.0.0.1:8700 # the first server; confirm',
        '  options: {} # TODO: dataSourceId: the data source (required)',
        '  # first line',
        '  # second line',
        '  auth: # security scheme; confirm',
        '    kind: bearer',
        '    token: ${credentials.token}',
        '  status: [200, 201] # the 2xx answers; confirm',
        '  # TODO: codes: map them',
        '  # TODO: another',
        '',
      ].join('\n'),
    );
    readsBack(root);
  });

  it('keeps strings that look like numbers, booleans or null strings, under YAML 1.2 and 1.1', () => {
    const root = map();
    const tricky = ['101', '012', '0x1f', '1e3', '.5', 'true', 'yes', 'on', 'Off', 'n', 'null', '~', ''];
    for (const s of tricky) put(root, s, scalar(s));
    expect(renderYaml(root)).toContain('"101": "101"\n');
    readsBack(root);
  });

  it('quotes and escapes what YAML would misread: colons, hashes, dashes, quotes, line breaks', () => {
    const root = map();
    const tricky = [
      'a: b',
      'a #b',
      '#x',
      '- x',
      '-x',
      "it's",
      'say "hi"',
      'two\nlines',
      ' padded ',
      '@at',
      '`tick',
      '{x}',
      '[x]',
      '*ref',
      '&anchor',
      '!tag',
      '%pct',
      '|',
      '>',
    ];
    for (const [i, s] of tricky.entries()) put(root, s, scalar(s), `comment ${i}`);
    readsBack(root);
  });

  it('keeps numbers, booleans and null typed, and writes lists of maps and mixed lists whole', () => {
    const root = map();
    put(root, 'n', scalar(101));
    put(root, 'f', scalar(0.5));
    put(root, 'b', scalar(false));
    put(root, 'z', scalar(null));
    const item = map();
    put(item, 'at', scalar('/x'), 'x; confirm');
    item.todos.push('in an item');
    put(root, 'mixed', list([item, scalar('s'), list([scalar(1)])]), 'a list; confirm');
    put(root, 'empty', list([]));
    expect(plain(root)).toEqual({ n: 101, f: 0.5, b: false, z: null, mixed: [{ at: '/x' }, 's', [1]], empty: [] });
    readsBack(root);
    expect(renderYaml(root)).toMatch(/^mixed: # a list; confirm\n {2}- at: \/x # x; confirm\n {4}# TODO: in an item\n/m);
  });

  it('keeps an empty map a map when it has an entry comment and TODOs: the comment on its key, the TODOs after `{}`', () => {
    const root = map();
    const options = map();
    options.todos.push('one', 'two');
    put(root, 'options', options, 'what it is');
    const single = map();
    single.todos.push('only');
    put(root, 'single', single, 'what that is');
    expect(renderYaml(root)).toBe(
      ['options: # what it is', '  {}', '  # TODO: one', '  # TODO: two', 'single: # what that is', '  {} # TODO: only', ''].join('\n'),
    );
    readsBack(root);
  });
});
