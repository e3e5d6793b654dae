import { buildJosParams, toFormBody } from '../protocols/jos/client.js';
import { curlLine } from '../protocols/jos/send.js';
import { JOS_SIGN_METHODS, type JosSignMethod } from '../protocols/jos/sign.js';
import { DEFAULT_CREDENTIALS } from '../protocols/jos/credentials.js';
import { stringOption, type CliIo, type Values } from './command.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';

/** Runs `promoproof sign` (its name, help and options: signCommand in commands.ts). */
export async function run(values: Values, _positionals: string[], io: CliIo): Promise<ExitCode> {
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
  if (!(JOS_SIGN_METHODS as readonly string[]).includes(signMethod))
    throw new CliError(`--sign-method must be one of ${JOS_SIGN_METHODS.join(', ')}`);
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
}
