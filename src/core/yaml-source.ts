import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { LoadError, type LoadErrorCode, type LoadProblem, type SourcePos } from './errors.js';

/** A parsed YAML file that can tell where any value of it sits. */
export interface YamlSource {
  readonly file: string;
  readonly value: unknown;
  /** Position of the value at `path` (or of its nearest existing parent). */
  locate(path: readonly (string | number)[]): SourcePos;
  /** Position of the key `key` of the mapping at `path` (else of the mapping, as `locate`). */
  locateKey(path: readonly (string | number)[], key: string): SourcePos;
  problem(code: LoadErrorCode, message: string, path: readonly (string | number)[]): LoadProblem;
}

/** Parses YAML text, throwing a LoadError with line and column for syntax errors and duplicate keys. */
export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new LoadError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
        return { code: 'PP_YAML_SYNTAX', message: e.message.split('\n')[0] ?? e.message, pos: { file, line: pos.line, column: pos.col } };
      }),
    );
  }
  const locate = (path: readonly (string | number)[]): SourcePos => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) {
        const { line, col } = lineCounter.linePos(node.range[0]);
        return { file, line, column: col };
      }
    }
    return { file, line: 1, column: 1 };
  };
  const locateKey = (path: readonly (string | number)[], key: string): SourcePos => {
    const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
    if (isMap(node)) {
      for (const pair of node.items) {
        const k = pair.key;
        if (isScalar(k) && String(k.value) === key && k.range) {
          const { line, col } = lineCounter.linePos(k.range[0]);
          return { file, line, column: col };
        }
      }
    }
    return locate(path);
  };
  return {
    file,
    locateKey,
    value: doc.toJS({ maxAliasCount: 100 }) as unknown,
    locate,
    problem: (code, message, path) => ({ code, message, pos: locate(path), pointer: toPointer(path) }),
  };
}

export function toPointer(path: readonly (string | number)[]): string {
  return path.length === 0 ? '' : `/${path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

export function fromPointer(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
