import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { yohoAdapter } from '../../../src/protocols/yoho-gateway/adapter.js';
import { YOHO_GATEWAY_ERRORS } from '../../../src/protocols/yoho-gateway/codes.js';
import { YOHO_TEST_CREDENTIALS } from '../../../src/protocols/yoho-gateway/credentials.js';
import { YOHO_ALG, YOHO_DEV_SALT, YOHO_MASTER_SALT, yohoSuccessText } from '../../../src/protocols/yoho-gateway/envelope.js';
import { YOHO_APP_VERSION, YOHO_SYSTEM_PARAMS } from '../../../src/protocols/yoho-gateway/send.js';
import { YOHO_UNSIGNED } from '../../../src/protocols/yoho-gateway/sign.js';
import { loadYohoProtocol, YOHO_PROTOCOL_SPEC_FILE } from '../../../src/protocols/yoho-gateway/spec.js';
import { formatProblem, LoadError } from '../../../src/core/errors.js';
import { parseSpec, SPECS_DIR } from '../../../src/spec/load.js';

const FILE = `${SPECS_DIR}${YOHO_PROTOCOL_SPEC_FILE}`;
const text = readFileSync(FILE, 'utf8');

function problems(yaml: string): string[] {
  try {
    parseSpec('p.yaml', yaml, 'protocol');
    return [];
  } catch (e) {
    if (e instanceof LoadError) return e.problems.map(formatProblem);
    throw e;
  }
}

describe('specs/yoho-gateway/protocol.yaml', () => {
  it('validates against the protocol schema, names it on its first line, and loads once, frozen', () => {
    expect(problems(text)).toEqual([]);
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/protocol-spec.schema.json');
    const p = loadYohoProtocol();
    expect(loadYohoProtocol()).toBe(p);
    expect(Object.isFrozen(p.errors[0])).toBe(true);
    expect(p.id).toBe('yoho-gateway');
  });

  it('is refused by the schema when it breaks the yoho shape (the yoho branch, not the JOS one)', () => {
    expect(problems(text.replace('caseInsensitive: true', 'caseInsensitive: yes please'))).toEqual([
      `p.yaml:${lineOf('caseInsensitive:')}:20: signature.caseInsensitive: must be boolean [PP_SCHEMA]`,
    ]);
    expect(problems(text.replace('httpMethods: [POST, GET]\n', 'httpMethods: [POST, GET]\nskewS: 300\n'))).toEqual([
      expect.stringMatching(/unknown key 'skewS'/),
    ]);
    expect(problems(text.replace('  salt: fd4ad5fcsa0de589af23234ks1923ks\n', ''))).toEqual([expect.stringMatching(/md5: missing 'salt'/)]);
  });

  it('keeps in step with the code: path, app_version, salts, alg, success, unsigned and system parameters, client types', () => {
    const p = loadYohoProtocol();
    expect(p.path).toBe(yohoAdapter.endpointPath);
    expect(p.appVersion).toBe(YOHO_APP_VERSION);
    expect(p.md5).toMatchObject({ alg: YOHO_ALG, salt: YOHO_MASTER_SALT, devSalt: YOHO_DEV_SALT });
    expect(p.success.code).toBe(200);
    expect(yohoSuccessText([])).toContain(`"message":"${p.success.message}"`);
    expect([...p.signature.unsigned]).toEqual([...YOHO_UNSIGNED]);
    expect(p.signature.param).toBe('client_secret');
    expect(p.systemParams.map((s) => s.name).sort()).toEqual([...YOHO_SYSTEM_PARAMS].sort());
    expect(p.systemParams.filter((s) => !s.signed).map((s) => s.name)).toEqual(['client_secret']);
    expect(p.clientTypes.names).toEqual(['iphone', 'ipad', 'android', 'h5', 'wechat', 'web', 'yoho']);
    expect(p.clientTypes.names).toContain(YOHO_TEST_CREDENTIALS.clientType);
    expect([...p.httpMethods].sort()).toEqual(['GET', 'POST']);
  });

  it('lists the gateway’s refusals as the reference answers them, in its order', () => {
    const p = loadYohoProtocol();
    const e = YOHO_GATEWAY_ERRORS;
    expect(p.errors.map((x) => [x.code, x.message])).toEqual([
      [e.missingMethod.code, e.missingMethod.message],
      [e.missingSecret.code, e.missingSecret.message],
      [e.notVerified.code, e.notVerified.message],
      [e.unknownMethod.code, `${e.unknownMethod.message}: <method>`],
      [e.internal.code, e.internal.message],
    ]);
    // The gateway's own texts come from its source; the rest are ours.
    expect(p.errors.filter((x) => x.documented).map((x) => x.source)).toEqual(['PROTOCOLS.md §3a', 'PROTOCOLS.md §3a']);
    expect(p.errors.filter((x) => !x.documented).every((x) => x.source === 'promoproof' && x.rules.every((r) => r.includes('-REF-')))).toBe(
      true,
    );
    for (const x of p.errors) expect(x.code).not.toBe(p.success.code);
  });

  it('quotes the seed verbatim', () => {
    const seed = readFileSync(`${SPECS_DIR}sources/user-coupon-api.zh.txt`, 'utf8');
    const p = loadYohoProtocol();
    expect(p.source.split('; ')[0]).toBe('user-coupon-api.zh.txt');
    for (const q of [p.md5.quote, p.success.quote]) {
      expect(q).toBeDefined();
      for (const s of [q ?? []].flat()) expect(seed).toContain(s);
    }
  });
});

function lineOf(needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
}
