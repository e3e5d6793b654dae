/**
 * Credentials of the Yoho gateway: the `client_type` sent, the private key that client type signs
 * with (configuration of the gateway, PROTOCOLS.md §3a), and the SALT_MD5 salt of its answers (§3b;
 * public, not a secret: every client holds it).
 */
import { YOHO_MASTER_SALT } from './envelope.js';

/** (A type alias, not an interface, so that it is also an endpoint's credential record.) */
export type YohoCredentials = {
  readonly clientType: string;
  readonly privateKey: string;
  readonly salt: string;
};

/**
 * The credentials the embedded reference accepts unless told otherwise. Test values only, public (the
 * README prints them): a report may show the client_secret of a request made with them. Never a real
 * Yoho key.
 */
export const YOHO_TEST_CREDENTIALS: YohoCredentials = Object.freeze({
  clientType: 'android',
  privateKey: 'promoproof-yoho-test-key',
  salt: YOHO_MASTER_SALT,
});

/**
 * The Yoho credentials of an endpoint (a target config's `apis.<api>.credentials`): an absent client
 * type or key is '', an absent salt the master branch's (the canonical one, PROTOCOLS.md §3b).
 */
export function yohoCredentials(c: Readonly<Record<string, string>>): YohoCredentials {
  return { clientType: c['clientType'] ?? '', privateKey: c['privateKey'] ?? '', salt: c['salt'] ?? YOHO_MASTER_SALT };
}

/** True when `c` are the documented test credentials (so reports need not redact client_secret). */
export function isYohoTestCredentials(c: YohoCredentials): boolean {
  return c.clientType === YOHO_TEST_CREDENTIALS.clientType && c.privateKey === YOHO_TEST_CREDENTIALS.privateKey;
}
