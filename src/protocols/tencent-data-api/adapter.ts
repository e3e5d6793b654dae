import type { ProtocolAdapter } from '../types.js';
import { isTencentTestCredentials, TENCENT_TEST_CREDENTIALS } from './credentials.js';
import { decodeAnswer } from './envelope.js';
import { tencentPreflight } from './preflight.js';
import { sendPrepared } from '../send-prepared.js';
import { prepareTencent, recordTencent, tencentCredentials } from './send.js';
import { loadTencentProtocol, TENCENT_PROTOCOL_SPEC_FILE } from './spec.js';
import { tencentSystemScenarios } from './system-cases.js';

/** The Tencent 有数 data-api (specs/tencent-data-api/protocol.yaml): HMAC-SHA256-signed query, JSON body. */
export const tencentAdapter: ProtocolAdapter = {
  id: 'tencent-data-api',
  title: 'Tencent 有数 data-api (数据接入) protocol',
  specFile: TENCENT_PROTOCOL_SPEC_FILE,
  skewS: () => loadTencentProtocol().skewS,
  errorCodes: () => Object.keys(loadTencentProtocol().retcodes),
  credentialFields: ['appId', 'appSecret'],
  testCredentials: { ...TENCENT_TEST_CREDENTIALS },
  // The signature is one-time (nonce, window) and not a secret; the app secret is.
  secretValues: (c) => {
    const creds = tencentCredentials(c);
    return isTencentTestCredentials(creds) ? [] : [creds.appSecret];
  },
  endpointPath: '',
  transportFields: ['omit', 'set', 'alter', 'signature', 'secret', 'clockOffsetS', 'timestampForm', 'httpMethod', 'rawBody', 'contentType'],
  prepare: (input) => {
    const p = loadTencentProtocol();
    return prepareTencent(input, { pathPrefix: p.pathPrefix, skewS: p.skewS });
  },
  record: (wire, endpoint) => recordTencent(wire, endpoint, loadTencentProtocol().pathPrefix),
  send: (input) => sendPrepared(tencentAdapter, input),
  decode: (_operation, json) => {
    const a = decodeAnswer(json);
    if (a.kind === 'success') return { kind: 'success', body: a.data };
    if (a.kind === 'error') return { kind: 'error', code: a.code, message: a.message, body: json };
    return a;
  },
  preflight: tencentPreflight,
  systemScenarios: (probe, rules) => tencentSystemScenarios(loadTencentProtocol(), probe, rules),
};
