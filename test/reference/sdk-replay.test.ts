/**
 * Replays, byte for byte, the requests four public JOS SDKs send for the seller promotion life cycle
 * (add → prop.add / sku.add / ordermode.add → commit → get → list), and one add_coupon client of the
 * Tencent data-api (at the end), against the reference, through
 * `app.inject` (no sockets). What each SDK sends was read from its sources and is written down below
 * as data (never as SDK code): transport, parameter order, URL/form encoding, timestamp form, and the
 * literal 360buy_param_json text (key order, whitespace, `""` / null for unset fields, numbers as
 * strings or as numbers). `%ID%` stands for the promotion id the add call answered.
 *
 * Every call is signed with josSign over exactly the parameter values that travel (the text the
 * server decodes), as the SDKs sign them before encoding, so the reference's signature check sees the
 * exotic encodings too. The SDKs' valid calls must succeed: the test fails if the reference goes back
 * to refusing undeclared parameters or reading an optional `""` as a value (JOS-REF-04).
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeAnswer, successKey, type JosAnswer } from '../../src/protocols/jos/envelope.js';
import { josSign } from '../../src/protocols/jos/sign.js';
import { parseJosTimestamp } from '../../src/protocols/jos/timestamp.js';
import { DEFAULT_CREDENTIALS } from '../../src/protocols/jos/credentials.js';
import { TENCENT_TEST_CREDENTIALS } from '../../src/protocols/tencent-data-api/credentials.js';
import { buildServer, type ServerOptions } from '../../src/reference/server.js';
import { promotionApiCompiled } from '../../src/spec/compile.js';
import { P, sku } from '../helpers/jos.js';

/** The fixed real clock: 2026-11-23 10:00:00 in UTC+8. */
const FIXED = Date.UTC(2026, 10, 23, 2, 0, 0);
const NOW_TEXT = '2026-11-23 10:00:00';
const CREDS = DEFAULT_CREDENTIALS;
const PARAM_JSON = '360buy_param_json';

// ------------------------------------------------------------------ wire encodings (as the SDKs' runtimes encode)

const pct = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

