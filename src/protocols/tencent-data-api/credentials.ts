/** Credentials of the Tencent data-api: the `app_id` sent in the query and the secret that keys the HMAC. */
export type TencentCredentials = {
  readonly appId: string;
  readonly appSecret: string;
};

/**
 * The credentials the embedded reference accepts unless told otherwise. Test values only, public (the
 * README prints them): a report may show the signature of a request made with them.
 */
export const TENCENT_TEST_CREDENTIALS: TencentCredentials = Object.freeze({
  appId: 'promoproof-tencent-app',
  appSecret: 'promoproof-tencent-secret',
});

/** True when `c` are the documented test credentials (so reports need not redact signatures). */
export function isTencentTestCredentials(c: TencentCredentials): boolean {
  return c.appId === TENCENT_TEST_CREDENTIALS.appId && c.appSecret === TENCENT_TEST_CREDENTIALS.appSecret;
}
