import { describe, expect, it } from 'vitest';
import { findAll, parseXml } from './xml-check.js';

describe('parseXml (test helper)', () => {
  it('parses elements, attributes, references and CDATA', () => {
    const root = parseXml('<?xml version="1.0"?>\n<a x="1 &amp; 2"><b/><b y=\'&#10;\'>t &lt;<![CDATA[<raw>]]></b></a>\n');
    expect(root.name).toBe('a');
    expect(root.attrs.x).toBe('1 & 2');
    expect(findAll(root, 'b')).toHaveLength(2);
    expect(findAll(root, 'b')[1]?.text).toBe('t <<raw>');
  });

  it.each([
    ['<a><b></a></b>', /does not match/],
    ['<a>', /unclosed/],
    ['<a>x & y</a>', /bare '&'/],
    ['<a>\u0000</a>', /illegal character/],
    ['<a x="<"/>', /'<' in the value/],
    ['<a x="1" x="2"/>', /duplicate attribute/],
    ['<a/><b/>', /more than one root/],
    ['<a>]]></a>', /']]>'/],
    ['<a x=1/>', /not quoted/],
    ['<a>&#0;</a>', /illegal character/],
  ])('rejects %j', (xml, error) => {
    expect(() => parseXml(xml)).toThrow(error);
  });
});
