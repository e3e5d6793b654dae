/**
 * The refusals of the Yoho gateway, as the reference answers them (HTTP 200, `{code, message}`, no alg
 * or md5; UCP-REF-03). The two 500s are the gateway's own (PROTOCOLS.md §3a: RequestHeaderInvalidateException,
 * SecurityNotMatchException); the 404s and `system exception` are ours. Their texts are in
 * specs/yoho-gateway/protocol.yaml `errors` (a test keeps the two in step).
 */
export const YOHO_GATEWAY_ERRORS = {
  missingMethod: { code: 404, message: 'method not found' },
  missingSecret: { code: 500, message: '缺少client_secret' },
  notVerified: { code: 500, message: '数据验证错误.' },
  /** Its message is followed by `: <method>`. */
  unknownMethod: { code: 404, message: 'method not found' },
  internal: { code: 500, message: 'system exception' },
} as const;

export type YohoGatewayErrorName = keyof typeof YOHO_GATEWAY_ERRORS;
