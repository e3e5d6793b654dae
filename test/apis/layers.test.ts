import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { APIS } from '../../src/apis/index.js';
import { PROTOCOLS } from '../../src/protocols/index.js';
import { ROOT } from '../helpers/build.js';

/**
 * The layers as the README draws them, read from the sources: core/, the engine, the scenario layer,
 * the generator and the reports name no API and no protocol (they reach them through the registries),
 * the protocols do not reach up into the engine or across into the APIs and the reference, core/
 * stands on nothing of ours and spec/ on core/ alone; no module imports itself back through others. So adding an API or a
 * protocol touches its folder and its registry line, and nothing here.
 */

const SRC = join(ROOT, 'src');
const NEUTRAL = ['core', 'engine', 'scenario', 'generate', 'report', 'load'];

function sources(folder: string): string[] {
  return readdirSync(join(SRC, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(SRC, folder, f));
}

/** Whether an import or export declaration brings types only (erased from the build). */
function typeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return node.isTypeOnly;
  const clause = node.importClause;
  if (clause === undefined) return false;
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return clause.name === undefined && named !== undefined && ts.isNamedImports(named) && named.elements.every((e) => e.isTypeOnly);
}

/** The string, template and regex literals of a source file and its import specifiers; comments left out. */
function literals(file: string): { texts: string[]; imports: string[]; valueImports: string[] } {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const texts: string[] = [];
  const imports: string[] = [];
  const valueImports: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      imports.push(node.moduleSpecifier.text);
      if (!typeOnly(node)) valueImports.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0]) {
      imports.push(node.arguments[0].getText(source).slice(1, -1));
      valueImports.push(node.arguments[0].getText(source).slice(1, -1));
    } else if (ts.isStringLiteralLike(node) || ts.isRegularExpressionLiteral(node)) texts.push(node.text);
    else if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) texts.push(node.text);
    node.forEachChild(visit);
  };
  visit(source);
  return { texts, imports, valueImports };
}

/** Where an import specifier of `file` points, relative to src/ (`core/http.js`), or undefined outside src/. */
function target(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const rel = relative(SRC, join(file, '..', specifier));
  return rel.startsWith('..') ? undefined : rel;
}

/** `jos` as a word of a text: not inside a longer id (`josService`, `yoho-gateway-x` is still a hit on `yoho-gateway`). */
function names(text: string, id: string): boolean {
  return new RegExp(`(?<![A-Za-z0-9_-])${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_])`).test(text);
}

describe('the layers', () => {
  const ids = [...APIS.keys(), ...PROTOCOLS.keys()];
  const rulePrefixes = [...APIS.values()].flatMap((a) => a.rulePrefixes);

  it.each(NEUTRAL)(
    'src/%s names no API, no protocol and none of their rule ids, and imports them only through the registries',
    (folder) => {
      const found: string[] = [];
      for (const file of sources(folder)) {
        const at = relative(ROOT, file);
        const { texts, imports } = literals(file);
        for (const text of texts) {
          for (const id of ids) if (names(text, id)) found.push(`${at}: '${id}' in ${JSON.stringify(text)}`);
          for (const p of rulePrefixes) if (text.includes(p)) found.push(`${at}: rule prefix ${p} in ${JSON.stringify(text)}`);
        }
        for (const spec of imports) {
          const to = target(file, spec);
          // The registries and their types (src/apis/*.ts, src/protocols/*.ts) are the way in; a folder of one API or protocol is not.
          if (to !== undefined && /^(apis|protocols)\/[^/]+\//.test(to)) found.push(`${at}: imports ${to}`);
        }
      }
      expect(found).toEqual([]);
    },
  );

  it('the protocols import nothing of the engine, the APIs or the reference, and only types of the scenario and report layers', () => {
    const found = sources('protocols').flatMap((file) => {
      const { imports, valueImports } = literals(file);
      const at = relative(ROOT, file);
      return [
        ...imports
          .map((spec) => target(file, spec))
          .filter((to) => /^(engine|apis|reference)\//.test(to ?? ''))
          .map((to) => `${at}: imports ${to}`),
        ...valueImports
          .map((spec) => target(file, spec))
          .filter((to) => /^(scenario|report)\//.test(to ?? ''))
          .map((to) => `${at}: imports values of ${to}`),
      ];
    });
    expect(found).toEqual([]);
  });

  it.each([
    ['core', []],
    ['spec', ['core']],
  ])('src/%s imports of ours only itself and %j', (folder, below) => {
    const allowed = [folder, ...below].map((f) => `${f}/`);
    const found = sources(folder).flatMap((file) =>
      literals(file)
        .imports.map((spec) => target(file, spec))
        .filter((to) => to !== undefined && !allowed.some((a) => to.startsWith(a)))
        .map((to) => `${relative(ROOT, file)}: imports ${to}`),
    );
    expect(found).toEqual([]);
  });

  it('no module of ours reaches itself again through what it imports (type imports aside)', () => {
    const graph = new Map(
      sources('.').map((file) => [
        relative(SRC, file),
        literals(file)
          .valueImports.map((spec) => target(file, spec)?.replace(/\.js$/, '.ts'))
          .filter((to) => to !== undefined),
      ]),
    );
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const walk = (at: string, path: readonly string[]): void => {
      if (state.get(at) === 'done') return;
      if (state.get(at) === 'open') {
        cycles.push([...path.slice(path.indexOf(at)), at].join(' → '));
        return;
      }
      state.set(at, 'open');
      for (const next of graph.get(at) ?? []) walk(next, [...path, at]);
      state.set(at, 'done');
    };
    for (const file of graph.keys()) walk(file, []);
    expect(cycles).toEqual([]);
  });

  it('finds what it looks for (the checks above can fail)', () => {
    expect(names("suites: ['jd-promotion']", 'jd-promotion')).toBe(true);
    expect(names('protocol: jos', 'jos')).toBe(true);
    expect(names('josService', 'jos')).toBe(false);
    expect(names('the JOS window', 'jos')).toBe(false);
    const file = join(SRC, 'engine', 'targets', 'embedded.ts');
    expect(target(file, '../../apis/jd-promotion/catalogue.js')).toMatch(/^apis\/jd-promotion\//);
    expect(target(file, '../../apis/index.js')).toBe('apis/index.js');
    const types = literals(join(SRC, 'protocols', 'types.ts'));
    expect(types.imports.length).toBeGreaterThan(types.valueImports.length);
  });
});
