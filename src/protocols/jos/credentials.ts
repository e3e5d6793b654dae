/** Credentials the reference accepts unless told otherwise. Test values only; written in the README. */
/** (A type alias, not an interface, so that it is also an endpoint's credential record.) */
export type JosCredentials = {
  readonly appKey: string;
  readonly appSecret: string;
  readonly accessToken: string;
};

export const DEFAULT_CREDENTIALS: JosCredentials = Object.freeze({
  appKey: 'promoproof-app-key',
  appSecret: 'promoproof-app-secret',
  accessToken: 'promoproof-access-token',
});

/**
 * True when `c` are the documented test credentials above (public, in the README): reports then show
 * the token and the signature of a request, so its curl line runs as it is. Any other credentials are
 * real secrets: reports redact the token and the signature, and never hold the app secret.
 */
export function isTestCredentials(c: JosCredentials): boolean {
  return (
    c.appKey === DEFAULT_CREDENTIALS.appKey &&
    c.appSecret === DEFAULT_CREDENTIALS.appSecret &&
    c.accessToken === DEFAULT_CREDENTIALS.accessToken
  );
}

/** The credentials a reference accepts: each given value, else the test value of DEFAULT_CREDENTIALS. */
export function acceptedCredentials(given: Partial<JosCredentials> = {}): JosCredentials {
  return {
    appKey: given.appKey ?? DEFAULT_CREDENTIALS.appKey,
    appSecret: given.appSecret ?? DEFAULT_CREDENTIALS.appSecret,
    accessToken: given.accessToken ?? DEFAULT_CREDENTIALS.accessToken,
  };
}
