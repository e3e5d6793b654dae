/**
 * The draft's YAML with its comments: the draft is a tree of maps, lists and scalars whose entries
 * carry the comments a reader must see (what a guess was matched on, `# confirm`, `# TODO:`). The
 * `yaml` package renders it — quoting, escaping and indentation are the library's; this module only
 * says which node each comment hangs on.
 */
import { Document, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';

/** A value of the tree. */
export type YNode =
  | { readonly kind: 'scalar'; readonly value: string | number | boolean | null }
  | { readonly kind: 'map'; readonly entries: YEntry[]; readonly todos: string[] }
  | { readonly kind: 'list'; readonly items: YNode[] };

/** One `key: value` of a map, with a trailing comment and comment lines before it. */
export interface YEntry {
  readonly key: string;
  readonly value: YNode;
  comment?: string;
  readonly before: string[];
}

/** A string, number, boolean or null: the library quotes a string only where YAML would misread it. */
export function scalar(value: string | number | boolean | null): YNode {
  return { kind: 'scalar', value };
}

/** An empty map; `put` adds its entries, `todos` its `# TODO:` lines (written after the entries). */
export function map(): YNode & { kind: 'map' } {
  return { kind: 'map', entries: [], todos: [] };
}

/** A list: on its key's line when all its items are scalars, else a block. */
export function list(items: YNode[]): YNode {
  return { kind: 'list', items };
}

/** Adds `key: value` to `m` (with `comment` after it on its line) and answers the entry. */
export function put(m: YNode & { kind: 'map' }, key: string, value: YNode, comment?: string): YEntry {
  const entry: YEntry = { key, value, before: [], ...(comment !== undefined ? { comment } : {}) };
  m.entries.push(entry);
  return entry;
}

/** The tree as a plain JSON value (comments dropped): what `--json` prints and what YAML would parse to. */
export function plain(node: YNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'list':
      return node.items.map(plain);
    case 'map':
      return Object.fromEntries(node.entries.map((e) => [e.key, plain(e.value)]));
  }
}

/**
 * The tree as YAML text, comments kept. Scalars are quoted so that YAML 1.1 readers too (`compat`)
 * read them as the same type: `"101"`, `"yes"` and `"on"` stay strings.
 */
export function renderYaml(node: YNode & { kind: 'map' }): string {
  const doc = new Document(null, { compat: 'yaml-1.1' });
  doc.contents = yamlNode(node);
  // lineWidth 0: a long value or comment stays on its line instead of being folded.
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** The library renders `#` straight before a comment's text; a space after it reads better. */
function commentText(lines: readonly string[]): string {
  return lines.map((l) => ` ${l}`).join('\n');
}

function yamlNode(node: YNode): Scalar | YAMLMap | YAMLSeq {
  switch (node.kind) {
    case 'scalar':
      return new Scalar(node.value);
    case 'list': {
      const seq = new YAMLSeq();
      seq.items.push(...node.items.map(yamlNode));
      // A list of scalars on its key's line (`status: [200, 201]`); maps in it as a block.
      seq.flow = node.items.every((i) => i.kind === 'scalar');
      return seq;
    }
    case 'map': {
      const m = new YAMLMap();
      m.items.push(...node.entries.map(pair));
      // Empty, it is written `{}` so the key is an empty map, not null; its TODOs follow it.
      m.flow = node.entries.length === 0;
      if (node.todos.length > 0) m.comment = commentText(node.todos.map((t) => `TODO: ${t}`));
      return m;
    }
  }
}

/**
 * One entry as a pair. The comment goes on the value when the value ends its line (a scalar, a flow
 * list or map: `key: value # comment`), else on the key (`key: # comment`, the block below it).
 */
function pair(e: YEntry): Pair {
  const key = new Scalar(e.key);
  const value = yamlNode(e.value);
  if (e.before.length > 0) key.commentBefore = commentText(e.before);
  if (e.comment !== undefined) {
    // An empty map's TODOs are its own comment already: then the entry's goes on the key.
    const onLine = value instanceof Scalar || ((value.flow ?? false) && value.comment === undefined);
    (onLine ? value : key).comment = commentText([e.comment]);
  }
  return new Pair(key, value);
}
