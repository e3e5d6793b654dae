import { buildJosParams, toFormBody } from '../protocol/jos/client.js';
import { curlLine } from '../engine/jos-adapter.js';
import { JOS_SIGN_METHODS, type JosSignMethod } from '../protocol/jos/sign.js';
import { DEFAULT_CREDENTIALS } from '../reference/credentials.js';
import { stringOption, type Command } from './command.js';
import { CliError, EXIT } from './exit-codes.js';

export const signCommand: Command = {
  name: 'sign',
  summary: 'sign a JOS request now, to reproduce a failed check (prints curl or the form body)',
  help: `Usage: promoproof sign --method NAME [--app-json JSON] [--url URL] [--form] [--sign-method M]

Builds a JOS request signed with the current time, e.g. to replay the request of a failed check
(reports redact the token and the signature). Prints a curl command, or with --form the
application/x-www-form-urlencoded body.

Options:
  --method NAME        the JOS method, e.g. jingdong.seller.promotion.get
  --app-json JSON      the application parameters (360buy_param_json), sent byte for byte (default {})
  --url URL            the JOS router URL (default http://127.0.0.1:8620/routerjson)
  --sign-method M      md5 (default), hmacmd5 or hmacsha256
  --form               print the form body instead of a curl command
  -h, --help           show this help

Credentials: PROMOPROOF_APP_KEY, PROMOPROOF_APP_SECRET, PROMOPROOF_ACCESS_TOKEN, else the reference's
test credentials. The output holds the token and a valid signature: treat it as a secret.`,
  options: {
    method: { type: 'string' },
    'app-json': { type: 'string' },
    url: { type: 'string' },
    'sign-method': { type: 'string' },
    form: { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const method = stringOption(values, 'method');
    if (!method) throw new CliError('--method is required');
    const appJson = stringOption(values, 'app-json') ?? '{}';
    try {
      const parsed: unknown = JSON.parse(appJson);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    } catch (e) {
      throw new CliError(`--app-json: ${(e as Error).message}`);
    }
    const signMethod = stringOption(values, 'sign-method') ?? 'md5';
    if (!(JOS_SIGN_METHODS as readonly string[]).includes(signMethod)) throw new CliError(`--sign-method must be one of ${JOS_SIGN_METHODS.join(', ')}`);
    const params = buildJosParams({
      method,
      app: appJson,
      signMethod: signMethod as JosSignMethod,
      credentials: {
        appKey: io.env['PROMOPROOF_APP_KEY'] || DEFAULT_CREDENTIALS.appKey,
        appSecret: io.env['PROMOPROOF_APP_SECRET'] || DEFAULT_CREDENTIALS.appSecret,
        accessToken: io.env['PROMOPROOF_ACCESS_TOKEN'] || DEFAULT_CREDENTIALS.accessToken,
      },
    });
    const url = stringOption(values, 'url') ?? 'http://127.0.0.1:8620/routerjson';
    io.stdout(`${values['form'] ? toFormBody(params) : curlLine('POST', url, params)}\n`);
    return EXIT.ok;
  },
};
