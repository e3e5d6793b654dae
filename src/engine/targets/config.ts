import { didYouMean } from '../../core/hints.js';
import { readFileSync } from 'node:fs';
import { APIS, configFixtures, referenceFixtures, SHORT_FORM_API } from '../../apis/index.js';
import { type BindingDoc, bindingAdapter, compileBinding, IdMap, protocolAdapter } from '../../protocols/index.js';
import type { Endpoint } from '../../protocols/types.js';
import { LoadError, type LoadProblem } from '../../core/errors.js';
import { schemaProblems } from '../../core/schema-check.js';
import type { FixtureSku } from '../../scenario/template.js';
import type { Capability } from '../../scenario/types.js';
import { parseYamlSource } from '../../core/yaml-source.js';
import type { Target } from '../target.js';

interface EndpointDoc {
  readonly url: string;
  readonly credentials: Readonly<Record<string, string>>;
  readonly options?: Readonly<Record<string, string>>;
  readonly methods?: Readonly<Record<string, string>>;
  /** The service's own shape (src/protocols/http-json/binding.ts); its credentials are then free-form. */
  readonly binding?: BindingDoc;
}

interface TargetConfigDoc {
  readonly url?: string;
  /** The short form's credentials, under its API's protocol id. */
  readonly credentials?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly apis?: Readonly<Record<string, EndpointDoc>>;
  readonly capabilities?: readonly Capability[];
  readonly testControlUrl?: string;
  /** Read by the APIs that have catalogue fixtures (src/apis/index.ts configFixtures). */
  readonly fixtures?: Readonly<Record<string, unknown>>;
}

/** The reference's catalogue SKUs as scenario fixtures (of every API that has any). */
export function referenceSkus(): FixtureSku[] {
  return [...referenceFixtures().skus];
}

/**
 * Loads a target config (YAML, specs/schema/target-config.schema.json). `${env:NAME}` in a string is
 * replaced from `env`; a missing variable, an unknown API, or credentials its protocol does not take
 * are load errors naming file, line and column (all of them at once).
 */
