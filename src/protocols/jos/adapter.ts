import { loadJosProtocol } from '../../spec/load.js';
import type { ProtocolAdapter } from '../types.js';
import { DEFAULT_CREDENTIALS, isTestCredentials } from './credentials.js';
import { decodeAnswer } from './envelope.js';
import { josPreflight } from './preflight.js';
import { sendPrepared } from '../send-prepared.js';
import { prepareJos, recordJos } from './send.js';
import { systemScenarios } from './system-cases.js';

/** The JOS router protocol (specs/jos/protocol.yaml): MD5/HMAC-signed form requests to /routerjson. */
export const josAdapter: ProtocolAdapter = {
  id: 'jos',
  title: 'JD open platform (JOS) router protocol',
  specFile: 'jos/protocol.yaml',
  skewS: () => loadJosProtocol().skewS,
  errorCodes: () => Object.keys(loadJosProtocol().systemErrors),
  credentialFields: ['appKey', 'appSecret', 'accessToken'],
  testCredentials: { ...DEFAULT_CREDENTIALS },
  secretValues: (c) => {
    const creds = { appKey: c['appKey'] ?? '', appSecret: c['appSecret'] ?? '', accessToken: c['accessToken'] ?? '' };
    return isTestCredentials(creds) ? [creds.appSecret] : [creds.appSecret, creds.accessToken];
  },
  endpointPath: '/routerjson',
  transportFields: ['omit', 'set', 'signature', 'secret', 'clockOffsetS', 'timestampForm', 'signMethod', 'httpMethod', 'rawParamJson'],
  prepare: (input) => prepareJos(input, loadJosProtocol().skewS),
  record: recordJos,
  send: (input) => sendPrepared(josAdapter, input),
  decode: (operation, json) => {
    const a = decodeAnswer(operation, json);
    return a.kind === 'error' ? { kind: 'error', code: a.code, message: a.message, body: a.body } : a;
  },
  preflight: josPreflight,
  systemScenarios: (probe, rules) => systemScenarios(loadJosProtocol(), probe, rules),
};
