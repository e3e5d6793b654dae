/**
 * Where a step reads the fields of a success answer — `capture`, `expect.fields` (of a success),
 * `assume`, and a parallel step's `expect.unique`, `expect.each.fields` and `successes[*].PATH`
 * captures — and which of those reads land on a part of the answer that is ours (src/spec/answer-parts.ts).
 * A `must` check may not depend on such a part: another correct target answers its own shape there
 * (the Tencent upload's `data` is `{}` in the seed's own example), so the suite loader refuses it.
 */
import { answerPartOurs, pathSteps } from '../spec/answer-parts.js';
import type { CompiledApi } from '../spec/compile.js';
import type { Step } from './types.js';

/** A read of a part of ours: where it is written (a path into the YAML file) and why it is refused. */
export interface OursRead {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The compiled spec of the API a step calls: the suite's (`undefined`), or the one its `api:` names; undefined when unknown. */
export type ApiOf = (api: string | undefined) => CompiledApi | undefined;

interface Read {
  readonly path: readonly (string | number)[];
  readonly field: string;
  /** How the step reads it, for the message: `captures code from`, `expect.fields reads`. */
  readonly how: string;
}

/**
 * The reads of parts of ours in `steps` (at `base` in their file): each success field a step reads,
 * looked up in the answer schema of every operation the step calls. Steps of other kinds (`use`,
 * `control`) read no answer of the API; a fixture's steps are judged where the fixture is defined.
 */
export function oursReads(steps: readonly Step[], base: readonly (string | number)[], apiOf: ApiOf): OursRead[] {
  const out: OursRead[] = [];
  steps.forEach((step, i) => {
    const at = [...base, i];
    let calls: readonly string[];
    let api: CompiledApi | undefined;
    let reads: Read[];
    if ('call' in step) {
      calls = [step.call];
      api = apiOf(step.api);
      reads = callReads(step, at);
    } else if ('parallel' in step) {
      const p = step.parallel;
      calls = p.steps ? p.steps.map((c) => c.call) : p.call !== undefined ? [p.call] : [];
      api = apiOf(p.api);
      reads = parallelReads(step, at);
    } else return;
    if (api === undefined) return;
    for (const read of reads) {
      for (const call of new Set(calls)) {
        const op = api.spec.operations[call];
        if (op === undefined) continue;
        const ours = answerPartOurs(op.answer, api.spec.definitions, pathSteps(read.field));
        if (ours === undefined) continue;
        out.push({
          path: read.path,
          message: `${read.how} ${read.field} of the ${call} answer, a part of ours (${ours.join(', ')}) that another correct target need not answer: a must check may not depend on it (take the value from what the check sent, a vars: value, or read it in a ref check)`,
        });
        break;
      }
    }
  });
  return out;
}

/**
 * The success fields one call or parallel step reads (capture, assume, expect.fields of a success, a
 * parallel step's unique, each.fields and `successes[*].PATH` captures), as the matchers write them: an
 * endpoint that cannot give one of them (a binding that maps no such field) cannot judge the step.
 */
export function successReads(step: Step): string[] {
  if ('call' in step) return callReads(step, []).map((r) => r.field);
  if ('parallel' in step) return parallelReads(step, []).map((r) => r.field);
  return [];
}

function callReads(step: Extract<Step, { call: string }>, at: readonly (string | number)[]): Read[] {
  const reads: Read[] = [];
  for (const [name, field] of Object.entries(step.capture ?? {}))
    reads.push({ path: [...at, 'capture', name], field, how: `captures ${name} from` });
  for (const field of Object.keys(step.assume ?? {})) reads.push({ path: [...at, 'assume', field], field, how: 'assume reads' });
  const expect = step.expect;
  // The fields of a refusal are read from the error's body, not from the success's schema.
  if (expect !== undefined && expect !== 'success' && expect.error === undefined)
    for (const field of Object.keys(expect.fields ?? {}))
      reads.push({ path: [...at, 'expect', 'fields', field], field, how: 'expect.fields reads' });
  return reads;
}

const SUCCESSES = /^successes\[\*\]\.?/;

function parallelReads(step: Extract<Step, { parallel: unknown }>, at: readonly (string | number)[]): Read[] {
  const reads: Read[] = [];
  // `successes[*].PATH` reads the successes; counts and `refusals[*].PATH` (the errors' bodies) do not.
  for (const [name, source] of Object.entries(step.capture ?? {}))
    if (SUCCESSES.test(source))
      reads.push({ path: [...at, 'capture', name], field: source.replace(SUCCESSES, ''), how: `captures ${name} from` });
  (step.expect?.unique ?? []).forEach((field, k) => {
    reads.push({ path: [...at, 'expect', 'unique', k], field, how: 'expect.unique reads' });
  });
  for (const field of Object.keys(step.expect?.each?.fields ?? {}))
    reads.push({ path: [...at, 'expect', 'each', 'fields', field], field, how: 'expect.each.fields reads' });
  return reads;
}
