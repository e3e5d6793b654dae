import { httpExchange, type HttpOutcome } from '../engine/http.js';

/**
 * One call of a protocol that sends flat parameters as a form (JOS, the Yoho gateway): POST with the
 * form as the body, or GET with it appended to the URL's query. Bounded like every exchange.
 */
export function exchangeForm(req: {
  readonly url: string;
  readonly httpMethod: 'GET' | 'POST';
  /** The URL-encoded parameters. */
  readonly form: string;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  readonly signal?: AbortSignal | undefined;
}): Promise<HttpOutcome> {
  const post = req.httpMethod === 'POST';
  return httpExchange({
    method: req.httpMethod,
    url: post ? req.url : `${req.url}${req.url.includes('?') ? '&' : '?'}${req.form}`,
    headers: post
      ? { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' }
      : { accept: 'application/json' },
    body: post ? req.form : undefined,
    timeoutMs: req.timeoutMs,
    maxBodyBytes: req.maxBodyBytes,
    signal: req.signal,
  });
}
