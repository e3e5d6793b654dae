/**
 * JOS gateway (system) error codes, PROTOCOLS.md §1d. Codes are strings on the wire.
 * `1` (body too large / unreadable request) and `3` (malformed 360buy_param_json) are not in the
 * public table; they are promoproof's choices, recorded as `ref` rules in specs/jd-promotion/rules.
 */
export const JOS_SYSTEM_ERRORS = {
  '1': { zh: '请求无法解析', en: 'Unreadable Request' },
  '2': { zh: '限制时间内调用失败次数', en: 'App Call Limited' },
  '3': { zh: '应用参数格式错误', en: 'Invalid 360buy_param_json' },
  '4': { zh: '缺少版本参数', en: 'Missing Version' },
  '5': { zh: '不支持的版本号', en: 'Unsupported Version' },
  '6': { zh: '不支持的数据格式', en: 'Unsupported Format' },
  '7': { zh: '缺少时间戳参数', en: 'Missing Timestamp' },
  '8': { zh: '非法的时间戳参数', en: 'Invalid Timestamp' },
  '9': { zh: '不支持的签名方法', en: 'Unsupported Sign Method' },
  '11': { zh: '缺少签名参数', en: 'Missing Signature' },
  '12': { zh: '无效签名', en: 'Invalid Signature' },
  '14': { zh: '缺少方法名参数', en: 'Missing Method' },
  '15': { zh: '不存在的方法名', en: 'Invalid Method' },
  '18': { zh: '缺少access_token参数', en: 'Missing access_token' },
  '19': { zh: '无效access_token', en: 'Invalid access_token' },
  '20': { zh: '缺少app_key参数', en: 'Missing app_key' },
  '21': { zh: '无效app_key', en: 'Invalid app_key' },
  '24': { zh: '无权调用API', en: 'cannot use  this API' },
} as const;

export type JosSystemCode = keyof typeof JOS_SYSTEM_ERRORS;
