import type { Failure, RecordedResponse } from '../report/types.js';
import type { HttpOutcome } from './http.js';

/** Why a check stopped early: a failed expectation, a transport or harness fault, an undecidable case, or an allowed early refusal. */
export class Stop {
  constructor(
    readonly status: 'failed' | 'errored' | 'inconclusive' | 'passed' | 'skipped',
    readonly message: string,
    readonly failure?: Failure,
  ) {}
}

/** How much of an answer's body a failure records. */
export const BODY_SHOWN = 4096;

/** The answer as a failure records it (the body cut to BODY_SHOWN characters); undefined for a transport failure. */
export function recordResponse(out: HttpOutcome): RecordedResponse | undefined {
  if (!out.ok) return undefined;
  const cut = out.body.length > BODY_SHOWN;
  return {
    status: out.status,
    contentType: out.contentType,
    body: cut ? out.body.slice(0, BODY_SHOWN) : out.body,
    truncated: cut || out.truncated,
  };
}
