import type { WireRequest } from './types.js';

const POST_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
  accept: 'application/json',
});
const GET_HEADERS: Readonly<Record<string, string>> = Object.freeze({ accept: 'application/json' });

/**
 * The wire form of a call that sends flat parameters as a form (JOS, the Yoho gateway): POST with the
 * URL-encoded form as the body, or GET with it appended to the URL's query.
 */
export function formRequest(req: {
  readonly url: string;
  readonly httpMethod: 'GET' | 'POST';
  /** The URL-encoded parameters. */
  readonly form: string;
}): Pick<WireRequest, 'method' | 'url' | 'headers' | 'body'> {
  if (req.httpMethod === 'POST') return { method: 'POST', url: req.url, headers: POST_HEADERS, body: req.form };
  return { method: 'GET', url: `${req.url}${req.url.includes('?') ? '&' : '?'}${req.form}`, headers: GET_HEADERS };
}
