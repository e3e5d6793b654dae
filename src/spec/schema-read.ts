/**
 * Reading a JSON Schema node that is plain data (a spec's body schema): the small typed accessors the
 * body-case generator (src/generate/body-cases.ts) and the body mutations
 * (src/apis/tencent-coupon-batch/spec-mutations.ts) both walk with.
 */

export type SchemaNode = Readonly<Record<string, unknown>>;

/** The strings of an array value (others, and non-arrays, dropped). */
export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isSchema(v: unknown): v is SchemaNode {
  return isObject(v);
}

/** A keyword whose value maps names to schemas (`properties`), schemas only. */
export function schemaMap(v: unknown): Readonly<Record<string, SchemaNode>> {
  if (!isObject(v)) return {};
  const out: Record<string, SchemaNode> = {};
  for (const [k, s] of Object.entries(v)) if (isSchema(s)) out[k] = s;
  return out;
}

/** A keyword whose value is a list of schemas (`allOf`), schemas only. */
export function schemaList(v: unknown): SchemaNode[] {
  return Array.isArray(v) ? v.filter(isSchema) : [];
}