/** PHP urlencode(): everything but A-Z a-z 0-9 - _ . percent-encoded (UTF-8), a space as `+`. */
function phpUrlencode(v: string): string {
  return encodeURIComponent(v)
    .replace(/[!'()*~]/g, pct)
    .replace(/%20/g, '+');
}

/** Python urllib.parse.quote_plus (what `requests` uses for a form body): also keeps `~`, a space as `+`. */
function pyQuotePlus(v: string): string {
  return encodeURIComponent(v)
    .replace(/[!'()*]/g, pct)
    .replace(/%20/g, '+');
}

/**
 * A URL concatenated without encoding (one-coder/jdsdk's createRequestUrl), percent-encoded by the HTTP
 * library only where a character may not appear in a URL (space → %20, `"` → %22, `{` → %7B, `\` → %5C;
 * `:` and `,` stay raw). The library's code is not in that repository (rmccue/Requests before commit
 * b4bc526, which normalises a URL so), so this is our reading of it. Characters the server would misread
 * (`&`, `=`, `#`, `%`, `+`) must not occur: the SDK would send them raw.
 */
function unencodedUrl(v: string): string {
  if (/[&=#%+]/.test(v)) throw new Error(`value not representable in an unencoded URL: ${v}`);
  return v.replace(/[^A-Za-z0-9\-._~!$'()*,;:@/?]/g, (c) => encodeURIComponent(c));
}

// ------------------------------------------------------------------ the SDKs

/** How an SDK puts the parameters on the wire. */
type Transport =
  /** GET, every parameter (360buy_param_json included) in the query string. */
  | 'get-query'
  /** POST, every parameter in an application/x-www-form-urlencoded body. */
  | 'post-form'
  /** POST with an empty body, every parameter in the query string. */
  | 'post-empty-query';

interface Sdk {
  readonly name: string;
  /** Where the wire format below was read: repository and paths. */
  readonly source: string;
  readonly transport: Transport;
  /** System parameters and 360buy_param_json in the order the SDK writes them; `sign` comes last. */
  readonly order: readonly string[];
  readonly encode: (v: string) => string;
  /** The query string ends in `&`. */
  readonly trailingAmp: boolean;
  readonly timestamp: string;
  readonly v: string;
}

/**
 * one-coder/jdsdk (PHP, 2015), lib/Jdsdk/Jd/JClient.php (execute, createRequestUrl, createRequestUrlSign):
 * urlParams v, app_key, access_token set in the constructor, then method, 360buy_param_json, timestamp
 * (`date('Y-m-d H:i:s')`), sign; the URL is `"$k=$v"` joined by `&` with no encoding and no trailing `&`,
 * sent as a POST with no body (`\Requests::post($url)` before commit b4bc526, `Requests::request($url)`
 * after; that class is not in the repository). No `format`, no `sign_method`.
 * Note: its createRequestUrlSign computes `md5(isset($signStr) ?: …)`, i.e. md5("1") = C4CA4238…849B for
 * every request (its request logs, lib/Jdsdk/Jd/Log/2015-11-19.log in commit c73d259, show that constant);
 * we sign correctly, as the code evidently intends.
 */
const ONE_CODER: Sdk = {
  name: 'one-coder/jdsdk',
  source: 'github:one-coder/jdsdk lib/Jdsdk/Jd/JClient.php',
  transport: 'post-empty-query',
  order: ['v', 'app_key', 'access_token', 'method', PARAM_JSON, 'timestamp'],
  encode: unencodedUrl,
  trailingAmp: false,
  timestamp: NOW_TEXT,
  v: '2.0',
};

/**
 * hfdxn/jd-jos-api-sdk (PHP, 2024), src/jd/JdClient.php (execute, getCurrentTimeFormatted, curl):
 * sysParams app_key, v, method, timestamp (`date("Y-m-d H:i:s") . '.000' . <offset>`), access_token,
 * 360buy_param_json, sign, each `"$k=" . urlencode($v) . "&"` (so a trailing `&`), sent with curl as a
 * GET (the JSON string is not an array, so no POST fields). No `format`.
 */
const HFDXN: Sdk = {
  name: 'hfdxn/jd-jos-api-sdk',
  source: 'github:hfdxn/jd-jos-api-sdk src/jd/JdClient.php',
  transport: 'get-query',
  order: ['app_key', 'v', 'method', 'timestamp', 'access_token', PARAM_JSON],
  encode: phpUrlencode,
  trailingAmp: true,
  timestamp: `${NOW_TEXT}.000+0800`,
  v: '2.0',
};

/**
 * lostinfo/jos-open-api (JD's PHP JdClient repackaged, 2019), src/JdClient.php (execute, curl): as
 * hfdxn but the timestamp is plain `date("Y-m-d H:i:s")`: GET, urlencode (`+` for spaces), trailing `&`.
 */
const LOSTINFO: Sdk = {
  name: 'lostinfo/jos-open-api',
  source: 'github:lostinfo/jos-open-api src/JdClient.php',
  transport: 'get-query',
  order: ['app_key', 'v', 'method', 'timestamp', 'access_token', PARAM_JSON],
  encode: phpUrlencode,
  trailingAmp: true,
  timestamp: NOW_TEXT,
  v: '2.0',
};

/**
 * JD's Python SDK as vendored by ogto/scm_backend (2021), jd/api/base.py (RestApi.getResponse, sign,
 * getApplicationParameters): sys_parameters app_key, v, method, timestamp, access_token, then
 * 360buy_param_json = `json.dumps(params, indent=4, sort_keys=True, ensure_ascii=False)` (fields left
 * `None` are left out), sign; `requests.post(url, data=sys_parameters)`: everything in a form body,
 * quote_plus-encoded. Timestamp `%Y-%m-%d %H:%M:%S` (the vendored copy; the upstream getResponse kept
 * commented out above it sends `%Y-%m-%d %H:%M:%S.000` + `+0800`). No `format`.
 */
const PYTHON: Sdk = {
  name: 'JD Python SDK (ogto/scm_backend)',
  source: 'github:ogto/scm_backend jd/api/base.py',
  transport: 'post-form',
  order: ['app_key', 'v', 'method', 'timestamp', 'access_token', PARAM_JSON],
  encode: pyQuotePlus,
  trailingAmp: false,
  timestamp: NOW_TEXT,
  v: '2.0',
};

// ------------------------------------------------------------------ the parameter sets, per SDK (360buy_param_json text)

/**
 * one-coder/jdsdk, lib/Jdsdk/Jd/Api/Promotion/SellerPromotion{Add,PropAdd,SkuAdd,Commit,Get,List,OrdermodeAdd}Api.php:
 * getJsonParams assigns every declared field, then (add, sku.add, commit, get, list) JFunc::allDataType2String
 * (lib/Jdsdk/Jd/JFunc.php: null → "", everything else strval: numbers become strings; an array would become
 * "Array", so list fields are comma-separated strings), ksort (not in commit / get), json_encode (PHP
 * defaults: `\uXXXX` for non-ASCII, `\/`). prop.add and ordermode.add skip allDataType2String: arrays stay
 * JSON arrays, unset fields are null. list declares favor_mode (undeclared in the document) and defaults
 * page 1, size 10; its type is "" when not set.
 */
const ONE_CODER_CALLS = {
  add: String.raw`{"begin_time":"2026-11-23 10:00:00","bound":"","comment":"","end_time":"2026-11-30 10:00:00","favor_mode":"","member":"","name":"\u53cc\u5341\u4e00\u5927\u4fc3","slogan":"","type":"1"}`,
  propAdd: String.raw`{"num":[20],"promo_id":%ID%,"type":[4],"used_way":[2]}`,
  skuAdd: String.raw`{"bind_type":"","jd_prices":"10.0,10.1","num":"","promo_id":"%ID%","promo_prices":"9.0,9.5","seq":"","sku_ids":"10000001,10000002"}`,
  commit: String.raw`{"promo_id":"%ID%"}`,
  get: String.raw`{"promo_id":"%ID%"}`,
  list: String.raw`{"begin_time":"","end_time":"","favor_mode":"","page":"1","size":"10","sku_id":"","status":"","type":""}`,
  addTotal: String.raw`{"begin_time":"2026-11-23 10:00:00","bound":"1","comment":"","end_time":"2026-11-30 10:00:00","favor_mode":"","member":"","name":"\u6ee1100\u51cf10","slogan":"","type":"10"}`,
  skuAddTotal: String.raw`{"bind_type":"","jd_prices":"11.0","num":"","promo_id":"%ID%","promo_prices":"","seq":"","sku_ids":"10000005"}`,
  ordermodeAdd: String.raw`{"favor_mode":16,"link":null,"minus":[10],"plus":null,"promo_id":%ID%,"quota":[100],"rate":null}`,
};

/**
 * hfdxn/jd-jos-api-sdk, src/jd/request/SellerPromotion{Add,SkuAdd,Commit,Get,List,OrdermodeAdd}Request.php:
 * each setter stores its field in apiParas in call order, getApiParas is json_encode (PHP defaults), only
 * fields set are sent, values keep the caller's PHP types. setPromoId of sku.add and ordermode.add stores
 * `#promo_id` (and ordermode.add's setFavorMode `#favor_mode`, setLink `#link`): a generator bug; the
 * request classes' own putOtherTextParam($key, $value) sends the right name besides. No prop.add class.
 */
const HFDXN_CALLS = {
  add: String.raw`{"name":"\u53cc\u5341\u4e00\u5927\u4fc3","type":1,"begin_time":"2026-11-23 10:00:00","end_time":"2026-11-30 10:00:00","slogan":"\u5168\u573a\u4e5d\u6298"}`,
  /** setPromoId, setSkuIds, setJdPrices, setPromoPrices: the promotion id goes as `#promo_id` only. */
  skuAddAsGenerated: String.raw`{"#promo_id":%ID%,"sku_ids":"10000001,10000002","jd_prices":"10.0,10.1","promo_prices":"9.0,9.5"}`,
  /** The same, then putOtherTextParam('promo_id', $id). */
  skuAdd: String.raw`{"#promo_id":%ID%,"sku_ids":"10000001,10000002","jd_prices":"10.0,10.1","promo_prices":"9.0,9.5","promo_id":%ID%}`,
  commit: String.raw`{"promo_id":%ID%}`,
  get: String.raw`{"promo_id":%ID%}`,
  list: String.raw`{"type":1,"page":1,"size":10}`,
  addTotal: String.raw`{"name":"\u6ee1100\u51cf10","type":10,"begin_time":"2026-11-23 10:00:00","end_time":"2026-11-30 10:00:00","bound":1}`,
  skuAddTotal: String.raw`{"#promo_id":%ID%,"sku_ids":"10000005","jd_prices":"11.0","promo_id":%ID%}`,
  /** setPromoId, setFavorMode, setQuota, setMinus: `#promo_id` and `#favor_mode` only. */
  ordermodeAddAsGenerated: String.raw`{"#promo_id":%ID%,"#favor_mode":16,"quota":[100],"minus":[10]}`,
  /** The same, then putOtherTextParam('promo_id', …) and putOtherTextParam('favor_mode', …). */
  ordermodeAdd: String.raw`{"#promo_id":%ID%,"#favor_mode":16,"quota":[100],"minus":[10],"promo_id":%ID%,"favor_mode":16}`,
};

/**
 * lostinfo/jos-open-api, src/request/SellerPromotion{Add,PropAdd,SkuAdd,Commit,SkuList,List,OrdermodeAdd}.php:
 * setters store fields in call order, getApiParas is `json_encode($apiParas, JSON_FORCE_OBJECT)`; the
 * int[] / string[] fields are given as the documents' example values are written (a number, or
 * comma-separated text, as the README's `setFields('id,attId')`): a PHP array would be sent as an object
 * (`{"0":…}`) under JSON_FORCE_OBJECT. setPromoId of sku.add, prop.add and ordermode.add stores `#promo_id`
 * (ordermode.add also `#favor_mode`, `#link`); putOtherTextParam adds the right name. There is no
 * promotion.get class: the promotion is read back with sku.list.
 */
const LOSTINFO_CALLS = {
  add: String.raw`{"name":"11.11 Sale","type":1,"begin_time":"2026-11-23 10:00:00","end_time":"2026-11-30 10:00:00","member":50,"slogan":"Save 10% on 2 items"}`,
  propAddAsGenerated: String.raw`{"#promo_id":%ID%,"type":4,"num":20,"used_way":2}`,
  propAdd: String.raw`{"#promo_id":%ID%,"type":4,"num":20,"used_way":2,"promo_id":%ID%}`,
  skuAddAsGenerated: String.raw`{"#promo_id":%ID%,"sku_ids":"10000001,10000002","jd_prices":"10.0,10.1","promo_prices":"9.0,9.5"}`,
  skuAdd: String.raw`{"#promo_id":%ID%,"sku_ids":"10000001,10000002","jd_prices":"10.0,10.1","promo_prices":"9.0,9.5","promo_id":%ID%}`,
  commit: String.raw`{"promo_id":%ID%}`,
  skuList: String.raw`{"promo_id":%ID%,"page":1,"size":10}`,
  list: String.raw`{"type":1,"status":5,"page":1,"size":10}`,
  addTotal: String.raw`{"name":"Total-10","type":10,"begin_time":"2026-11-23 10:00:00","end_time":"2026-11-30 10:00:00","bound":1}`,
  skuAddTotal: String.raw`{"#promo_id":%ID%,"sku_ids":"10000005","jd_prices":"11.0","promo_id":%ID%}`,
  ordermodeAddAsGenerated: String.raw`{"#promo_id":%ID%,"#favor_mode":16,"quota":100,"minus":10}`,
  ordermodeAdd: String.raw`{"#promo_id":%ID%,"#favor_mode":16,"quota":100,"minus":10,"promo_id":%ID%,"favor_mode":16}`,
  ordermodeList: String.raw`{"promo_id":%ID%}`,
};

/**
 * JD Python SDK (ogto/scm_backend), jd/api/rest/SellerPromotion{Add,SkuAdd,Commit,Get,List,OrdermodeAdd}Request.py:
 * every field an attribute, None by default and then left out; json.dumps(indent=4, sort_keys=True,
 * ensure_ascii=False): newlines, 4-space indents, `": "` between key and value, `,` at line ends, Chinese
 * as UTF-8, values with the caller's Python types (here lists of ints and of price strings). No prop.add.
 */
const PYTHON_CALLS = {
  add: `{
    "begin_time": "2026-11-23 10:00:00",
    "comment": "备注 from python",
    "end_time": "2026-11-30 10:00:00",
    "member": 62,
    "name": "双十一大促",
    "slogan": "全场九折",
    "type": 1
}`,
  skuAdd: `{
    "jd_prices": [
        "10.0",
        "10.1"
    ],
    "promo_id": %ID%,
    "promo_prices": [
        "9.0",
        "9.5"
    ],
    "sku_ids": [
        10000001,
        10000002
    ]
}`,
  commit: `{
    "promo_id": %ID%
}`,
  get: `{
    "promo_id": "%ID%"
}`,
  list: `{
    "page": 1,
    "size": 10,
    "type": 1
}`,
  addTotal: `{
    "begin_time": "2026-11-23 10:00:00",
    "bound": 1,
    "end_time": "2026-11-30 10:00:00",
    "name": "满100减10",
    "type": 10
}`,
  skuAddTotal: `{
    "jd_prices": "11.0",
    "promo_id": %ID%,
    "sku_ids": "10000005"
}`,
  ordermodeAdd: `{
    "favor_mode": 16,
    "minus": [
        10
    ],
    "promo_id": %ID%,
    "quota": [
        100
    ]
}`,
};

// ------------------------------------------------------------------ the replayer

interface Replayed {
  readonly method: string;
  readonly status: number;
  readonly raw: string;
  readonly json: Record<string, unknown>;
  readonly answer: JosAnswer;
  /** The parameters as the SDK puts them on the wire (decoded), sign included. */
  readonly sent: Readonly<Record<string, string>>;
  /** The query string or form body exactly as sent. */
  readonly wire: string;
  /** Log lines written while this call was answered. */
  readonly log: readonly string[];
}

function replayer(sdk: Sdk, options: ServerOptions = {}) {
  const lines: string[] = [];
  const app = buildServer({
    testControl: true,
    now: () => FIXED,
    logger: true,
    logStream: { write: (l: string) => lines.push(l) },
    ...options,
  });
  const send = async (short: string, template: string, id?: string): Promise<Replayed> => {
    const method = P + short;
    if (template.includes('%ID%') && id === undefined) throw new Error(`${short}: no promotion id for ${template}`);
    const values: Record<string, string> = {
      v: sdk.v,
      app_key: CREDS.appKey,
      access_token: CREDS.accessToken,
      method,
      timestamp: sdk.timestamp,
      [PARAM_JSON]: template.replace(/%ID%/g, id ?? ''),
    };
    expect([...sdk.order].sort()).toEqual(Object.keys(values).sort());
    const sent: Record<string, string> = { ...values, sign: josSign(values, CREDS.appSecret) };
    const wire = [...sdk.order, 'sign'].map((k) => `${k}=${sdk.encode(sent[k]!)}`).join('&') + (sdk.trailingAmp ? '&' : '');
    const before = lines.length;
    const res =
      sdk.transport === 'get-query'
        ? await app.inject({ method: 'GET', url: `/routerjson?${wire}` })
        : sdk.transport === 'post-form'
          ? await app.inject({
              method: 'POST',
              url: '/routerjson',
              payload: wire,
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
            })
          : await app.inject({
              method: 'POST',
              url: `/routerjson?${wire}`,
              payload: '',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
            });
    const json = JSON.parse(res.body) as Record<string, unknown>;
    return {
      method,
      status: res.statusCode,
      raw: res.body,
      json,
      answer: decodeAnswer(method, json),
      sent,
      wire,
      log: lines.slice(before),
    };
  };
  return { app, lines, send };
}

/** The success body; the answer came as HTTP 200 under the live spelling `_responce` and fits the spec's answer schema. */
function success(r: Replayed): Record<string, unknown> {
  if (r.answer.kind !== 'success') throw new Error(`${r.method}: expected success, got ${r.raw}\nsent: ${r.wire}`);
  expect(r.status).toBe(200);
  expect(Object.keys(r.json)).toEqual([successKey(r.method, '_responce')]);
  expect(r.answer.key).toBe(successKey(r.method, '_responce'));
  const validate = promotionApiCompiled().operations.get(r.method)!.validateAnswer;
  expect(validate(r.answer.body), JSON.stringify(validate.errors)).toBe(true);
  return r.answer.body;
}

function promoId(r: Replayed): string {
  const id = String(success(r)['promo_id']);
  expect(id).toMatch(/^[1-9]\d*$/);
  return id;
}

/** What the reference logged as left out for this call: `{ ignored, blank }` of the leniency line. */
function leniency(r: Replayed): { ignored: string[]; blank: string[] } | undefined {
  for (const line of r.log) {
    const entry = JSON.parse(line) as { jos?: { method?: string; ignored?: string[]; blank?: string[] } };
    if (entry.jos?.ignored !== undefined) return { ignored: entry.jos.ignored, blank: entry.jos.blank ?? [] };
  }
  return undefined;
}

function vo(body: Record<string, unknown>): Record<string, string> {
  return body['promotion_v_o'] as Record<string, string>;
}

function listed(body: Record<string, unknown>): Record<string, string>[] {
  return (body['promotion_v_o_s'] as { promotion_v_o: Record<string, string> }[]).map((x) => x.promotion_v_o);
}

/** A `#promo_id` call: the parameter's error (not a success, not a 500), naming what was left out. */
function expectMissingPromoId(r: Replayed, ignored: readonly string[]) {
  expect(r.status).toBe(200);
  expect(r.answer.kind).toBe('error');
  expect(Object.keys(r.json)).toEqual(['error_response']);
  const e = r.json['error_response'] as Record<string, string>;
  expect(e['code']).toBe('promoId.invalid');
  // Both descriptions name what was left out: a client reading only zh_desc learns it too.
  expect(e['zh_desc']).toBe(`促销编号无效（已忽略未声明的参数：${ignored.join('、')}）`);
  expect(e['en_desc']).toMatch(/promo_id/);
  for (const name of ignored) expect(e['en_desc']).toContain(name);
  expect(leniency(r)?.ignored).toEqual(ignored);
}

// ------------------------------------------------------------------ the tests

describe('SDK replay: wire encodings reach the reference intact', () => {
  it('the encoders write what the SDKs write', () => {
    expect(phpUrlencode(NOW_TEXT)).toBe('2026-11-23+10%3A00%3A00');
    expect(phpUrlencode(`${NOW_TEXT}.000+0800`)).toBe('2026-11-23+10%3A00%3A00.000%2B0800');
    expect(phpUrlencode('{"a":"x~y*"}')).toBe('%7B%22a%22%3A%22x%7Ey%2A%22%7D');
    expect(pyQuotePlus('{\n    "a": "x~y"\n}')).toBe('%7B%0A++++%22a%22%3A+%22x~y%22%0A%7D');
    expect(unencodedUrl('{"t":"2026-11-23 10:00:00","s":"1,2","n":"\\u53cc"}')).toBe(
      '%7B%22t%22:%222026-11-23%2010:00:00%22,%22s%22:%221,2%22,%22n%22:%22%5Cu53cc%22%7D',
    );
  });

  it('every literal parameter set is valid JSON (with the id filled in)', () => {
    for (const set of [ONE_CODER_CALLS, HFDXN_CALLS, LOSTINFO_CALLS, PYTHON_CALLS]) {
      for (const [name, text] of Object.entries(set)) {
        expect(() => JSON.parse(text.replace(/%ID%/g, '2300001')), name).not.toThrow();
      }
    }
    // The SKUs the sets name are seeded ones (jd prices 10.0, 10.1, 11.0).
    expect([sku(0), sku(1), sku(4)]).toEqual([10000001, 10000002, 10000005]);
    expect(parseJosTimestamp(HFDXN.timestamp)).toBe(FIXED);
    expect(parseJosTimestamp(NOW_TEXT)).toBe(FIXED);
  });
});

describe('SDK replay: one-coder/jdsdk (POST, empty body, unencoded query, every value a string, "" for unset)', () => {
  it('add → prop.add → sku.add → commit → get → list, then a total promotion with ordermode.add', async () => {
    const c = replayer(ONE_CODER);

    const add = await c.send('add', ONE_CODER_CALLS.add);
    expect(add.wire).not.toMatch(/&$/);
    expect(add.wire).toContain('timestamp=2026-11-23%2010:00:00');
    expect(add.wire).toContain('%22bound%22:%22%22');
    const id = promoId(add);
    expect(leniency(add)).toEqual({ ignored: [], blank: ['bound', 'member', 'slogan', 'comment', 'favor_mode'] });

    expect(success(await c.send('prop.add', ONE_CODER_CALLS.propAdd, id))['ids']).toBeDefined();
    const skus = await c.send('sku.add', ONE_CODER_CALLS.skuAdd, id);
    expect(success(skus)['ids']).toBeDefined();
    expect(leniency(skus)?.blank.sort()).toEqual(['bind_type', 'num', 'seq']);
    expect(success(await c.send('commit', ONE_CODER_CALLS.commit, id))).toMatchObject({ success: true });

    const got = vo(success(await c.send('get', ONE_CODER_CALLS.get, id)));
    expect(got).toMatchObject({
      promo_id: id,
      name: '双十一大促',
      type: '1',
      begin_time: NOW_TEXT,
      end_time: '2026-11-30 10:00:00',
      member: '50',
      slogan: '',
      comment: '',
      status: '5',
    });

    const list = await c.send('list', ONE_CODER_CALLS.list);
    const page = success(list);
    expect(page['total_count']).toBe('1');
    expect(listed(page).map((p) => p.promo_id)).toEqual([id]);
    // favor_mode is declared by the SDK (as by every metadata-generated one) but not by the document.
    expect(leniency(list)).toEqual({ ignored: ['favor_mode'], blank: ['type', 'status', 'begin_time', 'end_time', 'sku_id'] });

    const total = promoId(await c.send('add', ONE_CODER_CALLS.addTotal));
    success(await c.send('sku.add', ONE_CODER_CALLS.skuAddTotal, total));
    success(await c.send('ordermode.add', ONE_CODER_CALLS.ordermodeAdd, total));
    success(await c.send('commit', ONE_CODER_CALLS.commit, total));
    expect(vo(success(await c.send('get', ONE_CODER_CALLS.get, total)))).toMatchObject({
      name: '满100减10',
      type: '10',
      bound: '1',
      status: '5',
    });
    expect(success(await c.send('list', ONE_CODER_CALLS.list))['total_count']).toBe('2');
  });

  it('the same calls are refused under --strict-params and the JOS-REF-04 faults, so the successes above are the leniency at work', async () => {
    const strict = replayer(ONE_CODER, { strictParams: true });
    expect((await strict.send('add', ONE_CODER_CALLS.add)).answer).toMatchObject({ kind: 'error', code: 'promo.member.invalid' });
    expect((await strict.send('list', ONE_CODER_CALLS.list)).answer).toMatchObject({ kind: 'error', code: 'param.error' });
    const blankRefused = replayer(ONE_CODER, { fault: 'blank-optional-as-value' });
    expect((await blankRefused.send('add', ONE_CODER_CALLS.add)).answer.kind).toBe('error');
    const unknownRefused = replayer(ONE_CODER, { fault: 'unknown-params-refused' });
    expect((await unknownRefused.send('list', ONE_CODER_CALLS.list)).answer).toMatchObject({ kind: 'error', code: 'param.error' });
  });
});

describe('SDK replay: hfdxn/jd-jos-api-sdk (GET, urlencode with +, trailing &, ….000+0800 timestamp)', () => {
  it('add → sku.add (#promo_id refused, then with putOtherTextParam) → commit → get → list, and ordermode.add', async () => {
    const c = replayer(HFDXN);

    const add = await c.send('add', HFDXN_CALLS.add);
    expect(add.wire).toMatch(/&$/);
    expect(add.wire).toContain('timestamp=2026-11-23+10%3A00%3A00.000%2B0800&');
    expect(add.wire).toContain('%222026-11-23+10%3A00%3A00%22');
    const id = promoId(add);
    expect(leniency(add)).toBeUndefined();

    const generated = await c.send('sku.add', HFDXN_CALLS.skuAddAsGenerated, id);
    expectMissingPromoId(generated, ['#promo_id']);
    for (const line of generated.log) {
      expect(line).not.toContain(CREDS.accessToken);
      expect(line).not.toContain(generated.sent['sign']!);
    }

    const skus = await c.send('sku.add', HFDXN_CALLS.skuAdd, id);
    expect(success(skus)['ids']).toBeDefined();
    expect(leniency(skus)).toEqual({ ignored: ['#promo_id'], blank: [] });
    expect(success(await c.send('commit', HFDXN_CALLS.commit, id))).toMatchObject({ success: true });
    expect(vo(success(await c.send('get', HFDXN_CALLS.get, id)))).toMatchObject({
      promo_id: id,
      name: '双十一大促',
      slogan: '全场九折',
      status: '5',
    });
    const page = success(await c.send('list', HFDXN_CALLS.list));
    expect(listed(page).map((p) => p.promo_id)).toEqual([id]);

    const total = promoId(await c.send('add', HFDXN_CALLS.addTotal));
    success(await c.send('sku.add', HFDXN_CALLS.skuAddTotal, total));
    expectMissingPromoId(await c.send('ordermode.add', HFDXN_CALLS.ordermodeAddAsGenerated, total), ['#promo_id', '#favor_mode']);
    const om = await c.send('ordermode.add', HFDXN_CALLS.ordermodeAdd, total);
    success(om);
    expect(leniency(om)?.ignored).toEqual(['#promo_id', '#favor_mode']);
    success(await c.send('commit', HFDXN_CALLS.commit, total));
    expect(vo(success(await c.send('get', HFDXN_CALLS.get, total)))).toMatchObject({ type: '10', bound: '1' });
  });

  it('the putOtherTextParam workaround is refused under --strict-params (undeclared #promo_id)', async () => {
    const c = replayer(HFDXN, { strictParams: true });
    const id = promoId(await c.send('add', HFDXN_CALLS.add));
    const r = await c.send('sku.add', HFDXN_CALLS.skuAdd, id);
    expect(r.answer.kind === 'error' ? r.answer.code : r.answer.kind).toBe('param.error');
  });
});

describe('SDK replay: lostinfo/jos-open-api (JD PHP JdClient: GET, urlencode with +, trailing &, JSON_FORCE_OBJECT)', () => {
  it('add → prop.add → sku.add → commit → sku.list → list, and ordermode.add; #promo_id refused where generated', async () => {
    const c = replayer(LOSTINFO);

    const add = await c.send('add', LOSTINFO_CALLS.add);
    expect(add.wire).toMatch(/&$/);
    expect(add.wire).toContain('timestamp=2026-11-23+10%3A00%3A00&');
    expect(add.wire).toContain('%2211.11+Sale%22');
    expect(add.wire).toContain('Save+10%25+on+2+items');
    const id = promoId(add);

    expectMissingPromoId(await c.send('prop.add', LOSTINFO_CALLS.propAddAsGenerated, id), ['#promo_id']);
    success(await c.send('prop.add', LOSTINFO_CALLS.propAdd, id));
    expectMissingPromoId(await c.send('sku.add', LOSTINFO_CALLS.skuAddAsGenerated, id), ['#promo_id']);
    success(await c.send('sku.add', LOSTINFO_CALLS.skuAdd, id));
    success(await c.send('commit', LOSTINFO_CALLS.commit, id));

    const skuPage = success(await c.send('sku.list', LOSTINFO_CALLS.skuList, id));
    expect(skuPage['total_count']).toBe('2');
    const page = success(await c.send('list', LOSTINFO_CALLS.list));
    expect(listed(page)).toEqual([
      expect.objectContaining({ promo_id: id, name: '11.11 Sale', slogan: 'Save 10% on 2 items', member: '50', status: '5' }),
    ]);

    const total = promoId(await c.send('add', LOSTINFO_CALLS.addTotal));
    success(await c.send('sku.add', LOSTINFO_CALLS.skuAddTotal, total));
    expectMissingPromoId(await c.send('ordermode.add', LOSTINFO_CALLS.ordermodeAddAsGenerated, total), ['#promo_id', '#favor_mode']);
    success(await c.send('ordermode.add', LOSTINFO_CALLS.ordermodeAdd, total));
    success(await c.send('commit', LOSTINFO_CALLS.commit, total));
    expect(success(await c.send('ordermode.list', LOSTINFO_CALLS.ordermodeList, total))['promo_order_mode_v_os']).toBeDefined();
  });
});

describe('SDK replay: JD Python SDK (POST form, pretty-printed sorted 360buy_param_json)', () => {
  it('add → sku.add → commit → get → list, and ordermode.add, signed over the JSON text with its newlines', async () => {
    const c = replayer(PYTHON);

    const add = await c.send('add', PYTHON_CALLS.add);
    expect(add.sent[PARAM_JSON]).toContain('\n    "begin_time": ');
    expect(add.wire).toContain('360buy_param_json=%7B%0A++++%22begin_time%22%3A+%222026-11-23+10%3A00%3A00%22%2C%0A');
    const id = promoId(add);

    success(await c.send('sku.add', PYTHON_CALLS.skuAdd, id));
    success(await c.send('commit', PYTHON_CALLS.commit, id));
    expect(vo(success(await c.send('get', PYTHON_CALLS.get, id)))).toMatchObject({
      promo_id: id,
      name: '双十一大促',
      member: '62',
      slogan: '全场九折',
      comment: '备注 from python',
      status: '5',
    });
    expect(listed(success(await c.send('list', PYTHON_CALLS.list))).map((p) => p.promo_id)).toEqual([id]);

    const total = promoId(await c.send('add', PYTHON_CALLS.addTotal));
    success(await c.send('sku.add', PYTHON_CALLS.skuAddTotal, total));
    success(await c.send('ordermode.add', PYTHON_CALLS.ordermodeAdd, total));
    success(await c.send('commit', PYTHON_CALLS.commit, total));
  });

  it('a signature over the JSON with its whitespace changed is refused (the text is signed byte-exact)', async () => {
    const c = replayer(PYTHON);
    const good = await c.send('list', PYTHON_CALLS.list);
    success(good);
    // Same parameters and signature, the JSON compacted: the signature no longer matches.
    const tampered: Record<string, string> = { ...good.sent, [PARAM_JSON]: JSON.stringify(JSON.parse(good.sent[PARAM_JSON]!)) };
    const wire = [...PYTHON.order, 'sign'].map((k) => `${k}=${pyQuotePlus(tampered[k]!)}`).join('&');
    const res = await c.app.inject({
      method: 'POST',
      url: '/routerjson',
      payload: wire,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(decodeAnswer(good.method, JSON.parse(res.body))).toMatchObject({ kind: 'error', code: '12' });
  });

  it('the upstream getResponse timestamp form (….000+0800) is accepted too', async () => {
    const c = replayer({ ...PYTHON, timestamp: `${NOW_TEXT}.000+0800` });
    success(await c.send('list', PYTHON_CALLS.list));
  });
});

describe('SDK replay: answers and log', () => {
  it('success bodies are read by decodeAnswer under either spelling; the raw key is _responce by default', async () => {
    const live = replayer(LOSTINFO);
    const a = await live.send('list', LOSTINFO_CALLS.list);
    expect(Object.keys(a.json)).toEqual(['jingdong_seller_promotion_list_responce']);
    expect(a.answer).toMatchObject({ kind: 'success', key: 'jingdong_seller_promotion_list_responce' });

    const documented = replayer(LOSTINFO, { successSuffix: '_response' });
    const b = await documented.send('list', LOSTINFO_CALLS.list);
    expect(Object.keys(b.json)).toEqual(['jingdong_seller_promotion_list_response']);
    expect(b.answer).toMatchObject({ kind: 'success', key: 'jingdong_seller_promotion_list_response' });
    expect(b.answer.kind === 'success' && a.answer.kind === 'success' ? b.answer.body : undefined).toEqual(
      a.answer.kind === 'success' ? a.answer.body : null,
    );
  });

  it('a #promo_id call logs the ignored name, never the access token or the signature', async () => {
    for (const sdk of [HFDXN, LOSTINFO]) {
      const c = replayer(sdk);
      const id = promoId(await c.send('add', sdk === HFDXN ? HFDXN_CALLS.add : LOSTINFO_CALLS.add));
      const r = await c.send('sku.add', sdk === HFDXN ? HFDXN_CALLS.skuAddAsGenerated : LOSTINFO_CALLS.skuAddAsGenerated, id);
      expectMissingPromoId(r, ['#promo_id']);
      const line = r.log.find((l) => l.includes('#promo_id'));
      expect(line, `${sdk.name}: no log line names #promo_id`).toBeDefined();
      expect(JSON.parse(line!)).toMatchObject({ jos: { method: P + 'sku.add', ignored: ['#promo_id'] } });
      const all = c.lines.join('');
      for (const secret of [CREDS.accessToken, encodeURIComponent(CREDS.accessToken), r.sent['sign']!, CREDS.appSecret])
        expect(all).not.toContain(secret);
    }
  });
});

// ------------------------------------------------------------------ the Tencent data-api: a real add_coupon client

/**
 * ShopeX/ECShopX's YoushuBundle, as a shop runs it, unchanged: src/YoushuBundle/Services/CouponService.php
 * (getData) builds the coupon, src/YoushuBundle/Services/src/Activity/Client.php (pushCoupon) wraps it as
 * `{dataSourceId, coupons}`, src/YoushuBundle/Services/src/Kernel/Kernel.php (json, getSignatureArray)
 * sends it with Guzzle: POST, the query `app_id, nonce, sign=sha256, timestamp, signature` (nonce 32
 * characters of [a-z1-9], `time()` seconds, signature = bin2hex(hash_hmac('sha256',
 * "app_id=…&nonce=…&sign=sha256&timestamp=…", app_secret)), PROTOCOLS.md §2b), the body
 * `json_encode($post, JSON_UNESCAPED_UNICODE)` (Chinese raw, `/` escaped as `\/`) with content-type
 * application/json. Written down here as data: the literal body and query, never the client's code.
 *
 * The coupon is a 代金券 (card_type cash) of 10 yuan off from 100 (reduce_cost 1000, least_cost 10000
 * fen), used in stores (use_platform store: is_all, no SKUs): coupon_sub_type 1, a 满减券. getData
 * sends every amount of every coupon, each `(int)bcdiv(x, 100, 2)`: a cash card has no discount, so
 * `"discount_coupon":0` — a field with no effect on a 满减券, ignored by the platform (TCC-REF-16).
 * card_id is a bigint column read with DBAL's fetchAll: text under PDO's stringified fetches (as
 * `"1024"` here); PHP ≥ 8.1's native integers would send a number, outside the document's `string`.
 */
const YOUSHU_NONCE = 'k3n8w1qz5r7t2y9u4p6m1x8c3v5b7n2a';
const YOUSHU_BODY = String.raw`{"dataSourceId":"101","coupons":[{"external_coupon_id":"1024","coupon_name":"满100减10","coupon_type":1,"coupon_sub_type":1,"plan_count":500,"start_time":"1795363200000","end_time":"1797955199000","rule_description":"满100元可用\/每人限领1张","amount_coupon":10,"discount_coupon":0,"amount_minimum":100,"release_status":1,"max_coupon_number_per_user":1,"product":{"is_all":true,"sku_ids":[]}}]}`;

/** The request the YoushuBundle Kernel sends at FIXED, signed as its getSignatureArray signs (not with our signer). */
function youshuRequest(): { url: string; headers: Record<string, string>; payload: string } {
  const { appId, appSecret } = TENCENT_TEST_CREDENTIALS;
  const timestamp = String(FIXED / 1000);
  const str = `app_id=${appId}&nonce=${YOUSHU_NONCE}&sign=sha256&timestamp=${timestamp}`;
  const signature = createHmac('sha256', appSecret).update(str).digest('hex');
  // Guzzle's `query` option: http_build_query, RFC 3986; every value here is unreserved text.
  const query = `app_id=${appId}&nonce=${YOUSHU_NONCE}&sign=sha256&timestamp=${timestamp}&signature=${signature}`;
  return {
    url: `/data-api/v1/order/add_coupon?${query}`,
    headers: { 'content-type': 'application/json', 'user-agent': 'GuzzleHttp/7' },
    payload: YOUSHU_BODY,
  };
}

describe('SDK replay: ShopeX/ECShopX YoushuBundle (Tencent add_coupon, Guzzle, PHP json_encode)', () => {
  it('uploads a 满减券 carrying "discount_coupon":0: accepted, the discount ignored, the amount kept', async () => {
    expect(JSON.parse(YOUSHU_BODY).coupons[0].rule_description).toBe('满100元可用/每人限领1张');
    const app = buildServer({ now: () => FIXED });
    const res = await app.inject({ method: 'POST', ...youshuRequest() });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ retcode: 0, errmsg: '', data: { coupons: [{ external_coupon_id: '1024', action: 'added' }] } });
    // Stored as the platform takes it: without the field that has no effect on a 满减券.
    const stored = app.couponBatch.store.get('101', '1024')?.coupon;
    expect(stored).toMatchObject({ coupon_sub_type: 1, amount_coupon: 10, amount_minimum: 100, product: { is_all: true, sku_ids: [] } });
    expect(stored).not.toHaveProperty('discount_coupon');
  });

  it('is refused under the reading coupon-no-effect-fields-validated, so the success above is TCC-REF-16 at work', async () => {
    const app = buildServer({ now: () => FIXED, readings: ['coupon-no-effect-fields-validated'] });
    const res = await app.inject({ method: 'POST', ...youshuRequest() });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ retcode: 41002, errmsg: 'Body is invalid: coupons[0].discount_coupon: must be > 0' });
    expect(app.couponBatch.store.size).toBe(0);
  });
});
