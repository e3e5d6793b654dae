/**
 * A minimal, strict XML 1.0 well-formedness checker for tests: enough for the JUnit reporter's output
 * (elements, attributes, text, references, comments, CDATA, processing instructions; no DTD).
 * Throws on the first problem; returns the element tree with references decoded.
 */

export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  /** Character data directly inside the element (CDATA included), decoded. */
  text: string;
}

/** Characters allowed anywhere in an XML 1.0 document. */
const ILLEGAL_CHAR = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, where: string): string {
  return raw.replace(/&([^;&\s]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new Error(`${where}: bare '&' in ${JSON.stringify(raw.slice(0, 80))}`);
    const named = PREDEFINED[ref];
    if (named !== undefined) return named;
    const num = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
    if (!num) throw new Error(`${where}: unknown reference &${ref};`);
    const code = num[1] !== undefined ? parseInt(num[1], 16) : parseInt(num[2] ?? '', 10);
    const ch = String.fromCodePoint(code);
    if (ILLEGAL_CHAR.test(ch)) throw new Error(`${where}: reference to an illegal character &${ref};`);
    return ch;
  });
}

/** Parses `xml`, throwing an error that says what is wrong when it is not well-formed. */
export function parseXml(xml: string): XmlElement {
  const bad = ILLEGAL_CHAR.exec(xml);
  if (bad) throw new Error(`illegal character U+${(bad[0].codePointAt(0) ?? 0).toString(16)} at ${bad.index}`);
  let pos = 0;
  let root: XmlElement | undefined;
  const stack: XmlElement[] = [];

  const fail = (msg: string): never => {
    throw new Error(`${msg} at offset ${pos}: ${JSON.stringify(xml.slice(pos, pos + 60))}`);
  };
  const skipTo = (end: string): string => {
    const i = xml.indexOf(end, pos);
    if (i < 0) fail(`unterminated construct, missing ${end}`);
    const inner = xml.slice(pos, i);
    pos = i + end.length;
    return inner;
  };

  if (xml.startsWith('<?xml')) {
    pos = 5;
    skipTo('?>');
  }

  while (pos < xml.length) {
    const top = stack[stack.length - 1];
    if (xml.startsWith('<!--', pos)) {
      pos += 4;
      if (skipTo('-->').includes('--')) fail("'--' inside a comment");
    } else if (xml.startsWith('<![CDATA[', pos)) {
      if (!top) fail('CDATA outside the root element');
      pos += 9;
      const data = skipTo(']]>');
      if (top) top.text += data;
    } else if (xml.startsWith('<?', pos)) {
      pos += 2;
      skipTo('?>');
    } else if (xml.startsWith('<!', pos)) {
      fail('DTDs and declarations are not supported');
    } else if (xml.startsWith('</', pos)) {
      pos += 2;
      const name = NAME.exec(xml.slice(pos))?.[0] ?? fail('bad end tag name');
      pos += name.length;
      while (/\s/.test(xml[pos] ?? '')) pos += 1;
      if (xml[pos] !== '>') fail('bad end tag');
      pos += 1;
      const open = stack.pop();
      if (!open) fail(`end tag </${name}> without a start tag`);
      if (open && open.name !== name) fail(`end tag </${name}> does not match <${open.name}>`);
    } else if (xml[pos] === '<') {
      pos += 1;
      const name = NAME.exec(xml.slice(pos))?.[0] ?? fail('bad start tag name');
      pos += name.length;
      const attrs: Record<string, string> = {};
      for (;;) {
        const ws = /^\s*/.exec(xml.slice(pos))?.[0] ?? '';
        pos += ws.length;
        if (xml.startsWith('/>', pos) || xml[pos] === '>') break;
        if (ws === '') fail('missing white space before an attribute');
        const attr = NAME.exec(xml.slice(pos))?.[0] ?? fail('bad attribute name');
        pos += attr.length;
        const eq = /^\s*=\s*/.exec(xml.slice(pos))?.[0] ?? fail(`attribute ${attr} without '='`);
        pos += eq.length;
        const quote = xml[pos];
        if (quote !== '"' && quote !== "'") fail(`attribute ${attr} value not quoted`);
        pos += 1;
        const raw = skipTo(quote ?? '"');
        if (raw.includes('<')) fail(`'<' in the value of ${attr}`);
        if (Object.hasOwn(attrs, attr)) fail(`duplicate attribute ${attr}`);
        attrs[attr] = decode(raw, `attribute ${attr}`);
      }
      const element: XmlElement = { name, attrs, children: [], text: '' };
      if (top) top.children.push(element);
      else if (root) fail('more than one root element');
      else root = element;
      if (xml.startsWith('/>', pos)) pos += 2;
      else {
        pos += 1;
        stack.push(element);
      }
    } else {
      const next = xml.indexOf('<', pos);
      const raw = xml.slice(pos, next < 0 ? xml.length : next);
      if (raw.includes(']]>')) fail("']]>' in character data");
      if (!top) {
        if (raw.trim() !== '') fail('text outside the root element');
      } else top.text += decode(raw, `text of <${top.name}>`);
      pos += raw.length;
    }
  }
  if (stack.length > 0) throw new Error(`unclosed elements: ${stack.map((e) => e.name).join(' > ')}`);
  if (!root) throw new Error('no root element');
  return root;
}

/** Every element named `name` below `element`, depth first. */
export function findAll(element: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const child of element.children) {
    if (child.name === name) out.push(child);
    out.push(...findAll(child, name));
  }
  return out;
}
