/**
 * A service's OpenAPI 3 document, read by @apidevtools/swagger-parser (the one import of it): parsed,
 * validated against the OpenAPI 3.0 / 3.1 schema and dereferenced (every `$ref` replaced by what it
 * points at), then flattened into the operations the draft compares (src/bind/draft.ts). Nothing of
 * the document is parsed here by hand: this module only reads the parser's result.
 */
import SwaggerParser from '@apidevtools/swagger-parser';

/** A JSON Schema object of the document, dereferenced (a plain object; may be cyclic). */
export type Schema = Readonly<Record<string, unknown>>;

/** One input of an operation: a path, query or header parameter, or a top-level body property. */
export interface ServiceInput {
  readonly name: string;
  readonly schema: Schema;
  readonly required: boolean;
}

/** One operation of the document, in the terms the draft needs. */
export interface ServiceOperation {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As written in the document: `/activities/{activityId}/claims`. */
  readonly path: string;
  readonly operationId?: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly pathParams: readonly ServiceInput[];
  readonly query: readonly ServiceInput[];
  readonly headers: readonly ServiceInput[];
  /** The JSON request body's top-level properties (allOf merged). */
  readonly body: readonly ServiceInput[];
  /** The 2xx statuses it answers, and the JSON schema of the first that has one. */
  readonly successStatuses: readonly number[];
  readonly success?: Schema;
  /** The JSON schemas of its other answers (4xx, 5xx, default). */
  readonly errors: readonly Schema[];
  /** The security schemes that apply to it (its own `security`, else the document's). */
  readonly security: readonly string[];
}

/** A security scheme, as the document declares it. */
export interface SecurityScheme {
  readonly type: string;
  readonly scheme?: string;
  readonly in?: string;
  readonly name?: string;
}

/** The document, flattened. */
export interface ServiceDocument {
  readonly title: string;
  readonly openapi: string;
  /** The first server's URL, when it is absolute and has no {variables}. */
  readonly serverUrl?: string;
  readonly operations: readonly ServiceOperation[];
  readonly securitySchemes: Readonly<Record<string, SecurityScheme>>;
}

/** A document that cannot be used: missing, unreadable, not OpenAPI 3, or invalid (the parser's words). */
export class OpenApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpenApiError';
  }
}

/**
 * Reads, validates and dereferences the OpenAPI document at `file`. External `$ref`s may point at
 * other files, never at URLs (a draft reaches nothing outside the machine). Throws OpenApiError naming
 * the file, with the parser's message, for a document that cannot be used; a Swagger 2 document is
 * refused (convert it to OpenAPI 3 first).
 */
