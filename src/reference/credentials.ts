/** Credentials the reference accepts unless told otherwise. Test values only; written in the README. */
export interface JosCredentials {
  readonly appKey: string;
  readonly appSecret: string;
  readonly accessToken: string;
}

export const DEFAULT_CREDENTIALS: JosCredentials = Object.freeze({
  appKey: 'promoproof-app-key',
  appSecret: 'promoproof-app-secret',
  accessToken: 'promoproof-access-token',
});
