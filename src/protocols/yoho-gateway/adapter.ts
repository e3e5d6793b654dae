import type { DecodedAnswer, Endpoint, ProtocolAdapter } from '../types.js';
import { isYohoTestCredentials, YOHO_TEST_CREDENTIALS, yohoCredentials } from './credentials.js';
import { decodeYoho } from './envelope.js';
import { yohoPreflight } from './preflight.js';
import { sendPrepared } from '../send-prepared.js';
import { prepareYoho, recordYoho } from './send.js';
import { loadYohoProtocol, YOHO_PROTOCOL_SPEC_FILE } from './spec.js';
import { yohoSystemScenarios } from './system-cases.js';

/**
 * Reads an answer with the salt of `endpoint` (its credentials' `salt`), or with the test credentials'
 * (the master salt) when no endpoint is given.
 */
export function decodeYohoFor(operation: string, json: unknown, raw: string, endpoint?: Endpoint): DecodedAnswer {
  const salt = endpoint ? yohoCredentials(endpoint.credentials).salt : YOHO_TEST_CREDENTIALS.salt;
  return decodeYoho(operation, json, raw, salt);
}

/** The Yoho (有货) gateway (specs/yoho-gateway/protocol.yaml): MD5-signed flat parameters to /gateway, SALT_MD5 answers. */
export const yohoAdapter: ProtocolAdapter = {
  id: 'yoho-gateway',
  title: 'Yoho (有货) API gateway protocol',
  specFile: YOHO_PROTOCOL_SPEC_FILE,
  // Nothing is timed: the signature covers no timestamp (PROTOCOLS.md §3a).
  skewS: () => 0,
  errorCodes: () => loadYohoProtocol().errors.map((e) => String(e.code)),
  credentialFields: ['clientType', 'privateKey', 'salt'],
  // Without a salt, the master branch's (the canonical one, PROTOCOLS.md §3b).
  optionalCredentialFields: ['salt'],
  testCredentials: { ...YOHO_TEST_CREDENTIALS },
  // The salt is public (every client holds it); the private key is the secret, but for the test one.
  secretValues: (c) => {
    const creds = yohoCredentials(c);
    return isYohoTestCredentials(creds) ? [] : [creds.privateKey];
  },
  endpointPath: '/gateway',
  transportFields: ['omit', 'set', 'alter', 'signature', 'secret', 'httpMethod'],
  prepare: prepareYoho,
  record: recordYoho,
  send: (input) => sendPrepared(yohoAdapter, input),
  // The salt is the endpoint's: the engine passes the endpoint an answer came from.
  decode: decodeYohoFor,
  preflight: yohoPreflight,
  systemScenarios: (probe, rules) => yohoSystemScenarios(loadYohoProtocol(), probe, rules),
};
