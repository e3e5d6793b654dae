/**
 * What `promoproof serve` prints once it listens: every face of the reference (the API, its protocol,
 * the path it answers on, its methods), the credentials each protocol accepts and the test-control
 * routes. Built from the registries (src/apis/index.ts, src/protocols/index.ts), so an API added there
 * shows here. Pure: returns the text, the command prints it.
 */
import { APIS } from '../apis/index.js';
import { protocolAdapter } from '../protocols/index.js';
import { DEFAULT_CREDENTIALS, type JosCredentials } from '../protocols/jos/credentials.js';
import { TENCENT_TEST_CREDENTIALS } from '../protocols/tencent-data-api/credentials.js';
import { loadTencentProtocol } from '../protocols/tencent-data-api/spec.js';
import { YOHO_TEST_CREDENTIALS } from '../protocols/yoho-gateway/credentials.js';

export interface ServeBannerInput {
  /** The origin it listens on, e.g. http://127.0.0.1:8620. */
  readonly origin: string;
  /** The JOS credentials in force: only the public test values are printed, a value given is never echoed. */
  readonly jos: JosCredentials;
  readonly fault: string | undefined;
  readonly readings: readonly string[];
  readonly strictParams: boolean;
  readonly successSuffix: string;
  readonly liveSuccessSuffix: string;
  readonly catalogue: string;
  readonly testControl: boolean;
}

/** Where an API's operations are called: the protocol's one router path, or (Tencent) one path per operation. */
function facePaths(protocol: string, operations: readonly string[]): string {
  const path = protocolAdapter(protocol).endpointPath;
  if (path !== '') return `POST or GET ${path}`;
  const prefix = loadTencentProtocol().pathPrefix;
  return operations.map((op) => `POST ${prefix}/${op}`).join(', ');
}

/** `jingdong.seller.promotion.* (16 methods)`; `app.coupons.*, app.promotion.* (5 methods)`; `order/add_coupon`. */
export function methodFamilies(operations: readonly string[]): string {
  if (operations.length === 1) return operations[0] ?? '';
  const families = new Set(operations.map((op) => (op.includes('.') ? `${op.split('.').slice(0, 2).join('.')}.*` : op)));
  // One family of more than two segments reads better whole: jingdong.seller.promotion.*.
  const common = commonDottedPrefix(operations);
  const named = families.size > 1 && common.split('.').length < 3 ? [...families].join(', ') : `${common}.*`;
  return `${named} (${operations.length} methods)`;
}

function commonDottedPrefix(names: readonly string[]): string {
  const split = names.map((n) => n.split('.'));
  const first = split[0] ?? [];
  let n = 0;
  while (n < first.length - 1 && split.every((s) => s[n] === first[n])) n++;
  return first.slice(0, n).join('.');
}

export function renderServeBanner(i: ServeBannerInput): string {
  const shown = (value: string, fallback: string) => (value === fallback ? value : '(as given)');
  const apis = [...APIS.values()];
  // Grouped by where they answer: the JOS APIs share one router, as on the platform.
  const byPath = new Map<string, string[]>();
  for (const api of apis) {
    const ops = [...api.compiled().operations.keys()];
    const where = `${facePaths(api.protocol, ops)}, ${protocolAdapter(api.protocol).title}`;
    byPath.set(where, [...(byPath.get(where) ?? []), `${api.title}: ${methodFamilies(ops)}`]);
  }
  const dataSource = APIS.get('tencent-coupon-batch')?.options?.['dataSourceId']?.embedded ?? '';
  return [
    `promoproof reference listening on ${i.origin}: ${apis.length} APIs on one port`,
    ...[...byPath].flatMap(([where, faces]) => [`  ${where}`, ...faces.map((f) => `    ${f}`)]),
    '  one coupon platform: a batch uploaded at add_coupon is claimed, verified and redeemed over',
    '  promoproof.coupon.* and read over app.coupons.*',
    'credentials (test values are printed, values you give are not):',
    `  JOS               app_key ${i.jos.appKey}, app_secret ${shown(i.jos.appSecret, DEFAULT_CREDENTIALS.appSecret)}, access_token ${shown(i.jos.accessToken, DEFAULT_CREDENTIALS.accessToken)}`,
    `  Tencent data-api  app_id ${TENCENT_TEST_CREDENTIALS.appId}, secret ${TENCENT_TEST_CREDENTIALS.appSecret}, dataSourceId ${dataSource}`,
    `  Yoho gateway      client_type ${YOHO_TEST_CREDENTIALS.clientType}, private key ${YOHO_TEST_CREDENTIALS.privateKey}, SALT_MD5 salt ${YOHO_TEST_CREDENTIALS.salt}`,
    `fault         ${i.fault ?? 'none'}`,
    `readings      ${i.readings.length > 0 ? [...new Set(i.readings)].join(', ') : 'none (our own choices)'}`,
    `parameters    ${i.strictParams ? 'strict: undeclared refused, optional "" is a value' : 'undeclared ignored, optional "" absent (--strict-params refuses)'}`,
    `success key   <method>${i.successSuffix}${i.successSuffix === i.liveSuccessSuffix ? ' (as the live gateway spells it)' : ' (as the document spells it)'}`,
    `catalogue     ${i.catalogue}`,
    `test control  ${i.testControl ? `on: ${apis.flatMap((a) => (a.testControlRoutes ? [`${i.origin}${a.testControlRoutes.path}/ (${a.testControlRoutes.what})`] : [])).join(', ')}` : 'off (--test-control turns it on)'}`,
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}
