import type { Failure, RecordedResponse } from '../report/types.js';
import type { Json } from '../scenario/types.js';
import type { HttpOutcome } from '../core/http.js';

/**
 * What one step of a check returns: go on (with the values it captured, which the check loop writes
 * into the step's scope), or stop the check with a status: a failed expectation, a transport or
 * harness fault, an undecidable case, a check that does not apply (skipped), or an early refusal the
 * document allows (passed, later steps not run). Steps return this; only bugs throw.
 */
export type StepOutcome =
  | { readonly kind: 'continue'; readonly captures: Readonly<Record<string, Json>> }
  | {
      readonly kind: 'stop';
      readonly status: 'failed' | 'errored' | 'inconclusive' | 'passed' | 'skipped';
      /** The check's message (`label: expected …, got …`); empty for a pass. */
      readonly message: string;
      /** The step's details, when it has them (expected vs actual, the request and the answer). */
      readonly failure?: Failure;
    };

/** A stopping outcome. */
export type StepStop = Extract<StepOutcome, { kind: 'stop' }>;

const NOTHING: Readonly<Record<string, Json>> = Object.freeze({});

/** Go on, capturing `captures` (nothing by default). */
export function proceed(captures: Readonly<Record<string, Json>> = NOTHING): StepOutcome {
  return { kind: 'continue', captures };
}

/** Stop the check with `status` and `message` (and the step's details, if any). */
export function stop(status: StepStop['status'], message: string, failure?: Failure): StepStop {
  return failure === undefined ? { kind: 'stop', status, message } : { kind: 'stop', status, message, failure };
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