export function loadTargetConfig(
  file: string,
  env: Readonly<Record<string, string | undefined>>,
  text: string = readFileSync(file, 'utf8'),
): Target {
  const source = parseYamlSource(file, text);
  const schema = schemaProblems(source, 'target-config.schema.json');
  if (schema.length > 0) throw new LoadError(schema);
  const problems: LoadProblem[] = [];
  const resolve = (v: string, path: (string | number)[]): string =>
    v.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const value = env[name];
      if (value === undefined || value === '') {
        problems.push(source.problem('PP_SCHEMA', `environment variable ${name} is not set`, path));
        return '';
      }
      return value;
    });
  const doc = source.value as TargetConfigDoc;
  // The short form first, then every entry of `apis` (which may not repeat the short form's API).
  const declared: [string, EndpointDoc, (string | number)[]][] = [];
  const shortProtocol = APIS.get(SHORT_FORM_API)?.protocol ?? '';
  if (doc.url !== undefined && doc.credentials !== undefined) {
    declared.push([SHORT_FORM_API, { url: doc.url, credentials: doc.credentials[shortProtocol] ?? {} }, []]);
  }
  for (const [api, e] of Object.entries(doc.apis ?? {})) declared.push([api, e, ['apis', api]]);
  const endpoints: Record<string, Endpoint> = {};
  // The ids a bound service assigns, one map for the whole target (its batch upload and its claims are two APIs).
  const ids = new IdMap();
  // A problem of the entry itself points at its key (`tencent-coupon-batch:`), not at its first field.
  const atKey = (at: (string | number)[], message: string): LoadProblem =>
    at.length === 0
      ? source.problem('PP_SCHEMA', message, at)
      : {
          code: 'PP_SCHEMA',
          message,
          pos: source.locateKey(at.slice(0, -1), String(at[at.length - 1])),
          pointer: `/${at.map((k) => String(k).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`,
        };
  for (const [api, e, at] of declared) {
    const def = APIS.get(api);
    if (!def) {
      problems.push(atKey(at, `unknown API '${api}' (known: ${[...APIS.keys()].join(', ')})`));
      continue;
    }
    if (endpoints[api]) {
      problems.push(atKey(at, `API '${api}' is given twice (url + credentials is the short form of apis.${api})`));
      continue;
    }
    const adapter = protocolAdapter(def.protocol);
    const credsAt = at.length === 0 ? ['credentials', shortProtocol] : [...at, 'credentials'];
    const credentials: Record<string, string> = {};
    // A bound endpoint names its credentials itself (its binding says where each goes): none required, none unknown.
    const bound =
      e.binding === undefined
        ? undefined
        : compileBinding(e.binding, def.compiled(), new Set(Object.keys(e.credentials)), source, [...at, 'binding']);
    if (bound !== undefined) {
      problems.push(...bound.problems);
      if (e.methods !== undefined)
        problems.push(
          source.problem('PP_BINDING', `API '${api}' is bound: its binding names each request, so methods does not apply`, [
            ...at,
            'methods',
          ]),
        );
      for (const [field, v] of Object.entries(e.credentials)) credentials[field] = resolve(v, [...credsAt, field]);
    }
    for (const field of bound !== undefined ? [] : adapter.credentialFields) {
      const v = e.credentials[field];
      if (v === undefined) {
        if (!adapter.optionalCredentialFields?.includes(field))
          problems.push(source.problem('PP_SCHEMA', `${def.protocol} credentials need ${field}`, credsAt));
      } else credentials[field] = resolve(v, [...credsAt, field]);
    }
    for (const field of bound !== undefined ? [] : Object.keys(e.credentials)) {
      if (!adapter.credentialFields.includes(field))
        problems.push(
          source.problem(
            'PP_SCHEMA',
            `${def.protocol} credentials have no field '${field}' (they are ${adapter.credentialFields.join(', ')})`,
            [...credsAt, field],
          ),
        );
    }
    const options = e.options
      ? Object.fromEntries(Object.entries(e.options).map(([k, v]) => [k, resolve(v, [...at, 'options', k])]))
      : undefined;
    for (const [name, o] of Object.entries(def.options ?? {})) {
      if (options?.[name] === undefined)
        problems.push(source.problem('PP_SCHEMA', `API '${api}' needs options.${name}: ${o.description}`, at.length === 0 ? [] : at));
    }
    for (const name of Object.keys(options ?? {})) {
      if (!def.options?.[name])
        problems.push(source.problem('PP_SCHEMA', `API '${api}' has no option '${name}'`, [...at, 'options', name]));
    }
    const operations = def.compiled().operations;
    for (const name of Object.keys(e.methods ?? {})) {
      if (!operations.has(name))
        problems.push(
          source.problem('PP_SCHEMA', `API '${api}' has no operation '${name}'${didYouMean(name, operations.keys())}`, [
            ...at,
            'methods',
            name,
          ]),
        );
    }
    const methods = e.methods && Object.keys(e.methods).length > 0 ? { ...e.methods } : undefined;
    endpoints[api] = {
      url: resolve(e.url, [...at, 'url']),
      credentials,
      ...(options ? { options } : {}),
      ...(methods ? { methods } : {}),
      ...(bound ? { adapter: bindingAdapter(bound.binding, ids) } : {}),
    };
  }
  if (problems.length > 0) throw new LoadError(problems);
  const capabilities = doc.capabilities ?? [];
  const { skus, skuPool: pool } = configFixtures(doc.fixtures ?? {});
  // The schema asks for the short form or `apis`, and every declared API either loaded or was a problem.
  const firstUrl = Object.values(endpoints)[0]?.url ?? '';
  return {
    endpoints,
    embedded: false,
    capabilities,
    ...(pool ? { skuPool: pool } : {}),
    ...(capabilities.includes('test-control') ? { testControlUrl: doc.testControlUrl ?? `${new URL(firstUrl).origin}/__promoproof` } : {}),
    skus,
  };
}

/**
 * A target given only by URL (`--target`): the one API `api` (the short form's unless named) with
 * `credentials`, no capabilities, the reference's catalogue fixtures (its SKUs and SKU pool).
 */
export function targetFromUrl(url: string, credentials: Readonly<Record<string, string>>, api: string = SHORT_FORM_API): Target {
  const fixtures = referenceFixtures();
  return {
    endpoints: { [api]: { url, credentials: { ...credentials } } },
    embedded: false,
    capabilities: [],
    skus: fixtures.skus,
    ...(fixtures.skuPool ? { skuPool: fixtures.skuPool } : {}),
  };
}