export async function readOpenApi(file: string): Promise<ServiceDocument> {
  let api: unknown;
  try {
    api = await SwaggerParser.validate(file, { resolve: { http: false } });
  } catch (e) {
    throw new OpenApiError(`${file}: not a usable OpenAPI document: ${(e as Error).message.trim()}`);
  }
  return flattenOpenApi(api, file);
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** The parser's (validated, dereferenced) document, flattened; throws OpenApiError for a Swagger 2 one. */
export function flattenOpenApi(api: unknown, file: string): ServiceDocument {
  const doc = obj(api);
  if (typeof doc['swagger'] === 'string')
    throw new OpenApiError(
      `${file}: a Swagger ${doc['swagger']} document; promoproof bind reads OpenAPI 3.0 and 3.1 only (convert it first, e.g. with swagger2openapi)`,
    );
  if (typeof doc['openapi'] !== 'string' || !/^3\./.test(doc['openapi'])) throw new OpenApiError(`${file}: not an OpenAPI 3 document`);
  const globalSecurity = securityNames(doc['security']);
  const operations: ServiceOperation[] = [];
  for (const [path, item] of Object.entries(obj(doc['paths']))) {
    const pathItem = obj(item);
    for (const m of METHODS) {
      const op = pathItem[m];
      if (op === undefined) continue;
      operations.push(operationOf(m, path, obj(op), arr(pathItem['parameters']), globalSecurity));
    }
  }
  const servers = arr(doc['servers']);
  const url = str(obj(servers[0])['url']);
  return {
    title: str(obj(doc['info'])['title']) ?? 'service',
    openapi: doc['openapi'],
    // A relative URL or one with {variables} is no origin to send to: the draft asks for one.
    ...(url !== undefined && /^https?:\/\/[^{}]+$/.test(url) ? { serverUrl: url.replace(/\/+$/, '') } : {}),
    operations,
    securitySchemes: Object.fromEntries(
      Object.entries(obj(obj(doc['components'])['securitySchemes'])).map(([k, v]) => [k, obj(v) as unknown as SecurityScheme]),
    ),
  };
}

function operationOf(
  method: (typeof METHODS)[number],
  path: string,
  op: Record<string, unknown>,
  shared: readonly unknown[],
  globalSecurity: readonly string[],
): ServiceOperation {
  // An operation's own parameter replaces a path item's of the same name and place.
  const params = new Map<string, Record<string, unknown>>();
  for (const p of [...shared, ...arr(op['parameters'])].map(obj)) params.set(`${str(p['in'])}:${str(p['name'])}`, p);
  const inputs = (where: string): ServiceInput[] =>
    [...params.values()]
      .filter((p) => p['in'] === where)
      .map((p) => ({ name: str(p['name']) ?? '', schema: obj(p['schema']), required: p['required'] === true }));
  const bodySchema = jsonSchemaOf(obj(op['requestBody'])['content']);
  const required = new Set(bodySchema === undefined ? [] : requiredOf(bodySchema));
  const responses = Object.entries(obj(op['responses']));
  const success = responses.filter(([code]) => /^2\d\d$/.test(code));
  const ownSecurity = op['security'];
  return {
    method: method.toUpperCase() as ServiceOperation['method'],
    path,
    ...(typeof op['operationId'] === 'string' ? { operationId: op['operationId'] } : {}),
    summary: [str(op['summary']), str(op['description'])].filter((s) => s !== undefined).join(' '),
    tags: arr(op['tags']).map(String),
    pathParams: inputs('path'),
    query: inputs('query'),
    headers: inputs('header'),
    body:
      bodySchema === undefined
        ? []
        : Object.entries(propertiesOf(bodySchema)).map(([name, schema]) => ({ name, schema, required: required.has(name) })),
    successStatuses: success.map(([code]) => Number(code)),
    ...firstSchema(success),
    errors: responses
      .filter(([code]) => !/^2\d\d$/.test(code))
      .flatMap(([, r]) => {
        const s = jsonSchemaOf(obj(r)['content']);
        return s === undefined ? [] : [s];
      }),
    security: ownSecurity === undefined ? globalSecurity : securityNames(ownSecurity),
  };
}

function firstSchema(success: readonly (readonly [string, unknown])[]): { success?: Schema } {
  for (const [, r] of success) {
    const s = jsonSchemaOf(obj(r)['content']);
    if (s !== undefined) return { success: s };
  }
  return {};
}

/** The schema of a `content` map's JSON media type (application/json, or any `+json`). */
function jsonSchemaOf(content: unknown): Schema | undefined {
  for (const [type, media] of Object.entries(obj(content)))
    if (/^application\/(.+\+)?json/.test(type)) {
      const s = obj(media)['schema'];
      if (s !== undefined) return obj(s);
    }
  return undefined;
}

function securityNames(security: unknown): string[] {
  return arr(security).flatMap((req) => Object.keys(obj(req)));
}

/** A schema's properties, those of its `allOf` members merged in (the dereferenced document nests them so). */
export function propertiesOf(schema: Schema, depth = 0): Record<string, Schema> {
  if (depth > 8) return {};
  const own = Object.fromEntries(Object.entries(obj(schema['properties'])).map(([k, v]) => [k, obj(v)]));
  const merged = arr(schema['allOf']).map((s) => propertiesOf(obj(s), depth + 1));
  return Object.assign({}, ...merged, own);
}

/** A schema's required property names, its `allOf` members' included. */
export function requiredOf(schema: Schema, depth = 0): string[] {
  if (depth > 8) return [];
  return [...arr(schema['required']).map(String), ...arr(schema['allOf']).flatMap((s) => requiredOf(obj(s), depth + 1))];
}

/** Whether a schema is an array (OpenAPI 3.1 may write `type: [array, 'null']`), and its items' schema. */
export function itemsOf(schema: Schema): Schema | undefined {
  const type = schema['type'];
  const isArray = type === 'array' || (Array.isArray(type) && type.includes('array'));
  return isArray ? obj(schema['items']) : undefined;
}

/** Whether a schema describes an object with properties. */
export function isObjectSchema(schema: Schema): boolean {
  return Object.keys(propertiesOf(schema)).length > 0;
}

/** The words a schema says of itself (description, title, format; its allOf members' too), lower-case. */
export function schemaText(schema: Schema, depth = 0): string {
  if (depth > 4) return '';
  const own = ['description', 'title', 'format'].map((k) => str(schema[k]) ?? '').join(' ');
  return [own, ...arr(schema['allOf']).map((s) => schemaText(obj(s), depth + 1))].join(' ').toLowerCase();
}

function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function arr(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
