/**
 * The operations of an API spec as the draft compares them: the action their name ends in, the
 * other words of the name, their inputs (parameters, or a JSON body's properties), and the list a
 * body operation may be sent one service call per entry of (`each`).
 */
import type { CompiledApi } from '../spec/compile.js';
import type { JsonSchema } from '../spec/types.js';
import { ACTIONS, words } from './words.js';

/** One input of a spec operation: a parameter, or a property of the body (of one entry, under `each`). */
export interface SpecInput {
  readonly name: string;
  readonly schema: Readonly<Record<string, unknown>>;
  readonly required: boolean;
  /** The spec's own words on it (a body property's `quote`), read for its unit. */
  readonly text: string;
}

export interface SpecOperation {
  readonly api: string;
  readonly name: string;
  readonly title: string;
  /** The word its action is known by (claim, list, verify, redeem, statistics, add …). */
  readonly action: string;
  /** The other words of its name (coupon, user), which count for little. */
  readonly context: readonly string[];
  readonly inputs: readonly SpecInput[];
  /** A body's required list of objects (`/coupons`) and its entries' inputs: sent one call per entry when the service takes one. */
  readonly each?: { readonly pointer: string; readonly inputs: readonly SpecInput[] };
  readonly answer: JsonSchema;
  readonly definitions: Readonly<Record<string, JsonSchema>>;
  /** The spec's error names for it (its own and the API's). */
  readonly errors: readonly string[];
}

/** The operations of `api`, in its spec's order. */
export function specOperations(api: CompiledApi): SpecOperation[] {
  return [...api.operations.values()].map((op) => {
    const nameWords = words(op.method).filter((w) => w !== 'promoproof');
    const action = [...nameWords].reverse().find((w) => w in ACTIONS) ?? nameWords[nameWords.length - 1] ?? op.method;
    const body = op.spec.body as Readonly<Record<string, unknown>> | undefined;
    const inputs =
      body === undefined
        ? op.params.map((p) => ({
            name: p.spec.name,
            schema: p.spec.schema as Readonly<Record<string, unknown>>,
            required: p.spec.required,
            text: '',
          }))
        : bodyInputs(body);
    const each = body === undefined ? undefined : eachOf(body);
    return {
      api: api.spec.id,
      name: op.method,
      title: op.spec.title ?? '',
      action,
      context: nameWords.filter((w) => w !== action),
      inputs,
      ...(each !== undefined ? { each } : {}),
      answer: op.spec.answer.schema,
      definitions: api.spec.definitions,
      errors: [...new Set([...op.spec.errors, ...Object.keys(api.spec.errors)])],
    };
  });
}

function bodyInputs(schema: Readonly<Record<string, unknown>>): SpecInput[] {
  const required = new Set(Array.isArray(schema['required']) ? schema['required'].map(String) : []);
  const props = (schema['properties'] ?? {}) as Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  return Object.entries(props).map(([name, s]) => ({ name, schema: s, required: required.has(name), text: quoteOf(s) }));
}

/** The body's one required list of objects, if it has exactly one. */
function eachOf(body: Readonly<Record<string, unknown>>): SpecOperation['each'] {
  const lists = bodyInputs(body).filter((i) => i.required && i.schema['type'] === 'array' && isRecord(i.schema['items']));
  const only = lists.length === 1 ? lists[0] : undefined;
  if (only === undefined) return undefined;
  return { pointer: `/${only.name}`, inputs: bodyInputs(only.schema['items'] as Readonly<Record<string, unknown>>) };
}

function quoteOf(s: Readonly<Record<string, unknown>>): string {
  const q = s['quote'];
  return [q]
    .flat()
    .filter((x) => typeof x === 'string')
    .join(' ');
}

function isRecord(v: unknown): v is Readonly<Record<string, unknown>> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
